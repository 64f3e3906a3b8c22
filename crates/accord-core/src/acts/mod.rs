//! Every kind of act a statement can carry, with its body.
//!
//! **Adding a statement type** happens here and only here: add a body struct
//! in the family's module, a variant to [`Act`], its name in [`Act::parse`]
//! and [`Act::type_name`], and its rule in `State::check_act` /
//! `State::commit_act` (in `state.rs`; decision acts in
//! `decisions/engine.rs`). Document it in `docs/PROTOCOL.md`.

pub mod code;
pub mod decision;
pub mod genesis;
pub mod member;
pub mod note;

use crate::refusal::Refusal;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

pub use code::{CodeNorms, CodeSubscribe, CodeUnsubscribe};
pub use decision::{ClockTick, ProposalAmend, ProposalRef, ProposalSubmit, SilenceNote, VoteCast};
pub use genesis::Genesis;
pub use member::KeyRotate;
pub use note::NotePublish;

/// A typed act: the statement's `type` and `body`, parsed. The large
/// bodies are boxed so that the common acts (votes) stay small: the fold
/// streams millions of entries.
#[derive(Clone, Debug, PartialEq)]
pub enum Act {
    /// `body.genesis` — entry 0: founds the body.
    Genesis(Box<Genesis>),
    /// `member.key.rotate` — a member replaces its key.
    KeyRotate(KeyRotate),
    /// `note.publish` — a member publishes a short text.
    NotePublish(NotePublish),
    /// `proposal.submit` — a member tables a proposal.
    ProposalSubmit(Box<ProposalSubmit>),
    /// `proposal.cosponsor` — a member joins as co-sponsor.
    ProposalCosponsor(ProposalRef),
    /// `proposal.withdraw-cosponsor` — a co-sponsor withdraws.
    ProposalWithdrawCosponsor(ProposalRef),
    /// `proposal.withdraw` — the sponsor withdraws an unamended proposal.
    ProposalWithdraw(ProposalRef),
    /// `proposal.amend` — an amendment, voted before its proposal.
    ProposalAmend(Box<ProposalAmend>),
    /// `vote.cast` — a recorded vote, with an optional explanation.
    VoteCast(VoteCast),
    /// `silence.object` — breaks silence: the proposal goes to a vote.
    SilenceObject(SilenceNote),
    /// `silence.dissociate` — recorded, does not break silence.
    SilenceDissociate(SilenceNote),
    /// `clock.tick` — the secretariat marks the time.
    ClockTick(ClockTick),
    /// `code.subscribe` — a member subscribes to a version of a document.
    CodeSubscribe(CodeSubscribe),
    /// `code.unsubscribe`.
    CodeUnsubscribe(CodeUnsubscribe),
    /// `code.norms` — the secretariat maps an article to related norms.
    CodeNorms(CodeNorms),
}

/// All statement types this version understands.
pub const TYPES: &[&str] = &[
    "body.genesis",
    "member.key.rotate",
    "note.publish",
    "proposal.submit",
    "proposal.cosponsor",
    "proposal.withdraw-cosponsor",
    "proposal.withdraw",
    "proposal.amend",
    "vote.cast",
    "silence.object",
    "silence.dissociate",
    "clock.tick",
    "code.subscribe",
    "code.unsubscribe",
    "code.norms",
];

fn body<T: DeserializeOwned>(kind: &str, v: Value) -> Result<T, Refusal> {
    serde_json::from_value(v).map_err(|e| Refusal::BadBody { kind: kind.to_string(), why: e.to_string() })
}

fn to_value<T: Serialize>(t: &T) -> Value {
    // Bodies are plain structs of strings, numbers and lists: they always
    // serialise.
    serde_json::to_value(t).unwrap_or(Value::Null)
}

impl Act {
    pub fn parse(kind: &str, v: Value) -> Result<Act, Refusal> {
        let act = match kind {
            "body.genesis" => Act::Genesis(body(kind, v)?),
            "member.key.rotate" => Act::KeyRotate(body(kind, v)?),
            "note.publish" => Act::NotePublish(body(kind, v)?),
            "proposal.submit" => Act::ProposalSubmit(body(kind, v)?),
            "proposal.cosponsor" => Act::ProposalCosponsor(body(kind, v)?),
            "proposal.withdraw-cosponsor" => Act::ProposalWithdrawCosponsor(body(kind, v)?),
            "proposal.withdraw" => Act::ProposalWithdraw(body(kind, v)?),
            "proposal.amend" => Act::ProposalAmend(body(kind, v)?),
            "vote.cast" => Act::VoteCast(body(kind, v)?),
            "silence.object" => Act::SilenceObject(body(kind, v)?),
            "silence.dissociate" => Act::SilenceDissociate(body(kind, v)?),
            "clock.tick" => Act::ClockTick(body(kind, v)?),
            "code.subscribe" => Act::CodeSubscribe(body(kind, v)?),
            "code.unsubscribe" => Act::CodeUnsubscribe(body(kind, v)?),
            "code.norms" => Act::CodeNorms(body(kind, v)?),
            other => return Err(Refusal::UnknownType(other.chars().take(64).collect())),
        };
        act.validate()?;
        Ok(act)
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Act::Genesis(_) => "body.genesis",
            Act::KeyRotate(_) => "member.key.rotate",
            Act::NotePublish(_) => "note.publish",
            Act::ProposalSubmit(_) => "proposal.submit",
            Act::ProposalCosponsor(_) => "proposal.cosponsor",
            Act::ProposalWithdrawCosponsor(_) => "proposal.withdraw-cosponsor",
            Act::ProposalWithdraw(_) => "proposal.withdraw",
            Act::ProposalAmend(_) => "proposal.amend",
            Act::VoteCast(_) => "vote.cast",
            Act::SilenceObject(_) => "silence.object",
            Act::SilenceDissociate(_) => "silence.dissociate",
            Act::ClockTick(_) => "clock.tick",
            Act::CodeSubscribe(_) => "code.subscribe",
            Act::CodeUnsubscribe(_) => "code.unsubscribe",
            Act::CodeNorms(_) => "code.norms",
        }
    }

    pub fn body(&self) -> Value {
        match self {
            Act::Genesis(b) => to_value(b),
            Act::KeyRotate(b) => to_value(b),
            Act::NotePublish(b) => to_value(b),
            Act::ProposalSubmit(b) => to_value(b),
            Act::ProposalCosponsor(b) | Act::ProposalWithdrawCosponsor(b) | Act::ProposalWithdraw(b) => to_value(b),
            Act::ProposalAmend(b) => to_value(b),
            Act::VoteCast(b) => to_value(b),
            Act::SilenceObject(b) | Act::SilenceDissociate(b) => to_value(b),
            Act::ClockTick(b) => to_value(b),
            Act::CodeSubscribe(b) => to_value(b),
            Act::CodeUnsubscribe(b) => to_value(b),
            Act::CodeNorms(b) => to_value(b),
        }
    }

    /// Checks that need no state (lengths, formats).
    fn validate(&self) -> Result<(), Refusal> {
        let bad = |why: String| Refusal::BadBody { kind: self.type_name().to_string(), why };
        match self {
            Act::Genesis(g) => g.validate().map_err(bad),
            Act::KeyRotate(k) => k.validate().map_err(bad),
            Act::NotePublish(n) => n.validate().map_err(bad),
            Act::ProposalSubmit(b) => b.validate().map_err(bad),
            Act::ProposalCosponsor(b) | Act::ProposalWithdrawCosponsor(b) | Act::ProposalWithdraw(b) => {
                b.validate().map_err(bad)
            }
            Act::ProposalAmend(b) => b.validate().map_err(bad),
            Act::VoteCast(b) => b.validate().map_err(bad),
            Act::SilenceObject(b) | Act::SilenceDissociate(b) => b.validate().map_err(bad),
            Act::ClockTick(_) => Ok(()),
            Act::CodeSubscribe(b) => b.validate().map_err(bad),
            Act::CodeUnsubscribe(b) => b.validate().map_err(bad),
            Act::CodeNorms(b) => b.validate().map_err(bad),
        }
    }
}
