//! EPC URNs (GS1 EPC Tag Data Standard §6–7): pure identity (`urn:epc:id:…`), the LGTIN class
//! (`urn:epc:class:lgtin:…`) and the class-level patterns (`urn:epc:idpat:sgtin:gcp.item.*`),
//! parsed into [`Gs1Key`] and written back.

use super::check::{IdError, with_check_digit};
use super::key::{Gs1Key, Scheme};
use super::text::{urn_escape, urn_unescape};

/// The GS1 Company Prefix length assumed when converting a Digital Link (which does not carry
/// it) to an EPC URN without being told: 7 digits, as GS1's own converters default to.
pub const DEFAULT_COMPANY_PREFIX_LEN: usize = 7;

/// The EPC URN schemes that carry a GS1 key, as written after `urn:epc:id:`.
pub(crate) const GS1_EPC_SCHEMES: [&str; 15] = [
    "sgtin", "sscc", "sgln", "grai", "giai", "gsrn", "gsrnp", "gdti", "cpi", "sgcn", "ginc",
    "gsin", "itip", "upui", "pgln",
];

/// EPC URN schemes without a GS1 key.
pub(crate) const OTHER_EPC_SCHEMES: [&str; 5] = ["gid", "usdod", "adi", "bic", "imovn"];

/// The three kinds of EPC URN.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum UrnKind {
    Id,
    Class,
    Pattern,
}

/// Splits `urn:epc:{id|class|idpat}:{scheme}:{body}`.
pub(crate) fn split_urn(s: &str) -> Option<(UrnKind, &str, &str)> {
    let rest = s.strip_prefix("urn:epc:")?;
    let (kind, rest) = rest.split_once(':')?;
    let kind = match kind {
        "id" => UrnKind::Id,
        "class" => UrnKind::Class,
        "idpat" => UrnKind::Pattern,
        _ => return None,
    };
    let (scheme, body) = rest.split_once(':')?;
    Some((kind, scheme, body))
}

struct Parts<'a> {
    urn: &'a str,
    name: &'static str,
    fields: Vec<&'a str>,
    gcp_len: usize,
}

impl<'a> Parts<'a> {
    /// Splits `body` into `n` dot-separated fields (the last keeps any further dots) and checks
    /// the company prefix.
    fn new(urn: &'a str, name: &'static str, body: &'a str, n: usize) -> Result<Self, IdError> {
        let fields: Vec<&str> = body.splitn(n, '.').collect();
        if fields.len() != n {
            return Err(IdError::invalid(
                name,
                urn,
                format!("needs {n} dot-separated fields"),
            ));
        }
        let gcp = fields.first().copied().unwrap_or("");
        if !(6..=12).contains(&gcp.len()) || !gcp.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::invalid(
                name,
                urn,
                format!("the company prefix {gcp:?} must be 6 to 12 digits"),
            ));
        }
        Ok(Parts {
            urn,
            name,
            gcp_len: gcp.len(),
            fields,
        })
    }

    fn field(&self, i: usize) -> &'a str {
        self.fields.get(i).copied().unwrap_or("")
    }

    /// Field `i` must be the digits that bring the company prefix to `total`.
    fn reference(&self, i: usize, total: usize, what: &str) -> Result<&'a str, IdError> {
        let r = self.field(i);
        let want = total - self.gcp_len;
        if r.len() != want || !r.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::invalid(
                self.name,
                self.urn,
                format!(
                    "the {what} {r:?} must be {want} digits after a {}-digit company prefix",
                    self.gcp_len
                ),
            ));
        }
        Ok(r)
    }

    fn text(&self, i: usize) -> Result<String, IdError> {
        urn_unescape(self.field(i)).map_err(|e| IdError::invalid(self.name, self.urn, e))
    }

    /// The last field of a pattern: `*`, or the decoded value.
    fn last(&self, kind: UrnKind, i: usize) -> Result<Option<String>, IdError> {
        match (kind, self.field(i)) {
            (UrnKind::Pattern, "*") => Ok(None),
            (UrnKind::Pattern, _) => Err(IdError::invalid(
                self.name,
                self.urn,
                "a pattern naming a single key ends in '*'",
            )),
            _ => self.text(i).map(Some),
        }
    }

    fn check(&self, body: String) -> Result<String, IdError> {
        with_check_digit(&body).ok_or_else(|| IdError::invalid(self.name, self.urn, "not numeric"))
    }
}

/// Parses an EPC URN naming one GS1 key: pure identity, `urn:epc:class:lgtin:…`, or a pattern
/// whose only wildcard is its last field (`urn:epc:idpat:sgtin:0614141.812345.*` is the GTIN).
/// Returns the key and the length of the company prefix the URN carries.
pub fn parse_epc_urn(urn: &str) -> Result<(Gs1Key, usize), IdError> {
    let (kind, scheme, body) = split_urn(urn).ok_or_else(|| IdError::NotGs1(urn.to_owned()))?;
    let name = match (kind, scheme) {
        (UrnKind::Class, "lgtin") => "LGTIN",
        (UrnKind::Class, _) => return Err(IdError::NotGs1(urn.to_owned())),
        (UrnKind::Pattern, "sgtin" | "upui" | "itip" | "grai" | "gdti" | "sgcn" | "cpi") => {
            "EPC pattern"
        }
        (UrnKind::Pattern, _) => return Err(IdError::NotGs1(urn.to_owned())),
        (UrnKind::Id, s) => match GS1_EPC_SCHEMES.iter().position(|x| *x == s) {
            Some(_) => "EPC URN",
            None => return Err(IdError::NotGs1(urn.to_owned())),
        },
    };
    let fields = match scheme {
        "sscc" | "giai" | "gsrn" | "gsrnp" | "ginc" | "gsin" | "pgln" => 2,
        "itip" => 5,
        _ => 3,
    };
    let p = Parts::new(urn, name, body, fields)?;
    let gcp = p.field(0);
    let gtin = |item: &str| -> Result<String, IdError> {
        let (ind, rest) = item.split_at(1.min(item.len()));
        p.check(format!("{ind}{gcp}{rest}"))
    };
    let with_ref = |total: usize, what: &str| -> Result<String, IdError> {
        Ok(format!("{gcp}{}", p.reference(1, total, what)?))
    };
    let key = match (kind, scheme) {
        (UrnKind::Class, _) => {
            let g = gtin(p.reference(1, 13, "item reference")?)?;
            Gs1Key::new(Scheme::Lgtin, &g, Some(&p.text(2)?))?
        }
        (_, "sgtin" | "upui") => {
            let g = gtin(p.reference(1, 13, "item reference")?)?;
            match (p.last(kind, 2)?, scheme) {
                (None, _) => Gs1Key::new(Scheme::Gtin, &g, None)?,
                (Some(s), "sgtin") => Gs1Key::new(Scheme::Sgtin, &g, Some(&s))?,
                (Some(s), _) => Gs1Key::new(Scheme::Upui, &g, Some(&s))?,
            }
        }
        (_, "itip") => {
            let g = gtin(p.reference(1, 13, "item reference")?)?;
            let (piece, total) = (p.field(2), p.field(3));
            for (v, what) in [(piece, "piece"), (total, "total")] {
                if v.len() != 2 || !v.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(IdError::invalid(
                        name,
                        urn,
                        format!("the {what} {v:?} must be 2 digits"),
                    ));
                }
            }
            let serial = p.last(kind, 4)?;
            Gs1Key::new(
                Scheme::Itip,
                &format!("{g}{piece}{total}"),
                serial.as_deref(),
            )?
        }
        (_, "sscc") => {
            let r = p.reference(1, 17, "serial reference")?;
            let (ext, rest) = r.split_at(1.min(r.len()));
            Gs1Key::new(Scheme::Sscc, &p.check(format!("{ext}{gcp}{rest}"))?, None)?
        }
        (_, "sgln") => {
            let gln = p.check(with_ref(12, "location reference")?)?;
            let ext = p.text(2)?;
            let ext = (ext != "0").then_some(ext);
            Gs1Key::new(Scheme::Sgln, &gln, ext.as_deref())?
        }
        (_, "pgln") => Gs1Key::new(
            Scheme::Pgln,
            &p.check(with_ref(12, "party reference")?)?,
            None,
        )?,
        (_, "grai") => {
            let grai = p.check(format!("0{}", with_ref(12, "asset type")?))?;
            Gs1Key::new(Scheme::Grai, &grai, p.last(kind, 2)?.as_deref())?
        }
        (_, "gdti") => {
            let gdti = p.check(with_ref(12, "document type")?)?;
            Gs1Key::new(Scheme::Gdti, &gdti, p.last(kind, 2)?.as_deref())?
        }
        (_, "sgcn") => {
            let gcn = p.check(with_ref(12, "coupon reference")?)?;
            Gs1Key::new(Scheme::Sgcn, &gcn, p.last(kind, 2)?.as_deref())?
        }
        (_, "gsrn" | "gsrnp") => {
            let s = if scheme == "gsrn" {
                Scheme::Gsrn
            } else {
                Scheme::Gsrnp
            };
            Gs1Key::new(s, &p.check(with_ref(17, "service reference")?)?, None)?
        }
        (_, "gsin") => Gs1Key::new(
            Scheme::Gsin,
            &p.check(with_ref(16, "shipper reference")?)?,
            None,
        )?,
        (_, "giai" | "ginc") => {
            let s = if scheme == "giai" {
                Scheme::Giai
            } else {
                Scheme::Ginc
            };
            let r = p.text(1)?;
            if r.is_empty() {
                return Err(IdError::invalid(name, urn, "the reference is empty"));
            }
            Gs1Key::new(s, &format!("{gcp}{r}"), None)?
        }
        (_, "cpi") => {
            let r = p.text(1)?;
            if r.is_empty() {
                return Err(IdError::invalid(name, urn, "the part reference is empty"));
            }
            Gs1Key::new(
                Scheme::Cpi,
                &format!("{gcp}{r}"),
                p.last(kind, 2)?.as_deref(),
            )?
        }
        _ => return Err(IdError::NotGs1(urn.to_owned())),
    };
    Ok((key, p.gcp_len))
}

impl Gs1Key {
    /// The EPC URN of this key, given the length of its GS1 Company Prefix (6 to 12; a Digital
    /// Link does not carry it, see [`DEFAULT_COMPANY_PREFIX_LEN`]). Keys without their serial
    /// (GTIN, GRAI, GDTI, GCN, CPI, ITIP) become `urn:epc:idpat:…*` class patterns; an ITIP with a
    /// lot has no EPC form.
    pub fn to_epc_urn(&self, gcp_len: usize) -> Result<String, IdError> {
        let key = self.key();
        let no_form = |problem: String| IdError::NoEpcForm {
            value: self.to_digital_link(),
            problem,
        };
        if !(6..=12).contains(&gcp_len) {
            return Err(no_form(format!(
                "company prefix length {gcp_len} is not 6 to 12"
            )));
        }
        let l = gcp_len;
        let cut = |from: usize, to: usize| key.get(from..to).unwrap_or("");
        let serial = |out: &mut String| match self.qualifier() {
            Some(q) => urn_escape(out, q),
            None => out.push('*'),
        };
        let (kind, scheme) = match (self.scheme(), self.qualifier()) {
            (Scheme::Gtin, _) => ("idpat", "sgtin"),
            (Scheme::Lgtin, _) => ("class", "lgtin"),
            (Scheme::ItipLot, _) => {
                return Err(no_form("an ITIP with a lot has no EPC URN".into()));
            }
            (
                s @ (Scheme::Grai | Scheme::Gdti | Scheme::Sgcn | Scheme::Cpi | Scheme::Itip),
                None,
            ) => ("idpat", epc_name(s)),
            (s, _) => ("id", epc_name(s)),
        };
        let mut out = format!("urn:epc:{kind}:{scheme}:");
        match self.scheme() {
            Scheme::Sgtin | Scheme::Lgtin | Scheme::Gtin | Scheme::Upui | Scheme::Itip => {
                out.push_str(cut(1, 1 + l));
                out.push('.');
                out.push_str(cut(0, 1));
                out.push_str(cut(1 + l, 13));
                if self.scheme() == Scheme::Itip {
                    out.push('.');
                    out.push_str(cut(14, 16));
                    out.push('.');
                    out.push_str(cut(16, 18));
                }
                out.push('.');
                serial(&mut out);
            }
            Scheme::Sscc => {
                out.push_str(cut(1, 1 + l));
                out.push('.');
                out.push_str(cut(0, 1));
                out.push_str(cut(1 + l, 17));
            }
            Scheme::Sgln | Scheme::Pgln | Scheme::Gdti | Scheme::Sgcn => {
                out.push_str(cut(0, l));
                out.push('.');
                out.push_str(cut(l, 12));
                if self.scheme() == Scheme::Sgln {
                    out.push('.');
                    urn_escape(&mut out, self.qualifier().unwrap_or("0"));
                } else if self.scheme() != Scheme::Pgln {
                    out.push('.');
                    serial(&mut out);
                }
            }
            Scheme::Grai => {
                out.push_str(cut(1, 1 + l));
                out.push('.');
                out.push_str(cut(1 + l, 13));
                out.push('.');
                serial(&mut out);
            }
            Scheme::Gsrn | Scheme::Gsrnp | Scheme::Gsin => {
                let total = if self.scheme() == Scheme::Gsin {
                    16
                } else {
                    17
                };
                out.push_str(cut(0, l));
                out.push('.');
                out.push_str(cut(l, total));
            }
            Scheme::Giai | Scheme::Ginc | Scheme::Cpi => {
                let (gcp, rest) = key.split_at(l.min(key.len()));
                if gcp.len() != l || !gcp.bytes().all(|b| b.is_ascii_digit()) || rest.is_empty() {
                    return Err(no_form(format!(
                        "{key:?} does not start with a {l}-digit company prefix and a reference"
                    )));
                }
                out.push_str(gcp);
                out.push('.');
                urn_escape(&mut out, rest);
                if self.scheme() == Scheme::Cpi {
                    out.push('.');
                    serial(&mut out);
                }
            }
            Scheme::ItipLot => {}
        }
        Ok(out)
    }
}

/// The EPC URN scheme name of a pure-identity scheme.
pub(crate) fn epc_name(s: Scheme) -> &'static str {
    match s {
        Scheme::Sgtin | Scheme::Gtin => "sgtin",
        Scheme::Lgtin => "lgtin",
        Scheme::Sscc => "sscc",
        Scheme::Sgln => "sgln",
        Scheme::Pgln => "pgln",
        Scheme::Grai => "grai",
        Scheme::Giai => "giai",
        Scheme::Gsrn => "gsrn",
        Scheme::Gsrnp => "gsrnp",
        Scheme::Gdti => "gdti",
        Scheme::Cpi => "cpi",
        Scheme::Sgcn => "sgcn",
        Scheme::Ginc => "ginc",
        Scheme::Gsin => "gsin",
        Scheme::Itip | Scheme::ItipLot => "itip",
        Scheme::Upui => "upui",
    }
}
