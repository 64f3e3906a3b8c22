//! Acts of the root zone registry (`crate::zone`): the secretariat's
//! import of the initial registry and its record of each published zone.
//! (Changes to delegations are actions of adopted proposals:
//! `Action::ZoneChange` in `acts/decision.rs`.)

use crate::zone::{Sponsored, ZoneKeys, MAX_IMPORT_PARTS};
use accord_zone::{Apex, Tld};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `zone.import`: one part of the initial registry, read from a root zone
/// file whose SHA-256 it commits to. Part 1 carries the apex (Accord's own
/// name servers and SOA) and the public keys the zone is signed with;
/// every part carries some of the delegations, each TLD in one part only.
/// The registry exists once the last part is in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneImport {
    /// SHA-256 of the zone file, lowercase hex.
    pub file_sha256: String,
    /// The file's SOA serial.
    pub source_serial: u32,
    pub part: u32,
    pub parts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apex: Option<Apex>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<ZoneKeys>,
    pub delegations: BTreeMap<Tld, Sponsored>,
}

impl ZoneImport {
    pub(crate) fn validate(&self) -> Result<(), String> {
        sha256_hex("file_sha256", &self.file_sha256)?;
        if self.parts == 0 || self.parts > MAX_IMPORT_PARTS || self.part == 0 || self.part > self.parts {
            return Err(format!("part must be 1..=parts and parts 1..={MAX_IMPORT_PARTS}"));
        }
        match (self.part == 1, &self.apex, &self.keys) {
            (true, Some(apex), Some(keys)) => {
                if let Some(f) = apex.faults().into_iter().next() {
                    return Err(format!("apex: {f}"));
                }
                keys.validate()?;
            }
            (true, _, _) => return Err("part 1 carries the apex and the keys".into()),
            (false, None, None) => {}
            (false, _, _) => return Err("only part 1 carries the apex and the keys".into()),
        }
        for (tld, s) in &self.delegations {
            s.validate().map_err(|e| format!("delegations.{tld}: {e}"))?;
        }
        Ok(())
    }
}

/// `zone.publish`: the secretariat records that it published the zone of
/// `serial`, whose text (`GET /registry/root.zone`) has this SHA-256.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZonePublish {
    pub serial: u32,
    /// SHA-256 of the zone text, lowercase hex.
    pub sha256: String,
}

impl ZonePublish {
    pub(crate) fn validate(&self) -> Result<(), String> {
        sha256_hex("sha256", &self.sha256)
    }
}

pub(crate) fn sha256_hex(field: &str, s: &str) -> Result<(), String> {
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(())
    } else {
        Err(format!("{field} must be 64 lowercase hex digits"))
    }
}
