//! SQLite backend: WAL journal with `synchronous = FULL`, so a commit is
//! fsync'd before it returns. One writer connection; readers come from a
//! small pool and see committed data only.

use crate::confidential::{Commitment, Confidential, ConfidentialStore};
use crate::prelude::*;
use crate::{
    AppendBatch, MemberRow, NoteRow, ProposalPage, ProposalQuery, ProposalRow, Result, StatementRow, StoreError,
    VoteRow,
};
use accord_core::acts::decision::VoteChoice;
use accord_core::code::{Document, Subscription};
use accord_core::{Effect, Timestamp};
use accord_log::Hash;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS entries (idx INTEGER PRIMARY KEY, data BLOB NOT NULL, leaf BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,
    PRIMARY KEY (level, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS c_records (commitment TEXT PRIMARY KEY, salt BLOB NOT NULL, content BLOB NOT NULL,
  domain TEXT NOT NULL, retain_until INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS c_records_retain ON c_records (retain_until);
CREATE TABLE IF NOT EXISTS p_body (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS p_members (id TEXT PRIMARY KEY, name TEXT NOT NULL, vkey TEXT NOT NULL,
    last_seq INTEGER NOT NULL, since INTEGER NOT NULL, key_since INTEGER NOT NULL,
    suspended INTEGER NOT NULL DEFAULT 0, names TEXT NOT NULL DEFAULT '{}') WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS p_notes (idx INTEGER PRIMARY KEY, member TEXT NOT NULL, time TEXT NOT NULL,
    text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS p_notes_member ON p_notes (member, idx);
CREATE TABLE IF NOT EXISTS p_proposals (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, status TEXT NOT NULL,
    doc TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS p_proposals_status ON p_proposals (status, seq);
CREATE INDEX IF NOT EXISTS p_proposals_seq_status ON p_proposals (seq, status);
CREATE TABLE IF NOT EXISTS p_votes (proposal TEXT NOT NULL, member TEXT NOT NULL, vote TEXT NOT NULL,
    explanation TEXT NULL, idx INTEGER NOT NULL, PRIMARY KEY (proposal, member)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS p_documents (id TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS p_versions (document TEXT NOT NULL, number INTEGER NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (document, number)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS p_addenda (document TEXT NOT NULL, version INTEGER NOT NULL, number INTEGER NOT NULL,
    doc TEXT NOT NULL, PRIMARY KEY (document, version, number)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS p_subscriptions (document TEXT NOT NULL, member TEXT NOT NULL, version INTEGER NOT NULL,
    idx INTEGER NOT NULL, time TEXT NOT NULL, PRIMARY KEY (document, member)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS p_statements (member TEXT NOT NULL, idx INTEGER NOT NULL, seq INTEGER NOT NULL,
    type TEXT NOT NULL, PRIMARY KEY (member, idx)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS p_votes_member ON p_votes (member, idx);
CREATE TABLE IF NOT EXISTS p_zone (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS p_zone_delegations (tld TEXT PRIMARY KEY, doc TEXT NOT NULL, since INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS p_zone_history (n INTEGER PRIMARY KEY, tld TEXT NOT NULL, idx INTEGER NOT NULL,
    proposal TEXT NULL, doc TEXT NULL);
CREATE INDEX IF NOT EXISTS p_zone_history_tld ON p_zone_history (tld, n);
CREATE TABLE IF NOT EXISTS p_zone_versions (serial INTEGER PRIMARY KEY, idx INTEGER NOT NULL, time TEXT NOT NULL,
    cause TEXT NOT NULL, plan TEXT NOT NULL, published TEXT NULL, published_idx INTEGER NULL);
";

/// Projection tables, in digest order, with their ordering column.
const PROJECTIONS: &[(&str, &str)] = &[
    ("p_body", "k"),
    ("p_members", "id"),
    ("p_notes", "idx"),
    ("p_proposals", "id"),
    ("p_votes", "proposal, member"),
    ("p_documents", "id"),
    ("p_versions", "document, number"),
    ("p_addenda", "document, version, number"),
    ("p_subscriptions", "document, member"),
    ("p_statements", "member, idx"),
    ("p_zone", "k"),
    ("p_zone_delegations", "tld"),
    ("p_zone_history", "n"),
    ("p_zone_versions", "serial"),
];

/// Brings a database made by an older version up to [`SCHEMA`]: columns
/// added to existing tables since (new tables come from `CREATE TABLE IF
/// NOT EXISTS`). An added column is appended, as in `SCHEMA`, so the
/// projection digest sees the same columns in the same order.
fn migrate(c: &Connection) -> Result<()> {
    let has_suspended: bool =
        c.query_row("SELECT COUNT(*) > 0 FROM pragma_table_info('p_members') WHERE name = 'suspended'", [], |r| {
            r.get(0)
        })?;
    if !has_suspended {
        c.execute_batch("ALTER TABLE p_members ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0")?;
    }
    // Names by language (`member.rename`, `names` in genesis and admission).
    let has_names: bool =
        c.query_row("SELECT COUNT(*) > 0 FROM pragma_table_info('p_members') WHERE name = 'names'", [], |r| r.get(0))?;
    if !has_names {
        c.execute_batch("ALTER TABLE p_members ADD COLUMN names TEXT NOT NULL DEFAULT '{}'")?;
    }
    // The entry that closed a ballot, for "latest decisions".
    let has_closed: bool =
        c.query_row("SELECT COUNT(*) > 0 FROM pragma_table_info('p_proposals') WHERE name = 'closed'", [], |r| {
            r.get(0)
        })?;
    if !has_closed {
        c.execute_batch("ALTER TABLE p_proposals ADD COLUMN closed INTEGER NULL")?;
    }
    c.execute_batch("CREATE INDEX IF NOT EXISTS p_proposals_closed ON p_proposals (closed)")?;
    // Documents kept whole (before the Code's projections were written
    // record by record): split each into its head, versions and addenda,
    // the rows its effects write now.
    let mut st = c.prepare("SELECT id, doc FROM p_documents")?;
    let whole: Vec<(String, String)> =
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    for (id, doc) in whole {
        if let Some(d) = crate::code::decode_whole_document(&id, &doc)? {
            let tx = c.unchecked_transaction()?;
            tx.execute(
                "UPDATE p_documents SET doc = ?2 WHERE id = ?1",
                params![id, crate::code::encode_document_head(&id, &d.title)?],
            )?;
            for v in &d.versions {
                let head = accord_core::code::Version { addenda: Vec::new(), ..v.clone() };
                tx.execute(
                    "INSERT OR REPLACE INTO p_versions (document, number, doc) VALUES (?1, ?2, ?3)",
                    params![id, v.number, crate::code::encode_version(&head)?],
                )?;
                for a in &v.addenda {
                    tx.execute(
                        "INSERT OR REPLACE INTO p_addenda (document, version, number, doc) VALUES (?1, ?2, ?3, ?4)",
                        params![id, v.number, a.number, crate::code::encode_addendum(&id, a)?],
                    )?;
                }
            }
            tx.commit()?;
        }
    }
    Ok(())
}

pub struct SqliteStore {
    path: PathBuf,
    /// Appends: `synchronous = FULL`, every commit fsync'd.
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    stop: Arc<AtomicBool>,
    wal: WalWatch,
}

/// How an append tells the WAL thread that the WAL passed its bound.
struct WalWatch {
    file: PathBuf,
    limit: u64,
    over: std::sync::mpsc::SyncSender<()>,
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave a connection half-written:
    // every write is one transaction, rolled back if not committed.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The WAL size past which the background thread truncates it
/// (`wal_checkpoint(TRUNCATE)`). A passive checkpoint copies frames into
/// the database but cannot rewind the WAL while readers keep using it,
/// and under steady reads and appends it grew without bound (13 GB for a
/// million shared objects).
pub const WAL_TRUNCATE_BYTES: u64 = 64 << 20;

impl SqliteStore {
    pub fn open(path: &Path) -> Result<SqliteStore> {
        SqliteStore::open_with_wal_limit(path, WAL_TRUNCATE_BYTES)
    }

    /// [`SqliteStore::open`] with another WAL bound (tests use a small one).
    pub fn open_with_wal_limit(path: &Path, wal_limit: u64) -> Result<SqliteStore> {
        let open = |sync: &str| -> Result<Connection> {
            let c = Connection::open(path)?;
            c.pragma_update(None, "journal_mode", "WAL")?;
            c.pragma_update(None, "synchronous", sync)?;
            c.pragma_update(None, "busy_timeout", 5000)?;
            // WAL checkpoints run in the background thread below, not in
            // the middle of an append.
            c.pragma_update(None, "wal_autocheckpoint", 0)?;
            // A page cache of 64 MiB (SQLite's default is 2 MiB): a batch
            // of shared objects dirties more pages than the default holds,
            // which then spill to the WAL mid-transaction and are read
            // back (measured: a sixth of the sequencer's time in pread).
            c.pragma_update(None, "cache_size", -65_536)?;
            Ok(c)
        };
        let writer = open("FULL")?;
        writer.execute_batch(SCHEMA)?;
        writer.execute_batch(crate::share::SCHEMA)?;
        migrate(&writer)?;
        let stop = Arc::new(AtomicBool::new(false));
        let wal = open("FULL")?;
        let flag = stop.clone();
        let wal_file = {
            let mut f = path.as_os_str().to_owned();
            f.push("-wal");
            PathBuf::from(f)
        };
        let (over, over_rx) = std::sync::mpsc::sync_channel::<()>(1);
        let wal_path = wal_file.clone();
        std::thread::Builder::new()
            .name("accord-sqlite-wal".into())
            .spawn(move || {
                // Copies WAL frames into the database file without blocking
                // writers or readers, every 250 ms; past `wal_limit` (an
                // append that leaves it larger wakes this thread at once),
                // waits for the writer and the readers of older frames (at
                // most the busy timeout) and truncates the WAL to nothing.
                while !flag.load(Ordering::Relaxed) {
                    let _ = over_rx.recv_timeout(std::time::Duration::from_millis(250));
                    let _ = wal.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                    if std::fs::metadata(&wal_path).is_ok_and(|m| m.len() > wal_limit) {
                        if let Err(e) = wal.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())) {
                            tracing::warn!(error = %e, "cannot truncate the WAL; trying again shortly");
                        }
                    }
                }
            })
            .map_err(|e| StoreError::Corrupt(format!("cannot start the WAL checkpoint thread: {e}")))?;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            stop,
            wal: WalWatch { file: wal_file, limit: wal_limit, over },
        })
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        // Inside `snapshot` on this thread: the pinned read transaction.
        let pinned = PINNED.with(|p| p.borrow_mut().take());
        if let Some((id, conn)) = pinned {
            let out =
                if id == self.id() { f(&conn) } else { Err(StoreError::Corrupt("a snapshot of another store".into())) };
            PINNED.with(|p| *p.borrow_mut() = Some((id, conn)));
            return out;
        }
        let conn = self.reader()?;
        let out = f(&conn);
        self.give_back(conn);
        out
    }

    /// A read-only connection: one from the pool, or a new one.
    fn reader(&self) -> Result<Connection> {
        if let Some(c) = lock(&self.readers).pop() {
            return Ok(c);
        }
        let c = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        c.pragma_update(None, "busy_timeout", 5000)?;
        // Reads map the database (256 MiB at most) instead of copying
        // each page in with pread, with a page cache of 16 MiB each.
        c.pragma_update(None, "mmap_size", 268_435_456)?;
        c.pragma_update(None, "cache_size", -16_384)?;
        Ok(c)
    }

    /// Returns a read connection to the pool (which keeps at most 16).
    fn give_back(&self, conn: Connection) {
        let mut pool = lock(&self.readers);
        if pool.len() < 16 {
            pool.push(conn);
        }
    }

    /// Identifies this store among the threads' pinned snapshots.
    fn id(&self) -> usize {
        self as *const SqliteStore as usize
    }

    fn write<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let mut c = lock(&self.writer);
        let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

/// Ends this thread's pinned snapshot when dropped, and returns its
/// connection to the pool if the transaction ended cleanly.
struct Unpin<'a>(&'a SqliteStore);

impl Drop for Unpin<'_> {
    fn drop(&mut self) {
        if let Some((_, conn)) = PINNED.with(|p| p.borrow_mut().take()) {
            if conn.execute_batch("COMMIT").is_ok() {
                self.0.give_back(conn);
            }
        }
    }
}

thread_local! {
    /// The read connection a `snapshot` pinned on this thread, with the id
    /// of its store: every read inside the snapshot goes through it, in one
    /// read transaction.
    static PINNED: std::cell::RefCell<Option<(usize, Connection)>> = const { std::cell::RefCell::new(None) };
}

/// A document assembled from its records: its head, its versions in
/// order, and each version's addenda in order.
fn read_document(c: &Connection, id: &str) -> Result<Option<Document>> {
    let head: Option<String> =
        c.query_row("SELECT doc FROM p_documents WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    let Some(head) = head else { return Ok(None) };
    let mut st = c.prepare_cached("SELECT doc FROM p_versions WHERE document = ?1 ORDER BY number")?;
    let versions: Vec<String> = st.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut st = c.prepare_cached("SELECT version, doc FROM p_addenda WHERE document = ?1 ORDER BY version, number")?;
    let addenda: Vec<(u32, String)> =
        st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    crate::code::assemble_document(id, &head, &versions, &addenda).map(Some)
}

fn hash_from(v: Vec<u8>) -> Result<Hash> {
    Hash::from_slice(&v).ok_or_else(|| StoreError::Corrupt("stored hash is not 32 bytes".into()))
}

fn write_effects(tx: &Transaction, effects: &[Effect]) -> Result<()> {
    // Only each member's last seq in the batch matters: one UPDATE per
    // member per batch instead of one per entry.
    let mut last_seq: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    for e in effects {
        match e {
            // The Code, record by record: a document's title, each version
            // as adopted, each addendum; none is ever rewritten.
            Effect::DocumentFounded { id, title } => {
                tx.prepare_cached(
                    "INSERT INTO p_documents (id, doc) VALUES (?1, ?2)
                     ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                )?
                .execute(params![id, crate::code::encode_document_head(id, title)?])?;
            }
            Effect::VersionAdopted(v) => {
                tx.prepare_cached(
                    "INSERT INTO p_versions (document, number, doc) VALUES (?1, ?2, ?3)
                     ON CONFLICT (document, number) DO UPDATE SET doc = excluded.doc",
                )?
                .execute(params![v.document, v.number, crate::code::encode_version(v)?])?;
            }
            Effect::AddendumAdded { document, version, addendum } => {
                tx.prepare_cached(
                    "INSERT INTO p_addenda (document, version, number, doc) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (document, version, number) DO UPDATE SET doc = excluded.doc",
                )?
                .execute(params![
                    document,
                    version,
                    addendum.number,
                    crate::code::encode_addendum(document, addendum)?
                ])?;
            }
            Effect::SubscriptionChanged { document, member, subscription: Some(s) } => {
                tx.prepare_cached(
                    "INSERT INTO p_subscriptions (document, member, version, idx, time) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (document, member) DO UPDATE
                     SET version = excluded.version, idx = excluded.idx, time = excluded.time",
                )?
                .execute(params![
                    document,
                    member.as_str(),
                    s.version,
                    s.index.0,
                    s.time.to_millis_string()
                ])?;
            }
            Effect::SubscriptionChanged { document, member, subscription: None } => {
                tx.prepare_cached("DELETE FROM p_subscriptions WHERE document = ?1 AND member = ?2")?
                    .execute(params![document, member.as_str()])?;
            }
            Effect::BodyFounded { name, names, origin, log_key } => {
                let mut st = tx.prepare_cached("INSERT OR REPLACE INTO p_body (k, v) VALUES (?1, ?2)")?;
                st.execute(params!["name", name])?;
                st.execute(params!["names", names_json(names)])?;
                st.execute(params!["origin", origin])?;
                st.execute(params!["log_key", log_key])?;
            }
            Effect::ActorAdded { id, name, names, vkey, index } => {
                tx.prepare_cached(
                    "INSERT INTO p_members (id, name, names, vkey, last_seq, since, key_since) \
                     VALUES (?1, ?2, ?3, ?4, 0, ?5, ?5)",
                )?
                .execute(params![id.as_str(), name, names_json(names), vkey, index.0])?;
            }
            Effect::ActorRenamed { id, name, names } => {
                tx.prepare_cached("UPDATE p_members SET name = ?2, names = ?3 WHERE id = ?1")?.execute(params![
                    id.as_str(),
                    name,
                    names_json(names)
                ])?;
            }
            Effect::KeyRotated { id, vkey, index } => {
                tx.prepare_cached("UPDATE p_members SET vkey = ?2, key_since = ?3 WHERE id = ?1")?.execute(params![
                    id.as_str(),
                    vkey,
                    index.0
                ])?;
            }
            Effect::SeqAccepted { id, seq: s, index, kind } => {
                last_seq.insert(id.as_str(), s.0);
                tx.prepare_cached("INSERT INTO p_statements (member, idx, seq, type) VALUES (?1, ?2, ?3, ?4)")?
                    .execute(params![id.as_str(), index.0, s.0, kind])?;
            }
            Effect::NotePublished { index, member, time, text } => {
                tx.prepare_cached("INSERT INTO p_notes (idx, member, time, text) VALUES (?1, ?2, ?3, ?4)")?
                    .execute(params![index.0, member.as_str(), time.to_millis_string(), text])?;
            }
            Effect::ProposalChanged(record) => {
                let doc = serde_json::to_string(record)
                    .map_err(|e| StoreError::Encode(format!("proposal {}: {e}", record.id)))?;
                // The core gives every record its submission entry first.
                let seq = record.entries.first().map_or(0, |i| i.0);
                tx.prepare_cached(
                    "INSERT INTO p_proposals (id, seq, status, doc, closed) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (id) DO UPDATE
                     SET seq = excluded.seq, status = excluded.status, doc = excluded.doc, closed = excluded.closed",
                )?
                .execute(params![
                    record.id,
                    seq,
                    record.status.as_str(),
                    doc,
                    record.closed_at.map(|i| i.0)
                ])?;
            }
            Effect::VoteRecorded { proposal, member, vote } => {
                tx.prepare_cached(
                    "INSERT INTO p_votes (proposal, member, vote, explanation, idx) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (proposal, member) DO UPDATE
                     SET vote = excluded.vote, explanation = excluded.explanation, idx = excluded.idx",
                )?
                .execute(params![
                    proposal,
                    member.as_str(),
                    vote_str(vote.vote),
                    vote.explanation,
                    vote.index.0
                ])?;
            }
            Effect::MemberSuspended { id, suspended, .. } => {
                tx.prepare_cached("UPDATE p_members SET suspended = ?2 WHERE id = ?1")?
                    .execute(params![id.as_str(), suspended])?;
            }
            Effect::ZoneDelegation { tld, now, index, proposal } => {
                let doc = now.as_deref().map(|s| crate::zone::encode("delegation", s)).transpose()?;
                match &doc {
                    Some(d) => tx
                        .prepare_cached(
                            "INSERT INTO p_zone_delegations (tld, doc, since) VALUES (?1, ?2, ?3)
                             ON CONFLICT (tld) DO UPDATE SET doc = excluded.doc, since = excluded.since",
                        )?
                        .execute(params![tld.label(), d, index.0])?,
                    None => {
                        tx.prepare_cached("DELETE FROM p_zone_delegations WHERE tld = ?1")?.execute([tld.label()])?
                    }
                };
                tx.prepare_cached("INSERT INTO p_zone_history (tld, idx, proposal, doc) VALUES (?1, ?2, ?3, ?4)")?
                    .execute(params![tld.label(), index.0, proposal, doc])?;
            }
            Effect::ZoneApex { apex, keys, source_sha256, source_serial } => {
                let info = crate::zone::ZoneInfo {
                    apex: (**apex).clone(),
                    keys: keys.clone(),
                    source_sha256: source_sha256.clone(),
                    source_serial: *source_serial,
                };
                tx.prepare_cached("INSERT OR REPLACE INTO p_zone (k, v) VALUES ('info', ?1)")?
                    .execute([crate::zone::encode("zone info", &info)?])?;
            }
            Effect::ZoneVersionFormed(v) => {
                tx.prepare_cached(
                    "INSERT INTO p_zone_versions (serial, idx, time, cause, plan) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (serial) DO UPDATE SET idx = excluded.idx, time = excluded.time,
                     cause = excluded.cause, plan = excluded.plan",
                )?
                .execute(params![
                    v.serial,
                    v.index.0,
                    v.time.to_millis_string(),
                    crate::zone::encode("version cause", &v.cause)?,
                    crate::zone::encode_plan(&v.plan)?
                ])?;
            }
            Effect::ZonePublished { serial, sha256, index } => {
                tx.prepare_cached("UPDATE p_zone_versions SET published = ?2, published_idx = ?3 WHERE serial = ?1")?
                    .execute(params![serial, sha256, index.0])?;
            }
            // The witnesses are read from the sequencer's state, which
            // publishes the policy with each checkpoint (the statements
            // themselves are in p_statements): no table of their own.
            Effect::WitnessChanged { .. } => {}
            Effect::CredentialChanged { .. }
            | Effect::CommunityChanged { .. }
            | Effect::Shared { .. }
            | Effect::Withdrawn { .. } => {
                crate::share::write_effect(tx, e)?;
            }
            Effect::RulesChanged(rules) => {
                let doc = serde_json::to_string(rules).map_err(|e| StoreError::Encode(format!("rules: {e}")))?;
                tx.prepare_cached("INSERT OR REPLACE INTO p_body (k, v) VALUES ('rules', ?1)")?.execute([doc])?;
            }
        }
    }
    let mut seq = tx.prepare_cached("UPDATE p_members SET last_seq = ?2 WHERE id = ?1")?;
    for (id, s) in last_seq {
        seq.execute(params![id, s])?;
    }
    Ok(())
}

fn vote_str(v: VoteChoice) -> &'static str {
    match v {
        VoteChoice::Yes => "yes",
        VoteChoice::No => "no",
        VoteChoice::Abstain => "abstain",
    }
}

/// Names by language, as stored: a JSON object of strings.
fn names_json(names: &accord_core::Names) -> String {
    let map: std::collections::BTreeMap<&str, &str> = names.iter().map(|(l, n)| (l.as_str(), n)).collect();
    serde_json::to_string(&map).unwrap_or_else(|_| "{}".into())
}

const MEMBER_COLUMNS: &str = "id, name, vkey, last_seq, since, key_since, suspended, names";

fn member_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MemberRow> {
    let names: String = r.get(7)?;
    let names = serde_json::from_str(&names)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, Box::new(e)))?;
    Ok(MemberRow {
        id: r.get(0)?,
        name: r.get(1)?,
        names,
        vkey: r.get(2)?,
        last_seq: r.get(3)?,
        since: r.get(4)?,
        key_since: r.get(5)?,
        suspended: r.get(6)?,
    })
}

pub(crate) fn proposal_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, u64, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

pub(crate) fn parse_proposal((id, seq, status, doc): (String, u64, String, String)) -> Result<ProposalRow> {
    ProposalRow::new(id.clone(), seq, status, doc).map_err(|e| StoreError::Corrupt(format!("proposal {id}: {e}")))
}

impl LogStore for SqliteStore {
    fn append(&self, b: &AppendBatch) -> Result<()> {
        self.write(|tx| {
            let size: u64 = tx.query_row("SELECT COALESCE(MAX(idx) + 1, 0) FROM entries", [], |r| r.get(0))?;
            if size != b.first {
                return Err(StoreError::Corrupt(format!("append at {} but the log has {size} entries", b.first)));
            }
            {
                let mut ins = tx.prepare_cached("INSERT INTO entries (idx, data, leaf) VALUES (?1, ?2, ?3)")?;
                for (i, (data, leaf)) in b.entries.iter().enumerate() {
                    ins.execute(params![b.first + i as u64, data, &leaf.0[..]])?;
                }
                let mut node = tx.prepare_cached("INSERT INTO nodes (level, idx, hash) VALUES (?1, ?2, ?3)")?;
                for (level, idx, h) in &b.nodes {
                    node.execute(params![level, idx, &h.0[..]])?;
                }
            }
            for w in &b.private {
                crate::share::write_private(tx, w)?;
            }
            write_effects(tx, &b.effects)
        })?;
        if std::fs::metadata(&self.wal.file).is_ok_and(|m| m.len() > self.wal.limit) {
            let _ = self.wal.over.try_send(());
        }
        Ok(())
    }
}

impl CheckpointStore for SqliteStore {
    fn put_checkpoint(&self, previous: u64, size: u64, note: &str) -> Result<()> {
        // The compare and the insert in one write transaction on the one
        // writer connection (`synchronous = FULL`: durable on return).
        self.write(|tx| {
            let latest: u64 = tx.query_row("SELECT COALESCE(MAX(size), 0) FROM checkpoints", [], |r| r.get(0))?;
            if latest != previous || size <= previous {
                return Err(StoreError::CheckpointConflict { expected: previous, latest });
            }
            tx.execute("INSERT INTO checkpoints (size, note) VALUES (?1, ?2)", params![size, note])?;
            Ok(())
        })
    }
}

impl ProjectionStore for SqliteStore {
    fn clear_projections(&self) -> Result<()> {
        self.write(|tx| {
            for (t, _) in PROJECTIONS.iter().chain(crate::share::PROJECTIONS) {
                tx.execute(&format!("DELETE FROM {t}"), [])?;
            }
            Ok(())
        })
    }

    fn write_projections(&self, effects: &[Effect]) -> Result<()> {
        self.write(|tx| write_effects(tx, effects))
    }
}

impl LogReads for SqliteStore {
    fn size(&self) -> Result<u64> {
        self.read(|c| Ok(c.query_row("SELECT COALESCE(MAX(idx) + 1, 0) FROM entries", [], |r| r.get(0))?))
    }

    fn snapshot(&self, f: &mut dyn FnMut(u64) -> Result<()>) -> Result<()> {
        if PINNED.with(|p| p.borrow().is_some()) {
            // Already inside one: the reads are consistent as they are.
            let size = self.size()?;
            return f(size);
        }
        let conn = self.reader()?;
        // A deferred transaction's snapshot starts at its first read: the
        // size read here is the size of everything read until it ends.
        conn.execute_batch("BEGIN DEFERRED")?;
        PINNED.with(|p| *p.borrow_mut() = Some((self.id(), conn)));
        // Unpinned and ended however `f` returns, a panic included, so that
        // no later read on this (pooled) thread sees a stale snapshot.
        let _unpin = Unpin(self);
        self.size().and_then(&mut *f)
    }

    fn entries(&self, start: u64, end: u64) -> Result<Vec<Vec<u8>>> {
        self.read(|c| {
            let mut st = c.prepare_cached("SELECT data FROM entries WHERE idx >= ?1 AND idx < ?2 ORDER BY idx")?;
            let rows = st.query_map(params![start, end], |r| r.get::<_, Vec<u8>>(0))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn statement_at(&self, member: &str, seq: u64) -> Result<Option<u64>> {
        // No index on seq (one more b-tree to write on every append): a
        // retry is rare, and the scan stays within one member's rows.
        self.read(|c| {
            Ok(c.query_row("SELECT idx FROM p_statements WHERE member = ?1 AND seq = ?2", params![member, seq], |r| {
                r.get(0)
            })
            .optional()?)
        })
    }

    fn hashes(&self, level: u32, start: u64, end: u64) -> Result<Vec<Hash>> {
        self.read(|c| {
            let raw: Vec<Vec<u8>> = if level == 0 {
                let mut st = c.prepare_cached("SELECT leaf FROM entries WHERE idx >= ?1 AND idx < ?2 ORDER BY idx")?;
                let rows = st.query_map(params![start, end], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            } else {
                let mut st = c.prepare_cached(
                    "SELECT hash FROM nodes WHERE level = ?1 AND idx >= ?2 AND idx < ?3 ORDER BY idx",
                )?;
                let rows = st.query_map(params![level, start, end], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            raw.into_iter().map(hash_from).collect()
        })
    }
}

impl CheckpointReads for SqliteStore {
    fn latest_checkpoint(&self) -> Result<Option<(u64, String)>> {
        self.read(|c| {
            Ok(c.query_row("SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
        })
    }
}

impl BodyReads for SqliteStore {
    fn members(&self) -> Result<Vec<MemberRow>> {
        self.read(|c| {
            let mut st = c.prepare_cached(&format!("SELECT {MEMBER_COLUMNS} FROM p_members ORDER BY id"))?;
            let rows = st.query_map([], member_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    fn member(&self, id: &str) -> Result<Option<MemberRow>> {
        self.read(|c| {
            Ok(c.query_row(&format!("SELECT {MEMBER_COLUMNS} FROM p_members WHERE id = ?1"), [id], member_row)
                .optional()?)
        })
    }

    fn notes(&self, before: Option<u64>, limit: u32) -> Result<Vec<NoteRow>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT idx, member, time, text FROM p_notes WHERE idx < ?1 ORDER BY idx DESC LIMIT ?2",
            )?;
            let before = before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
            let rows = st.query_map(params![before, limit], |r| {
                Ok(NoteRow { index: r.get(0)?, member: r.get(1)?, time: r.get(2)?, text: r.get(3)? })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    fn body_fact(&self, key: &str) -> Result<Option<String>> {
        self.read(|c| Ok(c.query_row("SELECT v FROM p_body WHERE k = ?1", [key], |r| r.get(0)).optional()?))
    }

    fn statements_by_member(&self, member: &str, before: Option<u64>, limit: u32) -> Result<Vec<StatementRow>> {
        self.read(|c| crate::browse::statements_by_member(c, member, before, limit))
    }
}

impl DecisionReads for SqliteStore {
    fn proposals(&self, q: &ProposalQuery) -> Result<ProposalPage> {
        self.read(|c| crate::browse::proposals(c, q))
    }

    fn proposal(&self, id: &str) -> Result<Option<ProposalRow>> {
        self.read(|c| {
            c.query_row("SELECT id, seq, status, doc FROM p_proposals WHERE id = ?1", [id], proposal_row)
                .optional()?
                .map(parse_proposal)
                .transpose()
        })
    }

    fn votes(&self, proposal: &str) -> Result<Vec<VoteRow>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT proposal, member, vote, explanation, idx FROM p_votes WHERE proposal = ?1 ORDER BY idx",
            )?;
            let rows = st.query_map([proposal], |r| {
                Ok(VoteRow {
                    proposal: r.get(0)?,
                    member: r.get(1)?,
                    vote: r.get(2)?,
                    explanation: r.get(3)?,
                    index: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    fn recently_closed(&self, limit: u32) -> Result<Vec<ProposalRow>> {
        self.read(|c| crate::browse::recently_closed(c, limit))
    }

    fn votes_by_member(&self, member: &str, before: Option<u64>, limit: u32) -> Result<Vec<VoteRow>> {
        self.read(|c| crate::browse::votes_by_member(c, member, before, limit))
    }
}

impl ZoneReads for SqliteStore {
    fn zone_info(&self) -> Result<Option<crate::zone::ZoneInfo>> {
        self.read(|c| {
            let v: Option<String> =
                c.query_row("SELECT v FROM p_zone WHERE k = 'info'", [], |r| r.get(0)).optional()?;
            v.map(|v| crate::zone::decode("zone info", &v)).transpose()
        })
    }

    fn zone_delegations(&self) -> Result<Vec<crate::zone::DelegationRow>> {
        self.read(|c| {
            let mut st = c.prepare_cached("SELECT tld, doc, since FROM p_zone_delegations ORDER BY tld")?;
            let rows =
                st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u64>(2)?)))?;
            rows.map(|row| {
                let (tld, doc, since) = row?;
                Ok(crate::zone::DelegationRow {
                    tld: crate::zone::tld(&tld)?,
                    sponsored: crate::zone::decode("delegation", &doc)?,
                    since,
                })
            })
            .collect()
        })
    }

    fn zone_delegation(&self, tld: &str) -> Result<Option<crate::zone::DelegationRow>> {
        self.read(|c| {
            let row: Option<(String, u64)> = c
                .query_row("SELECT doc, since FROM p_zone_delegations WHERE tld = ?1", [tld], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            row.map(|(doc, since)| {
                Ok(crate::zone::DelegationRow {
                    tld: crate::zone::tld(tld)?,
                    sponsored: crate::zone::decode("delegation", &doc)?,
                    since,
                })
            })
            .transpose()
        })
    }

    fn zone_history(&self, tld: &str) -> Result<Vec<crate::zone::ZoneHistoryRow>> {
        self.read(|c| {
            let mut st = c.prepare_cached("SELECT idx, proposal, doc FROM p_zone_history WHERE tld = ?1 ORDER BY n")?;
            let rows = st.query_map([tld], |r| {
                Ok((r.get::<_, u64>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?))
            })?;
            rows.map(|row| {
                let (index, proposal, doc) = row?;
                Ok(crate::zone::ZoneHistoryRow {
                    tld: crate::zone::tld(tld)?,
                    index,
                    proposal,
                    now: doc.map(|d| crate::zone::decode("delegation", &d)).transpose()?,
                })
            })
            .collect()
        })
    }

    fn zone_versions(&self, before: Option<u32>, limit: u32) -> Result<Vec<crate::zone::ZoneVersionRow>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT serial, idx, time, cause, plan, published, published_idx FROM p_zone_versions
                 WHERE serial < ?1 ORDER BY serial DESC LIMIT ?2",
            )?;
            let before = before.map_or(i64::MAX, i64::from);
            let rows = st.query_map(params![before, limit], |r| {
                Ok((
                    r.get::<_, u32>(0)?,
                    r.get::<_, u64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<u64>>(6)?,
                ))
            })?;
            rows.map(|row| {
                let (serial, index, time, cause, plan, published, published_idx) = row?;
                let time = Timestamp::parse_rfc3339(&time)
                    .ok_or_else(|| StoreError::Corrupt(format!("zone version {serial}: time {time:?}")))?;
                Ok(crate::zone::ZoneVersionRow {
                    serial,
                    index,
                    time,
                    cause: crate::zone::decode("version cause", &cause)?,
                    plan: crate::zone::decode_plan(&plan)?,
                    published: published.zip(published_idx),
                })
            })
            .collect()
        })
    }
}

impl CodeReads for SqliteStore {
    fn documents(&self) -> Result<Vec<Document>> {
        self.read(|c| {
            let mut st = c.prepare_cached("SELECT id FROM p_documents ORDER BY id")?;
            let ids: Vec<String> = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            ids.iter().filter_map(|id| read_document(c, id).transpose()).collect()
        })
    }

    fn document(&self, id: &str) -> Result<Option<Document>> {
        self.read(|c| read_document(c, id))
    }

    fn subscriptions(&self, document: &str) -> Result<Vec<Subscription>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT member, version, idx, time FROM p_subscriptions WHERE document = ?1 ORDER BY member",
            )?;
            let rows = st.query_map([document], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?, r.get::<_, u64>(2)?, r.get::<_, String>(3)?))
            })?;
            let raw: Vec<(String, u32, u64, String)> = rows.collect::<rusqlite::Result<_>>()?;
            raw.iter()
                .map(|(member, version, idx, time)| {
                    crate::code::decode_subscription(document, member, *version, *idx, time)
                })
                .collect()
        })
    }

    fn subscriptions_of(&self, member: &str) -> Result<Vec<(String, Subscription)>> {
        self.read(|c| {
            crate::browse::subscriptions_of(c, member)?
                .into_iter()
                .map(|(document, version, idx, time)| {
                    let s = crate::code::decode_subscription(&document, member, version, idx, &time)?;
                    Ok((document, s))
                })
                .collect()
        })
    }
}

impl ProjectionReads for SqliteStore {
    fn projection_digest(&self) -> Result<Hash> {
        self.read(|c| {
            let mut h = Sha256::new();
            for (table, order) in PROJECTIONS.iter().chain(crate::share::PROJECTIONS) {
                h.update(table.as_bytes());
                h.update([0]);
                let mut st = c.prepare(&format!("SELECT * FROM {table} ORDER BY {order}"))?;
                let cols = st.column_count();
                let mut rows = st.query([])?;
                while let Some(r) = rows.next()? {
                    for i in 0..cols {
                        let v = serde_json::to_string(&value_json(r.get_ref(i)?)).unwrap_or_default();
                        h.update(v.as_bytes());
                        h.update([0x1f]);
                    }
                    h.update([0x1e]);
                }
            }
            Ok(Hash(h.finalize().into()))
        })
    }
}

fn value_json(v: rusqlite::types::ValueRef<'_>) -> serde_json::Value {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(i) => i.into(),
        ValueRef::Real(f) => f.into(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
        ValueRef::Blob(b) => b.iter().map(|x| format!("{x:02x}")).collect::<String>().into(),
    }
}

/// Confidential records: a table of their own, not among the projections
/// (`clear_projections` and `projection_digest` never touch it).
impl ConfidentialStore for SqliteStore {
    fn put_confidential(&self, r: &Confidential) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO c_records (commitment, salt, content, domain, retain_until) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (commitment) DO UPDATE SET retain_until = MAX(retain_until, excluded.retain_until)",
                params![r.commitment().as_str(), &r.salt[..], &r.content, &r.domain, r.retain_until.millis()],
            )?;
            Ok(())
        })
    }

    fn confidential(&self, c: &Commitment) -> Result<Option<Confidential>> {
        self.read(|conn| {
            let row = conn
                .query_row(
                    "SELECT salt, content, domain, retain_until FROM c_records WHERE commitment = ?1",
                    params![c.as_str()],
                    |r| {
                        Ok((
                            r.get::<_, Vec<u8>>(0)?,
                            r.get::<_, Vec<u8>>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, i64>(3)?,
                        ))
                    },
                )
                .optional()?;
            row.map(|(salt, content, domain, until)| {
                crate::confidential::stored(c.as_str(), &salt, content, domain, until)
            })
            .transpose()
        })
    }

    fn delete_confidential(&self, c: &Commitment) -> Result<bool> {
        self.write(|tx| Ok(tx.execute("DELETE FROM c_records WHERE commitment = ?1", params![c.as_str()])? > 0))
    }

    fn expire(&self, now: accord_core::Timestamp) -> Result<u64> {
        self.write(|tx| Ok(tx.execute("DELETE FROM c_records WHERE retain_until < ?1", params![now.millis()])? as u64))
    }

    fn put_private(&self, writes: &[crate::share::PrivateWrite]) -> Result<()> {
        self.write(|tx| {
            for w in writes {
                crate::share::write_private(tx, w)?;
            }
            Ok(())
        })
    }
}

impl crate::share::ShareReads for SqliteStore {
    fn credential(&self, id: &str) -> Result<Option<crate::share::CredentialRow>> {
        self.read(|c| crate::share::credential(c, id))
    }
    fn credentials_of(&self, member: &str) -> Result<Vec<crate::share::CredentialRow>> {
        self.read(|c| crate::share::credentials_of(c, member))
    }
    fn communities(&self) -> Result<Vec<accord_core::share::CommunityRecord>> {
        self.read(crate::share::communities)
    }
    fn share(&self, index: u64) -> Result<Option<crate::share::ShareRow>> {
        self.read(|c| crate::share::share(c, index))
    }
    fn shares_by_member(&self, member: &str, before: Option<u64>, limit: u32) -> Result<Vec<crate::share::ShareRow>> {
        self.read(|c| crate::share::shares_by_member(c, member, before, limit))
    }
    fn share_objects(&self, q: &crate::share::ObjectQuery) -> Result<Vec<crate::share::ObjectRow>> {
        self.read(|c| crate::share::share_objects(c, q))
    }
    fn share_object(
        &self,
        collection: &str,
        id: &str,
        vkey: &str,
    ) -> Result<Option<(crate::share::ObjectRow, Option<String>)>> {
        self.read(|c| crate::share::share_object(c, collection, id, vkey))
    }
    fn share_envelope(&self, root: &str) -> Result<Option<Vec<[u8; 32]>>> {
        self.read(|c| crate::share::share_envelope(c, root))
    }
    fn share_status(&self, id: &str) -> Result<Option<(String, String)>> {
        self.read(|c| crate::share::share_status(c, id))
    }
    fn incident_counts(&self) -> Result<Vec<(String, String, u64)>> {
        self.read(crate::share::incident_counts)
    }
}
