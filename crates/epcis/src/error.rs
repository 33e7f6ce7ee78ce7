//! Errors that name what is wrong and where: the event (by position and eventID) and the field.

use std::fmt;

/// Where in a document something is: event index (0-based, in document order), its eventID if
/// it has one, and a JSON-Pointer-like path of the field inside the event (`/quantityList/0/uom`).
///
/// `field` is a JSON Pointer into the document's JSON-LD form: relative to the event when
/// there is one (`/quantityList/0/uom`), else from the document root (`/epcisBody`); XML errors
/// outside any event name the XML element instead and give its line and column.
///
/// One convention everywhere: `event_index` (and `eventIndex` in problem details) is 0-based,
/// like the JSON Pointers beside it; the text form names the event both ways, as a person counts
/// and as the list is indexed: `event 3 (eventList[2])` (see [`describe_event`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Line and column in the source text, when the parser knows them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

/// How an event is named in messages: `event 3 (eventList[2])` for the 0-based index 2,
/// `event 3 (eventList[2], urn:uuid:…)` with its eventID, `event urn:uuid:…` with only the
/// eventID; `None` with neither.
pub fn describe_event(index: Option<usize>, event_id: Option<&str>) -> Option<String> {
    match (index, event_id) {
        (Some(i), Some(id)) => Some(format!("event {} (eventList[{i}], {id})", i + 1)),
        (Some(i), None) => Some(format!("event {} (eventList[{i}])", i + 1)),
        (None, Some(id)) => Some(format!("event {id}")),
        (None, None) => None,
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(e) = describe_event(self.event_index, self.event_id.as_deref()) {
            parts.push(e);
        }
        if let Some(field) = &self.field {
            parts.push(format!("field {field}"));
        }
        if let (Some(l), Some(c)) = (self.line, self.column) {
            parts.push(format!("line {l} column {c}"));
        }
        f.write_str(&parts.join(" "))
    }
}

/// A document that could not be read at all (not well-formed, wrong shape, too deep).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", if location == &Location::default() { String::new() } else { format!(" at {location}") })]
pub struct DecodeError {
    pub message: String,
    pub location: Location,
}

impl DecodeError {
    pub fn new(message: impl Into<String>) -> DecodeError {
        DecodeError {
            message: message.into(),
            location: Location::default(),
        }
    }

    pub fn at(mut self, location: Location) -> DecodeError {
        self.location = location;
        self
    }
}

/// One broken rule of the EPCIS 2.0 schema or the CBV.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    #[serde(flatten)]
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_named_one_based_with_their_zero_based_index() {
        let loc = Location {
            event_index: Some(2),
            event_id: Some("urn:uuid:x".into()),
            field: Some("/action".into()),
            line: Some(5),
            column: Some(1),
        };
        assert_eq!(
            loc.to_string(),
            "event 3 (eventList[2], urn:uuid:x) field /action line 5 column 1"
        );
        assert_eq!(
            describe_event(Some(0), None).as_deref(),
            Some("event 1 (eventList[0])")
        );
        assert_eq!(
            describe_event(None, Some("urn:uuid:y")).as_deref(),
            Some("event urn:uuid:y")
        );
        assert_eq!(describe_event(None, None), None);
        assert_eq!(Location::default().to_string(), "");
    }
}
