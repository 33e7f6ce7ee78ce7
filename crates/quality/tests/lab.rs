//! Lab results: range and consistency checks, the lab-test event (profile check, EPCIS
//! validation, JSON-LD round trip).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, FixedOffset};
use proptest::prelude::*;
use quality::{
    Bin, Colour, Composition, Histogram, LabProblem, LabResult, Measurements, Method, Milli,
    Tolerances,
};

fn m(s: &str) -> Milli {
    s.parse().unwrap()
}

/// A symmetric 1-µm histogram centred on the [15, 16) class: mean exactly 15.5 µm.
fn histogram() -> Histogram {
    let side = ["16", "12", "7.5", "3.5", "1.2", "0.4", "0.1"];
    let mut pcts: Vec<&str> = side.iter().rev().copied().collect();
    pcts.push("18.6");
    pcts.extend(side);
    Histogram {
        bins: pcts
            .iter()
            .enumerate()
            .map(|(i, p)| Bin {
                from_um: Milli::from_int(8 + i as i32),
                to_um: Milli::from_int(9 + i as i32),
                pct: m(p),
            })
            .collect(),
    }
}

fn result() -> LabResult {
    LabResult {
        lot: "urn:epc:class:lgtin:4012345.012345.DH25-000017".into(),
        lot_kg: Some(m("412.5")),
        lab: "https://id.nooluur.org/lab/1".into(),
        sample_id: "UB-2025-00417".into(),
        methods: vec![Method::Iwto47, Method::Iso17751Part1],
        tested_at: DateTime::parse_from_rfc3339("2025-05-14T10:30:00+08:00").unwrap(),
        device: Some("https://id.nooluur.org/lab/1/ofda-2000".into()),
        certification: vec!["https://id.nooluur.org/lab/1/report/417".into()],
        measurements: Measurements {
            mfd_um: Some(m("15.5")),
            sd_um: Some(m("3.3")),
            cv_pct: Some(m("21.3")),
            over30_pct: Some(m("0.4")),
            length_mm: Some(m("40")),
            yield_pct: Some(m("55")),
            coarse_hair_pct: Some(m("0.2")),
            impurity_pct: Some(m("0.3")),
            colour: Some(Colour::White),
            composition: Some(Composition {
                cashmere_pct: m("98.5"),
                yak_pct: m("1"),
                sheep_wool_pct: m("0.5"),
                ..Composition::default()
            }),
        },
        histogram: Some(histogram()),
    }
}

fn problems(r: &LabResult) -> Vec<LabProblem> {
    r.validate().err().map(|e| e.problems).unwrap_or_default()
}

fn messages(r: &LabResult) -> Vec<String> {
    problems(r).iter().map(ToString::to_string).collect()
}

fn has(msgs: &[String], needle: &str) {
    assert!(
        msgs.iter().any(|p| p.contains(needle)),
        "no problem mentions {needle:?}: {msgs:#?}"
    );
}

#[test]
fn the_fixture_is_valid() {
    result().validate().unwrap();
}

#[test]
fn values_outside_physical_ranges_name_field_value_and_range() {
    type Case = (fn(&mut Measurements), &'static str);
    let cases: &[Case] = &[
        (
            |x| x.mfd_um = Some(m("250")),
            "mfd_um = 250 is outside the allowed range 5–150 µm",
        ),
        (
            |x| x.mfd_um = Some(m("4.999")),
            "mfd_um = 4.999 is outside the allowed range 5–150 µm",
        ),
        (
            |x| x.sd_um = Some(m("-1")),
            "sd_um = -1 is outside the allowed range 0–75 µm",
        ),
        (
            |x| x.cv_pct = Some(m("100.001")),
            "cv_pct = 100.001 is outside the allowed range 0–100 %",
        ),
        (
            |x| x.over30_pct = Some(m("101")),
            "over30_pct = 101 is outside the allowed range 0–100 %",
        ),
        (
            |x| x.length_mm = Some(m("0.5")),
            "length_mm = 0.5 is outside the allowed range 1–400 mm",
        ),
        (
            |x| x.length_mm = Some(m("400.001")),
            "length_mm = 400.001 is outside the allowed range 1–400 mm",
        ),
        (
            |x| x.yield_pct = Some(m("-0.001")),
            "yield_pct = -0.001 is outside the allowed range 0–100 %",
        ),
        (
            |x| x.coarse_hair_pct = Some(m("120")),
            "coarse_hair_pct = 120 is outside the allowed range 0–100 %",
        ),
        (
            |x| x.impurity_pct = Some(m("-3")),
            "impurity_pct = -3 is outside the allowed range 0–100 %",
        ),
        (
            |x| x.composition.as_mut().unwrap().yak_pct = m("-1"),
            "composition.yak_pct = -1 is outside the allowed range 0–100 %",
        ),
    ];
    for (set, expected) in cases {
        // Without CV and histogram, a changed SD or mean contradicts nothing else.
        let mut r = result();
        r.measurements.cv_pct = None;
        r.histogram = None;
        set(&mut r.measurements);
        let msgs = messages(&r);
        has(&msgs, expected);
        let out_of_range: Vec<_> = problems(&r)
            .into_iter()
            .filter(|p| matches!(p, LabProblem::OutOfRange { .. }))
            .collect();
        assert_eq!(out_of_range.len(), 1, "{msgs:#?}");
    }
    // Exactly at the range bounds is fine.
    let mut r = result();
    r.histogram = None;
    r.measurements.sd_um = None;
    r.measurements.cv_pct = Some(m("100"));
    r.measurements.mfd_um = Some(m("5"));
    r.measurements.length_mm = Some(m("400"));
    r.validate().unwrap();
    // Problems are structured for the CLI and HTTP.
    let mut r = result();
    r.measurements.over30_pct = Some(m("101"));
    let json = serde_json::to_value(r.validate().unwrap_err()).unwrap();
    assert_eq!(
        json["problems"][0],
        serde_json::json!({"kind": "out-of-range", "field": "over30_pct", "value": 101.0, "min": 0.0, "max": 100.0, "unit": "%"})
    );
}

#[test]
fn cv_must_agree_with_sd_and_mean_within_the_tolerance() {
    // 3.3 / 15.5 × 100 = 21.290…; the tolerance is 0.5 points.
    let mut r = result();
    r.histogram = None;
    for (cv, ok) in [
        ("21.3", true),
        ("21.79", true),
        ("21.791", false),
        ("20.791", true),
        ("20.79", false),
    ] {
        r.measurements.cv_pct = Some(m(cv));
        assert_eq!(r.validate().is_ok(), ok, "cv {cv}: {:?}", messages(&r));
    }
    r.measurements.cv_pct = Some(m("24"));
    has(
        &messages(&r),
        "cv_pct, sd_um, mfd_um: CV 24 % does not match SD ÷ mean × 100 = 3.3 ÷ 15.5 × 100 ≈ 21.29 %",
    );
    // Exactly at the tolerance: mean 10, SD 2 → 20 %; 20.5 passes, 20.501 fails.
    r.measurements.mfd_um = Some(m("10"));
    r.measurements.sd_um = Some(m("2"));
    r.measurements.cv_pct = Some(m("20.5"));
    r.validate().unwrap();
    r.measurements.cv_pct = Some(m("20.501"));
    assert!(r.validate().is_err());
    let loose = Tolerances {
        cv_points: m("1"),
        ..Tolerances::default()
    };
    r.validate_with(&loose).unwrap();
    // Without SD there is nothing to compare.
    r.measurements.sd_um = None;
    r.validate().unwrap();
}

#[test]
fn composition_must_sum_to_100_within_the_tolerance() {
    let mut r = result();
    let c = r.measurements.composition.as_mut().unwrap();
    c.cashmere_pct = m("99"); // 99 + 1 + 0.5 = 100.5: at the tolerance
    r.validate().unwrap();
    r.measurements.composition.as_mut().unwrap().cashmere_pct = m("99.001");
    has(
        &messages(&r),
        "composition: the shares sum to 100.501 %, not 100 % (allowed difference 0.5 points)",
    );
    r.measurements.composition.as_mut().unwrap().cashmere_pct = m("98");
    r.validate().unwrap();
    r.measurements.composition.as_mut().unwrap().cashmere_pct = m("97.999");
    has(&messages(&r), "the shares sum to 99.499 %");
}

#[test]
fn histograms_must_be_ordered_sum_to_100_and_match_the_mean() {
    let mut r = result();
    r.histogram.as_mut().unwrap().bins[7].pct = m("20");
    has(&messages(&r), "histogram: the class shares sum to 101.4 %");
    let mut r = result();
    r.histogram.as_mut().unwrap().bins.swap(3, 4);
    has(&messages(&r), "overlaps or precedes the one before");
    let mut r = result();
    let b = &mut r.histogram.as_mut().unwrap().bins[0];
    b.to_um = b.from_um;
    has(&messages(&r), "the class [8, 8) µm is empty");
    let mut r = result();
    r.histogram.as_mut().unwrap().bins[2].pct = m("-1");
    has(
        &messages(&r),
        "histogram.bins[2].pct = -1 is outside the allowed range 0–100 %",
    );
    let mut r = result();
    r.histogram.as_mut().unwrap().bins.clear();
    has(&messages(&r), "a histogram needs at least one class");
    // The mean may be off by half a class (0.5 µm) plus 0.2 µm.
    let mut r = result();
    r.histogram = Some(histogram());
    r.measurements.sd_um = None;
    r.measurements.mfd_um = Some(m("16.2"));
    r.validate().unwrap();
    r.measurements.mfd_um = Some(m("16.201"));
    has(
        &messages(&r),
        "the histogram's mean ≈ 15.50 µm is too far from mfd_um 16.201 µm",
    );
    r.measurements.mfd_um = Some(m("14.8"));
    r.validate().unwrap();
    r.measurements.mfd_um = Some(m("14.799"));
    assert!(r.validate().is_err());
}

#[test]
fn methods_identifiers_and_lot_mass_are_checked() {
    let mut r = result();
    r.methods = vec![Method::Iwto47];
    has(
        &messages(&r),
        "a fibre composition needs a fibre-identification method",
    );
    r.methods = vec![Method::Iwto58];
    has(
        &messages(&r),
        "a diameter histogram needs a diameter instrument",
    );
    r.methods = vec![];
    has(&messages(&r), "methods: name at least one test method");
    let mut r = result();
    r.methods.push(Method::parse("ASTM D2130"));
    r.validate().unwrap();
    assert_eq!(Method::parse(" iwto 47 "), Method::Iwto47);
    assert_eq!(Method::parse("ISO17751-2"), Method::Iso17751Part2);
    assert_eq!(Method::parse("IWTO-8"), Method::Iwto8);
    let mut r = result();
    r.lot = "DH25-000017".into();
    r.lab = String::new();
    r.sample_id = " ".into();
    r.lot_kg = Some(Milli::ZERO);
    r.certification = vec!["not a uri".into()];
    let msgs = messages(&r);
    has(&msgs, "lot: 'DH25-000017' is not a valid identifier");
    has(&msgs, "lab: '' is not a valid identifier");
    has(&msgs, "sample_id: the lab's sample id must not be empty");
    has(
        &msgs,
        "lot_kg = 0 is outside the allowed range 0.001–1000000 kg",
    );
    has(&msgs, "certification[0]: 'not a uri' is not a URI");
    let mut r = result();
    r.tested_at = DateTime::parse_from_rfc3339("2025-05-14T10:30:00+08:00")
        .unwrap()
        .with_timezone(&FixedOffset::east_opt(8 * 3600 + 30).unwrap());
    has(
        &messages(&r),
        "tested_at: time-zone offset +08:00:30 is not whole minutes",
    );
    let mut r = result();
    r.measurements = Measurements::default();
    r.histogram = None;
    has(&messages(&r), "a lab result needs at least one measurement");
}

fn capture_json(r: &LabResult) -> serde_json::Value {
    epcis::jsonld::to_value(&r.to_document().unwrap())
}

#[test]
fn the_event_passes_the_profile_check() {
    let r = result();
    let e = r.to_event().unwrap();
    let profiled = provenance::profile::read(0, &e, &quality::namespaces())
        .unwrap()
        .expect("claims the profile");
    assert_eq!(profiled.process, provenance::Process::LabTest);
    let provenance::Step::LabTest(t) = profiled.step else {
        panic!("not a lab test")
    };
    assert_eq!(t.lots.len(), 1);
    let kinds: Vec<&str> = t.measurements.iter().map(|m| m.kind.as_str()).collect();
    for documented in provenance::profile::MEASUREMENTS.iter().map(|(k, _)| *k) {
        assert!(
            kinds.contains(&documented),
            "{documented} missing from {kinds:?}"
        );
    }
    let mfd = t
        .measurements
        .iter()
        .find(|m| m.kind == "MeanFibreDiameter")
        .unwrap();
    assert_eq!((mfd.value, mfd.uom.as_deref()), (Some(15.5), Some("4H")));
}

#[test]
fn the_event_is_valid_epcis_json_ld() {
    let v = capture_json(&result());
    let strict = epcis::validate::validate_json_document(&v);
    assert!(strict.is_empty(), "{strict:#?}");
    let capture = epcis::validate::validate_for_capture(&v);
    assert!(capture.is_empty(), "{capture:#?}");
    assert_eq!(v["@context"][1]["cm"], provenance::NS);
    assert!(
        v["@context"][1].get("cmq").is_none(),
        "one vocabulary namespace"
    );
    insta::assert_json_snapshot!("lab_test_document", v);
}

#[test]
fn the_event_round_trips_through_json_ld_text() {
    let r = result();
    let text = epcis::jsonld::to_string(&r.to_document().unwrap());
    let doc = epcis::jsonld::parse_document(text.as_bytes()).unwrap();
    let back = LabResult::from_event_with(&doc.events[0], &doc.namespaces, &Tolerances::default())
        .unwrap();
    assert_eq!(back, r);
    assert_eq!(back.tested_at.offset(), r.tested_at.offset());
    assert_eq!(LabResult::from_event(&r.to_event().unwrap()).unwrap(), r);
}

#[test]
fn the_reader_takes_any_prefix_bound_to_the_namespaces_and_expanded_iris() {
    let r = result();
    let e = r.to_event().unwrap();
    let text = serde_json::to_string(&e).unwrap();
    let renamed: epcis::Event = serde_json::from_str(&text.replace("\"cm:", "\"c:")).unwrap();
    let mut ns = epcis::Namespaces::new();
    ns.insert("c", provenance::NS);
    assert_eq!(
        LabResult::from_event_with(&renamed, &ns, &Tolerances::default()).unwrap(),
        r
    );
    let expanded: epcis::Event =
        serde_json::from_str(&text.replace("\"cm:", &format!("\"{}", provenance::NS))).unwrap();
    assert_eq!(
        LabResult::from_event_with(&expanded, &epcis::Namespaces::new(), &Tolerances::default())
            .unwrap(),
        r
    );
}

fn reports(ev: &mut epcis::Event) -> &mut Vec<epcis::SensorReport> {
    &mut ev.sensor_element_list.as_mut().unwrap()[0].sensor_report
}

fn refused(e: &epcis::Event) -> Vec<String> {
    LabResult::from_event(e)
        .unwrap_err()
        .problems
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn the_reader_refuses_what_is_not_a_good_lab_test() {
    let e = result().to_event().unwrap();
    let mut other = e.clone();
    other.extensions.remove("cm:profile");
    has(&refused(&other), "does not claim the cashmere profile");
    let mut other = e.clone();
    other.biz_step = Some("shipping".into());
    has(
        &refused(&other),
        "/bizStep: lab-test must have bizStep inspecting",
    );
    let mut other = e.clone();
    other.extensions.remove("cm:sampleID");
    has(&refused(&other), "/cm:sampleID: is missing");
    let mut other = e.clone();
    other.extensions.remove("cm:testMethod");
    has(&refused(&other), "/cm:testMethod: is missing");
    let mut other = e.clone();
    reports(&mut other)[1].uom = Some("MMT".into()); // the SD
    has(
        &refused(&other),
        "sensorReport/1/uom: FibreDiameterSD is measured in 4H, not MMT",
    );
    let mut other = e.clone();
    reports(&mut other)[0].uom = Some("MMT".into()); // the mean: the profile says so
    has(
        &refused(&other),
        "MeanFibreDiameter is measured in 4H, not MMT",
    );
    let mut other = e.clone();
    reports(&mut other)[1].kind = Some("cm:Fineness".into());
    has(
        &refused(&other),
        "'cm:Fineness' is not a measurement of the profile",
    );
    let mut other = e.clone();
    let dup = reports(&mut other)[0].clone();
    reports(&mut other).push(dup);
    has(&refused(&other), "cm:MeanFibreDiameter is reported twice");
    let mut other = e.clone();
    reports(&mut other)[0].value = Some(serde_json::Number::from_f64(250.0).unwrap());
    has(
        &refused(&other),
        "mfd_um = 250 is outside the allowed range",
    );
    let mut other = e.clone();
    let colour = reports(&mut other)
        .iter_mut()
        .find(|r| r.string_value.is_some())
        .unwrap();
    colour.string_value = Some("purple".into());
    has(&refused(&other), "'purple' is not a colour class");
    let mut other = e.clone();
    let class = reports(&mut other).last_mut().unwrap();
    class.extensions.remove("cm:classToUm");
    has(&refused(&other), "a diameter class needs its bounds in µm");
    // A measurement of another vocabulary is left alone.
    let mut other = e.clone();
    reports(&mut other).push(epcis::SensorReport {
        kind: Some("gs1:Temperature".into()),
        value: Some(21.into()),
        uom: Some("CEL".into()),
        ..Default::default()
    });
    assert_eq!(LabResult::from_event(&other).unwrap(), result());
}

/// Valid lab results: consistent CV, composition summing to 100, a histogram centred on the
/// mean.
fn any_result() -> impl Strategy<Value = LabResult> {
    let ms = (
        (13_000i64..=25_000, 1_500i64..=6_000),
        prop::option::of(0i64..=5_000),
        prop::option::of(25_000i64..=50_000),
        prop::option::of(any::<bool>()),
        prop::option::of((0i64..=10_000, 0i64..=10_000, 0i64..=5_000)),
        prop::option::of(prop::sample::select(Colour::ALL.to_vec())),
        (
            prop::option::of(0i64..=3_000),
            prop::option::of(30_000i64..=70_000),
        ),
    );
    let meta = (
        prop::collection::vec(any::<u8>(), 1..4),
        "[A-Z0-9-]{1,12}",
        0i64..2_000_000_000,
        -12i32..=14,
        prop::option::of(1i64..=2_000_000),
        any::<bool>(),
        prop::collection::vec(1u32..=40, 0..3),
    );
    (ms, meta).prop_map(
        |(
            ((mfd, sd), over30, length, with_cv, comp, colour, (hair, yld)),
            (methods, sample, secs, tz, kg, histo, certs),
        )| {
            let mfd = Milli::from_thousandths(mfd);
            let sd = Milli::from_thousandths(sd);
            // CV rounded to 0.001 from the exact ratio.
            let cv = (i128::from(sd.thousandths()) * 100_000 * 2 + i128::from(mfd.thousandths()))
                / (2 * i128::from(mfd.thousandths()));
            let composition = comp.map(|(y, w, k)| Composition {
                cashmere_pct: Milli::from_thousandths(100_000 - y - w - k),
                yak_pct: Milli::from_thousandths(y),
                sheep_wool_pct: Milli::from_thousandths(w),
                camel_pct: Milli::from_thousandths(k),
                other_fibre_pct: Milli::ZERO,
            });
            let mut methods: Vec<Method> = methods
                .iter()
                .map(|b| Method::KNOWN[usize::from(*b) % Method::KNOWN.len()].clone())
                .collect();
            methods.push(Method::Iwto47);
            methods.push(Method::Iso17751Part2);
            // Two classes around the mean: [mfd − 1, mfd) and [mfd, mfd + 1), equal shares.
            let histogram = histo.then(|| Histogram {
                bins: vec![
                    Bin {
                        from_um: Milli::from_thousandths(mfd.thousandths() - 1_000),
                        to_um: mfd,
                        pct: Milli::from_int(50),
                    },
                    Bin {
                        from_um: mfd,
                        to_um: Milli::from_thousandths(mfd.thousandths() + 1_000),
                        pct: Milli::from_int(50),
                    },
                ],
            });
            let offset = FixedOffset::east_opt(tz * 3600).unwrap();
            LabResult {
                lot: format!("https://coop.example.mn/lot/{sample}"),
                lot_kg: kg.map(Milli::from_thousandths),
                lab: "urn:epc:id:sgln:4012345.00001.0".into(),
                sample_id: sample,
                methods,
                tested_at: DateTime::from_timestamp(secs, 0)
                    .unwrap()
                    .with_timezone(&offset),
                device: None,
                certification: certs
                    .iter()
                    .map(|n| format!("https://lab.example.mn/report/{n}"))
                    .collect(),
                measurements: Measurements {
                    mfd_um: Some(mfd),
                    sd_um: Some(sd),
                    cv_pct: with_cv.map(|_| Milli::from_thousandths(i64::try_from(cv).unwrap())),
                    over30_pct: over30.map(Milli::from_thousandths),
                    length_mm: length.map(Milli::from_thousandths),
                    yield_pct: yld.map(Milli::from_thousandths),
                    coarse_hair_pct: hair.map(Milli::from_thousandths),
                    impurity_pct: None,
                    colour,
                    composition,
                },
                histogram,
            }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn lab_results_round_trip_through_their_event(r in any_result()) {
        prop_assert!(r.validate().is_ok(), "{:?}", r.validate());
        let e = r.to_event().unwrap();
        prop_assert!(provenance::profile::read(0, &e, &quality::namespaces()).is_ok());
        let back = LabResult::from_event(&e).unwrap();
        prop_assert_eq!(&back, &r);
        prop_assert_eq!(back.tested_at.offset(), r.tested_at.offset());
        let v = capture_json(&r);
        let violations = epcis::validate::validate_json_document(&v);
        prop_assert!(violations.is_empty(), "{:?}", violations);
        let doc = epcis::jsonld::parse_value(v).unwrap();
        let again = LabResult::from_event_with(&doc.events[0], &doc.namespaces, &Tolerances::default()).unwrap();
        prop_assert_eq!(again, r);
    }
}

#[test]
fn the_event_round_trips_through_epcis_xml() {
    let r = result();
    let xml = epcis::xml::to_string(&r.to_document().unwrap());
    let doc = epcis::xml::parse_document(xml.as_bytes()).unwrap();
    let back = LabResult::from_event_with(&doc.events[0], &doc.namespaces, &Tolerances::default());
    assert_eq!(back.unwrap(), r, "{xml}");
}
