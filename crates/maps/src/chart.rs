//! Line and bar charts.

use std::fmt::Write as _;

use crate::svg::{LegendEntry, escape, legend, no_data, num, open, sanitize_id, text_width};

const W: f64 = 640.0;
const PLOT_H: f64 = 240.0;
const TOP: f64 = 14.0;
const FONT: f64 = 13.0;
const AXIS: &str = "#555";
const GRID: &str = "#ddd";
/// Okabe–Ito colours: distinguishable with the common forms of colour blindness.
const SERIES: [&str; 7] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000",
];
/// Dashes as a second cue besides colour, in the order of the series.
const DASHES: [&str; 4] = ["", "6 3", "2 3", "8 3 2 3"];

type Format = Box<dyn Fn(f64) -> String>;

/// Texts every chart needs: ids, title and description for screen readers, "no data".
struct Head {
    id: String,
    title: String,
    desc: String,
    no_data: String,
    fmt: Format,
}

impl Head {
    fn new(id: &str, title: String, desc: String, no_data: String) -> Head {
        Head {
            id: sanitize_id(id),
            title,
            desc,
            no_data,
            fmt: Box::new(num),
        }
    }
}

/// One or more series over labelled x positions: `LineChart::new(..).x_labels(..).series(..)`.
pub struct LineChart {
    head: Head,
    x_labels: Vec<String>,
    series: Vec<(String, Vec<f64>)>,
}

impl LineChart {
    /// `id` must be unique in the page; `no_data` is shown when there is nothing to draw.
    pub fn new(
        id: &str,
        title: impl Into<String>,
        desc: impl Into<String>,
        no_data: impl Into<String>,
    ) -> LineChart {
        LineChart {
            head: Head::new(id, title.into(), desc.into(), no_data.into()),
            x_labels: Vec::new(),
            series: Vec::new(),
        }
    }

    pub fn x_labels(mut self, labels: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.x_labels = labels.into_iter().map(Into::into).collect();
        self
    }

    /// A series; `values[i]` belongs to `x_labels[i]`. Non-finite values leave a gap.
    pub fn series(mut self, name: impl Into<String>, values: impl Into<Vec<f64>>) -> Self {
        self.series.push((name.into(), values.into()));
        self
    }

    /// How numbers are written on the axis and in tooltips (default: at most one decimal).
    pub fn y_format(mut self, f: impl Fn(f64) -> String + 'static) -> Self {
        self.head.fmt = Box::new(f);
        self
    }

    pub fn render(&self) -> String {
        line_chart(self)
    }
}

/// Labelled bars: `BarChart::new(..).bar("Jan", 12.0)`.
pub struct BarChart {
    head: Head,
    bars: Vec<(String, f64, Option<String>)>,
    colour: String,
    legend: Option<String>,
}

impl BarChart {
    pub fn new(
        id: &str,
        title: impl Into<String>,
        desc: impl Into<String>,
        no_data: impl Into<String>,
    ) -> BarChart {
        BarChart {
            head: Head::new(id, title.into(), desc.into(), no_data.into()),
            bars: Vec::new(),
            colour: "#cc4c02".to_string(),
            legend: None,
        }
    }

    /// A bar; a non-finite value keeps its slot and label but draws no bar.
    pub fn bar(mut self, label: impl Into<String>, value: f64) -> Self {
        self.bars.push((label.into(), value, None));
        self
    }

    /// A bar whose tooltip shows `text` (pre-formatted) instead of the formatted value.
    pub fn bar_with_text(
        mut self,
        label: impl Into<String>,
        value: f64,
        text: impl Into<String>,
    ) -> Self {
        self.bars.push((label.into(), value, Some(text.into())));
        self
    }

    pub fn colour(mut self, colour: impl Into<String>) -> Self {
        self.colour = colour.into();
        self
    }

    /// A legend entry naming what the bars count.
    pub fn legend(mut self, label: impl Into<String>) -> Self {
        self.legend = Some(label.into());
        self
    }

    pub fn y_format(mut self, f: impl Fn(f64) -> String + 'static) -> Self {
        self.head.fmt = Box::new(f);
        self
    }

    pub fn render(&self) -> String {
        bar_chart(self)
    }
}

/// The y scale: domain, ticks, and the mapping to screen y.
struct Axis {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Axis {
    /// Round ticks (1, 2 or 5 × 10^k apart) covering `lo..=hi`, about five of them.
    fn new(lo: f64, hi: f64) -> Axis {
        let (lo, hi) = if lo < hi { (lo, hi) } else { widen(lo) };
        let raw = (hi / 2.0 - lo / 2.0) / 2.5; // a fifth of the span, halved to stay finite
        let mag = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * mag)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * mag);
        let (nlo, nhi) = ((lo / step).floor() * step, (hi / step).ceil() * step);
        let count = ((nhi - nlo) / step).round();
        if nlo.is_finite() && nhi.is_finite() && step > 0.0 && (1.0..=12.0).contains(&count) {
            let ticks: Vec<f64> = (0..=count as usize)
                .map(|i| nlo + i as f64 * step)
                .collect();
            if ticks.windows(2).all(|w| w[0] < w[1]) {
                return Axis {
                    lo: nlo,
                    hi: nhi,
                    ticks,
                };
            }
        }
        // Spans near the limits of f64, or steps below its precision: just the ends.
        Axis {
            lo,
            hi,
            ticks: vec![lo, hi],
        }
    }

    /// Screen y of `v`: `PLOT_H` at `lo`, 0 at `hi` (plus `TOP`). Halves keep it finite.
    fn y(&self, v: f64) -> f64 {
        let f = (v / 2.0 - self.lo / 2.0) / (self.hi / 2.0 - self.lo / 2.0);
        TOP + PLOT_H * (1.0 - f.clamp(0.0, 1.0))
    }
}

/// A span around a single value, so that equal values still get an axis.
fn widen(v: f64) -> (f64, f64) {
    let d = if v == 0.0 { 1.0 } else { v.abs() * 0.1 };
    match (v - d, v + d) {
        (lo, hi) if hi.is_finite() && lo.is_finite() => (lo, hi),
        (lo, _) if lo.is_finite() => (lo, v),
        (_, hi) => (v, hi),
    }
}

fn finite_range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Gridlines, tick labels and the left margin they need.
fn y_axis(out: &mut String, axis: &Axis, fmt: &Format, left: f64) {
    for t in &axis.ticks {
        let y = num(axis.y(*t));
        let _ = write!(
            out,
            r#"<line x1="{l}" x2="{r}" y1="{y}" y2="{y}" stroke="{GRID}"/><text x="{tx}" y="{y}" dy="4" text-anchor="end" font-size="{FONT}">{label}</text>"#,
            l = num(left),
            r = num(W - 12.0),
            tx = num(left - 6.0),
            label = escape(&fmt(*t)),
        );
    }
}

fn left_margin(axis: &Axis, fmt: &Format) -> f64 {
    let widest = axis
        .ticks
        .iter()
        .map(|t| text_width(&fmt(*t), FONT))
        .fold(0.0, f64::max);
    (widest + 16.0).clamp(36.0, W / 3.0)
}

/// X labels under the plot, thinned to every k-th so they do not overlap.
fn x_labels(out: &mut String, labels: &[&str], xs: &[f64], slot: f64) {
    let widest = labels
        .iter()
        .map(|l| text_width(l, FONT))
        .fold(0.0, f64::max);
    let every = ((widest + 8.0) / slot.max(1.0)).ceil().max(1.0) as usize;
    for (i, (label, x)) in labels.iter().zip(xs).enumerate() {
        if i % every == 0 {
            let _ = write!(
                out,
                r#"<text x="{}" y="{}" text-anchor="middle" font-size="{FONT}">{}</text>"#,
                num(*x),
                num(TOP + PLOT_H + 18.0),
                escape(label)
            );
        }
    }
}

fn finish(head: &Head, body: String, entries: &[LegendEntry]) -> String {
    let top = TOP + PLOT_H + 28.0;
    let (legend_markup, bottom) = if entries.iter().any(|e| !e.label.is_empty()) {
        legend("", entries, 12.0, top, W - 24.0, FONT)
    } else {
        (String::new(), top)
    };
    let mut out = String::new();
    open(
        &mut out,
        &head.id,
        [0.0, 0.0, W, bottom + 6.0],
        &head.title,
        &head.desc,
    );
    out.push_str(&body);
    out.push_str(&legend_markup);
    out.push_str("</svg>");
    out
}

/// Renders a [`LineChart`].
pub fn line_chart(c: &LineChart) -> String {
    let h = &c.head;
    let n = c
        .series
        .iter()
        .map(|s| s.1.len())
        .max()
        .unwrap_or(0)
        .max(c.x_labels.len());
    let Some((lo, hi)) = finite_range(c.series.iter().flat_map(|s| s.1.iter().copied())) else {
        return no_data(&h.id, &h.title, &h.desc, &h.no_data);
    };
    let axis = Axis::new(lo, hi);
    let left = left_margin(&axis, &h.fmt);
    let plot_w = W - 12.0 - left - 8.0;
    let slot = plot_w / n.saturating_sub(1).max(1) as f64;
    let xs: Vec<f64> = (0..n)
        .map(|i| {
            if n == 1 {
                left + plot_w / 2.0
            } else {
                left + i as f64 * slot
            }
        })
        .collect();

    let mut body = String::new();
    y_axis(&mut body, &axis, &h.fmt, left);
    let labels: Vec<&str> = (0..n)
        .map(|i| c.x_labels.get(i).map_or("", String::as_str))
        .collect();
    x_labels(&mut body, &labels, &xs, slot);
    let mut entries = Vec::new();
    for (k, (name, values)) in c.series.iter().enumerate() {
        let colour = SERIES[k % SERIES.len()];
        let dash = DASHES[k % DASHES.len()];
        let dash_attr = if dash.is_empty() {
            String::new()
        } else {
            format!(r#" stroke-dasharray="{dash}""#)
        };
        let mut d = String::new();
        let mut pen_down = false;
        let mut marks = String::new();
        for (i, v) in values.iter().enumerate() {
            if !v.is_finite() {
                pen_down = false;
                continue;
            }
            let (x, y) = (num(xs[i]), num(axis.y(*v)));
            let _ = write!(d, "{}{x} {y}", if pen_down { 'L' } else { 'M' });
            pen_down = true;
            let tip = match (name.is_empty(), labels[i].is_empty()) {
                (true, true) => (h.fmt)(*v),
                (true, false) => format!("{}: {}", labels[i], (h.fmt)(*v)),
                (false, true) => format!("{name}: {}", (h.fmt)(*v)),
                (false, false) => format!("{name}, {}: {}", labels[i], (h.fmt)(*v)),
            };
            let _ = write!(
                marks,
                r#"<circle cx="{x}" cy="{y}" r="3.5"><title>{}</title></circle>"#,
                escape(&tip)
            );
        }
        let _ = write!(
            body,
            r#"<g fill="{colour}"><path d="{d}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"{dash_attr}/>{marks}</g>"#
        );
        entries.push(LegendEntry {
            label: name.clone(),
            swatch: Box::new(move |x, y, s| {
                let dash_attr = if dash.is_empty() {
                    String::new()
                } else {
                    format!(r#" stroke-dasharray="{dash}""#)
                };
                format!(
                    r#"<path d="M{} {}h{}" stroke="{colour}" stroke-width="2.5"{dash_attr}/>"#,
                    num(x - s * 0.5),
                    num(y + s / 2.0),
                    num(s * 1.5)
                )
            }),
        });
    }
    let _ = write!(
        body,
        r#"<path d="M{l} {t}V{b}H{r}" fill="none" stroke="{AXIS}"/>"#,
        l = num(left),
        t = num(TOP),
        b = num(TOP + PLOT_H),
        r = num(W - 12.0)
    );
    finish(h, body, &entries)
}

/// Renders a [`BarChart`].
pub fn bar_chart(c: &BarChart) -> String {
    let h = &c.head;
    let Some((lo, hi)) = finite_range(c.bars.iter().map(|b| b.1)) else {
        return no_data(&h.id, &h.title, &h.desc, &h.no_data);
    };
    // Bars start at zero, so zero is always on the axis.
    let (lo, hi) = (lo.min(0.0), hi.max(0.0));
    let axis = Axis::new(lo, if lo == hi { 1.0 } else { hi });
    let left = left_margin(&axis, &h.fmt);
    let plot_w = W - 12.0 - left;
    let slot = plot_w / c.bars.len() as f64;
    let xs: Vec<f64> = (0..c.bars.len())
        .map(|i| left + (i as f64 + 0.5) * slot)
        .collect();

    let mut body = String::new();
    y_axis(&mut body, &axis, &h.fmt, left);
    let labels: Vec<&str> = c.bars.iter().map(|b| b.0.as_str()).collect();
    x_labels(&mut body, &labels, &xs, slot);
    let colour = escape(&c.colour);
    let _ = write!(body, r#"<g fill="{colour}">"#);
    let y0 = axis.y(0.0);
    for ((label, v, text), x) in c.bars.iter().zip(&xs) {
        if !v.is_finite() {
            continue;
        }
        let y = axis.y(*v);
        let tip = match text {
            Some(t) => t.clone(),
            None => (h.fmt)(*v),
        };
        let tip = if label.is_empty() {
            tip
        } else {
            format!("{label}: {tip}")
        };
        let _ = write!(
            body,
            r#"<rect x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>"#,
            num(x - slot * 0.35),
            num(y.min(y0)),
            num(slot * 0.7),
            num((y - y0).abs()),
            escape(&tip)
        );
    }
    body.push_str("</g>");
    let _ = write!(
        body,
        r#"<path d="M{l} {t}V{b}M{l} {z}H{r}" fill="none" stroke="{AXIS}"/>"#,
        l = num(left),
        t = num(TOP),
        b = num(TOP + PLOT_H),
        z = num(y0),
        r = num(W - 12.0)
    );
    let entries: Vec<LegendEntry> = c
        .legend
        .iter()
        .map(|label| {
            let colour = colour.clone();
            LegendEntry {
                label: label.clone(),
                swatch: Box::new(move |x, y, s| {
                    format!(
                        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{colour}"/>"#,
                        num(x),
                        num(y),
                        num(s),
                        num(s)
                    )
                }),
            }
        })
        .collect();
    finish(h, body, &entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks() {
        assert_eq!(
            Axis::new(0.0, 97.0).ticks,
            [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(Axis::new(3.0, 3.0).ticks.len(), 5);
        let a = Axis::new(-f64::MAX, f64::MAX);
        assert!(a.ticks.iter().all(|t| t.is_finite()));
        assert!(a.y(0.0).is_finite());
        let a = Axis::new(1e20, 1e20 + 1e5);
        assert!(a.ticks.len() >= 2);
    }
}
