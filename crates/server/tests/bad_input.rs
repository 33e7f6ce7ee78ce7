//! Bad input is answered with a problem that names what is wrong and where, and nothing of the
//! document is stored.

mod common;

use common::store::Role;
use common::*;
use serde_json::{Value, json};

fn doc(events: Vec<Value>) -> Value {
    json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-05-02T08:00:00.000+08:00",
        "epcisBody": {"eventList": events}
    })
}

fn event(id: &str) -> Value {
    json!({
        "type": "ObjectEvent",
        "eventID": id,
        "eventTime": "2024-05-01T10:00:00.000+08:00",
        "eventTimeZoneOffset": "+08:00",
        "epcList": ["urn:epc:id:sgtin:4712345.012347.4001"],
        "action": "OBSERVE",
        "bizStep": "receiving"
    })
}

fn bytes(v: &Value) -> Vec<u8> {
    v.to_string().into_bytes()
}

const ID1: &str = "urn:uuid:00000000-0000-4000-8000-000000000101";
const ID2: &str = "urn:uuid:00000000-0000-4000-8000-000000000102";

/// Nothing is stored and no capture job was created.
async fn assert_nothing_stored(s: &TestServer, token: &str) {
    assert_eq!(
        s.all_events(token, "", 100).await.len(),
        0,
        "no event stored"
    );
    assert_eq!(s.app.store.count_events().await.expect("count"), 0);
}

/// The problem names an event (by index) and a field (by path, or in the message when the
/// field is missing altogether).
fn names(p: &Value, index: usize, field: &str) {
    let errors = p["errors"].as_array().cloned().unwrap_or_default();
    let mentions = |e: &Value, k: &str| e[k].as_str().is_some_and(|f| f.contains(field));
    assert!(
        errors
            .iter()
            .any(|e| e["eventIndex"] == index && (mentions(e, "field") || mentions(e, "message"))),
        "no error names event {index} field {field}: {p}"
    );
}

async fn malformed_documents(db: Db) {
    let Some(s) = start(db).await else { return };
    let t = s.org("coop", Role::Cooperative, &[]).await;

    let r = s
        .post_capture(&t, b"{\"type\": \"EPCISDocument\", \"epcisBody\": {", &[])
        .await;
    let p = r.assert_problem(400, "ValidationException");
    assert!(p["errors"][0]["line"].is_number(), "{p}");

    let r = s
        .post_capture(&t, b"<epcis:EPCISDocument><EPCISBody>", &[])
        .await;
    r.assert_problem(400, "ValidationException");

    // Absurd nesting inside an extension.
    let mut deep = String::new();
    for _ in 0..100_000 {
        deep.push('[');
    }
    let text = bytes(&doc(vec![event(ID1)]))
        .into_iter()
        .map(char::from)
        .collect::<String>()
        .replace("\"action\"", &format!("\"ex:deep\": {deep}, \"action\""));
    let r = s.post_capture(&t, text.as_bytes(), &[]).await;
    r.assert_problem(400, "ValidationException");

    let mut xml = String::from(
        "<?xml version=\"1.0\"?><epcis:EPCISDocument xmlns:epcis=\"urn:epcglobal:epcis:xsd:2\" schemaVersion=\"2.0\" creationDate=\"2024-01-01T00:00:00Z\">",
    );
    for _ in 0..50_000 {
        xml.push_str("<a>");
    }
    let r = s.post_capture(&t, xml.as_bytes(), &[]).await;
    r.assert_problem(400, "ValidationException");

    // A body that is not an EPCIS document type at all.
    let r = s
        .send(
            reqwest::Method::POST,
            "/capture",
            Some(&t),
            &[("content-type", "text/plain")],
            Some(b"hello".to_vec()),
        )
        .await;
    r.assert_problem(415, "UnsupportedMediaTypeException");
    assert_nothing_stored(&s, &t).await;
}

async fn schema_and_cbv_violations(db: Db) {
    let Some(s) = start(db).await else { return };
    let t = s.org("coop", Role::Cooperative, &[]).await;

    let mut no_time = event(ID2);
    no_time.as_object_mut().map(|o| o.remove("eventTime"));
    let r = s
        .post_capture(&t, &bytes(&doc(vec![event(ID1), no_time])), &[])
        .await;
    names(
        &r.assert_problem(400, "ValidationException"),
        1,
        "eventTime",
    );

    let mut bad_step = event(ID2);
    bad_step["bizStep"] = json!("combing_goats");
    let r = s
        .post_capture(&t, &bytes(&doc(vec![event(ID1), bad_step])), &[])
        .await;
    names(&r.assert_problem(400, "ValidationException"), 1, "bizStep");

    let mut no_offset = event(ID1);
    no_offset["eventTime"] = json!("2024-05-01T10:00:00");
    let r = s.post_capture(&t, &bytes(&doc(vec![no_offset])), &[]).await;
    names(
        &r.assert_problem(400, "ValidationException"),
        0,
        "eventTime",
    );

    // A GS1 Digital Link whose GTIN check digit is wrong (…123455 would be right).
    let mut bad_digit = event(ID1);
    bad_digit["epcList"] = json!(["https://id.gs1.org/01/04712345123456/21/x1"]);
    let r = s.post_capture(&t, &bytes(&doc(vec![bad_digit])), &[]).await;
    names(&r.assert_problem(400, "ValidationException"), 0, "epcList");

    // The same rules on POST /events.
    let mut bad_action = event(ID1);
    bad_action["action"] = json!("SHRED");
    let r = s.post_json("/events", &t, &bad_action).await;
    names(&r.assert_problem(400, "ValidationException"), 0, "action");
    assert_nothing_stored(&s, &t).await;
}

async fn limits(db: Db) {
    let config = app::Config {
        capture_limit: 2,
        capture_file_size_limit: 4096,
        ..test_config()
    };
    let Some(s) = start_with(db, config, std::sync::Arc::new(app::clock::SystemClock)).await else {
        return;
    };
    let t = s.org("coop", Role::Cooperative, &[]).await;
    let opts = s
        .send(reqwest::Method::OPTIONS, "/capture", Some(&t), &[], None)
        .await;
    assert_eq!(opts.status.as_u16(), 204);
    assert_eq!(opts.header("GS1-EPCIS-Capture-Limit").as_deref(), Some("2"));
    assert_eq!(
        opts.header("GS1-EPCIS-Capture-File-Size-Limit").as_deref(),
        Some("4096")
    );

    let three = doc(vec![
        event(ID1),
        event(ID2),
        event("urn:uuid:00000000-0000-4000-8000-000000000103"),
    ]);
    let r = s.post_capture(&t, &bytes(&three), &[]).await;
    let p = r.assert_problem(413, "CaptureLimitExceededException");
    assert!(p["detail"].as_str().unwrap_or("").contains('3'), "{p}");

    let mut big = event(ID1);
    big["ex:padding"] = json!("x".repeat(5000));
    let r = s
        .post_capture(&t, &bytes(&doc(vec![big.clone()])), &[])
        .await;
    r.assert_problem(413, "CaptureLimitExceededException");
    assert_eq!(
        r.header("GS1-EPCIS-Capture-File-Size-Limit").as_deref(),
        Some("4096")
    );
    let r = s.post_json("/events", &t, &big).await;
    r.assert_problem(413, "CaptureLimitExceededException");
    assert_nothing_stored(&s, &t).await;
}

async fn duplicates(db: Db) {
    let Some(s) = start(db).await else { return };
    let t = s.org("coop", Role::Cooperative, &[]).await;

    let r = s.post_json("/events", &t, &event(ID1)).await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    let location = r.header("location").expect("Location");
    assert_eq!(s.get(&location, &t).await.status.as_u16(), 200);
    let p = s
        .post_json("/events", &t, &event(ID1))
        .await
        .assert_problem(409, "ResourceAlreadyExistsException");
    assert!(p["detail"].as_str().unwrap_or("").contains(ID1), "{p}");

    // Rollback: a document with a new event and a stored one leaves nothing behind.
    let job = s
        .capture(&t, &bytes(&doc(vec![event(ID2), event(ID1)])), &[])
        .await;
    assert_eq!(job["success"], false, "{job}");
    assert_eq!(job["running"], false);
    let err = &job["errors"][0];
    assert_eq!(
        err["type"], "epcisException:ResourceAlreadyExistsException",
        "{job}"
    );
    assert_eq!(err["errors"][0]["eventIndex"], 1, "{job}");
    assert_eq!(s.all_events(&t, "", 10).await.len(), 1);

    // Two events of one document with one eventID: invalid, refused at once.
    let r = s
        .post_capture(&t, &bytes(&doc(vec![event(ID2), event(ID2)])), &[])
        .await;
    names(&r.assert_problem(400, "ValidationException"), 1, "eventID");

    // Proceed: the new event is stored, the duplicate reported.
    let job = s
        .capture(
            &t,
            &bytes(&doc(vec![event(ID2), event(ID1)])),
            &[("GS1-Capture-Error-Behaviour", "proceed")],
        )
        .await;
    assert_eq!(job["captureErrorBehaviour"], "proceed");
    assert_eq!(job["success"], false, "{job}");
    assert_eq!(s.all_events(&t, "", 10).await.len(), 2);

    let r = s
        .post_capture(
            &t,
            &bytes(&doc(vec![event(ID2)])),
            &[("GS1-Capture-Error-Behaviour", "sometimes")],
        )
        .await;
    r.assert_problem(400, "ValidationException");
}

/// A value longer than PostgreSQL's indexes hold is refused there with a problem naming the
/// event and the field, and nothing is stored; SQLite stores it.
async fn values_longer_than_an_index_holds(db: Db) {
    let Some(s) = start(db).await else { return };
    let t = s.org("coop", Role::Cooperative, &[]).await;
    let mut long = event(ID1);
    long["https://example.org/voc#note"] = json!("y".repeat(3_000));
    let r = s.post_json("/events", &t, &long).await;
    if s.app.store.backend() == common::store::Backend::Postgres {
        let p = r.assert_problem(400, "ValidationException");
        names(&p, 0, "voc#note is 3000 bytes long");
        assert_nothing_stored(&s, &t).await;
        let job = s
            .capture(&t, &bytes(&doc(vec![event(ID2), long])), &[])
            .await;
        assert_eq!(job["success"], false, "{job}");
        assert_nothing_stored(&s, &t).await;
    } else {
        assert_eq!(r.status.as_u16(), 201, "{}", r.text());
        assert_eq!(s.all_events(&t, "", 10).await.len(), 1);
    }
}

/// A key from outside events longer than PostgreSQL's indexes hold (an organisation's name)
/// is bad input there, not a failure of the store; SQLite stores it.
async fn other_keys_longer_than_an_index_holds(db: Db) {
    let Some(s) = start(db).await else { return };
    let name = common::store::testing::incompressible_letters(3_000, 11);
    let made = app::orgs::add(&s.app, &name, Role::Cooperative, &[]).await;
    if s.app.store.backend() == common::store::Backend::Postgres {
        match made {
            Err(app::AppError::Validation { detail, .. }) => {
                assert!(detail.contains("too long for the database"), "{detail}");
            }
            other => panic!("expected bad input, got {other:?}"),
        }
    } else {
        assert!(made.is_ok());
    }
}

on_backends!(
    other_keys_longer_than_an_index_holds,
    malformed_documents,
    schema_and_cbv_violations,
    limits,
    duplicates,
    values_longer_than_an_index_holds
);
