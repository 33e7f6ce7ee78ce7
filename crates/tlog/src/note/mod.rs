//! C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, and Ed25519
//! tlog-cosignature/v1 witness cosignatures.
//!
//! A note is UTF-8 text ending in `\n`, a blank line, then one signature line per signer:
//! `— <key name> <base64(4-byte key ID ‖ signature)>\n` (em dash U+2014). The signed message
//! is the text including its final newline. Keys travel as text:
//! verifier key `name+<8 hex key ID>+base64(type ‖ public key)` and signer key
//! `PRIVATE+KEY+name+<8 hex key ID>+base64(type ‖ seed)`.

mod keys;

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

pub use keys::{Cosigner, KeyType, Signer, Verifier, generate_key, is_valid_key_name, key_id};

/// Key type byte of an Ed25519 signature over the note text.
pub const ALG_ED25519: u8 = 0x01;
/// Key type byte of an Ed25519 tlog-cosignature/v1 witness cosignature.
pub const ALG_COSIGNATURE_V1: u8 = 0x04;
/// Most signature lines a note may carry; more make it malformed (as in Go's `note.Open`).
pub const MAX_SIGNATURES: usize = 100;

const SIG_PREFIX: &str = "\u{2014} ";
const SKEY_PREFIX: &str = "PRIVATE+KEY+";

/// Why a note, key or signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// The note's bytes break the format.
    #[error("malformed note: {0}")]
    Malformed(String),
    /// A key string or key name is invalid.
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// A signature by a known key does not verify.
    #[error("invalid signature by {name} ({key_id:08x})")]
    InvalidSignature {
        /// Key name.
        name: String,
        /// Key ID.
        key_id: u32,
    },
    /// No signature by any of the given keys.
    #[error("note has no signature by a known key")]
    Unverified,
}

/// Decodes standard padded base64, refusing any non-canonical spelling.
pub(crate) fn b64_decode(s: &str) -> Option<Vec<u8>> {
    let raw = STANDARD.decode(s).ok()?;
    (STANDARD.encode(&raw) == s).then_some(raw)
}

pub(crate) fn b64_encode(data: &[u8]) -> String {
    STANDARD.encode(data)
}

/// One signature line of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    /// Key name.
    pub name: String,
    /// Key ID.
    pub key_id: u32,
    /// Signature bytes after the key ID (for cosignatures: timestamp ‖ signature).
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// The signature line, `— name base64(key ID ‖ signature)\n`.
    pub fn line(&self) -> String {
        let mut raw = self.key_id.to_be_bytes().to_vec();
        raw.extend_from_slice(&self.signature);
        format!("{SIG_PREFIX}{} {}\n", self.name, b64_encode(&raw))
    }
}

/// Checks note text: ends in `\n`, no control characters but `\n`.
fn check_text(text: &str) -> Result<(), NoteError> {
    if !text.ends_with('\n') {
        return Err(NoteError::Malformed(
            "text does not end with a newline".into(),
        ));
    }
    if let Some(c) = text.chars().find(|&c| c < ' ' && c != '\n') {
        return Err(NoteError::Malformed(format!(
            "text contains control character {:#04x}",
            c as u32
        )));
    }
    Ok(())
}

/// A note: text and signature lines, not (yet) verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The signed text, ending in `\n`.
    pub text: String,
    /// The signature lines in order.
    pub signatures: Vec<NoteSignature>,
}

impl Note {
    /// An unsigned note of `text`, which must end in `\n` and hold no control character
    /// other than `\n`.
    pub fn new(text: &str) -> Result<Self, NoteError> {
        check_text(text)?;
        Ok(Self {
            text: text.to_owned(),
            signatures: Vec::new(),
        })
    }

    /// Adds `signer`'s signature.
    pub fn sign(&mut self, signer: &Signer) -> Result<(), NoteError> {
        let sig = signer.sign(&self.text)?;
        self.signatures.push(sig);
        Ok(())
    }

    /// Adds `cosigner`'s cosignature made at `timestamp`.
    pub fn cosign(&mut self, cosigner: &Cosigner, timestamp: u64) -> Result<(), NoteError> {
        let sig = cosigner.cosign(&self.text, timestamp)?;
        self.signatures.push(sig);
        Ok(())
    }

    /// Parses note bytes without verifying signatures.
    pub fn parse(msg: &[u8]) -> Result<Self, NoteError> {
        let s = std::str::from_utf8(msg).map_err(|_| NoteError::Malformed("not UTF-8".into()))?;
        if let Some(c) = s.chars().find(|&c| c < ' ' && c != '\n') {
            return Err(NoteError::Malformed(format!(
                "control character {:#04x}",
                c as u32
            )));
        }
        // The text ends at the last blank line; signature lines cannot contain one.
        let split = s
            .rfind("\n\n")
            .ok_or_else(|| NoteError::Malformed("no blank line before signatures".into()))?;
        let (text, sigs) = (&s[..split + 1], &s[split + 2..]);
        if sigs.is_empty() || !sigs.ends_with('\n') {
            return Err(NoteError::Malformed(
                "signature block must end with a newline".into(),
            ));
        }
        let mut signatures = Vec::new();
        for line in sigs[..sigs.len() - 1].split('\n') {
            if signatures.len() == MAX_SIGNATURES {
                return Err(NoteError::Malformed(format!(
                    "more than {MAX_SIGNATURES} signatures"
                )));
            }
            signatures.push(parse_sig_line(line)?);
        }
        Ok(Self {
            text: text.to_owned(),
            signatures,
        })
    }

    /// The note bytes: text, blank line, signature lines.
    pub fn to_text(&self) -> String {
        let mut s = String::with_capacity(self.text.len() + 1 + 120 * self.signatures.len());
        s.push_str(&self.text);
        s.push('\n');
        for sig in &self.signatures {
            s.push_str(&sig.line());
        }
        s
    }

    /// Verifies the signatures against `known` keys: signatures by unknown (name, key ID)
    /// pairs are kept aside unverified, any failing signature by a known key rejects the note,
    /// and at least one known key must have signed.
    pub fn verify(&self, known: &[Verifier]) -> Result<VerifiedNote, NoteError> {
        let mut verified: Vec<VerifiedSignature> = Vec::new();
        let mut unverified = Vec::new();
        for sig in &self.signatures {
            let Some(v) = known
                .iter()
                .find(|v| v.name() == sig.name && v.key_id() == sig.key_id)
            else {
                if !unverified.contains(sig) {
                    unverified.push(sig.clone());
                }
                continue;
            };
            let timestamp =
                v.check(&self.text, &sig.signature)
                    .map_err(|()| NoteError::InvalidSignature {
                        name: sig.name.clone(),
                        key_id: sig.key_id,
                    })?;
            if !verified
                .iter()
                .any(|s| s.name == sig.name && s.key_id == sig.key_id)
            {
                verified.push(VerifiedSignature {
                    name: sig.name.clone(),
                    key_id: sig.key_id,
                    key_type: v.key_type(),
                    timestamp,
                });
            }
        }
        if verified.is_empty() {
            return Err(NoteError::Unverified);
        }
        Ok(VerifiedNote {
            text: self.text.clone(),
            verified,
            unverified,
        })
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

fn parse_sig_line(line: &str) -> Result<NoteSignature, NoteError> {
    let bad = || {
        NoteError::Malformed(format!(
            "bad signature line {:?}",
            line.chars().take(60).collect::<String>()
        ))
    };
    let rest = line.strip_prefix(SIG_PREFIX).ok_or_else(bad)?;
    let (name, b64) = rest.split_once(' ').ok_or_else(bad)?;
    if !is_valid_key_name(name) || b64.is_empty() {
        return Err(bad());
    }
    let raw = b64_decode(b64).ok_or_else(bad)?;
    if raw.len() < 5 {
        return Err(bad());
    }
    Ok(NoteSignature {
        name: name.to_owned(),
        key_id: u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]),
        signature: raw[4..].to_vec(),
    })
}

/// Signs `text` with every signer and returns the note bytes.
pub fn sign_note(text: &str, signers: &[&Signer]) -> Result<String, NoteError> {
    let mut note = Note::new(text)?;
    for s in signers {
        note.sign(s)?;
    }
    Ok(note.to_text())
}

/// Parses and verifies note bytes against `known` keys (see [`Note::verify`]).
pub fn open_note(msg: &[u8], known: &[Verifier]) -> Result<VerifiedNote, NoteError> {
    Note::parse(msg)?.verify(known)
}

/// A signature that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// Key name.
    pub name: String,
    /// Key ID.
    pub key_id: u32,
    /// Key type.
    pub key_type: KeyType,
    /// The cosignature timestamp, for cosignature keys.
    pub timestamp: Option<u64>,
}

/// A note whose signatures by known keys all verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedNote {
    /// The signed text.
    pub text: String,
    /// Signatures by known keys (each key once).
    pub verified: Vec<VerifiedSignature>,
    /// Signatures by unknown keys, not checked.
    pub unverified: Vec<NoteSignature>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_open() {
        let a = Signer::from_seed("a.example/log", &[1; 32]).unwrap();
        let b = Signer::from_seed("b.example/log", &[2; 32]).unwrap();
        let w = Cosigner::from_seed("w.example/witness", &[3; 32]).unwrap();
        let mut note = Note::new("hello\nworld\n").unwrap();
        note.sign(&a).unwrap();
        note.sign(&b).unwrap();
        note.cosign(&w, 1234).unwrap();
        let msg = note.to_text();
        assert!(msg.starts_with("hello\nworld\n\n\u{2014} a.example/log "));
        assert_eq!(Note::parse(msg.as_bytes()).unwrap(), note);

        let opened = open_note(msg.as_bytes(), &[a.verifier(), w.verifier()]).unwrap();
        assert_eq!(opened.verified.len(), 2);
        assert_eq!(opened.verified[1].timestamp, Some(1234));
        assert_eq!(opened.unverified.len(), 1);
        assert_eq!(open_note(msg.as_bytes(), &[]), Err(NoteError::Unverified));

        let tampered = msg.replacen("world", "World", 1);
        assert!(matches!(
            open_note(tampered.as_bytes(), &[a.verifier()]),
            Err(NoteError::InvalidSignature { .. })
        ));
        // Same name and key type, other key: the key ID differs, so the signature is unknown.
        let other = Signer::from_seed("a.example/log", &[9; 32]).unwrap();
        assert_eq!(
            open_note(msg.as_bytes(), &[other.verifier()]),
            Err(NoteError::Unverified)
        );
    }

    #[test]
    fn malformed_notes() {
        let a = Signer::from_seed("a", &[1; 32]).unwrap();
        let good = sign_note("x\n", &[&a]).unwrap();
        for bad in [
            "x\n".to_owned(),
            good.trim_end().to_owned(),
            good.replace('\u{2014}', "-"),
            good.replace("x\n", "x\r\n"),
            format!("{good}\n"),
            good.replacen("=", "", 1),
        ] {
            assert!(Note::parse(bad.as_bytes()).is_err(), "{bad:?}");
        }
        assert!(Note::new("no newline").is_err());
        assert!(Note::new("tab\there\n").is_err());
        let many: String = std::iter::repeat_n(a.sign("x\n").unwrap().line(), 101).collect();
        assert!(Note::parse(format!("x\n\n{many}").as_bytes()).is_err());
    }
}
