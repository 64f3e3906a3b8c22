//! `accord submit`: sign a statement with a key file and send it.

use crate::files::read_key;
use accord_core::statement::statement_text;
use accord_core::{MemberId, Seq, Timestamp};
use anyhow::{anyhow, bail, Context, Result};
use std::path::Path;

/// The member id and origin a key name `<origin>/members/<id>` stands for.
pub fn member_of_key(name: &str) -> Result<(String, MemberId)> {
    let (origin, id) =
        name.rsplit_once("/members/").ok_or_else(|| anyhow!("key name {name:?} is not <origin>/members/<id>"))?;
    let id = MemberId::parse(id).ok_or_else(|| anyhow!("key name {name:?} does not end in a member id"))?;
    Ok((origin.to_string(), id))
}

pub fn now() -> Timestamp {
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
    // Statements carry whole seconds, like the wire examples.
    Timestamp(ms - ms % 1000)
}

pub fn run(server: &str, key: &Path, kind: &str, body: &str, seq: Option<u64>) -> Result<()> {
    let key = read_key(key)?;
    let (_, id) = member_of_key(key.name())?;
    let body: serde_json::Value = serde_json::from_str(body).context("--body is not JSON")?;
    let server = server.trim_end_matches('/');
    let client = reqwest::blocking::Client::new();
    let seq = match seq {
        Some(s) => s,
        None => {
            let r = client.get(format!("{server}/api/v1/members/{id}")).send()?;
            if !r.status().is_success() {
                bail!("cannot read member {id} from {server}: {}", r.text()?);
            }
            let v: serde_json::Value = r.json()?;
            v["last_seq"].as_u64().ok_or_else(|| anyhow!("the node did not say member {id}'s last seq"))? + 1
        }
    };
    let text = statement_text(&id, Seq(seq), now(), kind, body);
    let note = key.signer.sign_note(&text)?;
    let r = client
        .post(format!("{server}/api/v1/statements"))
        .header("content-type", "text/plain")
        .body(note.to_text())
        .send()?;
    let status = r.status();
    let text = r.text()?;
    if !status.is_success() {
        bail!("refused ({status}): {text}");
    }
    println!("{text}");
    Ok(())
}
