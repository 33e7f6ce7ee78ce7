//! Calendar arithmetic for event times. The simulator reads no clock: every time is the season's
//! start date plus simulated minutes, written in Mongolian time (+08:00).

/// The offset every simulated event is written with: Mongolia (Ulaanbaatar) time.
pub const OFFSET: &str = "+08:00";

/// A proleptic Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Date {
        Date { year, month, day }
    }

    /// Parses `YYYY-MM-DD`, rejecting impossible dates (`2025-02-30`).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year: i32 = s.get(0..4)?.parse().ok()?;
        let month: u32 = s.get(5..7)?.parse().ok()?;
        let day: u32 = s.get(8..10)?.parse().ok()?;
        let d = Date { year, month, day };
        ((1..=12).contains(&month) && Date::from_days(d.days()) == d).then_some(d)
    }

    /// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (`civil_from_days`).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

/// Minutes after 00:00 of the season's start date, local time.
pub type Minutes = u32;

pub const DAY: Minutes = 24 * 60;

/// Writes `start + minutes` as an EPCIS event time in +08:00.
pub fn format(start_days: i64, t: Minutes) -> String {
    let d = Date::from_days(start_days + i64::from(t / DAY));
    let m = t % DAY;
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:00{OFFSET}",
        d.year,
        d.month,
        d.day,
        m / 60,
        m % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for days in -800_000..800_000i64 {
            if days % 997 == 0 {
                assert_eq!(Date::from_days(days).days(), days);
            }
        }
        assert_eq!(Date::new(1970, 1, 1).days(), 0);
        assert_eq!(Date::new(2025, 3, 1).days(), 20_148);
        assert_eq!(Date::from_days(20_148 + 306), Date::new(2026, 1, 1));
    }

    #[test]
    fn parse_checks_the_calendar() {
        assert_eq!(Date::parse("2024-02-29"), Some(Date::new(2024, 2, 29)));
        assert_eq!(Date::parse("2025-02-29"), None);
        assert_eq!(Date::parse("2025-13-01"), None);
        assert_eq!(Date::parse("2025-3-01"), None);
        assert_eq!(Date::parse("2025-03-01x"), None);
    }

    #[test]
    fn formats_local_times() {
        let start = Date::new(2025, 3, 1).days();
        assert_eq!(format(start, 0), "2025-03-01T00:00:00+08:00");
        assert_eq!(
            format(start, 31 * DAY + 9 * 60 + 5),
            "2025-04-01T09:05:00+08:00"
        );
    }
}
