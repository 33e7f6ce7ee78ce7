//! Verifying a credential as a whole: data model, proof, issuer, validity period, status.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::VC_V2_CONTEXT;
use crate::certificates::is_uri;
use crate::datetime;
use crate::error::VerifyError;
use crate::proof::{self, VerifiedProof};
use crate::resolver::KeyResolver;
use crate::status::{DEFAULT_MAX_DECODED_BYTES, MIN_STATUS_LIST_BITS, StatusList, StatusPurpose};

/// Where status list credentials come from. The CLI fetches them over HTTP or reads files;
/// the server reads its own. Returns the (signed) status list credential published at `url`,
/// or why it is not available.
pub trait StatusLookup {
    /// The status list credential at `url`.
    fn status_list_credential(&self, url: &str) -> Result<Value, String>;
}

impl<F: Fn(&str) -> Result<Value, String>> StatusLookup for F {
    fn status_list_credential(&self, url: &str) -> Result<Value, String> {
        self(url)
    }
}

/// A lookup that has no status lists: a credential with a `credentialStatus` then fails with
/// "status list unavailable".
#[derive(Debug, Clone, Copy, Default)]
pub struct NoStatusLookup;

impl StatusLookup for NoStatusLookup {
    fn status_list_credential(&self, url: &str) -> Result<Value, String> {
        Err(format!("no status list source was given for {url}"))
    }
}

/// Status list credentials held in memory, keyed by URL (e.g. files given on a command line).
#[derive(Debug, Clone, Default)]
pub struct StaticStatusLookup {
    lists: BTreeMap<String, Value>,
}

impl StaticStatusLookup {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a status list credential under its own `id`; returns that id, or `None` (and adds
    /// nothing) when it has no string `id`.
    pub fn insert(&mut self, credential: Value) -> Option<String> {
        let id = credential.get("id")?.as_str()?.to_owned();
        self.lists.insert(id.clone(), credential);
        Some(id)
    }

    /// Adds a status list credential under an explicit URL.
    pub fn insert_at(&mut self, url: &str, credential: Value) {
        self.lists.insert(url.to_owned(), credential);
    }
}

impl StatusLookup for StaticStatusLookup {
    fn status_list_credential(&self, url: &str) -> Result<Value, String> {
        self.lists
            .get(url)
            .cloned()
            .ok_or_else(|| format!("no status list credential with id {url} was given"))
    }
}

/// Settings of [`verify_with_options`].
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Issuers whose status lists are trusted besides the credential's own issuer (e.g. the
    /// platform, if it signs status lists for its organisations). By default a status list
    /// must come from the credential's issuer, so that nobody else can clear a revocation.
    pub status_list_issuers: Vec<String>,
    /// Ceiling on the decoded size of a status list.
    pub max_status_list_bytes: usize,
    /// Whether the issuer must control the signing key (`IssuerMismatch` otherwise). Off, a
    /// mismatch is only reported in [`Verified::issuer_bound`], as the W3C test vector (a
    /// did:key signing for an https issuer) and the reference verifier expect: the proof then
    /// shows integrity, and binding the key to the issuer is the caller's business.
    pub require_issuer_binding: bool,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            status_list_issuers: Vec::new(),
            max_status_list_bytes: DEFAULT_MAX_DECODED_BYTES,
            require_issuer_binding: true,
        }
    }
}

/// One status entry that was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedStatus {
    /// The entry's `statusPurpose`.
    pub purpose: StatusPurpose,
    /// The status list credential URL.
    pub list: String,
    /// The entry's index.
    pub index: u64,
    /// The status read (0 for a valid revocation or suspension status).
    pub value: u32,
}

/// What a verified credential says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The credential's `id`, if any.
    pub id: Option<String>,
    /// Its `type` values.
    pub types: Vec<String>,
    /// The issuer's id.
    pub issuer: String,
    /// The proofs that verified.
    pub proofs: Vec<VerifiedProof>,
    /// Whether one of them is by a key the issuer controls (always true unless
    /// [`VerifyOptions::require_issuer_binding`] was off).
    pub issuer_bound: bool,
    /// `validFrom`, if any.
    pub valid_from: Option<DateTime<Utc>>,
    /// `validUntil`, if any.
    pub valid_until: Option<DateTime<Utc>>,
    /// Every `BitstringStatusListEntry` that was checked.
    pub status: Vec<CheckedStatus>,
    /// `type`s of `credentialStatus` entries of other kinds, which were not checked.
    pub unchecked_status: Vec<String>,
}

/// Verifies a VC 2.0 credential at time `now`: its data model, every proof (eddsa-jcs-2022),
/// that the issuer controls the signing key, `validFrom`/`validUntil`, and each
/// `BitstringStatusListEntry` against its status list credential (whose own proof, issuer and
/// validity are verified too). Equivalent to [`verify_with_options`] with the defaults.
pub fn verify(
    credential: &Value,
    keys: &dyn KeyResolver,
    now: DateTime<Utc>,
    status: &dyn StatusLookup,
) -> Result<Verified, VerifyError> {
    verify_with_options(credential, keys, now, status, &VerifyOptions::default())
}

/// [`verify`] with explicit [`VerifyOptions`].
pub fn verify_with_options(
    credential: &Value,
    keys: &dyn KeyResolver,
    now: DateTime<Utc>,
    status: &dyn StatusLookup,
    options: &VerifyOptions,
) -> Result<Verified, VerifyError> {
    let doc = credential
        .as_object()
        .ok_or_else(|| VerifyError::malformed("credential", "not a JSON object"))?;
    let model = check_model(doc)?;
    let proofs = proof::verify_proof(credential, keys, now)?;
    let issuer_bound = match check_issuer(&model.issuer, &proofs) {
        Ok(()) => true,
        Err(e) if options.require_issuer_binding => return Err(e),
        Err(_) => false,
    };
    check_validity(&model, now)?;
    let mut verified = Verified {
        id: model.id,
        types: model.types,
        issuer: model.issuer,
        proofs,
        issuer_bound,
        valid_from: model.valid_from.map(|(t, _)| t),
        valid_until: model.valid_until.map(|(t, _)| t),
        status: Vec::new(),
        unchecked_status: Vec::new(),
    };
    check_status(doc, &mut verified, keys, now, status, options)?;
    Ok(verified)
}

struct Model {
    id: Option<String>,
    types: Vec<String>,
    issuer: String,
    valid_from: Option<(DateTime<Utc>, String)>,
    valid_until: Option<(DateTime<Utc>, String)>,
}

fn strings(v: &Value, field: &str) -> Result<Vec<String>, VerifyError> {
    let items = match v {
        Value::Array(a) => a.as_slice(),
        one => std::slice::from_ref(one),
    };
    items
        .iter()
        .map(|i| {
            i.as_str()
                .map(str::to_owned)
                .ok_or_else(|| VerifyError::malformed(field, "not a string or list of strings"))
        })
        .collect()
}

fn check_model(doc: &Map<String, Value>) -> Result<Model, VerifyError> {
    // Entries after the first may be URLs or embedded context objects; only the first must be
    // the VC 2.0 URL.
    let first = match doc.get("@context") {
        None => return Err(VerifyError::malformed("@context", "missing")),
        Some(Value::Array(a)) => a.first().and_then(Value::as_str),
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => None,
    };
    if first != Some(VC_V2_CONTEXT) {
        return Err(VerifyError::malformed(
            "@context",
            format!("the first context must be {VC_V2_CONTEXT} (a VC 2.0 credential)"),
        ));
    }
    let types = strings(
        doc.get("type")
            .ok_or_else(|| VerifyError::malformed("type", "missing"))?,
        "type",
    )?;
    if !types.iter().any(|t| t == "VerifiableCredential") {
        return Err(VerifyError::malformed(
            "type",
            "does not include VerifiableCredential",
        ));
    }
    let id = match doc.get("id") {
        None => None,
        Some(Value::String(s)) if is_uri(s) => Some(s.clone()),
        Some(_) => return Err(VerifyError::malformed("id", "not a URL")),
    };
    let issuer = match doc.get("issuer") {
        None => return Err(VerifyError::malformed("issuer", "missing")),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => match o.get("id") {
            Some(Value::String(s)) => s.clone(),
            _ => {
                return Err(VerifyError::malformed(
                    "issuer.id",
                    "missing or not a string",
                ));
            }
        },
        Some(_) => {
            return Err(VerifyError::malformed(
                "issuer",
                "neither a URL nor an object with an id",
            ));
        }
    };
    if !is_uri(&issuer) {
        return Err(VerifyError::malformed(
            "issuer",
            format!("{issuer:?} is not a URL"),
        ));
    }
    match doc.get("credentialSubject") {
        Some(Value::Object(o)) if !o.is_empty() => {}
        Some(Value::Array(a))
            if !a.is_empty()
                && a.iter()
                    .all(|s| s.as_object().is_some_and(|o| !o.is_empty())) => {}
        None => return Err(VerifyError::malformed("credentialSubject", "missing")),
        Some(_) => {
            return Err(VerifyError::malformed(
                "credentialSubject",
                "not a non-empty object or list of objects",
            ));
        }
    }
    let stamp = |name: &str| -> Result<Option<(DateTime<Utc>, String)>, VerifyError> {
        match doc.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => datetime::parse_stamp(s)
                .map(|t| Some((t, s.clone())))
                .map_err(|e| VerifyError::malformed(name, e.to_string())),
            Some(_) => Err(VerifyError::malformed(name, "not a string")),
        }
    };
    Ok(Model {
        id,
        types,
        issuer,
        valid_from: stamp("validFrom")?,
        valid_until: stamp("validUntil")?,
    })
}

fn check_issuer(issuer: &str, proofs: &[VerifiedProof]) -> Result<(), VerifyError> {
    if proofs.iter().any(|p| p.controller == issuer) {
        return Ok(());
    }
    let first = proofs.first();
    Err(VerifyError::IssuerMismatch {
        issuer: issuer.to_owned(),
        method: first
            .map(|p| p.verification_method.clone())
            .unwrap_or_default(),
        controller: first.map(|p| p.controller.clone()).unwrap_or_default(),
    })
}

fn check_validity(model: &Model, now: DateTime<Utc>) -> Result<(), VerifyError> {
    if let Some((from, text)) = &model.valid_from
        && now < *from
    {
        return Err(VerifyError::NotYetValid {
            valid_from: text.clone(),
        });
    }
    if let Some((until, text)) = &model.valid_until
        && now > *until
    {
        return Err(VerifyError::Expired {
            valid_until: text.clone(),
        });
    }
    Ok(())
}

/// A status list that verified: its purposes and bits.
struct CheckedList {
    purposes: Vec<String>,
    bits: StatusList,
}

fn check_status(
    doc: &Map<String, Value>,
    verified: &mut Verified,
    keys: &dyn KeyResolver,
    now: DateTime<Utc>,
    lookup: &dyn StatusLookup,
    options: &VerifyOptions,
) -> Result<(), VerifyError> {
    let entries: Vec<(String, &Value)> = match doc.get("credentialStatus") {
        None => return Ok(()),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("credentialStatus[{i}]"), e))
            .collect(),
        Some(one) => vec![("credentialStatus".to_owned(), one)],
    };
    let mut lists: BTreeMap<String, CheckedList> = BTreeMap::new();
    for (label, entry) in entries {
        let e = entry
            .as_object()
            .ok_or_else(|| VerifyError::malformed(&label, "not a JSON object"))?;
        let field = |name: &str| format!("{label}.{name}");
        let string = |name: &str| -> Result<&str, VerifyError> {
            e.get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| VerifyError::malformed(field(name), "missing or not a string"))
        };
        let ty = string("type")?;
        if ty != "BitstringStatusListEntry" {
            verified.unchecked_status.push(ty.to_owned());
            continue;
        }
        let purpose = string("statusPurpose")?;
        let index_text = string("statusListIndex")?;
        let index = parse_index(index_text).ok_or_else(|| {
            VerifyError::malformed(
                field("statusListIndex"),
                format!("{index_text:?} is not a non-negative integer in a string"),
            )
        })?;
        let url = string("statusListCredential")?;
        if !is_uri(url) {
            return Err(VerifyError::malformed(
                field("statusListCredential"),
                "not a URL",
            ));
        }
        let size = match e.get("statusSize") {
            None => 1,
            Some(v) => v
                .as_u64()
                .and_then(|s| u32::try_from(s).ok())
                .filter(|s| (1..=32).contains(s))
                .ok_or_else(|| {
                    VerifyError::malformed(field("statusSize"), "not an integer from 1 to 32")
                })?,
        };
        if size > 1 && !e.contains_key("statusMessage") {
            return Err(VerifyError::malformed(
                field("statusMessage"),
                "required when statusSize is above 1",
            ));
        }
        if !lists.contains_key(url) {
            let checked = fetch_list(url, &verified.issuer, keys, now, lookup, options)?;
            lists.insert(url.to_owned(), checked);
        }
        let Some(list) = lists.get(url) else {
            continue;
        };
        let invalid = |reason: String| VerifyError::StatusListInvalid {
            list: url.to_owned(),
            reason,
        };
        if !list.purposes.iter().any(|p| p == purpose) {
            return Err(invalid(format!(
                "it is a {} list, not a {purpose} list (STATUS_VERIFICATION_ERROR)",
                list.purposes.join("/")
            )));
        }
        if list.bits.entries(size) < MIN_STATUS_LIST_BITS {
            return Err(invalid(format!(
                "{} entries, fewer than {MIN_STATUS_LIST_BITS} (STATUS_LIST_LENGTH_ERROR)",
                list.bits.entries(size)
            )));
        }
        let value = list
            .bits
            .get_status(index, size)
            .map_err(|e| invalid(e.to_string()))?;
        let purpose = StatusPurpose::from_name(purpose);
        if value != 0 {
            match purpose {
                StatusPurpose::Revocation => {
                    return Err(VerifyError::Revoked {
                        list: url.to_owned(),
                        index,
                    });
                }
                StatusPurpose::Suspension => {
                    return Err(VerifyError::Suspended {
                        list: url.to_owned(),
                        index,
                    });
                }
                StatusPurpose::Other(_) => {}
            }
        }
        verified.status.push(CheckedStatus {
            purpose,
            list: url.to_owned(),
            index,
            value,
        });
    }
    Ok(())
}

fn parse_index(s: &str) -> Option<u64> {
    let canonical = s == "0" || (!s.starts_with('0') && !s.is_empty());
    if canonical && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn fetch_list(
    url: &str,
    credential_issuer: &str,
    keys: &dyn KeyResolver,
    now: DateTime<Utc>,
    lookup: &dyn StatusLookup,
    options: &VerifyOptions,
) -> Result<CheckedList, VerifyError> {
    let slc = lookup.status_list_credential(url).map_err(|reason| {
        VerifyError::StatusListUnavailable {
            list: url.to_owned(),
            reason,
        }
    })?;
    let invalid = |reason: String| VerifyError::StatusListInvalid {
        list: url.to_owned(),
        reason,
    };
    let doc = slc
        .as_object()
        .ok_or_else(|| invalid("not a JSON object".into()))?;
    let model = check_model(doc).map_err(|e| invalid(e.to_string()))?;
    let proofs = proof::verify_proof(&slc, keys, now).map_err(|e| invalid(e.to_string()))?;
    check_issuer(&model.issuer, &proofs).map_err(|e| invalid(e.to_string()))?;
    if model.issuer != credential_issuer && !options.status_list_issuers.contains(&model.issuer) {
        return Err(invalid(format!(
            "issued by {}, not by the credential's issuer {credential_issuer}",
            model.issuer
        )));
    }
    if model.id.as_deref() != Some(url) {
        return Err(invalid(format!(
            "its id is {:?}, not the URL it was fetched from",
            model.id.as_deref().unwrap_or("")
        )));
    }
    if !model
        .types
        .iter()
        .any(|t| t == "BitstringStatusListCredential")
    {
        return Err(invalid(
            "type does not include BitstringStatusListCredential".into(),
        ));
    }
    check_validity(&model, now).map_err(|e| invalid(e.to_string()))?;
    let subject = doc
        .get("credentialSubject")
        .and_then(Value::as_object)
        .filter(|s| s.get("type").and_then(Value::as_str) == Some("BitstringStatusList"))
        .ok_or_else(|| invalid("credentialSubject is not a BitstringStatusList".into()))?;
    let purposes = subject
        .get("statusPurpose")
        .ok_or_else(|| invalid("credentialSubject.statusPurpose is missing".into()))
        .and_then(|p| strings(p, "statusPurpose").map_err(|e| invalid(e.to_string())))?;
    let encoded = subject
        .get("encodedList")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("credentialSubject.encodedList is missing".into()))?;
    let bits = StatusList::decode_with_limit(encoded, options.max_status_list_bytes)
        .map_err(|e| invalid(e.to_string()))?;
    Ok(CheckedList { purposes, bits })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_syntax() {
        assert_eq!(parse_index("0"), Some(0));
        assert_eq!(parse_index("94567"), Some(94567));
        for bad in ["", "01", "-1", "1.0", " 1", "99999999999999999999999"] {
            assert_eq!(parse_index(bad), None, "{bad}");
        }
    }

    #[test]
    fn url_shape() {
        assert!(is_uri("https://x.org/a"));
        assert!(is_uri("did:key:z6Mk"));
        assert!(is_uri("urn:uuid:1"));
        for bad in ["", "x", ":a", "1a:b", "a:", "https://a b"] {
            assert!(!is_uri(bad), "{bad}");
        }
    }
}
