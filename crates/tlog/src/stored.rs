//! The "stored hashes" model of Go's `golang.org/x/mod/sumdb/tlog`.
//!
//! Every complete subtree of the log has one hash, identified by its level (0 for leaves)
//! and its position `n` within that level. Those hashes are laid out in one dense sequence
//! in the order they become known while leaves are appended: leaf `n`'s hash, then the hashes
//! of the subtrees leaf `n` completes, bottom-up. [`stored_hash_index`] maps `(level, n)` to
//! that sequence, so a store keeps an append-only table `(index INTEGER, hash BLOB)` and never
//! rewrites a row. A tree of `n` leaves has [`stored_hash_count`]`(n)` rows (just under `2n`).
//!
//! Every computation here names the rows it needs first (the `*_indexes` functions) and then
//! reads them in one call through a [`HashReader`]; an asynchronous store can fetch the
//! indexes itself and hand the rows over in a [`FetchedHashes`].

use crate::Error;
use crate::merkle::{
    Hash, VerifyError, leaf_hash, node_hash, verify_consistency, verify_inclusion,
};

/// Reads stored hashes by their [`stored_hash_index`].
///
/// Implementations return exactly one hash per requested index, in the requested order, or an
/// error. Requests are usually sorted in increasing order, which storage may exploit.
pub trait HashReader {
    /// Returns the hashes stored at `indexes`.
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, Error>;
}

impl<R: HashReader + ?Sized> HashReader for &R {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, Error> {
        (**self).read_hashes(indexes)
    }
}

/// A slice of stored hashes in index order is the simplest hash storage: row `i` is hash `i`.
impl HashReader for [Hash] {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, Error> {
        indexes
            .iter()
            .map(|&i| {
                usize::try_from(i)
                    .ok()
                    .and_then(|i| self.get(i))
                    .copied()
                    .ok_or(Error::MissingHash(i))
            })
            .collect()
    }
}

impl HashReader for Vec<Hash> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, Error> {
        self.as_slice().read_hashes(indexes)
    }
}

/// Hashes a caller fetched itself for a planned set of indexes (from [`tree_hash_indexes`],
/// [`record_proof_indexes`], [`tree_proof_indexes`] or [`Frontier::indexes`](crate::Frontier::indexes)), served to the
/// computation that planned them. This is how an async store uses the synchronous API.
#[derive(Debug, Clone, Default)]
pub struct FetchedHashes {
    rows: Vec<(u64, Hash)>,
}

impl FetchedHashes {
    /// Pairs `indexes` with the `hashes` read for them (same length, same order).
    pub fn new(indexes: &[u64], hashes: &[Hash]) -> Result<Self, Error> {
        if indexes.len() != hashes.len() {
            return Err(Error::ReadCount {
                want: indexes.len(),
                got: hashes.len(),
            });
        }
        let mut rows: Vec<(u64, Hash)> = indexes
            .iter()
            .copied()
            .zip(hashes.iter().copied())
            .collect();
        rows.sort_unstable_by_key(|r| r.0);
        rows.dedup_by_key(|r| r.0);
        Ok(Self { rows })
    }

    /// Builds the reader from `(index, hash)` rows in any order.
    pub fn from_rows(rows: impl IntoIterator<Item = (u64, Hash)>) -> Self {
        let mut rows: Vec<(u64, Hash)> = rows.into_iter().collect();
        rows.sort_unstable_by_key(|r| r.0);
        rows.dedup_by_key(|r| r.0);
        Self { rows }
    }
}

impl HashReader for FetchedHashes {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, Error> {
        indexes
            .iter()
            .map(|&i| {
                self.rows
                    .binary_search_by_key(&i, |r| r.0)
                    .map(|p| self.rows[p].1)
                    .map_err(|_| Error::MissingHash(i))
            })
            .collect()
    }
}

/// Reads `indexes` and checks the reader kept its contract.
pub(crate) fn read_exact<R: HashReader + ?Sized>(
    r: &R,
    indexes: &[u64],
) -> Result<Vec<Hash>, Error> {
    if indexes.is_empty() {
        return Ok(Vec::new());
    }
    let hashes = r.read_hashes(indexes)?;
    if hashes.len() != indexes.len() {
        return Err(Error::ReadCount {
            want: indexes.len(),
            got: hashes.len(),
        });
    }
    Ok(hashes)
}

/// Maps the subtree hash at `(level, n)` — the hash of leaves `n·2^level .. (n+1)·2^level` —
/// to its position in the stored-hash sequence.
///
/// Defined for subtrees of trees up to [`MAX_TREE_SIZE`] leaves (`(n+1)·2^level ≤ 2^62`);
/// outside that domain the result wraps and means nothing. The functions taking sizes from
/// outside check them before they get here.
pub fn stored_hash_index(level: u32, n: u64) -> u64 {
    // Level L's n-th hash is stored right after level L-1's (2n+1)-th hash; walk down to
    // level 0, whose n-th hash sits at n + n/2 + n/4 + …, then add the levels back.
    let mut n = n;
    for _ in 0..level {
        n = n.wrapping_mul(2).wrapping_add(1);
    }
    let mut i = 0u64;
    while n > 0 {
        i = i.wrapping_add(n);
        n >>= 1;
    }
    i.wrapping_add(u64::from(level))
}

/// Inverse of [`stored_hash_index`]: the `(level, n)` stored at `index`.
pub fn split_stored_hash_index(index: u64) -> (u32, u64) {
    // stored_hash_index(0, n) < 2n, so the leaf that committed `index` is in
    // [index/2, index/2 + log2(index)].
    let mut n = index / 2;
    let mut index_n = stored_hash_index(0, n);
    loop {
        // Leaf n is followed by one hash per subtree it completes.
        let next = index_n
            .saturating_add(1)
            .saturating_add(u64::from(n.wrapping_add(1).trailing_zeros()));
        if next > index || next == u64::MAX {
            break;
        }
        n += 1;
        index_n = next;
    }
    let level = (index - index_n) as u32;
    (level, n.checked_shr(level).unwrap_or(0))
}

/// Number of stored hashes of a tree with `n` leaves; also the index the next leaf's hash
/// goes to.
pub fn stored_hash_count(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let last = n - 1;
    stored_hash_index(0, last) + 1 + u64::from(last.trailing_ones())
}

/// The hashes to store when leaf `n` with entry `data` is appended, starting at
/// [`stored_hash_index`]`(0, n)`. Reads at most log₂ n earlier hashes.
pub fn stored_hashes<R: HashReader + ?Sized>(
    n: u64,
    data: &[u8],
    r: &R,
) -> Result<Vec<Hash>, Error> {
    stored_hashes_for_leaf_hash(n, leaf_hash(data), r)
}

/// Like [`stored_hashes`], given the leaf hash instead of the entry.
pub fn stored_hashes_for_leaf_hash<R: HashReader + ?Sized>(
    n: u64,
    leaf: Hash,
    r: &R,
) -> Result<Vec<Hash>, Error> {
    if n >= MAX_TREE_SIZE {
        return Err(Error::Invalid(format!(
            "tree is full at {MAX_TREE_SIZE} leaves"
        )));
    }
    // Each trailing 1 bit of n completes a subtree whose left half is already stored.
    let m = n.trailing_ones();
    let indexes: Vec<u64> = (0..m)
        .rev()
        .map(|i| stored_hash_index(i, (n >> i) - 1))
        .collect();
    let old = read_exact(r, &indexes)?;
    let mut hashes = Vec::with_capacity(1 + m as usize);
    let mut h = leaf;
    hashes.push(h);
    for i in 0..m as usize {
        h = node_hash(&old[m as usize - 1 - i], &h);
        hashes.push(h);
    }
    Ok(hashes)
}

/// Largest power of two below `n` (n ≥ 2), and its log₂.
fn maxpow2(n: u64) -> (u64, u32) {
    let l = 63 - (n - 1).leading_zeros();
    (1 << l, l)
}

/// Appends the indexes of the maximal complete subtrees covering leaves `[lo, hi)`.
fn sub_tree_index(mut lo: u64, hi: u64, need: &mut Vec<u64>) {
    while lo < hi {
        let (k, level) = maxpow2(hi - lo + 1);
        need.push(stored_hash_index(level, lo >> level));
        lo += k;
    }
}

/// Consumes the hashes [`sub_tree_index`] named for `[lo, hi)` and combines them.
fn sub_tree_hash(mut lo: u64, hi: u64, hashes: &mut &[Hash]) -> Result<Hash, Error> {
    let mut count = 0;
    while lo < hi {
        let (k, _) = maxpow2(hi - lo + 1);
        count += 1;
        lo += k;
    }
    if hashes.len() < count {
        return Err(Error::ReadCount {
            want: count,
            got: hashes.len(),
        });
    }
    let (mine, rest) = hashes.split_at(count);
    *hashes = rest;
    let mut h = mine[count - 1];
    for left in mine[..count - 1].iter().rev() {
        h = node_hash(left, &h);
    }
    Ok(h)
}

/// Stored-hash indexes [`tree_hash`] reads for a tree of `n` leaves (one per set bit of `n`).
pub fn tree_hash_indexes(n: u64) -> Result<Vec<u64>, Error> {
    check_tree_size(n)?;
    let mut need = Vec::with_capacity(n.count_ones() as usize);
    sub_tree_index(0, n, &mut need);
    Ok(need)
}

/// Root of the tree with `n` leaves, from at most 1 + log₂ n stored hashes.
pub fn tree_hash<R: HashReader + ?Sized>(n: u64, r: &R) -> Result<Hash, Error> {
    if n == 0 {
        return Ok(crate::merkle::EMPTY_ROOT);
    }
    let indexes = tree_hash_indexes(n)?;
    let hashes = read_exact(r, &indexes)?;
    sub_tree_hash(0, n, &mut hashes.as_slice())
}

fn check_tree_size(t: u64) -> Result<(), Error> {
    if t > MAX_TREE_SIZE {
        return Err(Error::Invalid(format!(
            "tree size {t} exceeds {MAX_TREE_SIZE}"
        )));
    }
    Ok(())
}

/// Largest tree size this crate handles (2^62 leaves).
pub const MAX_TREE_SIZE: u64 = 1 << 62;

/// Stored-hash indexes [`prove_record`] reads to prove leaf `n` in a tree of `t` leaves.
pub fn record_proof_indexes(t: u64, n: u64) -> Result<Vec<u64>, Error> {
    check_tree_size(t)?;
    if n >= t {
        return Err(Error::Invalid(format!(
            "leaf {n} is not in a tree of {t} leaves"
        )));
    }
    let mut need = Vec::new();
    leaf_proof_index(0, t, n, &mut need);
    Ok(need)
}

fn leaf_proof_index(lo: u64, hi: u64, n: u64, need: &mut Vec<u64>) {
    if lo + 1 == hi {
        return;
    }
    let (k, _) = maxpow2(hi - lo);
    if n < lo + k {
        leaf_proof_index(lo, lo + k, n, need);
        sub_tree_index(lo + k, hi, need);
    } else {
        sub_tree_index(lo, lo + k, need);
        leaf_proof_index(lo + k, hi, n, need);
    }
}

fn leaf_proof(
    lo: u64,
    hi: u64,
    n: u64,
    hashes: &mut &[Hash],
    out: &mut Vec<Hash>,
) -> Result<(), Error> {
    if lo + 1 == hi {
        // The verifier knows the leaf hash itself.
        return Ok(());
    }
    let (k, _) = maxpow2(hi - lo);
    if n < lo + k {
        leaf_proof(lo, lo + k, n, hashes, out)?;
        out.push(sub_tree_hash(lo + k, hi, hashes)?);
    } else {
        let th = sub_tree_hash(lo, lo + k, hashes)?;
        leaf_proof(lo + k, hi, n, hashes, out)?;
        out.push(th);
    }
    Ok(())
}

/// RFC 9162 inclusion proof of leaf `n` in the tree of `t` leaves, leaf's sibling first.
pub fn prove_record<R: HashReader + ?Sized>(t: u64, n: u64, r: &R) -> Result<Vec<Hash>, Error> {
    let indexes = record_proof_indexes(t, n)?;
    let hashes = read_exact(r, &indexes)?;
    let mut cursor = hashes.as_slice();
    let mut proof = Vec::with_capacity(indexes.len());
    leaf_proof(0, t, n, &mut cursor, &mut proof)?;
    Ok(proof)
}

/// Go's `CheckRecord`: verifies that `proof` proves leaf `n` with hash `h` in the tree of `t`
/// leaves with root `th`.
pub fn check_record(
    proof: &[Hash],
    t: u64,
    th: &Hash,
    n: u64,
    h: &Hash,
) -> Result<(), VerifyError> {
    verify_inclusion(h, n, t, proof, th)
}

/// Stored-hash indexes [`prove_tree`] reads to prove the tree of `n` leaves is a prefix of
/// the tree of `t` leaves.
pub fn tree_proof_indexes(t: u64, n: u64) -> Result<Vec<u64>, Error> {
    check_tree_size(t)?;
    if n < 1 || n > t {
        return Err(Error::Invalid(format!(
            "cannot prove tree size {n} against tree size {t}"
        )));
    }
    let mut need = Vec::new();
    tree_proof_index(0, t, n, &mut need);
    Ok(need)
}

fn tree_proof_index(lo: u64, hi: u64, n: u64, need: &mut Vec<u64>) {
    if n == hi {
        if lo != 0 {
            sub_tree_index(lo, hi, need);
        }
        return;
    }
    let (k, _) = maxpow2(hi - lo);
    if n <= lo + k {
        tree_proof_index(lo, lo + k, n, need);
        sub_tree_index(lo + k, hi, need);
    } else {
        sub_tree_index(lo, lo + k, need);
        tree_proof_index(lo + k, hi, n, need);
    }
}

fn tree_proof(
    lo: u64,
    hi: u64,
    n: u64,
    hashes: &mut &[Hash],
    out: &mut Vec<Hash>,
) -> Result<(), Error> {
    if n == hi {
        if lo != 0 {
            // A subtree wholly inside the old tree that the verifier cannot derive.
            out.push(sub_tree_hash(lo, hi, hashes)?);
        }
        return Ok(());
    }
    let (k, _) = maxpow2(hi - lo);
    if n <= lo + k {
        tree_proof(lo, lo + k, n, hashes, out)?;
        out.push(sub_tree_hash(lo + k, hi, hashes)?);
    } else {
        let th = sub_tree_hash(lo, lo + k, hashes)?;
        tree_proof(lo + k, hi, n, hashes, out)?;
        out.push(th);
    }
    Ok(())
}

/// RFC 9162 consistency proof that the tree of `n` leaves is a prefix of the tree of `t`
/// leaves (empty when `n == t`).
pub fn prove_tree<R: HashReader + ?Sized>(t: u64, n: u64, r: &R) -> Result<Vec<Hash>, Error> {
    let indexes = tree_proof_indexes(t, n)?;
    let hashes = read_exact(r, &indexes)?;
    let mut cursor = hashes.as_slice();
    let mut proof = Vec::with_capacity(indexes.len());
    tree_proof(0, t, n, &mut cursor, &mut proof)?;
    Ok(proof)
}

/// Go's `CheckTree`: verifies that `proof` proves the tree of `n` leaves with root `h` is a
/// prefix of the tree of `t` leaves with root `th`.
pub fn check_tree(proof: &[Hash], t: u64, th: &Hash, n: u64, h: &Hash) -> Result<(), VerifyError> {
    verify_consistency(n, t, proof, h, th)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::root_from_leaf_hashes;

    #[test]
    fn index_layout_matches_go() {
        // The first rows of Go's layout: leaf 0, leaf 1, node(0..2), leaf 2, leaf 3, node(2..4),
        // node(0..4), leaf 4.
        let expect = [
            (0, 0),
            (0, 1),
            (1, 0),
            (0, 2),
            (0, 3),
            (1, 1),
            (2, 0),
            (0, 4),
        ];
        for (i, &(level, n)) in expect.iter().enumerate() {
            assert_eq!(stored_hash_index(level, n), i as u64);
            assert_eq!(split_stored_hash_index(i as u64), (level, n));
        }
        for i in 0..100_000u64 {
            let (l, n) = split_stored_hash_index(i);
            assert_eq!(stored_hash_index(l, n), i);
        }
        for n in 0..5000u64 {
            assert_eq!(stored_hash_count(n), stored_hash_index(0, n));
        }
    }

    #[test]
    fn one_by_one_storage_gives_every_root_and_proof() {
        let mut stored: Vec<Hash> = Vec::new();
        let mut leaves = Vec::new();
        for n in 0..70u64 {
            let data = n.to_be_bytes();
            leaves.push(leaf_hash(&data));
            let new = stored_hashes(n, &data, &stored).unwrap();
            assert_eq!(stored.len() as u64, stored_hash_index(0, n));
            stored.extend(new);
            assert_eq!(stored.len() as u64, stored_hash_count(n + 1));
            let size = n + 1;
            let root = tree_hash(size, &stored).unwrap();
            assert_eq!(root, root_from_leaf_hashes(&leaves));
            for i in 0..size {
                let p = prove_record(size, i, &stored).unwrap();
                check_record(&p, size, &root, i, &leaves[i as usize]).unwrap();
            }
            for old in 1..=size {
                let p = prove_tree(size, old, &stored).unwrap();
                let old_root = root_from_leaf_hashes(&leaves[..old as usize]);
                check_tree(&p, size, &root, old, &old_root).unwrap();
            }
        }
    }

    #[test]
    fn fetched_hashes_serve_a_plan() {
        let leaves: Vec<Hash> = (0u32..37).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let mut stored: Vec<Hash> = Vec::new();
        for (n, l) in leaves.iter().enumerate() {
            let new = stored_hashes_for_leaf_hash(n as u64, *l, &stored).unwrap();
            stored.extend(new);
        }
        let plan = record_proof_indexes(37, 20).unwrap();
        let rows = stored.read_hashes(&plan).unwrap();
        let fetched = FetchedHashes::new(&plan, &rows).unwrap();
        assert_eq!(
            prove_record(37, 20, &fetched).unwrap(),
            prove_record(37, 20, &stored).unwrap()
        );
        assert!(matches!(
            prove_record(37, 3, &fetched),
            Err(Error::MissingHash(_))
        ));
        assert!(record_proof_indexes(37, 37).is_err());
        assert!(tree_proof_indexes(37, 0).is_err());
    }
}
