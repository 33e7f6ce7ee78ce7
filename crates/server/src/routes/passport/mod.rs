//! The public product passport (issue 8): this server is a GS1 Digital Link resolver.
//!
//! - `GET /01/{gtin}/21/{serial}` (a garment) and `GET /01/{gtin}/10/{lot}` (a lot), any GTIN
//!   form the `epcis` id module accepts (8, 12, 13 or 14 digits): browsers (`Accept:
//!   text/html`) get the passport page, machines (`application/ld+json`, `application/json`)
//!   the JSON-LD passport; `?linkType=all` gives the RFC 9264 linkset, `?linkType=gs1:pip`
//!   the page, `gs1:traceability` and `gs1:certificationInfo` redirect to their target (300
//!   with a linkset when there are several).
//! - `GET /qr?target=URL&format=svg|png`: QR codes for labels.
//!
//! No token: the passport is public, and shows only what the public may see (see [`data`]).

mod cache;
mod data;
mod journal;
mod journey;
mod ld;
mod page;
mod qr;

use app::{App, AppError};
use axum::Extension;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::problem::ApiError;

pub use cache::PageCache;

/// The kept passports of this router (see [`cache`]).
type Pages = Extension<std::sync::Arc<PageCache>>;

pub fn add_routes(r: Router<App>) -> Router<App> {
    r.route("/01/{gtin}/21/{serial}", get(by_serial))
        .route("/01/{gtin}/10/{lot}", get(by_lot))
        .route("/qr", get(qr::qr))
}

#[derive(Debug, Default, Deserialize)]
pub struct ResolveParams {
    #[serde(rename = "linkType")]
    link_type: Option<String>,
    /// `jsonld` forces the JSON-LD passport (a link a browser can follow).
    format: Option<String>,
}

async fn by_serial(
    State(app): State<App>,
    Extension(pages): Pages,
    headers: HeaderMap,
    Path((gtin, serial)): Path<(String, String)>,
    Query(q): Query<ResolveParams>,
) -> Result<Response, ApiError> {
    let subject = subject(&gtin, "21", &serial)?;
    resolve(&app, &pages, &headers, subject, q).await
}

async fn by_lot(
    State(app): State<App>,
    Extension(pages): Pages,
    headers: HeaderMap,
    Path((gtin, lot)): Path<(String, String)>,
    Query(q): Query<ResolveParams>,
) -> Result<Response, ApiError> {
    let subject = subject(&gtin, "10", &lot)?;
    resolve(&app, &pages, &headers, subject, q).await
}

/// The canonical identifiers of a request path; 404 when it names no valid GS1 key.
fn subject(gtin: &str, ai: &str, value: &str) -> Result<data::Subject, ApiError> {
    let written = format!("https://id.gs1.org/01/{gtin}/{ai}/{}", ld::enc(value));
    let what = if ai == "21" { "garment" } else { "lot" };
    let key = epcis::id::parse_digital_link(&written)
        .map_err(|e| ApiError(AppError::not_found(what, format!("{written} ({e})"))))?;
    let dl = key.to_digital_link();
    // The GTIN as the canonical link spells it (14 digits).
    let gtin14 = dl
        .strip_prefix("https://id.gs1.org/01/")
        .and_then(|r| r.split('/').next())
        .unwrap_or(gtin)
        .to_owned();
    Ok(data::Subject {
        dl,
        gtin: gtin14,
        serial: (ai == "21").then(|| value.to_owned()),
        lot: (ai == "10").then(|| value.to_owned()),
    })
}

/// The base URL links are written under: the configured one, else this request's host.
fn base(app: &App, headers: &HeaderMap) -> String {
    if let Some(b) = &app.config.base_url {
        return b.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("127.0.0.1:8080");
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{proto}://{host}")
}

/// What the client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Html,
    JsonLd,
    Json,
}

/// Reads `Accept` (with q-values): the best of HTML, JSON-LD and JSON; HTML when there is no
/// header or only `*/*`; `None` when nothing offered is acceptable.
fn want(headers: &HeaderMap) -> Option<Want> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|h| h.to_str().ok()) else {
        return Some(Want::Html);
    };
    let mut best: Option<(f32, u8, Want)> = None;
    for item in accept.split(',') {
        let (media, q) = crate::negotiate::weighted(item);
        let media = media.to_ascii_lowercase();
        if q <= 0.0 {
            continue;
        }
        // Specific types beat wildcards at equal q.
        let (w, specificity) = match media.as_str() {
            "text/html" | "application/xhtml+xml" => (Want::Html, 3),
            "application/ld+json" => (Want::JsonLd, 3),
            "application/json" => (Want::Json, 3),
            "text/*" => (Want::Html, 2),
            "application/*" => (Want::JsonLd, 2),
            "*/*" => (Want::Html, 1),
            _ => continue,
        };
        if best.is_none_or(|(bq, bs, _)| q > bq || (q == bq && specificity > bs)) {
            best = Some((q, specificity, w));
        }
    }
    best.map(|(_, _, w)| w)
}

fn with_type(body: impl IntoResponse, media: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    r
}

fn linkset_response(status: StatusCode, v: &serde_json::Value) -> Response {
    with_type((status, v.to_string()), "application/linkset+json")
}

/// Answers from the kept passports while the store has not changed (see [`cache`]).
async fn resolve(
    app: &App,
    pages: &PageCache,
    headers: &HeaderMap,
    subject: data::Subject,
    q: ResolveParams,
) -> Result<Response, ApiError> {
    // Read before anything the answer is built from, so a change made meanwhile shows as a
    // newer revision on the next request.
    let revision = app
        .store
        .revision()
        .await
        .map_err(|e| ApiError(AppError::from(e)))?;
    let now = app.clock.now().timestamp_micros();
    // Everything the answer varies by: the representation negotiated below is a function of
    // `Accept` and the query, the page's language of `Accept-Language` and the cookie.
    let key = format!(
        "{}\n{}\n{:?}\n{:?}\n{:?}\n{}",
        subject.dl,
        base(app, headers),
        q.link_type,
        q.format,
        want(headers),
        crate::web::Lang::of(headers).code()
    );
    let (kept, hit) = pages
        .get_or_build(app.store.as_ref(), key, revision, now, || {
            build(app, headers, subject, q)
        })
        .await?;
    Ok(cache::respond(&kept, hit, headers))
}

/// The answer, and what an event must name to change it.
async fn build(
    app: &App,
    headers: &HeaderMap,
    subject: data::Subject,
    q: ResolveParams,
) -> Result<(Response, Vec<String>), ApiError> {
    let base = base(app, headers);
    let link_type = q.link_type.as_deref().map(|t| {
        t.strip_prefix("gs1:")
            .or_else(|| t.strip_prefix(ld::GS1_VOC))
            .unwrap_or(t)
    });
    let wanted = match link_type {
        Some("pip") => Some(Want::Html),
        Some(_) => None,
        None if q.format.as_deref() == Some("jsonld") => Some(Want::JsonLd),
        None => Some(want(headers).ok_or_else(|| {
            ApiError(AppError::NotAcceptable(
                "the passport is offered as text/html, application/ld+json and application/json"
                    .into(),
            ))
        })?),
    };
    let path = subject
        .dl
        .strip_prefix("https://id.gs1.org")
        .unwrap_or("/app")
        .to_owned();
    let mut p = data::gather(app, subject).await?;
    let depends_on = std::mem::take(&mut p.depends_on);
    let mut resp = match (link_type, wanted) {
        (_, Some(Want::Html)) => page::render(app, headers, &path, &base, &p).await?,
        (_, Some(Want::JsonLd)) => {
            with_type(ld::passport(&base, &p).to_string(), "application/ld+json")
        }
        (_, Some(Want::Json)) => with_type(ld::passport(&base, &p).to_string(), "application/json"),
        (Some("all"), None) => linkset_response(StatusCode::OK, &ld::linkset(&base, &p)),
        (Some(t), None) => {
            let links: Vec<ld::Link> = ld::links(&base, &p)
                .into_iter()
                .filter(|l| l.rel == t)
                .collect();
            match links.as_slice() {
                [] => {
                    return Err(ApiError(AppError::not_found(
                        "link of that type",
                        format!("gs1:{t}"),
                    )));
                }
                [one] => {
                    let mut r = StatusCode::TEMPORARY_REDIRECT.into_response();
                    if let Ok(v) = HeaderValue::from_str(&one.href) {
                        r.headers_mut().insert(header::LOCATION, v);
                    }
                    r
                }
                many => {
                    let items: Vec<serde_json::Value> = many
                        .iter()
                        .map(|l| serde_json::json!({"href": l.href, "title": l.title, "type": l.media}))
                        .collect();
                    let v = serde_json::json!({"linkset": [{
                        "anchor": ld::resolver_url(&base, &p),
                        format!("{}{t}", ld::GS1_VOC): items,
                    }]});
                    linkset_response(StatusCode::MULTIPLE_CHOICES, &v)
                }
            }
        }
        (None, None) => unreachable!("without linkType a representation is always chosen"),
    };
    let h = resp.headers_mut();
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Encoding, Accept-Language, Cookie"),
    );
    let link = format!(
        "<{}?linkType=all>; rel=\"linkset\"; type=\"application/linkset+json\"",
        ld::resolver_url(&base, &p)
    );
    if let Ok(v) = HeaderValue::from_str(&link) {
        h.insert(header::LINK, v);
    }
    Ok((resp, depends_on))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).expect("header"));
        h
    }

    #[test]
    fn negotiation() {
        assert_eq!(want(&HeaderMap::new()), Some(Want::Html));
        assert_eq!(
            want(&accept("text/html,application/xhtml+xml,*/*;q=0.8")),
            Some(Want::Html)
        );
        assert_eq!(want(&accept("application/ld+json")), Some(Want::JsonLd));
        assert_eq!(
            want(&accept("text/html;q=0.5, application/json")),
            Some(Want::Json)
        );
        assert_eq!(want(&accept("*/*")), Some(Want::Html));
        assert_eq!(want(&accept("image/png")), None);
    }

    #[test]
    fn subjects() {
        let s = subject("9506000134352", "21", "A1").expect("GTIN-13");
        assert_eq!(s.gtin, "09506000134352");
        assert!(s.dl.starts_with("https://id.gs1.org/01/09506000134352/21/A"));
        assert!(subject("09506000134353", "21", "1").is_err());
    }
}
