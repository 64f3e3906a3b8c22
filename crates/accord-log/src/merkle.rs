//! RFC 9162 Merkle tree math: roots, inclusion and consistency proofs.
//!
//! Trees are addressed as in tlog-tiles: the node at `(level, index)` is the
//! root of the perfect subtree over leaves `[index << level, (index + 1) << level)`.
//! Storage is the caller's: proofs are built through a [`HashReader`] that
//! only has to answer for *tile levels* (multiples of 8), which is exactly
//! what a tlog-tiles log publishes.

use crate::hash::Hash;
use thiserror::Error;

/// Number of tree levels covered by one tile (tlog-tiles: tile height 8).
pub const TILE_HEIGHT: u32 = 8;
/// Hashes per full tile.
pub const TILE_WIDTH: u64 = 1 << TILE_HEIGHT;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ProofError {
    #[error("index {index} is not below tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("consistency proof asked from size {from} to smaller size {to}")]
    SizesOutOfOrder { from: u64, to: u64 },
    #[error("proof has the wrong number of hashes")]
    WrongLength,
    #[error("proof does not lead to the expected root")]
    RootMismatch,
}

/// Source of stored node hashes. Implementations need only answer for
/// levels that are multiples of [`TILE_HEIGHT`] (0, 8, 16, …) and only for
/// nodes that are complete within the tree being proved.
pub trait HashReader {
    type Error;
    /// Hashes of the nodes `(level, start..end)`, in order.
    fn read_hashes(&mut self, level: u32, start: u64, end: u64) -> Result<Vec<Hash>, Self::Error>;
}

/// Largest power of two strictly less than `n` (n ≥ 2).
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// Root of a run of sibling hashes whose count is a power of two.
fn fold_perfect(mut hs: Vec<Hash>) -> Hash {
    while hs.len() > 1 {
        hs = hs.chunks(2).map(|p| Hash::node(&p[0], &p[1])).collect();
    }
    hs.first().copied().unwrap_or_else(Hash::empty)
}

/// Hash of the perfect subtree `(level, index)`, read from the nearest tile
/// level at or below it.
pub fn subtree_hash<R: HashReader>(r: &mut R, level: u32, index: u64) -> Result<Hash, R::Error> {
    let base = level - level % TILE_HEIGHT;
    let width = 1u64 << (level - base);
    let hs = r.read_hashes(base, index * width, (index + 1) * width)?;
    Ok(fold_perfect(hs))
}

/// RFC 9162 MTH over leaves `[start, end)`.
pub fn range_hash<R: HashReader>(r: &mut R, start: u64, end: u64) -> Result<Hash, R::Error> {
    let n = end - start;
    if n == 0 {
        return Ok(Hash::empty());
    }
    if n.is_power_of_two() && start.is_multiple_of(n) {
        let level = n.trailing_zeros();
        return subtree_hash(r, level, start >> level);
    }
    let k = if n.is_power_of_two() { n / 2 } else { split_point(n) };
    let left = range_hash(r, start, start + k)?;
    let right = range_hash(r, start + k, end)?;
    Ok(Hash::node(&left, &right))
}

/// RFC 9162 inclusion proof (PATH) of leaf `index` in the tree of `size`.
pub fn inclusion_proof<R: HashReader>(
    r: &mut R,
    index: u64,
    size: u64,
) -> Result<Result<Vec<Hash>, ProofError>, R::Error> {
    if index >= size {
        return Ok(Err(ProofError::IndexOutOfRange { index, size }));
    }
    let mut out = Vec::new();
    path(r, index, 0, size, &mut out)?;
    Ok(Ok(out))
}

fn path<R: HashReader>(r: &mut R, m: u64, start: u64, end: u64, out: &mut Vec<Hash>) -> Result<(), R::Error> {
    let n = end - start;
    if n <= 1 {
        return Ok(());
    }
    let k = split_point(n);
    if m < k {
        path(r, m, start, start + k, out)?;
        out.push(range_hash(r, start + k, end)?);
    } else {
        path(r, m - k, start + k, end, out)?;
        out.push(range_hash(r, start, start + k)?);
    }
    Ok(())
}

/// RFC 9162 consistency proof from tree size `from` to tree size `to`.
pub fn consistency_proof<R: HashReader>(
    r: &mut R,
    from: u64,
    to: u64,
) -> Result<Result<Vec<Hash>, ProofError>, R::Error> {
    if from > to {
        return Ok(Err(ProofError::SizesOutOfOrder { from, to }));
    }
    let mut out = Vec::new();
    if from == 0 || from == to {
        return Ok(Ok(out));
    }
    subproof(r, from, 0, to, true, &mut out)?;
    Ok(Ok(out))
}

fn subproof<R: HashReader>(
    r: &mut R,
    m: u64,
    start: u64,
    end: u64,
    whole: bool,
    out: &mut Vec<Hash>,
) -> Result<(), R::Error> {
    let n = end - start;
    if m == n {
        if !whole {
            out.push(range_hash(r, start, end)?);
        }
        return Ok(());
    }
    let k = split_point(n);
    if m <= k {
        subproof(r, m, start, start + k, whole, out)?;
        out.push(range_hash(r, start + k, end)?);
    } else {
        subproof(r, m - k, start + k, end, false, out)?;
        out.push(range_hash(r, start, start + k)?);
    }
    Ok(())
}

/// Verifies an RFC 9162 inclusion proof (§2.1.3.2).
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if snode == 0 {
            return Err(ProofError::WrongLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = Hash::node(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = Hash::node(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::WrongLength);
    }
    if &r != root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Verifies an RFC 9162 consistency proof (§2.1.4.2).
pub fn verify_consistency(
    from: u64,
    to: u64,
    proof: &[Hash],
    from_root: &Hash,
    to_root: &Hash,
) -> Result<(), ProofError> {
    if from > to {
        return Err(ProofError::SizesOutOfOrder { from, to });
    }
    if from == to {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength);
        }
        return if from_root == to_root { Ok(()) } else { Err(ProofError::RootMismatch) };
    }
    if from == 0 {
        return if proof.is_empty() { Ok(()) } else { Err(ProofError::WrongLength) };
    }
    // The full form starts with the old root when the old tree is a
    // perfect subtree; the proof leaves it out, as the verifier knows it.
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if from.is_power_of_two() {
        path.push(*from_root);
    }
    path.extend_from_slice(proof);
    let (fr, sr) = consistency_roots(from, to, &path)?;
    if &fr != from_root || &sr != to_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Both roots an RFC 9162 consistency proof from `from` to `to` leads to,
/// in its *full* form: when `from` is a power of two, the proof's first
/// hash is the old tree's root itself (the standard form leaves it out,
/// as the verifier knows it). A proof computed from one tree whose second
/// root is that tree's signed root, and whose first root is not another
/// checkpoint's root at `from`, shows the two checkpoints cannot both be
/// true: fork evidence (`accord evidence`). `from == to` takes an empty
/// proof and has no roots to compute: the caller compares the two roots.
pub fn consistency_roots(from: u64, to: u64, full_proof: &[Hash]) -> Result<(Hash, Hash), ProofError> {
    if from == 0 || from >= to {
        return Err(ProofError::SizesOutOfOrder { from, to });
    }
    let (first, rest) = full_proof.split_first().ok_or(ProofError::WrongLength)?;
    let (mut fnode, mut snode) = (from - 1, to - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if snode == 0 {
            return Err(ProofError::WrongLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = Hash::node(c, &fr);
            sr = Hash::node(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = Hash::node(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::WrongLength);
    }
    Ok((fr, sr))
}

/// A consistency proof in the full form [`consistency_roots`] reads.
pub fn full_consistency_proof<R: HashReader>(
    r: &mut R,
    from: u64,
    to: u64,
) -> Result<Result<Vec<Hash>, ProofError>, R::Error> {
    if from == 0 || from >= to {
        return Ok(Err(ProofError::SizesOutOfOrder { from, to }));
    }
    let mut out = Vec::new();
    if from.is_power_of_two() {
        out.push(range_hash(r, 0, from)?);
    }
    match consistency_proof(r, from, to)? {
        Ok(p) => out.extend(p),
        Err(e) => return Ok(Err(e)),
    }
    Ok(Ok(out))
}

/// The right edge of a growing tree: one perfect subtree root per set bit
/// of the size. Appending is O(log n) and yields every node that became
/// complete, so a store can persist exactly the hashes tiles need.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    /// (level, hash), strictly decreasing levels from the left.
    stack: Vec<(u32, Hash)>,
}

/// A node that became complete on append: `(level, index, hash)`.
pub type CompletedNode = (u32, u64, Hash);

impl Frontier {
    pub fn new() -> Frontier {
        Frontier::default()
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a leaf hash; calls `completed` for the leaf and every node
    /// above it that this append completes.
    pub fn push(&mut self, leaf: Hash, mut completed: impl FnMut(CompletedNode)) {
        let index = self.size;
        completed((0, index, leaf));
        let mut level = 0u32;
        let mut h = leaf;
        while let Some(&(l, left)) = self.stack.last() {
            if l != level {
                break;
            }
            self.stack.pop();
            h = Hash::node(&left, &h);
            level += 1;
            completed((level, index >> level, h));
        }
        self.stack.push((level, h));
        self.size += 1;
    }

    /// RFC 9162 root of the tree so far.
    pub fn root(&self) -> Hash {
        let mut it = self.stack.iter().rev();
        let Some(&(_, mut acc)) = it.next() else {
            return Hash::empty();
        };
        for (_, h) in it {
            acc = Hash::node(h, &acc);
        }
        acc
    }

    /// Rebuilds the frontier of a tree of `size` from stored hashes.
    pub fn load<R: HashReader>(r: &mut R, size: u64) -> Result<Frontier, R::Error> {
        let mut stack = Vec::new();
        let mut start = 0u64;
        for level in (0..64u32).rev() {
            if size & (1u64 << level) != 0 {
                let h = subtree_hash(r, level, start >> level)?;
                stack.push((level, h));
                start += 1u64 << level;
            }
        }
        Ok(Frontier { size, stack })
    }
}

/// The RFC 9162 root of `leaves` and every leaf's inclusion path in it,
/// in O(n log n) hashes (one [`inclusion_proof`] per leaf would recompute
/// the subtrees for each).
pub fn all_inclusion_proofs(leaves: &[Hash]) -> (Hash, Vec<Vec<Hash>>) {
    fn walk(leaves: &[Hash], paths: &mut [Vec<Hash>]) -> Hash {
        match leaves.len() {
            0 => Hash::empty(),
            1 => leaves[0],
            n => {
                let k = split_point(n as u64) as usize;
                let (lp, rp) = paths.split_at_mut(k);
                let left = walk(&leaves[..k], lp);
                let right = walk(&leaves[k..], rp);
                for p in lp.iter_mut() {
                    p.push(right);
                }
                for p in rp.iter_mut() {
                    p.push(left);
                }
                Hash::node(&left, &right)
            }
        }
    }
    let mut paths = vec![Vec::new(); leaves.len()];
    let root = walk(leaves, &mut paths);
    (root, paths)
}

/// A whole tree held in memory: every level. For tests, auditors and
/// benchmarks; a node uses [`Frontier`] plus storage instead.
#[derive(Clone, Debug, Default)]
pub struct MemoryTree {
    levels: Vec<Vec<Hash>>,
}

impl MemoryTree {
    pub fn new() -> MemoryTree {
        MemoryTree { levels: vec![Vec::new()] }
    }

    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    pub fn push(&mut self, leaf: Hash) {
        let mut level = 0usize;
        let mut h = leaf;
        loop {
            if self.levels.len() <= level {
                self.levels.push(Vec::new());
            }
            let row = &mut self.levels[level];
            row.push(h);
            if row.len() % 2 == 1 {
                break;
            }
            h = Hash::node(&row[row.len() - 2], &row[row.len() - 1]);
            level += 1;
        }
    }

    /// Complete nodes at `level`, in order.
    pub fn level(&self, level: u32) -> &[Hash] {
        self.levels.get(level as usize).map_or(&[], |v| v.as_slice())
    }

    /// Root of the prefix of `size` leaves.
    pub fn root_at(&mut self, size: u64) -> Hash {
        match range_hash(self, 0, size) {
            Ok(h) => h,
            Err(never) => match never {},
        }
    }
}

impl HashReader for MemoryTree {
    type Error = std::convert::Infallible;
    fn read_hashes(&mut self, level: u32, start: u64, end: u64) -> Result<Vec<Hash>, Self::Error> {
        let row = self.level(level);
        Ok(row[start as usize..end as usize].to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_inclusion_proofs_are_the_proofs_one_by_one() {
        for n in 0..70u64 {
            let l = leaves(n);
            let (root, paths) = all_inclusion_proofs(&l);
            assert_eq!(root, mth(&l), "{n}");
            let mut t = MemoryTree::new();
            for h in &l {
                t.push(*h);
            }
            for (i, p) in paths.iter().enumerate() {
                let one = match inclusion_proof(&mut t, i as u64, n) {
                    Ok(r) => r.unwrap(),
                    Err(never) => match never {},
                };
                assert_eq!(*p, one, "{n} {i}");
                verify_inclusion(&l[i], i as u64, n, p, &root).unwrap();
            }
        }
    }

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| Hash::leaf(&i.to_be_bytes())).collect()
    }

    /// Straight RFC 9162 MTH, recursive over the leaf list.
    fn mth(l: &[Hash]) -> Hash {
        match l.len() {
            0 => Hash::empty(),
            1 => l[0],
            n => {
                let k = split_point(n as u64) as usize;
                Hash::node(&mth(&l[..k]), &mth(&l[k..]))
            }
        }
    }

    #[test]
    fn full_consistency_proofs_lead_to_both_roots_and_expose_forks() {
        let honest = leaves(70);
        let mut forked = honest.clone();
        forked[5] = Hash::leaf(b"another history");
        let (mut a, mut b) = (MemoryTree::new(), MemoryTree::new());
        for (x, y) in honest.iter().zip(&forked) {
            a.push(*x);
            b.push(*y);
        }
        for from in 1..70u64 {
            for to in [from + 1, 70] {
                if to > 70 || from >= to {
                    continue;
                }
                let p = full_consistency_proof(&mut b, from, to).unwrap().unwrap();
                let (fr, sr) = consistency_roots(from, to, &p).unwrap();
                assert_eq!((fr, sr), (b.root_at(from), b.root_at(to)), "{from}..{to}");
                // The standard form verifies against the same tree only.
                let std = consistency_proof(&mut b, from, to).unwrap().unwrap();
                assert!(verify_consistency(from, to, &std, &b.root_at(from), &b.root_at(to)).is_ok());
                assert_eq!(fr == a.root_at(from), from <= 5, "{from}..{to}");
            }
        }
        assert!(consistency_roots(0, 5, &[]).is_err());
        assert!(consistency_roots(5, 5, &[]).is_err());
    }

    #[test]
    fn frontier_root_matches_reference() {
        let ls = leaves(600);
        let mut f = Frontier::new();
        let mut t = MemoryTree::new();
        for (i, l) in ls.iter().enumerate() {
            f.push(*l, |_| {});
            t.push(*l);
            assert_eq!(f.root(), mth(&ls[..=i]), "size {}", i + 1);
            assert_eq!(t.root_at(i as u64 + 1), f.root());
        }
        let loaded = Frontier::load(&mut t, 600).unwrap();
        assert_eq!(loaded, f);
    }

    #[test]
    fn completed_nodes_are_the_tile_hashes() {
        let ls = leaves(1000);
        let mut f = Frontier::new();
        let mut t = MemoryTree::new();
        let mut level8 = Vec::new();
        for l in &ls {
            t.push(*l);
            f.push(*l, |(lv, i, h)| {
                if lv == 8 {
                    level8.push((i, h));
                }
            });
        }
        assert_eq!(level8.len(), 3);
        for (i, h) in level8 {
            assert_eq!(h, t.level(8)[i as usize]);
            assert_eq!(h, mth(&ls[(i as usize) * 256..(i as usize + 1) * 256]));
        }
    }

    #[test]
    fn proofs_round_trip_for_all_small_trees() {
        let ls = leaves(70);
        let mut t = MemoryTree::new();
        for l in &ls {
            t.push(*l);
        }
        for size in 1..=70u64 {
            let root = mth(&ls[..size as usize]);
            for i in 0..size {
                let p = inclusion_proof(&mut t, i, size).unwrap().unwrap();
                verify_inclusion(&ls[i as usize], i, size, &p, &root).unwrap();
                let wrong = Hash::leaf(b"x");
                assert!(verify_inclusion(&wrong, i, size, &p, &root).is_err());
            }
            for from in 0..=size {
                let p = consistency_proof(&mut t, from, size).unwrap().unwrap();
                let from_root = mth(&ls[..from as usize]);
                verify_consistency(from, size, &p, &from_root, &root).unwrap();
                if from > 0 && from < size {
                    assert!(verify_consistency(from, size, &p, &root, &root).is_err());
                }
            }
        }
    }
}
