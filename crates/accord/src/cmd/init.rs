//! `accord init`: founds a body from a members file.
//!
//! The members file is TOML: `origin`, `name`, one `[[member]]` table per
//! founding member (`id`, `name`, `vkey`), and optionally a `[rules]`
//! table with any of the rules of procedure (`accord_core`'s `Rules`
//! fields, e.g. `min_silence_seconds = 0`); the rules left out keep their
//! defaults (DESIGN.md §6). Unknown keys anywhere are an error.

use crate::cmd::keygen::new_key;
use crate::files::{db_url, ensure_empty_or_missing, log_key_path, make_private_dir, secretariat_key_path, write_key};
use accord_core::acts::genesis::FoundingMember;
use accord_core::acts::Genesis;
use accord_core::decisions::rules::Rules;
use accord_core::{MemberId, Names};
use accord_node::{found_body, SystemClock};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The members file given to `accord init`.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MembersFile {
    pub origin: String,
    pub name: String,
    /// The body's name by language: `[names]` with `ar = "…"` and so on.
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    #[serde(default, rename = "member")]
    pub members: Vec<MemberEntry>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MemberEntry {
    pub id: MemberId,
    pub name: String,
    pub vkey: String,
    /// The member's official name by language: `[member.names]`.
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
}

pub fn run(data: &Path, members: &Path, database: Option<&str>) -> Result<()> {
    let text = std::fs::read_to_string(members).with_context(|| format!("cannot read {}", members.display()))?;
    let (file, rules) =
        parse_members_file(&text).with_context(|| format!("{} is not a valid members file", members.display()))?;
    let log_vkey = found_with_rules(data, &file, rules, Vec::new(), database)?;
    println!("{log_vkey}");
    Ok(())
}

/// Parses a members file: the members, and the `[rules]` table if there
/// is one (its unknown keys and bad values are errors naming them).
pub fn parse_members_file(text: &str) -> Result<(MembersFile, Option<Rules>)> {
    let mut table: toml::Table = toml::from_str(text)?;
    let rules = match table.remove("rules") {
        None => None,
        Some(v @ toml::Value::Table(_)) => {
            let rules: Rules = v.try_into().context("[rules]")?;
            rules.validate().map_err(|e| anyhow::anyhow!("[rules]: {e}"))?;
            Some(rules)
        }
        Some(_) => anyhow::bail!("rules must be a table: [rules]"),
    };
    let file: MembersFile = toml::Value::Table(table).try_into()?;
    Ok((file, rules))
}

/// Creates the data directory, its keys and the genesis entry with the
/// rules of procedure `rules` (`None`: the defaults, left out of the
/// genesis); returns the log's vkey.
pub fn found_with_rules(
    data: &Path,
    file: &MembersFile,
    rules: Option<Rules>,
    documents: Vec<accord_core::code::DocumentDraft>,
    database: Option<&str>,
) -> Result<String> {
    ensure_empty_or_missing(data)?;
    std::fs::create_dir_all(data)?;
    make_private_dir(&crate::files::keys_dir(data))?;
    let secretariat = new_key(&MemberId::secretariat().key_name(&file.origin))?;
    let log = new_key(&file.origin)?;
    let genesis = Genesis {
        name: file.name.clone(),
        names: file.names.clone(),
        origin: file.origin.clone(),
        log_key: log.signer.verifier().to_vkey(),
        secretariat_key: secretariat.signer.verifier().to_vkey(),
        members: file
            .members
            .iter()
            .map(|m| FoundingMember {
                id: m.id.clone(),
                name: m.name.clone(),
                names: m.names.clone(),
                vkey: m.vkey.clone(),
            })
            .collect(),
        rules,
        documents,
    };
    let store = accord_store::open(&db_url(data, database))?;
    found_body(store.as_ref(), genesis, &secretariat.signer, &log.signer, &SystemClock)?;
    write_key(&secretariat_key_path(data), &secretariat)?;
    write_key(&log_key_path(data), &log)?;
    Ok(log.signer.verifier().to_vkey())
}

#[cfg(test)]
mod tests {
    use super::parse_members_file;

    const HEAD: &str = "origin = \"o.example/log\"\nname = \"B\"\n";

    #[test]
    fn rules_table_is_optional_and_partial() {
        let (f, r) = parse_members_file(HEAD).unwrap();
        assert_eq!(f.name, "B");
        assert!(r.is_none());
        let (_, r) =
            parse_members_file(&format!("{HEAD}[rules]\nmin_silence_seconds = 0\nquorum = \"none\"\n")).unwrap();
        let r = r.unwrap();
        assert_eq!(r.min_silence_seconds, 0);
        assert_eq!(r.quorum, accord_core::decisions::rules::Quorum::None);
        assert_eq!(r.min_vote_seconds, accord_core::decisions::rules::Rules::default().min_vote_seconds);
    }

    #[test]
    fn unknown_or_bad_rules_are_errors() {
        let e = parse_members_file(&format!("{HEAD}[rules]\nmin_silense_seconds = 0\n")).unwrap_err();
        assert!(format!("{e:#}").contains("min_silense_seconds"), "{e:#}");
        let e = parse_members_file(&format!("{HEAD}[rules]\nquorum = \"most\"\n")).unwrap_err();
        assert!(format!("{e:#}").contains("quorum") || format!("{e:#}").contains("most"), "{e:#}");
        let e = parse_members_file(&format!("{HEAD}[rules]\nimportant_actions = [\"code.burn\"]\n")).unwrap_err();
        assert!(format!("{e:#}").contains("code.burn"), "{e:#}");
        assert!(parse_members_file(&format!("{HEAD}rules = 3\n")).is_err());
        let e = parse_members_file(&format!("{HEAD}colour = \"blue\"\n")).unwrap_err();
        assert!(format!("{e:#}").contains("colour"), "{e:#}");
    }
}
