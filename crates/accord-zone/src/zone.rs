//! The signed zone built from the registry.
//!
//! [`SignedZone::build`] turns a [`Registry`] and a [`ZonePlan`] (the
//! serial and the signing times, which the fold derives from entry times)
//! into every record of the zone, in canonical order: the apex (SOA, NS,
//! DNSKEY, NSEC, ZONEMD, their RRSIGs), each delegation (NS, DS, NSEC and
//! the RRSIGs of DS and NSEC: NS at a cut is not signed, RFC 4035 §2.2),
//! and the glue (unsigned, outside the NSEC chain). The ZONEMD (RFC 8976,
//! SIMPLE scheme, SHA-384) digests every record but itself and its RRSIG,
//! glue included.

use crate::model::{Registry, Ttls};
use crate::name::{Name, Tld};
use crate::sign::{Role, SignTimes, Signer};
use crate::wire::{Rdata, Record, Rrsig, Rtype, Soa, Zonemd};
use sha2::{Digest, Sha384};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// ZONEMD scheme SIMPLE and hash algorithm SHA-384 (RFC 8976 §5).
pub const ZONEMD_SIMPLE: u8 = 1;
pub const ZONEMD_SHA384: u8 = 1;

/// When each part of the zone was last signed, and its serial: a function
/// of the log (the fold keeps it), so that the same log gives the same zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZonePlan {
    pub serial: u32,
    /// This version's time: the apex's RRsets (SOA, NS, NSEC, ZONEMD) are
    /// signed at it.
    pub now: u64,
    /// The last full re-signing: the DNSKEY RRset, and every delegation not
    /// in `touched`, are signed at it.
    pub full: u64,
    /// Delegations whose DS or NSEC changed since `full`, with the time of
    /// their latest change.
    pub touched: BTreeMap<Tld, u64>,
}

impl ZonePlan {
    fn time_of(&self, tld: &Tld) -> u64 {
        self.touched.get(tld).copied().unwrap_or(self.full)
    }
}

/// What a name is in the zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Apex,
    Delegation,
    /// Addresses below a cut: glue, not authoritative.
    Glue,
}

/// One RRset with its signature, if it is signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RrSet {
    pub records: Vec<Record>,
    pub rrsig: Option<Record>,
}

impl RrSet {
    pub fn rtype(&self) -> Rtype {
        self.records[0].rdata.rtype()
    }
}

/// Every RRset at one name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    pub rrsets: BTreeMap<Rtype, RrSet>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("glue host {0} is not below a delegated TLD")]
    GlueOutsideDelegation(Name),
    #[error("the apex: {0}")]
    Apex(String),
}

type Unsigned = BTreeMap<Name, (NodeKind, BTreeMap<Rtype, Vec<Record>>)>;

fn unsigned_add(unsigned: &mut Unsigned, owner: &Name, kind: NodeKind, ttl: u32, rdata: Rdata) {
    let node = unsigned.entry(owner.clone()).or_insert_with(|| (kind, BTreeMap::new()));
    node.1.entry(rdata.rtype()).or_default().push(Record { owner: owner.clone(), ttl, rdata });
}

/// The zone, signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedZone {
    pub serial: u32,
    pub nodes: BTreeMap<Name, Node>,
    pub ttls: Ttls,
}

impl SignedZone {
    /// Builds and signs the zone of `registry` as `plan` says.
    pub fn build(registry: &Registry, plan: &ZonePlan, signer: &mut Signer) -> Result<SignedZone, BuildError> {
        let faults = registry.apex.faults();
        if let Some(f) = faults.into_iter().next() {
            return Err(BuildError::Apex(f));
        }
        let ttls = Ttls::ROOT;
        let root = Name::root();
        let mut unsigned = Unsigned::new();
        let mut add =
            |owner: &Name, kind: NodeKind, ttl: u32, rdata: Rdata| unsigned_add(&mut unsigned, owner, kind, ttl, rdata);

        let apex = &registry.apex;
        let soa = Soa {
            mname: apex.soa.mname.clone(),
            rname: apex.soa.rname.clone(),
            serial: plan.serial,
            refresh: apex.soa.refresh,
            retry: apex.soa.retry,
            expire: apex.soa.expire,
            minimum: apex.soa.minimum,
        };
        add(&root, NodeKind::Apex, ttls.soa, Rdata::Soa(soa));
        for host in apex.ns.keys() {
            add(&root, NodeKind::Apex, ttls.apex_ns, Rdata::Ns(host.clone()));
        }
        add(&root, NodeKind::Apex, ttls.dnskey, Rdata::Dnskey(signer.ksk().dnskey().clone()));
        add(&root, NodeKind::Apex, ttls.dnskey, Rdata::Dnskey(signer.zsk().dnskey().clone()));

        let mut hosts: BTreeMap<&Name, BTreeSet<IpAddr>> = BTreeMap::new();
        for (tld, d) in &registry.delegations {
            for ns in &d.ns {
                add(tld.name(), NodeKind::Delegation, ttls.ns, Rdata::Ns(ns.clone()));
            }
            for ds in &d.ds {
                add(tld.name(), NodeKind::Delegation, ttls.ds, Rdata::Ds(ds.clone()));
            }
            for (host, addrs) in &d.glue {
                hosts.entry(host).or_default().extend(addrs);
            }
        }
        for (host, addrs) in &apex.ns {
            hosts.entry(host).or_default().extend(addrs);
        }
        for (host, addrs) in hosts {
            let below_cut = host.tld().is_some_and(|t| registry.delegations.contains_key(&t)) && host.label_count() > 1;
            if !below_cut {
                return Err(BuildError::GlueOutsideDelegation(host.clone()));
            }
            for a in addrs {
                let rdata = match a {
                    IpAddr::V4(v4) => Rdata::A(v4),
                    IpAddr::V6(v6) => Rdata::Aaaa(v6),
                };
                add(host, NodeKind::Glue, ttls.glue, rdata);
            }
        }

        // The NSEC chain: the apex and every delegation point, in order.
        let chain: Vec<(Name, NodeKind, Vec<Rtype>)> = unsigned
            .iter()
            .filter(|(_, (k, _))| *k != NodeKind::Glue)
            .map(|(n, (k, sets))| (n.clone(), *k, sets.keys().copied().collect()))
            .collect();
        for (i, (owner, kind, present)) in chain.iter().enumerate() {
            let next = chain.get(i + 1).unwrap_or(&chain[0]).0.clone();
            let mut types = present.clone();
            types.extend([Rtype::RRSIG, Rtype::NSEC]);
            if *kind == NodeKind::Apex {
                types.push(Rtype::ZONEMD);
            }
            unsigned_add(&mut unsigned, owner, *kind, ttls.nsec, Rdata::Nsec { next, types });
        }

        // Sign, in canonical order.
        let mut nodes = BTreeMap::new();
        for (owner, (kind, sets)) in unsigned {
            let mut rrsets = BTreeMap::new();
            for (rtype, mut records) in sets {
                records.sort_by(|a, b| a.rdata.canonical_cmp(&b.rdata));
                records.dedup();
                let rrsig = match (kind, rtype) {
                    (NodeKind::Glue, _) | (NodeKind::Delegation, Rtype::NS) => None,
                    (NodeKind::Apex, Rtype::DNSKEY) => Some((Role::Ksk, SignTimes::ksk(plan.full))),
                    (NodeKind::Apex, _) => Some((Role::Zsk, SignTimes::zsk(plan.now))),
                    (NodeKind::Delegation, _) => {
                        let tld = owner.tld().map(|t| plan.time_of(&t)).unwrap_or(plan.full);
                        Some((Role::Zsk, SignTimes::zsk(tld)))
                    }
                };
                let rrsig = rrsig.map(|(role, times)| {
                    let refs: Vec<&Record> = records.iter().collect();
                    let sig = signer.sign(&refs, role, times);
                    Record { owner: owner.clone(), ttl: records[0].ttl, rdata: Rdata::Rrsig(sig) }
                });
                rrsets.insert(rtype, RrSet { records, rrsig });
            }
            nodes.insert(owner, Node { kind, rrsets });
        }
        let mut zone = SignedZone { serial: plan.serial, nodes, ttls };

        // ZONEMD over everything so far, then signed itself.
        let digest = zone.zonemd_digest();
        let zonemd = Record {
            owner: root.clone(),
            ttl: ttls.zonemd,
            rdata: Rdata::Zonemd(Zonemd {
                serial: plan.serial,
                scheme: ZONEMD_SIMPLE,
                hash_algorithm: ZONEMD_SHA384,
                digest,
            }),
        };
        let sig = signer.sign(&[&zonemd], Role::Zsk, SignTimes::zsk(plan.now));
        let rrsig = Record { owner: root.clone(), ttl: ttls.zonemd, rdata: Rdata::Rrsig(sig) };
        if let Some(apex) = zone.nodes.get_mut(&root) {
            apex.rrsets.insert(Rtype::ZONEMD, RrSet { records: vec![zonemd], rrsig: Some(rrsig) });
        }
        signer.finish_build();
        Ok(zone)
    }

    /// Every record in canonical order (RFC 4034 §6.3; RRSIGs ordered
    /// among themselves by their RDATA, that is, by type covered first).
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.nodes.values().flat_map(|node| {
            let mut sigs: Vec<&Record> = node.rrsets.values().filter_map(|s| s.rrsig.as_ref()).collect();
            sigs.sort_by(|a, b| a.rdata.canonical_cmp(&b.rdata));
            let mut all: Vec<(Rtype, Vec<&Record>)> =
                node.rrsets.iter().map(|(t, s)| (*t, s.records.iter().collect())).collect();
            if !sigs.is_empty() {
                all.push((Rtype::RRSIG, sigs));
            }
            all.sort_by_key(|(t, _)| *t);
            all.into_iter().flat_map(|(_, r)| r)
        })
    }

    /// The ZONEMD digest (RFC 8976 §3.3, SIMPLE, SHA-384) of every record
    /// but the apex ZONEMD RRset and the RRSIG that covers it.
    pub fn zonemd_digest(&self) -> Vec<u8> {
        let mut h = Sha384::new();
        let mut buf = Vec::with_capacity(512);
        for r in self.records() {
            let skip = r.owner.is_root()
                && match &r.rdata {
                    Rdata::Zonemd(_) => true,
                    Rdata::Rrsig(Rrsig { type_covered, .. }) => *type_covered == Rtype::ZONEMD,
                    _ => false,
                };
            if skip {
                continue;
            }
            buf.clear();
            r.encode_canonical(r.ttl, &mut buf);
            h.update(&buf);
        }
        h.finalize().to_vec()
    }

    /// The SOA record.
    pub fn soa(&self) -> Option<&RrSet> {
        self.nodes.get(&Name::root())?.rrsets.get(&Rtype::SOA)
    }
}
