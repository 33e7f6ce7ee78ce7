//! A season through the dashboards: a cooperative weighs two members' deliveries, pools them,
//! a lab certifies the lot (and revokes it, `lab.rs`), the lot goes to a sealed-bid auction, a
//! buyer bids, the cooperative closes and settles; then (`people.rs`) the household sees where
//! its fibre went and grants a lender access to its credit history, the lender reads the
//! score, the household revokes; the regulator's page counts it all. Every form is tried with
//! bad input first (refused, with a flash naming the field, and nothing changed as the JSON
//! API sees it), then once without its CSRF value (403, nothing changed), then for real.

use serde_json::{Value, json};
use store::Role;

use crate::browser::{Browser, cyrillic};
use crate::common::*;
use crate::{f, kg, mnt_en, mnt_mn, owned};

const COOP: &str = "/app/cooperative";
const BUYER: &str = "/app/buyer";

/// Registers a household of the cooperative with a herd.
async fn household(s: &TestServer, coop: &str, name: &str, org: Option<&str>) -> String {
    let mut body = json!({"name": name, "soum": "18101", "bag": "2", "members": 4});
    if let Some(o) = org {
        body["org"] = json!(o);
    }
    let h = s.created("/households", coop, body).await;
    let id = h["id"].as_str().unwrap().to_owned();
    s.created(
        &format!("/households/{id}/herds"),
        coop,
        json!({"year": 2025, "goat": 120, "sheep": 40}),
    )
    .await;
    id
}

/// The cooperative's intakes as the JSON API lists them.
async fn intakes(s: &TestServer, coop: &str) -> Vec<Value> {
    s.ok("/intakes", coop).await.as_array().unwrap().clone()
}

pub async fn season(db: Db) {
    let Some((s, clock)) = start_manual(db, "2025-05-02T02:00:00Z").await else {
        return;
    };
    let coop = s.org("Uliastai herders", Role::Cooperative, &[]).await;
    let buyer_x = s.org("Buyer X", Role::Buyer, &[]).await;
    let buyer_y = s.org("Buyer Y", Role::Buyer, &[]).await;
    let herder = s.org("Bat household", Role::Herder, &[]).await;
    let lender = s.org("XacBank", Role::Lender, &[]).await;
    let lab = s
        .org("Gobi Lab", Role::Lab, &["https://gobi-lab.example.mn/"])
        .await;
    let regulator = s.org("Zavkhan inspectorate", Role::Regulator, &[]).await;
    let bat = household(&s, &coop, "Bat", Some("Bat household")).await;
    let dorj = household(&s, &coop, "Dorj", None).await;

    // ---- Cooperative: the page before anything happened, in both languages.
    let mut c = Browser::new(&s);
    c.sign_in(&coop, COOP).await;
    c.mn_by_header();
    let p = c.page(COOP, "mn").await;
    assert_eq!(p.h1(), "Uliastai herders · Хоршоо");
    p.has("Ноолуур хүлээн авах")
        .has(r#"id="intake-form""#)
        .has(&format!(
            r#"<input type="hidden" name="csrf" value="{}">"#,
            p.csrf()
        ))
        .has(&format!(
            r#"<option value="{bat}">Bat · Улиастай ({bat})</option>"#
        ));
    assert!(p.row("members", &dorj).contains("<td>Улиастай</td>"));
    assert!(p.rows("intakes").is_empty() && p.rows("pools").is_empty());
    p.lacks(r#"id="auction-form""#)
        .lacks(r#"id="deliveries-chart""#);
    c.en_by_cookie();
    let p = c.page(COOP, "en").await;
    assert_eq!(p.h1(), "Uliastai herders · Cooperative");
    p.has("Record an intake").has("Pool intakes into a lot");
    assert!(
        p.row("members", &bat)
            .contains("<td>Bat</td><td>Uliastai</td>")
    );

    // ---- Intake: refused input changes nothing.
    let intake = |hh: &str, gross: &str| {
        owned(&[
            ("household", hh),
            ("gross_kg", gross),
            ("moisture_pct", "15"),
            ("impurity_pct", "4"),
            ("guard_hair_pct", "12"),
            ("colour", "white"),
            ("grade", "I"),
        ])
    };
    let form = "/app/cooperative/intake";
    c.refused(form, &f(&intake(&bat, "-5")), COOP, &["gross_kg"])
        .await;
    c.refused(form, &f(&intake(&bat, "twelve")), COOP, &["gross_kg"])
        .await;
    c.refused(
        form,
        &f(&intake("18101-99999", "12.5")),
        COOP,
        &["household", "18101-99999", "not found"],
    )
    .await;
    let mut bad = intake(&bat, "12.5");
    bad[5].1 = "purple".into();
    c.refused(form, &f(&bad), COOP, &["colour", "purple"]).await;
    let mut bad = intake(&bat, "12.5");
    bad[6].1 = "VIP".into();
    c.refused(form, &f(&bad), COOP, &["grade"]).await;
    let no_csrf = c.post_raw(form, &f(&intake(&bat, "12.5"))).await;
    assert_eq!(no_csrf.status, 403, "{}", no_csrf.body);
    no_csrf.has("the form is stale or came from another site");
    assert!(no_csrf.flash().is_none());
    let mut forged = intake(&bat, "12.5");
    forged.push(("csrf", "0".repeat(64)));
    assert_eq!(c.post_raw(form, &f(&forged)).await.status, 403);
    assert!(
        intakes(&s, &coop).await.is_empty(),
        "a refused intake changed nothing"
    );

    // ---- Intake: two deliveries.
    let msg = c
        .done(
            form,
            &f(&intake(&bat, "12.5")),
            COOP,
            "Intake recorded, receipt ",
        )
        .await;
    c.done(
        form,
        &f(&intake(&dorj, "8.150")),
        COOP,
        "Intake recorded, receipt ",
    )
    .await;
    let all = intakes(&s, &coop).await;
    assert_eq!(all.len(), 2, "{all:?}");
    let i_bat = all.iter().find(|i| i["member"] == json!(bat)).unwrap();
    assert_eq!(i_bat["gross_g"], 12_500);
    let receipt = i_bat["receipt"].as_str().unwrap();
    let clean_bat = i_bat["clean_g"].as_u64().unwrap();
    let clean_dorj = all.iter().find(|i| i["member"] == json!(dorj)).unwrap()["clean_g"]
        .as_u64()
        .unwrap();
    assert_eq!(
        msg,
        format!("Intake recorded, receipt {receipt} · {} kg", kg(clean_bat))
    );
    let p = c.page(COOP, "en").await;
    let row = p.row("intakes", receipt);
    for cell in [
        format!(r#"<td class="id">{bat}</td>"#),
        "<td>white</td><td>I</td>".into(),
        r#"<td class="n">12.5</td>"#.into(),
        format!(r#"<td class="n">{}</td>"#, kg(clean_bat)),
        "<td>2 May 2025</td>".into(),
    ] {
        assert!(row.contains(&cell), "{cell} in {row}");
    }
    assert!(p.has("Intake (2)").rows("intakes").len() == 2);
    let chart = p.element("deliveries-chart");
    assert!(
        chart.contains("<svg") && chart.contains(&format!("{} kg", kg(clean_bat + clean_dorj))),
        "one bar for the day: {chart}"
    );
    c.mn_by_header();
    let p = c.page(COOP, "mn").await;
    let row = p.row("intakes", receipt);
    assert!(
        row.contains("<td>2025.05.02</td>") && row.contains("<td>цагаан</td>"),
        "{row}"
    );
    assert!(cyrillic(&p.h1()));

    // ---- Pool: refused, then made.
    c.en_by_cookie();
    c.page(COOP, "en").await;
    let pool_form = "/app/cooperative/pool";
    c.refused(
        pool_form,
        &[("colour", "purple"), ("grade", "I")],
        COOP,
        &["colour"],
    )
    .await;
    c.refused(pool_form, &[("colour", "brown"), ("grade", "I")], COOP, &[])
        .await;
    let r = c
        .post_raw(pool_form, &[("colour", "white"), ("grade", "I")])
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(s.ok("/pools", &coop).await.as_array().unwrap().is_empty());
    let msg = c
        .done(
            pool_form,
            &[("colour", "white"), ("grade", "I")],
            COOP,
            "Lot made ",
        )
        .await;
    let pools = s.ok("/pools", &coop).await;
    let pool = &pools.as_array().unwrap()[0];
    let pid = pool["id"].as_str().unwrap().to_owned();
    let pool_lot = pool["lot"].as_str().unwrap().to_owned();
    let pool_clean = clean_bat + clean_dorj;
    assert_eq!(pool["clean_g"], pool_clean);
    assert_eq!(msg, format!("Lot made {pid} · {} kg", kg(pool_clean)));
    let p = c.page(COOP, "en").await;
    let row = p.row("pools", &pid);
    assert!(
        row.contains(&format!(
            r#"<td class="n">{}</td><td class="n">2</td>"#,
            kg(pool_clean)
        )),
        "{row}"
    );
    assert!(
        p.row("intakes", receipt).contains(" ✓</td>"),
        "pooled intakes are ticked"
    );
    p.has(r#"id="auction-form""#).has(&format!(
        r#"<input type="checkbox" name="pool" value="{pid}">"#
    ));
    crate::lab::certify(&s, &lab, &regulator, &pid, &pool_lot).await;

    // ---- Auction: refused (past, no reserve, no lot, no date), then opened.
    let auction_form = "/app/cooperative/auction";
    let auction = |closes: &str, reserve: &str, pool: Option<&str>| {
        let mut v = owned(&[
            ("title", "Spring white"),
            ("rule", "first-price"),
            ("closes_at", closes),
            ("reserve_mnt", reserve),
        ]);
        if let Some(p) = pool {
            v.push(("pool", p.to_owned()));
        }
        v
    };
    c.page(COOP, "en").await;
    for (closes, reserve, pool, words) in [
        (
            "2025-05-01T10:00",
            "2000000",
            Some(pid.as_str()),
            &["closes_at"][..],
        ),
        ("2025-05-02T16:00", "", Some(&pid), &["reserve_mnt"]),
        ("2025-05-02T16:00", "-1", Some(&pid), &["reserve_mnt"]),
        ("2025-05-02T16:00", "2000000", None, &["lots"]),
        ("soon", "2000000", Some(&pid), &["closes_at", "soon"]),
    ] {
        c.refused(
            auction_form,
            &f(&auction(closes, reserve, pool)),
            COOP,
            words,
        )
        .await;
    }
    let none = s
        .send(reqwest::Method::GET, "/auctions", None, &[], None)
        .await;
    assert_eq!(none.json(), json!([]), "refused auctions are not listed");
    assert!(
        s.ok("/pools", &coop).await[0].get("auction").is_none(),
        "the pool is still free"
    );
    let r = c
        .post_raw(
            auction_form,
            &f(&auction("2025-05-02T16:00", "2000000", Some(&pid))),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let msg = c
        .done(
            auction_form,
            &f(&auction("2025-05-02T16:00", "2,000,000", Some(&pid))),
            COOP,
            "Auction opened ",
        )
        .await;
    let aid = msg.trim_start_matches("Auction opened ").to_owned();
    let view = s.ok(&format!("/auctions/{aid}"), &buyer_x).await;
    assert_eq!(view["state"], "open");
    assert_eq!(view["title"], "Spring white");
    assert_eq!(
        view["closes_at"], "2025-05-02T08:00:00Z",
        "Mongolian time is UTC+8"
    );
    assert_eq!(view["lots"][0]["reserve_mnt"], 2_000_000);
    let p = c.page(COOP, "en").await;
    let row = p.row("auctions", &aid);
    assert!(
        row.contains("<td>Spring white</td><td>2025-05-02 16:00</td>"),
        "{row}"
    );
    assert!(
        row.contains("open") && !row.contains("close-auction"),
        "{row}"
    );
    assert!(
        row.contains(&format!("Reserve {}", mnt_en(2_000_000))),
        "{row}"
    );
    p.lacks(r#"id="auction-form""#);

    // ---- Buyer: the open auction, refused bids, one sealed bid.
    let mut b = Browser::new(&s);
    b.sign_in(&buyer_x, BUYER).await;
    b.mn_by_header();
    let p = b.page(BUYER, "mn").await;
    assert_eq!(p.h1(), "Buyer X · Худалдан авагч");
    p.has("Нээлттэй дуудлага худалдаа");
    let row = p.row("open-auctions", &pid);
    assert!(
        row.contains(&mnt_mn(2_000_000)) && row.contains(&kg(pool_clean)),
        "{row}"
    );
    assert!(
        row.contains(&format!(r#"name="csrf" value="{}""#, p.csrf())),
        "{row}"
    );
    b.en_by_cookie();
    let p = b.page(BUYER, "en").await;
    let row = p.row("open-auctions", &pid);
    for cell in [
        format!("{aid}<br>Spring white"),
        "<td>2025-05-02 16:00</td>".into(),
        "white I".into(),
        format!(r#"<td class="n">{}</td>"#, kg(pool_clean)),
        format!(r#"<td class="n">{}</td>"#, mnt_en(2_000_000)),
        format!(r#"name="auction" value="{aid}""#),
    ] {
        assert!(row.contains(&cell), "{cell} in {row}");
    }
    let bid_form = "/app/buyer/bid";
    let bid = |amount: &str, pool: &str| {
        owned(&[("auction", &aid), ("pool", pool), ("amount_mnt", amount)])
    };
    b.refused(
        bid_form,
        &f(&bid("1000000", &pid)),
        BUYER,
        &["below the reserve"],
    )
    .await;
    b.refused(
        bid_form,
        &f(&bid("lots", &pid)),
        BUYER,
        &["amount_mnt", "lots"],
    )
    .await;
    b.refused(bid_form, &f(&bid("3000000", "P-none")), BUYER, &["P-none"])
        .await;
    let r = b.post_raw(bid_form, &f(&bid("3000000", &pid))).await;
    assert_eq!(r.status, 403, "{}", r.body);
    // Nothing of those was stored: the real bid is this buyer's first on the lot.
    let msg = b
        .done(
            bid_form,
            &f(&bid("2500000", &pid)),
            BUYER,
            "Bid sealed; your commitment ",
        )
        .await;
    let commitment = msg
        .trim_start_matches("Bid sealed; your commitment ")
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        commitment.len() >= 32 && commitment.chars().all(|c| c.is_ascii_hexdigit()),
        "{msg}"
    );
    assert!(msg.ends_with(&format!("· {}", mnt_en(2_500_000))), "{msg}");
    b.refused(bid_form, &f(&bid("2600000", &pid)), BUYER, &["already bid"])
        .await;
    let y = s
        .post_json(
            &format!("/auctions/{aid}/bids"),
            &buyer_y,
            &json!({"pool": pid, "amount_mnt": 2_200_000}),
        )
        .await;
    assert_eq!(y.status.as_u16(), 201, "{}", y.text());
    // Sealed: the seller's page shows no bid.
    c.page(COOP, "en").await.lacks("2,500,000").lacks("Buyer X");

    // ---- The close: a late bid is refused; the cooperative closes and settles.
    clock.set("2025-05-02T09:00:00Z".parse().unwrap());
    let mut z = Browser::new(&s);
    let buyer_z = s.org("Buyer Z", Role::Buyer, &[]).await;
    z.sign_in(&buyer_z, BUYER).await;
    let p = z.page(BUYER, "en").await;
    assert!(
        p.rows("open-auctions").is_empty(),
        "the auction is past its close"
    );
    z.refused(bid_form, &f(&bid("3000000", &pid)), BUYER, &["closed at"])
        .await;
    let p = c.page(COOP, "en").await;
    let row = p.row("auctions", &aid);
    assert!(row.contains(r#"class="close-auction""#), "{row}");
    let close = "/app/cooperative/close";
    c.refused(close, &[("auction", "A-0-9999")], COOP, &["A-0-9999"])
        .await;
    let r = c.post_raw(close, &[("auction", &aid)]).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let p = c.page(COOP, "en").await;
    assert!(
        p.row("auctions", &aid).contains("close-auction"),
        "still open"
    );
    let msg = c
        .done(close, &[("auction", &aid)], COOP, "Auction closed ")
        .await;
    assert_eq!(msg, format!("Auction closed {aid}"));
    let view = s.ok(&format!("/auctions/{aid}"), &buyer_x).await;
    assert_eq!(view["state"], "closed");
    assert_eq!(view["results"][0]["winner"], "Buyer X", "{view}");
    assert_eq!(
        view["results"][0]["price_mnt"], 2_500_000,
        "first price: {view}"
    );
    let book = s
        .ok(&format!("/auctions/{aid}/books/{pid}"), &buyer_y)
        .await;
    let bids = book["book"]["bids"].as_array().unwrap();
    assert_eq!(bids.len(), 2, "only the two accepted bids: {book}");
    assert!(
        bids.iter().any(|b| b["commitment"] == json!(commitment)),
        "{book}"
    );
    let p = c.page(COOP, "en").await;
    let row = p.row("auctions", &aid);
    assert!(
        row.contains(&format!("sold to Buyer X · {}", mnt_en(2_500_000))),
        "{row}"
    );
    assert!(
        row.contains(r#"class="settle inline""#) && !row.contains("close-auction"),
        "{row}"
    );
    let settle = "/app/cooperative/settle";
    c.refused(
        settle,
        &[("auction", &aid), ("pool", &pid), ("fee_mnt", "ten")],
        COOP,
        &["fee_mnt", "ten"],
    )
    .await;
    c.refused(
        settle,
        &[("auction", &aid), ("pool", &pid), ("fee_mnt", "9000000")],
        COOP,
        &[],
    )
    .await;
    let r = c
        .post_raw(
            settle,
            &[("auction", &aid), ("pool", &pid), ("fee_mnt", "0")],
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let st = s.ok(&format!("/households/{bat}/statement"), &coop).await;
    assert_eq!(
        st["settled_mnt"], 0,
        "refused settlements pay nothing: {st}"
    );
    let msg = c
        .done(
            settle,
            &[("auction", &aid), ("pool", &pid), ("fee_mnt", "50,000")],
            COOP,
            "Settled ",
        )
        .await;
    assert!(
        msg.ends_with(&format!("· To members {}", mnt_en(2_450_000))),
        "{msg}"
    );
    let sid = msg
        .trim_start_matches("Settled ")
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    let settlement = s.ok(&format!("/settlements/{sid}"), &coop).await;
    let lines = settlement["settlement"]["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "{settlement}");
    let bat_owed = lines.iter().find(|l| l["member"] == json!(bat)).unwrap()["amount_mnt"]
        .as_i64()
        .unwrap();
    let st = s.ok(&format!("/households/{bat}/statement"), &coop).await;
    assert_eq!(st["settled_mnt"], bat_owed);
    let p = c.page(COOP, "en").await;
    let row = p.row("settlements", &sid);
    for n in [
        mnt_en(2_500_000),
        mnt_en(50_000),
        mnt_en(2_450_000),
        "2".into(),
    ] {
        assert!(
            row.contains(&format!(r#"<td class="n">{n}</td>"#)),
            "{n} in {row}"
        );
    }
    assert!(
        !p.row("auctions", &aid).contains("settle inline"),
        "settled once"
    );
    let p = b.page(BUYER, "en").await;
    let row = p.row("closed-auctions", &pid);
    assert!(
        row.contains(&format!("sold to Buyer X · {}", mnt_en(2_500_000))),
        "{row}"
    );
    // The sale is in the price index, and the buyer's chart draws it.
    let index = s
        .send(reqwest::Method::GET, "/price-index", None, &[], None)
        .await
        .json();
    let national = index["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["aimag"].is_null())
        .unwrap_or_else(|| panic!("{index}"));
    let point = &national["points"][0];
    let per_kg = point["price_mnt_per_kg"].as_i64().unwrap();
    let expected = 2_500_000 * 1000 / i64::try_from(pool_clean).unwrap();
    assert!(
        (per_kg - expected).abs() <= 1,
        "{per_kg} ≠ {expected}: {index}"
    );
    let chart = p.element("price-chart");
    assert!(chart.contains(&mnt_en(per_kg)), "{per_kg} in {chart}");
    assert!(chart.contains(point["week"].as_str().unwrap()), "{chart}");

    crate::people::after_the_sale(
        &s,
        crate::people::Sold {
            herder,
            lender,
            regulator,
            bat,
            dorj,
            receipt: receipt.to_owned(),
            clean_bat,
            pid,
            pool_clean,
            bat_owed,
        },
    )
    .await;
}
