//! Climate adaptation over HTTP (issue 6): dzud risk by aimag and soum, the stocking report
//! (JSON and a printable CSV table), soum contingency plans, and alerts — their level,
//! subscriptions, the run, each organisation's alerts and the households' text outbox.
//! Risk, stocking and plans are public data; alerts need a token. Yearly data updates are
//! imported by an admin or the regulator (`POST /climate/import?kind=…`, the file as the body).

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
/// An NSO soum table in JSON is about 100 KB a year; room for many years in one file.
const IMPORT_LIMIT: usize = 16 * 1024 * 1024;

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
        .route("/climate/import", post(import))
        .route("/climate/imports", get(imports))
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
    async fn parse(&self, app: &App) -> Result<(u16, climate::Mode), ApiError> {
        Ok((
            climate::parse_year(app, self.year.as_deref()).await?,
            climate::parse_mode(self.mode.as_deref())?,
        ))
    }
}

async fn risk(State(app): State<App>, Query(q): Query<YearMode>) -> Result<Response, ApiError> {
    let (year, mode) = q.parse(&app).await?;
    json(StatusCode::OK, &climate::risk(&app, year, mode).await?)
}

async fn soum_risk(
    State(app): State<App>,
    Path(code): Path<String>,
    Query(q): Query<YearMode>,
) -> Result<Response, ApiError> {
    let (year, mode) = q.parse(&app).await?;
    json(
        StatusCode::OK,
        &climate::soum_risk(&app, &code, year, mode).await?,
    )
}

async fn soum_plan(
    State(app): State<App>,
    Path(code): Path<String>,
    Query(q): Query<YearMode>,
) -> Result<Response, ApiError> {
    let (year, mode) = q.parse(&app).await?;
    json(
        StatusCode::OK,
        &climate::soum_plan(&app, &code, year, mode).await?,
    )
}

#[derive(Deserialize)]
struct YearOnly {
    year: Option<String>,
}

async fn stocking_year(app: &App, q: &YearOnly) -> Result<u16, ApiError> {
    match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => Ok(climate::default_stocking_year(app).await?),
        Some(y) => y.parse::<u16>().map_err(|_| {
            ApiError::from(AppError::QueryParameter(format!(
                "year '{y}' is not a year (e.g. 2020)"
            )))
        }),
    }
}

async fn stocking(State(app): State<App>, Query(q): Query<YearOnly>) -> Result<Response, ApiError> {
    json(
        StatusCode::OK,
        &climate::stocking_report(&app, stocking_year(&app, &q).await?).await?,
    )
}

async fn stocking_csv(
    State(app): State<App>,
    Query(q): Query<YearOnly>,
) -> Result<Response, ApiError> {
    let report = climate::stocking_report(&app, stocking_year(&app, &q).await?).await?;
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
    let year = climate::parse_year(&app, req.year.map(|y| y.to_string()).as_deref()).await?;
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

/// `?kind=&replace=&dry_run=` of an import.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportQuery {
    kind: Option<String>,
    replace: Option<String>,
    dry_run: Option<String>,
}

fn flag(name: &str, v: Option<&str>) -> Result<bool, ApiError> {
    match v.map(str::trim) {
        None | Some("" | "false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(other) => Err(ApiError::from(AppError::QueryParameter(format!(
            "{name} '{other}' is not true or false"
        )))),
    }
}

/// Imports a yearly data file (the body: CSV, TSV or NSO JSON): 201 with the summary when
/// stored, 200 on a dry run; a bad file is a 400 naming its row and column, a figure that
/// differs from the data a 409 unless `replace=true`.
async fn import(
    Auth(who): Auth,
    State(app): State<App>,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    b: Body,
) -> Result<Response, ApiError> {
    let kind = climate::ImportKind::parse(q.kind.as_deref().ok_or_else(|| {
        ApiError::from(AppError::QueryParameter(
            "kind is required: panel, livestock, nso-livestock, hay, hay-prices or spei".into(),
        ))
    })?)?;
    let replace = flag("replace", q.replace.as_deref())?;
    let dry_run = flag("dry_run", q.dry_run.as_deref())?;
    let bytes = crate::negotiate::read_body(&headers, b, IMPORT_LIMIT).await?;
    let text = String::from_utf8(bytes).map_err(|_| {
        ApiError::from(AppError::Validation {
            detail: "the file is not UTF-8 text".into(),
            errors: vec![],
        })
    })?;
    let req = climate::ImportRequest {
        kind,
        text,
        replace,
        dry_run,
    };
    let summary = climate::import(&app, &who, req).await?;
    let status = if summary.dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    json(status, &summary)
}

/// The stored import batches with their rows and replaced figures (admin or regulator).
async fn imports(Auth(who): Auth, State(app): State<App>) -> Result<Response, ApiError> {
    json(StatusCode::OK, &climate::imports(&app, &who).await?)
}
