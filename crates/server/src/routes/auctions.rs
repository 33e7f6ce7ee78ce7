//! Sealed-bid auctions, the public catalogue, recorded sales and the price index over HTTP.
//! Sealing is the app's: no route answers a bid before the close, to anyone.

use app::App;
use app::market::{auctions, catalogue, settlements};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::market::{body, json};
use crate::Auth;
use crate::problem::ApiError;

pub fn add_routes(r: Router<App>) -> Router<App> {
    r.route("/auctions", post(create).get(list))
        .route("/auctions/{id}", get(view))
        .route("/auctions/{id}/lots", post(add_lot))
        .route("/auctions/{id}/bids", post(bid))
        .route("/auctions/{id}/close", post(close))
        .route("/auctions/{id}/books/{pool}", get(book))
        .route("/auctions/{id}/lots/{pool}/settlement", post(settle))
        .route("/catalogue", get(catalogue_))
        .route("/catalogue/products", post(product))
        .route("/catalogue/enquiries", post(enquire).get(enquiries))
        .route("/sales", post(sale))
        .route("/price-index", get(index))
        .route("/price-index.svg", get(chart))
}

async fn create(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::CREATED,
        &auctions::create(&app, &who, body(&headers, b).await?).await?,
    )
}

async fn list(State(app): State<App>) -> Result<Response, ApiError> {
    let mut out = Vec::new();
    for a in auctions::all(&app).await? {
        out.push(auctions::view(&app, &a.id).await?);
    }
    json(StatusCode::OK, &out)
}

async fn view(State(app): State<App>, Path(id): Path<String>) -> Result<Response, ApiError> {
    json(StatusCode::OK, &auctions::view(&app, &id).await?)
}

async fn add_lot(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::CREATED,
        &auctions::add_lot(&app, &who, &id, body(&headers, b).await?).await?,
    )
}

async fn bid(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::CREATED,
        &auctions::bid(&app, &who, &id, body(&headers, b).await?).await?,
    )
}

async fn close(
    Auth(who): Auth,
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, &auctions::close(&app, &who, &id).await?)
}

async fn book(
    State(app): State<App>,
    Path((id, pool)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, &auctions::book(&app, &id, &pool).await?)
}

async fn settle(
    Auth(who): Auth,
    State(app): State<App>,
    Path((id, pool)): Path<(String, String)>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::CREATED,
        &settlements::settle(&app, &who, &id, &pool, body(&headers, b).await?).await?,
    )
}

async fn catalogue_(State(app): State<App>) -> Result<Response, ApiError> {
    json(StatusCode::OK, &catalogue::catalogue(&app).await?)
}

async fn product(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::CREATED,
        &catalogue::add_product(&app, &who, body(&headers, b).await?).await?,
    )
}

async fn enquire(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::CREATED,
        &catalogue::enquire(&app, &who, body(&headers, b).await?).await?,
    )
}

async fn enquiries(Auth(who): Auth, State(app): State<App>) -> Result<Response, ApiError> {
    json(StatusCode::OK, &catalogue::enquiries(&app, &who).await?)
}

async fn sale(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    json(
        StatusCode::CREATED,
        &catalogue::record_sale(&app, &who, body(&headers, b).await?).await?,
    )
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexQuery {
    base_week: Option<String>,
    colour: Option<String>,
    grade: Option<String>,
    aimag: Option<String>,
    /// `csv` for a CSV table; JSON otherwise.
    format: Option<String>,
}

async fn index(State(app): State<App>, Query(q): Query<IndexQuery>) -> Result<Response, ApiError> {
    let idx = catalogue::price_index(
        &app,
        q.base_week.as_deref(),
        q.colour.as_deref(),
        q.grade.as_deref(),
        q.aimag.as_deref(),
    )
    .await?;
    if q.format.as_deref() == Some("csv") {
        return Ok((
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            )],
            idx.to_csv(),
        )
            .into_response());
    }
    json(StatusCode::OK, &idx)
}

async fn chart(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<IndexQuery>,
) -> Result<Response, ApiError> {
    let mut idx = catalogue::price_index(
        &app,
        q.base_week.as_deref(),
        q.colour.as_deref(),
        q.grade.as_deref(),
        q.aimag.as_deref(),
    )
    .await?;
    if q.aimag.is_none() {
        idx.series.retain(|s| s.aimag.is_none());
    }
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("image/svg+xml"),
        )],
        {
            let lang = crate::web::i18n::Lang::of(&headers);
            crate::web::charts::price_chart("price-index", lang, lang.text(), &idx)
        },
    )
        .into_response())
}
