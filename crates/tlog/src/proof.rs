//! Proofs as values: JSON-friendly inclusion and consistency proofs (hashes as standard
//! base64 strings), and the C2SP `tlog-proof@v1` text file (c2sp.org/tlog-proof).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::checkpoint::{CheckpointError, OpenedCheckpoint, open_checkpoint, parse_decimal};
use crate::merkle::{Hash, VerifyError, verify_consistency, verify_inclusion};
use crate::note::{Verifier, b64_decode, b64_encode};

/// Serde codec for a list of hashes as standard base64 strings.
mod b64_hashes {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::merkle::Hash;
    use crate::note::{b64_decode, b64_encode};

    pub fn serialize<S: Serializer>(hashes: &[Hash], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(hashes.iter().map(|h| b64_encode(h)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Hash>, D::Error> {
        let strings = Vec::<String>::deserialize(d)?;
        strings
            .iter()
            .map(|s| {
                b64_decode(s)
                    .and_then(|raw| Hash::try_from(raw).ok())
                    .ok_or_else(|| {
                        D::Error::custom(format!("{s:?} is not base64 of a 32-byte hash"))
                    })
            })
            .collect()
    }
}

/// An RFC 9162 inclusion proof of leaf `leaf_index` in the tree of `tree_size` leaves.
///
/// JSON: `{"leaf_index": 523, "tree_size": 600, "proof": ["<base64>", …]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusionProof {
    /// 0-based index of the leaf.
    pub leaf_index: u64,
    /// Size of the tree the proof is for.
    pub tree_size: u64,
    /// Hashes from the leaf's sibling up to the root's child.
    #[serde(with = "b64_hashes")]
    pub proof: Vec<Hash>,
}

impl InclusionProof {
    /// Verifies the proof for `leaf` (a leaf hash) against the root of the tree.
    pub fn verify(&self, leaf: &Hash, root: &Hash) -> Result<(), VerifyError> {
        verify_inclusion(leaf, self.leaf_index, self.tree_size, &self.proof, root)
    }
}

/// An RFC 9162 consistency proof between two sizes of one tree.
///
/// JSON: `{"old_size": 300, "new_size": 600, "proof": ["<base64>", …]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsistencyProof {
    /// Size of the older tree.
    pub old_size: u64,
    /// Size of the newer tree.
    pub new_size: u64,
    /// The proof hashes.
    #[serde(with = "b64_hashes")]
    pub proof: Vec<Hash>,
}

impl ConsistencyProof {
    /// Verifies that the tree with `old_root` is a prefix of the tree with `new_root`.
    pub fn verify(&self, old_root: &Hash, new_root: &Hash) -> Result<(), VerifyError> {
        verify_consistency(
            self.old_size,
            self.new_size,
            &self.proof,
            old_root,
            new_root,
        )
    }
}

/// Why a tlog-proof file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlogProofError {
    /// The file breaks the format.
    #[error("malformed tlog-proof: {0}")]
    Malformed(String),
    /// The checkpoint did not verify.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The inclusion proof did not verify against the checkpoint.
    #[error("inclusion proof: {0}")]
    Inclusion(#[from] VerifyError),
}

/// A `c2sp.org/tlog-proof@v1` file: optional unauthenticated extra data, the leaf index, the
/// inclusion proof, and the signed checkpoint (verbatim note bytes) it proves against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlogProof {
    /// Opaque extra data; it is NOT authenticated.
    pub extra: Option<Vec<u8>>,
    /// 0-based leaf index.
    pub index: u64,
    /// Inclusion proof hashes, leaf's sibling first.
    pub proof: Vec<Hash>,
    /// The signed checkpoint note, verbatim.
    pub checkpoint: String,
}

impl TlogProof {
    /// The first line of every tlog-proof file.
    pub const HEADER: &'static str = "c2sp.org/tlog-proof@v1";

    /// The file's text.
    pub fn to_text(&self) -> String {
        let mut s = String::with_capacity(64 + 45 * self.proof.len() + self.checkpoint.len());
        s.push_str(Self::HEADER);
        s.push('\n');
        if let Some(extra) = &self.extra {
            s.push_str("extra ");
            s.push_str(&b64_encode(extra));
            s.push('\n');
        }
        s.push_str(&format!("index {}\n", self.index));
        for h in &self.proof {
            s.push_str(&b64_encode(h));
            s.push('\n');
        }
        s.push('\n');
        s.push_str(&self.checkpoint);
        s
    }

    /// Parses a tlog-proof file (the checkpoint is kept verbatim, not yet verified).
    pub fn parse(data: &[u8]) -> Result<Self, TlogProofError> {
        let bad = |why: String| TlogProofError::Malformed(why);
        let s = std::str::from_utf8(data).map_err(|_| bad("not UTF-8".into()))?;
        let (head, checkpoint) = s
            .split_once("\n\n")
            .ok_or_else(|| bad("no blank line before the checkpoint".into()))?;
        let mut lines = head.split('\n').peekable();
        if lines.next() != Some(Self::HEADER) {
            return Err(bad(format!("first line is not {}", Self::HEADER)));
        }
        let mut extra = None;
        if let Some(e) = lines.peek().and_then(|l| l.strip_prefix("extra ")) {
            extra = Some(b64_decode(e).ok_or_else(|| bad("extra data is not base64".into()))?);
            lines.next();
        }
        let index = lines
            .next()
            .and_then(|l| l.strip_prefix("index "))
            .and_then(parse_decimal)
            .ok_or_else(|| bad("no valid index line".into()))?;
        let proof = lines
            .enumerate()
            .map(|(i, l)| {
                b64_decode(l)
                    .and_then(|raw| Hash::try_from(raw).ok())
                    .ok_or_else(|| bad(format!("proof line {i} is not base64 of a 32-byte hash")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            extra,
            index,
            proof,
            checkpoint: checkpoint.to_owned(),
        })
    }

    /// Verifies the checkpoint (log signature and witness quorum, see [`open_checkpoint`])
    /// and the inclusion of `leaf` (a leaf hash the caller computed from its own data).
    pub fn verify(
        &self,
        leaf: &Hash,
        log_keys: &[Verifier],
        witness_keys: &[Verifier],
        witness_quorum: usize,
    ) -> Result<OpenedCheckpoint, TlogProofError> {
        let opened = open_checkpoint(
            self.checkpoint.as_bytes(),
            log_keys,
            witness_keys,
            witness_quorum,
        )?;
        verify_inclusion(
            leaf,
            self.index,
            opened.checkpoint.size,
            &self.proof,
            &opened.checkpoint.root,
        )?;
        Ok(opened)
    }
}

impl fmt::Display for TlogProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryLog;
    use crate::checkpoint::Checkpoint;
    use crate::merkle::leaf_hash;
    use crate::note::Signer;

    #[test]
    fn json_shape() {
        let p = InclusionProof {
            leaf_index: 1,
            tree_size: 2,
            proof: vec![[0; 32]],
        };
        let j = serde_json::to_string(&p).unwrap();
        assert_eq!(
            j,
            r#"{"leaf_index":1,"tree_size":2,"proof":["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="]}"#
        );
        assert_eq!(serde_json::from_str::<InclusionProof>(&j).unwrap(), p);
        assert!(
            serde_json::from_str::<InclusionProof>(
                r#"{"leaf_index":1,"tree_size":2,"proof":["AAAA"]}"#
            )
            .is_err()
        );
    }

    #[test]
    fn tlog_proof_round_trip_and_verify() {
        let mut log = MemoryLog::new();
        for i in 0..20u8 {
            log.append_entry(&[i]).unwrap();
        }
        let signer = Signer::from_seed("example.com/log", &[5; 32]).unwrap();
        let cp = Checkpoint::new("example.com/log", log.size(), log.root())
            .sign(&signer)
            .unwrap();
        let inc = log.prove_inclusion(13, 20).unwrap();
        let p = TlogProof {
            extra: Some(b"hi".to_vec()),
            index: 13,
            proof: inc.proof,
            checkpoint: cp,
        };
        let text = p.to_text();
        assert!(text.starts_with("c2sp.org/tlog-proof@v1\nextra aGk=\nindex 13\n"));
        let back = TlogProof::parse(text.as_bytes()).unwrap();
        assert_eq!(back, p);
        back.verify(&leaf_hash(&[13]), &[signer.verifier()], &[], 0)
            .unwrap();
        assert!(matches!(
            back.verify(&leaf_hash(&[12]), &[signer.verifier()], &[], 0),
            Err(TlogProofError::Inclusion(VerifyError::RootMismatch))
        ));
        assert!(TlogProof::parse(text.replace("index 13", "index 013").as_bytes()).is_err());
        assert!(TlogProof::parse(text.replace("@v1", "@v2").as_bytes()).is_err());
    }
}
