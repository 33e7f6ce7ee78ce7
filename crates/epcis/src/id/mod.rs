//! GS1 identifiers: EPC URNs ↔ GS1 Digital Link, check digits, classification of identifiers
//! (GS1 key or private URI), EPC pattern matching, and the Digital Link normalisation the event
//! hash uses.
//!
//! Two layers:
//! - [`normalise`] / [`canonical`]: a bug-for-bug port of the reference hash generator's
//!   normaliser. Use it for hashing and wherever identifiers must compare as the hash sees them.
//! - [`Gs1Key`] and the functions around it ([`parse_key`], [`to_digital_link`],
//!   [`to_epc_urn`], [`classify`], [`matches_pattern`]): standard, validated conversions.

mod check;
mod dl;
mod key;
mod normalise;
mod pattern;
mod pyre;
mod text;
mod urn;

mod rewrite;
pub use check::{IdError, check_digit, verify_check_digit, with_check_digit};
pub use dl::parse_digital_link;
pub use key::{Gs1Key, Scheme};
pub use normalise::normalise;
pub use pattern::{EpcPattern, matches_pattern};
pub use rewrite::{for_each_identifier, rewrite_identifiers, to_digital_links, with_digital_links};
pub use urn::{DEFAULT_COMPANY_PREFIX_LEN, parse_epc_urn};

/// `normalise(s)`, or `s` unchanged when it is not a GS1 key (what `nooluur id` prints).
pub fn canonical(s: &str) -> String {
    normalise(s).unwrap_or_else(|| s.to_owned())
}

/// Parses a GS1 key written as an EPC URN or a GS1 Digital Link, with the company prefix length
/// when the form carries it (URNs do, Digital Links do not).
pub fn parse_key(s: &str) -> Result<(Gs1Key, Option<usize>), IdError> {
    if s.starts_with("urn:") {
        parse_epc_urn(s).map(|(k, l)| (k, Some(l)))
    } else {
        parse_digital_link(s).map(|k| (k, None))
    }
}

/// The canonical GS1 Digital Link of a GS1 key given as EPC URN or Digital Link; `None` for
/// anything else. For `GS1-EPC-Format: Always_GS1_Digital_Link`.
pub fn to_digital_link(s: &str) -> Option<String> {
    parse_key(s).ok().map(|(k, _)| k.to_digital_link())
}

/// The EPC URN of a GS1 key given as EPC URN or Digital Link; `None` for anything else and for
/// keys with no URN form. A Digital Link does not carry the company prefix length: it is taken
/// to be [`DEFAULT_COMPANY_PREFIX_LEN`]; use [`to_epc_urn_with`] when it is known. For
/// `GS1-EPC-Format: Always_EPC_URN`.
pub fn to_epc_urn(s: &str) -> Option<String> {
    let (key, len) = parse_key(s).ok()?;
    key.to_epc_urn(len.unwrap_or(DEFAULT_COMPANY_PREFIX_LEN))
        .ok()
}

/// The EPC URN of a GS1 key, with a company prefix of `gcp_len` digits.
pub fn to_epc_urn_with(s: &str, gcp_len: usize) -> Result<String, IdError> {
    parse_key(s)?.0.to_epc_urn(gcp_len)
}

/// The GTIN-level class of an identifier carrying a GTIN (SGTIN, LGTIN, GTIN pattern, UPUI,
/// ITIP), as a canonical Digital Link `https://id.gs1.org/01/{gtin}`; `None` otherwise. This is
/// also what [`normalise`] gives for `urn:epc:idpat:sgtin:{gcp}.{item}.*`.
pub fn class_key(id: &str) -> Option<String> {
    parse_key(id).ok()?.0.class_key()
}

/// What kind of identifier a URI is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdClass {
    /// A valid GS1 key: EPC URN (pure identity, LGTIN class, or a pattern naming one class such
    /// as `urn:epc:idpat:sgtin:0614141.812345.*`) or GS1 Digital Link.
    Gs1(Scheme),
    /// Any other EPC pattern URN (`urn:epc:idpat:sgtin:0614141.*.*`).
    Pattern,
    /// An EPC URN with no GS1 key (`gid`, `usdod`, `adi`, `bic`, `imovn`, tag and raw URIs).
    OtherEpc,
    /// An HTTP(S) URI that carries no GS1 key: a private identifier, e.g. `{base}/id/lot/…`.
    PrivateHttp,
    /// Any other absolute URI (`urn:uuid:…`, `urn:nooluur:…`, `tag:…`): a private identifier.
    PrivateUri,
}

/// An absolute URI: `scheme:` (RFC 3986) and something after it, no whitespace or controls.
fn is_absolute_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut b = scheme.bytes();
    b.next().is_some_and(|c| c.is_ascii_alphabetic())
        && b.all(|c| c.is_ascii_alphanumeric() || b"+-.".contains(&c))
        && !rest.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Classifies an identifier: GS1 key or private. `Err` when it is not an absolute URI, or when
/// it is written as a GS1 key (EPC URN, or a Digital Link path) but the key is malformed, e.g.
/// `GTIN 09506000134353: check digit 3 should be 2`.
pub fn classify(s: &str) -> Result<IdClass, IdError> {
    if !is_absolute_uri(s) {
        return Err(IdError::NotAUri(s.to_owned()));
    }
    if s.starts_with("urn:epc:") {
        let Some((kind, scheme, _)) = urn::split_urn(s) else {
            return Ok(IdClass::OtherEpc);
        };
        return match kind {
            urn::UrnKind::Pattern => {
                EpcPattern::parse(s)?;
                Ok(match parse_epc_urn(s) {
                    Ok((k, _)) => IdClass::Gs1(k.scheme()),
                    Err(_) => IdClass::Pattern,
                })
            }
            urn::UrnKind::Id if urn::OTHER_EPC_SCHEMES.contains(&scheme) => Ok(IdClass::OtherEpc),
            _ => parse_epc_urn(s)
                .map(|(k, _)| IdClass::Gs1(k.scheme()))
                .map_err(|e| match e {
                    IdError::NotGs1(_) => {
                        IdError::invalid("EPC URN", s, format!("unknown EPC scheme {scheme:?}"))
                    }
                    e => e,
                }),
        };
    }
    if let Some(split) = dl::split(s) {
        return match split.primary() {
            Some(_) => parse_digital_link(s).map(|k| IdClass::Gs1(k.scheme())),
            None => Ok(IdClass::PrivateHttp),
        };
    }
    Ok(IdClass::PrivateUri)
}

/// Checks an identifier: `Ok` for a valid GS1 key or a private URI, `Err` naming the problem
/// otherwise (see [`classify`]).
pub fn validate(s: &str) -> Result<(), IdError> {
    classify(s).map(|_| ())
}
