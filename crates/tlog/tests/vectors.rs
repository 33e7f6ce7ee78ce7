//! Public and generated vectors from `../shared/data/tlog` (skipped when absent).
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;
use tlog::*;

fn json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// A vector hash as a `Hash`. The vectors also carry values of other lengths ("garbage"
/// proof elements, 9-byte leaves, 12-byte placeholder roots); a `Hash` cannot hold them, so
/// the typed API refuses them before any verification, which counts as an error outcome.
fn vhash(v: &Value) -> Option<Hash> {
    b64(v.as_str().unwrap_or("")).try_into().ok()
}

fn vproof(v: &Value) -> Option<Vec<Hash>> {
    v.as_array()
        .map_or(Some(Vec::new()), |a| a.iter().map(vhash).collect())
}

fn json_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

fn reference_log() -> Option<(MemoryLog, Value)> {
    let p = shared("data/tlog/rfc6962-reference-tree.json")?;
    let tree = json(&p);
    let mut log = MemoryLog::new();
    for leaf in tree["leafInputsHex"].as_array().unwrap() {
        log.append_entry(&hex(leaf.as_str().unwrap())).unwrap();
    }
    Some((log, tree))
}

#[test]
fn rfc6962_reference_tree() {
    let Some((log, tree)) = reference_log() else {
        return;
    };
    for (size, root) in tree["rootHashHexBySize"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        assert_eq!(
            log.root_at(size as u64).unwrap(),
            hex32(root.as_str().unwrap()),
            "size {size}"
        );
    }
    for (level, hashes) in tree["nodeHashesHexByLevel"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        for (n, h) in hashes.as_array().unwrap().iter().enumerate() {
            let i = stored_hash_index(level as u32, n as u64);
            assert_eq!(
                log.stored_hashes()[i as usize],
                hex32(h.as_str().unwrap()),
                "level {level} n {n}"
            );
        }
    }
}

#[test]
fn transparency_dev_inclusion_vectors() {
    let Some(dir) = shared("data/tlog/merkle-testdata/inclusion") else {
        return;
    };
    let (log, _) = reference_log().unwrap();
    let mut files = Vec::new();
    json_files(&dir, &mut files);
    assert!(files.len() > 50);
    for f in &files {
        let v = json(f);
        let (index, size) = (
            v["leafIdx"].as_u64().unwrap(),
            v["treeSize"].as_u64().unwrap(),
        );
        let want_err = v["wantErr"].as_bool().unwrap();
        let (Some(proof), Some(leaf), Some(root)) = (
            vproof(&v["proof"]),
            vhash(&v["leafHash"]),
            vhash(&v["root"]),
        ) else {
            assert!(want_err, "{}", f.display());
            continue;
        };
        let got = verify_inclusion(&leaf, index, size, &proof, &root);
        assert_eq!(got.is_err(), want_err, "{}: {got:?}", f.display());
        if !want_err {
            assert_eq!(
                log.prove_inclusion(index, size).unwrap().proof,
                proof,
                "{}",
                f.display()
            );
        }
    }
}

#[test]
fn transparency_dev_consistency_vectors() {
    let Some(dir) = shared("data/tlog/merkle-testdata/consistency") else {
        return;
    };
    let (log, _) = reference_log().unwrap();
    let mut files = Vec::new();
    json_files(&dir, &mut files);
    assert!(files.len() > 50);
    for f in &files {
        let v = json(f);
        let (s1, s2) = (v["size1"].as_u64().unwrap(), v["size2"].as_u64().unwrap());
        let want_err = v["wantErr"].as_bool().unwrap();
        let (Some(proof), Some(r1), Some(r2)) =
            (vproof(&v["proof"]), vhash(&v["root1"]), vhash(&v["root2"]))
        else {
            // The one deliberate deviation (see SOURCE.md): equal sizes with 12-byte "roots".
            assert!(
                want_err || f.ends_with("additional/sizes-are-equal-one-and-proof-is-empty.json"),
                "{}",
                f.display()
            );
            continue;
        };
        let got = verify_consistency(s1, s2, &proof, &r1, &r2);
        assert_eq!(got.is_err(), want_err, "{}: {got:?}", f.display());
        if !want_err && s1 > 0 && s2 <= 8 {
            assert_eq!(
                log.prove_consistency(s1, s2).unwrap().proof,
                proof,
                "{}",
                f.display()
            );
        }
    }
}

#[test]
fn signed_note_vectors() {
    let Some(p) = shared("data/tlog/signed-note-vectors.json") else {
        return;
    };
    let doc = json(&p);
    let vectors = doc["vectors"].as_array().unwrap();
    let by_name = |n: &str| vectors.iter().find(|v| v["name"] == n).unwrap();

    let ex = by_name("c2sp-signed-note-example");
    let key = Verifier::from_vkey(ex["vkey"].as_str().unwrap()).unwrap();
    assert_eq!(key.to_vkey(), ex["vkey"].as_str().unwrap());
    let note = ex["note"].as_str().unwrap();
    let opened = open_note(note.as_bytes(), std::slice::from_ref(&key)).unwrap();
    assert_eq!(opened.text, "This is an example message.\n");
    assert_eq!(Note::parse(note.as_bytes()).unwrap().to_text(), note);
    let forged = note.replace("example message", "exemplary message");
    assert!(matches!(
        open_note(forged.as_bytes(), &[key]),
        Err(NoteError::InvalidSignature { .. })
    ));

    let go = by_name("go-sumdb-checkpoint-2024-09-23");
    let key = Verifier::from_vkey(go["vkey"].as_str().unwrap()).unwrap();
    let opened = open_checkpoint(go["note"].as_str().unwrap().as_bytes(), &[key], &[], 0).unwrap();
    assert_eq!(opened.checkpoint.origin, "go.sum database tree");
    assert_eq!(opened.checkpoint.size, 30_055_305);
    assert_eq!(
        opened.checkpoint.root,
        b64_32(go["rootHash"].as_str().unwrap())
    );

    let co = by_name("sigsum-cosignature-v1");
    let witness = Verifier::from_vkey(co["vkey"].as_str().unwrap()).unwrap();
    assert_eq!(witness.key_type(), KeyType::CosignatureV1);
    assert_eq!(
        witness.public_key().to_vec(),
        hex(co["publicKeyHex"].as_str().unwrap())
    );
    let note = co["note"].as_str().unwrap();
    let parsed = Note::parse(note.as_bytes()).unwrap();
    assert_eq!(parsed.signatures.len(), 2);
    assert_eq!(Checkpoint::parse(&parsed.text).unwrap().size, 10);
    let opened = open_note(note.as_bytes(), &[witness]).unwrap();
    assert_eq!(
        opened.verified[0].timestamp,
        Some(co["cosignatureTimestamp"].as_u64().unwrap())
    );
    assert_eq!(opened.unverified.len(), 1);
    // The same cosigner, re-created from the sigsum test seed, reproduces the line.
    let mut seed = [0u8; 32];
    seed[0] = 0x11;
    let cosigner = Cosigner::from_seed("example.org/witness", &seed).unwrap();
    assert_eq!(cosigner.verifier().to_vkey(), co["vkey"].as_str().unwrap());
    let line = cosigner.cosign(&parsed.text, 1234).unwrap().line();
    assert!(note.ends_with(&line));
}

fn entry(i: u64) -> Vec<u8> {
    format!("nooluur test entry {i:04}").into_bytes()
}

fn generated_log() -> MemoryLog {
    let mut log = MemoryLog::new();
    for i in 0..600 {
        log.append_entry(&entry(i)).unwrap();
    }
    log
}

#[test]
fn generated_checkpoints_are_reproduced_byte_for_byte() {
    let Some(dir) = shared("data/tlog/generated") else {
        return;
    };
    let v = json(&dir.join("vectors.json"));
    let log = generated_log();
    let seed: [u8; 32] = hex(v["logKeySeedHex"].as_str().unwrap())
        .try_into()
        .unwrap();
    let signer = Signer::from_seed(v["origin"].as_str().unwrap(), &seed).unwrap();
    assert_eq!(signer.verifier().to_vkey(), v["logVkey"].as_str().unwrap());
    let wseed: [u8; 32] = hex(v["witnessKeySeedHex"].as_str().unwrap())
        .try_into()
        .unwrap();
    let witness = Cosigner::from_seed("example.com/nooluur-test-witness", &wseed).unwrap();
    assert_eq!(
        witness.verifier().to_vkey(),
        v["witnessVkey"].as_str().unwrap()
    );

    let cp300 = std::fs::read_to_string(dir.join("checkpoint.300")).unwrap();
    let cp600 = std::fs::read_to_string(dir.join("checkpoint.600")).unwrap();
    let origin = v["origin"].as_str().unwrap();
    assert_eq!(
        log.root_at(300).unwrap(),
        b64_32(v["checkpoints"]["300"]["rootB64"].as_str().unwrap())
    );
    assert_eq!(
        Checkpoint::new(origin, 300, log.root_at(300).unwrap())
            .sign(&signer)
            .unwrap(),
        cp300
    );

    let mut note = Note::new(&Checkpoint::new(origin, 600, log.root()).to_text().unwrap()).unwrap();
    note.sign(&signer).unwrap();
    note.cosign(&witness, v["cosignatureTimestamp"].as_u64().unwrap())
        .unwrap();
    assert_eq!(note.to_text(), cp600);

    let opened = open_checkpoint(
        cp600.as_bytes(),
        &[signer.verifier()],
        &[witness.verifier()],
        1,
    )
    .unwrap();
    assert_eq!(opened.checkpoint.root, log.root());
}

#[test]
fn generated_tiles_are_reproduced_byte_for_byte() {
    let Some(dir) = shared("data/tlog/generated/tiles") else {
        return;
    };
    let log = generated_log();
    let mut files = Vec::new();
    fn walk(base: &Path, d: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().to_str().unwrap().to_owned());
            }
        }
    }
    walk(&dir, &dir, &mut files);
    files.retain(|f| f != "checkpoint");
    assert_eq!(files.len(), 8);
    for f in &files {
        let want = std::fs::read(dir.join(f)).unwrap();
        let got = match parse_tile_path(f).unwrap() {
            TilePath::Hashes(t) => read_tile_data(&t, &log).unwrap(),
            TilePath::Entries(t) => {
                let start = t.n * 256;
                let entries: Vec<Vec<u8>> =
                    (start..start + u64::from(t.width)).map(entry).collect();
                encode_entry_bundle(entries.iter().map(Vec::as_slice)).unwrap()
            }
        };
        assert_eq!(got, want, "{f}");
    }
    // Every tile of size 600 is there (the size-300 partials may have been pruned).
    for t in new_tiles(0, 600) {
        assert!(files.contains(&t.path()), "{t}");
        if t.level == 0 {
            assert!(files.contains(&t.entries_path()), "{}", t.entries_path());
        }
    }
}

#[test]
fn generated_proofs_from_memory_and_from_tiles() {
    let Some(dir) = shared("data/tlog/generated") else {
        return;
    };
    let v = json(&dir.join("vectors.json"));
    let log = generated_log();
    let tiles = DirTileReader(dir.join("tiles"));
    for c in v["inclusion"].as_array().unwrap() {
        let (i, size) = (
            c["index"].as_u64().unwrap(),
            c["treeSize"].as_u64().unwrap(),
        );
        let want: Vec<Hash> = c["proofHex"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| hex32(h.as_str().unwrap()))
            .collect();
        let root = b64_32(c["rootB64"].as_str().unwrap());
        assert_eq!(
            log.prove_inclusion(i, size).unwrap().proof,
            want,
            "{i}@{size}"
        );
        let reader = TileHashReader::new(size, root, &tiles);
        assert_eq!(
            prove_record(size, i, &reader).unwrap(),
            want,
            "tiles {i}@{size}"
        );
        verify_inclusion(&leaf_hash(&entry(i)), i, size, &want, &root).unwrap();
    }
    for c in v["consistency"].as_array().unwrap() {
        let (s1, s2) = (c["size1"].as_u64().unwrap(), c["size2"].as_u64().unwrap());
        let want: Vec<Hash> = c["proofHex"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| hex32(h.as_str().unwrap()))
            .collect();
        let (r1, r2) = (
            b64_32(c["root1B64"].as_str().unwrap()),
            b64_32(c["root2B64"].as_str().unwrap()),
        );
        assert_eq!(
            log.prove_consistency(s1, s2).unwrap().proof,
            want,
            "{s1}->{s2}"
        );
        let reader = TileHashReader::new(s2, r2, &tiles);
        assert_eq!(
            prove_tree(s2, s1, &reader).unwrap(),
            want,
            "tiles {s1}->{s2}"
        );
        verify_consistency(s1, s2, &want, &r1, &r2).unwrap();
    }
    // A tree hash read through tiles at size 300 uses the pruned-partial fallback.
    let r300 = b64_32(v["checkpoints"]["300"]["rootB64"].as_str().unwrap());
    assert_eq!(
        tree_hash(300, &TileHashReader::new(300, r300, &tiles)).unwrap(),
        r300
    );
    // The wrong root is caught.
    let bad = TileHashReader::new(600, r300, &tiles);
    assert!(matches!(
        prove_record(600, 5, &bad),
        Err(Error::InconsistentTile(_))
    ));
}

#[test]
fn generated_tlog_proof_file() {
    let Some(dir) = shared("data/tlog/generated") else {
        return;
    };
    let v = json(&dir.join("vectors.json"));
    let data = std::fs::read(dir.join("entry-523.tlog-proof")).unwrap();
    let entry523 = std::fs::read(dir.join("entry-523.txt")).unwrap();
    let p = TlogProof::parse(&data).unwrap();
    assert_eq!(p.index, 523);
    let log_key = Verifier::from_vkey(v["logVkey"].as_str().unwrap()).unwrap();
    let witness = Verifier::from_vkey(v["witnessVkey"].as_str().unwrap()).unwrap();
    let opened = p
        .verify(
            &leaf_hash(&entry523),
            std::slice::from_ref(&log_key),
            std::slice::from_ref(&witness),
            1,
        )
        .unwrap();
    assert_eq!(opened.checkpoint.size, 600);
    assert!(
        p.verify(&leaf_hash(&entry(522)), &[log_key], &[witness], 1)
            .is_err()
    );
    // Rebuilt from our own log, the file is byte-identical.
    let log = generated_log();
    let ours = TlogProof {
        extra: None,
        index: 523,
        proof: log.prove_inclusion(523, 600).unwrap().proof,
        checkpoint: std::fs::read_to_string(dir.join("checkpoint.600")).unwrap(),
    };
    assert_eq!(ours.to_text().into_bytes(), data);
}
