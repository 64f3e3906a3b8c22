//! The rules of each decision act, and the closing of ballots.

use super::{AdoptedBy, Adoption, Cosponsor, Outcome, Proposal, ProposalRecord, SilenceRecord, Status, VoteRecord};
use crate::acts::decision::{parse_deadline, ActionDomain, BodyAction, Procedure, Question};
use crate::acts::DecisionAct;
use crate::deadlines::Deadline;
use crate::ids::{LogIndex, MemberId, Seq};
use crate::refusal::Refusal;
use crate::state::{Actor, Effect, State};
use crate::time::Timestamp;
use accord_log::VerifierKey;
use std::collections::BTreeSet;

fn rules(why: impl Into<String>) -> Refusal {
    Refusal::Rules(why.into())
}

fn secs(s: u64) -> i64 {
    // Rules cap every period at ten years (rules.rs), far inside i64 ms.
    (s as i64).saturating_mul(1000)
}

impl State {
    /// Members entitled to vote now: member states not suspended.
    fn eligible(&self) -> BTreeSet<&MemberId> {
        self.actors.values().filter(|a| !a.id.is_secretariat() && !a.suspended).map(|a| &a.id).collect()
    }

    /// A ballot's deadline has passed: it closes (a no-op if it is no
    /// longer pending).
    pub(crate) fn close(&mut self, id: &str) {
        let index = LogIndex(self.size);
        let Some(p) = self.decisions.proposals.get(id) else { return };
        if !p.record.status.is_pending() {
            return;
        }
        let (status, adopted_by, tally) = if p.record.procedure == Procedure::Silence && p.record.status == Status::Open
        {
            let t = super::Tally { not_voting: self.eligible().len() as u64, ..Default::default() };
            (Status::Adopted, Some(AdoptedBy::Consensus), t)
        } else {
            let majority = match p.majority_question {
                Question::Ordinary => self.rules.ordinary_majority,
                Question::Important => self.rules.important_majority,
            };
            let eligible = self.eligible();
            let (t, st) =
                super::tally(p.votes.iter().map(|(m, v)| (m, v.vote)), &eligible, majority, self.rules.quorum);
            (st, (st == Status::Adopted).then_some(AdoptedBy::Vote), t)
        };
        let mut action_result = None;
        if status == Status::Adopted {
            if let Some(parent) = p.record.amends.clone() {
                let text = p.record.text.clone();
                self.amendment_adopted(&parent, id, text, index);
            } else if let Some(action) = p.record.action.clone() {
                let by = Adoption { proposal: id, time: p.record.closes };
                let outcome = self.carry_out(&action, index, by);
                self.moot_competitors(id, index, outcome.applied);
                action_result = Some(outcome.said);
            }
        }
        if let Some(p) = self.decisions.proposal_mut(id) {
            let r = &mut p.record;
            r.status = status;
            r.adopted_by = adopted_by;
            r.tally = Some(tally);
            r.closed_at = Some(index);
            r.entries.push(index);
            r.action_result = action_result;
            if self.effects_on {
                self.pending.push(Effect::ProposalChanged(Box::new(r.clone())));
            }
        }
    }

    /// An adopted amendment rewrites its proposal's text and makes the
    /// amendments still to be voted moot.
    fn amendment_adopted(&mut self, parent: &str, by: &str, text: String, index: LogIndex) {
        let mut moot = Vec::new();
        if let Some(p) = self.decisions.proposal_mut(parent) {
            let r = &mut p.record;
            if r.original_text.is_none() {
                r.original_text = Some(std::mem::replace(&mut r.text, text));
            } else {
                r.text = text;
            }
            moot = r.amendments.iter().filter(|a| a.as_str() != by).cloned().collect();
            if self.effects_on {
                self.pending.push(Effect::ProposalChanged(Box::new(r.clone())));
            }
        }
        for a in moot {
            if let Some(p) = self.decisions.proposal_mut(&a) {
                if p.record.status.is_pending() {
                    let key = Deadline::ballot(p.record.closes, p.record.entries[0], &a);
                    self.deadlines.cancel(&key);
                    p.record.status = Status::Moot;
                    p.record.closed_at = Some(index);
                    p.record.entries.push(index);
                    if self.effects_on {
                        self.pending.push(Effect::ProposalChanged(Box::new(p.record.clone())));
                    }
                }
            }
        }
    }

    /// The one door by which an adopted proposal acts on another domain:
    /// each domain carries out the actions it registered
    /// ([`ActionDomain`], an exhaustive match), and says what became of it.
    fn carry_out(&mut self, action: &crate::acts::decision::Action, index: LogIndex, by: Adoption<'_>) -> Outcome {
        match action.domain() {
            ActionDomain::Code(c) => self.take_code_action(c, index, by),
            ActionDomain::Zone(z) => self.take_zone_action(z, index, by),
            ActionDomain::Body(b) => {
                let witness_rules = matches!(b, BodyAction::Rules(c) if c.witnesses.is_some());
                let said = self.take_action(b, index);
                let applied = said.starts_with("applied");
                if applied && witness_rules {
                    self.witnesses.set_by = Some((by.proposal.to_string(), index));
                }
                Outcome { applied, said }
            }
        }
    }

    /// Carries out an adopted membership or rules action; says what happened.
    fn take_action(&mut self, action: BodyAction<'_>, index: LogIndex) -> String {
        match action {
            BodyAction::Admit { member, name, names, vkey } => {
                if self.actors.contains_key(member) {
                    return format!("not applied: {member} is already a member");
                }
                let Ok(key) = VerifierKey::parse(vkey) else {
                    return "not applied: the vkey does not parse".into();
                };
                let origin = self.body.as_ref().map(|b| b.origin.clone()).unwrap_or_default();
                if key.name() != member.key_name(&origin) {
                    return format!("not applied: the key must be named {}", member.key_name(&origin));
                }
                self.actors.insert(
                    member.clone(),
                    Actor {
                        id: member.clone(),
                        name: name.to_string(),
                        names: names.clone(),
                        key: std::sync::Arc::new(key),
                        last_seq: Seq(0),
                        since: index,
                        suspended: false,
                        rate: crate::limits::RateBuckets::default(),
                    },
                );
                if self.effects_on {
                    self.pending.push(Effect::ActorAdded {
                        id: member.clone(),
                        name: name.to_string(),
                        names: names.clone(),
                        vkey: vkey.to_string(),
                        index,
                    });
                }
                format!("applied: {member} admitted")
            }
            BodyAction::Suspend(member) | BodyAction::Reinstate(member) => {
                let suspend = matches!(action, BodyAction::Suspend(_));
                match self.actors.get_mut(member) {
                    None => format!("not applied: {member} is not a member"),
                    Some(a) if a.suspended == suspend => {
                        format!(
                            "not applied: {member} is already {}",
                            if suspend { "suspended" } else { "in good standing" }
                        )
                    }
                    Some(a) => {
                        a.suspended = suspend;
                        if self.effects_on {
                            self.pending.push(Effect::MemberSuspended {
                                id: member.clone(),
                                suspended: suspend,
                                index,
                            });
                        }
                        format!("applied: {member} {}", if suspend { "suspended" } else { "reinstated" })
                    }
                }
            }
            BodyAction::Rules(rules) => {
                let next = self.rules.changed(rules);
                if let Err(e) = next.validate() {
                    return format!("not applied: {e}");
                }
                self.rules = next;
                if self.effects_on {
                    self.pending.push(Effect::RulesChanged(Box::new(self.rules.clone())));
                }
                "applied: rules changed".into()
            }
        }
    }

    fn proposal(&self, id: &str) -> Result<&Proposal, Refusal> {
        self.decisions.get(id).ok_or_else(|| Refusal::UnknownProposal(id.to_string()))
    }

    fn pending(&self, p: &Proposal) -> Result<(), Refusal> {
        if p.record.status.is_pending() {
            Ok(())
        } else {
            Err(Refusal::BallotClosed { proposal: p.record.id.clone(), status: p.record.status.as_str().into() })
        }
    }

    /// Checks a decision act by `member` at entry time `time`.
    pub(crate) fn check_decision(
        &self,
        member: &MemberId,
        act: DecisionAct<'_>,
        time: Timestamp,
    ) -> Result<(), Refusal> {
        if let DecisionAct::Tick(_) = act {
            return if member.is_secretariat() { Ok(()) } else { Err(rules("only the secretariat ticks the clock")) };
        }
        if member.is_secretariat() {
            return Err(rules("the secretariat does not take part in decisions"));
        }
        if !self.actors.contains_key(member) {
            return Err(Refusal::UnknownMember(member.to_string()));
        }
        match act {
            DecisionAct::Tick(_) => Ok(()),
            DecisionAct::Submit(s) => {
                if self.decisions.proposals.contains_key(&s.id) {
                    return Err(rules(format!("proposal id {:?} is taken", s.id)));
                }
                let closes = parse_deadline("closes", &s.closes).map_err(rules)?;
                let min = match s.procedure {
                    Procedure::Vote => self.rules.min_vote_seconds,
                    Procedure::Silence => self.rules.min_silence_seconds,
                };
                if closes <= time || closes.millis() - time.millis() < secs(min) {
                    return Err(rules(format!(
                        "closes must be after now and at least {min} s away under the {} procedure",
                        if s.procedure == Procedure::Vote { "vote" } else { "silence" }
                    )));
                }
                if let Some(a) = &s.action {
                    if s.question == Question::Ordinary
                        && self.rules.important_actions.iter().any(|x| x == a.type_name())
                    {
                        return Err(rules(format!(
                            "{} is an important question: declare \"question\": \"important\"",
                            a.type_name()
                        )));
                    }
                    match a.domain() {
                        ActionDomain::Body(b) => self.check_action(b)?,
                        ActionDomain::Zone(z) => self.check_zone_action(member, z)?,
                        ActionDomain::Code(c) => {
                            self.check_code_action(c, s.procedure)?;
                            // Voted ahead of a competing amendment of the
                            // Code tabled earlier: it must leave that one
                            // the lead time to be voted on.
                            if let Some(q) = self.competitors_of(a).into_iter().find(|q| {
                                q.record.closes > closes && q.record.closes.millis() - closes.millis() < self.lead_ms()
                            }) {
                                return Err(rules(format!(
                                    "it competes with {} (closing {}) and would be voted first: it must close at \
                                     least amendment_lead_seconds ({}) before it, or after it",
                                    q.record.id,
                                    q.record.closes.to_rfc3339(),
                                    self.rules.amendment_lead_seconds
                                )));
                            }
                        }
                    }
                }
                Ok(())
            }
            DecisionAct::Cosponsor(r) | DecisionAct::WithdrawCosponsor(r) => {
                let p = self.proposal(&r.proposal)?;
                self.pending(p)?;
                if self.voting_began(p) {
                    return Err(rules(
                        "co-sponsors join or withdraw only until voting on the proposal or its amendments begins",
                    ));
                }
                let is_cosponsor = p.record.cosponsors.iter().any(|c| &c.member == member);
                let joining = matches!(act, DecisionAct::Cosponsor(_));
                if joining && &p.record.sponsor == member {
                    Err(rules("the sponsor is not a co-sponsor"))
                } else if joining && is_cosponsor {
                    Err(rules(format!("{member} already co-sponsors it")))
                } else if !joining && !is_cosponsor {
                    Err(rules(format!("{member} does not co-sponsor it")))
                } else {
                    Ok(())
                }
            }
            DecisionAct::Withdraw(r) => {
                let p = self.proposal(&r.proposal)?;
                self.pending(p)?;
                if &p.record.sponsor != member {
                    return Err(rules("only the sponsor may withdraw a proposal"));
                }
                if self.voting_began(p) {
                    return Err(rules("voting on it or its amendments has begun"));
                }
                if p.record.original_text.is_some() {
                    return Err(rules("it has been amended"));
                }
                Ok(())
            }
            DecisionAct::Amend(a) => {
                if self.decisions.proposals.contains_key(&a.id) {
                    return Err(rules(format!("proposal id {:?} is taken", a.id)));
                }
                let p = self.proposal(&a.proposal)?;
                self.pending(p)?;
                if p.record.is_amendment() {
                    return Err(rules("an amendment is not amended; amend the proposal"));
                }
                if p.record.procedure == Procedure::Silence && p.record.status == Status::Open {
                    return Err(rules("the proposal is under the silence procedure: object to break silence first"));
                }
                let voting_began = self.voting_began(p);
                if voting_began {
                    return Err(rules(
                        "amendments are accepted only until voting on the proposal or its amendments begins",
                    ));
                }
                let closes = parse_deadline("closes", &a.closes).map_err(rules)?;
                if closes <= time || closes.millis() - time.millis() < secs(self.rules.min_vote_seconds) {
                    return Err(rules(format!(
                        "closes must be after now and at least {} s away",
                        self.rules.min_vote_seconds
                    )));
                }
                let lead = self.lead_ms();
                // Strictly before even with no lead: at the same instant the
                // proposal, tabled first, would close first.
                if closes.millis().saturating_add(lead.max(1)) > p.record.closes.millis() {
                    return Err(rules(format!(
                        "an amendment must close at least amendment_lead_seconds ({}) before its proposal ({})",
                        self.rules.amendment_lead_seconds,
                        p.record.closes.to_rfc3339()
                    )));
                }
                // Voted ahead of an amendment tabled earlier: it must leave
                // that one the lead time too.
                let ahead_of = p.record.amendments.iter().filter_map(|x| self.decisions.proposals.get(x)).find(|q| {
                    q.record.status.is_pending()
                        && q.record.closes > closes
                        && q.record.closes.millis() - closes.millis() < lead
                });
                if let Some(q) = ahead_of {
                    return Err(rules(format!(
                        "it would be voted ahead of amendment {} (closing {}): it must close at least \
                         amendment_lead_seconds ({}) before it, or after it",
                        q.record.id,
                        q.record.closes.to_rfc3339(),
                        self.rules.amendment_lead_seconds
                    )));
                }
                Ok(())
            }
            DecisionAct::Vote(v) => {
                let p = self.proposal(&v.proposal)?;
                self.pending(p)?;
                if p.record.procedure == Procedure::Silence && p.record.status == Status::Open {
                    return Err(rules(
                        "the proposal is under the silence procedure: there is no vote unless a member objects",
                    ));
                }
                if let Some(first) = self.first_undecided_before(p) {
                    return Err(rules(format!("{first} is voted first (amendments before the proposal, in order)")));
                }
                if let Some(first) = self.competitor_before(p) {
                    return Err(rules(format!("{first}, a competing amendment to the same articles, is voted first")));
                }
                if p.votes.contains_key(member) && !self.rules.allow_vote_change {
                    return Err(rules(format!("{member} has already voted on {}", v.proposal)));
                }
                Ok(())
            }
            DecisionAct::Object(s) | DecisionAct::Dissociate(s) => {
                let p = self.proposal(&s.proposal)?;
                self.pending(p)?;
                if p.record.procedure != Procedure::Silence || p.record.status != Status::Open {
                    return Err(rules("the proposal is not under a silence procedure"));
                }
                if matches!(act, DecisionAct::Object(_)) && &p.record.sponsor == member {
                    return Err(rules("the sponsor does not object to its own proposal; withdraw it instead"));
                }
                Ok(())
            }
        }
    }

    /// `amendment_lead_seconds` in milliseconds.
    fn lead_ms(&self) -> i64 {
        secs(self.rules.amendment_lead_seconds)
    }

    /// Has voting begun on `p` or on any of its amendments? (Co-sponsors,
    /// withdrawal and amendments are allowed only until then.)
    fn voting_began(&self, p: &Proposal) -> bool {
        !p.votes.is_empty()
            || p.record.amendments.iter().any(|x| {
                // A withdrawn amendment was never voted on (withdrawal needs no votes).
                self.decisions.proposals.get(x).is_some_and(|q| {
                    !q.votes.is_empty() || !(q.record.status.is_pending() || q.record.status == Status::Withdrawn)
                })
            })
    }

    /// The amendment that must be decided before `p` can be voted on.
    fn first_undecided_before(&self, p: &Proposal) -> Option<String> {
        let siblings: &[String] = match &p.record.amends {
            Some(parent) => {
                let parent = self.decisions.proposals.get(parent)?;
                let pos = parent.record.amendments.iter().position(|a| a == &p.record.id)?;
                &parent.record.amendments[..pos]
            }
            None => &p.record.amendments,
        };
        siblings
            .iter()
            .find(|a| self.decisions.proposals.get(*a).is_some_and(|q| q.record.status.is_pending()))
            .cloned()
    }

    fn check_action(&self, a: BodyAction<'_>) -> Result<(), Refusal> {
        match a {
            BodyAction::Admit { member, vkey, .. } => {
                if self.actors.contains_key(member) {
                    return Err(rules(format!("{member} is already a member")));
                }
                let origin = self.body.as_ref().map(|b| b.origin.as_str()).unwrap_or_default();
                let k = VerifierKey::parse(vkey).map_err(|e| Refusal::Malformed(e.to_string()))?;
                if k.name() != member.key_name(origin) {
                    return Err(rules(format!("the new member's key must be named {}", member.key_name(origin))));
                }
                Ok(())
            }
            BodyAction::Suspend(member) | BodyAction::Reinstate(member) => {
                let Some(target) = self.actors.get(member).filter(|a| !a.id.is_secretariat()) else {
                    return Err(rules(format!("{member} is not a member")));
                };
                let suspend = matches!(a, BodyAction::Suspend(_));
                if target.suspended == suspend {
                    return Err(rules(format!(
                        "{member} is already {}",
                        if suspend { "suspended" } else { "in good standing" }
                    )));
                }
                Ok(())
            }
            BodyAction::Rules(change) => self.rules.changed(change).validate().map_err(rules),
        }
    }

    /// Applies a checked decision act.
    pub(crate) fn commit_decision(
        &mut self,
        index: LogIndex,
        member: &MemberId,
        act: DecisionAct<'_>,
        time: Timestamp,
        out: &mut Vec<Effect>,
    ) {
        match act {
            DecisionAct::Tick(_) => {}
            DecisionAct::Submit(s) => {
                let closes = parse_deadline("closes", &s.closes).unwrap_or(time);
                let record = ProposalRecord {
                    id: s.id.clone(),
                    amends: None,
                    sponsor: member.clone(),
                    title: s.title.clone(),
                    text: s.text.clone(),
                    original_text: None,
                    question: s.question,
                    procedure: s.procedure,
                    submitted: time,
                    closes,
                    action: s.action.clone(),
                    status: Status::Open,
                    adopted_by: None,
                    cosponsors: Vec::new(),
                    objections: Vec::new(),
                    dissociations: Vec::new(),
                    amendments: Vec::new(),
                    entries: vec![index],
                    closed_at: None,
                    tally: None,
                    action_result: None,
                };
                self.deadlines.schedule(Deadline::ballot(closes, index, &s.id));
                if self.effects_on {
                    out.push(Effect::ProposalChanged(Box::new(record.clone())));
                }
                self.decisions.order.push(s.id.clone());
                self.decisions.proposals.insert(
                    s.id.clone(),
                    std::sync::Arc::new(Proposal { record, votes: Default::default(), majority_question: s.question }),
                );
            }
            DecisionAct::Amend(a) => {
                let closes = parse_deadline("closes", &a.closes).unwrap_or(time);
                let Some(parent) = self.decisions.proposals.get(&a.proposal) else { return };
                let question = parent.record.question;
                let record = ProposalRecord {
                    id: a.id.clone(),
                    amends: Some(a.proposal.clone()),
                    sponsor: member.clone(),
                    title: a.title.clone(),
                    text: a.text.clone(),
                    original_text: None,
                    question,
                    procedure: Procedure::Vote,
                    submitted: time,
                    closes,
                    action: None,
                    status: Status::Open,
                    adopted_by: None,
                    cosponsors: Vec::new(),
                    objections: Vec::new(),
                    dissociations: Vec::new(),
                    amendments: Vec::new(),
                    entries: vec![index],
                    closed_at: None,
                    tally: None,
                    action_result: None,
                };
                self.deadlines.schedule(Deadline::ballot(closes, index, &a.id));
                if self.effects_on {
                    out.push(Effect::ProposalChanged(Box::new(record.clone())));
                }
                self.decisions.order.push(a.id.clone());
                self.decisions.proposals.insert(
                    a.id.clone(),
                    std::sync::Arc::new(Proposal { record, votes: Default::default(), majority_question: question }),
                );
                // Voting order: by closing time, then by submission.
                let order: Vec<(Timestamp, LogIndex, String)> = {
                    let Some(parent) = self.decisions.proposals.get(&a.proposal) else { return };
                    let mut v: Vec<_> = parent
                        .record
                        .amendments
                        .iter()
                        .chain(std::iter::once(&a.id))
                        .filter_map(|x| self.decisions.proposals.get(x))
                        .map(|q| (q.record.closes, q.record.entries[0], q.record.id.clone()))
                        .collect();
                    v.sort();
                    v
                };
                if let Some(parent) = self.decisions.proposal_mut(&a.proposal) {
                    parent.record.amendments = order.into_iter().map(|(_, _, id)| id).collect();
                    parent.record.entries.push(index);
                    if self.effects_on {
                        out.push(Effect::ProposalChanged(Box::new(parent.record.clone())));
                    }
                }
            }
            DecisionAct::Cosponsor(r) | DecisionAct::WithdrawCosponsor(r) => {
                if let Some(p) = self.decisions.proposal_mut(&r.proposal) {
                    if matches!(act, DecisionAct::Cosponsor(_)) {
                        p.record.cosponsors.push(Cosponsor { member: member.clone(), index });
                    } else {
                        p.record.cosponsors.retain(|c| &c.member != member);
                    }
                    p.record.entries.push(index);
                    if self.effects_on {
                        out.push(Effect::ProposalChanged(Box::new(p.record.clone())));
                    }
                }
            }
            DecisionAct::Withdraw(r) => {
                let mut ids = vec![r.proposal.clone()];
                if let Some(p) = self.decisions.proposals.get(&r.proposal) {
                    ids.extend(p.record.amendments.iter().cloned());
                }
                for id in &ids {
                    if let Some(p) = self.decisions.proposal_mut(id) {
                        if !p.record.status.is_pending() {
                            continue;
                        }
                        let key = Deadline::ballot(p.record.closes, p.record.entries[0], id);
                        self.deadlines.cancel(&key);
                        p.record.status = Status::Withdrawn;
                        p.record.closed_at = Some(index);
                        p.record.entries.push(index);
                        if self.effects_on {
                            out.push(Effect::ProposalChanged(Box::new(p.record.clone())));
                        }
                    }
                }
            }
            DecisionAct::Vote(v) => {
                if let Some(p) = self.decisions.proposal_mut(&v.proposal) {
                    let rec = VoteRecord { vote: v.vote, explanation: v.explanation.clone(), index };
                    if let Some(old) = p.votes.insert(member.clone(), rec.clone()) {
                        // A changed vote (where the rules allow it): the
                        // replaced one stays among the entries involved.
                        p.record.entries.push(old.index);
                        if self.effects_on {
                            out.push(Effect::ProposalChanged(Box::new(p.record.clone())));
                        }
                    }
                    if self.effects_on {
                        out.push(Effect::VoteRecorded {
                            proposal: v.proposal.clone(),
                            member: member.clone(),
                            vote: rec,
                        });
                    }
                }
            }
            DecisionAct::Object(s) | DecisionAct::Dissociate(s) => {
                let vote_ms = secs(self.rules.silence_vote_seconds.max(self.rules.min_vote_seconds));
                if let Some(p) = self.decisions.proposal_mut(&s.proposal) {
                    let rec = SilenceRecord { member: member.clone(), reason: s.reason.clone(), index };
                    if matches!(act, DecisionAct::Object(_)) {
                        p.record.objections.push(rec);
                        let old = Deadline::ballot(p.record.closes, p.record.entries[0], &s.proposal);
                        self.deadlines.cancel(&old);
                        p.record.status = Status::Voting;
                        p.record.closes = Timestamp::from_millis(time.millis().saturating_add(vote_ms));
                        self.deadlines.schedule(Deadline::ballot(p.record.closes, p.record.entries[0], &s.proposal));
                    } else {
                        p.record.dissociations.push(rec);
                    }
                    p.record.entries.push(index);
                    if self.effects_on {
                        out.push(Effect::ProposalChanged(Box::new(p.record.clone())));
                    }
                }
            }
        }
    }
}
