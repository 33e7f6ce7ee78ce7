//! The transparency log over HTTP: every captured event is a leaf whose input is the canonical
//! JSON of what `GET /events/{eventID}` answers; checkpoints, proofs and tiles verify with the
//! project's `tlog` crate and with the independent `tlog_verify.py` when it is at hand.

mod common;

use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use common::*;
use reqwest::{Method, StatusCode};

fn b64_hash(s: &str) -> tlog::Hash {
    let v = B64.decode(s).expect("base64 hash");
    <tlog::Hash>::try_from(v.as_slice()).expect("32-byte hash")
}

async fn public(s: &TestServer, path: &str) -> Resp {
    s.send(Method::GET, path, None, &[], None).await
}

fn open(note: &str, vkey: &str) -> tlog::Checkpoint {
    let v = tlog::Verifier::from_vkey(vkey.trim()).expect("vkey");
    tlog::open_checkpoint(note.as_bytes(), &[v], &[], 0)
        .expect("checkpoint verifies with the published key")
        .checkpoint
}

/// The independent verifier, when present (`None`: skip those checks).
fn tlog_verify() -> Option<std::path::PathBuf> {
    let p = shared_dir().join("tools/tlog_verify.py");
    let python = Command::new("python3").arg("--version").output().is_ok();
    (p.exists() && python).then_some(p)
}

fn run_verifier(tool: &std::path::Path, args: &[&str]) {
    let out = Command::new("python3")
        .arg(tool)
        .args(args)
        .output()
        .expect("run tlog_verify.py");
    assert!(
        out.status.success(),
        "tlog_verify.py {args:?} rejected: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn log_proves_every_event(db: Db) {
    let Some(s) = start(db).await else { return };
    let token = s.org("coop", store::Role::Cooperative, &[]).await;
    let job = s.capture(&token, &fixture("cashmere.jsonld"), &[]).await;
    assert_eq!(job["success"], true, "{job}");
    let first = public(&s, "/log/checkpoint").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let job = s.capture(&token, &fixture("processing.xml"), &[]).await;
    assert_eq!(job["success"], true, "{job}");

    let vkey = public(&s, "/log/vkey").await.text();
    let note = public(&s, "/log/checkpoint").await.text();
    let cp = open(&note, &vkey);
    let old = open(&first.text(), &vkey);
    let events = s.all_events(&token, "", 100).await;
    assert_eq!(cp.size as usize, events.len(), "one leaf per event");
    assert!(old.size < cp.size);

    let dir = TempDir::new();
    let tool = tlog_verify();
    std::fs::write(dir.0.join("checkpoint"), &note).expect("write checkpoint");
    for e in &events {
        let id = e["eventID"].as_str().expect("eventID");
        let seg = utf8_percent_encode(id);
        // The leaf input is the canonical JSON of the event as GET /events/{id} answers it.
        let got = s.get(&format!("/events/{seg}"), &token).await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text());
        let doc = got.json();
        let obj = &doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0];
        let canonical = tlog::jcs::to_vec(obj).expect("JCS");

        let r = s.get(&format!("/log/proof/{seg}"), &token).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let p = r.json();
        let leaf = B64
            .decode(p["leaf"].as_str().expect("leaf"))
            .expect("base64 leaf");
        assert_eq!(
            String::from_utf8_lossy(&leaf),
            String::from_utf8_lossy(&canonical),
            "leaf input of {id}"
        );
        let proof: Vec<tlog::Hash> = p["proof"]
            .as_array()
            .expect("proof")
            .iter()
            .map(|h| b64_hash(h.as_str().expect("hash")))
            .collect();
        let index = p["leaf_index"].as_u64().expect("leaf_index");
        let size = p["tree_size"].as_u64().expect("tree_size");
        assert_eq!(size, cp.size);
        tlog::verify_inclusion(&tlog::leaf_hash(&leaf), index, size, &proof, &cp.root)
            .unwrap_or_else(|e| panic!("inclusion of {id}: {e}"));
        if let Some(tool) = &tool {
            let leaf_file = dir.0.join("leaf");
            std::fs::write(&leaf_file, &leaf).expect("write leaf");
            let joined: Vec<String> = p["proof"]
                .as_array()
                .expect("proof")
                .iter()
                .map(|h| h.as_str().unwrap_or_default().to_owned())
                .collect();
            run_verifier(
                tool,
                &[
                    "inclusion",
                    "--checkpoint",
                    &dir.0.join("checkpoint").to_string_lossy(),
                    "--vkey",
                    vkey.trim(),
                    "--index",
                    &index.to_string(),
                    "--leaf-data",
                    &leaf_file.to_string_lossy(),
                    "--proof",
                    &joined.join(","),
                ],
            );
        }
    }

    // The older checkpoint's tree is a prefix of the newer one's.
    let r = public(
        &s,
        &format!("/log/consistency?from={}&to={}", old.size, cp.size),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let c = r.json();
    let proof: Vec<tlog::Hash> = c["proof"]
        .as_array()
        .expect("proof")
        .iter()
        .map(|h| b64_hash(h.as_str().expect("hash")))
        .collect();
    tlog::verify_consistency(old.size, cp.size, &proof, &old.root, &cp.root)
        .expect("consistency proof verifies");

    // Hash tiles rebuild the checkpoint's root for any client.
    for tile in tlog::new_tiles(0, cp.size) {
        let path = tile.path();
        let r = public(&s, &format!("/log/{path}")).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
        let file = dir.0.join(&path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(file, &r.body).expect("write tile");
    }
    if let Some(tool) = &tool {
        run_verifier(
            tool,
            &[
                "tiles",
                "--vkey",
                vkey.trim(),
                "--no-entries",
                &dir.0.to_string_lossy(),
            ],
        );
    }

    // Proofs carry the event: no token, no proof; a tile beyond the tree is not found.
    let id = events[0]["eventID"].as_str().expect("eventID");
    let r = public(&s, &format!("/log/proof/{}", utf8_percent_encode(id))).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = public(&s, "/log/tile/0/x999/999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = public(&s, "/log/consistency?from=5&to=1").await;
    r.assert_problem(400, "QueryParameterException");
}

fn utf8_percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

on_backends!(log_proves_every_event);
