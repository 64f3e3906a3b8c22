//! Publishes signed checkpoints: soon after every durable commit, and no
//! more often than `checkpoint_interval_ms`. A checkpoint is stored
//! (durably) before it is served, so a restart never serves a smaller one,
//! and it is signed only if the log still has, at the size of the last
//! checkpoint published, that checkpoint's root.
//!
//! Each checkpoint goes through four stages, each timed in `/metrics`:
//! 1. **sign**, behind [`CheckpointSigner`] (today the log's Ed25519 key
//!    file; later a threshold key);
//! 2. **cosign**, behind [`Cosigners`]: the signed checkpoint is offered to
//!    the witnesses of the policy in force at its size (the sequencer hands
//!    the policy over with the size), and the cosignature lines that come
//!    back within the stage's time are added ([`crate::witnesses`]: C2SP
//!    tlog-witness servers run by members, asked in parallel, each from
//!    the old size it last cosigned); a slow or dead witness only costs its
//!    cosignature, never the checkpoint, and never sequencing (this thread
//!    is not the sequencer's). A checkpoint is published with whatever
//!    came back, quorum or not: whether it is trusted is each client's
//!    check, and `/metrics` counts those without a quorum;
//! 3. **store**, durably;
//! 4. **publish**: served from then on.

use crate::clock::Clock;
use crate::node::{write, PolicyInForce, Published, Shared};
use accord_log::merkle::range_hash;
use accord_log::{Checkpoint, Note, NoteSignature, Signer};
use accord_store::StoreHashes;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(crate) fn run(shared: Arc<Shared>, clock: Arc<dyn Clock>) {
    let interval = Duration::from_millis(shared.config.checkpoint_interval_ms);
    let mut drift_logged = 0i64;
    loop {
        watch_drift(&shared, clock.as_ref(), &mut drift_logged);
        let (size, root, policy) = {
            let mut d = shared.durable.lock().unwrap_or_else(|p| p.into_inner());
            loop {
                let published = shared.metrics.checkpoint_size.load(Relaxed);
                let stopping = shared.stopping.load(Relaxed);
                if d.size > published || stopping {
                    break;
                }
                d = shared
                    .durable_changed
                    .wait_timeout(d, Duration::from_secs(1))
                    .map(|(g, _)| g)
                    .unwrap_or_else(|p| p.into_inner().0);
                watch_drift(&shared, clock.as_ref(), &mut drift_logged);
            }
            (d.size, d.root, d.policy.clone())
        };
        let published = shared.metrics.checkpoint_size.load(Relaxed);
        let extends = if size > published { extends_published(&shared) } else { Ok(true) };
        match extends {
            Ok(true) => {}
            // Never sign a tree that does not extend what was published;
            // the sequencer only appends, so this means the store changed
            // underneath the node. Nothing more is signed.
            Ok(false) => {
                tracing::error!(
                    size,
                    "the log no longer extends the published checkpoint; no more checkpoints are signed"
                );
                return;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot read the log's hashes to check the published checkpoint; will retry");
                std::thread::sleep(interval);
                continue;
            }
        }
        if size > published {
            match publish(&shared, published, Checkpoint::new(&shared.origin, size, root), policy) {
                // Debug: at most one every `checkpoint_interval_ms` (100 ms),
                // which would outnumber everything else in the log under
                // load; the size is in /metrics.
                Ok(()) => tracing::debug!(size, "checkpoint signed"),
                Err(Failed::Sign(e)) => tracing::error!(error = %e, "cannot sign checkpoint"),
                // Another writer stored a checkpoint this node did not
                // publish: signing on could contradict it. Fail closed.
                Err(Failed::Store(e @ accord_store::StoreError::CheckpointConflict { .. })) => {
                    tracing::error!(error = %e, size, "another writer stored a checkpoint; no more checkpoints are signed");
                    return;
                }
                Err(Failed::Store(e)) => tracing::error!(error = %e, size, "cannot store checkpoint; will retry"),
            }
        }
        if shared.stopping.load(Relaxed) {
            let d = shared.durable.lock().unwrap_or_else(|p| p.into_inner());
            if d.size <= shared.metrics.checkpoint_size.load(Relaxed) {
                tracing::info!(size = shared.metrics.checkpoint_size.load(Relaxed), "last checkpoint published");
                return;
            }
            continue;
        }
        std::thread::sleep(interval);
    }
}

/// Signs a checkpoint: the log's key today.
pub trait CheckpointSigner: Send + Sync {
    fn sign(&self, cp: &Checkpoint) -> Result<Note, String>;
}

impl CheckpointSigner for Signer {
    fn sign(&self, cp: &Checkpoint) -> Result<Note, String> {
        cp.sign(self).map_err(|e| e.to_string())
    }
}

/// Gathers cosignatures of a signed checkpoint from the witnesses of the
/// policy in force at its size: what came back in the stage's time, in any
/// order; none is an answer too. Each line returned must be a valid
/// cosignature by its witness's key (the published checkpoint counts it
/// by name). Implementations bound their own time
/// ([`crate::witnesses::WitnessClient`]).
pub trait Cosigners: Send + Sync {
    fn cosign(&self, signed: &Note, cp: &Checkpoint, policy: &PolicyInForce) -> Vec<NoteSignature>;

    /// What is known of each witness, for `/metrics` and the portal.
    fn report(&self) -> Vec<crate::witnesses::WitnessReport> {
        Vec::new()
    }
}

/// No witnesses: the checkpoint goes out with the log's signature alone.
pub struct NoWitnesses;

impl Cosigners for NoWitnesses {
    fn cosign(&self, _: &Note, _: &Checkpoint, _: &PolicyInForce) -> Vec<NoteSignature> {
        Vec::new()
    }
}

/// A stage that failed: nothing was published.
enum Failed {
    Sign(String),
    Store(accord_store::StoreError),
}

/// Sign, cosign, store durably, publish, timing each stage.
fn publish(shared: &Shared, previous: u64, cp: Checkpoint, policy: Arc<PolicyInForce>) -> Result<(), Failed> {
    let m = &shared.metrics;
    let timed = |started: Instant, sum: &std::sync::atomic::AtomicU64| {
        sum.fetch_add(started.elapsed().as_micros() as u64, Relaxed);
    };
    let t = Instant::now();
    let mut note = shared.checkpoint_signer.sign(&cp).map_err(Failed::Sign)?;
    timed(t, &m.checkpoint_sign_micros);
    let t = Instant::now();
    let mut cosignatures = shared.cosigners.cosign(&note, &cp, &policy);
    // Signed-note verifiers refuse notes of more than 100 signature lines
    // (accord_log::note::MAX_SIGNATURES, Go's note package alike): the
    // log's line and at most 99 cosignatures.
    // Should more arrive, the counted witnesses' lines are kept first.
    // (A policy names each witness by its member's id.)
    let counted: std::collections::BTreeSet<&str> =
        policy.witnesses.iter().filter(|w| w.counted).map(|w| w.member.as_str()).collect();
    let is_counted =
        |s: &NoteSignature| policy.policy.witnesses.iter().any(|w| w.key.names(s) && counted.contains(w.name.as_str()));
    cosignatures.sort_by_key(|s| !is_counted(s));
    cosignatures.truncate(accord_log::note::MAX_SIGNATURES - 1);
    // The cosigners checked each line against its witness's key already
    // (`Cosigners::cosign`); who cosigned is read from the lines' names.
    let mut cosigned = std::collections::BTreeMap::new();
    for s in &cosignatures {
        if let Some(w) = policy.policy.witnesses.iter().find(|w| w.key.names(s)) {
            let ts = s.signature.get(..8).and_then(|b| b.try_into().ok()).map_or(0, u64::from_be_bytes);
            cosigned.insert(w.name.clone(), ts);
        }
    }
    note.signatures.extend(cosignatures);
    timed(t, &m.checkpoint_cosign_micros);
    let quorum = policy.policy.satisfied(&cosigned.keys().cloned().collect());
    let verdict = accord_log::policy::Verdict { cosigned, bad: Default::default(), quorum };
    if !verdict.quorum {
        m.checkpoints_without_quorum.fetch_add(1, Relaxed);
    }
    let t = Instant::now();
    let text = note.to_text();
    shared.store.put_checkpoint(previous, cp.size, &text).map_err(Failed::Store)?;
    timed(t, &m.checkpoint_store_micros);
    let t = Instant::now();
    let p = Arc::new(Published {
        size: cp.size,
        root: cp.root,
        note: text,
        cosigned: verdict.cosigned,
        quorum: verdict.quorum,
        policy,
        at: crate::node::unix_now(),
    });
    {
        let mut recent = shared.recent.lock().unwrap_or_else(|e| e.into_inner());
        recent.push_back(p.clone());
        while recent.len() > crate::node::RECENT_CHECKPOINTS {
            recent.pop_front();
        }
    }
    *write(&shared.published) = Some(p);
    m.checkpoint_size.store(cp.size, Relaxed);
    m.checkpoints_published.fetch_add(1, Relaxed);
    timed(t, &m.checkpoint_publish_micros);
    Ok(())
}

/// Does the stored log, at the published checkpoint's size, still have the
/// published root?
fn extends_published(shared: &Shared) -> Result<bool, accord_store::StoreError> {
    let published = shared.published.read().unwrap_or_else(|p| p.into_inner()).clone();
    let Some(p) = published else { return Ok(true) };
    Ok(range_hash(&mut StoreHashes(shared.store.as_ref()), 0, p.size)? == p.root)
}

/// Publishes the drift between the wall clock and the entry-time clock,
/// and says so in the operator's log when it moves by a second or more.
fn watch_drift(shared: &Shared, clock: &dyn Clock, logged: &mut i64) {
    let drift = clock.drift_ms();
    shared.metrics.clock_drift_ms.store(drift, Relaxed);
    if (drift - *logged).abs() >= 1000 {
        tracing::warn!(
            drift_ms = drift,
            "the system clock is {:.1} s from the clock that gives entry times (anchored at start, advanced \
             monotonically); entry times are not affected, restart the node to re-anchor it",
            drift as f64 / 1000.0
        );
        *logged = drift;
    }
}
