//! Snapshots of the documents the platform issues, signed with a fixed seed at fixed dates
//! (Ed25519 is deterministic, so the proof values are stable too).
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use common::*;
use credentials::{DidKeyResolver, StaticStatusLookup, StatusPurpose, keys, sign, verify};
use serde_json::Value;

fn signed(unsigned: &Value) -> Value {
    let signed = sign(unsigned, &issuer_key(), t("2025-06-13T08:00:05Z")).unwrap();
    // A snapshot of something that does not verify would be worthless.
    let mut lists = StaticStatusLookup::new();
    lists.insert(signed_list(
        &issuer_key(),
        1,
        StatusPurpose::Revocation,
        &[],
    ));
    verify(&signed, &DidKeyResolver, t("2025-07-01T00:00:00Z"), &lists).unwrap();
    signed
}

#[test]
fn quality_certificate() {
    let key = issuer_key();
    let vc = quality()
        .to_credential(&meta(key.controller(), "6f1c1d2e-quality", Some(48213)))
        .unwrap();
    insta::assert_json_snapshot!("quality_certificate", signed(&vc));
}

#[test]
fn scope_certificate() {
    let key = issuer_key();
    let mut m = meta(
        key.controller(),
        "0b7c3e52-5d7e-4d4c-9b59-1f2f0d3f3c11",
        Some(1207),
    );
    m.valid_until = Some(t("2026-06-12T23:59:59Z"));
    m.name = Some("CCS scope certificate CU-CCS-884211".into());
    let vc = scope().to_credential(&m).unwrap();
    insta::assert_json_snapshot!("scope_certificate", signed(&vc));
}

#[test]
fn transaction_certificate() {
    let key = issuer_key();
    let vc = transaction()
        .to_credential(&meta(key.controller(), "a3e9f0c4-transaction", Some(90077)))
        .unwrap();
    insta::assert_json_snapshot!("transaction_certificate", signed(&vc));
}

#[test]
fn status_list_credential_and_did_document() {
    let key = issuer_key();
    let list = signed_list(&key, 1, StatusPurpose::Revocation, &[48213]);
    insta::assert_json_snapshot!("status_list_credential", list);
    let did = keys::did_web("gobi-dehair.example", &[]).unwrap();
    let doc = keys::did_document(&did, &[("key-1", &key.verifying_key())]);
    insta::assert_json_snapshot!("did_web_document", doc);
}
