//! The node on a fake clock: entry times, clock skew, group commit and
//! restart, without HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use accord_core::acts::genesis::FoundingMember;
use accord_core::acts::{Genesis, NotePublish};
use accord_core::{Act, Entry, MemberId, Refusal, Seq, Statement, Timestamp};
use accord_log::Signer;
use accord_node::{found_body, Clock, Node, NodeConfig, SubmitError};
use ed25519_dalek::SigningKey;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

const ORIGIN: &str = "node.test/log";

struct FakeClock(AtomicI64);

impl Clock for FakeClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    url: String,
    log: Signer,
    sec: Signer,
    fra: Signer,
    clock: Arc<FakeClock>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("n.db").display());
    let store = accord_store::open(&url).unwrap();
    let key = |name: &str, b: u8| Signer::new(name, SigningKey::from_bytes(&[b; 32])).unwrap();
    let sec = key(&MemberId::secretariat().key_name(ORIGIN), 1);
    let log = key(ORIGIN, 2);
    let fra = key(&MemberId::parse("FRA").unwrap().key_name(ORIGIN), 3);
    let clock = Arc::new(FakeClock(AtomicI64::new(1_790_000_000_000)));
    let genesis = Genesis {
        name: "Node test".into(),
        names: Default::default(),
        origin: ORIGIN.into(),
        log_key: log.verifier().to_vkey(),
        secretariat_key: sec.verifier().to_vkey(),
        members: vec![FoundingMember {
            id: MemberId::parse("FRA").unwrap(),
            name: "France".into(),
            names: Default::default(),
            vkey: fra.verifier().to_vkey(),
        }],
        // Rate limits these tests do not reach: they submit hundreds of
        // statements at one instant.
        rules: Some(accord_core::decisions::rules::Rules {
            rate_statements_per_minute: accord_core::decisions::rules::RATE_STATEMENTS.1,
            ..Default::default()
        }),
        documents: Vec::new(),
    };
    found_body(store.as_ref(), genesis, &sec, &log, clock.as_ref()).unwrap();
    Fixture { _dir: dir, url, log, sec, fra, clock }
}

impl Fixture {
    fn start(&self) -> Node {
        let store = accord_store::open(&self.url).unwrap();
        Node::start(store, self.log.clone(), self.clock.clone(), NodeConfig::default()).unwrap()
    }

    fn start_with(&self, config: NodeConfig) -> Node {
        let store = accord_store::open(&self.url).unwrap();
        Node::start(store, self.log.clone(), self.clock.clone(), config).unwrap()
    }

    /// A node that keeps a snapshot in the fixture's folder every `every`
    /// entries.
    fn snapshot_config(&self, every: u64) -> NodeConfig {
        NodeConfig {
            snapshot: Some(self._dir.path().join("state.snapshot")),
            snapshot_every: every,
            ..NodeConfig::default()
        }
    }

    fn start_ticking(&self) -> Node {
        let store = accord_store::open(&self.url).unwrap();
        let config = NodeConfig { clock_ticker: Some(self.sec.clone()), ..NodeConfig::default() };
        Node::start(store, self.log.clone(), self.clock.clone(), config).unwrap()
    }

    fn act(&self, seq: u64, time: i64, act: Act) -> Vec<u8> {
        let st = Statement {
            member: MemberId::parse("FRA").unwrap(),
            seq: Seq(seq),
            time: Timestamp(time - time % 1000),
            act,
        };
        st.sign(&self.fra).unwrap().raw.into_bytes()
    }

    fn note(&self, seq: u64, time: i64, text: &str) -> Vec<u8> {
        let st = Statement {
            member: MemberId::parse("FRA").unwrap(),
            seq: Seq(seq),
            time: Timestamp(time - time % 1000),
            act: Act::NotePublish(NotePublish { text: text.into() }),
        };
        st.sign(&self.fra).unwrap().raw.into_bytes()
    }
}

fn entry_time(node: &Node, index: u64) -> Timestamp {
    let bytes = node.reads().entries(index, index + 1).unwrap().pop().unwrap();
    Entry::parse(&bytes).unwrap().time
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entry_times_follow_the_injected_clock_and_never_decrease() {
    let f = fixture();
    let node = f.start();
    let t0 = f.clock.now().0;
    let r = node.submit(&f.note(1, t0, "a")).await.unwrap();
    assert_eq!(r.index, 1);
    assert_eq!(entry_time(&node, 1), Timestamp(t0));
    // The clock steps back a minute: the entry keeps the previous time.
    f.clock.0.store(t0 - 60_000, Ordering::SeqCst);
    let r = node.submit(&f.note(2, t0 - 60_000, "b")).await.unwrap();
    assert_eq!(entry_time(&node, r.index), Timestamp(t0));
    // A statement six minutes off the sequencer clock is refused.
    f.clock.0.store(t0 + 1000, Ordering::SeqCst);
    match node.submit(&f.note(3, t0 + 1000 + 6 * 60_000, "c")).await {
        Err(SubmitError::Refused(Refusal::ClockSkew { .. })) => {}
        other => panic!("expected clock skew, got {other:?}"),
    }
    node.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkpoints_follow_commits_and_survive_restart() {
    let f = fixture();
    let node = Arc::new(f.start());
    let t0 = f.clock.now().0;
    // join_all polls the submissions in order, so they reach the sequencer
    // in seq order, and then wait for their commits together.
    let notes: Vec<Vec<u8>> = (1..=300u64).map(|seq| f.note(seq, t0, &format!("n{seq}"))).collect();
    let results = futures::future::join_all(notes.iter().map(|n| node.submit(n))).await;
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 300);
    for _ in 0..100 {
        if node.checkpoint().unwrap().size == 301 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let cp = node.checkpoint().unwrap();
    assert_eq!(cp.size, 301);
    node.shutdown();
    drop(node);
    let again = f.start();
    let cp2 = again.checkpoint().unwrap();
    assert_eq!((cp2.size, cp2.root), (cp.size, cp.root));
    assert_eq!(again.reads().member("FRA").unwrap().unwrap().last_seq, 300);
    let r = again.submit(&f.note(301, t0, "after restart")).await.unwrap();
    assert_eq!(r.index, 301);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretariat_ticks_the_clock_when_a_deadline_passes_without_traffic() {
    let f = fixture();
    let node = f.start_ticking();
    let t0 = f.clock.now().0;
    let closes = Timestamp(t0 - t0 % 1000 + 5_000);
    let body = serde_json::json!({"id": "p1", "title": "T", "text": "Text", "question": "ordinary",
        "procedure": "vote", "closes": closes.to_rfc3339()});
    let submit = Act::parse("proposal.submit", &body).unwrap();
    node.submit(&f.act(1, t0, submit)).await.unwrap();
    let vote = Act::parse("vote.cast", &serde_json::json!({"proposal": "p1", "vote": "yes"})).unwrap();
    node.submit(&f.act(2, t0, vote)).await.unwrap();
    // Nothing happens while the deadline is ahead.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(node.reads().size().unwrap(), 3);
    // Once the clock passes it, the node appends a tick by itself.
    f.clock.0.store(closes.0 + 1, Ordering::SeqCst);
    let mut size = 3;
    for _ in 0..100 {
        size = node.reads().size().unwrap();
        if size > 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(size, 4, "exactly one tick");
    let bytes = node.reads().entries(3, 4).unwrap().pop().unwrap();
    let e = Entry::parse(&bytes).unwrap();
    assert_eq!(e.statement.statement.act.type_name(), "clock.tick");
    assert!(e.statement.statement.member.is_secretariat());
    assert!(e.time >= closes);
    // No second tick: no deadline is left.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(node.reads().size().unwrap(), 4);
    node.shutdown();
    // The replayed state agrees: the proposal closed at the tick.
    let state = accord_node::load_state(accord_store::open(&f.url).unwrap().as_ref()).unwrap();
    let p = state.decisions().get("p1").unwrap();
    assert_eq!(p.record.status.as_str(), "adopted");
    assert_eq!(p.record.closed_at, Some(accord_core::LogIndex(3)));
}

#[test]
fn a_genesis_too_large_for_one_entry_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let store = accord_store::open(&format!("sqlite://{}", dir.path().join("g.db").display())).unwrap();
    let sec = Signer::new(&MemberId::secretariat().key_name(ORIGIN), SigningKey::from_bytes(&[1; 32])).unwrap();
    let log = Signer::new(ORIGIN, SigningKey::from_bytes(&[2; 32])).unwrap();
    let members = (0..600u32)
        .map(|i| {
            let id = MemberId::parse(&format!("M{i:04}")).unwrap();
            let mut seed = [9u8; 32];
            seed[..4].copy_from_slice(&i.to_be_bytes());
            let k = Signer::new(&id.key_name(ORIGIN), SigningKey::from_bytes(&seed)).unwrap();
            FoundingMember { id, name: format!("Member {i}"), names: Default::default(), vkey: k.verifier().to_vkey() }
        })
        .collect();
    let genesis = Genesis {
        name: "Too many".into(),
        names: Default::default(),
        origin: ORIGIN.into(),
        log_key: log.verifier().to_vkey(),
        secretariat_key: sec.verifier().to_vkey(),
        members,
        rules: None,
        documents: Vec::new(),
    };
    let clock = FakeClock(AtomicI64::new(1_790_000_000_000));
    let err = found_body(store.as_ref(), genesis, &sec, &log, &clock).unwrap_err();
    assert!(err.to_string().contains("65471"), "{err}");
    assert_eq!(store.size().unwrap(), 0);
}

/// A statement the store cannot take (here: an SQLite trigger refuses any
/// entry holding "POISON", an injected storage fault) fails alone: the
/// other statements of its batch are committed and acknowledged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_statement_the_store_refuses_does_not_cost_its_batch_their_acks() {
    let f = fixture();
    {
        let path = f.url.strip_prefix("sqlite://").unwrap();
        let db = rusqlite::Connection::open(path).unwrap();
        db.execute_batch(
            "CREATE TRIGGER poison BEFORE INSERT ON entries WHEN instr(CAST(NEW.data AS TEXT), 'POISON') > 0 \
             BEGIN SELECT RAISE(ABORT, 'injected fault'); END;",
        )
        .unwrap();
    }
    let node = Arc::new(f.start());
    let t0 = f.clock.now().0;
    let notes: Vec<Vec<u8>> = (1..=200u64)
        .map(|seq| f.note(seq, t0, &if seq == 100 { "POISON".to_string() } else { format!("n{seq}") }))
        .collect();
    let results = futures::future::join_all(notes.iter().map(|n| node.submit(n))).await;
    for (i, r) in results.iter().enumerate() {
        match (i + 1, r) {
            (100, Err(SubmitError::Unavailable(why))) => assert!(why.contains("injected fault"), "{why}"),
            (100, other) => panic!("the poisoned statement: {other:?}"),
            (_, Ok(_)) => {}
            (seq, Err(e)) => panic!("statement {seq} was refused because of another: {e}"),
        }
    }
    assert_eq!(node.reads().size().unwrap(), 1 + 199);
    // The node goes on.
    node.submit(&f.note(201, t0, "after")).await.unwrap();
    node.shutdown();
}

/// Commits that fail after persisting, fail before persisting and are slow,
/// under concurrent submitters: nothing acknowledged is lost, nothing that
/// is not in the log is acknowledged, an answer of 503 means "not in the
/// log", a retry of the same bytes answers with the entry they are, and
/// the node goes on without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_injected_storage_faults_nothing_acknowledged_is_lost_and_retries_are_safe() {
    use accord_store::faults::{Fault, FaultyStore};
    let f = fixture();
    let inner = accord_store::open(&f.url).unwrap();
    let faulty = Arc::new(FaultyStore::new(inner, |n| match n % 7 {
        2 => Some(Fault::FailAfterPersisting),
        4 => Some(Fault::FailWithoutPersisting),
        5 => Some(Fault::Slow(std::time::Duration::from_millis(20))),
        _ => None,
    }));
    let node = Arc::new(Node::start(faulty.clone(), f.log.clone(), f.clock.clone(), NodeConfig::default()).unwrap());
    let t0 = f.clock.now().0;
    let notes: Vec<Vec<u8>> = (1..=400u64).map(|seq| f.note(seq, t0, &format!("n{seq}"))).collect();
    // Four submitters at once, in rounds so that commits (and faults) are many.
    let mut results = Vec::new();
    for round in notes.chunks(20) {
        results.extend(futures::future::join_all(round.iter().map(|n| node.submit(n))).await);
    }
    let injected = faulty.injected.lock().unwrap().clone();
    assert!(injected.iter().any(|(_, f)| *f == Fault::FailAfterPersisting), "{injected:?}");
    assert!(injected.iter().any(|(_, f)| *f == Fault::FailWithoutPersisting), "{injected:?}");
    let store = node.reads();
    let size = store.size().unwrap();
    let log = store.entries(0, size).unwrap();
    let in_log = |raw: &[u8]| log.iter().position(|e| Entry::parse(e).unwrap().statement.raw.as_bytes() == raw);
    let mut unavailable = Vec::new();
    for (note, r) in notes.iter().zip(&results) {
        match r {
            Ok(receipt) => {
                // Acknowledged: in the log, at the index given.
                assert_eq!(
                    in_log(note),
                    Some(receipt.index as usize),
                    "an acknowledged statement is not where it was said"
                );
            }
            Err(SubmitError::Unavailable(_)) => {
                assert_eq!(in_log(note), None, "answered 503 but in the log");
                unavailable.push(note.clone());
            }
            Err(e) => panic!("unexpected refusal: {e}"),
        }
    }
    // The client retries what was not taken; and a retry of what was taken
    // answers with the existing entry.
    // A retry of a statement answered 503 is either taken now (its seq is
    // still above the member's last: the faults fell on the last commits)
    // or refused for its seq; it is never in the log twice, and never
    // answered as an earlier entry it is not.
    for note in &unavailable {
        match node.submit(note).await {
            Ok(receipt) => {
                assert!(!receipt.existing, "a 503 was in the log after all");
                let e = node.reads().entries(receipt.index, receipt.index + 1).unwrap().pop().unwrap();
                assert_eq!(Entry::parse(&e).unwrap().statement.raw.as_bytes(), note.as_slice());
            }
            Err(SubmitError::Refused(_)) => {
                let size = node.reads().size().unwrap();
                let log = node.reads().entries(0, size).unwrap();
                assert!(!log.iter().any(|e| Entry::parse(e).unwrap().statement.raw.as_bytes() == note.as_slice()));
            }
            Err(e) => panic!("a retry after the faults: {e}"),
        }
    }
    let again = node.submit(&notes[0]).await.unwrap();
    assert!(again.existing);
    assert_eq!(again.index, results[0].as_ref().unwrap().index);
    // No restart needed: the next statement is taken.
    let next = node.submit(&f.note(401, t0, "after the faults")).await.unwrap();
    assert_eq!(next.index, node.reads().size().unwrap() - 1);
    node.shutdown();
    // And after a restart everything acknowledged is still there.
    let node = f.start();
    for (note, r) in notes.iter().zip(&results) {
        if let Ok(receipt) = r {
            let e = node.reads().entries(receipt.index, receipt.index + 1).unwrap().pop().unwrap();
            assert_eq!(Entry::parse(&e).unwrap().statement.raw.as_bytes(), note.as_slice());
        }
    }
    node.shutdown();
}

/// A fake monotonic clock, in ms.
struct FakeMono(AtomicI64);

impl accord_node::Monotonic for FakeMono {
    fn elapsed(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.0.load(Ordering::SeqCst) as u64)
    }
}

/// The system clock steps an hour forward, then two hours back, while a
/// ballot is open: entry times follow the monotonic clock, so the ballot
/// does not close early, honest statements are not `clock-skew`, and the
/// drift shows in `/metrics`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_of_the_system_clock_is_not_an_event() {
    let f = fixture();
    let wall = f.clock.clone();
    let mono = Arc::new(FakeMono(AtomicI64::new(0)));
    let steady = Arc::new(accord_node::SteadyClock::new(wall.clone(), mono.clone()));
    let config = NodeConfig { clock_ticker: Some(f.sec.clone()), ..NodeConfig::default() };
    let node = Node::start(accord_store::open(&f.url).unwrap(), f.log.clone(), steady, config).unwrap();
    let t0 = wall.now().0 - wall.now().0 % 1000;
    let closes = Timestamp(t0 + 600_000);
    let body = serde_json::json!({"id": "p1", "title": "T", "text": "Text", "question": "ordinary",
        "procedure": "vote", "closes": closes.to_rfc3339()});
    node.submit(&f.act(1, t0, Act::parse("proposal.submit", &body).unwrap())).await.unwrap();
    // The wall clock steps an hour ahead; one real second passes.
    wall.0.fetch_add(3_600_000, Ordering::SeqCst);
    mono.0.fetch_add(1000, Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    // No tick closed the ballot, and a statement signed at the true time
    // (one second later) is accepted.
    let vote = Act::parse("vote.cast", &serde_json::json!({"proposal": "p1", "vote": "yes"})).unwrap();
    let r = node.submit(&f.act(2, t0 + 1000, vote)).await.unwrap();
    assert_eq!(r.index, 2);
    assert!(entry_time(&node, 2).0 < t0 + 5_000, "the entry took the stepped wall clock's time");
    let drift = node.metrics().clock_drift_ms.load(Ordering::SeqCst);
    assert!((3_590_000..=3_610_000).contains(&drift), "drift {drift}");
    assert!(node.metrics().render().contains("accord_clock_drift_seconds 3"));
    // Two hours back: still nothing closes early, honest statements pass.
    wall.0.fetch_sub(7_200_000, Ordering::SeqCst);
    mono.0.fetch_add(1000, Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let r = node.submit(&f.note(3, t0 + 2000, "after the step back")).await.unwrap();
    assert_eq!(r.index, 3);
    let t = entry_time(&node, 3).0;
    assert!((t0 + 2000..t0 + 5000).contains(&t), "entry time {t}");
    assert!(node.metrics().clock_drift_ms.load(Ordering::SeqCst) < -3_500_000);
    // The ballot is still open; it closes when the monotonic clock reaches
    // its deadline (the node ticks by itself).
    let state = || accord_node::load_state(accord_store::open(&f.url).unwrap().as_ref()).unwrap();
    assert_eq!(state().decisions().get("p1").unwrap().record.status.as_str(), "open");
    mono.0.store(600_000 + 1, Ordering::SeqCst);
    let mut closed = false;
    for _ in 0..100 {
        if state().decisions().get("p1").unwrap().record.status.as_str() != "open" {
            closed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(closed, "the ballot did not close at its deadline on the monotonic clock");
    node.shutdown();
}

// ---- the checkpoint pipeline -----------------------------------------------------------

/// A witness that cosigns with its own key, counting calls; a gated one
/// waits until the test lets it answer.
struct Witness {
    key: Signer,
    gate: Option<std::sync::Mutex<std::sync::mpsc::Receiver<()>>>,
    calls: std::sync::atomic::AtomicU64,
}

impl accord_node::checkpointer::Cosigners for Witness {
    fn cosign(
        &self,
        signed: &accord_log::Note,
        _: &accord_log::Checkpoint,
        _: &accord_node::PolicyInForce,
    ) -> Vec<accord_log::NoteSignature> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if let Some(gate) = &self.gate {
            let _ = gate.lock().unwrap().recv();
        }
        vec![self.key.sign(signed.text())]
    }
}

fn start_witnessed(f: &Fixture, w: Arc<Witness>) -> Node {
    let store = accord_store::open(&f.url).unwrap();
    let config = NodeConfig { cosigners: accord_node::CosignerSet(w), ..NodeConfig::default() };
    Node::start(store, f.log.clone(), f.clock.clone(), config).unwrap()
}

/// Waits (bounded) until the published checkpoint covers `size`.
fn published_at(node: &Node, size: u64) -> Arc<accord_node::Published> {
    for _ in 0..200 {
        if let Some(p) = node.checkpoint().filter(|p| p.size >= size) {
            return p;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("no checkpoint of size {size} was published");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkpoint_is_signed_cosigned_stored_then_published_and_timed() {
    let f = fixture();
    let witness = Signer::new("witness.test/FRA", SigningKey::from_bytes(&[9; 32])).unwrap();
    let w = Arc::new(Witness { key: witness.clone(), gate: None, calls: Default::default() });
    let node = start_witnessed(&f, w.clone());
    let t0 = f.clock.now().0;
    let r = node.submit(&f.note(1, t0, "witnessed")).await.unwrap();
    let p = published_at(&node, r.index + 1);
    // The published note carries the log's signature and the witness's, and
    // it is what the store holds: stored before it was served.
    let note = accord_log::Note::parse(p.note.as_bytes()).unwrap();
    assert!(note.verify(f.log.verifier()).is_ok(), "{}", p.note);
    assert!(note.verify(witness.verifier()).is_ok(), "the cosignature is in the published note: {}", p.note);
    let stored = accord_store::open(&f.url).unwrap().latest_checkpoint().unwrap().unwrap();
    assert!(stored.0 >= p.size);
    if stored.0 == p.size {
        assert_eq!(stored.1, p.note);
    }
    assert!(w.calls.load(Ordering::SeqCst) >= 1);
    let metrics = node.metrics().render();
    for stage in ["sign", "cosign", "store", "publish"] {
        assert!(metrics.contains(&format!("accord_checkpoint_{stage}_seconds_total ")), "{stage}: {metrics}");
    }
    node.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_witness_that_does_not_answer_never_stalls_sequencing() {
    let f = fixture();
    let witness = Signer::new("witness.test/slow", SigningKey::from_bytes(&[8; 32])).unwrap();
    let (release, gate) = std::sync::mpsc::channel();
    let w = Arc::new(Witness { key: witness, gate: Some(std::sync::Mutex::new(gate)), calls: Default::default() });
    let node = start_witnessed(&f, w.clone());
    let t0 = f.clock.now().0;
    // The first checkpoint waits on the witness, which does not answer;
    // statements are acknowledged all the same. (The timeout only keeps a
    // stalled sequencer from hanging the test.)
    let first = node.submit(&f.note(1, t0, "first")).await.unwrap();
    while w.calls.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let more = async {
        for seq in 2..=20 {
            node.submit(&f.note(seq, t0, "while the witness is silent")).await.unwrap();
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(60), more).await.expect("sequencing waited for the witness");
    assert!(node.checkpoint().is_none_or(|p| p.size <= first.index), "nothing past the gate was published yet");
    // Once it answers, checkpoints go on, with its cosignature.
    for _ in 0..20 {
        let _ = release.send(());
    }
    published_at(&node, 21);
    node.shutdown();
}

/// Submits `n` notes from seq `from` on, one at a time.
async fn notes(f: &Fixture, node: &Node, from: u64, n: u64) {
    said(f, node, from, n, "note").await
}

/// Submits `n` notes `{word} {seq}` from seq `from` on, one at a time.
async fn said(f: &Fixture, node: &Node, from: u64, n: u64, word: &str) {
    let t0 = f.clock.now().0;
    for seq in from..from + n {
        node.submit(&f.note(seq, t0, &format!("{word} {seq}"))).await.unwrap();
    }
}

/// A node that keeps a snapshot starts from it and folds only the entries
/// after it, into exactly the state a full replay gives; without the
/// snapshot file it replays the whole log and says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_starts_from_its_snapshot_and_replays_only_what_follows() {
    use accord_node::snapshots::Start;
    let f = fixture();
    let config = f.snapshot_config(10);
    let node = f.start_with(config.clone());
    assert!(matches!(node.started_from(), Start::FullReplay { why } if why.contains("no snapshot")));
    notes(&f, &node, 1, 25).await;
    node.shutdown();
    let written = node.metrics().snapshots.written.load(Ordering::SeqCst);
    assert!(written >= 1, "no snapshot was written");
    let size = node.reads().size().unwrap();
    drop(node);
    let node = f.start_with(config.clone());
    let Start::Snapshot { at, replayed } = node.started_from().clone() else {
        panic!("started by {:?}", node.started_from())
    };
    assert!(at >= 10 && at + replayed == size, "{at} + {replayed} != {size}");
    // The node goes on from there: the next seq is taken, a stale one refused.
    assert!(node.submit(&f.note(25, f.clock.now().0, "again")).await.is_err());
    notes(&f, &node, 26, 3).await;
    node.shutdown();
    drop(node);
    let store = accord_store::open(&f.url).unwrap();
    let (from_snapshot, start) = accord_node::snapshots::load(store.as_ref(), config.snapshot.as_deref()).unwrap();
    assert!(matches!(start, Start::Snapshot { .. }), "{start:?}");
    assert_eq!(from_snapshot, accord_node::load_state(store.as_ref()).unwrap());
}

/// A damaged snapshot, a snapshot of another body, and one that covers
/// more entries than the log holds are never used: the node replays the
/// whole log, says why, serves, and writes a sound snapshot again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_that_is_damaged_or_of_another_log_means_a_full_replay() {
    use accord_node::snapshots::Start;
    let f = fixture();
    let config = f.snapshot_config(5);
    let file = config.snapshot.clone().unwrap();
    let node = f.start_with(config.clone());
    notes(&f, &node, 1, 12).await;
    node.shutdown();
    drop(node);
    let good = std::fs::read(&file).unwrap();

    // One flipped byte in the middle.
    let mut bad = good.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 1;
    std::fs::write(&file, &bad).unwrap();
    let node = f.start_with(config.clone());
    assert!(
        matches!(node.started_from(), Start::FullReplay { why } if why.contains("checksum")),
        "{:?}",
        node.started_from()
    );
    notes(&f, &node, 13, 6).await;
    node.shutdown();
    drop(node);
    let node = f.start_with(config.clone());
    assert!(matches!(node.started_from(), Start::Snapshot { .. }), "no sound snapshot after the damaged one");
    drop(node);

    // Truncated, and not a snapshot at all.
    for bytes in [&good[..good.len() - 1], b"hello".as_slice()] {
        std::fs::write(&file, bytes).unwrap();
        let node = f.start_with(NodeConfig { snapshot_every: 1_000_000, ..config.clone() });
        assert!(matches!(node.started_from(), Start::FullReplay { .. }), "{:?}", node.started_from());
    }

    // Another body's snapshot, of a longer log, and of a shorter one (the
    // fixtures share keys and clock: the logs part at their first note).
    let other = fixture();
    let oconfig = other.snapshot_config(3);
    let node = other.start_with(oconfig.clone());
    said(&other, &node, 1, 40, "other").await;
    node.shutdown();
    drop(node);
    std::fs::copy(oconfig.snapshot.as_ref().unwrap(), &file).unwrap();
    // (It covers more entries than our log holds, unless its writer fell
    // far behind; then its root is not ours. Refused either way.)
    let node = f.start_with(NodeConfig { snapshot_every: 1_000_000, ..config.clone() });
    assert!(
        matches!(node.started_from(), Start::FullReplay { why }
            if why.contains("the log holds") || why.contains("another log")),
        "{:?}",
        node.started_from()
    );
    drop(node);
    // Ours, of fewer entries than the other's log, in the other's place.
    std::fs::write(oconfig.snapshot.as_ref().unwrap(), &good).unwrap();
    let node = other.start_with(NodeConfig { snapshot_every: 1_000_000, ..oconfig });
    assert!(
        matches!(node.started_from(), Start::FullReplay { why } if why.contains("another log")),
        "{:?}",
        node.started_from()
    );
}
