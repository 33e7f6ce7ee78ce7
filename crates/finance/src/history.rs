//! A household's credit history: only facts the platform has verified, each linked to the
//! EPCIS event or verifiable credential it comes from, so a lender can check every line and the
//! herder can carry the record from one lender to the next.
//!
//! JSON shape (both ways, via serde): `{"household": "...", "lines": [LINE, ...]}` where each
//! line is the fact's fields, its `kind`, and `source` — `{"event": "<eventID>"}` or
//! `{"credential": "<credential URL>"}`:
//!
//! ```json
//! {"kind": "delivery", "date": "2024-05-12", "grams": 4200, "grade": "I", "colour": "white",
//!  "cooperative": "coop-1", "source": {"event": "ni:///sha-256;ab..?ver=CBV2.0"}}
//! ```
//!
//! Weights are integer grams, money integer tögrög, ratios decimal strings (see
//! [`crate::decimal`]). A *season* is the calendar year of the spring combing.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::decimal::Ratio;

/// A household's verified record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// The household's platform id.
    pub household: String,
    /// The facts, in any order.
    pub lines: Vec<HistoryLine>,
}

/// One verified fact and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    /// The event or credential the fact is read from.
    pub source: Source,
    /// The fact.
    #[serde(flatten)]
    pub fact: Fact,
}

/// The evidence behind a line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// An EPCIS event id (`eventID`, usually an `ni:///sha-256;…` hash id).
    Event(String),
    /// A verifiable credential's URL.
    Credential(String),
    /// A record of the platform that is neither (a herd count in the registry, a loan), by the
    /// URL that answers it.
    Record(String),
}

impl Source {
    /// The id or URL.
    pub fn link(&self) -> &str {
        match self {
            Source::Event(s) | Source::Credential(s) | Source::Record(s) => s,
        }
    }
}

/// Head counts of a herd, by species (yak are counted as cattle, as the NSO does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Heads {
    pub camel: u64,
    pub cattle: u64,
    pub goat: u64,
    pub horse: u64,
    pub sheep: u64,
}

impl Heads {
    /// Sheep-forage-unit weights in tenths, in the order camel, cattle, goat, horse, sheep
    /// (horse 7, cattle 6, camel 5, sheep 1, goat 0.9; domain-facts §3.1, verified).
    pub const SU_TENTHS: [u64; 5] = [50, 60, 9, 70, 10];

    /// The head counts in the order of [`Heads::SU_TENTHS`].
    pub fn as_array(&self) -> [u64; 5] {
        [self.camel, self.cattle, self.goat, self.horse, self.sheep]
    }

    /// Sheep units in tenths (exact: every weight has one decimal), saturating.
    pub fn sheep_units_tenths(&self) -> u64 {
        self.as_array()
            .iter()
            .zip(Self::SU_TENTHS)
            .fold(0u64, |acc, (&h, w)| acc.saturating_add(h.saturating_mul(w)))
    }

    /// Sheep units as a decimal string (`"123.4"`).
    pub fn sheep_units(&self) -> String {
        let t = self.sheep_units_tenths();
        if t.is_multiple_of(10) {
            (t / 10).to_string()
        } else {
            format!("{}.{}", t / 10, t % 10)
        }
    }
}

/// What happened on a loan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LoanEvent {
    /// The lender paid the loan out.
    Disbursement,
    /// An instalment was repaid (on time when `date ≤ due` + the scorecard's grace).
    Repayment,
    /// A due date passed without the instalment being paid.
    Late,
    /// An instalment was moved a season under the dzud rule: neither for nor against.
    Deferred,
}

/// A verified fact. Serialized with a `kind` tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Fact {
    /// Raw fibre delivered to a cooperative (a receiving event with the intake weight).
    Delivery {
        date: NaiveDate,
        /// Clean or receipt weight, grams.
        grams: u64,
        /// The grade given at intake or by the lab, as the grading scheme names it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grade: Option<String>,
        colour: String,
        /// The cooperative's id.
        cooperative: String,
    },
    /// A settlement statement: what the household was owed for its fibre.
    Settlement {
        date: NaiveDate,
        amount_mnt: u64,
        /// The settlement statement's id.
        statement: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cooperative: Option<String>,
    },
    /// Money received. When it pays a settlement statement (`statement` set) it is evidence
    /// the statement was honoured and is not income a second time.
    Payment {
        date: NaiveDate,
        amount_mnt: u64,
        /// Who paid (cooperative or buyer id).
        payer: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        statement: Option<String>,
    },
    /// A certification credential naming the household (e.g. SFA, GCS).
    Certification {
        date: NaiveDate,
        /// The credential's id.
        credential: String,
        /// The standard.
        standard: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        valid_until: Option<NaiveDate>,
    },
    /// The herd at the December census of `year`.
    Herd {
        year: i32,
        heads: Heads,
        /// The household's share of its soum's carrying capacity, in sheep units (supplied by
        /// the climate side: soum capacity × the household's pasture share). Unknown: `None`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        capacity_su: Option<u64>,
        /// The soum's stocking ratio (its sheep units / its carrying capacity), as context.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        soum_stocking: Option<Ratio>,
    },
    /// A loan event.
    Loan {
        date: NaiveDate,
        /// The loan's id.
        loan: String,
        event: LoanEvent,
        amount_mnt: u64,
        /// The instalment's due date (repayment, late, deferred).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<NaiveDate>,
    },
    /// An index-insurance payout received.
    InsurancePayout {
        date: NaiveDate,
        /// The policy's id.
        policy: String,
        /// The index year.
        year: i32,
        amount_mnt: u64,
    },
    /// The soum's dzud risk class (NAMEM, 1 very low … 5 very high) for the winter ending in
    /// the spring of `year`.
    DzudExposure {
        year: i32,
        /// 5-digit soum code.
        soum: String,
        risk_class: u8,
    },
}

impl Fact {
    /// The kind tag as serialized.
    pub fn kind(&self) -> &'static str {
        match self {
            Fact::Delivery { .. } => "delivery",
            Fact::Settlement { .. } => "settlement",
            Fact::Payment { .. } => "payment",
            Fact::Certification { .. } => "certification",
            Fact::Herd { .. } => "herd",
            Fact::Loan { .. } => "loan",
            Fact::InsurancePayout { .. } => "insurance-payout",
            Fact::DzudExposure { .. } => "dzud-exposure",
        }
    }

    /// The season (calendar year) the fact belongs to.
    pub fn season(&self) -> i32 {
        use chrono::Datelike;
        match self {
            Fact::Delivery { date, .. }
            | Fact::Settlement { date, .. }
            | Fact::Payment { date, .. }
            | Fact::Certification { date, .. }
            | Fact::Loan { date, .. }
            | Fact::InsurancePayout { date, .. } => date.year(),
            Fact::Herd { year, .. } | Fact::DzudExposure { year, .. } => *year,
        }
    }

    /// Whether the fact was known on `as_of`: dated facts on or before it, yearly facts
    /// (herd, dzud class) of its year or earlier.
    pub fn known_on(&self, as_of: NaiveDate) -> bool {
        use chrono::Datelike;
        match self {
            Fact::Delivery { date, .. }
            | Fact::Settlement { date, .. }
            | Fact::Payment { date, .. }
            | Fact::Certification { date, .. }
            | Fact::Loan { date, .. }
            | Fact::InsurancePayout { date, .. } => *date <= as_of,
            Fact::Herd { year, .. } | Fact::DzudExposure { year, .. } => *year <= as_of.year(),
        }
    }
}

/// Why a history was refused. One line each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HistoryError {
    /// Not JSON of the history shape.
    #[error("invalid credit history: {0}")]
    Json(String),
    /// The household id is empty.
    #[error("household is empty")]
    NoHousehold,
    /// A line without a source link.
    #[error("lines[{0}].source is empty: every line must link to its event or credential")]
    NoSource(usize),
    /// A required text field is empty.
    #[error("lines[{line}].{field} is empty")]
    Empty { line: usize, field: &'static str },
    /// A dzud risk class outside 1–5.
    #[error("lines[{line}].risk_class is {class}; NAMEM classes are 1 (very low) to 5 (very high)")]
    RiskClass { line: usize, class: u8 },
}

impl History {
    /// Reads and checks a history from JSON.
    pub fn from_json(text: &str) -> Result<History, HistoryError> {
        let h: History =
            serde_json::from_str(text).map_err(|e| HistoryError::Json(e.to_string()))?;
        h.validate()?;
        Ok(h)
    }

    /// Checks what serde cannot: non-empty ids, sources, risk classes in range.
    pub fn validate(&self) -> Result<(), HistoryError> {
        if self.household.trim().is_empty() {
            return Err(HistoryError::NoHousehold);
        }
        for (i, line) in self.lines.iter().enumerate() {
            if line.source.link().trim().is_empty() {
                return Err(HistoryError::NoSource(i));
            }
            let empty = |field: &'static str, v: &str| {
                if v.trim().is_empty() {
                    Err(HistoryError::Empty { line: i, field })
                } else {
                    Ok(())
                }
            };
            match &line.fact {
                Fact::Delivery {
                    colour,
                    cooperative,
                    ..
                } => {
                    empty("colour", colour)?;
                    empty("cooperative", cooperative)?;
                }
                Fact::Settlement { statement, .. } => empty("statement", statement)?,
                Fact::Payment { payer, .. } => empty("payer", payer)?,
                Fact::Certification {
                    credential,
                    standard,
                    ..
                } => {
                    empty("credential", credential)?;
                    empty("standard", standard)?;
                }
                Fact::Loan { loan, .. } => empty("loan", loan)?,
                Fact::InsurancePayout { policy, .. } => empty("policy", policy)?,
                Fact::DzudExposure {
                    soum, risk_class, ..
                } => {
                    empty("soum", soum)?;
                    if !(1..=5).contains(risk_class) {
                        return Err(HistoryError::RiskClass {
                            line: i,
                            class: *risk_class,
                        });
                    }
                }
                Fact::Herd { .. } => {}
            }
        }
        Ok(())
    }

    /// The facts known on `as_of`, with their sources.
    pub fn known_on(&self, as_of: NaiveDate) -> impl Iterator<Item = &HistoryLine> {
        self.lines.iter().filter(move |l| l.fact.known_on(as_of))
    }

    /// Adds a line (builder style, for callers assembling a history from the store).
    pub fn push(&mut self, source: Source, fact: Fact) {
        self.lines.push(HistoryLine { source, fact });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn json_round_trip_of_every_kind() {
        let mut h = History {
            household: "hh-1".into(),
            lines: vec![],
        };
        let ev = |s: &str| Source::Event(s.into());
        h.push(
            ev("ni:///sha-256;aa"),
            Fact::Delivery {
                date: date("2024-05-12"),
                grams: 4_200,
                grade: Some("I".into()),
                colour: "white".into(),
                cooperative: "coop-1".into(),
            },
        );
        h.push(
            ev("e2"),
            Fact::Settlement {
                date: date("2024-06-01"),
                amount_mnt: 500_000,
                statement: "st-1".into(),
                cooperative: None,
            },
        );
        h.push(
            ev("e3"),
            Fact::Payment {
                date: date("2024-06-03"),
                amount_mnt: 500_000,
                payer: "coop-1".into(),
                statement: Some("st-1".into()),
            },
        );
        h.push(
            Source::Credential("https://h/credentials/1".into()),
            Fact::Certification {
                date: date("2024-01-01"),
                credential: "https://h/credentials/1".into(),
                standard: "SFA".into(),
                valid_until: Some(date("2026-01-01")),
            },
        );
        h.push(
            ev("e4"),
            Fact::Herd {
                year: 2023,
                heads: Heads {
                    goat: 100,
                    sheep: 50,
                    ..Heads::default()
                },
                capacity_su: Some(200),
                soum_stocking: Some(Ratio::parse("1.3").expect("ratio")),
            },
        );
        h.push(
            ev("e5"),
            Fact::Loan {
                date: date("2024-06-30"),
                loan: "L1".into(),
                event: LoanEvent::Repayment,
                amount_mnt: 100,
                due: Some(date("2024-06-30")),
            },
        );
        h.push(
            ev("e6"),
            Fact::InsurancePayout {
                date: date("2024-08-01"),
                policy: "P1".into(),
                year: 2024,
                amount_mnt: 10,
            },
        );
        h.push(
            ev("e7"),
            Fact::DzudExposure {
                year: 2024,
                soum: "18101".into(),
                risk_class: 4,
            },
        );
        let text = serde_json::to_string(&h).expect("json");
        assert!(text.contains(r#""kind":"delivery""#), "{text}");
        assert!(
            text.contains(r#""source":{"event":"ni:///sha-256;aa"}"#),
            "{text}"
        );
        assert!(text.contains(r#""soum_stocking":"1.3""#), "{text}");
        assert_eq!(History::from_json(&text), Ok(h));
    }

    #[test]
    fn refusals() {
        let bad_class = r#"{"household":"h","lines":[{"kind":"dzud-exposure","year":2024,
            "soum":"18101","risk_class":7,"source":{"event":"e"}}]}"#;
        assert_eq!(
            History::from_json(bad_class),
            Err(HistoryError::RiskClass { line: 0, class: 7 })
        );
        let no_source = r#"{"household":"h","lines":[{"kind":"payment","date":"2024-01-01",
            "amount_mnt":1,"payer":"x","source":{"credential":" "}}]}"#;
        assert_eq!(
            History::from_json(no_source),
            Err(HistoryError::NoSource(0))
        );
        let negative = r#"{"household":"h","lines":[{"kind":"payment","date":"2024-01-01",
            "amount_mnt":-1,"payer":"x","source":{"event":"e"}}]}"#;
        assert!(matches!(
            History::from_json(negative),
            Err(HistoryError::Json(_))
        ));
    }

    #[test]
    fn sheep_units_are_exact() {
        let h = Heads {
            camel: 1,
            cattle: 1,
            goat: 3,
            horse: 1,
            sheep: 1,
        };
        // 5 + 6 + 2.7 + 7 + 1
        assert_eq!(h.sheep_units_tenths(), 217);
        assert_eq!(h.sheep_units(), "21.7");
    }
}
