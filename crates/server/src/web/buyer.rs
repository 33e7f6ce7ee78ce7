//! The buyer's dashboard: open auctions with a sealed-bid form per lot, and the results of
//! closed ones.

use app::App;
use app::market::auctions::{self, BidIn};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use store::Role;

use super::{Frame, Web, act};

const HOME: &str = "/app/buyer";

pub fn add_routes(r: Router<App>) -> Router<App> {
    r.route(HOME, get(page)).route("/app/buyer/bid", post(bid))
}

pub struct LotRow {
    pub pool: String,
    pub what: String,
    pub kg: String,
    pub reserve: String,
    pub outcome: Option<String>,
}

pub struct AuctionRow {
    pub id: String,
    pub title: String,
    pub closes: String,
    pub lots: Vec<LotRow>,
}

#[derive(Template)]
#[template(path = "web/buyer.html")]
struct Page {
    f: Frame,
    org: String,
    open: Vec<AuctionRow>,
    closed: Vec<AuctionRow>,
    prices: String,
}

async fn page(State(app): State<App>, web: Web) -> Response {
    let who = match web.require(&[Role::Buyer]) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (lang, t) = (web.lang, web.t());
    let all = match auctions::all(&app).await {
        Ok(a) => a,
        Err(e) => return super::fail(lang, &e),
    };
    let prices = match super::charts::national_prices(&app, "prices", lang, t).await {
        Ok(p) => p,
        Err(e) => return super::fail(lang, &e),
    };
    let now = app.clock.now();
    let mut open = Vec::new();
    let mut closed = Vec::new();
    for a in all {
        if !(a.buyers.is_empty() || a.buyers.contains(&who.org.name)) {
            continue;
        }
        let closes = DateTime::parse_from_rfc3339(&a.closes_at).map(|c| c.with_timezone(&Utc));
        let opens = DateTime::parse_from_rfc3339(&a.opens_at).map(|c| c.with_timezone(&Utc));
        let is_open = a.results.is_none()
            && closes.is_ok_and(|c| now <= c)
            && opens.is_ok_and(|o: DateTime<Utc>| now >= o);
        let mut row = AuctionRow {
            id: a.id.clone(),
            title: a.title.clone(),
            closes: closes
                .map(|c| super::coop::local_time(c).replace('T', " "))
                .unwrap_or_else(|_| a.closes_at.clone()),
            lots: a
                .lots
                .iter()
                .map(|l| LotRow {
                    pool: l.pool.clone(),
                    what: format!("{} {}", t.colour(l.colour.as_str()), l.grade),
                    kg: lang.kg(l.clean_g),
                    reserve: lang.mnt(l.reserve_mnt),
                    outcome: a
                        .results
                        .as_ref()
                        .and_then(|r| r.iter().find(|r| r.pool == l.pool))
                        .map(|r| match (&r.winner, r.price_mnt) {
                            (Some(w), Some(p)) => format!(
                                "{} {w} · {}",
                                t.sold_to,
                                lang.mnt(i64::try_from(p).unwrap_or(i64::MAX))
                            ),
                            _ => t.unsold.to_owned(),
                        }),
                })
                .collect(),
        };
        if is_open {
            open.push(row);
        } else if a.results.is_some() {
            closed.push(row);
        } else if closes.is_ok_and(|c| now > c) {
            // Bidding is over but the seller has not closed it yet: no result to show.
            for l in &mut row.lots {
                l.outcome = Some(t.awaiting_close.to_owned());
            }
            closed.push(row);
        }
    }
    open.sort_by(|a, b| a.closes.cmp(&b.closes));
    closed.sort_by(|a, b| b.closes.cmp(&a.closes));
    closed.truncate(20);
    web.page(Page {
        f: web.frame(t.role_buyer),
        org: who.org.name.clone(),
        open,
        closed,
        prices,
    })
}

async fn bid(State(app): State<App>, web: Web, body: Bytes) -> Response {
    let (t, lang) = (web.t(), web.lang);
    act(&web, &body, &[Role::Buyer], HOME, |who, form| async move {
        let req = BidIn {
            pool: form.get("pool").to_owned(),
            amount_mnt: form.int("amount_mnt")?,
        };
        let receipt = auctions::bid(&app, &who, form.get("auction"), req).await?;
        Ok(format!(
            "{} {} · {}",
            t.bid_placed,
            receipt.commitment,
            lang.mnt(receipt.amount_mnt)
        ))
    })
    .await
}
