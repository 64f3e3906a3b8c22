//! `accord bench log`: durable signed appends through HTTP.

use super::{cpu_seconds, now_secs, percentile, start_body, thread_cpu_nanos, ChildNode};
use accord::progress::bar;
use accord_core::statement::statement_text;
use accord_core::{KeyFile, MemberId, Seq};
use anyhow::{anyhow, bail, Result};
use std::time::{Duration, Instant};

/// What `accord bench log` asks of the server.
#[derive(Clone, Copy)]
pub(super) struct LoadShape {
    pub clients: usize,
    pub duration: u64,
    pub rate: Option<f64>,
    pub text_bytes: usize,
    pub presign: bool,
    /// Witnesses cosigning every checkpoint (0: none). A checkpoint then
    /// counts as covering an append only with a quorum of cosignatures.
    pub witnesses: usize,
}

/// The figures of one run, for side-by-side reports.
pub(super) struct LogFigures {
    pub appends_per_sec: f64,
    pub ack_p50_ms: f64,
    pub ack_p99_ms: f64,
    pub checkpoint_p50_ms: f64,
    pub checkpoint_p99_ms: f64,
}

pub(super) fn bench_log(shape: LoadShape) -> Result<LogFigures> {
    let LoadShape { clients, duration, rate, witnesses, .. } = shape;
    let tmp = std::env::temp_dir().join(format!("accord-bench-{}-{witnesses}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    let mut node = start_body(&tmp, clients + witnesses)?;
    let witness_keys: Vec<KeyFile> = node.keys.drain(..witnesses).collect();
    let fleet = if witnesses > 0 { Some(super::fleet::start(&tmp, &node, &witness_keys)?) } else { None };
    let quorum = fleet.as_ref().map_or(0, |f| f.quorum);
    let server_pid = node.child.id().to_string();
    let presigned = if shape.presign { presign(&node.keys, shape)? } else { Vec::new() };
    let (server0, client0) = (cpu_seconds(&server_pid), cpu_seconds("self"));
    let (threads0, commit0) = (thread_cpu_nanos(&server_pid), commit_cpu_nanos(&node.url));
    let result = drive(&node, shape, presigned, quorum);
    let (server_cpu, client_cpu) = (cpu_seconds(&server_pid) - server0, cpu_seconds("self") - client0);
    let (threads1, commit1) = (thread_cpu_nanos(&server_pid), commit_cpu_nanos(&node.url));
    drop(node);
    drop(fleet);
    let _ = std::fs::remove_dir_all(&tmp);
    let r = result?;
    let mut lat = r.latencies_ms.clone();
    lat.sort_by(f64::total_cmp);
    let mut lag = r.checkpoint_lag_ms.clone();
    lag.sort_by(f64::total_cmp);
    let aps = r.acked as f64 / r.seconds;
    println!(
        "accord bench log: {clients} signing clients, {duration} s{}{}{}",
        rate.map(|x| format!(", target {x:.0}/s")).unwrap_or_default(),
        if shape.presign { ", statements signed before the clock started" } else { "" },
        if witnesses > 0 {
            format!(", {witnesses} witnesses (a checkpoint covers an append once {quorum} have cosigned it)")
        } else {
            String::new()
        }
    );
    println!("  durable appends/s:      {aps:.0} ({} acked, {} refused, {} errors)", r.acked, r.refused, r.errors);
    println!("  submit→ack latency:     p50 {:.1} ms, p99 {:.1} ms", percentile(&lat, 0.5), percentile(&lat, 0.99));
    println!(
        "  append→{}: p50 {:.0} ms, p99 {:.0} ms",
        if witnesses > 0 { "quorum-cosigned checkpoint" } else { "checkpoint     " },
        percentile(&lag, 0.5),
        percentile(&lag, 0.99)
    );
    println!(
        "  CPU:                    server {:.0}% of a core ({:.0} µs per append), load generator {:.0}%",
        100.0 * server_cpu / r.seconds,
        1e6 * server_cpu / r.acked as f64,
        100.0 * client_cpu / r.seconds
    );
    if r.acked > 0 && !threads1.is_empty() {
        // The sequencer's time splits into the store's append (measured by
        // the node itself) and the fold.
        let per = |ns: u64| ns as f64 / 1e3 / r.acked as f64;
        let delta =
            |k: &str| threads1.get(k).copied().unwrap_or(0).saturating_sub(threads0.get(k).copied().unwrap_or(0));
        let storage = commit1.saturating_sub(commit0);
        let parts = [
            ("verification", delta("verify")),
            ("HTTP and parsing", delta("http")),
            ("storage (append + WAL)", storage + delta("store-wal")),
            ("fold (sequencer, outside append)", delta("sequence").saturating_sub(storage)),
            ("checkpoints and the rest", delta("checkpoint") + delta("other")),
        ];
        let total: u64 = parts.iter().map(|(_, v)| v).sum();
        println!("  CPU per append:         {:.0} µs in all", per(total));
        for (name, v) in parts {
            println!("    {name:<34} {:>6.1} µs", per(v));
        }
    }
    println!(
        "accord appends_per_sec={aps:.1} p50_ms={:.2} p99_ms={:.2} checkpoint_p99_ms={:.0} clients={clients}",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        percentile(&lag, 0.99)
    );
    Ok(LogFigures {
        appends_per_sec: aps,
        ack_p50_ms: percentile(&lat, 0.5),
        ack_p99_ms: percentile(&lat, 0.99),
        checkpoint_p50_ms: percentile(&lag, 0.5),
        checkpoint_p99_ms: percentile(&lag, 0.99),
    })
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
                            let (_, id) = accord::cmd::submit::member_of_key(key.name())?;
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

fn drive(node: &ChildNode, shape: LoadShape, presigned: Vec<Vec<String>>, quorum: usize) -> Result<LoadResult> {
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
                        let size = t.lines().nth(1).and_then(|s| s.parse::<u64>().ok());
                        if let Some(size) = size.filter(|_| super::fleet::cosignatures(&t) >= quorum) {
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
                let (_, id) = accord::cmd::submit::member_of_key(key.name())?;
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

/// The node's own count of CPU spent in durable commits, from `/metrics`.
fn commit_cpu_nanos(url: &str) -> u64 {
    let Ok(text) = reqwest::blocking::get(format!("{url}/metrics")).and_then(|r| r.text()) else { return 0 };
    text.lines()
        .find_map(|l| l.strip_prefix("accord_commit_cpu_seconds_total "))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map_or(0, |s| (s * 1e9) as u64)
}
