//! The witness over HTTP: one axum [`Router`] with the submission and the
//! monitoring prefix both at `/`.
//!
//! | route | answer |
//! |---|---|
//! | `POST /add-checkpoint` | [`Witness::add_checkpoint`] (the body read up to [`MAX_REQUEST_BYTES`], else 413, see [`DRAIN_BYTES`]) |
//! | `GET /<lower-hex sha256(origin)>/checkpoint` | [`Witness::checkpoint`] |
//! | `GET /metrics` | Prometheus text: requests by endpoint and status, cosignatures, store latency |
//! | another method on those | 405 problem, with `Allow` |
//! | anything else | 404 problem |
//!
//! The SQLite work (and the signature checks before it) runs on tokio's
//! blocking pool (`spawn_blocking`), never on the async workers.

use crate::{too_large, Reply, Witness};
use accord_log::witness::MAX_REQUEST_BYTES;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A body over [`MAX_REQUEST_BYTES`] is still read (and thrown away) up to
/// this many bytes before the 413, so that a client sending it reads the
/// answer; a longer one is answered at once.
pub const DRAIN_BYTES: usize = 1024 * 1024;

/// Upper bounds (seconds) of the store latency histogram's buckets.
const STORE_BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

/// What `/metrics` reports.
#[derive(Default)]
pub struct Metrics {
    /// Answers by endpoint and status (both from small fixed sets).
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    cosignatures: AtomicU64,
    store_buckets: [AtomicU64; STORE_BUCKETS.len()],
    store_count: AtomicU64,
    store_nanos: AtomicU64,
}

impl Metrics {
    pub(crate) fn cosigned(&self) {
        self.cosignatures.fetch_add(1, Ordering::Relaxed);
    }

    /// Cosignatures made (each durable before it was answered).
    pub fn cosignatures(&self) -> u64 {
        self.cosignatures.load(Ordering::Relaxed)
    }

    pub(crate) fn store_time(&self, d: Duration) {
        let secs = d.as_secs_f64();
        for (b, le) in self.store_buckets.iter().zip(STORE_BUCKETS) {
            if secs <= le {
                b.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.store_count.fetch_add(1, Ordering::Relaxed);
        self.store_nanos.fetch_add(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    fn request(&self, endpoint: &'static str, status: u16) {
        let mut m = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        *m.entry((endpoint, status)).or_insert(0) += 1;
    }

    /// Answers given so far on `endpoint` with `status`.
    pub fn requests(&self, endpoint: &str, status: u16) -> u64 {
        let m = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        m.iter().filter(|((e, s), _)| *e == endpoint && *s == status).map(|(_, n)| *n).sum()
    }

    /// The Prometheus text exposition.
    pub fn render(&self, trusted_origins: usize) -> String {
        let mut s = String::new();
        s.push_str("# HELP accord_witness_requests_total Requests answered, by endpoint and status.\n");
        s.push_str("# TYPE accord_witness_requests_total counter\n");
        {
            let m = self.requests.lock().unwrap_or_else(|p| p.into_inner());
            for ((endpoint, status), n) in m.iter() {
                let _ = writeln!(s, "accord_witness_requests_total{{endpoint=\"{endpoint}\",status=\"{status}\"}} {n}");
            }
        }
        s.push_str("# HELP accord_witness_cosignatures_total Checkpoints cosigned, each durable before its answer.\n");
        s.push_str("# TYPE accord_witness_cosignatures_total counter\n");
        let _ = writeln!(s, "accord_witness_cosignatures_total {}", self.cosignatures());
        s.push_str(
            "# HELP accord_witness_store_advance_seconds The store's compare-and-swap: one transaction, one fsync.\n",
        );
        s.push_str("# TYPE accord_witness_store_advance_seconds histogram\n");
        for (b, le) in self.store_buckets.iter().zip(STORE_BUCKETS) {
            let _ =
                writeln!(s, "accord_witness_store_advance_seconds_bucket{{le=\"{le}\"}} {}", b.load(Ordering::Relaxed));
        }
        let count = self.store_count.load(Ordering::Relaxed);
        let _ = writeln!(s, "accord_witness_store_advance_seconds_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.store_nanos.load(Ordering::Relaxed) as f64 / 1e9;
        let _ = writeln!(s, "accord_witness_store_advance_seconds_sum {sum}");
        let _ = writeln!(s, "accord_witness_store_advance_seconds_count {count}");
        s.push_str("# HELP accord_witness_trusted_origins Logs this witness trusts.\n");
        s.push_str("# TYPE accord_witness_trusted_origins gauge\n");
        let _ = writeln!(s, "accord_witness_trusted_origins {trusted_origins}");
        s
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let mut resp = (status, self.body).into_response();
        resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        resp
    }
}

/// The witness's routes (see the module's table).
pub fn router(w: Arc<Witness>) -> Router {
    Router::new()
        .route("/add-checkpoint", post(add_checkpoint).fallback(|| async { method_not_allowed("POST") }))
        .route("/metrics", get(metrics).fallback(|| async { method_not_allowed("GET, HEAD") }))
        .route("/{origin_hash}/checkpoint", get(checkpoint).fallback(|| async { method_not_allowed("GET, HEAD") }))
        .fallback(|| async {
            Reply::problem(404, "not-found", "Not found", "nothing is served at this path").into_response()
        })
        .layer(middleware::from_fn_with_state(w.clone(), count))
        .with_state(w)
}

fn method_not_allowed(allow: &'static str) -> Response {
    let detail = format!("this path takes {allow} only");
    let mut resp = Reply::problem(405, "method-not-allowed", "Method not allowed", &detail).into_response();
    resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
    resp
}

/// Which endpoint a path is, for the metrics' label (a fixed set).
fn endpoint_of(path: &str) -> &'static str {
    match path {
        "/add-checkpoint" => "add-checkpoint",
        "/metrics" => "metrics",
        p if p.ends_with("/checkpoint") && p.matches('/').count() == 2 => "checkpoint",
        _ => "other",
    }
}

async fn count(State(w): State<Arc<Witness>>, req: Request, next: Next) -> Response {
    let endpoint = endpoint_of(req.uri().path());
    let resp = next.run(req).await;
    w.metrics().request(endpoint, resp.status().as_u16());
    resp
}

fn now_unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// What reading a request body gave.
enum ReadBody {
    Read(Vec<u8>),
    TooLarge,
    Failed(String),
}

/// Reads a body of at most [`MAX_REQUEST_BYTES`]. A longer one is read on
/// and thrown away up to [`DRAIN_BYTES`] in all, so that the client, still
/// sending, then reads the 413 rather than a reset connection; past that
/// the 413 is sent at once (and the connection closed).
async fn read_body(mut body: Body) -> ReadBody {
    use http_body_util::BodyExt;
    let mut buf = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = match frame {
            Ok(f) => f,
            Err(_) if seen > MAX_REQUEST_BYTES => return ReadBody::TooLarge,
            Err(e) => return ReadBody::Failed(e.to_string()),
        };
        let Ok(data) = frame.into_data() else { continue };
        seen = seen.saturating_add(data.len());
        if seen <= MAX_REQUEST_BYTES {
            buf.extend_from_slice(&data);
        } else if seen > DRAIN_BYTES {
            return ReadBody::TooLarge;
        }
    }
    if seen > MAX_REQUEST_BYTES {
        ReadBody::TooLarge
    } else {
        ReadBody::Read(buf)
    }
}

fn unavailable(why: &str) -> Response {
    tracing::error!(why, "a witness task failed");
    Reply::problem(
        503,
        "unavailable",
        "Service unavailable",
        "the witness could not answer just now; try again shortly",
    )
    .into_response()
}

async fn add_checkpoint(State(w): State<Arc<Witness>>, headers: HeaderMap, body: Body) -> Response {
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > DRAIN_BYTES as u64) {
        return too_large().into_response();
    }
    let bytes = match read_body(body).await {
        ReadBody::Read(b) => b,
        ReadBody::TooLarge => return too_large().into_response(),
        ReadBody::Failed(e) => {
            let detail = format!("the request body could not be read: {e}");
            return Reply::problem(400, "malformed", "Bad request", &detail).into_response();
        }
    };
    let now = now_unix();
    match tokio::task::spawn_blocking(move || w.add_checkpoint(&bytes, now)).await {
        Ok(reply) => reply.into_response(),
        Err(e) => unavailable(&e.to_string()),
    }
}

async fn checkpoint(State(w): State<Arc<Witness>>, Path(origin_hash): Path<String>) -> Response {
    match tokio::task::spawn_blocking(move || w.checkpoint(&origin_hash)).await {
        Ok(reply) => {
            let ok = reply.status == 200;
            let mut resp = reply.into_response();
            if ok {
                resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            }
            resp
        }
        Err(e) => unavailable(&e.to_string()),
    }
}

async fn metrics(State(w): State<Arc<Witness>>) -> Response {
    let text = w.metrics().render(w.trusted().len());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_a_fixed_set() {
        assert_eq!(endpoint_of("/add-checkpoint"), "add-checkpoint");
        assert_eq!(endpoint_of("/metrics"), "metrics");
        assert_eq!(endpoint_of(&format!("/{}/checkpoint", "a".repeat(64))), "checkpoint");
        assert_eq!(endpoint_of("/x/y/checkpoint"), "other");
        assert_eq!(endpoint_of("/anything"), "other");
    }
}
