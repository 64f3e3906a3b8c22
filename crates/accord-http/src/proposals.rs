//! `/api/v1/proposals`: proposals, amendments and their recorded votes, as
//! projected by the store. Tallies (the final count, or the live count of a
//! ballot still open) come from `accord_node::ballots`, the one computation
//! the portal's pages share; this module chooses only the JSON shape and
//! the HTTP statuses.

use crate::problem::Problem;
use crate::{at_size, AppState, AtSize};
use accord_core::acts::decision::valid_id;
use accord_core::decisions::Status;
use accord_node::ballots::{self, LiveTallies};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/proposals", get(list)).route("/api/v1/proposals/{id}", get(detail))
}

/// Fields of the record shown in the list, in addition to `tally`.
const LIST_FIELDS: &[&str] =
    &["id", "title", "sponsor", "status", "adopted_by", "question", "procedure", "closes", "amends"];

fn parse_status(q: &Option<String>) -> Result<Option<Status>, Problem> {
    let mut wanted = None;
    for pair in q.as_deref().unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if k != "status" {
            continue;
        }
        let Some(s) = Status::parse(v) else {
            let allowed: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
            return Err(Problem::bad_request(
                "bad-parameter",
                format!("status must be one of {} (got {v:?})", allowed.join(", ")),
            ));
        };
        wanted = Some(s);
    }
    Ok(wanted)
}

/// Most proposals in one page of the list, and the default.
const PAGE_MAX: u32 = 1000;
const PAGE_DEFAULT: u32 = 100;

/// `?limit=` and `?after=` of the list.
fn parse_page(q: &Option<String>) -> Result<(u32, Option<u64>), Problem> {
    let mut limit = PAGE_DEFAULT;
    let mut after = None;
    for pair in q.as_deref().unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let number = || {
            v.parse::<u64>().ok().filter(|_| !v.is_empty() && v.len() <= 20 && v.bytes().all(|b| b.is_ascii_digit()))
        };
        match k {
            "limit" => {
                limit = number()
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|n| (1..=PAGE_MAX).contains(n))
                    .ok_or_else(|| Problem::bad_request("bad-parameter", format!("limit must be 1 to {PAGE_MAX}")))?
            }
            "after" => {
                after = Some(number().ok_or_else(|| {
                    Problem::bad_request("bad-parameter", "after must be the `next` cursor of the previous page")
                })?)
            }
            _ => {}
        }
    }
    Ok((limit, after))
}

async fn list(State(node): State<AppState>, RawQuery(q): RawQuery) -> Result<AtSize<Json<Value>>, Problem> {
    let status = parse_status(&q)?;
    let (limit, after) = parse_page(&q)?;
    let AtSize(size, (out, next)) = at_size(node, move |node| {
        let store = node.store();
        let mut rows = store.proposals(status.map(Status::as_str), after, limit + 1)?;
        // One more than the page: is there a next one?
        let next = (rows.len() > limit as usize).then(|| {
            rows.truncate(limit as usize);
            rows.last().map(|r| r.seq)
        });
        // Members are read only if some ballot needs a live count.
        let mut live = LiveTallies::new(store);
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let doc = ballots::record_of(row)?;
            let mut item = Map::new();
            for f in LIST_FIELDS {
                if let Some(v) = doc.get(*f) {
                    item.insert((*f).to_string(), v.clone());
                }
            }
            // The final count once a recorded vote closed; else the live one.
            item.insert("tally".into(), json!(live.tally_of(row)?));
            out.push(Value::Object(item));
        }
        Ok((out, next.flatten()))
    })
    .await?;
    let mut page = json!({ "proposals": out });
    if let Some(n) = next {
        page["next"] = json!(n);
    }
    Ok(AtSize(size, Json(page)))
}

async fn detail(
    State(node): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<AtSize<Json<Value>>, Problem> {
    let id = id.map_err(|e| Problem::bad_request("bad-parameter", format!("proposal id: {e}")))?.0;
    if !valid_id(&id) {
        return Err(Problem::bad_request(
            "bad-parameter",
            format!("a proposal id is 1–64 characters of a-z, 0-9 and '-', not starting with '-' (got {id:?})"),
        ));
    }
    at_size(node, move |node| {
        let Some(ballot) = ballots::ballot(node.store(), &id)? else {
            return Err(Problem::new(
                StatusCode::NOT_FOUND,
                "unknown-proposal",
                "Unknown proposal",
                format!("no proposal or amendment {id:?}"),
            ));
        };
        let votes: Vec<Value> = ballot
            .votes
            .iter()
            .map(|v| {
                let mut o = json!({ "member": v.member, "vote": v.vote, "index": v.index });
                if let Some(e) = &v.explanation {
                    o["explanation"] = json!(e);
                }
                o
            })
            .collect();
        let mut doc = ballot.record;
        doc.insert("tally".into(), json!(ballot.tally));
        doc.insert("votes".into(), json!(votes));
        doc.insert("entries".into(), json!(ballot.entries));
        Ok(Json(Value::Object(doc)))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_filter_names_the_allowed_values() {
        assert_eq!(parse_status(&None).unwrap(), None);
        assert_eq!(parse_status(&Some("status=failed-quorum".into())).unwrap(), Some(Status::FailedQuorum));
        let p = parse_status(&Some("status=closed".into())).unwrap_err();
        assert_eq!((p.status, p.code.as_str()), (400, "bad-parameter"));
        for s in Status::ALL {
            assert!(p.detail.contains(s.as_str()), "{}", p.detail);
        }
    }
}
