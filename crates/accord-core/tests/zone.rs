//! Integration tests of the root zone registry (issue "multilateral
//! Internet management"): the secretariat's import in parts, changes only
//! by adopted `zone.change` proposals, the technical checks at tabling and
//! again at adoption, who may table what, versions and their signing
//! plans, the weekly re-signing on the log's clock, and `zone.publish`.
//!
//! Every entry is a real signed statement, round-tripped through its wire
//! form and applied with `SigCheck::Verify`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/snapshots.rs"]
mod snapshots;
#[path = "support/body.rs"]
mod support;

use accord_core::acts::decision::VoteChoice::Yes;
use accord_core::acts::decision::{Action, Procedure, Question, ZoneOp};
use accord_core::acts::{ProposalSubmit, VoteCast, ZoneImport, ZonePublish};
use accord_core::zone::{Sponsor, Sponsored, VersionCause, ZoneKeys};
use accord_core::{Act, Effect, Refusal, Timestamp};
use accord_zone::model::{Apex, SoaFields};
use accord_zone::{Delegation, Ds, Name, Tld};
use base64::Engine;
use ed25519_dalek::SigningKey;
use std::collections::{BTreeMap, BTreeSet};
use support::*;

const SHA: &str = "b13e8869367cc14e050fc45368c197948d49ca8311c2bb71486e67d46accb445";

fn name(s: &str) -> Name {
    Name::parse(s).unwrap()
}

fn tld(s: &str) -> Tld {
    Tld::parse(s).unwrap()
}

fn keys() -> ZoneKeys {
    let b64 = |seed: u8| {
        base64::engine::general_purpose::STANDARD.encode(SigningKey::from_bytes(&[seed; 32]).verifying_key().to_bytes())
    };
    ZoneKeys { ksk: b64(71), zsk: b64(72) }
}

fn apex() -> Apex {
    Apex {
        ns: BTreeMap::from([(name("a.accord-servers.net"), BTreeSet::from(["193.0.14.200".parse().unwrap()]))]),
        soa: SoaFields {
            mname: name("a.accord-servers.net"),
            rname: name("secretariat.accord-servers.net"),
            refresh: 1800,
            retry: 900,
            expire: 604_800,
            minimum: 86_400,
        },
    }
}

/// A delegation to `hosts`, each under `t` with one address (193.0.<n>.<i>).
fn delegation(t: &str, hosts: &[&str], n: u8) -> Delegation {
    let mut d = Delegation::default();
    for (i, h) in hosts.iter().enumerate() {
        let host = name(h);
        if host.is_under(tld(t).name()) {
            d.glue.insert(host.clone(), BTreeSet::from([format!("193.0.{n}.{}", i + 1).parse().unwrap()]));
        }
        d.ns.insert(host);
    }
    d
}

fn org(s: &str) -> Sponsor {
    Sponsor::Organisation(s.into())
}

fn registry_parts() -> Vec<BTreeMap<Tld, Sponsored>> {
    let s = |sponsor: Sponsor, delegation: Delegation| Sponsored { sponsor, delegation };
    vec![
        BTreeMap::from([
            (
                tld("aaa"),
                s(org("American Automobile Association"), delegation("aaa", &["ns1.nic.aaa", "ns2.nic.aaa"], 1)),
            ),
            (tld("cn"), s(Sponsor::Member(mid("CHN")), delegation("cn", &["a.dns.cn", "b.dns.cn"], 2))),
        ]),
        BTreeMap::from([
            (tld("fr"), s(Sponsor::Member(mid("FRA")), delegation("fr", &["d.nic.fr", "e.nic.fr"], 3))),
            (
                tld("net"),
                s(org("VeriSign"), {
                    let mut d = delegation("net", &["a.gtld-servers.net", "b.gtld-servers.net"], 4);
                    d.glue.insert(name("a.accord-servers.net"), BTreeSet::from(["193.0.14.200".parse().unwrap()]));
                    d
                }),
            ),
        ]),
    ]
}

fn import(part: u32, parts: u32, delegations: BTreeMap<Tld, Sponsored>) -> Act {
    Act::ZoneImport(Box::new(ZoneImport {
        file_sha256: SHA.into(),
        source_serial: 2022021501,
        part,
        parts,
        apex: (part == 1).then(apex),
        keys: (part == 1).then(keys),
        delegations,
    }))
}

fn imported() -> Body {
    let mut b = Body::found();
    let parts = registry_parts();
    let n = parts.len() as u32;
    for (i, p) in parts.into_iter().enumerate() {
        b.ok(SECRETARIAT, import(i as u32 + 1, n, p));
    }
    b
}

fn change(id: &str, closes: i64, op: ZoneOp, t: &str, d: Option<Delegation>, sponsor: Option<Sponsor>) -> Act {
    Act::ProposalSubmit(Box::new(ProposalSubmit {
        id: id.into(),
        title: format!("Change {t}"),
        text: format!("The delegation of {t} changes."),
        question: Question::Important,
        procedure: Procedure::Vote,
        closes: Timestamp(closes).to_rfc3339(),
        action: Some(Action::ZoneChange { op, tld: tld(t), delegation: d, sponsor }),
    }))
}

fn yes_from_all(b: &mut Body, proposal: &str) {
    for m in FIVE {
        b.ok(m, Act::VoteCast(VoteCast { proposal: proposal.into(), vote: Yes, explanation: None }));
    }
}

#[test]
fn an_import_in_parts_forms_the_registry_and_its_first_version() {
    let mut b = Body::found();
    let parts = registry_parts();
    let a = b.ok(SECRETARIAT, import(1, 2, parts[0].clone()));
    assert!(!a.effects.iter().any(|e| matches!(e, Effect::ZoneDelegation { .. })), "nothing until the last part");
    assert!(b.state.zone().registry().is_none());
    let a = b.ok(SECRETARIAT, import(2, 2, parts[1].clone()));
    let delegated = a.effects.iter().filter(|e| matches!(e, Effect::ZoneDelegation { .. })).count();
    assert_eq!(delegated, 4);
    let reg = b.state.zone().registry().unwrap();
    assert_eq!(reg.delegations.len(), 4);
    let v = b.state.zone().version().unwrap();
    // 2025-11-25: YYYYMMDD00, above the imported file's serial.
    assert_eq!(v.serial, 2025112500);
    assert_eq!(v.cause, VersionCause::Import);
    assert_eq!(v.plan.full, v.plan.now);
    assert!(a.effects.iter().any(|e| matches!(e, Effect::ZoneVersionFormed(x) if x.serial == 2025112500)));
    assert_eq!(b.state.zone().sponsor(&tld("fr")), Some(&Sponsor::Member(mid("FRA"))));
    // The weekly re-signing is scheduled on the log's clock.
    assert_eq!(b.state.next_deadline(), Some(Timestamp(b.now + 7 * DAY)));
    b.assert_replays();
}

#[test]
fn imports_out_of_order_twice_or_by_a_member_are_refused() {
    let mut b = Body::found();
    let parts = registry_parts();
    let r = b.refused("FRA", import(1, 2, parts[0].clone()));
    assert!(r.to_string().contains("secretariat"), "{r}");
    let r = b.refused(SECRETARIAT, import(2, 2, parts[1].clone()));
    assert!(r.to_string().contains("part 1 first"), "{r}");
    b.ok(SECRETARIAT, import(1, 2, parts[0].clone()));
    let r = b.refused(SECRETARIAT, import(1, 2, parts[0].clone()));
    assert!(r.to_string().contains("under way"), "{r}");
    // The same TLD again in a later part.
    let r = b.refused(SECRETARIAT, import(2, 2, parts[0].clone()));
    assert!(r.to_string().contains("earlier part"), "{r}");
    // Another file's part.
    let mut other = ZoneImport {
        file_sha256: "00".repeat(32),
        source_serial: 2022021501,
        part: 2,
        parts: 2,
        apex: None,
        keys: None,
        delegations: parts[1].clone(),
    };
    let r = b.refused(SECRETARIAT, Act::ZoneImport(Box::new(other.clone())));
    assert!(r.to_string().contains("another import"), "{r}");
    other.file_sha256 = SHA.into();
    b.ok(SECRETARIAT, Act::ZoneImport(Box::new(other)));
    let r = b.refused(SECRETARIAT, import(1, 1, parts[0].clone()));
    assert!(r.to_string().contains("only by adopted zone.change"), "{r}");
}

#[test]
fn an_import_whose_apex_lies_under_no_delegated_tld_is_refused() {
    let mut b = Body::found();
    let mut parts = registry_parts();
    parts[1].remove(&tld("net"));
    b.ok(SECRETARIAT, import(1, 2, parts[0].clone()));
    let r = b.refused(SECRETARIAT, import(2, 2, parts[1].clone()));
    assert!(r.to_string().contains("under no delegated TLD"), "{r}");
}

#[test]
fn an_adopted_change_forms_a_version_that_signs_again_only_what_changed() {
    let mut b = imported();
    let closes = b.now + HOUR;
    let mut d = delegation("aaa", &["ns1.nic.aaa", "ns3.nic.aaa"], 9);
    d.ds.insert(Ds { key_tag: 1, algorithm: 15, digest_type: 2, digest: vec![7; 32] });
    b.ok("EGY", change("aaa-ds", closes, ZoneOp::Change, "aaa", Some(d.clone()), None));
    yes_from_all(&mut b, "aaa-ds");
    let a = b.tick_at(closes);
    let reg = b.state.zone().registry().unwrap();
    assert_eq!(reg.delegations[&tld("aaa")], d);
    let v = b.state.zone().version().unwrap().clone();
    assert_eq!(v.serial, 2025112501, "the same day: one above");
    assert_eq!(v.cause, VersionCause::Change { proposal: "aaa-ds".into(), tld: tld("aaa") });
    assert_eq!(v.plan.touched.keys().collect::<Vec<_>>(), vec![&tld("aaa")], "a change touches only its TLD");
    assert!(a.effects.iter().any(
        |e| matches!(e, Effect::ZoneDelegation { tld: t, proposal: Some(p), .. } if t.label() == "aaa" && p == "aaa-ds")
    ));
    let record = &b.state.decisions().get("aaa-ds").unwrap().record;
    assert_eq!(record.action_result.as_deref(), Some("applied: aaa changed, serial 2025112501"));

    // Adding a TLD touches it and the TLD before it (whose NSEC changes).
    let closes = b.now + HOUR;
    b.ok(
        "EGY",
        change(
            "add-dev",
            closes,
            ZoneOp::Add,
            "dev",
            Some(delegation("dev", &["ns1.nic.dev", "ns2.nic.dev"], 10)),
            Some(org("Charleston Road")),
        ),
    );
    yes_from_all(&mut b, "add-dev");
    b.tick_at(closes);
    let v = b.state.zone().version().unwrap();
    assert_eq!(v.plan.touched.keys().map(|t| t.label()).collect::<Vec<_>>(), vec!["aaa", "cn", "dev"]);
    b.assert_replays();
}

#[test]
fn a_failed_check_refuses_the_proposal_naming_every_fault() {
    let mut b = imported();
    let mut d = Delegation::default();
    d.ns.insert(name("ns_1.nic.aaa"));
    d.glue.insert(name("ns_1.nic.aaa"), BTreeSet::from(["10.0.0.1".parse().unwrap()]));
    d.ds.insert(Ds { key_tag: 1, algorithm: 1, digest_type: 2, digest: vec![0; 20] });
    let closes = b.now + HOUR;
    match b.refused("EGY", change("bad", closes, ZoneOp::Change, "aaa", Some(d), None)) {
        Refusal::ZoneChecks { tld, faults } => {
            assert_eq!(tld, "aaa");
            for code in ["ns-count", "ns-host-names", "addresses-global", "ds-algorithm", "ds-digest"] {
                assert!(faults.iter().any(|f| f.starts_with(code)), "{code} missing from {faults:?}");
            }
        }
        r => panic!("{r}"),
    }
    assert_eq!(Refusal::ZoneChecks { tld: "x".into(), faults: vec![] }.code(), "zone-checks-failed");
}

#[test]
fn only_the_country_or_the_member_sponsor_tables_its_tld_and_others_any_member() {
    let mut b = imported();
    let closes = b.now + HOUR;
    let fr = delegation("fr", &["d.nic.fr", "f.nic.fr"], 11);
    let r = b.refused("CHN", change("fr-by-chn", closes, ZoneOp::Change, "fr", Some(fr.clone()), None));
    assert!(r.to_string().contains("only FRA may table"), "{r}");
    b.ok("FRA", change("fr-by-fra", closes, ZoneOp::Change, "fr", Some(fr), None));
    // cn is China's country code: China only, whoever is recorded.
    let r = b.refused("IND", change("cn-rm", closes, ZoneOp::Remove, "cn", None, None));
    assert!(r.to_string().contains("only CHN may table"), "{r}");
    // A generic TLD sponsored by an organisation: any member.
    b.ok("BRA", change("aaa-rm", closes, ZoneOp::Remove, "aaa", None, None));
    // A member names only itself as sponsor.
    let d = delegation("shop", &["ns1.nic.shop", "ns2.nic.shop"], 12);
    let r = b.refused(
        "BRA",
        change("shop", closes, ZoneOp::Add, "shop", Some(d.clone()), Some(Sponsor::Member(mid("IND")))),
    );
    assert!(r.to_string().contains("only itself"), "{r}");
    b.ok("BRA", change("shop", closes, ZoneOp::Add, "shop", Some(d), Some(Sponsor::Member(mid("BRA")))));
    // A new ccTLD of a member is that member's: Egypt's .eg, sponsored by Egypt.
    let eg = delegation("eg", &["ns1.nic.eg", "ns2.nic.eg"], 13);
    let r = b.refused("EGY", change("eg-org", closes, ZoneOp::Add, "eg", Some(eg.clone()), Some(org("Someone"))));
    assert!(r.to_string().contains("country code of EGY"), "{r}");
    b.ok("EGY", change("eg", closes, ZoneOp::Add, "eg", Some(eg), Some(Sponsor::Member(mid("EGY")))));
}

#[test]
fn zone_change_is_an_important_question_and_needs_a_registry() {
    let mut b = Body::found();
    let closes = b.now + HOUR;
    let d = delegation("aaa", &["ns1.nic.aaa", "ns2.nic.aaa"], 1);
    let r = b.refused("FRA", change("early", closes, ZoneOp::Add, "aaa", Some(d.clone()), Some(org("X"))));
    assert!(r.to_string().contains("no registry"), "{r}");
    let mut b = imported();
    let mut act = change("ordinary", closes, ZoneOp::Change, "aaa", Some(d), None);
    if let Act::ProposalSubmit(s) = &mut act {
        s.question = Question::Ordinary;
    }
    let r = b.refused("EGY", act);
    assert!(r.to_string().contains("important question"), "{r}");
}

#[test]
fn a_change_that_fails_the_checks_at_adoption_is_not_applied() {
    let mut b = imported();
    let closes = b.now + HOUR;
    // Two proposals: net keeps the glue that the apex uses; removing net
    // is refused at once; but a change dropping that glue can be tabled
    // only while nothing else needs it, so race two changes of aaa.
    b.ok(
        "EGY",
        change(
            "aaa-1",
            closes,
            ZoneOp::Change,
            "aaa",
            Some(delegation("aaa", &["ns1.nic.aaa", "ns9.nic.aaa"], 20)),
            None,
        ),
    );
    b.ok("BRA", change("aaa-rm", closes + SEC, ZoneOp::Remove, "aaa", None, None));
    let r = b.refused("BRA", change("net-rm", closes, ZoneOp::Remove, "net", None, None));
    assert!(matches!(r, Refusal::ZoneChecks { .. }), "{r}");
    yes_from_all(&mut b, "aaa-rm");
    yes_from_all(&mut b, "aaa-1");
    b.tick_at(closes + SEC);
    let r1 = b.state.decisions().get("aaa-1").unwrap().record.action_result.clone();
    let r2 = b.state.decisions().get("aaa-rm").unwrap().record.action_result.clone();
    assert_eq!(r1.as_deref().map(|s| s.starts_with("applied")), Some(true), "{r1:?}");
    assert_eq!(r2.as_deref().map(|s| s.starts_with("applied")), Some(true), "{r2:?}");
    assert!(!b.state.zone().registry().unwrap().delegations.contains_key(&tld("aaa")));
    b.assert_replays();
}

#[test]
fn every_rrset_is_signed_again_a_week_after_the_last_full_signing() {
    let mut b = imported();
    let start = b.state.zone().version().unwrap().clone();
    let due = b.state.next_deadline().unwrap();
    // Before the deadline nothing is due.
    b.tick_at(due.millis() - SEC);
    assert_eq!(b.state.zone().version().unwrap().serial, start.serial);
    let a = b.tick_at(due.millis());
    let v = b.state.zone().version().unwrap();
    assert_eq!(v.cause, VersionCause::Resign);
    assert_eq!(v.plan.full, due.millis() as u64 / 1000);
    assert!(v.plan.touched.is_empty());
    assert_eq!(v.serial, 2025120200, "a new day's serial");
    assert!(a.effects.iter().any(|e| matches!(e, Effect::ZoneVersionFormed(x) if x.cause == VersionCause::Resign)));
    assert_eq!(b.state.next_deadline(), Some(Timestamp(due.millis() + 7 * DAY)));
    b.assert_replays();
}

#[test]
fn the_secretariat_records_the_current_serial_once() {
    let mut b = imported();
    let serial = b.state.zone().version().unwrap().serial;
    let publish = |serial: u32| Act::ZonePublish(ZonePublish { serial, sha256: "ab".repeat(32) });
    let r = b.refused("FRA", publish(serial));
    assert!(r.to_string().contains("secretariat"), "{r}");
    let r = b.refused(SECRETARIAT, publish(serial + 1));
    assert!(r.to_string().contains("not"), "{r}");
    let a = b.ok(SECRETARIAT, publish(serial));
    assert!(a.effects.iter().any(|e| matches!(e, Effect::ZonePublished { serial: s, .. } if *s == serial)));
    let r = b.refused(SECRETARIAT, publish(serial));
    assert!(r.to_string().contains("published already"), "{r}");
    let bad = Act::ZonePublish(ZonePublish { serial, sha256: "AB".repeat(32) });
    assert!(matches!(b.refused(SECRETARIAT, bad), Refusal::BadBody { .. }));
    b.assert_replays();
}

#[test]
fn a_zone_body_has_one_encoding() {
    // A name without its final dot, or upper case, is another encoding of
    // the same delegation: refused, never silently folded.
    let b = Body::found();
    drop(b);
    let body = serde_json::json!({
        "op": "change", "tld": "aaa", "type": "zone.change",
        "delegation": { "ns": ["ns1.nic.aaa", "ns2.nic.aaa."] }
    });
    let parsed: Result<Action, _> = serde_json::from_value(body.clone());
    let a = parsed.unwrap();
    assert_ne!(serde_json::to_value(&a).unwrap(), body, "the re-encoding differs, so Act::parse refuses it");
    let weak = ZoneKeys { ksk: base64::engine::general_purpose::STANDARD.encode([0u8; 32]), zsk: keys().zsk };
    let mut b = Body::found();
    let mut i = ZoneImport {
        file_sha256: SHA.into(),
        source_serial: 1,
        part: 1,
        parts: 1,
        apex: Some(apex()),
        keys: Some(weak),
        delegations: registry_parts().into_iter().flatten().collect(),
    };
    let r = b.refused(SECRETARIAT, Act::ZoneImport(Box::new(i.clone())));
    assert!(r.to_string().contains("weak"), "{r}");
    i.keys = Some(keys());
    b.ok(SECRETARIAT, Act::ZoneImport(Box::new(i)));
}

#[test]
fn import_part_numbers_and_delegation_sizes_at_their_limits() {
    // part and parts: 1..=parts, parts 1..=512; anything else is a bad body.
    let mut b = Body::found();
    for (part, parts) in [(0, 1), (2, 1), (1, 0), (1, 513), (u32::MAX, u32::MAX)] {
        let r = b.refused(SECRETARIAT, import(part, parts, BTreeMap::new()));
        assert!(matches!(r, Refusal::BadBody { .. }), "part {part} of {parts}: {r}");
    }
    b.ok(SECRETARIAT, import(1, 512, registry_parts()[0].clone()));
    drop(b);

    // Fourteen name servers, nine DS, a host with nine addresses: each named.
    let mut b = imported();
    let hosts: Vec<String> = (0..14).map(|i| format!("ns{i}.nic.aaa")).collect();
    let refs: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let mut d = delegation("aaa", &refs, 30);
    for k in 0..9 {
        d.ds.insert(Ds { key_tag: k, algorithm: 15, digest_type: 2, digest: vec![k as u8; 32] });
    }
    let addrs: BTreeSet<std::net::IpAddr> = (1..=9).map(|i| format!("193.0.31.{i}").parse().unwrap()).collect();
    d.glue.insert(name("ns0.nic.aaa"), addrs);
    let closes = b.now + HOUR;
    match b.refused("EGY", change("big", closes, ZoneOp::Change, "aaa", Some(d), None)) {
        Refusal::ZoneChecks { faults, .. } => {
            assert!(faults.iter().any(|f| f.starts_with("ns-count")), "{faults:?}");
            assert!(faults.iter().filter(|f| f.starts_with("limits")).count() >= 2, "{faults:?}");
        }
        r => panic!("{r}"),
    }
}
