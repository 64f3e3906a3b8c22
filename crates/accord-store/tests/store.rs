//! Conformance of a `Store` implementation to the contract in `lib.rs`.
//! Written against the trait so that every backend (SQLite today,
//! PostgreSQL later) runs the same suite.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use accord_core::{Effect, LogIndex, MemberId, Seq, Timestamp};
use accord_log::merkle::{range_hash, Frontier, MemoryTree, TILE_HEIGHT};
use accord_log::Hash;
use accord_store::{AppendBatch, Store, StoreHashes};

fn sqlite() -> (tempfile::TempDir, std::sync::Arc<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    (dir, accord_store::open(&url).unwrap())
}

fn batch(first: u64, n: u64, frontier: &mut Frontier) -> AppendBatch {
    let mut b = AppendBatch { first, ..AppendBatch::default() };
    for i in first..first + n {
        let data = format!("entry {i}").into_bytes();
        let leaf = Hash::leaf(&data);
        frontier.push(leaf, |(level, idx, h)| {
            if level > 0 && level % TILE_HEIGHT == 0 {
                b.nodes.push((level, idx, h));
            }
        });
        b.entries.push((data, leaf));
    }
    b
}

fn conformance(store: &dyn Store) {
    assert_eq!(store.size().unwrap(), 0);
    assert!(store.latest_checkpoint().unwrap().is_none());
    let mut f = Frontier::new();
    let mut tree = MemoryTree::new();
    for (first, n) in [(0, 1), (1, 300), (301, 2000)] {
        let b = batch(first, n, &mut f);
        for (_, leaf) in &b.entries {
            tree.push(*leaf);
        }
        store.append(&b).unwrap();
        assert_eq!(store.size().unwrap(), first + n);
    }
    // A batch at the wrong index is refused and changes nothing.
    let mut g = f.clone();
    let wrong = batch(5, 3, &mut g);
    assert!(store.append(&wrong).is_err());
    assert_eq!(store.size().unwrap(), 2301);
    // Entries and hashes read back exactly; short reads past the end.
    assert_eq!(
        store.entries(299, 302).unwrap(),
        vec![b"entry 299".to_vec(), b"entry 300".to_vec(), b"entry 301".to_vec()]
    );
    assert_eq!(store.entries(2300, 2310).unwrap().len(), 1);
    assert_eq!(store.hashes(0, 0, 3).unwrap(), tree.level(0)[0..3].to_vec());
    assert_eq!(store.hashes(8, 0, 9).unwrap(), tree.level(8)[0..8].to_vec());
    // Proof material: any root computed from the store equals the memory tree's.
    for size in [1, 2, 255, 256, 257, 1000, 2301] {
        let a = range_hash(&mut StoreHashes(store), 0, size).unwrap();
        assert_eq!(a, tree.root_at(size), "root at {size}");
    }
    assert_eq!(Frontier::load(&mut StoreHashes(store), 2301).unwrap(), f);
    // Checkpoints: the largest wins.
    store.put_checkpoint(10, "cp10").unwrap();
    store.put_checkpoint(2301, "cp2301").unwrap();
    assert_eq!(store.latest_checkpoint().unwrap(), Some((2301, "cp2301".to_string())));
}

fn projections(store: &dyn Store) {
    let fra = MemberId::parse("FRA").unwrap();
    let effects = vec![
        Effect::BodyFounded { name: "B".into(), origin: "o".into(), log_key: "k".into() },
        Effect::ActorAdded { id: fra.clone(), name: "France".into(), vkey: "v1".into(), index: LogIndex(0) },
        Effect::SeqAccepted { id: fra.clone(), seq: Seq(1), index: LogIndex(1) },
        Effect::NotePublished { index: LogIndex(1), member: fra.clone(), time: Timestamp(0), text: "bonjour".into() },
        Effect::SeqAccepted { id: fra.clone(), seq: Seq(3), index: LogIndex(2) },
        Effect::KeyRotated { id: fra.clone(), vkey: "v2".into(), index: LogIndex(2) },
    ];
    store.write_projections(&effects).unwrap();
    let m = store.member("FRA").unwrap().unwrap();
    assert_eq!((m.last_seq, m.vkey.as_str(), m.key_since), (3, "v2", 2));
    assert_eq!(store.notes(None, 10).unwrap()[0].text, "bonjour");
    assert_eq!(store.body_fact("name").unwrap().as_deref(), Some("B"));
    let d1 = store.projection_digest().unwrap();
    store.clear_projections().unwrap();
    assert!(store.members().unwrap().is_empty());
    assert_ne!(store.projection_digest().unwrap(), d1);
    store.write_projections(&effects).unwrap();
    assert_eq!(store.projection_digest().unwrap(), d1);
}

#[test]
fn sqlite_conforms() {
    let (_d, s) = sqlite();
    conformance(s.as_ref());
}

#[test]
fn sqlite_projections_conform() {
    let (_d, s) = sqlite();
    projections(s.as_ref());
}

#[test]
fn sqlite_data_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let mut f = Frontier::new();
    {
        let s = accord_store::open(&url).unwrap();
        s.append(&batch(0, 500, &mut f)).unwrap();
    }
    let s = accord_store::open(&url).unwrap();
    assert_eq!(s.size().unwrap(), 500);
    assert_eq!(Frontier::load(&mut StoreHashes(s.as_ref()), 500).unwrap(), f);
}

#[test]
fn unsupported_urls_are_refused_clearly() {
    let e = accord_store::open("postgres://localhost/accord").err().unwrap();
    assert!(e.to_string().contains("sqlite://"), "{e}");
}
