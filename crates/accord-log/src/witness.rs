//! C2SP tlog-witness: the `add-checkpoint` request, its answers, and the
//! witness's decision (pure: the caller holds the state and the clock).
//!
//! ```text
//! old <size>
//! <base64 consistency proof hash>      (0 to 63 lines)
//!
//! <signed checkpoint note>
//! ```
//!
//! [`check`] applies every rule of the spec in its order, given the log
//! keys the witness trusts for the origin and the latest checkpoint it
//! cosigned; the caller then stores the new state atomically (a
//! compare-and-swap on the old size) before it cosigns.

use crate::checkpoint::Checkpoint;
use crate::hash::Hash;
use crate::merkle::verify_consistency;
use crate::note::{Note, NoteError, VerifierKey};
use thiserror::Error;

/// At most this many consistency proof lines (the spec's bound).
pub const MAX_PROOF_LINES: usize = 63;
/// Largest request body a witness reads: 63 proof lines and a checkpoint
/// with up to [`crate::note::MAX_SIGNATURES`] signature lines fit easily.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;
/// Media type of a 409's body.
pub const SIZE_MEDIA_TYPE: &str = "text/x.tlog.size";

/// A parsed `add-checkpoint` request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddCheckpoint {
    pub old: u64,
    pub proof: Vec<Hash>,
    /// The signed checkpoint note, byte for byte.
    pub checkpoint: Vec<u8>,
}

#[derive(Debug, Error, PartialEq, Eq, Clone)]
#[error("malformed add-checkpoint request: {0}")]
pub struct MalformedRequest(pub &'static str);

/// Parses a decimal size with no leading zero (except `0` itself).
pub fn parse_size(s: &str) -> Option<u64> {
    if s.is_empty() || (s.len() > 1 && s.starts_with('0')) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl AddCheckpoint {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut s = format!("old {}\n", self.old);
        for h in &self.proof {
            s.push_str(&h.to_base64());
            s.push('\n');
        }
        s.push('\n');
        let mut out = s.into_bytes();
        out.extend_from_slice(&self.checkpoint);
        out
    }

    pub fn parse(body: &[u8]) -> Result<AddCheckpoint, MalformedRequest> {
        let m = MalformedRequest;
        if body.len() > MAX_REQUEST_BYTES {
            return Err(m("larger than 65,536 bytes"));
        }
        let split = body.windows(2).position(|w| w == b"\n\n").ok_or(m("no empty line before the checkpoint"))?;
        let head = std::str::from_utf8(&body[..split]).map_err(|_| m("not UTF-8"))?;
        let mut lines = head.split('\n');
        let old = lines
            .next()
            .and_then(|l| l.strip_prefix("old "))
            .and_then(parse_size)
            .ok_or(m("the first line is not `old <size>` in decimal"))?;
        let mut proof = Vec::new();
        for l in lines {
            if proof.len() == MAX_PROOF_LINES {
                return Err(m("more than 63 consistency proof lines"));
            }
            proof.push(Hash::from_base64(l).ok_or(m("a consistency proof line is not a base64 SHA-256 hash"))?);
        }
        Ok(AddCheckpoint { old, proof, checkpoint: body[split + 2..].to_vec() })
    }
}

/// Why a witness does not cosign, each with the status the spec gives it.
#[derive(Debug, Error, PartialEq, Eq, Clone)]
pub enum Refused {
    #[error("{0}")]
    Malformed(String),
    #[error("unknown log origin {0:?}")]
    UnknownOrigin(String),
    #[error("no valid signature by a trusted key of the log: {0}")]
    NotSigned(String),
    #[error("old size {old} is larger than the checkpoint's size {size}")]
    OldTooLarge { old: u64, size: u64 },
    #[error("old size {old} is not the size of the latest checkpoint cosigned, {latest}")]
    Conflict { old: u64, latest: u64 },
    #[error("{0}")]
    BadProof(String),
}

impl Refused {
    /// The HTTP status the spec gives this refusal.
    pub fn status(&self) -> u16 {
        match self {
            Refused::Malformed(_) | Refused::OldTooLarge { .. } => 400,
            Refused::NotSigned(_) => 403,
            Refused::UnknownOrigin(_) => 404,
            Refused::Conflict { .. } => 409,
            Refused::BadProof(_) => 422,
        }
    }
}

/// What a witness knows of a log: the latest checkpoint it cosigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Witnessed {
    pub size: u64,
    pub root: Hash,
}

/// The checks of `add-checkpoint`, in the spec's order. `trusted` gives
/// the log keys the witness trusts for an origin (`None`: unknown origin);
/// `latest` is what it last cosigned for that origin (`None`: never). On
/// success, the checkpoint to store and cosign.
pub fn check<'k>(
    req: &AddCheckpoint,
    trusted: impl FnOnce(&str) -> Option<&'k [VerifierKey]>,
    latest: impl FnOnce(&str) -> Option<Witnessed>,
) -> Result<(Checkpoint, Note), Refused> {
    let note = Note::parse(&req.checkpoint).map_err(|e| Refused::Malformed(format!("checkpoint: {e}")))?;
    let cp = Checkpoint::parse_text(note.text()).map_err(|e| Refused::Malformed(e.to_string()))?;
    let keys = trusted(&cp.origin).ok_or_else(|| Refused::UnknownOrigin(cp.origin.chars().take(200).collect()))?;
    // Signatures by unknown keys are ignored; one by a trusted key that
    // fails makes the note malformed (403), even beside a good one.
    // A line repeated byte for byte is checked once: a request of 99
    // copies of one valid line costs one verification, not 99.
    let mut good = false;
    let mut seen = std::collections::HashSet::new();
    for k in keys {
        for s in note.signatures.iter().filter(|s| s.name == k.name() && s.key_id == k.id()) {
            if !seen.insert(&s.signature) {
                continue;
            }
            if k.check(note.text().as_bytes(), s).is_err() {
                return Err(Refused::NotSigned(format!("the signature by {} does not verify", k.name())));
            }
            good = true;
        }
    }
    if !good {
        return Err(Refused::NotSigned(NoteError::NoSignatureByKey(cp.origin.clone()).to_string()));
    }
    if req.old > cp.size {
        return Err(Refused::OldTooLarge { old: req.old, size: cp.size });
    }
    let last = latest(&cp.origin);
    let last_size = last.map_or(0, |w| w.size);
    if req.old != last_size {
        return Err(Refused::Conflict { old: req.old, latest: last_size });
    }
    if cp.size == 0 && cp.root != Hash::empty() {
        return Err(Refused::BadProof("a checkpoint of size 0 must have the empty tree's root".into()));
    }
    match last {
        None => {
            if !req.proof.is_empty() {
                return Err(Refused::BadProof("old size 0 takes an empty consistency proof".into()));
            }
        }
        Some(w) => {
            if w.size == cp.size && w.root != cp.root {
                return Err(Refused::BadProof(format!(
                    "size {} was cosigned with another root: this checkpoint contradicts it",
                    cp.size
                )));
            }
            if w.size == 0 && !req.proof.is_empty() {
                return Err(Refused::BadProof("old size 0 takes an empty consistency proof".into()));
            }
            verify_consistency(w.size, cp.size, &req.proof, &w.root, &cp.root).map_err(|e| {
                Refused::BadProof(format!("the consistency proof from size {} to {} fails: {e}", w.size, cp.size))
            })?;
        }
    }
    Ok((cp, note))
}

/// Parses a 200 answer: one or more note signature lines.
pub fn parse_cosignatures(body: &str) -> Result<Vec<crate::note::NoteSignature>, NoteError> {
    // A note of one placeholder line followed by the lines parses them
    // with the note's own rules.
    let note = Note::parse(format!("x\n\n{body}").as_bytes())?;
    Ok(note.signatures)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{consistency_proof, MemoryTree};
    use crate::note::Signer;
    use ed25519_dalek::SigningKey;

    struct Tree(MemoryTree);
    impl crate::merkle::HashReader for Tree {
        type Error = std::convert::Infallible;
        fn read_hashes(&mut self, level: u32, start: u64, end: u64) -> Result<Vec<Hash>, Self::Error> {
            Ok(self.0.level(level)[start as usize..end as usize].to_vec())
        }
    }

    fn log() -> Signer {
        Signer::new("example.org/log", SigningKey::from_bytes(&[3; 32])).unwrap()
    }

    fn tree(n: u64, salt: u8) -> Tree {
        let mut t = MemoryTree::new();
        for i in 0..n {
            t.push(Hash::leaf(&[salt, i as u8]));
        }
        Tree(t)
    }

    fn request(t: &mut Tree, old: u64, size: u64, signer: &Signer) -> AddCheckpoint {
        let root = t.0.root_at(size);
        let note = Checkpoint::new("example.org/log", size, root).sign(signer).unwrap();
        let proof = consistency_proof(t, old, size).unwrap().unwrap();
        AddCheckpoint { old, proof, checkpoint: note.to_text().into_bytes() }
    }

    #[test]
    fn requests_round_trip_and_limits_hold() {
        let mut t = tree(300, 0);
        let r = request(&mut t, 17, 300, &log());
        assert_eq!(AddCheckpoint::parse(&r.to_bytes()).unwrap(), r);
        let mut long = b"old 1\n".to_vec();
        for _ in 0..64 {
            long.extend_from_slice(format!("{}\n", Hash::empty().to_base64()).as_bytes());
        }
        long.extend_from_slice(b"\nx");
        assert_eq!(AddCheckpoint::parse(&long), Err(MalformedRequest("more than 63 consistency proof lines")));
        assert!(AddCheckpoint::parse(b"old 01\n\nx").is_err());
        assert!(AddCheckpoint::parse(b"old -1\n\nx").is_err());
        assert!(AddCheckpoint::parse(b"old 18446744073709551616\n\nx").is_err());
        assert!(AddCheckpoint::parse(b"new 1\n\nx").is_err());
    }

    #[test]
    fn every_rule_of_the_spec_answers_as_it_says() {
        let signer = log();
        let keys = vec![signer.verifier().clone()];
        let trusted = |o: &str| (o == "example.org/log").then_some(keys.as_slice());
        let mut t = tree(300, 0);
        let first = request(&mut t, 0, 100, &signer);
        assert!(check(&first, trusted, |_| None).is_ok());
        let at100 = Witnessed { size: 100, root: t.0.root_at(100) };
        let next = request(&mut t, 100, 300, &signer);
        assert!(check(&next, trusted, |_| Some(at100)).is_ok());
        // 409: the old size is not what was cosigned.
        assert_eq!(check(&first, trusted, |_| Some(at100)).unwrap_err().status(), 409);
        // 400: old larger than the checkpoint.
        let mut big_old = request(&mut t, 0, 100, &signer);
        big_old.old = 101;
        assert_eq!(check(&big_old, trusted, |_| Some(at100)).unwrap_err().status(), 400);
        // 404: unknown origin.
        assert_eq!(check(&first, |_| None, |_| None).unwrap_err().status(), 404);
        // 403: no trusted signature, or a bad one beside a good one.
        let other = Signer::new("example.org/log", SigningKey::from_bytes(&[4; 32])).unwrap();
        assert_eq!(check(&request(&mut t, 0, 100, &other), trusted, |_| None).unwrap_err().status(), 403);
        let mut tampered = Note::parse(&first.checkpoint).unwrap();
        let good = tampered.signatures[0].clone();
        tampered.signatures[0].signature[0] ^= 1;
        tampered.signatures.push(good);
        let req = AddCheckpoint { checkpoint: tampered.to_text().into_bytes(), ..first.clone() };
        assert_eq!(check(&req, trusted, |_| None).unwrap_err().status(), 403);
        // 422: a fork of the same size, a proof that fails, a proof from 0.
        let mut fork = tree(300, 1);
        let forked = request(&mut fork, 0, 100, &signer);
        let forked = AddCheckpoint { old: 100, ..forked };
        assert_eq!(check(&forked, trusted, |_| Some(at100)).unwrap_err().status(), 422);
        let forked_next = request(&mut fork, 100, 300, &signer);
        assert_eq!(check(&forked_next, trusted, |_| Some(at100)).unwrap_err().status(), 422);
        let mut from_zero = request(&mut t, 0, 100, &signer);
        from_zero.proof.push(Hash::empty());
        assert_eq!(check(&from_zero, trusted, |_| None).unwrap_err().status(), 422);
        // 422: size 0 with a root other than the empty tree's.
        let zero = Checkpoint::new("example.org/log", 0, Hash::leaf(b"x")).sign(&signer).unwrap();
        let zero = AddCheckpoint { old: 0, proof: vec![], checkpoint: zero.to_text().into_bytes() };
        assert_eq!(check(&zero, trusted, |_| None).unwrap_err().status(), 422);
    }

    #[test]
    fn answers_parse_as_signature_lines() {
        let c = crate::cosignature::Cosigner::new("w.example/1", SigningKey::from_bytes(&[9; 32])).unwrap();
        let line = c.cosign("example.org/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", 5).to_line();
        let sigs = parse_cosignatures(&line).unwrap();
        assert_eq!(sigs.len(), 1);
        assert!(parse_cosignatures("").is_err());
        assert!(parse_cosignatures("nonsense\n").is_err());
    }
}
