//! XML Schema `dateTime` / `dateTimeStamp` values as VC 2.0 and Data Integrity use them.
//!
//! chrono's RFC 3339 parser is more lenient than XML Schema (it takes a space or a lowercase
//! `t` as separator), so the lexical form is checked here first; chrono then checks the
//! calendar (no 30 February).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// Why a string is not an XML Schema date-time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateTimeError {
    /// The text does not have the lexical form `YYYY-MM-DDThh:mm:ss[.s+][Z|±hh:mm]`.
    #[error("{0:?} is not an XML Schema dateTime (YYYY-MM-DDThh:mm:ss[.fff][Z|+hh:mm])")]
    Syntax(String),
    /// A dateTimeStamp was required and the value has no time zone.
    #[error("{0:?} has no time zone (a dateTimeStamp needs Z or an offset)")]
    NoZone(String),
    /// The lexical form is right but the date does not exist.
    #[error("{0:?} is not a valid calendar date and time")]
    Calendar(String),
}

/// Formats an instant as the credentials write it: UTC, whole seconds, `Z`
/// (`2023-02-24T23:36:38Z`). Sub-second digits are dropped so that what is signed stays short
/// and every verifier reads it the same way.
pub fn format(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Parses an XML Schema `dateTimeStamp` (time zone required), as `validFrom`, `validUntil`
/// and a proof's `expires` must be.
pub fn parse_stamp(s: &str) -> Result<DateTime<Utc>, DateTimeError> {
    parse(s, true)
}

/// Parses an XML Schema `dateTime`; a value without a time zone is read as UTC (a proof's
/// `created` may omit it).
pub fn parse_lenient(s: &str) -> Result<DateTime<Utc>, DateTimeError> {
    parse(s, false)
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let part = b.get(at..at + n)?;
    let mut v = 0u32;
    for &c in part {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

fn parse(s: &str, need_zone: bool) -> Result<DateTime<Utc>, DateTimeError> {
    let syntax = || DateTimeError::Syntax(s.to_owned());
    let b = s.as_bytes();
    // Fixed part: YYYY-MM-DDThh:mm:ss (19 bytes). Years beyond 9999 or before 0 are refused:
    // no certificate needs them and chrono's range is narrower than XML Schema's.
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(syntax());
    }
    let (year, month, day) = (digits(b, 0, 4), digits(b, 5, 2), digits(b, 8, 2));
    let (hour, minute, second) = (digits(b, 11, 2), digits(b, 14, 2), digits(b, 17, 2));
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) =
        (year, month, day, hour, minute, second)
    else {
        return Err(syntax());
    };
    if hour > 23 || minute > 59 || second > 59 {
        return Err(syntax());
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return Err(syntax());
        }
        for _ in (i - start).min(9)..9 {
            nanos *= 10;
        }
    }
    let offset_secs: Option<i32> = match &b[i..] {
        [] => None,
        [b'Z'] => Some(0),
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (Some(h), Some(m)) = (digits(b, i + 1, 2), digits(b, i + 4, 2)) else {
                return Err(syntax());
            };
            if m > 59 || h > 14 || (h == 14 && m != 0) {
                return Err(syntax());
            }
            let secs = i32::try_from(h * 3600 + m * 60).map_err(|_| syntax())?;
            Some(if *sign == b'-' { -secs } else { secs })
        }
        _ => return Err(syntax()),
    };
    if need_zone && offset_secs.is_none() {
        return Err(DateTimeError::NoZone(s.to_owned()));
    }
    let calendar = || DateTimeError::Calendar(s.to_owned());
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).map_err(|_| syntax())?, month, day)
        .ok_or_else(calendar)?;
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos).ok_or_else(calendar)?;
    let naive = NaiveDateTime::new(date, time);
    let offset = FixedOffset::east_opt(offset_secs.unwrap_or(0)).ok_or_else(calendar)?;
    let local = offset
        .from_local_datetime(&naive)
        .single()
        .ok_or_else(calendar)?;
    Ok(local.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_xml_schema_forms() {
        let t = parse_stamp("2023-02-24T23:36:38Z").unwrap();
        assert_eq!(format(t), "2023-02-24T23:36:38Z");
        let t = parse_stamp("2023-02-25T07:36:38.5+08:00").unwrap();
        assert_eq!(format(t), "2023-02-24T23:36:38Z");
        assert_eq!(t.timestamp_subsec_millis(), 500);
        assert_eq!(
            parse_lenient("2023-02-24T23:36:38").unwrap(),
            parse_stamp("2023-02-24T23:36:38Z").unwrap()
        );
    }

    #[test]
    fn refuses_what_xml_schema_refuses() {
        for bad in [
            "2023-02-24 23:36:38Z",
            "2023-02-24t23:36:38Z",
            "2023-02-24T23:36:38z",
            "2023-02-24T24:00:00Z",
            "2023-02-24T23:36:38.Z",
            "2023-02-24T23:36:38+15:00",
            "2023-02-24T23:36Z",
            "2023-2-24T23:36:38Z",
            "",
            "2023-02-24T23:36:38Zjunk",
        ] {
            assert!(parse_stamp(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_stamp("2023-02-30T00:00:00Z"),
            Err(DateTimeError::Calendar("2023-02-30T00:00:00Z".into()))
        );
        assert!(matches!(
            parse_stamp("2023-02-24T23:36:38"),
            Err(DateTimeError::NoZone(_))
        ));
    }
}
