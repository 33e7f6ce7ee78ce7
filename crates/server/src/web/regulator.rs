//! The regulator's dashboard: maps of stocking against carrying capacity and of the dzud
//! outlook by aimag, the soums over capacity (with the printable table), and the output and
//! certification statistics of the platform.

use app::App;
use app::AppError;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use maps::{BarChart, Choropleth, Map, Palette};
use store::Role;

use super::{Frame, Lang, Text, Web};

pub fn add_routes(r: Router<App>) -> Router<App> {
    r.route("/app/regulator", get(page))
}

/// Class bounds of the stocking ratio (sheep units / carrying capacity).
const RATIO_BREAKS: [f64; 4] = [0.8, 1.0, 1.2, 1.5];

pub struct OverRow {
    pub level: String,
    pub name: String,
    pub ratio: String,
    pub excess: String,
}

pub struct RiskRow {
    pub name: String,
    pub class: u8,
    pub class_name: &'static str,
    pub probability: String,
}

#[derive(Template)]
#[template(path = "web/regulator.html")]
struct Page {
    f: Frame,
    org: String,
    year: u16,
    risk_year: u16,
    stocking_map: String,
    risk_map: String,
    risk_chart: String,
    over: Vec<OverRow>,
    over_total: usize,
    risks: Vec<RiskRow>,
    certificates: usize,
    revoked: usize,
    auctions_closed: usize,
    lots_sold: usize,
    kg_sold: String,
    prices: String,
}

fn aimag_name(lang: Lang, code: &str) -> String {
    code.parse::<u8>()
        .ok()
        .and_then(mongolia::aimag)
        .map(|a| {
            if lang == Lang::Mn {
                a.name_mn
            } else {
                a.name_en
            }
        })
        .unwrap_or(code)
        .to_owned()
}

fn names(lang: Lang) -> Vec<(u8, &'static str)> {
    mongolia::aimags()
        .iter()
        .map(|a| {
            (
                a.code,
                if lang == Lang::Mn {
                    a.name_mn
                } else {
                    a.name_en
                },
            )
        })
        .collect()
}

fn ratio_labels() -> Vec<String> {
    let b = RATIO_BREAKS;
    vec![
        format!("< {}", b[0]),
        format!("{}–{}", b[0], b[1]),
        format!("{}–{}", b[1], b[2]),
        format!("{}–{}", b[2], b[3]),
        format!("≥ {}", b[3]),
    ]
}

fn stocking_map(lang: Lang, t: &Text, report: &climate::stocking::StockingReport) -> String {
    let mut c = Choropleth::new(
        Palette::sequential(5),
        t.stocking_ratio,
        ratio_labels(),
        t.no_data,
    )
    .names(names(lang));
    for a in &report.aimags {
        let (Ok(code), Some(r)) = (a.code.parse::<u8>(), a.ratio) else {
            continue;
        };
        let class = maps::class_of(r, &RATIO_BREAKS).unwrap_or(0);
        c = c.value(
            code,
            class,
            format!("{}: {} {r:.2}", aimag_name(lang, &a.code), t.stocking_ratio),
        );
    }
    Map::new(
        "stocking",
        t.stocking_map,
        format!("{} {}", t.stocking_ratio, report.year),
    )
    .choropleth(c)
    .render()
}

pub fn risk_map(lang: Lang, t: &Text, report: &app::climate::RiskReport, id: &str) -> String {
    let mut c =
        Choropleth::new(Palette::risk(), t.risk_class, t.risk_names, t.no_data).names(names(lang));
    for a in &report.aimags {
        if let Ok(code) = a.aimag.parse::<u8>() {
            c = c.value(
                code,
                usize::from(a.class.clamp(1, 5)) - 1,
                format!(
                    "{}: {} {} ({}), {:.0} %",
                    aimag_name(lang, &a.aimag),
                    t.risk_class,
                    a.class,
                    t.risk_name(a.class),
                    a.probability * 100.0
                ),
            );
        }
    }
    Map::new(
        id,
        format!("{} {}", t.dzud_risk, report.year),
        t.probability,
    )
    .choropleth(c)
    .render()
}

async fn page(State(app): State<App>, web: Web) -> Response {
    let who = match web.require(&[Role::Regulator]) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (lang, t) = (web.lang, web.t());
    let r: Result<Page, AppError> = async {
        let year = app::climate::default_stocking_year(&app).await?;
        let report = app::climate::stocking_report(&app, year).await?;
        let risk_year = app::climate::default_year(&app).await?;
        let risk = app::climate::risk(&app, risk_year, climate::Mode::Outlook).await?;
        let mut risks: Vec<RiskRow> = risk
            .aimags
            .iter()
            .map(|a| RiskRow {
                name: aimag_name(lang, &a.aimag),
                class: a.class,
                class_name: t.risk_name(a.class),
                probability: format!("{:.0} %", a.probability * 100.0),
            })
            .collect();
        risks.sort_by(|a, b| {
            b.class
                .cmp(&a.class)
                .then(b.probability.cmp(&a.probability))
        });
        // Drawn at once: the chart's formatter is not `Send`, so it must not live across an
        // await.
        let risk_chart = {
            let mut chart = BarChart::new("risk-chart", t.probability, t.dzud_risk, t.no_data)
                .y_format(|v| format!("{v:.0} %"));
            for a in &risk.aimags {
                chart = chart.bar(aimag_name(lang, &a.aimag), a.probability * 100.0);
            }
            chart.render()
        };
        let over: Vec<OverRow> = report
            .over_capacity
            .iter()
            .take(40)
            .map(|o| OverRow {
                level: o.level.to_owned(),
                name: o.name.clone(),
                ratio: format!("{:.2}", o.ratio),
                excess: lang.int(i64::try_from(o.excess_su).unwrap_or(i64::MAX)),
            })
            .collect();
        let prices = super::charts::national_prices(&app, "prices", lang, t).await?;
        let mut certificates = 0;
        let mut revoked = 0;
        for kind in ["quality", "scope", "transaction"] {
            for c in app.store.credentials_of_kind(kind).await? {
                certificates += 1;
                revoked += usize::from(c.revoked_at.is_some());
            }
        }
        let auctions = app::market::auctions::all(&app).await?;
        let (mut auctions_closed, mut lots_sold, mut grams) = (0, 0, 0u64);
        for a in &auctions {
            if let Some(results) = &a.results {
                auctions_closed += 1;
                for r in results.iter().filter(|r| r.price_mnt.is_some()) {
                    lots_sold += 1;
                    grams += a
                        .lots
                        .iter()
                        .find(|l| l.pool == r.pool)
                        .map_or(0, |l| l.clean_g);
                }
            }
        }
        Ok(Page {
            f: web.frame(t.role_regulator),
            org: who.org.name.clone(),
            year: report.year,
            risk_year,
            stocking_map: stocking_map(lang, t, &report),
            risk_map: risk_map(lang, t, &risk, "risk"),
            risk_chart,
            over_total: report.over_capacity.len(),
            over,
            risks,
            certificates,
            revoked,
            auctions_closed,
            lots_sold,
            kg_sold: lang.kg(grams),
            prices,
        })
    }
    .await;
    match r {
        Ok(p) => web.page(p),
        Err(e) => super::fail(lang, &e),
    }
}
