//! Cooperative intake, settlement to members, sealed-bid auctions and the price index — pure
//! and exact: money is integer MNT, weights integer grams, and every decimal arrives as a
//! string parsed at a fixed scale. No float takes part anywhere.
//!
//! - [`intake`]: gross → clean weight by a [`DeductionRule`] held as data.
//! - [`settlement`]: a sale split among members by clean weight × price factor, largest
//!   remainder (`nooluur coop settle`); [`factors`]: the colour/grade factor table that turns
//!   intakes into settlement rows; [`mod@statement`]: a member's account.
//! - [`auction`]: sealed-bid clearing, first or second price (`nooluur auction clear`), bid
//!   commitments and the published bid book.
//! - [`index`]: weekly volume-weighted prices and index numbers by colour, grade and aimag.
//!
//! The rules are documented on each entry point and in the crate's `README.md`.

pub mod auction;
pub mod decimal;
pub mod factors;
pub mod index;
pub mod intake;
pub mod settlement;
pub mod statement;

pub use auction::{AuctionInput, Clearing, clear, clear_json, commitment, publish};
pub use index::{PriceIndex, SaleRecord, price_index};
pub use intake::{Colour, DeductionRule, Intake, IntakeInput, record_intake};
pub use settlement::{Settlement, SettlementInput, settle, settle_json};
pub use statement::{Statement, statement};
