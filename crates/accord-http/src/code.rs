//! `/api/v1/documents`: the Code as projected by the store — documents,
//! versions (with the core's one hash), the core's one diff, members'
//! subscriptions, and exports of a version as Markdown and as a standalone
//! HTML page.
//!
//! Every text here comes from members' statements, so everything written
//! into Markdown or HTML goes through [`md`] or [`html`] first.

use crate::problem::Problem;
use crate::{at_size, blocking, AppState, AtSize};
use accord_core::code::{self, Article, ArticleKind, Document, Lang, Subscription, Version};
use accord_portal::i18n::{Tr, Ui};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::fmt::Write as _;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/documents", get(list))
        .route("/api/v1/documents/{id}", get(document))
        .route("/api/v1/documents/{id}/versions/{n}", get(version))
        .route("/api/v1/documents/{id}/versions/{n}/export.md", get(export_md))
        .route("/api/v1/documents/{id}/versions/{n}/export.html", get(export_html))
        .route("/api/v1/documents/{id}/diff", get(diff))
        .route("/api/v1/documents/{id}/subscriptions", get(subscriptions))
}

fn bad(detail: impl Into<String>) -> Problem {
    Problem::bad_request("bad-parameter", detail)
}

fn parse_document_id(id: &str) -> Result<(), Problem> {
    if code::valid_document_id(id) {
        Ok(())
    } else {
        Err(bad(format!("a document id is [A-Z][A-Z0-9-]{{1,31}}, e.g. ICCIS (got {id:?})")))
    }
}

fn parse_version(what: &str, s: &str) -> Result<u32, Problem> {
    let n = (!s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse::<u32>().ok())
        .flatten()
        .filter(|n| *n >= 1);
    n.ok_or_else(|| bad(format!("{what} must be a version number (1, 2, …), got {s:?}")))
}

fn query_param(q: &Option<String>, name: &str) -> Option<String> {
    q.as_deref().unwrap_or("").rsplit('&').find_map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        (k == name).then(|| v.to_string())
    })
}

fn path_one(p: Result<Path<String>, PathRejection>) -> Result<String, Problem> {
    let id = p.map_err(|e| bad(format!("document id: {e}")))?.0;
    parse_document_id(&id)?;
    Ok(id)
}

fn path_two(p: Result<Path<(String, String)>, PathRejection>) -> Result<(String, u32), Problem> {
    let (id, n) = p.map_err(|e| bad(format!("document id and version: {e}")))?.0;
    parse_document_id(&id)?;
    Ok((id, parse_version("the version", &n)?))
}

fn no_document(id: &str) -> Problem {
    Problem::not_found_detail(format!("no document {id:?}"))
}

/// The document `id`, or 404.
async fn load(node: AppState, id: String) -> Result<Document, Problem> {
    blocking(move || node.reads().document(&id)?.ok_or_else(|| no_document(&id))).await
}

fn version_of(d: &Document, n: u32) -> Result<&Version, Problem> {
    d.version(n)
        .ok_or_else(|| Problem::not_found_detail(format!("{} has no version {n} (it has {})", d.id, versions_said(d))))
}

fn versions_said(d: &Document) -> String {
    match d.versions.len() {
        0 => "none".into(),
        1 => "version 1".into(),
        n => format!("versions 1–{n}"),
    }
}

fn langs(v: &[Lang]) -> Vec<&str> {
    v.iter().map(Lang::as_str).collect()
}

async fn list(State(node): State<AppState>) -> Result<AtSize<Json<Value>>, Problem> {
    let AtSize(size, docs) = at_size(node, |n| Ok(n.reads().documents()?)).await?;
    let items: Vec<Value> = docs
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "title": d.title,
                "versions": d.versions.iter().map(|v| v.number).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(AtSize(size, Json(json!({ "documents": items }))))
}

async fn document(
    State(node): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<AtSize<Json<Value>>, Problem> {
    let id = path_one(id)?;
    let AtSize(size, d) = at_size(node, move |n| n.reads().document(&id)?.ok_or_else(|| no_document(&id))).await?;
    let versions: Vec<Value> = d
        .versions
        .iter()
        .map(|v| {
            let mut o = json!({
                "number": v.number,
                "label": v.label,
                "adopted_at": v.adopted_at.0,
                "adopted_time": v.adopted_time.to_rfc3339(),
                "official_languages": langs(&v.official_languages()),
                "unofficial_languages": langs(&v.unofficial_languages()),
                "hash": v.hash(),
            });
            if let Some(p) = &v.proposal {
                o["proposal"] = json!(p);
            }
            o
        })
        .collect();
    Ok(AtSize(size, Json(json!({ "id": d.id, "title": d.title, "versions": versions }))))
}

async fn version(
    State(node): State<AppState>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Result<AtSize<Json<Value>>, Problem> {
    let (id, n) = path_two(p)?;
    let AtSize(size, (d, subs)) = at_size(node, move |node| {
        let store = node.reads();
        let d = store.document(&id)?.ok_or_else(|| no_document(&id))?;
        Ok((d, store.subscriptions(&id)?))
    })
    .await?;
    let v = version_of(&d, n)?;
    let mut out = serde_json::to_value(v).map_err(|e| Problem::internal(format!("version {}/{n}: {e}", d.id)))?;
    let subscribers: Vec<Value> = subs
        .iter()
        .filter(|s| s.version == n)
        .map(|s| json!({ "member": s.member.as_str(), "index": s.index.0, "time": s.time.to_rfc3339() }))
        .collect();
    out["official_languages"] = json!(langs(&v.official_languages()));
    out["unofficial_languages"] = json!(langs(&v.unofficial_languages()));
    out["hash"] = json!(v.hash());
    out["subscribers"] = json!(subscribers);
    if let Some(list) = out.get_mut("addenda").and_then(Value::as_array_mut) {
        for (a, served) in v.addenda.iter().zip(list) {
            served["hash"] = json!(a.hash());
        }
    }
    Ok(AtSize(size, Json(out)))
}

async fn diff(
    State(node): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, Problem> {
    let id = path_one(id)?;
    let (Some(from), Some(to)) = (query_param(&q, "from"), query_param(&q, "to")) else {
        return Err(bad("give both ?from=A&to=B (version numbers)"));
    };
    let (from, to) = (parse_version("from", &from)?, parse_version("to", &to)?);
    let d = load(node, id).await?;
    let (a, b) = (version_of(&d, from)?, version_of(&d, to)?);
    let (a, b) = (a.current(), b.current());
    Ok(Json(json!({ "document": d.id, "from": from, "to": to, "articles": code::diff(&a, &b) })))
}

/// A subscription as published, named by `key`: `("member", id)` in a
/// document's list, `("document", id)` in a member's.
pub(crate) fn subscription_json((key, id): (&str, &str), s: &Subscription) -> Value {
    json!({ key: id, "version": s.version, "index": s.index.0, "time": s.time.to_rfc3339() })
}

async fn subscriptions(
    State(node): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<AtSize<Json<Value>>, Problem> {
    let id = path_one(id)?;
    let AtSize(size, subs) = at_size(node, move |node| {
        let store = node.reads();
        if store.document(&id)?.is_none() {
            return Err(no_document(&id));
        }
        Ok(store.subscriptions(&id)?)
    })
    .await?;
    Ok(AtSize(
        size,
        Json(
            json!({ "subscriptions": subs.iter().map(|s| subscription_json(("member", s.member.as_str()), s)).collect::<Vec<_>>() }),
        ),
    ))
}

/// What an export shows: the version, in which languages.
struct Export {
    doc: Document,
    number: u32,
    langs: Vec<Lang>,
}

impl Export {
    fn version(&self) -> &Version {
        // Checked in `export`.
        &self.doc.versions[self.number as usize - 1]
    }

    /// The title in the first language shown that has one, else English,
    /// else any.
    fn title(&self) -> (&Lang, &str) {
        let en = Lang::parse("en");
        self.langs
            .iter()
            .chain(en.iter())
            .find_map(|l| self.doc.title.get_key_value(l))
            .or_else(|| self.doc.title.iter().next())
            .map_or((&self.langs[0], self.doc.id.as_str()), |(l, t)| (l, t.as_str()))
    }

    /// The interface language of the labels: the one language shown when
    /// it is one of the six (any tag of it: `zh-Hans` is Chinese), else
    /// English.
    fn labels(&self) -> Tr {
        match self.langs.as_slice() {
            [one] => Tr::new(Ui::parse(one.as_str().split('-').next().unwrap_or("")).unwrap_or(Ui::En)),
            _ => Tr::new(Ui::En),
        }
    }

    /// The language of the page as a whole: that of its labels (each
    /// text, title and note carries its own).
    fn page_lang(&self) -> Lang {
        let ui = self.labels().ui;
        self.langs
            .iter()
            .find(|l| l.as_str().split('-').next() == Some(ui.code()))
            .cloned()
            .or_else(|| Lang::parse(ui.code()))
            .unwrap_or_else(|| self.langs[0].clone())
    }
}

/// `?lang=xx`: that language (if some article has a text in it); by
/// default every official language of the version (or, should there be
/// none, every language some article has).
async fn export(
    node: AppState,
    p: Result<Path<(String, String)>, PathRejection>,
    q: &Option<String>,
) -> Result<Export, Problem> {
    let (id, n) = path_two(p)?;
    let wanted = match query_param(q, "lang") {
        Some(l) => Some(Lang::parse(&l).ok_or_else(|| {
            bad(format!("lang must be a BCP 47 tag such as \"fr\", \"ar\" or \"zh-Hans\" (got {l:?})"))
        })?),
        None => None,
    };
    let doc = load(node, id).await?;
    let v = version_of(&doc, n)?.current();
    let present: BTreeSet<&Lang> = v.articles.iter().flat_map(|a| a.texts.keys()).collect();
    let langs = match wanted {
        Some(l) if present.contains(&l) => vec![l],
        Some(l) => {
            return Err(Problem::not_found_detail(format!(
                "version {n} of {} has no text in {:?} (it has {})",
                doc.id,
                l.as_str(),
                present.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", ")
            )))
        }
        None => {
            let official = v.official_languages();
            if official.is_empty() {
                present.into_iter().cloned().collect()
            } else {
                official
            }
        }
    };
    if langs.is_empty() {
        return Err(Problem::internal(format!("version {n} of {} has no text", doc.id)));
    }
    Ok(Export { doc, number: n, langs })
}

/// The message naming an article's kind (the portal's own words).
fn kind_message(k: ArticleKind) -> &'static str {
    match k {
        ArticleKind::Preamble => "code-kind-preamble",
        ArticleKind::Purpose => "code-kind-purpose",
        ArticleKind::Pledge => "code-kind-pledge",
        ArticleKind::Other => "code-kind-other",
    }
}

/// "log entry N, <RFC 3339 time>, proposal P" in the labels' language;
/// the time stays RFC 3339, exact for every reader.
fn adopted_line(tr: Tr, v: &Version) -> String {
    let entry = tr.ta("export-log-entry", &[("n", v.adopted_at.0.into())]);
    let how = match &v.proposal {
        Some(p) => tr.ta("export-proposal", &[("id", p.as_str().into())]),
        None => tr.t("code-founding"),
    };
    format!("{entry}, {}, {how}", v.adopted_time.to_rfc3339())
}

/// The editorial notes to show beside `langs`: the note given in each of
/// them, else (none given in any) the one untagged note.
fn notes<'a>(a: &'a Article, langs: &'a [Lang]) -> Vec<(Option<&'a Lang>, &'a str)> {
    let tagged: Vec<(Option<&Lang>, &str)> =
        langs.iter().filter_map(|l| a.notes.get(l).map(|n| (Some(l), n.as_str()))).collect();
    if tagged.is_empty() {
        a.note.iter().map(|n| (None, n.as_str())).collect()
    } else {
        tagged
    }
}

async fn export_md(
    State(node): State<AppState>,
    p: Result<Path<(String, String)>, PathRejection>,
    RawQuery(q): RawQuery,
) -> Result<Response, Problem> {
    let e = export(node, p, &q).await?;
    let body = markdown(&e);
    let name = format!("inline; filename=\"{}-v{}.md\"", e.doc.id, e.number);
    Ok((
        [(header::CONTENT_TYPE, "text/markdown; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)],
        body,
    )
        .into_response())
}

async fn export_html(
    State(node): State<AppState>,
    p: Result<Path<(String, String)>, PathRejection>,
    RawQuery(q): RawQuery,
) -> Result<Response, Problem> {
    let e = export(node, p, &q).await?;
    // A standalone page with its own inline style and nothing else: no
    // script, no outside resource may run or load in it.
    let csp = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";
    Ok(([(axum::http::header::CONTENT_SECURITY_POLICY, csp)], Html(page(&e))).into_response())
}

/// Markdown: headings carry article ids in code spans (ids have no
/// backquote), so every id appears as is; all other text is escaped.
fn markdown(e: &Export) -> String {
    // As it reads now: with the translations and norm links added since.
    let v = &e.version().current();
    let tr = e.labels();
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", md(e.title().1));
    let version = tr.ta("export-version", &[("n", u64::from(v.number).into())]);
    let _ = writeln!(out, "- {} `{}`, {}: {}", md(&tr.t("export-document")), v.document, md(&version), md(&v.label));
    let _ = writeln!(out, "- {} {}", md(&tr.t("export-adopted")), md(&adopted_line(tr, v)));
    let _ = writeln!(out, "- {} {}", md(&tr.t("export-languages")), md(&langs(&e.langs).join(", ")));
    let _ = writeln!(out, "- {} `{}`", md(&tr.t("export-hash")), v.hash());
    for a in &v.articles {
        let _ = writeln!(out, "\n## `{}` ({})\n", a.id, md(&tr.t(kind_message(a.kind))));
        for l in &e.langs {
            match a.texts.get(l) {
                Some(t) if a.unofficial.contains(l) => {
                    let _ = writeln!(out, "**{}:** {} _{}_\n", l.as_str(), md(t), md(&tr.t("export-unofficial")));
                }
                Some(t) => {
                    let _ = writeln!(out, "**{}:** {}\n", l.as_str(), md(t));
                }
                None => {
                    let _ = writeln!(out, "**{}:** _{}_\n", l.as_str(), md(&tr.t("export-no-text")));
                }
            }
        }
        if !a.norms.is_empty() {
            let norms: Vec<String> = a.norms.iter().map(|n| format!("`{n}`")).collect();
            let _ = writeln!(out, "{} {}\n", md(&tr.t("code-norms")), norms.join(", "));
        }
        for (l, n) in notes(a, &e.langs) {
            let tag = l.map_or_else(String::new, |l| format!(" ({})", l.as_str()));
            let _ = writeln!(out, "_{}_{} {}\n", md(&tr.t("code-note")), md(&tag), md(n));
        }
    }
    out
}

/// Escapes text for Markdown (CommonMark): punctuation that could start
/// inline markup is backslash-escaped; a line that could open a block
/// (heading, quote, list, fence, rule, setext underline) has its first
/// character escaped; line breaks become hard breaks.
pub(crate) fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in s.split('\n').enumerate() {
        let line = line.trim_end_matches('\r').trim();
        if i > 0 {
            out.push_str("\\\n");
        }
        // A run of digits then `.` or `)` opens an ordered list.
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        for (j, c) in line.char_indices() {
            let block_start = j == 0 && "#>-+=~|".contains(c);
            let list_number = j == digits && digits > 0 && (c == '.' || c == ')');
            if block_start || list_number || "\\`*_[]<>&|~".contains(c) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// Escapes text for HTML content and attribute values.
pub(crate) fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text with its line breaks kept.
fn html_text(s: &str) -> String {
    html(s).replace("\r\n", "\n").replace('\n', "<br>\n")
}

/// `rtl` for languages written right to left (by primary subtag, or by an
/// Arabic, Hebrew, Syriac, Thaana, N'Ko or Adlam script subtag).
pub(crate) fn dir(l: &Lang) -> &'static str {
    let mut parts = l.as_str().split('-');
    let primary = parts.next().unwrap_or("");
    let rtl_lang = ["ar", "arc", "ckb", "dv", "fa", "he", "ks", "ps", "sd", "ug", "ur", "yi"].contains(&primary);
    let rtl_script = parts.any(|p| ["Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm"].contains(&p));
    if rtl_lang || rtl_script {
        "rtl"
    } else {
        "ltr"
    }
}

fn lang_attrs(l: &Lang) -> String {
    format!("lang=\"{}\" dir=\"{}\"", html(l.as_str()), dir(l))
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;\
line-height:1.5}article{border-top:1px solid #ccc;padding:.5rem 0}.kind{color:#555;font-size:.8em}\
.text{margin:.5rem 0}.text .lang{font-weight:bold;margin-inline-end:.5em}.note,.norms{color:#555;font-size:.9em}\
code{word-break:break-all}";

/// A standalone HTML5 page.
fn page(e: &Export) -> String {
    // As it reads now: with the translations and norm links added since.
    let v = &e.version().current();
    let tr = e.labels();
    let (title_lang, title) = e.title();
    let page_lang = e.page_lang();
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html {}>\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{} — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<header>\n",
        lang_attrs(&page_lang),
        html(title),
        html(&v.label),
    );
    // The title in each language shown that has one.
    let mut titled = false;
    for l in &e.langs {
        if let Some(t) = e.doc.title.get(l) {
            let _ = writeln!(out, "<h1 {}>{}</h1>", lang_attrs(l), html(t));
            titled = true;
        }
    }
    if !titled {
        let _ = writeln!(out, "<h1 {}>{}</h1>", lang_attrs(title_lang), html(title));
    }
    let version = tr.ta("export-version", &[("n", u64::from(v.number).into())]);
    let _ = writeln!(
        out,
        "<p>{} <code>{}</code>, {}: <strong class=\"label\" dir=\"auto\">{}</strong></p>",
        html(&tr.t("export-document")),
        html(&v.document),
        html(&version),
        html(&v.label)
    );
    let _ = writeln!(out, "<p>{} {}</p>", html(&tr.t("export-adopted")), html(&adopted_line(tr, v)));
    let _ =
        writeln!(out, "<p>{} {}</p>\n</header>", html(&tr.t("export-languages")), html(&langs(&e.langs).join(", ")));
    for a in &v.articles {
        article(&mut out, tr, a, &e.langs);
    }
    let _ = write!(
        out,
        "<footer>\n<p>{} <code class=\"hash\">{}</code></p>\n</footer>\n</main>\n</body>\n</html>\n",
        html(&tr.t("export-hash")),
        v.hash()
    );
    out
}

fn article(out: &mut String, tr: Tr, a: &Article, langs: &[Lang]) {
    let id = html(&a.id);
    let _ = writeln!(
        out,
        "<article id=\"{id}\">\n<h2><a href=\"#{id}\">{id}</a> <span class=\"kind\">{}</span></h2>",
        html(&tr.t(kind_message(a.kind)))
    );
    for l in langs {
        match a.texts.get(l) {
            Some(t) => {
                let unofficial = if a.unofficial.contains(l) {
                    format!(" <em class=\"unofficial\">{}</em>", html(&tr.t("export-unofficial")))
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "<div class=\"text\" {}><span class=\"lang\">{}</span> {}</div>{unofficial}",
                    lang_attrs(l),
                    html(l.as_str()),
                    html_text(t)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "<div class=\"text missing\"><span class=\"lang\">{}</span> <em>{}</em></div>",
                    html(l.as_str()),
                    html(&tr.t("export-no-text"))
                );
            }
        }
    }
    if !a.norms.is_empty() {
        let norms: Vec<String> = a.norms.iter().map(|n| format!("<code>{}</code>", html(n))).collect();
        let _ = writeln!(out, "<p class=\"norms\">{} {}</p>", html(&tr.t("code-norms")), norms.join(", "));
    }
    for (l, n) in notes(a, langs) {
        let attrs = l.map_or_else(|| "dir=\"auto\"".to_string(), lang_attrs);
        let _ =
            writeln!(out, "<p class=\"note\">{} <span {attrs}>{}</span></p>", html(&tr.t("code-note")), html_text(n));
    }
    out.push_str("</article>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(html(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(html("لا تستخدم 不利用"), "لا تستخدم 不利用");
    }

    #[test]
    fn markdown_escapes_inline_and_block_markup() {
        assert_eq!(md("a *b* _c_ [d](e) <f> `g` &amp;"), r"a \*b\* \_c\_ \[d\](e) \<f\> \`g\` \&amp;");
        assert_eq!(md("# not a heading"), r"\# not a heading");
        assert_eq!(
            md("1. not a list\n- nor this\n> nor a quote"),
            "1\\. not a list\\\n\\- nor this\\\n\\> nor a quote"
        );
        assert_eq!(md("===\n2024) x"), "\\===\\\n2024\\) x");
        assert_eq!(md("plain 12.5 text"), "plain 12.5 text");
        assert_eq!(md("不利用信息通信技术"), "不利用信息通信技术");
    }

    #[test]
    fn arabic_and_hebrew_are_right_to_left() {
        for (l, d) in
            [("ar", "rtl"), ("he", "rtl"), ("az-Arab", "rtl"), ("en", "ltr"), ("zh-Hans", "ltr"), ("fr", "ltr")]
        {
            assert_eq!(dir(&Lang::parse(l).unwrap()), d, "{l}");
        }
    }

    #[test]
    fn versions_are_positive_integers() {
        assert_eq!(parse_version("v", "1").unwrap(), 1);
        assert_eq!(parse_version("v", "4294967295").unwrap(), u32::MAX);
        for bad in ["0", "", "-1", "1.0", "x", "4294967296", "+1", "99999999999"] {
            let p = parse_version("v", bad).unwrap_err();
            assert_eq!((p.status, p.code.as_str()), (400, "bad-parameter"), "{bad}");
        }
    }
}
