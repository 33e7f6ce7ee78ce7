//! Object member names for [`super::ser`]: what `serde_json` accepts as a map key (a string,
//! or an integer, bool or unit variant written as a string).

use serde::ser::{self, Impossible, Serialize};

use super::JcsError;

/// A map key as `serde_json` accepts one: a string, or a number or bool written as a string.
pub(super) struct KeyName;

/// Scalars that `serde_json` writes as their text when they key a map.
macro_rules! as_text {
    ($($method:ident($t:ty)),*) => {$(
        fn $method(self, v: $t) -> Result<String, JcsError> {
            Ok(v.to_string())
        }
    )*};
}

impl ser::Serializer for KeyName {
    type Ok = String;
    type Error = JcsError;
    type SerializeSeq = Impossible<String, JcsError>;
    type SerializeTuple = Impossible<String, JcsError>;
    type SerializeTupleStruct = Impossible<String, JcsError>;
    type SerializeTupleVariant = Impossible<String, JcsError>;
    type SerializeMap = Impossible<String, JcsError>;
    type SerializeStruct = Impossible<String, JcsError>;
    type SerializeStructVariant = Impossible<String, JcsError>;

    fn serialize_str(self, v: &str) -> Result<String, JcsError> {
        Ok(v.to_owned())
    }
    as_text!(
        serialize_char(char),
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64)
    );
    fn serialize_f32(self, _: f32) -> Result<String, JcsError> {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Result<String, JcsError> {
        Err(key_error())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, JcsError> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<String, JcsError> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String, JcsError> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<String, JcsError> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, JcsError> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, JcsError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, JcsError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, JcsError> {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, JcsError> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, JcsError> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, JcsError> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, JcsError> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, JcsError> {
        Err(key_error())
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, JcsError> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, JcsError> {
        Err(key_error())
    }
}

fn key_error() -> JcsError {
    JcsError::Unserializable("an object member name must be a string".into())
}
