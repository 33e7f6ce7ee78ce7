//! The EPCIS 2.0 JSON-LD context as the reference generator has it bundled (for
//! `https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld` and
//! `https://gs1.github.io/EPCIS/epcis-context.jsonld`), rebuilt from the project's CBV tables.
//!
//! Derived from the GS1 EPCIS 2.0 context (`epcis-context.jsonld`, EPCIS 2.0.0). The two bundled
//! copies differ only in the datatype of `quantity` (`xsd:double` / `xsd:decimal`).

use serde_json::{Map, Value, json};

use crate::cbv::Vocab;

/// The remote context URLs the reference resolves offline, and whether the copy it has for that
/// URL types `quantity` as `xsd:decimal` (the gs1.github.io copy) rather than `xsd:double`.
pub(crate) fn bundled(url: &str) -> Option<bool> {
    match url {
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld" => Some(false),
        "https://gs1.github.io/EPCIS/epcis-context.jsonld" => Some(true),
        _ => None,
    }
}

/// Whether a context URL names one of GS1's EPCIS contexts (any host, full or simple).
pub(crate) fn is_epcis_context(url: &str) -> bool {
    url.ends_with("/epcis-context.jsonld") || url.ends_with("/epcis-context-simple.jsonld")
}

/// A term map `{ "receiving": "cbv:BizStep-receiving", … }` in the context's compact spelling.
fn vocab_map(v: Vocab) -> Value {
    let mut m = Map::new();
    for (term, iri) in v.terms() {
        let compact = if let Some(rest) = iri.strip_prefix("https://ref.gs1.org/cbv/") {
            format!("cbv:{rest}")
        } else if let Some(rest) = iri.strip_prefix("https://gs1.org/voc/") {
            format!("gs1:{rest}")
        } else {
            (*iri).to_owned()
        };
        m.insert((*term).to_owned(), Value::String(compact));
    }
    Value::Object(m)
}

fn source_dest(term: &str) -> Value {
    json!({
        "@protected": true,
        "epcis": "https://ref.gs1.org/epcis/",
        term: {"@id": "epcis:sourceOrDestination", "@type": "@id"},
        "type": {
            "@id": "epcis:sourceOrDestinationType",
            "@type": "@vocab",
            "@context": vocab_map(Vocab::SourceDestType)
        }
    })
}

fn double(id: &str) -> Value {
    json!({"@id": id, "@type": "xsd:double"})
}

fn id_typed(id: &str) -> Value {
    json!({"@id": id, "@type": "@id"})
}

fn timestamp(id: &str) -> Value {
    json!({"@id": id, "@type": "xsd:dateTimeStamp"})
}

fn sensor_element_list() -> Value {
    json!({
        "@protected": true,
        "epcis": "https://ref.gs1.org/epcis/",
        "deviceID": id_typed("epcis:deviceID"),
        "deviceMetadata": id_typed("epcis:deviceMetadata"),
        "rawData": id_typed("epcis:rawData"),
        "dataProcessingMethod": id_typed("epcis:dataProcessingMethod"),
        "time": timestamp("epcis:time"),
        "type": "@type",
        "sensorMetadata": {
            "@id": "epcis:sensorMetadata",
            "@context": {
                "@protected": true,
                "epcis": "https://ref.gs1.org/epcis/",
                "startTime": timestamp("epcis:startTime"),
                "endTime": timestamp("epcis:endTime"),
                "bizRules": id_typed("epcis:bizRules")
            }
        },
        "sensorReport": {
            "@id": "epcis:sensorReport",
            "@context": {
                "@protected": true,
                "epcis": "https://ref.gs1.org/epcis/",
                "type": {
                    "@context": vocab_map(Vocab::MeasurementType),
                    "@id": "epcis:measurementType",
                    "@type": "@vocab"
                },
                "exception": {
                    "@context": vocab_map(Vocab::SensorAlertType),
                    "@id": "epcis:exception",
                    "@type": "@vocab"
                },
                "coordinateReferenceSystem": id_typed("epcis:coordinateReferenceSystem"),
                "microorganism": id_typed("epcis:microorganism"),
                "chemicalSubstance": id_typed("epcis:chemicalSubstance"),
                "time": timestamp("epcis:time"),
                "value": double("epcis:value"),
                "component": {
                    "@context": vocab_map(Vocab::Component),
                    "@id": "epcis:component",
                    "@type": "@vocab"
                },
                "stringValue": "epcis:stringValue",
                "booleanValue": {"@id": "epcis:booleanValue", "@type": "xsd:boolean"},
                "hexBinaryValue": {"@id": "epcis:hexBinaryValue", "@type": "xsd:hexBinary"},
                "uriValue": id_typed("epcis:uriValue"),
                "minValue": double("epcis:minValue"),
                "maxValue": double("epcis:maxValue"),
                "meanValue": double("epcis:meanValue"),
                "sDev": double("epcis:sDev"),
                "percRank": double("epcis:percRank"),
                "percValue": double("epcis:percValue")
            }
        }
    })
}

/// The `@context` object of the bundled standard context.
pub(crate) fn context(quantity_decimal: bool) -> Value {
    let id_set = |id: &str| json!({"@id": id, "@type": "@id", "@container": "@set"});
    let set = |id: &str| json!({"@id": id, "@container": "@set"});
    let vocab_set = |id: &str| json!({"@id": id, "@type": "@vocab", "@container": "@set"});
    let quantity_type = if quantity_decimal {
        "xsd:decimal"
    } else {
        "xsd:double"
    };
    let mut m = Map::new();
    merge(
        &mut m,
        json!({
        "@protected": true,
        "@version": 1.1,
        "epcis": "https://ref.gs1.org/epcis/",
        "cbv": "https://ref.gs1.org/cbv/",
        "cbvmda": "urn:epcglobal:cbv:mda:",
        "gs1": "https://gs1.org/voc/",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "dcterms": "http://purl.org/dc/terms/",
        "id": "@id",
        "type": "@type",
        "baseURL": "@base",
        "ObjectEvent": "epcis:ObjectEvent",
        "AggregationEvent": "epcis:AggregationEvent",
        "TransformationEvent": "epcis:TransformationEvent",
        "AssociationEvent": "epcis:AssociationEvent",
        "TransactionEvent": "epcis:TransactionEvent",
        "Collection": "epcis:Collection",
        "member": {"@id": "rdfs:member", "@type": "@id", "@container": "@set"},
        "eventTime": timestamp("epcis:eventTime"),
        "recordTime": timestamp("epcis:recordTime"),
        "eventTimeZoneOffset": "epcis:eventTimeZoneOffset",
        "action": "epcis:action",
        "certificationInfo": id_set("epcis:certificationInfo")
        }),
    );
    merge(
        &mut m,
        json!({
        "bizStep": {
            "@context": vocab_map(Vocab::BizStep),
            "@id": "epcis:bizStep",
            "@type": "@vocab"
        },
        "disposition": {
            "@context": vocab_map(Vocab::Disposition),
            "@id": "epcis:disposition",
            "@type": "@vocab"
        },
        "bizLocation": id_typed("epcis:bizLocation"),
        "readPoint": id_typed("epcis:readPoint"),
        "transformationID": id_typed("epcis:transformationID"),
        "epcList": id_set("epcis:epcList")
        }),
    );
    merge(
        &mut m,
        json!({
        "sourceList": {
            "@id": "epcis:sourceList",
            "@container": "@set",
            "@context": source_dest("source")
        },
        "destinationList": {
            "@id": "epcis:destinationList",
            "@container": "@set",
            "@context": source_dest("destination")
        },
        "persistentDisposition": {
            "@id": "epcis:persistentDisposition",
            "@container": "@set",
            "@context": [
                vocab_map(Vocab::Disposition),
                {
                    "@protected": true,
                    "epcis": "https://ref.gs1.org/epcis/",
                    "set": vocab_set("epcis:set"),
                    "unset": vocab_set("epcis:unset")
                }
            ]
        }
        }),
    );
    merge(
        &mut m,
        json!({
        "quantity": {"@id": "epcis:quantity", "@type": quantity_type},
        "epcClass": id_typed("epcis:epcClass"),
        "uom": "epcis:uom",
        "quantityList": set("epcis:quantityList"),
        "bizTransactionList": {
            "@id": "epcis:bizTransactionList",
            "@container": "@set",
            "@context": {
                "@protected": true,
                "epcis": "https://ref.gs1.org/epcis/",
                "bizTransaction": "@id",
                "type": {
                    "@id": "epcis:bizTransactionType",
                    "@type": "@vocab",
                    "@context": vocab_map(Vocab::BizTransactionType)
                }
            }
        }
        }),
    );
    merge(
        &mut m,
        json!({
        "parentID": id_typed("epcis:parentID"),
        "childEPCs": id_set("epcis:childEPCs"),
        "childQuantityList": set("epcis:childQuantityList"),
        "inputEPCList": id_set("epcis:inputEPCList"),
        "outputEPCList": id_set("epcis:outputEPCList"),
        "inputQuantityList": set("epcis:inputQuantityList"),
        "outputQuantityList": set("epcis:outputQuantityList"),
        "sensorElementList": {
            "@id": "epcis:sensorElementList",
            "@container": "@set",
            "@context": sensor_element_list()
        }
        }),
    );
    merge(
        &mut m,
        json!({
        "errorDeclaration": {
            "@id": "epcis:errorDeclaration",
            "@context": {
                "@protected": true,
                "epcis": "https://ref.gs1.org/epcis/",
                "reason": {
                    "@id": "epcis:reason",
                    "@type": "@vocab",
                    "@context": vocab_map(Vocab::ErrorReason)
                },
                "correctiveEventIDs": id_set("epcis:correctiveEventIDs"),
                "declarationTime": timestamp("epcis:declarationTime")
            }
        },
        "eventID": "@id",
        "creationDate": {"@id": "dcterms:created", "@type": "xsd:dateTime"},
        "sender": {"@id": "epcis:sender", "@type": "xsd:string"},
        "receiver": {"@id": "epcis:receiver", "@type": "xsd:string"},
        "instanceIdentifier": "epcis:instanceIdentifier",
        "schemaVersion": "owl:versionInfo",
        "ilmd": {"@id": "epcis:ilmd"},
        "EPCISDocument": "epcis:EPCISDocument",
        "EPCISQueryDocument": "epcis:EPCISQueryDocument",
        "epcisHeader": "epcis:epcisHeader",
        "masterData": "epcis:masterData",
        "vocabularyList": "epcis:vocabularyList",
        "epcisBody": "epcis:epcisBody",
        "queryResults": "epcis:queryResults",
        "subscriptionID": "epcis:subscriptionID",
        "queryName": "epcis:queryName",
        "resultsBody": "epcis:resultsBody",
        "eventList": {"@id": "epcis:eventList"},
        "children": {"@id": "epcis:children", "@container": "@set", "@type": "@id"}
        }),
    );
    Value::Object(m)
}

fn merge(m: &mut Map<String, Value>, part: Value) {
    if let Value::Object(p) = part {
        m.extend(p);
    }
}
