//! Small SVG writing helpers: escaping, numbers, ids, legends, the "no data" picture.

use std::fmt::Write as _;

/// Escapes text for XML content and attribute values, dropping characters XML 1.0 forbids.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// An id prefix safe in XML names and CSS selectors: `[A-Za-z0-9_-]`, starting with a letter.
pub(crate) fn sanitize_id(id: &str) -> String {
    let mut s: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        s.insert(0, 's');
    }
    s
}

/// A number with at most one decimal, no trailing `.0`, no `-0`; non-finite as 0 (callers skip
/// non-finite data before drawing, so this only guards against overflow in arithmetic).
pub(crate) fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".to_string();
    }
    let r = (v * 10.0).round() / 10.0;
    let r = if r.is_finite() { r } else { v };
    if r == 0.0 {
        "0".to_string()
    } else if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// Appends numbers to SVG path data with the fewest separators: a minus sign separates itself.
pub(crate) fn push_nums(d: &mut String, nums: &[i64]) {
    for n in nums {
        if *n >= 0 && d.ends_with(|c: char| c.is_ascii_digit()) {
            d.push(' ');
        }
        let _ = write!(d, "{n}");
    }
}

/// Path data of closed integer rings, relative after the first vertex (about a third smaller).
pub(crate) fn rings_path(rings: &[Vec<(i32, i32)>]) -> String {
    let mut d = String::new();
    for ring in rings {
        let Some(&(x0, y0)) = ring.first() else {
            continue;
        };
        d.push('M');
        push_nums(&mut d, &[x0.into(), y0.into()]);
        d.push('l');
        let (mut px, mut py) = (x0, y0);
        for &(x, y) in &ring[1..] {
            push_nums(
                &mut d,
                &[i64::from(x) - i64::from(px), i64::from(y) - i64::from(py)],
            );
            (px, py) = (x, y);
        }
        d.push('z');
    }
    d
}

/// Rough width of a text in a sans-serif font, to lay out legends without a font engine.
pub(crate) fn text_width(s: &str, font_size: f64) -> f64 {
    s.chars().count() as f64 * font_size * 0.58
}

/// The opening of an accessible SVG: `role="img"`, labelled by its `<title>` and `<desc>`.
pub(crate) fn open(out: &mut String, id: &str, view: [f64; 4], title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x} {y} {w} {h}" role="img" aria-labelledby="{id}-t {id}-d" font-family="sans-serif"><title id="{id}-t">{t}</title><desc id="{id}-d">{d}</desc>"#,
        x = num(view[0]),
        y = num(view[1]),
        w = num(view[2]),
        h = num(view[3]),
        t = escape(title),
        d = escape(desc),
    );
}

/// The picture drawn instead of a chart or map without data: the caller's "no data" text.
pub(crate) fn no_data(id: &str, title: &str, desc: &str, text: &str) -> String {
    let mut out = String::new();
    open(&mut out, id, [0.0, 0.0, 320.0, 60.0], title, desc);
    let _ = write!(
        out,
        r##"<rect x="0.5" y="0.5" width="319" height="59" fill="#f4f4f4" stroke="#999"/><text x="160" y="35" text-anchor="middle" font-size="15" fill="#333">{}</text></svg>"##,
        escape(text)
    );
    out
}

/// One legend entry: its swatch is drawn by the caller-supplied closure at (x, y, size).
pub(crate) struct LegendEntry {
    pub label: String,
    pub swatch: Box<dyn Fn(f64, f64, f64) -> String>,
}

/// Lays legend entries out in rows below `top`, wrapping at `width`; returns the markup and
/// the bottom y.
pub(crate) fn legend(
    title: &str,
    entries: &[LegendEntry],
    left: f64,
    top: f64,
    width: f64,
    font: f64,
) -> (String, f64) {
    let mut out = String::from("<g>");
    let row_h = font * 1.6;
    let mut y = top;
    if !title.is_empty() {
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" font-size="{}" font-weight="bold">{}</text>"#,
            num(left),
            num(y + font),
            num(font),
            escape(title)
        );
        y += row_h;
    }
    let mut x = left;
    let sw = font;
    for (i, e) in entries.iter().enumerate() {
        let w = sw + font * 0.4 + text_width(&e.label, font) + font * 1.2;
        if i > 0 && x + w > left + width {
            x = left;
            y += row_h;
        }
        out.push_str(&(e.swatch)(x, y + font * 0.15, sw));
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" font-size="{}">{}</text>"#,
            num(x + sw + font * 0.4),
            num(y + font),
            num(font),
            escape(&e.label)
        );
        x += w;
    }
    if !entries.is_empty() {
        y += row_h;
    }
    out.push_str("</g>");
    (out, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_drops_forbidden() {
        assert_eq!(escape("a<b>&\"c'\u{1}\n"), "a&lt;b&gt;&amp;&quot;c&#39;\n");
    }

    #[test]
    fn numbers() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.25), "1.3");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(-2.5), "-2.5");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(1e300), format!("{:.0}", 1e300));
    }

    #[test]
    fn ids() {
        assert_eq!(sanitize_id("risk map<1>"), "riskmap1");
        assert_eq!(sanitize_id("9x"), "s9x");
        assert_eq!(sanitize_id(""), "s");
    }

    #[test]
    fn path_is_relative_and_compact() {
        let d = rings_path(&[vec![(10, 20), (13, 20), (12, 25)]]);
        assert_eq!(d, "M10 20l3 0-1 5z");
    }
}
