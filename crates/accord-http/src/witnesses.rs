//! The witnesses: `/log/policy` (the C2SP tlog-policy in force at the
//! published checkpoint's size) and `/api/v1/witnesses` (who witnesses,
//! how each has answered, and who cosigned the recent checkpoints).

use crate::problem::Problem;
use crate::AppState;
use accord_node::{Node, Published};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/log/policy", get(policy)).route("/api/v1/witnesses", get(witnesses))
}

/// The size the policy served holds at.
pub const POLICY_SIZE_HEADER: &str = "accord-policy-size";

async fn policy(State(node): State<AppState>) -> Result<Response, Problem> {
    let cp = node.checkpoint().ok_or_else(|| Problem::not_found_detail("no checkpoint has been published yet"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_string()),
            (header::CACHE_CONTROL, "no-cache".to_string()),
            (header::HeaderName::from_static(POLICY_SIZE_HEADER), cp.size.to_string()),
        ],
        cp.policy.text.clone(),
    )
        .into_response())
}

async fn witnesses(State(node): State<AppState>) -> Result<Json<Value>, Problem> {
    Ok(Json(view(&node)))
}

/// The JSON the API serves, and the portal's page reads.
pub fn view(node: &Node) -> Value {
    let cp = node.checkpoint();
    let reports = node.witness_reports();
    let policy = cp.as_ref().map(|c| {
        let p = &c.policy;
        json!({
            "size": c.size,
            "text": p.text,
            "rules": p.rules,
            "set_by": p.set_by.as_ref().map(|(proposal, index)| json!({"proposal": proposal, "index": index})),
        })
    });
    let witnesses: Vec<Value> = cp
        .as_ref()
        .map(|c| c.policy.witnesses.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|w| {
            let r = reports.iter().find(|r| r.member == w.member);
            json!({
                "member": w.member,
                "url": w.url,
                "vkey": w.vkey,
                "since": w.since,
                "counted": w.counted,
                "results": r.map(|r| json!(r.counts)),
                "size": r.map(|r| r.old),
                "last_cosigned": r.and_then(|r| r.last_cosigned),
                "last_problem": r.and_then(|r| r.last_problem.clone()),
                "recent": r.map(|r| r.recent.iter().map(|(s, l)| json!([s, l])).collect::<Vec<_>>()),
            })
        })
        .collect();
    let checkpoints: Vec<Value> = node.recent_checkpoints().iter().map(|c| checkpoint(c)).collect();
    json!({ "policy": policy, "witnesses": witnesses, "checkpoints": checkpoints })
}

fn checkpoint(c: &Published) -> Value {
    json!({
        "size": c.size,
        "root": c.root.to_base64(),
        "published": c.at,
        "cosigned": c.cosigned,
        "quorum": c.quorum,
    })
}
