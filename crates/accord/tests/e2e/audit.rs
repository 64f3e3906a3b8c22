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
    // The node itself refuses a store whose hashes no longer give the
    // root it published…
    db(&body).execute("UPDATE entries SET leaf = zeroblob(32) WHERE idx = 7", []).unwrap();
    let out = accord().args(["serve", "--listen", "127.0.0.1:0", "--data"]).arg(body.data()).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("the log was rewritten"));
    db(&body).execute("DELETE FROM nodes", []).unwrap();
    // …and a node that serves a tampered tile is caught by the auditor.
    let fresh = {
        let mut b = Body::found(2);
        let s = b.serve();
        fill(&mut b, &s, 40);
        s.wait_checkpoint(41);
        (b, s)
    };
    let (b, s) = &fresh;
    let proxy = Proxy::start(
        &s.url,
        rewrite(|path, mut bytes| {
            if path == "/log/tile/0/000.p/41" {
                bytes[7 * 32] ^= 1;
            }
            bytes
        }),
    );
    let dir = tempfile::tempdir().unwrap();
    let out = accord()
        .args(["audit", &proxy.url, "--log-key", &b.log_vkey, "--state"])
        .arg(dir.path().join("a.json"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
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
fn audit_through(
    server: &Server,
    log_vkey: &str,
    doctor: Rewrite,
    extra: &[&str],
) -> (i32, String, std::time::Duration) {
    let proxy = Proxy::start(&server.url, doctor);
    let state = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let out = accord()
        .args(["audit", &proxy.url, "--log-key", log_vkey, "--state"])
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
        &body.log_vkey,
        rewrite(move |path, b| if path == "/log/checkpoint" { huge.clone().into_bytes() } else { b }),
        &[],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("claims 1099511627776 entries, more than --max-entries"), "{err}");
    assert!(took < std::time::Duration::from_secs(10), "{took:?}");

    // A bundle of 20 MB: more than 256 entries of 65,535 bytes can be.
    let (code, err, _) = audit_through(
        &server,
        &body.log_vkey,
        rewrite(|path, b| if path.starts_with("/log/tile/entries/") { vec![0u8; 20 << 20] } else { b }),
        &[],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("the most it may be") || err.contains("at most"), "{err}");

    // A truncated bundle.
    let (code, err, _) = audit_through(
        &server,
        &body.log_vkey,
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
        &body.log_vkey,
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

/// One tamper case: which answer the proxy changes, how, and what the
/// audit must then name.
type Tamper = (&'static str, fn(&mut serde_json::Value), &'static str);

fn find<'a>(v: &'a mut serde_json::Value, list: &str, key: &str, id: &str) -> &'a mut serde_json::Value {
    v[list].as_array_mut().unwrap().iter_mut().find(|x| x[key] == id).unwrap()
}

/// Everything the read API publishes is compared: for each family of
/// fields, a proxy that changes only that field in what the node serves
/// makes `accord audit` fail, naming it — also while other members keep
/// appending (each answer is compared at the log size it reflects).
#[test]
fn every_published_field_is_compared_even_while_the_node_appends() {
    let mut body = Body::found_with(3, LOAD_RULES);
    let server = body.serve();
    let closes = accord_core::Timestamp(now().0 + 3_600_000).to_rfc3339();
    let m = &mut body.members;
    let submit = m[0].sign(
        "proposal.submit",
        json!({ "id": "p", "title": "Title", "text": "The text.", "question": "ordinary",
                "procedure": "vote", "closes": closes }),
    );
    assert_eq!(server.post_statement(&submit).status().as_u16(), 201);
    for (i, v) in ["yes", "no"].iter().enumerate() {
        let vote =
            m[i + 1].sign("vote.cast", json!({ "proposal": "p", "vote": v, "explanation": format!("Because {i}.") }));
        assert_eq!(server.post_statement(&vote).status().as_u16(), 201);
    }
    let note = m[2].sign("note.publish", json!({ "text": "A note." }));
    assert_eq!(server.post_statement(&note).status().as_u16(), 201);
    // A decision, and a document of the Code that M001 subscribes to.
    crate::code::establish(&server, &mut body, crate::code::iccis());
    let m = &mut body.members;
    crate::code::appended(&server, &mut m[1], "code.subscribe", json!({ "document": "ICCIS", "version": 1 }));
    server.wait_checkpoint(5);
    let log_vkey = body.log_vkey.clone();
    let m = &mut body.members;

    let cases: Vec<(&str, Tamper)> = vec![
        (
            "/api/v1/members",
            (
                "member name",
                |v| find(v, "members", "id", "M001")["name"] = json!("Other"),
                "member M001: the node publishes name",
            ),
        ),
        (
            "/api/v1/members",
            (
                "member admission",
                |v| find(v, "members", "id", "M001")["since"] = json!(3),
                "member M001: the node publishes since",
            ),
        ),
        (
            "/api/v1/members",
            (
                "suspension",
                |v| find(v, "members", "id", "M001")["suspended"] = json!(true),
                "member M001: the node publishes suspended",
            ),
        ),
        (
            "/api/v1/members",
            (
                "key change",
                |v| find(v, "members", "id", "M001")["key_since"] = json!(2),
                "member M001: the node publishes key_since",
            ),
        ),
        ("/api/v1/body", ("the rules", |v| v["rules"]["quorum"] = json!("none"), "the node publishes rules")),
        (
            "/api/v1/members",
            (
                "a member's name in a language",
                |v| find(v, "members", "id", "M001")["names"] = json!({"fr": "Autre"}),
                "member M001: the node publishes names",
            ),
        ),
        (
            "/api/v1/body",
            (
                "the body's name in a language",
                |v| v["names"] = json!({"ar": "أخرى"}),
                "the body: the node publishes names",
            ),
        ),
        (
            "/api/v1/proposals/p",
            (
                "two votes swapped",
                |v| {
                    let votes = v["votes"].as_array_mut().unwrap();
                    let (a, b) = (votes[0]["member"].clone(), votes[1]["member"].clone());
                    votes[0]["member"] = b;
                    votes[1]["member"] = a;
                },
                "proposal p: the node publishes votes",
            ),
        ),
        (
            "/api/v1/proposals/p",
            (
                "an explanation",
                |v| v["votes"][0]["explanation"] = json!("Other."),
                "proposal p: the node publishes votes",
            ),
        ),
        (
            "/api/v1/proposals/p",
            ("the text", |v| v["text"] = json!("Another text."), "proposal p: the node publishes text"),
        ),
        (
            "/api/v1/proposals/p",
            ("the title", |v| v["title"] = json!("Another"), "proposal p: the node publishes title"),
        ),
        (
            "/api/v1/proposals/p",
            ("the entries", |v| v["entries"] = json!([1]), "proposal p: the node publishes entries"),
        ),
        (
            "/api/v1/proposals/p",
            ("an extra field", |v| v["note"] = json!("x"), "a field note the replay does not have"),
        ),
        (
            "/api/v1/proposals?limit=1000",
            (
                "a tally in the list",
                |v| find(v, "proposals", "id", "p")["tally"]["yes"] = json!(2),
                "proposal p (in /api/v1/proposals?limit=1000): the node publishes tally",
            ),
        ),
        (
            "/api/v1/proposals?limit=1000&order=newest&status=open,voting",
            (
                "a title in the open ballots (the home page, the desk)",
                |v| find(v, "proposals", "id", "p")["title"] = json!("Another"),
                "proposal p (in /api/v1/proposals?limit=1000&order=newest&status=open,voting): the node publishes \
                 title",
            ),
        ),
        (
            "/api/v1/proposals?limit=1000&order=newest",
            (
                "how many proposals there are",
                |v| v["total"] = json!(7),
                "/api/v1/proposals?limit=1000&order=newest: the node publishes total 7",
            ),
        ),
        (
            "/api/v1/proposals?limit=1000&order=newest&status=adopted,rejected,failed-quorum",
            (
                "a decision left out of the decided filter",
                |v| v["proposals"] = json!([]),
                "the node lists 0 rows, the replay 1",
            ),
        ),
        (
            "/api/v1/proposals?limit=1000&order=newest",
            (
                "the order of the list",
                |v| v["proposals"].as_array_mut().unwrap().reverse(),
                "order=newest: row 0 is \"p\", the replay says establish-iccis",
            ),
        ),
        (
            "/api/v1/decisions?limit=100",
            (
                "a latest decision",
                |v| v["decisions"][0]["status"] = json!("rejected"),
                "proposal establish-iccis (in /api/v1/decisions?limit=100): the node publishes status",
            ),
        ),
        (
            "/api/v1/members/M001/subscriptions",
            (
                "a member's subscription",
                |v| v["subscriptions"][0]["version"] = json!(2),
                "member M001: the node publishes subscriptions",
            ),
        ),
        (
            "/api/v1/notes?limit=500",
            ("a note", |v| v["notes"][0]["text"] = json!("Other."), "notes: the node publishes notes (page"),
        ),
        (
            "/api/v1/members/M001/votes?limit=500",
            ("a member's vote", |v| v["votes"][0]["vote"] = json!("no"), "member M001: the node publishes votes"),
        ),
        (
            "/api/v1/members/M002/statements?limit=500",
            (
                "a member's statements",
                |v| {
                    v["statements"].as_array_mut().unwrap().pop();
                },
                "member M002: the node publishes statements",
            ),
        ),
        // The first entry is always among those sampled.
        (
            "/api/v1/entries/0",
            (
                "an entry's member",
                |v| v["statement"]["member"] = json!("M001"),
                "entry 0: the node publishes statement",
            ),
        ),
        (
            "/api/v1/entries/0",
            (
                "an entry's body",
                |v| v["statement"]["body"]["name"] = json!("Another body"),
                "entry 0: the node publishes statement",
            ),
        ),
        (
            "/api/v1/entries/0",
            (
                "an entry's signer",
                |v| v["signature"]["key_id"] = json!("00000000"),
                "entry 0: the node publishes signature",
            ),
        ),
        ("/api/v1/entries/0", ("an entry's time", |v| v["time"] = json!("1"), "entry 0: the node publishes time")),
        (
            "/api/v1/entries/0",
            ("an entry's leaf hash", |v| v["leaf_hash"] = json!("AAAA"), "entry 0: the node publishes leaf_hash"),
        ),
        (
            "/api/v1/entries/0",
            (
                "an entry's text",
                |v| v["entry"] = json!(v["entry"].as_str().unwrap().replacen("genesis", "genesiz", 1)),
                "entry 0: the node publishes an entry text that is not the entry in the log",
            ),
        ),
        (
            "/api/v1/entries/0",
            (
                "an entry's inclusion proof",
                |v| v["inclusion"][0] = v["inclusion"][1].clone(),
                "entry 0: the node publishes inclusion",
            ),
        ),
        (
            "/api/v1/entries/0",
            (
                "an entry's proof text",
                |v| v["proof"] = json!(v["proof"].as_str().unwrap().replacen("index 0", "index 1", 1)),
                "entry 0: the node publishes proof",
            ),
        ),
        (
            "/api/v1/entries/0",
            (
                "an entry's checkpoint",
                |v| v["checkpoint"]["root"] = json!("AAAA"),
                "entry 0: the node publishes checkpoint",
            ),
        ),
        (
            "/api/v1/entries/0",
            (
                "an entry's checkpoint note",
                |v| v["checkpoint"]["note"] = json!(v["checkpoint"]["note"].as_str().unwrap().replacen('\n', "\n1", 1)),
                "entry 0: the proof's checkpoint does not verify against the log key",
            ),
        ),
    ];
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for appending in [false, true] {
        // While other members keep appending (M000 writes notes meanwhile).
        let writer = appending.then(|| {
            let (url, stop) = (server.url.clone(), stop.clone());
            let mut m0 =
                Member { id: m[0].id.clone(), key: m[0].key.clone(), key_path: m[0].key_path.clone(), seq: m[0].seq };
            m[0].seq += 1_000_000;
            std::thread::spawn(move || {
                let http = client();
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    let note = m0.sign("note.publish", json!({ "text": "meanwhile" }));
                    assert_eq!(post_note(&http, &url, note).status().as_u16(), 201);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
            })
        });
        // The honest node passes.
        let (code, err, _) = audit_through(&server, &log_vkey, rewrite(|_, b| b), &[]);
        assert_eq!(code, 0, "honest (appending: {appending}): {err}");
        for (target, (what, f, expect)) in &cases {
            let (target, f) = (target.to_string(), *f);
            let doctor = rewrite(move |path, b| {
                if path != target {
                    return b;
                }
                let mut v: serde_json::Value = serde_json::from_slice(&b).unwrap();
                f(&mut v);
                serde_json::to_vec(&v).unwrap()
            });
            let (code, err, _) = audit_through(&server, &log_vkey, doctor, &[]);
            assert_eq!(code, 1, "{what} (appending: {appending}) passed: {err}");
            assert!(err.contains(expect), "{what} (appending: {appending}): {err}");
        }
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(w) = writer {
            w.join().unwrap();
        }
        stop.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}
