//! Witnesses: the member states that cosign the log's checkpoints, and the
//! witness policy of the rules of procedure.
//!
//! A member registers one witness (a C2SP tlog-witness server: its
//! submission URL and its `cosignature/v1` key) by `witness.register`, and
//! retires it by `witness.retire`. Which witnesses count and how many
//! cosignatures a checkpoint needs are rules of procedure
//! ([`WitnessRules`], inside [`crate::decisions::rules::Rules`]), changed
//! only by an adopted `rules.change`. [`State::witness_policy`] turns both
//! into the C2SP tlog-policy a client checks checkpoints against: the
//! policy in force at a log size is the one after the entries below it.
//!
//! What it is not: the node's client that asks the witnesses
//! (`accord_node::witnesses`) and the witness server (`accord-witness`).

pub(crate) mod engine;
pub(crate) mod snapshot;

use crate::ids::{LogIndex, MemberId};
use crate::state::State;
use accord_log::cosignature::CosignerKey;
use accord_log::policy::{Policy, PolicyGroup, PolicyLog, PolicyWitness, Threshold};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Longest witness URL.
pub const MAX_URL: usize = 512;
/// Most witness groups the rules may define.
pub const MAX_GROUPS: usize = 16;
/// Longest group name.
pub const MAX_GROUP_NAME: usize = 32;
/// Most members a list of the witness rules may name.
pub const MAX_LISTED: usize = 256;
/// The largest k a quorum may name: a checkpoint carries at most 99
/// cosignatures, as signed-note verifiers refuse more than 100 lines.
pub const MAX_QUORUM: u32 = 99;

/// A member's registered witness.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessRecord {
    pub member: MemberId,
    pub url: String,
    pub key: CosignerKey,
    /// The entry that registered it.
    pub since: LogIndex,
}

/// The witnesses registered, by member, and the decision that last set
/// the witness rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WitnessState {
    pub(crate) registered: BTreeMap<MemberId, WitnessRecord>,
    /// The proposal whose adoption last changed the witness rules, and the
    /// entry at which it was carried out (`None`: the rules of genesis).
    pub(crate) set_by: Option<(String, LogIndex)>,
}

impl WitnessState {
    pub fn registered(&self) -> impl Iterator<Item = &WitnessRecord> {
        self.registered.values()
    }

    pub fn set_by(&self) -> Option<(&str, LogIndex)> {
        self.set_by.as_ref().map(|(p, i)| (p.as_str(), *i))
    }
}

/// How many of the counted witnesses must cosign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum WitnessQuorum {
    /// `"majority"` (the default: more than half), `"all"` or `"none"`.
    Named(QuorumName),
    /// At least this many (1 … 256).
    AtLeast(u32),
}

impl Default for WitnessQuorum {
    fn default() -> WitnessQuorum {
        WitnessQuorum::Named(QuorumName::Majority)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuorumName {
    Majority,
    All,
    None,
}

/// A group of members whose witnesses must also take part: at least
/// `threshold` of those among them that run a counted witness.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WitnessGroup {
    /// Lower-case letters, digits and `-`, starting with a letter.
    pub name: String,
    pub members: Vec<MemberId>,
    pub threshold: u32,
}

/// The witness policy of the rules of procedure.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WitnessRules {
    /// Left out: a majority of the counted witnesses.
    #[serde(default, skip_serializing_if = "is_majority")]
    pub quorum: WitnessQuorum,
    /// Whose witnesses count; left out: every member's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counted: Option<Vec<MemberId>>,
    /// Groups that must each be met too; left out: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<WitnessGroup>,
}

fn is_majority(q: &WitnessQuorum) -> bool {
    *q == WitnessQuorum::default()
}

impl WitnessRules {
    pub fn is_default(&self) -> bool {
        self == &WitnessRules::default()
    }

    pub fn validate(&self) -> Result<(), String> {
        if let WitnessQuorum::AtLeast(k) = self.quorum {
            if !(1..=MAX_QUORUM).contains(&k) {
                return Err(format!("witnesses.quorum must be all, none, majority or 1 to {MAX_QUORUM}"));
            }
        }
        if let Some(c) = &self.counted {
            unique("witnesses.counted", c)?;
        }
        if self.groups.len() > MAX_GROUPS {
            return Err(format!("witnesses.groups: at most {MAX_GROUPS}"));
        }
        let mut names = BTreeSet::new();
        for (i, g) in self.groups.iter().enumerate() {
            let at = format!("witnesses.groups[{i}]");
            let n = &g.name;
            let ok = n.len() <= MAX_GROUP_NAME
                && n.starts_with(|c: char| c.is_ascii_lowercase())
                && n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !ok {
                return Err(format!(
                    "{at}.name must be 1 to {MAX_GROUP_NAME} of a-z, 0-9 and -, starting with a letter"
                ));
            }
            if !names.insert(n) {
                return Err(format!("{at}.name {n:?} is used twice"));
            }
            if g.members.is_empty() {
                return Err(format!("{at}.members is empty"));
            }
            unique(&format!("{at}.members"), &g.members)?;
            if g.threshold == 0 || g.threshold as usize > g.members.len() {
                return Err(format!("{at}.threshold must be from 1 to its {} members", g.members.len()));
            }
        }
        Ok(())
    }
}

fn unique(at: &str, ids: &[MemberId]) -> Result<(), String> {
    if ids.len() > MAX_LISTED {
        return Err(format!("{at}: at most {MAX_LISTED} members"));
    }
    let mut seen = BTreeSet::new();
    for id in ids {
        if id.is_secretariat() {
            return Err(format!("{at}: the secretariat runs no witness"));
        }
        if !seen.insert(id) {
            return Err(format!("{at}: {id} is listed twice"));
        }
    }
    Ok(())
}

/// Names the policy uses for its own groups (member ids are upper-case
/// and group names of the rules lower-case, so neither can collide).
pub const COUNTED_GROUP: &str = "_counted";
pub const QUORUM_GROUP: &str = "_quorum";

impl State {
    pub fn witnesses(&self) -> &WitnessState {
        &self.witnesses
    }

    /// The witness policy in force after the entries applied so far, as a
    /// C2SP tlog-policy: the log's key, every registered witness (named by
    /// its member's id, with its URL), and the quorum.
    ///
    /// A witness counts if its member is in good standing and, when the
    /// rules list `counted`, listed there. With `n` counted witnesses the
    /// quorum needs a majority (`n / 2 + 1`), all `n`, `k` (at most `n`),
    /// or none; each group needs `threshold` (at most the number of its
    /// members running a counted witness) and a group none of whose
    /// members runs one is left out. These bounds are deliberate: no member
    /// can make every checkpoint untrusted by retiring its own witness.
    /// With no counted witness the policy is `quorum none`.
    pub fn witness_policy(&self) -> Policy {
        let rules = &self.rules.witnesses;
        let logs = self.body.iter().map(|b| PolicyLog { key: b.log_key.clone(), url: None }).collect();
        let witnesses: Vec<PolicyWitness> = self
            .witnesses
            .registered
            .values()
            .map(|w| PolicyWitness { name: w.member.to_string(), key: w.key.clone(), url: Some(w.url.clone()) })
            .collect();
        let counts = |m: &MemberId| {
            self.witnesses.registered.contains_key(m)
                && self.actors.get(m).is_some_and(|a| !a.suspended)
                && rules.counted.as_ref().is_none_or(|c| c.contains(m))
        };
        let counted: Vec<String> =
            self.witnesses.registered.keys().filter(|m| counts(m)).map(|m| m.to_string()).collect();
        let n = counted.len();
        let k = match rules.quorum {
            WitnessQuorum::Named(QuorumName::Majority) => n / 2 + 1,
            WitnessQuorum::Named(QuorumName::All) => n,
            WitnessQuorum::Named(QuorumName::None) => 0,
            WitnessQuorum::AtLeast(k) => (k as usize).min(n),
        };
        if n == 0 || k == 0 {
            return Policy { logs, witnesses, groups: Vec::new(), quorum: None };
        }
        let mut groups =
            vec![PolicyGroup { name: COUNTED_GROUP.into(), threshold: Threshold::AtLeast(k), members: counted }];
        for g in &rules.groups {
            let members: Vec<String> = g.members.iter().filter(|m| counts(m)).map(|m| m.to_string()).collect();
            if members.is_empty() {
                continue;
            }
            let t = (g.threshold as usize).min(members.len());
            groups.push(PolicyGroup { name: g.name.clone(), threshold: Threshold::AtLeast(t), members });
        }
        let all: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
        groups.push(PolicyGroup { name: QUORUM_GROUP.into(), threshold: Threshold::All, members: all });
        Policy { logs, witnesses, groups, quorum: Some(QUORUM_GROUP.into()) }
    }
}
