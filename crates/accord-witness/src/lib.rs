//! `accord-witness`: a C2SP tlog-witness server, run by one member state
//! to cosign the body's log (and any other log it chooses to trust).
//!
//! What it is: [`Witness`] — the trusted logs ([`TrustedLogs`]), the
//! cosigner key and the durable state ([`store::Store`], SQLite) — with
//! [`Witness::add_checkpoint`] (parse, every check of the spec by
//! [`accord_log::witness::check`], a compare-and-swap that is durable
//! before anything is answered, the `cosignature/v1` line) and
//! [`Witness::checkpoint`] (the monitoring read), each turning any input
//! into a [`Reply`]; and [`server::router`], their axum face with
//! `/metrics`. docs/PROTOCOL.md §4.1 is the contract.
//!
//! What it is not: it holds none of the spec's rules (they are in
//! `accord-log`, pure), knows nothing of the body's statements, node or
//! store (it depends on no other Accord crate than `accord-log`), and
//! opens no socket of its own (the `accord witness` command serves the
//! router). Its SQL is its own, in `store.rs`: the witness's one table is
//! not part of the body's store.

#![forbid(unsafe_code)]

pub mod server;
pub mod store;
pub mod trusted;

pub use server::{router, Metrics};
pub use store::{AdvanceError, Cosigned, OriginHash, Store, StoreError, MAX_TREE_SIZE};
pub use trusted::{ConfigError, TrustedLogs, MAX_ORIGINS};

use accord_log::cosignature::{Cosigner, CosignerKey};
use accord_log::note::Note;
use accord_log::witness::{check, AddCheckpoint, Refused, Witnessed, MAX_REQUEST_BYTES, SIZE_MEDIA_TYPE};
use std::time::Instant;

/// Media type of a 200 (signature lines) and of the monitoring checkpoint.
pub const TEXT: &str = "text/plain; charset=utf-8";
/// Media type of every refusal but the 409.
pub const PROBLEM: &str = "application/problem+json";

/// An answer: status, `Content-Type` and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Reply {
    fn text(status: u16, content_type: &'static str, body: String) -> Reply {
        Reply { status, content_type, body: body.into_bytes() }
    }

    /// An RFC 9457 problem: `type`, `title`, `status`, `detail`, and the
    /// stable `code` every Accord problem carries.
    pub fn problem(status: u16, code: &str, title: &str, detail: &str) -> Reply {
        let body = serde_json::json!({
            "type": format!("https://accord.example/problems/{code}"),
            "title": title,
            "status": status,
            "detail": detail,
            "code": code,
        });
        Reply { status, content_type: PROBLEM, body: body.to_string().into_bytes() }
    }

    fn unavailable(e: &StoreError) -> Reply {
        tracing::error!(error = %e, "the witness's store failed");
        Reply::problem(
            503,
            "unavailable",
            "Service unavailable",
            "the witness could not read or write its state; try again shortly",
        )
    }

    fn refused(r: &Refused) -> Reply {
        let (code, title) = match r {
            Refused::Malformed(_) => ("malformed", "Bad request"),
            Refused::OldTooLarge { .. } => ("old-too-large", "Bad request"),
            Refused::NotSigned(_) => ("bad-signature", "Forbidden"),
            Refused::UnknownOrigin(_) => ("unknown-origin", "Not found"),
            Refused::Conflict { latest, .. } => return Reply::conflict(*latest),
            Refused::BadProof(_) => ("bad-proof", "Unprocessable content"),
        };
        Reply::problem(r.status(), code, title, &r.to_string())
    }

    /// The spec's 409: the latest cosigned size, in decimal, and a newline.
    fn conflict(latest: u64) -> Reply {
        Reply::text(409, SIZE_MEDIA_TYPE, format!("{latest}\n"))
    }
}

/// A witness: the logs it trusts, its key, its state.
pub struct Witness {
    logs: TrustedLogs,
    cosigner: Cosigner,
    store: Store,
    metrics: Metrics,
}

impl Witness {
    pub fn new(logs: TrustedLogs, cosigner: Cosigner, store: Store) -> Witness {
        Witness { logs, cosigner, store, metrics: Metrics::default() }
    }

    pub fn cosigner_key(&self) -> &CosignerKey {
        self.cosigner.key()
    }

    pub fn trusted(&self) -> &TrustedLogs {
        &self.logs
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// `POST <prefix>/add-checkpoint` with `body`, at `now_unix` (POSIX
    /// seconds, the cosignature's timestamp). Every check of the spec, then
    /// the compare-and-swap, durable before the 200 is returned.
    pub fn add_checkpoint(&self, body: &[u8], now_unix: u64) -> Reply {
        if body.len() > MAX_REQUEST_BYTES {
            return too_large();
        }
        let req = match AddCheckpoint::parse(body) {
            Ok(r) => r,
            Err(e) => return Reply::problem(400, "malformed", "Bad request", &e.to_string()),
        };
        let mut failed: Option<StoreError> = None;
        let latest = |origin: &str| match self.store.latest(origin) {
            Ok(c) => c.map(|c| Witnessed { size: c.size, root: c.root }),
            Err(e) => {
                failed = Some(e);
                None
            }
        };
        let checked = check(&req, |o| self.logs.keys(o), latest);
        if let Some(e) = failed {
            return Reply::unavailable(&e);
        }
        let (cp, note) = match checked {
            Ok(x) => x,
            Err(r) => {
                if matches!(r, Refused::BadProof(_)) {
                    // Signed by the log, yet inconsistent with what was
                    // cosigned: possible evidence of a fork (the spec's MAY).
                    let text: String = String::from_utf8_lossy(&req.checkpoint).chars().take(4096).collect();
                    tracing::warn!(checkpoint = ?text, old = req.old, why = %r, "a trusted log's checkpoint is inconsistent with what this witness cosigned");
                }
                return Reply::refused(&r);
            }
        };
        if cp.size > MAX_TREE_SIZE {
            let detail =
                format!("checkpoint size {} is beyond {MAX_TREE_SIZE}, the largest this witness records", cp.size);
            return Reply::problem(400, "out-of-range", "Bad request", &detail);
        }
        let cosignature = self.cosigner.cosign(note.text(), now_unix);
        let served = served_note(&note, self.logs.keys(&cp.origin).unwrap_or_default(), &cosignature);
        let new = Cosigned { size: cp.size, root: cp.root, note: served };
        let started = Instant::now();
        let advanced = self.store.advance(&cp.origin, req.old, &new);
        self.metrics.store_time(started.elapsed());
        match advanced {
            Ok(()) => {
                self.metrics.cosigned();
                Reply::text(200, TEXT, cosignature.to_line())
            }
            Err(AdvanceError::Conflict { latest }) => Reply::conflict(latest),
            Err(AdvanceError::Store(e)) => Reply::unavailable(&e),
        }
    }

    /// `GET <prefix>/<origin hash>/checkpoint`: the latest checkpoint
    /// cosigned for that origin, with the log's signatures the witness
    /// verified and its own cosignature.
    pub fn checkpoint(&self, origin_hash: &str) -> Reply {
        let not_found = || {
            Reply::problem(
                404,
                "not-found",
                "Not found",
                "this witness has cosigned no checkpoint for that origin hash",
            )
        };
        let Some(hash) = OriginHash::parse_hex(origin_hash) else { return not_found() };
        match self.store.latest_by_hash(&hash) {
            Ok(Some(c)) => Reply::text(200, TEXT, c.note),
            Ok(None) => not_found(),
            Err(e) => Reply::unavailable(&e),
        }
    }
}

pub(crate) fn too_large() -> Reply {
    Reply::problem(
        413,
        "too-large",
        "Content too large",
        &format!("the request body is over {MAX_REQUEST_BYTES} bytes"),
    )
}

/// The note served to monitors: the checkpoint's text, the signatures of
/// trusted log keys (all verified by `check`: one that failed refused the
/// request) and this witness's cosignature. Lines by other keys — unknown
/// logs' keys, an old cosignature of this witness — are not kept.
fn served_note(note: &Note, keys: &[accord_log::VerifierKey], cosignature: &accord_log::NoteSignature) -> String {
    let mut out = note.clone();
    out.signatures = note
        .signatures
        .iter()
        .filter(|s| keys.iter().any(|k| k.name() == s.name && k.id() == s.key_id))
        .cloned()
        .collect();
    out.signatures.push(cosignature.clone());
    out.to_text()
}

#[cfg(test)]
mod tests;
