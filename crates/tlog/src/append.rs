//! Batch appends: the right edge of the tree ([`Frontier`]), the [`append()`] a store calls
//! once per batch, and [`MemoryLog`], a whole log in memory.

use crate::Error;
use crate::merkle::{EMPTY_ROOT, Hash, leaf_hash, node_hash};
use crate::proof::{ConsistencyProof, InclusionProof};
use crate::stored::{
    HashReader, MAX_TREE_SIZE, prove_record, prove_tree, read_exact, stored_hash_count, tree_hash,
    tree_hash_indexes,
};

/// The right edge of a tree: the hashes of its maximal complete subtrees, largest (left-most)
/// first, one per set bit of the size. That is all an append needs from existing storage,
/// and all a root needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    len: usize,
    // Fixed capacity: a size below 2^64 has at most 64 set bits, and appends then never
    // allocate.
    hashes: [Hash; 64],
}

impl Default for Frontier {
    fn default() -> Self {
        Self::new()
    }
}

impl Frontier {
    /// The frontier of the empty tree.
    pub fn new() -> Self {
        Self {
            size: 0,
            len: 0,
            hashes: [[0; 32]; 64],
        }
    }

    /// Stored-hash indexes to read for the frontier of a tree of `size` leaves, in order.
    pub fn indexes(size: u64) -> Result<Vec<u64>, Error> {
        tree_hash_indexes(size)
    }

    /// The frontier of a tree of `size` leaves from the hashes stored at
    /// [`Frontier::indexes`]`(size)`, in that order.
    pub fn from_hashes(size: u64, hashes: &[Hash]) -> Result<Self, Error> {
        if size > MAX_TREE_SIZE {
            return Err(Error::Invalid(format!(
                "tree size {size} exceeds {MAX_TREE_SIZE}"
            )));
        }
        let want = size.count_ones() as usize;
        if hashes.len() != want {
            return Err(Error::ReadCount {
                want,
                got: hashes.len(),
            });
        }
        let mut f = Self::new();
        f.size = size;
        f.len = want;
        f.hashes[..want].copy_from_slice(hashes);
        Ok(f)
    }

    /// Reads the frontier of a tree of `size` leaves: at most 64 hashes, one read call.
    pub fn read<R: HashReader + ?Sized>(size: u64, r: &R) -> Result<Self, Error> {
        let hashes = read_exact(r, &Self::indexes(size)?)?;
        Self::from_hashes(size, &hashes)
    }

    /// Number of leaves of the tree.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The complete-subtree hashes, left-most (largest) first.
    pub fn hashes(&self) -> &[Hash] {
        &self.hashes[..self.len]
    }

    /// Root of the tree (RFC 9162 Merkle Tree Hash).
    pub fn root(&self) -> Hash {
        let Some((last, rest)) = self.hashes().split_last() else {
            return EMPTY_ROOT;
        };
        rest.iter().rev().fold(*last, |h, left| node_hash(left, &h))
    }

    /// Appends one leaf hash, pushing the hashes to store for it onto `out` in stored-hash
    /// order: the leaf hash, then each subtree it completes, bottom-up.
    pub fn push(&mut self, leaf: Hash, out: &mut Vec<Hash>) -> Result<(), Error> {
        if self.size >= MAX_TREE_SIZE {
            return Err(Error::Invalid(format!(
                "tree is full at {MAX_TREE_SIZE} leaves"
            )));
        }
        out.push(leaf);
        let mut h = leaf;
        let mut m = self.size;
        while m & 1 == 1 {
            self.len -= 1;
            h = node_hash(&self.hashes[self.len], &h);
            out.push(h);
            m >>= 1;
        }
        self.hashes[self.len] = h;
        self.len += 1;
        self.size += 1;
        Ok(())
    }

    /// Appends many leaf hashes; see [`Frontier::push`].
    pub fn extend(&mut self, leaves: &[Hash], out: &mut Vec<Hash>) -> Result<(), Error> {
        out.reserve(max_new_hashes(leaves.len()));
        for leaf in leaves {
            self.push(*leaf, out)?;
        }
        Ok(())
    }
}

/// Upper bound on the stored hashes `k` appended leaves produce (each completes on average
/// just under one subtree, plus at most 64 subtrees the old edge contributes).
fn max_new_hashes(k: usize) -> usize {
    2 * k + 64
}

/// What a store writes for one batch of appended leaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    /// Tree size before the batch.
    pub old_size: u64,
    /// Tree size after the batch.
    pub new_size: u64,
    /// Stored-hash index of `hashes[0]`; `hashes[i]` goes to row `first_index + i`.
    pub first_index: u64,
    /// The new stored hashes, in index order.
    pub hashes: Vec<Hash>,
    /// Root of the tree of `new_size` leaves.
    pub root: Hash,
}

/// Appends `leaves` (leaf hashes) to a stored tree of `size` leaves: reads its frontier (at most
/// 64 stored hashes, one call) and returns every stored hash to write plus the new root.
///
/// A sequencer that keeps the [`Frontier`] between batches can call [`append_to`] and read
/// nothing at all.
pub fn append<R: HashReader + ?Sized>(
    size: u64,
    leaves: &[Hash],
    r: &R,
) -> Result<Appended, Error> {
    let mut frontier = Frontier::read(size, r)?;
    append_to(&mut frontier, leaves)
}

/// Appends `leaves` to `frontier`, advancing it; see [`append()`].
pub fn append_to(frontier: &mut Frontier, leaves: &[Hash]) -> Result<Appended, Error> {
    let old_size = frontier.size();
    let mut hashes = Vec::new();
    frontier.extend(leaves, &mut hashes)?;
    Ok(Appended {
        old_size,
        new_size: frontier.size(),
        first_index: stored_hash_count(old_size),
        hashes,
        root: frontier.root(),
    })
}

/// A whole log in memory: the stored hashes in a `Vec`, plus the frontier. For tests, and for
/// rebuilding a tree from its leaves (as `nooluur verify` does).
#[derive(Clone, Debug, Default)]
pub struct MemoryLog {
    hashes: Vec<Hash>,
    frontier: Frontier,
}

impl MemoryLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// A log holding `leaves` (leaf hashes).
    pub fn from_leaf_hashes(leaves: &[Hash]) -> Result<Self, Error> {
        let mut log = Self::new();
        log.append_leaf_hashes(leaves)?;
        Ok(log)
    }

    /// Appends one entry and returns its leaf index.
    pub fn append_entry(&mut self, data: &[u8]) -> Result<u64, Error> {
        let index = self.size();
        self.frontier.push(leaf_hash(data), &mut self.hashes)?;
        Ok(index)
    }

    /// Appends leaf hashes; returns the new root.
    pub fn append_leaf_hashes(&mut self, leaves: &[Hash]) -> Result<Hash, Error> {
        self.frontier.extend(leaves, &mut self.hashes)?;
        Ok(self.frontier.root())
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    /// Current root.
    pub fn root(&self) -> Hash {
        self.frontier.root()
    }

    /// Root of the tree of the first `size` leaves.
    pub fn root_at(&self, size: u64) -> Result<Hash, Error> {
        self.check_size(size)?;
        tree_hash(size, &self.hashes)
    }

    /// The frontier of the current tree.
    pub fn frontier(&self) -> &Frontier {
        &self.frontier
    }

    /// All stored hashes in index order (what a store's hash table would hold).
    pub fn stored_hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// Leaf hash of leaf `index`.
    pub fn leaf_hash(&self, index: u64) -> Result<Hash, Error> {
        if index >= self.size() {
            return Err(Error::Invalid(format!(
                "leaf {index} is beyond size {}",
                self.size()
            )));
        }
        let i = crate::stored::stored_hash_index(0, index);
        self.hashes.read_hashes(&[i]).map(|h| h[0])
    }

    /// Inclusion proof of leaf `index` in the tree of `size` leaves.
    pub fn prove_inclusion(&self, index: u64, size: u64) -> Result<InclusionProof, Error> {
        self.check_size(size)?;
        Ok(InclusionProof {
            leaf_index: index,
            tree_size: size,
            proof: prove_record(size, index, &self.hashes)?,
        })
    }

    /// Consistency proof from the tree of `old_size` leaves to the tree of `new_size` leaves.
    pub fn prove_consistency(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> Result<ConsistencyProof, Error> {
        self.check_size(new_size)?;
        Ok(ConsistencyProof {
            old_size,
            new_size,
            proof: prove_tree(new_size, old_size, &self.hashes)?,
        })
    }

    fn check_size(&self, size: u64) -> Result<(), Error> {
        if size > self.size() {
            return Err(Error::Invalid(format!(
                "tree size {size} is beyond the log's {}",
                self.size()
            )));
        }
        Ok(())
    }
}

impl HashReader for MemoryLog {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, Error> {
        self.hashes.read_hashes(indexes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::root_from_leaf_hashes;
    use crate::stored::stored_hashes_for_leaf_hash;

    fn leaves(n: u32) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_le_bytes())).collect()
    }

    #[test]
    fn batches_equal_one_by_one() {
        let all = leaves(1000);
        let mut one: Vec<Hash> = Vec::new();
        for (n, l) in all.iter().enumerate() {
            let new = stored_hashes_for_leaf_hash(n as u64, *l, &one).unwrap();
            one.extend(new);
        }
        let mut batched: Vec<Hash> = Vec::new();
        let mut size = 0u64;
        for chunk in [1usize, 2, 3, 250, 1, 255, 488] {
            let a = append(size, &all[size as usize..size as usize + chunk], &batched).unwrap();
            assert_eq!(a.first_index, batched.len() as u64);
            batched.extend(&a.hashes);
            size = a.new_size;
            assert_eq!(a.root, root_from_leaf_hashes(&all[..size as usize]));
        }
        assert_eq!(size, 1000);
        assert_eq!(batched, one);
    }

    #[test]
    fn append_reads_only_the_frontier() {
        struct Counting<'a>(&'a [Hash], std::cell::Cell<usize>);
        impl HashReader for Counting<'_> {
            fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, Error> {
                self.1.set(self.1.get() + indexes.len());
                self.0.read_hashes(indexes)
            }
        }
        let log = MemoryLog::from_leaf_hashes(&leaves(1023)).unwrap();
        let r = Counting(log.stored_hashes(), std::cell::Cell::new(0));
        append(1023, &leaves(5000), &r).unwrap();
        assert_eq!(r.1.get(), 10);
    }

    #[test]
    fn memory_log_basics() {
        let mut log = MemoryLog::new();
        assert_eq!(log.root(), EMPTY_ROOT);
        assert_eq!(log.append_entry(b"a").unwrap(), 0);
        assert_eq!(log.append_entry(b"b").unwrap(), 1);
        assert_eq!(log.leaf_hash(1).unwrap(), leaf_hash(b"b"));
        assert!(log.leaf_hash(2).is_err());
        assert_eq!(log.root_at(1).unwrap(), leaf_hash(b"a"));
        let p = log.prove_inclusion(0, 2).unwrap();
        assert_eq!(p.proof, vec![leaf_hash(b"b")]);
        assert!(log.prove_consistency(1, 3).is_err());
        assert!(Frontier::from_hashes(3, &[[0; 32]]).is_err());
    }
}
