//! Every reason `verify` gives, on the platform's own credentials (no shared data needed).
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use common::*;
use credentials::{
    ChainResolver, DidKeyResolver, IssuerKey, NoStatusLookup, ProofOptions, SignError,
    StaticResolver, StaticStatusLookup, StatusPurpose, VerifyError, VerifyOptions, keys,
    parse_strict, sign, sign_with_options, verify, verify_proof, verify_with_options,
};
use serde_json::{Value, json};

fn now() -> chrono::DateTime<chrono::Utc> {
    t("2025-07-01T00:00:00Z")
}

fn lookup(lists: &[Value]) -> StaticStatusLookup {
    let mut s = StaticStatusLookup::new();
    for l in lists {
        s.insert(l.clone()).unwrap();
    }
    s
}

fn kind(r: Result<credentials::Verified, VerifyError>) -> &'static str {
    r.map(|_| "verified").unwrap_or_else(|e| e.kind())
}

#[test]
fn a_valid_credential_verifies_and_reports_what_it_checked() {
    let key = issuer_key();
    let vc = signed_quality(&key, 1234);
    let lists = lookup(&[signed_list(&key, 1, StatusPurpose::Revocation, &[7])]);
    let ok = verify(&vc, &DidKeyResolver, now(), &lists).unwrap();
    assert_eq!(ok.issuer, key.controller());
    assert_eq!(
        ok.types,
        ["VerifiableCredential", "CashmereQualityCertificate"]
    );
    assert_eq!(ok.proofs.len(), 1);
    assert_eq!(ok.proofs[0].verification_method, key.verification_method());
    assert_eq!(ok.status.len(), 1);
    assert_eq!(ok.status[0].index, 1234);
    assert_eq!(ok.status[0].value, 0);
    assert_eq!(ok.valid_from, Some(t("2025-06-13T08:00:00Z")));
}

#[test]
fn revoked_suspended_and_status_list_problems() {
    let key = issuer_key();
    let vc = signed_quality(&key, 1234);
    let revoked = lookup(&[signed_list(&key, 1, StatusPurpose::Revocation, &[1234])]);
    let err = verify(&vc, &DidKeyResolver, now(), &revoked).unwrap_err();
    assert_eq!(err.kind(), "revoked");
    assert!(err.to_string().starts_with("revoked: "), "{err}");

    // No source, or a source without that list.
    assert_eq!(
        kind(verify(&vc, &DidKeyResolver, now(), &NoStatusLookup)),
        "status-list-unavailable"
    );
    let other_list = lookup(&[signed_list(&key, 2, StatusPurpose::Revocation, &[])]);
    assert_eq!(
        kind(verify(&vc, &DidKeyResolver, now(), &other_list)),
        "status-list-unavailable"
    );
    // A closure works as a lookup (e.g. the CLI's HTTP fetch).
    let failing = |url: &str| -> Result<Value, String> { Err(format!("GET {url}: 503")) };
    let err = verify(&vc, &DidKeyResolver, now(), &failing).unwrap_err();
    assert!(err.to_string().contains("503"), "{err}");

    // A list signed by somebody else cannot clear (or set) the issuer's bits ...
    let foreign = lookup(&[signed_list(&other_key(), 1, StatusPurpose::Revocation, &[])]);
    let err = verify(&vc, &DidKeyResolver, now(), &foreign).unwrap_err();
    assert_eq!(err.kind(), "status-list-invalid", "{err}");
    // ... unless the verifier trusts that other issuer for status lists.
    let options = VerifyOptions {
        status_list_issuers: vec![other_key().controller().to_owned()],
        ..VerifyOptions::default()
    };
    assert!(verify_with_options(&vc, &DidKeyResolver, now(), &foreign, &options).is_ok());

    // A forged list: bits changed after signing.
    let mut forged = signed_list(&key, 1, StatusPurpose::Revocation, &[1234]);
    forged["credentialSubject"]["encodedList"] =
        credentials::StatusList::new().encode().unwrap().into();
    let err = verify(&vc, &DidKeyResolver, now(), &lookup(&[forged])).unwrap_err();
    assert_eq!(err.kind(), "status-list-invalid");
    assert!(err.to_string().contains("tampered"), "{err}");

    // A list for another purpose.
    let suspension = lookup(&[signed_list(&key, 1, StatusPurpose::Suspension, &[])]);
    assert_eq!(
        kind(verify(&vc, &DidKeyResolver, now(), &suspension)),
        "status-list-invalid"
    );
    // A list served under another URL than its id.
    let mut moved = StaticStatusLookup::new();
    moved.insert_at(
        &status_url(1),
        signed_list(&key, 3, StatusPurpose::Revocation, &[]),
    );
    assert_eq!(
        kind(verify(&vc, &DidKeyResolver, now(), &moved)),
        "status-list-invalid"
    );

    // Suspension entries fail as "suspended".
    let mut meta = meta(key.controller(), "susp", None);
    meta.status = vec![credentials::status_entry(
        &status_url(5),
        99,
        &StatusPurpose::Suspension,
    )];
    let vc = sign(
        &scope().to_credential(&with_until(meta)).unwrap(),
        &key,
        t("2025-06-13T08:00:00Z"),
    )
    .unwrap();
    let lists = lookup(&[signed_list(&key, 5, StatusPurpose::Suspension, &[99])]);
    let err = verify(&vc, &DidKeyResolver, now(), &lists).unwrap_err();
    assert_eq!(err.kind(), "suspended");
    assert!(err.to_string().starts_with("suspended: "), "{err}");
    let lists = lookup(&[signed_list(&key, 5, StatusPurpose::Suspension, &[98])]);
    assert!(verify(&vc, &DidKeyResolver, now(), &lists).is_ok());
}

fn with_until(mut m: credentials::CredentialMeta) -> credentials::CredentialMeta {
    m.valid_until = Some(t("2026-06-12T23:59:59Z"));
    m
}

#[test]
fn validity_period() {
    let key = issuer_key();
    let vc = scope()
        .to_credential(&with_until(meta(key.controller(), "scope", None)))
        .unwrap();
    let vc = sign(&vc, &key, t("2025-06-13T08:00:00Z")).unwrap();
    let at = |s: &str| verify(&vc, &DidKeyResolver, t(s), &NoStatusLookup);
    assert_eq!(kind(at("2025-06-13T07:59:59Z")), "not-yet-valid");
    assert_eq!(kind(at("2025-06-13T08:00:00Z")), "verified");
    assert_eq!(kind(at("2026-06-12T23:59:59Z")), "verified");
    let err = at("2026-06-13T00:00:00Z").unwrap_err();
    assert_eq!(
        err.to_string(),
        "expired: the credential was valid until 2026-06-12T23:59:59Z"
    );
    assert_eq!(
        at("2025-01-01T00:00:00Z").unwrap_err().to_string(),
        "not yet valid: the credential is valid from 2025-06-13T08:00:00Z"
    );
}

#[test]
fn proof_expiry_is_checked_after_the_signature() {
    let key = issuer_key();
    let vc = quality()
        .to_credential(&meta(key.controller(), "q", None))
        .unwrap();
    let mut options = ProofOptions::assertion(t("2025-06-13T08:00:00Z"));
    options.expires = Some(t("2025-06-30T00:00:00Z"));
    let signed = sign_with_options(&vc, &key, &options).unwrap();
    assert!(
        verify(
            &signed,
            &DidKeyResolver,
            t("2025-06-20T00:00:00Z"),
            &NoStatusLookup
        )
        .is_ok()
    );
    let err = verify(&signed, &DidKeyResolver, now(), &NoStatusLookup).unwrap_err();
    assert_eq!(err.kind(), "proof-expired");
    assert!(err.to_string().starts_with("expired: "), "{err}");
    // Moving `expires` is tampering, not expiry.
    let mut moved = signed.clone();
    moved["proof"]["expires"] = "2025-06-01T00:00:00Z".into();
    assert_eq!(
        kind(verify(&moved, &DidKeyResolver, now(), &NoStatusLookup)),
        "tampered"
    );
}

#[test]
fn keys_and_issuers() {
    let key = issuer_key();
    let vc = signed_quality(&key, 1);
    let lists = lookup(&[signed_list(&key, 1, StatusPurpose::Revocation, &[])]);
    // A verifier that knows only other keys.
    let mut pinned = StaticResolver::new();
    pinned.insert(
        other_key().verification_method(),
        other_key().verifying_key(),
    );
    let err = verify(&vc, &pinned, now(), &lists).unwrap_err();
    assert_eq!(err.kind(), "unknown-key");
    assert!(err.to_string().starts_with("unknown key: "), "{err}");

    // Signed by another key than the issuer's.
    let unsigned = quality()
        .to_credential(&meta(key.controller(), "q", None))
        .unwrap();
    let by_other = sign(&unsigned, &other_key(), t("2025-06-13T08:00:00Z")).unwrap();
    assert_eq!(
        kind(verify(&by_other, &DidKeyResolver, now(), &NoStatusLookup)),
        "issuer-mismatch"
    );
    // The verification method swapped for another did:key: the signature no longer fits.
    let mut swapped = vc.clone();
    swapped["proof"]["verificationMethod"] = other_key().verification_method().into();
    assert_eq!(
        kind(verify(&swapped, &DidKeyResolver, now(), &lists)),
        "tampered"
    );
    // A did:web organisation key, resolved from its DID document.
    let did = keys::did_web("gobi-dehair.example", &[]).unwrap();
    let org = key.renamed(format!("{did}#key-1"));
    let doc = keys::did_document(&did, &[("key-1", &org.verifying_key())]);
    let mut resolver = StaticResolver::new();
    resolver.add_did_document(&doc).unwrap();
    let tc = transaction()
        .to_credential(&meta(&did, "tc", None))
        .unwrap();
    let tc = sign(&tc, &org, t("2025-06-13T08:00:00Z")).unwrap();
    let chain = ChainResolver(vec![&resolver, &DidKeyResolver]);
    assert!(verify(&tc, &chain, now(), &NoStatusLookup).is_ok());
    assert_eq!(
        kind(verify(&tc, &DidKeyResolver, now(), &NoStatusLookup)),
        "unknown-key"
    );
}

#[test]
fn bad_signatures_and_tampering() {
    let key = issuer_key();
    let vc = signed_quality(&key, 1);
    let lists = lookup(&[signed_list(&key, 1, StatusPurpose::Revocation, &[])]);
    let check = |v: &Value| kind(verify(v, &DidKeyResolver, now(), &lists));
    assert_eq!(check(&vc), "verified");

    let pv = vc["proof"]["proofValue"].as_str().unwrap().to_owned();
    let with_pv = |s: String| {
        let mut c = vc.clone();
        c["proof"]["proofValue"] = s.into();
        c
    };
    // Not base58btc, not multibase, wrong length.
    assert_eq!(check(&with_pv(format!("{pv}0"))), "bad-signature");
    assert_eq!(check(&with_pv(pv[1..].to_owned())), "bad-signature");
    assert_eq!(check(&with_pv("z1111".into())), "bad-signature");
    // The last characters carry the high bytes of S: changing one gives a value that is no
    // Ed25519 signature at all.
    let mut last = pv.clone();
    let c = last.pop().unwrap();
    last.push(if c == 'z' { 'y' } else { 'z' });
    let err = verify(&with_pv(last), &DidKeyResolver, now(), &lists).unwrap_err();
    assert_eq!(err.kind(), "bad-signature", "{err}");
    assert!(err.to_string().starts_with("bad signature: "), "{err}");
    // A real signature of another document is "tampered".
    let other = signed_quality(&key, 2);
    let err = verify(
        &with_pv(other["proof"]["proofValue"].as_str().unwrap().into()),
        &DidKeyResolver,
        now(),
        &lists,
    )
    .unwrap_err();
    assert_eq!(err.kind(), "tampered");

    // A measured value changed.
    let mut copy = vc.clone();
    copy["credentialSubject"]["measurements"][0]["value"] = "15.5".into();
    let err = verify(&copy, &DidKeyResolver, now(), &lists).unwrap_err();
    assert!(err.to_string().starts_with("tampered: "), "{err}");
}

#[test]
fn every_change_to_a_signed_certificate_fails() {
    let key = issuer_key();
    let lists = lookup(&[signed_list(&key, 1, StatusPurpose::Revocation, &[])]);
    let vc = signed_quality(&key, 1);
    let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
    for pointer in leaves(&vc) {
        for variant in 0..2u8 {
            let mut copy = vc.clone();
            mutate_leaf(copy.pointer_mut(&pointer).unwrap(), variant);
            let err = verify(&copy, &DidKeyResolver, now(), &lists)
                .expect_err(&format!("changing {pointer} went unnoticed"));
            *kinds.entry(err.kind()).or_default() += 1;
        }
    }
    for pointer in members(&vc) {
        let mut copy = vc.clone();
        remove_at(&mut copy, &pointer);
        assert!(
            verify(&copy, &DidKeyResolver, now(), &lists).is_err(),
            "removing {pointer} went unnoticed"
        );
    }
    // Adding a member anywhere in the credential body.
    for pointer in members(&vc) {
        if pointer.starts_with("/proof") {
            continue;
        }
        let mut copy = vc.clone();
        if let Some(Value::Object(m)) = copy.pointer_mut(&pointer) {
            m.insert("extra".into(), json!("x"));
            assert_eq!(
                kind(verify(&copy, &DidKeyResolver, now(), &lists)),
                "tampered",
                "adding to {pointer}"
            );
        }
    }
    assert!(kinds["tampered"] > 40, "{kinds:?}");
}

#[test]
fn malformed_credentials_name_the_field() {
    let key = issuer_key();
    let vc = signed_quality(&key, 1);
    let lists = lookup(&[signed_list(&key, 1, StatusPurpose::Revocation, &[])]);
    type Change = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Change)> = vec![
        (
            "@context",
            Box::new(|v| v["@context"] = json!(["https://www.w3.org/2018/credentials/v1"])),
        ),
        ("type", Box::new(|v| v["type"] = json!(["Thing"]))),
        ("issuer", Box::new(|v| v["issuer"] = json!(42))),
        (
            "validFrom",
            Box::new(|v| v["validFrom"] = json!("13 June 2025")),
        ),
        (
            "credentialSubject",
            Box::new(|v| v["credentialSubject"] = json!({})),
        ),
        (
            "proof",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("proof");
            }),
        ),
        (
            "proof.cryptosuite",
            Box::new(|v| v["proof"]["cryptosuite"] = json!("eddsa-rdfc-2022")),
        ),
        (
            "proof.proofPurpose",
            Box::new(|v| v["proof"]["proofPurpose"] = json!("authentication")),
        ),
    ];
    for (field, change) in cases {
        let mut copy = vc.clone();
        change(&mut copy);
        let err = verify(&copy, &DidKeyResolver, now(), &lists).unwrap_err();
        assert_eq!(err.kind(), "malformed", "{field}: {err}");
        assert!(
            err.to_string()
                .starts_with(&format!("malformed: {field}: ")),
            "{field}: {err}"
        );
    }
    // Status entries are read after the proof (an edited entry is "tampered"), so a
    // malformed one must have been signed that way.
    let mut m = meta(key.controller(), "bad-entry", Some(1));
    m.status[0]["statusListIndex"] = json!(1);
    let bad = sign(
        &quality().to_credential(&m).unwrap(),
        &key,
        t("2025-06-13T08:00:00Z"),
    )
    .unwrap();
    let err = verify(&bad, &DidKeyResolver, now(), &lists).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("malformed: credentialStatus.statusListIndex: "),
        "{err}"
    );
    // Duplicate members are refused before anything else.
    let text = serde_json::to_string(&vc).unwrap();
    let dup = text.replacen(
        "\"issuer\":",
        "\"issuer\":\"did:key:z6MkFake\",\"issuer\":",
        1,
    );
    assert_eq!(parse_strict(&dup).unwrap_err().kind(), "malformed");
    assert_eq!(parse_strict(&text).unwrap(), vc);
}

#[test]
fn signing_refuses_what_it_cannot_sign_portably() {
    let key = issuer_key();
    assert_eq!(sign(&json!([1]), &key, now()), Err(SignError::NotAnObject));
    let signed = signed_quality(&key, 1);
    assert_eq!(sign(&signed, &key, now()), Err(SignError::AlreadySigned));
    let big = json!({"@context": [credentials::VC_V2_CONTEXT], "n": 9007199254740993_u64});
    assert!(matches!(
        sign(&big, &key, now()),
        Err(SignError::UnsafeInteger(p)) if p == "/n"
    ));
    let mut q = quality();
    q.verdicts
        .push(json!({"scheme": "x:y", "count": 18014398509481984_u64}));
    assert!(matches!(
        q.to_credential(&meta(key.controller(), "q", None)),
        Err(credentials::BuildError::UnsafeInteger(_))
    ));
}

#[test]
fn proof_sets_verify_member_by_member() {
    let key = issuer_key();
    let vc = signed_quality(&key, 1);
    let unsigned = {
        let mut u = vc.clone();
        u.as_object_mut().unwrap().remove("proof");
        u
    };
    let second = sign(&unsigned, &other_key(), t("2025-06-14T00:00:00Z")).unwrap();
    let mut set = vc.clone();
    set["proof"] = json!([vc["proof"].clone(), second["proof"].clone()]);
    let proofs = verify_proof(&set, &DidKeyResolver, now()).unwrap();
    assert_eq!(proofs.len(), 2);
    let lists = lookup(&[signed_list(&key, 1, StatusPurpose::Revocation, &[])]);
    assert!(verify(&set, &DidKeyResolver, now(), &lists).is_ok());
    set["proof"][1]["created"] = "2025-06-15T00:00:00Z".into();
    let err = verify(&set, &DidKeyResolver, now(), &lists).unwrap_err();
    assert!(err.to_string().contains("proof[1]"), "{err}");
    // Chains are refused rather than guessed at.
    let mut chained = vc.clone();
    chained["proof"]["previousProof"] = "urn:uuid:x".into();
    assert_eq!(
        verify_proof(&chained, &DidKeyResolver, now())
            .unwrap_err()
            .kind(),
        "malformed"
    );
}

#[test]
fn an_issuer_key_is_never_printed() {
    let key = IssuerKey::did_key_from_seed(&[0x5a; 32]);
    let printed = format!("{key:?} {key:#?} {:?}", vec![key.clone()]);
    assert!(
        !printed.contains(&key.expose_secret_multikey()),
        "{printed}"
    );
    assert!(!printed.contains("90, 90"), "{printed}");
    assert!(!printed.to_lowercase().contains("5a5a"), "{printed}");
    assert!(printed.contains(key.verification_method()));
}
