//! A borrowed JSON tree with the semantics of Python's `json.loads`, which the reference uses:
//! key order kept, a repeated key keeps its first position and takes the last value, integers
//! keep all their digits, `NaN`/`Infinity`/`-Infinity` are accepted, a byte-order mark is not.
//!
//! Parsing borrows every string that has no escapes, so building the tree costs little more
//! than scanning the text.

use std::borrow::Cow;

use super::canon::py_float_repr;

/// A JSON value.
#[derive(Debug, Clone)]
pub(crate) enum J<'a> {
    Null,
    Bool(bool),
    /// An integer literal, as Python's `str(int)` prints it.
    Int(Cow<'a, str>),
    Float(f64),
    Str(Cow<'a, str>),
    Arr(Vec<J<'a>>),
    Obj(Vec<(Cow<'a, str>, J<'a>)>),
}

/// Python's `str()` of an integer refuses more digits than this (`sys.int_info`).
const MAX_INT_DIGITS: usize = 4300;
/// Nesting beyond this is refused (Python's recursion limit stops earlier).
const MAX_DEPTH: usize = 500;

impl<'a> J<'a> {
    pub(crate) fn get(&self, key: &str) -> Option<&J<'a>> {
        match self {
            J::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            J::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self, J::Null)
    }

    /// Python's truthiness.
    pub(crate) fn truthy(&self) -> bool {
        match self {
            J::Null => false,
            J::Bool(b) => *b,
            J::Int(s) => s.bytes().any(|b| (b'1'..=b'9').contains(&b)),
            J::Float(f) => *f != 0.0,
            J::Str(s) => !s.is_empty(),
            J::Arr(a) => !a.is_empty(),
            J::Obj(o) => !o.is_empty(),
        }
    }

    /// `str(value)` in Python for a scalar (empty for containers, which have no text).
    pub(crate) fn py_str(&self) -> Cow<'_, str> {
        match self {
            J::Null => Cow::Borrowed("None"),
            J::Bool(true) => Cow::Borrowed("True"),
            J::Bool(false) => Cow::Borrowed("False"),
            J::Int(s) => Cow::Borrowed(s),
            J::Float(f) => Cow::Owned(py_float_repr(*f)),
            J::Str(s) => Cow::Borrowed(s),
            J::Arr(_) | J::Obj(_) => Cow::Borrowed(""),
        }
    }

    /// A copy that owns all its strings.
    pub(crate) fn into_static(self) -> J<'static> {
        fn own(c: Cow<'_, str>) -> Cow<'static, str> {
            Cow::Owned(c.into_owned())
        }
        match self {
            J::Null => J::Null,
            J::Bool(b) => J::Bool(b),
            J::Int(s) => J::Int(own(s)),
            J::Float(f) => J::Float(f),
            J::Str(s) => J::Str(own(s)),
            J::Arr(a) => J::Arr(a.into_iter().map(J::into_static).collect()),
            J::Obj(o) => J::Obj(
                o.into_iter()
                    .map(|(k, v)| (own(k), v.into_static()))
                    .collect(),
            ),
        }
    }

    /// A borrowed view of a serde_json value.
    pub(crate) fn from_serde(v: &'a serde_json::Value) -> J<'a> {
        use serde_json::Value;
        match v {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => {
                if n.is_f64() {
                    J::Float(n.as_f64().unwrap_or(f64::NAN))
                } else {
                    J::Int(Cow::Owned(n.to_string()))
                }
            }
            Value::String(s) => J::Str(Cow::Borrowed(s)),
            Value::Array(a) => J::Arr(a.iter().map(J::from_serde).collect()),
            Value::Object(o) => J::Obj(
                o.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), J::from_serde(v)))
                    .collect(),
            ),
        }
    }
}

/// Python's `dict.__eq__`-like equality (objects compare regardless of key order), used to
/// compare term definitions.
impl PartialEq for J<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (J::Null, J::Null) => true,
            (J::Bool(a), J::Bool(b)) => a == b,
            (J::Int(a), J::Int(b)) => a == b,
            (J::Float(a), J::Float(b)) => a == b,
            (J::Int(a), J::Float(b)) | (J::Float(b), J::Int(a)) => {
                a.parse::<f64>().ok() == Some(*b)
            }
            (J::Str(a), J::Str(b)) => a == b,
            (J::Arr(a), J::Arr(b)) => a == b,
            (J::Obj(a), J::Obj(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v == v2))
            }
            _ => false,
        }
    }
}

/// Why the text is not JSON to Python.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub(crate) message: String,
    pub(crate) offset: usize,
}

/// Parses a document the way `json.loads` does.
pub(crate) fn parse(text: &str) -> Result<J<'_>, ParseError> {
    let mut p = Parser {
        s: text,
        b: text.as_bytes(),
        i: 0,
        depth: 0,
        entries: Vec::new(),
        items: Vec::new(),
    };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i != p.b.len() {
        return Err(p.err("extra data"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
    /// Scratch stacks for the entries of the objects and arrays being parsed: each finished
    /// container moves its part into a vector of the exact size.
    entries: Vec<(Cow<'a, str>, J<'a>)>,
    items: Vec<J<'a>>,
}

impl<'a> Parser<'a> {
    fn err(&self, message: &str) -> ParseError {
        ParseError {
            message: message.to_owned(),
            offset: self.i,
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> bool {
        if self.b[self.i..].starts_with(lit.as_bytes()) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Result<J<'a>, ParseError> {
        match self.b.get(self.i) {
            None => Err(self.err("expecting value")),
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => Ok(J::Str(self.string()?)),
            Some(b't') if self.eat("true") => Ok(J::Bool(true)),
            Some(b'f') if self.eat("false") => Ok(J::Bool(false)),
            Some(b'n') if self.eat("null") => Ok(J::Null),
            Some(b'N') if self.eat("NaN") => Ok(J::Float(f64::NAN)),
            Some(b'I') if self.eat("Infinity") => Ok(J::Float(f64::INFINITY)),
            Some(b'-') if self.eat("-Infinity") => Ok(J::Float(f64::NEG_INFINITY)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("expecting value")),
        }
    }

    fn nested(
        &mut self,
        f: fn(&mut Self) -> Result<J<'a>, ParseError>,
    ) -> Result<J<'a>, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn number(&mut self) -> Result<J<'a>, ParseError> {
        let start = self.i;
        if self.b[self.i] == b'-' {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                    self.i += 1;
                }
            }
            _ => {
                self.i = start;
                return Err(self.err("expecting value"));
            }
        }
        let int_end = self.i;
        let mut float = false;
        if self.b.get(self.i) == Some(&b'.')
            && self.b.get(self.i + 1).is_some_and(u8::is_ascii_digit)
        {
            float = true;
            self.i += 1;
            while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                self.i += 1;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            let mut j = self.i + 1;
            if matches!(self.b.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            if self.b.get(j).is_some_and(u8::is_ascii_digit) {
                float = true;
                while self.b.get(j).is_some_and(u8::is_ascii_digit) {
                    j += 1;
                }
                self.i = j;
            }
        }
        let lit = &self.s[start..self.i];
        if float {
            let f: f64 = lit.parse().map_err(|_| self.err("bad number"))?;
            return Ok(J::Float(f));
        }
        let digits = int_end - start - usize::from(lit.starts_with('-'));
        if digits > MAX_INT_DIGITS {
            return Err(self.err("integer too long"));
        }
        Ok(J::Int(Cow::Borrowed(if lit == "-0" { "0" } else { lit })))
    }

    fn string(&mut self) -> Result<Cow<'a, str>, ParseError> {
        self.i += 1;
        let start = self.i;
        // Fast path: no escapes.
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'"' => {
                    let s = &self.s[start..self.i];
                    self.i += 1;
                    return Ok(Cow::Borrowed(s));
                }
                b'\\' => break,
                0..=0x1f => return Err(self.err("invalid control character in string")),
                _ => self.i += 1,
            }
        }
        let mut out = String::from(&self.s[start..self.i]);
        loop {
            let Some(&c) = self.b.get(self.i) else {
                return Err(self.err("unterminated string"));
            };
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(Cow::Owned(out));
                }
                b'\\' => {
                    let esc = *self
                        .b
                        .get(self.i + 1)
                        .ok_or_else(|| self.err("bad escape"))?;
                    self.i += 2;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let cp = if (0xD800..0xDC00).contains(&hi) {
                                if self.b.get(self.i) == Some(&b'\\')
                                    && self.b.get(self.i + 1) == Some(&b'u')
                                {
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        // Python keeps lone surrogates, which cannot be hashed.
                                        return Err(self.err("lone surrogate"));
                                    }
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    return Err(self.err("lone surrogate"));
                                }
                            } else if (0xDC00..0xE000).contains(&hi) {
                                return Err(self.err("lone surrogate"));
                            } else {
                                hi
                            };
                            out.push(char::from_u32(cp).ok_or_else(|| self.err("bad escape"))?);
                        }
                        _ => return Err(self.err("invalid escape")),
                    }
                }
                0..=0x1f => return Err(self.err("invalid control character in string")),
                _ => {
                    // Copy a run of ordinary bytes (always whole UTF-8 characters).
                    let run_start = self.i;
                    while let Some(&c) = self.b.get(self.i) {
                        if c == b'"' || c == b'\\' || c < 0x20 {
                            break;
                        }
                        self.i += 1;
                    }
                    out.push_str(&self.s[run_start..self.i]);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let h = self
            .s
            .get(self.i..self.i + 4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.err("bad \\u escape"))?;
        self.i += 4;
        u32::from_str_radix(h, 16).map_err(|_| self.err("bad \\u escape"))
    }

    fn array(&mut self) -> Result<J<'a>, ParseError> {
        self.i += 1;
        let start = self.items.len();
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(J::Arr(Vec::new()));
        }
        loop {
            self.ws();
            let v = self.value()?;
            self.items.push(v);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(J::Arr(self.items.drain(start..).collect()));
                }
                _ => return Err(self.err("expecting ',' delimiter")),
            }
        }
    }

    fn object(&mut self) -> Result<J<'a>, ParseError> {
        self.i += 1;
        let start = self.entries.len();
        let mut index: Option<ahash::AHashMap<Cow<'a, str>, usize>> = None;
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(J::Obj(Vec::new()));
        }
        loop {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return Err(self.err("expecting property name enclosed in double quotes"));
            }
            let key = self.string()?;
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return Err(self.err("expecting ':' delimiter"));
            }
            self.i += 1;
            self.ws();
            let value = self.value()?;
            // A repeated key keeps its first position and takes the new value, as in a dict.
            let existing = match &index {
                Some(ix) => ix.get(&key).copied(),
                None => self.entries[start..]
                    .iter()
                    .position(|(k, _)| *k == key)
                    .map(|p| start + p),
            };
            match existing {
                Some(pos) => self.entries[pos].1 = value,
                None => {
                    if let Some(ix) = &mut index {
                        ix.insert(key.clone(), self.entries.len());
                    }
                    self.entries.push((key, value));
                    if index.is_none() && self.entries.len() - start > 32 {
                        index = Some(
                            self.entries[start..]
                                .iter()
                                .enumerate()
                                .map(|(i, (k, _))| (k.clone(), start + i))
                                .collect(),
                        );
                    }
                }
            }
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(J::Obj(self.entries.drain(start..).collect()));
                }
                _ => return Err(self.err("expecting ',' delimiter")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_json_semantics() {
        let v = parse(r#"{"b": 1, "a": [true, null, 1.0, -0, 12345678901234567890123], "b": "x\u00e9\ud83d\ude00"}"#).unwrap();
        let J::Obj(o) = &v else { panic!() };
        assert_eq!(o.len(), 2);
        assert_eq!(o[0].0, "b");
        assert_eq!(o[0].1.as_str(), Some("xé😀"));
        let J::Arr(a) = &o[1].1 else { panic!() };
        let texts: Vec<String> = a.iter().map(|x| x.py_str().into_owned()).collect();
        assert_eq!(
            texts,
            ["True", "None", "1.0", "0", "12345678901234567890123"]
        );
        assert!(matches!(parse("[NaN, -Infinity]").unwrap(), J::Arr(_)));
        for bad in [
            "",
            "[1,]",
            "{\"a\" 1}",
            "01",
            "1.",
            "\"\\ud800\"",
            "\u{feff}{}",
            "[1] x",
            "\"a\nb\"",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert!(parse(&"[".repeat(10_000)).is_err());
    }
}
