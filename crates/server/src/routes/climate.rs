//! Climate adaptation over HTTP (issue 6): dzud risk by aimag and soum, the stocking report
//! (JSON and a printable CSV table), soum contingency plans, and alerts — their level,
//! subscriptions, the run, each organisation's alerts and the households' text outbox.
//! Risk, stocking and plans are public data; alerts need a token.

use app::climate::{self, NewSubscription};
use app::{App, AppError};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::Auth;
use crate::problem::ApiError;

const BODY_LIMIT: usize = 64 * 1024;

pub fn add_routes(r: Router<App>) -> Router<App> {
    r.route("/dzud/risk", get(risk))
        .route("/dzud/risk/soums/{code}", get(soum_risk))
        .route("/dzud/plan/soums/{code}", get(soum_plan))
        .route("/dzud/alerts/run", post(run))
        .route("/dzud/alerts/config", put(set_config).get(config))
        .route("/pasture/stocking", get(stocking))
        .route("/pasture/stocking.csv", get(stocking_csv))
        .route("/alerts", get(alerts))
        .route("/alerts/subscriptions", post(subscribe).get(subscriptions))
        .route("/alerts/outbox", get(outbox))
}

async fn body<T: DeserializeOwned>(headers: &HeaderMap, body: Body) -> Result<T, ApiError> {
    let bytes = crate::negotiate::read_body(headers, body, BODY_LIMIT).await?;
    crate::negotiate::parse_json(&bytes, "the request is not valid")
}

fn json<T: Serialize>(status: StatusCode, v: &T) -> Result<Response, ApiError> {
    let v = serde_json::to_value(v).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((status, axum::Json(v)).into_response())
}

/// `?year=&mode=`, parsed by the app so a bad value is a problem naming it.
#[derive(Deserialize)]
struct YearMode {
    year: Option<String>,
    mode: Option<String>,
}

impl YearMode {
    fn parse(&self) -> Result<(u16, climate::Mode), ApiError> {
        Ok((
            climate::parse_year(self.year.as_deref())?,
            climate::parse_mode(self.mode.as_deref())?,
        ))
    }
}

async fn risk(State(app): State<App>, Query(q): Query<YearMode>) -> Result<Response, ApiError> {
    let (year, mode) = q.parse()?;
    json(StatusCode::OK, &climate::risk(&app, year, mode)?)
}

async fn soum_risk(
    State(app): State<App>,
    Path(code): Path<String>,
    Query(q): Query<YearMode>,
) -> Result<Response, ApiError> {
    let (year, mode) = q.parse()?;
    json(
        StatusCode::OK,
        &climate::soum_risk(&app, &code, year, mode)?,
    )
}

async fn soum_plan(
    State(app): State<App>,
    Path(code): Path<String>,
    Query(q): Query<YearMode>,
) -> Result<Response, ApiError> {
    let (year, mode) = q.parse()?;
    json(
        StatusCode::OK,
        &climate::soum_plan(&app, &code, year, mode)?,
    )
}

#[derive(Deserialize)]
struct YearOnly {
    year: Option<String>,
}

fn stocking_year(q: &YearOnly) -> Result<u16, ApiError> {
    match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => Ok(2020),
        Some(y) => y.parse::<u16>().map_err(|_| {
            ApiError::from(AppError::QueryParameter(format!(
                "year '{y}' is not a year (e.g. 2020)"
            )))
        }),
    }
}

async fn stocking(Query(q): Query<YearOnly>) -> Result<Response, ApiError> {
    json(
        StatusCode::OK,
        &climate::stocking_report(stocking_year(&q)?)?,
    )
}

async fn stocking_csv(Query(q): Query<YearOnly>) -> Result<Response, ApiError> {
    let report = climate::stocking_report(stocking_year(&q)?)?;
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        )],
        climate::stocking_csv(&report),
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RunIn {
    year: Option<u16>,
    mode: Option<String>,
}

async fn run(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    let req: RunIn = body(&headers, b).await?;
    let year = climate::parse_year(req.year.map(|y| y.to_string()).as_deref())?;
    let mode = climate::parse_mode(req.mode.as_deref())?;
    json(
        StatusCode::OK,
        &climate::run_alerts_as(&app, &who, year, mode).await?,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigIn {
    level: u8,
}

async fn set_config(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    let req: ConfigIn = body(&headers, b).await?;
    json(
        StatusCode::OK,
        &climate::set_alert_level(&app, &who, req.level).await?,
    )
}

async fn config(Auth(_who): Auth, State(app): State<App>) -> Result<Response, ApiError> {
    json(
        StatusCode::OK,
        &serde_json::json!({"level": climate::alert_level(&app).await?}),
    )
}

async fn alerts(Auth(who): Auth, State(app): State<App>) -> Result<Response, ApiError> {
    json(StatusCode::OK, &climate::alerts_for(&app, &who).await?)
}

async fn subscribe(
    Auth(who): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    let req: NewSubscription = body(&headers, b).await?;
    json(
        StatusCode::CREATED,
        &climate::subscribe(&app, &who, req).await?,
    )
}

async fn subscriptions(Auth(who): Auth, State(app): State<App>) -> Result<Response, ApiError> {
    json(StatusCode::OK, &climate::subscriptions(&app, &who).await?)
}

async fn outbox(Auth(who): Auth, State(app): State<App>) -> Result<Response, ApiError> {
    json(StatusCode::OK, &climate::outbox(&app, &who).await?)
}
