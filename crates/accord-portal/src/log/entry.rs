//! `/entries/{n}`: one log entry — the statement decoded, its signature,
//! its exact bytes, its leaf hash, its inclusion proof and the checkpoint
//! the proof is against — with everything `verify.js` needs to check the
//! proof and the checkpoint's signature in the browser, in a JSON block.
//!
//! What it is not: the page does not vouch for the proof. The checkpoint
//! it shows is the one the proof was made for (read with the proof, so
//! that a checkpoint published meanwhile cannot split them).

use super::{audit_command, bad_index, base_url, lang_query, parse_index, type_label};
use crate::ctx::Ctx;
use crate::layout::{self, load, reply, Nav, Page, PageError};
use crate::witnesses::Witnessed;
use crate::AppState;
use accord_log::Checkpoint;
use accord_node::EntryView;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use maud::{html, Markup, PreEscaped};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

struct EntryPage {
    view: EntryView,
    /// The checkpoint the proof is against.
    checkpoint: Checkpoint,
    vkey: String,
    origin: String,
    /// Who cosigned the checkpoint, and what that made.
    witnessed: Option<Witnessed>,
    names: std::collections::BTreeMap<String, String>,
}

/// Why there is no page for an index.
enum Missing {
    /// Sequenced, but no published checkpoint covers it yet.
    NotCovered { covered: u64 },
    /// Not in the log at all.
    Beyond { size: u64 },
}

pub(crate) async fn page(
    ctx: Ctx,
    State(node): State<AppState>,
    headers: HeaderMap,
    index: Result<Path<String>, PathRejection>,
) -> Response {
    let given = index.map(|Path(s)| s).unwrap_or_default();
    // In a path, only the digits themselves; `/entries/007` is `/entries/7`.
    let Some(index) = parse_index(&given).filter(|_| given.bytes().all(|b| b.is_ascii_digit())) else {
        return reply(&ctx, Err(bad_index(&ctx, &given)));
    };
    if given != index.to_string() {
        return Redirect::permanent(&format!("/entries/{index}{}", lang_query(&ctx))).into_response();
    }
    let tr = ctx.tr;
    let mut r = load(&node, move |n| read(n, index, tr)).await;
    if matches!(r, Ok((_, Err(Missing::NotCovered { .. })))) && covered_soon(&node, index).await {
        r = load(&node, move |n| read(n, index, tr)).await;
    }
    let base = base_url(&headers);
    let r = r.and_then(|(shell, found)| match found {
        Ok(p) => Ok((shell, p)),
        Err(m) => Err(missing(&ctx, index, m)),
    });
    reply(
        &ctx,
        r.map(|(shell, p)| {
            let title = ctx.tr.ta("log-entry-title", &[("index", index.into())]);
            (shell, Page::new(title, Nav::Log, entry_body(&ctx, &p, &base)).script("verify.js"))
        }),
    )
}

/// Longest wait for a checkpoint to cover an entry already sequenced, so
/// that a link followed right after an act opens its entry (checkpoints
/// follow each commit within tens of milliseconds).
const COVER_WAIT: Duration = Duration::from_secs(2);

/// Waits (without blocking a worker) until the published checkpoint
/// covers `index`, at most [`COVER_WAIT`]. True if it does.
async fn covered_soon(node: &AppState, index: u64) -> bool {
    let start = Instant::now();
    while start.elapsed() < COVER_WAIT {
        if node.checkpoint().is_some_and(|c| c.size > index) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

fn read(n: &accord_node::Node, index: u64, tr: crate::i18n::Tr) -> Result<Result<EntryPage, Missing>, PageError> {
    let Some(view) = n.entry(index).map_err(PageError::storage)? else {
        let covered = n.checkpoint().map_or(0, |c| c.size);
        let size = n.reads().size().map_err(PageError::storage)?;
        return Ok(Err(if index < size { Missing::NotCovered { covered } } else { Missing::Beyond { size } }));
    };
    let (checkpoint, note) = Checkpoint::open(view.proof.checkpoint.as_bytes(), n.log_vkey())
        .map_err(|e| PageError::storage(format!("published checkpoint: {e}")))?;
    let witnessed = Witnessed::find(n, checkpoint.size, &checkpoint.root, &note);
    let names = crate::witnesses::member_names(n, tr)?;
    Ok(Ok(EntryPage {
        view,
        checkpoint,
        vkey: n.log_vkey().to_vkey(),
        origin: n.origin().to_string(),
        witnessed,
        names,
    }))
}

fn missing(ctx: &Ctx, index: u64, m: Missing) -> PageError {
    let text = match m {
        Missing::NotCovered { covered } => {
            ctx.tr.ta("log-entry-not-covered", &[("index", index.into()), ("size", covered.into())])
        }
        Missing::Beyond { size } => ctx.tr.ta("log-entry-beyond", &[("index", index.into()), ("size", size.into())]),
    };
    PageError { status: StatusCode::NOT_FOUND, message: text, is_id: false }
}

/// What `verify.js` reads: the same data as `/api/v1/entries/{n}`, with
/// the entry's bytes in base64.
fn proof_data(p: &EntryPage) -> Value {
    json!({
        "index": p.view.index,
        "size": p.checkpoint.size,
        "entry": B64.encode(&p.view.bytes),
        "leaf_hash": p.view.leaf_hash.to_base64(),
        "inclusion": p.view.proof.hashes.iter().map(|h| h.to_base64()).collect::<Vec<_>>(),
        "root": p.checkpoint.root.to_base64(),
        "checkpoint": p.view.proof.checkpoint,
        "log_key": p.vkey,
    })
}

/// JSON for a `<script type="application/json">` block: `<`, `>` and `&`
/// escaped so that no text in it can end the element.
fn script_json(v: &Value) -> PreEscaped<String> {
    let s = v.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026");
    PreEscaped(s)
}

fn entry_body(ctx: &Ctx, p: &EntryPage, base: &str) -> Markup {
    let index = p.view.index;
    html! {
        h1 { (ctx.tr.ta("log-entry-title", &[("index", index.into())])) }
        (neighbours(ctx, index, p.checkpoint.size))
        (statement_section(ctx, p))
        (signature_section(ctx, p))
        section aria-labelledby="text-h" {
            h2 id="text-h" { (ctx.t("log-entry-text-heading")) }
            p { (ctx.t("log-entry-text-intro")) }
            pre class="exact" id="entry-text" dir="ltr" { (String::from_utf8_lossy(&p.view.bytes)) }
        }
        (proof_section(ctx, p))
        (check_section(ctx, p, base))
        script type="application/json" id="proof-data" { (script_json(&proof_data(p))) }
    }
}

fn neighbours(ctx: &Ctx, index: u64, size: u64) -> Markup {
    html! {
        nav class="pager" aria-label=(ctx.t("log-entry-pager-label")) {
            a href="/log" { (ctx.t("log-back")) }
            @if index > 0 {
                a href=(format!("/entries/{}", index - 1)) rel="prev" { (layout::arrow_back()) " " (ctx.tr.ta("log-entry-prev", &[("index", (index - 1).into())])) }
            }
            @if index + 1 < size {
                a href=(format!("/entries/{}", index + 1)) rel="next" { (ctx.tr.ta("log-entry-next", &[("index", (index + 1).into())])) " " (layout::arrow_forward()) }
            }
            a href=(format!("/api/v1/entries/{index}")) { (ctx.t("log-entry-json")) }
        }
    }
}

fn statement_section(ctx: &Ctx, p: &EntryPage) -> Markup {
    let st = &p.view.entry.statement.statement;
    let kind = st.act.type_name();
    let body = st.act.body();
    let pretty = serde_json::to_string_pretty(&body).unwrap_or_else(|_| body.to_string());
    let links = concerns(kind, &body);
    html! {
        section aria-labelledby="statement-h" {
            h2 id="statement-h" { (ctx.t("log-entry-statement-heading")) }
            dl {
                dt { (ctx.t("log-entry-member")) }
                dd { a href=(format!("/members/{}", st.member.as_str())) { code { (st.member.as_str()) } } }
                dt { (ctx.t("log-entry-seq")) }
                dd { (st.seq.0) }
                dt { (ctx.t("log-entry-type")) }
                dd { (type_label(ctx, kind)) }
                dt { (ctx.t("log-entry-signed-time")) }
                dd { code dir="ltr" { (st.time.to_rfc3339()) } }
                dt { (ctx.t("log-entry-log-time")) }
                dd { code dir="ltr" { (p.view.entry.time.to_millis_string()) } }
            }
            @if !links.is_empty() {
                h3 { (ctx.t("log-entry-concerns")) }
                ul id="concerns" {
                    @for c in &links {
                        li { a href=(c.href()) { (c.label(ctx)) } }
                    }
                }
            }
            h3 { (ctx.t("log-entry-body")) }
            pre class="exact" id="statement-body" dir="ltr" { (pretty) }
        }
    }
}

/// Something a statement's body names, linked from its entry.
#[derive(Debug, PartialEq, Eq)]
enum Concern {
    Proposal(String),
    Document(String),
    Version(String, u64),
    Member(String),
}

impl Concern {
    fn href(&self) -> String {
        match self {
            Concern::Proposal(id) => format!("/proposals/{id}"),
            Concern::Document(id) => format!("/code/{id}"),
            Concern::Version(id, n) => format!("/code/{id}/versions/{n}"),
            Concern::Member(id) => format!("/members/{id}"),
        }
    }

    fn label(&self, ctx: &Ctx) -> String {
        match self {
            Concern::Proposal(id) => ctx.tr.ta("log-concerns-proposal", &[("id", id.as_str().into())]),
            Concern::Document(id) => ctx.tr.ta("log-concerns-document", &[("id", id.as_str().into())]),
            Concern::Version(id, n) => {
                ctx.tr.ta("log-concerns-version", &[("id", id.as_str().into()), ("version", (*n).into())])
            }
            Concern::Member(id) => ctx.tr.ta("log-concerns-member", &[("id", id.as_str().into())]),
        }
    }
}

/// What a statement's body names: proposals, documents and their
/// versions, members (of an action).
fn concerns(kind: &str, body: &Value) -> Vec<Concern> {
    let mut out: Vec<Concern> = Vec::new();
    let mut add = |c: Concern| {
        if !out.contains(&c) {
            out.push(c);
        }
    };
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    if matches!(kind, "proposal.submit" | "proposal.amend") {
        if let Some(id) = s(body, "id") {
            add(Concern::Proposal(id));
        }
    }
    if let Some(id) = s(body, "proposal") {
        add(Concern::Proposal(id));
    }
    for v in [Some(body), body.get("action")].into_iter().flatten() {
        let doc = s(v, "document").or_else(|| v.get("document").and_then(|d| s(d, "id")));
        if let Some(id) = doc {
            match v.get("version").and_then(Value::as_u64) {
                Some(n) => add(Concern::Version(id, n)),
                None => add(Concern::Document(id)),
            }
        }
    }
    if let Some(id) = body.get("action").and_then(|a| s(a, "member")) {
        add(Concern::Member(id));
    }
    out
}

fn signature_section(ctx: &Ctx, p: &EntryPage) -> Markup {
    let sig = p.view.entry.statement.note.signatures.first();
    html! {
        section aria-labelledby="signature-h" {
            h2 id="signature-h" { (ctx.t("log-entry-signature-heading")) }
            @if let Some(s) = sig {
                dl {
                    dt { (ctx.t("log-entry-key-name")) }
                    dd { code dir="ltr" id="key-name" { (s.name) } }
                    dt { (ctx.t("log-entry-key-id")) }
                    dd { code dir="ltr" id="key-id" { (s.key_id.to_string()) } }
                }
                p class="hint" { (ctx.t("log-entry-signature-intro")) }
            }
        }
    }
}

fn proof_section(ctx: &Ctx, p: &EntryPage) -> Markup {
    let cp = &p.checkpoint;
    let hashes = &p.view.proof.hashes;
    html! {
        section aria-labelledby="proof-h" {
            h2 id="proof-h" { (ctx.t("log-entry-proof-heading")) }
            dl {
                dt { (ctx.t("log-entry-leaf-hash")) }
                dd { code class="hash" dir="ltr" id="leaf-hash" { (p.view.leaf_hash.to_base64()) } }
            }
            p { (ctx.tr.ta("log-entry-proof-intro", &[("index", p.view.index.into()), ("size", cp.size.into()), ("count", (hashes.len() as u64).into())])) }
            @if !hashes.is_empty() {
                ol id="proof-hashes" dir="ltr" {
                    @for h in hashes {
                        li { code class="hash" { (h.to_base64()) } }
                    }
                }
            }
            h3 { (ctx.t("log-entry-checkpoint-heading")) }
            dl {
                dt { (ctx.t("log-size")) }
                dd id="checkpoint-size" { (cp.size) }
                dt { (ctx.t("log-root")) }
                dd { code class="hash" dir="ltr" id="checkpoint-root" { (cp.root.to_base64()) } }
            }
            figure class="note" { figcaption { (ctx.t("log-checkpoint-note-label")) } pre class="exact" id="checkpoint-note" dir="ltr" { (p.view.proof.checkpoint) } }
            @if let Some(w) = &p.witnessed {
                (crate::witnesses::line(ctx, w, &p.names))
            }
        }
    }
}

/// The outcome of the browser's check, with every message it may show
/// (translated here, so that `verify.js` carries no strings of its own).
fn check_section(ctx: &Ctx, p: &EntryPage, base: &str) -> Markup {
    let cp = &p.checkpoint;
    let m = |id: &str| ctx.t(id);
    // Counts filled in by the script.
    let counts = |id: &str| ctx.tr.ta(id, &[("count", "{count}".into()), ("needed", "{needed}".into())]);
    html! {
        section aria-labelledby="check-h" {
            h2 id="check-h" { (ctx.t("log-check-heading")) }
            p { (ctx.t("log-check-intro")) " " (ctx.t("log-check-intro-witnesses")) }
            div id="proof-result" class="panel" role="status" aria-live="polite"
                data-msg-checking=(m("log-check-running"))
                data-msg-ok=(m("log-check-ok"))
                data-msg-partial=(m("log-check-partial"))
                data-msg-unavailable=(m("log-check-unavailable"))
                data-msg-fail=(m("log-check-fail"))
                data-msg-bad-data=(m("log-check-bad-data"))
                data-msg-text-differs=(m("log-check-text-differs"))
                data-msg-leaf-differs=(m("log-check-leaf-differs"))
                data-msg-bad-checkpoint=(m("log-check-bad-checkpoint"))
                data-msg-wrong-size=(m("log-check-wrong-size"))
                data-msg-proof-length=(m("log-check-proof-length"))
                data-msg-root-differs=(m("log-check-root-differs"))
                data-msg-bad-key=(m("log-check-bad-key"))
                data-msg-no-signature=(m("log-check-no-signature"))
                data-msg-bad-signature=(m("log-check-bad-signature"))
                data-msg-step-leaf=(m("log-check-step-leaf"))
                data-msg-step-root=(m("log-check-step-root"))
                data-msg-step-signature=(m("log-check-step-signature"))
                data-msg-fingerprint=(m("log-check-fingerprint"))
                data-msg-pin=(m("log-check-pin"))
                data-msg-pinned=(m("log-check-pinned"))
                data-msg-key-changed=(m("log-check-key-changed"))
                data-msg-policy-unavailable=(m("log-check-policy-unavailable"))
                data-msg-bad-policy=(m("log-check-bad-policy"))
                data-msg-policy-other-log=(m("log-check-policy-other-log"))
                data-msg-no-quorum=(counts("log-check-no-quorum"))
                data-msg-step-quorum=(counts("log-check-step-quorum"))
                data-msg-step-no-witness=(m("log-check-step-no-witness"))
                data-msg-unwitnessed=(m("log-check-unwitnessed"))
                data-msg-cosigned-by=(m("log-check-cosigned-by"))
                data-policy="/log/policy" {
                p { (ctx.t("log-check-needs-js")) }
            }
            p { (ctx.t("log-check-cli")) }
            pre class="exact" dir="ltr" { code { (audit_command(base, &p.vkey)) } }
            p { (ctx.t("log-cite")) }
            pre class="exact" dir="ltr" id="citation" {
                (p.origin) " #" (p.view.index) " @ " (cp.size) " " (cp.root.to_base64())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_block_cannot_end_the_script() {
        let v = json!({"t": "</script><b>&amp;"});
        let s = script_json(&v).into_string();
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert_eq!(serde_json::from_str::<Value>(&s).unwrap(), v);
    }

    #[test]
    fn bodies_name_what_they_concern() {
        let c = concerns("vote.cast", &json!({"proposal": "p-1", "vote": "yes"}));
        assert_eq!(c, vec![Concern::Proposal("p-1".into())]);
        assert_eq!(c[0].href(), "/proposals/p-1");
        let c = concerns("proposal.amend", &json!({"id": "a-1", "proposal": "p-1"}));
        assert_eq!(c, vec![Concern::Proposal("a-1".into()), Concern::Proposal("p-1".into())]);
        let c = concerns(
            "proposal.submit",
            &json!({"id": "p-2", "action": {"type": "code.establish", "document": {"id": "ICCIS"}}}),
        );
        assert_eq!(c[1], Concern::Document("ICCIS".into()));
        assert_eq!(c[1].href(), "/code/ICCIS");
        let c = concerns("proposal.submit", &json!({"id": "p-3", "action": {"type": "member.admit", "member": "NOR"}}));
        assert_eq!(c[1].href(), "/members/NOR");
        let c = concerns("code.subscribe", &json!({"document": "ICCIS", "version": 2}));
        assert_eq!(c, vec![Concern::Version("ICCIS".into(), 2)]);
        assert_eq!(c[0].href(), "/code/ICCIS/versions/2");
        assert!(concerns("note.publish", &json!({"text": "hello"})).is_empty());
    }
}
