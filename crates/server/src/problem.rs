//! Every error as RFC 9457 problem details (`application/problem+json`), with the GS1 EPCIS
//! exception name as `type` and the request path as `instance`.

use app::AppError;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// A handler error: renders as a problem; the middleware adds `instance`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        ApiError(e)
    }
}

/// The problem body carried in the response extensions until [`add_instance`] finishes it.
#[derive(Debug, Clone)]
struct Pending(Value);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let AppError::Store(e) = &self.0 {
            tracing::error!("storage error: {e}");
        } else if let AppError::Internal(e) = &self.0 {
            tracing::error!("internal error: {e}");
        }
        let status =
            StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = problem_response(status, self.0.problem(None));
        if status == StatusCode::UNAUTHORIZED {
            // RFC 9110 §11.6.1: a 401 names the scheme the client should use.
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"epcis\""),
            );
        }
        resp
    }
}

fn problem_response(status: StatusCode, body: Value) -> Response {
    let mut resp = (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
        body.to_string(),
    )
        .into_response();
    resp.extensions_mut().insert(Pending(body));
    resp
}

/// A problem for a status without an [`AppError`] (unknown route, wrong method, …).
pub fn from_status(status: StatusCode) -> Value {
    let (kind, title) = match status.as_u16() {
        400 => ("epcisException:ValidationException", "Bad request"),
        401 => ("epcisException:SecurityException", "Unauthorised request"),
        403 => (
            "epcisException:SecurityException",
            "Access to resource forbidden",
        ),
        404 => (
            "epcisException:NoSuchResourceException",
            "Resource not found",
        ),
        // Not a fault of the implementation, and the REST binding names no exception for
        // it: RFC 9457's `about:blank` (the status code says it all).
        405 => ("about:blank", "Method Not Allowed"),
        406 => (
            "epcisException:NotAcceptableException",
            "Conflicting request and response headers",
        ),
        413 => (
            "epcisException:CaptureLimitExceededException",
            "Capture payload too large",
        ),
        414 => ("epcisException:URITooLongException", "URI too long"),
        415 => (
            "epcisException:UnsupportedMediaTypeException",
            "Unsupported media type",
        ),
        // Other client errors are the client's, not the implementation's.
        s if (400..500).contains(&s) => ("about:blank", status.canonical_reason().unwrap_or("")),
        _ => (
            "epcisException:ImplementationException",
            "A server-side error occurred",
        ),
    };
    json!({
        "type": kind,
        "title": title,
        "status": status.as_u16(),
        "detail": status.canonical_reason().unwrap_or(title),
    })
}

/// Middleware: fills `instance` with the request path, and turns bare error responses
/// (axum's 404/405, extractor rejections) into problem details too.
pub async fn add_instance(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut resp = next.run(req).await;
    let status = resp.status();
    let pending = resp.extensions_mut().remove::<Pending>();
    let body = match pending {
        Some(Pending(b)) => b,
        None if status.is_client_error() || status.is_server_error() => {
            let is_problem = resp
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
            // The dashboards' own error pages are HTML for people, not problems for programs.
            let is_page = resp
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
            if is_problem || is_page {
                return resp;
            }
            let mut p = from_status(status);
            if let Ok(bytes) =
                axum::body::to_bytes(std::mem::take(resp.body_mut()), 64 * 1024).await
                && !bytes.is_empty()
            {
                p["detail"] = String::from_utf8_lossy(&bytes).into_owned().into();
            }
            p
        }
        None => return resp,
    };
    let mut body = body;
    body["instance"] = path.into();
    let (mut parts, _) = resp.into_parts();
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body.to_string()))
}
