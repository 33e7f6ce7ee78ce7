//! Ed25519 keys as Multikey values, did:key and did:web identifiers, DID documents, and the
//! issuer's signing key.

use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde_json::{Value, json};

/// Multicodec prefix of an Ed25519 public key (`ed25519-pub`, varint 0xed).
pub const ED25519_PUB_MULTICODEC: [u8; 2] = [0xed, 0x01];
/// Multicodec prefix of an Ed25519 secret seed (`ed25519-priv`, varint 0x1300).
pub const ED25519_PRIV_MULTICODEC: [u8; 2] = [0x80, 0x26];

/// Why a key, multibase value or DID could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The value does not start with the base58btc multibase prefix `z`.
    #[error("not a base58btc multibase value (must start with 'z')")]
    NotBase58Multibase,
    /// Characters outside the Bitcoin base58 alphabet, or a non-canonical spelling.
    #[error("invalid base58btc: {0}")]
    Base58(String),
    /// Decoded bytes are not multicodec 0xed01 followed by 32 bytes.
    #[error("not an Ed25519 Multikey (multicodec 0xed01 followed by 32 bytes)")]
    NotEd25519Multikey,
    /// Decoded bytes are not multicodec 0x8026 followed by a 32-byte seed.
    #[error("not an Ed25519 secret Multikey (multicodec 0x8026 followed by a 32-byte seed)")]
    NotEd25519SecretMultikey,
    /// 32 bytes that are not a point on the curve.
    #[error("not a valid Ed25519 public key")]
    InvalidPublicKey,
    /// Not of the form `did:key:z6Mk…` or `did:key:z6Mk…#z6Mk…`.
    #[error("not a did:key: {0}")]
    NotDidKey(String),
    /// A domain, path segment or DID that cannot form a did:web.
    #[error("invalid did:web: {0}")]
    InvalidDidWeb(String),
    /// A DID document without the expected members.
    #[error("invalid DID document: {0}")]
    InvalidDocument(String),
}

/// `z` + base58btc(bytes): the multibase form used for keys and proof values.
pub fn encode_base58btc(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 138 / 100 + 2);
    s.push('z');
    s.push_str(&bs58::encode(bytes).into_string());
    s
}

/// Decodes a `z`-prefixed base58btc multibase value. Only the canonical spelling is accepted,
/// so one byte string has one text form (and a changed character never decodes to the same
/// bytes).
pub fn decode_base58btc(value: &str) -> Result<Vec<u8>, KeyError> {
    let body = value
        .strip_prefix('z')
        .ok_or(KeyError::NotBase58Multibase)?;
    if body.is_empty() {
        return Err(KeyError::Base58("empty value".into()));
    }
    let bytes = bs58::decode(body)
        .into_vec()
        .map_err(|e| KeyError::Base58(e.to_string()))?;
    if bs58::encode(&bytes).into_string() != body {
        return Err(KeyError::Base58("not the canonical spelling".into()));
    }
    Ok(bytes)
}

/// The Multikey `publicKeyMultibase` of an Ed25519 key (`z6Mk…`).
pub fn multikey(key: &VerifyingKey) -> String {
    let mut raw = Vec::with_capacity(34);
    raw.extend_from_slice(&ED25519_PUB_MULTICODEC);
    raw.extend_from_slice(key.as_bytes());
    encode_base58btc(&raw)
}

/// Reads a Multikey `publicKeyMultibase` (`z6Mk…`) as an Ed25519 public key.
pub fn verifying_key_from_multikey(value: &str) -> Result<VerifyingKey, KeyError> {
    let raw = decode_base58btc(value)?;
    let key: [u8; 32] = raw
        .strip_prefix(&ED25519_PUB_MULTICODEC[..])
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
        .ok_or(KeyError::NotEd25519Multikey)?;
    VerifyingKey::from_bytes(&key).map_err(|_| KeyError::InvalidPublicKey)
}

/// The did:key DID of an Ed25519 key: `did:key:z6Mk…`.
pub fn did_key(key: &VerifyingKey) -> String {
    format!("did:key:{}", multikey(key))
}

/// The did:key verification method id of an Ed25519 key: `did:key:z6Mk…#z6Mk…` (the fragment
/// repeats the key, as the did:key method specifies).
pub fn did_key_verification_method(key: &VerifyingKey) -> String {
    let mk = multikey(key);
    format!("did:key:{mk}#{mk}")
}

/// Resolves a did:key DID or verification method id to its Ed25519 key, offline. A fragment,
/// when present, must repeat the key.
pub fn resolve_did_key(did_or_method: &str) -> Result<VerifyingKey, KeyError> {
    let not = || KeyError::NotDidKey(did_or_method.to_owned());
    let rest = did_or_method.strip_prefix("did:key:").ok_or_else(not)?;
    let (ident, fragment) = match rest.split_once('#') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    if fragment.is_some_and(|f| f != ident) {
        return Err(KeyError::NotDidKey(format!(
            "{did_or_method}: the fragment must repeat the key"
        )));
    }
    verifying_key_from_multikey(ident)
}

/// The DID part of a verification method id (everything before `#`).
pub fn controller_of(verification_method: &str) -> &str {
    verification_method
        .split_once('#')
        .map_or(verification_method, |(did, _)| did)
}

fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

/// The did:web DID of an organisation: `did:web:example.com` or, with a path,
/// `did:web:example.com:orgs:herders` (served at `https://example.com/orgs/herders/did.json`).
/// A port is written percent-encoded (`example.com%3A8443`), as the method requires. The
/// domain is lower-cased.
pub fn did_web(domain: &str, path: &[&str]) -> Result<String, KeyError> {
    let bad = |why: &str| KeyError::InvalidDidWeb(format!("{domain:?}: {why}"));
    let (host, port) = match domain.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (domain, None),
    };
    let host = host.to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if host.is_empty() || host.len() > 253 || !host.split('.').all(label_ok) {
        return Err(bad("not a domain name"));
    }
    let mut did = format!("did:web:{host}");
    if let Some(port) = port {
        if port.is_empty() || port.len() > 5 || !port.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad("invalid port"));
        }
        did.push_str("%3A");
        did.push_str(port);
    }
    for seg in path {
        if seg.is_empty() || !seg.chars().all(is_unreserved) {
            return Err(KeyError::InvalidDidWeb(format!(
                "path segment {seg:?} is empty or not made of unreserved characters"
            )));
        }
        did.push(':');
        did.push_str(seg);
    }
    Ok(did)
}

/// The HTTPS URL where the DID document of a did:web DID is published:
/// `https://example.com/.well-known/did.json`, or `https://example.com/a/b/did.json` for
/// `did:web:example.com:a:b`.
pub fn did_web_document_url(did: &str) -> Result<String, KeyError> {
    let bad = || KeyError::InvalidDidWeb(did.to_owned());
    let rest = did.strip_prefix("did:web:").ok_or_else(bad)?;
    if rest.contains('#') || rest.contains('/') {
        return Err(bad());
    }
    let mut parts = rest.split(':');
    let host = parts.next().filter(|h| !h.is_empty()).ok_or_else(bad)?;
    let host = host.replace("%3A", ":").replace("%3a", ":");
    let path: Vec<&str> = parts.collect();
    if path
        .iter()
        .any(|s| s.is_empty() || !s.chars().all(is_unreserved))
    {
        return Err(bad());
    }
    if path.is_empty() {
        Ok(format!("https://{host}/.well-known/did.json"))
    } else {
        Ok(format!("https://{host}/{}/did.json", path.join("/")))
    }
}

/// The DID document of an organisation's DID (did:web, or any DID the platform controls):
/// each key becomes a `Multikey` verification method `{did}#{fragment}` listed under
/// `assertionMethod`, the relationship verifiers of credentials check.
pub fn did_document(did: &str, keys: &[(&str, &VerifyingKey)]) -> Value {
    let methods: Vec<Value> = keys
        .iter()
        .map(|(fragment, key)| {
            json!({
                "id": format!("{did}#{fragment}"),
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multikey(key),
            })
        })
        .collect();
    let ids: Vec<Value> = keys
        .iter()
        .map(|(fragment, _)| Value::String(format!("{did}#{fragment}")))
        .collect();
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
    })
}

/// An issuer's Ed25519 signing key together with the verification method id that names its
/// public key. Neither `Debug` nor any serialisation reveals the secret: `Debug` prints the
/// verification method only, and exporting the secret takes an explicitly named method.
#[derive(Clone)]
pub struct IssuerKey {
    signing: SigningKey,
    verification_method: String,
}

impl fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuerKey")
            .field("verification_method", &self.verification_method)
            .finish_non_exhaustive()
    }
}

impl IssuerKey {
    /// A key that names itself by did:key (`did:key:z6Mk…#z6Mk…`).
    pub fn did_key(signing: SigningKey) -> Self {
        let verification_method = did_key_verification_method(&signing.verifying_key());
        IssuerKey {
            signing,
            verification_method,
        }
    }

    /// A did:key issuer key from a 32-byte Ed25519 seed (RFC 8032 secret key).
    pub fn did_key_from_seed(seed: &[u8; 32]) -> Self {
        Self::did_key(SigningKey::from_bytes(seed))
    }

    /// A key published under another verification method id, e.g. `did:web:lab.example#key-1`
    /// (the DID document of [`did_document`] must list it).
    pub fn with_verification_method(signing: SigningKey, verification_method: String) -> Self {
        IssuerKey {
            signing,
            verification_method,
        }
    }

    /// Reads a Multikey secret (`z3u2…`, multicodec 0x8026 + seed) as a did:key issuer key.
    pub fn did_key_from_secret_multikey(value: &str) -> Result<Self, KeyError> {
        let raw = decode_base58btc(value)?;
        let seed: [u8; 32] = raw
            .strip_prefix(&ED25519_PRIV_MULTICODEC[..])
            .and_then(|k| <[u8; 32]>::try_from(k).ok())
            .ok_or(KeyError::NotEd25519SecretMultikey)?;
        Ok(Self::did_key_from_seed(&seed))
    }

    /// The same secret under another verification method id.
    pub fn renamed(&self, verification_method: String) -> Self {
        Self::with_verification_method(self.signing.clone(), verification_method)
    }

    /// The verification method id written into proofs.
    pub fn verification_method(&self) -> &str {
        &self.verification_method
    }

    /// The DID that controls the key (the verification method without its fragment); a
    /// credential signed with this key must name it as `issuer`.
    pub fn controller(&self) -> &str {
        controller_of(&self.verification_method)
    }

    /// The public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The public key as Multikey (`z6Mk…`).
    pub fn public_multikey(&self) -> String {
        multikey(&self.verifying_key())
    }

    /// The secret as a Multikey (`z3u2…`), for storing it. Handle the result as a secret.
    pub fn expose_secret_multikey(&self) -> String {
        let mut raw = Vec::with_capacity(34);
        raw.extend_from_slice(&ED25519_PRIV_MULTICODEC);
        raw.extend_from_slice(self.signing.as_bytes());
        encode_base58btc(&raw)
    }

    /// The 32-byte secret seed, for storing it. Handle the result as a secret.
    pub fn expose_seed(&self) -> [u8; 32] {
        self.signing.to_bytes()
    }

    pub(crate) fn sign(&self, message: &[u8]) -> Signature {
        self.signing.sign(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multikey_round_trip_and_prefix() {
        let key = IssuerKey::did_key_from_seed(&[7; 32]);
        let mk = key.public_multikey();
        assert!(mk.starts_with("z6Mk"), "{mk}");
        assert_eq!(
            verifying_key_from_multikey(&mk).unwrap(),
            key.verifying_key()
        );
        assert!(key.expose_secret_multikey().starts_with("z3u2"));
        let back = IssuerKey::did_key_from_secret_multikey(&key.expose_secret_multikey()).unwrap();
        assert_eq!(back.verification_method(), key.verification_method());
        assert_eq!(key.controller(), format!("did:key:{mk}"));
        assert_eq!(
            resolve_did_key(key.verification_method()).unwrap(),
            key.verifying_key()
        );
        assert_eq!(
            resolve_did_key(key.controller()).unwrap(),
            key.verifying_key()
        );
    }

    #[test]
    fn did_key_refusals() {
        let key = IssuerKey::did_key_from_seed(&[7; 32]);
        let mk = key.public_multikey();
        let other = IssuerKey::did_key_from_seed(&[8; 32]).public_multikey();
        assert!(resolve_did_key(&format!("did:key:{mk}#{other}")).is_err());
        assert!(resolve_did_key(&format!("did:web:{mk}")).is_err());
        assert!(resolve_did_key("did:key:6Mk").is_err());
        assert!(resolve_did_key("did:key:z0OIl").is_err());
        // A secret multikey is not a public one.
        assert_eq!(
            verifying_key_from_multikey(&key.expose_secret_multikey()),
            Err(KeyError::NotEd25519Multikey)
        );
        // Leading '1's are zero bytes; adding one changes the bytes, so it is refused.
        assert!(verifying_key_from_multikey(&format!("z1{}", &mk[1..])).is_err());
    }

    #[test]
    fn debug_hides_the_secret() {
        let key = IssuerKey::did_key_from_seed(&[42; 32]);
        let dbg = format!("{key:?} {key:#?}");
        assert!(dbg.contains(key.verification_method()));
        assert!(!dbg.contains(&key.expose_secret_multikey()));
        assert!(!dbg.contains("42, 42"), "{dbg}");
        assert!(!dbg.to_lowercase().contains("2a2a"), "{dbg}");
    }

    #[test]
    fn did_web_ids_and_urls() {
        assert_eq!(
            did_web("Lab.Example.mn", &[]).unwrap(),
            "did:web:lab.example.mn"
        );
        assert_eq!(
            did_web("example.com:8443", &["orgs", "wool-lab"]).unwrap(),
            "did:web:example.com%3A8443:orgs:wool-lab"
        );
        assert_eq!(
            did_web_document_url("did:web:example.com%3A8443:orgs:wool-lab").unwrap(),
            "https://example.com:8443/orgs/wool-lab/did.json"
        );
        assert_eq!(
            did_web_document_url("did:web:lab.example.mn").unwrap(),
            "https://lab.example.mn/.well-known/did.json"
        );
        for bad in [
            "",
            "exa mple.com",
            "-a.com",
            "a..com",
            "a.com:",
            "a.com:99999x",
        ] {
            assert!(did_web(bad, &[]).is_err(), "{bad}");
        }
        assert!(did_web("a.com", &["x/y"]).is_err());
        assert!(did_web("a.com", &[""]).is_err());
        assert!(did_web_document_url("did:key:z6Mk").is_err());
        assert!(did_web_document_url("did:web:").is_err());
    }

    #[test]
    fn did_document_lists_assertion_methods() {
        let key = IssuerKey::did_key_from_seed(&[7; 32]);
        let did = did_web("lab.example.mn", &[]).unwrap();
        let doc = did_document(&did, &[("key-1", &key.verifying_key())]);
        assert_eq!(doc["assertionMethod"][0], "did:web:lab.example.mn#key-1");
        assert_eq!(doc["verificationMethod"][0]["type"], "Multikey");
        assert_eq!(doc["verificationMethod"][0]["controller"], did.as_str());
        assert_eq!(
            doc["verificationMethod"][0]["publicKeyMultibase"],
            key.public_multikey().as_str()
        );
    }
}
