//! C2SP checkpoints (c2sp.org/tlog-checkpoint): the signed-note text
//! `<origin>\n<tree size>\n<base64 root>\n[extension lines]`.

use std::fmt;

use crate::merkle::Hash;
use crate::note::{
    KeyType, Note, NoteError, Signer, VerifiedNote, VerifiedSignature, Verifier, b64_decode,
    b64_encode,
};

/// Why a checkpoint was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The signed note is malformed or a signature failed.
    #[error(transparent)]
    Note(#[from] NoteError),
    /// The note text is not a checkpoint.
    #[error("malformed checkpoint: {0}")]
    Malformed(String),
    /// None of the log's keys signed.
    #[error("checkpoint is not signed by the log")]
    NoLogSignature,
    /// Too few witness cosignatures verified.
    #[error("{got} witness cosignatures verified, {need} required")]
    WitnessQuorum {
        /// Verified cosignatures.
        got: usize,
        /// Required cosignatures.
        need: usize,
    },
}

/// A checkpoint body: the log's origin, its size and root, and optional extension lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line (SHOULD be a schema-less URL, and the log key's name).
    pub origin: String,
    /// Number of leaves.
    pub size: u64,
    /// RFC 9162 root of the tree of `size` leaves.
    pub root: Hash,
    /// Extension lines (NOT RECOMMENDED by the spec), each non-empty.
    pub extensions: Vec<String>,
}

fn check_line(line: &str, what: &str) -> Result<(), CheckpointError> {
    if line.is_empty() {
        return Err(CheckpointError::Malformed(format!("empty {what}")));
    }
    if line.chars().any(|c| c < ' ') {
        return Err(CheckpointError::Malformed(format!(
            "{what} contains a control character"
        )));
    }
    Ok(())
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    pub fn new(origin: &str, size: u64, root: Hash) -> Self {
        Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions: Vec::new(),
        }
    }

    /// The note text. Fails if the origin or an extension line is empty or holds a control
    /// character (including a newline).
    pub fn to_text(&self) -> Result<String, CheckpointError> {
        check_line(&self.origin, "origin")?;
        for e in &self.extensions {
            check_line(e, "extension line")?;
        }
        let mut s = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            b64_encode(&self.root)
        );
        for e in &self.extensions {
            s.push_str(e);
            s.push('\n');
        }
        Ok(s)
    }

    /// Parses checkpoint note text (the part before the signatures).
    pub fn parse(text: &str) -> Result<Self, CheckpointError> {
        let bad = |why: &str| CheckpointError::Malformed(why.to_owned());
        let body = text
            .strip_suffix('\n')
            .ok_or_else(|| bad("text does not end with a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines.next().unwrap_or_default();
        check_line(origin, "origin")?;
        let size_line = lines.next().ok_or_else(|| bad("no tree size line"))?;
        let size = parse_decimal(size_line)
            .ok_or_else(|| bad("tree size is not a decimal without leading zeros"))?;
        let root_line = lines.next().ok_or_else(|| bad("no root hash line"))?;
        let root: Hash = b64_decode(root_line)
            .and_then(|r| r.try_into().ok())
            .ok_or_else(|| bad("root hash is not base64 of 32 bytes"))?;
        let mut extensions = Vec::new();
        for e in lines {
            check_line(e, "extension line")?;
            extensions.push(e.to_owned());
        }
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }

    /// Signs the checkpoint with the log's key; returns the note bytes.
    pub fn sign(&self, signer: &Signer) -> Result<String, CheckpointError> {
        let mut note = Note::new(&self.to_text()?)?;
        note.sign(signer)?;
        Ok(note.to_text())
    }
}

impl fmt::Display for Checkpoint {
    /// The note text; an invalid origin or extension line prints as the error.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_text() {
            Ok(t) => f.write_str(&t),
            Err(e) => write!(f, "<{e}>"),
        }
    }
}

/// Parses ASCII decimal without leading zeros ("0" alone is fine).
pub(crate) fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

/// A checkpoint whose note verified under a log key (and a witness quorum).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedCheckpoint {
    /// The checkpoint body.
    pub checkpoint: Checkpoint,
    /// The verified note, with every verified and unverified signature.
    pub note: VerifiedNote,
    /// The verified witness cosignatures.
    pub witnesses: Vec<VerifiedSignature>,
}

/// Verifies a signed checkpoint: some key of `log_keys` must have signed, any failing
/// signature by a known key rejects it, and at least `witness_quorum` distinct keys of
/// `witness_keys` must have cosigned. Signatures by unknown keys are ignored.
pub fn open_checkpoint(
    msg: &[u8],
    log_keys: &[Verifier],
    witness_keys: &[Verifier],
    witness_quorum: usize,
) -> Result<OpenedCheckpoint, CheckpointError> {
    let note = Note::parse(msg)?;
    let checkpoint = Checkpoint::parse(&note.text)?;
    let known: Vec<Verifier> = log_keys.iter().chain(witness_keys).cloned().collect();
    let verified = match note.verify(&known) {
        Err(NoteError::Unverified) => return Err(CheckpointError::NoLogSignature),
        r => r?,
    };
    let is = |keys: &[Verifier], s: &VerifiedSignature| {
        keys.iter()
            .any(|k| k.name() == s.name && k.key_id() == s.key_id)
    };
    if !verified.verified.iter().any(|s| is(log_keys, s)) {
        return Err(CheckpointError::NoLogSignature);
    }
    let witnesses: Vec<VerifiedSignature> = verified
        .verified
        .iter()
        .filter(|s| is(witness_keys, s) && !is(log_keys, s))
        .cloned()
        .collect();
    if witnesses.len() < witness_quorum {
        return Err(CheckpointError::WitnessQuorum {
            got: witnesses.len(),
            need: witness_quorum,
        });
    }
    Ok(OpenedCheckpoint {
        checkpoint,
        note: verified,
        witnesses,
    })
}

/// True when `key` is a witness cosignature key (type 0x04).
pub fn is_witness_key(key: &Verifier) -> bool {
    key.key_type() == KeyType::CosignatureV1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::Cosigner;

    #[test]
    fn text_round_trip() {
        let mut c = Checkpoint::new("example.com/log", 0, crate::merkle::EMPTY_ROOT);
        assert_eq!(
            c.to_text().unwrap(),
            "example.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
        );
        c.extensions.push("ext one".into());
        let t = c.to_text().unwrap();
        assert_eq!(Checkpoint::parse(&t).unwrap(), c);
        c.extensions.push(String::new());
        assert!(c.to_text().is_err());
        for bad in [
            "o\n01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
            "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\n",
            "o\n1\n",
            "\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
            "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n",
            "o\n-1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
            "o\n18446744073709551616\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
        ] {
            assert!(Checkpoint::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn open_with_witness_quorum() {
        let log = Signer::from_seed("example.com/log", &[1; 32]).unwrap();
        let w1 = Cosigner::from_seed("w1.example", &[2; 32]).unwrap();
        let w2 = Cosigner::from_seed("w2.example", &[3; 32]).unwrap();
        let c = Checkpoint::new("example.com/log", 5, [9; 32]);
        let mut note = Note::new(&c.to_text().unwrap()).unwrap();
        note.sign(&log).unwrap();
        note.cosign(&w1, 100).unwrap();
        let msg = note.to_text();
        let wk = [w1.verifier(), w2.verifier()];
        let opened = open_checkpoint(msg.as_bytes(), &[log.verifier()], &wk, 1).unwrap();
        assert_eq!(opened.checkpoint, c);
        assert_eq!(opened.witnesses.len(), 1);
        assert_eq!(
            open_checkpoint(msg.as_bytes(), &[log.verifier()], &wk, 2),
            Err(CheckpointError::WitnessQuorum { got: 1, need: 2 })
        );
        assert_eq!(
            open_checkpoint(msg.as_bytes(), &[], &wk, 0),
            Err(CheckpointError::NoLogSignature)
        );
        assert!(is_witness_key(&w1.verifier()) && !is_witness_key(&log.verifier()));
    }
}
