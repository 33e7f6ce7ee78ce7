//! Expansion of node objects and values (`_expand`'s object branch, `_expand_object`,
//! `_expand_value`).

use std::rc::Rc;

use super::iri::{expand_iri, is_absolute_iri, is_keyword, key_info};
use super::{Ap, Ctx, Expander, Kind, Obj, R, Rval, ValueInfo, arrayify, classify, invalid};
use crate::hash::jv::J;

impl Expander {
    pub(super) fn expand_node(
        &mut self,
        ctx: &Rc<Ctx>,
        active_property: Option<&str>,
        element: &Obj<'_>,
        inside_list: bool,
        inside_index: bool,
        type_scoped: Option<&Rc<Ctx>>,
    ) -> R<Kind> {
        let mut active = ctx.clone();
        let (expanded_ap, property_scoped) = match active_property {
            Some(p) => {
                let (ap, term) = self.ap_info(&active, p);
                (ap, term.and_then(|t| t.context.clone()))
            }
            None => (Ap::Dropped, None),
        };

        let mut type_scoped = type_scoped.cloned();
        if type_scoped.is_none() && active.previous.is_some() {
            type_scoped = Some(active.clone());
        }
        let mut must_revert = !inside_index;
        if must_revert
            && element.len() <= 2
            && !element.iter().any(|(k, _)| k == "@context")
            && let Some(ts) = &type_scoped
        {
            let mut keys: Vec<&str> = element.iter().map(|(k, _)| k.as_ref()).collect();
            keys.sort_unstable();
            for key in keys {
                let ep = expand_iri(ts, key, false, true);
                if ep.as_deref() == Some("@value") {
                    must_revert = false;
                    active = ts.clone();
                    break;
                }
                if ep.as_deref() == Some("@id") && element.len() == 1 {
                    must_revert = false;
                    break;
                }
            }
        }
        if must_revert && let Some(prev) = active.previous.clone() {
            active = prev;
        }
        if let Some(psc) = property_scoped {
            active = self.process_scoped(&active, psc, true, true)?;
        }
        let (active, type_key, type_scoped) = self.prepare_nested_context(&active, element)?;

        // A dropped top-level object contributes nothing: remember what was found before it.
        let snapshot = active_property.is_none().then(|| self.found.clone());
        let mut rval = Rval::default();
        self.expand_object(
            &active,
            active_property,
            expanded_ap,
            element,
            &mut rval,
            type_key.as_deref(),
            &type_scoped,
        )?;

        let count = rval.keys.len();
        let mut kind = Kind::Something;
        if let Some(v) = rval.value {
            if rval.types.is_some() && (rval.language || rval.direction) {
                return invalid("invalid value object");
            }
            let extra = ["@type", "@index", "@language", "@direction"]
                .iter()
                .filter(|k| rval.has(k))
                .count();
            if count - 1 != extra {
                return invalid("invalid value object");
            }
            let mut types: Vec<String> = Vec::new();
            if let Some(t) = &rval.types {
                let array_type = element.iter().any(|(k, v)| {
                    matches!(v, J::Arr(_))
                        && expand_iri(&active, k, false, true).as_deref() == Some("@type")
                });
                if array_type {
                    return invalid("invalid typed value");
                }
                types = t.clone().unwrap_or_default();
            }
            let json_type = types.len() == 1 && types[0] == "@json";
            if json_type {
                // Any @value is fine with @type @json.
            } else if v.null {
                kind = Kind::Nothing;
            } else if rval.language && !v.string {
                return invalid("invalid language-tagged value");
            } else if !types
                .iter()
                .all(|t| is_absolute_iri(t) && !t.starts_with("_:"))
            {
                return invalid("invalid typed value");
            }
        } else if let Some(t) = &rval.types {
            if t.is_none() {
                return invalid("invalid type value");
            }
        } else if rval.has("@set") || rval.has("@list") {
            if count > 1 && !(count == 2 && rval.has("@index")) {
                return invalid("invalid set or list object");
            }
        } else if count == 1 && rval.language {
            kind = Kind::Nothing;
        }

        let free_floating = !inside_list && (active_property.is_none() || expanded_ap == Ap::Graph);
        if free_floating
            && !rval.has("@set")
            && (count == 0
                || rval.value.is_some()
                || rval.has("@list")
                || (count == 1 && rval.has("@id")))
        {
            kind = Kind::Nothing;
        }
        if kind == Kind::Nothing
            && let Some(s) = snapshot
        {
            self.found = s;
        }
        Ok(kind)
    }

    /// `_prepare_nested_context`: an embedded `@context`, then type-scoped contexts.
    fn prepare_nested_context(
        &mut self,
        ctx: &Rc<Ctx>,
        element: &Obj<'_>,
    ) -> R<(Rc<Ctx>, Option<String>, Rc<Ctx>)> {
        let mut active = ctx.clone();
        if let Some((_, local)) = element.iter().find(|(k, _)| k == "@context") {
            if let J::Obj(o) = local
                && o.len() == 1
                && o[0].0 == "@context"
            {
                return invalid("keyword redefinition");
            }
            active = self.process_context(&active, local, false, true)?;
        }
        let type_scoped = active.clone();
        // PyLD walks the keys in sorted order and remembers the first that expands to @type.
        let mut type_keys: Vec<(&str, &J<'_>)> = element
            .iter()
            .filter(|(k, _)| k == "@type" || active.type_aliases.contains(k.as_ref()))
            .map(|(k, v)| (k.as_ref(), v))
            .collect();
        if type_keys.is_empty() {
            return Ok((active, None, type_scoped));
        }
        type_keys.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let type_key = type_keys[0].0.to_owned();
        for (_, value) in type_keys {
            let mut types: Vec<&str> = arrayify(value).iter().filter_map(J::as_str).collect();
            types.sort_unstable();
            for t in types {
                if let Some(c) = type_scoped.scoped(t)
                    && !c.is_null()
                {
                    active = self.process_scoped(&active, c, false, false)?;
                }
            }
        }
        Ok((active, Some(type_key), type_scoped))
    }

    #[allow(clippy::too_many_arguments)]
    fn expand_object<'k>(
        &mut self,
        ctx: &'k Rc<Ctx>,
        active_property: Option<&str>,
        expanded_ap: Ap,
        element: &'k Obj<'_>,
        rval: &mut Rval<'k>,
        type_key: Option<&str>,
        type_scoped: &Rc<Ctx>,
    ) -> R<()> {
        let is_json_type = match type_key.and_then(|k| element.iter().find(|(x, _)| x == k)) {
            Some((_, t)) => {
                let t = match t {
                    J::Arr(a) if !a.is_empty() => &a[0],
                    other => other,
                };
                t.as_str()
                    .and_then(|s| expand_iri(ctx, s, false, true))
                    .as_deref()
                    == Some("@json")
            }
            None => false,
        };
        for (key, value) in element {
            if key == "@context" {
                continue;
            }
            let (ep, term, usable) = key_info(ctx, key);
            let Some(ep) = ep else {
                continue;
            };
            if !usable {
                continue;
            }
            let kw = ep.starts_with('@') && is_keyword(&ep);
            if kw {
                if expanded_ap == Ap::Reverse {
                    return invalid("invalid reverse property map");
                }
                if rval.has(&ep) && ep != "@included" && ep != "@type" {
                    return invalid("colliding keywords");
                }
            }
            match ep.as_ref() {
                "@id" => {
                    let J::Str(s) = value else {
                        return invalid("invalid @id value");
                    };
                    if let Some(e) = expand_iri(ctx, s, true, false) {
                        self.note(&e);
                    }
                    rval.add_key("@id");
                    continue;
                }
                "@type" => {
                    if value.is_null() {
                        rval.add_key("@type");
                        if rval.types.is_none() {
                            rval.types = Some(None);
                        }
                        continue;
                    }
                    let items = arrayify(value);
                    if !items.iter().all(|v| matches!(v, J::Str(_))) {
                        return invalid("invalid type value");
                    }
                    let mut expanded = Vec::with_capacity(items.len());
                    for v in items {
                        if let Some(s) = v.as_str()
                            && let Some(e) = expand_iri(type_scoped, s, true, true)
                        {
                            self.note(&e);
                            expanded.push(e.into_owned());
                        }
                    }
                    rval.add_key("@type");
                    match &mut rval.types {
                        Some(Some(t)) => t.extend(expanded),
                        _ => rval.types = Some(Some(expanded)),
                    }
                    continue;
                }
                "@graph" if !matches!(value, J::Obj(_) | J::Arr(_)) => {
                    return invalid("invalid @graph value");
                }
                "@value" => {
                    rval.unexpanded_value_is_container = matches!(value, J::Obj(_) | J::Arr(_));
                    if is_json_type {
                        self.note_all(value);
                    } else {
                        for v in arrayify(value) {
                            if let J::Str(s) = v {
                                self.note(s);
                            }
                        }
                    }
                    rval.add_key("@value");
                    rval.value = Some(ValueInfo {
                        null: value.is_null(),
                        string: matches!(value, J::Str(_)),
                    });
                    continue;
                }
                "@language" => {
                    if value.is_null() {
                        continue;
                    }
                    let J::Str(s) = value else {
                        return invalid("invalid language-tagged string");
                    };
                    self.note(&s.to_lowercase());
                    rval.add_key("@language");
                    rval.language = true;
                    continue;
                }
                "@direction" => {
                    match value.as_str() {
                        Some("ltr") | Some("rtl") => {}
                        _ => return invalid("invalid base direction"),
                    }
                    rval.add_key("@direction");
                    rval.direction = true;
                    continue;
                }
                "@index" => {
                    let J::Str(s) = value else {
                        return invalid("invalid @index value");
                    };
                    self.note(s);
                    rval.add_key("@index");
                    continue;
                }
                "@reverse" if !matches!(value, J::Obj(_)) => {
                    return invalid("invalid @reverse value");
                }
                _ => {}
            }

            // A property (or a keyword handled generically): expand its value.
            let term_ctx = match term.and_then(|t| t.context.clone()) {
                Some(c) => self.process_scoped(ctx, c, true, true)?,
                None => {
                    // The value is expanded in this same context: remember the lookup.
                    self.memo = Some((
                        (ctx.uid, key.as_ptr() as usize, key.len()),
                        classify(Some(&ep)),
                        term.cloned(),
                    ));
                    ctx.clone()
                }
            };
            let kind = if ep == "@list" || ep == "@set" {
                let next_ap = if ep == "@list" && expanded_ap == Ap::Graph {
                    None
                } else {
                    active_property
                };
                self.expand(&term_ctx, next_ap, value, ep == "@list", false, None)?
            } else if term.and_then(|t| t.typ.as_deref()) == Some("@json") {
                self.note_all(value);
                Kind::Something
            } else {
                self.expand(&term_ctx, Some(key), value, false, false, None)?
            };
            if kind == Kind::Nothing {
                continue;
            }
            rval.add(ep);
        }
        if rval.value.is_some() && !is_json_type && rval.unexpanded_value_is_container {
            return invalid("invalid value object value");
        }
        Ok(())
    }

    /// `_expand_value` for a scalar.
    pub(super) fn expand_value(
        &mut self,
        ctx: &Rc<Ctx>,
        active_property: Option<&str>,
        value: &J<'_>,
    ) -> R<Kind> {
        let (ap, term) = match active_property {
            Some(p) => self.ap_info(ctx, p),
            None => (Ap::Dropped, None),
        };
        if ap == Ap::Id || ap == Ap::Type {
            if let J::Str(s) = value
                && let Some(e) = expand_iri(ctx, s, true, ap == Ap::Type)
            {
                self.note(&e);
            }
            return Ok(Kind::Something);
        }
        let typ = term.as_ref().and_then(|t| t.typ.as_deref());
        if let J::Str(s) = value {
            if typ == Some("@id") || ap == Ap::Graph {
                if let Some(e) = expand_iri(ctx, s, true, false) {
                    self.note(&e);
                }
                return Ok(Kind::Something);
            }
            if typ == Some("@vocab") {
                if let Some(e) = expand_iri(ctx, s, true, true) {
                    self.note(&e);
                }
                return Ok(Kind::Something);
            }
        }
        if matches!(
            ap,
            Ap::Graph | Ap::Id | Ap::Type | Ap::Reverse | Ap::Keyword
        ) {
            if let J::Str(s) = value {
                self.note(s);
            }
            return Ok(Kind::Something);
        }
        match typ {
            Some(t) if t != "@id" && t != "@vocab" && t != "@none" => self.note(t),
            _ => {
                if let (J::Str(_), Some(Some(lang))) =
                    (value, term.as_ref().and_then(|t| t.language.as_ref()))
                {
                    self.note(lang);
                }
            }
        }
        if let J::Str(s) = value {
            self.note(s);
        }
        Ok(Kind::Something)
    }
}
