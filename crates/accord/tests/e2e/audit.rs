//! `accord audit` against a real node: passes on an honest log, and fails
//! (exit 1, with a message naming the fault) on a tampered tile, a
//! tampered entry, a forged signature and a rewritten history.

use crate::common::*;
use accord_core::KeyFile;
use accord_log::merkle::{MemoryTree, TILE_HEIGHT};
use accord_log::{Checkpoint, Hash};
use serde_json::json;
use std::path::Path;

fn audit(server: &Server, state: &Path, log_key: Option<&str>) -> (i32, String, String) {
    let mut cmd = accord();
    cmd.args(["audit", &server.url, "--state"]).arg(state);
    if let Some(k) = log_key {
        cmd.args(["--log-key", k]);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fill(body: &mut Body, server: &Server, n: usize) {
    for i in 0..n {
        let k = i % body.members.len();
        let note = body.members[k].sign("note.publish", json!({ "text": format!("entry {i}") }));
        assert_eq!(server.post_statement(&note).status().as_u16(), 201);
    }
}

fn db(body: &Body) -> rusqlite::Connection {
    rusqlite::Connection::open(body.data().join("accord.db")).unwrap()
}

/// What a dishonest operator with the log key can do: replace the stored
/// entries, recompute every hash and sign a new checkpoint.
fn rewrite_log(body: &Body, edit: impl FnOnce(&mut Vec<Vec<u8>>)) {
    let c = db(body);
    let mut entries: Vec<Vec<u8>> = c
        .prepare("SELECT data FROM entries ORDER BY idx")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    edit(&mut entries);
    let mut tree = MemoryTree::new();
    c.execute_batch("DELETE FROM entries; DELETE FROM nodes; DELETE FROM checkpoints;").unwrap();
    for (i, e) in entries.iter().enumerate() {
        let leaf = Hash::leaf(e);
        tree.push(leaf);
        c.execute(
            "INSERT INTO entries (idx, data, leaf) VALUES (?1, ?2, ?3)",
            rusqlite::params![i as i64, e, &leaf.0[..]],
        )
        .unwrap();
    }
    for level in (TILE_HEIGHT..64).step_by(TILE_HEIGHT as usize) {
        for (i, h) in tree.level(level).iter().enumerate() {
            c.execute(
                "INSERT INTO nodes (level, idx, hash) VALUES (?1, ?2, ?3)",
                rusqlite::params![level, i as i64, &h.0[..]],
            )
            .unwrap();
        }
    }
    let log_key = KeyFile::parse(&std::fs::read_to_string(body.data().join("keys/log.key")).unwrap()).unwrap();
    let size = entries.len() as u64;
    let note = Checkpoint::new(ORIGIN, size, tree.root_at(size)).sign(&log_key.signer).unwrap().to_text();
    c.execute("INSERT INTO checkpoints (size, note) VALUES (?1, ?2)", rusqlite::params![size as i64, note]).unwrap();
    drop(c);
    let out = accord().args(["rebuild", "--data"]).arg(body.data()).output().unwrap();
    assert!(out.status.success());
}

#[test]
fn an_honest_log_passes_and_is_remembered() {
    let mut body = Body::found(3);
    let server = body.serve();
    fill(&mut body, &server, 300);
    server.wait_checkpoint(301);
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("audit.json");
    // First use without a pinned key: trusted on first use, said loudly.
    let (code, out, err) = audit(&server, &state, None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("trusting on first use"), "{err}");
    assert!(out.contains("entries:     301"), "{out}");
    assert!(out.contains("members:     3"), "{out}");
    let remembered: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(remembered["log_key"], body.log_vkey);
    assert_eq!(remembered["size"], 301);
    fill(&mut body, &server, 20);
    server.wait_checkpoint(321);
    let (code, out, err) = audit(&server, &state, Some(&body.log_vkey));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("with the checkpoint of size 301 verified before"), "{out}");
    // A different pinned key is refused against the remembered one.
    let other = Body::found(1);
    let (code, _, err) = audit(&server, &state, Some(&other.log_vkey));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("must never change"), "{err}");
}

#[test]
fn a_tampered_hash_tile_fails() {
    let mut body = Body::found(2);
    let mut server = body.serve();
    fill(&mut body, &server, 40);
    server.wait_checkpoint(41);
    server.stop();
    db(&body).execute("UPDATE entries SET leaf = zeroblob(32) WHERE idx = 7", []).unwrap();
    let server = body.serve();
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = audit(&server, &dir.path().join("a.json"), Some(&body.log_vkey));
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("tile/0/000.p/41") && err.contains("tampered tile"), "{err}");
}

#[test]
fn a_tampered_entry_fails() {
    let mut body = Body::found(2);
    let mut server = body.serve();
    fill(&mut body, &server, 40);
    server.wait_checkpoint(41);
    server.stop();
    // Change the text of entry 5 in place ("entry 4" → "entry 9").
    let c = db(&body);
    let data: Vec<u8> = c.query_row("SELECT data FROM entries WHERE idx = 5", [], |r| r.get(0)).unwrap();
    let text = String::from_utf8(data).unwrap().replace("\"entry 4\"", "\"entry 9\"");
    c.execute("UPDATE entries SET data = ?1 WHERE idx = 5", [text.as_bytes()]).unwrap();
    drop(c);
    let server = body.serve();
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = audit(&server, &dir.path().join("a.json"), Some(&body.log_vkey));
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("entry 5: the signature does not verify") || err.contains("do not hash"), "{err}");
}

#[test]
fn a_forged_signature_fails_even_with_a_valid_tree() {
    let mut body = Body::found(2);
    let mut server = body.serve();
    fill(&mut body, &server, 10);
    server.wait_checkpoint(11);
    server.stop();
    // The operator rewrites entry 3's text and re-signs the tree: the tree
    // and checkpoint are valid, the member's signature is not.
    rewrite_log(&body, |es| {
        let t = String::from_utf8(es[3].clone()).unwrap().replace("\"entry 2\"", "\"entry X\"");
        es[3] = t.into_bytes();
    });
    let server = body.serve();
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = audit(&server, &dir.path().join("a.json"), Some(&body.log_vkey));
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("entry 3: the signature does not verify"), "{err}");
}

#[test]
fn a_rewritten_history_is_a_fork() {
    let mut body = Body::found(2);
    let mut server = body.serve();
    fill(&mut body, &server, 20);
    server.wait_checkpoint(21);
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("a.json");
    let (code, out, err) = audit(&server, &state, Some(&body.log_vkey));
    assert_eq!(code, 0, "{out}{err}");
    server.stop();
    // Drop the last five entries, then let members sign other statements:
    // every signature valid, every checkpoint signed, history different.
    rewrite_log(&body, |es| es.truncate(16));
    let server = body.serve();
    for m in body.members.iter_mut() {
        let last: serde_json::Value = server.get(&format!("/api/v1/members/{}", m.id)).json().unwrap();
        m.seq = last["last_seq"].as_u64().unwrap();
    }
    fill(&mut body, &server, 10);
    server.wait_checkpoint(26);
    // A fresh auditor finds nothing wrong with this history on its own...
    let (code, out, err) = audit(&server, &dir.path().join("fresh.json"), Some(&body.log_vkey));
    assert_eq!(code, 0, "{out}{err}");
    // ...but the auditor that saw the earlier checkpoint detects the fork.
    let (code, out, err) = audit(&server, &state, Some(&body.log_vkey));
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("fork"), "{err}");
}

/// `accord audit` through a proxy that rewrites what the node serves;
/// returns (exit code, stderr) and how long it took.
fn audit_through(server: &Server, body: &Body, doctor: Rewrite, extra: &[&str]) -> (i32, String, std::time::Duration) {
    let proxy = Proxy::start(&server.url, doctor);
    let state = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let out = accord()
        .args(["audit", &proxy.url, "--log-key", &body.log_vkey, "--state"])
        .arg(state.path().join("s.json"))
        .args(extra)
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned(), started.elapsed())
}

/// A hostile node: a validly signed checkpoint of size 2^40, a bundle far
/// larger than any bundle can be, a truncated one, and one that never
/// comes. The auditor fails cleanly each time (exit 1 or 2, a message; no
/// abort, no out-of-memory), within bounded time.
#[test]
fn the_auditor_survives_a_hostile_node() {
    let mut body = Body::found(2);
    let server = body.serve();
    fill(&mut body, &server, 10);
    server.wait_checkpoint(11);
    let log_key = KeyFile::parse(&std::fs::read_to_string(body.data().join("keys/log.key")).unwrap()).unwrap();

    // 2^40 entries, validly signed.
    let huge = Checkpoint::new(ORIGIN, 1 << 40, Hash::leaf(b"x")).sign(&log_key.signer).unwrap().to_text();
    let (code, err, took) = audit_through(
        &server,
        &body,
        rewrite(move |path, b| if path == "/log/checkpoint" { huge.clone().into_bytes() } else { b }),
        &[],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("claims 1099511627776 entries, more than --max-entries"), "{err}");
    assert!(took < std::time::Duration::from_secs(10), "{took:?}");

    // A bundle of 20 MB: more than 256 entries of 65,535 bytes can be.
    let (code, err, _) = audit_through(
        &server,
        &body,
        rewrite(|path, b| if path.starts_with("/log/tile/entries/") { vec![0u8; 20 << 20] } else { b }),
        &[],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("the most it may be") || err.contains("at most"), "{err}");

    // A truncated bundle.
    let (code, err, _) = audit_through(
        &server,
        &body,
        rewrite(|path, mut b| {
            if path.starts_with("/log/tile/entries/") {
                b.truncate(b.len() / 2);
            }
            b
        }),
        &[],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("tile/entries/000"), "{err}");

    // A hash tile that never comes: the request times out.
    let (code, err, took) = audit_through(
        &server,
        &body,
        rewrite(|path, b| {
            if path.starts_with("/log/tile/0/") {
                std::thread::sleep(std::time::Duration::from_secs(4));
            }
            b
        }),
        &["--timeout", "1"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("could not complete"), "{err}");
    assert!(took < std::time::Duration::from_secs(10), "{took:?}");
}
