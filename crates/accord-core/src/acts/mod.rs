//! Every kind of act a statement can carry, with its body.
//!
//! **Adding a statement type** happens here: a body struct in the family's
//! module (with its `validate`, the checks that need no state), one row in
//! the `acts!` table below (its wire name, its variant and body, the
//! domain arm that decides it), and that arm in its domain's enum
//! ([`BodyAct`], [`DecisionAct`], [`CodeAct`]). The enum, [`TYPES`],
//! parsing, the name, the encoding and the stateless checks all come from
//! the table. The compiler then stops at every rule that must say what the
//! act may do (the fold dispatches on [`Domain`] with no catch-all arm,
//! and so does [`Act::allowed_while_suspended`]). Document it in
//! `docs/PROTOCOL.md`.
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
pub mod share;
pub mod witness;
pub mod zone;

use crate::refusal::Refusal;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

pub use code::{CodeNorms, CodeSubscribe, CodeUnsubscribe};
pub use decision::{ClockTick, ProposalAmend, ProposalRef, ProposalSubmit, SilenceNote, VoteCast};
pub use genesis::Genesis;
pub use member::{KeyRotate, Rename};
pub use note::NotePublish;
pub use share::{ShareCommit, ShareCommunity, ShareCredential, ShareRevoke, ShareWithdraw};
pub use witness::{WitnessRegister, WitnessRetire};
pub use zone::{ZoneImport, ZonePublish};

/// The one table of statement types. Each row: the wire name, the
/// variant and its body type, and the domain arm that decides it. It makes
/// [`Act`], [`TYPES`], `Act::typed` (parsing by name), [`Act::type_name`],
/// [`Act::body`] (the encoding), `Act::validate` and [`Act::domain`].
macro_rules! acts {
    ($( $(#[$doc:meta])* $name:literal => $variant:ident($body:ty) => $dom:ident($sub:ident::$arm:ident), )+) => {
        /// A typed act: the statement's `type` and `body`, parsed. The large
        /// bodies are boxed so that the common acts (votes) stay small: the fold
        /// streams millions of entries.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Act {
            $( $(#[$doc])* $variant($body), )+
        }

        /// All statement types this version understands.
        pub const TYPES: &[&str] = &[$($name),+];

        impl Act {
            fn typed(kind: &str, v: &Value) -> Result<Act, Refusal> {
                Ok(match kind {
                    $( $name => Act::$variant(body(kind, v)?), )+
                    other => return Err(Refusal::UnknownType(other.chars().take(64).collect())),
                })
            }

            pub fn type_name(&self) -> &'static str {
                match self {
                    $( Act::$variant(_) => $name, )+
                }
            }

            /// The body as signed: its one encoding.
            pub fn body(&self) -> Value {
                match self {
                    $( Act::$variant(b) => to_value(b), )+
                }
            }

            /// Checks that need no state (lengths, formats).
            fn validate(&self) -> Result<(), Refusal> {
                let bad = |why: String| Refusal::BadBody { kind: self.type_name().to_string(), why };
                match self {
                    $( Act::$variant(b) => b.validate().map_err(bad), )+
                }
            }

            /// The domain whose rules decide this act.
            pub fn domain(&self) -> Domain<'_> {
                match self {
                    $( Act::$variant(b) => Domain::$dom($sub::$arm(b)), )+
                }
            }
        }
    };
}

acts! {
    /// `body.genesis` — entry 0: founds the body.
    "body.genesis" => Genesis(Box<Genesis>) => Body(BodyAct::Genesis),
    /// `member.key.rotate` — a member replaces its key.
    "member.key.rotate" => KeyRotate(KeyRotate) => Body(BodyAct::KeyRotate),
    /// `member.rename` — a member changes its own name.
    "member.rename" => Rename(Rename) => Body(BodyAct::Rename),
    /// `note.publish` — a member publishes a short text.
    "note.publish" => NotePublish(NotePublish) => Body(BodyAct::NotePublish),
    /// `proposal.submit` — a member tables a proposal.
    "proposal.submit" => ProposalSubmit(Box<ProposalSubmit>) => Decision(DecisionAct::Submit),
    /// `proposal.cosponsor` — a member joins as co-sponsor.
    "proposal.cosponsor" => ProposalCosponsor(ProposalRef) => Decision(DecisionAct::Cosponsor),
    /// `proposal.withdraw-cosponsor` — a co-sponsor withdraws.
    "proposal.withdraw-cosponsor" => ProposalWithdrawCosponsor(ProposalRef) => Decision(DecisionAct::WithdrawCosponsor),
    /// `proposal.withdraw` — the sponsor withdraws an unamended proposal.
    "proposal.withdraw" => ProposalWithdraw(ProposalRef) => Decision(DecisionAct::Withdraw),
    /// `proposal.amend` — an amendment, voted before its proposal.
    "proposal.amend" => ProposalAmend(Box<ProposalAmend>) => Decision(DecisionAct::Amend),
    /// `vote.cast` — a recorded vote, with an optional explanation.
    "vote.cast" => VoteCast(VoteCast) => Decision(DecisionAct::Vote),
    /// `silence.object` — breaks silence: the proposal goes to a vote.
    "silence.object" => SilenceObject(SilenceNote) => Decision(DecisionAct::Object),
    /// `silence.dissociate` — recorded, does not break silence.
    "silence.dissociate" => SilenceDissociate(SilenceNote) => Decision(DecisionAct::Dissociate),
    /// `clock.tick` — the secretariat marks the time.
    "clock.tick" => ClockTick(ClockTick) => Decision(DecisionAct::Tick),
    /// `code.subscribe` — a member subscribes to a version of a document.
    "code.subscribe" => CodeSubscribe(CodeSubscribe) => Code(CodeAct::Subscribe),
    /// `code.unsubscribe`.
    "code.unsubscribe" => CodeUnsubscribe(CodeUnsubscribe) => Code(CodeAct::Unsubscribe),
    /// `code.norms` — the secretariat maps an article to related norms.
    "code.norms" => CodeNorms(CodeNorms) => Code(CodeAct::Norms),
    /// `zone.import` — the secretariat imports the initial root zone registry, in parts.
    "zone.import" => ZoneImport(Box<ZoneImport>) => Zone(ZoneAct::Import),
    /// `zone.publish` — the secretariat records a published zone's serial and hash.
    "zone.publish" => ZonePublish(ZonePublish) => Zone(ZoneAct::Publish),
    /// `witness.register` — a member registers the witness it runs.
    "witness.register" => WitnessRegister(WitnessRegister) => Witness(WitnessAct::Register),
    /// `witness.retire` — a member retires its witness.
    "witness.retire" => WitnessRetire(WitnessRetire) => Witness(WitnessAct::Retire),
    /// `share.credential` — a member registers a TAXII credential (a salted hash of its secret).
    "share.credential" => ShareCredential(ShareCredential) => Share(ShareAct::Credential),
    /// `share.revoke` — a member revokes one of its credentials.
    "share.revoke" => ShareRevoke(ShareRevoke) => Share(ShareAct::Revoke),
    /// `share.community` — a member founds (or re-lists) a community.
    "share.community" => ShareCommunity(Box<ShareCommunity>) => Share(ShareAct::Community),
    /// `share.commit` — the secretariat's node records an envelope a member shared.
    "share.commit" => ShareCommit(Box<ShareCommit>) => Share(ShareAct::Commit),
    /// `share.withdraw` — the secretariat's node records objects a member withdrew.
    "share.withdraw" => ShareWithdraw(Box<ShareWithdraw>) => Share(ShareAct::Withdraw),
}

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
    /// The root zone registry.
    Zone(ZoneAct<'a>),
    /// The members' witnesses.
    Witness(WitnessAct<'a>),
    /// Threat sharing: credentials, communities, shares.
    Share(ShareAct<'a>),
}

#[derive(Clone, Copy, Debug)]
pub enum ShareAct<'a> {
    Credential(&'a ShareCredential),
    Revoke(&'a ShareRevoke),
    Community(&'a ShareCommunity),
    Commit(&'a ShareCommit),
    Withdraw(&'a ShareWithdraw),
}

#[derive(Clone, Copy, Debug)]
pub enum WitnessAct<'a> {
    Register(&'a WitnessRegister),
    Retire(&'a WitnessRetire),
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
pub enum ZoneAct<'a> {
    Import(&'a ZoneImport),
    Publish(&'a ZonePublish),
}

#[derive(Clone, Copy, Debug)]
pub enum CodeAct<'a> {
    Subscribe(&'a CodeSubscribe),
    Unsubscribe(&'a CodeUnsubscribe),
    Norms(&'a CodeNorms),
}

impl Act {
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
            | Act::CodeNorms(_)
            | Act::ZoneImport(_)
            | Act::ZonePublish(_)
            | Act::WitnessRegister(_)
            | Act::ShareCredential(_)
            | Act::ShareCommunity(_)
            // Signed by the secretariat, whom suspension never reaches;
            // the fold refuses a suspended sharer itself.
            | Act::ShareCommit(_) => false,
            // Giving up a witness, a credential or a share is no right of
            // membership.
            Act::WitnessRetire(_) | Act::ShareRevoke(_) | Act::ShareWithdraw(_) => true,
        }
    }

    /// Acts that do not count toward their signer's rate limits: the
    /// secretariat's clock ticks, and the shares its node records in a
    /// member's name (charged to the sharer, `crate::share`).
    pub fn rate_exempt(&self) -> bool {
        matches!(self, Act::ClockTick(_) | Act::ShareCommit(_) | Act::ShareWithdraw(_))
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
