//! The witness's answers to every kind of request, in process.

use super::*;
use accord_log::merkle::{consistency_proof, MemoryTree};
use accord_log::{Checkpoint, Hash, Signer};
use ed25519_dalek::SigningKey;
use std::sync::Arc;

const ORIGIN: &str = "example.org/log";
const NOW: u64 = 1_760_000_000;

fn log_key(seed: u8) -> Signer {
    Signer::new(ORIGIN, SigningKey::from_bytes(&[seed; 32])).unwrap()
}

fn cosigner() -> Cosigner {
    Cosigner::new("witness.example/w1", SigningKey::from_bytes(&[42; 32])).unwrap()
}

fn tree(n: u64, salt: u8) -> MemoryTree {
    let mut t = MemoryTree::new();
    for i in 0..n {
        t.push(Hash::leaf(&[salt, (i >> 8) as u8, i as u8]));
    }
    t
}

/// An add-checkpoint body from `old` to `size` of `t`, signed by `signers`.
fn body(t: &mut MemoryTree, old: u64, size: u64, signers: &[&Signer]) -> Vec<u8> {
    let text = Checkpoint::new(ORIGIN, size, t.root_at(size)).to_text();
    let mut note = Note::new(&text).unwrap();
    for s in signers {
        note.signatures.push(s.sign(&text));
    }
    let proof = consistency_proof(t, old, size).unwrap().unwrap();
    AddCheckpoint { old, proof, checkpoint: note.to_text().into_bytes() }.to_bytes()
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    logs: TrustedLogs,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("witness.db");
        // Two keys for the origin: a rotation in progress.
        let logs =
            TrustedLogs::parse(&format!("log {}\nlog {}\n", log_key(1).verifier(), log_key(2).verifier())).unwrap();
        Fixture { _dir: dir, path, logs }
    }

    fn witness(&self) -> Witness {
        Witness::new(self.logs.clone(), cosigner(), Store::open(&self.path).unwrap())
    }
}

fn problem(r: &Reply, status: u16, code: &str) -> serde_json::Value {
    assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.content_type, "application/problem+json");
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["status"], status);
    assert_eq!(v["code"], code, "{v}");
    for f in ["type", "title", "detail"] {
        assert!(v[f].as_str().is_some_and(|s| !s.is_empty()), "{f} in {v}");
    }
    v
}

fn conflict(r: &Reply, latest: u64) {
    assert_eq!(r.status, 409, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.content_type, "text/x.tlog.size");
    assert_eq!(r.body, format!("{latest}\n").into_bytes());
}

/// A 200's body is one cosignature line by the witness, over the
/// checkpoint, that verifies.
fn cosigned(r: &Reply, t: &mut MemoryTree, size: u64) -> u64 {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.content_type, "text/plain; charset=utf-8");
    let sigs = accord_log::witness::parse_cosignatures(std::str::from_utf8(&r.body).unwrap()).unwrap();
    assert_eq!(sigs.len(), 1);
    let text = Checkpoint::new(ORIGIN, size, t.root_at(size)).to_text();
    cosigner().key().verify(&text, &sigs[0]).unwrap()
}

fn signed(t: &mut MemoryTree, size: u64, signers: &[&Signer]) -> Vec<u8> {
    let text = Checkpoint::new(ORIGIN, size, t.root_at(size)).to_text();
    let mut note = Note::new(&text).unwrap();
    for s in signers {
        note.signatures.push(s.sign(&text));
    }
    note.to_text().into_bytes()
}

#[test]
fn every_status_of_add_checkpoint() {
    let f = Fixture::new();
    let w = f.witness();
    let (k1, k2) = (log_key(1), log_key(2));
    let mut a = tree(300, 0);

    // 200 from nothing, then onwards with a proof, under either key; the
    // cosignature's timestamp is `now`.
    assert_eq!(cosigned(&w.add_checkpoint(&body(&mut a, 0, 10, &[&k1]), NOW), &mut a, 10), NOW);
    cosigned(&w.add_checkpoint(&body(&mut a, 10, 100, &[&k2]), NOW + 1), &mut a, 100);
    // The same checkpoint again: consistent with itself.
    cosigned(&w.add_checkpoint(&body(&mut a, 100, 100, &[&k1, &k2]), NOW + 2), &mut a, 100);

    // 409: an old size that is not the latest cosigned, exactly as the spec says.
    conflict(&w.add_checkpoint(&body(&mut a, 10, 200, &[&k1]), NOW), 100);
    conflict(&w.add_checkpoint(&body(&mut a, 0, 200, &[&k1]), NOW), 100);

    // 400: not a request at all; old above the checkpoint's size.
    problem(&w.add_checkpoint(b"hello", NOW), 400, "malformed");
    problem(&w.add_checkpoint(b"old 01\n\nx", NOW), 400, "malformed");
    problem(&w.add_checkpoint(b"old 1\n\nnot a note\n", NOW), 400, "malformed");
    problem(&w.add_checkpoint(&[0xff; 100], NOW), 400, "malformed");
    let old_too_large = AddCheckpoint { old: 150, proof: vec![], checkpoint: signed(&mut a, 100, &[&k1]) };
    problem(&w.add_checkpoint(&old_too_large.to_bytes(), NOW), 400, "old-too-large");

    // 403: no signature by a trusted key; a failing one beside a good one.
    let stranger = log_key(3);
    problem(&w.add_checkpoint(&body(&mut a, 100, 200, &[&stranger]), NOW), 403, "bad-signature");
    let mut note = Note::parse(&signed(&mut a, 200, &[&k1, &k2])).unwrap();
    note.signatures[0].signature[5] ^= 1;
    let proof = consistency_proof(&mut a, 100, 200).unwrap().unwrap();
    let tampered = AddCheckpoint { old: 100, proof, checkpoint: note.to_text().into_bytes() };
    problem(&w.add_checkpoint(&tampered.to_bytes(), NOW), 403, "bad-signature");

    // 404: an origin this witness does not trust.
    let other = Signer::new("other.example/log", SigningKey::from_bytes(&[1; 32])).unwrap();
    let text = Checkpoint::new("other.example/log", 1, Hash::leaf(b"x")).to_text();
    let req =
        AddCheckpoint { old: 0, proof: vec![], checkpoint: other.sign_note(&text).unwrap().to_text().into_bytes() };
    problem(&w.add_checkpoint(&req.to_bytes(), NOW), 404, "unknown-origin");

    // 422: a fork at the cosigned size; a proof that fails.
    let mut b = tree(300, 1);
    problem(&w.add_checkpoint(&body(&mut b, 100, 100, &[&k1]), NOW), 422, "bad-proof");
    problem(&w.add_checkpoint(&body(&mut b, 100, 200, &[&k1]), NOW), 422, "bad-proof");
    let mut short = AddCheckpoint::parse(&body(&mut a, 100, 200, &[&k1])).unwrap();
    short.proof.pop();
    problem(&w.add_checkpoint(&short.to_bytes(), NOW), 422, "bad-proof");

    // 413: a body over the limit, refused before it is parsed.
    let mut big = body(&mut a, 100, 200, &[&k1]);
    big.resize(MAX_REQUEST_BYTES + 1, b'\n');
    problem(&w.add_checkpoint(&big, NOW), 413, "too-large");

    // None of the refusals moved the witness.
    conflict(&w.add_checkpoint(&body(&mut a, 0, 200, &[&k1]), NOW), 100);
    assert_eq!(w.metrics().cosignatures(), 3);
    cosigned(&w.add_checkpoint(&body(&mut a, 100, 300, &[&k1]), NOW), &mut a, 300);
}

#[test]
fn the_rules_about_size_zero_and_the_store_range() {
    let f = Fixture::new();
    let w = f.witness();
    let k1 = log_key(1);
    // A proof from 0 must be empty.
    let mut a = tree(20, 0);
    let mut with_proof = AddCheckpoint::parse(&body(&mut a, 0, 5, &[&k1])).unwrap();
    with_proof.proof.push(Hash::empty());
    problem(&w.add_checkpoint(&with_proof.to_bytes(), NOW), 422, "bad-proof");
    // Size 0 takes the empty tree's root.
    let text = Checkpoint::new(ORIGIN, 0, Hash::leaf(b"x")).to_text();
    let zero = AddCheckpoint { old: 0, proof: vec![], checkpoint: k1.sign_note(&text).unwrap().to_text().into_bytes() };
    problem(&w.add_checkpoint(&zero.to_bytes(), NOW), 422, "bad-proof");
    // A size beyond what the store holds (2^63 - 1) is refused, not stored.
    let text = Checkpoint::new(ORIGIN, u64::MAX, Hash::leaf(b"x")).to_text();
    let huge = AddCheckpoint { old: 0, proof: vec![], checkpoint: k1.sign_note(&text).unwrap().to_text().into_bytes() };
    problem(&w.add_checkpoint(&huge.to_bytes(), NOW), 400, "out-of-range");
    // The empty tree is cosigned, and the witness goes on from it.
    let mut empty = MemoryTree::new();
    cosigned(&w.add_checkpoint(&body(&mut empty, 0, 0, &[&k1]), NOW), &mut empty, 0);
    cosigned(&w.add_checkpoint(&body(&mut a, 0, 5, &[&k1]), NOW), &mut a, 5);
    conflict(&w.add_checkpoint(&body(&mut a, 0, 6, &[&k1]), NOW), 5);
}

#[test]
fn the_monitoring_checkpoint_carries_the_log_signatures_and_the_cosignature() {
    let f = Fixture::new();
    let w = f.witness();
    let (k1, stranger) = (log_key(1), log_key(3));
    let hash = OriginHash::of(ORIGIN).to_hex();
    problem(&w.checkpoint(&hash), 404, "not-found");
    problem(&w.checkpoint("not-a-hash"), 404, "not-found");
    problem(&w.checkpoint(&hash.to_uppercase()), 404, "not-found");
    let mut a = tree(50, 0);
    let r = w.add_checkpoint(&body(&mut a, 0, 50, &[&stranger, &k1]), NOW);
    cosigned(&r, &mut a, 50);
    let got = w.checkpoint(&hash);
    assert_eq!(got.status, 200);
    assert_eq!(got.content_type, "text/plain; charset=utf-8");
    let note = Note::parse(&got.body).unwrap();
    let cp = Checkpoint::parse_text(note.text()).unwrap();
    assert_eq!((cp.size, cp.root), (50, a.root_at(50)));
    note.verify(k1.verifier()).unwrap();
    // The stranger's line is not kept; the cosignature is the one answered.
    assert_eq!(note.signatures.len(), 2);
    assert!(note.verify(stranger.verifier()).is_err());
    assert_eq!(note.signatures[1].to_line().into_bytes(), r.body);
    cosigner().key().verify(note.text(), &note.signatures[1]).unwrap();
}

#[test]
fn a_restart_keeps_the_state() {
    let f = Fixture::new();
    let k1 = log_key(1);
    let mut a = tree(100, 0);
    {
        let w = f.witness();
        cosigned(&w.add_checkpoint(&body(&mut a, 0, 40, &[&k1]), NOW), &mut a, 40);
        cosigned(&w.add_checkpoint(&body(&mut a, 40, 60, &[&k1]), NOW), &mut a, 60);
    }
    let w = f.witness();
    conflict(&w.add_checkpoint(&body(&mut a, 0, 80, &[&k1]), NOW), 60);
    conflict(&w.add_checkpoint(&body(&mut a, 40, 80, &[&k1]), NOW), 60);
    assert_eq!(w.checkpoint(&OriginHash::of(ORIGIN).to_hex()).status, 200);
    cosigned(&w.add_checkpoint(&body(&mut a, 60, 80, &[&k1]), NOW), &mut a, 80);
}

#[test]
fn a_failing_store_answers_503() {
    let f = Fixture::new();
    let w = f.witness();
    let k1 = log_key(1);
    let mut a = tree(10, 0);
    cosigned(&w.add_checkpoint(&body(&mut a, 0, 5, &[&k1]), NOW), &mut a, 5);
    rusqlite::Connection::open(&f.path).unwrap().execute_batch("DROP TABLE cosigned;").unwrap();
    problem(&w.add_checkpoint(&body(&mut a, 5, 10, &[&k1]), NOW), 503, "unavailable");
    problem(&w.checkpoint(&OriginHash::of(ORIGIN).to_hex()), 503, "unavailable");
    // Refusals that need no state are still answered as they are.
    problem(&w.add_checkpoint(b"x", NOW), 400, "malformed");
}

/// Threads submit different extensions from the same old size, round
/// after round: exactly one is cosigned, every other is told its size.
#[test]
fn concurrent_submissions_from_one_size_cosign_once() {
    let f = Fixture::new();
    let w = Arc::new(f.witness());
    let k1 = Arc::new(log_key(1));
    let threads = 6u64;
    let rounds = 40u64;
    let a = Arc::new(tree(rounds * threads + 1, 0));
    let mut old = 0;
    for round in 0..rounds {
        let barrier = Arc::new(std::sync::Barrier::new(threads as usize));
        let handles: Vec<_> = (1..=threads)
            .map(|t| {
                let (w, k1, a, barrier) = (w.clone(), k1.clone(), a.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let mut a = (*a).clone();
                    let size = round * threads + t;
                    let req = body(&mut a, old, size, &[&k1]);
                    barrier.wait();
                    (size, w.add_checkpoint(&req, NOW))
                })
            })
            .collect();
        let answers: Vec<(u64, Reply)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let won: Vec<u64> = answers.iter().filter(|(_, r)| r.status == 200).map(|(s, _)| *s).collect();
        assert_eq!(won.len(), 1, "round {round}: {answers:?}");
        for (_, r) in answers.iter().filter(|(_, r)| r.status != 200) {
            conflict(r, won[0]);
        }
        old = won[0];
    }
}

#[tokio::test]
async fn the_router_answers_every_method_and_path() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;
    let f = Fixture::new();
    let w = Arc::new(f.witness());
    let app = router(w.clone());
    let call = |req: Request<Body>| {
        let app = app.clone();
        async move {
            let resp = app.oneshot(req).await.unwrap();
            let status = resp.status().as_u16();
            let ct = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
            let allow = resp.headers().get("allow").map(|v| v.to_str().unwrap().to_string());
            let body = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap().to_vec();
            (status, ct, allow, body)
        }
    };
    let k1 = log_key(1);
    let mut a = tree(10, 0);
    let post = |b: Vec<u8>| Request::post("/add-checkpoint").body(Body::from(b)).unwrap();
    let (s, ct, _, b) = call(post(body(&mut a, 0, 10, &[&k1]))).await;
    assert_eq!((s, ct.as_str()), (200, "text/plain; charset=utf-8"));
    assert!(b.starts_with("\u{2014} witness.example/w1 ".as_bytes()));
    let (s, ct, _, b) = call(post(body(&mut a, 0, 10, &[&k1]))).await;
    assert_eq!((s, ct.as_str(), b.as_slice()), (409, "text/x.tlog.size", b"10\n".as_slice()));
    // 413 whether the length is declared or not.
    let (s, ct, ..) = call(post(vec![b'x'; MAX_REQUEST_BYTES + 1])).await;
    assert_eq!((s, ct.as_str()), (413, "application/problem+json"));
    let chunks = futures_stream(MAX_REQUEST_BYTES + 10);
    let (s, ..) = call(Request::post("/add-checkpoint").body(chunks).unwrap()).await;
    assert_eq!(s, 413);
    let huge = Request::post("/add-checkpoint").header("content-length", "2000000").body(Body::from("x")).unwrap();
    assert_eq!(call(huge).await.0, 413);
    // 405 with Allow.
    let (s, ct, allow, _) = call(Request::get("/add-checkpoint").body(Body::empty()).unwrap()).await;
    assert_eq!((s, ct.as_str(), allow.as_deref()), (405, "application/problem+json", Some("POST")));
    let hash = OriginHash::of(ORIGIN).to_hex();
    let (s, _, allow, _) = call(Request::post(format!("/{hash}/checkpoint")).body(Body::empty()).unwrap()).await;
    assert_eq!((s, allow.as_deref()), (405, Some("GET, HEAD")));
    // The monitoring read, a 404 and the metrics.
    let (s, ct, _, b) = call(Request::get(format!("/{hash}/checkpoint")).body(Body::empty()).unwrap()).await;
    assert_eq!((s, ct.as_str()), (200, "text/plain; charset=utf-8"));
    assert!(Note::parse(&b).is_ok());
    let (s, ct, ..) = call(Request::get(format!("/{}/checkpoint", "0".repeat(64))).body(Body::empty()).unwrap()).await;
    assert_eq!((s, ct.as_str()), (404, "application/problem+json"));
    let (s, ct, ..) = call(Request::get("/nothing/here").body(Body::empty()).unwrap()).await;
    assert_eq!((s, ct.as_str()), (404, "application/problem+json"));
    let (s, _, _, b) = call(Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(s, 200);
    let text = String::from_utf8(b).unwrap();
    for line in [
        "accord_witness_requests_total{endpoint=\"add-checkpoint\",status=\"200\"} 1",
        "accord_witness_requests_total{endpoint=\"add-checkpoint\",status=\"409\"} 1",
        "accord_witness_requests_total{endpoint=\"add-checkpoint\",status=\"413\"} 3",
        "accord_witness_requests_total{endpoint=\"add-checkpoint\",status=\"405\"} 1",
        "accord_witness_requests_total{endpoint=\"checkpoint\",status=\"200\"} 1",
        "accord_witness_cosignatures_total 1",
        "accord_witness_store_advance_seconds_count 1",
        "accord_witness_trusted_origins 1",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} not in\n{text}");
    }
}

/// A body of `n` bytes sent in chunks, with no length declared.
fn futures_stream(n: usize) -> axum::body::Body {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..n.div_ceil(4096)).map(|_| Ok(vec![b'x'; 4096])).collect();
    axum::body::Body::from_stream(futures_util::stream::iter(chunks))
}
