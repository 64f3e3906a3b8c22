//! The root zone's projections as stored: the apex and keys (`p_zone`),
//! each delegation as it is now (`p_zone_delegations`), every change of a
//! delegation in log order (`p_zone_history`), and every version of the
//! zone with its signing plan and what was published (`p_zone_versions`).
//! Delegations keep the JSON the core serialises them to.

use crate::{Result, StoreError};
use accord_core::zone::{Sponsored, VersionCause, ZoneKeys};
use accord_core::Timestamp;
use accord_zone::{Apex, Tld, ZonePlan};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The apex, the public keys and the imported file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneInfo {
    pub apex: Apex,
    pub keys: ZoneKeys,
    pub source_sha256: String,
    pub source_serial: u32,
}

/// A delegation as it is now, and the entry that set it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelegationRow {
    pub tld: Tld,
    pub sponsored: Sponsored,
    pub since: u64,
}

/// One change of a delegation: what it became (`None`: removed), at which
/// entry, by which proposal (`None`: the import).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneHistoryRow {
    pub tld: Tld,
    pub index: u64,
    pub proposal: Option<String>,
    pub now: Option<Sponsored>,
}

/// One version of the zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneVersionRow {
    pub serial: u32,
    pub index: u64,
    pub time: Timestamp,
    pub cause: VersionCause,
    pub plan: ZonePlan,
    /// The SHA-256 of the zone text the secretariat recorded, and the entry.
    pub published: Option<(String, u64)>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredPlan {
    serial: u32,
    now: u64,
    full: u64,
    touched: BTreeMap<Tld, u64>,
}

pub(crate) fn encode_plan(p: &ZonePlan) -> Result<String> {
    let s = StoredPlan { serial: p.serial, now: p.now, full: p.full, touched: p.touched.clone() };
    serde_json::to_string(&s).map_err(|e| StoreError::Encode(format!("zone plan: {e}")))
}

pub(crate) fn decode_plan(s: &str) -> Result<ZonePlan> {
    let p: StoredPlan = serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("zone plan: {e}")))?;
    Ok(ZonePlan { serial: p.serial, now: p.now, full: p.full, touched: p.touched })
}

pub(crate) fn encode<T: Serialize>(what: &str, v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Encode(format!("{what}: {e}")))
}

pub(crate) fn decode<T: for<'de> Deserialize<'de>>(what: &str, s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

pub(crate) fn tld(s: &str) -> Result<Tld> {
    Tld::parse(s).map_err(|e| StoreError::Corrupt(format!("stored TLD {s:?}: {e}")))
}
