//! The rules of procedure: parameters the members adopted, changed only by
//! an adopted `rules.change` action. DESIGN.md §6.

use crate::witness::WitnessRules;
use serde::{Deserialize, Serialize};

/// Action types that are always "important questions" unless the members
/// decide otherwise.
pub const DEFAULT_IMPORTANT: &[&str] = &[
    "member.admit",
    "member.reinstate",
    "member.suspend",
    "rules.change",
    "code.establish",
    "code.amend",
    "zone.change",
];

/// How many of the votes cast (yes + no; abstentions are not votes) must
/// be yes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Majority {
    /// More yes than no; a tie fails.
    Simple,
    /// At least two thirds of yes + no, and more yes than no.
    TwoThirds,
}

impl Majority {
    pub fn met(self, yes: u64, no: u64) -> bool {
        match self {
            Majority::Simple => yes > no,
            Majority::TwoThirds => yes > no && yes * 3 >= (yes + no) * 2,
        }
    }
}

/// How many of the members entitled to vote must take part (vote yes, no
/// or abstain) for a recorded vote to decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Quorum {
    None,
    OneThird,
    /// More than half.
    Majority,
    TwoThirds,
}

impl Quorum {
    pub fn met(self, participants: u64, eligible: u64) -> bool {
        match self {
            Quorum::None => true,
            Quorum::OneThird => participants * 3 >= eligible,
            Quorum::Majority => participants * 2 > eligible,
            Quorum::TwoThirds => participants * 3 >= eligible * 2,
        }
    }
}

/// The rules in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Rules {
    /// Majority for ordinary questions.
    pub ordinary_majority: Majority,
    /// Majority for important questions.
    pub important_majority: Majority,
    /// Action types that make a proposal an important question.
    pub important_actions: Vec<String>,
    pub quorum: Quorum,
    /// Shortest silence procedure, from submission to `closes`.
    pub min_silence_seconds: u64,
    /// Shortest recorded vote, from submission to `closes`.
    pub min_vote_seconds: u64,
    /// How long the recorded vote lasts once an objection breaks silence.
    pub silence_vote_seconds: u64,
    /// May a member change its vote before the close?
    pub allow_vote_change: bool,
    /// How long before its proposal an amendment must close (and before an
    /// earlier-tabled competing `code.amend` that it would be voted ahead
    /// of), so that no one can leave the others no time to vote.
    pub amendment_lead_seconds: u64,
    /// Each member's statements: a burst of this many, then this many a
    /// minute (see `crate::limits`).
    pub rate_statements_per_minute: u64,
    /// Each member's signed bytes: a burst of this many, then this many a day.
    pub rate_bytes_per_day: u64,
    /// Which witnesses count and how many cosignatures a checkpoint needs
    /// (`crate::witness`). Left out when it is the default (a majority of
    /// the members that run witnesses), so that rules written before it
    /// keep their one encoding.
    #[serde(skip_serializing_if = "WitnessRules::is_default")]
    pub witnesses: WitnessRules,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            ordinary_majority: Majority::Simple,
            important_majority: Majority::TwoThirds,
            important_actions: DEFAULT_IMPORTANT.iter().map(|s| s.to_string()).collect(),
            quorum: Quorum::Majority,
            min_silence_seconds: 259_200,
            min_vote_seconds: 0,
            silence_vote_seconds: 259_200,
            allow_vote_change: false,
            amendment_lead_seconds: 86_400,
            rate_statements_per_minute: 120,
            rate_bytes_per_day: 64 << 20,
            witnesses: WitnessRules::default(),
        }
    }
}

/// Longest period any rule may set: ten years, so that deadlines computed
/// from it stay far inside the timestamp range.
pub const MAX_SECONDS: u64 = 10 * 366 * 24 * 3600;
/// Range of `rate_statements_per_minute`.
pub const RATE_STATEMENTS: (u64, u64) = (1, 1_000_000);
/// Range of `rate_bytes_per_day`: at least one largest statement, at most 1 TiB.
pub const RATE_BYTES: (u64, u64) = (65_536, 1 << 40);

impl Rules {
    pub fn validate(&self) -> Result<(), String> {
        for a in &self.important_actions {
            if !crate::acts::decision::ACTION_TYPES.contains(&a.as_str()) {
                return Err(format!(
                    "important_actions: unknown action {a:?} (known: {})",
                    crate::acts::decision::ACTION_TYPES.join(", ")
                ));
            }
        }
        for (name, v) in [
            ("min_silence_seconds", self.min_silence_seconds),
            ("min_vote_seconds", self.min_vote_seconds),
            ("silence_vote_seconds", self.silence_vote_seconds),
            ("amendment_lead_seconds", self.amendment_lead_seconds),
        ] {
            if v > MAX_SECONDS {
                return Err(format!("{name} must be at most {MAX_SECONDS}"));
            }
        }
        for (name, v, (lo, hi)) in [
            ("rate_statements_per_minute", self.rate_statements_per_minute, RATE_STATEMENTS),
            ("rate_bytes_per_day", self.rate_bytes_per_day, RATE_BYTES),
        ] {
            if !(lo..=hi).contains(&v) {
                return Err(format!("{name} must be from {lo} to {hi}"));
            }
        }
        self.witnesses.validate()
    }

    /// The rules with `change` applied.
    pub fn changed(&self, change: &RulesChange) -> Rules {
        let mut r = self.clone();
        if let Some(v) = change.ordinary_majority {
            r.ordinary_majority = v;
        }
        if let Some(v) = change.important_majority {
            r.important_majority = v;
        }
        if let Some(v) = &change.important_actions {
            r.important_actions = v.clone();
        }
        if let Some(v) = change.quorum {
            r.quorum = v;
        }
        if let Some(v) = change.min_silence_seconds {
            r.min_silence_seconds = v;
        }
        if let Some(v) = change.min_vote_seconds {
            r.min_vote_seconds = v;
        }
        if let Some(v) = change.silence_vote_seconds {
            r.silence_vote_seconds = v;
        }
        if let Some(v) = change.allow_vote_change {
            r.allow_vote_change = v;
        }
        if let Some(v) = change.amendment_lead_seconds {
            r.amendment_lead_seconds = v;
        }
        if let Some(v) = change.rate_statements_per_minute {
            r.rate_statements_per_minute = v;
        }
        if let Some(v) = change.rate_bytes_per_day {
            r.rate_bytes_per_day = v;
        }
        if let Some(v) = &change.witnesses {
            r.witnesses = v.clone();
        }
        r
    }
}

/// A change to some of the rules (the fields left out stay as they are).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordinary_majority: Option<Majority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub important_majority: Option<Majority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub important_actions: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quorum: Option<Quorum>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_silence_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_vote_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silence_vote_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_vote_change: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amendment_lead_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_statements_per_minute: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_bytes_per_day: Option<u64>,
    /// The witness policy, replaced whole (`{}`: back to the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witnesses: Option<WitnessRules>,
}

impl RulesChange {
    pub fn is_empty(&self) -> bool {
        self == &RulesChange::default()
    }
}
