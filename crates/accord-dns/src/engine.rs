//! The answer engine: a pure function of the served zone, the query's
//! octets and the transport, giving the response's octets. No sockets, no
//! clock: unit-testable on byte messages.

use crate::parse::{
    parse, Parsed, Query, FLAG_AA, FLAG_CD, FLAG_QR, FLAG_RD, FLAG_TC, OPCODE_MASK, TYPE_AXFR, TYPE_IXFR,
};
use crate::served::Served;
use accord_zone::message::{MessageWriter, Section};
use accord_zone::referral::Referral;
use accord_zone::wire::{Record, Rtype, CLASS_IN};
use accord_zone::zone::RrSet;

/// A UDP response's limit without EDNS (RFC 1035 §4.2.1).
pub const PLAIN_UDP_SIZE: usize = 512;
/// The largest UDP response we send, and the size our OPT advertises: the
/// DNS flag day 2020 value, which avoids IP fragmentation.
pub const MAX_UDP_SIZE: usize = 1_232;
/// A TCP message's limit (the 2-octet length prefix, RFC 1035 §4.2.2).
pub const TCP_MESSAGE_SIZE: usize = 65_535;
/// The size each AXFR/IXFR message is filled to (RFC 5936 §2.2: many
/// messages, every record whole).
pub const TRANSFER_MESSAGE_SIZE: usize = 16_384;
/// An OPT record without options.
const OPT_LEN: usize = 11;

pub const RCODE_NOERROR: u16 = 0;
pub const RCODE_FORMERR: u16 = 1;
pub const RCODE_SERVFAIL: u16 = 2;
pub const RCODE_NXDOMAIN: u16 = 3;
pub const RCODE_NOTIMP: u16 = 4;
pub const RCODE_REFUSED: u16 = 5;
/// BADVERS (16): header RCODE 0, extended RCODE 1 in the OPT.
const EXTENDED_BADVERS: u8 = 1;

/// How the query came.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Udp,
    Tcp,
}

/// What the answer may depend on besides the query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Context {
    pub transport: Transport,
    /// The client may transfer the zone (and a transfer slot is free).
    pub transfer_allowed: bool,
}

impl Context {
    pub fn udp() -> Context {
        Context { transport: Transport::Udp, transfer_allowed: false }
    }

    pub fn tcp(transfer_allowed: bool) -> Context {
        Context { transport: Transport::Tcp, transfer_allowed }
    }
}

/// What to send back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Nothing: not a query we can answer even with an error.
    Drop,
    Message(Vec<u8>),
    /// A zone transfer: several messages, in order (TCP only).
    Transfer(Vec<Vec<u8>>),
}

fn header_only(id: u16, flags: u16, rcode: u16) -> Vec<u8> {
    let flags = FLAG_QR | (flags & (OPCODE_MASK | FLAG_RD | FLAG_CD)) | rcode;
    let mut v = Vec::with_capacity(12);
    v.extend_from_slice(&id.to_be_bytes());
    v.extend_from_slice(&flags.to_be_bytes());
    v.extend_from_slice(&[0; 8]);
    v
}

/// Answers one message. `served` is `None` before any zone is published
/// (then every query gets SERVFAIL).
pub fn answer(served: Option<&Served>, msg: &[u8], ctx: &Context) -> Reply {
    let q = match parse(msg) {
        Parsed::Drop => return Reply::Drop,
        Parsed::FormErr { id, flags } => return Reply::Message(header_only(id, flags, RCODE_FORMERR)),
        Parsed::NotImp { id, flags } => return Reply::Message(header_only(id, flags, RCODE_NOTIMP)),
        Parsed::Query(q) => q,
    };
    answer_query(served, &q, ctx)
}

/// Answers a query that parsed.
pub fn answer_query(served: Option<&Served>, q: &Query<'_>, ctx: &Context) -> Reply {
    let out = Out::new(q, ctx.transport);
    if q.edns.is_some_and(|e| e.version > 0) {
        return Reply::Message(out.start(0, 0).finish_ext(EXTENDED_BADVERS));
    }
    if q.qclass != CLASS_IN {
        return Reply::Message(out.start(RCODE_REFUSED, 0).finish());
    }
    let Some(served) = served else {
        return Reply::Message(out.start(RCODE_SERVFAIL, 0).finish());
    };
    match q.qtype {
        TYPE_AXFR | TYPE_IXFR => transfer(served, q, ctx, out),
        _ => Reply::Message(lookup(served, q, out)),
    }
}

/// The response being written, with what the query asked of it.
struct Out<'q> {
    q: &'q Query<'q>,
    limit: usize,
    dnssec_ok: bool,
}

/// A message under way.
struct Msg<'q> {
    w: MessageWriter,
    q: &'q Query<'q>,
    limit: usize,
}

impl<'q> Out<'q> {
    fn new(q: &'q Query<'q>, transport: Transport) -> Out<'q> {
        let limit = match (transport, q.edns) {
            (Transport::Tcp, _) => TCP_MESSAGE_SIZE,
            (Transport::Udp, None) => PLAIN_UDP_SIZE,
            (Transport::Udp, Some(e)) => (e.udp_size as usize).clamp(PLAIN_UDP_SIZE, MAX_UDP_SIZE),
        };
        Out { q, limit, dnssec_ok: q.dnssec_ok() }
    }

    fn start(&self, rcode: u16, flags: u16) -> Msg<'q> {
        self.start_limited(rcode, flags, self.limit)
    }

    fn start_limited(&self, rcode: u16, flags: u16, limit: usize) -> Msg<'q> {
        let q = self.q;
        let f = FLAG_QR | (q.flags & (OPCODE_MASK | FLAG_RD | FLAG_CD)) | flags | rcode;
        let reserve = if q.edns.is_some() { OPT_LEN } else { 0 };
        let mut w = MessageWriter::new(q.id, f, limit - reserve);
        w.question(q.qname, q.lower(), q.qtype, q.qclass);
        Msg { w, q, limit }
    }
}

impl Msg<'_> {
    /// Writes an RRset and, with DO, its signature: false (and TC set)
    /// when it does not fit.
    fn rrset(&mut self, section: Section, set: &RrSet, dnssec_ok: bool) -> bool {
        let mut ok = self.w.records(section, set.records.iter());
        if ok && dnssec_ok {
            if let Some(sig) = &set.rrsig {
                ok = self.w.record(section, sig);
            }
        }
        if !ok {
            self.w.set_flags(FLAG_TC);
        }
        ok
    }

    fn finish(self) -> Vec<u8> {
        self.finish_ext(0)
    }

    fn finish_ext(mut self, extended_rcode: u8) -> Vec<u8> {
        if let Some(e) = self.q.edns {
            self.w.set_limit(self.limit);
            // Room was kept for it: this cannot fail.
            self.w.opt(MAX_UDP_SIZE as u16, extended_rcode, e.dnssec_ok);
        }
        self.w.finish()
    }
}

/// The last label of a lowercase wire name (without its length), or
/// `None` for the root.
fn tld_label(name: &[u8]) -> Option<&[u8]> {
    let mut at = 0;
    let mut last = None;
    while let Some(&len) = name.get(at) {
        if len == 0 {
            break;
        }
        let label = name.get(at + 1..at + 1 + len as usize)?;
        last = Some((label, at));
        at += 1 + len as usize;
    }
    last.map(|(l, _)| l)
}

fn is_single_label(name: &[u8]) -> bool {
    name.first().is_some_and(|&l| l as usize + 2 == name.len())
}

fn lookup(served: &Served, q: &Query<'_>, out: Out<'_>) -> Vec<u8> {
    let lower = q.lower();
    let qtype = Rtype(q.qtype);
    let Some(label) = tld_label(lower) else { return apex(served, qtype, &out) };
    let Some(d) = served.tlds.get(label) else { return nxdomain(served, label, &out) };
    if qtype == Rtype::DS && is_single_label(lower) {
        // The DS RRset is the parent's: an authoritative answer.
        let mut m = out.start(RCODE_NOERROR, FLAG_AA);
        match &d.ds {
            Some(ds) => {
                m.rrset(Section::Answer, ds, out.dnssec_ok);
            }
            None => {
                if m.rrset(Section::Authority, &served.soa, out.dnssec_ok) && out.dnssec_ok {
                    if let Some(nsec) = &d.nsec {
                        m.rrset(Section::Authority, nsec, true);
                    }
                }
            }
        }
        return m.finish();
    }
    let mut m = out.start(RCODE_NOERROR, 0);
    let mut proof: Vec<&Record> = Vec::with_capacity(2);
    if out.dnssec_ok {
        if let Some(set) = d.ds.as_ref().or(d.nsec.as_ref()) {
            proof.extend(set.records.iter());
            proof.extend(set.rrsig.iter());
        }
    }
    let referral = Referral {
        ns: d.ns.iter().collect(),
        proof,
        in_domain: d.in_domain.iter().collect(),
        sibling: d.sibling.iter().collect(),
    };
    if !referral.write(&mut m.w, out.dnssec_ok).complete {
        m.w.set_flags(FLAG_TC);
    }
    m.finish()
}

fn apex(served: &Served, qtype: Rtype, out: &Out<'_>) -> Vec<u8> {
    let mut m = out.start(RCODE_NOERROR, FLAG_AA);
    let set = match qtype {
        // RFC 8482: ANY gets one RRset, the SOA.
        Rtype::ANY => Some(&served.soa),
        Rtype::RRSIG => {
            if !m.w.records(Section::Answer, served.apex_rrsigs.iter()) {
                m.w.set_flags(FLAG_TC);
            }
            return m.finish();
        }
        t => served.apex.get(&t),
    };
    match set {
        Some(set) => {
            if m.rrset(Section::Answer, set, out.dnssec_ok) && qtype == Rtype::NS {
                for r in &served.apex_glue {
                    if !m.w.record(Section::Additional, r) {
                        break;
                    }
                }
            }
        }
        None => {
            // NODATA: the SOA, and with DO the apex NSEC that lists no such type.
            if m.rrset(Section::Authority, &served.soa, out.dnssec_ok) && out.dnssec_ok {
                if let Some(nsec) = served.apex.get(&Rtype::NSEC) {
                    m.rrset(Section::Authority, nsec, true);
                }
            }
        }
    }
    m.finish()
}

fn nxdomain(served: &Served, label: &[u8], out: &Out<'_>) -> Vec<u8> {
    let mut m = out.start(RCODE_NXDOMAIN, FLAG_AA);
    if m.rrset(Section::Authority, &served.soa, out.dnssec_ok) && out.dnssec_ok {
        // The NSEC that covers the name, and the one that covers `*.`, the
        // wildcard at the closest encloser (the root): once if the same.
        let cover = served.nsec_covering(label);
        let wildcard = served.nsec_covering(b"*");
        if let Some(c) = cover {
            if m.rrset(Section::Authority, c, true) {
                if let Some(w) = wildcard.filter(|w| !std::ptr::eq(*w, c)) {
                    m.rrset(Section::Authority, w, true);
                }
            }
        }
    }
    m.finish()
}

/// RFC 1982 serial arithmetic: `a` is newer than `b`.
pub fn serial_newer(a: u32, b: u32) -> bool {
    a != b && a.wrapping_sub(b) < 0x8000_0000
}

fn transfer(served: &Served, q: &Query<'_>, ctx: &Context, out: Out<'_>) -> Reply {
    if !ctx.transfer_allowed || !q.lower().starts_with(&[0]) {
        return Reply::Message(out.start(RCODE_REFUSED, 0).finish());
    }
    let current = served.serial();
    let soa = &served.soa;
    if q.qtype == TYPE_IXFR {
        let Some(client) = q.soa_serial else {
            // An IXFR needs the client's SOA (RFC 1995 §3).
            return Reply::Message(out.start(RCODE_FORMERR, 0).finish());
        };
        if client == current || serial_newer(client, current) {
            let mut m = out.start(RCODE_NOERROR, FLAG_AA);
            m.rrset(Section::Answer, soa, false);
            return Reply::Message(m.finish());
        }
        if ctx.transport == Transport::Udp {
            // Not up to date: the client should come again over TCP.
            return Reply::Message(out.start(RCODE_NOERROR, FLAG_AA | FLAG_TC).finish());
        }
        if let Some(from) = served.history.iter().position(|d| d.old_serial() == client) {
            let mut seq: Vec<&Record> = Vec::new();
            seq.extend(soa.records.first());
            for d in &served.history[from..] {
                seq.push(&d.old_soa);
                seq.extend(d.deleted.iter());
                seq.push(&d.new_soa);
                seq.extend(d.added.iter());
            }
            seq.extend(soa.records.first());
            return Reply::Transfer(messages(&out, seq.into_iter()));
        }
        // Unknown or too old: the whole zone, AXFR-style (RFC 1995 §4).
    } else if ctx.transport == Transport::Udp {
        // RFC 5936 §4.2: no AXFR over UDP.
        return Reply::Message(out.start(RCODE_REFUSED, 0).finish());
    }
    let is_soa = |r: &&Record| r.owner.is_root() && r.rdata.rtype() == Rtype::SOA;
    let zone = served.zone();
    let all = soa.records.first().into_iter().chain(zone.records().filter(|r| !is_soa(r))).chain(soa.records.first());
    Reply::Transfer(messages(&out, all))
}

/// Packs records into transfer messages of at most
/// [`TRANSFER_MESSAGE_SIZE`] octets, each record whole, the question in
/// each message.
fn messages<'a>(out: &Out<'_>, records: impl Iterator<Item = &'a Record>) -> Vec<Vec<u8>> {
    let mut done = Vec::new();
    let mut m = out.start_limited(RCODE_NOERROR, FLAG_AA, TRANSFER_MESSAGE_SIZE);
    let mut in_this = 0usize;
    for r in records {
        if m.w.record(Section::Answer, r) {
            in_this += 1;
            continue;
        }
        if in_this > 0 {
            done.push(m.finish());
        }
        // A record alone in a message may use all of TCP's 65,535 octets;
        // no record of a root zone comes near.
        m = out.start_limited(RCODE_NOERROR, FLAG_AA, TRANSFER_MESSAGE_SIZE);
        if !m.w.record(Section::Answer, r) {
            m = out.start_limited(RCODE_NOERROR, FLAG_AA, TCP_MESSAGE_SIZE);
            if !m.w.record(Section::Answer, r) {
                return vec![out.start(RCODE_SERVFAIL, 0).finish()];
            }
        }
        in_this = 1;
    }
    done.push(m.finish());
    done
}
