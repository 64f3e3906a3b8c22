//! `accord bench zone-change`: how long a delegation change takes from its
//! adoption to the new serial answered over DNS.
//!
//! Founds a body of M members, starts the real `accord serve` with
//! `--dns-listen` (and `--log-format json`, to read the zone builder's own
//! times), imports the shared 2022 IANA root zone with the real `accord
//! zone import`, waits until DNS answers the imported zone's serial, then
//! N times: member M0000 tables a `zone.change` of `aaa`'s name servers
//! with a deadline a moment away, every member votes yes, and the
//! sequencer's `clock.tick` at the deadline closes the ballot — that entry
//! is the adoption. Meanwhile a UDP client asks the DNS port for `. SOA`
//! every half millisecond from just before the deadline on, and notes the
//! wall-clock time of the first answer with a higher serial.
//!
//! For each change it reports: adoption → new serial over DNS (the
//! closing entry's time, `GET /api/v1/entries/{closed_at}`, to the first
//! answer; entry times are whole milliseconds), deadline → new serial,
//! and the builder's own `build_ms` (log line "zone built and served":
//! build and sign, zone text, hash; not the registry read before it). Median and max over the N changes.
//!
//! What it is not: a test; nothing here passes or fails on a time.

use super::portal::TempDir;
use super::{accord_exe, found_bench_body, percentile, ChildNode};
use accord_core::statement::statement_text;
use accord_core::{KeyFile, MemberId, Seq, Timestamp};
use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The goal: adoption to the new serial served.
const GOAL_MS: f64 = 100.0;

pub(super) struct ZoneShape {
    pub members: usize,
    pub changes: usize,
    pub deadline_ms: u64,
    pub zone_file: Option<PathBuf>,
}

/// One "zone built and served" line of the node's JSON log.
struct Built {
    serial: u32,
    build_ms: f64,
    signatures_made: u64,
}

pub(super) fn bench_zone_change(shape: ZoneShape) -> Result<()> {
    if !(3..=100).contains(&shape.members) {
        bail!("--members must be 3–100");
    }
    if !(1..=100).contains(&shape.changes) {
        bail!("--changes must be 1–100");
    }
    if !(200..=60_000).contains(&shape.deadline_ms) {
        bail!("--deadline-ms must be 200–60000");
    }
    let zone_file = match &shape.zone_file {
        Some(f) => f.clone(),
        None => PathBuf::from("../shared/data/rootzone/root-2022021501.zone"),
    };
    if !zone_file.exists() {
        bail!("no root zone file at {} (run from the repository root, or give --zone-file)", zone_file.display());
    }
    let tmp = TempDir::create("accord-bench-zone")?;
    let keys = found_bench_body(&tmp.0, shape.members)?;
    let data = tmp.0.join("data");
    let dns = free_port()?;
    let (node, built_rx) = start_dns_server(&data, dns, keys)?;
    let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build()?;

    let t = Instant::now();
    let out = Command::new(accord_exe()?)
        .args(["zone", "import", "--server", &node.url, "--data"])
        .arg(&data)
        .arg(&zone_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .context("cannot run accord zone import")?;
    if !out.status.success() {
        bail!("accord zone import failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let said = String::from_utf8_lossy(&out.stdout);
    let (first, _) = poll_serial(dns, 0, Duration::from_secs(120), Duration::from_millis(10))?;
    let import_s = t.elapsed().as_secs_f64();
    let mut built: HashMap<u32, Built> = HashMap::new();
    drain_built(&built_rx, &mut built);
    eprintln!(
        "accord bench zone-change: {}; serial {first} over DNS {import_s:.1} s after the import started{}",
        said.lines().last().unwrap_or("imported").trim(),
        built
            .get(&first)
            .map(|b| format!(" (first build {:.0} ms, {} signatures)", b.build_ms, b.signatures_made))
            .unwrap_or_default()
    );

    let mut seqs = Vec::new();
    for i in 0..node.keys.len() {
        // The ids found_bench_body gives.
        let id = MemberId::parse(&format!("M{i:04}")).ok_or_else(|| anyhow!("member id"))?;
        let m: Value = http.get(format!("{}/api/v1/members/{id}", node.url)).send()?.json()?;
        seqs.push((id, m["last_seq"].as_u64().ok_or_else(|| anyhow!("no last_seq: {m}"))?));
    }
    let mut rows = Vec::new();
    let mut serial = first;
    for i in 0..shape.changes {
        let row = one_change(&http, &node, &mut seqs, dns, serial, i, shape.deadline_ms)?;
        // The builder's line may come a moment after the answer.
        let deadline = Instant::now() + Duration::from_secs(2);
        while !built.contains_key(&row.serial) && Instant::now() < deadline {
            if let Ok(b) = built_rx.recv_timeout(Duration::from_millis(50)) {
                built.insert(b.serial, b);
            }
        }
        let b = built.get(&row.serial);
        eprintln!(
            "accord bench zone-change: change {}: serial {} → {}: adoption → DNS {:.1} ms, deadline → DNS {:.1} ms, build {} ms ({} signatures)",
            i + 1,
            serial,
            row.serial,
            row.adoption_ms,
            row.deadline_ms,
            b.map(|b| format!("{:.1}", b.build_ms)).unwrap_or_else(|| "?".into()),
            b.map(|b| b.signatures_made.to_string()).unwrap_or_else(|| "?".into()),
        );
        serial = row.serial;
        rows.push(Row { build_ms: b.map(|b| b.build_ms), ..row });
    }
    drop(node);

    let sorted = |f: fn(&Row) -> Option<f64>| {
        let mut v: Vec<f64> = rows.iter().filter_map(f).collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let adoption = sorted(|r| Some(r.adoption_ms));
    let from_deadline = sorted(|r| Some(r.deadline_ms));
    let build = sorted(|r| r.build_ms);
    let max = |v: &[f64]| v.last().copied().unwrap_or(f64::NAN);
    println!(
        "accord bench zone-change: {} one-delegation changes (aaa's name servers), {} members voting, deadline {} ms after tabling",
        rows.len(),
        shape.members,
        shape.deadline_ms
    );
    println!("| | median | max |");
    println!("|---|---|---|");
    println!(
        "| adoption (closing entry's time) → new serial over DNS | **{:.1} ms** | {:.1} ms |",
        percentile(&adoption, 0.5),
        max(&adoption)
    );
    println!(
        "| deadline → new serial over DNS | {:.1} ms | {:.1} ms |",
        percentile(&from_deadline, 0.5),
        max(&from_deadline)
    );
    println!(
        "| the builder's build_ms (build and sign, zone text, hash) | {:.1} ms | {:.1} ms |",
        percentile(&build, 0.5),
        max(&build)
    );
    println!(
        "accord zone_change_median_ms={:.1} zone_change_max_ms={:.1} build_median_ms={:.1} goal_ms={GOAL_MS:.0} {}",
        percentile(&adoption, 0.5),
        max(&adoption),
        percentile(&build, 0.5),
        if max(&adoption) <= GOAL_MS { "every change within the goal" } else { "some change over the goal" }
    );
    Ok(())
}

struct Row {
    serial: u32,
    adoption_ms: f64,
    deadline_ms: f64,
    /// The builder's own time for this serial, from its log line.
    build_ms: Option<f64>,
}

/// Tables, votes and times one change; `serial` is the one served before.
fn one_change(
    http: &reqwest::blocking::Client,
    node: &ChildNode,
    seqs: &mut [(MemberId, u64)],
    dns: SocketAddr,
    serial: u32,
    i: usize,
    deadline_ms: u64,
) -> Result<Row> {
    let id = format!("zc-{i}");
    let closes = wall_ms() as i64 + deadline_ms as i64;
    let ns1 = format!("ns1.v{i}.aaa.");
    let ns2 = format!("ns2.v{i}.aaa.");
    let proposal = json!({
        "id": id, "title": format!("New name servers for aaa ({i})"),
        "text": "The registry of aaa moves to two new servers.",
        "question": "important", "procedure": "vote", "closes": Timestamp(closes).to_rfc3339(),
        "action": {"type": "zone.change", "op": "change", "tld": "aaa", "delegation": {
            "ns": [ns1, ns2],
            "glue": {ns1.clone(): ["193.0.14.1"], ns2.clone(): ["2001:7fd::1"]}}}
    });
    submit(http, &node.url, &node.keys[0], &mut seqs[0], "proposal.submit", proposal)?;
    for (k, s) in node.keys.iter().zip(seqs.iter_mut()) {
        submit(http, &node.url, k, s, "vote.cast", json!({"proposal": id, "vote": "yes"}))?;
    }
    if wall_ms() as i64 >= closes {
        bail!("tabling and voting took longer than --deadline-ms {deadline_ms}; give a longer one");
    }
    // Sleep until just before the deadline, then poll.
    let early = (closes - 5) as f64 - wall_ms();
    if early > 0.0 {
        std::thread::sleep(Duration::from_secs_f64(early / 1000.0));
    }
    let (new_serial, seen_ms) = poll_serial(dns, serial, Duration::from_secs(30), Duration::from_micros(500))?;
    let p: Value = http.get(format!("{}/api/v1/proposals/{id}", node.url)).send()?.json()?;
    let status = p["status"].as_str().or_else(|| p["proposal"]["status"].as_str()).unwrap_or_default();
    let closed_at = p["closed_at"].as_u64().or_else(|| p["proposal"]["closed_at"].as_u64());
    let Some(closed_at) = closed_at.filter(|_| status == "adopted") else {
        bail!("proposal {id} was not adopted: {p}");
    };
    let e: Value = http.get(format!("{}/api/v1/entries/{closed_at}", node.url)).send()?.json()?;
    let entry_ms = e["time"]
        .as_str()
        .and_then(Timestamp::parse_rfc3339)
        .ok_or_else(|| anyhow!("entry {closed_at} has no time: {e}"))?
        .millis();
    Ok(Row {
        serial: new_serial,
        adoption_ms: seen_ms - entry_ms as f64,
        deadline_ms: seen_ms - closes as f64,
        build_ms: None,
    })
}

fn submit(
    http: &reqwest::blocking::Client,
    url: &str,
    key: &KeyFile,
    (member, seq): &mut (MemberId, u64),
    kind: &str,
    body: Value,
) -> Result<()> {
    *seq += 1;
    let text = statement_text(member, Seq(*seq), accord::cmd::submit::now(), kind, body);
    let signed = key.signer.sign_note(&text).map_err(|e| anyhow!("signing: {e}"))?.to_text();
    let r = http.post(format!("{url}/api/v1/statements")).header("content-type", "text/plain").body(signed).send()?;
    if !r.status().is_success() {
        bail!("{kind} by {member} refused: {} {}", r.status(), r.text().unwrap_or_default());
    }
    Ok(())
}

/// Milliseconds since the epoch, with the microseconds.
fn wall_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// A loopback port free for UDP and TCP both.
fn free_port() -> Result<SocketAddr> {
    for _ in 0..100 {
        let udp = UdpSocket::bind("127.0.0.1:0")?;
        let addr = udp.local_addr()?;
        if std::net::TcpListener::bind(addr).is_ok() {
            return Ok(addr);
        }
    }
    bail!("no free loopback port for UDP and TCP")
}

/// `accord serve --dns-listen dns --log-format json` on `data`, and the
/// builder's log lines as they come.
fn start_dns_server(data: &Path, dns: SocketAddr, keys: Vec<KeyFile>) -> Result<(ChildNode, Receiver<Built>)> {
    let child = Command::new(accord_exe()?)
        .args(["--log-format", "json", "serve", "--listen", "127.0.0.1:0", "--dns-listen", &dns.to_string(), "--data"])
        .arg(data)
        .env("RUST_LOG", "warn,accord_node::zone=info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start accord serve")?;
    let mut node = ChildNode { child, url: String::new(), keys };
    let stdout = node.child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
    let stderr = node.child.stderr.take().ok_or_else(|| anyhow!("no stderr"))?;
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let _ = tx.send(lines.next());
        for _ in lines {}
    });
    let (btx, brx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { return };
            let Ok(v) = serde_json::from_str::<Value>(&line) else {
                eprintln!("{line}");
                continue;
            };
            let f = &v["fields"];
            if f["message"] == "zone built and served" {
                let num = |x: &Value| x.as_f64().or_else(|| x.as_str().and_then(|s| s.parse().ok()));
                let serial = num(&f["serial"]).map(|s| s as u32).unwrap_or(0);
                let build_ms = num(&f["build_ms"]).unwrap_or(f64::NAN);
                let signatures_made = num(&f["signatures_made"]).map(|s| s as u64).unwrap_or(0);
                let _ = btx.send(Built { serial, build_ms, signatures_made });
            } else if v["level"] != "INFO" {
                eprintln!("{line}");
            }
        }
    });
    let line = match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(Some(Ok(line))) => line,
        Ok(_) => bail!("accord serve stopped before it listened"),
        Err(_) => bail!("accord serve did not listen within 120 s"),
    };
    node.url = line
        .trim()
        .strip_prefix("accord: listening on ")
        .ok_or_else(|| anyhow!("accord serve did not say where it listens: {line:?}"))?
        .to_string();
    Ok((node, brx))
}

fn drain_built(rx: &Receiver<Built>, into: &mut HashMap<u32, Built>) {
    while let Ok(b) = rx.try_recv() {
        into.insert(b.serial, b);
    }
}

/// Asks `. SOA` every `every` until the serial is above `above`: the new
/// serial and the wall-clock time (ms) of its answer.
fn poll_serial(dns: SocketAddr, above: u32, within: Duration, every: Duration) -> Result<(u32, f64)> {
    let sock = UdpSocket::bind("127.0.0.1:0")?;
    sock.set_read_timeout(Some(every.max(Duration::from_millis(5))))?;
    let start = Instant::now();
    let mut id = 0u16;
    while start.elapsed() < within {
        id = id.wrapping_add(1);
        if let Some(s) = ask_soa(&sock, dns, id)? {
            if s > above {
                return Ok((s, wall_ms()));
            }
        }
        std::thread::sleep(every);
    }
    bail!("DNS at {dns} did not answer a serial above {above} within {} s", within.as_secs())
}

/// One `. SOA` query (no RD, no EDNS); the serial answered, if an answer
/// with this id came back in time.
fn ask_soa(sock: &UdpSocket, dns: SocketAddr, id: u16) -> Result<Option<u32>> {
    let mut q = Vec::with_capacity(17);
    q.extend_from_slice(&id.to_be_bytes());
    q.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    q.extend_from_slice(&[0, 0, 6, 0, 1]);
    sock.send_to(&q, dns)?;
    let mut buf = [0u8; 1500];
    loop {
        let n = match sock.recv_from(&mut buf) {
            Ok((n, _)) => n,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return Ok(None)
            }
            Err(e) => return Err(e.into()),
        };
        let msg = buf.get(..n).unwrap_or_default();
        if msg.get(..2) == Some(&id.to_be_bytes()[..]) {
            return Ok(soa_serial(msg));
        }
        // A late answer to an earlier query: read on.
    }
}

/// The serial of the first answer record of a response to `. SOA`.
fn soa_serial(msg: &[u8]) -> Option<u32> {
    let u16_at = |i: usize| msg.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
    if u16_at(6)? == 0 {
        return None;
    }
    // Past the header and the question (the root name, type, class).
    let mut i = 12;
    i = skip_name(msg, i)? + 4;
    // The answer's owner, type, class, TTL, RDLENGTH.
    i = skip_name(msg, i)?;
    if u16_at(i)? != 6 {
        return None;
    }
    i += 10;
    i = skip_name(msg, i)?;
    i = skip_name(msg, i)?;
    let b = msg.get(i..i + 4)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// The offset just past the (possibly compressed) name at `i`.
fn skip_name(msg: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let len = *msg.get(i)?;
        match len {
            0 => return Some(i + 1),
            l if l & 0xC0 == 0xC0 => return Some(i + 2),
            l => i += 1 + l as usize,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_serial_of_a_soa_answer() {
        // id, flags, 1 question, 1 answer; ". SOA IN"; answer ". SOA IN
        // TTL" with mname a.x. (compressed rname pointing to it) and serial 2026120100.
        let mut m = vec![0, 1, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 6, 0, 1];
        m.extend_from_slice(&[0, 0, 6, 0, 1, 0, 1, 0x51, 0x80]);
        let mut rdata = vec![1, b'a', 1, b'x', 0, 0xC0, 29];
        rdata.extend_from_slice(&2_026_120_100u32.to_be_bytes());
        rdata.extend_from_slice(&[0; 16]);
        m.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        m.extend_from_slice(&rdata);
        assert_eq!(soa_serial(&m), Some(2_026_120_100));
        // No answer: none.
        m[7] = 0;
        assert_eq!(soa_serial(&m), None);
    }
}
