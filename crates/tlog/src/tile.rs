//! C2SP tlog-tiles (c2sp.org/tlog-tiles): the tree served as immutable tiles of 256 hashes.
//!
//! Tile `n` at level `L` holds the stored hashes at tree level `8·L`, positions
//! `n·256 .. n·256 + width`: level 0 holds leaf hashes, level 1 the roots of full level-0
//! tiles, and so on. The right-most tile of a level is partial (`width` < 256) until it fills.
//! Because tile hashes *are* stored hashes, a store serves a tile with one read of `width`
//! rows ([`read_tile_data`]); [`TileHashReader`] goes the other way and turns tiles fetched
//! from anywhere into an authenticated [`HashReader`] for proofs.

use std::collections::HashMap;
use std::fmt;

use crate::Error;
use crate::merkle::{HASH_SIZE, Hash, node_hash};
use crate::stored::{
    HashReader, MAX_TREE_SIZE, read_exact, split_stored_hash_index, stored_hash_count,
    stored_hash_index, tree_hash_indexes,
};

/// Tree levels per tile level.
pub const TILE_HEIGHT: u32 = 8;
/// Hashes in a full tile (and entries in a full entry bundle).
pub const TILE_WIDTH: u16 = 1 << TILE_HEIGHT;

/// One tile: level `level`, index `n` within the level, `width` hashes (1..=256).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tile {
    /// Tile level (0 for leaf hashes), below 64.
    pub level: u8,
    /// Index of the tile within its level.
    pub n: u64,
    /// Number of hashes, 1..=256; 256 is a full tile.
    pub width: u16,
}

impl Tile {
    /// A tile, checking level < 64 and 1 ≤ width ≤ 256.
    pub fn new(level: u8, n: u64, width: u16) -> Result<Self, Error> {
        let t = Self { level, n, width };
        t.check()?;
        Ok(t)
    }

    fn check(&self) -> Result<(), Error> {
        if self.level >= 64 || self.width == 0 || self.width > TILE_WIDTH {
            return Err(Error::BadTile(format!("invalid tile {self:?}")));
        }
        Ok(())
    }

    /// True when the tile holds 256 hashes.
    pub fn is_full(&self) -> bool {
        self.width == TILE_WIDTH
    }

    /// The URL path of this hash tile, `tile/<L>/<N>[.p/<W>]`.
    pub fn path(&self) -> String {
        format!("tile/{}/{}", self.level, self.n_path())
    }

    /// The URL path of the entry bundle beside this (level-0) tile,
    /// `tile/entries/<N>[.p/<W>]`.
    pub fn entries_path(&self) -> String {
        format!("tile/entries/{}", self.n_path())
    }

    fn n_path(&self) -> String {
        let mut n = self.n;
        let mut s = format!("{:03}", n % 1000);
        while n >= 1000 {
            n /= 1000;
            s = format!("x{:03}/{s}", n % 1000);
        }
        if !self.is_full() {
            s.push_str(&format!(".p/{}", self.width));
        }
        s
    }

    /// The leaves this tile covers, `[start, end)`; `None` when that overflows.
    pub fn leaf_range(&self) -> Option<(u64, u64)> {
        let shift = u32::from(self.level).checked_mul(TILE_HEIGHT)?;
        let first = self.n.checked_mul(u64::from(TILE_WIDTH))?;
        let last = first.checked_add(u64::from(self.width))?;
        let scale = 1u64.checked_shl(shift)?;
        Some((first.checked_mul(scale)?, last.checked_mul(scale)?))
    }

    /// True when the tree of `size` leaves has this tile (at this width or wider), i.e. a
    /// server may serve it.
    pub fn is_within(&self, size: u64) -> bool {
        self.check().is_ok() && self.leaf_range().is_some_and(|(_, end)| end <= size)
    }

    /// Stored-hash indexes of this tile's hashes, in order (for a store that fetches the rows
    /// itself; [`read_tile_data`] does it through a [`HashReader`]).
    pub fn hash_indexes(&self) -> Result<Vec<u64>, Error> {
        self.check()?;
        if self.leaf_range().is_none_or(|(_, end)| end > MAX_TREE_SIZE) {
            return Err(Error::Invalid(format!(
                "{self} lies beyond {MAX_TREE_SIZE} leaves"
            )));
        }
        let level = u32::from(self.level) * TILE_HEIGHT;
        let start = self.n << TILE_HEIGHT;
        Ok((0..u64::from(self.width))
            .map(|i| stored_hash_index(level, start + i))
            .collect())
    }

    /// This tile's `k`-th ancestor in the tiles of a tree of `size` leaves, with the width it
    /// has at that size; `None` past the top of the tree.
    pub fn parent(&self, k: u8, size: u64) -> Option<Tile> {
        let level = self.level.checked_add(k)?;
        if level >= 64 {
            return None;
        }
        let n = shr(self.n, u32::from(k) * TILE_HEIGHT);
        let max = shr(size, u32::from(level) * TILE_HEIGHT);
        let start = n
            .checked_shl(TILE_HEIGHT)
            .filter(|s| s >> TILE_HEIGHT == n)?;
        if start >= max {
            return None;
        }
        let width = (max - start).min(u64::from(TILE_WIDTH)) as u16;
        Some(Tile { level, n, width })
    }
}

/// `x >> s`, and 0 for shifts of 64 or more.
fn shr(x: u64, s: u32) -> u64 {
    x.checked_shr(s).unwrap_or(0)
}

impl fmt::Display for Tile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

/// What a tile path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TilePath {
    /// A hash tile.
    Hashes(Tile),
    /// An entry bundle; its `level` is 0.
    Entries(Tile),
}

/// Parses a path `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]` (canonical spelling
/// only), as a server routes requests.
pub fn parse_tile_path(path: &str) -> Result<TilePath, Error> {
    let bad = || Error::BadTile(format!("not a tile path: {path:?}"));
    let rest = path.strip_prefix("tile/").ok_or_else(bad)?;
    let (kind, rest) = rest.split_once('/').ok_or_else(bad)?;
    let (n_part, width) = match rest.split_once(".p/") {
        Some((n, w)) => {
            let w = crate::checkpoint::parse_decimal(w)
                .filter(|&w| w >= 1 && w < u64::from(TILE_WIDTH))
                .ok_or_else(bad)?;
            (n, w as u16)
        }
        None => (rest, TILE_WIDTH),
    };
    let mut n: u64 = 0;
    let groups: Vec<&str> = n_part.split('/').collect();
    for (i, g) in groups.iter().enumerate() {
        let digits = if i + 1 < groups.len() {
            g.strip_prefix('x').ok_or_else(bad)?
        } else {
            g
        };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let d: u64 = digits.parse().map_err(|_| bad())?;
        n = n
            .checked_mul(1000)
            .and_then(|n| n.checked_add(d))
            .ok_or_else(bad)?;
    }
    let level = if kind == "entries" {
        None
    } else {
        let l = crate::checkpoint::parse_decimal(kind)
            .filter(|&l| l < 64)
            .ok_or_else(bad)?;
        Some(l as u8)
    };
    let tile = Tile {
        level: level.unwrap_or(0),
        n,
        width,
    };
    // Re-spelling catches non-canonical forms such as a leading "x000/" group.
    let canonical = match level {
        Some(_) => tile.path(),
        None => tile.entries_path(),
    };
    if canonical != path {
        return Err(bad());
    }
    Ok(if level.is_some() {
        TilePath::Hashes(tile)
    } else {
        TilePath::Entries(tile)
    })
}

/// The tiles that change when a tree grows from `old_size` to `new_size` leaves: new full
/// tiles and the new right-most partial tile of each level. `new_tiles(0, n)` is every tile
/// a tree of `n` leaves publishes.
pub fn new_tiles(old_size: u64, new_size: u64) -> Vec<Tile> {
    let mut tiles = Vec::new();
    let mut level = 0u32;
    while level < 64 && shr(new_size, TILE_HEIGHT * level) > 0 {
        let old_n = shr(old_size, TILE_HEIGHT * level);
        let new_n = shr(new_size, TILE_HEIGHT * level);
        if old_n != new_n {
            for n in (old_n >> TILE_HEIGHT)..(new_n >> TILE_HEIGHT) {
                tiles.push(Tile {
                    level: level as u8,
                    n,
                    width: TILE_WIDTH,
                });
            }
            let n = new_n >> TILE_HEIGHT;
            let w = new_n - (n << TILE_HEIGHT);
            if w > 0 {
                tiles.push(Tile {
                    level: level as u8,
                    n,
                    width: w as u16,
                });
            }
        }
        level += 1;
    }
    tiles
}

/// The tile of least width holding stored hash `index`, and the byte range within the tile
/// data whose [`tile_hash`] is that hash (a hash between tile levels is the root of a
/// power-of-two run of hashes in the tile below it).
pub fn tile_for_index(index: u64) -> (Tile, std::ops::Range<usize>) {
    let (level, n) = split_stored_hash_index(index);
    let tile_level = level / TILE_HEIGHT;
    let within = level - tile_level * TILE_HEIGHT;
    let tn = (n << within) >> TILE_HEIGHT;
    let n_in = n - ((tn << TILE_HEIGHT) >> within);
    let width = ((n_in + 1) << within) as u16;
    let start = ((n_in << within) as usize) * HASH_SIZE;
    let end = (((n_in + 1) << within) as usize) * HASH_SIZE;
    (
        Tile {
            level: tile_level as u8,
            n: tn,
            width,
        },
        start..end,
    )
}

/// Merkle root of a power-of-two run of hashes.
pub fn tile_hash(data: &[u8]) -> Result<Hash, Error> {
    let count = data.len() / HASH_SIZE;
    if !data.len().is_multiple_of(HASH_SIZE) || !count.is_power_of_two() {
        return Err(Error::BadTile(format!(
            "cannot hash {} bytes of tile data",
            data.len()
        )));
    }
    let mut level: Vec<Hash> = data
        .chunks_exact(HASH_SIZE)
        .map(|c| c.try_into().unwrap_or([0; 32]))
        .collect();
    while level.len() > 1 {
        level = level
            .chunks_exact(2)
            .map(|p| node_hash(&p[0], &p[1]))
            .collect();
    }
    Ok(level[0])
}

/// The stored hash `index` taken from tile `tile`'s `data`.
pub fn hash_from_tile(tile: &Tile, data: &[u8], index: u64) -> Result<Hash, Error> {
    tile.check()?;
    if index >= stored_hash_count(MAX_TREE_SIZE) {
        return Err(Error::Invalid(format!(
            "stored hash {index} lies beyond {MAX_TREE_SIZE} leaves"
        )));
    }
    if data.len() < usize::from(tile.width) * HASH_SIZE {
        return Err(Error::BadTile(format!(
            "{} bytes are too short for {tile}",
            data.len()
        )));
    }
    let (t1, range) = tile_for_index(index);
    if tile.level != t1.level || tile.n != t1.n || tile.width < t1.width {
        return Err(Error::BadTile(format!(
            "stored hash {index} is in {t1}, not {tile}"
        )));
    }
    tile_hash(&data[range])
}

/// The bytes of `tile` (its hashes concatenated), read from stored hashes in one call.
/// A server checks [`Tile::is_within`] its current size first: the reader would otherwise
/// be asked for rows that do not exist yet.
pub fn read_tile_data<R: HashReader + ?Sized>(tile: &Tile, r: &R) -> Result<Vec<u8>, Error> {
    let hashes = read_exact(r, &tile.hash_indexes()?)?;
    Ok(hashes.concat())
}

/// Fetches tile data from somewhere (a directory, an HTTP server, a cache).
pub trait TileReader {
    /// Returns the data of each tile, at least `width` hashes each. A reader may answer a
    /// partial tile with the full tile's data, as tlog-tiles lets logs delete partials.
    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, Error>;
}

impl<T: TileReader + ?Sized> TileReader for &T {
    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, Error> {
        (**self).read_tiles(tiles)
    }
}

/// A [`HashReader`] over tiles of a tree whose size and root the caller trusts (from a
/// verified checkpoint). Every tile it uses is authenticated: the right-edge tiles must
/// reproduce the root, and each full tile must hash to its entry in the parent tile.
#[derive(Debug, Clone)]
pub struct TileHashReader<T> {
    size: u64,
    root: Hash,
    reader: T,
}

impl<T: TileReader> TileHashReader<T> {
    /// A reader for the tree of `size` leaves with root `root`.
    pub fn new(size: u64, root: Hash, reader: T) -> Self {
        Self { size, root, reader }
    }
}

fn ancestor(tile: &Tile, k: u8, size: u64) -> Result<Tile, Error> {
    tile.parent(k, size)
        .ok_or_else(|| Error::Invalid(format!("{tile} has no ancestor {k} in a tree of {size}")))
}

impl<T: TileReader> HashReader for TileHashReader<T> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, Error> {
        let size = self.size;
        let mut order: HashMap<Tile, usize> = HashMap::new();
        let mut tiles: Vec<Tile> = Vec::new();

        // First the tiles that hold the tree hash: if they reproduce the root they are
        // authentic, and authenticate their children.
        let stx = tree_hash_indexes(size)?;
        let mut stx_tile = Vec::with_capacity(stx.len());
        for &x in &stx {
            let t = ancestor(&tile_for_index(x).0, 0, size)?;
            let j = *order.entry(t).or_insert_with(|| {
                tiles.push(t);
                tiles.len() - 1
            });
            stx_tile.push(j);
        }

        // Then each requested hash's tile, preceded by any ancestors not yet planned, so that
        // every tile after the tree-hash ones has its parent earlier in the list.
        let end = stored_hash_index(0, size);
        let mut index_tile = Vec::with_capacity(indexes.len());
        for &x in indexes {
            if x >= end {
                return Err(Error::Invalid(format!(
                    "stored hash {x} is not in a tree of {size}"
                )));
            }
            let tile = tile_for_index(x).0;
            let mut k = 0u8;
            loop {
                let p = ancestor(&tile, k, size)?;
                if order.contains_key(&p) {
                    break;
                }
                k += 1;
            }
            while k > 0 {
                k -= 1;
                let p = ancestor(&tile, k, size)?;
                if !p.is_full() {
                    return Err(Error::Invalid(format!("{p} has a parent but is not full")));
                }
                order.insert(p, tiles.len());
                tiles.push(p);
            }
            index_tile.push(order[&ancestor(&tile, 0, size)?]);
        }

        let data = self.reader.read_tiles(&tiles)?;
        if data.len() != tiles.len() {
            return Err(Error::BadTile(format!(
                "tile reader returned {} tiles for {}",
                data.len(),
                tiles.len()
            )));
        }

        let (last, rest) = stx
            .split_last()
            .ok_or_else(|| Error::Invalid("the empty tree has no hashes".into()))?;
        let mut th = hash_from_tile(
            &tiles[stx_tile[rest.len()]],
            &data[stx_tile[rest.len()]],
            *last,
        )?;
        for (i, x) in rest.iter().enumerate().rev() {
            let h = hash_from_tile(&tiles[stx_tile[i]], &data[stx_tile[i]], *x)?;
            th = node_hash(&h, &th);
        }
        if th != self.root {
            return Err(Error::InconsistentTile(
                "tiles do not reproduce the tree root".into(),
            ));
        }

        let first_child = stx_tile.iter().max().map_or(0, |m| m + 1);
        for i in first_child..tiles.len() {
            let t = tiles[i];
            let p = ancestor(&t, 1, size)?;
            let j = *order
                .get(&p)
                .ok_or_else(|| Error::Invalid(format!("parent of {t} was not fetched")))?;
            let want = hash_from_tile(
                &p,
                &data[j],
                stored_hash_index(u32::from(p.level) * TILE_HEIGHT, t.n),
            )?;
            let got = tile_hash(
                data[i]
                    .get(..usize::from(TILE_WIDTH) * HASH_SIZE)
                    .unwrap_or(&[]),
            )?;
            if want != got {
                return Err(Error::InconsistentTile(format!(
                    "{t} does not match its parent tile"
                )));
            }
        }

        indexes
            .iter()
            .zip(&index_tile)
            .map(|(&x, &j)| hash_from_tile(&tiles[j], &data[j], x))
            .collect()
    }
}

/// Encodes entries as a tlog-tiles entry bundle: each entry as a big-endian `u16` length
/// and its bytes. Fails for an entry over 65,535 bytes.
pub fn encode_entry_bundle<'a>(
    entries: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    for e in entries {
        let len = u16::try_from(e.len())
            .map_err(|_| Error::Invalid(format!("entry of {} bytes exceeds 65535", e.len())))?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(e);
    }
    Ok(out)
}

/// Splits an entry bundle into its entries.
pub fn decode_entry_bundle(data: &[u8]) -> Result<Vec<&[u8]>, Error> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let (len, tail) = rest
            .split_first_chunk::<2>()
            .ok_or_else(|| Error::BadTile("truncated entry bundle".into()))?;
        let len = usize::from(u16::from_be_bytes(*len));
        if tail.len() < len {
            return Err(Error::BadTile("truncated entry bundle".into()));
        }
        let (entry, tail) = tail.split_at(len);
        out.push(entry);
        rest = tail;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let t = |level, n, width| Tile { level, n, width };
        assert_eq!(t(0, 5, 256).path(), "tile/0/005");
        assert_eq!(t(1, 1_234_067, 256).path(), "tile/1/x001/x234/067");
        assert_eq!(t(0, 2, 88).path(), "tile/0/002.p/88");
        assert_eq!(t(0, 1000, 1).entries_path(), "tile/entries/x001/000.p/1");
        for p in [
            "tile/0/005",
            "tile/1/x001/x234/067",
            "tile/0/002.p/88",
            "tile/63/000",
        ] {
            assert!(
                matches!(parse_tile_path(p), Ok(TilePath::Hashes(tile)) if tile.path() == p),
                "{p}"
            );
        }
        assert_eq!(
            parse_tile_path("tile/entries/x001/000.p/1").unwrap(),
            TilePath::Entries(t(0, 1000, 1))
        );
        for p in [
            "tile/0/5",
            "tile/0/x000/005",
            "tile/0/005.p/256",
            "tile/0/005.p/0",
            "tile/0/005.p/08",
            "tile/64/000",
            "tile/01/000",
            "tile/0/001/002",
            "tile/0/x001",
            "tiles/0/000",
            "tile/entries/000.p/",
        ] {
            assert!(parse_tile_path(p).is_err(), "{p}");
        }
    }

    #[test]
    fn tiles_of_70000_match_the_spec_example() {
        // tlog-tiles: size 70,000 gives 273 full level-0 tiles, level-0 .p/112, one full
        // level-1 tile, level-1 .p/17 and level-2 .p/1.
        let tiles = new_tiles(0, 70_000);
        let full0 = tiles.iter().filter(|t| t.level == 0 && t.is_full()).count();
        assert_eq!(full0, 273);
        let partial: Vec<String> = tiles
            .iter()
            .filter(|t| !t.is_full())
            .map(Tile::path)
            .collect();
        assert_eq!(
            partial,
            ["tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1"]
        );
        assert!(tiles.contains(&Tile {
            level: 1,
            n: 0,
            width: 256
        }));
        assert_eq!(tiles.len(), 273 + 1 + 1 + 1 + 1);
        assert_eq!(new_tiles(70_000, 70_000), Vec::<Tile>::new());
        assert_eq!(
            new_tiles(300, 600)
                .iter()
                .map(Tile::path)
                .collect::<Vec<_>>(),
            ["tile/0/001", "tile/0/002.p/88", "tile/1/000.p/2"]
        );
    }

    #[test]
    fn entry_bundles() {
        let entries: [&[u8]; 3] = [b"", b"abc", &[0u8; 300]];
        let b = encode_entry_bundle(entries).unwrap();
        assert_eq!(&b[..7], &[0, 0, 0, 3, b'a', b'b', b'c']);
        assert_eq!(decode_entry_bundle(&b).unwrap(), entries);
        assert!(decode_entry_bundle(&b[..b.len() - 1]).is_err());
        assert!(encode_entry_bundle([&[0u8; 65536][..]]).is_err());
    }
}
