//! `accord init`: founds a body from a members file.

use crate::cmd::keygen::new_key;
use crate::files::{db_url, ensure_empty_or_missing, log_key_path, make_private_dir, secretariat_key_path, write_key};
use accord_core::acts::genesis::FoundingMember;
use accord_core::acts::Genesis;
use accord_core::MemberId;
use accord_node::{found_body, SystemClock};
use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::Path;

/// The members file given to `accord init`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembersFile {
    pub origin: String,
    pub name: String,
    #[serde(default, rename = "member")]
    pub members: Vec<MemberEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberEntry {
    pub id: MemberId,
    pub name: String,
    pub vkey: String,
}

pub fn run(data: &Path, members: &Path, database: Option<&str>) -> Result<()> {
    let text = std::fs::read_to_string(members).with_context(|| format!("cannot read {}", members.display()))?;
    let file: MembersFile =
        toml::from_str(&text).with_context(|| format!("{} is not a valid members file", members.display()))?;
    let log_vkey = found(data, &file, database)?;
    println!("{log_vkey}");
    Ok(())
}

/// Creates the data directory, its keys and the genesis entry; returns the
/// log's vkey.
pub fn found(data: &Path, file: &MembersFile, database: Option<&str>) -> Result<String> {
    ensure_empty_or_missing(data)?;
    std::fs::create_dir_all(data)?;
    make_private_dir(&crate::files::keys_dir(data))?;
    let secretariat = new_key(&MemberId::secretariat().key_name(&file.origin))?;
    let log = new_key(&file.origin)?;
    let genesis = Genesis {
        name: file.name.clone(),
        origin: file.origin.clone(),
        log_key: log.signer.verifier().to_vkey(),
        secretariat_key: secretariat.signer.verifier().to_vkey(),
        members: file
            .members
            .iter()
            .map(|m| FoundingMember { id: m.id.clone(), name: m.name.clone(), vkey: m.vkey.clone() })
            .collect(),
    };
    let store = accord_store::open(&db_url(data, database))?;
    found_body(store.as_ref(), genesis, &secretariat.signer, &log.signer, &SystemClock)?;
    write_key(&secretariat_key_path(data), &secretariat)?;
    write_key(&log_key_path(data), &log)?;
    Ok(log.signer.verifier().to_vkey())
}
