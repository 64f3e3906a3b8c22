//! Checking a served zone against the registry, by someone who holds no
//! key: the auditor.
//!
//! [`served_zone_faults`] reads a zone file (NLnet Labs' `domain` parses
//! it) and says what is wrong with it, if anything, as one message per
//! fault:
//! - every record other than DNSKEY, RRSIG and ZONEMD is exactly what the
//!   registry and the plan make (the delegations, glue, apex, SOA serial
//!   and NSEC chain), nothing more, nothing less;
//! - the DNSKEY RRset is the two keys the log published;
//! - every RRset that must be signed has exactly one RRSIG, with the
//!   inception and expiration the plan gives, that verifies (RFC 8032,
//!   strict) under the published key of its role;
//! - the ZONEMD (RFC 8976, SIMPLE, SHA-384) is the digest of the zone.

use crate::model::Registry;
use crate::name::Name;
use crate::sign::{self, KeyPair, Signer};
use crate::wire::{Dnskey, Rdata, Record, Rrsig, Rtype, Soa, Zonemd};
use crate::zone::{SignedZone, ZonePlan};
use domain::base::name::ToName;
use domain::rdata::ZoneRecordData;
use domain::zonefile::inplace::{Entry, Zonefile};
use std::collections::{BTreeMap, BTreeSet};

/// Most faults listed (the rest are counted).
pub const MAX_FAULTS: usize = 20;

fn name_of(n: &impl ToName) -> Result<Name, String> {
    Name::from_wire(n.to_name::<Vec<u8>>().as_slice()).map_err(|e| e.to_string())
}

/// Every record of a zone file, in our types (the nine a root zone holds).
pub fn read_records(bytes: &[u8]) -> Result<Vec<Record>, String> {
    let mut zf = Zonefile::new();
    zf.extend_from_slice(bytes);
    zf.set_origin(domain::base::Name::root_bytes());
    let mut out = Vec::new();
    loop {
        let record = match zf.next_entry().map_err(|e| format!("the zone does not parse: {e}"))? {
            None => break,
            Some(Entry::Record(r)) => r,
            Some(Entry::Include { .. }) => return Err("$INCLUDE in a served zone".into()),
        };
        let owner = name_of(record.owner())?;
        let ttl = record.ttl().as_secs();
        let rdata = match record.data() {
            ZoneRecordData::A(a) => Rdata::A(a.addr()),
            ZoneRecordData::Aaaa(a) => Rdata::Aaaa(a.addr()),
            ZoneRecordData::Ns(n) => Rdata::Ns(name_of(n.nsdname())?),
            ZoneRecordData::Soa(s) => Rdata::Soa(Soa {
                mname: name_of(s.mname())?,
                rname: name_of(s.rname())?,
                serial: s.serial().into_int(),
                refresh: s.refresh().as_secs(),
                retry: s.retry().as_secs(),
                expire: s.expire().as_secs(),
                minimum: s.minimum().as_secs(),
            }),
            ZoneRecordData::Ds(d) => Rdata::Ds(crate::model::Ds {
                key_tag: d.key_tag(),
                algorithm: d.algorithm().to_int(),
                digest_type: d.digest_type().to_int(),
                digest: d.digest().to_vec(),
            }),
            ZoneRecordData::Dnskey(k) => Rdata::Dnskey(Dnskey {
                flags: k.flags(),
                protocol: k.protocol(),
                algorithm: k.algorithm().to_int(),
                public_key: k.public_key().to_vec(),
            }),
            ZoneRecordData::Rrsig(r) => Rdata::Rrsig(Rrsig {
                type_covered: Rtype(r.type_covered().to_int()),
                algorithm: r.algorithm().to_int(),
                labels: r.labels(),
                original_ttl: r.original_ttl().as_secs(),
                expiration: r.expiration().into_int(),
                inception: r.inception().into_int(),
                key_tag: r.key_tag(),
                signer: name_of(r.signer_name())?,
                signature: r.signature().to_vec(),
            }),
            ZoneRecordData::Nsec(n) => Rdata::Nsec {
                next: name_of(n.next_name())?,
                types: n.types().iter().map(|t| Rtype(t.to_int())).collect(),
            },
            ZoneRecordData::Zonemd(z) => Rdata::Zonemd(Zonemd {
                serial: z.serial().into_int(),
                scheme: z.scheme().to_int(),
                hash_algorithm: z.algorithm().to_int(),
                digest: z.digest().to_vec(),
            }),
            _ => return Err(format!("{owner}: a {} record has no place in the root zone", record.rtype())),
        };
        out.push(Record { owner, ttl, rdata });
    }
    Ok(out)
}

/// What is wrong with `text` as the zone of `registry` under `plan`,
/// signed with the keys `ksk` and `zsk` (Ed25519 public keys); empty when
/// nothing is.
pub fn served_zone_faults(
    text: &str,
    registry: &Registry,
    plan: &ZonePlan,
    ksk: &[u8; 32],
    zsk: &[u8; 32],
) -> Vec<String> {
    let mut faults = Vec::new();
    let served = match read_records(text.as_bytes()) {
        Ok(r) => r,
        Err(e) => return vec![e],
    };
    // What the zone must hold, built with throwaway keys: everything but
    // the keys, the signatures and the digest is independent of them.
    let throwaway = |b: u8| ed25519_dalek::SigningKey::from_bytes(&[b; 32]);
    let mut signer = Signer::new(KeyPair::ksk(throwaway(1)), KeyPair::zsk(throwaway(2)));
    let expected = match SignedZone::build(registry, plan, &mut signer) {
        Ok(z) => z,
        Err(e) => return vec![format!("the registry makes no zone: {e}")],
    };
    let keyless = |r: &&Record| !matches!(r.rdata, Rdata::Dnskey(_) | Rdata::Rrsig(_) | Rdata::Zonemd(_));
    let key = |r: &Record| (r.owner.clone(), r.rdata.rtype(), r.ttl, r.rdata.to_wire());
    let want: BTreeSet<_> = expected.records().filter(keyless).map(key).collect();
    let got: BTreeSet<_> = served.iter().filter(keyless).map(key).collect();
    for (o, t, _, _) in want.difference(&got).take(MAX_FAULTS) {
        faults.push(format!("missing or different: {o} {}", t.mnemonic()));
    }
    for (o, t, _, _) in got.difference(&want).take(MAX_FAULTS) {
        faults.push(format!("not in the registry: {o} {}", t.mnemonic()));
    }

    // The keys the log published, and nothing else.
    let dnskey = |pk: &[u8; 32], flags: u16| Dnskey {
        flags,
        protocol: 3,
        algorithm: sign::ALGORITHM_ED25519,
        public_key: pk.to_vec(),
    };
    let (ksk_key, zsk_key) = (dnskey(ksk, Dnskey::ZONE | Dnskey::SEP), dnskey(zsk, Dnskey::ZONE));
    let served_keys: BTreeSet<Vec<u8>> = served
        .iter()
        .filter(|r| r.owner.is_root() && matches!(r.rdata, Rdata::Dnskey(_)))
        .map(|r| r.rdata.to_wire())
        .collect();
    let logged: BTreeSet<Vec<u8>> =
        [Rdata::Dnskey(ksk_key.clone()), Rdata::Dnskey(zsk_key.clone())].iter().map(Rdata::to_wire).collect();
    if served_keys != logged {
        faults.push("the DNSKEY RRset is not the two keys the log published".into());
    }

    // Every RRset that must be signed: one RRSIG, the plan's times, valid.
    let mut sets: BTreeMap<(Name, Rtype), Vec<&Record>> = BTreeMap::new();
    let mut sigs: BTreeMap<(Name, Rtype), Vec<&Rrsig>> = BTreeMap::new();
    for r in &served {
        match &r.rdata {
            Rdata::Rrsig(s) => sigs.entry((r.owner.clone(), s.type_covered)).or_default().push(s),
            d => sets.entry((r.owner.clone(), d.rtype())).or_default().push(r),
        }
    }
    for set in sets.values_mut() {
        set.sort_by(|a, b| a.rdata.canonical_cmp(&b.rdata));
    }
    for node in expected.nodes.iter() {
        for (rtype, set) in &node.1.rrsets {
            let Some(Record { rdata: Rdata::Rrsig(want_sig), .. }) = &set.rrsig else { continue };
            let at = (node.0.clone(), *rtype);
            let (Some(records), Some(found)) = (sets.get(&at), sigs.get(&at)) else {
                if faults.len() < MAX_FAULTS {
                    faults.push(format!("{} {}: not signed", at.0, rtype.mnemonic()));
                }
                continue;
            };
            let role_key = if *rtype == Rtype::DNSKEY { &ksk_key } else { &zsk_key };
            let ok = found.len() == 1
                && found[0].inception == want_sig.inception
                && found[0].expiration == want_sig.expiration
                && sign::verify(found[0], records, role_key);
            if !ok && faults.len() < MAX_FAULTS {
                faults.push(format!(
                    "{} {}: its signature is not one valid signature by the {} with the plan's times",
                    at.0,
                    rtype.mnemonic(),
                    if *rtype == Rtype::DNSKEY { "KSK" } else { "ZSK" }
                ));
            }
        }
    }
    let extra_sigs = sigs
        .keys()
        .filter(|k| expected.nodes.get(&k.0).is_none_or(|n| n.rrsets.get(&k.1).is_none_or(|s| s.rrsig.is_none())))
        .count();
    if extra_sigs > 0 {
        faults.push(format!("{extra_sigs} RRSIGs cover RRsets that are not signed in a root zone"));
    }

    // The digest.
    let zonemd: Vec<&Zonemd> = served
        .iter()
        .filter_map(|r| if let (true, Rdata::Zonemd(z)) = (r.owner.is_root(), &r.rdata) { Some(z) } else { None })
        .collect();
    let mut again = SignedZone { serial: plan.serial, nodes: BTreeMap::new(), ttls: expected.ttls };
    for r in &served {
        let rtype = match &r.rdata {
            Rdata::Rrsig(s) => s.type_covered,
            d => d.rtype(),
        };
        let node = again
            .nodes
            .entry(r.owner.clone())
            .or_insert_with(|| crate::zone::Node { kind: crate::zone::NodeKind::Glue, rrsets: BTreeMap::new() });
        let set = node.rrsets.entry(rtype).or_insert_with(|| crate::zone::RrSet { records: Vec::new(), rrsig: None });
        match &r.rdata {
            Rdata::Rrsig(_) => set.rrsig = Some(r.clone()),
            _ => set.records.push(r.clone()),
        }
    }
    // An RRSIG whose RRset was missing would leave an empty set: refused above.
    again.nodes.values_mut().for_each(|n| n.rrsets.retain(|_, s| !s.records.is_empty()));
    for n in again.nodes.values_mut() {
        for s in n.rrsets.values_mut() {
            s.records.sort_by(|a, b| a.rdata.canonical_cmp(&b.rdata));
        }
    }
    match zonemd.as_slice() {
        [z] if z.serial == plan.serial
            && z.scheme == crate::zone::ZONEMD_SIMPLE
            && z.hash_algorithm == crate::zone::ZONEMD_SHA384 =>
        {
            if z.digest != again.zonemd_digest() {
                faults.push("the ZONEMD digest is not the zone's".into());
            }
        }
        _ => faults.push("not one ZONEMD (SIMPLE, SHA-384) with the zone's serial".into()),
    }
    faults
}
