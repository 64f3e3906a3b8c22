//! Crash safety: SIGKILL the node again and again while statements are in
//! flight, and check after every restart that nothing it acknowledged was
//! lost and that every checkpoint it ever showed is a prefix of every later
//! one. The node keeps a snapshot of its state every 50 entries, so kills
//! also land while snapshots are written and restarts start from them. At
//! the end the projections must rebuild identically from the log and an
//! outside audit must pass.
//!
//! The run is reproducible from its seed (printed; override with
//! `ACCORD_CRASH_SEED=<u64>`; `ACCORD_CRASH_CYCLES=<n>` changes the number of
//! kills). Thread scheduling still varies from run to run; the seed fixes the
//! kill delays and the statements' texts.

use crate::common::*;
use accord_log::merkle::{verify_consistency, verify_inclusion, MemoryTree};
use accord_log::proof::TlogProof;
use accord_log::tile::{decode_bundle, tiles_for_size, TileKind};
use accord_log::{Checkpoint, Hash, VerifierKey};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MEMBERS: usize = 8;
const DEFAULT_CYCLES: usize = 20;
const DEFAULT_SEED: u64 = 0xACC0_4D00_C4A5_0001;
/// Entries between two snapshots of the node's state.
const SNAPSHOT_EVERY: &str = "50";

/// A submission the node acknowledged with 201.
#[derive(Clone, Debug)]
struct Ack {
    cycle: usize,
    member: String,
    seq: u64,
    index: u64,
    leaf_hash: String,
    note: String,
}

/// A checkpoint seen at some moment, in the order seen.
#[derive(Clone, Debug)]
struct Seen {
    size: u64,
    root: Hash,
    when: String,
}

/// What one submitter thread brings back when the server has died.
struct Returned {
    member: Member,
    /// A request was cut off by the kill.
    cut_off: bool,
}

/// One HTTP client for all the checks (building one per request is slow).
fn get(server: &Server, path: &str) -> reqwest::blocking::Response {
    static CLIENT: std::sync::OnceLock<reqwest::blocking::Client> = std::sync::OnceLock::new();
    CLIENT.get_or_init(client).get(format!("{}{path}", server.url)).send().unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|s| s.trim().parse().unwrap_or_else(|_| panic!("{name} must be an integer")))
}

/// A note text of random length, with some non-ASCII characters.
fn random_text(rng: &mut StdRng, prefix: &str) -> String {
    const ALPHABET: &[char] = &['a', 'b', 'c', 'x', 'y', 'z', ' ', '0', '9', 'é', 'ß', 'ж', '文', '—', '"', '\\', '/'];
    let len = if rng.gen_ratio(1, 25) { rng.gen_range(2000..=4000) } else { rng.gen_range(0..=200) };
    let mut s = prefix.to_string();
    for _ in 0..len {
        s.push(ALPHABET[rng.gen_range(0..ALPHABET.len())]);
    }
    s
}

/// Submits statements for `member` one after another until the server
/// dies. Anything other than 201 before the kill is a fault.
fn submit_until_killed(
    url: String,
    mut member: Member,
    cycle: usize,
    mut rng: StdRng,
    killed: Arc<AtomicBool>,
    acks: Arc<Mutex<Vec<Ack>>>,
    faults: Arc<Mutex<Vec<String>>>,
) -> Returned {
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let id = member.id.to_string();
    loop {
        let prefix = format!("c{cycle} {id} s{} ", member.seq + 1);
        let text = random_text(&mut rng, &prefix);
        let note = member.sign("note.publish", json!({ "text": text }));
        let seq = member.seq;
        let sent = client
            .post(format!("{url}/api/v1/statements"))
            .header("content-type", "text/plain")
            .body(note.clone())
            .send();
        let fault = |what: String| {
            faults.lock().unwrap().push(format!("cycle {cycle}, {id} seq {seq}: {what}"));
        };
        match sent {
            Ok(r) if r.status().as_u16() == 201 => match r.json::<Value>() {
                Ok(v) => {
                    let index = v["index"].as_u64().expect("201 without an index");
                    let leaf_hash = v["leaf_hash"].as_str().expect("201 without a leaf_hash").to_string();
                    acks.lock().unwrap().push(Ack { cycle, member: id.clone(), seq, index, leaf_hash, note });
                }
                // The kill cut the answer short: not an acknowledgement.
                Err(_) if killed.load(Ordering::SeqCst) => return Returned { member, cut_off: true },
                Err(e) => {
                    fault(format!("unreadable 201 body: {e}"));
                    return Returned { member, cut_off: false };
                }
            },
            Ok(r) => {
                let status = r.status();
                let body = r.text().unwrap_or_default();
                fault(format!("answered {status}: {body}"));
                return Returned { member, cut_off: false };
            }
            Err(_) if killed.load(Ordering::SeqCst) => return Returned { member, cut_off: true },
            Err(e) => {
                fault(format!("transport error before the kill: {e}"));
                return Returned { member, cut_off: false };
            }
        }
    }
}

/// Polls `/log/checkpoint` until the server dies; the checkpoints seen, in order.
fn watch_checkpoints(url: String, stop: Arc<AtomicBool>) -> Vec<String> {
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let mut seen: Vec<String> = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        match client.get(format!("{url}/log/checkpoint")).send() {
            Ok(r) if r.status().is_success() => match r.text() {
                Ok(t) => {
                    if seen.last() != Some(&t) {
                        seen.push(t);
                    }
                }
                Err(_) => break,
            },
            Ok(_) | Err(_) => break,
        }
        std::thread::sleep(Duration::from_millis(15));
    }
    seen
}

fn open_checkpoint(text: &str, log_key: &VerifierKey, when: String) -> Seen {
    let (cp, _) = Checkpoint::open(text.as_bytes(), log_key)
        .unwrap_or_else(|e| panic!("{when}: checkpoint does not open with the log key: {e}\n{text}"));
    Seen { size: cp.size, root: cp.root, when }
}

/// Proves, with the node's consistency proof, that `a` is a prefix of `b`.
fn prove_prefix(server: &Server, a: &Seen, b: &Seen) {
    assert!(
        a.size <= b.size,
        "the log shrank: size {} ({}) was followed by size {} ({})",
        a.size,
        a.when,
        b.size,
        b.when
    );
    let r = get(server, &format!("/api/v1/log/consistency?from={}&to={}", a.size, b.size));
    assert_eq!(r.status().as_u16(), 200, "consistency {}→{}", a.size, b.size);
    let v: Value = r.json().unwrap();
    let proof: Vec<Hash> = v["proof"]
        .as_array()
        .expect("consistency answer has no proof array")
        .iter()
        .map(|h| Hash::from_base64(h.as_str().unwrap()).expect("proof hash is not base64 of 32 bytes"))
        .collect();
    verify_consistency(a.size, b.size, &proof, &a.root, &b.root).unwrap_or_else(|e| {
        panic!("checkpoint {} ({}) is not consistent with checkpoint {} ({}): {e:?}", a.size, a.when, b.size, b.when)
    });
}

/// Checks one acknowledged entry through `/api/v1/entries/{i}`, with its
/// inclusion proof against the checkpoint that comes with it.
fn check_ack_via_api(server: &Server, log_key: &VerifierKey, ack: &Ack) {
    let r = get(server, &format!("/api/v1/entries/{}", ack.index));
    let status = r.status().as_u16();
    let v: Value = r.json().unwrap_or(Value::Null);
    assert_eq!(
        status, 200,
        "LOST ACK: entry {} ({} seq {}, acknowledged in cycle {}) is not served: {v}",
        ack.index, ack.member, ack.seq, ack.cycle
    );
    let entry = v["entry"].as_str().expect("entry text");
    assert!(
        entry.starts_with("accord/entry/v1\ntime ") && entry.ends_with(ack.note.as_str()),
        "entry {} does not carry the exact note acknowledged ({} seq {}, cycle {})\n--- served ---\n{entry}\n--- sent ---\n{}",
        ack.index,
        ack.member,
        ack.seq,
        ack.cycle,
        ack.note
    );
    assert_eq!(
        v["leaf_hash"].as_str(),
        Some(ack.leaf_hash.as_str()),
        "entry {}: leaf hash differs from the ack",
        ack.index
    );
    assert_eq!(
        Hash::leaf(entry.as_bytes()).to_base64(),
        ack.leaf_hash,
        "entry {}: bytes do not hash to the acked leaf",
        ack.index
    );
    let proof = TlogProof::parse(v["proof"].as_str().expect("proof")).expect("tlog-proof parses");
    assert_eq!(proof.index, ack.index);
    let (pcp, _) = Checkpoint::open(proof.checkpoint.as_bytes(), log_key).expect("proof checkpoint opens");
    let leaf = Hash::from_base64(&ack.leaf_hash).unwrap();
    verify_inclusion(&leaf, ack.index, pcp.size, &proof.hashes, &pcp.root)
        .unwrap_or_else(|e| panic!("entry {}: inclusion proof fails: {e:?}", ack.index));
}

/// Downloads every entry bundle under `cp`, checks that the leaves hash to
/// the checkpoint's root and that every acknowledgement is where it was
/// promised, byte for byte.
fn check_all_acks_via_tiles(server: &Server, cp: &Seen, acks: &[Ack]) {
    let mut entries: Vec<Vec<u8>> = Vec::with_capacity(cp.size as usize);
    for tp in tiles_for_size(TileKind::Entries, cp.size) {
        let r = get(server, &format!("/log/{tp}"));
        assert_eq!(r.status().as_u16(), 200, "GET /log/{tp}");
        let bytes = r.bytes().unwrap();
        let bundle = decode_bundle(&bytes).unwrap_or_else(|e| panic!("{tp}: {e}"));
        assert_eq!(bundle.len(), usize::from(tp.width), "{tp}: wrong number of entries");
        entries.extend(bundle.into_iter().map(<[u8]>::to_vec));
    }
    assert_eq!(entries.len() as u64, cp.size);
    let mut tree = MemoryTree::new();
    for e in &entries {
        tree.push(Hash::leaf(e));
    }
    assert_eq!(tree.root_at(cp.size), cp.root, "the entry bundles do not hash to the checkpoint's root ({})", cp.when);
    for ack in acks {
        let Some(e) = entries.get(ack.index as usize) else {
            panic!(
                "LOST ACK: entry {} ({} seq {}, cycle {}) is beyond the checkpoint of size {} ({})",
                ack.index, ack.member, ack.seq, ack.cycle, cp.size, cp.when
            );
        };
        assert_eq!(
            Hash::leaf(e).to_base64(),
            ack.leaf_hash,
            "entry {} in the tiles is not the one acknowledged",
            ack.index
        );
        assert!(
            e.ends_with(ack.note.as_bytes()),
            "entry {} in the tiles does not end with the acknowledged note",
            ack.index
        );
    }
}

/// The checkpoint text once it covers `need` entries; if it never does,
/// the acknowledgements beyond it were lost.
fn wait_for_size(server: &Server, need: u64, all: &[Ack], label: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = get(server, "/log/checkpoint").text().unwrap();
        let size = text.lines().nth(1).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
        if size >= need {
            return text;
        }
        if Instant::now() > deadline {
            let lost: Vec<String> = all
                .iter()
                .filter(|a| a.index >= size)
                .take(10)
                .map(|a| format!("index {} ({} seq {}, cycle {})", a.index, a.member, a.seq, a.cycle))
                .collect();
            panic!(
                "LOST ACK ({label}): the log stays at {size} entries, but {} acknowledged entries lie beyond it, e.g.\n{}",
                all.iter().filter(|a| a.index >= size).count(),
                lost.join("\n")
            );
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Every check that follows a (re)start: acknowledged entries present and
/// unchanged, checkpoints consistent, members' seqs at least the acked ones.
#[allow(clippy::too_many_arguments)]
fn check_after_restart(
    server: &Server,
    log_key: &VerifierKey,
    label: &str,
    fresh: &[Ack],
    all: &[Ack],
    seen: &mut Vec<Seen>,
    proved_upto: &mut usize,
) {
    let need = all.iter().map(|a| a.index + 1).max().unwrap_or(1);
    let text = wait_for_size(server, need, all, label);
    let cp = open_checkpoint(&text, log_key, format!("{label}: first checkpoint after restart"));
    seen.push(cp.clone());
    std::thread::scope(|s| {
        for chunk in fresh.chunks(fresh.len().div_ceil(4).max(1)) {
            s.spawn(move || chunk.iter().for_each(|ack| check_ack_via_api(server, log_key, ack)));
        }
    });
    check_all_acks_via_tiles(server, &cp, all);
    // Consecutive checkpoints, in the order they were seen, each a prefix
    // of the next (being a prefix is transitive, so this covers all pairs).
    while *proved_upto + 1 < seen.len() {
        let (a, b) = (&seen[*proved_upto], &seen[*proved_upto + 1]);
        prove_prefix(server, a, b);
        *proved_upto += 1;
    }
    // The members' projected seqs cover everything acknowledged.
    let mut acked_seq: BTreeMap<&str, u64> = BTreeMap::new();
    for a in all {
        let e = acked_seq.entry(a.member.as_str()).or_default();
        *e = (*e).max(a.seq);
    }
    for (id, seq) in acked_seq {
        let v: Value = get(server, &format!("/api/v1/members/{id}")).json().unwrap();
        let last = v["last_seq"].as_u64().expect("last_seq");
        assert!(last >= seq, "{label}: member {id} has last_seq {last} but seq {seq} was acknowledged");
    }
}

#[test]
fn kill_9_loses_nothing_acknowledged() {
    let started = Instant::now();
    let seed = env_u64("ACCORD_CRASH_SEED").unwrap_or(DEFAULT_SEED);
    let cycles = env_u64("ACCORD_CRASH_CYCLES").map_or(DEFAULT_CYCLES, |n| n as usize);
    eprintln!("crash: seed {seed} (ACCORD_CRASH_SEED={seed} reproduces the delays and texts), {cycles} kills");
    let mut rng = StdRng::seed_from_u64(seed);

    let mut body = Body::found_with(MEMBERS, LOAD_RULES);
    let log_key = VerifierKey::parse(&body.log_vkey).unwrap();
    let mut members: Vec<Member> = std::mem::take(&mut body.members);
    let mut all: Vec<Ack> = Vec::new();
    let mut fresh: Vec<Ack> = Vec::new();
    let mut seen: Vec<Seen> = Vec::new();
    let mut proved_upto = 0usize;
    let mut cut_off_cycles = 0usize;
    let (mut starting, mut checking) = (Duration::ZERO, Duration::ZERO);

    let serve = |body: &Body| Server::start_with(&body.data(), &["--snapshot-every", SNAPSHOT_EVERY]);
    for cycle in 0..cycles {
        let t0 = Instant::now();
        let mut server = serve(&body);
        let t1 = Instant::now();
        check_after_restart(
            &server,
            &log_key,
            &format!("start of cycle {cycle}"),
            &fresh,
            &all,
            &mut seen,
            &mut proved_upto,
        );
        starting += t1 - t0;
        checking += t1.elapsed();

        // A submission cut off by the kill may or may not have landed:
        // continue after whatever the log holds.
        for m in members.iter_mut() {
            let v: Value = get(&server, &format!("/api/v1/members/{}", m.id)).json().unwrap();
            m.seq = m.seq.max(v["last_seq"].as_u64().expect("last_seq"));
        }

        let killed = Arc::new(AtomicBool::new(false));
        let acks = Arc::new(Mutex::new(Vec::new()));
        let faults = Arc::new(Mutex::new(Vec::new()));
        let mut submitters = Vec::new();
        for m in members.drain(..) {
            let (url, killed, acks, faults) = (server.url.clone(), killed.clone(), acks.clone(), faults.clone());
            let trng = StdRng::seed_from_u64(rng.gen());
            submitters.push(std::thread::spawn(move || submit_until_killed(url, m, cycle, trng, killed, acks, faults)));
        }
        let watcher = {
            let (url, stop) = (server.url.clone(), killed.clone());
            std::thread::spawn(move || watch_checkpoints(url, stop))
        };

        let delay = rng.gen_range(50..=400);
        std::thread::sleep(Duration::from_millis(delay));
        killed.store(true, Ordering::SeqCst);
        server.kill9();

        let mut cut_off = 0;
        for s in submitters {
            let r = s.join().expect("submitter panicked");
            cut_off += usize::from(r.cut_off);
            members.push(r.member);
        }
        for (i, text) in watcher.join().expect("watcher panicked").iter().enumerate() {
            seen.push(open_checkpoint(text, &log_key, format!("cycle {cycle}, checkpoint #{i} seen while serving")));
        }
        let faults = std::mem::take(&mut *faults.lock().unwrap());
        assert!(faults.is_empty(), "cycle {cycle}: the node misbehaved before the kill:\n{}", faults.join("\n"));
        let mut acks = std::mem::take(&mut *acks.lock().unwrap());
        acks.sort_by_key(|a| a.index);
        for w in acks.windows(2) {
            assert_ne!(w[0].index, w[1].index, "two acknowledgements for index {}", w[0].index);
        }
        if cut_off > 0 {
            cut_off_cycles += 1;
        }
        eprintln!(
            "crash: cycle {cycle}: killed after {delay} ms, {} acks, {cut_off} requests cut off, log ≥ {}",
            acks.len(),
            acks.last().map_or(0, |a| a.index + 1)
        );
        all.extend(acks.iter().cloned());
        fresh = acks;
    }

    // Last restart: everything checked once more, then a clean stop.
    let mut server = serve(&body);
    assert!(body.data().join("state.snapshot").exists(), "no snapshot was ever written");
    check_after_restart(&server, &log_key, "after the last kill", &fresh, &all, &mut seen, &mut proved_upto);
    let last = seen.last().unwrap().clone();
    for s in &seen {
        prove_prefix(&server, s, &last);
    }
    server.stop();

    assert!(all.len() >= cycles, "too few acknowledgements ({}) for the test to mean much", all.len());
    assert!(cut_off_cycles * 2 >= cycles, "only {cut_off_cycles} of {cycles} kills caught a request in flight");

    eprintln!(
        "crash: {:.1} s starting servers, {:.1} s checking after restarts, {:.1} s so far",
        starting.as_secs_f64(),
        checking.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );

    // The projections rebuilt from the log are the ones the node kept.
    let out = accord().args(["rebuild", "--data"]).arg(body.data()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "rebuild failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.lines().any(|l| l.trim() == "projections identical"), "rebuild: {stdout}");

    // An outside audit of the whole log passes.
    let server = body.serve();
    let state = tempfile::tempdir().unwrap();
    let out = accord()
        .arg("audit")
        .arg(&server.url)
        .arg("--state")
        .arg(state.path().join("audit.json"))
        .args(["--log-key", &body.log_vkey])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "audit failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    drop(server);
    eprintln!(
        "crash: {} acks over {cycles} kills ({cut_off_cycles} caught requests in flight), {} checkpoints proved consistent, {:.1} s",
        all.len(),
        seen.len(),
        started.elapsed().as_secs_f64()
    );
}
