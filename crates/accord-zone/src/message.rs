//! Writing a DNS message with name compression (RFC 1035 §4.1.4).
//!
//! One writer for what the DNS server sends and for the referral-size
//! check that a delegation must pass before it is voted on, so that the
//! size the check promises is the size the server sends. Names are
//! compressed in owners and in the RDATA of NS and SOA (RFC 3597 §4); the
//! names inside RRSIG and NSEC are never compressed (RFC 4034 §§3.1.7,
//! 4.1.1). A record that does not fit under the size limit is not written,
//! and the message stays as it was.

use crate::wire::{Rdata, Record, CLASS_IN};

/// Where compression pointers may point (14 bits).
const MAX_POINTER: usize = 0x3fff;

/// A message being written.
pub struct MessageWriter {
    buf: Vec<u8>,
    /// Name suffixes written so far (lowercase wire form) and their offsets.
    names: Vec<(Vec<u8>, u16)>,
    limit: usize,
    counts: [u16; 4],
}

/// The four sections' counts, in header order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Question = 0,
    Answer = 1,
    Authority = 2,
    Additional = 3,
}

impl MessageWriter {
    /// A message of at most `limit` octets, starting with `id` and `flags`.
    pub fn new(id: u16, flags: u16, limit: usize) -> MessageWriter {
        let mut buf = Vec::with_capacity(limit.min(4096));
        buf.extend_from_slice(&id.to_be_bytes());
        buf.extend_from_slice(&flags.to_be_bytes());
        buf.extend_from_slice(&[0; 8]);
        MessageWriter { buf, names: Vec::with_capacity(16), limit, counts: [0; 4] }
    }

    /// The octets written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.len() <= 12
    }

    /// Sets flag bits in the header.
    pub fn set_flags(&mut self, bits: u16) {
        let f = u16::from_be_bytes([self.buf[2], self.buf[3]]) | bits;
        self.buf[2..4].copy_from_slice(&f.to_be_bytes());
    }

    /// Writes the question: `original` is the name as the query spelled it
    /// (echoed byte for byte), `lower` the same name lowercased, against
    /// which later names compress.
    pub fn question(&mut self, original: &[u8], lower: &[u8], qtype: u16, qclass: u16) {
        let at = self.buf.len();
        self.buf.extend_from_slice(original);
        self.remember(lower, at);
        self.buf.extend_from_slice(&qtype.to_be_bytes());
        self.buf.extend_from_slice(&qclass.to_be_bytes());
        self.counts[Section::Question as usize] += 1;
    }

    fn remember(&mut self, wire: &[u8], at: usize) {
        self.remember_before(wire, at, wire.len());
    }

    /// Remembers the suffixes of `wire` (written at `at`) that begin before
    /// `end`: those that were written out, not pointed to.
    fn remember_before(&mut self, wire: &[u8], at: usize, end: usize) {
        let mut i = 0;
        while i < end && i < wire.len() && wire[i] != 0 {
            if at + i <= MAX_POINTER && !self.names.iter().any(|(n, _)| n == &wire[i..]) {
                self.names.push((wire[i..].to_vec(), (at + i) as u16));
            }
            i += 1 + wire[i] as usize;
        }
    }

    /// Writes a name, compressed against what was written before.
    fn name(&mut self, wire: &[u8]) {
        let mut i = 0;
        let start = self.buf.len();
        while i < wire.len() && wire[i] != 0 {
            if let Some((_, off)) = self.names.iter().find(|(n, _)| n == &wire[i..]) {
                let off = *off;
                self.buf.extend_from_slice(&(0xc000 | off).to_be_bytes());
                self.remember_before(wire, start, i);
                return;
            }
            let len = wire[i] as usize;
            self.buf.extend_from_slice(&wire[i..i + 1 + len]);
            i += 1 + len;
        }
        self.buf.push(0);
        self.remember(wire, start);
    }

    /// Writes a record into `section`: false, and nothing written, when it
    /// would pass the size limit.
    pub fn record(&mut self, section: Section, r: &Record) -> bool {
        self.record_with_ttl(section, r, r.ttl)
    }

    fn record_with_ttl(&mut self, section: Section, r: &Record, ttl: u32) -> bool {
        let mark = (self.buf.len(), self.names.len());
        self.name(r.owner.wire());
        self.buf.extend_from_slice(&r.rdata.rtype().0.to_be_bytes());
        self.buf.extend_from_slice(&CLASS_IN.to_be_bytes());
        self.buf.extend_from_slice(&ttl.to_be_bytes());
        let len_at = self.buf.len();
        self.buf.extend_from_slice(&[0, 0]);
        match &r.rdata {
            Rdata::Ns(n) => self.name(n.wire()),
            Rdata::Soa(s) => {
                self.name(s.mname.wire());
                self.name(s.rname.wire());
                for v in [s.serial, s.refresh, s.retry, s.expire, s.minimum] {
                    self.buf.extend_from_slice(&v.to_be_bytes());
                }
            }
            other => other.encode(&mut self.buf),
        }
        if self.buf.len() > self.limit {
            self.buf.truncate(mark.0);
            self.names.truncate(mark.1);
            return false;
        }
        let len = (self.buf.len() - len_at - 2) as u16;
        self.buf[len_at..len_at + 2].copy_from_slice(&len.to_be_bytes());
        self.counts[section as usize] += 1;
        true
    }

    /// Writes every record of a set, all or none.
    pub fn records<'a>(&mut self, section: Section, rs: impl IntoIterator<Item = &'a Record>) -> bool {
        let mark = (self.buf.len(), self.names.len(), self.counts);
        for r in rs {
            if !self.record(section, r) {
                self.buf.truncate(mark.0);
                self.names.truncate(mark.1);
                self.counts = mark.2;
                return false;
            }
        }
        true
    }

    /// Writes an OPT record (RFC 6891 §6.1.2) with no options: false when
    /// it does not fit.
    pub fn opt(&mut self, udp_size: u16, extended_rcode: u8, dnssec_ok: bool) -> bool {
        if self.buf.len() + 11 > self.limit {
            return false;
        }
        self.buf.push(0);
        self.buf.extend_from_slice(&41u16.to_be_bytes());
        self.buf.extend_from_slice(&udp_size.to_be_bytes());
        self.buf.push(extended_rcode);
        self.buf.push(0); // EDNS version 0
        self.buf.extend_from_slice(&(if dnssec_ok { 0x8000u16 } else { 0 }).to_be_bytes());
        self.buf.extend_from_slice(&[0, 0]);
        self.counts[Section::Additional as usize] += 1;
        true
    }

    /// Room left under the limit.
    pub fn room(&self) -> usize {
        self.limit.saturating_sub(self.buf.len())
    }

    /// Lowers the limit (to keep room for an OPT record, say).
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }

    /// The message, counts filled in.
    pub fn finish(mut self) -> Vec<u8> {
        for (i, c) in self.counts.iter().enumerate() {
            self.buf[4 + 2 * i..6 + 2 * i].copy_from_slice(&c.to_be_bytes());
        }
        self.buf
    }
}
