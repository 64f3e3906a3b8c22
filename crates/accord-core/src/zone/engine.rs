//! The rules of the zone's acts and actions, in the fold.

use super::{next_serial, ImportProgress, Published, Sponsor, Sponsored, VersionCause, ZoneVersion};
use crate::acts::decision::{ZoneAction, ZoneOp};
use crate::acts::ZoneAct;
use crate::deadlines::{Deadline, DeadlineKind};
use crate::decisions::{Adoption, Outcome};
use crate::ids::{LogIndex, MemberId};
use crate::refusal::Refusal;
use crate::state::{Effect, State};
use crate::time::Timestamp;
use accord_zone::checks::check_change;
use accord_zone::import::MAX_DELEGATIONS;
use accord_zone::sign::RESIGN_AFTER;
use accord_zone::{Delegation, Registry, Tld, ZonePlan};
use std::collections::BTreeMap;

fn rules(why: impl Into<String>) -> Refusal {
    Refusal::Rules(why.into())
}

/// What keeps a complete registry from making a zone: glue outside its
/// TLD, or an apex name server under no delegated TLD.
fn registry_faults(reg: &Registry) -> Vec<String> {
    let mut faults = Vec::new();
    for (tld, d) in &reg.delegations {
        for host in d.glue.keys() {
            if !host.is_under(tld.name()) || host.label_count() < 2 {
                faults.push(format!("{tld}: glue for {host}, which is not under {tld}"));
            }
        }
    }
    for host in reg.apex.ns.keys() {
        if !host.tld().is_some_and(|t| reg.delegations.contains_key(&t)) {
            faults.push(format!("apex name server {host} is under no delegated TLD"));
        }
    }
    faults
}

impl State {
    /// Checks a zone statement (not an action) by `member`.
    pub(crate) fn check_zone(&self, member: &MemberId, act: ZoneAct<'_>) -> Result<(), Refusal> {
        if !member.is_secretariat() {
            return Err(rules("zone.import and zone.publish are the secretariat's"));
        }
        match act {
            ZoneAct::Import(i) => {
                if self.zone.registry.is_some() {
                    return Err(rules("the registry was imported; delegations change only by adopted zone.change"));
                }
                let progress = self.zone.import.as_ref();
                match (i.part, progress) {
                    (1, None) => {}
                    (1, Some(p)) => {
                        return Err(rules(format!(
                            "an import of {} is under way ({} of {} parts in)",
                            p.file_sha256, p.done, p.parts
                        )))
                    }
                    (_, None) => return Err(rules("no import is under way: send part 1 first")),
                    (part, Some(p)) => {
                        if p.file_sha256 != i.file_sha256 || p.source_serial != i.source_serial || p.parts != i.parts {
                            return Err(rules("this part belongs to another import than the one under way"));
                        }
                        if part != p.done + 1 {
                            return Err(rules(format!("part {} is next, not {part}", p.done + 1)));
                        }
                    }
                }
                let had = progress.map(|p| p.delegations.len()).unwrap_or(0);
                if let Some(tld) = progress.and_then(|p| i.delegations.keys().find(|t| p.delegations.contains_key(*t)))
                {
                    return Err(rules(format!("{tld} came in an earlier part")));
                }
                if had + i.delegations.len() > MAX_DELEGATIONS {
                    return Err(rules(format!("a registry holds at most {MAX_DELEGATIONS} delegations")));
                }
                if i.part == i.parts {
                    let apex = match (progress, &i.apex) {
                        (Some(p), _) => p.apex.clone(),
                        (None, Some(a)) => a.clone(),
                        // Part 1 carries the apex (validated).
                        (None, None) => return Err(rules("part 1 carries the apex")),
                    };
                    let mut delegations: BTreeMap<Tld, Delegation> = progress
                        .map(|p| p.delegations.iter().map(|(t, s)| (t.clone(), s.delegation.clone())).collect())
                        .unwrap_or_default();
                    delegations.extend(i.delegations.iter().map(|(t, s)| (t.clone(), s.delegation.clone())));
                    let faults = registry_faults(&Registry { apex, delegations });
                    if !faults.is_empty() {
                        return Err(rules(format!("the imported registry cannot make a zone: {}", faults.join("; "))));
                    }
                }
                Ok(())
            }
            ZoneAct::Publish(p) => {
                let Some(v) = &self.zone.version else {
                    return Err(rules("there is no zone to publish yet"));
                };
                if p.serial != v.serial {
                    return Err(rules(format!("the zone's serial is {}, not {}", v.serial, p.serial)));
                }
                if self.zone.published.as_ref().is_some_and(|x| x.serial == p.serial) {
                    return Err(rules(format!("serial {} is published already", p.serial)));
                }
                Ok(())
            }
        }
    }

    pub(crate) fn commit_zone(&mut self, index: LogIndex, act: ZoneAct<'_>, time: Timestamp, out: &mut Vec<Effect>) {
        match act {
            ZoneAct::Import(i) => {
                let progress = match (self.zone.import.take(), &i.apex, &i.keys) {
                    (Some(p), _, _) => p,
                    (None, Some(apex), Some(keys)) => ImportProgress {
                        file_sha256: i.file_sha256.clone(),
                        source_serial: i.source_serial,
                        parts: i.parts,
                        done: 0,
                        apex: apex.clone(),
                        keys: keys.clone(),
                        delegations: BTreeMap::new(),
                    },
                    // The checks above admit nothing else.
                    (None, _, _) => return,
                };
                let mut progress = progress;
                progress.done += 1;
                progress.delegations.extend(i.delegations.iter().map(|(t, s)| (t.clone(), s.clone())));
                if progress.done < progress.parts {
                    self.zone.import = Some(progress);
                    return;
                }
                self.complete_import(progress, index, time, out);
            }
            ZoneAct::Publish(p) => {
                self.zone.published = Some(Published { serial: p.serial, sha256: p.sha256.clone(), index });
                if self.effects_on {
                    out.push(Effect::ZonePublished { serial: p.serial, sha256: p.sha256.clone(), index });
                }
            }
        }
    }

    fn complete_import(&mut self, p: ImportProgress, index: LogIndex, time: Timestamp, out: &mut Vec<Effect>) {
        let mut delegations = BTreeMap::new();
        for (tld, s) in p.delegations {
            if self.effects_on {
                out.push(Effect::ZoneDelegation {
                    tld: tld.clone(),
                    now: Some(Box::new(s.clone())),
                    index,
                    proposal: None,
                });
            }
            self.zone.sponsors.insert(tld.clone(), s.sponsor);
            delegations.insert(tld, s.delegation);
        }
        if self.effects_on {
            out.push(Effect::ZoneApex {
                apex: Box::new(p.apex.clone()),
                keys: p.keys.clone(),
                source_sha256: p.file_sha256.clone(),
                source_serial: p.source_serial,
            });
        }
        self.zone.registry = Some(Registry { apex: p.apex, delegations });
        self.zone.keys = Some(p.keys);
        self.zone.source = Some((p.file_sha256, p.source_serial));
        let t = time.secs();
        let plan = ZonePlan { serial: next_serial(p.source_serial, time), now: t, full: t, touched: BTreeMap::new() };
        self.form_version(index, time, VersionCause::Import, plan, Some(out));
        self.schedule_resign(index, time);
    }

    /// Records a new version; its effect goes to `out`, or to `pending`
    /// when it was formed by an adoption or a deadline.
    fn form_version(
        &mut self,
        index: LogIndex,
        time: Timestamp,
        cause: VersionCause,
        plan: ZonePlan,
        out: Option<&mut Vec<Effect>>,
    ) {
        let v = ZoneVersion { serial: plan.serial, index, time, cause, plan };
        if self.effects_on {
            let e = Effect::ZoneVersionFormed(Box::new(v.clone()));
            match out {
                Some(out) => out.push(e),
                None => self.pending.push(e),
            }
        }
        self.zone.version = Some(v);
    }

    fn schedule_resign(&mut self, index: LogIndex, time: Timestamp) {
        let due = Timestamp::from_millis(time.millis().saturating_add((RESIGN_AFTER * 1000) as i64));
        self.deadlines.schedule(Deadline { time: due, index, kind: DeadlineKind::ZoneResign });
    }

    /// The weekly re-signing deadline passed at `time`: a new version in
    /// which every RRset is signed at `time`.
    pub(crate) fn resign_zone(&mut self, time: Timestamp) {
        let Some(v) = &self.zone.version else { return };
        let t = time.secs();
        let plan = ZonePlan { serial: next_serial(v.serial, time), now: t, full: t, touched: BTreeMap::new() };
        let index = LogIndex(self.size);
        self.form_version(index, time, VersionCause::Resign, plan, None);
        self.schedule_resign(index, time);
    }

    /// Checks a `zone.change` when `member` tables it.
    pub(crate) fn check_zone_action(&self, member: &MemberId, action: ZoneAction<'_>) -> Result<(), Refusal> {
        let ZoneAction::Change { op, tld, delegation, sponsor } = action;
        let Some(reg) = &self.zone.registry else {
            return Err(rules("there is no registry yet: the secretariat imports it first"));
        };
        match (op, reg.delegations.contains_key(tld)) {
            (ZoneOp::Add, true) => return Err(rules(format!("{tld} is delegated already: use op \"change\""))),
            (ZoneOp::Change | ZoneOp::Remove, false) => return Err(rules(format!("{tld} is not delegated"))),
            _ => {}
        }
        let is_member = |m: &MemberId| self.actors.contains_key(m) && !m.is_secretariat();
        if let Some(only) = self.zone.who_may_table(tld, is_member) {
            if &only != member {
                return Err(rules(format!("only {only} may table changes of {tld}")));
            }
        }
        if let Some(Sponsor::Member(m)) = sponsor {
            if m != member {
                return Err(rules("a member names only itself as a TLD's sponsor"));
            }
        }
        if let (Some(c), Some(s)) = (super::country_member(tld).filter(|m| is_member(m)), sponsor) {
            if s.member() != Some(&c) {
                return Err(rules(format!("{tld} is the country code of {c}, which sponsors it")));
            }
        }
        let report = check_change(reg, tld, delegation);
        if !report.passed() {
            return Err(Refusal::ZoneChecks { tld: tld.to_string(), faults: report.faults() });
        }
        Ok(())
    }

    /// Carries out an adopted `zone.change`: the checks run again on the
    /// registry as it is now, then the delegation changes and a version is
    /// formed.
    pub(crate) fn take_zone_action(&mut self, action: ZoneAction<'_>, index: LogIndex, by: Adoption<'_>) -> Outcome {
        let ZoneAction::Change { op, tld, delegation, sponsor } = action;
        let not = |said: String| Outcome { applied: false, said };
        let (Some(reg), Some(v)) = (&self.zone.registry, &self.zone.version) else {
            return not("not applied: there is no registry".into());
        };
        match (op, reg.delegations.contains_key(tld)) {
            (ZoneOp::Add, true) => return not(format!("not applied: {tld} was delegated meanwhile")),
            (ZoneOp::Change | ZoneOp::Remove, false) => {
                return not(format!("not applied: {tld} is no longer delegated"))
            }
            _ => {}
        }
        let report = check_change(reg, tld, delegation);
        if !report.passed() {
            return not(format!("not applied: the technical checks fail now: {}", report.faults().join("; ")));
        }
        // The NSEC before the TLD changes when a name joins or leaves the chain.
        let before = reg.delegations.range(..tld.clone()).next_back().map(|(t, _)| t.clone());
        let t = by.time.secs();
        let mut plan = v.plan.clone();
        plan.serial = next_serial(v.serial, by.time);
        plan.now = t;
        plan.touched.insert(tld.clone(), t);
        if matches!(op, ZoneOp::Add | ZoneOp::Remove) {
            if let Some(b) = before {
                plan.touched.insert(b, t);
            }
        }
        let now = match delegation {
            Some(d) => {
                let s = sponsor.cloned().or_else(|| self.zone.sponsors.get(tld).cloned());
                let Some(s) = s else { return not("not applied: no sponsor".into()) };
                if let Some(reg) = self.zone.registry.as_mut() {
                    reg.delegations.insert(tld.clone(), d.clone());
                }
                self.zone.sponsors.insert(tld.clone(), s.clone());
                Some(Box::new(Sponsored { sponsor: s, delegation: d.clone() }))
            }
            None => {
                if let Some(reg) = self.zone.registry.as_mut() {
                    reg.delegations.remove(tld);
                }
                self.zone.sponsors.remove(tld);
                plan.touched.remove(tld);
                None
            }
        };
        if self.effects_on {
            self.pending.push(Effect::ZoneDelegation {
                tld: tld.clone(),
                now,
                index,
                proposal: Some(by.proposal.to_string()),
            });
        }
        let serial = plan.serial;
        let cause = VersionCause::Change { proposal: by.proposal.to_string(), tld: tld.clone() };
        self.form_version(index, by.time, cause, plan, None);
        Outcome { applied: true, said: format!("applied: {tld} {}, serial {serial}", op.as_str()) }
    }
}
