//! DNSSEC signing with Ed25519 (algorithm 15, RFC 8080).
//!
//! Two keys, as at the real root: a key-signing key (flags 257) that signs
//! only the DNSKEY RRset, and a zone-signing key (flags 256) for every
//! other authoritative RRset. Ed25519 signatures are deterministic (RFC
//! 8032), so an RRset signed with the same key, content and times always
//! gets the same signature: the [`Signer`] keeps the signatures of the last
//! build by the hash of what they signed, and signs again only what
//! changed (its content, or its times).
//!
//! Validity, after the IANA root's: a ZSK signature is valid from an hour
//! before the hour it was made in until thirteen days after that hour
//! (the root's 13 days and an hour); the DNSKEY RRset's from the start of
//! the day for 21 days. Times are seconds since 1970 from log entry times,
//! never a clock.

use crate::model::Ds;
use crate::name::Name;
use crate::wire::{encode_rrsig_head, Dnskey, Record, Rrsig};
use ed25519_dalek::{Signer as _, SigningKey};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// DNSSEC algorithm 15, Ed25519 (RFC 8080).
pub const ALGORITHM_ED25519: u8 = 15;
/// Seconds in an hour and a day.
const HOUR: u64 = 3_600;
const DAY: u64 = 86_400;
/// How long a ZSK signature is valid after the hour it was made in.
pub const ZSK_VALIDITY: u64 = 13 * DAY;
/// How long a KSK signature (the DNSKEY RRset's) is valid after its day.
pub const KSK_VALIDITY: u64 = 21 * DAY;
/// How old the oldest signature may grow before the whole zone is signed
/// again: a week, so that every served signature has at least six days
/// left (the root re-signs more often, twice a day; a week keeps the log
/// quiet while leaving validators and secondaries ample margin).
pub const RESIGN_AFTER: u64 = 7 * DAY;

/// A signature's inception and expiration, in RRSIG form (RFC 4034
/// §3.1.5: seconds since 1970, modulo 2^32).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignTimes {
    pub inception: u32,
    pub expiration: u32,
}

impl SignTimes {
    /// The validity of a ZSK signature made at `t` (seconds since 1970).
    pub fn zsk(t: u64) -> SignTimes {
        let hour = t - t % HOUR;
        SignTimes::of(hour.saturating_sub(HOUR), hour + ZSK_VALIDITY)
    }

    /// The validity of a KSK signature made at `t`.
    pub fn ksk(t: u64) -> SignTimes {
        let day = t - t % DAY;
        SignTimes::of(day, day + KSK_VALIDITY)
    }

    fn of(inception: u64, expiration: u64) -> SignTimes {
        // RRSIG times are serial numbers modulo 2^32 (RFC 4034 §3.1.5).
        SignTimes { inception: inception as u32, expiration: expiration as u32 }
    }
}

/// One Ed25519 key as a DNSKEY.
#[derive(Clone)]
pub struct KeyPair {
    key: SigningKey,
    dnskey: Dnskey,
    tag: u16,
}

impl KeyPair {
    /// A key-signing key (flags 257: zone key, secure entry point).
    pub fn ksk(key: SigningKey) -> KeyPair {
        KeyPair::with_flags(key, Dnskey::ZONE | Dnskey::SEP)
    }

    /// A zone-signing key (flags 256).
    pub fn zsk(key: SigningKey) -> KeyPair {
        KeyPair::with_flags(key, Dnskey::ZONE)
    }

    fn with_flags(key: SigningKey, flags: u16) -> KeyPair {
        let dnskey = Dnskey {
            flags,
            protocol: 3,
            algorithm: ALGORITHM_ED25519,
            public_key: key.verifying_key().to_bytes().to_vec(),
        };
        let tag = dnskey.key_tag();
        KeyPair { key, dnskey, tag }
    }

    pub fn dnskey(&self) -> &Dnskey {
        &self.dnskey
    }

    pub fn key_tag(&self) -> u16 {
        self.tag
    }
}

/// The DS of a DNSKEY at `owner` (RFC 4509, SHA-256): the root's trust anchor.
pub fn ds_sha256(owner: &Name, key: &Dnskey) -> Ds {
    let mut h = Sha256::new();
    h.update(owner.wire());
    let mut rdata = Vec::new();
    crate::wire::Rdata::Dnskey(key.clone()).encode(&mut rdata);
    h.update(&rdata);
    Ds { key_tag: key.key_tag(), algorithm: key.algorithm, digest_type: 2, digest: h.finalize().to_vec() }
}

/// The DS digest of a DNSKEY at `owner` with `digest_type` (RFC 4034
/// §5.1.4: SHA-1, type 1; RFC 4509: SHA-256, type 2; RFC 6605: SHA-384,
/// type 4), or `None` for another type: how a live check matches a
/// child's DNSKEY to the DS the registry holds.
pub fn ds_digest(owner: &Name, key: &Dnskey, digest_type: u8) -> Option<Vec<u8>> {
    let mut data = owner.wire().to_vec();
    crate::wire::Rdata::Dnskey(key.clone()).encode(&mut data);
    match digest_type {
        1 => Some(sha1::Sha1::digest(&data).to_vec()),
        2 => Some(Sha256::digest(&data).to_vec()),
        4 => Some(sha2::Sha384::digest(&data).to_vec()),
        _ => None,
    }
}

/// The root's trust anchor in presentation form (`. IN DS <tag> 15 2
/// <HEX>`): the SHA-256 DS of the key-signing key whose public key is
/// `ksk_b64` (base64, 32 octets, Ed25519). `None` if it is not base64.
/// One function for the API (`/api/v1/zone`) and the portal (`/registry`).
pub fn trust_anchor(ksk_b64: &str) -> Option<String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(ksk_b64).ok()?;
    let key = Dnskey { flags: 257, protocol: 3, algorithm: 15, public_key: bytes };
    let ds = ds_sha256(&Name::root(), &key);
    Some(format!(". IN DS {} {} {} {}", ds.key_tag, ds.algorithm, ds.digest_type, hex::encode_upper(&ds.digest)))
}

/// Which key signs an RRset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Ksk,
    Zsk,
}

/// The two keys and the signatures of the last build.
pub struct Signer {
    ksk: KeyPair,
    zsk: KeyPair,
    last: HashMap<[u8; 32], Vec<u8>>,
    this: HashMap<[u8; 32], Vec<u8>>,
    /// Signatures made (not taken from the last build) since [`Signer::new`].
    pub made: u64,
}

impl Signer {
    pub fn new(ksk: KeyPair, zsk: KeyPair) -> Signer {
        Signer { ksk, zsk, last: HashMap::new(), this: HashMap::new(), made: 0 }
    }

    pub fn ksk(&self) -> &KeyPair {
        &self.ksk
    }

    pub fn zsk(&self) -> &KeyPair {
        &self.zsk
    }

    /// Signs an RRset (records of one owner and type, in canonical order,
    /// one TTL) with the key of `role`, valid for `times`.
    pub fn sign(&mut self, rrset: &[&Record], role: Role, times: SignTimes) -> Rrsig {
        let first = rrset[0];
        let key = match role {
            Role::Ksk => &self.ksk,
            Role::Zsk => &self.zsk,
        };
        let mut rrsig = Rrsig {
            type_covered: first.rdata.rtype(),
            algorithm: ALGORITHM_ED25519,
            labels: first.owner.label_count() as u8,
            original_ttl: first.ttl,
            expiration: times.expiration,
            inception: times.inception,
            key_tag: key.tag,
            signer: Name::root(),
            signature: Vec::new(),
        };
        let data = signed_data(&rrsig, rrset);
        let digest: [u8; 32] = Sha256::digest(&data).into();
        let signature = match self.this.get(&digest).or_else(|| self.last.get(&digest)) {
            Some(s) => s.clone(),
            None => {
                self.made += 1;
                key.key.sign(&data).to_bytes().to_vec()
            }
        };
        self.this.insert(digest, signature.clone());
        rrsig.signature = signature;
        rrsig
    }

    /// Ends a build: what it signed is what the next build may reuse.
    pub fn finish_build(&mut self) {
        self.last = std::mem::take(&mut self.this);
    }
}

/// What an RRSIG signs (RFC 4034 §3.1.8.1): its RDATA without the
/// signature, then each record in canonical form with the original TTL.
pub fn signed_data(rrsig: &Rrsig, rrset: &[&Record]) -> Vec<u8> {
    let mut data = Vec::with_capacity(64 + rrset.len() * 64);
    encode_rrsig_head(rrsig, &mut data);
    for r in rrset {
        r.encode_canonical(rrsig.original_ttl, &mut data);
    }
    data
}

/// Verifies an RRSIG over an RRset with a DNSKEY (Ed25519 only): for the
/// auditor and the tests. Times are not judged here.
pub fn verify(rrsig: &Rrsig, rrset: &[&Record], key: &Dnskey) -> bool {
    if rrsig.algorithm != ALGORITHM_ED25519 || key.algorithm != ALGORITHM_ED25519 || rrsig.key_tag != key.key_tag() {
        return false;
    }
    let Ok(pk) = <[u8; 32]>::try_from(key.public_key.as_slice()) else { return false };
    let Ok(vk) = ed25519_dalek::VerifyingKey::from_bytes(&pk) else { return false };
    let Ok(sig) = ed25519_dalek::Signature::from_slice(&rrsig.signature) else { return false };
    vk.verify_strict(&signed_data(rrsig, rrset), &sig).is_ok()
}
