//! GS1 check digits (GS1 General Specifications §7.9.1) and the identifier error type.

/// What is wrong with an identifier: which key, its value, and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The check digit does not match the digits before it.
    #[error("{key} {value}: check digit {found} should be {expected}")]
    CheckDigit {
        /// The key type, e.g. `GTIN`, `SSCC`, `GLN`.
        key: &'static str,
        /// The key's digits, check digit included.
        value: String,
        found: char,
        expected: char,
    },
    /// The identifier names a GS1 key or EPC scheme but does not follow its syntax.
    #[error("{key} {value}: {problem}")]
    Invalid {
        /// The scheme or key type, e.g. `SGTIN`, `GTIN`, `Digital Link`.
        key: &'static str,
        /// The identifier as given.
        value: String,
        problem: String,
    },
    /// Not an absolute URI (no scheme such as `urn:` or `https:`).
    #[error("{0:?} is not an absolute URI")]
    NotAUri(String),
    /// A well-formed URI that carries no GS1 key, where one is needed.
    #[error("{0} is not a GS1 key")]
    NotGs1(String),
    /// The key has no EPC URN form (e.g. an ITIP with a lot), or the GS1 Company Prefix length
    /// does not fit the key.
    #[error("{value}: {problem}")]
    NoEpcForm { value: String, problem: String },
}

impl IdError {
    pub(crate) fn invalid(key: &'static str, value: &str, problem: impl Into<String>) -> IdError {
        IdError::Invalid {
            key,
            value: value.to_owned(),
            problem: problem.into(),
        }
    }
}

/// The GS1 mod-10 check digit of `body` (the digits before the check digit): weights 3 and 1
/// alternate from the right. `None` when `body` holds anything but ASCII digits.
pub fn check_digit(body: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (i, b) in body.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        let d = u32::from(b - b'0');
        sum += if i % 2 == 0 { 3 * d } else { d };
    }
    Some(((10 - sum % 10) % 10) as u8)
}

/// `body` followed by its check digit.
pub fn with_check_digit(body: &str) -> Option<String> {
    let cd = check_digit(body)?;
    let mut s = String::with_capacity(body.len() + 1);
    s.push_str(body);
    s.push(char::from(b'0' + cd));
    Some(s)
}

/// Checks that `value` is `len` ASCII digits whose last one is the check digit of the others.
/// `key` names the key type in the error (`"GTIN"`, `"SSCC"`, …).
pub fn verify_check_digit(key: &'static str, value: &str, len: usize) -> Result<(), IdError> {
    if value.len() != len || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdError::invalid(
            key,
            value,
            format!("must be {len} digits"),
        ));
    }
    let (body, last) = value.split_at(len - 1);
    let expected = check_digit(body).map(|d| char::from(b'0' + d));
    let found = last.chars().next();
    match (expected, found) {
        (Some(e), Some(f)) if e == f => Ok(()),
        (Some(expected), Some(found)) => Err(IdError::CheckDigit {
            key,
            value: value.to_owned(),
            found,
            expected,
        }),
        _ => Err(IdError::invalid(
            key,
            value,
            format!("must be {len} digits"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_check_digits() {
        // GS1 General Specifications examples and the GS1 check digit calculator.
        assert_eq!(check_digit("0950600013435"), Some(2));
        assert_eq!(check_digit("8061414112345"), Some(8));
        assert_eq!(check_digit("10614141123456789"), Some(7));
        assert_eq!(check_digit("061414112345"), Some(2));
        assert_eq!(check_digit(""), Some(0));
        assert_eq!(check_digit("12a"), None);
        assert_eq!(
            with_check_digit("0952123454321").as_deref(),
            Some("09521234543213")
        );
    }

    #[test]
    fn verify_names_the_problem() {
        assert!(verify_check_digit("GTIN", "09506000134352", 14).is_ok());
        let e = verify_check_digit("GTIN", "09506000134353", 14).unwrap_err();
        assert_eq!(
            e.to_string(),
            "GTIN 09506000134353: check digit 3 should be 2"
        );
        let e = verify_check_digit("GLN", "123", 13).unwrap_err();
        assert_eq!(e.to_string(), "GLN 123: must be 13 digits");
    }
}
