//! `_fix_time_stamp_format`: `dateutil.parser.parse`, `astimezone(UTC)`, microseconds rounded
//! half-even to milliseconds, `YYYY-MM-DDTHH:MM:SS.mmmZ`.
//!
//! dateutil parses far more than ISO 8601; this covers the ISO-like forms (`-`/`/` dates,
//! compact dates and times, `T`/`t`/space separators, `.`/`,` fractions, `Z`/`z`/`UTC`/`GMT`,
//! `±H[H][[:]MM]` offsets, upper-case zone abbreviations which dateutil ignores). Text that it
//! does not recognise is kept as is, which is what the reference does with text dateutil rejects.
//! Naive times are taken as UTC: the reference treats them as local time, and the oracle runs
//! with `TZ=UTC`.

use super::canon::Dropped;

struct Parsed {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    micro: i64,
    /// Offset east of UTC in seconds; `None` for naive times.
    offset: Option<i64>,
}

/// The reference's time canonicalisation of an (already stripped) value.
pub(crate) fn fix_time(text: &str) -> Result<String, Dropped> {
    let Some(p) = parse(text) else {
        return Ok(text.to_owned());
    };
    let offset = p.offset.unwrap_or(0);
    if offset.abs() >= 86_400 {
        return Err(Dropped("UTC offset of 24 hours or more"));
    }
    let days = days_from_civil(p.year, p.month, p.day);
    let secs = days * 86_400 + p.hour * 3600 + p.minute * 60 + p.second - offset;
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    if !(1..=9999).contains(&y) {
        return Err(Dropped("date value out of range"));
    }
    // round(µs, -3) is round-half-even on the millisecond.
    let (q, r) = (p.micro / 1000, p.micro % 1000);
    let ms = if r > 500 || (r == 500 && q % 2 == 1) {
        q + 1
    } else {
        q
    };
    if ms >= 1000 {
        return Err(Dropped("microsecond must be in 0..999999"));
    }
    Ok(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    ))
}

fn digits(b: &[u8], i: &mut usize, min: usize, max: usize) -> Option<i64> {
    let start = *i;
    let mut v: i64 = 0;
    while *i < b.len() && *i - start < max && b[*i].is_ascii_digit() {
        v = v * 10 + i64::from(b[*i] - b'0');
        *i += 1;
    }
    (*i - start >= min).then_some(v)
}

fn run_of_digits(b: &[u8], i: usize) -> usize {
    b[i.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count()
}

fn parse(text: &str) -> Option<Parsed> {
    let b = text.as_bytes();
    let mut i = 0;
    // Date: YYYY-M-D, YYYY/M/D or YYYYMMDD.
    let (year, month, day);
    if run_of_digits(b, 0) == 8 {
        year = digits(b, &mut i, 4, 4)?;
        month = digits(b, &mut i, 2, 2)?;
        day = digits(b, &mut i, 2, 2)?;
    } else {
        if run_of_digits(b, 0) != 4 {
            return None;
        }
        year = digits(b, &mut i, 4, 4)?;
        let sep = *b.get(i)?;
        if sep != b'-' && sep != b'/' {
            return None;
        }
        i += 1;
        month = digits(b, &mut i, 1, 2)?;
        if b.get(i) != Some(&sep) {
            return None;
        }
        i += 1;
        day = digits(b, &mut i, 1, 2)?;
        if b.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
    }
    let mut p = Parsed {
        year,
        month,
        day,
        hour: 0,
        minute: 0,
        second: 0,
        micro: 0,
        offset: None,
    };
    if i < b.len() {
        match b[i] {
            b'T' | b't' => i += 1,
            b' ' => {
                while b.get(i) == Some(&b' ') {
                    i += 1;
                }
            }
            _ => return None,
        }
        parse_time(b, &mut i, &mut p)?;
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        if i < b.len() {
            parse_zone(b, &mut i, &mut p)?;
        }
        if i != b.len() {
            return None;
        }
    }
    let leap = (p.year % 4 == 0 && p.year % 100 != 0) || p.year % 400 == 0;
    let month_days = match p.month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if p.day < 1 || p.day > month_days || p.hour > 23 || p.minute > 59 || p.second > 59 {
        return None;
    }
    Some(p)
}

fn parse_time(b: &[u8], i: &mut usize, p: &mut Parsed) -> Option<()> {
    let run = run_of_digits(b, *i);
    if run == 4 || run == 6 {
        p.hour = digits(b, i, 2, 2)?;
        p.minute = digits(b, i, 2, 2)?;
        if run == 6 {
            p.second = digits(b, i, 2, 2)?;
            parse_fraction(b, i, p);
        }
        return Some(());
    }
    p.hour = digits(b, i, 1, 2)?;
    if b.get(*i) == Some(&b':') {
        *i += 1;
        p.minute = digits(b, i, 1, 2)?;
        if b.get(*i) == Some(&b':') {
            *i += 1;
            p.second = digits(b, i, 1, 2)?;
            parse_fraction(b, i, p);
        }
    }
    if b.get(*i).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some(())
}

/// dateutil keeps the first six fraction digits (padded with zeros) and truncates the rest.
fn parse_fraction(b: &[u8], i: &mut usize, p: &mut Parsed) {
    if matches!(b.get(*i), Some(b'.') | Some(b',')) && b.get(*i + 1).is_some_and(u8::is_ascii_digit)
    {
        *i += 1;
        let mut micro = 0;
        let mut n = 0;
        while let Some(d) = b.get(*i).filter(|c| c.is_ascii_digit()) {
            if n < 6 {
                micro = micro * 10 + i64::from(d - b'0');
                n += 1;
            }
            *i += 1;
        }
        for _ in n..6 {
            micro *= 10;
        }
        p.micro = micro;
    }
}

fn parse_zone(b: &[u8], i: &mut usize, p: &mut Parsed) -> Option<()> {
    match b.get(*i)? {
        b'Z' | b'z' if *i + 1 == b.len() => {
            *i += 1;
            p.offset = Some(0);
        }
        c @ (b'+' | b'-') => {
            let sign = if *c == b'-' { -1 } else { 1 };
            *i += 1;
            let run = run_of_digits(b, *i);
            let (h, m) = if run == 4 {
                (digits(b, i, 2, 2)?, digits(b, i, 2, 2)?)
            } else {
                let h = digits(b, i, 1, 2)?;
                if b.get(*i) == Some(&b':') {
                    *i += 1;
                    (h, digits(b, i, 2, 2)?)
                } else {
                    (h, 0)
                }
            };
            p.offset = Some(sign * (h * 3600 + m * 60));
        }
        _ => {
            let rest = &b[*i..];
            if rest == b"UTC" || rest == b"GMT" {
                p.offset = Some(0);
            } else if (3..=5).contains(&rest.len()) && rest.iter().all(u8::is_ascii_uppercase) {
                // An unknown zone abbreviation: dateutil warns and returns a naive time.
                p.offset = None;
            } else {
                return None;
            }
            *i = b.len();
        }
    }
    Some(())
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values printed by the reference's `_fix_time_stamp_format` (dateutil 4.0, TZ=UTC).
    #[test]
    fn times_like_the_reference() {
        let ok: &[(&str, &str)] = &[
            ("2005-04-03T20:33:31.116-06:00", "2005-04-04T02:33:31.116Z"),
            ("2005-04-03T20:33:31.1164-06:00", "2005-04-04T02:33:31.116Z"),
            ("2005-04-03T20:33:31.1165-06:00", "2005-04-04T02:33:31.116Z"),
            ("2005-04-03T20:33:31.1175-06:00", "2005-04-04T02:33:31.118Z"),
            ("2005-04-03T20:33:31.9994999Z", "2005-04-03T20:33:31.999Z"),
            ("2005-04-03T20:33:31Z", "2005-04-03T20:33:31.000Z"),
            ("2005-04-03T20:33:31", "2005-04-03T20:33:31.000Z"),
            ("2005-04-03", "2005-04-03T00:00:00.000Z"),
            ("2005-04-03T20:33Z", "2005-04-03T20:33:00.000Z"),
            ("2005-04-03T20Z", "2005-04-03T20:00:00.000Z"),
            ("2005-04-03 20:33:31+01:00", "2005-04-03T19:33:31.000Z"),
            ("2005-04-03t20:33:31z", "2005-04-03T20:33:31.000Z"),
            ("2005-04-03T20:33:31+0100", "2005-04-03T19:33:31.000Z"),
            ("2005-04-03T20:33:31+01", "2005-04-03T19:33:31.000Z"),
            ("2005-04-03T20:33:31 +01:00", "2005-04-03T19:33:31.000Z"),
            ("2005-04-03T20:33:31.5+05:30", "2005-04-03T15:03:31.500Z"),
            ("2005-04-03T20:33:31,5Z", "2005-04-03T20:33:31.500Z"),
            ("2005-04-03T23:59:60Z", "2005-04-03T23:59:60Z"),
            ("2005-04-03T24:00:00Z", "2005-04-03T24:00:00Z"),
            ("2005-04-03T20:33:31UTC", "2005-04-03T20:33:31.000Z"),
            ("2005-04-03T20:33:31 GMT", "2005-04-03T20:33:31.000Z"),
            ("2005-04-03T20:33:31EST", "2005-04-03T20:33:31.000Z"),
            ("2005-04-03T20:33:31utc", "2005-04-03T20:33:31utc"),
            ("20050403T203331Z", "2005-04-03T20:33:31.000Z"),
            ("2005-13-03T20:33:31Z", "2005-13-03T20:33:31Z"),
            ("garbage", "garbage"),
            ("2005-04-03T20:33:31.123456789Z", "2005-04-03T20:33:31.123Z"),
            ("2005-04-03T20:33:31.Z", "2005-04-03T20:33:31.Z"),
            ("2005-4-3T20:33:31Z", "2005-04-03T20:33:31.000Z"),
            ("2005-04-03T20:33:31-23:59", "2005-04-04T20:32:31.000Z"),
            ("2005-04-03T5:3:1Z", "2005-04-03T05:03:01.000Z"),
            ("2005/04/03 20:33:31", "2005-04-03T20:33:31.000Z"),
            ("2005-04-03T2033Z", "2005-04-03T20:33:00.000Z"),
            ("2005-04-03T203331.5Z", "2005-04-03T20:33:31.500Z"),
            ("2005-04-03T20:33:31+1:00", "2005-04-03T19:33:31.000Z"),
            ("2005-02-29T00:00:00Z", "2005-02-29T00:00:00Z"),
            ("2004-02-29T00:00:00Z", "2004-02-29T00:00:00.000Z"),
            ("2005-04-03T20:33:31Zfoo", "2005-04-03T20:33:31Zfoo"),
            (
                "2005-04-03T20:33:31+01:00:30",
                "2005-04-03T20:33:31+01:00:30",
            ),
            ("2005-04-03T20:33:31.116+05:45", "2005-04-03T14:48:31.116Z"),
        ];
        for (input, want) in ok {
            assert_eq!(fix_time(input).as_deref(), Ok(*want), "{input}");
        }
        for bad in [
            "2005-04-03T20:33:31.9995Z",
            "1999-12-31T23:59:59.9996+00:00",
            "0001-01-01T00:30:00+01:00",
            "9999-12-31T23:59:59-01:00",
            "2005-04-03T20:33:31+25:00",
        ] {
            assert!(fix_time(bad).is_err(), "{bad}");
        }
    }
}
