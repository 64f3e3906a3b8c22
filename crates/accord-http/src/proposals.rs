//! `/api/v1/proposals`: proposals, amendments and their recorded votes, as
//! projected by the store. The tally of a ballot still open is counted here
//! with the core's own `tally`, over the members entitled to vote now.

use crate::problem::Problem;
use crate::{blocking, AppState};
use accord_core::acts::decision::{valid_id, VoteChoice};
use accord_core::decisions::rules::{Majority, Quorum};
use accord_core::decisions::{self, Status, Tally};
use accord_core::MemberId;
use accord_store::{MemberRow, ProposalRow, VoteRow};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

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

/// Members entitled to vote now: not suspended, not the secretariat (as
/// `State::eligible` in the core).
fn eligible(members: &[MemberRow]) -> Vec<MemberId> {
    members
        .iter()
        .filter(|m| !m.suspended)
        .filter_map(|m| MemberId::parse(&m.id))
        .filter(|m| !m.is_secretariat())
        .collect()
}

fn vote_choice(s: &str) -> Option<VoteChoice> {
    match s {
        "yes" => Some(VoteChoice::Yes),
        "no" => Some(VoteChoice::No),
        "abstain" => Some(VoteChoice::Abstain),
        _ => None,
    }
}

/// The count of `votes` as the core would make it if the ballot closed
/// now (the majority and quorum rules do not change the count).
fn live_tally(votes: &[VoteRow], eligible: &[MemberId]) -> Tally {
    let cast: Vec<(MemberId, VoteChoice)> =
        votes.iter().filter_map(|v| Some((MemberId::parse(&v.member)?, vote_choice(&v.vote)?))).collect();
    let eligible: BTreeSet<&MemberId> = eligible.iter().collect();
    decisions::tally(cast.iter().map(|(m, v)| (m, *v)), &eligible, Majority::Simple, Quorum::None).0
}

fn doc_object(row: &ProposalRow) -> Result<Map<String, Value>, Problem> {
    match &row.doc {
        Value::Object(m) => Ok(m.clone()),
        _ => Err(Problem::internal(format!("the stored record of proposal {} is not a JSON object", row.id))),
    }
}

async fn list(State(node): State<AppState>, RawQuery(q): RawQuery) -> Result<Json<Value>, Problem> {
    let status = parse_status(&q)?;
    let out = blocking(move || {
        let store = node.store();
        let rows = store.proposals(status.map(Status::as_str))?;
        // Members are read only if some ballot needs a live count.
        let mut members: Option<Vec<MemberId>> = None;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let doc = doc_object(row)?;
            let mut item = Map::new();
            for f in LIST_FIELDS {
                if let Some(v) = doc.get(*f) {
                    item.insert((*f).to_string(), v.clone());
                }
            }
            // The final count once a recorded vote closed; else the live one.
            let tally = match doc.get("tally") {
                Some(t) if t.is_object() => t.clone(),
                _ => {
                    if members.is_none() {
                        members = Some(eligible(&store.members()?));
                    }
                    let eligible = members.as_deref().unwrap_or_default();
                    json!(live_tally(&store.votes(&row.id)?, eligible))
                }
            };
            item.insert("tally".into(), tally);
            out.push(Value::Object(item));
        }
        Ok(out)
    })
    .await?;
    Ok(Json(json!({ "proposals": out })))
}

async fn detail(State(node): State<AppState>, id: Result<Path<String>, PathRejection>) -> Result<Json<Value>, Problem> {
    let id = id.map_err(|e| Problem::bad_request("bad-parameter", format!("proposal id: {e}")))?.0;
    if !valid_id(&id) {
        return Err(Problem::bad_request(
            "bad-parameter",
            format!("a proposal id is 1–64 characters of a-z, 0-9 and '-', not starting with '-' (got {id:?})"),
        ));
    }
    blocking(move || {
        let store = node.store();
        let Some(row) = store.proposal(&id)? else {
            return Err(Problem::new(
                StatusCode::NOT_FOUND,
                "unknown-proposal",
                "Unknown proposal",
                format!("no proposal or amendment {id:?}"),
            ));
        };
        let votes = store.votes(&id)?;
        let mut doc = doc_object(&row)?;
        let tally = match doc.get("tally") {
            Some(t) if t.is_object() => t.clone(),
            _ => json!(live_tally(&votes, &eligible(&store.members()?))),
        };
        let mut entries: BTreeSet<u64> =
            doc.get("entries").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_u64).collect();
        entries.extend(votes.iter().map(|v| v.index));
        let votes: Vec<Value> = votes
            .iter()
            .map(|v| {
                let mut o = json!({ "member": v.member, "vote": v.vote, "index": v.index });
                if let Some(e) = &v.explanation {
                    o["explanation"] = json!(e);
                }
                o
            })
            .collect();
        doc.insert("tally".into(), tally);
        doc.insert("votes".into(), json!(votes));
        doc.insert("entries".into(), json!(entries.into_iter().collect::<Vec<_>>()));
        Ok(Json(Value::Object(doc)))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, suspended: bool) -> MemberRow {
        MemberRow {
            id: id.into(),
            name: id.into(),
            vkey: String::new(),
            last_seq: 0,
            since: 0,
            key_since: 0,
            suspended,
        }
    }

    fn vote(member: &str, vote: &str, index: u64) -> VoteRow {
        VoteRow { proposal: "p".into(), member: member.into(), vote: vote.into(), explanation: None, index }
    }

    #[test]
    fn live_tally_counts_only_members_entitled_to_vote() {
        let members = [
            member("secretariat", false),
            member("FRA", false),
            member("DEU", false),
            member("ITA", true),
            member("ESP", false),
        ];
        let votes = [vote("FRA", "yes", 3), vote("ITA", "no", 4), vote("DEU", "abstain", 5)];
        let t = live_tally(&votes, &eligible(&members));
        assert_eq!(t, Tally { yes: 1, no: 0, abstain: 1, not_voting: 1 });
    }

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
