//! Snapshots of the documents the CLI and API print, from the crate's own fixtures.

use market::auction::{clear_json, parse_input, publish};
use market::index::{SaleRecord, price_index};
use market::settlement::settle_json;

const SETTLEMENT: &str = include_str!("fixtures/settlement.json");
const AUCTION: &str = include_str!("fixtures/auction.json");
const SALES: &str = include_str!("fixtures/sales.json");

#[test]
fn settlement() {
    let s = settle_json(SETTLEMENT).unwrap();
    assert_eq!(s.distributed_mnt(), 57_650_000 - 1_153_000 - 382_500);
    // Same weight (64.125 kg × 0.97): amounts at most 1 MNT apart.
    let a = s.amount_for("hh-0019").unwrap();
    let b = s.amount_for("hh-0388").unwrap();
    assert!(a.abs_diff(b) <= 1);
    insta::assert_json_snapshot!(s);
}

#[test]
fn auction_clearing() {
    let c = clear_json(AUCTION).unwrap();
    assert_eq!(c.winner.as_deref(), Some("gobi-trading"));
    assert_eq!(c.price_mnt, Some(57_650_000));
    insta::assert_json_snapshot!(c);
}

#[test]
fn bid_book() {
    let book = publish("A-2024-005", &parse_input(AUCTION).unwrap()).unwrap();
    assert!(book.verify().is_ok());
    insta::assert_json_snapshot!(book);
}

#[test]
fn price_index_json_and_csv() {
    let records: Vec<SaleRecord> = serde_json::from_str(SALES).unwrap();
    let index = price_index(&records, Some("2024-W14".parse().unwrap())).unwrap();
    insta::assert_json_snapshot!(index);
    insta::assert_snapshot!("price_index_csv", index.to_csv());
}
