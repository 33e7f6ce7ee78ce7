//! Verifiable credentials (W3C VCs issued by labs and certifiers): the signed JSON, what it is
//! about, its bit in the issuer's revocation status list, and the certified mass a transaction
//! certificate claims against lots.
//!
//! The claim check is the same everywhere ([`check_claims`]): a credential is refused when one
//! of its claims would take the unrevoked claims on its (lot, standard) past that claim's limit.
//! It runs in the inserting transaction, with the (lot, standard) pairs locked: SQLite has one
//! writer (`BEGIN IMMEDIATE`), PostgreSQL takes a transaction advisory lock per pair
//! ([`lock_key`]), so two processes never both fit into the same remaining mass.

mod memory;
pub(crate) mod postgres;
mod sql;
pub(crate) mod sqlite;

pub use memory::MemoryCredentials;

use std::collections::{BTreeSet, HashMap};

use crate::{OrgId, Result, StoreError};

/// A credential to store (its JSON is already signed).
#[derive(Debug, Clone, PartialEq)]
pub struct NewCredential {
    /// The credential's id (a URL), unique.
    pub id: String,
    /// The issuing organisation.
    pub issuer: OrgId,
    /// `"quality"` | `"scope"` | `"transaction"` (free text, indexed).
    pub kind: String,
    /// What it is about: lot URIs, organisation ids/DIDs, event ids (indexed, any number).
    pub subjects: Vec<String>,
    /// Its bit in the issuer's revocation status list (from `Store::next_status_index`); one
    /// credential per bit and issuer.
    pub status_index: i64,
    /// The signed credential JSON.
    pub body: String,
    /// µs since the Unix epoch.
    pub issued_at: i64,
    /// Certified mass claimed against lots (transaction certificates), may be empty.
    pub claims: Vec<Claim>,
}

/// Certified mass a transaction certificate claims against a lot under a standard.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// The lot (its URI).
    pub lot: String,
    /// The standard the mass is certified under (e.g. `SFA`).
    pub standard: String,
    /// Grams claimed (not negative).
    pub grams: i64,
    /// The most the unrevoked claims on (lot, standard) may add up to, this one included.
    pub limit_grams: i64,
}

/// A stored credential.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCredential {
    /// The credential's id (a URL).
    pub id: String,
    /// The issuing organisation.
    pub issuer: OrgId,
    /// `"quality"` | `"scope"` | `"transaction"` (free text).
    pub kind: String,
    /// What it is about, as given when it was stored.
    pub subjects: Vec<String>,
    /// Its bit in the issuer's revocation status list.
    pub status_index: i64,
    /// The signed credential JSON.
    pub body: String,
    /// µs since the Unix epoch.
    pub issued_at: i64,
    /// When it was (first) revoked, µs since the Unix epoch.
    pub revoked_at: Option<i64>,
}

impl StoredCredential {
    /// The stored form of a new credential.
    pub fn of(c: &NewCredential) -> StoredCredential {
        StoredCredential {
            id: c.id.clone(),
            issuer: c.issuer,
            kind: c.kind.clone(),
            subjects: c.subjects.clone(),
            status_index: c.status_index,
            body: c.body.clone(),
            issued_at: c.issued_at,
            revoked_at: None,
        }
    }
}

/// Grams as kilograms with 3 decimals (`12500` → `12.500 kg`), exact for any integer.
pub(crate) fn kg(grams: i64) -> String {
    let sign = if grams < 0 { "-" } else { "" };
    let g = grams.unsigned_abs();
    format!("{sign}{}.{:03} kg", g / 1000, g % 1000)
}

/// The distinct (lot, standard) pairs the claims name, sorted.
pub(crate) fn claim_pairs(claims: &[Claim]) -> Vec<(&str, &str)> {
    let pairs: BTreeSet<(&str, &str)> = claims
        .iter()
        .map(|c| (c.lot.as_str(), c.standard.as_str()))
        .collect();
    pairs.into_iter().collect()
}

/// Refuses a negative claim before anything is read (it would free certified mass).
pub(crate) fn validate_claims(claims: &[Claim]) -> Result<()> {
    match claims.iter().find(|c| c.grams < 0) {
        Some(c) => Err(StoreError::InvalidClaim {
            lot: c.lot.clone(),
            standard: c.standard.clone(),
            grams: c.grams,
        }),
        None => Ok(()),
    }
}

/// Checks the claims of one credential in order against what is `claimed` already on each
/// pair (missing = 0). A claim's "already claimed" includes the earlier claims of the same
/// credential on its pair.
pub(crate) fn check_claims(claims: &[Claim], claimed: &HashMap<(&str, &str), i64>) -> Result<()> {
    validate_claims(claims)?;
    let mut running: HashMap<(&str, &str), i64> = HashMap::new();
    for c in claims {
        let pair = (c.lot.as_str(), c.standard.as_str());
        let before = *running
            .entry(pair)
            .or_insert_with(|| claimed.get(&pair).copied().unwrap_or(0));
        let after = i128::from(before) + i128::from(c.grams);
        if after > i128::from(c.limit_grams) {
            return Err(StoreError::OverClaim {
                lot: c.lot.clone(),
                standard: c.standard.clone(),
                limit_grams: c.limit_grams,
                claimed_grams: before,
                asked_grams: c.grams,
            });
        }
        running.insert(pair, before.saturating_add(c.grams));
    }
    Ok(())
}

/// The PostgreSQL advisory lock of a (lot, standard) pair: a fixed class (the two-key form,
/// apart from sqlx's one-key migration lock) and a 32-bit FNV-1a hash. Pairs that collide only
/// wait for each other.
pub(crate) fn lock_key(lot: &str, standard: &str) -> (i32, i32) {
    /// "VC" + 1: the class of claim locks.
    const CLASS: i32 = 0x5643_0001;
    let mut h: u32 = 0x811c_9dc5;
    // The separator keeps ("ab", "c") and ("a", "bc") apart.
    for b in lot.bytes().chain([0x1f]).chain(standard.bytes()) {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (CLASS, i32::from_ne_bytes(h.to_ne_bytes()))
}

/// Maps a unique violation on the credentials table to the duplicate id or the reused
/// status-list bit (the index is named `credentials_status_bit`; SQLite names its columns).
pub(crate) fn conflict(e: sqlx::Error, c: &NewCredential) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        let status = db.constraint() == Some("credentials_status_bit")
            || db.message().contains("status_index")
            || db.message().contains("credentials_status_bit");
        if status {
            return StoreError::AlreadyExists {
                what: "credential status index",
                name: format!("{} of issuer {}", c.status_index, c.issuer.0),
            };
        }
        return StoreError::DuplicateCredential(c.id.clone());
    }
    StoreError::Database(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(lot: &str, grams: i64, limit: i64) -> Claim {
        Claim {
            lot: lot.into(),
            standard: "SFA".into(),
            grams,
            limit_grams: limit,
        }
    }

    #[test]
    fn kilograms() {
        assert_eq!(kg(12_500), "12.500 kg");
        assert_eq!(kg(0), "0.000 kg");
        assert_eq!(kg(7), "0.007 kg");
        assert_eq!(kg(-500), "-0.500 kg");
        assert_eq!(kg(i64::MIN), "-9223372036854775.808 kg");
    }

    #[test]
    fn over_claim_message_names_everything() {
        let e = StoreError::OverClaim {
            lot: "X".into(),
            standard: "SFA".into(),
            limit_grams: 12_500,
            claimed_grams: 10_000,
            asked_grams: 3_000,
        };
        assert_eq!(
            e.to_string(),
            "lot X under SFA: 12.500 kg certified, 10.000 kg already claimed, 3.000 kg asked"
        );
    }

    #[test]
    fn claims_of_one_credential_add_up() {
        let none = HashMap::new();
        assert!(check_claims(&[claim("a", 5, 10), claim("a", 5, 10)], &none).is_ok());
        match check_claims(
            &[claim("a", 6, 10), claim("b", 9, 10), claim("a", 5, 10)],
            &none,
        ) {
            Err(StoreError::OverClaim {
                lot,
                claimed_grams: 6,
                asked_grams: 5,
                limit_grams: 10,
                ..
            }) => assert_eq!(lot, "a"),
            other => panic!("{other:?}"),
        }
        let mut before = HashMap::new();
        before.insert(("a", "SFA"), 10);
        assert!(check_claims(&[claim("a", 0, 10)], &before).is_ok());
        assert!(check_claims(&[claim("a", 1, 10)], &before).is_err());
        assert!(check_claims(&[claim("a", i64::MAX, i64::MAX)], &before).is_err());
        assert!(matches!(
            check_claims(&[claim("a", -1, 10)], &none),
            Err(StoreError::InvalidClaim { grams: -1, .. })
        ));
    }

    #[test]
    fn pairs_sorted_once_and_keys_apart() {
        let cs = [claim("b", 1, 1), claim("a", 1, 1), claim("b", 2, 2)];
        assert_eq!(claim_pairs(&cs), [("a", "SFA"), ("b", "SFA")]);
        assert_eq!(lock_key("lot", "SFA"), lock_key("lot", "SFA"));
        assert_ne!(lock_key("ab", "c"), lock_key("a", "bc"));
    }
}
