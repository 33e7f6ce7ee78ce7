//! Where a violation is (a JSON pointer built lazily) and the capped list violations go to.

use std::fmt::Write as _;

use crate::Violation;
use crate::error::Location;

/// The most violations one call reports; a document with more gets a closing note instead of
/// the rest, so a huge broken upload costs bounded time and memory.
pub const MAX_VIOLATIONS: usize = 100;

/// One step of a JSON pointer.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// A JSON pointer kept as a chain of borrowed steps on the stack: building one costs nothing,
/// and it is rendered to a string only when a violation is reported.
#[derive(Clone, Copy)]
pub(crate) struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Option<Seg<'a>>,
}

impl<'a> Path<'a> {
    pub(crate) const ROOT: Path<'static> = Path {
        parent: None,
        seg: None,
    };

    pub(crate) fn key(&'a self, key: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Some(Seg::Key(key)),
        }
    }

    pub(crate) fn index(&'a self, i: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Some(Seg::Index(i)),
        }
    }

    /// The RFC 6901 form: `/quantityList/0/uom`; `~` and `/` in keys are escaped.
    pub(crate) fn render(&self) -> String {
        let mut segs = Vec::new();
        let mut cur = Some(self);
        while let Some(p) = cur {
            if let Some(s) = p.seg {
                segs.push(s);
            }
            cur = p.parent;
        }
        let mut out = String::new();
        for s in segs.iter().rev() {
            out.push('/');
            match s {
                Seg::Key(k) => {
                    for c in k.chars() {
                        match c {
                            '~' => out.push_str("~0"),
                            '/' => out.push_str("~1"),
                            c => out.push(c),
                        }
                    }
                }
                Seg::Index(i) => {
                    let _ = write!(out, "{i}");
                }
            }
        }
        out
    }

    /// How messages name the field: `uom`, or `epcList[3]` for a list item.
    pub(crate) fn label(&self) -> String {
        match self.seg {
            Some(Seg::Key(k)) => k.to_owned(),
            Some(Seg::Index(i)) => match self.parent.and_then(|p| p.last_key()) {
                Some(k) => format!("{k}[{i}]"),
                None => format!("item {i}"),
            },
            None => "the document".to_owned(),
        }
    }

    /// The last key of the path, for messages that name the field (`uom`, `bizStep`).
    pub(crate) fn last_key(&self) -> Option<&'a str> {
        let mut cur = Some(self);
        while let Some(p) = cur {
            if let Some(Seg::Key(k)) = p.seg {
                return Some(k);
            }
            cur = p.parent;
        }
        None
    }
}

/// Collects violations for one call, tagging each with the event being checked.
pub(crate) struct Report<'d> {
    out: Vec<Violation>,
    limit: usize,
    truncated: bool,
    event_index: Option<usize>,
    event_id: Option<&'d str>,
}

impl<'d> Report<'d> {
    pub(crate) fn new(limit: usize) -> Report<'d> {
        Report {
            out: Vec::new(),
            limit,
            truncated: false,
            event_index: None,
            event_id: None,
        }
    }

    /// Following violations belong to this event (or to the document when `index` is None).
    pub(crate) fn set_event(&mut self, index: Option<usize>, event_id: Option<&'d str>) {
        self.event_index = index;
        self.event_id = event_id;
    }

    pub(crate) fn is_full(&self) -> bool {
        self.truncated
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    pub(crate) fn add(&mut self, path: &Path<'_>, message: impl Into<String>) {
        if self.truncated {
            return;
        }
        if self.out.len() >= self.limit {
            self.truncated = true;
            self.out.push(Violation {
                location: Location::default(),
                message: format!(
                    "more violations were found; only the first {} are listed",
                    self.limit
                ),
            });
            return;
        }
        let field = path.render();
        self.out.push(Violation {
            location: Location {
                event_index: self.event_index,
                event_id: self.event_id.map(str::to_owned),
                field: (!field.is_empty()).then_some(field),
                line: None,
                column: None,
            },
            message: message.into(),
        });
    }

    pub(crate) fn into_vec(self) -> Vec<Violation> {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_render_and_escape() {
        let root = Path::ROOT;
        let a = root.key("quantityList");
        let b = a.index(3);
        let c = b.key("uom");
        assert_eq!(c.render(), "/quantityList/3/uom");
        assert_eq!(c.last_key(), Some("uom"));
        assert_eq!(b.last_key(), Some("quantityList"));
        assert_eq!(b.label(), "quantityList[3]");
        assert_eq!(c.label(), "uom");
        let d = root.key("ilmd");
        let e = d.key("https://ex.com/a~b");
        assert_eq!(e.render(), "/ilmd/https:~1~1ex.com~1a~0b");
        assert_eq!(root.render(), "");
    }

    #[test]
    fn report_caps_and_tags() {
        let mut r = Report::new(2);
        r.set_event(Some(4), Some("urn:uuid:1"));
        let p = Path::ROOT;
        for _ in 0..5 {
            r.add(&p.key("x"), "bad");
        }
        assert!(r.is_full());
        let v = r.into_vec();
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].location.event_index, Some(4));
        assert_eq!(v[0].location.event_id.as_deref(), Some("urn:uuid:1"));
        assert_eq!(v[0].location.field.as_deref(), Some("/x"));
        assert!(v[2].message.contains("only the first 2"));
    }
}
