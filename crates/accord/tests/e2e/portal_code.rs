//! The portal: code pages, over HTTP against the real binary.
//!
//! `accord demo` founds ICCIS version 1 from the 2011 text and adopts the
//! 2015 revision as version 2 by a recorded vote; CHN, RUS, UZB, KEN and
//! BRA subscribe to version 2 and TJK to version 1. Every check compares
//! the pages with what the JSON API says of the same documents.

use crate::common::Server;
use serde_json::Value;

/// Runs `accord demo` on a free port, as a newcomer would.
fn demo() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::demo(&dir.path().join("accord-demo"));
    (dir, server)
}

/// An HTML page: its status and text (checked to be HTML).
fn page(server: &Server, path: &str) -> (u16, String) {
    let r = server.get(path);
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(ct.starts_with("text/html"), "{path}: content-type {ct:?}");
    let body = r.text().unwrap();
    assert!(body.starts_with("<!DOCTYPE html>"), "{path}: {body:.200}");
    (status, body)
}

fn ok_page(server: &Server, path: &str) -> String {
    let (status, body) = page(server, path);
    assert_eq!(status, 200, "{path}: {body}");
    body
}

fn json(server: &Server, path: &str) -> Value {
    server.get(path).json().unwrap()
}

/// Text content as written in HTML, back to the text.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// The part of `html` from `start` up to the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = html.find(start)? + start.len();
    let j = html[i..].find(end)?;
    Some(&html[i..i + j])
}

/// The HTML of one article of a version page.
fn article_html<'a>(html: &'a str, id: &str) -> &'a str {
    between(html, &format!("<article class=\"code-article\" id=\"{id}\">"), "</article>")
        .unwrap_or_else(|| panic!("article {id} not on the page"))
}

/// The first text shown in `lang` inside `html`, unescaped.
fn text_in(html: &str, lang: &str, dir: &str) -> Option<String> {
    between(html, &format!("<div class=\"code-text\" lang=\"{lang}\" dir=\"{dir}\">"), "</div>").map(unescape)
}

/// A diff column's text with its `<del>`/`<ins>` marks and hidden words
/// taken out.
fn plain(column: &str) -> String {
    let mut out = String::new();
    let mut rest = column;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tag_end = rest[i..].find('>').unwrap() + i + 1;
        if rest[i..].starts_with("<span class=\"visually-hidden\"") {
            rest = &rest[rest[i..].find("</span>").unwrap() + i + "</span>".len()..];
        } else {
            rest = &rest[tag_end..];
        }
    }
    out.push_str(rest);
    unescape(&out)
}

fn dir_of(lang: &str) -> &'static str {
    if lang == "ar" {
        "rtl"
    } else {
        "ltr"
    }
}

#[test]
fn the_code_pages_show_documents_versions_texts_and_diffs() {
    let (_dir, server) = demo();
    let doc = json(&server, "/api/v1/documents/ICCIS");
    let versions = doc["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{doc}");

    // /code: the document, its title marked with its language, how many
    // versions, the latest one.
    let list = ok_page(&server, "/code");
    assert!(list.contains(r#"<html lang="en" dir="ltr">"#), "{list}");
    let title_en = doc["title"]["en"].as_str().unwrap();
    assert!(
        list.contains(&format!(r#"<a href="/code/ICCIS"><span lang="en" dir="ltr">{title_en}</span></a>"#)),
        "{list}"
    );
    assert!(list.contains(r#"<td data-label="Versions">2</td>"#), "{list}");
    assert!(list.contains(r#"<a href="/code/ICCIS/versions/2">Version 2: <bdi>Rev.1</bdi></a>"#), "{list}");

    // /code/ICCIS: every version with its adoption, decision, official
    // languages (by name, each marked) and hash; exports; the compare form.
    let d = ok_page(&server, "/code/ICCIS");
    for v in versions {
        let n = v["number"].as_u64().unwrap();
        let row = between(&d, &format!(r#"<a href="/code/ICCIS/versions/{n}">Version {n}</a>"#), "</tr>")
            .unwrap_or_else(|| panic!("no row for version {n}: {d}"));
        assert!(row.contains(&format!(r#"href="/entries/{}""#, v["adopted_at"])), "{row}");
        assert!(row.contains(v["hash"].as_str().unwrap()), "{row}");
        assert!(
            row.contains(&format!(r#"<td data-label="Label"><bdi>{}</bdi></td>"#, v["label"].as_str().unwrap())),
            "{row}"
        );
        match v["proposal"].as_str() {
            Some(p) => assert!(row.contains(&format!(r#"href="/proposals/{p}""#)), "{row}"),
            None => assert!(row.contains("founding text"), "{row}"),
        }
        let official = between(row, r#"<td class="official" data-label="Official languages">"#, "</td>").unwrap();
        let shown: Vec<&str> = official.split("<span lang=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
        let api: Vec<&str> = v["official_languages"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
        assert_eq!(shown, api, "version {n}: {official}");
        assert!(official.contains(r#"<span lang="en" dir="ltr">English</span>"#), "{official}");
        assert!(official.contains(r#"<span lang="fr" dir="ltr">Français</span>"#), "{official}");
        for ext in ["md", "html"] {
            let href = format!("/api/v1/documents/ICCIS/versions/{n}/export.{ext}");
            assert!(row.contains(&href), "{row}");
            assert_eq!(server.get(&href).status().as_u16(), 200, "{href}");
        }
    }
    assert!(d.contains(r#"<a href="/code/ICCIS/versions/2">Read the current text (version 2)</a>"#), "{d}");
    assert!(d.contains(r#"<form class="inline" method="get" action="/code/ICCIS/diff">"#), "{d}");
    for (id, name) in [("compare-from", "from"), ("compare-to", "to")] {
        assert!(d.contains(&format!(r#"<label for="{id}">"#)), "{d}");
        assert!(d.contains(&format!(r#"<select id="{id}" name="{name}">"#)), "{d}");
    }
    // Who subscribes to which version, since which entry.
    let subs = json(&server, "/api/v1/documents/ICCIS/subscriptions");
    let subs = subs["subscriptions"].as_array().unwrap();
    assert_eq!(subs.len(), 6, "{subs:?}");
    for s in subs {
        let m = s["member"].as_str().unwrap();
        let row = between(&d, &format!(r#"<a href="/members/{m}"><code>{m}</code></a>"#), "</tr>")
            .unwrap_or_else(|| panic!("no subscription row for {m}: {d}"));
        let v = s["version"].as_u64().unwrap();
        assert!(row.contains(&format!(r#"<a href="/code/ICCIS/versions/{v}">Version {v}</a>"#)), "{row}");
        assert!(row.contains(&format!(r#"href="/entries/{}""#, s["index"])), "{row}");
        assert_eq!(v, if m == "TJK" { 1 } else { 2 }, "{m}");
    }

    // The text of version 1 in Chinese, then in Arabic: each text marked
    // with its language and direction, byte for byte the API's; articles
    // without that language say so and show English, marked as such.
    let v1 = json(&server, "/api/v1/documents/ICCIS/versions/1");
    for lang in ["zh", "ar"] {
        let t = ok_page(&server, &format!("/code/ICCIS/versions/1?text={lang}"));
        assert!(t.contains(r#"<html lang="en" dir="ltr">"#));
        assert!(t.contains(r#"<label for="text-lang">"#), "{t}");
        assert!(t.contains(&format!(r#"<option value="{lang}" lang="{lang}" selected>"#)), "{t}");
        let mut in_lang = 0;
        for a in v1["articles"].as_array().unwrap() {
            let id = a["id"].as_str().unwrap();
            let html = article_html(&t, id);
            assert!(html.contains(&format!("<code>{id}</code>")), "{html}");
            match a["texts"][lang].as_str() {
                Some(text) => {
                    in_lang += 1;
                    assert_eq!(text_in(html, lang, dir_of(lang)).as_deref(), Some(text), "{id} [{lang}]: {html}");
                    assert!(!html.contains("hint missing"), "{html}");
                }
                None => {
                    assert!(html.contains(r#"<p class="hint missing">"#), "{html}");
                    assert!(html.contains(r#"<span lang="en" dir="ltr">English</span>"#), "{html}");
                    let en = a["texts"]["en"].as_str().unwrap();
                    assert_eq!(text_in(html, "en", "ltr").as_deref(), Some(en), "{id}: {html}");
                }
            }
            for n in a["norms"].as_array().unwrap() {
                assert!(html.contains(&format!("<code>{}</code>", n.as_str().unwrap())), "{html}");
            }
            if let Some(note) = a["note"].as_str() {
                let shown = between(html, r#"<div class="code-note" role="note">"#, "</div>").unwrap();
                assert!(shown.contains("Editorial note:"), "{shown}");
                assert!(unescape(shown).contains(note), "{shown}");
            }
        }
        assert!(in_lang >= 3, "version 1 has pledges (a)–(c) in {lang}");
        // The version's facts and its one subscriber.
        assert!(t.contains(v1["hash"].as_str().unwrap()));
        let subscribers = between(&t, r#"<h2 id="subs-h">"#, "</section>").unwrap();
        assert!(subscribers.contains(r#"href="/members/TJK""#), "{subscribers}");
        assert!(!subscribers.contains(r#"href="/members/CHN""#), "{subscribers}");
    }
    // No `?text=`: the interface's language where the article has it.
    let fr = ok_page(&server, "/code/ICCIS/versions/2?lang=fr");
    assert!(fr.contains(r#"<html lang="fr" dir="ltr">"#));
    assert!(fr.contains(r#"<option value="fr" lang="fr" selected>Français</option>"#), "{fr}");
    assert!(!fr.contains("hint missing"), "version 2 is entirely in French");

    // The diff 1 → 2: which articles changed is the API's (the core's one
    // diff); each changed wording side by side, whose columns put back
    // together are the two texts.
    let api = json(&server, "/api/v1/documents/ICCIS/diff?from=1&to=2");
    // One language at a time: by default the reader's.
    let diff = ok_page(&server, "/code/ICCIS/diff?from=1&to=2");
    assert!(diff.contains("<del>") && diff.contains("<ins>"), "{diff}");
    assert!(diff.contains(r#"<span class="visually-hidden" lang="en" dir="ltr">deleted: </span>"#), "{diff}");
    assert!(diff.contains(r#"<span class="visually-hidden" lang="en" dir="ltr">inserted: </span>"#), "{diff}");
    assert!(diff.contains(r#"aria-current="true" lang="en""#), "English is the language compared: {diff}");
    assert!(!diff.contains(r#"<code>fr</code></h3>"#), "only English is compared: {diff}");
    let mut pages: std::collections::BTreeMap<String, String> = Default::default();
    let mut unchanged_en = 0;
    let mut columns = 0;
    for a in api["articles"].as_array().unwrap() {
        let (id, change) = (a["id"].as_str().unwrap(), a["change"].as_str().unwrap());
        let texts = a["texts"].as_object().unwrap();
        let real = |lang: &str| texts.get(lang).is_some_and(|t| t["from"].is_string() && t["to"].is_string());
        if change == "unchanged" || (change == "changed" && !real("en") && a.get("norms").is_none()) {
            unchanged_en += 1;
        }
        if change == "unchanged" {
            continue;
        }
        for (lang, t) in texts {
            let page = pages
                .entry(lang.clone())
                .or_insert_with(|| ok_page(&server, &format!("/code/ICCIS/diff?from=1&to=2&text={lang}")));
            let head = format!(r#"<code>{id}</code> <span class="status change-{change}">"#);
            let Some(section) = between(page, &head, "</section>") else {
                assert!(change == "changed" && !real(lang), "{id} ({change}) not shown in {lang}");
                continue;
            };
            let head = format!(r#"<code>{lang}</code></h3>"#);
            let start = section.find(&head).unwrap_or_else(|| panic!("{id}: no {lang} change: {section}")) + head.len();
            let part = &section[start..];
            let part = &part[..part.find("<h3>").unwrap_or(part.len())];
            let open = format!(r#"<div class="code-text" lang="{lang}" dir="{}">"#, dir_of(lang));
            let before = between(part, r#"<div class="before">"#, r#"<div class="after">"#).unwrap();
            let after = &part[part.find(r#"<div class="after">"#).unwrap()..];
            for (side, want) in [(before, &t["from"]), (after, &t["to"])] {
                match want.as_str() {
                    Some(text) => {
                        let inner = between(side, &open, "</div>").unwrap_or_else(|| panic!("{id} [{lang}]: {side}"));
                        assert_eq!(plain(inner), text, "{id} [{lang}]");
                        columns += 1;
                    }
                    None => assert!(!side.contains(&open), "{id} [{lang}]: {side}"),
                }
            }
            if !real(lang) {
                // A text one version lacks is missing, never a deletion.
                assert!(!part.contains("<del>") && !part.contains("<ins>"), "{id} [{lang}]: {part}");
            }
        }
    }
    assert!(columns > 4, "{columns} columns compared");
    assert!(diff.contains(&format!("<summary>Unchanged articles: {unchanged_en}</summary>")), "{diff}");
    let zh = ok_page(&server, "/code/ICCIS/diff?from=1&to=2&lang=zh");
    assert!(zh.contains(r#"aria-current="true" lang="zh""#), "the reader's language by default: {zh}");

    // Arabic interface: right to left, the title in Arabic.
    for path in [
        "/code?lang=ar",
        "/code/ICCIS?lang=ar",
        "/code/ICCIS/versions/2?lang=ar",
        "/code/ICCIS/diff?from=1&to=2&lang=ar",
    ] {
        let ar = ok_page(&server, path);
        assert!(ar.contains(r#"<html lang="ar" dir="rtl">"#), "{path}");
        let title = doc["title"]["ar"].as_str().unwrap();
        assert!(ar.contains(&format!(r#"<span lang="ar" dir="rtl">{title}</span>"#)), "{path}");
    }

    // Bad input: a page that says what is wrong, never a 500.
    for (path, status) in [
        ("/code/iccis", 400),
        ("/code/NO-SUCH", 404),
        ("/code/ICCIS/versions/0", 400),
        ("/code/ICCIS/versions/two", 400),
        ("/code/ICCIS/versions/99999999999", 400),
        ("/code/ICCIS/versions/3", 404),
        ("/code/NO-SUCH/versions/1", 404),
        ("/code/ICCIS/versions/1?text=not%20a%20tag", 400),
        ("/code/ICCIS/versions/1?text=de", 404),
        ("/code/ICCIS/diff", 400),
        ("/code/ICCIS/diff?from=1", 400),
        ("/code/ICCIS/diff?from=one&to=2", 400),
        ("/code/ICCIS/diff?from=1&to=9", 404),
        ("/code/NO-SUCH/diff?from=1&to=2", 404),
    ] {
        let (got, body) = page(&server, path);
        assert_eq!(got, status, "{path}: {body}");
        assert!(body.contains(r#"<p role="alert">"#), "{path}: {body}");
    }
    let (_, de) = page(&server, "/code/ICCIS/versions/1?text=de");
    assert!(de.contains("It has texts in: ar, en, es, fr, ru, zh."), "{de}");
}
