//! The string formats and patterns of the EPCIS 2.0 JSON Schema, as hand-written byte checks
//! (no regex, no allocation). `format: uri` is in `uri.rs`.
//!
//! `format` is asserted, as GS1 validates its examples (ajv with ajv-formats). The exact edge
//! cases follow RFC 3986 (`uri`, absolute URI with scheme) and RFC 3339 (`date-time`) the way
//! the `jsonschema` crate reads them, so that `schema_violations` agrees with that validator
//! on every input, not just on typical ones.

use serde_json::Value;

pub(crate) use super::uri::is_uri;

// ---- RFC 3339 date-time -------------------------------------------------------------------

fn two(b: &[u8]) -> Option<u8> {
    match b {
        [h @ b'0'..=b'9', l @ b'0'..=b'9'] => Some((h - b'0') * 10 + (l - b'0')),
        _ => None,
    }
}

fn four(b: &[u8]) -> Option<u16> {
    let mut v: u16 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u16::from(c - b'0');
    }
    Some(v)
}

fn is_date(b: &[u8]) -> bool {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (four(&b[0..4]), two(&b[5..7]), two(&b[8..10]))
    else {
        return false;
    };
    if !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let max = match month {
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 31,
    };
    day <= max
}

fn is_time(b: &[u8]) -> bool {
    let len = b.len();
    if len < 9 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) = (two(&b[0..2]), two(&b[3..5]), two(&b[6..8]))
    else {
        return false;
    };
    if hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut i = 8;
    if b[i] == b'.' {
        i += 1;
        let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        i += digits;
    }
    if i == len {
        return false;
    }
    let sign: i32 = match b[i] {
        b'Z' | b'z' => return i == len - 1 && (second != 60 || (hour == 23 && minute == 59)),
        b'+' => -1,
        b'-' => 1,
        _ => return false,
    };
    if len - i != 6 || b[i + 3] != b':' {
        return false;
    }
    let (Some(oh), Some(om)) = (two(&b[i + 1..i + 3]), two(&b[i + 4..i + 6])) else {
        return false;
    };
    if oh > 23 || om > 59 {
        return false;
    }
    if second != 60 {
        return true;
    }
    // A leap second is only valid at 23:59:60 UTC.
    let mut h = i32::from(hour) + sign * i32::from(oh);
    let mut m = i32::from(minute) + sign * i32::from(om);
    h += m / 60;
    m %= 60;
    if m < 0 {
        m += 60;
        h -= 1;
    }
    h = (h + 24) % 24;
    h == 23 && m == 59
}

/// JSON Schema `format: date-time` (RFC 3339 `date-time`, offset required).
pub(crate) fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    match b.iter().position(|&c| c == b'T' || c == b't') {
        Some(t) => is_date(&b[..t]) && is_time(&b[t + 1..]),
        None => false,
    }
}

/// The XSD `DateTimeStamp` pattern of EPCIS 2.0 XML: upper-case `T`, seconds 00–59, and a
/// `Z` or an offset within ±14:00. Stricter than RFC 3339 and meant for event times.
pub(crate) fn is_xsd_date_time_stamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || b[10] != b'T' || !is_date(&b[..10]) {
        return false;
    }
    let t = &b[11..];
    if t[2] != b':' || t[5] != b':' {
        return false;
    }
    let (Some(h), Some(m), Some(sec)) = (two(&t[0..2]), two(&t[3..5]), two(&t[6..8])) else {
        return false;
    };
    if h > 23 || m > 59 || sec > 59 {
        return false;
    }
    let mut rest = &t[8..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        rest = &frac[digits..];
    }
    rest == b"Z" || is_offset(rest)
}

// ---- patterns -----------------------------------------------------------------------------

/// `^([+]|[-])((0[0-9]|1[0-3]):([0-5][0-9])|14:00)$`: the `eventTimeZoneOffset` pattern.
pub(crate) fn is_offset(b: &[u8]) -> bool {
    let [sign, h1, h2, b':', m1, m2] = *b else {
        return false;
    };
    if sign != b'+' && sign != b'-' {
        return false;
    }
    match (two(&[h1, h2]), two(&[m1, m2])) {
        (Some(14), _) => m1 == b'0' && m2 == b'0',
        (Some(h), Some(m)) => h <= 13 && m <= 59,
        _ => false,
    }
}

/// `^\d+(\.\d+)*$` (ECMA-262 `\d` is ASCII): the `schemaVersion` pattern.
pub(crate) fn is_version(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
}

/// `^[A-Z0-9]{2,3}$`: a UN/CEFACT Recommendation 20 unit code's shape.
pub(crate) fn is_uom(s: &str) -> bool {
    (2..=3).contains(&s.len())
        && s.bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// `^[A-Fa-f0-9]+$`.
pub(crate) fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_hexdigit())
}

// ---- JSON equality (enum, uniqueItems) ----------------------------------------------------

fn num_eq(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    fn int(n: &serde_json::Number) -> Option<i128> {
        n.as_u64()
            .map(i128::from)
            .or_else(|| n.as_i64().map(i128::from))
    }
    match (int(a), int(b)) {
        (Some(x), Some(y)) => x == y,
        (Some(i), None) | (None, Some(i)) => {
            let f = if int(a).is_some() {
                b.as_f64()
            } else {
                a.as_f64()
            };
            // Exact: a float equals an integer only if it is that integer.
            f.is_some_and(|f| f.fract() == 0.0 && f.abs() < 1.8e19 && f as i128 == i)
        }
        (None, None) => a.as_f64() == b.as_f64(),
    }
}

/// JSON Schema equality: numbers compare by value (`1 == 1.0`), objects member by member in
/// their stored order, as the reference validator does.
pub(crate) fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => num_eq(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| ka == kb && json_equal(va, vb))
        }
        _ => false,
    }
}

/// The index of the first item that repeats an earlier one, with that earlier index.
pub(crate) fn first_duplicate(items: &[Value]) -> Option<(usize, usize)> {
    if items.len() > 64 && items.iter().all(Value::is_string) {
        // Long lists of EPCs: hash instead of comparing every pair.
        let mut seen = std::collections::HashMap::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
            let Some(s) = v.as_str() else { continue };
            match seen.entry(s) {
                std::collections::hash_map::Entry::Occupied(j) => return Some((*j.get(), i)),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(i);
                }
            }
        }
        return None;
    }
    for i in 1..items.len() {
        for j in 0..i {
            if json_equal(&items[j], &items[i]) {
                return Some((j, i));
            }
        }
    }
    None
}

/// The JSON type of a value, for messages.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn date_times() {
        for ok in [
            "2005-04-03T20:33:31.116000-06:00",
            "2005-04-03t20:33:31z",
            "2016-12-31T23:59:60Z",
            "2016-12-31T15:59:60-08:00",
            "2020-02-29T00:00:00+23:59",
        ] {
            assert!(is_date_time(ok), "{ok}");
        }
        for bad in [
            "2005-04-03T20:33:31",
            "2005-04-03 20:33:31Z",
            "2019-02-29T00:00:00Z",
            "2005-04-03T20:33:31.Z",
            "2005-04-03T24:00:00Z",
            "2005-04-03T20:33:60Z",
            "05-04-03T20:33:31Z",
            "2005-04-03T20:33:31+2400",
            "2005-04-03T20:33:31+24:00",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
        assert!(is_xsd_date_time_stamp("2005-04-03T20:33:31.116000-06:00"));
        assert!(is_xsd_date_time_stamp("2005-04-03T20:33:31Z"));
        assert!(!is_xsd_date_time_stamp("2005-04-03t20:33:31Z"));
        assert!(!is_xsd_date_time_stamp("2005-04-03T20:33:31+15:00"));
        assert!(!is_xsd_date_time_stamp("2016-12-31T23:59:60Z"));
    }

    #[test]
    fn patterns() {
        assert!(is_offset(b"+14:00") && is_offset(b"-06:30") && is_offset(b"+00:00"));
        assert!(!is_offset(b"+14:30") && !is_offset(b"Z") && !is_offset(b"+8:00"));
        assert!(is_version("2.0") && is_version("10") && !is_version("2.") && !is_version("v2"));
        assert!(is_uom("KGM") && is_uom("C35") && !is_uom("kg") && !is_uom("KGMS"));
        assert!(is_hex("f0F0") && !is_hex("") && !is_hex("0x"));
    }

    #[test]
    fn equality() {
        assert!(json_equal(&json!(1), &json!(1.0)));
        assert!(!json_equal(&json!(1), &json!(1.5)));
        assert!(json_equal(
            &json!({"a": [1, "x"]}),
            &json!({"a": [1.0, "x"]})
        ));
        assert_eq!(
            first_duplicate(&[json!("a"), json!("b"), json!("a")]),
            Some((0, 2))
        );
        let many: Vec<Value> = (0..100).map(|i| json!(format!("e{}", i % 99))).collect();
        assert_eq!(first_duplicate(&many), Some((0, 99)));
    }
}
