//! Matching identifiers against EPC patterns (`MATCH_epc`, `MATCH_epcClass`…, EPCIS 2.0
//! §8.2.7.1.1, TDS §8): `urn:epc:idpat:` URNs, and GS1 keys that stand for every finer key.

use super::check::IdError;
use super::key::{Gs1Key, Scheme};
use super::text::{urn_escape, urn_unescape};
use super::urn::{GS1_EPC_SCHEMES, UrnKind, split_urn};

/// An EPC pattern URN: `urn:epc:idpat:{scheme}:` then dot-separated fields, each a value or
/// `*`, the wildcards all at the end (`0614141.*.*`, `0614141.812345.*`, `*.*.*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpcPattern {
    scheme: String,
    /// The fixed fields, in canonical URN escaping; the rest are `*`.
    fixed: Vec<String>,
    len: usize,
}

/// How many fields a scheme's URN has.
fn field_count(scheme: &str) -> Option<usize> {
    Some(match scheme {
        "sscc" | "giai" | "gsrn" | "gsrnp" | "ginc" | "gsin" | "pgln" | "usdod" => 2,
        "sgtin" | "sgln" | "grai" | "gdti" | "cpi" | "sgcn" | "upui" | "gid" | "adi" => 3,
        "itip" => 5,
        "bic" | "imovn" => 1,
        _ => return None,
    })
}

/// Canonical escaping of one URN field, so `%2f` and `%2F` compare equal.
fn canonical_field(f: &str) -> String {
    match urn_unescape(f) {
        Ok(v) => {
            let mut out = String::with_capacity(f.len());
            urn_escape(&mut out, &v);
            out
        }
        Err(_) => f.to_owned(),
    }
}

impl EpcPattern {
    /// Parses an EPC pattern URN.
    pub fn parse(s: &str) -> Result<EpcPattern, IdError> {
        let bad = |p: &str| IdError::invalid("EPC pattern", s, p);
        let Some((UrnKind::Pattern, scheme, body)) = split_urn(s) else {
            return Err(bad("must start with urn:epc:idpat:{scheme}:"));
        };
        let len = field_count(scheme).ok_or_else(|| bad("unknown EPC scheme"))?;
        let fields: Vec<&str> = body.splitn(len, '.').collect();
        if fields.len() != len {
            return Err(bad(&format!("needs {len} dot-separated fields")));
        }
        let stars = fields.iter().rev().take_while(|f| **f == "*").count();
        let fixed = &fields[..len - stars];
        if fixed.iter().any(|f| f.contains('*') && *f != "*") || fixed.contains(&"*") {
            return Err(bad("only whole trailing fields may be '*'"));
        }
        if let Some(gcp) = fixed.first()
            && GS1_EPC_SCHEMES.contains(&scheme)
            && (!(6..=12).contains(&gcp.len()) || !gcp.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad("the company prefix must be 6 to 12 digits"));
        }
        Ok(EpcPattern {
            scheme: scheme.to_owned(),
            fixed: fixed.iter().map(|f| canonical_field(f)).collect(),
            len,
        })
    }

    /// The EPC scheme (`sgtin`, `sscc`, `gid`…).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// When the pattern fixes a GTIN and leaves only the serial open
    /// (`urn:epc:idpat:sgtin:0614141.812345.*`), the GTIN-level class key every match shares
    /// (see [`super::class_key`]); a store can answer such a pattern with an equality lookup.
    pub fn class_key(&self) -> Option<String> {
        if !matches!(self.scheme.as_str(), "sgtin" | "upui") || self.fixed.len() != 2 {
            return None;
        }
        let urn = format!(
            "urn:epc:idpat:{}:{}.{}.*",
            self.scheme, self.fixed[0], self.fixed[1]
        );
        super::urn::parse_epc_urn(&urn).ok()?.0.class_key()
    }

    /// Whether `id` (EPC URN or Digital Link) matches the pattern.
    pub fn matches(&self, id: &str) -> bool {
        if !GS1_EPC_SCHEMES.contains(&self.scheme.as_str()) {
            return self.matches_fields(id);
        }
        let Ok((key, _)) = super::parse_key(id) else {
            return false;
        };
        let same_scheme = match key.scheme() {
            Scheme::Sgtin | Scheme::Lgtin | Scheme::Gtin => self.scheme == "sgtin",
            Scheme::ItipLot => false,
            s => super::urn::epc_name(s) == self.scheme,
        };
        if !same_scheme {
            return false;
        }
        let Some(gcp) = self.fixed.first() else {
            return true;
        };
        let Ok(urn) = key.to_epc_urn(gcp.len()) else {
            return false;
        };
        let Some((_, _, body)) = split_urn(&urn) else {
            return false;
        };
        let fields: Vec<&str> = body.splitn(self.len, '.').collect();
        // A lot or a missing serial is not a serial: only `*` matches there.
        let last_open = matches!(key.scheme(), Scheme::Lgtin) || fields.last() == Some(&"*");
        self.fixed.iter().enumerate().all(|(i, f)| {
            fields.get(i).is_some_and(|v| v == f) && !(last_open && i + 1 == self.len)
        })
    }

    /// Field-by-field matching for EPC schemes without a GS1 key (`gid`, `usdod`, …).
    fn matches_fields(&self, id: &str) -> bool {
        match split_urn(id) {
            Some((UrnKind::Id, scheme, body)) if scheme == self.scheme => {
                let fields: Vec<&str> = body.splitn(self.len, '.').collect();
                fields.len() == self.len
                    && self
                        .fixed
                        .iter()
                        .zip(&fields)
                        .all(|(f, v)| *f == canonical_field(v))
            }
            _ => false,
        }
    }
}

/// Whether a key with its serial left out stands for `id`'s key: a GTIN for every SGTIN,
/// LGTIN and UPUI of that GTIN; a GRAI, GDTI, GCN, CPI or ITIP without serial for each serial.
fn covers(pattern: &Gs1Key, id: &Gs1Key) -> bool {
    match pattern.scheme() {
        Scheme::Gtin => {
            id.scheme() != Scheme::Itip
                && id.scheme() != Scheme::ItipLot
                && id.gtin() == Some(pattern.key())
        }
        Scheme::Grai | Scheme::Gdti | Scheme::Sgcn | Scheme::Cpi | Scheme::Itip => {
            pattern.qualifier().is_none()
                && id.scheme() == pattern.scheme()
                && id.key() == pattern.key()
        }
        _ => false,
    }
}

/// Whether identifier `id` matches `pattern`, as `MATCH_epc` and `MATCH_epcClass` need:
/// - an EPC pattern URN matches by field (TDS §8), whether `id` is a URN or a Digital Link;
/// - a GS1 key (URN or Digital Link) matches the same key in either form, and a key without its
///   serial also matches every serial of it (`https://id.gs1.org/01/{gtin}` matches the SGTINs
///   and LGTINs of that GTIN);
/// - anything else matches only itself, character for character.
pub fn matches_pattern(pattern: &str, id: &str) -> bool {
    if pattern.starts_with("urn:epc:idpat:") {
        return EpcPattern::parse(pattern).is_ok_and(|p| p.matches(id));
    }
    if pattern == id {
        return true;
    }
    match (super::parse_key(pattern), super::parse_key(id)) {
        (Ok((p, _)), Ok((i, _))) => p == i || covers(&p, &i),
        _ => false,
    }
}
