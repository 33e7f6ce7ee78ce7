//! The W3C eddsa-jcs-2022 test vector and the Bitstring Status List examples, read from
//! `../shared/data/vc` (skipped when absent).
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use common::*;
use credentials::{
    DidKeyResolver, IssuerKey, NoStatusLookup, SigningInput, StaticResolver, StaticStatusLookup,
    StatusList, StatusPurpose, VerifyError, keys, sign, status_entry, status_list_credential,
    verify, verify_proof,
};
use serde_json::Value;

fn text(rel: &str) -> Option<String> {
    vc_data(rel).map(|p| std::fs::read_to_string(p).unwrap().trim_end().to_owned())
}

#[test]
fn reproduces_every_intermediate_value_of_the_vector() {
    let (Some(kp), Some(unsigned), Some(config)) = (
        vc_data("keyPair.json"),
        vc_data("unsigned.json"),
        vc_data("eddsa-jcs-2022/proofConfigJCS.json"),
    ) else {
        return;
    };
    let kp = read_json(&kp);
    let key = IssuerKey::did_key_from_secret_multikey(kp["privateKeyMultibase"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        key.public_multikey(),
        kp["publicKeyMultibase"].as_str().unwrap()
    );

    let unsigned = read_json(&unsigned);
    let config = read_json(&config);
    assert_eq!(config["verificationMethod"], key.verification_method());
    let input =
        SigningInput::new(unsigned.as_object().unwrap(), config.as_object().unwrap()).unwrap();
    assert_eq!(
        input.canonical_document,
        text("eddsa-jcs-2022/canonDocJCS.txt").unwrap()
    );
    assert_eq!(
        input.canonical_proof_config,
        text("eddsa-jcs-2022/proofCanonJCS.txt").unwrap()
    );
    assert_eq!(
        hex(&input.document_hash()),
        text("eddsa-jcs-2022/docHashJCS.txt").unwrap()
    );
    assert_eq!(
        hex(&input.proof_config_hash()),
        text("eddsa-jcs-2022/proofHashJCS.txt").unwrap()
    );
    assert_eq!(
        hex(&input.hash_data()),
        text("eddsa-jcs-2022/combinedHashJCS.txt").unwrap()
    );

    let created = t(config["created"].as_str().unwrap());
    let signed = sign(&unsigned, &key, created).unwrap();
    let proof_value = signed["proof"]["proofValue"].as_str().unwrap();
    assert_eq!(proof_value, text("eddsa-jcs-2022/sigBTC58JCS.txt").unwrap());
    assert_eq!(
        hex(&keys::decode_base58btc(proof_value).unwrap()),
        text("eddsa-jcs-2022/sigHexJCS.txt").unwrap()
    );
    // The whole secured document, member order included.
    let expected = read_json(&vc_data("eddsa-jcs-2022/signedJCS.json").unwrap());
    assert_eq!(signed, expected);
    assert_eq!(
        serde_json::to_string_pretty(&signed).unwrap(),
        serde_json::to_string_pretty(&expected).unwrap()
    );
}

#[test]
fn the_signed_vector_verifies() {
    let Some(path) = vc_data("eddsa-jcs-2022/signedJCS.json") else {
        return;
    };
    let signed = read_json(&path);
    let now = t("2024-01-01T00:00:00Z");
    let proofs = verify_proof(&signed, &DidKeyResolver, now).unwrap();
    assert_eq!(proofs.len(), 1);
    assert_eq!(proofs[0].created, Some(t("2023-02-24T23:36:38Z")));

    // The vector's issuer is an https URL, not the did:key that signed: a did:key resolver
    // alone cannot bind them, so the full check refuses it ...
    let err = verify(&signed, &DidKeyResolver, now, &NoStatusLookup).unwrap_err();
    assert_eq!(err.kind(), "issuer-mismatch", "{err}");
    // ... and a verifier that knows the issuer's key accepts it.
    let vm = signed["proof"]["verificationMethod"].as_str().unwrap();
    let mut pinned = StaticResolver::new();
    pinned.insert_with_controller(
        vm,
        keys::resolve_did_key(vm).unwrap(),
        "https://vc.example/issuers/5678".into(),
    );
    let ok = verify(&signed, &pinned, now, &NoStatusLookup).unwrap();
    assert_eq!(ok.issuer, "https://vc.example/issuers/5678");
    assert_eq!(ok.types, ["VerifiableCredential", "AlumniCredential"]);
    assert_eq!(
        verify(&signed, &pinned, t("2022-12-31T23:59:59Z"), &NoStatusLookup)
            .unwrap_err()
            .kind(),
        "not-yet-valid"
    );
}

#[test]
fn changing_any_leaf_of_the_vector_fails() {
    let Some(path) = vc_data("eddsa-jcs-2022/signedJCS.json") else {
        return;
    };
    let signed = read_json(&path);
    let now = t("2024-01-01T00:00:00Z");
    let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
    let all = leaves(&signed);
    assert!(all.len() >= 17, "{all:?}");
    for pointer in &all {
        for variant in 0..2u8 {
            let mut copy = signed.clone();
            mutate_leaf(copy.pointer_mut(pointer).unwrap(), variant);
            let err = verify_proof(&copy, &DidKeyResolver, now).expect_err(&format!(
                "changing {pointer} (variant {variant}) went unnoticed"
            ));
            *kinds.entry(err.kind()).or_default() += 1;
        }
    }
    for pointer in members(&signed) {
        let mut copy = signed.clone();
        remove_at(&mut copy, &pointer);
        assert!(
            verify_proof(&copy, &DidKeyResolver, now).is_err(),
            "removing {pointer} went unnoticed"
        );
    }
    // Changing a subject value is reported as tampering, with the reason spelled out.
    let mut copy = signed.clone();
    copy["credentialSubject"]["alumniOf"] = "The School of Forgeries".into();
    let err = verify_proof(&copy, &DidKeyResolver, now).unwrap_err();
    assert!(matches!(err, VerifyError::Tampered(_)));
    assert!(err.to_string().starts_with("tampered: "), "{err}");
    assert!(
        err.to_string().contains("does not match the content"),
        "{err}"
    );
    assert!(kinds["tampered"] > 10, "{kinds:?}");
}

#[test]
fn status_list_example_decodes_to_the_minimum_all_clear_list() {
    let Some(path) = vc_data("bitstring-status-list/status-list-credential.json") else {
        return;
    };
    let slc = read_json(&path);
    let encoded = slc["credentialSubject"]["encodedList"].as_str().unwrap();
    let list = StatusList::decode(encoded).unwrap();
    assert_eq!(list.len(), 131_072);
    assert_eq!(list.count_set(), 0);
    assert!(!list.get(94567).unwrap());
    assert_eq!(list, StatusList::new());

    // Our builder gives the example's shape (the issuer, dates and contexts aside).
    let ours = status_list_credential(
        slc["id"].as_str().unwrap(),
        slc["issuer"].as_str().unwrap(),
        &StatusPurpose::Revocation,
        &list,
        t(slc["validFrom"].as_str().unwrap()),
        None,
    )
    .unwrap();
    let keys_of = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys_of(&ours), keys_of(&slc));
    assert_eq!(
        keys_of(&ours["credentialSubject"]),
        keys_of(&slc["credentialSubject"])
    );
    assert_eq!(ours["type"], slc["type"]);
    assert_eq!(ours["credentialSubject"]["type"], "BitstringStatusList");
    assert_eq!(
        StatusList::decode(ours["credentialSubject"]["encodedList"].as_str().unwrap()).unwrap(),
        list
    );
}

#[test]
fn status_entry_matches_the_example() {
    let Some(path) = vc_data("bitstring-status-list/revocable-credential.json") else {
        return;
    };
    let vc = read_json(&path);
    let entry = status_entry(
        "https://example.com/credentials/status/3",
        94567,
        &StatusPurpose::Revocation,
    );
    assert_eq!(entry, vc["credentialStatus"]);
}

/// Signs the spec's example credentials with a test key that stands for `did:example:12345`,
/// then checks revocation and suspension through them.
#[test]
fn example_credentials_with_revocation_and_suspension() {
    let (Some(both), Some(list3)) = (
        vc_data("bitstring-status-list/credential-revocation-and-suspension.json"),
        vc_data("bitstring-status-list/status-list-credential.json"),
    ) else {
        return;
    };
    let both = read_json(&both);
    let list3 = read_json(&list3);
    let issuer = both["issuer"].as_str().unwrap();
    let key = issuer_key().renamed(format!("{issuer}#key-1"));
    let mut resolver = StaticResolver::new();
    resolver.insert(key.verification_method(), key.verifying_key());
    let now = t("2025-01-01T00:00:00Z");
    let created = t("2024-04-05T14:27:42Z");

    let list_with = |base: &Value, id: &str, purpose: &str, set: Option<u64>| {
        let mut l = base.clone();
        l["id"] = id.into();
        l["credentialSubject"]["statusPurpose"] = purpose.into();
        let mut bits = StatusList::new();
        if let Some(i) = set {
            bits.set(i, true).unwrap();
        }
        l["credentialSubject"]["encodedList"] = bits.encode().unwrap().into();
        sign(&l, &key, created).unwrap()
    };
    let url3 = "https://example.com/credentials/status/3";
    let url4 = "https://example.com/credentials/status/4";
    let vc = sign(&both, &key, created).unwrap();

    let lookup = |l3: Value, l4: Value| {
        let mut s = StaticStatusLookup::new();
        s.insert(l3);
        s.insert(l4);
        s
    };
    let clear = lookup(
        sign(&list3, &key, created).unwrap(),
        list_with(&list3, url4, "suspension", None),
    );
    let ok = verify(&vc, &resolver, now, &clear).unwrap();
    assert_eq!(ok.status.len(), 2);
    assert!(ok.status.iter().all(|s| s.value == 0));

    let revoked = lookup(
        list_with(&list3, url3, "revocation", Some(94567)),
        list_with(&list3, url4, "suspension", None),
    );
    let err = verify(&vc, &resolver, now, &revoked).unwrap_err();
    assert_eq!(
        err,
        VerifyError::Revoked {
            list: url3.into(),
            index: 94567
        }
    );
    assert_eq!(
        err.to_string(),
        format!("revoked: status list {url3} marks index 94567 as revoked")
    );

    let suspended = lookup(
        sign(&list3, &key, created).unwrap(),
        list_with(&list3, url4, "suspension", Some(23452)),
    );
    let err = verify(&vc, &resolver, now, &suspended).unwrap_err();
    assert_eq!(
        err,
        VerifyError::Suspended {
            list: url4.into(),
            index: 23452
        }
    );

    // A bit set elsewhere does not matter.
    let elsewhere = lookup(
        list_with(&list3, url3, "revocation", Some(94566)),
        list_with(&list3, url4, "suspension", Some(23453)),
    );
    assert!(verify(&vc, &resolver, now, &elsewhere).is_ok());

    // List 4 missing.
    let mut only3 = StaticStatusLookup::new();
    only3.insert(sign(&list3, &key, created).unwrap());
    assert_eq!(
        verify(&vc, &resolver, now, &only3).unwrap_err().kind(),
        "status-list-unavailable"
    );
    // The unsigned example list does not count.
    let unsigned = lookup(list3.clone(), list_with(&list3, url4, "suspension", None));
    assert_eq!(
        verify(&vc, &resolver, now, &unsigned).unwrap_err().kind(),
        "status-list-invalid"
    );
    // A list whose purpose is not the entry's.
    let wrong_purpose = lookup(
        sign(&list3, &key, created).unwrap(),
        list_with(&list3, url4, "revocation", None),
    );
    let err = verify(&vc, &resolver, now, &wrong_purpose).unwrap_err();
    assert!(err.to_string().contains("not a suspension list"), "{err}");
}
