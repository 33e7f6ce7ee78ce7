//! The transparency log: `GET /log/checkpoint` (the latest signed checkpoint, as is),
//! `/log/vkey` (the verifier key), `/log/proof/{eventID}` (inclusion, for whoever may read
//! the event; `?declared=true` for its error declaration), `/log/consistency?from=M&to=N`, and C2SP tlog-tiles hash tiles under
//! `/log/tile/…`. Checkpoints, keys and hash tiles reveal no event and are public; a proof
//! carries the event itself and needs a token.

use app::App;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::Auth;
use crate::problem::ApiError;

fn text(body: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

pub async fn checkpoint(State(app): State<App>) -> Result<Response, ApiError> {
    let mut resp = text(app::log::checkpoint(&app).await?);
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(resp)
}

pub async fn vkey(State(app): State<App>) -> Result<Response, ApiError> {
    Ok(text(format!("{}\n", app::log::vkey(&app).await?)))
}

/// `?declared=true` asks for the proof of the event's error declaration (the two share the
/// eventID and are two leaves).
#[derive(Debug, Default, Deserialize)]
pub struct ProofOf {
    #[serde(default)]
    declared: bool,
}

pub async fn proof(
    State(app): State<App>,
    Auth(principal): Auth,
    Path(event_id): Path<String>,
    Query(of): Query<ProofOf>,
) -> Result<Response, ApiError> {
    let p = app::log::event_proof(&app, &principal, &event_id, of.declared).await?;
    Ok(axum::Json(p).into_response())
}

#[derive(Debug, Deserialize)]
pub struct Sizes {
    from: Option<u64>,
    to: Option<u64>,
}

pub async fn consistency(
    State(app): State<App>,
    Query(sizes): Query<Sizes>,
) -> Result<Response, ApiError> {
    let (Some(from), Some(to)) = (sizes.from, sizes.to) else {
        return Err(app::AppError::QueryParameter(
            "a consistency proof needs both from and to (tree sizes)".into(),
        )
        .into());
    };
    let p = app::log::consistency_proof(&app, from, to).await?;
    Ok(axum::Json(p).into_response())
}

pub async fn tile(State(app): State<App>, Path(path): Path<String>) -> Result<Response, ApiError> {
    let data = app::log::tile(&app, &format!("tile/{path}")).await?;
    let mut resp = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        )],
        data,
    )
        .into_response();
    // A full tile never changes; a partial one is replaced by a wider one.
    let immutable = !path.contains(".p/");
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }),
    );
    Ok(resp)
}
