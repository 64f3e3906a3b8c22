//! Folding the stored log back into state and projections.

use accord_core::{Entry, SigCheck, State};
use accord_log::Hash;
use accord_store::Store;

use crate::node::NodeError;

/// Entries read per round trip to the store while replaying.
const CHUNK: u64 = 4096;

/// Replays every stored entry into a fresh [`State`], feeding each entry's
/// effects to `sink`. Signatures are not re-verified: the local log only
/// holds entries that were verified on ingest (`accord audit` verifies
/// them all from outside).
pub fn fold_store(
    store: &dyn Store,
    sink: impl FnMut(u64, &[accord_core::Effect]) -> Result<(), NodeError>,
) -> Result<State, NodeError> {
    let mut state = State::new();
    fold_from(store, &mut state, sink)?;
    Ok(state)
}

/// Folds the stored entries from `state.size()` to the end into `state`
/// (as [`fold_store`] does from the start).
pub(crate) fn fold_from(
    store: &dyn Store,
    state: &mut State,
    mut sink: impl FnMut(u64, &[accord_core::Effect]) -> Result<(), NodeError>,
) -> Result<(), NodeError> {
    let size = store.size()?;
    let mut start = state.size();
    while start < size {
        let end = (start + CHUNK).min(size);
        let chunk = store.entries(start, end)?;
        if chunk.len() as u64 != end - start {
            return Err(NodeError::Corrupt(format!("entries {start}..{end} are not all stored")));
        }
        let mut effects = Vec::new();
        for (i, bytes) in chunk.iter().enumerate() {
            let index = start + i as u64;
            let entry = Entry::parse(bytes).map_err(|r| NodeError::Corrupt(format!("entry {index}: {r}")))?;
            let applied = state
                .apply(&entry, SigCheck::Deferred)
                .map_err(|r| NodeError::Corrupt(format!("entry {index} does not replay: {r}")))?;
            effects.extend(applied.effects);
        }
        sink(end, &effects)?;
        start = end;
    }
    Ok(())
}

/// The state after the whole stored log, its progress in the operator's
/// log ([`Progress`]).
pub fn load_state(store: &dyn Store) -> Result<State, NodeError> {
    let mut progress = Progress::start("replay", store.size()?);
    let state = fold_store(store, |done, _| {
        progress.at(done);
        Ok(())
    })?;
    progress.done();
    Ok(state)
}

/// How often a long replay or rebuild says how far it is.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Progress lines of a replay or rebuild (info): one at the start, one
/// every [`PROGRESS_EVERY`] while it runs, one at the end with its time.
pub(crate) struct Progress {
    what: &'static str,
    total: u64,
    started: std::time::Instant,
    said: std::time::Instant,
}

impl Progress {
    pub(crate) fn start(what: &'static str, total: u64) -> Progress {
        tracing::info!(what, entries = total, "{what} of the log started");
        let now = std::time::Instant::now();
        Progress { what, total, started: now, said: now }
    }

    pub(crate) fn at(&mut self, done: u64) {
        if self.said.elapsed() >= PROGRESS_EVERY {
            self.said = std::time::Instant::now();
            let (what, total) = (self.what, self.total);
            tracing::info!(what, done, total, "{what}: {done} of {total} entries");
        }
    }

    pub(crate) fn done(self) {
        let what = self.what;
        let ms = self.started.elapsed().as_millis() as u64;
        tracing::info!(what, entries = self.total, elapsed_ms = ms, "{what} of the log done");
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebuildReport {
    pub entries: u64,
    pub before: Hash,
    pub after: Hash,
}

/// Drops every projection and rebuilds it from the log. Must not run while
/// a node serves the same store. Safe to rerun after an interruption.
pub fn rebuild_projections(store: &dyn Store, mut progress: impl FnMut(u64, u64)) -> Result<RebuildReport, NodeError> {
    let before = store.projection_digest()?;
    let total = store.size()?;
    store.clear_projections()?;
    let mut logged = Progress::start("rebuild", total);
    let state = fold_store(store, |done, effects| {
        store.write_projections(effects)?;
        progress(done, total);
        logged.at(done);
        Ok(())
    })?;
    logged.done();
    let after = store.projection_digest()?;
    Ok(RebuildReport { entries: state.size(), before, after })
}
