//! Properties of the identifier layer: EPC URN → Digital Link → EPC URN round trips for
//! generated keys of every scheme, agreement with the reference normaliser on valid URNs,
//! check digits, and no panic on any input.

use epcis::id::{self, IdClass, IdError, Scheme};
use proptest::prelude::*;

const CSET82: &str =
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
const CSET39: &str = "#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn digits(n: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..10, n)
        .prop_map(|v| v.iter().map(|d| char::from(b'0' + d)).collect())
}

fn chars(set: &'static str, min: usize, max: usize) -> impl Strategy<Value = String> {
    let set: Vec<char> = set.chars().collect();
    proptest::collection::vec(proptest::sample::select(set), min..=max)
        .prop_map(|v| v.into_iter().collect())
}

/// TDS Table 5-1: the characters an EPC URN component must escape.
fn esc(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' | '%' | '&' | '/' | '<' | '>' | '?' | '#' => format!("%{:02X}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// A canonical EPC URN of a random valid key: (URN, scheme, company prefix length).
fn epc_urn() -> impl Strategy<Value = (String, Scheme, usize)> {
    (6usize..=12, 0usize..16).prop_flat_map(|(l, which)| {
        let gcp = digits(l);
        let urn: BoxedStrategy<(String, Scheme)> = match which {
            0 => (gcp, digits(13 - l), chars(CSET82, 1, 20))
                .prop_map(|(g, i, s)| {
                    (
                        format!("urn:epc:id:sgtin:{g}.{i}.{}", esc(&s)),
                        Scheme::Sgtin,
                    )
                })
                .boxed(),
            1 => (gcp, digits(17 - l))
                .prop_map(|(g, r)| (format!("urn:epc:id:sscc:{g}.{r}"), Scheme::Sscc))
                .boxed(),
            2 => (gcp, digits(12 - l), chars(CSET82, 1, 20))
                .prop_map(|(g, r, e)| {
                    (format!("urn:epc:id:sgln:{g}.{r}.{}", esc(&e)), Scheme::Sgln)
                })
                .boxed(),
            3 => (gcp, digits(12 - l), chars(CSET82, 1, 16))
                .prop_map(|(g, r, s)| {
                    (format!("urn:epc:id:grai:{g}.{r}.{}", esc(&s)), Scheme::Grai)
                })
                .boxed(),
            4 => (gcp, chars(CSET82, 1, 30 - l))
                .prop_map(|(g, r)| (format!("urn:epc:id:giai:{g}.{}", esc(&r)), Scheme::Giai))
                .boxed(),
            5 => (gcp, digits(17 - l), any::<bool>())
                .prop_map(|(g, r, p)| {
                    if p {
                        (format!("urn:epc:id:gsrnp:{g}.{r}"), Scheme::Gsrnp)
                    } else {
                        (format!("urn:epc:id:gsrn:{g}.{r}"), Scheme::Gsrn)
                    }
                })
                .boxed(),
            6 => (gcp, digits(12 - l), chars(CSET82, 1, 17))
                .prop_map(|(g, r, s)| {
                    (format!("urn:epc:id:gdti:{g}.{r}.{}", esc(&s)), Scheme::Gdti)
                })
                .boxed(),
            7 => (gcp, chars(CSET39, 1, 30 - l), 1usize..=12)
                .prop_flat_map(|(g, r, n)| (Just(g), Just(r), digits(n)))
                .prop_map(|(g, r, s)| (format!("urn:epc:id:cpi:{g}.{}.{s}", esc(&r)), Scheme::Cpi))
                .boxed(),
            8 => (gcp, digits(12 - l), 1usize..=12)
                .prop_flat_map(|(g, r, n)| (Just(g), Just(r), digits(n)))
                .prop_map(|(g, r, s)| (format!("urn:epc:id:sgcn:{g}.{r}.{s}"), Scheme::Sgcn))
                .boxed(),
            9 => (gcp, chars(CSET82, 1, 30 - l))
                .prop_map(|(g, r)| (format!("urn:epc:id:ginc:{g}.{}", esc(&r)), Scheme::Ginc))
                .boxed(),
            10 => (gcp, digits(16 - l))
                .prop_map(|(g, r)| (format!("urn:epc:id:gsin:{g}.{r}"), Scheme::Gsin))
                .boxed(),
            11 => (
                gcp,
                digits(13 - l),
                digits(2),
                digits(2),
                chars(CSET82, 1, 20),
            )
                .prop_map(|(g, i, p, t, s)| {
                    (
                        format!("urn:epc:id:itip:{g}.{i}.{p}.{t}.{}", esc(&s)),
                        Scheme::Itip,
                    )
                })
                .boxed(),
            12 => (gcp, digits(13 - l), chars(CSET82, 1, 28))
                .prop_map(|(g, i, s)| {
                    (format!("urn:epc:id:upui:{g}.{i}.{}", esc(&s)), Scheme::Upui)
                })
                .boxed(),
            13 => (gcp, digits(12 - l))
                .prop_map(|(g, r)| (format!("urn:epc:id:pgln:{g}.{r}"), Scheme::Pgln))
                .boxed(),
            14 => (gcp, digits(13 - l), chars(CSET82, 1, 20))
                .prop_map(|(g, i, s)| {
                    (
                        format!("urn:epc:class:lgtin:{g}.{i}.{}", esc(&s)),
                        Scheme::Lgtin,
                    )
                })
                .boxed(),
            _ => (gcp, digits(13 - l))
                .prop_map(|(g, i)| (format!("urn:epc:idpat:sgtin:{g}.{i}.*"), Scheme::Gtin))
                .boxed(),
        };
        urn.prop_map(move |(u, s)| (u, s, l))
    })
}

/// Strings that look like identifiers, to reach deep into the parsers.
fn near_identifier() -> impl Strategy<Value = String> {
    let prefixes = proptest::sample::select(vec![
        "urn:epc:id:sgtin:",
        "urn:epc:id:sscc:",
        "urn:epc:id:sgln:",
        "urn:epc:id:grai:",
        "urn:epc:id:giai:",
        "urn:epc:id:gdti:",
        "urn:epc:id:cpi:",
        "urn:epc:id:sgcn:",
        "urn:epc:id:itip:",
        "urn:epc:id:upui:",
        "urn:epc:class:lgtin:",
        "urn:epc:idpat:sgtin:",
        "urn:epc:idpat:cpi:",
        "urn:epc:idpat:itip:",
        "https://id.gs1.org/01/",
        "https://id.gs1.org/8006/",
        "https://id.gs1.org/8010/",
        "https://x.y/gtin/",
        "http://",
        "https://",
        "",
    ]);
    let tail = chars("0123456789.*%/:?#@-_AaZz2F3C\n\u{663}\u{1D7D8}é", 0, 48);
    (prefixes, tail).prop_map(|(p, t)| format!("{p}{t}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn urn_digital_link_urn_round_trip((urn, scheme, l) in epc_urn()) {
        prop_assert_eq!(id::classify(&urn), Ok(IdClass::Gs1(scheme)));
        let dl = id::to_digital_link(&urn).unwrap();
        let key = id::parse_digital_link(&dl).unwrap();
        prop_assert_eq!(key.scheme(), scheme);
        prop_assert_eq!(key.to_epc_urn(l).unwrap(), urn.clone());
        prop_assert_eq!(id::to_epc_urn_with(&dl, l).unwrap(), urn.clone());
        prop_assert_eq!(key.to_digital_link(), dl.clone());
    }

    #[test]
    fn standard_conversion_agrees_with_the_reference_normaliser((urn, scheme, l) in epc_urn()) {
        // The reference cannot read a GRAI with a 12-digit company prefix (it wants a third dot).
        prop_assume!(!(scheme == Scheme::Grai && l == 12));
        let dl = id::to_digital_link(&urn).unwrap();
        prop_assert_eq!(id::normalise(&urn), Some(dl.clone()));
        // Without escapes, the canonical Digital Link is a fixed point of the reference.
        if !dl.contains('%') && scheme != Scheme::Cpi {
            prop_assert_eq!(id::normalise(&dl), Some(dl.clone()));
        }
    }

    #[test]
    fn patterns_match_their_keys((urn, scheme, l) in epc_urn()) {
        let dl = id::to_digital_link(&urn).unwrap();
        prop_assert!(id::matches_pattern(&urn, &dl));
        prop_assert!(id::matches_pattern(&dl, &urn));
        let (kind, rest) = urn.strip_prefix("urn:epc:").unwrap().split_once(':').unwrap();
        let (name, body) = rest.split_once(':').unwrap();
        if kind == "id" {
            let gcp = &body[..l];
            let fields = match name { "sscc" | "giai" | "gsrn" | "gsrnp" | "ginc" | "gsin" | "pgln" => 2, "itip" => 5, _ => 3 };
            let stars = vec!["*"; fields - 1].join(".");
            let pattern = format!("urn:epc:idpat:{name}:{gcp}.{stars}");
            prop_assert!(id::matches_pattern(&pattern, &urn), "{} {}", pattern, urn);
            prop_assert!(id::matches_pattern(&pattern, &dl), "{} {}", pattern, dl);
        }
        if matches!(scheme, Scheme::Sgtin | Scheme::Lgtin | Scheme::Gtin | Scheme::Upui) {
            let class = id::class_key(&urn).unwrap();
            prop_assert!(id::matches_pattern(&class, &dl));
            prop_assert_eq!(id::class_key(&dl), Some(class));
        }
    }

    #[test]
    fn computed_check_digits_verify(body in proptest::collection::vec(0u8..10, 1..20), bump in 1u8..10) {
        let body: String = body.iter().map(|d| char::from(b'0' + d)).collect();
        let full = id::with_check_digit(&body).unwrap();
        prop_assert!(id::verify_check_digit("KEY", &full, full.len()).is_ok());
        let cd = full.as_bytes()[full.len() - 1] - b'0';
        let wrong = format!("{body}{}", (cd + bump) % 10);
        let err = id::verify_check_digit("KEY", &wrong, wrong.len()).unwrap_err();
        let is_check_digit_error = matches!(err, IdError::CheckDigit { expected, .. } if expected == char::from(b'0' + cd));
        prop_assert!(is_check_digit_error);
    }

    #[test]
    fn nothing_panics_on_arbitrary_strings(s in any::<String>()) {
        let _ = id::normalise(&s);
        let _ = id::classify(&s);
        let _ = id::to_epc_urn(&s);
        let _ = id::to_digital_link(&s);
        let _ = id::matches_pattern(&s, &s);
        let _ = id::EpcPattern::parse(&s);
    }

    #[test]
    fn nothing_panics_on_near_identifiers(s in near_identifier(), t in near_identifier()) {
        let _ = id::normalise(&s);
        let _ = id::canonical(&s);
        let _ = id::classify(&s);
        let _ = id::to_epc_urn(&s);
        let _ = id::to_epc_urn_with(&s, 12);
        let _ = id::to_digital_link(&s);
        let _ = id::class_key(&s);
        let _ = id::matches_pattern(&s, &t);
        // Whatever the standard conversion accepts, the reference accepts too, unless the
        // URN has the 12-digit forms the reference misreads.
        if s.starts_with("urn:epc:id:sgtin:") && let Some(dl) = id::to_digital_link(&s) && !s.contains('%') {
            prop_assert_eq!(id::normalise(&s), Some(dl));
        }
    }
}
