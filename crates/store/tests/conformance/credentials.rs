//! Verifiable credentials every backend must keep alike: lookups, status-list bits, revocation,
//! and certified mass claimed against lots (never more than certified, even under races).

use std::collections::HashSet;
use std::sync::Arc;

use nooluur_store::{Claim, NewCredential, OrgId, Store, StoreError, StoredCredential};

const LAB: OrgId = OrgId(7);
const CERTIFIER: OrgId = OrgId(8);

fn lot(n: u32) -> String {
    format!("https://coop.example.mn/lot/{n}")
}

fn cred(id: &str, issuer: OrgId, status_index: i64, issued_at: i64) -> NewCredential {
    NewCredential {
        id: format!("https://nooluur.example/credentials/{id}"),
        issuer,
        kind: "quality".into(),
        subjects: vec![lot(1)],
        status_index,
        body: format!(r#"{{"id":"{id}","proof":{{"type":"DataIntegrityProof"}}}}"#),
        issued_at,
        claims: Vec::new(),
    }
}

fn claim(lot_n: u32, grams: i64, limit_grams: i64) -> Claim {
    Claim {
        lot: lot(lot_n),
        standard: "SFA".into(),
        grams,
        limit_grams,
    }
}

/// A transaction certificate claiming `claims`.
fn tc(id: &str, status_index: i64, claims: Vec<Claim>) -> NewCredential {
    NewCredential {
        kind: "transaction".into(),
        subjects: claims.iter().map(|c| c.lot.clone()).collect(),
        claims,
        ..cred(id, CERTIFIER, status_index, 1_000 + status_index)
    }
}

fn url(id: &str) -> String {
    format!("https://nooluur.example/credentials/{id}")
}

fn ids(v: &[StoredCredential]) -> Vec<String> {
    v.iter()
        .map(|c| c.id.rsplit('/').next().unwrap().to_owned())
        .collect()
}

pub async fn credentials_insert_get_and_duplicates(s: Arc<dyn Store>) {
    let mut c = cred("q1", LAB, 0, 1_700_000_000_000_000);
    c.subjects = vec![lot(1), "did:web:lab.example.mn".into(), lot(1)];
    s.insert_credential(c.clone()).await.unwrap();
    let got = s.get_credential(&c.id).await.unwrap().unwrap();
    assert_eq!(
        got,
        StoredCredential {
            id: c.id.clone(),
            issuer: LAB,
            kind: "quality".into(),
            subjects: c.subjects.clone(),
            status_index: 0,
            body: c.body.clone(),
            issued_at: 1_700_000_000_000_000,
            revoked_at: None,
        }
    );
    assert!(s.get_credential(&url("none")).await.unwrap().is_none());

    // The same id again, even from another issuer with another bit, is refused.
    let again = cred("q1", CERTIFIER, 5, 1);
    match s.insert_credential(again).await {
        Err(StoreError::DuplicateCredential(id)) => assert_eq!(id, c.id),
        other => panic!("expected a duplicate credential, got {other:?}"),
    }
    // One credential per status-list bit of an issuer; the same bit of another issuer is free.
    match s.insert_credential(cred("q2", LAB, 0, 1)).await {
        Err(StoreError::AlreadyExists { what, .. }) => assert_eq!(what, "credential status index"),
        other => panic!("expected a reused status bit to be refused, got {other:?}"),
    }
    s.insert_credential(cred("q2", CERTIFIER, 0, 1))
        .await
        .unwrap();
    let about = s.credentials_about(&[lot(1)]).await.unwrap();
    assert_eq!(ids(&about), ["q2", "q1"]);
}

pub async fn credentials_by_subject_and_kind(s: Arc<dyn Store>) {
    let mk = |id: &str, bit: i64, at: i64, kind: &str, subjects: &[&str]| NewCredential {
        kind: kind.into(),
        subjects: subjects.iter().map(|x| (*x).to_owned()).collect(),
        ..cred(id, LAB, bit, at)
    };
    // Inserted out of time order; c and d share a time (insertion order breaks the tie).
    for c in [
        mk("a", 0, 300, "quality", &["lot:1", "lot:2"]),
        mk("b", 1, 100, "scope", &["org:1"]),
        mk("c", 2, 200, "quality", &["lot:2", "event:9"]),
        mk("d", 3, 200, "scope", &["org:2", "lot:1"]),
        mk("e", 4, 50, "quality", &[]),
    ] {
        s.insert_credential(c).await.unwrap();
    }
    let about = |xs: &[&str]| {
        let s = s.clone();
        let xs: Vec<String> = xs.iter().map(|x| (*x).to_owned()).collect();
        async move { ids(&s.credentials_about(&xs).await.unwrap()) }
    };
    assert_eq!(about(&["lot:1"]).await, ["d", "a"]);
    assert_eq!(about(&["lot:2", "lot:1", "lot:2"]).await, ["c", "d", "a"]);
    assert_eq!(about(&["event:9", "org:1"]).await, ["b", "c"]);
    assert!(about(&["nothing"]).await.is_empty());
    assert!(about(&[]).await.is_empty());
    // More subjects than one IN list holds: still each credential once, oldest first.
    let mut many: Vec<String> = (0..1_200).map(|i| format!("unknown:{i}")).collect();
    many[0] = "lot:1".into();
    many[700] = "lot:2".into();
    many[1_199] = "org:1".into();
    let got = s.credentials_about(&many).await.unwrap();
    assert_eq!(ids(&got), ["b", "c", "d", "a"]);

    let kind = |k: &str| {
        let s = s.clone();
        let k = k.to_owned();
        async move { ids(&s.credentials_of_kind(&k).await.unwrap()) }
    };
    assert_eq!(kind("quality").await, ["e", "c", "a"]);
    assert_eq!(kind("scope").await, ["b", "d"]);
    assert!(kind("transaction").await.is_empty());
}

pub async fn credential_status_indexes(s: Arc<dyn Store>) {
    for want in 0..3 {
        assert_eq!(s.next_status_index(LAB).await.unwrap(), want);
    }
    assert_eq!(s.next_status_index(CERTIFIER).await.unwrap(), 0);
    assert_eq!(s.next_status_index(LAB).await.unwrap(), 3);
    // Handed out concurrently: never twice.
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let s = s.clone();
        tasks.push(tokio::spawn(
            async move { s.next_status_index(CERTIFIER).await },
        ));
    }
    let mut bits = HashSet::new();
    for t in tasks {
        assert!(bits.insert(t.await.unwrap().unwrap()));
    }
    assert_eq!(bits, (1..=16).collect::<HashSet<i64>>());
    assert_eq!(s.next_status_index(LAB).await.unwrap(), 4);
}

pub async fn credential_revocation(s: Arc<dyn Store>) {
    for (id, issuer, bit) in [
        ("a", LAB, 0),
        ("b", LAB, 1),
        ("c", LAB, 2),
        ("x", CERTIFIER, 1),
    ] {
        s.insert_credential(cred(id, issuer, bit, 10))
            .await
            .unwrap();
    }
    assert!(s.revoked_status_indexes(LAB).await.unwrap().is_empty());
    assert!(s.revoke_credential(&url("c"), 500).await.unwrap());
    assert!(s.revoke_credential(&url("a"), 600).await.unwrap());
    // Again: still found, the first time kept.
    assert!(s.revoke_credential(&url("c"), 900).await.unwrap());
    assert!(!s.revoke_credential(&url("none"), 900).await.unwrap());
    let c = s.get_credential(&url("c")).await.unwrap().unwrap();
    assert_eq!(c.revoked_at, Some(500));
    assert_eq!(
        s.get_credential(&url("b"))
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        None
    );
    assert_eq!(s.revoked_status_indexes(LAB).await.unwrap(), [0, 2]);
    assert!(
        s.revoked_status_indexes(CERTIFIER)
            .await
            .unwrap()
            .is_empty()
    );
    // A revoked credential is still found (with its revocation time).
    let about = s.credentials_about(&[lot(1)]).await.unwrap();
    assert_eq!(about.len(), 4);
    assert_eq!(about.iter().filter(|c| c.revoked_at.is_some()).count(), 2);
}

pub async fn credential_claims_within_limits(s: Arc<dyn Store>) {
    assert_eq!(s.claimed_grams(&lot(1), "SFA").await.unwrap(), 0);
    s.insert_credential(tc("t1", 0, vec![claim(1, 10_000, 12_500)]))
        .await
        .unwrap();
    assert_eq!(s.claimed_grams(&lot(1), "SFA").await.unwrap(), 10_000);
    // Claims are per (lot, standard).
    assert_eq!(s.claimed_grams(&lot(1), "GCS").await.unwrap(), 0);
    assert_eq!(s.claimed_grams(&lot(2), "SFA").await.unwrap(), 0);

    // Over the limit: refused with the numbers, nothing stored (not even the fitting claim).
    let over = tc(
        "t2",
        1,
        vec![claim(2, 1_000, 5_000), claim(1, 3_000, 12_500)],
    );
    let e = s.insert_credential(over.clone()).await.unwrap_err();
    match &e {
        StoreError::OverClaim {
            lot: l,
            standard,
            limit_grams: 12_500,
            claimed_grams: 10_000,
            asked_grams: 3_000,
        } => {
            assert_eq!((l.as_str(), standard.as_str()), (lot(1).as_str(), "SFA"));
        }
        other => panic!("expected an over-claim, got {other:?}"),
    }
    assert_eq!(
        e.to_string(),
        format!(
            "lot {} under SFA: 12.500 kg certified, 10.000 kg already claimed, 3.000 kg asked",
            lot(1)
        )
    );
    assert!(s.get_credential(&over.id).await.unwrap().is_none());
    assert_eq!(s.claimed_grams(&lot(2), "SFA").await.unwrap(), 0);
    assert!(s.credentials_about(&[lot(2)]).await.unwrap().is_empty());
    // Its id and bit are free again; exactly up to the limit fits.
    s.insert_credential(tc("t2", 1, vec![claim(1, 2_500, 12_500)]))
        .await
        .unwrap();
    assert_eq!(s.claimed_grams(&lot(1), "SFA").await.unwrap(), 12_500);
    s.insert_credential(tc("t3", 2, vec![claim(1, 0, 12_500)]))
        .await
        .unwrap();

    // Two claims of one credential on one pair add up.
    let twice = tc("t4", 3, vec![claim(3, 600, 1_000), claim(3, 500, 1_000)]);
    match s.insert_credential(twice).await {
        Err(StoreError::OverClaim {
            claimed_grams: 600,
            asked_grams: 500,
            ..
        }) => {}
        other => panic!("expected an over-claim, got {other:?}"),
    }
    assert_eq!(s.claimed_grams(&lot(3), "SFA").await.unwrap(), 0);
    // A negative claim would free mass: refused.
    assert!(matches!(
        s.insert_credential(tc("t5", 4, vec![claim(1, -1_000, 12_500)]))
            .await,
        Err(StoreError::InvalidClaim { grams: -1_000, .. })
    ));
    assert!(s.get_credential(&url("t5")).await.unwrap().is_none());

    // A revoked certificate's claims stop counting.
    assert!(
        s.insert_credential(tc("t6", 5, vec![claim(1, 1, 12_500)]))
            .await
            .is_err()
    );
    assert!(s.revoke_credential(&url("t1"), 2_000).await.unwrap());
    assert_eq!(s.claimed_grams(&lot(1), "SFA").await.unwrap(), 2_500);
    s.insert_credential(tc("t6", 5, vec![claim(1, 10_000, 12_500)]))
        .await
        .unwrap();
    assert_eq!(s.claimed_grams(&lot(1), "SFA").await.unwrap(), 12_500);
}

/// Eight writers race for 10 kg certified in 3 kg slices (and for a second lot, crosswise):
/// at most what is certified is ever claimed, and each refusal says why.
pub async fn credential_claims_concurrent(s: Arc<dyn Store>) {
    let mut tasks = Vec::new();
    for i in 0..8u32 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let bit = s.next_status_index(CERTIFIER).await.unwrap();
            // Half claim on lots 1 then 2, half on 2 then 1: lock order must not deadlock.
            let mut claims = vec![claim(1, 3_000, 10_000), claim(2, 4_000, 10_000)];
            if i % 2 == 1 {
                claims.reverse();
            }
            let c = tc(&format!("race{i}"), bit, claims);
            let id = c.id.clone();
            (id, s.insert_credential(c).await)
        }));
    }
    let mut accepted = Vec::new();
    for t in tasks {
        let (id, r) = t.await.unwrap();
        match r {
            Ok(()) => accepted.push(id),
            Err(StoreError::OverClaim {
                limit_grams: 10_000,
                claimed_grams,
                asked_grams,
                ..
            }) => {
                assert!(claimed_grams + asked_grams > 10_000);
                assert!(s.get_credential(&id).await.unwrap().is_none());
            }
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    // Lot 2 (4 kg slices) fits two, lot 1 (3 kg) three: two certificates fit.
    assert_eq!(accepted.len(), 2, "{accepted:?}");
    assert_eq!(s.claimed_grams(&lot(1), "SFA").await.unwrap(), 6_000);
    assert_eq!(s.claimed_grams(&lot(2), "SFA").await.unwrap(), 8_000);

    // Single-lot slices of varied sizes: whatever the interleaving, never above the limit.
    let mut tasks = Vec::new();
    for i in 0..8i64 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let bit = s.next_status_index(CERTIFIER).await.unwrap();
            let c = tc(
                &format!("slice{i}"),
                bit,
                vec![claim(9, 1_000 + 500 * i, 10_000)],
            );
            (1_000 + 500 * i, s.insert_credential(c).await)
        }));
    }
    let mut total = 0;
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap() {
            (g, Ok(())) => total += g,
            (_, Err(StoreError::OverClaim { .. })) => refused += 1,
            (_, Err(e)) => panic!("unexpected error: {e}"),
        }
    }
    assert!(
        total <= 10_000 && refused > 0,
        "{total} g, {refused} refused"
    );
    assert_eq!(s.claimed_grams(&lot(9), "SFA").await.unwrap(), total);
    let stored = s.credentials_of_kind("transaction").await.unwrap();
    assert_eq!(stored.len(), 2 + 8 - refused);
}
