//! `accord witness`, the real binary on loopback: every status of C2SP
//! tlog-witness, the monitoring read, `--follow` and its pinned log key,
//! kill -9 in the middle of racing honest and forked submissions, and an
//! independent Python client (tests/interop/witness_client.py, with
//! tlog-scales) driving it.

use crate::common::*;
use accord_log::cosignature::CosignerKey;
use accord_log::merkle::{consistency_proof, MemoryTree, TILE_WIDTH};
use accord_log::tile::{tiles_for_size, TileKind};
use accord_log::witness::{parse_cosignatures, AddCheckpoint};
use accord_log::{Checkpoint, Hash, Note, Signer};
use ed25519_dalek::SigningKey;
use rand::{Rng, SeedableRng};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const LOG: &str = "e2e.witness.example/log";

fn log_key(seed: u8) -> Signer {
    Signer::new(LOG, SigningKey::from_bytes(&[seed; 32])).unwrap()
}

/// `accord witness-keygen` into `dir`: the key file and the cosigner key.
fn witness_keygen(dir: &Path) -> (PathBuf, CosignerKey) {
    let path = dir.join("witness.key");
    let out =
        accord().args(["witness-keygen", "--name", "witness.e2e.example/w1", "--out"]).arg(&path).output().unwrap();
    assert!(out.status.success(), "witness-keygen: {}", String::from_utf8_lossy(&out.stderr));
    let vkey = String::from_utf8(out.stdout).unwrap();
    (path, CosignerKey::parse(vkey.trim()).unwrap())
}

/// `accord witness ARGS` on a free loopback port, once it listens.
pub(crate) fn start_witness(data: &Path, key: &Path, trust: &[&str]) -> Server {
    spawn_witness(data, key, trust, "warn")
}

/// The same, logging at `level` (the kill test's forks would fill the
/// output with the witness's warnings).
fn spawn_witness(data: &Path, key: &Path, trust: &[&str], level: &str) -> Server {
    let mut cmd = accord();
    cmd.args(["witness", "--listen", "127.0.0.1:0", "--data"]).arg(data).arg("--key").arg(key).args(trust);
    cmd.env("RUST_LOG", level);
    Server::listening(cmd)
}

/// `accord witness ARGS` that must refuse to start: its stderr.
fn witness_refuses(data: &Path, key: &Path, trust: &[&str]) -> String {
    let out = accord()
        .args(["witness", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .arg("--key")
        .arg(key)
        .args(trust)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success(), "accord witness started: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn tree(n: u64, salt: u8) -> MemoryTree {
    let mut t = MemoryTree::new();
    for i in 0..n {
        t.push(Hash::leaf(format!("{salt}/{i}").as_bytes()));
    }
    t
}

/// `tree` but with the first `common` leaves of salt 0: a fork of it.
fn fork(n: u64, common: u64, salt: u8) -> MemoryTree {
    let mut t = MemoryTree::new();
    for i in 0..n {
        let s = if i < common { 0 } else { salt };
        t.push(Hash::leaf(format!("{s}/{i}").as_bytes()));
    }
    t
}

fn signed(t: &mut MemoryTree, size: u64, key: &Signer) -> String {
    Checkpoint::new(key.verifier().name(), size, t.root_at(size)).sign(key).unwrap().to_text()
}

fn request(t: &mut MemoryTree, old: u64, size: u64, key: &Signer) -> Vec<u8> {
    let proof = consistency_proof(t, old, size).unwrap().unwrap();
    AddCheckpoint { old, proof, checkpoint: signed(t, size, key).into_bytes() }.to_bytes()
}

fn post(http: &reqwest::blocking::Client, url: &str, body: Vec<u8>) -> reqwest::Result<reqwest::blocking::Response> {
    http.post(format!("{url}/add-checkpoint")).body(body).send()
}

/// A 200 whose one line is the witness's valid cosignature over `size` of `t`.
fn assert_cosigned(r: reqwest::blocking::Response, t: &mut MemoryTree, size: u64, witness: &CosignerKey) {
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "text/plain; charset=utf-8");
    let sigs = parse_cosignatures(&r.text().unwrap()).unwrap();
    assert_eq!(sigs.len(), 1);
    let text = Checkpoint::new(LOG, size, t.root_at(size)).to_text();
    assert!(witness.verify(&text, &sigs[0]).unwrap() > 0);
}

fn assert_conflict(r: reqwest::blocking::Response, latest: u64) {
    assert_eq!(r.status().as_u16(), 409);
    assert_eq!(r.headers()["content-type"], "text/x.tlog.size");
    assert_eq!(r.text().unwrap(), format!("{latest}\n"));
}

/// Asserts an RFC 9457 problem with `status` and `code` (the witness's own
/// codes, docs/PROTOCOL.md §4.1).
fn assert_witness_problem(r: reqwest::blocking::Response, status: u16, code: &str) {
    assert_problem(r, status, code);
}

#[test]
fn witness_answers_every_status_of_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let (key, witness) = witness_keygen(dir.path());
    // The key file is private, and never overwritten.
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    let again = accord().args(["witness-keygen", "--name", "w", "--out"]).arg(&key).output().unwrap();
    assert!(!again.status.success());

    let k = log_key(1);
    let logs = dir.path().join("logs");
    std::fs::write(&logs, format!("# the e2e log\nlog {} https://e2e.example/log/\n", k.verifier())).unwrap();
    let data = dir.path().join("data");
    let logs_arg = logs.to_str().unwrap();
    let mut server = start_witness(&data, &key, &["--logs", logs_arg]);
    let http = client();
    let url = server.url.clone();
    let mut a = tree(500, 0);

    // 200, from nothing and onwards.
    assert_cosigned(post(&http, &url, request(&mut a, 0, 10, &k)).unwrap(), &mut a, 10, &witness);
    assert_cosigned(post(&http, &url, request(&mut a, 10, 100, &k)).unwrap(), &mut a, 100, &witness);
    // 409: stale.
    assert_conflict(post(&http, &url, request(&mut a, 10, 200, &k)).unwrap(), 100);
    // 400: malformed, and old above the size.
    assert_witness_problem(post(&http, &url, b"old x\n\n".to_vec()).unwrap(), 400, "malformed");
    let bad_old = AddCheckpoint { old: 300, proof: vec![], checkpoint: signed(&mut a, 200, &k).into_bytes() };
    assert_witness_problem(post(&http, &url, bad_old.to_bytes()).unwrap(), 400, "old-too-large");
    // 403: not signed by the log's key.
    assert_witness_problem(post(&http, &url, request(&mut a, 100, 200, &log_key(2))).unwrap(), 403, "bad-signature");
    // 404: a log this witness does not trust.
    let other = Signer::new("other.example/log", SigningKey::from_bytes(&[3; 32])).unwrap();
    let mut o = tree(5, 9);
    let foreign = AddCheckpoint {
        old: 0,
        proof: vec![],
        checkpoint: Checkpoint::new("other.example/log", 5, o.root_at(5)).sign(&other).unwrap().to_text().into_bytes(),
    };
    assert_witness_problem(post(&http, &url, foreign.to_bytes()).unwrap(), 404, "unknown-origin");
    // 422: a fork of the cosigned tree.
    let mut b = fork(500, 50, 1);
    assert_witness_problem(post(&http, &url, request(&mut b, 100, 200, &k)).unwrap(), 422, "bad-proof");
    assert_witness_problem(post(&http, &url, request(&mut b, 100, 100, &k)).unwrap(), 422, "bad-proof");
    // 413: a body over 64 KiB.
    assert_witness_problem(post(&http, &url, vec![b'x'; 64 * 1024 + 1]).unwrap(), 413, "too-large");
    // 405: another method.
    let r = http.get(format!("{url}/add-checkpoint")).send().unwrap();
    assert_eq!(r.headers()["allow"], "POST");
    assert_witness_problem(r, 405, "method-not-allowed");

    // The monitoring read: the log's signature and the cosignature.
    let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(LOG.as_bytes()));
    let r = http.get(format!("{url}/{hash}/checkpoint")).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let note = Note::parse(&r.bytes().unwrap()).unwrap();
    let (cp, _) = Checkpoint::open(note.to_text().as_bytes(), k.verifier()).unwrap();
    assert_eq!((cp.size, cp.root), (100, a.root_at(100)));
    assert!(note.signatures.iter().any(|s| witness.verify(note.text(), s).is_ok()));
    let never = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b"other.example/log"));
    assert_witness_problem(http.get(format!("{url}/{never}/checkpoint")).send().unwrap(), 404, "not-found");
    let metrics = http.get(format!("{url}/metrics")).send().unwrap().text().unwrap();
    assert!(metrics.contains("accord_witness_cosignatures_total 2\n"), "{metrics}");
    assert!(metrics.contains("accord_witness_requests_total{endpoint=\"add-checkpoint\",status=\"422\"} 2\n"));

    // A second witness on the same data is refused (the lock).
    let err = witness_refuses(&data, &key, &["--logs", logs_arg]);
    assert!(err.contains("is using"), "{err}");

    // SIGTERM stops it cleanly; a restart keeps the state.
    let mut child = server.child.take().unwrap();
    std::process::Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
    assert!(child.wait().unwrap().success());
    let server = start_witness(&data, &key, &["--logs", logs_arg]);
    assert_conflict(post(&http, &server.url, request(&mut a, 0, 300, &k)).unwrap(), 100);
    assert_cosigned(post(&http, &server.url, request(&mut a, 100, 300, &k)).unwrap(), &mut a, 300, &witness);

    // Bad trusted-logs files are refused with their line.
    std::fs::write(&logs, format!("log {}\n\nlog nonsense\n", k.verifier())).unwrap();
    let err = witness_refuses(&dir.path().join("data2"), &key, &["--logs", logs_arg]);
    assert!(err.contains("line 3"), "{err}");
}

/// A tiny HTTP server on loopback serving `GET /log/policy` with whatever
/// `text` holds (404 elsewhere): a body's node, as far as `--follow` cares.
struct PolicyStub {
    url: String,
    text: Arc<Mutex<String>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl PolicyStub {
    fn start(text: &str) -> PolicyStub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let text = Arc::new(Mutex::new(text.to_string()));
        let stop = Arc::new(AtomicBool::new(false));
        let (t, s) = (text.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut conn) = conn else { continue };
                let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut first = String::new();
                let _ = reader.read_line(&mut first);
                loop {
                    let mut l = String::new();
                    if reader.read_line(&mut l).unwrap_or(0) == 0 || l == "\r\n" {
                        break;
                    }
                }
                let (status, body) = if first.starts_with("GET /log/policy ") {
                    ("200 OK", t.lock().unwrap().clone())
                } else {
                    ("404 Not Found", String::new())
                };
                let _ = write!(
                    conn,
                    "HTTP/1.1 {status}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        PolicyStub { url, text, stop, thread: Some(thread) }
    }
}

impl Drop for PolicyStub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(self.url.trim_start_matches("http://"));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn witness_follows_the_body_and_pins_its_log_key() {
    let dir = tempfile::tempdir().unwrap();
    let (key, witness) = witness_keygen(dir.path());
    let (k, rotated) = (log_key(1), log_key(2));
    let policy =
        |s: &Signer| format!("log {} https://e2e.example/log/\nwitness w1 {witness}\nquorum w1\n", s.verifier());
    let stub = PolicyStub::start(&policy(&k));
    let data = dir.path().join("data");
    let http = client();
    let mut a = tree(100, 0);

    // First start: pins the body's log key, and witnesses that log.
    let server = start_witness(&data, &key, &["--follow", &stub.url]);
    let pinned = std::fs::read_to_string(data.join("trusted-logs")).unwrap();
    assert!(pinned.contains(&format!("log {} https://e2e.example/log/\n", k.verifier())), "{pinned}");
    assert_cosigned(post(&http, &server.url, request(&mut a, 0, 20, &k)).unwrap(), &mut a, 20, &witness);
    drop(server);

    // The same key served: starts. Another key served: refuses, clearly.
    drop(start_witness(&data, &key, &["--follow", &stub.url]));
    *stub.text.lock().unwrap() = policy(&rotated);
    let err = witness_refuses(&data, &key, &["--follow", &stub.url]);
    assert!(err.contains("must not accept a changed log key"), "{err}");
    assert!(err.contains(&rotated.verifier().to_vkey()) && err.contains(&k.verifier().to_vkey()), "{err}");
    // A policy that names no log is no reason to trust none: the pin holds.
    *stub.text.lock().unwrap() = "quorum none\n".into();
    drop(start_witness(&data, &key, &["--follow", &stub.url]));

    // The body unreachable: the pin is used, and the state kept.
    let gone = stub.url.clone();
    drop(stub);
    let server = start_witness(&data, &key, &["--follow", &gone]);
    assert_conflict(post(&http, &server.url, request(&mut a, 0, 30, &k)).unwrap(), 20);
    drop(server);
    // Unreachable with nothing pinned: refuses.
    let err = witness_refuses(&dir.path().join("fresh"), &key, &["--follow", &gone]);
    assert!(err.contains("nothing is pinned"), "{err}");
}

/// Every (size, root) cosigned, and the sizes 409s reported, per cycle.
#[derive(Default)]
struct Seen {
    cosigned: Vec<(usize, u64, Hash)>,
    conflicts: Vec<(usize, u64)>,
}

#[test]
fn witness_survives_kill_9() {
    const CYCLES: usize = 24;
    const LEAVES: u64 = 1 << 15;
    const FORK_AT: u64 = 40;
    const HONEST: usize = 3;
    const FORKED: usize = 2;
    let seed: u64 = rand::random();
    eprintln!("witness_survives_kill_9: seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);

    let dir = tempfile::tempdir().unwrap();
    let (key, witness) = witness_keygen(dir.path());
    let k = Arc::new(log_key(1));
    let logs = dir.path().join("logs");
    std::fs::write(&logs, format!("log {}\n", k.verifier())).unwrap();
    let logs_arg = ["--logs", logs.to_str().unwrap()];
    let data = dir.path().join("data");
    let honest = tree(LEAVES, 0);
    let forked = fork(LEAVES, FORK_AT, 7);
    // Each client keeps its tree and what it last heard of the witness.
    let mut clients: Vec<(MemoryTree, bool, u64)> = (0..HONEST + FORKED)
        .map(|i| if i < HONEST { (honest.clone(), true, 0) } else { (forked.clone(), false, 0) })
        .collect();
    let seen = Mutex::new(Seen::default());
    let mut largest_before = 0u64; // the largest size answered 200 before this cycle's start
    let http = client();
    let mut probe = honest.clone();

    for cycle in 0..CYCLES {
        let mut server = spawn_witness(&data, &key, &logs_arg, "error");
        // A probe right after the restart: the witness's size is what it had.
        let r = post(&http, &server.url, request(&mut probe, 0, 1, &k)).unwrap();
        match r.status().as_u16() {
            200 => {
                assert_eq!(largest_before, 0, "cycle {cycle}: cosigned size 1 from 0 after cosigning {largest_before}")
            }
            409 => {
                let latest: u64 = r.text().unwrap().trim().parse().unwrap();
                assert!(
                    latest >= largest_before,
                    "cycle {cycle}: restarted at {latest}, below {largest_before} cosigned"
                );
                seen.lock().unwrap().conflicts.push((cycle, latest));
            }
            s => panic!("cycle {cycle}: probe answered {s}"),
        }
        let stop = AtomicBool::new(false);
        let answers = AtomicU64::new(0);
        let url = server.url.clone();
        let kill_after: u64 = rng.gen_range(10..120);
        let pause_ms: u64 = rng.gen_range(0..40);
        std::thread::scope(|s| {
            for (i, (t, is_honest, known)) in clients.iter_mut().enumerate() {
                let (url, stop, answers, seen, k, witness) = (&url, &stop, &answers, &seen, &k, &witness);
                let mut crng = rand::rngs::StdRng::seed_from_u64(seed ^ ((cycle as u64) << 8) ^ i as u64);
                s.spawn(move || {
                    let http = client();
                    while !stop.load(Ordering::SeqCst) {
                        let size = *known + crng.gen_range(1..=8u64);
                        if size > LEAVES {
                            break;
                        }
                        let Ok(r) = post(&http, url, request(t, *known, size, k)) else {
                            // The witness is gone (killed): wait to be stopped.
                            std::thread::sleep(Duration::from_millis(2));
                            continue;
                        };
                        let status = r.status().as_u16();
                        let Ok(text) = r.text() else { continue };
                        answers.fetch_add(1, Ordering::SeqCst);
                        match status {
                            200 => {
                                let sigs = parse_cosignatures(&text).unwrap();
                                let cp = Checkpoint::new(LOG, size, t.root_at(size)).to_text();
                                witness.verify(&cp, &sigs[0]).unwrap();
                                seen.lock().unwrap().cosigned.push((cycle, size, t.root_at(size)));
                                *known = size;
                            }
                            409 => {
                                let latest: u64 = text.trim().parse().unwrap();
                                seen.lock().unwrap().conflicts.push((cycle, latest));
                                *known = latest;
                            }
                            // The witness holds the other fork at `known`:
                            // wait for a 409 to say it moved.
                            422 => std::thread::sleep(Duration::from_millis(1)),
                            s => {
                                panic!("client {i} ({}) got {s}: {text}", if *is_honest { "honest" } else { "forked" })
                            }
                        }
                    }
                });
            }
            // Kill mid-traffic: once some answers came back, after a pause.
            for _ in 0..30_000 {
                if answers.load(Ordering::SeqCst) >= kill_after {
                    break;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            std::thread::sleep(Duration::from_millis(pause_ms));
            server.kill9();
            stop.store(true, Ordering::SeqCst);
        });
        let seen = seen.lock().unwrap();
        for &(c, latest) in seen.conflicts.iter().filter(|(c, _)| *c == cycle) {
            assert!(latest >= largest_before, "cycle {c}: a 409 said {latest}, below {largest_before} cosigned before");
        }
        largest_before = seen.cosigned.iter().map(|&(_, s, _)| s).max().unwrap_or(0);
    }

    // Every cosigned checkpoint lies on one tree's history.
    let seen = seen.into_inner().unwrap();
    assert!(!seen.cosigned.is_empty());
    let on = |t: &MemoryTree| {
        let mut t = t.clone();
        seen.cosigned.iter().all(|&(_, s, r)| t.root_at(s) == r)
    };
    let (on_honest, on_forked) = (on(&honest), on(&forked));
    assert!(on_honest || on_forked, "the witness cosigned checkpoints of two forks");
    eprintln!(
        "witness_survives_kill_9: {} cosigned over {CYCLES} kills, up to size {largest_before}, on the {} tree",
        seen.cosigned.len(),
        if on_honest { "honest" } else { "forked" }
    );
    // And what it serves after the last kill is at least that far, on that tree.
    let server = start_witness(&data, &key, &logs_arg);
    let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(LOG.as_bytes()));
    let body = http.get(format!("{}/{hash}/checkpoint", server.url)).send().unwrap().bytes().unwrap();
    let (cp, note) = Checkpoint::open(&body, k.verifier()).unwrap();
    assert!(cp.size >= largest_before);
    let mut winner = if on_honest { honest.clone() } else { forked.clone() };
    assert_eq!(cp.root, winner.root_at(cp.size));
    assert!(note.signatures.iter().any(|s| witness.verify(note.text(), s).is_ok()));
}

/// Writes the hash tiles of `t` at each of `sizes` under `dir/tile/`
/// (the tlog-tiles layout), as a log that published those sizes would.
fn write_tiles(dir: &Path, t: &MemoryTree, sizes: &[u64]) {
    for &size in sizes {
        for level in 0..=accord_log::tile::MAX_TILE_LEVEL {
            for p in tiles_for_size(TileKind::Hash(level), size) {
                let start = (p.index * TILE_WIDTH) as usize;
                let hashes = &t.level(8 * u32::from(level))[start..start + usize::from(p.width)];
                let path = dir.join(p.to_string());
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                let bytes: Vec<u8> = hashes.iter().flat_map(|h| h.0).collect();
                std::fs::write(path, bytes).unwrap();
            }
        }
    }
}

#[test]
fn tlog_scales_client_drives_the_witness() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (key, witness) = witness_keygen(dir.path());
    let k = log_key(5);
    let logs = dir.path().join("logs");
    std::fs::write(&logs, format!("log {}\n", k.verifier())).unwrap();
    let server = start_witness(&dir.path().join("data"), &key, &["--logs", logs.to_str().unwrap()]);

    let sizes = [100u64, 300, 70_000];
    let mut t = tree(*sizes.last().unwrap(), 3);
    let tiles = dir.path().join("log");
    write_tiles(&tiles, &t, &sizes);
    let mut files = Vec::new();
    for s in sizes {
        let f = dir.path().join(format!("checkpoint-{s}"));
        std::fs::write(&f, signed(&mut t, s, &k)).unwrap();
        files.push(f);
    }
    let out = std::process::Command::new(&py)
        .arg(repo_root().join("tests/interop/witness_client.py"))
        .args(["--witness", &server.url, "--witness-vkey", &witness.to_vkey(), "--log-vkey", &k.verifier().to_vkey()])
        .arg("--tiles")
        .arg(&tiles)
        .args(&files)
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "witness_client.py: {text}");
    assert!(text.contains("monitoring checkpoint verified: OK"), "{text}");

    // And it notices a witness whose cosignature is not by the key it
    // was told: a fresh witness, checked against another witness's key.
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    let (_, stranger) = witness_keygen(&other);
    let fresh = start_witness(&dir.path().join("data2"), &key, &["--logs", logs.to_str().unwrap()]);
    let out = std::process::Command::new(&py)
        .arg(repo_root().join("tests/interop/witness_client.py"))
        .args(["--witness", &fresh.url, "--witness-vkey", &stranger.to_vkey(), "--log-vkey", &k.verifier().to_vkey()])
        .arg("--tiles")
        .arg(&tiles)
        .args(&files)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && text.contains("no cosignature by"), "{text}");
}
