//! Invariants of settlement and auction clearing, on generated inputs.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::collections::BTreeMap;

use market::auction::{AuctionInput, BidInput, BidStatus, PriceRule, Refusal, clear, publish};
use market::decimal::format_scaled;
use market::settlement::{SettlementInput, SettlementIntake, settle};
use proptest::prelude::*;

const MEMBERS: [&str; 6] = ["hh-1", "hh-2", "hh-3", "hh-10", "a", "Z"];

/// (member, grams, factor in millionths). Weights come from a small set so that equal weights
/// and equal remainders happen often.
fn intakes() -> impl Strategy<Value = Vec<(String, u64, u64)>> {
    let grams = prop_oneof![
        Just(0u64),
        Just(1_000),
        Just(2_000),
        Just(1_500),
        1u64..100_000_000,
    ];
    let factor = prop_oneof![
        Just(1_000_000u64),
        Just(970_000),
        Just(1_020_000),
        Just(0),
        0u64..3_000_000,
    ];
    prop::collection::vec(
        (prop::sample::select(MEMBERS.to_vec()), grams, factor)
            .prop_map(|(m, g, f)| (m.to_owned(), g, f)),
        1..12,
    )
}

fn amounts() -> impl Strategy<Value = (i64, i64, i64)> {
    (0i64..2_000_000_000_000).prop_flat_map(|p| {
        (Just(p), 0..=p).prop_flat_map(move |(p, fee)| (Just(p), Just(fee), 0..=(p - fee)))
    })
}

fn input(amounts: (i64, i64, i64), rows: &[(String, u64, u64)]) -> SettlementInput {
    SettlementInput {
        proceeds_mnt: amounts.0,
        fee_mnt: amounts.1,
        costs_mnt: amounts.2,
        intakes: rows
            .iter()
            .map(|(m, g, f)| SettlementIntake {
                member: m.clone(),
                clean_kg: format_scaled(u128::from(*g), 3),
                factor: format_scaled(u128::from(*f), 6),
            })
            .collect(),
    }
}

fn weights(rows: &[(String, u64, u64)]) -> BTreeMap<String, u128> {
    let mut w = BTreeMap::new();
    for (m, g, f) in rows {
        *w.entry(m.clone()).or_default() += u128::from(*g) * u128::from(*f);
    }
    w
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn settlement_invariants(
        amounts in amounts(),
        (rows, shuffled) in intakes().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
    ) {
        let w = weights(&rows);
        let total: u128 = w.values().sum();
        prop_assume!(total > 0);
        let s = settle(&input(amounts, &rows)).unwrap();
        let net = (amounts.0 - amounts.1 - amounts.2) as u64;

        // Sums exactly; one line per member, none negative by type, each within 1 of its quota.
        prop_assert_eq!(s.lines.iter().map(|l| l.amount_mnt).sum::<u64>(), net);
        prop_assert_eq!(s.lines.len(), w.len());
        for l in &s.lines {
            let exact = u128::from(net) * w[&l.member];
            let (floor, rem) = (exact / total, exact % total);
            let a = u128::from(l.amount_mnt);
            prop_assert!(a == floor || (a == floor + 1 && rem > 0));
        }
        // Equal weight: at most 1 MNT apart. More weight: never less.
        for x in &s.lines {
            for y in &s.lines {
                let (wx, wy) = (w[&x.member], w[&y.member]);
                if wx == wy {
                    prop_assert!(x.amount_mnt.abs_diff(y.amount_mnt) <= 1);
                }
                if wx > wy {
                    prop_assert!(x.amount_mnt >= y.amount_mnt, "{:?} {:?}", x, y);
                }
            }
        }
        // The order of the intakes does not matter.
        prop_assert_eq!(settle(&input(amounts, &shuffled)).unwrap(), s);
    }
}

const BUYERS: [&str; 5] = ["a", "b", "c", "d", "e"];
const BASE: i64 = 1_712_710_800; // 2024-04-10T01:00:00Z

/// A time `secs` after BASE, written in one of several offsets (the same instant).
fn time(secs: i64, style: u8) -> String {
    let t = chrono::DateTime::from_timestamp(BASE + secs, 0).unwrap();
    match style % 3 {
        0 => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        1 => t
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
            .to_rfc3339(),
        _ => t
            .with_timezone(&chrono::FixedOffset::west_opt(5 * 3600).unwrap())
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
    }
}

fn bids() -> impl Strategy<Value = Vec<BidInput>> {
    let amount = prop_oneof![Just(100i64), Just(150), Just(0), -10i64..400];
    prop::collection::vec(
        (
            prop::sample::select(BUYERS.to_vec()),
            amount,
            0i64..100,
            any::<u8>(),
        ),
        0..12,
    )
    .prop_map(|v| {
        v.into_iter()
            .map(|(buyer, amount_mnt, secs, style)| BidInput {
                buyer: buyer.into(),
                amount_mnt,
                at: time(secs, style),
                nonce: Some(format!("{style:02x}{secs:02x}")),
            })
            .collect()
    })
}

fn auction() -> impl Strategy<Value = (AuctionInput, Vec<BidInput>)> {
    (
        prop_oneof![Just(PriceRule::FirstPrice), Just(PriceRule::SecondPrice)],
        prop_oneof![Just(0i64), Just(100), 0i64..300],
        prop::option::of(0i64..30),
        60i64..100,
        prop::option::of(prop::sample::subsequence(BUYERS.to_vec(), 0..=5)),
        bids().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
    )
        .prop_map(|(rule, reserve, opens, closes, buyers, (bids, shuffled))| {
            let input = AuctionInput {
                rule,
                reserve_mnt: reserve,
                opens_at: opens.map(|s| time(s, 1)),
                closes_at: time(closes, 0),
                buyers: buyers.map(|b| b.into_iter().map(String::from).collect()),
                bids,
            };
            (input, shuffled)
        })
}

fn standing(input: &AuctionInput, b: &BidInput) -> bool {
    let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap();
    input.buyers.as_ref().is_none_or(|l| l.contains(&b.buyer))
        && b.amount_mnt > 0
        && b.amount_mnt >= input.reserve_mnt
        && input.opens_at.as_deref().is_none_or(|o| at(&b.at) >= at(o))
        && at(&b.at) <= at(&input.closes_at)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn auction_invariants((input, shuffled) in auction()) {
        let c = clear(&input).unwrap();
        let book = publish("A-1", &input).unwrap();
        prop_assert!(book.verify().is_ok());

        // Independent of the order of the bids.
        let again = AuctionInput { bids: shuffled, ..input.clone() };
        prop_assert_eq!(&clear(&again).unwrap(), &c);
        prop_assert_eq!(&publish("A-1", &again).unwrap(), &book);

        // Every bid is in the book; refused ones are exactly the clearing's refusals.
        prop_assert_eq!(book.bids.len(), input.bids.len());
        let refused: Vec<(&str, Refusal)> = book
            .bids
            .iter()
            .filter_map(|e| e.reason.map(|r| (e.buyer.as_str(), r)))
            .collect();
        let listed: Vec<(&str, Refusal)> =
            c.refused.iter().map(|r| (r.buyer.as_str(), r.reason)).collect();
        prop_assert_eq!(refused, listed);

        // A bid meeting every individual rule is refused only as a duplicate, and then its
        // buyer has another standing bid.
        for e in &book.bids {
            let b = BidInput {
                buyer: e.buyer.clone(),
                amount_mnt: e.amount_mnt,
                at: e.at.clone(),
                nonce: None,
            };
            let ok = standing(&input, &b);
            prop_assert_eq!(ok, e.reason.is_none() || e.reason == Some(Refusal::Duplicate));
        }
        let live: Vec<_> = book.bids.iter().filter(|e| e.reason.is_none()).collect();
        let mut buyers: Vec<_> = live.iter().map(|e| e.buyer.as_str()).collect();
        buyers.sort_unstable();
        buyers.dedup();
        prop_assert_eq!(buyers.len(), live.len(), "one standing bid per buyer");

        match (&c.winner, c.price_mnt) {
            (None, None) => prop_assert!(live.is_empty()),
            (Some(w), Some(price)) => {
                let won: Vec<_> = book.bids.iter().filter(|e| e.status == BidStatus::Won).collect();
                prop_assert_eq!(won.len(), 1);
                let win = won[0];
                // The winner is a standing bid, never a refused one, and the highest.
                prop_assert_eq!(&win.buyer, w);
                prop_assert!(win.reason.is_none());
                prop_assert!(live.iter().all(|e| e.amount_mnt <= win.amount_mnt));
                let bid = win.amount_mnt as u64;
                let reserve = input.reserve_mnt as u64;
                match input.rule {
                    PriceRule::FirstPrice => prop_assert_eq!(price, bid),
                    PriceRule::SecondPrice => {
                        prop_assert!(reserve <= price && price <= bid);
                        let second = live
                            .iter()
                            .filter(|e| e.status == BidStatus::Lost)
                            .map(|e| e.amount_mnt as u64)
                            .max();
                        prop_assert_eq!(price, second.unwrap_or(reserve).max(reserve));
                    }
                }
            }
            other => prop_assert!(false, "winner and price disagree: {:?}", other),
        }
    }
}
