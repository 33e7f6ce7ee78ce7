//! The pre-hash string of one event: `hash_generator.py`'s ordered pass over `PROP_ORDER`, then the
//! sorted remainder. Children consumed by the ordered pass are removed from the tree, exactly as
//! the reference mutates its lists, so what is left over lands in the remainder.

use super::canon::{Dropped, canonize, py_strip};
use super::time::fix_time;
use super::tree::{Item, Node};

/// What the reference does with the children of an element in the ordered pass.
enum Sub {
    /// No sub-order: children are left for the remainder.
    None,
    /// Children in this order.
    Order(&'static [Prop]),
    /// bizTransactionList, sourceList, destinationList: their sub-order is a pair of tuples that
    /// never equals a child's name, so nothing is consumed (user extensions are still gathered).
    NeverMatches,
}

struct Prop {
    name: &'static str,
    sub: Sub,
}

const fn leaf(name: &'static str) -> Prop {
    Prop {
        name,
        sub: Sub::None,
    }
}

const QUANTITY_ELEMENT: &[Prop] = &[Prop {
    name: "quantityElement",
    sub: Sub::Order(&[leaf("epcClass"), leaf("quantity"), leaf("uom")]),
}];
const EPC: &[Prop] = &[leaf("epc")];
const ID: &[Prop] = &[leaf("id")];

const SENSOR_METADATA: &[Prop] = &[
    leaf("time"),
    leaf("startTime"),
    leaf("endTime"),
    leaf("deviceID"),
    leaf("deviceMetadata"),
    leaf("rawData"),
    leaf("dataProcessingMethod"),
    leaf("bizRules"),
];

const SENSOR_REPORT: &[Prop] = &[
    leaf("type"),
    leaf("exception"),
    leaf("deviceID"),
    leaf("deviceMetadata"),
    leaf("rawData"),
    leaf("dataProcessingMethod"),
    leaf("time"),
    leaf("microorganism"),
    leaf("chemicalSubstance"),
    leaf("value"),
    leaf("component"),
    leaf("stringValue"),
    leaf("booleanValue"),
    leaf("hexBinaryValue"),
    leaf("uriValue"),
    leaf("minValue"),
    leaf("maxValue"),
    leaf("meanValue"),
    leaf("sDev"),
    leaf("percRank"),
    leaf("percValue"),
    leaf("uom"),
    leaf("coordinateReferenceSystem"),
];

/// `PROP_ORDER` of the reference's `__init__.py`.
const PROP_ORDER: &[Prop] = &[
    leaf("eventTime"),
    leaf("eventTimeZoneOffset"),
    leaf("certificationInfo"),
    leaf("parentID"),
    Prop {
        name: "epcList",
        sub: Sub::Order(EPC),
    },
    Prop {
        name: "inputEPCList",
        sub: Sub::Order(EPC),
    },
    Prop {
        name: "childEPCs",
        sub: Sub::Order(EPC),
    },
    Prop {
        name: "quantityList",
        sub: Sub::Order(QUANTITY_ELEMENT),
    },
    Prop {
        name: "childQuantityList",
        sub: Sub::Order(QUANTITY_ELEMENT),
    },
    Prop {
        name: "inputQuantityList",
        sub: Sub::Order(QUANTITY_ELEMENT),
    },
    Prop {
        name: "outputEPCList",
        sub: Sub::Order(EPC),
    },
    Prop {
        name: "outputQuantityList",
        sub: Sub::Order(QUANTITY_ELEMENT),
    },
    leaf("action"),
    leaf("transformationID"),
    leaf("bizStep"),
    leaf("disposition"),
    Prop {
        name: "persistentDisposition",
        sub: Sub::Order(&[leaf("set"), leaf("unset")]),
    },
    Prop {
        name: "readPoint",
        sub: Sub::Order(ID),
    },
    Prop {
        name: "bizLocation",
        sub: Sub::Order(ID),
    },
    Prop {
        name: "bizTransactionList",
        sub: Sub::NeverMatches,
    },
    Prop {
        name: "sourceList",
        sub: Sub::NeverMatches,
    },
    Prop {
        name: "destinationList",
        sub: Sub::NeverMatches,
    },
    Prop {
        name: "sensorElementList",
        sub: Sub::Order(&[Prop {
            name: "sensorElement",
            sub: Sub::Order(&[
                Prop {
                    name: "sensorMetadata",
                    sub: Sub::Order(SENSOR_METADATA),
                },
                Prop {
                    name: "sensorReport",
                    sub: Sub::Order(SENSOR_REPORT),
                },
            ]),
        }]),
    },
];

/// Top-level fields the reference leaves out of the hash.
const IGNORED: [&str; 4] = ["recordTime", "eventID", "type", "errorDeclaration"];

/// The pre-hash string of an event (name = event type), consuming the tree.
pub(crate) fn prehash_event(mut event: Node<'_>) -> Result<String, Dropped> {
    let mut out = String::with_capacity(1024);
    out.push_str("eventType=");
    out.push_str(&event.name);
    in_order(&mut event.children, PROP_ORDER, &mut out)?;
    event.children.retain(|c| {
        c.as_node()
            .is_none_or(|n| !IGNORED.contains(&n.name.as_ref()))
    });
    if !event.children.is_empty() {
        generic(&event.children, &mut out)?;
    }
    Ok(out)
}

/// `_recurse_through_children_in_order`, appending to `out`. Children whose own children are
/// all consumed leave the list (for the remainder pass).
fn in_order(children: &mut Vec<Item<'_>>, order: &[Prop], out: &mut String) -> Result<(), Dropped> {
    let extensions = gather_user_extensions(children);
    let mut consumed = Consumed::new(children.len());
    // (position in the order, position among the children) of every child the order names;
    // on the stack for the usual handful of children.
    let mut inline = [(0usize, 0usize); 24];
    let mut heap: Vec<(usize, usize)> = Vec::new();
    let mut n = 0;
    for (i, c) in children.iter().enumerate() {
        if let Item::Node(node) = c {
            let p = if std::ptr::eq(order, PROP_ORDER) {
                prop_order_index(&node.name)
            } else {
                order.iter().position(|p| p.name == node.name)
            };
            if let Some(p) = p {
                if n < inline.len() {
                    inline[n] = (p, i);
                } else {
                    if heap.is_empty() {
                        heap.extend_from_slice(&inline);
                    }
                    heap.push((p, i));
                }
                n += 1;
            }
        }
    }
    let slots: &mut [(usize, usize)] = if n <= inline.len() {
        &mut inline[..n]
    } else {
        &mut heap[..]
    };
    slots.sort_unstable();
    let mut k = 0;
    while k < slots.len() {
        let p = slots[k].0;
        let mut end = k + 1;
        while end < slots.len() && slots[end].0 == p {
            end += 1;
        }
        let prop = &order[p];
        let mut matches = slots[k..end].iter().map(|&(_, i)| i);
        k = end;
        let Some(first) = matches.next() else {
            continue;
        };
        match matches.next() {
            None => {
                // One element: written in place.
                if let Some(Item::Node(node)) = children.get_mut(first) {
                    write_child(node, prop, out)?;
                    if node.children.is_empty() {
                        consumed.set(first);
                    }
                }
            }
            Some(second) => {
                // Same-named siblings are sorted by their rendering.
                let rest: Vec<usize> = matches.collect();
                let mut values: Vec<String> = Vec::with_capacity(rest.len() + 2);
                for i in [first, second].into_iter().chain(rest) {
                    if let Some(Item::Node(node)) = children.get_mut(i) {
                        let mut s = String::new();
                        write_child(node, prop, &mut s)?;
                        if !s.is_empty() {
                            values.push(s);
                        }
                        if node.children.is_empty() {
                            consumed.set(i);
                        }
                    }
                }
                values.sort_unstable();
                for v in &values {
                    out.push_str(v);
                }
            }
        }
    }
    if consumed.any() {
        let mut i = 0;
        children.retain(|_| {
            i += 1;
            !consumed.get(i - 1)
        });
    }
    if !extensions.is_empty() {
        generic(&extensions, out)?;
    }
    Ok(())
}

/// The position of a name in [`PROP_ORDER`].
fn prop_order_index(name: &str) -> Option<usize> {
    Some(match name {
        "eventTime" => 0,
        "eventTimeZoneOffset" => 1,
        "certificationInfo" => 2,
        "parentID" => 3,
        "epcList" => 4,
        "inputEPCList" => 5,
        "childEPCs" => 6,
        "quantityList" => 7,
        "childQuantityList" => 8,
        "inputQuantityList" => 9,
        "outputEPCList" => 10,
        "outputQuantityList" => 11,
        "action" => 12,
        "transformationID" => 13,
        "bizStep" => 14,
        "disposition" => 15,
        "persistentDisposition" => 16,
        "readPoint" => 17,
        "bizLocation" => 18,
        "bizTransactionList" => 19,
        "sourceList" => 20,
        "destinationList" => 21,
        "sensorElementList" => 22,
        _ => return None,
    })
}

/// Which children the ordered pass emptied.
enum Consumed {
    Bits(u64),
    Many(Vec<bool>),
}

impl Consumed {
    fn new(n: usize) -> Consumed {
        if n <= 64 {
            Consumed::Bits(0)
        } else {
            Consumed::Many(vec![false; n])
        }
    }
    fn set(&mut self, i: usize) {
        match self {
            Consumed::Bits(b) => *b |= 1 << i,
            Consumed::Many(v) => {
                if let Some(x) = v.get_mut(i) {
                    *x = true;
                }
            }
        }
    }
    fn get(&self, i: usize) -> bool {
        match self {
            Consumed::Bits(b) => i < 64 && b & (1 << i) != 0,
            Consumed::Many(v) => v.get(i).copied().unwrap_or(false),
        }
    }
    fn any(&self) -> bool {
        match self {
            Consumed::Bits(b) => *b != 0,
            Consumed::Many(v) => v.iter().any(|x| *x),
        }
    }
}

/// `_child_to_pre_hash_string`, appended to `out`: the name, `=` and the canonical text if it
/// has one, then its children in their sub-order; nothing when both are empty.
fn write_child(node: &mut Node<'_>, prop: &Prop, out: &mut String) -> Result<(), Dropped> {
    let mark = out.len();
    out.push_str(&node.name);
    let after_name = out.len();
    if !node.text.is_empty() {
        let t = py_strip(&node.text);
        // Only eventTime, time, startTime and endTime reach here with "time" in the name (and
        // eventTimeZoneOffset, which the reference excludes by "offset").
        if matches!(prop.name, "eventTime" | "time" | "startTime" | "endTime") {
            let text = fix_time(t)?;
            if !text.is_empty() {
                out.push('=');
                out.push_str(&text);
            }
        } else {
            let text = canonize(t)?;
            if !text.is_empty() {
                out.push('=');
                out.push_str(&text);
            }
        }
    }
    match prop.sub {
        Sub::None => {}
        Sub::Order(sub) => in_order(&mut node.children, sub, out)?,
        Sub::NeverMatches => in_order(&mut node.children, &[], out)?,
    }
    if out.len() == after_name {
        out.truncate(mark);
    }
    Ok(())
}

/// `_gather_user_extensions`: children named like `{…/}local` are taken out, to be appended after
/// the container's standard fields, unless the level holds an `eventTime` or `action` (the event
/// level), judged by substring on names.
fn gather_user_extensions<'a>(children: &mut Vec<Item<'a>>) -> Vec<Item<'a>> {
    if children.len() <= 1 {
        return Vec::new();
    }
    let is_ext = |c: &Item<'_>| match c {
        Item::Node(n) => n.name.contains('{') && n.name.contains("/}"),
        Item::Pair(p) => p[0].tuple_contains_str("{") && p[0].tuple_contains_str("/}"),
    };
    if !children.iter().any(is_ext) {
        return Vec::new();
    }
    for c in children.iter() {
        let hit = match c {
            Item::Node(n) => n.name.contains("eventTime") || n.name.contains("action"),
            Item::Pair(p) => {
                p[0].tuple_contains_str("eventTime") || p[0].tuple_contains_str("action")
            }
        };
        if hit {
            return Vec::new();
        }
    }
    let (ext, rest): (Vec<Item<'a>>, Vec<Item<'a>>) =
        std::mem::take(children).into_iter().partition(is_ext);
    *children = rest;
    ext
}

/// `_generic_child_list_to_prehash_string`, appending to `out`.
fn generic(children: &[Item<'_>], out: &mut String) -> Result<(), Dropped> {
    if children.len() <= 1 || !should_sort(children) {
        for c in children {
            generic_item(c, out)?;
        }
        return Ok(());
    }
    // Render every child into one buffer, then append the pieces in sorted order.
    let mut buf = String::with_capacity(64 * children.len());
    let mut pieces: Vec<(usize, usize)> = Vec::with_capacity(children.len());
    for c in children {
        let start = buf.len();
        generic_item(c, &mut buf)?;
        pieces.push((start, buf.len()));
    }
    pieces.sort_unstable_by(|a, b| buf[a.0..a.1].cmp(&buf[b.0..b.1]));
    out.reserve(buf.len());
    for (a, b) in pieces {
        out.push_str(&buf[a..b]);
    }
    Ok(())
}

fn generic_item(item: &Item<'_>, out: &mut String) -> Result<(), Dropped> {
    match item {
        Item::Pair(p) => generic(&p[..], out),
        Item::Node(n) => {
            out.push_str(&n.name);
            let t = py_strip(&n.text);
            if !t.is_empty() {
                out.push('=');
                out.push_str(&canonize(t)?);
            }
            generic(&n.children, out)
        }
    }
}

/// `should_sort`: lists holding bizTransaction, source or destination keep their order.
fn should_sort(children: &[Item<'_>]) -> bool {
    !children.iter().any(|c| {
        c.as_node()
            .is_some_and(|n| matches!(n.name.as_ref(), "bizTransaction" | "source" | "destination"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prop_order_index_agrees_with_the_table() {
        for (i, p) in PROP_ORDER.iter().enumerate() {
            assert_eq!(prop_order_index(p.name), Some(i), "{}", p.name);
        }
        assert_eq!(prop_order_index("ilmd"), None);
    }
}
