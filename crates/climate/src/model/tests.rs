use proptest::prelude::*;

use super::*;

fn data() -> &'static Dataset {
    Dataset::embedded()
}

#[test]
fn outlook_beats_drought_alone_out_of_sample() {
    let r = skill(2015, Mode::Outlook).expect("fits");
    assert_eq!((r.test_from, r.test_to), (2016, 2024));
    assert_eq!(r.rows_test, 21 * 9);
    let drought = r
        .baselines
        .iter()
        .find(|b| b.name == "drought_alone")
        .expect("baseline");
    // The figure for drought alone on these winters is about 0.65.
    assert!((drought.auc - 0.65).abs() < 0.01, "{}", drought.auc);
    assert!(
        r.auc > r.reference_auc,
        "outlook AUC {} vs drought alone {}",
        r.auc,
        r.reference_auc
    );
    assert!(r.beats_reference);
}

#[test]
fn winter_update_beats_temperature_alone_out_of_sample() {
    let r = skill(2015, Mode::Winter).expect("fits");
    let temp = r
        .baselines
        .iter()
        .find(|b| b.name == "temperature_alone")
        .expect("baseline");
    // The figure for winter temperature alone is about 0.71.
    assert!((temp.auc - 0.71).abs() < 0.01, "{}", temp.auc);
    assert!(
        r.auc > r.reference_auc,
        "winter AUC {} vs temperature alone {}",
        r.auc,
        r.reference_auc
    );
    assert!(r.spearman > 0.0 && r.brier < r.brier_climatology);
}

#[test]
fn skill_reports_are_stable() {
    // The model card quotes these figures: a change must be reviewed and the card updated.
    let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
    for mode in [Mode::Outlook, Mode::Winter] {
        let r = skill(2015, mode).expect("fits");
        let mut v = serde_json::to_value(&r).expect("serialises");
        round_all(&mut v, &round);
        insta::assert_json_snapshot!(format!("skill_{mode:?}").to_lowercase(), v);
    }
}

fn round_all(v: &mut serde_json::Value, f: &dyn Fn(f64) -> f64) {
    match v {
        serde_json::Value::Number(n) if n.is_f64() => {
            *v = serde_json::json!(f(n.as_f64().unwrap_or(0.0)));
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| round_all(x, f)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| round_all(x, f)),
        _ => {}
    }
}

#[test]
fn hindcast_covers_every_aimag_year() {
    let rows = hindcast(2015, Mode::Outlook).expect("fits");
    assert_eq!(rows.len(), 693);
    assert_eq!(rows.first().map(|r| r.year), Some(1992));
    assert_eq!(rows.last().map(|r| r.year), Some(2024));
    let r = rows
        .iter()
        .find(|r| r.aimag_code == "65" && r.year == 2010)
        .expect("Arkhangai 2010");
    assert_eq!(r.aimag, "Arkhangai");
    assert!(r.in_sample);
    assert!((r.intercept + r.contributions.sum() - r.logit).abs() < 1e-12);
    // 1992 has no prior winter in the panel: that input is imputed and says so.
    let first = rows.iter().find(|r| r.year == 1992).expect("1992");
    assert_eq!(first.imputed, vec!["last_winter_mortality"]);
    let json = serde_json::to_value(r).expect("serialises");
    assert!(json["contributions"]["prev_summer_spei"].is_number());
}

#[test]
fn fitting_is_deterministic_and_respects_the_cutoff() {
    let a = Model::fit(data(), 2015, Mode::Winter).expect("fits");
    let b = Model::fit(data(), 2015, Mode::Winter).expect("fits");
    assert_eq!(a, b);
    // Changing a test-year figure must not change the model.
    let mut d = data().clone();
    if let Some(r) = d.panel.get_mut(&(65, 2020)) {
        r.all_sfu = 0.9;
        r.temp_winter_c = -40.0;
    }
    assert_eq!(Model::fit(&d, 2015, Mode::Winter).expect("fits"), a);
    // Drier, colder, after heavy losses: riskier.
    let t = |f: Feature| a.terms.iter().find(|t| t.feature == f).expect("term").coef;
    assert!(t(Feature::PrevSummerSpei) < 0.0);
    assert!(t(Feature::WinterTemperature) < 0.0);
    assert!(t(Feature::LastWinterMortality) > 0.0);
}

#[test]
fn outlook_for_the_coming_winter_uses_latest_summer() {
    let m = Model::fit(data(), 2024, Mode::Outlook).expect("fits");
    let i = Inputs::from_data(data(), 65, 2025);
    assert!(i.spei_prev_summer.is_some() && i.last_winter_mortality.is_some());
    assert!(i.sheep_units_per_ha.is_some() && i.winter_temp_c.is_none());
    let p = m.predict(&i);
    assert!(p.imputed.is_empty());
    assert!((1..=5).contains(&p.class));
}

#[test]
fn soum_inputs_fall_back_to_the_aimag() {
    let (i, src) = Inputs::for_soum(data(), 18101, 2020).expect("Uliastai");
    assert_eq!(src, InputSource::Aimag);
    assert_eq!(i, Inputs::from_data(data(), 81, 2020));
    assert_eq!(
        Inputs::for_soum(data(), 99999, 2020),
        Err(ModelError::UnknownSoum(99999))
    );
}

#[test]
fn classes_follow_the_documented_bounds() {
    assert_eq!(risk_class(0.0), 1);
    assert_eq!(risk_class(0.0499), 1);
    assert_eq!(risk_class(0.05), 2);
    assert_eq!(risk_class(0.2), 3);
    assert_eq!(risk_class(0.3), 4);
    assert_eq!(risk_class(0.5), 5);
    assert_eq!(risk_class(1.0), 5);
}

#[test]
fn expert_weights_enter_as_their_own_contributions() {
    let m = Model::fit(data(), 2015, Mode::Winter)
        .expect("fits")
        .with_expert_weights(ExpertWeights {
            snow_per_sd: 0.5,
            hay_shortfall: 1.0,
        });
    let mut i = Inputs::from_data(data(), 65, 2010);
    i.snow_z = Some(2.0);
    i.hay_coverage = Some(0.25);
    let p = m.predict(&i);
    assert_eq!(p.contributions.get("snow_expert"), Some(1.0));
    assert_eq!(p.contributions.get("hay_expert"), Some(0.75));
}

proptest! {
    #[test]
    fn contributions_sum_to_the_logit(
        spei in proptest::option::of(-3.0f64..3.0),
        mort in proptest::option::of(0.0f64..0.6),
        dens in proptest::option::of(0.01f64..50.0),
        temp in proptest::option::of(-35.0f64..0.0),
        snow in proptest::option::of(-3.0f64..3.0),
        hay in proptest::option::of(0.0f64..2.0),
        aimag in proptest::sample::select(vec![11u8, 21, 46, 65, 81, 85]),
        winter in any::<bool>(),
    ) {
        let mode = if winter { Mode::Winter } else { Mode::Outlook };
        let m = Model::fit(data(), 2015, mode).expect("fits").with_expert_weights(ExpertWeights {
            snow_per_sd: 0.3,
            hay_shortfall: 0.8,
        });
        let p = m.predict(&Inputs {
            aimag_code: aimag,
            year: 2020,
            spei_prev_summer: spei,
            last_winter_mortality: mort,
            sheep_units_per_ha: dens,
            winter_temp_c: temp,
            snow_z: snow,
            hay_coverage: hay,
        });
        prop_assert!((p.intercept + p.contributions.sum() - p.logit).abs() < 1e-9);
        prop_assert!((0.0..=1.0).contains(&p.probability));
        prop_assert_eq!(p.class, risk_class(p.probability));
    }
}
