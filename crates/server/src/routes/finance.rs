//! Access to finance over HTTP (issue 7): the household's credit history and score (to itself,
//! or to a lender holding a live grant; 403 otherwise, and the attempt is logged), its grants,
//! the exported report, loans and index insurance.

use app::App;
use app::finance::{self, insurance, loans};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{delete, get, post};

use super::market::{body, json};
use crate::Auth;
use crate::problem::ApiError;

pub fn add_routes(r: Router<App>) -> Router<App> {
    r.route("/households/{id}/credit", get(credit))
        .route("/households/{id}/credit/report", post(report))
        .route("/households/{id}/grants", post(grant).get(grants))
        .route("/households/{id}/grants/{grant}", delete(revoke))
        .route("/households/{id}/notices", get(household_notices))
        .route("/households/{id}/insurance", get(payouts))
        .route("/notices", get(notices))
        .route("/loans", post(apply))
        .route("/loans/{id}", get(loan))
        .route("/loans/{id}/repayments", post(repay))
        .route("/finance/dzud-rule", post(dzud_rule))
        .route("/insurance/policies", post(policy))
        .route("/insurance/index", post(index))
}

async fn credit(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, &finance::credit(&app, &who, &id).await?)
}

async fn report(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    json(
        StatusCode::CREATED,
        &finance::report(&app, &who, &id).await?,
    )
}

async fn grant(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::CREATED,
        &finance::grant(&app, &who, &id, body(&headers, b).await?).await?,
    )
}

async fn grants(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, &finance::grants(&app, &who, &id).await?)
}

async fn revoke(
    Auth(who): Auth,
    State(app): State<App>,
    Path((id, grant)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    json(
        StatusCode::OK,
        &finance::revoke(&app, &who, &id, &grant).await?,
    )
}

async fn household_notices(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    json(
        StatusCode::OK,
        &loans::notices(&app, &who, Some(&id)).await?,
    )
}

async fn notices(Auth(who): Auth, State(app): State<App>) -> Result<Response, ApiError> {
    json(StatusCode::OK, &loans::notices(&app, &who, None).await?)
}

async fn payouts(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, &insurance::payouts(&app, &who, &id).await?)
}

async fn apply(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::CREATED,
        &loans::apply(&app, &who, body(&headers, b).await?).await?,
    )
}

async fn loan(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, &loans::get(&app, &who, &id).await?)
}

async fn repay(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::OK,
        &loans::repay(&app, &who, &id, body(&headers, b).await?).await?,
    )
}

async fn dzud_rule(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::OK,
        &loans::run_dzud_rule(&app, &who, body(&headers, b).await?).await?,
    )
}

async fn policy(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::CREATED,
        &insurance::write_policy(&app, &who, body(&headers, b).await?).await?,
    )
}

async fn index(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::OK,
        &insurance::publish_index(&app, &who, body(&headers, b).await?).await?,
    )
}
