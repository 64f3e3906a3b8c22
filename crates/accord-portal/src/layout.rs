//! The frame every page shares: `<html lang dir>`, the skip link, the site
//! header with the main navigation and the language switcher, `<main>`,
//! and the footer with the log's checkpoint. Also the page-level error.

use crate::assets;
use crate::ctx::{Ctx, LANG_COOKIE};
use crate::i18n::{Arg, Tr, Ui};
use crate::AppState;
use accord_node::{Answer, Node};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, SET_COOKIE, VARY};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// Where a page sits in the main navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nav {
    Home,
    Members,
    Proposals,
    Code,
    Registry,
    Log,
    Desk,
    None,
}

const NAV: [(Nav, &str, &str); 7] = [
    (Nav::Home, "/", "nav-home"),
    (Nav::Members, "/members", "nav-members"),
    (Nav::Proposals, "/proposals", "nav-proposals"),
    (Nav::Code, "/code", "nav-code"),
    (Nav::Registry, "/registry", "nav-registry"),
    (Nav::Log, "/log", "nav-log"),
    (Nav::Desk, "/desk", "nav-desk"),
];

/// What the frame shows of the body: its name and the log's checkpoint.
#[derive(Clone, Debug, Default)]
pub struct Shell {
    pub name: String,
    /// The body's name by language, as founded.
    pub names: std::collections::BTreeMap<String, String>,
    pub size: u64,
    /// The checkpoint's root hash, base64.
    pub root: String,
}

impl Shell {
    /// Reads the frame's facts (blocking: call inside [`load`]).
    pub fn read(node: &Node) -> Result<Shell, PageError> {
        let name = node.reads().body_fact("name").map_err(PageError::storage)?.unwrap_or_else(|| "Accord".into());
        // A body founded before names existed has none: an empty set.
        let names = node
            .reads()
            .body_fact("names")
            .map_err(PageError::storage)?
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default();
        let (size, root) = node.checkpoint().map_or((0, String::new()), |c| (c.size, c.root.to_base64()));
        Ok(Shell { name, names, size, root })
    }

    /// The body's name in `ui`, or its one name.
    pub fn name_in(&self, ui: crate::i18n::Ui) -> &str {
        self.names.get(ui.code()).map_or(self.name.as_str(), String::as_str)
    }
}

/// A page's content.
pub struct Page {
    pub title: String,
    pub nav: Nav,
    pub body: Markup,
    /// Scripts from [`assets`], loaded at the end of `<body>` with `defer`.
    pub scripts: Vec<&'static str>,
    /// A page for one signed-in person: not to be stored by any cache.
    pub private: bool,
}

impl Page {
    pub fn new(title: impl Into<String>, nav: Nav, body: Markup) -> Page {
        Page { title: title.into(), nav, body, scripts: Vec::new(), private: false }
    }

    pub fn private(mut self) -> Page {
        self.private = true;
        self
    }

    pub fn script(mut self, name: &'static str) -> Page {
        self.scripts.push(name);
        self
    }
}

/// A page that cannot be shown: its status and what went wrong, in words
/// (already in the request's language, or a message id via [`PageError::msg`]).
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    /// A message id of the common area, or text.
    pub message: String,
    pub is_id: bool,
}

impl PageError {
    /// A page of `a`'s status (the one mapping, `accord_node::Answer`).
    fn answer(a: Answer, message: &str) -> PageError {
        let status = StatusCode::from_u16(a.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        PageError { status, message: message.into(), is_id: true }
    }

    pub fn not_found() -> PageError {
        PageError::answer(Answer::NOT_FOUND, "error-not-found")
    }

    pub fn bad_request(text: impl Into<String>) -> PageError {
        PageError { status: StatusCode::BAD_REQUEST, message: text.into(), is_id: false }
    }

    /// A message id (shown translated).
    pub fn msg(status: StatusCode, id: &str) -> PageError {
        PageError { status, message: id.into(), is_id: true }
    }

    /// A read that failed: worth a retry (the reader is told so).
    pub fn storage(e: impl std::fmt::Display) -> PageError {
        tracing::error!(error = %e, "portal: storage read failed");
        PageError::answer(Answer::UNAVAILABLE, "error-unavailable")
    }
}

impl From<accord_node::NodeError> for PageError {
    fn from(e: accord_node::NodeError) -> PageError {
        tracing::error!(error = %e, "portal: a read failed");
        match Answer::failed(&e) {
            Answer::NOT_FOUND => PageError::not_found(),
            a => PageError::answer(a, "error-unavailable"),
        }
    }
}

/// Runs `f` (store reads) off the async workers, with the frame's facts.
pub async fn load<T: Send + 'static>(
    node: &AppState,
    f: impl FnOnce(&Node) -> Result<T, PageError> + Send + 'static,
) -> Result<(Shell, T), PageError> {
    let node = node.clone();
    tokio::task::spawn_blocking(move || Ok((Shell::read(&node)?, f(&node)?)))
        .await
        .unwrap_or_else(|e| Err(PageError::storage(format!("worker failed: {e}"))))
}

/// The response for a page or its error.
pub fn reply(ctx: &Ctx, r: Result<(Shell, Page), PageError>) -> Response {
    match r {
        Ok((shell, page)) => {
            let mut res = html_response(ctx, StatusCode::OK, frame(ctx, &shell, &page));
            if page.private {
                res.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            }
            res
        }
        Err(e) => {
            let text = prose(&if e.is_id { ctx.t(&e.message) } else { e.message.clone() });
            let title = ctx.t(if e.status == StatusCode::NOT_FOUND { "error-not-found-title" } else { "error-title" });
            let body = html! {
                h1 { (title) }
                p role="alert" { (text) }
                p { a href="/" { (ctx.t("error-go-home")) } }
            };
            let page = Page::new(title.clone(), Nav::None, body);
            html_response(ctx, e.status, frame(ctx, &Shell::default(), &page))
        }
    }
}

/// Interface text whose technical words are marked in its message with
/// backquotes (`` `accord submit` ``, `` `{ $id }` ``): each backquoted
/// span becomes `<code>` (identifiers, commands and formats, the same in
/// every language); everything is escaped. An unpaired backquote stays
/// as it is.
pub fn prose(text: &str) -> Markup {
    let parts: Vec<&str> = text.split('`').collect();
    let paired = parts.len() % 2 == 1;
    html! {
        @for (i, part) in parts.iter().enumerate() {
            @if i % 2 == 1 && (paired || i + 1 < parts.len()) {
                code { (part) }
            } @else {
                @if i % 2 == 1 { "`" }
                (part)
            }
        }
    }
}

/// Marks a user's text inside a message (see [`message`]).
const USER_OPEN: char = '\u{E000}';
const USER_CLOSE: char = '\u{E001}';

/// The message `id` as [`prose`], with `args` as interface values and
/// `user` as user content: each user value is isolated in `<bdi>` (its
/// own direction, and marked as not the interface's words), inside
/// `<code>` where the message backquotes it.
pub fn message(tr: Tr, id: &str, args: &[(&str, Arg<'_>)], user: &[(&str, &str)]) -> Markup {
    let marks: Vec<String> = (0..user.len()).map(|i| format!("{USER_OPEN}{i}{USER_CLOSE}")).collect();
    let mut all: Vec<(&str, Arg<'_>)> = args.to_vec();
    all.extend(user.iter().zip(&marks).map(|((k, _), m)| (*k, Arg::Str(m.as_str()))));
    // A user's own text cannot hold the marks: they are taken out first.
    let clean = |s: &str| s.replace([USER_OPEN, USER_CLOSE], "");
    let mut out = prose(&tr.ta(id, &all)).into_string();
    for (i, (_, v)) in user.iter().enumerate() {
        let shown = html! { bdi { (clean(v)) } }.into_string();
        out = out.replace(&format!("{USER_OPEN}{i}{USER_CLOSE}"), &shown);
    }
    PreEscaped(out)
}

/// The page for a path nothing is served at, in the reader's language: what
/// a browser gets where a program gets a problem (see `accord-http`'s
/// fallback).
pub fn not_found_page(ctx: &Ctx) -> Response {
    reply(ctx, Err(PageError::not_found()))
}

fn html_response(ctx: &Ctx, status: StatusCode, markup: Markup) -> Response {
    let mut res = (status, markup.into_string()).into_response();
    let h = res.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    // Pages show live projections: revalidate every time.
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    );
    if ctx.remember {
        let c = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", ctx.ui().code());
        if let Ok(v) = HeaderValue::from_str(&c) {
            h.insert(SET_COOKIE, v);
        }
    }
    res
}

/// The whole HTML document.
pub fn frame(ctx: &Ctx, shell: &Shell, page: &Page) -> Markup {
    let ui = ctx.ui();
    let site = if shell.name.is_empty() { "Accord".to_string() } else { shell.name_in(ui).to_string() };
    html! {
        (DOCTYPE)
        html lang=(ui.code()) dir=(ui.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (page.title) " — " (site) }
                link rel="stylesheet" href=(assets::href("portal.css"));
                // No favicon: say so, rather than let every page load 404.
                link rel="icon" href="data:,";
                @for l in Ui::ALL {
                    link rel="alternate" hreflang=(l.code()) href=(ctx.switch_href(l));
                }
            }
            body {
                a class="skip" href="#main" { (ctx.t("skip-to-content")) }
                header class="site" {
                    a class="brand" href="/" { (site) }
                    nav class="main" aria-label=(ctx.t("nav-label")) {
                        ul {
                            @for (nav, href, id) in NAV {
                                li {
                                    @if nav == page.nav {
                                        a href=(href) aria-current="page" { (ctx.t(id)) }
                                    } @else {
                                        a href=(href) { (ctx.t(id)) }
                                    }
                                }
                            }
                        }
                    }
                    nav class="langs" aria-label=(ctx.t("languages-label")) {
                        ul {
                            @for l in Ui::ALL {
                                li {
                                    @if l == ui {
                                        a href=(ctx.switch_href(l)) lang=(l.code()) hreflang=(l.code()) aria-current="true" { (l.native_name()) }
                                    } @else {
                                        a href=(ctx.switch_href(l)) lang=(l.code()) hreflang=(l.code()) { (l.native_name()) }
                                    }
                                }
                            }
                        }
                    }
                }
                main id="main" tabindex="-1" { (page.body) }
                footer class="site" {
                    p {
                        // Error pages are drawn without reading the store.
                        @if !shell.name.is_empty() {
                            (ctx.tr.ta("footer-checkpoint", &[("size", shell.size.into())]))
                            " "
                        }
                        a href="/log" { (ctx.t("footer-verify")) }
                    }
                }
                @for s in &page.scripts {
                    script src=(assets::href(s)) defer {}
                }
            }
        }
    }
}

/// A timestamp as `<time>`: RFC 3339 in `datetime`, shown in the
/// reader's language with its zone (`crate::dates`).
pub fn time(ui: crate::i18n::Ui, rfc3339: &str) -> Markup {
    crate::dates::time(ui, rfc3339)
}

/// An open deadline: the time, and how far it is from now.
pub fn deadline(ui: crate::i18n::Ui, rfc3339: &str) -> Markup {
    crate::dates::deadline(ui, rfc3339)
}

/// A link to a log entry: `#N`.
pub fn entry_link(index: u64) -> Markup {
    html! { a href=(format!("/entries/{index}")) class="entry" { "#" (index) } }
}

/// Text known to be safe HTML (from the page's own templates).
pub fn raw(s: &str) -> PreEscaped<String> {
    PreEscaped(s.to_string())
}

/// An arrow pointing the way the text runs (→ left to right): drawn
/// mirrored on right-to-left pages by `.arrow` in `portal.css`, since no
/// arrow glyph mirrors by itself. Decorative: the words beside it say
/// where it leads.
pub fn arrow_forward() -> Markup {
    html! { span class="arrow" aria-hidden="true" { "→" } }
}

/// An arrow pointing back against the text (← left to right), mirrored
/// like [`arrow_forward`].
pub fn arrow_back() -> Markup {
    html! { span class="arrow" aria-hidden="true" { "←" } }
}
