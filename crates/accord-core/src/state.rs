//! The rules of the body as a pure state machine.
//!
//! `State::apply` takes the next log entry and either refuses it (and
//! changes nothing) or commits it and returns its [`Effect`]s, from which
//! projections are written. The sequencer, `accord rebuild` and
//! `accord audit` all fold the log through this one function.

use crate::acts::{Act, BodyAct, Domain, Genesis};
use crate::deadlines::{DeadlineKind, Deadlines};
use crate::decisions::rules::Rules;
use crate::decisions::{Decisions, ProposalRecord, VoteRecord};
use crate::entry::Entry;
use crate::ids::{LogIndex, MemberId, Seq};
use crate::limits::RateBuckets;
use crate::names::Names;
use crate::refusal::Refusal;
use crate::time::Timestamp;
use accord_log::VerifierKey;
use std::collections::BTreeMap;
use std::sync::Arc;

/// How far a statement's own time may be from the entry (sequencer) time.
pub const MAX_CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;

/// What the body is: fixed by genesis.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub name: String,
    /// The body's name by language.
    pub names: Names,
    pub origin: String,
    pub log_key: VerifierKey,
}

/// An actor that signs statements: a member state or the secretariat.
#[derive(Clone, Debug, PartialEq)]
pub struct Actor {
    pub id: MemberId,
    pub name: String,
    /// Its official name by language (`member.rename` changes both).
    pub names: Names,
    /// Shared: the fold hands it out with every entry the actor signs.
    pub key: Arc<VerifierKey>,
    pub last_seq: Seq,
    pub since: LogIndex,
    /// Suspended by decision: only `member.key.rotate` and `note.publish`
    /// remain open to it ([`Act::allowed_while_suspended`]).
    pub suspended: bool,
    /// What the rate limits of the rules of procedure have left to it.
    pub rate: RateBuckets,
}

/// How `apply` treats the statement's signature.
#[derive(Clone, Copy, Debug)]
pub enum SigCheck<'a> {
    /// Verify it now.
    Verify,
    /// Already verified by the caller with this key; `apply` only checks
    /// that it is still the actor's current key.
    Trusted(&'a VerifierKey),
    /// Do not verify; the returned [`Applied::signer`] says which key must
    /// verify it (an auditor checks those in parallel afterwards).
    Deferred,
}

/// What committing an entry changed, for projections.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    BodyFounded {
        name: String,
        names: Names,
        origin: String,
        log_key: String,
    },
    ActorAdded {
        id: MemberId,
        name: String,
        names: Names,
        vkey: String,
        index: LogIndex,
    },
    /// `member.rename`: the member's name and names, whole.
    ActorRenamed {
        id: MemberId,
        name: String,
        names: Names,
    },
    KeyRotated {
        id: MemberId,
        vkey: String,
        index: LogIndex,
    },
    SeqAccepted {
        id: MemberId,
        seq: Seq,
        index: LogIndex,
        /// The statement's type, e.g. `vote.cast`.
        kind: &'static str,
    },
    NotePublished {
        index: LogIndex,
        member: MemberId,
        time: Timestamp,
        text: String,
    },
    /// A proposal or amendment was tabled or changed (everything but votes).
    ProposalChanged(Box<ProposalRecord>),
    VoteRecorded {
        proposal: String,
        member: MemberId,
        vote: VoteRecord,
    },
    MemberSuspended {
        id: MemberId,
        suspended: bool,
        index: LogIndex,
    },
    RulesChanged(Box<Rules>),
    /// A document of the Code was founded (genesis or `code.establish`);
    /// its first version follows as [`Effect::VersionAdopted`].
    DocumentFounded {
        id: String,
        title: std::collections::BTreeMap<crate::code::Lang, String>,
    },
    /// A version of a document was adopted (its addenda empty).
    VersionAdopted(Box<crate::code::Version>),
    /// A translation or norm links were added to an adopted version.
    AddendumAdded {
        document: String,
        version: u32,
        addendum: Box<crate::code::Addendum>,
    },
    /// A member's subscription to a document changed (`None`: unsubscribed).
    SubscriptionChanged {
        document: String,
        member: MemberId,
        subscription: Option<crate::code::Subscription>,
    },
    /// The zone: a delegation was set (`now`) or removed (`None`), by the
    /// import or by an adopted proposal.
    ZoneDelegation {
        tld: accord_zone::Tld,
        now: Option<Box<crate::zone::Sponsored>>,
        index: LogIndex,
        proposal: Option<String>,
    },
    /// The zone: the apex and public keys, when the import completes.
    ZoneApex {
        apex: Box<accord_zone::Apex>,
        keys: crate::zone::ZoneKeys,
        source_sha256: String,
        source_serial: u32,
    },
    /// The zone: a new version (serial and signing plan) to build and sign.
    ZoneVersionFormed(Box<crate::zone::ZoneVersion>),
    /// The zone: the secretariat recorded a published zone.
    ZonePublished {
        serial: u32,
        sha256: String,
        index: LogIndex,
    },
    /// A member registered (`now`: its URL and vkey) or retired (`None`)
    /// its witness.
    WitnessChanged {
        member: MemberId,
        now: Option<(String, String)>,
        index: LogIndex,
    },
    /// A member registered a credential (`now`: its salt and hash, hex)
    /// or revoked it (`None`).
    CredentialChanged {
        id: String,
        member: MemberId,
        now: Option<(String, String)>,
        index: LogIndex,
    },
    /// A community was founded or re-listed: its record, whole.
    CommunityChanged {
        record: Box<crate::share::CommunityRecord>,
        index: LogIndex,
    },
    /// An envelope was shared (`share.commit`), at entry time `time`.
    Shared {
        index: LogIndex,
        time: Timestamp,
        share: Box<crate::acts::ShareCommit>,
    },
    /// Objects were withdrawn by their sharer (`share.withdraw`).
    Withdrawn {
        index: LogIndex,
        share: Box<crate::acts::ShareWithdraw>,
    },
}

/// The result of a committed entry.
#[derive(Clone, Debug)]
pub struct Applied {
    pub effects: Vec<Effect>,
    /// The key the statement's signature is (or must be) by.
    pub signer: Arc<VerifierKey>,
}

/// The body's state after some prefix of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub(crate) body: Option<Body>,
    pub(crate) actors: BTreeMap<MemberId, Actor>,
    pub(crate) size: u64,
    pub(crate) last_time: Timestamp,
    pub(crate) rules: Rules,
    pub(crate) decisions: Decisions,
    pub(crate) code: crate::code::Code,
    pub(crate) zone: crate::zone::ZoneState,
    pub(crate) witnesses: crate::witness::WitnessState,
    pub(crate) share: crate::share::ShareState,
    /// Every domain's deadlines, in one scheduler.
    pub(crate) deadlines: Deadlines,
    /// Effects of ballots closed since the last accepted entry; they are
    /// reported with the next one.
    pub(crate) pending: Vec<Effect>,
    /// The latest time at which ballots were closed (see `clock_floor`).
    pub(crate) clock_floor: Timestamp,
    /// Does `apply` report effects? Not for auditors and benchmarks, which
    /// only need the state.
    pub(crate) effects_on: bool,
}

impl Default for State {
    fn default() -> State {
        State {
            body: None,
            actors: BTreeMap::new(),
            size: 0,
            last_time: Timestamp::default(),
            rules: Rules::default(),
            decisions: Decisions::default(),
            code: crate::code::Code::default(),
            zone: crate::zone::ZoneState::default(),
            witnesses: crate::witness::WitnessState::default(),
            share: crate::share::ShareState::default(),
            deadlines: Deadlines::default(),
            pending: Vec::new(),
            clock_floor: Timestamp::default(),
            effects_on: true,
        }
    }
}

impl State {
    pub fn new() -> State {
        State::default()
    }

    /// A state whose `apply` returns no effects (`Applied::effects` is
    /// empty): for replays that need only the state, such as `accord
    /// audit`. It decides exactly as [`State::new`] does.
    pub fn without_effects() -> State {
        State { effects_on: false, ..State::default() }
    }

    /// Number of entries applied: the index the next entry will take.
    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn body(&self) -> Option<&Body> {
        self.body.as_ref()
    }

    pub fn actor(&self, id: &MemberId) -> Option<&Actor> {
        self.actors.get(id)
    }

    pub fn actors(&self) -> impl Iterator<Item = &Actor> {
        self.actors.values()
    }

    /// Member states (every actor but the secretariat).
    pub fn members(&self) -> impl Iterator<Item = &Actor> {
        self.actors.values().filter(|a| !a.id.is_secretariat())
    }

    pub fn last_time(&self) -> Timestamp {
        self.last_time
    }

    /// The earliest time the next entry may carry: never before the last
    /// entry, nor before a time at which ballots were closed (a refused
    /// statement closes due ballots too, as any later entry would).
    pub fn clock_floor(&self) -> Timestamp {
        self.last_time.max(self.clock_floor)
    }

    /// Ballots were closed (by a refused statement) and their effects wait
    /// for the next accepted entry.
    pub fn has_pending_effects(&self) -> bool {
        !self.pending.is_empty()
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    pub fn decisions(&self) -> &Decisions {
        &self.decisions
    }

    pub fn code(&self) -> &crate::code::Code {
        &self.code
    }

    pub fn zone(&self) -> &crate::zone::ZoneState {
        &self.zone
    }

    /// The key that must have signed `entry`'s statement, if its author is
    /// known (for genesis: the secretariat key it carries).
    pub fn signer_of(&self, stmt: &crate::statement::Statement) -> Result<Arc<VerifierKey>, Refusal> {
        if let (None, Act::Genesis(g)) = (&self.body, &stmt.act) {
            return VerifierKey::parse(&g.secretariat_key).map(Arc::new).map_err(|e| Refusal::Malformed(e.to_string()));
        }
        self.actors
            .get(&stmt.member)
            .map(|a| a.key.clone())
            .ok_or_else(|| Refusal::UnknownMember(stmt.member.to_string()))
    }

    /// The earliest time a deadline of any domain falls due: when the
    /// sequencer must append a `clock.tick` if nothing else comes.
    pub fn next_deadline(&self) -> Option<Timestamp> {
        self.deadlines.next()
    }

    /// Every deadline at or before `time`, in order, to its domain (a
    /// ballot closes). Their effects wait in `pending` for the next
    /// accepted entry, whose index is the one recorded as `closed_at`.
    fn pass_deadlines(&mut self, time: Timestamp) {
        while let Some(d) = self.deadlines.pop_due(time) {
            match d.kind {
                DeadlineKind::Ballot(id) => self.close(&id),
                DeadlineKind::ZoneResign => self.resign_zone(time),
            }
        }
        if time > self.clock_floor {
            self.clock_floor = time;
        }
    }

    /// Applies the next entry. First, ballots whose deadline is at or
    /// before the entry's time close (that happens even if the entry is
    /// then refused: any later entry would close them the same way, and
    /// their effects are reported with the next accepted entry). On
    /// refusal nothing else changes.
    pub fn apply(&mut self, entry: &Entry, sig: SigCheck<'_>) -> Result<Applied, Refusal> {
        let st = &entry.statement.statement;
        let index = LogIndex(self.size);
        if self.body.is_some() && entry.time >= self.last_time {
            self.pass_deadlines(entry.time);
        }
        // One lookup for the key and the last seq: this runs for every entry.
        let (signer, last_seq) = match (&self.body, self.actors.get(&st.member)) {
            (Some(_), Some(a)) => (a.key.clone(), Some(a.last_seq)),
            _ => (self.signer_of(st)?, None),
        };
        match sig {
            SigCheck::Verify => {
                entry.statement.note.verify(&signer).map_err(|e| Refusal::BadSignature(e.to_string()))?
            }
            SigCheck::Trusted(k) => {
                if k != signer.as_ref() {
                    return Err(Refusal::BadSignature(format!(
                        "signed with {}, but the member's current key is {}",
                        k.id(),
                        signer.id()
                    )));
                }
            }
            SigCheck::Deferred => {}
        }
        if entry.time < self.last_time {
            return Err(Refusal::LogFault(format!(
                "entry time {} is before the previous entry's {}",
                entry.time, self.last_time
            )));
        }
        if (st.time.millis() - entry.time.millis()).abs() > MAX_CLOCK_SKEW_MS {
            return Err(Refusal::ClockSkew { statement: st.time.to_rfc3339(), sequencer: entry.time.to_rfc3339() });
        }
        if let Some(last) = last_seq {
            if st.seq <= last {
                return Err(Refusal::ReplayedSeq { last: last.0, got: st.seq.0 });
            }
            if st.seq.0 - last.0 > Seq::MAX_STEP {
                return Err(Refusal::SeqTooFar { last: last.0, got: st.seq.0, step: Seq::MAX_STEP });
            }
        }
        if let Some(actor) = self.actors.get(&st.member) {
            if actor.suspended && !st.act.allowed_while_suspended() {
                return Err(Refusal::Rules(format!(
                    "{} is suspended: a suspended member may only rotate its key and publish notes",
                    st.member
                )));
            }
            if !st.act.rate_exempt() {
                actor.rate.check(&self.rules, entry.time, entry.statement.raw.len()).map_err(
                    |(why, retry_after_ms)| Refusal::RateLimited { member: st.member.to_string(), why, retry_after_ms },
                )?;
            }
        }
        self.check_act(st.member.clone(), &st.act, entry.time)?;

        // Committed from here on: nothing below may fail.
        let mut effects = std::mem::take(&mut self.pending);
        self.commit_act(index, entry, &signer, &mut effects);
        if let Some(a) = self.actors.get_mut(&st.member) {
            a.last_seq = st.seq;
            if !st.act.rate_exempt() {
                a.rate.take(&self.rules, entry.time, entry.statement.raw.len());
            }
        }
        if self.effects_on {
            effects.push(Effect::SeqAccepted { id: st.member.clone(), seq: st.seq, index, kind: st.act.type_name() });
        }
        self.size += 1;
        self.last_time = entry.time;
        Ok(Applied { effects, signer })
    }

    /// The rule for each act, checked against the current state. Every
    /// act reaches its domain's rules through [`Act::domain`], with no
    /// catch-all arm.
    fn check_act(&self, member: MemberId, act: &Act, time: Timestamp) -> Result<(), Refusal> {
        let body = match (&self.body, act) {
            (None, Act::Genesis(g)) => {
                // Validated here too, not only when parsed from JSON, so a
                // genesis built in code cannot skip the checks.
                g.validate().map_err(|why| Refusal::BadBody { kind: act.type_name().into(), why })?;
                return if member.is_secretariat() {
                    Ok(())
                } else {
                    Err(Refusal::Rules("genesis is signed by the secretariat".into()))
                };
            }
            (None, _) => return Err(Refusal::Rules("the first entry must be body.genesis".into())),
            (Some(b), _) => b,
        };
        match act.domain() {
            Domain::Body(BodyAct::Genesis(_)) => Err(Refusal::Rules("the body already has a genesis".into())),
            Domain::Body(BodyAct::KeyRotate(k)) => {
                let new = VerifierKey::parse(&k.vkey).map_err(|e| Refusal::Malformed(e.to_string()))?;
                let name = member.key_name(&body.origin);
                if new.name() != name {
                    return Err(Refusal::Rules(format!("the new key must be named {name}")));
                }
                if self.actors.get(&member).is_some_and(|a| *a.key == new) {
                    return Err(Refusal::Rules("the new key is the current key".into()));
                }
                Ok(())
            }
            Domain::Body(BodyAct::NotePublish(_)) => {
                if member.is_secretariat() {
                    return Err(Refusal::Rules("only member states publish notes".into()));
                }
                Ok(())
            }
            Domain::Body(BodyAct::Rename(_)) => {
                if member.is_secretariat() {
                    return Err(Refusal::Rules("only member states rename themselves".into()));
                }
                Ok(())
            }
            Domain::Code(c) => self.check_code(&member, c),
            Domain::Zone(z) => self.check_zone(&member, z),
            Domain::Witness(w) => self.check_witness(&member, w),
            Domain::Share(s) => self.check_share(&member, s, time),
            Domain::Decision(d) => self.check_decision(&member, d, time),
        }
    }

    fn commit_act(&mut self, index: LogIndex, entry: &Entry, signer: &VerifierKey, out: &mut Vec<Effect>) {
        let st = &entry.statement.statement;
        match st.act.domain() {
            Domain::Body(BodyAct::Genesis(g)) => {
                out.extend(self.found(index, g, signer));
                self.found_documents(&g.documents, index, entry.time, out);
            }
            Domain::Body(BodyAct::KeyRotate(k)) => {
                if let (Ok(new), Some(a)) = (VerifierKey::parse(&k.vkey), self.actors.get_mut(&st.member)) {
                    a.key = Arc::new(new);
                    if self.effects_on {
                        out.push(Effect::KeyRotated { id: st.member.clone(), vkey: k.vkey.clone(), index });
                    }
                }
            }
            Domain::Body(BodyAct::Rename(r)) => {
                if let Some(a) = self.actors.get_mut(&st.member) {
                    a.name = r.name.clone();
                    a.names = r.names.clone();
                    if self.effects_on {
                        out.push(Effect::ActorRenamed {
                            id: st.member.clone(),
                            name: r.name.clone(),
                            names: r.names.clone(),
                        });
                    }
                }
            }
            Domain::Body(BodyAct::NotePublish(n)) => {
                if self.effects_on {
                    out.push(Effect::NotePublished {
                        index,
                        member: st.member.clone(),
                        time: entry.time,
                        text: n.text.clone(),
                    });
                }
            }
            Domain::Code(c) => self.commit_code(index, &st.member, c, entry.time, out),
            Domain::Zone(z) => self.commit_zone(index, z, entry.time, out),
            Domain::Witness(w) => self.commit_witness(index, &st.member, w, out),
            Domain::Share(s) => self.commit_share(index, &st.member, s, entry.time, out),
            Domain::Decision(d) => self.commit_decision(index, &st.member, d, entry.time, out),
        }
    }

    fn found(&mut self, index: LogIndex, g: &Genesis, secretariat: &VerifierKey) -> Vec<Effect> {
        let mut out = Vec::new();
        // Genesis was validated at parse time: the log key parses.
        if let Ok(log_key) = VerifierKey::parse(&g.log_key) {
            self.body = Some(Body { name: g.name.clone(), names: g.names.clone(), origin: g.origin.clone(), log_key });
        }
        out.push(Effect::BodyFounded {
            name: g.name.clone(),
            names: g.names.clone(),
            origin: g.origin.clone(),
            log_key: g.log_key.clone(),
        });
        self.rules = g.rules.clone().unwrap_or_default();
        out.push(Effect::RulesChanged(Box::new(self.rules.clone())));
        let sec = MemberId::secretariat();
        self.actors.insert(
            sec.clone(),
            Actor {
                id: sec.clone(),
                name: "Secretariat".into(),
                names: Names::default(),
                key: Arc::new(secretariat.clone()),
                last_seq: Seq(0),
                since: index,
                suspended: false,
                rate: RateBuckets::default(),
            },
        );
        out.push(Effect::ActorAdded {
            id: sec,
            name: "Secretariat".into(),
            names: Names::default(),
            vkey: secretariat.to_vkey(),
            index,
        });
        for m in &g.members {
            if let Ok(key) = VerifierKey::parse(&m.vkey) {
                self.actors.insert(
                    m.id.clone(),
                    Actor {
                        id: m.id.clone(),
                        name: m.name.clone(),
                        names: m.names.clone(),
                        key: Arc::new(key),
                        last_seq: Seq(0),
                        since: index,
                        suspended: false,
                        rate: RateBuckets::default(),
                    },
                );
                out.push(Effect::ActorAdded {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    names: m.names.clone(),
                    vkey: m.vkey.clone(),
                    index,
                });
            }
        }
        out
    }
}
