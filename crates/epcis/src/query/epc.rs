//! The `MATCH_…` parameters (§8.2.7.1.1): an identifier matches itself in any spelling (EPC URN
//! or GS1 Digital Link, through `crate::id::canonical`), and an EPC pattern
//! (`urn:epc:idpat:sgtin:0614141.107346.*`) matches the identifiers it covers.
//!
//! A pattern becomes text prefixes of the stored canonical identifiers (GS1 keys are stored only
//! as Digital Links): the EPC URN prefix (`urn:epc:id:sgtin:0614141.107346.`, for identifiers
//! that stay URNs); when only the last component is a wildcard, the Digital Link prefix of the
//! class (`https://id.gs1.org/01/…/21/`), found by canonicalising a probe identifier; with
//! fewer components fixed, the Digital Link prefixes of the company prefix (ten of them where an
//! indicator or extension digit comes first: `https://id.gs1.org/01/{0-9}0614141`). An SGTIN
//! pattern also covers the LGTIN classes of the same GTIN (`urn:epc:class:lgtin:…`, `…/10/…`),
//! so `MATCH_epcClass` finds lots by product.

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
    out.extend(digital_link_prefixes(scheme, fixed, parts.len()));
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

/// Where a scheme's company prefix sits in its Digital Link: after `https://id.gs1.org/{ai}/`
/// and a lead of `lead` (`Some("")`: none; `Some("0")`: a fixed zero; `None`: one digit that
/// the URN carries elsewhere, the indicator or extension digit).
fn company_prefix_place(scheme: &str) -> Option<(&'static str, Option<&'static str>)> {
    Some(match scheme {
        "sgtin" | "upui" => ("01", None),
        "sscc" => ("00", None),
        "itip" => ("8006", None),
        "grai" => ("8003", Some("0")),
        "sgln" => ("414", Some("")),
        "pgln" => ("417", Some("")),
        "giai" => ("8004", Some("")),
        "gsrn" => ("8018", Some("")),
        "gsrnp" => ("8017", Some("")),
        "gdti" => ("253", Some("")),
        "cpi" => ("8010", Some("")),
        "sgcn" => ("255", Some("")),
        "ginc" => ("401", Some("")),
        "gsin" => ("402", Some("")),
        _ => return None,
    })
}

/// The Digital Link prefixes of what a pattern with more than its last field open covers:
/// every key of the scheme (no field fixed), of the company prefix (only it fixed), or of an
/// ITIP's GTIN, piece and total. Identifiers are stored as Digital Links whatever spelling
/// they came in, so these prefixes are how such a pattern finds them. A Digital Link does not
/// say how long its company prefix is: it matches when its digits there are the pattern's
/// (TDS §8 with the pattern's company prefix length, as [`crate::id::EpcPattern::matches`]).
fn digital_link_prefixes(scheme: &str, fixed: &[&str], fields: usize) -> Vec<TextMatch> {
    const BASE: &str = "https://id.gs1.org/";
    let Some((ai, lead)) = company_prefix_place(scheme) else {
        return Vec::new();
    };
    match fixed {
        [] => vec![TextMatch::Prefix(format!("{BASE}{ai}/"))],
        [gcp] if gcp.bytes().all(|b| b.is_ascii_digit()) && !gcp.is_empty() => match lead {
            Some(lead) => vec![TextMatch::Prefix(format!("{BASE}{ai}/{lead}{gcp}"))],
            None => (0..10)
                .map(|d| TextMatch::Prefix(format!("{BASE}{ai}/{d}{gcp}")))
                .collect(),
        },
        [_, _, rest @ ..] if scheme == "itip" && fixed.len() + 1 < fields => {
            // The GTIN is whole once its two fields are fixed; piece and total follow it, two
            // digits each. A probe fills the open fields and is cut after the fixed ones.
            let fill = ["01", "01", "1"];
            let probe = format!(
                "urn:epc:id:itip:{}.{}",
                fixed.join("."),
                fill[rest.len()..].join(".")
            );
            let dl = id::canonical(&probe);
            let cut = BASE.len() + "8006/".len() + 14 + 2 * rest.len();
            match dl.get(..cut) {
                Some(p) if dl != probe => vec![TextMatch::Prefix(p.to_owned())],
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
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

    /// Patterns of every shape against GS1 keys of every scheme, stored as their canonical
    /// Digital Links: the text matches find exactly what [`id::EpcPattern::matches`] says
    /// matches. Known exception: SGTIN and UPUI share `/01/`, so a pattern of one with no
    /// more than the company prefix fixed also finds the other.
    mod against_the_reference {
        use super::*;
        use proptest::prelude::*;

        /// `(scheme, URN fields)` of a key with a company prefix of `l` digits, made from
        /// `digits` (enough for every field).
        fn key(scheme: usize, l: usize, digits: &str, serial: &str) -> (&'static str, Vec<String>) {
            let d = |from: usize, n: usize| digits[from..from + n].to_owned();
            let gcp = d(0, l);
            let s = serial.to_owned();
            match scheme {
                0 => ("sgtin", vec![gcp, d(12, 13 - l), s]),
                1 => ("lgtin", vec![gcp, d(12, 13 - l), s]),
                2 => ("sscc", vec![gcp, d(12, 17 - l)]),
                3 => ("sgln", vec![gcp, d(12, 12 - l), s]),
                4 => ("grai", vec![gcp, d(12, 12 - l), s]),
                5 => ("giai", vec![gcp, s]),
                6 => ("gsrn", vec![gcp, d(12, 17 - l)]),
                7 => ("gsrnp", vec![gcp, d(12, 17 - l)]),
                8 => ("gdti", vec![gcp, d(12, 12 - l), s]),
                9 => ("cpi", vec![gcp, d(12, 3), s]),
                10 => ("sgcn", vec![gcp, d(12, 12 - l), s]),
                11 => ("ginc", vec![gcp, s]),
                12 => ("gsin", vec![gcp, d(12, 16 - l)]),
                13 => ("itip", vec![gcp, d(12, 13 - l), d(24, 2), d(26, 2), s]),
                14 => ("upui", vec![gcp, d(12, 13 - l), s]),
                _ => ("pgln", vec![gcp, d(12, 12 - l)]),
            }
        }

        fn urn(scheme: &str, fields: &[String]) -> String {
            match scheme {
                "lgtin" => format!("urn:epc:class:lgtin:{}", fields.join(".")),
                s => format!("urn:epc:id:{s}:{}", fields.join(".")),
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            #[test]
            fn digital_links_match_as_the_reference_says(
                id_scheme in 0usize..16,
                pattern_scheme in 0usize..16,
                same_scheme in any::<bool>(),
                l in 6usize..=11,
                digits in "[0-9]{30}",
                serial in "[0-9]{1,4}",
                fixed in 0usize..5,
                mutate in proptest::option::of((0usize..5, 0u8..10)),
            ) {
                let (scheme, fields) = key(id_scheme, l, &digits, &serial);
                let id = urn(scheme, &fields);
                let dl = id::canonical(&id);
                prop_assume!(dl != id);
                let pattern_scheme = if same_scheme { id_scheme } else { pattern_scheme };
                let (p_scheme, mut p_fields) = key(pattern_scheme, l, &digits, &serial);
                let p_scheme = if p_scheme == "lgtin" { "sgtin" } else { p_scheme };
                let fixed = fixed.min(p_fields.len() - 1);
                if let Some((at, digit)) = mutate {
                    let f = &mut p_fields[at.min(fixed.saturating_sub(1))];
                    f.replace_range(..1, &digit.to_string());
                }
                let mut parts: Vec<String> = p_fields[..fixed].to_vec();
                parts.resize(p_fields.len(), "*".to_owned());
                let pattern = format!("urn:epc:idpat:{p_scheme}:{}", parts.join("."));
                let reference = id::EpcPattern::parse(&pattern).unwrap().matches(&dl);
                let found = epc_matchers(&pattern).unwrap().iter().any(|m| m.test(&dl));
                let shared = [scheme, p_scheme].contains(&"upui")
                    && [scheme, p_scheme].iter().any(|s| *s == "sgtin" || *s == "lgtin")
                    && fixed <= 1;
                if !shared {
                    prop_assert_eq!(found, reference, "{} against {} ({})", pattern, dl, id);
                }
            }
        }
    }

    #[test]
    fn company_prefix_patterns_find_digital_links() {
        let m = epc_matchers("urn:epc:idpat:sgtin:0614141.*.*").unwrap();
        let hit = |s: &str| m.iter().any(|t| t.test(s));
        assert!(hit("https://id.gs1.org/01/80614141123458/21/6789"));
        assert!(hit("https://id.gs1.org/01/00614141123452/10/LOT"));
        assert!(!hit("https://id.gs1.org/01/80614142123457/21/6789"));
        let m = epc_matchers("urn:epc:idpat:grai:*.*.*").unwrap();
        assert!(
            m.iter()
                .any(|t| t.test("https://id.gs1.org/8003/00614141123452400"))
        );
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
