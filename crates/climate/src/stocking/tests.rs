use super::*;

#[test]
fn default_config_is_complete_and_unverified() {
    let c = CapacityConfig::defaults();
    assert!(!c.verified);
    for a in mongolia::aimags() {
        assert!(c.zone_of_aimag(a.code).is_some(), "zone of {}", a.name_en);
    }
}

#[test]
fn overrides_merge_and_are_checked() {
    let c = CapacityConfig::with_overrides(
        "verified = true\n[zones.steppe]\nsu_per_ha = 0.6\n[soums.\"18101\"]\ncapacity_su = 100000\n",
    )
    .expect("valid");
    assert!(c.verified);
    assert_eq!(c.zones["steppe"].su_per_ha, 0.6);
    assert_eq!(c.zones["desert"].su_per_ha, 0.1);
    assert_eq!(
        CapacityConfig::with_overrides("[aimags]\n\"65\" = \"tundra\"\n"),
        Err(ConfigError::UnknownZone {
            aimag: "65".into(),
            zone: "tundra".into()
        })
    );
    assert!(matches!(
        CapacityConfig::with_overrides("pasture_fraction = -1.0"),
        Err(ConfigError::NotPositive { .. })
    ));
    assert!(matches!(
        CapacityConfig::with_overrides("[soums.\"123\"]\ncapacity_su = 5.0"),
        Err(ConfigError::BadCode(_))
    ));
    assert!(matches!(
        CapacityConfig::with_overrides("[["),
        Err(ConfigError::Toml(_))
    ));
}

/// Tolerance of the national check, in SU: the source gives thousand head to one decimal per
/// aimag, species and year (±50 head per cell, 22 units), and its aimags-plus-halved-Ulaanbaatar
/// match the national series within 1,000 head per species (SOURCE.md). 1,000 head of each
/// species is 7,000 + 6,000 + 5,000 + 1,000 + 900 = 19,900 SU; allow 25,000 SU.
const NATIONAL_TOLERANCE_SU: f64 = 25_000.0;

#[test]
fn aimag_totals_agree_with_the_national_su_series() {
    let c = CapacityConfig::defaults();
    for year in (1980..=2024).filter(|&y| y != 1979) {
        let r = stocking(year, &c).expect("report");
        let series = r.national_series_million_su.expect("series") * 1e6;
        let ours = r.national_sheep_units.as_f64();
        assert!(
            (ours - series).abs() <= NATIONAL_TOLERANCE_SU,
            "{year}: aimags {ours} vs national {series}"
        );
    }
    // domain-facts §3.1: 2019 national SFU 119.0 M.
    let r = stocking(2019, &c).expect("report");
    assert!((r.national_sheep_units.as_f64() / 1e6 - 119.0).abs() < 0.1);
}

#[test]
fn soum_rows_exist_for_soum_census_years_and_are_marked_estimated() {
    let c =
        CapacityConfig::with_overrides("[soums.\"18101\"]\ncapacity_su = 100000\n").expect("ok");
    let r = stocking(2019, &c).expect("report");
    assert_eq!(r.soums.len(), 339);
    let u = r
        .soums
        .iter()
        .find(|s| s.code == "18101")
        .expect("Uliastai");
    assert!(u.species_estimated);
    assert_eq!(u.total_head, 154_001);
    assert_eq!(u.head_estimated.head(), 154_001);
    assert_eq!(u.capacity_basis, CapacityBasis::Configured);
    let expect_ratio = u.sheep_units.as_f64() / 100_000.0;
    assert!((u.ratio.expect("ratio") - expect_ratio).abs() < 0.001);
    assert!(r.notes.iter().any(|n| n.contains("ESTIMATED")));
    assert!(r.notes.iter().any(|n| n.contains("UNVERIFIED")));
    // Soum totals add up to the NSO national soum total.
    let sum: u64 = r.soums.iter().map(|s| s.total_head).sum();
    assert_eq!(sum, 70_969_315);
    assert!(stocking(2015, &c).expect("report").soums.is_empty());
}

#[test]
fn over_capacity_lists_units_above_capacity_largest_first() {
    let c = CapacityConfig::with_overrides("[soums.\"18101\"]\ncapacity_su = 1000\n").expect("ok");
    let r = stocking(2019, &c).expect("report");
    assert!(!r.over_capacity.is_empty());
    for w in r.over_capacity.windows(2) {
        assert!(w[0].ratio >= w[1].ratio);
    }
    let u = r
        .over_capacity
        .iter()
        .find(|o| o.code == "18101")
        .expect("Uliastai over");
    assert_eq!(u.level, "soum");
    let su = r
        .soums
        .iter()
        .find(|s| s.code == "18101")
        .expect("row")
        .sheep_units;
    assert_eq!(u.excess_su, (su.tenths() - 10_000).div_ceil(10));
    for o in &r.over_capacity {
        assert!(o.ratio > 1.0);
    }
    let json = serde_json::to_value(&r).expect("serialises");
    assert!(json["aimags"][0]["sheep_units"].is_number());
}

#[test]
fn trend_and_goat_share() {
    let r = stocking(2019, &CapacityConfig::defaults()).expect("report");
    let a = r.aimags.iter().find(|a| a.code == "65").expect("Arkhangai");
    assert_eq!(a.trend.len(), 10);
    assert_eq!(a.trend.last().map(|t| t.year), Some(2019));
    assert!(a.goat_share > 0.2 && a.goat_share < 0.6);
    assert!(a.trend_pct_per_year.is_some());
    assert_eq!(
        stocking(1900, &CapacityConfig::defaults()),
        Err(StockingError::NoData(1900))
    );
}
