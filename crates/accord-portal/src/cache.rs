//! Rendered public pages, kept while the log does not change.
//!
//! Every public page is a function of the projections, the published
//! checkpoint, the URL and the interface language. Projections change only
//! when entries are committed, so a page rendered at (committed size,
//! checkpoint size) is valid until either grows: the cache is keyed by
//! language and URL, and emptied whenever that pair moves. A page for one
//! signed-in person (`Cache-Control: private`), the desk and its
//! endpoints, static assets, and anything but a 200 are never kept.
//!
//! Set `ACCORD_PAGE_CACHE=off` in the environment to render every request
//! (the benchmark measures both).
//!
//! Open deadlines say how far away they are ("closes in 3 days"), so a
//! page is also kept for the current minute only: the generation includes
//! it, and a relative phrase is never more than a minute stale.
//!
//! What it is not: no HTTP cache (pages still say `no-cache` to browsers).

use crate::ctx::Ctx;
use crate::AppState;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Mutex, OnceLock};

/// Most pages kept, and most bytes, before the cache is emptied.
const MAX_PAGES: usize = 4096;
const MAX_BYTES: usize = 64 << 20;
/// A page larger than this is served but not kept.
const MAX_PAGE_BYTES: usize = 4 << 20;

/// What the pages were rendered against: (committed size, checkpoint
/// size, the minute of the wall clock).
type Generation = (u64, u64, u64);

/// The current minute since the Unix epoch.
fn minute() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() / 60)
}

#[derive(Clone)]
struct Kept {
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Default)]
struct Pages {
    generation: Generation,
    pages: HashMap<String, Kept>,
    bytes: usize,
}

impl Pages {
    fn get(&mut self, generation: Generation, key: &str) -> Option<Kept> {
        self.renew(generation);
        self.pages.get(key).cloned()
    }

    fn put(&mut self, generation: Generation, key: String, kept: Kept) {
        self.renew(generation);
        if self.pages.len() >= MAX_PAGES || self.bytes + kept.body.len() > MAX_BYTES {
            self.pages.clear();
            self.bytes = 0;
        }
        self.bytes += kept.body.len();
        if let Some(old) = self.pages.insert(key, kept) {
            self.bytes -= old.body.len();
        }
    }

    fn renew(&mut self, generation: Generation) {
        if generation != self.generation {
            self.pages.clear();
            self.bytes = 0;
            self.generation = generation;
        }
    }
}

fn pages() -> &'static Mutex<Pages> {
    static P: OnceLock<Mutex<Pages>> = OnceLock::new();
    P.get_or_init(|| Mutex::new(Pages::default()))
}

fn enabled() -> bool {
    static E: OnceLock<bool> = OnceLock::new();
    *E.get_or_init(|| std::env::var("ACCORD_PAGE_CACHE").map_or(true, |v| v != "off"))
}

fn lock() -> std::sync::MutexGuard<'static, Pages> {
    pages().lock().unwrap_or_else(|p| p.into_inner())
}

fn cacheable_path(path: &str) -> bool {
    !(path.starts_with("/desk") || path.starts_with("/static/"))
}

/// The middleware: serve a kept page, or render and keep it.
pub(crate) async fn layer(State(node): State<AppState>, req: Request, next: Next) -> Response {
    if !enabled() || req.method() != Method::GET || !cacheable_path(req.uri().path()) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let ctx = match Ctx::from_request_parts(&mut parts, &()).await {
        Ok(c) => c,
        Err(never) => match never {},
    };
    let key = format!("{} {}", ctx.ui().code(), parts.uri.path_and_query().map_or("", |p| p.as_str()));
    // Read before rendering: a page rendered from newer projections than
    // its key says is only fresher, never staler.
    let generation =
        (node.metrics().log_size.load(Ordering::Acquire), node.checkpoint().map_or(0, |c| c.size), minute());
    if let Some(kept) = lock().get(generation, &key) {
        let mut res = (StatusCode::OK, kept.body).into_response();
        *res.headers_mut() = kept.headers;
        return res;
    }
    let res = next.run(Request::from_parts(parts, body)).await;
    let private = res.headers().get(CACHE_CONTROL).and_then(|v| v.to_str().ok()).is_none_or(|v| v.contains("private"));
    if res.status() != StatusCode::OK || private {
        return res;
    }
    let (parts, body) = res.into_parts();
    // Pages are whole strings, so their size is known before reading.
    if body.size_hint().upper().is_none_or(|n| n > MAX_PAGE_BYTES as u64) {
        return Response::from_parts(parts, body);
    }
    match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => {
            lock().put(generation, key, Kept { headers: parts.headers.clone(), body: bytes.clone() });
            Response::from_parts(parts, Body::from(bytes))
        }
        // A body made from a string does not fail to read.
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("the page could not be read: {e}\n")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(n: usize) -> Kept {
        Kept { headers: HeaderMap::new(), body: Bytes::from(vec![b'x'; n]) }
    }

    #[test]
    fn a_new_generation_forgets_every_page() {
        let mut p = Pages::default();
        p.put((5, 5, 0), "en /".into(), kept(10));
        assert!(p.get((5, 5, 0), "en /").is_some());
        assert!(p.get((5, 5, 0), "fr /").is_none());
        assert!(p.get((6, 5, 0), "en /").is_none(), "committed size grew");
        p.put((6, 5, 0), "en /".into(), kept(10));
        assert!(p.get((6, 6, 0), "en /").is_none(), "checkpoint grew");
        p.put((6, 6, 0), "en /".into(), kept(10));
        assert!(p.get((6, 6, 1), "en /").is_none(), "a minute passed: relative deadlines moved");
        assert_eq!(p.bytes, 0);
    }

    #[test]
    fn bounded_in_pages_and_bytes() {
        let mut p = Pages::default();
        for i in 0..MAX_PAGES + 10 {
            p.put((1, 1, 0), format!("en /{i}"), kept(1));
        }
        assert!(p.pages.len() <= MAX_PAGES);
        p.put((1, 1, 0), "big".into(), kept(MAX_BYTES));
        p.put((1, 1, 0), "more".into(), kept(1));
        assert!(p.bytes <= MAX_BYTES);
        // Replacing a page does not count it twice.
        let mut q = Pages::default();
        q.put((1, 1, 0), "a".into(), kept(7));
        q.put((1, 1, 0), "a".into(), kept(7));
        assert_eq!(q.bytes, 7);
    }

    #[test]
    fn the_desk_and_assets_are_never_kept() {
        assert!(!cacheable_path("/desk"));
        assert!(!cacheable_path("/desk/session"));
        assert!(!cacheable_path("/static/portal.css"));
        assert!(cacheable_path("/proposals/p-1"));
    }
}
