//! The `MATCH_…` parameters (§8.2.7.1.1): an identifier matches itself in any spelling (EPC URN
//! or GS1 Digital Link, through `crate::id::canonical`), and an EPC pattern
//! (`urn:epc:idpat:sgtin:0614141.107346.*`) matches the identifiers it covers.
//!
//! A pattern becomes text prefixes of the stored canonical identifiers: the EPC URN prefix
//! (`urn:epc:id:sgtin:0614141.107346.`, for identifiers that stay URNs) and, when only the last
//! component is a wildcard, the Digital Link prefix of the class (`https://id.gs1.org/01/…/21/`),
//! found by canonicalising a probe identifier. An SGTIN pattern also covers the LGTIN classes of
//! the same GTIN (`urn:epc:class:lgtin:…`, `…/10/…`), so `MATCH_epcClass` finds lots by product.

use crate::id;

/// How a stored (canonical) text must look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextMatch {
    /// Equal to this.
    Eq(String),
    /// Starting with this.
    Prefix(String),
}

impl TextMatch {
    pub fn test(&self, text: &str) -> bool {
        match self {
            TextMatch::Eq(s) => text == s,
            TextMatch::Prefix(p) => text.starts_with(p.as_str()),
        }
    }

    /// The half-open range `[lo, hi)` of strings with this prefix (for index range scans):
    /// `hi` is the prefix with its last character incremented; `None` when there is none.
    pub fn prefix_range(prefix: &str) -> (String, Option<String>) {
        let mut chars: Vec<char> = prefix.chars().collect();
        while let Some(last) = chars.pop() {
            if let Some(next) = char::from_u32(last as u32 + 1)
                .or_else(|| char::from_u32(last as u32 + 0x801).filter(|_| last as u32 == 0xD7FF))
            {
                chars.push(next);
                return (prefix.to_owned(), Some(chars.into_iter().collect()));
            }
        }
        (prefix.to_owned(), None)
    }
}

/// The text matches an identifier or pattern given to a `MATCH_…` parameter stands for.
/// `Err` with a message for malformed patterns.
pub fn epc_matchers(value: &str) -> Result<Vec<TextMatch>, String> {
    let canonical = id::canonical(value);
    let Some(rest) = value.strip_prefix("urn:epc:idpat:") else {
        if value.contains('*') && value.starts_with("urn:epc:") {
            return Err(format!(
                "'{value}' has a wildcard but is not an urn:epc:idpat: pattern"
            ));
        }
        return Ok(vec![TextMatch::Eq(canonical)]);
    };
    let (scheme, body) = rest
        .split_once(':')
        .ok_or_else(|| format!("'{value}' is not an EPC pattern (no scheme)"))?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(format!("'{value}' is not an EPC pattern (bad scheme)"));
    }
    let parts: Vec<&str> = body.split('.').collect();
    let first_star = parts.iter().position(|p| *p == "*");
    let Some(first_star) = first_star else {
        // A pattern without wildcards names one identifier.
        return Ok(vec![
            TextMatch::Eq(canonical),
            TextMatch::Eq(format!("urn:epc:id:{scheme}:{body}")),
        ]);
    };
    if parts[first_star..].iter().any(|p| *p != "*") {
        return Err(format!(
            "'{value}': in an EPC pattern every component after a '*' must be '*'"
        ));
    }
    if parts[..first_star]
        .iter()
        .any(|p| p.is_empty() || p.contains('*'))
    {
        return Err(format!(
            "'{value}' has an empty or partial-wildcard component"
        ));
    }
    let fixed = &parts[..first_star];
    let fixed_prefix = if fixed.is_empty() {
        String::new()
    } else {
        format!("{}.", fixed.join("."))
    };
    let mut out = vec![
        TextMatch::Eq(canonical.clone()),
        TextMatch::Prefix(format!("urn:epc:id:{scheme}:{fixed_prefix}")),
        TextMatch::Prefix(format!("urn:epc:idpat:{scheme}:{fixed_prefix}")),
    ];
    if scheme == "sgtin" {
        out.push(TextMatch::Prefix(format!(
            "urn:epc:class:lgtin:{fixed_prefix}"
        )));
    }
    if first_star + 1 == parts.len() && !fixed.is_empty() {
        // Only the last component is open: canonicalise a probe to learn the Digital Link
        // prefix of everything the pattern covers.
        let probe = format!("urn:epc:id:{scheme}:{fixed_prefix}1");
        let dl = id::canonical(&probe);
        if let Some(p) = dl.strip_suffix('1').filter(|_| dl != probe) {
            out.push(TextMatch::Prefix(p.to_owned()));
        }
        // Some schemes drop a zero last component in Digital Link (an SGLN with extension 0
        // is the bare GLN): the zero instance is covered by the pattern too.
        let zero = format!("urn:epc:id:{scheme}:{fixed_prefix}0");
        let dl0 = id::canonical(&zero);
        if dl0 != zero {
            out.push(TextMatch::Eq(dl0));
        }
        if scheme == "sgtin" && canonical != value {
            // `canonical` is the GTIN's Digital Link: its lots follow `/10/`.
            out.push(TextMatch::Prefix(format!("{canonical}/10/")));
        }
    }
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_identifiers_match_themselves() {
        let m = epc_matchers("urn:epc:id:sgtin:0614141.107346.2017").unwrap();
        assert!(m.contains(&TextMatch::Eq(id::canonical(
            "urn:epc:id:sgtin:0614141.107346.2017"
        ))));
        assert_eq!(
            epc_matchers("https://example.com/lot/1").unwrap(),
            [TextMatch::Eq("https://example.com/lot/1".into())]
        );
    }

    #[test]
    fn patterns_become_prefixes() {
        let m = epc_matchers("urn:epc:idpat:sgtin:0614141.107346.*").unwrap();
        let hit = |s: &str| m.iter().any(|t| t.test(s));
        assert!(hit("urn:epc:id:sgtin:0614141.107346.2017"));
        assert!(hit("urn:epc:class:lgtin:0614141.107346.LOT1"));
        assert!(!hit("urn:epc:id:sgtin:0614141.107347.2017"));
        assert!(!hit("urn:epc:id:sgtin:0614141.1073466.1"));
        let m = epc_matchers("urn:epc:idpat:sgtin:0614141.*.*").unwrap();
        assert!(
            m.iter()
                .any(|t| t.test("urn:epc:id:sgtin:0614141.107346.2017"))
        );
        let m = epc_matchers("urn:epc:idpat:sscc:*").unwrap();
        assert!(
            m.iter()
                .any(|t| t.test("urn:epc:id:sscc:0614141.1234567890"))
        );
    }

    #[test]
    fn malformed_patterns_are_errors() {
        assert!(epc_matchers("urn:epc:idpat:sgtin:0614141.*.2017").is_err());
        assert!(epc_matchers("urn:epc:idpat:sgtin:06141*.1.*").is_err());
        assert!(epc_matchers("urn:epc:idpat:").is_err());
        assert!(epc_matchers("urn:epc:id:sgtin:0614141.*.*").is_err());
    }

    #[test]
    fn prefix_ranges() {
        assert_eq!(
            TextMatch::prefix_range("abc"),
            ("abc".into(), Some("abd".into()))
        );
        let (lo, hi) = TextMatch::prefix_range("a\u{10FFFF}");
        assert_eq!((lo.as_str(), hi.as_deref()), ("a\u{10FFFF}", Some("b")));
        assert_eq!(TextMatch::prefix_range("").1, None);
    }
}
