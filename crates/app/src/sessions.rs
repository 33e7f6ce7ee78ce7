//! Browser sessions for the dashboards: an organisation signs in once with its API token and
//! gets a random session secret in an HttpOnly cookie, so the token itself never sits in the
//! browser. The store keeps only the secret's SHA-256 (as for tokens) under the record kind
//! `web-session`, with the organisation and an expiry; signing out deletes nothing but marks
//! the record ended, so the sign-in history stays auditable.
//!
//! Forms carry a CSRF value derived from the secret (SHA-256 of a domain prefix and the
//! secret): a page of another site cannot read it, so it cannot post a form as the user even
//! where a browser ignores `SameSite`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use store::OrgId;

use crate::auth::{Principal, new_token, token_hash};
use crate::market::{Kind, Versioned, get, new_record, update_record, write};
use crate::{App, AppError, Result};

/// How long a session lasts without signing in again: a working day and a night.
pub const LIFETIME_SECONDS: i64 = 16 * 3600;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Session {
    org: i64,
    /// Unix seconds.
    expires: i64,
    #[serde(default)]
    ended: bool,
}

impl Kind for Session {
    const KIND: &'static str = "web-session";
    const WHAT: &'static str = "session";
}

/// A started session: the secret for the cookie and who it is.
#[derive(Debug, Clone)]
pub struct Started {
    pub secret: String,
    pub principal: Principal,
}

/// Signs in with an API token; 401 when the token is unknown.
pub async fn start(app: &App, token: &str) -> Result<Started> {
    let token = token.trim();
    let org = match app.store.org_by_token_hash(&token_hash(token)).await? {
        Some(org) if !token.is_empty() => org,
        _ => {
            return Err(AppError::Unauthenticated(
                "the API token is not valid".into(),
            ));
        }
    };
    let secret = new_token(app);
    let s = Session {
        org: org.id.0,
        expires: app.clock.now().timestamp() + LIFETIME_SECONDS,
        ended: false,
    };
    let rec = new_record(&token_hash(&secret), None, Some(org.id), &s)?;
    write(app, vec![rec], vec![]).await?;
    Ok(Started {
        secret,
        principal: Principal { org },
    })
}

/// The principal of a session secret, `None` when unknown, ended or expired.
pub async fn principal(app: &App, secret: &str) -> Result<Option<Principal>> {
    let Some(s) = get::<Session>(app, &token_hash(secret)).await? else {
        return Ok(None);
    };
    if s.value.ended || s.value.expires <= app.clock.now().timestamp() {
        return Ok(None);
    }
    let org = crate::market::org(app, OrgId(s.value.org)).await?;
    Ok(Some(Principal { org }))
}

/// Ends a session (idempotent; an unknown secret is not an error).
pub async fn end(app: &App, secret: &str) -> Result<()> {
    let key = token_hash(secret);
    let Some(mut s): Option<Versioned<Session>> = get(app, &key).await? else {
        return Ok(());
    };
    if s.value.ended {
        return Ok(());
    }
    s.value.ended = true;
    write(app, vec![], vec![update_record(&key, &s)?]).await
}

/// The CSRF value of a session's forms.
pub fn csrf(secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"nooluur-csrf\0");
    h.update(secret.as_bytes());
    hex::encode(h.finalize())
}
