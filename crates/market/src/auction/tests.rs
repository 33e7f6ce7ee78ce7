use super::*;

const CLOSES: &str = "2024-04-10T12:00:00+08:00";

fn bid(buyer: &str, amount_mnt: i64, at: &str) -> BidInput {
    BidInput {
        buyer: buyer.into(),
        amount_mnt,
        at: at.into(),
        nonce: None,
    }
}

fn auction(rule: PriceRule, reserve_mnt: i64, bids: Vec<BidInput>) -> AuctionInput {
    AuctionInput {
        rule,
        reserve_mnt,
        opens_at: Some("2024-04-10T08:00:00+08:00".into()),
        closes_at: CLOSES.into(),
        buyers: None,
        bids,
    }
}

fn refused(c: &Clearing) -> Vec<(&str, Refusal)> {
    c.refused
        .iter()
        .map(|r| (r.buyer.as_str(), r.reason))
        .collect()
}

#[test]
fn each_refusal_reason() {
    let mut input = auction(
        PriceRule::FirstPrice,
        100,
        vec![
            bid("a", 150, "2024-04-10T09:00:00+08:00"),
            bid("late", 500, "2024-04-10T12:00:00.001+08:00"),
            bid("early", 500, "2024-04-10T07:59:59+08:00"),
            bid("a", 900, "2024-04-10T10:00:00+08:00"),
            bid("low", 99, "2024-04-10T09:30:00+08:00"),
            bid("zero", 0, "2024-04-10T09:30:00+08:00"),
            bid("neg", -5, "2024-04-10T09:30:00+08:00"),
            bid("stranger", 1_000, "2024-04-10T09:30:00+08:00"),
        ],
    );
    input.buyers = Some(
        ["a", "late", "early", "low", "zero", "neg"]
            .map(String::from)
            .to_vec(),
    );
    let c = clear(&input).unwrap();
    assert_eq!(c.winner.as_deref(), Some("a"));
    assert_eq!(c.price_mnt, Some(150));
    assert_eq!(
        refused(&c),
        [
            ("early", Refusal::Early),
            ("low", Refusal::BelowReserve),
            ("neg", Refusal::NonPositiveAmount),
            ("stranger", Refusal::Unauthorised),
            ("zero", Refusal::NonPositiveAmount),
            ("a", Refusal::Duplicate),
            ("late", Refusal::Late),
        ]
    );
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["refused"][1]["reason"], "below-reserve");
    assert_eq!(json["refused"][2]["reason"], "non-positive-amount");
    assert_eq!(json["refused"][3]["reason"], "unauthorised");
}

#[test]
fn boundaries_are_on_time() {
    let input = auction(
        PriceRule::FirstPrice,
        100,
        vec![
            bid("opening", 100, "2024-04-10T08:00:00+08:00"),
            // The closing instant written in UTC.
            bid("closing", 100, "2024-04-10T04:00:00Z"),
        ],
    );
    let c = clear(&input).unwrap();
    assert!(c.refused.is_empty());
    // Equal amounts: the earlier bid wins; a bid equal to the reserve stands.
    assert_eq!(c.winner.as_deref(), Some("opening"));
}

#[test]
fn first_refusal_reason_applies() {
    let mut input = auction(
        PriceRule::FirstPrice,
        100,
        vec![
            bid("x", 0, "2024-04-10T13:00:00+08:00"),
            bid("y", 0, "2024-04-10T13:00:00+08:00"),
            bid("y", 50, "2024-04-10T13:00:00+08:00"),
            bid("y", 50, "2024-04-10T07:00:00+08:00"),
        ],
    );
    input.buyers = Some(vec!["y".into()]);
    let c = clear(&input).unwrap();
    assert_eq!(
        refused(&c),
        [
            ("y", Refusal::Early),
            ("x", Refusal::Unauthorised),
            ("y", Refusal::NonPositiveAmount),
            ("y", Refusal::Late),
        ]
    );
    assert_eq!(c.winner, None);
    assert_eq!(c.price_mnt, None);
}

#[test]
fn a_refused_bid_does_not_block_a_later_valid_one() {
    let input = auction(
        PriceRule::FirstPrice,
        100,
        vec![
            bid("a", 50, "2024-04-10T09:00:00+08:00"),
            bid("a", 120, "2024-04-10T10:00:00+08:00"),
        ],
    );
    let c = clear(&input).unwrap();
    assert_eq!(refused(&c), [("a", Refusal::BelowReserve)]);
    assert_eq!(c.price_mnt, Some(120));
}

#[test]
fn same_instant_duplicates_keep_the_highest() {
    let t = "2024-04-10T09:00:00+08:00";
    let input = auction(
        PriceRule::FirstPrice,
        0,
        vec![bid("a", 300, t), bid("a", 500, t), bid("a", 400, t)],
    );
    let c = clear(&input).unwrap();
    assert_eq!(c.price_mnt, Some(500));
    assert_eq!(
        refused(&c),
        [("a", Refusal::Duplicate), ("a", Refusal::Duplicate)]
    );
}

#[test]
fn ties_go_to_the_earliest_then_the_smallest_buyer() {
    let t = "2024-04-10T09:00:00+08:00";
    let earlier = "2024-04-10T08:59:59.999+08:00";
    let c = clear(&auction(
        PriceRule::FirstPrice,
        0,
        vec![bid("c", 200, t), bid("b", 200, t), bid("z", 200, earlier)],
    ))
    .unwrap();
    assert_eq!(c.winner.as_deref(), Some("z"));
    let c = clear(&auction(
        PriceRule::SecondPrice,
        0,
        vec![bid("c", 200, t), bid("b", 200, t), bid("a", 100, t)],
    ))
    .unwrap();
    assert_eq!(c.winner.as_deref(), Some("b"));
    assert_eq!(c.price_mnt, Some(200));
}

#[test]
fn second_price_rules() {
    let t = "2024-04-10T09:00:00+08:00";
    let one = clear(&auction(
        PriceRule::SecondPrice,
        700,
        vec![bid("a", 900, t)],
    ))
    .unwrap();
    assert_eq!(one.price_mnt, Some(700));
    let two = clear(&auction(
        PriceRule::SecondPrice,
        700,
        vec![bid("a", 900, t), bid("b", 800, t), bid("c", 600, t)],
    ))
    .unwrap();
    assert_eq!(
        (two.winner.as_deref(), two.price_mnt),
        (Some("a"), Some(800))
    );
    let none = clear(&auction(
        PriceRule::SecondPrice,
        700,
        vec![bid("a", 600, t)],
    ))
    .unwrap();
    assert_eq!((none.winner, none.price_mnt), (None, None));
    let no_reserve = clear(&auction(PriceRule::SecondPrice, 0, vec![bid("a", 600, t)])).unwrap();
    assert_eq!(no_reserve.price_mnt, Some(0));
}

#[test]
fn every_error() {
    let t = "2024-04-10T09:00:00+08:00";
    let e = |input: &AuctionInput| {
        let e = clear(input).unwrap_err().to_string();
        assert!(!e.contains('\n'), "{e}");
        e
    };
    let ok = || auction(PriceRule::FirstPrice, 0, vec![bid("a", 1, t)]);
    let mut i = ok();
    i.reserve_mnt = -1;
    assert_eq!(e(&i), "reserve_mnt must not be negative, got -1");
    let mut i = ok();
    i.closes_at = "2024-04-10 noon".into();
    assert_eq!(
        e(&i),
        "closes_at: '2024-04-10 noon' is not an RFC 3339 date-time"
    );
    let mut i = ok();
    i.opens_at = Some("2024-04-10T08:00:00".into());
    assert_eq!(
        e(&i),
        "opens_at: '2024-04-10T08:00:00' is not an RFC 3339 date-time"
    );
    let mut i = ok();
    i.opens_at = Some("2024-04-10T12:00:01+08:00".into());
    assert_eq!(
        e(&i),
        "opens_at (2024-04-10T12:00:01+08:00) is after closes_at (2024-04-10T12:00:00+08:00)"
    );
    let mut i = ok();
    i.bids.push(bid("b", 1, "yesterday"));
    assert_eq!(
        e(&i),
        "bids[1].at: 'yesterday' is not an RFC 3339 date-time"
    );
    let mut i = ok();
    i.bids.push(bid("", 1, t));
    assert_eq!(e(&i), "bids[1].buyer is empty");
    let mut i = ok();
    i.buyers = Some(vec!["a".into(), String::new()]);
    assert_eq!(e(&i), "buyers[1] is empty");
    let mut i = ok();
    i.bids[0].nonce = Some("xyz".into());
    assert_eq!(e(&i), "bids[0]: nonce is not hexadecimal");
    assert_eq!(
        publish("", &ok()).unwrap_err().to_string(),
        "auction id is empty"
    );
    for text in [
        "",
        "[]",
        r#"{"rule": "dutch", "reserve_mnt": 0, "closes_at": "2024-04-10T12:00:00Z", "bids": []}"#,
        r#"{"rule": "first-price", "reserve_mnt": 0, "bids": []}"#,
        r#"{"rule": "first-price", "reserve_mnt": 0.5, "closes_at": "x", "bids": []}"#,
    ] {
        let e = clear_json(text).unwrap_err().to_string();
        assert!(
            e.starts_with("invalid auction input: ") && !e.contains('\n'),
            "{e}"
        );
    }
}

#[test]
fn empty_auction_has_no_winner() {
    let c = clear(&auction(PriceRule::SecondPrice, 10, vec![])).unwrap();
    assert_eq!(c.winner, None);
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(
        json,
        r#"{"winner":null,"price_mnt":null,"rule":"second-price","refused":[]}"#
    );
}

#[test]
fn book_verifies_and_catches_tampering() {
    let mut input = auction(
        PriceRule::SecondPrice,
        100,
        vec![
            bid("a", 150, "2024-04-10T09:00:00+08:00"),
            bid("b", 140, "2024-04-10T09:10:00+08:00"),
            bid("c", 50, "2024-04-10T09:20:00+08:00"),
        ],
    );
    for (k, b) in input.bids.iter_mut().enumerate() {
        b.nonce = Some(format!("AA{k:02}"));
    }
    let book = publish("A-7", &input).unwrap();
    assert!(book.verify().is_ok());
    assert_eq!(book.bids[0].nonce.as_deref(), Some("aa00"));
    let statuses: Vec<_> = book.bids.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [BidStatus::Won, BidStatus::Lost, BidStatus::Refused]
    );
    let receipt = book.bids[1].commitment.clone().unwrap();
    assert_eq!(book.find(&receipt.to_uppercase()).unwrap().buyer, "b");
    assert!(book.find("00").is_none());

    let mut t = book.clone();
    t.bids[1].amount_mnt = 149;
    assert_eq!(t.verify(), Err(BookError::Commitment(1)));
    let mut t = book.clone();
    t.bids[2].status = BidStatus::Lost;
    assert_eq!(t.verify(), Err(BookError::Entry(2)));
    let mut t = book.clone();
    t.bids.swap(0, 1);
    assert_eq!(t.verify(), Err(BookError::Entry(0)));
    let mut t = book.clone();
    t.price_mnt = Some(150);
    assert_eq!(t.verify(), Err(BookError::Outcome));
    let mut t = book.clone();
    t.closes_at = "never".into();
    assert!(matches!(t.verify(), Err(BookError::Invalid(_))));
    // A bid without a nonce has no commitment, and may not gain one.
    let mut t = book;
    t.bids[0].nonce = None;
    assert_eq!(t.verify(), Err(BookError::Commitment(0)));
}
