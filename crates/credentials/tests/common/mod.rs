//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used)] // helpers outside #[test] functions

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use credentials::{
    CredentialMeta, IssuerKey, Measurement, Party, QualityCertificate, ScopeCertificate, Site,
    StatusList, StatusPurpose, TransactionCertificate, datetime, status_entry,
    status_list_credential,
};
use serde_json::{Value, json};

/// `../shared` beside the project, if present.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.is_dir() { Some(dir) } else { None }
}

/// A file under `../shared/data/vc`, or `None` with a note when the corpus is absent.
pub fn vc_data(rel: &str) -> Option<PathBuf> {
    let path = shared_dir()?.join("data/vc").join(rel);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("note: {} absent, skipping", path.display());
        None
    }
}

pub fn read_json(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn t(s: &str) -> DateTime<Utc> {
    datetime::parse_stamp(s).unwrap()
}

/// The fixed test issuer (did:key from a seed of sevens).
pub fn issuer_key() -> IssuerKey {
    IssuerKey::did_key_from_seed(&[7; 32])
}

/// Another key, for "wrong key" tests.
pub fn other_key() -> IssuerKey {
    IssuerKey::did_key_from_seed(&[9; 32])
}

pub const HOST: &str = "https://nooluur.example";

pub fn status_url(n: u32) -> String {
    format!("{HOST}/credentials/status/{n}")
}

pub fn quality() -> QualityCertificate {
    QualityCertificate {
        lot: format!("{HOST}/id/lot/2025-SB-0042"),
        laboratory: Party::named(
            "did:web:lab.nooluur.example",
            "Ulaanbaatar Fibre Testing Laboratory",
        ),
        method: "IWTO-47".into(),
        sample: format!("{HOST}/id/sample/S-2025-0042"),
        test_date: NaiveDate::from_ymd_opt(2025, 6, 12).unwrap(),
        measurements: vec![
            Measurement {
                property: "meanFibreDiameter".into(),
                value: "15.6".into(),
                unit: "4H".into(),
            },
            Measurement {
                property: "coefficientOfVariation".into(),
                value: "21.3".into(),
                unit: "P1".into(),
            },
            Measurement {
                property: "meanLength".into(),
                value: "36.5".into(),
                unit: "MMT".into(),
            },
        ],
        verdicts: vec![
            json!({
                "scheme": format!("{HOST}/schemes/mnf"),
                "grade": "premium",
                "pass": true,
                "reasons": ["mean fibre diameter 15.6 µm ≤ 16.0 µm"]
            }),
            json!({
                "scheme": format!("{HOST}/schemes/gb-18267"),
                "grade": "A",
                "pass": true
            }),
        ],
    }
}

pub fn scope() -> ScopeCertificate {
    ScopeCertificate {
        organisation: Party::named("did:web:gobi-dehair.example", "Gobi Dehairing LLC"),
        standard: "Textile Exchange Content Claim Standard 3.0".into(),
        certificate_number: "CU-CCS-884211".into(),
        processes: vec!["scouring".into(), "dehairing".into(), "trading".into()],
        products: vec!["dehaired cashmere".into()],
        sites: vec![Site {
            id: Some(format!("{HOST}/id/site/gobi-1")),
            name: "Gobi Dehairing plant 1".into(),
            address: Some("Khan-Uul district, Ulaanbaatar, Mongolia".into()),
        }],
    }
}

pub fn transaction() -> TransactionCertificate {
    TransactionCertificate {
        certificate_number: Some("CU-TC-2025-000173".into()),
        seller: Party::named("did:web:gobi-dehair.example", "Gobi Dehairing LLC"),
        buyer: Party::named("did:web:spinner.example.it", "Filatura Esempio S.p.A."),
        lots: vec![
            format!("{HOST}/id/lot/DH-2025-0007"),
            format!("{HOST}/id/lot/DH-2025-0008"),
        ],
        certified_mass_kg: "1180.5".into(),
        gross_mass_kg: "1250.0".into(),
        net_mass_kg: Some("1180.5".into()),
        standard: "Textile Exchange Content Claim Standard 3.0".into(),
        scope_certificates: vec![format!("{HOST}/credentials/0b7c3e52-5d7e-4d4c-9b59-1f2f0d3f3c11")],
        input_certificates: vec![],
        shipment_event: "ni:///sha-256;4e6f6f6c75757220736869706d656e74206576656e742069642e2e2e2e2e2e2e?ver=CBV2.0".into(),
    }
}

/// Metadata for a credential issued by `issuer` with one revocation entry at `index` of
/// status list 1.
pub fn meta(issuer: &str, uuid: &str, index: Option<u64>) -> CredentialMeta {
    let mut m = CredentialMeta::new(
        format!("{HOST}/credentials/{uuid}"),
        Party::id(issuer),
        t("2025-06-13T08:00:00Z"),
    );
    if let Some(i) = index {
        m.status = vec![status_entry(&status_url(1), i, &StatusPurpose::Revocation)];
    }
    m
}

/// A signed quality certificate by `key` with a revocation entry at `index` of list 1.
pub fn signed_quality(key: &IssuerKey, index: u64) -> Value {
    let vc = quality()
        .to_credential(&meta(key.controller(), "6f1c1d2e-quality", Some(index)))
        .unwrap();
    credentials::sign(&vc, key, t("2025-06-13T08:00:05Z")).unwrap()
}

/// A signed revocation status list credential at list `n` by `key` with `revoked` set.
pub fn signed_list(key: &IssuerKey, n: u32, purpose: StatusPurpose, revoked: &[u64]) -> Value {
    let mut list = StatusList::new();
    for &i in revoked {
        list.set(i, true).unwrap();
    }
    let vc = status_list_credential(
        &status_url(n),
        key.controller(),
        &purpose,
        &list,
        t("2025-06-01T00:00:00Z"),
        None,
    )
    .unwrap();
    credentials::sign(&vc, key, t("2025-06-13T08:00:00Z")).unwrap()
}

/// Every leaf of a JSON value as a JSON Pointer.
pub fn leaves(v: &Value) -> Vec<String> {
    fn walk(v: &Value, path: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, c) in m {
                    let k = k.replace('~', "~0").replace('/', "~1");
                    walk(c, format!("{path}/{k}"), out);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                for (i, c) in a.iter().enumerate() {
                    walk(c, format!("{path}/{i}"), out);
                }
            }
            _ => out.push(path),
        }
    }
    let mut out = Vec::new();
    walk(v, String::new(), &mut out);
    out
}

/// Every object member and array element as a JSON Pointer (for removal).
pub fn members(v: &Value) -> Vec<String> {
    fn walk(v: &Value, path: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    let p = format!("{path}/{}", k.replace('~', "~0").replace('/', "~1"));
                    out.push(p.clone());
                    walk(c, p, out);
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    let p = format!("{path}/{i}");
                    out.push(p.clone());
                    walk(c, p, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, String::new(), &mut out);
    out
}

/// Changes a leaf so that its canonical form certainly changes.
pub fn mutate_leaf(leaf: &mut Value, variant: u8) {
    *leaf = match (leaf.take(), variant % 2) {
        (Value::String(s), 0) => Value::String(format!("{s}x")),
        (Value::String(s), _) => {
            // Same length, last character changed: exercises the signature, not a parser.
            let mut chars: Vec<char> = s.chars().collect();
            match chars.last_mut() {
                Some(c) => *c = if *c == 'A' { 'B' } else { 'A' },
                None => chars.push('A'),
            }
            Value::String(chars.into_iter().collect())
        }
        (Value::Bool(b), _) => Value::Bool(!b),
        (Value::Null, _) => json!(0),
        (Value::Number(n), _) => Value::String(n.to_string()),
        (Value::Array(_), _) => json!([null]),
        (Value::Object(_), _) => json!({"added": true}),
    };
}

/// Removes the member or element at `pointer`.
pub fn remove_at(v: &mut Value, pointer: &str) {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let last = last.replace("~1", "/").replace("~0", "~");
    match v.pointer_mut(parent).unwrap() {
        Value::Object(m) => {
            m.shift_remove(&last).unwrap();
        }
        Value::Array(a) => {
            a.remove(last.parse::<usize>().unwrap());
        }
        _ => unreachable!(),
    }
}
