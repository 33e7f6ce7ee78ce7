//! The cooperative's dashboard: members, intake (with the form that weighs a delivery), lots,
//! auctions (open, close) and settlements to members.

use app::App;
use app::AppError;
use app::auth::Principal;
use app::market::auctions::{self, AuctionIn, LotIn};
use app::market::intake::{self, IntakeIn};
use app::market::pools::{self, PoolIn};
use app::market::registry;
use app::market::settlements::{self, SettleIn};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use market::auction::PriceRule;
use store::Role;

use super::{Frame, Web, act};

const HOME: &str = "/app/cooperative";

pub fn add_routes(r: Router<App>) -> Router<App> {
    r.route(HOME, get(page))
        .route("/app/cooperative/intake", post(record_intake))
        .route("/app/cooperative/pool", post(make_pool))
        .route("/app/cooperative/auction", post(open_auction))
        .route("/app/cooperative/close", post(close_auction))
        .route("/app/cooperative/settle", post(settle))
}

pub struct Member {
    pub id: String,
    pub name: String,
    pub soum: String,
}

pub struct IntakeRow {
    pub date: String,
    pub receipt: String,
    pub household: String,
    pub colour: &'static str,
    pub grade: String,
    pub gross: String,
    pub net: String,
    pub pooled: bool,
}

pub struct PoolRow {
    pub id: String,
    pub date: String,
    pub colour: &'static str,
    pub grade: String,
    pub kg: String,
    pub intakes: usize,
    pub auction: Option<String>,
}

pub struct LotLine {
    pub pool: String,
    pub reserve: String,
    pub outcome: Option<String>,
    pub settle: bool,
}

pub struct AuctionRow {
    pub id: String,
    pub title: String,
    pub closes: String,
    pub closed: bool,
    pub may_close: bool,
    pub lots: Vec<LotLine>,
}

pub struct SettlementRow {
    pub id: String,
    pub date: String,
    pub proceeds: String,
    pub fee: String,
    pub to_members: String,
    pub members: usize,
}

#[derive(Template)]
#[template(path = "web/cooperative.html")]
struct Page {
    f: Frame,
    org: String,
    members: Vec<Member>,
    colours: Vec<(&'static str, &'static str)>,
    grades: Vec<String>,
    intakes: Vec<IntakeRow>,
    intake_total: usize,
    pools: Vec<PoolRow>,
    unsold: Vec<PoolRow>,
    auctions: Vec<AuctionRow>,
    settlements: Vec<SettlementRow>,
    closes_default: String,
    deliveries: String,
    prices: String,
}

/// Mongolian local time for a `datetime-local` field.
pub fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&mongolia_offset())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

pub fn mongolia_offset() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600)
        .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("UTC"))
}

async fn page(State(app): State<App>, web: Web) -> Response {
    let who = match web.require(&[Role::Cooperative]) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match gather(&app, &web, &who).await {
        Ok(p) => web.page(p),
        Err(e) => super::fail(web.lang, &e),
    }
}

async fn gather(app: &App, web: &Web, who: &Principal) -> Result<Page, AppError> {
    let (lang, t) = (web.lang, web.t());
    let coop = who.id().0;
    let members: Vec<Member> = registry::members(app, who, coop)
        .await?
        .into_iter()
        .map(|h| Member {
            soum: lang.soum_name(&h.soum).to_owned(),
            id: h.id,
            name: h.name,
        })
        .collect();
    let terms = intake::terms(app, coop).await?;
    let mut grades: Vec<String> = terms.factors.iter().map(|f| f.grade.clone()).collect();
    grades.sort();
    grades.dedup();
    let colours = provenance::Colour::ALL
        .iter()
        .map(|c| (c.as_str(), t.colour(c.as_str())))
        .collect();
    let mut all_intakes = intake::intakes_of(app, coop).await?;
    all_intakes.retain(|i| i.state == intake::IntakeState::Active);
    all_intakes.sort_by(|a, b| {
        b.intake
            .date
            .cmp(&a.intake.date)
            .then(b.intake.receipt.cmp(&a.intake.receipt))
    });
    let intake_total = all_intakes.len();
    let mut by_day = std::collections::BTreeMap::new();
    for i in &all_intakes {
        *by_day.entry(i.intake.date.to_string()).or_insert(0) += i.intake.clean_g;
    }
    let deliveries = super::charts::deliveries_chart("deliveries", lang, t, &by_day);
    let intakes = all_intakes
        .iter()
        .take(50)
        .map(|i| IntakeRow {
            date: lang.date(&i.intake.date.to_string()),
            receipt: i.intake.receipt.clone(),
            household: i.intake.member.clone(),
            colour: t.colour(i.intake.colour.as_str()),
            grade: i.intake.grade.clone(),
            gross: lang.kg(i.intake.gross_g),
            net: lang.kg(i.intake.clean_g),
            pooled: i.pool.is_some(),
        })
        .collect();
    let mut all_pools = pools::pools_of(app, coop).await?;
    all_pools.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
    let row = |p: &pools::Pool| PoolRow {
        id: p.id.clone(),
        date: lang.date(&p.created.to_string()),
        colour: t.colour(p.colour.as_str()),
        grade: p.grade.clone(),
        kg: lang.kg(p.clean_g),
        intakes: p.intakes.len(),
        auction: p.auction.clone(),
    };
    let unsold = all_pools
        .iter()
        .filter(|p| p.auction.is_none())
        .map(row)
        .collect();
    let pools = all_pools.iter().take(50).map(row).collect();
    let now = app.clock.now();
    let settled: Vec<settlements::SettlementRecord> = settlements::settlements_of(app, who).await?;
    let mut auctions_list = auctions::all(app).await?;
    auctions_list.retain(|a| a.organiser == coop || a.partners.contains(&coop));
    auctions_list.sort_by(|a, b| b.closes_at.cmp(&a.closes_at));
    let auctions = auctions_list
        .iter()
        .take(20)
        .map(|a| {
            let closes = DateTime::parse_from_rfc3339(&a.closes_at).map(|c| c.with_timezone(&Utc));
            let closed = a.results.is_some();
            AuctionRow {
                id: a.id.clone(),
                title: a.title.clone(),
                closes: closes
                    .map(local_time)
                    .unwrap_or_else(|_| a.closes_at.clone())
                    .replace('T', " "),
                closed,
                may_close: !closed && closes.is_ok_and(|c| now > c),
                lots: a
                    .lots
                    .iter()
                    .filter(|l| l.seller == coop)
                    .map(|l| {
                        let result = a
                            .results
                            .as_ref()
                            .and_then(|r| r.iter().find(|r| r.pool == l.pool));
                        let sold = result.and_then(|r| r.price_mnt.map(|p| (r.winner.clone(), p)));
                        LotLine {
                            pool: l.pool.clone(),
                            reserve: lang.mnt(l.reserve_mnt),
                            outcome: result.map(|_| match &sold {
                                Some((w, p)) => format!(
                                    "{} {} · {}",
                                    t.sold_to,
                                    w.as_deref().unwrap_or("?"),
                                    lang.mnt(i64::try_from(*p).unwrap_or(i64::MAX))
                                ),
                                None => t.unsold.to_owned(),
                            }),
                            settle: sold.is_some()
                                && !settled
                                    .iter()
                                    .any(|s| s.auction == a.id && s.pool == l.pool),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let settlements = settled
        .iter()
        .take(30)
        .map(|s| SettlementRow {
            id: s.id.clone(),
            date: lang.date(&s.date.to_string()),
            proceeds: lang.mnt(i64::try_from(s.settlement.proceeds_mnt).unwrap_or(i64::MAX)),
            fee: lang.mnt(i64::try_from(s.settlement.fee_mnt).unwrap_or(i64::MAX)),
            to_members: lang.mnt(i64::try_from(s.settlement.distributed_mnt()).unwrap_or(i64::MAX)),
            members: s.settlement.lines.len(),
        })
        .collect();
    Ok(Page {
        f: web.frame(t.role_cooperative),
        org: who.org.name.clone(),
        members,
        colours,
        grades,
        intakes,
        deliveries,
        prices: super::charts::national_prices(app, "prices", lang, t).await?,
        intake_total,
        pools,
        unsold,
        auctions,
        settlements,
        closes_default: local_time(now + chrono::Duration::days(7)),
    })
}

async fn record_intake(State(app): State<App>, web: Web, body: Bytes) -> Response {
    let (t, lang) = (web.t(), web.lang);
    act(
        &web,
        &body,
        &[Role::Cooperative],
        HOME,
        |who, form| async move {
            let req = IntakeIn {
                household: form.get("household").to_owned(),
                gross_kg: serde_json::Value::String(form.get("gross_kg").to_owned()),
                moisture_pct: or_zero(form.get("moisture_pct")),
                impurity_pct: or_zero(form.get("impurity_pct")),
                guard_hair_pct: or_zero(form.get("guard_hair_pct")),
                colour: form.colour("colour")?,
                grade: form.get("grade").to_owned(),
                goats_combed: match form.get("goats_combed") {
                    "" => None,
                    g => Some(g.parse().map_err(|_| {
                        AppError::QueryParameter(format!(
                            "goats_combed: '{g}' is not a whole number"
                        ))
                    })?),
                },
                lot: None,
                date: None,
            };
            let rec = intake::record(&app, &who, req).await?;
            Ok(format!(
                "{} {} · {} kg",
                t.intake_recorded,
                rec.intake.receipt,
                lang.kg(rec.intake.clean_g)
            ))
        },
    )
    .await
}

fn or_zero(s: &str) -> String {
    if s.is_empty() {
        "0".into()
    } else {
        s.to_owned()
    }
}

async fn make_pool(State(app): State<App>, web: Web, body: Bytes) -> Response {
    let (t, lang) = (web.t(), web.lang);
    act(
        &web,
        &body,
        &[Role::Cooperative],
        HOME,
        |who, form| async move {
            let req = PoolIn {
                colour: form.colour("colour")?,
                grade: form.get("grade").to_owned(),
                intakes: None,
            };
            let p = pools::pool(&app, &who, req).await?;
            Ok(format!(
                "{} {} · {} kg",
                t.pool_made,
                p.id,
                lang.kg(p.clean_g)
            ))
        },
    )
    .await
}

/// A `datetime-local` value in Mongolian time (`2026-12-10T18:00`, seconds optional) as
/// RFC 3339.
pub fn closes_at(v: &str) -> Result<String, AppError> {
    local_datetime("closes_at", v)
}

/// The `datetime-local` field `field` in Mongolian time as RFC 3339, or an error naming it.
pub fn local_datetime(field: &str, v: &str) -> Result<String, AppError> {
    let t = NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M"))
        .map_err(|_| AppError::QueryParameter(format!("{field}: '{v}' is not a date and time")))?;
    let local = t
        .and_local_timezone(mongolia_offset())
        .single()
        .ok_or_else(|| {
            AppError::QueryParameter(format!("{field}: '{v}' is not a date and time"))
        })?;
    Ok(local.to_rfc3339_opts(SecondsFormat::Secs, false))
}

async fn open_auction(State(app): State<App>, web: Web, body: Bytes) -> Response {
    let t = web.t();
    act(
        &web,
        &body,
        &[Role::Cooperative],
        HOME,
        |who, form| async move {
            let reserve = form.int("reserve_mnt")?;
            let lots: Vec<LotIn> = form
                .all("pool")
                .into_iter()
                .map(|p| LotIn {
                    pool: p.to_owned(),
                    reserve_mnt: reserve,
                })
                .collect();
            if lots.is_empty() {
                return Err(AppError::QueryParameter(
                    "lots: choose at least one lot to sell".into(),
                ));
            }
            let req = AuctionIn {
                title: form.get("title").to_owned(),
                rule: match form.get("rule") {
                    "second-price" => PriceRule::SecondPrice,
                    _ => PriceRule::FirstPrice,
                },
                opens_at: app.clock.now().to_rfc3339_opts(SecondsFormat::Secs, true),
                closes_at: closes_at(form.get("closes_at"))?,
                lots,
                partners: vec![],
                buyers: vec![],
            };
            let a = auctions::create(&app, &who, req).await?;
            Ok(format!("{} {}", t.auction_opened, a.id))
        },
    )
    .await
}

async fn close_auction(State(app): State<App>, web: Web, body: Bytes) -> Response {
    let t = web.t();
    act(
        &web,
        &body,
        &[Role::Cooperative],
        HOME,
        |who, form| async move {
            auctions::close(&app, &who, form.get("auction"))
                .await
                .map(|a| format!("{} {}", t.auction_closed, a.id))
        },
    )
    .await
}

async fn settle(State(app): State<App>, web: Web, body: Bytes) -> Response {
    let (t, lang) = (web.t(), web.lang);
    act(
        &web,
        &body,
        &[Role::Cooperative],
        HOME,
        |who, form| async move {
            let req = SettleIn {
                fee_mnt: form.int("fee_mnt")?,
                costs: vec![],
            };
            let s =
                settlements::settle(&app, &who, form.get("auction"), form.get("pool"), req).await?;
            Ok(format!(
                "{} {} · {} {}",
                t.settled,
                s.id,
                t.paid_to_members,
                lang.mnt(i64::try_from(s.settlement.distributed_mnt()).unwrap_or(i64::MAX))
            ))
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_time_is_mongolian() {
        assert_eq!(
            closes_at("2026-12-10T18:00").ok().as_deref(),
            Some("2026-12-10T18:00:00+08:00")
        );
        assert!(closes_at("tomorrow").is_err());
    }
}
