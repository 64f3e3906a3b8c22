//! TAXII 2.1 (OASIS, 2021): discovery, one API root, status, collections,
//! objects, manifests and versions, over `accord_node::share`.
//!
//! - Media type `application/taxii+json;version=2.1`, both ways: an
//!   `Accept` that allows no TAXII 2.1 answer is 406, a POST of another
//!   type 415.
//! - HTTP Basic: the user name is a credential's id, the password its
//!   secret. No credentials: the anonymous reader (the public
//!   collections' TLP:CLEAR objects only).
//! - Errors are TAXII error messages (`title`, `description`,
//!   `http_status`), never RFC 9457 problems, with the status the spec
//!   gives: 400, 401 (with `WWW-Authenticate`), 403, 404, 406, 413, 415,
//!   422, 429, 503.
//! - Pages: `limit` (1 to 1000, default 100) and `next`, a cursor that
//!   encodes the last position returned, so no list is kept on the server
//!   and none expires; `X-TAXII-Date-Added-First` and `-Last` give the
//!   page's first and last date added.

use crate::AppState;
use accord_node::share::{
    format_millis, status_json, timestamp_millis, CollectionView, Filters, Page, Reader, ShareError, MAX_ENVELOPE_BYTES,
};
use accord_store::share::{version_key, ObjectRow};
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine;
use serde_json::{json, Value};

/// The TAXII 2.1 media type.
pub const TAXII: &str = "application/taxii+json;version=2.1";
/// The API root's path.
pub const API_ROOT: &str = "/taxii2/accord/";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/taxii2/", get(discovery))
        .route("/taxii2/accord/", get(api_root))
        .route("/taxii2/accord/status/{id}/", get(status))
        .route("/taxii2/accord/collections/", get(collections))
        .route("/taxii2/accord/collections/{id}/", get(collection))
        .route("/taxii2/accord/collections/{id}/objects/", get(get_objects).post(add_objects))
        .route("/taxii2/accord/collections/{id}/objects/{object}/", get(get_object).delete(delete_object))
        .route("/taxii2/accord/collections/{id}/objects/{object}/versions/", get(versions))
        .route("/taxii2/accord/collections/{id}/manifest/", get(manifest))
}

/// A TAXII error message, with its status.
#[derive(Debug)]
pub struct TaxiiError {
    status: StatusCode,
    title: &'static str,
    description: String,
    retry_after: Option<u64>,
}

impl TaxiiError {
    fn new(status: StatusCode, title: &'static str, description: impl Into<String>) -> TaxiiError {
        TaxiiError { status, title, description: description.into(), retry_after: None }
    }
}

impl From<ShareError> for TaxiiError {
    fn from(e: ShareError) -> TaxiiError {
        let d = e.to_string();
        match e {
            ShareError::Unauthorized(_) => TaxiiError::new(StatusCode::UNAUTHORIZED, "Unauthorized", d),
            ShareError::Forbidden(_) => TaxiiError::new(StatusCode::FORBIDDEN, "Forbidden", d),
            ShareError::NotFound(_) => TaxiiError::new(StatusCode::NOT_FOUND, "Not found", d),
            ShareError::TooLarge(_) => TaxiiError::new(StatusCode::PAYLOAD_TOO_LARGE, "Request too large", d),
            ShareError::Unprocessable(_) => {
                TaxiiError::new(StatusCode::UNPROCESSABLE_ENTITY, "Unprocessable envelope", d)
            }
            ShareError::BadRequest(_) => TaxiiError::new(StatusCode::BAD_REQUEST, "Bad request", d),
            ShareError::RateLimited { retry_after_ms, .. } => TaxiiError {
                retry_after: Some(retry_after_ms.div_ceil(1000).max(1)),
                ..TaxiiError::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests", d)
            },
            ShareError::Unavailable(_) => TaxiiError {
                retry_after: Some(1),
                ..TaxiiError::new(StatusCode::SERVICE_UNAVAILABLE, "Unavailable", d)
            },
        }
    }
}

impl IntoResponse for TaxiiError {
    fn into_response(self) -> Response {
        let body = json!({
            "title": self.title,
            "description": self.description,
            "http_status": self.status.as_u16().to_string(),
        });
        let mut r = (self.status, taxii_json(&body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"accord\""));
        }
        if let Some(s) = self.retry_after {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        r
    }
}

/// A TAXII body: its bytes and media type.
struct TaxiiJson(Vec<u8>);

fn taxii_json(v: &Value) -> TaxiiJson {
    TaxiiJson(serde_json::to_vec(v).unwrap_or_default())
}

impl IntoResponse for TaxiiJson {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, TAXII), (header::CACHE_CONTROL, "no-store")], self.0).into_response()
    }
}

/// A TAXII answer with extra headers.
struct Answer {
    status: StatusCode,
    headers: Vec<(&'static str, String)>,
    body: Value,
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let mut r = (self.status, taxii_json(&self.body)).into_response();
        for (k, v) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&v) {
                r.headers_mut().insert(k, v);
            }
        }
        r
    }
}

fn ok(body: Value) -> Answer {
    Answer { status: StatusCode::OK, headers: Vec::new(), body }
}

/// Does `Accept` allow a TAXII 2.1 answer? No header, `*/*`,
/// `application/*`, `application/taxii+json` with no version or version
/// 2.1 do; anything else is 406.
fn accepts(headers: &HeaderMap) -> Result<(), TaxiiError> {
    let Some(v) = headers.get(header::ACCEPT) else { return Ok(()) };
    let v = v.to_str().unwrap_or("");
    let fits = v.split(',').any(|item| {
        let mut parts = item.split(';').map(|p| p.trim().to_ascii_lowercase());
        let kind = parts.next().unwrap_or_default();
        let params: Vec<String> = parts.collect();
        let version_ok = params.iter().all(|p| !p.starts_with("version=") || p == "version=2.1");
        let q_zero = params.iter().any(|p| p == "q=0" || p == "q=0.0" || p == "q=0.00" || p == "q=0.000");
        !q_zero && (kind == "*/*" || kind == "application/*" || (kind == "application/taxii+json" && version_ok))
    });
    if fits {
        Ok(())
    } else {
        Err(TaxiiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "Not acceptable",
            format!("this server answers {TAXII} only (Accept was {:?})", v.chars().take(100).collect::<String>()),
        ))
    }
}

/// Is the request body TAXII 2.1 JSON?
fn content_type_ok(headers: &HeaderMap) -> Result<(), TaxiiError> {
    let v = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mut parts = v.split(';').map(|p| p.trim().to_ascii_lowercase());
    let kind = parts.next().unwrap_or_default();
    let params: Vec<String> = parts.collect();
    let version_ok = params.iter().all(|p| !p.starts_with("version=") || p == "version=2.1");
    if kind == "application/taxii+json" && version_ok {
        return Ok(());
    }
    Err(TaxiiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "Unsupported media type",
        format!("send {TAXII} (Content-Type was {:?})", v.chars().take(100).collect::<String>()),
    ))
}

/// Longest `Authorization` header read.
const MAX_AUTHORIZATION: usize = 512;

/// The reader a request's credentials name: none is the anonymous
/// reader; anything but valid HTTP Basic credentials is 401.
fn reader(node: &accord_node::Node, headers: &HeaderMap) -> Result<Reader, TaxiiError> {
    let Some(v) = headers.get(header::AUTHORIZATION) else { return Ok(Reader::Anonymous) };
    let unauthorized = |why: &str| TaxiiError::new(StatusCode::UNAUTHORIZED, "Unauthorized", why);
    let v = v.to_str().map_err(|_| unauthorized("the Authorization header is not ASCII"))?;
    if v.len() > MAX_AUTHORIZATION {
        return Err(unauthorized("the Authorization header is too long"));
    }
    let (scheme, token) = v.split_once(' ').ok_or_else(|| unauthorized("use HTTP Basic credentials"))?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(unauthorized("use HTTP Basic credentials"));
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .map_err(|_| unauthorized("the Basic credentials are not base64"))?;
    let text = String::from_utf8(raw).map_err(|_| unauthorized("the Basic credentials are not UTF-8"))?;
    let (user, secret) = text.split_once(':').ok_or_else(|| unauthorized("the Basic credentials have no ':'"))?;
    Ok(node.authenticate(user, secret)?)
}

/// The scheme and host a client reached this node by, for the absolute
/// URLs of discovery.
fn base_url(headers: &HeaderMap, tls: bool) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.len() <= 255 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b)))
        .unwrap_or("localhost");
    format!("{}://{host}", if tls { "https" } else { "http" })
}

async fn discovery(
    State(node): State<AppState>,
    tls: Option<axum::Extension<accord_portal::ctx::ServedOverTls>>,
    headers: HeaderMap,
) -> Result<Answer, TaxiiError> {
    accepts(&headers)?;
    // Anyone may ask, but credentials given must be right.
    reader(&node, &headers)?;
    let root = format!("{}{API_ROOT}", base_url(&headers, tls.is_some()));
    Ok(ok(json!({
        "title": format!("Accord threat sharing ({})", node.origin()),
        "description": "TAXII 2.1 for the member states of the body: every share is recorded in its public log \
                        by a salted commitment, and TLP is enforced on every object.",
        "default": root,
        "api_roots": [root],
    })))
}

async fn api_root(State(node): State<AppState>, headers: HeaderMap) -> Result<Answer, TaxiiError> {
    accepts(&headers)?;
    reader(&node, &headers)?;
    Ok(ok(json!({
        "title": "Accord",
        "description": "Collections: all (every member), member-<ID> (what one member shares), \
                        community-<id> (a community's members).",
        "versions": [TAXII],
        "max_content_length": MAX_ENVELOPE_BYTES,
    })))
}

fn collection_json(v: &CollectionView) -> Value {
    json!({
        "id": v.id,
        "title": v.title,
        "description": v.description,
        "alias": v.alias,
        "can_read": v.can_read,
        "can_write": v.can_write,
        "media_types": [TAXII],
    })
}

/// Runs blocking node work off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, TaxiiError> + Send + 'static,
) -> Result<T, TaxiiError> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "a TAXII worker failed");
        Err(TaxiiError::new(StatusCode::SERVICE_UNAVAILABLE, "Unavailable", "the worker failed; retry"))
    })
}

async fn collections(State(node): State<AppState>, headers: HeaderMap) -> Result<Answer, TaxiiError> {
    accepts(&headers)?;
    let r = reader(&node, &headers)?;
    blocking(move || {
        let list = node.collections(&r)?;
        let list: Vec<Value> = list.iter().map(collection_json).collect();
        Ok(ok(if list.is_empty() { json!({}) } else { json!({ "collections": list }) }))
    })
    .await
}

async fn collection(
    State(node): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Answer, TaxiiError> {
    accepts(&headers)?;
    let r = reader(&node, &headers)?;
    blocking(move || Ok(ok(collection_json(&node.collection(&r, &id)?)))).await
}

/// Most query parameters read.
const MAX_PARAMS: usize = 32;

/// TAXII's filters from a query string. Unknown parameters are refused
/// (a typo would otherwise widen a query silently).
fn filters(query: Option<&str>, allowed: &[&str]) -> Result<Filters, TaxiiError> {
    let bad = |why: String| TaxiiError::new(StatusCode::BAD_REQUEST, "Bad request", why);
    let mut f = Filters::default();
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.unwrap_or("").as_bytes()).into_owned().take(MAX_PARAMS + 1).collect();
    if pairs.len() > MAX_PARAMS {
        return Err(bad(format!("at most {MAX_PARAMS} query parameters")));
    }
    let list =
        |v: &str| -> Vec<String> { v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect() };
    for (k, v) in pairs {
        if !allowed.contains(&k.as_str()) {
            return Err(bad(format!(
                "{:?} is not a filter of this endpoint (allowed: {})",
                clip(&k),
                allowed.join(", ")
            )));
        }
        match k.as_str() {
            "added_after" => {
                f.added_after = Some(timestamp_millis(&v).map_err(|e| bad(format!("added_after: {e}")))?);
            }
            "limit" => {
                let n: u32 = v.parse().map_err(|_| bad(format!("limit: {:?} is not a positive number", clip(&v))))?;
                if n == 0 {
                    return Err(bad("limit must be at least 1".into()));
                }
                f.limit = Some(n);
            }
            "next" => f.next = Some(v),
            "match[id]" => {
                for id in list(&v) {
                    accord_stix::StixId::parse(&id).map_err(|e| bad(format!("match[id]: {e}")))?;
                    f.ids.push(id);
                }
            }
            "match[type]" => {
                for t in list(&v) {
                    accord_stix::StixType::parse(&t).map_err(|e| bad(format!("match[type]: {e}")))?;
                    f.types.push(t);
                }
            }
            "match[version]" => {
                for item in list(&v) {
                    match item.as_str() {
                        "first" => f.versions.first = true,
                        "last" => f.versions.last = true,
                        "all" => f.versions.all = true,
                        t => {
                            accord_stix::StixTime::parse(t)
                                .map_err(|e| bad(format!("match[version]: {:?}: {e}", clip(t))))?;
                            f.versions.at.push(version_key(Some(t)));
                        }
                    }
                }
            }
            "match[spec_version]" => f.spec_versions.extend(list(&v)),
            _ => return Err(bad(format!("{:?} is not supported", clip(&k)))),
        }
    }
    Ok(f)
}

fn clip(s: &str) -> String {
    s.chars().take(64).collect()
}

const OBJECT_FILTERS: &[&str] =
    &["added_after", "limit", "next", "match[id]", "match[type]", "match[version]", "match[spec_version]"];
const BY_ID_FILTERS: &[&str] = &["added_after", "limit", "next", "match[version]", "match[spec_version]"];
const VERSION_FILTERS: &[&str] = &["added_after", "limit", "next", "match[spec_version]"];
const DELETE_FILTERS: &[&str] = &["match[version]", "match[spec_version]"];

/// The page's envelope-level fields and headers.
fn paged(page: &Page, key: &str, items: Vec<Value>) -> Answer {
    let mut body = json!({ "more": page.next.is_some() });
    if let Some(n) = &page.next {
        body["next"] = json!(n);
    }
    if !items.is_empty() {
        body[key] = Value::Array(items);
    }
    let mut headers = Vec::new();
    if let (Some(first), Some(last)) = (page.rows.first(), page.rows.last()) {
        headers.push(("X-TAXII-Date-Added-First", format_millis(first.added)));
        headers.push(("X-TAXII-Date-Added-Last", format_millis(last.added)));
    }
    // An empty page is an empty envelope: `{}` when there is no more.
    if page.rows.is_empty() && page.next.is_none() {
        body = json!({});
    }
    Answer { status: StatusCode::OK, headers, body }
}

fn objects_of(rows: &[ObjectRow]) -> Vec<Value> {
    rows.iter().filter_map(|r| r.content.as_deref().and_then(|c| serde_json::from_slice(c).ok())).collect()
}

fn manifest_of(rows: &[ObjectRow]) -> Vec<Value> {
    rows.iter()
        .map(|r| {
            json!({
                "id": r.id,
                "date_added": format_millis(r.added),
                "version": r.version.clone().unwrap_or_else(|| format_millis(r.added)),
                "media_type": "application/stix+json;version=2.1",
            })
        })
        .collect()
}

async fn get_objects(
    State(node): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Result<Answer, TaxiiError> {
    accepts(&headers)?;
    let r = reader(&node, &headers)?;
    let f = filters(q.as_deref(), OBJECT_FILTERS)?;
    blocking(move || {
        let page = node.share_page(&r, &id, &f, true)?;
        Ok(paged(&page, "objects", objects_of(&page.rows)))
    })
    .await
}

async fn get_object(
    State(node): State<AppState>,
    Path((id, object)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Result<Answer, TaxiiError> {
    accepts(&headers)?;
    let r = reader(&node, &headers)?;
    let mut f = filters(q.as_deref(), BY_ID_FILTERS)?;
    accord_stix::StixId::parse(&object)
        .map_err(|e| TaxiiError::new(StatusCode::NOT_FOUND, "Not found", format!("object id: {e}")))?;
    f.ids = vec![object];
    blocking(move || {
        let page = node.share_page(&r, &id, &f, true)?;
        if page.rows.is_empty() && f.next.is_none() {
            return Err(TaxiiError::new(StatusCode::NOT_FOUND, "Not found", "no such object that you may see"));
        }
        Ok(paged(&page, "objects", objects_of(&page.rows)))
    })
    .await
}

async fn versions(
    State(node): State<AppState>,
    Path((id, object)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Result<Answer, TaxiiError> {
    accepts(&headers)?;
    let r = reader(&node, &headers)?;
    let mut f = filters(q.as_deref(), VERSION_FILTERS)?;
    accord_stix::StixId::parse(&object)
        .map_err(|e| TaxiiError::new(StatusCode::NOT_FOUND, "Not found", format!("object id: {e}")))?;
    f.ids = vec![object];
    f.versions.all = true;
    blocking(move || {
        let page = node.share_page(&r, &id, &f, false)?;
        if page.rows.is_empty() && f.next.is_none() {
            return Err(TaxiiError::new(StatusCode::NOT_FOUND, "Not found", "no such object that you may see"));
        }
        let versions: Vec<Value> =
            page.rows.iter().map(|r| json!(r.version.clone().unwrap_or_else(|| format_millis(r.added)))).collect();
        Ok(paged(&page, "versions", versions))
    })
    .await
}

async fn manifest(
    State(node): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Result<Answer, TaxiiError> {
    accepts(&headers)?;
    let r = reader(&node, &headers)?;
    let f = filters(q.as_deref(), OBJECT_FILTERS)?;
    blocking(move || {
        let page = node.share_page(&r, &id, &f, false)?;
        Ok(paged(&page, "objects", manifest_of(&page.rows)))
    })
    .await
}

async fn add_objects(
    State(node): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Answer, TaxiiError> {
    accepts(&headers)?;
    let r = reader(&node, &headers)?;
    if r == Reader::Anonymous {
        return Err(ShareError::Unauthorized("sharing needs a member's credential".into()).into());
    }
    content_type_ok(&headers)?;
    let bytes = axum::body::to_bytes(body, MAX_ENVELOPE_BYTES).await.map_err(|_| {
        TaxiiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Request too large",
            format!("an envelope is at most {MAX_ENVELOPE_BYTES} bytes"),
        )
    })?;
    let status = node.share_envelope(&r, &id, &bytes).await?;
    Ok(Answer { status: StatusCode::ACCEPTED, headers: Vec::new(), body: status_json(&status) })
}

async fn delete_object(
    State(node): State<AppState>,
    Path((id, object)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Result<Response, TaxiiError> {
    accepts(&headers)?;
    let r = reader(&node, &headers)?;
    let mut f = filters(q.as_deref(), DELETE_FILTERS)?;
    accord_stix::StixId::parse(&object)
        .map_err(|e| TaxiiError::new(StatusCode::NOT_FOUND, "Not found", format!("object id: {e}")))?;
    if f.versions == Default::default() {
        f.versions.all = true;
    }
    node.withdraw(&r, &id, &object, &f).await?;
    Ok(StatusCode::OK.into_response())
}

async fn status(
    State(node): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Answer, TaxiiError> {
    accepts(&headers)?;
    let r = reader(&node, &headers)?;
    blocking(move || Ok(ok(status_json(&node.share_status(&r, &id)?)))).await
}
