//! Integration tests of the decision engine (DESIGN.md §6): one named test
//! per rule of procedure and its edge cases, then property tests that
//! check the engine's counts against an independent count written here,
//! that a replay of the accepted entries decides identically, and that no
//! member's vote is ever counted twice.
//!
//! Every entry is a real signed statement, round-tripped through its wire
//! form and applied with `SigCheck::Verify`. Times are fixed: entries carry
//! them, there is no clock.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use accord_core::acts::decision::VoteChoice::{self, Abstain, No, Yes};
use accord_core::acts::decision::{Action, Procedure, Question};
use accord_core::acts::genesis::FoundingMember;
use accord_core::acts::{
    ClockTick, Genesis, NotePublish, ProposalAmend, ProposalRef, ProposalSubmit, SilenceNote, VoteCast,
};
use accord_core::decisions::rules::{Majority, Quorum, Rules, RulesChange};
use accord_core::decisions::{AdoptedBy, Proposal, ProposalRecord, Status, Tally};
use accord_core::{
    Act, Applied, Effect, Entry, LogIndex, MemberId, Refusal, Seq, SigCheck, State, Statement, Timestamp,
};
use accord_log::Signer;
use ed25519_dalek::SigningKey;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[path = "support/snapshots.rs"]
mod snapshots;

// ---- harness ---------------------------------------------------------------

const ORIGIN: &str = "test.example/log";
/// 2025-11-25T18:00:00Z.
const T0: i64 = 1_764_093_600_000;
const SEC: i64 = 1000;
const HOUR: i64 = 3600 * SEC;
/// The default silence period and silence-vote period: 72 hours.
const SILENCE: i64 = 259_200 * SEC;
const FIVE: [&str; 5] = ["FRA", "CHN", "EGY", "BRA", "IND"];
const SECRETARIAT: &str = "secretariat";

fn mid(s: &str) -> MemberId {
    MemberId::parse(s).unwrap()
}

fn signer(id: &str, seed: u8) -> Signer {
    Signer::new(&mid(id).key_name(ORIGIN), SigningKey::from_bytes(&[seed; 32])).unwrap()
}

/// A body under test: its state, every actor's key, and the log of accepted
/// entries with the effects each one returned.
struct Body {
    state: State,
    keys: BTreeMap<MemberId, Signer>,
    seqs: BTreeMap<MemberId, u64>,
    now: i64,
    log: Vec<Entry>,
    effects: Vec<Vec<Effect>>,
}

/// When a test ends well, its body is checked to be snapshot-safe at every
/// index (tests/support/snapshots.rs).
impl Drop for Body {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            snapshots::assert_snapshot_safe(&self.log, &self.effects, &self.state);
        }
    }
}

/// Founds a body of `ids`. Without `rules`, the defaults but for
/// `amendment_lead_seconds`, which is 0 so that the amendment tests can
/// use short deadlines; the lead has tests of its own.
fn found(ids: &[&str], rules: Option<Rules>) -> Body {
    found_raw(ids, Some(rules.unwrap_or(Rules { amendment_lead_seconds: 0, ..Rules::default() })))
}

/// Founds a body of `ids` with `rules` in genesis as given.
fn found_raw(ids: &[&str], rules: Option<Rules>) -> Body {
    let sec = signer(SECRETARIAT, 1);
    let log_key = Signer::new(ORIGIN, SigningKey::from_bytes(&[2; 32])).unwrap();
    let mut keys = BTreeMap::new();
    let mut members = Vec::new();
    for (i, m) in ids.iter().enumerate() {
        let s = signer(m, 10 + u8::try_from(i).unwrap());
        members.push(FoundingMember {
            id: mid(m),
            name: format!("State {m}"),
            names: Default::default(),
            vkey: s.verifier().to_vkey(),
        });
        keys.insert(mid(m), s);
    }
    let g = Genesis {
        name: "Test body".into(),
        names: Default::default(),
        origin: ORIGIN.into(),
        log_key: log_key.verifier().to_vkey(),
        secretariat_key: sec.verifier().to_vkey(),
        members,
        rules,
        documents: Vec::new(),
    };
    keys.insert(MemberId::secretariat(), sec);
    let mut b =
        Body { state: State::new(), keys, seqs: BTreeMap::new(), now: T0, log: Vec::new(), effects: Vec::new() };
    b.apply_at(SECRETARIAT, T0, Act::Genesis(Box::new(g))).unwrap();
    b
}

impl Body {
    /// A signed entry by `who` at `at` (statement time = entry time), taken
    /// through its wire bytes so that it is exactly what a server would
    /// parse. Each call takes the member's next `seq`.
    fn entry_at(&mut self, who: &str, at: i64, act: Act) -> Entry {
        let m = mid(who);
        let seq = self.seqs.entry(m.clone()).or_insert(0);
        *seq += 1;
        let st = Statement { member: m.clone(), seq: Seq(*seq), time: Timestamp(at), act };
        let key = self.keys.get(&m).unwrap_or_else(|| panic!("no key for {who}"));
        let e = Entry::new(Timestamp(at), st.sign(key).unwrap());
        let parsed = Entry::parse(&e.to_bytes()).unwrap_or_else(|r| panic!("{who} at {at}: not a valid entry: {r}"));
        assert_eq!(parsed.to_bytes(), e.to_bytes());
        parsed
    }

    /// Applies an entry by `who` at `at`; keeps it in the log if accepted.
    fn apply_at(&mut self, who: &str, at: i64, act: Act) -> Result<Applied, Refusal> {
        let e = self.entry_at(who, at, act);
        self.now = self.now.max(at);
        let r = self.state.apply(&e, SigCheck::Verify);
        if let Ok(a) = &r {
            self.log.push(e);
            self.effects.push(a.effects.clone());
        }
        r
    }

    /// Applies an entry one second after the last.
    fn apply(&mut self, who: &str, act: Act) -> Result<Applied, Refusal> {
        let at = self.now + SEC;
        self.apply_at(who, at, act)
    }

    #[track_caller]
    fn ok(&mut self, who: &str, act: Act) -> Applied {
        let what = format!("{who} {}", act.type_name());
        self.apply(who, act).unwrap_or_else(|r| panic!("{what} refused: {r}"))
    }

    #[track_caller]
    fn refused(&mut self, who: &str, act: Act) -> Refusal {
        let what = format!("{who} {}", act.type_name());
        match self.apply(who, act) {
            Ok(_) => panic!("{what} was accepted"),
            Err(r) => r,
        }
    }

    /// A secretariat `clock.tick` at `at`.
    #[track_caller]
    fn tick_at(&mut self, at: i64) -> Applied {
        self.apply_at(SECRETARIAT, at, Act::ClockTick(ClockTick {})).unwrap()
    }

    fn clone_state(&self) -> State {
        self.state.clone()
    }

    /// The index the next accepted entry takes.
    fn next_index(&self) -> LogIndex {
        LogIndex(self.state.size())
    }

    fn proposal(&self, id: &str) -> &Proposal {
        self.state.decisions().get(id).unwrap_or_else(|| panic!("no proposal {id}"))
    }

    fn record(&self, id: &str) -> &ProposalRecord {
        &self.proposal(id).record
    }

    fn suspended(&self, id: &str) -> bool {
        self.state.actor(&mid(id)).unwrap().suspended
    }

    /// Every member not suspended votes `v`.
    fn all_vote(&mut self, proposal: &str, v: VoteChoice) {
        let ids: Vec<String> = self.state.members().filter(|a| !a.suspended).map(|a| a.id.to_string()).collect();
        for m in ids {
            self.ok(&m, vote(proposal, v));
        }
    }

    /// Replays the accepted entries into a fresh state and checks that it
    /// decides exactly as this one did, effect for effect.
    #[track_caller]
    fn assert_replays(&self) -> State {
        let mut again = State::new();
        for (e, effects) in self.log.iter().zip(&self.effects) {
            let a = again.apply(e, SigCheck::Verify).unwrap();
            assert_eq!(&a.effects, effects, "effects of entry at {}", e.time);
        }
        assert_eq!(again.size(), self.state.size());
        assert_eq!(again.rules(), self.state.rules());
        assert_eq!(again.actors().collect::<Vec<_>>(), self.state.actors().collect::<Vec<_>>());
        assert_eq!(again.decisions().iter().collect::<Vec<_>>(), self.state.decisions().iter().collect::<Vec<_>>());
        again
    }
}

fn text_of(id: &str) -> String {
    format!("The text of {id}.")
}

fn submit(id: &str, question: Question, procedure: Procedure, closes: i64, action: Option<Action>) -> Act {
    Act::ProposalSubmit(Box::new(ProposalSubmit {
        id: id.into(),
        title: format!("Proposal {id}"),
        text: text_of(id),
        question,
        procedure,
        closes: Timestamp(closes).to_rfc3339(),
        action,
    }))
}

/// An ordinary question, recorded vote, no action.
fn ordinary(id: &str, closes: i64) -> Act {
    submit(id, Question::Ordinary, Procedure::Vote, closes, None)
}

fn important(id: &str, closes: i64, action: Option<Action>) -> Act {
    submit(id, Question::Important, Procedure::Vote, closes, action)
}

fn silence(id: &str, closes: i64) -> Act {
    submit(id, Question::Ordinary, Procedure::Silence, closes, None)
}

fn amend(id: &str, proposal: &str, closes: i64) -> Act {
    Act::ProposalAmend(Box::new(ProposalAmend {
        id: id.into(),
        proposal: proposal.into(),
        title: format!("Amendment {id}"),
        text: text_of(id),
        closes: Timestamp(closes).to_rfc3339(),
    }))
}

fn vote(proposal: &str, v: VoteChoice) -> Act {
    Act::VoteCast(VoteCast { proposal: proposal.into(), vote: v, explanation: None })
}

fn pref(proposal: &str) -> ProposalRef {
    ProposalRef { proposal: proposal.into() }
}

fn object(proposal: &str) -> Act {
    Act::SilenceObject(SilenceNote { proposal: proposal.into(), reason: "We cannot join consensus.".into() })
}

fn dissociate(proposal: &str) -> Act {
    Act::SilenceDissociate(SilenceNote { proposal: proposal.into(), reason: "We dissociate ourselves.".into() })
}

fn note(t: &str) -> Act {
    Act::NotePublish(NotePublish { text: t.into() })
}

fn suspend(m: &str) -> Option<Action> {
    Some(Action::MemberSuspend { member: mid(m) })
}

fn reinstate(m: &str) -> Option<Action> {
    Some(Action::MemberReinstate { member: mid(m) })
}

fn tally(yes: u64, no: u64, abstain: u64, not_voting: u64) -> Tally {
    Tally { yes, no, abstain, not_voting }
}

#[track_caller]
fn assert_rules_refusal(r: &Refusal, contains: &str) {
    match r {
        Refusal::Rules(why) => assert!(why.contains(contains), "refusal {why:?} does not say {contains:?}"),
        other => panic!("expected a refusal by the rules ({contains:?}), got {other:?}"),
    }
}

#[track_caller]
fn assert_closed(r: &Refusal, proposal: &str, status: Status) {
    assert_eq!(r, &Refusal::BallotClosed { proposal: proposal.into(), status: status.as_str().into() });
}

/// Casts each `(member, vote)` in turn.
fn votes(b: &mut Body, proposal: &str, cast: &[(&str, VoteChoice)]) {
    for (m, v) in cast {
        b.ok(m, vote(proposal, *v));
    }
}

fn changed<'a>(a: &'a Applied, id: &str) -> Option<&'a ProposalRecord> {
    a.effects.iter().rev().find_map(|e| match e {
        Effect::ProposalChanged(r) if r.id == id => Some(&**r),
        _ => None,
    })
}

// ---- defaults ----------------------------------------------------------------

#[test]
fn default_rules_are_those_of_design_section_6() {
    let b = found_raw(&FIVE, None);
    let r = b.state.rules();
    assert_eq!(r.ordinary_majority, Majority::Simple);
    assert_eq!(r.important_majority, Majority::TwoThirds);
    let important: BTreeSet<&str> = r.important_actions.iter().map(String::as_str).collect();
    assert_eq!(
        important,
        BTreeSet::from([
            "code.amend",
            "code.establish",
            "member.admit",
            "member.suspend",
            "member.reinstate",
            "rules.change",
            "zone.change"
        ])
    );
    assert_eq!(r.quorum, Quorum::Majority);
    assert_eq!(r.min_silence_seconds, 259_200);
    assert_eq!(r.min_vote_seconds, 0);
    assert_eq!(r.silence_vote_seconds, 259_200);
    assert!(!r.allow_vote_change);
    assert_eq!(r.amendment_lead_seconds, 86_400);
    assert_eq!(r.rate_statements_per_minute, 120);
    assert_eq!(r.rate_bytes_per_day, 64 << 20);
    assert_eq!(r, &Rules::default());
    // Rules given in genesis are the rules in force.
    let custom = Rules { quorum: Quorum::None, allow_vote_change: true, ..Rules::default() };
    assert_eq!(found(&FIVE, Some(custom.clone())).state.rules(), &custom);
}

// ---- majorities ---------------------------------------------------------------

#[test]
fn simple_majority_of_members_present_and_voting_adopts() {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("p", closes));
    votes(&mut b, "p", &[("FRA", Yes), ("CHN", Yes), ("EGY", No), ("BRA", Abstain)]);
    assert_eq!(b.record("p").status, Status::Open);
    let at = b.next_index();
    let tick = b.tick_at(closes);
    let r = b.record("p");
    assert_eq!(r.status, Status::Adopted);
    assert_eq!(r.adopted_by, Some(AdoptedBy::Vote));
    assert_eq!(r.tally, Some(tally(2, 1, 1, 1)));
    assert_eq!(r.closed_at, Some(at));
    assert_eq!(r.entries.last(), Some(&at));
    assert_eq!(changed(&tick, "p"), Some(r));
    b.assert_replays();
}

#[test]
fn abstentions_are_not_votes() {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("p", closes));
    b.ok("FRA", important("q", closes, None));
    // One yes and four abstentions: present and voting is 1 to 0, under
    // either majority; the abstentions count for the quorum only.
    votes(&mut b, "p", &[("FRA", Yes), ("CHN", Abstain), ("EGY", Abstain), ("BRA", Abstain), ("IND", Abstain)]);
    votes(&mut b, "q", &[("FRA", Yes), ("CHN", Abstain), ("EGY", Abstain), ("BRA", Abstain), ("IND", Abstain)]);
    b.tick_at(closes);
    for id in ["p", "q"] {
        assert_eq!(b.record(id).status, Status::Adopted, "{id}");
        assert_eq!(b.record(id).tally, Some(tally(1, 0, 4, 0)));
    }
    b.assert_replays();
}

#[test]
fn a_tie_fails() {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("tie", closes));
    b.ok("FRA", ordinary("all-abstain", closes));
    b.ok("FRA", important("tie-important", closes, None));
    votes(&mut b, "tie", &[("FRA", Yes), ("CHN", No), ("EGY", Yes), ("BRA", No), ("IND", Abstain)]);
    votes(&mut b, "all-abstain", &[("FRA", Abstain), ("CHN", Abstain), ("EGY", Abstain)]);
    votes(&mut b, "tie-important", &[("FRA", Yes), ("CHN", No), ("EGY", Abstain)]);
    b.tick_at(closes);
    assert_eq!(b.record("tie").status, Status::Rejected);
    assert_eq!(b.record("tie").adopted_by, None);
    assert_eq!(b.record("tie").tally, Some(tally(2, 2, 1, 0)));
    assert_eq!(b.record("all-abstain").status, Status::Rejected);
    assert_eq!(b.record("all-abstain").tally, Some(tally(0, 0, 3, 2)));
    assert_eq!(b.record("tie-important").status, Status::Rejected);
    b.assert_replays();
}

#[test]
fn two_thirds_exactly_met_is_adopted() {
    let six = ["FRA", "CHN", "EGY", "BRA", "IND", "RUS"];
    let mut b = found(&six, None);
    let closes = b.now + HOUR;
    b.ok("FRA", important("exact", closes, None));
    b.ok("FRA", important("short", closes, None));
    b.ok("FRA", ordinary("simple", closes));
    // 4 of 6 votes cast: exactly two thirds.
    votes(&mut b, "exact", &[("FRA", Yes), ("CHN", Yes), ("EGY", Yes), ("BRA", Yes), ("IND", No), ("RUS", No)]);
    // 3 of 5 votes cast (one abstains): under two thirds.
    votes(&mut b, "short", &[("FRA", Yes), ("CHN", Yes), ("EGY", Yes), ("BRA", No), ("IND", No), ("RUS", Abstain)]);
    // The same votes on an ordinary question: a simple majority suffices.
    votes(&mut b, "simple", &[("FRA", Yes), ("CHN", Yes), ("EGY", Yes), ("BRA", No), ("IND", No), ("RUS", Abstain)]);
    b.tick_at(closes);
    assert_eq!(b.record("exact").status, Status::Adopted);
    assert_eq!(b.record("exact").tally, Some(tally(4, 2, 0, 0)));
    assert_eq!(b.record("short").status, Status::Rejected);
    assert_eq!(b.record("short").tally, Some(tally(3, 2, 1, 0)));
    assert_eq!(b.record("simple").status, Status::Adopted);
    b.assert_replays();
}

#[test]
fn important_action_declared_ordinary_is_refused() {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    for (i, action) in [
        suspend("EGY"),
        Some(Action::RulesChange { rules: RulesChange { quorum: Some(Quorum::None), ..Default::default() } }),
    ]
    .into_iter()
    .enumerate()
    {
        let id = format!("p{i}");
        let r = b.refused("FRA", submit(&id, Question::Ordinary, Procedure::Vote, closes, action.clone()));
        assert_rules_refusal(&r, "important question");
        assert!(b.state.decisions().get(&id).is_none());
        b.ok("FRA", submit(&id, Question::Important, Procedure::Vote, closes, action));
    }
    // An important question may carry no action at all.
    b.ok("FRA", important("no-action", closes, None));
    b.assert_replays();
}

// ---- quorum -------------------------------------------------------------------

#[test]
fn quorum_missed_by_one_fails() {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    // Quorum: more than half of 5, that is 3 taking part.
    b.ok("FRA", ordinary("two", closes));
    b.ok("FRA", ordinary("three", closes));
    votes(&mut b, "two", &[("FRA", Yes), ("CHN", Yes)]);
    votes(&mut b, "three", &[("FRA", Yes), ("CHN", Yes), ("EGY", Abstain)]);
    b.tick_at(closes);
    let r = b.record("two");
    assert_eq!(r.status, Status::FailedQuorum);
    assert_eq!(r.adopted_by, None);
    assert_eq!(r.tally, Some(tally(2, 0, 0, 3)));
    // An abstention counts towards the quorum.
    assert_eq!(b.record("three").status, Status::Adopted);
    assert_eq!(b.record("three").tally, Some(tally(2, 0, 1, 2)));
    b.assert_replays();
}

#[test]
fn quorum_of_two_thirds_set_in_genesis() {
    let six = ["FRA", "CHN", "EGY", "BRA", "IND", "RUS"];
    let rules = Rules { quorum: Quorum::TwoThirds, ..Rules::default() };
    let mut b = found(&six, Some(rules));
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("three", closes));
    b.ok("FRA", ordinary("four", closes));
    votes(&mut b, "three", &[("FRA", Yes), ("CHN", Yes), ("EGY", No)]);
    votes(&mut b, "four", &[("FRA", Yes), ("CHN", Yes), ("EGY", No), ("BRA", Abstain)]);
    b.tick_at(closes);
    assert_eq!(b.record("three").status, Status::FailedQuorum);
    assert_eq!(b.record("four").status, Status::Adopted);
}

// ---- one member, one vote ---------------------------------------------------------

#[test]
fn duplicate_vote_refused() {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("p", closes));
    b.ok("CHN", vote("p", Yes));
    let first = b.proposal("p").votes[&mid("CHN")].clone();
    for v in [No, Yes, Abstain] {
        assert_rules_refusal(&b.refused("CHN", vote("p", v)), "already voted");
    }
    assert_eq!(b.proposal("p").votes[&mid("CHN")], first);
    votes(&mut b, "p", &[("EGY", No), ("BRA", No)]);
    b.tick_at(closes);
    assert_eq!(b.record("p").tally, Some(tally(1, 2, 0, 2)));
    b.assert_replays();
}

#[test]
fn vote_change_allowed_when_allow_vote_change() {
    let rules = Rules { allow_vote_change: true, ..Rules::default() };
    let mut b = found(&FIVE, Some(rules));
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("p", closes));
    b.ok("CHN", vote("p", Yes));
    b.ok("CHN", vote("p", No));
    let last = b.next_index();
    b.ok("CHN", vote("p", Abstain));
    let v = &b.proposal("p").votes[&mid("CHN")];
    assert_eq!((v.vote, v.index), (Abstain, last));
    assert_eq!(b.proposal("p").votes.len(), 1);
    votes(&mut b, "p", &[("EGY", Yes), ("BRA", No), ("FRA", Yes)]);
    b.tick_at(closes);
    // CHN counted once, with its last vote.
    assert_eq!(b.record("p").tally, Some(tally(2, 1, 1, 1)));
    assert_eq!(b.record("p").status, Status::Adopted);
    b.assert_replays();
}

#[test]
fn every_vote_is_recorded_with_its_explanation() {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("p", closes));
    let at = b.next_index();
    let why = "We abstain: the text is premature.";
    let a = b.ok("EGY", Act::VoteCast(VoteCast { proposal: "p".into(), vote: Abstain, explanation: Some(why.into()) }));
    let rec = &b.proposal("p").votes[&mid("EGY")];
    assert_eq!((rec.vote, rec.explanation.as_deref(), rec.index), (Abstain, Some(why), at));
    assert!(a.effects.iter().any(|e| matches!(e,
        Effect::VoteRecorded { proposal, member, vote } if proposal == "p" && member == &mid("EGY") && vote == rec)));
    b.assert_replays();
}

#[test]
fn unknown_proposal_refused() {
    let mut b = found(&FIVE, None);
    assert_eq!(b.refused("FRA", vote("nope", Yes)), Refusal::UnknownProposal("nope".into()));
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("p", closes));
    assert_rules_refusal(&b.refused("CHN", ordinary("p", closes)), "taken");
}

// ---- deadlines ----------------------------------------------------------------------

#[test]
fn vote_one_millisecond_after_closes_refused_at_closes_refused_before_accepted() {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("p", closes));
    votes(&mut b, "p", &[("CHN", Yes), ("EGY", Yes), ("BRA", Yes)]);
    // At closes and 1 ms after: the ballot closes first, then the vote is
    // refused. (Tried on copies of the state.)
    for at in [closes, closes + 1] {
        let e = b.entry_at("FRA", at, vote("p", No));
        let mut s = b.state.clone();
        assert_closed(&s.apply(&e, SigCheck::Verify).unwrap_err(), "p", Status::Adopted);
        assert_eq!(s.decisions().get("p").unwrap().record.tally, Some(tally(3, 0, 0, 2)));
    }
    // 1 ms before: accepted and counted.
    b.apply_at("FRA", closes - 1, vote("p", No)).unwrap();
    assert_closed(&b.apply_at("IND", closes + 1, vote("p", No)).unwrap_err(), "p", Status::Adopted);
    b.tick_at(closes + 2);
    assert_eq!(b.record("p").tally, Some(tally(3, 1, 0, 1)));
    assert_eq!(b.record("p").status, Status::Adopted);
    b.assert_replays();
}

#[test]
fn closing_effects_are_reported_with_the_next_accepted_entry() {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("p", closes));
    b.ok("FRA", ordinary("later", closes + HOUR));
    votes(&mut b, "p", &[("CHN", Yes), ("EGY", Yes), ("BRA", No)]);
    // A refused entry at the deadline closes the ballot...
    assert_closed(&b.apply_at("IND", closes, vote("p", Yes)).unwrap_err(), "p", Status::Adopted);
    let index = b.next_index();
    assert_eq!(b.record("p").status, Status::Adopted);
    assert_eq!(b.record("p").closed_at, Some(index));
    assert_eq!(b.state.clock_floor(), Timestamp(closes));
    // ... and its effects come with the next accepted entry, whose index
    // is the one recorded.
    let a = b.apply_at("CHN", closes + 10 * SEC, note("after the close")).unwrap();
    let r = changed(&a, "p").expect("closing reported");
    assert_eq!((r.status, r.closed_at), (Status::Adopted, Some(index)));
    assert!(changed(&a, "later").is_none());
    // Only once.
    let a = b.tick_at(closes + 20 * SEC);
    assert!(changed(&a, "p").is_none());
    // The replay has no refused entry, yet decides the same.
    b.assert_replays();
}

#[test]
fn ballots_close_in_deadline_order_at_one_entry() {
    let mut b = found(&FIVE, None);
    let start = b.now;
    b.ok("FRA", ordinary("b", start + 2 * HOUR));
    b.ok("FRA", ordinary("a", start + HOUR));
    b.ok("FRA", ordinary("c", start + 2 * HOUR));
    for p in ["a", "b", "c"] {
        votes(&mut b, p, &[("FRA", Yes), ("CHN", Yes), ("EGY", Yes)]);
    }
    let index = b.next_index();
    let tick = b.tick_at(start + 3 * HOUR);
    let order: Vec<&str> = tick
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::ProposalChanged(r) => Some(r.id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(order, ["a", "b", "c"]);
    for p in ["a", "b", "c"] {
        assert_eq!(b.record(p).closed_at, Some(index));
    }
    assert_eq!(b.state.next_deadline(), None);
}

#[test]
fn closes_must_be_after_now_and_respect_the_minimum_periods() {
    let rules = Rules { min_vote_seconds: 60, ..Rules::default() };
    let mut b = found(&FIVE, Some(rules));
    let now = b.now + SEC;
    assert_rules_refusal(&b.apply_at("FRA", now, ordinary("p", now)).unwrap_err(), "closes");
    assert_rules_refusal(&b.apply_at("FRA", now, ordinary("p", now + 59 * SEC)).unwrap_err(), "closes");
    b.apply_at("FRA", now, ordinary("p", now + 60 * SEC)).unwrap();
    assert_rules_refusal(&b.apply_at("FRA", now, silence("s", now + SILENCE - SEC)).unwrap_err(), "closes");
    b.apply_at("FRA", now, silence("s", now + SILENCE)).unwrap();
}

// ---- suspension -----------------------------------------------------------------------

#[test]
fn suspended_member_vote_refused() {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    b.ok("FRA", important("suspend-egy", closes, suspend("EGY")));
    votes(&mut b, "suspend-egy", &[("FRA", Yes), ("CHN", Yes), ("BRA", Yes), ("IND", Yes), ("EGY", No)]);
    let index = b.next_index();
    let tick = b.tick_at(closes);
    assert!(b.suspended("EGY"));
    assert!(tick.effects.contains(&Effect::MemberSuspended { id: mid("EGY"), suspended: true, index }));
    assert_eq!(b.record("suspend-egy").action_result.as_deref(), Some("applied: EGY suspended"));
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("p", closes));
    assert_rules_refusal(&b.refused("EGY", vote("p", Yes)), "suspended");
    assert!(!b.proposal("p").votes.contains_key(&mid("EGY")));
    votes(&mut b, "p", &[("FRA", Yes), ("CHN", No), ("BRA", Abstain)]);
    b.tick_at(closes);
    // Four members entitled to vote: EGY is not counted as not voting.
    assert_eq!(b.record("p").tally, Some(tally(1, 1, 1, 1)));
    b.assert_replays();
}

#[test]
fn a_vote_cast_before_suspension_is_not_counted() {
    let mut b = found(&FIVE, None);
    let start = b.now;
    b.ok("FRA", ordinary("p", start + 2 * HOUR));
    b.ok("FRA", important("suspend-egy", start + HOUR, suspend("EGY")));
    votes(&mut b, "p", &[("EGY", Yes), ("FRA", Yes), ("CHN", No), ("BRA", Abstain)]);
    votes(&mut b, "suspend-egy", &[("FRA", Yes), ("CHN", Yes), ("BRA", Yes), ("IND", Yes)]);
    b.tick_at(start + HOUR);
    assert!(b.suspended("EGY"));
    b.tick_at(start + 2 * HOUR);
    // Counted with EGY, p would pass 2-1; eligible at the close are four,
    // so it is a 1-1 tie.
    let p = b.proposal("p");
    assert_eq!(p.votes[&mid("EGY")].vote, Yes);
    assert_eq!(p.record.tally, Some(tally(1, 1, 1, 1)));
    assert_eq!(p.record.status, Status::Rejected);
    b.assert_replays();
}

#[test]
fn suspend_then_reinstate() {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    b.ok("FRA", important("suspend-egy", closes, suspend("EGY")));
    // Reinstating a member in good standing is refused at once.
    assert_rules_refusal(&b.refused("FRA", important("early", closes, reinstate("EGY"))), "in good standing");
    votes(&mut b, "suspend-egy", &[("FRA", Yes), ("CHN", Yes), ("BRA", Yes), ("IND", No)]);
    b.tick_at(closes);
    assert!(b.suspended("EGY"));
    assert_rules_refusal(&b.refused("FRA", important("again", closes + HOUR, suspend("EGY"))), "already suspended");

    let closes = b.now + HOUR;
    b.ok("CHN", important("reinstate-egy", closes, reinstate("EGY")));
    assert_rules_refusal(&b.refused("EGY", vote("reinstate-egy", Yes)), "suspended");
    votes(&mut b, "reinstate-egy", &[("FRA", Yes), ("CHN", Yes), ("BRA", Yes), ("IND", No)]);
    let index = b.next_index();
    let tick = b.tick_at(closes);
    assert!(!b.suspended("EGY"));
    assert!(tick.effects.contains(&Effect::MemberSuspended { id: mid("EGY"), suspended: false, index }));
    assert_eq!(b.record("reinstate-egy").action_result.as_deref(), Some("applied: EGY reinstated"));
    assert_eq!(b.record("reinstate-egy").tally, Some(tally(3, 1, 0, 0)));

    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("p", closes));
    b.ok("EGY", vote("p", Yes));
    b.tick_at(closes);
    assert_eq!(b.record("p").tally, Some(tally(1, 0, 0, 4)));
    b.assert_replays();
}

#[test]
fn an_action_that_no_longer_applies_is_reported_not_applied() {
    let mut b = found(&FIVE, None);
    let start = b.now;
    b.ok("FRA", important("s1", start + HOUR, suspend("EGY")));
    b.ok("CHN", important("s2", start + 2 * HOUR, suspend("EGY")));
    for p in ["s1", "s2"] {
        votes(&mut b, p, &[("FRA", Yes), ("CHN", Yes), ("BRA", Yes), ("IND", Yes)]);
    }
    b.tick_at(start + 3 * HOUR);
    assert_eq!(b.record("s1").action_result.as_deref(), Some("applied: EGY suspended"));
    assert_eq!(b.record("s2").status, Status::Adopted);
    assert_eq!(b.record("s2").action_result.as_deref(), Some("not applied: EGY is already suspended"));
    b.assert_replays();
}

// ---- actions ----------------------------------------------------------------------------

#[test]
fn admit_a_member_by_two_thirds_then_that_member_votes() {
    let mut b = found(&["FRA", "CHN", "EGY"], None);
    let ger = signer("GER", 200);
    b.keys.insert(mid("GER"), ger.clone());
    assert_eq!(b.refused("GER", note("hello")), Refusal::UnknownMember("GER".into()));
    let names: accord_core::Names =
        serde_json::from_value(serde_json::json!({ "fr": "Allemagne", "zh": "德国" })).unwrap();
    let admit = Some(Action::MemberAdmit {
        member: mid("GER"),
        name: "Germany".into(),
        names: names.clone(),
        vkey: ger.verifier().to_vkey(),
    });
    let closes = b.now + HOUR;
    // A key named for another log.
    let other = Signer::new("other.example/log/members/GER", SigningKey::from_bytes(&[201; 32])).unwrap();
    let wrong = Some(Action::MemberAdmit {
        member: mid("GER"),
        name: "Germany".into(),
        names: Default::default(),
        vkey: other.verifier().to_vkey(),
    });
    assert_rules_refusal(&b.refused("FRA", important("admit-wrong", closes, wrong)), "must be named");
    assert_rules_refusal(
        &b.refused("FRA", submit("admit-ger", Question::Ordinary, Procedure::Vote, closes, admit.clone())),
        "important question",
    );
    b.ok("FRA", important("admit-ger", closes, admit));
    // Exactly two thirds of the votes cast.
    votes(&mut b, "admit-ger", &[("FRA", Yes), ("CHN", Yes), ("EGY", No)]);
    let index = b.next_index();
    let tick = b.tick_at(closes);
    let r = b.record("admit-ger");
    assert_eq!((r.status, r.adopted_by), (Status::Adopted, Some(AdoptedBy::Vote)));
    assert_eq!(r.tally, Some(tally(2, 1, 0, 0)));
    assert_eq!(r.action_result.as_deref(), Some("applied: GER admitted"));
    assert!(tick.effects.contains(&Effect::ActorAdded {
        id: mid("GER"),
        name: "Germany".into(),
        names: names.clone(),
        vkey: ger.verifier().to_vkey(),
        index
    }));
    assert_eq!(b.state.actor(&mid("GER")).unwrap().since, index);
    assert_eq!(b.state.actor(&mid("GER")).unwrap().names.get("zh"), Some("德国"));

    // The new member signs, proposes and votes; it counts in the quorum.
    let closes = b.now + HOUR;
    b.ok("GER", ordinary("p", closes));
    votes(&mut b, "p", &[("GER", Yes), ("FRA", No), ("CHN", Yes)]);
    b.tick_at(closes);
    assert_eq!(b.record("p").tally, Some(tally(2, 1, 0, 1)));
    assert_eq!(b.record("p").status, Status::Adopted);
    assert_eq!(b.record("p").sponsor, mid("GER"));
    b.assert_replays();
}

#[test]
fn admission_missing_two_thirds_is_rejected_and_nothing_happens() {
    let mut b = found(&["FRA", "CHN", "EGY", "BRA", "IND"], None);
    let ger = signer("GER", 200);
    let admit = Some(Action::MemberAdmit {
        member: mid("GER"),
        name: "Germany".into(),
        names: Default::default(),
        vkey: ger.verifier().to_vkey(),
    });
    let closes = b.now + HOUR;
    b.ok("FRA", important("admit-ger", closes, admit));
    votes(&mut b, "admit-ger", &[("FRA", Yes), ("CHN", Yes), ("EGY", Yes), ("BRA", No), ("IND", No)]);
    b.tick_at(closes);
    assert_eq!(b.record("admit-ger").status, Status::Rejected);
    assert_eq!(b.record("admit-ger").action_result, None);
    assert!(b.state.actor(&mid("GER")).is_none());
}

#[test]
fn rules_change_taking_effect_for_later_ballots() {
    let mut b = found(&["FRA", "CHN", "EGY"], None);
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("before", closes));
    b.ok("FRA", vote("before", Yes));
    assert_rules_refusal(&b.refused("FRA", vote("before", No)), "already voted");
    let change = RulesChange {
        quorum: Some(Quorum::None),
        allow_vote_change: Some(true),
        min_silence_seconds: Some(3600),
        ..Default::default()
    };
    b.ok("CHN", important("change", closes, Some(Action::RulesChange { rules: change })));
    votes(&mut b, "change", &[("FRA", Yes), ("CHN", Yes), ("EGY", Yes)]);
    let tick = b.tick_at(closes);
    // One vote of three: no quorum under the old rules.
    assert_eq!(b.record("before").status, Status::FailedQuorum);
    assert_eq!(b.record("change").action_result.as_deref(), Some("applied: rules changed"));
    let now = b.state.rules().clone();
    assert_eq!(now.quorum, Quorum::None);
    assert!(now.allow_vote_change);
    assert_eq!(now.min_silence_seconds, 3600);
    // The rest stays as it was.
    assert_eq!(
        now,
        Rules {
            quorum: Quorum::None,
            allow_vote_change: true,
            min_silence_seconds: 3600,
            amendment_lead_seconds: 0,
            ..Rules::default()
        }
    );
    assert!(tick.effects.contains(&Effect::RulesChanged(Box::new(now))));

    // A later ballot: one vote of three decides, and votes may change.
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("after", closes));
    b.ok("FRA", vote("after", No));
    b.ok("FRA", vote("after", Yes));
    // A shorter silence is now allowed.
    let s = b.now + SEC;
    b.apply_at("FRA", s, silence("short-silence", s + HOUR)).unwrap();
    b.tick_at(s + HOUR);
    assert_eq!(b.record("after").status, Status::Adopted);
    assert_eq!(b.record("after").tally, Some(tally(1, 0, 0, 2)));
    assert_eq!(b.record("short-silence").status, Status::Adopted);
    b.assert_replays();
}

#[test]
fn an_open_ballot_is_counted_under_the_rules_in_force_at_its_close() {
    // As implemented: majority and quorum are read when a ballot closes, so
    // a rules.change adopted while a ballot is open applies to it as well.
    let mut b = found(&["FRA", "CHN", "EGY"], None);
    let start = b.now;
    b.ok(
        "CHN",
        important(
            "change",
            start + HOUR,
            Some(Action::RulesChange { rules: RulesChange { quorum: Some(Quorum::None), ..Default::default() } }),
        ),
    );
    b.ok("FRA", ordinary("open", start + 2 * HOUR));
    votes(&mut b, "change", &[("FRA", Yes), ("CHN", Yes), ("EGY", Yes)]);
    b.ok("FRA", vote("open", Yes));
    b.tick_at(start + 2 * HOUR);
    assert_eq!(b.record("change").status, Status::Adopted);
    // One participant of three: no quorum under the rules it was tabled under.
    assert_eq!(b.record("open").status, Status::Adopted);
    b.assert_replays();
}

// ---- silence procedure --------------------------------------------------------------------

#[test]
fn silence_with_no_objection_adopted_by_consensus() {
    let mut b = found(&FIVE, None);
    let closes = b.now + SEC + SILENCE;
    b.ok("FRA", silence("s", closes));
    assert_eq!(b.record("s").status, Status::Open);
    let index = b.next_index();
    let tick = b.tick_at(closes);
    let r = b.record("s");
    assert_eq!((r.status, r.adopted_by), (Status::Adopted, Some(AdoptedBy::Consensus)));
    assert_eq!(r.tally, Some(tally(0, 0, 0, 5)));
    assert_eq!(r.closed_at, Some(index));
    assert!(r.objections.is_empty());
    assert_eq!(changed(&tick, "s"), Some(r));
    b.assert_replays();
}

#[test]
fn silence_adopted_by_consensus_takes_its_action() {
    let mut b = found(&FIVE, None);
    let closes = b.now + SEC + SILENCE;
    let act = submit("s", Question::Important, Procedure::Silence, closes, suspend("IND"));
    b.ok("FRA", act);
    b.ok("CHN", dissociate("s"));
    b.tick_at(closes);
    let r = b.record("s");
    assert_eq!((r.status, r.adopted_by), (Status::Adopted, Some(AdoptedBy::Consensus)));
    assert_eq!(r.action_result.as_deref(), Some("applied: IND suspended"));
    assert!(b.suspended("IND"));
    b.assert_replays();
}

#[test]
fn votes_under_unbroken_silence_refused() {
    let mut b = found(&FIVE, None);
    let closes = b.now + SEC + SILENCE;
    b.ok("FRA", silence("s", closes));
    for m in ["FRA", "CHN"] {
        assert_rules_refusal(&b.refused(m, vote("s", Yes)), "silence procedure");
    }
    assert_rules_refusal(&b.refused("CHN", amend("s-a", "s", closes - HOUR)), "silence procedure");
    assert!(b.proposal("s").votes.is_empty());
}

#[test]
fn dissociation_recorded_without_breaking_silence() {
    let mut b = found(&FIVE, None);
    let closes = b.now + SEC + SILENCE;
    b.ok("FRA", silence("s", closes));
    let index = b.next_index();
    b.ok("CHN", dissociate("s"));
    let r = b.record("s");
    assert_eq!(r.status, Status::Open);
    assert_eq!(r.closes, Timestamp(closes));
    assert_eq!(r.dissociations.len(), 1);
    assert_eq!((&r.dissociations[0].member, r.dissociations[0].index), (&mid("CHN"), index));
    assert!(r.objections.is_empty());
    assert!(r.entries.contains(&index));
    assert_rules_refusal(&b.refused("CHN", vote("s", No)), "silence procedure");
    b.tick_at(closes);
    let r = b.record("s");
    assert_eq!((r.status, r.adopted_by), (Status::Adopted, Some(AdoptedBy::Consensus)));
    assert_eq!(r.dissociations.len(), 1);
    // After the close there is nothing to dissociate from.
    assert_closed(&b.refused("EGY", dissociate("s")), "s", Status::Adopted);
    b.assert_replays();
}

#[test]
fn objection_breaks_silence_then_the_vote_decides() {
    let mut b = found(&FIVE, None);
    let closes = b.now + SEC + SILENCE;
    b.ok("FRA", silence("s", closes));
    assert_rules_refusal(&b.refused("FRA", object("s")), "sponsor");
    let at = b.now + HOUR;
    let index = b.next_index();
    b.apply_at("EGY", at, object("s")).unwrap();
    let r = b.record("s");
    assert_eq!(r.status, Status::Voting);
    assert_eq!(r.closes, Timestamp(at + SILENCE));
    assert_eq!((&r.objections[0].member, r.objections[0].index), (&mid("EGY"), index));
    // Silence is broken once; further objections and dissociations have
    // nothing to act on.
    assert_rules_refusal(&b.refused("BRA", object("s")), "not under a silence procedure");
    assert_rules_refusal(&b.refused("BRA", dissociate("s")), "not under a silence procedure");
    // The original deadline passes without adoption.
    b.tick_at(closes);
    assert_eq!(b.record("s").status, Status::Voting);
    votes(&mut b, "s", &[("FRA", Yes), ("CHN", No), ("EGY", No), ("BRA", No)]);
    b.tick_at(at + SILENCE);
    let r = b.record("s");
    assert_eq!((r.status, r.adopted_by), (Status::Rejected, None));
    assert_eq!(r.tally, Some(tally(1, 3, 0, 1)));
    b.assert_replays();
}

#[test]
fn objection_at_the_deadline_is_too_late() {
    let mut b = found(&FIVE, None);
    let closes = b.now + SEC + SILENCE;
    b.ok("FRA", silence("s", closes));
    assert_closed(&b.apply_at("EGY", closes, object("s")).unwrap_err(), "s", Status::Adopted);
    assert!(b.record("s").objections.is_empty());
    b.tick_at(closes + SEC);
    assert_eq!(b.record("s").adopted_by, Some(AdoptedBy::Consensus));
    b.assert_replays();
}

#[test]
fn objecting_to_a_recorded_vote_is_refused() {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("p", closes));
    assert_rules_refusal(&b.refused("CHN", object("p")), "not under a silence procedure");
    assert_rules_refusal(&b.refused("CHN", dissociate("p")), "not under a silence procedure");
}

// ---- amendments -------------------------------------------------------------------------------

#[test]
fn amendments_voted_before_the_proposal() {
    let mut b = found(&FIVE, None);
    let start = b.now;
    let closes = start + 10 * HOUR;
    b.ok("FRA", ordinary("p", closes));
    // Submitted later but closing earlier: voted first.
    b.ok("CHN", amend("a2", "p", start + 2 * HOUR));
    b.ok("EGY", amend("a1", "p", start + HOUR));
    // Same deadline as a2, submitted after it: voted after it.
    b.ok("BRA", amend("a3", "p", start + 2 * HOUR));
    assert_eq!(b.record("p").amendments, ["a1", "a2", "a3"]);
    assert_eq!(b.record("a1").amends.as_deref(), Some("p"));
    assert_eq!(b.record("a1").question, Question::Ordinary);

    assert_rules_refusal(&b.refused("FRA", vote("p", Yes)), "a1 is voted first");
    assert_rules_refusal(&b.refused("FRA", vote("a2", Yes)), "a1 is voted first");
    votes(&mut b, "a1", &[("FRA", No), ("CHN", No), ("EGY", Yes)]);
    b.tick_at(start + HOUR);
    assert_eq!(b.record("a1").status, Status::Rejected);
    assert_eq!(b.record("p").text, text_of("p"));
    assert_eq!(b.record("p").original_text, None);

    assert_rules_refusal(&b.refused("FRA", vote("a3", Yes)), "a2 is voted first");
    assert_rules_refusal(&b.refused("FRA", vote("p", Yes)), "a2 is voted first");
    votes(&mut b, "a2", &[("FRA", Yes), ("CHN", Yes), ("EGY", Yes), ("BRA", No)]);
    b.tick_at(start + 2 * HOUR);
    assert_eq!(b.record("a2").status, Status::Adopted);
    assert_eq!(b.record("a3").status, Status::Moot);
    let p = b.record("p");
    assert_eq!(p.text, text_of("a2"));
    assert_eq!(p.original_text.as_deref(), Some(text_of("p").as_str()));

    votes(&mut b, "p", &[("FRA", Yes), ("CHN", Yes), ("EGY", No)]);
    b.tick_at(closes);
    let p = b.record("p");
    assert_eq!(p.status, Status::Adopted);
    assert_eq!(p.text, text_of("a2"));
    b.assert_replays();
}

#[test]
fn moot_amendment_skipped() {
    let mut b = found(&FIVE, None);
    let start = b.now;
    let closes = start + 10 * HOUR;
    b.ok("FRA", ordinary("p", closes));
    b.ok("CHN", amend("a1", "p", start + HOUR));
    b.ok("EGY", amend("a2", "p", start + 2 * HOUR));
    votes(&mut b, "a1", &[("FRA", Yes), ("CHN", Yes), ("EGY", No)]);
    let index = b.next_index();
    let tick = b.tick_at(start + HOUR);
    assert_eq!(b.record("a1").status, Status::Adopted);
    let a2 = b.record("a2");
    assert_eq!((a2.status, a2.closed_at, a2.tally), (Status::Moot, Some(index), None));
    assert_eq!(changed(&tick, "a2"), Some(a2));
    assert_eq!(changed(&tick, "p").map(|r| r.text.clone()), Some(text_of("a1")));
    // Not voted.
    assert_closed(&b.refused("BRA", vote("a2", Yes)), "a2", Status::Moot);
    assert!(b.proposal("a2").votes.is_empty());
    // The proposal, as amended, is voted at once.
    votes(&mut b, "p", &[("FRA", Yes), ("CHN", Yes), ("EGY", Yes)]);
    // Its own deadline passing changes nothing for the moot amendment.
    b.tick_at(start + 2 * HOUR);
    assert_eq!(b.record("a2").status, Status::Moot);
    assert_eq!(b.record("a2").tally, None);
    b.tick_at(closes);
    assert_eq!(b.record("p").status, Status::Adopted);
    assert_eq!(b.record("p").text, text_of("a1"));
    assert_eq!(b.record("p").original_text.as_deref(), Some(text_of("p").as_str()));
    b.assert_replays();
}

#[test]
fn amendment_rules() {
    let mut b = found(&FIVE, None);
    let start = b.now;
    let closes = start + 10 * HOUR;
    b.ok("FRA", ordinary("p", closes));
    assert_rules_refusal(&b.refused("CHN", amend("a", "p", closes)), "must close at least");
    assert_rules_refusal(&b.refused("CHN", amend("a", "p", closes + SEC)), "must close at least");
    assert_rules_refusal(&b.refused("CHN", amend("a", "p", b.now)), "closes must be after now");
    assert_eq!(b.refused("CHN", amend("a", "nope", start + HOUR)), Refusal::UnknownProposal("nope".into()));
    assert_rules_refusal(&b.refused("CHN", amend("p", "p", start + HOUR)), "taken");
    b.ok("CHN", amend("a", "p", start + HOUR));
    assert_rules_refusal(&b.refused("EGY", amend("aa", "a", start + HOUR)), "not amended");
    // Voting on an amendment begins: no more amendments.
    b.ok("EGY", vote("a", Yes));
    assert_rules_refusal(&b.refused("BRA", amend("b", "p", start + 2 * HOUR)), "until voting");

    // Voting on the proposal itself begins: no more amendments either.
    b.ok("FRA", ordinary("q", closes));
    b.ok("CHN", vote("q", No));
    assert_rules_refusal(&b.refused("BRA", amend("c", "q", start + 2 * HOUR)), "until voting");

    // Once its amendments' ballots closed (even without votes), no more.
    b.ok("FRA", ordinary("r", closes));
    let d = b.now + HOUR;
    b.ok("CHN", amend("r-a", "r", d));
    b.tick_at(d);
    assert_eq!(b.record("r-a").status, Status::FailedQuorum);
    assert_rules_refusal(&b.refused("BRA", amend("r-b", "r", d + HOUR)), "until voting");

    // After silence is broken, amendments are allowed, before the new close.
    let s = b.now + SEC;
    b.apply_at("FRA", s, silence("s", s + SILENCE)).unwrap();
    b.apply_at("EGY", s + SEC, object("s")).unwrap();
    b.ok("CHN", amend("s-a", "s", s + SEC + SILENCE - SEC));
    b.assert_replays();
}

#[test]
fn withdrawn_amendment_does_not_close_the_amendment_window() {
    let mut b = found(&FIVE, None);
    let start = b.now;
    b.ok("FRA", ordinary("p", start + 10 * HOUR));
    b.ok("CHN", amend("a1", "p", start + HOUR));
    assert_rules_refusal(&b.refused("FRA", pref_withdraw("a1")), "only the sponsor");
    b.ok("CHN", pref_withdraw("a1"));
    assert_eq!(b.record("a1").status, Status::Withdrawn);
    // No vote was cast on anything: amendments, co-sponsors and the
    // sponsor's withdrawal are all still in order.
    b.ok("EGY", amend("a2", "p", start + 2 * HOUR));
    assert_eq!(b.record("p").amendments, ["a1", "a2"]);
    b.ok("BRA", Act::ProposalCosponsor(pref("p")));
    assert!(b.clone_state().apply(&b.entry_at("FRA", b.now + SEC, pref_withdraw("p")), SigCheck::Verify).is_ok());
    // The withdrawn amendment does not hold up the next one.
    b.ok("FRA", vote("a2", Yes));
    b.assert_replays();
}

#[test]
fn voting_on_an_amendment_closes_the_cosponsor_and_withdrawal_window() {
    let mut b = found(&FIVE, None);
    let start = b.now;
    b.ok("FRA", ordinary("p", start + 10 * HOUR));
    b.ok("CHN", amend("a1", "p", start + HOUR));
    b.ok("BRA", Act::ProposalCosponsor(pref("p")));
    b.ok("EGY", vote("a1", No));
    assert_rules_refusal(
        &b.refused("IND", Act::ProposalCosponsor(pref("p"))),
        "co-sponsors join or withdraw only until",
    );
    assert_rules_refusal(&b.refused("BRA", Act::ProposalWithdrawCosponsor(pref("p"))), "co-sponsors join or withdraw");
    assert_rules_refusal(&b.refused("FRA", pref_withdraw("p")), "has begun");
    // The amendment itself has votes: its sponsor cannot withdraw it.
    assert_rules_refusal(&b.refused("CHN", pref_withdraw("a1")), "has begun");
    b.assert_replays();
}

fn pref_withdraw(p: &str) -> Act {
    Act::ProposalWithdraw(pref(p))
}

// ---- co-sponsors and withdrawal ----------------------------------------------------------------------

#[test]
fn cosponsor_window() {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("p", closes));
    let cosponsor = |p: &str| Act::ProposalCosponsor(pref(p));
    let leave = |p: &str| Act::ProposalWithdrawCosponsor(pref(p));
    assert_rules_refusal(&b.refused("FRA", cosponsor("p")), "sponsor is not a co-sponsor");
    let index = b.next_index();
    b.ok("CHN", cosponsor("p"));
    assert_rules_refusal(&b.refused("CHN", cosponsor("p")), "already co-sponsors");
    assert_rules_refusal(&b.refused("EGY", leave("p")), "does not co-sponsor");
    b.ok("EGY", cosponsor("p"));
    let cs: Vec<_> = b.record("p").cosponsors.iter().map(|c| (c.member.clone(), c.index)).collect();
    assert_eq!(cs, [(mid("CHN"), index), (mid("EGY"), LogIndex(index.0 + 1))]);
    b.ok("CHN", leave("p"));
    assert_eq!(b.record("p").cosponsors.len(), 1);
    b.ok("CHN", cosponsor("p"));
    assert_eq!(b.record("p").cosponsors.len(), 2);
    // The vote begins: the list is fixed.
    b.ok("BRA", vote("p", Yes));
    assert_rules_refusal(&b.refused("IND", cosponsor("p")), "co-sponsors join or withdraw only until");
    assert_rules_refusal(&b.refused("CHN", leave("p")), "co-sponsors join or withdraw only until");
    b.tick_at(closes);
    assert_closed(&b.refused("IND", cosponsor("p")), "p", Status::FailedQuorum);
    let cs: Vec<_> = b.record("p").cosponsors.iter().map(|c| c.member.as_str().to_string()).collect();
    assert_eq!(cs, ["EGY", "CHN"]);
    b.assert_replays();
}

#[test]
fn withdraw_rules() {
    let mut b = found(&FIVE, None);
    let start = b.now;
    let closes = start + 10 * HOUR;

    // Only the sponsor, and only while no vote was cast.
    b.ok("FRA", ordinary("p1", closes));
    b.ok("CHN", Act::ProposalCosponsor(pref("p1")));
    assert_rules_refusal(&b.refused("CHN", pref_withdraw("p1")), "only the sponsor");
    let index = b.next_index();
    b.ok("FRA", pref_withdraw("p1"));
    let r = b.record("p1");
    assert_eq!((r.status, r.closed_at, r.tally), (Status::Withdrawn, Some(index), None));
    assert_closed(&b.refused("EGY", vote("p1", Yes)), "p1", Status::Withdrawn);
    assert_closed(&b.refused("FRA", pref_withdraw("p1")), "p1", Status::Withdrawn);

    // Withdrawing a proposal withdraws its pending amendments.
    b.ok("FRA", ordinary("p2", closes));
    b.ok("CHN", amend("p2-a", "p2", start + HOUR));
    b.ok("FRA", pref_withdraw("p2"));
    assert_eq!(b.record("p2-a").status, Status::Withdrawn);

    // Not once a vote was cast.
    b.ok("FRA", ordinary("p3", closes));
    b.ok("CHN", vote("p3", No));
    assert_rules_refusal(&b.refused("FRA", pref_withdraw("p3")), "has begun");

    // Not once an amendment was adopted.
    b.ok("FRA", ordinary("p4", closes));
    b.ok("CHN", amend("p4-a", "p4", start + 2 * HOUR));
    votes(&mut b, "p4-a", &[("FRA", Yes), ("CHN", Yes), ("EGY", Yes)]);
    b.tick_at(start + 2 * HOUR);
    assert_eq!(b.record("p4").text, text_of("p4-a"));
    // (Refused as amended, or because voting on its amendment has begun.)
    assert_eq!(b.refused("FRA", pref_withdraw("p4")).code(), "refused-by-rules");
    assert_eq!(b.record("p4").status, Status::Open);

    // A withdrawn ballot never closes.
    b.tick_at(closes);
    for id in ["p1", "p2", "p2-a"] {
        assert_eq!(b.record(id).status, Status::Withdrawn, "{id}");
        assert_eq!(b.record(id).tally, None);
    }
    assert_eq!(b.record("p3").status, Status::FailedQuorum);
    b.assert_replays();
}

// ---- the secretariat ------------------------------------------------------------------------------------

#[test]
fn secretariat_cannot_vote() {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    assert_rules_refusal(&b.refused(SECRETARIAT, ordinary("s", closes)), "secretariat");
    b.ok("FRA", ordinary("p", closes));
    assert_rules_refusal(&b.refused(SECRETARIAT, vote("p", Yes)), "secretariat");
    assert_rules_refusal(&b.refused(SECRETARIAT, Act::ProposalCosponsor(pref("p"))), "secretariat");
    assert_rules_refusal(&b.refused(SECRETARIAT, amend("a", "p", closes - SEC)), "secretariat");
    let silent = b.now + SILENCE + SEC;
    b.ok("FRA", silence("q", silent));
    assert_rules_refusal(&b.refused(SECRETARIAT, object("q")), "secretariat");
    assert_rules_refusal(&b.refused(SECRETARIAT, important("s2", closes, suspend("FRA"))), "secretariat");
    assert!(b.proposal("p").votes.is_empty());
    b.tick_at(silent);
    // The secretariat is not counted as a member entitled to vote.
    assert_eq!(b.record("q").tally, Some(tally(0, 0, 0, 5)));
}

#[test]
fn clock_tick_only_by_the_secretariat() {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("p", closes));
    votes(&mut b, "p", &[("FRA", Yes), ("CHN", Yes), ("EGY", Yes)]);
    for m in ["FRA", "CHN"] {
        assert_rules_refusal(&b.refused(m, Act::ClockTick(ClockTick {})), "only the secretariat");
    }
    // A member's refused tick after the deadline still closes the ballot,
    // as any entry would; the secretariat's tick is accepted and carries it.
    assert_rules_refusal(&b.apply_at("EGY", closes, Act::ClockTick(ClockTick {})).unwrap_err(), "only the secretariat");
    let index = b.next_index();
    let tick = b.tick_at(closes);
    assert_eq!(changed(&tick, "p").map(|r| (r.status, r.closed_at)), Some((Status::Adopted, Some(index))));
    // A tick with nothing due is accepted and changes nothing.
    let quiet = b.tick_at(closes + HOUR);
    assert!(quiet.effects.iter().all(|e| matches!(e, Effect::SeqAccepted { .. })));
    b.assert_replays();
}

// ---- properties ----------------------------------------------------------------------------------------------

/// What becomes of a member in the electorate property.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fate {
    /// Entitled to vote throughout.
    Good,
    /// Suspended before the main ballot opens: every vote refused.
    SuspendedEarly,
    /// Votes, then is suspended before the main ballot closes: the vote is
    /// recorded but not counted.
    SuspendedLate,
}

#[derive(Clone, Debug)]
struct MemberPlan {
    fate: Fate,
    /// First vote (None: does not vote in the first round).
    first: Option<VoteChoice>,
    /// A second vote: a change if the rules allow it, else a refused
    /// duplicate.
    second: Option<VoteChoice>,
    /// Tries to vote again after the close.
    late: bool,
}

fn choice() -> impl Strategy<Value = VoteChoice> {
    prop_oneof![Just(Yes), Just(No), Just(Abstain)]
}

fn majority() -> impl Strategy<Value = Majority> {
    prop_oneof![Just(Majority::Simple), Just(Majority::TwoThirds)]
}

fn quorum() -> impl Strategy<Value = Quorum> {
    prop_oneof![Just(Quorum::None), Just(Quorum::OneThird), Just(Quorum::Majority), Just(Quorum::TwoThirds)]
}

fn member_plan() -> impl Strategy<Value = MemberPlan> {
    (
        prop_oneof![8 => Just(Fate::Good), 1 => Just(Fate::SuspendedEarly), 1 => Just(Fate::SuspendedLate)],
        prop::option::weighted(0.75, choice()),
        prop::option::weighted(0.2, choice()),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(fate, first, second, late)| MemberPlan { fate, first, second, late })
}

fn rules_strategy() -> impl Strategy<Value = Rules> {
    (majority(), majority(), quorum(), any::<bool>()).prop_map(
        |(ordinary_majority, important_majority, quorum, change)| Rules {
            ordinary_majority,
            important_majority,
            quorum,
            allow_vote_change: change,
            amendment_lead_seconds: 0,
            ..Rules::default()
        },
    )
}

/// The quorum rule, counted independently: the fraction of members entitled
/// to vote who took part.
fn expected_quorum(q: Quorum, participants: usize, eligible: usize) -> bool {
    let (p, e) = (participants as f64, eligible as f64);
    match q {
        Quorum::None => true,
        Quorum::OneThird => p >= e / 3.0,
        Quorum::Majority => p > e / 2.0,
        Quorum::TwoThirds => p >= e * 2.0 / 3.0,
    }
}

/// The majority rule, counted independently over the votes cast.
fn expected_majority(m: Majority, yes: usize, no: usize) -> bool {
    let cast = (yes + no) as f64;
    match m {
        Majority::Simple => yes > no,
        Majority::TwoThirds => yes > no && yes as f64 >= cast * 2.0 / 3.0,
    }
}

/// The outcome of a recorded vote, counted by hand from the final vote of
/// every member entitled to vote at the close.
fn expected_outcome(
    counted: &[VoteChoice],
    eligible: usize,
    majority: Majority,
    quorum: Quorum,
) -> (Tally, Status, Option<AdoptedBy>) {
    let yes = counted.iter().filter(|v| **v == Yes).count();
    let no = counted.iter().filter(|v| **v == No).count();
    let abstain = counted.iter().filter(|v| **v == Abstain).count();
    let t = Tally {
        yes: yes as u64,
        no: no as u64,
        abstain: abstain as u64,
        not_voting: (eligible - counted.len()) as u64,
    };
    if !expected_quorum(quorum, counted.len(), eligible) {
        (t, Status::FailedQuorum, None)
    } else if expected_majority(majority, yes, no) {
        (t, Status::Adopted, Some(AdoptedBy::Vote))
    } else {
        (t, Status::Rejected, None)
    }
}

fn member_ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("M{i:02}")).collect()
}

fn found_n(ids: &[String], rules: Rules) -> Body {
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    found(&refs, Some(rules))
}

/// Suspends each of `targets` by an important question that every member
/// in `voters` supports; all close at `closes`.
fn suspend_all(b: &mut Body, targets: &[String], voters: &[String], closes: i64) -> Vec<String> {
    let mut ids = Vec::new();
    for t in targets {
        let id = format!("suspend-{}", t.to_lowercase());
        b.ok(&voters[0], important(&id, closes, suspend(t)));
        ids.push(id);
    }
    for id in &ids {
        for v in voters {
            b.ok(v, vote(id, Yes));
        }
    }
    ids
}

fn run_electorate(plans: &[MemberPlan], rules: &Rules, question: Question) -> Result<(), TestCaseError> {
    let ids = member_ids(plans.len());
    let mut b = found_n(&ids, rules.clone());
    let by_fate = |f: Fate| -> Vec<String> {
        ids.iter().zip(plans).filter(|(_, p)| p.fate == f).map(|(i, _)| i.clone()).collect()
    };
    let (early, late) = (by_fate(Fate::SuspendedEarly), by_fate(Fate::SuspendedLate));
    let not_early: Vec<String> =
        ids.iter().zip(plans).filter(|(_, p)| p.fate != Fate::SuspendedEarly).map(|(i, _)| i.clone()).collect();

    // Phase 1: early suspensions, decided before the main ballot opens.
    let t1 = T0 + 2 * HOUR;
    let early_ids = suspend_all(&mut b, &early, &ids, t1);
    b.tick_at(t1);
    for id in &early_ids {
        prop_assert_eq!(b.record(id).status, Status::Adopted);
    }

    // Phase 2: the main ballot, with late suspensions closing before it.
    let t2 = t1 + 5 * HOUR;
    let t3 = t1 + 10 * HOUR;
    b.now = t1;
    let main_submit = submit("main", question, Procedure::Vote, t3, None);
    // A suspended member may not table a proposal.
    if let Some(m) = early.first() {
        let r = b.apply(m, main_submit.clone());
        prop_assert!(matches!(&r, Err(Refusal::Rules(w)) if w.contains("suspended")), "{:?}", r.err());
    }
    let Some(sponsor) = not_early.first().cloned() else { return Ok(()) };
    let submitted = b.apply(&sponsor, main_submit);
    prop_assert!(submitted.is_ok(), "{:?}", submitted.err());
    let mut final_vote: BTreeMap<String, VoteChoice> = BTreeMap::new();
    let mut accepted: BTreeMap<String, usize> = BTreeMap::new();
    for round in 0..2 {
        for (m, p) in ids.iter().zip(plans) {
            let Some(v) = (if round == 0 { p.first } else { p.second }) else { continue };
            let r = b.apply(m, vote("main", v));
            let has_voted = final_vote.contains_key(m);
            if p.fate == Fate::SuspendedEarly {
                prop_assert!(matches!(&r, Err(Refusal::Rules(w)) if w.contains("suspended")), "{:?}", r.err());
            } else if has_voted && !rules.allow_vote_change {
                prop_assert!(matches!(&r, Err(Refusal::Rules(w)) if w.contains("already voted")), "{:?}", r.err());
            } else {
                prop_assert!(r.is_ok(), "{} {:?}: {:?}", m, v, r.err());
                final_vote.insert(m.clone(), v);
                *accepted.entry(m.clone()).or_default() += 1;
            }
        }
    }
    let late_ids = suspend_all(&mut b, &late, &not_early, t2);
    b.tick_at(t2);
    for id in &late_ids {
        prop_assert_eq!(b.record(id).status, Status::Adopted);
    }
    // Suspended members' further votes are refused.
    for m in early.iter().chain(&late) {
        let r = b.apply(m, vote("main", Yes));
        prop_assert!(matches!(&r, Err(Refusal::Rules(w)) if w.contains("suspended")), "{:?}", r.err());
    }
    // Votes at and after the close are refused.
    let mut at = t3;
    for (m, p) in ids.iter().zip(plans) {
        if p.late {
            let r = b.apply_at(m, at, vote("main", Yes));
            if p.fate == Fate::Good {
                prop_assert!(matches!(&r, Err(Refusal::BallotClosed { .. })), "{:?}", r.err());
            } else {
                // Suspension is checked before the act itself.
                prop_assert!(matches!(&r, Err(Refusal::Rules(w)) if w.contains("suspended")), "{:?}", r.err());
            }
            at += 1;
        }
    }
    let close_index = b.next_index();
    b.tick_at(t3 + HOUR);

    // (a) The engine's tally against a count by hand.
    let eligible: Vec<&String> = ids.iter().zip(plans).filter(|(_, p)| p.fate == Fate::Good).map(|(i, _)| i).collect();
    prop_assert_eq!(b.state.members().filter(|a| !a.suspended).count(), eligible.len());
    let counted: Vec<VoteChoice> = eligible.iter().filter_map(|m| final_vote.get(*m).copied()).collect();
    let majority = match question {
        Question::Ordinary => rules.ordinary_majority,
        Question::Important => rules.important_majority,
    };
    let (t, status, by) = expected_outcome(&counted, eligible.len(), majority, rules.quorum);
    let p = b.proposal("main");
    prop_assert_eq!(p.record.tally, Some(t));
    prop_assert_eq!(p.record.status, status);
    prop_assert_eq!(p.record.adopted_by, by);
    prop_assert_eq!(p.record.closed_at, Some(close_index));

    // (c) Nobody counted twice: each voter once in the record, with its
    // final vote; the tally adds up to the members entitled to vote.
    let recorded: BTreeMap<String, VoteChoice> = p.votes.iter().map(|(m, v)| (m.to_string(), v.vote)).collect();
    prop_assert_eq!(&recorded, &final_vote);
    let t = p.record.tally.unwrap_or_default();
    prop_assert_eq!(t.yes + t.no + t.abstain + t.not_voting, eligible.len() as u64);
    let counted_members = p.votes.keys().filter(|m| eligible.iter().any(|e| e.as_str() == m.as_str())).count();
    prop_assert_eq!((t.yes + t.no + t.abstain) as usize, counted_members);
    let mut recorded_effects: BTreeMap<String, usize> = BTreeMap::new();
    for e in b.effects.iter().flatten() {
        if let Effect::VoteRecorded { proposal, member, .. } = e {
            if proposal == "main" {
                *recorded_effects.entry(member.to_string()).or_default() += 1;
            }
        }
    }
    prop_assert_eq!(&recorded_effects, &accepted);

    // (b) A replay decides identically.
    let again = b.assert_replays();
    prop_assert_eq!(again.decisions().get("main"), b.state.decisions().get("main"));
    Ok(())
}

#[derive(Clone, Debug)]
struct AmendmentPlan {
    /// Hours after the start at which it closes (ties are broken by
    /// submission order).
    closes_h: i64,
    /// One entry per member.
    votes: Vec<Option<VoteChoice>>,
}

fn run_amendments(
    n: usize,
    amendments: &[AmendmentPlan],
    main: &[Option<VoteChoice>],
    rules: &Rules,
) -> Result<(), TestCaseError> {
    let ids = member_ids(n);
    let mut b = found_n(&ids, rules.clone());
    let start = b.now;
    let closes = start + 10 * HOUR;
    b.ok(&ids[0], ordinary("p", closes));
    let names: Vec<String> = (0..amendments.len()).map(|i| format!("a{i}")).collect();
    for (i, a) in amendments.iter().enumerate() {
        b.ok(&ids[i % n], amend(&names[i], "p", start + a.closes_h * HOUR));
    }
    // The voting order, worked out here: by deadline, then submission.
    let mut order: Vec<usize> = (0..amendments.len()).collect();
    order.sort_by_key(|i| (amendments[*i].closes_h, *i));
    let order_names: Vec<String> = order.iter().map(|i| names[*i].clone()).collect();
    prop_assert_eq!(&b.record("p").amendments, &order_names);

    let mut adopted: Option<usize> = None;
    let mut prev_close = b.now;
    for &i in &order {
        let a = &amendments[i];
        let own_close = start + a.closes_h * HOUR;
        let name = &names[i];
        if adopted.is_some() {
            prop_assert_eq!(b.record(name).status, Status::Moot);
            prop_assert_eq!(b.record(name).tally, None);
            let r = b.apply_at(&ids[0], b.now.max(prev_close) + SEC, vote(name, Yes));
            prop_assert_eq!(r.err(), Some(Refusal::BallotClosed { proposal: name.clone(), status: "moot".into() }));
            continue;
        }
        // Voting opens when the amendment before it closed; with the same
        // deadline there is no time to vote at all.
        let mut cast = Vec::new();
        let mut at = b.now.max(prev_close);
        for (m, v) in ids.iter().zip(&a.votes) {
            let Some(v) = v else { continue };
            at += SEC;
            let r = b.apply_at(m, at, vote(name, *v));
            if at < own_close {
                prop_assert!(r.is_ok(), "{} on {}: {:?}", m, name, r.err());
                cast.push(*v);
            } else {
                prop_assert!(r.is_err());
            }
        }
        b.tick_at(b.now.max(own_close));
        prev_close = own_close;
        let (t, status, _) = expected_outcome(&cast, n, rules.ordinary_majority, rules.quorum);
        prop_assert_eq!(b.record(name).tally, Some(t));
        prop_assert_eq!(b.record(name).status, status);
        if status == Status::Adopted {
            adopted = Some(i);
        }
    }
    let expected_text = adopted.map_or_else(|| text_of("p"), |i| text_of(&names[i]));
    prop_assert_eq!(&b.record("p").text, &expected_text);
    prop_assert_eq!(b.record("p").original_text.is_some(), adopted.is_some());

    let mut cast = Vec::new();
    for (m, v) in ids.iter().zip(main) {
        if let Some(v) = v {
            b.ok(m, vote("p", *v));
            cast.push(*v);
        }
    }
    b.tick_at(closes);
    let (t, status, by) = expected_outcome(&cast, n, rules.ordinary_majority, rules.quorum);
    let r = b.record("p");
    prop_assert_eq!(r.tally, Some(t));
    prop_assert_eq!((r.status, r.adopted_by), (status, by));
    b.assert_replays();
    Ok(())
}

#[derive(Clone, Copy, Debug)]
enum SilenceAct {
    Object,
    Dissociate,
}

fn run_silence(n: usize, acts: &[(usize, SilenceAct, i64)], vote_rules: &Rules) -> Result<(), TestCaseError> {
    let ids = member_ids(n);
    let mut b = found_n(&ids, vote_rules.clone());
    let start = b.now + SEC;
    let closes = start + SILENCE;
    b.apply_at(&ids[0], start, silence("s", closes)).unwrap();
    let mut broken: Option<i64> = None;
    let mut dissociations = 0;
    let mut acts = acts.to_vec();
    acts.sort_by_key(|a| a.2);
    for (who, act, offset) in acts {
        let m = &ids[who % n];
        let at = start + offset;
        let (a, is_object) = match act {
            SilenceAct::Object => (object("s"), true),
            SilenceAct::Dissociate => (dissociate("s"), false),
        };
        let r = b.apply_at(m, at, a);
        match broken {
            None if at >= closes => {
                let closed = Refusal::BallotClosed { proposal: "s".into(), status: "adopted".into() };
                prop_assert_eq!(r.err(), Some(closed));
            }
            // The recorded vote that followed the objection has closed too.
            Some(bt) if at >= bt + SILENCE => {
                prop_assert!(matches!(&r, Err(Refusal::BallotClosed { .. })), "{:?}", r);
            }
            Some(_) => {
                prop_assert!(matches!(&r, Err(Refusal::Rules(w)) if w.contains("not under a silence procedure")));
            }
            None if is_object && who % n == 0 => {
                prop_assert!(matches!(&r, Err(Refusal::Rules(w)) if w.contains("sponsor")));
            }
            None => {
                prop_assert!(r.is_ok(), "{:?}", r.err());
                if is_object {
                    broken = Some(at);
                } else {
                    dissociations += 1;
                }
            }
        }
    }
    let r = b.record("s");
    prop_assert_eq!(r.dissociations.len(), dissociations);
    match broken {
        None => {
            b.tick_at(b.now.max(closes));
            let r = b.record("s");
            prop_assert_eq!((r.status, r.adopted_by), (Status::Adopted, Some(AdoptedBy::Consensus)));
            prop_assert!(r.objections.is_empty());
        }
        Some(at) => {
            let new_close = at + SILENCE;
            prop_assert_eq!(r.closes, Timestamp(new_close));
            prop_assert_eq!(r.objections.len(), 1);
            b.tick_at(b.now.max(new_close));
            let r = b.record("s");
            // Nobody voted: the quorum decides between failing and a 0-0 tie.
            let (t, status, _) = expected_outcome(&[], n, vote_rules.ordinary_majority, vote_rules.quorum);
            prop_assert_eq!((r.status, r.tally), (status, Some(t)));
        }
    }
    b.assert_replays();
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Random electorates of 3–40 members, random votes (abstentions,
    /// non-voters, changes and duplicates), random majorities and quorum,
    /// random suspensions before and during the ballot: (a) the tally and
    /// status equal a count by hand; (b) a replay decides identically;
    /// (c) nobody is counted twice.
    #[test]
    fn prop_electorate_tally_replay_and_one_vote_each(
        plans in prop::collection::vec(member_plan(), 3..=40),
        rules in rules_strategy(),
        important in any::<bool>(),
    ) {
        let question = if important { Question::Important } else { Question::Ordinary };
        run_electorate(&plans, &rules, question)?;
    }

    /// Random amendments (deadlines with ties) and votes: voted in order,
    /// the first adopted one rewrites the text and the rest are moot; each
    /// count matches a count by hand; a replay decides identically.
    #[test]
    fn prop_amendments_in_order_first_adopted_makes_the_rest_moot(
        (n, amendments, main) in (3usize..=9).prop_flat_map(|n| (
            Just(n),
            prop::collection::vec(
                (1i64..=4, prop::collection::vec(prop::option::weighted(0.8, choice()), n))
                    .prop_map(|(closes_h, votes)| AmendmentPlan { closes_h, votes }),
                0..=4,
            ),
            prop::collection::vec(prop::option::weighted(0.8, choice()), n),
        )),
        rules in rules_strategy(),
    ) {
        run_amendments(n, &amendments, &main, &rules)?;
    }

    /// Random objections and dissociations at random times around the
    /// deadline: silence holds unless an objection comes first; then one
    /// recorded vote with the new deadline.
    #[test]
    fn prop_silence_broken_only_by_an_objection_in_time(
        n in 3usize..=8,
        acts in prop::collection::vec(
            (0usize..8, prop_oneof![Just(SilenceAct::Object), Just(SilenceAct::Dissociate)], 0i64..=(SILENCE + HOUR)),
            0..6,
        ),
        rules in rules_strategy(),
    ) {
        run_silence(n, &acts, &rules)?;
    }
}

// ---- no single member can keep the others from deciding --------------------

const DAY: i64 = 24 * HOUR;

/// The trial's filibuster: a lone member amends a proposal with `closes`
/// 1 ms before the proposal's, so that nobody can vote on the proposal.
#[test]
fn an_amendment_must_close_a_lead_before_its_proposal() {
    let mut b = found_raw(&FIVE, None);
    let closes = b.now + 3 * DAY;
    b.ok("FRA", ordinary("p", closes));
    assert_rules_refusal(&b.refused("CHN", amend("a", "p", closes - 1)), "amendment_lead_seconds (86400)");
    assert_rules_refusal(&b.refused("CHN", amend("a", "p", closes - DAY + 1)), "amendment_lead_seconds");
    b.ok("CHN", amend("a", "p", closes - DAY));
    // A second amendment voted ahead of the first must leave it a day too.
    assert_rules_refusal(&b.refused("EGY", amend("b", "p", closes - DAY - HOUR)), "voted ahead of amendment a");
    b.ok("EGY", amend("b", "p", closes - 2 * DAY));
    // Everyone gets a day on each: b, then a, then p.
    b.all_vote("b", No);
    b.tick_at(closes - 2 * DAY);
    b.all_vote("a", No);
    b.tick_at(closes - DAY);
    b.all_vote("p", Yes);
    b.tick_at(closes);
    assert_eq!(b.record("p").status, Status::Adopted);
    b.assert_replays();
}

#[test]
fn a_competing_code_amendment_must_close_a_lead_before_the_one_it_is_voted_ahead_of() {
    use accord_core::code::{Change, Lang};
    let mut b = found_raw(&FIVE, None);
    // A document to amend, by decision (the harness founds none).
    let doc = accord_core::code::DocumentDraft {
        id: "ICCIS".into(),
        title: [(Lang::parse("en").unwrap(), "Code".to_string())].into_iter().collect(),
        label: "v1".into(),
        articles: vec![accord_core::code::Article {
            id: "a".into(),
            kind: accord_core::code::ArticleKind::Pledge,
            texts: [(Lang::parse("en").unwrap(), "A.".to_string())].into_iter().collect(),
            norms: vec![],
            note: None,
            notes: Default::default(),
            unofficial: Vec::new(),
        }],
    };
    let closes = b.now + HOUR;
    b.ok("FRA", important("found-doc", closes, Some(Action::CodeEstablish { document: Box::new(doc) })));
    b.all_vote("found-doc", Yes);
    b.tick_at(closes);
    let reword = |t: &str| {
        Some(Action::CodeAmend {
            document: "ICCIS".into(),
            base: 1,
            changes: vec![Change::Reword { id: "a".into(), lang: Lang::parse("en").unwrap(), text: t.into() }],
        })
    };
    let closes = b.now + 3 * DAY;
    b.ok("FRA", important("x", closes, reword("X.")));
    assert_rules_refusal(&b.refused("CHN", important("y", closes - 1, reword("Y."))), "competes with x");
    b.ok("CHN", important("y", closes - DAY, reword("Y.")));
    // Closing after it is the tabler's own choice: it is voted after x.
    b.ok("EGY", important("z", closes + 1, reword("Z.")));
    b.assert_replays();
}

#[test]
fn a_suspended_member_keeps_its_key_and_its_voice_and_nothing_else() {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("open", closes + 3 * DAY));
    b.ok("CHN", silence("quiet", closes + 4 * DAY));
    b.ok("FRA", important("suspend-egy", closes, suspend("EGY")));
    b.all_vote("suspend-egy", Yes);
    b.tick_at(closes);
    assert!(b.suspended("EGY"));
    // No tabling, co-sponsoring, amending, voting, objecting, dissociating,
    // subscribing or withdrawing.
    let refused = [
        ordinary("egy-own", closes + DAY),
        Act::ProposalCosponsor(pref("open")),
        amend("egy-amend", "open", closes + HOUR),
        vote("open", Yes),
        object("quiet"),
        dissociate("quiet"),
        Act::CodeSubscribe(accord_core::acts::CodeSubscribe { document: "ICCIS".into(), version: 1 }),
    ];
    for act in refused {
        let kind = act.type_name();
        let r = b.refused("EGY", act);
        assert!(matches!(&r, Refusal::Rules(w) if w.contains("EGY is suspended")), "{kind}: {r}");
    }
    // It keeps its voice and its key.
    b.ok("EGY", note("We protest our suspension."));
    let new = signer("EGY", 123);
    b.ok("EGY", Act::KeyRotate(accord_core::acts::KeyRotate { vkey: new.verifier().to_vkey() }));
    b.keys.insert(mid("EGY"), new);
    b.ok("EGY", note("Signed with our new key."));
    // Reinstated, it acts again.
    let closes = b.now + HOUR;
    b.ok("FRA", important("reinstate-egy", closes, reinstate("EGY")));
    b.all_vote("reinstate-egy", Yes);
    b.tick_at(closes);
    b.ok("EGY", vote("open", Yes));
    b.assert_replays();
}

#[test]
fn rate_limits_are_judged_on_entry_times_and_refusals_cost_nothing() {
    let rules = Rules { rate_statements_per_minute: 5, ..Rules::default() };
    let mut b = found_raw(&FIVE, Some(rules));
    let t = b.now + SEC;
    for i in 0..5 {
        b.apply_at("FRA", t, note(&format!("burst {i}"))).unwrap();
    }
    let r = b.apply_at("FRA", t, note("one too many")).unwrap_err();
    // One token every 12 s.
    assert_eq!(
        r,
        Refusal::RateLimited {
            member: "FRA".into(),
            why: "rate_statements_per_minute is 5".into(),
            retry_after_ms: 12_000
        }
    );
    // Other members are not affected, and the secretariat's tick is exempt.
    b.apply_at("CHN", t, note("CHN is free")).unwrap();
    for i in 0..10 {
        b.apply_at(SECRETARIAT, t + i, Act::ClockTick(ClockTick {})).unwrap();
    }
    // Refused statements took nothing: 12 s later exactly one more fits.
    b.apply_at("FRA", t + 12_000, note("refilled")).unwrap();
    assert_eq!(b.apply_at("FRA", t + 12_000, note("again")).unwrap_err().code(), "rate-limited");
    b.assert_replays();
}

#[test]
fn bytes_per_day_are_limited_too() {
    let rules = Rules { rate_bytes_per_day: 65_536, rate_statements_per_minute: 1000, ..Rules::default() };
    let mut b = found_raw(&FIVE, Some(rules));
    let big = "x".repeat(4000);
    let mut sent = 0;
    let t = b.now + SEC;
    loop {
        match b.apply_at("FRA", t, note(&big)) {
            Ok(_) => sent += 1,
            Err(r) => {
                assert_eq!(r.code(), "rate-limited", "{r}");
                assert!(r.to_string().contains("rate_bytes_per_day is 65536"), "{r}");
                break;
            }
        }
    }
    // About 4.2 KB each: 15 fit in 64 KiB.
    assert_eq!(sent, 15);
    b.assert_replays();
}

#[test]
fn rate_rules_have_ranges() {
    for (change, field) in [
        (RulesChange { rate_statements_per_minute: Some(0), ..Default::default() }, "rate_statements_per_minute"),
        (RulesChange { rate_bytes_per_day: Some(65_535), ..Default::default() }, "rate_bytes_per_day"),
        (RulesChange { rate_bytes_per_day: Some((1 << 40) + 1), ..Default::default() }, "rate_bytes_per_day"),
        (RulesChange { amendment_lead_seconds: Some(400_000_000), ..Default::default() }, "amendment_lead_seconds"),
    ] {
        let e = Rules::default().changed(&change).validate().unwrap_err();
        assert!(e.contains(field), "{e}");
    }
}

// ---- snapshots -------------------------------------------------------------

/// A small body with something in every part of the state: votes with and
/// without explanations, a closed ballot with its tally, an open one with
/// its deadline, a silence procedure with an objection, a note, rate
/// buckets in use.
fn snapshot_body() -> Body {
    let mut b = found(&FIVE, None);
    let closes = b.now + HOUR;
    b.ok("FRA", ordinary("p", closes));
    b.ok("CHN", Act::VoteCast(VoteCast { proposal: "p".into(), vote: No, explanation: Some("Not yet.".into()) }));
    votes(&mut b, "p", &[("FRA", Yes), ("EGY", Yes), ("BRA", Abstain)]);
    b.tick_at(closes + SEC);
    b.ok("EGY", silence("s", b.now + SILENCE + HOUR));
    b.ok("IND", object("s"));
    b.ok("BRA", important("q", b.now + 2 * HOUR, suspend("IND")));
    b.ok("CHN", note("笔记"));
    b.ok(
        "FRA",
        Act::WitnessRegister(accord_core::acts::WitnessRegister {
            url: "https://witness.fra.example/accord".into(),
            vkey: "witness.fra.example+5197dbaa+BOpKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs".into(),
        }),
    );
    b.ok(
        "FRA",
        Act::ShareCredential(accord_core::acts::ShareCredential {
            id: "fra-cert-1".into(),
            salt: "ab".repeat(32),
            hash: "cd".repeat(32),
        }),
    );
    b.ok(
        "FRA",
        Act::ShareCommunity(Box::new(accord_core::acts::ShareCommunity {
            id: "nordic".into(),
            title: "Nordic CERTs".into(),
            public: false,
            members: vec![accord_core::acts::share::CommunityMember {
                member: accord_core::MemberId::parse("FRA").unwrap(),
                can_read: true,
                can_write: true,
            }],
        })),
    );
    b
}

/// The part of a snapshot after its header (whose writer names the
/// crate's version) and before its checksum.
fn state_bytes(bytes: &[u8]) -> &[u8] {
    let header = accord_core::snapshot::MAGIC.len() + 4 + 8 + accord_core::snapshot::WRITER.len() + 8 + 32;
    &bytes[header..bytes.len() - 32]
}

/// The encoding is pinned: if this fails, the snapshot format changed, so
/// bump `snapshot::FORMAT` (older snapshots are then replayed over, never
/// misread) and update the digest here.
#[test]
fn the_snapshot_encoding_is_pinned() {
    use sha2::{Digest, Sha256};
    let b = snapshot_body();
    let bytes = accord_core::snapshot::encode(&b.state, &accord_log::Hash([7; 32])).unwrap();
    assert_eq!(accord_core::snapshot::FORMAT, 4);
    assert_eq!(
        hex::encode(Sha256::digest(state_bytes(&bytes))),
        "92139e1a626c352fb0363d31290e1c21bfcf3b52694f42f7f747e2ecded86a1f",
        "the snapshot encoding changed: bump snapshot::FORMAT and pin the new digest"
    );
}

/// A damaged snapshot is refused, never decoded into another state: any
/// flipped byte or truncation fails the checksum; and bytes that pass a
/// checksum but are not an encoding (a writer with a bug, say) give an
/// error, never a panic.
#[test]
fn a_damaged_snapshot_is_refused_and_never_panics() {
    use accord_core::snapshot::{decode, encode, SnapshotError};
    use sha2::{Digest, Sha256};
    let b = snapshot_body();
    let bytes = encode(&b.state, &accord_log::Hash([7; 32])).unwrap();
    assert_eq!(decode(&bytes).unwrap().1, b.state);
    for i in 0..bytes.len() {
        let mut d = bytes.clone();
        d[i] ^= 0x20;
        let e = decode(&d).unwrap_err();
        assert!(matches!(e, SnapshotError::Checksum | SnapshotError::NotASnapshot), "byte {i}: {e}");
    }
    for n in [0, 10, 16, 48, bytes.len() / 2, bytes.len() - 1] {
        assert!(decode(&bytes[..n]).is_err(), "truncated to {n}");
    }
    let resum = |mut d: Vec<u8>| {
        let n = d.len() - 32;
        let sum = Sha256::digest(&d[..n]);
        d[n..].copy_from_slice(&sum);
        d
    };
    let mut decoded_other = 0;
    for i in (16..bytes.len() - 32).step_by(3) {
        for v in [0x00, 0x01, 0x7f, 0xff] {
            let mut d = bytes.clone();
            d[i] = v;
            if let Ok((_, s)) = decode(&resum(d)) {
                decoded_other += usize::from(s != b.state);
            }
        }
    }
    // Some mutations still decode (a different timestamp is still a
    // timestamp): which is why the checksum and the log's root decide.
    assert!(decoded_other > 0);
    // A longer count than bytes left is refused before any allocation.
    let mut d = bytes.clone();
    let at = 16 + 4 + 8 + accord_core::snapshot::WRITER.len() + 8 + 32 + 1;
    d[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(decode(&resum(d)).is_err());
}

/// The header is read alone, checked like the whole.
#[test]
fn a_snapshot_header_says_its_size_and_root() {
    let b = snapshot_body();
    let bytes = accord_core::snapshot::encode(&b.state, &accord_log::Hash([9; 32])).unwrap();
    let h = accord_core::snapshot::header(&bytes).unwrap();
    assert_eq!((h.size, h.root), (b.state.size(), accord_log::Hash([9; 32])));
}
