//! The XML text writer: indentation, escaping, and model compact names → XML qualified names.

use std::borrow::Cow;
use std::collections::BTreeMap;

use quick_xml::escape::escape;

use super::names::is_ncname;
use crate::model::prefixes::prefix_of;

/// Writes indented XML into a string.
pub(crate) struct XmlOut {
    buf: String,
    depth: usize,
    /// For each open element: whether it has child elements (its end tag then gets a line).
    had_child: Vec<bool>,
    /// Model prefix → (XML prefix, namespace).
    prefixes: BTreeMap<String, (String, String)>,
    /// Prefixes whose compact values are written as full IRIs (JSON-LD semantics of the
    /// document's inline context), while events are written.
    value_prefixes: BTreeMap<String, String>,
    pub expand_values: bool,
}

impl XmlOut {
    pub fn new(
        prefixes: BTreeMap<String, (String, String)>,
        value_prefixes: BTreeMap<String, String>,
    ) -> XmlOut {
        XmlOut {
            buf: String::with_capacity(4096),
            depth: 0,
            had_child: Vec::new(),
            prefixes,
            value_prefixes,
            expand_values: false,
        }
    }

    pub fn finish(self) -> String {
        self.buf
    }

    /// The namespace of a compact name's prefix.
    pub fn namespace_of(&self, key: &str) -> Option<String> {
        let p = prefix_of(key)?;
        self.prefixes.get(p).map(|(_, iri)| iri.clone())
    }

    /// The XML qualified name of a compact name.
    pub fn qname(&self, key: &str) -> String {
        if let Some((p, local)) = key.split_once(':')
            && let Some((xp, _)) = self.prefixes.get(p)
        {
            return format!("{xp}:{}", sanitize(local));
        }
        sanitize(key)
    }

    /// A string value as written in an event: a compact IRI whose prefix the document's
    /// JSON-LD context declares is written in full (that is what it means, and how the
    /// reference generator hashes it).
    pub fn value<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if self.expand_values
            && let Some((p, local)) = s.split_once(':')
            && let Some(iri) = self.value_prefixes.get(p)
        {
            return Cow::Owned(format!("{iri}{local}"));
        }
        Cow::Borrowed(s)
    }

    /// An attribute value as written in an event: like [`XmlOut::value`], and a value that
    /// starts with `gs1:`/`cbv:` gets a leading space (collapsed by the anyURI/string
    /// whitespace rules) so that the reference generator hashes it unexpanded, as JSON-LD does.
    pub fn attr_value<'a>(&self, s: &'a str) -> Cow<'a, str> {
        let v = self.value(s);
        if self.expand_values && (v.starts_with("gs1:") || v.starts_with("cbv:")) {
            return Cow::Owned(format!(" {v}"));
        }
        v
    }

    fn indent(&mut self) {
        if let Some(flag) = self.had_child.last_mut() {
            *flag = true;
        }
        self.newline();
    }

    fn newline(&mut self) {
        self.buf.push('\n');
        for _ in 0..self.depth {
            self.buf.push_str("  ");
        }
    }

    /// Starts `<name` (attributes may follow).
    pub fn open(&mut self, key: &str) {
        self.indent();
        self.buf.push('<');
        let q = self.qname(key);
        self.buf.push_str(&q);
    }

    /// Starts `<name` with a literal qualified name.
    pub fn open_raw(&mut self, qname: &str) {
        self.indent();
        self.buf.push('<');
        self.buf.push_str(qname);
    }

    /// Writes ` name="value"` (value escaped; the name is a compact name).
    pub fn attr(&mut self, key: &str, value: &str) {
        let q = self.qname(key);
        self.attr_raw(&q, value);
    }

    /// Writes ` qname="value"` with a literal name.
    pub fn attr_raw(&mut self, qname: &str, value: &str) {
        self.buf.push(' ');
        self.buf.push_str(qname);
        self.buf.push_str("=\"");
        self.buf.push_str(&escape(value));
        self.buf.push('"');
    }

    /// Ends a start tag that will have content.
    pub fn close_start(&mut self) {
        self.buf.push('>');
        self.depth += 1;
        self.had_child.push(false);
    }

    /// Ends an empty element.
    pub fn close_empty(&mut self) {
        self.buf.push_str("/>");
    }

    /// Text content of the current element.
    pub fn text(&mut self, text: &str) {
        self.buf.push_str(&escape(text));
    }

    /// `</name>` after content; on its own line when the element had child elements.
    pub fn end(&mut self, key: &str) {
        let q = self.qname(key);
        self.end_raw(&q);
    }

    pub fn end_raw(&mut self, qname: &str) {
        self.depth = self.depth.saturating_sub(1);
        if self.had_child.pop().unwrap_or(false) {
            self.newline();
        }
        self.buf.push_str("</");
        self.buf.push_str(qname);
        self.buf.push('>');
    }

    /// `<name>text</name>`, or `<name/>` for empty text.
    pub fn leaf(&mut self, key: &str, text: &str) {
        let q = self.qname(key);
        self.leaf_raw(&q, text);
    }

    pub fn leaf_raw(&mut self, qname: &str, text: &str) {
        self.indent();
        self.buf.push('<');
        self.buf.push_str(qname);
        if text.is_empty() {
            self.buf.push_str("/>");
            return;
        }
        self.buf.push('>');
        self.buf.push_str(&escape(text));
        self.buf.push_str("</");
        self.buf.push_str(qname);
        self.buf.push('>');
    }

    /// Writes raw markup (the XML declaration).
    pub fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
    }
}

/// Makes a local name a valid NCName (JSON member names can be anything; XML names cannot).
fn sanitize(local: &str) -> String {
    if is_ncname(local) {
        return local.to_owned();
    }
    let mut s: String = local
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !s.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        s.insert(0, '_');
    }
    s
}
