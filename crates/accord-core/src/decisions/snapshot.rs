//! The decisions' part of a state snapshot ([`crate::snapshot`]): every
//! proposal with its votes, in a fixed order.

use super::{AdoptedBy, Cosponsor, Decisions, Proposal, ProposalRecord, SilenceRecord, Status, Tally, VoteRecord};
use crate::acts::decision::{Procedure, Question, VoteChoice};
use crate::snapshot::{Dec, Enc, Reader, SnapshotError, Writer};
use std::collections::{BTreeMap, HashMap};

impl Enc for Decisions {
    fn enc(&self, w: &mut Writer) {
        let Decisions { proposals, order } = self;
        // The map in id order, so that a snapshot is a function of the state.
        let by_id: BTreeMap<&String, &Proposal> = proposals.iter().map(|(id, p)| (id, &**p)).collect();
        w.len(by_id.len());
        for (id, p) in by_id {
            id.enc(w);
            p.enc(w);
        }
        order.enc(w);
    }
}
impl Dec for Decisions {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        let n = r.len()?;
        let mut proposals = HashMap::with_capacity(n);
        for _ in 0..n {
            let id = r.str()?;
            let p = Proposal::dec(r)?;
            if p.record.id != id {
                return Err(r.bad(format!("proposal {} filed as {id}", p.record.id)));
            }
            if proposals.insert(id, std::sync::Arc::new(p)).is_some() {
                return Err(r.bad("a proposal twice"));
            }
        }
        let order: Vec<String> = Dec::dec(r)?;
        if order.len() != proposals.len() || order.iter().any(|id| !proposals.contains_key(id)) {
            return Err(r.bad("the order of proposals does not list each once"));
        }
        Ok(Decisions { proposals, order })
    }
}

impl Enc for Proposal {
    fn enc(&self, w: &mut Writer) {
        let Proposal { record, votes, majority_question } = self;
        record.enc(w);
        votes.enc(w);
        majority_question.enc(w);
    }
}
impl Dec for Proposal {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(Proposal { record: Dec::dec(r)?, votes: Dec::dec(r)?, majority_question: Dec::dec(r)? })
    }
}

impl Enc for ProposalRecord {
    fn enc(&self, w: &mut Writer) {
        let ProposalRecord {
            id,
            amends,
            sponsor,
            title,
            text,
            original_text,
            question,
            procedure,
            submitted,
            closes,
            action,
            status,
            adopted_by,
            cosponsors,
            objections,
            dissociations,
            amendments,
            entries,
            closed_at,
            tally,
            action_result,
        } = self;
        id.enc(w);
        amends.enc(w);
        sponsor.enc(w);
        title.enc(w);
        text.enc(w);
        original_text.enc(w);
        question.enc(w);
        procedure.enc(w);
        submitted.enc(w);
        closes.enc(w);
        match action {
            None => w.u8(0),
            Some(a) => {
                w.u8(1);
                w.json(a)
            }
        }
        status.enc(w);
        adopted_by.enc(w);
        cosponsors.enc(w);
        objections.enc(w);
        dissociations.enc(w);
        amendments.enc(w);
        entries.enc(w);
        closed_at.enc(w);
        tally.enc(w);
        action_result.enc(w);
    }
}
impl Dec for ProposalRecord {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(ProposalRecord {
            id: r.str()?,
            amends: Dec::dec(r)?,
            sponsor: Dec::dec(r)?,
            title: r.str()?,
            text: r.str()?,
            original_text: Dec::dec(r)?,
            question: Dec::dec(r)?,
            procedure: Dec::dec(r)?,
            submitted: Dec::dec(r)?,
            closes: Dec::dec(r)?,
            action: match r.u8()? {
                0 => None,
                1 => Some(r.json()?),
                b => return Err(r.bad(format!("option tag {b}"))),
            },
            status: Dec::dec(r)?,
            adopted_by: Dec::dec(r)?,
            cosponsors: Dec::dec(r)?,
            objections: Dec::dec(r)?,
            dissociations: Dec::dec(r)?,
            amendments: Dec::dec(r)?,
            entries: Dec::dec(r)?,
            closed_at: Dec::dec(r)?,
            tally: Dec::dec(r)?,
            action_result: Dec::dec(r)?,
        })
    }
}

impl Enc for VoteRecord {
    fn enc(&self, w: &mut Writer) {
        let VoteRecord { vote, explanation, index } = self;
        vote.enc(w);
        explanation.enc(w);
        index.enc(w);
    }
}
impl Dec for VoteRecord {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(VoteRecord { vote: Dec::dec(r)?, explanation: Dec::dec(r)?, index: Dec::dec(r)? })
    }
}

impl Enc for SilenceRecord {
    fn enc(&self, w: &mut Writer) {
        let SilenceRecord { member, reason, index } = self;
        member.enc(w);
        reason.enc(w);
        index.enc(w);
    }
}
impl Dec for SilenceRecord {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(SilenceRecord { member: Dec::dec(r)?, reason: r.str()?, index: Dec::dec(r)? })
    }
}

impl Enc for Cosponsor {
    fn enc(&self, w: &mut Writer) {
        let Cosponsor { member, index } = self;
        member.enc(w);
        index.enc(w);
    }
}
impl Dec for Cosponsor {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(Cosponsor { member: Dec::dec(r)?, index: Dec::dec(r)? })
    }
}

impl Enc for Tally {
    fn enc(&self, w: &mut Writer) {
        let Tally { yes, no, abstain, not_voting } = self;
        [yes, no, abstain, not_voting].into_iter().for_each(|n| n.enc(w));
    }
}
impl Dec for Tally {
    fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
        Ok(Tally { yes: r.u64()?, no: r.u64()?, abstain: r.u64()?, not_voting: r.u64()? })
    }
}

/// A fieldless enum as a one-byte tag, both ways from one table, so that
/// the tags cannot drift apart.
macro_rules! tagged {
    ($t:ty { $($v:ident = $n:literal),+ $(,)? }) => {
        impl Enc for $t {
            fn enc(&self, w: &mut Writer) {
                w.u8(match self { $(<$t>::$v => $n),+ })
            }
        }
        impl Dec for $t {
            fn dec(r: &mut Reader) -> Result<Self, SnapshotError> {
                match r.u8()? {
                    $($n => Ok(<$t>::$v),)+
                    b => Err(r.bad(format!(concat!(stringify!($t), " tag {}"), b))),
                }
            }
        }
    };
}

tagged!(Status { Open = 0, Voting = 1, Adopted = 2, Rejected = 3, FailedQuorum = 4, Withdrawn = 5, Moot = 6 });
tagged!(AdoptedBy { Vote = 0, Consensus = 1 });
tagged!(Question { Ordinary = 0, Important = 1 });
tagged!(Procedure { Vote = 0, Silence = 1 });
tagged!(VoteChoice { Yes = 0, No = 1, Abstain = 2 });
