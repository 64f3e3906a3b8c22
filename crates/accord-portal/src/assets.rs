//! Static assets compiled into the binary, served under `/static/` with a
//! content hash in the URL (`?v=`) so that browsers may keep them for a
//! year (`immutable`); a request without the current hash revalidates.

use axum::extract::{Path, RawQuery};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// `(name, content type, bytes)`.
const FILES: &[(&str, &str, &[u8])] = &[
    ("portal.css", "text/css; charset=utf-8", include_bytes!("../assets/portal.css")),
    ("desk.js", "text/javascript; charset=utf-8", include_bytes!("../assets/desk.js")),
    ("verify.js", "text/javascript; charset=utf-8", include_bytes!("../assets/verify.js")),
];

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
    /// First 16 hex digits of the SHA-256 of the bytes.
    version: String,
}

fn table() -> &'static [Asset] {
    static T: OnceLock<Vec<Asset>> = OnceLock::new();
    T.get_or_init(|| {
        FILES
            .iter()
            .map(|(name, content_type, bytes)| Asset {
                name,
                content_type,
                bytes,
                version: hex::encode(&Sha256::digest(bytes)[..8]),
            })
            .collect()
    })
}

/// The URL of asset `name`, with its version.
pub fn href(name: &str) -> String {
    match table().iter().find(|a| a.name == name) {
        Some(a) => format!("/static/{}?v={}", a.name, a.version),
        None => format!("/static/{name}"),
    }
}

pub(crate) async fn serve(Path(name): Path<String>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let Some(a) = table().iter().find(|a| a.name == name) else {
        return (StatusCode::NOT_FOUND, [(CONTENT_TYPE, "text/plain; charset=utf-8")], "no such asset\n")
            .into_response();
    };
    let etag = format!("\"{}\"", a.version);
    let cache = if q.as_deref() == Some(&format!("v={}", a.version)) {
        "public, max-age=31536000, immutable"
    } else {
        "public, no-cache"
    };
    let mut res = if headers.get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        a.bytes.into_response()
    };
    let h = res.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(a.content_type));
    h.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(ETAG, v);
    }
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    res
}
