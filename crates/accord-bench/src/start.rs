//! `accord bench start`: how long `accord serve` takes to answer on a large
//! body, from its state snapshot and, as the peer in the same run, by a
//! full replay of the log (the snapshot moved aside).
//!
//! The body is the one `accord bench portal` builds (193 members deciding
//! 10,000 proposals: about 1.8 M entries), built here in a temporary
//! folder or in `--keep DIR`, or an existing one given with `--data`.
//! Each run starts `accord serve`, times until `/api/v1/body` answers 200,
//! and stops it; runs alternate between the two ways of starting.

use super::portal::{build_body, TempDir};
use super::{accord_exe, decisions::Roster};
use anyhow::{anyhow, bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
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
    // A snapshot to start from: the first start writes one if none is there.
    if !snapshot.exists() {
        eprintln!("accord bench start: no snapshot yet; a first start replays the log and writes one");
        let node = Serve::start(&data)?;
        node.wait_for_snapshot()?;
    }
    let entries = entries_of(&data)?;
    let mut full = Vec::new();
    let mut fast = Vec::new();
    for run in 0..shape.runs.max(1) {
        std::fs::rename(&snapshot, &aside).context("moving the snapshot aside")?;
        let t = Instant::now();
        let node = Serve::start(&data)?;
        full.push(t.elapsed());
        drop(node);
        std::fs::rename(&aside, &snapshot).context("putting the snapshot back")?;
        let t = Instant::now();
        let node = Serve::start(&data)?;
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

/// `accord serve` on `data`, started and answering.
struct Serve {
    child: Child,
    url: String,
}

impl Serve {
    /// Starts it and returns once `/api/v1/body` answers 200.
    fn start(data: &Path) -> Result<Serve> {
        let child = Command::new(accord_exe()?)
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("cannot start accord serve")?;
        let mut node = Serve { child, url: String::new() };
        let stdout = node.child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        node.url = line
            .trim()
            .strip_prefix("accord: listening on ")
            .ok_or_else(|| anyhow!("accord serve did not say where it listens: {line:?}"))?
            .to_string();
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

    /// Waits until the node has written a snapshot (`/metrics`).
    fn wait_for_snapshot(&self) -> Result<()> {
        let http = reqwest::blocking::Client::new();
        let deadline = Instant::now() + Duration::from_secs(300);
        while Instant::now() < deadline {
            let m = http.get(format!("{}/metrics", self.url)).send()?.text()?;
            if m.lines().any(|l| l.starts_with("accord_snapshots_written_total ") && !l.ends_with(" 0")) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!("no snapshot written within 300 s")
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}
