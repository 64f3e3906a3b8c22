//! `accord taxii …`: a member's TAXII credentials and communities, by
//! signed statements.
//!
//! `credential` draws a 256-bit secret and a 256-bit salt, signs a
//! `share.credential` carrying only SHA-256(salt ‖ secret), and prints the
//! user name and the secret once: they are not kept anywhere else.

use crate::cmd::submit::Submitter;
use anyhow::{anyhow, bail, Context, Result};
use base64::Engine;
use rand_core::RngCore;
use sha2::{Digest, Sha256};
use std::path::Path;

#[derive(clap::Subcommand)]
pub enum TaxiiCommand {
    /// Make a TAXII credential (HTTP Basic) for your member state and print it once.
    Credential {
        /// The node, e.g. http://127.0.0.1:8080.
        #[arg(long)]
        server: String,
        /// The member's key file.
        #[arg(long)]
        key: std::path::PathBuf,
        /// The credential's id (its HTTP Basic user name): 3 to 64 of a-z, 0-9, '.', '_', '-'.
        /// Default: <member>-<8 random hex digits>.
        #[arg(long)]
        id: Option<String>,
    },
    /// Revoke one of your member state's credentials.
    Revoke {
        /// The node, e.g. http://127.0.0.1:8080.
        #[arg(long)]
        server: String,
        /// The member's key file.
        #[arg(long)]
        key: std::path::PathBuf,
        /// The credential to revoke (its HTTP Basic user name).
        #[arg(long)]
        id: String,
    },
    /// Found (or re-list) a community with a TAXII collection of its own.
    Community {
        /// The node, e.g. http://127.0.0.1:8080.
        #[arg(long)]
        server: String,
        /// The founder's key file (a community is re-listed by its founder only).
        #[arg(long)]
        key: std::path::PathBuf,
        /// The community's id (a-z, 0-9, '-'); its collection is community-<id>.
        #[arg(long)]
        id: String,
        /// Its title, 1 to 200 characters.
        #[arg(long)]
        title: String,
        /// Anyone may read its TLP:CLEAR objects without an account.
        #[arg(long)]
        public: bool,
        /// A member and its rights: `DEU:rw` (read and write) or `DEU:r` (read); repeat. You are added with rw.
        #[arg(long = "member", value_name = "ID:RIGHTS")]
        members: Vec<String>,
    },
}

pub fn run(cmd: &TaxiiCommand) -> Result<()> {
    match cmd {
        TaxiiCommand::Credential { server, key, id } => credential(server, key, id.as_deref()),
        TaxiiCommand::Revoke { server, key, id } => {
            Submitter::new(server, key)?.submit_and_print("share.revoke", serde_json::json!({"id": id}), None)
        }
        TaxiiCommand::Community { server, key, id, title, public, members } => {
            community(server, key, id, title, *public, members)
        }
    }
}

/// A new credential's parts: its secret (base64url, 43 characters) and
/// the statement body that registers it.
pub fn new_credential(id: &str) -> Result<(String, serde_json::Value)> {
    let mut secret = [0u8; 32];
    let mut salt = [0u8; 32];
    rand_core::OsRng.try_fill_bytes(&mut secret).map_err(|e| anyhow!("no randomness: {e}"))?;
    rand_core::OsRng.try_fill_bytes(&mut salt).map_err(|e| anyhow!("no randomness: {e}"))?;
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
    let mut h = Sha256::new();
    h.update(salt);
    h.update(secret.as_bytes());
    let body = serde_json::json!({"id": id, "salt": hex::encode(salt), "hash": hex::encode(h.finalize())});
    Ok((secret, body))
}

fn credential(server: &str, key: &Path, id: Option<&str>) -> Result<()> {
    let s = Submitter::new(server, key)?;
    let id = match id {
        Some(id) => id.to_string(),
        None => {
            let mut b = [0u8; 4];
            rand_core::OsRng.try_fill_bytes(&mut b).map_err(|e| anyhow!("no randomness: {e}"))?;
            format!("{}-{}", s.member().as_str().to_ascii_lowercase(), hex::encode(b))
        }
    };
    accord_core::acts::share::credential_id(&id).map_err(|e| anyhow!("--id: {e}"))?;
    let (secret, body) = new_credential(&id)?;
    let ack = s.submit("share.credential", body, None)?;
    eprintln!("registered by {ack}");
    eprintln!("TAXII user name and password (shown once; keep the password secret):");
    println!("user: {id}");
    println!("password: {secret}");
    eprintln!("discovery: {}/taxii2/", server.trim_end_matches('/'));
    Ok(())
}

fn community(server: &str, key: &Path, id: &str, title: &str, public: bool, members: &[String]) -> Result<()> {
    let s = Submitter::new(server, key)?;
    let mut list: std::collections::BTreeMap<String, (bool, bool)> = Default::default();
    list.insert(s.member().as_str().to_string(), (true, true));
    for m in members {
        let (who, rights) = m.split_once(':').with_context(|| format!("--member {m}: write ID:rw or ID:r"))?;
        let rights = match rights {
            "rw" | "wr" => (true, true),
            "r" => (true, false),
            other => bail!("--member {m}: rights are rw or r, not {other:?}"),
        };
        if who != s.member().as_str() {
            list.insert(who.to_string(), rights);
        }
    }
    let members: Vec<serde_json::Value> =
        list.into_iter().map(|(m, (r, w))| serde_json::json!({"member": m, "can_read": r, "can_write": w})).collect();
    s.submit_and_print(
        "share.community",
        serde_json::json!({"id": id, "title": title, "public": public, "members": members}),
        None,
    )
}
