//! Pooled lots: a cooperative pools members' intakes of one colour and grade into a lot (a
//! TransformationEvent `pooling`, mass conserved, each intake's whole lot consumed), samples it
//! for the lab, and lists it with its certificates and provenance. The ledger refuses a kilo
//! pooled twice, so two pooling requests racing for one intake cannot both succeed.

use market::intake::Colour;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::{RecordFilter, Role};

use super::events::{self, Type};
use super::intake::{IntakeRecord, IntakeState};
use super::{ID_BASE, Kind, bad, list, need, new_record, party_id, update_record, write};
use crate::auth::Principal;
use crate::{App, AppError, Result};

/// A pooled lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    /// `P-<coop>-<n>`.
    pub id: String,
    /// The lot's URI.
    pub lot: String,
    pub cooperative: i64,
    pub colour: Colour,
    pub grade: String,
    /// Gross grams (the lot's mass in the ledger).
    pub grams: u64,
    /// Clean grams of the intakes (what members are paid on).
    pub clean_g: u64,
    /// Receipts of the intakes in it.
    pub intakes: Vec<String>,
    pub event: String,
    pub created: chrono::NaiveDate,
    /// The auction it is listed in (while listed or once sold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auction: Option<String>,
}

impl Kind for Pool {
    const KIND: &'static str = "pool";
    const WHAT: &'static str = "pool";
}

/// `POST /pools`: the intakes to pool, or all of the cooperative's unpooled intakes of a
/// colour and grade.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolIn {
    pub colour: Colour,
    pub grade: String,
    #[serde(default)]
    pub intakes: Option<Vec<String>>,
}

pub fn lot_uri(pool: &str) -> String {
    format!("{ID_BASE}/lot/{pool}")
}

/// Pools intakes into a new lot.
pub async fn pool(app: &App, who: &Principal, req: PoolIn) -> Result<Pool> {
    super::require_role(who, &[Role::Cooperative], "pool intakes")?;
    let coop = who.id().0;
    let all = list::<IntakeRecord>(app, &RecordFilter::owner(who.id())).await?;
    let chosen: Vec<_> = match &req.intakes {
        Some(receipts) => {
            let mut v = Vec::new();
            for r in receipts {
                let rec = all
                    .iter()
                    .find(|i| &i.value.intake.receipt == r)
                    .ok_or_else(|| {
                        bad(
                            "intakes",
                            format!("'{r}' is not an intake of this cooperative"),
                        )
                    })?;
                v.push(rec.clone());
            }
            v
        }
        None => all
            .into_iter()
            .filter(|i| {
                i.value.state == IntakeState::Active
                    && i.value.pool.is_none()
                    && i.value.intake.colour == req.colour
                    && i.value.intake.grade == req.grade
            })
            .collect(),
    };
    if chosen.is_empty() {
        return Err(bad(
            "intakes",
            format!(
                "no unpooled {} grade '{}' intakes to pool",
                req.colour.as_str(),
                req.grade
            ),
        ));
    }
    for i in &chosen {
        let v = &i.value;
        let why = if v.state != IntakeState::Active {
            Some("was corrected")
        } else if v.pool.is_some() {
            Some("is already pooled")
        } else if v.intake.colour != req.colour || v.intake.grade != req.grade {
            Some("has another colour or grade")
        } else {
            None
        };
        if let Some(why) = why {
            return Err(bad("intakes", format!("intake {} {why}", v.intake.receipt)));
        }
    }
    let n = list::<Pool>(app, &RecordFilter::owner(who.id()))
        .await?
        .len()
        + 1;
    let id = format!("P-{coop}-{n:04}");
    let lot = lot_uri(&id);
    let grams: u64 = chosen.iter().map(|i| i.value.lot_g).sum();
    let clean_g: u64 = chosen.iter().map(|i| i.value.intake.clean_g).sum();
    let now = app.clock.now();
    let mut e = events::event(Type::TransformationEvent, "pooling", now);
    e.biz_step = Some("commissioning".into());
    e.disposition = Some("active".into());
    e.biz_location = events::location(&party_id(&who.org));
    e.input_quantity_list = Some(
        chosen
            .iter()
            .map(|i| events::quantity(&i.value.lot, i.value.lot_g))
            .collect(),
    );
    e.output_quantity_list = Some(vec![events::quantity(&lot, grams)]);
    events::ilmd(
        &mut e,
        vec![
            ("colour", req.colour.as_str().into()),
            ("grade", req.grade.clone().into()),
        ],
    );
    let ids = events::capture(app, who, &events::document(vec![e], None, now)).await?;
    let pool = Pool {
        id: id.clone(),
        lot,
        cooperative: coop,
        colour: req.colour,
        grade: req.grade.clone(),
        grams,
        clean_g,
        intakes: chosen
            .iter()
            .map(|i| i.value.intake.receipt.clone())
            .collect(),
        event: ids.first().cloned().unwrap_or_default(),
        created: super::today(app),
        auction: None,
    };
    let mut updates = Vec::new();
    for mut i in chosen {
        i.value.pool = Some(id.clone());
        updates.push(update_record(&i.value.intake.receipt.clone(), &i)?);
    }
    write(
        app,
        vec![new_record(
            &id,
            Some(&coop.to_string()),
            Some(who.id()),
            &pool,
        )?],
        updates,
    )
    .await?;
    Ok(pool)
}

/// A pool with its intakes (to its cooperative).
pub async fn pool_detail(
    app: &App,
    who: &Principal,
    id: &str,
) -> Result<(Pool, Vec<IntakeRecord>)> {
    let p: Pool = need(app, id).await?.value;
    if p.cooperative != who.id().0 && !matches!(who.org.role, Role::Admin | Role::Regulator) {
        return Err(AppError::Forbidden(format!(
            "pool {id} is another cooperative's"
        )));
    }
    let mut intakes = Vec::new();
    for r in &p.intakes {
        intakes.push(need::<IntakeRecord>(app, r).await?.value);
    }
    Ok((p, intakes))
}

/// A pool's record (its lot, mass and what became of it), for those its intakes name.
pub async fn pool_record(app: &App, id: &str) -> Result<Pool> {
    Ok(need::<Pool>(app, id).await?.value)
}

/// The public listing of a pool: lot, mass, colour and grade, its quality and certification
/// credentials (each with its status), and its provenance report (soums, aimags, shares).
pub async fn listing(app: &App, id: &str) -> Result<Value> {
    let p: Pool = need(app, id).await?.value;
    let coop = super::org(app, store::OrgId(p.cooperative)).await?;
    let creds = app
        .store
        .credentials_about(std::slice::from_ref(&p.lot))
        .await?;
    let certificates: Vec<Value> = creds
        .iter()
        .map(|c| {
            json!({
                "id": c.id, "kind": c.kind,
                "status": if c.revoked_at.is_some() { "revoked" } else { "valid" },
            })
        })
        .collect();
    let provenance = crate::provenance::provenance(app, None, &p.lot).await.ok();
    Ok(json!({
        "id": p.id,
        "lot": p.lot,
        "cooperative": coop.name,
        "colour": p.colour,
        "grade": p.grade,
        "kg": events::kg(p.grams),
        "clean_kg": events::kg(p.clean_g),
        "intakes": p.intakes.len(),
        "certificates": certificates,
        "provenance": provenance,
    }))
}

/// Every cooperative's pools, newest first (lots are public: the catalogue lists them).
pub async fn all_pools(app: &App) -> Result<Vec<Pool>> {
    let mut all: Vec<Pool> = list::<Pool>(app, &RecordFilter::default())
        .await?
        .into_iter()
        .map(|r| r.value)
        .collect();
    all.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
    Ok(all)
}

/// A cooperative's pools.
pub async fn pools_of(app: &App, coop: i64) -> Result<Vec<Pool>> {
    Ok(list::<Pool>(app, &RecordFilter::owner(store::OrgId(coop)))
        .await?
        .into_iter()
        .map(|r| r.value)
        .collect())
}
