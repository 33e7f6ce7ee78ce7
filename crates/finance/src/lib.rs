//! Herder credit history, explainable scorecard, season-aligned loans, index insurance (pure)
//!
//! Issue 7: herders borrow at 30–35 % a year and lenders lend on herd size, which rewards
//! overgrazing. This crate is the pure core of the finance side:
//!
//! - [`history`]: the household's verified record, every line linked to its event or credential;
//!   [`summary`]: that record reduced to what a lender reads.
//! - [`scorecard`]: a versioned points scorecard (TOML with its rationale) whose reasons add up
//!   to the score; herd size never earns points, stocking above carrying capacity costs them.
//! - [`loan`]: application, decision, a repayment schedule aligned to the cashmere season with
//!   exact interest (Actual/365 Fixed, integer tögrög), and the dzud deferral rule.
//! - [`insurance`]: index-based livestock insurance after Mongolia's IBLIP: payout between a
//!   trigger and an exhaustion point, hindcasts over a mortality series, policy files.
//! - [`consent`]: grants of access to a lender and the access log (the pure part).
//! - [`report`]: the unsigned W3C VC 2.0 credit report a herder can carry to any lender.
//!
//! Money is integer tögrög, weights integer grams, rates exact decimals ([`decimal`]); no float
//! takes part in any amount. Nothing here reads a clock, a file or the network.

pub mod consent;
pub mod decimal;
pub mod history;
pub mod insurance;
pub mod loan;
pub mod report;
pub mod scorecard;
pub mod summary;

pub use decimal::{DecimalError, Rate, Ratio};
pub use history::{Fact, Heads, History, HistoryError, HistoryLine, LoanEvent, Source};
pub use scorecard::{Factor, Reason, Score, Scorecard, ScorecardError, score};
pub use summary::{Summary, Window, summarize};
