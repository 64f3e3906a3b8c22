//! `accord-zone`: the root zone as data.
//!
//! What it is: the registry of delegations (NS set, glue, DS set per TLD)
//! and the apex that Accord runs itself ([`model`]); the technical checks a
//! proposed delegation must pass before it may be voted on ([`checks`],
//! after IANA's name-server requirements and Zonemaster's test cases); the
//! zone built from the registry and signed with DNSSEC — Ed25519 keys
//! (algorithm 15, RFC 8080), an NSEC chain, a ZONEMD digest (RFC 8976,
//! SHA-384) — with signature times that come from log entry times, so that
//! the same log and keys give the same signed zone byte for byte
//! ([`zone`], [`sign`]); the DNS wire and presentation encodings of its
//! records ([`wire`], [`text`]); and the reading of a zone file into a
//! registry ([`import`]).
//!
//! What it is not: a DNS server, a resolver or a general zone library. It
//! knows the nine record types a root zone needs and nothing else, does no
//! I/O, reads no clock and holds no key on disk: times and keys are passed
//! in. Who may change a delegation, and when, is the fold's business
//! (`accord-core`), not this crate's.
//!
//! Why its own signer: NLnet Labs' `domain` keeps signing behind its
//! `unstable-sign` feature, whose API changes between releases; a root
//! zone's signing is canonical ordering, nine RDATA encodings and
//! Ed25519 — a few hundred lines that golden vectors and two independent
//! verifiers (ldns-verify-zone, kzonecheck) pin. Zone-file parsing, which is
//! large and subtle, is `domain`'s.

#![forbid(unsafe_code)]

pub mod checks;
pub mod import;
pub mod message;
pub mod model;
pub mod name;
pub mod referral;
pub mod sign;
pub mod text;
pub mod verify;
pub mod wire;
pub mod zone;

pub use model::{Apex, Delegation, Ds, Registry};
pub use name::{Name, NameError, Tld};
pub use sign::{KeyPair, SignTimes, Signer};
pub use zone::{SignedZone, ZonePlan};
