//! The lab's part of the season: a result on the cooperative's pooled lot, refused first
//! (not a number, impossible, unknown scheme, no CSRF value) with nothing certified, then
//! recorded with its certificate, which is then revoked.

use serde_json::json;

use crate::browser::Browser;
use crate::common::*;
use crate::{f, owned};

const LAB: &str = "/app/lab";

pub async fn certify(s: &TestServer, lab: &str, regulator: &str, pid: &str, pool_lot: &str) {
    let mut l = Browser::new(s);
    l.sign_in(lab, LAB).await;
    l.mn_by_header();
    let p = l.page(LAB, "mn").await;
    assert_eq!(p.h1(), "Gobi Lab · Лаборатори ба баталгаажуулалт");
    p.has("Шинжилгээний дүн бүртгэх")
        .has(r#"id="lab-form""#)
        .has(r#"name="csrf""#);
    assert!(p.rows("certificates").is_empty());
    let result = |mfd: &str, scheme: &str| {
        owned(&[
            ("lot", pool_lot),
            ("sample_id", "S-1"),
            ("method", "IWTO-47"),
            ("tested_at", "2025-05-02T12:00"),
            ("mfd_um", mfd),
            ("cv_pct", "21"),
            ("over30_pct", "0.3"),
            ("length_mm", "38"),
            ("schemes", scheme),
        ])
    };
    let lab_form = "/app/lab/result";
    l.en_by_cookie();
    l.page(LAB, "en").await;
    let us = "us-cashmere";
    l.refused(lab_form, &f(&result("fine", us)), LAB, &["mfd_um", "fine"])
        .await;
    l.refused(lab_form, &f(&result("-3", us)), LAB, &["mfd"])
        .await;
    l.refused(
        lab_form,
        &f(&result("15.4", "no-such-scheme")),
        LAB,
        &["no-such-scheme"],
    )
    .await;
    let r = l.post_raw(lab_form, &f(&result("15.4", us))).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let listing = s.ok(&format!("/pools/{pid}"), regulator).await;
    assert_eq!(listing["certificates"], json!([]), "{listing}");
    let msg = l
        .done(
            lab_form,
            &f(&result("15.4", us)),
            LAB,
            "Result recorded and certificate issued ",
        )
        .await;
    let cert = msg.rsplit(' ').next().unwrap().to_owned();
    let listing = s.ok(&format!("/pools/{pid}"), regulator).await;
    assert_eq!(listing["certificates"][0]["status"], "valid", "{listing}");
    assert!(
        listing.to_string().contains(&cert),
        "{listing} names {cert}"
    );
    let p = l.page(LAB, "en").await;
    let row = p.row("certificates", &cert);
    for cell in [
        format!(r#"<a href="{cert}" download>quality</a>"#),
        pool_lot.to_owned(),
        r#"<span class="ok">valid</span>"#.into(),
        format!(r#"name="credential" value="{cert}""#),
        "2 May 2025".into(),
    ] {
        assert!(row.contains(&cell), "{cell} in {row}");
    }
    let revoke = "/app/lab/revoke";
    let r = l.post_raw(revoke, &[("credential", &cert)]).await;
    assert_eq!(r.status, 403, "{}", r.body);
    l.refused(
        revoke,
        &[("credential", "https://nowhere.example/c/1")],
        LAB,
        &[],
    )
    .await;
    let listing = s.ok(&format!("/pools/{pid}"), regulator).await;
    assert_eq!(listing["certificates"][0]["status"], "valid", "{listing}");
    let (ok, msg) = l.submit(revoke, &[("credential", &cert)], LAB).await;
    assert!(ok && msg.ends_with(&cert), "{msg}");
    let listing = s.ok(&format!("/pools/{pid}"), regulator).await;
    assert_eq!(listing["certificates"][0]["status"], "revoked", "{listing}");
    let p = l.page(LAB, "en").await;
    let row = p.row("certificates", &cert);
    assert!(
        row.contains(r#"<span class="bad">"#) && !row.contains("/app/lab/revoke"),
        "{row}"
    );
}
