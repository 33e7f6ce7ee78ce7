//! The public side of the market: the catalogue (lots listed in open auctions, and finished
//! products of small producers, each linked to its passport), buyers' enquiries to the owner of
//! an item, recorded sales, and the price index by colour, grade, aimag and ISO week computed
//! from settled auction sales and recorded sales, as data and as an SVG chart.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use market::index::{PriceIndex, SaleRecord, Week};
use market::intake::Colour;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::{OrgId, RecordFilter, Role};

use super::auctions::AuctionLot;
use super::intake::IntakeRecord;
use super::{Kind, bad, list, need, new_record, write};
use crate::auth::Principal;
use crate::{App, AppError, Result};

/// A sale the price index counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleEntry {
    pub id: String,
    /// `auction` or `recorded`.
    pub source: String,
    pub recorded_by: i64,
    #[serde(flatten)]
    pub sale: SaleRecord,
}

impl Kind for SaleEntry {
    const KIND: &'static str = "sale";
    const WHAT: &'static str = "sale";
}

/// The aimag (ISO 3166-2) most of a lot's clean fibre came from.
async fn lot_aimag(app: &App, pool: &str) -> Result<String> {
    let p: super::pools::Pool = need(app, pool).await?.value;
    let mut by: BTreeMap<String, u64> = BTreeMap::new();
    for r in &p.intakes {
        let i: IntakeRecord = need(app, r).await?.value;
        let h = super::registry::household(app, &i.intake.member).await?;
        *by.entry(h.aimag).or_default() += i.intake.clean_g;
    }
    let code = by
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(a, _)| a)
        .unwrap_or_default();
    Ok(iso(&code))
}

fn iso(aimag_code: &str) -> String {
    aimag_code
        .parse::<u8>()
        .ok()
        .and_then(mongolia::aimag)
        .map(|a| a.iso_3166_2.to_owned())
        .unwrap_or_else(|| aimag_code.to_owned())
}

/// The index entry of a lot sold at auction.
pub(super) async fn auction_sale(
    app: &App,
    auction: &str,
    lot: &AuctionLot,
    price: u64,
    at: DateTime<Utc>,
) -> Result<SaleEntry> {
    Ok(SaleEntry {
        id: format!("{auction}/{}", lot.pool),
        source: "auction".into(),
        recorded_by: lot.seller,
        sale: SaleRecord {
            date: super::mongolia_time(at).date_naive(),
            colour: lot.colour,
            grade: lot.grade.clone(),
            aimag: lot_aimag(app, &lot.pool).await?,
            clean_g: lot.clean_g,
            price_mnt: price,
        },
    })
}

/// `POST /sales`: a sale made outside the platform's auctions (a cooperative's direct sale,
/// a processor's purchase), for the index.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaleIn {
    pub date: NaiveDate,
    pub colour: Colour,
    pub grade: String,
    /// Aimag code (2 digits) or ISO 3166-2 (`MN-057`).
    pub aimag: String,
    pub clean_kg: Value,
    pub price_mnt: i64,
}

pub async fn record_sale(app: &App, who: &Principal, req: SaleIn) -> Result<SaleEntry> {
    super::require_role(
        who,
        &[Role::Cooperative, Role::Buyer, Role::Processor],
        "record sales",
    )?;
    let clean_g = super::intake::grams("clean_kg", &req.clean_kg)?;
    if clean_g == 0 {
        return Err(bad("clean_kg", "must be positive"));
    }
    let price_mnt = u64::try_from(req.price_mnt)
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| {
            bad(
                "price_mnt",
                format!("must be positive, got {}", req.price_mnt),
            )
        })?;
    let aimag = mongolia::aimags()
        .iter()
        .find(|a| a.iso_3166_2 == req.aimag || format!("{:02}", a.code) == req.aimag)
        .map(|a| a.iso_3166_2.to_owned())
        .ok_or_else(|| bad("aimag", format!("'{}' is not an aimag code", req.aimag)))?;
    if req.grade.trim().is_empty() {
        return Err(bad("grade", "is empty"));
    }
    let n = list::<SaleEntry>(app, &RecordFilter::owner(who.id()))
        .await?
        .len()
        + 1;
    let s = SaleEntry {
        id: format!("SALE-{}-{n}", who.id().0),
        source: "recorded".into(),
        recorded_by: who.id().0,
        sale: SaleRecord {
            date: req.date,
            colour: req.colour,
            grade: req.grade.trim().to_owned(),
            aimag,
            clean_g,
            price_mnt,
        },
    };
    write(
        app,
        vec![new_record(&s.id, None, Some(who.id()), &s)?],
        vec![],
    )
    .await?;
    Ok(s)
}

/// The index over every sale, with an optional base week and filters.
pub async fn price_index(
    app: &App,
    base_week: Option<&str>,
    colour: Option<&str>,
    grade: Option<&str>,
    aimag: Option<&str>,
) -> Result<PriceIndex> {
    let base = base_week
        .map(|w| {
            w.parse::<Week>()
                .map_err(|e| AppError::QueryParameter(e.to_string()))
        })
        .transpose()?;
    let records: Vec<SaleRecord> = list::<SaleEntry>(app, &RecordFilter::default())
        .await?
        .into_iter()
        .map(|s| s.value.sale)
        .filter(|s| colour.is_none_or(|c| s.colour.as_str() == c))
        .filter(|s| grade.is_none_or(|g| s.grade == g))
        .collect();
    let mut index =
        market::price_index(&records, base).map_err(|e| AppError::Internal(e.to_string()))?;
    if let Some(a) = aimag {
        let a = iso(a);
        index
            .series
            .retain(|s| s.aimag.as_deref() == Some(a.as_str()));
    }
    Ok(index)
}

/// A finished product of a small producer, linked to its passport.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: String,
    pub owner: i64,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// GTIN-14 (digits); the passport is at `/01/{gtin}` (or `/01/{gtin}/21/{serial}`).
    pub gtin: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_mnt: Option<i64>,
    pub passport: String,
}

impl Kind for Product {
    const KIND: &'static str = "product";
    const WHAT: &'static str = "product";
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductIn {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub gtin: String,
    #[serde(default)]
    pub serial: Option<String>,
    #[serde(default)]
    pub price_mnt: Option<i64>,
}

pub async fn add_product(app: &App, who: &Principal, req: ProductIn) -> Result<Product> {
    super::require_role(
        who,
        &[
            Role::Cooperative,
            Role::Processor,
            Role::Brand,
            Role::Herder,
        ],
        "list products",
    )?;
    if req.title.trim().is_empty() {
        return Err(bad("title", "is empty"));
    }
    let gtin = req.gtin.trim();
    if epcis::id::verify_check_digit("gtin", gtin, 14).is_err() {
        return Err(bad(
            "gtin",
            format!("'{gtin}' is not a GTIN-14 with a valid check digit"),
        ));
    }
    if req.price_mnt.is_some_and(|p| p < 0) {
        return Err(bad("price_mnt", "must not be negative"));
    }
    let passport = match &req.serial {
        Some(s) => format!("/01/{gtin}/21/{s}"),
        None => format!("/01/{gtin}"),
    };
    let n = list::<Product>(app, &RecordFilter::owner(who.id()))
        .await?
        .len()
        + 1;
    let p = Product {
        id: format!("PR-{}-{n}", who.id().0),
        owner: who.id().0,
        title: req.title.trim().to_owned(),
        description: req.description,
        gtin: gtin.to_owned(),
        serial: req.serial,
        price_mnt: req.price_mnt,
        passport,
    };
    write(
        app,
        vec![new_record(&p.id, None, Some(who.id()), &p)?],
        vec![],
    )
    .await?;
    Ok(p)
}

/// The public catalogue: lots of auctions still open, and products.
pub async fn catalogue(app: &App) -> Result<Value> {
    let now = app.clock.now();
    let mut lots = Vec::new();
    for a in super::auctions::all(app).await? {
        let closes = DateTime::parse_from_rfc3339(&a.closes_at).map(|t| t.with_timezone(&Utc));
        if a.results.is_some() || closes.is_ok_and(|c| c <= now) {
            continue;
        }
        for l in &a.lots {
            let seller = super::org(app, OrgId(l.seller)).await?;
            lots.push(json!({
                "item": format!("lot:{}/{}", a.id, l.pool),
                "auction": a.id,
                "title": a.title,
                "pool": l.pool,
                "lot": l.lot,
                "seller": seller.name,
                "colour": l.colour,
                "grade": l.grade,
                "kg": super::events::kg(l.grams),
                "clean_kg": super::events::kg(l.clean_g),
                "reserve_mnt": l.reserve_mnt,
                "rule": a.rule,
                "opens_at": a.opens_at,
                "closes_at": a.closes_at,
                "listing": format!("/pools/{}", l.pool),
                "provenance": format!("/provenance?id={}", l.lot),
            }));
        }
    }
    let products: Vec<Value> = list::<Product>(app, &RecordFilter::default())
        .await?
        .into_iter()
        .map(|p| {
            let mut v = serde_json::to_value(&p.value).unwrap_or_default();
            v["item"] = format!("product:{}", p.value.id).into();
            v
        })
        .collect();
    Ok(json!({"lots": lots, "products": products}))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enquiry {
    pub id: String,
    pub item: String,
    pub from: String,
    pub from_org: i64,
    pub to_org: i64,
    pub message: String,
    pub at: String,
}

impl Kind for Enquiry {
    const KIND: &'static str = "enquiry";
    const WHAT: &'static str = "enquiry";
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnquiryIn {
    /// `lot:<auction>/<pool>` or `product:<id>` (the catalogue's `item`).
    pub item: String,
    pub message: String,
}

/// A buyer's (or brand's, processor's) enquiry about a catalogue item, to its owner.
pub async fn enquire(app: &App, who: &Principal, req: EnquiryIn) -> Result<Enquiry> {
    super::require_role(
        who,
        &[Role::Buyer, Role::Brand, Role::Processor],
        "send enquiries",
    )?;
    let message = req.message.trim();
    if message.is_empty() || message.chars().count() > 2000 {
        return Err(bad("message", "must be 1 to 2000 characters"));
    }
    let to = if let Some(rest) = req.item.strip_prefix("lot:") {
        let (auction, pool) = rest
            .split_once('/')
            .ok_or_else(|| bad("item", "lot items are lot:<auction>/<pool>"))?;
        let a: super::auctions::Auction = need(app, auction).await?.value;
        a.lots
            .iter()
            .find(|l| l.pool == pool)
            .map(|l| l.seller)
            .ok_or_else(|| AppError::not_found("auction lot", pool))?
    } else if let Some(id) = req.item.strip_prefix("product:") {
        need::<Product>(app, id).await?.value.owner
    } else {
        return Err(bad(
            "item",
            format!("'{}' is not lot:… or product:…", req.item),
        ));
    };
    let n = list::<Enquiry>(app, &RecordFilter::parent(to.to_string()))
        .await?
        .len()
        + 1;
    let e = Enquiry {
        id: format!("ENQ-{to}-{n}"),
        item: req.item,
        from: who.org.name.clone(),
        from_org: who.id().0,
        to_org: to,
        message: message.to_owned(),
        at: app.clock.now().to_rfc3339(),
    };
    write(
        app,
        vec![new_record(
            &e.id,
            Some(&to.to_string()),
            Some(who.id()),
            &e,
        )?],
        vec![],
    )
    .await?;
    Ok(e)
}

/// Enquiries addressed to the principal.
pub async fn enquiries(app: &App, who: &Principal) -> Result<Vec<Enquiry>> {
    Ok(
        list::<Enquiry>(app, &RecordFilter::parent(who.id().0.to_string()))
            .await?
            .into_iter()
            .map(|r| r.value)
            .collect(),
    )
}
