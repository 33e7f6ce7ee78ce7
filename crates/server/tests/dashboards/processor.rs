//! The processor's and brand's page: a brand takes in raw fibre, dehairs it and knits
//! garments; its page shows each transformation's mass balance, the lots it made with what is
//! left of them, and the garments with a working link to each passport. Another processor's
//! page shows none of it.

use reqwest::Method;
use serde_json::{Value, json};
use store::Role;

use crate::browser::Browser;
use crate::common::*;

const PAGE: &str = "/app/processor";

fn q(lot: &str, kg: f64) -> Value {
    json!({"epcClass": lot, "quantity": kg, "uom": "KGM"})
}

fn transformation(n: u32, process: &str, inputs: Value, outputs: Value) -> Value {
    let mut e = json!({
        "type": "TransformationEvent",
        "eventID": format!("urn:uuid:7b2d0000-0000-4000-8000-{n:012}"),
        "eventTime": format!("2025-06-{:02}T10:00:00.000+08:00", 10 + n),
        "eventTimeZoneOffset": "+08:00",
        "inputQuantityList": inputs,
        "bizStep": "commissioning",
        "disposition": "active",
        "cm:profile": "1",
        "cm:process": process,
    });
    for (k, v) in outputs.as_object().unwrap() {
        e[k] = v.clone();
    }
    e
}

pub async fn processor(db: Db) {
    let Some(s) = start(db).await else {
        return;
    };
    let brand = s
        .org("Gobi Cashmere", Role::Brand, &["https://brand.example.mn/"])
        .await;
    let other = s.org("Other mill", Role::Processor, &[]).await;
    let raw = "https://brand.example.mn/lot/R-1";
    let dehaired = "https://brand.example.mn/lot/D-1";
    let garments: Vec<String> = (1..=3)
        .map(|i| format!("urn:epc:id:sgtin:4712345.012347.{}", 7000 + i))
        .collect();
    let events = vec![
        json!({
            "type": "ObjectEvent",
            "eventID": "urn:uuid:7b2d0000-0000-4000-8000-000000000000",
            "eventTime": "2025-06-10T09:00:00.000+08:00",
            "eventTimeZoneOffset": "+08:00",
            "action": "ADD",
            "bizStep": "commissioning",
            "disposition": "active",
            "quantityList": [q(raw, 100.0)],
            "ilmd": {"cm:fibre": "cashmere", "cm:origin": "MN"},
            "cm:profile": "1",
            "cm:process": "fibre-intake",
        }),
        transformation(
            1,
            "dehairing",
            json!([q(raw, 100.0)]),
            json!({"outputQuantityList": [q(dehaired, 52.5)]}),
        ),
        transformation(
            2,
            "knitting",
            json!([q(dehaired, 2.0)]),
            json!({"outputEPCList": garments, "ilmd": {"cm:garmentMassKg": 0.5}}),
        ),
    ];
    let doc = json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                     {"cm": "https://nooluur.org/voc/cashmere/"}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2025-06-20T02:00:00.000Z",
        "epcisBody": {"eventList": events}
    });
    let r = s
        .send(
            Method::POST,
            "/events",
            Some(&brand),
            &[("content-type", "application/ld+json")],
            Some(doc.to_string().into_bytes()),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "capture: {}", r.text());

    let mut b = Browser::new(&s);
    b.sign_in(&brand, PAGE).await;
    b.mn_by_header();
    let p = b.page(PAGE, "mn").await;
    assert_eq!(p.h1(), "Gobi Cashmere · Боловсруулагч ба брэнд");
    p.has("Массын тэнцэл");
    let row = p.row("mass-balance", "<td>dehairing</td>");
    assert!(row.contains("<td>2025.06.11</td>"), "{row}");
    b.en_by_cookie();
    let p = b.page(PAGE, "en").await;
    assert_eq!(p.h1(), "Gobi Cashmere · Processor and brand");
    p.has("Mass balance");
    // Newest first: knitting, then dehairing; the fibre intake is no transformation.
    let rows = p.rows("mass-balance");
    assert_eq!(rows.len(), 2, "{rows:#?}");
    assert_eq!(
        rows[0],
        r#"<td>12 Jun 2025</td><td>knitting</td><td class="n">2.0</td><td class="n">3 × 1</td><td class="n"></td>"#
    );
    assert_eq!(
        rows[1],
        r#"<td>11 Jun 2025</td><td>dehairing</td><td class="n">100.0</td><td class="n">52.5</td><td class="n">52.5 %</td>"#
    );
    let stock = p.row("stock", dehaired);
    assert!(
        stock.contains(r#"<td class="n">52.5</td><td class="n">50.5</td>"#),
        "made 52.5 kg, 2 kg knitted: {stock}"
    );
    p.has("Garments (3)");
    let rows = p.rows("garments");
    assert_eq!(rows.len(), 3, "{rows:#?}");
    for g in &garments {
        let dl = epcis::id::to_digital_link(g).unwrap();
        let path = dl.strip_prefix("https://id.gs1.org").unwrap();
        let row = p.row("garments", &format!(r#"<td class="id">{g}</td>"#));
        assert!(
            row.contains(&format!(r#"<a href="{path}">Passport</a>"#)),
            "{row}"
        );
        let passport = s
            .send(Method::GET, path, None, &[("accept", "text/html")], None)
            .await;
        assert_eq!(passport.status.as_u16(), 200, "{path}: {}", passport.text());
    }

    // Another processor sees nothing of the brand's.
    let mut o = Browser::new(&s);
    o.sign_in(&other, PAGE).await;
    let p = o.page(PAGE, "en").await;
    assert!(p.rows("mass-balance").is_empty() && p.rows("garments").is_empty());
    p.has("Nothing yet.").has("Garments (0)").lacks(dehaired);
}
