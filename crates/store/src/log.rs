//! The transparency log's storage (see the `tlog` crate for the model): stored hashes in
//! `tlog_tiles`, appended in the transaction that stores the events, signed checkpoints in
//! `tlog_checkpoints`, and the small `settings` table.
//!
//! Invariants:
//! - The tree has exactly as many leaves as there are events, leaf `n` being the event with
//!   sequence number `n + 1`; so the tree size is `MAX(seq)` and needs no row of its own.
//! - Stored hashes are numbered as in Go's sumdb/tlog (every complete subtree once, in the
//!   order it became known), and an append adds a contiguous run of them. Row `tile` of
//!   `tlog_tiles` holds hashes `TILE·tile ..`, 32 bytes each, in index order: every row but
//!   the last is full, and a row only ever grows (the writes check that what was there stays).
//!
//! Why tiles: a row per stored hash made two rows and two index entries per event, ≈ 4 µs of
//! PostgreSQL's per-event work (BENCHMARKS.md, fourteenth session); a tile row takes 32
//! hashes, so a batch writes one row per 16 events and rewrites at most one partial row.

use std::collections::HashMap;

use crate::{Result, StoreError};

/// Stored hashes per row of `tlog_tiles`: 1 KiB rows, under PostgreSQL's TOAST threshold, so
/// that rewriting the partial last row stays cheap for one-event captures.
pub(crate) const TILE: u64 = 32;
const HASH: usize = 32;

pub(crate) fn corrupt(e: tlog::Error) -> StoreError {
    StoreError::Corrupt(format!("transparency log: {e}"))
}

/// The `tlog_tiles` rows that hold the stored hashes `indexes`, ascending, each once.
pub(crate) fn tiles_holding(indexes: &[u64]) -> Vec<i64> {
    let mut tiles: Vec<i64> = indexes.iter().map(|i| (i / TILE) as i64).collect();
    tiles.sort_unstable();
    tiles.dedup();
    tiles
}

/// `tlog_tiles` rows as read: tile number → its bytes.
pub(crate) type Tiles = HashMap<u64, Vec<u8>>;

/// Collects `(tile, hashes)` rows.
pub(crate) fn tiles(rows: Vec<(i64, Vec<u8>)>) -> Tiles {
    rows.into_iter().map(|(t, h)| (t as u64, h)).collect()
}

/// The stored hashes `indexes`, in that order, from the tiles holding them.
pub(crate) fn hashes_at(indexes: &[u64], tiles: &Tiles) -> Result<Vec<tlog::Hash>> {
    indexes
        .iter()
        .map(|&i| {
            let missing = || StoreError::Corrupt(format!("stored log hash {i} is missing"));
            let tile = tiles.get(&(i / TILE)).ok_or_else(missing)?;
            if tile.len() % HASH != 0 {
                return Err(StoreError::Corrupt(format!(
                    "log tile {} is {} bytes, not a whole number of hashes",
                    i / TILE,
                    tile.len()
                )));
            }
            let at = (i % TILE) as usize * HASH;
            let bytes = tile.get(at..at + HASH).ok_or_else(missing)?;
            <tlog::Hash>::try_from(bytes).map_err(|_| missing())
        })
        .collect()
}

/// The stored-hash indexes of the frontier of a tree of `size` leaves, and the tile rows to
/// read for them: what an append needs.
pub(crate) fn frontier_tiles(size: u64) -> Result<(Vec<u64>, Vec<i64>)> {
    let indexes = tlog::Frontier::indexes(size).map_err(corrupt)?;
    let tiles = tiles_holding(&indexes);
    Ok((indexes, tiles))
}

/// Appends `leaves` to a tree of `size` leaves whose frontier (`indexes`, from
/// [`frontier_tiles`]) is in `tiles`.
pub(crate) fn append(
    size: u64,
    indexes: &[u64],
    tiles: &Tiles,
    leaves: &[tlog::Hash],
) -> Result<tlog::Appended> {
    let frontier = hashes_at(indexes, tiles)?;
    let mut f = tlog::Frontier::from_hashes(size, &frontier).map_err(corrupt)?;
    tlog::append_to(&mut f, leaves).map_err(corrupt)
}

/// The `tlog_tiles` rows (tile, whole new content) that store `appended`: the partial last
/// tile, whose current content `tiles` holds, grown, then new ones. A store writes them as an
/// upsert that only replaces a row whose old content is a prefix of the new.
///
/// The partial tile is always among the frontier's tiles: the last stored hash of a tree is
/// the root of its right-most complete subtree, a frontier hash.
pub(crate) fn tile_rows(appended: &tlog::Appended, tiles: &Tiles) -> Result<Vec<(i64, Vec<u8>)>> {
    let mut out: Vec<(i64, Vec<u8>)> = Vec::new();
    for (index, h) in (appended.first_index..).zip(&appended.hashes) {
        let tile = index / TILE;
        if out.last().is_none_or(|(t, _)| *t as u64 != tile) {
            let mut bytes = Vec::with_capacity(TILE as usize * HASH);
            let held = (index % TILE) as usize;
            if held > 0 {
                let old = tiles
                    .get(&tile)
                    .filter(|b| b.len() == held * HASH)
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!(
                            "log tile {tile} should hold {held} hashes before stored hash {index}"
                        ))
                    })?;
                bytes.extend_from_slice(old);
            }
            out.push((tile as i64, bytes));
        }
        if let Some((_, bytes)) = out.last_mut() {
            bytes.extend_from_slice(h);
        }
    }
    Ok(out)
}

/// The `tlog_tiles` rows that append `leaves` to a tree of `size` leaves, from the rows read
/// for its frontier (`indexes` and the tiles `frontier_tiles` named): what each backend's
/// insert writes.
pub(crate) fn append_rows(
    size: u64,
    indexes: &[u64],
    read: Vec<(i64, Vec<u8>)>,
    leaves: &[tlog::Hash],
) -> Result<Vec<(i64, Vec<u8>)>> {
    let tiles = tiles(read);
    let appended = append(size, indexes, &tiles, leaves)?;
    tile_rows(&appended, &tiles)
}

/// Fails unless an upsert of `rows` tile rows wrote them all: a row left alone is a tile
/// whose stored bytes the append would have changed.
pub(crate) fn check_written(written: u64, rows: usize) -> Result<()> {
    if written == rows as u64 {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!(
            "transparency log: {} of {rows} tile rows would have changed stored hashes",
            rows as u64 - written.min(rows as u64)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Writes `rows` into `tiles` as the stores' upsert does, refusing a row that would change
    /// what a tile held.
    fn write(tiles: &mut Tiles, rows: Vec<(i64, Vec<u8>)>) {
        for (t, bytes) in rows {
            if let Some(old) = tiles.get(&(t as u64)) {
                assert!(bytes.starts_with(old), "tile {t} changed");
            }
            tiles.insert(t as u64, bytes);
        }
    }

    fn leaf(n: usize) -> tlog::Hash {
        tlog::leaf_hash(n.to_string().as_bytes())
    }

    proptest! {
        /// Appending batches through tiles stores exactly the hashes an in-memory log stores,
        /// and every tile but the last is full.
        #[test]
        fn tiles_hold_the_stored_hashes(batches in prop::collection::vec(0usize..90, 1..12)) {
            let mut tiles = Tiles::new();
            let mut memory = tlog::MemoryLog::new();
            let mut size = 0u64;
            let mut n = 0;
            for b in batches {
                let leaves: Vec<tlog::Hash> = (n..n + b).map(leaf).collect();
                n += b;
                let (indexes, wanted) = frontier_tiles(size).unwrap();
                let read: Tiles = wanted
                    .iter()
                    .filter_map(|t| tiles.get(&(*t as u64)).map(|b| (*t as u64, b.clone())))
                    .collect();
                let appended = append(size, &indexes, &read, &leaves).unwrap();
                write(&mut tiles, tile_rows(&appended, &read).unwrap());
                memory.append_leaf_hashes(&leaves).unwrap();
                size += b as u64;
                prop_assert_eq!(appended.root, memory.root());
            }
            let stored = memory.stored_hashes();
            let all: Vec<u64> = (0..stored.len() as u64).collect();
            prop_assert_eq!(hashes_at(&all, &tiles).unwrap(), stored.to_vec());
            let last = tiles.keys().max().copied();
            for (t, bytes) in &tiles {
                if Some(*t) != last {
                    prop_assert_eq!(bytes.len(), TILE as usize * HASH);
                }
            }
        }
    }

    #[test]
    fn a_missing_or_short_tile_is_corruption() {
        let mut tiles = Tiles::new();
        assert!(matches!(
            hashes_at(&[3], &tiles),
            Err(StoreError::Corrupt(_))
        ));
        tiles.insert(0, vec![7; HASH * 2]);
        assert_eq!(hashes_at(&[1], &tiles).unwrap(), vec![[7; 32]]);
        assert!(matches!(
            hashes_at(&[2], &tiles),
            Err(StoreError::Corrupt(_))
        ));
        tiles.insert(0, vec![7; HASH + 1]);
        assert!(matches!(
            hashes_at(&[0], &tiles),
            Err(StoreError::Corrupt(_))
        ));
        // An append after two stored hashes needs tile 0 to hold exactly two.
        let appended = tlog::Appended {
            old_size: 1,
            new_size: 2,
            first_index: 2,
            hashes: vec![[1; 32], [2; 32]],
            root: [0; 32],
        };
        assert!(matches!(
            tile_rows(&appended, &tiles),
            Err(StoreError::Corrupt(_))
        ));
        tiles.insert(0, vec![7; HASH * 2]);
        let rows = tile_rows(&appended, &tiles).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].1.len(), 4 * HASH);
    }
}
