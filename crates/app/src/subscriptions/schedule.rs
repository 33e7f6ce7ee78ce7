//! Query schedules (`second`, `minute`, `hour`, `dayOfMonth`, `month`, `dayOfWeek`), cron-like,
//! as in the REST binding's `query-schedule.json`: each field is a comma list of numbers and
//! ranges `[a-b]`; also accepted are `a-b`, `*`, and steps `*/n`, `a/n`, `[a-b]/n`.
//!
//! A field left out matches any value when it is more significant than every field given, and
//! only its lowest value otherwise: `{"hour": "1", "minute": "5"}` fires at 01:05:00 every
//! day, `{"second": "0/30"}` every 30 seconds. Day of week runs 1 (Monday) to 7 (Sunday); day
//! of month and day of week must both match. Times are UTC.

use chrono::{DateTime, Datelike, Duration, TimeZone, Timelike, Utc};
use serde_json::Value;

/// The allowed values of one field as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Field(u64);

impl Field {
    fn has(self, v: u32) -> bool {
        v < 64 && self.0 & (1 << v) != 0
    }
}

/// A parsed schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    second: Field,
    minute: Field,
    hour: Field,
    day_of_month: Field,
    month: Field,
    day_of_week: Field,
}

const NAMES: [(&str, u32, u32); 6] = [
    ("second", 0, 59),
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("dayOfMonth", 1, 31),
    ("month", 1, 12),
    ("dayOfWeek", 1, 7),
];

impl Schedule {
    /// Parses a schedule object; the error names the field and what is wrong.
    pub fn parse(v: &Value) -> Result<Schedule, String> {
        let obj = v.as_object().ok_or(
            "a schedule must be an object of second, minute, hour, dayOfMonth, month, dayOfWeek",
        )?;
        for k in obj.keys() {
            if !NAMES.iter().any(|(n, _, _)| n == k) {
                return Err(format!("'{k}' is not a schedule field"));
            }
        }
        let mut given = [None; 6];
        for (i, (name, lo, hi)) in NAMES.iter().enumerate() {
            if let Some(val) = obj.get(*name) {
                let text = match val {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return Err(format!("schedule field {name} must be a string")),
                };
                given[i] = Some(
                    parse_field(&text, *lo, *hi)
                        .map_err(|e| format!("schedule field {name}: {e}"))?,
                );
            }
        }
        // Significance: second < minute < hour < day (dayOfMonth, dayOfWeek) < month.
        let rank = [0, 1, 2, 3, 4, 3];
        let top = given
            .iter()
            .zip(rank)
            .filter(|(g, _)| g.is_some())
            .map(|(_, r)| r)
            .max()
            .ok_or("a schedule needs at least one field")?;
        let fields: Vec<Field> = given
            .iter()
            .zip(NAMES)
            .zip(rank)
            .map(|((g, (_, lo, hi)), r)| match g {
                Some(f) => *f,
                None if r >= top => range(lo, hi, 1),
                None => Field(1 << lo),
            })
            .collect();
        Ok(Schedule {
            second: fields[0],
            minute: fields[1],
            hour: fields[2],
            day_of_month: fields[3],
            month: fields[4],
            // An unmentioned day of week never restricts (day rank is shared with dayOfMonth).
            day_of_week: if given[5].is_some() {
                fields[5]
            } else {
                range(1, 7, 1)
            },
        })
    }

    /// The first time strictly after `t` (whole seconds) the schedule fires; `None` if it never
    /// does within five years (e.g. 31 February).
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let limit = t + Duration::days(5 * 366);
        let mut c = t.with_nanosecond(0)? + Duration::seconds(1);
        while c <= limit {
            if !self.month.has(c.month()) {
                let (y, m) = if c.month() == 12 {
                    (c.year() + 1, 1)
                } else {
                    (c.year(), c.month() + 1)
                };
                c = Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0).single()?;
                continue;
            }
            if !self.day_of_month.has(c.day())
                || !self.day_of_week.has(c.weekday().number_from_monday())
            {
                c = day_start(c)? + Duration::days(1);
                continue;
            }
            if !self.hour.has(c.hour()) {
                c = c.with_minute(0)?.with_second(0)? + Duration::hours(1);
                continue;
            }
            if !self.minute.has(c.minute()) {
                c = c.with_second(0)? + Duration::minutes(1);
                continue;
            }
            if !self.second.has(c.second()) {
                c += Duration::seconds(1);
                continue;
            }
            return Some(c);
        }
        None
    }
}

fn day_start(c: DateTime<Utc>) -> Option<DateTime<Utc>> {
    Utc.with_ymd_and_hms(c.year(), c.month(), c.day(), 0, 0, 0)
        .single()
}

fn range(lo: u32, hi: u32, step: u32) -> Field {
    let mut bits = 0u64;
    let mut v = lo;
    while v <= hi {
        bits |= 1 << v;
        v += step.max(1);
    }
    Field(bits)
}

fn parse_field(text: &str, lo: u32, hi: u32) -> Result<Field, String> {
    let num = |s: &str| -> Result<u32, String> {
        let n: u32 = s
            .trim()
            .parse()
            .map_err(|_| format!("'{s}' is not a number"))?;
        if n < lo || n > hi {
            return Err(format!("{n} is outside {lo}..{hi}"));
        }
        Ok(n)
    };
    let mut bits = 0u64;
    for element in text.split(',') {
        let element = element.trim();
        if element.is_empty() {
            return Err(format!("empty element in '{text}'"));
        }
        let (base, step) = match element.split_once('/') {
            Some((b, s)) => {
                let step: u32 = s
                    .trim()
                    .parse()
                    .map_err(|_| format!("'{s}' is not a step"))?;
                if step == 0 {
                    return Err("a step must be at least 1".into());
                }
                (b.trim(), Some(step))
            }
            None => (element, None),
        };
        let inner = base
            .strip_prefix('[')
            .and_then(|b| b.strip_suffix(']'))
            .unwrap_or(base);
        let (a, b) = if inner == "*" {
            (lo, hi)
        } else if let Some((a, b)) = inner.split_once('-') {
            let (a, b) = (num(a)?, num(b)?);
            if a > b {
                return Err(format!("range [{a}-{b}] is empty"));
            }
            (a, b)
        } else {
            let a = num(inner)?;
            // `a/n` runs from a to the top of the field; a bare number is just itself.
            (a, if step.is_some() { hi } else { a })
        };
        bits |= range(a, b, step.unwrap_or(1)).0;
    }
    Ok(Field(bits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn daily_at_five_past_one() {
        let s = Schedule::parse(&json!({"hour": "1", "minute": "5"})).unwrap();
        assert_eq!(
            s.next_after(t("2024-03-01T00:00:00Z")),
            Some(t("2024-03-01T01:05:00Z"))
        );
        assert_eq!(
            s.next_after(t("2024-03-01T01:05:00Z")),
            Some(t("2024-03-02T01:05:00Z"))
        );
    }

    #[test]
    fn every_thirty_seconds_and_lists_and_ranges() {
        let s = Schedule::parse(&json!({"second": "0/30"})).unwrap();
        assert_eq!(
            s.next_after(t("2024-03-01T10:00:10Z")),
            Some(t("2024-03-01T10:00:30Z"))
        );
        assert_eq!(
            s.next_after(t("2024-03-01T10:00:30Z")),
            Some(t("2024-03-01T10:01:00Z"))
        );
        let s = Schedule::parse(&json!({"minute": "[10-12],30"})).unwrap();
        assert_eq!(
            s.next_after(t("2024-03-01T10:12:00Z")),
            Some(t("2024-03-01T10:30:00Z"))
        );
        assert_eq!(
            s.next_after(t("2024-03-01T10:30:00Z")),
            Some(t("2024-03-01T11:10:00Z"))
        );
    }

    #[test]
    fn day_of_week_and_month() {
        // 2024-03-01 is a Friday; Mondays at 00:00:00.
        let s = Schedule::parse(&json!({"dayOfWeek": "1"})).unwrap();
        assert_eq!(
            s.next_after(t("2024-03-01T12:00:00Z")),
            Some(t("2024-03-04T00:00:00Z"))
        );
        let s = Schedule::parse(&json!({"month": "2", "dayOfMonth": "29"})).unwrap();
        assert_eq!(
            s.next_after(t("2024-03-01T00:00:00Z")),
            Some(t("2028-02-29T00:00:00Z"))
        );
        let s = Schedule::parse(&json!({"month": "2", "dayOfMonth": "31"})).unwrap();
        assert_eq!(s.next_after(t("2024-03-01T00:00:00Z")), None);
    }

    #[test]
    fn bad_schedules_are_named() {
        for (v, what) in [
            (json!({}), "at least one"),
            (json!({"hour": "24"}), "hour"),
            (json!({"minute": "[5-3]"}), "minute"),
            (json!({"weekday": "1"}), "weekday"),
            (json!({"second": "x"}), "second"),
            (json!({"second": "*/0"}), "step"),
        ] {
            let e = Schedule::parse(&v).unwrap_err();
            assert!(e.contains(what), "{e}");
        }
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in ".{0,40}") {
            let _ = Schedule::parse(&json!({"second": s.clone(), "dayOfWeek": s}));
        }
    }
}
