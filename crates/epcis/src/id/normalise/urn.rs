//! The EPC URN half of the reference normaliser (`urn:epc:id:…`, `urn:epc:class:lgtin:…`,
//! `urn:epc:idpat:…`). Each scheme is matched the way its `re.match` pattern does, then the key
//! is cut out with the reference's own code-point offsets, quirks included (the GRAI with a
//! 12-digit company prefix keeps a leading `.` in its serial; the GDTI drops the first character
//! of its serial).

use super::super::pyre::{Cur, PyStr, is_py_digit, py_digit};

/// `[!')(*+,.0-9:;=A-Za-z_-]`
fn gs3a3(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!')(*+,.:;=_-".contains(&c)
}

/// `\%2[125-9A-Fa-f]|\%3[0-9A-Fa-f]|\%4[1-9A-Fa-f]|\%5[0-9AaFf]|\%6[1-9A-Fa-f]|\%7[0-9Aa]`
fn gs3a3_pct(h: u8, l: u8) -> bool {
    let hex = l.is_ascii_hexdigit();
    match h {
        b'2' => matches!(l, b'1' | b'2' | b'5'..=b'9') || (hex && !l.is_ascii_digit()),
        b'3' => hex,
        b'4' | b'6' => hex && l != b'0',
        b'5' => l.is_ascii_digit() || matches!(l, b'A' | b'a' | b'F' | b'f'),
        b'7' => l.is_ascii_digit() || matches!(l, b'A' | b'a'),
        _ => false,
    }
}

/// `[0-9A-Z-]`
fn cpi_char(c: u8) -> bool {
    c.is_ascii_digit() || c.is_ascii_uppercase() || c == b'-'
}

/// `\%2[3dfDF]|\%3[0-9]|\%4[1-9A-Fa-f]|\%5[0-9Aa]`
fn cpi_pct(h: u8, l: u8) -> bool {
    match h {
        b'2' => matches!(l, b'3' | b'd' | b'f' | b'D' | b'F'),
        b'3' => l.is_ascii_digit(),
        b'4' => l.is_ascii_hexdigit() && l != b'0',
        b'5' => l.is_ascii_digit() || matches!(l, b'A' | b'a'),
        _ => false,
    }
}

/// How the alternative with a 12-digit company prefix is written in a scheme's pattern.
#[derive(Clone, Copy, PartialEq)]
enum Twelve {
    /// `\d{12}\.\d{total-12}` like every other length (`\d{12}\.` when that is empty).
    Regular,
    /// `[\d]{12}\.\.`: one extra dot (GRAI, GDTI, and the GRAI/GDTI/SGCN patterns).
    ExtraDot,
}

/// `(\d{6}\.\d{total-6})|…|(\d{12}\.\d{total-12})`: a company prefix of 6–12 digits, a dot and
/// the reference digits that complete `total`.
fn gcp_ref(c: &mut Cur, total: usize, twelve: Twelve) -> bool {
    let l = c.digit_run();
    if !(6..=12).contains(&l) || !c.lit(".") {
        return false;
    }
    if l == 12 && twelve == Twelve::ExtraDot {
        return c.lit(".");
    }
    c.digits(total - l)
}

/// A company prefix alone: `\d{6}\.` … `\d{12}\.`, returning its length.
fn gcp(c: &mut Cur) -> Option<usize> {
    let l = c.digit_run();
    ((6..=12).contains(&l) && c.lit(".")).then_some(l)
}

fn gs3a3_atoms(c: &mut Cur, max: usize) -> bool {
    c.atoms(1, max, gs3a3, gs3a3_pct)
}

/// `__web_uri_percent_encoder`.
fn web_encode(out: &mut String, s: &str) {
    for ch in s.chars() {
        match ch {
            '!' => out.push_str("%21"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '*' => out.push_str("%2A"),
            '+' => out.push_str("%2B"),
            ',' => out.push_str("%2C"),
            ':' => out.push_str("%3A"),
            _ => out.push(ch),
        }
    }
}

/// `check_digit` of the concatenated `parts`, pushed as its decimal digit. `None` where the
/// reference raises: `int()` of a character that is not a digit (only a trailing newline gets
/// this far).
fn push_check_digit(out: &mut String, parts: &[&str]) -> Option<()> {
    let mut sum = 0;
    if parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        let digits = parts.iter().rev().flat_map(|p| p.bytes().rev());
        for (i, b) in digits.enumerate() {
            let d = u32::from(b - b'0');
            sum += if i % 2 == 0 { d * 3 } else { d };
        }
        out.push(char::from(b'0' + ((10 - sum % 10) % 10) as u8));
        return Some(());
    }
    let chars = parts.iter().rev().flat_map(|p| p.chars().rev());
    for (i, ch) in chars.enumerate() {
        let d = py_digit(ch)?;
        sum += if i % 2 == 0 { d * 3 } else { d };
    }
    let cd = (10 - sum % 10) % 10;
    out.push(char::from_digit(cd, 10)?);
    Some(())
}

const DL: &str = "https://id.gs1.org/";

/// `itemref[0:1] + gs1companyprefix + itemref[1:]`, as three pieces.
fn gtin_parts<'a>(gcp: &'a str, itemref: &'a str) -> [&'a str; 3] {
    let mut rest = itemref.chars();
    let first = rest.next().map_or("", |c| &itemref[..c.len_utf8()]);
    [first, gcp, rest.as_str()]
}

/// The pieces of an EPC URN whose pattern matched, cut at the reference's code-point offsets:
/// `p` is the index of the first dot, `gcp` the company prefix after the `prefix` code points of
/// `urn:epc:…:scheme:`.
struct Cut<'a> {
    uri: PyStr<'a>,
    p: isize,
    gcp: &'a str,
}

impl<'a> Cut<'a> {
    fn new(uri: &'a str, prefix: isize) -> Self {
        let uri = PyStr::new(uri);
        let p = uri.find(".");
        Cut {
            uri,
            p,
            gcp: uri.slice(prefix, Some(p)),
        }
    }

    /// `uri[(partition + 1):(partition + 1 + (digits - len(gs1companyprefix)))]`
    fn reference(&self, digits: isize) -> &'a str {
        let len = self.uri.len_of(self.gcp) as isize;
        self.slice(self.p + 1, Some(self.p + 1 + (digits - len)))
    }

    fn slice(&self, start: isize, end: Option<isize>) -> &'a str {
        self.uri.slice(start, end)
    }

    fn from(&self, i: isize) -> &'a str {
        self.slice(i, None)
    }

    fn after_dot(&self) -> &'a str {
        self.slice(self.p + 1, None)
    }

    fn gtin(&self) -> [&'a str; 3] {
        gtin_parts(self.gcp, self.reference(13))
    }

    fn key12(&self) -> [&'a str; 2] {
        [self.gcp, self.reference(12)]
    }
}

/// `ai` + the key made of `parts` + its check digit, as a Digital Link.
fn keyed(ai: &str, parts: &[&str]) -> Option<String> {
    let mut out = String::with_capacity(DL.len() + ai.len() + 48);
    out.push_str(DL);
    out.push_str(ai);
    out.push('/');
    for p in parts {
        out.push_str(p);
    }
    push_check_digit(&mut out, parts)?;
    Some(out)
}

/// `out + sep + value`, the value through `__web_uri_percent_encoder` when `encode`.
fn with(mut out: String, sep: &str, value: &str, encode: bool) -> String {
    out.push_str(sep);
    if encode {
        web_encode(&mut out, value);
    } else {
        out.push_str(value);
    }
    out
}

/// The URN branches of `normaliser`; `None` when no EPC pattern matches.
pub(super) fn normalise_urn(uri: &str) -> Option<String> {
    if let Some(rest) = uri.strip_prefix("urn:epc:id:") {
        let (scheme, _) = rest.split_once(':')?;
        return pure_identity(uri, scheme);
    }
    if uri.starts_with("urn:epc:class:lgtin:") {
        let mut c = Cur::new(uri);
        let ok = c.lit("urn:epc:class:lgtin:")
            && gcp_ref(&mut c, 13, Twelve::Regular)
            && c.lit(".")
            && gs3a3_atoms(&mut c, 20)
            && c.end();
        if !ok {
            return None;
        }
        let k = Cut::new(uri, 20);
        return Some(with(keyed("01", &k.gtin())?, "/10/", k.from(35), true));
    }
    if let Some(rest) = uri.strip_prefix("urn:epc:idpat:") {
        let (scheme, _) = rest.split_once(':')?;
        return pattern(uri, scheme);
    }
    None
}

fn pure_identity(uri: &str, scheme: &str) -> Option<String> {
    let mut cur = Cur::new(uri);
    if !(cur.lit("urn:epc:id:") && cur.lit(scheme) && cur.lit(":")) {
        return None;
    }
    let c = &mut cur;
    let ok = match scheme {
        "sgtin" => gcp_ref(c, 13, Twelve::Regular) && c.lit(".") && gs3a3_atoms(c, 20),
        "sscc" => gcp_ref(c, 17, Twelve::Regular),
        "sgln" => gcp_ref(c, 12, Twelve::Regular) && c.lit(".") && gs3a3_atoms(c, 20),
        "grai" => gcp_ref(c, 12, Twelve::ExtraDot) && c.lit(".") && gs3a3_atoms(c, 16),
        "giai" | "ginc" => gcp(c).is_some_and(|l| gs3a3_atoms(c, 30 - l)),
        "gsrn" | "gsrnp" => gcp_ref(c, 17, Twelve::Regular),
        "gsin" => gcp_ref(c, 16, Twelve::Regular),
        "gdti" => gcp_ref(c, 12, Twelve::ExtraDot) && gs3a3_atoms(c, 20),
        "cpi" => {
            gcp(c).is_some_and(|l| c.atoms(1, 30 - l, cpi_char, cpi_pct))
                && c.lit(".")
                && c.class(1, 12, is_py_digit)
        }
        "sgcn" => gcp_ref(c, 12, Twelve::Regular) && c.lit(".") && c.class(1, 12, is_py_digit),
        "itip" => {
            gcp_ref(c, 13, Twelve::Regular)
                && c.lit(".")
                && c.digits(2)
                && c.lit(".")
                && c.digits(2)
                && c.lit(".")
                && gs3a3_atoms(c, 20)
        }
        "upui" => gcp_ref(c, 13, Twelve::Regular) && c.lit(".") && gs3a3_atoms(c, 28),
        "pgln" => gcp_ref(c, 12, Twelve::Regular),
        _ => false,
    };
    if !ok || !c.end() {
        return None;
    }
    // `urn:epc:id:` is 11 code points, then the scheme and a colon.
    let k = Cut::new(uri, 12 + scheme.len() as isize);
    Some(match scheme {
        "sgtin" => with(keyed("01", &k.gtin())?, "/21/", k.from(32), true),
        "sscc" => keyed(
            "00",
            &[k.slice(k.p + 1, Some(k.p + 2)), k.gcp, k.from(k.p + 2)],
        )?,
        "sgln" => {
            let ext = k.from(30);
            let dl = keyed("414", &k.key12())?;
            if ext == "0" {
                dl
            } else {
                with(dl, "/254/", ext, true)
            }
        }
        "grai" => with(
            keyed("8003", &["0", k.key12()[0], k.key12()[1]])?,
            "",
            k.from(30),
            true,
        ),
        "giai" => with(format!("{DL}8004/{}", k.gcp), "", k.after_dot(), true),
        "ginc" => with(format!("{DL}401/{}", k.gcp), "", k.after_dot(), true),
        "gsrn" | "gsrnp" | "gsin" => {
            let ai = match scheme {
                "gsrn" => "8018",
                "gsrnp" => "8017",
                _ => "402",
            };
            keyed(ai, &[k.gcp, k.after_dot()])?
        }
        "gdti" => with(keyed("253", &k.key12())?, "", k.from(30), true),
        "cpi" => {
            let (head, serial) = uri.rsplit_once('.')?;
            let cpref = head.split_once('.').map_or("", |(_, r)| r);
            let out = with(format!("{DL}8010/"), "", &format!("{}{cpref}", k.gcp), true);
            with(out, "/8011/", serial, false)
        }
        "sgcn" => with(keyed("255", &k.key12())?, "", k.from(30), false),
        "itip" => {
            let mut out = keyed("8006", &k.gtin())?;
            out.push_str(k.slice(31, Some(33)));
            out.push_str(k.slice(34, Some(36)));
            with(out, "/21/", k.from(37), true)
        }
        "upui" => with(keyed("01", &k.gtin())?, "/235/", k.from(31), true),
        _ => keyed("417", &k.key12())?,
    })
}

fn pattern(uri: &str, scheme: &str) -> Option<String> {
    let mut cur = Cur::new(uri);
    if !(cur.lit("urn:epc:idpat:") && cur.lit(scheme) && cur.lit(":")) {
        return None;
    }
    let c = &mut cur;
    let ok = match scheme {
        "sgtin" | "upui" => gcp_ref(c, 13, Twelve::Regular),
        "grai" | "gdti" | "sgcn" => gcp_ref(c, 12, Twelve::ExtraDot),
        "cpi" => gcp(c).is_some_and(|l| c.atoms(1, 30 - l, cpi_char, cpi_pct)),
        "itip" => {
            gcp_ref(c, 13, Twelve::Regular)
                && c.lit(".")
                && c.digits(2)
                && c.lit(".")
                && c.digits(2)
        }
        _ => false,
    };
    if !ok || !c.lit(".*") || !c.end() {
        return None;
    }
    // `urn:epc:idpat:` is 14 code points, then the scheme and a colon.
    let k = Cut::new(uri, 15 + scheme.len() as isize);
    match scheme {
        "sgtin" | "upui" => keyed("01", &k.gtin()),
        "grai" => keyed("8003", &["0", k.key12()[0], k.key12()[1]]),
        "gdti" => keyed("253", &k.key12()),
        "sgcn" => keyed("255", &k.key12()),
        "cpi" => {
            let (head, _) = uri.rsplit_once('.')?;
            let cpref = head.split_once('.').map_or("", |(_, r)| r);
            Some(with(
                format!("{DL}8010/"),
                "",
                &format!("{}{cpref}", k.gcp),
                true,
            ))
        }
        _ => {
            let mut out = keyed("8006", &k.gtin())?;
            out.push_str(k.slice(34, Some(36)));
            out.push_str(k.slice(37, Some(39)));
            Some(out)
        }
    }
}
