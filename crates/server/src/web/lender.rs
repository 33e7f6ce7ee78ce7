//! The lender's dashboard: the credit histories households have shared with it (live grants),
//! and each history with its score and reason codes. Every view is an access the household
//! sees in its log, as through the API.

use app::App;
use app::AppError;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use store::{RecordFilter, Role};

use super::{Frame, Web};

pub fn add_routes(r: Router<App>) -> Router<App> {
    r.route("/app/lender", get(page))
        .route("/app/lender/history/{household}", get(history))
}

pub struct GrantRow {
    pub household: String,
    pub purpose: String,
    pub until: String,
    pub live: bool,
}

#[derive(Template)]
#[template(path = "web/lender.html")]
struct Page {
    f: Frame,
    org: String,
    grants: Vec<GrantRow>,
}

async fn page(State(app): State<App>, web: Web) -> Response {
    let who = match web.require(&[Role::Lender, Role::Insurer]) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let lang = web.lang;
    // Grants are stored with the lender as owner (see `app::finance::grant`).
    let recs = match app
        .store
        .list_records("grant", &RecordFilter::owner(who.id()))
        .await
    {
        Ok(r) => r,
        Err(e) => return super::fail(lang, &e.into()),
    };
    let now = app.clock.now();
    let mut grants: Vec<GrantRow> = recs
        .iter()
        .filter_map(|r| serde_json::from_str::<finance::consent::Grant>(&r.body).ok())
        .map(|g| GrantRow {
            live: g.is_live(now),
            household: g.household.clone(),
            purpose: g.purpose.clone(),
            until: lang.date(&g.until.to_rfc3339()),
        })
        .collect();
    grants.sort_by(|a, b| b.live.cmp(&a.live).then(a.household.cmp(&b.household)));
    web.page(Page {
        f: web.frame(web.t().role_lender),
        org: who.org.name.clone(),
        grants,
    })
}

pub struct ReasonRow {
    pub code: String,
    pub points: i64,
    pub explanation: String,
}

#[derive(Template)]
#[template(path = "web/lender_history.html")]
struct HistoryPage {
    f: Frame,
    household: String,
    total: i64,
    scorecard: String,
    reasons: Vec<ReasonRow>,
    lines: Vec<String>,
}

async fn history(State(app): State<App>, web: Web, Path(household): Path<String>) -> Response {
    let who = match web.require(&[Role::Lender, Role::Insurer]) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let r: Result<_, AppError> = app::finance::credit(&app, &who, &household).await;
    match r {
        Ok(c) => web.page(HistoryPage {
            f: web.frame(web.t().view_history),
            household: c.household.clone(),
            total: c.score.total,
            scorecard: format!("{} {}", c.score.scorecard, c.score.version),
            reasons: c
                .score
                .reasons
                .iter()
                .map(|r| ReasonRow {
                    code: r.code.clone(),
                    points: r.points,
                    explanation: r.explanation.clone(),
                })
                .collect(),
            lines: c
                .history
                .lines
                .iter()
                .take(200)
                .map(|l| serde_json::to_string(&l.fact).unwrap_or_default())
                .collect(),
        }),
        Err(e) => super::fail(web.lang, &e),
    }
}
