//! Rate limits of the rules of procedure, judged on entry times so that a
//! replay (and `accord audit`) decides exactly as the live node did.
//!
//! Each member has two token buckets, counted over its *accepted*
//! statements (a refused one costs nothing), the secretariat's
//! `clock.tick` exempt:
//!
//! - `rate_statements_per_minute` = N: the bucket holds N statements and
//!   refills continuously at N per minute. A member may send a burst of N,
//!   then N a minute.
//! - `rate_bytes_per_day` = B: the same with B bytes of signed statement
//!   (the note as submitted) refilled at B per day.
//!
//! A bucket is full when the member joins. The arithmetic is exact: a
//! level is kept in units of (token × window in ms), so refilling for `t`
//! ms adds exactly `t × limit` and no rounding ever happens; a replay
//! therefore reproduces every decision bit for bit.

use crate::decisions::rules::Rules;
use crate::time::Timestamp;

const MINUTE_MS: u64 = 60_000;
const DAY_MS: u64 = 86_400_000;

/// One token bucket.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Bucket {
    /// Tokens × window (ms) at `at`; `None` until first used (full).
    pub(crate) level: Option<u128>,
    pub(crate) at: i64,
}

impl Bucket {
    pub(crate) fn level_at(&self, now: i64, limit: u64, window: u64) -> u128 {
        let cap = u128::from(limit) * u128::from(window);
        match self.level {
            None => cap,
            Some(level) => {
                let elapsed = u128::from(now.saturating_sub(self.at).max(0).unsigned_abs());
                level.saturating_add(elapsed.saturating_mul(u128::from(limit))).min(cap)
            }
        }
    }

    /// Milliseconds until `cost` tokens fit; 0 if they fit now.
    pub(crate) fn wait_ms(&self, now: i64, limit: u64, window: u64, cost: u64) -> u64 {
        let need = u128::from(cost) * u128::from(window);
        let have = self.level_at(now, limit, window);
        if have >= need {
            return 0;
        }
        let limit = u128::from(limit.max(1));
        u64::try_from((need - have).div_ceil(limit)).unwrap_or(u64::MAX)
    }

    pub(crate) fn take(&mut self, now: i64, limit: u64, window: u64, cost: u64) {
        let have = self.level_at(now, limit, window);
        self.level = Some(have.saturating_sub(u128::from(cost) * u128::from(window)));
        self.at = now;
    }
}

/// A member's two buckets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateBuckets {
    pub(crate) statements: Bucket,
    pub(crate) bytes: Bucket,
}

impl RateBuckets {
    /// May a statement of `bytes` bytes be accepted at `time`? If not:
    /// why, and in how many milliseconds it would be.
    pub fn check(&self, rules: &Rules, time: Timestamp, bytes: usize) -> Result<(), (String, u64)> {
        let now = time.millis();
        let n = rules.rate_statements_per_minute;
        let wait = self.statements.wait_ms(now, n, MINUTE_MS, 1);
        if wait > 0 {
            return Err((format!("rate_statements_per_minute is {n}"), wait));
        }
        let b = rules.rate_bytes_per_day;
        let wait = self.bytes.wait_ms(now, b, DAY_MS, bytes as u64);
        if wait > 0 {
            return Err((format!("rate_bytes_per_day is {b}"), wait));
        }
        Ok(())
    }

    /// Counts an accepted statement of `bytes` bytes at `time`.
    pub fn take(&mut self, rules: &Rules, time: Timestamp, bytes: usize) {
        let now = time.millis();
        self.statements.take(now, rules.rate_statements_per_minute, MINUTE_MS, 1);
        self.bytes.take(now, rules.rate_bytes_per_day, DAY_MS, bytes as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(n: u64, b: u64) -> Rules {
        Rules { rate_statements_per_minute: n, rate_bytes_per_day: b, ..Rules::default() }
    }

    #[test]
    fn a_burst_then_the_refill_rate() {
        let r = rules(120, 1 << 30);
        let mut b = RateBuckets::default();
        let t0 = Timestamp::from_millis(1_000_000);
        for _ in 0..120 {
            assert!(b.check(&r, t0, 100).is_ok());
            b.take(&r, t0, 100);
        }
        // The 121st waits for one token: 60 000 / 120 = 500 ms.
        assert_eq!(b.check(&r, t0, 100), Err(("rate_statements_per_minute is 120".into(), 500)));
        assert!(b.check(&r, Timestamp::from_millis(1_000_499), 100).is_err());
        assert!(b.check(&r, Timestamp::from_millis(1_000_500), 100).is_ok());
    }

    #[test]
    fn bytes_per_day() {
        let r = rules(1_000_000, 65_536);
        let mut b = RateBuckets::default();
        let t0 = Timestamp::from_millis(0);
        b.take(&r, t0, 65_000);
        // 1000 more bytes need 464 more than the 536 left: 464 × 86 400 000 / 65 536 ms.
        let (_, wait) = b.check(&r, t0, 1_000).unwrap_err();
        assert_eq!(wait, (464u64 * 86_400_000).div_ceil(65_536));
        assert!(b.check(&r, Timestamp::from_millis(wait as i64), 1_000).is_ok());
        assert!(b.check(&r, Timestamp::from_millis(wait as i64 - 1), 1_000).is_err());
    }

    #[test]
    fn time_going_nowhere_refills_nothing_and_never_overflows() {
        let r = rules(1_000_000, 1 << 40);
        let mut b = RateBuckets::default();
        b.take(&r, Timestamp::from_millis(i64::MAX / 2), 10);
        assert!(b.check(&r, Timestamp::from_millis(0), 10).is_ok());
        b.take(&r, Timestamp::from_millis(i64::MAX), 10);
    }
}
