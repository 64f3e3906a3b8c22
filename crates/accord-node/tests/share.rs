//! TLP as a property: random objects, random TLP labels, random recipients,
//! random collections and communities, random readers. No reader ever
//! receives an object the TLP forbids, on any read path (objects, manifest,
//! by id, versions, status), and every reader receives every object the
//! TLP allows (so the property cannot hold by returning nothing).
//!
//! The oracle below is written from the rules, not from the
//! node's code.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use accord_core::acts::genesis::FoundingMember;
use accord_core::acts::Genesis;
use accord_core::{Act, MemberId, Seq, Statement, Timestamp};
use accord_log::Signer;
use accord_node::share::{Filters, Reader, ShareError};
use accord_node::{found_body, Clock, Node, NodeConfig};
use accord_store::share::Versions;
use ed25519_dalek::SigningKey;
use proptest::prelude::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

const ORIGIN: &str = "share.test/log";
const MEMBERS: [&str; 4] = ["AAA", "BBB", "CCC", "DDD"];
const TLP2: [&str; 5] = [
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
];
const TLP1: [Option<&str>; 5] = [
    Some("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"),
    Some("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"),
    Some("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"),
    None,
    Some("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"),
];

struct FakeClock(AtomicI64);

impl Clock for FakeClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

fn key(name: &str, b: u8) -> Signer {
    Signer::new(name, SigningKey::from_bytes(&[b; 32])).unwrap()
}

fn id(m: &str) -> MemberId {
    MemberId::parse(m).unwrap()
}

/// One object to share.
#[derive(Clone, Debug)]
struct Spec {
    sharer: usize,
    /// 0: all, 1: the sharer's own, 2: the community.
    collection: u8,
    /// 0 CLEAR … 4 RED; 5: no marking (the collection's default, GREEN).
    tlp: u8,
    /// TLP 1.0 id instead of 2.0 where there is one.
    tlp1: bool,
    /// Recipients by member index; `community` names the community too.
    recipients: BTreeSet<usize>,
    community: bool,
    /// A second version.
    versions: u8,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0..MEMBERS.len(),
        0u8..3,
        0u8..6,
        any::<bool>(),
        proptest::collection::btree_set(0..MEMBERS.len(), 0..4),
        any::<bool>(),
        1u8..3,
    )
        .prop_map(|(sharer, collection, tlp, tlp1, recipients, community, versions)| Spec {
            sharer,
            collection,
            tlp,
            tlp1,
            recipients,
            community,
            versions,
        })
}

/// The community: its members with (can_read, can_write); AAA founds it.
fn community() -> impl Strategy<Value = (bool, BTreeMap<usize, (bool, bool)>)> {
    (any::<bool>(), proptest::collection::btree_map(1..MEMBERS.len(), (any::<bool>(), any::<bool>()), 0..4)).prop_map(
        |(public, mut m)| {
            for v in m.values_mut() {
                v.1 &= v.0;
            }
            m.insert(0, (true, true));
            (public, m)
        },
    )
}

struct World {
    node: Node,
    rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
    readers: Vec<Reader>,
}

fn world(public: bool, rights: &BTreeMap<usize, (bool, bool)>) -> World {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("s.db").display());
    let store = accord_store::open(&url).unwrap();
    let sec = key(&MemberId::secretariat().key_name(ORIGIN), 1);
    let log = key(ORIGIN, 2);
    let keys: Vec<Signer> =
        MEMBERS.iter().enumerate().map(|(i, m)| key(&id(m).key_name(ORIGIN), 10 + i as u8)).collect();
    let clock = Arc::new(FakeClock(AtomicI64::new(1_790_000_000_000)));
    let genesis = Genesis {
        name: "Share test".into(),
        names: Default::default(),
        origin: ORIGIN.into(),
        log_key: log.verifier().to_vkey(),
        secretariat_key: sec.verifier().to_vkey(),
        members: MEMBERS
            .iter()
            .zip(&keys)
            .map(|(m, k)| FoundingMember {
                id: id(m),
                name: m.to_string(),
                names: Default::default(),
                vkey: k.verifier().to_vkey(),
            })
            .collect(),
        rules: None,
        documents: Vec::new(),
    };
    found_body(store.as_ref(), genesis, &sec, &log, clock.as_ref()).unwrap();
    let config = NodeConfig { clock_ticker: Some(sec), ..NodeConfig::default() };
    let node = Node::start(store, log, clock.clone(), config).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let time = clock.now();
    let submit = |m: usize, seq: u64, act: Act| {
        let st = Statement { member: id(MEMBERS[m]), seq: Seq(seq), time, act };
        let raw = st.sign(&keys[m]).unwrap().raw.into_bytes();
        rt.block_on(node.submit(&raw)).unwrap();
    };
    let mut readers = vec![Reader::Anonymous];
    for (i, _) in MEMBERS.iter().enumerate() {
        let salt = [i as u8; 32];
        let secret = format!("secret-{i}");
        let mut h = Sha256::new();
        h.update(salt);
        h.update(secret.as_bytes());
        let body = json!({"id": format!("cred-{i}"), "salt": hex::encode(salt), "hash": hex::encode(h.finalize())});
        submit(i, 1, Act::build("share.credential", &body).unwrap());
        readers.push(node.authenticate(&format!("cred-{i}"), &secret).unwrap());
    }
    let members: Vec<Value> =
        rights.iter().map(|(m, (r, w))| json!({"member": MEMBERS[*m], "can_read": r, "can_write": w})).collect();
    let body = json!({"id": "c1", "title": "Community", "public": public, "members": members});
    submit(0, 2, Act::build("share.community", &body).unwrap());
    World { node, rt, _dir: dir, readers }
}

fn alias(s: &Spec) -> String {
    match s.collection {
        0 => "all".into(),
        1 => format!("member-{}", MEMBERS[s.sharer]),
        _ => "community-c1".into(),
    }
}

/// The oracle: may `reader` (0: anonymous, 1 + i: member i) see an
/// object shared as `s` (which was accepted)?
fn may_see(s: &Spec, reader: usize, public: bool, rights: &BTreeMap<usize, (bool, bool)>) -> bool {
    let tlp = if s.tlp == 5 { 1 } else { s.tlp };
    if reader == 0 {
        let collection_public = s.collection < 2 || public;
        return collection_public && tlp == 0;
    }
    let m = reader - 1;
    let reads = s.collection < 2 || rights.get(&m).is_some_and(|r| r.0);
    if !reads {
        return false;
    }
    if tlp <= 1 || m == s.sharer {
        return true;
    }
    let by_community = s.community && tlp == 2 && rights.get(&m).is_some_and(|r| r.0);
    s.recipients.contains(&m) || by_community
}

/// Would the node accept `s`? (Its rules, as the issue states them.)
fn acceptable(s: &Spec, rights: &BTreeMap<usize, (bool, bool)>) -> bool {
    let tlp = if s.tlp == 5 { 1 } else { s.tlp };
    let writes = s.collection < 2 || rights.get(&s.sharer).is_some_and(|r| r.1);
    if !writes {
        return false;
    }
    if tlp >= 2 {
        // Named recipients, each a reader of the collection; a community
        // only for AMBER.
        if s.community && tlp != 2 {
            return false;
        }
        let mut named: BTreeSet<usize> = s.recipients.clone();
        if s.community {
            named.extend(rights.iter().filter(|(_, r)| r.0).map(|(m, _)| *m));
        }
        named.remove(&s.sharer);
        if named.is_empty() {
            return false;
        }
        let reads = |m: &usize| s.collection < 2 || rights.get(m).is_some_and(|r| r.0);
        if !named.iter().all(reads) {
            return false;
        }
    }
    true
}

fn object(n: usize, v: u8, s: &Spec) -> Value {
    let mut o = json!({
        "type": "indicator", "spec_version": "2.1",
        "id": format!("indicator--{n:08x}-0000-4000-8000-000000000000"),
        "created": "2026-11-01T10:00:00.000Z",
        "modified": format!("2026-11-0{}T10:00:00.000Z", v + 1),
        "name": format!("object {n}"), "pattern": "[ipv4-addr:value = '203.0.113.1']",
        "pattern_type": "stix", "valid_from": "2026-11-01T10:00:00Z",
    });
    if s.tlp < 5 {
        let marking = if s.tlp1 { TLP1[s.tlp as usize].unwrap_or(TLP2[s.tlp as usize]) } else { TLP2[s.tlp as usize] };
        o["object_marking_refs"] = json!([marking]);
    }
    let mut r: Vec<String> = s.recipients.iter().map(|m| MEMBERS[*m].to_string()).collect();
    if s.community {
        r.push("community-c1".into());
    }
    if !r.is_empty() {
        o["x_accord_recipients"] = json!(r);
    }
    o
}

/// Every object id `reader` gets from every read path of a collection.
fn read_all(w: &World, reader: &Reader, collection: &str, ids: &[String]) -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut out: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let mut page = |what: &'static str, f: Filters, content: bool| {
        let mut f = f;
        loop {
            match w.node.share_page(reader, collection, &f, content) {
                Ok(p) => {
                    for r in &p.rows {
                        if content {
                            let c: Value = serde_json::from_slice(r.content.as_ref().unwrap()).unwrap();
                            assert_eq!(c["id"], r.id.as_str());
                        }
                        out.entry(what).or_default().insert(r.id.clone());
                    }
                    match p.next {
                        Some(n) => f.next = Some(n),
                        None => break,
                    }
                }
                Err(ShareError::Unauthorized(_) | ShareError::Forbidden(_) | ShareError::NotFound(_)) => break,
                Err(e) => panic!("{what}: {e}"),
            }
        }
    };
    let small = |versions: Versions| Filters { limit: Some(3), versions, ..Filters::default() };
    page("objects", small(Versions::default()), true);
    page("manifest", small(Versions::default()), false);
    page("all versions", small(Versions { all: true, ..Versions::default() }), true);
    page("first versions", small(Versions { first: true, ..Versions::default() }), false);
    for i in ids {
        let by_id = Filters {
            ids: vec![i.clone()],
            versions: Versions { all: true, ..Versions::default() },
            ..Filters::default()
        };
        page("by id", by_id, true);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn no_reader_gets_what_tlp_forbids_and_each_gets_what_it_allows(
        (public, rights) in community(),
        specs in proptest::collection::vec(spec(), 1..24),
    ) {
        let w = world(public, &rights);
        // Share each object (each version) in its own envelope.
        let mut accepted: Vec<(usize, Spec)> = Vec::new();
        let mut statuses: Vec<(usize, String)> = Vec::new();
        for (n, s) in specs.iter().enumerate() {
            let reader = &w.readers[1 + s.sharer];
            let objects: Vec<Value> = (0..s.versions).map(|v| object(n, v, s)).collect();
            let body = serde_json::to_vec(&json!({"objects": objects})).unwrap();
            let result = w.rt.block_on(w.node.share_envelope(reader, &alias(s), &body));
            let writes = s.collection < 2 || rights.get(&s.sharer).is_some_and(|r| r.1);
            match result {
                Ok(st) => {
                    prop_assert!(writes, "{s:?} shared into a collection the sharer may not write");
                    let ok = acceptable(s, &rights);
                    prop_assert_eq!(st.successes.len(), if ok { s.versions as usize } else { 0 }, "{:?}: {:?}", s, st.failures);
                    for d in &st.successes {
                        prop_assert!(d.receipt.is_some(), "a new share has a receipt");
                    }
                    if ok {
                        accepted.push((n, s.clone()));
                    }
                    statuses.push((s.sharer, st.id.clone()));
                }
                Err(ShareError::Forbidden(_) | ShareError::NotFound(_)) => prop_assert!(!writes, "{s:?} was refused"),
                Err(e) => panic!("{s:?}: {e}"),
            }
        }
        let ids: Vec<String> = (0..specs.len()).map(|n| format!("indicator--{n:08x}-0000-4000-8000-000000000000")).collect();
        for (r, reader) in w.readers.iter().enumerate() {
            for collection in ["all", "member-AAA", "member-BBB", "member-CCC", "member-DDD", "community-c1"] {
                let got = read_all(&w, reader, collection, &ids);
                let want: BTreeSet<String> = accepted
                    .iter()
                    .filter(|(_, s)| alias(s) == collection && may_see(s, r, public, &rights))
                    .map(|(n, _)| ids[*n].clone())
                    .collect();
                for (path, seen) in &got {
                    prop_assert_eq!(seen, &want, "reader {} on {} by {}", r, collection, path);
                }
                if !want.is_empty() {
                    prop_assert_eq!(got.len(), 5, "reader {} on {}: every path answered", r, collection);
                }
            }
            // A status is its poster's only.
            for (poster, st) in &statuses {
                let mine = r == 1 + poster;
                prop_assert_eq!(w.node.share_status(reader, st).is_ok(), mine, "status of {} for reader {}", poster, r);
            }
        }
        w.node.shutdown();
    }
}
