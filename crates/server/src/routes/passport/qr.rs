//! `GET /qr?target=URL[&format=svg|png][&size=PX]`: a QR code for a label. Only http(s) URLs
//! are encoded, so the platform never prints a code that leads somewhere unexpected (a
//! `javascript:` or `data:` URI).

use app::AppError;
use axum::extract::Query;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use qrcode::{EcLevel, QrCode};
use serde::Deserialize;

use crate::problem::ApiError;

/// Longest target encoded: a Digital Link is far shorter, and a label must stay scannable.
const MAX_TARGET: usize = 1_024;

#[derive(Debug, Deserialize)]
pub struct QrParams {
    target: Option<String>,
    format: Option<String>,
    size: Option<u32>,
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError(AppError::QueryParameter(msg.into()))
}

/// The target if it is an absolute http(s) URL with a host.
pub fn check_target(target: &str) -> Result<url::Url, String> {
    if target.len() > MAX_TARGET {
        return Err(format!(
            "target is {} bytes; at most {MAX_TARGET} are encoded",
            target.len()
        ));
    }
    let url = url::Url::parse(target).map_err(|e| format!("target is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(format!(
            "target must be an http or https URL with a host, not '{}:…'",
            url.scheme()
        ));
    }
    Ok(url)
}

pub async fn qr(Query(q): Query<QrParams>) -> Result<Response, ApiError> {
    let target = q
        .target
        .ok_or_else(|| bad("target is required: /qr?target=https://…"))?;
    check_target(&target).map_err(bad)?;
    // Medium error correction: labels get scuffed, and M still fits a Digital Link in a
    // small symbol.
    let code = QrCode::with_error_correction_level(target.as_bytes(), EcLevel::M)
        .map_err(|e| bad(format!("target cannot be encoded: {e}")))?;
    let size = q.size.unwrap_or(256).clamp(64, 2_048);
    let cache = HeaderValue::from_static("public, max-age=86400");
    match q.format.as_deref().unwrap_or("svg") {
        "svg" => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(size, size)
                .quiet_zone(true)
                .build();
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("image/svg+xml"),
                    ),
                    (header::CACHE_CONTROL, cache),
                ],
                svg,
            )
                .into_response())
        }
        "png" => {
            let img = code
                .render::<image::Luma<u8>>()
                .min_dimensions(size, size)
                .quiet_zone(true)
                .build();
            let mut png = Vec::new();
            image::DynamicImage::ImageLuma8(img)
                .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                .map_err(|e| ApiError(AppError::Internal(format!("PNG encoding: {e}"))))?;
            Ok((
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
                    (header::CACHE_CONTROL, cache),
                ],
                png,
            )
                .into_response())
        }
        other => Err(bad(format!("format must be svg or png, not '{other}'"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls() {
        assert!(check_target("https://example.mn/01/09506000134352/21/1").is_ok());
        assert!(check_target("http://127.0.0.1:8080/x").is_ok());
        assert!(check_target("javascript:alert(1)").is_err());
        assert!(check_target("data:text/html,hi").is_err());
        assert!(check_target("ftp://example.mn/").is_err());
        assert!(check_target("/relative").is_err());
        assert!(check_target(&format!("https://e.mn/{}", "a".repeat(2000))).is_err());
    }
}
