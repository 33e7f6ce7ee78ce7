//! Output: EPCISQueryDocuments in JSON-LD or XML, with identifiers in the form the client asked
//! for (`GS1-EPC-Format`).

use chrono::{DateTime, Utc};
use epcis::{Document, DocumentKind, Event, Namespaces};
use serde_json::Value;
use store::StoredEvent;

use crate::clock::format_time;
use crate::{AppError, Result, codec};

/// `GS1-EPC-Format`: how EPCs (and other GS1 keys) are written in output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EpcFormat {
    /// The server chooses: identifiers are returned as captured.
    #[default]
    NoPreference,
    /// GS1 Digital Link URIs (the REST binding's default when the header is absent).
    AlwaysDigitalLink,
    /// EPC URNs where one exists.
    AlwaysEpcUrn,
    /// As captured.
    NeverTranslates,
}

impl EpcFormat {
    /// Parses the header value; `None` for an unknown one.
    pub fn parse(s: &str) -> Option<EpcFormat> {
        match s.trim() {
            "No_Preference" => Some(EpcFormat::NoPreference),
            "Always_GS1_Digital_Link" => Some(EpcFormat::AlwaysDigitalLink),
            "Always_EPC_URN" => Some(EpcFormat::AlwaysEpcUrn),
            "Never_Translates" => Some(EpcFormat::NeverTranslates),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EpcFormat::NoPreference => "No_Preference",
            EpcFormat::AlwaysDigitalLink => "Always_GS1_Digital_Link",
            EpcFormat::AlwaysEpcUrn => "Always_EPC_URN",
            EpcFormat::NeverTranslates => "Never_Translates",
        }
    }

    fn convert(self, s: &mut String) {
        let converted = match self {
            EpcFormat::NoPreference | EpcFormat::NeverTranslates => None,
            EpcFormat::AlwaysDigitalLink => codec::to_digital_link(s),
            EpcFormat::AlwaysEpcUrn => codec::to_epc_urn(s),
        };
        if let Some(c) = converted {
            *s = c;
        }
    }
}

/// Rewrites every identifier of an event that has a GS1 key into the requested form.
pub fn apply_epc_format(event: &mut Event, format: EpcFormat) {
    if matches!(format, EpcFormat::NoPreference | EpcFormat::NeverTranslates) {
        return;
    }
    // The same fields the transparency log's entries rewrite (`store::log_entry`).
    epcis::id::rewrite_identifiers(event, |s| format.convert(s));
}

/// An EPCISQueryDocument holding the given events.
pub fn query_document(
    events: Vec<StoredEvent>,
    query_name: Option<&str>,
    subscription_id: Option<&str>,
    format: EpcFormat,
    now: DateTime<Utc>,
) -> Document {
    let mut doc = Document::capture(Vec::with_capacity(events.len()), Namespaces::new());
    for s in events {
        let mut e = s.event;
        apply_epc_format(&mut e, format);
        doc.push_event(e, &s.namespaces);
    }
    doc.kind = DocumentKind::Query;
    doc.creation_date = Some(format_time(now));
    doc.query_name = Some(query_name.unwrap_or("SimpleEventQuery").to_owned());
    doc.subscription_id = subscription_id.map(str::to_owned);
    doc
}

/// The JSON-LD form of a document.
pub fn to_json(doc: &Document) -> Value {
    codec::to_json(doc)
}

/// The EPCIS 2.0 XML form of a document.
pub fn to_xml(doc: &Document) -> Result<String> {
    codec::to_xml(doc).map_err(AppError::Internal)
}

/// A JSON-LD `Collection` (top-level resources, sub-resources, resource values).
pub fn collection(members: Vec<String>) -> Value {
    serde_json::json!({
        "@context": epcis::jsonld::STANDARD_CONTEXT,
        "type": "Collection",
        "member": members,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Event {
        serde_json::from_value(serde_json::json!({
            "type": "ObjectEvent",
            "eventTime": "2024-05-01T08:00:00+08:00",
            "eventTimeZoneOffset": "+08:00",
            "action": "OBSERVE",
            "epcList": [
                "urn:epc:id:sgtin:8650123.012345.G1",
                "https://id.gs1.org/01/08650123123456/21/G2",
                "https://example.org/id/lot/7"
            ],
            "quantityList": [
                {"epcClass": "urn:epc:class:lgtin:8650123.012340.DH1", "quantity": 11.2, "uom": "KGM"},
                {"epcClass": "https://example.org/id/lot/pooled", "quantity": 3, "uom": "KGM"}
            ],
            "readPoint": {"id": "https://id.gs1.org/414/8650123000030"},
            "bizLocation": {"id": "urn:epc:id:sgln:8650123.00003.0"}
        }))
        .unwrap()
    }

    fn formatted(format: EpcFormat) -> Event {
        let mut e = event();
        apply_epc_format(&mut e, format);
        e
    }

    #[test]
    fn always_epc_urn_writes_gs1_keys_as_urns_and_leaves_private_uris() {
        let e = formatted(EpcFormat::AlwaysEpcUrn);
        assert_eq!(
            e.epc_list.unwrap(),
            [
                "urn:epc:id:sgtin:8650123.012345.G1",
                "urn:epc:id:sgtin:8650123.012345.G2",
                "https://example.org/id/lot/7"
            ]
        );
        let q = e.quantity_list.unwrap();
        assert_eq!(q[0].epc_class, "urn:epc:class:lgtin:8650123.012340.DH1");
        assert_eq!(q[1].epc_class, "https://example.org/id/lot/pooled");
        assert_eq!(e.read_point.unwrap().id, "urn:epc:id:sgln:8650123.00003.0");
        assert_eq!(
            e.biz_location.unwrap().id,
            "urn:epc:id:sgln:8650123.00003.0"
        );
    }

    #[test]
    fn always_digital_link_writes_gs1_keys_as_digital_links() {
        let e = formatted(EpcFormat::AlwaysDigitalLink);
        assert_eq!(
            e.epc_list.unwrap(),
            [
                "https://id.gs1.org/01/08650123123456/21/G1",
                "https://id.gs1.org/01/08650123123456/21/G2",
                "https://example.org/id/lot/7"
            ]
        );
        assert_eq!(
            e.quantity_list.unwrap()[0].epc_class,
            "https://id.gs1.org/01/08650123123401/10/DH1"
        );
        assert_eq!(
            e.biz_location.unwrap().id,
            "https://id.gs1.org/414/8650123000030"
        );
    }

    #[test]
    fn no_preference_and_never_translates_keep_identifiers_as_captured() {
        for f in [EpcFormat::NoPreference, EpcFormat::NeverTranslates] {
            assert_eq!(formatted(f), event(), "{f:?}");
        }
    }

    #[test]
    fn header_values_parse_and_print_back() {
        for f in [
            EpcFormat::NoPreference,
            EpcFormat::AlwaysDigitalLink,
            EpcFormat::AlwaysEpcUrn,
            EpcFormat::NeverTranslates,
        ] {
            assert_eq!(EpcFormat::parse(f.as_str()), Some(f));
        }
        assert_eq!(EpcFormat::parse("Always_URN"), None);
    }
}
