//! Issue 4 end to end, on every backend: a simulated season; a certifier's scope certificate
//! covering some households; a lab's test on a lot and its quality certificate; a transaction
//! certificate on a sale, and an over-claiming one refused; a garment whose provenance shows
//! the certified share; revocations that show everywhere the credentials appear.

// A failing unwrap is a failing test here.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use credentials::{DidKeyResolver, StaticStatusLookup};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use serde_json::{Value, json};
use store::Role;

fn enc(id: &str) -> String {
    utf8_percent_encode(id, NON_ALPHANUMERIC).to_string()
}

async fn post(s: &TestServer, path: &str, token: &str, body: &Value) -> Resp {
    s.send(
        Method::POST,
        path,
        Some(token),
        &[("content-type", "application/json")],
        Some(serde_json::to_vec(body).unwrap()),
    )
    .await
}

async fn capture(s: &TestServer, token: &str, doc: &[u8]) -> Resp {
    s.send(
        Method::POST,
        "/events",
        Some(token),
        &[("content-type", "application/ld+json")],
        Some(doc.to_vec()),
    )
    .await
}

/// Verifies a credential the way an outsider would: did:key offline, the issuer's status
/// list as the server publishes it.
async fn verify(s: &TestServer, token: &str, vc: &Value) -> Result<(), String> {
    let list_url = vc["credentialStatus"]["statusListCredential"]
        .as_str()
        .unwrap();
    let path = list_url.split("/credentials/").nth(1).unwrap();
    let r = s.get(&format!("/credentials/{path}"), token).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let mut lists = StaticStatusLookup::new();
    lists.insert(r.json());
    credentials::verify(vc, &DidKeyResolver, chrono::Utc::now(), &lists)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Runs the independent verifier (`../shared/tools/vc_verify.py`) on a credential and its
/// status list; `None` when the tool or its Python environment is not here.
fn independent_verdict(vc: &Value, list: &Value) -> Option<(bool, String)> {
    let script = shared_dir().join("tools/vc_verify.py");
    let python = std::env::var_os("NOOLUUR_VERIFY_VENV")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|h| std::path::PathBuf::from(h).join(".cache/nooluur-verify"))
        })
        .map(|v| v.join("bin/python"))
        .filter(|p| p.exists());
    let (Some(python), true) = (python, script.exists()) else {
        eprintln!(
            "note: vc_verify.py or its environment is absent, skipping the independent check"
        );
        return None;
    };
    // One directory per call: the three backends' scenarios run at once in this process.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("nooluur-cert-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (c, l) = (dir.join("vc.json"), dir.join("list.json"));
    std::fs::write(&c, serde_json::to_vec(vc).unwrap()).unwrap();
    std::fs::write(&l, serde_json::to_vec(list).unwrap()).unwrap();
    let out = std::process::Command::new(python)
        .arg(&script)
        .arg(&c)
        .arg("--status-list")
        .arg(&l)
        .env("NOOLUUR_VERIFY_NO_BOOTSTRAP", "1")
        .output()
        .ok()?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some((out.status.success(), text))
}

fn certified<'a>(report: &'a Value, standard: &str) -> &'a Value {
    report["certification"]["certified"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["standard"] == standard)
        .unwrap_or_else(|| panic!("no {standard} in {report}"))
}

async fn certification_end_to_end(db: Db) {
    let Some(s) = start(db).await else {
        return;
    };
    let mill = s.org("mill", Role::Processor, &[]).await;
    let lab = s.org("gobi-lab", Role::Lab, &[]).await;
    let certifier = s.org("control-union", Role::Certifier, &[]).await;
    let regulator = s.org("nso", Role::Regulator, &[]).await;
    let mut sim = sim::Simulation::new(sim::Season::new(30, 7)).unwrap();
    let docs: Vec<String> = sim.by_ref().map(|c| c.to_json()).collect();
    let manifest = sim.manifest().clone();
    for d in &docs {
        let r = capture(&s, &mill, d.as_bytes()).await;
        assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    }
    // A garment spun from several households' fibre (small producers' ones come from one).
    let mut chosen = None;
    for g in &manifest.garments {
        let report = s
            .get(&format!("/provenance/{}", enc(g)), &regulator)
            .await
            .json();
        let mut h: Vec<String> = report["sources"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|x| x["household"].as_str().map(str::to_owned))
            .collect();
        h.sort();
        h.dedup();
        if h.len() >= 2 {
            chosen = Some((g.clone(), report, h));
            break;
        }
    }
    let (garment, report, households) = chosen.expect("a garment with several households");
    let sources = report["sources"].as_array().unwrap().clone();
    assert!(households.len() >= 2, "{report}");
    // Before any certificate: nothing is certified.
    assert!(
        report["certification"]["certified"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{report}"
    );

    // The certifier certifies a cooperative with half the garment's households as members.
    let covered: Vec<String> = households.iter().step_by(2).cloned().collect();
    let scope = post(
        &s,
        "/credentials/scope",
        &certifier,
        &json!({
            "organisation": {"id": "https://coop.example.mn/", "name": "Altai cooperative"},
            "standard": "SFA",
            "certificate_number": "SFA-2025-017",
            "processes": ["combing", "pooling"],
            "products": ["raw cashmere"],
            "sites": covered.iter().map(|h| json!({"id": h})).collect::<Vec<_>>(),
            "valid_until": "2099-01-01T00:00:00Z"
        }),
    )
    .await;
    assert_eq!(scope.status.as_u16(), 201, "{}", scope.text());
    let scope = scope.json();
    verify(&s, &certifier, &scope).await.unwrap();

    let report = s
        .get(&format!("/provenance/{}", enc(&garment)), &regulator)
        .await
        .json();
    let expected: f64 = sources
        .iter()
        .filter(|x| {
            x["household"]
                .as_str()
                .is_some_and(|h| covered.iter().any(|c| c == h))
        })
        .map(|x| x["share"].as_f64().unwrap())
        .sum();
    let sfa = certified(&report, "SFA");
    assert!(
        (sfa["share"].as_f64().unwrap() - expected).abs() < 1e-9,
        "{sfa} vs {expected}"
    );
    assert!(expected > 0.0 && expected < 1.0);
    assert_eq!(sfa["scope_certificates"][0]["status"], "valid");

    // A combing lot of a covered household: the lab tests it and certifies the result.
    let lot = sources
        .iter()
        .find(|x| x["household"].as_str() == Some(covered[0].as_str()))
        .unwrap()["lot"]
        .as_str()
        .unwrap()
        .to_owned();
    let result: quality::LabResult = serde_json::from_value(json!({
        "lot": lot,
        "lab": "https://gobi-lab.example.mn/",
        "sample_id": "S-0042",
        "methods": ["IWTO-47"],
        "tested_at": "2025-06-12T10:00:00+08:00",
        "measurements": {"mfd_um": 15.6, "cv_pct": 21.5, "over30_pct": 0.4, "length_mm": 38.0}
    }))
    .unwrap();
    let doc = epcis::jsonld::to_string(&result.to_document().unwrap());
    // A physically impossible result is refused at capture and changes nothing.
    let mut absurd: Value = serde_json::from_str(&doc).unwrap();
    for r in absurd["epcisBody"]["eventList"][0]["sensorElementList"][0]["sensorReport"]
        .as_array_mut()
        .unwrap()
    {
        if r["type"] == "cm:MeanFibreDiameter" {
            r["value"] = json!(300.0);
        }
    }
    let before = s.app.store.count_events().await.unwrap();
    let r = capture(&s, &lab, &serde_json::to_vec(&absurd).unwrap()).await;
    let p = r.assert_problem(400, "ValidationException");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("mfd_um = 300"),
        "{p}"
    );
    assert_eq!(s.app.store.count_events().await.unwrap(), before);
    let r = capture(&s, &lab, doc.as_bytes()).await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    let event_id = r.json()["eventIDs"][0].as_str().unwrap().to_owned();

    let r = post(
        &s,
        "/credentials/quality",
        &mill,
        &json!({"event_id": event_id, "schemes": ["us-cashmere"]}),
    )
    .await;
    r.assert_problem(403, "SecurityException");
    let r = post(
        &s,
        "/credentials/quality",
        &lab,
        &json!({"event_id": event_id, "schemes": ["no-such-scheme"]}),
    )
    .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text());
    let r = post(
        &s,
        "/credentials/quality",
        &lab,
        &json!({"event_id": event_id, "schemes": ["us-cashmere", "mn-grades"]}),
    )
    .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    let quality_vc = r.json();
    assert_eq!(quality_vc["credentialSubject"]["id"], lot.as_str());
    verify(&s, &lab, &quality_vc).await.unwrap();
    let list_path = quality_vc["credentialStatus"]["statusListCredential"]
        .as_str()
        .unwrap()
        .split("/credentials/")
        .nth(1)
        .unwrap()
        .to_owned();
    let list = s
        .get(&format!("/credentials/{list_path}"), &lab)
        .await
        .json();
    if let Some((ok, text)) = independent_verdict(&quality_vc, &list) {
        assert!(ok && text.contains("verified"), "vc_verify.py: {text}");
        let mut tampered = quality_vc.clone();
        tampered["credentialSubject"]["sample"] = json!("S-9999");
        let (ok, text) = independent_verdict(&tampered, &list).unwrap();
        assert!(!ok, "vc_verify.py accepted a tampered credential: {text}");
    }
    let id = quality_vc["id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let r = s.get(&format!("/credentials/{id}"), &regulator).await;
    assert_eq!(r.json(), quality_vc);

    // The one-step flow: the certificate's id is chosen first, so the lab-test event names it
    // in certificationInfo and the certificate names the event.
    let mut second = serde_json::to_value(&result).unwrap();
    second["sample_id"] = json!("S-0043");
    second["tested_at"] = json!("2025-06-13T10:00:00+08:00");
    let before = s.app.store.count_events().await.unwrap();
    let r = post(
        &s,
        "/lab-results",
        &lab,
        &json!({"result": second, "schemes": ["no-such-scheme"]}),
    )
    .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text());
    assert_eq!(
        s.app.store.count_events().await.unwrap(),
        before,
        "nothing stored"
    );
    let r = post(
        &s,
        "/lab-results",
        &lab,
        &json!({"result": second, "schemes": ["us-cashmere"]}),
    )
    .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    let recorded = r.json();
    let cred_id = recorded["credential"]["id"].as_str().unwrap().to_owned();
    verify(&s, &lab, &recorded["credential"]).await.unwrap();
    let ev = s
        .get(
            &format!("/events/{}", enc(recorded["eventID"].as_str().unwrap())),
            &lab,
        )
        .await
        .json();
    let stored = &ev["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0];
    assert_eq!(stored["certificationInfo"], json!(cred_id), "{ev}");
    let r = post(&s, "/lab-results", &mill, &json!({"result": second})).await;
    r.assert_problem(403, "SecurityException");

    // A lab with a domain signs as its did:web; its DID document comes from the platform (to
    // publish at https://lab2.example.mn/.well-known/did.json) and resolves the key offline.
    let lab2 = s.org("lab2", Role::Lab, &["did:web:lab2.example.mn"]).await;
    let lab2_id = s.app.store.org_by_name("lab2").await.unwrap().unwrap().id.0;
    let mut third = second.clone();
    third["sample_id"] = json!("L2-1");
    let r = post(
        &s,
        "/lab-results",
        &lab2,
        &json!({"result": third, "schemes": ["us-cashmere"]}),
    )
    .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    let web_vc = r.json()["credential"].clone();
    assert_eq!(
        web_vc["issuer"]["id"], "did:web:lab2.example.mn",
        "{web_vc}"
    );
    let doc = s
        .get(&format!("/credentials/did/{lab2_id}"), &regulator)
        .await;
    assert_eq!(doc.status.as_u16(), 200, "{}", doc.text());
    let doc = doc.json();
    let list_url = web_vc["credentialStatus"]["statusListCredential"]
        .as_str()
        .unwrap();
    let list = s
        .get(
            &format!(
                "/credentials/{}",
                list_url.split("/credentials/").nth(1).unwrap()
            ),
            &lab2,
        )
        .await
        .json();
    let mut lists = StaticStatusLookup::new();
    lists.insert(list);
    let err =
        credentials::verify(&web_vc, &DidKeyResolver, chrono::Utc::now(), &lists).unwrap_err();
    assert_eq!(err.kind(), "unknown-key", "{err}");
    let mut keys = credentials::StaticResolver::new();
    keys.add_did_document(&doc).unwrap();
    credentials::verify(&web_vc, &keys, chrono::Utc::now(), &lists).unwrap();
    let r = s
        .get(
            &format!(
                "/credentials/did/{}",
                s.app
                    .store
                    .org_by_name("gobi-lab")
                    .await
                    .unwrap()
                    .unwrap()
                    .id
                    .0
            ),
            &regulator,
        )
        .await;
    r.assert_problem(404, "NoSuchResourceException");

    // The lot is 100 % a covered household's: all of it is certified. A sale certifies half,
    // then a second certificate asking for the whole lot again is refused.
    let lot_report = s
        .get(&format!("/lots/{}", enc(&lot)), &regulator)
        .await
        .json();
    let lot_g = lot_report["quantity_g"].as_u64().unwrap();
    let shipping = s
        .get("/events?EQ_bizStep=shipping&perPage=1", &regulator)
        .await
        .json();
    let shipment = shipping["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0]["eventID"]
        .as_str()
        .unwrap()
        .to_owned();
    let tc = |kg: String| {
        json!({
            "seller": {"id": "https://coop.example.mn/", "name": "Altai cooperative"},
            "buyer": {"id": "https://mill.example.mn/", "name": "Gobi mill"},
            "standard": "SFA",
            "lots": [{"lot": lot, "certified_kg": kg}],
            "gross_kg": format!("{}.{:03}", lot_g / 1000, lot_g % 1000),
            "scope_certificates": [scope["id"]],
            "shipment_event": shipment
        })
    };
    let half = lot_g / 2;
    let r = post(
        &s,
        "/credentials/transaction",
        &certifier,
        &tc(format!("{}.{:03}", half / 1000, half % 1000)),
    )
    .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    let tc_vc = r.json();
    verify(&s, &certifier, &tc_vc).await.unwrap();
    let r = post(
        &s,
        "/credentials/transaction",
        &certifier,
        &tc(format!("{}.{:03}", lot_g / 1000, lot_g % 1000)),
    )
    .await;
    let p = r.assert_problem(409, "ValidationException");
    assert_eq!(p["title"], "The claim exceeds the lot's certified mass");
    assert_eq!(p["rejection"]["rule"], "double-claim", "{p}");
    assert_eq!(
        p["rejection"]["certified_kg"].as_f64().unwrap(),
        lot_g as f64 / 1000.0
    );
    assert_eq!(
        p["rejection"]["claimed_kg"].as_f64().unwrap(),
        half as f64 / 1000.0
    );
    // A lot of an uncovered household has nothing certified to claim.
    let other = sources
        .iter()
        .find(|x| {
            x["household"]
                .as_str()
                .is_some_and(|h| !covered.iter().any(|c| c == h))
        })
        .unwrap()["lot"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut body = tc("0.001".into());
    body["lots"][0]["lot"] = json!(other);
    let r = post(&s, "/credentials/transaction", &certifier, &body).await;
    assert_eq!(r.status.as_u16(), 409, "{}", r.text());

    // The lot's provenance lists both certificates, valid.
    let lr = s
        .get(&format!("/provenance/{}", enc(&lot)), &regulator)
        .await
        .json();
    let creds = lr["certification"]["credentials"].as_array().unwrap();
    assert_eq!(
        creds.len(),
        4,
        "three quality certificates and a transaction certificate: {lr}"
    );
    assert!(creds.iter().all(|c| c["status"] == "valid"), "{lr}");

    // Only the issuer revokes; a revoked certificate shows as revoked everywhere.
    let r = s
        .send(
            Method::POST,
            &format!("/credentials/{id}/revoke"),
            Some(&certifier),
            &[],
            None,
        )
        .await;
    r.assert_problem(403, "SecurityException");
    let r = s
        .send(
            Method::POST,
            &format!("/credentials/{id}/revoke"),
            Some(&lab),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let err = verify(&s, &lab, &quality_vc).await.unwrap_err();
    assert!(err.starts_with("revoked"), "{err}");
    let lr = s
        .get(&format!("/provenance/{}", enc(&lot)), &regulator)
        .await
        .json();
    let q = lr["certification"]["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "quality")
        .unwrap();
    assert_eq!(q["status"], "revoked", "{lr}");
    let public = s
        .send(
            Method::GET,
            &format!("/provenance/{}", enc(&lot)),
            None,
            &[],
            None,
        )
        .await
        .json();
    assert!(
        public["certification"]["credentials"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["status"] == "revoked")
    );

    // Revoking the scope certificate: the garment's SFA share drops to 0, the certificate
    // still listed, revoked.
    let scope_id = scope["id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let r = s
        .send(
            Method::POST,
            &format!("/credentials/{scope_id}/revoke"),
            Some(&certifier),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let report = s
        .get(&format!("/provenance/{}", enc(&garment)), &regulator)
        .await
        .json();
    let sfa = certified(&report, "SFA");
    assert_eq!(sfa["share"].as_f64().unwrap(), 0.0, "{sfa}");
    assert_eq!(sfa["scope_certificates"][0]["status"], "revoked");
    let err = verify(&s, &certifier, &scope).await.unwrap_err();
    assert!(err.starts_with("revoked"), "{err}");

    // Unknown credential: 404.
    let r = s
        .get(
            "/credentials/00000000-0000-4000-8000-000000000000",
            &regulator,
        )
        .await;
    r.assert_problem(404, "NoSuchResourceException");
}

on_backends!(certification_end_to_end);
