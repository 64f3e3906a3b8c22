//! [`Zones`]: the shared handle through which a new version of the zone
//! is published to every server that serves it.

use crate::engine::serial_newer;
use crate::served::{ServeError, Served};
use accord_zone::SignedZone;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishError {
    #[error("serial {new} is not newer than the served {current} (RFC 1982)")]
    SerialNotNewer { new: u32, current: u32 },
    #[error(transparent)]
    Zone(#[from] ServeError),
}

#[derive(Default)]
struct Inner {
    current: RwLock<Option<Arc<Served>>>,
    /// Bumped on each publish, so that a worker can tell cheaply whether
    /// its copy of the current version is still current.
    version: AtomicU64,
    /// Publishes one at a time (the history is a chain).
    publishing: Mutex<()>,
    /// The notifier threads of the servers, woken on each publish.
    notifiers: Mutex<Vec<SyncSender<()>>>,
}

/// A cheap-to-clone handle on the served zone.
#[derive(Clone, Default)]
pub struct Zones {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Zones {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Zones").field("serial", &self.current_serial()).finish()
    }
}

impl Zones {
    /// No zone yet: every query gets SERVFAIL until the first publish.
    pub fn new() -> Zones {
        Zones::default()
    }

    /// Swaps in a new version of the zone, keeps the difference from the
    /// previous one for IXFR ([`crate::served::HISTORY`] versions), and
    /// wakes the servers' NOTIFY senders. Readers are held up only for the
    /// swap of one pointer: the index is built before.
    pub fn publish(&self, zone: SignedZone) -> Result<(), PublishError> {
        let _one = self.inner.publishing.lock().unwrap_or_else(PoisonError::into_inner);
        let previous = self.current();
        if let Some(p) = &previous {
            if !serial_newer(zone.serial, p.serial()) {
                return Err(PublishError::SerialNotNewer { new: zone.serial, current: p.serial() });
            }
        }
        let served = Arc::new(Served::new(zone, previous.as_deref())?);
        *self.inner.current.write().unwrap_or_else(PoisonError::into_inner) = Some(served);
        self.inner.version.fetch_add(1, Ordering::Release);
        let mut notifiers = self.inner.notifiers.lock().unwrap_or_else(PoisonError::into_inner);
        notifiers.retain(|n| !matches!(n.try_send(()), Err(TrySendError::Disconnected(_))));
        Ok(())
    }

    /// The version served now.
    pub fn current(&self) -> Option<Arc<Served>> {
        self.inner.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub fn current_serial(&self) -> Option<u32> {
        self.current().map(|s| s.serial())
    }

    /// A counter that changes on each publish.
    pub(crate) fn version(&self) -> u64 {
        self.inner.version.load(Ordering::Acquire)
    }

    pub(crate) fn add_notifier(&self, tx: SyncSender<()>) {
        self.inner.notifiers.lock().unwrap_or_else(PoisonError::into_inner).push(tx);
    }
}

/// A worker's copy of the current version, refreshed only when a publish
/// happened (one atomic load per query, no lock).
pub(crate) struct Snapshot {
    zones: Zones,
    version: u64,
    served: Option<Arc<Served>>,
}

impl Snapshot {
    pub fn new(zones: Zones) -> Snapshot {
        let version = zones.version();
        let served = zones.current();
        Snapshot { zones, version, served }
    }

    pub fn get(&mut self) -> Option<&Served> {
        let v = self.zones.version();
        if v != self.version {
            self.version = v;
            self.served = self.zones.current();
        }
        self.served.as_deref()
    }

    /// The version number of what [`Snapshot::get`] last gave.
    pub fn version(&self) -> u64 {
        self.version
    }
}
