//! One scheduler of deadlines for every domain of the fold.
//!
//! A deadline is `(time, index, kind)`: when it falls due (judged on entry
//! times, never on a wall clock), the index of the entry that set it (which
//! orders deadlines at the same time), and what it is, by domain. Before
//! each entry the state pops every deadline at or before the entry's time,
//! in that order, and hands each to its domain ([`crate::state::State`]'s
//! `pass_deadlines`, an exhaustive match over [`DeadlineKind`]). The
//! sequencer asks for the next one ([`Deadlines::next`]) to know when a
//! `clock.tick` is needed, whatever the domain.
//!
//! What it is not: a timer. Nothing here reads a clock; a deadline passes
//! only when an entry at or after its time is folded.
//!
//! Kinds to come, each from its domain: a ping's acknowledgement time,
//! an expedited preservation's period, a witness key's re-signing date.

use crate::ids::LogIndex;
use crate::time::Timestamp;
use std::collections::BTreeSet;

/// What falls due, by domain.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeadlineKind {
    /// Decisions: a ballot (proposal or amendment, by id) closes.
    Ballot(String),
    /// The root zone: every RRset is signed again (a week after the last
    /// full signing).
    ZoneResign,
}

/// A deadline: ordered by time, then by the index of the entry that set
/// it, then by kind.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Deadline {
    pub time: Timestamp,
    pub index: LogIndex,
    pub kind: DeadlineKind,
}

impl Deadline {
    /// A ballot that closes at `time`, tabled at `index`.
    pub fn ballot(time: Timestamp, index: LogIndex, id: &str) -> Deadline {
        Deadline { time, index, kind: DeadlineKind::Ballot(id.to_string()) }
    }
}

/// Every deadline still to pass.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Deadlines(pub(crate) BTreeSet<Deadline>);

impl Deadlines {
    pub fn schedule(&mut self, d: Deadline) {
        self.0.insert(d);
    }

    /// Removes `d` (a ballot withdrawn, made moot, or moved): whether it was there.
    pub fn cancel(&mut self, d: &Deadline) -> bool {
        self.0.remove(d)
    }

    /// The earliest time a deadline falls due.
    pub fn next(&self) -> Option<Timestamp> {
        self.0.first().map(|d| d.time)
    }

    /// The earliest deadline at or before `time`, taken out.
    pub fn pop_due(&mut self, time: Timestamp) -> Option<Deadline> {
        if self.0.first()?.time > time {
            return None;
        }
        self.0.pop_first()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_deadlines_come_out_by_time_then_index_then_kind() {
        let mut d = Deadlines::default();
        let t = Timestamp::from_millis;
        d.schedule(Deadline::ballot(t(20), LogIndex(1), "b"));
        d.schedule(Deadline::ballot(t(10), LogIndex(5), "z"));
        d.schedule(Deadline::ballot(t(10), LogIndex(3), "y"));
        d.schedule(Deadline::ballot(t(10), LogIndex(3), "x"));
        assert_eq!(d.next(), Some(t(10)));
        assert_eq!(d.pop_due(t(9)), None);
        let order: Vec<_> = std::iter::from_fn(|| d.pop_due(t(15))).map(|d| d.kind).collect();
        let ids = |v: &[&str]| v.iter().map(|s| DeadlineKind::Ballot((*s).to_string())).collect::<Vec<_>>();
        assert_eq!(order, ids(&["x", "y", "z"]));
        assert!(d.cancel(&Deadline::ballot(t(20), LogIndex(1), "b")));
        assert!(!d.cancel(&Deadline::ballot(t(20), LogIndex(1), "b")));
        assert_eq!(d.next(), None);
        assert!(d.is_empty());
    }
}
