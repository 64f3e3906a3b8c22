//! A proposal's record, parsed from the JSON the store keeps (the core's
//! `ProposalRecord`), and the words the pages use for its parts: status,
//! procedure, question, how it was adopted.
//!
//! What it is not: no rules. It reads what the core decided; it never
//! decides anything again.

use crate::ctx::Ctx;
use crate::layout::PageError;
use accord_core::acts::decision::{Procedure, Question};
use accord_core::decisions::Status;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::{Map, Value};

/// A co-sponsor, with the entry that made it one.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct Cosponsor {
    pub member: String,
    pub index: u64,
}

/// An objection or a dissociation under the silence procedure.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct SilenceNote {
    pub member: String,
    pub reason: String,
    pub index: u64,
}

/// The fields of `ProposalRecord` the pages show.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct Record {
    pub id: String,
    #[serde(default)]
    pub amends: Option<String>,
    pub sponsor: String,
    pub title: String,
    pub text: String,
    #[serde(default)]
    pub original_text: Option<String>,
    pub question: Question,
    pub procedure: Procedure,
    pub submitted: String,
    pub closes: String,
    #[serde(default)]
    pub action: Option<Value>,
    pub status: String,
    #[serde(default)]
    pub adopted_by: Option<String>,
    #[serde(default)]
    pub cosponsors: Vec<Cosponsor>,
    #[serde(default)]
    pub objections: Vec<SilenceNote>,
    #[serde(default)]
    pub dissociations: Vec<SilenceNote>,
    #[serde(default)]
    pub amendments: Vec<String>,
    #[serde(default)]
    pub entries: Vec<u64>,
    #[serde(default)]
    pub closed_at: Option<u64>,
    #[serde(default)]
    pub action_result: Option<String>,
    /// The final count, once a recorded vote closed.
    #[serde(default)]
    pub tally: Option<StoredTally>,
}

/// The final count as the record keeps it.
#[derive(Clone, Copy, Debug, Deserialize)]
pub(crate) struct StoredTally {
    pub yes: u64,
    pub no: u64,
    pub abstain: u64,
    pub not_voting: u64,
}

impl From<StoredTally> for accord_core::decisions::Tally {
    fn from(t: StoredTally) -> Self {
        accord_core::decisions::Tally { yes: t.yes, no: t.no, abstain: t.abstain, not_voting: t.not_voting }
    }
}

impl Record {
    /// Parses a stored record straight from its JSON text (a list page
    /// reads many: no `serde_json::Value` is built).
    pub fn parse_str(json: &str) -> Result<Record, PageError> {
        serde_json::from_str(json).map_err(|e| PageError::storage(format!("a stored proposal record: {e}")))
    }

    /// Parses a stored record; a record that does not parse is a storage
    /// fault, not the visitor's.
    pub fn parse(doc: &Map<String, Value>) -> Result<Record, PageError> {
        Record::deserialize(doc).map_err(|e| PageError::storage(format!("a stored proposal record: {e}")))
    }

    /// The entry that tabled it.
    pub fn submitted_at(&self) -> Option<u64> {
        self.entries.first().copied()
    }

    pub fn status(&self) -> Option<Status> {
        Status::parse(&self.status)
    }

    /// Still to be decided.
    pub fn is_pending(&self) -> bool {
        self.status().is_some_and(Status::is_pending)
    }

    /// A recorded vote is (or was) held: a vote from the start, or a
    /// silence broken by an objection.
    pub fn has_vote(&self) -> bool {
        self.procedure == Procedure::Vote || !self.objections.is_empty()
    }
}

/// A status as a badge: its word, never its colour alone.
pub(crate) fn status_badge(ctx: &Ctx, status: &str) -> Markup {
    html! { span class=(format!("status status-{status}")) { (ctx.t(&format!("status-{status}"))) } }
}

pub(crate) fn procedure_words(ctx: &Ctx, p: Procedure) -> String {
    ctx.t(match p {
        Procedure::Vote => "proposals-procedure-vote",
        Procedure::Silence => "proposals-procedure-silence",
    })
}

pub(crate) fn question_words(ctx: &Ctx, q: Question) -> String {
    ctx.t(match q {
        Question::Ordinary => "proposals-question-ordinary",
        Question::Important => "proposals-question-important",
    })
}

/// How an adopted proposal was adopted, in words (`None` for other ones).
pub(crate) fn adopted_by_words(ctx: &Ctx, adopted_by: Option<&str>) -> Option<String> {
    match adopted_by? {
        "vote" => Some(ctx.t("proposals-adopted-by-vote")),
        "consensus" => Some(ctx.t("proposals-adopted-by-consensus")),
        _ => None,
    }
}

/// A vote as text with its class (`vote-yes`, …): the word carries the
/// meaning, the colour only repeats it.
pub(crate) fn vote_badge(ctx: &Ctx, vote: &str) -> Markup {
    let id = match vote {
        "yes" => "proposals-vote-yes",
        "no" => "proposals-vote-no",
        "abstain" => "proposals-vote-abstain",
        _ => return html! { (vote) },
    };
    html! { span class=(format!("vote-{vote}")) { (ctx.t(id)) } }
}

/// A member as a link to its page, by name when known.
pub(crate) fn member_link(id: &str, name: Option<&str>) -> Markup {
    html! { a href=(format!("/members/{id}")) { bdi { (name.unwrap_or(id)) } } }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_record_as_the_core_writes_it_parses() {
        let doc = json!({
            "id": "p-1", "sponsor": "FRA", "title": "T", "text": "x", "question": "important",
            "procedure": "silence", "submitted": "2026-01-01T00:00:00Z", "closes": "2026-01-04T00:00:00Z",
            "status": "voting", "cosponsors": [{ "member": "DEU", "index": 4 }],
            "objections": [{ "member": "ITA", "reason": "no", "index": 5 }], "dissociations": [],
            "amendments": [], "entries": [3, 4, 5]
        });
        let Value::Object(m) = doc else { panic!() };
        let r = Record::parse(&m).unwrap();
        assert_eq!((r.question, r.procedure), (Question::Important, Procedure::Silence));
        assert!(r.is_pending() && r.has_vote());
        assert_eq!(r.submitted_at(), Some(3));
        assert_eq!(r.cosponsors[0].member, "DEU");
    }
}
