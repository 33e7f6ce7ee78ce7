//! The records' SQL, once for both dialects, and [`records_shared`], the code over it.

pub(crate) const COLUMNS: &str = "kind, key, parent, owner, body, version, created_at, updated_at";

pub(crate) const INSERT: &str = "INSERT INTO records \
    (kind, key, parent, owner, body, version, created_at, updated_at) \
    VALUES ($1, $2, $3, $4, $5, 1, $6, $6)";

pub(crate) const UPDATE: &str = "UPDATE records SET body = $4, version = version + 1, \
    updated_at = $5 WHERE kind = $1 AND key = $2 AND version = $3";

pub(crate) fn get() -> String {
    format!("SELECT {COLUMNS} FROM records WHERE kind = $1 AND key = $2")
}

/// `$1` kind, `$2` … `${n+1}` the keys.
pub(crate) fn get_many(n: usize) -> String {
    let keys = (2..n + 2)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("SELECT {COLUMNS} FROM records WHERE kind = $1 AND key IN ({keys})")
}

/// Keys per statement of [`get_many`].
pub(crate) const GET_MANY_CHUNK: usize = 500;

/// `$1` kind, then `$2` parent and/or owner as asked.
pub(crate) fn list(parent: bool, owner: bool) -> String {
    let mut sql = format!("SELECT {COLUMNS} FROM records WHERE kind = $1");
    let mut n = 1;
    if parent {
        n += 1;
        sql.push_str(&format!(" AND parent = ${n}"));
    }
    if owner {
        n += 1;
        sql.push_str(&format!(" AND owner = ${n}"));
    }
    sql.push_str(" ORDER BY n");
    sql
}

macro_rules! records_shared {
    ($db:ty, $row:ty, $conn:ty) => {
        use $crate::records::sql as q;
        use $crate::records::{NewRecord, RecordFilter, RecordUpdate, StoredRecord};

        fn record_row(r: &$row) -> $crate::Result<StoredRecord> {
            use sqlx::Row;
            let owner: Option<i64> = r.try_get("owner")?;
            Ok(StoredRecord {
                kind: r.try_get("kind")?,
                key: r.try_get("key")?,
                parent: r.try_get("parent")?,
                owner: owner.map($crate::OrgId),
                body: r.try_get("body")?,
                version: r.try_get("version")?,
                created_at: r.try_get("created_at")?,
                updated_at: r.try_get("updated_at")?,
            })
        }

        /// Writes the batch in the caller's transaction.
        async fn write(
            conn: &mut $conn,
            inserts: &[NewRecord],
            updates: &[RecordUpdate],
            at: i64,
        ) -> $crate::Result<()> {
            $crate::records::check_batch(inserts, updates)?;
            for r in inserts {
                sqlx::query(q::INSERT)
                    .bind(&r.kind)
                    .bind(&r.key)
                    .bind(&r.parent)
                    .bind(r.owner.map(|o| o.0))
                    .bind(&r.body)
                    .bind(at)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| $crate::records::conflict(e, r))?;
            }
            for u in updates {
                let done = sqlx::query(q::UPDATE)
                    .bind(&u.kind)
                    .bind(&u.key)
                    .bind(u.version)
                    .bind(&u.body)
                    .bind(at)
                    .execute(&mut *conn)
                    .await?;
                if done.rows_affected() != 1 {
                    return Err($crate::StoreError::StaleRecord {
                        kind: u.kind.clone(),
                        key: u.key.clone(),
                    });
                }
            }
            Ok(())
        }

        pub(crate) async fn get(
            pool: &sqlx::Pool<$db>,
            kind: &str,
            key: &str,
        ) -> $crate::Result<Option<StoredRecord>> {
            let row = sqlx::query(&q::get())
                .bind(kind)
                .bind(key)
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(record_row).transpose()
        }

        pub(crate) async fn get_many(
            pool: &sqlx::Pool<$db>,
            kind: &str,
            keys: &[String],
        ) -> $crate::Result<Vec<StoredRecord>> {
            let mut found = std::collections::HashMap::with_capacity(keys.len());
            for chunk in keys.chunks(q::GET_MANY_CHUNK) {
                let sql = q::get_many(chunk.len());
                let mut query = sqlx::query(&sql).bind(kind);
                for k in chunk {
                    query = query.bind(k);
                }
                for row in query.fetch_all(pool).await? {
                    let r = record_row(&row)?;
                    found.insert(r.key.clone(), r);
                }
            }
            Ok(keys.iter().filter_map(|k| found.remove(k)).collect())
        }

        pub(crate) async fn list(
            pool: &sqlx::Pool<$db>,
            kind: &str,
            filter: &RecordFilter,
        ) -> $crate::Result<Vec<StoredRecord>> {
            let sql = q::list(filter.parent.is_some(), filter.owner.is_some());
            let mut query = sqlx::query(&sql).bind(kind);
            if let Some(p) = &filter.parent {
                query = query.bind(p);
            }
            if let Some(o) = filter.owner {
                query = query.bind(o.0);
            }
            query
                .fetch_all(pool)
                .await?
                .iter()
                .map(record_row)
                .collect()
        }
    };
}

pub(crate) use records_shared;
