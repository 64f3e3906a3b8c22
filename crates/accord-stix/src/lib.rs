//! `accord-stix`: STIX 2.1 objects as Accord accepts them.
//!
//! What it is: the parsers for STIX 2.1 identifiers ([`ids`]) and
//! timestamps ([`time`]), the TLP 1.0 and TLP 2.0 marking definitions and
//! the "most restrictive marking wins" rule ([`tlp`]), and the validator
//! that turns a JSON value into a [`validate::StixObject`] or refuses it
//! naming the property at fault ([`validate`]). An invalid object cannot
//! be constructed: every `StixObject` has passed every check here, and
//! every limit (size, list length, string length, nesting depth) is a
//! named constant.
//!
//! What it is not: it does no I/O, reads no clock (no rule here needs
//! "now"), stores nothing and does not decide who may read what — it
//! tells the caller an object's TLP and its other markings; the access
//! rules live above it. It does not evaluate indicator patterns, and it
//! does not check the per-type properties of cyber-observable objects
//! (SCOs) or of types it does not know (custom objects): those get the
//! common checks and the limits only.

#![forbid(unsafe_code)]

pub mod ids;
pub mod time;
pub mod tlp;
pub mod validate;

pub use ids::{IdError, StixId, StixType};
pub use time::{StixTime, TimeError};
pub use tlp::{classify_markings, tlp_of, Markings, Tlp};
pub use validate::{parse_json, parse_json_value, parse_object, Invalid, StixObject, Version};
