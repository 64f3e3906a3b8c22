//! The sequencer: the one thread that orders statements.
//!
//! Group commit: it blocks for the first waiting submission, then takes
//! every other one already queued (up to `max_batch`), applies each to the
//! state in order, and writes the accepted ones with one transaction and
//! one fsync. Only then are they acknowledged. While it commits, new
//! submissions queue up and form the next batch, so the batch size follows
//! the load by itself.
//!
//! Signatures arrive already checked by the verifier (`verifier.rs`),
//! against the key the member had at submission; `State::apply` checks
//! that key is still the member's current one.

use crate::clock::Clock;
use crate::node::{keys_of, write, Durable, Receipt, Shared, SubmitError};
use accord_core::{Effect, Entry, SigCheck, SignedStatement, State};
use accord_log::merkle::{Frontier, TILE_HEIGHT};
use accord_log::{Hash, VerifierKey};
use accord_store::{AppendBatch, StoreHashes};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::Ordering::Release;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::oneshot;

pub(crate) struct Job {
    pub signed: SignedStatement,
    /// The member's key when the submission arrived; the signature is
    /// verified against it here, and `State::apply` checks it is current.
    pub key: Arc<VerifierKey>,
    pub reply: oneshot::Sender<Result<Receipt, SubmitError>>,
}

pub(crate) fn run(
    shared: Arc<Shared>,
    mut state: State,
    mut frontier: Frontier,
    clock: Arc<dyn Clock>,
    rx: Receiver<Vec<Job>>,
) {
    let max_batch = shared.config.max_batch.max(1);
    loop {
        let mut jobs = match rx.try_recv() {
            Ok(jobs) => jobs,
            Err(TryRecvError::Empty) => {
                // Tell the verifier to stop gathering and hand over what it has.
                shared.sequencer_idle.store(true, Release);
                let next = rx.recv();
                shared.sequencer_idle.store(false, Release);
                match next {
                    Ok(jobs) => jobs,
                    Err(_) => break,
                }
            }
            Err(TryRecvError::Disconnected) => break,
        };
        while jobs.len() < max_batch {
            match rx.try_recv() {
                Ok(more) => jobs.extend(more),
                Err(_) => break,
            }
        }
        // Work on copies so that a failed commit leaves nothing applied.
        let mut next_state = state.clone();
        let mut next_frontier = frontier.clone();
        let mut batch = AppendBatch { first: next_state.size(), ..AppendBatch::default() };
        let mut accepted: Vec<(oneshot::Sender<_>, Receipt)> = Vec::with_capacity(jobs.len());
        let mut keys_changed = false;
        for job in jobs {
            let time = clock.now().max(next_state.last_time());
            let entry = Entry::new(time, job.signed);
            match next_state.apply(&entry, SigCheck::Trusted(&job.key)) {
                Ok(applied) => {
                    let bytes = entry.to_bytes();
                    let leaf = Hash::leaf(&bytes);
                    let index = next_frontier.size();
                    next_frontier.push(leaf, |(level, idx, h)| {
                        if level > 0 && level % TILE_HEIGHT == 0 {
                            batch.nodes.push((level, idx, h));
                        }
                    });
                    keys_changed |= applied
                        .effects
                        .iter()
                        .any(|e| matches!(e, Effect::KeyRotated { .. } | Effect::ActorAdded { .. }));
                    batch.effects.extend(applied.effects);
                    batch.entries.push((bytes, leaf));
                    accepted.push((job.reply, Receipt { index, leaf_hash: leaf }));
                }
                Err(refusal) => {
                    shared.metrics.refused.fetch_add(1, Relaxed);
                    let _ = job.reply.send(Err(SubmitError::Refused(refusal)));
                }
            }
        }
        if accepted.is_empty() {
            continue;
        }
        let started = Instant::now();
        match shared.store.append(&batch) {
            Ok(()) => {
                let m = &shared.metrics;
                m.commit_micros.fetch_add(started.elapsed().as_micros() as u64, Relaxed);
                m.batches.fetch_add(1, Relaxed);
                m.batch_entries.fetch_add(accepted.len() as u64, Relaxed);
                m.accepted.fetch_add(accepted.len() as u64, Relaxed);
                m.log_size.store(next_frontier.size(), Relaxed);
                state = next_state;
                frontier = next_frontier;
                if keys_changed {
                    *write(&shared.keys) = keys_of(&state);
                }
                {
                    let mut d = shared.durable.lock().unwrap_or_else(|p| p.into_inner());
                    *d = Durable { size: frontier.size(), root: frontier.root() };
                }
                shared.durable_changed.notify_all();
                for (reply, receipt) in accepted {
                    let _ = reply.send(Ok(receipt));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, entries = accepted.len(), "commit failed; nothing from this batch was acknowledged");
                shared.metrics.unavailable.fetch_add(accepted.len() as u64, Relaxed);
                for (reply, _) in accepted {
                    let _ = reply.send(Err(SubmitError::Unavailable(format!("storage failed: {e}"))));
                }
                // A failed transaction was rolled back, but re-read what is
                // durable rather than trust that.
                match reload(&shared) {
                    Ok((s, f)) => {
                        state = s;
                        frontier = f;
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "cannot reload the log after a failed commit; the sequencer stops");
                        return;
                    }
                }
            }
        }
    }
    tracing::info!("sequencer stopped");
}

fn reload(shared: &Shared) -> Result<(State, Frontier), crate::NodeError> {
    let state = crate::replay::load_state(shared.store.as_ref())?;
    let frontier = Frontier::load(&mut StoreHashes(shared.store.as_ref()), state.size())?;
    Ok((state, frontier))
}
