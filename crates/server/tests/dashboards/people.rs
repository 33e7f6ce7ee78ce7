//! After the sale: a dzud alert for the household's soum; the household's page (deliveries,
//! where the fibre went, statement, alerts) and its grants to a lender, refused then made;
//! the lender's page and the history's score; the revocation that shuts the lender out; the
//! regulator's page with the season in its figures and the model's risk classes.

use serde_json::json;

use crate::browser::Browser;
use crate::common::*;
use crate::{f, kg, mnt_en, mnt_mn, owned};

const HOUSEHOLD: &str = "/app/household";

/// What the season left for the people after the sale.
pub struct Sold {
    pub herder: String,
    pub lender: String,
    pub regulator: String,
    pub bat: String,
    pub dorj: String,
    pub receipt: String,
    pub clean_bat: u64,
    pub pid: String,
    pub pool_clean: u64,
    pub bat_owed: i64,
}

pub async fn after_the_sale(s: &TestServer, t: Sold) {
    let Sold {
        herder,
        lender,
        regulator,
        bat,
        dorj,
        receipt,
        clean_bat,
        pid,
        pool_clean,
        bat_owed,
    } = t;
    let receipt = receipt.as_str();

    // ---- A dzud alert for the household's soum (it subscribed), as the regulator runs them.
    s.created(
        "/alerts/subscriptions",
        &herder,
        json!({"soums": ["18101"]}),
    )
    .await;
    let r = s
        .send(
            reqwest::Method::PUT,
            "/dzud/alerts/config",
            Some(&regulator),
            &[("content-type", "application/json")],
            Some(br#"{"level": 1}"#.to_vec()),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let r = s
        .post_json("/dzud/alerts/run", &regulator, &json!({}))
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text());
    let alerts = s.ok("/alerts", &herder).await;
    let alert = alerts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["soum"] == "18101")
        .unwrap_or_else(|| panic!("no alert for 18101: {alerts}"))
        .clone();
    let class = alert["class"].as_u64().unwrap() as usize;

    // ---- Household: deliveries, where the fibre went, statement, alerts; grants.
    let mut h = Browser::new(s);
    h.sign_in(&herder, HOUSEHOLD).await;
    h.mn_by_header();
    let p = h.page(HOUSEHOLD, "mn").await;
    assert_eq!(p.h1(), "Bat household · Өрх");
    p.has(&format!(
        r#"<h2 id="h-{bat}">Bat · Улиастай <span class="id">{bat}</span></h2>"#
    ))
    .has("Тушаасан ноолуур")
    .has(&mnt_mn(bat_owed))
    .has("Зээлийн түүхээ үзэх эрх")
    .has(&format!(
        "<li>Зудын эрсдэл Улиастай: Эрсдэлийн зэрэг {class} ({})</li>",
        ["маш бага", "бага", "дунд", "өндөр", "маш өндөр"][class - 1]
    ))
    .lacks(&dorj);
    h.en_by_cookie();
    let p = h.page(HOUSEHOLD, "en").await;
    let delivery = p
        .body
        .split("<tr>")
        .find(|r| r.contains(receipt))
        .unwrap_or_else(|| panic!("no delivery {receipt}: {}", p.body));
    assert!(
        delivery.contains(&format!(r#"<td class="n">{}</td>"#, kg(clean_bat))),
        "{delivery}"
    );
    assert!(
        delivery.contains(&format!(
            "Lot {pid} → sold to Buyer X ({})",
            mnt_en(2_500_000)
        )),
        "{delivery}"
    );
    p.has(&format!(
        "<li>Dzud risk Uliastai: Risk class {class} ({})</li>",
        ["very low", "low", "moderate", "high", "very high"][class - 1]
    ));
    p.has(&format!(r#"<td class="n">{}</td>"#, mnt_en(bat_owed)))
        .has("<option>XacBank</option>")
        .has(&format!(
            r#"<input type="hidden" name="csrf" value="{}"><input type="hidden" name="household" value="{bat}">"#,
            p.csrf()
        ));
    let grant = "/app/household/grant";
    let g = |hh: &str, lender: &str, until: &str| {
        owned(&[
            ("household", hh),
            ("lender", lender),
            ("purpose", "herd loan"),
            ("until", until),
        ])
    };
    for (hh, lender, until, words) in [
        (
            bat.as_str(),
            "Nobody Bank",
            "2026-01-31",
            &["Nobody Bank"][..],
        ),
        (&bat, "Buyer X", "2026-01-31", &["Buyer X", "not a lender"]),
        (&bat, "XacBank", "next year", &["until", "next year"]),
        (&dorj, "XacBank", "2026-01-31", &[]),
    ] {
        h.refused(grant, &f(&g(hh, lender, until)), HOUSEHOLD, words)
            .await;
    }
    let r = h
        .post_raw(grant, &f(&g(&bat, "XacBank", "2026-01-31")))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let grants = s.ok(&format!("/households/{bat}/grants"), &herder).await;
    assert_eq!(grants["grants"], json!([]), "{grants}");
    let msg = h
        .done(
            grant,
            &f(&g(&bat, "XacBank", "2026-01-31")),
            HOUSEHOLD,
            "Access granted ",
        )
        .await;
    assert!(msg.ends_with("· XacBank"), "{msg}");
    let grants = s.ok(&format!("/households/{bat}/grants"), &herder).await;
    let gid = grants["grants"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(grants["grants"][0]["live"], true, "{grants}");
    assert!(msg.contains(&gid), "{msg}");
    let p = h.page(HOUSEHOLD, "en").await;
    let row = p
        .body
        .split("<tr>")
        .find(|r| r.contains(&gid))
        .unwrap()
        .to_owned();
    assert!(
        row.contains("<td>XacBank</td><td>herd loan</td><td>31 Jan 2026</td>"),
        "{row}"
    );

    // ---- Lender: the shared history and its score.
    let mut k = Browser::new(s);
    k.sign_in(&lender, "/app/lender").await;
    k.mn_by_header();
    let p = k.page("/app/lender", "mn").await;
    assert_eq!(p.h1(), "XacBank · Зээлдүүлэгч");
    p.has("Танд нээлттэй зээлийн түүх");
    assert!(p.row("lender-grants", &bat).contains("2026.01.31"));
    k.en_by_cookie();
    let p = k.page("/app/lender", "en").await;
    let row = p.row("lender-grants", &bat);
    assert!(
        row.contains("<td>herd loan</td><td>31 Jan 2026</td>"),
        "{row}"
    );
    let link = format!("/app/lender/history/{bat}");
    assert!(
        row.contains(&format!(r#"<a href="{link}">View history</a>"#)),
        "{row}"
    );
    let credit = s.ok(&format!("/households/{bat}/credit"), &lender).await;
    let p = k.page(&link, "en").await;
    let score = credit["score"]["total"].as_i64().unwrap();
    p.has(&format!(r#"<span id="score">{score}</span>"#));
    let reasons = credit["score"]["reasons"].as_array().unwrap();
    assert_eq!(p.rows("reasons").len(), reasons.len());
    for r in reasons {
        let row = p.row(
            "reasons",
            &format!(r#"<td class="id">{}</td>"#, r["code"].as_str().unwrap()),
        );
        assert!(
            row.contains(&format!(r#"<td class="n">{}</td>"#, r["points"])),
            "{row}"
        );
    }
    k.mn_by_header();
    let p = k.page(&link, "mn").await;
    p.has(&format!(r#"Оноо: <span id="score">{score}</span>"#));
    let log = s.ok(&format!("/households/{bat}/grants"), &herder).await;
    assert_eq!(
        log["access_log"].as_array().unwrap().len(),
        3,
        "the API read and both page reads are logged: {log}"
    );
    k.en_by_cookie();

    // ---- Household revokes: refused without CSRF, then done; the lender is shut out.
    let revoke = "/app/household/revoke";
    h.page(HOUSEHOLD, "en").await;
    let r = h
        .post_raw(revoke, &[("household", &bat), ("grant", &gid)])
        .await;
    assert_eq!(r.status, 403);
    h.refused(
        revoke,
        &[("household", &bat), ("grant", "G-none")],
        HOUSEHOLD,
        &["G-none"],
    )
    .await;
    assert_eq!(
        s.ok(&format!("/households/{bat}/grants"), &herder).await["grants"][0]["live"],
        true
    );
    let msg = h
        .done(
            revoke,
            &[("household", &bat), ("grant", &gid)],
            HOUSEHOLD,
            "Access revoked ",
        )
        .await;
    assert_eq!(msg, format!("Access revoked {gid} · XacBank"));
    assert_eq!(
        s.ok(&format!("/households/{bat}/grants"), &herder).await["grants"][0]["live"],
        false
    );
    let p = k.page("/app/lender", "en").await;
    assert!(
        !p.row("lender-grants", &bat).contains("<a href"),
        "a revoked grant opens nothing"
    );
    let p = k.get(&link).await;
    assert_eq!(p.status, 403, "{}", p.body);
    p.lacks(r#"id="score""#);

    // ---- Regulator: the season in the output figures; maps and risk as the API has them.
    let mut r = Browser::new(s);
    r.sign_in(&regulator, "/app/regulator").await;
    r.mn_by_header();
    let p = r.page("/app/regulator", "mn").await;
    assert_eq!(p.h1(), "Zavkhan inspectorate · Зохицуулагч");
    p.has("Зудын эрсдэл").has("Малын тоо ба бэлчээрийн даац");
    r.en_by_cookie();
    let p = r.page("/app/regulator", "en").await;
    assert!(p.element("stocking-map").contains("<svg") && p.element("risk-map").contains("<svg"));
    let output = p.element("output");
    assert!(
        output.contains(r#"<td class="n">1 ("#) && output.contains(": 1)</td>"),
        "one certificate, revoked: {output}"
    );
    assert!(
        output.contains(r#"Auctions · closed</th><td class="n">1</td>"#),
        "{output}"
    );
    assert!(
        output.contains(&format!(r#"<td class="n">1 · {} kg</td>"#, kg(pool_clean))),
        "{output}"
    );
    let risk = s.ok("/dzud/risk", &regulator).await;
    let aimags = risk["aimags"].as_array().unwrap();
    assert!(aimags.len() >= 21, "{risk}");
    assert_eq!(p.rows("risk").len(), aimags.len());
    let names = ["very low", "low", "moderate", "high", "very high"];
    for a in aimags {
        let class = a["class"].as_u64().unwrap();
        let row = p.row(
            "risk",
            &format!("<td>{}</td>", a["name_en"].as_str().unwrap()),
        );
        assert!(
            row.contains(&format!("{class} · {}", names[class as usize - 1])),
            "{a} in {row}"
        );
    }
    assert!(
        p.has(&format!("Dzud risk · {}", risk["year"]))
            .count("<tr>")
            > aimags.len()
    );
    let stocking = s.ok("/pasture/stocking", &regulator).await;
    let over = stocking["over_capacity"].as_array().map_or(0, Vec::len);
    assert!(over > 0, "{stocking}");
    p.has(&format!("Over capacity ({over})"));
    assert_eq!(p.rows("over-capacity").len(), over.min(40));
}
