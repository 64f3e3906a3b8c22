//! C2SP tlog-cosignature, Ed25519 (`cosignature/v1`, signature type 0x04).
//!
//! A cosignature is a note signature line on a checkpoint, by a witness:
//! `— <cosigner name> base64(key ID ‖ timestamp ‖ Ed25519 signature)`, the
//! key ID being `SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4]` and the
//! timestamp a big-endian u64 of POSIX seconds. What is signed is
//!
//! ```text
//! cosignature/v1
//! time <timestamp>
//! <the checkpoint's note text, with its final newline>
//! ```
//!
//! The key is held to the same strict rule as every other key
//! ([`crate::ed25519`]), and so is the signature.

use crate::ed25519::{BadSignature, StrongKey};
use crate::note::{check_key_name, split_vkey, KeyId, NoteError, NoteSignature};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signer as _, SigningKey};
use std::fmt;
use thiserror::Error;

/// Signature type byte of Ed25519 cosignatures (`cosignature/v1`).
pub const ALG_COSIGNATURE_V1: u8 = 0x04;
/// The largest timestamp a cosignature may carry (2^63 − 1).
pub const MAX_TIMESTAMP: u64 = i64::MAX as u64;

#[derive(Debug, Error, PartialEq, Eq, Clone)]
pub enum CosignatureError {
    #[error("not a cosignature by {0}")]
    NotByKey(String),
    #[error("cosignature is {0} bytes, not 72 (timestamp and Ed25519 signature)")]
    WrongLength(usize),
    #[error("cosignature timestamp {0} is zero or above 2^63 - 1")]
    BadTimestamp(u64),
    #[error("cosignature by {key} does not verify: {why}")]
    Signature { key: String, why: BadSignature },
}

/// A witness's public key, as a cosigner: its name and a strong Ed25519 key.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CosignerKey {
    name: String,
    id: KeyId,
    key: StrongKey,
}

impl CosignerKey {
    /// A named cosigner key from its 32 public bytes; weak keys are refused.
    pub fn new(name: &str, public: &[u8; 32]) -> Result<CosignerKey, NoteError> {
        check_key_name(name)?;
        let key = StrongKey::parse(public).map_err(NoteError::WeakKey)?;
        Ok(CosignerKey { name: name.to_string(), id: KeyId::of(name, ALG_COSIGNATURE_V1, public), key })
    }

    /// Parses `name+hexid+base64(0x04 ‖ public key)`, checking the key ID.
    pub fn parse(vkey: &str) -> Result<CosignerKey, NoteError> {
        let bad = |why: &str| NoteError::BadVkey(format!("{why} in {:?}", vkey.chars().take(200).collect::<String>()));
        let (name, id, alg, public) = split_vkey(vkey)?;
        if alg != ALG_COSIGNATURE_V1 {
            return Err(bad("not an Ed25519 cosignature key (type 0x04)"));
        }
        let public: [u8; 32] = public.as_slice().try_into().map_err(|_| bad("Ed25519 key is not 32 bytes"))?;
        let k = CosignerKey::new(name, &public)?;
        if k.id.0 != id {
            return Err(bad("key ID does not match name and key"));
        }
        Ok(k)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn id(&self) -> KeyId {
        self.id
    }

    /// The 32 bytes of the Ed25519 public key.
    pub fn public(&self) -> &[u8; 32] {
        self.key.as_bytes()
    }

    pub fn to_vkey(&self) -> String {
        let mut raw = Vec::with_capacity(33);
        raw.push(ALG_COSIGNATURE_V1);
        raw.extend_from_slice(self.key.as_bytes());
        format!("{}+{}+{}", self.name, self.id, B64.encode(raw))
    }

    /// Is `sig` a line by this key (name and key ID)? Lines by other keys
    /// are to be ignored, not refused.
    pub fn names(&self, sig: &NoteSignature) -> bool {
        sig.name == self.name && sig.key_id == self.id
    }

    /// Checks this key's cosignature over `checkpoint_text` (the note text
    /// of the checkpoint, with its final newline); returns its timestamp.
    pub fn verify(&self, checkpoint_text: &str, sig: &NoteSignature) -> Result<u64, CosignatureError> {
        if !self.names(sig) {
            return Err(CosignatureError::NotByKey(self.to_vkey()));
        }
        let raw = &sig.signature;
        if raw.len() != 72 {
            return Err(CosignatureError::WrongLength(raw.len()));
        }
        let mut ts = [0u8; 8];
        ts.copy_from_slice(&raw[..8]);
        let timestamp = u64::from_be_bytes(ts);
        if timestamp == 0 || timestamp > MAX_TIMESTAMP {
            return Err(CosignatureError::BadTimestamp(timestamp));
        }
        self.key
            .verify(&message(checkpoint_text, timestamp), &raw[8..])
            .map_err(|why| CosignatureError::Signature { key: self.to_vkey(), why })?;
        Ok(timestamp)
    }
}

impl fmt::Debug for CosignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CosignerKey({})", self.to_vkey())
    }
}

impl fmt::Display for CosignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_vkey())
    }
}

/// The message a cosignature signs.
pub fn message(checkpoint_text: &str, timestamp: u64) -> Vec<u8> {
    let mut m = format!("cosignature/v1\ntime {timestamp}\n").into_bytes();
    m.extend_from_slice(checkpoint_text.as_bytes());
    m
}

/// A witness's signing key.
#[derive(Clone)]
pub struct Cosigner {
    key: CosignerKey,
    signing: SigningKey,
}

impl Cosigner {
    pub fn new(name: &str, signing: SigningKey) -> Result<Cosigner, NoteError> {
        let key = CosignerKey::new(name, signing.verifying_key().as_bytes())?;
        Ok(Cosigner { key, signing })
    }

    pub fn key(&self) -> &CosignerKey {
        &self.key
    }

    /// Cosigns `checkpoint_text` at `timestamp` (POSIX seconds, 1 … 2^63 − 1;
    /// a value outside is clamped into it).
    pub fn cosign(&self, checkpoint_text: &str, timestamp: u64) -> NoteSignature {
        let timestamp = timestamp.clamp(1, MAX_TIMESTAMP);
        let sig = self.signing.sign(&message(checkpoint_text, timestamp));
        let mut raw = Vec::with_capacity(72);
        raw.extend_from_slice(&timestamp.to_be_bytes());
        raw.extend_from_slice(&sig.to_bytes());
        NoteSignature { name: self.key.name.clone(), key_id: self.key.id, signature: raw }
    }
}

impl fmt::Debug for Cosigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cosigner({})", self.key.to_vkey())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cosigner() -> Cosigner {
        Cosigner::new("witness.example/w1", SigningKey::from_bytes(&[7; 32])).unwrap()
    }

    #[test]
    fn a_cosignature_verifies_and_carries_its_time() {
        let c = cosigner();
        let text = "example.com/log\n3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        let sig = c.cosign(text, 1_679_315_147);
        assert_eq!(c.key().verify(text, &sig), Ok(1_679_315_147));
        assert!(c.key().verify("example.com/log\n4\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", &sig).is_err());
        let mut bad = sig.clone();
        bad.signature[3] ^= 1; // the timestamp is signed too
        assert!(matches!(c.key().verify(text, &bad), Err(CosignatureError::Signature { .. })));
        let mut zero = sig;
        zero.signature[..8].copy_from_slice(&0u64.to_be_bytes());
        assert_eq!(c.key().verify(text, &zero), Err(CosignatureError::BadTimestamp(0)));
    }

    #[test]
    fn vkeys_round_trip_and_other_types_are_refused() {
        let c = cosigner();
        let v = c.key().to_vkey();
        assert_eq!(CosignerKey::parse(&v).unwrap(), *c.key());
        // The same key as a plain note key (0x01) is another key ID, and
        // not a cosigner key.
        let plain = crate::note::VerifierKey::new("witness.example/w1", c.key().public()).unwrap();
        assert_ne!(plain.id(), c.key().id());
        assert!(CosignerKey::parse(&plain.to_vkey()).is_err());
        assert!(crate::note::VerifierKey::parse(&v).is_err());
        // A small-order key is refused.
        let mut weak = [0u8; 32];
        weak[0] = 1;
        assert!(CosignerKey::new("w", &weak).is_err());
    }
}
