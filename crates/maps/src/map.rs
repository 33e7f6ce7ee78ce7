//! The aimag map: a choropleth and point layers over the embedded boundaries.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::geo::{MAP_HEIGHT, MAP_WIDTH, geometry, project};
use crate::scale::Palette;
use crate::svg::{LegendEntry, escape, legend, num, open, rings_path, sanitize_id};

const OUTLINE: &str = "#4a4a4a";
const NO_DATA_FILL: &str = "#e6e6e6";
const BASE_FILL: &str = "#f2efe9";

/// Aimags coloured by class, each with its own tooltip text.
#[derive(Debug, Clone)]
pub struct Choropleth {
    palette: Palette,
    legend_title: String,
    class_labels: Vec<String>,
    no_data_label: String,
    values: BTreeMap<u8, (usize, String)>,
    names: BTreeMap<u8, String>,
    highlight: BTreeSet<u8>,
}

impl Choropleth {
    /// `class_labels[i]` names class `i` (colour `palette.colours[i]`) in the legend;
    /// `no_data_label` names the hatched fill of aimags without a value.
    pub fn new(
        palette: Palette,
        legend_title: impl Into<String>,
        class_labels: impl IntoIterator<Item = impl Into<String>>,
        no_data_label: impl Into<String>,
    ) -> Choropleth {
        Choropleth {
            palette,
            legend_title: legend_title.into(),
            class_labels: class_labels.into_iter().map(Into::into).collect(),
            no_data_label: no_data_label.into(),
            values: BTreeMap::new(),
            names: BTreeMap::new(),
            highlight: BTreeSet::new(),
        }
    }

    /// The class (0-based index into the palette) of aimag `code` and the text of its tooltip,
    /// e.g. "Zavkhan: risk 4, high". A class outside the palette counts as no data.
    pub fn value(mut self, code: u8, class: usize, label: impl Into<String>) -> Choropleth {
        self.values.insert(code, (class, label.into()));
        self
    }

    /// Aimag names for the tooltips of aimags without a value ("name: no data").
    pub fn names(mut self, names: impl IntoIterator<Item = (u8, impl Into<String>)>) -> Self {
        self.names
            .extend(names.into_iter().map(|(c, n)| (c, n.into())));
        self
    }

    /// Outlines aimag `code` boldly (e.g. the aimag a product comes from).
    pub fn highlight(mut self, code: u8) -> Choropleth {
        self.highlight.insert(code);
        self
    }

    fn fill_of(&self, code: u8) -> Option<(&str, &str)> {
        let (class, label) = self.values.get(&code)?;
        let colour = self.palette.colours.get(*class)?;
        Some((colour, label))
    }
}

/// Circles at (lon, lat) whose area is proportional to the value.
#[derive(Debug, Clone)]
pub struct Points {
    colour: String,
    legend_label: Option<String>,
    max_radius: f64,
    items: Vec<(f64, f64, f64, String)>,
}

impl Points {
    pub fn new(colour: impl Into<String>) -> Points {
        Points {
            colour: colour.into(),
            legend_label: None,
            max_radius: 16.0,
            items: Vec::new(),
        }
    }

    /// A legend entry for the layer.
    pub fn legend(mut self, label: impl Into<String>) -> Points {
        self.legend_label = Some(label.into());
        self
    }

    /// The radius of the largest value, in units of a 1000-unit-wide map (default 16).
    pub fn max_radius(mut self, r: f64) -> Points {
        if r.is_finite() && r > 0.0 {
            self.max_radius = r;
        }
        self
    }

    /// A point with its tooltip text. Values that are not finite or not positive are not drawn,
    /// nor are points with non-finite coordinates.
    pub fn point(mut self, lon: f64, lat: f64, value: f64, label: impl Into<String>) -> Points {
        self.items.push((lon, lat, value, label.into()));
        self
    }

    /// A point at the centre (capital town) of aimag `code`; an unknown code adds nothing.
    pub fn aimag_centre(self, code: u8, value: f64, label: impl Into<String>) -> Points {
        match mongolia::aimag(code) {
            Some(a) => self.point(a.centre_lon, a.centre_lat, value, label),
            None => self,
        }
    }
}

/// A map of the aimags with optional layers: `Map::new(..).choropleth(..).points(..).render()`.
#[derive(Debug, Clone)]
pub struct Map {
    id: String,
    title: String,
    desc: String,
    only: BTreeSet<u8>,
    choropleth: Option<Choropleth>,
    points: Vec<Points>,
}

impl Map {
    /// `id` prefixes the ids of the SVG's elements and must be unique in the page; `title` and
    /// `desc` are what a screen reader announces.
    pub fn new(id: &str, title: impl Into<String>, desc: impl Into<String>) -> Map {
        Map {
            id: sanitize_id(id),
            title: title.into(),
            desc: desc.into(),
            only: BTreeSet::new(),
            choropleth: None,
            points: Vec::new(),
        }
    }

    /// Draws only these aimags, framed to fit them (a regional or single-aimag map).
    pub fn only(mut self, codes: impl IntoIterator<Item = u8>) -> Map {
        self.only.extend(codes);
        self
    }

    pub fn choropleth(mut self, c: Choropleth) -> Map {
        self.choropleth = Some(c);
        self
    }

    pub fn points(mut self, p: Points) -> Map {
        self.points.push(p);
        self
    }

    /// The frame in map units: the whole country, or the drawn aimags with a margin.
    fn frame(&self) -> [f64; 4] {
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for code in &self.only {
            for ring in geometry().aimags.get(code).into_iter().flatten() {
                for &(x, y) in ring {
                    let (x, y) = (f64::from(x), f64::from(y));
                    b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
                }
            }
        }
        if b[0] > b[2] {
            return [0.0, 0.0, MAP_WIDTH, MAP_HEIGHT];
        }
        let m = ((b[2] - b[0]).max(b[3] - b[1]) * 0.05).max(2.0);
        [
            b[0] - m,
            b[1] - m,
            b[2] - b[0] + 2.0 * m,
            b[3] - b[1] + 2.0 * m,
        ]
    }

    pub fn render(&self) -> String {
        let id = &self.id;
        let frame = self.frame();
        // Sizes (text, strokes, radii) follow the frame so a cropped map reads like the full one.
        let u = frame[2].max(frame[3] * 2.0) / MAP_WIDTH;
        let font = 20.0 * u;
        let g = geometry();
        let drawn: Vec<u8> = g
            .aimags
            .keys()
            .copied()
            .filter(|c| self.only.is_empty() || self.only.contains(c))
            .collect();

        let mut body = String::new();
        let _ = write!(
            body,
            r##"<defs><pattern id="{id}-nd" width="{w}" height="{w}" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="{w}" height="{w}" fill="{NO_DATA_FILL}"/><path d="M0 0V{w}" stroke="#a6a6a6" stroke-width="{sw}"/></pattern></defs>"##,
            w = num(6.0 * u),
            sw = num(2.0 * u),
        );
        let _ = write!(
            body,
            r#"<g stroke="{OUTLINE}" stroke-width="{}" stroke-linejoin="round">"#,
            num(0.8 * u)
        );
        let mut any_no_data = false;
        for code in &drawn {
            let d = rings_path(&g.aimags[code]);
            let (fill, label) = match &self.choropleth {
                None => (BASE_FILL.to_string(), String::new()),
                Some(c) => match c.fill_of(*code) {
                    Some((colour, label)) => (escape(colour), label.to_string()),
                    None => {
                        any_no_data = true;
                        let label = match c.names.get(code) {
                            Some(n) => format!("{n}: {}", c.no_data_label),
                            None => c.no_data_label.clone(),
                        };
                        (format!("url(#{id}-nd)"), label)
                    }
                },
            };
            if label.is_empty() {
                let _ = write!(body, r#"<path d="{d}" fill="{fill}"/>"#);
            } else {
                let _ = write!(
                    body,
                    r#"<path d="{d}" fill="{fill}"><title>{}</title></path>"#,
                    escape(&label)
                );
            }
        }
        body.push_str("</g>");
        if let Some(c) = &self.choropleth {
            for code in c.highlight.iter().filter(|c| drawn.contains(c)) {
                let d = rings_path(&g.aimags[code]);
                let _ = write!(
                    body,
                    r##"<path d="{d}" fill="none" stroke="#fff" stroke-width="{}" aria-hidden="true"/><path d="{d}" fill="none" stroke="#000" stroke-width="{}" aria-hidden="true"/>"##,
                    num(5.0 * u),
                    num(2.5 * u)
                );
            }
        }
        for layer in &self.points {
            body.push_str(&points_markup(layer, u));
        }

        let mut entries = Vec::new();
        if let Some(c) = &self.choropleth {
            for (i, colour) in c.palette.colours.iter().enumerate() {
                let colour = escape(colour);
                entries.push(LegendEntry {
                    label: c.class_labels.get(i).cloned().unwrap_or_default(),
                    swatch: Box::new(move |x, y, s| rect(x, y, s, &colour, u)),
                });
            }
            if any_no_data {
                let fill = format!("url(#{id}-nd)");
                entries.push(LegendEntry {
                    label: c.no_data_label.clone(),
                    swatch: Box::new(move |x, y, s| rect(x, y, s, &fill, u)),
                });
            }
        }
        for layer in &self.points {
            if let Some(label) = &layer.legend_label {
                let colour = escape(&layer.colour);
                entries.push(LegendEntry {
                    label: label.clone(),
                    swatch: Box::new(move |x, y, s| {
                        format!(
                            r##"<circle cx="{}" cy="{}" r="{}" fill="{colour}" fill-opacity="0.75" stroke="#333" stroke-width="{}"/>"##,
                            num(x + s / 2.0),
                            num(y + s / 2.0),
                            num(s / 2.5),
                            num(0.8 * u)
                        )
                    }),
                });
            }
        }
        let legend_title = self
            .choropleth
            .as_ref()
            .map(|c| c.legend_title.as_str())
            .unwrap_or_default();
        let bottom = frame[1] + frame[3];
        let (legend_markup, legend_bottom) = if entries.is_empty() && legend_title.is_empty() {
            (String::new(), bottom)
        } else {
            let (m, y) = legend(
                legend_title,
                &entries,
                frame[0] + 10.0 * u,
                bottom,
                frame[2] - 20.0 * u,
                font,
            );
            (m, y + 6.0 * u)
        };

        let mut out = String::new();
        let view = [frame[0], frame[1], frame[2], legend_bottom - frame[1]];
        open(&mut out, id, view, &self.title, &self.desc);
        out.push_str(&body);
        out.push_str(&legend_markup);
        out.push_str("</svg>");
        out
    }
}

fn rect(x: f64, y: f64, s: f64, fill: &str, u: f64) -> String {
    format!(
        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}" stroke="{OUTLINE}" stroke-width="{}"/>"#,
        num(x),
        num(y),
        num(s),
        num(s),
        num(0.8 * u)
    )
}

fn points_markup(layer: &Points, u: f64) -> String {
    let valid: Vec<&(f64, f64, f64, String)> = layer
        .items
        .iter()
        .filter(|(lon, lat, v, _)| lon.is_finite() && lat.is_finite() && v.is_finite() && *v > 0.0)
        .collect();
    let vmax = valid.iter().map(|p| p.2).fold(0.0_f64, f64::max);
    let mut circles: Vec<(f64, f64, f64, &str)> = valid
        .iter()
        .map(|(lon, lat, v, label)| {
            let (x, y) = project(*lon, *lat);
            // sqrt: the circle's area, not its radius, is proportional to the value.
            let r = (layer.max_radius * (v / vmax).sqrt()).max(1.5) * u;
            (x, y, r, label.as_str())
        })
        .collect();
    // Large circles first, so that small ones stay visible and hoverable on top.
    circles.sort_by(|a, b| b.2.total_cmp(&a.2));
    let mut out = format!(
        r##"<g fill="{}" fill-opacity="0.75" stroke="#333" stroke-width="{}">"##,
        escape(&layer.colour),
        num(0.8 * u)
    );
    for (x, y, r, label) in circles {
        let _ = write!(
            out,
            r#"<circle cx="{}" cy="{}" r="{}"><title>{}</title></circle>"#,
            num(x),
            num(y),
            num(r),
            escape(label)
        );
    }
    out.push_str("</g>");
    out
}
