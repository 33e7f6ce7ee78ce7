//! Named queries (`/queries`, `/queries/{name}`, `/queries/{name}/events` with WebSocket
//! subscriptions) and webhook subscriptions (`/queries/{name}/subscriptions[/{id}]`).

use app::App;
use app::auth::Principal;
use axum::Router;
use axum::body::Body;
use axum::extract::ws::{
    Message, WebSocket, WebSocketUpgrade, rejection::WebSocketUpgradeRejection,
};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

use super::discovery;
use super::events::{render_events, segment};
use crate::negotiate::{epc_format, json_response, output, read_body};
use crate::problem::ApiError;
use crate::{Auth, paging};

/// Largest query or subscription body accepted.
const BODY_LIMIT: usize = 1024 * 1024;

pub fn add_routes(r: Router<App>) -> Router<App> {
    r.route(
        "/queries",
        get(list)
            .post(create)
            .options(discovery::options("OPTIONS, GET, POST")),
    )
    .route(
        "/queries/{name}",
        get(one)
            .delete(remove)
            .options(discovery::options("OPTIONS, GET, DELETE")),
    )
    .route(
        "/queries/{name}/events",
        get(events).options(discovery::options("OPTIONS, GET")),
    )
    .route(
        "/queries/{name}/subscriptions",
        get(list_subscriptions)
            .post(subscribe)
            .options(discovery::options("OPTIONS, GET, POST")),
    )
    .route(
        "/queries/{name}/subscriptions/{id}",
        get(subscription)
            .delete(unsubscribe)
            .options(discovery::options("OPTIONS, GET, DELETE")),
    )
}

async fn json_body(headers: &HeaderMap, body: Body) -> Result<Value, ApiError> {
    // A query or subscription is no capture: an oversized one is "too complex to evaluate"
    // (413 QueryTooComplexException), not CaptureLimitExceededException.
    let bytes = read_body(headers, body, BODY_LIMIT)
        .await
        .map_err(|ApiError(e)| match e {
            app::AppError::CaptureLimitExceeded(m) => ApiError(app::AppError::QueryTooComplex(m)),
            other => ApiError(other),
        })?;
    crate::negotiate::parse_json(&bytes, "the body is not valid JSON")
}

fn created(body: &Value, location: String) -> Response {
    let mut resp = json_response(body, "application/json");
    *resp.status_mut() = StatusCode::CREATED;
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

async fn create(
    Auth(principal): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let body = json_body(&headers, body).await?;
    let q = app::named::create(&app, &principal, &body).await?;
    Ok(created(
        &app::named::to_json(&q),
        format!("/queries/{}", segment(&q.name)),
    ))
}

async fn list(
    Auth(principal): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = paging::pairs(raw.as_deref());
    let page = paging::page_request(&app, &pairs)?;
    let qs = app::named::list(&app, &principal, &page).await?;
    let body = Value::Array(qs.items.iter().map(app::named::to_json).collect());
    let mut resp = json_response(&body, "application/json");
    paging::add_next_link(
        &app,
        resp.headers_mut(),
        &headers,
        "/queries",
        &pairs,
        qs.next_token.as_deref(),
    );
    Ok(resp)
}

async fn one(
    Auth(principal): Auth,
    State(app): State<App>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let q = app::named::get(&app, &principal, &name).await?;
    Ok(json_response(&app::named::to_json(&q), "application/json"))
}

async fn remove(
    Auth(principal): Auth,
    State(app): State<App>,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    app::named::delete(&app, &principal, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn events(
    Auth(principal): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let pairs = paging::pairs(raw.as_deref());
    if headers.contains_key(header::UPGRADE) {
        let ws = ws.map_err(|e| {
            ApiError(app::AppError::SubscriptionControls(format!(
                "WebSocket handshake failed: {e}"
            )))
        })?;
        return websocket(app, principal, headers, name, pairs, ws).await;
    }
    output(&headers)?;
    let page = paging::page_request(&app, &pairs)?;
    let result = app::named::events(&app, &principal, &name, &page).await?;
    let path = format!("/queries/{}/events", segment(&name));
    render_events(&app, &headers, &path, &pairs, result, Some(&name))
}

async fn websocket(
    app: App,
    principal: Principal,
    headers: HeaderMap,
    name: String,
    pairs: Vec<(String, String)>,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let fmt = epc_format(&headers, app.config.default_epc_format)?;
    // Check everything before switching protocols, so mistakes are answered as problems.
    let live = app::subscriptions::stream::Live::open(&app, &principal, &name, &pairs, fmt).await?;
    Ok(ws.on_upgrade(move |socket| run_socket(socket, live)))
}

async fn run_socket(mut socket: WebSocket, mut live: app::subscriptions::stream::Live) {
    loop {
        tokio::select! {
            next = live.next() => match next {
                Ok(Some(doc)) => {
                    if socket.send(Message::Text(doc.to_string().into())).await.is_err() {
                        return;
                    }
                }
                Ok(None) => {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
                Err(e) => {
                    let problem = e.problem(None);
                    let _ = socket.send(Message::Text(problem.to_string().into())).await;
                    return;
                }
            },
            msg = socket.recv() => match msg {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

async fn subscribe(
    Auth(principal): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let body = json_body(&headers, body).await?;
    let sub = app::subscriptions::create(&app, &principal, &name, &body).await?;
    Ok(created(
        &app::subscriptions::to_json(&sub),
        format!(
            "/queries/{}/subscriptions/{}",
            segment(&name),
            segment(&sub.id)
        ),
    ))
}

async fn list_subscriptions(
    Auth(principal): Auth,
    State(app): State<App>,
    headers: HeaderMap,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = paging::pairs(raw.as_deref());
    let page = paging::page_request(&app, &pairs)?;
    let subs = app::subscriptions::list(&app, &principal, &name, &page).await?;
    let body = Value::Array(subs.items.iter().map(app::subscriptions::to_json).collect());
    let mut resp = json_response(&body, "application/json");
    paging::add_next_link(
        &app,
        resp.headers_mut(),
        &headers,
        &format!("/queries/{}/subscriptions", segment(&name)),
        &pairs,
        subs.next_token.as_deref(),
    );
    Ok(resp)
}

async fn subscription(
    Auth(principal): Auth,
    State(app): State<App>,
    Path((name, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let sub = app::subscriptions::get(&app, &principal, &name, &id).await?;
    Ok(json_response(&app::subscriptions::to_json(&sub), "application/json").into_response())
}

async fn unsubscribe(
    Auth(principal): Auth,
    State(app): State<App>,
    Path((name, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    app::subscriptions::delete(&app, &principal, &name, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
