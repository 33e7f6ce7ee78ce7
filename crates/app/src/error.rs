//! The errors of the use cases. Each maps to one GS1 EPCIS exception and an HTTP status, so
//! the server and the capture jobs report them the same way (RFC 9457 problem details).

use serde::Serialize;
use store::StoreError;

/// One thing wrong with an input, naming where: event (index, eventID) and field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ErrorItem {
    /// 0-based position of the event in the document (`eventList[i]`); messages name it
    /// `event i+1 (eventList[i])`, as [`epcis::error::describe_event`] does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_index: Option<usize>,
    #[serde(rename = "eventID", skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// JSON-Pointer-like path of the field inside the event (`/quantityList/0/uom`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    pub message: String,
}

impl ErrorItem {
    pub fn message(message: impl Into<String>) -> ErrorItem {
        ErrorItem {
            message: message.into(),
            ..ErrorItem::default()
        }
    }

    pub fn from_location(loc: &epcis::error::Location, message: impl Into<String>) -> ErrorItem {
        ErrorItem {
            event_index: loc.event_index,
            event_id: loc.event_id.clone(),
            field: loc.field.clone(),
            line: loc.line,
            column: loc.column,
            message: message.into(),
        }
    }

    pub fn from_violation(v: &epcis::Violation) -> ErrorItem {
        ErrorItem::from_location(&v.location, v.message.clone())
    }
}

impl std::fmt::Display for ErrorItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if let Some(e) = epcis::error::describe_event(self.event_index, self.event_id.as_deref()) {
            parts.push(e);
        }
        if let Some(field) = &self.field {
            parts.push(format!("field {field}"));
        }
        if let (Some(l), Some(c)) = (self.line, self.column) {
            parts.push(format!("line {l} column {c}"));
        }
        if parts.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", parts.join(" "), self.message)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No or an unknown API token (401).
    #[error("{0}")]
    Unauthenticated(String),
    /// The organisation's role may not do this (403).
    #[error("{0}")]
    Forbidden(String),
    #[error("{what} '{name}' not found")]
    NotFound { what: &'static str, name: String },
    /// 409: a duplicate eventID, named query, …
    #[error("{what} '{name}' already exists")]
    AlreadyExists {
        what: &'static str,
        name: String,
        errors: Vec<ErrorItem>,
    },
    /// The document is not readable (malformed JSON/XML, too deep) or breaks the schema/CBV.
    #[error("{detail}")]
    Validation {
        detail: String,
        errors: Vec<ErrorItem>,
    },
    /// A query parameter is unknown or has a bad value.
    #[error("{0}")]
    QueryParameter(String),
    /// A subscription request is inconsistent (no schedule and no stream, bad schedule, …).
    #[error("{0}")]
    SubscriptionControls(String),
    /// The query would answer more events than its `maxEventCount` (413).
    #[error("{0}")]
    QueryTooLarge(String),
    /// The query (or the request defining it) is beyond what the repository evaluates (413).
    #[error("{0}")]
    QueryTooComplex(String),
    /// The document is over the configured size or event-count limit (413).
    #[error("{0}")]
    CaptureLimitExceeded(String),
    /// The client accepts no format the server can answer in (406).
    #[error("{0}")]
    NotAcceptable(String),
    /// The request body is in a format the server does not read (415).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The provenance ledger refused an event (409): over-consumption, a lot created twice,
    /// mass out of balance. `rejection` carries the figures (lot, had, asked, band).
    #[error("{detail}")]
    Ledger {
        detail: String,
        errors: Vec<ErrorItem>,
        rejection: serde_json::Value,
    },
    /// A transaction certificate would claim more certified mass of a lot than its provenance
    /// holds (the double-claim guard, 409).
    #[error("{detail}")]
    DoubleClaim {
        detail: String,
        errors: Vec<ErrorItem>,
        // Boxed: a second 120-byte variant would make every Result<_, AppError> larger.
        rejection: Box<serde_json::Value>,
    },
    /// A market rule refused the request (409): a late, early, duplicate or below-reserve
    /// bid, an auction not open or already closed, an overpayment, a concurrent change.
    /// `reason` is a stable code clients can act on.
    #[error("{detail}")]
    Refused {
        reason: &'static str,
        detail: String,
    },
    #[error("storage failed: {0}")]
    Store(StoreError),
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        if let Some(message) = e.too_long_for_the_database() {
            return AppError::Validation {
                detail: format!(
                    "a value is too long for the database; nothing was stored: {message}"
                ),
                errors: Vec::new(),
            };
        }
        match e {
            StoreError::DuplicateEventId(id) => AppError::AlreadyExists {
                what: "event",
                errors: vec![ErrorItem {
                    event_id: Some(id.clone()),
                    message: format!("an event with eventID {id} already exists"),
                    ..ErrorItem::default()
                }],
                name: id,
            },
            StoreError::AlreadyExists { what, name } => AppError::AlreadyExists {
                what,
                name,
                errors: Vec::new(),
            },
            StoreError::NotFound { what, name } => AppError::NotFound { what, name },
            StoreError::QueryTooLarge { limit } => AppError::QueryTooLarge(format!(
                "the query matches more than maxEventCount={limit} events; narrow it or raise the limit"
            )),
            StoreError::InvalidEvent { index, message } => AppError::Validation {
                detail: format!(
                    "{} cannot be stored: {message}",
                    epcis::error::describe_event(Some(index), None).unwrap_or_default()
                ),
                errors: vec![ErrorItem {
                    event_index: Some(index),
                    message,
                    ..ErrorItem::default()
                }],
            },
            StoreError::Profile { index, violations } => {
                crate::provenance::profile_error(index, &violations)
            }
            StoreError::Provenance(r) => crate::provenance::rejection_error(&r),
            StoreError::BadPageToken => {
                AppError::QueryParameter("nextPageToken is not valid (or has expired)".into())
            }
            StoreError::DuplicateCredential(id) => AppError::AlreadyExists {
                what: "credential",
                name: id,
                errors: Vec::new(),
            },
            StoreError::OverClaim {
                lot,
                standard,
                limit_grams,
                claimed_grams,
                asked_grams,
            } => {
                let e = StoreError::OverClaim {
                    lot: lot.clone(),
                    standard: standard.clone(),
                    limit_grams,
                    claimed_grams,
                    asked_grams,
                };
                let kg = |g: i64| g as f64 / 1000.0;
                AppError::DoubleClaim {
                    detail: format!("double claim refused: {e}; nothing was issued"),
                    errors: vec![ErrorItem {
                        field: Some("lots".into()),
                        message: e.to_string(),
                        ..ErrorItem::default()
                    }],
                    rejection: Box::new(serde_json::json!({
                        "rule": "double-claim",
                        "lot": lot,
                        "standard": standard,
                        "certified_kg": kg(limit_grams),
                        "claimed_kg": kg(claimed_grams),
                        "asked_kg": kg(asked_grams),
                    })),
                }
            }
            e @ StoreError::InvalidClaim { .. } => AppError::Validation {
                detail: e.to_string(),
                errors: Vec::new(),
            },
            other => AppError::Store(other),
        }
    }
}

impl AppError {
    pub fn validation(detail: impl Into<String>, errors: Vec<ErrorItem>) -> AppError {
        AppError::Validation {
            detail: detail.into(),
            errors,
        }
    }

    pub fn not_found(what: &'static str, name: impl Into<String>) -> AppError {
        AppError::NotFound {
            what,
            name: name.into(),
        }
    }

    /// The HTTP status the REST binding answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound { .. } => 404,
            AppError::AlreadyExists { .. }
            | AppError::Ledger { .. }
            | AppError::DoubleClaim { .. }
            | AppError::Refused { .. } => 409,
            AppError::Validation { .. }
            | AppError::QueryParameter(_)
            | AppError::SubscriptionControls(_) => 400,
            AppError::CaptureLimitExceeded(_)
            | AppError::QueryTooLarge(_)
            | AppError::QueryTooComplex(_) => 413,
            AppError::NotAcceptable(_) => 406,
            AppError::UnsupportedMediaType(_) => 415,
            AppError::Store(_) | AppError::Internal(_) => 500,
        }
    }

    /// The GS1 exception name (`epcisException:…`), used as the problem `type`.
    pub fn exception(&self) -> &'static str {
        match self {
            AppError::Unauthenticated(_) | AppError::Forbidden(_) => {
                "epcisException:SecurityException"
            }
            // The standard's exception for an unknown query name; any other resource (event,
            // capture job, subscription, top-level value) is the REST binding's
            // NoSuchResourceException.
            AppError::NotFound { what: "query", .. } => "epcisException:NoSuchNameException",
            AppError::NotFound { .. } => "epcisException:NoSuchResourceException",
            AppError::AlreadyExists { .. } => "epcisException:ResourceAlreadyExistsException",
            AppError::Validation { .. }
            | AppError::Ledger { .. }
            | AppError::DoubleClaim { .. } => "epcisException:ValidationException",
            AppError::Refused { .. } => "https://nooluur.org/problems/refused",
            AppError::QueryParameter(_) => "epcisException:QueryParameterException",
            AppError::SubscriptionControls(_) => "epcisException:SubscriptionControlsException",
            AppError::CaptureLimitExceeded(_) => "epcisException:CaptureLimitExceededException",
            AppError::QueryTooLarge(_) => "epcisException:QueryTooLargeException",
            AppError::QueryTooComplex(_) => "epcisException:QueryTooComplexException",
            AppError::NotAcceptable(_) => "epcisException:NotAcceptableException",
            AppError::UnsupportedMediaType(_) => "epcisException:UnsupportedMediaTypeException",
            AppError::Store(_) | AppError::Internal(_) => "epcisException:ImplementationException",
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            AppError::Unauthenticated(_) => "Unauthorised request",
            AppError::Forbidden(_) => "Access to resource forbidden",
            AppError::NotFound { .. } => "Resource not found",
            AppError::AlreadyExists { .. } => {
                "A resource with the provided identifier already exists"
            }
            AppError::Validation { .. } => "Invalid EPCIS document",
            AppError::Ledger { .. } => "The document conflicts with the lot ledger",
            AppError::DoubleClaim { .. } => "The claim exceeds the lot's certified mass",
            AppError::Refused { .. } => "Refused by a market rule",
            AppError::QueryParameter(_) => "Invalid query parameter",
            AppError::SubscriptionControls(_) => "Invalid subscription",
            AppError::CaptureLimitExceeded(_) => "Capture payload too large",
            AppError::QueryTooLarge(_) => "Query result too large",
            AppError::QueryTooComplex(_) => "Query too complex",
            AppError::NotAcceptable(_) => "Conflicting request and response headers",
            AppError::UnsupportedMediaType(_) => "Unsupported media type",
            AppError::Store(_) | AppError::Internal(_) => "A server-side error occurred",
        }
    }

    /// What exactly is wrong, where, for the `errors` member of the problem.
    pub fn items(&self) -> &[ErrorItem] {
        match self {
            AppError::Validation { errors, .. }
            | AppError::AlreadyExists { errors, .. }
            | AppError::Ledger { errors, .. }
            | AppError::DoubleClaim { errors, .. } => errors,
            _ => &[],
        }
    }

    /// RFC 9457 problem details. `instance` is the request path (or capture job) it concerns.
    pub fn problem(&self, instance: Option<&str>) -> serde_json::Value {
        let detail = match self {
            // Storage details may carry SQL; the log has them, the client gets a plain sentence.
            AppError::Store(_) => "the repository could not complete the request".to_owned(),
            other => other.to_string(),
        };
        let mut p = serde_json::json!({
            "type": self.exception(),
            "title": self.title(),
            "status": self.status(),
            "detail": detail,
        });
        if let Some(i) = instance {
            p["instance"] = i.into();
        }
        match self {
            AppError::Ledger { rejection, .. } => p["rejection"] = rejection.clone(),
            AppError::DoubleClaim { rejection, .. } => p["rejection"] = (**rejection).clone(),
            AppError::Refused { reason, .. } => p["reason"] = (*reason).into(),
            _ => {}
        }
        if !self.items().is_empty() {
            p["errors"] = serde_json::to_value(self.items()).unwrap_or_default();
        }
        p
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(e: StoreError) -> (u16, &'static str) {
        let a = AppError::from(e);
        (a.status(), a.exception())
    }

    #[test]
    fn store_errors_map_to_the_standard_status_and_exception() {
        assert_eq!(
            answer(StoreError::QueryTooLarge { limit: 3 }),
            (413, "epcisException:QueryTooLargeException")
        );
        assert_eq!(
            answer(StoreError::DuplicateEventId("urn:uuid:1".into())),
            (409, "epcisException:ResourceAlreadyExistsException")
        );
        assert_eq!(
            answer(StoreError::AlreadyExists {
                what: "query",
                name: "q".into()
            }),
            (409, "epcisException:ResourceAlreadyExistsException")
        );
        assert_eq!(
            answer(StoreError::NotFound {
                what: "query",
                name: "q".into()
            }),
            (404, "epcisException:NoSuchNameException")
        );
        assert_eq!(
            answer(StoreError::NotFound {
                what: "capture job",
                name: "j".into()
            }),
            (404, "epcisException:NoSuchResourceException")
        );
        assert_eq!(
            answer(StoreError::BadPageToken),
            (400, "epcisException:QueryParameterException")
        );
        assert_eq!(
            answer(StoreError::InvalidEvent {
                index: 2,
                message: "no eventTime".into()
            }),
            (400, "epcisException:ValidationException")
        );
        // Only real faults are ImplementationExceptions, and they do not leak their text.
        let corrupt = AppError::from(StoreError::Corrupt("row 7: SELECT …".into()));
        assert_eq!(
            (corrupt.status(), corrupt.exception()),
            (500, "epcisException:ImplementationException")
        );
        assert!(
            !corrupt.problem(None)["detail"]
                .as_str()
                .unwrap()
                .contains("SELECT")
        );
    }

    #[test]
    fn every_problem_carries_its_status_type_and_title() {
        let all = [
            AppError::Unauthenticated("x".into()),
            AppError::Forbidden("x".into()),
            AppError::not_found("event", "e"),
            AppError::validation("x", vec![ErrorItem::message("m")]),
            AppError::QueryParameter("x".into()),
            AppError::SubscriptionControls("x".into()),
            AppError::QueryTooLarge("x".into()),
            AppError::QueryTooComplex("x".into()),
            AppError::CaptureLimitExceeded("x".into()),
            AppError::NotAcceptable("x".into()),
            AppError::UnsupportedMediaType("x".into()),
            AppError::Internal("x".into()),
        ];
        let want = [
            (401, "SecurityException"),
            (403, "SecurityException"),
            (404, "NoSuchResourceException"),
            (400, "ValidationException"),
            (400, "QueryParameterException"),
            (400, "SubscriptionControlsException"),
            (413, "QueryTooLargeException"),
            (413, "QueryTooComplexException"),
            (413, "CaptureLimitExceededException"),
            (406, "NotAcceptableException"),
            (415, "UnsupportedMediaTypeException"),
            (500, "ImplementationException"),
        ];
        for (e, (status, kind)) in all.iter().zip(want) {
            let p = e.problem(Some("/events"));
            assert_eq!(p["status"], status, "{e:?}");
            assert_eq!(p["type"], format!("epcisException:{kind}"), "{e:?}");
            assert!(p["title"].is_string() && p["detail"].is_string(), "{e:?}");
            assert_eq!(p["instance"], "/events");
        }
    }
}

#[cfg(test)]
mod item_tests {
    use super::*;

    #[test]
    fn items_name_events_as_the_epcis_errors_do() {
        let item = ErrorItem {
            event_index: Some(2),
            event_id: Some("urn:uuid:x".into()),
            field: Some("/action".into()),
            message: "action must be ADD, OBSERVE or DELETE".into(),
            ..ErrorItem::default()
        };
        assert_eq!(
            item.to_string(),
            "event 3 (eventList[2], urn:uuid:x) field /action: action must be ADD, OBSERVE or DELETE"
        );
        let loc = epcis::error::Location {
            event_index: Some(2),
            event_id: Some("urn:uuid:x".into()),
            field: Some("/action".into()),
            ..Default::default()
        };
        assert_eq!(
            ErrorItem::from_location(&loc, "m").to_string(),
            format!("{loc}: m")
        );
        let p = AppError::validation("bad", vec![item]).problem(None);
        assert_eq!(p["errors"][0]["eventIndex"], 2, "{p}");
    }
}
