//! Intake: a cooperative weighs a member's delivery, samples it, deducts by its rule, and gives
//! a receipt. The receipt is an EPCIS delivery event (bizStep `receiving`, bizTransaction
//! `recadv` naming the receipt) preceded, when the household has not recorded its combing
//! itself, by the combing event the cooperative records on its behalf — one capture, all or
//! nothing. A mistake is never edited: a correction captures corrective events under a new
//! receipt and an error declaration of each event of the old one (EPCIS 2.0 §7.4.1.2).

use chrono::{Datelike, NaiveDate};
use market::factors::PriceFactor;
use market::intake::{Colour, DeductionRule, Intake, IntakeInput, record_intake};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::{RecordFilter, Role};

use super::events::{self, ADD, OBSERVE, Type};
use super::registry::{self, Household};
use super::{
    ID_BASE, Kind, Versioned, bad, get, list, need, new_record, party_id, update_record, write,
};
use crate::auth::Principal;
use crate::{App, AppError, Result};

/// A cooperative's terms: its deduction rule and its price factors by colour and grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Terms {
    #[serde(default)]
    pub deduction_rule: DeductionRule,
    #[serde(default = "default_factors")]
    pub factors: Vec<PriceFactor>,
}

impl Kind for Terms {
    const KIND: &'static str = "terms";
    const WHAT: &'static str = "cooperative terms";
}

impl Default for Terms {
    fn default() -> Terms {
        Terms {
            deduction_rule: DeductionRule::default(),
            factors: default_factors(),
        }
    }
}

/// Grade factors (Khaan Shirkhegt 1.15, I 1.00, II 0.90, III 0.80) × colour (white 1.02,
/// others 1.00: light fibre fetches about 2 % more, domain-facts §1.5). A cooperative sets its
/// own with [`set_terms`].
pub fn default_factors() -> Vec<PriceFactor> {
    let grades = [
        ("Khaan Shirkhegt", 1_150u64),
        ("I", 1_000),
        ("II", 900),
        ("III", 800),
    ];
    let colours = [
        (Colour::White, 1_020u64),
        (Colour::LightGrey, 1_000),
        (Colour::Grey, 1_000),
        (Colour::Brown, 1_000),
        (Colour::Red, 1_000),
    ];
    let mut out = Vec::new();
    for (c, cf) in colours {
        for (g, gf) in grades {
            let micro = gf * cf; // thousandths × thousandths = millionths
            out.push(PriceFactor {
                colour: c,
                grade: g.to_owned(),
                factor: market::decimal::format_scaled(u128::from(micro), 6),
            });
        }
    }
    out
}

/// The cooperative's terms (its own, or the defaults).
pub async fn terms(app: &App, coop: i64) -> Result<Terms> {
    Ok(get::<Terms>(app, &coop.to_string())
        .await?
        .map(|t| t.value)
        .unwrap_or_default())
}

/// Sets the principal cooperative's terms (they apply to intakes and settlements from now on;
/// recorded intakes keep the rule they were weighed under).
pub async fn set_terms(app: &App, who: &Principal, t: Terms) -> Result<Terms> {
    super::require_role(who, &[Role::Cooperative], "set intake terms")?;
    market::factors::settlement_intakes(&[], &t.factors).map_err(|e| bad("factors", e))?;
    let key = who.id().0.to_string();
    match get::<Terms>(app, &key).await? {
        Some(mut old) => {
            old.value = t.clone();
            write(app, vec![], vec![update_record(&key, &old)?]).await?
        }
        None => {
            write(
                app,
                vec![new_record(&key, None, Some(who.id()), &t)?],
                vec![],
            )
            .await?
        }
    }
    Ok(t)
}

/// What a cooperative records at the scale (`POST /intakes`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeIn {
    /// Household id (`18101-00042`) or URI.
    pub household: String,
    /// Gross weight in kilograms, a decimal string or number (3 places at most).
    pub gross_kg: Value,
    #[serde(default = "zero")]
    pub moisture_pct: String,
    #[serde(default = "zero")]
    pub impurity_pct: String,
    #[serde(default = "zero")]
    pub guard_hair_pct: String,
    pub colour: Colour,
    /// Provisional grade: a grade of the cooperative's price factors.
    pub grade: String,
    /// Goats combed for this harvest; default: the household's recorded herd.
    #[serde(default)]
    pub goats_combed: Option<u32>,
    /// The household's own combing lot, when it recorded its combing itself.
    #[serde(default)]
    pub lot: Option<String>,
    /// Day of delivery; default today (Mongolian time).
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

fn zero() -> String {
    "0".to_owned()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IntakeState {
    Active,
    Corrected,
}

/// A recorded intake: the market figures, the lot, the events, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeRecord {
    #[serde(flatten)]
    pub intake: Intake,
    pub cooperative: i64,
    pub household_uri: String,
    /// The receipt's URI (the delivery event's `recadv` bizTransaction).
    pub receipt_uri: String,
    /// The lot delivered, and the grams of it (the gross weight).
    pub lot: String,
    pub lot_g: u64,
    /// The combing event the cooperative recorded for the household (if it did).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combing_event: Option<String>,
    pub delivery_event: String,
    pub state: IntakeState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_by: Option<String>,
    /// The pool it went into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
}

impl Kind for IntakeRecord {
    const KIND: &'static str = "intake";
    const WHAT: &'static str = "intake";
}

/// Kilograms (string or number, at most 3 places) as grams.
pub(crate) fn grams(field: &str, v: &Value) -> Result<u64> {
    let text = match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return Err(bad(field, "must be a decimal number of kilograms")),
    };
    let g = market::decimal::parse_scaled(&text, 3).map_err(|e| bad(field, e))?;
    u64::try_from(g).map_err(|_| bad(field, "is too large"))
}

/// Records a member's delivery and answers its receipt.
pub async fn record(app: &App, who: &Principal, req: IntakeIn) -> Result<IntakeRecord> {
    super::require_role(who, &[Role::Cooperative], "record intakes")?;
    let household = registry::household(app, &req.household).await?;
    if !registry::is_member(app, who.id().0, &household.id).await? {
        return Err(AppError::Forbidden(format!(
            "household {} is not a member of '{}'",
            household.id, who.org.name
        )));
    }
    let (intake, lot, mut events_) = weigh(app, who, &household, &req, None).await?;
    let doc = events::document(
        std::mem::take(&mut events_),
        Some(registry::masterdata(&[&household], &[&who.org])),
        app.clock.now(),
    );
    let ids = events::capture(app, who, &doc).await?;
    let rec = intake_record(who, &household, intake, lot, &ids, None);
    write(
        app,
        vec![new_record(
            &rec.intake.receipt,
            Some(&household.id),
            Some(who.id()),
            &rec,
        )?],
        vec![],
    )
    .await?;
    Ok(rec)
}

fn intake_record(
    who: &Principal,
    h: &Household,
    intake: Intake,
    lot: (String, u64, bool),
    ids: &[String],
    corrects: Option<String>,
) -> IntakeRecord {
    let (lot, lot_g, combed_here) = lot;
    let (combing_event, delivery_event) = if combed_here {
        (
            ids.first().cloned(),
            ids.get(1).cloned().unwrap_or_default(),
        )
    } else {
        (None, ids.first().cloned().unwrap_or_default())
    };
    IntakeRecord {
        receipt_uri: receipt_uri(&intake.receipt),
        intake,
        cooperative: who.id().0,
        household_uri: h.uri.clone(),
        lot,
        lot_g,
        combing_event,
        delivery_event,
        state: IntakeState::Active,
        corrects,
        corrected_by: None,
        pool: None,
    }
}

pub fn receipt_uri(receipt: &str) -> String {
    format!("{ID_BASE}/receipt/{receipt}")
}

/// The next receipt number of the cooperative (`R-<coop>-<n>`); a race ends in a duplicate
/// record, which the caller reports as a conflict to retry.
async fn next_receipt(app: &App, coop: i64) -> Result<String> {
    let n = list::<IntakeRecord>(app, &RecordFilter::owner(store::OrgId(coop)))
        .await?
        .len()
        + 1;
    Ok(format!("R-{coop}-{n:06}"))
}

/// Applies the deduction rule and builds the events: combing (unless the household's own lot
/// is named) and delivery.
async fn weigh(
    app: &App,
    who: &Principal,
    h: &Household,
    req: &IntakeIn,
    corrects: Option<&IntakeRecord>,
) -> Result<(Intake, (String, u64, bool), Vec<epcis::Event>)> {
    let gross_g = grams("gross_kg", &req.gross_kg)?;
    let terms = terms(app, who.id().0).await?;
    if !terms
        .factors
        .iter()
        .any(|f| f.colour == req.colour && f.grade == req.grade)
    {
        let grades: std::collections::BTreeSet<&str> =
            terms.factors.iter().map(|f| f.grade.as_str()).collect();
        return Err(bad(
            "grade",
            format!(
                "'{}' has no price factor for {} fibre in this cooperative's terms (grades: {})",
                req.grade,
                req.colour.as_str(),
                grades.into_iter().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    let date = req.date.unwrap_or_else(|| super::today(app));
    let receipt = next_receipt(app, who.id().0).await?;
    let intake = record_intake(
        &IntakeInput {
            receipt: receipt.clone(),
            member: h.id.clone(),
            date,
            gross_g: i64::try_from(gross_g).map_err(|_| bad("gross_kg", "is too large"))?,
            moisture_pct: req.moisture_pct.clone(),
            impurity_pct: req.impurity_pct.clone(),
            guard_hair_pct: req.guard_hair_pct.clone(),
            colour: req.colour,
            grade: req.grade.trim().to_owned(),
        },
        &terms.deduction_rule,
    )
    .map_err(|e| bad("intake", e))?;
    let now = app.clock.now();
    let coop = party_id(&who.org);
    let mut out = Vec::new();
    let (lot, combed_here) = match &req.lot {
        Some(l) => (epcis::id::canonical(l.trim()), false),
        None => {
            let lot = format!("{ID_BASE}/lot/{receipt}");
            let season = date.format("%Y").to_string();
            let goats = match req.goats_combed {
                Some(g) => u64::from(g),
                None => registry::goats(app, &h.id, date.year())
                    .await?
                    .ok_or_else(|| {
                        bad(
                            "goats_combed",
                            format!(
                                "household {} has no herd recorded; give goats_combed or record its herd",
                                h.id
                            ),
                        )
                    })?,
            };
            let mut e = events::event(Type::ObjectEvent, "combing", now);
            e.action = Some(ADD);
            e.biz_step = Some("commissioning".into());
            e.disposition = Some("active".into());
            e.biz_location = events::location(&registry::soum_uri(&h.soum));
            e.quantity_list = Some(vec![events::quantity(&lot, gross_g)]);
            events::ilmd(
                &mut e,
                vec![
                    ("household", h.uri.clone().into()),
                    ("soum", h.soum.clone().into()),
                    ("goatsCombed", goats.into()),
                    ("colour", req.colour.as_str().into()),
                    ("season", season.into()),
                ],
            );
            out.push(e);
            (lot, true)
        }
    };
    let mut d = events::event(Type::ObjectEvent, "delivery", now);
    d.action = Some(OBSERVE);
    d.biz_step = Some("receiving".into());
    d.disposition = Some("in_progress".into());
    d.biz_location = events::location(&coop);
    d.quantity_list = Some(vec![events::quantity(&lot, gross_g)]);
    events::transaction(&mut d, "recadv", &receipt_uri(&receipt));
    events::parties(&mut d, &h.uri, &coop);
    events::add(&mut d, "moisturePct", intake.moisture_pct.to_string());
    events::add(&mut d, "impurityPct", intake.impurity_pct.to_string());
    events::add(&mut d, "guardHairPct", intake.guard_hair_pct.to_string());
    events::add(&mut d, "cleanKg", events::kg(intake.clean_g));
    events::add(&mut d, "colour", req.colour.as_str());
    events::add(&mut d, "grade", intake.grade.clone());
    if let Some(old) = corrects {
        events::add(&mut d, "corrects", old.receipt_uri.clone());
    }
    out.push(d);
    Ok((intake, (lot, gross_g, combed_here), out))
}

/// A correction (`POST /intakes/{receipt}/correction`): the delivery as it should have been
/// recorded, and why.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionIn {
    #[serde(flatten)]
    pub intake: IntakeIn,
    /// CBV error reason: `incorrect_data` (default) or `did_not_occur`.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Corrects an intake: new receipt and events, the old events declared erroneous with the new
/// ones as their corrective events, the old intake marked corrected. An intake already pooled
/// cannot be corrected (its kilos are in a lot).
pub async fn correct(
    app: &App,
    who: &Principal,
    receipt: &str,
    req: CorrectionIn,
) -> Result<IntakeRecord> {
    super::require_role(who, &[Role::Cooperative], "correct intakes")?;
    let mut old: Versioned<IntakeRecord> = need(app, receipt).await?;
    if old.value.cooperative != who.id().0 {
        return Err(AppError::Forbidden(format!(
            "intake {receipt} is another cooperative's"
        )));
    }
    if old.value.state == IntakeState::Corrected {
        return Err(AppError::Refused {
            reason: "already-corrected",
            detail: format!(
                "intake {receipt} was corrected by {}; correct that one",
                old.value.corrected_by.clone().unwrap_or_default()
            ),
        });
    }
    if let Some(p) = &old.value.pool {
        return Err(AppError::Refused {
            reason: "pooled",
            detail: format!("intake {receipt} is pooled into {p}; it can no longer be corrected"),
        });
    }
    let reason = match req.reason.as_deref().unwrap_or("incorrect_data") {
        r @ ("incorrect_data" | "did_not_occur") => r.to_owned(),
        other => {
            return Err(bad(
                "reason",
                format!("'{other}' is not incorrect_data or did_not_occur"),
            ));
        }
    };
    let household = registry::household(app, &old.value.intake.member).await?;
    let mut fixed = req.intake.clone();
    if fixed.goats_combed.is_none() && old.value.combing_event.is_some() {
        fixed.goats_combed = combed_goats(app, who, &old.value).await?;
    }
    let (intake, lot, evs) = if reason == "did_not_occur" {
        (None, None, Vec::new())
    } else {
        let (i, l, e) = weigh(app, who, &household, &fixed, Some(&old.value)).await?;
        (Some(i), Some(l), e)
    };
    let now = app.clock.now();
    let ids = if evs.is_empty() {
        Vec::new()
    } else {
        events::capture(app, who, &events::document(evs, None, now)).await?
    };
    let mut declared = Vec::new();
    for id in old
        .value
        .combing_event
        .iter()
        .chain([&old.value.delivery_event])
    {
        declared.push(events::declaration(app, who, id, &reason, &ids, now).await?);
    }
    events::capture(app, who, &events::document(declared, None, now)).await?;
    old.value.state = IntakeState::Corrected;
    let new = match (intake, lot) {
        (Some(i), Some(l)) => Some(intake_record(
            who,
            &household,
            i,
            l,
            &ids,
            Some(receipt.to_owned()),
        )),
        _ => None,
    };
    old.value.corrected_by = new.as_ref().map(|n| n.intake.receipt.clone());
    let mut inserts = Vec::new();
    if let Some(n) = &new {
        inserts.push(new_record(
            &n.intake.receipt,
            Some(&household.id),
            Some(who.id()),
            n,
        )?);
    }
    write(app, inserts, vec![update_record(receipt, &old)?]).await?;
    Ok(new.unwrap_or(old.value))
}

/// The goats the cooperative's combing event of an intake declared.
async fn combed_goats(app: &App, who: &Principal, rec: &IntakeRecord) -> Result<Option<u32>> {
    let Some(id) = &rec.combing_event else {
        return Ok(None);
    };
    let stored = app.store.get_event(id, &who.viewer()).await?;
    Ok(stored
        .iter()
        .find_map(|s| s.event.ilmd.as_ref()?.get("cm:goatsCombed")?.as_u64())
        .and_then(|g| u32::try_from(g).ok()))
}

/// One intake, to its cooperative, the household's managers, admins and regulators.
pub async fn intake(app: &App, who: &Principal, receipt: &str) -> Result<IntakeRecord> {
    let rec: IntakeRecord = need(app, receipt).await?.value;
    if rec.cooperative != who.id().0 {
        let h = registry::household(app, &rec.intake.member).await?;
        if !registry::may_manage(app, who, &h).await? {
            return Err(AppError::Forbidden(format!(
                "organisation '{}' may not see intake {receipt}",
                who.org.name
            )));
        }
    }
    Ok(rec)
}

/// The receipt as an EPCIS document: the intake's events with the master data of the parties
/// and places they name in the header.
pub async fn receipt_document(app: &App, who: &Principal, receipt: &str) -> Result<Value> {
    let rec = intake(app, who, receipt).await?;
    let h = registry::household(app, &rec.intake.member).await?;
    let coop = super::org(app, store::OrgId(rec.cooperative)).await?;
    let mut evs = Vec::new();
    for id in rec.combing_event.iter().chain([&rec.delivery_event]) {
        evs.extend(
            app.store
                .get_event(
                    id,
                    &store::Viewer {
                        org: coop.id,
                        sees_all: true,
                        parties: Vec::new(),
                    },
                )
                .await?
                .into_iter()
                .map(|s| s.event),
        );
    }
    let doc = events::document(
        evs,
        Some(registry::masterdata(&[&h], &[&coop])),
        app.clock.now(),
    );
    serde_json::from_str(&epcis::jsonld::to_string(&doc))
        .map_err(|e| AppError::Internal(format!("receipt document: {e}")))
}

/// A cooperative's intakes (active and corrected), oldest first.
pub async fn intakes_of(app: &App, coop: i64) -> Result<Vec<IntakeRecord>> {
    Ok(
        list::<IntakeRecord>(app, &RecordFilter::owner(store::OrgId(coop)))
            .await?
            .into_iter()
            .map(|r| r.value)
            .collect(),
    )
}

/// A household's intakes at every cooperative.
pub async fn intakes_of_household(app: &App, household: &str) -> Result<Vec<IntakeRecord>> {
    Ok(list::<IntakeRecord>(app, &RecordFilter::parent(household))
        .await?
        .into_iter()
        .map(|r| r.value)
        .collect())
}
