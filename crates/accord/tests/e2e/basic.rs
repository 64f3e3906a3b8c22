//! A body's life over HTTP: founded with the CLI, written, read back with
//! proofs, rotated keys, projections rebuilt identically, restarted.

use crate::common::*;
use accord_log::merkle::{verify_consistency, verify_inclusion};
use accord_log::proof::TlogProof;
use accord_log::{Checkpoint, Hash, VerifierKey};
use serde_json::json;

#[test]
fn statements_are_appended_proved_and_survive_restart() {
    let mut body = Body::found(3);
    let server = body.serve();
    let log_key = VerifierKey::parse(&body.log_vkey).unwrap();

    // The home page names the body and counts its members.
    let home = server.get("/");
    assert_eq!(home.headers()["content-type"], "text/html; charset=utf-8");
    let home = home.text().unwrap();
    assert!(
        home.contains("<html lang=\"en\" dir=\"ltr\"") && home.contains("<h1><bdi>End-to-end test body</bdi></h1>"),
        "{home}"
    );
    assert!(home.contains("3 member states"), "{home}");

    // Genesis is entry 0 and already checkpointed.
    let cp0 = server.wait_checkpoint(1);
    let (cp0, _) = Checkpoint::open(cp0.as_bytes(), &log_key).unwrap();
    assert_eq!(cp0.size, 1);

    let mut acks = Vec::new();
    for i in 0..10 {
        let who = i % 3;
        let note = body.members[who].sign("note.publish", json!({ "text": format!("note {i} — نص — 文本") }));
        let r = server.post_statement(&note);
        assert_eq!(r.status().as_u16(), 201);
        assert_eq!(r.headers()["location"], format!("/api/v1/entries/{}", i + 1));
        let v: serde_json::Value = r.json().unwrap();
        assert_eq!(v["index"], i + 1);
        acks.push((v["index"].as_u64().unwrap(), v["leaf_hash"].as_str().unwrap().to_string(), note));
    }
    let cp_text = server.wait_checkpoint(11);
    let (cp, _) = Checkpoint::open(cp_text.as_bytes(), &log_key).unwrap();
    assert_eq!(cp.size, 11);

    // Every entry: its bytes wrap the exact note, and its proof verifies.
    for (index, leaf, note) in &acks {
        let v: serde_json::Value = server.get(&format!("/api/v1/entries/{index}")).json().unwrap();
        let entry = v["entry"].as_str().unwrap();
        assert!(entry.starts_with("accord/entry/v1\ntime "));
        assert!(entry.ends_with(note.as_str()), "entry {index} does not carry the exact note");
        assert_eq!(Hash::leaf(entry.as_bytes()).to_base64(), *leaf);
        let proof = TlogProof::parse(v["proof"].as_str().unwrap()).unwrap();
        assert_eq!(proof.index, *index);
        let (pcp, _) = Checkpoint::open(proof.checkpoint.as_bytes(), &log_key).unwrap();
        verify_inclusion(&Hash::from_base64(leaf).unwrap(), *index, pcp.size, &proof.hashes, &pcp.root).unwrap();
    }

    // Consistency between the two checkpoints.
    let v: serde_json::Value = server.get("/api/v1/log/consistency?from=1&to=11").json().unwrap();
    let proof: Vec<Hash> =
        v["proof"].as_array().unwrap().iter().map(|h| Hash::from_base64(h.as_str().unwrap()).unwrap()).collect();
    verify_consistency(1, 11, &proof, &cp0.root, &cp.root).unwrap();

    // Projections: members' seqs and notes.
    let m: serde_json::Value = server.get("/api/v1/members/M000").json().unwrap();
    assert_eq!(m["last_seq"], 4);
    let notes: serde_json::Value = server.get("/api/v1/notes?limit=3").json().unwrap();
    assert_eq!(notes["notes"].as_array().unwrap().len(), 3);
    assert_eq!(notes["notes"][0]["index"], 10);
    assert_eq!(notes["notes"][0]["text"], "note 9 — نص — 文本");

    // Key rotation: the old key stops working, the new one works.
    let new_key_path = body.dir.path().join("M001-new.key");
    let out =
        accord().args(["keygen", "--origin", ORIGIN, "--member", "M001", "--out"]).arg(&new_key_path).output().unwrap();
    let new_vkey = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let rotate = body.members[1].sign("member.key.rotate", json!({ "vkey": new_vkey }));
    assert_eq!(server.post_statement(&rotate).status().as_u16(), 201);
    let stale = body.members[1].sign("note.publish", json!({ "text": "old key" }));
    assert_problem(server.post_statement(&stale), 403, "bad-signature");
    body.members[1].key = accord_core::KeyFile::parse(&std::fs::read_to_string(&new_key_path).unwrap()).unwrap();
    let fresh = body.members[1].sign("note.publish", json!({ "text": "new key" }));
    assert_eq!(server.post_statement(&fresh).status().as_u16(), 201);
    let m: serde_json::Value = server.get("/api/v1/members/M001").json().unwrap();
    assert_eq!(m["vkey"], new_vkey);

    // The CLI's submit finds the next seq by itself.
    let out = accord()
        .args([
            "submit",
            "--server",
            &server.url,
            "--type",
            "note.publish",
            "--body",
            r#"{"text":"via the CLI"}"#,
            "--key",
        ])
        .arg(&body.members[2].key_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["index"], 13);
    let metrics = server.get("/metrics").text().unwrap();
    assert!(metrics.contains("accord_statements_accepted_total 13"), "{metrics}");

    // Restart: everything is still there, and new statements continue.
    let mut server = server;
    server.stop();
    let server = body.serve();
    server.wait_checkpoint(14);
    let m: serde_json::Value = server.get("/api/v1/members/M002").json().unwrap();
    assert_eq!(m["last_seq"], 4);
    body.members[0].seq = 4;
    let note = body.members[0].sign("note.publish", json!({ "text": "after restart" }));
    let v: serde_json::Value = server.post_statement(&note).json().unwrap();
    assert_eq!(v["index"], 14);
}

#[test]
fn rebuild_gives_identical_projections() {
    let mut body = Body::found(4);
    let mut server = body.serve();
    for i in 0..40 {
        let note = body.members[i % 4].sign("note.publish", json!({ "text": format!("n{i}") }));
        assert_eq!(server.post_statement(&note).status().as_u16(), 201);
    }
    server.stop();
    let out = accord().args(["rebuild", "--data"]).arg(body.data()).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("entries replayed: 41"), "{text}");
    assert!(text.contains("projections identical"), "{text}");
    let digest =
        |t: &str, k: &str| t.lines().find(|l| l.starts_with(k)).unwrap().split_whitespace().last().unwrap().to_string();
    assert_eq!(digest(&text, "projections before"), digest(&text, "projections after"));
    // And a second rebuild from the rebuilt projections gives the same digest.
    let out2 = accord().args(["rebuild", "--data"]).arg(body.data()).output().unwrap();
    let text2 = String::from_utf8(out2.stdout).unwrap();
    assert_eq!(digest(&text, "projections after"), digest(&text2, "projections after"));
}

#[test]
fn init_refuses_a_bad_members_file_and_an_existing_body() {
    let body = Body::found(1);
    let out = accord()
        .args(["init", "--data"])
        .arg(body.data())
        .arg("--members")
        .arg(body.dir.path().join("members.toml"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    let bad = body.dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "origin = \"x/log\"\nname = \"x\"\n[[member]]\nid = \"FRA\"\nname = \"France\"\nvkey = \"nope\"\n",
    )
    .unwrap();
    let out = accord()
        .args(["init", "--data"])
        .arg(body.dir.path().join("other"))
        .arg("--members")
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("vkey"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn keygen_writes_a_private_pkcs8_key_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("FRA.key");
    let out = accord().args(["keygen", "--origin", ORIGIN, "--member", "FRA", "--out"]).arg(&path).output().unwrap();
    assert!(out.status.success());
    let vkey = String::from_utf8(out.stdout).unwrap();
    assert!(vkey.starts_with(&format!("{ORIGIN}/members/FRA+")));
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(&format!("name: {ORIGIN}/members/FRA\n-----BEGIN PRIVATE KEY-----\n")));
    // Refuses to overwrite.
    let again = accord().args(["keygen", "--origin", ORIGIN, "--member", "FRA", "--out"]).arg(&path).output().unwrap();
    assert!(!again.status.success());
    // OpenSSL reads it as it is, when installed.
    let pem: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let pem_path = dir.path().join("k.pem");
    std::fs::write(&pem_path, pem).unwrap();
    match std::process::Command::new("openssl").args(["pkey", "-noout", "-text", "-in"]).arg(&pem_path).output() {
        Ok(o) => {
            assert!(o.status.success() && String::from_utf8_lossy(&o.stdout).contains("ED25519"), "openssl: {o:?}")
        }
        Err(_) => eprintln!("NOTE: openssl not installed; PKCS#8 interop with OpenSSL not checked"),
    }
}

#[test]
fn concurrent_submissions_share_commits() {
    let mut body = Body::found(16);
    let server = body.serve();
    append_concurrently(&mut body, &server, 800);
    let metrics = server.get("/metrics").text().unwrap();
    let value = |name: &str| -> f64 {
        metrics
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap()
    };
    let entries = value("accord_commit_batch_entries_total");
    let batches = value("accord_commit_batches_total");
    assert_eq!(entries, 800.0);
    // Group commit: with 16 clients waiting on each fsync, batches hold
    // many entries each (one transaction and one fsync per batch).
    assert!(batches * 2.0 <= entries, "{batches} commits for {entries} entries: submissions are not batched");
}
