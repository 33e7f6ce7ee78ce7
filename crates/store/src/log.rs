//! The transparency log's storage (see the `tlog` crate for the model): stored hashes in
//! `tlog_hashes`, appended in the transaction that stores the events, signed checkpoints in
//! `tlog_checkpoints`, and the small `settings` table.
//!
//! Invariant: the tree has exactly as many leaves as there are events, leaf `n` being the event
//! with sequence number `n + 1`; so the tree size is `MAX(seq)` and needs no row of its own.

use crate::{Result, StoreError};

pub(crate) fn corrupt(e: tlog::Error) -> StoreError {
    StoreError::Corrupt(format!("transparency log: {e}"))
}

/// Turns `(idx, hash)` rows read for `indexes` into hashes in the order of `indexes`.
pub(crate) fn in_order(indexes: &[u64], rows: Vec<(i64, Vec<u8>)>) -> Result<Vec<tlog::Hash>> {
    let found: std::collections::HashMap<u64, Vec<u8>> =
        rows.into_iter().map(|(i, h)| (i as u64, h)).collect();
    indexes
        .iter()
        .map(|i| {
            let h = found
                .get(i)
                .ok_or_else(|| StoreError::Corrupt(format!("stored log hash {i} is missing")))?;
            <tlog::Hash>::try_from(h.as_slice())
                .map_err(|_| StoreError::Corrupt(format!("stored log hash {i} is not 32 bytes")))
        })
        .collect()
}

/// The new rows for appending `leaves` to a tree of `size` leaves whose frontier hashes
/// (`tlog::Frontier::indexes(size)`, in order) are `frontier`.
pub(crate) fn append(
    size: u64,
    frontier: &[tlog::Hash],
    leaves: &[tlog::Hash],
) -> Result<tlog::Appended> {
    let mut f = tlog::Frontier::from_hashes(size, frontier).map_err(corrupt)?;
    tlog::append_to(&mut f, leaves).map_err(corrupt)
}
