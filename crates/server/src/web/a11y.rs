//! Accessibility checks of the pages the server renders: what the issue asks of every page
//! (labels, keyboard, contrast) as rules a test can run over any HTML this server writes.
//!
//! The pages are the server's own templates, so the checks read them as the simple, regular
//! HTML they are (double-quoted attributes, no comments) rather than parsing arbitrary HTML.

/// The problems of a page, one line each; empty when it passes.
///
/// - the document has a `lang`, a `<title>` and one `<h1>`;
/// - every visible `<input>`, `<select>` and `<textarea>` has a label: an `aria-label`, an
///   `aria-labelledby`, a `<label for>` naming its id, or an enclosing `<label>`;
/// - every `<button>` and link has text or an `aria-label`;
/// - every `<table>` has header cells, and every `<svg>` is `role="img"` with a `<title>`;
/// - no `tabindex` above 0 (it breaks the keyboard order), no `<img>` without `alt`.
pub fn check(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(root) = tags(html, "html").next() else {
        return vec!["no <html> element".to_owned()];
    };
    if attr(root.1, "lang").is_none_or(str::is_empty) {
        problems.push("<html> has no lang".to_owned());
    }
    if !html.contains("<title>") {
        problems.push("no <title>".to_owned());
    }
    let h1 = tags(html, "h1").count();
    if h1 != 1 {
        problems.push(format!("{h1} <h1> elements (one expected)"));
    }
    let label_for: Vec<&str> = tags(html, "label")
        .filter_map(|(_, a)| attr(a, "for"))
        .collect();
    for name in ["input", "select", "textarea"] {
        for (at, a) in tags(html, name) {
            if name == "input" && matches!(attr(a, "type"), Some("hidden" | "submit")) {
                continue;
            }
            let labelled = attr(a, "aria-label").is_some()
                || attr(a, "aria-labelledby").is_some()
                || attr(a, "id").is_some_and(|id| label_for.contains(&id))
                || inside(html, at, "label");
            if !labelled {
                problems.push(format!("<{name} {}> has no label", a.trim()));
            }
        }
    }
    for (at, a) in tags(html, "button") {
        let text = inner(html, at, "button");
        if strip_tags(text).trim().is_empty() && attr(a, "aria-label").is_none() {
            problems.push(format!("<button {}> has no text", a.trim()));
        }
    }
    for (at, a) in tags(html, "a") {
        let text = inner(html, at, "a");
        if strip_tags(text).trim().is_empty() && attr(a, "aria-label").is_none() {
            problems.push(format!("<a {}> has no text", a.trim()));
        }
    }
    for (at, a) in tags(html, "table") {
        let cells = inner(html, at, "table");
        if !(cells.contains("<th>") || cells.contains("<th ")) {
            problems.push(format!("<table {}> has no header cells", a.trim()));
        }
    }
    for (at, a) in tags(html, "svg") {
        if attr(a, "role") != Some("img") || !inner(html, at, "svg").contains("<title") {
            problems.push(format!("<svg {}> is not an image with a title", short(a)));
        }
    }
    for (_, a) in tags(html, "img") {
        if attr(a, "alt").is_none() {
            problems.push(format!("<img {}> has no alt", a.trim()));
        }
    }
    for name in [
        "a", "button", "input", "select", "div", "span", "td", "li", "summary",
    ] {
        for (_, a) in tags(html, name) {
            if attr(a, "tabindex")
                .and_then(|t| t.parse::<i32>().ok())
                .is_some_and(|t| t > 0)
            {
                problems.push(format!("<{name} {}> has a positive tabindex", a.trim()));
            }
        }
    }
    problems
}

/// WCAG 2 contrast ratio of two `#rrggbb` colours (1 to 21).
pub fn contrast(a: &str, b: &str) -> Option<f64> {
    let (la, lb) = (luminance(a)?, luminance(b)?);
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    Some((hi + 0.05) / (lo + 0.05))
}

fn luminance(hex: &str) -> Option<f64> {
    let h = hex.strip_prefix('#')?;
    if h.len() != 6 {
        return None;
    }
    let c = |i: usize| -> Option<f64> {
        let v = f64::from(u8::from_str_radix(h.get(i..i + 2)?, 16).ok()?) / 255.0;
        Some(if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        })
    };
    Some(0.2126 * c(0)? + 0.7152 * c(2)? + 0.0722 * c(4)?)
}

/// Every start tag `<name …>`: its byte offset and its attribute text.
fn tags<'a>(html: &'a str, name: &str) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    let open = format!("<{name}");
    let starts: Vec<usize> = html
        .match_indices(open.as_str())
        .map(|(at, _)| at)
        .collect();
    let len = open.len();
    starts.into_iter().filter_map(move |at| {
        let rest = &html[at + len..];
        let next = rest.chars().next()?;
        if !(next.is_whitespace() || next == '>' || next == '/') {
            return None;
        }
        let end = rest.find('>')?;
        Some((at, rest[..end].trim_end_matches('/')))
    })
}

/// The value of `name="…"` in a tag's attribute text (`Some("")` for a bare attribute).
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = attrs;
    while let Some(i) = rest.find(name) {
        let before = rest[..i].chars().next_back();
        let after = &rest[i + name.len()..];
        let boundary = before.is_none_or(char::is_whitespace);
        if boundary && after.starts_with("=\"") {
            let v = &after[2..];
            return v.find('"').map(|e| &v[..e]);
        }
        if boundary && after.chars().next().is_none_or(|c| c.is_whitespace()) {
            return Some("");
        }
        rest = after;
    }
    None
}

/// The content of the element starting at `at` (to its first closing tag: enough for the
/// elements checked, which do not nest in themselves).
fn inner<'a>(html: &'a str, at: usize, name: &str) -> &'a str {
    let start = html[at..].find('>').map_or(html.len(), |i| at + i + 1);
    let close = format!("</{name}>");
    let end = html[start..].find(&close).map_or(html.len(), |i| start + i);
    &html[start..end]
}

/// Whether the offset lies inside an open `<name>` element.
fn inside(html: &str, at: usize, name: &str) -> bool {
    let before = &html[..at];
    let opened = before.rfind(&format!("<{name}"));
    let closed = before.rfind(&format!("</{name}>"));
    match (opened, closed) {
        (Some(o), Some(c)) => o > c,
        (Some(_), None) => true,
        _ => false,
    }
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn short(s: &str) -> String {
    s.trim().chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"<!doctype html><html lang="en"><head><title>T</title></head><body>
<h1>Page</h1><form><input type="hidden" name="csrf" value="x"><label for="a">A<input id="a" name="a"></label>
<label>B<select name="b"><option>1</option></select></label><input aria-label="C" name="c">
<button type="submit">Save</button></form><a href="/x">X</a>
<table><thead><tr><th scope="col">H</th></tr></thead></table>
<svg role="img" aria-labelledby="m-t"><title id="m-t">Map</title></svg></body></html>"#;

    #[test]
    fn a_good_page_passes() {
        assert_eq!(check(GOOD), Vec::<String>::new());
    }

    #[test]
    fn each_rule_catches_its_fault() {
        let cases = [
            (r#"<html lang="en">"#, "<html>", "lang"),
            (
                r#"<input aria-label="C" name="c">"#,
                r#"<input name="c">"#,
                "has no label",
            ),
            (
                "<button type=\"submit\">Save</button>",
                "<button type=\"submit\"> </button>",
                "no text",
            ),
            ("<a href=\"/x\">X</a>", "<a href=\"/x\"></a>", "no text"),
            ("<th scope=\"col\">H</th>", "<td>H</td>", "no header cells"),
            ("<svg role=\"img\"", "<svg", "not an image"),
            (
                "<h1>Page</h1>",
                "<h1>Page</h1><h1>Again</h1>",
                "<h1> elements",
            ),
            (
                "<a href=\"/x\">",
                "<a tabindex=\"2\" href=\"/x\">",
                "positive tabindex",
            ),
        ];
        for (from, to, needle) in cases {
            let bad = GOOD.replacen(from, to, 1);
            assert_ne!(bad, GOOD, "{from}");
            let p = check(&bad);
            assert!(p.iter().any(|p| p.contains(needle)), "{needle}: {p:?}");
        }
    }

    #[test]
    fn contrast_follows_wcag() {
        assert!((contrast("#000000", "#ffffff").unwrap() - 21.0).abs() < 1e-9);
        assert!((contrast("#777777", "#ffffff").unwrap() - 4.48).abs() < 0.01);
        assert!(contrast("#fff", "#000000").is_none());
    }

    /// The colour pairs of the pages' style sheet (`templates/web/base.html` and the
    /// passport's) meet WCAG AA for body text (4.5:1).
    #[test]
    fn the_style_sheets_colours_have_enough_contrast() {
        let css = concat!(
            include_str!("../../templates/web/base.html"),
            include_str!("../../templates/passport.html")
        );
        let pairs = [
            ("#222", "#fffdf8"),
            ("#6a3d12", "#fffdf8"),
            ("#555555", "#fffdf8"),
            ("#ffffff", "#5b3a1a"),
            ("#ffffff", "#8a5a2b"),
            ("#11632a", "#ffffff"),
            ("#a31515", "#ffffff"),
            ("#222", "#fbe7e6"),
            ("#222", "#e5f4e8"),
            ("#222", "#f7f1e6"),
        ];
        for (fg, bg) in pairs {
            let expand = |c: &str| {
                if c.len() == 4 {
                    c.chars().skip(1).fold("#".to_owned(), |mut s, ch| {
                        s.push(ch);
                        s.push(ch);
                        s
                    })
                } else {
                    c.to_owned()
                }
            };
            let (f, b) = (expand(fg), expand(bg));
            let ratio = contrast(&f, &b).expect("colour");
            assert!(ratio >= 4.5, "{fg} on {bg}: {ratio:.2}");
        }
        for c in [
            "#222", "#fffdf8", "#6a3d12", "#5b3a1a", "#8a5a2b", "#11632a", "#a31515",
        ] {
            assert!(
                css.contains(c),
                "{c} is no longer in the style sheets: update this test"
            );
        }
    }
}
