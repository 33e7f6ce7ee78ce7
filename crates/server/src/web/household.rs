//! The household's dashboard: deliveries, statements, where its fibre went, alerts, and the
//! grants of access to its credit history (grant and revoke).

use app::App;
use app::AppError;
use app::auth::Principal;
use app::finance::{self, GrantIn};
use app::market::registry::{self, Household};
use app::market::{auctions, intake, pools, settlements};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{NaiveDate, TimeZone, Utc};
use store::Role;

use super::{Frame, Lang, Web, act};

const HOME: &str = "/app/household";

pub fn add_routes(r: Router<App>) -> Router<App> {
    r.route(HOME, get(page))
        .route("/app/household/grant", post(grant))
        .route("/app/household/revoke", post(revoke))
}

pub struct Delivery {
    pub date: String,
    pub receipt: String,
    pub colour: &'static str,
    pub grade: String,
    pub net: String,
    pub went: String,
}

pub struct GrantRow {
    pub id: String,
    pub lender: String,
    pub purpose: String,
    pub until: String,
    pub live: bool,
}

pub struct HouseholdView {
    pub id: String,
    pub name: String,
    pub soum: String,
    pub deliveries: Vec<Delivery>,
    /// Kilograms by day, every delivery of the household (the table shows the last 30).
    pub chart: String,
    pub settled: String,
    pub paid: String,
    pub balance: String,
    pub alerts: Vec<String>,
    pub grants: Vec<GrantRow>,
    pub accesses: usize,
}

#[derive(Template)]
#[template(path = "web/household.html")]
struct Page {
    f: Frame,
    org: String,
    households: Vec<HouseholdView>,
    lenders: Vec<String>,
    until_default: String,
}

async fn page(State(app): State<App>, web: Web) -> Response {
    let who = match web.require(&[Role::Herder]) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let r = async {
        let mut households = Vec::new();
        for h in registry::households_of(&app, &who).await? {
            households.push(view(&app, &web, &who, h).await?);
        }
        let lenders = app
            .store
            .list_orgs()
            .await?
            .into_iter()
            // Credit histories are shared with lenders only (`app::finance::grant`).
            .filter(|o| o.role == Role::Lender)
            .map(|o| o.name)
            .collect();
        Ok::<_, AppError>((households, lenders))
    }
    .await;
    match r {
        Ok((households, lenders)) => web.page(Page {
            f: web.frame(web.t().role_herder),
            org: who.org.name.clone(),
            households,
            lenders,
            until_default: (app.clock.now().date_naive() + chrono::Duration::days(90)).to_string(),
        }),
        Err(e) => super::fail(web.lang, &e),
    }
}

async fn view(
    app: &App,
    web: &Web,
    who: &Principal,
    h: Household,
) -> Result<HouseholdView, AppError> {
    let (lang, t) = (web.lang, web.t());
    let mut intakes = intake::intakes_of_household(app, &h.id).await?;
    intakes.retain(|i| i.state == intake::IntakeState::Active);
    intakes.sort_by_key(|i| std::cmp::Reverse(i.intake.date));
    let mut deliveries = Vec::new();
    let mut coops = std::collections::BTreeSet::new();
    for i in intakes.iter().take(30) {
        coops.insert(i.cooperative);
        deliveries.push(Delivery {
            date: lang.date(&i.intake.date.to_string()),
            receipt: i.intake.receipt.clone(),
            colour: t.colour(i.intake.colour.as_str()),
            grade: i.intake.grade.clone(),
            net: lang.kg(i.intake.clean_g),
            went: went(app, lang, t, i.pool.as_deref()).await?,
        });
    }
    let mut by_day = std::collections::BTreeMap::new();
    for i in &intakes {
        *by_day.entry(i.intake.date.to_string()).or_insert(0) += i.intake.clean_g;
    }
    let chart = super::charts::deliveries_chart(&format!("deliveries-{}", h.id), lang, t, &by_day);
    let (mut settled, mut paid, mut balance) = (0u64, 0u64, 0i64);
    for c in coops {
        let s = settlements::statement(app, who, &h.id, Some(c)).await?;
        settled += s.settled_mnt;
        paid += s.paid_mnt;
        balance += s.balance_mnt;
    }
    let mut alerts: Vec<String> = finance::loans::notices(app, who, Some(&h.id))
        .await?
        .into_iter()
        .map(|n| {
            format!(
                "{} · {}: {}",
                lang.date(&n.at.to_rfc3339()),
                n.subject,
                n.message
            )
        })
        .collect();
    for a in app::climate::alerts::alerts_for(app, who).await? {
        if a.soum == h.soum {
            let soum = if lang == Lang::Mn {
                &a.soum_name_mn
            } else {
                &a.soum_name_en
            };
            alerts.push(format!(
                "{} {}: {} {} ({})",
                t.dzud_risk,
                soum,
                t.risk_class,
                a.class,
                t.risk_name(a.class)
            ));
        }
    }
    let g = finance::grants(app, who, &h.id).await?;
    let grants = g["grants"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|g| GrantRow {
                    id: g["id"].as_str().unwrap_or("").to_owned(),
                    lender: g["lender"].as_str().unwrap_or("").to_owned(),
                    purpose: g["purpose"].as_str().unwrap_or("").to_owned(),
                    until: lang.date(g["until"].as_str().unwrap_or("")),
                    live: g["live"].as_bool().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(HouseholdView {
        soum: lang.soum_name(&h.soum).to_owned(),
        id: h.id,
        name: h.name,
        deliveries,
        chart,
        settled: lang.mnt(i64::try_from(settled).unwrap_or(i64::MAX)),
        paid: lang.mnt(i64::try_from(paid).unwrap_or(i64::MAX)),
        balance: lang.mnt(balance),
        alerts,
        grants,
        accesses: g["access_log"].as_array().map_or(0, Vec::len),
    })
}

/// Where a delivery went: its lot, the auction and the buyer, as far as they happened.
async fn went(
    app: &App,
    lang: Lang,
    t: &super::Text,
    pool: Option<&str>,
) -> Result<String, AppError> {
    let Some(pool) = pool else {
        return Ok(String::new());
    };
    let p = pools::pool_record(app, pool).await?;
    let mut s = format!("{} {pool}", t.lot);
    if let Some(aid) = &p.auction {
        let a = auctions::get(app, aid).await?;
        match a
            .results
            .as_ref()
            .and_then(|r| r.iter().find(|r| r.pool == pool))
        {
            Some(r) => match (&r.winner, r.price_mnt) {
                (Some(w), Some(price)) => s.push_str(&format!(
                    " → {} {w} ({})",
                    t.sold_to,
                    lang.mnt(i64::try_from(price).unwrap_or(i64::MAX))
                )),
                _ => s.push_str(&format!(" → {}", t.unsold)),
            },
            None => s.push_str(&format!(" → {} {aid}", t.auctions)),
        }
    }
    Ok(s)
}

async fn grant(State(app): State<App>, web: Web, body: Bytes) -> Response {
    let t = web.t();
    act(&web, &body, &[Role::Herder], HOME, |who, form| async move {
        let until = NaiveDate::parse_from_str(form.get("until"), "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(23, 59, 59))
            .map(|d| Utc.from_utc_datetime(&d))
            .ok_or_else(|| {
                AppError::QueryParameter(format!("until: '{}' is not a date", form.get("until")))
            })?;
        let req = GrantIn {
            lender: form.get("lender").to_owned(),
            purpose: form.get("purpose").to_owned(),
            until,
            from: None,
        };
        let g = finance::grant(&app, &who, form.get("household"), req).await?;
        Ok(format!("{} {} · {}", t.granted, g.id, g.lender))
    })
    .await
}

async fn revoke(State(app): State<App>, web: Web, body: Bytes) -> Response {
    let t = web.t();
    act(&web, &body, &[Role::Herder], HOME, |who, form| async move {
        finance::revoke(&app, &who, form.get("household"), form.get("grant"))
            .await
            .map(|g| format!("{} {} · {}", t.revoked, g.id, g.lender))
    })
    .await
}
