//! `/code/{doc}/diff?from=a&to=b&text=L`: what changed between two
//! versions, in one language at a time (`text`, by default the reader's,
//! chosen on the page), side by side. Which articles were added, removed
//! or changed comes from the core's one `code::diff`; the two wordings in
//! that language are shown in two columns (before | after) with the
//! changed words in `<del>`/`<ins>`, each also announced in words for
//! readers who do not see the colours. A text that one version lacks in
//! that language is "not available in this language", never a deletion.
//! Only the changed articles are shown; the others are one click away.
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
    let text = query_param(q.as_deref(), "text").and_then(Lang::parse);
    let (id, (from, to)) = match asked {
        Ok(a) => a,
        Err(e) => return reply(&ctx, Err(e)),
    };
    let r = load(&node, move |n| read_document(n, tr, &id).map(|(d, _)| d)).await;
    let page = r.and_then(|(shell, doc)| {
        let (a, b) = (version_of(tr, &doc, from)?, version_of(tr, &doc, to)?);
        let heading = tr.ta("code-diff-title", &[("from", u64::from(from).into()), ("to", u64::from(to).into())]);
        let title = format!("{} — {heading}", title_text(&ctx, &doc));
        Ok((shell, Page::new(title, Nav::Code, body(&ctx, &doc, a, b, &heading, text.as_ref()))))
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

/// The languages either version is written in, in the UN's order first.
fn languages(a: &Version, b: &Version) -> Vec<Lang> {
    let mut all: Vec<Lang> = a.articles.iter().chain(&b.articles).flat_map(|x| x.texts.keys().cloned()).collect();
    all.sort_by_key(|l| {
        (crate::i18n::Ui::ALL.iter().position(|u| langs::is_ui(l, *u)).unwrap_or(usize::MAX), l.clone())
    });
    all.dedup();
    all
}

/// Does the article differ in `lang` (or as a whole: added, removed, its
/// norms)? A text only one side has in `lang`, while the article is on
/// both sides, is a missing translation, not a change.
fn differs_in(d: &ArticleDiff, lang: &Lang) -> bool {
    match d.change {
        "added" | "removed" => true,
        _ => d.norms.is_some() || d.texts.get(lang).is_some_and(|t| t.from.is_some() && t.to.is_some()),
    }
}

fn body(ctx: &Ctx, doc: &Document, a: &Version, b: &Version, heading: &str, asked: Option<&Lang>) -> Markup {
    // Both as they read now, translations added since included.
    let (a, b) = (&a.current(), &b.current());
    let all = code::diff(a, b);
    let langs_here = languages(a, b);
    let chosen = asked
        .filter(|l| langs_here.contains(l))
        .or_else(|| langs_here.iter().find(|l| langs::is_ui(l, ctx.ui())))
        .or(langs_here.first())
        .cloned()
        .or_else(|| Lang::parse("en"));
    // A document is never without text; were it so, nothing differs.
    let Some(lang) = chosen else {
        return html! { h1 { (heading) } p { (ctx.t("code-no-changes")) } };
    };
    let (changed, unchanged): (Vec<&ArticleDiff>, Vec<&ArticleDiff>) = all.iter().partition(|d| differs_in(d, &lang));
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
            a href=(version_href(&doc.id, a.number)) { (layout::message(ctx.tr, "code-version-label", &[("n", u64::from(a.number).into())], &[("label", &a.label)])) }
            " " (layout::arrow_forward()) " "
            a href=(version_href(&doc.id, b.number)) { (layout::message(ctx.tr, "code-version-label", &[("n", u64::from(b.number).into())], &[("label", &b.label)])) }
        }
        (compare_form(ctx, doc, a.number, b.number))
        nav class="diff-langs" aria-label=(ctx.t("code-diff-in")) {
            (ctx.t("code-diff-in")) " "
            @for (i, l) in langs_here.iter().enumerate() {
                @if i > 0 { " · " }
                @let href = format!("/code/{}/diff?from={}&to={}&text={}", doc.id, a.number, b.number, l.as_str());
                @if *l == lang {
                    a href=(href) aria-current="true" lang=(l.as_str()) { strong { (langs::native_name(l)) } }
                } @else {
                    a href=(href) lang=(l.as_str()) { (langs::native_name(l)) }
                }
            }
        }
        @if changed.is_empty() {
            p { (ctx.t("code-no-changes")) }
        }
        @for (i, d) in changed.iter().enumerate() {
            (article(ctx, i, d, a, b, &lang))
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
fn article(ctx: &Ctx, i: usize, d: &ArticleDiff, a: &Version, b: &Version, lang: &Lang) -> Markup {
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
            @let here = TextDiff {
                from: before.and_then(|x| x.texts.get(lang).cloned()),
                to: after.and_then(|x| x.texts.get(lang).cloned()),
            };
            @if here.from != here.to || d.change != "changed" {
                (language_change(ctx, lang, &here, a, b, (before.is_some(), after.is_some())))
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

/// One language's two wordings, with the changed words marked when both
/// exist. `exists` says on which side the article itself is: a side
/// where the article is but not its text in `l` is "not available in
/// this language", and the other side is shown unmarked.
fn language_change(ctx: &Ctx, l: &Lang, t: &TextDiff, a: &Version, b: &Version, exists: (bool, bool)) -> Markup {
    let text = |runs: &[(Mark, String)]| html! { div class="code-text" lang=(l.as_str()) dir=(langs::dir(l)) { (runs_markup(ctx, runs)) } };
    let plain = |s: &str| text(&[(Mark::Same, s.to_string())]);
    let missing = |article_here: bool| {
        html! { p class="hint" { (ctx.t(if article_here { "code-not-in-language" } else { "code-absent" })) } }
    };
    html! {
        h3 { (langs::name_markup(l)) " " code { (l.as_str()) } }
        @match (&t.from, &t.to) {
            (Some(x), Some(y)) => {
                @let sides = words::diff(x, y);
                @let (deleted, inserted) = sides.counts();
                p class="hint" {
                    (ctx.tr.ta("code-word-counts", &[("deleted", (deleted as u64).into()), ("inserted", (inserted as u64).into())]))
                }
                (columns(ctx, a, b, text(&sides.before), text(&sides.after)))
            }
            (Some(x), None) => (columns(ctx, a, b, plain(x), missing(exists.1))),
            (None, Some(y)) => (columns(ctx, a, b, missing(exists.0), plain(y))),
            (None, None) => (columns(ctx, a, b, missing(exists.0), missing(exists.1))),
        }
    }
}

/// Runs of text, the changed ones in `<del>`/`<ins>` opened by a hidden
/// word in the interface's language.
pub(crate) fn runs_markup(ctx: &Ctx, runs: &[(Mark, String)]) -> Markup {
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

#[cfg(test)]
mod tests {
    use super::*;
    use accord_core::{LogIndex, Timestamp};

    fn version(number: u32) -> Version {
        Version {
            document: "D".into(),
            number,
            label: format!("v{number}"),
            articles: Vec::new(),
            adopted_at: LogIndex(0),
            adopted_time: Timestamp(0),
            proposal: None,
            addenda: Vec::new(),
        }
    }

    #[test]
    fn a_text_missing_in_one_version_is_not_a_deletion() {
        let ctx =
            Ctx { tr: Tr::new(crate::i18n::Ui::En), path: String::new(), query_rest: String::new(), remember: false };
        let (a, b) = (version(1), version(2));
        let ar = Lang::parse("ar").unwrap();
        let t = TextDiff { from: Some("نص".into()), to: None };
        let html = language_change(&ctx, &ar, &t, &a, &b, (true, true)).into_string();
        assert!(html.contains("Not available in this language"), "{html}");
        assert!(!html.contains("<del>") && !html.contains("Deleted passages"), "{html}");
        // The article itself removed: "no text on this side".
        let html = language_change(&ctx, &ar, &t, &a, &b, (true, false)).into_string();
        assert!(html.contains("No text on this side"), "{html}");
        let d = ArticleDiff { id: "x".into(), change: "changed", texts: [(ar.clone(), t)].into(), norms: None };
        assert!(!differs_in(&d, &ar), "a translation missing on one side is no change");
    }
}
