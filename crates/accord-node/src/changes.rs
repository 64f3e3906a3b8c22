//! The stream of committed changes: after each durable commit, and before
//! any of its statements is acknowledged, the sequencer hands every
//! in-process observer the entries' index range and what they changed.
//!
//! Observers are called in log order, on the sequencer's thread, one commit
//! at a time: an observer must be quick and must not block (the portal's
//! page cache drops what a commit touched). A consumer that does slow work
//! (a DNS zone rebuilt, NOTIFY to secondaries, witnesses, webhooks,
//! followers) keeps its own bounded queue; if it falls behind, it resumes
//! from the store by index, which every commit carries.
//!
//! Delivery is at least once in order: after a storage fault the sequencer
//! re-reads what is durable and reports the entries found there as
//! [`Changes::Unknown`] (what they changed is not known without a fold),
//! which an observer must treat as "anything may have changed".
//!
//! What it is not: a network feed or a durable queue.

use accord_core::state::Effect;
use std::sync::Arc;

/// Entries `first..end` are durable, and what they changed.
#[derive(Clone, Debug)]
pub struct Committed {
    pub first: u64,
    pub end: u64,
    pub changes: Changes,
}

/// What a commit changed.
#[derive(Clone, Debug)]
pub enum Changes {
    /// Every effect of the entries, in order (ballots that closed before
    /// them included).
    Known(Arc<[Effect]>),
    /// Found durable after a storage fault: their effects were not kept.
    Unknown,
}

/// Told of every commit, in order, before it is acknowledged.
pub trait CommitObserver: Send + Sync {
    fn committed(&self, c: &Committed);
}
