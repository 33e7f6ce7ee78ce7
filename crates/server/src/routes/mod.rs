//! The routes of the REST binding, one module per resource family.

mod auctions;
mod capture;
mod climate;
mod credentials;
mod discovery;
mod events;
mod finance;
mod log;
mod market;
pub(crate) mod passport;
mod provenance;
mod queries;
mod resources;

use app::App;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};

use crate::problem::ApiError;

pub use discovery::not_found;

pub fn routes() -> Router<App> {
    let r = Router::new()
        .route(
            "/",
            get(discovery::root).options(discovery::options("OPTIONS, GET")),
        )
        .route(
            "/capture",
            post(capture::submit)
                .get(capture::list)
                .options(discovery::capture_options),
        )
        .route(
            "/capture/{id}",
            get(capture::job).options(discovery::options("OPTIONS, GET")),
        )
        .route(
            "/events",
            get(events::query)
                .post(events::create)
                .options(discovery::options("OPTIONS, GET, POST")),
        )
        .route(
            "/events/{*id}",
            get(events::one).options(discovery::options("OPTIONS, GET")),
        )
        .route("/log/checkpoint", get(log::checkpoint))
        .route("/log/vkey", get(log::vkey))
        .route("/log/proof/{*event_id}", get(log::proof))
        .route("/log/consistency", get(log::consistency))
        .route("/log/tile/{*path}", get(log::tile))
        .route("/provenance/{*id}", get(provenance::report))
        .route("/trace/{*id}", get(provenance::trace))
        .route("/lots/{*id}", get(provenance::lot))
        .route(
            "/nextPageToken/{token}",
            delete(release_token).options(discovery::options("OPTIONS, DELETE")),
        );
    let r = resources::add_routes(r);
    let r = credentials::add_routes(r);
    let r = market::add_routes(r);
    let r = auctions::add_routes(r);
    let r = climate::add_routes(r);
    let r = finance::add_routes(r);
    let r = passport::add_routes(r);
    let r = crate::web::add_routes(r);
    queries::add_routes(r)
}

/// Page tokens hold no server resources (they are stateless positions), so releasing one is
/// always successful.
async fn release_token(_auth: crate::Auth) -> Result<StatusCode, ApiError> {
    Ok(StatusCode::NO_CONTENT)
}
