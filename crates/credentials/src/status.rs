//! W3C Bitstring Status List v1.0: the list itself, its `encodedList` form, the status list
//! credential, and the `credentialStatus` entries that point into it.
//!
//! Index 0 is the left-most bit (the most significant bit of byte 0); an entry with
//! `statusSize` s occupies bits i·s … i·s+s−1. A status of 0 means "not revoked/suspended".

use std::fmt;
use std::io::{Read, Write};
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde_json::{Map, Value, json};

use crate::{VC_V2_CONTEXT, datetime};

/// The spec's minimum number of entries (16 KiB of bits); shorter lists are refused
/// (STATUS_LIST_LENGTH_ERROR), which keeps any one credential hidden in a large crowd.
pub const MIN_STATUS_LIST_BITS: usize = 131_072;
/// Default ceiling on a decoded list: 16 MiB, i.e. 134 million entries. Decoding stops there,
/// so a small GZIP "bomb" cannot make a verifier allocate gigabytes.
pub const DEFAULT_MAX_DECODED_BYTES: usize = 16 * 1024 * 1024;

/// Why a status list could not be built, read or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusListError {
    /// Fewer bits than [`MIN_STATUS_LIST_BITS`].
    #[error(
        "status list has {bits} bits, fewer than the minimum {MIN_STATUS_LIST_BITS} (STATUS_LIST_LENGTH_ERROR)"
    )]
    TooShort {
        /// Bits the list has.
        bits: usize,
    },
    /// A length that is not a whole number of bytes.
    #[error("status list length {0} is not a multiple of 8 bits")]
    NotByteAligned(usize),
    /// An index outside the list.
    #[error("index {index} (status size {size}) is outside the {bits}-bit list (RANGE_ERROR)")]
    OutOfRange {
        /// The entry index.
        index: u64,
        /// Bits per entry.
        size: u32,
        /// Bits in the list.
        bits: usize,
    },
    /// A status size of 0 or above 32 bits, or a value that does not fit it.
    #[error("invalid status size {size} or value {value}")]
    InvalidStatus {
        /// Bits per entry.
        size: u32,
        /// The value.
        value: u32,
    },
    /// `encodedList` does not start with the multibase base64url prefix `u`.
    #[error("encodedList is not multibase base64url (must start with 'u')")]
    NotMultibase,
    /// `encodedList` is not unpadded base64url.
    #[error("encodedList is not unpadded base64url: {0}")]
    Base64(String),
    /// The bytes are not one complete GZIP stream.
    #[error("encodedList is not GZIP data: {0}")]
    Gzip(String),
    /// The list (or its encoded form) is larger than the decoder's limit.
    #[error("status list larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
}

/// What a status list's bits mean.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StatusPurpose {
    /// A set bit revokes the credential, permanently.
    Revocation,
    /// A set bit suspends the credential; it can be cleared again.
    Suspension,
    /// Any other purpose (`refresh`, `message`, …), carried but not enforced.
    Other(String),
}

impl StatusPurpose {
    /// The `statusPurpose` string.
    pub fn as_str(&self) -> &str {
        match self {
            StatusPurpose::Revocation => "revocation",
            StatusPurpose::Suspension => "suspension",
            StatusPurpose::Other(s) => s,
        }
    }
}

impl StatusPurpose {
    /// The purpose named by a `statusPurpose` string.
    pub fn from_name(s: &str) -> Self {
        match s {
            "revocation" => StatusPurpose::Revocation,
            "suspension" => StatusPurpose::Suspension,
            other => StatusPurpose::Other(other.to_owned()),
        }
    }
}

impl FromStr for StatusPurpose {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::from_name(s))
    }
}

impl fmt::Display for StatusPurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A bitstring status list.
#[derive(Clone, PartialEq, Eq)]
pub struct StatusList {
    bytes: Vec<u8>,
}

impl fmt::Debug for StatusList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusList")
            .field("bits", &self.len())
            .field("set", &self.count_set())
            .finish()
    }
}

impl Default for StatusList {
    fn default() -> Self {
        Self::new()
    }
}

impl StatusList {
    /// An all-clear list of the minimum size, 131,072 bits.
    pub fn new() -> Self {
        StatusList {
            bytes: vec![0; MIN_STATUS_LIST_BITS / 8],
        }
    }

    /// An all-clear list of `bits` bits (at least the minimum, a multiple of 8).
    pub fn with_len(bits: usize) -> Result<Self, StatusListError> {
        if !bits.is_multiple_of(8) {
            return Err(StatusListError::NotByteAligned(bits));
        }
        if bits < MIN_STATUS_LIST_BITS {
            return Err(StatusListError::TooShort { bits });
        }
        Ok(StatusList {
            bytes: vec![0; bits / 8],
        })
    }

    /// A list from its raw bytes (bit 0 = most significant bit of byte 0).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, StatusListError> {
        let bits = bytes.len().saturating_mul(8);
        if bits < MIN_STATUS_LIST_BITS {
            return Err(StatusListError::TooShort { bits });
        }
        Ok(StatusList { bytes })
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Number of bits.
    pub fn len(&self) -> usize {
        self.bytes.len() * 8
    }

    /// Whether the list has no bits (never true for a list built by this type).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Number of entries of `status_size` bits the list holds.
    pub fn entries(&self, status_size: u32) -> usize {
        self.len() / (status_size.max(1) as usize)
    }

    /// Number of set bits.
    pub fn count_set(&self) -> usize {
        self.bytes.iter().map(|b| b.count_ones() as usize).sum()
    }

    fn bit_range(&self, index: u64, size: u32) -> Result<usize, StatusListError> {
        if size == 0 || size > 32 {
            return Err(StatusListError::InvalidStatus { size, value: 0 });
        }
        let out = || StatusListError::OutOfRange {
            index,
            size,
            bits: self.len(),
        };
        let start = usize::try_from(index)
            .ok()
            .and_then(|i| i.checked_mul(size as usize))
            .ok_or_else(out)?;
        match start.checked_add(size as usize) {
            Some(end) if end <= self.len() => Ok(start),
            _ => Err(out()),
        }
    }

    fn bit(&self, i: usize) -> bool {
        self.bytes[i / 8] & (0x80 >> (i % 8)) != 0
    }

    fn put(&mut self, i: usize, v: bool) {
        let mask = 0x80 >> (i % 8);
        if v {
            self.bytes[i / 8] |= mask;
        } else {
            self.bytes[i / 8] &= !mask;
        }
    }

    /// Whether bit `index` is set (status size 1).
    pub fn get(&self, index: u64) -> Result<bool, StatusListError> {
        let i = self.bit_range(index, 1)?;
        Ok(self.bit(i))
    }

    /// Sets or clears bit `index` (status size 1).
    pub fn set(&mut self, index: u64, value: bool) -> Result<(), StatusListError> {
        let i = self.bit_range(index, 1)?;
        self.put(i, value);
        Ok(())
    }

    /// The status of entry `index` when each entry has `size` bits (first bit most
    /// significant).
    pub fn get_status(&self, index: u64, size: u32) -> Result<u32, StatusListError> {
        let start = self.bit_range(index, size)?;
        Ok((start..start + size as usize).fold(0u32, |v, i| (v << 1) | u32::from(self.bit(i))))
    }

    /// Writes the status of entry `index` when each entry has `size` bits.
    pub fn set_status(&mut self, index: u64, size: u32, value: u32) -> Result<(), StatusListError> {
        let start = self.bit_range(index, size)?;
        if size < 32 && value >> size != 0 {
            return Err(StatusListError::InvalidStatus { size, value });
        }
        for k in 0..size as usize {
            let shift = size as usize - 1 - k;
            self.put(start + k, (value >> shift) & 1 == 1);
        }
        Ok(())
    }

    /// The `encodedList` value: `u` + base64url without padding of the GZIP of the bits.
    pub fn encode(&self) -> Result<String, StatusListError> {
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        gz.write_all(&self.bytes)
            .map_err(|e| StatusListError::Gzip(e.to_string()))?;
        let compressed = gz
            .finish()
            .map_err(|e| StatusListError::Gzip(e.to_string()))?;
        let mut s = String::with_capacity(1 + compressed.len().div_ceil(3) * 4);
        s.push('u');
        URL_SAFE_NO_PAD.encode_string(&compressed, &mut s);
        Ok(s)
    }

    /// Reads an `encodedList`, refusing lists above [`DEFAULT_MAX_DECODED_BYTES`].
    pub fn decode(encoded: &str) -> Result<Self, StatusListError> {
        Self::decode_with_limit(encoded, DEFAULT_MAX_DECODED_BYTES)
    }

    /// Reads an `encodedList`, refusing lists whose decompressed size exceeds `max_bytes`.
    /// Decompression stops at the limit, so the cost is bounded whatever the input claims.
    pub fn decode_with_limit(encoded: &str, max_bytes: usize) -> Result<Self, StatusListError> {
        let body = encoded
            .strip_prefix('u')
            .ok_or(StatusListError::NotMultibase)?;
        // GZIP never needs much more room than the data itself (stored blocks add 5 bytes per
        // 64 KiB), so a longer encoded value is refused before decoding it.
        let max_compressed = max_bytes + max_bytes / 1000 + 1024;
        if body.len() / 4 * 3 > max_compressed {
            return Err(StatusListError::TooLarge { limit: max_bytes });
        }
        let compressed = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|e| StatusListError::Base64(e.to_string()))?;
        let limit = u64::try_from(max_bytes)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let mut bytes = Vec::new();
        GzDecoder::new(compressed.as_slice())
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(|e| StatusListError::Gzip(e.to_string()))?;
        if bytes.len() > max_bytes {
            return Err(StatusListError::TooLarge { limit: max_bytes });
        }
        Self::from_bytes(bytes)
    }
}

/// The unsigned `BitstringStatusListCredential` publishing `list` at URL `id`, issued by
/// `issuer`. Its subject is `{id}#list`. Sign it with [`crate::sign`] and serve it at `id`.
pub fn status_list_credential(
    id: &str,
    issuer: &str,
    purpose: &StatusPurpose,
    list: &StatusList,
    valid_from: DateTime<Utc>,
    valid_until: Option<DateTime<Utc>>,
) -> Result<Value, StatusListError> {
    let mut vc = Map::new();
    vc.insert("@context".into(), json!([VC_V2_CONTEXT]));
    vc.insert("id".into(), id.into());
    vc.insert(
        "type".into(),
        json!(["VerifiableCredential", "BitstringStatusListCredential"]),
    );
    vc.insert("issuer".into(), issuer.into());
    vc.insert("validFrom".into(), datetime::format(valid_from).into());
    if let Some(until) = valid_until {
        vc.insert("validUntil".into(), datetime::format(until).into());
    }
    vc.insert(
        "credentialSubject".into(),
        json!({
            "id": format!("{id}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": purpose.as_str(),
            "encodedList": list.encode()?,
        }),
    );
    Ok(Value::Object(vc))
}

/// The `credentialStatus` entry for entry `index` of the status list credential at
/// `status_list_credential`. Issuers should pick indexes at random so that an index reveals
/// nothing about when or to whom a credential was issued.
pub fn status_entry(status_list_credential: &str, index: u64, purpose: &StatusPurpose) -> Value {
    json!({
        "id": format!("{status_list_credential}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose.as_str(),
        "statusListIndex": index.to_string(),
        "statusListCredential": status_list_credential,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_order_is_msb_first() {
        let mut l = StatusList::new();
        l.set(0, true).unwrap();
        l.set(9, true).unwrap();
        assert_eq!(&l.as_bytes()[..2], &[0x80, 0x40]);
        assert!(l.get(0).unwrap() && l.get(9).unwrap() && !l.get(1).unwrap());
        l.set(0, false).unwrap();
        assert_eq!(l.as_bytes()[0], 0);
        assert_eq!(l.count_set(), 1);
    }

    #[test]
    fn multi_bit_status() {
        let mut l = StatusList::new();
        l.set_status(3, 2, 0b10).unwrap();
        assert_eq!(l.get_status(3, 2).unwrap(), 2);
        assert!(l.get(6).unwrap() && !l.get(7).unwrap());
        assert!(l.set_status(3, 2, 4).is_err());
        assert!(l.get_status(0, 0).is_err());
        assert_eq!(l.entries(2), MIN_STATUS_LIST_BITS / 2);
    }

    #[test]
    fn range_and_size_errors() {
        let mut l = StatusList::new();
        assert!(l.get(MIN_STATUS_LIST_BITS as u64 - 1).is_ok());
        assert!(matches!(
            l.get(MIN_STATUS_LIST_BITS as u64),
            Err(StatusListError::OutOfRange { .. })
        ));
        assert!(l.set(u64::MAX, true).is_err());
        assert!(l.get_status(u64::MAX / 2, 4).is_err());
        assert_eq!(
            StatusList::with_len(8),
            Err(StatusListError::TooShort { bits: 8 })
        );
        assert_eq!(
            StatusList::with_len(MIN_STATUS_LIST_BITS + 1),
            Err(StatusListError::NotByteAligned(MIN_STATUS_LIST_BITS + 1))
        );
        assert_eq!(
            StatusList::with_len(2 * MIN_STATUS_LIST_BITS)
                .unwrap()
                .len(),
            262_144
        );
    }

    #[test]
    fn encode_decode() {
        let mut l = StatusList::new();
        l.set(94567, true).unwrap();
        let enc = l.encode().unwrap();
        assert!(enc.starts_with("uH4sI"), "{enc}");
        assert!(!enc.contains('=') && !enc.contains('+') && !enc.contains('/'));
        assert_eq!(StatusList::decode(&enc).unwrap(), l);
    }

    #[test]
    fn decode_refusals() {
        let enc = StatusList::new().encode().unwrap();
        assert_eq!(
            StatusList::decode(&enc[1..]),
            Err(StatusListError::NotMultibase)
        );
        assert!(matches!(
            StatusList::decode(&format!("{enc}=")),
            Err(StatusListError::Base64(_))
        ));
        assert!(matches!(
            StatusList::decode(&enc[..enc.len() - 6]),
            Err(StatusListError::Gzip(_) | StatusListError::Base64(_))
        ));
        assert!(matches!(
            StatusList::decode("uAAAA"),
            Err(StatusListError::Gzip(_))
        ));
        // A bomb: 64 MiB of zeros compresses to ~64 KiB; the decoder stops at its limit.
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            gz.write_all(&zeros).unwrap();
        }
        let bomb = format!("u{}", URL_SAFE_NO_PAD.encode(gz.finish().unwrap()));
        assert!(bomb.len() < 200_000);
        assert_eq!(
            StatusList::decode(&bomb),
            Err(StatusListError::TooLarge {
                limit: DEFAULT_MAX_DECODED_BYTES
            })
        );
        // Short lists are refused.
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        gz.write_all(&[0u8; 100]).unwrap();
        let short = format!("u{}", URL_SAFE_NO_PAD.encode(gz.finish().unwrap()));
        assert_eq!(
            StatusList::decode(&short),
            Err(StatusListError::TooShort { bits: 800 })
        );
        // An encoded value far longer than any list under the limit is refused unread.
        let long = format!("u{}", "A".repeat(4000));
        assert_eq!(
            StatusList::decode_with_limit(&long, 1000),
            Err(StatusListError::TooLarge { limit: 1000 })
        );
    }

    #[test]
    fn entry_shape() {
        let e = status_entry("https://h/status/1", 42, &StatusPurpose::Revocation);
        assert_eq!(e["statusListIndex"], "42");
        assert_eq!(e["id"], "https://h/status/1#42");
        assert_eq!(
            "suspension".parse::<StatusPurpose>().unwrap(),
            StatusPurpose::Suspension
        );
    }
}
