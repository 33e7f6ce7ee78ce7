//! Object member names for [`super::ser`]: what `serde_json` accepts as a map key (a string,
//! or an integer, bool or unit variant written as a string).

use std::fmt::Write as _;

use serde::ser::{self, Impossible, Serialize};

use super::JcsError;

/// A map key as `serde_json` accepts one: a string, or a number or bool written as a string,
/// appended (unescaped) to the serializer's arena of member names.
pub(super) struct KeyName<'a>(pub(super) &'a mut String);

/// Scalars that `serde_json` writes as their text when they key a map.
macro_rules! as_text {
    ($($method:ident($t:ty)),*) => {$(
        fn $method(self, v: $t) -> Result<(), JcsError> {
            let _ = write!(self.0, "{v}");
            Ok(())
        }
    )*};
}

impl ser::Serializer for KeyName<'_> {
    type Ok = ();
    type Error = JcsError;
    type SerializeSeq = Impossible<(), JcsError>;
    type SerializeTuple = Impossible<(), JcsError>;
    type SerializeTupleStruct = Impossible<(), JcsError>;
    type SerializeTupleVariant = Impossible<(), JcsError>;
    type SerializeMap = Impossible<(), JcsError>;
    type SerializeStruct = Impossible<(), JcsError>;
    type SerializeStructVariant = Impossible<(), JcsError>;

    fn serialize_str(self, v: &str) -> Result<(), JcsError> {
        self.0.push_str(v);
        Ok(())
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
    fn serialize_f32(self, _: f32) -> Result<(), JcsError> {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Result<(), JcsError> {
        Err(key_error())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), JcsError> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<(), JcsError> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), JcsError> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<(), JcsError> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), JcsError> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), JcsError> {
        self.0.push_str(variant);
        Ok(())
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
        _: &'static str,
        _: &T,
    ) -> Result<(), JcsError> {
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
