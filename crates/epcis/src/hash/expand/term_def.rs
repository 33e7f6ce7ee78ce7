//! `_create_term_definition`: defining the terms of one local context object, dependencies
//! first, as the reference processor does.

use std::borrow::Cow;
use std::rc::Rc;

use ahash::AHashMap as HashMap;

use super::iri::{expand_iri_tail, is_absolute_iri, is_keyword, looks_like_keyword};
use super::{Ctx, Obj, R, Term, arrayify, invalid};
use crate::hash::jv::J;

/// Term definition during the processing of one local context object.
pub(super) struct Definer<'c, 'a> {
    pub(super) local: &'c Obj<'a>,
    /// The local context's keys, once there are many.
    pub(super) index: Option<HashMap<&'c str, usize>>,
    pub(super) defined: HashMap<String, bool>,
    pub(super) protected_default: bool,
    pub(super) override_protected: bool,
}

impl<'c, 'a> Definer<'c, 'a> {
    fn local_get(&self, k: &str) -> Option<&'c J<'a>> {
        match &self.index {
            Some(ix) => ix.get(k).map(|&i| &self.local[i].1),
            None => self.local.iter().find(|(x, _)| x == k).map(|(_, v)| v),
        }
    }

    fn local_has(&self, k: &str) -> bool {
        self.local_get(k).is_some()
    }

    /// `_expand_iri` with the local context (defines dependencies first).
    fn expand_iri(&mut self, ctx: &mut Ctx, value: &str, vocab: bool) -> R<Option<String>> {
        if is_keyword(value) {
            return Ok(Some(value.to_owned()));
        }
        if looks_like_keyword(value) {
            return Ok(None);
        }
        if self.local_has(value) && self.defined.get(value) != Some(&true) {
            self.create(ctx, value)?;
        }
        if vocab && let Some(t) = ctx.term(value) {
            return Ok(t.id.clone());
        }
        if let Some(colon) = value.find(':')
            && colon > 0
        {
            let prefix = &value[..colon];
            let suffix = &value[colon + 1..];
            if !(prefix == "_" || suffix.starts_with("//"))
                && self.local_has(prefix)
                && self.defined.get(prefix) != Some(&true)
            {
                self.create(ctx, prefix)?;
            }
        }
        Ok(expand_iri_tail(ctx, value, false, vocab).map(Cow::into_owned))
    }

    /// `_create_term_definition`.
    pub(super) fn create(&mut self, ctx: &mut Ctx, term: &str) -> R<()> {
        match self.defined.get(term) {
            Some(true) => return Ok(()),
            Some(false) => return invalid("cyclic IRI mapping"),
            None => {}
        }
        self.defined.insert(term.to_owned(), false);
        let Some(raw) = self.local_get(term) else {
            return Ok(());
        };
        if term == "@type"
            && let J::Obj(o) = raw
            && raw
                .get("@container")
                .is_none_or(|c| c.as_str() == Some("@set"))
        {
            if o.is_empty()
                || o.iter()
                    .any(|(k, _)| !matches!(k.as_ref(), "@container" | "@id" | "@protected"))
            {
                return invalid("keyword redefinition");
            }
        } else if is_keyword(term) {
            return invalid("keyword redefinition");
        } else if looks_like_keyword(term) {
            return Ok(());
        } else if term.is_empty() {
            return invalid("invalid term definition");
        }
        let previous = Rc::make_mut(&mut ctx.terms).remove(term);

        let simple = matches!(raw, J::Str(_) | J::Null);
        let owned;
        let value: &Obj<'_> = match raw {
            J::Obj(o) => o,
            J::Str(_) | J::Null => {
                owned = vec![(Cow::Borrowed("@id"), raw.clone())];
                &owned
            }
            _ => return invalid("invalid term definition"),
        };
        let get = |k: &str| value.iter().find(|(x, _)| x == k).map(|(_, v)| v);
        const VALID: [&str; 11] = [
            "@container",
            "@id",
            "@language",
            "@reverse",
            "@type",
            "@context",
            "@direction",
            "@index",
            "@nest",
            "@prefix",
            "@protected",
        ];
        if value.iter().any(|(k, _)| !VALID.contains(&k.as_ref())) {
            return invalid("invalid term definition");
        }
        let colon = term.find(':').filter(|&c| c > 0);
        let mut m = Term {
            id: None,
            usable: false,
            reverse: false,
            protected: false,
            prefix: false,
            has_colon: colon.is_some(),
            typ: None,
            container: None,
            context: None,
            language: None,
            direction: None,
            nest: None,
            index: None,
        };
        let mut id_set = false;
        let restore = |ctx: &mut Ctx, previous: Option<Rc<Term>>| {
            if let Some(p) = previous {
                Rc::make_mut(&mut ctx.terms).insert(term.to_owned(), p);
            }
        };
        if let Some(rev) = get("@reverse") {
            if get("@id").is_some() || get("@nest").is_some() {
                return invalid("invalid reverse property");
            }
            let J::Str(rev) = rev else {
                return invalid("invalid IRI mapping");
            };
            if looks_like_keyword(rev) {
                restore(ctx, previous);
                return Ok(());
            }
            match self.expand_iri(ctx, rev, true)? {
                Some(id) if is_absolute_iri(&id) => m.id = Some(id),
                _ => return invalid("invalid IRI mapping"),
            }
            m.reverse = true;
            id_set = true;
        } else if let Some(idv) = get("@id") {
            match idv {
                J::Null => id_set = true,
                J::Str(id) => {
                    if !is_keyword(id) && looks_like_keyword(id) {
                        restore(ctx, previous);
                        return Ok(());
                    }
                    if id != term {
                        let Some(expanded) = self.expand_iri(ctx, id, true)? else {
                            return invalid("invalid IRI mapping");
                        };
                        if !is_absolute_iri(&expanded) && !is_keyword(&expanded) {
                            return invalid("invalid IRI mapping");
                        }
                        if term_looks_like_iri(term) {
                            self.defined.insert(term.to_owned(), true);
                            let term_iri = self.expand_iri(ctx, term, true)?;
                            self.defined.insert(term.to_owned(), false);
                            if term_iri.as_deref() != Some(expanded.as_str()) {
                                return invalid("invalid IRI mapping");
                            }
                        }
                        m.prefix = simple
                            && colon.is_none()
                            && (expanded.starts_with("_:")
                                || expanded.ends_with([':', '/', '?', '#', '[', ']', '@']));
                        m.id = Some(expanded);
                        id_set = true;
                    }
                }
                _ => return invalid("invalid IRI mapping"),
            }
        }
        if !id_set {
            if let Some(c) = colon {
                let prefix = &term[..c];
                if self.local_has(prefix) {
                    self.create(ctx, prefix)?;
                }
                match ctx.term(prefix) {
                    Some(p) => match &p.id {
                        Some(pid) => m.id = Some(format!("{pid}{}", &term[c + 1..])),
                        None => return invalid("invalid IRI mapping"),
                    },
                    None => m.id = Some(term.to_owned()),
                }
            } else if term == "@type" {
                m.id = Some("@type".into());
            } else {
                let Some(v) = &ctx.vocab else {
                    return invalid("invalid IRI mapping");
                };
                m.id = Some(format!("{v}{term}"));
            }
        }
        let own_protected = get("@protected");
        if own_protected.is_some_and(J::truthy)
            || (self.protected_default && own_protected.is_none_or(J::truthy))
        {
            m.protected = true;
        }
        if let Some(t) = get("@type") {
            let J::Str(t) = t else {
                return invalid("invalid type mapping");
            };
            let t = if matches!(t.as_ref(), "@json" | "@none" | "@id" | "@vocab") {
                t.to_string()
            } else {
                match self.expand_iri(ctx, t, true)? {
                    Some(e) if is_absolute_iri(&e) && !e.starts_with("_:") => e,
                    _ => return invalid("invalid type mapping"),
                }
            };
            m.typ = Some(t);
        }
        if let Some(c) = get("@container") {
            let mut container = Vec::new();
            for v in arrayify(c) {
                match v.as_str() {
                    Some(s) => container.push(s.to_owned()),
                    None => return invalid("invalid container mapping"),
                }
            }
            let has = |k: &str| container.iter().any(|c| c == k);
            let has_set = has("@set");
            let mut ok = true;
            if has("@list") {
                if container.len() != 1 {
                    return invalid("invalid container mapping");
                }
            } else if has("@graph") {
                if container
                    .iter()
                    .any(|k| !matches!(k.as_str(), "@graph" | "@id" | "@index" | "@set"))
                {
                    return invalid("invalid container mapping");
                }
            } else {
                ok = container.len() <= if has_set { 2 } else { 1 };
            }
            if has("@type") {
                if m.typ.is_none() {
                    m.typ = Some("@id".into());
                }
                if !matches!(m.typ.as_deref(), Some("@id") | Some("@vocab")) {
                    return invalid("invalid type mapping");
                }
            }
            ok =
                ok && container.iter().all(|k| {
                    matches!(
                        k.as_str(),
                        "@list" | "@set" | "@index" | "@language" | "@graph" | "@id" | "@type"
                    )
                }) && !(has_set && has("@list"));
            if !ok {
                return invalid("invalid container mapping");
            }
            if m.reverse && container.iter().any(|k| k != "@index" && k != "@set") {
                return invalid("invalid reverse property");
            }
            m.container = Some(container);
        }
        if let Some(ix) = get("@index") {
            if !m
                .container
                .as_ref()
                .is_some_and(|c| c.iter().any(|k| k == "@index"))
            {
                return invalid("invalid term definition");
            }
            match ix.as_str() {
                Some(s) if !s.starts_with('@') => m.index = Some(s.to_owned()),
                _ => return invalid("invalid term definition"),
            }
        }
        if let Some(c) = get("@context") {
            m.context = Some(Rc::new(c.clone().into_static()));
        }
        if let Some(l) = get("@language")
            && get("@type").is_none()
        {
            match l {
                J::Null => m.language = Some(None),
                J::Str(s) => m.language = Some(Some(s.to_lowercase())),
                _ => return invalid("invalid language mapping"),
            }
        }
        if let Some(p) = get("@prefix") {
            if term.contains(':') || term.contains('/') {
                return invalid("invalid term definition");
            }
            if m.id.as_deref().is_some_and(is_keyword) {
                return invalid("invalid term definition");
            }
            let J::Bool(p) = p else {
                return invalid("invalid @prefix value");
            };
            m.prefix = *p;
        }
        if let Some(d) = get("@direction") {
            if d.truthy() && !matches!(d.as_str(), Some("ltr") | Some("rtl")) {
                return invalid("invalid base direction");
            }
            m.direction = Some(d.clone().into_static());
        }
        if let Some(n) = get("@nest") {
            match n.as_str() {
                Some(s) if s == "@nest" || !s.starts_with('@') => m.nest = Some(s.to_owned()),
                _ => return invalid("invalid @nest value"),
            }
        }
        if matches!(m.id.as_deref(), Some("@context") | Some("@preserve")) {
            return invalid("invalid keyword alias");
        }
        m.usable =
            m.id.as_deref()
                .is_some_and(|id| is_keyword(id) || is_absolute_iri(id));
        if let Some(prev) = &previous
            && prev.protected
            && !self.override_protected
        {
            m.protected = true;
            if **prev != m {
                return invalid("protected term redefinition");
            }
        }
        Rc::make_mut(&mut ctx.terms).insert(term.to_owned(), Rc::new(m));
        self.defined.insert(term.to_owned(), true);
        Ok(())
    }
}

/// `re.match(r'.*((:[^:])|/)', term)`: the term has the form of an IRI.
fn term_looks_like_iri(term: &str) -> bool {
    let line = term.split('\n').next().unwrap_or("");
    if line.contains('/') {
        return true;
    }
    let b: Vec<char> = line.chars().collect();
    b.windows(2).any(|w| w[0] == ':' && w[1] != ':')
}
