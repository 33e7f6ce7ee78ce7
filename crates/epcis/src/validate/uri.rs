//! JSON Schema `format: uri`: an absolute RFC 3986 URI, checked byte by byte the way the
//! `jsonschema` crate's parser (fluent-uri) reads it, so verdicts agree on every input.

const fn table(chars: &[u8]) -> [bool; 128] {
    let mut t = [false; 128];
    let mut i = 0;
    while i < chars.len() {
        t[chars[i] as usize] = true;
        i += 1;
    }
    t
}

const fn or(a: [bool; 128], b: [bool; 128]) -> [bool; 128] {
    let mut t = a;
    let mut i = 0;
    while i < 128 {
        t[i] |= b[i];
        i += 1;
    }
    t
}

const ALPHA_DIGIT: [bool; 128] =
    table(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
const SCHEME: [bool; 128] = or(ALPHA_DIGIT, table(b"+-."));
const UNRESERVED: [bool; 128] = or(ALPHA_DIGIT, table(b"-._~"));
const SUB_DELIMS: [bool; 128] = table(b"!$&'()*+,;=");
const REG_NAME: [bool; 128] = or(UNRESERVED, SUB_DELIMS);
const USERINFO: [bool; 128] = or(REG_NAME, table(b":"));
const IPV_FUTURE: [bool; 128] = USERINFO;
const PCHAR: [bool; 128] = or(REG_NAME, table(b":@"));
const PATH: [bool; 128] = or(PCHAR, table(b"/"));
const QUERY: [bool; 128] = or(PCHAR, table(b"/?"));
const HEXDIG: [bool; 128] = table(b"0123456789ABCDEFabcdef");

fn hex_val(b: u8) -> Option<u16> {
    (b as char).to_digit(16).map(|d| d as u16)
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

/// A malformed percent-encoding or another hard error: the URI is invalid.
struct Bad;

enum V6Seg {
    Normal(bool),
    Ellipsis,
    MaybeV4(bool),
    SingleColon,
}

impl Reader<'_> {
    fn peek(&self, i: usize) -> Option<u8> {
        self.b.get(self.pos + i).copied()
    }

    fn has_remaining(&self) -> bool {
        self.pos < self.b.len()
    }

    fn read_str(&mut self, s: &[u8]) -> bool {
        if self.b[self.pos..].starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    /// Reads a run of bytes allowed by `t` (plus `%HH` when `pct`); true if any was read.
    fn read(&mut self, t: &[bool; 128], pct: bool) -> Result<bool, Bad> {
        let start = self.pos;
        let mut i = self.pos;
        while i < self.b.len() {
            let x = self.b[i];
            if pct && x == b'%' {
                match (self.b.get(i + 1), self.b.get(i + 2)) {
                    (Some(&h), Some(&l))
                        if h < 128 && l < 128 && HEXDIG[h as usize] && HEXDIG[l as usize] =>
                    {
                        i += 3
                    }
                    _ => return Err(Bad),
                }
            } else if x < 128 && t[x as usize] {
                i += 1;
            } else {
                break;
            }
        }
        self.pos = i;
        Ok(i > start)
    }

    fn peek_digit(&self, i: usize) -> Option<u32> {
        self.peek(i).and_then(|x| (x as char).to_digit(10))
    }

    fn read_v4_octet(&mut self) -> Option<u32> {
        let mut res = self.peek_digit(0)?;
        if res == 0 {
            self.pos += 1;
            return Some(0);
        }
        for i in 1..3 {
            let Some(x) = self.peek_digit(i) else {
                self.pos += i;
                return Some(res);
            };
            res = res * 10 + x;
        }
        self.pos += 3;
        (res <= 255).then_some(res)
    }

    fn read_v4(&mut self) -> Option<()> {
        self.read_v4_octet()?;
        for _ in 0..3 {
            if !self.read_str(b".") {
                return None;
            }
            self.read_v4_octet()?;
        }
        Some(())
    }

    fn read_v6_segment(&mut self) -> Option<V6Seg> {
        let colon = self.read_str(b":");
        let Some(first) = self.peek(0) else {
            return colon.then_some(V6Seg::SingleColon);
        };
        if hex_val(first).is_none() {
            if !colon {
                return None;
            }
            if first == b':' {
                self.pos += 1;
                return Some(V6Seg::Ellipsis);
            }
            return Some(V6Seg::SingleColon);
        }
        let mut i = 1;
        while i < 4 {
            let Some(b) = self.peek(i) else {
                self.pos += i;
                return None;
            };
            if hex_val(b).is_some() {
                i += 1;
            } else if b == b'.' {
                return Some(V6Seg::MaybeV4(colon));
            } else {
                break;
            }
        }
        self.pos += i;
        Some(V6Seg::Normal(colon))
    }

    fn read_v6(&mut self) -> Option<()> {
        let mut ellipsis_i = 8;
        let mut i = 0;
        while i < 8 {
            match self.read_v6_segment() {
                Some(V6Seg::Normal(colon)) => {
                    if colon == (i == 0 || i == ellipsis_i) {
                        return None;
                    }
                    i += 1;
                }
                Some(V6Seg::Ellipsis) => {
                    if ellipsis_i != 8 {
                        return None;
                    }
                    ellipsis_i = i;
                }
                Some(V6Seg::MaybeV4(colon)) => {
                    if i > 6 || colon == (i == ellipsis_i) {
                        return None;
                    }
                    self.read_v4()?;
                    i += 2;
                    break;
                }
                Some(V6Seg::SingleColon) => return None,
                None => break,
            }
        }
        if ellipsis_i == 8 {
            (i == 8).then_some(())
        } else {
            (i != 8).then_some(())
        }
    }

    fn read_ipv_future(&mut self) -> Result<(), Bad> {
        if let Some(b'v' | b'V') = self.peek(0) {
            self.pos += 1;
            if self.read(&HEXDIG, false)? && self.read_str(b".") && self.read(&IPV_FUTURE, false)? {
                return Ok(());
            }
        }
        Err(Bad)
    }

    fn read_ip_literal(&mut self) -> Result<bool, Bad> {
        if !self.read_str(b"[") {
            return Ok(false);
        }
        let start = self.pos;
        if self.read_v6().is_none() {
            if self.pos != start {
                return Err(Bad);
            }
            self.read_ipv_future()?;
        }
        if !self.read_str(b"]") {
            return Err(Bad);
        }
        Ok(true)
    }

    fn read_port(&mut self) {
        if self.read_str(b":") {
            while self.peek_digit(0).is_some() {
                self.pos += 1;
            }
        }
    }

    fn authority(&mut self) -> Result<(), Bad> {
        let auth_start = self.pos;
        let mut colons = 0;
        let mut colon_i = 0;
        // Userinfo, host and port share one character set: read it all, then split.
        let mut i = self.pos;
        while i < self.b.len() {
            let x = self.b[i];
            if x == b'%' {
                match (self.b.get(i + 1), self.b.get(i + 2)) {
                    (Some(&h), Some(&l))
                        if h < 128 && l < 128 && HEXDIG[h as usize] && HEXDIG[l as usize] =>
                    {
                        i += 3
                    }
                    _ => return Err(Bad),
                }
            } else if x < 128 && USERINFO[x as usize] {
                if x == b':' {
                    colons += 1;
                    colon_i = i;
                }
                i += 1;
            } else {
                break;
            }
        }
        self.pos = i;
        if self.peek(0) == Some(b'@') {
            self.pos += 1;
            if !self.read_ip_literal()? {
                // An IPv4 address reads as a registered name too.
                self.read(&REG_NAME, true)?;
            }
            self.read_port();
        } else if self.pos == auth_start {
            if self.read_ip_literal()? {
                self.read_port();
            }
        } else {
            match colons {
                0 => {}
                1 => {
                    if !self.b[colon_i + 1..self.pos].iter().all(u8::is_ascii_digit) {
                        return Err(Bad);
                    }
                }
                _ => return Err(Bad),
            }
        }
        let start = self.pos;
        if self.read(&PATH, true)? && self.b[start] != b'/' {
            return Err(Bad);
        }
        self.rest()
    }

    fn rest(&mut self) -> Result<(), Bad> {
        if self.read_str(b"?") {
            self.read(&QUERY, true)?;
        }
        if self.read_str(b"#") {
            self.read(&QUERY, true)?;
        }
        if self.has_remaining() {
            return Err(Bad);
        }
        Ok(())
    }
}

/// JSON Schema `format: uri`: an absolute RFC 3986 URI (scheme required, ASCII only).
pub(crate) fn is_uri(s: &str) -> bool {
    let mut r = Reader {
        b: s.as_bytes(),
        pos: 0,
    };
    let parsed = (|| {
        r.read(&SCHEME, false)?;
        if r.peek(0) != Some(b':') || r.pos == 0 || !r.b[0].is_ascii_alphabetic() {
            return Err(Bad);
        }
        r.pos += 1;
        if r.read_str(b"//") {
            return r.authority();
        }
        r.read(&PATH, true)?;
        r.rest()
    })();
    parsed.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        for ok in [
            "urn:epc:id:sgtin:0614141.107346.2017",
            "https://id.gs1.org/01/09524000059109/21/1",
            "ni:///sha-256;abc?ver=CBV2.0",
            "ext1:float",
            "http://[::1]:8080/x",
            "http://[v1.x]/",
            "http://user@host:80/p?q#f",
            "http://1.2.3.4/",
            "mailto:a@b",
            "a:",
            "http://h/%41",
            "file:///etc",
        ] {
            assert!(is_uri(ok), "{ok}");
        }
        for bad in [
            "",
            "foo",
            "1a:b",
            ":x",
            "http://h/ x",
            "http://h/%4",
            "http://h/%zz",
            "http://a:b:c/",
            "http://h:8x/",
            "http://[::1/",
            "http://[1::2::3]/",
            "é:x",
            "http://h/é",
            "a:b#c#d",
            "http://u@h:80x",
        ] {
            assert!(!is_uri(bad), "{bad}");
        }
    }
}
