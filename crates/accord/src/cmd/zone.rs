//! `accord zone`: the root zone registry from the command line.
//!
//! `accord zone import --data DIR FILE` reads a root zone file (the IANA
//! root, say), makes the zone's two keys in `DIR/keys/` if they are not
//! there yet (Ed25519, PKCS#8, mode 0600), and submits the registry as the
//! secretariat's `zone.import` statements to the running node: as many
//! parts as the entry size limit needs, each TLD in one part, the first
//! with Accord's own apex (its name servers and SOA) and the keys' public
//! halves. A country-code TLD whose country is a member is sponsored by
//! that member; every other by the organisation named with `--sponsor`.

use crate::cmd::submit::Submitter;
use crate::files::{secretariat_key_path, zone_keys};
use accord_core::statement::MAX_STATEMENT_BYTES;
use accord_core::zone::{country_member, Sponsor, Sponsored};
use accord_core::MemberId;
use accord_zone::model::{Apex, SoaFields};
use accord_zone::{Name, Tld};
use anyhow::{anyhow, bail, Context, Result};
use base64::Engine;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// Room kept in each part for the statement's envelope (header lines,
/// the note's signature line) and part 1's apex and keys.
const ENVELOPE: usize = 4_096;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// Data directory of the body: its secretariat key signs, and the
    /// zone's keys are kept (or made) in its keys/ folder.
    #[arg(long)]
    pub data: PathBuf,
    /// Base URL of the running node.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// One of the root's own name servers, NAME=ADDRESS[,ADDRESS…]
    /// (repeatable; each under a TLD of the file).
    #[arg(long = "apex-ns", value_name = "NAME=ADDRESSES", default_value = "a.accord-servers.net=127.0.0.1")]
    pub apex_ns: Vec<String>,
    /// The SOA's mailbox of the zone's operator.
    #[arg(long, default_value = "secretariat.accord-servers.net")]
    pub soa_rname: String,
    /// Sponsor recorded for TLDs that are not a member's country code.
    #[arg(long, default_value = "IANA root zone (imported)")]
    pub sponsor: String,
    /// The root zone file.
    pub file: PathBuf,
}

#[derive(clap::Subcommand)]
pub enum ZoneCommand {
    /// Import a root zone file as the initial registry (the secretariat's statements).
    Import(ImportArgs),
    /// Ask a delegation's name servers whether they serve it (--live; outside every decision).
    Check(crate::cmd::zone_live::CheckArgs),
}

pub fn run(cmd: &ZoneCommand) -> Result<()> {
    match cmd {
        ZoneCommand::Import(a) => import(a),
        ZoneCommand::Check(a) => crate::cmd::zone_live::run(a),
    }
}

fn parse_apex(apex_ns: &[String], rname: &str) -> Result<Apex> {
    let mut ns = BTreeMap::new();
    for spec in apex_ns {
        let (name, addrs) =
            spec.split_once('=').ok_or_else(|| anyhow!("--apex-ns {spec:?}: NAME=ADDRESS[,ADDRESS…]"))?;
        let name = Name::parse(name).map_err(|e| anyhow!("--apex-ns {spec:?}: {e}"))?;
        let addrs: BTreeSet<IpAddr> = addrs
            .split(',')
            .map(|a| a.trim().parse().map_err(|e| anyhow!("--apex-ns {spec:?}: {a:?} is not an address ({e})")))
            .collect::<Result<_>>()?;
        ns.insert(name, addrs);
    }
    let mname = ns.keys().next().cloned().context("at least one --apex-ns")?;
    let rname = Name::parse(rname).map_err(|e| anyhow!("--soa-rname: {e}"))?;
    let apex =
        Apex { ns, soa: SoaFields { mname, rname, refresh: 1_800, retry: 900, expire: 604_800, minimum: 86_400 } };
    if let Some(f) = apex.faults().into_iter().next() {
        bail!("{f}");
    }
    Ok(apex)
}

/// The members of the body, as the node lists them.
fn members(server: &str) -> Result<BTreeSet<MemberId>> {
    let url = format!("{}/api/v1/members", server.trim_end_matches('/'));
    let r = reqwest::blocking::get(&url).with_context(|| format!("cannot reach {url}"))?;
    let v: serde_json::Value = r.json().with_context(|| format!("{url} did not answer JSON"))?;
    let list = v.get("members").and_then(|m| m.as_array()).or_else(|| v.as_array()).cloned().unwrap_or_default();
    Ok(list.iter().filter_map(|m| m["id"].as_str().and_then(MemberId::parse)).collect())
}

/// Splits the delegations into parts whose statements fit the entry limit.
pub fn parts(delegations: BTreeMap<Tld, Sponsored>) -> Result<Vec<BTreeMap<Tld, Sponsored>>> {
    let budget = MAX_STATEMENT_BYTES - ENVELOPE;
    let mut out = vec![BTreeMap::new()];
    let mut size = 0;
    for (tld, s) in delegations {
        let n = serde_json::to_string(&s)?.len() + tld.label().len() + 8;
        if n > budget {
            bail!("the delegation of {tld} alone is larger than one entry");
        }
        if size + n > budget {
            out.push(BTreeMap::new());
            size = 0;
        }
        size += n;
        out.last_mut().context("a part")?.insert(tld, s);
    }
    Ok(out)
}

/// The `zone.import` bodies of a zone file, in order, and what was read.
pub struct Prepared {
    pub parts: Vec<accord_core::acts::ZoneImport>,
    pub imported: accord_zone::import::Imported,
    pub delegations: usize,
}

/// Reads `file` and prepares its import: sponsors (a member's country
/// code is that member's, every other TLD `sponsor`'s), the zone keys of
/// `data` (made if missing), and the parts.
pub fn prepare(file: &Path, data: &Path, apex: &Apex, sponsor: &str, members: &BTreeSet<MemberId>) -> Result<Prepared> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let imported = accord_zone::import::read_root_zone(&bytes).map_err(|e| anyhow!("{}: {e}", file.display()))?;
    let (ksk, zsk) = zone_keys(data)?;
    let b64 =
        |k: &ed25519_dalek::SigningKey| base64::engine::general_purpose::STANDARD.encode(k.verifying_key().to_bytes());
    let keys = accord_core::zone::ZoneKeys { ksk: b64(&ksk), zsk: b64(&zsk) };
    let sponsored: BTreeMap<Tld, Sponsored> = imported
        .delegations
        .iter()
        .map(|(tld, delegation)| {
            let sponsor = match country_member(tld).filter(|m| members.contains(m)) {
                Some(m) => Sponsor::Member(m),
                None => Sponsor::Organisation(sponsor.to_string()),
            };
            (tld.clone(), Sponsored { sponsor, delegation: delegation.clone() })
        })
        .collect();
    let delegations = sponsored.len();
    let chunks = parts(sponsored)?;
    let n = u32::try_from(chunks.len())?;
    let sha = hex::encode(imported.sha256);
    let parts = chunks
        .into_iter()
        .zip(1..)
        .map(|(delegations, part)| accord_core::acts::ZoneImport {
            file_sha256: sha.clone(),
            source_serial: imported.serial,
            part,
            parts: n,
            apex: (part == 1).then(|| apex.clone()),
            keys: (part == 1).then(|| keys.clone()),
            delegations,
        })
        .collect();
    Ok(Prepared { parts, imported, delegations })
}

fn import(a: &ImportArgs) -> Result<()> {
    let apex = parse_apex(&a.apex_ns, &a.soa_rname)?;
    let members = members(&a.server)?;
    let p = prepare(&a.file, &a.data, &apex, &a.sponsor, &members)?;
    let n = p.parts.len();
    let submitter = Submitter::new(&a.server, &secretariat_key_path(&a.data))?;
    let bar = accord_audit::progress::bar(n as u64, "zone.import parts");
    for body in &p.parts {
        submitter
            .submit("zone.import", serde_json::to_value(body)?, None)
            .with_context(|| format!("part {} of {n}", body.part))?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let i = &p.imported;
    println!(
        "imported {} delegations from {} (serial {}, sha256 {}) in {n} entries; dropped {} apex, {} DNSSEC and {} unused address records",
        p.delegations,
        a.file.display(),
        i.serial,
        hex::encode(i.sha256),
        i.dropped_apex,
        i.dropped_dnssec,
        i.dropped_unused_addresses
    );
    Ok(())
}

/// The default apex: `a.accord-servers.net` at `addr`.
pub fn default_apex(addr: &str) -> Result<Apex> {
    parse_apex(&[format!("a.accord-servers.net={addr}")], "secretariat.accord-servers.net")
}
