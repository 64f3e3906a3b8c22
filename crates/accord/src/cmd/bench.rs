//! `accord bench …`: whole-system benchmarks on loopback. They start the
//! real binary (`accord serve`) as a child process on a fresh body in a
//! temporary folder, drive it, print figures, and stop it by its PID.

use crate::cmd::init::{found, MemberEntry, MembersFile};
use crate::cmd::keygen::new_key;
use crate::progress::bar;
use accord_core::statement::statement_text;
use accord_core::{KeyFile, MemberId, Seq, Timestamp};
use anyhow::{anyhow, bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(clap::Subcommand)]
pub enum BenchCommand {
    /// Durable signed appends through HTTP: throughput, submit→ack latency,
    /// and how far checkpoints trail acks.
    Log {
        /// Concurrent signing clients (each a member with its own key).
        #[arg(long, default_value_t = 256)]
        clients: usize,
        /// Seconds of load.
        #[arg(long, default_value_t = 10)]
        duration: u64,
        /// Target total rate in statements/s (open loop); default: as fast as acks come back.
        #[arg(long)]
        rate: Option<f64>,
        /// Bytes of note text per statement.
        #[arg(long, default_value_t = 200)]
        text_bytes: usize,
    },
}

pub fn run(cmd: BenchCommand) -> Result<()> {
    match cmd {
        BenchCommand::Log {
            clients,
            duration,
            rate,
            text_bytes,
        } => bench_log(clients, duration, rate, text_bytes),
    }
}

/// A body served by a child `accord serve`, stopped on drop.
pub struct ChildNode {
    pub child: Child,
    pub url: String,
    pub keys: Vec<KeyFile>,
}

impl Drop for ChildNode {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// Founds a body of `members` members in `dir` and starts a server on it.
pub fn start_body(dir: &Path, members: usize) -> Result<ChildNode> {
    let origin = "bench.accord.example/log";
    let mut keys = Vec::new();
    let mut entries = Vec::new();
    for i in 0..members {
        let id = MemberId::parse(&format!("M{i:04}")).ok_or_else(|| anyhow!("member id"))?;
        let k = new_key(&id.key_name(origin))?;
        entries.push(MemberEntry {
            id,
            name: format!("Member {i}"),
            vkey: k.signer.verifier().to_vkey(),
        });
        keys.push(k);
    }
    let file = MembersFile {
        origin: origin.into(),
        name: "Benchmark body".into(),
        members: entries,
    };
    let data = dir.join("data");
    found(&data, &file, None)?;
    let exe = std::env::current_exe()?;
    let mut child = Command::new(exe)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(&data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot start accord serve")?;
    let stdout = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let url = line
        .trim()
        .strip_prefix("accord: listening on ")
        .ok_or_else(|| anyhow!("accord serve did not say where it listens: {line:?}"))?
        .to_string();
    Ok(ChildNode { child, url, keys })
}

fn now_secs() -> Timestamp {
    crate::cmd::submit::now()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn bench_log(clients: usize, duration: u64, rate: Option<f64>, text_bytes: usize) -> Result<()> {
    let tmp = std::env::temp_dir().join(format!("accord-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    let node = start_body(&tmp, clients)?;
    let result = drive(&node, clients, duration, rate, text_bytes);
    drop(node);
    let _ = std::fs::remove_dir_all(&tmp);
    let r = result?;
    let mut lat = r.latencies_ms.clone();
    lat.sort_by(f64::total_cmp);
    let mut lag = r.checkpoint_lag_ms.clone();
    lag.sort_by(f64::total_cmp);
    let aps = r.acked as f64 / r.seconds;
    println!(
        "accord bench log: {clients} signing clients, {duration} s{}",
        rate.map(|x| format!(", target {x:.0}/s"))
            .unwrap_or_default()
    );
    println!(
        "  durable appends/s:      {aps:.0} ({} acked, {} refused, {} errors)",
        r.acked, r.refused, r.errors
    );
    println!(
        "  submit→ack latency:     p50 {:.1} ms, p99 {:.1} ms",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99)
    );
    println!(
        "  append→checkpoint:      p50 {:.0} ms, p99 {:.0} ms",
        percentile(&lag, 0.5),
        percentile(&lag, 0.99)
    );
    println!(
        "accord appends_per_sec={aps:.1} p50_ms={:.2} p99_ms={:.2} checkpoint_p99_ms={:.0} clients={clients}",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        percentile(&lag, 0.99)
    );
    Ok(())
}

struct LoadResult {
    acked: u64,
    refused: u64,
    errors: u64,
    seconds: f64,
    latencies_ms: Vec<f64>,
    checkpoint_lag_ms: Vec<f64>,
}

fn drive(
    node: &ChildNode,
    clients: usize,
    duration: u64,
    rate: Option<f64>,
    text_bytes: usize,
) -> Result<LoadResult> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(clients)
            .build()?;
        let start = Instant::now();
        let deadline = start + Duration::from_secs(duration);
        let text: String = "x".repeat(text_bytes);
        // Checkpoint poller: (elapsed ms, size).
        let poll_http = http.clone();
        let cp_url = format!("{}/log/checkpoint", node.url);
        let poller = tokio::spawn(async move {
            let mut seen: Vec<(f64, u64)> = Vec::new();
            let stop = deadline + Duration::from_secs(2);
            while Instant::now() < stop {
                if let Ok(r) = poll_http.get(&cp_url).send().await {
                    if let Ok(t) = r.text().await {
                        if let Some(size) = t.lines().nth(1).and_then(|s| s.parse::<u64>().ok()) {
                            seen.push((start.elapsed().as_secs_f64() * 1000.0, size));
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            seen
        });
        let pb = bar(duration, "load (s)");
        let ticker = {
            let pb = pb.clone();
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    pb.inc(1);
                }
            })
        };
        let per_client_interval =
            rate.map(|r| Duration::from_secs_f64(clients as f64 / r.max(1.0)));
        let mut tasks = Vec::new();
        for key in node.keys.iter().cloned() {
            let http = http.clone();
            let url = format!("{}/api/v1/statements", node.url);
            let text = text.clone();
            tasks.push(tokio::spawn(async move {
                let (_, id) = crate::cmd::submit::member_of_key(key.name())?;
                let mut out = (0u64, 0u64, 0u64, Vec::new(), Vec::new());
                let mut seq = 0u64;
                let mut next = Instant::now();
                while Instant::now() < deadline {
                    if let Some(iv) = per_client_interval {
                        tokio::time::sleep_until(next.into()).await;
                        next += iv;
                    }
                    seq += 1;
                    let body = serde_json::json!({ "text": format!("{seq} {text}") });
                    let note = key.signer.sign_note(&statement_text(
                        &id,
                        Seq(seq),
                        now_secs(),
                        "note.publish",
                        body,
                    ))?;
                    let t0 = Instant::now();
                    let r = http
                        .post(&url)
                        .header("content-type", "text/plain")
                        .body(note.to_text())
                        .send()
                        .await;
                    match r {
                        Ok(r) if r.status().as_u16() == 201 => {
                            let v: serde_json::Value = r.json().await?;
                            let ms = t0.elapsed().as_secs_f64() * 1000.0;
                            out.0 += 1;
                            out.3.push(ms);
                            out.4.push((
                                start.elapsed().as_secs_f64() * 1000.0,
                                v["index"].as_u64().unwrap_or(0),
                            ));
                        }
                        Ok(r) if r.status().is_client_error() => out.1 += 1,
                        _ => out.2 += 1,
                    }
                }
                anyhow::Ok(out)
            }));
        }
        let mut acked = 0;
        let mut refused = 0;
        let mut errors = 0;
        let mut lat = Vec::new();
        let mut acks = Vec::new();
        for t in tasks {
            let (a, r, e, l, k) = t.await??;
            acked += a;
            refused += r;
            errors += e;
            lat.extend(l);
            acks.extend(k);
        }
        let seconds = start.elapsed().as_secs_f64();
        ticker.abort();
        pb.finish_and_clear();
        let seen = poller.await?;
        if acked == 0 {
            bail!("no statement was acknowledged ({refused} refused, {errors} errors)");
        }
        // For each ack, the first observed checkpoint that covers it.
        let mut lag = Vec::with_capacity(acks.len());
        for (t_ack, index) in acks {
            if let Some((t_cp, _)) = seen.iter().find(|(t, s)| *t >= t_ack && *s > index) {
                lag.push(t_cp - t_ack);
            }
        }
        Ok(LoadResult {
            acked,
            refused,
            errors,
            seconds,
            latencies_ms: lat,
            checkpoint_lag_ms: lag,
        })
    })
}
