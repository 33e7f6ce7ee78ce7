//! `nooluur credential verify`: the W3C vector, our own certificates, and every way a
//! credential can fail (tampered, bad signature, expired, revoked, unknown key).

mod common;

use common::*;

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use credentials::{
    CredentialMeta, IssuerKey, Measurement, Party, QualityCertificate, StatusList, StatusPurpose,
    sign, status_entry, status_list_credential,
};
use serde_json::{Value, json};

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("nooluur-cred-cli-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn write(name: &str, v: &Value) -> PathBuf {
    // Tests run in parallel threads of one process: every file gets its own name.
    static FILES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = FILES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let p = dir().join(format!("{n}-{name}"));
    std::fs::write(&p, serde_json::to_vec_pretty(v).expect("JSON")).expect("write");
    p
}

fn verify(path: &Path, extra: &[&str]) -> (bool, String, String) {
    let mut args = vec!["credential", "verify", path.to_str().expect("utf-8")];
    args.extend_from_slice(extra);
    run(&args)
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("time")
}

/// Every leaf of a JSON value, as a JSON pointer.
fn leaves(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| leaves(x, format!("{at}/{k}"), out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| leaves(x, format!("{at}/{i}"), out)),
        _ => out.push(at),
    }
}

fn changed(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(format!("{s}x")),
        Value::Number(n) => json!(n.as_f64().unwrap_or(0.0) + 1.0),
        Value::Bool(b) => Value::Bool(!b),
        _ => Value::String("x".into()),
    }
}

fn assert_every_leaf_refused(signed: &Value, extra: &[&str]) {
    let mut ps = Vec::new();
    leaves(signed, String::new(), &mut ps);
    assert!(ps.len() > 5);
    for p in ps {
        let mut t = signed.clone();
        let leaf = t.pointer_mut(&p).expect("leaf");
        *leaf = changed(leaf);
        let f = write("tampered.json", &t);
        let (ok, out, err) = verify(&f, extra);
        assert!(!ok, "changing {p} was not noticed: {out}");
        assert_eq!(err.trim_end().lines().count(), 1, "{p}: {err}");
    }
}

#[test]
fn w3c_vector_verifies_and_any_change_is_refused() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/vc/eddsa-jcs-2022/signedJCS.json");
    if !path.exists() {
        eprintln!("skipped: {} is not here", path.display());
        return;
    }
    let (ok, out, err) = verify(&path, &[]);
    assert!(ok, "{err}");
    assert_eq!(out, "verified\n");
    // The vector's issuer is an https URL while a did:key signs it: integrity only.
    assert!(err.contains("note:"), "{err}");
    let (ok, _, err) = verify(&path, &["--require-issuer-key"]);
    assert!(!ok && err.contains("issuer"), "{err}");
    let signed: Value = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("JSON");
    assert_every_leaf_refused(&signed, &[]);
}

struct Issued {
    credential: PathBuf,
    list_ok: PathBuf,
    list_revoked: PathBuf,
    signed: Value,
}

fn issue() -> Issued {
    let key = IssuerKey::did_key_from_seed(&[42; 32]);
    let issuer = key.controller().to_owned();
    let list_url = "http://127.0.0.1:9/credentials/status/7";
    let mut meta = CredentialMeta::new(
        "https://nooluur.example/credentials/q-1",
        Party::named(issuer.clone(), "Gobi Fibre Lab"),
        at("2025-06-13T08:00:00Z"),
    );
    meta.valid_until = Some(at("2026-06-13T08:00:00Z"));
    meta.status = vec![status_entry(list_url, 17, &StatusPurpose::Revocation)];
    let cert = QualityCertificate {
        lot: "https://id.nooluur.org/lot/coop-12/2025-white-1".into(),
        laboratory: Party::named(issuer.clone(), "Gobi Fibre Lab"),
        method: "IWTO-47".into(),
        sample: "S-2025-0042".into(),
        test_date: NaiveDate::from_ymd_opt(2025, 6, 12).expect("date"),
        measurements: vec![Measurement {
            property: "meanFibreDiameter".into(),
            value: "15.6".into(),
            unit: "4H".into(),
        }],
        verdicts: vec![json!({"scheme": "us-cashmere", "pass": true, "grade": "cashmere"})],
    };
    let signed = sign(
        &cert.to_credential(&meta).expect("build"),
        &key,
        at("2025-06-13T08:00:05Z"),
    )
    .expect("sign");
    let mut bits = StatusList::new();
    let list = |bits: &StatusList| {
        let unsigned = status_list_credential(
            list_url,
            &issuer,
            &StatusPurpose::Revocation,
            bits,
            at("2025-06-01T00:00:00Z"),
            None,
        )
        .expect("list");
        sign(&unsigned, &key, at("2025-06-13T08:00:00Z")).expect("sign list")
    };
    let list_ok = write("list-ok.json", &list(&bits));
    bits.set(17, true).expect("bit");
    let list_revoked = write("list-revoked.json", &list(&bits));
    Issued {
        credential: write("quality.json", &signed),
        list_ok,
        list_revoked,
        signed,
    }
}

#[test]
fn our_certificate_verifies_until_revoked_or_expired() {
    let i = issue();
    let ok_list = i.list_ok.to_str().expect("utf-8");
    let revoked = i.list_revoked.to_str().expect("utf-8");
    let (ok, out, err) = verify(
        &i.credential,
        &["--status-list", ok_list, "--at", "2025-07-01T00:00:00Z"],
    );
    assert!(ok, "{err}");
    assert_eq!(out, "verified\n");
    assert!(err.is_empty(), "issuer controls its did:key: {err}");

    let (ok, _, err) = verify(
        &i.credential,
        &["--status-list", revoked, "--at", "2025-07-01T00:00:00Z"],
    );
    assert!(!ok && err.contains("revoked"), "{err}");
    let (ok, _, err) = verify(
        &i.credential,
        &["--status-list", ok_list, "--at", "2027-01-01T00:00:00Z"],
    );
    assert!(!ok && err.contains("expired"), "{err}");
    let (ok, _, err) = verify(
        &i.credential,
        &["--status-list", ok_list, "--at", "2025-01-01T00:00:00Z"],
    );
    assert!(!ok && err.contains("not yet valid"), "{err}");
    // No list given and its server (port 9, discard) unreachable: the status is unknown.
    let (ok, _, err) = verify(&i.credential, &["--at", "2025-07-01T00:00:00Z"]);
    assert!(!ok && err.contains("status list"), "{err}");

    assert_every_leaf_refused(
        &i.signed,
        &["--status-list", ok_list, "--at", "2025-07-01T00:00:00Z"],
    );

    // A signature that is not an Ed25519 signature at all.
    let mut bad = i.signed.clone();
    bad["proof"]["proofValue"] = json!("z3FXQ");
    let f = write("badsig.json", &bad);
    let (ok, _, err) = verify(
        &f,
        &["--status-list", ok_list, "--at", "2025-07-01T00:00:00Z"],
    );
    assert!(!ok && err.contains("signature"), "{err}");

    // A verification method nobody can resolve offline.
    let mut unknown = i.signed.clone();
    unknown["proof"]["verificationMethod"] = json!("did:web:lab.example.mn#key-1");
    let f = write("unknown.json", &unknown);
    let (ok, _, err) = verify(
        &f,
        &["--status-list", ok_list, "--at", "2025-07-01T00:00:00Z"],
    );
    assert!(!ok && err.contains("key"), "{err}");
}
