//! A small namespace-resolved element tree read with quick-xml, guarded against hostile input:
//! no DTD internal subsets or external identifiers (so no entity expansion or XXE), no unknown
//! entities, bounded nesting. Errors carry the line and column.

use quick_xml::events::{BytesStart, Event as XmlEvent};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use crate::DecodeError;
use crate::error::Location;

/// Deepest element nesting accepted. EPCIS documents need about ten levels; user extensions
/// get the rest.
pub const MAX_DEPTH: usize = 100;

/// An attribute with its resolved namespace (`None`: unqualified).
#[derive(Debug, Clone)]
pub(crate) struct Attr {
    pub ns: Option<String>,
    pub prefix: Option<String>,
    pub local: String,
    pub value: String,
}

/// An element with its resolved namespace, attributes (namespace declarations excluded),
/// child elements and the character data before its first child element (as the reference
/// hash generator reads it; text after child elements is ignored).
#[derive(Debug, Clone)]
pub(crate) struct Element {
    pub ns: Option<String>,
    pub prefix: Option<String>,
    pub local: String,
    pub attrs: Vec<Attr>,
    pub children: Vec<Element>,
    pub text: String,
    /// Byte offset of the start tag, for error positions.
    pub pos: usize,
}

impl Element {
    /// Whether this is the unqualified element `name`.
    pub fn is(&self, name: &str) -> bool {
        self.ns.is_none() && self.local == name
    }

    /// Whether the element holds non-whitespace text.
    pub fn has_text(&self) -> bool {
        !self.text.trim().is_empty()
    }
}

/// A parsed document: the root element and every namespace declaration in document order
/// (`""` is the default namespace).
#[derive(Debug)]
pub(crate) struct Tree {
    pub root: Element,
    pub declarations: Vec<(String, String)>,
}

/// Line and column (1-based) of a byte offset.
pub(crate) fn line_col(bytes: &[u8], pos: usize) -> (usize, usize) {
    let before = &bytes[..pos.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let col = match before.iter().rposition(|b| *b == b'\n') {
        Some(nl) => before.len() - nl,
        None => before.len() + 1,
    };
    (line, col)
}

/// An error at a byte offset.
pub(crate) fn error_at(bytes: &[u8], pos: usize, message: impl Into<String>) -> DecodeError {
    let (line, column) = line_col(bytes, pos);
    DecodeError::new(message).at(Location {
        line: Some(line),
        column: Some(column),
        ..Location::default()
    })
}

fn utf8(bytes: &[u8]) -> Option<String> {
    std::str::from_utf8(bytes).ok().map(str::to_owned)
}

/// Reads the whole document into a tree.
pub(crate) fn parse(bytes: &[u8]) -> Result<Tree, DecodeError> {
    let mut reader = NsReader::from_reader(bytes);
    let mut stack: Vec<Element> = Vec::new();
    let mut declarations = Vec::new();
    let mut root = None;
    loop {
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let ev = reader.read_resolved_event();
        let (ns, ev) = match ev {
            Ok((res, ev)) => {
                let ns = match ev {
                    XmlEvent::Start(_) | XmlEvent::Empty(_) => namespace(bytes, pos, res)?,
                    _ => None,
                };
                (ns, ev)
            }
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(pos);
                return Err(error_at(bytes, at, format!("malformed XML: {e}")));
            }
        };
        match ev {
            XmlEvent::Start(_) | XmlEvent::Empty(_) if root.is_some() => {
                return Err(error_at(bytes, pos, "content after the root element"));
            }
            XmlEvent::Start(s) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error_at(
                        bytes,
                        pos,
                        format!("elements are nested too deeply (more than {MAX_DEPTH} levels)"),
                    ));
                }
                let el = start(&reader, bytes, pos, ns, &s, &mut declarations)?;
                stack.push(el);
            }
            XmlEvent::Empty(s) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error_at(bytes, pos, "elements are nested too deeply"));
                }
                let el = start(&reader, bytes, pos, ns, &s, &mut declarations)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            XmlEvent::End(_) => {
                let Some(el) = stack.pop() else {
                    return Err(error_at(bytes, pos, "unexpected end tag"));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            XmlEvent::Text(t) => {
                let text = t
                    .unescape()
                    .map_err(|e| error_at(bytes, pos, format!("bad character data: {e}")))?;
                match stack.last_mut() {
                    Some(el) if el.children.is_empty() => el.text.push_str(&text),
                    Some(_) => {}
                    None if text.trim().is_empty() => {}
                    None => return Err(error_at(bytes, pos, "text outside the root element")),
                }
            }
            XmlEvent::CData(c) => {
                let text =
                    utf8(&c).ok_or_else(|| error_at(bytes, pos, "CDATA section is not UTF-8"))?;
                if let Some(el) = stack.last_mut().filter(|el| el.children.is_empty()) {
                    el.text.push_str(&text);
                }
            }
            XmlEvent::DocType(d) => {
                let text = String::from_utf8_lossy(&d);
                if text.contains('[') || text.contains("SYSTEM") || text.contains("PUBLIC") {
                    return Err(error_at(
                        bytes,
                        pos,
                        "DTDs with internal subsets or external identifiers are not accepted (entity expansion, XXE)",
                    ));
                }
            }
            XmlEvent::Decl(d) => {
                if let Some(Ok(enc)) = d.encoding() {
                    let enc = String::from_utf8_lossy(&enc).to_ascii_lowercase();
                    if enc != "utf-8" && enc != "utf8" && enc != "us-ascii" && enc != "ascii" {
                        return Err(error_at(
                            bytes,
                            pos,
                            format!("only UTF-8 documents are accepted, not {enc}"),
                        ));
                    }
                }
            }
            XmlEvent::Comment(_) | XmlEvent::PI(_) => {}
            XmlEvent::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(error_at(
            bytes,
            bytes.len(),
            "the document ends inside an element",
        ));
    }
    let root = root.ok_or_else(|| error_at(bytes, 0, "the document has no root element"))?;
    Ok(Tree { root, declarations })
}

fn start(
    reader: &NsReader<&[u8]>,
    bytes: &[u8],
    pos: usize,
    ns: Option<String>,
    s: &BytesStart,
    declarations: &mut Vec<(String, String)>,
) -> Result<Element, DecodeError> {
    let bad_name = || error_at(bytes, pos, "element or attribute name is not UTF-8");
    let name = s.name();
    let local = utf8(name.local_name().as_ref()).ok_or_else(bad_name)?;
    let prefix = match name.prefix() {
        Some(p) => Some(utf8(p.as_ref()).ok_or_else(bad_name)?),
        None => None,
    };
    let mut attrs = Vec::new();
    for a in s.attributes() {
        let a = a.map_err(|e| error_at(bytes, pos, format!("malformed attribute: {e}")))?;
        let value = a
            .unescape_value()
            .map_err(|e| error_at(bytes, pos, format!("bad attribute value: {e}")))?
            .into_owned();
        let key = a.key;
        let raw = utf8(key.as_ref()).ok_or_else(bad_name)?;
        if raw == "xmlns" {
            declarations.push((String::new(), value));
            continue;
        }
        if let Some(p) = raw.strip_prefix("xmlns:") {
            declarations.push((p.to_owned(), value));
            continue;
        }
        let (ares, alocal) = reader.resolve_attribute(key);
        attrs.push(Attr {
            ns: namespace(bytes, pos, ares)?,
            prefix: key.prefix().and_then(|p| utf8(p.as_ref())),
            local: utf8(alocal.as_ref()).ok_or_else(bad_name)?,
            value,
        });
    }
    Ok(Element {
        ns,
        prefix,
        local,
        attrs,
        children: Vec::new(),
        text: String::new(),
        pos,
    })
}

fn namespace(bytes: &[u8], pos: usize, res: ResolveResult) -> Result<Option<String>, DecodeError> {
    match res {
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Bound(ns) => {
            Ok(Some(utf8(ns.as_ref()).ok_or_else(|| {
                error_at(bytes, pos, "namespace is not UTF-8")
            })?))
        }
        ResolveResult::Unknown(p) => Err(error_at(
            bytes,
            pos,
            format!(
                "undeclared namespace prefix '{}'",
                String::from_utf8_lossy(&p)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_namespaces_text_and_positions() {
        let t = parse(
            b"<a xmlns:x='urn:x'>\n <x:b k='v' x:j='w'>hi &amp; <!-- c --> there<c/>tail</x:b></a>",
        )
        .unwrap();
        let b = &t.root.children[0];
        assert_eq!(b.ns.as_deref(), Some("urn:x"));
        assert_eq!(b.text, "hi &  there");
        assert_eq!(b.attrs[1].ns.as_deref(), Some("urn:x"));
        assert_eq!(t.declarations, vec![("x".to_owned(), "urn:x".to_owned())]);
        let err = parse(b"<a>\n  <b></c></a>").unwrap_err();
        assert_eq!(err.location.line, Some(2));
    }

    #[test]
    fn rejects_entities_and_deep_nesting() {
        let xxe = b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><a>&x;</a>";
        assert!(parse(xxe).unwrap_err().message.contains("DTD"));
        assert!(parse(b"<a>&x;</a>").is_err());
        assert!(parse(b"<!DOCTYPE project><a/>").is_ok());
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(
            parse(deep.as_bytes())
                .unwrap_err()
                .message
                .contains("deeply")
        );
        assert!(parse(b"<a xmlns:p='u'><q:b/></a>").is_err());
    }
}
