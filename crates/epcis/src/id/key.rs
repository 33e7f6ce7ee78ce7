//! A validated GS1 key, independent of how it was written (EPC URN or Digital Link).

use super::check::{IdError, verify_check_digit};
use super::text::{dl_escape, is_cset39, is_cset82};

/// The identification scheme (and level) of a GS1 key, named after its EPC scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// GTIN + serial (AI 01 + 21).
    Sgtin,
    /// GTIN + lot, a class (AI 01 + 10).
    Lgtin,
    /// GTIN alone, a class (AI 01; EPC form `urn:epc:idpat:sgtin:…*`).
    Gtin,
    /// Serial Shipping Container Code (AI 00).
    Sscc,
    /// GLN of a location, optionally with an extension (AI 414 + 254).
    Sgln,
    /// GLN of a party (AI 417).
    Pgln,
    /// Global Returnable Asset Identifier, with or without serial (AI 8003).
    Grai,
    /// Global Individual Asset Identifier (AI 8004).
    Giai,
    /// Global Service Relation Number, recipient (AI 8018).
    Gsrn,
    /// Global Service Relation Number, provider (AI 8017).
    Gsrnp,
    /// Global Document Type Identifier, with or without serial (AI 253).
    Gdti,
    /// Component / Part Identifier with optional serial (AI 8010 + 8011).
    Cpi,
    /// Global Coupon Number, with or without serial (AI 255).
    Sgcn,
    /// Global Identification Number for Consignment (AI 401).
    Ginc,
    /// Global Shipment Identification Number (AI 402).
    Gsin,
    /// Individual Trade Item Piece, with or without serial (AI 8006 + 21).
    Itip,
    /// Individual Trade Item Piece with a lot (AI 8006 + 10); it has no EPC URN form.
    ItipLot,
    /// GTIN + third-party-controlled serial (AI 01 + 235).
    Upui,
}

/// How a scheme's key and qualifier are laid out.
struct Layout {
    /// Name of the key type in messages.
    key_name: &'static str,
    key_ai: &'static str,
    /// The qualifier's path segment before its value (`/21/`), or `""` when it is appended to
    /// the key's own value (GRAI, GDTI, GCN serials).
    qualifier_sep: &'static str,
    qualifier: Qualifier,
}

#[derive(Clone, Copy, PartialEq)]
enum Qualifier {
    None,
    Optional,
    Required,
}

impl Scheme {
    /// Every scheme.
    pub const ALL: [Scheme; 18] = [
        Scheme::Sgtin,
        Scheme::Lgtin,
        Scheme::Gtin,
        Scheme::Sscc,
        Scheme::Sgln,
        Scheme::Pgln,
        Scheme::Grai,
        Scheme::Giai,
        Scheme::Gsrn,
        Scheme::Gsrnp,
        Scheme::Gdti,
        Scheme::Cpi,
        Scheme::Sgcn,
        Scheme::Ginc,
        Scheme::Gsin,
        Scheme::Itip,
        Scheme::ItipLot,
        Scheme::Upui,
    ];

    fn layout(self) -> Layout {
        use Qualifier::*;
        let (key_name, key_ai, qualifier_sep, qualifier) = match self {
            Scheme::Sgtin => ("GTIN", "01", "/21/", Required),
            Scheme::Lgtin => ("GTIN", "01", "/10/", Required),
            Scheme::Gtin => ("GTIN", "01", "", None),
            Scheme::Upui => ("GTIN", "01", "/235/", Required),
            Scheme::Sscc => ("SSCC", "00", "", None),
            Scheme::Sgln => ("GLN", "414", "/254/", Optional),
            Scheme::Pgln => ("GLN", "417", "", None),
            Scheme::Grai => ("GRAI", "8003", "", Optional),
            Scheme::Giai => ("GIAI", "8004", "", None),
            Scheme::Gsrn => ("GSRN", "8018", "", None),
            Scheme::Gsrnp => ("GSRN-P", "8017", "", None),
            Scheme::Gdti => ("GDTI", "253", "", Optional),
            Scheme::Cpi => ("CPI", "8010", "/8011/", Optional),
            Scheme::Sgcn => ("GCN", "255", "", Optional),
            Scheme::Ginc => ("GINC", "401", "", None),
            Scheme::Gsin => ("GSIN", "402", "", None),
            Scheme::Itip => ("ITIP", "8006", "/21/", Optional),
            Scheme::ItipLot => ("ITIP", "8006", "/10/", Required),
        };
        Layout {
            key_name,
            key_ai,
            qualifier_sep,
            qualifier,
        }
    }

    /// The scheme's name in upper case, as in messages (`SGTIN`, `LGTIN`, `ITIP`…).
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Sgtin => "SGTIN",
            Scheme::Lgtin => "LGTIN",
            Scheme::Gtin => "GTIN",
            Scheme::Sscc => "SSCC",
            Scheme::Sgln => "SGLN",
            Scheme::Pgln => "PGLN",
            Scheme::Grai => "GRAI",
            Scheme::Giai => "GIAI",
            Scheme::Gsrn => "GSRN",
            Scheme::Gsrnp => "GSRNP",
            Scheme::Gdti => "GDTI",
            Scheme::Cpi => "CPI",
            Scheme::Sgcn => "SGCN",
            Scheme::Ginc => "GINC",
            Scheme::Gsin => "GSIN",
            Scheme::Itip => "ITIP",
            Scheme::ItipLot => "ITIP",
            Scheme::Upui => "UPUI",
        }
    }

    /// The name of the key type (`GTIN`, `GLN`, `GSRN-P`…).
    pub fn key_name(self) -> &'static str {
        self.layout().key_name
    }

    /// The Application Identifier of the primary key (`01`, `00`, `414`…).
    pub fn key_ai(self) -> &'static str {
        self.layout().key_ai
    }

    /// Whether identifiers of this scheme name a class of objects rather than one object.
    pub fn is_class(self) -> bool {
        matches!(self, Scheme::Lgtin | Scheme::Gtin | Scheme::ItipLot)
    }
}

/// A GS1 key with its qualifier, validated: check digits verified, lengths and character sets
/// as the GS1 General Specifications give them. Serials, lots and extensions are held decoded.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Gs1Key {
    scheme: Scheme,
    key: String,
    qualifier: Option<String>,
}

fn digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// `1..=max` characters of set 82.
fn check_cset82(name: &'static str, v: &str, what: &str, max: usize) -> Result<(), IdError> {
    let n = v.chars().count();
    if n == 0 || n > max {
        return Err(IdError::invalid(
            name,
            v,
            format!("{what} must have 1 to {max} characters"),
        ));
    }
    match v.chars().find(|&c| !is_cset82(c)) {
        Some(c) => Err(IdError::invalid(
            name,
            v,
            format!("{what} contains {c:?}, not a GS1 character"),
        )),
        None => Ok(()),
    }
}

fn check_numeric(name: &'static str, v: &str, what: &str, max: usize) -> Result<(), IdError> {
    if v.is_empty() || v.len() > max || !digits(v) {
        return Err(IdError::invalid(
            name,
            v,
            format!("{what} must be 1 to {max} digits"),
        ));
    }
    Ok(())
}

impl Gs1Key {
    /// Builds and validates a key. `key` is the primary key's value as in a GS1 element string
    /// (check digit included; for 8003, 253 and 255 without the serial), `qualifier` the serial,
    /// lot, TPX, extension or CPI serial that the scheme takes, decoded.
    pub fn new(scheme: Scheme, key: &str, qualifier: Option<&str>) -> Result<Gs1Key, IdError> {
        let layout = scheme.layout();
        let name = layout.key_name;
        match scheme {
            Scheme::Sgtin | Scheme::Lgtin | Scheme::Gtin | Scheme::Upui => {
                verify_check_digit(name, key, 14)?
            }
            Scheme::Sscc | Scheme::Gsrn | Scheme::Gsrnp => verify_check_digit(name, key, 18)?,
            Scheme::Sgln | Scheme::Pgln | Scheme::Gdti | Scheme::Sgcn => {
                verify_check_digit(name, key, 13)?
            }
            Scheme::Gsin => verify_check_digit(name, key, 17)?,
            Scheme::Grai => {
                verify_check_digit(name, key, 14)?;
                if !key.starts_with('0') {
                    return Err(IdError::invalid(name, key, "must start with 0"));
                }
            }
            Scheme::Itip | Scheme::ItipLot => {
                if key.len() != 18 || !digits(key) {
                    return Err(IdError::invalid(name, key, "must be 18 digits"));
                }
                verify_check_digit("GTIN", &key[..14], 14)?;
            }
            Scheme::Giai | Scheme::Ginc => check_cset82(name, key, "the key", 30)?,
            Scheme::Cpi => {
                let n = key.len();
                if n == 0 || n > 30 || !key.chars().all(is_cset39) {
                    return Err(IdError::invalid(
                        name,
                        key,
                        "must be 1 to 30 characters of 0-9, A-Z, '-', '#', '/'",
                    ));
                }
            }
        }
        match (layout.qualifier, qualifier) {
            (Qualifier::None, Some(q)) => {
                return Err(IdError::invalid(
                    name,
                    key,
                    format!("takes no qualifier, found {q:?}"),
                ));
            }
            (Qualifier::Required, None) => {
                return Err(IdError::invalid(
                    scheme.name(),
                    key,
                    "needs its serial, lot or TPX",
                ));
            }
            (_, Some(q)) => match scheme {
                Scheme::Sgtin | Scheme::Itip => check_cset82(name, q, "the serial", 20)?,
                Scheme::Lgtin | Scheme::ItipLot => check_cset82(name, q, "the lot", 20)?,
                Scheme::Upui => check_cset82(name, q, "the TPX", 28)?,
                Scheme::Sgln => check_cset82(name, q, "the extension", 20)?,
                Scheme::Grai => check_cset82(name, q, "the serial", 16)?,
                Scheme::Gdti => check_cset82(name, q, "the serial", 17)?,
                Scheme::Cpi | Scheme::Sgcn => check_numeric(name, q, "the serial", 12)?,
                _ => {}
            },
            (_, None) => {}
        }
        Ok(Gs1Key {
            scheme,
            key: key.to_owned(),
            qualifier: qualifier.map(str::to_owned),
        })
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The primary key's value (GTIN-14, SSCC-18, GLN-13, …; for GRAI, GDTI and GCN without
    /// the serial).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The serial, lot, TPX, GLN extension or CPI serial, decoded.
    pub fn qualifier(&self) -> Option<&str> {
        self.qualifier.as_deref()
    }

    /// The GTIN-14 of SGTIN, LGTIN, GTIN, UPUI and ITIP keys.
    pub fn gtin(&self) -> Option<&str> {
        match self.scheme {
            Scheme::Sgtin | Scheme::Lgtin | Scheme::Gtin | Scheme::Upui => Some(&self.key),
            Scheme::Itip | Scheme::ItipLot => self.key.get(..14),
            _ => None,
        }
    }

    /// The canonical GS1 Digital Link on `https://id.gs1.org`. For a valid EPC URN this is
    /// what [`super::normalise`] gives, except that escapes come out in upper case.
    pub fn to_digital_link(&self) -> String {
        let layout = self.scheme.layout();
        let mut out = String::with_capacity(64);
        out.push_str("https://id.gs1.org/");
        out.push_str(layout.key_ai);
        out.push('/');
        dl_escape(&mut out, &self.key);
        if let Some(q) = &self.qualifier {
            out.push_str(layout.qualifier_sep);
            dl_escape(&mut out, q);
        }
        out
    }

    /// The GTIN-level class of an SGTIN, LGTIN, GTIN, UPUI or ITIP key, as a canonical Digital
    /// Link (`https://id.gs1.org/01/{gtin}`).
    pub fn class_key(&self) -> Option<String> {
        self.gtin().map(|g| format!("https://id.gs1.org/01/{g}"))
    }
}

impl std::fmt::Display for Gs1Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_digital_link())
    }
}
