//! SHA-256 hashes and the RFC 9162 leaf and node hash functions.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::fmt;

/// A SHA-256 digest: a leaf hash, an interior node hash or a tree root.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// The RFC 9162 hash of the empty tree: SHA-256 of no bytes.
    pub fn empty() -> Hash {
        Hash(Sha256::digest([]).into())
    }

    /// RFC 9162 leaf hash: SHA-256(0x00 ‖ data).
    pub fn leaf(data: &[u8]) -> Hash {
        let mut h = Sha256::new();
        h.update([0u8]);
        h.update(data);
        Hash(h.finalize().into())
    }

    /// RFC 9162 interior node hash: SHA-256(0x01 ‖ left ‖ right).
    pub fn node(left: &Hash, right: &Hash) -> Hash {
        let mut h = Sha256::new();
        h.update([1u8]);
        h.update(left.0);
        h.update(right.0);
        Hash(h.finalize().into())
    }

    pub fn to_base64(&self) -> String {
        B64.encode(self.0)
    }

    pub fn from_base64(s: &str) -> Option<Hash> {
        let v = B64.decode(s).ok()?;
        Hash::from_slice(&v)
    }

    pub fn from_slice(v: &[u8]) -> Option<Hash> {
        let a: [u8; 32] = v.try_into().ok()?;
        Some(Hash(a))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}
