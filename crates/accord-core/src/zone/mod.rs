//! The root zone registry, as a domain of the fold.
//!
//! The registry (`accord_zone::Registry`: the apex and every delegation)
//! comes from the secretariat's `zone.import` of a real root zone file, in
//! parts; after that a delegation changes only when the members adopt a
//! proposal whose action is `zone.change` (an important question by
//! default). The technical checks (`accord_zone::checks`) run when such a
//! proposal is tabled, and again when it is adopted (another change may
//! have been adopted in between); a failed check refuses it, naming every
//! fault.
//!
//! Who may table a change of a TLD ([`ZoneState::who_may_table`]):
//! - a country-code TLD whose country is a member: that member only;
//! - a TLD whose recorded sponsor is a member: that member only;
//! - any other TLD (generic TLDs, ccTLDs of states that are not members):
//!   any member.
//!
//! A change that names a member as sponsor must be tabled by that member.
//!
//! Each adopted change, and each weekly re-signing (a deadline of the one
//! scheduler, judged on entry times), forms a new *version* of the zone: a
//! new SOA serial (`YYYYMMDDnn` of the entry time, always increasing) and a
//! signing plan (`accord_zone::ZonePlan`): which RRsets are signed at which
//! entry time. The node, which holds the private keys, builds and signs
//! the zone from the registry and the plan — the same log gives the same
//! signed zone — and records what it published with `zone.publish`.
//!
//! What it is not: no DNS, no signing and no keys but the public ones.

pub(crate) mod engine;
mod snapshot;

use crate::ids::{LogIndex, MemberId};
use crate::time::Timestamp;
use accord_zone::{Apex, Delegation, Registry, Tld, ZonePlan};
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most parts one import may have.
pub const MAX_IMPORT_PARTS: u32 = 512;
/// Longest organisation name of a sponsor, in characters.
pub const MAX_SPONSOR_CHARS: usize = 200;

/// Who sponsors a TLD: a member state, or an organisation outside the body
/// (a registry operator).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Sponsor {
    Member(MemberId),
    Organisation(String),
}

impl Sponsor {
    pub fn member(&self) -> Option<&MemberId> {
        match self {
            Sponsor::Member(m) => Some(m),
            Sponsor::Organisation(_) => None,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        match self {
            Sponsor::Member(m) if m.is_secretariat() => Err("sponsor: the secretariat sponsors no TLD".into()),
            Sponsor::Member(_) => Ok(()),
            Sponsor::Organisation(o) => {
                let n = o.chars().count();
                if n == 0 || n > MAX_SPONSOR_CHARS || o.trim() != o || o.chars().any(char::is_control) {
                    return Err(format!("sponsor.organisation must be 1–{MAX_SPONSOR_CHARS} characters, trimmed"));
                }
                Ok(())
            }
        }
    }
}

/// A delegation and its sponsor, as the registry holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sponsored {
    pub sponsor: Sponsor,
    pub delegation: Delegation,
}

impl Sponsored {
    pub(crate) fn validate(&self) -> Result<(), String> {
        self.sponsor.validate()
    }
}

/// The zone's public keys: Ed25519, as DNSKEYs of algorithm 15.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneKeys {
    /// The key-signing key's public key, base64 (32 octets).
    pub ksk: String,
    /// The zone-signing key's public key, base64 (32 octets).
    pub zsk: String,
}

impl ZoneKeys {
    pub(crate) fn validate(&self) -> Result<(), String> {
        let ksk = self.ksk_bytes().ok_or("keys.ksk must be 32 octets in base64")?;
        let zsk = self.zsk_bytes().ok_or("keys.zsk must be 32 octets in base64")?;
        if ksk == zsk {
            return Err("keys: the KSK and the ZSK must differ".into());
        }
        for k in [ksk, zsk] {
            // The same rule as for members' keys: no weak (small-order or
            // non-canonical) point.
            if accord_log::ed25519::StrongKey::parse(&k).is_err() {
                return Err("keys: a weak or malformed Ed25519 public key".into());
            }
        }
        Ok(())
    }

    fn bytes(s: &str) -> Option<[u8; 32]> {
        let v = base64::engine::general_purpose::STANDARD.decode(s).ok()?;
        if base64::engine::general_purpose::STANDARD.encode(&v) != s {
            return None;
        }
        v.try_into().ok()
    }

    pub fn ksk_bytes(&self) -> Option<[u8; 32]> {
        ZoneKeys::bytes(&self.ksk)
    }

    pub fn zsk_bytes(&self) -> Option<[u8; 32]> {
        ZoneKeys::bytes(&self.zsk)
    }
}

/// Why a version of the zone was formed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cause", rename_all = "kebab-case", deny_unknown_fields)]
pub enum VersionCause {
    /// The import's last part.
    Import,
    /// An adopted `zone.change`.
    Change { proposal: String, tld: Tld },
    /// The weekly re-signing of every RRset.
    Resign,
}

/// One version of the zone: its serial, the entry that formed it, and the
/// signing plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneVersion {
    pub serial: u32,
    pub index: LogIndex,
    pub time: Timestamp,
    pub cause: VersionCause,
    pub plan: ZonePlan,
}

/// What the secretariat recorded as published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    pub serial: u32,
    pub sha256: String,
    pub index: LogIndex,
}

/// An import under way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportProgress {
    pub file_sha256: String,
    pub source_serial: u32,
    pub parts: u32,
    /// Parts in so far.
    pub done: u32,
    pub apex: Apex,
    pub keys: ZoneKeys,
    pub delegations: BTreeMap<Tld, Sponsored>,
}

/// The domain's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ZoneState {
    pub(crate) import: Option<ImportProgress>,
    /// The registry, once imported.
    pub(crate) registry: Option<Registry>,
    pub(crate) sponsors: BTreeMap<Tld, Sponsor>,
    pub(crate) keys: Option<ZoneKeys>,
    pub(crate) version: Option<ZoneVersion>,
    pub(crate) published: Option<Published>,
    /// The imported file's SHA-256 and serial.
    pub(crate) source: Option<(String, u32)>,
}

impl ZoneState {
    pub fn registry(&self) -> Option<&Registry> {
        self.registry.as_ref()
    }

    pub fn sponsor(&self, tld: &Tld) -> Option<&Sponsor> {
        self.sponsors.get(tld)
    }

    pub fn keys(&self) -> Option<&ZoneKeys> {
        self.keys.as_ref()
    }

    pub fn version(&self) -> Option<&ZoneVersion> {
        self.version.as_ref()
    }

    pub fn published(&self) -> Option<&Published> {
        self.published.as_ref()
    }

    pub fn import_progress(&self) -> Option<&ImportProgress> {
        self.import.as_ref()
    }

    /// Who may table a change of `tld` (the module's rule): `None` when
    /// any member may.
    pub fn who_may_table(&self, tld: &Tld, members: impl Fn(&MemberId) -> bool) -> Option<MemberId> {
        if let Some(m) = country_member(tld).filter(|m| members(m)) {
            return Some(m);
        }
        self.sponsors.get(tld).and_then(Sponsor::member).cloned()
    }
}

/// The member id (ISO 3166-1 alpha-3) of a country-code TLD's country, by
/// the ISO 3166-1 alpha-2 code the TLD is; `uk` is GBR's too (IANA's one
/// exception still in use).
pub fn country_member(tld: &Tld) -> Option<MemberId> {
    if !tld.is_country_code() {
        return None;
    }
    let alpha2 = if tld.label() == "uk" { "GB".to_string() } else { tld.label().to_ascii_uppercase() };
    let country = celes::Country::from_alpha2(&alpha2).ok()?;
    MemberId::parse(country.alpha3)
}

/// The next serial: `YYYYMMDD00` of `time` (UTC) if that is above
/// `current`, else `current + 1` (RFC 1982 arithmetic: a root zone makes
/// far fewer than 2^31 versions).
pub fn next_serial(current: u32, time: Timestamp) -> u32 {
    let dated = crate::time::utc_date_number(time).map(|d| d.saturating_mul(100)).unwrap_or(0);
    if dated > current {
        dated
    } else {
        current.wrapping_add(1)
    }
}
