//! Exact decimal quantities: kilograms as written in events → integer grams, ratios for yield
//! bands → parts per million. No float ever takes part in mass balance.
//!
//! A JSON number reaches us as a `serde_json::Number`; without serde_json's arbitrary
//! precision it holds an `f64`, whose `Display` is the shortest decimal that reads back as the
//! same double (ryu). For every quantity written with up to 15 significant digits that decimal is
//! exactly what the document said, so parsing that text gives the exact value, not the binary
//! approximation (`0.1` kg is 100 g, never 100.00000000000000555 g).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Number, Value};

/// Why a decimal could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("'{0}' is not a decimal number")]
    Syntax(String),
    #[error("'{0}' is negative")]
    Negative(String),
    #[error("'{0}' is too large")]
    Overflow(String),
}

/// Parses a non-negative decimal (`12.5`, `7`, `1e-3`, `0.0005`) and returns it multiplied by
/// `10^shift`, rounded half to even to an integer.
pub fn scaled(text: &str, shift: u32) -> Result<u64, DecimalError> {
    let t = text.trim();
    let syntax = || DecimalError::Syntax(text.to_owned());
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => {
            let e: i64 = body[i + 1..].parse().map_err(|_| syntax())?;
            (&body[..i], e)
        }
        None => (body, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(syntax());
    }
    let digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
    if negative && digits.iter().any(|&d| d != 0) {
        return Err(DecimalError::Negative(text.to_owned()));
    }
    // value = digits × 10^(exp − frac.len()); we want value × 10^shift.
    let point = exp
        .checked_sub(frac.len() as i64)
        .and_then(|p| p.checked_add(i64::from(shift)))
        .ok_or_else(|| DecimalError::Overflow(text.to_owned()))?;
    round_digits(&digits, point).ok_or_else(|| DecimalError::Overflow(text.to_owned()))
}

/// `digits × 10^point`, rounded half to even; `None` on overflow.
fn round_digits(digits: &[u8], point: i64) -> Option<u64> {
    let first_nonzero = digits.iter().position(|&d| d != 0);
    let Some(first) = first_nonzero else {
        return Some(0);
    };
    let digits = &digits[first..];
    let len = digits.len() as i64;
    if point >= 0 {
        if len + point > 20 {
            return None;
        }
        let mut v: u64 = 0;
        for &d in digits {
            v = v.checked_mul(10)?.checked_add(u64::from(d))?;
        }
        for _ in 0..point {
            v = v.checked_mul(10)?;
        }
        return Some(v);
    }
    // Number of integer digits; when it is negative the first dropped digit is a zero, so the
    // value is below half a unit and rounds to 0.
    let cut = len + point;
    if cut < 0 {
        return Some(0);
    }
    let (int_digits, tail) = digits.split_at(cut as usize);
    if int_digits.len() > 20 {
        return None;
    }
    let mut v: u64 = 0;
    for &d in int_digits {
        v = v.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    // `tail` is non-empty: point < 0 means at least one digit is dropped.
    let (lead, rest) = tail.split_first()?;
    let up = match lead {
        6..=9 => true,
        5 => rest.iter().any(|&d| d != 0) || v % 2 == 1,
        _ => false,
    };
    if up { v.checked_add(1) } else { Some(v) }
}

/// The text of a JSON number as the document wrote it (see the module comment).
pub fn number_text(n: &Number) -> String {
    n.to_string()
}

/// Kilograms (a JSON number or a numeric string, as XML gives them) → grams, half to even.
pub fn kg_to_grams(v: &Value) -> Result<u64, DecimalError> {
    match v {
        Value::Number(n) => scaled(&number_text(n), 3),
        Value::String(s) => scaled(s, 3),
        other => Err(DecimalError::Syntax(other.to_string())),
    }
}

/// Grams as a decimal kilogram string without trailing zeros (`12500` → `12.5`).
pub fn format_kg(grams: u64) -> String {
    let int = grams / 1000;
    let frac = grams % 1000;
    if frac == 0 {
        return int.to_string();
    }
    let f = format!("{frac:03}");
    format!("{int}.{}", f.trim_end_matches('0'))
}

/// Grams as a JSON number of kilograms: the shortest double that reads back as `format_kg`.
pub fn kg_number(grams: u64) -> f64 {
    format_kg(grams).parse().unwrap_or(grams as f64 / 1000.0)
}

/// A non-negative ratio held exactly in parts per million (`0.55` → 550 000). Read from a JSON
/// number or string; written as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Ratio(pub u64);

impl Ratio {
    pub const ONE: Ratio = Ratio(1_000_000);

    /// Parses a decimal ratio, rounding half to even to the millionth.
    pub fn parse(text: &str) -> Result<Ratio, DecimalError> {
        scaled(text, 6).map(Ratio)
    }

    /// `ppm` millionths.
    pub const fn ppm(ppm: u64) -> Ratio {
        Ratio(ppm)
    }

    /// The ratio as a decimal string (`0.55`).
    pub fn to_decimal(self) -> String {
        let int = self.0 / 1_000_000;
        let frac = self.0 % 1_000_000;
        if frac == 0 {
            return int.to_string();
        }
        let f = format!("{frac:06}");
        format!("{int}.{}", f.trim_end_matches('0'))
    }

    pub fn to_f64(self) -> f64 {
        self.to_decimal().parse().unwrap_or(self.0 as f64 / 1e6)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_decimal())
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.to_f64())
    }
}

impl<'de> Deserialize<'de> for Ratio {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = decimal_text(d)?;
        Ratio::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A mass held as integer grams, configured and written as decimal kilograms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Kg(pub u64);

impl Kg {
    pub fn grams(self) -> u64 {
        self.0
    }
}

impl Serialize for Kg {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(kg_number(self.0))
    }
}

impl<'de> Deserialize<'de> for Kg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = decimal_text(d)?;
        scaled(&text, 3).map(Kg).map_err(serde::de::Error::custom)
    }
}

/// Reads a number or numeric string as its decimal text. Configuration is read from JSON or
/// TOML, whose floats arrive as `f64`; Rust's `Display` of an `f64` is its shortest round-trip
/// decimal, i.e. the text that was written.
fn decimal_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        U(u64),
        F(f64),
        S(String),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::U(u) => u.to_string(),
        Raw::F(f) => format!("{f}"),
        Raw::S(s) => s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(s: &str) -> u64 {
        scaled(s, 3).unwrap()
    }

    #[test]
    fn kilograms_to_grams_exactly() {
        assert_eq!(g("12.5"), 12_500);
        assert_eq!(g("7"), 7_000);
        assert_eq!(g("0.1"), 100);
        assert_eq!(g(".25"), 250);
        assert_eq!(g("3."), 3_000);
        assert_eq!(g("1e-3"), 1);
        assert_eq!(g("1.2345e2"), 123_450);
        assert_eq!(g("0"), 0);
        assert_eq!(g("-0"), 0);
        assert_eq!(g("000012.000"), 12_000);
    }

    #[test]
    fn half_to_even() {
        assert_eq!(g("0.0005"), 0);
        assert_eq!(g("0.0015"), 2);
        assert_eq!(g("0.0025"), 2);
        assert_eq!(g("0.00251"), 3);
        assert_eq!(g("0.00049999"), 0);
        assert_eq!(g("0.0006"), 1);
        assert_eq!(g("1.0004999"), 1_000);
        assert_eq!(g("2.5e-4"), 0);
        assert_eq!(g("6e-4"), 1);
        assert_eq!(g("5e-4"), 0);
        assert_eq!(g("5.0000001e-4"), 1);
        assert_eq!(g("1e-30"), 0);
    }

    #[test]
    fn errors() {
        assert!(matches!(scaled("-1", 3), Err(DecimalError::Negative(_))));
        assert!(matches!(scaled("abc", 3), Err(DecimalError::Syntax(_))));
        assert!(matches!(scaled("", 3), Err(DecimalError::Syntax(_))));
        assert!(matches!(scaled(".", 3), Err(DecimalError::Syntax(_))));
        assert!(matches!(scaled("1e400", 3), Err(DecimalError::Overflow(_))));
        assert!(matches!(
            scaled("99999999999999999999", 3),
            Err(DecimalError::Overflow(_))
        ));
        assert!(matches!(scaled("1e", 3), Err(DecimalError::Syntax(_))));
    }

    #[test]
    fn json_numbers_keep_their_decimal() {
        let v: Value = serde_json::from_str("[0.1, 12.345, 19.5, 1e-7, 1234567.891]").unwrap();
        let grams: Vec<u64> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|x| kg_to_grams(x).unwrap())
            .collect();
        assert_eq!(grams, vec![100, 12_345, 19_500, 0, 1_234_567_891]);
        assert_eq!(kg_to_grams(&Value::String("0.3".into())).unwrap(), 300);
        assert!(kg_to_grams(&Value::Bool(true)).is_err());
    }

    #[test]
    fn formatting() {
        assert_eq!(format_kg(12_500), "12.5");
        assert_eq!(format_kg(7), "0.007");
        assert_eq!(format_kg(3_000), "3");
        assert_eq!(kg_number(300), 0.3);
        assert_eq!(Ratio::parse("0.55").unwrap(), Ratio(550_000));
        assert_eq!(Ratio(550_000).to_string(), "0.55");
        assert_eq!(Ratio(1_020_000).to_f64(), 1.02);
    }

    #[test]
    fn config_values_deserialise() {
        let r: Ratio = serde_json::from_str("0.85").unwrap();
        assert_eq!(r, Ratio(850_000));
        let r: Ratio = serde_json::from_str("\"0.005\"").unwrap();
        assert_eq!(r, Ratio(5_000));
        let r: Ratio = serde_json::from_str("1").unwrap();
        assert_eq!(r, Ratio::ONE);
        let k: Kg = serde_json::from_str("0.6").unwrap();
        assert_eq!(k, Kg(600));
        assert_eq!(serde_json::to_string(&Kg(600)).unwrap(), "0.6");
    }
}
