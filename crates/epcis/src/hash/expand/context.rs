//! Context processing: `_process_context`, with the bundled standard contexts (term
//! definitions are in `term_def`).

use std::borrow::Cow;
use std::rc::Rc;

use ahash::AHashMap as HashMap;

use super::iri::{expand_iri, is_absolute_iri, resolve};
use super::{Ctx, ExpandError, Expander, Obj, R, STANDARD, arrayify, invalid, uid};
use crate::hash::jv::J;
use crate::hash::std_context;

use super::term_def::Definer;

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
