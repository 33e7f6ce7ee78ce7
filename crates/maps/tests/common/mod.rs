//! A tiny XML well-formedness check for the tests: balanced tags, quoted attributes, escaped
//! text. Enough for the SVG this crate writes (no CDATA, comments or processing instructions).

#![allow(dead_code)]

pub fn check_xml(s: &str) -> Result<(), String> {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = s;
    let mut roots = 0;
    while !rest.is_empty() {
        match rest.find('<') {
            None => {
                check_text(rest)?;
                if !rest.trim().is_empty() && stack.is_empty() {
                    return Err("text outside the root".into());
                }
                break;
            }
            Some(i) => {
                check_text(&rest[..i])?;
                if !rest[..i].trim().is_empty() && stack.is_empty() {
                    return Err("text outside the root".into());
                }
                rest = &rest[i + 1..];
                let end = tag_end(rest).ok_or("unterminated tag")?;
                let tag = &rest[..end];
                rest = &rest[end + 1..];
                if let Some(name) = tag.strip_prefix('/') {
                    let open = stack.pop().ok_or_else(|| format!("stray </{name}>"))?;
                    if open != name.trim() {
                        return Err(format!("<{open}> closed by </{name}>"));
                    }
                } else {
                    let self_closing = tag.ends_with('/');
                    let body = tag.trim_end_matches('/');
                    let name_end = body.find(char::is_whitespace).unwrap_or(body.len());
                    let name = &body[..name_end];
                    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
                        return Err(format!("bad tag name {name:?}"));
                    }
                    check_attrs(&body[name_end..])?;
                    if stack.is_empty() {
                        roots += 1;
                    }
                    if !self_closing {
                        stack.push(name);
                    }
                }
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("<{open}> not closed"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(())
}

/// The index of the `>` ending a tag, skipping `>` inside quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn check_attrs(s: &str) -> Result<(), String> {
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let eq = rest
            .find('=')
            .ok_or_else(|| format!("attribute without value: {rest:?}"))?;
        let name = &rest[..eq];
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':')
        {
            return Err(format!("bad attribute name {name:?}"));
        }
        let after = &rest[eq + 1..];
        let q = after.chars().next().ok_or("missing attribute value")?;
        if q != '"' {
            return Err(format!("unquoted attribute {name}"));
        }
        let close = after[1..].find('"').ok_or("unterminated attribute")?;
        let value = &after[1..1 + close];
        if value.contains('<') {
            return Err(format!("'<' in attribute {name}"));
        }
        check_text(value)?;
        rest = after[close + 2..].trim_start();
    }
    Ok(())
}

fn check_text(s: &str) -> Result<(), String> {
    if s.contains('>') {
        return Err(format!("raw '>' in text {s:?}"));
    }
    if s.chars()
        .any(|c| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err("control character".into());
    }
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        rest = &rest[i + 1..];
        let end = rest.find(';').ok_or("bare &")?;
        let ent = &rest[..end];
        let ok = matches!(ent, "amp" | "lt" | "gt" | "quot" | "apos")
            || ent
                .strip_prefix('#')
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return Err(format!("bad entity &{ent};"));
        }
        rest = &rest[end + 1..];
    }
    Ok(())
}

#[test]
fn checker_catches_mistakes() {
    assert!(check_xml(r#"<svg a="1"><g><path d="x"/></g><text>a &amp; b</text></svg>"#).is_ok());
    assert!(check_xml("<svg><g></svg>").is_err());
    assert!(check_xml("<svg></g>").is_err());
    assert!(check_xml("<svg>a < b</svg>").is_err());
    assert!(check_xml("<svg>a & b</svg>").is_err());
    assert!(check_xml(r#"<svg a="x<y"/>"#).is_err());
    assert!(check_xml("<svg a=1/>").is_err());
    assert!(check_xml("<svg/><svg/>").is_err());
}
