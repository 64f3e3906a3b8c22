//! STIX 2.1 identifiers (`<type>--<UUID>`, STIX 2.1 §2.9) and object type
//! names (§2.8 / §3.1).

use std::fmt;

use thiserror::Error;

/// Shortest object type name STIX 2.1 allows.
pub const MIN_TYPE_LEN: usize = 3;
/// Longest object type name STIX 2.1 allows.
pub const MAX_TYPE_LEN: usize = 250;
/// Length of a UUID's textual form (8-4-4-4-12).
pub const UUID_LEN: usize = 36;

/// Why a type name or identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdError {
    #[error("type name must be {MIN_TYPE_LEN}-{MAX_TYPE_LEN} characters, got {0}")]
    TypeLength(usize),
    #[error("type name must start with a lowercase letter a-z")]
    TypeStart,
    #[error("type name may hold only a-z, 0-9 and '-'")]
    TypeChar,
    #[error("type name must not contain '--'")]
    TypeDoubleHyphen,
    #[error("identifier must be <type>--<UUID>")]
    Shape,
    #[error("UUID must be 8-4-4-4-12 lowercase hex digits")]
    UuidForm,
    #[error("the nil UUID is not an identifier")]
    NilUuid,
    #[error("UUID must be of the RFC 4122 variant (10xx)")]
    UuidVariant,
    #[error("UUID version must be 1-8, got {0}")]
    UuidVersion(char),
    #[error("expected an identifier of type {expected}, got {got}")]
    WrongType { expected: String, got: String },
}

/// A STIX object type name: 3–250 characters of `a-z`, `0-9` and `-`,
/// starting with a letter, with no `--` inside.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StixType(String);

impl StixType {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let len = s.chars().count();
        if !(MIN_TYPE_LEN..=MAX_TYPE_LEN).contains(&len) {
            return Err(IdError::TypeLength(len));
        }
        if !s.as_bytes().first().is_some_and(u8::is_ascii_lowercase) {
            return Err(IdError::TypeStart);
        }
        if !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(IdError::TypeChar);
        }
        if s.contains("--") {
            return Err(IdError::TypeDoubleHyphen);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StixType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A STIX identifier `<type>--<UUID>`. The UUID is in RFC 4122 textual
/// form with lowercase hex, of the RFC 4122 variant, version 1–8 (STIX
/// asks for v4, or v5 for deterministic ids; the others are accepted),
/// and never the nil UUID.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StixId {
    text: String,
    /// Byte length of the type prefix in `text`.
    type_len: usize,
}

impl StixId {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        // The UUID has a fixed length, so the split is unambiguous even if
        // the type ends with '-'.
        if s.len() < UUID_LEN + 2 || !s.is_ascii() {
            return Err(IdError::Shape);
        }
        let split = s.len() - UUID_LEN;
        let (head, uuid) = s.split_at(split);
        let Some(ty) = head.strip_suffix("--") else {
            return Err(IdError::Shape);
        };
        StixType::parse(ty)?;
        check_uuid(uuid)?;
        Ok(Self { text: s.to_owned(), type_len: ty.len() })
    }

    /// Parses and requires the type prefix to be `expected`.
    pub fn parse_of_type(s: &str, expected: &str) -> Result<Self, IdError> {
        let id = Self::parse(s)?;
        if id.type_str() != expected {
            return Err(IdError::WrongType { expected: expected.to_owned(), got: id.type_str().to_owned() });
        }
        Ok(id)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The type prefix.
    pub fn type_str(&self) -> &str {
        &self.text[..self.type_len]
    }

    /// The type prefix as a [`StixType`].
    pub fn stix_type(&self) -> StixType {
        StixType(self.type_str().to_owned())
    }

    /// The UUID part (36 characters).
    pub fn uuid(&self) -> &str {
        &self.text[self.type_len + 2..]
    }
}

impl fmt::Display for StixId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn check_uuid(u: &str) -> Result<(), IdError> {
    let b = u.as_bytes();
    if b.len() != UUID_LEN {
        return Err(IdError::UuidForm);
    }
    for (i, c) in b.iter().enumerate() {
        let ok = match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
        };
        if !ok {
            return Err(IdError::UuidForm);
        }
    }
    if b.iter().all(|c| *c == b'0' || *c == b'-') {
        return Err(IdError::NilUuid);
    }
    if !matches!(b[19], b'8' | b'9' | b'a' | b'b') {
        return Err(IdError::UuidVariant);
    }
    if !(b'1'..=b'8').contains(&b[14]) {
        return Err(IdError::UuidVersion(char::from(b[14])));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const U: &str = "6ba7b810-9dad-41d1-80b4-00c04fd430c8";

    #[test]
    fn good_ids() {
        let id = StixId::parse(&format!("indicator--{U}")).unwrap();
        assert_eq!(id.type_str(), "indicator");
        assert_eq!(id.uuid(), U);
        assert_eq!(id.to_string(), format!("indicator--{U}"));
        // v5 and v1 accepted.
        StixId::parse("identity--6ba7b810-9dad-51d1-80b4-00c04fd430c8").unwrap();
        StixId::parse("identity--6ba7b810-9dad-11d1-b0b4-00c04fd430c8").unwrap();
        // a type ending with '-' splits by the UUID's fixed length.
        assert_eq!(StixId::parse(&format!("x-a---{U}")).unwrap().type_str(), "x-a-");
    }

    #[test]
    fn uppercase_hex_refused() {
        assert_eq!(StixId::parse("indicator--6BA7B810-9dad-41d1-80b4-00c04fd430c8"), Err(IdError::UuidForm));
    }

    #[test]
    fn nil_variant_version() {
        assert_eq!(StixId::parse("indicator--00000000-0000-0000-0000-000000000000"), Err(IdError::NilUuid));
        // variant 0xxx (NCS) and 110x (Microsoft) refused
        assert_eq!(StixId::parse("indicator--6ba7b810-9dad-41d1-70b4-00c04fd430c8"), Err(IdError::UuidVariant));
        assert_eq!(StixId::parse("indicator--6ba7b810-9dad-41d1-c0b4-00c04fd430c8"), Err(IdError::UuidVariant));
        assert_eq!(StixId::parse("indicator--6ba7b810-9dad-01d1-80b4-00c04fd430c8"), Err(IdError::UuidVersion('0')));
        assert_eq!(StixId::parse("indicator--ffffffff-ffff-ffff-ffff-ffffffffffff"), Err(IdError::UuidVariant));
    }

    #[test]
    fn bad_shapes() {
        assert_eq!(StixId::parse(U), Err(IdError::Shape));
        assert_eq!(StixId::parse(&format!("indicator-{U}")), Err(IdError::Shape));
        assert_eq!(StixId::parse(&format!("indicator--{U}x")), Err(IdError::Shape));
        assert_eq!(StixId::parse("indicator--6ba7b8109dad41d180b400c04fd430c8"), Err(IdError::Shape));
        assert_eq!(StixId::parse(&format!("in--dicator--{U}")), Err(IdError::TypeDoubleHyphen));
        assert_eq!(StixId::parse(&format!("Indicator--{U}")), Err(IdError::TypeStart));
        assert_eq!(StixId::parse(&format!("1ndicator--{U}")), Err(IdError::TypeStart));
        assert_eq!(StixId::parse(&format!("ind_cator--{U}")), Err(IdError::TypeChar));
        assert_eq!(StixId::parse(&format!("ab--{U}")), Err(IdError::TypeLength(2)));
        assert_eq!(StixId::parse(&format!("ïndicator--{U}")), Err(IdError::Shape));
    }

    #[test]
    fn type_length_limits() {
        let t250 = format!("a{}", "b".repeat(249));
        let t251 = format!("a{}", "b".repeat(250));
        StixId::parse(&format!("{t250}--{U}")).unwrap();
        assert_eq!(StixId::parse(&format!("{t251}--{U}")), Err(IdError::TypeLength(251)));
        assert_eq!(StixType::parse(&t251), Err(IdError::TypeLength(251)));
        assert!(StixType::parse("abc").is_ok());
        assert_eq!(StixType::parse("ab"), Err(IdError::TypeLength(2)));
    }

    #[test]
    fn of_type() {
        assert!(matches!(
            StixId::parse_of_type(&format!("indicator--{U}"), "identity"),
            Err(IdError::WrongType { .. })
        ));
    }
}
