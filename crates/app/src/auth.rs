//! API tokens and who may do what.
//!
//! A token is 32 random bytes, base64url without padding; the store keeps only its SHA-256
//! (hex), so a leaked database does not leak tokens. Clients send `Authorization: Bearer TOKEN`.

use base64::Engine;
use sha2::{Digest, Sha256};
use store::{Org, OrgId, Role, Viewer};

use crate::{App, AppError, Result};

/// The organisation a request acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub org: Org,
}

/// What a principal wants to do; each role is allowed a set of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Capture events (`POST /capture`, `POST /events`).
    Capture,
    /// Read events, resources and capture jobs.
    Read,
    /// Create named queries and subscriptions.
    Subscribe,
    /// Manage organisations.
    Admin,
}

impl Principal {
    pub fn viewer(&self) -> Viewer {
        Viewer::of(&self.org)
    }

    pub fn id(&self) -> OrgId {
        self.org.id
    }

    /// Regulators, lenders and insurers read but do not record supply-chain facts.
    pub fn may(&self, p: Permission) -> bool {
        let role = self.org.role;
        match p {
            Permission::Read | Permission::Subscribe => true,
            Permission::Capture => !matches!(role, Role::Regulator | Role::Lender | Role::Insurer),
            Permission::Admin => role == Role::Admin,
        }
    }

    /// `Ok` when allowed, else a 403 naming the role and what it tried.
    pub fn require(&self, p: Permission) -> Result<()> {
        if self.may(p) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "organisation '{}' has role '{}', which may not {}",
                self.org.name,
                self.org.role.as_str(),
                match p {
                    Permission::Capture => "capture events",
                    Permission::Read => "read events",
                    Permission::Subscribe => "create queries or subscriptions",
                    Permission::Admin => "administer organisations",
                }
            )))
        }
    }
}

/// A new random API token.
pub fn new_token(app: &App) -> String {
    let mut b = [0u8; 32];
    app.random.fill(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// SHA-256 of the token text, lowercase hex: what the store keeps.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The token of an `Authorization` header value (`Bearer TOKEN`, scheme case-insensitive).
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, rest) = header.trim().split_once(' ')?;
    let token = rest.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The principal of an `Authorization` header; 401 when it is missing or unknown.
pub async fn authenticate(app: &App, authorization: Option<&str>) -> Result<Principal> {
    let Some(header) = authorization else {
        return Err(AppError::Unauthenticated(
            "an API token is required: send 'Authorization: Bearer TOKEN'".into(),
        ));
    };
    let Some(token) = bearer(header) else {
        return Err(AppError::Unauthenticated(
            "the Authorization header must be 'Bearer TOKEN'".into(),
        ));
    };
    match app.store.org_by_token_hash(&token_hash(token)).await? {
        Some(org) => Ok(Principal { org }),
        None => Err(AppError::Unauthenticated(
            "the API token is not valid".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_header() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer"), None);
        assert_eq!(bearer("Bearer "), None);
    }

    #[test]
    fn token_hash_is_sha256_hex() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
