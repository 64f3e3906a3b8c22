//! `accord bench start`: how long `accord serve` takes to answer on a large
//! body, from its state snapshot and, as the peer in the same run, by a
//! full replay of the log (the snapshot moved aside).
//!
//! The body is the one `accord bench portal` builds (193 members deciding
//! 10,000 proposals: about 1.8 M entries), built here in a temporary
//! folder or in `--keep DIR`, or an existing one given with `--data`.
//! Each run starts `accord serve`, times until `/api/v1/body` answers 200,
//! and stops it; runs alternate between the two ways of starting.

use super::portal::{build_body, start_serve, TempDir};
use super::{decisions::Roster, ChildNode};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub(super) struct StartShape {
    pub data: Option<PathBuf>,
    pub keep: Option<PathBuf>,
    pub members: usize,
    pub proposals: usize,
    pub runs: usize,
}

pub(super) fn bench_start(shape: StartShape) -> Result<()> {
    let tmp = TempDir::create("accord-bench-start")?;
    let data = match (&shape.data, &shape.keep) {
        (Some(_), Some(_)) => bail!("give --data (an existing body) or --keep (where to build one), not both"),
        (Some(d), None) => {
            if !d.join("accord.db").exists() {
                bail!("--data {}: no body there (no accord.db)", d.display());
            }
            d.clone()
        }
        (None, keep) => {
            let data = keep.as_deref().unwrap_or(&tmp.0).join("data");
            if data.exists() {
                bail!("{} exists already; give a folder that holds no body", data.display());
            }
            let roster = Roster::new(shape.members)?;
            let t = Instant::now();
            let size = build_body(&data, &roster, shape.proposals)?;
            eprintln!("accord bench start: built {size} entries in {:.1} s", t.elapsed().as_secs_f64());
            data
        }
    };
    let snapshot = data.join("state.snapshot");
    let aside = data.join("state.snapshot.aside");
    // A snapshot to start from: the first start writes one if none is there
    // (which it does only once the log holds a snapshot interval's worth).
    let entries = entries_of(&data)?;
    if !snapshot.exists() && entries < accord_node::DEFAULT_SNAPSHOT_EVERY {
        bail!(
            "the body holds {entries} entries, fewer than the {} after which accord serve writes a snapshot; \
             give more --proposals",
            accord_node::DEFAULT_SNAPSHOT_EVERY
        );
    }
    if !snapshot.exists() {
        eprintln!("accord bench start: no snapshot yet; a first start replays the log and writes one");
        let node = serve(&data)?;
        wait_for_snapshot(&node.url)?;
    }
    let mut full = Vec::new();
    let mut fast = Vec::new();
    for run in 0..shape.runs.max(1) {
        std::fs::rename(&snapshot, &aside).context("moving the snapshot aside")?;
        let t = Instant::now();
        let node = serve(&data)?;
        full.push(t.elapsed());
        drop(node);
        std::fs::rename(&aside, &snapshot).context("putting the snapshot back")?;
        let t = Instant::now();
        let node = serve(&data)?;
        fast.push(t.elapsed());
        drop(node);
        eprintln!(
            "accord bench start: run {}: full replay {:.2} s, from the snapshot {:.2} s",
            run + 1,
            full[run].as_secs_f64(),
            fast[run].as_secs_f64()
        );
    }
    let bytes = std::fs::metadata(&snapshot).map(|m| m.len()).unwrap_or(0);
    let med = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64()
    };
    let (f, s) = (med(&mut full), med(&mut fast));
    println!("accord bench start: {entries} entries, snapshot {:.1} MB; time until /api/v1/body answers 200, median of {} runs", bytes as f64 / 1e6, shape.runs.max(1));
    println!("| start | seconds |");
    println!("|---|---|");
    println!("| from the snapshot | **{s:.2}** |");
    println!("| full replay (peer: the same binary, snapshot moved aside) | {f:.2} |");
    println!("| ratio | {:.1}× faster |", f / s.max(1e-9));
    if let Some(dir) = &shape.keep {
        println!("the body is kept in {}: accord serve --data {}", dir.display(), data.display());
    }
    Ok(())
}

fn entries_of(data: &Path) -> Result<u64> {
    let store = accord_store::open(&format!("sqlite://{}", data.join("accord.db").display()))?;
    Ok(store.size()?)
}

/// `accord serve` on `data` (the portal bench's way of starting it),
/// returned once `/api/v1/body` answers 200.
fn serve(data: &Path) -> Result<ChildNode> {
    let node = start_serve(data)?;
    let http = reqwest::blocking::Client::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        match http.get(format!("{}/api/v1/body", node.url)).send() {
            Ok(r) if r.status().is_success() => return Ok(node),
            _ if Instant::now() > deadline => bail!("accord serve did not answer within 120 s"),
            _ => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

/// Waits until the node at `url` has written a snapshot (`/metrics`).
fn wait_for_snapshot(url: &str) -> Result<()> {
    let http = reqwest::blocking::Client::new();
    let deadline = Instant::now() + Duration::from_secs(300);
    while Instant::now() < deadline {
        let m = http.get(format!("{url}/metrics")).send()?.text()?;
        if m.lines().any(|l| l.starts_with("accord_snapshots_written_total ") && !l.ends_with(" 0")) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("no snapshot written within 300 s")
}
