//! The bare-string replacement of `json_to_py`: every string value `v` of the document becomes
//! the one expanded CBV/GS1 value `x` with `x.endswith("-" + v) or x.endswith("/" + v)`, when
//! exactly one does.
//!
//! The reference compares every value with every expanded value. Here the suffixes after each
//! `-` and `/` of the expanded values are indexed by a rolling hash, restricted to the lengths
//! the document's strings have, so a hostile document (a long value made of slashes, thousands
//! of expanded values) costs linear time and memory.

use std::borrow::Cow;

use ahash::{AHashMap as HashMap, AHashSet as HashSet};

use super::jv::J;

/// Modulus of the rolling hash (a Mersenne prime).
const P: u64 = (1 << 61) - 1;

fn mul(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    let lo = (r as u64) & P;
    let hi = (r >> 61) as u64;
    let s = lo + hi;
    if s >= P { s - P } else { s }
}

fn add(a: u64, b: u64) -> u64 {
    let s = a + b;
    if s >= P { s - P } else { s }
}

/// The lengths of the document's string values.
struct Lengths {
    small: Vec<bool>,
    large: HashSet<usize>,
}

const SMALL: usize = 4096;

impl Lengths {
    fn of(doc: &J<'_>) -> Lengths {
        let mut l = Lengths {
            small: vec![false; SMALL],
            large: HashSet::new(),
        };
        l.walk(doc);
        l
    }

    fn insert(&mut self, n: usize) {
        match self.small.get_mut(n) {
            Some(b) => *b = true,
            None => {
                self.large.insert(n);
            }
        }
    }

    fn walk(&mut self, v: &J<'_>) {
        match v {
            J::Str(s) => self.insert(s.len()),
            J::Arr(a) => a.iter().for_each(|x| self.walk(x)),
            J::Obj(o) => o.iter().for_each(|(_, x)| self.walk(x)),
            _ => {}
        }
    }

    fn contains(&self, n: usize) -> bool {
        match self.small.get(n) {
            Some(b) => *b,
            None => self.large.contains(&n),
        }
    }
}

/// Which expanded value a suffix belongs to.
#[derive(Clone, Copy)]
enum Owner {
    One(usize),
    Several,
}

pub(crate) struct Replacer {
    values: Vec<String>,
    base: u64,
    /// (hash, byte length) of each indexed suffix → its value.
    index: HashMap<(u64, usize), Owner>,
    /// The first bytes and the lengths of the indexed suffixes: a string starting otherwise, or
    /// of another length, cannot match.
    first_bytes: [bool; 256],
    lengths: Lengths,
}

impl Replacer {
    pub(crate) fn new(found: &HashSet<String>, doc: &J<'_>) -> Replacer {
        let lengths = Lengths::of(doc);
        let mut indexed = Lengths {
            small: vec![false; SMALL],
            large: HashSet::new(),
        };
        // A random base keeps collisions from being chosen by the document.
        let base = ahash::RandomState::new().hash_one(0x5eed_u64) % (P - 256) + 256;
        let mut values: Vec<String> = found.iter().cloned().collect();
        values.sort_unstable();
        let mut index: HashMap<(u64, usize), Owner> = HashMap::new();
        let mut first_bytes = [false; 256];
        for (vi, x) in values.iter().enumerate() {
            let b = x.as_bytes();
            // h = hash of b[i..], built from the right: h(i) = b[i] + base * h(i + 1).
            let mut h = 0u64;
            for i in (0..=b.len()).rev() {
                if i < b.len() {
                    h = add(u64::from(b[i]), mul(base, h));
                }
                let Some(sep) = i.checked_sub(1).map(|j| b[j]) else {
                    continue;
                };
                if sep != b'-' && sep != b'/' {
                    continue;
                }
                let len = b.len() - i;
                if !lengths.contains(len) {
                    continue;
                }
                index
                    .entry((h, len))
                    .and_modify(|o| {
                        if !matches!(o, Owner::One(w) if *w == vi) {
                            *o = Owner::Several;
                        }
                    })
                    .or_insert(Owner::One(vi));
                if let Some(f) = b.get(i) {
                    first_bytes[usize::from(*f)] = true;
                }
                indexed.insert(len);
            }
        }
        Replacer {
            values,
            base,
            index,
            first_bytes,
            lengths: indexed,
        }
    }

    /// `v`, or the expanded value it stands for.
    pub(crate) fn apply<'t>(&self, v: &'t str) -> Cow<'t, str> {
        if self.index.is_empty() {
            return Cow::Borrowed(v);
        }
        if let Some(b) = v.as_bytes().first()
            && !self.first_bytes[usize::from(*b)]
        {
            return Cow::Borrowed(v);
        }
        if !self.lengths.contains(v.len()) {
            return Cow::Borrowed(v);
        }
        let mut h = 0u64;
        for b in v.as_bytes().iter().rev() {
            h = add(u64::from(*b), mul(self.base, h));
        }
        match self.index.get(&(h, v.len())) {
            Some(Owner::One(i)) => {
                let x = &self.values[*i];
                let ok = x.len() > v.len()
                    && x.ends_with(v)
                    && matches!(x.as_bytes()[x.len() - v.len() - 1], b'-' | b'/');
                if ok {
                    Cow::Owned(x.clone())
                } else {
                    Cow::Borrowed(v)
                }
            }
            _ => Cow::Borrowed(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replacer(found: &[&str], doc_strings: &[&str]) -> Replacer {
        let found: HashSet<String> = found.iter().map(|s| s.to_string()).collect();
        let doc = J::Arr(
            doc_strings
                .iter()
                .map(|s| J::Str(Cow::Owned(s.to_string())))
                .collect(),
        );
        Replacer::new(&found, &doc)
    }

    #[test]
    fn unique_suffix_after_dash_or_slash() {
        let r = replacer(
            &[
                "https://ref.gs1.org/cbv/BizStep-receiving",
                "https://gs1.org/voc/x",
                "https://ref.gs1.org/cbv/Comp-x",
            ],
            &[
                "receiving",
                "BizStep-receiving",
                "x",
                "ceiving",
                "",
                "voc/x",
            ],
        );
        assert_eq!(
            r.apply("receiving"),
            "https://ref.gs1.org/cbv/BizStep-receiving"
        );
        assert_eq!(
            r.apply("BizStep-receiving"),
            "https://ref.gs1.org/cbv/BizStep-receiving"
        );
        assert_eq!(r.apply("x"), "x", "two values end in x");
        assert_eq!(r.apply("ceiving"), "ceiving", "not after a separator");
        assert_eq!(r.apply("voc/x"), "https://gs1.org/voc/x");
        assert_eq!(r.apply(""), "");
    }

    #[test]
    fn hostile_values_stay_linear() {
        let long = format!("https://gs1.org/voc/{}", "/".repeat(200_000));
        let r = replacer(&[&long], &[&long, "/", ""]);
        assert_eq!(r.apply("/"), long.as_str());
        assert_eq!(r.apply(""), long.as_str());
    }
}
