//! `accord-http`: the node's HTTP face.
//!
//! What it is: the axum router — `/api/v1` (JSON; every refusal an RFC 9457
//! `application/problem+json` body with a stable `code`), `/log/`
//! (read-only C2SP tlog-checkpoint and tlog-tiles) and `/metrics`
//! (Prometheus text), including the Code (`/api/v1/documents`: versions,
//! diffs, subscriptions, Markdown and HTML exports). HTTP statuses and
//! problem types are chosen here and nowhere else.
//!
//! The portal's pages (`accord-portal`) are merged into the same router.
//!
//! What it is not: no rules and no storage. Handlers call `accord-node`.

#![forbid(unsafe_code)]
// Problems are returned once per failed request; boxing them buys nothing.
#![allow(clippy::result_large_err)]

mod api;
mod code;
mod log;
mod problem;
mod proposals;
pub mod server;
pub mod taxii;
pub mod witnesses;
mod zone;

pub use problem::Problem;

use accord_node::Node;
use axum::Router;
use std::sync::Arc;

/// Largest request body accepted (statements are far smaller).
pub const MAX_BODY: usize = 64 * 1024;

pub type AppState = Arc<Node>;

/// The whole router for a node.
pub fn router(node: Arc<Node>) -> Router {
    Router::new()
        .merge(accord_portal::routes(node.clone()))
        .merge(api::routes())
        .merge(proposals::routes())
        .merge(code::routes())
        .merge(log::routes())
        .merge(zone::routes())
        .merge(witnesses::routes())
        .merge(taxii::routes())
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .with_state(node)
        // No answer is ever sniffed into another type by a browser.
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            axum::http::header::X_CONTENT_TYPE_OPTIONS,
            axum::http::HeaderValue::from_static("nosniff"),
        ))
}

/// The header that says which log size a response's state reflects.
pub const LOG_SIZE_HEADER: &str = "accord-log-size";

/// A response and the log size of the one snapshot it was read from, sent
/// as `Accord-Log-Size` (docs/PROTOCOL.md §6): an auditor replays the log
/// to exactly that size and compares.
pub(crate) struct AtSize<T>(pub u64, pub T);

impl<T: axum::response::IntoResponse> axum::response::IntoResponse for AtSize<T> {
    fn into_response(self) -> axum::response::Response {
        let mut r = self.1.into_response();
        r.headers_mut().insert(LOG_SIZE_HEADER, axum::http::HeaderValue::from(self.0));
        r
    }
}

/// Runs `f` off the async workers with every store read in one snapshot;
/// returns its value with the snapshot's log size.
pub(crate) async fn at_size<T: Send + 'static>(
    node: AppState,
    f: impl FnOnce(&Node) -> Result<T, Problem> + Send + 'static,
) -> Result<AtSize<T>, Problem> {
    blocking(move || {
        let mut f = Some(f);
        let mut out: Option<Result<T, Problem>> = None;
        let mut size = 0;
        node.reads().snapshot(&mut |s| {
            size = s;
            if let Some(f) = f.take() {
                out = Some(f(&node));
            }
            Ok(())
        })?;
        match out {
            Some(r) => r.map(|v| AtSize(size, v)),
            None => Err(Problem::internal("the snapshot did not run")),
        }
    })
    .await
}

/// Blocking store work runs off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| Err(Problem::internal(format!("worker failed: {e}"))))
}
