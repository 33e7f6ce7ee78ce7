//! Small documents are stored several to a transaction (`capture::store_prepared_together`,
//! used by `capture_many` and the capture-job worker): each document's outcome, sequence
//! numbers and log leaves must be exactly what storing it alone would give.

#![allow(clippy::unwrap_used)]

use app::capture::{self, CaptureContext, CaptureReport, Prepared};
use app::{App, AppError, jobs, orgs};
use store::{CaptureMode, JobState, Role};

extern crate nooluur_app as app;
extern crate nooluur_store as store;

mod common;
use common::{Backend, backends, fresh};

fn id(d: usize, i: usize) -> String {
    format!("urn:uuid:00000000-0000-4000-8000-{:012}", d * 10 + i)
}

/// Document `d`: three events with eventIDs of their own, but the first repeats the first
/// eventID of document `clash` when given.
fn document(d: usize, clash: Option<usize>) -> Vec<u8> {
    let events: Vec<serde_json::Value> = (0..3)
        .map(|i| {
            let id = match clash {
                Some(c) if i == 0 => id(c, 0),
                _ => id(d, i),
            };
            serde_json::json!({
                "type": "ObjectEvent", "eventID": id,
                "eventTime": format!("2025-04-01T08:{:02}:{:02}+08:00", d % 60, i),
                "eventTimeZoneOffset": "+08:00",
                "epcList": [format!("urn:epc:id:sgtin:9520001.012345.{}", d * 10 + i)],
                "action": "OBSERVE", "bizStep": "shipping"
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument", "schemaVersion": "2.0",
        "creationDate": "2025-04-01T00:00:00Z",
        "epcisBody": {"eventList": events}
    }))
    .unwrap()
}

/// Documents 0..40, Atomic (document 23 repeats an eventID of document 16), then 40..46,
/// Proceed (document 44 repeats one of document 41: that event alone is left out).
fn atomic_documents() -> Vec<Vec<u8>> {
    (0..40)
        .map(|d| document(d, (d == 23).then_some(16)))
        .collect()
}

fn proceed_documents() -> Vec<Vec<u8>> {
    (40..46)
        .map(|d| document(d, (d == 44).then_some(41)))
        .collect()
}

async fn app_with_org(url: &str) -> (App, app::auth::Principal) {
    let app = fresh(url).await;
    orgs::add(&app, "coop", Role::Cooperative, &[])
        .await
        .unwrap();
    let p = orgs::principal(&app, "coop").await.unwrap();
    (app, p)
}

fn prepare(app: &App, p: &app::auth::Principal, bytes: &[u8], mode: CaptureMode) -> Prepared {
    let ctx = CaptureContext {
        org: p.id(),
        capture_id: None,
        record_time: app.clock.now(),
        mode,
        event_limit: None,
        random: app.random.clone(),
    };
    capture::prepare(bytes, &ctx).unwrap()
}

/// What a document's capture gave, comparable across runs.
fn outcome(r: Result<CaptureReport, AppError>) -> String {
    match r {
        Ok(r) => format!(
            "{:?} at {:?}, {} left out",
            r.event_ids,
            r.seqs,
            r.errors.len()
        ),
        Err(AppError::AlreadyExists { name, .. }) => format!("duplicate {name}"),
        Err(e) => panic!("unexpected failure {e}"),
    }
}

async fn one_at_a_time(app: &App, p: &app::auth::Principal) -> Vec<String> {
    let mut out = Vec::new();
    for (docs, mode) in [
        (atomic_documents(), CaptureMode::Atomic),
        (proceed_documents(), CaptureMode::Proceed),
    ] {
        for d in docs {
            let prepared = prepare(app, p, &d, mode);
            out.push(outcome(capture::store_prepared(app, prepared, mode).await));
        }
    }
    out
}

async fn grouped(app: &App, p: &app::auth::Principal) -> Vec<String> {
    let atomic = atomic_documents();
    let mut out = Vec::new();
    // Ten clean documents go in together.
    let first: Vec<Prepared> = atomic[..10]
        .iter()
        .map(|d| prepare(app, p, d, CaptureMode::Atomic))
        .collect();
    let reports = capture::store_prepared_together(app, first, CaptureMode::Atomic)
        .await
        .unwrap_or_else(|_| panic!("ten clean documents are stored together"));
    out.extend(reports.into_iter().map(|r| outcome(Ok(r))));
    // A group with a document that fails alone is given back, nothing of it stored.
    let rest: Vec<Prepared> = atomic[10..]
        .iter()
        .map(|d| prepare(app, p, d, CaptureMode::Atomic))
        .collect();
    let Err(given_back) = capture::store_prepared_together(app, rest, CaptureMode::Atomic).await
    else {
        panic!("a group with a duplicate is not stored");
    };
    assert_eq!(given_back.len(), 30);
    assert_eq!(app.store.count_events().await.unwrap(), 30);
    // The pipeline stores the same documents, grouped as they are ready.
    for (docs, mode) in [
        (atomic[10..].to_vec(), CaptureMode::Atomic),
        (proceed_documents(), CaptureMode::Proceed),
    ] {
        let mut got = Vec::new();
        capture::capture_many(app, p, docs, mode, 2, |i, r| {
            got.push((i, outcome(r)));
            true
        })
        .await
        .unwrap();
        assert!(got.iter().enumerate().all(|(n, (i, _))| n == *i));
        out.extend(got.into_iter().map(|(_, o)| o));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grouped_documents_get_what_they_would_alone() {
    for (a, b) in backends().await.into_iter().zip(backends().await) {
        let (alone, p) = app_with_org(&a.url()).await;
        let reference = one_at_a_time(&alone, &p).await;
        assert_eq!(reference[23], format!("duplicate {}", id(16, 0)));
        assert!(reference[44].ends_with("1 left out"), "{}", reference[44]);
        let (together, p) = app_with_org(&b.url()).await;
        let got = grouped(&together, &p).await;
        assert_eq!(got, reference);
        // Every stored event has its leaf, in order, under a signed checkpoint.
        let report = app::log::verify(&together, |_| {}).await.unwrap();
        assert!(report.ok(), "{report:?}");
        assert_eq!(report.events, 39 * 3 + 6 * 3 - 1);
        assert_eq!(report.checkpoint_size, report.events);
        for backend in [a, b] {
            if let Backend::Sqlite(dir) = &backend {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capture_jobs_of_small_documents_are_stored_together() {
    for b in backends().await {
        let (app, p) = app_with_org(&b.url()).await;
        let mut submitted = Vec::new();
        // Eight clean documents (stored together), then four with a duplicate among them
        // (stored one at a time).
        for run in [0..8, 8..12] {
            let n = run.len();
            for d in run {
                let job = jobs::submit(
                    &app,
                    &p,
                    document(d, (d == 9).then_some(2)),
                    "application/ld+json",
                    CaptureMode::Atomic,
                )
                .await
                .unwrap();
                submitted.push(job.id);
            }
            assert_eq!(jobs::run_pending(&app).await.unwrap(), n);
        }
        for (d, job_id) in submitted.iter().enumerate() {
            let job = jobs::get(&app, &p, job_id).await.unwrap();
            assert_eq!(job.state, JobState::Finished, "job {d}");
            if d == 9 {
                assert_eq!(job.success, Some(false));
                assert_eq!(job.captured, 0);
                assert!(
                    job.errors[0].to_string().contains(&id(2, 0)),
                    "{:?}",
                    job.errors
                );
            } else {
                assert_eq!((job.success, job.captured), (Some(true), 3), "job {d}");
            }
        }
        // Capture order is submission order, the failed document leaving no gap.
        let stored = app.store.events_after(0, 100).await.unwrap();
        let ids: Vec<&str> = stored
            .iter()
            .filter_map(|e| e.event.event_id.as_deref())
            .collect();
        let expected: Vec<String> = (0..12)
            .filter(|d| *d != 9)
            .flat_map(|d| (0..3).map(move |i| id(d, i)))
            .collect();
        assert_eq!(ids, expected);
        assert!(app::log::verify(&app, |_| {}).await.unwrap().ok());
        if let Backend::Sqlite(dir) = &b {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// `capture_staged` (`nooluur bench capture --stages`) stores each document as capture does,
/// times both stages, and stops at the first document that fails, nothing of it stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staged_capture_times_both_stages() {
    for backend in backends().await {
        let (app, p) = app_with_org(&backend.url()).await;
        let docs: Vec<Vec<u8>> = (0..4).map(|d| document(d, None)).collect();
        let t = capture::capture_staged(&app, &p, docs, CaptureMode::Atomic)
            .await
            .unwrap();
        assert_eq!(t.events, 12);
        assert!(!t.prepare.is_zero() && !t.store.is_zero());
        let docs = vec![document(4, None), document(5, Some(4)), document(6, None)];
        let e = capture::capture_staged(&app, &p, docs, CaptureMode::Atomic)
            .await
            .unwrap_err();
        assert_eq!(outcome(Err(e)), format!("duplicate {}", id(4, 0)));
        let report = app::log::verify(&app, |_| {}).await.unwrap();
        assert!(report.ok(), "{report:?}");
        assert_eq!(report.events, 15);
        if let Backend::Sqlite(dir) = &backend {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
