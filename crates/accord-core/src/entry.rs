//! Log entries: the sequencer's time wrapped around a signed statement.
//!
//! ```text
//! accord/entry/v1
//! time 2026-11-25T18:00:00.123Z
//!
//! <the statement's signed note, byte for byte>
//! ```

use crate::refusal::Refusal;
use crate::statement::SignedStatement;
use crate::time::Timestamp;
use accord_log::Hash;

pub const ENTRY_HEADER: &str = "accord/entry/v1";

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub time: Timestamp,
    pub statement: SignedStatement,
}

impl Entry {
    pub fn new(time: Timestamp, statement: SignedStatement) -> Entry {
        Entry { time, statement }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.statement.raw.len() + 48);
        out.extend_from_slice(ENTRY_HEADER.as_bytes());
        out.extend_from_slice(b"\ntime ");
        out.extend_from_slice(self.time.to_millis_string().as_bytes());
        out.extend_from_slice(b"\n\n");
        out.extend_from_slice(self.statement.raw.as_bytes());
        out
    }

    pub fn leaf_hash(&self) -> Hash {
        Hash::leaf(&self.to_bytes())
    }

    /// Parses an entry as served in an entry bundle.
    pub fn parse(bytes: &[u8]) -> Result<Entry, Refusal> {
        let bad = |w: &str| Refusal::LogFault(format!("malformed entry: {w}"));
        let rest = bytes
            .strip_prefix(ENTRY_HEADER.as_bytes())
            .and_then(|r| r.strip_prefix(b"\ntime "))
            .ok_or_else(|| bad("no `accord/entry/v1` header and time line"))?;
        let nl = rest.iter().position(|b| *b == b'\n').ok_or_else(|| bad("no end of time line"))?;
        let time_s = std::str::from_utf8(&rest[..nl]).map_err(|_| bad("time is not UTF-8"))?;
        let time = Timestamp::parse_rfc3339(time_s).ok_or_else(|| bad("time is not RFC 3339"))?;
        if time.to_millis_string() != time_s {
            return Err(bad("time is not in the millisecond form"));
        }
        let stmt = rest[nl + 1..].strip_prefix(b"\n").ok_or_else(|| bad("no blank line after time"))?;
        let statement = SignedStatement::parse(stmt)?;
        Ok(Entry { time, statement })
    }
}
