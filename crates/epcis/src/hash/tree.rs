//! The reference's "simple python object": `(name, text, children)` triples, plus the
//! `(type, value)` pairs it builds for bizTransaction, source and destination.

use std::borrow::Cow;
use std::cmp::Ordering;

/// A `(name, text, children)` triple.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Node<'a> {
    pub(crate) name: Cow<'a, str>,
    pub(crate) text: Cow<'a, str>,
    pub(crate) children: Vec<Item<'a>>,
}

/// A child: a triple, or a 2-tuple of items (the reference's bizTransaction/source/destination
/// representation: the `type` first, the value second).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item<'a> {
    Node(Node<'a>),
    Pair(Box<[Item<'a>; 2]>),
}

impl<'a> Node<'a> {
    pub(crate) fn new(name: impl Into<Cow<'a, str>>, text: impl Into<Cow<'a, str>>) -> Node<'a> {
        Node {
            name: name.into(),
            text: text.into(),
            children: Vec::new(),
        }
    }

    pub(crate) fn with_children(
        name: impl Into<Cow<'a, str>>,
        text: impl Into<Cow<'a, str>>,
        children: Vec<Item<'a>>,
    ) -> Node<'a> {
        Node {
            name: name.into(),
            text: text.into(),
            children,
        }
    }
}

impl<'a> Item<'a> {
    pub(crate) fn as_node(&self) -> Option<&Node<'a>> {
        match self {
            Item::Node(n) => Some(n),
            Item::Pair(_) => None,
        }
    }

    /// Python's `s in item` for a string `s`: membership, i.e. equality with one of the tuple's
    /// elements (a triple's name or text; a pair's elements are tuples, never strings).
    pub(crate) fn tuple_contains_str(&self, s: &str) -> bool {
        match self {
            Item::Node(n) => n.name == s || n.text == s,
            Item::Pair(_) => false,
        }
    }
}

/// Python's ordering of the tuples: element by element, strings by code point, lists
/// lexicographically. A triple against a pair would raise `TypeError` in Python on the first
/// element (str vs tuple); that never happens on inputs that get that far, so any consistent
/// order does.
pub(crate) fn cmp_items(a: &Item<'_>, b: &Item<'_>) -> Ordering {
    match (a, b) {
        (Item::Node(x), Item::Node(y)) => cmp_nodes(x, y),
        (Item::Pair(x), Item::Pair(y)) => {
            cmp_items(&x[0], &y[0]).then_with(|| cmp_items(&x[1], &y[1]))
        }
        (Item::Node(_), Item::Pair(_)) => Ordering::Less,
        (Item::Pair(_), Item::Node(_)) => Ordering::Greater,
    }
}

pub(crate) fn cmp_nodes(a: &Node<'_>, b: &Node<'_>) -> Ordering {
    a.name
        .cmp(&b.name)
        .then_with(|| a.text.cmp(&b.text))
        .then_with(|| cmp_lists(&a.children, &b.children))
}

fn cmp_lists(a: &[Item<'_>], b: &[Item<'_>]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        match cmp_items(x, y) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    a.len().cmp(&b.len())
}

/// `list.sort()` on children (stable, like Python's).
pub(crate) fn sort_items(items: &mut [Item<'_>]) {
    items.sort_by(cmp_items);
}
