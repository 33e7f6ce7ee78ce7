//! Data Integrity proofs with the cryptosuite `eddsa-jcs-2022` (W3C Data Integrity EdDSA
//! Cryptosuites v1.0, §3.3): Ed25519 over SHA-256 of RFC 8785 (JCS) canonical JSON.
//!
//! The signed message is `SHA-256(JCS(proof config)) ‖ SHA-256(JCS(document without proof))`;
//! the proof config is the proof without `proofValue` and carries a copy of the document's
//! `@context`, as the spec says to always do and as the W3C test vector does. No JSON-LD
//! processing is involved.

use chrono::{DateTime, Utc};
use ed25519_dalek::Signature;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use tlog::jcs::{self, JcsError};

use crate::datetime;
use crate::error::VerifyError;
use crate::json;
use crate::keys::{self, IssuerKey};
use crate::resolver::KeyResolver;

/// The proof type of every Data Integrity proof.
pub const PROOF_TYPE: &str = "DataIntegrityProof";
/// The only cryptosuite this crate signs and verifies.
pub const CRYPTOSUITE: &str = "eddsa-jcs-2022";
/// The proof purpose of credentials (the verification relationship an issuer's key must have).
pub const ASSERTION_METHOD: &str = "assertionMethod";

/// The caller-chosen parts of a proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofOptions {
    /// When the proof was made (written as [`datetime::format`] writes it).
    pub created: Option<DateTime<Utc>>,
    /// The proof purpose; credentials use [`ASSERTION_METHOD`].
    pub proof_purpose: String,
    /// After this instant verifiers refuse the proof.
    pub expires: Option<DateTime<Utc>>,
    /// An id for the proof (needed only to chain proofs).
    pub id: Option<String>,
}

impl ProofOptions {
    /// An `assertionMethod` proof created at `created`.
    pub fn assertion(created: DateTime<Utc>) -> Self {
        ProofOptions {
            created: Some(created),
            proof_purpose: ASSERTION_METHOD.to_owned(),
            expires: None,
            id: None,
        }
    }
}

/// Why a document could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// Only JSON objects can be secured.
    #[error("only a JSON object can be signed")]
    NotAnObject,
    /// The document already has a `proof`; adding to proof sets is not supported.
    #[error("the document already has a proof")]
    AlreadySigned,
    /// The document has no RFC 8785 canonical form (e.g. a number that is not finite).
    #[error("no canonical JSON form: {0}")]
    Canonicalization(#[from] JcsError),
    /// An integer beyond ±(2^53 − 1), which is not I-JSON: canonicalisers disagree on it, so
    /// an independent verifier might refuse (or read differently) what was signed.
    #[error("integer at {0} is outside the I-JSON range ±(2^53 - 1); write it as a string")]
    UnsafeInteger(String),
}

/// The two canonical forms a proof signs, and the hashes derived from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningInput {
    /// JCS of the proof config (the proof without `proofValue`).
    pub canonical_proof_config: String,
    /// JCS of the document without `proof` (with the proof's `@context`).
    pub canonical_document: String,
}

impl SigningInput {
    /// Computes both canonical forms.
    pub fn new(
        unsecured_document: &Map<String, Value>,
        proof_config: &Map<String, Value>,
    ) -> Result<Self, JcsError> {
        // Wrapping clones the maps; a credential is small and this keeps one JCS entry point.
        Ok(SigningInput {
            canonical_proof_config: jcs::to_string(&Value::Object(proof_config.clone()))?,
            canonical_document: jcs::to_string(&Value::Object(unsecured_document.clone()))?,
        })
    }

    /// SHA-256 of the canonical proof config.
    pub fn proof_config_hash(&self) -> [u8; 32] {
        Sha256::digest(self.canonical_proof_config.as_bytes()).into()
    }

    /// SHA-256 of the canonical document.
    pub fn document_hash(&self) -> [u8; 32] {
        Sha256::digest(self.canonical_document.as_bytes()).into()
    }

    /// The 64 bytes Ed25519 signs: proof config hash first, then the document hash.
    pub fn hash_data(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&self.proof_config_hash());
        out[32..].copy_from_slice(&self.document_hash());
        out
    }
}

/// Secures `document` with an `assertionMethod` eddsa-jcs-2022 proof made at `created` by
/// `key`; returns the document with `proof` added.
pub fn sign(document: &Value, key: &IssuerKey, created: DateTime<Utc>) -> Result<Value, SignError> {
    sign_with_options(document, key, &ProofOptions::assertion(created))
}

/// Like [`sign`] with all proof options.
pub fn sign_with_options(
    document: &Value,
    key: &IssuerKey,
    options: &ProofOptions,
) -> Result<Value, SignError> {
    let doc = document.as_object().ok_or(SignError::NotAnObject)?;
    if doc.contains_key("proof") {
        return Err(SignError::AlreadySigned);
    }
    if let Some(at) = json::first_unsafe_integer(document) {
        return Err(SignError::UnsafeInteger(at));
    }
    // Member order follows the W3C vector so that a signed document reads like it.
    let mut proof = Map::new();
    if let Some(id) = &options.id {
        proof.insert("id".into(), Value::String(id.clone()));
    }
    proof.insert("type".into(), PROOF_TYPE.into());
    proof.insert("cryptosuite".into(), CRYPTOSUITE.into());
    if let Some(created) = options.created {
        proof.insert("created".into(), datetime::format(created).into());
    }
    proof.insert(
        "verificationMethod".into(),
        key.verification_method().into(),
    );
    proof.insert("proofPurpose".into(), options.proof_purpose.clone().into());
    if let Some(expires) = options.expires {
        proof.insert("expires".into(), datetime::format(expires).into());
    }
    if let Some(ctx) = doc.get("@context") {
        proof.insert("@context".into(), ctx.clone());
    }
    let input = SigningInput::new(doc, &proof)?;
    let signature = key.sign(&input.hash_data());
    proof.insert(
        "proofValue".into(),
        keys::encode_base58btc(&signature.to_bytes()).into(),
    );
    let mut secured = doc.clone();
    secured.insert("proof".into(), Value::Object(proof));
    Ok(Value::Object(secured))
}

/// A proof that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedProof {
    /// The proof's `verificationMethod`.
    pub verification_method: String,
    /// The key's controller as the resolver reported it.
    pub controller: String,
    /// The proof's `created`, if any.
    pub created: Option<DateTime<Utc>>,
    /// The proof's `id`, if any.
    pub id: Option<String>,
}

/// Verifies every eddsa-jcs-2022 proof of `document` (a single proof or a proof set; each
/// member of a set is checked against the document without any proof) for the purpose
/// `assertionMethod`, at time `now` (for the
/// proof's `expires`). Only the proofs are checked here; [`crate::verify()`] checks the whole
/// credential.
pub fn verify_proof(
    document: &Value,
    keys: &dyn KeyResolver,
    now: DateTime<Utc>,
) -> Result<Vec<VerifiedProof>, VerifyError> {
    let doc = document
        .as_object()
        .ok_or_else(|| VerifyError::malformed("credential", "not a JSON object"))?;
    let (all, labelled): (&[Value], bool) = match doc.get("proof") {
        None => {
            return Err(VerifyError::malformed(
                "proof",
                "missing: the document is not signed",
            ));
        }
        Some(Value::Array(set)) if set.is_empty() => {
            return Err(VerifyError::malformed("proof", "empty proof set"));
        }
        Some(Value::Array(set)) => (set, true),
        Some(one) => (std::slice::from_ref(one), false),
    };
    all.iter()
        .enumerate()
        .map(|(i, p)| {
            let label = if labelled {
                format!("proof[{i}]")
            } else {
                "proof".to_owned()
            };
            verify_one(doc, p, &label, keys, now)
        })
        .collect()
}

/// The group order ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian.
const ED25519_ORDER: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
];

/// Why 64 bytes cannot be an Ed25519 signature by any key over any message, if they cannot:
/// R must be a curve point and S a reduced scalar (RFC 8032 §5.1.7). This only sorts failures
/// into "bad signature" (the proof value itself is damaged) and "tampered" (a real signature
/// over other content); [`ed25519_dalek::VerifyingKey::verify_strict`] makes the actual decision.
fn not_an_ed25519_signature(bytes: &[u8; 64]) -> Option<&'static str> {
    let (r, s) = bytes.split_at(32);
    // Little-endian comparison: the most significant byte is the last.
    if s.iter().rev().cmp(ED25519_ORDER.iter().rev()) != std::cmp::Ordering::Less {
        return Some("its S half is not a reduced scalar");
    }
    let r: [u8; 32] = r.try_into().ok()?;
    if ed25519_dalek::VerifyingKey::from_bytes(&r).is_err() {
        return Some("its R half is not a curve point");
    }
    None
}

fn as_list(v: Option<&Value>) -> Vec<Value> {
    match v {
        None => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(other) => vec![other.clone()],
    }
}

fn verify_one(
    doc: &Map<String, Value>,
    proof: &Value,
    label: &str,
    keys: &dyn KeyResolver,
    now: DateTime<Utc>,
) -> Result<VerifiedProof, VerifyError> {
    let p = proof
        .as_object()
        .ok_or_else(|| VerifyError::malformed(label, "not a JSON object"))?;
    let field = |name: &str| format!("{label}.{name}");
    let string = |name: &str| -> Result<&str, VerifyError> {
        match p.get(name) {
            None => Err(VerifyError::malformed(field(name), "missing")),
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(VerifyError::malformed(field(name), "not a string")),
        }
    };
    let ty = string("type")?;
    if ty != PROOF_TYPE {
        return Err(VerifyError::malformed(
            field("type"),
            format!("{ty:?} is not {PROOF_TYPE}"),
        ));
    }
    let suite = string("cryptosuite")?;
    if suite != CRYPTOSUITE {
        return Err(VerifyError::malformed(
            field("cryptosuite"),
            format!("{suite:?} is not supported (only {CRYPTOSUITE})"),
        ));
    }
    let purpose = string("proofPurpose")?;
    if purpose != ASSERTION_METHOD {
        return Err(VerifyError::malformed(
            field("proofPurpose"),
            format!("{purpose:?}, expected {ASSERTION_METHOD}"),
        ));
    }
    let method = string("verificationMethod")?;
    if method.is_empty() {
        return Err(VerifyError::malformed(field("verificationMethod"), "empty"));
    }
    let created = match p.get("created") {
        None => None,
        Some(_) => Some(
            datetime::parse_lenient(string("created")?)
                .map_err(|e| VerifyError::malformed(field("created"), e.to_string()))?,
        ),
    };
    let expires = match p.get("expires") {
        None => None,
        Some(_) => {
            let text = string("expires")?;
            let at = datetime::parse_stamp(text)
                .map_err(|e| VerifyError::malformed(field("expires"), e.to_string()))?;
            Some((at, text))
        }
    };
    let id = match p.get("id") {
        None => None,
        Some(_) => Some(string("id")?.to_owned()),
    };
    let raw = keys::decode_base58btc(string("proofValue")?)
        .map_err(|e| VerifyError::BadSignature(format!("{}: {e}", field("proofValue"))))?;
    let bytes: [u8; 64] = raw.as_slice().try_into().map_err(|_| {
        VerifyError::BadSignature(format!(
            "{} decodes to {} bytes, not a 64-byte Ed25519 signature",
            field("proofValue"),
            raw.len()
        ))
    })?;
    if let Some(why) = not_an_ed25519_signature(&bytes) {
        return Err(VerifyError::BadSignature(format!(
            "{} is not an Ed25519 signature: {why}",
            field("proofValue")
        )));
    }
    let signature = Signature::from_bytes(&bytes);

    let mut options = p.clone();
    options.remove("proofValue");
    let mut unsecured = doc.clone();
    unsecured.remove("proof");
    if p.contains_key("previousProof") {
        // Which proofs a chained proof covers is not settled for JCS (no test vector); refuse
        // rather than guess.
        return Err(VerifyError::malformed(
            field("previousProof"),
            "proof chains are not supported",
        ));
    }
    if let Some(proof_ctx) = options.get("@context") {
        let proof_ctx = as_list(Some(proof_ctx));
        let doc_ctx = as_list(doc.get("@context"));
        if !doc_ctx.starts_with(&proof_ctx) {
            return Err(VerifyError::Tampered(format!(
                "{}: the proof's @context is not a prefix of the credential's @context \
                 (the context was changed after signing)",
                label
            )));
        }
        unsecured.insert("@context".into(), options["@context"].clone());
    }
    let input = SigningInput::new(&unsecured, &options).map_err(|e| {
        VerifyError::malformed("credential", format!("no RFC 8785 canonical form: {e}"))
    })?;
    let resolved = keys.resolve(method).map_err(|e| VerifyError::UnknownKey {
        method: method.to_owned(),
        reason: e.to_string(),
    })?;
    resolved
        .key
        .verify_strict(&input.hash_data(), &signature)
        .map_err(|_| {
            VerifyError::Tampered(format!(
                "{label}: the signature does not match the content; the credential or its proof \
                 was changed after signing (or another key signed it)"
            ))
        })?;
    // Checked only now, so that a changed `expires` reads as tampering, not as expiry.
    if let Some((at, text)) = expires
        && at < now
    {
        return Err(VerifyError::ProofExpired {
            expires: text.to_owned(),
        });
    }
    Ok(VerifiedProof {
        verification_method: method.to_owned(),
        controller: resolved.controller,
        created,
        id,
    })
}
