//! RFC 8785 JSON Canonicalization Scheme (JCS) of a [`serde_json::Value`].
//!
//! Object members are sorted by the UTF-16 code units of their names, numbers are written
//! as ECMAScript's `Number.prototype.toString` writes IEEE-754 doubles, strings use the
//! minimal escaping of `JSON.stringify`, and there is no white space. The result is UTF-8.
//!
//! Integers outside ±(2^53 − 1) are not I-JSON (RFC 7493); one is refused unless its digits
//! already are the canonical spelling of a double, because rounding it would silently
//! change what is signed or logged.

use std::cmp::Ordering;
use std::fmt::Write as _;

use serde_json::{Number, Value};

mod key;
mod ser;

pub use ser::to_vec_of;

/// Largest integer magnitude JCS accepts (2^53 − 1, the I-JSON limit).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Why a value has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JcsError {
    /// An integer beyond ±(2^53 − 1) that a double cannot carry digit for digit.
    #[error(
        "integer {0} is outside the I-JSON range ±(2^53 - 1) and not the canonical spelling of a double"
    )]
    IntegerOutOfRange(String),
    /// A number that is not a finite double.
    #[error("number {0} is not a finite IEEE-754 double")]
    NotFinite(String),
    /// A value that JSON cannot represent as serialized (a map keyed by something other than
    /// a string, or the value's own serializer failing).
    #[error("the value has no JSON form: {0}")]
    Unserializable(String),
}

/// The canonical UTF-8 bytes of `value`.
pub fn to_vec(value: &Value) -> Result<Vec<u8>, JcsError> {
    let mut out = String::new();
    write_value(value, &mut out)?;
    Ok(out.into_bytes())
}

/// The canonical form of `value` as a string.
pub fn to_string(value: &Value) -> Result<String, JcsError> {
    let mut out = String::new();
    write_value(value, &mut out)?;
    Ok(out)
}

/// Appends the canonical form of `value` to `out` (lets callers reuse one buffer).
pub fn write_value(value: &Value, out: &mut String) -> Result<(), JcsError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(n, out)?,
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(v, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_unstable_by(|a, b| utf16_cmp(a.0, b.0));
            out.push('{');
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_value(v, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Orders strings by UTF-16 code units, as RFC 8785 §3.2.3 requires.
pub fn utf16_cmp(a: &str, b: &str) -> Ordering {
    // UTF-8 byte order equals code point order, which differs from UTF-16 order only when
    // a supplementary character meets one in U+E000..U+FFFF; skip the common prefix fast.
    let common = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    let mut start = common;
    while !a.is_char_boundary(start) {
        start -= 1;
    }
    a[start..].encode_utf16().cmp(b[start..].encode_utf16())
}

fn write_number(n: &Number, out: &mut String) -> Result<(), JcsError> {
    if let Some(u) = n.as_u64() {
        if u > MAX_SAFE_INTEGER {
            return write_big_integer(u as f64, &u.to_string(), out);
        }
        let _ = write!(out, "{u}");
    } else if let Some(i) = n.as_i64() {
        if i.unsigned_abs() > MAX_SAFE_INTEGER {
            return write_big_integer(i as f64, &i.to_string(), out);
        }
        let _ = write!(out, "{i}");
    } else {
        let f = n
            .as_f64()
            .ok_or_else(|| JcsError::NotFinite(n.to_string()))?;
        write_f64(f, out)?;
    }
    Ok(())
}

/// An integer beyond ±(2^53 − 1) is accepted only when its digits already are the canonical
/// spelling of a double (as JCS itself writes large doubles, e.g. `512781214020429060`), so
/// canonicalizing never changes the digits of a number; otherwise it is refused.
fn write_big_integer(f: f64, digits: &str, out: &mut String) -> Result<(), JcsError> {
    let mut s = String::new();
    write_f64(f, &mut s)?;
    if s != digits {
        return Err(JcsError::IntegerOutOfRange(digits.to_owned()));
    }
    out.push_str(&s);
    Ok(())
}

/// Writes a double as ECMAScript's `Number.prototype.toString` does (ECMA-262
/// Number::toString, radix 10), which is what `JSON.stringify` and RFC 8785 use.
pub fn write_f64(f: f64, out: &mut String) -> Result<(), JcsError> {
    if !f.is_finite() {
        return Err(JcsError::NotFinite(f.to_string()));
    }
    if f == 0.0 {
        // Both +0 and -0.
        out.push('0');
        return Ok(());
    }
    if f < 0.0 {
        out.push('-');
    }
    // Rust's `{:e}` prints the shortest digit string that round-trips, as ECMAScript
    // requires (the closest one when several qualify): "d[.ddd]e<exp>".
    let mut sci = Buf::default();
    let _ = write!(sci, "{:e}", f.abs());
    let s = sci.as_str();
    let (mantissa, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits = Buf::default();
    for c in mantissa.chars().filter(|c| *c != '.') {
        let _ = digits.write_char(c);
    }
    if digits.len >= 16 {
        round_tie_to_even(f.abs(), exp, &mut digits);
    }
    let digits = digits.as_str();
    let k = digits.len() as i32;
    // The value is 0.digits × 10^n.
    let n = exp + 1;
    if k <= n && n <= 21 {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if n >= 1 { '+' } else { '-' });
        let _ = write!(out, "{}", (n - 1).abs());
    }
    Ok(())
}

/// ECMAScript breaks a tie between two equally close shortest digit strings towards the even
/// one; Rust rounds it up (e.g. 1424953923781206.25 is "…206.2" in JavaScript, "…206.3" in
/// Rust). Ties need as many digits as a double has (16–17), so only those are checked,
/// against the double's exact decimal expansion.
fn round_tie_to_even(f: f64, exp: i32, digits: &mut Buf) {
    let k = digits.len;
    // 800 significant digits are more than any double's exact expansion has (≤ 767).
    let exact = format!("{f:.800e}");
    let (mantissa, e) = exact.split_once('e').unwrap_or((&exact, "0"));
    if e.parse::<i32>().ok() != Some(exp) {
        return;
    }
    let ex: Vec<u8> = mantissa.bytes().filter(|b| *b != b'.').collect();
    let is_tie = ex.get(k) == Some(&b'5') && ex[k + 1..].iter().all(|&b| b == b'0');
    if !is_tie {
        return;
    }
    let mut floor = ex[..k].to_vec();
    let last = floor[k - 1];
    if (last - b'0') % 2 == 1 {
        if last == b'9' {
            return; // the even neighbour is shorter; then this was not a shortest tie
        }
        floor[k - 1] = last + 1;
    }
    digits.bytes[..k].copy_from_slice(&floor);
}

/// A fixed stack buffer for formatting one double (at most 24 bytes) without allocating.
#[derive(Default)]
struct Buf {
    bytes: [u8; 32],
    len: usize,
}

impl Buf {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl std::fmt::Write for Buf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if end > self.bytes.len() {
            return Err(std::fmt::Error);
        }
        self.bytes[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Writes a JSON string with RFC 8785 §3.2.2.2 escaping: `"` and `\` escaped, U+0008,
/// U+0009, U+000A, U+000C, U+000D as `\b \t \n \f \r`, other controls below U+0020 as
/// `\u00xx` (lower-case hex), everything else as is.
pub fn write_string(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut run = 0;
    // Most strings need no escape: find the next byte that does, copy the run before it whole.
    while let Some(at) = bytes[run..].iter().position(|&b| ESCAPED[usize::from(b)]) {
        let i = run + at;
        out.push_str(&s[run..i]);
        match bytes[i] {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x0c => out.push_str("\\f"),
            b'\r' => out.push_str("\\r"),
            b => {
                let _ = write!(out, "\\u{:04x}", b);
            }
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// The bytes [`write_string`] escapes: `"`, `\` and the controls below U+0020.
const ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn num(bits: u64) -> String {
        let mut s = String::new();
        write_f64(f64::from_bits(bits), &mut s).unwrap();
        s
    }

    // RFC 8785 Appendix B; every value re-checked against node's JSON.stringify.
    #[test]
    fn rfc8785_appendix_b_numbers() {
        let table: &[(u64, &str)] = &[
            (0x0000000000000000, "0"),
            (0x8000000000000000, "0"),
            (0x0000000000000001, "5e-324"),
            (0x8000000000000001, "-5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0xffefffffffffffff, "-1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"),
            (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"),
            (0x44b52d02c7e14af5, "9.999999999999997e+22"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
            (0x444b1ae4d6e2ef4e, "999999999999999700000"),
            (0x444b1ae4d6e2ef4f, "999999999999999900000"),
            (0x444b1ae4d6e2ef50, "1e+21"),
            (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
            (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x41b3de4355555553, "333333333.3333332"),
            (0x41b3de4355555554, "333333333.33333325"),
            (0x41b3de4355555555, "333333333.3333333"),
            (0x41b3de4355555556, "333333333.3333334"),
            (0x41b3de4355555557, "333333333.33333343"),
            (0xbecbf647612f3696, "-0.0000033333333333333333"),
            (0x43143ff3c1cb0959, "1424953923781206.2"),
        ];
        for &(bits, want) in table {
            assert_eq!(num(bits), want, "{bits:016x}");
        }
        assert!(write_f64(f64::NAN, &mut String::new()).is_err());
        assert!(write_f64(f64::INFINITY, &mut String::new()).is_err());
    }

    #[test]
    fn edge_numbers() {
        for (f, want) in [
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1e-7, "1e-7"),
            (1e-6, "0.000001"),
            (1.5e-7, "1.5e-7"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-0.0, "0"),
            (5e-324, "5e-324"),
            (15.60, "15.6"),
            (1.0, "1"),
            (123.456e10, "1234560000000"),
        ] {
            let mut s = String::new();
            write_f64(f, &mut s).unwrap();
            assert_eq!(s, want, "{f:e}");
        }
        assert_eq!(
            to_string(&json!(-9007199254740991i64)).unwrap(),
            "-9007199254740991"
        );
        assert!(to_string(&json!(9007199254740993u64)).is_err());
        assert!(to_string(&json!(i64::MIN)).is_err());
        assert!(to_string(&json!(1u64 << 60)).is_err()); // JS would print 1152921504606847000
        assert_eq!(
            to_string(&json!(9007199254740992u64)).unwrap(),
            "9007199254740992"
        );
        assert_eq!(
            to_string(&json!(-512781214020429060i64)).unwrap(),
            "-512781214020429060"
        );
        let v: Value = serde_json::from_str("[1.0, -0.0, 1E30, 4.50, 2e-3, 1e-27]").unwrap();
        assert_eq!(to_string(&v).unwrap(), "[1,0,1e+30,4.5,0.002,1e-27]");
    }

    // RFC 8785 §3.2.2 example (also cyberphone/json-canonicalization testdata/values.json).
    #[test]
    fn rfc8785_sample() {
        let input = r#"{
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }"#;
        let v: Value = serde_json::from_str(input).unwrap();
        assert_eq!(
            to_string(&v).unwrap(),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }

    // RFC 8785 §3.2.3 sorting example.
    #[test]
    fn rfc8785_sorting() {
        let input = r#"{
          "\u20ac": "Euro Sign",
          "\r": "Carriage Return",
          "\ufb33": "Hebrew Letter Dalet With Dagesh",
          "1": "One",
          "\ud83d\ude00": "Emoji: Grinning Face",
          "\u0080": "Control",
          "\u00f6": "Latin Small Letter O With Diaeresis"
        }"#;
        let v: Value = serde_json::from_str(input).unwrap();
        let out = to_string(&v).unwrap();
        let keys: Vec<&str> = [
            "\\r",
            "1",
            "\u{80}",
            "\u{f6}",
            "\u{20ac}",
            "\u{1f600}",
            "\u{fb33}",
        ]
        .to_vec();
        let mut pos = 0;
        for k in keys {
            let at = out[pos..].find(&format!("\"{k}\":")).map(|p| p + pos);
            assert!(at.is_some(), "{k:?} out of order in {out}");
            pos = at.unwrap_or(0);
        }
        // UTF-8 byte order would put U+FB33 before U+1F600.
        assert_eq!(utf16_cmp("\u{1f600}", "\u{fb33}"), Ordering::Less);
        assert_eq!(utf16_cmp("ab", "abc"), Ordering::Less);
    }

    // cyberphone/json-canonicalization testdata: structures, weird, unicode, arrays.
    #[test]
    fn reference_testdata() {
        let cases = [
            (
                r#"{"1": {"f": {"f": "hi","F": 5} ,"\n": 56.0}, "10": { }, "": "empty", "a": { }, "111": [ { } ], "A": { }}"#,
                r#"{"":"empty","1":{"\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}"#,
            ),
            (
                r#"{"\u20ac": "Euro Sign", "1": "One", "\u0080": "Control\u007f", "\ud83d\ude02": "Smiley", "\u00f6": "Latin Small Letter O With Diaeresis", "\ufb33": "Hebrew Letter Dalet With Dagesh", "</script>": "Browser Challenge"}"#,
                "{\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u{80}\":\"Control\u{7f}\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😂\":\"Smiley\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}",
            ),
            (
                r#"{"Unnormalized Unicode":"\u1e0d\u0307"}"#,
                "{\"Unnormalized Unicode\":\"\u{1e0d}\u{307}\"}",
            ),
            (
                r#"[56, {"d": true, "10": null, "1": [ ]}]"#,
                r#"[56,{"1":[],"10":null,"d":true}]"#,
            ),
        ];
        for (input, want) in cases {
            let v: Value = serde_json::from_str(input).unwrap();
            assert_eq!(to_string(&v).unwrap(), want);
        }
    }

    #[test]
    fn string_escapes() {
        let mut s = String::new();
        write_string(
            "a\u{0}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1f}\u{7f}\u{2028}\"\\/é",
            &mut s,
        );
        assert_eq!(
            s,
            "\"a\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f\u{7f}\u{2028}\\\"\\\\/é\""
        );
    }
}
