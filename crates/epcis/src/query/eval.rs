//! In-memory evaluation of conditions over an indexed event. The store's SQL builder mirrors
//! each branch here; keep the two in step.

use super::fields::compact_names;
use super::{
    Bound, Column, Condition, FieldValue, IndexRow, IndexedEvent, NameTest, RowPred, RowTest,
    TimeColumn,
};
use crate::Namespaces;

pub(super) fn condition(c: &Condition, e: &IndexedEvent, ns: &Namespaces) -> bool {
    let cols = &e.columns;
    match c {
        Condition::In(col, values) => {
            let v: Option<&str> = match col {
                Column::EventType => Some(cols.event_type.as_str()),
                Column::Action => cols.action,
                Column::BizStep => cols.biz_step.as_deref(),
                Column::Disposition => cols.disposition.as_deref(),
                Column::ReadPoint => cols.read_point.as_deref(),
                Column::BizLocation => cols.biz_location.as_deref(),
                Column::TransformationId => cols.transformation_id.as_deref(),
                Column::EventId => cols.event_id.as_deref(),
            };
            v.is_some_and(|v| values.iter().any(|x| x == v))
        }
        Condition::Time(col, cmp, bound) => {
            let t = match col {
                TimeColumn::EventTime => cols.event_time,
                TimeColumn::RecordTime => cols.record_time,
            };
            t.is_some_and(|t| cmp.test(t, *bound))
        }
        Condition::Row(test) => e.rows.iter().any(|r| row(test, r, ns)),
    }
}

fn row(t: &RowTest, r: &IndexRow, ns: &Namespaces) -> bool {
    if !t.kinds.contains(&r.kind) {
        return false;
    }
    let named = match &t.name {
        None => true,
        Some(NameTest::Is(n)) => r.name == *n,
        Some(NameTest::Compact { prefix, local }) => compact_names(prefix, local, &r.name, ns),
    };
    named && pred(&t.pred, r)
}

fn uom_ok(uom: &Option<String>, r: &IndexRow) -> bool {
    uom.as_ref().is_none_or(|u| r.text.as_deref() == Some(u))
}

fn pred(p: &RowPred, r: &IndexRow) -> bool {
    match p {
        RowPred::Any => true,
        RowPred::Text(ms) => r
            .text
            .as_deref()
            .is_some_and(|t| ms.iter().any(|m| m.test(t))),
        RowPred::Num { cmp, value, uom } => {
            r.num.is_some_and(|n| cmp.test(n, *value)) && uom_ok(uom, r)
        }
        RowPred::NumIn { values, uom } => {
            r.num.is_some_and(|n| values.contains(&n)) && uom_ok(uom, r)
        }
        RowPred::Time { cmp, value } => r.time.is_some_and(|t| cmp.test(t, *value)),
        RowPred::Field(values) => values.iter().any(|v| field_eq(v, r)),
        RowPred::FieldCmp { cmp, bound } => match bound {
            Bound::Num(b) => r.num.is_some_and(|n| cmp.test(n, *b)),
            Bound::Time(b) => r.time.is_some_and(|t| cmp.test(t, *b)),
        },
    }
}

fn field_eq(v: &FieldValue, r: &IndexRow) -> bool {
    let text = matches!((&v.text, &r.text), (Some(a), Some(b)) if a == b);
    let num = matches!((v.num, r.num), (Some(a), Some(b)) if a == b);
    let time = matches!((v.time, r.time), (Some(a), Some(b)) if a == b);
    text || num || time
}
