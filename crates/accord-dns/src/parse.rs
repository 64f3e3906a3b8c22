//! Reading a query: header, question, and what the answer needs of the
//! other sections (the OPT record, RFC 6891; an IXFR's SOA serial, RFC
//! 1995). Every read is bounds-checked: any input gives a [`Parsed`].

/// The DNS header's size.
pub const HEADER_LEN: usize = 12;
/// The longest name in wire form (RFC 1035 §2.3.4).
pub const MAX_NAME_LEN: usize = 255;

pub const FLAG_QR: u16 = 0x8000;
pub const FLAG_AA: u16 = 0x0400;
pub const FLAG_TC: u16 = 0x0200;
pub const FLAG_RD: u16 = 0x0100;
pub const FLAG_CD: u16 = 0x0010;
pub const OPCODE_MASK: u16 = 0x7800;
pub const OPCODE_QUERY: u8 = 0;
pub const OPCODE_NOTIFY: u8 = 4;

pub const TYPE_SOA: u16 = 6;
pub const TYPE_OPT: u16 = 41;
pub const TYPE_IXFR: u16 = 251;
pub const TYPE_AXFR: u16 = 252;

/// What an OPT record in the query said (RFC 6891 §6.1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edns {
    pub udp_size: u16,
    pub version: u8,
    pub dnssec_ok: bool,
}

/// A query that parsed.
#[derive(Clone, Debug)]
pub struct Query<'a> {
    pub id: u16,
    pub flags: u16,
    /// The question name as sent (uncompressed wire form, case preserved).
    pub qname: &'a [u8],
    lower: [u8; MAX_NAME_LEN],
    pub qtype: u16,
    pub qclass: u16,
    pub edns: Option<Edns>,
    /// The serial of the SOA in the authority section (an IXFR's).
    pub soa_serial: Option<u32>,
}

impl Query<'_> {
    /// The question name, lowercased (ASCII).
    pub fn lower(&self) -> &[u8] {
        &self.lower[..self.qname.len()]
    }

    pub fn opcode(&self) -> u8 {
        ((self.flags & OPCODE_MASK) >> 11) as u8
    }

    pub fn dnssec_ok(&self) -> bool {
        self.edns.is_some_and(|e| e.dnssec_ok)
    }
}

/// What a message is. (Not boxed: it lives on the stack for one answer,
/// and a box would be an allocation per query.)
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Parsed<'a> {
    /// No answer at all: too short for a header, or a response (QR=1).
    Drop,
    /// Malformed, or not exactly one question: FORMERR with this header.
    FormErr {
        id: u16,
        flags: u16,
    },
    /// An opcode other than QUERY: NOTIMP with this header.
    NotImp {
        id: u16,
        flags: u16,
    },
    Query(Query<'a>),
}

fn u16_at(msg: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*msg.get(at)?, *msg.get(at + 1)?]))
}

fn u32_at(msg: &[u8], at: usize) -> Option<u32> {
    let b = msg.get(at..at + 4)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// Reads an uncompressed name at `at`: its end, or `None` when it is not a
/// well-formed uncompressed name (a pointer, a label type other than 0,
/// over 255 octets, past the end).
fn plain_name(msg: &[u8], mut at: usize) -> Option<usize> {
    let start = at;
    loop {
        let len = *msg.get(at)? as usize;
        if len & 0xc0 != 0 {
            return None;
        }
        at += 1 + len;
        if at - start > MAX_NAME_LEN {
            return None;
        }
        if len == 0 {
            return Some(at);
        }
    }
}

/// Skips a possibly compressed name at `at`: where it ends in the message.
fn skip_name(msg: &[u8], mut at: usize) -> Option<usize> {
    let start = at;
    loop {
        let len = *msg.get(at)? as usize;
        match len & 0xc0 {
            0x00 if len == 0 => return Some(at + 1),
            0x00 => {
                at += 1 + len;
                if at - start > MAX_NAME_LEN {
                    return None;
                }
            }
            0xc0 => {
                msg.get(at + 1)?;
                return Some(at + 2);
            }
            _ => return None,
        }
    }
}

/// Parses a query.
pub fn parse(msg: &[u8]) -> Parsed<'_> {
    let (Some(id), Some(flags)) = (u16_at(msg, 0), u16_at(msg, 2)) else { return Parsed::Drop };
    if msg.len() < HEADER_LEN || flags & FLAG_QR != 0 {
        return Parsed::Drop;
    }
    if ((flags & OPCODE_MASK) >> 11) as u8 != OPCODE_QUERY {
        return Parsed::NotImp { id, flags };
    }
    match parse_query(msg, id, flags) {
        Some(q) => Parsed::Query(q),
        None => Parsed::FormErr { id, flags },
    }
}

fn parse_query(msg: &[u8], id: u16, flags: u16) -> Option<Query<'_>> {
    let counts = [u16_at(msg, 4)?, u16_at(msg, 6)?, u16_at(msg, 8)?, u16_at(msg, 10)?];
    if counts[0] != 1 {
        return None;
    }
    let end = plain_name(msg, HEADER_LEN)?;
    let qname = msg.get(HEADER_LEN..end)?;
    let mut lower = [0u8; MAX_NAME_LEN];
    for (l, b) in lower.iter_mut().zip(qname) {
        *l = b.to_ascii_lowercase();
    }
    let qtype = u16_at(msg, end)?;
    let qclass = u16_at(msg, end + 2)?;
    let mut at = end + 4;
    let mut edns = None;
    let mut soa_serial = None;
    let records = counts[1] as usize + counts[2] as usize + counts[3] as usize;
    for i in 0..records {
        let owner = at;
        let name_end = skip_name(msg, at)?;
        let rtype = u16_at(msg, name_end)?;
        let class = u16_at(msg, name_end + 2)?;
        let ttl = u32_at(msg, name_end + 4)?;
        let rdlen = u16_at(msg, name_end + 8)? as usize;
        let rdata = name_end + 10;
        msg.get(rdata..rdata + rdlen)?;
        let in_additional = i >= counts[1] as usize + counts[2] as usize;
        let in_authority = !in_additional && i >= counts[1] as usize;
        if rtype == TYPE_OPT {
            // One OPT, in the additional section, owned by the root.
            if !in_additional || edns.is_some() || msg.get(owner) != Some(&0) {
                return None;
            }
            edns = Some(Edns { udp_size: class, version: ((ttl >> 16) & 0xff) as u8, dnssec_ok: ttl & 0x8000 != 0 });
        } else if rtype == TYPE_SOA && in_authority && soa_serial.is_none() {
            let m = skip_name(msg, rdata)?;
            let r = skip_name(msg, m)?;
            if r + 20 > rdata + rdlen {
                return None;
            }
            soa_serial = Some(u32_at(msg, r)?);
        }
        at = rdata + rdlen;
    }
    Some(Query { id, flags, qname, lower, qtype, qclass, edns, soa_serial })
}

/// Whether a message asks for a zone transfer (AXFR or IXFR): a cheap look
/// at the question, for the server to count transfers before answering.
pub fn is_transfer(msg: &[u8]) -> bool {
    let Some(end) = plain_name(msg, HEADER_LEN) else { return false };
    matches!(u16_at(msg, end), Some(TYPE_AXFR | TYPE_IXFR))
}
