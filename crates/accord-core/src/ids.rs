//! Identifier newtypes. Each one can only hold a valid value.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The id of an actor: a member state (ISO 3166-1 alpha-3 style, e.g.
/// `FRA`; upper-case letters and digits, 2–16 characters, starting with a
/// letter) or the operator, `secretariat`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct MemberId(String);

pub const SECRETARIAT: &str = "secretariat";

impl MemberId {
    pub fn parse(s: &str) -> Option<MemberId> {
        let ok = s == SECRETARIAT
            || (s.len() >= 2
                && s.len() <= 16
                && s.as_bytes()[0].is_ascii_uppercase()
                && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
        ok.then(|| MemberId(s.to_string()))
    }

    pub fn secretariat() -> MemberId {
        MemberId(SECRETARIAT.to_string())
    }

    pub fn is_secretariat(&self) -> bool {
        self.0 == SECRETARIAT
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The signed-note key name of this actor in the log `origin`.
    pub fn key_name(&self, origin: &str) -> String {
        format!("{origin}/members/{}", self.0)
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
        f.write_str(&self.0)
    }
}

impl fmt::Debug for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MemberId({})", self.0)
    }
}

/// A member's own statement counter.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Seq(pub u64);

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
