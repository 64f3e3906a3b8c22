//! No English outside user content: every page of `accord demo` (crawled
//! from the home page, plus error pages and a signed-in desk) is rendered
//! in Arabic, Chinese, French, Russian and Spanish, and the interface text
//! of each is checked for English left in it.
//!
//! User content is what the portal marks as such, and nothing else:
//! - an element whose `lang` is another language (a text, a name, a
//!   reason recorded in English, a language's own name in the switcher);
//! - an element with `dir="auto"` (text of no declared language: a
//!   proposal's title and text, an explanation, a version's label);
//! - `bdi` (a name or title isolated from the text around it);
//! - `code`, `pre`, `kbd`, `samp` (identifiers, hashes, JSON, commands).
//!
//! Three detectors on what is left:
//! - a phrase of the English catalogue (two words or more) that no
//!   message of the page's language contains: an untranslated message;
//! - in Arabic, Chinese and Russian, a word in Latin letters that is not
//!   a name of a standard, a format or the product: English typed in code;
//! - in French and Spanish, English function words ("the", "with", …).
//!
//! Not here: whether the translations are good (people check that), and
//! layout (the browser tests).

use crate::common::*;
use accord_core::KeyFile;
use scraper::{ElementRef, Html, Node};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

pub(crate) const LANGS: [&str; 5] = ["ar", "zh", "fr", "ru", "es"];
/// Crawled pages at most (the demo has about 60; a runaway link stops here).
const MAX_PAGES: usize = 200;

/// Latin words allowed on a page in Arabic, Chinese or Russian: names of
/// standards, formats, algorithms and the product itself, none of which
/// is translated in UN documents either.
const LATIN_ALLOWED: &[&str] = &[
    "Accord",
    "UTC",
    "GMT",
    "JSON",
    "API",
    "SHA",
    "RFC",
    "HTML",
    "Markdown",
    "CSV",
    "TLS",
    "HTTPS",
    "HTTP",
    "URL",
    "Ed25519",
    "WebCrypto",
    "JavaScript",
    "PEM",
    "ICCIS",
    "C2SP",
    "tlog",
    "JCS",
];

/// English words that no French or Spanish sentence contains.
const ENGLISH_WORDS: &[&str] = &[
    "the", "and", "with", "which", "this", "that", "from", "has", "have", "was", "were", "been", "will", "would",
    "should", "could", "of", "to", "by", "is", "are", "for", "not", "yet", "your", "its", "into", "when", "there",
];

/// The message literals of one language: every line's text outside
/// `{ … }` placeables, selector keys and comments.
fn catalogue(lang: &str) -> Vec<String> {
    let dir = repo_root().join("crates/accord-portal/locales").join(lang);
    let mut out = Vec::new();
    for f in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        for line in text.lines() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            let value = match line.split_once(" = ") {
                Some((id, v)) if !id.starts_with(' ') => v,
                _ => line,
            };
            // A variant line: `[one] …` or `*[other] …`.
            let value = value.trim().trim_start_matches('*');
            let value = match value.strip_prefix('[') {
                Some(rest) => rest.split_once(']').map_or("", |(_, v)| v),
                None => value,
            };
            let mut literal = String::new();
            let mut depth = 0;
            for c in value.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        literal.push('\u{1}');
                    }
                    '}' => depth -= 1,
                    c if depth == 0 => literal.push(c),
                    _ => {}
                }
            }
            out.extend(literal.split('\u{1}').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()));
        }
    }
    out
}

/// English phrases (two words or more, a letter at each end) that no
/// message of `lang` contains.
pub(crate) fn english_phrases(lang: &str) -> Vec<String> {
    let theirs = catalogue(lang);
    let mut phrases: Vec<String> = catalogue("en")
        .into_iter()
        .map(|p| p.trim_matches(|c: char| !c.is_alphabetic()).to_string())
        .filter(|p| p.split_whitespace().count() >= 2 && p.len() >= 8)
        .filter(|p| !theirs.iter().any(|t| t.contains(p.as_str())))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
    phrases
}

/// The interface text of a page: every text node outside user content
/// (see the module's header), one line per node.
pub(crate) fn interface_text(html: &str, lang: &str) -> String {
    let doc = Html::parse_document(html);
    let mut out = String::new();
    if let Some(body) = doc.root_element().children().filter_map(ElementRef::wrap).find(|e| e.value().name() == "body")
    {
        walk(body, lang, &mut out);
    }
    // Not the `title`: it cannot mark user content, and says what the
    // page's `h1` and the frame say, both checked.
    out
}

fn walk(e: ElementRef<'_>, lang: &str, out: &mut String) {
    let v = e.value();
    if ["script", "style", "code", "pre", "kbd", "samp", "bdi", "template"].contains(&v.name()) {
        return;
    }
    if v.attr("dir") == Some("auto") || v.attr("lang").is_some_and(|l| l.split('-').next() != Some(lang)) {
        return;
    }
    for child in e.children() {
        match child.value() {
            Node::Text(t) => {
                let t = t.trim();
                if !t.is_empty() {
                    out.push_str(t);
                    out.push('\n');
                }
            }
            Node::Element(_) => walk(ElementRef::wrap(child).unwrap(), lang, out),
            _ => {}
        }
    }
    // What a screen reader says of a control or an image is interface too.
    for attr in ["aria-label", "title", "alt", "placeholder"] {
        if let Some(a) = v.attr(attr) {
            out.push_str(a);
            out.push('\n');
        }
    }
}

/// What is English in `text`, a page in `lang`: each finding named.
pub(crate) fn findings(text: &str, lang: &str, phrases: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let lower = text.to_lowercase();
    for p in phrases {
        let needle = p.to_lowercase();
        if let Some(at) = lower.find(&needle) {
            found.push(format!("untranslated message {p:?} in {:?}", around(text, at)));
        }
    }
    for line in text.lines() {
        let words = line.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty());
        for w in words {
            let latin = w.chars().all(|c| c.is_ascii_alphabetic());
            let english = match lang {
                "ar" | "zh" | "ru" => latin && w.len() >= 2 && !LATIN_ALLOWED.contains(&w),
                _ => ENGLISH_WORDS.contains(&w),
            };
            if english {
                found.push(format!("English word {w:?} in {line:?}"));
            }
        }
    }
    found
}

fn around(text: &str, at: usize) -> String {
    let start = text[..at].char_indices().rev().nth(40).map_or(0, |(i, _)| i);
    text[start..].chars().take(120).collect()
}

pub(crate) fn with_lang(path: &str, lang: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}lang={lang}")
}

/// The portal's own pages linked from `html`, without their `lang`.
fn links(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let a = scraper::Selector::parse("a[href]").unwrap();
    doc.select(&a)
        .filter_map(|e| e.value().attr("href"))
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .filter(|h| !h.starts_with("/api/") && !h.starts_with("/assets/") && !h.starts_with("/log/"))
        .map(|h| {
            let h = h.split('#').next().unwrap_or(h);
            let (path, query) = h.split_once('?').unwrap_or((h, ""));
            let kept: Vec<&str> = query.split('&').filter(|kv| !kv.is_empty() && !kv.starts_with("lang=")).collect();
            if kept.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{}", kept.join("&"))
            }
        })
        .collect()
}

/// Entries: the first few and one more are enough (each is the same page).
fn worth_crawling(path: &str, seen: &mut std::collections::BTreeMap<&'static str, usize>) -> bool {
    // The zone file is not a page.
    if path == "/registry/root.zone" {
        return false;
    }
    // A few of each kind of page that exists by the thousand: entries, TLDs
    // (the one the demo's members delegated by vote always).
    for kind in ["/entries/", "/registry/"] {
        if path.starts_with(kind) && path != "/registry/accord" {
            let n = seen.entry(kind).or_default();
            *n += 1;
            return *n <= 4;
        }
    }
    true
}

pub(crate) fn get(http: &reqwest::blocking::Client, url: &str, cookie: Option<&str>) -> (u16, String) {
    // As a browser navigating asks.
    let mut req = http.get(url).header("accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let r = req.send().unwrap();
    (r.status().as_u16(), r.text().unwrap())
}

/// A desk session for the demo member `id` (challenge signed as desk.js does).
fn desk_cookie(server: &Server, demo: &Path, id: &str) -> String {
    let key =
        KeyFile::parse(&std::fs::read_to_string(demo.join("demo-keys").join(format!("{id}.key"))).unwrap()).unwrap();
    let http = client();
    let v: Value = http.post(format!("{}/desk/challenge", server.url)).send().unwrap().json().unwrap();
    let note = key.signer.sign_note(v["text"].as_str().unwrap()).unwrap().to_text();
    let r = http
        .post(format!("{}/desk/session", server.url))
        .header("content-type", "text/plain")
        .body(note)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string()
}

#[test]
fn every_page_in_every_language_has_no_english_outside_user_content() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("accord-demo");
    let server = Server::demo(&demo);
    let http = client();

    // Crawl in English from the home page.
    let mut pages: Vec<String> = Vec::new();
    let mut queue: VecDeque<String> = VecDeque::from(["/".to_string()]);
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    let mut entries = std::collections::BTreeMap::new();
    while let Some(path) = queue.pop_front() {
        let (status, html) = get(&http, &format!("{}{}", server.url, with_lang(&path, "en")), None);
        assert_eq!(status, 200, "{path}: {html}");
        pages.push(path);
        for l in links(&html) {
            if seen.len() < MAX_PAGES && worth_crawling(&l, &mut entries) && seen.insert(l.clone()) {
                queue.push_back(l);
            }
        }
    }
    for must in ["/", "/proposals", "/members", "/code", "/registry", "/log", "/desk", "/code/ICCIS/diff?from=1&to=2"] {
        assert!(pages.iter().any(|p| p == must), "the crawl reached {must}: {pages:?}");
    }
    assert!(pages.iter().any(|p| p.starts_with("/proposals/")), "{pages:?}");
    assert!(pages.iter().any(|p| p.starts_with("/members/")), "{pages:?}");
    assert!(pages.iter().any(|p| p.starts_with("/entries/")), "{pages:?}");

    // What forms reach rather than links: every filter, every text language.
    for status in ["all", "open", "decided", "voting", "adopted", "rejected", "failed-quorum", "withdrawn", "moot"] {
        pages.push(format!("/proposals?status={status}"));
    }
    for text in ["ar", "zh", "en", "fr", "ru", "es"] {
        pages.push(format!("/code/ICCIS/versions/1?text={text}"));
    }

    // Refusals are pages too.
    let errors = [
        ("/proposals/no-such-proposal", 404),
        ("/members/ZZZ", 404),
        ("/code/NOPE", 404),
        ("/registry/nonexistent-tld", 404),
        ("/entries/99999999", 404),
        ("/proposals?status=bogus", 400),
        ("/proposals?page=abc", 400),
        ("/code/ICCIS/diff?from=1&to=9", 404),
        ("/no/such/page", 404),
    ];
    // A program asking for an unknown path, and anyone under /api/, gets a problem.
    for (path, accept) in [("/no/such/page", "application/json"), ("/api/v1/nope", "text/html")] {
        let r = http.get(format!("{}{path}", server.url)).header("accept", accept).send().unwrap();
        assert_problem(r, 404, "not-found");
    }
    let cookie = desk_cookie(&server, &demo, "FRA");

    let mut report: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut checked = 0;
    for lang in LANGS {
        let phrases = english_phrases(lang);
        let mut visit = |path: &str, want: u16, cookie: Option<&str>| {
            let (status, html) = get(&http, &format!("{}{}", server.url, with_lang(path, lang)), cookie);
            assert_eq!(status, want, "{path} in {lang}: {html}");
            assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{path} in {lang} is a page in {lang}");
            let found = findings(&interface_text(&html, lang), lang, &phrases);
            if !found.is_empty() {
                report.insert(format!("{lang} {path}{}", if cookie.is_some() { " (signed in)" } else { "" }), found);
            }
            checked += 1;
        };
        for p in &pages {
            visit(p, 200, None);
        }
        for (p, status) in errors {
            visit(p, status, None);
        }
        visit("/desk", 200, Some(&cookie));
    }
    assert!(checked >= 5 * 20, "{checked} pages checked");
    let mut shown = String::new();
    for (page, found) in &report {
        shown.push_str(&format!("\n{page}:\n"));
        for f in found.iter().take(12) {
            shown.push_str(&format!("  {f}\n"));
        }
    }
    assert!(report.is_empty(), "English left in {} of {checked} pages:{shown}", report.len());
}

/// What is English in the interface text of `html`, a page in `lang`
/// (each finding named): the crawl's three detectors, for the pages that
/// other modules reach (the demo does not have them all).
pub(crate) fn english_in(html: &str, lang: &str) -> Vec<String> {
    findings(&interface_text(html, lang), lang, &english_phrases(lang))
}

/// The detectors themselves: they find what they must and pass user content.
#[test]
fn the_english_detectors_find_english_and_pass_user_content() {
    let page = |body: &str| {
        format!("<!doctype html><html lang=\"zh\"><head><title>提案</title></head><body>{body}</body></html>")
    };
    let phrases = english_phrases("zh");
    let clean = page(
        "<p>提案 <span dir=\"auto\">A fund for the poor</span> <code>ICCIS-2011/b</code> \
         <span lang=\"en\">not applied: quorum</span> <option lang=\"fr\">Français</option> UTC</p>",
    );
    assert_eq!(findings(&interface_text(&clean, "zh"), "zh", &phrases), Vec::<String>::new());
    let leaked = page("<p>提案 Members vote</p><button aria-label=\"Close\">×</button>");
    let found = findings(&interface_text(&leaked, "zh"), "zh", &phrases);
    assert!(
        found.iter().any(|f| f.contains("\"Members\"")) && found.iter().any(|f| f.contains("\"Close\"")),
        "{found:?}"
    );
    // A whole message left in English is named as one.
    let en = catalogue("en");
    let msg = en.iter().find(|m| m.split_whitespace().count() >= 4).unwrap();
    let fr = format!("<!doctype html><html lang=\"fr\"><body><p>{msg}</p></body></html>");
    let found = findings(&interface_text(&fr, "fr"), "fr", &english_phrases("fr"));
    assert!(found.iter().any(|f| f.starts_with("untranslated message")), "{msg:?}: {found:?}");
}
