//! `/log`, `/entries?index=N` and `/entries/{n}`: the public log as a
//! visitor sees it — the latest signed checkpoint, the log's public key
//! and how to audit the log from outside, the latest entries, and each
//! entry with its inclusion proof, which `verify.js` checks in the
//! visitor's browser (leaf hash, proof, checkpoint signature).
//!
//! What it is not: no proof is computed here (the node serves it), and
//! nothing here is trusted by the check itself — the browser recomputes
//! everything from the entry's bytes and the log's key.

mod entry;

use crate::ctx::Ctx;
use crate::layout::{self, load, reply, Nav, Page, PageError};
use crate::AppState;
use accord_core::Entry;
use accord_node::Published;
use axum::extract::{RawQuery, State};
use axum::http::header::{HOST, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use std::sync::Arc;

/// Entries listed per page of `/log`.
const PER_PAGE: u64 = 20;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/log", get(log_page))
        .route("/entries", get(open_entry))
        .route("/entries/{index}", get(entry::page))
}

/// A statement type in words (`log-type-…`, one message per type the
/// core knows), with its wire name beside it.
pub(crate) fn type_label(ctx: &Ctx, kind: &str) -> Markup {
    html! {
        @if accord_core::acts::TYPES.contains(&kind) {
            (ctx.t(&format!("log-type-{}", kind.replace('.', "-")))) " "
            code class="type" dir="ltr" { "(" (kind) ")" }
        } @else {
            code class="type" dir="ltr" { (kind) }
        }
    }
}

/// A log index as typed by a visitor: decimal digits, optionally after
/// `#`, surrounding spaces ignored.
pub(crate) fn parse_index(raw: &str) -> Option<u64> {
    let s = raw.trim();
    let s = s.strip_prefix('#').unwrap_or(s);
    if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The value of `name` in a query string, `+` and `%XX` decoded.
fn query_value(q: Option<&str>, name: &str) -> Option<String> {
    let pair = q?.split('&').find_map(|p| p.split_once('=').filter(|(k, _)| *k == name).map(|(_, v)| v))?;
    Some(percent_decode(pair))
}

fn percent_decode(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let hex = b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (b[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `GET /entries?index=N`: the form on `/log`, answered with a redirect.
async fn open_entry(ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    let given = query_value(q.as_deref(), "index").unwrap_or_default();
    match parse_index(&given) {
        Some(i) => (StatusCode::SEE_OTHER, [(LOCATION, format!("/entries/{i}{}", lang_query(&ctx)))]).into_response(),
        None => reply(&ctx, Err(bad_index(&ctx, &given))),
    }
}

/// `?lang=xx` when the request asked for a language in its URL, so that a
/// redirect keeps it; else nothing.
pub(crate) fn lang_query(ctx: &Ctx) -> String {
    if ctx.remember {
        format!("?lang={}", ctx.ui().code())
    } else {
        String::new()
    }
}

/// The 400 page for an index that is not one.
pub(crate) fn bad_index(ctx: &Ctx, given: &str) -> PageError {
    if given.trim().is_empty() {
        return PageError::bad_request(ctx.t("log-no-index"));
    }
    let shown: String = given.chars().take(40).collect();
    PageError::bad_request(ctx.tr.ta("log-bad-index", &[("given", shown.as_str().into())]))
}

/// One row of the latest entries.
struct Row {
    index: u64,
    time: String,
    member: String,
    kind: String,
}

struct LogData {
    checkpoint: Option<Arc<Published>>,
    /// Member id → name, for who cosigned the checkpoint.
    names: std::collections::BTreeMap<String, String>,
    vkey: String,
    /// Entries `[start, end)`, newest first.
    rows: Vec<Row>,
    start: u64,
    end: u64,
}

/// Entries `[start, end)` in one range read, decoded, newest first.
fn read_rows(n: &accord_node::Node, start: u64, end: u64) -> Result<Vec<Row>, PageError> {
    let bytes = n.reads().entries(start, end).map_err(PageError::storage)?;
    let mut rows = Vec::with_capacity(bytes.len());
    for (index, b) in (start..).zip(bytes.iter()) {
        let e = Entry::parse(b).map_err(|r| PageError::storage(format!("entry {index}: {r}")))?;
        let st = &e.statement.statement;
        rows.push(Row {
            index,
            time: e.time.to_millis_string(),
            member: st.member.as_str().to_string(),
            kind: st.act.type_name().to_string(),
        });
    }
    rows.reverse();
    Ok(rows)
}

/// `?before=N` of `/log`: list entries older than N.
fn parse_before(ctx: &Ctx, q: Option<&str>) -> Result<Option<u64>, PageError> {
    match query_value(q, "before") {
        None => Ok(None),
        Some(v) => parse_index(&v).map(Some).ok_or_else(|| bad_index(ctx, &v)),
    }
}

async fn log_page(ctx: Ctx, State(node): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let before = match parse_before(&ctx, q.as_deref()) {
        Ok(b) => b,
        Err(e) => return reply(&ctx, Err(e)),
    };
    let tr = ctx.tr;
    let r = load(&node, move |n| {
        let checkpoint = n.checkpoint();
        let names = crate::witnesses::member_names(n, tr)?;
        let size = checkpoint.as_ref().map_or(0, |c| c.size);
        let end = before.map_or(size, |b| b.min(size));
        let start = end.saturating_sub(PER_PAGE);
        let rows = read_rows(n, start, end)?;
        Ok(LogData { checkpoint, names, vkey: n.log_vkey().to_vkey(), rows, start, end })
    })
    .await;
    let base = base_url(&headers);
    reply(
        &ctx,
        r.map(|(shell, d)| {
            let body = log_body(&ctx, &d, &base);
            (shell, Page::new(ctx.t("log-title"), Nav::Log, body))
        }),
    )
}

/// This site's address as the visitor reached it, for the audit command:
/// the `Host` header (when it looks like a host), `https` when a proxy
/// says so, else `http` (what `accord serve` itself speaks).
pub(crate) fn base_url(headers: &HeaderMap) -> String {
    let host = headers.get(HOST).and_then(|v| v.to_str().ok()).filter(|h| {
        !h.is_empty() && h.len() <= 255 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
    });
    let proto = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok());
    let scheme = if proto == Some("https") { "https" } else { "http" };
    match host {
        Some(h) => format!("{scheme}://{h}"),
        None => "<url>".to_string(),
    }
}

/// The command that audits this log from outside, pinned to its key.
pub(crate) fn audit_command(base: &str, vkey: &str) -> String {
    format!("accord audit {base} --log-key '{vkey}'")
}

fn log_body(ctx: &Ctx, d: &LogData, base: &str) -> Markup {
    html! {
        h1 { (ctx.t("log-title")) }
        p class="lead" { (ctx.t("log-intro")) }
        (checkpoint_section(ctx, d.checkpoint.as_deref(), &d.names))
        section aria-labelledby="key-h" {
            h2 id="key-h" { (ctx.t("log-key-heading")) }
            p { (ctx.t("log-key-intro")) }
            p { code class="hash" dir="ltr" id="log-vkey" { (d.vkey) } }
        }
        (audit_section(ctx, base, &d.vkey))
        (open_form(ctx))
        (latest_section(ctx, d))
    }
}

fn checkpoint_section(ctx: &Ctx, cp: Option<&Published>, names: &std::collections::BTreeMap<String, String>) -> Markup {
    html! {
        section aria-labelledby="checkpoint-h" {
            h2 id="checkpoint-h" { (ctx.t("log-checkpoint-heading")) }
            @if let Some(c) = cp {
                p { (ctx.t("log-checkpoint-intro")) }
                dl {
                    dt { (ctx.t("log-size")) }
                    dd id="checkpoint-size" { (c.size) }
                    dt { (ctx.t("log-root")) }
                    dd { code class="hash" dir="ltr" id="checkpoint-root" { (c.root.to_base64()) } }
                }
                figure class="note" { figcaption { (ctx.t("log-checkpoint-note-label")) } pre class="exact" id="checkpoint-note" dir="ltr" { (c.note) } }
                (crate::witnesses::line(ctx, &crate::witnesses::Witnessed::of(c), names))
                p { a href="/log/checkpoint" { (ctx.t("log-checkpoint-raw")) } }
            } @else {
                p { (ctx.t("log-no-checkpoint")) }
            }
        }
    }
}

fn audit_section(ctx: &Ctx, base: &str, vkey: &str) -> Markup {
    html! {
        section aria-labelledby="audit-h" {
            h2 id="audit-h" { (ctx.t("log-audit-heading")) }
            p { (layout::prose(&ctx.t("log-audit-intro"))) }
            pre class="exact" dir="ltr" id="audit-command" { code { (audit_command(base, vkey)) } }
            p { (layout::prose(&ctx.t("log-tiles-intro"))) }
            ul dir="ltr" {
                li { a href="/log/checkpoint" { code { "/log/checkpoint" } } }
                li { code { "/log/tile/<L>/<N>[.p/<W>]" } }
                li { code { "/log/tile/entries/<N>[.p/<W>]" } }
                li { code { "/api/v1/entries/<N>" } }
            }
        }
    }
}

fn open_form(ctx: &Ctx) -> Markup {
    html! {
        section aria-labelledby="open-h" {
            h2 id="open-h" { (ctx.t("log-open-heading")) }
            form class="inline" method="get" action="/entries" {
                div class="field" {
                    label for="entry-index" { (ctx.t("log-open-label")) }
                    input id="entry-index" name="index" type="number" min="0" step="1" inputmode="numeric" required;
                }
                div class="field" {
                    button type="submit" { (ctx.t("log-open-button")) }
                }
            }
        }
    }
}

fn latest_section(ctx: &Ctx, d: &LogData) -> Markup {
    let size = d.checkpoint.as_ref().map_or(0, |c| c.size);
    html! {
        section aria-labelledby="latest-h" {
            h2 id="latest-h" { (ctx.t("log-latest-heading")) }
            @if d.rows.is_empty() {
                p { (ctx.t(if size == 0 { "log-no-entries" } else { "log-none-older" })) }
            } @else {
                table id="latest-entries" {
                    caption {
                        (ctx.tr.ta("log-latest-caption", &[("first", d.start.into()), ("last", (d.end - 1).into())]))
                    }
                    thead { tr {
                        th scope="col" { (ctx.t("log-col-entry")) }
                        th scope="col" { (ctx.t("log-col-time")) }
                        th scope="col" { (ctx.t("log-col-member")) }
                        th scope="col" { (ctx.t("log-col-type")) }
                    } }
                    tbody {
                        @for r in &d.rows {
                            tr {
                                td { (layout::entry_link(r.index)) }
                                td { (layout::time(ctx.ui(), &r.time)) }
                                td { a href=(format!("/members/{}", r.member)) { code { (r.member) } } }
                                td { (type_label(ctx, &r.kind)) }
                            }
                        }
                    }
                }
            }
            @if d.start > 0 || d.end < size {
                nav class="pager" aria-label=(ctx.t("log-pager-label")) {
                    @if d.end < size {
                        a href="/log" { (layout::arrow_back()) " " (ctx.t("log-newest")) }
                    }
                    @if d.start > 0 {
                        a href=(format!("/log?before={}", d.start)) { (ctx.t("log-older")) " " (layout::arrow_forward()) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_type_of_the_core_has_a_name() {
        let tr = crate::i18n::Tr::new(crate::i18n::Ui::En);
        for kind in accord_core::acts::TYPES {
            let id = format!("log-type-{}", kind.replace('.', "-"));
            assert_ne!(tr.t(&id), id, "no message {id} for statement type {kind}");
        }
    }

    #[test]
    fn indices_as_typed() {
        assert_eq!(parse_index("2"), Some(2));
        assert_eq!(parse_index(" #17 "), Some(17));
        assert_eq!(parse_index("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_index("18446744073709551616"), None);
        assert_eq!(parse_index(""), None);
        assert_eq!(parse_index("-1"), None);
        assert_eq!(parse_index("1e3"), None);
        assert_eq!(parse_index("+3"), None);
    }

    #[test]
    fn query_values_are_decoded() {
        assert_eq!(query_value(Some("index=%2312&x=1"), "index").as_deref(), Some("#12"));
        assert_eq!(query_value(Some("a=1&index=+4+"), "index").as_deref(), Some(" 4 "));
        assert_eq!(query_value(Some("index=%zz"), "index").as_deref(), Some("%zz"));
        assert_eq!(query_value(Some("indexx=1"), "index"), None);
        assert_eq!(query_value(None, "index"), None);
    }

    #[test]
    fn audit_url_from_host() {
        let mut h = HeaderMap::new();
        assert_eq!(base_url(&h), "<url>");
        h.insert(HOST, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(base_url(&h), "http://127.0.0.1:8080");
        h.insert("x-forwarded-proto", "https".parse().unwrap());
        assert_eq!(base_url(&h), "https://127.0.0.1:8080");
        h.insert(HOST, "evil\"host".parse().unwrap());
        assert_eq!(base_url(&h), "<url>");
    }
}
