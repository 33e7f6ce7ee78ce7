//! RFC 8785 canonical JSON written straight from a [`Serialize`] value, without building a
//! [`serde_json::Value`] first.
//!
//! Every captured event's log leaf is the canonical form of its JSON-LD object. Rendering the
//! event into a `Value` only to walk it again allocated a map entry and a string per member;
//! this serializer writes every member where it will end up, `"name":value`, and keeps only
//! where each starts and ends. An object whose members came in canonical order is then done;
//! otherwise its members are put in order once, when it ends. Member names live in one arena
//! and the spans on one stack, shared by all nesting levels, so a whole event costs no
//! allocation per member. The result is byte for byte what
//! `to_vec(&serde_json::to_value(x)?)` gives, which the tests check: non-finite floats become
//! `null` and a repeated member keeps its last value, as in `serde_json::to_value`.

use std::fmt::Write as _;
use std::ops::Range;

use serde::ser::{self, Serialize};

use super::key::KeyName;

use super::{JcsError, MAX_SAFE_INTEGER, utf16_cmp, write_big_integer, write_f64, write_string};

/// The canonical UTF-8 bytes of `value` as `serde_json` would serialize it.
pub fn to_vec_of<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, JcsError> {
    // Room for a typical event at once; the scratch stays with the thread (capture writes
    // thousands of entries in a row). Taken out, not borrowed: a `Serialize` may call this.
    let mut out = String::with_capacity(1024);
    let mut scratch = SCRATCH.take();
    let written = value.serialize(Canon {
        out: &mut out,
        s: &mut scratch,
    });
    scratch.clear();
    SCRATCH.set(scratch);
    written?;
    Ok(out.into_bytes())
}

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::new(Scratch::default());
}

/// What open objects keep while their members are written: a stack shared by every level
/// (an inner object pops what it pushed before its parent writes on).
#[derive(Default)]
struct Scratch {
    /// Member names, unescaped, for sorting.
    names: String,
    members: Vec<Member>,
    /// A copy of an object's members while they are put back in order.
    tmp: String,
}

impl Scratch {
    /// Emptied for the next value; one that grew for an outsized value is dropped rather
    /// than kept for the thread's lifetime.
    fn clear(&mut self) {
        if self.tmp.capacity() + self.names.capacity() > 1 << 16 || self.members.capacity() > 4096 {
            *self = Scratch::default();
        }
        self.names.clear();
        self.members.clear();
        self.tmp.clear();
    }
}

/// One written member: its name in [`Scratch::names`] and its `"name":value` in the output.
struct Member {
    name: Range<usize>,
    span: Range<usize>,
}

impl ser::Error for JcsError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        JcsError::Unserializable(msg.to_string())
    }
}

struct Canon<'a> {
    out: &'a mut String,
    s: &'a mut Scratch,
}

fn write_u64(u: u64, out: &mut String) -> Result<(), JcsError> {
    if u > MAX_SAFE_INTEGER {
        return write_big_integer(u as f64, &u.to_string(), out);
    }
    let _ = write!(out, "{u}");
    Ok(())
}

fn write_i64(i: i64, out: &mut String) -> Result<(), JcsError> {
    if i >= 0 {
        return write_u64(i.unsigned_abs(), out);
    }
    if i.unsigned_abs() > MAX_SAFE_INTEGER {
        return write_big_integer(i as f64, &i.to_string(), out);
    }
    let _ = write!(out, "{i}");
    Ok(())
}

fn write_float(f: f64, out: &mut String) -> Result<(), JcsError> {
    if f.is_finite() {
        write_f64(f, out)
    } else {
        // What `serde_json::to_value` makes of it.
        out.push_str("null");
        Ok(())
    }
}

/// Integer methods, each widening its value for one writer.
macro_rules! numbers {
    ($($write:ident: $($method:ident($t:ty)),*);*) => {$($(
        fn $method(self, v: $t) -> Result<(), JcsError> {
            $write(v.into(), self.out)
        }
    )*)*};
}

impl<'a> ser::Serializer for Canon<'a> {
    type Ok = ();
    type Error = JcsError;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Seq<'a>;
    type SerializeTupleStruct = Seq<'a>;
    type SerializeTupleVariant = Seq<'a>;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Object<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), JcsError> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    numbers!(
        write_i64: serialize_i8(i8), serialize_i16(i16), serialize_i32(i32), serialize_i64(i64);
        write_u64: serialize_u8(u8), serialize_u16(u16), serialize_u32(u32), serialize_u64(u64)
    );
    fn serialize_f32(self, v: f32) -> Result<(), JcsError> {
        write_float(v.into(), self.out)
    }
    fn serialize_f64(self, v: f64) -> Result<(), JcsError> {
        write_float(v, self.out)
    }
    fn serialize_char(self, v: char) -> Result<(), JcsError> {
        write_string(v.encode_utf8(&mut [0; 4]), self.out);
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), JcsError> {
        write_string(v, self.out);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), JcsError> {
        // serde_json writes bytes as an array of numbers.
        self.out.push('[');
        for (i, b) in v.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            let _ = write!(self.out, "{b}");
        }
        self.out.push(']');
        Ok(())
    }
    fn serialize_none(self) -> Result<(), JcsError> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), JcsError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), JcsError> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), JcsError> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), JcsError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), JcsError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), JcsError> {
        self.out.push('{');
        write_string(variant, self.out);
        self.out.push(':');
        value.serialize(Canon {
            out: self.out,
            s: self.s,
        })?;
        self.out.push('}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Seq<'a>, JcsError> {
        self.out.push('[');
        Ok(Seq {
            out: self.out,
            s: self.s,
            first: true,
            variant: false,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a>, JcsError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'a>, JcsError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Seq<'a>, JcsError> {
        self.out.push('{');
        write_string(variant, self.out);
        self.out.push_str(":[");
        Ok(Seq {
            out: self.out,
            s: self.s,
            first: true,
            variant: true,
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Object<'a>, JcsError> {
        self.out.push('{');
        Ok(Object {
            start: self.out.len(),
            base: self.s.members.len(),
            names_base: self.s.names.len(),
            out: self.out,
            s: self.s,
            key: None,
            variant: false,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Object<'a>, JcsError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Object<'a>, JcsError> {
        self.out.push('{');
        write_string(variant, self.out);
        self.out.push(':');
        let mut o = self.serialize_map(Some(len))?;
        o.variant = true;
        Ok(o)
    }
}

struct Seq<'a> {
    out: &'a mut String,
    s: &'a mut Scratch,
    first: bool,
    /// Inside `{"variant":[…]}`: one more brace to close.
    variant: bool,
}

impl Seq<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JcsError> {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        value.serialize(Canon {
            out: self.out,
            s: self.s,
        })
    }

    fn close(self) {
        self.out.push(']');
        if self.variant {
            self.out.push('}');
        }
    }
}

/// The four sequence traits of serde differ only in the name of their element method.
macro_rules! sequence {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Seq<'_> {
            type Ok = ();
            type Error = JcsError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JcsError> {
                self.element(value)
            }
            fn end(self) -> Result<(), JcsError> {
                self.close();
                Ok(())
            }
        }
    )*};
}

sequence!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// An open object: its members are written to `out` after `start` (just past the `{`), in
/// the order they come; `s.members[base..]` says where each is.
struct Object<'a> {
    out: &'a mut String,
    s: &'a mut Scratch,
    start: usize,
    base: usize,
    names_base: usize,
    /// A map's key, written to `s.names`, waiting for its value.
    key: Option<Range<usize>>,
    /// Inside `{"variant":{…}}`: one more brace to close.
    variant: bool,
}

impl Object<'_> {
    fn member<T: Serialize + ?Sized>(
        &mut self,
        name: Range<usize>,
        value: &T,
    ) -> Result<(), JcsError> {
        if self.s.members.len() > self.base {
            self.out.push(',');
        }
        let at = self.out.len();
        write_string(&self.s.names[name.clone()], self.out);
        self.out.push(':');
        value.serialize(Canon {
            out: self.out,
            s: self.s,
        })?;
        self.s.members.push(Member {
            name,
            span: at..self.out.len(),
        });
        Ok(())
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), JcsError> {
        let from = self.s.names.len();
        self.s.names.push_str(key);
        self.member(from..self.s.names.len(), value)
    }

    fn close(self) {
        let Scratch {
            names,
            members,
            tmp,
        } = self.s;
        let mine = &mut members[self.base..];
        let name = |m: &Member| &names[m.name.clone()];
        let ordered = mine
            .windows(2)
            .all(|w| utf16_cmp(name(&w[0]), name(&w[1])).is_lt());
        if !ordered {
            // Stable, so that of repeated names the last written stays last; it alone is
            // kept, as a map keeps the last insert.
            mine.sort_by(|a, b| utf16_cmp(name(a), name(b)));
            tmp.clear();
            tmp.push_str(&self.out[self.start..]);
            self.out.truncate(self.start);
            let n = mine.len();
            let mut first = true;
            for i in 0..n {
                if i + 1 < n && name(&mine[i]) == name(&mine[i + 1]) {
                    continue;
                }
                if !first {
                    self.out.push(',');
                }
                first = false;
                let span = &mine[i].span;
                self.out
                    .push_str(&tmp[span.start - self.start..span.end - self.start]);
            }
        }
        members.truncate(self.base);
        names.truncate(self.names_base);
        self.out.push('}');
        if self.variant {
            self.out.push('}');
        }
    }
}

impl ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = JcsError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), JcsError> {
        let from = self.s.names.len();
        key.serialize(KeyName(&mut self.s.names))?;
        self.key = Some(from..self.s.names.len());
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JcsError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| JcsError::Unserializable("a map value without its key".into()))?;
        self.member(key, value)
    }
    fn end(self) -> Result<(), JcsError> {
        self.close();
        Ok(())
    }
}

/// A struct and a struct variant write their fields alike.
macro_rules! fields {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Object<'_> {
            type Ok = ();
            type Error = JcsError;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), JcsError> {
                self.field(key, value)
            }
            fn end(self) -> Result<(), JcsError> {
                self.close();
                Ok(())
            }
        }
    )*};
}

fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Serialize;
    use serde_json::{Value, json};

    fn via_value<T: Serialize>(x: &T) -> Result<Vec<u8>, JcsError> {
        let v = serde_json::to_value(x).map_err(|e| JcsError::Unserializable(e.to_string()))?;
        super::super::to_vec(&v)
    }

    #[test]
    fn agrees_with_the_value_path_on_examples() {
        let docs = [
            json!({"b": 1, "a": [true, null, "x\u{1}"], "€": {"z": 1.5e-7, "y": -0.0}}),
            json!({"big": 9007199254740993u64, "ok": 512781214020429060u64}),
            json!([{"\u{10000}": 1, "\u{ff61}": 2}, 1e21, -12, "\"\\"]),
        ];
        for d in docs {
            assert_eq!(to_vec_of(&d).ok(), via_value(&d).ok(), "{d}");
        }
    }

    #[test]
    fn structs_options_and_repeated_members() {
        #[derive(Serialize)]
        struct S {
            z: Option<u8>,
            #[serde(skip_serializing_if = "Option::is_none")]
            skipped: Option<u8>,
            a: f64,
            nan: f64,
            #[serde(flatten)]
            rest: std::collections::BTreeMap<String, Value>,
            e: E,
            t: (u8, &'static str),
        }
        #[derive(Serialize)]
        enum E {
            V { x: u8 },
        }
        let mut rest = std::collections::BTreeMap::new();
        rest.insert("m".to_owned(), json!({"k": [1, 2]}));
        let s = S {
            z: None,
            skipped: None,
            a: 2.0,
            nan: f64::NAN,
            rest,
            e: E::V { x: 3 },
            t: (1, "u"),
        };
        assert_eq!(to_vec_of(&s).ok(), via_value(&s).ok());
        assert_eq!(
            String::from_utf8(to_vec_of(&s).unwrap_or_default()).unwrap_or_default(),
            r#"{"a":2,"e":{"V":{"x":3}},"m":{"k":[1,2]},"nan":null,"t":[1,"u"],"z":null}"#
        );

        /// Writes member "a" twice, as a hand-written `Serialize` might.
        struct Twice;
        impl Serialize for Twice {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use ser::SerializeMap;
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("a", &1)?;
                m.serialize_entry("b", &2)?;
                m.serialize_entry("a", &3)?;
                m.end()
            }
        }
        assert_eq!(to_vec_of(&Twice).ok(), via_value(&Twice).ok());
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "\\PC{0,8}".prop_map(Value::from),
            "[\\x00-\\x20\"\\\\]{0,4}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(("\\PC{0,4}", inner), 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Writing a value directly gives exactly the bytes of canonicalizing it as a `Value`,
        /// and an error exactly where that has one (which number it names may differ: members
        /// are written before they are sorted).
        #[test]
        fn agrees_with_the_value_path(v in arb_value()) {
            let (direct, via) = (to_vec_of(&v), via_value(&v));
            prop_assert_eq!(direct.is_err(), via.is_err());
            prop_assert_eq!(direct.ok(), via.ok());
        }
    }
}
