//! Builders of the three nooluur credential kinds as unsigned VC 2.0 JSON: quality
//! certificates on a lot, scope certificates of an organisation, and transaction certificates
//! on a change of ownership of certified fibre.
//!
//! Every credential uses the VC 2.0 context alone. Its `@vocab`
//! (`https://www.w3.org/ns/credentials/issuer-dependent#`) gives our terms IRIs, and since
//! eddsa-jcs-2022 signs the JSON itself no JSON-LD processing is needed to verify them. A
//! published nooluur context can be appended later without touching credentials already issued.
//!
//! Masses and measured values are decimal strings, never JSON numbers: what is signed is then
//! exactly what the lab or certifier wrote, whatever a JSON library does with floats.

mod kinds;

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use tlog::jcs::{self, JcsError};

pub use kinds::{
    Measurement, QUALITY_CERTIFICATE_TYPE, QualityCertificate, SCOPE_CERTIFICATE_TYPE,
    ScopeCertificate, Site, TRANSACTION_CERTIFICATE_TYPE, TransactionCertificate,
};

use crate::{VC_V2_CONTEXT, datetime};

/// Why a certificate could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// A field that must be a URL (or URI, e.g. a DID or URN) is not one.
    #[error("{field}: {value:?} is not a URL")]
    NotAUrl {
        /// The field.
        field: String,
        /// The value given.
        value: String,
    },
    /// A field that must be a decimal string is not one.
    #[error("{field}: {value:?} is not a decimal number written as a string (e.g. \"15.6\")")]
    NotADecimal {
        /// The field.
        field: String,
        /// The value given.
        value: String,
    },
    /// A required text or list is empty.
    #[error("{field}: must not be empty")]
    Empty {
        /// The field.
        field: String,
    },
    /// A value that must be a JSON object is not one.
    #[error("{field}: must be a JSON object")]
    NotAnObject {
        /// The field.
        field: String,
    },
    /// `validUntil` lies before `validFrom`.
    #[error("validUntil {valid_until} is before validFrom {valid_from}")]
    ValidityOrder {
        /// `validFrom` as written.
        valid_from: String,
        /// `validUntil` as written.
        valid_until: String,
    },
    /// Masses that contradict each other (certified > net > gross).
    #[error("{smaller} mass {small} kg exceeds {larger} mass {large} kg")]
    MassOrder {
        /// Name of the mass that should be smaller.
        smaller: &'static str,
        /// Its value.
        small: String,
        /// Name of the mass that should be larger.
        larger: &'static str,
        /// Its value.
        large: String,
    },
    /// The credential has no RFC 8785 form and could not be signed (e.g. a verdict holding an
    /// integer beyond 2^53).
    #[error("no canonical JSON form: {0}")]
    Canonicalization(#[from] JcsError),
    /// An integer beyond ±(2^53 − 1) in caller JSON (a verdict): not I-JSON, so the
    /// credential could not be signed; write such values as strings.
    #[error("integer at {0} is outside the I-JSON range ±(2^53 - 1); write it as a string")]
    UnsafeInteger(String),
}

/// An organisation or person named in a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Its identifier: a DID or an HTTP URI under the platform (`https://HOST/id/org/…`).
    pub id: String,
    /// A display name.
    pub name: Option<String>,
}

impl Party {
    /// A party known by id only.
    pub fn id(id: impl Into<String>) -> Self {
        Party {
            id: id.into(),
            name: None,
        }
    }

    /// A party with a display name.
    pub fn named(id: impl Into<String>, name: impl Into<String>) -> Self {
        Party {
            id: id.into(),
            name: Some(name.into()),
        }
    }

    fn to_json(&self, field: &str) -> Result<Value, BuildError> {
        url(field, &self.id)?;
        Ok(match &self.name {
            None => json!({ "id": self.id }),
            Some(name) => json!({ "id": self.id, "name": name }),
        })
    }
}

/// What every certificate carries besides its subject.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialMeta {
    /// The credential's URL, e.g. `https://HOST/credentials/{uuid}`.
    pub id: String,
    /// The issuer; its `id` must control the key that signs (a DID).
    pub issuer: Party,
    /// Start of validity (`validFrom`).
    pub valid_from: DateTime<Utc>,
    /// End of validity (`validUntil`), required for scope certificates.
    pub valid_until: Option<DateTime<Utc>>,
    /// `credentialStatus` entries (see [`crate::status_entry`]); usually one revocation entry.
    pub status: Vec<Value>,
    /// A human-readable `name`.
    pub name: Option<String>,
    /// A human-readable `description`.
    pub description: Option<String>,
}

impl CredentialMeta {
    /// Metadata with no end of validity, no status, no name.
    pub fn new(id: impl Into<String>, issuer: Party, valid_from: DateTime<Utc>) -> Self {
        CredentialMeta {
            id: id.into(),
            issuer,
            valid_from,
            valid_until: None,
            status: Vec::new(),
            name: None,
            description: None,
        }
    }
}

/// Whether `s` has the shape of an absolute URI: a scheme, a colon, something, no spaces.
pub(crate) fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn url(field: &str, value: &str) -> Result<(), BuildError> {
    if is_uri(value) {
        Ok(())
    } else {
        Err(BuildError::NotAUrl {
            field: field.to_owned(),
            value: value.to_owned(),
        })
    }
}

fn urls(field: &str, values: &[String]) -> Result<Value, BuildError> {
    for (i, v) in values.iter().enumerate() {
        url(&format!("{field}[{i}]"), v)?;
    }
    Ok(json!(values))
}

fn non_empty(field: &str, value: &str) -> Result<(), BuildError> {
    if value.trim().is_empty() {
        Err(BuildError::Empty {
            field: field.to_owned(),
        })
    } else {
        Ok(())
    }
}

fn non_empty_list<T>(field: &str, values: &[T]) -> Result<(), BuildError> {
    if values.is_empty() {
        Err(BuildError::Empty {
            field: field.to_owned(),
        })
    } else {
        Ok(())
    }
}

/// Checks a decimal string: optional `-` (when `signed`), digits without superfluous leading
/// zeros, optional `.` and digits.
fn decimal(field: &str, value: &str, signed: bool) -> Result<(), BuildError> {
    let bad = || BuildError::NotADecimal {
        field: field.to_owned(),
        value: value.to_owned(),
    };
    let body = match value.strip_prefix('-') {
        Some(rest) if signed => rest,
        Some(_) => return Err(bad()),
        None => value,
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || (int.len() > 1 && int.starts_with('0')) || frac.is_some_and(|f| !digits(f)) {
        return Err(bad());
    }
    Ok(())
}

/// Compares two non-negative decimals already checked by [`decimal`].
fn cmp_decimal(a: &str, b: &str) -> Ordering {
    let split = |s: &str| {
        let (i, f) = s.split_once('.').unwrap_or((s, ""));
        (i.to_owned(), f.trim_end_matches('0').to_owned())
    };
    let ((ai, af), (bi, bf)) = (split(a), split(b));
    ai.len()
        .cmp(&bi.len())
        .then_with(|| ai.cmp(&bi))
        .then_with(|| af.cmp(&bf))
}

fn mass(field: &str, kg: &str) -> Result<Value, BuildError> {
    decimal(field, kg, false)?;
    Ok(json!({ "value": kg, "unitCode": "KGM" }))
}

fn mass_order(
    smaller: &'static str,
    small: &str,
    larger: &'static str,
    large: &str,
) -> Result<(), BuildError> {
    if cmp_decimal(small, large) == Ordering::Greater {
        return Err(BuildError::MassOrder {
            smaller,
            small: small.to_owned(),
            larger,
            large: large.to_owned(),
        });
    }
    Ok(())
}

/// Wraps a subject into a VC 2.0 credential of `kind` and checks that it can be signed.
fn envelope(meta: &CredentialMeta, kind: &str, subject: Value) -> Result<Value, BuildError> {
    url("id", &meta.id)?;
    let issuer = match &meta.issuer.name {
        None => {
            url("issuer", &meta.issuer.id)?;
            Value::String(meta.issuer.id.clone())
        }
        Some(_) => meta.issuer.to_json("issuer.id")?,
    };
    if let Some(until) = meta.valid_until
        && until < meta.valid_from
    {
        return Err(BuildError::ValidityOrder {
            valid_from: datetime::format(meta.valid_from),
            valid_until: datetime::format(until),
        });
    }
    let mut vc = Map::new();
    vc.insert("@context".into(), json!([VC_V2_CONTEXT]));
    vc.insert("id".into(), meta.id.clone().into());
    vc.insert("type".into(), json!(["VerifiableCredential", kind]));
    if let Some(name) = &meta.name {
        vc.insert("name".into(), name.clone().into());
    }
    if let Some(description) = &meta.description {
        vc.insert("description".into(), description.clone().into());
    }
    vc.insert("issuer".into(), issuer);
    vc.insert("validFrom".into(), datetime::format(meta.valid_from).into());
    if let Some(until) = meta.valid_until {
        vc.insert("validUntil".into(), datetime::format(until).into());
    }
    vc.insert("credentialSubject".into(), subject);
    for (i, s) in meta.status.iter().enumerate() {
        if !s.is_object() {
            return Err(BuildError::NotAnObject {
                field: format!("credentialStatus[{i}]"),
            });
        }
    }
    match meta.status.as_slice() {
        [] => {}
        [one] => {
            vc.insert("credentialStatus".into(), one.clone());
        }
        many => {
            vc.insert("credentialStatus".into(), Value::Array(many.to_vec()));
        }
    }
    let vc = Value::Object(vc);
    if let Some(at) = crate::json::first_unsafe_integer(&vc) {
        return Err(BuildError::UnsafeInteger(at));
    }
    jcs::to_vec(&vc)?;
    Ok(vc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        for ok in ["0", "15.6", "120.500", "0.001", "1000"] {
            assert!(decimal("x", ok, false).is_ok(), "{ok}");
        }
        for bad in ["", "-1", "01", "1.", ".5", "1e3", "1,5", " 1", "NaN", "+1"] {
            assert!(decimal("x", bad, false).is_err(), "{bad}");
        }
        assert!(decimal("x", "-0.5", true).is_ok());
        assert_eq!(cmp_decimal("10", "9.99"), Ordering::Greater);
        assert_eq!(cmp_decimal("9.50", "9.5"), Ordering::Equal);
        assert_eq!(cmp_decimal("9.05", "9.5"), Ordering::Less);
        assert_eq!(cmp_decimal("0", "0.000"), Ordering::Equal);
    }

    #[test]
    fn uris() {
        assert!(is_uri("https://h/id/lot/1"));
        assert!(is_uri("urn:epc:class:lgtin:4012345.012345.998877"));
        assert!(is_uri("ni:///sha-256;abc?ver=CBV2.0"));
        assert!(!is_uri("lot 1"));
        assert!(!is_uri("https://h/a b"));
    }
}
