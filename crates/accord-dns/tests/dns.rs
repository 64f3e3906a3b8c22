//! The DNS server: the answer engine on byte messages, a fuzz-like run of
//! random and mutated queries, and end-to-end runs of kdig (and NSD as a
//! secondary) against the server on loopback. Tools that are missing make
//! a test skip with a message, and fail under CI=true; so does a missing
//! shared root zone (`../shared/data/rootzone/` from the repository root).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use accord_dns::cache::{Cached, ResponseCache, CACHE_ENTRIES};
use accord_dns::engine::{MAX_UDP_SIZE, PLAIN_UDP_SIZE, TRANSFER_MESSAGE_SIZE};
use accord_dns::served::HISTORY;
use accord_dns::{answer, serve, Context, DnsConfig, Reply, Served, Transport, Zones};
use accord_zone::import::read_root_zone;
use accord_zone::model::{Apex, SoaFields};
use accord_zone::sign::{KeyPair, Signer};
use accord_zone::{Delegation, Ds, Name, Registry, SignedZone, Tld, ZonePlan};
use ed25519_dalek::SigningKey;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- zones

fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

fn skip_or_fail(what: &str) {
    if in_ci() {
        panic!("missing under CI=true: {what}");
    }
    eprintln!("SKIPPED: {what} (outside CI this is a skip)");
}

fn tool(name: &str) -> Option<PathBuf> {
    for dir in ["/usr/bin", "/usr/sbin", "/usr/local/bin"] {
        let p = Path::new(dir).join(name);
        if p.exists() {
            return Some(p);
        }
    }
    skip_or_fail(&format!("{name} (scripts/dns-env.sh installs it)"));
    None
}

fn name(s: &str) -> Name {
    Name::parse(s).unwrap()
}

fn apex() -> Apex {
    let mut ns = BTreeMap::new();
    ns.insert(name("a.accord-servers.net"), BTreeSet::from(["127.0.0.53".parse().unwrap(), "::1".parse().unwrap()]));
    ns.insert(name("b.accord-servers.net"), BTreeSet::from(["127.0.0.54".parse().unwrap()]));
    Apex {
        ns,
        soa: SoaFields {
            mname: name("a.accord-servers.net"),
            rname: name("secretariat.accord-servers.net"),
            refresh: 1800,
            retry: 900,
            expire: 604_800,
            minimum: 86_400,
        },
    }
}

fn signer() -> Signer {
    Signer::new(KeyPair::ksk(SigningKey::from_bytes(&[7; 32])), KeyPair::zsk(SigningKey::from_bytes(&[9; 32])))
}

/// 2026-12-01T10:20:30Z.
const T0: u64 = 1_796_120_430;

fn plan(serial: u32) -> ZonePlan {
    ZonePlan { serial, now: T0 + (serial as u64 % 1000) * 3600, full: T0, touched: BTreeMap::new() }
}

/// aaa (in-domain glue, no DS), net (holds accord-servers.net glue), fr
/// (DS; one in-domain and one sibling name server), big (13 long-named
/// name servers with both address families: over 512 octets).
fn small_registry() -> Registry {
    let mut delegations = BTreeMap::new();
    for (tld, hosts) in [
        ("aaa", ["ns1.nic.aaa", "ns2.nic.aaa"]),
        ("net", ["ns1.nic.net", "ns2.nic.net"]),
        ("fr", ["d.nic.fr", "ns1.nic.net"]),
    ] {
        let mut d = Delegation::default();
        for h in hosts {
            d.ns.insert(name(h));
            if name(h).is_under(Tld::parse(tld).unwrap().name()) {
                d.glue.insert(name(h), BTreeSet::from([format!("198.41.0.{}", h.len()).parse().unwrap()]));
            }
        }
        delegations.insert(Tld::parse(tld).unwrap(), d);
    }
    let fr = delegations.get_mut(&Tld::parse("fr").unwrap()).unwrap();
    fr.ds.insert(Ds { key_tag: 1, algorithm: 13, digest_type: 2, digest: vec![0xab; 32] });
    let mut big = Delegation::default();
    for i in 0..13 {
        let host = name(&format!("{}.{}.nic.big", "n".repeat(8), i));
        big.ns.insert(host.clone());
        big.glue.insert(
            host,
            BTreeSet::from([format!("193.0.15.{i}").parse().unwrap(), format!("2001:500::{i}").parse().unwrap()]),
        );
    }
    delegations.insert(Tld::parse("big").unwrap(), big);
    Registry { apex: apex(), delegations }
}

fn small_zone(serial: u32) -> SignedZone {
    SignedZone::build(&small_registry(), &plan(serial), &mut signer()).unwrap()
}

fn served(serial: u32) -> Served {
    Served::new(small_zone(serial), None).unwrap()
}

fn root_zone_file() -> Option<Vec<u8>> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/rootzone/root-2022021501.zone");
    let p = if p.exists() { p } else { PathBuf::from("/work/shared/data/rootzone/root-2022021501.zone") };
    match std::fs::read(&p) {
        Ok(b) => Some(b),
        Err(_) => {
            skip_or_fail(&format!("the shared root zone at {}", p.display()));
            None
        }
    }
}

fn imported_registry() -> Option<Registry> {
    let bytes = root_zone_file()?;
    let imported = read_root_zone(&bytes).unwrap();
    Some(Registry { apex: apex(), delegations: imported.delegations })
}

// ------------------------------------------------------- messages

fn wire_name(s: &str) -> Vec<u8> {
    let mut w = Vec::new();
    for l in s.trim_end_matches('.').split('.').filter(|l| !l.is_empty()) {
        w.push(l.len() as u8);
        w.extend_from_slice(l.as_bytes());
    }
    w.push(0);
    w
}

#[derive(Clone, Copy)]
struct Edns {
    size: u16,
    dnssec_ok: bool,
    version: u8,
}

const DO: Option<Edns> = Some(Edns { size: 1232, dnssec_ok: true, version: 0 });
const EDNS: Option<Edns> = Some(Edns { size: 1232, dnssec_ok: false, version: 0 });

fn query_class(id: u16, qname: &str, qtype: u16, qclass: u16, edns: Option<Edns>) -> Vec<u8> {
    let mut m = Vec::new();
    m.extend_from_slice(&id.to_be_bytes());
    m.extend_from_slice(&0x0100u16.to_be_bytes()); // RD
    m.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, edns.is_some() as u8]);
    m.extend_from_slice(&wire_name(qname));
    m.extend_from_slice(&qtype.to_be_bytes());
    m.extend_from_slice(&qclass.to_be_bytes());
    if let Some(e) = edns {
        m.push(0);
        m.extend_from_slice(&41u16.to_be_bytes());
        m.extend_from_slice(&e.size.to_be_bytes());
        m.extend_from_slice(&[0, e.version]);
        m.extend_from_slice(&(if e.dnssec_ok { 0x8000u16 } else { 0 }).to_be_bytes());
        m.extend_from_slice(&[0, 0]);
    }
    m
}

fn query(qname: &str, qtype: u16, edns: Option<Edns>) -> Vec<u8> {
    query_class(0x1234, qname, qtype, 1, edns)
}

/// An IXFR query carrying the client's SOA serial in the authority section.
fn ixfr_query(serial: u32) -> Vec<u8> {
    let mut m = query(".", 251, None);
    m[9] = 1; // NSCOUNT
    m.push(0);
    m.extend_from_slice(&6u16.to_be_bytes());
    m.extend_from_slice(&1u16.to_be_bytes());
    m.extend_from_slice(&0u32.to_be_bytes());
    let mut rdata = vec![0, 0];
    rdata.extend_from_slice(&serial.to_be_bytes());
    rdata.extend_from_slice(&[0; 16]);
    m.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    m.extend_from_slice(&rdata);
    m
}

#[derive(Debug, Clone)]
struct Rr {
    owner: String,
    rtype: u16,
    ttl: u32,
    rdata: Vec<u8>,
    /// The RDATA's start in the message, for names in it.
    at: usize,
}

#[derive(Debug)]
struct Resp {
    id: u16,
    flags: u16,
    rcode: u16,
    qname: Vec<u8>,
    answer: Vec<Rr>,
    authority: Vec<Rr>,
    additional: Vec<Rr>,
    opt: Option<(u16, u8, u8, bool)>,
    raw: Vec<u8>,
}

impl Resp {
    fn aa(&self) -> bool {
        self.flags & 0x0400 != 0
    }
    fn tc(&self) -> bool {
        self.flags & 0x0200 != 0
    }
    fn types(section: &[Rr]) -> Vec<(String, u16)> {
        section.iter().map(|r| (r.owner.clone(), r.rtype)).collect()
    }
    fn rrsig_covers(r: &Rr) -> u16 {
        u16::from_be_bytes([r.rdata[0], r.rdata[1]])
    }
    fn name_at(&self, at: usize) -> String {
        read_name(&self.raw, at).0
    }
}

/// Reads a possibly compressed name: (text, end of the name in place).
fn read_name(msg: &[u8], mut at: usize) -> (String, usize) {
    let mut out = String::new();
    let mut end = None;
    let mut hops = 0;
    loop {
        let len = msg[at] as usize;
        if len & 0xc0 == 0xc0 {
            let ptr = ((len & 0x3f) << 8) | msg[at + 1] as usize;
            end.get_or_insert(at + 2);
            assert!(ptr < at, "pointers point back");
            at = ptr;
            hops += 1;
            assert!(hops < 64);
            continue;
        }
        if len == 0 {
            let end = end.unwrap_or(at + 1);
            return (if out.is_empty() { ".".into() } else { out }, end);
        }
        out.push_str(&String::from_utf8_lossy(&msg[at + 1..at + 1 + len]));
        out.push('.');
        at += 1 + len;
    }
}

fn parse_resp(msg: &[u8]) -> Resp {
    let u16_at = |at: usize| u16::from_be_bytes([msg[at], msg[at + 1]]);
    let flags = u16_at(2);
    let counts = [u16_at(4), u16_at(6), u16_at(8), u16_at(10)];
    let mut at = 12;
    let mut qname = Vec::new();
    for _ in 0..counts[0] {
        let (_, end) = read_name(msg, at);
        qname = msg[at..end].to_vec();
        at = end + 4;
    }
    let mut sections: [Vec<Rr>; 3] = Default::default();
    let mut opt = None;
    for (i, section) in sections.iter_mut().enumerate() {
        for _ in 0..counts[i + 1] {
            let (owner, end) = read_name(msg, at);
            let rtype = u16_at(end);
            let class = u16_at(end + 2);
            let ttl = u32::from_be_bytes([msg[end + 4], msg[end + 5], msg[end + 6], msg[end + 7]]);
            let len = u16_at(end + 8) as usize;
            let rdata = msg[end + 10..end + 10 + len].to_vec();
            if rtype == 41 {
                opt = Some((class, (ttl >> 24) as u8, (ttl >> 16) as u8, ttl & 0x8000 != 0));
            } else {
                assert_eq!(class, 1);
                section.push(Rr { owner, rtype, ttl, rdata, at: end + 10 });
            }
            at = end + 10 + len;
        }
    }
    assert_eq!(at, msg.len(), "no trailing octets");
    let [answer, authority, additional] = sections;
    let rcode = (flags & 0xf) | ((opt.map(|o| o.1).unwrap_or(0) as u16) << 4);
    Resp { id: u16_at(0), flags, rcode, qname, answer, authority, additional, opt, raw: msg.to_vec() }
}

fn ask(s: &Served, q: &[u8], ctx: Context) -> Resp {
    match answer(Some(s), q, &ctx) {
        Reply::Message(m) => {
            if ctx == Context::udp() {
                assert!(m.len() <= MAX_UDP_SIZE, "{}", m.len());
            }
            parse_resp(&m)
        }
        other => panic!("expected one message, got {other:?}"),
    }
}

fn udp(s: &Served, q: &[u8]) -> Resp {
    ask(s, q, Context::udp())
}

fn transfer(s: &Served, q: &[u8], allowed: bool) -> Vec<Resp> {
    match answer(Some(s), q, &Context::tcp(allowed)) {
        Reply::Transfer(ms) => {
            assert!(ms.iter().all(|m| m.len() <= TRANSFER_MESSAGE_SIZE));
            ms.iter().map(|m| parse_resp(m)).collect()
        }
        other => panic!("expected a transfer, got {other:?}"),
    }
}

fn soa_serial_of(rr: &Rr, msg: &Resp) -> u32 {
    assert_eq!(rr.rtype, 6);
    let (_, m) = read_name(&msg.raw, rr.at);
    let (_, r) = read_name(&msg.raw, m);
    u32::from_be_bytes([msg.raw[r], msg.raw[r + 1], msg.raw[r + 2], msg.raw[r + 3]])
}

// ------------------------------------------------------- engine tests

#[test]
fn a_referral_has_no_aa_ns_in_authority_and_glue_in_additional() {
    let s = served(2026120100);
    let r = udp(&s, &query("www.example.aaa", 1, None));
    assert_eq!(r.id, 0x1234);
    assert_eq!(r.rcode, 0);
    assert!(!r.aa() && !r.tc(), "{:#x}", r.flags);
    assert_ne!(r.flags & 0x0100, 0, "RD is copied");
    assert!(r.answer.is_empty());
    assert_eq!(Resp::types(&r.authority), vec![("aaa.".into(), 2), ("aaa.".into(), 2)]);
    assert_eq!(Resp::types(&r.additional), vec![("ns1.nic.aaa.".into(), 1), ("ns2.nic.aaa.".into(), 1)]);
    assert!(r.opt.is_none(), "no OPT without one in the query");
    assert_eq!(r.additional[0].ttl, 172_800);

    // With DO: aaa has no DS, so its NSEC and RRSIG prove it.
    let r = udp(&s, &query("www.example.aaa", 1, DO));
    let types: Vec<u16> = r.authority.iter().map(|r| r.rtype).collect();
    assert_eq!(types, vec![2, 2, 47, 46]);
    assert_eq!(Resp::rrsig_covers(&r.authority[3]), 47);
    assert_eq!(r.opt, Some((MAX_UDP_SIZE as u16, 0, 0, true)), "our size, DO echoed");

    // fr: DS and its RRSIG; in-domain glue first, then sibling glue.
    let r = udp(&s, &query("www.example.fr", 28, DO));
    let types: Vec<u16> = r.authority.iter().map(|r| r.rtype).collect();
    assert_eq!(types, vec![2, 2, 43, 46]);
    assert_eq!(Resp::rrsig_covers(&r.authority[3]), 43);
    assert_eq!(Resp::types(&r.additional), vec![("d.nic.fr.".into(), 1), ("ns1.nic.net.".into(), 1)]);
    // The TLD itself, and a glue name, are referrals too.
    assert!(!udp(&s, &query("fr", 2, None)).aa());
    let g = udp(&s, &query("ns1.nic.aaa", 1, None));
    assert!(!g.aa() && g.answer.is_empty() && g.authority.len() == 2);
}

#[test]
fn a_ds_query_at_a_cut_is_answered_with_authority() {
    let s = served(2026120100);
    let r = udp(&s, &query("fr", 43, DO));
    assert!(r.aa());
    assert_eq!(Resp::types(&r.answer), vec![("fr.".into(), 43), ("fr.".into(), 46)]);
    assert!(r.authority.is_empty());
    let r = udp(&s, &query("fr", 43, None));
    assert_eq!(Resp::types(&r.answer), vec![("fr.".into(), 43)]);
    // No DS: NODATA, the SOA, and with DO aaa's NSEC.
    let r = udp(&s, &query("aaa", 43, DO));
    assert!(r.aa() && r.rcode == 0 && r.answer.is_empty());
    assert_eq!(
        Resp::types(&r.authority),
        vec![(".".into(), 6), (".".into(), 46), ("aaa.".into(), 47), ("aaa.".into(), 46)]
    );
    // DS below the cut is the child's: a referral.
    assert!(!udp(&s, &query("sub.fr", 43, DO)).aa());
}

#[test]
fn a_name_under_no_delegation_is_nxdomain_with_nsec_proofs() {
    let s = served(2026120100);
    let r = udp(&s, &query("www.nonexistent", 1, DO));
    assert_eq!(r.rcode, 3);
    assert!(r.aa());
    // net < nonexistent: net's NSEC covers it; the apex's covers `*.`.
    assert_eq!(
        Resp::types(&r.authority),
        vec![
            (".".into(), 6),
            (".".into(), 46),
            ("net.".into(), 47),
            ("net.".into(), 46),
            (".".into(), 47),
            (".".into(), 46)
        ]
    );
    let nsec = &r.authority[2];
    assert_eq!(r.name_at(nsec.at), ".", "net is the last: its NSEC points to the apex");
    // Before every TLD: the apex NSEC covers both, once.
    let r = udp(&s, &query("a", 1, DO));
    assert_eq!(Resp::types(&r.authority), vec![(".".into(), 6), (".".into(), 46), (".".into(), 47), (".".into(), 46)]);
    // Between: aaa < big < fr < net; "com" lies after big.
    let r = udp(&s, &query("com", 1, DO));
    assert_eq!(r.authority[2].owner, "big.");
    // Without DO: the SOA only.
    let r = udp(&s, &query("com", 1, None));
    assert_eq!(Resp::types(&r.authority), vec![(".".into(), 6)]);
}

#[test]
fn the_apex_answers_with_authority() {
    let s = served(2026120100);
    let r = udp(&s, &query(".", 6, DO));
    assert!(r.aa() && r.rcode == 0);
    assert_eq!(Resp::types(&r.answer), vec![(".".into(), 6), (".".into(), 46)]);
    assert_eq!(soa_serial_of(&r.answer[0], &r), 2026120100);
    let r = udp(&s, &query(".", 2, None));
    assert_eq!(r.answer.len(), 2);
    assert_eq!(
        Resp::types(&r.additional),
        vec![
            ("a.accord-servers.net.".into(), 1),
            ("a.accord-servers.net.".into(), 28),
            ("b.accord-servers.net.".into(), 1)
        ]
    );
    let r = udp(&s, &query(".", 48, DO));
    assert_eq!(r.answer.iter().map(|r| r.rtype).collect::<Vec<_>>(), vec![48, 48, 46]);
    for t in [47, 63] {
        let r = udp(&s, &query(".", t, DO));
        assert_eq!(r.answer.iter().map(|r| r.rtype).collect::<Vec<_>>(), vec![t, 46]);
    }
    // NODATA: SOA, apex NSEC, their RRSIGs.
    let r = udp(&s, &query(".", 16, DO));
    assert!(r.aa() && r.rcode == 0 && r.answer.is_empty());
    assert_eq!(r.authority.iter().map(|r| r.rtype).collect::<Vec<_>>(), vec![6, 46, 47, 46]);
    // ANY: the SOA only (RFC 8482).
    let r = udp(&s, &query(".", 255, None));
    assert_eq!(Resp::types(&r.answer), vec![(".".into(), 6)]);
    let r = udp(&s, &query(".", 46, DO));
    assert_eq!(r.answer.len(), 5, "every apex RRSIG");
}

#[test]
fn edns_sizes_versions_and_errors() {
    let s = served(2026120100);
    // Version 1: BADVERS (extended RCODE 1), with an OPT.
    let r = udp(&s, &query("aaa", 1, Some(Edns { size: 1232, dnssec_ok: false, version: 1 })));
    assert_eq!(r.rcode, 16);
    assert!(r.opt.is_some() && r.authority.is_empty());
    // A class other than IN (CH TXT version.bind): REFUSED.
    assert_eq!(udp(&s, &query_class(7, "version.bind", 16, 3, None)).rcode, 5);
    // NOTIFY and other opcodes: NOTIMP.
    let mut q = query(".", 6, None);
    q[2] = 4 << 3;
    assert_eq!(udp(&s, &q).rcode, 4);
    // QR set: no answer. Under a header: no answer.
    let mut q = query(".", 6, None);
    q[2] |= 0x80;
    assert_eq!(answer(Some(&s), &q, &Context::udp()), Reply::Drop);
    assert_eq!(answer(Some(&s), &[1, 2, 3], &Context::udp()), Reply::Drop);
    // QDCOUNT 0 or 2, a cut question, garbage, two OPTs: FORMERR.
    let mut q = query(".", 6, None);
    q[5] = 0;
    assert_eq!(udp(&s, &q).rcode, 1);
    let mut q = query(".", 6, None);
    q[5] = 2;
    assert_eq!(udp(&s, &q).rcode, 1);
    let q = query("www.example.aaa", 1, None);
    assert_eq!(udp(&s, &q[..q.len() - 3]).rcode, 1);
    assert_eq!(udp(&s, &[0xab, 0xcd, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c, 0, 1, 0, 1]).rcode, 1);
    let mut q = query("aaa", 1, DO);
    let opt = q[q.len() - 11..].to_vec();
    q.extend_from_slice(&opt);
    q[11] = 2;
    assert_eq!(udp(&s, &q).rcode, 1);
    // Client sizes below 512 count as 512; above 1232 as 1232.
    let r = udp(&s, &query("www.big", 1, Some(Edns { size: 100, dnssec_ok: true, version: 0 })));
    assert!(r.tc() && r.raw.len() <= PLAIN_UDP_SIZE);
    let r = udp(&s, &query("www.big", 1, Some(Edns { size: 65000, dnssec_ok: true, version: 0 })));
    assert!(r.raw.len() <= MAX_UDP_SIZE);
    // Before any publish: SERVFAIL.
    match answer(None, &query("aaa", 1, None), &Context::udp()) {
        Reply::Message(m) => assert_eq!(parse_resp(&m).rcode, 2),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_referral_over_512_octets_is_truncated_without_edns_and_whole_over_tcp() {
    let s = served(2026120100);
    let r = udp(&s, &query("www.big", 1, None));
    assert!(r.tc(), "in-domain glue does not fit in 512: TC (RFC 9471)");
    assert!(r.raw.len() <= PLAIN_UDP_SIZE);
    assert_eq!(r.authority.len(), 13, "the NS RRset fits");
    let r = udp(&s, &query("www.big", 1, EDNS));
    assert!(!r.tc());
    assert_eq!(r.additional.len(), 26);
    let r = ask(&s, &query("www.big", 1, None), Context::tcp(false));
    assert!(!r.tc() && r.additional.len() == 26);
}

#[test]
fn the_question_is_echoed_as_sent() {
    let s = served(2026120100);
    let r = udp(&s, &query("WwW.ExAmPlE.AaA", 1, DO));
    assert_eq!(r.qname, wire_name("WwW.ExAmPlE.AaA"));
    assert_eq!(r.authority[0].owner, "AaA.", "names compress against the question, case-insensitively");
    let r = udp(&s, &query("NoNeXiStEnT", 1, DO));
    assert_eq!(r.qname, wire_name("NoNeXiStEnT"));
    assert_eq!(r.rcode, 3);
    let r = udp(&s, &query("FR", 43, None));
    assert!(r.aa() && r.answer.len() == 1);
}

fn cached(cache: &mut ResponseCache, version: u64, s: &Served, q: &[u8]) -> Vec<u8> {
    match cache.answer(version, Some(s), q, &Context::udp()) {
        Cached::Bytes(b) => b.to_vec(),
        Cached::Owned(v) => v,
        Cached::Drop => Vec::new(),
    }
}

#[test]
fn the_response_cache_gives_what_the_engine_gives() {
    let s = served(2026120100);
    let mut cache = ResponseCache::new();
    // Names of one length under one TLD share a referral entry unless they
    // share more than the TLD with a name server's name (nic.aaa, nic.fr).
    let names = [
        "www.example.aaa",
        "WWW.EXAMPLE.AAA",
        "abc.example.aaa",
        "www.Exbmple.aaa",
        "www.nic.aaa",
        "ns1.nic.aaa",
        "NS2.NIC.AAA",
        "abc.nic.aaa",
        "abc.nid.aaa",
        "nic.aaa",
        "nid.aaa",
        "d.nic.fr",
        "e.nic.fr",
        "e.nid.fr",
        "ns1.nic.net",
        "ns1.nid.net",
        "nonexistent",
        "FR",
        ".",
        "www.big",
        "www.nic.big",
        "x.0.nic.big",
        "nnnnnnnn.0.nic.big",
    ];
    for round in 0..3 {
        for (i, n) in names.iter().enumerate() {
            for (t, edns) in
                [(1, None), (43, DO), (28, EDNS), (2, Some(Edns { size: 700, dnssec_ok: true, version: 0 }))]
            {
                let mut q = query(n, t, edns);
                q[0] = (round * 31 + i) as u8;
                q[1] = t as u8;
                if round == 1 {
                    q[2] &= !0x01; // RD off
                    q[3] |= 0x10; // CD on
                }
                let fresh = match answer(Some(&s), &q, &Context::udp()) {
                    Reply::Message(m) => m,
                    other => panic!("{other:?}"),
                };
                assert_eq!(cached(&mut cache, 1, &s, &q), fresh, "{n} {t} round {round}");
            }
        }
    }
    assert!(cache.hits > cache.misses, "{} hits, {} misses", cache.hits, cache.misses);
    // Errors and transfers are answered, not kept.
    let before = cache.len();
    cached(&mut cache, 1, &s, &query_class(7, "version.bind", 16, 3, None));
    cached(&mut cache, 1, &s, &ixfr_query(1));
    assert_eq!(cache.len(), before);
    // A new version empties it.
    let s2 = served(2026120101);
    let q = query(".", 6, None);
    let r = parse_resp(&cached(&mut cache, 2, &s2, &q));
    assert_eq!(soa_serial_of(&r.answer[0], &r), 2026120101);
    assert_eq!(cache.len(), 1);
    // Bounded.
    for i in 0..(CACHE_ENTRIES + 100) {
        cached(&mut cache, 2, &s2, &query(&format!("n{i}.nonexistent"), 1, None));
        assert!(cache.len() <= CACHE_ENTRIES);
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_and_mutated_queries_never_panic_and_stay_bounded() {
    let s = served(2026120100);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let seeds = [
        query("www.example.aaa", 1, DO),
        query("fr", 43, DO),
        query(".", 2, None),
        query("nonexistent", 28, EDNS),
        query("www.big", 1, None),
        ixfr_query(5),
        query(".", 252, None),
    ];
    let mut answered = 0;
    let mut cache = ResponseCache::new();
    for i in 0..30_000 {
        let q: Vec<u8> = if i % 3 == 0 {
            (0..rng.below(80)).map(|_| rng.next() as u8).collect()
        } else {
            let mut q = seeds[rng.below(seeds.len())].clone();
            for _ in 0..1 + rng.below(4) {
                match rng.below(4) {
                    0 if !q.is_empty() => {
                        let at = rng.below(q.len());
                        q[at] = rng.next() as u8;
                    }
                    1 if !q.is_empty() => q.truncate(rng.below(q.len())),
                    2 => q.push(rng.next() as u8),
                    _ if q.len() > 12 => {
                        let at = 12 + rng.below(q.len() - 12);
                        q[at] ^= 1 << rng.below(8);
                    }
                    _ => {}
                }
            }
            q
        };
        let via_cache = cached(&mut cache, 1, &s, &q);
        assert!(via_cache.len() <= MAX_UDP_SIZE);
        if let Reply::Message(m) = answer(Some(&s), &q, &Context::udp()) {
            assert_eq!(via_cache, m, "the cache gives what the engine gives");
        }
        for ctx in [Context::udp(), Context::tcp(true)] {
            match answer(Some(&s), &q, &ctx) {
                Reply::Drop => {}
                Reply::Message(m) => {
                    answered += 1;
                    let limit = if ctx == Context::udp() { MAX_UDP_SIZE } else { 65_535 };
                    assert!(m.len() <= limit, "{} octets for {q:?}", m.len());
                    assert!(m.len() >= 12);
                    assert_eq!(m[..2], q[..2], "the id is echoed");
                    assert_ne!(m[2] & 0x80, 0, "QR");
                    parse_resp(&m);
                }
                Reply::Transfer(ms) => {
                    assert!(ms.iter().all(|m| m.len() <= TRANSFER_MESSAGE_SIZE));
                }
            }
        }
    }
    assert!(answered > 20_000, "{answered}");
}

#[test]
fn axfr_sends_every_record_soa_first_and_last_to_allowed_clients_only() {
    let s = served(2026120100);
    let q = query(".", 252, None);
    let ms = transfer(&s, &q, true);
    let all: Vec<&Rr> = ms.iter().flat_map(|m| m.answer.iter()).collect();
    assert_eq!(all.len(), s.zone().records().count() + 1);
    assert_eq!(all[0].rtype, 6);
    assert_eq!(all[all.len() - 1].rtype, 6);
    assert!(all[1..all.len() - 1].iter().all(|r| r.rtype != 6));
    assert!(ms.iter().all(|m| m.aa() && m.rcode == 0));
    assert_eq!(ask(&s, &q, Context::tcp(false)).rcode, 5, "not allowed: REFUSED");
    assert_eq!(udp(&s, &q).rcode, 5, "AXFR over UDP: REFUSED");
    assert_eq!(ask(&s, &query("aaa", 252, None), Context::tcp(true)).rcode, 5, "only the root zone");
}

#[test]
fn axfr_of_the_real_root_zone_spans_many_whole_messages() {
    let Some(reg) = imported_registry() else { return };
    let zone = SignedZone::build(&reg, &plan(2026120100), &mut signer()).unwrap();
    let count = zone.records().count();
    let s = Served::new(zone, None).unwrap();
    let ms = transfer(&s, &query(".", 252, None), true);
    assert!(ms.len() > 20, "{} messages", ms.len());
    let n: usize = ms.iter().map(|m| m.answer.len()).sum();
    assert_eq!(n, count + 1);
}

#[test]
fn ixfr_sends_the_differences_from_a_known_serial() {
    let zones = Zones::new();
    zones.publish(small_zone(2026120100)).unwrap();
    let mut reg = small_registry();
    reg.delegations.get_mut(&Tld::parse("aaa").unwrap()).unwrap().ds.insert(Ds {
        key_tag: 2,
        algorithm: 15,
        digest_type: 2,
        digest: vec![1; 32],
    });
    zones.publish(SignedZone::build(&reg, &plan(2026120101), &mut signer()).unwrap()).unwrap();
    assert!(zones.publish(small_zone(2026120100)).is_err(), "an older serial is refused");
    assert_eq!(zones.current_serial(), Some(2026120101));
    let s = zones.current().unwrap();
    let ms = transfer(&s, &ixfr_query(2026120100), true);
    let all: Vec<(&Rr, &Resp)> = ms.iter().flat_map(|m| m.answer.iter().map(move |r| (r, m))).collect();
    let soas: Vec<(usize, u32)> =
        all.iter().enumerate().filter(|(_, (r, _))| r.rtype == 6).map(|(i, (r, m))| (i, soa_serial_of(r, m))).collect();
    assert_eq!(soas.iter().map(|s| s.1).collect::<Vec<_>>(), vec![2026120101, 2026120100, 2026120101, 2026120101]);
    assert_eq!(soas[0].0, 0);
    assert_eq!(soas[3].0, all.len() - 1);
    let added: Vec<&Rr> = all[soas[2].0 + 1..soas[3].0].iter().map(|(r, _)| *r).collect();
    assert!(added.iter().any(|r| r.owner == "aaa." && r.rtype == 43), "the new DS is added");
    // From the current serial: the SOA alone; from an unknown one: AXFR-style.
    let r = ask(&s, &ixfr_query(2026120101), Context::tcp(true));
    assert_eq!(r.answer.len(), 1);
    let full = transfer(&s, &ixfr_query(7), true);
    assert_eq!(full.iter().map(|m| m.answer.len()).sum::<usize>(), s.zone().records().count() + 1);
    // Over UDP: the SOA when up to date, else TC.
    let udp_allowed = Context { transport: Transport::Udp, transfer_allowed: true };
    assert_eq!(ask(&s, &ixfr_query(2026120101), udp_allowed).answer.len(), 1);
    assert!(ask(&s, &ixfr_query(2026120100), udp_allowed).tc());
    assert_eq!(udp(&s, &ixfr_query(2026120101)).rcode, 5, "not allowed: REFUSED");
}

#[test]
fn the_history_keeps_a_bounded_number_of_versions() {
    let zones = Zones::new();
    for i in 0..(HISTORY as u32 + 8) {
        zones.publish(small_zone(2026120100 + i)).unwrap();
    }
    let s = zones.current().unwrap();
    let serials = s.history_serials();
    assert_eq!(serials.len(), HISTORY);
    assert_eq!(serials[0], 2026120100 + 7);
    let oldest = transfer(&s, &ixfr_query(2026120100 + 7), true);
    let soas: usize = oldest.iter().map(|m| m.answer.iter().filter(|r| r.rtype == 6).count()).sum();
    assert_eq!(soas, 2 * HISTORY + 2, "incremental from the oldest kept serial");
    let older = transfer(&s, &ixfr_query(2026120100 + 6), true);
    let soas: usize = older.iter().map(|m| m.answer.iter().filter(|r| r.rtype == 6).count()).sum();
    assert_eq!(soas, 2, "older than the history: the whole zone");
}

// ------------------------------------------------------- end to end

fn kdig(server: SocketAddr, args: &[&str]) -> Option<String> {
    let kdig = tool("kdig")?;
    let out = Command::new(kdig)
        .arg(format!("@{}", server.ip()))
        .arg("-p")
        .arg(server.port().to_string())
        .args(["+time=2", "+retry=1"])
        .args(args)
        .output()
        .unwrap();
    Some(format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn local_config() -> DnsConfig {
    let mut cfg = DnsConfig::new("127.0.0.1:0".parse().unwrap());
    cfg.workers = 2;
    cfg.transfer_allow = vec!["127.0.0.1".parse().unwrap()];
    cfg
}

fn section<'a>(out: &'a str, title: &str) -> Vec<&'a str> {
    let mut lines = out.lines().skip_while(|l| !l.starts_with(&format!(";; {title} SECTION"))).skip(1);
    let mut v = Vec::new();
    for l in lines.by_ref() {
        if l.trim().is_empty() || l.starts_with(";;") {
            break;
        }
        v.push(l);
    }
    v
}

/// A presentation line's owner and type.
fn owner_type(l: &str) -> (&str, &str) {
    let f: Vec<&str> = l.split_whitespace().collect();
    (f.first().copied().unwrap_or(""), f.get(3).copied().unwrap_or(""))
}

fn has(lines: &[&str], owner: &str, rtype: &str) -> bool {
    lines.iter().any(|l| owner_type(l) == (owner, rtype))
}

fn count_type(lines: &[&str], rtype: &str) -> usize {
    lines.iter().filter(|l| owner_type(l).1 == rtype).count()
}

#[test]
fn kdig_gets_referrals_proofs_and_answers_over_udp_and_tcp() {
    let zones = Zones::new();
    zones.publish(small_zone(2026120100)).unwrap();
    let server = serve(local_config(), zones).unwrap();
    let addr = server.local_addr();
    assert_ne!(addr.port(), 0);
    let Some(out) = kdig(addr, &["www.example.aaa", "A"]) else { return };
    assert!(out.contains("status: NOERROR"), "{out}");
    let flags = out.lines().find(|l| l.contains("Flags:")).unwrap();
    assert!(!flags.contains(" aa"), "{flags}");
    let auth = section(&out, "AUTHORITY");
    assert!(has(&auth, "aaa.", "NS") && auth.iter().any(|l| l.contains("ns1.nic.aaa.")), "{out}");
    let add = section(&out, "ADDITIONAL");
    assert!(has(&add, "ns1.nic.aaa.", "A"), "{out}");

    let out = kdig(addr, &["+dnssec", "www.example.fr", "A"]).unwrap();
    let auth = section(&out, "AUTHORITY");
    assert!(has(&auth, "fr.", "DS"), "{out}");
    assert!(auth.iter().any(|l| owner_type(l) == ("fr.", "RRSIG") && l.contains("RRSIG\tDS ")), "{out}");

    let out = kdig(addr, &["+dnssec", "www.nonexistent", "A"]).unwrap();
    assert!(out.contains("status: NXDOMAIN"), "{out}");
    let auth = section(&out, "AUTHORITY");
    assert!(has(&auth, "net.", "NSEC") && has(&auth, ".", "NSEC"), "{out}");
    assert_eq!(count_type(&auth, "RRSIG"), 3, "{out}");

    let out = kdig(addr, &["+tcp", "+dnssec", ".", "DNSKEY"]).unwrap();
    assert!(out.contains("TCP"), "{out}");
    let flags = out.lines().find(|l| l.contains("Flags:")).unwrap();
    assert!(flags.contains(" aa"), "{flags}");
    assert_eq!(count_type(&section(&out, "ANSWER"), "DNSKEY"), 2, "{out}");

    // Over UDP without EDNS, big's referral is cut: kdig sees TC.
    let out = kdig(addr, &["+noedns", "+ignore", "www.big", "A"]).unwrap();
    assert!(out.lines().find(|l| l.contains("Flags:")).unwrap().contains(" tc"), "{out}");
    server.shutdown();
}

fn axfr_records(out: &str) -> Vec<&str> {
    out.lines().filter(|l| !l.starts_with(';') && !l.trim().is_empty()).collect()
}

#[test]
fn kdig_transfers_the_real_root_zone() {
    let Some(reg) = imported_registry() else { return };
    let zone = SignedZone::build(&reg, &plan(2026120100), &mut signer()).unwrap();
    let count = zone.records().count();
    let zones = Zones::new();
    zones.publish(zone).unwrap();
    let server = serve(local_config(), zones).unwrap();
    let Some(out) = kdig(server.local_addr(), &["AXFR", "."]) else { return };
    let recs = axfr_records(&out);
    assert_eq!(recs.len(), count + 1, "{}", &out[out.len().saturating_sub(2000)..]);
    assert!(owner_type(recs[0]) == (".", "SOA") && owner_type(recs[recs.len() - 1]) == (".", "SOA"));
    assert!(has(&recs, "com.", "NS"));
    assert_eq!(count_type(&recs, "SOA"), 2);
}

#[test]
fn kdig_transfers_differences_after_a_publish_and_is_refused_elsewhere() {
    let zones = Zones::new();
    zones.publish(small_zone(2026120100)).unwrap();
    let mut cfg = local_config();
    cfg.transfer_allow = vec!["127.0.0.2".parse().unwrap()];
    let server = serve(cfg, zones.clone()).unwrap();
    let addr = server.local_addr();
    let Some(out) = kdig(addr, &["AXFR", "."]) else { return };
    assert!(out.contains("REFUSED"), "{out}");
    let out = kdig(addr, &["-b", "127.0.0.2", "AXFR", "."]).unwrap();
    assert_eq!(axfr_records(&out).len(), small_zone(2026120100).records().count() + 1, "{out}");

    let mut reg = small_registry();
    reg.delegations.remove(&Tld::parse("big").unwrap());
    zones.publish(SignedZone::build(&reg, &plan(2026120101), &mut signer()).unwrap()).unwrap();
    let out = kdig(addr, &["-b", "127.0.0.2", "IXFR=2026120100", "."]).unwrap();
    let recs = axfr_records(&out);
    let soas: Vec<&&str> = recs.iter().filter(|l| owner_type(l).1 == "SOA").collect();
    assert_eq!(soas.len(), 4, "{out}");
    assert!(soas[1].contains(" 2026120100 "), "{out}");
    assert!(recs.iter().any(|l| l.contains("nic.big.")), "big's glue is deleted: {out}");
    assert!(recs.len() < small_zone(2026120100).records().count(), "{out}");
    server.shutdown();
}

#[test]
fn notify_reaches_a_secondary_after_publish() {
    let secondary = UdpSocket::bind("127.0.0.1:0").unwrap();
    secondary.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let zones = Zones::new();
    zones.publish(small_zone(2026120100)).unwrap();
    let mut cfg = local_config();
    cfg.notify = vec![secondary.local_addr().unwrap()];
    let server = serve(cfg, zones.clone()).unwrap();
    zones.publish(small_zone(2026120101)).unwrap();
    let mut buf = [0u8; 512];
    // Not answered at first: it comes again.
    let (n, _) = secondary.recv_from(&mut buf).unwrap();
    let first = buf[..n].to_vec();
    let t = Instant::now();
    let (n, from) = secondary.recv_from(&mut buf).unwrap();
    assert!(t.elapsed() >= Duration::from_millis(300), "a retry waits");
    assert_eq!(buf[..n], first[..], "the same NOTIFY again");
    let f = u16::from_be_bytes([buf[2], buf[3]]);
    assert_eq!((f >> 11) & 0xf, 4, "opcode NOTIFY");
    assert_ne!(f & 0x0400, 0, "AA");
    assert_eq!(f & 0x8000, 0, "a query");
    let m = {
        // Parse it as a response-shaped message to read the SOA.
        let mut copy = buf[..n].to_vec();
        copy[2] |= 0x80;
        parse_resp(&copy)
    };
    assert_eq!(m.qname, vec![0]);
    assert_eq!(soa_serial_of(&m.answer[0], &m), 2026120101);
    // Answer it: no more retries.
    let mut reply = buf[..12].to_vec();
    reply[2] |= 0x80;
    reply.extend_from_slice(&[0, 6, 0, 1]);
    reply[4..6].copy_from_slice(&[0, 1]);
    reply[6..12].copy_from_slice(&[0; 6]);
    let mut reply = reply[..12].to_vec();
    reply.extend_from_slice(&[0, 0, 6, 0, 1]);
    secondary.send_to(&reply, from).unwrap();
    secondary.set_read_timeout(Some(Duration::from_millis(1500))).unwrap();
    assert!(secondary.recv_from(&mut buf).is_err(), "answered: no more NOTIFY");
    server.shutdown();
}

fn tcp_query(s: &mut TcpStream, q: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut framed = (q.len() as u16).to_be_bytes().to_vec();
    framed.extend_from_slice(q);
    s.write_all(&framed)?;
    let mut len = [0u8; 2];
    s.read_exact(&mut len)?;
    let mut m = vec![0u8; u16::from_be_bytes(len) as usize];
    s.read_exact(&mut m)?;
    Ok(m)
}

fn closed(s: &mut TcpStream) -> bool {
    s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    let mut b = [0u8; 1];
    matches!(s.read(&mut b), Ok(0) | Err(_))
}

#[test]
fn tcp_limits_hold_and_a_hostile_client_does_not_stall_udp() {
    let zones = Zones::new();
    zones.publish(small_zone(2026120100)).unwrap();
    let mut cfg = local_config();
    cfg.max_tcp_connections = 3;
    cfg.tcp_idle = Duration::from_millis(400);
    cfg.tcp_max_queries = 3;
    let server = serve(cfg, zones).unwrap();
    let addr = server.local_addr();
    // Several queries on one connection, up to the bound.
    let mut c = TcpStream::connect(addr).unwrap();
    for _ in 0..3 {
        let m = tcp_query(&mut c, &query("www.big", 1, None)).unwrap();
        let r = parse_resp(&m);
        assert!(!r.tc() && r.additional.len() == 26);
    }
    assert!(tcp_query(&mut c, &query("aaa", 1, None)).is_err() || closed(&mut c), "past the bound: closed");
    // Idle connections, up to the bound; past it, closed at once.
    let mut idle: Vec<TcpStream> = (0..3).map(|_| TcpStream::connect(addr).unwrap()).collect();
    // A hostile one sends half a length prefix and stalls.
    idle[0].write_all(&[0]).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let mut extra = TcpStream::connect(addr).unwrap();
    assert!(closed(&mut extra), "over the connection bound");
    // UDP meanwhile answers at once.
    let u = UdpSocket::bind("127.0.0.1:0").unwrap();
    u.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    u.send_to(&query("aaa", 1, None), addr).unwrap();
    let mut buf = [0u8; 1500];
    let (n, _) = u.recv_from(&mut buf).unwrap();
    assert_eq!(parse_resp(&buf[..n]).id, 0x1234);
    // The idle ones are closed after the idle time.
    let t = Instant::now();
    for s in &mut idle {
        assert!(closed(s));
    }
    assert!(t.elapsed() < Duration::from_secs(2));
    // Then new connections are served again.
    std::thread::sleep(Duration::from_millis(100));
    let mut c = TcpStream::connect(addr).unwrap();
    assert!(tcp_query(&mut c, &query("aaa", 1, None)).is_ok());
    // Garbage over TCP: FORMERR or closed, never a hang.
    let mut g = TcpStream::connect(addr).unwrap();
    g.write_all(&[0, 5, 1, 2, 3, 4, 5]).unwrap();
    assert!(closed(&mut g), "a message under a header gets no answer, then the idle close");
    drop(g);
    server.shutdown();
}

/// A process this test started, killed by its PID when dropped.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    // A port free for both UDP and TCP on loopback, at the time of asking.
    loop {
        let u = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = u.local_addr().unwrap().port();
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

fn soa_serial_at(addr: SocketAddr) -> Option<u32> {
    let out = kdig(addr, &["+short", ".", "SOA"])?;
    out.split_whitespace().nth(2)?.parse().ok()
}

fn wait_for_serial(addr: SocketAddr, serial: u32, within: Duration) -> bool {
    let t = Instant::now();
    while t.elapsed() < within {
        if soa_serial_at(addr) == Some(serial) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}

#[test]
fn nsd_as_a_secondary_follows_each_publish() {
    let (Some(nsd), Some(_)) = (tool("nsd"), tool("kdig")) else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let nsd_port = free_port();
    let nsd_addr: SocketAddr = format!("127.0.0.1:{nsd_port}").parse().unwrap();
    let zones = Zones::new();
    zones.publish(small_zone(2026120100)).unwrap();
    let mut cfg = local_config();
    cfg.notify = vec![nsd_addr];
    let server = serve(cfg, zones.clone()).unwrap();
    let primary = server.local_addr();
    let conf = format!(
        "server:\n  ip-address: 127.0.0.1@{nsd_port}\n  server-count: 1\n  username: \"\"\n  chroot: \"\"\n  \
         zonesdir: \"{d}\"\n  database: \"\"\n  pidfile: \"{d}/nsd.pid\"\n  xfrdfile: \"{d}/xfrd.state\"\n  \
         zonelistfile: \"{d}/zone.list\"\n  xfrdir: \"{d}\"\n  verbosity: 2\n\
         remote-control:\n  control-enable: no\n\
         zone:\n  name: \".\"\n  zonefile: \"{d}/root.zone\"\n  \
         request-xfr: AXFR 127.0.0.1@{port} NOKEY\n  allow-notify: 127.0.0.1 NOKEY\n",
        d = d.display(),
        port = primary.port()
    );
    std::fs::write(d.join("nsd.conf"), conf).unwrap();
    let log = std::fs::File::create(d.join("nsd.log")).unwrap();
    let _nsd = Child(
        Command::new(nsd)
            .arg("-d")
            .arg("-c")
            .arg(d.join("nsd.conf"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    let log = || std::fs::read_to_string(d.join("nsd.log")).unwrap_or_default();
    assert!(wait_for_serial(nsd_addr, 2026120100, Duration::from_secs(20)), "NSD never loaded the zone: {}", log());
    let mut reg = small_registry();
    reg.delegations.remove(&Tld::parse("big").unwrap());
    zones.publish(SignedZone::build(&reg, &plan(2026120101), &mut signer()).unwrap()).unwrap();
    assert!(wait_for_serial(nsd_addr, 2026120101, Duration::from_secs(10)), "NSD missed the NOTIFY: {}", log());
    // NSD serves what we serve: big is gone there too.
    let out = kdig(nsd_addr, &["www.big", "A"]).unwrap();
    assert!(out.contains("NXDOMAIN"), "{out}");
    server.shutdown();
}

#[test]
fn knot_as_a_secondary_follows_each_publish() {
    let (Some(knotd), Some(_)) = (tool("knotd"), tool("kdig")) else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let knot_port = free_port();
    let knot_addr: SocketAddr = format!("127.0.0.1:{knot_port}").parse().unwrap();
    let zones = Zones::new();
    zones.publish(small_zone(2026120100)).unwrap();
    let mut cfg = local_config();
    cfg.notify = vec![knot_addr];
    let server = serve(cfg, zones.clone()).unwrap();
    let primary = server.local_addr();
    let conf = format!(
        "server:\n  rundir: \"{d}\"\n  listen: 127.0.0.1@{knot_port}\n\
         database:\n  storage: \"{d}\"\n\
         log:\n  - target: stderr\n    any: info\n\
         remote:\n  - id: primary\n    address: 127.0.0.1@{port}\n\
         acl:\n  - id: notify\n    address: 127.0.0.1\n    action: notify\n\
         template:\n  - id: default\n    storage: \"{d}\"\n\
         zone:\n  - domain: .\n    master: primary\n    acl: notify\n",
        d = d.display(),
        port = primary.port()
    );
    std::fs::write(d.join("knot.conf"), conf).unwrap();
    let log = std::fs::File::create(d.join("knot.log")).unwrap();
    let _knot = Child(
        Command::new(knotd)
            .arg("-c")
            .arg(d.join("knot.conf"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    let log = || std::fs::read_to_string(d.join("knot.log")).unwrap_or_default();
    assert!(wait_for_serial(knot_addr, 2026120100, Duration::from_secs(20)), "Knot never loaded the zone: {}", log());
    let mut reg = small_registry();
    reg.delegations.remove(&Tld::parse("big").unwrap());
    zones.publish(SignedZone::build(&reg, &plan(2026120101), &mut signer()).unwrap()).unwrap();
    assert!(wait_for_serial(knot_addr, 2026120101, Duration::from_secs(10)), "Knot missed the NOTIFY: {}", log());
    let l = log();
    assert!(l.contains("IXFR, incoming") && !l.contains("fallback to AXFR"), "Knot takes the change by IXFR: {l}");
    let out = kdig(knot_addr, &["www.big", "A"]).unwrap();
    assert!(out.contains("NXDOMAIN"), "{out}");
    server.shutdown();
}
