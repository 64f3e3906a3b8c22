//! `/api/v1/proposals`: proposals, amendments and their recorded votes, as
//! projected by the store. Tallies (the final count, or the live count of a
//! ballot still open) come from `accord_node::ballots`, the one computation
//! the portal's pages share; this module chooses only the JSON shape and
//! the HTTP statuses.

use crate::api::{query_limit, query_pairs, query_u64};
use crate::problem::Problem;
use crate::{at_size, AppState, AtSize};
use accord_core::acts::decision::valid_id;
use accord_core::decisions::Status;
use accord_node::ballots::{self, LiveTallies};
use accord_store::{ProposalQuery, Start};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/proposals", get(list))
        .route("/api/v1/proposals/{id}", get(detail))
        .route("/api/v1/decisions", get(decisions))
}

/// Fields of the record shown in the list, in addition to `tally`.
const LIST_FIELDS: &[&str] =
    &["id", "title", "sponsor", "status", "adopted_by", "question", "procedure", "closes", "amends", "closed_at"];

/// Most proposals in one page of the list, and the default.
const PAGE_MAX: u32 = 1000;
const PAGE_DEFAULT: u32 = 100;
/// Most decisions in `/api/v1/decisions`, and the default.
const DECISIONS_MAX: u32 = 100;
const DECISIONS_DEFAULT: u32 = 20;

/// What a list asks for: its statuses, order, start and size.
#[derive(Debug, PartialEq, Eq)]
struct ListQuery {
    statuses: Vec<Status>,
    newest_first: bool,
    start: Start,
    limit: u32,
}

/// `?status=a,b&order=oldest|newest&after=S|offset=N&limit=L`: `status`
/// may be repeated or list several, comma-separated; `after` (the `next`
/// cursor of the previous page) and `offset` exclude each other.
fn parse_list(q: &Option<String>) -> Result<ListQuery, Problem> {
    let q = query_pairs(q);
    let mut statuses = Vec::new();
    for (_, v) in q.iter().filter(|(k, _)| k == "status") {
        for name in v.split(',') {
            let Some(s) = Status::parse(name) else {
                let allowed: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
                return Err(Problem::bad_request(
                    "bad-parameter",
                    format!("status must be one or more of {}, comma-separated (got {name:?})", allowed.join(", ")),
                ));
            };
            if !statuses.contains(&s) {
                statuses.push(s);
            }
        }
    }
    let newest_first = match q.iter().find(|(k, _)| k == "order").map(|(_, v)| v.as_str()) {
        None | Some("oldest") => false,
        Some("newest") => true,
        Some(o) => {
            return Err(Problem::bad_request("bad-parameter", format!("order must be oldest or newest (got {o:?})")))
        }
    };
    let start = match (query_u64(&q, "after")?, query_u64(&q, "offset")?) {
        (None, None) => Start::First,
        (Some(a), None) => Start::After(a),
        (None, Some(o)) if o <= OFFSET_MAX => Start::Offset(o),
        (None, Some(_)) => {
            return Err(Problem::bad_request("bad-parameter", format!("offset must be at most {OFFSET_MAX}")))
        }
        (Some(_), Some(_)) => {
            return Err(Problem::bad_request("bad-parameter", "give after (a cursor) or offset, not both"))
        }
    };
    let limit = query_limit(&q, PAGE_DEFAULT, PAGE_MAX)?;
    Ok(ListQuery { statuses, newest_first, start, limit })
}

/// Far past any real log, and within SQL's integers.
const OFFSET_MAX: u64 = 1 << 53;

/// The list: one store query (the one the portal's lists make), each row
/// with the fields of `LIST_FIELDS` and its tally; `total` is how many
/// match the statuses, `next` the cursor of the next page if there is one.
async fn list(State(node): State<AppState>, RawQuery(q): RawQuery) -> Result<AtSize<Json<Value>>, Problem> {
    let q = parse_list(&q)?;
    at_size(node, move |node| {
        let statuses: Vec<&str> = q.statuses.iter().map(|s| s.as_str()).collect();
        // One more than the page: is there a next one?
        let query =
            ProposalQuery { statuses: &statuses, newest_first: q.newest_first, start: q.start, limit: q.limit + 1 };
        let mut page = node.reads().proposals(&query)?;
        let next = (page.rows.len() > q.limit as usize).then(|| {
            page.rows.truncate(q.limit as usize);
            page.rows.last().map(|r| r.seq)
        });
        let mut out = json!({ "proposals": list_rows(node.reads(), &page.rows)?, "total": page.total });
        if let Some(n) = next.flatten() {
            out["next"] = json!(n);
        }
        Ok(Json(out))
    })
    .await
}

/// The rows of a list, as the list shows them.
fn list_rows(store: &dyn accord_store::Reads, rows: &[accord_store::ProposalRow]) -> Result<Vec<Value>, Problem> {
    // Members are read only if some ballot needs a live count.
    let mut live = LiveTallies::new(store);
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
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
    Ok(out)
}

/// The latest decisions: the `?limit=` (1 to 100) ballots closed last,
/// latest first (by `closed_at`, the entry that closed it, then id), each
/// as in the list: what the home page shows.
async fn decisions(State(node): State<AppState>, RawQuery(q): RawQuery) -> Result<AtSize<Json<Value>>, Problem> {
    let q = query_pairs(&q);
    let limit = query_limit(&q, DECISIONS_DEFAULT, DECISIONS_MAX)?;
    at_size(node, move |node| {
        let rows = node.reads().recently_closed(limit)?;
        Ok(Json(json!({ "decisions": list_rows(node.reads(), &rows)? })))
    })
    .await
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
        let Some(ballot) = ballots::ballot(node.reads(), &id)? else {
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
    fn list_queries_name_what_is_wrong() {
        let parse = |q: &str| parse_list(&Some(q.to_string()));
        let q = parse("").unwrap();
        assert_eq!(q, ListQuery { statuses: vec![], newest_first: false, start: Start::First, limit: PAGE_DEFAULT });
        let q = parse("status=open,voting&status=open&order=newest&offset=50&limit=50").unwrap();
        assert_eq!(q.statuses, [Status::Open, Status::Voting]);
        assert_eq!((q.newest_first, q.start, q.limit), (true, Start::Offset(50), 50));
        let q = parse("status=failed-quorum%2cmoot&after=7&%6Cimit=%31%30").unwrap();
        assert_eq!(q.statuses, [Status::FailedQuorum, Status::Moot], "the query is percent-decoded, keys too");
        assert_eq!((q.start, q.limit), (Start::After(7), 10));
        assert!(parse("status=open%2").is_err(), "a stray % is a bad status, not a panic");
        let p = parse("status=closed").unwrap_err();
        assert_eq!((p.status, p.code.as_str()), (400, "bad-parameter"));
        for s in Status::ALL {
            assert!(p.detail.contains(s.as_str()), "{}", p.detail);
        }
        for (q, says) in [
            ("after=1&offset=2", "not both"),
            ("order=random", "oldest or newest"),
            ("limit=0", "limit must be 1 to 1000"),
            ("limit=1001", "limit must be 1 to 1000"),
            ("offset=9007199254740993", "offset must be at most"),
            ("after=-1", "non-negative integer"),
        ] {
            let p = parse(q).unwrap_err();
            assert!(p.status == 400 && p.detail.contains(says), "{q}: {}", p.detail);
        }
    }
}
