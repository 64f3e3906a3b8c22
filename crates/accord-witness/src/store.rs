//! The witness's state in SQLite (`DATA/witness.db`): per log origin, the
//! latest checkpoint it cosigned — its size, its root and the note it
//! served (the log's verified signatures and this witness's cosignature).
//!
//! **Contract.** [`Store::advance`] is a compare-and-swap on an origin's
//! size, in one `BEGIN IMMEDIATE` transaction, and is **durable when it
//! returns `Ok`**: the database runs with `journal_mode=WAL` and
//! `synchronous=FULL`, so each commit fsyncs the write-ahead log before
//! it returns. Two advances from the same old size can never both
//! succeed, whether they come from threads sharing one [`Store`] or from
//! separate connections to the same file (SQLite's write lock orders
//! them, and the `WHERE size = old` of the loser matches nothing).
//! Reads ([`Store::latest`], [`Store::latest_by_hash`]) see only what
//! committed.
//!
//! Why WAL rather than DELETE: a commit costs one fsync (of the WAL)
//! instead of two or more (journal, database), and the monitoring reads
//! never wait for a writer. SQLite folds the WAL into the database on its
//! own (auto-checkpoint, every 1000 pages), which a witness's small rows
//! make rare.
//!
//! Sizes are held to `0 ..= i64::MAX` ([`MAX_TREE_SIZE`]), SQLite's
//! integer range; the witness refuses larger checkpoints before they get
//! here.

use accord_log::Hash;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;
use thiserror::Error;

/// The largest tree size the store holds (SQLite's integers are i64).
pub const MAX_TREE_SIZE: u64 = i64::MAX as u64;
/// How long a write waits for another connection's write lock (another
/// process on the same file) before it fails.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Read connections kept open (the monitoring endpoint and the reads
/// before each check); further readers wait for one.
pub const READERS: usize = 4;
/// The schema this code writes (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS cosigned (
    origin      TEXT PRIMARY KEY NOT NULL,
    origin_hash BLOB NOT NULL UNIQUE,
    size        INTEGER NOT NULL CHECK (size >= 0),
    root        BLOB NOT NULL CHECK (length(root) = 32),
    note        TEXT NOT NULL
) STRICT;
";

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("witness store: {0}")]
pub struct StoreError(pub String);

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError(e.to_string())
    }
}

/// Why an advance did not happen.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum AdvanceError {
    /// The origin's size is not the old size given: another advance won.
    #[error("the latest checkpoint cosigned for this origin is of size {latest}, not the old size given")]
    Conflict { latest: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// SHA-256 of a log origin, the key of the monitoring endpoint
/// (`GET /<lower-hex origin hash>/checkpoint`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OriginHash(pub [u8; 32]);

impl OriginHash {
    pub fn of(origin: &str) -> OriginHash {
        OriginHash(Sha256::digest(origin.as_bytes()).into())
    }

    /// Parses exactly 64 lower-case hex digits (the spec's one form).
    pub fn parse_hex(s: &str) -> Option<OriginHash> {
        if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return None;
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(OriginHash(out))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

/// What the witness keeps of one log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cosigned {
    pub size: u64,
    pub root: Hash,
    /// The checkpoint note as the monitoring endpoint serves it.
    pub note: String,
}

/// The witness's database: one write connection (writes of this process
/// queue on its mutex, never on SQLite's busy handler) and a few readers.
pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    reader_free: Condvar,
}

fn size_to_sql(size: u64) -> Result<i64, StoreError> {
    i64::try_from(size).map_err(|_| StoreError(format!("tree size {size} is beyond {MAX_TREE_SIZE}")))
}

fn size_from_sql(v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError(format!("a stored size is negative ({v}): the database is damaged")))
}

fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError(format!("{} cannot use WAL (journal mode {mode})", path.display())));
    }
    conn.execute_batch("PRAGMA synchronous=FULL;")?;
    Ok(conn)
}

fn row_to_cosigned(size: i64, root: Vec<u8>, note: String) -> Result<Cosigned, StoreError> {
    let root = Hash::from_slice(&root).ok_or_else(|| StoreError("a stored root is not 32 bytes".into()))?;
    Ok(Cosigned { size: size_from_sql(size)?, root, note })
}

impl Store {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let mut writer = open_connection(path)?;
        let tx = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError(format!(
                "{} has schema {version}, newer than this witness's {SCHEMA_VERSION}: run the newer witness",
                path.display()
            )));
        }
        tx.execute_batch(SCHEMA)?;
        tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION};"))?;
        tx.commit()?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            readers.push(open_connection(path)?);
        }
        Ok(Store {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers: Mutex::new(readers),
            reader_free: Condvar::new(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn writer(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves no transaction open (a
        // rusqlite Transaction rolls back when dropped), so the
        // connection is still sound.
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn with_reader<T>(&self, f: impl FnOnce(&Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let conn = {
            let mut idle = self.readers.lock().unwrap_or_else(|p| p.into_inner());
            loop {
                if let Some(c) = idle.pop() {
                    break c;
                }
                idle = self.reader_free.wait(idle).unwrap_or_else(|p| p.into_inner());
            }
        };
        let out = f(&conn);
        self.readers.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
        self.reader_free.notify_one();
        out
    }

    /// The latest checkpoint cosigned for `origin`, if any.
    pub fn latest(&self, origin: &str) -> Result<Option<Cosigned>, StoreError> {
        self.with_reader(|c| {
            let row = c
                .prepare_cached("SELECT size, root, note FROM cosigned WHERE origin = ?1")?
                .query_row(params![origin], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get(2)?)))
                .optional()?;
            row.map(|(s, r, n)| row_to_cosigned(s, r, n)).transpose()
        })
    }

    /// The latest checkpoint cosigned for the origin whose hash is `hash`.
    pub fn latest_by_hash(&self, hash: &OriginHash) -> Result<Option<Cosigned>, StoreError> {
        self.with_reader(|c| {
            let row = c
                .prepare_cached("SELECT size, root, note FROM cosigned WHERE origin_hash = ?1")?
                .query_row(params![hash.0.as_slice()], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get(2)?))
                })
                .optional()?;
            row.map(|(s, r, n)| row_to_cosigned(s, r, n)).transpose()
        })
    }

    /// How many origins have a cosigned checkpoint.
    pub fn origins(&self) -> Result<u64, StoreError> {
        self.with_reader(|c| {
            let n: i64 = c.query_row("SELECT count(*) FROM cosigned", [], |r| r.get(0))?;
            size_from_sql(n)
        })
    }

    /// Compare-and-swap: records `new` as the latest checkpoint cosigned
    /// for `origin` if, and only if, the latest recorded now is of size
    /// `old` (no row counts as size 0). Durable when it returns `Ok`;
    /// on [`AdvanceError::Conflict`] nothing changed and `latest` is the
    /// size recorded. A `new` smaller than `old` is refused (a witness
    /// never rolls back).
    pub fn advance(&self, origin: &str, old: u64, new: &Cosigned) -> Result<(), AdvanceError> {
        if new.size < old {
            return Err(StoreError(format!("refusing to roll {origin:?} back from {old} to {}", new.size)).into());
        }
        let (old_sql, new_sql) = (size_to_sql(old)?, size_to_sql(new.size)?);
        let hash = OriginHash::of(origin);
        let mut conn = self.writer();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
        let changed = if old == 0 {
            tx.prepare_cached(
                "INSERT INTO cosigned (origin, origin_hash, size, root, note) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, note = excluded.note
                 WHERE cosigned.size = 0",
            )
            .and_then(|mut s| s.execute(params![origin, hash.0.as_slice(), new_sql, new.root.0.as_slice(), new.note]))
        } else {
            tx.prepare_cached("UPDATE cosigned SET size = ?3, root = ?4, note = ?5 WHERE origin = ?1 AND size = ?2")
                .and_then(|mut s| s.execute(params![origin, old_sql, new_sql, new.root.0.as_slice(), new.note]))
        }
        .map_err(StoreError::from)?;
        if changed == 1 {
            tx.commit().map_err(StoreError::from)?;
            return Ok(());
        }
        let latest: Option<i64> = tx
            .query_row("SELECT size FROM cosigned WHERE origin = ?1", params![origin], |r| r.get(0))
            .optional()
            .map_err(StoreError::from)?;
        // Dropping `tx` rolls back (nothing was written).
        Err(AdvanceError::Conflict { latest: latest.map(size_from_sql).transpose()?.unwrap_or(0) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    fn at(size: u64, tag: u8) -> Cosigned {
        Cosigned { size, root: Hash::leaf(&[tag, size as u8]), note: format!("note {size} {tag}\n") }
    }

    #[test]
    fn advance_is_a_compare_and_swap() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("w.db")).unwrap();
        assert_eq!(s.latest("o").unwrap(), None);
        assert_eq!(s.advance("o", 5, &at(7, 0)), Err(AdvanceError::Conflict { latest: 0 }));
        s.advance("o", 0, &at(0, 0)).unwrap();
        // From 0 again: the row of size 0 is updated.
        s.advance("o", 0, &at(3, 0)).unwrap();
        assert_eq!(s.advance("o", 0, &at(4, 0)), Err(AdvanceError::Conflict { latest: 3 }));
        s.advance("o", 3, &at(3, 1)).unwrap();
        s.advance("o", 3, &at(10, 0)).unwrap();
        assert_eq!(s.latest("o").unwrap(), Some(at(10, 0)));
        assert_eq!(s.latest_by_hash(&OriginHash::of("o")).unwrap(), Some(at(10, 0)));
        assert_eq!(s.latest_by_hash(&OriginHash::of("p")).unwrap(), None);
        assert!(matches!(s.advance("o", 10, &at(9, 0)), Err(AdvanceError::Store(_))));
        assert!(matches!(s.advance("o", 10, &at(MAX_TREE_SIZE + 1, 0)), Err(AdvanceError::Store(_))));
        s.advance("o", 10, &at(MAX_TREE_SIZE, 0)).unwrap();
        assert_eq!(s.latest("o").unwrap().unwrap().size, MAX_TREE_SIZE);
        assert_eq!(s.origins().unwrap(), 1);
    }

    #[test]
    fn state_survives_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        {
            let s = Store::open(&path).unwrap();
            s.advance("a", 0, &at(5, 1)).unwrap();
            s.advance("b", 0, &at(9, 2)).unwrap();
            s.advance("a", 5, &at(6, 1)).unwrap();
        }
        let s = Store::open(&path).unwrap();
        assert_eq!(s.latest("a").unwrap(), Some(at(6, 1)));
        assert_eq!(s.latest("b").unwrap(), Some(at(9, 2)));
        assert_eq!(s.advance("a", 5, &at(7, 1)), Err(AdvanceError::Conflict { latest: 6 }));
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        drop(Store::open(&path).unwrap());
        Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = 2;").unwrap();
        assert!(Store::open(&path).is_err());
    }

    /// Many threads race from the same old size, round after round: in
    /// each round exactly one wins and the others see its size.
    fn race(stores: Vec<Arc<Store>>, rounds: u64) {
        let threads = stores.len();
        for round in 0..rounds {
            let old = round * 10;
            let barrier = Arc::new(std::sync::Barrier::new(threads));
            let wins = Arc::new(AtomicUsize::new(0));
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let (s, barrier, wins) = (stores[t].clone(), barrier.clone(), wins.clone());
                    std::thread::spawn(move || {
                        let mine = at(old + 10, t as u8);
                        barrier.wait();
                        match s.advance("race", old, &mine) {
                            Ok(()) => {
                                wins.fetch_add(1, Ordering::SeqCst);
                                Some(mine)
                            }
                            Err(AdvanceError::Conflict { latest }) => {
                                assert_eq!(latest, old + 10, "a loser sees the winner's size");
                                None
                            }
                            Err(e) => panic!("{e}"),
                        }
                    })
                })
                .collect();
            let winners: Vec<Cosigned> = handles.into_iter().filter_map(|h| h.join().unwrap()).collect();
            assert_eq!(wins.load(Ordering::SeqCst), 1, "round {round}: exactly one advance from {old}");
            assert_eq!(stores[0].latest("race").unwrap().as_ref(), winners.first());
        }
    }

    #[test]
    fn concurrent_advances_from_one_size_never_both_succeed() {
        let dir = tempfile::tempdir().unwrap();
        let s = Arc::new(Store::open(&dir.path().join("w.db")).unwrap());
        race(vec![s; 8], 150);
    }

    #[test]
    fn separate_connections_to_one_file_race_safely_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let stores: Vec<Arc<Store>> = (0..4).map(|_| Arc::new(Store::open(&path).unwrap())).collect();
        race(stores, 60);
    }

    #[test]
    fn origin_hashes_parse_only_lower_hex() {
        let h = OriginHash::of("example.com/log");
        assert_eq!(OriginHash::parse_hex(&h.to_hex()), Some(h));
        assert_eq!(OriginHash::parse_hex(&h.to_hex().to_uppercase()), None);
        assert_eq!(OriginHash::parse_hex(&h.to_hex()[1..]), None);
        assert_eq!(OriginHash::parse_hex(&format!("{}0", h.to_hex())), None);
        assert_eq!(OriginHash::parse_hex("zz"), None);
    }
}
