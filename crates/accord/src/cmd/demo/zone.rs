//! The demo's root zone: the shared IANA root zone of 2022 imported as
//! the registry (when it is found), and one delegation added by a vote of
//! the members, so that a newcomer sees a change go from proposal to
//! signed zone to DNS answer.

use super::Seeder;
use anyhow::{Context, Result};
use serde_json::json;
use std::path::{Path, PathBuf};

/// Where the demo looks for a root zone file: `ACCORD_DEMO_ROOT_ZONE`, or
/// the shared test data beside the repository (from its root, as the
/// README runs it, or from where this binary was built).
pub fn root_zone_file() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ACCORD_DEMO_ROOT_ZONE") {
        return Some(PathBuf::from(p)).filter(|p| p.exists());
    }
    let rel = Path::new("../shared/data/rootzone/root-2022021501.zone");
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel);
    [rel.to_path_buf(), built].into_iter().find(|p| p.exists())
}

/// The TLD the demo's members add by vote.
pub const DEMO_TLD: &str = "accord";

pub(super) fn seed_zone(s: &mut Seeder<'_>, data: &Path) -> Result<()> {
    let Some(file) = root_zone_file() else {
        eprintln!("accord demo: no root zone file found (set ACCORD_DEMO_ROOT_ZONE); the demo has no registry");
        return Ok(());
    };
    let members = s.node.reads().members()?.into_iter().filter_map(|m| accord_core::MemberId::parse(&m.id)).collect();
    let apex = crate::cmd::zone::default_apex("127.0.0.1")?;
    let p = crate::cmd::zone::prepare(&file, data, &apex, "IANA root zone (imported)", &members)?;
    for part in p.parts {
        s.act_as_secretariat(accord_core::Act::ZoneImport(Box::new(part)))?;
    }
    eprintln!("accord demo: imported {} delegations from {}", p.delegations, file.display());

    // Kenya tables a new generic TLD for the body's own registry; every
    // member votes yes; the ballot closes a few seconds later.
    let closes = accord_core::Timestamp(crate::cmd::submit::now().0 + 4_000);
    let id = "delegate-accord";
    s.json(
        "KEN",
        "proposal.submit",
        json!({"id": id, "title": "Delegate the top-level domain .accord",
            "text": "The body delegates .accord to two name servers of its secretariat's registry, signed with DNSSEC.",
            "question": "important", "procedure": "vote", "closes": closes.to_rfc3339(),
            "action": {"type": "zone.change", "op": "add", "tld": DEMO_TLD,
                "sponsor": {"organisation": "Accord secretariat (demonstration)"},
                "delegation": {
                    "glue": {"ns1.nic.accord.": ["193.0.14.53", "2001:7fd::53"], "ns2.nic.accord.": ["193.0.14.54"]},
                    "ns": ["ns1.nic.accord.", "ns2.nic.accord."]}}}),
    )?;
    for (m, _) in super::DEMO_MEMBERS {
        s.json(m, "vote.cast", json!({"proposal": id, "vote": "yes"}))?;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let status = s.node.reads().proposal(id)?.map(|p| p.status);
        match status.as_deref() {
            Some("adopted") => break,
            Some("open") if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(200))
            }
            other => anyhow::bail!("the demo's zone change was not adopted ({other:?})"),
        }
    }
    let v = s.node.reads().zone_versions(None, 1)?.into_iter().next().context("a zone version")?;
    eprintln!("accord demo: .{DEMO_TLD} delegated by vote; the zone's serial is {}", v.serial);
    Ok(())
}
