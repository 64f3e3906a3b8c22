//! `accord-store`: where the log and its projections live.
//!
//! What it is: the [`Store`] trait — the contract between the node and its
//! storage, including what is durable when each method returns: its reads
//! ([`Reads`]), its writes, and the [`confidential`] store beside them —
//! and its SQLite implementation. All SQL in Accord lives in this crate. Backends
//! are chosen at run time by URL (`sqlite://…` today; `postgres://…` is
//! refused with a clear error until that backend lands).
//!
//! What it is not: it makes no decisions. It never interprets statements;
//! it stores entries, the tile-level hashes the node computed, signed
//! checkpoints, and projection rows derived from `accord-core` effects.

#![forbid(unsafe_code)]

/// Every storage trait, for callers of their methods on `dyn Store` or
/// `dyn Reads` (a trait's methods need the trait in scope).
pub mod prelude {
    pub use crate::confidential::ConfidentialStore;
    pub use crate::share::ShareReads;
    pub use crate::{
        BodyReads, CheckpointReads, CheckpointStore, CodeReads, DecisionReads, LogReads, LogStore, ProjectionReads,
        ProjectionStore, Reads, Store, ZoneReads,
    };
}

mod browse;
mod code;
pub mod confidential;
pub mod faults;
mod projection;
pub mod share;
mod sqlite;
pub mod zone;

pub use projection::{MemberRow, NoteRow, ProposalRow, StatementRow, VoteRow};
pub use sqlite::SqliteStore;

use accord_core::Effect;
use accord_log::Hash;
use std::path::PathBuf;
use std::sync::Arc;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("unsupported database URL {0:?}: use sqlite:///path/to/file.db")]
    UnsupportedUrl(String),
    #[error("storage is inconsistent: {0}")]
    Corrupt(String),
    #[error("cannot encode a projection row: {0}")]
    Encode(String),
    /// `put_checkpoint` expected another latest checkpoint.
    #[error("the latest stored checkpoint is of size {latest}, not {expected}; nothing was stored")]
    CheckpointConflict { expected: u64, latest: u64 },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// One durable append: consecutive entries starting at `first`.
#[derive(Debug, Default)]
pub struct AppendBatch {
    /// Index of the first entry; must equal the store's current size.
    pub first: u64,
    /// Entry bytes and their leaf hashes, in order.
    pub entries: Vec<(Vec<u8>, Hash)>,
    /// Newly completed nodes at tile levels above 0 (8, 16, …): (level, index, hash).
    pub nodes: Vec<(u32, u64, Hash)>,
    /// Projection effects of the entries, in log order.
    pub effects: Vec<Effect>,
    /// What the entries bring that is not public (shared objects, their
    /// envelopes, status resources): written first, in the same
    /// transaction.
    pub private: Vec<share::PrivateWrite>,
}

/// Which proposals a list reads: their statuses, in which order, from
/// where, and how many.
#[derive(Clone, Copy, Debug)]
pub struct ProposalQuery<'a> {
    /// Only these (`Status::as_str` values); every status when empty.
    pub statuses: &'a [&'a str],
    /// Newest submission first, or oldest first.
    pub newest_first: bool,
    pub start: Start,
    pub limit: u32,
}

/// Where a page of a list starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    First,
    /// Past the row with this `seq` (the last of the previous page), in
    /// the list's order: a stateless cursor that appends never shift.
    After(u64),
    /// Past this many rows (the portal's numbered pages).
    Offset(u64),
}

/// A page of proposals and how many match the query's statuses.
#[derive(Debug)]
pub struct ProposalPage {
    pub total: u64,
    pub rows: Vec<ProposalRow>,
}

/// Storage for one log.
///
/// **Durability**, the one contract (after Sunlight's): every method that
/// writes is durable when it returns `Ok` — committed and fsync'd —
/// `put_checkpoint` included; a crash after that loses nothing it wrote.
/// A write that returns `Err` may or may not have persisted (a commit can
/// fail after the data reached the disk, an fsync can fail after the
/// write): the caller must re-read what is durable before it relies on
/// the state, and must not acknowledge anything of a failed write unless
/// it finds it stored. A write is all or nothing: a batch is never half
/// persisted. Reads see only what committed.
pub trait Store: Reads + LogStore + CheckpointStore + ProjectionStore + confidential::ConfidentialStore {}

impl<T: Reads + LogStore + CheckpointStore + ProjectionStore + confidential::ConfidentialStore> Store for T {}

/// The log, written. **Durable and all-or-nothing when `append` returns
/// `Ok`**: entries, hashes and the batch's projection rows in one
/// transaction with one fsync, so projections never run ahead of or behind
/// the log; `append` is also a compare-and-swap on the log's size
/// ([`AppendBatch::first`]).
pub trait LogStore: LogReads {
    /// Appends a batch in one transaction with one fsync: entries, hashes
    /// and projection rows together, so projections never run ahead of or
    /// behind the log. Durable when it returns `Ok`.
    fn append(&self, batch: &AppendBatch) -> Result<()>;
}

/// Signed checkpoints, written: durable on return, and a compare-and-swap
/// on the latest checkpoint's size.
pub trait CheckpointStore: CheckpointReads {
    /// Records a signed checkpoint of `size` entries, durably, **only if**
    /// the latest stored checkpoint is of size `previous` (0: none yet) and
    /// `size` is larger: a compare-and-swap on the checkpoint's size, so
    /// that two writers (a deposed sequencer, a second process) can never
    /// both publish from the same checkpoint, nor store one over a larger
    /// one. Otherwise [`StoreError::CheckpointConflict`] with the latest
    /// size, and nothing is written. The node serves a checkpoint only after
    /// this returns, so a restart never serves, or signs over, less than
    /// what was published.
    fn put_checkpoint(&self, previous: u64, size: u64, note: &str) -> Result<()>;
}

/// Projections rebuilt from the log (`accord rebuild`): durable on
/// return. Not the confidential store, which a rebuild never clears.
pub trait ProjectionStore: Send + Sync {
    /// Empties every projection table (durable on return).
    fn clear_projections(&self) -> Result<()>;
    /// Writes projection effects without touching the log (for rebuild).
    fn write_projections(&self, effects: &[Effect]) -> Result<()>;
}

/// What a store lets read: the log, its hashes and checkpoints, and the
/// projections. Every read sees only what committed. Readers (the HTTP
/// API, the portal) get this half only, through the node: they cannot
/// write.
pub trait Reads:
    LogReads + CheckpointReads + BodyReads + DecisionReads + CodeReads + ZoneReads + share::ShareReads + ProjectionReads
{
}

impl<
        T: LogReads
            + CheckpointReads
            + BodyReads
            + DecisionReads
            + CodeReads
            + ZoneReads
            + share::ShareReads
            + ProjectionReads,
    > Reads for T
{
}

/// The log: entries and their tree hashes, read. Every read sees only
/// what committed; within [`LogReads::snapshot`], the log and every
/// projection at one size.
pub trait LogReads: Send + Sync {
    /// Number of entries stored.
    fn size(&self) -> Result<u64>;
    /// Runs `f` with every read this store makes on this thread (until
    /// `f` returns) in one read transaction: a consistent snapshot of the
    /// log and its projections, whose log size `f` is given. Appends go on
    /// meanwhile; they are not seen inside.
    fn snapshot(&self, f: &mut dyn FnMut(u64) -> Result<()>) -> Result<()>;
    /// Entry bytes for indices `[start, end)`; fewer if the log is shorter.
    fn entries(&self, start: u64, end: u64) -> Result<Vec<Vec<u8>>>;
    /// The index of `member`'s accepted statement with `seq`, if any.
    fn statement_at(&self, member: &str, seq: u64) -> Result<Option<u64>>;
    /// Node hashes at tree `level` (0 = leaves, else a multiple of 8) for
    /// indices `[start, end)`; fewer if not all are complete.
    fn hashes(&self, level: u32, start: u64, end: u64) -> Result<Vec<Hash>>;
}

/// Signed checkpoints, read: the latest one stored is the largest.
pub trait CheckpointReads: Send + Sync {
    /// The checkpoint with the largest size, if any.
    fn latest_checkpoint(&self) -> Result<Option<(u64, String)>>;
}

/// The body's projections: members, notes, genesis facts and each
/// member's statements.
pub trait BodyReads: Send + Sync {
    /// Members (and the secretariat) as projected.
    fn members(&self) -> Result<Vec<MemberRow>>;
    fn member(&self, id: &str) -> Result<Option<MemberRow>>;
    /// Published notes, newest first, at most `limit`, before index `before`.
    fn notes(&self, before: Option<u64>, limit: u32) -> Result<Vec<NoteRow>>;
    /// Body facts: `name`, `origin`, `log_key` from genesis, and `rules`
    /// (the rules of procedure in force, as JSON).
    fn body_fact(&self, key: &str) -> Result<Option<String>>;
    /// A member's accepted statements, newest first, before index `before`.
    fn statements_by_member(&self, member: &str, before: Option<u64>, limit: u32) -> Result<Vec<StatementRow>>;
}

/// The decisions' projections: proposals, amendments and recorded votes.
pub trait DecisionReads: Send + Sync {
    /// A page of proposals and amendments (see [`ProposalQuery`]), with
    /// how many match its statuses. The one list read: the API and every
    /// portal list (proposals, open ballots, the desk) go through it.
    fn proposals(&self, q: &ProposalQuery) -> Result<ProposalPage>;
    fn proposal(&self, id: &str) -> Result<Option<ProposalRow>>;
    /// The recorded votes on a proposal, in log order.
    fn votes(&self, proposal: &str) -> Result<Vec<VoteRow>>;
    /// The `limit` ballots closed last, latest first (by the entry that
    /// closed them, then by id).
    fn recently_closed(&self, limit: u32) -> Result<Vec<ProposalRow>>;
    /// A member's recorded votes, newest first, before index `before`.
    fn votes_by_member(&self, member: &str, before: Option<u64>, limit: u32) -> Result<Vec<VoteRow>>;
}

/// The root zone's projections (see [`zone`]): durable as of the last
/// commit that returned.
pub trait ZoneReads: Send + Sync {
    /// The apex and keys, once the import completed.
    fn zone_info(&self) -> Result<Option<zone::ZoneInfo>>;
    /// Every delegation, in TLD order.
    fn zone_delegations(&self) -> Result<Vec<zone::DelegationRow>>;
    fn zone_delegation(&self, tld: &str) -> Result<Option<zone::DelegationRow>>;
    /// Every change of one TLD's delegation, oldest first.
    fn zone_history(&self, tld: &str) -> Result<Vec<zone::ZoneHistoryRow>>;
    /// Versions of the zone, newest first, with serials below `before`.
    fn zone_versions(&self, before: Option<u32>, limit: u32) -> Result<Vec<zone::ZoneVersionRow>>;
}

/// The Code's projections: documents with their versions, and
/// subscriptions.
pub trait CodeReads: Send + Sync {
    /// Every document of the Code, whole (all its versions), by id.
    fn documents(&self) -> Result<Vec<accord_core::code::Document>>;
    fn document(&self, id: &str) -> Result<Option<accord_core::code::Document>>;
    /// The members' subscriptions to `document` (one per member, the
    /// latest), by member id.
    fn subscriptions(&self, document: &str) -> Result<Vec<accord_core::code::Subscription>>;
    /// A member's subscriptions, as `(document, subscription)`, by document.
    fn subscriptions_of(&self, member: &str) -> Result<Vec<(String, accord_core::code::Subscription)>>;
}

/// All projections at once, as one digest.
pub trait ProjectionReads: Send + Sync {
    /// SHA-256 over every projection row in a canonical order: two stores
    /// with the same projections give the same digest.
    fn projection_digest(&self) -> Result<Hash>;
}

/// Opens the store named by `url`.
pub fn open(url: &str) -> Result<Arc<dyn Store>> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        return Ok(Arc::new(SqliteStore::open(&PathBuf::from(path))?));
    }
    Err(StoreError::UnsupportedUrl(url.to_string()))
}

/// A [`accord_log::merkle::HashReader`] over a store, for proofs.
pub struct StoreHashes<'a>(pub &'a dyn LogReads);

impl accord_log::merkle::HashReader for StoreHashes<'_> {
    type Error = StoreError;
    fn read_hashes(&mut self, level: u32, start: u64, end: u64) -> Result<Vec<Hash>> {
        let hs = self.0.hashes(level, start, end)?;
        if hs.len() as u64 != end - start {
            return Err(StoreError::Corrupt(format!(
                "asked for hashes {start}..{end} at level {level}, found {}",
                hs.len()
            )));
        }
        Ok(hs)
    }
}
