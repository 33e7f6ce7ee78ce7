//! HTTP for nooluur: the EPCIS 2.0 REST binding. Thin: handlers parse, call `app`, and render.
//!
//! - [`router`] builds the axum router over an [`app::App`];
//! - [`serve`] binds an address, starts the app's background workers (capture jobs,
//!   subscriptions) and serves until Ctrl-C.
//!
//! Every answer carries `GS1-EPCIS-Version` and `GS1-CBV-Version`; every error is RFC 9457
//! problem details; every endpoint, discovery included, needs a valid bearer token.

extern crate nooluur_app as app;
extern crate nooluur_store as store;

mod auth;
mod negotiate;
mod paging;
mod problem;
mod routes;
mod web;

use std::net::SocketAddr;

use app::App;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, Version, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::compression::predicate::{Predicate, SizeAbove};

pub use auth::{Auth, MaybeAuth};
pub use problem::ApiError;
/// The accessibility rules every page is tested against.
pub use web::a11y;

/// The EPCIS and CBV versions this server speaks.
pub const EPCIS_VERSION: &str = "2.0.0";
pub const CBV_VERSION: &str = "2.0.0";

/// The whole REST binding over `app`. Background workers are not started here (see
/// [`serve`] and [`App::spawn_workers`]).
pub fn router(app: App) -> Router {
    routes::routes()
        .fallback(routes::not_found)
        .layer(DefaultBodyLimit::disable())
        // Pages, charts and tables travel gzipped to browsers that ask (a phone on a slow link
        // in a soum centre). The EPCIS and JSON APIs are left as they are: clients of those
        // stream and retry on their own terms, and an empty 201 must stay empty.
        .layer(
            tower_http::compression::CompressionLayer::new().compress_when(
                SizeAbove::new(256).and(
                    |_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
                        headers
                            .get(header::CONTENT_TYPE)
                            .and_then(|v| v.to_str().ok())
                            .is_some_and(|t| {
                                ["text/html", "image/svg+xml", "text/csv"]
                                    .iter()
                                    .any(|p| t.starts_with(p))
                            })
                    },
                ),
            ),
        )
        .layer(axum::Extension(std::sync::Arc::new(
            routes::passport::PageCache::new(&app.config),
        )))
        .layer(middleware::from_fn_with_state(app.clone(), gs1_headers))
        .layer(middleware::from_fn(problem::add_instance))
        .with_state(app)
}

/// Serves the REST binding on `addr` with the app's workers running, until Ctrl-C.
pub async fn serve(app: App, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(
        "EPCIS repository listening on http://{}",
        listener.local_addr()?
    );
    serve_listener(app, listener, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Serves on an already bound listener until `shutdown` completes (tests bind port 0).
pub async fn serve_listener(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let workers = app.spawn_workers();
    let result = axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown)
        .await;
    workers.shutdown().await;
    result
}

async fn gs1_headers(
    axum::extract::State(app): axum::extract::State<App>,
    req: Request,
    next: Next,
) -> Response {
    let mut resp = next.run(req).await;
    let too_large = resp.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE;
    let h = resp.headers_mut();
    h.insert("GS1-EPCIS-Version", HeaderValue::from_static(EPCIS_VERSION));
    h.insert("GS1-CBV-Version", HeaderValue::from_static(CBV_VERSION));
    if too_large {
        for (k, v) in [
            ("GS1-EPCIS-Capture-Limit", app.config.capture_limit),
            (
                "GS1-EPCIS-Capture-File-Size-Limit",
                app.config.capture_file_size_limit,
            ),
        ] {
            if let Ok(v) = HeaderValue::from_str(&v.to_string()) {
                h.insert(k, v);
            }
        }
    }
    resp
}

/// The address a `--addr HOST:PORT` names.
pub fn parse_addr(s: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs;
    s.to_socket_addrs()
        .map_err(|e| format!("'{s}' is not HOST:PORT: {e}"))?
        .next()
        .ok_or_else(|| format!("'{s}' resolves to no address"))
}
