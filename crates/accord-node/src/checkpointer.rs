//! Publishes signed checkpoints: soon after every durable commit, and no
//! more often than `checkpoint_interval_ms`. A checkpoint is stored
//! (durably) before it is served, so a restart never serves a smaller one,
//! and it is signed only if the log still has, at the size of the last
//! checkpoint published, that checkpoint's root.

use crate::clock::Clock;
use crate::node::{write, Published, Shared};
use accord_log::merkle::range_hash;
use accord_log::Checkpoint;
use accord_store::StoreHashes;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

pub(crate) fn run(shared: Arc<Shared>, clock: Arc<dyn Clock>) {
    let interval = Duration::from_millis(shared.config.checkpoint_interval_ms);
    let mut drift_logged = 0i64;
    loop {
        watch_drift(&shared, clock.as_ref(), &mut drift_logged);
        let (size, root) = {
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
            (d.size, d.root)
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
            let cp = Checkpoint::new(&shared.origin, size, root);
            match cp.sign(&shared.log_key).map(|n| n.to_text()) {
                Ok(note) => match shared.store.put_checkpoint(size, &note) {
                    Ok(()) => {
                        *write(&shared.published) = Some(Arc::new(Published { size, root, note }));
                        shared.metrics.checkpoint_size.store(size, Relaxed);
                        shared.metrics.checkpoints_published.fetch_add(1, Relaxed);
                        // Debug: at most one every `checkpoint_interval_ms`
                        // (100 ms), which would outnumber everything else in
                        // the log under load; the size is in /metrics.
                        tracing::debug!(size, "checkpoint signed");
                    }
                    Err(e) => {
                        tracing::error!(error = %e, size, "cannot store checkpoint; will retry")
                    }
                },
                Err(e) => tracing::error!(error = %e, "cannot sign checkpoint"),
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
