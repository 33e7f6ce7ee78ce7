//! Exact decimals for everything that drives money: rates (mortality, trigger, exhaustion,
//! interest) and ratios (stocking against carrying capacity) are held as integer millionths,
//! parsed from decimal strings such as `"0.12"`; amounts are whole tögrög. No float is involved,
//! so a payout or an interest charge is the same on every machine and in every language.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Millionths in one whole.
pub const ONE_PPM: u64 = 1_000_000;
/// Decimal places a rate or ratio string may carry (millionths).
pub const PLACES: usize = 6;
/// The most integer digits a ratio may have; keeps every product the crate forms inside u128.
const MAX_INTEGER_DIGITS: usize = 9;

/// Why a decimal string or an amount was refused. Every message is one line and quotes the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// Not `digits` or `digits.digits`.
    #[error("'{0}' is not a decimal number (expected e.g. 0.12)")]
    Malformed(String),
    /// A leading minus sign.
    #[error("'{0}' is negative")]
    Negative(String),
    /// More than six decimal places.
    #[error("'{0}' has more than 6 decimal places")]
    TooPrecise(String),
    /// A rate above 1 (rates are fractions: 0.12 is 12 %).
    #[error("'{0}' is outside [0, 1] (rates are fractions: 0.12 means 12 %)")]
    OutOfRange(String),
    /// Too many integer digits.
    #[error("'{0}' is too large")]
    TooLarge(String),
    /// An amount of tögrög that is not a whole non-negative number.
    #[error("'{0}' is not a whole number of tögrög")]
    NotWholeMnt(String),
}

/// Parses a non-negative decimal string into millionths exactly (`"0.12"` → 120 000).
fn parse_ppm(text: &str) -> Result<u64, DecimalError> {
    let malformed = || DecimalError::Malformed(text.to_owned());
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
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
    if frac.len() > PLACES {
        return Err(DecimalError::TooPrecise(text.to_owned()));
    }
    // At most 9 + 6 digits: fits u64.
    let mut v: u64 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        v = v * 10 + u64::from(b - b'0');
    }
    for _ in frac.len()..PLACES {
        v *= 10;
    }
    Ok(v)
}

/// Writes millionths as the shortest exact decimal (`120000` → `"0.12"`, `1000000` → `"1"`).
pub fn format_ppm(ppm: u64) -> String {
    let (int, frac) = (ppm / ONE_PPM, ppm % ONE_PPM);
    if frac == 0 {
        return int.to_string();
    }
    let frac = format!("{frac:06}");
    format!("{int}.{}", frac.trim_end_matches('0'))
}

/// A fraction in [0, 1] held exactly in millionths: a mortality rate, a trigger, an exhaustion
/// point, an annual interest rate. Read and written as a decimal string (`"0.07"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rate(u32);

impl Rate {
    /// 0.
    pub const ZERO: Rate = Rate(0);
    /// 1 (100 %).
    pub const ONE: Rate = Rate(1_000_000);

    /// Parses `"0.12"`, `"1"`, `"0.065"`; refuses signs, more than 6 places, values above 1.
    ///
    /// ```
    /// use finance::Rate;
    /// assert_eq!(Rate::parse("0.12").unwrap().ppm(), 120_000);
    /// assert!(Rate::parse("1.2").is_err());
    /// assert!(Rate::parse("-0.1").is_err());
    /// assert!(Rate::parse("12%").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Rate, DecimalError> {
        let v = parse_ppm(text)?;
        if v > ONE_PPM {
            return Err(DecimalError::OutOfRange(text.to_owned()));
        }
        // ≤ 1 000 000 after the check.
        Ok(Rate(v as u32))
    }

    /// From millionths; `None` above 1.
    pub const fn from_ppm(ppm: u32) -> Option<Rate> {
        if ppm as u64 > ONE_PPM {
            None
        } else {
            Some(Rate(ppm))
        }
    }

    /// From millionths, capped at 1.
    pub const fn saturating_from_ppm(ppm: u64) -> Rate {
        if ppm > ONE_PPM {
            Rate::ONE
        } else {
            Rate(ppm as u32)
        }
    }

    /// Millionths of the whole.
    pub const fn ppm(self) -> u32 {
        self.0
    }

    /// `self − other`, or 0 when `other` is larger.
    pub const fn saturating_sub(self, other: Rate) -> Rate {
        Rate(self.0.saturating_sub(other.0))
    }

    /// `⌊amount × self⌋` in whole tögrög: rounded down, as payouts are.
    pub fn floor_of(self, amount_mnt: u64) -> u64 {
        // amount < 2^64, ppm ≤ 10^6 < 2^20: the product fits u128, and the quotient ≤ amount.
        (u128::from(amount_mnt) * u128::from(self.0) / u128::from(ONE_PPM)) as u64
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_ppm(u64::from(self.0)))
    }
}

impl std::str::FromStr for Rate {
    type Err = DecimalError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rate::parse(s)
    }
}

impl Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Rate::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A non-negative ratio that may exceed 1, in millionths: the stocking ratio (sheep units over
/// carrying capacity; above 1 is overstocked) or an income multiple. Written as a decimal string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Ratio(u64);

impl Ratio {
    /// 1.
    pub const ONE: Ratio = Ratio(ONE_PPM);

    /// Parses `"1.25"`, `"0.8"`; refuses signs and more than 6 places.
    pub fn parse(text: &str) -> Result<Ratio, DecimalError> {
        parse_ppm(text).map(Ratio)
    }

    /// From millionths.
    pub const fn from_ppm(ppm: u64) -> Ratio {
        Ratio(ppm)
    }

    /// Millionths.
    pub const fn ppm(self) -> u64 {
        self.0
    }

    /// `numerator / denominator` rounded **up** to the millionth (so a herd a hair over
    /// capacity never reads as exactly at capacity); `None` when the denominator is zero.
    pub fn of(numerator: u64, denominator: u64) -> Option<Ratio> {
        if denominator == 0 {
            return None;
        }
        let n = u128::from(numerator) * u128::from(ONE_PPM);
        let d = u128::from(denominator);
        Some(Ratio(u64::try_from(n.div_ceil(d)).unwrap_or(u64::MAX)))
    }

    /// `⌊amount × self⌋` in whole tögrög, saturating at `u64::MAX`.
    pub fn floor_of(self, amount_mnt: u64) -> u64 {
        let p = u128::from(amount_mnt) * u128::from(self.0) / u128::from(ONE_PPM);
        u64::try_from(p).unwrap_or(u64::MAX)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_ppm(self.0))
    }
}

impl Serialize for Ratio {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Ratio {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ratio::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Parses an amount of whole tögrög as typed on a command line (`"5000000"`); refuses signs,
/// decimals, separators and anything above `u64::MAX`.
///
/// ```
/// assert_eq!(finance::decimal::parse_mnt("5000000"), Ok(5_000_000));
/// assert!(finance::decimal::parse_mnt("-5").is_err());
/// assert!(finance::decimal::parse_mnt("5,000").is_err());
/// ```
pub fn parse_mnt(text: &str) -> Result<u64, DecimalError> {
    if let Some(rest) = text.strip_prefix('-')
        && !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    {
        return Err(DecimalError::Negative(text.to_owned()));
    }
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DecimalError::NotWholeMnt(text.to_owned()));
    }
    text.parse::<u64>()
        .map_err(|_| DecimalError::TooLarge(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_exactly() {
        assert_eq!(Rate::parse("0").map(Rate::ppm), Ok(0));
        assert_eq!(Rate::parse("0.07").map(Rate::ppm), Ok(70_000));
        assert_eq!(Rate::parse("0.300000").map(Rate::ppm), Ok(300_000));
        assert_eq!(Rate::parse("1.000").map(Rate::ppm), Ok(1_000_000));
        assert_eq!(Rate::parse("0.000001").map(Rate::ppm), Ok(1));
        assert!(matches!(
            Rate::parse("0.0000001"),
            Err(DecimalError::TooPrecise(_))
        ));
        assert!(matches!(
            Rate::parse("1.000001"),
            Err(DecimalError::OutOfRange(_))
        ));
        for bad in ["", ".1", "1.", "0,1", "1e-2", "+0.1", " 0.1", "NaN", "12%"] {
            assert!(
                matches!(Rate::parse(bad), Err(DecimalError::Malformed(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            Rate::parse("-0.1"),
            Err(DecimalError::Negative(_))
        ));
    }

    #[test]
    fn formats_round_trip() {
        for (ppm, text) in [
            (0, "0"),
            (70_000, "0.07"),
            (1_000_000, "1"),
            (1, "0.000001"),
        ] {
            assert_eq!(format_ppm(ppm), text);
            assert_eq!(Ratio::parse(text).map(Ratio::ppm), Ok(ppm));
        }
        assert_eq!(
            Ratio::parse("2.5").map(|r| r.to_string()).as_deref(),
            Ok("2.5")
        );
    }

    #[test]
    fn ratio_rounds_up() {
        assert_eq!(Ratio::of(1, 3), Some(Ratio::from_ppm(333_334)));
        assert_eq!(Ratio::of(10, 10), Some(Ratio::ONE));
        assert_eq!(Ratio::of(10, 0), None);
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_mnt("0"), Ok(0));
        assert!(matches!(parse_mnt("-1"), Err(DecimalError::Negative(_))));
        assert!(matches!(
            parse_mnt("1.5"),
            Err(DecimalError::NotWholeMnt(_))
        ));
        assert!(matches!(
            parse_mnt("abc"),
            Err(DecimalError::NotWholeMnt(_))
        ));
        assert!(matches!(parse_mnt(""), Err(DecimalError::NotWholeMnt(_))));
        assert!(matches!(
            parse_mnt("99999999999999999999"),
            Err(DecimalError::TooLarge(_))
        ));
    }
}
