//! The top-level resources: `/eventTypes`, `/epcs`, `/bizSteps`, `/bizLocations`,
//! `/readPoints`, `/dispositions`, each with `/{id}` (sub-resources) and `/{id}/events`.

use app::{App, AppError};
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use store::Resource;

use super::discovery;
use super::events::run_query;
use crate::negotiate::json_response;
use crate::problem::ApiError;
use crate::{Auth, paging};

const ALL: [Resource; 6] = [
    Resource::EventTypes,
    Resource::Epcs,
    Resource::BizSteps,
    Resource::BizLocations,
    Resource::ReadPoints,
    Resource::Dispositions,
];

pub fn add_routes(mut r: Router<App>) -> Router<App> {
    for res in ALL {
        let (name, _) = app::query::resource_info(res);
        r = r
            .route(
                &format!("/{name}"),
                get(
                    move |auth: Auth, state: State<App>, headers: HeaderMap, raw: RawQuery| {
                        list(res, auth, state, headers, raw)
                    },
                )
                .options(discovery::options("OPTIONS, GET")),
            )
            .route(
                &format!("/{name}/{{*rest}}"),
                get(
                    move |auth: Auth,
                          state: State<App>,
                          headers: HeaderMap,
                          path: Path<String>,
                          raw: RawQuery| {
                        sub(res, auth, state, headers, path, raw)
                    },
                )
                .options(discovery::options("OPTIONS, GET")),
            );
    }
    r
}

async fn list(
    res: Resource,
    Auth(principal): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = paging::pairs(raw.as_deref());
    let page = paging::page_request(&app, &pairs)?;
    let values = app::query::resource_values(&app, &principal, res, &page).await?;
    let mut members = values.items;
    if res == Resource::EventTypes && page.token.is_none() {
        // The five standard types are always supported, captured or not.
        let mut all: Vec<String> = epcis::EventType::STANDARD
            .iter()
            .map(|t| t.as_str().to_owned())
            .collect();
        all.extend(members.into_iter().filter(|m| !all_standard(m)));
        members = all;
    }
    let (name, _) = app::query::resource_info(res);
    let mut resp = json_response(&app::render::collection(members), "application/ld+json");
    paging::add_next_link(
        &app,
        resp.headers_mut(),
        &headers,
        &format!("/{name}"),
        &pairs,
        values.next_token.as_deref(),
    );
    Ok(resp)
}

fn all_standard(t: &str) -> bool {
    epcis::EventType::STANDARD.iter().any(|s| s.as_str() == t)
}

async fn sub(
    res: Resource,
    Auth(principal): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    Path(rest): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (name, _) = app::query::resource_info(res);
    if let Some(id) = rest.strip_suffix("/events") {
        let pairs = paging::pairs(raw.as_deref());
        let q = app::query::resource_query(res, id, &pairs)?;
        let path = format!("/{name}/{}/events", super::events::segment(id));
        return run_query(&app, &principal, &headers, &path, &pairs, &q).await;
    }
    if rest.is_empty() || !app::query::resource_exists(&app, &principal, res, &rest).await? {
        return Err(ApiError(AppError::not_found(name, rest)));
    }
    Ok(json_response(
        &app::render::collection(vec!["events".to_owned()]),
        "application/ld+json",
    ))
}
