use proptest::prelude::*;

use super::*;
use crate::sms::{GSM7_LIMIT, UCS2_LIMIT, gsm7_septets, ucs2_units};

fn data() -> &'static Dataset {
    Dataset::embedded()
}

fn household(goat: u64, hay_kg: u64) -> Household {
    Household {
        id: "hh-1".into(),
        soum_code: Some(18101),
        herd: Herd {
            horse: 10,
            cattle: 5,
            camel: 0,
            sheep: 150,
            goat,
        },
        hay_kg,
        fodder_kg: 0,
    }
}

#[test]
fn household_gap_and_cost() {
    let cfg = PlanConfig {
        hay_price_mnt_per_bale: Some(9_000),
        ..PlanConfig::default()
    };
    let p = plan_for_household(data(), &household(200, 3_000), &cfg, Some(4)).expect("plan");
    // SU = 70 + 30 + 150 + 180 = 430; need = 430 × 100 days × 0.75 kg = 32,250 kg.
    assert_eq!(p.sheep_units.tenths(), 4_300);
    assert_eq!(p.need_kg, 32_250);
    assert_eq!(p.gap_kg, 29_250);
    // 29,250 kg / 18 kg per bale × 9,000 MNT = 14,625,000 MNT.
    assert_eq!(p.gap_cost_mnt, 14_625_000);
    assert_eq!(p.hay_price_source, "configured");
    assert!(matches!(
        p.options[0],
        PlanOption::BuyHay { bales: 1625, .. }
    ));
    let PlanOption::SellGoats {
        goats,
        remaining_gap_kg,
        ..
    } = p.options[1]
    else {
        panic!("sell goats second: {:?}", p.options);
    };
    assert!(goats > 0 && goats <= 200);
    assert_eq!(remaining_gap_kg, 0);
    assert!(
        p.message_en.starts_with("Dzud risk 4/5."),
        "{}",
        p.message_en
    );
    assert!(p.message_mn.starts_with("Зуд 4/5."), "{}", p.message_mn);
}

#[test]
fn prices_come_from_soum_then_aimag_then_nation() {
    let cfg = PlanConfig::default();
    // Soum 26510 (Jargalant, Arkhangai) has an mVAM price of 4,500 MNT per bale.
    let mut h = household(10, 0);
    h.soum_code = Some(26510);
    let p = plan_for_household(data(), &h, &cfg, None).expect("plan");
    assert_eq!(p.hay_price_mnt_per_bale, 4_500);
    h.soum_code = Some(18101);
    let p = plan_for_household(data(), &h, &cfg, None).expect("plan");
    assert!(
        p.hay_price_source.contains("aimag 81"),
        "{}",
        p.hay_price_source
    );
    h.soum_code = None;
    let p = plan_for_household(data(), &h, &cfg, None).expect("plan");
    assert_eq!(p.hay_price_mnt_per_bale, 8_471);
}

#[test]
fn enough_hay_means_no_options() {
    let p = plan_for_household(
        data(),
        &household(10, 100_000),
        &PlanConfig::default(),
        None,
    )
    .expect("plan");
    assert_eq!(p.gap_kg, 0);
    assert!(p.options.is_empty());
    assert!(p.message_en.contains("enough"), "{}", p.message_en);
}

#[test]
fn soum_plan() {
    let p = plan_for_soum(data(), 18101, 2024, &PlanConfig::default(), Some(3)).expect("plan");
    assert!(p.species_estimated);
    assert_eq!(p.herd.head(), 147_255);
    assert_eq!(p.reserves_kg, 667_500 + 90_000);
    assert!(p.households > 1);
    assert_eq!(
        plan_for_soum(data(), 99999, 2024, &PlanConfig::default(), None),
        Err(PlanError::UnknownSoum(99999))
    );
}

#[test]
fn config_from_toml() {
    let c = PlanConfig::from_toml("winter_days = 60\nbale_kg = 20\n").expect("ok");
    assert_eq!(
        (c.winter_days, c.bale_kg, c.ration_g_per_su_day),
        (60, 20, 750)
    );
    assert!(PlanConfig::from_toml("bale_kg = 0").is_err());
}

fn herd() -> impl Strategy<Value = Herd> {
    (
        0..5_000_000u64,
        0..5_000_000u64,
        0..500_000u64,
        0..50_000_000u64,
        0..50_000_000u64,
    )
        .prop_map(|(horse, cattle, camel, sheep, goat)| Herd {
            horse,
            cattle,
            camel,
            sheep,
            goat,
        })
}

proptest! {
    #[test]
    fn gap_is_never_negative_and_messages_fit(
        herd in herd(),
        hay in 0..10_000_000_000u64,
        fodder in 0..1_000_000_000u64,
        days in 1..200u32,
        ration in 0..3_000u32,
        price in proptest::option::of(1..100_000u64),
        goat_price in proptest::option::of(0..2_000_000u64),
        risk in proptest::option::of(1..=5u8),
        soum in proptest::sample::select(vec![None, Some(18101u32), Some(26510), Some(11101)]),
    ) {
        let cfg = PlanConfig {
            winter_days: days,
            ration_g_per_su_day: ration,
            hay_price_mnt_per_bale: price,
            goat_price_mnt: goat_price,
            ..PlanConfig::default()
        };
        let h = Household { id: "x".into(), soum_code: soum, herd, hay_kg: hay, fodder_kg: fodder };
        let p = plan_for_household(data(), &h, &cfg, risk).expect("plan");
        prop_assert_eq!(p.gap_kg, p.need_kg.saturating_sub(p.reserves_kg));
        prop_assert!(p.gap_kg <= p.need_kg);
        for o in &p.options {
            match o {
                PlanOption::SellGoats { goats, hay_to_buy_kg, remaining_gap_kg, .. } => {
                    prop_assert!(*goats <= h.herd.goat);
                    prop_assert!(hay_to_buy_kg <= &p.gap_kg && remaining_gap_kg <= hay_to_buy_kg);
                }
                PlanOption::Otor { remaining_gap_kg, .. } => prop_assert!(*remaining_gap_kg <= p.gap_kg),
                PlanOption::BuyHay { kg, .. } => prop_assert_eq!(*kg, p.gap_kg),
            }
        }
        let en = gsm7_septets(&p.message_en);
        prop_assert!(en.is_some_and(|n| n <= GSM7_LIMIT), "{:?}", p.message_en);
        prop_assert!(ucs2_units(&p.message_mn) <= UCS2_LIMIT, "{:?}", p.message_mn);
    }
}
