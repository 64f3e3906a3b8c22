//! What every page handler gets: the interface language chosen for this
//! request, the path (for the language switcher's links) and the node.

use crate::i18n::{self, Tr, Ui};
use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use axum::http::request::Parts;
use std::convert::Infallible;

/// The cookie the language switcher sets.
pub const LANG_COOKIE: &str = "accord_lang";

/// The request's language and where it was asked for.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub tr: Tr,
    /// The path, without the query.
    pub path: String,
    /// The query without `lang=`, for links that keep it.
    pub query_rest: String,
    /// `?lang=` was given: the page sets the cookie that remembers it.
    pub remember: bool,
}

/// Marks a request that reached the node over its own TLS listener
/// (`accord serve --tls-cert`), set by the server, never by a client.
#[derive(Clone, Copy, Debug)]
pub struct ServedOverTls;

impl Ctx {
    pub fn ui(&self) -> Ui {
        self.tr.ui
    }

    /// `t` in this request's language.
    pub fn t(&self, id: &str) -> String {
        self.tr.t(id)
    }

    /// The current page in another language.
    pub fn switch_href(&self, ui: Ui) -> String {
        if self.query_rest.is_empty() {
            format!("{}?lang={}", self.path, ui.code())
        } else {
            format!("{}?{}&lang={}", self.path, self.query_rest, ui.code())
        }
    }
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').filter_map(|c| c.trim().split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v.trim())
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let mut lang_q = None;
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.strip_prefix("lang=") {
                Some(l) => lang_q = Some(l),
                None => rest.push(pair),
            }
        }
        let header = |h| parts.headers.get(h).and_then(|v: &axum::http::HeaderValue| v.to_str().ok());
        let cookie_lang = header(COOKIE).and_then(|c| cookie(c, LANG_COOKIE));
        let ui = i18n::choose(lang_q, cookie_lang, header(ACCEPT_LANGUAGE));
        Ok(Ctx {
            tr: Tr::new(ui),
            path: parts.uri.path().to_string(),
            query_rest: rest.join("&"),
            remember: lang_q.and_then(Ui::parse).is_some(),
        })
    }
}
