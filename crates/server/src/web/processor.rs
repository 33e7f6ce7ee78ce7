//! The processor's and brand's dashboard: their transformations with the mass balance of
//! each (kilograms in, out, and the yield), the lots they made with what is left of them, and
//! their garments with a link to each passport.

use app::App;
use app::AppError;
use app::auth::Principal;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde_json::Value;
use store::Role;

use super::{Frame, Web};

pub fn add_routes(r: Router<App>) -> Router<App> {
    r.route("/app/processor", get(page))
}

pub struct StepRow {
    pub date: String,
    pub process: String,
    pub input_kg: String,
    pub output_kg: String,
    pub yield_pct: String,
}

pub struct StockRow {
    pub lot: String,
    pub made_kg: String,
    pub remaining_kg: String,
}

pub struct GarmentRow {
    pub id: String,
    pub passport: String,
}

#[derive(Template)]
#[template(path = "web/processor.html")]
struct Page {
    f: Frame,
    org: String,
    steps: Vec<StepRow>,
    stock: Vec<StockRow>,
    garments: Vec<GarmentRow>,
    garment_total: usize,
}

/// Kilograms of a quantity list (other units are not mass and are left out).
fn kg(list: &Value) -> f64 {
    list.as_array()
        .into_iter()
        .flatten()
        .filter(|q| q["uom"] == "KGM")
        .filter_map(|q| q["quantity"].as_f64())
        .sum()
}

async fn page(State(app): State<App>, web: Web) -> Response {
    let who = match web.require(&[Role::Processor, Role::Brand]) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match gather(&app, &web, &who).await {
        Ok(p) => web.page(p),
        Err(e) => super::fail(web.lang, &e),
    }
}

async fn gather(app: &App, web: &Web, who: &Principal) -> Result<Page, AppError> {
    let lang = web.lang;
    let pairs: Vec<(String, String)> = [
        ("eventType", "TransformationEvent"),
        ("orderBy", "eventTime"),
        ("orderDirection", "DESC"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let query = app::query::parse_url_query(&pairs)?;
    let page = app::query::page_request(app, Some("500"), None)?;
    let found = app::query::events(app, who, &query, &page).await?;
    let mine: Vec<_> = found
        .items
        .into_iter()
        .filter(|s| s.captured_by == who.id() || who.org.role == Role::Admin)
        .collect();
    let doc = app::render::query_document(
        mine,
        None,
        None,
        app::render::EpcFormat::NoPreference,
        app.clock.now(),
    );
    let json = app::render::to_json(&doc);
    let events = json["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut steps = Vec::new();
    let mut lots = Vec::new();
    let mut garments = Vec::new();
    for e in &events {
        let (input, output) = (kg(&e["inputQuantityList"]), kg(&e["outputQuantityList"]));
        let epcs: Vec<&str> = e["outputEPCList"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for q in e["outputQuantityList"].as_array().into_iter().flatten() {
            if let Some(c) = q["epcClass"].as_str() {
                lots.push(c.to_owned());
            }
        }
        for epc in &epcs {
            if let Some(dl) = epcis::id::to_digital_link(epc).filter(|d| d.contains("/21/")) {
                let path = dl
                    .strip_prefix("https://id.gs1.org")
                    .unwrap_or(&dl)
                    .to_owned();
                garments.push(GarmentRow {
                    id: epc.to_string(),
                    passport: path,
                });
            }
        }
        steps.push(StepRow {
            date: lang.date(e["eventTime"].as_str().unwrap_or("")),
            process: e["cm:process"].as_str().unwrap_or("").to_owned(),
            input_kg: format!("{input:.1}"),
            output_kg: if epcs.is_empty() {
                format!("{output:.1}")
            } else {
                format!("{} × 1", epcs.len())
            },
            yield_pct: if input > 0.0 && epcs.is_empty() {
                format!("{:.1} %", output / input * 100.0)
            } else {
                String::new()
            },
        });
    }
    let mut stock = Vec::new();
    lots.dedup();
    for lot in lots.iter().take(15) {
        if let Ok(r) = app::provenance::lot(app, who, lot).await {
            stock.push(StockRow {
                lot: lot.clone(),
                made_kg: format!("{:.1}", r.quantity_kg),
                remaining_kg: format!("{:.1}", r.remaining_kg),
            });
        }
    }
    let garment_total = garments.len();
    garments.truncate(50);
    steps.truncate(50);
    Ok(Page {
        f: web.frame(web.t().role_processor),
        org: who.org.name.clone(),
        steps,
        stock,
        garments,
        garment_total,
    })
}
