//! The sequencer's clock, injected so tests can run on a fake one.
//!
//! Entry times come from a [`SteadyClock`]: the wall clock read once at
//! start, then advanced by a monotonic clock. A step of the system clock
//! while the node runs (a mis-set NTP, an operator's `date -s`) therefore
//! neither closes ballots early nor makes honest statements `clock-skew`:
//! it only shows as drift, in `/metrics` and the operator's log.

use accord_core::Timestamp;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
    /// How far the wall clock is from this clock, in ms (wall − this);
    /// 0 for a clock that is the wall clock.
    fn drift_ms(&self) -> i64 {
        0
    }
}

/// Wall-clock time.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        Timestamp(ms)
    }
}

/// Time since some fixed instant, never going back.
pub trait Monotonic: Send + Sync {
    fn elapsed(&self) -> Duration;
}

/// `std::time::Instant` since the clock was made.
pub struct InstantSource(Instant);

impl Monotonic for InstantSource {
    fn elapsed(&self) -> Duration {
        self.0.elapsed()
    }
}

/// The wall clock at start, advanced by a monotonic clock.
pub struct SteadyClock {
    wall: Arc<dyn Clock>,
    start: Timestamp,
    mono: Arc<dyn Monotonic>,
}

impl SteadyClock {
    pub fn new(wall: Arc<dyn Clock>, mono: Arc<dyn Monotonic>) -> SteadyClock {
        let start = Timestamp(wall.now().0 - i64::try_from(mono.elapsed().as_millis()).unwrap_or(0));
        SteadyClock { wall, start, mono }
    }

    /// The system's wall clock and `Instant`: what `accord serve` runs on.
    pub fn system() -> SteadyClock {
        SteadyClock::new(Arc::new(SystemClock), Arc::new(InstantSource(Instant::now())))
    }
}

impl Clock for SteadyClock {
    fn now(&self) -> Timestamp {
        let ms = i64::try_from(self.mono.elapsed().as_millis()).unwrap_or(i64::MAX);
        Timestamp(self.start.0.saturating_add(ms))
    }

    fn drift_ms(&self) -> i64 {
        self.wall.now().0.saturating_sub(self.now().0)
    }
}
