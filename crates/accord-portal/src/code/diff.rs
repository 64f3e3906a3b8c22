//! `/code/{doc}/diff?from=a&to=b`: what changed between two versions,
//! side by side. Which articles were added, removed or changed comes from
//! the core's one `code::diff`; within each differing language the two
//! wordings are shown in two columns (before | after) with the changed
//! words in `<del>`/`<ins>`, each also announced in words for readers who
//! do not see the colours. Unchanged articles are counted and listed.
//!
//! What it is not: a merge or a proposal tool — amendments are proposed
//! from the delegate's desk.

use super::{
    compare_form, doc_href, query_param, read_document, title_markup, title_text, version_href, version_number,
    version_of,
};
use crate::code::langs;
use crate::code::words::{self, Mark};
use crate::ctx::Ctx;
use crate::i18n::Tr;
use crate::layout::{self, load, reply, Nav, Page, PageError};
use crate::AppState;
use accord_core::code::{self, ArticleDiff, Document, Lang, TextDiff, Version};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use maud::{html, Markup};

/// The two versions asked for.
fn ask(tr: Tr, q: Option<&str>) -> Result<(u32, u32), PageError> {
    let (Some(from), Some(to)) = (query_param(q, "from"), query_param(q, "to")) else {
        return Err(PageError::bad_request(tr.t("code-err-compare")));
    };
    Ok((version_number(tr, from)?, version_number(tr, to)?))
}

pub(super) async fn page(
    ctx: Ctx,
    State(node): State<AppState>,
    p: Result<Path<String>, PathRejection>,
    RawQuery(q): RawQuery,
) -> Response {
    let tr = ctx.tr;
    let asked = p
        .map_err(|_| PageError::bad_request(tr.t("code-err-doc-id")))
        .and_then(|Path(d)| super::document_id(tr, &d))
        .and_then(|d| Ok((d, ask(tr, q.as_deref())?)));
    let (id, (from, to)) = match asked {
        Ok(a) => a,
        Err(e) => return reply(&ctx, Err(e)),
    };
    let r = load(&node, move |n| read_document(n, tr, &id).map(|(d, _)| d)).await;
    let page = r.and_then(|(shell, doc)| {
        let (a, b) = (version_of(tr, &doc, from)?, version_of(tr, &doc, to)?);
        let heading = tr.ta("code-diff-title", &[("from", u64::from(from).into()), ("to", u64::from(to).into())]);
        let title = format!("{} — {heading}", title_text(&ctx, &doc));
        Ok((shell, Page::new(title, Nav::Code, body(&ctx, &doc, a, b, &heading))))
    });
    reply(&ctx, page)
}

fn change_id(change: &str) -> &'static str {
    match change {
        "added" => "code-change-added",
        "removed" => "code-change-removed",
        "unchanged" => "code-change-unchanged",
        _ => "code-change-changed",
    }
}

fn body(ctx: &Ctx, doc: &Document, a: &Version, b: &Version, heading: &str) -> Markup {
    // Both as they read now, translations added since included.
    let all = code::diff(&a.current(), &b.current());
    let (unchanged, changed): (Vec<&ArticleDiff>, Vec<&ArticleDiff>) =
        all.iter().partition(|d| d.change == "unchanged");
    let count = |c: &str| changed.iter().filter(|d| d.change == c).count() as u64;
    html! {
        p { a href=(doc_href(&doc.id)) { (title_markup(ctx, doc)) } }
        h1 { (heading) }
        p class="lead" {
            (ctx.tr.ta("code-diff-summary", &[
                ("changed", count("changed").into()),
                ("added", count("added").into()),
                ("removed", count("removed").into()),
                ("unchanged", (unchanged.len() as u64).into()),
            ]))
        }
        p {
            a href=(version_href(&doc.id, a.number)) { (ctx.tr.ta("code-version-label", &[("n", u64::from(a.number).into()), ("label", a.label.as_str().into())])) }
            " " (layout::arrow_forward()) " "
            a href=(version_href(&doc.id, b.number)) { (ctx.tr.ta("code-version-label", &[("n", u64::from(b.number).into()), ("label", b.label.as_str().into())])) }
        }
        (compare_form(ctx, doc, a.number, b.number))
        @if changed.is_empty() {
            p { (ctx.t("code-no-changes")) }
        }
        @for (i, d) in changed.iter().enumerate() {
            (article(ctx, i, d, a, b))
        }
        @if !unchanged.is_empty() {
            details class="unchanged" {
                summary { (ctx.tr.ta("code-unchanged", &[("count", (unchanged.len() as u64).into())])) }
                ul {
                    @for d in &unchanged {
                        li { a href=(format!("{}#{}", version_href(&doc.id, b.number), d.id)) { code { (d.id) } } }
                    }
                }
            }
        }
    }
}

/// One added, removed or changed article: per differing language, the
/// two wordings side by side; then norms, kind and note when they differ.
fn article(ctx: &Ctx, i: usize, d: &ArticleDiff, a: &Version, b: &Version) -> Markup {
    let (before, after) = (a.article(&d.id), b.article(&d.id));
    let hid = format!("change-{i}");
    let kinds = (before.map(|x| x.kind), after.map(|x| x.kind));
    let notes = (before.and_then(|x| x.note.as_deref()), after.and_then(|x| x.note.as_deref()));
    html! {
        section class="code-change" aria-labelledby=(hid) {
            h2 id=(hid) {
                code { (d.id) } " "
                span class=(format!("status change-{}", d.change)) { (ctx.t(change_id(d.change))) }
            }
            @for (l, t) in &d.texts {
                (language_change(ctx, l, t, a, b))
            }
            @if let Some(n) = &d.norms {
                h3 { (ctx.t("code-norms-change")) }
                (columns(ctx, a, b, norm_list(ctx, &n.from), norm_list(ctx, &n.to)))
            }
            @if let (Some(x), Some(y)) = kinds {
                @if x != y {
                    h3 { (ctx.t("code-kind-change")) }
                    (columns(ctx, a, b, html! { (ctx.t(super::text::kind_id(x))) }, html! { (ctx.t(super::text::kind_id(y))) }))
                }
            }
            @if before.is_some() && after.is_some() && notes.0 != notes.1 {
                h3 { (ctx.t("code-note-change")) }
                (columns(ctx, a, b, note(ctx, notes.0), note(ctx, notes.1)))
            }
        }
    }
}

/// One language's two wordings, with the changed words marked.
fn language_change(ctx: &Ctx, l: &Lang, t: &TextDiff, a: &Version, b: &Version) -> Markup {
    let sides = words::diff(t.from.as_deref().unwrap_or(""), t.to.as_deref().unwrap_or(""));
    let (deleted, inserted) = sides.counts();
    let side = |present: bool, runs: &[(Mark, String)]| {
        html! {
            @if present {
                div class="code-text" lang=(l.as_str()) dir=(langs::dir(l)) { (runs_markup(ctx, runs)) }
            } @else {
                p class="hint" { (ctx.t("code-absent")) }
            }
        }
    };
    html! {
        h3 { (langs::name_markup(l)) " " code { (l.as_str()) } }
        p class="hint" {
            (ctx.tr.ta("code-word-counts", &[("deleted", (deleted as u64).into()), ("inserted", (inserted as u64).into())]))
        }
        (columns(ctx, a, b, side(t.from.is_some(), &sides.before), side(t.to.is_some(), &sides.after)))
    }
}

/// Runs of text, the changed ones in `<del>`/`<ins>` opened by a hidden
/// word in the interface's language.
fn runs_markup(ctx: &Ctx, runs: &[(Mark, String)]) -> Markup {
    let ui = ctx.ui();
    html! {
        @for (mark, text) in runs {
            @match mark {
                Mark::Same => (text),
                Mark::Deleted => del {
                    span class="visually-hidden" lang=(ui.code()) dir=(ui.dir()) { (ctx.t("code-deleted")) " " }
                    (text)
                },
                Mark::Inserted => ins {
                    span class="visually-hidden" lang=(ui.code()) dir=(ui.dir()) { (ctx.t("code-inserted")) " " }
                    (text)
                },
            }
        }
    }
}

/// Two columns: before (version a) | after (version b).
fn columns(ctx: &Ctx, a: &Version, b: &Version, before: Markup, after: Markup) -> Markup {
    html! {
        div class="diff" {
            div class="before" {
                p { strong { (ctx.tr.ta("code-before", &[("n", u64::from(a.number).into())])) } }
                (before)
            }
            div class="after" {
                p { strong { (ctx.tr.ta("code-after", &[("n", u64::from(b.number).into())])) } }
                (after)
            }
        }
    }
}

fn norm_list(ctx: &Ctx, norms: &[String]) -> Markup {
    html! {
        @if norms.is_empty() {
            p { (ctx.t("code-none-norms")) }
        } @else {
            ul { @for n in norms { li { code { (n) } } } }
        }
    }
}

fn note(ctx: &Ctx, n: Option<&str>) -> Markup {
    html! {
        @match n {
            Some(n) => p dir="auto" { (n) },
            None => p class="hint" { (ctx.t("code-absent")) },
        }
    }
}
