//! Golden objects (written for these tests from the STIX 2.1 property
//! lists) and one refusal per rule, each naming its property.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use accord_stix::validate::{MAX_DEPTH, MAX_LIST_LEN, MAX_OBJECT_BYTES, MAX_STRING_BYTES};
use accord_stix::{parse_json, parse_object, tlp_of, Invalid, StixObject, Tlp, Version};
use serde_json::{json, Value};

const T0: &str = "2025-03-01T10:00:00.000Z";
const T1: &str = "2025-03-02T11:30:00.250Z";
const IDENT: &str = "identity--a1b2c3d4-0000-4000-8000-000000000001";
const IND: &str = "indicator--a1b2c3d4-0000-4000-8000-000000000002";
const MAL: &str = "malware--a1b2c3d4-0000-4000-8000-000000000003";
const OBS: &str = "observed-data--a1b2c3d4-0000-4000-8000-000000000004";
const IPV4: &str = "ipv4-addr--a1b2c3d4-0000-4000-8000-000000000005";
const LOC: &str = "location--a1b2c3d4-0000-4000-8000-000000000006";
const OTHER_MD: &str = "marking-definition--a1b2c3d4-0000-4000-8000-000000000007";
const TLP1_WHITE: &str = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";
const TLP1_GREEN: &str = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
const TLP1_AMBER: &str = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";
const TLP1_RED: &str = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";
const TLP2_CLEAR: &str = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
const TLP2_AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
const TLP2_STRICT: &str = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
const TLP2_EXT: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

fn parse(v: &Value) -> Result<StixObject, Invalid> {
    parse_object(v, serde_json::to_vec(v).unwrap().len())
}

fn ok(v: Value) -> StixObject {
    match parse(&v) {
        Ok(o) => o,
        Err(e) => panic!("refused {e}: {v}"),
    }
}

fn refused(v: Value, property: &str) -> Invalid {
    match parse(&v) {
        Ok(_) => panic!("accepted, expected refusal of {property}: {v}"),
        Err(e) => {
            assert_eq!(e.property, property, "{e}");
            e
        }
    }
}

/// A domain object of type `t` with common properties and `extra`.
fn sdo(t: &str, n: u32, extra: Value) -> Value {
    let mut v = json!({
        "type": t,
        "spec_version": "2.1",
        "id": format!("{t}--1f2e3d4c-5b6a-4789-9abc-{n:012x}"),
        "created": T0,
        "modified": T1,
    });
    let m = v.as_object_mut().unwrap();
    for (k, x) in extra.as_object().unwrap() {
        m.insert(k.clone(), x.clone());
    }
    v
}

fn with(mut v: Value, k: &str, x: Value) -> Value {
    v[k] = x;
    v
}

fn without(mut v: Value, k: &str) -> Value {
    v.as_object_mut().unwrap().remove(k);
    v
}

fn indicator() -> Value {
    sdo(
        "indicator",
        1,
        json!({
            "name": "bad host",
            "indicator_types": ["malicious-activity"],
            "pattern": "[ipv4-addr:value = '198.51.100.7']",
            "pattern_type": "stix",
            "valid_from": "2025-03-01T00:00:00Z",
            "valid_until": "2025-06-01T00:00:00Z",
            "kill_chain_phases": [{"kill_chain_name": "lockheed-martin-cyber-kill-chain", "phase_name": "delivery"}],
            "created_by_ref": IDENT,
            "labels": ["accord-test"],
            "confidence": 85,
            "lang": "en",
            "revoked": false,
            "external_references": [{"source_name": "cert-xx", "external_id": "XX-2025-01", "url": "https://cert.example/1", "hashes": {"SHA-256": "00ff"}}],
            "object_marking_refs": [TLP2_AMBER],
            "x_accord_case": "c-17"
        }),
    )
}

fn golden() -> Vec<Value> {
    vec![
        indicator(),
        sdo(
            "malware",
            2,
            json!({"name": "Dropper9", "is_family": true, "malware_types": ["dropper"], "sample_refs": ["file--1f2e3d4c-5b6a-4789-9abc-0000000000aa"]}),
        ),
        sdo("malware", 3, json!({"is_family": false})),
        sdo(
            "attack-pattern",
            4,
            json!({"name": "Spearphishing link", "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}]}),
        ),
        sdo(
            "campaign",
            5,
            json!({"name": "Winter wave", "first_seen": "2025-01-01T00:00:00Z", "last_seen": "2025-02-01T00:00:00Z", "objective": "credentials"}),
        ),
        sdo(
            "intrusion-set",
            6,
            json!({"name": "Group K", "aliases": ["K"], "goals": ["espionage"], "resource_level": "government"}),
        ),
        sdo(
            "threat-actor",
            7,
            json!({"name": "Actor Q", "threat_actor_types": ["nation-state"], "sophistication": "expert"}),
        ),
        sdo("tool", 8, json!({"name": "netcat", "tool_types": ["remote-access"], "tool_version": "1.10"})),
        sdo(
            "vulnerability",
            9,
            json!({"name": "CVE-2025-0001", "external_references": [{"source_name": "cve", "external_id": "CVE-2025-0001"}]}),
        ),
        sdo("infrastructure", 10, json!({"name": "C2 cluster", "infrastructure_types": ["command-and-control"]})),
        sdo(
            "identity",
            11,
            json!({"name": "CERT of State X", "identity_class": "organization", "sectors": ["government"]}),
        ),
        sdo("identity", 12, json!({"name": "No class given"})),
        sdo("location", 13, json!({"name": "HQ", "latitude": 48.85, "longitude": 2.35, "precision": 1000.0})),
        sdo("location", 14, json!({"country": "fr"})),
        sdo("location", 15, json!({"region": "northern-europe"})),
        sdo(
            "relationship",
            16,
            json!({"relationship_type": "indicates", "source_ref": IND, "target_ref": MAL, "start_time": T0, "stop_time": T1}),
        ),
        sdo(
            "sighting",
            17,
            json!({"sighting_of_ref": IND, "count": 3, "first_seen": T0, "last_seen": T1, "observed_data_refs": [OBS], "where_sighted_refs": [IDENT, LOC], "summary": false}),
        ),
        sdo(
            "report",
            18,
            json!({"name": "Weekly", "report_types": ["threat-report"], "published": "2025-03-03T00:00:00Z", "object_refs": [IND, MAL]}),
        ),
        sdo(
            "note",
            19,
            json!({"abstract": "triage", "content": "Seen at two members.", "authors": ["desk"], "object_refs": [IND]}),
        ),
        sdo("incident", 20, json!({"name": "Outage at ministry"})),
        sdo(
            "observed-data",
            21,
            json!({"first_observed": T0, "last_observed": T1, "number_observed": 999_999_999, "object_refs": [IPV4]}),
        ),
        sdo("course-of-action", 22, json!({"name": "Block the address"})),
        sdo("grouping", 23, json!({"context": "suspicious-activity", "object_refs": [IND]})),
        sdo("opinion", 24, json!({"opinion": "agree", "object_refs": [IND]})),
        tlp1_def(TLP1_RED, "red"),
        tlp2_def(TLP2_STRICT, "amber+strict", "TLP:AMBER+STRICT"),
        json!({"type": "marking-definition", "spec_version": "2.1", "id": OTHER_MD, "created": T0,
               "definition_type": "statement", "definition": {"statement": "Copyright Accord"}}),
        json!({"type": "ipv4-addr", "id": IPV4, "value": "198.51.100.7"}),
        json!({"type": "x-accord-case", "spec_version": "2.1", "id": "x-accord-case--1f2e3d4c-5b6a-4789-9abc-000000000099", "created": T0, "anything": [1, 2]}),
    ]
}

fn tlp1_def(id: &str, word: &str) -> Value {
    json!({"type": "marking-definition", "spec_version": "2.1", "id": id, "created": "2017-01-20T00:00:00.000Z",
           "definition_type": "tlp", "name": format!("TLP:{}", word.to_uppercase()), "definition": {"tlp": word}})
}

fn tlp2_def(id: &str, word: &str, name: &str) -> Value {
    json!({"type": "marking-definition", "spec_version": "2.1", "id": id, "created": "2022-10-01T00:00:00.000Z",
           "name": name, "extensions": {TLP2_EXT: {"extension_type": "property-extension", "tlp_2_0": word}}})
}

#[test]
fn golden_objects_pass() {
    for v in golden() {
        let o = ok(v.clone());
        assert_eq!(o.raw(), &v);
        assert_eq!(o.stix_type(), v["type"].as_str().unwrap());
        assert_eq!(o.spec_version(), "2.1");
    }
}

#[test]
fn all_tlp_definitions_pass() {
    for (id, w) in [(TLP1_WHITE, "white"), (TLP1_GREEN, "green"), (TLP1_AMBER, "amber"), (TLP1_RED, "red")] {
        ok(tlp1_def(id, w));
    }
    for (id, w, n) in [
        (TLP2_CLEAR, "clear", "TLP:CLEAR"),
        ("marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "green", "TLP:GREEN"),
        (TLP2_AMBER, "amber", "TLP:AMBER"),
        (TLP2_STRICT, "amber+strict", "TLP:AMBER+STRICT"),
        ("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "red", "TLP:RED"),
    ] {
        let o = ok(tlp2_def(id, w, n));
        assert!(matches!(o.version(), Version::Created(_)));
    }
}

#[test]
fn accessors_refs_and_version() {
    let o = ok(indicator());
    assert_eq!(o.id().as_str(), "indicator--1f2e3d4c-5b6a-4789-9abc-000000000001");
    assert_eq!(o.created().unwrap().as_str(), T0);
    assert_eq!(o.modified().unwrap().as_str(), T1);
    assert!(matches!(o.version(), Version::Modified(t) if t.as_str() == T1));
    let refs: Vec<&str> = o.refs().iter().map(|r| r.as_str()).collect();
    assert_eq!(refs, vec![IDENT, TLP2_AMBER]);
    assert_eq!(tlp_of(&o), Some(Tlp::Amber));
    let sco = ok(json!({"type": "ipv4-addr", "id": IPV4, "value": "198.51.100.7"}));
    assert_eq!(sco.version(), Version::Unversioned);
    assert_eq!(tlp_of(&sco), None);
    let s = ok(golden()[16].clone());
    assert_eq!(s.refs().len(), 4);
}

#[test]
fn most_restrictive_tlp_mixed_versions() {
    let marked = |refs: Value| ok(with(indicator(), "object_marking_refs", refs));
    assert_eq!(tlp_of(&marked(json!([TLP1_WHITE]))), Some(Tlp::Clear));
    assert_eq!(tlp_of(&marked(json!([TLP2_CLEAR, TLP1_GREEN]))), Some(Tlp::Green));
    assert_eq!(tlp_of(&marked(json!([TLP1_AMBER, TLP2_CLEAR]))), Some(Tlp::Amber));
    assert_eq!(tlp_of(&marked(json!([TLP1_AMBER, TLP2_STRICT, TLP1_WHITE]))), Some(Tlp::AmberStrict));
    assert_eq!(tlp_of(&marked(json!([TLP2_STRICT, TLP1_RED]))), Some(Tlp::Red));
    let o = marked(json!([OTHER_MD, TLP1_GREEN]));
    assert_eq!(tlp_of(&o), Some(Tlp::Green));
    assert_eq!(o.other_markings().iter().map(|m| m.as_str()).collect::<Vec<_>>(), vec![OTHER_MD]);
    let none = marked(json!([OTHER_MD]));
    assert_eq!(tlp_of(&none), None);
    assert_eq!(none.other_markings().len(), 1);
    // A granular RED marking makes the whole object RED.
    let g = with(
        marked(json!([TLP1_GREEN])).raw().clone(),
        "granular_markings",
        json!([{"selectors": ["description"], "marking_ref": TLP1_RED}]),
    );
    assert_eq!(tlp_of(&ok(g)), Some(Tlp::Red));
}

#[test]
fn common_refusals_name_the_property() {
    let i = indicator();
    refused(without(i.clone(), "type"), "type");
    refused(with(i.clone(), "type", json!(7)), "type");
    refused(with(i.clone(), "type", json!("Indicator")), "type");
    refused(without(i.clone(), "id"), "id");
    refused(with(i.clone(), "id", json!(MAL)), "id");
    refused(with(i.clone(), "id", json!("indicator--A1B2C3D4-0000-4000-8000-000000000002")), "id");
    refused(without(i.clone(), "spec_version"), "spec_version");
    refused(with(i.clone(), "spec_version", json!("2.0")), "spec_version");
    refused(without(i.clone(), "created"), "created");
    refused(without(i.clone(), "modified"), "modified");
    refused(with(i.clone(), "created", json!("2025-03-01T10:00:00Z")), "created");
    refused(with(i.clone(), "modified", json!("2025-03-01T10:00:00.1Z")), "modified");
    refused(with(i.clone(), "modified", json!("2025-02-28T10:00:00.000Z")), "modified");
    ok(with(i.clone(), "modified", json!(T0)));
    refused(with(i.clone(), "created_by_ref", json!(MAL)), "created_by_ref");
    refused(with(i.clone(), "created_by_ref", json!("nope")), "created_by_ref");
    refused(with(i.clone(), "object_marking_refs", json!([IDENT])), "object_marking_refs");
    refused(with(i.clone(), "object_marking_refs", json!([])), "object_marking_refs");
    refused(with(i.clone(), "object_marking_refs", json!(TLP1_RED)), "object_marking_refs");
    refused(with(i.clone(), "labels", json!(["a", 1])), "labels");
    refused(with(i.clone(), "labels", json!("a")), "labels");
    refused(with(i.clone(), "confidence", json!(101)), "confidence");
    refused(with(i.clone(), "confidence", json!(-1)), "confidence");
    refused(with(i.clone(), "confidence", json!(50.5)), "confidence");
    ok(with(i.clone(), "confidence", json!(0)));
    ok(with(i.clone(), "confidence", json!(100)));
    refused(with(i.clone(), "lang", json!("en_US")), "lang");
    refused(with(i.clone(), "lang", json!("")), "lang");
    ok(with(i.clone(), "lang", json!("pt-BR")));
    refused(with(i.clone(), "revoked", json!("false")), "revoked");
    refused(with(i.clone(), "no_such_property", json!(1)), "no_such_property");
    refused(with(i.clone(), "x_Bad", json!(1)), "x_Bad");
    refused(with(i.clone(), "some_ref", json!("nope")), "some_ref");
    refused(with(i.clone(), "x_thing_refs", json!("nope")), "x_thing_refs");
    refused(with(i.clone(), "description", json!(null)), "description");
    refused(json!([1, 2]), "<object>");
}

#[test]
fn external_references_shape() {
    let er = |x: Value| with(indicator(), "external_references", x);
    refused(er(json!([{"url": "https://x.example"}])), "external_references[0].source_name");
    refused(er(json!([{"source_name": "a"}])), "external_references[0]");
    refused(er(json!([{"source_name": "a", "url": 3}])), "external_references[0].url");
    refused(er(json!([{"source_name": "a", "url": "u", "extra": "e"}])), "external_references[0].extra");
    refused(er(json!([{"source_name": "a", "url": "u", "hashes": {}}])), "external_references[0].hashes");
    refused(er(json!(["a"])), "external_references[0]");
    refused(er(json!({})), "external_references");
}

#[test]
fn granular_markings_shape() {
    let gm = |x: Value| with(indicator(), "granular_markings", x);
    ok(gm(json!([{"selectors": ["name"], "lang": "fr"}])));
    refused(gm(json!([{"marking_ref": TLP1_RED}])), "granular_markings[0].selectors");
    refused(gm(json!([{"selectors": ["name"]}])), "granular_markings[0]");
    refused(gm(json!([{"selectors": ["name"], "lang": "fr", "marking_ref": TLP1_RED}])), "granular_markings[0]");
    refused(gm(json!([{"selectors": ["name"], "marking_ref": IDENT}])), "granular_markings[0].marking_ref");
    refused(gm(json!([{"selectors": [], "marking_ref": TLP1_RED}])), "granular_markings[0].selectors");
    refused(gm(json!([{"selectors": ["name"], "marking_ref": TLP1_RED, "x": 1}])), "granular_markings[0].x");
}

#[test]
fn extensions_shape() {
    let ext = |x: Value| with(indicator(), "extensions", x);
    ok(ext(
        json!({"extension-definition--1f2e3d4c-5b6a-4789-9abc-000000000042": {"extension_type": "property-extension", "rank": 2}}),
    ));
    refused(ext(json!({"ntfs-ext": {}})), "extensions.ntfs-ext");
    refused(ext(json!({})), "extensions");
    refused(
        ext(json!({"extension-definition--1f2e3d4c-5b6a-4789-9abc-000000000042": {"extension_type": "other"}})),
        "extensions.extension-definition--1f2e3d4c-5b6a-4789-9abc-000000000042.extension_type",
    );
    ok(
        json!({"type": "file", "id": "file--1f2e3d4c-5b6a-4789-9abc-0000000000aa", "name": "a.exe", "extensions": {"ntfs-ext": {"sid": "1"}}}),
    );
}

#[test]
fn per_type_refusals() {
    let g = golden();
    let (ind, mal, ap) = (g[0].clone(), g[1].clone(), g[3].clone());
    refused(without(ind.clone(), "pattern"), "pattern");
    refused(without(ind.clone(), "pattern_type"), "pattern_type");
    refused(without(ind.clone(), "valid_from"), "valid_from");
    refused(with(ind.clone(), "valid_until", json!("2025-03-01T00:00:00Z")), "valid_until");
    refused(with(ind.clone(), "valid_until", json!("2025-02-01T00:00:00Z")), "valid_until");
    refused(with(ind.clone(), "valid_from", json!("yesterday")), "valid_from");
    refused(with(ind.clone(), "kill_chain_phases", json!([{"kill_chain_name": "k"}])), "kill_chain_phases");
    refused(without(mal.clone(), "is_family"), "is_family");
    refused(with(mal.clone(), "is_family", json!("yes")), "is_family");
    refused(without(mal.clone(), "name"), "name");
    refused(with(mal.clone(), "sample_refs", json!([IDENT])), "sample_refs");
    refused(with(with(mal, "first_seen", json!(T0)), "last_seen", json!("2000-01-01T00:00:00Z")), "last_seen");
    refused(without(ap, "name"), "name");
    for i in [4, 5, 6, 7, 8, 9, 10, 19] {
        refused(without(g[i].clone(), "name"), "name");
    }
    refused(with(g[4].clone(), "last_seen", json!("2024-01-01T00:00:00Z")), "last_seen");
    refused(without(g[10].clone(), "name"), "name");
    refused(with(g[10].clone(), "identity_class", json!(3)), "identity_class");
    // location
    refused(without(g[12].clone(), "longitude"), "longitude");
    refused(with(g[12].clone(), "latitude", json!(91.0)), "latitude");
    refused(with(g[12].clone(), "longitude", json!(-180.5)), "longitude");
    refused(with(g[13].clone(), "precision", json!(10.0)), "precision");
    refused(sdo("location", 30, json!({"name": "nowhere"})), "region");
    // relationship
    let rel = g[15].clone();
    for k in ["relationship_type", "source_ref", "target_ref"] {
        refused(without(rel.clone(), k), k);
    }
    refused(with(rel.clone(), "stop_time", json!(T0)), "stop_time");
    refused(with(rel.clone(), "target_ref", json!(g[15]["id"].clone())), "target_ref");
    // sighting
    let si = g[16].clone();
    refused(without(si.clone(), "sighting_of_ref"), "sighting_of_ref");
    refused(with(si.clone(), "sighting_of_ref", json!(TLP1_RED)), "sighting_of_ref");
    refused(with(si.clone(), "sighting_of_ref", json!(IPV4)), "sighting_of_ref");
    refused(with(si.clone(), "count", json!(1_000_000_000)), "count");
    refused(with(si.clone(), "count", json!(-1)), "count");
    refused(with(si.clone(), "where_sighted_refs", json!([MAL])), "where_sighted_refs");
    refused(with(si.clone(), "observed_data_refs", json!([IND])), "observed_data_refs");
    refused(with(si, "last_seen", json!("2020-01-01T00:00:00Z")), "last_seen");
    // report
    let rep = g[17].clone();
    refused(without(rep.clone(), "published"), "published");
    refused(without(rep.clone(), "object_refs"), "object_refs");
    refused(with(rep, "object_refs", json!([])), "object_refs");
    // note
    refused(without(g[18].clone(), "content"), "content");
    refused(without(g[18].clone(), "object_refs"), "object_refs");
    // observed-data
    let od = g[20].clone();
    for k in ["first_observed", "last_observed", "number_observed", "object_refs"] {
        refused(without(od.clone(), k), k);
    }
    refused(with(od.clone(), "number_observed", json!(0)), "number_observed");
    refused(with(od.clone(), "number_observed", json!(1_000_000_000)), "number_observed");
    refused(with(od.clone(), "last_observed", json!("2025-01-01T00:00:00Z")), "last_observed");
    refused(with(od, "objects", json!({"0": {"type": "ipv4-addr"}})), "objects");
    refused(without(g[22].clone(), "context"), "context");
    refused(with(g[23].clone(), "opinion", json!("meh")), "opinion");
}

#[test]
fn marking_definition_refusals() {
    let red = tlp1_def(TLP1_RED, "red");
    refused(with(red.clone(), "definition", json!({"tlp": "green"})), "definition");
    refused(with(red.clone(), "definition", json!({"tlp": "purple"})), "definition");
    refused(with(red.clone(), "id", json!(OTHER_MD)), "id");
    refused(without(red.clone(), "definition"), "definition");
    refused(without(without(red.clone(), "definition"), "definition_type"), "definition_type");
    refused(without(red.clone(), "definition_type"), "definition_type");
    refused(with(red.clone(), "modified", json!(T1)), "modified");
    refused(with(red.clone(), "created", json!("2017-01-20T00:00:00Z")), "created");
    refused(with(red.clone(), "labels", json!(["x"])), "labels");
    let p = format!("extensions.{TLP2_EXT}");
    let strict = tlp2_def(TLP2_STRICT, "amber+strict", "TLP:AMBER+STRICT");
    refused(tlp2_def(TLP2_STRICT, "amber", "TLP:AMBER+STRICT"), &p);
    refused(tlp2_def(TLP2_STRICT, "purple", "TLP:AMBER+STRICT"), &p);
    refused(tlp2_def(TLP2_STRICT, "amber+strict", "TLP:AMBER"), "name");
    refused(tlp2_def(OTHER_MD, "red", "TLP:RED"), "id");
    refused(
        with(strict, "extensions", json!({TLP2_EXT: {"extension_type": "new-sdo", "tlp_2_0": "amber+strict"}})),
        &p,
    );
    refused(
        json!({"type": "marking-definition", "spec_version": "2.1", "id": OTHER_MD, "created": T0,
               "definition_type": "statement", "definition": {"statement": 5}}),
        "definition",
    );
}

#[test]
fn limits_are_named() {
    let i = indicator();
    // size
    let e = parse_object(&i, MAX_OBJECT_BYTES + 1).unwrap_err();
    assert_eq!(e.property, "<object>");
    assert!(parse_object(&i, MAX_OBJECT_BYTES).is_ok());
    let big = serde_json::to_vec(&with(i.clone(), "x_pad", json!("a".repeat(MAX_OBJECT_BYTES)))).unwrap();
    assert_eq!(parse_json(&big).unwrap_err().property, "<object>");
    assert!(parse_json(&serde_json::to_vec(&i).unwrap()).is_ok());
    assert_eq!(parse_json(b"{not json").unwrap_err().property, "<object>");
    let dup = br#"{"type":"ipv4-addr","id":"ipv4-addr--a1b2c3d4-0000-4000-8000-000000000005","value":"a","value":"b"}"#;
    let e = parse_json(dup).unwrap_err();
    assert_eq!(e.property, "<object>");
    assert!(e.why.contains("repeated"), "{e}");
    let nested =
        br#"{"type":"ipv4-addr","id":"ipv4-addr--a1b2c3d4-0000-4000-8000-000000000005","x_a":[{"k":1,"k":2}]}"#;
    assert!(parse_json(nested).unwrap_err().why.contains("repeated"));
    assert!(parse_json(&nested[..]).is_err());
    let fine = br#"{"type":"ipv4-addr","id":"ipv4-addr--a1b2c3d4-0000-4000-8000-000000000005","value":"a","x_n":[1.5,-2,true,"s"]}"#;
    assert!(parse_json(fine).is_ok());
    // list length
    let list = |n: usize| with(i.clone(), "labels", json!(vec!["l"; n]));
    ok(list(MAX_LIST_LEN));
    refused(list(MAX_LIST_LEN + 1), "labels");
    // string length
    ok(with(i.clone(), "description", json!("d".repeat(MAX_STRING_BYTES))));
    refused(with(i.clone(), "description", json!("d".repeat(MAX_STRING_BYTES + 1))), "description");
    // nesting: the object is depth 1, x_deep's value depth 2.
    let nest = |levels: usize| {
        let mut v = json!(1);
        for _ in 0..levels {
            v = json!([v]);
        }
        with(i.clone(), "x_deep", v)
    };
    ok(nest(MAX_DEPTH - 2));
    let e = refused(nest(MAX_DEPTH - 1), &format!("x_deep{}", "[0]".repeat(MAX_DEPTH - 1)));
    assert!(e.why.contains("deeper"));
}

mod fuzzish {
    use super::*;
    use proptest::prelude::*;

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
            prop_oneof![
                "[a-z_-]{0,12}",
                Just(T0.to_owned()),
                Just(IND.to_owned()),
                Just(TLP1_RED.to_owned()),
                Just("indicator".to_owned()),
                Just("2.1".to_owned()),
            ]
            .prop_map(Value::String),
        ];
        leaf.prop_recursive(6, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(
                    prop_oneof![
                        Just("type".to_owned()),
                        Just("id".to_owned()),
                        Just("created".to_owned()),
                        Just("object_marking_refs".to_owned()),
                        Just("x_ref".to_owned()),
                        "[a-z_]{1,10}",
                    ],
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn random_json_never_panics(v in arb_json()) {
            let _ = parse(&v);
        }

        #[test]
        fn mutated_golden_never_panics(i in 0usize..29, k in "[a-z_]{1,20}", v in arb_json()) {
            let g = golden();
            let o = with(g[i % g.len()].clone(), &k, v);
            let _ = parse(&o);
        }
    }
}
