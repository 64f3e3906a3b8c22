//! The technical checks a change of delegation must pass before it may be
//! voted on.
//!
//! They follow IANA's technical requirements for authoritative name
//! servers, with Zonemaster's test cases as the reference for what each
//! means (the test case is named beside each [`Check`]). They read only the
//! registry and the proposed delegation — never the network — so that the
//! fold runs them when a proposal is tabled and every replay decides the
//! same. Whether the servers really answer is `accord zone check --live`,
//! outside the fold.
//!
//! Every check runs, and the [`Report`] lists each with its faults, so that
//! a refusal names every failed check at once and the portal shows what
//! passed.

use crate::message::MessageWriter;
use crate::model::{Delegation, Registry, MAX_ADDRESSES_PER_HOST, MAX_DS, MAX_GLUE_HOSTS, MAX_NS};
use crate::name::{Name, Tld, MAX_NAME_WIRE};
use crate::referral::Referral;
use crate::sign::ALGORITHM_ED25519;
use crate::wire::{Rdata, Record, Rrsig, Rtype};
use serde::Serialize;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// UDP payload size of the EDNS check (the DNS flag day 2020 default).
pub const EDNS_SIZE: usize = 1_232;
/// UDP payload size without EDNS (RFC 1035 §4.2.1).
pub const PLAIN_SIZE: usize = 512;

/// One technical check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// At least two name servers, at most thirteen (Zonemaster DELEGATION01).
    NsCount,
    /// Name-server names are host names, RFC 1123 (Zonemaster SYNTAX04).
    NsHostNames,
    /// Every name server lies under a TLD the zone delegates, so that its
    /// address can be found.
    NsReachable,
    /// Name servers have distinct addresses (Zonemaster DELEGATION02).
    NsDistinctAddresses,
    /// In-bailiwick name servers have glue (Zonemaster DELEGATION07).
    GluePresent,
    /// Glue only for hosts under the TLD, each used by some delegation, and
    /// none removed that another delegation uses (RFC 9471).
    GlueConsistent,
    /// No private, reserved or bogon addresses (Zonemaster ADDRESS01).
    AddressesGlobal,
    /// DS algorithms known and allowed (RFC 8624; Zonemaster DNSSEC05).
    DsAlgorithm,
    /// DS digest types known and allowed, digests of the right length
    /// (RFC 8624; Zonemaster DNSSEC01).
    DsDigest,
    /// The referral for the longest possible name fits in 1,232 octets
    /// with EDNS and DO, whole; and in 512 octets without EDNS, with at
    /// least one IPv4 and one IPv6 glue address where there are any
    /// (Zonemaster DELEGATION03).
    ReferralSize,
    /// At most the registry's limits of records per delegation.
    Limits,
    /// A TLD that others' name servers lie under is not removed.
    NotInUse,
}

impl Check {
    pub const ALL: [Check; 12] = [
        Check::NsCount,
        Check::NsHostNames,
        Check::NsReachable,
        Check::NsDistinctAddresses,
        Check::GluePresent,
        Check::GlueConsistent,
        Check::AddressesGlobal,
        Check::DsAlgorithm,
        Check::DsDigest,
        Check::ReferralSize,
        Check::Limits,
        Check::NotInUse,
    ];

    /// The stable code (kebab-case), as in problem bodies.
    pub fn code(self) -> &'static str {
        match self {
            Check::NsCount => "ns-count",
            Check::NsHostNames => "ns-host-names",
            Check::NsReachable => "ns-reachable",
            Check::NsDistinctAddresses => "ns-distinct-addresses",
            Check::GluePresent => "glue-present",
            Check::GlueConsistent => "glue-consistent",
            Check::AddressesGlobal => "addresses-global",
            Check::DsAlgorithm => "ds-algorithm",
            Check::DsDigest => "ds-digest",
            Check::ReferralSize => "referral-size",
            Check::Limits => "limits",
            Check::NotInUse => "not-in-use",
        }
    }
}

/// Every check's faults: empty when it passed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub results: Vec<(Check, Vec<String>)>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.results.iter().all(|(_, f)| f.is_empty())
    }

    pub fn failed(&self) -> impl Iterator<Item = &(Check, Vec<String>)> {
        self.results.iter().filter(|(_, f)| !f.is_empty())
    }

    /// One line per fault, `code: fault`.
    pub fn faults(&self) -> Vec<String> {
        self.failed().flat_map(|(c, fs)| fs.iter().map(move |f| format!("{}: {f}", c.code()))).collect()
    }
}

/// DNSSEC algorithms a DS may name (RFC 8624 §3.1: every algorithm a
/// validator implements; MUST NOT ones refused).
const DS_ALGORITHMS: [u8; 8] = [5, 7, 8, 10, 13, 14, ALGORITHM_ED25519, 16];

/// Digest types a DS may use, and their lengths (RFC 8624 §3.3: SHA-1,
/// SHA-256, SHA-384; GOST refused).
fn digest_length(digest_type: u8) -> Option<usize> {
    match digest_type {
        1 => Some(20),
        2 => Some(32),
        4 => Some(48),
        _ => None,
    }
}

/// Runs every check on changing `tld` to `new` (`None`: removing it).
pub fn check_change(registry: &Registry, tld: &Tld, new: Option<&Delegation>) -> Report {
    let mut results: Vec<(Check, Vec<String>)> = Check::ALL.iter().map(|c| (*c, Vec::new())).collect();
    let mut fault = |c: Check, f: String| {
        if let Some((_, fs)) = results.iter_mut().find(|(k, _)| *k == c) {
            fs.push(f);
        }
    };
    let old = registry.delegations.get(tld);
    // Hosts under this TLD that other delegations (or the apex) use.
    let used_elsewhere: BTreeSet<&Name> = registry
        .delegations
        .iter()
        .filter(|(t, _)| *t != tld)
        .flat_map(|(_, d)| d.ns.iter())
        .chain(registry.apex.ns.keys())
        .filter(|h| h.is_under(tld.name()))
        .collect();

    let Some(new) = new else {
        if old.is_none() {
            fault(Check::NotInUse, format!("{tld} is not delegated"));
        }
        for h in &used_elsewhere {
            fault(
                Check::NotInUse,
                format!("{h} lies under {tld} and is a name server of another delegation or of the root"),
            );
        }
        return Report { results };
    };

    let n = new.ns.len();
    if !(2..=MAX_NS).contains(&n) {
        fault(Check::NsCount, format!("{n} name servers; 2 to {MAX_NS} are needed"));
    }
    if new.ds.len() > MAX_DS {
        fault(Check::Limits, format!("{} DS records; at most {MAX_DS}", new.ds.len()));
    }
    if new.glue.len() > MAX_GLUE_HOSTS {
        fault(Check::Limits, format!("glue for {} hosts; at most {MAX_GLUE_HOSTS}", new.glue.len()));
    }
    for ns in &new.ns {
        for f in ns.host_name_faults() {
            fault(Check::NsHostNames, format!("{ns}: {f}"));
        }
        let reachable = ns.tld().is_some_and(|t| &t == tld || registry.delegations.contains_key(&t));
        if !reachable {
            fault(Check::NsReachable, format!("{ns} is under no TLD of the zone"));
        }
        if ns.is_under(tld.name()) && new.glue.get(ns).is_none_or(|a| a.is_empty()) {
            fault(Check::GluePresent, format!("{ns} is under {tld} and has no glue"));
        }
    }
    for (host, addrs) in &new.glue {
        if !host.is_under(tld.name()) || host.label_count() < 2 {
            fault(Check::GlueConsistent, format!("glue for {host}, which is not under {tld}"));
        } else if !new.ns.contains(host) && !used_elsewhere.contains(host) {
            fault(Check::GlueConsistent, format!("glue for {host}, which no delegation uses"));
        }
        if addrs.len() > MAX_ADDRESSES_PER_HOST {
            fault(Check::Limits, format!("{host} has {} addresses; at most {MAX_ADDRESSES_PER_HOST}", addrs.len()));
        }
        for a in addrs {
            if let Some(why) = not_global(*a) {
                fault(Check::AddressesGlobal, format!("{host} {a}: {why}"));
            }
        }
    }
    for h in &used_elsewhere {
        if !new.glue.contains_key(*h) && old.is_some_and(|o| o.glue.contains_key(*h)) {
            fault(Check::GlueConsistent, format!("the glue of {h} is removed, but another delegation uses it"));
        }
    }
    // Distinct addresses across name servers (the new glue, or the zone's).
    let mut seen: Vec<(IpAddr, &Name)> = Vec::new();
    for ns in &new.ns {
        let addrs = if ns.is_under(tld.name()) { new.glue.get(ns) } else { registry.addresses_of(ns) };
        for a in addrs.into_iter().flatten() {
            if let Some((_, other)) = seen.iter().find(|(b, _)| b == a) {
                fault(Check::NsDistinctAddresses, format!("{ns} and {other} share {a}"));
            } else {
                seen.push((*a, ns));
            }
        }
    }
    for ds in &new.ds {
        if !DS_ALGORITHMS.contains(&ds.algorithm) {
            fault(
                Check::DsAlgorithm,
                format!("DS {} names algorithm {}, which is not allowed (RFC 8624)", ds.key_tag, ds.algorithm),
            );
        }
        match digest_length(ds.digest_type) {
            None => fault(
                Check::DsDigest,
                format!("DS {} uses digest type {}, which is not allowed", ds.key_tag, ds.digest_type),
            ),
            Some(len) if len != ds.digest.len() => fault(
                Check::DsDigest,
                format!(
                    "DS {} has a {}-octet digest; digest type {} has {len}",
                    ds.key_tag,
                    ds.digest.len(),
                    ds.digest_type
                ),
            ),
            Some(_) => {}
        }
    }
    for f in referral_size_faults(registry, tld, new) {
        fault(Check::ReferralSize, f);
    }
    Report { results }
}

/// Why an address is not a global unicast address a name server may use
/// (IANA's IPv4 and IPv6 special-purpose address registries, and the
/// unallocated IPv6 space outside 2000::/3), or `None`.
pub fn not_global(a: IpAddr) -> Option<&'static str> {
    match a {
        IpAddr::V4(v4) => not_global_v4(v4),
        IpAddr::V6(v6) => not_global_v6(v6),
    }
}

fn not_global_v4(a: Ipv4Addr) -> Option<&'static str> {
    let ip = u32::from(a);
    let within = |net: u32, bits: u32| ip >> (32 - bits) == net >> (32 - bits);
    let table: [(u32, u32, &'static str); 16] = [
        (0x0000_0000, 8, "\"this network\" (0.0.0.0/8)"),
        (0x0a00_0000, 8, "private (10.0.0.0/8)"),
        (0x6440_0000, 10, "shared address space (100.64.0.0/10)"),
        (0x7f00_0000, 8, "loopback (127.0.0.0/8)"),
        (0xa9fe_0000, 16, "link-local (169.254.0.0/16)"),
        (0xac10_0000, 12, "private (172.16.0.0/12)"),
        (0xc000_0000, 24, "IETF protocol assignments (192.0.0.0/24)"),
        (0xc000_0200, 24, "documentation (192.0.2.0/24)"),
        (0xc058_6300, 24, "6to4 relay anycast (192.88.99.0/24)"),
        (0xc0a8_0000, 16, "private (192.168.0.0/16)"),
        (0xc612_0000, 15, "benchmarking (198.18.0.0/15)"),
        (0xc633_6400, 24, "documentation (198.51.100.0/24)"),
        (0xcb00_7100, 24, "documentation (203.0.113.0/24)"),
        (0xe000_0000, 4, "multicast (224.0.0.0/4)"),
        (0xf000_0000, 4, "reserved (240.0.0.0/4)"),
        (0xffff_ffff, 32, "broadcast"),
    ];
    table.iter().find(|(net, bits, _)| within(*net, *bits)).map(|(_, _, why)| *why)
}

fn not_global_v6(a: Ipv6Addr) -> Option<&'static str> {
    let ip = u128::from(a);
    let within = |net: u128, bits: u32| ip >> (128 - bits) == net >> (128 - bits);
    if ip == 0 {
        return Some("unspecified (::)");
    }
    if ip == 1 {
        return Some("loopback (::1)");
    }
    let table: [(u128, u32, &'static str); 7] = [
        (0x2001_0db8 << 96, 32, "documentation (2001:db8::/32)"),
        (0x3fff << 112, 20, "documentation (3fff::/20)"),
        (0x2001 << 112, 23, "IETF protocol assignments (2001::/23)"),
        (0x2002 << 112, 16, "6to4 (2002::/16)"),
        (0xfc00 << 112, 7, "unique local (fc00::/7)"),
        (0xfe80 << 112, 10, "link-local (fe80::/10)"),
        (0xff00 << 112, 8, "multicast (ff00::/8)"),
    ];
    if let Some((_, _, why)) = table.iter().find(|(net, bits, _)| within(*net, *bits)) {
        return Some(why);
    }
    if !within(0x2000 << 112, 3) {
        return Some("not global unicast (outside 2000::/3)");
    }
    None
}

/// The longest name under `tld` (255 octets in wire form), for the
/// referral-size check: what a resolver may ask that gives the biggest
/// referral.
fn longest_name_under(tld: &Tld) -> Vec<u8> {
    let suffix = tld.name().wire();
    let mut wire = Vec::with_capacity(MAX_NAME_WIRE);
    let mut room = MAX_NAME_WIRE - suffix.len();
    while room > 1 {
        let len = (room - 1).min(63);
        wire.push(len as u8);
        wire.extend(std::iter::repeat_n(b'a', len));
        room -= 1 + len;
    }
    wire.extend_from_slice(suffix);
    wire
}

fn referral_size_faults(registry: &Registry, tld: &Tld, new: &Delegation) -> Vec<String> {
    let owner = tld.name().clone();
    let rec = |owner: &Name, ttl: u32, rdata: Rdata| Record { owner: owner.clone(), ttl, rdata };
    let ns: Vec<Record> = new.ns.iter().map(|h| rec(&owner, 172_800, Rdata::Ns(h.clone()))).collect();
    // An Ed25519 RRSIG's size does not depend on what it signs.
    let dummy_sig = |covered: Rtype| {
        rec(
            &owner,
            86_400,
            Rdata::Rrsig(Rrsig {
                type_covered: covered,
                algorithm: ALGORITHM_ED25519,
                labels: 1,
                original_ttl: 86_400,
                expiration: 0,
                inception: 0,
                key_tag: 0,
                signer: Name::root(),
                signature: vec![0; 64],
            }),
        )
    };
    let mut proof: Vec<Record> = new.ds.iter().map(|d| rec(&owner, 86_400, Rdata::Ds(d.clone()))).collect();
    if proof.is_empty() {
        let next =
            registry.delegations.range::<Tld, _>((std::ops::Bound::Excluded(tld), std::ops::Bound::Unbounded)).next();
        let next = next.map(|(t, _)| t.name().clone()).unwrap_or_else(Name::root);
        proof.push(rec(&owner, 86_400, Rdata::Nsec { next, types: vec![Rtype::NS, Rtype::RRSIG, Rtype::NSEC] }));
        proof.push(dummy_sig(Rtype::NSEC));
    } else {
        proof.push(dummy_sig(Rtype::DS));
    }
    let mut in_domain = Vec::new();
    let mut sibling = Vec::new();
    for h in &new.ns {
        let (addrs, list) = if h.is_under(tld.name()) {
            (new.glue.get(h), &mut in_domain)
        } else {
            (registry.addresses_of(h), &mut sibling)
        };
        for a in addrs.into_iter().flatten() {
            let rdata = match a {
                IpAddr::V4(v4) => Rdata::A(*v4),
                IpAddr::V6(v6) => Rdata::Aaaa(*v6),
            };
            list.push(rec(h, 172_800, rdata));
        }
    }
    let qname = longest_name_under(tld);
    let mut faults = Vec::new();

    // With EDNS and DO: everything, room kept for the OPT record.
    let mut w = MessageWriter::new(0, 0, EDNS_SIZE - 11);
    w.question(&qname, &qname, 1, 1);
    let full = Referral {
        ns: ns.iter().collect(),
        proof: proof.iter().collect(),
        in_domain: in_domain.iter().collect(),
        sibling: sibling.iter().collect(),
    };
    let written = full.write(&mut w, true);
    if !written.complete || written.sibling_left_out > 0 {
        faults.push(format!("the referral with DNSSEC records does not fit in {EDNS_SIZE} octets with EDNS"));
    }

    // Without EDNS: NS, and one IPv4 and one IPv6 glue address if any.
    let pick = |v6: bool| in_domain.iter().chain(&sibling).find(|r| matches!(r.rdata, Rdata::Aaaa(_)) == v6);
    let minimal: Vec<&Record> = [pick(false), pick(true)].into_iter().flatten().collect();
    let mut w = MessageWriter::new(0, 0, PLAIN_SIZE);
    w.question(&qname, &qname, 1, 1);
    let min = Referral { ns: ns.iter().collect(), proof: Vec::new(), in_domain: minimal, sibling: Vec::new() };
    if !min.write(&mut w, false).complete {
        faults.push(format!(
            "the name servers and one address of each family do not fit in {PLAIN_SIZE} octets without EDNS"
        ));
    }
    faults
}
