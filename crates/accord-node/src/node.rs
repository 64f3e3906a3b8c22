//! The node: owns the sequencer and checkpointer threads and answers the
//! use cases of the HTTP layer and the CLI.

use crate::checkpointer;
use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::sequencer::{self, Job};
use crate::verifier;
use accord_core::acts::Genesis;
use accord_core::{Act, Entry, MemberId, Refusal, Seq, SigCheck, SignedStatement, State, Statement};
use accord_log::merkle::{consistency_proof, inclusion_proof, range_hash, Frontier};
use accord_log::proof::TlogProof;
use accord_log::{Checkpoint, Hash, Signer, VerifierKey};
use accord_store::{AppendBatch, Store, StoreError, StoreHashes};
use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::thread::JoinHandle;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum NodeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the stored log is inconsistent: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Setup(String),
}

/// Why a submission was not appended.
#[derive(Debug, Error)]
pub enum SubmitError {
    /// The statement breaks a rule: the client must change it.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The node cannot take it now (overload, storage failure): retry.
    #[error("unavailable: {0}")]
    Unavailable(String),
}

/// The acknowledgement of a durable append.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub index: u64,
    pub leaf_hash: Hash,
    /// Already in the log before this submission: the same bytes were
    /// submitted again (a retry after an ambiguous failure).
    pub existing: bool,
}

/// What the log holds at a member's `seq`, compared with a submission.
enum Stored {
    Same(Receipt),
    Other,
    Nothing,
}

/// A signed checkpoint that has been published.
#[derive(Clone, Debug)]
pub struct Published {
    pub size: u64,
    pub root: Hash,
    /// The note: the log's signature and the cosignatures received.
    pub note: String,
    /// The witnesses (member ids) whose valid cosignature it carries, with
    /// its timestamp.
    pub cosigned: std::collections::BTreeMap<String, u64>,
    /// Do they make the quorum of `policy`?
    pub quorum: bool,
    /// The witness policy in force at `size`.
    pub policy: Arc<PolicyInForce>,
    /// Unix seconds when this node published it.
    pub at: u64,
}

/// How many published checkpoints the node keeps in memory for the portal.
pub const RECENT_CHECKPOINTS: usize = 20;

pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The witness policy in force after some prefix of the log
/// (`accord_core::State::witness_policy`), with what the portal shows of
/// it: the registered witnesses and the decision that set the rules.
#[derive(Clone, Debug)]
pub struct PolicyInForce {
    pub policy: accord_log::policy::Policy,
    /// `policy` as C2SP tlog-policy text, as `/log/policy` serves it.
    pub text: String,
    pub witnesses: Vec<WitnessView>,
    /// The proposal whose adoption last set the witness rules, and the
    /// entry at which it took effect (`None`: the rules of genesis).
    pub set_by: Option<(String, u64)>,
    /// The witness rules of the rules of procedure, as JSON.
    pub rules: serde_json::Value,
}

/// A registered witness.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessView {
    pub member: String,
    pub url: String,
    pub vkey: String,
    pub since: u64,
    /// Does it count toward the quorum (its member in good standing and
    /// counted by the rules)?
    pub counted: bool,
}

impl PolicyInForce {
    pub fn of(state: &State) -> PolicyInForce {
        let policy = state.witness_policy();
        let counted: std::collections::BTreeSet<&str> = policy
            .groups
            .iter()
            .find(|g| g.name == accord_core::witness::COUNTED_GROUP)
            .map(|g| g.members.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let witnesses = state
            .witnesses()
            .registered()
            .map(|w| WitnessView {
                member: w.member.to_string(),
                url: w.url.clone(),
                vkey: w.key.to_vkey(),
                since: w.since.0,
                counted: counted.contains(w.member.as_str()),
            })
            .collect();
        PolicyInForce {
            text: policy.to_text(),
            policy,
            witnesses,
            set_by: state.witnesses().set_by().map(|(p, i)| (p.to_string(), i.0)),
            rules: serde_json::to_value(&state.rules().witnesses).unwrap_or_default(),
        }
    }
}

/// Tunables of a node.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    /// Most entries in one group commit.
    pub max_batch: usize,
    /// Submissions that may wait for the sequencer before 503.
    pub queue: usize,
    /// Least time between two checkpoints, in milliseconds.
    pub checkpoint_interval_ms: u64,
    /// The secretariat's key, if this node holds it: the sequencer then
    /// appends a `clock.tick` as soon as a ballot's deadline has passed
    /// with no entry to close it.
    pub clock_ticker: Option<Signer>,
    /// Who cosigns each checkpoint before it is published (none yet).
    pub cosigners: CosignerSet,
    /// Where the node keeps a snapshot of its state for a fast start
    /// ([`crate::snapshots`]); `None`: none, every start replays the log.
    pub snapshot: Option<std::path::PathBuf>,
    /// Entries between two snapshots (at least 1).
    pub snapshot_every: u64,
}

/// The checkpoint pipeline's witnesses ([`crate::checkpointer::Cosigners`]).
#[derive(Clone)]
pub struct CosignerSet(pub Arc<dyn crate::checkpointer::Cosigners>);

impl std::fmt::Debug for CosignerSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CosignerSet")
    }
}

/// Entries between two snapshots by default: a start replays at most
/// this many entries after the snapshot (about a second's work).
pub const DEFAULT_SNAPSHOT_EVERY: u64 = 100_000;

impl Default for NodeConfig {
    fn default() -> Self {
        NodeConfig {
            max_batch: 4096,
            queue: 65536,
            checkpoint_interval_ms: 100,
            clock_ticker: None,
            cosigners: CosignerSet(Arc::new(crate::checkpointer::NoWitnesses)),
            snapshot: None,
            snapshot_every: DEFAULT_SNAPSHOT_EVERY,
        }
    }
}

/// What the sequencer shares with readers after each durable commit.
pub(crate) struct Durable {
    pub size: u64,
    pub root: Hash,
    /// The witness policy in force at `size`.
    pub policy: Arc<PolicyInForce>,
}

pub(crate) struct Shared {
    pub store: Arc<dyn Store>,
    pub origin: String,
    pub log_key: Signer,
    pub keys: RwLock<HashMap<MemberId, Arc<VerifierKey>>>,
    pub durable: Mutex<Durable>,
    pub durable_changed: Condvar,
    pub published: RwLock<Option<Arc<Published>>>,
    /// The last published checkpoints, oldest first.
    pub recent: Mutex<std::collections::VecDeque<Arc<Published>>>,
    pub metrics: Metrics,
    pub stopping: std::sync::atomic::AtomicBool,
    pub config: NodeConfig,
    /// The checkpoint pipeline's signer and witnesses ([`crate::checkpointer`]).
    pub checkpoint_signer: Arc<dyn crate::checkpointer::CheckpointSigner>,
    pub cosigners: Arc<dyn crate::checkpointer::Cosigners>,
    /// Told of every commit before it is acknowledged ([`crate::changes`]).
    pub observers: RwLock<Vec<Arc<dyn crate::changes::CommitObserver>>>,
    /// Credentials and communities as of the last commit that changed
    /// them ([`crate::share`]).
    pub sharing: RwLock<Arc<accord_core::share::ShareState>>,
}

/// A decoded entry with its inclusion proof against the latest checkpoint.
#[derive(Clone, Debug)]
pub struct EntryView {
    pub index: u64,
    pub bytes: Vec<u8>,
    pub entry: Entry,
    pub leaf_hash: Hash,
    pub proof: TlogProof,
}

pub struct Node {
    shared: Arc<Shared>,
    clock: Arc<dyn Clock>,
    zone: std::sync::OnceLock<Arc<crate::zone::ZoneService>>,
    start: crate::snapshots::Start,
    jobs: Mutex<Option<SyncSender<Job>>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

/// A refusal's detail for the operator's log: at most
/// [`Node::LOGGED_DETAIL`] characters (it may quote what a client sent;
/// it is logged with `?`, so newlines and quotes are escaped).
fn refusal_detail(r: &Refusal) -> String {
    r.to_string().chars().take(Node::LOGGED_DETAIL).collect()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn read<T>(m: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn write<T>(m: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn keys_of(state: &State) -> HashMap<MemberId, Arc<VerifierKey>> {
    state.actors().map(|a| (a.id.clone(), a.key.clone())).collect()
}

impl Node {
    /// Opens a founded body: replays the log, restores the tree frontier,
    /// and starts the sequencer and checkpointer.
    pub fn start(
        store: Arc<dyn Store>,
        log_key: Signer,
        clock: Arc<dyn Clock>,
        config: NodeConfig,
    ) -> Result<Node, NodeError> {
        let (state, start) = crate::snapshots::load(store.as_ref(), config.snapshot.as_deref())?;
        let body = state.body().ok_or_else(|| NodeError::Setup("the log has no genesis; run `accord init`".into()))?;
        if body.log_key != *log_key.verifier() {
            return Err(NodeError::Setup(format!(
                "the log key given ({}) is not the one genesis names ({})",
                log_key.verifier(),
                body.log_key
            )));
        }
        let origin = body.origin.clone();
        let frontier = Frontier::load(&mut StoreHashes(store.as_ref()), state.size())?;
        // The policy at the stored checkpoint's size is the state's when
        // the log did not grow after it; if it did, a new checkpoint
        // follows at once, with the policy at its own size.
        let policy = Arc::new(PolicyInForce::of(&state));
        let published = match store.latest_checkpoint()? {
            Some((_, note)) => {
                let (cp, _) = Checkpoint::open(note.as_bytes(), log_key.verifier())
                    .map_err(|e| NodeError::Corrupt(format!("stored checkpoint: {e}")))?;
                let parsed = accord_log::Note::parse(note.as_bytes())
                    .map_err(|e| NodeError::Corrupt(format!("stored checkpoint: {e}")))?;
                let verdict = policy.policy.verify(&parsed);
                Some(Arc::new(Published {
                    size: cp.size,
                    root: cp.root,
                    note,
                    cosigned: verdict.cosigned,
                    quorum: verdict.quorum,
                    policy: policy.clone(),
                    at: unix_now(),
                }))
            }
            None => None,
        };
        // The node never contradicts what it published: the stored
        // checkpoint must be a prefix of the stored log, root for root.
        if let Some(p) = &published {
            if p.size > frontier.size() {
                return Err(NodeError::Corrupt(format!(
                    "the latest published checkpoint covers {} entries, but the log holds only {}: entries that \
                     were published are missing (restore them from a backup or a mirror; serving now would sign \
                     a fork)",
                    p.size,
                    frontier.size()
                )));
            }
            let root = range_hash(&mut StoreHashes(store.as_ref()), 0, p.size)?;
            if root != p.root {
                return Err(NodeError::Corrupt(format!(
                    "the log's root at size {} is {}, not the root {} of the checkpoint published at that size: \
                     the log was rewritten (serving now would sign a fork)",
                    p.size,
                    root.to_base64(),
                    p.root.to_base64()
                )));
            }
        }
        let metrics = Metrics::default();
        metrics.log_size.store(state.size(), Relaxed);
        if let Some(p) = &published {
            metrics.checkpoint_size.store(p.size, Relaxed);
        }
        let checkpoint_signer = Arc::new(log_key.clone());
        let shared = Arc::new(Shared {
            store,
            origin,
            log_key,
            keys: RwLock::new(keys_of(&state)),
            durable: Mutex::new(Durable { size: frontier.size(), root: frontier.root(), policy }),
            durable_changed: Condvar::new(),
            recent: Mutex::new(published.iter().cloned().collect()),
            published: RwLock::new(published),
            metrics,
            stopping: false.into(),
            config: config.clone(),
            observers: RwLock::new(Vec::new()),
            checkpoint_signer,
            cosigners: config.cosigners.0.clone(),
            sharing: RwLock::new(Arc::new(state.share().clone())),
        });
        let (tx, rx) = sync_channel(config.queue);
        // Verified submissions travel in rounds; this bounds how many rounds
        // wait for the sequencer.
        let (verified_tx, verified_rx) = sync_channel(64);
        let mut threads = Vec::new();
        let s = shared.clone();
        threads.push(
            std::thread::Builder::new()
                .name("accord-verifier".into())
                .spawn(move || verifier::run(s, rx, verified_tx))
                .map_err(|e| NodeError::Setup(format!("cannot start the verifier: {e}")))?,
        );
        let snapshots = match &config.snapshot {
            Some(file) => {
                let at = match start {
                    crate::snapshots::Start::Snapshot { at, .. } => at,
                    crate::snapshots::Start::FullReplay { .. } => 0,
                };
                let stats = shared.metrics.snapshots.clone();
                let (s, thread) = crate::snapshots::Snapshots::start(file.clone(), config.snapshot_every, at, stats)?;
                threads.push(thread);
                Some(s)
            }
            None => None,
        };
        let s = shared.clone();
        threads.push(
            std::thread::Builder::new()
                .name("accord-sequencer".into())
                .spawn({
                    let clock = clock.clone();
                    move || sequencer::run(s, state, frontier, clock, verified_rx, snapshots)
                })
                .map_err(|e| NodeError::Setup(format!("cannot start the sequencer: {e}")))?,
        );
        let s = shared.clone();
        threads.push(
            std::thread::Builder::new()
                .name("accord-checkpointer".into())
                .spawn({
                    let clock = clock.clone();
                    move || checkpointer::run(s, clock)
                })
                .map_err(|e| NodeError::Setup(format!("cannot start the checkpointer: {e}")))?,
        );
        Ok(Node {
            shared,
            clock,
            zone: std::sync::OnceLock::new(),
            start,
            jobs: Mutex::new(Some(tx)),
            threads: Mutex::new(threads),
        })
    }

    /// How this node's state was loaded: from a snapshot, or by a full
    /// replay and why.
    pub fn started_from(&self) -> &crate::snapshots::Start {
        &self.start
    }

    /// The node's clock (what the sequencer stamps entries with).
    pub fn now(&self) -> accord_core::Timestamp {
        self.clock.now()
    }

    /// Attaches the service that builds the signed zone (once).
    pub fn set_zone_service(&self, z: Arc<crate::zone::ZoneService>) {
        let _ = self.zone.set(z);
    }

    /// The signed zone's service, if this node runs one.
    pub fn zone_service(&self) -> Option<&Arc<crate::zone::ZoneService>> {
        self.zone.get()
    }

    pub fn origin(&self) -> &str {
        &self.shared.origin
    }

    pub fn log_vkey(&self) -> &VerifierKey {
        self.shared.log_key.verifier()
    }

    /// The store, whole: for the node's own crate (the sequencer, the
    /// checkpointer, replay) only.
    pub(crate) fn store(&self) -> &dyn Store {
        self.shared.store.as_ref()
    }

    /// What readers (the HTTP API, the portal, the CLI) may read: the log
    /// and the projections, never a write. The one door for reads, where
    /// access checks will live (confidential objects, bilateral requests).
    pub(crate) fn shared_sharing(&self) -> Arc<accord_core::share::ShareState> {
        read(&self.shared.sharing).clone()
    }

    /// The store, for the use cases that write outside the log (a status
    /// with no new object).
    pub(crate) fn store_handle(&self) -> Arc<dyn Store> {
        self.shared.store.clone()
    }

    pub(crate) fn reads_confidential(
        &self,
        c: &accord_store::confidential::Commitment,
    ) -> Result<Option<accord_store::confidential::Confidential>, StoreError> {
        self.shared.store.confidential(c)
    }

    /// Queues a job for the sequencer (through the verifier).
    pub(crate) fn enqueue(&self, job: Job) -> Result<(), SubmitError> {
        let jobs = lock(&self.jobs);
        let Some(tx) = jobs.as_ref() else {
            return Err(SubmitError::Unavailable("the node is shutting down".into()));
        };
        match tx.try_send(job) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) => {
                self.shared.metrics.unavailable.fetch_add(1, Relaxed);
                Err(SubmitError::Unavailable("the sequencer queue is full; retry shortly".into()))
            }
            Err(TrySendError::Disconnected(_)) => Err(SubmitError::Unavailable("the sequencer has stopped".into())),
        }
    }

    pub fn reads(&self) -> &dyn accord_store::Reads {
        self.shared.store.as_ref()
    }

    pub fn metrics(&self) -> &Metrics {
        &self.shared.metrics
    }

    /// Tells `o` of every commit from now on, in order, before it is
    /// acknowledged ([`crate::changes`]).
    pub fn observe(&self, o: Arc<dyn crate::changes::CommitObserver>) {
        self.shared.observers.write().unwrap_or_else(|p| p.into_inner()).push(o);
    }

    /// The latest published checkpoint.
    pub fn checkpoint(&self) -> Option<Arc<Published>> {
        read(&self.shared.published).clone()
    }

    /// The witness policy in force at the durable size (the published
    /// checkpoint's is `checkpoint().policy`).
    pub fn witness_policy(&self) -> Arc<PolicyInForce> {
        lock(&self.shared.durable).policy.clone()
    }

    /// The last published checkpoints, newest first.
    pub fn recent_checkpoints(&self) -> Vec<Arc<Published>> {
        lock(&self.shared.recent).iter().rev().cloned().collect()
    }

    /// What the node knows of each witness.
    pub fn witness_reports(&self) -> Vec<crate::witnesses::WitnessReport> {
        self.shared.cosigners.report()
    }

    /// Parses, verifies and sequences a signed statement. Resolves once the
    /// entry is durable (or refused).
    ///
    /// Says so in the operator's log: the sequencer logs each accepted
    /// statement once durable; this logs each refusal (member and type
    /// when the statement could be read that far, and the refusal's code),
    /// each resubmission of bytes already in the log, and each statement
    /// not taken because the node was unavailable.
    pub async fn submit(&self, bytes: &[u8]) -> Result<Receipt, SubmitError> {
        let signed = match SignedStatement::parse(bytes) {
            Ok(s) => s,
            Err(r) => {
                self.shared.metrics.refused.fetch_add(1, Relaxed);
                tracing::info!(code = r.code(), detail = ?refusal_detail(&r), "statement refused");
                return Err(SubmitError::Refused(r));
            }
        };
        let member = signed.statement.member.clone();
        let kind = signed.statement.act.type_name();
        let result = self.submit_parsed(signed, bytes).await;
        match &result {
            Ok(receipt) if receipt.existing => {
                tracing::info!(%member, r#type = kind, index = receipt.index, "statement already in the log")
            }
            Ok(_) => {}
            Err(SubmitError::Refused(r)) => {
                tracing::info!(%member, r#type = kind, code = r.code(), detail = ?refusal_detail(r), "statement refused")
            }
            Err(SubmitError::Unavailable(why)) => {
                tracing::warn!(%member, r#type = kind, reason = %why, "statement not taken: unavailable")
            }
        }
        result
    }

    /// Longest refusal detail written to the operator's log, in characters.
    const LOGGED_DETAIL: usize = 200;

    async fn submit_parsed(&self, signed: SignedStatement, bytes: &[u8]) -> Result<Receipt, SubmitError> {
        let refused = |r: Refusal| {
            self.shared.metrics.refused.fetch_add(1, Relaxed);
            SubmitError::Refused(r)
        };
        let key = {
            let keys = read(&self.shared.keys);
            keys.get(&signed.statement.member).cloned()
        };
        // The signature is verified by the sequencer, in batches.
        let key = key.ok_or_else(|| refused(Refusal::UnknownMember(signed.statement.member.to_string())))?;
        let member = signed.statement.member.clone();
        let (reply, wait) = tokio::sync::oneshot::channel();
        self.enqueue(Job::signed(signed, key, reply))?;
        let result = match wait.await {
            Ok(r) => r,
            Err(_) => Err(SubmitError::Unavailable("the sequencer stopped before committing".into())),
        };
        match result {
            Err(SubmitError::Refused(Refusal::ReplayedSeq { last, got })) => {
                match self.already_in_log(&member, Seq(got), bytes).await {
                    Some(receipt) => Ok(receipt),
                    None => Err(SubmitError::Refused(Refusal::ReplayedSeq { last, got })),
                }
            }
            other => other,
        }
    }

    /// The receipt of a statement already in the log with exactly these
    /// bytes, so that a client may retry safely after an ambiguous failure.
    /// If nothing of the member's is stored at that `seq`, its first
    /// submission may be committing right now: one more look after the
    /// next commit (or 200 ms).
    async fn already_in_log(&self, member: &MemberId, seq: Seq, bytes: &[u8]) -> Option<Receipt> {
        match self.stored_at(member, seq, bytes).await {
            Stored::Same(r) => return Some(r),
            Stored::Other => return None,
            Stored::Nothing => {}
        }
        let size = lock(&self.shared.durable).size;
        for _ in 0..20 {
            if lock(&self.shared.durable).size > size {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        match self.stored_at(member, seq, bytes).await {
            Stored::Same(r) => Some(r),
            Stored::Other | Stored::Nothing => None,
        }
    }

    /// What the store holds of `member` at `seq`, against `bytes`.
    async fn stored_at(&self, member: &MemberId, seq: Seq, bytes: &[u8]) -> Stored {
        let store = self.shared.store.clone();
        let (member, raw) = (member.as_str().to_string(), bytes.to_vec());
        let looked = tokio::task::spawn_blocking(move || -> Option<Stored> {
            let Some(index) = store.statement_at(&member, seq.0).ok()? else { return Some(Stored::Nothing) };
            let entry_bytes = store.entries(index, index + 1).ok()?.pop()?;
            let entry = Entry::parse(&entry_bytes).ok()?;
            Some(if entry.statement.raw.as_bytes() == raw.as_slice() {
                Stored::Same(Receipt { index, leaf_hash: Hash::leaf(&entry_bytes), existing: true })
            } else {
                Stored::Other
            })
        })
        .await;
        looked.ok().flatten().unwrap_or(Stored::Other)
    }

    /// Entry `index` with its inclusion proof against the latest checkpoint.
    /// `None` if the entry is not yet covered by a published checkpoint.
    pub fn entry(&self, index: u64) -> Result<Option<EntryView>, NodeError> {
        let Some(cp) = self.checkpoint() else {
            return Ok(None);
        };
        if index >= cp.size {
            return Ok(None);
        }
        let store = self.store();
        let Some(bytes) = store.entries(index, index + 1)?.pop() else {
            return Err(NodeError::Corrupt(format!("entry {index} is below the checkpoint but not stored")));
        };
        let entry = Entry::parse(&bytes).map_err(|r| NodeError::Corrupt(format!("entry {index}: {r}")))?;
        let hashes = match inclusion_proof(&mut StoreHashes(store), index, cp.size)? {
            Ok(h) => h,
            Err(e) => return Err(NodeError::Corrupt(e.to_string())),
        };
        let leaf_hash = Hash::leaf(&bytes);
        Ok(Some(EntryView {
            index,
            bytes,
            entry,
            leaf_hash,
            proof: TlogProof { extra: None, index, hashes, checkpoint: cp.note.clone() },
        }))
    }

    /// RFC 9162 consistency proof between two tree sizes, both at most the
    /// latest checkpoint's.
    pub fn consistency(&self, from: u64, to: u64) -> Result<Vec<Hash>, NodeError> {
        match consistency_proof(&mut StoreHashes(self.store()), from, to)? {
            Ok(p) => Ok(p),
            Err(e) => Err(NodeError::Corrupt(e.to_string())),
        }
    }

    /// Stops taking submissions, lets the sequencer finish what it holds,
    /// publishes a final checkpoint and joins the threads.
    pub fn shutdown(&self) {
        lock(&self.jobs).take();
        self.shared.stopping.store(true, Relaxed);
        self.shared.durable_changed.notify_all();
        for t in lock(&self.threads).drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Founds a body: appends the genesis entry (index 0), signed by the
/// secretariat, and publishes the first checkpoint. Refuses a store that
/// already holds entries.
pub fn found_body(
    store: &dyn Store,
    genesis: Genesis,
    secretariat: &Signer,
    log_key: &Signer,
    clock: &dyn Clock,
) -> Result<Receipt, NodeError> {
    if store.size()? != 0 {
        return Err(NodeError::Setup("this database already holds a log".into()));
    }
    let now = clock.now();
    let st =
        Statement { member: MemberId::secretariat(), seq: Seq(1), time: now, act: Act::Genesis(Box::new(genesis)) };
    // Through the same parser as every submission: size limit included.
    let signed = st.sign(secretariat).and_then(|s| SignedStatement::parse(s.raw.as_bytes())).map_err(|r| {
        NodeError::Setup(format!("genesis: {r} (found with fewer members and admit the rest by decision)"))
    })?;
    let entry = Entry::new(now, signed);
    let mut state = State::new();
    let applied = state.apply(&entry, SigCheck::Verify).map_err(|r| NodeError::Setup(format!("genesis: {r}")))?;
    let bytes = entry.to_bytes();
    let leaf = Hash::leaf(&bytes);
    store.append(&AppendBatch {
        first: 0,
        entries: vec![(bytes, leaf)],
        nodes: Vec::new(),
        effects: applied.effects,
        private: Vec::new(),
    })?;
    let note = Checkpoint::new(log_key.verifier().name(), 1, leaf)
        .sign(log_key)
        .map_err(|e| NodeError::Setup(e.to_string()))?
        .to_text();
    store.put_checkpoint(0, 1, &note)?;
    Ok(Receipt { index: 0, leaf_hash: leaf, existing: false })
}
