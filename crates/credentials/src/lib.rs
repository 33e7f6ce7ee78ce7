//! W3C Verifiable Credentials 2.0 with eddsa-jcs-2022 Data Integrity proofs, did:key, Bitstring
//! Status List (pure).
//!
//! - [`keys`]: Ed25519 Multikey, did:key, did:web ids and DID documents, and [`IssuerKey`], the
//!   signing key whose `Debug` shows only its public verification method.
//! - [`resolver`]: the [`KeyResolver`] trait with did:key and table-based resolvers.
//! - [`proof`]: [`sign`] and [`verify_proof`] for eddsa-jcs-2022, bit-exact with the W3C vector.
//! - [`verify()`]: a whole credential — data model, proof, issuer, validity, status.
//! - [`status`]: the Bitstring Status List, its credential and `credentialStatus` entries.
//! - [`certificates`]: quality, scope and transaction certificates as unsigned VC 2.0 JSON.
//! - [`json`]: [`parse_strict`], which refuses duplicate members before anything is verified.
//!
//! Nothing here reads a clock, a file or the network: the time of verification, status list
//! credentials and non-did:key keys come in through arguments and traits.
//!
//! ```
//! use credentials::*;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let at = |s| datetime::parse_stamp(s);
//! // An organisation's key, published in its did:web DID document.
//! let did = keys::did_web("lab.example.mn", &[])?;
//! // (the 32-byte seed comes from the caller's RNG or key store; this crate draws nothing)
//! let key = IssuerKey::did_key_from_seed(&[7; 32]).renamed(format!("{did}#key-1"));
//! let did_doc = keys::did_document(&did, &[("key-1", &key.verifying_key())]);
//!
//! // The revocation list the platform serves, and a certificate pointing into it.
//! let list_url = "https://nooluur.example/credentials/status/1";
//! let mut bits = StatusList::new();
//! let list = status_list_credential(
//!     list_url, &did, &StatusPurpose::Revocation, &bits, at("2025-06-01T00:00:00Z")?, None)?;
//! let mut meta = CredentialMeta::new(
//!     "https://nooluur.example/credentials/1", Party::id(&did), at("2025-06-13T08:00:00Z")?);
//! meta.status = vec![status_entry(list_url, 4711, &StatusPurpose::Revocation)];
//! let scope = ScopeCertificate {
//!     organisation: Party::named("did:web:gobi.example", "Gobi LLC"),
//!     standard: "Textile Exchange Content Claim Standard 3.0".into(),
//!     certificate_number: "CU-CCS-1".into(),
//!     processes: vec!["dehairing".into()],
//!     products: vec!["dehaired cashmere".into()],
//!     sites: vec![],
//! };
//! meta.valid_until = Some(at("2026-06-12T23:59:59Z")?);
//! let vc = sign(&scope.to_credential(&meta)?, &key, at("2025-06-13T08:00:05Z")?)?;
//!
//! // Verifying: keys from the DID document (did:key needs nothing), lists by URL.
//! let mut org_keys = StaticResolver::new();
//! org_keys.add_did_document(&did_doc)?;
//! let resolver = ChainResolver(vec![&org_keys, &DidKeyResolver]);
//! let mut lists = StaticStatusLookup::new();
//! lists.insert(sign(&list, &key, at("2025-06-13T08:00:00Z")?)?);
//! let now = at("2025-07-01T00:00:00Z")?;
//! assert!(verify(&vc, &resolver, now, &lists).is_ok());
//!
//! // Revoking: set the bit, re-sign and republish the list.
//! bits.set(4711, true)?;
//! let list = status_list_credential(
//!     list_url, &did, &StatusPurpose::Revocation, &bits, at("2025-06-01T00:00:00Z")?, None)?;
//! lists.insert(sign(&list, &key, at("2025-06-20T00:00:00Z")?)?);
//! let err = verify(&vc, &resolver, now, &lists).unwrap_err();
//! assert_eq!(err.kind(), "revoked");
//! assert!(err.to_string().starts_with("revoked: "));
//! # Ok(())
//! # }
//! ```

pub mod certificates;
pub mod datetime;
mod error;
pub mod json;
pub mod keys;
pub mod proof;
pub mod resolver;
pub mod status;
mod verify;

pub use certificates::{
    BuildError, CredentialMeta, Measurement, Party, QualityCertificate, ScopeCertificate, Site,
    TransactionCertificate,
};
/// The Ed25519 key types of `ed25519-dalek` 2 that appear in this API.
pub use ed25519_dalek::{SigningKey, VerifyingKey};
pub use error::VerifyError;
pub use json::parse_strict;
pub use keys::{IssuerKey, KeyError};
pub use proof::{
    ProofOptions, SignError, SigningInput, VerifiedProof, sign, sign_with_options, verify_proof,
};
pub use resolver::{
    ChainResolver, DidKeyResolver, KeyResolver, ResolveError, ResolvedKey, StaticResolver,
};
pub use status::{
    StatusList, StatusListError, StatusPurpose, status_entry, status_list_credential,
};
pub use verify::{
    CheckedStatus, NoStatusLookup, StaticStatusLookup, StatusLookup, Verified, VerifyOptions,
    verify, verify_with_options,
};

/// The VC 2.0 base context; every credential's first `@context`.
pub const VC_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
