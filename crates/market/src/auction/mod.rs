//! Sealed-bid auctions of a cooperative's lots: which bids stand, who wins, at what price.
//!
//! # Rules
//!
//! Each bid is checked on its own, in this order, and refused for the first reason that
//! applies:
//!
//! 1. `unauthorised` — the input lists `buyers` and the bidder is not among them;
//! 2. `non-positive-amount` — `amount_mnt ≤ 0`;
//! 3. `early` — `at < opens_at` (a bid *at* the opening is on time);
//! 4. `late` — `at > closes_at` (a bid *at* the closing instant is on time);
//! 5. `below-reserve` — `amount_mnt < reserve_mnt` (a bid equal to the reserve stands).
//!
//! Then **one sealed bid per buyer**: among a buyer's bids that passed, the earliest stands and
//! the others are refused as `duplicate`; if several share that earliest instant, the highest
//! amount stands. Times are compared as instants, whatever their UTC offsets.
//!
//! The **winner** is the highest standing bid; equal amounts go to the earliest bid, and equal
//! amounts at the same instant to the smallest buyer id (byte order). **First price** pays its
//! own bid. **Second price** pays the larger of the second-highest standing bid and the
//! reserve — with a single standing bid, the reserve. No standing bid: no winner, no price.
//!
//! The result does not depend on the order of the bids in the input: refusals are listed in
//! the order of bid time, then buyer id, then amount.

mod book;
mod commit;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

pub use book::{BidBook, BidStatus, BookEntry, BookError, publish};
pub use commit::{COMMITMENT_TAG, commitment};

/// How the winner pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PriceRule {
    /// The winner pays its own bid.
    FirstPrice,
    /// The winner pays the larger of the second-highest standing bid and the reserve.
    SecondPrice,
}

/// The input of `nooluur auction clear FILE.json`. Unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuctionInput {
    /// How the winner pays.
    pub rule: PriceRule,
    /// Lowest acceptable bid, MNT (0: none).
    pub reserve_mnt: i64,
    /// When bidding opens, RFC 3339; absent: bids are never early.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
    /// When bidding closes, RFC 3339 (inclusive).
    pub closes_at: String,
    /// Registered buyers; when present, bids from anyone else are refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyers: Option<Vec<String>>,
    /// The sealed bids, in any order.
    pub bids: Vec<BidInput>,
}

/// One sealed bid as opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidInput {
    /// Buyer id.
    pub buyer: String,
    /// Amount bid for the lot, MNT.
    pub amount_mnt: i64,
    /// When the bid was received, RFC 3339.
    pub at: String,
    /// The bid receipt's nonce, hex; needed only to publish a [`BidBook`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

/// Why a bid does not stand. Serialised in kebab-case (`"below-reserve"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Refusal {
    /// Received after the close.
    Late,
    /// Received before the opening.
    Early,
    /// The buyer already has a standing bid.
    Duplicate,
    /// Below the reserve price.
    BelowReserve,
    /// The buyer is not registered for the auction.
    Unauthorised,
    /// Zero or negative amount.
    NonPositiveAmount,
}

/// A refused bid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    /// Buyer id.
    pub buyer: String,
    /// Why it was refused.
    pub reason: Refusal,
}

/// The outcome of an auction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clearing {
    /// The winning buyer, `null` when no bid stands.
    pub winner: Option<String>,
    /// What the winner pays, MNT.
    pub price_mnt: Option<u64>,
    /// The price rule applied.
    pub rule: PriceRule,
    /// Bids that do not stand, in time order.
    pub refused: Vec<Refused>,
}

/// Why an auction input was refused. Each message is one line, fit for the CLI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuctionError {
    /// The input is not JSON of the expected shape.
    #[error("invalid auction input: {0}")]
    Json(String),
    /// A negative reserve.
    #[error("reserve_mnt must not be negative, got {0}")]
    NegativeReserve(i64),
    /// A time that is not RFC 3339.
    #[error("{field}: '{text}' is not an RFC 3339 date-time")]
    BadTime {
        /// Where, e.g. `bids[2].at`.
        field: String,
        /// The text given.
        text: String,
    },
    /// Opening after closing.
    #[error("opens_at ({opens}) is after closes_at ({closes})")]
    OpensAfterCloses {
        /// `opens_at` as given.
        opens: String,
        /// `closes_at` as given.
        closes: String,
    },
    /// An empty buyer id.
    #[error("{0} is empty")]
    EmptyBuyer(String),
    /// A nonce that is not hex.
    #[error("{0}: nonce is not hexadecimal")]
    BadNonce(String),
    /// No auction id to publish under.
    #[error("auction id is empty")]
    EmptyAuctionId,
}

/// A bid parsed and checked, with its position in the input.
#[derive(Debug, Clone)]
pub(crate) struct Bid<'a> {
    pub(crate) buyer: &'a str,
    pub(crate) amount: i64,
    pub(crate) at: DateTime<FixedOffset>,
    pub(crate) input: &'a BidInput,
    pub(crate) nonce: Option<Vec<u8>>,
}

impl Bid<'_> {
    /// The canonical order of bids: time, buyer, amount, then the raw texts so that only
    /// identical bids compare equal.
    fn canonical_cmp(&self, other: &Self) -> std::cmp::Ordering {
        (
            self.at,
            self.buyer,
            self.amount,
            &self.input.at,
            &self.input.nonce,
        )
            .cmp(&(
                other.at,
                other.buyer,
                other.amount,
                &other.input.at,
                &other.input.nonce,
            ))
    }
}

/// Every bid's fate, indexed like `bids` (canonical order), and the outcome.
pub(crate) struct Judgement<'a> {
    pub(crate) bids: Vec<Bid<'a>>,
    pub(crate) refusals: Vec<Option<Refusal>>,
    pub(crate) winner: Option<usize>,
    pub(crate) price: Option<u64>,
}

/// Clears an auction. This is `nooluur auction clear FILE.json`; the rules are in the
/// [module docs](self).
///
/// ```
/// use market::auction::{clear, AuctionInput, BidInput, PriceRule, Refusal};
/// let bid = |buyer: &str, amount_mnt, at: &str| BidInput {
///     buyer: buyer.into(), amount_mnt, at: at.into(), nonce: None,
/// };
/// let input = AuctionInput {
///     rule: PriceRule::SecondPrice,
///     reserve_mnt: 100_000,
///     opens_at: None,
///     closes_at: "2024-04-10T12:00:00+08:00".into(),
///     buyers: None,
///     bids: vec![
///         bid("gobi", 121_000, "2024-04-10T09:00:00+08:00"),
///         bid("ulemj", 118_500, "2024-04-10T10:00:00+08:00"),
///         bid("late", 150_000, "2024-04-10T12:00:01+08:00"),
///     ],
/// };
/// let c = clear(&input).unwrap();
/// assert_eq!(c.winner.as_deref(), Some("gobi"));
/// assert_eq!(c.price_mnt, Some(118_500));
/// assert_eq!(c.refused[0].reason, Refusal::Late);
/// ```
pub fn clear(input: &AuctionInput) -> Result<Clearing, AuctionError> {
    let j = judge(input)?;
    let refused = j
        .bids
        .iter()
        .zip(&j.refusals)
        .filter_map(|(b, r)| {
            r.map(|reason| Refused {
                buyer: b.buyer.to_owned(),
                reason,
            })
        })
        .collect();
    Ok(Clearing {
        winner: j.winner.map(|w| j.bids[w].buyer.to_owned()),
        price_mnt: j.price,
        rule: input.rule,
        refused,
    })
}

/// [`clear`] on JSON text, as the CLI reads it. Every error is one line.
///
/// ```
/// let c = market::auction::clear_json(r#"{"rule": "first-price", "reserve_mnt": 0,
///     "closes_at": "2024-04-10T12:00:00Z",
///     "bids": [{"buyer": "a", "amount_mnt": 5, "at": "2024-04-10T11:00:00Z"}]}"#).unwrap();
/// assert_eq!((c.winner.as_deref(), c.price_mnt), (Some("a"), Some(5)));
/// ```
pub fn clear_json(text: &str) -> Result<Clearing, AuctionError> {
    clear(&parse_input(text)?)
}

/// Reads an [`AuctionInput`] from JSON text (unknown fields ignored), with a one-line error.
///
/// ```
/// let input = market::auction::parse_input(r#"{"rule": "second-price", "reserve_mnt": 0,
///     "closes_at": "2024-04-10T12:00:00Z", "bids": [], "lot": "L-1"}"#).unwrap();
/// assert!(input.bids.is_empty());
/// ```
pub fn parse_input(text: &str) -> Result<AuctionInput, AuctionError> {
    serde_json::from_str(text).map_err(|e| AuctionError::Json(e.to_string()))
}

fn time(field: String, text: &str) -> Result<DateTime<FixedOffset>, AuctionError> {
    DateTime::parse_from_rfc3339(text).map_err(|_| AuctionError::BadTime {
        field,
        text: text.to_owned(),
    })
}

pub(crate) fn judge(input: &AuctionInput) -> Result<Judgement<'_>, AuctionError> {
    let reserve = u64::try_from(input.reserve_mnt)
        .map_err(|_| AuctionError::NegativeReserve(input.reserve_mnt))?;
    let closes = time("closes_at".into(), &input.closes_at)?;
    let opens = match &input.opens_at {
        Some(text) => Some(time("opens_at".into(), text)?),
        None => None,
    };
    if let Some(o) = opens
        && o > closes
    {
        return Err(AuctionError::OpensAfterCloses {
            opens: input.opens_at.clone().unwrap_or_default(),
            closes: input.closes_at.clone(),
        });
    }
    let registered: Option<BTreeSet<&str>> = match &input.buyers {
        Some(list) => {
            for (k, b) in list.iter().enumerate() {
                if b.is_empty() {
                    return Err(AuctionError::EmptyBuyer(format!("buyers[{k}]")));
                }
            }
            Some(list.iter().map(String::as_str).collect())
        }
        None => None,
    };

    let mut bids = Vec::with_capacity(input.bids.len());
    for (k, b) in input.bids.iter().enumerate() {
        if b.buyer.is_empty() {
            return Err(AuctionError::EmptyBuyer(format!("bids[{k}].buyer")));
        }
        let at = time(format!("bids[{k}].at"), &b.at)?;
        let nonce = match &b.nonce {
            Some(n) => {
                Some(hex::decode(n).map_err(|_| AuctionError::BadNonce(format!("bids[{k}]")))?)
            }
            None => None,
        };
        bids.push(Bid {
            buyer: &b.buyer,
            amount: b.amount_mnt,
            at,
            input: b,
            nonce,
        });
    }
    bids.sort_by(Bid::canonical_cmp);

    let mut refusals: Vec<Option<Refusal>> = bids
        .iter()
        .map(|b| {
            if registered.as_ref().is_some_and(|r| !r.contains(b.buyer)) {
                Some(Refusal::Unauthorised)
            } else if b.amount <= 0 {
                Some(Refusal::NonPositiveAmount)
            } else if opens.is_some_and(|o| b.at < o) {
                Some(Refusal::Early)
            } else if b.at > closes {
                Some(Refusal::Late)
            } else if b.amount.unsigned_abs() < reserve {
                Some(Refusal::BelowReserve)
            } else {
                None
            }
        })
        .collect();

    // One standing bid per buyer: the earliest, then the highest at that instant.
    let mut standing: BTreeMap<&str, usize> = BTreeMap::new();
    for k in 0..bids.len() {
        if refusals[k].is_some() {
            continue;
        }
        match standing.get(bids[k].buyer) {
            None => {
                standing.insert(bids[k].buyer, k);
            }
            Some(&held) => {
                let (h, c) = (&bids[held], &bids[k]);
                // Canonical order is by time first, so `held` is never later than `k`.
                let replace = h.at == c.at && c.amount > h.amount;
                let loser = if replace { held } else { k };
                refusals[loser] = Some(Refusal::Duplicate);
                if replace {
                    standing.insert(bids[k].buyer, k);
                }
            }
        }
    }

    let mut ranked: Vec<usize> = standing.into_values().collect();
    ranked.sort_by(|&a, &b| {
        let (x, y) = (&bids[a], &bids[b]);
        y.amount
            .cmp(&x.amount)
            .then(x.at.cmp(&y.at))
            .then(x.buyer.cmp(y.buyer))
    });
    let winner = ranked.first().copied();
    // Standing bids are positive, so their amounts convert.
    let amount = |k: usize| bids[k].amount.unsigned_abs();
    let price = winner.map(|w| match input.rule {
        PriceRule::FirstPrice => amount(w),
        PriceRule::SecondPrice => ranked.get(1).map_or(reserve, |&s| amount(s).max(reserve)),
    });
    Ok(Judgement {
        bids,
        refusals,
        winner,
        price,
    })
}

#[cfg(test)]
mod tests;
