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
        /// Sign every client's statements before the clock starts, so that
        /// the clients' signing does not take the server's cores (as when
        /// clients run on their own machines). The server's work is
        /// unchanged: it still verifies every signature.
        #[arg(long)]
        presign: bool,
    },
    /// Builds a log of N signed entries, serves it, and times `accord audit`
    /// on it (download, tree, replay, every signature).
    Audit {
        /// Entries in the log.
        #[arg(long, default_value_t = 1_000_000)]
        entries: u64,
        /// Members signing them.
        #[arg(long, default_value_t = 193)]
        members: usize,
        /// Also time the peer auditor (bench/peer/audit_peer.py, tlog-scales
        /// and Python's cryptography) on the same served log.
        #[arg(long)]
        peer: bool,
    },
}

pub fn run(cmd: BenchCommand) -> Result<()> {
    match cmd {
        BenchCommand::Log { clients, duration, rate, text_bytes, presign } => {
            bench_log(LoadShape { clients, duration, rate, text_bytes, presign })
        }
        BenchCommand::Audit { entries, members, peer } => bench_audit(entries, members, peer),
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
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

/// Founds a body of `members` members in `dir` and starts a server on it.
pub fn start_body(dir: &Path, members: usize) -> Result<ChildNode> {
    let keys = found_bench_body(dir, members)?;
    start_server(&dir.join("data"), keys)
}

fn found_bench_body(dir: &Path, members: usize) -> Result<Vec<KeyFile>> {
    let origin = "bench.accord.example/log";
    let mut keys = Vec::new();
    let mut entries = Vec::new();
    for i in 0..members {
        let id = MemberId::parse(&format!("M{i:04}")).ok_or_else(|| anyhow!("member id"))?;
        let k = new_key(&id.key_name(origin))?;
        entries.push(MemberEntry { id, name: format!("Member {i}"), vkey: k.signer.verifier().to_vkey() });
        keys.push(k);
    }
    let file = MembersFile { origin: origin.into(), name: "Benchmark body".into(), members: entries };
    found(&dir.join("data"), &file, None)?;
    Ok(keys)
}

fn start_server(data: &Path, keys: Vec<KeyFile>) -> Result<ChildNode> {
    let exe = std::env::current_exe()?;
    let mut child = Command::new(exe)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
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

/// CPU seconds (user + system) a process has used so far, from /proc.
fn cpu_seconds(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return f64::NAN };
    // Fields after the command name (which may hold spaces) start at ')'.
    let fields: Vec<&str> = stat.rsplit_once(')').map(|(_, r)| r.split_whitespace().collect()).unwrap_or_default();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    (ticks(11) + ticks(12)) / 100.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// What `accord bench log` asks of the server.
#[derive(Clone, Copy)]
struct LoadShape {
    clients: usize,
    duration: u64,
    rate: Option<f64>,
    text_bytes: usize,
    presign: bool,
}

fn bench_log(shape: LoadShape) -> Result<()> {
    let LoadShape { clients, duration, rate, .. } = shape;
    let tmp = std::env::temp_dir().join(format!("accord-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    let node = start_body(&tmp, clients)?;
    let server_pid = node.child.id().to_string();
    let presigned = if shape.presign { presign(&node.keys, shape)? } else { Vec::new() };
    let (server0, client0) = (cpu_seconds(&server_pid), cpu_seconds("self"));
    let result = drive(&node, shape, presigned);
    let (server_cpu, client_cpu) = (cpu_seconds(&server_pid) - server0, cpu_seconds("self") - client0);
    drop(node);
    let _ = std::fs::remove_dir_all(&tmp);
    let r = result?;
    let mut lat = r.latencies_ms.clone();
    lat.sort_by(f64::total_cmp);
    let mut lag = r.checkpoint_lag_ms.clone();
    lag.sort_by(f64::total_cmp);
    let aps = r.acked as f64 / r.seconds;
    println!(
        "accord bench log: {clients} signing clients, {duration} s{}{}",
        rate.map(|x| format!(", target {x:.0}/s")).unwrap_or_default(),
        if shape.presign { ", statements signed before the clock started" } else { "" }
    );
    println!("  durable appends/s:      {aps:.0} ({} acked, {} refused, {} errors)", r.acked, r.refused, r.errors);
    println!("  submit→ack latency:     p50 {:.1} ms, p99 {:.1} ms", percentile(&lat, 0.5), percentile(&lat, 0.99));
    println!("  append→checkpoint:      p50 {:.0} ms, p99 {:.0} ms", percentile(&lag, 0.5), percentile(&lag, 0.99));
    println!(
        "  CPU:                    server {:.0}% of a core ({:.0} µs per append), load generator {:.0}%",
        100.0 * server_cpu / r.seconds,
        1e6 * server_cpu / r.acked as f64,
        100.0 * client_cpu / r.seconds
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

/// Each client's signed statements, signed ahead on every core: enough for
/// the target rate, or for 20,000/s in a closed loop.
fn presign(keys: &[KeyFile], shape: LoadShape) -> Result<Vec<Vec<String>>> {
    let per_client = (shape.rate.unwrap_or(20_000.0) * shape.duration as f64 / shape.clients as f64).ceil() as u64 + 1;
    let text = "x".repeat(shape.text_bytes);
    let pb = bar(keys.len() as u64, "presigning (clients)");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = keys.len().div_ceil(threads).max(1);
    let out = std::thread::scope(|scope| {
        let handles: Vec<_> = keys
            .chunks(chunk)
            .map(|ks| {
                let (text, pb) = (&text, &pb);
                scope.spawn(move || -> Result<Vec<Vec<String>>> {
                    ks.iter()
                        .map(|key| {
                            let (_, id) = crate::cmd::submit::member_of_key(key.name())?;
                            let notes = (1..=per_client)
                                .map(|seq| sign_one(key, &id, seq, text))
                                .collect::<Result<Vec<String>>>()?;
                            pb.inc(1);
                            Ok(notes)
                        })
                        .collect()
                })
            })
            .collect();
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.join().map_err(|_| anyhow!("a presigning thread panicked"))??);
        }
        anyhow::Ok(all)
    })?;
    pb.finish_and_clear();
    Ok(out)
}

/// One client's `note.publish` statement number `seq`, signed.
fn sign_one(key: &KeyFile, id: &MemberId, seq: u64, text: &str) -> Result<String> {
    let body = serde_json::json!({ "text": format!("{seq} {text}") });
    Ok(key.signer.sign_note(&statement_text(id, Seq(seq), now_secs(), "note.publish", body))?.to_text())
}

fn drive(node: &ChildNode, shape: LoadShape, presigned: Vec<Vec<String>>) -> Result<LoadResult> {
    let LoadShape { clients, duration, rate, text_bytes, .. } = shape;
    let mut presigned = presigned.into_iter();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        let builder = reqwest::Client::builder().pool_max_idle_per_host(clients);
        let http = builder.build()?;
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
        let per_client_interval = rate.map(|r| Duration::from_secs_f64(clients as f64 / r.max(1.0)));
        let mut tasks = Vec::new();
        for (n, key) in node.keys.iter().cloned().enumerate() {
            let addr = node.url.trim_start_matches("http://").to_string();
            let text = text.clone();
            let mut ready = presigned.next().unwrap_or_default().into_iter();
            let presign = shape.presign;
            tasks.push(tokio::spawn(async move {
                let (_, id) = crate::cmd::submit::member_of_key(key.name())?;
                // One HTTP/1.1 keep-alive connection per client, spoken by
                // hand: the load generator shares the server's two cores, so
                // it must take as little of them as it can (hyper's client
                // cost about a third more CPU per request).
                let mut conn = Http1Conn::connect(&addr).await?;
                let mut out = (0u64, 0u64, 0u64, Vec::new(), Vec::new());
                let mut seq = 0u64;
                // Spread the clients' phases evenly so that an open-loop rate
                // arrives as a steady stream, not as synchronized bursts.
                let mut next = Instant::now()
                    + per_client_interval.map_or(Duration::ZERO, |iv| iv.mul_f64(n as f64 / clients as f64));
                while Instant::now() < deadline {
                    if let Some(iv) = per_client_interval {
                        tokio::time::sleep_until(next.into()).await;
                        next += iv;
                    }
                    seq += 1;
                    let note = if presign {
                        match ready.next() {
                            Some(n) => n,
                            None => {
                                eprintln!("accord bench: a client ran out of presigned statements before the deadline");
                                break;
                            }
                        }
                    } else {
                        sign_one(&key, &id, seq, &text)?
                    };
                    let t0 = Instant::now();
                    match conn.post_text("/api/v1/statements", &note).await {
                        Ok((status, body)) => {
                            if status == 201 {
                                out.0 += 1;
                                out.3.push(t0.elapsed().as_secs_f64() * 1000.0);
                                out.4.push((start.elapsed().as_secs_f64() * 1000.0, ack_index(body)));
                            } else if (400..500).contains(&status) {
                                out.1 += 1;
                            } else {
                                out.2 += 1;
                            }
                        }
                        Err(_) => {
                            out.2 += 1;
                            break;
                        }
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
        let metrics = http.get(format!("{}/metrics", node.url)).send().await?.text().await?;
        let metric = |name: &str| -> f64 {
            metrics
                .lines()
                .find(|l| l.starts_with(&format!("{name} ")))
                .and_then(|l| l.split(' ').nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN)
        };
        let batches = metric("accord_commit_batches_total");
        eprintln!(
            "  group commit:           {batches:.0} commits, {:.1} entries per commit, {:.2} ms per commit",
            metric("accord_commit_batch_entries_total") / batches,
            1000.0 * metric("accord_commit_seconds_total") / batches
        );
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
        Ok(LoadResult { acked, refused, errors, seconds, latencies_ms: lat, checkpoint_lag_ms: lag })
    })
}

/// Writes `entries` signed `note.publish` entries straight into a founded
/// body's store (signing in parallel), as a sequencer would have, and
/// signs a checkpoint for them.
fn fill_store(data: &Path, keys: &[KeyFile], entries: u64) -> Result<()> {
    use accord_core::{Entry, SigCheck, SignedStatement};
    use accord_log::merkle::{Frontier, TILE_HEIGHT};
    use accord_log::{Checkpoint, Hash};
    use accord_store::{AppendBatch, StoreHashes};
    use rayon::prelude::*;
    let store = accord_store::open(&crate::files::db_url(data, None))?;
    let log_key = crate::files::read_key(&crate::files::log_key_path(data))?;
    let mut state = accord_node::load_state(store.as_ref())?;
    let mut frontier = Frontier::load(&mut StoreHashes(store.as_ref()), state.size())?;
    let ids: Vec<MemberId> =
        keys.iter().map(|k| crate::cmd::submit::member_of_key(k.name()).map(|x| x.1)).collect::<Result<_>>()?;
    // Whole seconds after genesis, so that entry times never decrease.
    let start_time = Timestamp(state.last_time().0 - state.last_time().0 % 1000 + 1000);
    let pb = bar(entries, "fill");
    let chunk = 20_000u64;
    let mut done = 0u64;
    while done < entries {
        let n = chunk.min(entries - done);
        let notes: Vec<SignedStatement> = (done..done + n)
            .into_par_iter()
            .map(|i| {
                let m = (i % keys.len() as u64) as usize;
                let seq = i / keys.len() as u64 + 1;
                let text = statement_text(
                    &ids[m],
                    Seq(seq),
                    Timestamp(start_time.0 + (i / 1000) as i64),
                    "note.publish",
                    serde_json::json!({ "text": format!("benchmark statement {i} of the audit log") }),
                );
                let note = keys[m].signer.sign_note(&text).map_err(|e| anyhow!("{e}"))?;
                SignedStatement::parse(note.to_text().as_bytes()).map_err(|e| anyhow!("{e}"))
            })
            .collect::<Result<_>>()?;
        let mut batch = AppendBatch { first: state.size(), ..AppendBatch::default() };
        for (i, signed) in notes.into_iter().enumerate() {
            let entry = Entry::new(Timestamp(start_time.0 + ((done + i as u64) / 1000) as i64), signed);
            let applied = state.apply(&entry, SigCheck::Deferred).map_err(|r| anyhow!("{r}"))?;
            let bytes = entry.to_bytes();
            let leaf = Hash::leaf(&bytes);
            frontier.push(leaf, |(level, idx, h)| {
                if level > 0 && level % TILE_HEIGHT == 0 {
                    batch.nodes.push((level, idx, h));
                }
            });
            batch.effects.extend(applied.effects);
            batch.entries.push((bytes, leaf));
        }
        store.append(&batch)?;
        done += n;
        pb.set_position(done);
    }
    pb.finish_and_clear();
    let cp = Checkpoint::new(log_key.signer.verifier().name(), frontier.size(), frontier.root());
    store.put_checkpoint(frontier.size(), &cp.sign(&log_key.signer)?.to_text())?;
    Ok(())
}

fn bench_audit(entries: u64, members: usize, peer: bool) -> Result<()> {
    let tmp = std::env::temp_dir().join(format!("accord-bench-audit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    let keys = found_bench_body(&tmp, members)?;
    let data = tmp.join("data");
    let t = Instant::now();
    fill_store(&data, &keys, entries)?;
    eprintln!("accord bench audit: wrote {entries} signed entries in {:.1}s", t.elapsed().as_secs_f64());
    let log_vkey = crate::files::read_key(&crate::files::log_key_path(&data))?.signer.verifier().to_vkey();
    let node = start_server(&data, keys)?;
    let state = tmp.join("audit-state.json");
    let t = Instant::now();
    let out = Command::new(std::env::current_exe()?)
        .args(["audit", &node.url, "--log-key", &log_vkey, "--state"])
        .arg(&state)
        .stderr(Stdio::inherit())
        .output()?;
    let secs = t.elapsed().as_secs_f64();
    let peer_line = if peer { Some(run_audit_peer(&node.url, &log_vkey)?) } else { None };
    drop(node);
    let _ = std::fs::remove_dir_all(&tmp);
    if !out.status.success() {
        bail!("audit failed: {}", String::from_utf8_lossy(&out.stdout));
    }
    print!("{}", String::from_utf8_lossy(&out.stdout));
    println!("accord bench audit: {entries} entries audited in {secs:.1}s ({:.0} entries/s)", entries as f64 / secs);
    println!("accord audit_seconds={secs:.2} entries={entries} entries_per_sec={:.0}", entries as f64 / secs);
    if let Some(line) = peer_line {
        println!("{line}");
        let peer_secs = line
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix("audit_seconds="))
            .and_then(|v| v.parse::<f64>().ok())
            .ok_or_else(|| anyhow!("the peer did not report audit_seconds: {line}"))?;
        println!("ratio peer/accord (audit time): {:.1}x faster", peer_secs / secs);
    }
    Ok(())
}

/// Runs the peer auditor from the repository (found beside the binary's
/// source tree or in the current directory) on the same log.
fn run_audit_peer(url: &str, log_vkey: &str) -> Result<String> {
    let script = Path::new("bench/peer/audit_peer.py");
    if !script.exists() {
        bail!("run from the repository root: bench/peer/audit_peer.py not found");
    }
    let py = Command::new("scripts/python-env.sh").stderr(Stdio::inherit()).output()?;
    if !py.status.success() {
        bail!("scripts/python-env.sh failed");
    }
    let python = String::from_utf8_lossy(&py.stdout).trim().to_string();
    let out = Command::new(python)
        .arg(script)
        .args(["--url", &format!("{url}/log"), "--vkey", log_vkey])
        .stderr(Stdio::inherit())
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        bail!("the peer auditor failed: {text}");
    }
    text.lines()
        .find(|l| l.starts_with("peer="))
        .map(str::to_string)
        .ok_or_else(|| anyhow!("the peer printed no result line: {text}"))
}

/// The `index` of an ack body `{"index":N,"leaf_hash":"…"}`.
fn ack_index(body: &[u8]) -> u64 {
    serde_json::from_slice::<serde_json::Value>(body).ok().and_then(|v| v["index"].as_u64()).unwrap_or(0)
}

/// A minimal HTTP/1.1 keep-alive client connection for the load generator:
/// it writes one request and reads one `Content-Length` response at a time.
struct Http1Conn {
    stream: tokio::net::TcpStream,
    host: String,
    request: Vec<u8>,
    buf: Vec<u8>,
}

impl Http1Conn {
    async fn connect(addr: &str) -> Result<Http1Conn> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Http1Conn { stream, host: addr.to_string(), request: Vec::new(), buf: Vec::new() })
    }

    /// POSTs `body` as text/plain; returns the status and the response body.
    async fn post_text(&mut self, path: &str, body: &str) -> Result<(u16, &[u8])> {
        use std::io::Write as _;
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        self.request.clear();
        write!(
            self.request,
            "POST {path} HTTP/1.1\r\nhost: {}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n",
            self.host,
            body.len()
        )?;
        self.request.extend_from_slice(body.as_bytes());
        self.stream.write_all(&self.request).await?;
        self.buf.clear();
        loop {
            let mut chunk = [0u8; 4096];
            let n = self.stream.read(&mut chunk).await?;
            if n == 0 {
                bail!("connection closed by the server");
            }
            self.buf.extend_from_slice(&chunk[..n]);
            let mut headers = [httparse::EMPTY_HEADER; 16];
            let mut resp = httparse::Response::new(&mut headers);
            if let httparse::Status::Complete(head) = resp.parse(&self.buf)? {
                let status = resp.code.unwrap_or(0);
                let length = resp
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                    .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse::<usize>().ok())
                    .ok_or_else(|| anyhow!("response without content-length"))?;
                if self.buf.len() >= head + length {
                    return Ok((status, &self.buf[head..head + length]));
                }
            }
        }
    }
}
