//! XML documents to the reference's tree: `xml_to_py.py` (ElementTree semantics: Clark names,
//! attributes as children, text before the first child, comments skipped).

use ahash::AHashSet as HashSet;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::HashError;
use super::canon::py_strip;
use super::tree::{Item, Node, sort_items};

/// One entry of the reference's event list and whether it is an element of the event list (not
/// one of the list element's attributes, which the reference hashes as events too).
pub(crate) struct XmlEvent {
    pub(crate) is_element: bool,
    pub(crate) tree: Option<Node<'static>>,
}

/// An element as ElementTree holds it.
struct Elem {
    tag: String,
    attrs: Vec<(String, String)>,
    text: String,
    seen_child: bool,
    children: Vec<Elem>,
}

/// Documents nested deeper than this are refused.
const MAX_DEPTH: usize = 512;
/// Elements with more attributes (namespace declarations included) are refused: no EPCIS
/// document comes near, and name resolution is linear in the declarations.
const MAX_ATTRIBUTES: usize = 1024;

fn reject(msg: impl Into<String>) -> HashError {
    HashError::Rejected(msg.into())
}

/// The events of an XML document as the reference sees them.
pub(crate) fn events(bytes: &[u8]) -> Result<Vec<XmlEvent>, HashError> {
    let text = std::str::from_utf8(bytes).map_err(|e| reject(format!("not UTF-8: {e}")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The reference removes these wrappers textually before parsing.
    let text = text
        .replace("<extension>", "")
        .replace("</extension>", "")
        .replace("<baseExtension>", "")
        .replace("</baseExtension>", "");
    let root = parse(&text)?;

    // `root.find("*EventList")`: the first grandchild named EventList (no namespace).
    let mut list = root
        .children
        .iter()
        .flat_map(|c| c.children.iter())
        .find(|g| g.tag == "EventList");
    if list.is_none() && local_name(&root.tag) == "EPCISQueryDocument" {
        // 1.9.3 finds nothing here; later versions read query results.
        list = find_descendant(&root, "EventList");
    }
    let Some(list) = list else {
        return Ok(Vec::new());
    };
    // An EventList without element children counts as not found.
    if list.children.is_empty() {
        return Ok(Vec::new());
    }

    let mut items: Vec<Item<'static>> = list
        .attrs
        .iter()
        .map(|(k, v)| Item::Node(Node::new(k.clone(), v.clone())))
        .collect();
    let n_attrs = items.len();
    for c in &list.children {
        items.push(Item::Node(to_py(c, 0)?));
    }
    let paired = pair_up(&mut items)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let is_element = !paired && i >= n_attrs;
        let tree = match expand_prefixes(item)? {
            Item::Node(n) => Some(n),
            // "eventType=" + a tuple raises TypeError: dropped.
            Item::Pair(_) => None,
        };
        out.push(XmlEvent { is_element, tree });
    }
    if paired {
        // The list's element children were replaced by pairs; report the elements as dropped.
        out.extend(list.children.iter().map(|_| XmlEvent {
            is_element: true,
            tree: None,
        }));
    }
    Ok(out)
}

fn local_name(clark: &str) -> &str {
    clark.rsplit_once('}').map_or(clark, |(_, l)| l)
}

fn find_descendant<'a>(e: &'a Elem, tag: &str) -> Option<&'a Elem> {
    for c in &e.children {
        if c.tag == tag {
            return Some(c);
        }
        if let Some(found) = find_descendant(c, tag) {
            return Some(found);
        }
    }
    None
}

/// `_xml_to_py` with `sort=True`.
fn to_py(e: &Elem, depth: usize) -> Result<Node<'static>, HashError> {
    if depth > MAX_DEPTH {
        return Err(reject("XML nested too deeply"));
    }
    let mut children: Vec<Item<'static>> = e
        .attrs
        .iter()
        .map(|(k, v)| Item::Node(Node::new(k.clone(), v.clone())))
        .collect();
    for c in &e.children {
        children.push(Item::Node(to_py(c, depth + 1)?));
    }
    sort_items(&mut children);
    pair_up(&mut children)?;
    Ok(Node::with_children(
        e.tag.clone(),
        py_strip(&e.text).to_owned(),
        children,
    ))
}

/// bizTransaction, source and destination children become (first child, (name, text, [])) pairs;
/// when there are any, they replace all the children. Returns whether that happened.
fn pair_up(children: &mut Vec<Item<'static>>) -> Result<bool, HashError> {
    let mut pairs = Vec::new();
    for c in children.iter() {
        if let Item::Node(n) = c
            && matches!(n.name.as_ref(), "bizTransaction" | "source" | "destination")
        {
            let Some(first) = n.children.first() else {
                return Err(reject(format!("<{}> without a type attribute", n.name)));
            };
            pairs.push(Item::Pair(Box::new([
                first.clone(),
                Item::Node(Node::new(n.name.clone(), n.text.clone())),
            ])));
        }
    }
    if pairs.is_empty() {
        return Ok(false);
    }
    *children = pairs;
    Ok(true)
}

/// `_expand_value_prefix`: `gs1:`/`cbv:` at the start of a text become the vocabulary IRIs
/// (every occurrence is replaced, as `str.replace` does). Inside pairs only the `type` is
/// touched, and only for `cbv:` (the `gs1:` result is overwritten by the second loop pass).
fn expand_prefixes(item: Item<'static>) -> Result<Item<'static>, HashError> {
    match item {
        Item::Pair(p) => {
            let [a, b] = *p;
            let is_type = |i: &Item<'_>| matches!(i, Item::Node(n) if n.name == "type");
            if !is_type(&a) && !is_type(&b) {
                return Err(reject(
                    "a bizTransaction/source/destination pair without a type",
                ));
            }
            let fix = |i: Item<'static>| match i {
                Item::Node(mut n) if n.name == "type" => {
                    if n.text.starts_with("cbv:") {
                        n.text = n.text.replace("cbv:", "https://ref.gs1.org/cbv/").into();
                    }
                    Item::Node(n)
                }
                other => other,
            };
            Ok(Item::Pair(Box::new([fix(a), fix(b)])))
        }
        Item::Node(mut n) => {
            if n.text.starts_with("gs1:") {
                n.text = n.text.replace("gs1:", "https://gs1.org/voc/").into();
            }
            if n.text.starts_with("cbv:") {
                n.text = n.text.replace("cbv:", "https://ref.gs1.org/cbv/").into();
            }
            let children = std::mem::take(&mut n.children);
            n.children = children
                .into_iter()
                .map(expand_prefixes)
                .collect::<Result<_, _>>()?;
            Ok(Item::Node(n))
        }
    }
}

/// expat's line-end normalisation.
fn normalise_newlines(s: &str) -> String {
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s.to_owned()
    }
}

fn clark(res: ResolveResult<'_>, local: &[u8], what: &str) -> Result<String, HashError> {
    let local = std::str::from_utf8(local).map_err(|_| reject(format!("{what} name not UTF-8")))?;
    match res {
        ResolveResult::Bound(ns) => {
            let ns = std::str::from_utf8(ns.0).map_err(|_| reject("namespace not UTF-8"))?;
            Ok(format!("{{{ns}}}{local}"))
        }
        ResolveResult::Unbound => Ok(local.to_owned()),
        ResolveResult::Unknown(p) => Err(reject(format!(
            "unbound prefix {}",
            String::from_utf8_lossy(&p)
        ))),
    }
}

fn start_elem(reader: &NsReader<&[u8]>, e: &BytesStart<'_>) -> Result<Elem, HashError> {
    let (res, local) = reader.resolve_element(e.name());
    let tag = clark(res, local.as_ref(), "element")?;
    let mut attrs: Vec<(String, String)> = Vec::new();
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    for (n, a) in e.attributes().with_checks(false).enumerate() {
        if n >= MAX_ATTRIBUTES {
            return Err(reject("too many attributes on one element"));
        }
        let a = a.map_err(|e| reject(format!("bad attribute: {e}")))?;
        let key = a.key;
        // expat refuses a repeated attribute (by its qualified name here).
        if !seen.insert(key.as_ref().to_vec()) {
            return Err(reject("duplicate attribute"));
        }
        if key.as_namespace_binding().is_some() {
            continue;
        }
        let (res, local) = reader.resolve_attribute(key);
        let name = clark(res, local.as_ref(), "attribute")?;
        let raw = std::str::from_utf8(&a.value).map_err(|_| reject("attribute not UTF-8"))?;
        // Attribute-value normalisation: literal whitespace becomes spaces, then references.
        let raw = normalise_newlines(raw).replace(['\t', '\n'], " ");
        let value = quick_xml::escape::unescape(&raw)
            .map_err(|e| reject(format!("bad attribute value: {e}")))?
            .into_owned();
        attrs.push((name, value));
    }
    Ok(Elem {
        tag,
        attrs,
        text: String::new(),
        seen_child: false,
        children: Vec::new(),
    })
}

fn parse(text: &str) -> Result<Elem, HashError> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Elem> = Vec::new();
    let mut root: Option<Elem> = None;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| reject(format!("XML not well-formed: {e}")))?;
        match ev {
            Event::Start(e) => {
                if root.is_some() {
                    return Err(reject("junk after document element"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(reject("XML nested too deeply"));
                }
                let el = start_elem(&reader, &e)?;
                if let Some(parent) = stack.last_mut() {
                    parent.seen_child = true;
                }
                stack.push(el);
            }
            Event::Empty(e) => {
                if root.is_some() {
                    return Err(reject("junk after document element"));
                }
                let el = start_elem(&reader, &e)?;
                match stack.last_mut() {
                    Some(parent) => {
                        parent.seen_child = true;
                        parent.children.push(el);
                    }
                    None => root = Some(el),
                }
            }
            Event::End(_) => {
                let Some(el) = stack.pop() else {
                    return Err(reject("unexpected end tag"));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                // Literal line ends are normalised before references are replaced, so `&#13;`
                // stays a carriage return, as in expat.
                let raw = std::str::from_utf8(t.as_ref()).map_err(|_| reject("text not UTF-8"))?;
                let raw = normalise_newlines(raw);
                let s = quick_xml::escape::unescape(&raw)
                    .map_err(|e| reject(format!("bad text: {e}")))?;
                match stack.last_mut() {
                    Some(el) if !el.seen_child => el.text.push_str(&s),
                    Some(_) => {}
                    None => {
                        if !s.trim().is_empty() {
                            return Err(reject("text outside the document element"));
                        }
                    }
                }
            }
            Event::CData(c) => {
                let s = std::str::from_utf8(&c).map_err(|_| reject("CDATA not UTF-8"))?;
                match stack.last_mut() {
                    Some(el) if !el.seen_child => el.text.push_str(&normalise_newlines(s)),
                    Some(_) => {}
                    None => return Err(reject("CDATA outside the document element")),
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(reject("unclosed element"));
    }
    root.ok_or_else(|| reject("no document element"))
}
