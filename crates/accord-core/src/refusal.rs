//! Why an entry or statement was refused. Each variant has a stable code;
//! the HTTP layer maps codes to status and problem bodies.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum Refusal {
    #[error("statement is {size} bytes; the limit is {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("malformed statement: {0}")]
    Malformed(String),
    #[error("statement JSON is not in RFC 8785 canonical form (expected {expected})")]
    NotCanonical { expected: String },
    #[error("unknown statement type {0:?}")]
    UnknownType(String),
    #[error("malformed body for {kind}: {why}")]
    BadBody { kind: String, why: String },
    #[error("unknown member {0:?}")]
    UnknownMember(String),
    #[error("signature does not verify: {0}")]
    BadSignature(String),
    #[error("{field} must be {range}")]
    OutOfRange { field: String, range: String },
    #[error("seq {got} is not greater than the member's last accepted seq {last}")]
    ReplayedSeq { last: u64, got: u64 },
    #[error("seq {got} is more than {step} above the member's last accepted seq {last}")]
    SeqTooFar { last: u64, got: u64, step: u64 },
    #[error("{member} is over the rate limit: {why}; retry in {retry_after_ms} ms")]
    RateLimited { member: String, why: String, retry_after_ms: u64 },
    #[error("statement time {statement} is more than 5 minutes from the sequencer's clock {sequencer}")]
    ClockSkew { statement: String, sequencer: String },
    #[error("unknown proposal {0:?}")]
    UnknownProposal(String),
    #[error("the ballot on {proposal:?} is closed ({status})")]
    BallotClosed { proposal: String, status: String },
    #[error("refused by the rules: {0}")]
    Rules(String),
    #[error("the technical checks of {tld} fail: {}", faults.join("; "))]
    ZoneChecks { tld: String, faults: Vec<String> },
    #[error("log fault: {0}")]
    LogFault(String),
}

impl Refusal {
    /// A stable, machine-readable code for the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::TooLarge { .. } => "too-large",
            Refusal::Malformed(_) => "malformed",
            Refusal::NotCanonical { .. } => "not-canonical",
            Refusal::UnknownType(_) => "unknown-type",
            Refusal::BadBody { .. } => "bad-body",
            Refusal::UnknownMember(_) => "unknown-member",
            Refusal::BadSignature(_) => "bad-signature",
            Refusal::OutOfRange { .. } => "out-of-range",
            Refusal::ReplayedSeq { .. } => "replayed-seq",
            Refusal::SeqTooFar { .. } => "seq-too-far",
            Refusal::RateLimited { .. } => "rate-limited",
            Refusal::ClockSkew { .. } => "clock-skew",
            Refusal::UnknownProposal(_) => "unknown-proposal",
            Refusal::BallotClosed { .. } => "ballot-closed",
            Refusal::Rules(_) => "refused-by-rules",
            Refusal::ZoneChecks { .. } => "zone-checks-failed",
            Refusal::LogFault(_) => "log-fault",
        }
    }
}
