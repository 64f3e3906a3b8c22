//! `/code/{doc}/versions/{n}`: one version's text, article by article, in
//! one language chosen with `?text=xx` (by default the reader's interface
//! language, else English, else the first the version has), with each
//! article's related norms and editorial note, and the members who
//! subscribe to that version.
//!
//! What it is not: a parallel text of several languages (the exports give
//! every official language side by side).

use super::{
    decision_markup, doc_href, export_links, language_list, query_param, read_document, subscriptions_table,
    title_markup, title_text, version_href, version_number, version_of,
};
use crate::code::langs;
use crate::ctx::Ctx;
use crate::i18n::{Tr, Ui};
use crate::layout::{self, load, reply, Nav, Page, PageError};
use crate::AppState;
use accord_core::code::{Article, ArticleKind, Document, Lang, Subscription, Version};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use maud::{html, Markup};
use std::collections::BTreeSet;

/// What the request asked for: document, version, text language.
struct Ask {
    doc: String,
    n: u32,
    text: Option<Lang>,
}

fn ask(tr: Tr, p: Result<Path<(String, String)>, PathRejection>, q: Option<&str>) -> Result<Ask, PageError> {
    let (doc, n) = p.map_err(|_| PageError::bad_request(tr.t("code-err-version")))?.0;
    let doc = super::document_id(tr, &doc)?;
    let n = version_number(tr, &n)?;
    let text = match query_param(q, "text") {
        None | Some("") => None,
        Some(t) => Some(Lang::parse(t).ok_or_else(|| PageError::bad_request(tr.t("code-err-text")))?),
    };
    Ok(Ask { doc, n, text })
}

pub(super) async fn page(
    ctx: Ctx,
    State(node): State<AppState>,
    p: Result<Path<(String, String)>, PathRejection>,
    RawQuery(q): RawQuery,
) -> Response {
    let tr = ctx.tr;
    let a = match ask(tr, p, q.as_deref()) {
        Ok(a) => a,
        Err(e) => return reply(&ctx, Err(e)),
    };
    let r = load(&node, move |n| Ok((read_document(n, tr, &a.doc)?, a))).await;
    let page = r.and_then(|(shell, ((doc, subs), a))| {
        // As it reads now: with the translations and norm links added since.
        let v = &version_of(tr, &doc, a.n)?.current();
        let shown = text_language(tr, ctx.ui(), v, a.text)?;
        let title =
            format!("{} — {}", title_text(&ctx, &doc), tr.ta("code-version-n", &[("n", u64::from(v.number).into())]));
        Ok((shell, Page::new(title, Nav::Code, body(&ctx, &doc, v, &shown, &subs))))
    });
    reply(&ctx, page)
}

/// Every language some article of `v` has a text in.
fn present(v: &Version) -> BTreeSet<&Lang> {
    v.articles.iter().flat_map(|a| a.texts.keys()).collect()
}

/// The language to show: the one asked for (which the version must have),
/// else the reader's, else English, else the first.
fn text_language(tr: Tr, ui: Ui, v: &Version, asked: Option<Lang>) -> Result<Lang, PageError> {
    let have = present(v);
    if let Some(l) = asked {
        if have.contains(&l) {
            return Ok(l);
        }
        let list = have.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", ");
        let msg = tr.ta(
            "code-err-no-text",
            &[("n", u64::from(v.number).into()), ("lang", l.as_str().into()), ("have", list.as_str().into())],
        );
        return Err(super::not_found(msg));
    }
    let pick = have
        .iter()
        .find(|l| l.as_str() == ui.code())
        .or_else(|| have.iter().find(|l| langs::is_ui(l, ui)))
        .or_else(|| have.iter().find(|l| l.as_str() == "en"))
        .or_else(|| have.iter().next());
    // A version always has an article with a text (checked by the core).
    pick.map(|l| (*l).clone()).ok_or_else(|| super::not_found(tr.t("code-err-no-version-text")))
}

fn body(ctx: &Ctx, doc: &Document, v: &Version, shown: &Lang, subs: &[Subscription]) -> Markup {
    let subscribers: Vec<&Subscription> = subs.iter().filter(|s| s.version == v.number).collect();
    html! {
        p { a href=(doc_href(&doc.id)) { (title_markup(ctx, doc)) } }
        h1 {
            (title_markup(ctx, doc))
            br;
            (layout::message(ctx.tr, "code-version-label", &[("n", u64::from(v.number).into())], &[("label", &v.label)]))
        }
        (facts(ctx, doc, v))
        section aria-labelledby="text-h" {
            h2 id="text-h" { (ctx.t("code-text-h")) }
            (language_form(ctx, v, shown))
            @for a in &v.articles {
                (article(ctx, a, shown))
            }
        }
        section aria-labelledby="subs-h" {
            h2 id="subs-h" { (ctx.t("code-version-subs-h")) }
            @if subscribers.is_empty() {
                p { (ctx.t("code-version-no-subs")) }
            } @else {
                (subscriptions_table(ctx, &doc.id, &subscribers, false))
            }
        }
    }
}

/// When and how the version was adopted, its languages, hash and exports.
fn facts(ctx: &Ctx, doc: &Document, v: &Version) -> Markup {
    let number = |n: u32| u64::from(n).into();
    html! {
        dl class="panel code-facts" {
            dt { (ctx.t("code-col-adopted")) }
            dd { (layout::entry_link(v.adopted_at.0)) " " (layout::time(ctx.ui(), &v.adopted_time.to_rfc3339())) }
            dt { (ctx.t("code-col-proposal")) }
            dd { (decision_markup(ctx, v)) }
            dt { (ctx.t("code-col-official")) }
            dd class="official" { (language_list(ctx, &v.official_languages())) }
            @let unofficial = v.unofficial_languages();
            @if !unofficial.is_empty() {
                dt { (ctx.t("code-col-unofficial")) }
                dd class="unofficial" { (language_list(ctx, &unofficial)) }
            }
            dt { (ctx.t("code-col-hash")) }
            dd { code class="hash" { (v.hash()) } }
            dt { (ctx.t("code-col-exports")) }
            dd { (export_links(ctx, &doc.id, v.number)) }
        }
        p {
            @if v.number > 1 {
                a href=(format!("/code/{}/diff?from={}&to={}", doc.id, v.number - 1, v.number)) {
                    (ctx.tr.ta("code-changes-from", &[("n", number(v.number - 1))]))
                }
                " · "
            }
            @if doc.latest().is_some_and(|l| l.number > v.number) {
                @let latest = doc.latest().map_or(v.number, |l| l.number);
                a href=(version_href(&doc.id, latest)) { (ctx.tr.ta("code-read-current", &[("n", number(latest))])) }
                " · "
            }
            a href=(doc_href(&doc.id)) { (ctx.t("code-all-versions")) }
        }
    }
}

/// A GET form choosing the language of the text among the version's.
fn language_form(ctx: &Ctx, v: &Version, shown: &Lang) -> Markup {
    html! {
        form class="inline" method="get" action=(version_href(&v.document, v.number)) {
            div class="field" {
                label for="text-lang" { (ctx.t("code-text-lang")) }
                select id="text-lang" name="text" {
                    @for l in present(v) {
                        option value=(l.as_str()) lang=(l.as_str()) selected[l == shown] { (langs::native_name(l)) }
                    }
                }
            }
            div class="field" { button type="submit" { (ctx.t("code-text-show")) } }
        }
    }
}

pub(super) fn kind_id(k: ArticleKind) -> &'static str {
    match k {
        ArticleKind::Preamble => "code-kind-preamble",
        ArticleKind::Purpose => "code-kind-purpose",
        ArticleKind::Pledge => "code-kind-pledge",
        ArticleKind::Other => "code-kind-other",
    }
}

/// One article: its kind and id, its text in `shown` (or, when it has
/// none in that language, a notice and the text it has for this reader),
/// its related norms and its editorial note.
fn article(ctx: &Ctx, a: &Article, shown: &Lang) -> Markup {
    let fallback = langs::preferred(&a.texts, ctx.ui());
    html! {
        article class="code-article" id=(a.id) {
            h3 { (ctx.t(kind_id(a.kind))) " " code { (a.id) } }
            @if let Some(t) = a.texts.get(shown) {
                (text_block(shown, t))
                @if a.unofficial.contains(shown) {
                    p class="hint unofficial" { (ctx.t("code-unofficial")) }
                }
            } @else if let Some((l, t)) = fallback {
                p class="hint missing" {
                    (ctx.tr.ta("code-missing", &[("lang", shown.as_str().into())])) " " (langs::name_markup(l))
                }
                (text_block(l, t))
            }
            @if !a.norms.is_empty() {
                p class="code-norms" {
                    (ctx.t("code-norms")) " "
                    @for (i, n) in a.norms.iter().enumerate() {
                        @if i > 0 { ", " }
                        code { (n) }
                    }
                }
            }
            @if let Some(note) = &a.note {
                // In the reader's language when the note was given in it;
                // else the one note, whose language is not tagged: its
                // direction follows the text itself.
                div class="code-note" role="note" {
                    strong { (ctx.t("code-note")) } " "
                    @match a.notes.iter().find(|(l, _)| langs::is_ui(l, ctx.ui())) {
                        Some((l, n)) => span lang=(l.as_str()) dir=(langs::dir(l)) { (n) },
                        None => span dir="auto" { (note) },
                    }
                }
            }
        }
    }
}

/// A text in its language, marked with `lang` and `dir`.
pub(super) fn text_block(l: &Lang, t: &str) -> Markup {
    html! { div class="code-text" lang=(l.as_str()) dir=(langs::dir(l)) { (t) } }
}
