//! Queries with visibility: an event is readable by the organisation that captured it, by the
//! organisations named in its source/destination lists, and by regulators (and admins).

use epcis::query::EventQuery;
use store::{Page, PageRequest, Resource, StoredEvent, Viewer};

use crate::auth::{Permission, Principal};
use crate::{App, AppError, Result};

/// Whether `viewer` may read `stored` (the same rule the store applies in SQL; subscriptions
/// use it when filtering new events in memory).
pub fn visible(viewer: &Viewer, stored: &StoredEvent) -> bool {
    if viewer.sees_all || stored.captured_by == viewer.org {
        return true;
    }
    if viewer.parties.is_empty() {
        return false;
    }
    let named = |id: &str| {
        let c = epcis::id::canonical(id);
        viewer.parties.contains(&c)
    };
    let e = &stored.event;
    e.source_list.iter().flatten().any(|s| named(&s.source))
        || e.destination_list
            .iter()
            .flatten()
            .any(|d| named(&d.destination))
}

/// Parses URL query pairs (`GET /events?…`) into a query, leaving out the paging and
/// subscription controls that are not query parameters.
pub fn parse_url_query(pairs: &[(String, String)]) -> Result<EventQuery> {
    parse_url_query_with(pairs, &epcis::Namespaces::new())
}

/// [`parse_url_query`] with the prefixes of compact extension field names (from the
/// `GS1-Extensions` header).
pub fn parse_url_query_with(
    pairs: &[(String, String)],
    namespaces: &epcis::Namespaces,
) -> Result<EventQuery> {
    let params: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| !NON_QUERY_PARAMS.contains(&k.as_str()))
        .cloned()
        .collect();
    EventQuery::from_pairs_with(&params, namespaces)
        .map_err(|e| AppError::QueryParameter(e.to_string()))
}

/// The prefixes a `GS1-Extensions` header declares (`ext1=http://example.com/ext1/, …`).
pub fn parse_extensions_header(value: &str) -> Result<epcis::Namespaces> {
    let mut ns = epcis::Namespaces::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (prefix, iri) = part.split_once('=').ok_or_else(|| {
            AppError::QueryParameter(format!(
                "GS1-Extensions: '{part}' is not prefix=namespace-IRI"
            ))
        })?;
        ns.insert(prefix.trim(), iri.trim());
    }
    Ok(ns)
}

/// Parameters of the REST binding that are not SimpleEventQuery parameters.
pub const NON_QUERY_PARAMS: &[&str] = &[
    "perPage",
    "nextPageToken",
    "stream",
    "second",
    "minute",
    "hour",
    "dayOfMonth",
    "month",
    "dayOfWeek",
    "reportIfEmpty",
    "initialRecordTime",
];

/// A page request from `perPage` and `nextPageToken`, bounded by the configuration.
pub fn page_request(app: &App, per_page: Option<&str>, token: Option<&str>) -> Result<PageRequest> {
    let per_page = match per_page {
        None => app.config.default_page_size,
        Some(s) => match s.trim().parse::<u32>() {
            Ok(n) if n >= 1 => n.min(app.config.max_page_size),
            _ => {
                return Err(AppError::QueryParameter(format!(
                    "perPage must be a positive integer, not '{s}'"
                )));
            }
        },
    };
    Ok(PageRequest {
        per_page: Some(per_page),
        token: token.map(str::to_owned),
    })
}

/// Events matching a query that the principal may see, one page.
pub async fn events(
    app: &App,
    principal: &Principal,
    query: &EventQuery,
    page: &PageRequest,
) -> Result<Page<StoredEvent>> {
    principal.require(Permission::Read)?;
    Ok(app
        .store
        .query_events(query, &principal.viewer(), page)
        .await?)
}

/// The events with an eventID, in capture order: the event and its error declaration when
/// there is one (EPCIS 2.0 §7.4.1.2; the REST binding's `GET /events/{eventID}`). 404 when
/// there is none the principal may see (absent and hidden are not told apart).
pub async fn event(app: &App, principal: &Principal, event_id: &str) -> Result<Vec<StoredEvent>> {
    principal.require(Permission::Read)?;
    let found = app.store.get_event(event_id, &principal.viewer()).await?;
    if found.is_empty() {
        return Err(AppError::not_found("event", event_id));
    }
    Ok(found)
}

/// The values behind a top-level resource (`/epcs`, `/bizSteps`, …) that the principal sees.
pub async fn resource_values(
    app: &App,
    principal: &Principal,
    resource: Resource,
    page: &PageRequest,
) -> Result<Page<String>> {
    principal.require(Permission::Read)?;
    Ok(app
        .store
        .distinct_values(resource, &principal.viewer(), page)
        .await?)
}

/// The URL name of a top-level resource and the query parameter its `/{id}/events` uses.
pub fn resource_info(resource: Resource) -> (&'static str, &'static str) {
    match resource {
        Resource::EventTypes => ("eventTypes", "eventType"),
        Resource::Epcs => ("epcs", "MATCH_anyEPC"),
        Resource::BizSteps => ("bizSteps", "EQ_bizStep"),
        Resource::BizLocations => ("bizLocations", "EQ_bizLocation"),
        Resource::ReadPoints => ("readPoints", "EQ_readPoint"),
        Resource::Dispositions => ("dispositions", "EQ_disposition"),
    }
}

/// The query behind `/{resource}/{id}/events`, with the client's further URL parameters.
pub fn resource_query(
    resource: Resource,
    id: &str,
    pairs: &[(String, String)],
) -> Result<EventQuery> {
    let (_, param) = resource_info(resource);
    let mut all = pairs.to_vec();
    all.push((param.to_owned(), id.to_owned()));
    parse_url_query(&all)
}

/// Whether any visible event carries this resource value (`GET /{resource}/{id}` is 404 when not).
pub async fn resource_exists(
    app: &App,
    principal: &Principal,
    resource: Resource,
    id: &str,
) -> Result<bool> {
    if resource == Resource::EventTypes
        && epcis::EventType::STANDARD.iter().any(|t| t.as_str() == id)
    {
        return Ok(true);
    }
    let q = resource_query(resource, id, &[])?;
    let page = PageRequest {
        per_page: Some(1),
        token: None,
    };
    Ok(!events(app, principal, &q, &page).await?.items.is_empty())
}
