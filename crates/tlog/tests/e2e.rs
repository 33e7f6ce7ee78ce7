//! End to end: a log built and published by this crate, checked by independent verifiers.
//!
//! - `../shared/tools/tlog_verify.py` (run with `python3`; skipped when either is missing);
//! - the PyPI `aics-tlog` 0.2.1 CLI, opt-in: set `AICS_TLOG` to its executable.
//!
//! A verifier that runs and rejects fails the test; tampered copies must be rejected.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use rand::RngCore;
use serde_json::json;
use tlog::*;

const ORIGIN: &str = "nooluur.example/log";
const SIZE: u64 = 700;
const OLD_SIZE: u64 = 300;
const INDEX: u64 = 523;

fn event(i: u64) -> Vec<u8> {
    let v = json!({
        "type": "ObjectEvent",
        "eventID": format!("ni:///sha-256;{i:064x}?ver=CBV2.0"),
        "action": "OBSERVE",
        "quantityList": [{"epcClass": format!("https://nooluur.example/id/lot/{i}"), "quantity": (i as f64) * 0.25, "uom": "KGM"}],
        "bizStep": "receiving",
    });
    jcs::to_vec(&v).unwrap()
}

struct Published {
    dir: PathBuf,
    vkey: String,
    old_root: Hash,
    root: Hash,
}

fn write(path: &Path, data: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

/// Appends the events in batches the way a store would (a `Vec` as the hash table), and
/// publishes tiles at size 300 and then 700, as a static tlog-tiles server would.
fn publish() -> Published {
    let mut seed = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut seed);
    let signer = Signer::from_seed(ORIGIN, &seed).unwrap();
    let vkey = signer.verifier().to_vkey();

    let entries: Vec<Vec<u8>> = (0..SIZE).map(event).collect();
    let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
    let mut table: Vec<Hash> = Vec::new();
    let mut size = 0u64;
    let dir = temp_dir("e2e");
    let tiles_dir = dir.join("tiles");
    let mut roots = Vec::new();
    for target in [100, OLD_SIZE, 450, SIZE] {
        let a = append(size, &leaves[size as usize..target as usize], &table).unwrap();
        assert_eq!(a.first_index, table.len() as u64);
        table.extend(&a.hashes);
        for t in new_tiles(size, a.new_size) {
            write(
                &tiles_dir.join(t.path()),
                read_tile_data(&t, &table).unwrap(),
            );
            if t.level == 0 {
                let start = t.n * 256;
                let bundle = encode_entry_bundle(
                    (start..start + u64::from(t.width)).map(|i| entries[i as usize].as_slice()),
                );
                write(&tiles_dir.join(t.entries_path()), bundle.unwrap());
            }
        }
        size = a.new_size;
        roots.push((size, a.root));
        let cp = Checkpoint::new(ORIGIN, size, a.root).sign(&signer).unwrap();
        write(&tiles_dir.join("checkpoint"), &cp);
        write(&dir.join(format!("checkpoint.{size}")), &cp);
    }
    assert_eq!(
        MemoryLog::from_leaf_hashes(&leaves)
            .unwrap()
            .stored_hashes(),
        table.as_slice()
    );
    let root = tree_hash(SIZE, &table).unwrap();
    let old_root = tree_hash(OLD_SIZE, &table).unwrap();

    write(&dir.join("vkey"), format!("{vkey}\n"));
    write(&dir.join("entry.bin"), &entries[INDEX as usize]);
    write(&dir.join("other-entry.bin"), &entries[INDEX as usize + 1]);
    let proof = prove_record(SIZE, INDEX, &table).unwrap();
    write(
        &dir.join("inclusion.proof"),
        proof.iter().map(|h| b64_enc(h) + "\n").collect::<String>(),
    );
    let cproof = prove_tree(SIZE, OLD_SIZE, &table).unwrap();
    write(
        &dir.join("consistency.proof"),
        cproof.iter().map(|h| b64_enc(h) + "\n").collect::<String>(),
    );
    let checkpoint = std::fs::read_to_string(tiles_dir.join("checkpoint")).unwrap();
    let tp = TlogProof {
        extra: Some(b"demo".to_vec()),
        index: INDEX,
        proof,
        checkpoint,
    };
    write(&dir.join("entry.tlog-proof"), tp.to_text());
    Published {
        dir,
        vkey,
        old_root,
        root,
    }
}

fn hashes_csv(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .collect::<Vec<_>>()
        .join(",")
}

/// Runs a command; `None` when it cannot be started.
fn run(program: &str, args: &[&str]) -> Option<(i32, String)> {
    let out = Command::new(program).args(args).output().ok()?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some((out.status.code().unwrap_or(-1), text))
}

fn flip_byte(path: &Path, at: usize) {
    let mut data = std::fs::read(path).unwrap();
    data[at] ^= 1;
    std::fs::write(path, data).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let q = to.join(p.file_name().unwrap());
        if p.is_dir() {
            std::fs::create_dir_all(&q).unwrap();
            copy_dir(&p, &q);
        } else {
            std::fs::copy(&p, &q).unwrap();
        }
    }
}

#[test]
fn shared_tlog_verify_accepts_our_log() {
    let Some(tool) = shared("tools/tlog_verify.py") else {
        return;
    };
    let tool = tool.to_str().unwrap().to_owned();
    let Some((code, _)) = run("python3", &["--version"]) else {
        eprintln!("skipping: python3 is not installed");
        return;
    };
    assert_eq!(code, 0);
    let p = publish();
    let d = |f: &str| p.dir.join(f).to_str().unwrap().to_owned();
    let v = p.vkey.as_str();
    let checks: Vec<Vec<String>> = vec![
        vec!["tiles".into(), "--vkey".into(), v.into(), d("tiles")],
        vec![
            "checkpoint".into(),
            "--vkey".into(),
            v.into(),
            "--origin".into(),
            ORIGIN.into(),
            d("checkpoint.700"),
        ],
        vec![
            "proof".into(),
            "--vkey".into(),
            v.into(),
            "--leaf-data".into(),
            d("entry.bin"),
            d("entry.tlog-proof"),
        ],
        vec![
            "inclusion".into(),
            "--checkpoint".into(),
            d("checkpoint.700"),
            "--vkey".into(),
            v.into(),
            "--index".into(),
            INDEX.to_string(),
            "--leaf-data".into(),
            d("entry.bin"),
            "--proof".into(),
            hashes_csv(&p.dir.join("inclusion.proof")),
        ],
        vec![
            "consistency".into(),
            "--checkpoint1".into(),
            d("checkpoint.300"),
            "--checkpoint2".into(),
            d("checkpoint.700"),
            "--vkey".into(),
            v.into(),
            "--proof".into(),
            hashes_csv(&p.dir.join("consistency.proof")),
        ],
    ];
    let verify = |args: &[String]| {
        let mut all = vec![tool.clone()];
        all.extend(args.iter().cloned());
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        run("python3", &refs).unwrap()
    };
    for args in &checks {
        let (code, out) = verify(args);
        if code == 3 {
            eprintln!("skipping: tlog_verify.py cannot install its Python packages: {out}");
            return;
        }
        assert_eq!(
            code, 0,
            "tlog_verify.py {} rejected our output: {out}",
            args[0]
        );
        assert!(out.starts_with("verified"), "{out}");
    }

    // The same checks must fail on tampered input, or this test proves nothing.
    let (code, out) = verify(&[
        "proof".into(),
        "--vkey".into(),
        v.into(),
        "--leaf-data".into(),
        d("other-entry.bin"),
        d("entry.tlog-proof"),
    ]);
    assert_eq!(code, 1, "{out}");
    let bad = temp_dir("e2e-tampered");
    copy_dir(&p.dir.join("tiles"), &bad);
    flip_byte(&bad.join("tile/0/001"), 100);
    let (code, out) = verify(&[
        "tiles".into(),
        "--vkey".into(),
        v.into(),
        bad.to_str().unwrap().into(),
    ]);
    assert_eq!(code, 1, "{out}");
    let _ = std::fs::remove_dir_all(&bad);
    let _ = std::fs::remove_dir_all(&p.dir);
}

#[test]
fn aics_tlog_accepts_our_log() {
    let Some(aics) = std::env::var_os("AICS_TLOG") else {
        eprintln!("skipping: set AICS_TLOG to the aics-tlog executable to run this check");
        return;
    };
    let aics = aics.to_str().unwrap().to_owned();
    let p = publish();
    let d = |f: &str| p.dir.join(f).to_str().unwrap().to_owned();
    let v = p.vkey.as_str();
    let idx = INDEX.to_string();
    let (old_size, new_size) = (OLD_SIZE.to_string(), SIZE.to_string());
    let (old_root, root) = (b64_enc(&p.old_root), b64_enc(&p.root));
    let (tiles, cp, cp300) = (d("tiles"), d("checkpoint.700"), d("checkpoint.300"));
    let (entry, iproof, cproof) = (d("entry.bin"), d("inclusion.proof"), d("consistency.proof"));
    let runs: Vec<Vec<&str>> = vec![
        vec![
            "verify-checkpoint",
            "--note",
            &cp,
            "--log-key",
            v,
            "--origin",
            ORIGIN,
        ],
        vec!["verify-checkpoint", "--tiles", &tiles, "--log-key", v],
        vec![
            "verify-inclusion",
            "--tiles",
            &tiles,
            "--log-key",
            v,
            "--index",
            &idx,
            "--leaf",
            &entry,
        ],
        vec![
            "verify-inclusion",
            "--checkpoint",
            &cp,
            "--log-key",
            v,
            "--index",
            &idx,
            "--leaf",
            &entry,
            "--proof",
            &iproof,
        ],
        vec![
            "verify-consistency",
            "--old-checkpoint",
            &cp300,
            "--tiles",
            &tiles,
            "--log-key",
            v,
        ],
        vec![
            "verify-consistency",
            "--old-size",
            &old_size,
            "--new-size",
            &new_size,
            "--old-root",
            &old_root,
            "--new-root",
            &root,
            "--proof",
            &cproof,
        ],
    ];
    for args in &runs {
        let (code, out) = run(&aics, args).expect("AICS_TLOG does not run");
        assert_eq!(code, 0, "aics-tlog {args:?} rejected our output: {out}");
        assert!(out.contains("\"ok\": true"), "{out}");
    }
    let other = d("other-entry.bin");
    let (code, out) = run(
        &aics,
        &[
            "verify-inclusion",
            "--tiles",
            &tiles,
            "--log-key",
            v,
            "--index",
            &idx,
            "--leaf",
            &other,
        ],
    )
    .unwrap();
    assert_eq!(code, 1, "{out}");
    let _ = std::fs::remove_dir_all(&p.dir);
}
