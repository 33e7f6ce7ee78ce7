//! Helpers shared by the codec integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// The shared corpus folder beside the project, when present.
pub fn shared() -> Option<PathBuf> {
    let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if p.exists() {
        Some(p.to_path_buf())
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

/// Every file under `examples/<sub>` with one of the extensions, sorted.
pub fn examples(sub: &str, exts: &[&str]) -> Vec<PathBuf> {
    let Some(root) = shared() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stack = vec![root.join("data/epcis/examples").join(sub)];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| exts.contains(&x))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The project's own fixtures.
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .unwrap()
}

pub fn short(p: &Path) -> String {
    let s = p.display().to_string();
    match s.find("examples/") {
        Some(i) => s[i + 9..].to_owned(),
        None => s,
    }
}
