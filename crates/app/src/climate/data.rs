//! The effective climate tables: the data compiled into the `climate` crate overlaid with the
//! yearly imports kept in the store ([`super::import`]), batch after batch in the order they
//! were written, so a later batch's figure (a `--replace`) wins.
//!
//! [`dataset`] reads the import records on every call and keys a process-wide cache by a
//! SHA-256 of them, so every process on one store computes from the same tables, and a fitted
//! model is cached per (tables, training year, mode): an import changes the key, and the
//! process that imports also empties both caches ([`invalidate`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use ::climate::import::{PanelRow, SoumHayRow, SummerSpeiRow};
use ::climate::{Dataset, Mode, Model, Species};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use store::RecordFilter;

use super::import::{Entry, ImportBatch, ImportKind};
use crate::market::Kind;
use crate::{App, AppError, Result};

/// The embedded soum hay table is the 2019 survey.
pub const EMBEDDED_HAY_YEAR: u16 = 2019;

/// The tables the climate use cases compute from.
#[derive(Debug, Clone)]
pub struct ClimateData {
    /// Panel, SPEI, aimag livestock, hay and prices (the `climate` crate's shape). Its
    /// `soum_hay` holds each soum's latest year.
    pub data: Dataset,
    /// Soum total head by (soum code, census year): the NSO 2019 and 2020 tables, then imports.
    pub soum_head: BTreeMap<(u32, u16), u64>,
    /// Soum hay rows by (soum code, year).
    pub soum_hay: BTreeMap<(u32, u16), SoumHayRow>,
    /// How many import batches are applied.
    pub imports: usize,
    /// SHA-256 over the import records (key and body, in order); the caches' key.
    pub fingerprint: [u8; 32],
}

impl ClimateData {
    /// The compiled-in tables alone.
    pub fn embedded() -> ClimateData {
        let data = Dataset::embedded().clone();
        let mut soum_head = BTreeMap::new();
        for s in mongolia::soums() {
            for (year, head) in [(2019, s.livestock_2019), (2020, s.livestock_2020)] {
                if head > 0 {
                    soum_head.insert((s.code, year), head);
                }
            }
        }
        let soum_hay = data
            .soum_hay
            .iter()
            .map(|(code, r)| ((*code, EMBEDDED_HAY_YEAR), *r))
            .collect();
        ClimateData {
            data,
            soum_head,
            soum_hay,
            imports: 0,
            fingerprint: Sha256::digest(b"").into(),
        }
    }

    /// The figure now in the tables at an entry's place, in the entry's value shape; `None`
    /// when there is none (a zero head count of a species counts as none).
    pub fn current(&self, kind: ImportKind, e: &Entry) -> Result<Option<Value>> {
        let v = match kind {
            ImportKind::Panel => self
                .data
                .panel
                .get(&(aimag(e)?, year(e)?))
                .map(serde_json::to_value)
                .transpose()
                .map_err(internal)?,
            ImportKind::Spei => self
                .data
                .summer_spei
                .get(&(aimag(e)?, year(e)?))
                .map(|s| json!({"spei": s})),
            ImportKind::Livestock => {
                let sp = species(e)?;
                self.data
                    .livestock
                    .get(&(aimag(e)?, year(e)?))
                    .map(|h| h.get(sp))
                    .filter(|&h| h > 0)
                    .map(|h| json!({"head": h}))
            }
            ImportKind::NsoLivestock => self
                .soum_head
                .get(&(soum(e)?, year(e)?))
                .map(|h| json!({"head": h})),
            ImportKind::Hay => self
                .soum_hay
                .get(&(soum(e)?, year(e)?))
                .map(serde_json::to_value)
                .transpose()
                .map_err(internal)?,
            ImportKind::HayPrices => self
                .data
                .hay_price
                .get(&(aimag(e)?, e.period.clone()))
                .map(|p| json!({"mnt_per_bale": p})),
        };
        Ok(v)
    }

    /// Sets an entry's figure.
    pub fn apply(&mut self, kind: ImportKind, e: &Entry) -> Result<()> {
        match kind {
            ImportKind::Panel => {
                let row: PanelRow = serde_json::from_value(e.value.clone()).map_err(internal)?;
                self.data.add_panel(vec![row]);
            }
            ImportKind::Spei => {
                let spei = number(e, "spei")?;
                self.data.add_summer_spei(vec![SummerSpeiRow {
                    aimag_code: aimag(e)?,
                    year: year(e)?,
                    spei,
                }]);
            }
            ImportKind::Livestock => {
                let head = whole(e, "head")?;
                self.data
                    .livestock
                    .entry((aimag(e)?, year(e)?))
                    .or_default()
                    .set(species(e)?, head);
            }
            ImportKind::NsoLivestock => {
                self.soum_head
                    .insert((soum(e)?, year(e)?), whole(e, "head")?);
            }
            ImportKind::Hay => {
                let row: SoumHayRow = serde_json::from_value(e.value.clone()).map_err(internal)?;
                let (code, y) = (soum(e)?, year(e)?);
                self.soum_hay.insert((code, y), row);
                let latest = self
                    .soum_hay
                    .range((code, 0)..=(code, u16::MAX))
                    .next_back();
                if let Some((_, r)) = latest {
                    self.data.soum_hay.insert(code, *r);
                }
            }
            ImportKind::HayPrices => {
                let p = whole(e, "mnt_per_bale")?;
                self.data.hay_price.insert((aimag(e)?, e.period.clone()), p);
            }
        }
        Ok(())
    }
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("a stored climate import is unreadable: {e}"))
}

fn aimag(e: &Entry) -> Result<u8> {
    e.unit.parse().map_err(internal)
}

fn soum(e: &Entry) -> Result<u32> {
    e.unit.parse().map_err(internal)
}

fn year(e: &Entry) -> Result<u16> {
    e.period.parse().map_err(internal)
}

fn species(e: &Entry) -> Result<Species> {
    Species::ALL
        .into_iter()
        .find(|s| species_name(*s) == e.item.as_deref().unwrap_or(""))
        .ok_or_else(|| internal(format!("species {:?}", e.item)))
}

/// The lowercase name livestock entries carry.
pub fn species_name(s: Species) -> &'static str {
    match s {
        Species::Camel => "camel",
        Species::Cattle => "cattle",
        Species::Goat => "goat",
        Species::Horse => "horse",
        Species::Sheep => "sheep",
    }
}

fn number(e: &Entry, field: &str) -> Result<f64> {
    e.value[field]
        .as_f64()
        .ok_or_else(|| internal(format!("{field} of {}/{}", e.unit, e.period)))
}

fn whole(e: &Entry, field: &str) -> Result<u64> {
    e.value[field]
        .as_u64()
        .ok_or_else(|| internal(format!("{field} of {}/{}", e.unit, e.period)))
}

/// At most this many table versions and fitted models are kept; past it the cache restarts.
const CACHE_LIMIT: usize = 64;

type DataCache = HashMap<[u8; 32], Arc<ClimateData>>;
type ModelCache = HashMap<([u8; 32], u16, Mode), Arc<Model>>;

fn data_cache() -> &'static Mutex<DataCache> {
    static C: OnceLock<Mutex<DataCache>> = OnceLock::new();
    C.get_or_init(Default::default)
}

fn model_cache() -> &'static Mutex<ModelCache> {
    static C: OnceLock<Mutex<ModelCache>> = OnceLock::new();
    C.get_or_init(Default::default)
}

fn poisoned<T>(_: T) -> AppError {
    AppError::Internal("the climate cache is poisoned".to_owned())
}

/// Empties the table and model caches (after an import in this process).
pub fn invalidate() {
    if let Ok(mut c) = data_cache().lock() {
        c.clear();
    }
    if let Ok(mut c) = model_cache().lock() {
        c.clear();
    }
}

/// The effective tables of this store: embedded data overlaid with every import batch.
pub async fn dataset(app: &App) -> Result<Arc<ClimateData>> {
    let records = app
        .store
        .list_records(ImportBatch::KIND, &RecordFilter::default())
        .await?;
    let mut h = Sha256::new();
    for r in &records {
        h.update(r.key.as_bytes());
        h.update([0]);
        h.update(r.body.as_bytes());
        h.update([0]);
    }
    let fingerprint: [u8; 32] = h.finalize().into();
    if let Some(d) = data_cache().lock().map_err(poisoned)?.get(&fingerprint) {
        return Ok(d.clone());
    }
    let mut d = ClimateData::embedded();
    for r in &records {
        let b: ImportBatch = serde_json::from_str(&r.body).map_err(internal)?;
        for e in &b.rows {
            d.apply(b.kind, e)?;
        }
    }
    d.imports = records.len();
    d.fingerprint = fingerprint;
    let d = Arc::new(d);
    let mut c = data_cache().lock().map_err(poisoned)?;
    if c.len() >= CACHE_LIMIT {
        c.clear();
    }
    Ok(c.entry(fingerprint).or_insert(d).clone())
}

/// The model fitted on `d` for winters up to `train_until`, fitted once per table version.
pub(super) fn model(d: &ClimateData, train_until: u16, mode: Mode) -> Result<Arc<Model>> {
    let key = (d.fingerprint, train_until, mode);
    if let Some(m) = model_cache().lock().map_err(poisoned)?.get(&key) {
        return Ok(m.clone());
    }
    // Fitting takes milliseconds; two requests racing both fit and one result is kept.
    let m = Arc::new(Model::fit(&d.data, train_until, mode).map_err(super::model_error)?);
    let mut c = model_cache().lock().map_err(poisoned)?;
    if c.len() >= CACHE_LIMIT {
        c.clear();
    }
    Ok(c.entry(key).or_insert(m).clone())
}
