//! The bits of Python semantics the Digital Link normaliser port needs: `re`'s `\d` (any Unicode
//! decimal digit, Unicode 14 as in CPython 3.11), `int()` of such a digit, `$` (end of string or
//! just before a final `\n`), `.` (anything but `\n`), and `str` slicing by code point.
//!
//! The reference builds its keys from code-point offsets, so the port slices by code point too;
//! ASCII input (nearly all of it) takes a byte fast path.

/// First code point of each run of Unicode 14 decimal digits (`Nd`), each run holding the digits
/// 0–9 in order, consecutive runs sharing a boundary (the mathematical digits) listed as one.
/// Generated with CPython 3.11.7: `[c for c in range(0x110000) if re.match(r'\d', chr(c))]`.
const DIGIT_RANGES: [(u32, u32); 62] = [
    (0x30, 0x39),
    (0x660, 0x669),
    (0x6F0, 0x6F9),
    (0x7C0, 0x7C9),
    (0x966, 0x96F),
    (0x9E6, 0x9EF),
    (0xA66, 0xA6F),
    (0xAE6, 0xAEF),
    (0xB66, 0xB6F),
    (0xBE6, 0xBEF),
    (0xC66, 0xC6F),
    (0xCE6, 0xCEF),
    (0xD66, 0xD6F),
    (0xDE6, 0xDEF),
    (0xE50, 0xE59),
    (0xED0, 0xED9),
    (0xF20, 0xF29),
    (0x1040, 0x1049),
    (0x1090, 0x1099),
    (0x17E0, 0x17E9),
    (0x1810, 0x1819),
    (0x1946, 0x194F),
    (0x19D0, 0x19D9),
    (0x1A80, 0x1A89),
    (0x1A90, 0x1A99),
    (0x1B50, 0x1B59),
    (0x1BB0, 0x1BB9),
    (0x1C40, 0x1C49),
    (0x1C50, 0x1C59),
    (0xA620, 0xA629),
    (0xA8D0, 0xA8D9),
    (0xA900, 0xA909),
    (0xA9D0, 0xA9D9),
    (0xA9F0, 0xA9F9),
    (0xAA50, 0xAA59),
    (0xABF0, 0xABF9),
    (0xFF10, 0xFF19),
    (0x104A0, 0x104A9),
    (0x10D30, 0x10D39),
    (0x11066, 0x1106F),
    (0x110F0, 0x110F9),
    (0x11136, 0x1113F),
    (0x111D0, 0x111D9),
    (0x112F0, 0x112F9),
    (0x11450, 0x11459),
    (0x114D0, 0x114D9),
    (0x11650, 0x11659),
    (0x116C0, 0x116C9),
    (0x11730, 0x11739),
    (0x118E0, 0x118E9),
    (0x11950, 0x11959),
    (0x11C50, 0x11C59),
    (0x11D50, 0x11D59),
    (0x11DA0, 0x11DA9),
    (0x16A60, 0x16A69),
    (0x16AC0, 0x16AC9),
    (0x16B50, 0x16B59),
    (0x1D7CE, 0x1D7FF),
    (0x1E140, 0x1E149),
    (0x1E2F0, 0x1E2F9),
    (0x1E950, 0x1E959),
    (0x1FBF0, 0x1FBF9),
];

/// Python's `int(c)` for a character `re` matches with `\d`; `None` for any other character.
pub(crate) fn py_digit(c: char) -> Option<u32> {
    if c.is_ascii_digit() {
        return Some(c as u32 - 0x30);
    }
    if c.is_ascii() {
        return None;
    }
    let cp = c as u32;
    let i = DIGIT_RANGES.partition_point(|&(_, end)| end < cp);
    match DIGIT_RANGES.get(i) {
        Some(&(start, _)) if start <= cp => Some((cp - start) % 10),
        _ => None,
    }
}

/// `re`'s `\d` on a `str` pattern.
pub(crate) fn is_py_digit(c: char) -> bool {
    py_digit(c).is_some()
}

/// Byte offset of code point `i` of `s`, or `s.len()` past the end.
fn byte_at(s: &str, i: usize) -> usize {
    s.char_indices().nth(i).map_or(s.len(), |(b, _)| b)
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Python's `s[start:end]` with code-point indices, negative ones counting from the end.
pub(crate) fn py_slice(s: &str, start: isize, end: Option<isize>) -> &str {
    PyStr::new(s).slice(start, end)
}

/// A string with what Python's code-point indexing needs to know about it, computed once.
#[derive(Clone, Copy)]
pub(crate) struct PyStr<'a> {
    s: &'a str,
    ascii: bool,
}

impl<'a> PyStr<'a> {
    pub(crate) fn new(s: &'a str) -> Self {
        PyStr {
            s,
            ascii: s.is_ascii(),
        }
    }

    /// `len(s)` of a part of this string.
    pub(crate) fn len_of(&self, part: &str) -> usize {
        if self.ascii {
            part.len()
        } else {
            part.chars().count()
        }
    }

    fn byte_at(&self, i: usize) -> usize {
        if self.ascii {
            i.min(self.s.len())
        } else {
            byte_at(self.s, i)
        }
    }

    /// `s[start:end]`.
    pub(crate) fn slice(&self, start: isize, end: Option<isize>) -> &'a str {
        let n = if self.ascii {
            self.s.len()
        } else {
            char_len(self.s)
        } as isize;
        let norm = |i: isize| -> usize {
            let i = if i < 0 { i + n } else { i };
            i.clamp(0, n) as usize
        };
        let a = norm(start);
        let b = end.map_or(n as usize, norm);
        if a >= b {
            return "";
        }
        let (ba, bb) = (self.byte_at(a), self.byte_at(b));
        self.s.get(ba..bb).unwrap_or("")
    }

    /// `s.find(needle)`.
    pub(crate) fn find(&self, needle: &str) -> isize {
        let at = match needle.as_bytes() {
            [b] => self.s.bytes().position(|c| c == *b),
            _ => self.s.find(needle),
        };
        match at {
            None => -1,
            Some(b) if self.ascii => b as isize,
            Some(b) => self.s.get(..b).map_or(0, |p| p.chars().count()) as isize,
        }
    }
}

/// Python's `str.find`: the code-point index of the first occurrence, or -1.
pub(crate) fn py_find(s: &str, needle: &str) -> isize {
    PyStr::new(s).find(needle)
}

/// A cursor over a string that mirrors how an anchored `re.match` walks a simple, deterministic
/// pattern (no alternative ever needs backtracking in the patterns ported with it).
#[derive(Clone, Copy)]
pub(crate) struct Cur<'a> {
    rest: &'a str,
}

impl<'a> Cur<'a> {
    pub(crate) fn new(s: &'a str) -> Self {
        Cur { rest: s }
    }

    pub(crate) fn rest(&self) -> &'a str {
        self.rest
    }

    /// A literal.
    pub(crate) fn lit(&mut self, l: &str) -> bool {
        match self.rest.strip_prefix(l) {
            Some(r) => {
                self.rest = r;
                true
            }
            None => false,
        }
    }

    /// One character matching `f`.
    pub(crate) fn one(&mut self, f: impl Fn(char) -> bool) -> bool {
        if let Some(&b) = self.rest.as_bytes().first()
            && b.is_ascii()
        {
            let ok = f(char::from(b));
            if ok {
                self.rest = &self.rest[1..];
            }
            return ok;
        }
        let mut it = self.rest.chars();
        match it.next() {
            Some(c) if f(c) => {
                self.rest = it.as_str();
                true
            }
            _ => false,
        }
    }

    /// `.` (any character but a newline).
    pub(crate) fn any(&mut self) -> bool {
        self.one(|c| c != '\n')
    }

    /// Up to `max` ASCII digits, returning how many.
    fn ascii_digits(&mut self, max: usize) -> usize {
        let n = self
            .rest
            .bytes()
            .take(max)
            .take_while(u8::is_ascii_digit)
            .count();
        self.rest = &self.rest[n..];
        n
    }

    /// Exactly `n` `\d`.
    pub(crate) fn digits(&mut self, n: usize) -> bool {
        let ascii = self.ascii_digits(n);
        (ascii..n).all(|_| self.one(is_py_digit))
    }

    /// The longest run of `\d`, returning its length in code points.
    pub(crate) fn digit_run(&mut self) -> usize {
        let mut n = 0;
        loop {
            n += self.ascii_digits(usize::MAX);
            if !self.one(is_py_digit) {
                return n;
            }
            n += 1;
        }
    }

    /// Greedy `[class]{min,max}` of single characters; exact only where the next pattern element
    /// cannot start with a class character.
    pub(crate) fn class(&mut self, min: usize, max: usize, f: impl Fn(char) -> bool) -> bool {
        let mut n = 0;
        while n < max && self.one(&f) {
            n += 1;
        }
        n >= min
    }

    /// Greedy `(atom){min,max}` where an atom is `%` and two characters accepted by `pct`, or one
    /// character accepted by `single` (never `%`, so the split into atoms is unique).
    pub(crate) fn atoms(
        &mut self,
        min: usize,
        max: usize,
        single: impl Fn(u8) -> bool,
        pct: impl Fn(u8, u8) -> bool,
    ) -> bool {
        let mut n = 0;
        while n < max {
            let b = self.rest.as_bytes();
            match b.first() {
                Some(b'%') => match (b.get(1), b.get(2)) {
                    (Some(&h), Some(&l)) if pct(h, l) => self.rest = &self.rest[3..],
                    _ => break,
                },
                Some(&c) if single(c) => self.rest = &self.rest[1..],
                _ => break,
            }
            n += 1;
        }
        n >= min
    }

    /// `$`: the end of the string, or just before a final newline.
    pub(crate) fn end(&self) -> bool {
        self.rest.is_empty() || self.rest == "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_follow_python() {
        assert_eq!(py_digit('7'), Some(7));
        assert_eq!(py_digit('\u{663}'), Some(3));
        assert_eq!(py_digit('\u{1D7D8}'), Some(0));
        assert_eq!(py_digit('\u{1D7E1}'), Some(9));
        assert_eq!(py_digit('\u{1D7E2}'), Some(0));
        assert_eq!(py_digit('a'), None);
        assert_eq!(py_digit('\u{B2}'), None); // superscript two is not Nd
    }

    #[test]
    fn slices_like_python() {
        assert_eq!(py_slice("abcdef", 2, Some(4)), "cd");
        assert_eq!(py_slice("abcdef", -1, Some(-1)), "");
        assert_eq!(py_slice("abcdef", -1, None), "f");
        assert_eq!(py_slice("abcdef", 3, Some(-1)), "de");
        assert_eq!(py_slice("ab", 5, None), "");
        assert_eq!(py_slice("a\u{663}bc", 1, Some(3)), "\u{663}b");
        assert_eq!(py_find("a\u{663}bc", "b"), 2);
        assert_eq!(py_find("abc", "x"), -1);
    }
}
