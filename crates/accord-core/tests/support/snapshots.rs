//! Shared by the decisions and Code tests: every body a test builds is
//! checked, when the test ends, to be snapshot-safe at every index.

use accord_core::snapshot::{decode, encode, SnapshotError};
use accord_core::{Effect, Entry, SigCheck, State};
use accord_log::Hash;

/// For every prefix of `log`: the folded state survives a snapshot whole
/// (decoded equal to encoded), and the state decoded from it folds the
/// rest of the log exactly as the full fold did, effect for effect. The
/// live state (which may hold effects a refusal left waiting) is either
/// refused as not quiet or survives whole too.
pub fn assert_snapshot_safe(log: &[Entry], effects: &[Vec<Effect>], live: &State) {
    let mut at = State::new();
    for k in 0..=log.len() {
        let root = Hash([k as u8; 32]);
        let bytes = encode(&at, &root).unwrap_or_else(|e| panic!("snapshot at {k}: {e}"));
        let (header, mut from) = decode(&bytes).unwrap_or_else(|e| panic!("snapshot at {k} does not decode: {e}"));
        assert_eq!((header.size, header.root), (k as u64, root));
        assert_eq!(from, at, "the state decoded at {k} is not the state encoded");
        for (i, e) in log.iter().enumerate().skip(k) {
            let a =
                from.apply(e, SigCheck::Deferred).unwrap_or_else(|r| panic!("entry {i} after a snapshot at {k}: {r}"));
            assert_eq!(&a.effects, &effects[i], "effects of entry {i} after a snapshot at {k}");
        }
        if let Some(e) = log.get(k) {
            at.apply(e, SigCheck::Deferred).unwrap();
        }
    }
    match encode(live, &Hash([0; 32])) {
        Ok(bytes) => assert_eq!(&decode(&bytes).unwrap().1, live, "the live state does not survive a snapshot"),
        Err(SnapshotError::NotQuiet) => assert!(live.has_pending_effects()),
        Err(e) => panic!("the live state: {e}"),
    }
}
