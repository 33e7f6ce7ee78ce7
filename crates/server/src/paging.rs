//! `perPage` / `nextPageToken` and the `Link: <…>; rel="next"` header.

use app::App;
use axum::http::{HeaderMap, HeaderValue, header};
use store::PageRequest;

use crate::problem::ApiError;

/// URL query pairs, percent-decoded, in order.
pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .into_owned()
            .collect()
    })
    .unwrap_or_default()
}

pub fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The page the client asks for.
pub fn page_request(app: &App, pairs: &[(String, String)]) -> Result<PageRequest, ApiError> {
    Ok(app::query::page_request(
        app,
        get(pairs, "perPage"),
        get(pairs, "nextPageToken"),
    )?)
}

/// Adds `Link` (absolute URL of the next page) and `GS1-Next-Page-Token-Expires` when there
/// is a next page.
pub fn add_next_link(
    app: &App,
    out: &mut HeaderMap,
    req: &HeaderMap,
    path: &str,
    pairs: &[(String, String)],
    next: Option<&str>,
) {
    let Some(token) = next else {
        return;
    };
    let base = match &app.config.base_url {
        Some(b) => b.trim_end_matches('/').to_owned(),
        None => {
            let host = req
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            format!("http://{host}")
        }
    };
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(k, _)| k != "nextPageToken") {
        ser.append_pair(k, v);
    }
    ser.append_pair("nextPageToken", token);
    let link = format!("<{base}{path}?{}>; rel=\"next\"", ser.finish());
    if let Ok(v) = HeaderValue::from_str(&link) {
        out.insert(header::LINK, v);
    }
    // Page tokens are stateless positions in the result order: they do not expire. A day
    // is advertised so clients do not hold them for ever.
    let expires = app::clock::format_time(app.clock.now() + chrono::Duration::days(1));
    if let Ok(v) = HeaderValue::from_str(&expires) {
        out.insert("GS1-Next-Page-Token-Expires", v);
    }
}
