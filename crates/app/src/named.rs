//! Named queries (`/queries`): a name, an owner and a query in the EPCIS query language.

use epcis::query::EventQuery;
use serde_json::{Value, json};
use store::{NamedQuery, Page, PageRequest, StoredEvent};

use crate::auth::{Permission, Principal};
use crate::clock::format_time;
use crate::{App, AppError, Result, codec, query};

/// Creates a named query from the REST body `{"name": …, "query": {…}}`.
pub async fn create(app: &App, principal: &Principal, body: &Value) -> Result<NamedQuery> {
    principal.require(Permission::Subscribe)?;
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            AppError::QueryParameter("a named query needs a non-empty string 'name'".into())
        })?;
    if name.len() > 200 || name.contains(['/', '?', '#']) || name.chars().any(char::is_control) {
        return Err(AppError::QueryParameter(format!(
            "'{name}' cannot be a query name: at most 200 characters, no '/', '?', '#' or control characters"
        )));
    }
    let definition = body
        .get("query")
        .cloned()
        .ok_or_else(|| AppError::QueryParameter("a named query needs a 'query' object".into()))?;
    codec::query_from_json(&definition).map_err(AppError::QueryParameter)?;
    let q = NamedQuery {
        name: name.to_owned(),
        owner: principal.id(),
        definition,
        created_at: app.clock.now(),
    };
    app.store.create_named_query(q.clone()).await?;
    Ok(q)
}

pub async fn get(app: &App, principal: &Principal, name: &str) -> Result<NamedQuery> {
    principal.require(Permission::Read)?;
    app.store
        .get_named_query(name)
        .await?
        .ok_or_else(|| AppError::not_found("query", name))
}

pub async fn list(
    app: &App,
    principal: &Principal,
    page: &PageRequest,
) -> Result<Page<NamedQuery>> {
    principal.require(Permission::Read)?;
    Ok(app.store.list_named_queries(page).await?)
}

/// Deletes a named query and every subscription on it (owner or admin only).
pub async fn delete(app: &App, principal: &Principal, name: &str) -> Result<()> {
    let q = get(app, principal, name).await?;
    if q.owner != principal.id() && !principal.may(Permission::Admin) {
        return Err(AppError::Forbidden(format!(
            "query '{name}' belongs to another organisation"
        )));
    }
    let mut page = PageRequest::default();
    loop {
        let subs = app.store.list_subscriptions(Some(name), &page).await?;
        for s in &subs.items {
            app.store.delete_subscription(&s.id).await?;
        }
        match subs.next_token {
            Some(t) => page.token = Some(t),
            None => break,
        }
    }
    if !app.store.delete_named_query(name).await? {
        return Err(AppError::not_found("query", name));
    }
    Ok(())
}

/// The typed query of a named query.
pub fn parse(q: &NamedQuery) -> Result<EventQuery> {
    codec::query_from_json(&q.definition)
        .map_err(|e| AppError::Internal(format!("stored query '{}' no longer parses: {e}", q.name)))
}

/// One page of a named query's results, as the principal may see them.
pub async fn events(
    app: &App,
    principal: &Principal,
    name: &str,
    page: &PageRequest,
) -> Result<Page<StoredEvent>> {
    let q = get(app, principal, name).await?;
    query::events(app, principal, &parse(&q)?, page).await
}

/// A named query as the REST binding shows it.
pub fn to_json(q: &NamedQuery) -> Value {
    json!({
        "name": q.name,
        "query": q.definition,
        "createdAt": format_time(q.created_at),
    })
}
