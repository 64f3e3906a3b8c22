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

use crate::changes::{Changes, Committed};
use crate::clock::Clock;
use crate::node::{keys_of, write, PolicyInForce, Receipt, Shared, SubmitError};
use crate::snapshots::Snapshots;
use accord_core::statement::statement_text;
use accord_core::Act;
use accord_core::{Effect, Entry, MemberId, Seq, SigCheck, SignedStatement, State};
use accord_log::merkle::{Frontier, TILE_HEIGHT};
use accord_log::{Hash, VerifierKey};
use accord_store::share::PrivateWrite;
use accord_store::{AppendBatch, StoreHashes};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;
use std::time::Instant;
use tokio::sync::oneshot;

pub(crate) struct Job {
    pub what: What,
    /// What the entry brings that is not public (a share's objects),
    /// written in its transaction if it is accepted.
    pub private: Vec<PrivateWrite>,
    pub reply: oneshot::Sender<Result<Receipt, SubmitError>>,
}

pub(crate) enum What {
    /// A statement as its signer submitted it.
    Signed {
        signed: SignedStatement,
        /// The member's key when the submission arrived; the signature is
        /// verified against it (by the verifier thread), and `State::apply`
        /// checks it is current.
        key: Arc<VerifierKey>,
    },
    /// An act this node records with the secretariat's key
    /// (`share.commit`, `zone.publish`): signed here, with the
    /// secretariat's next seq, so that such acts never race for a seq.
    BySecretariat(Act),
}

impl Job {
    /// Is `entry` this job's statement (after a commit that failed but
    /// persisted)?
    fn is(&self, entry: &Entry) -> bool {
        match &self.what {
            What::Signed { signed, .. } => entry.statement.raw == signed.raw,
            What::BySecretariat(act) => {
                entry.statement.statement.member.is_secretariat() && entry.statement.statement.act == *act
            }
        }
    }

    pub(crate) fn signed(
        signed: SignedStatement,
        key: Arc<VerifierKey>,
        reply: oneshot::Sender<Result<Receipt, SubmitError>>,
    ) -> Job {
        Job { what: What::Signed { signed, key }, private: Vec::new(), reply }
    }
}

pub(crate) fn run(
    shared: Arc<Shared>,
    mut state: State,
    mut frontier: Frontier,
    clock: Arc<dyn Clock>,
    rx: Receiver<Vec<Job>>,
    mut snapshots: Option<Snapshots>,
) {
    let max_batch = shared.config.max_batch.max(1);
    // A start that replayed many entries takes a snapshot at once.
    if let Some(s) = &mut snapshots {
        s.after_commit(&state, frontier.root());
    }
    loop {
        let mut jobs = match next_round(&shared, &state, clock.as_ref(), &rx) {
            Round::Jobs(jobs) => jobs,
            Round::Tick => match clock_tick(&shared, &state, clock.as_ref()) {
                Some(job) => vec![job],
                None => {
                    // Cannot tick (no usable key): wait for traffic instead.
                    match rx.recv() {
                        Ok(jobs) => jobs,
                        Err(_) => break,
                    }
                }
            },
            Round::Stop => break,
        };
        while jobs.len() < max_batch {
            match rx.try_recv() {
                Ok(more) => jobs.extend(more),
                Err(_) => break,
            }
        }
        let jobs = match commit_round(&shared, &mut state, &mut frontier, clock.as_ref(), jobs) {
            Ok(()) => {
                if let Some(s) = &mut snapshots {
                    s.after_commit(&state, frontier.root());
                }
                continue;
            }
            Err((jobs, e)) => {
                tracing::error!(error = %e, entries = jobs.len(), "commit failed; nothing from this batch was acknowledged");
                jobs
            }
        };
        // A failed commit may or may not have persisted (the store's
        // contract), and the state was applied in place: re-read what is
        // durable. Statements of the batch that did persist are found
        // there when they are retried below (refused as replayed, then
        // acknowledged by `Node::submit` with the entry they are).
        let was = frontier.size();
        let Some((s, f)) = reload(&shared, snapshots.as_mut()) else { return };
        (state, frontier) = (s, f);
        tell_observers(&shared, was, frontier.size(), Changes::Unknown);
        // One statement must not cost the others their place: commit each
        // on its own, so that only a statement the store cannot take (or
        // every one, if storage itself is down) is answered 503.
        for job in jobs {
            let before = state.size();
            if let Err((jobs, e)) = commit_round(&shared, &mut state, &mut frontier, clock.as_ref(), vec![job]) {
                let was = frontier.size();
                let Some((s, f)) = reload(&shared, snapshots.as_mut()) else { return };
                (state, frontier) = (s, f);
                tell_observers(&shared, was, frontier.size(), Changes::Unknown);
                for job in jobs {
                    // Persisted after all: it is the entry at `before`.
                    let kept = (state.size() > before)
                        .then(|| shared.store.entries(before, before + 1).ok().and_then(|mut v| v.pop()))
                        .flatten()
                        .filter(|bytes| Entry::parse(bytes).is_ok_and(|en| job.is(&en)));
                    match kept {
                        Some(bytes) => {
                            shared.metrics.accepted.fetch_add(1, Relaxed);
                            if let Ok(en) = Entry::parse(&bytes) {
                                log_accepted(&en.statement.statement, before);
                            }
                            let receipt = Receipt { index: before, leaf_hash: Hash::leaf(&bytes), existing: false };
                            let _ = job.reply.send(Ok(receipt));
                        }
                        None => {
                            shared.metrics.unavailable.fetch_add(1, Relaxed);
                            let _ = job.reply.send(Err(SubmitError::Unavailable(format!("storage failed: {e}"))));
                        }
                    }
                }
            }
        }
    }
    tracing::info!("sequencer stopped");
}

/// A statement applied to the state, waiting for its commit.
struct Applied {
    entry: Entry,
    key: Arc<VerifierKey>,
    /// Signed here with the secretariat's key ([`What::BySecretariat`]).
    by_node: bool,
    /// Its part of the batch's private writes.
    private: std::ops::Range<usize>,
    reply: oneshot::Sender<Result<Receipt, SubmitError>>,
    receipt: Receipt,
}

/// Applies `jobs` to `state` in place and commits the accepted ones in one
/// transaction; refusals are answered at once, the accepted ones once
/// durable. If the commit fails, nothing is acknowledged: the accepted jobs
/// come back (the state then holds them and must be restored by the
/// caller; `frontier` is unchanged).
fn commit_round(
    shared: &Shared,
    state: &mut State,
    frontier: &mut Frontier,
    clock: &dyn Clock,
    jobs: Vec<Job>,
) -> Result<(), (Vec<Job>, accord_store::StoreError)> {
    // Applied in place: a refused statement changes nothing (though it
    // may close due ballots, as any later entry would).
    let mut next_frontier = frontier.clone();
    let mut batch = AppendBatch { first: state.size(), ..AppendBatch::default() };
    let mut accepted: Vec<Applied> = Vec::with_capacity(jobs.len());
    let mut keys_changed = false;
    let mut policy_changed = false;
    let mut sharing_changed = false;
    for job in jobs {
        let time = clock.now().max(state.clock_floor());
        let Job { what, private, reply } = job;
        let (signed, key, by_node) = match what {
            What::Signed { signed, key } => (signed, key, false),
            What::BySecretariat(act) => match sign_as_secretariat(shared, state, time, &act) {
                Ok((signed, key)) => (signed, key, true),
                Err(why) => {
                    shared.metrics.unavailable.fetch_add(1, Relaxed);
                    let _ = reply.send(Err(SubmitError::Unavailable(why)));
                    continue;
                }
            },
        };
        let entry = Entry::new(time, signed);
        match state.apply(&entry, SigCheck::Trusted(&key)) {
            Ok(applied) => {
                let bytes = entry.to_bytes();
                let leaf = Hash::leaf(&bytes);
                let index = next_frontier.size();
                next_frontier.push(leaf, |(level, idx, h)| {
                    if level > 0 && level % TILE_HEIGHT == 0 {
                        batch.nodes.push((level, idx, h));
                    }
                });
                keys_changed |=
                    applied.effects.iter().any(|e| matches!(e, Effect::KeyRotated { .. } | Effect::ActorAdded { .. }));
                sharing_changed |= applied.effects.iter().any(|e| {
                    matches!(
                        e,
                        Effect::CredentialChanged { .. } | Effect::CommunityChanged { .. } | Effect::ActorAdded { .. }
                    )
                });
                policy_changed |= applied.effects.iter().any(|e| {
                    matches!(
                        e,
                        Effect::WitnessChanged { .. }
                            | Effect::RulesChanged(_)
                            | Effect::MemberSuspended { .. }
                            | Effect::ActorAdded { .. }
                    )
                });
                batch.effects.extend(applied.effects);
                batch.entries.push((bytes, leaf));
                let private_at = batch.private.len()..batch.private.len() + private.len();
                batch.private.extend(private);
                accepted.push(Applied {
                    entry,
                    key,
                    by_node,
                    private: private_at,
                    reply,
                    receipt: Receipt { index, leaf_hash: leaf, existing: false },
                });
            }
            Err(refusal) => {
                shared.metrics.refused.fetch_add(1, Relaxed);
                let _ = reply.send(Err(SubmitError::Refused(refusal)));
            }
        }
    }
    if accepted.is_empty() {
        return Ok(());
    }
    let started = Instant::now();
    let cpu0 = crate::metrics::thread_cpu_nanos();
    if let Err(e) = shared.store.append(&batch) {
        let back = accepted
            .into_iter()
            .map(|a| Job {
                // An act of the node's is signed again, with the seq that is
                // next once the state is reloaded.
                what: if a.by_node {
                    What::BySecretariat(a.entry.statement.statement.act)
                } else {
                    What::Signed { signed: a.entry.statement, key: a.key }
                },
                private: batch.private[a.private].to_vec(),
                reply: a.reply,
            })
            .collect();
        return Err((back, e));
    }
    let m = &shared.metrics;
    m.commit_micros.fetch_add(started.elapsed().as_micros() as u64, Relaxed);
    if let (Some(a), Some(b)) = (cpu0, crate::metrics::thread_cpu_nanos()) {
        m.commit_cpu_nanos.fetch_add(b.saturating_sub(a), Relaxed);
    }
    m.batches.fetch_add(1, Relaxed);
    m.batch_entries.fetch_add(accepted.len() as u64, Relaxed);
    m.accepted.fetch_add(accepted.len() as u64, Relaxed);
    *frontier = next_frontier;
    if keys_changed {
        *write(&shared.keys) = keys_of(state);
    }
    if sharing_changed {
        *write(&shared.sharing) = Arc::new(state.share().clone());
    }
    tell_observers(shared, batch.first, frontier.size(), Changes::Known(std::mem::take(&mut batch.effects).into()));
    announce_durable(shared, frontier, policy_changed.then(|| Arc::new(PolicyInForce::of(state))));
    for a in accepted {
        log_accepted(&a.entry.statement.statement, a.receipt.index);
        let _ = a.reply.send(Ok(a.receipt));
    }
    Ok(())
}

/// The operator's line for a statement that is durable in the log (one
/// per entry, clock ticks included; docs/OPERATIONS.md, "Logs").
fn log_accepted(st: &accord_core::Statement, index: u64) {
    tracing::info!(member = %st.member, r#type = st.act.type_name(), index, "statement accepted");
}

/// Tells the observers of commits, before anything is acknowledged.
fn tell_observers(shared: &Shared, first: u64, end: u64, changes: Changes) {
    let observers = shared.observers.read().unwrap_or_else(|p| p.into_inner());
    if observers.is_empty() || end <= first {
        return;
    }
    let c = Committed { first, end, changes };
    for o in observers.iter() {
        o.committed(&c);
    }
}

/// Tells readers and the checkpointer what is durable now, and the
/// witness policy in force at that size when it changed.
fn announce_durable(shared: &Shared, frontier: &Frontier, policy: Option<Arc<PolicyInForce>>) {
    shared.metrics.log_size.store(frontier.size(), Relaxed);
    {
        let mut d = shared.durable.lock().unwrap_or_else(|p| p.into_inner());
        d.size = frontier.size();
        d.root = frontier.root();
        if let Some(p) = policy {
            d.policy = p;
        }
    }
    shared.durable_changed.notify_all();
}

/// The state and frontier of what is durable, announced to readers;
/// `None` (logged: the sequencer then stops) if they cannot be read.
fn reload(shared: &Shared, snapshots: Option<&mut Snapshots>) -> Option<(State, Frontier)> {
    let file = snapshots.as_ref().map(|s| s.file().to_path_buf());
    let load = || -> Result<(State, Frontier), crate::NodeError> {
        let (state, _) = crate::snapshots::load(shared.store.as_ref(), file.as_deref())?;
        let frontier = Frontier::load(&mut StoreHashes(shared.store.as_ref()), state.size())?;
        Ok((state, frontier))
    };
    match load() {
        Ok((state, frontier)) => {
            if let Some(s) = snapshots {
                s.reloaded(state.size());
            }
            // Readers, submitters and the checkpointer follow what is durable.
            *write(&shared.keys) = keys_of(&state);
            *write(&shared.sharing) = Arc::new(state.share().clone());
            announce_durable(shared, &frontier, Some(Arc::new(PolicyInForce::of(&state))));
            Some((state, frontier))
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot reload the log after a failed commit; the sequencer stops");
            None
        }
    }
}

enum Round {
    Jobs(Vec<Job>),
    /// A ballot's deadline has passed with no entry to close it.
    Tick,
    Stop,
}

/// Waits for the next verified submissions — or, when this node ticks the
/// clock, until the next deadline passes.
fn next_round(shared: &Shared, state: &State, clock: &dyn Clock, rx: &Receiver<Vec<Job>>) -> Round {
    if let Ok(jobs) = rx.try_recv() {
        return Round::Jobs(jobs);
    }
    let ticking = shared.config.clock_ticker.is_some();
    loop {
        let due = if ticking { tick_due(state, clock) } else { None };
        match due {
            Some(wait) if wait.is_zero() => break Round::Tick,
            Some(wait) => match rx.recv_timeout(wait.min(Duration::from_secs(1))) {
                Ok(jobs) => break Round::Jobs(jobs),
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => break Round::Stop,
            },
            None => {
                break match rx.recv() {
                    Ok(jobs) => Round::Jobs(jobs),
                    Err(_) => Round::Stop,
                }
            }
        }
    }
}

/// How long until a tick is needed: zero once a deadline has passed, or
/// when a refused statement closed ballots whose outcome waits to be
/// recorded with an entry.
fn tick_due(state: &State, clock: &dyn Clock) -> Option<Duration> {
    if state.has_pending_effects() {
        return Some(Duration::ZERO);
    }
    let deadline = state.next_deadline()?;
    let ms = deadline.millis().saturating_sub(clock.now().millis());
    Some(Duration::from_millis(ms.max(0) as u64))
}

/// A `clock.tick` signed with the secretariat's key, as a job whose reply
/// nobody awaits.
fn clock_tick(shared: &Shared, state: &State, clock: &dyn Clock) -> Option<Job> {
    let signer = shared.config.clock_ticker.as_ref()?;
    let sec = MemberId::secretariat();
    let actor = state.actor(&sec)?;
    if *actor.key != *signer.verifier() {
        tracing::error!("the clock-ticker key is not the secretariat's current key; not ticking");
        return None;
    }
    let time = clock.now().max(state.clock_floor());
    let text = statement_text(&sec, Seq(actor.last_seq.0 + 1), time, "clock.tick", serde_json::json!({}));
    let signed = match signer.sign_note(&text).map(|n| SignedStatement::parse(n.to_text().as_bytes())) {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "cannot build a clock tick");
            return None;
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot sign a clock tick");
            return None;
        }
    };
    let (reply, _) = oneshot::channel();
    Some(Job::signed(signed, Arc::new(signer.verifier().clone()), reply))
}

/// `act` as a statement of the secretariat's, with its next seq and the
/// entry's time, signed with the key this node holds.
fn sign_as_secretariat(
    shared: &Shared,
    state: &State,
    time: accord_core::Timestamp,
    act: &Act,
) -> Result<(SignedStatement, Arc<VerifierKey>), String> {
    let signer = shared
        .config
        .clock_ticker
        .as_ref()
        .ok_or_else(|| "this node holds no secretariat key: it cannot record this".to_string())?;
    let sec = MemberId::secretariat();
    let actor = state.actor(&sec).ok_or_else(|| "the body has no secretariat yet".to_string())?;
    if *actor.key != *signer.verifier() {
        return Err("this node's secretariat key is not the secretariat's current key".into());
    }
    let text = statement_text(&sec, Seq(actor.last_seq.0 + 1), time, act.type_name(), act.body());
    let note = signer.sign_note(&text).map_err(|e| format!("cannot sign as the secretariat: {e}"))?;
    let signed = SignedStatement::parse(note.to_text().as_bytes())
        .map_err(|e| format!("the secretariat's statement does not parse: {e}"))?;
    Ok((signed, Arc::new(signer.verifier().clone())))
}
