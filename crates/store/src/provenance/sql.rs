//! The ledger's read SQL, once for both dialects: `$n` placeholders (SQLite reads `$NNN` as the
//! n-th parameter too) and a key test that is `= ANY($1)` on PostgreSQL and an `IN` list on
//! SQLite. Row decoding is shared by [`ledger_decoders`].

use super::Relation;

/// How a statement tests a column against a set of keys.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Keys {
    /// `= ANY($1)`: one array parameter (PostgreSQL).
    Any,
    /// `IN ($1, …, $n)`: `n` parameters (SQLite).
    In(usize),
}

impl Keys {
    pub(crate) fn test(self) -> String {
        match self {
            Keys::Any => "= ANY($1)".to_owned(),
            Keys::In(n) => {
                let marks: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
                format!("IN ({})", marks.join(", "))
            }
        }
    }
}

const LOT_COLS: &str =
    "lot, written, quantity_g, consumed_g, shipped_g, process, stage, created_by, composition_ref";

/// Lot rows by lot, in key order (PostgreSQL locks them in that order).
pub(crate) fn lots(keys: Keys) -> String {
    format!(
        "SELECT {LOT_COLS} FROM prov_lots WHERE lot {} ORDER BY lot",
        keys.test()
    )
}

/// (reference eventID, body) of compositions by reference.
pub(crate) fn compositions(keys: Keys) -> String {
    format!(
        "SELECT e.event_id, c.body FROM prov_compositions c JOIN events e ON e.seq = c.seq \
         WHERE e.event_id {}",
        keys.test()
    )
}

pub(crate) const GARMENT: &str =
    "SELECT epc, written, mass_g, composition_ref, event_id FROM prov_garments WHERE epc = $1";

/// Finding bodies about subjects, in the order they were found.
pub(crate) fn findings(keys: Keys) -> String {
    format!(
        "SELECT body FROM prov_findings WHERE subject {} ORDER BY id",
        keys.test()
    )
}

/// (event, from, to) rows of the edges `rel` follows from the keyed nodes.
pub(crate) fn edges(rel: Relation, keys: Keys) -> String {
    let stem = match rel {
        Relation::InputsOf => {
            "SELECT o.event_id, i.lot, o.node FROM prov_outputs o \
             JOIN prov_inputs i ON i.seq = o.seq WHERE o.node"
        }
        Relation::OutputsOf => {
            "SELECT i.event_id, i.lot, o.node FROM prov_inputs i \
             JOIN prov_outputs o ON o.seq = i.seq WHERE i.lot"
        }
        Relation::ChildrenOf => "SELECT event_id, child, parent FROM prov_containment WHERE parent",
        Relation::ParentsOf => "SELECT event_id, child, parent FROM prov_containment WHERE child",
    };
    format!("{stem} {}", keys.test())
}

/// (node, event, seq) of the events that created or touched the keyed nodes, unordered.
pub(crate) fn node_events(keys: Keys) -> String {
    let test = keys.test();
    format!(
        "SELECT lot, created_by, seq FROM prov_lots WHERE lot {test} \
         UNION ALL SELECT node, event_id, seq FROM prov_touches WHERE node {test}"
    )
}

/// What a dialect's module shares: decoders of the ledger's rows for its row type (`lot_row`,
/// `garment_row`, `household_row`, `soum_row`, columns in the order the statements above
/// select), and the single-key reads `composition` and `garment` over its connection (the
/// module has `compositions(conn, refs)`).
macro_rules! ledger_shared {
    ($row:ty, $conn:ty) => {
        pub(crate) async fn composition(
            conn: &mut $conn,
            reference: &str,
        ) -> $crate::Result<Option<::provenance::Composition>> {
            Ok(compositions(conn, &[reference])
                .await?
                .into_iter()
                .next()
                .map(|(_, c)| c))
        }

        pub(crate) async fn garment(
            conn: &mut $conn,
            key: &str,
        ) -> $crate::Result<Option<::provenance::ledger::Garment>> {
            let row = sqlx::query($crate::provenance::sql::GARMENT)
                .bind(key)
                .fetch_optional(&mut *conn)
                .await?;
            row.as_ref().map(garment_row).transpose()
        }

        fn lot_row(r: &$row) -> $crate::Result<::provenance::ledger::LotState> {
            use sqlx::Row;
            $crate::provenance::lot_state(
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
                r.try_get(4)?,
                r.try_get::<&str, _>(5)?,
                r.try_get::<&str, _>(6)?,
                r.try_get(7)?,
                r.try_get(8)?,
            )
        }

        fn garment_row(r: &$row) -> $crate::Result<::provenance::ledger::Garment> {
            use sqlx::Row;
            $crate::provenance::garment(
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
                r.try_get(4)?,
            )
        }

        fn household_row(r: &$row) -> $crate::Result<::provenance::plausibility::HouseholdSeason> {
            use sqlx::Row;
            Ok(::provenance::plausibility::HouseholdSeason {
                household: r.try_get(0)?,
                season: r.try_get(1)?,
                grams: $crate::provenance::grams(r.try_get(2)?)?,
                goats: $crate::provenance::grams(r.try_get(3)?)?,
                events: $crate::provenance::grams(r.try_get(4)?)?,
            })
        }

        fn soum_row(r: &$row) -> $crate::Result<::provenance::plausibility::SoumSeason> {
            use sqlx::Row;
            Ok(::provenance::plausibility::SoumSeason {
                soum: r.try_get(0)?,
                season: r.try_get(1)?,
                grams: $crate::provenance::grams(r.try_get(2)?)?,
                goats: $crate::provenance::grams(r.try_get(3)?)?,
                households: $crate::provenance::grams(r.try_get(4)?)?,
            })
        }
    };
}
pub(crate) use ledger_shared;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_tests_per_dialect() {
        assert_eq!(Keys::Any.test(), "= ANY($1)");
        assert_eq!(Keys::In(3).test(), "IN ($1, $2, $3)");
        // SQLite binds each key once: both halves of the union name the same parameters.
        assert_eq!(
            node_events(Keys::In(2)),
            "SELECT lot, created_by, seq FROM prov_lots WHERE lot IN ($1, $2) \
             UNION ALL SELECT node, event_id, seq FROM prov_touches WHERE node IN ($1, $2)"
        );
        assert_eq!(
            edges(Relation::ParentsOf, Keys::Any),
            "SELECT event_id, child, parent FROM prov_containment WHERE child = ANY($1)"
        );
    }
}
