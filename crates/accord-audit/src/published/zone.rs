//! The root zone as the node publishes it, against the replay: the
//! registry's API (`/api/v1/zone`, `/api/v1/zone/delegations`), and the
//! signed zone it serves (`/registry/root.zone`) — its delegations equal
//! to the registry, every signature valid under the keys the log
//! published and made at the times the plan gives, its ZONEMD, and the
//! SHA-256 that the secretariat's `zone.publish` recorded
//! (`accord_zone::verify`).

use super::{differs, Reader};
use crate::{fail, Outcome};
use anyhow::Context;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

/// How long the served zone may lag the registry's latest version (the
/// node builds and signs it after the commit).
const ZONE_WAIT: Duration = Duration::from_secs(10);

pub(crate) fn compare_zone(r: &mut Reader) -> Result<String, Outcome> {
    let started = Instant::now();
    loop {
        let api = r.fetch("/api/v1/zone")?;
        let zone = r.state().zone().clone();
        let (Some(registry), Some(version), Some(keys)) = (zone.registry(), zone.version(), zone.keys()) else {
            if !api["registry"].is_null() {
                return fail(format!("the node publishes a registry the log does not hold: {}", api["registry"]));
            }
            return Ok("no root zone registry yet".into());
        };
        differs("the zone", "keys", &api["keys"], &serde_json::to_value(keys).context("keys")?)?;
        differs("the zone", "apex", &api["registry"]["apex"], &serde_json::to_value(&registry.apex).context("apex")?)?;
        differs("the zone", "latest serial", &api["versions"][0]["serial"], &json!(version.serial))?;
        let listed = r.fetch("/api/v1/zone/delegations")?;
        let zone = r.state().zone().clone();
        let (Some(registry), Some(version), Some(keys)) = (zone.registry(), zone.version(), zone.keys()) else {
            return fail("the registry disappeared from the replay");
        };
        let rows = listed["delegations"].as_array().cloned().unwrap_or_default();
        if rows.len() != registry.delegations.len() {
            return fail(format!(
                "the node lists {} delegations, the log holds {}",
                rows.len(),
                registry.delegations.len()
            ));
        }
        for row in &rows {
            let tld = row["tld"].as_str().and_then(|t| accord_zone::Tld::parse(t).ok());
            let Some(tld) = tld else { return fail(format!("a listed delegation without a TLD: {row}")) };
            let Some(d) = registry.delegations.get(&tld) else {
                return fail(format!("the node lists {tld}, which the log does not delegate"));
            };
            let what = format!("delegation {tld}");
            differs(&what, "delegation", &row["delegation"], &serde_json::to_value(d).context("delegation")?)?;
            differs(&what, "sponsor", &row["sponsor"], &serde_json::to_value(zone.sponsor(&tld)).context("sponsor")?)?;
        }
        let (ksk, zsk) = match (keys.ksk_bytes(), keys.zsk_bytes()) {
            (Some(k), Some(z)) => (k, z),
            _ => return fail("the log's zone keys do not decode"),
        };
        let plan = version.plan.clone();
        let serial = version.serial;
        let published = zone.published().filter(|p| p.serial == serial).map(|p| p.sha256.clone());

        let (status, served_serial, text) = r.http.get_zone("/registry/root.zone")?;
        let lagging = status == 404 || served_serial.is_some_and(|s| s != serial) || published.is_none();
        if lagging && started.elapsed() < ZONE_WAIT {
            std::thread::sleep(Duration::from_millis(200));
            continue;
        }
        if status != 200 {
            return fail(format!("the log holds a registry (serial {serial}), but the node serves no zone"));
        }
        if served_serial != Some(serial) {
            return fail(format!("the node serves serial {served_serial:?}; the log's latest version is {serial}"));
        }
        let faults = accord_zone::verify::served_zone_faults(&text, registry, &plan, &ksk, &zsk);
        if !faults.is_empty() {
            return fail(format!("the zone served (serial {serial}) is not the registry's: {}", faults.join("; ")));
        }
        let sha = hex(&Sha256::digest(text.as_bytes()));
        let recorded = match published {
            Some(p) if p == sha => "its SHA-256 is the one zone.publish recorded",
            Some(p) => return fail(format!("the zone served has SHA-256 {sha}; zone.publish recorded {p}")),
            None => "not yet recorded by zone.publish",
        };
        return Ok(format!(
            "the root zone (serial {serial}, {} delegations: equal to the registry, every RRSIG valid under the \
             logged keys at the plan's times, ZONEMD right; {recorded})",
            registry.delegations.len()
        ));
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
