//! The credentials' SQL, once for both dialects (`$n` placeholders, which both read; sums cast
//! to BIGINT, since PostgreSQL sums bigints as numeric), and [`credentials_shared`], the code
//! over it for a dialect's pool and connection.

/// The columns [`credentials_shared`]'s row decoder reads, in its order.
pub(crate) const COLUMNS: &str =
    "n, id, issuer, kind, subjects, status_index, body, issued_at, revoked_at";

/// Hands out an issuer's next status-list bit: the counter row moves under its own row lock,
/// so two callers never get the same bit.
pub(crate) const NEXT_STATUS_INDEX: &str = "INSERT INTO credential_status_counters \
    (issuer, next_index) VALUES ($1, 1) ON CONFLICT (issuer) DO UPDATE \
    SET next_index = credential_status_counters.next_index + 1 RETURNING next_index - 1";

pub(crate) const INSERT: &str = "INSERT INTO credentials (id, issuer, kind, subjects, \
    status_index, body, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING n";

pub(crate) const INSERT_SUBJECT: &str =
    "INSERT INTO credential_subjects (subject, n) VALUES ($1, $2) ON CONFLICT DO NOTHING";

pub(crate) const INSERT_CLAIM: &str = "INSERT INTO credential_claims \
    (n, lot, standard, grams, limit_grams) VALUES ($1, $2, $3, $4, $5)";

/// Grams claimed on ($1 lot, $2 standard) by unrevoked credentials.
pub(crate) const CLAIMED: &str = "SELECT CAST(COALESCE(SUM(k.grams), 0) AS BIGINT) \
    FROM credential_claims k JOIN credentials c ON c.n = k.n \
    WHERE k.lot = $1 AND k.standard = $2 AND c.revoked_at IS NULL";

/// Revoking again keeps the first time; the row still counts as found.
pub(crate) const REVOKE: &str =
    "UPDATE credentials SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1";

pub(crate) const REVOKED_INDEXES: &str = "SELECT status_index FROM credentials \
    WHERE issuer = $1 AND revoked_at IS NOT NULL ORDER BY status_index";

/// Subjects per `IN` list (well under both dialects' parameter limits).
pub(crate) const SUBJECTS_PER_READ: usize = 500;

pub(crate) fn by_id() -> String {
    format!("SELECT {COLUMNS} FROM credentials WHERE id = $1")
}

pub(crate) fn of_kind() -> String {
    format!("SELECT {COLUMNS} FROM credentials WHERE kind = $1 ORDER BY issued_at, n")
}

/// Credentials naming one of `keys` subjects (`$1` … `$keys`), oldest first.
pub(crate) fn about(keys: usize) -> String {
    let marks: Vec<String> = (1..=keys).map(|i| format!("${i}")).collect();
    format!(
        "SELECT {COLUMNS} FROM credentials WHERE n IN \
         (SELECT n FROM credential_subjects WHERE subject IN ({})) ORDER BY issued_at, n",
        marks.join(", ")
    )
}

/// The credential functions of a dialect module over its pool and connection types: all but
/// the insert's transaction, which the module opens (and locks) its own way before calling
/// `write`.
macro_rules! credentials_shared {
    ($db:ty, $row:ty, $conn:ty) => {
        use $crate::credentials::sql as q;
        use $crate::credentials::{NewCredential, StoredCredential};

        fn credential_row(r: &$row) -> $crate::Result<(i64, StoredCredential)> {
            use sqlx::Row;
            let subjects: String = r.try_get("subjects")?;
            Ok((
                r.try_get("n")?,
                StoredCredential {
                    id: r.try_get("id")?,
                    issuer: $crate::OrgId(r.try_get("issuer")?),
                    kind: r.try_get("kind")?,
                    subjects: $crate::common::json("credential subjects", &subjects)?,
                    status_index: r.try_get("status_index")?,
                    body: r.try_get("body")?,
                    issued_at: r.try_get("issued_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                },
            ))
        }

        pub(crate) async fn next_status_index(
            pool: &sqlx::Pool<$db>,
            issuer: $crate::OrgId,
        ) -> $crate::Result<i64> {
            Ok(sqlx::query_scalar(q::NEXT_STATUS_INDEX)
                .bind(issuer.0)
                .fetch_one(pool)
                .await?)
        }

        /// Stores the credential, its subjects and claims, in the caller's transaction, once
        /// the claims fit; the caller holds the locks of the credential's (lot, standard) pairs.
        async fn write(conn: &mut $conn, c: &NewCredential) -> $crate::Result<()> {
            $crate::credentials::validate_claims(&c.claims)?;
            let subjects = $crate::common::to_json(&c.subjects)?;
            let n: i64 = sqlx::query_scalar(q::INSERT)
                .bind(&c.id)
                .bind(c.issuer.0)
                .bind(&c.kind)
                .bind(&subjects)
                .bind(c.status_index)
                .bind(&c.body)
                .bind(c.issued_at)
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| $crate::credentials::conflict(e, c))?;
            let mut claimed = std::collections::HashMap::new();
            for pair in $crate::credentials::claim_pairs(&c.claims) {
                let g: i64 = sqlx::query_scalar(q::CLAIMED)
                    .bind(pair.0)
                    .bind(pair.1)
                    .fetch_one(&mut *conn)
                    .await?;
                claimed.insert(pair, g);
            }
            $crate::credentials::check_claims(&c.claims, &claimed)?;
            for k in &c.claims {
                sqlx::query(q::INSERT_CLAIM)
                    .bind(n)
                    .bind(&k.lot)
                    .bind(&k.standard)
                    .bind(k.grams)
                    .bind(k.limit_grams)
                    .execute(&mut *conn)
                    .await?;
            }
            for s in &c.subjects {
                sqlx::query(q::INSERT_SUBJECT)
                    .bind(s)
                    .bind(n)
                    .execute(&mut *conn)
                    .await?;
            }
            Ok(())
        }

        pub(crate) async fn get(
            pool: &sqlx::Pool<$db>,
            id: &str,
        ) -> $crate::Result<Option<StoredCredential>> {
            let row = sqlx::query(&q::by_id())
                .bind(id)
                .fetch_optional(pool)
                .await?;
            Ok(row
                .as_ref()
                .map(credential_row)
                .transpose()?
                .map(|(_, c)| c))
        }

        pub(crate) async fn about(
            pool: &sqlx::Pool<$db>,
            subjects: &[String],
        ) -> $crate::Result<Vec<StoredCredential>> {
            let mut found: Vec<(i64, StoredCredential)> = Vec::new();
            let chunks = subjects.chunks(q::SUBJECTS_PER_READ);
            let several = chunks.len() > 1;
            for chunk in chunks {
                let text = q::about(chunk.len());
                let mut query = sqlx::query(&text);
                for s in chunk {
                    query = query.bind(s);
                }
                for r in query.fetch_all(pool).await? {
                    found.push(credential_row(&r)?);
                }
            }
            // One list is deduplicated and ordered by SQL; several are merged here.
            if several {
                found.sort_by_key(|(n, c)| (c.issued_at, *n));
                found.dedup_by_key(|(n, _)| *n);
            }
            Ok(found.into_iter().map(|(_, c)| c).collect())
        }

        pub(crate) async fn of_kind(
            pool: &sqlx::Pool<$db>,
            kind: &str,
        ) -> $crate::Result<Vec<StoredCredential>> {
            let rows = sqlx::query(&q::of_kind())
                .bind(kind)
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|r| credential_row(r).map(|(_, c)| c))
                .collect()
        }

        pub(crate) async fn revoke(
            pool: &sqlx::Pool<$db>,
            id: &str,
            at: i64,
        ) -> $crate::Result<bool> {
            let done = sqlx::query(q::REVOKE)
                .bind(id)
                .bind(at)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() > 0)
        }

        pub(crate) async fn revoked_indexes(
            pool: &sqlx::Pool<$db>,
            issuer: $crate::OrgId,
        ) -> $crate::Result<Vec<i64>> {
            Ok(sqlx::query_scalar(q::REVOKED_INDEXES)
                .bind(issuer.0)
                .fetch_all(pool)
                .await?)
        }

        pub(crate) async fn claimed(
            pool: &sqlx::Pool<$db>,
            lot: &str,
            standard: &str,
        ) -> $crate::Result<i64> {
            Ok(sqlx::query_scalar(q::CLAIMED)
                .bind(lot)
                .bind(standard)
                .fetch_one(pool)
                .await?)
        }
    };
}
pub(crate) use credentials_shared;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_in_one_list() {
        assert_eq!(
            about(2),
            "SELECT n, id, issuer, kind, subjects, status_index, body, issued_at, revoked_at \
             FROM credentials WHERE n IN (SELECT n FROM credential_subjects \
             WHERE subject IN ($1, $2)) ORDER BY issued_at, n"
        );
    }
}
