//! Credentials held in memory, for stores without SQL (the app's `MemoryStore`, which holds
//! this behind its lock, so each call is atomic). Same rules as the SQL stores.

use std::collections::{HashMap, HashSet};

use super::{Claim, NewCredential, StoredCredential, check_claims, claim_pairs};
use crate::{OrgId, Result, StoreError};

/// Credentials, their claims and the issuers' status-list counters.
#[derive(Debug, Default)]
pub struct MemoryCredentials {
    /// In insertion order.
    stored: Vec<StoredCredential>,
    by_id: HashMap<String, usize>,
    /// Claims with the position of their credential.
    claims: Vec<(usize, Claim)>,
    next_index: HashMap<OrgId, i64>,
}

impl MemoryCredentials {
    pub fn new() -> MemoryCredentials {
        MemoryCredentials::default()
    }

    /// See `Store::next_status_index`.
    pub fn next_status_index(&mut self, issuer: OrgId) -> i64 {
        let next = self.next_index.entry(issuer).or_insert(0);
        let bit = *next;
        *next += 1;
        bit
    }

    /// See `Store::insert_credential`.
    pub fn insert(&mut self, c: NewCredential) -> Result<()> {
        if self.by_id.contains_key(&c.id) {
            return Err(StoreError::DuplicateCredential(c.id));
        }
        if self
            .stored
            .iter()
            .any(|s| s.issuer == c.issuer && s.status_index == c.status_index)
        {
            return Err(StoreError::AlreadyExists {
                what: "credential status index",
                name: format!("{} of issuer {}", c.status_index, c.issuer.0),
            });
        }
        let claimed: HashMap<(&str, &str), i64> = claim_pairs(&c.claims)
            .into_iter()
            .map(|(lot, standard)| ((lot, standard), self.claimed_grams(lot, standard)))
            .collect();
        check_claims(&c.claims, &claimed)?;
        let pos = self.stored.len();
        self.stored.push(StoredCredential::of(&c));
        self.by_id.insert(c.id, pos);
        self.claims
            .extend(c.claims.into_iter().map(|claim| (pos, claim)));
        Ok(())
    }

    /// See `Store::get_credential`.
    pub fn get(&self, id: &str) -> Option<StoredCredential> {
        self.by_id.get(id).map(|&i| self.stored[i].clone())
    }

    /// See `Store::credentials_about`.
    pub fn about(&self, subjects: &[String]) -> Vec<StoredCredential> {
        let wanted: HashSet<&str> = subjects.iter().map(String::as_str).collect();
        self.oldest_first(|c| c.subjects.iter().any(|s| wanted.contains(s.as_str())))
    }

    /// See `Store::credentials_of_kind`.
    pub fn of_kind(&self, kind: &str) -> Vec<StoredCredential> {
        self.oldest_first(|c| c.kind == kind)
    }

    /// See `Store::revoke_credential`.
    pub fn revoke(&mut self, id: &str, at: i64) -> bool {
        match self.by_id.get(id) {
            Some(&i) => {
                self.stored[i].revoked_at.get_or_insert(at);
                true
            }
            None => false,
        }
    }

    /// See `Store::revoked_status_indexes`.
    pub fn revoked_status_indexes(&self, issuer: OrgId) -> Vec<i64> {
        let mut bits: Vec<i64> = self
            .stored
            .iter()
            .filter(|c| c.issuer == issuer && c.revoked_at.is_some())
            .map(|c| c.status_index)
            .collect();
        bits.sort_unstable();
        bits
    }

    /// See `Store::claimed_grams`.
    pub fn claimed_grams(&self, lot: &str, standard: &str) -> i64 {
        self.claims
            .iter()
            .filter(|(i, k)| {
                k.lot == lot && k.standard == standard && self.stored[*i].revoked_at.is_none()
            })
            .fold(0i64, |sum, (_, k)| sum.saturating_add(k.grams))
    }

    /// The matching credentials by issue time, ties in insertion order.
    fn oldest_first(&self, keep: impl Fn(&StoredCredential) -> bool) -> Vec<StoredCredential> {
        let mut out: Vec<StoredCredential> =
            self.stored.iter().filter(|c| keep(c)).cloned().collect();
        out.sort_by_key(|c| c.issued_at);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cred(id: &str, issuer: i64, bit: i64, at: i64, claims: Vec<Claim>) -> NewCredential {
        NewCredential {
            id: id.into(),
            issuer: OrgId(issuer),
            kind: "transaction".into(),
            subjects: vec!["lot:1".into(), "lot:1".into(), format!("s:{id}")],
            status_index: bit,
            body: "{}".into(),
            issued_at: at,
            claims,
        }
    }

    fn claim(grams: i64) -> Claim {
        Claim {
            lot: "lot:1".into(),
            standard: "SFA".into(),
            grams,
            limit_grams: 10_000,
        }
    }

    #[test]
    fn the_same_rules_as_the_sql_stores() {
        let mut m = MemoryCredentials::new();
        assert_eq!(m.next_status_index(OrgId(1)), 0);
        assert_eq!(m.next_status_index(OrgId(1)), 1);
        assert_eq!(m.next_status_index(OrgId(2)), 0);
        m.insert(cred("a", 1, 0, 20, vec![claim(6_000)])).unwrap();
        m.insert(cred("b", 1, 1, 10, vec![])).unwrap();
        assert!(matches!(
            m.insert(cred("a", 1, 5, 0, vec![])),
            Err(StoreError::DuplicateCredential(_))
        ));
        assert!(matches!(
            m.insert(cred("c", 1, 1, 0, vec![])),
            Err(StoreError::AlreadyExists { .. })
        ));
        assert!(matches!(
            m.insert(cred("c", 1, 2, 0, vec![claim(4_001)])),
            Err(StoreError::OverClaim {
                claimed_grams: 6_000,
                asked_grams: 4_001,
                ..
            })
        ));
        assert!(m.get("c").is_none());
        let ids = |v: Vec<StoredCredential>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(ids(m.about(&["lot:1".into(), "s:a".into()])), ["b", "a"]);
        assert_eq!(ids(m.of_kind("transaction")), ["b", "a"]);
        assert!(m.revoke("a", 5));
        assert!(m.revoke("a", 9));
        assert!(!m.revoke("zz", 9));
        assert_eq!(m.get("a").unwrap().revoked_at, Some(5));
        assert_eq!(m.revoked_status_indexes(OrgId(1)), [0]);
        assert_eq!(m.claimed_grams("lot:1", "SFA"), 0);
        m.insert(cred("c", 1, 2, 30, vec![claim(10_000)])).unwrap();
        assert_eq!(m.claimed_grams("lot:1", "SFA"), 10_000);
    }
}
