//! The one mapping from what went wrong to an HTTP status and a problem
//! code (docs/PROTOCOL.md §6), for the JSON API and the portal alike: a
//! refusal, a submission the node cannot take, a read that failed.
//!
//! What it is not: the problem body or the page (`accord-http` writes
//! RFC 9457 problems, the portal an HTML page); only their status, code
//! and title, chosen here once.

use crate::node::{NodeError, SubmitError};
use accord_core::Refusal;

/// A status, a stable code and a short title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub code: &'static str,
    pub title: &'static str,
}

impl Answer {
    const fn new(status: u16, code: &'static str, title: &'static str) -> Answer {
        Answer { status, code, title }
    }

    /// Nothing is served there, or no such record.
    pub const NOT_FOUND: Answer = Answer::new(404, "not-found", "Not found");
    /// The node cannot answer now (storage failed, queue full): retry.
    pub const UNAVAILABLE: Answer = Answer::new(503, "unavailable", "Try again shortly");
    /// The node failed in a way no retry mends (an inconsistent log, a
    /// bug); its operator's log says why.
    pub const INTERNAL: Answer = Answer::new(500, "internal", "Internal error");

    /// A statement the rules refuse: the client must change it.
    pub fn refused(r: &Refusal) -> Answer {
        let (status, title) = match r {
            Refusal::TooLarge { .. } => (413, "Statement too large"),
            Refusal::Malformed(_) | Refusal::BadBody { .. } => (400, "Malformed statement"),
            Refusal::NotCanonical { .. } => (400, "Statement JSON is not canonical"),
            Refusal::UnknownType(_) => (400, "Unknown statement type"),
            Refusal::UnknownMember(_) => (403, "Unknown member"),
            Refusal::BadSignature(_) => (403, "Bad signature"),
            Refusal::OutOfRange { .. } => (400, "Number out of range"),
            Refusal::ReplayedSeq { .. } => (409, "Replayed sequence number"),
            Refusal::SeqTooFar { .. } => (409, "Sequence number too far ahead"),
            Refusal::RateLimited { .. } => (429, "Rate limited"),
            Refusal::ClockSkew { .. } => (422, "Clock skew"),
            Refusal::Rules(_) => (422, "Refused by the rules"),
            Refusal::ZoneChecks { .. } => (422, "Technical checks failed"),
            // The statement is well formed and signed; the state of the
            // body refuses it, as with `refused-by-rules`.
            Refusal::UnknownProposal(_) => (422, "Unknown proposal"),
            Refusal::BallotClosed { .. } => (422, "Ballot closed"),
            Refusal::LogFault(_) => (400, "Malformed statement"),
        };
        Answer::new(status, r.code(), title)
    }

    /// A submission not appended.
    pub fn submit(e: &SubmitError) -> Answer {
        match e {
            SubmitError::Refused(r) => Answer::refused(r),
            SubmitError::Unavailable(_) => Answer::UNAVAILABLE,
        }
    }

    /// A read or a start that failed: storage is worth a retry, an
    /// inconsistent log is not.
    pub fn failed(e: &NodeError) -> Answer {
        match e {
            // Storage busy or down; another writer's checkpoint: retry
            // (against whichever node sequences now).
            NodeError::Store(accord_store::StoreError::Db(_) | accord_store::StoreError::CheckpointConflict { .. }) => {
                Answer::UNAVAILABLE
            }
            NodeError::Store(
                accord_store::StoreError::Corrupt(_)
                | accord_store::StoreError::Encode(_)
                | accord_store::StoreError::UnsupportedUrl(_),
            )
            | NodeError::Corrupt(_)
            | NodeError::Setup(_) => Answer::INTERNAL,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_is_a_4xx_with_its_own_code() {
        let refusals = [
            Refusal::Malformed("x".into()),
            Refusal::UnknownType("x".into()),
            Refusal::UnknownMember("x".into()),
            Refusal::BadSignature("x".into()),
            Refusal::ReplayedSeq { last: 2, got: 1 },
            Refusal::Rules("x".into()),
            Refusal::UnknownProposal("x".into()),
            Refusal::LogFault("x".into()),
        ];
        for r in &refusals {
            let a = Answer::refused(r);
            assert!((400..500).contains(&a.status), "{r:?}: {a:?}");
            assert_eq!(a.code, r.code());
        }
        assert_eq!(Answer::failed(&NodeError::Corrupt("x".into())).status, 500);
        let busy = NodeError::Store(accord_store::StoreError::Db(rusqlite_busy()));
        assert_eq!(Answer::failed(&busy), Answer::UNAVAILABLE);
        assert_eq!(Answer::failed(&NodeError::Store(accord_store::StoreError::Corrupt("x".into()))), Answer::INTERNAL);
    }

    fn rusqlite_busy() -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(5), Some("database is locked".into()))
    }
}
