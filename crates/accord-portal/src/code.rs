//! `/code`, `/code/{doc}`, `/code/{doc}/versions/{n}` and
//! `/code/{doc}/diff`: the negotiated text — its documents, the versions
//! the members adopted (with their official languages and hashes), who
//! subscribes to which, the text of a version in one language, and a
//! side-by-side comparison of two versions.
//!
//! What it is not: no rules and no exports. Versions, the article-level
//! diff and the hash come from `accord-core` through the store's
//! projections; the Markdown and HTML exports are the JSON API's
//! (`/api/v1/documents/…`), linked from here.

pub(crate) mod diff;
pub(crate) mod langs;
mod text;
pub(crate) mod words;

use crate::ctx::Ctx;
use crate::i18n::Tr;
use crate::layout::{self, load, reply, Nav, Page, PageError};
use crate::AppState;
use accord_core::code::{self, Document, Subscription, Version};
use accord_node::Node;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/code", get(index))
        .route("/code/{doc}", get(document))
        .route("/code/{doc}/versions/{n}", get(text::page))
        .route("/code/{doc}/diff", get(diff::page))
}

// ---- parameters and errors ----

fn not_found(text: String) -> PageError {
    PageError { status: StatusCode::NOT_FOUND, message: text, is_id: false }
}

/// A document id from the path: malformed is a bad request.
fn document_id(tr: Tr, id: &str) -> Result<String, PageError> {
    if code::valid_document_id(id) {
        Ok(id.to_string())
    } else {
        Err(PageError::bad_request(tr.t("code-err-doc-id")))
    }
}

/// A version number: 1, 2, … (no sign, no leading `+`, fits in u32).
fn version_number(tr: Tr, s: &str) -> Result<u32, PageError> {
    let n = (!s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse::<u32>().ok())
        .flatten()
        .filter(|n| *n >= 1);
    n.ok_or_else(|| PageError::bad_request(tr.t("code-err-version")))
}

/// The value of `name` in a raw query string (the last one given).
fn query_param<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query.unwrap_or("").rsplit('&').find_map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        (k == name).then_some(v)
    })
}

/// A document and its subscriptions (blocking: call inside [`load`]).
fn read_document(n: &Node, tr: Tr, id: &str) -> Result<(Document, Vec<Subscription>), PageError> {
    let store = n.reads();
    let doc = store.document(id).map_err(PageError::storage)?;
    let doc = doc.ok_or_else(|| not_found(tr.ta("code-err-no-doc", &[("id", id.into())])))?;
    let subs = store.subscriptions(id).map_err(PageError::storage)?;
    Ok((doc, subs))
}

fn version_of(tr: Tr, doc: &Document, n: u32) -> Result<&Version, PageError> {
    doc.version(n).ok_or_else(|| {
        not_found(tr.ta("code-err-no-version", &[("id", doc.id.as_str().into()), ("n", u64::from(n).into())]))
    })
}

// ---- pieces shared by the pages ----

fn doc_href(doc: &str) -> String {
    format!("/code/{doc}")
}

fn version_href(doc: &str, n: u32) -> String {
    format!("/code/{doc}/versions/{n}")
}

fn export_href(doc: &str, n: u32, ext: &str) -> String {
    format!("/api/v1/documents/{doc}/versions/{n}/export.{ext}")
}

/// The document's title for a reader of the page's language, marked with
/// its own `lang` and `dir`; its id when it has no title.
fn title_markup(ctx: &Ctx, doc: &Document) -> Markup {
    match langs::preferred(&doc.title, ctx.ui()) {
        Some((l, t)) => html! { span lang=(l.as_str()) dir=(langs::dir(l)) { (t) } },
        None => html! { code { (doc.id) } },
    }
}

/// The document's title as plain text (for `<title>`).
fn title_text(ctx: &Ctx, doc: &Document) -> String {
    langs::preferred(&doc.title, ctx.ui()).map_or_else(|| doc.id.clone(), |(_, t)| t.clone())
}

/// A list of languages, each by its own name and marked with its `lang`.
fn language_list(ctx: &Ctx, langs: &[code::Lang]) -> Markup {
    html! {
        @if langs.is_empty() {
            (ctx.t("code-none-official"))
        } @else {
            @for (i, l) in langs.iter().enumerate() {
                @if i > 0 { ", " }
                (langs::name_markup(l))
            }
        }
    }
}

/// Where a version came from: the adopted proposal, or the founding text.
fn decision_markup(ctx: &Ctx, v: &Version) -> Markup {
    html! {
        @match &v.proposal {
            Some(p) => a href=(format!("/proposals/{p}")) { code { (p) } },
            None => (ctx.t("code-founding")),
        }
    }
}

fn export_links(ctx: &Ctx, doc: &str, n: u32) -> Markup {
    html! {
        a href=(export_href(doc, n, "md")) { (ctx.t("code-export-md")) }
        " · "
        a href=(export_href(doc, n, "html")) { (ctx.t("code-export-html")) }
    }
}

/// Members and the version each subscribes to, since which entry.
fn subscriptions_table(ctx: &Ctx, doc: &str, subs: &[&Subscription], with_version: bool) -> Markup {
    let [member, number, since] = ["code-col-member", "code-col-number", "code-col-since"].map(|id| ctx.t(id));
    html! {
        table class="subscriptions cards" {
            thead { tr {
                th scope="col" { (member) }
                @if with_version { th scope="col" { (number) } }
                th scope="col" { (since) }
            } }
            tbody {
                @for s in subs {
                    tr {
                        th scope="row" data-label=(member) { a href=(format!("/members/{}", s.member.as_str())) { code { (s.member.as_str()) } } }
                        @if with_version {
                            td data-label=(number) { a href=(version_href(doc, s.version)) { (ctx.tr.ta("code-version-n", &[("n", u64::from(s.version).into())])) } }
                        }
                        td data-label=(since) { (layout::entry_link(s.index.0)) " " (layout::time(ctx.ui(), &s.time.to_rfc3339())) }
                    }
                }
            }
        }
    }
}

/// A GET form choosing two versions to compare.
fn compare_form(ctx: &Ctx, doc: &Document, from: u32, to: u32) -> Markup {
    let select = |name: &str, id: &str, label: &str, chosen: u32| {
        html! {
            div class="field" {
                label for=(id) { (label) }
                select id=(id) name=(name) {
                    @for v in &doc.versions {
                        // An option holds text only: the number, the label being a member's words.
                        option value=(v.number) selected[v.number == chosen] {
                            (ctx.tr.ta("code-version-n", &[("n", u64::from(v.number).into())]))
                        }
                    }
                }
            }
        }
    };
    html! {
        form class="inline" method="get" action=(format!("/code/{}/diff", doc.id)) {
            (select("from", "compare-from", &ctx.t("code-compare-from"), from))
            (select("to", "compare-to", &ctx.t("code-compare-to"), to))
            div class="field" { button type="submit" { (ctx.t("code-compare-submit")) } }
        }
    }
}

// ---- /code ----

async fn index(ctx: Ctx, State(node): State<AppState>) -> Response {
    let r = load(&node, |n| n.reads().documents().map_err(PageError::storage)).await;
    reply(
        &ctx,
        r.map(|(shell, docs)| {
            let body = html! {
                h1 { (ctx.t("code-title")) }
                p class="lead" { (ctx.t("code-intro")) }
                @if docs.is_empty() {
                    p { (ctx.t("code-none")) }
                } @else {
                    table class="documents cards" {
                        caption { (ctx.t("code-documents-caption")) }
                        thead { tr {
                            th scope="col" { (ctx.t("code-col-document")) }
                            th scope="col" { (ctx.t("code-col-versions")) }
                            th scope="col" { (ctx.t("code-col-latest")) }
                        } }
                        tbody {
                            @for d in &docs {
                                tr {
                                    th scope="row" data-label=(ctx.t("code-col-document")) {
                                        a href=(doc_href(&d.id)) { (title_markup(&ctx, d)) }
                                        " " code { (d.id) }
                                    }
                                    td data-label=(ctx.t("code-col-versions")) { (d.versions.len()) }
                                    td data-label=(ctx.t("code-col-latest")) {
                                        @if let Some(v) = d.latest() {
                                            a href=(version_href(&d.id, v.number)) {
                                                (layout::message(ctx.tr, "code-version-label", &[("n", u64::from(v.number).into())], &[("label", &v.label)]))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            };
            (shell, Page::new(ctx.t("code-title"), Nav::Code, body))
        }),
    )
}

// ---- /code/{doc} ----

async fn document(ctx: Ctx, State(node): State<AppState>, p: Result<Path<String>, PathRejection>) -> Response {
    let tr = ctx.tr;
    let id =
        match p.map_err(|_| PageError::bad_request(tr.t("code-err-doc-id"))).and_then(|Path(s)| document_id(tr, &s)) {
            Ok(id) => id,
            Err(e) => return reply(&ctx, Err(e)),
        };
    let r = load(&node, move |n| read_document(n, tr, &id)).await;
    reply(
        &ctx,
        r.map(|(shell, (doc, subs))| {
            let title = title_text(&ctx, &doc);
            (shell, Page::new(title, Nav::Code, document_body(&ctx, &doc, &subs)))
        }),
    )
}

fn document_body(ctx: &Ctx, doc: &Document, subs: &[Subscription]) -> Markup {
    let latest = doc.latest().map_or(0, |v| v.number);
    let subs: Vec<&Subscription> = subs.iter().collect();
    html! {
        p { a href="/code" { (ctx.t("code-title")) } }
        h1 { (title_markup(ctx, doc)) }
        p { (ctx.t("code-doc-id")) " " code { (doc.id) } }
        @if let Some(v) = doc.latest() {
            p class="lead" {
                a href=(version_href(&doc.id, v.number)) {
                    (ctx.tr.ta("code-read-current", &[("n", u64::from(v.number).into()), ("label", v.label.as_str().into())]))
                }
            }
        }
        section aria-labelledby="versions-h" {
            h2 id="versions-h" { (ctx.t("code-versions-h")) }
            p class="hint" { (ctx.t("code-official-hint")) }
            (versions_table(ctx, doc))
        }
        section aria-labelledby="compare-h" {
            h2 id="compare-h" { (ctx.t("code-compare-h")) }
            @if doc.versions.len() < 2 {
                p { (ctx.t("code-compare-one")) }
            } @else {
                (compare_form(ctx, doc, latest.saturating_sub(1).max(1), latest))
            }
        }
        section aria-labelledby="subs-h" {
            h2 id="subs-h" { (ctx.t("code-subs-h")) }
            p class="hint" { (ctx.t("code-subs-hint")) }
            @if subs.is_empty() {
                p { (ctx.t("code-no-subs")) }
            } @else {
                (subscriptions_table(ctx, &doc.id, &subs, true))
            }
        }
    }
}

fn versions_table(ctx: &Ctx, doc: &Document) -> Markup {
    let [number, label, adopted, proposal, official, hash, exports] = [
        "code-col-number",
        "code-col-label",
        "code-col-adopted",
        "code-col-proposal",
        "code-col-official",
        "code-col-hash",
        "code-col-exports",
    ]
    .map(|id| ctx.t(id));
    html! {
        table class="versions cards" {
            thead { tr {
                th scope="col" { (number) }
                th scope="col" { (label) }
                th scope="col" { (adopted) }
                th scope="col" { (proposal) }
                th scope="col" { (official) }
                th scope="col" { (hash) }
                th scope="col" { (exports) }
            } }
            tbody {
                @for v in &doc.versions {
                    tr {
                        th scope="row" data-label=(number) {
                            a href=(version_href(&doc.id, v.number)) { (ctx.tr.ta("code-version-n", &[("n", u64::from(v.number).into())])) }
                        }
                        td data-label=(label) { bdi { (v.label) } }
                        td data-label=(adopted) { (layout::entry_link(v.adopted_at.0)) " " (layout::time(ctx.ui(), &v.adopted_time.to_rfc3339())) }
                        td data-label=(proposal) { (decision_markup(ctx, v)) }
                        td class="official" data-label=(official) { (language_list(ctx, &v.official_languages())) }
                        td data-label=(hash) { code class="hash" { (v.hash()) } }
                        td data-label=(exports) { (export_links(ctx, &doc.id, v.number)) }
                    }
                }
            }
        }
    }
}
