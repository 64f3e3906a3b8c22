//! The trust boundary, end to end against the real binary: crafted
//! signatures and weak keys never enter the log; out-of-range and lock-out
//! `seq` values are refused while an honest member is acknowledged; the
//! filibuster and the flood are refused by rules of procedure; and every
//! signature the server accepts is also accepted by an outside verifier
//! (Python `cryptography`, i.e. OpenSSL), which refuses every crafted one,
//! as `accord audit` does.

use crate::common::*;
use accord_core::{Entry, SigCheck, State, Timestamp};
use accord_log::tile::{decode_bundle, tiles_for_size, TileKind};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
use curve25519_dalek::scalar::Scalar;
use serde_json::json;
use sha2::{Digest, Sha512};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The group order L, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// The secret scalar of a key file's seed (RFC 8032 §5.1.5).
fn secret_scalar(m: &Member) -> Scalar {
    let h = Sha512::digest(m.key.signer.signing_key().as_bytes());
    let mut a = [0u8; 32];
    a.copy_from_slice(&h[..32]);
    a[0] &= 248;
    a[31] &= 127;
    a[31] |= 64;
    Scalar::from_bytes_mod_order(a)
}

/// Signs `text` as `m` with R = rB + T for the torsion point `T`: what a
/// cofactored or batch verifier may accept and every strict one refuses.
fn mixed_order_signature(m: &Member, text: &str, torsion: usize) -> [u8; 64] {
    let public = m.key.signer.verifier().key().as_bytes().to_owned();
    let r = Scalar::from_bytes_mod_order(Sha512::digest(text.as_bytes())[..32].try_into().unwrap());
    let big_r = (ED25519_BASEPOINT_POINT * r + EIGHT_TORSION[torsion]).compress().to_bytes();
    let k = Scalar::from_bytes_mod_order_wide(
        &Sha512::new().chain_update(big_r).chain_update(public).chain_update(text.as_bytes()).finalize().into(),
    );
    let s = r + k * secret_scalar(m);
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&big_r);
    sig[32..].copy_from_slice(&s.to_bytes());
    sig
}

/// `note` (a signed statement) with its signature replaced by `sig`.
fn with_signature(note: &str, sig: &[u8; 64]) -> String {
    let (text, line) = note.rsplit_once("\n\n").unwrap();
    let (name, b64) = line.trim_end().rsplit_once(' ').unwrap();
    let raw = B64.decode(b64).unwrap();
    let mut out = raw[..4].to_vec();
    out.extend_from_slice(sig);
    format!("{text}\n\n{name} {}\n", B64.encode(out))
}

fn signature_of(note: &str) -> [u8; 64] {
    let b64 = note.trim_end().rsplit_once(' ').unwrap().1;
    B64.decode(b64).unwrap()[4..].try_into().unwrap()
}

/// The crafted signatures of the issue, each over a fresh note by `m`:
/// (what, the note as sent, its text, the signature).
fn crafted(m: &mut Member) -> Vec<(String, String, String, [u8; 64])> {
    let mut out = Vec::new();
    // R with a small-order component of order 2 (torsion point 4), 4 (2)
    // and 8 (1).
    for (order, t) in [(2, 4), (4, 2), (8, 1)] {
        let note = m.sign("note.publish", json!({ "text": format!("mixed-order R, order {order}") }));
        let text = note.rsplit_once("\n\n").unwrap().0.to_string() + "\n";
        let sig = mixed_order_signature(m, &text, t);
        out.push((format!("R with an order-{order} component"), with_signature(&note, &sig), text, sig));
    }
    // s + L: the same equation for a verifier that reduces s.
    let note = m.sign("note.publish", json!({ "text": "s plus L" }));
    let text = note.rsplit_once("\n\n").unwrap().0.to_string() + "\n";
    let mut sig = signature_of(&note);
    let mut carry = 0u16;
    for (i, l) in L.iter().enumerate() {
        let v = u16::from(sig[32 + i]) + u16::from(*l) + carry;
        sig[32 + i] = v as u8;
        carry = v >> 8;
    }
    out.push(("s + L".into(), with_signature(&note, &sig), text, sig));
    // R the identity, as a non-canonical "negative zero", and R = y = p.
    for (what, r) in [
        ("R the identity", {
            let mut r = [0u8; 32];
            r[0] = 1;
            r
        }),
        ("R a non-canonical encoding (negative zero)", {
            let mut r = [0u8; 32];
            r[0] = 1;
            r[31] = 0x80;
            r
        }),
        ("R a non-canonical encoding (y = p)", {
            let mut r = [0xffu8; 32];
            r[0] = 0xed;
            r[31] = 0x7f;
            r
        }),
    ] {
        let note = m.sign("note.publish", json!({ "text": what }));
        let text = note.rsplit_once("\n\n").unwrap().0.to_string() + "\n";
        let mut sig = signature_of(&note);
        sig[..32].copy_from_slice(&r);
        out.push((what.to_string(), with_signature(&note, &sig), text, sig));
    }
    out
}

/// Python `cryptography`'s verdicts on (public key, message, signature).
fn outside_verdicts(py: &std::path::Path, items: &[([u8; 32], Vec<u8>, [u8; 64])]) -> Vec<bool> {
    let mut child = Command::new(py)
        .arg(repo_root().join("tests/interop/ed25519_verify.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let stdin = child.stdin.as_mut().unwrap();
        for (public, msg, sig) in items {
            let line =
                json!({ "public": hex::encode(public), "message": B64.encode(msg), "signature": hex::encode(sig) });
            writeln!(stdin, "{line}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "ed25519_verify.py failed");
    let verdicts: Vec<bool> = String::from_utf8(out.stdout).unwrap().lines().map(|l| l == "valid").collect();
    assert_eq!(verdicts.len(), items.len());
    verdicts
}

/// Every entry of the log the server publishes, from its tiles.
fn published_entries(server: &Server) -> Vec<Vec<u8>> {
    let cp = server.get("/log/checkpoint").text().unwrap();
    let size: u64 = cp.lines().nth(1).unwrap().parse().unwrap();
    let mut out = Vec::new();
    for t in tiles_for_size(TileKind::Entries, size) {
        let bytes = server.get(&format!("/log/{t}")).bytes().unwrap();
        out.extend(decode_bundle(&bytes).unwrap().into_iter().map(<[u8]>::to_vec));
    }
    out
}

/// (public key, signed text, signature) of every entry, with the key the
/// replay says was current: what an auditor checks.
fn signatures_of_log(entries: &[Vec<u8>]) -> Vec<([u8; 32], Vec<u8>, [u8; 64])> {
    let mut state = State::without_effects();
    let mut out = Vec::new();
    for bytes in entries {
        let e = Entry::parse(bytes).unwrap();
        let applied = state.apply(&e, SigCheck::Deferred).unwrap();
        let public = *applied.signer.key().as_bytes();
        let sig: [u8; 64] = e.statement.note.signatures[0].signature.as_slice().try_into().unwrap();
        out.push((public, e.statement.note.text().as_bytes().to_vec(), sig));
    }
    out
}

fn log_size(server: &Server) -> u64 {
    let text = server.get("/metrics").text().unwrap();
    text.lines().find_map(|l| l.strip_prefix("accord_log_entries ")).unwrap().trim().parse().unwrap()
}

fn audit(server: &Server, log_vkey: &str) -> (bool, String) {
    let state = tempfile::tempdir().unwrap();
    let out = accord()
        .args(["audit", &server.url, "--log-key", log_vkey, "--state"])
        .arg(state.path().join("audit.state"))
        .output()
        .unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn crafted_signatures_are_refused_by_the_server_and_by_openssl_and_never_appended() {
    let mut body = Body::found(2);
    let server = body.serve();
    let cases = crafted(&mut body.members[0]);
    let before = log_size(&server);
    for (what, note, _, _) in &cases {
        let p = assert_problem(server.post_statement(note), 403, "bad-signature");
        eprintln!("trust: {what}: {}", p["detail"]);
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(log_size(&server), before, "a crafted signature was appended");
    // The member is not locked out: its next honest statement is taken
    // (the refused ones consumed no seq).
    let m = &mut body.members[0];
    let ok = m.sign("note.publish", json!({ "text": "honest" }));
    assert_eq!(server.post_statement(&ok).status().as_u16(), 201);

    let Some(py) = python() else { return };
    let public = *body.members[0].key.signer.verifier().key().as_bytes();
    let items: Vec<_> = cases.iter().map(|(_, _, text, sig)| (public, text.as_bytes().to_vec(), *sig)).collect();
    for ((what, ..), valid) in cases.iter().zip(outside_verdicts(&py, &items)) {
        assert!(!valid, "OpenSSL accepts the crafted signature {what}");
    }
}

#[test]
fn weak_keys_are_refused_over_http_and_by_init() {
    let mut body = Body::found(2);
    let server = body.serve();
    let before = log_size(&server);
    let name = format!("{ORIGIN}/members/M000");
    for t in EIGHT_TORSION {
        let public = t.compress().to_bytes();
        let id = accord_log::KeyId::ed25519(&name, &public);
        let mut raw = vec![0x01];
        raw.extend_from_slice(&public);
        let vkey = format!("{name}+{id}+{}", B64.encode(raw));
        let rotate = body.members[0].sign("member.key.rotate", json!({ "vkey": vkey }));
        let p = assert_problem(server.post_statement(&rotate), 400, "bad-body");
        assert!(p["detail"].as_str().unwrap().contains("refused key"), "{p}");
        body.members[0].seq -= 1;
        let admit_name = format!("{ORIGIN}/members/KEN");
        let admit_id = accord_log::KeyId::ed25519(&admit_name, &public);
        let mut raw = vec![0x01];
        raw.extend_from_slice(&public);
        let admit = body.members[1].sign(
            "proposal.submit",
            json!({
                "id": "admit-ken", "title": "Admit Kenya", "text": "Admit Kenya.", "question": "important",
                "procedure": "vote", "closes": Timestamp(now().0 + 3_600_000).to_rfc3339(),
                "action": { "type": "member.admit", "member": "KEN", "name": "Kenya",
                            "vkey": format!("{admit_name}+{admit_id}+{}", B64.encode(&raw)) },
            }),
        );
        let p = assert_problem(server.post_statement(&admit), 400, "bad-body");
        assert!(p["detail"].as_str().unwrap().contains("refused key"), "{p}");
        body.members[1].seq -= 1;
    }
    assert_eq!(log_size(&server), before);

    // accord init refuses a founding member with the identity key.
    let dir = tempfile::tempdir().unwrap();
    let public = EIGHT_TORSION[0].compress().to_bytes();
    let id = accord_log::KeyId::ed25519(&name, &public);
    let mut raw = vec![0x01];
    raw.extend_from_slice(&public);
    let toml = format!(
        "origin = \"{ORIGIN}\"\nname = \"Weak\"\n\n[[member]]\nid = \"M000\"\nname = \"Weak\"\nvkey = \"{name}+{id}+{}\"\n",
        B64.encode(raw)
    );
    let out = init(dir.path(), &toml);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refused key"), "{err}");
}

#[test]
fn out_of_range_and_lock_out_seqs_are_refused_while_an_honest_member_is_acknowledged() {
    let mut body = Body::found_with(2, LOAD_RULES);
    let server = body.serve();
    let (honest, attacker) = body.members.split_at_mut(1);
    let (honest, attacker) = (&mut honest[0], &mut attacker[0]);
    let url = server.url.clone();
    let acked = std::thread::scope(|s| {
        let h = s.spawn(|| {
            let http = client();
            let mut acked = 0;
            for i in 0..300 {
                let note = honest.sign("note.publish", json!({ "text": format!("honest {i}") }));
                let r = post_note(&http, &url, note);
                assert_eq!(r.status().as_u16(), 201, "{}", r.text().unwrap());
                acked += 1;
            }
            acked
        });
        let http = client();
        for round in 0..50 {
            for (seq, status, code) in [
                (9_223_372_036_854_776_000u64, 400, "out-of-range"),
                (1 << 53, 400, "out-of-range"),
                ((1 << 53) - 1, 409, "seq-too-far"),
                ((1 << 20) + 1, 409, "seq-too-far"),
            ] {
                let note = sign_with(
                    &attacker.key,
                    &attacker.id,
                    seq,
                    "note.publish",
                    json!({ "text": format!("lock {round}") }),
                );
                let r = post_note(&http, &url, note);
                assert_problem(r, status, code);
            }
        }
        h.join().unwrap()
    });
    assert_eq!(acked, 300);
    // The attacker's own seat still works: nothing was taken.
    let note = attacker.sign("note.publish", json!({ "text": "still here" }));
    assert_eq!(server.post_statement(&note).status().as_u16(), 201);
    assert_eq!(log_size(&server), 1 + 300 + 1);
}

#[test]
fn the_filibuster_amendment_is_refused() {
    let mut body = Body::found(3);
    let server = body.serve();
    let closes = Timestamp(now().0 + 3 * 86_400_000);
    let p = body.members[0].sign(
        "proposal.submit",
        json!({ "id": "p", "title": "P", "text": "P.", "question": "ordinary", "procedure": "vote",
                "closes": closes.to_rfc3339() }),
    );
    assert_eq!(server.post_statement(&p).status().as_u16(), 201);
    let amend = |m: &mut Member, before_ms: i64| {
        m.sign(
            "proposal.amend",
            json!({ "id": "a", "proposal": "p", "title": "A", "text": "A.",
                    "closes": Timestamp(closes.0 - before_ms).to_rfc3339() }),
        )
    };
    // One second before (statements carry whole seconds): refused.
    let p = assert_problem(server.post_statement(&amend(&mut body.members[1], 1000)), 422, "refused-by-rules");
    assert!(p["detail"].as_str().unwrap().contains("amendment_lead_seconds (86400)"), "{p}");
    // A day before: accepted.
    assert_eq!(server.post_statement(&amend(&mut body.members[1], 86_400_000)).status().as_u16(), 201);
}

#[test]
fn a_member_over_its_rate_is_answered_429_with_retry_after_and_the_audit_agrees() {
    let mut body = Body::found_with(2, "[rules]\nrate_statements_per_minute = 5\n");
    let server = body.serve();
    for i in 0..5 {
        let note = body.members[0].sign("note.publish", json!({ "text": format!("burst {i}") }));
        assert_eq!(server.post_statement(&note).status().as_u16(), 201);
    }
    let note = body.members[0].sign("note.publish", json!({ "text": "one too many" }));
    let r = server.post_statement(&note);
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=12).contains(&retry), "Retry-After {retry}");
    let p = assert_problem(r, 429, "rate-limited");
    assert!(p["detail"].as_str().unwrap().contains("rate_statements_per_minute is 5"), "{p}");
    // Another member is not affected.
    let other = body.members[1].sign("note.publish", json!({ "text": "free" }));
    assert_eq!(server.post_statement(&other).status().as_u16(), 201);
    server.wait_checkpoint(7);
    let (ok, out) = audit(&server, &body.log_vkey);
    assert!(ok, "audit: {out}");
}

/// Every signature in a log the e2e suite builds (the demo's seeded body:
/// genesis, proposals, votes, amendments of the Code, subscriptions, ticks)
/// is accepted by OpenSSL, and `accord audit` passes the same log.
#[test]
fn every_signature_the_server_accepted_verifies_with_openssl_and_the_audit_agrees() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::demo(dir.path());
    let entries = published_entries(&server);
    assert!(entries.len() > 30, "the demo log has {} entries", entries.len());
    let items = signatures_of_log(&entries);
    let verdicts = outside_verdicts(&py, &items);
    for (i, ok) in verdicts.iter().enumerate() {
        assert!(ok, "OpenSSL refuses the signature of entry {i}");
    }
    let log_vkey = std::fs::read_to_string(dir.path().join("log.vkey")).unwrap();
    let (ok, out) = audit(&server, log_vkey.trim());
    assert!(ok, "audit: {out}");
}

/// A node that serves a log holding a crafted signature (written to its
/// store behind its back), for each crafted kind: the audit fails on that
/// entry, as OpenSSL does.
#[test]
fn the_audit_refuses_a_log_with_a_crafted_signature_as_openssl_does() {
    let py = python();
    let n = crafted(&mut Body::found(1).members.remove(0)).len();
    for case in 0..n {
        let mut body = Body::found(2);
        let cases = crafted(&mut body.members[0]);
        let (what, note, text, sig) = &cases[case];
        {
            let store = accord_store::open(&format!("sqlite://{}", body.data().join("accord.db").display())).unwrap();
            let size = store.size().unwrap();
            let first = store.entries(0, 1).unwrap().remove(0);
            let time = Entry::parse(&first).unwrap().time;
            let signed = accord_core::SignedStatement::parse(note.as_bytes()).unwrap();
            let entry = Entry::new(Timestamp(time.0 + 1000), signed).to_bytes();
            let leaf = accord_log::Hash::leaf(&entry);
            store
                .append(&accord_store::AppendBatch {
                    first: size,
                    entries: vec![(entry, leaf)],
                    nodes: Vec::new(),
                    effects: Vec::new(),
                    private: Vec::new(),
                })
                .unwrap();
        }
        let server = body.serve();
        server.wait_checkpoint(2);
        let (ok, out) = audit(&server, &body.log_vkey);
        assert!(!ok, "the audit passed a log with {what}: {out}");
        assert!(out.contains("entry 1"), "{what}: the audit does not name the entry: {out}");
        if let Some(py) = &py {
            let public = *body.members[0].key.signer.verifier().key().as_bytes();
            assert_eq!(outside_verdicts(py, &[(public, text.as_bytes().to_vec(), *sig)]), vec![false], "{what}");
        }
    }
}
