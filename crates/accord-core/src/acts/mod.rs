//! Every kind of act a statement can carry, with its body.
//!
//! **Adding a statement type** happens here: add a body struct in the
//! family's module, a variant to [`Act`], its name in [`Act::parse`] and
//! [`Act::type_name`], and its place in [`Act::domain`]. The compiler then
//! stops at every rule that must say what the act may do (the fold
//! dispatches on [`Domain`] with no catch-all arm, and so does
//! [`Act::allowed_while_suspended`]). Document it in `docs/PROTOCOL.md`.
//!
//! **One act, one encoding.** A body is accepted only if its typed form
//! re-encodes to exactly the JSON that was signed ([`Act::parse`] checks
//! it): an optional field is absent or holds a valid value, never `null`
//! and never its default written out; unknown fields are refused.

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
pub use member::{KeyRotate, Rename};
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
    /// `member.rename` — a member changes its own name.
    Rename(Rename),
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
    "member.rename",
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

fn body<T: DeserializeOwned>(kind: &str, v: &Value) -> Result<T, Refusal> {
    // The path names the field in the refusal (`action.changes[0].lang: …`).
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let why = e.into_inner().to_string();
        Refusal::BadBody { kind: kind.to_string(), why: if path == "." { why } else { format!("{path}: {why}") } }
    })
}

fn to_value<T: Serialize>(t: &T) -> Value {
    // Bodies are plain structs of strings, numbers and lists: they always
    // serialise.
    serde_json::to_value(t).unwrap_or(Value::Null)
}

/// An act seen as the domain whose rules decide it. The fold dispatches
/// on this with no catch-all arm: an act without a rule does not compile.
#[derive(Clone, Copy, Debug)]
pub enum Domain<'a> {
    /// The body and its members.
    Body(BodyAct<'a>),
    Decision(DecisionAct<'a>),
    Code(CodeAct<'a>),
}

#[derive(Clone, Copy, Debug)]
pub enum BodyAct<'a> {
    Genesis(&'a Genesis),
    KeyRotate(&'a KeyRotate),
    Rename(&'a Rename),
    NotePublish(&'a NotePublish),
}

#[derive(Clone, Copy, Debug)]
pub enum DecisionAct<'a> {
    Submit(&'a ProposalSubmit),
    Cosponsor(&'a ProposalRef),
    WithdrawCosponsor(&'a ProposalRef),
    Withdraw(&'a ProposalRef),
    Amend(&'a ProposalAmend),
    Vote(&'a VoteCast),
    Object(&'a SilenceNote),
    Dissociate(&'a SilenceNote),
    Tick(&'a ClockTick),
}

#[derive(Clone, Copy, Debug)]
pub enum CodeAct<'a> {
    Subscribe(&'a CodeSubscribe),
    Unsubscribe(&'a CodeUnsubscribe),
    Norms(&'a CodeNorms),
}

impl Act {
    /// The domain whose rules decide this act.
    pub fn domain(&self) -> Domain<'_> {
        match self {
            Act::Genesis(b) => Domain::Body(BodyAct::Genesis(b)),
            Act::KeyRotate(b) => Domain::Body(BodyAct::KeyRotate(b)),
            Act::Rename(b) => Domain::Body(BodyAct::Rename(b)),
            Act::NotePublish(b) => Domain::Body(BodyAct::NotePublish(b)),
            Act::ProposalSubmit(b) => Domain::Decision(DecisionAct::Submit(b)),
            Act::ProposalCosponsor(b) => Domain::Decision(DecisionAct::Cosponsor(b)),
            Act::ProposalWithdrawCosponsor(b) => Domain::Decision(DecisionAct::WithdrawCosponsor(b)),
            Act::ProposalWithdraw(b) => Domain::Decision(DecisionAct::Withdraw(b)),
            Act::ProposalAmend(b) => Domain::Decision(DecisionAct::Amend(b)),
            Act::VoteCast(b) => Domain::Decision(DecisionAct::Vote(b)),
            Act::SilenceObject(b) => Domain::Decision(DecisionAct::Object(b)),
            Act::SilenceDissociate(b) => Domain::Decision(DecisionAct::Dissociate(b)),
            Act::ClockTick(b) => Domain::Decision(DecisionAct::Tick(b)),
            Act::CodeSubscribe(b) => Domain::Code(CodeAct::Subscribe(b)),
            Act::CodeUnsubscribe(b) => Domain::Code(CodeAct::Unsubscribe(b)),
            Act::CodeNorms(b) => Domain::Code(CodeAct::Norms(b)),
        }
    }

    /// May a suspended member perform this act? (GA rules, art. 19; the
    /// Charter's art. 5.) A suspended member loses the rights of
    /// membership but keeps its key and its voice: only rotating its key
    /// and publishing notes remain open to it.
    pub fn allowed_while_suspended(&self) -> bool {
        match self {
            Act::KeyRotate(_) | Act::Rename(_) | Act::NotePublish(_) => true,
            Act::Genesis(_)
            | Act::ProposalSubmit(_)
            | Act::ProposalCosponsor(_)
            | Act::ProposalWithdrawCosponsor(_)
            | Act::ProposalWithdraw(_)
            | Act::ProposalAmend(_)
            | Act::VoteCast(_)
            | Act::SilenceObject(_)
            | Act::SilenceDissociate(_)
            | Act::ClockTick(_)
            | Act::CodeSubscribe(_)
            | Act::CodeUnsubscribe(_)
            | Act::CodeNorms(_) => false,
        }
    }

    /// Builds an act to be signed from a body written by hand (the CLI, the
    /// demo): like [`Act::parse`], but the body need not be in its one
    /// encoding already: what is signed is the act's own encoding.
    pub fn build(kind: &str, v: &Value) -> Result<Act, Refusal> {
        let act = Act::typed(kind, v)?;
        act.validate()?;
        Ok(act)
    }

    /// Parses a body of type `kind`. Refused unless the typed body
    /// re-encodes to exactly `v` (one act, one encoding), and unless it
    /// passes the checks that need no state.
    pub fn parse(kind: &str, v: &Value) -> Result<Act, Refusal> {
        let act = Act::typed(kind, v)?;
        let encoded = act.body();
        if encoded != *v {
            return Err(Refusal::BadBody { kind: kind.to_string(), why: one_encoding(v, &encoded, "") });
        }
        act.validate()?;
        Ok(act)
    }

    fn typed(kind: &str, v: &Value) -> Result<Act, Refusal> {
        Ok(match kind {
            "body.genesis" => Act::Genesis(body(kind, v)?),
            "member.key.rotate" => Act::KeyRotate(body(kind, v)?),
            "member.rename" => Act::Rename(body(kind, v)?),
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
        })
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Act::Genesis(_) => "body.genesis",
            Act::KeyRotate(_) => "member.key.rotate",
            Act::Rename(_) => "member.rename",
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
            Act::Rename(b) => to_value(b),
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
            Act::Rename(r) => r.validate().map_err(bad),
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

/// Why `got` (as signed) is not `want` (the typed body re-encoded): names
/// the first field that differs.
fn one_encoding(got: &Value, want: &Value, path: &str) -> String {
    let at = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for (k, gv) in g {
                match w.get(k) {
                    None if gv.is_null() => {
                        return format!("{} is null: leave an optional field out instead of writing null", at(k))
                    }
                    None => {
                        return format!(
                            "{} is written out with its default value {}: leave it out",
                            at(k),
                            crate::statement::canonical_json(gv)
                        )
                    }
                    Some(wv) if wv != gv => return one_encoding(gv, wv, &at(k)),
                    Some(_) => {}
                }
            }
            match w.keys().find(|k| !g.contains_key(*k)) {
                Some(k) => format!("{} is missing: it must be given, even when empty", at(k)),
                None => format!("{} does not have its one encoding", if path.is_empty() { "the body" } else { path }),
            }
        }
        (Value::Array(g), Value::Array(w)) if g.len() == w.len() => {
            match g.iter().zip(w).enumerate().find(|(_, (a, b))| a != b) {
                Some((i, (a, b))) => one_encoding(a, b, &format!("{path}[{i}]")),
                None => format!("{path} does not have its one encoding"),
            }
        }
        _ => format!(
            "{} must be written {} to have its one encoding",
            if path.is_empty() { "the body" } else { path },
            crate::statement::canonical_json(want)
        ),
    }
}
