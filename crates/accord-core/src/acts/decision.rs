//! Acts of the decision procedure (DESIGN.md §6): proposals, co-sponsors,
//! amendments, recorded votes, the silence procedure and clock ticks.
//! How they combine is in `crate::decisions`.

use crate::decisions::rules::RulesChange;
use crate::ids::MemberId;
use crate::time::Timestamp;
use accord_log::VerifierKey;
use serde::{Deserialize, Serialize};

/// Longest proposal or amendment text, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Longest title, explanation of vote, objection or dissociation.
pub const MAX_SHORT_CHARS: usize = 2_000;

/// The actions an adopted proposal can carry.
pub const ACTION_TYPES: &[&str] = &[
    "member.admit",
    "member.reinstate",
    "member.suspend",
    "rules.change",
    "code.establish",
    "code.amend",
    "code.translate",
    "zone.change",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Question {
    Ordinary,
    Important,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Procedure {
    /// A recorded vote until `closes`.
    Vote,
    /// Adopted by consensus at `closes` unless a member objects first.
    Silence,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VoteChoice {
    Yes,
    No,
    Abstain,
}

/// What an adopted proposal does, in the same fold that adopts it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum Action {
    /// A new member with its key.
    #[serde(rename = "member.admit")]
    MemberAdmit {
        member: MemberId,
        name: String,
        /// Its official name by language (absent when not given).
        #[serde(default, skip_serializing_if = "crate::names::Names::is_empty")]
        names: crate::names::Names,
        vkey: String,
    },
    /// The member may no longer vote.
    #[serde(rename = "member.suspend")]
    MemberSuspend { member: MemberId },
    /// The member may vote again.
    #[serde(rename = "member.reinstate")]
    MemberReinstate { member: MemberId },
    /// Some rules of procedure change.
    #[serde(rename = "rules.change")]
    RulesChange { rules: RulesChange },
    /// A new document, as its version 1.
    #[serde(rename = "code.establish")]
    CodeEstablish { document: Box<crate::code::DocumentDraft> },
    /// A new version of a document: `changes` applied to version `base`
    /// (which must be the latest when the proposal is tabled).
    #[serde(rename = "code.amend")]
    CodeAmend { document: String, base: u32, changes: Vec<crate::code::Change> },
    /// A translation of one article of one version into one language;
    /// adopted by the silence procedure only.
    #[serde(rename = "code.translate")]
    CodeTranslate { document: String, version: u32, article: String, lang: crate::code::Lang, text: String },
    /// Adds, changes or removes one delegation of the root zone. `add`
    /// carries the delegation and its sponsor; `change` the delegation (and
    /// a new sponsor, if any); `remove` neither.
    #[serde(rename = "zone.change")]
    ZoneChange {
        op: ZoneOp,
        tld: accord_zone::Tld,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delegation: Option<accord_zone::Delegation>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sponsor: Option<crate::zone::Sponsor>,
    },
}

/// What a `zone.change` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ZoneOp {
    Add,
    Change,
    Remove,
}

impl ZoneOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneOp::Add => "added",
            ZoneOp::Change => "changed",
            ZoneOp::Remove => "removed",
        }
    }
}

/// An action seen as the domain that carries it out. The fold dispatches
/// on this with no catch-all arm: an action without a rule does not compile.
#[derive(Clone, Copy, Debug)]
pub enum ActionDomain<'a> {
    /// Membership and the rules of procedure.
    Body(BodyAction<'a>),
    Code(CodeAction<'a>),
    Zone(ZoneAction<'a>),
}

#[derive(Clone, Copy, Debug)]
pub enum ZoneAction<'a> {
    Change {
        op: ZoneOp,
        tld: &'a accord_zone::Tld,
        delegation: Option<&'a accord_zone::Delegation>,
        sponsor: Option<&'a crate::zone::Sponsor>,
    },
}

#[derive(Clone, Copy, Debug)]
pub enum BodyAction<'a> {
    Admit { member: &'a MemberId, name: &'a str, names: &'a crate::names::Names, vkey: &'a str },
    Suspend(&'a MemberId),
    Reinstate(&'a MemberId),
    Rules(&'a RulesChange),
}

#[derive(Clone, Copy, Debug)]
pub enum CodeAction<'a> {
    Establish(&'a crate::code::DocumentDraft),
    Amend { document: &'a str, base: u32, changes: &'a [crate::code::Change] },
    Translate { document: &'a str, version: u32, article: &'a str, lang: &'a crate::code::Lang, text: &'a str },
}

impl Action {
    pub fn domain(&self) -> ActionDomain<'_> {
        match self {
            Action::MemberAdmit { member, name, names, vkey } => {
                ActionDomain::Body(BodyAction::Admit { member, name, names, vkey })
            }
            Action::MemberSuspend { member } => ActionDomain::Body(BodyAction::Suspend(member)),
            Action::MemberReinstate { member } => ActionDomain::Body(BodyAction::Reinstate(member)),
            Action::RulesChange { rules } => ActionDomain::Body(BodyAction::Rules(rules)),
            Action::CodeEstablish { document } => ActionDomain::Code(CodeAction::Establish(document)),
            Action::CodeAmend { document, base, changes } => {
                ActionDomain::Code(CodeAction::Amend { document, base: *base, changes })
            }
            Action::CodeTranslate { document, version, article, lang, text } => {
                ActionDomain::Code(CodeAction::Translate { document, version: *version, article, lang, text })
            }
            Action::ZoneChange { op, tld, delegation, sponsor } => ActionDomain::Zone(ZoneAction::Change {
                op: *op,
                tld,
                delegation: delegation.as_ref(),
                sponsor: sponsor.as_ref(),
            }),
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Action::MemberAdmit { .. } => "member.admit",
            Action::MemberSuspend { .. } => "member.suspend",
            Action::MemberReinstate { .. } => "member.reinstate",
            Action::RulesChange { .. } => "rules.change",
            Action::CodeEstablish { .. } => "code.establish",
            Action::CodeAmend { .. } => "code.amend",
            Action::CodeTranslate { .. } => "code.translate",
            Action::ZoneChange { .. } => "zone.change",
        }
    }

    fn validate(&self) -> Result<(), String> {
        match self {
            Action::MemberAdmit { member, name, names, vkey } => {
                if member.is_secretariat() {
                    return Err("action: the secretariat is not a member".into());
                }
                chars("action.name", name, 1, 200)?;
                names.validate("action.names")?;
                let k = VerifierKey::parse(vkey).map_err(|e| format!("action.vkey: {e}"))?;
                if !k.name().ends_with(&format!("/members/{member}")) {
                    return Err(format!("action.vkey must be named <origin>/members/{member}"));
                }
                Ok(())
            }
            Action::MemberSuspend { member } | Action::MemberReinstate { member } => {
                if member.is_secretariat() {
                    return Err("action: the secretariat is not a member".into());
                }
                Ok(())
            }
            Action::CodeEstablish { document } => document.validate().map_err(|e| format!("action.document: {e}")),
            Action::CodeAmend { document, base, changes } => {
                if !crate::code::valid_document_id(document) || *base == 0 {
                    return Err("action: document must be a document id and base a version number".into());
                }
                crate::code::validate_changes(changes).map_err(|e| format!("action.changes: {e}"))
            }
            Action::CodeTranslate { document, version, article, lang, text } => {
                if !crate::code::valid_document_id(document) || *version == 0 {
                    return Err("action: document must be a document id and version a version number".into());
                }
                if !crate::code::valid_article_id(article) {
                    return Err(format!("action.article {article:?} is malformed"));
                }
                crate::code::check_text(article, lang, text).map_err(|e| format!("action: {e}"))
            }
            Action::ZoneChange { op, delegation, sponsor, .. } => {
                match (op, delegation, sponsor) {
                    (ZoneOp::Add, Some(_), Some(_)) | (ZoneOp::Change, Some(_), _) | (ZoneOp::Remove, None, None) => {}
                    (ZoneOp::Add, _, _) => return Err("action: op add carries a delegation and a sponsor".into()),
                    (ZoneOp::Change, None, _) => return Err("action: op change carries the new delegation".into()),
                    (ZoneOp::Remove, _, _) => return Err("action: op remove carries no delegation or sponsor".into()),
                }
                sponsor.as_ref().map_or(Ok(()), |s| s.validate().map_err(|e| format!("action.{e}")))
            }
            Action::RulesChange { rules } => {
                if rules.is_empty() {
                    return Err("action.rules changes nothing".into());
                }
                crate::decisions::rules::Rules::default()
                    .changed(rules)
                    .validate()
                    .map_err(|e| format!("action.rules: {e}"))
            }
        }
    }
}

fn chars(field: &str, s: &str, min: usize, max: usize) -> Result<(), String> {
    let n = s.chars().count();
    if n < min || n > max || (min > 0 && s.trim().is_empty()) {
        return Err(format!("{field} must be {min}–{max} characters (got {n})"));
    }
    Ok(())
}

/// A proposal or amendment id: 1–64 of `a-z 0-9 -`, starting with a letter
/// or digit.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

fn check_id(field: &str, id: &str) -> Result<(), String> {
    if valid_id(id) {
        Ok(())
    } else {
        Err(format!("{field} must be 1–64 characters of a-z, 0-9 and '-', not starting with '-' (got {id:?})"))
    }
}

/// A deadline in the one RFC 3339 spelling statements use.
pub fn parse_deadline(field: &str, s: &str) -> Result<Timestamp, String> {
    Timestamp::parse_rfc3339(s)
        .filter(|t| t.to_rfc3339() == s)
        .ok_or_else(|| format!("{field} must be RFC 3339 UTC such as 2026-12-01T12:00:00Z (got {s:?})"))
}

/// `proposal.submit`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalSubmit {
    pub id: String,
    pub title: String,
    pub text: String,
    pub question: Question,
    pub procedure: Procedure,
    pub closes: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
}

impl ProposalSubmit {
    pub(crate) fn validate(&self) -> Result<(), String> {
        check_id("id", &self.id)?;
        chars("title", &self.title, 1, 200)?;
        chars("text", &self.text, 1, MAX_TEXT_CHARS)?;
        parse_deadline("closes", &self.closes)?;
        if let Some(a) = &self.action {
            a.validate()?;
        }
        Ok(())
    }
}

/// `proposal.cosponsor`, `proposal.withdraw-cosponsor`, `proposal.withdraw`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalRef {
    pub proposal: String,
}

impl ProposalRef {
    pub(crate) fn validate(&self) -> Result<(), String> {
        check_id("proposal", &self.proposal)
    }
}

/// `proposal.amend`: a new wording of the proposal's text, itself voted
/// before the proposal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalAmend {
    /// The amendment's own id (same namespace as proposals).
    pub id: String,
    /// The proposal it amends.
    pub proposal: String,
    pub title: String,
    /// The proposal's text as this amendment would make it.
    pub text: String,
    /// When the vote on the amendment closes; amendments are voted in the
    /// order of their `closes` (see docs/PROTOCOL.md).
    pub closes: String,
}

impl ProposalAmend {
    pub(crate) fn validate(&self) -> Result<(), String> {
        check_id("id", &self.id)?;
        check_id("proposal", &self.proposal)?;
        chars("title", &self.title, 1, 200)?;
        chars("text", &self.text, 1, MAX_TEXT_CHARS)?;
        parse_deadline("closes", &self.closes)?;
        Ok(())
    }
}

/// `vote.cast`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteCast {
    pub proposal: String,
    pub vote: VoteChoice,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
}

impl VoteCast {
    pub(crate) fn validate(&self) -> Result<(), String> {
        check_id("proposal", &self.proposal)?;
        if let Some(e) = &self.explanation {
            chars("explanation", e, 1, MAX_SHORT_CHARS)?;
        }
        Ok(())
    }
}

/// `silence.object` and `silence.dissociate`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SilenceNote {
    pub proposal: String,
    pub reason: String,
}

impl SilenceNote {
    pub(crate) fn validate(&self) -> Result<(), String> {
        check_id("proposal", &self.proposal)?;
        chars("reason", &self.reason, 1, MAX_SHORT_CHARS)
    }
}

/// `clock.tick`: the secretariat marks the time so that deadlines pass
/// without other traffic. Its body is empty.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockTick {}

impl ClockTick {
    /// Nothing to check: the body is empty.
    pub(crate) fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}
