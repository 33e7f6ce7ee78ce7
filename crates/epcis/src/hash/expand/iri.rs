//! IRI expansion (`_expand_iri`, `_is_absolute_iri`) and PyLD's `iri_resolver.resolve`.

use std::borrow::Cow;
use std::rc::Rc;

use super::{Ctx, Term};

const KEYWORDS: [&str; 29] = [
    "@base",
    "@container",
    "@context",
    "@default",
    "@direction",
    "@embed",
    "@explicit",
    "@first",
    "@graph",
    "@id",
    "@import",
    "@included",
    "@index",
    "@json",
    "@language",
    "@list",
    "@nest",
    "@none",
    "@omitDefault",
    "@propagate",
    "@protected",
    "@preserve",
    "@requireAll",
    "@reverse",
    "@set",
    "@type",
    "@value",
    "@version",
    "@vocab",
];

pub(super) const DEFAULT_BASE_IRI: &str = "http://example.org/base/";

pub(super) fn is_keyword(s: &str) -> bool {
    s.starts_with('@') && KEYWORDS.contains(&s)
}

/// Python's `$` also matches before one trailing newline.
pub(super) fn without_final_newline(s: &str) -> &str {
    s.strip_suffix('\n').unwrap_or(s)
}

/// `re.match(r'^@[a-zA-Z]+$', s)`.
pub(super) fn looks_like_keyword(s: &str) -> bool {
    let s = without_final_newline(s);
    s.len() > 1 && s.starts_with('@') && s[1..].bytes().all(|b| b.is_ascii_alphabetic())
}

/// PyLD's `_is_absolute_iri`: `^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$`.
pub(crate) fn is_absolute_iri(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s[..colon];
    let scheme_ok = scheme == "_"
        || (scheme
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphabetic)
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || (b'+'..=b'.').contains(&b)));
    if !scheme_ok {
        return false;
    }
    let rest = without_final_newline(&s[colon + 1..]);
    if rest.is_ascii() {
        !rest
            .bytes()
            .any(|b| b.is_ascii_whitespace() || (0x1c..=0x1f).contains(&b) || b == 0x0b)
    } else {
        !rest.chars().any(crate::hash::canon::is_py_space)
    }
}

/// How a key expands (`_expand_iri` with `vocab=True`), its term, and whether the key is kept
/// (a keyword or an absolute IRI): one table lookup.
pub(super) fn key_info<'s>(
    ctx: &'s Ctx,
    key: &'s str,
) -> (Option<Cow<'s, str>>, Option<&'s Rc<Term>>, bool) {
    if is_keyword(key) {
        return (Some(Cow::Borrowed(key)), ctx.term(key), true);
    }
    if looks_like_keyword(key) {
        return (None, None, false);
    }
    match ctx.term(key) {
        Some(t) => (t.id.as_deref().map(Cow::Borrowed), Some(t), t.usable),
        None => {
            let ep = expand_iri_tail(ctx, key, false, true);
            let usable = ep
                .as_deref()
                .is_some_and(|e| is_keyword(e) || is_absolute_iri(e));
            (ep, None, usable)
        }
    }
}

/// `_expand_iri` outside context processing. `base`: resolve relative IRIs against the
/// document base (PyLD passes `options['base']`, which is `''`); `vocab`: terms and `@vocab`.
pub(super) fn expand_iri<'s>(
    ctx: &'s Ctx,
    value: &'s str,
    base: bool,
    vocab: bool,
) -> Option<Cow<'s, str>> {
    if is_keyword(value) {
        return Some(Cow::Borrowed(value));
    }
    if looks_like_keyword(value) {
        return None;
    }
    if vocab && let Some(t) = ctx.term(value) {
        return t.id.as_deref().map(Cow::Borrowed);
    }
    expand_iri_tail(ctx, value, base, vocab)
}

/// The part of `_expand_iri` after term lookup.
pub(super) fn expand_iri_tail<'s>(
    ctx: &'s Ctx,
    value: &'s str,
    base: bool,
    vocab: bool,
) -> Option<Cow<'s, str>> {
    if let Some(colon) = value.find(':')
        && colon > 0
    {
        let (prefix, suffix) = (&value[..colon], &value[colon + 1..]);
        if prefix == "_" || suffix.starts_with("//") {
            return Some(Cow::Borrowed(value));
        }
        if let Some(t) = ctx.term(prefix)
            && t.prefix
            && let Some(id) = &t.id
        {
            return Some(Cow::Owned(format!("{id}{suffix}")));
        }
        if is_absolute_iri(value) {
            return Some(Cow::Borrowed(value));
        }
    }
    if vocab && let Some(v) = &ctx.vocab {
        return Some(Cow::Owned(format!("{v}{value}")));
    }
    if base {
        return match &ctx.base {
            Some(Some(b)) => {
                let resolved_base = if is_absolute_iri(b) {
                    b.clone()
                } else {
                    resolve(b, "")?
                };
                resolve(value, &resolved_base).map(Cow::Owned)
            }
            Some(None) => Some(Cow::Borrowed(value)),
            None => resolve(value, DEFAULT_BASE_IRI).map(Cow::Owned),
        };
    }
    Some(Cow::Borrowed(value))
}

// -------------------------------------------------------------------- IRI resolution

fn allowed_after_dot_segment(ch: Option<char>) -> bool {
    matches!(ch, None | Some('#') | Some('?') | Some('/'))
}

/// `remove_dot_segments` of PyLD's `iri_resolver`.
fn remove_dot_segments(path: &str) -> String {
    let chars: Vec<char> = path.chars().collect();
    let mut segments: Vec<String> = Vec::new();
    let mut i = 0;
    let n = chars.len();
    while i < n {
        let ch = chars[i];
        if ch == '/' {
            if chars.get(i + 1) == Some(&'.') {
                if chars.get(i + 2) == Some(&'.') {
                    if !allowed_after_dot_segment(chars.get(i + 3).copied()) {
                        segments.push(String::new());
                        i += 1;
                        continue;
                    }
                    segments.pop();
                    if i + 3 >= n {
                        segments.push(String::new());
                    }
                    i += 3;
                    continue;
                }
                if !allowed_after_dot_segment(chars.get(i + 2).copied()) {
                    segments.push(String::new());
                    i += 1;
                    continue;
                }
                if i + 2 >= n {
                    segments.push(String::new());
                }
                i += 2;
                continue;
            }
            segments.push(String::new());
            i += 1;
            continue;
        } else if ch == '#' || ch == '?' {
            if segments.is_empty() {
                segments.push(String::new());
            }
            let rest: String = chars[i..].iter().collect();
            if let Some(last) = segments.last_mut() {
                last.push_str(&rest);
            }
            break;
        } else {
            if segments.is_empty() {
                segments.push(String::new());
            }
            if let Some(last) = segments.last_mut() {
                last.push(ch);
            }
            i += 1;
        }
    }
    format!("/{}", segments.join("/"))
}

fn remove_dot_segments_of_path(iri: &str, colon: Option<usize>) -> String {
    let offset = match colon {
        Some(c) => {
            if iri[c + 1..].starts_with("//") {
                c + 3
            } else {
                c + 1
            }
        }
        None => {
            if iri.starts_with("//") {
                2
            } else {
                0
            }
        }
    };
    match iri.get(offset..).and_then(|s| s.find('/')) {
        None => iri.to_owned(),
        Some(p) => {
            let sep = offset + p;
            format!("{}{}", &iri[..sep], remove_dot_segments(&iri[sep..]))
        }
    }
}

/// PyLD's `iri_resolver.resolve`; `None` where it raises `ValueError`.
pub(super) fn resolve(relative: &str, base: &str) -> Option<String> {
    let base = match base.find('#') {
        Some(p) if p > 0 => &base[..p],
        _ => base,
    };
    if relative.is_empty() {
        return base.contains(':').then(|| base.to_owned());
    }
    if relative.starts_with('?') {
        let b = match base.find('?') {
            Some(p) if p > 0 => &base[..p],
            _ => base,
        };
        return Some(format!("{b}{relative}"));
    }
    if relative.starts_with('#') {
        return Some(format!("{base}{relative}"));
    }
    if base.is_empty() {
        let c = relative.find(':')?;
        return Some(remove_dot_segments_of_path(relative, Some(c)));
    }
    if let Some(c) = relative.find(':') {
        return Some(remove_dot_segments_of_path(relative, Some(c)));
    }
    let bc = base.find(':')?;
    let scheme = &base[..=bc];
    if relative.starts_with("//") {
        return Some(format!(
            "{scheme}{}",
            remove_dot_segments_of_path(relative, None)
        ));
    }
    let slash_after_colon;
    if base[bc..].find("//") == Some(1) {
        match base.get(bc + 3..).and_then(|s| s.find('/')) {
            Some(p) => slash_after_colon = bc + 3 + p,
            None => {
                return Some(if base.len() > bc + 3 {
                    format!("{base}/{}", remove_dot_segments_of_path(relative, None))
                } else {
                    format!("{scheme}{}", remove_dot_segments_of_path(relative, None))
                });
            }
        }
    } else {
        match base.get(bc + 1..).and_then(|s| s.find('/')) {
            Some(p) => slash_after_colon = bc + 1 + p,
            None => {
                return Some(format!(
                    "{scheme}{}",
                    remove_dot_segments_of_path(relative, None)
                ));
            }
        }
    }
    if relative.starts_with('/') {
        return Some(format!(
            "{}{}",
            &base[..slash_after_colon],
            remove_dot_segments(relative)
        ));
    }
    let mut base_path = &base[slash_after_colon..];
    let mut rel = relative;
    if let Some(last) = base_path.rfind('/')
        && last < base_path.len() - 1
    {
        base_path = &base_path[..=last];
        if rel.starts_with('.')
            && !rel.starts_with("..")
            && !rel.starts_with("./")
            && rel.chars().count() > 2
        {
            rel = &rel[1..];
        }
    }
    let joined = format!("{base_path}{rel}");
    Some(format!(
        "{}{}",
        &base[..slash_after_colon],
        remove_dot_segments(&joined)
    ))
}
