//! Regressions of the dashboard bugs the in-process tests found (error pages as problem JSON,
//! empty lab results, a misnamed field, certificates called "access revoked", no
//! Content-Language, insurers offered a grant they cannot get, an open redirect through
//! whitespace). They run on the in-memory store only: none of these depends on the backend.

use reqwest::Method;
use serde_json::json;
use store::Role;

use crate::browser::{Browser, Page};
use crate::common::*;

/// A lab with one lot of its own (a fibre intake), signed in on its page.
async fn lab_with_lot(s: &TestServer) -> (String, &'static str) {
    let lab = s
        .org("Gobi Lab", Role::Lab, &["https://gobi-lab.example.mn/"])
        .await;
    let lot = "https://gobi-lab.example.mn/lot/L-1";
    let doc = json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                     {"cm": "https://nooluur.org/voc/cashmere/"}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2025-05-10T02:00:00.000Z",
        "epcisBody": {"eventList": [{
            "type": "ObjectEvent",
            "eventTime": "2025-05-10T09:00:00.000+08:00",
            "eventTimeZoneOffset": "+08:00",
            "action": "ADD",
            "bizStep": "commissioning",
            "disposition": "active",
            "quantityList": [{"epcClass": lot, "quantity": 10.0, "uom": "KGM"}],
            "ilmd": {"cm:fibre": "cashmere", "cm:origin": "MN"},
            "cm:profile": "1",
            "cm:process": "fibre-intake",
        }]}
    });
    let r = s
        .send(
            Method::POST,
            "/events",
            Some(&lab),
            &[("content-type", "application/ld+json")],
            Some(doc.to_string().into_bytes()),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "capture: {}", r.text());
    (lab, lot)
}

fn result<'a>(lot: &'a str, tested_at: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("lot", lot),
        ("sample_id", "S-1"),
        ("method", "IWTO-47"),
        ("tested_at", tested_at),
        ("mfd_um", "15.4"),
        ("cv_pct", "21"),
        ("length_mm", "38"),
        ("schemes", "us-cashmere"),
    ]
}

/// An error page must be the HTML page the handler drew, not a JSON problem wrapping it.
#[track_caller]
fn html_error(p: &Page, status: u16, text: &str) {
    assert_eq!(p.status, status, "{}", p.body);
    assert_eq!(
        p.content_type.as_deref(),
        Some("text/html; charset=utf-8"),
        "{} answered {status} with {}",
        p.path,
        &p.body[..p.body.len().min(300)]
    );
    assert!(p.body.starts_with("<!doctype html>"), "{}", p.body);
    p.has(text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_pages_are_html() {
    let Some(s) = start(Db::Memory).await else {
        return;
    };
    let coop = s.org("Uliastai herders", Role::Cooperative, &[]).await;
    let mut b = Browser::new(&s);
    let r = b.post_raw("/app/login", &[("token", "wrong")]).await;
    html_error(
        &r,
        401,
        r#"<p id="flash" role="alert" class="flash-err">That token is not valid.</p>"#,
    );
    r.has(r#"<form id="login""#);
    b.sign_in(&coop, "/app/cooperative").await;
    let r = b.get("/app/buyer").await;
    html_error(
        &r,
        403,
        r#"<p id="error-message">This page is for another role.</p>"#,
    );
    let r = b
        .post_raw(
            "/app/cooperative/pool",
            &[("colour", "white"), ("grade", "I")],
        )
        .await;
    html_error(&r, 403, "the form is stale or came from another site");
    let lender = s.org("XacBank", Role::Lender, &[]).await;
    let mut l = Browser::new(&s);
    l.sign_in(&lender, "/app/lender").await;
    let r = l.get("/app/lender/history/18101-00001").await;
    assert!(r.status >= 400, "{}", r.body);
    html_error(&r, r.status, r#"id="error-message""#);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lab_certificates_show_their_results() {
    let Some(s) = start(Db::Memory).await else {
        return;
    };
    let (lab, lot) = lab_with_lot(&s).await;
    let mut b = Browser::new(&s);
    b.sign_in(&lab, "/app/lab").await;
    b.page("/app/lab", "en").await;
    let msg = b
        .done(
            "/app/lab/result",
            &result(lot, "2025-05-10T12:00"),
            "/app/lab",
            "Result recorded",
        )
        .await;
    let cert = msg.rsplit(' ').next().unwrap().to_owned();
    let p = b.page("/app/lab", "en").await;
    let row = p.row("certificates", &cert);
    assert!(row.contains("mfd_um 15.4"), "{row}");
    assert!(
        row.contains("cv_pct 21") && row.contains("length_mm 38"),
        "{row}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_test_time_is_named_tested_at() {
    let Some(s) = start(Db::Memory).await else {
        return;
    };
    let (lab, lot) = lab_with_lot(&s).await;
    let mut b = Browser::new(&s);
    b.sign_in(&lab, "/app/lab").await;
    b.page("/app/lab", "en").await;
    let msg = b
        .refused(
            "/app/lab/result",
            &result(lot, "yesterday"),
            "/app/lab",
            &["yesterday"],
        )
        .await;
    assert!(
        msg.starts_with("tested_at:") && !msg.contains("closes_at"),
        "{msg}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_certificate_is_not_called_access() {
    let Some(s) = start(Db::Memory).await else {
        return;
    };
    let (lab, lot) = lab_with_lot(&s).await;
    let mut b = Browser::new(&s);
    b.sign_in(&lab, "/app/lab").await;
    b.page("/app/lab", "en").await;
    let msg = b
        .done(
            "/app/lab/result",
            &result(lot, "2025-05-10T12:00"),
            "/app/lab",
            "Result recorded",
        )
        .await;
    let cert = msg.rsplit(' ').next().unwrap().to_owned();
    let (ok, msg) = b
        .submit("/app/lab/revoke", &[("credential", &cert)], "/app/lab")
        .await;
    assert!(ok, "{msg}");
    assert!(!msg.contains("Access"), "{msg}");
    let p = b.page("/app/lab", "en").await;
    let row = p.row("certificates", &cert);
    assert!(
        row.contains(r#"<span class="bad">"#) && !row.contains("Access"),
        "{row}"
    );
    b.mn_by_header();
    let p = b.page("/app/lab", "mn").await;
    assert!(
        !p.row("certificates", &cert).contains("Эрх"),
        "{}",
        p.row("certificates", &cert)
    );
    let regulator = s.org("nso", Role::Regulator, &[]).await;
    let mut r = Browser::new(&s);
    r.sign_in(&regulator, "/app/regulator").await;
    let p = r.page("/app/regulator", "en").await;
    assert!(
        !p.element("output").contains("Access"),
        "{}",
        p.element("output")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_say_their_language() {
    let Some(s) = start(Db::Memory).await else {
        return;
    };
    let coop = s.org("Uliastai herders", Role::Cooperative, &[]).await;
    let mut b = Browser::new(&s);
    b.mn_by_header();
    let p = b.page("/app/login", "mn").await;
    assert_eq!(p.content_language.as_deref(), Some("mn"));
    b.sign_in(&coop, "/app/cooperative").await;
    let p = b.page("/app/cooperative", "mn").await;
    assert_eq!(p.content_language.as_deref(), Some("mn"));
    b.en_by_cookie();
    let p = b.page("/app/cooperative", "en").await;
    assert_eq!(p.content_language.as_deref(), Some("en"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_listed_lender_can_be_granted() {
    let Some(s) = start(Db::Memory).await else {
        return;
    };
    let coop = s.org("coop", Role::Cooperative, &[]).await;
    let herder = s.org("Bat household", Role::Herder, &[]).await;
    s.org("Mongol Daatgal", Role::Insurer, &[]).await;
    let h = s
        .created(
            "/households",
            &coop,
            json!({"name": "Bat", "soum": "18101", "org": "Bat household"}),
        )
        .await;
    let hh = h["id"].as_str().unwrap();
    let mut b = Browser::new(&s);
    b.sign_in(&herder, "/app/household").await;
    let p = b.page("/app/household", "en").await;
    if p.body.contains("<option>Mongol Daatgal</option>") {
        let (ok, msg) = b
            .submit(
                "/app/household/grant",
                &[
                    ("household", hh),
                    ("lender", "Mongol Daatgal"),
                    ("purpose", "index insurance"),
                    ("until", "2026-01-31"),
                ],
                "/app/household",
            )
            .await;
        assert!(ok, "a lender the form offers is refused: {msg}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_way_off_site_through_whitespace() {
    let Some(s) = start(Db::Memory).await else {
        return;
    };
    let coop = s.org("Uliastai herders", Role::Cooperative, &[]).await;
    let mut b = Browser::new(&s);
    for back in [
        "%2F%09%2Fevil.example",
        "%09%2F%2Fevil.example",
        "%2F%0A%2Fevil.example",
    ] {
        let r = b.get(&format!("/app/lang?to=en&back={back}")).await;
        assert_eq!(r.status, 303);
        assert_eq!(r.location.as_deref(), Some("/app"), "back={back}");
    }
    for next in ["/\t/evil.example", "\t//evil.example", "/\n/evil.example"] {
        let mut x = Browser::new(&s);
        let r = x
            .post_raw("/app/login", &[("token", &coop), ("next", next)])
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(
            r.location.as_deref(),
            Some("/app/cooperative"),
            "next={next:?}"
        );
    }
}
