//! Why a credential does not verify.

/// Why a credential (or its proof, or its status list) does not verify. `Display` is one line
/// meant for people: the `nooluur credential verify` command prints it as the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The document is not a well-formed credential or proof; `field` says where.
    #[error("malformed: {field}: {reason}")]
    Malformed {
        /// Path of the offending member, e.g. `proof.cryptosuite` or `validFrom`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `proofValue` is not a readable Ed25519 signature (not base58btc, wrong length).
    #[error("bad signature: {0}")]
    BadSignature(String),
    /// The signature is well formed but does not match the content.
    #[error("tampered: {0}")]
    Tampered(String),
    /// The verification method could not be resolved to a key the verifier accepts.
    #[error("unknown key: {method}: {reason}")]
    UnknownKey {
        /// The verification method id named by the proof.
        method: String,
        /// Why it was not resolved.
        reason: String,
    },
    /// The key that signed is not controlled by the credential's issuer.
    #[error(
        "issuer mismatch: {issuer} is not the controller of the signing key {method} (controlled by {controller})"
    )]
    IssuerMismatch {
        /// The credential's `issuer` id.
        issuer: String,
        /// The verification method that signed.
        method: String,
        /// The controller the resolver reported for that method.
        controller: String,
    },
    /// `validUntil` lies before the time of verification.
    #[error("expired: the credential was valid until {valid_until}")]
    Expired {
        /// The credential's `validUntil`.
        valid_until: String,
    },
    /// `validFrom` lies after the time of verification.
    #[error("not yet valid: the credential is valid from {valid_from}")]
    NotYetValid {
        /// The credential's `validFrom`.
        valid_from: String,
    },
    /// The proof's own `expires` lies before the time of verification.
    #[error("expired: the proof expired at {expires}")]
    ProofExpired {
        /// The proof's `expires`.
        expires: String,
    },
    /// The revocation bit of the credential is set.
    #[error("revoked: status list {list} marks index {index} as revoked")]
    Revoked {
        /// The status list credential URL.
        list: String,
        /// The credential's index in it.
        index: u64,
    },
    /// The suspension bit of the credential is set.
    #[error("suspended: status list {list} marks index {index} as suspended")]
    Suspended {
        /// The status list credential URL.
        list: String,
        /// The credential's index in it.
        index: u64,
    },
    /// The status list credential could not be obtained.
    #[error("status list unavailable: {list}: {reason}")]
    StatusListUnavailable {
        /// The status list credential URL.
        list: String,
        /// Why the lookup failed.
        reason: String,
    },
    /// The status list credential was obtained but does not verify or does not fit the entry.
    #[error("status list invalid: {list}: {reason}")]
    StatusListInvalid {
        /// The status list credential URL.
        list: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl VerifyError {
    /// A stable machine-readable name of the variant (`tampered`, `revoked`, …), for APIs and
    /// tests.
    pub fn kind(&self) -> &'static str {
        match self {
            VerifyError::Malformed { .. } => "malformed",
            VerifyError::BadSignature(_) => "bad-signature",
            VerifyError::Tampered(_) => "tampered",
            VerifyError::UnknownKey { .. } => "unknown-key",
            VerifyError::IssuerMismatch { .. } => "issuer-mismatch",
            VerifyError::Expired { .. } => "expired",
            VerifyError::NotYetValid { .. } => "not-yet-valid",
            VerifyError::ProofExpired { .. } => "proof-expired",
            VerifyError::Revoked { .. } => "revoked",
            VerifyError::Suspended { .. } => "suspended",
            VerifyError::StatusListUnavailable { .. } => "status-list-unavailable",
            VerifyError::StatusListInvalid { .. } => "status-list-invalid",
        }
    }

    pub(crate) fn malformed(field: impl Into<String>, reason: impl Into<String>) -> Self {
        VerifyError::Malformed {
            field: field.into(),
            reason: reason.into(),
        }
    }
}
