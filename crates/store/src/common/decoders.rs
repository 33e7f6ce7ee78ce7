//! Row decoders, as a macro over the row type of each backend.

/// Row decoders, the same code for both row types.
macro_rules! row_decoders {
    ($row:ty) => {
        pub(crate) const SUB_COLUMNS: &'static str = "id, query_name, owner, dest, \
            signature_token, schedule, stream, report_if_empty, cursor, created_at";

        fn org_row(r: &$row) -> $crate::Result<$crate::Org> {
            use sqlx::Row;
            let ids: String = r.try_get("identifiers")?;
            Ok($crate::Org {
                id: $crate::OrgId(r.try_get("id")?),
                name: r.try_get("name")?,
                role: $crate::common::parse_role(&r.try_get::<String, _>("role")?)?,
                identifiers: $crate::common::json("organisation identifiers", &ids)?,
                created_at: $crate::common::from_micros(r.try_get("created_at")?)?,
            })
        }

        fn event_row(r: &$row) -> $crate::Result<$crate::StoredEvent> {
            use sqlx::Row;
            let body: String = r.try_get("body")?;
            let ns: String = r.try_get("namespaces")?;
            let event: epcis::Event = $crate::common::json("event", &body)?;
            let stored: String = r.try_get("hash_id")?;
            // Empty when the hash ID is the eventID (`Prepared::stored_hash_id`).
            let hash_id = if stored.is_empty() {
                event.event_id.clone().ok_or_else(|| {
                    $crate::StoreError::Corrupt("a stored event has no eventID".into())
                })?
            } else {
                stored
            };
            Ok($crate::StoredEvent {
                seq: r.try_get("seq")?,
                event,
                hash_id,
                namespaces: $crate::common::json("namespaces", &ns)?,
                captured_by: $crate::OrgId(r.try_get("captured_by")?),
                capture_id: r.try_get("capture_id")?,
            })
        }

        fn job_row(r: &$row) -> $crate::Result<$crate::CaptureJob> {
            use sqlx::Row;
            let errors: String = r.try_get("errors")?;
            let finished: Option<i64> = r.try_get("finished_at")?;
            Ok($crate::CaptureJob {
                id: r.try_get("id")?,
                org: $crate::OrgId(r.try_get("org_id")?),
                mode: $crate::common::parse_mode(&r.try_get::<String, _>("mode")?)?,
                state: $crate::common::parse_state(&r.try_get::<String, _>("state")?)?,
                created_at: $crate::common::from_micros(r.try_get("created_at")?)?,
                finished_at: finished.map($crate::common::from_micros).transpose()?,
                success: r.try_get("success")?,
                captured: r.try_get("captured")?,
                errors: $crate::common::json("capture job errors", &errors)?,
            })
        }

        fn named_row(r: &$row) -> $crate::Result<$crate::NamedQuery> {
            use sqlx::Row;
            let def: String = r.try_get("definition")?;
            Ok($crate::NamedQuery {
                name: r.try_get("name")?,
                owner: $crate::OrgId(r.try_get("owner")?),
                definition: $crate::common::json("query definition", &def)?,
                created_at: $crate::common::from_micros(r.try_get("created_at")?)?,
            })
        }

        fn sub_row(r: &$row) -> $crate::Result<$crate::Subscription> {
            use sqlx::Row;
            let schedule: Option<String> = r.try_get("schedule")?;
            Ok($crate::Subscription {
                id: r.try_get("id")?,
                query_name: r.try_get("query_name")?,
                owner: $crate::OrgId(r.try_get("owner")?),
                dest: r.try_get("dest")?,
                signature_token: r.try_get("signature_token")?,
                schedule: schedule
                    .map(|s| $crate::common::json("subscription schedule", &s))
                    .transpose()?,
                stream: r.try_get("stream")?,
                report_if_empty: r.try_get("report_if_empty")?,
                cursor: r.try_get("cursor")?,
                created_at: $crate::common::from_micros(r.try_get("created_at")?)?,
            })
        }
    };
}
pub(crate) use row_decoders;
