//! A worker's cache of whole responses, so that a repeated question costs
//! a hash look-up instead of writing the records again.
//!
//! Exact, not approximate: a response depends on the served version, the
//! lowercased question, the transport's size limit, and whether the query
//! had an OPT and DO — the key — and otherwise only on the query's id, its
//! RD and CD bits and the case of the question name, which are patched
//! into the cached octets (compression pointers are offsets, and the
//! question has the same length whatever its case). A referral whose
//! question shares with the referral's names nothing but the TLD
//! depends on the question only through its length: one entry serves every
//! such name of that length under that TLD, the question patched in (as
//! random names under a TLD are most of a root server's traffic).
//! Transfers, errors and anything else that depends on more are not cached.

use crate::engine::{answer, answer_query, Context, Reply, Transport};
use crate::parse::{parse, Parsed, HEADER_LEN, MAX_NAME_LEN, TYPE_AXFR, TYPE_IXFR};
use crate::served::Served;
use accord_zone::wire::CLASS_IN;
use std::collections::HashMap;

/// Most responses one worker keeps; when full it starts again empty.
pub const CACHE_ENTRIES: usize = 4_096;

/// Flag bits copied from the query: RD (byte 2) and CD (byte 3).
const RD_BYTE2: u8 = 0x01;
const CD_BYTE3: u8 = 0x10;

/// One worker's responses for one served version.
#[derive(Default)]
pub struct ResponseCache {
    version: u64,
    map: HashMap<Box<[u8]>, Vec<u8>>,
    pub hits: u64,
    pub misses: u64,
}

/// What to send.
pub enum Cached<'c> {
    Drop,
    Bytes(&'c [u8]),
    Owned(Vec<u8>),
}

impl ResponseCache {
    pub fn new() -> ResponseCache {
        ResponseCache::default()
    }

    /// Responses held.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Answers `msg` for the served version numbered `version` (a number
    /// that changes with each publish), from the cache when it can.
    pub fn answer<'c>(&'c mut self, version: u64, served: Option<&Served>, msg: &[u8], ctx: &Context) -> Cached<'c> {
        let q = match parse(msg) {
            Parsed::Query(q) => q,
            _ => return owned(answer(served, msg, ctx)),
        };
        let cacheable = served.is_some()
            && ctx.transport == Transport::Udp
            && q.qclass == CLASS_IN
            && !matches!(q.qtype, TYPE_AXFR | TYPE_IXFR)
            && q.edns.is_none_or(|e| e.version == 0);
        if !cacheable {
            return owned(answer_query(served, &q, ctx));
        }
        if version != self.version {
            self.map.clear();
            self.version = version;
        }
        let lower = q.lower();
        let mut key = [0u8; MAX_NAME_LEN + 8];
        let (size, flags) = match q.edns {
            None => (0u16, 0u8),
            Some(e) => (e.udp_size.clamp(512, 1232), 1 | if e.dnssec_ok { 2 } else { 0 }),
        };
        // A referral that depends on the name only through its length and
        // TLD is kept once for all such names (0xff: no name begins so);
        // anything else under its whole question.
        let n = match served.and_then(|s| s.referral_template(lower, q.qtype)) {
            Some(tld) => {
                key[0] = 0xff;
                key[1] = lower.len() as u8;
                key[2..2 + tld.len()].copy_from_slice(tld);
                2 + tld.len()
            }
            None => {
                key[..lower.len()].copy_from_slice(lower);
                key[lower.len()..lower.len() + 2].copy_from_slice(&q.qtype.to_be_bytes());
                lower.len() + 2
            }
        };
        key[n..n + 2].copy_from_slice(&size.to_be_bytes());
        key[n + 2] = flags;
        let key = &key[..n + 3];
        // The question as sent: name, type and class.
        let name_end = HEADER_LEN + q.qname.len() + 4;
        if !self.map.contains_key(key) {
            self.misses += 1;
            let Reply::Message(m) = answer_query(served, &q, ctx) else { return Cached::Drop };
            if m.len() < name_end {
                return Cached::Owned(m);
            }
            if self.map.len() >= CACHE_ENTRIES {
                self.map.clear();
            }
            self.map.insert(key.into(), m);
        } else {
            self.hits += 1;
        }
        let Some(m) = self.map.get_mut(key) else { return Cached::Drop };
        let (Some(head), Some(name)) = (m.get_mut(..4), msg.get(HEADER_LEN..name_end)) else { return Cached::Drop };
        head[..2].copy_from_slice(&q.id.to_be_bytes());
        let qf = q.flags.to_be_bytes();
        head[2] = (head[2] & !RD_BYTE2) | (qf[0] & RD_BYTE2);
        head[3] = (head[3] & !CD_BYTE3) | (qf[1] & CD_BYTE3);
        if let Some(dst) = m.get_mut(HEADER_LEN..name_end) {
            dst.copy_from_slice(name);
        }
        Cached::Bytes(m)
    }
}

fn owned<'c>(r: Reply) -> Cached<'c> {
    match r {
        Reply::Message(m) => Cached::Owned(m),
        _ => Cached::Drop,
    }
}
