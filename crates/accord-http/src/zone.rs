//! The root zone over HTTP: the signed zone as served
//! (`GET /registry/root.zone`, the text whose SHA-256 `zone.publish`
//! records), the registry's state (`/api/v1/zone`: the apex, the keys and
//! the trust anchor, the latest versions), each delegation with its
//! sponsor and its history (`/api/v1/zone/delegations/{tld}`).

use crate::problem::Problem;
use crate::{at_size, AppState, AtSize};
use accord_store::zone::{DelegationRow, ZoneHistoryRow, ZoneVersionRow};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

/// Versions listed by `/api/v1/zone`.
const VERSIONS_LISTED: u32 = 20;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/registry/root.zone", get(root_zone))
        .route("/api/v1/zone", get(zone))
        .route("/api/v1/zone/delegations", get(delegations))
        .route("/api/v1/zone/delegations/{tld}", get(delegation))
}

/// The signed zone this node serves now, in presentation form.
async fn root_zone(State(node): State<AppState>) -> Result<Response, Problem> {
    let built = node.zone_service().and_then(|z| z.current()).ok_or_else(|| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "no-zone",
            "No zone",
            "this node serves no signed zone yet (no registry, or no zone keys)",
        )
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/dns; charset=utf-8".to_string()),
            (header::CACHE_CONTROL, "no-cache".to_string()),
            (header::HeaderName::from_static("accord-zone-serial"), built.serial.to_string()),
            (header::HeaderName::from_static("accord-zone-sha256"), built.sha256.clone()),
        ],
        built.text.to_string(),
    )
        .into_response())
}

pub(crate) fn version_json(v: &ZoneVersionRow) -> Value {
    json!({
        "serial": v.serial,
        "index": v.index,
        "time": v.time.to_rfc3339(),
        "cause": v.cause,
        "signed": {"now": v.plan.now, "full": v.plan.full,
                   "touched": v.plan.touched.iter().map(|(t, s)| (t.label().to_string(), json!(s))).collect::<serde_json::Map<_, _>>()},
        "published": v.published.as_ref().map(|(sha, i)| json!({"sha256": sha, "index": i})),
    })
}

fn delegation_json(r: &DelegationRow) -> Value {
    json!({"tld": r.tld.label(), "since": r.since, "sponsor": r.sponsored.sponsor, "delegation": r.sponsored.delegation})
}

fn history_json(h: &ZoneHistoryRow) -> Value {
    json!({"index": h.index, "proposal": h.proposal, "now": h.now})
}

async fn zone(State(node): State<AppState>) -> Result<AtSize<Json<Value>>, Problem> {
    at_size(node, |n| {
        let r = n.reads();
        let Some(info) = r.zone_info()? else {
            return Ok(Json(json!({"registry": null})));
        };
        let versions: Vec<Value> = r.zone_versions(None, VERSIONS_LISTED)?.iter().map(version_json).collect();
        let count = r.zone_delegations()?.len();
        let anchor = accord_zone::sign::trust_anchor(&info.keys.ksk);
        Ok(Json(json!({
            "registry": {"delegations": count, "apex": info.apex, "source": {"sha256": info.source_sha256, "serial": info.source_serial}},
            "keys": info.keys,
            "trust_anchor": anchor,
            "versions": versions,
        })))
    })
    .await
}

async fn delegations(State(node): State<AppState>) -> Result<AtSize<Json<Value>>, Problem> {
    at_size(node, |n| {
        let rows: Vec<Value> = n.reads().zone_delegations()?.iter().map(delegation_json).collect();
        Ok(Json(json!({ "delegations": rows })))
    })
    .await
}

async fn delegation(
    State(node): State<AppState>,
    tld: Result<Path<String>, PathRejection>,
) -> Result<AtSize<Json<Value>>, Problem> {
    let Path(tld) = tld.map_err(|e| Problem::bad_request("bad-parameter", e.body_text()))?;
    let tld = accord_zone::Tld::parse(&tld)
        .map_err(|e| Problem::bad_request("bad-parameter", format!("{tld:?} is not a TLD: {e}")))?;
    at_size(node, move |n| {
        let r = n.reads();
        let now = r.zone_delegation(tld.label())?;
        let history: Vec<Value> = r.zone_history(tld.label())?.iter().map(history_json).collect();
        if now.is_none() && history.is_empty() {
            return Err(Problem::not_found_detail(format!("{tld} was never delegated")));
        }
        Ok(Json(json!({"tld": tld.label(), "now": now.as_ref().map(delegation_json), "history": history})))
    })
    .await
}
