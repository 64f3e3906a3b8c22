//! Democratic decisions (DESIGN.md §6), as part of the pure fold.
//!
//! Proposals, co-sponsors, amendments, recorded votes and the silence
//! procedure are kept in [`Decisions`]; `engine.rs` has the rules that
//! check and apply each act and close ballots. A ballot closes at the first
//! entry whose time is at or after its deadline, before that entry's own
//! act is checked, so a replay of the log decides exactly as the live
//! sequencer did. [`tally`] is the one count of a recorded vote.
//!
//! What it is not: no I/O, no clock. Projections and the HTTP view are
//! built from the records and effects it returns.

mod competition;
pub(crate) mod engine;
pub mod rules;
mod snapshot;

use crate::acts::decision::{Action, Procedure, Question, VoteChoice};
use crate::ids::{LogIndex, MemberId};
use crate::time::Timestamp;
use rules::Majority;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Where a proposal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Circulating: a recorded vote not yet closed, or a silence procedure
    /// not yet broken.
    Open,
    /// Silence was broken: now a recorded vote.
    Voting,
    Adopted,
    Rejected,
    FailedQuorum,
    Withdrawn,
    /// An amendment not voted because an earlier one was adopted.
    Moot,
}

impl Status {
    pub const ALL: &'static [Status] = &[
        Status::Open,
        Status::Voting,
        Status::Adopted,
        Status::Rejected,
        Status::FailedQuorum,
        Status::Withdrawn,
        Status::Moot,
    ];

    /// Still to be decided: what "open ballots" means on every page.
    pub const PENDING: &'static [Status] = &[Status::Open, Status::Voting];
    /// Decided by the members' vote or silence.
    pub const DECIDED: &'static [Status] = &[Status::Adopted, Status::Rejected, Status::FailedQuorum];

    /// The `as_str` names of `statuses`.
    pub fn names(statuses: &[Status]) -> Vec<&'static str> {
        statuses.iter().map(|s| s.as_str()).collect()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Voting => "voting",
            Status::Adopted => "adopted",
            Status::Rejected => "rejected",
            Status::FailedQuorum => "failed-quorum",
            Status::Withdrawn => "withdrawn",
            Status::Moot => "moot",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.iter().copied().find(|st| st.as_str() == s)
    }

    /// Still to be decided.
    pub fn is_pending(self) -> bool {
        matches!(self, Status::Open | Status::Voting)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdoptedBy {
    Vote,
    Consensus,
}

/// The count of a recorded vote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub yes: u64,
    pub no: u64,
    pub abstain: u64,
    /// Members entitled to vote who did not.
    pub not_voting: u64,
}

/// A member's vote on a proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VoteRecord {
    pub vote: VoteChoice,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    pub index: LogIndex,
}

/// An objection or a dissociation under the silence procedure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SilenceRecord {
    pub member: MemberId,
    pub reason: String,
    pub index: LogIndex,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cosponsor {
    pub member: MemberId,
    pub index: LogIndex,
}

/// Everything about a proposal (or amendment) except its votes, which are
/// kept and projected one by one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProposalRecord {
    pub id: String,
    /// For an amendment: the proposal it amends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amends: Option<String>,
    pub sponsor: MemberId,
    pub title: String,
    /// The text as it stands (amended, if an amendment was adopted).
    pub text: String,
    /// The text as submitted, once an amendment changed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_text: Option<String>,
    pub question: Question,
    pub procedure: Procedure,
    #[serde(serialize_with = "rfc3339")]
    pub submitted: Timestamp,
    /// The current deadline (a broken silence sets a new one).
    #[serde(serialize_with = "rfc3339")]
    pub closes: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adopted_by: Option<AdoptedBy>,
    pub cosponsors: Vec<Cosponsor>,
    pub objections: Vec<SilenceRecord>,
    pub dissociations: Vec<SilenceRecord>,
    /// Amendment ids, in the order they are voted.
    pub amendments: Vec<String>,
    /// Log indices of every entry about it except votes: submission,
    /// co-sponsorship, amendments, objections, dissociations, withdrawal,
    /// and the entry that closed it.
    pub entries: Vec<LogIndex>,
    /// The entry at which the ballot closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<LogIndex>,
    /// The final count, once a recorded vote closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tally: Option<Tally>,
    /// What became of the action of an adopted proposal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_result: Option<String>,
}

fn rfc3339<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339())
}

impl ProposalRecord {
    pub fn is_amendment(&self) -> bool {
        self.amends.is_some()
    }
}

/// A proposal with its votes.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    pub record: ProposalRecord,
    pub votes: BTreeMap<MemberId, VoteRecord>,
    /// The question that sets the majority: an amendment takes its
    /// proposal's.
    pub(crate) majority_question: Question,
}

/// What a domain is told when a proposal carrying one of its actions is
/// adopted: by which proposal, at what time (its deadline).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Adoption<'a> {
    pub proposal: &'a str,
    pub time: Timestamp,
}

/// What became of an adopted action: the words of the record's
/// `action_result` (`applied: …` or `not applied: …`), and whether the
/// body's state changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub applied: bool,
    pub said: String,
}

/// All proposals (their deadlines are in the state's one scheduler,
/// [`crate::deadlines`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decisions {
    /// By id. A hash map: the fold looks a proposal up for every vote.
    /// Each behind an `Arc`, so that a copy of the state (for a snapshot)
    /// shares every proposal and costs one pointer each; a proposal is
    /// copied only when it changes while a copy holds it
    /// ([`Decisions::proposal_mut`]).
    pub(crate) proposals: HashMap<String, std::sync::Arc<Proposal>>,
    /// Ids in the order they were tabled (for deterministic iteration).
    pub(crate) order: Vec<String>,
}

impl Decisions {
    pub fn get(&self, id: &str) -> Option<&Proposal> {
        self.proposals.get(id).map(|p| &**p)
    }

    /// The proposal, to change (copied first if a copy of the state
    /// shares it).
    pub(crate) fn proposal_mut(&mut self, id: &str) -> Option<&mut Proposal> {
        self.proposals.get_mut(id).map(std::sync::Arc::make_mut)
    }

    /// Every proposal and amendment, in the order they were tabled.
    pub fn iter(&self) -> impl Iterator<Item = &Proposal> {
        self.order.iter().filter_map(|id| self.proposals.get(id).map(|p| &**p))
    }

    pub fn len(&self) -> usize {
        self.proposals.len()
    }

    pub fn is_empty(&self) -> bool {
        self.proposals.is_empty()
    }
}

/// The result of a recorded vote, counted from the votes of members
/// entitled to vote at the close (`eligible`), under `majority` and the
/// quorum rule. Abstentions are not votes; a tie fails.
pub fn tally<'a>(
    votes: impl IntoIterator<Item = (&'a MemberId, VoteChoice)>,
    eligible: &BTreeSet<&MemberId>,
    majority: Majority,
    quorum: rules::Quorum,
) -> (Tally, Status) {
    let mut t = Tally::default();
    for (m, v) in votes {
        if !eligible.contains(m) {
            continue;
        }
        match v {
            VoteChoice::Yes => t.yes += 1,
            VoteChoice::No => t.no += 1,
            VoteChoice::Abstain => t.abstain += 1,
        }
    }
    let participants = t.yes + t.no + t.abstain;
    t.not_voting = (eligible.len() as u64).saturating_sub(participants);
    let status = if !quorum.met(participants, eligible.len() as u64) {
        Status::FailedQuorum
    } else if majority.met(t.yes, t.no) {
        Status::Adopted
    } else {
        Status::Rejected
    };
    (t, status)
}
