//! `accord-log`: the transparency-log primitives Accord is built on.
//!
//! What it is: RFC 9162 Merkle tree hashing and proofs, C2SP signed notes
//! with Ed25519 keys (vkeys, key IDs), C2SP tlog-checkpoint, tlog-tiles
//! (tile paths, hash tiles, entry bundles), tlog-proof, tlog-cosignature
//! (`cosignature/v1`), tlog-witness (the `add-checkpoint` request and the
//! witness's checks) and tlog-policy (quorums of witnesses). Every
//! encoder here is deterministic and pinned by golden vectors.
//!
//! What it is not: it does no I/O, holds no clock and keeps no storage.
//! Where hashes must be read from somewhere (a database, HTTP tiles), the
//! caller supplies them through [`merkle::HashReader`].
//!
//! Signatures are checked by one rule everywhere ([`ed25519`]): RFC 8032
//! with the strict checks, computed with AWS-LC (a C library, but no I/O).

#![forbid(unsafe_code)]

pub mod checkpoint;
pub mod cosignature;
pub mod ed25519;
pub mod hash;
pub mod merkle;
pub mod note;
pub mod policy;
pub mod proof;
pub mod tile;
pub mod witness;

pub use checkpoint::Checkpoint;
pub use hash::Hash;
pub use note::{verify_many, KeyId, Note, NoteSignature, Signer, VerifierKey};
