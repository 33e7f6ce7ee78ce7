//! `log::verify` catches what was done to stored events behind the log's back: an event
//! changed, removed or inserted by hand in the database, on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

use app::{capture, orgs};
use store::{CaptureMode, Role};

extern crate nooluur_app as app;
extern crate nooluur_store as store;

mod common;
use common::{Backend, backends, fresh};

const DOC: &str = r#"{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2025-04-01T00:00:00Z",
"epcisBody":{"eventList":[
{"type":"ObjectEvent","eventTime":"2025-04-01T08:00:00+08:00","eventTimeZoneOffset":"+08:00",
 "epcList":["urn:epc:id:sgtin:9520001.012345.1"],"action":"ADD","bizStep":"commissioning"},
{"type":"ObjectEvent","eventTime":"2025-04-01T09:00:00+08:00","eventTimeZoneOffset":"+08:00",
 "epcList":["urn:epc:id:sgtin:9520001.012345.2"],"action":"ADD","bizStep":"commissioning"},
{"type":"ObjectEvent","eventTime":"2025-04-01T10:00:00+08:00","eventTimeZoneOffset":"+08:00",
 "epcList":["urn:epc:id:sgtin:9520001.012345.3"],"action":"OBSERVE","bizStep":"shipping"}]}}"#;

/// Runs raw SQL on the store's database, as an intruder would.
async fn tamper(url: &str, sql: &str) {
    use sqlx::Connection;
    if url.starts_with("sqlite") {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(sql).execute(&mut c).await.unwrap();
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(sql).execute(&mut c).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_catches_changes_removals_and_insertions() {
    for b in backends().await {
        let url = b.url();
        let app = fresh(&url).await;
        orgs::add(&app, "coop", Role::Cooperative, &[])
            .await
            .unwrap();
        let p = orgs::principal(&app, "coop").await.unwrap();
        capture::capture_document(&app, &p, DOC.as_bytes(), CaptureMode::Atomic)
            .await
            .unwrap();
        let report = app::log::verify(&app, |_| {}).await.unwrap();
        assert!(report.ok(), "{report:?}");
        assert_eq!(report.events, 3);
        assert_eq!(report.checkpoint_size, 3);

        // A changed event (its bizStep rewritten in the stored body) is named.
        tamper(
            &url,
            "UPDATE events SET body = REPLACE(body, 'shipping', 'receiving') WHERE seq = 3",
        )
        .await;
        let report = app::log::verify(&app, |_| {}).await.unwrap();
        assert!(!report.ok());
        assert_eq!(report.changed.len(), 1, "{report:?}");
        assert_eq!(report.changed[0].1, 3);
        assert!(report.removed.is_empty() && report.inserted.is_empty());

        // A removed event is named by its sequence number.
        tamper(&url, "DELETE FROM events WHERE seq = 2").await;
        let report = app::log::verify(&app, |_| {}).await.unwrap();
        assert_eq!(report.removed, vec![2], "{report:?}");

        // An event slipped in after the signed tree is named too.
        tamper(
            &url,
            "INSERT INTO events (seq, event_id, event_type, event_time, record_time, hash_id, \
             captured_by, body, namespaces) SELECT 4, 'urn:uuid:intruder', event_type, \
             event_time, record_time, hash_id, captured_by, body, namespaces FROM events \
             WHERE seq = 1",
        )
        .await;
        let report = app::log::verify(&app, |_| {}).await.unwrap();
        assert_eq!(report.inserted.len(), 1, "{report:?}");
        assert_eq!(report.inserted[0].1, 4);
        if let Backend::Sqlite(dir) = &b {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
