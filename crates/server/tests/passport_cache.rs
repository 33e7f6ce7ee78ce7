//! Issue 8, passports under load: a passport is kept as served and answered again while the
//! store has not changed, so a change anyone can see must show on the very next request.
//! Each step changes one thing a page is built from (a household's consent registered, a
//! certificate issued, then revoked, an event captured) and checks the next answer has it;
//! unchanged answers revalidate with `If-None-Match` (304), gzip has its own tag.

// A failing unwrap is a failing test here.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;

use app::market::registry::{Consent, NewHousehold};
use common::*;
use reqwest::Method;
use serde_json::json;
use store::Role;

async fn page(s: &TestServer, path: &str, extra: &[(&str, &str)]) -> Resp {
    let mut headers = vec![("accept", "text/html")];
    headers.extend_from_slice(extra);
    s.send(Method::GET, path, None, &headers, None).await
}

/// The log size the machine-readable passport's inclusion proof is against.
async fn tree_size(s: &TestServer, path: &str) -> u64 {
    let r = s
        .send(
            Method::GET,
            path,
            None,
            &[("accept", "application/ld+json")],
            None,
        )
        .await;
    r.json()["dpp:integrity"]["dpp:treeSize"].as_u64().unwrap()
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

async fn passport_follows_the_store(db: Db) {
    let Some(s) = start(db).await else {
        return;
    };
    let mill = s.org("mill", Role::Processor, &[]).await;
    s.org("registrar", Role::Admin, &[]).await;
    let lab = s
        .org("Gobi fibre lab", Role::Lab, &["https://lab.example.mn/"])
        .await;
    let mut sim = sim::Simulation::new(sim::Season::new(12, 3)).unwrap();
    let docs: Vec<String> = sim.by_ref().map(|c| c.to_json()).collect();
    let manifest = sim.manifest().clone();
    for d in &docs {
        s.post_events(&mill, d.as_bytes()).await;
    }
    let dl = epcis::id::to_digital_link(&manifest.garments[0]).unwrap();
    let path = dl.strip_prefix("https://id.gs1.org").unwrap().to_owned();
    let full = s
        .get(&format!("/provenance/{}", enc(&dl)), &mill)
        .await
        .json();

    // Kept and revalidated.
    let first = page(&s, &path, &[]).await;
    assert_eq!(first.status.as_u16(), 200, "{}", first.text());
    let etag = first.header("etag").expect("an ETag");
    assert_eq!(
        first.header("cache-control").as_deref(),
        Some("public, no-cache")
    );
    assert!(first.header("vary").unwrap().contains("Accept-Encoding"));
    assert_eq!(first.header("x-cache").as_deref(), Some("miss"));
    let again = page(&s, &path, &[]).await;
    assert_eq!(again.header("x-cache").as_deref(), Some("hit"));
    assert_eq!(again.body, first.body, "an unchanged store, another page");
    assert_eq!(again.header("etag").as_deref(), Some(etag.as_str()));
    let not_modified = page(&s, &path, &[("if-none-match", etag.as_str())]).await;
    assert_eq!(not_modified.status.as_u16(), 304);
    assert!(not_modified.body.is_empty());
    assert_eq!(not_modified.header("etag").as_deref(), Some(etag.as_str()));
    let other = page(&s, &path, &[("if-none-match", "\"something-else\"")]).await;
    assert_eq!(other.status.as_u16(), 200);
    // The gzip form: its own tag, the same page inside.
    let gz = page(&s, &path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.header("content-encoding").as_deref(), Some("gzip"));
    let gz_tag = gz.header("etag").unwrap();
    assert_ne!(gz_tag, etag);
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gz.body[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, first.body);
    let r = page(
        &s,
        &path,
        &[
            ("accept-encoding", "gzip"),
            ("if-none-match", gz_tag.as_str()),
        ],
    )
    .await;
    assert_eq!(r.status.as_u16(), 304);
    // Languages and representations are kept apart.
    let mn = page(&s, &path, &[("cookie", "lang=mn")]).await;
    assert!(mn.text().contains("<html lang=\"mn\">"));
    let tree_size = tree_size(&s, &path).await;

    // A household registers its consent to be named: the next page names it.
    let source = full["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["household"].is_string() && x["claim"] == "mongolian-cashmere")
        .unwrap()
        .clone();
    let household = source["household"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let registrar = app::orgs::principal(&s.app, "registrar").await.unwrap();
    let (soum, number) = household.split_once('-').unwrap();
    let number: u32 = number.parse().unwrap();
    for n in 1..=number {
        app::market::registry::register(
            &s.app,
            &registrar,
            NewHousehold {
                name: format!("Named Herder {n}"),
                soum: soum.to_owned(),
                bag: String::new(),
                members: 1,
                consent: Consent {
                    public_name: n == number,
                    statistics: false,
                },
                org: None,
            },
        )
        .await
        .unwrap();
    }
    let named = page(&s, &path, &[]).await;
    assert_eq!(named.header("x-cache").as_deref(), Some("miss"));
    assert!(
        named.text().contains(&format!("Named Herder {number}")),
        "the consent registered is not on the next page"
    );
    assert_ne!(named.header("etag").unwrap(), etag);

    // A certificate issued shows as verified on the next page, then as revoked.
    let lot = source["lot"].as_str().unwrap();
    let id = s.lab_certificate(&lab, lot, "S-1").await;
    assert!(page(&s, &path, &[]).await.text().contains("✓ verified"));
    let r = s
        .post_json(
            &format!("/credentials/{}/revoke", enc(&id)),
            &lab,
            &json!({}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let revoked = page(&s, &path, &[]).await.text();
    assert!(revoked.contains("✗ revoked") && !revoked.contains("✓ verified"));

    // An event about something else keeps the page; one naming the product changes it (the
    // machine passport's proof is then against the larger log).
    let capture = |epc: &str| {
        json!({
            "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],
            "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": "2025-11-01T10:00:00+08:00",
            "epcisBody": {"eventList": [{
                "type": "ObjectEvent", "eventTime": "2025-11-01T10:00:00+08:00",
                "eventTimeZoneOffset": "+08:00", "action": "OBSERVE", "bizStep": "inspecting",
                "epcList": [epc]
            }]}
        })
    };
    let before = page(&s, &path, &[]).await;
    s.post_events(
        &mill,
        capture("urn:epc:id:sgtin:9520101.001001.999999")
            .to_string()
            .into_bytes(),
    )
    .await;
    let after = page(&s, &path, &[]).await;
    assert_eq!(
        after.header("x-cache").as_deref(),
        Some("hit"),
        "an unrelated event"
    );
    assert_eq!(after.body, before.body);
    s.post_events(&mill, capture(&manifest.garments[0]).to_string())
        .await;
    assert!(self::tree_size(&s, &path).await > tree_size);
}

/// A season of four households captured by `mill`: its first garment's Digital Link, and the
/// path of its passport.
async fn small_season(s: &TestServer, mill: &str) -> (String, String) {
    let mut sim = sim::Simulation::new(sim::Season::new(4, 5)).unwrap();
    let docs: Vec<String> = sim.by_ref().map(|c| c.to_json()).collect();
    for d in &docs {
        s.post_events(mill, d.as_bytes()).await;
    }
    let dl = epcis::id::to_digital_link(&sim.manifest().garments[0]).unwrap();
    let path = dl.strip_prefix("https://id.gs1.org").unwrap().to_owned();
    (dl, path)
}

/// With the cache turned off every answer is built afresh, and is the same page.
async fn passport_without_a_cache(db: Db) {
    let config = app::Config {
        page_cache_bytes: 0,
        ..test_config()
    };
    let Some(s) = start_with(db, config, std::sync::Arc::new(app::clock::SystemClock)).await else {
        return;
    };
    let mill = s.org("mill", Role::Processor, &[]).await;
    let (_, path) = small_season(&s, &mill).await;
    let a = page(&s, &path, &[]).await;
    let b = page(&s, &path, &[]).await;
    assert_eq!(a.status.as_u16(), 200, "{}", a.text());
    assert_eq!(a.body, b.body);
    assert_eq!(a.header("etag"), b.header("etag"));
    assert_eq!(b.header("x-cache").as_deref(), Some("miss"));
}

/// A clock that moves a second every time it is read, so that every step of building a page
/// happens in a later second than the one before.
struct Ticking(std::sync::Mutex<chrono::DateTime<chrono::Utc>>);

impl app::clock::Clock for Ticking {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        let mut t = self.0.lock().unwrap();
        *t += chrono::Duration::seconds(1);
        *t
    }
}

/// A certificate is checked against a status list signed while the page is built: the list's
/// `validFrom` (whole seconds) must not lie after the time the certificate is checked at,
/// whatever second the build started in.
async fn certificate_checked_across_a_second(db: Db) {
    let start_at = chrono::DateTime::parse_from_rfc3339("2025-06-20T10:00:00.900Z")
        .unwrap()
        .to_utc();
    let clock = std::sync::Arc::new(Ticking(std::sync::Mutex::new(start_at)));
    let Some(s) = start_with(db, test_config(), clock).await else {
        return;
    };
    let mill = s.org("mill", Role::Processor, &[]).await;
    let lab = s
        .org("Gobi fibre lab", Role::Lab, &["https://lab.example.mn/"])
        .await;
    let (dl, path) = small_season(&s, &mill).await;
    let full = s
        .get(&format!("/provenance/{}", enc(&dl)), &mill)
        .await
        .json();
    let lot = full["sources"][0]["lot"].as_str().unwrap();
    s.lab_certificate(&lab, lot, "S-1").await;
    let html = page(&s, &path, &[]).await.text();
    assert!(html.contains("✓ verified"), "{html}");
}

on_backends!(
    passport_follows_the_store,
    passport_without_a_cache,
    certificate_checked_across_a_second
);
