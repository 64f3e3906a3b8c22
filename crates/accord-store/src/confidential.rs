//! The confidential store: what must not be public, committed to the log
//! only by a salted hash.
//!
//! A confidential record holds a 256-bit salt and its content (canonical
//! JSON: a point of contact's details, a case's facts, a shared object
//! under TLP:AMBER). Its key is the commitment the log carries:
//! SHA-256(salt ‖ content), so a party can later prove what was said, and
//! when, and the public learns nothing. The key is computed here, never
//! taken from a caller ([`Confidential::new`]).
//!
//! It is kept apart from the projections: `rebuild` does not clear it (the
//! log cannot restore it), the projection digest does not cover it, and it
//! has a retention of its own: each record says until when it is kept, and
//! [`ConfidentialStore::expire`] deletes those past it. A record may also
//! be deleted on request (erasure); the commitment stays in the log.
//!
//! What it is not: access control (the node's read door decides who may
//! read a record) and not encryption at rest (the operator's disk is).

use crate::Result;
use accord_core::Timestamp;
use sha2::{Digest, Sha256};

/// The largest content kept, in bytes (a statement is at most 64 KiB).
pub const MAX_CONTENT: usize = 256 * 1024;

/// A commitment: SHA-256(salt ‖ content), lowercase hex.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Commitment(String);

impl Commitment {
    pub fn of(salt: &[u8; 32], content: &[u8]) -> Commitment {
        let mut h = Sha256::new();
        h.update(salt);
        h.update(content);
        Commitment(hex::encode(h.finalize()))
    }

    /// A commitment as the log writes it: 64 lowercase hex digits.
    pub fn parse(s: &str) -> Option<Commitment> {
        (s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
            .then(|| Commitment(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A confidential record, keyed by its commitment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confidential {
    commitment: Commitment,
    pub salt: [u8; 32],
    pub content: Vec<u8>,
    /// The domain it belongs to (`cooperation`, `threats`, …).
    pub domain: String,
    /// Kept until then; deleted by [`ConfidentialStore::expire`] after.
    pub retain_until: Timestamp,
}

/// Why a record cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfidentialError {
    #[error("confidential content is {0} bytes; at most {MAX_CONTENT} are kept")]
    TooLarge(usize),
    #[error("a confidential record needs a domain of 1 to 32 lowercase letters and hyphens (got {0:?})")]
    BadDomain(String),
}

impl Confidential {
    pub fn new(
        salt: [u8; 32],
        content: Vec<u8>,
        domain: &str,
        retain_until: Timestamp,
    ) -> std::result::Result<Confidential, ConfidentialError> {
        if content.len() > MAX_CONTENT {
            return Err(ConfidentialError::TooLarge(content.len()));
        }
        let domain_ok = (1..=32).contains(&domain.len()) && domain.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
        if !domain_ok {
            return Err(ConfidentialError::BadDomain(domain.to_string()));
        }
        let commitment = Commitment::of(&salt, &content);
        Ok(Confidential { commitment, salt, content, domain: domain.to_string(), retain_until })
    }

    pub fn commitment(&self) -> &Commitment {
        &self.commitment
    }
}

/// Where confidential records live. Every write is durable when it returns
/// `Ok`; reads see only what committed.
pub trait ConfidentialStore: Send + Sync {
    /// Keeps `r` (the same record again is not an error; another content
    /// under the same commitment cannot exist: the key is its hash).
    fn put_confidential(&self, r: &Confidential) -> Result<()>;
    fn confidential(&self, c: &Commitment) -> Result<Option<Confidential>>;
    /// Deletes the record (erasure on request): whether it was there.
    fn delete_confidential(&self, c: &Commitment) -> Result<bool>;
    /// Deletes every record whose retention ended before `now`: how many.
    fn expire(&self, now: Timestamp) -> Result<u64>;
    /// Writes private records outside an append (a TAXII status with no
    /// new object to log), in one transaction; durable on return.
    fn put_private(&self, writes: &[crate::share::PrivateWrite]) -> Result<()>;
}

/// Rebuilds a record read back from storage, checking that its content
/// still hashes to its key.
pub(crate) fn stored(
    key: &str,
    salt: &[u8],
    content: Vec<u8>,
    domain: String,
    retain_until: i64,
) -> Result<Confidential> {
    let salt: [u8; 32] = salt
        .try_into()
        .map_err(|_| crate::StoreError::Corrupt(format!("confidential record {key}: the salt is not 32 bytes")))?;
    let r = Confidential::new(salt, content, &domain, Timestamp::from_millis(retain_until))
        .map_err(|e| crate::StoreError::Corrupt(format!("confidential record {key}: {e}")))?;
    if r.commitment.as_str() != key {
        return Err(crate::StoreError::Corrupt(format!(
            "confidential record {key}: its content does not hash to its key"
        )));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_the_salted_hash_and_limits_hold() {
        let r = Confidential::new([7; 32], b"{\"a\":1}".to_vec(), "cooperation", Timestamp::from_millis(5)).unwrap();
        let mut h = Sha256::new();
        h.update([7u8; 32]);
        h.update(b"{\"a\":1}");
        assert_eq!(r.commitment().as_str(), hex::encode(h.finalize()));
        assert!(Commitment::parse(r.commitment().as_str()).is_some());
        assert!(Commitment::parse("ABC").is_none());
        assert!(Commitment::parse(&"A".repeat(64)).is_none());
        let big = vec![b'x'; MAX_CONTENT + 1];
        assert_eq!(
            Confidential::new([0; 32], big, "x", Timestamp::default()),
            Err(ConfidentialError::TooLarge(MAX_CONTENT + 1))
        );
        assert!(matches!(
            Confidential::new([0; 32], vec![], "Threats!", Timestamp::default()),
            Err(ConfidentialError::BadDomain(_))
        ));
    }
}
