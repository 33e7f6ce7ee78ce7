//! Scenarios of the market's records: inserts, duplicates, listing by parent and owner in
//! insertion order, compare-and-swap updates, all-or-nothing batches, and one winner among
//! concurrent writers of one version.

use std::sync::Arc;

use nooluur_store::{NewRecord, OrgId, RecordFilter, RecordUpdate, Store, StoreError};

fn rec(kind: &str, key: &str, parent: Option<&str>, owner: Option<i64>, body: &str) -> NewRecord {
    NewRecord {
        kind: kind.into(),
        key: key.into(),
        parent: parent.map(Into::into),
        owner: owner.map(OrgId),
        body: body.into(),
    }
}

fn upd(kind: &str, key: &str, version: i64, body: &str) -> RecordUpdate {
    RecordUpdate {
        kind: kind.into(),
        key: key.into(),
        version,
        body: body.into(),
    }
}

pub async fn records_crud_and_batches(s: Arc<dyn Store>) {
    s.write_records(
        vec![
            rec("bid", "A/1", Some("A"), Some(7), "{\"n\":1}"),
            rec("bid", "A/2", Some("A"), Some(8), "{\"n\":2}"),
            rec("bid", "B/1", Some("B"), Some(7), "{\"n\":3}"),
            rec("pool", "A/1", None, Some(7), "{}"),
        ],
        vec![],
        100,
    )
    .await
    .unwrap();
    let got = s.get_record("bid", "A/1").await.unwrap().unwrap();
    assert_eq!(
        (got.version, got.created_at, got.owner),
        (1, 100, Some(OrgId(7)))
    );
    assert!(s.get_record("bid", "nope").await.unwrap().is_none());
    // Many at once: in the order asked, missing keys and other kinds left out, and more keys
    // than one statement takes.
    let mut asked: Vec<String> = (0..1200).map(|i| format!("none/{i}")).collect();
    asked.insert(700, "B/1".into());
    asked.insert(3, "A/2".into());
    asked.push("A/1".into());
    let many = s.get_records("bid", &asked).await.unwrap();
    assert_eq!(
        many.iter()
            .map(|r| (r.key.as_str(), r.body.as_str()))
            .collect::<Vec<_>>(),
        [
            ("A/2", "{\"n\":2}"),
            ("B/1", "{\"n\":3}"),
            ("A/1", "{\"n\":1}")
        ]
    );
    assert!(s.get_records("bid", &[]).await.unwrap().is_empty());
    assert_eq!(s.get_records("pool", &asked).await.unwrap().len(), 1);
    let keys =
        |v: Vec<nooluur_store::StoredRecord>| v.into_iter().map(|r| r.key).collect::<Vec<_>>();
    assert_eq!(
        keys(
            s.list_records("bid", &RecordFilter::parent("A"))
                .await
                .unwrap()
        ),
        ["A/1", "A/2"]
    );
    assert_eq!(
        keys(
            s.list_records("bid", &RecordFilter::owner(OrgId(7)))
                .await
                .unwrap()
        ),
        ["A/1", "B/1"]
    );
    let both = RecordFilter {
        parent: Some("A".into()),
        owner: Some(OrgId(8)),
    };
    assert_eq!(keys(s.list_records("bid", &both).await.unwrap()), ["A/2"]);
    assert_eq!(
        s.list_records("bid", &RecordFilter::default())
            .await
            .unwrap()
            .len(),
        3
    );

    // A duplicate (kind, key) fails the whole batch, the update in it included.
    let e = s
        .write_records(
            vec![
                rec("bid", "C/1", None, None, "{}"),
                rec("bid", "A/1", None, None, "{}"),
            ],
            vec![upd("pool", "A/1", 1, "{\"x\":1}")],
            200,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::DuplicateRecord { ref kind, ref key } if kind == "bid" && key == "A/1"),
        "{e}"
    );
    assert!(s.get_record("bid", "C/1").await.unwrap().is_none());
    assert_eq!(
        s.get_record("pool", "A/1").await.unwrap().unwrap().body,
        "{}"
    );

    // Compare and swap.
    s.write_records(vec![], vec![upd("pool", "A/1", 1, "{\"x\":1}")], 300)
        .await
        .unwrap();
    let p = s.get_record("pool", "A/1").await.unwrap().unwrap();
    assert_eq!(
        (p.version, p.updated_at, p.body.as_str()),
        (2, 300, "{\"x\":1}")
    );
    let e = s
        .write_records(
            vec![rec("bid", "D/1", None, None, "{}")],
            vec![upd("pool", "A/1", 1, "{\"x\":2}")],
            400,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::StaleRecord { .. }), "{e}");
    assert!(
        s.get_record("bid", "D/1").await.unwrap().is_none(),
        "the insert rolled back"
    );
    let e = s
        .write_records(vec![], vec![upd("pool", "missing", 1, "{}")], 400)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::StaleRecord { .. }), "{e}");
    let e = s
        .write_records(
            vec![
                rec("x", "1", None, None, "{}"),
                rec("x", "1", None, None, "{}"),
            ],
            vec![],
            1,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::DuplicateRecord { .. }), "{e}");
}

/// Eight writers update one version: exactly one wins.
pub async fn records_concurrent_cas(s: Arc<dyn Store>) {
    s.write_records(
        vec![rec("auction", "A", None, None, "{\"closed\":false}")],
        vec![],
        1,
    )
    .await
    .unwrap();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.write_records(
                vec![],
                vec![upd("auction", "A", 1, &format!("{{\"closed\":{i}}}"))],
                2,
            )
            .await
        }));
    }
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => won += 1,
            Err(StoreError::StaleRecord { .. }) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(
        s.get_record("auction", "A").await.unwrap().unwrap().version,
        2
    );
}

/// `revision` moves with every committed change a page can show (events, organisations,
/// credentials, records), and not with reads or with a write that was refused.
pub async fn revision_moves_with_every_change(s: Arc<dyn Store>) {
    let r0 = s.revision().await.unwrap();
    let moved = |before: nooluur_store::Revision, after: nooluur_store::Revision| {
        (after.events > before.events) as u8 + (after.other > before.other) as u8
    };
    s.write_records(vec![rec("household", "h1", None, None, "{}")], vec![], 1)
        .await
        .unwrap();
    let r1 = s.revision().await.unwrap();
    assert!(
        r1.other > r0.other && r1.events == r0.events,
        "{r0:?} {r1:?}"
    );
    // Reads and a refused write (duplicate insert, stale update) change nothing.
    s.get_record("household", "h1").await.unwrap();
    s.list_records("household", &RecordFilter::default())
        .await
        .unwrap();
    assert!(
        s.write_records(vec![rec("household", "h1", None, None, "{}")], vec![], 2)
            .await
            .is_err()
    );
    assert!(
        s.write_records(vec![], vec![upd("household", "h1", 9, "{}")], 2)
            .await
            .is_err()
    );
    assert_eq!(s.revision().await.unwrap(), r1);
    // A consent changed in place is a change.
    s.write_records(
        vec![],
        vec![upd("household", "h1", 1, "{\"consent\":1}")],
        3,
    )
    .await
    .unwrap();
    let r2 = s.revision().await.unwrap();
    assert_eq!(moved(r1, r2), 1);
    assert!(r2.other > r1.other);
    // Credentials: issued, then revoked.
    let c = nooluur_store::NewCredential {
        id: "https://nooluur.example/credentials/rev".into(),
        issuer: OrgId(1),
        kind: "quality".into(),
        subjects: vec!["https://coop.example.mn/lot/1".into()],
        status_index: 0,
        body: "{}".into(),
        issued_at: 5,
        claims: Vec::new(),
    };
    let id = c.id.clone();
    s.insert_credential(c).await.unwrap();
    let r3 = s.revision().await.unwrap();
    assert!(r3.other > r2.other);
    assert!(s.revoke_credential(&id, 6).await.unwrap());
    let r4 = s.revision().await.unwrap();
    assert!(r4.other > r3.other);
    // Organisations.
    s.create_org(nooluur_store::NewOrg {
        name: "lab".into(),
        role: nooluur_store::Role::Lab,
        token_hash: "t".into(),
        identifiers: Vec::new(),
    })
    .await
    .unwrap();
    let r5 = s.revision().await.unwrap();
    assert!(r5.other > r4.other && r5.events == r0.events);
    // Events.
    s.insert_events(
        vec![crate::fixtures::new_event(
            crate::fixtures::simple("urn:uuid:rev", "2022-01-01T00:00:00Z"),
            1,
        )],
        nooluur_store::CaptureMode::Atomic,
    )
    .await
    .unwrap();
    let r6 = s.revision().await.unwrap();
    assert!(
        r6.events > r5.events && r6.other == r5.other,
        "{r5:?} {r6:?}"
    );
}

/// A committed write is seen by every read after it, on whichever pooled reader connection
/// the read lands: a reader that kept an old snapshot open (a statement left un-reset after
/// use) would answer from before the write. Sixteen concurrent reads after each write occupy
/// every reader of the pool.
pub async fn every_reader_sees_a_committed_write(s: Arc<dyn Store>) {
    for i in 0..40 {
        let key = format!("W/{i}");
        // Between writes, readers run a lookup that misses and a listing, so that each reader
        // has used statements before the write it must then see.
        let _ = s.get_record("seen", "none").await.unwrap();
        let _ = s
            .list_records("seen", &RecordFilter::default())
            .await
            .unwrap();
        s.write_records(vec![rec("seen", &key, None, None, "{}")], vec![], i)
            .await
            .unwrap();
        let mut reads = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let s = s.clone();
            let key = key.clone();
            reads.spawn(async move { s.get_record("seen", &key).await.unwrap().is_some() });
        }
        let seen = reads.join_all().await;
        assert!(
            seen.iter().all(|x| *x),
            "write {i}: {} of 16 reads missed it",
            seen.iter().filter(|x| !**x).count()
        );
    }
}
