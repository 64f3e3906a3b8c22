//! Identifier newtypes. Each one can only hold a valid value.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The id of an actor: a member state (ISO 3166-1 alpha-3 style, e.g.
/// `FRA`; upper-case letters and digits, 2–16 characters, starting with a
/// letter) or the operator, `secretariat`.
///
/// Held inline (no heap): the fold copies member ids on every entry.
#[derive(Clone)]
pub struct MemberId {
    len: u8,
    bytes: [u8; MAX_ID_LEN],
}

const MAX_ID_LEN: usize = 16;

pub const SECRETARIAT: &str = "secretariat";

impl MemberId {
    pub fn parse(s: &str) -> Option<MemberId> {
        let ok = s == SECRETARIAT
            || (s.len() >= 2
                && s.len() <= MAX_ID_LEN
                && s.as_bytes()[0].is_ascii_uppercase()
                && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
        ok.then(|| {
            let mut bytes = [0u8; MAX_ID_LEN];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            MemberId { len: s.len() as u8, bytes }
        })
    }

    pub fn secretariat() -> MemberId {
        let mut bytes = [0u8; MAX_ID_LEN];
        bytes[..SECRETARIAT.len()].copy_from_slice(SECRETARIAT.as_bytes());
        MemberId { len: SECRETARIAT.len() as u8, bytes }
    }

    pub fn is_secretariat(&self) -> bool {
        self.as_bytes() == SECRETARIAT.as_bytes()
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored (see `parse`).
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or_default()
    }

    /// The signed-note key name of this actor in the log `origin`.
    pub fn key_name(&self, origin: &str) -> String {
        format!("{origin}/members/{}", self.as_str())
    }
}

impl MemberId {
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

// Ids hold no NUL byte, so the zero-padded arrays compare (as one
// big-endian 128-bit number) in exactly the order of the strings: one
// comparison instead of a memcmp, on the fold's hottest path.
impl MemberId {
    fn key(&self) -> u128 {
        u128::from_be_bytes(self.bytes)
    }
}

impl PartialEq for MemberId {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for MemberId {}

impl std::hash::Hash for MemberId {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_bytes().hash(h)
    }
}

impl PartialOrd for MemberId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for MemberId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl Serialize for MemberId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for MemberId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        MemberId::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("invalid member id {s:?}")))
    }
}

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MemberId({})", self.as_str())
    }
}

/// A member's own statement counter: 1 to 2^53 − 1, the integers every
/// JSON implementation holds exactly (RFC 7493 §2.2), and so also every
/// store (SQLite's and PostgreSQL's 64-bit signed integers).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Seq(pub u64);

impl Seq {
    /// The largest `seq`: 2^53 − 1.
    pub const MAX: Seq = Seq((1 << 53) - 1);
    /// How far above the member's last accepted `seq` the next may be, so
    /// that no statement can use up a seat's counter (2^20).
    pub const MAX_STEP: u64 = 1 << 20;

    /// A `seq` in its range, 1 to [`Seq::MAX`].
    pub fn new(v: u64) -> Option<Seq> {
        (1..=Seq::MAX.0).contains(&v).then_some(Seq(v))
    }
}

impl fmt::Display for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Position of an entry in the log (0 = genesis).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LogIndex(pub u64);

impl fmt::Display for LogIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::MemberId;

    #[test]
    fn member_ids_order_and_compare_as_their_strings() {
        let ids = ["AB", "ABC", "AC", "FRA", "FRA2", "Z9", "ZZZZZZZZZZZZZZZZ", "secretariat", "A1", "A10", "A2"];
        for a in ids {
            for b in ids {
                let (x, y) = (MemberId::parse(a).unwrap(), MemberId::parse(b).unwrap());
                assert_eq!(x.cmp(&y), a.cmp(b), "{a} vs {b}");
                assert_eq!(x == y, a == b);
                assert_eq!(x.as_str(), a);
            }
        }
    }
}
