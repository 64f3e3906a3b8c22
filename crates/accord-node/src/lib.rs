//! `accord-node`: the running body.
//!
//! What it is: the write path (parse → batch signature check in the
//! verifier → rules and group commit with one fsync per batch in the
//! sequencer → ack), the checkpoint publisher, the replay that
//! rebuilds state and projections from the log, and the read-side use
//! cases (entries with proofs, consistency proofs) that the HTTP layer and
//! CLI call, and the client of the members' witnesses (`witnesses`: the
//! checkpointer's cosigning stage, over HTTP). Clock and keys are injected.
//!
//! What it is not: no HTTP server, no SQL (that is `accord-store`), no rules of
//! its own (those are `accord-core`'s `State::apply`).

#![forbid(unsafe_code)]

mod answer;
pub mod ballots;
mod changes;
pub mod checkpointer;
mod clock;
mod metrics;
mod node;
mod replay;
mod sequencer;
pub mod share;
pub mod snapshots;
mod verifier;
pub mod views;
pub mod witnesses;
pub mod zone;

pub use answer::Answer;
pub use changes::{Changes, CommitObserver, Committed};
pub use clock::{Clock, InstantSource, Monotonic, SteadyClock, SystemClock};
pub use metrics::Metrics;
pub use node::{
    found_body, CosignerSet, EntryView, Node, NodeConfig, NodeError, PolicyInForce, Published, Receipt, SubmitError,
    WitnessView, DEFAULT_SNAPSHOT_EVERY, RECENT_CHECKPOINTS,
};
pub use replay::{load_state, rebuild_projections, RebuildReport};
