//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use tlog::{Error, Hash, Tile, TileReader};

/// The shared corpus beside the repository, when present.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")).join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

pub fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

pub fn hex32(s: &str) -> Hash {
    hex(s).try_into().unwrap()
}

pub fn b64(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

pub fn b64_32(s: &str) -> Hash {
    b64(s).try_into().unwrap()
}

pub fn b64_enc(h: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(h)
}

/// Reads tiles from a directory laid out as a static tlog-tiles server would publish it,
/// falling back to the full tile when a partial one was pruned.
pub struct DirTileReader(pub PathBuf);

impl TileReader for DirTileReader {
    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, Error> {
        tiles
            .iter()
            .map(|t| {
                let exact = self.0.join(t.path());
                let full = self.0.join(
                    Tile {
                        width: tlog::TILE_WIDTH,
                        ..*t
                    }
                    .path(),
                );
                std::fs::read(&exact)
                    .or_else(|_| std::fs::read(&full))
                    .map_err(Error::read)
            })
            .collect()
    }
}

/// A fresh empty directory under the system temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "nooluur-tlog-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}
