//! What TLP costs a read: a page of 1,000 shared objects read through the
//! node's use case (the TLP predicate in SQL, the recipients' subquery,
//! and the core's rule again on every row) against the same page read
//! with no TLP at all (the same join and the same content check, in SQL
//! written here). The objects are TLP:AMBER naming the reader, the
//! costliest case: each row is admitted by its recipient list.
//!
//! `cargo bench -p accord-node --bench tlp`; the ratio of the two is the
//! figure (the goal: TLP costs at most 10% of read throughput).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use accord_core::acts::genesis::FoundingMember;
use accord_core::acts::Genesis;
use accord_core::{Act, MemberId, Seq, Statement};
use accord_log::Signer;
use accord_node::share::{Filters, Reader};
use accord_node::{found_body, Node, NodeConfig, SystemClock};
use criterion::{criterion_group, criterion_main, Criterion};
use ed25519_dalek::SigningKey;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::sync::Arc;

const ORIGIN: &str = "tlp.bench/log";
const OBJECTS: u32 = 20_000;
const PAGE: u32 = 1000;

fn key(name: &str, b: u8) -> Signer {
    Signer::new(name, SigningKey::from_bytes(&[b; 32])).unwrap()
}

struct World {
    node: Node,
    db: std::path::PathBuf,
    reader: Reader,
    _dir: tempfile::TempDir,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let store = accord_store::open(&format!("sqlite://{}", db.display())).unwrap();
    let sec = key(&MemberId::secretariat().key_name(ORIGIN), 1);
    let log = key(ORIGIN, 2);
    let ids = ["AAA", "BBB"].map(|m| MemberId::parse(m).unwrap());
    let keys: Vec<Signer> = ids.iter().enumerate().map(|(i, m)| key(&m.key_name(ORIGIN), 10 + i as u8)).collect();
    let genesis = Genesis {
        name: "TLP bench".into(),
        names: Default::default(),
        origin: ORIGIN.into(),
        log_key: log.verifier().to_vkey(),
        secretariat_key: sec.verifier().to_vkey(),
        members: ids
            .iter()
            .zip(&keys)
            .map(|(m, k)| FoundingMember {
                id: m.clone(),
                name: m.to_string(),
                names: Default::default(),
                vkey: k.verifier().to_vkey(),
            })
            .collect(),
        rules: None,
        documents: Vec::new(),
    };
    let clock = Arc::new(SystemClock);
    found_body(store.as_ref(), genesis, &sec, &log, clock.as_ref()).unwrap();
    let config = NodeConfig { clock_ticker: Some(sec), ..NodeConfig::default() };
    let node = Node::start(store, log, clock.clone(), config).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let mut readers = Vec::new();
    for (i, m) in ids.iter().enumerate() {
        let salt = [i as u8; 32];
        let secret = format!("secret-{i}");
        let mut h = Sha256::new();
        h.update(salt);
        h.update(secret.as_bytes());
        let body = json!({"id": format!("cred-{i}"), "salt": hex::encode(salt), "hash": hex::encode(h.finalize())});
        let st = Statement {
            member: m.clone(),
            seq: Seq(1),
            time: accord_node::Clock::now(clock.as_ref()),
            act: Act::build("share.credential", &body).unwrap(),
        };
        let raw = st.sign(&keys[i]).unwrap().raw.into_bytes();
        rt.block_on(node.submit(&raw)).unwrap();
        readers.push(node.authenticate(&format!("cred-{i}"), &secret).unwrap());
    }
    for e in 0..OBJECTS / 100 {
        let objects: Vec<_> = (0..100)
            .map(|i| {
                let n = e * 100 + i;
                json!({"type": "indicator", "spec_version": "2.1",
                       "id": format!("indicator--{n:08x}-0000-4000-8000-000000000000"),
                       "created": "2026-11-01T10:00:00.000Z", "modified": "2026-11-01T10:00:00.000Z",
                       "name": format!("Indicator {n}"), "pattern": "[ipv4-addr:value = '198.51.100.7']",
                       "pattern_type": "stix", "valid_from": "2026-11-01T10:00:00Z",
                       "object_marking_refs": ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"],
                       "x_accord_recipients": ["BBB"]})
            })
            .collect();
        let body = serde_json::to_vec(&json!({ "objects": objects })).unwrap();
        let st = rt.block_on(node.share_envelope(&readers[0], "all", &body)).unwrap();
        assert_eq!(st.successes.len(), 100);
    }
    World { node, db, reader: readers.remove(1), _dir: dir }
}

/// The same page without TLP: the join, the latest version (TAXII's
/// default) and the content check the store does, and nothing else.
fn unchecked(c: &rusqlite::Connection) -> usize {
    let mut st = c
        .prepare_cached(
            "SELECT o.pos, o.id, o.version, o.added, o.tlp, o.member, c.salt, c.content, o.commitment \
             FROM p_share_objects o JOIN c_records c ON c.commitment = o.commitment \
             WHERE o.collection = 'all' AND NOT EXISTS (SELECT 1 FROM p_share_objects o2 \
             WHERE o2.collection = o.collection AND o2.id = o.id AND o2.vkey > o.vkey) ORDER BY o.pos LIMIT ?1",
        )
        .unwrap();
    let mut rows = st.query([PAGE + 1]).unwrap();
    // The same rows the node builds, so that only TLP differs.
    let mut out = Vec::new();
    while let Some(r) = rows.next().unwrap() {
        let salt: Vec<u8> = r.get(6).unwrap();
        let content: Vec<u8> = r.get(7).unwrap();
        let commitment: String = r.get(8).unwrap();
        let mut h = Sha256::new();
        h.update(&salt);
        h.update(&content);
        assert_eq!(hex::encode(h.finalize()), commitment);
        let tlp: u8 = r.get(4).unwrap();
        out.push(accord_store::share::ObjectRow {
            pos: r.get(0).unwrap(),
            id: r.get(1).unwrap(),
            version: r.get(2).unwrap(),
            added: r.get(3).unwrap(),
            tlp: accord_core::share::TlpLabel(if tlp == 2 { accord_stix::Tlp::Amber } else { accord_stix::Tlp::Green }),
            member: r.get(5).unwrap(),
            recipients: Vec::new(),
            content: Some(content),
        });
    }
    out.truncate(PAGE as usize);
    out.len()
}

fn bench(c: &mut Criterion) {
    let w = world();
    let f = Filters { limit: Some(PAGE), ..Filters::default() };
    assert_eq!(w.node.share_page(&w.reader, "all", &f, true).unwrap().rows.len(), PAGE as usize);
    let conn = rusqlite::Connection::open_with_flags(&w.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.pragma_update(None, "mmap_size", 268_435_456).unwrap();
    conn.pragma_update(None, "cache_size", -16_384).unwrap();
    assert_eq!(unchecked(&conn), PAGE as usize);
    let mut g = c.benchmark_group("a page of 1000 TLP:AMBER objects");
    g.bench_function("with TLP (the node's read)", |b| {
        b.iter(|| w.node.share_page(&w.reader, "all", &f, true).unwrap().rows.len())
    });
    g.bench_function("without TLP (the same join)", |b| b.iter(|| unchecked(&conn)));
    g.finish();
    w.node.shutdown();
}

criterion_group!(benches, bench);
criterion_main!(benches);
