//! Publishes signed checkpoints: soon after every durable commit, and no
//! more often than `checkpoint_interval_ms`. A checkpoint is stored
//! (durably) before it is served, so a restart never serves a smaller one.

use crate::node::{write, Published, Shared};
use accord_log::Checkpoint;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

pub(crate) fn run(shared: Arc<Shared>) {
    let interval = Duration::from_millis(shared.config.checkpoint_interval_ms);
    loop {
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
            }
            (d.size, d.root)
        };
        let published = shared.metrics.checkpoint_size.load(Relaxed);
        if size > published {
            let cp = Checkpoint::new(&shared.origin, size, root);
            match cp.sign(&shared.log_key).map(|n| n.to_text()) {
                Ok(note) => match shared.store.put_checkpoint(size, &note) {
                    Ok(()) => {
                        *write(&shared.published) = Some(Arc::new(Published { size, root, note }));
                        shared.metrics.checkpoint_size.store(size, Relaxed);
                        shared.metrics.checkpoints_published.fetch_add(1, Relaxed);
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
                return;
            }
            continue;
        }
        std::thread::sleep(interval);
    }
}
