//! The rows a batch's [`Effects`] write, table by table, once for both dialects. Columns are
//! kept whole (column-major): PostgreSQL binds each as one array under `UNNEST`, SQLite binds
//! them row by row into multi-row `VALUES`.

use std::collections::HashMap;

use ::provenance::ledger::{Effects, Use};

use super::{db_grams, seq_of};
use crate::{Result, StoreError};

/// One column's values, typed for binding.
pub(crate) enum Column<'e> {
    Text(Vec<&'e str>),
    Owned(Vec<String>),
    Int(Vec<i64>),
    Bytes(Vec<Vec<u8>>),
}

impl Column<'_> {
    fn len(&self) -> usize {
        match self {
            Column::Text(v) => v.len(),
            Column::Owned(v) => v.len(),
            Column::Int(v) => v.len(),
            Column::Bytes(v) => v.len(),
        }
    }

    /// The array type PostgreSQL's `UNNEST` reads the column as.
    pub(crate) fn pg_array(&self) -> &'static str {
        match self {
            Column::Text(_) | Column::Owned(_) => "text[]",
            Column::Int(_) => "bigint[]",
            Column::Bytes(_) => "bytea[]",
        }
    }
}

/// Rows for `INSERT INTO {table} ({cols}) … {tail}`; every column holds `len` values.
pub(crate) struct Insert<'e> {
    pub table: &'static str,
    pub cols: &'static str,
    /// What follows the rows (an upsert's `ON CONFLICT …`), or nothing.
    pub tail: &'static str,
    pub columns: Vec<Column<'e>>,
    pub len: usize,
}

impl<'e> Insert<'e> {
    pub(super) fn new(
        table: &'static str,
        cols: &'static str,
        tail: &'static str,
        columns: Vec<Column<'e>>,
    ) -> Insert<'e> {
        let len = columns.first().map_or(0, Column::len);
        debug_assert!(
            columns.iter().all(|c| c.len() == len),
            "{table}: ragged columns"
        );
        Insert {
            table,
            cols,
            tail,
            columns,
            len,
        }
    }
}

/// The inserts for `effects`, in write order (lots before what refers to them); empty tables
/// are left out.
pub(crate) fn inserts<'e>(
    effects: &'e Effects,
    seqs: &HashMap<&str, i64>,
) -> Result<Vec<Insert<'e>>> {
    use Column::{Bytes, Int, Owned, Text};
    let s = |e: &str| seq_of(seqs, e);
    let lots = || effects.lots.iter().map(|w| &w.state);
    let garments = &effects.garments;
    let (mut comp_seqs, mut comp_bodies) = (Vec::new(), Vec::new());
    for (r, c) in &effects.compositions {
        let Some(seq) = seqs.get(r.as_str()) else {
            return Err(StoreError::Corrupt(format!(
                "composition {r} is not of an event of its batch"
            )));
        };
        comp_seqs.push(*seq);
        comp_bodies.push(c.to_bytes());
    }
    let (mut in_event, mut in_seq, mut in_lot, mut in_grams) =
        <(Vec<_>, Vec<_>, Vec<_>, Vec<_>)>::default();
    let (mut out_event, mut out_seq, mut out_node) = <(Vec<_>, Vec<_>, Vec<_>)>::default();
    for l in &effects.lineage {
        let seq = s(&l.event);
        for (lot, g) in &l.inputs {
            in_event.push(l.event.as_str());
            in_seq.push(seq);
            in_lot.push(lot.as_str());
            in_grams.push(db_grams(*g));
        }
        for o in &l.outputs {
            out_event.push(l.event.as_str());
            out_seq.push(seq);
            out_node.push(o.as_str());
        }
    }
    let (mut c_event, mut c_seq, mut c_parent, mut c_child) =
        <(Vec<_>, Vec<_>, Vec<_>, Vec<_>)>::default();
    for c in &effects.containment {
        let seq = s(&c.event);
        for child in &c.children {
            c_event.push(c.event.as_str());
            c_seq.push(seq);
            c_parent.push(c.parent.as_str());
            c_child.push(child.as_str());
        }
    }
    // A lot's creation is not a touch: graph reads take it from the lot row.
    let touches = &effects.touches;
    // Consumption is in the transformation inputs already; the journal keeps shipments.
    let shipped: Vec<_> = effects
        .journal
        .iter()
        .filter(|j| j.kind == Use::Shipped)
        .collect();
    let findings = &effects.findings;
    let bodies = findings
        .iter()
        .map(crate::common::to_json)
        .collect::<Result<Vec<_>>>()?;
    let households = || effects.households.iter().map(|w| &w.after);
    let soums = || effects.soums.iter().map(|w| &w.after);
    let all = vec![
        Insert::new(
            "prov_lots",
            "lot, written, quantity_g, consumed_g, shipped_g, process, stage, created_by, \
             composition_ref, seq",
            "ON CONFLICT (lot) DO UPDATE SET consumed_g = excluded.consumed_g, \
             shipped_g = excluded.shipped_g",
            vec![
                Text(lots().map(|l| l.lot.as_str()).collect()),
                Text(lots().map(|l| l.written.as_str()).collect()),
                Int(lots().map(|l| db_grams(l.quantity_g)).collect()),
                Int(lots().map(|l| db_grams(l.consumed_g)).collect()),
                Int(lots().map(|l| db_grams(l.shipped_g)).collect()),
                Text(lots().map(|l| l.process.as_str()).collect()),
                Text(lots().map(|l| l.stage.as_str()).collect()),
                Text(lots().map(|l| l.created_by_event.as_str()).collect()),
                Text(lots().map(|l| l.composition_ref.as_str()).collect()),
                Int(lots().map(|l| s(&l.created_by_event)).collect()),
            ],
        ),
        Insert::new(
            "prov_compositions",
            "seq, body",
            "",
            vec![Int(comp_seqs), Bytes(comp_bodies)],
        ),
        Insert::new(
            "prov_garments",
            "epc, written, mass_g, composition_ref, event_id, seq",
            "",
            vec![
                Text(garments.iter().map(|g| g.epc.as_str()).collect()),
                Text(garments.iter().map(|g| g.written.as_str()).collect()),
                Int(garments.iter().map(|g| db_grams(g.mass_g)).collect()),
                Text(
                    garments
                        .iter()
                        .map(|g| g.composition_ref.as_str())
                        .collect(),
                ),
                Text(garments.iter().map(|g| g.event.as_str()).collect()),
                Int(garments.iter().map(|g| s(&g.event)).collect()),
            ],
        ),
        Insert::new(
            "prov_inputs",
            "event_id, seq, lot, grams",
            "",
            vec![Text(in_event), Int(in_seq), Text(in_lot), Int(in_grams)],
        ),
        Insert::new(
            "prov_outputs",
            "event_id, seq, node",
            "",
            vec![Text(out_event), Int(out_seq), Text(out_node)],
        ),
        Insert::new(
            "prov_containment",
            "event_id, seq, parent, child",
            "",
            vec![Text(c_event), Int(c_seq), Text(c_parent), Text(c_child)],
        ),
        Insert::new(
            "prov_touches",
            "node, event_id, seq",
            "",
            vec![
                Text(touches.iter().map(|t| t.node.as_str()).collect()),
                Text(touches.iter().map(|t| t.event.as_str()).collect()),
                Int(touches.iter().map(|t| s(&t.event)).collect()),
            ],
        ),
        Insert::new(
            "prov_journal",
            "event_id, seq, lot, grams, kind",
            "",
            vec![
                Text(shipped.iter().map(|j| j.event.as_str()).collect()),
                Int(shipped.iter().map(|j| s(&j.event)).collect()),
                Text(shipped.iter().map(|j| j.lot.as_str()).collect()),
                Int(shipped.iter().map(|j| db_grams(j.grams)).collect()),
                Text(shipped.iter().map(|j| use_kind(j.kind)).collect()),
            ],
        ),
        Insert::new(
            "prov_findings",
            "subject, kind, event_id, seq, body",
            "",
            vec![
                Text(findings.iter().map(|f| f.subject.as_str()).collect()),
                Text(findings.iter().map(|f| f.kind.as_str()).collect()),
                Text(findings.iter().map(|f| f.event.as_str()).collect()),
                Int(findings.iter().map(|f| s(&f.event)).collect()),
                Owned(bodies),
            ],
        ),
        Insert::new(
            "prov_household_seasons",
            "household, season, grams, goats, events",
            "ON CONFLICT (household, season) DO UPDATE SET grams = excluded.grams, \
             goats = excluded.goats, events = excluded.events",
            vec![
                Text(households().map(|t| t.household.as_str()).collect()),
                Text(households().map(|t| t.season.as_str()).collect()),
                Int(households().map(|t| db_grams(t.grams)).collect()),
                Int(households().map(|t| db_grams(t.goats)).collect()),
                Int(households().map(|t| db_grams(t.events)).collect()),
            ],
        ),
        Insert::new(
            "prov_soum_seasons",
            "soum, season, grams, goats, households",
            "ON CONFLICT (soum, season) DO UPDATE SET grams = excluded.grams, \
             goats = excluded.goats, households = excluded.households",
            vec![
                Text(soums().map(|t| t.soum.as_str()).collect()),
                Text(soums().map(|t| t.season.as_str()).collect()),
                Int(soums().map(|t| db_grams(t.grams)).collect()),
                Int(soums().map(|t| db_grams(t.goats)).collect()),
                Int(soums().map(|t| db_grams(t.households)).collect()),
            ],
        ),
    ];
    Ok(all.into_iter().filter(|i| i.len > 0).collect())
}

fn use_kind(kind: Use) -> &'static str {
    match kind {
        Use::Consumed => "consumed",
        Use::Shipped => "shipped",
    }
}
