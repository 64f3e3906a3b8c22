//! A second vantage point (`accord audit URL --compare OTHER_URL`) and
//! fork evidence (`accord evidence FILE`).
//!
//! Two checkpoints signed by the same log key are consistent when the
//! smaller is a prefix of the larger. The auditor has every leaf of the log
//! it audited; for a larger checkpoint from the other side it reads the
//! other side's hash tiles. Either way it computes a consistency proof,
//! in full form (`accord_log::merkle::consistency_roots`), from the larger
//! tree: if that proof leads to the larger checkpoint's root but not to
//! the smaller's, the log key signed two histories, and the proof with
//! both signed checkpoints is evidence anyone can check with the log's
//! key alone:
//!
//! ```text
//! accord/fork-evidence/v1
//! log <log vkey>
//! proof <smaller size> <larger size>
//! <base64 hash>…            (the full consistency proof; none for equal sizes)
//! checkpoint <byte length>
//! <the smaller signed checkpoint, byte for byte>checkpoint <byte length>
//! <the larger signed checkpoint, byte for byte>
//! ```

use crate::{fail, Failure, Http, Outcome};
use accord_log::merkle::{consistency_roots, full_consistency_proof, HashReader, MemoryTree};
use accord_log::tile::{TileKind, TilePath};
use accord_log::{Checkpoint, Hash, Note, VerifierKey};
use anyhow::Context;
use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

pub const HEADER: &str = "accord/fork-evidence/v1";
/// Largest evidence file read (two checkpoints and at most 128 hashes).
pub const MAX_EVIDENCE_BYTES: u64 = 256 * 1024;

/// Two signed checkpoints and the proof that they disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    pub log: VerifierKey,
    pub smaller: Vec<u8>,
    pub larger: Vec<u8>,
    pub proof: Vec<Hash>,
}

/// What the evidence shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proven {
    pub smaller: Checkpoint,
    pub larger: Checkpoint,
    /// The root the larger tree has at the smaller size.
    pub larger_root_at_smaller: Hash,
}

impl Evidence {
    pub fn to_text(&self) -> Vec<u8> {
        let (a, b) = (self.size_of(&self.smaller), self.size_of(&self.larger));
        let mut out = format!("{HEADER}\nlog {}\nproof {a} {b}\n", self.log.to_vkey()).into_bytes();
        for h in &self.proof {
            out.extend_from_slice(format!("{}\n", h.to_base64()).as_bytes());
        }
        for cp in [&self.smaller, &self.larger] {
            out.extend_from_slice(format!("checkpoint {}\n", cp.len()).as_bytes());
            out.extend_from_slice(cp);
        }
        out
    }

    fn size_of(&self, bytes: &[u8]) -> u64 {
        Note::parse(bytes).ok().and_then(|n| Checkpoint::parse_text(n.text()).ok()).map_or(0, |c| c.size)
    }

    pub fn parse(bytes: &[u8]) -> Result<Evidence, String> {
        let mut rest = bytes;
        fn line(rest: &mut &[u8]) -> Result<String, String> {
            let i = rest.iter().position(|b| *b == b'\n').ok_or("a line is not ended")?;
            let l = std::str::from_utf8(&rest[..i]).map_err(|_| "a line is not UTF-8")?.to_string();
            *rest = &rest[i + 1..];
            Ok(l)
        }
        if line(&mut rest)? != HEADER {
            return Err(format!("the first line is not {HEADER}"));
        }
        let log = line(&mut rest)?;
        let log = VerifierKey::parse(log.strip_prefix("log ").ok_or("no log line")?).map_err(|e| e.to_string())?;
        let sizes = line(&mut rest)?;
        let mut it = sizes.strip_prefix("proof ").ok_or("no proof line")?.split(' ');
        let (_, _) = (it.next().ok_or("no sizes")?, it.next().ok_or("no sizes")?);
        let mut proof = Vec::new();
        let mut cps = Vec::new();
        loop {
            let l = line(&mut rest)?;
            if let Some(n) = l.strip_prefix("checkpoint ") {
                let n: usize = n.parse().map_err(|_| "a checkpoint length is not a number")?;
                if n > rest.len() {
                    return Err("a checkpoint is cut short".into());
                }
                cps.push(rest[..n].to_vec());
                rest = &rest[n..];
                if cps.len() == 2 {
                    break;
                }
                continue;
            }
            if !cps.is_empty() {
                return Err("a line between the checkpoints".into());
            }
            if proof.len() == 128 {
                return Err("more than 128 proof hashes".into());
            }
            proof.push(Hash::from_base64(&l).ok_or("a proof line is not a base64 hash")?);
        }
        if !rest.is_empty() {
            return Err("bytes after the second checkpoint".into());
        }
        let larger = cps.pop().unwrap_or_default();
        let smaller = cps.pop().unwrap_or_default();
        Ok(Evidence { log, smaller, larger, proof })
    }

    /// Checks the evidence with the log key alone: both checkpoints are
    /// signed by it, and they cannot both be true.
    pub fn check(&self) -> Result<Proven, String> {
        let (a, _) = Checkpoint::open(&self.smaller, &self.log).map_err(|e| format!("the smaller checkpoint: {e}"))?;
        let (b, _) = Checkpoint::open(&self.larger, &self.log).map_err(|e| format!("the larger checkpoint: {e}"))?;
        if a.size > b.size {
            return Err("the smaller checkpoint is the larger".into());
        }
        if a.size == b.size {
            if !self.proof.is_empty() {
                return Err("checkpoints of one size take no proof".into());
            }
            if a.root == b.root {
                return Err("the two checkpoints have the same size and root: no fork".into());
            }
            return Ok(Proven { larger_root_at_smaller: b.root, smaller: a, larger: b });
        }
        if a.size == 0 {
            return Err("the empty tree is a prefix of every tree: no fork".into());
        }
        let (fr, sr) = consistency_roots(a.size, b.size, &self.proof).map_err(|e| format!("the proof: {e}"))?;
        if sr != b.root {
            return Err("the proof does not lead to the larger checkpoint's root".into());
        }
        if fr == a.root {
            return Err("the proof shows the smaller checkpoint is a prefix of the larger: no fork".into());
        }
        Ok(Proven { larger_root_at_smaller: fr, smaller: a, larger: b })
    }
}

/// Hashes from our own replayed tree.
struct Ours<'a>(&'a MemoryTree);

impl HashReader for Ours<'_> {
    type Error = String;
    fn read_hashes(&mut self, level: u32, start: u64, end: u64) -> Result<Vec<Hash>, String> {
        self.0
            .level(level)
            .get(start as usize..end as usize)
            .map(<[Hash]>::to_vec)
            .ok_or_else(|| "the replayed tree lacks those hashes".to_string())
    }
}

/// Hashes read from a node's hash tiles, for a tree of `size`.
struct Tiles<'a> {
    http: &'a Http,
    size: u64,
    cache: HashMap<(u32, u64), Vec<Hash>>,
}

impl HashReader for Tiles<'_> {
    type Error = Outcome;
    fn read_hashes(&mut self, level: u32, start: u64, end: u64) -> Result<Vec<Hash>, Outcome> {
        let mut out = Vec::with_capacity((end - start) as usize);
        let count = self.size >> level;
        for n in start / 256..end.div_ceil(256) {
            if !self.cache.contains_key(&(level, n)) {
                let width = (count - n * 256).min(256);
                let tp = TilePath { kind: TileKind::Hash((level / 8) as u8), index: n, width: width as u16 };
                let data = self.http.get(&format!("/log/{tp}"))?;
                if data.len() as u64 != width * 32 {
                    return fail(format!("{}/log/{tp} is {} bytes, not {}", self.http.base, data.len(), width * 32));
                }
                let hs = data.chunks(32).filter_map(Hash::from_slice).collect();
                self.cache.insert((level, n), hs);
            }
            let tile = &self.cache[&(level, n)];
            let lo = start.max(n * 256) - n * 256;
            let hi = end.min(n * 256 + 256) - n * 256;
            out.extend_from_slice(&tile[lo as usize..hi as usize]);
        }
        Ok(out)
    }
}

/// Compares the audited checkpoint (`cp`, `cp_bytes`, whose every leaf is
/// in `tree`) with the checkpoint `other` serves. Consistent: says so.
/// A fork: writes the evidence to `evidence` and fails.
#[allow(clippy::too_many_arguments)]
pub(crate) fn compare(
    _primary: &Http,
    other: &str,
    evidence: &Path,
    vkey: &VerifierKey,
    tree: &MemoryTree,
    cp: &Checkpoint,
    cp_bytes: &[u8],
    timeout: u64,
) -> Result<String, Outcome> {
    let base = other.trim_end_matches('/').to_string();
    let http = Http {
        client: reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(timeout.max(1)))
            .build()
            .context("HTTP client")?,
        base: base.clone(),
    };
    let theirs = http.get("/log/checkpoint")?;
    let (b, _) = match Checkpoint::open(&theirs, vkey) {
        Ok(x) => x,
        Err(e) => return fail(format!("{base}/log/checkpoint does not verify against the log key: {e}")),
    };
    // (smaller, larger, proof from the larger tree)
    let (small, large, proof): (Vec<u8>, Vec<u8>, Vec<Hash>) = if b.size <= cp.size {
        let root = if b.size == 0 {
            Hash::empty()
        } else {
            accord_log::merkle::range_hash(&mut Ours(tree), 0, b.size).map_err(|e| anyhow::anyhow!(e))?
        };
        if root == b.root {
            return Ok(format!("{base} shows size {}, a prefix of the log audited (consistent)", b.size));
        }
        let proof = if b.size == cp.size {
            Vec::new()
        } else {
            full_consistency_proof(&mut Ours(tree), b.size, cp.size)
                .map_err(|e| anyhow::anyhow!(e))?
                .map_err(|e| anyhow::anyhow!("{e}"))?
        };
        (theirs, cp_bytes.to_vec(), proof)
    } else {
        let mut tiles = Tiles { http: &http, size: b.size, cache: HashMap::new() };
        let proof = if cp.size == 0 {
            Vec::new()
        } else {
            full_consistency_proof(&mut tiles, cp.size, b.size)?.map_err(|e| anyhow::anyhow!("{e}"))?
        };
        if cp.size == 0 {
            return Ok(format!("{base} shows size {}; the audited log is empty (consistent)", b.size));
        }
        let (fr, sr) = consistency_roots(cp.size, b.size, &proof).map_err(|e| anyhow::anyhow!("{e}"))?;
        if sr != b.root {
            return fail(format!(
                "{base} serves hash tiles that do not lead to its own checkpoint's root at size {}",
                b.size
            ));
        }
        if fr == cp.root {
            return Ok(format!(
                "{base} shows size {}, which extends the log audited (consistency proof verified)",
                b.size
            ));
        }
        (cp_bytes.to_vec(), theirs, proof)
    };
    let e = Evidence { log: vkey.clone(), smaller: small, larger: large, proof };
    let proven = e.check().map_err(|why| anyhow::anyhow!("the evidence found does not check ({why}); a bug"))?;
    std::fs::write(evidence, e.to_text()).with_context(|| format!("cannot write {}", evidence.display()))?;
    Err(Outcome::Failed(Failure(format!(
        "FORK: the log key signed two histories. {} (size {}, root {}) and {base} disagree: the larger checkpoint \
         (size {}) has root {} at size {}, not {}. Evidence (both signed checkpoints and the proof) written to {}; \
         anyone can check it with `accord evidence {}`",
        "the node audited",
        cp.size,
        cp.root.to_base64(),
        proven.larger.size,
        proven.larger_root_at_smaller.to_base64(),
        proven.smaller.size,
        proven.smaller.root.to_base64(),
        evidence.display(),
        evidence.display()
    ))))
}

/// `accord evidence FILE`: checks fork evidence. Exit 0 when it proves
/// the fork, 1 when it does not, 2 when the file cannot be read.
pub fn check_file(path: &Path) -> ExitCode {
    let bytes = match std::fs::File::open(path).and_then(|f| {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_EVIDENCE_BYTES + 1), &mut b).map(|_| b)
    }) {
        Ok(b) if b.len() as u64 <= MAX_EVIDENCE_BYTES => b,
        Ok(_) => {
            eprintln!("accord evidence: {} is larger than {MAX_EVIDENCE_BYTES} bytes", path.display());
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("accord evidence: cannot read {}: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    let verdict = Evidence::parse(&bytes).and_then(|e| e.check().map(|p| (e, p)));
    match verdict {
        Ok((e, p)) => {
            println!("FORK PROVEN: the log key {} signed two checkpoints that cannot both be true:", e.log);
            println!("  size {} with root {}", p.smaller.size, p.smaller.root.to_base64());
            println!(
                "  size {} with root {}, whose tree has root {} at size {}",
                p.larger.size,
                p.larger.root.to_base64(),
                p.larger_root_at_smaller.to_base64(),
                p.smaller.size
            );
            for (what, bytes) in [("smaller", &e.smaller), ("larger", &e.larger)] {
                let names: Vec<String> = Note::parse(bytes)
                    .map(|n| n.signatures.iter().map(|s| s.name.clone()).collect())
                    .unwrap_or_default();
                println!("  signature lines on the {what}: {}", names.join(", "));
            }
            ExitCode::SUCCESS
        }
        Err(why) => {
            println!("NOT PROVEN: {why}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use accord_log::Signer;
    use ed25519_dalek::SigningKey;

    fn tree(n: u64, fork_at: Option<u64>) -> MemoryTree {
        let mut t = MemoryTree::new();
        for i in 0..n {
            let salt = if Some(i) == fork_at { 1u8 } else { 0 };
            t.push(Hash::leaf(&[salt, i as u8]));
        }
        t
    }

    fn evidence(small: u64, large: u64, fork_at: Option<u64>) -> Evidence {
        let log = Signer::new("e.example/log", SigningKey::from_bytes(&[5; 32])).unwrap();
        let mut a = tree(small, None);
        let mut b = tree(large, fork_at);
        let sa = Checkpoint::new("e.example/log", small, a.root_at(small)).sign(&log).unwrap();
        let sb = Checkpoint::new("e.example/log", large, b.root_at(large)).sign(&log).unwrap();
        let proof =
            if small == large { vec![] } else { full_consistency_proof(&mut Ours(&b), small, large).unwrap().unwrap() };
        Evidence {
            log: log.verifier().clone(),
            smaller: sa.to_text().into_bytes(),
            larger: sb.to_text().into_bytes(),
            proof,
        }
    }

    #[test]
    fn evidence_proves_forks_and_only_forks() {
        for (small, large) in [(1, 2), (4, 9), (8, 8), (13, 40), (16, 17)] {
            let e = evidence(small, large, Some(0));
            let again = Evidence::parse(&e.to_text()).unwrap();
            assert_eq!(again, e);
            assert!(again.check().is_ok(), "{small}..{large}");
            // The same sizes on one history prove nothing.
            assert!(evidence(small, large, None).check().is_err(), "{small}..{large} honest");
            // A fork after the smaller size is no fork of it.
            assert!(evidence(small, large.max(small + 1), Some(small)).check().is_err());
        }
    }

    #[test]
    fn damaged_evidence_is_refused_without_panicking() {
        let text = evidence(13, 40, Some(3)).to_text();
        for n in 0..text.len() {
            let _ = Evidence::parse(&text[..n]).and_then(|e| e.check());
        }
        for i in (0..text.len()).step_by(7) {
            let mut t = text.clone();
            t[i] ^= 0x01;
            if let Ok(e) = Evidence::parse(&t) {
                let _ = e.check();
            }
        }
    }
}
