//! STIX 2.1 object validation: a JSON value becomes a [`StixObject`] or is
//! refused with an [`Invalid`] naming the property at fault.
//!
//! What is checked, for every object: the limits below; `type`, `id`
//! (its prefix equal to `type`) and `spec_version` (`"2.1"`, optional on
//! cyber-observables only); every `*_ref` / `*_refs` anywhere in the
//! object is an identifier; the common properties when present
//! (`created_by_ref` an identity, `revoked`, `labels`, `confidence`
//! 0–100, `lang`, `external_references`, `object_marking_refs` and
//! `granular_markings` naming marking definitions, `extensions`).
//!
//! For the SDOs, SROs and the marking definition known here (see
//! [`known_properties`]): `created` / `modified` to the millisecond with
//! `modified >= created` (marking definitions have no `modified`), the
//! per-type required properties and their types, the per-type orderings
//! (`valid_until > valid_from`, `last_seen >= first_seen`, …), and no
//! top-level property outside the spec's list except custom `x_…` ones.
//! Lists must not be empty (STIX 2.1 §2.7), and `null` is refused
//! anywhere in an object (a property is present with a value or absent).
//!
//! Cyber-observables and unknown (custom) types get the common checks and
//! the limits only; their other properties are not examined.

use serde_json::{Map, Value};
use thiserror::Error;

use crate::ids::StixId;
use crate::time::{StixTime, TimeError};
use crate::tlp::{classify_markings, Tlp, TLP1, TLP2, TLP2_EXTENSION};

/// Largest object accepted, in bytes of its JSON encoding.
pub const MAX_OBJECT_BYTES: usize = 256 * 1024;
/// Most entries in any list (and any JSON object) within an object.
pub const MAX_LIST_LEN: usize = 1_000;
/// Longest string (value or key), in bytes.
pub const MAX_STRING_BYTES: usize = 64 * 1024;
/// Deepest nesting; the object itself is depth 1.
pub const MAX_DEPTH: usize = 32;
/// `number_observed` is 1 up to this; `count` 0 up to this (STIX 2.1 §4.14, §5.2).
pub const MAX_OBSERVED: i64 = 999_999_999;

/// The name used in [`Invalid::property`] for faults of the whole object.
pub const WHOLE_OBJECT: &str = "<object>";

/// A refusal: which property, and why.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{property}: {why}")]
pub struct Invalid {
    pub property: String,
    pub why: String,
}

fn bad(property: impl Into<String>, why: impl ToString) -> Invalid {
    Invalid { property: property.into(), why: why.to_string() }
}

/// A TAXII version key's second half.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// The object's `modified`.
    Modified(StixTime),
    /// The object's `created`, when it has no `modified` (marking definitions).
    Created(StixTime),
    /// Neither (cyber-observables): STIX's "no versioning".
    Unversioned,
}

/// A STIX 2.1 object that passed every check in this module.
#[derive(Debug, Clone, PartialEq)]
pub struct StixObject {
    id: StixId,
    spec_version: String,
    created: Option<StixTime>,
    modified: Option<StixTime>,
    tlp: Option<Tlp>,
    other_markings: Vec<StixId>,
    refs: Vec<StixId>,
    raw: Value,
}

impl StixObject {
    pub fn id(&self) -> &StixId {
        &self.id
    }
    /// The object's type (equal to its id's prefix, checked).
    pub fn stix_type(&self) -> &str {
        self.id.type_str()
    }
    /// `"2.1"` (also when a cyber-observable leaves it out: the default).
    pub fn spec_version(&self) -> &str {
        &self.spec_version
    }
    pub fn created(&self) -> Option<&StixTime> {
        self.created.as_ref()
    }
    pub fn modified(&self) -> Option<&StixTime> {
        self.modified.as_ref()
    }
    /// The most restrictive TLP among the object's marking refs
    /// (`object_marking_refs` and the `marking_ref`s of
    /// `granular_markings`: a part marked RED makes the whole at least
    /// RED for whoever shares it whole).
    pub fn tlp(&self) -> Option<Tlp> {
        self.tlp
    }
    /// Marking refs that are not TLP markings, for the caller to judge.
    pub fn other_markings(&self) -> &[StixId] {
        &self.other_markings
    }
    /// Every identifier in a `*_ref` / `*_refs` property, anywhere in the
    /// object, in order of appearance, without repeats.
    pub fn refs(&self) -> &[StixId] {
        &self.refs
    }
    pub fn raw(&self) -> &Value {
        &self.raw
    }
    /// The TAXII version key is `(id, version())`.
    pub fn version(&self) -> Version {
        match (&self.modified, &self.created) {
            (Some(m), _) => Version::Modified(m.clone()),
            (None, Some(c)) => Version::Created(c.clone()),
            (None, None) => Version::Unversioned,
        }
    }
}

/// Parses JSON bytes (at most [`MAX_OBJECT_BYTES`]) into an object,
/// refusing JSON that repeats a key in any object.
pub fn parse_json(bytes: &[u8]) -> Result<StixObject, Invalid> {
    check_size(bytes.len())?;
    // Duplicate keys first: a JSON object naming `object_marking_refs`
    // twice would mean different things to different parsers.
    serde_json::from_slice::<NoDuplicates>(bytes).map_err(|e| bad(WHOLE_OBJECT, e))?;
    let value: Value = serde_json::from_slice(bytes).map_err(|e| bad(WHOLE_OBJECT, e))?;
    parse_object(&value, bytes.len())
}

/// Parses any JSON (a TAXII envelope), refusing an object that repeats a
/// key anywhere in it: for the same reason as [`parse_json`].
pub fn parse_json_value(bytes: &[u8]) -> Result<Value, String> {
    serde_json::from_slice::<NoDuplicates>(bytes).map_err(|e| e.to_string())?;
    serde_json::from_slice(bytes).map_err(|e| e.to_string())
}

/// Deserializes any JSON, refusing an object that repeats a key.
struct NoDuplicates;

impl<'de> serde::Deserialize<'de> for NoDuplicates {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NoDuplicatesVisitor)
    }
}

struct NoDuplicatesVisitor;

impl<'de> serde::de::Visitor<'de> for NoDuplicatesVisitor {
    type Value = NoDuplicates;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON without repeated keys")
    }
    fn visit_bool<E>(self, _: bool) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_i64<E>(self, _: i64) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_u64<E>(self, _: u64) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_f64<E>(self, _: f64) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_str<E>(self, _: &str) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_unit<E>(self) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<NoDuplicates, A::Error> {
        while a.next_element::<NoDuplicates>()?.is_some() {}
        Ok(NoDuplicates)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<NoDuplicates, A::Error> {
        let mut seen = std::collections::BTreeSet::new();
        while let Some(k) = a.next_key::<String>()? {
            if !seen.insert(k.clone()) {
                return Err(serde::de::Error::custom(format!("key {k:?} repeated")));
            }
            a.next_value::<NoDuplicates>()?;
        }
        Ok(NoDuplicates)
    }
}

fn check_size(len: usize) -> Result<(), Invalid> {
    if len > MAX_OBJECT_BYTES {
        return Err(bad(WHOLE_OBJECT, format!("{len} bytes, more than {MAX_OBJECT_BYTES}")));
    }
    Ok(())
}

// ---------------------------------------------------------------------
// Property tables

/// What a property holds.
#[derive(Debug, Clone, Copy)]
enum P {
    Str,
    StrList,
    Time,
    Bool,
    /// An identifier of one of these types (empty: any type).
    Ref(&'static [&'static str]),
    Refs(&'static [&'static str]),
    Int(i64, i64),
    Float(f64, f64),
    KillChain,
    Enum(&'static [&'static str]),
    /// A JSON object whose contents are not examined further here.
    Dict,
    /// A common property with a shape of its own, checked by `check_common`.
    Common,
}

#[derive(Debug, Clone, Copy)]
struct Prop {
    name: &'static str,
    kind: P,
    required: bool,
}

const fn req(name: &'static str, kind: P) -> Prop {
    Prop { name, kind, required: true }
}
const fn opt(name: &'static str, kind: P) -> Prop {
    Prop { name, kind, required: false }
}

const MARKING: &[&str] = &["marking-definition"];

/// Properties common to SDOs and SROs (STIX 2.1 §3.2). `type`, `id` and
/// `spec_version` are checked before the tables.
const COMMON: &[Prop] = &[
    req("created", P::Time),
    req("modified", P::Time),
    opt("created_by_ref", P::Ref(&["identity"])),
    opt("revoked", P::Bool),
    opt("labels", P::StrList),
    opt("confidence", P::Int(0, 100)),
    opt("lang", P::Str),
    opt("external_references", P::Common),
    opt("object_marking_refs", P::Refs(MARKING)),
    opt("granular_markings", P::Common),
    opt("extensions", P::Common),
];

const MARKING_DEF: &[Prop] = &[
    req("created", P::Time),
    opt("created_by_ref", P::Ref(&["identity"])),
    opt("external_references", P::Common),
    opt("object_marking_refs", P::Refs(MARKING)),
    opt("granular_markings", P::Common),
    opt("definition_type", P::Str),
    opt("definition", P::Dict),
    opt("name", P::Str),
    opt("extensions", P::Common),
];

const SRO_ENDPOINT: &[&str] = &[];

/// The per-type properties of the SDOs and SROs known here (STIX 2.1 §4,
/// §5), beyond [`COMMON`]. `None` for other types.
pub fn known_properties(stix_type: &str) -> Option<Vec<&'static str>> {
    type_props(stix_type).map(|ps| ps.iter().map(|p| p.name).collect())
}

fn type_props(t: &str) -> Option<&'static [Prop]> {
    use P::*;
    Some(match t {
        "attack-pattern" => {
            const {
                &[
                    req("name", Str),
                    opt("description", Str),
                    opt("aliases", StrList),
                    opt("kill_chain_phases", KillChain),
                ]
            }
        }
        "campaign" => {
            const {
                &[
                    req("name", Str),
                    opt("description", Str),
                    opt("aliases", StrList),
                    opt("first_seen", Time),
                    opt("last_seen", Time),
                    opt("objective", Str),
                ]
            }
        }
        "course-of-action" => const { &[req("name", Str), opt("description", Str)] },
        "grouping" => {
            const { &[opt("name", Str), opt("description", Str), req("context", Str), req("object_refs", Refs(&[]))] }
        }
        "identity" => {
            const {
                &[
                    req("name", Str),
                    opt("description", Str),
                    opt("roles", StrList),
                    // Optional in STIX 2.1 (it was required in 2.0).
                    opt("identity_class", Str),
                    opt("sectors", StrList),
                    opt("contact_information", Str),
                ]
            }
        }
        "incident" => const { &[req("name", Str), opt("description", Str), opt("kill_chain_phases", KillChain)] },
        "indicator" => {
            const {
                &[
                    opt("name", Str),
                    opt("description", Str),
                    opt("indicator_types", StrList),
                    req("pattern", Str),
                    req("pattern_type", Str),
                    opt("pattern_version", Str),
                    req("valid_from", Time),
                    opt("valid_until", Time),
                    opt("kill_chain_phases", KillChain),
                ]
            }
        }
        "infrastructure" => {
            const {
                &[
                    req("name", Str),
                    opt("description", Str),
                    opt("infrastructure_types", StrList),
                    opt("aliases", StrList),
                    opt("kill_chain_phases", KillChain),
                    opt("first_seen", Time),
                    opt("last_seen", Time),
                ]
            }
        }
        "intrusion-set" => {
            const {
                &[
                    req("name", Str),
                    opt("description", Str),
                    opt("aliases", StrList),
                    opt("first_seen", Time),
                    opt("last_seen", Time),
                    opt("goals", StrList),
                    opt("resource_level", Str),
                    opt("primary_motivation", Str),
                    opt("secondary_motivations", StrList),
                ]
            }
        }
        // At least one of region, country, or latitude and longitude (extra checks).
        "location" => {
            const {
                &[
                    opt("name", Str),
                    opt("description", Str),
                    opt("latitude", Float(-90.0, 90.0)),
                    opt("longitude", Float(-180.0, 180.0)),
                    opt("precision", Float(0.0, f64::MAX)),
                    opt("region", Str),
                    opt("country", Str),
                    opt("administrative_area", Str),
                    opt("city", Str),
                    opt("street_address", Str),
                    opt("postal_code", Str),
                ]
            }
        }
        "malware" => {
            const {
                &[
                    // Required when is_family is true (extra checks).
                    opt("name", Str),
                    opt("description", Str),
                    opt("malware_types", StrList),
                    req("is_family", Bool),
                    opt("aliases", StrList),
                    opt("kill_chain_phases", KillChain),
                    opt("first_seen", Time),
                    opt("last_seen", Time),
                    opt("operating_system_refs", Refs(&["software"])),
                    opt("architecture_execution_envs", StrList),
                    opt("implementation_languages", StrList),
                    opt("capabilities", StrList),
                    opt("sample_refs", Refs(&["file", "artifact"])),
                ]
            }
        }
        "note" => {
            const { &[opt("abstract", Str), req("content", Str), opt("authors", StrList), req("object_refs", Refs(&[]))] }
        }
        "observed-data" => {
            const {
                &[
                    req("first_observed", Time),
                    req("last_observed", Time),
                    req("number_observed", Int(1, MAX_OBSERVED)),
                    // The deprecated `objects` form is not accepted.
                    req("object_refs", Refs(&[])),
                ]
            }
        }
        "opinion" => {
            const {
                &[
                    opt("explanation", Str),
                    opt("authors", StrList),
                    req("opinion", Enum(&["strongly-disagree", "disagree", "neutral", "agree", "strongly-agree"])),
                    req("object_refs", Refs(&[])),
                ]
            }
        }
        "report" => {
            const {
                &[
                    req("name", Str),
                    opt("description", Str),
                    opt("report_types", StrList),
                    req("published", Time),
                    req("object_refs", Refs(&[])),
                ]
            }
        }
        "threat-actor" => {
            const {
                &[
                    req("name", Str),
                    opt("description", Str),
                    opt("threat_actor_types", StrList),
                    opt("aliases", StrList),
                    opt("first_seen", Time),
                    opt("last_seen", Time),
                    opt("roles", StrList),
                    opt("goals", StrList),
                    opt("sophistication", Str),
                    opt("resource_level", Str),
                    opt("primary_motivation", Str),
                    opt("secondary_motivations", StrList),
                    opt("personal_motivations", StrList),
                ]
            }
        }
        "tool" => {
            const {
                &[
                    req("name", Str),
                    opt("description", Str),
                    opt("tool_types", StrList),
                    opt("aliases", StrList),
                    opt("kill_chain_phases", KillChain),
                    opt("tool_version", Str),
                ]
            }
        }
        "vulnerability" => const { &[req("name", Str), opt("description", Str)] },
        "relationship" => {
            const {
                &[
                    req("relationship_type", Str),
                    opt("description", Str),
                    req("source_ref", Ref(SRO_ENDPOINT)),
                    req("target_ref", Ref(SRO_ENDPOINT)),
                    opt("start_time", Time),
                    opt("stop_time", Time),
                ]
            }
        }
        "sighting" => {
            const {
                &[
                    opt("description", Str),
                    opt("first_seen", Time),
                    opt("last_seen", Time),
                    opt("count", Int(0, MAX_OBSERVED)),
                    req("sighting_of_ref", Ref(&[])),
                    opt("observed_data_refs", Refs(&["observed-data"])),
                    opt("where_sighted_refs", Refs(&["identity", "location"])),
                    opt("summary", Bool),
                ]
            }
        }
        _ => return None,
    })
}

/// The cyber-observable types of STIX 2.1 §6.
fn is_observable(t: &str) -> bool {
    matches!(
        t,
        "artifact"
            | "autonomous-system"
            | "directory"
            | "domain-name"
            | "email-addr"
            | "email-message"
            | "file"
            | "ipv4-addr"
            | "ipv6-addr"
            | "mac-addr"
            | "mutex"
            | "network-traffic"
            | "process"
            | "software"
            | "url"
            | "user-account"
            | "windows-registry-key"
            | "x509-certificate"
    )
}

/// Types that may not be a relationship's end or what is sighted.
fn is_not_endpoint(t: &str) -> bool {
    matches!(t, "relationship" | "sighting" | "marking-definition" | "language-content" | "extension-definition")
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// SDO or SRO with its per-type table.
    Domain(&'static [Prop]),
    Marking,
    Observable,
    Unknown,
}

// ---------------------------------------------------------------------
// The parser

/// Validates one STIX 2.1 object. `encoded_len` is the length in bytes of
/// the JSON it was read from (the caller measured it; at most
/// [`MAX_OBJECT_BYTES`]).
pub fn parse_object(value: &Value, encoded_len: usize) -> Result<StixObject, Invalid> {
    check_size(encoded_len)?;
    let Value::Object(map) = value else {
        return Err(bad(WHOLE_OBJECT, "not a JSON object"));
    };
    let mut refs = Vec::new();
    walk(value, "", 1, &mut refs)?;

    let ty = match map.get("type") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(bad("type", "not a string")),
        None => return Err(bad("type", "required")),
    };
    crate::ids::StixType::parse(ty).map_err(|e| bad("type", e))?;
    let id = match map.get("id") {
        Some(Value::String(s)) => StixId::parse(s).map_err(|e| bad("id", e))?,
        Some(_) => return Err(bad("id", "not a string")),
        None => return Err(bad("id", "required")),
    };
    if id.type_str() != ty {
        return Err(bad("id", format!("prefix {:?} differs from type {ty:?}", id.type_str())));
    }
    let kind = if let Some(t) = type_props(ty) {
        Kind::Domain(t)
    } else if ty == "marking-definition" {
        Kind::Marking
    } else if is_observable(ty) {
        Kind::Observable
    } else {
        Kind::Unknown
    };
    match (map.get("spec_version"), kind) {
        (Some(Value::String(s)), _) if s == "2.1" => {}
        (Some(_), _) => return Err(bad("spec_version", "must be \"2.1\"")),
        (None, Kind::Observable) => {}
        (None, Kind::Domain(_) | Kind::Marking | Kind::Unknown) => return Err(bad("spec_version", "required")),
    }

    check_common(map, kind)?;
    match kind {
        Kind::Domain(props) => {
            check_table(map, COMMON)?;
            check_table(map, props)?;
            refuse_unknown(map, &[COMMON, props])?;
            check_extra(ty, map)?;
        }
        Kind::Marking => {
            check_table(map, MARKING_DEF)?;
            refuse_unknown(map, &[MARKING_DEF])?;
            check_marking(&id, map)?;
        }
        Kind::Observable | Kind::Unknown => {}
    }

    let created = opt_time(map, "created", true)?;
    let modified = match kind {
        Kind::Marking => None,
        Kind::Domain(_) | Kind::Observable | Kind::Unknown => opt_time(map, "modified", true)?,
    };
    if let (Some(c), Some(m)) = (&created, &modified) {
        if m.cmp_instant(c).is_lt() {
            return Err(bad("modified", "earlier than created"));
        }
    }

    let mut marking_refs = Vec::new();
    if let Some(Value::Array(a)) = map.get("object_marking_refs") {
        for v in a {
            if let Value::String(s) = v {
                marking_refs.push(StixId::parse(s).map_err(|e| bad("object_marking_refs", e))?);
            }
        }
    }
    if let Some(Value::Array(a)) = map.get("granular_markings") {
        for g in a {
            if let Some(Value::String(s)) = g.get("marking_ref") {
                marking_refs.push(StixId::parse(s).map_err(|e| bad("granular_markings", e))?);
            }
        }
    }
    let markings = classify_markings(&marking_refs);

    Ok(StixObject {
        id,
        spec_version: "2.1".to_owned(),
        created,
        modified,
        tlp: markings.tlp,
        other_markings: markings.other,
        refs,
        raw: value.clone(),
    })
}

/// Limits and refs, over the whole tree.
fn walk(v: &Value, path: &str, depth: usize, refs: &mut Vec<StixId>) -> Result<(), Invalid> {
    let name = || {
        if path.is_empty() {
            WHOLE_OBJECT.to_owned()
        } else {
            path.to_owned()
        }
    };
    if depth > MAX_DEPTH {
        return Err(bad(name(), format!("nested deeper than {MAX_DEPTH}")));
    }
    match v {
        Value::Null => Err(bad(name(), "null is not a STIX value")),
        Value::Bool(_) | Value::Number(_) => Ok(()),
        Value::String(s) => {
            if s.len() > MAX_STRING_BYTES {
                return Err(bad(name(), format!("string longer than {MAX_STRING_BYTES} bytes")));
            }
            Ok(())
        }
        Value::Array(a) => {
            if a.len() > MAX_LIST_LEN {
                return Err(bad(name(), format!("more than {MAX_LIST_LEN} entries")));
            }
            for (i, x) in a.iter().enumerate() {
                walk(x, &format!("{path}[{i}]"), depth + 1, refs)?;
            }
            Ok(())
        }
        Value::Object(m) => {
            if m.len() > MAX_LIST_LEN {
                return Err(bad(name(), format!("more than {MAX_LIST_LEN} entries")));
            }
            for (k, x) in m {
                let child = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                if k.len() > MAX_STRING_BYTES {
                    return Err(bad(name(), format!("key longer than {MAX_STRING_BYTES} bytes")));
                }
                walk(x, &child, depth + 1, refs)?;
                if k.ends_with("_ref") {
                    let Value::String(s) = x else {
                        return Err(bad(child, "a _ref must be an identifier string"));
                    };
                    push_ref(refs, StixId::parse(s).map_err(|e| bad(&child, e))?);
                } else if k.ends_with("_refs") {
                    let Value::Array(a) = x else {
                        return Err(bad(child, "a _refs must be a list of identifiers"));
                    };
                    for r in a {
                        let Value::String(s) = r else {
                            return Err(bad(child, "a _refs must be a list of identifiers"));
                        };
                        push_ref(refs, StixId::parse(s).map_err(|e| bad(&child, e))?);
                    }
                }
            }
            Ok(())
        }
    }
}

fn push_ref(refs: &mut Vec<StixId>, id: StixId) {
    if !refs.contains(&id) {
        refs.push(id);
    }
}

/// Common properties any object may carry, checked for every kind.
fn check_common(map: &Map<String, Value>, kind: Kind) -> Result<(), Invalid> {
    if let Some(v) = map.get("created_by_ref") {
        check_kind("created_by_ref", v, P::Ref(&["identity"]))?;
    }
    if let Some(v) = map.get("revoked") {
        check_kind("revoked", v, P::Bool)?;
    }
    if let Some(v) = map.get("labels") {
        check_kind("labels", v, P::StrList)?;
    }
    if let Some(v) = map.get("confidence") {
        check_kind("confidence", v, P::Int(0, 100))?;
    }
    if let Some(v) = map.get("lang") {
        check_lang("lang", v)?;
    }
    if let Some(v) = map.get("object_marking_refs") {
        check_kind("object_marking_refs", v, P::Refs(MARKING))?;
    }
    if let Some(v) = map.get("external_references") {
        check_external_references(v)?;
    }
    if let Some(v) = map.get("granular_markings") {
        check_granular_markings(v)?;
    }
    if let Some(v) = map.get("extensions") {
        check_extensions(v, kind)?;
    }
    Ok(())
}

fn check_table(map: &Map<String, Value>, props: &[Prop]) -> Result<(), Invalid> {
    for p in props {
        match map.get(p.name) {
            Some(v) => {
                // created/modified: to the millisecond.
                if matches!(p.name, "created" | "modified") {
                    opt_time(map, p.name, true)?;
                } else {
                    check_kind(p.name, v, p.kind)?;
                }
            }
            None if p.required => return Err(bad(p.name, "required")),
            None => {}
        }
    }
    Ok(())
}

fn refuse_unknown(map: &Map<String, Value>, tables: &[&[Prop]]) -> Result<(), Invalid> {
    for k in map.keys() {
        let known = matches!(k.as_str(), "type" | "id" | "spec_version")
            || tables.iter().any(|t| t.iter().any(|p| p.name == k));
        if known {
            continue;
        }
        if !is_custom_name(k) {
            return Err(bad(k.as_str(), "not a property of this type (custom ones start with x_)"));
        }
    }
    Ok(())
}

/// `x_` then `a-z`, `0-9`, `_`; 3–250 characters (STIX 2.1 §11.1).
fn is_custom_name(k: &str) -> bool {
    (3..=250).contains(&k.len())
        && k.starts_with("x_")
        && k.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn check_kind(name: &str, v: &Value, kind: P) -> Result<(), Invalid> {
    match kind {
        P::Str => str_of(name, v).map(|_| ()),
        P::StrList => {
            for x in list_of(name, v)? {
                str_of(name, x)?;
            }
            Ok(())
        }
        P::Time => StixTime::parse(str_of(name, v)?).map(|_| ()).map_err(|e| bad(name, e)),
        P::Bool => match v {
            Value::Bool(_) => Ok(()),
            _ => Err(bad(name, "not a boolean")),
        },
        P::Ref(types) => ref_of(name, v, types),
        P::Refs(types) => {
            for x in list_of(name, v)? {
                ref_of(name, x, types)?;
            }
            Ok(())
        }
        P::Int(lo, hi) => match v.as_i64() {
            Some(n) if (lo..=hi).contains(&n) => Ok(()),
            Some(_) => Err(bad(name, format!("must be {lo} to {hi}"))),
            None if v.is_number() => Err(bad(name, format!("must be an integer {lo} to {hi}"))),
            None => Err(bad(name, "not an integer")),
        },
        P::Float(lo, hi) => match v.as_f64() {
            Some(n) if (lo..=hi).contains(&n) => Ok(()),
            Some(_) => Err(bad(name, format!("must be {lo} to {hi}"))),
            None => Err(bad(name, "not a number")),
        },
        P::KillChain => {
            for x in list_of(name, v)? {
                let m = obj_of(name, x)?;
                for k in ["kill_chain_name", "phase_name"] {
                    str_of(name, m.get(k).ok_or_else(|| bad(name, format!("{k} required")))?)?;
                }
                if let Some(k) = m.keys().find(|k| !matches!(k.as_str(), "kill_chain_name" | "phase_name")) {
                    return Err(bad(name, format!("unknown key {k:?}")));
                }
            }
            Ok(())
        }
        P::Enum(words) => {
            let s = str_of(name, v)?;
            if words.contains(&s) {
                Ok(())
            } else {
                Err(bad(name, format!("must be one of {words:?}")))
            }
        }
        P::Dict => obj_of(name, v).map(|_| ()),
        P::Common => Ok(()),
    }
}

fn str_of<'a>(name: &str, v: &'a Value) -> Result<&'a str, Invalid> {
    match v {
        Value::String(s) => Ok(s),
        _ => Err(bad(name, "not a string")),
    }
}

fn list_of<'a>(name: &str, v: &'a Value) -> Result<&'a [Value], Invalid> {
    match v {
        Value::Array(a) if a.is_empty() => Err(bad(name, "a list must not be empty")),
        Value::Array(a) => Ok(a),
        _ => Err(bad(name, "not a list")),
    }
}

fn obj_of<'a>(name: &str, v: &'a Value) -> Result<&'a Map<String, Value>, Invalid> {
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(bad(name, "not a JSON object")),
    }
}

fn ref_of(name: &str, v: &Value, types: &[&str]) -> Result<(), Invalid> {
    let id = StixId::parse(str_of(name, v)?).map_err(|e| bad(name, e))?;
    if !types.is_empty() && !types.contains(&id.type_str()) {
        return Err(bad(name, format!("must name one of {types:?}, not {}", id.type_str())));
    }
    Ok(())
}

fn opt_time(map: &Map<String, Value>, name: &str, millis: bool) -> Result<Option<StixTime>, Invalid> {
    let Some(v) = map.get(name) else {
        return Ok(None);
    };
    let s = str_of(name, v)?;
    let t: Result<StixTime, TimeError> = if millis { StixTime::parse_millis(s) } else { StixTime::parse(s) };
    t.map(Some).map_err(|e| bad(name, e))
}

/// RFC 5646 shape: subtags of 1–8 ASCII letters or digits joined by `-`,
/// the first 1–8 letters.
fn check_lang(name: &str, v: &Value) -> Result<(), Invalid> {
    let s = str_of(name, v)?;
    let mut tags = s.split('-');
    let first_ok =
        tags.next().is_some_and(|t| (1..=8).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphabetic()));
    let rest_ok = tags.all(|t| (1..=8).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric()));
    if first_ok && rest_ok && s.len() <= 64 {
        Ok(())
    } else {
        Err(bad(name, "not an RFC 5646 language tag"))
    }
}

/// STIX 2.1 §2.5: `source_name` and at least one of `description`,
/// `url`, `external_id`; `hashes` a map of strings.
fn check_external_references(v: &Value) -> Result<(), Invalid> {
    const N: &str = "external_references";
    for (i, x) in list_of(N, v)?.iter().enumerate() {
        let p = format!("{N}[{i}]");
        let m = obj_of(&p, x)?;
        for (k, val) in m {
            let kp = format!("{p}.{k}");
            match k.as_str() {
                "source_name" | "description" | "url" | "external_id" => {
                    str_of(&kp, val)?;
                }
                "hashes" => {
                    let h = obj_of(&kp, val)?;
                    if h.is_empty() {
                        return Err(bad(kp, "must not be empty"));
                    }
                    for hv in h.values() {
                        str_of(&kp, hv)?;
                    }
                }
                _ => return Err(bad(kp, "not a property of an external reference")),
            }
        }
        if !m.contains_key("source_name") {
            return Err(bad(format!("{p}.source_name"), "required"));
        }
        if !["description", "url", "external_id"].iter().any(|k| m.contains_key(*k)) {
            return Err(bad(p, "needs one of description, url, external_id"));
        }
    }
    Ok(())
}

/// STIX 2.1 §7.2.3: `selectors` (required), and exactly one of
/// `marking_ref` (a marking definition) or `lang`.
fn check_granular_markings(v: &Value) -> Result<(), Invalid> {
    const N: &str = "granular_markings";
    for (i, x) in list_of(N, v)?.iter().enumerate() {
        let p = format!("{N}[{i}]");
        let m = obj_of(&p, x)?;
        for (k, val) in m {
            let kp = format!("{p}.{k}");
            match k.as_str() {
                "selectors" => check_kind(&kp, val, P::StrList)?,
                "marking_ref" => check_kind(&kp, val, P::Ref(MARKING))?,
                "lang" => check_lang(&kp, val)?,
                _ => return Err(bad(kp, "not a property of a granular marking")),
            }
        }
        if !m.contains_key("selectors") {
            return Err(bad(format!("{p}.selectors"), "required"));
        }
        if m.contains_key("marking_ref") == m.contains_key("lang") {
            return Err(bad(p, "exactly one of marking_ref and lang"));
        }
    }
    Ok(())
}

/// Keys are extension-definition ids (cyber-observables may also use the
/// predefined `…-ext` names); values are objects.
fn check_extensions(v: &Value, kind: Kind) -> Result<(), Invalid> {
    const N: &str = "extensions";
    let m = obj_of(N, v)?;
    if m.is_empty() {
        return Err(bad(N, "must not be empty"));
    }
    for (k, val) in m {
        let kp = format!("{N}.{k}");
        let predefined = matches!(kind, Kind::Observable) && k.ends_with("-ext");
        if !predefined {
            StixId::parse_of_type(k, "extension-definition").map_err(|e| bad(&kp, e))?;
        }
        let e = obj_of(&kp, val)?;
        if let Some(t) = e.get("extension_type") {
            check_kind(
                &format!("{kp}.extension_type"),
                t,
                P::Enum(&["new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension"]),
            )?;
        }
    }
    Ok(())
}

fn time_in(map: &Map<String, Value>, name: &str) -> Option<StixTime> {
    map.get(name).and_then(Value::as_str).and_then(|s| StixTime::parse(s).ok())
}

/// `later` must not be before `earlier` (or, if `strict`, must be after).
fn ordered(map: &Map<String, Value>, earlier: &str, later: &str, strict: bool) -> Result<(), Invalid> {
    if let (Some(a), Some(b)) = (time_in(map, earlier), time_in(map, later)) {
        let o = b.cmp_instant(&a);
        if o.is_lt() || (strict && o.is_eq()) {
            let rel = if strict { "after" } else { "at or after" };
            return Err(bad(later, format!("must be {rel} {earlier}")));
        }
    }
    Ok(())
}

fn check_extra(ty: &str, map: &Map<String, Value>) -> Result<(), Invalid> {
    match ty {
        "indicator" => ordered(map, "valid_from", "valid_until", true),
        "campaign" | "intrusion-set" | "threat-actor" | "infrastructure" | "sighting" => {
            ordered(map, "first_seen", "last_seen", false)
        }
        "malware" => {
            ordered(map, "first_seen", "last_seen", false)?;
            if map.get("is_family") == Some(&Value::Bool(true)) && !map.contains_key("name") {
                return Err(bad("name", "required when is_family is true"));
            }
            Ok(())
        }
        "observed-data" => ordered(map, "first_observed", "last_observed", false),
        "relationship" => {
            ordered(map, "start_time", "stop_time", true)?;
            for k in ["source_ref", "target_ref"] {
                endpoint(map, k)?;
            }
            Ok(())
        }
        "location" => {
            let has = |k| map.contains_key(k);
            if has("latitude") != has("longitude") {
                return Err(bad(
                    if has("latitude") { "longitude" } else { "latitude" },
                    "latitude and longitude go together",
                ));
            }
            if has("precision") && !has("latitude") {
                return Err(bad("precision", "only with latitude and longitude"));
            }
            if !(has("region") || has("country") || has("latitude")) {
                return Err(bad("region", "one of region, country, or latitude and longitude required"));
            }
            Ok(())
        }
        _ => Ok(()),
    }
    .and_then(|()| if ty == "sighting" { sighted(map) } else { Ok(()) })
}

/// `sighting_of_ref` names an SDO only (STIX 2.1 §5.2).
fn sighted(map: &Map<String, Value>) -> Result<(), Invalid> {
    endpoint(map, "sighting_of_ref")?;
    let t = map.get("sighting_of_ref").and_then(Value::as_str).and_then(|s| StixId::parse(s).ok());
    if let Some(id) = t {
        if is_observable(id.type_str()) {
            return Err(bad("sighting_of_ref", "must name an SDO, not a cyber-observable"));
        }
    }
    Ok(())
}

fn endpoint(map: &Map<String, Value>, k: &str) -> Result<(), Invalid> {
    if let Some(id) = map.get(k).and_then(Value::as_str).and_then(|s| StixId::parse(s).ok()) {
        if is_not_endpoint(id.type_str()) {
            return Err(bad(k, format!("cannot point at a {}", id.type_str())));
        }
    }
    Ok(())
}

/// STIX 2.1 §7.2: a TLP 1.0 `definition_type: "tlp"`, a statement, another
/// definition type, or (with no `definition_type`) an `extensions` form
/// such as TLP 2.0. The nine TLP ids must hold exactly their TLP, and a
/// TLP definition may only sit under its fixed id.
fn check_marking(id: &StixId, map: &Map<String, Value>) -> Result<(), Invalid> {
    let dt = map.get("definition_type").and_then(Value::as_str);
    let def = map.get("definition").and_then(Value::as_object);
    let mut tlp1_word = None;
    match (dt, def) {
        (Some(_), None) => return Err(bad("definition", "required with definition_type")),
        (None, Some(_)) => return Err(bad("definition_type", "required with definition")),
        (None, None) => {
            if !map.contains_key("extensions") {
                return Err(bad("definition_type", "required unless extensions define the marking"));
            }
        }
        (Some("tlp"), Some(d)) => {
            let w = d.get("tlp").and_then(Value::as_str);
            if d.len() != 1 || !w.is_some_and(|w| TLP1.iter().any(|(_, x, _)| *x == w)) {
                return Err(bad("definition", "a TLP definition is {\"tlp\": white|green|amber|red}"));
            }
            tlp1_word = w;
        }
        (Some("statement"), Some(d)) => {
            if d.len() != 1 || !d.get("statement").is_some_and(Value::is_string) {
                return Err(bad("definition", "a statement definition is {\"statement\": string}"));
            }
        }
        (Some(_), Some(_)) => {}
    }
    let tlp2_word = match map.get("extensions").and_then(|e| e.get(TLP2_EXTENSION)) {
        None => None,
        Some(ext) => {
            let p = format!("extensions.{TLP2_EXTENSION}");
            let w = ext.get("tlp_2_0").and_then(Value::as_str);
            let ty_ok = ext.get("extension_type").and_then(Value::as_str) == Some("property-extension");
            let keys_ok = ext.as_object().is_some_and(|m| m.len() == 2);
            if !(ty_ok && keys_ok && w.is_some_and(|w| TLP2.iter().any(|(_, x, _)| *x == w))) {
                return Err(bad(
                    p,
                    "TLP 2.0 is {\"extension_type\": \"property-extension\", \"tlp_2_0\": clear|green|amber|amber+strict|red}",
                ));
            }
            w
        }
    };
    let fixed1 = TLP1.iter().find(|(i, _, _)| *i == id.as_str());
    let fixed2 = TLP2.iter().find(|(i, _, _)| *i == id.as_str());
    match (fixed1, tlp1_word) {
        (Some((_, w, _)), got) if got != Some(*w) => return Err(bad("definition", format!("this id is TLP 1.0 {w}"))),
        (None, Some(_)) => return Err(bad("id", "TLP 1.0 markings must use their fixed ids")),
        _ => {}
    }
    match (fixed2, tlp2_word) {
        (Some((_, w, t)), got) => {
            if got != Some(*w) {
                return Err(bad(format!("extensions.{TLP2_EXTENSION}"), format!("this id is TLP 2.0 {w}")));
            }
            if let Some(n) = map.get("name") {
                if n.as_str() != Some(t.label()) {
                    return Err(bad("name", format!("must be {}", t.label())));
                }
            }
        }
        (None, Some(_)) => return Err(bad("id", "TLP 2.0 markings must use their fixed ids")),
        (None, None) => {}
    }
    if tlp1_word.is_some() && tlp2_word.is_some() {
        return Err(bad("extensions", "TLP 1.0 and TLP 2.0 in one marking"));
    }
    Ok(())
}
