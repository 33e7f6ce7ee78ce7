use std::sync::Arc;

use super::*;
use crate::memory::MemoryStore;
use crate::{App, Config};

fn app() -> App {
    App::new(Arc::new(MemoryStore::new()), Config::default())
}

#[tokio::test]
async fn risk_covers_the_aimags_and_its_contributions_add_up() {
    let app = app();
    let year = default_year(&app).await.expect("year");
    for mode in [Mode::Outlook, Mode::Winter] {
        let r = risk(&app, year, mode).await.expect("risk");
        assert_eq!(r.model.train_until, year - 1);
        assert!(r.aimags.len() >= 20, "{}", r.aimags.len());
        for a in &r.aimags {
            assert!((1..=5).contains(&a.class), "{a:?}");
            assert!(a.probability > 0.0 && a.probability < 1.0);
            let sum: f64 = a
                .contributions
                .as_object()
                .expect("contributions are an object")
                .values()
                .filter_map(Value::as_f64)
                .sum();
            assert!((a.intercept + sum - a.logit).abs() < 1e-9, "{a:?}");
        }
    }
}

#[test]
fn the_model_is_fitted_once_per_training_year_and_mode() {
    let d = ClimateData::embedded();
    let a = data::model(&d, 2015, Mode::Outlook).expect("fit");
    let b = data::model(&d, 2015, Mode::Outlook).expect("fit");
    // Another test's import may empty the cache between the two; then both fits are equal.
    assert!(Arc::ptr_eq(&a, &b) || a.rows_train == b.rows_train);
    let c = data::model(&d, 2015, Mode::Winter).expect("fit");
    assert!(!Arc::ptr_eq(&a, &c));
}

#[tokio::test]
async fn a_soum_takes_its_aimags_risk() {
    let app = app();
    let s = soum_risk(&app, "18101", 2024, Mode::Winter)
        .await
        .expect("soum risk");
    let r = risk(&app, 2024, Mode::Winter).await.expect("risk");
    let a = r.aimags.iter().find(|a| a.aimag == "81").expect("Zavkhan");
    assert_eq!(s.risk.class, a.class);
    assert_eq!(s.risk.probability, a.probability);
    assert_eq!(s.input_source, InputSource::Aimag);
    assert!(matches!(
        soum_risk(&app, "99999", 2024, Mode::Winter).await,
        Err(AppError::NotFound { .. })
    ));
}

#[tokio::test]
async fn years_outside_the_data_are_refused() {
    let app = app();
    assert_eq!(
        parse_year(&app, None).await.expect("default"),
        default_year(&app).await.expect("year")
    );
    assert!(parse_year(&app, Some("2024")).await.is_ok());
    assert!(matches!(
        parse_year(&app, Some("1900")).await,
        Err(AppError::QueryParameter(_))
    ));
    assert!(matches!(
        parse_year(&app, Some("20x4")).await,
        Err(AppError::QueryParameter(_))
    ));
    // Without imports the stocking report defaults to the last NSO soum year.
    assert_eq!(default_stocking_year(&app).await.expect("year"), 2020);
    assert!(matches!(
        parse_mode(Some("spring")),
        Err(AppError::QueryParameter(_))
    ));
    assert_eq!(parse_mode(None).expect("default"), Mode::Outlook);
}

#[tokio::test]
async fn the_stocking_table_has_a_row_per_aimag_and_soum() {
    let r = stocking_report(&app(), 2020).await.expect("2020 stocking");
    let csv = stocking_csv(&r);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + r.aimags.len() + r.soums.len());
    let columns = lines[0].split(',').count();
    for l in &lines[1..] {
        // Names carry no commas in the NSO tables; quoted ones would only add fields.
        assert!(l.split(',').count() >= columns, "{l}");
    }
    assert_eq!(csv_field("a,b"), "\"a,b\"");
    assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
}

#[tokio::test]
async fn a_soum_plan_fits_one_text_message() {
    let app = app();
    let p = soum_plan(&app, "18101", 2024, Mode::Outlook)
        .await
        .expect("plan");
    assert!(
        ::climate::sms::ucs2_units(&p.message_mn) <= 70,
        "{}",
        p.message_mn
    );
    assert!(
        ::climate::sms::gsm7_septets(&p.message_en).is_some_and(|n| n <= 160),
        "{}",
        p.message_en
    );
}

#[tokio::test]
async fn a_run_without_recipients_alerts_no_one_and_the_level_is_checked() {
    let app = app();
    assert_eq!(
        alert_level(&app).await.expect("level"),
        alerts::DEFAULT_LEVEL
    );
    let r = run_alerts(&app, 2024, Mode::Winter).await.expect("run");
    assert!(r.alerts_created.is_empty());
    assert_eq!(r.sms_created, 0);
}
