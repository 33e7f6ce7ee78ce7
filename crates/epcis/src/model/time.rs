//! EPCIS timestamps: ISO 8601 / RFC 3339 date-times that must carry a zone offset.

use chrono::{DateTime, FixedOffset, Utc};

pub type Timestamp = DateTime<Utc>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("'{0}' has no time zone offset (EPCIS requires 'Z' or ±hh:mm)")]
    NoOffset(String),
    #[error("'{0}' is not an ISO 8601 date-time")]
    Invalid(String),
    #[error("'{0}' is not a time zone offset of the form ±hh:mm")]
    BadOffset(String),
}

/// Parses an EPCIS date-time. A time without offset is rejected rather than guessed: the
/// same wall-clock time means different instants in Ulaanbaatar and in Milan.
pub fn parse_time(s: &str) -> Result<Timestamp, TimeError> {
    match DateTime::parse_from_rfc3339(s) {
        Ok(t) => Ok(t.with_timezone(&Utc)),
        Err(_) => {
            let t = s.trim_end();
            let has_offset = t.ends_with('Z')
                || t.ends_with('z')
                || t.rfind(['+', '-'])
                    .is_some_and(|i| i > 10 && t[i..].contains(':'));
            // RFC 3339 wants seconds; ISO 8601 (and the XSD dateTime) also allow hh:mm:ss only,
            // which chrono's RFC 3339 parser already requires. Try without seconds fraction rules.
            if let Ok(t) = DateTime::<FixedOffset>::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%:z") {
                return Ok(t.with_timezone(&Utc));
            }
            if has_offset {
                Err(TimeError::Invalid(s.to_owned()))
            } else {
                Err(TimeError::NoOffset(s.to_owned()))
            }
        }
    }
}

/// Parses `eventTimeZoneOffset` (`+08:00`, `-06:00`, `Z` is not allowed by the schema).
pub fn parse_offset(s: &str) -> Result<FixedOffset, TimeError> {
    let bad = || TimeError::BadOffset(s.to_owned());
    let b = s.as_bytes();
    if b.len() != 6 || b[3] != b':' || !(b[0] == b'+' || b[0] == b'-') {
        return Err(bad());
    }
    let h: i32 = s[1..3].parse().map_err(|_| bad())?;
    let m: i32 = s[4..6].parse().map_err(|_| bad())?;
    if h > 14 || m > 59 || (h == 14 && m != 0) {
        return Err(bad());
    }
    let secs = (h * 3600 + m * 60) * if b[0] == b'-' { -1 } else { 1 };
    FixedOffset::east_opt(secs).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_need_offsets() {
        assert!(parse_time("2005-04-05T02:33:31.116Z").is_ok());
        assert!(parse_time("2005-04-04T20:33:31.116-06:00").is_ok());
        assert_eq!(
            parse_time("2005-04-04T20:33:31.116-06:00").unwrap(),
            parse_time("2005-04-05T02:33:31.116Z").unwrap()
        );
        assert!(matches!(
            parse_time("2005-04-04T20:33:31"),
            Err(TimeError::NoOffset(_))
        ));
        assert!(matches!(
            parse_time("yesterday"),
            Err(TimeError::NoOffset(_))
        ));
        assert!(parse_time("2005-13-04T20:33:31Z").is_err());
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+08:00").unwrap().local_minus_utc(), 8 * 3600);
        assert_eq!(
            parse_offset("-06:30").unwrap().local_minus_utc(),
            -(6 * 3600 + 1800)
        );
        assert!(parse_offset("Z").is_err());
        assert!(parse_offset("+8:00").is_err());
        assert!(parse_offset("+15:00").is_err());
    }
}
