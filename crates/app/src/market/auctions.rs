//! Sealed-bid auctions. A cooperative lists pooled lots with a reserve, an opening and a
//! closing time and a price rule (first or second price); partner cooperatives may add their
//! lots before the opening. Registered buyers bid once per lot; each bid gets a receipt (a
//! commitment over auction, buyer, amount, time and a random nonce). Bids are sealed: no API
//! answers a bid, or how many there are, before the close — to anyone, the sellers included.
//! At the close each lot is cleared by `market::publish`; the bid book (every bid with its
//! nonce, so each bidder can check its receipt) is published, a `sale` event ships each sold
//! lot to its winner (the ledger refuses a lot sold twice), and one close event carries the
//! SHA-256 of every book, so the transparency log commits to the books.

use chrono::{DateTime, SecondsFormat, Utc};
use market::auction::{AuctionInput, BidBook, BidInput, PriceRule};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use store::{OrgId, RecordFilter, Role};

use super::events::{self, OBSERVE, Type};
use super::pools::Pool;
use super::{
    ID_BASE, Kind, Versioned, bad, list, need, new_record, party_id, update_record, write,
};
use crate::auth::Principal;
use crate::{App, AppError, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuctionLot {
    pub pool: String,
    pub lot: String,
    pub seller: i64,
    pub grams: u64,
    pub clean_g: u64,
    pub colour: market::intake::Colour,
    pub grade: String,
    pub reserve_mnt: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotResult {
    pub pool: String,
    pub winner: Option<String>,
    pub price_mnt: Option<u64>,
    pub book: BidBook,
    /// SHA-256 of the book's RFC 8785 form, hex.
    pub book_sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sale_event: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Auction {
    pub id: String,
    pub title: String,
    pub rule: PriceRule,
    pub opens_at: String,
    pub closes_at: String,
    /// The creating cooperative and the partners who may add lots.
    pub organiser: i64,
    pub partners: Vec<i64>,
    /// Invited buyers (organisation names); empty: any organisation with role buyer.
    pub buyers: Vec<String>,
    pub lots: Vec<AuctionLot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<LotResult>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_event: Option<String>,
}

impl Kind for Auction {
    const KIND: &'static str = "auction";
    const WHAT: &'static str = "auction";
}

/// A sealed bid as stored (never answered before the close).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bid {
    pub auction: String,
    pub pool: String,
    pub buyer: String,
    pub buyer_org: i64,
    pub amount_mnt: i64,
    pub at: String,
    pub nonce: String,
    pub commitment: String,
}

impl Kind for Bid {
    const KIND: &'static str = "bid";
    const WHAT: &'static str = "bid";
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LotIn {
    pub pool: String,
    pub reserve_mnt: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuctionIn {
    #[serde(default)]
    pub title: String,
    pub rule: PriceRule,
    pub opens_at: String,
    pub closes_at: String,
    pub lots: Vec<LotIn>,
    /// Cooperatives (names) that may add their lots before the opening.
    #[serde(default)]
    pub partners: Vec<String>,
    /// Invited buyers (names); empty: every organisation with role buyer.
    #[serde(default)]
    pub buyers: Vec<String>,
}

fn time(field: &str, text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| bad(field, format!("'{text}' is not an RFC 3339 date-time")))
}

pub fn auction_uri(id: &str) -> String {
    format!("{ID_BASE}/auction/{id}")
}

/// The id a lot is cleared under (part of every bid commitment).
fn lot_auction_id(auction: &str, pool: &str) -> String {
    format!("{auction}/{pool}")
}

/// Opens an auction of the principal cooperative's pools.
pub async fn create(app: &App, who: &Principal, req: AuctionIn) -> Result<Auction> {
    super::require_role(who, &[Role::Cooperative], "list lots for auction")?;
    let opens = time("opens_at", &req.opens_at)?;
    let closes = time("closes_at", &req.closes_at)?;
    if closes <= opens {
        return Err(bad("closes_at", "must be after opens_at"));
    }
    if closes <= app.clock.now() {
        return Err(bad("closes_at", "is in the past"));
    }
    if req.lots.is_empty() {
        return Err(bad("lots", "an auction lists at least one lot"));
    }
    let mut partners = Vec::new();
    for name in &req.partners {
        let o = crate::orgs::by_name(app, name).await?;
        if o.role != Role::Cooperative {
            return Err(bad("partners", format!("'{name}' is not a cooperative")));
        }
        partners.push(o.id.0);
    }
    for name in &req.buyers {
        let o = crate::orgs::by_name(app, name).await?;
        if o.role != Role::Buyer {
            return Err(bad("buyers", format!("'{name}' is not a registered buyer")));
        }
    }
    let n = list::<Auction>(app, &RecordFilter::owner(who.id()))
        .await?
        .len()
        + 1;
    let id = format!("A-{}-{n:04}", who.id().0);
    let mut auction = Auction {
        id: id.clone(),
        title: req.title.trim().to_owned(),
        rule: req.rule,
        opens_at: opens.to_rfc3339_opts(SecondsFormat::Secs, true),
        closes_at: closes.to_rfc3339_opts(SecondsFormat::Secs, true),
        organiser: who.id().0,
        partners,
        buyers: req.buyers.clone(),
        lots: Vec::new(),
        results: None,
        close_event: None,
    };
    let mut updates = Vec::new();
    for l in &req.lots {
        let (lot, update) = take_pool(app, who, &id, l).await?;
        auction.lots.push(lot);
        updates.push(update);
    }
    write(
        app,
        vec![new_record(&id, None, Some(who.id()), &auction)?],
        updates,
    )
    .await?;
    Ok(auction)
}

/// Checks a pool may be listed by the principal and marks it listed.
async fn take_pool(
    app: &App,
    who: &Principal,
    auction: &str,
    l: &LotIn,
) -> Result<(AuctionLot, store::RecordUpdate)> {
    if l.reserve_mnt < 0 {
        return Err(bad(
            "reserve_mnt",
            format!("must not be negative, got {}", l.reserve_mnt),
        ));
    }
    let mut p: Versioned<Pool> = need(app, &l.pool).await?;
    if p.value.cooperative != who.id().0 {
        return Err(AppError::Forbidden(format!(
            "pool {} is another cooperative's",
            l.pool
        )));
    }
    if let Some(a) = &p.value.auction {
        return Err(AppError::Refused {
            reason: "listed",
            detail: format!("pool {} is already listed in auction {a}", l.pool),
        });
    }
    p.value.auction = Some(auction.to_owned());
    let lot = AuctionLot {
        pool: p.value.id.clone(),
        lot: p.value.lot.clone(),
        seller: p.value.cooperative,
        grams: p.value.grams,
        clean_g: p.value.clean_g,
        colour: p.value.colour,
        grade: p.value.grade.clone(),
        reserve_mnt: l.reserve_mnt,
    };
    Ok((lot, update_record(&l.pool, &p)?))
}

/// A partner cooperative (or the organiser) adds a lot before the opening.
pub async fn add_lot(app: &App, who: &Principal, id: &str, l: LotIn) -> Result<Auction> {
    super::require_role(who, &[Role::Cooperative], "list lots for auction")?;
    let mut a: Versioned<Auction> = need(app, id).await?;
    if a.value.organiser != who.id().0 && !a.value.partners.contains(&who.id().0) {
        return Err(AppError::Forbidden(format!(
            "'{}' is not a partner of auction {id}",
            who.org.name
        )));
    }
    if app.clock.now() >= time("opens_at", &a.value.opens_at)? {
        return Err(AppError::Refused {
            reason: "open",
            detail: format!("auction {id} has opened; lots can no longer be added"),
        });
    }
    let (lot, update) = take_pool(app, who, id, &l).await?;
    a.value.lots.push(lot);
    write(app, vec![], vec![update_record(id, &a)?, update]).await?;
    Ok(a.value)
}

/// `POST /auctions/{id}/bids`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BidIn {
    pub pool: String,
    pub amount_mnt: i64,
}

/// What a bidder keeps: the commitment lets it find and check its bid in the published book.
#[derive(Debug, Clone, Serialize)]
pub struct BidReceipt {
    pub auction: String,
    pub pool: String,
    pub buyer: String,
    pub amount_mnt: i64,
    pub at: String,
    pub nonce: String,
    pub commitment: String,
}

fn refused(reason: &'static str, detail: String) -> AppError {
    AppError::Refused { reason, detail }
}

/// Places a sealed bid. Refused, with a reason: not a registered (or invited) buyer
/// (`unauthorised`, 403), before the opening (`early`), after the close (`late`), under the
/// reserve (`below-reserve`), a second bid on the lot (`duplicate`).
pub async fn bid(app: &App, who: &Principal, id: &str, req: BidIn) -> Result<BidReceipt> {
    let a: Auction = need(app, id).await?.value;
    let invited = a.buyers.is_empty() || a.buyers.iter().any(|b| b == &who.org.name);
    if who.org.role != Role::Buyer || !invited {
        return Err(AppError::Forbidden(format!(
            "unauthorised bid: '{}' is not a registered buyer{} of auction {id}",
            who.org.name,
            if a.buyers.is_empty() { "" } else { " invited" }
        )));
    }
    let lot = a
        .lots
        .iter()
        .find(|l| l.pool == req.pool)
        .ok_or_else(|| bad("pool", format!("auction {id} lists no lot '{}'", req.pool)))?;
    if req.amount_mnt <= 0 {
        return Err(bad(
            "amount_mnt",
            format!("must be positive, got {}", req.amount_mnt),
        ));
    }
    let now = app.clock.now();
    if now < time("opens_at", &a.opens_at)? {
        return Err(refused(
            "early",
            format!("auction {id} opens at {}", a.opens_at),
        ));
    }
    if now > time("closes_at", &a.closes_at)? || a.results.is_some() {
        return Err(refused(
            "late",
            format!("auction {id} closed at {}", a.closes_at),
        ));
    }
    if req.amount_mnt < lot.reserve_mnt {
        return Err(refused(
            "below-reserve",
            format!(
                "{} MNT is below the reserve of {} MNT",
                req.amount_mnt, lot.reserve_mnt
            ),
        ));
    }
    let mut nonce = [0u8; 32];
    app.random.fill(&mut nonce);
    let at = now.to_rfc3339_opts(SecondsFormat::Micros, true);
    let commitment = market::commitment(
        &lot_auction_id(id, &lot.pool),
        &who.org.name,
        req.amount_mnt,
        &now,
        &nonce,
    );
    let b = Bid {
        auction: id.to_owned(),
        pool: lot.pool.clone(),
        buyer: who.org.name.clone(),
        buyer_org: who.id().0,
        amount_mnt: req.amount_mnt,
        at: at.clone(),
        nonce: hex::encode(nonce),
        commitment: commitment.clone(),
    };
    let key = format!("{id}/{}/{}", lot.pool, who.id().0);
    match write(
        app,
        vec![new_record(&key, Some(id), Some(who.id()), &b)?],
        vec![],
    )
    .await
    {
        Err(AppError::Refused {
            reason: "duplicate",
            ..
        }) => {
            return Err(refused(
                "duplicate",
                format!(
                    "'{}' has already bid on lot {} of auction {id}",
                    who.org.name, lot.pool
                ),
            ));
        }
        r => r?,
    }
    Ok(BidReceipt {
        auction: id.to_owned(),
        pool: lot.pool.clone(),
        buyer: b.buyer,
        amount_mnt: b.amount_mnt,
        at,
        nonce: b.nonce,
        commitment,
    })
}

/// The auction, closing it first when its time has passed. Before the close the answer says
/// nothing of bids.
pub async fn get(app: &App, id: &str) -> Result<Auction> {
    let a: Auction = need(app, id).await?.value;
    if a.results.is_none() && app.clock.now() > time("closes_at", &a.closes_at)? {
        return close_inner(app, id).await;
    }
    Ok(a)
}

/// Closes an auction whose closing time has passed (any seller, or lazily on reading).
pub async fn close(app: &App, who: &Principal, id: &str) -> Result<Auction> {
    let a: Auction = need(app, id).await?.value;
    if a.organiser != who.id().0 && !a.partners.contains(&who.id().0) && who.org.role != Role::Admin
    {
        return Err(AppError::Forbidden(format!(
            "'{}' does not sell in auction {id}",
            who.org.name
        )));
    }
    if app.clock.now() <= time("closes_at", &a.closes_at)? {
        return Err(refused(
            "not-closed",
            format!("auction {id} closes at {}", a.closes_at),
        ));
    }
    if a.results.is_some() {
        return Ok(a);
    }
    close_inner(app, id).await
}

async fn close_inner(app: &App, id: &str) -> Result<Auction> {
    let mut a: Versioned<Auction> = need(app, id).await?;
    let bids: Vec<Bid> = list::<Bid>(app, &RecordFilter::parent(id))
        .await?
        .into_iter()
        .map(|b| b.value)
        .collect();
    let now = app.clock.now();
    let mut results = Vec::new();
    let mut sale_events = Vec::new();
    let mut sellers = std::collections::BTreeMap::new();
    for lot in &a.value.lots {
        let input = AuctionInput {
            rule: a.value.rule,
            reserve_mnt: lot.reserve_mnt,
            opens_at: Some(a.value.opens_at.clone()),
            closes_at: a.value.closes_at.clone(),
            buyers: None,
            bids: bids
                .iter()
                .filter(|b| b.pool == lot.pool)
                .map(|b| BidInput {
                    buyer: b.buyer.clone(),
                    amount_mnt: b.amount_mnt,
                    at: b.at.clone(),
                    nonce: Some(b.nonce.clone()),
                })
                .collect(),
        };
        let book = market::publish(&lot_auction_id(id, &lot.pool), &input)
            .map_err(|e| AppError::Internal(format!("clearing lot {}: {e}", lot.pool)))?;
        let canonical = serde_json::to_value(&book)
            .ok()
            .and_then(|v| tlog::jcs::to_vec(&v).ok())
            .ok_or_else(|| AppError::Internal(format!("bid book of lot {}", lot.pool)))?;
        let book_sha256 = hex::encode(Sha256::digest(&canonical));
        if let (Some(w), Some(price)) = (&book.winner, book.price_mnt) {
            let buyer = crate::orgs::by_name(app, w).await?;
            let seller = match sellers.get(&lot.seller) {
                Some(o) => std::clone::Clone::clone(o),
                None => {
                    let o = super::org(app, OrgId(lot.seller)).await?;
                    sellers.insert(lot.seller, o.clone());
                    o
                }
            };
            let mut e = events::event(Type::ObjectEvent, "sale", now);
            e.action = Some(OBSERVE);
            e.biz_step = Some("shipping".into());
            e.disposition = Some("in_transit".into());
            e.quantity_list = Some(vec![events::quantity(&lot.lot, lot.grams)]);
            events::transaction(&mut e, "inv", &format!("{}/{}", auction_uri(id), lot.pool));
            events::parties(&mut e, &party_id(&seller), &party_id(&buyer));
            events::add(&mut e, "priceMnt", price);
            events::add(&mut e, "bidBookSha256", book_sha256.clone());
            sale_events.push((seller, e, results.len()));
        }
        results.push(LotResult {
            pool: lot.pool.clone(),
            winner: book.winner.clone(),
            price_mnt: book.price_mnt,
            book,
            book_sha256,
            sale_event: None,
        });
    }
    // Each seller ships its own lots (its events, its capture).
    for (seller, e, k) in sale_events {
        let p = Principal { org: seller };
        let ids = events::capture(app, &p, &events::document(vec![e], None, now)).await?;
        results[k].sale_event = ids.first().cloned();
    }
    let organiser = super::org(app, OrgId(a.value.organiser)).await?;
    // Not a profile step: it moves no fibre, it only commits the books to the log.
    let mut close = events::plain_event(Type::ObjectEvent, now);
    close.action = Some(OBSERVE);
    close.biz_step = Some("other".into());
    close.biz_location = events::location(&party_id(&organiser));
    close.quantity_list = Some(
        a.value
            .lots
            .iter()
            .map(|l| events::quantity(&l.lot, l.grams))
            .collect(),
    );
    events::add(&mut close, "auction", auction_uri(id));
    events::add(
        &mut close,
        "bidBooks",
        Value::Array(
            results
                .iter()
                .map(|r| json!({"lot": r.pool, "sha256": r.book_sha256}))
                .collect(),
        ),
    );
    let ids = events::capture(
        app,
        &Principal { org: organiser },
        &events::document(vec![close], None, now),
    )
    .await?;
    let mut sales = Vec::new();
    for (lot, r) in a.value.lots.iter().zip(&results) {
        if let Some(price) = r.price_mnt {
            sales.push(super::catalogue::auction_sale(app, id, lot, price, now).await?);
        }
    }
    a.value.results = Some(results);
    a.value.close_event = ids.first().cloned();
    let mut inserts = Vec::new();
    for s in &sales {
        inserts.push(new_record(&s.id, None, Some(OrgId(a.value.organiser)), s)?);
    }
    match write(app, inserts, vec![update_record(id, &a)?]).await {
        // Another process closed it first: answer its result.
        Err(AppError::Refused { .. }) => Ok(need::<Auction>(app, id).await?.value),
        r => r.map(|()| a.value),
    }
}

/// The published bid book of one lot (after the close; sealed before).
pub async fn book(app: &App, id: &str, pool: &str) -> Result<Value> {
    let a = get(app, id).await?;
    let Some(results) = &a.results else {
        return Err(refused(
            "sealed",
            format!("the bids of auction {id} are sealed until {}", a.closes_at),
        ));
    };
    let r = results
        .iter()
        .find(|r| r.pool == pool)
        .ok_or_else(|| AppError::not_found("auction lot", pool))?;
    Ok(json!({
        "auction": id,
        "pool": pool,
        "book": r.book,
        "book_sha256": r.book_sha256,
        "close_event": a.close_event,
        "sale_event": r.sale_event,
    }))
}

/// The public view of an auction: terms and lots; results and books only after the close.
pub async fn view(app: &App, id: &str) -> Result<Value> {
    let a = get(app, id).await?;
    let mut v = serde_json::to_value(&a).map_err(|e| AppError::Internal(e.to_string()))?;
    v["state"] = if a.results.is_some() {
        "closed"
    } else {
        "open"
    }
    .into();
    Ok(v)
}

/// Every auction, newest first.
pub async fn all(app: &App) -> Result<Vec<Auction>> {
    let mut v: Vec<Auction> = list::<Auction>(app, &RecordFilter::default())
        .await?
        .into_iter()
        .map(|r| r.value)
        .collect();
    v.reverse();
    Ok(v)
}
