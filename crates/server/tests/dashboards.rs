//! Issue 8, the dashboards in process, on every backend: signing in and out, who is sent
//! where, the language switch and its refusal of off-site targets; every role's page with the
//! rows the test created, in Mongolian (by `Accept-Language`) and English (by the `lang`
//! cookie); every form refusing bad input with a flash that names the field and changing
//! nothing, refusing a post without its CSRF value, and doing its work once.
//!
//! The client follows no redirect and carries the cookies by hand (`dashboards/browser.rs`),
//! so each 303, `Set-Cookie` and flash message is seen as sent.

// A failing unwrap is a failing test here.
#![allow(clippy::unwrap_used)]

mod common;

#[path = "dashboards/browser.rs"]
mod browser;
#[path = "dashboards/bugs.rs"]
mod bugs;
#[path = "dashboards/lab.rs"]
mod lab;
#[path = "dashboards/people.rs"]
mod people;
#[path = "dashboards/processor.rs"]
mod processor;
#[path = "dashboards/season.rs"]
mod season;

use browser::{Browser, cyrillic};
use common::*;
use processor::processor;
use season::season;
use serde_json::json;
use store::Role;

/// Grams as the pages show kilograms: up to three decimals, thousands grouped.
pub fn kg(grams: u64) -> String {
    let frac = format!("{:03}", grams % 1000);
    let frac = frac.trim_end_matches('0');
    let int = group(grams / 1000);
    if frac.is_empty() {
        int
    } else {
        format!("{int}.{frac}")
    }
}

pub fn group(n: u64) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn mnt_en(n: i64) -> String {
    format!("MNT {}", group(n.unsigned_abs()))
}

pub fn mnt_mn(n: i64) -> String {
    format!("₮ {}", group(n.unsigned_abs()))
}

/// Form fields as owned pairs (for fields built from the test's values).
pub fn owned(fields: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

/// Owned pairs as the browser posts them.
pub fn f<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Every dashboard path and the role it belongs to.
const DASHBOARDS: [(&str, Role); 10] = [
    ("/app/household", Role::Herder),
    ("/app/cooperative", Role::Cooperative),
    ("/app/lab", Role::Lab),
    ("/app/lab", Role::Certifier),
    ("/app/processor", Role::Processor),
    ("/app/processor", Role::Brand),
    ("/app/buyer", Role::Buyer),
    ("/app/regulator", Role::Regulator),
    ("/app/lender", Role::Lender),
    ("/app/lender", Role::Insurer),
];

async fn sign_in(db: Db) {
    let Some((s, clock)) = start_manual(db, "2025-05-02T02:00:00Z").await else {
        return;
    };
    let coop = s.org("Uliastai herders", Role::Cooperative, &[]).await;
    let mut b = Browser::new(&s);

    // The sign-in page, in English by default and in Mongolian when the browser asks.
    let p = b.page("/app/login", "en").await;
    assert_eq!(p.h1(), "Sign in");
    p.has(r#"<form id="login" class="card" method="post" action="/app/login">"#)
        .has(r#"<input id="token" name="token" type="password""#)
        .has(r#"<button id="login-submit" type="submit">Sign in</button>"#)
        .lacks(r#"id="flash""#)
        .lacks(r#"id="logout""#);
    assert!(p.cookie("nooluur_session").is_none() && b.jar.is_empty());
    b.mn_by_header();
    let p = b.page("/app/login", "mn").await;
    assert_eq!(p.h1(), "Нэвтрэх");
    assert!(cyrillic(p.element("login")));
    let p = b.page("/app/login?next=%2Fapp%2Fbuyer", "mn").await;
    p.has(r#"<input type="hidden" name="next" value="/app/buyer">"#);
    let p = b
        .page("/app/login?next=https%3A%2F%2Fevil.example%2F", "mn")
        .await;
    p.has(r#"<input type="hidden" name="next" value="">"#);

    // A wrong or empty token: the page again with the error, and no session.
    b.accept_language = None;
    for token in ["not-a-token", "", &format!("{coop}x")] {
        let r = b.post_raw("/app/login", &[("token", token)]).await;
        assert_eq!(r.status, 401, "{token:?}: {}", r.body);
        r.has("That token is not valid.");
        assert!(r.cookie("nooluur_session").is_none(), "{:?}", r.set_cookies);
        assert!(b.session().is_none());
    }

    // Without a session every dashboard and form sends to the sign-in page, naming the way
    // back; nothing runs.
    let r = b.get("/app").await;
    assert_eq!((r.status, r.location.as_deref()), (303, Some("/app/login")));
    for (path, _) in DASHBOARDS {
        let r = b.get(path).await;
        assert_eq!(r.status, 303, "{path}: {}", r.body);
        let want = format!("/app/login?next={}", path.replace('/', "%2F"));
        assert_eq!(r.location.as_deref(), Some(want.as_str()), "{path}");
    }
    let r = b
        .post_raw(
            "/app/cooperative/pool",
            &[("csrf", "x"), ("colour", "white"), ("grade", "I")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(r.location.as_deref().unwrap().starts_with("/app/login"));
    assert!(r.flash().is_none());
    assert!(s.ok("/pools", &coop).await.as_array().unwrap().is_empty());

    // Each role lands on its page; /app sends there too; other roles' pages are 403.
    let admin = s.org("root", Role::Admin, &[]).await;
    let mut all = vec![];
    for (i, (path, role)) in DASHBOARDS.iter().enumerate() {
        let token = s.org(&format!("org {i}"), *role, &[]).await;
        all.push((token, *path));
    }
    for (token, path) in &all {
        let mut x = Browser::new(&s);
        x.sign_in(token, path).await;
        let r = x.get("/app").await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some(*path)));
        let p = x.page(path, "en").await;
        p.has(r#"<button id="logout" type="submit">Sign out</button>"#);
        for (other, _) in DASHBOARDS.iter().filter(|(o, _)| o != path) {
            let r = x.get(other).await;
            assert_eq!(r.status, 403, "{path} user on {other}: {}", r.body);
            r.has("This page is for another role.");
        }
    }
    let mut x = Browser::new(&s);
    x.sign_in(&admin, "/app/regulator").await;
    x.page("/app/cooperative", "en").await;
    // A form of another role's page is refused even with the session's CSRF value.
    let mut x = Browser::new(&s);
    x.sign_in(&coop, "/app/cooperative").await;
    x.page("/app/cooperative", "en").await;
    let r = x
        .post(
            "/app/buyer/bid",
            &[
                ("auction", "A-1-0001"),
                ("pool", "P-1-0001"),
                ("amount_mnt", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    r.has("This page is for another role.");

    // The way back after signing in stays on this site.
    for (next, to) in [
        ("/app/buyer", "/app/buyer"),
        ("https://evil.example/", "/app/cooperative"),
        ("//evil.example/", "/app/cooperative"),
        ("/\\evil.example", "/app/cooperative"),
    ] {
        let mut x = Browser::new(&s);
        let r = x
            .post_raw("/app/login", &[("token", &coop), ("next", next)])
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(r.location.as_deref(), Some(to), "next={next}");
    }

    // The session cookie is Secure behind HTTPS only.
    let plain = b.post_raw("/app/login", &[("token", &coop)]).await;
    assert!(!plain.cookie("nooluur_session").unwrap().contains("Secure"));
    let req = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(s.url("/app/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-proto", "https")
        .body(format!("token={coop}"))
        .send()
        .await
        .unwrap();
    let c = req.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(c.ends_with("; Secure"), "{c}");

    // Signed in: the page shows who, the sign-out form with its CSRF value.
    let mut b = Browser::new(&s);
    b.sign_in(&coop, "/app/cooperative").await;
    let p = b.page("/app/cooperative", "en").await;
    p.has("Signed in as <strong>Uliastai herders</strong> · Cooperative");
    let csrf = p.csrf();
    assert_eq!(csrf.len(), 64);
    p.has(&format!(
        r#"<form method="post" action="/app/logout"><input type="hidden" name="csrf" value="{csrf}">"#
    ));
    let other = {
        let mut o = Browser::new(&s);
        o.sign_in(&coop, "/app/cooperative").await;
        o.page("/app/cooperative", "en").await.csrf()
    };
    assert_ne!(csrf, other, "each session has its own CSRF value");
    // Another session's CSRF value does not pass.
    let r = b
        .post_raw(
            "/app/cooperative/pool",
            &[("csrf", &other), ("colour", "white"), ("grade", "I")],
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);

    // Language switch: back to the page, cookie set; off-site targets go home.
    let r = b.get("/app/lang?to=mn&back=%2Fapp%2Fcooperative").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location.as_deref(), Some("/app/cooperative"));
    assert_eq!(
        r.cookie("lang"),
        Some("lang=mn; Path=/; Max-Age=31536000; SameSite=Lax")
    );
    let p = b.page("/app/cooperative", "mn").await;
    assert_eq!(p.h1(), "Uliastai herders · Хоршоо");
    p.has(r#"href="/app/lang?to=en&#38;back=%2Fapp%2Fcooperative""#)
        .has(r#"id="lang-mn" lang="mn" hreflang="mn" href="/app/lang?to=mn&#38;back=%2Fapp%2Fcooperative" aria-current="true""#);
    for back in [
        "https%3A%2F%2Fevil.example%2F",
        "%2F%2Fevil.example%2F",
        "%2F%5Cevil.example",
        "evil.example",
    ] {
        let r = b.get(&format!("/app/lang?to=en&back={back}")).await;
        assert_eq!(r.status, 303);
        assert_eq!(r.location.as_deref(), Some("/app"), "back={back}");
        assert_eq!(b.jar.get("lang").map(String::as_str), Some("en"));
    }
    let r = b.get("/app/lang?to=xx&back=%2Fapp%2Flogin").await;
    assert_eq!(r.location.as_deref(), Some("/app/login"));
    assert!(r.cookie("lang").unwrap().starts_with("lang=en;"));
    let p = b.page("/app/cooperative", "en").await;
    assert_eq!(p.h1(), "Uliastai herders · Cooperative");

    // A sign-out without the session's CSRF value (another site posting it) is refused and
    // leaves the session as it was; with it, the session ends for good: the old cookie opens
    // nothing.
    let r = b.post_raw("/app/logout", &[]).await;
    assert_eq!(r.status, 403);
    assert!(b.session().is_some());
    let p = b.page("/app/cooperative", "en").await;
    assert_eq!(p.h1(), "Uliastai herders · Cooperative");
    let old = b.session().unwrap().to_owned();
    b.page("/app/cooperative", "en").await;
    let r = b.post("/app/logout", &[]).await;
    assert_eq!((r.status, r.location.as_deref()), (303, Some("/app/login")));
    let c = r.cookie("nooluur_session").unwrap();
    assert!(
        c.starts_with("nooluur_session=;") && c.contains("Max-Age=0"),
        "{c}"
    );
    assert!(b.session().is_none());
    b.jar.insert("nooluur_session".into(), old);
    let r = b.get("/app/cooperative").await;
    assert_eq!(r.status, 303, "the old cookie opens nothing: {}", r.body);
    assert!(r.location.unwrap().starts_with("/app/login"));
    let r = b.get("/app/login").await;
    r.lacks(r#"id="logout""#);

    // A session ends by itself after its lifetime.
    let mut b = Browser::new(&s);
    b.sign_in(&coop, "/app/cooperative").await;
    b.page("/app/cooperative", "en").await;
    clock.advance(chrono::Duration::hours(16) + chrono::Duration::seconds(1));
    let r = b.get("/app/cooperative").await;
    assert_eq!(r.status, 303, "{}", r.body);
}

/// The labels of the Mongolian pages are Mongolian (they were English once: lab.html Method,
/// Schemes; processor.html Process, In (kg), Out (kg); household.html Balance).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mongolian_pages_have_no_english_labels() {
    let Some(s) = start(Db::Memory).await else {
        return;
    };
    let cases = [
        (Role::Lab, "/app/lab", &[">Method<", ">Schemes<"][..]),
        (
            Role::Processor,
            "/app/processor",
            &[">Process<", ">In (kg)<", ">Out (kg)<"],
        ),
        (Role::Herder, "/app/household", &["Balance"]),
    ];
    for (i, (role, path, english)) in cases.iter().enumerate() {
        let token = s.org(&format!("org {i}"), *role, &[]).await;
        if *role == Role::Herder {
            let coop = s.org("coop", Role::Cooperative, &[]).await;
            s.created(
                "/households",
                &coop,
                json!({"name": "Bat", "soum": "18101", "org": format!("org {i}")}),
            )
            .await;
        }
        let mut b = Browser::new(&s);
        b.sign_in(&token, path).await;
        b.mn_by_header();
        let p = b.page(path, "mn").await;
        for e in *english {
            p.lacks(e);
        }
    }
}

on_backends!(sign_in, season, processor);
