use super::*;

#[test]
fn livestock_csv_in_the_source_shape() {
    let csv =
        "Aimag,Year,Species,Thousand_head\nArkhangai,2024,Goat,1708.4\nBayan-Ulgii,2024,Camel,3\n";
    let rows = parse_livestock(csv).expect("parses");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].aimag_code, 65);
    assert_eq!(rows[0].head, 1_708_400);
    assert_eq!(rows[1].aimag_code, 83);
    assert_eq!(rows[1].species, Species::Camel);
    assert_eq!(rows[1].head, 3_000);
}

#[test]
fn bad_cell_names_row_and_column() {
    let mut csv = String::from("Aimag,Year,Species,Thousand_head\n");
    for _ in 0..12 {
        csv.push_str("Arkhangai,2024,Goat,1\n");
    }
    csv.push_str("Arkhangai,2024,Goat,\"12,a\"\n");
    let err = parse_livestock(&csv).expect_err("bad number");
    assert_eq!(
        err.to_string(),
        r#"row 14, column "Thousand_head": "12,a" is not a number"#
    );
    let err = parse_livestock("Aimag,Year,Species,Thousand_head\nAtlantis,2024,Goat,1\n")
        .expect_err("unknown aimag");
    assert_eq!(
        err.to_string(),
        r#"row 2, column "Aimag": "Atlantis" is not an aimag name known to the NSO tables"#
    );
    let err =
        parse_livestock("Aimag,Year,Species,Thousand_head\nTuv,2024,Yak,1\n").expect_err("species");
    assert!(
        err.to_string()
            .starts_with(r#"row 2, column "Species": "Yak""#)
    );
    let err = parse_livestock("Aimag,Year,Species\nTuv,2024,Goat\n").expect_err("column");
    assert_eq!(err.to_string(), r#"header: no column "Thousand_head""#);
    let err = parse_livestock("Aimag,Year,Species,Thousand_head\nTuv,2024\n").expect_err("width");
    assert_eq!(err.to_string(), "row 2: 2 cells, the header has 4");
    assert_eq!(parse_livestock(""), Err(ImportError::Empty));
}

#[test]
fn panel_in_source_and_derived_shapes() {
    let csv = "Aimag,Year,Mort_hor,Mort_cat,Mort_cam,Mort_sheep,Mort_goat,All_SFU,All,\
SPEI_PrevSummer,SPEI_PrevSummer_point,Temp_Winter,Temp_Winter_Z_study,Temp_Winter_Z_climate\n\
Orkhon,2024,0.1,0.2,,0.3,0.4,0.25,0.2,-1.2,-1.1,-20.5,-1.3,-1.2\n";
    let rows = parse_panel(csv).expect("parses");
    assert_eq!(rows[0].aimag_code, 61);
    assert_eq!(rows[0].mortality.camel, None);
    assert_eq!(rows[0].temp_winter_z_study, Some(-1.3));
    let tsv = "# comment\naimag_code\tYear\tAll_SFU\tSPEI_PrevSummer\tTemp_Winter\n61\t2025\t0.05\t0.3\t-18\n";
    let rows = parse_panel(tsv).expect("parses");
    assert_eq!((rows[0].aimag_code, rows[0].year), (61, 2025));
    let err =
        parse_panel("aimag_code\tYear\tAll_SFU\tSPEI_PrevSummer\tTemp_Winter\n61\t2025\t5\t0\t0\n")
            .expect_err("fraction");
    assert!(err.to_string().contains(r#"column "All_SFU": "5""#));
}

#[test]
fn nso_json_shapes() {
    // The 2019 file writes numbers, the 2020 file strings with an MN prefix.
    let a = r#"{"DataList":[{"TBL_ID":"DT_NSO_1001_021V1","Period":2019,"CODE":18101,
        "SCR_MN":"Улиастай","SCR_ENG":"Uliastai","CODE1":1,"SCR_ENG1":"Total","DTVAL_CO":154001}]}"#;
    let b = r#"{"DataList":[{"TBL_ID":"DT_NSO_1001_021V1","Period":"2020","CODE":"MN18101",
        "SCR_ENG":"Uliastai","SCR_ENG1":"Total","DTVAL_CO":"147.255"},
        {"TBL_ID":"X","Period":"2020","CODE":"MN18104","SCR_ENG":"Aldarkhaan","DTVAL_CO":null}]}"#;
    let ra = parse_nso_json(a).expect("parses");
    assert_eq!(ra[0].soum_code, 18101);
    assert_eq!(ra[0].value, Some(154001.0));
    assert_eq!(ra[0].category_en.as_deref(), Some("Total"));
    let rb = parse_nso_json(b).expect("parses");
    assert_eq!((rb[0].period, rb[0].value), (2020, Some(147.255)));
    assert_eq!(rb[1].value, None);
    let bad = r#"{"DataList":[{"TBL_ID":"X","Period":"2020","CODE":"MN18101","DTVAL_CO":1},
        {"TBL_ID":"X","Period":"2020","CODE":"MN18101","DTVAL_CO":"12,a"}]}"#;
    assert_eq!(
        parse_nso_json(bad).expect_err("bad").to_string(),
        r#"row 2, column "DTVAL_CO": "12,a" is not a number"#
    );
    let bad = r#"{"DataList":[{"TBL_ID":"X","Period":"2020","CODE":"1810","DTVAL_CO":1}]}"#;
    assert!(
        parse_nso_json(bad)
            .expect_err("code")
            .to_string()
            .starts_with(r#"row 1, column "CODE""#)
    );
    assert!(matches!(parse_nso_json("[]"), Err(ImportError::Json(_))));
}

#[test]
fn csv_quoting_and_bom() {
    let t = Table::parse("\u{feff}a,b\n\"x, y\",\"say \"\"hi\"\"\"\n").expect("parses");
    assert_eq!(t.header, vec!["a", "b"]);
    assert_eq!(t.rows[0].1, vec!["x, y", "say \"hi\""]);
    assert_eq!(
        Table::parse("a\n\"open\n").expect_err("quote"),
        ImportError::Quote { row: 2 }
    );
}

#[test]
fn hay_prices_and_soum_hay() {
    let rows =
        parse_hay_prices("aimag_code\tmonth\tmnt_per_bale\n65\t2020-04\t8000\n").expect("ok");
    assert_eq!(rows[0].mnt_per_bale, 8000);
    let err = parse_hay_prices("aimag_code\tmonth\tmnt_per_bale\n65\t2020-13\t8000\n")
        .expect_err("month");
    assert!(err.to_string().contains("is not a month as YYYY-MM"));
    let rows = parse_soum_hay(
        "soum_code\thay_harvest_t\tfodder_crops_t\tmvam_hay_reserve_t\tmvam_fodder_reserve_t\tmvam_hay_price_mnt_bale\n\
         18101\t667.5\t90\t\t\t4500\n",
    )
    .expect("ok");
    assert_eq!(rows[0].hay_harvest_kg, Some(667_500));
    assert_eq!(rows[0].mvam_hay_reserve_kg, None);
    assert_eq!(rows[0].mvam_hay_price_mnt_per_bale, Some(4500));
}
