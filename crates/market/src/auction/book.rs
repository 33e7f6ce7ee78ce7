//! The bid book published after the close: every bid opened, with its commitment and fate,
//! so any bidder can find its receipt and anyone can re-clear the auction.

use serde::{Deserialize, Serialize};

use super::{AuctionError, AuctionInput, BidInput, PriceRule, Refusal, commitment, judge};

/// What became of a bid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BidStatus {
    /// The winning bid.
    Won,
    /// A standing bid that did not win.
    Lost,
    /// Refused; the entry's `reason` says why.
    Refused,
}

/// One bid in the book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookEntry {
    /// Buyer id.
    pub buyer: String,
    /// Amount bid, MNT.
    pub amount_mnt: i64,
    /// When it was received, as submitted (RFC 3339).
    pub at: String,
    /// The receipt's nonce, lowercase hex, when the bid had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// [`commitment`] of the bid, when it had a nonce.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<String>,
    /// What became of it.
    pub status: BidStatus,
    /// Why it was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Refusal>,
}

/// The published record of a closed auction: its terms, every bid in canonical order (time,
/// buyer, amount) and the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidBook {
    /// The auction's id, part of every commitment.
    pub auction_id: String,
    /// How the winner pays.
    pub rule: PriceRule,
    /// Reserve price, MNT.
    pub reserve_mnt: i64,
    /// Opening, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
    /// Closing, as given.
    pub closes_at: String,
    /// Registered buyers, when the auction had a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyers: Option<Vec<String>>,
    /// Every bid opened.
    pub bids: Vec<BookEntry>,
    /// The winner.
    pub winner: Option<String>,
    /// What the winner pays, MNT.
    pub price_mnt: Option<u64>,
}

/// Why a published book does not hold up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookError {
    /// The book's terms or bids are not a valid auction.
    #[error("the bid book is not a valid auction: {0}")]
    Invalid(AuctionError),
    /// An entry's commitment is not the hash of its fields.
    #[error("bids[{0}]: the commitment does not match the bid")]
    Commitment(usize),
    /// An entry's status, reason or position differs from clearing the book's bids.
    #[error("bids[{0}]: status or order differs from clearing the published bids")]
    Entry(usize),
    /// The winner or price differs from clearing the book's bids.
    #[error("winner or price differs from clearing the published bids")]
    Outcome,
}

/// Clears `input` and lays out the bid book for publication under `auction_id`.
///
/// ```
/// use market::auction::{publish, commitment, AuctionInput, BidInput, PriceRule, BidStatus};
/// let at = "2024-04-10T09:00:00+08:00";
/// let input = AuctionInput {
///     rule: PriceRule::FirstPrice, reserve_mnt: 0, opens_at: None,
///     closes_at: "2024-04-10T12:00:00+08:00".into(), buyers: None,
///     bids: vec![BidInput { buyer: "gobi".into(), amount_mnt: 121_000, at: at.into(),
///                           nonce: Some("00ff".into()) }],
/// };
/// let book = publish("A-1", &input).unwrap();
/// // The receipt the buyer got at submission is found in the book…
/// let receipt = commitment("A-1", "gobi", 121_000,
///     &chrono::DateTime::parse_from_rfc3339(at).unwrap(), &[0x00, 0xff]);
/// assert_eq!(book.find(&receipt).unwrap().status, BidStatus::Won);
/// // …and anyone can check the book against itself.
/// assert!(book.verify().is_ok());
/// ```
pub fn publish(auction_id: &str, input: &AuctionInput) -> Result<BidBook, AuctionError> {
    if auction_id.is_empty() {
        return Err(AuctionError::EmptyAuctionId);
    }
    let j = judge(input)?;
    let bids = j
        .bids
        .iter()
        .zip(&j.refusals)
        .enumerate()
        .map(|(k, (b, reason))| BookEntry {
            buyer: b.buyer.to_owned(),
            amount_mnt: b.amount,
            at: b.input.at.clone(),
            nonce: b.nonce.as_deref().map(hex::encode),
            commitment: b
                .nonce
                .as_deref()
                .map(|n| commitment(auction_id, b.buyer, b.amount, &b.at, n)),
            status: match (reason, j.winner == Some(k)) {
                (Some(_), _) => BidStatus::Refused,
                (None, true) => BidStatus::Won,
                (None, false) => BidStatus::Lost,
            },
            reason: *reason,
        })
        .collect();
    Ok(BidBook {
        auction_id: auction_id.to_owned(),
        rule: input.rule,
        reserve_mnt: input.reserve_mnt,
        opens_at: input.opens_at.clone(),
        closes_at: input.closes_at.clone(),
        buyers: input.buyers.clone(),
        bids,
        winner: j.winner.map(|w| j.bids[w].buyer.to_owned()),
        price_mnt: j.price,
    })
}

impl BidBook {
    /// The entry whose commitment is `receipt` (hex, any case).
    pub fn find(&self, receipt: &str) -> Option<&BookEntry> {
        self.bids.iter().find(|e| {
            e.commitment
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case(receipt))
        })
    }

    /// Re-clears the published bids and recomputes every commitment; `Ok` when the book is
    /// exactly what [`publish`] makes of its own contents.
    pub fn verify(&self) -> Result<(), BookError> {
        let input = AuctionInput {
            rule: self.rule,
            reserve_mnt: self.reserve_mnt,
            opens_at: self.opens_at.clone(),
            closes_at: self.closes_at.clone(),
            buyers: self.buyers.clone(),
            bids: self
                .bids
                .iter()
                .map(|e| BidInput {
                    buyer: e.buyer.clone(),
                    amount_mnt: e.amount_mnt,
                    at: e.at.clone(),
                    nonce: e.nonce.clone(),
                })
                .collect(),
        };
        let again = publish(&self.auction_id, &input).map_err(BookError::Invalid)?;
        // Commitments first: they do not depend on order, so a wrong one is named as such.
        for (k, e) in self.bids.iter().enumerate() {
            let expected = e
                .nonce
                .as_deref()
                .and_then(|n| hex::decode(n).ok())
                .and_then(|n| {
                    chrono::DateTime::parse_from_rfc3339(&e.at)
                        .ok()
                        .map(|at| commitment(&self.auction_id, &e.buyer, e.amount_mnt, &at, &n))
                });
            if e.commitment != expected {
                return Err(BookError::Commitment(k));
            }
        }
        if let Some(k) = (0..self.bids.len()).find(|&k| self.bids[k] != again.bids[k]) {
            return Err(BookError::Entry(k));
        }
        if (&self.winner, self.price_mnt) != (&again.winner, again.price_mnt) {
            return Err(BookError::Outcome);
        }
        Ok(())
    }
}
