//! Projection rows as read back from storage: the store's own types,
//! which do not serialise (readers get `accord_node::views`).

use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberRow {
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteRow {
    pub index: u64,
    pub member: String,
    pub time: String,
    pub text: String,
}

/// A proposal or amendment as last changed: the core's `ProposalRecord`
/// (everything but votes), kept as the JSON it serialises to.
#[derive(Clone, Debug)]
pub struct ProposalRow {
    pub id: String,
    /// Index of the entry that submitted it (`record.entries[0]`); lists
    /// are ordered by it.
    pub seq: u64,
    /// `Status::as_str` of the record (`open`, `voting`, `adopted`, …).
    pub status: String,
    /// The `ProposalRecord` as its JSON text (checked to be JSON when
    /// read): a page that shows a list parses it straight into the fields
    /// it needs, without building a [`serde_json::Value`].
    pub json: String,
    /// The same as a JSON value, parsed on first use ([`ProposalRow::doc`]).
    doc: std::sync::OnceLock<serde_json::Value>,
}

impl ProposalRow {
    /// A row from the record's JSON text, which must be JSON.
    pub fn new(id: String, seq: u64, status: String, json: String) -> Result<ProposalRow, serde_json::Error> {
        // Checked without building anything (no allocation per field).
        serde_json::from_str::<serde::de::IgnoredAny>(&json)?;
        Ok(ProposalRow { id, seq, status, json, doc: std::sync::OnceLock::new() })
    }

    /// The record as a JSON value (parsed once, on first use).
    pub fn doc(&self) -> &serde_json::Value {
        // `new` checked the text is JSON, so this parse does not fail.
        self.doc.get_or_init(|| serde_json::from_str(&self.json).unwrap_or(serde_json::Value::Null))
    }
}

impl PartialEq for ProposalRow {
    fn eq(&self, other: &ProposalRow) -> bool {
        (&self.id, self.seq, &self.status, self.doc()) == (&other.id, other.seq, &other.status, other.doc())
    }
}

/// A member's recorded vote (the latest, if the rules let it change).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoteRow {
    pub proposal: String,
    pub member: String,
    /// `yes`, `no` or `abstain`.
    pub vote: String,
    pub explanation: Option<String>,
    /// Index of the entry that cast it.
    pub index: u64,
}

/// An accepted statement of a member (`p_statements`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementRow {
    pub index: u64,
    pub seq: u64,
    /// The statement type, e.g. `vote.cast`.
    pub kind: String,
}
