//! The passport page: server-rendered HTML (askama), inline CSS, no script, a few kilobytes,
//! so that it opens on a phone over a slow link. The origin map is a small SVG of the aimag
//! centres (dots sized by share) drawn here; the shaded boundary map is later work.

use app::AppError;
use askama::Template;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::data::{AimagOrigin, Passport};
use super::ld;
use crate::problem::ApiError;

#[derive(Template)]
#[template(path = "passport.html")]
struct Page<'a> {
    p: &'a Passport,
    title: String,
    url: String,
    json_url: String,
    linkset_url: String,
    provenance_url: String,
    qr_url: String,
    proof_url: String,
    checkpoint_url: String,
    map: String,
    mongolian_pct: String,
}

/// Mongolia's extent, degrees (a little margin around the aimag centres).
const LON: (f64, f64) = (87.5, 120.0);
const LAT: (f64, f64) = (41.5, 52.2);

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Aimag centres of Mongolia as grey dots, the origin aimags as dots whose area is their share.
pub fn map(origin: &[AimagOrigin]) -> String {
    let (w, h) = (320.0, 160.0);
    let x = |lon: f64| (lon - LON.0) / (LON.1 - LON.0) * w;
    let y = |lat: f64| (LAT.1 - lat) / (LAT.1 - LAT.0) * h;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
         aria-labelledby=\"map-t\"><title id=\"map-t\">Origin of the fibre by aimag</title>\
         <rect width=\"{w}\" height=\"{h}\" rx=\"8\" fill=\"#f3efe6\"/>"
    );
    for a in mongolia::aimags() {
        if a.centre_lat == 0.0 {
            continue;
        }
        svg.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2\" fill=\"#b9b2a3\"/>",
            x(a.centre_lon),
            y(a.centre_lat)
        ));
    }
    for a in origin.iter().filter(|a| a.lat != 0.0) {
        let r = 4.0 + 18.0 * (f64::from(a.basis_points) / 10_000.0).sqrt();
        svg.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r:.1}\" fill=\"#8a5a2b\" fill-opacity=\"0.7\">\
             <title>{}: {}.{:02} %</title></circle>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\">{}</text>",
            x(a.lon),
            y(a.lat),
            escape(&a.name),
            a.basis_points / 100,
            a.basis_points % 100,
            x(a.lon),
            y(a.lat) - r - 2.0,
            escape(&a.name),
        ));
    }
    svg.push_str("</svg>");
    svg
}

pub fn render(base: &str, p: &Passport) -> Result<Response, ApiError> {
    let url = ld::resolver_url(base, p);
    let mongolian = p
        .claims
        .iter()
        .find(|c| c.key == "mongolian-cashmere")
        .map(|c| c.percent())
        .unwrap_or_else(|| "0.00".into());
    let page = Page {
        p,
        title: if p.kind == "garment" {
            "Cashmere garment".into()
        } else {
            "Cashmere lot".into()
        },
        json_url: format!("{url}?format=jsonld"),
        linkset_url: format!("{url}?linkType=all"),
        provenance_url: ld::provenance_url(base, p),
        qr_url: format!("{base}/qr?target={}", ld::enc(&url)),
        proof_url: p
            .integrity
            .as_ref()
            .map(|i| ld::proof_url(base, &i.event_id))
            .unwrap_or_default(),
        checkpoint_url: format!("{base}/log/checkpoint"),
        map: map(&p.aimags),
        mongolian_pct: mongolian,
        url,
    };
    let html = page
        .render()
        .map_err(|e| ApiError(AppError::Internal(format!("the passport page: {e}"))))?;
    let mut r = html.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Ok(r)
}
