//! What readers are given: the public API's types, in the JSON the API
//! publishes (docs/PROTOCOL.md §4), built from the store's rows. The rows
//! are the store's business and do not serialise: a change to the schema
//! changes a mapping here, never the API by accident.
//!
//! What it is not: access control (the read door, `Node::reads`, is where
//! it will live) and not the proposal records, which the API publishes as
//! the core's `ProposalRecord` JSON with the live tally beside it
//! (`ballots`).

use accord_store::{MemberRow, NoteRow, StatementRow, VoteRow};
use serde::Serialize;
use std::collections::BTreeMap;

/// A member state or the secretariat, as published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Member {
    pub id: String,
    pub name: String,
    /// The official name by language tag (empty when none was given).
    pub names: BTreeMap<String, String>,
    pub vkey: String,
    pub last_seq: u64,
    /// Index of the entry that admitted the member.
    pub since: u64,
    /// Index of the entry that set the current key.
    pub key_since: u64,
    /// Suspended from voting by decision.
    pub suspended: bool,
}

impl From<&MemberRow> for Member {
    fn from(r: &MemberRow) -> Member {
        Member {
            id: r.id.clone(),
            name: r.name.clone(),
            names: r.names.clone(),
            vkey: r.vkey.clone(),
            last_seq: r.last_seq,
            since: r.since,
            key_since: r.key_since,
            suspended: r.suspended,
        }
    }
}

/// A published note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    pub index: u64,
    pub member: String,
    pub time: String,
    pub text: String,
}

impl From<&NoteRow> for Note {
    fn from(r: &NoteRow) -> Note {
        Note { index: r.index, member: r.member.clone(), time: r.time.clone(), text: r.text.clone() }
    }
}

/// A member's recorded vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Vote {
    pub proposal: String,
    pub member: String,
    /// `yes`, `no` or `abstain`.
    pub vote: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// Index of the entry that cast it.
    pub index: u64,
}

impl From<&VoteRow> for Vote {
    fn from(r: &VoteRow) -> Vote {
        Vote {
            proposal: r.proposal.clone(),
            member: r.member.clone(),
            vote: r.vote.clone(),
            explanation: r.explanation.clone(),
            index: r.index,
        }
    }
}

/// One of a member's accepted statements.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub index: u64,
    pub seq: u64,
    /// The statement type, e.g. `vote.cast`.
    #[serde(rename = "type")]
    pub kind: String,
}

impl From<&StatementRow> for Statement {
    fn from(r: &StatementRow) -> Statement {
        Statement { index: r.index, seq: r.seq, kind: r.kind.clone() }
    }
}

/// Every row of `rows` as its view.
pub fn all<'a, R: 'a, V: From<&'a R>>(rows: &'a [R]) -> Vec<V> {
    rows.iter().map(V::from).collect()
}
