//! The part of PyLD 3.3's JSON-LD 1.1 expansion the reference depends on.
//!
//! The reference expands the whole document only to collect every string of the expanded form
//! that starts with `https://ref.gs1.org/cbv` or `https://gs1.org/voc`, and to fail where PyLD
//! fails (a remote context other than the two bundled ones, a redefined protected term, an
//! invalid `@id`/`@type`, …). So this follows PyLD's algorithm — context processing with
//! protected, property-scoped and type-scoped contexts, IRI expansion, which keys are dropped,
//! value expansion, the validity checks — without building the expanded document: it records
//! those strings as it goes and keeps a summary of each expanded node object.
//!
//! Deliberately not covered, as no EPCIS document uses them: `@import`, `@nest`, `@reverse`,
//! `@included` and language/index/id/type maps (their values are expanded as plain values).

use ahash::{AHashMap as HashMap, AHashSet as HashSet};
use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::jv::J;

mod context;
mod iri;
mod node;
mod term_def;
#[cfg(test)]
mod tests;

use iri::{is_keyword, key_info};

/// The entries of a JSON object.
type Obj<'a> = [(Cow<'a, str>, J<'a>)];

/// Why PyLD would raise (the reference then prints nothing for the document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ExpandError {
    /// A remote context PyLD cannot load offline.
    RemoteContext(String),
    /// A JSON-LD error, by PyLD's error code.
    Invalid(&'static str),
}

type R<T> = Result<T, ExpandError>;

fn invalid<T>(code: &'static str) -> R<T> {
    Err(ExpandError::Invalid(code))
}

/// A term definition, compared like PyLD's mapping dicts (for protected-term redefinition).
#[derive(Debug, Clone, PartialEq)]
struct Term {
    /// `None`: the term is explicitly mapped to null.
    id: Option<String>,
    /// The id is a keyword or an absolute IRI (a key mapped to it is kept).
    usable: bool,
    reverse: bool,
    protected: bool,
    prefix: bool,
    has_colon: bool,
    typ: Option<String>,
    container: Option<Vec<String>>,
    /// A scoped context (`J::Null` for `@context: null`).
    context: Option<Rc<J<'static>>>,
    language: Option<Option<String>>,
    direction: Option<J<'static>>,
    nest: Option<String>,
    index: Option<String>,
}

#[derive(Debug, Clone)]
struct Ctx {
    uid: u64,
    terms: Rc<HashMap<String, Rc<Term>>>,
    vocab: Option<String>,
    /// `None`: no `@base` entry; `Some(None)`: `@base: null`.
    base: Option<Option<String>>,
    previous: Option<Rc<Ctx>>,
    /// Terms that alias `@type`.
    type_aliases: Rc<HashSet<String>>,
    /// Whether some term is protected (a `null` context then fails).
    has_protected: bool,
}

static NEXT_UID: AtomicU64 = AtomicU64::new(1);

fn uid() -> u64 {
    NEXT_UID.fetch_add(1, Ordering::Relaxed)
}

impl Ctx {
    fn initial() -> Ctx {
        Ctx {
            uid: uid(),
            terms: Rc::new(HashMap::new()),
            vocab: None,
            base: None,
            previous: None,
            type_aliases: Rc::new(HashSet::new()),
            has_protected: false,
        }
    }

    /// `_clone_active_context`: a child with its own identity.
    fn child(&self) -> Ctx {
        Ctx {
            uid: uid(),
            ..self.clone()
        }
    }

    fn term(&self, key: &str) -> Option<&Rc<Term>> {
        self.terms.get(key)
    }

    fn scoped(&self, key: &str) -> Option<Rc<J<'static>>> {
        self.term(key).and_then(|t| t.context.clone())
    }
}

type Processed = (Rc<J<'static>>, Rc<Ctx>);

thread_local! {
    /// The bundled standard contexts processed on the initial context, and their source JSON.
    static STANDARD: RefCell<HashMap<bool, Processed>> = RefCell::new(HashMap::new());
}

/// The strings of the expanded document starting with `https://ref.gs1.org/cbv` or
/// `https://gs1.org/voc`, or the error PyLD raises. `lenient`: remote contexts the reference
/// cannot load do not fail (see [`super::Options::lenient_contexts`]).
pub(crate) fn expanded_vocabulary_values(
    doc: &J<'_>,
    lenient: bool,
) -> Result<HashSet<String>, ExpandError> {
    let mut ex = Expander {
        lenient,
        copied_terms: 0,
        memo: None,
        cache: HashMap::new(),
        keepalive: Vec::new(),
        found: HashSet::new(),
        depth: 0,
    };
    let initial = Rc::new(Ctx::initial());
    ex.expand(&initial, None, doc, false, false, None)?;
    Ok(ex.found)
}

fn collectable(s: &str) -> bool {
    s.starts_with("https://ref.gs1.org/cbv") || s.starts_with("https://gs1.org/voc")
}

/// What the caller of `_expand` needs to know about an expanded value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `None` (dropped).
    Nothing,
    /// Anything else: an array, a value, list or node object, a raw scalar.
    Something,
}

/// The summary of the object `_expand_object` builds.
#[derive(Default)]
struct Rval<'k> {
    keys: Keys<'k>,
    /// The keys again, once there are many (so objects with thousands of keys stay linear).
    key_set: Option<HashSet<String>>,
    value: Option<ValueInfo>,
    /// `Some(None)`: `@type: null`.
    types: Option<Option<Vec<String>>>,
    language: bool,
    direction: bool,
    unexpanded_value_is_container: bool,
}

/// The distinct expanded keys of an object.
type Keys<'k> = Vec<Cow<'k, str>>;

#[derive(Clone, Copy)]
struct ValueInfo {
    null: bool,
    string: bool,
}

impl<'k> Rval<'k> {
    fn has(&self, k: &str) -> bool {
        match &self.key_set {
            Some(set) => set.contains(k),
            None => self.keys.iter().any(|x| x == k),
        }
    }
    fn add_key(&mut self, k: &'static str) {
        self.add(Cow::Borrowed(k));
    }
    fn add(&mut self, k: Cow<'k, str>) {
        if self.has(&k) {
            return;
        }
        if let Some(set) = &mut self.key_set {
            set.insert(k.to_string());
        } else if self.keys.len() >= 16 {
            let mut set: HashSet<String> = self.keys.iter().map(|x| x.to_string()).collect();
            set.insert(k.to_string());
            self.key_set = Some(set);
        }
        self.keys.push(k);
    }
}

/// What an active property expands to, as far as the expansion of its values cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ap {
    /// Not expandable (dropped).
    Dropped,
    Graph,
    Id,
    Type,
    Reverse,
    /// Another keyword.
    Keyword,
    /// An IRI (or a relative reference).
    Iri,
}

fn classify(ep: Option<&str>) -> Ap {
    match ep {
        None => Ap::Dropped,
        Some("@graph") => Ap::Graph,
        Some("@id") => Ap::Id,
        Some("@type") => Ap::Type,
        Some("@reverse") => Ap::Reverse,
        Some(k) if is_keyword(k) => Ap::Keyword,
        Some(_) => Ap::Iri,
    }
}

/// The last active property looked up: (context, key address and length) → its class and term.
/// Values of one key (array items) repeat the same lookup.
type ApMemo = ((u64, usize, usize), Ap, Option<Rc<Term>>);

struct Expander {
    lenient: bool,
    /// Term definitions copied so far by context processing; a document that makes PyLD copy
    /// millions of them (thousands of terms times thousands of embedded contexts) is refused.
    copied_terms: usize,
    memo: Option<ApMemo>,
    /// Processed contexts by (active context, local context address, override, propagate).
    cache: HashMap<(u64, usize, bool, bool), Rc<Ctx>>,
    /// Scoped contexts whose address is a cache key, kept alive so the address stays unique.
    keepalive: Vec<Rc<J<'static>>>,
    found: HashSet<String>,
    depth: usize,
}

/// Nesting beyond this is refused (PyLD would hit Python's recursion limit earlier).
const MAX_DEPTH: usize = 400;

fn arrayify<'v, 'a>(v: &'v J<'a>) -> &'v [J<'a>] {
    match v {
        J::Arr(a) => a,
        other => std::slice::from_ref(other),
    }
}

impl Expander {
    /// The class and term of an active property in a context (memoised for repeats).
    fn ap_info(&mut self, ctx: &Ctx, key: &str) -> (Ap, Option<Rc<Term>>) {
        let id = (ctx.uid, key.as_ptr() as usize, key.len());
        if let Some((k, ap, term)) = &self.memo
            && *k == id
        {
            return (*ap, term.clone());
        }
        let (ep, term, _) = key_info(ctx, key);
        let ap = classify(ep.as_deref());
        let term = term.cloned();
        self.memo = Some((id, ap, term.clone()));
        (ap, term)
    }

    fn note(&mut self, s: &str) {
        if collectable(s) && !self.found.contains(s) {
            self.found.insert(s.to_owned());
        }
    }

    /// Every string anywhere in a JSON literal (`@json` values are kept verbatim).
    fn note_all(&mut self, v: &J<'_>) {
        match v {
            J::Str(s) => self.note(s),
            J::Arr(a) => a.iter().for_each(|x| self.note_all(x)),
            J::Obj(o) => o.iter().for_each(|(_, x)| self.note_all(x)),
            _ => {}
        }
    }

    fn expand(
        &mut self,
        ctx: &Rc<Ctx>,
        active_property: Option<&str>,
        element: &J<'_>,
        inside_list: bool,
        inside_index: bool,
        type_scoped: Option<&Rc<Ctx>>,
    ) -> R<Kind> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return invalid("maximum recursion depth exceeded");
        }
        let r = match element {
            J::Null => Ok(Kind::Nothing),
            J::Arr(items) => {
                let inside_list = inside_list
                    || active_property
                        .and_then(|p| self.ap_info(ctx, p).1)
                        .and_then(|t| t.container.clone())
                        .is_some_and(|c| c.iter().any(|c| c == "@list"));
                let mut r = Ok(Kind::Something);
                for e in items {
                    if let Err(e) = self.expand(
                        ctx,
                        active_property,
                        e,
                        inside_list,
                        inside_index,
                        type_scoped,
                    ) {
                        r = Err(e);
                        break;
                    }
                }
                r
            }
            J::Obj(map) => self.expand_node(
                ctx,
                active_property,
                map,
                inside_list,
                inside_index,
                type_scoped,
            ),
            scalar => {
                let free = !inside_list
                    && match active_property {
                        None => true,
                        Some(p) => self.ap_info(ctx, p).0 == Ap::Graph,
                    };
                if free {
                    Ok(Kind::Nothing)
                } else {
                    self.expand_value(ctx, active_property, scalar)
                }
            }
        };
        self.depth -= 1;
        r
    }
}
