//! Conformance of a `Store` implementation to the contract in `lib.rs`,
//! one suite per trait (log, checkpoints, each domain's projections,
//! consistent reads, the confidential store, durability across a reopen),
//! written against the traits. [`conformance!`] runs every suite on one
//! backend: SQLite today; PostgreSQL adds one line. Tests of one backend's
//! own matters (its migrations, its files) come after.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use accord_core::acts::decision::{Procedure, Question, VoteChoice};
use accord_core::decisions::rules::Rules;
use accord_core::decisions::{ProposalRecord, Status, Tally, VoteRecord};
use accord_core::{Effect, LogIndex, MemberId, Seq, Timestamp};
use accord_log::merkle::{range_hash, Frontier, MemoryTree, TILE_HEIGHT};
use accord_log::Hash;
use accord_store::{AppendBatch, ProposalQuery, Start, Store, StoreHashes};

fn sqlite() -> (tempfile::TempDir, std::sync::Arc<dyn Store>) {
    let (dir, url) = sqlite_url();
    (dir, accord_store::open(&url).unwrap())
}

/// A fresh SQLite store's URL, in a folder removed when the guard drops.
fn sqlite_url() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    (dir, url)
}

/// Every suite on the backend whose fresh stores `$fresh()` names by URL
/// (with a guard that removes them).
macro_rules! conformance {
    ($backend:ident, $fresh:expr) => {
        mod $backend {
            use super::*;

            fn open() -> (impl Drop, std::sync::Arc<dyn Store>) {
                let (guard, url) = $fresh();
                (guard, accord_store::open(&url).unwrap())
            }

            #[test]
            fn log_store() {
                super::log_store(open().1.as_ref());
            }
            #[test]
            fn checkpoint_store() {
                super::checkpoint_store(open().1.as_ref());
            }
            #[test]
            fn checkpoint_store_concurrent() {
                super::checkpoint_store_concurrent(open().1);
            }
            #[test]
            fn body_projections() {
                super::projections(open().1.as_ref());
            }
            #[test]
            fn decision_projections() {
                super::decision_projections(open().1.as_ref());
            }
            #[test]
            fn code_projections() {
                super::code_projections(open().1.as_ref());
            }
            #[test]
            fn browse_projections() {
                super::browse_projections(open().1.as_ref());
            }
            #[test]
            fn consistent_reads() {
                super::snapshots(open().1);
            }
            #[test]
            fn zone_projections() {
                super::zone_projections(open().1.as_ref());
            }
            #[test]
            fn confidential_store() {
                super::confidential(open().1.as_ref());
            }
            #[test]
            fn durable_across_reopen() {
                let (_guard, url) = $fresh();
                super::durable_across_reopen(&url);
            }
        }
    };
}

conformance!(sqlite_backend, sqlite_url);

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

/// `LogStore` and `LogReads`: appends at the log's size only, entries and
/// hashes read back exactly, proofs from the stored hashes.
fn log_store(store: &dyn Store) {
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
}

/// `CheckpointStore`: a compare-and-swap on the latest checkpoint's size.
fn checkpoint_store(store: &dyn Store) {
    use accord_store::StoreError::CheckpointConflict;
    assert!(store.latest_checkpoint().unwrap().is_none());
    store.put_checkpoint(0, 10, "cp10").unwrap();
    // From a checkpoint that is not the latest, or not larger: refused,
    // naming the latest, and nothing is stored.
    for (previous, size) in [(0, 20), (5, 20), (10, 10), (10, 9), (11, 30)] {
        match store.put_checkpoint(previous, size, "bad") {
            Err(CheckpointConflict { expected, latest }) => assert_eq!((expected, latest), (previous, 10)),
            other => panic!("put_checkpoint({previous}, {size}): {other:?}"),
        }
        assert_eq!(store.latest_checkpoint().unwrap(), Some((10, "cp10".to_string())));
    }
    store.put_checkpoint(10, 2301, "cp2301").unwrap();
    assert_eq!(store.latest_checkpoint().unwrap(), Some((2301, "cp2301".to_string())));
}

/// Many writers from the same checkpoint at once: exactly one stores.
fn checkpoint_store_concurrent(store: std::sync::Arc<dyn Store>) {
    store.put_checkpoint(0, 1, "cp1").unwrap();
    let won: Vec<bool> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8u64)
            .map(|i| {
                let store = store.clone();
                s.spawn(move || store.put_checkpoint(1, 100 + i, &format!("cp{}", 100 + i)).is_ok())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(won.iter().filter(|w| **w).count(), 1, "{won:?}");
    let (size, note) = store.latest_checkpoint().unwrap().unwrap();
    assert_eq!(note, format!("cp{size}"));
}

fn projections(store: &dyn Store) {
    let fra = MemberId::parse("FRA").unwrap();
    let effects = vec![
        Effect::BodyFounded { name: "B".into(), names: Default::default(), origin: "o".into(), log_key: "k".into() },
        Effect::ActorAdded {
            id: fra.clone(),
            name: "France".into(),
            names: Default::default(),
            vkey: "v1".into(),
            index: LogIndex(0),
        },
        Effect::SeqAccepted { id: fra.clone(), seq: Seq(1), index: LogIndex(1), kind: "note.publish" },
        Effect::NotePublished { index: LogIndex(1), member: fra.clone(), time: Timestamp(0), text: "bonjour".into() },
        Effect::SeqAccepted { id: fra.clone(), seq: Seq(3), index: LogIndex(2), kind: "note.publish" },
        Effect::KeyRotated { id: fra.clone(), vkey: "v2".into(), index: LogIndex(2) },
    ];
    store.write_projections(&effects).unwrap();
    let m = store.member("FRA").unwrap().unwrap();
    assert_eq!((m.last_seq, m.vkey.as_str(), m.key_since, m.suspended), (3, "v2", 2, false));
    assert_eq!(store.notes(None, 10).unwrap()[0].text, "bonjour");
    assert_eq!(store.body_fact("name").unwrap().as_deref(), Some("B"));
    let d1 = store.projection_digest().unwrap();
    store.clear_projections().unwrap();
    assert!(store.members().unwrap().is_empty());
    assert_ne!(store.projection_digest().unwrap(), d1);
    store.write_projections(&effects).unwrap();
    assert_eq!(store.projection_digest().unwrap(), d1);
}

/// What `append` and `put_checkpoint` returned `Ok` for is there after the
/// store is dropped and opened again.
fn durable_across_reopen(url: &str) {
    let mut f = Frontier::new();
    {
        let s = accord_store::open(url).unwrap();
        s.append(&batch(0, 500, &mut f)).unwrap();
        s.put_checkpoint(0, 500, "cp500").unwrap();
    }
    let s = accord_store::open(url).unwrap();
    assert_eq!(s.size().unwrap(), 500);
    assert_eq!(s.latest_checkpoint().unwrap(), Some((500, "cp500".to_string())));
    assert_eq!(Frontier::load(&mut StoreHashes(s.as_ref()), 500).unwrap(), f);
}

#[test]
fn unsupported_urls_are_refused_clearly() {
    let e = accord_store::open("postgres://localhost/accord").err().unwrap();
    assert!(e.to_string().contains("sqlite://"), "{e}");
}

fn record(id: &str, index: u64, status: Status) -> ProposalRecord {
    ProposalRecord {
        id: id.into(),
        amends: None,
        sponsor: MemberId::parse("FRA").unwrap(),
        title: format!("Title of {id}"),
        text: "The body resolves.".into(),
        original_text: None,
        question: Question::Ordinary,
        procedure: Procedure::Vote,
        submitted: Timestamp(1_000),
        closes: Timestamp(2_000),
        action: None,
        status,
        adopted_by: None,
        cosponsors: Vec::new(),
        objections: Vec::new(),
        dissociations: Vec::new(),
        amendments: Vec::new(),
        entries: vec![LogIndex(index)],
        closed_at: None,
        tally: None,
        action_result: None,
    }
}

fn vote(proposal: &str, member: &MemberId, v: VoteChoice, explanation: Option<&str>, index: u64) -> Effect {
    Effect::VoteRecorded {
        proposal: proposal.into(),
        member: member.clone(),
        vote: VoteRecord { vote: v, explanation: explanation.map(str::to_string), index: LogIndex(index) },
    }
}

/// Decision projections: proposals (upserted whole), votes (upserted per
/// member), suspensions and the rules; all in the digest and cleared.
fn decision_projections(store: &dyn Store) {
    let fra = MemberId::parse("FRA").unwrap();
    let deu = MemberId::parse("DEU").unwrap();
    let mut closed = record("p-1", 3, Status::Open);
    let mut effects = vec![
        Effect::BodyFounded { name: "B".into(), names: Default::default(), origin: "o".into(), log_key: "k".into() },
        Effect::RulesChanged(Box::default()),
        Effect::ActorAdded {
            id: fra.clone(),
            name: "France".into(),
            names: Default::default(),
            vkey: "v1".into(),
            index: LogIndex(0),
        },
        Effect::ActorAdded {
            id: deu.clone(),
            name: "Germany".into(),
            names: Default::default(),
            vkey: "v2".into(),
            index: LogIndex(0),
        },
        Effect::ProposalChanged(Box::new(closed.clone())),
        Effect::ProposalChanged(Box::new(record("p-2", 4, Status::Open))),
        vote("p-1", &fra, VoteChoice::No, None, 5),
        vote("p-1", &deu, VoteChoice::Yes, Some("because"), 6),
        // FRA changes its vote: the row is replaced, with the new index.
        vote("p-1", &fra, VoteChoice::Abstain, Some("on reflection"), 7),
    ];
    closed.status = Status::Adopted;
    closed.tally = Some(Tally { yes: 1, no: 0, abstain: 1, not_voting: 0 });
    closed.closed_at = Some(LogIndex(8));
    closed.entries.push(LogIndex(8));
    let rules = Rules { allow_vote_change: true, ..Rules::default() };
    effects.extend([
        Effect::ProposalChanged(Box::new(closed)),
        Effect::MemberSuspended { id: deu.clone(), suspended: true, index: LogIndex(8) },
        Effect::RulesChanged(Box::new(rules)),
        Effect::ActorAdded {
            id: MemberId::parse("ITA").unwrap(),
            name: "Italy".into(),
            names: Default::default(),
            vkey: "v3".into(),
            index: LogIndex(8),
        },
    ]);
    store.write_projections(&effects).unwrap();

    let oldest = |statuses, start, limit| {
        store.proposals(&ProposalQuery { statuses, newest_first: false, start, limit }).unwrap()
    };
    let all = oldest(&[], Start::First, u32::MAX);
    assert_eq!(all.total, 2);
    assert_eq!(
        all.rows.iter().map(|p| (p.id.as_str(), p.seq, p.status.as_str())).collect::<Vec<_>>(),
        [("p-1", 3, "adopted"), ("p-2", 4, "open")]
    );
    let open = oldest(&["open"], Start::First, u32::MAX);
    assert_eq!((open.total, open.rows.len()), (1, 1));
    assert_eq!(open.rows[0].id, "p-2");
    assert!(oldest(&["rejected"], Start::First, u32::MAX).rows.is_empty());
    // Pages: after the cursor of the last one, at most `limit`.
    let first = oldest(&[], Start::First, 1).rows;
    assert_eq!(first.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["p-1"]);
    let next = oldest(&[], Start::After(first[0].seq), 1);
    assert_eq!((next.total, next.rows.iter().map(|p| p.id.as_str()).collect::<Vec<_>>()), (2, vec!["p-2"]));
    assert!(oldest(&[], Start::After(next.rows[0].seq), 1).rows.is_empty());
    let p1 = store.proposal("p-1").unwrap().unwrap();
    assert_eq!(p1.doc()["status"], "adopted");
    assert_eq!(p1.doc()["tally"]["yes"], 1);
    assert_eq!(p1.doc()["entries"], serde_json::json!([3, 8]));
    assert_eq!(p1.doc()["closes"], "1970-01-01T00:00:02Z");
    assert!(store.proposal("p-9").unwrap().is_none());

    let votes = store.votes("p-1").unwrap();
    assert_eq!(
        votes
            .iter()
            .map(|v| (v.member.as_str(), v.vote.as_str(), v.explanation.as_deref(), v.index))
            .collect::<Vec<_>>(),
        [("DEU", "yes", Some("because"), 6), ("FRA", "abstain", Some("on reflection"), 7)]
    );
    assert!(store.votes("p-2").unwrap().is_empty());

    assert!(store.member("DEU").unwrap().unwrap().suspended);
    assert!(!store.member("FRA").unwrap().unwrap().suspended);
    assert_eq!(store.member("ITA").unwrap().unwrap().since, 8);
    let rules: serde_json::Value = serde_json::from_str(&store.body_fact("rules").unwrap().unwrap()).unwrap();
    assert_eq!(rules["allow_vote_change"], true);
    assert_eq!(rules["quorum"], "majority");

    // Reinstated: the flag goes back.
    store
        .write_projections(&[Effect::MemberSuspended { id: deu.clone(), suspended: false, index: LogIndex(9) }])
        .unwrap();
    assert!(!store.member("DEU").unwrap().unwrap().suspended);
    store.write_projections(&[Effect::MemberSuspended { id: deu, suspended: true, index: LogIndex(8) }]).unwrap();

    // Every new table is in the digest and is cleared.
    let d1 = store.projection_digest().unwrap();
    store.write_projections(&[vote("p-2", &fra, VoteChoice::Yes, None, 10)]).unwrap();
    assert_ne!(store.projection_digest().unwrap(), d1, "votes are not in the digest");
    store.clear_projections().unwrap();
    assert!(oldest(&[], Start::First, u32::MAX).rows.is_empty());
    assert!(store.votes("p-1").unwrap().is_empty());
    assert!(store.body_fact("rules").unwrap().is_none());
    store.write_projections(&effects).unwrap();
    assert_eq!(store.projection_digest().unwrap(), d1);
    let mut changed = record("p-2", 4, Status::Withdrawn);
    changed.closed_at = Some(LogIndex(11));
    store.write_projections(&[Effect::ProposalChanged(Box::new(changed))]).unwrap();
    assert_ne!(store.projection_digest().unwrap(), d1, "proposals are not in the digest");
}

/// A database made before `p_members.suspended` existed gains the column
/// on open, and its digest then equals a fresh database's.
#[test]
fn sqlite_old_members_table_gains_suspended() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE p_members (id TEXT PRIMARY KEY, name TEXT NOT NULL, vkey TEXT NOT NULL,
                last_seq INTEGER NOT NULL, since INTEGER NOT NULL, key_since INTEGER NOT NULL) WITHOUT ROWID;
             INSERT INTO p_members VALUES ('FRA', 'France', 'v1', 0, 0, 0);",
        )
        .unwrap();
    }
    let old = accord_store::open(&format!("sqlite://{}", path.display())).unwrap();
    let m = old.member("FRA").unwrap().unwrap();
    assert!(!m.suspended);
    let (_d, fresh) = sqlite();
    fresh
        .write_projections(&[Effect::ActorAdded {
            id: MemberId::parse("FRA").unwrap(),
            name: "France".into(),
            names: Default::default(),
            vkey: "v1".into(),
            index: LogIndex(0),
        }])
        .unwrap();
    assert_eq!(old.projection_digest().unwrap(), fresh.projection_digest().unwrap());
}

fn lang(s: &str) -> accord_core::code::Lang {
    accord_core::code::Lang::parse(s).unwrap()
}

fn article(id: &str, texts: &[(&str, &str)]) -> accord_core::code::Article {
    accord_core::code::Article {
        id: id.into(),
        kind: accord_core::code::ArticleKind::Pledge,
        texts: texts.iter().map(|(l, t)| (lang(l), t.to_string())).collect(),
        norms: Vec::new(),
        note: None,
        notes: Default::default(),
        unofficial: Vec::new(),
    }
}

fn version(number: u32, label: &str, articles: Vec<accord_core::code::Article>, at: u64) -> accord_core::code::Version {
    accord_core::code::Version {
        document: "ICCIS".into(),
        number,
        label: label.into(),
        articles,
        adopted_at: LogIndex(at),
        adopted_time: Timestamp(1_700_000_000_123),
        proposal: (number > 1).then(|| format!("amend-{number}")),
        // Version 1 carries addenda, so that they round-trip too.
        addenda: if number == 1 {
            vec![
                accord_core::code::Addendum {
                    number: 1,
                    what: accord_core::code::AddendumKind::Translation {
                        article: "ICCIS-2011/b".into(),
                        lang: lang("ru"),
                        text: "Перевод.".into(),
                    },
                    adopted_at: LogIndex(at + 5),
                    adopted_time: Timestamp(1_700_000_100_000),
                    proposal: Some("translate-ru".into()),
                },
                accord_core::code::Addendum {
                    number: 2,
                    what: accord_core::code::AddendumKind::Norms {
                        article: "ICCIS-2011/b".into(),
                        norms: vec!["UNGGE-2015/13a".into()],
                    },
                    adopted_at: LogIndex(at + 6),
                    adopted_time: Timestamp(1_700_000_200_000),
                    proposal: None,
                },
            ]
        } else {
            Vec::new()
        },
    }
}

fn subscription(member: &MemberId, version: u32, index: u64) -> accord_core::code::Subscription {
    accord_core::code::Subscription { member: member.clone(), version, index: LogIndex(index), time: Timestamp(5_000) }
}

/// The Code's projections: documents written record by record (head,
/// versions, addenda) and read back equal
/// (so their hashes are the core's), subscriptions upserted and deleted;
/// both in the digest and cleared.
fn code_projections(store: &dyn Store) {
    use accord_core::code::Document;
    let fra = MemberId::parse("FRA").unwrap();
    let deu = MemberId::parse("DEU").unwrap();
    let mut a = article("ICCIS-2011/a", &[("en", "Comply with the Charter."), ("fr", "Respecter la Charte.")]);
    a.norms = vec!["UNGGE-2015/13a".into()];
    a.note = Some("A paraphrase.".into());
    let b = article(
        "ICCIS-2011/b",
        &[
            ("ar", "لا تستخدم تكنولوجيا المعلومات"),
            ("zh-Hans", "不利用信息通信技术"),
            ("en", "Not to use ICTs <&> \"so\"."),
        ],
    );
    let v1 = version(1, "A/66/359 (2011)", vec![a.clone(), b.clone()], 0);
    let mut doc = Document {
        id: "ICCIS".into(),
        title: [(lang("en"), "Code".to_string()), (lang("fr"), "Code".to_string())].into(),
        versions: vec![v1.clone()],
    };
    let other = Document { id: "AB-2".into(), title: [(lang("en"), "Other".to_string())].into(), versions: vec![] };
    let mut effects = doc_effects(&doc);
    effects.extend(doc_effects(&other));
    effects.extend([
        Effect::SubscriptionChanged {
            document: "ICCIS".into(),
            member: fra.clone(),
            subscription: Some(subscription(&fra, 1, 3)),
        },
        Effect::SubscriptionChanged {
            document: "ICCIS".into(),
            member: deu.clone(),
            subscription: Some(subscription(&deu, 1, 4)),
        },
    ]);
    store.write_projections(&effects).unwrap();
    assert_eq!(store.document("ICCIS").unwrap().as_ref(), Some(&doc));
    assert_eq!(store.document("ICCIS").unwrap().unwrap().versions[0].hash(), v1.hash());
    assert!(store.document("NOPE").unwrap().is_none());
    assert_eq!(store.documents().unwrap(), vec![other.clone(), doc.clone()]);
    assert_eq!(store.subscriptions("ICCIS").unwrap(), vec![subscription(&deu, 1, 4), subscription(&fra, 1, 3)]);
    assert!(store.subscriptions("AB-2").unwrap().is_empty());

    // A new version is a row of its own; a subscription moves; another goes.
    let d1 = store.projection_digest().unwrap();
    let mut b2 = b.clone();
    b2.texts.insert(lang("en"), "Not to use ICTs, reworded.".into());
    doc.versions.push(version(2, "Rev.1", vec![a, b2], 9));
    let changes = vec![
        Effect::VersionAdopted(Box::new(doc.versions[1].clone())),
        Effect::SubscriptionChanged {
            document: "ICCIS".into(),
            member: fra.clone(),
            subscription: Some(subscription(&fra, 2, 10)),
        },
        Effect::SubscriptionChanged { document: "ICCIS".into(), member: deu.clone(), subscription: None },
    ];
    store.write_projections(&changes).unwrap();
    let back = store.document("ICCIS").unwrap().unwrap();
    assert_eq!(back, doc);
    assert_eq!(back.versions.iter().map(|v| v.hash()).collect::<Vec<_>>(), [v1.hash(), doc.versions[1].hash()]);
    assert_eq!(store.subscriptions("ICCIS").unwrap(), vec![subscription(&fra, 2, 10)]);
    let d2 = store.projection_digest().unwrap();
    assert_ne!(d2, d1, "the Code's projections are not in the digest");

    // Subscriptions alone are in the digest.
    store
        .write_projections(&[Effect::SubscriptionChanged {
            document: "ICCIS".into(),
            member: deu.clone(),
            subscription: Some(subscription(&deu, 2, 11)),
        }])
        .unwrap();
    assert_ne!(store.projection_digest().unwrap(), d2, "subscriptions are not in the digest");

    // Cleared, then refolded to the same digest.
    store.clear_projections().unwrap();
    assert!(store.documents().unwrap().is_empty());
    assert!(store.subscriptions("ICCIS").unwrap().is_empty());
    store.write_projections(&effects).unwrap();
    assert_eq!(store.projection_digest().unwrap(), d1);
    store.write_projections(&changes).unwrap();
    assert_eq!(store.projection_digest().unwrap(), d2);
}

/// The effects that found `doc` as it stands: its head, each version as
/// adopted, each addendum (as the core reports them over time).
fn doc_effects(doc: &accord_core::code::Document) -> Vec<Effect> {
    let mut out = vec![Effect::DocumentFounded { id: doc.id.clone(), title: doc.title.clone() }];
    for v in &doc.versions {
        out.push(Effect::VersionAdopted(Box::new(accord_core::code::Version { addenda: Vec::new(), ..v.clone() })));
    }
    for v in &doc.versions {
        for a in &v.addenda {
            out.push(Effect::AddendumAdded {
                document: doc.id.clone(),
                version: v.number,
                addendum: Box::new(a.clone()),
            });
        }
    }
    out
}

/// A database whose Code was stored a document per row (before the Code
/// was written record by record) opens with the same documents, and the
/// same digest, as one the effects wrote record by record.
#[test]
fn sqlite_whole_documents_are_split_into_records_at_open() {
    let v1 = version(1, "A/66/359 (2011)", vec![article("ICCIS-2011/a", &[("en", "Comply.")])], 0);
    let doc = accord_core::code::Document {
        id: "ICCIS".into(),
        title: [(lang("en"), "Code".to_string())].into(),
        versions: vec![v1, version(2, "Rev.1", vec![article("ICCIS-2011/a", &[("en", "Comply, reworded.")])], 9)],
    };
    let (_fresh_dir, fresh) = sqlite();
    fresh.write_projections(&doc_effects(&doc)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    drop(accord_store::open(&format!("sqlite://{}", path.display())).unwrap());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute(
            "INSERT INTO p_documents (id, doc) VALUES (?1, ?2)",
            rusqlite::params!["ICCIS", serde_json::to_string(&doc).unwrap()],
        )
        .unwrap();
    }
    let old = accord_store::open(&format!("sqlite://{}", path.display())).unwrap();
    assert_eq!(old.document("ICCIS").unwrap().as_ref(), Some(&doc));
    assert_eq!(old.projection_digest().unwrap(), fresh.projection_digest().unwrap());
    // And again: a second open changes nothing.
    drop(old);
    let again = accord_store::open(&format!("sqlite://{}", path.display())).unwrap();
    assert_eq!(again.document("ICCIS").unwrap().as_ref(), Some(&doc));
    assert_eq!(again.projection_digest().unwrap(), fresh.projection_digest().unwrap());
}

/// The portal's reads: proposals paged newest first with a status filter
/// and a total, the latest closed ballots, counts by status, and each
/// member's votes, statements and subscriptions, newest first.
fn browse_projections(store: &dyn Store) {
    let fra = MemberId::parse("FRA").unwrap();
    let deu = MemberId::parse("DEU").unwrap();
    let mut effects = Vec::new();
    for i in 0..7u64 {
        let status = if i % 2 == 0 { Status::Open } else { Status::Adopted };
        let mut r = record(&format!("p-{i}"), 10 + i, status);
        if status == Status::Adopted {
            r.closed_at = Some(LogIndex(100 - i));
        }
        effects.push(Effect::ProposalChanged(Box::new(r)));
        effects.push(vote(&format!("p-{i}"), &fra, VoteChoice::Yes, None, 20 + i));
        effects.push(Effect::SeqAccepted {
            id: fra.clone(),
            seq: Seq(i + 1),
            index: LogIndex(20 + i),
            kind: "vote.cast",
        });
    }
    effects.push(Effect::SeqAccepted { id: deu.clone(), seq: Seq(1), index: LogIndex(40), kind: "note.publish" });
    effects.push(Effect::SubscriptionChanged {
        document: "ICCIS".into(),
        member: fra.clone(),
        subscription: Some(subscription(&fra, 2, 41)),
    });
    store.write_projections(&effects).unwrap();

    let ids = |rows: &[accord_store::ProposalRow]| rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    let newest = |statuses, start, limit| {
        let page = store.proposals(&ProposalQuery { statuses, newest_first: true, start, limit }).unwrap();
        (page.total, ids(&page.rows))
    };
    assert_eq!(newest(&[], Start::First, 3), (7, vec!["p-6".to_string(), "p-5".into(), "p-4".into()]));
    assert_eq!(newest(&[], Start::Offset(6), 3), (7, vec!["p-0".to_string()]));
    // The cursor of a newest-first list goes back in time; the statuses
    // filter the count as they filter the rows.
    assert_eq!(newest(&[], Start::After(14), 3), (7, vec!["p-3".to_string(), "p-2".into(), "p-1".into()]));
    assert_eq!(
        newest(&["open", "voting"], Start::First, 10),
        (4, vec!["p-6".to_string(), "p-4".into(), "p-2".into(), "p-0".into()])
    );
    assert_eq!(newest(&["open", "voting"], Start::After(14), 10), (4, vec!["p-2".to_string(), "p-0".into()]));
    assert_eq!(newest(&["open"], Start::Offset(1), 2), (4, vec!["p-4".to_string(), "p-2".into()]));
    assert_eq!(newest(&["withdrawn"], Start::First, 10), (0, vec![]));
    // Oldest first, by cursor and by offset, through a status.
    let oldest = |statuses, start, limit| {
        let page = store.proposals(&ProposalQuery { statuses, newest_first: false, start, limit }).unwrap();
        (page.total, ids(&page.rows))
    };
    assert_eq!(oldest(&["adopted"], Start::After(11), 10), (3, vec!["p-3".to_string(), "p-5".into()]));
    assert_eq!(oldest(&[], Start::Offset(5), 10), (7, vec!["p-5".to_string(), "p-6".into()]));
    // Far past the end: nothing, and no error.
    assert_eq!(newest(&[], Start::Offset(1 << 53), 10), (7, vec![]));
    // Closed latest first: p-1 closed at 99, p-3 at 97, p-5 at 95.
    assert_eq!(ids(&store.recently_closed(2).unwrap()), ["p-1", "p-3"]);

    let votes = store.votes_by_member("FRA", None, 3).unwrap();
    assert_eq!(votes.iter().map(|v| v.index).collect::<Vec<_>>(), [26, 25, 24]);
    let votes = store.votes_by_member("FRA", Some(21), 3).unwrap();
    assert_eq!(votes.iter().map(|v| v.index).collect::<Vec<_>>(), [20]);
    assert!(store.votes_by_member("DEU", None, 3).unwrap().is_empty());
    let st = store.statements_by_member("FRA", Some(23), 10).unwrap();
    assert_eq!(st.iter().map(|s| (s.index, s.seq)).collect::<Vec<_>>(), [(22, 3), (21, 2), (20, 1)]);
    assert!(st.iter().all(|s| s.kind == "vote.cast"));
    let st = store.statements_by_member("DEU", None, 10).unwrap();
    assert_eq!((st.len(), st[0].kind.as_str()), (1, "note.publish"));
    let subs = store.subscriptions_of("FRA").unwrap();
    assert_eq!(subs.len(), 1);
    assert_eq!((subs[0].0.as_str(), subs[0].1.version, subs[0].1.index), ("ICCIS", 2, LogIndex(41)));
    assert!(store.subscriptions_of("DEU").unwrap().is_empty());

    // All of it is projection: in the digest, and cleared.
    let before = store.projection_digest().unwrap();
    store.clear_projections().unwrap();
    assert_ne!(store.projection_digest().unwrap(), before);
    assert!(store.statements_by_member("FRA", None, 10).unwrap().is_empty());
    assert_eq!(newest(&[], Start::First, 10).0, 0);
}

/// Inside `snapshot`, every read sees the log and projections at the size
/// the snapshot was given, while appends go on from another thread.
fn snapshots(store: std::sync::Arc<dyn Store>) {
    let mut f = Frontier::new();
    store.append(&batch(0, 10, &mut f)).unwrap();
    let writer = store.clone();
    let mut seen = Vec::new();
    store
        .snapshot(&mut |size| {
            assert_eq!(size, 10);
            let mut g = f.clone();
            // Appended by another thread while the snapshot is open.
            let b = batch(10, 5, &mut g);
            let w = writer.clone();
            std::thread::spawn(move || w.append(&b).unwrap()).join().unwrap();
            seen.push(store.size()?);
            seen.push(store.entries(0, 100)?.len() as u64);
            Ok(())
        })
        .unwrap();
    assert_eq!(seen, vec![10, 10]);
    assert_eq!(store.size().unwrap(), 15);
    // A panic inside a snapshot leaves none pinned on this thread: later
    // reads see later appends.
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = store.snapshot(&mut |_| panic!("a handler panics"));
    }));
    assert!(caught.is_err());
    let mut g = f.clone();
    batch(10, 5, &mut g); // the frontier at 15
    store.append(&batch(15, 1, &mut g)).unwrap();
    assert_eq!(store.size().unwrap(), 16);
}

#[test]
fn names_by_language_are_kept_and_a_rename_replaces_them_whole() {
    let (_d, store) = sqlite();
    let names = |v: serde_json::Value| -> accord_core::Names { serde_json::from_value(v).unwrap() };
    let ken = MemberId::parse("KEN").unwrap();
    store
        .write_projections(&[
            Effect::BodyFounded {
                name: "B".into(),
                names: names(serde_json::json!({"fr": "Organe B"})),
                origin: "o".into(),
                log_key: "k".into(),
            },
            Effect::ActorAdded {
                id: ken.clone(),
                name: "Kenya".into(),
                names: names(serde_json::json!({"ar": "كينيا", "zh": "肯尼亚"})),
                vkey: "v".into(),
                index: LogIndex(0),
            },
        ])
        .unwrap();
    let m = store.member("KEN").unwrap().unwrap();
    assert_eq!(m.names.get("ar").map(String::as_str), Some("كينيا"));
    assert_eq!(store.body_fact("names").unwrap().as_deref(), Some(r#"{"fr":"Organe B"}"#));
    store
        .write_projections(&[Effect::ActorRenamed {
            id: ken,
            name: "Republic of Kenya".into(),
            names: names(serde_json::json!({"fr": "République du Kenya"})),
        }])
        .unwrap();
    let m = store.member("KEN").unwrap().unwrap();
    assert_eq!(m.name, "Republic of Kenya");
    assert_eq!(m.names.len(), 1, "a rename replaces the set: {:?}", m.names);
    assert_eq!(m.names.get("fr").map(String::as_str), Some("République du Kenya"));
}

// ---- the confidential store ---------------------------------------------------------

fn secret(salt: u8, text: &str, until_ms: i64) -> accord_store::confidential::Confidential {
    accord_store::confidential::Confidential::new(
        [salt; 32],
        text.as_bytes().to_vec(),
        "cooperation",
        Timestamp::from_millis(until_ms),
    )
    .unwrap()
}

/// Kept by commitment, durable, apart from the projections: `rebuild`
/// (which clears projections) leaves it, the projection digest does not
/// see it, retention deletes only what is past, and erasure deletes one.
fn confidential(store: &dyn Store) {
    let (a, b) = (secret(1, r#"{"contact":"a"}"#, 1_000), secret(2, r#"{"contact":"b"}"#, 5_000));
    let digest = store.projection_digest().unwrap();
    store.put_confidential(&a).unwrap();
    store.put_confidential(&b).unwrap();
    store.put_confidential(&a).unwrap(); // the same record again
    assert_eq!(store.confidential(a.commitment()).unwrap(), Some(a.clone()));
    assert_eq!(store.projection_digest().unwrap(), digest, "not in the projection digest");
    store.clear_projections().unwrap();
    assert_eq!(store.confidential(b.commitment()).unwrap(), Some(b.clone()), "not cleared by rebuild");
    let unknown = accord_store::confidential::Commitment::parse(&"0".repeat(64)).unwrap();
    assert_eq!(store.confidential(&unknown).unwrap(), None);
    // Retention: a record is deleted only once its time has passed.
    assert_eq!(store.expire(Timestamp::from_millis(1_000)).unwrap(), 0);
    assert_eq!(store.expire(Timestamp::from_millis(1_001)).unwrap(), 1);
    assert_eq!(store.confidential(a.commitment()).unwrap(), None);
    // Erasure on request.
    assert!(store.delete_confidential(b.commitment()).unwrap());
    assert!(!store.delete_confidential(b.commitment()).unwrap());
    assert_eq!(store.confidential(b.commitment()).unwrap(), None);
}

#[test]
fn sqlite_confidential_records_survive_reopen_and_a_tampered_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let url = format!("sqlite://{}", path.display());
    let r = secret(9, r#"{"case":"x"}"#, i64::MAX);
    accord_store::open(&url).unwrap().put_confidential(&r).unwrap();
    let again = accord_store::open(&url).unwrap();
    assert_eq!(again.confidential(r.commitment()).unwrap(), Some(r.clone()));
    drop(again);
    // Content changed behind the store's back no longer hashes to its key.
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute("UPDATE c_records SET content = X'7b7d'", []).unwrap();
    drop(c);
    let err = accord_store::open(&url).unwrap().confidential(r.commitment()).unwrap_err();
    assert!(err.to_string().contains("does not hash to its key"), "{err}");
}

// ---- the root zone ---------------------------------------------------------

fn zone_name(s: &str) -> accord_zone::Name {
    accord_zone::Name::parse(s).unwrap()
}

fn sponsored(hosts: &[&str], member: Option<&str>) -> accord_core::zone::Sponsored {
    let mut delegation = accord_zone::Delegation::default();
    for h in hosts {
        delegation.ns.insert(zone_name(h));
    }
    let sponsor = match member {
        Some(m) => accord_core::zone::Sponsor::Member(MemberId::parse(m).unwrap()),
        None => accord_core::zone::Sponsor::Organisation("Registry".into()),
    };
    accord_core::zone::Sponsored { sponsor, delegation }
}

fn zone_version(serial: u32, index: u64, cause: accord_core::zone::VersionCause) -> Effect {
    let mut touched = std::collections::BTreeMap::new();
    touched.insert(accord_zone::Tld::parse("fr").unwrap(), 1_800_000_000);
    Effect::ZoneVersionFormed(Box::new(accord_core::zone::ZoneVersion {
        serial,
        index: LogIndex(index),
        time: Timestamp(1_800_000_000_123),
        cause,
        plan: accord_zone::ZonePlan { serial, now: 1_800_000_000, full: 1_799_000_000, touched },
    }))
}

/// Delegations now and their history in log order; the apex and keys;
/// versions newest first, with what was published; all read back as written.
fn zone_projections(store: &dyn Store) {
    use accord_core::zone::VersionCause;
    use accord_zone::Tld;
    assert!(store.zone_info().unwrap().is_none());
    assert!(store.zone_delegations().unwrap().is_empty());
    let fr = Tld::parse("fr").unwrap();
    let aaa = Tld::parse("aaa").unwrap();
    let info = accord_store::zone::ZoneInfo {
        apex: accord_zone::Apex {
            ns: std::collections::BTreeMap::from([(
                zone_name("a.accord-servers.net"),
                std::collections::BTreeSet::from(["193.0.14.200".parse().unwrap()]),
            )]),
            soa: accord_zone::model::SoaFields {
                mname: zone_name("a.accord-servers.net"),
                rname: zone_name("h.accord-servers.net"),
                refresh: 1,
                retry: 2,
                expire: 3,
                minimum: 4,
            },
        },
        keys: accord_core::zone::ZoneKeys { ksk: "k".into(), zsk: "z".into() },
        source_sha256: "ab".repeat(32),
        source_serial: 2022021501,
    };
    store
        .write_projections(&[
            Effect::ZoneDelegation {
                tld: fr.clone(),
                now: Some(Box::new(sponsored(&["d.nic.fr", "e.nic.fr"], Some("FRA")))),
                index: LogIndex(3),
                proposal: None,
            },
            Effect::ZoneDelegation {
                tld: aaa.clone(),
                now: Some(Box::new(sponsored(&["ns1.nic.aaa", "ns2.nic.aaa"], None))),
                index: LogIndex(3),
                proposal: None,
            },
            Effect::ZoneApex {
                apex: Box::new(info.apex.clone()),
                keys: info.keys.clone(),
                source_sha256: info.source_sha256.clone(),
                source_serial: info.source_serial,
            },
            zone_version(2026120300, 3, VersionCause::Import),
        ])
        .unwrap();
    assert_eq!(store.zone_info().unwrap(), Some(info));
    let rows = store.zone_delegations().unwrap();
    assert_eq!(rows.iter().map(|r| r.tld.label()).collect::<Vec<_>>(), vec!["aaa", "fr"]);
    // Two changes of fr in one entry (two ballots closing at once) are both kept.
    store
        .write_projections(&[
            Effect::ZoneDelegation {
                tld: fr.clone(),
                now: Some(Box::new(sponsored(&["d.nic.fr", "f.nic.fr"], Some("FRA")))),
                index: LogIndex(9),
                proposal: Some("p1".into()),
            },
            Effect::ZoneDelegation { tld: fr.clone(), now: None, index: LogIndex(9), proposal: Some("p2".into()) },
            zone_version(2026120301, 9, VersionCause::Change { proposal: "p2".into(), tld: fr.clone() }),
            Effect::ZonePublished { serial: 2026120301, sha256: "cd".repeat(32), index: LogIndex(10) },
        ])
        .unwrap();
    assert!(store.zone_delegation("fr").unwrap().is_none());
    assert_eq!(store.zone_delegation("aaa").unwrap().unwrap().since, 3);
    let h = store.zone_history("fr").unwrap();
    assert_eq!(
        h.iter().map(|r| (r.index, r.proposal.as_deref(), r.now.is_some())).collect::<Vec<_>>(),
        vec![(3, None, true), (9, Some("p1"), true), (9, Some("p2"), false)]
    );
    let v = store.zone_versions(None, 10).unwrap();
    assert_eq!(v.iter().map(|r| r.serial).collect::<Vec<_>>(), vec![2026120301, 2026120300]);
    assert_eq!(v[0].published, Some(("cd".repeat(32), 10)));
    assert_eq!(v[1].published, None);
    assert_eq!(v[0].plan.touched.len(), 1);
    assert_eq!(v[0].time, Timestamp(1_800_000_000_123));
    assert_eq!(v[0].cause, VersionCause::Change { proposal: "p2".into(), tld: fr });
    assert_eq!(store.zone_versions(Some(2026120301), 10).unwrap().len(), 1);
    // Cleared with every projection, and part of the digest.
    let before = store.projection_digest().unwrap();
    store.clear_projections().unwrap();
    assert!(store.zone_versions(None, 10).unwrap().is_empty());
    assert_ne!(store.projection_digest().unwrap(), before);
}

/// The WAL stays bounded under steady appends and reads: a passive
/// checkpoint cannot rewind it while readers use it, so past the limit
/// the store truncates it (a million shared objects once grew it to 13 GB).
#[test]
fn the_wal_stays_bounded_while_readers_never_stop() {
    use accord_store::prelude::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let store = std::sync::Arc::new(accord_store::SqliteStore::open_with_wal_limit(&path, 1 << 20).unwrap());
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let reader = {
        let (store, stop) = (store.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                store
                    .snapshot(&mut |size| {
                        if size > 0 {
                            store.entries(size - 1, size)?;
                        }
                        Ok(())
                    })
                    .unwrap();
            }
        })
    };
    let wal = dir.path().join("w.db-wal");
    let mut frontier = Frontier::new();
    let mut largest = 0;
    let blob = "x".repeat(4000);
    for k in 0..400u64 {
        let mut b = AppendBatch { first: k * 8, ..AppendBatch::default() };
        for i in 0..8 {
            let data = format!("{blob} {}", k * 8 + i).into_bytes();
            let leaf = Hash::leaf(&data);
            frontier.push(leaf, |(level, idx, h)| {
                if level > 0 && level % TILE_HEIGHT == 0 {
                    b.nodes.push((level, idx, h));
                }
            });
            b.entries.push((data, leaf));
        }
        store.append(&b).unwrap();
        largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
        // A sequencer has gaps between batches; the truncation waits for one.
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    // About 13 MB were appended; the WAL never held more than a few MiB.
    assert!(largest < 8 << 20, "the WAL reached {largest} bytes");
    assert_eq!(store.size().unwrap(), 3200);
}
