//! Every document captured over HTTP (`POST /capture`) comes back event by event through
//! `GET /events/{eventID}` and `GET /events`: same eventIDs, same hash IDs, same content.
//! The project's own fixtures always run; the GS1 examples under `../shared` when present: every
//! one of them is captured and read back, except the four that break EPCIS 2.0 ([`REFUSED`]),
//! which must be refused naming what is wrong.
//!
//! An error declaration repeats the eventID of the event it declares erroneous (EPCIS 2.0
//! §7.4.1.2), and the hash leaves `errorDeclaration` out: in two GS1 examples an event and its
//! declaration, both without eventID, get the same hash ID. `GET /events/{eventID}` answers
//! both ("the unique event and error declarations"), so each event is found in that answer by
//! whether it is a declaration.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use common::store::Role;
use common::*;

fn lenient() -> epcis::hash::Options {
    epcis::hash::Options {
        lenient_contexts: true,
        ..Default::default()
    }
}

/// (eventID the repository must give, hash ID) of each event of a document. An event the
/// reference generator cannot hash (or in a document it rejects) has no hash, and its eventID
/// is known only when the document gives one.
fn expected(doc: &[u8]) -> Vec<(Option<String>, Option<String>)> {
    let parsed = epcis::decode(doc).expect("example decodes");
    // As capture hashes: documents whose remote context the reference cannot load (the simple
    // context) get IDs too.
    let hashes = epcis::hash::event_hashes_with(doc, &lenient()).unwrap_or_default();
    parsed
        .events
        .iter()
        .zip(hashes.into_iter().chain(std::iter::repeat(None)))
        .map(|(e, h)| {
            let id = e.event_id.clone().or_else(|| h.clone());
            (id, h)
        })
        .collect()
}

/// The hash ID each event must have when read back: the hash of the document as the model
/// says it. Two spellings differ from the model's, and the reference hashes them differently;
/// everything else must hash as captured.
/// - An event's URI `id` (JSON-LD `@id`) is its eventID and is written back as `eventID`; the
///   reference hashes `id` as if it were a field but leaves `eventID` out.
/// - `<quantity xsi:nil="true"/>` reads as no quantity (the model has no nil quantity) and the
///   reference hashes the nil attribute as structure.
fn content_hashes(doc: &[u8]) -> Vec<Option<String>> {
    let normal = match epcis::Format::sniff(doc) {
        epcis::Format::Xml => String::from_utf8_lossy(doc)
            .replace("<quantity xsi:nil=\"true\"/>", "")
            .into_bytes(),
        epcis::Format::JsonLd => {
            let mut v: serde_json::Value = serde_json::from_slice(doc).expect("JSON example");
            let events = v
                .pointer_mut("/epcisBody/eventList")
                .and_then(serde_json::Value::as_array_mut);
            for e in events.into_iter().flatten() {
                let Some(m) = e.as_object_mut() else { continue };
                let uri_id = m
                    .get("id")
                    .and_then(serde_json::Value::as_str)
                    .is_some_and(|id| !id.starts_with("_:"));
                if uri_id && !m.contains_key("eventID") {
                    *m = std::mem::take(m)
                        .into_iter()
                        .map(|(k, v)| (if k == "id" { "eventID".into() } else { k }, v))
                        .collect();
                }
            }
            v.to_string().into_bytes()
        }
    };
    epcis::hash::event_hashes_with(&normal, &lenient()).unwrap_or_default()
}

/// Undoes the prefix renaming of query documents (`cbvmda_2:x` → `cbvmda:x`): a prefix bound
/// to another namespace by the result document is renamed for the event, which keeps its
/// meaning (and its hash) but not its spelling.
fn unrenamed(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let k = match k.split_once(':') {
                        Some((p, local)) => match p.rsplit_once('_') {
                            Some((base, n)) if n.chars().all(|c| c.is_ascii_digit()) => {
                                format!("{base}:{local}")
                            }
                            _ => k,
                        },
                        None => k,
                    };
                    (k, unrenamed(v))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(unrenamed).collect()),
        other => other,
    }
}

fn encode(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// Fetches each event back (in the format it was captured in) and compares it with the
/// captured one; answers what differs.
async fn check_events_back(s: &TestServer, token: &str, doc: &[u8], name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let original = epcis::decode(doc).expect("decode");
    let xml = epcis::Format::sniff(doc) == epcis::Format::Xml;
    let accept = if xml {
        "application/xml"
    } else {
        "application/ld+json"
    };
    let want = expected(doc);
    let hashes = content_hashes(doc);
    for (((id, _), hash), orig) in want
        .iter()
        .zip(hashes.iter().chain(std::iter::repeat(&None)))
        .zip(&original.events)
    {
        let Some(id) = id else {
            // No hash and no eventID: the repository made one up; it is checked by listing.
            continue;
        };
        let r = s
            .get_with(
                &format!("/events/{}", encode(id)),
                token,
                &[("GS1-EPC-Format", "Never_Translates"), ("Accept", accept)],
            )
            .await;
        if r.status.as_u16() != 200 {
            problems.push(format!("{name}: event {id}: {}", r.text()));
            continue;
        }
        let back = epcis::decode(&r.body).expect("result decodes");
        let sharing = want
            .iter()
            .filter(|(other, _)| other.as_deref() == Some(id.as_str()))
            .count();
        assert_eq!(back.events.len(), sharing, "{name}: {id}");
        let declared = orig.error_declaration.is_some();
        let Some(at) = back
            .events
            .iter()
            .position(|e| e.error_declaration.is_some() == declared)
        else {
            problems.push(format!(
                "{name}: event {id} (declared: {declared}) is missing"
            ));
            continue;
        };
        if let Some(hash) = hash {
            let back_hashes =
                epcis::hash::event_hashes_with(&r.body, &lenient()).unwrap_or_default();
            if back_hashes.len() != back.events.len()
                || back_hashes.get(at) != Some(&Some(hash.clone()))
            {
                problems.push(format!("{name}: hash of {id} is now {back_hashes:?}"));
            }
        }
        let mut got = back.events[at].clone();
        assert_eq!(got.event_id.as_deref(), Some(id.as_str()), "{name}");
        assert!(got.record_time.is_some(), "{name}: recordTime is filled");
        got.record_time = None;
        got.context = None;
        let mut want_event = orig.clone();
        want_event.event_id = Some(id.clone());
        want_event.record_time = None;
        want_event.context = None;
        let (a, b) = (
            unrenamed(serde_json::to_value(&got).expect("json")),
            unrenamed(serde_json::to_value(&want_event).expect("json")),
        );
        if a != b {
            problems.push(format!(
                "{name}: event {id} came back as {a}\ninstead of {b}"
            ));
        }
    }
    problems
}

async fn fixtures_round_trip(db: Db) {
    let Some(s) = start(db).await else { return };
    let token = s.org("coop", Role::Cooperative, &[]).await;
    let mut all = Vec::new();
    for name in ["cashmere.jsonld", "processing.xml"] {
        let doc = fixture(name);
        let job = s.capture(&token, &doc, &[]).await;
        assert_eq!(job["success"], true, "{name}: {job}");
        assert_eq!(job["errors"], serde_json::json!([]), "{name}");
        assert_eq!(job["captureErrorBehaviour"], "rollback");
        assert!(job["finishedAt"].is_string());
        let problems = check_events_back(&s, &token, &doc, name).await;
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        all.extend(
            expected(&doc)
                .into_iter()
                .map(|(id, _)| id.expect("fixtures hash")),
        );
    }
    let listed = ids(&s.all_events(&token, "", 2).await);
    let got: HashSet<_> = listed.iter().cloned().collect();
    assert_eq!(listed.len(), all.len(), "no event listed twice");
    assert_eq!(
        got,
        all.into_iter().collect(),
        "GET /events lists every event"
    );
}

fn example_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("jsonld" | "json" | "xml")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Whether a file is an EPCIS (query) document rather than, say, a capture-job example.
fn is_epcis_document(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
    head.contains("EPCISDocument") || head.contains("EPCISQueryDocument")
}

/// The GS1 examples that break EPCIS 2.0, each with what the refusal must name. Every other
/// GS1 JSON-LD and XML example must be captured.
const REFUSED: [(&str, &str); 4] = [
    // `ilmd` on an ObjectEvent whose action is OBSERVE. The JSON Schema's ObjectEvent allows
    // `ilmd` only `if action is ADD` (an if/then in EPCIS-JSON-Schema.json), and the standard
    // (§7.4.1) gives ILMD to ObjectEvents that commission objects. The standard-context copy
    // of this example says ADD and is captured.
    (
        "json-ld-simple-context/WithFullCombinationOfFields/object_event_all_possible_fields.jsonld",
        "/ilmd",
    ),
    // Two events give bizStep `https://ref.gs1.org/cbv/Bizstep-sensor_reporting`. The XSD
    // types bizStep as any URI, but the URI is in the CBV's own namespace, which CBV 2.0 closes
    // (§8.2 lists every business step, and there is no sensor_reporting; Web URIs are
    // case-sensitive and the CBV writes `BizStep-`): a CBV term that does not exist.
    ("xml/WithSensorData/SensorDataExamples.xml", "/bizStep"),
    // `<myField>` in no namespace inside `<extension><extension>`. The EPCIS 1.2 XSD admits
    // unqualified content there only as a placeholder for fields later EPCIS versions define
    // (`##local`, lax), and EPCIS 2.0 defines no `myField`; as a user extension it would need a
    // namespace (2.0 XSD: `##other`). There is no lossless EPCIS 2.0 reading of it.
    ("xml-1.2/ObjectEvent.xml", "myField"),
    // Case (f) writes `<sensorMetaData>` for `<sensorMetadata>`. An AssociationEvent inside
    // EPCIS 1.2's `<extension><extension>` is an EPCIS 2.0 event, and the EPCIS 2.0 XSD's
    // SensorElementType has `sensorMetadata`, `sensorReport`, `extension` and namespaced
    // (`##other`) members only: the misspelt, unqualified element is invalid.
    ("xml-1.2/AssociationEvent.xml", "sensorMetaData"),
];

/// GS1 examples that hold an event and its error declaration under one (hash) eventID; both
/// must be captured and read back.
const DECLARING: [&str; 2] = [
    "xml/AssociationEvent/AssociationEventExamples.xml",
    "xml/Mimasu/Example-associatonEvent-sensor.xml",
];

fn parsed_has_declaration(doc: &[u8]) -> bool {
    epcis::decode(doc)
        .map(|d| d.events.iter().any(|e| e.error_declaration.is_some()))
        .unwrap_or(false)
}

fn refusal(path: &Path) -> Option<&'static str> {
    let p = path.to_string_lossy().replace('\\', "/");
    REFUSED
        .iter()
        .find(|(suffix, _)| p.ends_with(suffix))
        .map(|(_, what)| *what)
}

/// One store and the eventIDs captured into it: GS1 repeats events across examples (the same
/// event in JSON-LD, simple-context JSON-LD and XML has the same hash ID, and so the same
/// eventID), so each example goes to the first store where none of its eventIDs is taken.
struct Bucket {
    server: TestServer,
    token: String,
    ids: HashSet<String>,
    /// Events captured (an event and its declaration share an eventID of `ids`).
    events: usize,
}

async fn gs1_examples(db: Db) {
    let root = shared_dir().join("data/epcis/examples");
    if !root.exists() {
        eprintln!("skipping: {} is absent", root.display());
        return;
    }
    if !wanted(db) {
        return;
    }
    let mut buckets: Vec<Bucket> = Vec::new();
    let mut refused = Vec::new();
    let mut declarations = Vec::new();
    let mut broken = Vec::new();
    let mut captured = 0usize;
    for dir in ["json-ld", "json-ld-simple-context", "xml", "xml-1.2"] {
        for path in example_files(&root.join(dir)) {
            let name = path.display().to_string();
            let doc = std::fs::read(&path).expect("read example");
            if !is_epcis_document(&doc) {
                continue;
            }
            let want = expected(&doc);
            let known: HashSet<String> = want.iter().filter_map(|(id, _)| id.clone()).collect();
            let slot = match buckets.iter().position(|b| b.ids.is_disjoint(&known)) {
                Some(i) => i,
                None => {
                    let Some(server) = start(db).await else {
                        return;
                    };
                    let token = server.org("gs1", Role::Processor, &[]).await;
                    buckets.push(Bucket {
                        server,
                        token,
                        ids: HashSet::new(),
                        events: 0,
                    });
                    buckets.len() - 1
                }
            };
            let b = &mut buckets[slot];
            let r = b.server.post_capture(&b.token, &doc, &[]).await;
            if let Some(what) = refusal(&path) {
                let p = r.assert_problem(400, "ValidationException");
                let errors = p["errors"].to_string();
                assert!(
                    errors.contains(what),
                    "{name}: the refusal must name {what}: {p}"
                );
                eprintln!("refused as it must be: {name}: {errors}");
                refused.push(name);
                continue;
            }
            if r.status.as_u16() != 202 {
                broken.push(format!("{name}: refused: {}", r.text()));
                continue;
            }
            let job = b
                .server
                .wait_job(&b.token, &r.header("location").expect("Location"))
                .await;
            if job["success"] != true || job["capturedEvents"] != want.len() {
                broken.push(format!("{name}: capture job failed: {job}"));
                continue;
            }
            broken.extend(check_events_back(&b.server, &b.token, &doc, &name).await);
            b.events += want.len();
            if parsed_has_declaration(&doc) {
                declarations.push(name.clone());
            }
            b.ids.extend(known);
            captured += 1;
        }
    }
    assert!(
        broken.is_empty(),
        "{} GS1 examples were not captured, or their events did not come back as captured:\n{}",
        broken.len(),
        broken.join("\n")
    );
    assert_eq!(refused.len(), REFUSED.len(), "refused: {refused:?}");
    for with in DECLARING {
        assert!(
            declarations.iter().any(|n| n.ends_with(with)),
            "{with}: an event and its error declaration are captured: {declarations:?}"
        );
    }
    eprintln!(
        "{captured} GS1 example documents captured and read back into {} stores; {} refused",
        buckets.len(),
        refused.len()
    );
    assert!(captured >= 80, "only {captured} examples captured");
    // Every event comes back through GET /events, once; nothing of a refused document is kept.
    for b in &buckets {
        let events = b.server.all_events(&b.token, "", 500).await;
        let listed = ids(&events);
        let unique: HashSet<(String, bool)> = listed
            .iter()
            .cloned()
            .zip(events.iter().map(|e| e.get("errorDeclaration").is_some()))
            .collect();
        assert_eq!(unique.len(), listed.len(), "no event is listed twice");
        assert_eq!(listed.len(), b.events, "every event is listed");
        let listed: HashSet<String> = listed.into_iter().collect();
        assert!(listed.is_superset(&b.ids));
    }
}

on_backends!(fixtures_round_trip, gs1_examples);
