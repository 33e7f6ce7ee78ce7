//! Several batches in one transaction (`Store::insert_prepared_together`): all stored as one
//! after the other would be, or none.

use std::sync::Arc;

use nooluur_store::{CaptureMode, PreparedBatch, Store, prepare_batch};

use crate::fixtures::*;

fn batch(ids: &[&str]) -> PreparedBatch {
    prepare_batch(
        ids.iter()
            .map(|id| new_event(simple(id, "2022-01-01T00:00:00Z"), 1))
            .collect(),
    )
    .unwrap()
}

pub async fn batches_stored_together(s: Arc<dyn Store>) {
    let (a, b, c) = (
        batch(&["urn:uuid:t1", "urn:uuid:t2"]),
        batch(&[]),
        batch(&["urn:uuid:t3"]),
    );
    let reports = s
        .insert_prepared_together(&[&a, &b, &c], CaptureMode::Atomic)
        .await
        .unwrap()
        .expect("both SQL backends group batches");
    let seqs: Vec<Vec<i64>> = reports.iter().map(|r| r.inserted.clone()).collect();
    assert_eq!(seqs, [vec![1, 2], vec![], vec![3]]);

    // A duplicate of an event stored before, or of one earlier in the group: nothing stored.
    let (d, e) = (batch(&["urn:uuid:t4"]), batch(&["urn:uuid:t4"]));
    let f = batch(&["urn:uuid:t1"]);
    for group in [[&d, &e], [&d, &f]] {
        let r = s
            .insert_prepared_together(&group, CaptureMode::Atomic)
            .await
            .unwrap();
        assert!(r.is_none());
        assert_eq!(s.count_events().await.unwrap(), 3);
    }
    // An Atomic batch naming one eventID twice fails before anything is written.
    let twice = batch(&["urn:uuid:t5", "urn:uuid:t5"]);
    let r = s
        .insert_prepared_together(&[&d, &twice], CaptureMode::Atomic)
        .await
        .unwrap();
    assert!(r.is_none());
    // Proceed: the repeated event alone is left out, the rest continues the sequence.
    let reports = s
        .insert_prepared_together(&[&d, &e, &f], CaptureMode::Proceed)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reports[0].inserted, [4]);
    assert!(reports[1].inserted.is_empty() && reports[1].rejected.len() == 1);
    assert!(reports[2].inserted.is_empty() && reports[2].rejected.len() == 1);
    assert_eq!(s.max_seq().await.unwrap(), 4);
}
