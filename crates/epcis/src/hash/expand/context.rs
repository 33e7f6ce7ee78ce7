//! Context processing: `_process_context` and `_create_term_definition`, with the bundled
//! standard contexts.

use std::borrow::Cow;
use std::rc::Rc;

use ahash::AHashMap as HashMap;

use super::iri::{
    expand_iri, expand_iri_tail, is_absolute_iri, is_keyword, looks_like_keyword, resolve,
};
use super::{Ctx, ExpandError, Expander, Obj, R, STANDARD, Term, arrayify, invalid, uid};
use crate::hash::jv::J;
use crate::hash::std_context;

/// See [`Expander::copied_terms`].
const MAX_COPIED_TERMS: usize = 5_000_000;

impl Expander {
    /// A term's scoped context, processed (and cached by its address, kept alive meanwhile).
    pub(super) fn process_scoped(
        &mut self,
        active: &Rc<Ctx>,
        local: Rc<J<'static>>,
        override_protected: bool,
        propagate: bool,
    ) -> R<Rc<Ctx>> {
        let key = (
            active.uid,
            Rc::as_ptr(&local) as usize,
            override_protected,
            propagate,
        );
        if let Some(c) = self.cache.get(&key) {
            return Ok(c.clone());
        }
        let r =
            self.process_context_uncached(active, &local, override_protected, propagate, true)?;
        self.cache.insert(key, r.clone());
        self.keepalive.push(local);
        Ok(r)
    }

    /// `_process_context` for a context in the document (its address is stable meanwhile).
    pub(super) fn process_context(
        &mut self,
        active: &Rc<Ctx>,
        local: &J<'_>,
        override_protected: bool,
        propagate: bool,
    ) -> R<Rc<Ctx>> {
        let key = (
            active.uid,
            local as *const J<'_> as usize,
            override_protected,
            propagate,
        );
        if let Some(c) = self.cache.get(&key) {
            return Ok(c.clone());
        }
        let r =
            self.process_context_uncached(active, local, override_protected, propagate, true)?;
        self.cache.insert(key, r.clone());
        Ok(r)
    }

    fn process_context_uncached(
        &mut self,
        active: &Rc<Ctx>,
        local: &J<'_>,
        override_protected: bool,
        mut propagate: bool,
        validate: bool,
    ) -> R<Rc<Ctx>> {
        let local = match local {
            J::Obj(_) => match local.get("@context") {
                Some(inner @ J::Arr(_)) => inner,
                _ => local,
            },
            other => other,
        };
        let ctxs = arrayify(local);
        if ctxs.is_empty() {
            return Ok(Rc::new(active.child()));
        }
        if let Some(J::Bool(p)) = ctxs[0].get("@propagate") {
            propagate = *p;
        }
        let mut rval = active.clone();
        if !propagate && rval.previous.is_none() {
            let mut c = rval.child();
            c.previous = Some(active.clone());
            rval = Rc::new(c);
        }
        for ctx in ctxs {
            match ctx {
                J::Null | J::Bool(false) => {
                    if !override_protected && rval.has_protected {
                        return invalid("invalid context nullification");
                    }
                    rval = Rc::new(Ctx::initial());
                }
                J::Str(url) => match std_context::bundled(url) {
                    Some(decimal) => rval = self.standard(&rval, decimal)?,
                    None if self.lenient => {
                        // Not the reference's behaviour (it fails): other EPCIS contexts count
                        // as the standard one, anything else as absent.
                        if std_context::is_epcis_context(url) {
                            rval = self.standard(&rval, false)?;
                        }
                    }
                    None => return Err(ExpandError::RemoteContext(url.to_string())),
                },
                J::Obj(_) => {
                    let o = match ctx.get("@context") {
                        Some(J::Obj(inner)) => inner.as_slice(),
                        Some(_) => return invalid("invalid local context"),
                        None => match ctx {
                            J::Obj(o) => o.as_slice(),
                            _ => return invalid("invalid local context"),
                        },
                    };
                    rval = self.process_object(&rval, o, override_protected, validate)?;
                }
                _ => return invalid("invalid local context"),
            }
        }
        Ok(rval)
    }

    /// A bundled standard context on top of `active` (cached per thread on the initial context).
    fn standard(&mut self, active: &Rc<Ctx>, decimal: bool) -> R<Rc<Ctx>> {
        let is_initial = active.terms.is_empty()
            && active.vocab.is_none()
            && active.base.is_none()
            && active.previous.is_none();
        let cached = STANDARD.with(|s| s.borrow().get(&decimal).cloned());
        let (json, processed) = match cached {
            Some(c) => c,
            None => {
                let json = Rc::new(J::from_serde(&std_context::context(decimal)).into_static());
                let J::Obj(o) = &*json else {
                    return invalid("invalid remote context");
                };
                let processed = self.process_object(&Rc::new(Ctx::initial()), o, false, false)?;
                STANDARD.with(|s| {
                    s.borrow_mut()
                        .insert(decimal, (json.clone(), processed.clone()))
                });
                (json, processed)
            }
        };
        if is_initial {
            return Ok(processed);
        }
        let J::Obj(o) = &*json else {
            return invalid("invalid remote context");
        };
        self.process_object(active, o, false, false)
    }

    fn process_object(
        &mut self,
        active: &Rc<Ctx>,
        ctx: &Obj<'_>,
        override_protected: bool,
        validate: bool,
    ) -> R<Rc<Ctx>> {
        let get = |k: &str| ctx.iter().find(|(x, _)| x == k).map(|(_, v)| v);
        self.copied_terms += active.terms.len() + ctx.len();
        if self.copied_terms > MAX_COPIED_TERMS {
            return invalid("too many term definitions to process");
        }
        let mut r = active.child();
        let mut defined: HashMap<String, bool> = HashMap::new();
        if let Some(v) = get("@version") {
            if !matches!(v, J::Float(f) if *f == 1.1) {
                return invalid("invalid @version value");
            }
            defined.insert("@version".into(), true);
        }
        if get("@import").is_some() {
            return invalid("@import is not supported");
        }
        if let Some(b) = get("@base") {
            match b {
                J::Null => r.base = Some(None),
                J::Str(s) => {
                    let base = match (is_absolute_iri(s), r.base.clone()) {
                        (true, _) | (false, None) | (false, Some(None)) => s.to_string(),
                        (false, Some(Some(prev))) => {
                            resolve(s, &prev).ok_or(ExpandError::Invalid("invalid base IRI"))?
                        }
                    };
                    r.base = Some(Some(base));
                }
                _ => return invalid("invalid base IRI"),
            }
            defined.insert("@base".into(), true);
        }
        if let Some(v) = get("@vocab") {
            match v {
                J::Null => r.vocab = None,
                J::Str(s) => r.vocab = expand_iri(&r, s, true, true).map(Cow::into_owned),
                _ => return invalid("invalid vocab mapping"),
            }
            defined.insert("@vocab".into(), true);
        }
        if let Some(v) = get("@language") {
            if !matches!(v, J::Null | J::Str(_)) {
                return invalid("invalid default language");
            }
            defined.insert("@language".into(), true);
        }
        if let Some(v) = get("@direction") {
            if !(v.is_null() || matches!(v.as_str(), Some("ltr") | Some("rtl"))) {
                return invalid("invalid base direction");
            }
            defined.insert("@direction".into(), true);
        }
        if let Some(v) = get("@propagate") {
            if !matches!(v, J::Bool(_)) {
                return invalid("invalid @propagate value");
            }
            defined.insert("@propagate".into(), true);
        }
        let protected_default = get("@protected").is_some_and(J::truthy);
        defined.insert("@protected".into(), protected_default);
        let mut def = Definer {
            local: ctx,
            index: (ctx.len() > 16).then(|| {
                ctx.iter()
                    .enumerate()
                    .map(|(i, (k, _))| (k.as_ref(), i))
                    .collect()
            }),
            defined,
            protected_default,
            override_protected,
        };
        for (k, v) in ctx {
            def.create(&mut r, k)?;
            if validate && let Some(scoped) = v.get("@context") {
                let partial = Rc::new(r.child());
                if self
                    .process_context_uncached(&partial, scoped, true, true, true)
                    .is_err()
                {
                    return invalid("invalid scoped context");
                }
            }
        }
        r.uid = uid();
        r.type_aliases = Rc::new(
            r.terms
                .iter()
                .filter(|(_, t)| t.id.as_deref() == Some("@type"))
                .map(|(k, _)| k.clone())
                .collect(),
        );
        r.has_protected = r.terms.values().any(|t| t.protected);
        Ok(Rc::new(r))
    }
}

/// Term definition during the processing of one local context object.
struct Definer<'c, 'a> {
    local: &'c Obj<'a>,
    /// The local context's keys, once there are many.
    index: Option<HashMap<&'c str, usize>>,
    defined: HashMap<String, bool>,
    protected_default: bool,
    override_protected: bool,
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
    fn create(&mut self, ctx: &mut Ctx, term: &str) -> R<()> {
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
