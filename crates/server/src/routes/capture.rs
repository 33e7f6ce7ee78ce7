//! `POST /capture` (asynchronous, 202 + `Location: /capture/{id}`), `GET /capture`,
//! `GET /capture/{captureID}`.

use app::auth::Permission;
use app::{App, AppError};
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use store::CaptureMode;

use crate::negotiate::{check_document_type, json_response, read_body};
use crate::paging;
use crate::problem::ApiError;
use crate::{Auth, routes::events::segment};

/// `GS1-Capture-Error-Behaviour`: `rollback` (default) or `proceed`.
pub fn capture_mode(headers: &HeaderMap) -> Result<CaptureMode, ApiError> {
    match headers
        .get("GS1-Capture-Error-Behaviour")
        .map(|v| v.to_str().unwrap_or("").trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("rollback") | Some("all") => Ok(CaptureMode::Atomic),
        Some("proceed") => Ok(CaptureMode::Proceed),
        Some(other) => Err(ApiError(AppError::validation(
            format!("GS1-Capture-Error-Behaviour must be 'rollback' or 'proceed', not '{other}'"),
            Vec::new(),
        ))),
    }
}

pub async fn submit(
    Auth(principal): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    principal.require(Permission::Capture)?;
    let mode = capture_mode(&headers)?;
    let content_type = check_document_type(&headers)?;
    let bytes = read_body(&headers, body, app.config.capture_file_size_limit).await?;
    let job = app::jobs::submit(&app, &principal, bytes, &content_type, mode).await?;
    let location = format!("/capture/{}", segment(&job.id));
    let mut resp = json_response(&app::jobs::to_json(&job), "application/json");
    *resp.status_mut() = StatusCode::ACCEPTED;
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

pub async fn list(
    Auth(principal): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = paging::pairs(raw.as_deref());
    let page = paging::page_request(&app, &pairs)?;
    let jobs = app::jobs::list(&app, &principal, &page).await?;
    let body = Value::Array(jobs.items.iter().map(app::jobs::to_json).collect());
    let mut resp = json_response(&body, "application/json");
    paging::add_next_link(
        &app,
        resp.headers_mut(),
        &headers,
        "/capture",
        &pairs,
        jobs.next_token.as_deref(),
    );
    Ok(resp)
}

pub async fn job(
    Auth(principal): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let out = crate::negotiate::output(&headers)?;
    let job = app::jobs::get(&app, &principal, &id).await?;
    if out == crate::negotiate::Output::Xml {
        return Ok((
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/xml"),
            )],
            app::jobs::to_xml(&job),
        )
            .into_response());
    }
    Ok(json_response(&app::jobs::to_json(&job), "application/json").into_response())
}
