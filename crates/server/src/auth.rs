//! `Authorization: Bearer TOKEN` → the organisation the request acts for.

use app::App;
use app::auth::Principal;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use crate::problem::ApiError;

/// Extractor: the authenticated principal; 401 problem when missing or unknown.
#[derive(Debug, Clone)]
pub struct Auth(pub Principal);

impl FromRequestParts<App> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Auth, ApiError> {
        if let Some(p) = parts.extensions.get::<Principal>() {
            return Ok(Auth(p.clone()));
        }
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .map(|v| v.to_str().unwrap_or(""));
        let principal = app::auth::authenticate(app, header).await?;
        parts.extensions.insert(principal.clone());
        Ok(Auth(principal))
    }
}

/// Extractor for public resources that show more to those entitled: `None` without an
/// `Authorization` header, the principal with a valid one, 401 with an invalid one.
#[derive(Debug, Clone)]
pub struct MaybeAuth(pub Option<Principal>);

impl FromRequestParts<App> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<MaybeAuth, ApiError> {
        if parts.headers.get(header::AUTHORIZATION).is_none() {
            return Ok(MaybeAuth(None));
        }
        let Auth(p) = Auth::from_request_parts(parts, app).await?;
        Ok(MaybeAuth(Some(p)))
    }
}
