//! Provenance (issue 3): `GET /provenance/{id}` (public at soum level; the full report with a
//! token), `GET /trace/{id}?direction=backward|forward` and `GET /lots/{id}`. `{id}` is a
//! garment's Digital Link or EPC URN, a lot's LGTIN or private URI, percent-encoded as one
//! path segment (a Digital Link's slashes may also be left as they are).

use app::{App, AppError};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::Auth;
use crate::problem::ApiError;

fn id_or_404(id: String, what: &'static str) -> Result<String, ApiError> {
    if id.trim().is_empty() {
        return Err(ApiError(AppError::not_found(what, "")));
    }
    Ok(id)
}

pub async fn report(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = id_or_404(id, "garment or lot")?;
    // Anonymous readers get the public (soum-level) report; a token that is sent must be valid.
    let principal = match headers.get(header::AUTHORIZATION) {
        Some(h) => Some(app::auth::authenticate(&app, Some(h.to_str().unwrap_or(""))).await?),
        None => None,
    };
    let report = app::provenance::report(&app, principal.as_ref(), &id).await?;
    let body = report.to_json()?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[derive(Debug, Deserialize)]
pub struct TraceParams {
    direction: Option<String>,
}

pub async fn trace(
    State(app): State<App>,
    Auth(principal): Auth,
    Path(id): Path<String>,
    Query(params): Query<TraceParams>,
) -> Result<Response, ApiError> {
    let id = id_or_404(id, "lot, garment or case")?;
    let direction = match params.direction.as_deref() {
        None => app::provenance::Direction::Backward,
        Some(d) => app::provenance::Direction::parse(d).ok_or_else(|| {
            AppError::QueryParameter(format!("direction must be backward or forward, not '{d}'"))
        })?,
    };
    let value = app::provenance::trace(&app, &principal, &id, direction).await?;
    Ok(axum::Json(value).into_response())
}

pub async fn lot(
    State(app): State<App>,
    Auth(principal): Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = id_or_404(id, "lot")?;
    let value = app::provenance::lot(&app, &principal, &id).await?;
    Ok(axum::Json(value).into_response())
}
