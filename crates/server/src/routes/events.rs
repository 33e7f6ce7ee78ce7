//! `GET /events` (SimpleEventQuery over URL parameters, paginated), `POST /events`
//! (synchronous capture, 201), `GET /events/{eventID}`.

use app::auth::Principal;
use app::{App, AppError};
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use epcis::query::EventQuery;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::json;
use store::{Page, StoredEvent};

use crate::negotiate::{Output, check_document_type, epc_format, json_response, output, read_body};
use crate::problem::ApiError;
use crate::{Auth, paging};

const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A value percent-encoded as one URL path segment.
pub fn segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// Renders a page of events as an EPCISQueryDocument in the negotiated format, with the
/// `Link` header when more pages follow.
pub fn render_events(
    app: &App,
    headers: &HeaderMap,
    path: &str,
    pairs: &[(String, String)],
    page: Page<StoredEvent>,
    query_name: Option<&str>,
) -> Result<Response, ApiError> {
    let out = output(headers)?;
    let fmt = epc_format(headers, app.config.default_epc_format)?;
    let doc = app::render::query_document(page.items, query_name, None, fmt, app.clock.now());
    let mut resp = match out {
        Output::Xml => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/xml"),
            )],
            app::render::to_xml(&doc)?,
        )
            .into_response(),
        json => json_response(&app::render::to_json(&doc), json.content_type()),
    };
    paging::add_next_link(
        app,
        resp.headers_mut(),
        headers,
        path,
        pairs,
        page.next_token.as_deref(),
    );
    Ok(resp)
}

/// Runs a query for the principal and renders the page.
pub async fn run_query(
    app: &App,
    principal: &Principal,
    headers: &HeaderMap,
    path: &str,
    pairs: &[(String, String)],
    query: &EventQuery,
) -> Result<Response, ApiError> {
    // Negotiate before querying: a 406 should not cost a query.
    output(headers)?;
    let page = paging::page_request(app, pairs)?;
    let result = app::query::events(app, principal, query, &page).await?;
    render_events(app, headers, path, pairs, result, None)
}

pub async fn query(
    Auth(principal): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = paging::pairs(raw.as_deref());
    let ns = crate::negotiate::extensions(&headers)?;
    let q = app::query::parse_url_query_with(&pairs, &ns)?;
    run_query(&app, &principal, &headers, "/events", &pairs, &q).await
}

pub async fn create(
    Auth(principal): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    principal.require(app::auth::Permission::Capture)?;
    check_document_type(&headers)?;
    let bytes = read_body(&headers, body, app.config.capture_file_size_limit).await?;
    let report = app::capture::capture_events_body(&app, &principal, &bytes).await?;
    let mut resp = json_response(&json!({ "eventIDs": report.event_ids }), "application/json");
    *resp.status_mut() = StatusCode::CREATED;
    if let Some(first) = report.event_ids.first()
        && let Ok(v) = HeaderValue::from_str(&format!("/events/{}", segment(first)))
    {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

pub async fn one(
    Auth(principal): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    // A client that did not encode `?ver=CBV2.0` of a hash ID sent it as the query string.
    let id = match raw {
        Some(q) if id.starts_with("ni:") && !id.contains('?') && !q.is_empty() => {
            format!("{id}?{q}")
        }
        _ => id,
    };
    if id.is_empty() {
        return Err(ApiError(AppError::not_found("event", "")));
    }
    output(&headers)?;
    // The event and its error declaration, when there is one (the REST binding: "the unique
    // event and error declarations").
    let events = app::query::event(&app, &principal, &id).await?;
    let page = Page {
        items: events,
        next_token: None,
    };
    render_events(&app, &headers, "/events", &[], page, None)
}
