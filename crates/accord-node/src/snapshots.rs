//! Fast start: the folded state kept in a file beside the store.
//!
//! The sequencer hands a copy of its state to the snapshot writer every
//! [`NodeConfig::snapshot_every`](crate::NodeConfig) entries; the writer
//! (its own thread, so sequencing never waits for it) encodes it
//! ([`accord_core::snapshot`]), decodes it again and compares (a snapshot
//! that would not give back the same state is never written), writes it
//! to `<file>.tmp`, fsyncs, renames it over the file and fsyncs the
//! folder: the file is always either the old snapshot or the new one,
//! whole.
//!
//! At start, [`load`] takes the snapshot only if its checksum, format and
//! writer are right, it covers no more entries than the log holds, and the
//! log's own root at its size is the root it names (so a snapshot of
//! another body, or of a log since rewritten, is never used); then it
//! folds only the entries after it. Anything else is a full replay, and
//! the operator's log says which happened and why. The log stays the
//! truth: `accord rebuild` and `accord audit` never read a snapshot.

use crate::node::NodeError;
use crate::replay::{fold_from, Progress};
use accord_core::snapshot::{self, SnapshotError};
use accord_core::State;
use accord_log::merkle::range_hash;
use accord_log::Hash;
use accord_store::{Store, StoreHashes};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::Instant;

/// How the state was loaded at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// From the snapshot at `at` entries, then `replayed` more.
    Snapshot { at: u64, replayed: u64 },
    /// The whole log, and why the snapshot was not used.
    FullReplay { why: String },
}

/// The state after the whole stored log: from the snapshot in `file` if
/// it is sound, else by a full replay (said in the operator's log).
pub fn load(store: &dyn Store, file: Option<&Path>) -> Result<(State, Start), NodeError> {
    let started = Instant::now();
    let why = match file {
        None => "no snapshot file is configured".to_string(),
        Some(path) => match from_snapshot(store, path) {
            Ok((state, at)) => {
                let replayed = state.size() - at;
                tracing::info!(
                    snapshot = %path.display(),
                    at,
                    replayed,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "state loaded from the snapshot at {at} entries; {replayed} later entries replayed"
                );
                return Ok((state, Start::Snapshot { at, replayed }));
            }
            Err(Unusable::Missing) => format!("no snapshot at {}", path.display()),
            Err(Unusable::Bad(why)) => {
                tracing::warn!(snapshot = %path.display(), why = %why, "the snapshot is not used; replaying the whole log");
                why
            }
            Err(Unusable::Store(e)) => return Err(e),
        },
    };
    tracing::info!(why = %why, "full replay of the log");
    let state = crate::replay::load_state(store)?;
    Ok((state, Start::FullReplay { why }))
}

enum Unusable {
    Missing,
    Bad(String),
    Store(NodeError),
}

impl From<NodeError> for Unusable {
    fn from(e: NodeError) -> Unusable {
        Unusable::Store(e)
    }
}

impl From<SnapshotError> for Unusable {
    fn from(e: SnapshotError) -> Unusable {
        Unusable::Bad(e.to_string())
    }
}

fn from_snapshot(store: &dyn Store, path: &Path) -> Result<(State, u64), Unusable> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Unusable::Missing),
        Err(e) => return Err(Unusable::Bad(format!("cannot read it: {e}"))),
    };
    let header = snapshot::header(&bytes)?;
    let size = store.size().map_err(NodeError::from)?;
    if header.size > size {
        return Err(Unusable::Bad(format!("it covers {} entries, the log holds {size}", header.size)));
    }
    if header.size == 0 {
        return Err(Unusable::Bad("it covers no entries".into()));
    }
    let root = range_hash(&mut StoreHashes(store), 0, header.size).map_err(NodeError::from)?;
    if root != header.root {
        return Err(Unusable::Bad(format!(
            "it names root {} at {} entries, the log's root there is {}: a snapshot of another log",
            header.root.to_base64(),
            header.size,
            root.to_base64()
        )));
    }
    let (_, mut state) = snapshot::decode(&bytes)?;
    drop(bytes);
    let mut progress = Progress::start("replay after the snapshot", size - header.size);
    fold_from(store, &mut state, |done, _| {
        progress.at(done - header.size);
        Ok(())
    })?;
    progress.done();
    Ok((state, header.size))
}

/// The snapshot writer's side of the sequencer: when to take a copy, and
/// the thread that writes it.
pub(crate) struct Snapshots {
    file: PathBuf,
    every: u64,
    /// The size of the latest snapshot handed to the writer.
    last: u64,
    busy: Arc<AtomicBool>,
    tx: SyncSender<(State, Hash)>,
    pub(crate) stats: Arc<SnapshotStats>,
}

/// What `/metrics` shows of snapshots.
#[derive(Default)]
pub struct SnapshotStats {
    pub written: AtomicU64,
    pub failed: AtomicU64,
    /// Entries covered by the latest snapshot written.
    pub size: AtomicU64,
    pub bytes: AtomicU64,
    pub write_micros: AtomicU64,
    /// Time the sequencer spent copying its state for the writer.
    pub copy_micros: AtomicU64,
}

impl Snapshots {
    /// Starts the writer thread for `file`; `last` is the size of the
    /// snapshot the state was loaded from (0 for none).
    pub(crate) fn start(
        file: PathBuf,
        every: u64,
        last: u64,
        stats: Arc<SnapshotStats>,
    ) -> Result<(Snapshots, std::thread::JoinHandle<()>), NodeError> {
        let (tx, rx) = sync_channel(1);
        let busy = Arc::new(AtomicBool::new(false));
        let thread = {
            let (file, busy, stats) = (file.clone(), busy.clone(), stats.clone());
            std::thread::Builder::new()
                .name("accord-snapshots".into())
                .spawn(move || writer(&file, rx, &busy, &stats))
                .map_err(|e| NodeError::Setup(format!("cannot start the snapshot writer: {e}")))?
        };
        Ok((Snapshots { file, every: every.max(1), last, busy, tx, stats }, thread))
    }

    /// After a durable commit: if `every` entries passed since the last
    /// snapshot and the writer is idle, hands it a copy of `state` (whose
    /// log has root `root`). Never blocks on the writer.
    pub(crate) fn after_commit(&mut self, state: &State, root: Hash) {
        if state.size() < self.last.saturating_add(self.every) || self.busy.load(Relaxed) || state.has_pending_effects()
        {
            return;
        }
        let t = Instant::now();
        let copy = state.clone();
        self.stats.copy_micros.fetch_add(t.elapsed().as_micros() as u64, Relaxed);
        self.busy.store(true, Relaxed);
        match self.tx.try_send((copy, root)) {
            Ok(()) => self.last = state.size(),
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => self.busy.store(false, Relaxed),
        }
    }

    /// The state was reloaded from the store (after a failed commit).
    pub(crate) fn reloaded(&mut self, size: u64) {
        self.last = self.last.min(size);
    }

    pub(crate) fn file(&self) -> &Path {
        &self.file
    }
}

fn writer(file: &Path, rx: Receiver<(State, Hash)>, busy: &AtomicBool, stats: &SnapshotStats) {
    while let Ok((state, root)) = rx.recv() {
        let t = Instant::now();
        match write_snapshot(file, &state, &root) {
            Ok(bytes) => {
                stats.written.fetch_add(1, Relaxed);
                stats.size.store(state.size(), Relaxed);
                stats.bytes.store(bytes, Relaxed);
                let ms = t.elapsed().as_millis() as u64;
                tracing::info!(snapshot = %file.display(), entries = state.size(), bytes, elapsed_ms = ms, "snapshot written");
            }
            Err(e) => {
                stats.failed.fetch_add(1, Relaxed);
                tracing::warn!(snapshot = %file.display(), error = %e, "snapshot not written (the next start replays more)");
            }
        }
        stats.write_micros.fetch_add(t.elapsed().as_micros() as u64, Relaxed);
        drop(state);
        busy.store(false, Relaxed);
    }
}

/// Encodes `state`, checks that it decodes to the same state, and puts it
/// in `file` atomically. Returns its length.
pub fn write_snapshot(file: &Path, state: &State, root: &Hash) -> Result<u64, String> {
    let bytes = snapshot::encode(state, root).map_err(|e| e.to_string())?;
    match snapshot::decode(&bytes) {
        Ok((_, back)) if back == *state => {}
        Ok(_) => return Err("it would not decode to the same state (a bug in the encoding)".into()),
        Err(e) => return Err(format!("it would not decode: {e}")),
    }
    let tmp = file.with_extension("tmp");
    let io = |what: &str, e: std::io::Error| format!("{what} {}: {e}", tmp.display());
    {
        let mut f = std::fs::File::create(&tmp).map_err(|e| io("cannot create", e))?;
        f.write_all(&bytes).map_err(|e| io("cannot write", e))?;
        f.sync_all().map_err(|e| io("cannot fsync", e))?;
    }
    std::fs::rename(&tmp, file).map_err(|e| format!("cannot rename {} to {}: {e}", tmp.display(), file.display()))?;
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| format!("cannot fsync {}: {e}", dir.display()))?;
    }
    Ok(bytes.len() as u64)
}
