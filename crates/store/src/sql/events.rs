//! `SELECT`s over events: query pages, counts for `maxEventCount`, distinct resource values.
//! Each condition mirrors `epcis::query`'s in-memory evaluation (`eval.rs` there).

use epcis::query::{
    Column, Condition, Direction, EventQuery, Kind, NameTest, OrderKey, TimeColumn,
};

use super::rows::{self, candidates, finder, name_test, row_test};
use super::{Arg, Sql};
use crate::cursor::EventCursor;
use crate::{Backend, Resource, Viewer};

/// How a listing is ordered.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Order {
    /// Capture order (no `orderBy`).
    Seq,
    Time(TimeColumn, Direction),
    Field(NameTest, Direction),
}

impl Order {
    pub(crate) fn of(q: &EventQuery) -> Order {
        match &q.order_by {
            None => Order::Seq,
            Some(OrderKey::EventTime) => Order::Time(TimeColumn::EventTime, q.order_direction),
            Some(OrderKey::RecordTime) => Order::Time(TimeColumn::RecordTime, q.order_direction),
            Some(OrderKey::Field(f)) => Order::Field(f.name_test(), q.order_direction),
        }
    }

    /// Names the order in page tokens, so a token is only accepted by the order it came from.
    pub(crate) fn tag(&self) -> String {
        let dir = |d: &Direction| match d {
            Direction::Asc => "ASC",
            Direction::Desc => "DESC",
        };
        match self {
            Order::Seq => "seq".into(),
            Order::Time(TimeColumn::EventTime, d) => format!("eventTime:{}", dir(d)),
            Order::Time(TimeColumn::RecordTime, d) => format!("recordTime:{}", dir(d)),
            Order::Field(NameTest::Is(n), d) => format!("field:{n}:{}", dir(d)),
            Order::Field(NameTest::Compact { prefix, local }, d) => {
                format!("field:{prefix}:{local}:{}", dir(d))
            }
        }
    }
}

fn column(c: Column) -> &'static str {
    match c {
        Column::EventType => "e.event_type",
        Column::Action => "e.action",
        Column::BizStep => "e.biz_step",
        Column::Disposition => "e.disposition",
        Column::ReadPoint => "e.read_point",
        Column::BizLocation => "e.biz_location",
        Column::TransformationId => "e.transformation_id",
        Column::EventId => "e.event_id",
    }
}

fn time_column(c: TimeColumn) -> &'static str {
    match c {
        TimeColumn::EventTime => "e.event_time",
        TimeColumn::RecordTime => "e.record_time",
    }
}

const EVENT_COLUMNS: &str = "e.seq, e.body, e.namespaces, e.hash_id, e.captured_by, \
                             e.capture_id, e.event_time, e.record_time";

/// One page of a query: `limit` events after `cursor`.
pub(crate) fn page(
    q: &EventQuery,
    viewer: &Viewer,
    cursor: Option<&EventCursor>,
    limit: i64,
    b: Backend,
) -> Sql {
    let order = Order::of(q);
    let mut s = Sql::new();
    s.push("SELECT ").push(EVENT_COLUMNS);
    if let Order::Field(name, _) = &order {
        s.push(", f.sn, f.st, f.sx FROM events e LEFT JOIN (SELECT x.seq, MIN(x.num) AS sn, ")
            .push("MIN(x.time) AS st, MIN(x.text) AS sx FROM event_index x WHERE x.k = ")
            .arg(Arg::I16(Kind::Field.code()));
        name_test(&mut s, name);
        s.push(" GROUP BY x.seq) f ON f.seq = e.seq");
    } else {
        s.push(" FROM events e");
    }
    s.push(" WHERE 1 = 1");
    conditions(&mut s, q, viewer, b);
    if let Some(c) = cursor {
        keyset(&mut s, &order, c);
    }
    s.push(" ORDER BY ");
    match &order {
        Order::Seq => {
            s.push("e.seq ASC");
        }
        Order::Time(col, dir) => {
            let dir = sql_dir(*dir);
            let col = time_column(*col);
            s.push(&format!("{col} {dir}, e.seq {dir}"));
        }
        Order::Field(_, dir) => {
            let dir = sql_dir(*dir);
            s.push(&format!(
                "(f.sn IS NULL), f.sn {dir}, (f.st IS NULL), f.st {dir}, \
                 (f.sx IS NULL), f.sx {dir}, e.seq {dir}"
            ));
        }
    }
    s.push(" LIMIT ").arg(Arg::I64(limit));
    s
}

/// `SELECT COUNT(*)` of at most `cap` matching events (enough to tell whether a query is over
/// its `maxEventCount`).
pub(crate) fn count_capped(q: &EventQuery, viewer: &Viewer, cap: i64, b: Backend) -> Sql {
    let mut s = Sql::new();
    s.push("SELECT COUNT(*) FROM (SELECT e.seq FROM events e WHERE 1 = 1");
    conditions(&mut s, q, viewer, b);
    s.push(" LIMIT ").arg(Arg::I64(cap)).push(") c");
    s
}

/// The events with an eventID that the viewer may see (an event and its error declaration),
/// in capture order.
pub(crate) fn by_id(event_id: &str, viewer: &Viewer, b: Backend) -> Sql {
    let mut s = Sql::new();
    s.push("SELECT ").push(EVENT_COLUMNS);
    s.push(" FROM events e WHERE e.event_id = ")
        .text_arg(event_id);
    visibility(&mut s, viewer, true, b);
    s.push(" ORDER BY e.seq");
    s
}

/// [`by_id`] for several eventIDs (callers keep the list to a few hundred).
pub(crate) fn by_ids(event_ids: &[String], viewer: &Viewer, b: Backend) -> Sql {
    let mut s = Sql::new();
    s.push("SELECT ").push(EVENT_COLUMNS);
    s.push(" FROM events e WHERE e.event_id IN (");
    for (i, id) in event_ids.iter().enumerate() {
        if i > 0 {
            s.push(", ");
        }
        s.text_arg(id);
    }
    s.push(")");
    visibility(&mut s, viewer, true, b);
    s.push(" ORDER BY e.seq");
    s
}

/// Distinct values of a top-level resource that the viewer sees, after `after`.
pub(crate) fn distinct(
    r: Resource,
    viewer: &Viewer,
    after: Option<&str>,
    limit: i64,
    b: Backend,
) -> Sql {
    let mut s = Sql::new();
    let col = match r {
        Resource::EventTypes => "e.event_type",
        Resource::BizSteps => "e.biz_step",
        Resource::Dispositions => "e.disposition",
        Resource::ReadPoints => "e.read_point",
        Resource::BizLocations => "e.biz_location",
        Resource::Epcs => "x.text",
    };
    s.push(&format!("SELECT DISTINCT {col} AS v FROM "));
    if r == Resource::Epcs {
        let kinds = [
            Kind::Epc,
            Kind::Parent,
            Kind::Child,
            Kind::Input,
            Kind::Output,
        ];
        if viewer.sees_all {
            s.push("event_index x WHERE x.k ");
        } else {
            s.push("event_index x JOIN events e ON e.seq = x.seq WHERE x.k ");
        }
        if has_terms(b) {
            // The terms of `event_index_epc`'s WHERE, so that the planner walks it in order.
            s.push(&format!(
                "BETWEEN {} AND {} AND x.name = ''",
                Kind::Epc.code(),
                Kind::Output.code()
            ));
        } else {
            s.push("IN ").list(kinds.iter().map(|k| Arg::I16(k.code())));
            s.push(" AND x.name = ''").push(rows::POSTGRES_TEXT_KINDS);
        }
    } else {
        s.push(&format!("events e WHERE {col} IS NOT NULL"));
    }
    visibility(&mut s, viewer, true, b);
    if let Some(a) = after {
        s.push(&format!(" AND {col} > ")).text_arg(a);
    }
    s.push(&format!(" ORDER BY {col} LIMIT "))
        .arg(Arg::I64(limit));
    s
}

fn sql_dir(d: Direction) -> &'static str {
    match d {
        Direction::Asc => "ASC",
        Direction::Desc => "DESC",
    }
}

/// The store finds every text fact through its term index ([`crate::terms`]), with no B-tree
/// on `event_index.text` but the EPC one.
fn has_terms(b: Backend) -> bool {
    b == Backend::Sqlite
}

fn conditions(s: &mut Sql, q: &EventQuery, viewer: &Viewer, b: Backend) {
    for c in &q.conditions {
        s.push(" AND ");
        condition(s, c, b);
    }
    visibility(s, viewer, !q.conditions.is_empty(), b);
}

/// An event is visible to the organisation that captured it, to organisations named as any
/// source or destination, and to viewers that see everything.
///
/// With other conditions the capturer test is written `+e.captured_by`, which no index can
/// serve: the planner then seeks by the query's own (selective) conditions and checks
/// visibility per row, instead of walking every event of an organisation that captured most
/// of the store in sequence order (35 ms for 50 events of one bizLocation in 100,000, 0.3 ms
/// this way).
fn visibility(s: &mut Sql, viewer: &Viewer, other_conditions: bool, b: Backend) {
    if viewer.sees_all {
        return;
    }
    let column = if other_conditions {
        " AND (+e.captured_by = "
    } else {
        " AND (e.captured_by = "
    };
    s.push(column).arg(Arg::I64(viewer.org.0));
    if !viewer.parties.is_empty() {
        let kinds = [Kind::Source, Kind::Destination].map(Kind::code);
        let parties: Vec<&str> = viewer.parties.iter().map(String::as_str).collect();
        s.push(" OR e.seq IN (SELECT x.seq FROM event_index x WHERE ");
        candidates(s, &finder(b, &kinds, &parties, &[]));
        s.push("x.k IN ").list(kinds.map(Arg::I16));
        if b == Backend::Postgres {
            s.push(rows::POSTGRES_TEXT_KINDS);
        }
        s.push(" AND x.text IN ")
            .list(viewer.parties.iter().map(|p| Arg::Text(p.clone())))
            .push(")");
    }
    s.push(")");
}

fn condition(s: &mut Sql, c: &Condition, b: Backend) {
    match c {
        Condition::In(col, values) => {
            if values.is_empty() {
                s.push("1 = 0");
                return;
            }
            s.push(column(*col)).push(" IN ");
            s.list(values.iter().map(|v| Arg::Text(v.clone())));
        }
        Condition::Time(col, cmp, v) => {
            s.push(time_column(*col))
                .push(" ")
                .push(cmp.sql())
                .push(" ")
                .arg(Arg::I64(*v));
        }
        Condition::Row(t) => row_test(s, t, b),
    }
}

/// Rows strictly after the cursor in the listing's order.
fn keyset(s: &mut Sql, order: &Order, c: &EventCursor) {
    match order {
        Order::Seq => {
            s.push(" AND e.seq > ").arg(Arg::I64(c.s));
        }
        Order::Time(col, dir) => {
            let op = if *dir == Direction::Asc { ">" } else { "<" };
            s.push(&format!(" AND ({}, e.seq) {op} (", time_column(*col)))
                .arg(Arg::I64(c.t.unwrap_or_default()))
                .push(", ")
                .arg(Arg::I64(c.s))
                .push(")");
        }
        Order::Field(_, dir) => {
            // Lexicographic over (sn, st, sx, seq), each key with NULLs last.
            let op = if *dir == Direction::Asc { ">" } else { "<" };
            let keys = [
                ("f.sn", c.n.map(Arg::F64)),
                ("f.st", c.t.map(Arg::I64)),
                ("f.sx", c.x.clone().map(Arg::Text)),
            ];
            s.push(" AND ");
            let mut open = 0;
            for (col, v) in keys {
                match v {
                    None => {
                        s.push(&format!("({col} IS NULL AND "));
                    }
                    Some(v) => {
                        s.push(&format!("(({col} IS NULL OR {col} {op} "))
                            .arg(v.clone())
                            .push(&format!(") OR ({col} = "))
                            .arg(v)
                            .push(" AND ");
                        open += 1;
                    }
                }
                open += 1;
            }
            s.push(&format!("e.seq {op} ")).arg(Arg::I64(c.s));
            s.push(&")".repeat(open));
        }
    }
}
