//! Organisations and their API tokens.

use store::{NewOrg, Org, Role};

use crate::auth::{Principal, new_token, token_hash};
use crate::{App, AppError, Result};

/// Creates an organisation with a role and the party identifiers it answers for (PGLN, SGLN,
/// private URIs; canonicalised here), and returns it with its first API token. The token is
/// shown once: only its hash is stored.
pub async fn add(
    app: &App,
    name: &str,
    role: Role,
    identifiers: &[String],
) -> Result<(Org, String)> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::validation(
            "an organisation needs a name",
            Vec::new(),
        ));
    }
    let token = new_token(app);
    let org = app
        .store
        .create_org(NewOrg {
            name: name.to_owned(),
            role,
            token_hash: token_hash(&token),
            identifiers: identifiers
                .iter()
                .map(|i| epcis::id::canonical(i))
                .collect(),
        })
        .await?;
    Ok((org, token))
}

/// Issues another API token for an existing organisation.
pub async fn add_token(app: &App, name: &str) -> Result<String> {
    let org = by_name(app, name).await?;
    let token = new_token(app);
    app.store.add_token(org.id, &token_hash(&token)).await?;
    Ok(token)
}

pub async fn by_name(app: &App, name: &str) -> Result<Org> {
    app.store
        .org_by_name(name)
        .await?
        .ok_or_else(|| AppError::not_found("organisation", name))
}

/// The principal of an organisation named on the command line (`nooluur capture --org NAME`).
pub async fn principal(app: &App, name: &str) -> Result<Principal> {
    Ok(Principal {
        org: by_name(app, name).await?,
    })
}

pub async fn list(app: &App) -> Result<Vec<Org>> {
    Ok(app.store.list_orgs().await?)
}
