//! Exact decimal strings ↔ integers at a fixed scale. Money, weights, factors and percentages
//! never pass through a float: `"12.345"` at scale 3 is the integer 12 345, or an error.

use std::fmt;

/// The most integer digits a decimal may have. Twelve keeps every product the crate forms
/// (grams × factor millionths × MNT) comfortably inside `u128` for realistic inputs, and no
/// weight, factor or percentage anyone records comes close (10^12 kg is 10^8 years of
/// Mongolia's cashmere).
pub const MAX_INTEGER_DIGITS: usize = 12;

/// Why a decimal string was refused. The text is quoted as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// Not of the form `digits` or `digits.digits`.
    #[error("'{0}' is not a decimal number (expected digits, optionally '.' and more digits)")]
    Malformed(String),
    /// A leading minus sign.
    #[error("'{0}' is negative")]
    Negative(String),
    /// More significant fractional digits than the scale holds exactly.
    #[error("'{text}' has more than {places} decimal places")]
    TooPrecise {
        /// The text as given.
        text: String,
        /// The scale that was exceeded.
        places: u32,
    },
    /// More than [`MAX_INTEGER_DIGITS`] integer digits.
    #[error("'{0}' is too large")]
    TooLarge(String),
}

/// Parses a non-negative decimal string into `value × 10^places` exactly.
///
/// Accepted: ASCII digits, optionally followed by `.` and at least one digit (`"7"`, `"0.5"`,
/// `"12.250"`). Refused: signs, exponents, spaces, `".5"`, `"5."`, and digits beyond `places`
/// after the point unless they are zeros (`"1.2500"` at scale 3 is exact and accepted;
/// `"1.2505"` is [`DecimalError::TooPrecise`]).
///
/// ```
/// use market::decimal::{parse_scaled, DecimalError};
/// assert_eq!(parse_scaled("12.5", 3), Ok(12_500));
/// assert_eq!(parse_scaled("0.0001", 6), Ok(100));
/// assert!(matches!(parse_scaled("1.2345", 3), Err(DecimalError::TooPrecise { .. })));
/// assert!(matches!(parse_scaled("-1", 3), Err(DecimalError::Negative(_))));
/// ```
pub fn parse_scaled(text: &str, places: u32) -> Result<u128, DecimalError> {
    let malformed = || DecimalError::Malformed(text.to_owned());
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return Err(malformed());
    }
    if negative {
        return Err(DecimalError::Negative(text.to_owned()));
    }
    let int = int.trim_start_matches('0');
    if int.len() > MAX_INTEGER_DIGITS {
        return Err(DecimalError::TooLarge(text.to_owned()));
    }
    let frac = frac.unwrap_or("").trim_end_matches('0');
    if frac.len() > places as usize {
        return Err(DecimalError::TooPrecise {
            text: text.to_owned(),
            places,
        });
    }
    // At most 12 + places digits; `places` is a small constant of this crate (≤ 6), so the
    // accumulation cannot overflow u128.
    let mut v: u128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        v = v * 10 + u128::from(b - b'0');
    }
    for _ in frac.len()..places as usize {
        v *= 10;
    }
    Ok(v)
}

/// Writes `units × 10^-places` as the shortest exact decimal string (`12500`, 3 → `"12.5"`).
///
/// ```
/// assert_eq!(market::decimal::format_scaled(12_500, 3), "12.5");
/// assert_eq!(market::decimal::format_scaled(7_000, 3), "7");
/// ```
pub fn format_scaled(units: u128, places: u32) -> String {
    let div = 10u128.pow(places);
    let (int, frac) = (units / div, units % div);
    if frac == 0 {
        return int.to_string();
    }
    let frac = format!("{frac:0width$}", width = places as usize);
    format!("{int}.{}", frac.trim_end_matches('0'))
}

/// A percentage held exactly in millionths of the whole (`"15"` % → 150 000, `"0.25"` % →
/// 2 500): a percentage string may have up to four decimal places. Read and written as a
/// decimal string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Percent(u32);

impl Percent {
    /// Decimal places a percentage string may carry.
    pub const PLACES: u32 = 4;
    /// 100 %.
    pub const HUNDRED: Percent = Percent(1_000_000);

    /// Parses `"17"`, `"2.5"`, `"0.0125"`; refuses more than 100 %.
    ///
    /// ```
    /// use market::decimal::Percent;
    /// assert_eq!(Percent::parse("2.5").unwrap().ppm(), 25_000);
    /// assert!(Percent::parse("100.01").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Percent, DecimalError> {
        let v = parse_scaled(text, Self::PLACES)?;
        if v > u128::from(Self::HUNDRED.0) {
            return Err(DecimalError::TooLarge(text.to_owned()));
        }
        // ≤ 1 000 000 after the check above.
        Ok(Percent(v as u32))
    }

    /// From millionths of the whole, capped at 100 %.
    pub const fn from_ppm(ppm: u32) -> Percent {
        if ppm > Self::HUNDRED.0 {
            Self::HUNDRED
        } else {
            Percent(ppm)
        }
    }

    /// Millionths of the whole.
    pub const fn ppm(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_scaled(u128::from(self.0), Self::PLACES))
    }
}

impl std::str::FromStr for Percent {
    type Err = DecimalError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Percent::parse(s)
    }
}

impl serde::Serialize for Percent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Percent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Percent::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// `numerator / denominator` rounded to the nearest integer, halves up. `None` when the
/// denominator is zero.
pub(crate) fn div_round_half_up(numerator: u128, denominator: u128) -> Option<u128> {
    if denominator == 0 {
        return None;
    }
    let (q, r) = (numerator / denominator, numerator % denominator);
    // r ≥ d − r ⇔ 2r ≥ d, written without doubling to stay clear of overflow.
    Some(if r >= denominator - r { q + 1 } else { q })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(parse_scaled("0", 3), Ok(0));
        assert_eq!(parse_scaled("000.000", 3), Ok(0));
        assert_eq!(parse_scaled("1.2500", 3), Ok(1250));
        assert_eq!(parse_scaled("999999999999.999", 3), Ok(999_999_999_999_999));
        assert_eq!(parse_scaled("000000000000001", 0), Ok(1));
    }

    #[test]
    fn refuses_what_is_not_exact() {
        for bad in [
            "", ".", ".5", "5.", "1e3", "+1", " 1", "1 ", "1,5", "--1", "1.2.3", "٣",
        ] {
            assert!(
                matches!(parse_scaled(bad, 3), Err(DecimalError::Malformed(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            parse_scaled("-0", 3),
            Err(DecimalError::Negative(_))
        ));
        assert!(matches!(
            parse_scaled("-1.5", 3),
            Err(DecimalError::Negative(_))
        ));
        assert!(matches!(
            parse_scaled("0.0001", 3),
            Err(DecimalError::TooPrecise { places: 3, .. })
        ));
        assert!(matches!(
            parse_scaled("1000000000000", 3),
            Err(DecimalError::TooLarge(_))
        ));
    }

    #[test]
    fn formats_round_trip() {
        for (units, places, text) in [
            (0, 3, "0"),
            (1, 3, "0.001"),
            (1_250, 3, "1.25"),
            (150_000, 4, "15"),
        ] {
            assert_eq!(format_scaled(units, places), text);
            assert_eq!(parse_scaled(text, places), Ok(units));
        }
    }

    #[test]
    fn percent_bounds() {
        assert_eq!(Percent::parse("100"), Ok(Percent::HUNDRED));
        assert!(matches!(
            Percent::parse("100.0001"),
            Err(DecimalError::TooLarge(_))
        ));
        assert_eq!(Percent::parse("0.0125").map(Percent::ppm), Ok(125));
        assert_eq!(Percent::from_ppm(2_000_000), Percent::HUNDRED);
        assert_eq!(Percent::from_ppm(25_000).to_string(), "2.5");
    }

    #[test]
    fn rounding_halves_up() {
        assert_eq!(div_round_half_up(5, 2), Some(3));
        assert_eq!(div_round_half_up(4, 3), Some(1));
        assert_eq!(div_round_half_up(5, 3), Some(2));
        assert_eq!(div_round_half_up(1, 0), None);
    }
}
