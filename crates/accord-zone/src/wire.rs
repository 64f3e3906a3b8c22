//! The DNS wire form of the records a root zone holds (RFC 1035, 3596,
//! 4034, 8976), canonical (RFC 4034 §6.2: uncompressed, lowercase names —
//! the only names [`Name`] can hold).

use crate::name::Name;
use std::cmp::Ordering;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Record types, by their codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rtype(pub u16);

impl Rtype {
    pub const A: Rtype = Rtype(1);
    pub const NS: Rtype = Rtype(2);
    pub const SOA: Rtype = Rtype(6);
    pub const AAAA: Rtype = Rtype(28);
    pub const OPT: Rtype = Rtype(41);
    pub const DS: Rtype = Rtype(43);
    pub const RRSIG: Rtype = Rtype(46);
    pub const NSEC: Rtype = Rtype(47);
    pub const DNSKEY: Rtype = Rtype(48);
    pub const ZONEMD: Rtype = Rtype(63);
    pub const IXFR: Rtype = Rtype(251);
    pub const AXFR: Rtype = Rtype(252);
    pub const ANY: Rtype = Rtype(255);

    /// The mnemonic, or `TYPEnnn` (RFC 3597).
    pub fn mnemonic(self) -> String {
        match self.0 {
            1 => "A".into(),
            2 => "NS".into(),
            6 => "SOA".into(),
            28 => "AAAA".into(),
            43 => "DS".into(),
            46 => "RRSIG".into(),
            47 => "NSEC".into(),
            48 => "DNSKEY".into(),
            63 => "ZONEMD".into(),
            n => format!("TYPE{n}"),
        }
    }
}

/// Class IN.
pub const CLASS_IN: u16 = 1;

/// An SOA's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Soa {
    pub mname: Name,
    pub rname: Name,
    pub serial: u32,
    pub refresh: u32,
    pub retry: u32,
    pub expire: u32,
    pub minimum: u32,
}

/// A DNSKEY's content (RFC 4034 §2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dnskey {
    pub flags: u16,
    pub protocol: u8,
    pub algorithm: u8,
    pub public_key: Vec<u8>,
}

impl Dnskey {
    /// Zone key flag (bit 7).
    pub const ZONE: u16 = 0x0100;
    /// Secure entry point flag (bit 15).
    pub const SEP: u16 = 0x0001;

    /// The key tag (RFC 4034 Appendix B).
    pub fn key_tag(&self) -> u16 {
        let mut rdata = Vec::new();
        Rdata::Dnskey(self.clone()).encode(&mut rdata);
        let mut acc: u32 = 0;
        for (i, b) in rdata.iter().enumerate() {
            acc += if i & 1 == 0 { (*b as u32) << 8 } else { *b as u32 };
        }
        acc += (acc >> 16) & 0xffff;
        (acc & 0xffff) as u16
    }
}

/// An RRSIG's content (RFC 4034 §3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rrsig {
    pub type_covered: Rtype,
    pub algorithm: u8,
    pub labels: u8,
    pub original_ttl: u32,
    pub expiration: u32,
    pub inception: u32,
    pub key_tag: u16,
    pub signer: Name,
    pub signature: Vec<u8>,
}

/// A ZONEMD's content (RFC 8976 §2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zonemd {
    pub serial: u32,
    pub scheme: u8,
    pub hash_algorithm: u8,
    pub digest: Vec<u8>,
}

/// The content of one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rdata {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    Ns(Name),
    Soa(Soa),
    Ds(crate::model::Ds),
    Dnskey(Dnskey),
    Rrsig(Rrsig),
    Nsec { next: Name, types: Vec<Rtype> },
    Zonemd(Zonemd),
}

impl Rdata {
    pub fn rtype(&self) -> Rtype {
        match self {
            Rdata::A(_) => Rtype::A,
            Rdata::Aaaa(_) => Rtype::AAAA,
            Rdata::Ns(_) => Rtype::NS,
            Rdata::Soa(_) => Rtype::SOA,
            Rdata::Ds(_) => Rtype::DS,
            Rdata::Dnskey(_) => Rtype::DNSKEY,
            Rdata::Rrsig(_) => Rtype::RRSIG,
            Rdata::Nsec { .. } => Rtype::NSEC,
            Rdata::Zonemd(_) => Rtype::ZONEMD,
        }
    }

    /// Appends the canonical wire form of the RDATA (without its length).
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Rdata::A(a) => out.extend_from_slice(&a.octets()),
            Rdata::Aaaa(a) => out.extend_from_slice(&a.octets()),
            Rdata::Ns(n) => out.extend_from_slice(n.wire()),
            Rdata::Soa(s) => {
                out.extend_from_slice(s.mname.wire());
                out.extend_from_slice(s.rname.wire());
                for v in [s.serial, s.refresh, s.retry, s.expire, s.minimum] {
                    out.extend_from_slice(&v.to_be_bytes());
                }
            }
            Rdata::Ds(d) => {
                out.extend_from_slice(&d.key_tag.to_be_bytes());
                out.push(d.algorithm);
                out.push(d.digest_type);
                out.extend_from_slice(&d.digest);
            }
            Rdata::Dnskey(k) => {
                out.extend_from_slice(&k.flags.to_be_bytes());
                out.push(k.protocol);
                out.push(k.algorithm);
                out.extend_from_slice(&k.public_key);
            }
            Rdata::Rrsig(r) => {
                encode_rrsig_head(r, out);
                out.extend_from_slice(&r.signature);
            }
            Rdata::Nsec { next, types } => {
                out.extend_from_slice(next.wire());
                encode_type_bitmap(types, out);
            }
            Rdata::Zonemd(z) => {
                out.extend_from_slice(&z.serial.to_be_bytes());
                out.push(z.scheme);
                out.push(z.hash_algorithm);
                out.extend_from_slice(&z.digest);
            }
        }
    }

    /// The canonical wire form, as one vector.
    pub fn to_wire(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.encode(&mut v);
        v
    }

    /// Canonical RR order within an RRset (RFC 4034 §6.3): by RDATA octets.
    pub fn canonical_cmp(&self, other: &Rdata) -> Ordering {
        self.to_wire().cmp(&other.to_wire())
    }
}

/// The RRSIG RDATA up to (not including) the signature: what is signed
/// first (RFC 4034 §3.1.8.1).
pub fn encode_rrsig_head(r: &Rrsig, out: &mut Vec<u8>) {
    out.extend_from_slice(&r.type_covered.0.to_be_bytes());
    out.push(r.algorithm);
    out.push(r.labels);
    out.extend_from_slice(&r.original_ttl.to_be_bytes());
    out.extend_from_slice(&r.expiration.to_be_bytes());
    out.extend_from_slice(&r.inception.to_be_bytes());
    out.extend_from_slice(&r.key_tag.to_be_bytes());
    out.extend_from_slice(r.signer.wire());
}

/// The NSEC type bitmap (RFC 4034 §4.1.2), types in any order.
pub fn encode_type_bitmap(types: &[Rtype], out: &mut Vec<u8>) {
    let mut sorted: Vec<u16> = types.iter().map(|t| t.0).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut i = 0;
    while i < sorted.len() {
        let window = (sorted[i] >> 8) as u8;
        let mut bits = [0u8; 32];
        let mut len = 0;
        while i < sorted.len() && (sorted[i] >> 8) as u8 == window {
            let low = (sorted[i] & 0xff) as usize;
            bits[low / 8] |= 0x80 >> (low % 8);
            len = low / 8 + 1;
            i += 1;
        }
        out.push(window);
        out.push(len as u8);
        out.extend_from_slice(&bits[..len]);
    }
}

/// One record: owner, TTL and content (class IN).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub owner: Name,
    pub ttl: u32,
    pub rdata: Rdata,
}

impl Record {
    /// Appends the canonical wire form of the whole record (RFC 4034 §6.2),
    /// with `ttl` in place of the record's own (a signature's original TTL).
    pub fn encode_canonical(&self, ttl: u32, out: &mut Vec<u8>) {
        out.extend_from_slice(self.owner.wire());
        out.extend_from_slice(&self.rdata.rtype().0.to_be_bytes());
        out.extend_from_slice(&CLASS_IN.to_be_bytes());
        out.extend_from_slice(&ttl.to_be_bytes());
        let at = out.len();
        out.extend_from_slice(&[0, 0]);
        self.rdata.encode(out);
        let len = (out.len() - at - 2) as u16;
        out[at..at + 2].copy_from_slice(&len.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_bitmaps_follow_rfc4034s_example() {
        // RFC 4034 §4.3: A MX RRSIG NSEC TYPE1234.
        let mut out = Vec::new();
        encode_type_bitmap(&[Rtype(1), Rtype(15), Rtype(46), Rtype(47), Rtype(1234)], &mut out);
        let expected = [
            0x00, 0x06, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03, 0x04, 0x1b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x20,
        ];
        assert_eq!(out, expected);
    }

    #[test]
    fn key_tags_follow_rfc4034s_algorithm() {
        // The 2017 root KSK (KSK-2017), whose tag is 20326.
        use base64::Engine;
        let key = base64::engine::general_purpose::STANDARD
            .decode(
                "AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3+/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kvArMtNROxVQuCaSnIDdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjyBxWezF0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+eoZG+SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+cn8HFRm+2hM8AnXGXws9555KrUB5qihylGa8subX2Nn6UwNR1AkUTV74bU=",
            )
            .unwrap();
        let k = Dnskey { flags: 257, protocol: 3, algorithm: 8, public_key: key };
        assert_eq!(k.key_tag(), 20326);
    }
}
