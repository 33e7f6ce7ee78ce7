//! The GS1 Digital Link half of the reference normaliser: recognise, drop the query string,
//! expand convenience alphas, move to `https://id.gs1.org`, pad GTINs, drop the CPV, keep serial
//! over lot, and finally accept only the key/qualifier shapes the reference lists.
//!
//! The reference writes `id.gs1.org` unescaped in its patterns, so each of those dots matches any
//! character but a newline; that is ported too.

use super::super::pyre::{Cur, is_py_digit, py_find, py_slice};

/// The path segments the recognising pattern accepts as a primary key (`(\/(01|gtin|…)\/)`).
fn is_recognised(seg: &str) -> bool {
    is_canonical_ai(seg)
        || matches!(
            seg,
            "gtin"
                | "itip"
                | "cpid"
                | "gln"
                | "party"
                | "gsrnp"
                | "gsrn"
                | "gcn"
                | "sscc"
                | "gdti"
                | "ginc"
                | "gsin"
                | "grai"
                | "giai"
        )
}

/// The primary keys of the "already canonical" pattern.
fn is_canonical_ai(seg: &str) -> bool {
    matches!(
        seg,
        "01" | "8006"
            | "8010"
            | "414"
            | "417"
            | "8017"
            | "8018"
            | "255"
            | "00"
            | "253"
            | "401"
            | "402"
            | "8003"
            | "8004"
    )
}

/// Whether `uri` has a `/alpha/` that the replacement chain would rewrite (the chain only runs
/// then, being 17 substring searches).
fn has_alpha(uri: &str) -> bool {
    let b = uri.as_bytes();
    let slashes = || {
        b.iter()
            .enumerate()
            .filter(|(_, c)| **c == b'/')
            .map(|(i, _)| i)
    };
    slashes().zip(slashes().skip(1)).any(|(i, j)| {
        let seg = &b[i + 1..j];
        (3..=5).contains(&seg.len())
            && ALPHAS
                .iter()
                .any(|(a, _)| a.len() == seg.len() + 2 && &a.as_bytes()[1..a.len() - 1] == seg)
    })
}

/// Convenience alphas, replaced in this order, every occurrence.
const ALPHAS: [(&str, &str); 17] = [
    ("/gtin/", "/01/"),
    ("/itip/", "/8006/"),
    ("/cpid/", "/8010/"),
    ("/gln/", "/414/"),
    ("/party/", "/417/"),
    ("/gsrnp/", "/8017/"),
    ("/gsrn/", "/8018/"),
    ("/gcn/", "/255/"),
    ("/sscc/", "/00/"),
    ("/gdti/", "/253/"),
    ("/ginc/", "/401/"),
    ("/gsin/", "/402/"),
    ("/grai/", "/8003/"),
    ("/giai/", "/8004/"),
    ("/cpv/", "/22/"),
    ("/lot/", "/10/"),
    ("/ser/", "/21/"),
];

/// Where the canonical domain is cut in, by the first of these found.
const CUT_AT: [&str; 14] = [
    "/00/", "/01/", "/253/", "/255/", "/401/", "/402/", "/414/", "/417/", "/8003/", "/8004/",
    "/8006/", "/8010/", "/8017/", "/8018/",
];

/// `[\x22\x27\x2D\x2E\x30-\x39\x3B-\x3F\x41-\x5A\x5F\x61-\x7A]`
fn value_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "\"'-.;<=>?_".contains(c)
}

/// The same with `/` (`\x2F`).
fn value_or_slash(c: char) -> bool {
    c == '/' || value_char(c)
}

/// `[\x23\x2D\x2F\x30-\x39\x41-\x5A]`
fn cpi_char(c: char) -> bool {
    c.is_ascii_digit() || c.is_ascii_uppercase() || "#-/".contains(c)
}

/// `^https?:`, returning what follows.
fn after_scheme(uri: &str) -> Option<&str> {
    uri.strip_prefix("https:")
        .or_else(|| uri.strip_prefix("http:"))
}

/// The first alternative of the recognising pattern: `[^?#]*` then `/KEY/`, four `\d` and one
/// character that is not `/` (everything after that is optional). The optional authority group
/// adds nothing, since `[^?#]*` already covers it.
fn has_key_path(rest: &str) -> bool {
    // One byte loop: this runs on every http(s) value the hash sees, and `str` searches cost
    // more than the work on such short strings.
    let b = rest.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'?' | b'#' => return false,
            b'/' => {
                let after = b.get(i + 1..).unwrap_or(&[]);
                let Some(len) = after.iter().take(6).position(|&c| c == b'/') else {
                    continue;
                };
                if (2..=5).contains(&len) && is_recognised(&rest[i + 1..i + 1 + len]) {
                    let mut t = Cur::new(&rest[i + 2 + len..]);
                    if t.digits(4) && t.one(|ch| ch != '/') {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    false
}

/// The second alternative: `(//authority)?/[A-Za-z_-]{10}$`.
fn is_short_path(rest: &str) -> bool {
    let body = rest.strip_suffix('\n').unwrap_or(rest);
    // The last eleven bytes must be `/` and ten of `[A-Za-z_-]`: checked first, it settles
    // nearly every input at once.
    let Some(head_len) = body.len().checked_sub(11) else {
        return false;
    };
    let tail = &body.as_bytes()[head_len..];
    if tail.first() != Some(&b'/')
        || !tail[1..]
            .iter()
            .all(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'-')
    {
        return false;
    }
    let head = &body[..head_len];
    head.is_empty()
        || head
            .strip_prefix("//")
            .is_some_and(|auth| !auth.contains(['/', '?', '#']))
}

/// `https://id.gs1.org/` with both dots matching any character but a newline.
fn gs1_root<'a>(uri: &'a str) -> Option<Cur<'a>> {
    let mut c = Cur::new(uri);
    (c.lit("https://id") && c.any() && c.lit("gs1") && c.any() && c.lit("org/")).then_some(c)
}

/// `^https://id.gs1.org/(01|…)/\d{4}[^/]`: already on the canonical domain.
fn is_canonical(uri: &str) -> bool {
    let Some(c) = gs1_root(uri) else {
        return false;
    };
    let Some((seg, tail)) = c.rest().split_once('/') else {
        return false;
    };
    let mut t = Cur::new(tail);
    is_canonical_ai(seg) && t.digits(4) && t.one(|ch| ch != '/')
}

/// `https://id.gs1.org/01/\d{n}` as a prefix.
fn gtin_digits_at_least(uri: &str, n: usize) -> bool {
    gs1_root(uri).is_some_and(|mut c| c.lit("01/") && c.digits(n))
}

/// `https://id.gs1.org/8006/\d{18}` or `https://id.gs1.org/01/\d{14}`, then `rest` matches.
fn gtin_or_itip(uri: &str, rest: impl Fn(&mut Cur) -> bool) -> bool {
    let Some(root) = gs1_root(uri) else {
        return false;
    };
    let mut a = root;
    let mut b = root;
    (a.lit("8006/") && a.digits(18) && rest(&mut a))
        || (b.lit("01/") && b.digits(14) && rest(&mut b))
}

fn cpv(pred: fn(char) -> bool) -> impl Fn(&mut Cur) -> bool {
    move |c| c.lit("/22/") && c.class(0, 20, pred) && c.end()
}

fn lot_and_serial(c: &mut Cur) -> bool {
    c.lit("/10/")
        && c.class(0, 20, value_char)
        && c.lit("/21/")
        && c.class(0, 20, value_char)
        && c.end()
}

/// The last check: one of the reference's key/qualifier shapes on `https://id.gs1.org`.
fn is_valid_output(uri: &str) -> bool {
    let Some(root) = gs1_root(uri) else {
        return false;
    };
    let Some((ai, rest)) = root.rest().split_once('/') else {
        return false;
    };
    let mut c = Cur::new(rest);
    let c = &mut c;
    let qualified = |c: &mut Cur, ai: &str, max: usize| {
        let mut q = *c;
        q.lit(ai) && q.class(0, max, value_char) && q.end()
    };
    match ai {
        "00" => c.digits(18) && c.end(),
        "01" => {
            c.digits(14)
                && (c.end()
                    || qualified(c, "/21/", 20)
                    || qualified(c, "/10/", 20)
                    || qualified(c, "/235/", 28))
        }
        "253" => c.digits(13) && c.class(0, 17, value_char) && c.end(),
        "255" => c.digits(13) && c.class(0, 12, is_py_digit) && c.end(),
        "401" | "8004" => c.class(0, 30, value_char) && c.end(),
        "402" => c.digits(17) && c.end(),
        "414" => c.digits(13) && (c.end() || qualified(c, "/254/", 20)),
        "417" => c.digits(13) && c.end(),
        "8003" => c.digits(14) && c.class(0, 16, value_char) && c.end(),
        "8006" => c.digits(18) && (c.end() || qualified(c, "/21/", 20) || qualified(c, "/10/", 20)),
        "8010" => {
            let whole = *c;
            let mut alone = *c;
            (alone.class(0, 30, cpi_char) && alone.end())
                || whole.rest().match_indices("/8011/").any(|(i, m)| {
                    let head = &whole.rest()[..i];
                    let mut serial = Cur::new(&whole.rest()[i + m.len()..]);
                    head.len() <= 30
                        && head.chars().all(cpi_char)
                        && serial.class(0, 12, is_py_digit)
                        && serial.end()
                })
        }
        "8017" | "8018" => c.digits(18) && c.end(),
        _ => false,
    }
}

/// The Digital Link branch of `normaliser`.
pub(super) fn normalise_dl(input: &str) -> Option<String> {
    let rest = after_scheme(input)?;
    if !has_key_path(rest) && !is_short_path(rest) {
        return None;
    }
    let mut uri = input.split_once('?').map_or(input, |(a, _)| a).to_owned();
    if has_alpha(&uri) {
        for (alpha, ai) in ALPHAS {
            if uri.contains(alpha) {
                uri = uri.replace(alpha, ai);
            }
        }
    }
    if !is_canonical(&uri)
        && let Some(i) = CUT_AT.iter().find_map(|k| uri.find(k))
    {
        uri = format!("https://id.gs1.org{}", &uri[i..]);
    }
    if !gtin_digits_at_least(&uri, 14) {
        let pad = if gtin_digits_at_least(&uri, 13) {
            "/01/0"
        } else if gtin_digits_at_least(&uri, 12) {
            "/01/00"
        } else if gtin_digits_at_least(&uri, 8) {
            "/01/000000"
        } else {
            ""
        };
        if !pad.is_empty() {
            uri = uri.replace("/01/", pad);
        }
    }
    // `x` is taken before either CPV rewrite, as the reference does; both rewrites need a
    // `/22/`, and without one `x` is never used.
    if uri.contains("/22/") {
        let x = py_slice(&uri, py_find(&uri, "/22/") + 4, None).to_owned();
        if gtin_or_itip(&uri, cpv(value_char)) {
            let head = py_slice(&uri, 0, Some(py_find(&uri, "/22/")));
            uri = format!("{head}{}", py_slice(&x, py_find(&x, "/"), Some(-1)));
        }
        if gtin_or_itip(&uri, cpv(value_or_slash)) {
            let head = py_slice(&uri, 0, Some(py_find(&uri, "/22/")));
            uri = format!("{head}{}", py_slice(&x, py_find(&x, "/"), None));
        }
    }
    if uri.contains("/10/") && gtin_or_itip(&uri, lot_and_serial) {
        let at = py_find(&uri, "/10/");
        let y = py_slice(&uri, at + 4, None);
        let tail = py_slice(y, py_find(y, "/"), None);
        uri = format!("{}{tail}", py_slice(&uri, 0, Some(at)));
    }
    is_valid_output(&uri).then_some(uri)
}
