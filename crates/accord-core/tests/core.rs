//! Integration tests of accord-core: the golden wire vectors
//! (`../shared/vectors/wire-v1.json`, made by an independent implementation)
//! and the state machine's rules.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use accord_core::acts::{genesis::FoundingMember, Genesis, NotePublish};
use accord_core::statement::statement_text;
use accord_core::{Act, Entry, MemberId, Refusal, Seq, SigCheck, SignedStatement, State, Statement, Timestamp};
use accord_log::merkle::MemoryTree;
use accord_log::tile::encode_bundle;
use accord_log::{Checkpoint, Hash, Signer};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::SigningKey;
use serde_json::Value;
use std::path::PathBuf;

fn vectors() -> Option<Value> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors/wire-v1.json");
    match std::fs::read_to_string(&p) {
        Ok(s) => Some(serde_json::from_str(&s).unwrap()),
        Err(_) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!("SKIPPED: golden vectors not found at {} (outside CI this is a skip)", p.display());
            None
        }
        Err(e) => panic!("golden vectors missing under CI=true at {}: {e}", p.display()),
    }
}

fn seed(v: &Value, who: &str) -> SigningKey {
    let s: [u8; 32] = hex::decode(v["keys"][who]["seed_hex"].as_str().unwrap()).unwrap().try_into().unwrap();
    SigningKey::from_bytes(&s)
}

#[test]
fn golden_keys_statements_entries_tree_checkpoint_bundle() {
    let Some(v) = vectors() else { return };
    let origin = v["origin"].as_str().unwrap();
    for who in ["CHN", "FRA", "EGY", "log"] {
        let k = &v["keys"][who];
        let signer = Signer::new(k["name"].as_str().unwrap(), seed(&v, who)).unwrap();
        assert_eq!(signer.verifier().to_vkey(), k["vkey"].as_str().unwrap(), "{who}");
        assert_eq!(signer.verifier().id().to_string(), k["key_id_hex"].as_str().unwrap());
        assert_eq!(hex::encode(signer.verifier().key().as_bytes()), k["public_hex"].as_str().unwrap());
        if who != "log" {
            assert_eq!(MemberId::parse(who).unwrap().key_name(origin), k["name"].as_str().unwrap());
        }
    }
    let mut tree = MemoryTree::new();
    let mut entries = Vec::new();
    for (s, e) in v["statements"].as_array().unwrap().iter().zip(v["entries"].as_array().unwrap()) {
        let member = s["member"].as_str().unwrap();
        // Encode from the JSON fields and sign: must reproduce the note.
        let j = &s["json"];
        let kind = j["type"].as_str().unwrap();
        let text = statement_text(
            &MemberId::parse(member).unwrap(),
            Seq(j["seq"].as_u64().unwrap()),
            Timestamp::parse_rfc3339(j["time"].as_str().unwrap()).unwrap(),
            kind,
            j["body"].clone(),
        );
        assert_eq!(text.lines().nth(1).unwrap(), s["jcs"].as_str().unwrap());
        let signer = Signer::new(&MemberId::parse(member).unwrap().key_name(origin), seed(&v, member)).unwrap();
        let note = signer.sign_note(&text).unwrap();
        assert_eq!(note.to_text(), s["note"].as_str().unwrap());
        note.verify(signer.verifier()).unwrap();
        // Entry bytes and leaf hash.
        let entry_text = e["entry"].as_str().unwrap();
        let time = entry_text.lines().nth(1).unwrap().strip_prefix("time ").unwrap();
        let mut entry_bytes =
            format!("accord/entry/v1\ntime {}\n\n", Timestamp::parse_rfc3339(time).unwrap().to_millis_string());
        entry_bytes.push_str(&note.to_text());
        assert_eq!(entry_bytes, entry_text);
        if accord_core::acts::TYPES.contains(&kind) {
            // Types this version interprets also round-trip through the typed path.
            let entry = Entry::parse(entry_text.as_bytes()).unwrap();
            assert_eq!(entry.statement.statement.to_note_text(), text);
            assert_eq!(entry.to_bytes(), entry_text.as_bytes());
        }
        let leaf = Hash::leaf(entry_bytes.as_bytes());
        assert_eq!(leaf.to_base64(), e["leaf_hash_b64"].as_str().unwrap());
        tree.push(leaf);
        entries.push(entry_bytes.into_bytes());
    }
    for t in v["tree"].as_array().unwrap() {
        let size = t["size"].as_u64().unwrap();
        assert_eq!(tree.root_at(size).to_base64(), t["root_b64"].as_str().unwrap(), "root at {size}");
    }
    let log = Signer::new(origin, seed(&v, "log")).unwrap();
    let cp = Checkpoint::new(origin, 4, tree.root_at(4));
    assert_eq!(cp.sign(&log).unwrap().to_text(), v["checkpoint"]["note"].as_str().unwrap());
    let (opened, _) = Checkpoint::open(v["checkpoint"]["note"].as_str().unwrap().as_bytes(), log.verifier()).unwrap();
    assert_eq!(opened, cp);
    assert_eq!(v["entry_bundle"]["path"], "/log/tile/entries/000.p/4");
    let bundle = encode_bundle(entries.iter().map(|e| e.as_slice())).unwrap();
    assert_eq!(B64.encode(bundle), v["entry_bundle"]["base64"].as_str().unwrap());
}

// ---- state machine -------------------------------------------------------

const ORIGIN: &str = "test.example/log";

struct Body {
    state: State,
    sec: Signer,
    members: Vec<(MemberId, Signer)>,
    clock: i64,
}

fn signer(id: &str, seed: u8) -> Signer {
    Signer::new(&MemberId::parse(id).unwrap().key_name(ORIGIN), SigningKey::from_bytes(&[seed; 32])).unwrap()
}

fn found() -> Body {
    let sec = signer("secretariat", 1);
    let log = Signer::new(ORIGIN, SigningKey::from_bytes(&[2; 32])).unwrap();
    let members: Vec<(MemberId, Signer)> = ["FRA", "CHN", "EGY"]
        .iter()
        .enumerate()
        .map(|(i, id)| (MemberId::parse(id).unwrap(), signer(id, 10 + i as u8)))
        .collect();
    let g = Genesis {
        name: "Test body".into(),
        origin: ORIGIN.into(),
        log_key: log.verifier().to_vkey(),
        secretariat_key: sec.verifier().to_vkey(),
        members: members
            .iter()
            .map(|(id, s)| FoundingMember { id: id.clone(), name: format!("State {id}"), vkey: s.verifier().to_vkey() })
            .collect(),
        rules: None,
        documents: Vec::new(),
    };
    let clock = 1_764_093_600_000;
    let st = Statement {
        member: MemberId::secretariat(),
        seq: Seq(1),
        time: Timestamp(clock),
        act: Act::Genesis(Box::new(g)),
    };
    let entry = Entry::new(Timestamp(clock), st.sign(&sec).unwrap());
    let mut state = State::new();
    state.apply(&entry, SigCheck::Verify).unwrap();
    Body { state, sec, members, clock }
}

impl Body {
    fn entry(&mut self, who: usize, seq: u64, act: Act) -> Entry {
        self.clock += 1000;
        let (id, s) = &self.members[who];
        let st = Statement { member: id.clone(), seq: Seq(seq), time: Timestamp(self.clock), act };
        Entry::new(Timestamp(self.clock), st.sign(s).unwrap())
    }
}

fn note(t: &str) -> Act {
    Act::NotePublish(NotePublish { text: t.into() })
}

#[test]
fn genesis_founds_the_body_and_its_members() {
    let b = found();
    assert_eq!(b.state.size(), 1);
    assert_eq!(b.state.members().count(), 3);
    assert_eq!(b.state.actor(&MemberId::secretariat()).unwrap().key.as_ref(), b.sec.verifier());
}

#[test]
fn seq_must_increase() {
    let mut b = found();
    let e = b.entry(0, 5, note("a"));
    b.state.apply(&e, SigCheck::Verify).unwrap();
    for seq in [5, 4] {
        let e = b.entry(0, seq, note("b"));
        assert_eq!(b.state.apply(&e, SigCheck::Verify).unwrap_err(), Refusal::ReplayedSeq { last: 5, got: seq });
    }
    let e = b.entry(0, 6, note("c"));
    b.state.apply(&e, SigCheck::Verify).unwrap();
    assert_eq!(b.state.size(), 3);
}

#[test]
fn a_signature_by_another_key_is_refused_and_changes_nothing() {
    let mut b = found();
    let st = Statement { member: b.members[0].0.clone(), seq: Seq(1), time: Timestamp(b.clock), act: note("x") };
    let forged = Entry::new(Timestamp(b.clock), st.sign(&b.members[1].1).unwrap());
    let before = b.state.size();
    assert_eq!(b.state.apply(&forged, SigCheck::Verify).unwrap_err().code(), "bad-signature");
    assert_eq!(b.state.size(), before);
    // Deferred: accepted, but the signer named is the real key, which fails.
    let applied = b.state.clone().apply(&forged, SigCheck::Deferred).unwrap();
    assert!(forged.statement.note.verify(&applied.signer).is_err());
}

#[test]
fn clock_skew_over_five_minutes_is_refused() {
    let mut b = found();
    let mut e = b.entry(0, 1, note("x"));
    e.time = Timestamp(e.time.0 + 5 * 60 * 1000 + 1);
    assert_eq!(b.state.apply(&e, SigCheck::Verify).unwrap_err().code(), "clock-skew");
    e.time = Timestamp(e.time.0 - 1);
    b.state.apply(&e, SigCheck::Verify).unwrap();
}

#[test]
fn key_rotation_takes_effect_for_the_next_statement() {
    let mut b = found();
    let new = signer("FRA", 99);
    let e = b.entry(0, 1, Act::KeyRotate(accord_core::acts::KeyRotate { vkey: new.verifier().to_vkey() }));
    b.state.apply(&e, SigCheck::Verify).unwrap();
    let old_signed = b.entry(0, 2, note("old key"));
    assert_eq!(b.state.apply(&old_signed, SigCheck::Verify).unwrap_err().code(), "bad-signature");
    b.members[0].1 = new;
    let e = b.entry(0, 2, note("new key"));
    b.state.apply(&e, SigCheck::Verify).unwrap();
    // A key named for another member is refused.
    let other = signer("CHN", 77);
    let e = b.entry(0, 3, Act::KeyRotate(accord_core::acts::KeyRotate { vkey: other.verifier().to_vkey() }));
    assert_eq!(b.state.apply(&e, SigCheck::Verify).unwrap_err().code(), "refused-by-rules");
}

#[test]
fn unknown_members_types_and_non_canonical_json_are_refused() {
    let b = found();
    let stranger = signer("XYZ", 50);
    let st =
        Statement { member: MemberId::parse("XYZ").unwrap(), seq: Seq(1), time: Timestamp(b.clock), act: note("x") };
    let e = Entry::new(Timestamp(b.clock), st.sign(&stranger).unwrap());
    assert_eq!(b.state.clone().apply(&e, SigCheck::Verify).unwrap_err().code(), "unknown-member");

    let text = "accord/statement/v1\n{\"body\":{},\"member\":\"FRA\",\"seq\":1,\"time\":\"2026-11-25T18:00:00Z\",\"type\":\"no.such\"}\n";
    let note_ = b.members[0].1.sign_note(text).unwrap();
    assert_eq!(SignedStatement::parse(note_.to_text().as_bytes()).unwrap_err().code(), "unknown-type");

    let text = "accord/statement/v1\n{\"member\":\"FRA\",\"body\":{\"text\":\"x\"},\"seq\":1,\"time\":\"2026-11-25T18:00:00Z\",\"type\":\"note.publish\"}\n";
    let note_ = b.members[0].1.sign_note(text).unwrap();
    assert_eq!(SignedStatement::parse(note_.to_text().as_bytes()).unwrap_err().code(), "not-canonical");

    let text = "accord/statement/v1\n{\"body\":{\"text\":\"x\"},\"member\":\"FRA\",\"seq\":1,\"seq\":2,\"time\":\"2026-11-25T18:00:00Z\",\"type\":\"note.publish\"}\n";
    let note_ = b.members[0].1.sign_note(text).unwrap();
    assert_eq!(SignedStatement::parse(note_.to_text().as_bytes()).unwrap_err().code(), "not-canonical");
}

#[test]
fn replay_is_deterministic() {
    let mut b = found();
    let mut log = Vec::new();
    for i in 0..50u64 {
        let e = b.entry((i % 3) as usize, i / 3 + 1, note(&format!("n{i}")));
        b.state.apply(&e, SigCheck::Verify).unwrap();
        log.push(e);
    }
    let mut again = found().state;
    for e in &log {
        again.apply(e, SigCheck::Deferred).unwrap();
    }
    assert_eq!(again.size(), b.state.size());
    assert_eq!(again.actors().collect::<Vec<_>>(), b.state.actors().collect::<Vec<_>>());
    let _ = Hash::empty();
}

#[test]
fn statement_time_has_one_spelling() {
    let b = found();
    for (time, ok) in [
        ("2026-11-25T18:00:00Z", true),
        ("2026-11-25T18:00:00.123Z", true),
        ("2026-11-25T18:00:00.000Z", false),
        ("2026-11-25T18:00:00.5Z", false),
        ("2026-11-25t18:00:00Z", false),
        ("2026-11-25 18:00:00Z", false),
        ("2026-11-25T18:00:60Z", false),
        ("2026-11-25T19:00:00+01:00", false),
    ] {
        let text = format!(
            "accord/statement/v1\n{{\"body\":{{\"text\":\"x\"}},\"member\":\"FRA\",\"seq\":1,\"time\":\"{time}\",\"type\":\"note.publish\"}}\n"
        );
        let note = b.members[0].1.sign_note(&text).unwrap();
        let r = SignedStatement::parse(note.to_text().as_bytes());
        assert_eq!(r.is_ok(), ok, "{time}: {r:?}");
        if let Ok(s) = r {
            assert_eq!(s.statement.to_note_text(), text);
        }
    }
}

#[test]
fn a_text_a_signed_note_cannot_carry_is_refused_not_a_panic() {
    // JCS leaves DEL and the C1 controls unescaped; a signed note carries
    // no control character but the newline. Signing must say so.
    let b = found();
    let (id, s) = &b.members[0];
    for c in ['\u{7f}', '\u{85}', '\u{9f}'] {
        let st = Statement {
            member: id.clone(),
            seq: Seq(1),
            time: Timestamp(1_764_093_600_000),
            act: note(&format!("a{c}b")),
        };
        match st.sign(s) {
            Err(Refusal::Malformed(m)) => assert!(m.contains("control"), "{m}"),
            other => panic!("U+{:04X}: expected a refusal, got {other:?}", c as u32),
        }
    }
    // Controls JCS escapes are fine.
    let st = Statement {
        member: id.clone(),
        seq: Seq(1),
        time: Timestamp(1_764_093_600_000),
        act: note("tab\there\nnewline"),
    };
    assert!(st.sign(s).is_ok());
}
