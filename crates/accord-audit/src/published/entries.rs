//! `GET /api/v1/entries/{n}` for a sample of indices: each field recomputed
//! from the entry's bytes (which must hash to the leaf the replay verified)
//! and the inclusion proof recomputed from the replayed tree, against the
//! checkpoint the answer names (which must be one of the log replayed).
//!
//! Entries never change, so these answers carry no `Accord-Log-Size`: the
//! checkpoint inside the answer says the tree the proof is for.

use super::{same_object, Reader};
use crate::{fail, Outcome};
use accord_core::Entry;
use accord_log::merkle::{inclusion_proof, verify_inclusion};
use accord_log::proof::TlogProof;
use accord_log::{Checkpoint, Hash};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::hash::{BuildHasher, Hasher};

/// How many indices besides the first and the last are drawn.
pub(crate) const SAMPLED: u64 = 64;

/// The indices compared out of a log of `size`: the first, the last and
/// [`SAMPLED`] more, drawn from the root and a seed of this process (so a
/// node cannot know in advance which entries it must serve truly).
pub(crate) fn sample(size: u64, root: &Hash, seed: u64) -> BTreeSet<u64> {
    let mut out = BTreeSet::new();
    if size == 0 {
        return out;
    }
    out.insert(0);
    out.insert(size - 1);
    for i in 0..SAMPLED {
        let mut bytes = root.0.to_vec();
        bytes.extend_from_slice(&seed.to_be_bytes());
        bytes.extend_from_slice(&i.to_be_bytes());
        let h = Hash::leaf(&bytes);
        let mut n = [0u8; 8];
        n.copy_from_slice(&h.0[..8]);
        out.insert(u64::from_be_bytes(n) % size);
    }
    out
}

/// A seed no node can predict: the standard library's per-process random
/// hash keys.
fn seed() -> u64 {
    std::collections::hash_map::RandomState::new().build_hasher().finish()
}

/// Compares the sampled entries; returns what was compared, in words.
pub(crate) fn compare_entries(r: &mut Reader) -> Result<String, Outcome> {
    let indices = sample(r.newest.cp.size, &r.newest.cp.root, seed());
    for &index in &indices {
        compare_entry(r, index)?;
    }
    Ok(format!("{} entries sampled with their inclusion proofs", indices.len()))
}

fn compare_entry(r: &mut Reader, index: u64) -> Result<(), Outcome> {
    let path = format!("/api/v1/entries/{index}");
    let got: Value =
        serde_json::from_slice(&r.http.get(&path)?).map_err(|e| crate::Failure(format!("{path} is not JSON: {e}")))?;
    let what = format!("entry {index}");

    // The proof's checkpoint: signed by the log, and of the log replayed.
    let Some(note) = got["checkpoint"]["note"].as_str() else {
        return fail(format!("{what}: the answer has no checkpoint note"));
    };
    let cp = match Checkpoint::open(note.as_bytes(), r.vkey) {
        Ok((cp, _)) => cp,
        Err(e) => return fail(format!("{what}: the proof's checkpoint does not verify against the log key: {e}")),
    };
    if cp.size <= index {
        return fail(format!("{what}: the proof's checkpoint has only {} entries", cp.size));
    }
    if cp.size > r.replay.tree.size() {
        r.reach(cp.size)?;
    }
    if r.replay.tree.root_at(cp.size) != cp.root {
        return fail(format!(
            "{what}: the proof's checkpoint (size {}) is not of the log replayed: its root differs (a fork)",
            cp.size
        ));
    }

    // The entry's bytes: those of the leaf verified.
    let Some(&leaf) = r.replay.tree.level(0).get(index as usize) else {
        return fail(format!("{what}: not in the log replayed"));
    };
    let Some(text) = got["entry"].as_str() else {
        return fail(format!("{what}: the answer has no entry text"));
    };
    if Hash::leaf(text.as_bytes()) != leaf {
        return fail(format!("{what}: the node publishes an entry text that is not the entry in the log"));
    }
    let entry = match Entry::parse(text.as_bytes()) {
        Ok(e) => e,
        Err(e) => return fail(format!("{what}: the entry in the log does not parse: {e}")),
    };

    let hashes = match inclusion_proof(&mut r.replay.tree, index, cp.size) {
        Ok(Ok(h)) => h,
        Ok(Err(e)) => return fail(format!("{what}: {e}")),
        Err(never) => match never {},
    };
    if let Err(e) = verify_inclusion(&leaf, index, cp.size, &hashes, &cp.root) {
        return fail(format!("{what}: the replayed tree gives no inclusion proof: {e}"));
    }
    let proof = TlogProof { extra: None, index, hashes, checkpoint: note.to_string() };
    let st = &entry.statement.statement;
    let sig = entry.statement.note.signatures.first();
    let want = json!({
        "index": index,
        "time": entry.time.to_millis_string(),
        "leaf_hash": leaf.to_base64(),
        "statement": {
            "member": st.member.as_str(),
            "seq": st.seq.0,
            "time": st.time.to_rfc3339(),
            "type": st.act.type_name(),
            "body": st.act.body(),
        },
        "signature": sig.map(|s| json!({"key_name": s.name, "key_id": s.key_id.to_string()})),
        "entry": text,
        "proof": proof.to_text(),
        "inclusion": proof.hashes.iter().map(|h| h.to_base64()).collect::<Vec<_>>(),
        "checkpoint": {"size": cp.size, "root": cp.root.to_base64(), "note": note},
    });
    same_object(&what, &got, &want)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_holds_the_ends_and_stays_in_range() {
        let root = Hash::leaf(b"root");
        for size in [1u64, 2, 3, 65, 1_000_000] {
            let s = sample(size, &root, 7);
            assert!(s.contains(&0) && s.contains(&(size - 1)), "size {size}");
            assert!(s.iter().all(|&i| i < size), "size {size}");
            assert!(s.len() as u64 <= SAMPLED + 2);
        }
        assert!(sample(0, &root, 7).is_empty());
        assert_eq!(sample(1_000_000, &root, 7).len() as u64, SAMPLED + 2, "64 distinct draws in a large log");
        assert_ne!(sample(1_000_000, &root, 7), sample(1_000_000, &root, 8), "the seed moves the sample");
    }
}
