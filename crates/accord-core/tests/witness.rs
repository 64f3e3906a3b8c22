//! Integration tests of the witnesses (issue "no single operator"): a
//! member registers and retires its witness by signed statements, weak or
//! borrowed keys are refused, and the witness policy of the rules of
//! procedure (which witnesses count, how many, groups) changes only by an
//! adopted `rules.change` and is the tlog-policy clients check against.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/snapshots.rs"]
mod snapshots;
#[path = "support/body.rs"]
mod support;

use accord_core::acts::decision::VoteChoice::Yes;
use accord_core::acts::decision::{Action, Procedure, Question};
use accord_core::acts::{ProposalSubmit, VoteCast, WitnessRegister, WitnessRetire};
use accord_core::decisions::rules::RulesChange;
use accord_core::witness::{QuorumName, WitnessGroup, WitnessQuorum, WitnessRules};
use accord_core::{Act, Effect, Refusal, Timestamp};
use accord_log::cosignature::Cosigner;
use accord_log::policy::Policy;
use ed25519_dalek::SigningKey;
use std::collections::BTreeSet;
use support::*;

fn witness_key(m: &str) -> Cosigner {
    Cosigner::new(
        &format!("witness.{}.example", m.to_lowercase()),
        SigningKey::from_bytes(&[m.as_bytes()[0] ^ 0x55; 32]),
    )
    .unwrap()
}

fn register(m: &str) -> Act {
    Act::WitnessRegister(WitnessRegister {
        url: format!("https://witness.{}.example/accord", m.to_lowercase()),
        vkey: witness_key(m).key().to_vkey(),
    })
}

fn rules_change(b: &mut Body, id: &str, witnesses: WitnessRules) {
    let closes = b.now + HOUR;
    b.ok(
        "FRA",
        Act::ProposalSubmit(Box::new(ProposalSubmit {
            id: id.into(),
            title: "Witness policy".into(),
            text: "The witness policy changes.".into(),
            question: Question::Important,
            procedure: Procedure::Vote,
            closes: Timestamp(closes).to_rfc3339(),
            action: Some(Action::RulesChange {
                rules: RulesChange { witnesses: Some(witnesses), ..Default::default() },
            }),
        })),
    );
    for m in FIVE {
        b.ok(m, Act::VoteCast(VoteCast { proposal: id.into(), vote: Yes, explanation: None }));
    }
    b.tick_at(closes + SEC);
}

fn names(p: &Policy, cosigners: &[&str]) -> bool {
    p.satisfied(&cosigners.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>())
}

#[test]
fn members_register_and_retire_witnesses_and_the_default_quorum_is_a_majority() {
    let mut b = Body::found();
    assert_eq!(b.state.witness_policy().quorum, None, "no witness: quorum none");
    let a = b.ok("FRA", register("FRA"));
    assert!(a.effects.iter().any(|e| matches!(e, Effect::WitnessChanged { now: Some(_), .. })), "{:?}", a.effects);
    for m in ["CHN", "EGY"] {
        b.ok(m, register(m));
    }
    let p = b.state.witness_policy();
    assert_eq!(p.witnesses.len(), 3);
    assert!(names(&p, &["FRA", "CHN"]));
    assert!(!names(&p, &["FRA"]));
    // The policy text is a valid tlog-policy, with the log's key.
    let again = Policy::parse(&p.to_text()).unwrap();
    assert_eq!(again, p);
    assert_eq!(again.logs[0].key.name(), ORIGIN);
    // Retiring lowers n: a majority of two is two.
    b.ok("EGY", Act::WitnessRetire(WitnessRetire {}));
    let p = b.state.witness_policy();
    assert!(!names(&p, &["FRA"]));
    assert!(names(&p, &["FRA", "CHN"]));
    assert!(matches!(b.refused("EGY", Act::WitnessRetire(WitnessRetire {})), Refusal::Rules(_)));
    b.assert_replays();
}

#[test]
fn weak_borrowed_and_duplicate_keys_are_refused() {
    let mut b = Body::found();
    // A small-order key.
    let mut weak = vec![0x04u8];
    weak.extend_from_slice(&{
        let mut k = [0u8; 32];
        k[0] = 1;
        k
    });
    let name = "weak.example";
    let id = accord_log::KeyId::of(name, 0x04, &weak[1..]);
    use base64::Engine;
    let vkey = format!("{name}+{id}+{}", base64::engine::general_purpose::STANDARD.encode(&weak));
    let r = b.refused("FRA", Act::WitnessRegister(WitnessRegister { url: "https://w.example".into(), vkey }));
    assert!(matches!(&r, Refusal::BadBody { why, .. } if why.contains("refused key")), "{r}");
    // A plain note key (type 0x01) is not a cosigner key.
    let plain = signer("FRA", 99).verifier().to_vkey();
    let r = b.refused("FRA", Act::WitnessRegister(WitnessRegister { url: "https://w.example".into(), vkey: plain }));
    assert!(matches!(r, Refusal::BadBody { .. }), "{r}");
    // Another member's witness key; the log's key; a member's statement key.
    b.ok("FRA", register("FRA"));
    let theirs = WitnessRegister { url: "https://w.chn.example".into(), vkey: witness_key("FRA").key().to_vkey() };
    assert!(matches!(b.refused("CHN", Act::WitnessRegister(theirs)), Refusal::Rules(_)));
    let log_as_witness = Cosigner::new("log.example", SigningKey::from_bytes(&[2; 32])).unwrap();
    let r = b.refused(
        "CHN",
        Act::WitnessRegister(WitnessRegister { url: "https://w.example".into(), vkey: log_as_witness.key().to_vkey() }),
    );
    assert!(matches!(&r, Refusal::Rules(w) if w.contains("log")), "{r}");
    let own = Cosigner::new("own.example", SigningKey::from_bytes(&[11; 32])).unwrap();
    let r = b.refused(
        "CHN",
        Act::WitnessRegister(WitnessRegister { url: "https://w.example".into(), vkey: own.key().to_vkey() }),
    );
    assert!(matches!(&r, Refusal::Rules(w) if w.contains("statement key")), "{r}");
    // A key name with a control character, or longer than 128 characters:
    // other verifiers could not read the checkpoints it cosigns.
    for name in ["bad\u{1}name.example".to_string(), format!("{}.example", "w".repeat(130))] {
        let k = Cosigner::new(&name, SigningKey::from_bytes(&[77; 32])).unwrap();
        let r = b.refused(
            "CHN",
            Act::WitnessRegister(WitnessRegister { url: "https://w.example".into(), vkey: k.key().to_vkey() }),
        );
        assert!(matches!(&r, Refusal::BadBody { why, .. } if why.contains("printable ASCII")), "{r}");
    }
    // The same registration twice; the secretariat; a bad URL.
    assert!(matches!(b.refused("FRA", register("FRA")), Refusal::Rules(_)));
    assert!(matches!(b.refused(SECRETARIAT, register("IND")), Refusal::Rules(_)));
    let r = b.refused(
        "IND",
        Act::WitnessRegister(WitnessRegister {
            url: "ftp://w.example".into(),
            vkey: witness_key("IND").key().to_vkey(),
        }),
    );
    assert!(matches!(r, Refusal::BadBody { .. }));
    b.assert_replays();
}

#[test]
fn the_witness_policy_changes_only_by_decision_and_records_it() {
    let mut b = Body::found();
    for m in FIVE {
        b.ok(m, register(m));
    }
    assert!(names(&b.state.witness_policy(), &["FRA", "CHN", "EGY"]));
    assert_eq!(b.state.witnesses().set_by(), None);
    let groups = vec![
        WitnessGroup { name: "africa".into(), members: vec![mid("EGY")], threshold: 1 },
        WitnessGroup { name: "asia".into(), members: vec![mid("CHN"), mid("IND")], threshold: 1 },
    ];
    rules_change(&mut b, "w1", WitnessRules { quorum: WitnessQuorum::AtLeast(2), counted: None, groups });
    let p = b.state.witness_policy();
    assert!(!names(&p, &["FRA", "BRA"]), "no group met");
    assert!(!names(&p, &["FRA", "EGY"]), "asia not met");
    assert!(names(&p, &["EGY", "IND"]));
    let (by, _) = b.state.witnesses().set_by().unwrap();
    assert_eq!(by, "w1");
    // Only listed members count; all of them.
    rules_change(
        &mut b,
        "w2",
        WitnessRules {
            quorum: WitnessQuorum::Named(QuorumName::All),
            counted: Some(vec![mid("FRA"), mid("BRA")]),
            groups: vec![],
        },
    );
    let p = b.state.witness_policy();
    assert!(names(&p, &["FRA", "BRA"]));
    assert!(!names(&p, &["FRA", "CHN", "EGY", "IND"]));
    // A retired witness of a group's only member drops the group, and a
    // k above the witnesses left becomes all of them: retiring cannot make
    // every checkpoint untrusted.
    rules_change(
        &mut b,
        "w3",
        WitnessRules {
            quorum: WitnessQuorum::AtLeast(5),
            counted: None,
            groups: vec![WitnessGroup { name: "africa".into(), members: vec![mid("EGY")], threshold: 1 }],
        },
    );
    b.ok("EGY", Act::WitnessRetire(WitnessRetire {}));
    let p = b.state.witness_policy();
    assert!(names(&p, &["FRA", "CHN", "BRA", "IND"]));
    assert!(!names(&p, &["FRA", "CHN", "BRA"]));
    // Invalid witness rules are refused when tabled.
    let closes = b.now + HOUR;
    // k past 99: no checkpoint can carry that many cosignatures.
    assert!(WitnessRules { quorum: WitnessQuorum::AtLeast(100), counted: None, groups: vec![] }.validate().is_err());
    assert!(WitnessRules { quorum: WitnessQuorum::AtLeast(99), counted: None, groups: vec![] }.validate().is_ok());
    let bad = WitnessRules {
        quorum: WitnessQuorum::AtLeast(0),
        counted: None,
        groups: vec![WitnessGroup { name: "Bad Name".into(), members: vec![], threshold: 3 }],
    };
    let r = b.refused(
        "FRA",
        Act::ProposalSubmit(Box::new(ProposalSubmit {
            id: "bad".into(),
            title: "Bad".into(),
            text: "Bad.".into(),
            question: Question::Important,
            procedure: Procedure::Vote,
            closes: Timestamp(closes).to_rfc3339(),
            action: Some(Action::RulesChange { rules: RulesChange { witnesses: Some(bad), ..Default::default() } }),
        })),
    );
    assert!(format!("{r}").contains("witnesses"), "{r}");
    b.assert_replays();
}

#[test]
fn a_suspended_member_cannot_register_but_may_retire() {
    let mut b = Body::found();
    b.ok("IND", register("IND"));
    let closes = b.now + HOUR;
    b.ok(
        "FRA",
        Act::ProposalSubmit(Box::new(ProposalSubmit {
            id: "s".into(),
            title: "Suspend".into(),
            text: "Suspend IND.".into(),
            question: Question::Important,
            procedure: Procedure::Vote,
            closes: Timestamp(closes).to_rfc3339(),
            action: Some(Action::MemberSuspend { member: mid("IND") }),
        })),
    );
    for m in ["FRA", "CHN", "EGY", "BRA"] {
        b.ok(m, Act::VoteCast(VoteCast { proposal: "s".into(), vote: Yes, explanation: None }));
    }
    b.tick_at(closes + SEC);
    // Its witness no longer counts.
    assert_eq!(b.state.witness_policy().quorum, None);
    assert!(matches!(b.refused("IND", register("IND")), Refusal::Rules(_)));
    b.ok("IND", Act::WitnessRetire(WitnessRetire {}));
    b.assert_replays();
}
