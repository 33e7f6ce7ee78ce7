//! Parameter values: lists, times, numbers, booleans, from URL text or JSON.

use serde_json::Value;

use super::{Bound, FieldValue, QueryError};
use crate::model::parse_time;

/// How a list value given as one URL string splits into items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Split {
    /// Identifiers and vocabulary values: `|` (the REST binding's pipeDelimited style) or `,`.
    PipeOrComma,
    /// Free text (string values, extension field values): `|` only, since text may hold commas.
    Pipe,
}

/// A parameter value before it is interpreted: URL text, or a JSON value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Raw<'a> {
    Text(&'a str),
    Json(&'a Value),
}

impl Raw<'_> {
    /// The list of strings a list-valued parameter holds. Empty items are errors.
    pub(crate) fn strings(&self, param: &str, split: Split) -> Result<Vec<String>, QueryError> {
        let items: Vec<String> = match self {
            Raw::Text(s) => {
                let seps: &[char] = match split {
                    Split::PipeOrComma => &['|', ','],
                    Split::Pipe => &['|'],
                };
                s.split(seps).map(|p| p.trim().to_owned()).collect()
            }
            Raw::Json(Value::Array(a)) => a
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.trim().to_owned()),
                    Value::Number(n) => Ok(n.to_string()),
                    Value::Bool(b) => Ok(b.to_string()),
                    other => Err(QueryError::new(
                        param,
                        format!("list items must be strings, not {other}"),
                    )),
                })
                .collect::<Result<_, _>>()?,
            Raw::Json(Value::String(s)) => vec![s.trim().to_owned()],
            Raw::Json(other) => {
                return Err(QueryError::new(
                    param,
                    format!("expected a list of strings, not {other}"),
                ));
            }
        };
        if items.is_empty() {
            return Err(QueryError::new(param, "the list of values is empty"));
        }
        if items.iter().any(String::is_empty) {
            return Err(QueryError::new(param, "the list has an empty value"));
        }
        Ok(items)
    }

    /// A single text value (trimmed, non-empty).
    pub(crate) fn text(&self, param: &str) -> Result<String, QueryError> {
        let s = match self {
            Raw::Text(s) => s.trim().to_owned(),
            Raw::Json(Value::String(s)) => s.trim().to_owned(),
            Raw::Json(Value::Number(n)) => n.to_string(),
            Raw::Json(other) => {
                return Err(QueryError::new(
                    param,
                    format!("expected a string, not {other}"),
                ));
            }
        };
        if s.is_empty() {
            return Err(QueryError::new(param, "the value is empty"));
        }
        Ok(s)
    }

    /// A date-time with offset, as µs since the epoch.
    pub(crate) fn time(&self, param: &str) -> Result<i64, QueryError> {
        let s = self.text(param)?;
        time_micros(&s).ok_or_else(|| {
            QueryError::new(
                param,
                format!("'{s}' is not a date-time with a time zone offset"),
            )
        })
    }

    /// A finite number.
    pub(crate) fn number(&self, param: &str) -> Result<f64, QueryError> {
        match self {
            Raw::Json(Value::Number(n)) => n
                .as_f64()
                .filter(|f| f.is_finite())
                .ok_or_else(|| QueryError::new(param, format!("{n} is not a finite number"))),
            _ => {
                let s = self.text(param)?;
                parse_number(&s)
                    .ok_or_else(|| QueryError::new(param, format!("'{s}' is not a number")))
            }
        }
    }

    /// A list of finite numbers.
    pub(crate) fn numbers(&self, param: &str) -> Result<Vec<f64>, QueryError> {
        match self {
            Raw::Json(Value::Number(_)) => Ok(vec![self.number(param)?]),
            _ => self
                .strings(param, Split::PipeOrComma)?
                .iter()
                .map(|s| {
                    parse_number(s)
                        .ok_or_else(|| QueryError::new(param, format!("'{s}' is not a number")))
                })
                .collect(),
        }
    }

    /// A non-negative integer.
    pub(crate) fn count(&self, param: &str) -> Result<u64, QueryError> {
        let bad = |v: &dyn std::fmt::Display| {
            QueryError::new(param, format!("'{v}' is not a non-negative integer"))
        };
        match self {
            Raw::Json(Value::Number(n)) => n.as_u64().ok_or_else(|| bad(n)),
            _ => {
                let s = self.text(param)?;
                s.parse::<u64>().map_err(|_| bad(&s))
            }
        }
    }

    /// `true`/`false`.
    pub(crate) fn boolean(&self, param: &str) -> Result<bool, QueryError> {
        match self {
            Raw::Json(Value::Bool(b)) => Ok(*b),
            _ => match self.text(param)?.as_str() {
                "true" | "TRUE" | "True" => Ok(true),
                "false" | "FALSE" | "False" => Ok(false),
                other => Err(QueryError::new(
                    param,
                    format!("'{other}' is not true or false"),
                )),
            },
        }
    }

    /// The value of an `EXISTS_…` parameter: present with no value, `true`, `1` or JSON `null`
    /// asks for the field; `false`/`0` places no constraint.
    pub(crate) fn exists(&self, param: &str) -> Result<bool, QueryError> {
        match self {
            Raw::Text(s) => match s.trim() {
                "" | "true" | "TRUE" | "True" | "1" => Ok(true),
                "false" | "FALSE" | "False" | "0" => Ok(false),
                other => Err(QueryError::new(
                    param,
                    format!("'{other}' is not true or false"),
                )),
            },
            Raw::Json(Value::Null) => Ok(true),
            Raw::Json(Value::Bool(b)) => Ok(*b),
            Raw::Json(Value::Number(n)) => match n.as_i64() {
                Some(0) => Ok(false),
                Some(_) => Ok(true),
                None => Err(QueryError::new(param, format!("{n} is not an integer"))),
            },
            Raw::Json(Value::String(s)) => Raw::Text(s).exists(param),
            Raw::Json(other) => Err(QueryError::new(
                param,
                format!("{other} is not a valid value"),
            )),
        }
    }

    /// The value for messages and for [`super::EventQuery::params`].
    pub(crate) fn display(&self) -> String {
        match self {
            Raw::Text(s) => (*s).to_owned(),
            Raw::Json(Value::String(s)) => s.clone(),
            Raw::Json(Value::Array(a)) => a
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join("|"),
            Raw::Json(v) => v.to_string(),
        }
    }
}

/// µs since the epoch of a date-time with offset.
pub fn time_micros(s: &str) -> Option<i64> {
    parse_time(s).ok().map(|t| t.timestamp_micros())
}

/// A number written as JSON writes numbers (no `inf`, `NaN`, hex or leading `+`), finite.
pub fn parse_number(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return None;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return None;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

fn text_value(s: &str) -> FieldValue {
    FieldValue {
        text: Some(s.to_owned()),
        num: parse_number(s),
        time: time_micros(s),
    }
}

/// The values of an extension-field parameter: a JSON number stays a number, text splits on `|`.
pub(crate) fn field_values(name: &str, raw: Raw<'_>) -> Result<Vec<FieldValue>, QueryError> {
    match raw {
        Raw::Json(Value::Number(_)) => Ok(vec![FieldValue {
            text: None,
            num: Some(raw.number(name)?),
            time: None,
        }]),
        Raw::Json(Value::Bool(b)) => Ok(vec![text_value(&b.to_string())]),
        _ => Ok(raw
            .strings(name, Split::Pipe)?
            .iter()
            .map(|s| text_value(s))
            .collect()),
    }
}

/// The bound of a `GT_`/`LT_` parameter on a field: a number or a date-time with offset.
pub(crate) fn field_bound(name: &str, raw: Raw<'_>) -> Result<Bound, QueryError> {
    if let Raw::Json(Value::Number(_)) = raw {
        return Ok(Bound::Num(raw.number(name)?));
    }
    let s = raw.text(name)?;
    if let Some(n) = parse_number(&s) {
        return Ok(Bound::Num(n));
    }
    time_micros(&s).map(Bound::Time).ok_or_else(|| {
        QueryError::new(
            name,
            format!("'{s}' is neither a number nor a date-time with offset"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_are_strict() {
        assert_eq!(parse_number("20"), Some(20.0));
        assert_eq!(parse_number("-1.5e3"), Some(-1500.0));
        for bad in [
            "", "-", "1.", ".5", "inf", "NaN", "+1", "0x10", "1e", "1e999", " 1",
        ] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn lists_split_by_kind() {
        let r = Raw::Text("a|b,c");
        assert_eq!(r.strings("p", Split::PipeOrComma).unwrap(), ["a", "b", "c"]);
        assert_eq!(r.strings("p", Split::Pipe).unwrap(), ["a", "b,c"]);
        assert!(Raw::Text("a||b").strings("p", Split::Pipe).is_err());
        assert!(Raw::Text("").strings("p", Split::Pipe).is_err());
        let j = json!(["x", "y"]);
        assert_eq!(Raw::Json(&j).strings("p", Split::Pipe).unwrap(), ["x", "y"]);
        assert!(Raw::Json(&json!([])).strings("p", Split::Pipe).is_err());
        assert!(Raw::Json(&json!({})).strings("p", Split::Pipe).is_err());
    }

    #[test]
    fn exists_values() {
        assert!(Raw::Text("").exists("p").unwrap());
        assert!(!Raw::Text("false").exists("p").unwrap());
        assert!(Raw::Json(&json!(null)).exists("p").unwrap());
        assert!(!Raw::Json(&json!(0)).exists("p").unwrap());
        assert!(Raw::Text("maybe").exists("p").is_err());
    }

    #[test]
    fn times_need_offsets() {
        assert_eq!(
            Raw::Text("1970-01-01T00:00:01.5Z").time("p").unwrap(),
            1_500_000
        );
        assert!(Raw::Text("2020-01-01T00:00:00").time("p").is_err());
    }
}
