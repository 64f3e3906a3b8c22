//! The served form of a signed zone: an index built once per publish, so
//! that an answer is a hash look-up and the writing of records already
//! chosen, and the history of differences that IXFR sends.

use accord_zone::wire::{Rdata, Record, Rtype};
use accord_zone::zone::{NodeKind, RrSet};
use accord_zone::{Name, SignedZone};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// How many versions back IXFR can go: older serials get the whole zone.
pub const HISTORY: usize = 32;

/// One delegation, ready to be written as a referral.
#[derive(Debug)]
pub(crate) struct Delegated {
    pub ns: Vec<Record>,
    pub ds: Option<RrSet>,
    pub nsec: Option<RrSet>,
    pub in_domain: Vec<Record>,
    pub sibling: Vec<Record>,
    /// The labels just below the TLD of the names in the referral that lie
    /// under it (`nic` for `ns1.nic.aaa`): a question whose own such label
    /// is none of these compresses only against the TLD.
    pub second_labels: Vec<Box<[u8]>>,
}

/// What changed from one version to the next (RFC 1995 §4).
#[derive(Debug)]
pub struct Diff {
    pub old_soa: Record,
    pub new_soa: Record,
    pub deleted: Vec<Record>,
    pub added: Vec<Record>,
}

impl Diff {
    pub fn old_serial(&self) -> u32 {
        soa_serial(&self.old_soa)
    }
}

fn soa_serial(r: &Record) -> u32 {
    match &r.rdata {
        Rdata::Soa(s) => s.serial,
        _ => 0,
    }
}

/// One version of the zone as served.
#[derive(Debug)]
pub struct Served {
    pub(crate) zone: Arc<SignedZone>,
    pub(crate) soa: RrSet,
    pub(crate) apex: BTreeMap<Rtype, RrSet>,
    /// The addresses of the apex's name servers (glue), for an NS answer.
    pub(crate) apex_glue: Vec<Record>,
    /// Every RRSIG at the apex, for an RRSIG query.
    pub(crate) apex_rrsigs: Vec<Record>,
    /// Delegations by their lowercase label (without its length octet).
    pub(crate) tlds: HashMap<Box<[u8]>, Delegated>,
    /// Delegated labels in canonical order, for the NSEC that covers a name.
    pub(crate) chain: Vec<Box<[u8]>>,
    /// The differences that led to this version, oldest first.
    pub(crate) history: Vec<Arc<Diff>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServeError {
    #[error("the zone has no SOA at its apex")]
    NoSoa,
}

fn addresses(zone: &SignedZone, host: &Name) -> Vec<Record> {
    let Some(node) = zone.nodes.get(host) else { return Vec::new() };
    [Rtype::A, Rtype::AAAA].iter().filter_map(|t| node.rrsets.get(t)).flat_map(|s| s.records.iter().cloned()).collect()
}

impl Served {
    /// Indexes `zone`; `previous`, the version it replaces, gives the history.
    pub fn new(zone: SignedZone, previous: Option<&Served>) -> Result<Served, ServeError> {
        let zone = Arc::new(zone);
        let root = Name::root();
        let apex = zone.nodes.get(&root).ok_or(ServeError::NoSoa)?.rrsets.clone();
        let soa = apex.get(&Rtype::SOA).cloned().ok_or(ServeError::NoSoa)?;
        let mut apex_glue = Vec::new();
        if let Some(ns) = apex.get(&Rtype::NS) {
            let mut hosts: Vec<&Name> =
                ns.records.iter().filter_map(|r| if let Rdata::Ns(h) = &r.rdata { Some(h) } else { None }).collect();
            hosts.sort();
            for h in hosts {
                apex_glue.extend(addresses(&zone, h));
            }
        }
        let apex_rrsigs = apex.values().filter_map(|s| s.rrsig.clone()).collect();
        let mut tlds = HashMap::new();
        let mut chain = Vec::new();
        for (name, node) in &zone.nodes {
            if node.kind != NodeKind::Delegation {
                continue;
            }
            let Some(label) = name.labels().next() else { continue };
            let mut ns: Vec<Record> = node.rrsets.get(&Rtype::NS).map(|s| s.records.clone()).unwrap_or_default();
            // Name servers in canonical order, as the referral-size check takes them.
            ns.sort_by(|a, b| match (&a.rdata, &b.rdata) {
                (Rdata::Ns(x), Rdata::Ns(y)) => x.cmp(y),
                _ => std::cmp::Ordering::Equal,
            });
            let mut in_domain = Vec::new();
            let mut sibling = Vec::new();
            for r in &ns {
                let Rdata::Ns(host) = &r.rdata else { continue };
                let list = if host.is_under(name) { &mut in_domain } else { &mut sibling };
                list.extend(addresses(&zone, host));
            }
            let mut second_labels: Vec<Box<[u8]>> = Vec::new();
            for r in ns.iter().chain(&in_domain).chain(&sibling) {
                let names = [Some(&r.owner), if let Rdata::Ns(h) = &r.rdata { Some(h) } else { None }];
                for n in names.into_iter().flatten().filter(|n| n.is_under(name) && n.label_count() > 1) {
                    let labels: Vec<&[u8]> = n.labels().collect();
                    if let Some(l) = labels.len().checked_sub(2).and_then(|i| labels.get(i)) {
                        if !second_labels.iter().any(|s| s.as_ref() == *l) {
                            second_labels.push((*l).into());
                        }
                    }
                }
            }
            let d = Delegated {
                second_labels,
                ns,
                ds: node.rrsets.get(&Rtype::DS).cloned(),
                nsec: node.rrsets.get(&Rtype::NSEC).cloned(),
                in_domain,
                sibling,
            };
            let key: Box<[u8]> = label.into();
            chain.push(key.clone());
            tlds.insert(key, d);
        }
        // Canonical order of one-label names is the order of their octets.
        chain.sort();
        let mut history = previous.map(|p| p.history.clone()).unwrap_or_default();
        if let Some(p) = previous {
            history.push(Arc::new(diff(&p.zone, &zone, &p.soa, &soa)));
        }
        if history.len() > HISTORY {
            history.drain(..history.len() - HISTORY);
        }
        Ok(Served { zone, soa, apex, apex_glue, apex_rrsigs, tlds, chain, history })
    }

    pub fn serial(&self) -> u32 {
        self.zone.serial
    }

    pub fn zone(&self) -> &SignedZone {
        &self.zone
    }

    /// The SOA record.
    pub fn soa_record(&self) -> Option<&Record> {
        self.soa.records.first()
    }

    /// The serials IXFR can start from, oldest first.
    pub fn history_serials(&self) -> Vec<u32> {
        self.history.iter().map(|d| d.old_serial()).collect()
    }

    /// For a question (lowercase wire name) whose answer is a referral that
    /// depends on the name only through its length and its TLD: the TLD's
    /// label. `None` for anything else (the apex, DS at the cut, names
    /// under no delegation, names whose second label some name server's
    /// name shares, so that compression could reach further than the TLD).
    pub(crate) fn referral_template<'a>(&self, lower: &'a [u8], qtype: u16) -> Option<&'a [u8]> {
        let mut labels = [(0usize, 0usize); 2];
        let mut at = 0;
        let mut count = 0;
        while let Some(&len) = lower.get(at) {
            if len == 0 {
                break;
            }
            labels[0] = labels[1];
            labels[1] = (at + 1, len as usize);
            count += 1;
            at += 1 + len as usize;
        }
        let (t_at, t_len) = labels[1];
        let tld = lower.get(t_at..t_at + t_len)?;
        let d = self.tlds.get(tld)?;
        if count == 0 || (count == 1 && qtype == Rtype::DS.0) {
            return None;
        }
        if count >= 2 {
            let (s_at, s_len) = labels[0];
            let second = lower.get(s_at..s_at + s_len)?;
            if d.second_labels.iter().any(|l| l.as_ref() == second) {
                return None;
            }
        }
        Some(tld)
    }

    /// The NSEC RRset of the chain name that precedes or is `label` (a TLD
    /// label, lowercase) in canonical order: the apex's when none does.
    pub(crate) fn nsec_covering(&self, label: &[u8]) -> Option<&RrSet> {
        let i = self.chain.partition_point(|l| l.as_ref() < label);
        let exact = self.chain.get(i).is_some_and(|l| l.as_ref() == label);
        let at = if exact { Some(i) } else { i.checked_sub(1) };
        match at.and_then(|i| self.chain.get(i)) {
            Some(l) => self.tlds.get(l).and_then(|d| d.nsec.as_ref()),
            None => self.apex.get(&Rtype::NSEC),
        }
    }
}

fn key(r: &Record) -> Vec<u8> {
    let mut v = Vec::with_capacity(128);
    r.encode_canonical(r.ttl, &mut v);
    v
}

fn is_apex_soa(r: &Record) -> bool {
    r.owner.is_root() && matches!(r.rdata, Rdata::Soa(_))
}

/// The difference of two versions, records in zone order (SOAs apart).
fn diff(old: &SignedZone, new: &SignedZone, old_soa: &RrSet, new_soa: &RrSet) -> Diff {
    let old_keys: HashSet<Vec<u8>> = old.records().filter(|r| !is_apex_soa(r)).map(key).collect();
    let new_keys: HashSet<Vec<u8>> = new.records().filter(|r| !is_apex_soa(r)).map(key).collect();
    let deleted = old.records().filter(|r| !is_apex_soa(r) && !new_keys.contains(&key(r))).cloned().collect();
    let added = new.records().filter(|r| !is_apex_soa(r) && !old_keys.contains(&key(r))).cloned().collect();
    let soa_of = |s: &RrSet| s.records.first().cloned();
    let fallback = Record { owner: Name::root(), ttl: 0, rdata: Rdata::A(std::net::Ipv4Addr::UNSPECIFIED) };
    Diff {
        old_soa: soa_of(old_soa).unwrap_or_else(|| fallback.clone()),
        new_soa: soa_of(new_soa).unwrap_or(fallback),
        deleted,
        added,
    }
}
