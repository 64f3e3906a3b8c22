//! `accord submit`: sign a statement with a key file and send it.
//!
//! [`Submitter`] is the one way the CLI signs and posts a statement; the
//! decision commands (`propose`, `vote`, `object`) build a body and hand it
//! over.

use crate::files::read_key;
use accord_core::statement::statement_text;
use accord_core::{KeyFile, MemberId, Seq, Timestamp};
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

/// The node refused the statement (an RFC 9457 problem); `main` exits 1.
#[derive(Debug)]
pub struct Refused {
    pub status: u16,
    pub code: String,
    pub detail: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "refused ({} {}): {}", self.status, self.code, self.detail)
    }
}

impl std::error::Error for Refused {}

impl Refused {
    /// From a non-success answer: the problem's code and detail, or the
    /// raw body when it is not a problem document.
    fn from_answer(status: reqwest::StatusCode, body: &str) -> Refused {
        let v: serde_json::Value = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
        let text = |k: &str| v[k].as_str().map(str::to_string);
        Refused {
            status: status.as_u16(),
            code: text("code").unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string()),
            detail: text("detail").unwrap_or_else(|| body.chars().take(500).collect()),
        }
    }
}

/// A member's key and a node to submit to.
pub struct Submitter {
    client: reqwest::blocking::Client,
    server: String,
    key: KeyFile,
    id: MemberId,
}

impl Submitter {
    pub fn new(server: &str, key: &Path) -> Result<Submitter> {
        let key = read_key(key)?;
        let (_, id) = member_of_key(key.name())?;
        let client = reqwest::blocking::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .context("HTTP client")?;
        Ok(Submitter { client, server: server.trim_end_matches('/').to_string(), key, id })
    }

    /// Sends `request`; a node that cannot be reached is said so, with
    /// the URL (`accord_audit::cannot_reach`).
    fn send(&self, request: reqwest::blocking::RequestBuilder) -> Result<reqwest::blocking::Response> {
        request.send().map_err(|e| match accord_audit::cannot_reach(&self.server, &e) {
            Some(unreachable) => unreachable,
            None => e.into(),
        })
    }

    /// The member this key signs for.
    pub fn member(&self) -> &MemberId {
        &self.id
    }

    /// The member's last accepted seq + 1, as the node says.
    pub fn next_seq(&self) -> Result<u64> {
        let (server, id) = (&self.server, &self.id);
        let r = self.send(self.client.get(format!("{server}/api/v1/members/{id}")))?;
        if !r.status().is_success() {
            bail!("cannot read member {id} from {server}: {}", r.text()?);
        }
        let v: serde_json::Value = r.json()?;
        Ok(v["last_seq"].as_u64().ok_or_else(|| anyhow!("the node did not say member {id}'s last seq"))? + 1)
    }

    /// Signs `body` as a statement of type `kind` (with `seq`, or the next
    /// one) and posts it; returns the node's acknowledgement
    /// (`{"index":…,"leaf_hash":…}`), or a [`Refused`] error.
    pub fn submit(&self, kind: &str, body: serde_json::Value, seq: Option<u64>) -> Result<String> {
        let seq = match seq {
            Some(s) => s,
            None => self.next_seq()?,
        };
        let text = statement_text(&self.id, Seq(seq), now(), kind, body);
        let note = self.key.signer.sign_note(&text)?;
        let r = self.send(
            self.client
                .post(format!("{}/api/v1/statements", self.server))
                .header("content-type", "text/plain")
                .body(note.to_text()),
        )?;
        let status = r.status();
        let text = r.text()?;
        if !status.is_success() {
            return Err(Refused::from_answer(status, &text).into());
        }
        Ok(text.trim_end().to_string())
    }

    /// Submits and prints the acknowledgement.
    pub fn submit_and_print(&self, kind: &str, body: serde_json::Value, seq: Option<u64>) -> Result<()> {
        println!("{}", self.submit(kind, body, seq)?);
        Ok(())
    }
}

pub fn run(server: &str, key: &Path, kind: &str, body: &str, seq: Option<u64>) -> Result<()> {
    let body: serde_json::Value = serde_json::from_str(body).context("--body is not JSON")?;
    Submitter::new(server, key)?.submit_and_print(kind, body, seq)
}
