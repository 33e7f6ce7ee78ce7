//! Content negotiation: what the client sends (`Content-Type`, or sniffed) and what it accepts
//! (`Accept`: JSON-LD, JSON or XML), and the `GS1-EPC-Format` header.

use app::AppError;
use app::render::EpcFormat;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::problem::ApiError;

/// The media type of an EPCIS document answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    JsonLd,
    Json,
    Xml,
}

impl Output {
    pub fn content_type(self) -> &'static str {
        match self {
            Output::JsonLd => "application/ld+json",
            Output::Json => "application/json",
            Output::Xml => "application/xml",
        }
    }
}

/// One element of an `Accept`-style list (`Accept`, `Accept-Language`, `Accept-Encoding`):
/// its value, trimmed, and its q-value (1 when absent or unreadable).
pub fn weighted(item: &str) -> (&str, f32) {
    let mut parts = item.split(';');
    let value = parts.next().unwrap_or("").trim();
    let q = parts
        .filter_map(|p| p.trim().strip_prefix("q="))
        .find_map(|q| q.trim().parse::<f32>().ok())
        .unwrap_or(1.0);
    (value, q)
}

/// The first acceptable type of `Accept` (q-values with 0 excluded); JSON-LD when absent.
pub fn output(headers: &HeaderMap) -> Result<Output, ApiError> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(Output::JsonLd);
    };
    let mut ranges: Vec<(f32, usize, &str)> = Vec::new();
    for (i, part) in accept.split(',').enumerate() {
        let (media, q) = weighted(part);
        if q > 0.0 && !media.is_empty() {
            ranges.push((q, i, media));
        }
    }
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, _, media) in &ranges {
        let found = match media.to_ascii_lowercase().as_str() {
            "application/ld+json" | "*/*" | "application/*" => Some(Output::JsonLd),
            "application/json" => Some(Output::Json),
            "application/xml" | "text/xml" | "text/*" => Some(Output::Xml),
            _ => None,
        };
        if let Some(o) = found {
            return Ok(o);
        }
    }
    Err(ApiError(AppError::NotAcceptable(format!(
        "cannot answer in any of '{accept}'; this endpoint answers application/ld+json, application/json or application/xml"
    ))))
}

/// `GS1-EPC-Format`, or the configured default when absent.
pub fn epc_format(headers: &HeaderMap, default: EpcFormat) -> Result<EpcFormat, ApiError> {
    match headers.get("GS1-EPC-Format") {
        None => Ok(default),
        Some(v) => v
            .to_str()
            .ok()
            .and_then(EpcFormat::parse)
            .ok_or_else(|| {
                ApiError(AppError::QueryParameter(format!(
                    "GS1-EPC-Format must be No_Preference, Always_GS1_Digital_Link, Always_EPC_URN or Never_Translates, not '{}'",
                    String::from_utf8_lossy(v.as_bytes())
                )))
            }),
    }
}

/// Checks the request `Content-Type` of an EPCIS document body: JSON(-LD), XML, or absent.
pub fn check_document_type(headers: &HeaderMap) -> Result<String, ApiError> {
    let Some(ct) = headers.get(header::CONTENT_TYPE) else {
        return Ok(String::new());
    };
    let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
    let media = ct.split(';').next().unwrap_or("").trim().to_owned();
    let ok = media.is_empty()
        || media == "application/json"
        || media == "application/ld+json"
        || media == "application/xml"
        || media == "text/xml"
        || media.ends_with("+json")
        || media.ends_with("+xml");
    if ok {
        Ok(media)
    } else {
        Err(ApiError(AppError::UnsupportedMediaType(format!(
            "Content-Type '{media}' is not an EPCIS document type; send application/ld+json, application/json or application/xml"
        ))))
    }
}

/// Reads a request body up to `limit` bytes; 413 (CaptureLimitExceededException) beyond.
pub async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Vec<u8>, ApiError> {
    let too_big = |n: String| {
        ApiError(AppError::CaptureLimitExceeded(format!(
            "the request body has {n} bytes; this repository accepts at most {limit} bytes per request"
        )))
    };
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && len > limit as u64
    {
        return Err(too_big(len.to_string()));
    }
    match axum::body::to_bytes(body, limit).await {
        Ok(b) => Ok(b.to_vec()),
        Err(_) => Err(too_big("more than that".into())),
    }
}

/// A JSON value as a response with the given content type.
pub fn json_response(value: &serde_json::Value, content_type: &'static str) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        value.to_string(),
    )
        .into_response()
}

/// The extension prefixes a client declares in `GS1-Extensions` (for compact field names in
/// query parameters).
pub fn extensions(headers: &HeaderMap) -> Result<epcis::Namespaces, ApiError> {
    match headers.get("GS1-Extensions").and_then(|v| v.to_str().ok()) {
        None => Ok(epcis::Namespaces::new()),
        Some(v) => Ok(app::query::parse_extensions_header(v)?),
    }
}

/// Reads a JSON request body into `T`; a body that does not parse is a validation problem
/// naming the line and column (`what` says what the body should have been).
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError(AppError::validation(
            format!("{what}: {e}"),
            vec![app::ErrorItem {
                line: Some(e.line()),
                column: Some(e.column()),
                message: e.to_string(),
                ..Default::default()
            }],
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> Result<Output, ApiError> {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        output(&h)
    }

    #[test]
    fn accept_header() {
        assert_eq!(accept("application/xml").unwrap(), Output::Xml);
        assert_eq!(
            accept("text/html, application/json;q=0.5").unwrap(),
            Output::Json
        );
        assert_eq!(
            accept("application/xml;q=0.2, application/ld+json").unwrap(),
            Output::JsonLd
        );
        assert_eq!(accept("*/*").unwrap(), Output::JsonLd);
        assert_eq!(
            accept("application/json;q=0, text/xml").unwrap(),
            Output::Xml
        );
        assert_eq!(accept("text/html").unwrap_err().0.status(), 406);
        assert_eq!(output(&HeaderMap::new()).unwrap(), Output::JsonLd);
    }

    proptest::proptest! {
        #[test]
        fn header_parsers_never_panic(s in "[ -~]{0,80}") {
            if let Ok(v) = HeaderValue::from_str(&s) {
                let mut h = HeaderMap::new();
                h.insert(header::ACCEPT, v.clone());
                h.insert("GS1-EPC-Format", v.clone());
                h.insert("GS1-Extensions", v.clone());
                h.insert(header::CONTENT_TYPE, v);
                let _ = output(&h);
                let _ = epc_format(&h, EpcFormat::NoPreference);
                let _ = extensions(&h);
                let _ = check_document_type(&h);
            }
            let _ = crate::paging::pairs(Some(&s));
        }
    }
}
