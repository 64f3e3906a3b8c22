//! STIX 2.1 timestamps (§2.14): RFC 3339 `YYYY-MM-DDTHH:mm:ss[.s+]Z`, in
//! UTC with the `Z` designation; if there are no sub-second digits the
//! decimal point is absent.
//!
//! `created` and `modified` (§3.2) carry a stricter rule: "The minimum
//! precision MUST be milliseconds (three digits after the decimal place
//! in timestamps), but MAY be more precise." [`StixTime::parse_millis`]
//! enforces it.

use std::cmp::Ordering;
use std::fmt;

use chrono::NaiveDate;
use thiserror::Error;

/// Most sub-second digits accepted (nanoseconds). RFC 3339 sets no bound;
/// this one is ours, and nothing in STIX needs finer.
pub const MAX_FRACTION_DIGITS: usize = 9;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TimeError {
    #[error("timestamp must be YYYY-MM-DDTHH:mm:ss[.s+]Z in UTC")]
    Form,
    #[error("timestamp names no real date or time")]
    Range,
    #[error("at most {MAX_FRACTION_DIGITS} sub-second digits")]
    TooPrecise,
    #[error("must be precise to the millisecond (3 or more sub-second digits)")]
    NotMillis,
}

/// A STIX timestamp. It keeps the text it was parsed from (so it writes
/// back byte for byte) and the instant it names. The order is by instant;
/// two texts naming the same instant (`…00Z` and `…00.000Z`) are ordered
/// by their text so that the order stays total and agrees with `Eq`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StixTime {
    secs: i64,
    nanos: u32,
    fraction_digits: u8,
    text: String,
}

impl StixTime {
    /// Parses any STIX timestamp.
    pub fn parse(s: &str) -> Result<Self, TimeError> {
        let b = s.as_bytes();
        if b.len() < 20 || !s.is_ascii() {
            return Err(TimeError::Form);
        }
        let digits = |r: std::ops::Range<usize>| -> Result<u32, TimeError> {
            let part = &b[r];
            if !part.iter().all(u8::is_ascii_digit) {
                return Err(TimeError::Form);
            }
            Ok(part.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')))
        };
        if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return Err(TimeError::Form);
        }
        let year = digits(0..4)?;
        let month = digits(5..7)?;
        let day = digits(8..10)?;
        let hour = digits(11..13)?;
        let min = digits(14..16)?;
        let sec = digits(17..19)?;
        let rest = &b[19..];
        let (frac, z) = match rest.split_first() {
            Some((b'.', tail)) => {
                let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
                if n == 0 {
                    return Err(TimeError::Form);
                }
                (&tail[..n], &tail[n..])
            }
            _ => (&rest[..0], rest),
        };
        if z != b"Z" {
            return Err(TimeError::Form);
        }
        if frac.len() > MAX_FRACTION_DIGITS {
            return Err(TimeError::TooPrecise);
        }
        let mut nanos = 0u32;
        for i in 0..MAX_FRACTION_DIGITS {
            nanos = nanos * 10 + frac.get(i).map_or(0, |d| u32::from(d - b'0'));
        }
        // Leap seconds (:60) are refused: chrono and most peers cannot
        // order them, and no STIX producer needs one.
        let year = i32::try_from(year).map_err(|_| TimeError::Range)?;
        let dt = NaiveDate::from_ymd_opt(year, month, day)
            .and_then(|d| d.and_hms_opt(hour, min, sec))
            .ok_or(TimeError::Range)?;
        Ok(Self {
            secs: dt.and_utc().timestamp(),
            nanos,
            // at most MAX_FRACTION_DIGITS (9), checked above
            fraction_digits: u8::try_from(frac.len()).map_err(|_| TimeError::TooPrecise)?,
            text: s.to_owned(),
        })
    }

    /// Parses a timestamp that must be precise to the millisecond
    /// (`created`, `modified`).
    pub fn parse_millis(s: &str) -> Result<Self, TimeError> {
        let t = Self::parse(s)?;
        if t.fraction_digits < 3 {
            return Err(TimeError::NotMillis);
        }
        Ok(t)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Seconds since the Unix epoch and the nanoseconds past them.
    pub fn instant(&self) -> (i64, u32) {
        (self.secs, self.nanos)
    }

    /// Compares instants only (`…00Z` equals `…00.000Z` here).
    pub fn cmp_instant(&self, other: &Self) -> Ordering {
        self.instant().cmp(&other.instant())
    }
}

impl Ord for StixTime {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cmp_instant(other).then_with(|| self.text.cmp(&other.text))
    }
}

impl PartialOrd for StixTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for StixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_exact() {
        for s in [
            "2016-05-12T08:17:27Z",
            "2016-05-12T08:17:27.1Z",
            "2016-05-12T08:17:27.000Z",
            "2016-05-12T08:17:27.123456789Z",
            "2024-02-29T23:59:59.999Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
        ] {
            assert_eq!(StixTime::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn ordering() {
        let a = StixTime::parse("2020-01-01T00:00:00.001Z").unwrap();
        let b = StixTime::parse("2020-01-01T00:00:00.01Z").unwrap();
        let c = StixTime::parse("2020-01-01T00:00:01Z").unwrap();
        let z1 = StixTime::parse("2020-01-01T00:00:01.000Z").unwrap();
        assert!(a < b && b < c);
        assert_eq!(c.cmp_instant(&z1), Ordering::Equal);
        assert_ne!(c, z1);
        assert_ne!(c.cmp(&z1), Ordering::Equal);
        let old = StixTime::parse("1999-12-31T23:59:59.999Z").unwrap();
        assert!(old < a);
        let mut v = vec![c.clone(), a.clone(), b.clone(), old.clone()];
        v.sort();
        assert_eq!(v, vec![old, a, b, c]);
    }

    #[test]
    fn millis_rule() {
        assert_eq!(StixTime::parse_millis("2020-01-01T00:00:00Z"), Err(TimeError::NotMillis));
        assert_eq!(StixTime::parse_millis("2020-01-01T00:00:00.12Z"), Err(TimeError::NotMillis));
        StixTime::parse_millis("2020-01-01T00:00:00.123Z").unwrap();
        StixTime::parse_millis("2020-01-01T00:00:00.1234Z").unwrap();
    }

    #[test]
    fn refusals() {
        for s in [
            "2020-01-01T00:00:00",
            "2020-01-01T00:00:00+00:00",
            "2020-01-01t00:00:00Z",
            "2020-01-01 00:00:00Z",
            "2020-01-01T00:00:00.Z",
            "2020-01-01T00:00:00z",
            "2020-01-01T00:00:00ZZ",
            "20-01-01T00:00:00Z",
            "+2020-01-01T00:00:00Z",
            "2020-1-01T00:00:00Z",
        ] {
            assert_eq!(StixTime::parse(s), Err(TimeError::Form), "{s}");
        }
        for s in [
            "2021-02-29T00:00:00Z",
            "2020-13-01T00:00:00Z",
            "2020-01-01T24:00:00Z",
            "2020-01-01T23:60:00Z",
            "2016-12-31T23:59:60Z",
        ] {
            assert_eq!(StixTime::parse(s), Err(TimeError::Range), "{s}");
        }
        assert_eq!(StixTime::parse("2020-01-01T00:00:00.1234567890Z"), Err(TimeError::TooPrecise));
    }
}
