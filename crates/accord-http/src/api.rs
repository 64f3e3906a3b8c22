//! `/api/v1`: statements in, state and proofs out.

use crate::code::subscription_json;
use crate::problem::Problem;
use crate::{at_size, blocking, AppState, AtSize, MAX_BODY};
use accord_node::views;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/statements", post(submit))
        .route("/api/v1/entries/{index}", get(entry))
        .route("/api/v1/log/consistency", get(consistency))
        .route("/api/v1/body", get(body_info))
        .route("/api/v1/members", get(members))
        .route("/api/v1/members/{id}", get(member))
        .route("/api/v1/members/{id}/votes", get(member_votes))
        .route("/api/v1/members/{id}/statements", get(member_statements))
        .route("/api/v1/members/{id}/subscriptions", get(member_subscriptions))
        .route("/api/v1/notes", get(notes))
        .route("/metrics", get(metrics))
}

/// Reads a body of at most `MAX_BODY` bytes, or refuses with 413.
async fn read_body(body: Body) -> Result<axum::body::Bytes, Problem> {
    axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Request body too large",
            format!("request bodies are limited to {MAX_BODY} bytes"),
        )
    })
}

async fn submit(State(node): State<AppState>, headers: HeaderMap, body: Body) -> Result<Response, Problem> {
    let ctype = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mime = ctype.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if mime != "text/plain" {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            format!("send the signed note as Content-Type: text/plain (got {ctype:?})"),
        ));
    }
    let bytes = read_body(body).await?;
    let receipt = node.submit(&bytes).await?;
    // Written by hand: the one hot response, and both fields need no escaping.
    let body = format!(r#"{{"index":{},"leaf_hash":"{}"}}"#, receipt.index, receipt.leaf_hash.to_base64());
    let location = format!("/api/v1/entries/{}", receipt.index);
    // The same bytes again: 200 with the entry they already are.
    let status = if receipt.existing { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, [(header::LOCATION, location), (header::CONTENT_TYPE, "application/json".into())], body)
        .into_response())
}

fn parse_u64(what: &str, s: &str) -> Result<u64, Problem> {
    if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::bad_request("bad-parameter", format!("{what} must be a non-negative integer, got {s:?}")));
    }
    s.parse().map_err(|_| Problem::bad_request("bad-parameter", format!("{what} is out of range")))
}

/// The pairs of a query string, keys and values percent-decoded (and `+`
/// as a space), in order; a key may come more than once.
pub(crate) fn query_pairs(q: &Option<String>) -> Vec<(String, String)> {
    form_urlencoded::parse(q.as_deref().unwrap_or("").as_bytes()).into_owned().collect()
}

pub(crate) fn query_u64(q: &[(String, String)], name: &str) -> Result<Option<u64>, Problem> {
    match q.iter().find(|(k, _)| k == name) {
        Some((_, v)) => parse_u64(name, v).map(Some),
        None => Ok(None),
    }
}

/// `?limit=`: `default` without it, else 1 to `max`, or a 400 naming the
/// range (never silently clamped).
pub(crate) fn query_limit(q: &[(String, String)], default: u32, max: u32) -> Result<u32, Problem> {
    query_u64(q, "limit")?
        .map_or(Some(default), |n| u32::try_from(n).ok().filter(|n| (1..=max).contains(n)))
        .ok_or_else(|| Problem::bad_request("bad-parameter", format!("limit must be 1 to {max}")))
}

async fn entry(
    State(node): State<AppState>,
    index: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, Problem> {
    let index = index.map_err(|e| Problem::bad_request("bad-parameter", format!("entry index: {e}")))?.0;
    let index = parse_u64("index", &index)?;
    let n = node.clone();
    let view = blocking(move || n.entry(index).map_err(Problem::from)).await?;
    let Some(v) = view else {
        let size = node.checkpoint().map_or(0, |c| c.size);
        return Err(Problem::not_found_detail(format!(
            "entry {index} is not in the log yet (the latest checkpoint has {size} entries)"
        )));
    };
    let st = &v.entry.statement.statement;
    let sig = v.entry.statement.note.signatures.first();
    // The checkpoint the proof was made against, not whatever is latest
    // now: a checkpoint published in between would belong to another tree.
    let cp = accord_log::Checkpoint::open(v.proof.checkpoint.as_bytes(), node.log_vkey())
        .map_err(|e| Problem::internal(format!("entry {index}: the proof's checkpoint: {e}")))?
        .0;
    Ok(Json(json!({
        "index": v.index,
        "time": v.entry.time.to_millis_string(),
        "leaf_hash": v.leaf_hash.to_base64(),
        "statement": {
            "member": st.member.as_str(),
            "seq": st.seq.0,
            "time": st.time.to_rfc3339(),
            "type": st.act.type_name(),
            "body": st.act.body(),
        },
        "signature": sig.map(|s| json!({"key_name": s.name, "key_id": s.key_id.to_string()})),
        "entry": String::from_utf8_lossy(&v.bytes),
        "proof": v.proof.to_text(),
        "inclusion": v.proof.hashes.iter().map(|h| h.to_base64()).collect::<Vec<_>>(),
        "checkpoint": {"size": cp.size, "root": cp.root.to_base64(), "note": v.proof.checkpoint},
    })))
}

async fn consistency(State(node): State<AppState>, RawQuery(q): RawQuery) -> Result<Json<Value>, Problem> {
    let q = query_pairs(&q);
    let (Some(from), Some(to)) = (query_u64(&q, "from")?, query_u64(&q, "to")?) else {
        return Err(Problem::bad_request("bad-parameter", "give both ?from=A&to=B (tree sizes)"));
    };
    let size = node.checkpoint().map_or(0, |c| c.size);
    if from > to || to > size {
        return Err(Problem::bad_request(
            "bad-parameter",
            format!("need 0 ≤ from ≤ to ≤ {size} (the latest checkpoint's size); got from={from}, to={to}"),
        ));
    }
    let n = node.clone();
    let proof = blocking(move || n.consistency(from, to).map_err(Problem::from)).await?;
    Ok(Json(json!({
        "from": from,
        "to": to,
        "proof": proof.iter().map(|h| h.to_base64()).collect::<Vec<_>>(),
    })))
}

async fn body_info(State(node): State<AppState>) -> Result<AtSize<Json<Value>>, Problem> {
    let AtSize(size, (name, names, rules)) = at_size(node.clone(), |n| {
        Ok((n.reads().body_fact("name")?, n.reads().body_fact("names")?, n.reads().body_fact("rules")?))
    })
    .await?;
    // Stored as the JSON of the names by language; none before there were.
    let names = match names {
        Some(n) => serde_json::from_str::<Value>(&n).map_err(|e| Problem::internal(format!("stored names: {e}")))?,
        None => json!({}),
    };
    // Stored by the store as the JSON of the rules in force.
    let rules = match rules {
        Some(r) => serde_json::from_str::<Value>(&r).map_err(|e| Problem::internal(format!("stored rules: {e}")))?,
        None => Value::Null,
    };
    let cp = node.checkpoint();
    Ok(AtSize(
        size,
        Json(json!({
            "name": name,
            "names": names,
            "origin": node.origin(),
            "log_key": node.log_vkey().to_vkey(),
            "rules": rules,
            "checkpoint": cp.map(|c| json!({"size": c.size, "root": c.root.to_base64(), "note": c.note})),
        })),
    ))
}

async fn members(State(node): State<AppState>) -> Result<AtSize<Json<Value>>, Problem> {
    at_size(node, |n| Ok(Json(json!({ "members": views::all::<_, views::Member>(&n.reads().members()?) })))).await
}

async fn member(
    State(node): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<AtSize<Json<Value>>, Problem> {
    let id = id.map_err(|e| Problem::not_found_detail(format!("no such member: {e}")))?.0;
    at_size(node, move |n| match n.reads().member(&id)? {
        Some(r) => Ok(Json(json!(views::Member::from(&r)))),
        None => Err(Problem::not_found_detail(format!("no member {id:?}"))),
    })
    .await
}

/// Most rows in one page of a member's lists (and of the notes), and the
/// default.
const MEMBER_PAGE_MAX: u32 = 500;
const MEMBER_PAGE_DEFAULT: u32 = 100;
const NOTES_DEFAULT: u32 = 50;

/// `?before=I&limit=N` of a member's paged lists (newest first).
fn member_page(q: &Option<String>) -> Result<(Option<u64>, u32), Problem> {
    let q = query_pairs(q);
    Ok((query_u64(&q, "before")?, query_limit(&q, MEMBER_PAGE_DEFAULT, MEMBER_PAGE_MAX)?))
}

/// A member's recorded votes, newest first: what the member's page shows,
/// read by the same store function.
async fn member_votes(
    State(node): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(q): RawQuery,
) -> Result<AtSize<Json<Value>>, Problem> {
    member_list(node, id, q, "votes", |s, id, before, limit| {
        Ok(json!(views::all::<_, views::Vote>(&s.votes_by_member(id, before, limit)?)))
    })
    .await
}

/// A member's accepted statements (index, seq, type), newest first.
async fn member_statements(
    State(node): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(q): RawQuery,
) -> Result<AtSize<Json<Value>>, Problem> {
    member_list(node, id, q, "statements", |s, id, before, limit| {
        Ok(json!(views::all::<_, views::Statement>(&s.statements_by_member(id, before, limit)?)))
    })
    .await
}

/// A member's subscriptions to the Code's documents, by document: what
/// the member's page and desk show, read by the same store function.
async fn member_subscriptions(
    State(node): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<AtSize<Json<Value>>, Problem> {
    for_member(node, id, |store, id| {
        let subs = store.subscriptions_of(id)?;
        Ok(json!({ "subscriptions": subs.iter().map(|(d, s)| subscription_json(("document", d), s)).collect::<Vec<_>>() }))
    })
    .await
}

/// Reads one page of a member's list: (store, member, before, limit).
type MemberListRead = fn(&dyn accord_store::Reads, &str, Option<u64>, u32) -> Result<Value, accord_store::StoreError>;

/// One page of a member's list, `{name: [...]}`, read by `read`.
async fn member_list(
    node: AppState,
    id: Result<Path<String>, PathRejection>,
    q: Option<String>,
    name: &'static str,
    read: MemberListRead,
) -> Result<AtSize<Json<Value>>, Problem> {
    let (before, limit) = member_page(&q)?;
    for_member(node, id, move |store, id| Ok(json!({ name: read(store, id, before, limit)? }))).await
}

/// What `read` says of the member named in the path, in one snapshot; 404
/// for no such member.
async fn for_member(
    node: AppState,
    id: Result<Path<String>, PathRejection>,
    read: impl FnOnce(&dyn accord_store::Reads, &str) -> Result<Value, accord_store::StoreError> + Send + 'static,
) -> Result<AtSize<Json<Value>>, Problem> {
    let id = id.map_err(|e| Problem::not_found_detail(format!("no such member: {e}")))?.0;
    at_size(node, move |n| {
        if n.reads().member(&id)?.is_none() {
            return Err(Problem::not_found_detail(format!("no member {id:?}")));
        }
        Ok(Json(read(n.reads(), &id)?))
    })
    .await
}

async fn notes(State(node): State<AppState>, RawQuery(q): RawQuery) -> Result<AtSize<Json<Value>>, Problem> {
    let q = query_pairs(&q);
    let before = query_u64(&q, "before")?;
    let limit = query_limit(&q, NOTES_DEFAULT, MEMBER_PAGE_MAX)?;
    at_size(node, move |n| Ok(Json(json!({ "notes": views::all::<_, views::Note>(&n.reads().notes(before, limit)?) }))))
        .await
}

async fn metrics(State(node): State<AppState>) -> impl IntoResponse {
    let mut text = node.metrics().render() + &accord_portal::cache::metrics();
    accord_node::witnesses::render_metrics(&node.witness_reports(), &mut text);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}
