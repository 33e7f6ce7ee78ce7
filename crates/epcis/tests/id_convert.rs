//! EPC URN ↔ GS1 Digital Link, check digits, classification and pattern matching. Expected
//! Digital Links are the reference normaliser's answers for the same URNs.

use epcis::id::{
    self, Gs1Key, IdClass, IdError, Scheme, class_key, classify, matches_pattern, parse_key,
    to_digital_link, to_epc_urn, to_epc_urn_with,
};

/// (EPC URN, canonical Digital Link) for every scheme; the URNs are in canonical form, so the
/// Digital Link converts back to the same URN with the URN's company prefix length.
const PAIRS: &[(&str, &str)] = &[
    (
        "urn:epc:id:sgtin:0614141.812345.6789",
        "https://id.gs1.org/01/80614141123458/21/6789",
    ),
    (
        "urn:epc:id:sgtin:0614141.812345.A%2FB(1)",
        "https://id.gs1.org/01/80614141123458/21/A%2FB%281%29",
    ),
    (
        "urn:epc:id:sscc:0614141.1234567890",
        "https://id.gs1.org/00/106141412345678908",
    ),
    (
        "urn:epc:id:sgln:0614141.12345.400",
        "https://id.gs1.org/414/0614141123452/254/400",
    ),
    (
        "urn:epc:id:sgln:0614141.12345.0",
        "https://id.gs1.org/414/0614141123452",
    ),
    (
        "urn:epc:id:grai:0614141.12345.400",
        "https://id.gs1.org/8003/00614141123452400",
    ),
    (
        "urn:epc:id:giai:0614141.12345400",
        "https://id.gs1.org/8004/061414112345400",
    ),
    (
        "urn:epc:id:gsrn:0614141.1234567890",
        "https://id.gs1.org/8018/061414112345678902",
    ),
    (
        "urn:epc:id:gsrnp:0614141.1234567890",
        "https://id.gs1.org/8017/061414112345678902",
    ),
    (
        "urn:epc:id:gdti:0614141.12345.400",
        "https://id.gs1.org/253/0614141123452400",
    ),
    (
        "urn:epc:id:cpi:0614141.123ABC.123456789",
        "https://id.gs1.org/8010/0614141123ABC/8011/123456789",
    ),
    (
        "urn:epc:id:cpi:0614141.5PQ7%2FZ43.12345",
        "https://id.gs1.org/8010/06141415PQ7%2FZ43/8011/12345",
    ),
    (
        "urn:epc:id:sgcn:4012345.67890.04711",
        "https://id.gs1.org/255/401234567890104711",
    ),
    (
        "urn:epc:id:ginc:0614141.xyz47%2F11",
        "https://id.gs1.org/401/0614141xyz47%2F11",
    ),
    (
        "urn:epc:id:gsin:0614141.123456789",
        "https://id.gs1.org/402/06141411234567890",
    ),
    (
        "urn:epc:id:itip:4012345.012345.01.02.987",
        "https://id.gs1.org/8006/040123451234560102/21/987",
    ),
    (
        "urn:epc:id:upui:1234567.089456.51qIgY)%3C%26Jp3*j7'SDB",
        "https://id.gs1.org/01/01234567894560/235/51qIgY%29%3C%26Jp3%2Aj7'SDB",
    ),
    (
        "urn:epc:id:pgln:1234567.89012",
        "https://id.gs1.org/417/1234567890128",
    ),
    (
        "urn:epc:class:lgtin:4012345.012345.998877",
        "https://id.gs1.org/01/04012345123456/10/998877",
    ),
    (
        "urn:epc:idpat:sgtin:4012345.012345.*",
        "https://id.gs1.org/01/04012345123456",
    ),
    (
        "urn:epc:idpat:grai:0614141.12345.*",
        "https://id.gs1.org/8003/00614141123452",
    ),
    (
        "urn:epc:idpat:itip:4012345.012345.01.02.*",
        "https://id.gs1.org/8006/040123451234560102",
    ),
];

#[test]
fn urn_to_digital_link_and_back() {
    for (urn, dl) in PAIRS {
        assert_eq!(to_digital_link(urn).as_deref(), Some(*dl), "{urn}");
        assert_eq!(
            id::normalise(urn).as_deref(),
            Some(*dl),
            "reference for {urn}"
        );
        let (key, gcp_len) = parse_key(urn).unwrap();
        assert_eq!(key.to_epc_urn(gcp_len.unwrap()).unwrap(), *urn);
        assert_eq!(to_epc_urn_with(dl, gcp_len.unwrap()).unwrap(), *urn, "{dl}");
        assert_eq!(to_epc_urn(urn).as_deref(), Some(*urn));
    }
}

#[test]
fn digital_link_forms() {
    let cases = [
        (
            "https://example.com/gtin/9506000134352/lot/L1/ser/S1?17=201231",
            "https://id.gs1.org/01/09506000134352/21/S1",
        ),
        (
            "https://id.gs1.org/01/09506000134352/22/CPV/10/LOT",
            "https://id.gs1.org/01/09506000134352/10/LOT",
        ),
        (
            "https://brand.example/products/01/09506000134352",
            "https://id.gs1.org/01/09506000134352",
        ),
        (
            "HTTP://id.gs1.org/01/9506000134352/21/A%2fB#x",
            "https://id.gs1.org/01/09506000134352/21/A%2FB",
        ),
        (
            "https://id.gs1.org/01/00012345600012/",
            "https://id.gs1.org/01/00012345600012",
        ),
        (
            "https://id.gs1.org/8006/040123451234560102/10/L",
            "https://id.gs1.org/8006/040123451234560102/10/L",
        ),
    ];
    for (input, dl) in cases {
        assert_eq!(to_digital_link(input).as_deref(), Some(dl), "{input}");
    }
    // The company prefix is not in a Digital Link: 7 digits unless told.
    let dl = "https://id.gs1.org/01/09506000134352/21/ABC";
    assert_eq!(
        to_epc_urn(dl).as_deref(),
        Some("urn:epc:id:sgtin:9506000.013435.ABC")
    );
    assert_eq!(
        to_epc_urn_with(dl, 9).unwrap(),
        "urn:epc:id:sgtin:950600013.0435.ABC"
    );
    assert_eq!(id::DEFAULT_COMPANY_PREFIX_LEN, 7);
    assert!(matches!(
        to_epc_urn_with(dl, 13),
        Err(IdError::NoEpcForm { .. })
    ));
    // An ITIP with a lot has no EPC URN.
    assert_eq!(
        to_epc_urn("https://id.gs1.org/8006/040123451234560102/10/L"),
        None
    );
    // Class-level keys become class patterns.
    assert_eq!(
        to_epc_urn("https://id.gs1.org/01/04012345123456").as_deref(),
        Some("urn:epc:idpat:sgtin:4012345.012345.*")
    );
}

#[test]
fn errors_name_the_key_and_the_problem() {
    let msg = |s: &str| classify(s).unwrap_err().to_string();
    assert_eq!(
        msg("https://id.gs1.org/01/09506000134353"),
        "GTIN 09506000134353: check digit 3 should be 2"
    );
    assert_eq!(
        msg("https://id.gs1.org/00/106141412345678909"),
        "SSCC 106141412345678909: check digit 9 should be 8"
    );
    assert_eq!(
        msg("https://id.gs1.org/414/0614141123453"),
        "GLN 0614141123453: check digit 3 should be 2"
    );
    assert!(
        msg("urn:epc:id:sgtin:061414.812345.1")
            .contains("must be 7 digits after a 6-digit company prefix")
    );
    let e = parse_key("urn:epc:id:sgtin:0614141.812345.a<b")
        .unwrap_err()
        .to_string();
    assert!(e.contains("'<' must be escaped"), "{e}");
    assert!(
        msg("urn:epc:id:sgtin:0614141.812345.123456789012345678901").contains("1 to 20 characters")
    );
    assert!(msg("urn:epc:id:frob:1.2").contains("unknown EPC scheme"));
    assert!(msg("https://id.gs1.org/01/09506000134352/99/x").contains("not a key qualifier"));
    assert!(msg("https://id.gs1.org/00/106141412345678908/21/x").contains("takes no qualifier"));
    assert!(matches!(classify("not a uri"), Err(IdError::NotAUri(_))));
    assert!(matches!(parse_key("urn:uuid:1"), Err(IdError::NotGs1(_))));
}

#[test]
fn classify_tells_gs1_keys_from_private_identifiers() {
    let cases = [
        (
            "urn:epc:id:sgtin:0614141.812345.6789",
            IdClass::Gs1(Scheme::Sgtin),
        ),
        (
            "urn:epc:class:lgtin:4012345.012345.998877",
            IdClass::Gs1(Scheme::Lgtin),
        ),
        (
            "urn:epc:idpat:sgtin:4012345.012345.*",
            IdClass::Gs1(Scheme::Gtin),
        ),
        ("urn:epc:idpat:sgtin:4012345.*.*", IdClass::Pattern),
        ("urn:epc:idpat:sscc:*.*", IdClass::Pattern),
        ("urn:epc:id:gid:95100000.12345.400", IdClass::OtherEpc),
        (
            "https://id.gs1.org/414/0614141123452",
            IdClass::Gs1(Scheme::Sgln),
        ),
        (
            "https://shop.example/p/01/09506000134352/21/X",
            IdClass::Gs1(Scheme::Sgtin),
        ),
        (
            "https://nooluur.example/id/household/KH-0172",
            IdClass::PrivateHttp,
        ),
        (
            "https://nooluur.example/id/lot/2024-01-0512",
            IdClass::PrivateHttp,
        ),
        (
            "https://example.com/2023/01/05/report",
            IdClass::PrivateHttp,
        ),
        (
            "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8",
            IdClass::PrivateUri,
        ),
        ("urn:nooluur:coop:bayan-1", IdClass::PrivateUri),
    ];
    for (s, class) in cases {
        assert_eq!(classify(s), Ok(class), "{s}");
    }
    assert!(id::validate("https://nooluur.example/id/lot/7").is_ok());
}

#[test]
fn check_digits() {
    assert_eq!(id::check_digit("0950600013435"), Some(2));
    assert_eq!(
        id::with_check_digit("10614141123456789").as_deref(),
        Some("106141411234567897")
    );
    assert!(id::verify_check_digit("GSIN", "06141411234567890", 17).is_ok());
    assert!(Gs1Key::new(Scheme::Sgtin, "80614141123458", Some("6789")).is_ok());
    assert!(Gs1Key::new(Scheme::Sgtin, "80614141123458", None).is_err());
    assert!(Gs1Key::new(Scheme::Sscc, "80614141123458", None).is_err());
}

#[test]
fn pattern_matching() {
    let sgtin = "urn:epc:id:sgtin:0614141.812345.6789";
    let sgtin_dl = "https://id.gs1.org/01/80614141123458/21/6789";
    let lgtin = "urn:epc:class:lgtin:0614141.812345.L7";
    for id in [sgtin, sgtin_dl] {
        assert!(
            matches_pattern("urn:epc:idpat:sgtin:0614141.812345.*", id),
            "{id}"
        );
        assert!(matches_pattern("urn:epc:idpat:sgtin:0614141.*.*", id));
        assert!(matches_pattern("urn:epc:idpat:sgtin:*.*.*", id));
        assert!(matches_pattern(
            "urn:epc:idpat:sgtin:0614141.812345.6789",
            id
        ));
        assert!(!matches_pattern(
            "urn:epc:idpat:sgtin:0614141.812345.6780",
            id
        ));
        assert!(!matches_pattern("urn:epc:idpat:sgtin:0614142.*.*", id));
        assert!(!matches_pattern("urn:epc:idpat:sscc:*.*", id));
        assert!(matches_pattern(sgtin, id) && matches_pattern(sgtin_dl, id));
        assert!(matches_pattern("https://id.gs1.org/01/80614141123458", id));
    }
    assert!(matches_pattern(
        "urn:epc:idpat:sgtin:0614141.812345.*",
        lgtin
    ));
    assert!(!matches_pattern(
        "urn:epc:idpat:sgtin:0614141.812345.L7",
        lgtin
    ));
    assert!(matches_pattern(
        "https://id.gs1.org/01/80614141123458",
        lgtin
    ));
    assert!(!matches_pattern(
        "https://id.gs1.org/01/80614141123458/10/L8",
        lgtin
    ));
    assert!(matches_pattern(
        "urn:epc:idpat:sscc:0614141.*",
        "urn:epc:id:sscc:0614141.1234567890"
    ));
    assert!(matches_pattern(
        "urn:epc:idpat:gid:95100000.*.*",
        "urn:epc:id:gid:95100000.12345.400"
    ));
    assert!(matches_pattern("urn:nooluur:lot:1", "urn:nooluur:lot:1"));
    assert!(!matches_pattern("urn:nooluur:lot:1", "urn:nooluur:lot:2"));
    assert!(
        !matches_pattern("urn:epc:idpat:sgtin:0614141.*.6789", sgtin),
        "stars must trail"
    );

    let p = id::EpcPattern::parse("urn:epc:idpat:sgtin:0614141.812345.*").unwrap();
    assert_eq!(
        p.class_key().as_deref(),
        Some("https://id.gs1.org/01/80614141123458")
    );
    assert_eq!(
        p.class_key(),
        id::normalise("urn:epc:idpat:sgtin:0614141.812345.*")
    );
    assert_eq!(
        class_key(sgtin).as_deref(),
        Some("https://id.gs1.org/01/80614141123458")
    );
    assert_eq!(class_key(lgtin), class_key(sgtin_dl));
    assert_eq!(class_key("urn:epc:id:sscc:0614141.1234567890"), None);
}
