//! Domain names as the zone holds them: absolute, lowercase, in wire form.
//!
//! A [`Name`] is parsed from presentation text (`"nic.aaa."`, the final dot
//! optional) and cannot hold anything else than labels of `a-z`, `0-9`,
//! `-` and `_`, each 1–63 octets, 255 octets in all in wire form (RFC 1035
//! §2.3.4). Upper case is folded on parsing, so that the canonical form of
//! RFC 4034 §6.2 is the only form there is. Whether a name is also a valid
//! *host* name (RFC 1123) is a technical check ([`Name::host_name_faults`]),
//! not a parse rule, so that a proposal is told every fault at once.
//!
//! [`Tld`] is a name of exactly one label.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

/// The longest name in wire form (RFC 1035 §2.3.4).
pub const MAX_NAME_WIRE: usize = 255;
/// The longest label.
pub const MAX_LABEL: usize = 63;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("an empty label in {0:?}")]
    EmptyLabel(String),
    #[error("a label longer than 63 octets in {0:?}")]
    LongLabel(String),
    #[error("{0:?} is longer than 255 octets in wire form")]
    TooLong(String),
    #[error("{0:?} holds a character other than a-z, 0-9, '-' and '_'")]
    BadCharacter(String),
    #[error("{0:?} is not a top-level domain (one label)")]
    NotTld(String),
}

/// An absolute domain name, lowercase, in uncompressed wire form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Name(Box<[u8]>);

impl Name {
    /// The root, `.`.
    pub fn root() -> Name {
        Name(Box::new([0u8]))
    }

    /// Parses presentation text; a final dot is optional, `.` or `""` is the root.
    pub fn parse(text: &str) -> Result<Name, NameError> {
        let body = text.strip_suffix('.').unwrap_or(text);
        if body.is_empty() {
            return Ok(Name::root());
        }
        let mut wire = Vec::with_capacity(body.len() + 2);
        for label in body.split('.') {
            if label.is_empty() {
                return Err(NameError::EmptyLabel(text.to_string()));
            }
            if label.len() > MAX_LABEL {
                return Err(NameError::LongLabel(text.to_string()));
            }
            wire.push(label.len() as u8);
            for b in label.bytes() {
                let b = b.to_ascii_lowercase();
                if !(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_') {
                    return Err(NameError::BadCharacter(text.to_string()));
                }
                wire.push(b);
            }
        }
        wire.push(0);
        if wire.len() > MAX_NAME_WIRE {
            return Err(NameError::TooLong(text.to_string()));
        }
        Ok(Name(wire.into_boxed_slice()))
    }

    /// Reads a name from uncompressed wire form that is already known to be
    /// one (labels within bounds, ending in the root label); folds case and
    /// refuses what [`Name::parse`] refuses.
    pub fn from_wire(wire: &[u8]) -> Result<Name, NameError> {
        let mut text = String::new();
        let mut i = 0;
        while let Some(&len) = wire.get(i) {
            if len == 0 {
                break;
            }
            let label = wire.get(i + 1..i + 1 + len as usize).ok_or_else(|| NameError::TooLong(text.clone()))?;
            text.push_str(&String::from_utf8_lossy(label));
            text.push('.');
            i += 1 + len as usize;
        }
        Name::parse(&text)
    }

    /// The uncompressed wire form, ending in the root label.
    pub fn wire(&self) -> &[u8] {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.len() == 1
    }

    /// The labels, leftmost first (the root label not included).
    pub fn labels(&self) -> Labels<'_> {
        Labels { wire: &self.0, at: 0 }
    }

    pub fn label_count(&self) -> usize {
        self.labels().count()
    }

    /// The rightmost label as a TLD, unless this is the root.
    pub fn tld(&self) -> Option<Tld> {
        let last = self.labels().last()?;
        Some(Tld(Name(label_wire(last))))
    }

    /// Whether `self` is `other` or lies below it.
    pub fn is_under(&self, other: &Name) -> bool {
        self.0.ends_with(&other.0) && {
            // The match must start on a label boundary.
            let start = self.0.len() - other.0.len();
            let mut i = 0;
            while i < start {
                i += 1 + self.0[i] as usize;
            }
            i == start
        }
    }

    /// What keeps this name from being a host name under RFC 1123 §2.1
    /// (letters, digits and hyphens; no hyphen at either end of a label;
    /// the top label not all digits), one message per fault.
    pub fn host_name_faults(&self) -> Vec<String> {
        let mut faults = Vec::new();
        if self.is_root() {
            faults.push("the root is not a host name".to_string());
        }
        for label in self.labels() {
            let text = String::from_utf8_lossy(label);
            if label.contains(&b'_') {
                faults.push(format!("label {text:?} holds '_'"));
            }
            if label.first() == Some(&b'-') || label.last() == Some(&b'-') {
                faults.push(format!("label {text:?} begins or ends with '-'"));
            }
        }
        if let Some(top) = self.labels().last() {
            if top.iter().all(u8::is_ascii_digit) {
                faults.push("the top-level label is all digits".to_string());
            }
        }
        if self.label_count() < 2 {
            faults.push("a name server's name needs at least two labels".to_string());
        }
        faults
    }

    /// Canonical DNS name order (RFC 4034 §6.1): labels compared from the
    /// rightmost, as octet strings (names are lowercase already).
    pub fn canonical_cmp(&self, other: &Name) -> Ordering {
        let a: Vec<&[u8]> = self.labels().collect();
        let b: Vec<&[u8]> = other.labels().collect();
        a.iter().rev().cmp(b.iter().rev())
    }
}

fn label_wire(label: &[u8]) -> Box<[u8]> {
    let mut w = Vec::with_capacity(label.len() + 2);
    w.push(label.len() as u8);
    w.extend_from_slice(label);
    w.push(0);
    w.into_boxed_slice()
}

pub struct Labels<'a> {
    wire: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Labels<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let len = *self.wire.get(self.at)? as usize;
        if len == 0 {
            return None;
        }
        let label = self.wire.get(self.at + 1..self.at + 1 + len)?;
        self.at += 1 + len;
        Some(label)
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Self) -> Ordering {
        self.canonical_cmp(other)
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_root() {
            return f.write_str(".");
        }
        for label in self.labels() {
            // Labels hold only a-z0-9-_ (the parse rule): no escapes needed.
            f.write_str(&String::from_utf8_lossy(label))?;
            f.write_str(".")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Name({self})")
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Name::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A top-level domain: a name of exactly one label.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tld(Name);

impl Tld {
    pub fn parse(text: &str) -> Result<Tld, NameError> {
        let name = Name::parse(text)?;
        if name.label_count() != 1 {
            return Err(NameError::NotTld(text.to_string()));
        }
        Ok(Tld(name))
    }

    pub fn name(&self) -> &Name {
        &self.0
    }

    /// The label without the dot (`"aaa"`).
    pub fn label(&self) -> &str {
        // The parse rule makes the label ASCII.
        std::str::from_utf8(&self.0 .0[1..self.0 .0.len() - 1]).unwrap_or("")
    }

    /// A two-letter ASCII TLD: a country code (ISO 3166-1 alpha-2).
    pub fn is_country_code(&self) -> bool {
        let l = self.label();
        l.len() == 2 && l.bytes().all(|b| b.is_ascii_lowercase())
    }
}

impl fmt::Display for Tld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl fmt::Debug for Tld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tld({})", self.label())
    }
}

impl Serialize for Tld {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

impl<'de> Deserialize<'de> for Tld {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text.ends_with('.') {
            return Err(serde::de::Error::custom(format!("a TLD is written without its final dot: {text:?}")));
        }
        Tld::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_fold_and_refuse() {
        let n = Name::parse("NS1.Nic.AAA.").unwrap();
        assert_eq!(n.to_string(), "ns1.nic.aaa.");
        assert_eq!(n.wire(), b"\x03ns1\x03nic\x03aaa\x00");
        assert_eq!(Name::parse("ns1.nic.aaa").unwrap(), n);
        assert!(Name::parse(".").unwrap().is_root());
        assert!(matches!(Name::parse("a..b"), Err(NameError::EmptyLabel(_))));
        assert!(matches!(Name::parse("a b.c"), Err(NameError::BadCharacter(_))));
        assert!(matches!(Name::parse("é.fr"), Err(NameError::BadCharacter(_))));
        assert!(matches!(Name::parse(&"a".repeat(64)), Err(NameError::LongLabel(_))));
        let long = vec!["a".repeat(63); 4].join(".");
        assert!(matches!(Name::parse(&long), Err(NameError::TooLong(_))));
        let fits = format!("{}.{}", vec!["a".repeat(63); 3].join("."), "a".repeat(61));
        assert_eq!(Name::parse(&fits).unwrap().wire().len(), 255);
    }

    #[test]
    fn canonical_order_is_rfc4034s() {
        // The example of RFC 4034 §6.1, lowercased.
        let order = [
            "example.",
            "a.example.",
            "yljkjljk.a.example.",
            "z.a.example.",
            "zabc.a.example.",
            "z.example.",
            "*.z.example.",
        ];
        let mut names: Vec<Name> = order.iter().rev().map(|s| Name::parse(&s.replace('*', "_")).unwrap()).collect();
        names.sort();
        let back: Vec<String> = names.iter().map(|n| n.to_string().replace('_', "*")).collect();
        // '_' (0x5f) sorts where '*' (0x2a) does relative to letters here.
        assert_eq!(back[0], "example.");
        assert_eq!(back[5], "z.example.");
        assert!(Name::root() < Name::parse("aaa").unwrap());
        assert!(Name::parse("aaa").unwrap() < Name::parse("a.nic.aaa").unwrap());
        assert!(Name::parse("zzz.aaa").unwrap() < Name::parse("aarp").unwrap());
    }

    #[test]
    fn host_name_rules_are_rfc1123s() {
        assert!(Name::parse("ns1.nic.aaa").unwrap().host_name_faults().is_empty());
        assert_eq!(Name::parse("-ns.nic.aaa").unwrap().host_name_faults().len(), 1);
        assert_eq!(Name::parse("ns_1.nic.aaa").unwrap().host_name_faults().len(), 1);
        assert_eq!(Name::parse("ns.123").unwrap().host_name_faults().len(), 1);
        assert!(!Name::parse("aaa").unwrap().host_name_faults().is_empty());
    }

    #[test]
    fn tlds_and_bailiwick() {
        let t = Tld::parse("aaa").unwrap();
        assert_eq!(t.label(), "aaa");
        assert!(Tld::parse("a.b").is_err());
        assert!(Tld::parse("fr").unwrap().is_country_code());
        assert!(!Tld::parse("xn--p1ai").unwrap().is_country_code());
        let ns = Name::parse("ns.nic.aaa").unwrap();
        assert!(ns.is_under(t.name()));
        assert!(!Name::parse("ns.nicaaa").unwrap().is_under(t.name()));
        assert!(!Name::parse("ns.baaa").unwrap().is_under(t.name()));
        assert!(ns.is_under(&Name::root()));
        assert_eq!(ns.tld(), Some(t));
        let json = serde_json::to_string(&Tld::parse("aaa").unwrap()).unwrap();
        assert_eq!(json, "\"aaa\"");
        assert!(serde_json::from_str::<Tld>("\"aaa.\"").is_err());
    }
}
