//! A body under test, for the integration tests of the domains: genesis
//! with five members, every actor's key, each entry signed for real and
//! taken through its wire bytes, applied with `SigCheck::Verify`, and at the
//! end (of a test that passed) a check that every prefix snapshots safely.
//! (tests/decisions.rs and tests/code.rs still carry their own copies.)

#![allow(dead_code)]

use accord_core::acts::genesis::FoundingMember;
use accord_core::acts::{ClockTick, Genesis};
use accord_core::{Act, Applied, Effect, Entry, MemberId, Refusal, Seq, SigCheck, State, Statement, Timestamp};
use accord_log::Signer;
use ed25519_dalek::SigningKey;
use std::collections::BTreeMap;

pub const ORIGIN: &str = "test.example/log";
/// 2025-11-25T18:00:00Z.
pub const T0: i64 = 1_764_093_600_000;
pub const SEC: i64 = 1000;
pub const HOUR: i64 = 3600 * SEC;
pub const DAY: i64 = 24 * HOUR;
pub const FIVE: [&str; 5] = ["FRA", "CHN", "EGY", "BRA", "IND"];
pub const SECRETARIAT: &str = "secretariat";

pub fn mid(s: &str) -> MemberId {
    MemberId::parse(s).unwrap()
}

pub fn signer(id: &str, seed: u8) -> Signer {
    Signer::new(&mid(id).key_name(ORIGIN), SigningKey::from_bytes(&[seed; 32])).unwrap()
}

pub struct Body {
    pub state: State,
    pub keys: BTreeMap<MemberId, Signer>,
    pub seqs: BTreeMap<MemberId, u64>,
    pub now: i64,
    pub log: Vec<Entry>,
    pub effects: Vec<Vec<Effect>>,
}

impl Drop for Body {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            super::snapshots::assert_snapshot_safe(&self.log, &self.effects, &self.state);
        }
    }
}

impl Body {
    /// Five members (FIVE) and the default rules.
    pub fn found() -> Body {
        let sec = signer(SECRETARIAT, 1);
        let log_key = Signer::new(ORIGIN, SigningKey::from_bytes(&[2; 32])).unwrap();
        let mut keys = BTreeMap::new();
        let mut members = Vec::new();
        for (i, m) in FIVE.iter().enumerate() {
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
            rules: None,
            documents: Vec::new(),
        };
        keys.insert(MemberId::secretariat(), sec);
        let mut b =
            Body { state: State::new(), keys, seqs: BTreeMap::new(), now: T0, log: Vec::new(), effects: Vec::new() };
        b.apply_at(SECRETARIAT, T0, Act::Genesis(Box::new(g))).unwrap();
        b
    }

    /// Applies a signed entry by `who` at `at`, parsed from its wire bytes;
    /// keeps it in the log if accepted. A statement that does not survive
    /// its wire form is refused as the server would refuse it.
    pub fn apply_at(&mut self, who: &str, at: i64, act: Act) -> Result<Applied, Refusal> {
        let m = mid(who);
        let seq = self.seqs.entry(m.clone()).or_insert(0);
        *seq += 1;
        let st = Statement { member: m.clone(), seq: Seq(*seq), time: Timestamp(at), act };
        let key = self.keys.get(&m).unwrap_or_else(|| panic!("no key for {who}"));
        let e = Entry::new(Timestamp(at), st.sign(key).unwrap());
        let e = Entry::parse(&e.to_bytes())?;
        self.now = self.now.max(at);
        let r = self.state.apply(&e, SigCheck::Verify);
        if let Ok(a) = &r {
            self.log.push(e);
            self.effects.push(a.effects.clone());
        }
        r
    }

    pub fn apply(&mut self, who: &str, act: Act) -> Result<Applied, Refusal> {
        let at = self.now + SEC;
        self.apply_at(who, at, act)
    }

    #[track_caller]
    pub fn ok(&mut self, who: &str, act: Act) -> Applied {
        let what = format!("{who} {}", act.type_name());
        self.apply(who, act).unwrap_or_else(|r| panic!("{what} refused: {r}"))
    }

    #[track_caller]
    pub fn refused(&mut self, who: &str, act: Act) -> Refusal {
        let what = format!("{who} {}", act.type_name());
        match self.apply(who, act) {
            Ok(_) => panic!("{what} was accepted"),
            Err(r) => r,
        }
    }

    #[track_caller]
    pub fn tick_at(&mut self, at: i64) -> Applied {
        self.apply_at(SECRETARIAT, at, Act::ClockTick(ClockTick {})).unwrap()
    }

    /// Replays the accepted entries into a fresh state: the same effects,
    /// entry by entry, and the same state.
    #[track_caller]
    pub fn assert_replays(&self) -> State {
        let mut again = State::new();
        for (e, effects) in self.log.iter().zip(&self.effects) {
            let a = again.apply(e, SigCheck::Verify).unwrap();
            assert_eq!(&a.effects, effects, "effects of entry at {}", e.time);
        }
        // The whole state but the clock floor, which refused entries raise.
        assert_eq!(again.size(), self.state.size());
        assert_eq!(again.zone(), self.state.zone());
        assert_eq!(again.decisions().iter().collect::<Vec<_>>(), self.state.decisions().iter().collect::<Vec<_>>());
        again
    }
}
