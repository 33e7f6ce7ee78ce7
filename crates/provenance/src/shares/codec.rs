//! Storing compositions: a compact binary form for the store, and a JSON form (serde).
//!
//! Binary, version 1 (all integers LEB128 varints unless said otherwise):
//!
//! ```text
//! "NLC1"
//! n                                   entries
//! n × front-coded string              source lot
//! n × front-coded optional string     household
//! n × front-coded optional string     soum
//! n × u8                              colour (0 = none, 1… = Colour::ALL index + 1)
//! n × u8                              claim (Claim::ALL index)
//! n × varint u128                     weight
//! len, len bytes                      findings, as a JSON array
//! ```
//!
//! A front-coded string is `tag`, then when `tag > 0` the suffix length and bytes: `tag − 1`
//! bytes are shared with the previous string of the column (`tag = 0`: none). Lots and
//! households of one cooperative share long prefixes, so 5,000 sources take ~100 KB.
//! Decoding checks that the weights sum to exactly [`SCALE`] and the lots are distinct.

use std::collections::HashSet;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Composition, Entry, SCALE, Source};
use crate::finding::Finding;
use crate::terms::{Claim, Colour};

const MAGIC: &[u8; 4] = b"NLC1";

/// A stored composition that cannot be read back, or entries that do not form one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    #[error("not a composition (bad magic)")]
    Magic,
    #[error("the composition is truncated")]
    Truncated,
    #[error("the composition is malformed: {0}")]
    Malformed(String),
    #[error("the weights sum to {0}, not 10^18")]
    Sum(u128),
    #[error("source lot {0} appears twice")]
    Duplicate(String),
    #[error("source lot {0} has weight 0")]
    ZeroWeight(String),
}

pub(super) fn validate(entries: &[Entry]) -> Result<(), CodecError> {
    let mut sum: u128 = 0;
    let mut lots = HashSet::with_capacity(entries.len());
    for e in entries {
        if e.weight == 0 {
            return Err(CodecError::ZeroWeight(e.source.lot.clone()));
        }
        if !lots.insert(e.source.lot.as_str()) {
            return Err(CodecError::Duplicate(e.source.lot.clone()));
        }
        sum = sum
            .checked_add(e.weight)
            .ok_or(CodecError::Sum(u128::MAX))?;
    }
    if sum != SCALE {
        return Err(CodecError::Sum(sum));
    }
    Ok(())
}

fn put_varint(out: &mut Vec<u8>, mut v: u128) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn shared_prefix(a: &str, b: &str) -> usize {
    let n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    // Cut on a char boundary so that both halves stay valid UTF-8.
    (0..=n).rev().find(|&i| b.is_char_boundary(i)).unwrap_or(0)
}

fn put_front<'a>(out: &mut Vec<u8>, prev: &mut &'a str, s: Option<&'a str>) {
    match s {
        None => out.push(0),
        Some(s) => {
            let shared = shared_prefix(prev, s);
            put_varint(out, shared as u128 + 1);
            put_varint(out, (s.len() - shared) as u128);
            out.extend_from_slice(&s.as_bytes()[shared..]);
            *prev = s;
        }
    }
}

struct Cursor<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Cursor<'b> {
    fn byte(&mut self) -> Result<u8, CodecError> {
        let b = *self.bytes.get(self.at).ok_or(CodecError::Truncated)?;
        self.at += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u128, CodecError> {
        let mut v: u128 = 0;
        for shift in (0..128).step_by(7) {
            let b = self.byte()?;
            v |= u128::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(CodecError::Malformed("varint too long".into()))
    }

    fn len(&mut self) -> Result<usize, CodecError> {
        usize::try_from(self.varint()?).map_err(|_| CodecError::Truncated)
    }

    /// A count of things that take at least one byte each: it cannot exceed the bytes left,
    /// which bounds what a corrupt count makes us allocate.
    fn count(&mut self) -> Result<usize, CodecError> {
        let n = self.len()?;
        if n > self.bytes.len().saturating_sub(self.at) {
            return Err(CodecError::Truncated);
        }
        Ok(n)
    }

    fn take(&mut self, n: usize) -> Result<&'b [u8], CodecError> {
        let end = self.at.checked_add(n).ok_or(CodecError::Truncated)?;
        let s = self.bytes.get(self.at..end).ok_or(CodecError::Truncated)?;
        self.at = end;
        Ok(s)
    }

    fn front(&mut self, prev: &mut String) -> Result<Option<String>, CodecError> {
        let tag = self.len()?;
        if tag == 0 {
            return Ok(None);
        }
        let shared = tag - 1;
        let n = self.count()?;
        let suffix = std::str::from_utf8(self.take(n)?)
            .map_err(|_| CodecError::Malformed("a string is not UTF-8".into()))?;
        let head = prev
            .get(..shared)
            .ok_or_else(|| CodecError::Malformed("bad shared prefix".into()))?;
        let mut s = String::with_capacity(shared + suffix.len());
        s.push_str(head);
        s.push_str(suffix);
        prev.truncate(shared);
        prev.push_str(suffix);
        Ok(Some(s))
    }
}

impl Composition {
    /// The compact binary form (see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.entries.len();
        let mut out = Vec::with_capacity(16 + n * 40);
        out.extend_from_slice(MAGIC);
        put_varint(&mut out, n as u128);
        let mut prev = "";
        for e in &self.entries {
            put_front(&mut out, &mut prev, Some(&e.source.lot));
        }
        let mut prev = "";
        for e in &self.entries {
            put_front(&mut out, &mut prev, e.source.household.as_deref());
        }
        let mut prev = "";
        for e in &self.entries {
            put_front(&mut out, &mut prev, e.source.soum.as_deref());
        }
        for e in &self.entries {
            let c = e
                .source
                .colour
                .and_then(|c| Colour::ALL.iter().position(|x| *x == c));
            out.push(c.map_or(0, |i| i as u8 + 1));
        }
        for e in &self.entries {
            let c = Claim::ALL
                .iter()
                .position(|x| *x == e.source.claim)
                .unwrap_or(0);
            out.push(c as u8);
        }
        for e in &self.entries {
            put_varint(&mut out, e.weight);
        }
        let findings = serde_json::to_vec(&self.findings).unwrap_or_else(|_| b"[]".to_vec());
        put_varint(&mut out, findings.len() as u128);
        out.extend_from_slice(&findings);
        out
    }

    /// Reads the binary form back, checking it.
    pub fn from_bytes(bytes: &[u8]) -> Result<Composition, CodecError> {
        if bytes.get(..4) != Some(MAGIC) {
            return Err(CodecError::Magic);
        }
        let mut c = Cursor { bytes, at: 4 };
        let n = c.count()?;
        let column = |c: &mut Cursor| -> Result<Vec<Option<String>>, CodecError> {
            let mut prev = String::new();
            (0..n).map(|_| c.front(&mut prev)).collect()
        };
        let lots = column(&mut c)?;
        let households = column(&mut c)?;
        let soums = column(&mut c)?;
        let colours = c.take(n)?.to_vec();
        let claims = c.take(n)?.to_vec();
        let mut entries = Vec::with_capacity(n);
        for (i, ((lot, household), soum)) in lots.into_iter().zip(households).zip(soums).enumerate()
        {
            let lot = lot.ok_or_else(|| CodecError::Malformed("a source has no lot".into()))?;
            let colour = match colours[i] {
                0 => None,
                k => Some(
                    *Colour::ALL
                        .get(usize::from(k) - 1)
                        .ok_or_else(|| CodecError::Malformed(format!("colour code {k}")))?,
                ),
            };
            let claim = *Claim::ALL
                .get(usize::from(claims[i]))
                .ok_or_else(|| CodecError::Malformed(format!("claim code {}", claims[i])))?;
            let weight = c.varint()?;
            entries.push(Entry {
                source: Arc::new(Source {
                    lot,
                    household,
                    soum,
                    colour,
                    claim,
                }),
                weight,
            });
        }
        let flen = c.count()?;
        let findings: Vec<Finding> = serde_json::from_slice(c.take(flen)?)
            .map_err(|e| CodecError::Malformed(format!("findings: {e}")))?;
        if c.at != bytes.len() {
            return Err(CodecError::Malformed("trailing bytes".into()));
        }
        Composition::from_entries(entries, findings)
    }
}

/// The JSON form: `{"scale": "1000000000000000000", "sources": [{…source, "weight": "…"}],
/// "findings": […]}` (weights are decimal strings: they exceed what a JSON number keeps).
#[derive(Serialize, Deserialize)]
struct Wire {
    scale: String,
    sources: Vec<WireEntry>,
    #[serde(default)]
    findings: Vec<Finding>,
}

#[derive(Serialize, Deserialize)]
struct WireEntry {
    #[serde(flatten)]
    source: Source,
    weight: String,
}

impl Serialize for Composition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Wire {
            scale: SCALE.to_string(),
            sources: self
                .entries
                .iter()
                .map(|e| WireEntry {
                    source: (*e.source).clone(),
                    weight: e.weight.to_string(),
                })
                .collect(),
            findings: self.findings.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Composition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let w = Wire::deserialize(d)?;
        if w.scale != SCALE.to_string() {
            return Err(D::Error::custom(format!(
                "scale must be {SCALE}, not {}",
                w.scale
            )));
        }
        let entries = w
            .sources
            .into_iter()
            .map(|e| {
                let weight = e.weight.parse::<u128>().map_err(|_| {
                    D::Error::custom(format!("weight '{}' is not an integer", e.weight))
                })?;
                Ok(Entry {
                    source: Arc::new(e.source),
                    weight,
                })
            })
            .collect::<Result<Vec<_>, D::Error>>()?;
        Composition::from_entries(entries, w.findings).map_err(D::Error::custom)
    }
}
