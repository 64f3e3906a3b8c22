//! `accord bench witness`: add-checkpoint through the real `accord witness`
//! on loopback, each answer durable (a compare-and-swap committed with
//! `synchronous=FULL`) before it is sent.
//!
//! Two shapes, each on a fresh witness: **per-origin** — N client threads,
//! each the log of its own origin (its own key and tree), so that they
//! contend only for the database's one writer; **one-origin** — N threads
//! submitting for one log, racing from the same old size, so that one in
//! each race is cosigned and the others are answered 409 and retry from
//! the size they are told (what several of a log's instances, or a log
//! and a monitor, would do). Each request extends the tree by 1–4 leaves,
//! with a fresh signature and an RFC 9162 proof, built by the client.
//!
//! Reports cosignatures per second, client-side latency of the 200s (p50,
//! p99, max), 409s per second, and the witness's own store time (its
//! `/metrics` histogram's mean).
//!
//! What it is not: a test; nothing passes or fails on a time.

use super::portal::TempDir;
use super::{accord_exe, percentile};
use accord::cmd::keygen::new_key;
use accord_log::merkle::{consistency_proof, MemoryTree};
use accord_log::witness::AddCheckpoint;
use accord_log::{Checkpoint, Hash, Signer};
use anyhow::{anyhow, bail, Result};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum WitnessMode {
    /// Each client its own origin.
    PerOrigin,
    /// All clients one origin.
    OneOrigin,
    /// Both, one after the other.
    Both,
}

pub(super) struct WitnessShape {
    pub clients: usize,
    pub duration: u64,
    pub mode: WitnessMode,
}

/// A child `accord witness`, stopped (SIGTERM) on drop.
struct ChildWitness {
    child: Child,
    url: String,
}

impl Drop for ChildWitness {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

/// One client's result.
#[derive(Default)]
struct Tally {
    ok_ms: Vec<f64>,
    conflicts: u64,
}

pub(super) fn bench_witness(shape: WitnessShape) -> Result<()> {
    if !(1..=256).contains(&shape.clients) {
        bail!("--clients must be 1–256");
    }
    if !(1..=600).contains(&shape.duration) {
        bail!("--duration must be 1–600 seconds");
    }
    let modes: &[bool] = match shape.mode {
        WitnessMode::PerOrigin => &[false],
        WitnessMode::OneOrigin => &[true],
        WitnessMode::Both => &[false, true],
    };
    for &one in modes {
        run(&shape, one)?;
    }
    Ok(())
}

fn run(shape: &WitnessShape, one_origin: bool) -> Result<()> {
    let tmp = TempDir::create(if one_origin { "accord-bench-witness-1" } else { "accord-bench-witness-n" })?;
    let origins = if one_origin { 1 } else { shape.clients };
    let keys: Vec<Signer> = (0..origins)
        .map(|i| new_key(&format!("bench{i}.witness.example/log")).map(|k| k.signer))
        .collect::<Result<_>>()?;
    let logs: String = keys.iter().map(|k| format!("log {}\n", k.verifier())).collect();
    std::fs::write(tmp.0.join("logs"), logs)?;
    let witness_key = new_key("witness.bench.example/w1")?;
    accord::files::write_key(&tmp.0.join("witness.key"), &witness_key)?;
    let w = start(&tmp.0)?;

    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let tallies: Vec<Tally> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..shape.clients)
            .map(|i| {
                let key = &keys[if one_origin { 0 } else { i }];
                let (url, stop) = (&w.url, &stop);
                s.spawn(move || client(url, key, i, stop))
            })
            .collect();
        std::thread::sleep(Duration::from_secs(shape.duration));
        stop.store(true, Ordering::SeqCst);
        handles.into_iter().map(|h| h.join().map_err(|_| anyhow!("a client panicked"))?).collect::<Result<_>>()
    })?;
    let secs = started.elapsed().as_secs_f64();
    let mut lat: Vec<f64> = tallies.iter().flat_map(|t| t.ok_ms.iter().copied()).collect();
    lat.sort_by(f64::total_cmp);
    let conflicts: u64 = tallies.iter().map(|t| t.conflicts).sum();
    let store_ms = store_mean_ms(&w.url).unwrap_or(f64::NAN);
    println!(
        "witness, {} ({} clients, {} origin{}, {:.0} s):",
        if one_origin { "one origin" } else { "one origin per client" },
        shape.clients,
        origins,
        if origins == 1 { "" } else { "s" },
        secs
    );
    println!("  cosigned:          {} ({:.0}/s, each durable before its answer)", lat.len(), lat.len() as f64 / secs);
    println!(
        "  200 latency:       p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(f64::NAN)
    );
    println!("  409 (lost a race): {conflicts} ({:.0}/s)", conflicts as f64 / secs);
    println!("  store CAS (witness's /metrics): mean {store_ms:.2} ms");
    Ok(())
}

fn start(dir: &std::path::Path) -> Result<ChildWitness> {
    let mut cmd = Command::new(accord_exe()?);
    cmd.args(["witness", "--listen", "127.0.0.1:0", "--max-connections-per-address", "100000", "--data"])
        .arg(dir.join("data"))
        .arg("--key")
        .arg(dir.join("witness.key"))
        .arg("--logs")
        .arg(dir.join("logs"));
    let (child, url) = super::spawn_listening(cmd)?;
    Ok(ChildWitness { child, url })
}

/// Submits checkpoints of `key`'s log until `stop`, each 1–4 leaves past
/// the size the client last heard of; on a 409, from the size given.
fn client(url: &str, key: &Signer, id: usize, stop: &AtomicBool) -> Result<Tally> {
    let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build()?;
    let mut tree = MemoryTree::new();
    let mut tally = Tally::default();
    let mut known = 0u64;
    let mut step = id as u64;
    while !stop.load(Ordering::SeqCst) {
        step += 1;
        let size = known + 1 + step % 4;
        while tree.size() < size {
            tree.push(Hash::leaf(&tree.size().to_be_bytes()));
        }
        let note = Checkpoint::new(key.verifier().name(), size, tree.root_at(size)).sign(key)?;
        let proof = match consistency_proof(&mut tree, known, size) {
            Ok(Ok(p)) => p,
            Ok(Err(e)) => bail!("proof from {known} to {size}: {e}"),
            Err(never) => match never {},
        };
        let body = AddCheckpoint { old: known, proof, checkpoint: note.to_text().into_bytes() }.to_bytes();
        let t = Instant::now();
        let r = http.post(format!("{url}/add-checkpoint")).body(body).send()?;
        let status = r.status().as_u16();
        let text = r.text()?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        match status {
            200 => {
                tally.ok_ms.push(ms);
                known = size;
            }
            409 => {
                tally.conflicts += 1;
                known = text.trim().parse().map_err(|_| anyhow!("a 409 without a size: {text:?}"))?;
            }
            s => bail!("the witness answered {s}: {text}"),
        }
    }
    Ok(tally)
}

/// The mean of the witness's store histogram, from its `/metrics`.
fn store_mean_ms(url: &str) -> Result<f64> {
    let text = reqwest::blocking::get(format!("{url}/metrics"))?.text()?;
    let value = |name: &str| {
        text.lines().find_map(|l| l.strip_prefix(name).and_then(|v| v.trim().parse::<f64>().ok())).unwrap_or(f64::NAN)
    };
    Ok(value("accord_witness_store_advance_seconds_sum ") / value("accord_witness_store_advance_seconds_count ")
        * 1000.0)
}
