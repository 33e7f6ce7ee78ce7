//! Reading credentials from text strictly, and the I-JSON rules a signed document must meet.
//!
//! `serde_json` keeps the last of two members with the same name; other parsers keep the
//! first or refuse. A signed document whose meaning depends on the parser is a forgery
//! waiting to happen, so [`parse_strict`] refuses duplicate members, as the independent
//! verifier does.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use tlog::jcs::MAX_SAFE_INTEGER;

use crate::error::VerifyError;

/// Parses JSON text into a value, refusing duplicate object members (anywhere in the
/// document). Errors are `malformed: credential: …`.
pub fn parse_strict(text: &str) -> Result<Value, VerifyError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = StrictValue
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| VerifyError::malformed("credential", format!("not valid JSON: {e}")))?;
    Ok(value)
}

struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(StrictValue)? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if members.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate member {key:?}")));
            }
            let value = map.next_value_seed(StrictValue)?;
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

/// The JSON Pointer of the first integer beyond ±(2^53 − 1) in `value`, if any. Such an
/// integer is not I-JSON: RFC 8785 implementations differ on it (some refuse it, some round
/// it), so the platform never signs one.
pub(crate) fn first_unsafe_integer(value: &Value) -> Option<String> {
    fn walk(v: &Value, path: &mut String) -> bool {
        match v {
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => u > MAX_SAFE_INTEGER,
                (None, Some(i)) => i.unsigned_abs() > MAX_SAFE_INTEGER,
                (None, None) => false,
            },
            Value::Array(items) => items.iter().enumerate().any(|(i, c)| {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                let hit = walk(c, path);
                if !hit {
                    path.truncate(len);
                }
                hit
            }),
            Value::Object(members) => members.iter().any(|(k, c)| {
                let len = path.len();
                path.push('/');
                path.push_str(&k.replace('~', "~0").replace('/', "~1"));
                let hit = walk(c, path);
                if !hit {
                    path.truncate(len);
                }
                hit
            }),
            _ => false,
        }
    }
    let mut path = String::new();
    walk(value, &mut path).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_parse_refuses_duplicates_anywhere() {
        assert_eq!(
            parse_strict(r#"{"a":[1,{"b":2.5,"c":null}],"d":"x"}"#).unwrap(),
            serde_json::json!({"a":[1,{"b":2.5,"c":null}],"d":"x"})
        );
        for bad in [
            r#"{"a":1,"a":1}"#,
            r#"{"x":{"a":1,"b":2,"a":3}}"#,
            r#"[{"issuer":"a","issuer":"b"}]"#,
            r#"{"a":1} x"#,
            r#"{"a":NaN}"#,
        ] {
            let err = parse_strict(bad).unwrap_err();
            assert_eq!(err.kind(), "malformed", "{bad}");
        }
        assert!(
            parse_strict(r#"{"a":1,"a":2}"#)
                .unwrap_err()
                .to_string()
                .contains("duplicate member \"a\"")
        );
    }

    #[test]
    fn unsafe_integers_are_found() {
        let ok = serde_json::json!({"a": [9007199254740991_u64, -9007199254740991_i64, 1.5e300]});
        assert_eq!(first_unsafe_integer(&ok), None);
        let bad = serde_json::json!({"a": [1, {"b/c": 9007199254740992_u64}]});
        assert_eq!(first_unsafe_integer(&bad).as_deref(), Some("/a/1/b~1c"));
        let neg = serde_json::json!([-9007199254740992_i64]);
        assert_eq!(first_unsafe_integer(&neg).as_deref(), Some("/0"));
    }
}
