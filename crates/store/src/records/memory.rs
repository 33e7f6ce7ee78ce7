//! Records in memory, with the same answers as the SQL stores.

use std::collections::BTreeMap;

use super::{NewRecord, RecordFilter, RecordUpdate, StoredRecord, check_batch};
use crate::{Result, StoreError};

/// The record part of an in-memory store (the caller holds its lock).
#[derive(Debug, Default)]
pub struct MemoryRecords {
    /// (kind, key) → (insertion number, record).
    rows: BTreeMap<(String, String), (u64, StoredRecord)>,
    next: u64,
}

impl MemoryRecords {
    pub fn write(
        &mut self,
        inserts: Vec<NewRecord>,
        updates: Vec<RecordUpdate>,
        at: i64,
    ) -> Result<()> {
        check_batch(&inserts, &updates)?;
        // Check everything first: the batch is all or nothing.
        for r in &inserts {
            if self.rows.contains_key(&(r.kind.clone(), r.key.clone())) {
                return Err(StoreError::DuplicateRecord {
                    kind: r.kind.clone(),
                    key: r.key.clone(),
                });
            }
        }
        for u in &updates {
            match self.rows.get(&(u.kind.clone(), u.key.clone())) {
                Some((_, r)) if r.version == u.version => {}
                _ => {
                    return Err(StoreError::StaleRecord {
                        kind: u.kind.clone(),
                        key: u.key.clone(),
                    });
                }
            }
        }
        for r in inserts {
            self.next += 1;
            let stored = StoredRecord {
                kind: r.kind.clone(),
                key: r.key.clone(),
                parent: r.parent,
                owner: r.owner,
                body: r.body,
                version: 1,
                created_at: at,
                updated_at: at,
            };
            self.rows.insert((r.kind, r.key), (self.next, stored));
        }
        for u in updates {
            if let Some((_, r)) = self.rows.get_mut(&(u.kind, u.key)) {
                r.body = u.body;
                r.version += 1;
                r.updated_at = at;
            }
        }
        Ok(())
    }

    pub fn get(&self, kind: &str, key: &str) -> Option<StoredRecord> {
        self.rows
            .get(&(kind.to_owned(), key.to_owned()))
            .map(|(_, r)| r.clone())
    }

    pub fn list(&self, kind: &str, filter: &RecordFilter) -> Vec<StoredRecord> {
        let mut found: Vec<&(u64, StoredRecord)> = self
            .rows
            .values()
            .filter(|(_, r)| {
                r.kind == kind
                    && filter
                        .parent
                        .as_ref()
                        .is_none_or(|p| r.parent.as_ref() == Some(p))
                    && filter.owner.is_none_or(|o| r.owner == Some(o))
            })
            .collect();
        found.sort_by_key(|(n, _)| *n);
        found.into_iter().map(|(_, r)| r.clone()).collect()
    }
}
