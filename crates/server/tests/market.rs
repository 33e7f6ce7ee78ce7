//! Issue 5 end to end, on every backend: a season for two cooperatives — registry and herds,
//! intakes with receipts and a correction, pooling, a lab test, a joint sealed-bid auction with
//! three buyers (sealing, refusals, the published bid book checked against the bidders'
//! receipts and the transparency log), settlement, statements, payments and the price index.

// A failing unwrap is a failing test here.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::Duration;
use common::*;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use store::Role;

fn enc(id: &str) -> String {
    utf8_percent_encode(id, NON_ALPHANUMERIC).to_string()
}

/// Registers a household with a herd, as a member of the registering cooperative.
async fn household(s: &TestServer, coop: &str, name: &str, soum: &str, goats: u64) -> String {
    let h = s
        .created(
            "/households",
            coop,
            json!({"name": name, "soum": soum, "bag": "2", "members": 4}),
        )
        .await;
    let id = h["id"].as_str().unwrap().to_owned();
    let herd = s
        .created(
            &format!("/households/{id}/herds"),
            coop,
            json!({"year": 2025, "goat": goats, "sheep": 50, "horse": 5, "cattle": 3}),
        )
        .await;
    // 0.9 × goats + 50 + 35 + 18 sheep units, exactly.
    let tenths = goats * 9 + 500 + 350 + 180;
    assert_eq!(
        herd["sheep_units"],
        json!(format!("{}.{}", tenths / 10, tenths % 10))
    );
    id
}

async fn intake(
    s: &TestServer,
    coop: &str,
    hh: &str,
    kg: &str,
    colour: &str,
    grade: &str,
) -> Value {
    s.created(
        "/intakes",
        coop,
        json!({"household": hh, "gross_kg": kg, "moisture_pct": "15", "impurity_pct": "4",
               "guard_hair_pct": "12", "colour": colour, "grade": grade}),
    )
    .await
}

fn problem_reason(r: &Resp, status: u16) -> String {
    assert_eq!(r.status.as_u16(), status, "{}", r.text());
    let p = r.json();
    p["reason"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| p["type"].as_str().unwrap_or("").to_owned())
}

async fn season(db: Db) {
    let Some((s, clock)) = start_manual(db, "2025-05-02T02:00:00Z").await else {
        return;
    };
    let coop_a = s
        .org(
            "Uliastai herders",
            Role::Cooperative,
            &["https://coop-a.example.mn/"],
        )
        .await;
    let coop_b = s.org("Gobi herders", Role::Cooperative, &[]).await;
    let lab = s
        .org("Gobi Lab", Role::Lab, &["https://gobi-lab.example.mn/"])
        .await;
    let buyers = [
        s.org("Buyer X", Role::Buyer, &["https://x.example.cn/"])
            .await,
        s.org("Buyer Y", Role::Buyer, &[]).await,
        s.org("Buyer Z", Role::Buyer, &[]).await,
    ];
    let regulator = s.org("regulator", Role::Regulator, &[]).await;

    // Reference tables.
    let aimags = s.ok("/registry/aimags", &regulator).await;
    assert_eq!(
        aimags.as_array().unwrap().len(),
        22,
        "21 aimags and Ulaanbaatar"
    );
    let soums = s.ok("/registry/soums", &regulator).await;
    let soums = soums.as_array().unwrap();
    assert!(soums.len() >= 330, "{}", soums.len());
    let uliastai = s.ok("/registry/soums/18101", &regulator).await;
    assert_eq!(uliastai["aimag"], "81");
    let other_soum = soums
        .iter()
        .find(|x| x["aimag"] != "81" && x["aimag"] != "11")
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();

    // Registry: three households in Uliastai for A, two elsewhere for B.
    let a1 = household(&s, &coop_a, "Bat", "18101", 120).await;
    let a2 = household(&s, &coop_a, "Dorj", "18101", 80).await;
    let a3 = household(&s, &coop_a, "Tuya", "18101", 60).await;
    let b1 = household(&s, &coop_b, "Saraa", &other_soum, 150).await;
    let b2 = household(&s, &coop_b, "Ganaa", &other_soum, 90).await;
    assert!(a1.starts_with("18101-"), "{a1}");
    let r = s
        .post_json(
            "/households",
            &buyers[0],
            &json!({"name": "x", "soum": "18101"}),
        )
        .await;
    r.assert_problem(403, "SecurityException");
    let r = s
        .post_json(
            "/households",
            &coop_a,
            &json!({"name": "x", "soum": "99999"}),
        )
        .await;
    r.assert_problem(400, "ValidationException");
    // Public master data shows no name without consent.
    let public = s
        .send(
            reqwest::Method::GET,
            &format!("/households/{a1}"),
            None,
            &[],
            None,
        )
        .await;
    assert_eq!(public.status.as_u16(), 200, "{}", public.text());
    assert!(public.json().get("name").is_none(), "{}", public.text());
    let members = s
        .ok(
            &format!(
                "/cooperatives/{}/members",
                org_id(&s, "Uliastai herders").await
            ),
            &coop_a,
        )
        .await;
    assert_eq!(members.as_array().unwrap().len(), 3);

    // Intake: receipts are EPCIS receiving events; a member of B cannot be weighed by A.
    let i1 = intake(&s, &coop_a, &a1, "12.400", "white", "I").await;
    let _i2 = intake(&s, &coop_a, &a2, "8.150", "white", "I").await;
    let wrong = intake(&s, &coop_a, &a3, "60.000", "white", "I").await;
    assert_eq!(i1["gross_g"], 12_400);
    let d = &i1["deductions"];
    assert_eq!(
        i1["clean_g"].as_u64().unwrap()
            + d["moisture_g"].as_u64().unwrap()
            + d["impurity_g"].as_u64().unwrap()
            + d["guard_hair_g"].as_u64().unwrap(),
        12_400
    );
    let r = s
        .post_json(
            "/intakes",
            &coop_a,
            &json!({"household": b1, "gross_kg": "5", "colour": "white", "grade": "I"}),
        )
        .await;
    r.assert_problem(403, "SecurityException");
    let r = s
        .post_json(
            "/intakes",
            &coop_a,
            &json!({"household": a1, "gross_kg": "-5", "colour": "white", "grade": "I"}),
        )
        .await;
    r.assert_problem(400, "ValidationException");
    let r = s
        .post_json(
            "/intakes",
            &coop_a,
            &json!({"household": a1, "gross_kg": "5", "colour": "white", "grade": "VIP"}),
        )
        .await;
    r.assert_problem(400, "ValidationException");
    let receipt = s
        .ok(
            &format!("/intakes/{}/receipt", i1["receipt"].as_str().unwrap()),
            &coop_a,
        )
        .await;
    let events = receipt["epcisBody"]["eventList"].as_array().unwrap();
    let delivery = events.iter().find(|e| e["bizStep"] == "receiving").unwrap();
    assert_eq!(
        delivery["bizTransactionList"][0]["type"], "recadv",
        "{delivery}"
    );
    assert!(
        receipt["epcisHeader"]["epcisMasterData"]["vocabularyList"].is_array(),
        "{receipt}"
    );

    // The 60 kg was a typing error: corrected to 6.000 kg by an error declaration.
    let fixed = s
        .created(
            &format!("/intakes/{}/correction", wrong["receipt"].as_str().unwrap()),
            &coop_a,
            json!({"household": a3, "gross_kg": "6.000", "moisture_pct": "15", "impurity_pct": "4",
               "guard_hair_pct": "12", "colour": "white", "grade": "I"}),
        )
        .await;
    assert_eq!(fixed["corrects"], wrong["receipt"]);
    let old = s
        .ok(
            &format!("/intakes/{}", wrong["receipt"].as_str().unwrap()),
            &coop_a,
        )
        .await;
    assert_eq!(old["state"], "corrected");
    let declared = s
        .ok(
            &format!("/events/{}", enc(wrong["delivery_event"].as_str().unwrap())),
            &coop_a,
        )
        .await;
    let list = declared["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        list.iter()
            .any(
                |e| e["errorDeclaration"]["correctiveEventIDs"][0] == fixed["delivery_event"]
                    || e["errorDeclaration"]["correctiveEventIDs"]
                        .as_array()
                        .is_some_and(|c| c.contains(&fixed["delivery_event"]))
            ),
        "{declared}"
    );

    let bi1 = intake(&s, &coop_b, &b1, "15.000", "white", "I").await;
    let _bi2 = intake(&s, &coop_b, &b2, "9.500", "white", "I").await;
    assert_ne!(bi1["receipt"], i1["receipt"]);

    // Pooling: mass conserved; an intake pooled once.
    let pool_a = s
        .created("/pools", &coop_a, json!({"colour": "white", "grade": "I"}))
        .await;
    assert_eq!(pool_a["intakes"].as_array().unwrap().len(), 3, "{pool_a}");
    assert_eq!(pool_a["grams"], 12_400 + 8_150 + 6_000);
    let r = s
        .post_json(
            "/pools",
            &coop_a,
            &json!({"colour": "white", "grade": "I", "intakes": [i1["receipt"]]}),
        )
        .await;
    r.assert_problem(400, "ValidationException");
    let pool_b = s
        .created("/pools", &coop_b, json!({"colour": "white", "grade": "I"}))
        .await;
    let pool_a_id = pool_a["id"].as_str().unwrap().to_owned();
    let pool_b_id = pool_b["id"].as_str().unwrap().to_owned();

    // The lab samples pool A and certifies the result.
    let result = json!({
        "lot": pool_a["lot"], "lab": "https://gobi-lab.example.mn/", "sample_id": "S-1",
        "methods": ["IWTO-47"], "tested_at": "2025-05-03T10:00:00+08:00",
        "measurements": {"mfd_um": 15.4, "cv_pct": 21.0, "over30_pct": 0.3, "length_mm": 38.0}
    });
    s.created(
        "/lab-results",
        &lab,
        json!({"result": result, "schemes": ["us-cashmere"]}),
    )
    .await;
    let listing = s.ok(&format!("/pools/{pool_a_id}"), &regulator).await;
    assert_eq!(listing["certificates"][0]["status"], "valid", "{listing}");
    let shares = listing["provenance"].to_string();
    assert!(
        shares.contains("18101"),
        "the listing's provenance names the soum: {listing}"
    );

    // A joint auction: A lists its pool with B as partner; B adds its pool before the opening.
    let auction = s.created("/auctions",
        &coop_a,
        json!({"title": "Spring white", "rule": "second-price",
               "opens_at": "2025-05-05T00:00:00Z", "closes_at": "2025-05-06T00:00:00Z",
               "lots": [{"pool": pool_a_id, "reserve_mnt": 2_000_000}], "partners": ["Gobi herders"]}),
    )
    .await;
    let aid = auction["id"].as_str().unwrap().to_owned();
    s.created(
        &format!("/auctions/{aid}/lots"),
        &coop_b,
        json!({"pool": pool_b_id, "reserve_mnt": 1_500_000}),
    )
    .await;
    let catalogue = s
        .send(reqwest::Method::GET, "/catalogue", None, &[], None)
        .await
        .json();
    assert_eq!(
        catalogue["lots"].as_array().unwrap().len(),
        2,
        "{catalogue}"
    );
    s.created(
        "/catalogue/enquiries",
        &buyers[0],
        json!({"item": format!("lot:{aid}/{pool_a_id}"), "message": "Sample available?"}),
    )
    .await;
    assert_eq!(
        s.ok("/catalogue/enquiries", &coop_a)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let bid = |who: usize, pool: &str, amount: i64| {
        let (s, t, aid, pool) = (&s, buyers[who].clone(), aid.clone(), pool.to_owned());
        async move {
            s.post_json(
                &format!("/auctions/{aid}/bids"),
                &t,
                &json!({"pool": pool, "amount_mnt": amount}),
            )
            .await
        }
    };
    assert_eq!(
        problem_reason(&bid(0, &pool_a_id, 3_000_000).await, 409),
        "early"
    );
    clock.set("2025-05-05T06:00:00Z".parse().unwrap());
    let rx = bid(0, &pool_a_id, 3_100_000).await;
    assert_eq!(rx.status.as_u16(), 201, "{}", rx.text());
    let receipt_x = rx.json();
    clock.advance(Duration::minutes(5));
    let ry = bid(1, &pool_a_id, 3_400_000).await;
    assert_eq!(ry.status.as_u16(), 201, "{}", ry.text());
    let receipt_y = ry.json();
    assert_eq!(
        problem_reason(&bid(2, &pool_a_id, 1_900_000).await, 409),
        "below-reserve"
    );
    let rz = bid(2, &pool_a_id, 2_900_000).await;
    assert_eq!(rz.status.as_u16(), 201, "{}", rz.text());
    assert_eq!(
        problem_reason(&bid(2, &pool_a_id, 3_900_000).await, 409),
        "duplicate"
    );
    assert_eq!(bid(1, &pool_b_id, 2_000_000).await.status.as_u16(), 201);
    // Unauthorised: a cooperative (the seller included) cannot bid.
    let r = s
        .post_json(
            &format!("/auctions/{aid}/bids"),
            &coop_a,
            &json!({"pool": pool_a_id, "amount_mnt": 9_000_000}),
        )
        .await;
    r.assert_problem(403, "SecurityException");
    // Sealed: neither the seller nor anyone else sees a bid before the close.
    let seen = s.ok(&format!("/auctions/{aid}"), &coop_a).await;
    assert_eq!(seen["state"], "open");
    assert!(
        !seen.to_string().contains("3100000") && seen.get("results").is_none(),
        "{seen}"
    );
    assert_eq!(
        problem_reason(
            &s.get(&format!("/auctions/{aid}/books/{pool_a_id}"), &coop_a)
                .await,
            409
        ),
        "sealed"
    );
    assert_eq!(
        problem_reason(
            &s.post_json(&format!("/auctions/{aid}/close"), &coop_a, &json!({}))
                .await,
            409
        ),
        "not-closed"
    );

    clock.set("2025-05-06T00:00:01Z".parse().unwrap());
    assert_eq!(
        problem_reason(&bid(0, &pool_b_id, 2_500_000).await, 409),
        "late"
    );
    let closed = s
        .post_json(&format!("/auctions/{aid}/close"), &coop_b, &json!({}))
        .await;
    assert_eq!(closed.status.as_u16(), 200, "{}", closed.text());
    let closed = closed.json();
    let results = closed["results"].as_array().unwrap();
    // Second price: Y wins lot A at X's 3,100,000; lot B's only bid pays the reserve.
    assert_eq!(results[0]["winner"], "Buyer Y");
    assert_eq!(results[0]["price_mnt"], 3_100_000);
    assert_eq!(results[1]["winner"], "Buyer Y");
    assert_eq!(results[1]["price_mnt"], 1_500_000);

    // The book: every bidder finds its receipt; its digest is in the logged close event.
    let book = s
        .ok(&format!("/auctions/{aid}/books/{pool_a_id}"), &buyers[2])
        .await;
    for r in [&receipt_x, &receipt_y] {
        let entry = book["book"]["bids"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["commitment"] == r["commitment"]);
        assert!(entry.is_some(), "receipt {r} not in the book {book}");
    }
    let digest = hex::encode(Sha256::digest(tlog::jcs::to_vec(&book["book"]).unwrap()));
    assert_eq!(book["book_sha256"], json!(digest));
    let close_event = s
        .ok(
            &format!("/events/{}", enc(book["close_event"].as_str().unwrap())),
            &coop_a,
        )
        .await;
    assert!(close_event.to_string().contains(&digest), "{close_event}");
    let proof = s
        .get(
            &format!("/log/proof/{}", enc(book["close_event"].as_str().unwrap())),
            &regulator,
        )
        .await;
    assert_eq!(proof.status.as_u16(), 200, "{}", proof.text());
    // The lot is shipped to the winner: it cannot be sold again (the ledger refuses).
    assert!(book["sale_event"].is_string(), "{book}");

    // Settlement: proceeds − fee − costs, split exactly by clean weight × factor.
    let st = s.created(&format!("/auctions/{aid}/lots/{pool_a_id}/settlement"),
        &coop_a,
        json!({"fee_mnt": 93_000, "costs": [{"label": "transport", "amount_mnt": 45_000}, {"label": "lab", "amount_mnt": 30_000}]}),
    )
    .await;
    let lines = st["settlement"]["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3);
    let sum: u64 = lines
        .iter()
        .map(|l| l["amount_mnt"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, 3_100_000 - 93_000 - 45_000 - 30_000);
    let r = s
        .post_json(
            &format!("/auctions/{aid}/lots/{pool_a_id}/settlement"),
            &coop_a,
            &json!({"fee_mnt": 0}),
        )
        .await;
    assert_eq!(problem_reason(&r, 409), "duplicate");
    let r = s
        .post_json(
            &format!("/auctions/{aid}/lots/{pool_b_id}/settlement"),
            &coop_a,
            &json!({"fee_mnt": 0}),
        )
        .await;
    r.assert_problem(403, "SecurityException");
    s.created(
        &format!("/auctions/{aid}/lots/{pool_b_id}/settlement"),
        &coop_b,
        json!({"fee_mnt": 30_000}),
    )
    .await;

    // Payments against the statement; overpaying is refused.
    let sid = st["id"].as_str().unwrap();
    let owed = lines.iter().find(|l| l["member"] == json!(a1)).unwrap()["amount_mnt"]
        .as_i64()
        .unwrap();
    s.created(
        &format!("/settlements/{sid}/payments"),
        &coop_a,
        json!({"household": a1, "amount_mnt": owed - 1000}),
    )
    .await;
    let r = s
        .post_json(
            &format!("/settlements/{sid}/payments"),
            &coop_a,
            &json!({"household": a1, "amount_mnt": 1001}),
        )
        .await;
    assert_eq!(problem_reason(&r, 409), "overpayment");
    let statement = s.ok(&format!("/households/{a1}/statement"), &coop_a).await;
    assert_eq!(statement["settled_mnt"], owed);
    assert_eq!(statement["balance_mnt"], 1000);
    assert_eq!(statement["intakes"].as_array().unwrap().len(), 1);
    let corrected = s.ok(&format!("/households/{a3}/statement"), &coop_a).await;
    assert_eq!(
        corrected["intakes"][0]["gross_g"], 6_000,
        "only the corrected intake counts: {corrected}"
    );
    let r = s
        .get(&format!("/households/{a1}/statement"), &buyers[0])
        .await;
    r.assert_problem(403, "SecurityException");

    // Price index: both auction sales and a recorded sale, by colour, grade, aimag and week.
    s.created("/sales", &buyers[2], json!({"date": "2025-05-07", "colour": "white", "grade": "I", "aimag": "81", "clean_kg": "100", "price_mnt": 14_000_000})).await;
    let index = s
        .send(reqwest::Method::GET, "/price-index", None, &[], None)
        .await
        .json();
    let national = index["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["aimag"].is_null())
        .unwrap();
    let weeks: u64 = national["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sales"].as_u64().unwrap())
        .sum();
    assert_eq!(weeks, 3, "{index}");
    let svg = s
        .send(reqwest::Method::GET, "/price-index.svg", None, &[], None)
        .await;
    let price = index["series"][0]["points"][0]["price_mnt_per_kg"]
        .as_i64()
        .unwrap();
    let grouped = |n: i64| {
        let d = n.to_string();
        let mut out = String::new();
        for (i, c) in d.chars().enumerate() {
            if i > 0 && (d.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    assert!(
        svg.text().starts_with("<svg")
            && svg.text().contains("Raw cashmere price")
            && svg.text().contains(&format!("MNT {}", grouped(price))),
        "{}",
        svg.text()
    );
    let mn = s
        .send(
            reqwest::Method::GET,
            "/price-index.svg",
            None,
            &[("accept-language", "mn")],
            None,
        )
        .await;
    assert!(mn.text().contains("Түүхий ноолуурын үнэ"), "{}", mn.text());
    let csv = s
        .send(
            reqwest::Method::GET,
            "/price-index?format=csv",
            None,
            &[],
            None,
        )
        .await;
    assert!(
        csv.text().starts_with("level,colour,grade,aimag,week,"),
        "{}",
        csv.text()
    );
}

async fn org_id(s: &TestServer, name: &str) -> i64 {
    s.app.store.org_by_name(name).await.unwrap().unwrap().id.0
}

on_backends!(season);
