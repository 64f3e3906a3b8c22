//! Ed25519 under one rule for all of Accord: RFC 8032 with the strict
//! checks, so that a signature Accord accepts is accepted by every
//! independent verifier (Go's `crypto/ed25519`, OpenSSL, libsodium,
//! WebCrypto, `ed25519-dalek`'s `verify_strict`, cofactored or not).
//!
//! **Keys** ([`StrongKey`]) are checked once, where they enter: the
//! encoding is canonical (y < p, no "negative zero"), the point is not of
//! small order, and it lies in the prime-order subgroup (no torsion
//! component). The last check is stricter than `verify_strict`, which only
//! refuses small-order keys: with a torsion component, cofactored and
//! cofactorless verifiers disagree on some signatures, and Accord's promise
//! is that every verifier agrees.
//!
//! **Signatures** ([`verify`]) are accepted only when:
//! 1. `s` is canonical (`s < L`);
//! 2. `R` is a canonical encoding and not a point of small order;
//! 3. the cofactorless equation `[s]B = R + [k]A` holds, with `R` compared
//!    as bytes (computed by AWS-LC, the fastest verifier measured here).
//!
//! Given a key that passed [`StrongKey::parse`], (3) also forces `R` into
//! the prime-order subgroup, so (1)–(3) accept exactly what
//! `verify_strict` accepts, and what a cofactored verifier accepts too.
//! The checks (1) and (2) are byte comparisons; no point is decompressed
//! per signature.
//!
//! Batch verification is never used to decide: it is cofactorless with
//! coefficients drawn per batch, so a signature whose `R` carries a
//! small-order component passes or fails depending on its batch.

use curve25519_dalek::edwards::CompressedEdwardsY;
use std::fmt;

/// Why a key is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeakKey {
    /// Not a point on the curve.
    NotAPoint,
    /// A non-canonical encoding of a point (y ≥ p, or x = 0 with the sign bit set).
    NonCanonical,
    /// A point of order 1, 2, 4 or 8: anyone can forge for it.
    SmallOrder,
    /// A point with a torsion component: verifiers would disagree.
    Torsion,
}

impl fmt::Display for WeakKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WeakKey::NotAPoint => "not a point on Ed25519",
            WeakKey::NonCanonical => "a non-canonical encoding of the point",
            WeakKey::SmallOrder => "a point of small order (a weak key anyone can sign for)",
            WeakKey::Torsion => "a point outside the prime-order subgroup",
        })
    }
}

/// Why a signature is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadSignature {
    /// Not 64 bytes.
    Length,
    /// `s` ≥ L: a malleated signature.
    NonCanonicalS,
    /// `R` is not the canonical encoding of a point.
    NonCanonicalR,
    /// `R` is a point of small order.
    SmallOrderR,
    /// The equation does not hold.
    Equation,
}

impl fmt::Display for BadSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BadSignature::Length => "a signature is 64 bytes",
            BadSignature::NonCanonicalS => "s is not reduced below the group order",
            BadSignature::NonCanonicalR => "R is not a canonical point encoding",
            BadSignature::SmallOrderR => "R is a point of small order",
            BadSignature::Equation => "the signature does not verify",
        })
    }
}

/// An Ed25519 public key that passed every check above: the only kind of
/// key Accord verifies with.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct StrongKey([u8; 32]);

impl StrongKey {
    /// Checks `bytes` as a public key.
    pub fn parse(bytes: &[u8; 32]) -> Result<StrongKey, WeakKey> {
        if !canonical_y(bytes) || negative_zero(bytes) {
            return Err(WeakKey::NonCanonical);
        }
        let point = CompressedEdwardsY(*bytes).decompress().ok_or(WeakKey::NotAPoint)?;
        if point.compress().to_bytes() != *bytes {
            return Err(WeakKey::NonCanonical);
        }
        if point.is_small_order() {
            return Err(WeakKey::SmallOrder);
        }
        if !point.is_torsion_free() {
            return Err(WeakKey::Torsion);
        }
        Ok(StrongKey(*bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Does `sig` sign `msg` under this key, by the strict rule?
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), BadSignature> {
        verify(self, msg, sig)
    }
}

impl fmt::Debug for StrongKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StrongKey({})", hex::encode(self.0))
    }
}

/// The group order L, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// The canonical encodings of the eight points of small order (identity,
/// order 2, 4 and 8). Non-canonical encodings of them are refused by
/// [`canonical_y`] and [`negative_zero`] before this list is consulted;
/// a unit test derives the list from `curve25519-dalek`'s torsion points.
const SMALL_ORDER: [[u8; 32]; 8] = [
    // identity (0, 1)
    [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    // order 2: (0, -1)
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
    ],
    // order 4: (±sqrt(-1), 0)
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80],
    // order 8
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf,
        0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
    ],
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf,
        0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x85,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20,
        0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20,
        0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0xfa,
    ],
];

/// Is the 255-bit y of this encoding below p = 2^255 − 19?
fn canonical_y(enc: &[u8; 32]) -> bool {
    // y ≥ p exactly when bytes 1..31 are all 0xff, the top byte (without
    // the sign bit) is 0x7f, and the low byte is at least 0xed.
    let top = enc[31] & 0x7f;
    !(top == 0x7f && enc[1..31].iter().all(|b| *b == 0xff) && enc[0] >= 0xed)
}

/// x = 0 exactly when y = ±1; then the sign bit must be clear.
fn negative_zero(enc: &[u8; 32]) -> bool {
    if enc[31] & 0x80 == 0 {
        return false;
    }
    let mut y = *enc;
    y[31] &= 0x7f;
    y == SMALL_ORDER[0] || y == SMALL_ORDER[1]
}

/// Is `s` (little-endian) below L?
fn canonical_s(s: &[u8]) -> bool {
    for i in (0..32).rev() {
        match s[i].cmp(&L[i]) {
            std::cmp::Ordering::Less => return true,
            std::cmp::Ordering::Greater => return false,
            std::cmp::Ordering::Equal => {}
        }
    }
    false // s == L
}

/// Verifies `sig` over `msg` with `key`, by the strict rule (see the
/// module header).
pub fn verify(key: &StrongKey, msg: &[u8], sig: &[u8]) -> Result<(), BadSignature> {
    let sig: &[u8; 64] = sig.try_into().map_err(|_| BadSignature::Length)?;
    if !canonical_s(&sig[32..]) {
        return Err(BadSignature::NonCanonicalS);
    }
    let r: &[u8; 32] = sig[..32].try_into().map_err(|_| BadSignature::Length)?;
    if !canonical_y(r) || negative_zero(r) {
        return Err(BadSignature::NonCanonicalR);
    }
    if SMALL_ORDER.contains(r) {
        return Err(BadSignature::SmallOrderR);
    }
    aws_lc_rs::signature::UnparsedPublicKey::new(&aws_lc_rs::signature::ED25519, &key.0)
        .verify(msg, sig)
        .map_err(|_| BadSignature::Equation)
}

#[cfg(test)]
mod tests {
    use super::*;
    use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
    use curve25519_dalek::scalar::Scalar;
    use ed25519_dalek::{Signer as _, SigningKey};
    use sha2::{Digest, Sha512};

    #[test]
    fn the_small_order_list_is_the_eight_torsion_points() {
        let mut derived: Vec<[u8; 32]> = EIGHT_TORSION.iter().map(|p| p.compress().to_bytes()).collect();
        let mut listed = SMALL_ORDER.to_vec();
        derived.sort();
        listed.sort();
        assert_eq!(derived, listed);
    }

    #[test]
    fn group_order_constant_is_l() {
        // L − 1 is canonical, L is not.
        let mut lm1 = L;
        lm1[0] -= 1;
        assert!(canonical_s(&lm1));
        assert!(!canonical_s(&L));
        assert_eq!(Scalar::from_canonical_bytes(lm1).is_some().unwrap_u8(), 1);
    }

    fn honest() -> (SigningKey, StrongKey) {
        let sk = SigningKey::from_bytes(&[9; 32]);
        let k = StrongKey::parse(sk.verifying_key().as_bytes()).unwrap();
        (sk, k)
    }

    #[test]
    fn honest_signatures_verify_and_tampering_fails() {
        let (sk, k) = honest();
        let sig = sk.sign(b"hello").to_bytes();
        assert_eq!(k.verify(b"hello", &sig), Ok(()));
        assert_eq!(k.verify(b"hellp", &sig), Err(BadSignature::Equation));
        assert_eq!(k.verify(b"hello", &sig[..63]), Err(BadSignature::Length));
    }

    /// s + L: the same equation holds for a non-strict verifier that reduces s.
    #[test]
    fn s_plus_l_is_refused() {
        let (sk, k) = honest();
        let sig = sk.sign(b"m").to_bytes();
        let s = Scalar::from_canonical_bytes(sig[32..].try_into().unwrap()).unwrap();
        // s + L as a 256-bit little-endian number (no reduction).
        let mut bytes = s.to_bytes();
        let mut carry = 0u16;
        for i in 0..32 {
            let v = bytes[i] as u16 + L[i] as u16 + carry;
            bytes[i] = v as u8;
            carry = v >> 8;
        }
        assert_eq!(carry, 0);
        let mut forged = sig;
        forged[32..].copy_from_slice(&bytes);
        assert_eq!(k.verify(b"m", &forged), Err(BadSignature::NonCanonicalS));
    }

    /// A signature whose R carries a torsion component T: R' = rB + T,
    /// s = r + H(R'‖A‖M)·a. Cofactored verifiers and dalek's batch accept
    /// it for some batches; the strict rule never does.
    pub(crate) fn mixed_order_signature(seed: [u8; 32], msg: &[u8], torsion: usize) -> ([u8; 32], [u8; 64]) {
        let sk = SigningKey::from_bytes(&seed);
        let h = Sha512::digest(seed);
        let mut a_bytes = [0u8; 32];
        a_bytes.copy_from_slice(&h[..32]);
        a_bytes[0] &= 248;
        a_bytes[31] &= 127;
        a_bytes[31] |= 64;
        let a = Scalar::from_bytes_mod_order(a_bytes);
        let public = sk.verifying_key().to_bytes();
        let r = Scalar::from_bytes_mod_order([3; 32]);
        let big_r = (ED25519_BASEPOINT_POINT * r + EIGHT_TORSION[torsion]).compress().to_bytes();
        let k = Scalar::from_bytes_mod_order_wide(
            &Sha512::new().chain_update(big_r).chain_update(public).chain_update(msg).finalize().into(),
        );
        let s = r + k * a;
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(&big_r);
        sig[32..].copy_from_slice(&s.to_bytes());
        (public, sig)
    }

    #[test]
    fn r_with_a_small_order_component_is_refused() {
        // Torsion points 4 (order 2), 2 and 6 (order 4), 1, 3, 5, 7 (order 8).
        for t in 1..8 {
            let (public, sig) = mixed_order_signature([5; 32], b"forge me", t);
            let k = StrongKey::parse(&public).unwrap();
            assert_eq!(k.verify(b"forge me", &sig), Err(BadSignature::Equation), "torsion {t}");
            let dalek = ed25519_dalek::VerifyingKey::from_bytes(&public).unwrap();
            assert!(dalek.verify_strict(b"forge me", &ed25519_dalek::Signature::from_bytes(&sig)).is_err());
        }
        // With no torsion it is an honest signature.
        let (public, sig) = mixed_order_signature([5; 32], b"forge me", 0);
        assert_eq!(StrongKey::parse(&public).unwrap().verify(b"forge me", &sig), Ok(()));
    }

    #[test]
    fn small_order_and_non_canonical_r_are_refused() {
        let (_, k) = honest();
        for r in SMALL_ORDER {
            let mut sig = [0u8; 64];
            sig[..32].copy_from_slice(&r);
            assert_eq!(k.verify(b"m", &sig), Err(BadSignature::SmallOrderR));
        }
        // y = p (non-canonical 0) and y = p + 1 (non-canonical 1).
        let mut p = SMALL_ORDER[1];
        p[0] = 0xed;
        let mut p1 = p;
        p1[0] = 0xee;
        let mut neg_one = SMALL_ORDER[0];
        neg_one[31] |= 0x80;
        for r in [p, p1, neg_one] {
            let mut sig = [0u8; 64];
            sig[..32].copy_from_slice(&r);
            assert_eq!(k.verify(b"m", &sig), Err(BadSignature::NonCanonicalR));
        }
    }

    #[test]
    fn weak_keys_are_refused() {
        for t in EIGHT_TORSION {
            assert_eq!(StrongKey::parse(&t.compress().to_bytes()), Err(WeakKey::SmallOrder));
        }
        let (_, honest) = honest();
        let a = CompressedEdwardsY(*honest.as_bytes()).decompress().unwrap();
        for (t, torsion) in EIGHT_TORSION.iter().enumerate().skip(1) {
            let mixed = (a + torsion).compress().to_bytes();
            assert_eq!(StrongKey::parse(&mixed), Err(WeakKey::Torsion), "torsion {t}");
        }
        let mut p = SMALL_ORDER[1];
        p[0] = 0xed; // y = p ≡ 0
        assert_eq!(StrongKey::parse(&p), Err(WeakKey::NonCanonical));
        let mut neg_zero = SMALL_ORDER[0];
        neg_zero[31] |= 0x80;
        assert_eq!(StrongKey::parse(&neg_zero), Err(WeakKey::NonCanonical));
        // y = 2 is not on the curve.
        let mut two = [0u8; 32];
        two[0] = 2;
        assert_eq!(StrongKey::parse(&two), Err(WeakKey::NotAPoint));
    }

    /// The identity key forges anything with R = identity, s = 0 under a
    /// lax verifier; it never becomes a key here.
    #[test]
    fn identity_key_forgery_cannot_happen() {
        assert_eq!(StrongKey::parse(&SMALL_ORDER[0]), Err(WeakKey::SmallOrder));
    }

    /// Differential: over random keys, messages and mutations, the strict
    /// rule agrees with `ed25519-dalek`'s `verify_strict`.
    #[test]
    fn agrees_with_verify_strict() {
        for i in 0..200u32 {
            let sk = SigningKey::from_bytes(&Sha512::digest(i.to_le_bytes())[..32].try_into().unwrap());
            let k = StrongKey::parse(sk.verifying_key().as_bytes()).unwrap();
            let msg = format!("message {i}");
            let mut sig = sk.sign(msg.as_bytes()).to_bytes();
            if i % 3 == 1 {
                sig[(i as usize * 7) % 64] ^= 1 << (i % 8);
            }
            let ours = k.verify(msg.as_bytes(), &sig).is_ok();
            let theirs =
                sk.verifying_key().verify_strict(msg.as_bytes(), &ed25519_dalek::Signature::from_bytes(&sig)).is_ok();
            assert_eq!(ours, theirs, "case {i}");
        }
    }
}
