//! RFC 9162 §2.1 hashing and the verification side of its proofs.
//!
//! Proof *generation* lives in [`crate::stored`], because a log generates proofs from stored
//! hashes rather than from a list of leaves.

use sha2::{Digest, Sha256};

/// A SHA-256 hash: a leaf hash, an interior node hash or a tree root.
pub type Hash = [u8; 32];

/// Size of a hash in bytes.
pub const HASH_SIZE: usize = 32;

/// Root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1).
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// Leaf hash of a log entry: SHA-256(0x00 ‖ data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// Interior node hash: SHA-256(0x01 ‖ left ‖ right).
#[inline]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    // One contiguous buffer lets sha2 feed whole blocks instead of three partial updates.
    let mut buf = [0u8; 1 + 2 * HASH_SIZE];
    buf[0] = 1;
    buf[1..33].copy_from_slice(left);
    buf[33..].copy_from_slice(right);
    Sha256::digest(buf).into()
}

/// Merkle Tree Hash of a list of leaf hashes (RFC 9162 §2.1.1), computed bottom-up in place.
///
/// This is the direct definition, for verifiers that hold every leaf; a log computes roots
/// from stored hashes ([`crate::tree_hash`]) or a [`crate::Frontier`] instead.
pub fn root_from_leaf_hashes(leaves: &[Hash]) -> Hash {
    if leaves.is_empty() {
        return EMPTY_ROOT;
    }
    let mut level = leaves.to_vec();
    while level.len() > 1 {
        let pairs = level.len() / 2;
        for i in 0..pairs {
            level[i] = node_hash(&level[2 * i], &level[2 * i + 1]);
        }
        // An unpaired right-most node moves up unchanged: this yields the RFC's left-heavy
        // split because every complete pair sits left of it.
        let odd = level.len() % 2 == 1;
        if odd {
            level[pairs] = level[level.len() - 1];
        }
        level.truncate(pairs + usize::from(odd));
    }
    level[0]
}

/// Why a proof did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The leaf index is not below the tree size.
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange {
        /// The leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// The older tree is larger than the newer one.
    #[error("old tree size {old} is larger than new tree size {new}")]
    SizesReversed {
        /// The older size.
        old: u64,
        /// The newer size.
        new: u64,
    },
    /// A consistency proof from the empty tree proves nothing (RFC 9162 §2.1.4.2).
    #[error("a consistency proof from the empty tree is meaningless")]
    EmptyOldTree,
    /// The proof has the wrong number of hashes for the sizes.
    #[error("proof has the wrong number of hashes")]
    WrongProofLength,
    /// The recomputed root differs from the expected root.
    #[error("recomputed root does not match the expected root")]
    RootMismatch,
}

/// Verifies an RFC 9162 §2.1.3.2 inclusion proof of `leaf` at `index` in the tree of `size`
/// leaves whose root is `root`. The proof runs from the leaf's sibling up to the root's child.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), VerifyError> {
    if index >= size {
        return Err(VerifyError::IndexOutOfRange { index, size });
    }
    let r = root_from_inclusion(leaf, index, size, proof)?;
    if &r == root {
        Ok(())
    } else {
        Err(VerifyError::RootMismatch)
    }
}

/// The root an inclusion proof implies (RFC 9162 §2.1.3.2 steps 1–3), for callers that look
/// the root up afterwards. Errors only when the proof length does not fit the sizes.
pub fn root_from_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
) -> Result<Hash, VerifyError> {
    if index >= size {
        return Err(VerifyError::IndexOutOfRange { index, size });
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return Err(VerifyError::WrongProofLength);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(VerifyError::WrongProofLength);
    }
    Ok(r)
}

/// Verifies an RFC 9162 §2.1.4.2 consistency proof that the tree of `old_size` leaves with
/// root `old_root` is a prefix of the tree of `new_size` leaves with root `new_root`.
///
/// Edge cases follow the transparency-dev/merkle vectors: a proof from the empty tree is an
/// error (even to the empty tree), equal sizes need an empty proof and equal roots.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    proof: &[Hash],
    old_root: &Hash,
    new_root: &Hash,
) -> Result<(), VerifyError> {
    if new_size < old_size {
        return Err(VerifyError::SizesReversed {
            old: old_size,
            new: new_size,
        });
    }
    if old_size == 0 {
        return Err(VerifyError::EmptyOldTree);
    }
    if old_size == new_size {
        if !proof.is_empty() {
            return Err(VerifyError::WrongProofLength);
        }
        return if old_root == new_root {
            Ok(())
        } else {
            Err(VerifyError::RootMismatch)
        };
    }
    if proof.is_empty() {
        return Err(VerifyError::WrongProofLength);
    }
    // Step 1: a power-of-two old tree is itself a node of the new tree, so its root is the
    // implicit first element.
    let (first, rest) = if old_size.is_power_of_two() {
        (old_root, proof)
    } else {
        (&proof[0], &proof[1..])
    };
    let (mut fn_, mut sn) = (old_size - 1, new_size - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if sn == 0 {
            return Err(VerifyError::WrongProofLength);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(VerifyError::WrongProofLength);
    }
    if &fr != old_root || &sr != new_root {
        return Err(VerifyError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Hash {
        let mut out = [0u8; 32];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        assert_eq!(EMPTY_ROOT, <[u8; 32]>::from(Sha256::digest(b"")));
    }

    // Hand-checked tiny tree: leaves "a", "b", "c" (computed with `printf` + `sha256sum`).
    #[test]
    fn three_leaf_tree_by_hand() {
        let a = leaf_hash(b"a");
        assert_eq!(
            a,
            hex("022a6979e6dab7aa5ae4c3e5e45f7e977112a7e63593820dbec1ec738a24f93c")
        );
        let b = leaf_hash(b"b");
        let c = leaf_hash(b"c");
        let ab = node_hash(&a, &b);
        assert_eq!(
            ab,
            hex("b137985ff484fb600db93107c77b0365c80d78f5b429ded0fd97361d077999eb")
        );
        let root = node_hash(&ab, &c);
        assert_eq!(root_from_leaf_hashes(&[a, b, c]), root);
        assert_eq!(
            root,
            hex("36642e73c2540ab121e3a6bf9545b0a24982cd830eb13d3cd19de3ce6c021ec1")
        );
        verify_inclusion(&c, 2, 3, &[ab], &root).unwrap();
        verify_inclusion(&a, 0, 3, &[b, c], &root).unwrap();
        verify_consistency(2, 3, &[c], &ab, &root).unwrap();
        assert_eq!(
            verify_inclusion(&c, 2, 3, &[b], &root),
            Err(VerifyError::RootMismatch)
        );
    }
}
