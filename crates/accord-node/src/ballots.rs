//! Read use case: a proposal (or amendment) as the public sees it — its
//! record, its recorded votes, every log entry involved, and its tally:
//! the final count kept in the record once the ballot closed, else the
//! count the core's one [`decisions::tally`] would make if it closed now,
//! over the members entitled to vote now. The JSON API and the portal's
//! pages both call this, so they always show the same numbers.
//!
//! What it is not: no HTTP and no SQL. It reads projections through
//! [`Store`] and returns plain structs; callers choose statuses and words.

use crate::NodeError;
use accord_core::acts::decision::VoteChoice;
use accord_core::decisions::rules::{Majority, Quorum};
use accord_core::decisions::{self, Tally};
use accord_core::MemberId;
use accord_store::{MemberRow, ProposalRow, Reads, VoteRow};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// A proposal with its votes and tally.
#[derive(Clone, Debug, PartialEq)]
pub struct Ballot {
    /// The core's `ProposalRecord` as JSON (everything but the votes).
    pub record: Map<String, Value>,
    /// The final count (see `tally_is_final`) or the live one.
    pub tally: Tally,
    /// The count was made when the ballot closed (it is in the record);
    /// otherwise it is counted now and may still change.
    pub tally_is_final: bool,
    /// The recorded votes, in log order.
    pub votes: Vec<VoteRow>,
    /// Every log entry about the proposal, votes included, ascending.
    pub entries: Vec<u64>,
}

/// Proposal `id` with its votes and tally; `None` if there is none.
pub fn ballot(store: &dyn Reads, id: &str) -> Result<Option<Ballot>, NodeError> {
    let Some(row) = store.proposal(id)? else {
        return Ok(None);
    };
    let record = record_of(&row)?;
    let votes = store.votes(id)?;
    let (tally, tally_is_final) = match recorded_tally(&row)? {
        Some(t) => (t, true),
        None => (live_tally(&votes, &eligible(&store.members()?)), false),
    };
    let mut entries: BTreeSet<u64> =
        record.get("entries").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_u64).collect();
    entries.extend(votes.iter().map(|v| v.index));
    Ok(Some(Ballot { record, tally, tally_is_final, votes, entries: entries.into_iter().collect() }))
}

/// The record of `row` as a JSON object.
pub fn record_of(row: &ProposalRow) -> Result<Map<String, Value>, NodeError> {
    match row.doc() {
        Value::Object(m) => Ok(m.clone()),
        _ => Err(NodeError::Corrupt(format!("the stored record of proposal {} is not a JSON object", row.id))),
    }
}

/// The final count kept in the record once a recorded vote closed.
pub fn recorded_tally(row: &ProposalRow) -> Result<Option<Tally>, NodeError> {
    let Some(t) = row.doc().get("tally").filter(|t| t.is_object()) else {
        return Ok(None);
    };
    let field = |k: &str| {
        t.get(k)
            .and_then(Value::as_u64)
            .ok_or_else(|| NodeError::Corrupt(format!("the stored tally of proposal {} has no count {k:?}", row.id)))
    };
    Ok(Some(Tally {
        yes: field("yes")?,
        no: field("no")?,
        abstain: field("abstain")?,
        not_voting: field("not_voting")?,
    }))
}

/// Live counts for many ballots: the members entitled to vote are read
/// once (on the first ballot that needs them), then each ballot's votes.
pub struct LiveTallies<'a> {
    store: &'a dyn Reads,
    eligible: Option<Vec<MemberId>>,
}

impl<'a> LiveTallies<'a> {
    pub fn new(store: &'a dyn Reads) -> LiveTallies<'a> {
        LiveTallies { store, eligible: None }
    }

    /// With the members already read by the caller.
    pub fn with_members(store: &'a dyn Reads, members: &[MemberRow]) -> LiveTallies<'a> {
        LiveTallies { store, eligible: Some(eligible(members)) }
    }

    /// The count of proposal `id` if its ballot closed now.
    pub fn count(&mut self, id: &str) -> Result<Tally, NodeError> {
        let votes = self.store.votes(id)?;
        let eligible = match &self.eligible {
            Some(e) => e,
            None => self.eligible.insert(eligible(&self.store.members()?)),
        };
        Ok(live_tally(&votes, eligible))
    }

    /// The record's final count, else the live one.
    pub fn tally_of(&mut self, row: &ProposalRow) -> Result<Tally, NodeError> {
        match recorded_tally(row)? {
            Some(t) => Ok(t),
            None => self.count(&row.id),
        }
    }
}

/// Members entitled to vote now: not suspended, not the secretariat (as
/// the core's `State::eligible`).
pub fn eligible(members: &[MemberRow]) -> Vec<MemberId> {
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
pub fn live_tally(votes: &[VoteRow], eligible: &[MemberId]) -> Tally {
    let cast: Vec<(MemberId, VoteChoice)> =
        votes.iter().filter_map(|v| Some((MemberId::parse(&v.member)?, vote_choice(&v.vote)?))).collect();
    let eligible: BTreeSet<&MemberId> = eligible.iter().collect();
    decisions::tally(cast.iter().map(|(m, v)| (m, *v)), &eligible, Majority::Simple, Quorum::None).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn member(id: &str, suspended: bool) -> MemberRow {
        MemberRow {
            id: id.into(),
            name: id.into(),
            names: Default::default(),
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

    fn row(doc: Value) -> ProposalRow {
        ProposalRow::new("p".into(), 1, "adopted".into(), doc.to_string()).unwrap()
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
    fn the_recorded_tally_is_read_from_the_record() {
        let r = row(json!({ "tally": { "yes": 3, "no": 1, "abstain": 0, "not_voting": 2 } }));
        assert_eq!(recorded_tally(&r).unwrap(), Some(Tally { yes: 3, no: 1, abstain: 0, not_voting: 2 }));
        assert_eq!(recorded_tally(&row(json!({ "id": "p" }))).unwrap(), None);
        assert!(recorded_tally(&row(json!({ "tally": { "yes": 3 } }))).is_err());
        assert!(record_of(&row(json!([1, 2]))).is_err());
    }
}
