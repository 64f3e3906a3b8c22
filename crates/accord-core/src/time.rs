//! Timestamps: milliseconds since the Unix epoch, UTC, written RFC 3339.

use chrono::{DateTime, SecondsFormat, Utc};
use std::fmt;

/// A point in time with millisecond precision.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn from_millis(ms: i64) -> Timestamp {
        Timestamp(ms)
    }

    pub fn millis(&self) -> i64 {
        self.0
    }

    /// Parses RFC 3339 in UTC (`Z` suffix required; fractions of a second
    /// beyond milliseconds are refused rather than silently rounded).
    pub fn parse_rfc3339(s: &str) -> Option<Timestamp> {
        if !s.ends_with('Z') || s.len() > 40 {
            return None;
        }
        if let Some((_, frac)) = s.trim_end_matches('Z').split_once('.') {
            if frac.is_empty() || frac.len() > 3 {
                return None;
            }
        }
        let dt = DateTime::parse_from_rfc3339(s).ok()?;
        Some(Timestamp(dt.with_timezone(&Utc).timestamp_millis()))
    }

    fn datetime(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.0).unwrap_or_default()
    }

    /// `2026-11-25T18:00:00.123Z`: the entry-time form, always milliseconds.
    pub fn to_millis_string(&self) -> String {
        self.datetime().to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    /// `2026-11-25T18:00:00Z` when whole seconds, else with milliseconds.
    pub fn to_rfc3339(&self) -> String {
        if self.0 % 1000 == 0 {
            self.datetime().to_rfc3339_opts(SecondsFormat::Secs, true)
        } else {
            self.to_millis_string()
        }
    }
}

/// The UTC date of `t` as the number `YYYYMMDD` (for SOA serials), if
/// the year has four digits.
pub fn utc_date_number(t: Timestamp) -> Option<u32> {
    use chrono::Datelike;
    let d = t.datetime();
    let y = u32::try_from(d.year()).ok().filter(|y| (1000..=9999).contains(y))?;
    Some(y * 10_000 + d.month() * 100 + d.day())
}

impl Timestamp {
    /// Whole seconds since 1970 (for DNSSEC signature times); times before
    /// 1970 are 0.
    pub fn secs(&self) -> u64 {
        u64::try_from(self.0.div_euclid(1000)).unwrap_or(0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}
