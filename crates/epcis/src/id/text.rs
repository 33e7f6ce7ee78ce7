//! Character sets of GS1 data (GS1 General Specifications §7.11) and their escaping in EPC URNs
//! (TDS §5) and Digital Link URIs.

/// GS1 AI encodable character set 82: `!"%&'()*+,-./0-9:;<=>?A-Z_a-z`.
pub(crate) fn is_cset82(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c)
}

/// GS1 AI encodable character set 39: `#-/0-9A-Z`.
pub(crate) fn is_cset39(c: char) -> bool {
    c.is_ascii_digit() || c.is_ascii_uppercase() || "#-/".contains(c)
}

fn push_pct(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(char::from(HEX[usize::from(b >> 4)]));
    out.push(char::from(HEX[usize::from(b & 15)]));
}

/// Escapes a value for an EPC URN component: `"%&/<>?` as `%XX` (TDS Table 5-1), and for CPI
/// references `#` as `%23`.
pub(crate) fn urn_escape(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '"' | '%' | '&' | '/' | '<' | '>' | '?' | '#' => push_pct(out, c as u8),
            _ => out.push(c),
        }
    }
}

/// Escapes a value for a Digital Link path segment. Letters, digits and `'-.;=_` stay as they
/// are; everything else is percent-encoded, which is what the reference normaliser produces from
/// an EPC URN.
pub(crate) fn dl_escape(out: &mut String, value: &str) {
    let mut buf = [0u8; 4];
    for c in value.chars() {
        if c.is_ascii_alphanumeric() || "'-.;=_".contains(c) {
            out.push(c);
        } else {
            for &b in c.encode_utf8(&mut buf).as_bytes() {
                push_pct(out, b);
            }
        }
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes. `None` on a malformed escape or when the bytes are not UTF-8.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_owned());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let h = hex(*b.get(i + 1)?)?;
            let l = hex(*b.get(i + 2)?)?;
            out.push(h << 4 | l);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Decodes an EPC URN component: raw characters must be TDS `GS3A3` characters
/// (`A-Za-z0-9!'()*+,-.:;=_`), escapes must decode to GS1 character set 82 or `#` (which CPI
/// references take). `Err` names the offending character or escape.
pub(crate) fn urn_unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let v = match (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            ) {
                (Some(h), Some(l)) => h << 4 | l,
                _ => return Err(format!("malformed escape at {:?}", &s[i..])),
            };
            let ch = char::from(v);
            if !is_cset82(ch) && ch != '#' {
                return Err(format!("escape %{:02X} is not a GS1 character", v));
            }
            out.push(ch);
            i += 3;
        } else if c.is_ascii_alphanumeric() || b"!'()*+,-.:;=_".contains(&c) {
            out.push(char::from(c));
            i += 1;
        } else {
            let ch = s[i..].chars().next().unwrap_or('?');
            return Err(format!(
                "character {ch:?} must be escaped or is not allowed"
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip() {
        let mut u = String::new();
        urn_escape(&mut u, "A/B%C\"<>?&x");
        assert_eq!(u, "A%2FB%25C%22%3C%3E%3F%26x");
        assert_eq!(urn_unescape(&u).as_deref(), Ok("A/B%C\"<>?&x"));
        let mut d = String::new();
        dl_escape(&mut d, "A(1)!*+,:;'=/");
        assert_eq!(d, "A%281%29%21%2A%2B%2C%3A;'=%2F");
        assert_eq!(percent_decode(&d).as_deref(), Some("A(1)!*+,:;'=/"));
        assert!(percent_decode("%4").is_none());
        assert!(percent_decode("%FF").is_none());
        assert!(urn_unescape("a b").is_err());
        assert!(urn_unescape("%20").is_err());
    }
}
