//! Provenance use cases (issue 3): the provenance report of a garment or lot
//! (`GET /provenance/{id}`), trace backward and forward over the event graph
//! (`GET /trace/{id}`), and a lot's ledger (`GET /lots/{id}`). The ledger itself is kept at
//! capture time by the store (crates/store/src/provenance, rules in crates/provenance); these
//! read what it stored, so a garment's report does not walk the graph.
//!
//! Privacy (DESIGN.md §6): herder households are personal data. The public report (no token)
//! shows fibre by soum and aimag only: every `household` is `null`, `by_household` is empty and
//! findings lose their `household` evidence. A token holder sees the full report.

use std::collections::HashMap;
use std::sync::Arc;

use provenance::ledger::Rejection;
use provenance::quantity::kg_number;
pub use provenance::trace::Direction;
use provenance::trace::{Edge, Graph, Limits, Trace};
use provenance::{Composition, ProvenanceReport, identity};
use serde::Serialize;
use serde_json::{Value, json};
use store::{Relation, Store, StoreError, StoredEvent};

use crate::auth::{Permission, Principal};
use crate::{App, AppError, ErrorItem, Result};

/// The 400 for an event that claims the cashmere profile and breaks it: one item per
/// violation, naming the event and the field.
pub fn profile_error(index: usize, violations: &[epcis::Violation]) -> AppError {
    let errors: Vec<ErrorItem> = violations
        .iter()
        .map(|v| {
            let mut item = ErrorItem::from_violation(v);
            item.event_index.get_or_insert(index);
            item
        })
        .collect();
    AppError::validation(
        format!(
            "event {} does not follow the cashmere profile it claims (cm:profile) — {} violation(s); nothing was captured",
            index + 1,
            errors.len()
        ),
        errors,
    )
}

/// The 409 for an event the lot ledger refused, naming the event, the lot and the figures.
pub fn rejection_error(r: &Rejection) -> AppError {
    let rejection = serde_json::to_value(r).unwrap_or(Value::Null);
    let event_id = rejection
        .get("event")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let field = match r {
        Rejection::OverConsumption { .. } => Some("/inputQuantityList"),
        Rejection::OverShipping { .. } => Some("/quantityList"),
        _ => None,
    };
    AppError::Ledger {
        detail: format!("{r}; nothing was captured"),
        errors: vec![ErrorItem {
            event_index: Some(r.index()),
            event_id,
            field: field.map(str::to_owned),
            message: store::rejection_reason(r),
            ..ErrorItem::default()
        }],
        rejection,
    }
}

/// What a provenance report is about.
enum Subject {
    Garment { mass_g: u64, composition: String },
    Lot { mass_g: u64, composition: String },
}

async fn subject(store: &dyn Store, key: &str) -> Result<Option<Subject>> {
    if let Some(g) = store.garment(key).await? {
        return Ok(Some(Subject::Garment {
            mass_g: g.mass_g,
            composition: g.composition_ref,
        }));
    }
    Ok(store.lot(key).await?.map(|l| Subject::Lot {
        mass_g: l.quantity_g,
        composition: l.composition_ref,
    }))
}

/// A provenance report, read and ready to be written. It keeps the stored composition and
/// renders the report while it is serialised, so that a garment of 12,000 sources is written
/// straight to the answer's bytes without an intermediate JSON tree (which had been most of
/// the read's time).
#[derive(Debug, Clone)]
pub struct Provenance {
    /// The subject as the caller named it.
    pub subject: String,
    /// `garment` or `lot`.
    pub kind: &'static str,
    /// The ledger key (canonical form) of the subject.
    pub key: String,
    pub mass_g: u64,
    pub composition: Composition,
    /// Findings held on the subject itself (raised after its composition was stored).
    pub findings: Vec<provenance::Finding>,
    pub certification: Value,
    /// The public (soum-level) report: no household identities.
    pub public: bool,
}

impl Provenance {
    /// The report as it is written, households removed when public.
    pub fn report(&self) -> ProvenanceReport<'_> {
        let mut report = ProvenanceReport::build(
            &self.subject,
            self.mass_g,
            &self.composition,
            &self.findings,
        );
        if self.public {
            redact(&mut report);
        }
        report
    }

    /// The answer's JSON bytes, written into a buffer sized for it up front: a garment of
    /// 12,000 sources writes 2–3 MB, and growing the buffer by doubling costs copies and
    /// fresh pages on every read.
    pub fn to_json(&self) -> Result<Vec<u8>> {
        let per_source = if self.public { 170 } else { 250 };
        let mut out = Vec::with_capacity(4096 + self.composition.len() * per_source);
        serde_json::to_writer(&mut out, self)
            .map_err(|e| AppError::Internal(format!("the report cannot be written: {e}")))?;
        Ok(out)
    }

    /// The answer as a JSON value (for callers that pick fields from it).
    pub fn to_value(&self) -> Result<Value> {
        serde_json::to_value(self)
            .map_err(|e| AppError::Internal(format!("the report cannot be written: {e}")))
    }
}

impl Serialize for Provenance {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Answer<'a, 'c> {
            #[serde(flatten)]
            report: &'a ProvenanceReport<'c>,
            certification: &'a Value,
            kind: &'static str,
            key: &'a str,
            public: bool,
        }
        Answer {
            report: &self.report(),
            certification: &self.certification,
            kind: self.kind,
            key: &self.key,
            public: self.public,
        }
        .serialize(s)
    }
}

/// The provenance report of a garment (Digital Link or EPC URN) or a lot (LGTIN in either
/// form, or a private lot URI): mass-fraction shares by source lot, household, soum, aimag,
/// colour and claim, and the findings upstream. `principal` `None` is the public report.
pub async fn report(app: &App, principal: Option<&Principal>, id: &str) -> Result<Provenance> {
    if let Some(p) = principal {
        p.require(Permission::Read)?;
    }
    let key = identity(id);
    let Some(subject) = subject(app.store.as_ref(), &key).await? else {
        return Err(AppError::not_found("garment or lot", id));
    };
    let (kind, mass_g, reference) = match subject {
        Subject::Garment {
            mass_g,
            composition,
        } => ("garment", mass_g, composition),
        Subject::Lot {
            mass_g,
            composition,
        } => ("lot", mass_g, composition),
    };
    let composition: Composition = app.store.composition(&reference).await?.ok_or_else(|| {
        AppError::Store(StoreError::Corrupt(format!(
            "composition {reference} of {key} is missing"
        )))
    })?;
    let findings = app.store.findings_for(std::slice::from_ref(&key)).await?;
    let names = vec![key.clone(), id.to_owned()];
    let certification =
        crate::credentials::certification(app, &names, mass_g, &composition).await?;
    Ok(Provenance {
        subject: id.to_owned(),
        kind,
        key,
        mass_g,
        composition,
        findings,
        certification,
        public: principal.is_none(),
    })
}

/// [`report`] as a JSON value.
pub async fn provenance(app: &App, principal: Option<&Principal>, id: &str) -> Result<Value> {
    report(app, principal, id).await?.to_value()
}

/// Removes household identities from a report (soum level only).
fn redact(r: &mut ProvenanceReport<'_>) {
    for s in &mut r.sources {
        s.household = None;
    }
    r.by_household.clear();
    for f in &mut r.findings {
        f.evidence.remove("household");
    }
}

/// A lot's ledger (`GET /lots/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LotReport {
    pub lot: String,
    pub written: String,
    pub quantity_kg: f64,
    pub consumed_kg: f64,
    pub remaining_kg: f64,
    pub shipped_kg: f64,
    /// Mass not yet shipped (shipping is a separate budget from consumption).
    pub unshipped_kg: f64,
    pub quantity_g: u64,
    pub consumed_g: u64,
    pub remaining_g: u64,
    pub shipped_g: u64,
    /// The eventID of the event that created the lot.
    pub created_by: String,
    pub process: &'static str,
    pub stage: &'static str,
}

pub async fn lot(app: &App, principal: &Principal, id: &str) -> Result<LotReport> {
    principal.require(Permission::Read)?;
    let key = identity(id);
    let l = app
        .store
        .lot(&key)
        .await?
        .ok_or_else(|| AppError::not_found("lot", id))?;
    let remaining = l.remaining_g();
    let unshipped = l.quantity_g.saturating_sub(l.shipped_g);
    Ok(LotReport {
        quantity_kg: kg_number(l.quantity_g),
        consumed_kg: kg_number(l.consumed_g),
        remaining_kg: kg_number(remaining),
        shipped_kg: kg_number(l.shipped_g),
        unshipped_kg: kg_number(unshipped),
        quantity_g: l.quantity_g,
        consumed_g: l.consumed_g,
        remaining_g: remaining,
        shipped_g: l.shipped_g,
        created_by: l.created_by_event,
        process: l.process.as_str(),
        stage: l.stage.as_str(),
        lot: l.lot,
        written: l.written,
    })
}

/// The store as a [`Graph`] for the (synchronous) walk, run on a blocking thread.
struct StoreGraph {
    store: Arc<dyn Store>,
    rt: tokio::runtime::Handle,
}

impl StoreGraph {
    fn edges(&self, rel: Relation, nodes: &[String]) -> std::result::Result<Vec<Edge>, StoreError> {
        self.rt.block_on(self.store.graph_edges(rel, nodes))
    }
}

impl Graph for StoreGraph {
    type Error = StoreError;
    fn inputs_of(&self, nodes: &[String]) -> std::result::Result<Vec<Edge>, StoreError> {
        self.edges(Relation::InputsOf, nodes)
    }
    fn outputs_of(&self, nodes: &[String]) -> std::result::Result<Vec<Edge>, StoreError> {
        self.edges(Relation::OutputsOf, nodes)
    }
    fn children_of(&self, nodes: &[String]) -> std::result::Result<Vec<Edge>, StoreError> {
        self.edges(Relation::ChildrenOf, nodes)
    }
    fn parents_of(&self, nodes: &[String]) -> std::result::Result<Vec<Edge>, StoreError> {
        self.edges(Relation::ParentsOf, nodes)
    }
    fn events_of(
        &self,
        nodes: &[String],
    ) -> std::result::Result<Vec<(String, String)>, StoreError> {
        self.rt.block_on(self.store.graph_events(nodes))
    }
}

/// Walks the event graph from `id` (any spelling of a lot, garment or case), backward to the
/// sources or forward to the products, and answers the nodes, the edges and the events on
/// the path that the principal may read (each with its stored event); events it may not read
/// are counted in `hidden_events`, never shown.
pub async fn trace(
    app: &App,
    principal: &Principal,
    id: &str,
    direction: Direction,
) -> Result<Value> {
    principal.require(Permission::Read)?;
    let graph = StoreGraph {
        store: app.store.clone(),
        rt: tokio::runtime::Handle::current(),
    };
    let subject = id.to_owned();
    let walked: Trace = tokio::task::spawn_blocking(move || {
        provenance::trace::trace(&graph, &subject, direction, Limits::default())
    })
    .await
    .map_err(|e| AppError::Internal(format!("the trace failed: {e}")))??;
    if walked.nodes.len() == 1 && walked.events.is_empty() {
        let key = identity(id);
        let known =
            app.store.lot(&key).await?.is_some() || app.store.garment(&key).await?.is_some();
        if !known {
            return Err(AppError::not_found("lot, garment or case", id));
        }
    }
    let viewer = principal.viewer();
    let ids: Vec<String> = walked.events.iter().map(|e| e.event.clone()).collect();
    // One read for the whole path: a garment of thousands of households has tens of
    // thousands of events on it, and one query each took seconds.
    let mut by_id: HashMap<String, StoredEvent> = HashMap::with_capacity(ids.len());
    for s in app.store.get_events(&ids, &viewer).await? {
        // The ledger's step is the event itself, not an error declaration sharing its eventID.
        if s.event.error_declaration.is_none() {
            let id = s.event.event_id.clone().unwrap_or_default();
            by_id.entry(id).or_insert(s);
        }
    }
    let mut events = Vec::new();
    let mut hidden = 0usize;
    for e in &walked.events {
        match by_id.remove(&e.event) {
            Some(s) => events.push(json!({
                "eventID": e.event,
                "depth": e.depth,
                "role": e.role,
                "event": s.event,
            })),
            None => hidden += 1,
        }
    }
    // Built by moving the parts in: `json!` would serialise a copy of every event.
    let mut out = serde_json::Map::new();
    out.insert("subject".into(), walked.subject.into());
    out.insert("direction".into(), json!(walked.direction));
    out.insert("nodes".into(), json!(walked.nodes));
    out.insert("edges".into(), json!(walked.edges));
    out.insert("events".into(), Value::Array(events));
    out.insert("hidden_events".into(), hidden.into());
    out.insert("truncated".into(), walked.truncated.into());
    let out = Value::Object(out);
    Ok(out)
}
