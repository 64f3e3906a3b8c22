//! The registry: what the root zone says, before it is built and signed.
//!
//! A [`Delegation`] is one TLD's NS set, the glue it holds (addresses of
//! host names under the TLD itself, whether its own name servers' or those
//! other TLDs use: `a.gtld-servers.net` is `net`'s glue that `com` uses)
//! and its DS set. The [`Apex`] is the root's own: its name servers (Accord's,
//! as in the Yeti DNS project, never IANA's) with their addresses, and the
//! SOA's names and timers. The [`Registry`] is the apex and every
//! delegation, in canonical order. TTLs are the zone's policy
//! ([`Ttls`]), the same for every TLD, as in the IANA root zone.
//!
//! Sets are `BTreeSet`/`BTreeMap`, so that two registries with the same
//! content are equal and encode the same.

use crate::name::{Name, Tld};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// Most name servers one delegation may list.
pub const MAX_NS: usize = 13;
/// Most addresses one glue host may have.
pub const MAX_ADDRESSES_PER_HOST: usize = 8;
/// Most glue hosts one delegation may hold: its own name servers and the
/// hosts under it that other TLDs use (`net` holds 198 in the 2022 root,
/// most of them others' name servers).
pub const MAX_GLUE_HOSTS: usize = 512;
/// Most DS records one delegation may have.
pub const MAX_DS: usize = 8;
/// Longest DS digest accepted in a body (SHA-384's 48 octets; longer is
/// no known digest type).
pub const MAX_DIGEST: usize = 64;

/// A DS record's content (RFC 4034 §5).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ds {
    pub key_tag: u16,
    pub algorithm: u8,
    pub digest_type: u8,
    /// The digest, lowercase hex in JSON.
    #[serde(with = "hex_bytes")]
    pub digest: Vec<u8>,
}

/// One TLD's delegation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delegation {
    pub ns: BTreeSet<Name>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub glue: BTreeMap<Name, BTreeSet<IpAddr>>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub ds: BTreeSet<Ds>,
}

/// The SOA's fixed parts (RFC 1035 §3.3.13); the serial is the zone's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoaFields {
    pub mname: Name,
    pub rname: Name,
    pub refresh: u32,
    pub retry: u32,
    pub expire: u32,
    pub minimum: u32,
}

/// The root's own: its name servers and their addresses, and the SOA.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Apex {
    pub ns: BTreeMap<Name, BTreeSet<IpAddr>>,
    pub soa: SoaFields,
}

impl Apex {
    /// Checks what the zone needs of an apex: one to thirteen name servers,
    /// each with one to eight addresses, each under a TLD (so that its
    /// addresses are glue below a delegation, as `a.root-servers.net` is in
    /// the IANA root).
    pub fn faults(&self) -> Vec<String> {
        let mut faults = Vec::new();
        if self.ns.is_empty() || self.ns.len() > MAX_NS {
            faults.push(format!("the apex needs 1 to {MAX_NS} name servers, not {}", self.ns.len()));
        }
        for (host, addrs) in &self.ns {
            if host.label_count() < 2 {
                faults.push(format!("apex name server {host} is not below a TLD"));
            }
            if addrs.is_empty() || addrs.len() > MAX_ADDRESSES_PER_HOST {
                faults.push(format!("apex name server {host} needs 1 to {MAX_ADDRESSES_PER_HOST} addresses"));
            }
        }
        faults
    }
}

/// The TTLs of the zone, as in the IANA root zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ttls {
    pub soa: u32,
    pub apex_ns: u32,
    pub dnskey: u32,
    pub ns: u32,
    pub glue: u32,
    pub ds: u32,
    pub nsec: u32,
    pub zonemd: u32,
}

impl Ttls {
    pub const ROOT: Ttls = Ttls {
        soa: 86_400,
        apex_ns: 518_400,
        dnskey: 172_800,
        ns: 172_800,
        glue: 172_800,
        ds: 86_400,
        nsec: 86_400,
        zonemd: 86_400,
    };
}

/// The apex and every delegation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registry {
    pub apex: Apex,
    pub delegations: BTreeMap<Tld, Delegation>,
}

impl Registry {
    /// The addresses of `host` that the zone holds: glue of the TLD the
    /// host lies under, or the apex's own.
    pub fn addresses_of(&self, host: &Name) -> Option<&BTreeSet<IpAddr>> {
        let tld = host.tld()?;
        self.delegations.get(&tld).and_then(|d| d.glue.get(host)).or_else(|| self.apex.ns.get(host))
    }

    /// Every delegation that lists `host` as a name server.
    pub fn users_of<'a>(&'a self, host: &'a Name) -> impl Iterator<Item = &'a Tld> + 'a {
        self.delegations.iter().filter(move |(_, d)| d.ns.contains(host)).map(|(t, _)| t)
    }
}

mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        if text.len() > 2 * super::MAX_DIGEST {
            return Err(serde::de::Error::custom("a DS digest is at most 64 octets"));
        }
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(serde::de::Error::custom("a DS digest is lowercase hex"));
        }
        hex::decode(&text).map_err(serde::de::Error::custom)
    }
}
