//! Reading a root zone file into delegations.
//!
//! The file is parsed by NLnet Labs' `domain` (RFC 1035 presentation
//! format). What is kept: each TLD's NS and DS records, and the address
//! records of hosts that some TLD names as a name server, filed as glue of
//! the TLD the host lies under. What is dropped, and counted: the apex
//! (its SOA, NS, DNSKEY and ZONEMD: Accord's apex is its own, as in the
//! Yeti DNS project), every RRSIG and NSEC (Accord signs again), and the
//! addresses of hosts no TLD uses (`a.root-servers.net` once `arpa` no
//! longer uses it). Anything else refuses the file: a root zone holds
//! nothing else, and a registry must not silently lose data.

use crate::model::{Delegation, Ds, MAX_ADDRESSES_PER_HOST, MAX_DIGEST, MAX_DS, MAX_GLUE_HOSTS, MAX_NS};
use crate::name::{Name, Tld};
use domain::base::name::ToName;
use domain::rdata::ZoneRecordData;
use domain::zonefile::inplace::{Entry, Zonefile};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// Most delegations a registry may hold: ten times today's root.
pub const MAX_DELEGATIONS: usize = 15_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the zone file does not parse: {0}")]
    Parse(String),
    #[error("{owner}: {what}")]
    Record { owner: String, what: String },
    #[error("the zone file has no SOA at the apex")]
    NoSoa,
    #[error("the zone file holds more than {MAX_DELEGATIONS} delegations")]
    TooMany,
}

/// What was read, and what was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// SHA-256 of the file's bytes.
    pub sha256: [u8; 32],
    /// The file's SOA serial.
    pub serial: u32,
    pub delegations: BTreeMap<Tld, Delegation>,
    /// Records of the apex, dropped.
    pub dropped_apex: usize,
    /// RRSIG and NSEC records, dropped.
    pub dropped_dnssec: usize,
    /// Address records of hosts that no TLD uses, dropped.
    pub dropped_unused_addresses: usize,
}

/// Reads a root zone file.
pub fn read_root_zone(bytes: &[u8]) -> Result<Imported, ImportError> {
    let sha256: [u8; 32] = Sha256::digest(bytes).into();
    let mut zonefile = Zonefile::new();
    zonefile.extend_from_slice(bytes);
    zonefile.set_origin(domain::base::Name::root_bytes());
    let mut serial = None;
    let mut delegations: BTreeMap<Tld, Delegation> = BTreeMap::new();
    let mut addresses: BTreeMap<Name, BTreeSet<IpAddr>> = BTreeMap::new();
    let (mut dropped_apex, mut dropped_dnssec) = (0, 0);
    loop {
        let entry = zonefile.next_entry().map_err(|e| ImportError::Parse(e.to_string()))?;
        let record = match entry {
            None => break,
            Some(Entry::Record(r)) => r,
            Some(Entry::Include { .. }) => return Err(ImportError::Parse("$INCLUDE is not followed".into())),
        };
        let owner_text = record.owner().to_name::<Vec<u8>>().to_string();
        let bad = |what: String| ImportError::Record { owner: owner_text.clone(), what };
        let owner = Name::from_wire(record.owner().to_name::<Vec<u8>>().as_slice()).map_err(|e| bad(e.to_string()))?;
        if record.class() != domain::base::iana::Class::IN {
            return Err(bad(format!("class {} is not IN", record.class())));
        }
        let data = record.data();
        if owner.is_root() {
            if let ZoneRecordData::Soa(soa) = data {
                serial = Some(soa.serial().into_int());
            }
            dropped_apex += 1;
            continue;
        }
        match data {
            ZoneRecordData::Rrsig(_) | ZoneRecordData::Nsec(_) => {
                dropped_dnssec += 1;
                continue;
            }
            _ => {}
        }
        let at_cut = owner.label_count() == 1;
        let tld = owner.tld().ok_or_else(|| bad("no TLD".into()))?;
        match (at_cut, data) {
            (true, ZoneRecordData::Ns(ns)) => {
                let host =
                    Name::from_wire(ns.nsdname().to_name::<Vec<u8>>().as_slice()).map_err(|e| bad(e.to_string()))?;
                delegations.entry(tld).or_default().ns.insert(host);
            }
            (true, ZoneRecordData::Ds(ds)) => {
                let digest = ds.digest().to_vec();
                if digest.len() > MAX_DIGEST {
                    return Err(bad("a DS digest longer than 64 octets".into()));
                }
                let ds = Ds {
                    key_tag: ds.key_tag(),
                    algorithm: ds.algorithm().to_int(),
                    digest_type: ds.digest_type().to_int(),
                    digest,
                };
                delegations.entry(tld).or_default().ds.insert(ds);
            }
            (false, ZoneRecordData::A(a)) => {
                addresses.entry(owner).or_default().insert(IpAddr::V4(a.addr()));
            }
            (false, ZoneRecordData::Aaaa(a)) => {
                addresses.entry(owner).or_default().insert(IpAddr::V6(a.addr()));
            }
            (_, _) => return Err(bad(format!("a {} record has no place in a root zone's registry", record.rtype()))),
        }
        if delegations.len() > MAX_DELEGATIONS {
            return Err(ImportError::TooMany);
        }
    }
    let serial = serial.ok_or(ImportError::NoSoa)?;
    if let Some((tld, _)) = delegations.iter().find(|(_, d)| d.ns.is_empty()) {
        return Err(ImportError::Record { owner: tld.to_string(), what: "DS without NS".into() });
    }
    let used: BTreeSet<Name> = delegations.values().flat_map(|d| d.ns.iter().cloned()).collect();
    let mut dropped_unused_addresses = 0;
    for (host, addrs) in addresses {
        let home = host.tld().filter(|t| delegations.contains_key(t));
        match home {
            Some(tld) if used.contains(&host) => {
                if let Some(d) = delegations.get_mut(&tld) {
                    d.glue.insert(host, addrs);
                }
            }
            _ => dropped_unused_addresses += addrs.len(),
        }
    }
    for (tld, d) in &delegations {
        let over = d.ns.len() > MAX_NS
            || d.ds.len() > MAX_DS
            || d.glue.len() > MAX_GLUE_HOSTS
            || d.glue.values().any(|a| a.len() > MAX_ADDRESSES_PER_HOST);
        if over {
            return Err(ImportError::Record {
                owner: tld.to_string(),
                what: "more records than a delegation may hold".into(),
            });
        }
    }
    Ok(Imported { sha256, serial, delegations, dropped_apex, dropped_dnssec, dropped_unused_addresses })
}
