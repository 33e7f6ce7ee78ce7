//! Discovery: `GET /` (the top-level resources) and `OPTIONS` on every resource.

use app::{App, AppError};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::future::BoxFuture;

use crate::Auth;
use crate::negotiate::json_response;
use crate::problem::ApiError;

const EPC_FORMATS: &str =
    "No_Preference, Always_GS1_Digital_Link, Always_EPC_URN, Never_Translates";

/// `GET /`: the top-level resources.
pub async fn root(_auth: Auth) -> Response {
    let members = [
        "queries",
        "capture",
        "events",
        "eventTypes",
        "epcs",
        "readPoints",
        "bizLocations",
        "dispositions",
        "bizSteps",
    ];
    json_response(
        &app::render::collection(members.iter().map(|s| (*s).to_owned()).collect()),
        "application/ld+json",
    )
}

/// The headers every `OPTIONS` answer carries.
pub fn discovery_headers(app: &App, allow: &'static str) -> HeaderMap {
    let mut h = HeaderMap::new();
    let mut put = |k: &'static str, v: String| {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    };
    put("Allow", allow.to_owned());
    put("GS1-EPCIS-Version", crate::EPCIS_VERSION.to_owned());
    put("GS1-EPCIS-Min", crate::EPCIS_VERSION.to_owned());
    put("GS1-EPCIS-Max", crate::EPCIS_VERSION.to_owned());
    put("GS1-CBV-Version", crate::CBV_VERSION.to_owned());
    put("GS1-CBV-Min", crate::CBV_VERSION.to_owned());
    put("GS1-CBV-Max", crate::CBV_VERSION.to_owned());
    put("GS1-EPC-Format", EPC_FORMATS.to_owned());
    put("GS1-CBV-XML-Format", "Never_Translates".to_owned());
    put("GS1-Extensions", String::new());
    put(
        "GS1-Vendor-Version",
        format!("nooluur-{}", env!("CARGO_PKG_VERSION")),
    );
    put(
        "GS1-EPCIS-Capture-Limit",
        app.config.capture_limit.to_string(),
    );
    put(
        "GS1-EPCIS-Capture-File-Size-Limit",
        app.config.capture_file_size_limit.to_string(),
    );
    h
}

/// An `OPTIONS` handler answering 204 with the discovery headers and `Allow`.
pub fn options(
    allow: &'static str,
) -> impl Fn(Auth, State<App>) -> BoxFuture<'static, Response> + Clone + Send + Sync + 'static {
    move |_auth: Auth, State(app): State<App>| {
        Box::pin(
            async move { (StatusCode::NO_CONTENT, discovery_headers(&app, allow)).into_response() },
        )
    }
}

/// `OPTIONS /capture`, which also tells the error behaviours.
pub async fn capture_options(_auth: Auth, State(app): State<App>) -> Response {
    let mut h = discovery_headers(&app, "OPTIONS, GET, POST");
    h.insert(
        "GS1-Capture-Error-Behaviour",
        HeaderValue::from_static("rollback, proceed"),
    );
    (StatusCode::NO_CONTENT, h).into_response()
}

/// Unknown paths: 404 problem (after authentication: nothing is told without a token).
pub async fn not_found(_auth: Auth, uri: axum::http::Uri) -> ApiError {
    ApiError(AppError::not_found("resource", uri.path()))
}
