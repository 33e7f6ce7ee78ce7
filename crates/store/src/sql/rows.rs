//! The tests on an event's rows in `event_index` (`Condition::Row`), and how the events that
//! hold a text are found: through the term index ([`crate::terms`]) or the B-trees.

use epcis::query::{Bound, Cmp, FieldValue, Kind, NameTest, RowPred, RowTest, TextMatch};

use super::{Arg, Sql};
use crate::Backend;

pub(super) fn row_test(s: &mut Sql, t: &RowTest, b: Backend) {
    s.push("e.seq IN (");
    match &t.pred {
        RowPred::Text(ms) => text_rows(s, t, ms, b),
        RowPred::Field(values) => field_rows(s, t, values, b),
        p => {
            rows_of(s, t, &Finder::Rows);
            if matches!(p, RowPred::Any) {
                partial_index_terms(s, t, b, true);
            }
            pred(s, p);
        }
    }
    s.push(")");
}

/// The WHERE of SQLite's partial index `event_index_kind` (migration 0011), word for word:
/// a planner uses a partial index only for a query whose WHERE contains the index's own terms.
/// Only the kinds an `EXISTS_` parameter can name have entries ([`sqlite_exists_indexed`]).
const SQLITE_EXISTS_KINDS: &str = " AND (x.k = 30 OR x.k = 40 OR x.k >= 70)";

/// The WHERE of PostgreSQL's partial index `event_index_text` (migration 0009), word for word:
/// the kinds whose text no query looks up ([`text_looked_up`]), and 10, the retired quantity
/// rows (migration 0011 folded them into the class rows; the index keeps its WHERE so that
/// it need not be rebuilt).
pub(super) const POSTGRES_TEXT_KINDS: &str =
    " AND x.k NOT IN (10, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60)";

/// Whether SQLite's `event_index_kind` holds the rows of kind `k`.
fn sqlite_exists_indexed(k: Kind) -> bool {
    matches!(k, Kind::ErrorDeclaration | Kind::SensorElements) || k.code() >= Kind::Field.code()
}

/// Whether a query ever looks rows of kind `k` up by their text, so that the text indexes
/// (PostgreSQL's `event_index_text`, SQLite's term index) need them. Not quantities and sensor
/// values: their text is the unit, tested only beside the number, through `event_index_num`;
/// not the percentile rank and the sensor times, which have no text.
pub(crate) fn text_looked_up(k: Kind) -> bool {
    !matches!(
        k,
        Kind::SensorValue
            | Kind::SensorMinValue
            | Kind::SensorMaxValue
            | Kind::SensorMeanValue
            | Kind::SensorSDev
            | Kind::SensorPercValue
            | Kind::SensorPercRank
            | Kind::SensorTime
            | Kind::SensorStartTime
            | Kind::SensorEndTime
    )
}

/// Repeats the WHERE of the partial index that serves a row test (`exists`: an `EXISTS_`
/// test; otherwise a text test), so that the planner may use it: SQLite's
/// `event_index_kind` for `EXISTS_`, PostgreSQL's `event_index_text` for both. Only when
/// every kind of the test has entries in that index: a kind left out would lose its rows,
/// while without the terms the planner merely finds another way.
fn partial_index_terms(s: &mut Sql, t: &RowTest, b: Backend, exists: bool) {
    let (terms, indexed): (&str, fn(Kind) -> bool) = match b {
        Backend::Sqlite if exists => (SQLITE_EXISTS_KINDS, sqlite_exists_indexed),
        Backend::Sqlite => return,
        Backend::Postgres => (POSTGRES_TEXT_KINDS, text_looked_up),
    };
    if t.kinds.iter().all(|k| indexed(*k)) {
        s.push(terms);
    }
}

/// How the events holding given texts are found ([`crate::terms`]).
pub(super) enum Finder {
    /// No event can hold them.
    Nothing,
    /// SQLite: an FTS5 query over `event_terms`.
    Fts(String),
    /// The B-tree indexes of `event_index` (PostgreSQL's `event_index_text`).
    Rows,
}

pub(super) fn finder(b: Backend, kinds: &[i16], equal: &[&str], prefixes: &[&str]) -> Finder {
    // The term index has no tokens for kinds whose text nothing looks up: a test on one would
    // find no candidates, so it reads the rows themselves (slowly, but right).
    let all_terms = kinds
        .iter()
        .all(|k| Kind::from_code(*k).is_some_and(text_looked_up));
    match b {
        Backend::Sqlite if !all_terms => Finder::Rows,
        Backend::Sqlite => match crate::terms::match_expression(kinds, equal, prefixes) {
            Some(m) => Finder::Fts(m),
            None => Finder::Nothing,
        },
        // Measured: a GIN index of the same tokens made PostgreSQL's capture slower, not
        // faster (BENCHMARKS.md, sixth session), so PostgreSQL keeps its B-tree on the text.
        Backend::Postgres => Finder::Rows,
    }
}

/// `x.seq IN (the events the finder names) AND +`: the candidates, read before the event's
/// rows (the `+` on the kind that follows keeps the planner from seeking by kind instead).
pub(super) fn candidates(s: &mut Sql, f: &Finder) {
    if let Finder::Fts(m) = f {
        s.push("x.seq IN (SELECT rowid FROM event_terms WHERE event_terms MATCH ")
            .arg(Arg::Text(m.clone()))
            .push(") AND +");
    }
}

/// `SELECT x.seq FROM event_index x WHERE` the row is of the test's kinds and name, among the
/// finder's candidates.
fn rows_of(s: &mut Sql, t: &RowTest, f: &Finder) {
    s.push("SELECT x.seq FROM event_index x WHERE ");
    candidates(s, f);
    s.push("x.k");
    if let [k] = t.kinds.as_slice() {
        s.push(" = ").arg(Arg::I16(k.code()));
    } else {
        s.push(" IN ")
            .list(t.kinds.iter().map(|k| Arg::I16(k.code())));
    }
    if let Some(n) = &t.name {
        name_test(s, n);
    }
}

fn codes(t: &RowTest) -> Vec<i16> {
    t.kinds.iter().map(|k| k.code()).collect()
}

const NO_ROWS: &str = "SELECT x.seq FROM event_index x WHERE 1 = 0";

/// Text equality and prefix tests: the candidates, then the rows themselves.
fn text_rows(s: &mut Sql, t: &RowTest, ms: &[TextMatch], b: Backend) {
    let mut equal = Vec::new();
    let mut prefixes = Vec::new();
    for m in ms {
        match m {
            TextMatch::Eq(v) => equal.push(v.as_str()),
            TextMatch::Prefix(p) => prefixes.push(p.as_str()),
        }
    }
    match finder(b, &codes(t), &equal, &prefixes) {
        Finder::Nothing => {
            s.push(NO_ROWS);
        }
        f => {
            rows_of(s, t, &f);
            partial_index_terms(s, t, b, false);
            s.push(" AND ");
            text_matches(s, ms);
        }
    }
}

/// Field equality: the text values through their finder, the numbers and times through their
/// own indexes, one `SELECT` each.
fn field_rows(s: &mut Sql, t: &RowTest, values: &[FieldValue], b: Backend) {
    let texts: Vec<&str> = values.iter().filter_map(|v| v.text.as_deref()).collect();
    let nums: Vec<Arg> = values.iter().filter_map(|v| v.num.map(Arg::F64)).collect();
    let times: Vec<Arg> = values.iter().filter_map(|v| v.time.map(Arg::I64)).collect();
    let mut parts = 0;
    let texts_finder = if texts.is_empty() {
        Finder::Nothing
    } else {
        finder(b, &codes(t), &texts, &[])
    };
    if !matches!(texts_finder, Finder::Nothing) {
        rows_of(s, t, &texts_finder);
        partial_index_terms(s, t, b, false);
        s.push(" AND x.text IN ")
            .list(texts.iter().map(|v| Arg::Text((*v).to_owned())));
        parts += 1;
    }
    for (col, list) in [("x.num", nums), ("x.time", times)] {
        if list.is_empty() {
            continue;
        }
        if parts > 0 {
            s.push(" UNION ALL ");
        }
        rows_of(s, t, &Finder::Rows);
        s.push(&format!(" AND {col} IS NOT NULL AND {col} IN "))
            .list(list);
        parts += 1;
    }
    if parts == 0 {
        s.push(NO_ROWS);
    }
}

pub(super) fn name_test(s: &mut Sql, n: &NameTest) {
    match n {
        NameTest::Is(name) => {
            s.push(" AND x.name = ").text_arg(name);
        }
        NameTest::Compact { prefix, local } => {
            s.push(" AND (x.name = ")
                .text_arg(&format!("{prefix}:{local}"))
                .push(" OR x.name IN (SELECT p.ns || ")
                .text_arg(local)
                .push(" FROM ns_prefixes p WHERE p.prefix = ")
                .text_arg(prefix)
                .push("))");
        }
    }
}

fn cmp_value(s: &mut Sql, col: &str, cmp: Cmp, a: Arg) {
    s.push(&format!(" AND {col} IS NOT NULL AND {col} {} ", cmp.sql()))
        .arg(a);
}

fn uom(s: &mut Sql, uom: &Option<String>) {
    if let Some(u) = uom {
        s.push(" AND x.text = ").text_arg(u);
    }
}

fn pred(s: &mut Sql, p: &RowPred) {
    match p {
        RowPred::Any => {}
        RowPred::Text(ms) => {
            s.push(" AND ");
            text_matches(s, ms);
        }
        RowPred::Num { cmp, value, uom: u } => {
            cmp_value(s, "x.num", *cmp, Arg::F64(*value));
            uom(s, u);
        }
        RowPred::NumIn { values, uom: u } => {
            s.push(" AND x.num IS NOT NULL AND x.num IN ")
                .list(values.iter().map(|v| Arg::F64(*v)));
            uom(s, u);
        }
        RowPred::Time { cmp, value } => cmp_value(s, "x.time", *cmp, Arg::I64(*value)),
        RowPred::Field(values) => {
            s.push(" AND ");
            field_values(s, values);
        }
        RowPred::FieldCmp { cmp, bound } => match bound {
            Bound::Num(v) => cmp_value(s, "x.num", *cmp, Arg::F64(*v)),
            Bound::Time(v) => cmp_value(s, "x.time", *cmp, Arg::I64(*v)),
        },
    }
}

/// `(x.text IN (…) OR (x.text >= lo AND x.text < hi) OR …)`.
fn text_matches(s: &mut Sql, ms: &[TextMatch]) {
    let eqs: Vec<Arg> = ms
        .iter()
        .filter_map(|m| match m {
            TextMatch::Eq(v) => Some(Arg::Text(v.clone())),
            TextMatch::Prefix(_) => None,
        })
        .collect();
    let mut parts = 0;
    s.push("(");
    if !eqs.is_empty() {
        s.push("x.text IN ").list(eqs);
        parts += 1;
    }
    for m in ms {
        if let TextMatch::Prefix(p) = m {
            if parts > 0 {
                s.push(" OR ");
            }
            let (lo, hi) = TextMatch::prefix_range(p);
            s.push("(x.text >= ").arg(Arg::Text(lo));
            if let Some(hi) = hi {
                s.push(" AND x.text < ").arg(Arg::Text(hi));
            }
            s.push(")");
            parts += 1;
        }
    }
    if parts == 0 {
        s.push("1 = 0");
    }
    s.push(")");
}

fn field_values(s: &mut Sql, values: &[FieldValue]) {
    let texts: Vec<Arg> = values
        .iter()
        .filter_map(|v| v.text.clone().map(Arg::Text))
        .collect();
    let nums: Vec<Arg> = values.iter().filter_map(|v| v.num.map(Arg::F64)).collect();
    let times: Vec<Arg> = values.iter().filter_map(|v| v.time.map(Arg::I64)).collect();
    let mut parts = 0;
    s.push("(");
    for (col, list) in [("x.text", texts), ("x.num", nums), ("x.time", times)] {
        if list.is_empty() {
            continue;
        }
        if parts > 0 {
            s.push(" OR ");
        }
        s.push(&format!("({col} IS NOT NULL AND {col} IN "))
            .list(list)
            .push(")");
        parts += 1;
    }
    if parts == 0 {
        s.push("1 = 0");
    }
    s.push(")");
}

#[cfg(test)]
mod tests {
    use epcis::query::{Condition, EventQuery, Kind, RowPred};

    use super::{POSTGRES_TEXT_KINDS, SQLITE_EXISTS_KINDS, sqlite_exists_indexed, text_looked_up};

    /// Every kind an `EXISTS_` parameter can name has entries in SQLite's partial
    /// `event_index_kind`; a kind left out would make its `EXISTS_` find nothing.
    #[test]
    fn exists_parameters_name_only_indexed_kinds() {
        let mut names = vec![
            "EXISTS_errorDeclaration".to_owned(),
            "EXISTS_sensorElementList".to_owned(),
        ];
        for inner in ["", "INNER_"] {
            for scope in [
                "",
                "ILMD_",
                "ERROR_DECLARATION_",
                "SENSORELEMENT_",
                "SENSORMETADATA_",
                "SENSORREPORT_",
                "readPoint_",
                "bizLocation_",
            ] {
                names.push(format!("EXISTS_{inner}{scope}https://ns.example.com/voc#f"));
                names.push(format!("EXISTS_{inner}{scope}ex:f"));
            }
        }
        let mut seen = 0;
        for name in names {
            let q = EventQuery::from_pairs(&[(name.clone(), String::new())])
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            for c in &q.conditions {
                if let Condition::Row(t) = c
                    && t.pred == RowPred::Any
                {
                    seen += 1;
                    for k in &t.kinds {
                        assert!(sqlite_exists_indexed(*k), "{name} asks for {k:?}");
                    }
                }
            }
        }
        assert_eq!(seen, 34, "every EXISTS_ parameter is a row test");
    }

    /// A text test on a kind the term index has no tokens for reads the rows themselves
    /// instead of finding no candidates.
    #[test]
    fn kinds_without_terms_are_found_through_their_rows() {
        use super::{Finder, finder};
        use crate::Backend;
        let value = Kind::SensorValue.code();
        let epc = Kind::Epc.code();
        assert!(matches!(
            finder(Backend::Sqlite, &[epc], &["a"], &[]),
            Finder::Fts(_)
        ));
        for kinds in [vec![value], vec![epc, value], vec![999]] {
            assert!(matches!(
                finder(Backend::Sqlite, &kinds, &["KGM"], &[]),
                Finder::Rows
            ));
        }
    }

    /// The terms the builder repeats are the WHERE of the migrations' partial indexes, and
    /// name exactly the kinds the `…_indexed` functions say have entries.
    #[test]
    fn partial_index_terms_agree_with_the_migrations() {
        let codes = |f: fn(Kind) -> bool, has: bool| -> Vec<i16> {
            Kind::ALL
                .iter()
                .filter(|k| f(**k) == has)
                .map(|k| k.code())
                .collect()
        };
        let sqlite = codes(sqlite_exists_indexed, true);
        assert_eq!(
            SQLITE_EXISTS_KINDS,
            format!(
                " AND (x.k = {} OR x.k = {} OR x.k >= {})",
                sqlite[0], sqlite[1], sqlite[2]
            )
        );
        assert!(sqlite[2..].iter().all(|c| *c >= Kind::Field.code()));
        assert_eq!(
            sqlite.len(),
            2 + Kind::ALL.iter().filter(|k| k.code() >= 70).count()
        );
        let retired_quantity_rows: i16 = 10;
        let left_out = std::iter::once(retired_quantity_rows)
            .chain(codes(text_looked_up, false))
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        assert_eq!(POSTGRES_TEXT_KINDS, format!(" AND x.k NOT IN ({left_out})"));
        for (terms, migration) in [
            (
                &SQLITE_EXISTS_KINDS[6..SQLITE_EXISTS_KINDS.len() - 1],
                include_str!("../../migrations/sqlite/0011_event_index_kind_partial.sql"),
            ),
            (
                &POSTGRES_TEXT_KINDS[5..],
                include_str!("../../migrations/postgres/0009_event_index_text_partial.sql"),
            ),
        ] {
            let index_where = terms.replace("x.", "");
            assert!(
                migration.contains(&format!("WHERE {index_where};")),
                "the migration's WHERE is not {index_where}"
            );
        }
    }
}
