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
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .with_state(node)
}

/// Blocking store work runs off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| Err(Problem::internal(format!("worker failed: {e}"))))
}
