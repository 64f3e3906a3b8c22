//! RFC 9457 problem details, and the mapping from every error the node can
//! return to an HTTP status and a stable code.
//!
//! Codes are stable (clients match on them; docs/PROTOCOL.md §6 lists
//! them). Refusals of a statement take their code from `Refusal::code`:
//!
//! | code | status |
//! |---|---|
//! | `too-large` | 413 |
//! | `malformed`, `not-canonical`, `unknown-type`, `bad-body`, `out-of-range`, `log-fault` | 400 |
//! | `unknown-member`, `bad-signature` | 403 |
//! | `replayed-seq`, `seq-too-far` | 409 |
//! | `rate-limited` (with `Retry-After`) | 429 |
//! | `clock-skew`, `refused-by-rules` | 422 |
//! | `unknown-proposal` (a statement about a proposal that does not exist) | 422 |
//! | `ballot-closed` (the proposal is decided, withdrawn or moot) | 422 |
//!
//! Read endpoints add `bad-parameter` (400), `not-found` (404),
//! `unknown-proposal` (404 on `GET /api/v1/proposals/{id}`),
//! `method-not-allowed` (405), `unsupported-media-type` (415),
//! `unavailable` (503) and `internal` (500). A plain HTTP request to a
//! node serving HTTPS is answered `tls-required` (400) by the listener.

use accord_core::Refusal;
use accord_node::{Answer, NodeError, SubmitError};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An `application/problem+json` body.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code (e.g. `replayed-seq`).
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Seconds for the `Retry-After` header (429, 503).
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, title: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("https://accord.example/problems/{code}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_string(),
            instance: None,
            retry_after: (status == StatusCode::SERVICE_UNAVAILABLE).then_some(1),
        }
    }

    pub fn bad_request(code: &str, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, code, "Bad request", detail)
    }

    pub fn not_found_detail(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    pub fn internal(detail: impl Into<String>) -> Problem {
        tracing::error!("internal error: {}", detail.into());
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the node failed to answer; the operator's logs say why",
        )
    }

    /// A problem with the status, code and title of `a` (the one mapping,
    /// `accord_node::Answer`).
    pub fn answer(a: Answer, detail: impl Into<String>) -> Problem {
        let status = StatusCode::from_u16(a.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Problem::new(status, a.code, a.title, detail)
    }

    pub fn from_refusal(r: &Refusal) -> Problem {
        let mut p = Problem::answer(Answer::refused(r), r.to_string());
        if let Refusal::RateLimited { retry_after_ms, .. } = r {
            p.retry_after = Some(retry_after_ms.div_ceil(1000).max(1));
        }
        p
    }
}

impl From<SubmitError> for Problem {
    fn from(e: SubmitError) -> Problem {
        match e {
            SubmitError::Refused(r) => Problem::from_refusal(&r),
            SubmitError::Unavailable(why) => Problem::answer(Answer::UNAVAILABLE, why),
        }
    }
}

impl From<NodeError> for Problem {
    fn from(e: NodeError) -> Problem {
        match Answer::failed(&e) {
            Answer::INTERNAL => Problem::internal(e.to_string()),
            a => {
                tracing::warn!(error = %e, "a read failed");
                Problem::answer(a, "the node could not read its store just now; try again shortly")
            }
        }
    }
}

impl From<accord_store::StoreError> for Problem {
    fn from(e: accord_store::StoreError) -> Problem {
        Problem::from(NodeError::Store(e))
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut resp = (status, [(header::CONTENT_TYPE, "application/problem+json")], body).into_response();
        if let Some(secs) = self.retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
        }
        resp
    }
}

/// Nothing is served at the path: a problem, except for a browser asking
/// for a page outside the machine interfaces (`/api/`, the log's tiles),
/// which gets the portal's not-found page in the reader's language.
pub(crate) async fn not_found(
    ctx: accord_portal::ctx::Ctx,
    headers: axum::http::HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let machine = uri.path().starts_with("/api/") || uri.path().starts_with("/log/");
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.split(',').any(|t| t.trim().starts_with("text/html")));
    if wants_html && !machine {
        return accord_portal::layout::not_found_page(&ctx);
    }
    Problem::not_found_detail(format!("nothing is served at {}", uri.path())).into_response()
}

pub(crate) async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        format!("{method} is not allowed on {}", uri.path()),
    )
}
