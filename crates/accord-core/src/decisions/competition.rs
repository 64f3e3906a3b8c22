//! Competing amendments of the Code, a decisions matter: which pending
//! proposals touch the same articles (by the action's footprint, which the
//! Code domain computes from the action alone, [`footprint`]), which is
//! voted first, and which become moot once one is adopted. Nothing here
//! reads the Code's state.

use super::{Proposal, Status};
use crate::acts::decision::Action;
use crate::code::engine::footprint;
use crate::deadlines::Deadline;
use crate::ids::LogIndex;
use crate::state::{Effect, State};

impl State {
    /// Pending code amendments that compete with `p` (same document, a
    /// shared article), in vote order: (closes, submission).
    fn competitors(&self, p: &Proposal) -> Vec<&Proposal> {
        let Some(action) = p.record.action.as_ref() else { return Vec::new() };
        let mut v = self.competitors_of(action);
        v.retain(|q| q.record.id != p.record.id);
        v
    }

    /// Pending code amendments that compete with `action`, in vote order.
    pub(crate) fn competitors_of(&self, action: &Action) -> Vec<&Proposal> {
        let Some((doc, arts)) = footprint(Some(action)) else { return Vec::new() };
        let mut v: Vec<&Proposal> = self
            .decisions
            .iter()
            .filter(|q| q.record.status.is_pending())
            .filter(|q| footprint(q.record.action.as_ref()).is_some_and(|(d, a)| d == doc && !a.is_disjoint(&arts)))
            .collect();
        v.sort_by_key(|q| (q.record.closes, q.record.entries.first().copied()));
        v
    }

    /// A competing amendment to be decided before `p` can be voted on.
    pub(crate) fn competitor_before(&self, p: &Proposal) -> Option<String> {
        let me = (p.record.closes, p.record.entries.first().copied());
        self.competitors(p)
            .into_iter()
            .find(|q| (q.record.closes, q.record.entries.first().copied()) < me)
            .map(|q| q.record.id.clone())
    }

    /// After `adopted` took effect (`applied`): the competing amendments
    /// still pending are moot and not voted. (Not if its changes could not
    /// apply: then the articles did not change and the competitors are
    /// still to vote.)
    pub(crate) fn moot_competitors(&mut self, adopted: &str, index: LogIndex, applied: bool) {
        if !applied {
            return;
        }
        let Some(p) = self.decisions.proposals.get(adopted) else { return };
        let ids: Vec<String> = self.competitors(p).into_iter().map(|q| q.record.id.clone()).collect();
        for id in ids {
            if let Some(q) = self.decisions.proposal_mut(&id) {
                let key = Deadline::ballot(q.record.closes, q.record.entries[0], &id);
                self.deadlines.cancel(&key);
                q.record.status = Status::Moot;
                q.record.closed_at = Some(index);
                q.record.entries.push(index);
                q.record.action_result = Some(format!("not applied: made moot by {adopted}"));
                if self.effects_on {
                    self.pending.push(Effect::ProposalChanged(Box::new(q.record.clone())));
                }
            }
        }
    }
}
