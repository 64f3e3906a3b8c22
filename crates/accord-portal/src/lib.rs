//! `accord-portal`: the node's web pages.
//!
//! What it is: server-rendered HTML (maud) for the public — the body, its
//! members, proposals and recorded votes, the Code and its versions, the
//! log with proofs checked in the visitor's browser — and the delegate's
//! desk, where acts are signed in the browser with WebCrypto Ed25519 and
//! sent to `/api/v1/statements`. Every interface string is in the six UN
//! languages (Project Fluent, `locales/`); Arabic pages are right to left.
//! Pages work without JavaScript except for signing.
//!
//! What it is not: no rules and no SQL. Pages read projections through
//! `accord-node`; the only state kept here is the desk's sign-in sessions.

#![forbid(unsafe_code)]

pub mod assets;
pub mod cache;
mod code;
pub mod ctx;
mod dates;
mod desk;
mod home;
pub mod i18n;
pub mod layout;
mod log;
mod members;
mod names;
mod proposals;
mod registry;
mod witnesses;

use accord_node::Node;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

pub type AppState = Arc<Node>;

/// The portal's routes, to merge into the node's router.
pub fn routes(node: AppState) -> Router<AppState> {
    node.observe(std::sync::Arc::new(cache::Invalidator));
    Router::new()
        .route("/", get(home::page))
        .route("/static/{name}", get(assets::serve))
        .merge(members::routes())
        .merge(proposals::routes())
        .merge(code::routes())
        .merge(registry::routes())
        .merge(log::routes())
        .merge(witnesses::routes())
        .merge(desk::routes())
        .layer(axum::middleware::from_fn_with_state(node, cache::layer))
}
