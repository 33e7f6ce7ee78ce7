//! Value canonicalisation as the reference generator does it, with Python's semantics: `str.strip`,
//! `float()`, `int()`, `str()` of numbers, and `dateutil` + `datetime` for times.
//!
//! Where Python raises an exception that the reference does not catch, the event is dropped from
//! the output: such paths return [`Dropped`].

use std::borrow::Cow;

/// The reference raised an uncaught exception while building this event's pre-hash string, so the
/// event is silently left out of its output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dropped(pub(crate) &'static str);

/// Python's `str.isspace`: Unicode White_Space plus the ASCII separators U+001C..U+001F.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip()` without arguments.
pub(crate) fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// `_canonize_value`: old CBV URNs to web vocabulary, numbers through `float()`, then GS1 keys to
/// canonical Digital Link.
pub(crate) fn canonize(text: &str) -> Result<Cow<'_, str>, Dropped> {
    let text = web_vocabulary(text);
    let text = match format_numeric(&text)? {
        Some(n) => Cow::Owned(n),
        None => text,
    };
    Ok(match normalise(&text) {
        Some(dl) => Cow::Owned(dl),
        None => text,
    })
}

/// [`crate::id::normalise`], skipping values that cannot be GS1 keys (it is the costliest step
/// of canonicalisation). The reference's normaliser returns nothing for text without a `.`;
/// its EPC patterns all start with `urn:epc:`; its Digital Link pattern needs `https?:` and
/// either a key of four digits or more after an AI segment, or a path ending in `/` and ten
/// letters, `_` or `-`.
fn normalise(text: &str) -> Option<String> {
    if !text.contains('.') {
        return None;
    }
    if text.starts_with("urn:epc:") {
        return crate::id::normalise(text);
    }
    if !text.starts_with("http") {
        return None;
    }
    if text.is_ascii() && !has_four_digits(text) && !ends_in_ten_letters(text) {
        return None;
    }
    crate::id::normalise(text)
}

fn has_four_digits(s: &str) -> bool {
    let mut run = 0;
    for b in s.bytes() {
        if b.is_ascii_digit() {
            run += 1;
            if run == 4 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// `/[A-Za-z_-]{10}$` (Python's `$` also matches before a final newline).
fn ends_in_ten_letters(s: &str) -> bool {
    let s = s.strip_suffix('\n').unwrap_or(s).as_bytes();
    s.len() >= 11
        && s[s.len() - 11] == b'/'
        && s[s.len() - 10..]
            .iter()
            .all(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'-')
}

/// `_try_format_web_vocabulary`: plain substring replacements, in the reference's order.
pub(crate) fn web_vocabulary(text: &str) -> Cow<'_, str> {
    if !text.contains("urn:epcglobal:cbv:") {
        return Cow::Borrowed(text);
    }
    const PAIRS: [(&str, &str); 5] = [
        (
            "urn:epcglobal:cbv:bizstep:",
            "https://ref.gs1.org/cbv/BizStep-",
        ),
        ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
        ("urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"),
        ("urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"),
        ("urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"),
    ];
    let mut s = text.to_owned();
    for (from, to) in PAIRS {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    Cow::Owned(s)
}

/// `_try_format_numeric`: `None` when Python's `float()` rejects the text (or it is a NaN, whose
/// `int()` raises the `ValueError` the reference catches); the canonical number otherwise.
/// Infinity makes `int()` raise `OverflowError`, which the reference does not catch.
pub(crate) fn format_numeric(text: &str) -> Result<Option<String>, Dropped> {
    // Fast exit: every Python float literal starts with a digit, sign, dot, whitespace, i/I/n/N
    // or a non-ASCII (Unicode digit or space) character.
    match text.as_bytes().first() {
        None => return Ok(None),
        Some(b) if b.is_ascii_alphabetic() && !matches!(b, b'i' | b'I' | b'n' | b'N') => {
            return Ok(None);
        }
        Some(b) if b.is_ascii_punctuation() && !matches!(b, b'+' | b'-' | b'.') => {
            return Ok(None);
        }
        _ => {}
    }
    match py_float(text) {
        None => Ok(None),
        Some(f) if f.is_nan() => Ok(None),
        Some(f) if f.is_infinite() => Err(Dropped("int() of an infinite float")),
        Some(f) if f.fract() == 0.0 => Ok(Some(integral_to_string(f))),
        Some(f) => Ok(Some(py_float_repr(f))),
    }
}

/// Decimal digit zeros of Unicode category Nd outside ASCII (Unicode 14, as in Python 3.11):
/// `float()` accepts any of these digits.
const UNICODE_DIGIT_ZEROS: [u32; 65] = [
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

fn unicode_digit(c: char) -> Option<u8> {
    let cp = c as u32;
    let i = UNICODE_DIGIT_ZEROS.partition_point(|&z| z <= cp);
    let zero = *UNICODE_DIGIT_ZEROS.get(i.checked_sub(1)?)?;
    let d = cp - zero;
    (d < 10).then_some(d as u8)
}

/// Python's `float(str)`: surrounding whitespace, `_` between digits, `inf`/`infinity`/`nan` in
/// any case, Unicode decimal digits; correctly rounded.
pub(crate) fn py_float(text: &str) -> Option<f64> {
    let ascii: Cow<'_, str> = if text.is_ascii() {
        Cow::Borrowed(text)
    } else {
        let mut s = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_ascii() {
                s.push(c);
            } else if is_py_space(c) {
                s.push(' ');
            } else {
                s.push(char::from(b'0' + unicode_digit(c)?));
            }
        }
        Cow::Owned(s)
    };
    let s =
        ascii.trim_matches(|c: char| c.is_ascii_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c));
    let b = s.as_bytes();
    // Underscores only between two digits.
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' {
            let before = i.checked_sub(1).and_then(|j| b.get(j));
            let after = b.get(i + 1);
            if !matches!(before, Some(x) if x.is_ascii_digit())
                || !matches!(after, Some(x) if x.is_ascii_digit())
            {
                return None;
            }
        }
    }
    let s: Cow<'_, str> = if s.contains('_') {
        Cow::Owned(s.replace('_', ""))
    } else {
        Cow::Borrowed(s)
    };
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, &s[..]),
    };
    let lower = body.to_ascii_lowercase();
    let special = match lower.as_str() {
        "inf" | "infinity" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    };
    if let Some(v) = special {
        return Some(if neg { -v } else { v });
    }
    // digits [. digits] | . digits, then optional exponent.
    let bb = body.as_bytes();
    let mut i = 0;
    let int_start = i;
    while i < bb.len() && bb[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < bb.len() && bb[i] == b'.' {
        i += 1;
        let f0 = i;
        while i < bb.len() && bb[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - f0;
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    if i < bb.len() && (bb[i] == b'e' || bb[i] == b'E') {
        i += 1;
        if i < bb.len() && (bb[i] == b'+' || bb[i] == b'-') {
            i += 1;
        }
        let e0 = i;
        while i < bb.len() && bb[i].is_ascii_digit() {
            i += 1;
        }
        if i == e0 {
            return None;
        }
    }
    if i != bb.len() {
        return None;
    }
    // Rust's parser accepts exactly this grammar ("5.", ".5" included) and rounds correctly.
    let v: f64 = body.parse().ok()?;
    Some(if neg { -v } else { v })
}

/// `str(int(f))` for a finite integral float: its exact decimal expansion.
pub(crate) fn integral_to_string(f: f64) -> String {
    if f.abs() < 9.0e15 {
        // Exactly representable in i64; `as` is exact for integral values in range.
        return format!("{}", f as i64);
    }
    let bits = f.to_bits();
    let neg = bits >> 63 == 1;
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let mant = if exp == 0 {
        (bits & ((1 << 52) - 1)) << 1
    } else {
        (bits & ((1 << 52) - 1)) | (1 << 52)
    };
    // value = mant * 2^(exp - 1075); integral values this large have exp - 1075 >= 0.
    let shift = (exp - 1075).max(0) as u32;
    // Little-endian base-1e9 limbs.
    let mut limbs: Vec<u64> = vec![mant % 1_000_000_000, mant / 1_000_000_000];
    for _ in 0..shift {
        let mut carry = 0u64;
        for l in limbs.iter_mut() {
            let v = *l * 2 + carry;
            *l = v % 1_000_000_000;
            carry = v / 1_000_000_000;
        }
        if carry > 0 {
            limbs.push(carry);
        }
    }
    while limbs.len() > 1 && limbs.last() == Some(&0) {
        limbs.pop();
    }
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    let mut it = limbs.iter().rev();
    if let Some(top) = it.next() {
        s.push_str(&top.to_string());
    }
    for l in it {
        s.push_str(&format!("{l:09}"));
    }
    s
}

/// Python's `repr(float)` (= `str(float)`): shortest round-trip digits; scientific notation when
/// the decimal exponent is below -4 or at least 16; `.0` on integral values.
pub(crate) fn py_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let abs = f.abs();
    if (1e-4..1e16).contains(&abs) {
        // Positional notation here, like Rust's `{}` (also the shortest round-trip digits).
        let mut s = format!("{f}");
        if !s.contains('.') {
            s.push_str(".0");
        }
        return s;
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "-1.2345e-7".
    let e = format!("{f:e}");
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if !(-4..16).contains(&exp) {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.unsigned_abs()));
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let point = exp as usize + 1;
        if digits.len() <= point {
            out.push_str(&digits);
            for _ in digits.len()..point {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values printed by the reference's `_try_format_numeric` (Python 3.11).
    #[test]
    fn numbers_like_python() {
        let cases: &[(&str, Option<&str>)] = &[
            ("1.0", Some("1")),
            ("0.3434000", Some("0.3434")),
            ("+5", Some("5")),
            ("0012", Some("12")),
            ("1e3", Some("1000")),
            ("1_000", Some("1000")),
            ("12345678901234567890", Some("12345678901234567168")),
            ("NaN", None),
            ("-nan", None),
            ("1e-5", Some("1e-05")),
            ("0.0001", Some("0.0001")),
            ("0.00001", Some("1e-05")),
            ("-0.0", Some("0")),
            ("1e16", Some("10000000000000000")),
            (
                "1.5e300",
                Some(
                    "1500000000000000078757140382806630373056702871662238732373781173267703686983362293679557062620671796065556665749325817265413784853040645863467188277180060474272580801389863705606745350692182135089053429852456199917621678558451461320111979114170213741868888183230085264257173504208294580298189100810240",
                ),
            ),
            ("123.456", Some("123.456")),
            ("1__0", None),
            ("_1", None),
            ("1_", None),
            ("1_.5", None),
            ("1._5", None),
            ("0x10", None),
            (".5", Some("0.5")),
            ("5.", Some("5")),
            (".", None),
            ("1e", None),
            ("1e+", None),
            ("1E5", Some("100000")),
            ("1e1_0", Some("10000000000")),
            ("３", Some("3")),
            ("١٢", Some("12")),
            ("12.50", Some("12.5")),
            ("2.5e-324", Some("5e-324")),
            ("1e-400", Some("0")),
            ("9007199254740993", Some("9007199254740992")),
            ("1/2", None),
            ("true", None),
            ("-1.5", Some("-1.5")),
            ("1_0.0_1", Some("10.01")),
            ("1e22", Some("10000000000000000000000")),
            ("1e23", Some("99999999999999991611392")),
            ("123456789.123456789", Some("123456789.12345679")),
            ("1e-7", Some("1e-07")),
        ];
        for (input, want) in cases {
            let got = format_numeric(input).unwrap();
            assert_eq!(got.as_deref(), *want, "{input}");
        }
        assert!(format_numeric("inf").is_err());
        assert!(format_numeric("-Infinity").is_err());
        assert!(format_numeric("1e400").is_err());
    }

    #[test]
    fn float_repr_like_python() {
        for (f, want) in [
            (26.0, "26.0"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1.5e-5, "1.5e-05"),
            (0.0001, "0.0001"),
            (-0.0, "-0.0"),
            (0.1, "0.1"),
            (123_456_789.123_456_79, "123456789.12345679"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
        ] {
            assert_eq!(py_float_repr(f), want);
        }
    }

    /// The shortcut never skips a value the normaliser would convert.
    #[test]
    fn normalise_shortcut_is_safe() {
        for s in [
            "https://id.gs1.org/01/09520123456788/21/12345",
            "https://example.com/gtin/9520123456788",
            "http://example.com/414/9520123456788",
            "https://example.com/abcdefghij",
            "https://ref.gs1.org/cbv/BizStep-receiving",
            "https://example.org/po/2",
            "urn:epc:id:sgtin:4012345.011111.987",
            "urn:epc:class:lgtin:4012345.011111.LOT1",
            "urn:epc:idpat:sgtin:4012345.011111.*",
            "urn:uuid:1.2",
            "12.5",
        ] {
            assert_eq!(normalise(s), crate::id::normalise(s), "{s}");
        }
    }

    #[test]
    fn strip_like_python() {
        assert_eq!(py_strip("\u{1c} a b\u{a0}\u{3000}"), "a b");
        assert_eq!(py_strip("\u{200b}x"), "\u{200b}x");
    }
}
