//! Consent, the pure part: a household grants a named lender access to its credit history for
//! a purpose and a period, and may revoke it; every access is logged and the log is the
//! household's to read. No live grant, no data. Storage and HTTP (403) are the caller's.
//!
//! A grant is live on `[from, until)` and, once revoked, only before `revoked_at`: the end
//! instants are exclusive, so a grant revoked "now" refuses a read made at that instant.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A household's grant of access to a lender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub id: String,
    pub household: String,
    pub lender: String,
    /// Why the lender may read, e.g. `loan-assessment`, `loan-monitoring`, `insurance`.
    pub purpose: String,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Why a grant could not be made or revoked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("{0} is empty")]
    Empty(&'static str),
    #[error("until {until} must be after from {from}")]
    Period {
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    },
    #[error("grant {0} is already revoked")]
    AlreadyRevoked(String),
}

impl Grant {
    /// A new grant; checks the names and the period.
    pub fn new(
        id: &str,
        household: &str,
        lender: &str,
        purpose: &str,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Grant, GrantError> {
        for (name, v) in [
            ("id", id),
            ("household", household),
            ("lender", lender),
            ("purpose", purpose),
        ] {
            if v.trim().is_empty() {
                return Err(GrantError::Empty(name));
            }
        }
        if until <= from {
            return Err(GrantError::Period { from, until });
        }
        Ok(Grant {
            id: id.to_owned(),
            household: household.to_owned(),
            lender: lender.to_owned(),
            purpose: purpose.to_owned(),
            from,
            until,
            revoked_at: None,
        })
    }

    /// Whether the grant allows a read at `at`.
    pub fn is_live(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && at < self.until && self.revoked_at.is_none_or(|r| at < r)
    }

    /// Revokes the grant at `at`.
    pub fn revoke(&mut self, at: DateTime<Utc>) -> Result<(), GrantError> {
        if self.revoked_at.is_some() {
            return Err(GrantError::AlreadyRevoked(self.id.clone()));
        }
        self.revoked_at = Some(at);
        Ok(())
    }
}

/// Whether a grant is live on `at` (free-function form).
pub fn is_live(grant: &Grant, at: DateTime<Utc>) -> bool {
    grant.is_live(at)
}

/// Who asks to read a household's credit history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum Reader {
    Household(String),
    Lender(String),
}

/// The answer to a read request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "access", rename_all = "lowercase")]
pub enum Access {
    /// The household reads its own history.
    Owner,
    /// A lender reads under this grant.
    Granted { grant: String, purpose: String },
    /// No live grant: refuse (HTTP 403).
    Denied,
}

/// Decides a read of `household`'s history by `reader` at `at` from the household's grants.
/// Among several live grants the one granted last (latest `from`, then id) is named.
pub fn authorize(household: &str, reader: &Reader, grants: &[Grant], at: DateTime<Utc>) -> Access {
    match reader {
        Reader::Household(id) if id == household => Access::Owner,
        Reader::Household(_) => Access::Denied,
        Reader::Lender(lender) => grants
            .iter()
            .filter(|g| g.household == household && &g.lender == lender && g.is_live(at))
            .max_by(|a, b| a.from.cmp(&b.from).then_with(|| a.id.cmp(&b.id)))
            .map_or(Access::Denied, |g| Access::Granted {
                grant: g.id.clone(),
                purpose: g.purpose.clone(),
            }),
    }
}

/// One read (or refused read) of a household's credit data, shown to the household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLogEntry {
    pub at: DateTime<Utc>,
    pub household: String,
    pub reader: Reader,
    /// What was read: `credit-history`, `credit-report`, `score`.
    pub resource: String,
    pub access: Access,
}

impl AccessLogEntry {
    /// The entry for a decision [`authorize`] made.
    pub fn new(
        at: DateTime<Utc>,
        household: &str,
        reader: Reader,
        resource: &str,
        access: Access,
    ) -> Self {
        AccessLogEntry {
            at,
            household: household.to_owned(),
            reader,
            resource: resource.to_owned(),
            access,
        }
    }

    /// Whether the read was allowed.
    pub fn allowed(&self) -> bool {
        !matches!(self.access, Access::Denied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().expect("instant")
    }

    #[test]
    fn live_on_a_half_open_period_until_revoked() {
        let mut g = Grant::new(
            "g1",
            "hh",
            "bank",
            "loan-assessment",
            t("2025-01-01T00:00:00Z"),
            t("2025-07-01T00:00:00Z"),
        )
        .expect("grant");
        assert!(!g.is_live(t("2024-12-31T23:59:59Z")));
        assert!(g.is_live(t("2025-01-01T00:00:00Z")));
        assert!(!g.is_live(t("2025-07-01T00:00:00Z")));
        g.revoke(t("2025-03-01T00:00:00Z")).expect("revoke");
        assert!(g.is_live(t("2025-02-28T23:59:59Z")));
        assert!(!is_live(&g, t("2025-03-01T00:00:00Z")));
        assert!(g.revoke(t("2025-03-02T00:00:00Z")).is_err());
        assert!(
            Grant::new(
                "g",
                "hh",
                "bank",
                " ",
                t("2025-01-01T00:00:00Z"),
                t("2025-02-01T00:00:00Z")
            )
            .is_err()
        );
        assert!(
            Grant::new(
                "g",
                "hh",
                "bank",
                "p",
                t("2025-01-01T00:00:00Z"),
                t("2025-01-01T00:00:00Z")
            )
            .is_err()
        );
    }

    #[test]
    fn authorize_owner_grantee_and_others() {
        let g = Grant::new(
            "g1",
            "hh",
            "bank",
            "loan-assessment",
            t("2025-01-01T00:00:00Z"),
            t("2025-07-01T00:00:00Z"),
        )
        .expect("grant");
        let at = t("2025-02-01T00:00:00Z");
        let grants = [g];
        assert_eq!(
            authorize("hh", &Reader::Household("hh".into()), &grants, at),
            Access::Owner
        );
        assert_eq!(
            authorize("hh", &Reader::Household("other".into()), &grants, at),
            Access::Denied
        );
        assert_eq!(
            authorize("hh", &Reader::Lender("bank".into()), &grants, at),
            Access::Granted {
                grant: "g1".into(),
                purpose: "loan-assessment".into()
            }
        );
        assert_eq!(
            authorize("hh", &Reader::Lender("mfi".into()), &grants, at),
            Access::Denied
        );
        assert_eq!(
            authorize("hh2", &Reader::Lender("bank".into()), &grants, at),
            Access::Denied
        );
        let e = AccessLogEntry::new(
            at,
            "hh",
            Reader::Lender("mfi".into()),
            "credit-history",
            Access::Denied,
        );
        assert!(!e.allowed());
        let v = serde_json::to_value(&e).expect("json");
        assert_eq!(
            v["reader"],
            serde_json::json!({"kind": "lender", "id": "mfi"})
        );
        assert_eq!(v["access"], serde_json::json!({"access": "denied"}));
    }
}
