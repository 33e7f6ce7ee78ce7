//! Note keys: verifier keys (`vkey`), signer keys (`skey`), witness cosigner keys.

use std::fmt;
use std::str::FromStr;

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::{
    ALG_COSIGNATURE_V1, ALG_ED25519, NoteError, NoteSignature, SKEY_PREFIX, b64_decode, b64_encode,
    check_text,
};

/// The type of a verifier key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// 0x01: Ed25519 over the note text (logs, plain notes).
    Ed25519,
    /// 0x04: Ed25519 tlog-cosignature/v1 (witnesses); the signature carries a timestamp.
    CosignatureV1,
}

impl KeyType {
    /// The type byte.
    pub fn byte(self) -> u8 {
        match self {
            KeyType::Ed25519 => ALG_ED25519,
            KeyType::CosignatureV1 => ALG_COSIGNATURE_V1,
        }
    }

    fn from_byte(b: u8) -> Option<Self> {
        match b {
            ALG_ED25519 => Some(KeyType::Ed25519),
            ALG_COSIGNATURE_V1 => Some(KeyType::CosignatureV1),
            _ => None,
        }
    }
}

/// Key ID: the first 4 bytes (big-endian) of SHA-256(name ‖ "\n" ‖ type ‖ public key).
pub fn key_id(name: &str, key_type: u8, public_key: &[u8]) -> u32 {
    let d = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update(b"\n")
        .chain_update([key_type])
        .chain_update(public_key)
        .finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// A key name is non-empty and holds no `+` and no white space.
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains('+')
        && !name.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn check_name(name: &str) -> Result<(), NoteError> {
    if is_valid_key_name(name) {
        Ok(())
    } else {
        Err(NoteError::InvalidKey(format!("invalid key name {name:?}")))
    }
}

/// Splits `name+hash+rest` at its first two `+` (the base64 part may contain more).
fn split_key(s: &str) -> Option<(&str, u32, &str)> {
    let (name, rest) = s.split_once('+')?;
    let (hash, key) = rest.split_once('+')?;
    if hash.len() != 8 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((name, u32::from_str_radix(hash, 16).ok()?, key))
}

/// A public key that checks signatures of one name: parsed from, and printed as, a C2SP
/// verifier key (`vkey`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verifier {
    name: String,
    key_id: u32,
    key_type: KeyType,
    key: VerifyingKey,
}

impl Verifier {
    /// A verifier for `name`'s Ed25519 `public_key` of the given type.
    pub fn new(name: &str, key_type: KeyType, public_key: &[u8; 32]) -> Result<Self, NoteError> {
        check_name(name)?;
        let key = VerifyingKey::from_bytes(public_key)
            .map_err(|_| NoteError::InvalidKey("not an Ed25519 public key".into()))?;
        Ok(Self {
            name: name.to_owned(),
            key_id: key_id(name, key_type.byte(), public_key),
            key_type,
            key,
        })
    }

    /// Parses a verifier key `name+hash+base64(type ‖ key)`; the hash must match.
    pub fn from_vkey(vkey: &str) -> Result<Self, NoteError> {
        let bad = |why: &str| NoteError::InvalidKey(format!("{why} in verifier key {vkey:?}"));
        let (name, hash, key) = split_key(vkey).ok_or_else(|| bad("bad layout"))?;
        let raw = b64_decode(key).ok_or_else(|| bad("bad base64"))?;
        let (&alg, public) = raw.split_first().ok_or_else(|| bad("empty key"))?;
        let key_type = KeyType::from_byte(alg).ok_or_else(|| bad("unsupported key type"))?;
        let public: &[u8; 32] = public.try_into().map_err(|_| bad("key is not 32 bytes"))?;
        let v = Self::new(name, key_type, public)?;
        if v.key_id != hash {
            return Err(bad("key ID does not match the key"));
        }
        Ok(v)
    }

    /// The verifier key string.
    pub fn to_vkey(&self) -> String {
        let mut raw = Vec::with_capacity(33);
        raw.push(self.key_type.byte());
        raw.extend_from_slice(self.key.as_bytes());
        format!("{}+{:08x}+{}", self.name, self.key_id, b64_encode(&raw))
    }

    /// Key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// Key type.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The raw Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// Checks `sig` (without the key ID) over `text`; returns the cosignature timestamp for
    /// cosignature keys.
    pub(super) fn check(&self, text: &str, sig: &[u8]) -> Result<Option<u64>, ()> {
        match self.key_type {
            KeyType::Ed25519 => {
                let sig = Signature::from_slice(sig).map_err(|_| ())?;
                self.key
                    .verify_strict(text.as_bytes(), &sig)
                    .map_err(|_| ())?;
                Ok(None)
            }
            KeyType::CosignatureV1 => {
                if sig.len() != 72 {
                    return Err(());
                }
                let (ts, sig) = sig.split_at(8);
                let ts = u64::from_be_bytes(ts.try_into().map_err(|_| ())?);
                let sig = Signature::from_slice(sig).map_err(|_| ())?;
                let msg = cosigned_message(text, ts);
                self.key
                    .verify_strict(msg.as_bytes(), &sig)
                    .map_err(|_| ())?;
                Ok(Some(ts))
            }
        }
    }
}

impl FromStr for Verifier {
    type Err = NoteError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_vkey(s)
    }
}

impl fmt::Display for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_vkey())
    }
}

fn cosigned_message(text: &str, timestamp: u64) -> String {
    format!("cosignature/v1\ntime {timestamp}\n{text}")
}

/// An Ed25519 signing key with its name (a log's key). Its `Debug` output hides the key.
#[derive(Clone)]
pub struct Signer {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("name", &self.name)
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// The signer for `name` whose Ed25519 seed (private key) is `seed`. To generate a new
    /// key, pass 32 bytes from a cryptographically secure random source.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, NoteError> {
        check_name(name)?;
        let key = SigningKey::from_bytes(seed);
        let key_id = key_id(name, ALG_ED25519, key.verifying_key().as_bytes());
        Ok(Self {
            name: name.to_owned(),
            key_id,
            key,
        })
    }

    /// Parses a signer key `PRIVATE+KEY+name+hash+base64(0x01 ‖ seed)`; the hash must match.
    pub fn from_skey(skey: &str) -> Result<Self, NoteError> {
        // The message never echoes the key: it is a secret.
        let bad = |why: &str| NoteError::InvalidKey(format!("{why} in signer key"));
        let rest = skey
            .strip_prefix(SKEY_PREFIX)
            .ok_or_else(|| bad("missing PRIVATE+KEY+ prefix"))?;
        let (name, hash, key) = split_key(rest).ok_or_else(|| bad("bad layout"))?;
        let raw = b64_decode(key).ok_or_else(|| bad("bad base64"))?;
        let (&alg, seed) = raw.split_first().ok_or_else(|| bad("empty key"))?;
        if alg != ALG_ED25519 {
            return Err(bad("unsupported key type"));
        }
        let seed: &[u8; 32] = seed.try_into().map_err(|_| bad("seed is not 32 bytes"))?;
        let s = Self::from_seed(name, seed)?;
        if s.key_id != hash {
            return Err(bad("key ID does not match the key"));
        }
        Ok(s)
    }

    /// The signer key string (secret).
    pub fn to_skey(&self) -> String {
        let mut raw = Vec::with_capacity(33);
        raw.push(ALG_ED25519);
        raw.extend_from_slice(self.key.as_bytes());
        format!(
            "{SKEY_PREFIX}{}+{:08x}+{}",
            self.name,
            self.key_id,
            b64_encode(&raw)
        )
    }

    /// The matching verifier.
    pub fn verifier(&self) -> Verifier {
        Verifier {
            name: self.name.clone(),
            key_id: self.key_id,
            key_type: KeyType::Ed25519,
            key: self.key.verifying_key(),
        }
    }

    /// Key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// Signs note text (which must be valid note text, see [`Note::new`](super::Note::new)).
    pub fn sign(&self, text: &str) -> Result<NoteSignature, NoteError> {
        check_text(text)?;
        Ok(NoteSignature {
            name: self.name.clone(),
            key_id: self.key_id,
            signature: self.key.sign(text.as_bytes()).to_bytes().to_vec(),
        })
    }
}

/// Generates a signer key and its verifier key (`(skey, vkey)`) for `name` from a 32-byte seed
/// the caller drew from a cryptographically secure random source.
pub fn generate_key(name: &str, seed: &[u8; 32]) -> Result<(String, String), NoteError> {
    let s = Signer::from_seed(name, seed)?;
    Ok((s.to_skey(), s.verifier().to_vkey()))
}

/// A witness's Ed25519 tlog-cosignature/v1 key (type 0x04). Its `Debug` output hides the key.
#[derive(Clone)]
pub struct Cosigner {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl fmt::Debug for Cosigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cosigner")
            .field("name", &self.name)
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl Cosigner {
    /// The cosigner for `name` with Ed25519 seed `seed`.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, NoteError> {
        check_name(name)?;
        let key = SigningKey::from_bytes(seed);
        let key_id = key_id(name, ALG_COSIGNATURE_V1, key.verifying_key().as_bytes());
        Ok(Self {
            name: name.to_owned(),
            key_id,
            key,
        })
    }

    /// The matching verifier (type 0x04).
    pub fn verifier(&self) -> Verifier {
        Verifier {
            name: self.name.clone(),
            key_id: self.key_id,
            key_type: KeyType::CosignatureV1,
            key: self.key.verifying_key(),
        }
    }

    /// Cosigns checkpoint text at `timestamp` (seconds since the Unix epoch).
    pub fn cosign(&self, text: &str, timestamp: u64) -> Result<NoteSignature, NoteError> {
        check_text(text)?;
        let sig = self.key.sign(cosigned_message(text, timestamp).as_bytes());
        let mut signature = timestamp.to_be_bytes().to_vec();
        signature.extend_from_slice(&sig.to_bytes());
        Ok(NoteSignature {
            name: self.name.clone(),
            key_id: self.key_id,
            signature,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC_VKEY: &str = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";

    #[test]
    fn keys_round_trip() {
        let seed = [7u8; 32];
        let (skey, vkey) = generate_key("example.com/log", &seed).unwrap();
        let s = Signer::from_skey(&skey).unwrap();
        assert_eq!(s.to_skey(), skey);
        let v: Verifier = vkey.parse().unwrap();
        assert_eq!(v, s.verifier());
        assert_eq!(v.to_string(), vkey);
        assert!(!format!("{s:?}").contains(&skey[20..]));
        // A tampered key ID is refused.
        let mut bad = vkey.clone();
        let i = "example.com/log+".len();
        bad.replace_range(i..i + 1, if &vkey[i..i + 1] == "0" { "1" } else { "0" });
        assert!(Verifier::from_vkey(&bad).is_err());
        assert!(Signer::from_seed("a b", &seed).is_err());
        assert!(Signer::from_seed("a+b", &seed).is_err());
        assert!(Signer::from_seed("", &seed).is_err());
    }

    #[test]
    fn spec_vkey_parses() {
        let v = Verifier::from_vkey(SPEC_VKEY).unwrap();
        assert_eq!(v.name(), "example.com/foo");
        assert_eq!(v.key_id(), 0x530d903a);
        assert_eq!(v.to_vkey(), SPEC_VKEY);
    }
}
