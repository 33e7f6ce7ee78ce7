//! Scenarios of the store's bookkeeping beside events: capture jobs, organisations and tokens,
//! named queries and subscriptions.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{Duration, Utc};
use nooluur_store::{
    CaptureMode, CaptureOutcome, JobState, NamedQuery, NewCaptureJob, NewOrg, OrgId, PageRequest,
    Role, Store, StoreError, Subscription, Viewer,
};
use serde_json::json;

use crate::scenarios::page;
fn job(org: i64, doc: &str) -> NewCaptureJob {
    NewCaptureJob {
        org: OrgId(org),
        mode: CaptureMode::Atomic,
        document: doc.as_bytes().to_vec(),
        content_type: "application/ld+json".into(),
    }
}

pub async fn capture_job_lifecycle(s: Arc<dyn Store>) {
    let j1 = s.create_capture_job(job(1, "{\"doc\":1}")).await.unwrap();
    let j2 = s.create_capture_job(job(1, "{\"doc\":2}")).await.unwrap();
    let other = s.create_capture_job(job(2, "x")).await.unwrap();
    assert_eq!(j1.state, JobState::Pending);
    assert!(s.get_capture_job(&j1.id, OrgId(2)).await.unwrap().is_none());
    assert_eq!(
        s.get_capture_job(&j1.id, OrgId(1)).await.unwrap().unwrap(),
        j1
    );
    let p = s.list_capture_jobs(OrgId(1), &page(1)).await.unwrap();
    assert_eq!(p.items, std::slice::from_ref(&j1));
    let p2 = s
        .list_capture_jobs(
            OrgId(1),
            &PageRequest {
                per_page: Some(1),
                token: p.next_token,
            },
        )
        .await
        .unwrap();
    assert_eq!(p2.items, std::slice::from_ref(&j2));
    assert!(p2.next_token.is_none());

    let now = Utc::now();
    let lease = Duration::minutes(5);
    let (c1, doc1) = s.claim_capture_job_at(now, lease).await.unwrap().unwrap();
    assert_eq!(
        (c1.id.as_str(), doc1.as_slice()),
        (j1.id.as_str(), &b"{\"doc\":1}"[..])
    );
    assert_eq!(c1.state, JobState::Running);
    let (c2, _) = s.claim_capture_job_at(now, lease).await.unwrap().unwrap();
    assert_eq!(c2.id, j2.id);
    let (c3, _) = s.claim_capture_job_at(now, lease).await.unwrap().unwrap();
    assert_eq!(c3.id, other.id);
    assert!(s.claim_capture_job_at(now, lease).await.unwrap().is_none());
    // j1's worker finishes; j2's worker "crashes": after the lease another worker takes it over.
    s.finish_capture_job(
        &j1.id,
        CaptureOutcome {
            success: true,
            captured: 3,
            errors: vec![],
        },
    )
    .await
    .unwrap();
    s.finish_capture_job(
        &other.id,
        CaptureOutcome {
            success: false,
            captured: 0,
            errors: vec![json!({"type": "epcisException:ValidationException"})],
        },
    )
    .await
    .unwrap();
    assert!(
        s.claim_capture_job_at(now + Duration::minutes(4), lease)
            .await
            .unwrap()
            .is_none()
    );
    let (again, doc2) = s
        .claim_capture_job_at(now + Duration::minutes(6), lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (again.id.as_str(), doc2.as_slice()),
        (j2.id.as_str(), &b"{\"doc\":2}"[..])
    );
    let done = s.get_capture_job(&j1.id, OrgId(1)).await.unwrap().unwrap();
    assert_eq!(done.state, JobState::Finished);
    assert_eq!((done.success, done.captured), (Some(true), 3));
    assert!(done.finished_at.is_some());
    let failed = s
        .get_capture_job(&other.id, OrgId(2))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(failed.errors.len(), 1);
    assert_eq!(failed.success, Some(false));
    assert!(matches!(
        s.finish_capture_job(
            "nope",
            CaptureOutcome {
                success: true,
                captured: 0,
                errors: vec![]
            }
        )
        .await,
        Err(StoreError::NotFound { .. })
    ));
    // The default claim uses the store's clock and the default lease.
    let fresh = s.create_capture_job(job(1, "y")).await.unwrap();
    assert_eq!(s.claim_capture_job().await.unwrap().unwrap().0.id, fresh.id);
}

pub async fn capture_jobs_claimed_once_under_concurrency(s: Arc<dyn Store>) {
    for i in 0..20 {
        s.create_capture_job(job(1, &i.to_string())).await.unwrap();
    }
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some((j, _)) = s.claim_capture_job().await.unwrap() {
                mine.push(j.id);
                // Claims in groups race with claims one at a time.
                let group = s
                    .claim_capture_jobs_at(Utc::now(), Duration::minutes(5), 3, usize::MAX)
                    .await
                    .unwrap();
                mine.extend(group.into_iter().map(|(j, _)| j.id));
            }
            mine
        }));
    }
    let mut all_ids = Vec::new();
    for t in tasks {
        all_ids.extend(t.await.unwrap());
    }
    let unique: HashSet<&String> = all_ids.iter().collect();
    assert_eq!((all_ids.len(), unique.len()), (20, 20));
}

pub async fn capture_jobs_claimed_in_groups(s: Arc<dyn Store>) {
    let mut ids = Vec::new();
    for doc in ["aaaa", "bb", "cccc", "d", "eeeeee", "f"] {
        ids.push(s.create_capture_job(job(1, doc)).await.unwrap().id);
    }
    let (now, lease) = (Utc::now(), Duration::minutes(5));
    let claim = |max_jobs, max_bytes| {
        let s = s.clone();
        async move {
            let jobs = s
                .claim_capture_jobs_at(now, lease, max_jobs, max_bytes)
                .await
                .unwrap();
            assert!(jobs.iter().all(|(j, _)| j.state == JobState::Running));
            jobs.into_iter()
                .map(|(j, d)| (j.id, String::from_utf8(d).unwrap()))
                .collect::<Vec<_>>()
        }
    };
    // In order, and no more once the documents reach the bytes asked for: 4 + 2 < 7, so the
    // third is claimed too, and the fourth is not.
    let first = claim(10, 7).await;
    assert_eq!(
        first,
        [
            (ids[0].clone(), "aaaa".into()),
            (ids[1].clone(), "bb".into()),
            (ids[2].clone(), "cccc".into())
        ]
    );
    // The first job is claimed whatever its size; at most `max_jobs`.
    assert_eq!(claim(10, 0).await, [(ids[3].clone(), "d".into())]);
    let rest = claim(1, usize::MAX).await;
    assert_eq!(rest, [(ids[4].clone(), "eeeeee".into())]);
    assert_eq!(claim(10, usize::MAX).await.len(), 1);
    assert!(claim(10, usize::MAX).await.is_empty());

    // Finishing several is all or none: an unknown job finishes none of them.
    let outcome = |captured| CaptureOutcome {
        success: true,
        captured,
        errors: vec![],
    };
    let unknown = [
        (ids[0].clone(), outcome(1)),
        ("nope".to_owned(), outcome(2)),
    ];
    assert!(matches!(
        s.finish_capture_jobs(&unknown).await,
        Err(StoreError::NotFound { .. })
    ));
    let j0 = s.get_capture_job(&ids[0], OrgId(1)).await.unwrap().unwrap();
    assert_eq!(j0.state, JobState::Running);
    let all: Vec<(String, CaptureOutcome)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.clone(), outcome(i as i64)))
        .collect();
    s.finish_capture_jobs(&all).await.unwrap();
    for (i, id) in ids.iter().enumerate() {
        let j = s.get_capture_job(id, OrgId(1)).await.unwrap().unwrap();
        assert_eq!((j.state, j.captured), (JobState::Finished, i as i64));
    }
}

pub(crate) fn org(name: &str, role: Role, token: &str) -> NewOrg {
    NewOrg {
        name: name.into(),
        role,
        token_hash: token.into(),
        identifiers: vec!["urn:example:herder:9".into()],
    }
}

pub async fn organisations(s: Arc<dyn Store>) {
    let a = s
        .create_org(org("coop", Role::Cooperative, "h1"))
        .await
        .unwrap();
    let b = s.create_org(org("lab", Role::Lab, "h2")).await.unwrap();
    assert_ne!(a.id, b.id);
    assert!(matches!(
        s.create_org(org("coop", Role::Brand, "h3")).await,
        Err(StoreError::AlreadyExists { .. })
    ));
    assert_eq!(s.org_by_name("coop").await.unwrap().unwrap(), a);
    assert!(s.org_by_name("nobody").await.unwrap().is_none());
    assert_eq!(s.org_by_token_hash("h2").await.unwrap().unwrap(), b);
    assert!(s.org_by_token_hash("h3").await.unwrap().is_none());
    s.add_token(a.id, "h4").await.unwrap();
    assert_eq!(s.org_by_token_hash("h4").await.unwrap().unwrap().id, a.id);
    assert!(s.add_token(a.id, "h4").await.is_err());
    let all = s.list_orgs().await.unwrap();
    assert_eq!(all, [a.clone(), b]);
    assert_eq!(Viewer::of(&a).parties, ["urn:example:herder:9"]);
}

pub(crate) fn named(name: &str) -> NamedQuery {
    NamedQuery {
        name: name.into(),
        owner: OrgId(1),
        definition: json!({"EQ_bizStep": ["shipping"]}),
        created_at: chrono::DateTime::from_timestamp_micros(1_700_000_000_000_000).unwrap(),
    }
}

fn sub(id: &str, q: &str) -> Subscription {
    Subscription {
        id: id.into(),
        query_name: q.into(),
        owner: OrgId(1),
        dest: Some("http://127.0.0.1:9/hook".into()),
        signature_token: Some("secret".into()),
        schedule: Some(json!({"minute": "0"})),
        stream: false,
        report_if_empty: true,
        cursor: 0,
        created_at: chrono::DateTime::from_timestamp_micros(1_700_000_000_000_000).unwrap(),
    }
}

pub async fn named_queries(s: Arc<dyn Store>) {
    for n in ["b", "a", "c"] {
        s.create_named_query(named(n)).await.unwrap();
    }
    assert!(matches!(
        s.create_named_query(named("a")).await,
        Err(StoreError::AlreadyExists { .. })
    ));
    assert_eq!(s.get_named_query("a").await.unwrap().unwrap(), named("a"));
    assert!(s.get_named_query("z").await.unwrap().is_none());
    let p1 = s.list_named_queries(&page(2)).await.unwrap();
    let names: Vec<_> = p1.items.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    let p2 = s
        .list_named_queries(&PageRequest {
            per_page: Some(2),
            token: p1.next_token,
        })
        .await
        .unwrap();
    assert_eq!(p2.items, [named("c")]);
    assert!(p2.next_token.is_none());
    s.create_subscription(sub("s1", "a")).await.unwrap();
    assert!(s.delete_named_query("a").await.unwrap());
    assert!(!s.delete_named_query("a").await.unwrap());
    assert!(
        s.get_subscription("s1").await.unwrap().is_none(),
        "subscriptions go with their query"
    );
}

pub async fn subscriptions_cas(s: Arc<dyn Store>) {
    s.create_named_query(named("q")).await.unwrap();
    s.create_named_query(named("r")).await.unwrap();
    assert!(matches!(
        s.create_subscription(sub("s0", "missing")).await,
        Err(StoreError::NotFound { .. })
    ));
    s.create_subscription(sub("s1", "q")).await.unwrap();
    s.create_subscription(sub("s2", "r")).await.unwrap();
    s.create_subscription(sub("s3", "q")).await.unwrap();
    assert!(matches!(
        s.create_subscription(sub("s1", "q")).await,
        Err(StoreError::AlreadyExists { .. })
    ));
    assert_eq!(
        s.get_subscription("s1").await.unwrap().unwrap(),
        sub("s1", "q")
    );
    let q_subs = s.list_subscriptions(Some("q"), &page(10)).await.unwrap();
    let ids: Vec<_> = q_subs.items.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, ["s1", "s3"]);
    let all_subs = s.list_subscriptions(None, &page(2)).await.unwrap();
    assert_eq!(all_subs.items.len(), 2);
    assert!(all_subs.next_token.is_some());
    // Compare-and-set: exactly one of many concurrent movers wins.
    let mut tasks = Vec::new();
    for to in 1..=8 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.advance_subscription("s1", 0, to).await.unwrap()
        }));
    }
    let mut wins = 0;
    for t in tasks {
        wins += usize::from(t.await.unwrap());
    }
    assert_eq!(wins, 1);
    let cursor = s.get_subscription("s1").await.unwrap().unwrap().cursor;
    assert!((1..=8).contains(&cursor));
    assert!(!s.advance_subscription("s1", 0, 99).await.unwrap());
    assert!(s.advance_subscription("s1", cursor, 99).await.unwrap());
    assert!(!s.advance_subscription("nope", 0, 1).await.unwrap());
    assert!(s.delete_subscription("s1").await.unwrap());
    assert!(!s.delete_subscription("s1").await.unwrap());
}
