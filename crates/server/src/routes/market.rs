//! Market access over HTTP (issue 5): the registry (reference tables, households, herds,
//! memberships, cooperative terms), intake with receipts and corrections, pooled lots,
//! settlements and payments, statements. Auctions, the catalogue and the price index are in
//! [`super::auctions`].

use app::market::{intake, pools, registry, settlements};
use app::{App, AppError};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::problem::ApiError;
use crate::{Auth, MaybeAuth};

const BODY_LIMIT: usize = 1 << 20;

pub fn add_routes(r: Router<App>) -> Router<App> {
    r.route("/registry/aimags", get(aimags))
        .route("/registry/aimags/{code}", get(aimag))
        .route("/registry/soums", get(soums))
        .route("/registry/soums/{code}", get(soum))
        // The private identifiers' paths (https://id.nooluur.org/soum/…, /household/…), so a
        // deployment serving that host resolves them.
        .route("/soum/{code}", get(soum))
        .route("/household/{id}", get(household))
        .route("/households", post(register))
        .route("/households/{id}", get(household))
        .route("/households/{id}/herds", post(herd))
        .route("/households/{id}/statement", get(statement))
        .route("/cooperatives/members", post(join))
        .route("/cooperatives/{id}/members", get(members))
        .route("/cooperatives/terms", axum::routing::put(set_terms))
        .route("/cooperatives/{id}/terms", get(terms))
        .route("/intakes", post(record_intake).get(list_intakes))
        .route("/intakes/{receipt}", get(one_intake))
        .route("/intakes/{receipt}/receipt", get(receipt))
        .route("/intakes/{receipt}/correction", post(correct))
        .route("/pools", post(pool).get(list_pools))
        .route("/pools/{id}", get(listing))
        .route("/pools/{id}/intakes", get(pool_intakes))
        .route("/settlements/{id}", get(settlement))
        .route("/settlements/{id}/payments", post(pay))
}

pub(super) async fn body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
) -> Result<T, ApiError> {
    let bytes = crate::negotiate::read_body(headers, body, BODY_LIMIT).await?;
    crate::negotiate::parse_json(&bytes, "the request is not valid")
}

pub(super) fn json<T: Serialize>(status: StatusCode, v: &T) -> Result<Response, ApiError> {
    let v = serde_json::to_value(v).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((status, axum::Json(v)).into_response())
}

async fn aimags() -> Result<Response, ApiError> {
    json(StatusCode::OK, &registry::aimags())
}

async fn aimag(Path(code): Path<String>) -> Result<Response, ApiError> {
    json(StatusCode::OK, &registry::aimag(&code)?)
}

#[derive(serde::Deserialize)]
struct SoumsQuery {
    aimag: Option<String>,
}

async fn soums(Query(q): Query<SoumsQuery>) -> Result<Response, ApiError> {
    json(StatusCode::OK, &registry::soums(q.aimag.as_deref())?)
}

async fn soum(Path(code): Path<String>) -> Result<Response, ApiError> {
    json(StatusCode::OK, &registry::soum(&code)?)
}

async fn register(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    let h = registry::register(&app, &who, body(&headers, b).await?).await?;
    json(StatusCode::CREATED, &h)
}

async fn household(
    MaybeAuth(who): MaybeAuth,
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    json(
        StatusCode::OK,
        &registry::household_view(&app, who.as_ref(), &id).await?,
    )
}

async fn herd(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    let h = registry::record_herd(&app, &who, &id, body(&headers, b).await?).await?;
    json(StatusCode::CREATED, &h)
}

#[derive(serde::Deserialize)]
struct StatementQuery {
    cooperative: Option<i64>,
}

async fn statement(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
    Query(q): Query<StatementQuery>,
) -> Result<Response, ApiError> {
    json(
        StatusCode::OK,
        &settlements::statement(&app, &who, &id, q.cooperative).await?,
    )
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinIn {
    household: String,
}

async fn join(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    let req: JoinIn = body(&headers, b).await?;
    json(
        StatusCode::CREATED,
        &registry::join(&app, &who, &req.household).await?,
    )
}

async fn members(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, &registry::members(&app, &who, id).await?)
}

async fn set_terms(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::OK,
        &intake::set_terms(&app, &who, body(&headers, b).await?).await?,
    )
}

/// A cooperative's terms are public: members and buyers can check the rule and the factors.
async fn terms(State(app): State<App>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    json(StatusCode::OK, &intake::terms(&app, id).await?)
}

async fn record_intake(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::CREATED,
        &intake::record(&app, &who, body(&headers, b).await?).await?,
    )
}

async fn list_intakes(Auth(who): Auth, State(app): State<App>) -> Result<Response, ApiError> {
    json(StatusCode::OK, &intake::intakes_of(&app, who.id().0).await?)
}

async fn one_intake(
    Auth(who): Auth,
    State(app): State<App>,
    Path(r): Path<String>,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, &intake::intake(&app, &who, &r).await?)
}

async fn receipt(
    Auth(who): Auth,
    State(app): State<App>,
    Path(r): Path<String>,
) -> Result<Response, ApiError> {
    let doc: Value = intake::receipt_document(&app, &who, &r).await?;
    Ok(crate::negotiate::json_response(&doc, "application/ld+json"))
}

async fn correct(
    Auth(who): Auth,
    State(app): State<App>,
    Path(r): Path<String>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::CREATED,
        &intake::correct(&app, &who, &r, body(&headers, b).await?).await?,
    )
}

async fn pool(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::CREATED,
        &pools::pool(&app, &who, body(&headers, b).await?).await?,
    )
}

async fn list_pools(Auth(who): Auth, State(app): State<App>) -> Result<Response, ApiError> {
    json(StatusCode::OK, &pools::pools_of(&app, who.id().0).await?)
}

async fn listing(State(app): State<App>, Path(id): Path<String>) -> Result<Response, ApiError> {
    json(StatusCode::OK, &pools::listing(&app, &id).await?)
}

async fn pool_intakes(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (p, intakes) = pools::pool_detail(&app, &who, &id).await?;
    json(
        StatusCode::OK,
        &serde_json::json!({"pool": p, "intakes": intakes}),
    )
}

async fn settlement(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    json(
        StatusCode::OK,
        &settlements::settlement(&app, &who, &id).await?,
    )
}

async fn pay(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::CREATED,
        &settlements::pay(&app, &who, &id, body(&headers, b).await?).await?,
    )
}
