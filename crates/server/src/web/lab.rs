//! The laboratory's and certifier's dashboard: record a lab result (which captures the
//! lab-test event and issues the quality certificate), the certificates issued with their
//! status, and revocation.

use app::App;
use app::AppError;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};
use store::Role;

use super::{Form, Frame, Web, act};

const HOME: &str = "/app/lab";

pub fn add_routes(r: Router<App>) -> Router<App> {
    r.route(HOME, get(page))
        .route("/app/lab/result", post(record))
        .route("/app/lab/revoke", post(revoke))
}

pub struct CertRow {
    pub id: String,
    pub kind: String,
    pub issued: String,
    pub about: String,
    pub detail: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "web/lab.html")]
struct Page {
    f: Frame,
    org: String,
    is_lab: bool,
    certs: Vec<CertRow>,
    tested_default: String,
    /// Lots the lab may be testing: the newest pooled lots, `(URI, description)`.
    lots: Vec<(String, String)>,
}

async fn page(State(app): State<App>, web: Web) -> Response {
    let who = match web.require(&[Role::Lab, Role::Certifier]) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let lang = web.lang;
    let mut certs = Vec::new();
    for kind in ["quality", "scope", "transaction"] {
        let all = match app.store.credentials_of_kind(kind).await {
            Ok(c) => c,
            Err(e) => return super::fail(lang, &e.into()),
        };
        for c in all.into_iter().filter(|c| c.issuer == who.id()) {
            let body: Value = serde_json::from_str(&c.body).unwrap_or_default();
            let detail = measurements(&body["credentialSubject"]["measurements"]);
            certs.push(CertRow {
                issued: lang.date(
                    &chrono::DateTime::from_timestamp_micros(c.issued_at)
                        .map(|t| t.to_rfc3339())
                        .unwrap_or_default(),
                ),
                about: c.subjects.first().cloned().unwrap_or_default(),
                kind: c.kind.clone(),
                revoked: c.revoked_at.is_some(),
                id: c.id,
                detail,
            });
        }
    }
    let lots = match app::market::pools::all_pools(&app).await {
        Ok(p) => p
            .into_iter()
            .take(50)
            .map(|p| {
                let what = format!(
                    "{} · {} {} · {} kg",
                    p.id,
                    web.t().colour(p.colour.as_str()),
                    p.grade,
                    lang.kg(p.grams)
                );
                (p.lot, what)
            })
            .collect(),
        Err(e) => return super::fail(lang, &e),
    };
    certs.sort_by(|a, b| b.issued.cmp(&a.issued));
    certs.truncate(100);
    let now = app
        .clock
        .now()
        .with_timezone(&super::coop::mongolia_offset());
    web.page(Page {
        f: web.frame(web.t().role_lab),
        org: who.org.name.clone(),
        is_lab: who.org.role == Role::Lab || who.org.role == Role::Admin,
        certs,
        tested_default: now.format("%Y-%m-%dT%H:%M").to_string(),
        lots,
    })
}

/// A quality certificate's measurements (`[{"property", "value", "unitCode"}]`) on one line.
fn measurements(m: &Value) -> String {
    m.as_array()
        .map(|all| {
            all.iter()
                .filter_map(|x| {
                    let property = x["property"].as_str()?;
                    let value = match &x["value"] {
                        Value::String(s) => s.clone(),
                        v => v.to_string(),
                    };
                    Some(format!(
                        "{property} {value} {}",
                        x["unitCode"].as_str().unwrap_or("")
                    ))
                })
                .map(|s| s.trim_end().to_owned())
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .unwrap_or_default()
}

fn number(form: &Form, name: &str) -> Result<Option<f64>, AppError> {
    let v = form.get(name).replace(',', ".");
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(Some)
        .ok_or_else(|| {
            AppError::QueryParameter(format!("{name}: '{}' is not a number", form.get(name)))
        })
}

async fn record(State(app): State<App>, web: Web, body: Bytes) -> Response {
    let t = web.t();
    act(&web, &body, &[Role::Lab], HOME, |who, form| async move {
        let mut m = serde_json::Map::new();
        for k in [
            "mfd_um",
            "cv_pct",
            "over30_pct",
            "length_mm",
            "clean_yield_pct",
        ] {
            if let Some(x) = number(&form, k)? {
                m.insert(k.into(), json!(x));
            }
        }
        let tested = super::coop::local_datetime("tested_at", form.get("tested_at"))?;
        let result: quality::LabResult = serde_json::from_value(json!({
            "lot": form.get("lot"),
            "lab": app::market::party_id(&who.org),
            "sample_id": form.get("sample_id"),
            "methods": [form.get("method")],
            "tested_at": tested,
            "measurements": m,
        }))
        .map_err(|e| AppError::QueryParameter(format!("lab result: {e}")))?;
        let schemes: Vec<String> = form
            .get("schemes")
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        let rec = app::credentials::record_lab_result(&app, &who, result, &schemes).await?;
        Ok(format!(
            "{} {}",
            t.lab_recorded,
            rec.credential["id"].as_str().unwrap_or("")
        ))
    })
    .await
}

async fn revoke(State(app): State<App>, web: Web, body: Bytes) -> Response {
    let t = web.t();
    act(
        &web,
        &body,
        &[Role::Lab, Role::Certifier],
        HOME,
        |who, form| async move {
            app::credentials::revoke(&app, &who, form.get("credential"))
                .await
                .map(|c| format!("{} {}", t.cert_revoked, c.id))
        },
    )
    .await
}
