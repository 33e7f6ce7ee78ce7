//! JSON-LD documents to the reference's tree: `json_to_py.py` and
//! `json_xml_model_mismatch_correction.py`.

use ahash::AHashMap as HashMap;
use std::borrow::Cow;

use super::HashError;
use super::expand::{ExpandError, expanded_vocabulary_values};
use super::jv::J;
use super::replace::Replacer;
use super::tree::{Item, Node, sort_items};

/// One entry of the document's event list: the tree the reference hashes, or `None` when the
/// reference fails on this event before hashing it.
pub(crate) type EventTree<'a> = Option<Node<'a>>;

/// The events of a JSON-LD document as the reference sees them, handed to `f` one by one (so
/// each tree is hashed and dropped before the next is built). An error means the reference
/// fails on the whole document, whatever `f` was given before.
pub(crate) fn for_each_event<'a>(
    doc: &'a J<'a>,
    lenient: bool,
    mut f: impl FnMut(EventTree<'a>),
) -> Result<(), HashError> {
    let J::Obj(_) = doc else {
        return Err(HashError::Rejected(
            "the document is not a JSON object".into(),
        ));
    };
    let found = expanded_vocabulary_values(doc, lenient).map_err(|e| match e {
        ExpandError::RemoteContext(url) => HashError::RemoteContext(url),
        ExpandError::Invalid(code) => {
            HashError::Rejected(format!("JSON-LD expansion fails: {code}"))
        }
    })?;
    let replacer = Replacer::new(&found, doc);

    let mut ns = Namespaces::default();
    if let Some(J::Arr(items)) = doc.get("@context") {
        for c in items {
            match c {
                J::Str(s) => {
                    let s = replacer.apply(s);
                    ns.insert(s.to_string(), format!("{{{s}}}"));
                }
                J::Obj(o) => {
                    for (k, v) in o {
                        let J::Str(v) = v else {
                            return Err(HashError::Rejected(format!(
                                "the inline @context entry {k:?} is not a string"
                            )));
                        };
                        ns.insert(k.to_string(), format!("{{{}}}", replacer.apply(v)));
                    }
                }
                // The reference iterates the keys of anything else, which fails for these.
                _ => {
                    return Err(HashError::Rejected(
                        "an @context entry is neither a string nor an object".into(),
                    ));
                }
            }
        }
    }

    let body = match doc.get("epcisBody") {
        Some(b @ J::Obj(_)) => b,
        Some(_) => return Err(HashError::Rejected("epcisBody is not an object".into())),
        None => return Err(HashError::Rejected("the document has no epcisBody".into())),
    };
    let list: Vec<EventSource<'_, 'a>> = if let Some(l) = body.get("eventList") {
        event_list_items(l)?
    } else if let Some(e) = body.get("event") {
        vec![EventSource::Json(e)]
    } else if let Some(l) = body
        .get("queryResults")
        .and_then(|q| q.get("resultsBody"))
        .and_then(|r| r.get("eventList"))
    {
        // EPCISQueryDocument: 1.9.3 fails here (KeyError); later versions read the results.
        event_list_items(l)?
    } else {
        return Err(HashError::Rejected(
            "epcisBody has neither eventList nor event".into(),
        ));
    };

    let mut conv = Converter {
        replacer: &replacer,
        ns,
    };
    for event in list {
        f(match event {
            EventSource::Json(v) => conv.event(v)?,
            EventSource::Empty => Some(Node::new("", "")),
        });
    }
    Ok(())
}

/// Iterating the value of `eventList` the way Python would.
fn event_list_items<'v, 'a>(l: &'v J<'a>) -> Result<Vec<EventSource<'v, 'a>>, HashError> {
    match l {
        J::Arr(a) => Ok(a.iter().map(EventSource::Json).collect()),
        // Python iterates a dict's keys and a string's characters: each makes an event without
        // a name or fields, hashed as "eventType=".
        J::Obj(o) => Ok(o.iter().map(|_| EventSource::Empty).collect()),
        J::Str(s) => Ok(s.chars().map(|_| EventSource::Empty).collect()),
        _ => Err(HashError::Rejected("eventList is not iterable".into())),
    }
}

/// Something the reference iterates as an event.
enum EventSource<'v, 'a> {
    Json(&'v J<'a>),
    /// A string (dict key or character): an event with an empty name and no fields.
    Empty,
}

/// The prefix → `{namespace}` table (`_namespaces`), filled from the inline contexts and from
/// `@xmlns:` keys met on the way.
#[derive(Default)]
struct Namespaces(HashMap<String, String>);

impl Namespaces {
    fn insert(&mut self, prefix: String, braced: String) {
        self.0.insert(prefix, braced);
    }

    fn lookup<'t>(&self, text: &'t str) -> Option<(&String, &'t str)> {
        if self.0.is_empty() {
            return None;
        }
        let (p, rest) = text.split_once(':')?;
        self.0.get(p).map(|ns| (ns, rest))
    }

    /// `_namespace_replace(key)`: `prefix:local` → `{ns}local`.
    fn key<'t>(&self, text: Cow<'t, str>) -> Cow<'t, str> {
        match self.lookup(&text) {
            Some((ns, rest)) => {
                let mut s = String::with_capacity(ns.len() + rest.len());
                s.push_str(ns);
                s.push_str(rest);
                Cow::Owned(s)
            }
            None => text,
        }
    }

    /// `_namespace_replace(value, True)`: `prefix:local` → `nslocal` (braces removed).
    fn value<'t>(&self, text: Cow<'t, str>) -> Cow<'t, str> {
        match self.lookup(&text) {
            Some((ns, rest)) => {
                let mut s: String = ns.chars().filter(|c| *c != '{' && *c != '}').collect();
                s.push_str(rest);
                Cow::Owned(s)
            }
            None => text,
        }
    }
}

struct Converter<'r> {
    replacer: &'r Replacer,
    ns: Namespaces,
}

/// Keys `_json_to_py` skips.
const SKIPPED: [&str; 3] = ["#text", "rdfs:comment", "comment"];
/// Keys whose presence keeps an object's children in document order.
const UNSORTED: [&str; 3] = ["bizTransaction", "source", "destination"];

/// Whether a converted node's name is a string (JSON `type` values that are not strings become
/// names in the reference, and fail wherever a string is expected).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameState {
    Ok,
    /// This node's name is not a string.
    Bad,
    /// A list node whose items have non-string names.
    BadChildren,
}

fn bad_name() -> HashError {
    HashError::Rejected("a nested object's type is not a string".into())
}

impl Converter<'_> {
    fn event<'a>(&mut self, v: &'a J<'a>) -> Result<EventTree<'a>, HashError> {
        let (mut node, state) = self.convert(v)?;
        match state {
            NameState::Ok => {}
            // "eventType=" + a list raises TypeError: the reference drops the event.
            NameState::Bad => return Ok(None),
            NameState::BadChildren => return Err(bad_name()),
        }
        correct(&mut node)?;
        Ok(Some(node))
    }

    /// A string value after the bare-string replacement.
    fn replaced<'a>(&self, s: &'a Cow<'a, str>) -> Cow<'a, str> {
        self.replacer.apply(s)
    }

    /// `str(value)` of a JSON scalar, after the value namespace replacement.
    fn scalar_text<'a>(&self, v: &'a J<'a>) -> Cow<'a, str> {
        match v {
            J::Str(s) => self.ns.value(self.replaced(s)),
            other => other.py_str(),
        }
    }

    /// `_json_to_py`: a node, and the state of its name.
    fn convert<'a>(&mut self, v: &'a J<'a>) -> Result<(Node<'a>, NameState), HashError> {
        match v {
            J::Arr(items) => {
                let mut children = Vec::with_capacity(items.len());
                let mut bad = false;
                for item in items {
                    let (n, state) = self.convert(item)?;
                    match state {
                        NameState::Ok => {}
                        NameState::Bad => bad = true,
                        // A nested list's items keep their non-string names, on which the
                        // structure correction calls `.endswith`.
                        NameState::BadChildren => return Err(bad_name()),
                    }
                    children.push(Item::Node(n));
                }
                if bad && items.len() > 1 {
                    // Sorting compares a non-string name with another name.
                    return Err(bad_name());
                }
                // `k in list` is list membership: a list holding the string "source" stays
                // unsorted.
                let keep = items.iter().any(|i| match i {
                    J::Str(s) => UNSORTED.contains(&self.replaced(s).as_ref()),
                    _ => false,
                });
                if !keep {
                    sort_items(&mut children);
                }
                let state = if bad {
                    NameState::BadChildren
                } else {
                    NameState::Ok
                };
                Ok((Node::with_children("", "", children), state))
            }
            J::Obj(map) => self.object_to_py(map),
            scalar => Ok((Node::new("", self.scalar_text(scalar)), NameState::Ok)),
        }
    }

    fn object_to_py<'a>(
        &mut self,
        map: &'a [(Cow<'a, str>, J<'a>)],
    ) -> Result<(Node<'a>, NameState), HashError> {
        let get = |k: &str| map.iter().find(|(x, _)| x == k).map(|(_, v)| v);
        let mut state = NameState::Ok;
        let mut name: Cow<'a, str> = Cow::Borrowed("");
        if let Some(t) = get("type") {
            match t {
                J::Str(s) => name = self.replaced(s),
                _ => state = NameState::Bad,
            }
        }
        let mut text: Cow<'a, str> = Cow::Borrowed("");
        if let Some(t) = get("#text") {
            match t {
                J::Str(s) => text = self.replaced(s),
                // Sorting or `.strip()` of a non-string text fails.
                _ => return Err(HashError::Rejected("#text is not a string".into())),
            }
        }
        let mut children: Vec<Item<'a>> = Vec::with_capacity(map.len());
        for (key, val) in map {
            if SKIPPED.contains(&key.as_ref()) {
                continue;
            }
            if let Some(prefix) = key.strip_prefix("@xmlns") {
                let J::Str(uri) = val else {
                    return Err(HashError::Rejected(format!("{key} is not a string")));
                };
                let prefix: String = prefix.chars().skip(1).collect();
                let uri = self.replaced(uri);
                self.ns.insert(prefix, format!("{{{uri}}}"));
                if state == NameState::Ok {
                    name = Cow::Owned(self.ns.key(name).into_owned());
                }
                continue;
            }
            // The child's own name (from its "type") is replaced by the key, so its state
            // does not matter here.
            let (child, _) = self.convert(val)?;
            let key = self.ns.key(Cow::Borrowed(key.as_ref()));
            if let J::Arr(_) = val {
                for el in child.children {
                    if let Item::Node(el) = el {
                        children.push(Item::Node(Node::with_children(
                            key.clone(),
                            el.text,
                            el.children,
                        )));
                    }
                }
            } else {
                children.push(Item::Node(Node::with_children(
                    key,
                    child.text,
                    child.children,
                )));
            }
        }
        let keep = UNSORTED.iter().any(|k| get(k).is_some());
        if !keep {
            sort_items(&mut children);
        }
        Ok((Node::with_children(name, text, children), state))
    }
}

/// `deep_structure_correction`: `xxxList` arrays become a `xxxList` node of `xxx` children
/// (bizTransaction/source/destination items become `(type, value)` pairs of their first two
/// fields), `childEPCs` entries become `epc`, and the XML names are restored.
fn correct(node: &mut Node<'_>) -> Result<(), HashError> {
    let regroup = node
        .children
        .iter()
        .any(|c| matches!(c, Item::Node(n) if n.name.ends_with("List") || n.name == "childEPCs"));
    if regroup {
        let children = std::mem::take(&mut node.children);
        let mut rest: Vec<Item<'_>> = Vec::with_capacity(children.len());
        let mut lists: Vec<(Cow<'_, str>, Vec<Item<'_>>)> = Vec::new();
        let mut child_epcs: Vec<Item<'_>> = Vec::new();
        let mut list_index: Option<HashMap<String, usize>> = None;
        for c in children {
            match c {
                Item::Node(n) if n.name.ends_with("List") => {
                    let element = match &n.name {
                        Cow::Borrowed(b) => Cow::Borrowed(&b[..b.len() - 4]),
                        Cow::Owned(o) => Cow::Owned(o[..o.len() - 4].to_owned()),
                    };
                    let entry = Item::Node(Node::with_children(element, n.text, n.children));
                    let at = match &list_index {
                        Some(ix) => ix.get(n.name.as_ref()).copied(),
                        None => lists.iter().position(|(l, _)| *l == n.name),
                    };
                    match at {
                        Some(i) => lists[i].1.push(entry),
                        None => {
                            if let Some(ix) = &mut list_index {
                                ix.insert(n.name.to_string(), lists.len());
                            }
                            lists.push((n.name, vec![entry]));
                            if list_index.is_none() && lists.len() > 16 {
                                list_index = Some(
                                    lists
                                        .iter()
                                        .enumerate()
                                        .map(|(i, (l, _))| (l.to_string(), i))
                                        .collect(),
                                );
                            }
                        }
                    }
                }
                Item::Node(n) if n.name == "childEPCs" => {
                    // Each entry's children are dropped; the entries gather after the lists.
                    child_epcs.push(Item::Node(Node::new("epc", n.text)));
                }
                other => rest.push(other),
            }
        }
        for (list_name, mut elements) in lists {
            if is_party_list(&list_name) {
                for e in elements.iter_mut() {
                    let Item::Node(n) = e else { continue };
                    let mut it = std::mem::take(&mut n.children).into_iter();
                    let (Some(a), Some(b)) = (it.next(), it.next()) else {
                        return Err(HashError::Rejected(format!(
                            "an entry of {list_name} has fewer than two fields"
                        )));
                    };
                    *e = Item::Pair(Box::new([a, b]));
                }
            }
            rest.push(Item::Node(Node::with_children(list_name, "", elements)));
        }
        if !child_epcs.is_empty() {
            rest.push(Item::Node(Node::with_children("childEPCs", "", child_epcs)));
        }
        node.children = rest;
    }
    for c in node.children.iter_mut() {
        if let Item::Node(n) = c
            && !(regroup && is_party_list(&n.name))
        {
            correct(n)?;
        }
    }
    let rename = match node.name.as_ref() {
        "inputEPC" | "outputEPC" => Some("epc"),
        "inputQuantity" | "outputQuantity" | "childQuantity" => Some("quantityElement"),
        "quantity" if !node.children.is_empty() => Some("quantityElement"),
        _ => None,
    };
    if let Some(r) = rename {
        node.name = Cow::Borrowed(r);
    }
    Ok(())
}

/// The lists whose entries become `(type, value)` pairs and are not corrected further.
fn is_party_list(name: &str) -> bool {
    matches!(
        name,
        "sourceList" | "destinationList" | "bizTransactionList"
    )
}
