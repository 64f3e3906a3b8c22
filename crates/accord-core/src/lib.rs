//! `accord-core`: the pure heart of Accord.
//!
//! What it is: identifiers (newtypes), statements and their canonical
//! encoding, log entries, member key files, and the rules of the body as a
//! deterministic state machine — `State::apply(&Entry)` either refuses an
//! entry or returns the effects it has. The server, the auditor and the
//! projections all run this same fold, so a replay decides exactly as the
//! live system did.
//!
//! What it is not: it performs no I/O, reads no clock and draws no
//! randomness. Times come from entries; keys and bytes come from callers.

#![forbid(unsafe_code)]

pub mod acts;
pub mod code;
pub mod deadlines;
pub mod decisions;
pub mod entry;
pub mod ids;
pub mod keys;
pub mod limits;
pub mod names;
pub mod refusal;
pub mod share;
pub mod snapshot;
pub mod state;
pub mod statement;
pub mod time;
pub mod witness;
pub mod zone;

pub use acts::Act;
pub use entry::Entry;
pub use ids::{LogIndex, MemberId, Seq};
pub use keys::KeyFile;
pub use names::Names;
pub use refusal::Refusal;
pub use state::{Applied, Effect, SigCheck, State};
pub use statement::{SignedStatement, Statement};
pub use time::Timestamp;
