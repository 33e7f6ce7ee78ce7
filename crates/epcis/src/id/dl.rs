//! GS1 Digital Link URIs (GS1 Digital Link: URI Syntax 1.x) parsed into [`Gs1Key`]: any
//! domain and path prefix, numeric AIs or the convenience alphas (`gtin`, `ser`, `lot`, …),
//! GTIN-8/12/13 padded to 14 digits. The query string (data attributes) and fragment are
//! ignored; of lot and serial only the serial is kept, and the CPV is dropped, as the reference
//! normaliser does.

use super::check::IdError;
use super::key::{Gs1Key, Scheme};
use super::text::percent_decode;

const NAME: &str = "Digital Link";

/// Primary-key path segments: AI or convenience alpha, and the AI it stands for.
const PRIMARY: [(&str, &str); 28] = [
    ("01", "01"),
    ("gtin", "01"),
    ("00", "00"),
    ("sscc", "00"),
    ("414", "414"),
    ("gln", "414"),
    ("417", "417"),
    ("party", "417"),
    ("8003", "8003"),
    ("grai", "8003"),
    ("8004", "8004"),
    ("giai", "8004"),
    ("8017", "8017"),
    ("gsrnp", "8017"),
    ("8018", "8018"),
    ("gsrn", "8018"),
    ("253", "253"),
    ("gdti", "253"),
    ("255", "255"),
    ("gcn", "255"),
    ("401", "401"),
    ("ginc", "401"),
    ("402", "402"),
    ("gsin", "402"),
    ("8006", "8006"),
    ("itip", "8006"),
    ("8010", "8010"),
    ("cpid", "8010"),
];

fn primary_ai(seg: &str) -> Option<&'static str> {
    PRIMARY.iter().find(|(s, _)| *s == seg).map(|(_, ai)| *ai)
}

fn qualifier_ai(seg: &str) -> Option<&'static str> {
    Some(match seg {
        "21" | "ser" => "21",
        "10" | "lot" => "10",
        "22" | "cpv" => "22",
        "235" => "235",
        "254" => "254",
        "8011" => "8011",
        _ => return None,
    })
}

fn leading_digits(s: &str) -> usize {
    s.bytes().take_while(u8::is_ascii_digit).count()
}

/// Whether `value` looks enough like a key of `ai` for a URI on some other domain to be taken
/// for a Digital Link: the right number of digits for numeric keys, at least four leading
/// digits (a company prefix) for the others.
fn plausible(ai: &str, value: &str) -> bool {
    let all = leading_digits(value) == value.len();
    match ai {
        "01" => all && matches!(value.len(), 8 | 12 | 13 | 14),
        "00" | "8017" | "8018" | "8006" => all && value.len() == 18,
        "414" | "417" => all && value.len() == 13,
        "402" => all && value.len() == 17,
        "8003" => leading_digits(value) >= 14,
        "253" | "255" => leading_digits(value) >= 13,
        _ => leading_digits(value) >= 4,
    }
}

/// A URI split the way a Digital Link is read.
pub(crate) struct Split<'a> {
    pub(crate) host: &'a str,
    segments: Vec<&'a str>,
}

/// Splits an `http(s)` URI into host and path segments; `None` for any other scheme.
pub(crate) fn split(uri: &str) -> Option<Split<'_>> {
    let (scheme, rest) = uri.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
        return None;
    }
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let rest = rest.get(..end).unwrap_or(rest);
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host);
    let mut segments: Vec<&str> = path.split('/').skip(1).collect();
    if segments.last() == Some(&"") {
        segments.pop();
    }
    Some(Split { host, segments })
}

impl Split<'_> {
    /// The index of the primary key's segment: the first primary AI followed by a plausible
    /// value, or on `id.gs1.org` the first primary AI at all.
    pub(crate) fn primary(&self) -> Option<usize> {
        let strict = self.host.eq_ignore_ascii_case("id.gs1.org");
        (0..self.segments.len()).find(|&i| {
            let (Some(seg), Some(value)) = (self.segments.get(i), self.segments.get(i + 1)) else {
                return false;
            };
            match primary_ai(seg) {
                Some(ai) => strict || percent_decode(value).is_some_and(|v| plausible(ai, &v)),
                None => false,
            }
        })
    }
}

/// Parses a GS1 Digital Link URI. `Err(IdError::NotGs1)` when the URI carries no GS1 key;
/// other errors when it does but the key is malformed (wrong length, check digit, qualifier).
pub fn parse_digital_link(uri: &str) -> Result<Gs1Key, IdError> {
    let not_gs1 = || IdError::NotGs1(uri.to_owned());
    let split = split(uri).ok_or_else(not_gs1)?;
    let i = split.primary().ok_or_else(not_gs1)?;
    let seg = |k: usize| split.segments.get(k).copied().unwrap_or("");
    let ai = primary_ai(seg(i)).ok_or_else(not_gs1)?;
    let decode = |v: &str| {
        percent_decode(v)
            .ok_or_else(|| IdError::invalid(NAME, uri, format!("bad percent-encoding in {v:?}")))
    };
    let value = decode(seg(i + 1))?;
    let mut quals: Vec<(&str, String)> = Vec::new();
    let rest = split.segments.get(i + 2..).unwrap_or(&[]);
    for pair in rest.chunks(2) {
        let [q, v] = pair else {
            return Err(IdError::invalid(
                NAME,
                uri,
                format!(
                    "path segment {:?} has no value",
                    pair.first().copied().unwrap_or("")
                ),
            ));
        };
        let q_ai = qualifier_ai(q)
            .ok_or_else(|| IdError::invalid(NAME, uri, format!("{q:?} is not a key qualifier")))?;
        if quals.iter().any(|(a, _)| *a == q_ai) {
            return Err(IdError::invalid(
                NAME,
                uri,
                format!("qualifier {q_ai} appears twice"),
            ));
        }
        quals.push((q_ai, decode(v)?));
    }
    let allowed: &[&str] = match ai {
        "01" if quals.iter().any(|(a, _)| *a == "235") => &["235"],
        "01" | "8006" => &["22", "10", "21"],
        "414" => &["254"],
        "8010" => &["8011"],
        _ => &[],
    };
    if let Some((a, _)) = quals.iter().find(|(a, _)| !allowed.contains(a)) {
        return Err(IdError::invalid(
            NAME,
            uri,
            format!("AI {ai} takes no qualifier {a}"),
        ));
    }
    let q = |a: &str| quals.iter().find(|(x, _)| *x == a).map(|(_, v)| v.as_str());
    if let Some(cpv) = q("22")
        && (cpv.is_empty() || cpv.len() > 20 || !cpv.chars().all(super::text::is_cset82))
    {
        return Err(IdError::invalid(
            NAME,
            uri,
            format!("CPV {cpv:?} must be 1 to 20 GS1 characters"),
        ));
    }
    let split_at = |n: usize| -> Result<(&str, Option<&str>), IdError> {
        match (value.get(..n), value.get(n..)) {
            (Some(k), Some(s)) if leading_digits(k) == n => Ok((k, (!s.is_empty()).then_some(s))),
            _ => Err(IdError::invalid(
                NAME,
                uri,
                format!("AI {ai} needs {n} digits, found {value:?}"),
            )),
        }
    };
    match ai {
        "01" => {
            let gtin = match value.len() {
                8 | 12 | 13 if leading_digits(&value) == value.len() => format!("{value:0>14}"),
                _ => value.clone(),
            };
            let (scheme, qual) = match (q("21"), q("235"), q("10")) {
                (Some(s), _, _) => (Scheme::Sgtin, Some(s)),
                (_, Some(t), _) => (Scheme::Upui, Some(t)),
                (_, _, Some(l)) => (Scheme::Lgtin, Some(l)),
                _ => (Scheme::Gtin, None),
            };
            Gs1Key::new(scheme, &gtin, qual)
        }
        "8006" => match (q("21"), q("10")) {
            (Some(s), _) => Gs1Key::new(Scheme::Itip, &value, Some(s)),
            (_, Some(l)) => Gs1Key::new(Scheme::ItipLot, &value, Some(l)),
            _ => Gs1Key::new(Scheme::Itip, &value, None),
        },
        "00" => Gs1Key::new(Scheme::Sscc, &value, None),
        "414" => Gs1Key::new(Scheme::Sgln, &value, q("254")),
        "417" => Gs1Key::new(Scheme::Pgln, &value, None),
        "8003" => {
            let (k, s) = split_at(14)?;
            Gs1Key::new(Scheme::Grai, k, s)
        }
        "253" => {
            let (k, s) = split_at(13)?;
            Gs1Key::new(Scheme::Gdti, k, s)
        }
        "255" => {
            let (k, s) = split_at(13)?;
            Gs1Key::new(Scheme::Sgcn, k, s)
        }
        "8004" => Gs1Key::new(Scheme::Giai, &value, None),
        "401" => Gs1Key::new(Scheme::Ginc, &value, None),
        "8017" => Gs1Key::new(Scheme::Gsrnp, &value, None),
        "8018" => Gs1Key::new(Scheme::Gsrn, &value, None),
        "402" => Gs1Key::new(Scheme::Gsin, &value, None),
        "8010" => Gs1Key::new(Scheme::Cpi, &value, q("8011")),
        _ => Err(not_gs1()),
    }
}
