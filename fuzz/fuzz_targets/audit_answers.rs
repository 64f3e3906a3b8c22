//! The auditor's comparisons of what a hostile node serves with its replay:
//! any JSON, as a member list, a page of the proposal list, a proposal's
//! record or a version, must be judged (agree or not) without a panic.
//!
//! The replay is a small fixed body (two members, one proposal with a
//! vote), built once; the input is parsed as JSON (non-JSON is skipped).
#![no_main]

use accord_core::acts::genesis::FoundingMember;
use accord_core::acts::Genesis;
use accord_core::{Act, Entry, MemberId, Seq, SigCheck, State, Statement, Timestamp};
use accord_log::Signer;
use ed25519_dalek::SigningKey;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const ORIGIN: &str = "fuzz.example/log";

fn signer(name: &str, seed: u8) -> Signer {
    Signer::new(name, SigningKey::from_bytes(&[seed; 32])).expect("a valid key name")
}

fn state() -> &'static State {
    static STATE: OnceLock<State> = OnceLock::new();
    STATE.get_or_init(|| {
        let sec = signer(&MemberId::secretariat().key_name(ORIGIN), 1);
        let log = signer(ORIGIN, 2);
        let members: Vec<(MemberId, Signer)> =
            ["FRA", "CHN"].iter().enumerate().map(|(i, id)| {
                let m = MemberId::parse(id).expect("an id");
                let s = signer(&m.key_name(ORIGIN), 10 + i as u8);
                (m, s)
            }).collect();
        let genesis = Genesis {
            name: "Fuzz".into(),
            names: Default::default(),
            origin: ORIGIN.into(),
            log_key: log.verifier().to_vkey(),
            secretariat_key: sec.verifier().to_vkey(),
            members: members
                .iter()
                .map(|(id, s)| FoundingMember { id: id.clone(), name: id.to_string(), names: Default::default(), vkey: s.verifier().to_vkey() })
                .collect(),
            rules: None,
            documents: Vec::new(),
        };
        let t = 1_800_000_000_000;
        let mut st = State::new();
        let mut apply = |who: &MemberId, key: &Signer, seq: u64, act: Act| {
            let s = Statement { member: who.clone(), seq: Seq(seq), time: Timestamp(t), act };
            let e = Entry::new(Timestamp(t), s.sign(key).expect("signable"));
            st.apply(&e, SigCheck::Verify).expect("a valid entry");
        };
        apply(&MemberId::secretariat(), &sec, 1, Act::Genesis(Box::new(genesis)));
        let submit = serde_json::json!({"id": "p", "title": "P", "text": "T.", "question": "ordinary",
            "procedure": "vote", "closes": "2027-02-01T00:00:00Z"});
        apply(&members[0].0, &members[0].1, 1, Act::build("proposal.submit", &submit).expect("an act"));
        let vote = serde_json::json!({"proposal": "p", "vote": "yes", "explanation": "Yes."});
        apply(&members[1].0, &members[1].1, 1, Act::build("vote.cast", &vote).expect("an act"));
        st
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let st = state();
    let _ = accord_audit::fuzzing::members(&v, st);
    let _ = accord_audit::fuzzing::proposal_list(&v, st);
    let _ = accord_audit::fuzzing::proposal_record("p", &v, st);
    let _ = accord_audit::fuzzing::proposal_record("nope", &v, st);
    let _ = accord_audit::fuzzing::version_hash(&v);
});
