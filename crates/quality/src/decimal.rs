//! Exact decimals in thousandths.
//!
//! Every value a rule compares is an integer number of thousandths, parsed from its decimal
//! text, so `19.0 ≤ 19` holds and `19.001 ≤ 19` does not, whatever binary float the text
//! would have become. Text with a non-zero digit past the third decimal place is rejected
//! rather than rounded: rounding would let `19.0004` pass a `≤ 19` rule unseen.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A decimal number held exactly as an integer count of thousandths (`19.5` is 19 500).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Milli(i64);

/// Why a text is not a decimal of at most three places.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("'{0}' is not a decimal number")]
    NotANumber(String),
    #[error("'{0}' has a non-zero digit past the third decimal place (values are exact to 0.001)")]
    TooPrecise(String),
    #[error("'{0}' is too large")]
    TooLarge(String),
}

impl Milli {
    /// Thousandths per unit.
    pub const SCALE: i64 = 1000;
    /// Zero.
    pub const ZERO: Milli = Milli(0);
    /// One hundred (per cent).
    pub const HUNDRED: Milli = Milli(100_000);

    /// The value of `n` thousandths.
    pub const fn from_thousandths(n: i64) -> Milli {
        Milli(n)
    }

    /// The whole number `n`.
    pub const fn from_int(n: i32) -> Milli {
        Milli(n as i64 * Self::SCALE)
    }

    /// The count of thousandths.
    pub const fn thousandths(self) -> i64 {
        self.0
    }

    /// The nearest binary float, for JSON output only: no decision is taken on it.
    pub fn to_f64(self) -> f64 {
        // Both operands are exact (|n| < 2^53 for any physical value) and IEEE division rounds
        // correctly, so this is the same float as parsing the decimal text.
        self.0 as f64 / Self::SCALE as f64
    }

    /// `self − other`, `None` on overflow (only absurd inputs overflow).
    pub fn checked_sub(self, other: Milli) -> Option<Milli> {
        self.0.checked_sub(other.0).map(Milli)
    }

    /// `self + other`, `None` on overflow.
    pub fn checked_add(self, other: Milli) -> Option<Milli> {
        self.0.checked_add(other.0).map(Milli)
    }

    /// A JSON number for an EPCIS event or a verdict.
    pub fn to_json_number(self) -> serde_json::Number {
        serde_json::Number::from_f64(self.to_f64()).unwrap_or_else(|| serde_json::Number::from(0))
    }

    /// Reads a JSON number by its decimal text (so `15.8` is exactly 15 800 thousandths).
    pub fn from_json_number(n: &serde_json::Number) -> Result<Milli, DecimalError> {
        n.to_string().parse()
    }

    /// Reads a float by its shortest decimal text (how TOML and JSON floats arrive).
    pub fn from_f64(f: f64) -> Result<Milli, DecimalError> {
        if !f.is_finite() {
            return Err(DecimalError::NotANumber(f.to_string()));
        }
        format!("{f}").parse()
    }

    /// Parses decimal text: optional sign, digits with an optional fraction, an optional
    /// exponent (`1.5e1`). At most three significant decimal places.
    pub fn parse(text: &str) -> Result<Milli, DecimalError> {
        let s = text.trim();
        let bad = || DecimalError::NotANumber(text.to_owned());
        let (negative, body) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(i) => {
                let e = &body[i + 1..];
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                // Beyond ±1000 every non-zero value is out of range anyway.
                let exp: i64 = e.parse().unwrap_or(if e.starts_with('-') {
                    -100_000
                } else {
                    100_000
                });
                (&body[..i], exp)
            }
            None => (body, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int.is_empty() && frac.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let digits: String = int.chars().chain(frac.chars()).collect();
        let digits = digits.trim_start_matches('0');
        if digits.is_empty() {
            return Ok(Milli(0));
        }
        // value = digits × 10^shift thousandths
        let shift = exponent.saturating_sub(frac.len() as i64).saturating_add(3);
        let (kept, dropped) = if shift >= 0 {
            (digits, "")
        } else {
            let cut = usize::try_from(-shift).unwrap_or(usize::MAX);
            if cut >= digits.len() {
                ("", digits)
            } else {
                digits.split_at(digits.len() - cut)
            }
        };
        if dropped.bytes().any(|b| b != b'0') {
            return Err(DecimalError::TooPrecise(text.to_owned()));
        }
        let too_large = || DecimalError::TooLarge(text.to_owned());
        let mut n: i128 = 0;
        for b in kept.bytes() {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(i128::from(b - b'0')))
                .filter(|n| *n <= i128::from(i64::MAX))
                .ok_or_else(too_large)?;
        }
        for _ in 0..shift.max(0) {
            n = n
                .checked_mul(10)
                .filter(|n| *n <= i128::from(i64::MAX))
                .ok_or_else(too_large)?;
        }
        let n = i64::try_from(n).map_err(|_| too_large())?;
        Ok(Milli(if negative { -n } else { n }))
    }
}

impl FromStr for Milli {
    type Err = DecimalError;
    fn from_str(s: &str) -> Result<Milli, DecimalError> {
        Milli::parse(s)
    }
}

/// Shortest exact text: `19`, `19.5`, `19.001`, `-0.25`.
impl fmt::Display for Milli {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = i128::from(self.0);
        let sign = if n < 0 { "-" } else { "" };
        let a = n.abs();
        let (int, frac) = (a / 1000, a % 1000);
        if frac == 0 {
            write!(f, "{sign}{int}")
        } else {
            let frac = format!("{frac:03}");
            write!(f, "{sign}{int}.{}", frac.trim_end_matches('0'))
        }
    }
}

/// A JSON (or TOML) number.
impl Serialize for Milli {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.to_f64())
    }
}

/// A number or a decimal string, read by its decimal text.
impl<'de> Deserialize<'de> for Milli {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Milli;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number with at most three decimal places")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Milli, E> {
                v.to_string().parse().map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Milli, E> {
                v.to_string().parse().map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Milli, E> {
                Milli::from_f64(v).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Milli, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> i64 {
        s.parse::<Milli>().unwrap().thousandths()
    }

    #[test]
    fn parses_exactly() {
        assert_eq!(m("19"), 19_000);
        assert_eq!(m("19.0"), 19_000);
        assert_eq!(m("19.001"), 19_001);
        assert_eq!(m("19.0010000"), 19_001);
        assert_eq!(m("-0.5"), -500);
        assert_eq!(m("+.5"), 500);
        assert_eq!(m("5."), 5_000);
        assert_eq!(m("1.5e1"), 15_000);
        assert_eq!(m("15e-3"), 15);
        assert_eq!(m("1E2"), 100_000);
        assert_eq!(m("0e-999"), 0);
        assert_eq!(m(" 3 "), 3_000);
    }

    #[test]
    fn rejects_what_it_cannot_hold() {
        assert!(matches!(
            "19.0004".parse::<Milli>(),
            Err(DecimalError::TooPrecise(_))
        ));
        assert!(matches!(
            "1e-7".parse::<Milli>(),
            Err(DecimalError::TooPrecise(_))
        ));
        for bad in [
            "", ".", "-", "1.2.3", "abc", "1e", "1e+", "0x10", "1,5", "NaN",
        ] {
            assert!(
                matches!(bad.parse::<Milli>(), Err(DecimalError::NotANumber(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            "1e400".parse::<Milli>(),
            Err(DecimalError::TooLarge(_))
        ));
        assert!(matches!(
            "99999999999999999999".parse::<Milli>(),
            Err(DecimalError::TooLarge(_))
        ));
    }

    #[test]
    fn displays_shortest() {
        for (n, s) in [
            (19_000, "19"),
            (19_500, "19.5"),
            (19_001, "19.001"),
            (-250, "-0.25"),
        ] {
            assert_eq!(Milli::from_thousandths(n).to_string(), s);
        }
        assert_eq!(
            Milli::from_thousandths(i64::MIN).to_string(),
            "-9223372036854775.808"
        );
    }

    #[test]
    fn json_and_floats_round_trip() {
        let x = Milli::from_thousandths(15_800);
        let n = x.to_json_number();
        assert_eq!(n.to_string(), "15.8");
        assert_eq!(Milli::from_json_number(&n).unwrap(), x);
        assert!(Milli::from_f64(0.1 + 0.2).is_err());
        assert_eq!(Milli::from_f64(19.0).unwrap(), Milli::from_int(19));
        let v: Milli = serde_json::from_str("\"16.25\"").unwrap();
        assert_eq!(v.thousandths(), 16_250);
        let v: Milli = serde_json::from_str("16.25").unwrap();
        assert_eq!(v.thousandths(), 16_250);
    }
}
