//! End to end: what this crate signs, the independent verifier
//! `../shared/tools/vc_verify.py` accepts, and what it refuses, that verifier refuses too.
//!
//! Skipped (with a note) when `../shared` is absent or no Python with the verifier's pinned
//! packages is at hand. The test never installs anything: it uses the verifier's virtual
//! environment (`$NOOLUUR_VERIFY_VENV`, else `~/.cache/nooluur-verify`) if it exists, else
//! `python3` with the bootstrap disabled. Run the tool once by hand to create that
//! environment: `python3 ../shared/tools/vc_verify.py --help`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] functions

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use common::*;
use credentials::{
    DidKeyResolver, IssuerKey, NoStatusLookup, SigningInput, StaticResolver, StaticStatusLookup,
    StatusPurpose, VC_V2_CONTEXT, keys, sign, verify,
};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

const AT: &str = "2025-07-01T00:00:00Z";

struct Tool {
    python: PathBuf,
    script: PathBuf,
    dir: PathBuf,
}

impl Tool {
    fn find(test: &str) -> Option<Tool> {
        let script = shared_dir()?.join("tools/vc_verify.py");
        if !script.exists() {
            eprintln!("note: {} absent, skipping", script.display());
            return None;
        }
        let venv = std::env::var_os("NOOLUUR_VERIFY_VENV")
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/nooluur-verify"))
            });
        let python = venv
            .map(|v| v.join("bin/python"))
            .filter(|p| p.exists())
            .unwrap_or_else(|| PathBuf::from("python3"));
        let dir =
            std::env::temp_dir().join(format!("nooluur-credentials-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let tool = Tool {
            python,
            script,
            dir,
        };
        match tool.run(&["--help"]) {
            Ok(out) if out.status.success() => Some(tool),
            Ok(out) => {
                eprintln!(
                    "note: vc_verify.py cannot run here ({}), skipping: {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("note: no python3 ({e}), skipping");
                None
            }
        }
    }

    fn write(&self, name: &str, v: &Value) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, serde_json::to_string_pretty(v).unwrap()).unwrap();
        path.to_str().unwrap().to_owned()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.python);
        c.arg(&self.script)
            .args(args)
            .env("NOOLUUR_VERIFY_NO_BOOTSTRAP", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    fn run(&self, args: &[&str]) -> std::io::Result<Output> {
        self.command(args).output()
    }

    /// Runs the verifier; returns its stdout line, asserting the exit status matches it.
    fn verdict(&self, args: &[&str]) -> String {
        verdict_of(self.run(args).unwrap(), args)
    }
}

impl Drop for Tool {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn verdict_of(out: Output, args: &[&str]) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    match out.status.code() {
        Some(0) => assert_eq!(stdout, "verified", "{args:?}"),
        Some(1) => assert!(stdout.starts_with("not verified: "), "{args:?}: {stdout}"),
        _ => panic!(
            "vc_verify.py {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
    stdout
}

/// Runs many verifications a few at a time.
fn verdicts(tool: &Tool, runs: &[Vec<String>]) -> Vec<String> {
    let mut out = Vec::with_capacity(runs.len());
    for batch in runs.chunks(8) {
        let children: Vec<Child> = batch
            .iter()
            .map(|args| {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                tool.command(&args).spawn().unwrap()
            })
            .collect();
        for (child, args) in children.into_iter().zip(batch) {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            out.push(verdict_of(child.wait_with_output().unwrap(), &args));
        }
    }
    out
}

fn lists(key: &IssuerKey, revoked: &[u64]) -> Value {
    signed_list(key, 1, StatusPurpose::Revocation, revoked)
}

#[test]
fn issued_certificates_verify_independently() {
    let Some(tool) = Tool::find("issued") else {
        return;
    };
    let key = issuer_key();
    let mk = key.public_multikey();
    let clear = tool.write("list-clear.json", &lists(&key, &[]));
    let revoked = tool.write("list-revoked.json", &lists(&key, &[48213]));

    let mut scope_meta = meta(key.controller(), "scope", Some(1207));
    scope_meta.valid_until = Some(t("2026-06-12T23:59:59Z"));
    let docs = [
        (
            "quality",
            quality()
                .to_credential(&meta(key.controller(), "quality", Some(48213)))
                .unwrap(),
        ),
        ("scope", scope().to_credential(&scope_meta).unwrap()),
        (
            "transaction",
            transaction()
                .to_credential(&meta(key.controller(), "tc", Some(90077)))
                .unwrap(),
        ),
    ];
    for (name, unsigned) in &docs {
        let signed = sign(unsigned, &key, t("2025-06-13T08:00:05Z")).unwrap();
        let file = tool.write(&format!("{name}.json"), &signed);
        // Our verifier and theirs agree that it is valid ...
        let mut ours = StaticStatusLookup::new();
        ours.insert(lists(&key, &[]));
        verify(&signed, &DidKeyResolver, t(AT), &ours).unwrap();
        assert_eq!(
            tool.verdict(&[&file, "--key", &mk, "--status-list", &clear, "--at", AT]),
            "verified",
            "{name}"
        );
        // ... through did:key alone too ...
        assert_eq!(
            tool.verdict(&[&file, "--status-list", &clear, "--at", AT]),
            "verified"
        );
        // ... and that it is not after its validity period or under another key.
        let other = other_key().public_multikey();
        assert_ne!(
            tool.verdict(&[&file, "--key", &other, "--status-list", &clear, "--at", AT]),
            "verified"
        );
        assert_ne!(
            tool.verdict(&[&file, "--key", &mk, "--at", "2025-06-01T00:00:00Z"]),
            "verified"
        );
    }

    // Revocation.
    let signed = sign(&docs[0].1, &key, t("2025-06-13T08:00:05Z")).unwrap();
    let file = tool.write("quality.json", &signed);
    let out = tool.verdict(&[&file, "--key", &mk, "--status-list", &revoked, "--at", AT]);
    assert!(out.contains("revoked"), "{out}");
    let mut ours = StaticStatusLookup::new();
    ours.insert(lists(&key, &[48213]));
    assert_eq!(
        verify(&signed, &DidKeyResolver, t(AT), &ours)
            .unwrap_err()
            .kind(),
        "revoked"
    );
    // Expiry of a scope certificate.
    let signed = sign(&docs[1].1, &key, t("2025-06-13T08:00:05Z")).unwrap();
    let file = tool.write("scope.json", &signed);
    let out = tool.verdict(&[&file, "--key", &mk, "--at", "2026-06-13T00:00:00Z"]);
    assert!(out.contains("expired"), "{out}");
}

#[test]
fn canonical_forms_and_hashes_match() {
    let Some(tool) = Tool::find("hashes") else {
        return;
    };
    let key = issuer_key();
    let unsigned = quality()
        .to_credential(&meta(key.controller(), "quality", None))
        .unwrap();
    let signed = sign(&unsigned, &key, t("2025-06-13T08:00:05Z")).unwrap();
    let file = tool.write("q.json", &signed);
    let out = tool.run(&[&file, "-v", "--at", AT]).unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut config = signed["proof"].as_object().unwrap().clone();
    config.remove("proofValue");
    let input = SigningInput::new(unsigned.as_object().unwrap(), &config).unwrap();
    assert!(
        stderr.contains(&format!(
            "canonical proof config: {}",
            input.canonical_proof_config
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "proof config hash {}",
            hex(&input.proof_config_hash())
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "document hash     {}",
            hex(&input.document_hash())
        )),
        "{stderr}"
    );
}

#[test]
fn organisation_keys_verify_through_a_did_document() {
    let Some(tool) = Tool::find("didweb") else {
        return;
    };
    let did = keys::did_web("gobi-dehair.example", &[]).unwrap();
    let org = IssuerKey::did_key_from_seed(&[3; 32]).renamed(format!("{did}#key-1"));
    let doc = keys::did_document(&did, &[("key-1", &org.verifying_key())]);
    let unsigned = transaction()
        .to_credential(&meta(&did, "tc", Some(5)))
        .unwrap();
    let signed = sign(&unsigned, &org, t("2025-06-13T08:00:05Z")).unwrap();
    let list = {
        let mut l = credentials::StatusList::new();
        l.set(6, true).unwrap();
        let vc = credentials::status_list_credential(
            &status_url(1),
            &did,
            &StatusPurpose::Revocation,
            &l,
            t("2025-06-01T00:00:00Z"),
            None,
        )
        .unwrap();
        sign(&vc, &org, t("2025-06-13T08:00:00Z")).unwrap()
    };
    let cred = tool.write("tc.json", &signed);
    let doc_file = tool.write("did.json", &doc);
    let list_file = tool.write("list.json", &list);
    assert_eq!(
        tool.verdict(&[
            &cred,
            "--controller",
            &doc_file,
            "--status-list",
            &list_file,
            "--at",
            AT
        ]),
        "verified"
    );
    let mut resolver = StaticResolver::new();
    resolver.add_did_document(&doc).unwrap();
    let mut lookup = StaticStatusLookup::new();
    lookup.insert(list);
    verify(&signed, &resolver, t(AT), &lookup).unwrap();
    // Without the DID document neither side can find the key.
    assert_ne!(tool.verdict(&[&cred, "--at", AT]), "verified");
    assert_eq!(
        verify(&signed, &DidKeyResolver, t(AT), &NoStatusLookup)
            .unwrap_err()
            .kind(),
        "unknown-key"
    );
}

#[test]
fn both_verifiers_refuse_every_changed_leaf() {
    let Some(tool) = Tool::find("leaves") else {
        return;
    };
    let key = issuer_key();
    let signed = signed_quality(&key, 48213);
    let list = tool.write("list.json", &lists(&key, &[]));
    let mk = key.public_multikey();
    let mut runs = Vec::new();
    let mut ours = StaticStatusLookup::new();
    ours.insert(lists(&key, &[]));
    for (n, pointer) in leaves(&signed).iter().enumerate() {
        let mut copy = signed.clone();
        mutate_leaf(copy.pointer_mut(pointer).unwrap(), n as u8);
        assert!(
            verify(&copy, &DidKeyResolver, t(AT), &ours).is_err(),
            "{pointer}"
        );
        let file = tool.write(&format!("leaf-{n}.json"), &copy);
        runs.push(vec![
            file,
            "--key".into(),
            mk.clone(),
            "--status-list".into(),
            list.clone(),
            "--at".into(),
            AT.into(),
        ]);
    }
    assert!(runs.len() > 30);
    for (verdict, args) in verdicts(&tool, &runs).iter().zip(&runs) {
        assert_ne!(
            verdict,
            "verified",
            "{}",
            std::fs::read_to_string(&args[0]).unwrap()
        );
    }
}

/// Arbitrary JSON subjects (Unicode member names, doubles, escapes): the two JCS
/// implementations must agree byte for byte, or the Python side would refuse the signature.
#[test]
fn arbitrary_subjects_verify_independently() {
    let Some(tool) = Tool::find("arbitrary") else {
        return;
    };
    let key = issuer_key();
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[42; 32]),
    );
    let strategy = subject_strategy();
    let mut runs = Vec::new();
    for n in 0..40 {
        let subject = strategy.new_tree(&mut runner).unwrap().current();
        let vc = json!({
            "@context": [VC_V2_CONTEXT],
            "type": ["VerifiableCredential"],
            "issuer": key.controller(),
            "credentialSubject": subject,
        });
        let signed = sign(&vc, &key, t("2025-06-13T08:00:05Z")).unwrap();
        let file = tool.write(&format!("any-{n}.json"), &signed);
        runs.push(vec![file, "--at".into(), AT.into()]);
    }
    for (verdict, args) in verdicts(&tool, &runs).iter().zip(&runs) {
        assert_eq!(
            verdict,
            "verified",
            "{}",
            std::fs::read_to_string(&args[0]).unwrap()
        );
    }
}

fn subject_strategy() -> impl Strategy<Value = Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-(1i64 << 53) + 1..(1i64 << 53)).prop_map(|i| json!(i)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        prop_oneof![
            Just(1e21),
            Just(1e-7),
            Just(0.1),
            Just(-0.0),
            Just(5e-324),
            Just(15.60)
        ]
        .prop_map(|f| json!(f)),
        any::<String>().prop_map(Value::String),
    ];
    let value = leaf.prop_recursive(3, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    prop::collection::btree_map(any::<String>(), value, 1..6)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}
