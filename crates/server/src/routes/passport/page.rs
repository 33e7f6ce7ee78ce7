//! The passport page: server-rendered HTML (askama), inline CSS, no script, in Mongolian or
//! English (the `lang` cookie of the switch, else `Accept-Language`), small enough to open on
//! a phone over a slow link. The origin map is the aimag choropleth of the `maps` crate,
//! shaded by share, with a circle per origin soum sized by its share (at the soum's weather
//! stations: there are no soum boundaries in the data; soums without a station are counted
//! in their aimag only); the pasture and dzud status of the origin comes from `app::climate`.

use app::{App, AppError};
use askama::Template;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use maps::{Choropleth, Map, Palette, Points};

use super::data::{AimagOrigin, Passport};
use super::ld;
use crate::problem::ApiError;
use crate::web::{Frame, Lang, Text};

/// The pasture and dzud status of one origin aimag (and its origin soums, when the NSO soum
/// table has them).
pub struct Pasture {
    pub name: String,
    pub stocking: String,
    pub over: bool,
    pub risk_class: u8,
    pub risk_name: &'static str,
    pub probability: String,
    pub soums: Vec<(String, String, bool)>,
}

pub struct ClaimRow {
    pub label: String,
    pub percent: String,
}

pub struct StepRow {
    pub label: &'static str,
    pub dates: String,
    pub places: Vec<String>,
    pub events: usize,
}

#[derive(Template)]
#[template(path = "passport.html")]
struct Page<'a> {
    f: Frame,
    p: &'a Passport,
    title: &'static str,
    url: String,
    json_url: String,
    linkset_url: String,
    provenance_url: String,
    qr_url: String,
    proof_url: String,
    checkpoint_url: String,
    map: String,
    mongolian_pct: String,
    claims: Vec<ClaimRow>,
    colours: String,
    steps: Vec<StepRow>,
    pasture: Vec<Pasture>,
    risk_year: u16,
}

fn pct(bp: u32) -> String {
    format!("{}.{:02}", bp / 100, bp % 100)
}

/// Origin aimags shaded by their share of the fibre (five classes), each named with its share
/// and households in its tooltip; the largest outlined.
pub fn map(lang: Lang, t: &Text, origin: &[AimagOrigin]) -> String {
    const BREAKS: [f64; 4] = [5.0, 10.0, 20.0, 40.0];
    let labels = ["< 5 %", "5–10 %", "10–20 %", "20–40 %", "≥ 40 %"];
    let names = mongolia::aimags().iter().map(|a| {
        (
            a.code,
            if lang == Lang::Mn {
                a.name_mn
            } else {
                a.name_en
            },
        )
    });
    let mut c =
        Choropleth::new(Palette::sequential(5), t.share_of_fibre, labels, "0 %").names(names);
    for a in origin {
        let Ok(code) = a.code.parse::<u8>() else {
            continue;
        };
        let share = f64::from(a.basis_points) / 100.0;
        let name = if lang == Lang::Mn {
            &a.name_mn
        } else {
            &a.name
        };
        c = c.value(
            code,
            maps::class_of(share, &BREAKS).unwrap_or(0),
            format!(
                "{name}: {} % · {} {}",
                pct(a.basis_points),
                a.households,
                t.households_n
            ),
        );
    }
    if let Some(top) = origin.iter().max_by_key(|a| a.basis_points)
        && let Ok(code) = top.code.parse::<u8>()
    {
        c = c.highlight(code);
    }
    let mut soums = Points::new("#6a3d12").legend(t.origin_soums);
    for s in origin.iter().flat_map(|a| &a.soums) {
        let Some((lat, lon)) = s.code.parse().ok().and_then(mongolia::soum_location) else {
            continue;
        };
        let name = match lang.soum_name(&s.code) {
            "" => s.name.as_str(),
            n => n,
        };
        soums = soums.point(
            lon,
            lat,
            f64::from(s.basis_points),
            format!(
                "{name}: {} % · {} {}",
                pct(s.basis_points),
                s.households,
                t.households_n
            ),
        );
    }
    Map::new("origin", t.origin, t.combed_by)
        .choropleth(c)
        .points(soums)
        .render()
}

async fn pasture(app: &App, lang: Lang, t: &Text, origin: &[AimagOrigin]) -> (Vec<Pasture>, u16) {
    // The passport still shows when the climate tables cannot be read; it says "no data".
    let year = app::climate::default_year(app).await.unwrap_or_default();
    let risk = app::climate::risk(app, year, climate::Mode::Outlook)
        .await
        .ok();
    let stocking = match app::climate::default_stocking_year(app).await {
        Ok(y) => app::climate::stocking_report(app, y).await.ok(),
        Err(_) => None,
    };
    let mut out = Vec::new();
    for a in origin.iter().take(6) {
        let r = risk
            .as_ref()
            .and_then(|r| r.aimags.iter().find(|x| x.aimag == a.code));
        let s = stocking
            .as_ref()
            .and_then(|s| s.aimags.iter().find(|x| x.code == a.code));
        let soums = a
            .soums
            .iter()
            .take(5)
            .filter_map(|o| {
                let ss = stocking.as_ref()?.soums.iter().find(|x| x.code == o.code)?;
                let ratio = ss.ratio?;
                let name = mongolia::soum(o.code.parse().ok()?)
                    .map(|m| {
                        if lang == Lang::Mn {
                            m.name_mn
                        } else {
                            m.name_en
                        }
                    })
                    .unwrap_or(&o.name);
                Some((name.to_owned(), format!("{ratio:.2}"), ratio > 1.0))
            })
            .collect();
        out.push(Pasture {
            name: if lang == Lang::Mn {
                a.name_mn.clone()
            } else {
                a.name.clone()
            },
            stocking: s
                .and_then(|s| s.ratio)
                .map(|r| format!("{r:.2}"))
                .unwrap_or_else(|| t.no_data.to_owned()),
            over: s.and_then(|s| s.ratio).is_some_and(|r| r > 1.0),
            risk_class: r.map_or(0, |r| r.class),
            risk_name: r.map_or(t.no_data, |r| t.risk_name(r.class)),
            probability: r
                .map(|r| format!("{:.0} %", r.probability * 100.0))
                .unwrap_or_default(),
            soums,
        });
    }
    (out, year)
}

pub async fn render(
    app: &App,
    headers: &HeaderMap,
    path: &str,
    base: &str,
    p: &Passport,
) -> Result<Response, ApiError> {
    let lang = Lang::of(headers);
    let t = lang.text();
    let url = ld::resolver_url(base, p);
    let mongolian = p
        .claims
        .iter()
        .find(|c| c.key == "mongolian-cashmere")
        .map(|c| c.percent())
        .unwrap_or_else(|| "0.00".into());
    let title = if p.kind == "garment" {
        t.garment
    } else {
        t.cashmere_lot
    };
    let (pasture, risk_year) = pasture(app, lang, t, &p.aimags).await;
    let page = Page {
        f: Frame {
            lang,
            t,
            path: path.to_owned(),
            title: format!("{title} · {}", t.product_passport),
            user: None,
            flash: None,
        },
        p,
        title,
        json_url: format!("{url}?format=jsonld"),
        linkset_url: format!("{url}?linkType=all"),
        provenance_url: ld::provenance_url(base, p),
        qr_url: format!("{base}/qr?target={}", ld::enc(&url)),
        proof_url: p
            .integrity
            .as_ref()
            .map(|i| ld::proof_url(base, &i.event_id))
            .unwrap_or_default(),
        checkpoint_url: format!("{base}/log/checkpoint"),
        map: map(lang, t, &p.aimags),
        mongolian_pct: mongolian,
        claims: p
            .claims
            .iter()
            .map(|c| ClaimRow {
                label: t.claim(&c.key, &c.label).to_owned(),
                percent: c.percent(),
            })
            .collect(),
        colours: p
            .colours
            .iter()
            .map(|c| format!("{} {} %", t.colour(&c.key), c.percent()))
            .collect::<Vec<_>>()
            .join(", "),
        steps: p
            .steps
            .iter()
            .map(|s| StepRow {
                label: t.step(s.step),
                dates: if s.from == s.to {
                    lang.date(&s.from)
                } else {
                    format!("{} – {}", lang.date(&s.from), lang.date(&s.to))
                },
                places: s.places.clone(),
                events: s.events,
            })
            .collect(),
        pasture,
        risk_year,
        url,
    };
    let html = page
        .render()
        .map_err(|e| ApiError(AppError::Internal(format!("the passport page: {e}"))))?;
    let mut r = html.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    Ok(r)
}
