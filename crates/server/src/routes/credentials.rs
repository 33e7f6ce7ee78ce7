//! Verifiable credentials (issue 4): recording and certifying a lab result in one step
//! (`POST /lab-results`), issuing (`POST /credentials/{quality,scope,transaction}`,
//! by labs and certifiers), reading (`GET /credentials/{id}`, public: a credential is made to be
//! shown and verified), revoking (`POST /credentials/{id}/revoke`, issuer only) and each
//! issuer's revocation list (`GET /credentials/status/{org}`, public, signed).

use app::{App, AppError};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Auth;
use crate::problem::ApiError;

const BODY_LIMIT: usize = 1 << 20;

pub fn add_routes(r: Router<App>) -> Router<App> {
    r.route("/lab-results", post(lab_result))
        .route("/credentials/quality", post(quality))
        .route("/credentials/scope", post(scope))
        .route("/credentials/transaction", post(transaction))
        .route("/credentials/status/{org}", get(status_list))
        .route("/credentials/did/{org}", get(did_document))
        .route("/credentials/{id}/revoke", post(revoke))
        .route("/credentials/{id}", get(one))
}

async fn request<T: DeserializeOwned>(headers: &HeaderMap, body: Body) -> Result<T, ApiError> {
    let bytes = crate::negotiate::read_body(headers, body, BODY_LIMIT).await?;
    crate::negotiate::parse_json(&bytes, "the request is not valid")
}

fn credential_response(v: &Value, status: StatusCode) -> Response {
    let mut resp = (status, axum::Json(v)).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vc+json"),
    );
    if status == StatusCode::CREATED
        && let Some(id) = v.get("id").and_then(Value::as_str)
        && let Ok(loc) = HeaderValue::from_str(id)
    {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    resp
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct QualityRequest {
    /// The lab-test event the lab captured.
    event_id: String,
    /// Grading schemes whose verdicts the certificate states.
    #[serde(default)]
    schemes: Vec<String>,
}

async fn quality(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let req: QualityRequest = request(&headers, body).await?;
    let v = app::credentials::issue_quality(&app, &who, &req.event_id, &req.schemes).await?;
    Ok(credential_response(&v, StatusCode::CREATED))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LabResultRequest {
    result: quality::LabResult,
    #[serde(default)]
    schemes: Vec<String>,
}

/// A lab records a result and certifies it in one step: 201 with the lab-test event's eventID
/// and the quality certificate the event names in `certificationInfo`.
async fn lab_result(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let req: LabResultRequest = request(&headers, body).await?;
    let recorded =
        app::credentials::record_lab_result(&app, &who, req.result, &req.schemes).await?;
    let mut resp = (StatusCode::CREATED, axum::Json(&recorded)).into_response();
    if let Some(id) = recorded.credential.get("id").and_then(Value::as_str)
        && let Ok(loc) = HeaderValue::from_str(id)
    {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(resp)
}

async fn scope(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let req: app::credentials::ScopeRequest = request(&headers, body).await?;
    let v = app::credentials::issue_scope(&app, &who, &req).await?;
    Ok(credential_response(&v, StatusCode::CREATED))
}

async fn transaction(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let req: app::credentials::TransactionRequest = request(&headers, body).await?;
    let v = app::credentials::issue_transaction(&app, &who, &req).await?;
    Ok(credential_response(&v, StatusCode::CREATED))
}

async fn one(State(app): State<App>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let c = app::credentials::get(&app, &id).await?;
    Ok(credential_response(
        &app::credentials::body(&c)?,
        StatusCode::OK,
    ))
}

async fn revoke(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let c = app::credentials::revoke(&app, &who, &id).await?;
    Ok(axum::Json(serde_json::json!({
        "id": c.id,
        "revoked": true,
        "revoked_at": c.revoked_at.and_then(chrono::DateTime::from_timestamp_micros),
    }))
    .into_response())
}

/// The DID document an organisation with a domain publishes at its `/.well-known/did.json`.
async fn did_document(
    State(app): State<App>,
    Path(org): Path<String>,
) -> Result<Response, ApiError> {
    let id: i64 = org
        .parse()
        .map_err(|_| ApiError(AppError::not_found("organisation", &org)))?;
    let v = app::credentials::did_document(&app, store::OrgId(id)).await?;
    let mut resp = axum::Json(v).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/did+json"),
    );
    Ok(resp)
}

async fn status_list(
    State(app): State<App>,
    Path(org): Path<String>,
) -> Result<Response, ApiError> {
    let id: i64 = org
        .parse()
        .map_err(|_| ApiError(AppError::not_found("status list", &org)))?;
    if !app
        .store
        .list_orgs()
        .await
        .map_err(AppError::from)?
        .iter()
        .any(|o| o.id.0 == id)
    {
        return Err(ApiError(AppError::not_found("status list", &org)));
    }
    let v = app::credentials::status_list(&app, store::OrgId(id)).await?;
    Ok(credential_response(&v, StatusCode::OK))
}
