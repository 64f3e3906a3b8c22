//! `accord-store`: where the log and its projections live.
//!
//! What it is: the [`Store`] trait — the contract between the node and its
//! storage, including what is durable when each method returns — and its
//! SQLite implementation. All SQL in Accord lives in this crate. Backends
//! are chosen at run time by URL (`sqlite://…` today; `postgres://…` is
//! refused with a clear error until that backend lands).
//!
//! What it is not: it makes no decisions. It never interprets statements;
//! it stores entries, the tile-level hashes the node computed, signed
//! checkpoints, and projection rows derived from `accord-core` effects.

#![forbid(unsafe_code)]

mod browse;
mod code;
pub mod faults;
mod projection;
mod sqlite;

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
pub trait Store: Send + Sync {
    /// Appends a batch in one transaction with one fsync: entries, hashes
    /// and projection rows together, so projections never run ahead of or
    /// behind the log.
    fn append(&self, batch: &AppendBatch) -> Result<()>;
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
    /// Records a signed checkpoint, durably: the node serves a checkpoint
    /// only after this returns, so a restart never serves, or signs over,
    /// less than what was published.
    fn put_checkpoint(&self, size: u64, note: &str) -> Result<()>;
    /// The checkpoint with the largest size, if any.
    fn latest_checkpoint(&self) -> Result<Option<(u64, String)>>;

    /// Members (and the secretariat) as projected.
    fn members(&self) -> Result<Vec<MemberRow>>;
    fn member(&self, id: &str) -> Result<Option<MemberRow>>;
    /// Published notes, newest first, at most `limit`, before index `before`.
    fn notes(&self, before: Option<u64>, limit: u32) -> Result<Vec<NoteRow>>;
    /// Body facts: `name`, `origin`, `log_key` from genesis, and `rules`
    /// (the rules of procedure in force, as JSON).
    fn body_fact(&self, key: &str) -> Result<Option<String>>;
    /// Proposals and amendments in submission order, at most `limit`,
    /// those submitted after the entry `after` (the `seq` of the last one
    /// of the previous page); only those with `status` (a
    /// `Status::as_str` value) if given.
    fn proposals(&self, status: Option<&str>, after: Option<u64>, limit: u32) -> Result<Vec<ProposalRow>>;
    fn proposal(&self, id: &str) -> Result<Option<ProposalRow>>;
    /// The recorded votes on a proposal, in log order.
    fn votes(&self, proposal: &str) -> Result<Vec<VoteRow>>;
    /// Every document of the Code, whole (all its versions), by id.
    fn documents(&self) -> Result<Vec<accord_core::code::Document>>;
    fn document(&self, id: &str) -> Result<Option<accord_core::code::Document>>;
    /// The members' subscriptions to `document` (one per member, the
    /// latest), by member id.
    fn subscriptions(&self, document: &str) -> Result<Vec<accord_core::code::Subscription>>;

    /// Proposals with one of `statuses` (every one when empty), newest
    /// first, `limit` after skipping `offset`; with how many match.
    fn proposals_page(&self, statuses: &[&str], offset: u64, limit: u32) -> Result<(u64, Vec<ProposalRow>)>;
    /// The `limit` ballots closed last, latest first.
    fn recently_closed(&self, limit: u32) -> Result<Vec<ProposalRow>>;
    /// How many proposals have each status, by status.
    fn status_counts(&self) -> Result<Vec<(String, u64)>>;
    /// A member's recorded votes, newest first, before index `before`.
    fn votes_by_member(&self, member: &str, before: Option<u64>, limit: u32) -> Result<Vec<VoteRow>>;
    /// A member's accepted statements, newest first, before index `before`.
    fn statements_by_member(&self, member: &str, before: Option<u64>, limit: u32) -> Result<Vec<StatementRow>>;
    /// A member's subscriptions, as `(document, subscription)`, by document.
    fn subscriptions_of(&self, member: &str) -> Result<Vec<(String, accord_core::code::Subscription)>>;

    /// Empties every projection table (durable on return).
    fn clear_projections(&self) -> Result<()>;
    /// Writes projection effects without touching the log (for rebuild).
    fn write_projections(&self, effects: &[Effect]) -> Result<()>;
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
pub struct StoreHashes<'a>(pub &'a dyn Store);

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
