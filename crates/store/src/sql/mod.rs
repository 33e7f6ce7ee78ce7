//! SQL built from a typed [`epcis::query::EventQuery`], for both dialects, with every value a
//! bound parameter (never spliced into the text).
//!
//! # Which index serves which query parameter
//!
//! Single-valued columns of `events` (each index is on (column, seq) on PostgreSQL; on SQLite
//! on (column) alone, whose entries end with the rowid, which is seq):
//! - `eventType` — `events_type`
//! - `GE_/LT_eventTime`, `orderBy=eventTime` — `events_event_time`
//! - `GE_/LT_recordTime`, `orderBy=recordTime` — `events_record_time`
//! - `EQ_action` — `events_action`
//! - `EQ_bizStep` — `events_biz_step`; `EQ_disposition` — `events_disposition`
//! - `EQ_/WD_readPoint` — `events_read_point`; `EQ_/WD_bizLocation` — `events_biz_location`
//! - `EQ_transformationID` — `events_transformation`; `EQ_eventID` — the unique `event_id` index
//! - visibility by capturing organisation — `events_captured_by`
//! - no `orderBy` (capture order), pagination tie-breaks, `events_after` — the primary key `seq`
//!
//! Everything multi-valued lives in `event_index (seq, i, k, name, text, num, time)`, one row
//! per fact ([`epcis::query::IndexRow`]); `k` is the [`epcis::query::Kind`] code:
//! - on PostgreSQL, `event_index_text (k, name, text)` serves every equality and prefix test
//!   on a text; on SQLite the term index `event_terms` ([`crate::terms`]) finds the events
//!   that hold the text (`x.seq IN (SELECT rowid FROM event_terms WHERE event_terms MATCH …)`,
//!   prefixes as FTS5 prefix queries) and the primary key then tests their rows. Either way:
//!   `MATCH_epc/parentID/inputEPC/outputEPC/anyEPC` and the `…EPCClass` forms (exact ids and
//!   pattern prefixes as ranges), `EQ_persistentDisposition_set/unset`, `EQ_bizTransaction_{type}`,
//!   `EQ_source_{type}`, `EQ_destination_{type}`, visibility by party (sources and
//!   destinations of any type),
//!   `EQ_errorReason`, `EQ_correctiveEventID`, `EXISTS_errorDeclaration`,
//!   `EXISTS_sensorElementList`, `EQ_type`, `EQ_deviceID`, `EQ_dataProcessingMethod`,
//!   `EQ_microorganism`, `EQ_chemicalSubstance`, `EQ_bizRules`, `EQ_stringValue`,
//!   `EQ_booleanValue`, `EQ_hexBinaryValue`, `EQ_uriValue`, `EQ_exception`, `EQ_component`,
//!   `EQ_uom`, the string form of `EQ_{field}` in every scope (`ILMD_`, `INNER_`,
//!   `ERROR_DECLARATION_`, `SENSORELEMENT_`, `SENSORMETADATA_`, `SENSORREPORT_`, `readPoint_`,
//!   `bizLocation_`), and `EXISTS_{field}` in every scope (an index-only scan of the scope's
//!   kind, checking `name`; on SQLite `event_index_kind (k, name)`, partial: it holds only
//!   the kinds `EXISTS_` can name, and the query repeats its WHERE);
//! - the `/epcs` resource — on SQLite `event_index_epc (text) WHERE k BETWEEN 1 AND 5`;
//! - `event_index_num (k, name, num)` serves `EQ/GT/GE/LT/LE_quantity[_{uom}]` (on the class
//!   rows, kinds 6–9, whose `name` is the quantity's unit),
//!   `…_value/minValue/maxValue/meanValue/sDev/percValue[_{uom}]`, `GE/LT_percRank`, and the
//!   numeric side of `EQ/GT/GE/LT/LE_{field}`;
//! - `event_index_time (k, name, time)` serves `GE/LT_errorDeclarationTime`, `GE/LT_time`,
//!   `GE/LT_startTime`, `GE/LT_endTime` and the date-time side of `EQ/GT/…_{field}`;
//! - an event's own rows, for `orderBy={field}` (the sort key is gathered per event) and
//!   per-event checks: on SQLite the primary key `(seq, i)` of the clustered table; on
//!   PostgreSQL the BRIN summary `event_index_seq` (migration 0012: the heap is written in
//!   `seq` order, and a B-tree key cost capture an entry per row).
//!
//! `HASATTR_`/`EQATTR_` are rejected by the parser (no master data), and `WD_` equals `EQ_`.

pub(crate) mod events;
pub(crate) mod rows;

/// A bound parameter value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    I16(i16),
    I64(i64),
    F64(f64),
    Text(String),
}

/// SQL text with its parameters, in placeholder order.
#[derive(Debug, Clone)]
pub(crate) struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
}

impl Sql {
    pub(crate) fn new() -> Sql {
        Sql {
            text: String::with_capacity(512),
            args: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, s: &str) -> &mut Sql {
        self.text.push_str(s);
        self
    }

    /// Appends a placeholder for `a`: `$n` on both dialects (SQLite reads `$NNN` as the n-th
    /// parameter too), so SQL text stays the same across dialects.
    pub(crate) fn arg(&mut self, a: Arg) -> &mut Sql {
        self.args.push(a);
        let n = self.args.len();
        self.text.push('$');
        self.text.push_str(&n.to_string());
        self
    }

    pub(crate) fn text_arg(&mut self, s: &str) -> &mut Sql {
        self.arg(Arg::Text(s.to_owned()))
    }

    /// `(p1, p2, …)` for a list of arguments.
    pub(crate) fn list(&mut self, items: impl IntoIterator<Item = Arg>) -> &mut Sql {
        self.push("(");
        for (i, a) in items.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.arg(a);
        }
        self.push(")")
    }
}

/// Binds an [`Sql`]'s arguments to a query of either backend.
macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                $crate::sql::Arg::I16(v) => q.bind(*v),
                $crate::sql::Arg::I64(v) => q.bind(*v),
                $crate::sql::Arg::F64(v) => q.bind(*v),
                $crate::sql::Arg::Text(v) => q.bind(v.as_str()),
            };
        }
        q
    }};
}
pub(crate) use bind_all;
