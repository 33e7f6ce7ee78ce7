use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::*;
use crate::{aimags, soums};

#[test]
fn the_table_holds_every_source_row() {
    let all = stations();
    assert_eq!(all.len(), 343);
    let ids: Vec<u32> = all.iter().map(|s| s.id).collect();
    assert_eq!(ids, (1..=343).collect::<Vec<_>>());
    // 42 rows of the source carry the "no data" value 10000 in every dekad.
    assert_eq!(all.iter().filter(|s| s.monthly_c.is_none()).count(), 42);
    for s in all {
        assert_eq!(s.monthly_c.is_some(), s.winter_c.is_some(), "{s:?}");
        assert!(!s.name.is_empty());
    }
    let first = &all[0];
    assert_eq!(
        (first.name, first.soum_code, first.aimag_code),
        ("CHuluut", Some(26552), 65)
    );
    assert_eq!(
        (first.lat, first.lon, first.elevation_m),
        (47.53621, 100.226, 2030.2)
    );
    // jan-01..03 = -21.80, -22.16, -22.09: mean -22.0167 → -22.02.
    assert_eq!(first.monthly_c.unwrap()[0], -22.02);
    assert_eq!(first.winter_c, Some(-19.98));
}

#[test]
fn every_station_lies_inside_mongolia() {
    for s in stations() {
        assert!((41.5..=52.2).contains(&s.lat), "{s:?}");
        assert!((87.7..=120.0).contains(&s.lon), "{s:?}");
        // From the Khalkh river plain (~600 m) to the Altai (~2,400 m at the stations).
        assert!((500.0..3000.0).contains(&s.elevation_m), "{s:?}");
        assert!(s.aimag().is_some(), "{s:?}");
    }
}

#[test]
fn matched_stations_lie_in_their_soums_aimag() {
    let mut matched = 0;
    for s in stations() {
        let Some(code) = s.soum_code else { continue };
        matched += 1;
        let soum = s
            .soum()
            .unwrap_or_else(|| panic!("station {} names no soum", s.id));
        assert_eq!(soum.aimag_code, s.aimag_code, "{s:?} in {soum:?}");
        assert_eq!(soum.code, code);
    }
    // What the name matching reaches (derive.py prints the unmatched ones): the rest are towns,
    // settlements and places that are not soum names, and Ulaanbaatar's stations.
    assert!(matched >= 250, "{matched}");
    assert_eq!(matched, 322);
}

#[test]
fn winters_are_cold_and_months_are_consistent() {
    let with_data: Vec<&Station> = stations().iter().filter(|s| s.winter_c.is_some()).collect();
    assert_eq!(with_data.len(), 301);
    for s in with_data {
        let (m, w) = (s.monthly_c.unwrap(), s.winter_c.unwrap());
        assert!(w < -5.0, "{s:?}");
        assert!(m[0] < -5.0 && m[6] > 5.0, "January and July of {s:?}");
        // The winter mean is the mean of the December, January and February means, up to the
        // rounding of each monthly figure (0.005 each) and of the winter one.
        let djf = (m[11] + m[0] + m[1]) / 3.0;
        assert!((w - djf).abs() <= 0.0101, "{s:?}: {w} vs {djf}");
        // The warmest month is in summer.
        let warmest = (0..12).max_by(|&a, &b| m[a].total_cmp(&m[b])).unwrap();
        assert!((5..=7).contains(&warmest), "{s:?}");
    }
}

#[test]
fn soum_locations_are_the_mean_of_distinct_station_positions() {
    // Khovd (18440): station 283 and the Dund-Us station, listed twice (293, 298).
    let ids: Vec<u32> = stations_of_soum(18440).map(|s| s.id).collect();
    assert_eq!(ids, [283, 293, 298]);
    let (lat, lon) = soum_location(18440).unwrap();
    assert!((lat - (47.9958 + 48.12634) / 2.0).abs() < 1e-9, "{lat}");
    assert!((lon - (91.6327 + 91.37338) / 2.0).abs() < 1e-9, "{lon}");
    // One station: its own position.
    assert_eq!(soum_location(18101), Some((47.75, 96.82)));
    // Sümber (Govisümber) has only the Choir station, which is named for the town: no match.
    assert_eq!(stations_of_soum(34201).count(), 0);
    assert_eq!(soum_location(34201), None);
    assert_eq!(soum_location(99999), None);
    let located = soums()
        .iter()
        .filter(|s| soum_location(s.code).is_some())
        .count();
    assert!(located > 280, "{located}");
}

/// The aimag centres of `aimags.tsv` come from another source; the stations of the centres'
/// soums must sit within a few kilometres of them.
#[test]
fn aimag_centres_agree_with_their_soums_stations() {
    for (soum, aimag_code) in [
        (18101, 81), // Uliastai
        (18301, 83), // Ölgii
        (18501, 85), // Ulaangom
        (26301, 63), // Bulgan
        (26501, 65), // Erdenebulgan = Tsetserleg
        (26701, 67), // Mörön
        (34101, 41), // Zuunmod
        (34401, 44), // Sainshand
        (42137, 21), // Choibalsan
    ] {
        let (lat, lon) = soum_location(soum).unwrap();
        let a = aimag(aimag_code).unwrap();
        assert!(
            (lat - a.centre_lat).abs() < 0.05 && (lon - a.centre_lon).abs() < 0.05,
            "{soum}: ({lat}, {lon}) vs {} ({}, {})",
            a.centre_en,
            a.centre_lat,
            a.centre_lon
        );
    }
}

#[test]
fn a_row_with_partial_normals_is_refused_naming_the_column() {
    let mut cols = vec!["id", "soum", "aimag", "name", "lat", "lon", "elevation_m"];
    cols.extend(crate::tables::MONTH_COLS);
    cols.push("winter_djf");
    let table = |feb: &str| -> &'static str {
        let mut row = vec!["7", "", "65", "X", "47.1", "101.2", "1500.0", "-20.00", feb];
        row.extend(["1.00"; 11]);
        let text = format!("# c\n{}\n{}\n", cols.join("\t"), row.join("\t"));
        Box::leak(text.into_boxed_str())
    };
    let e = crate::tables::parse_stations_from(table("")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "stations.tsv, line 3: column feb: \"\" is not a number of the expected kind"
    );
    let s = crate::tables::parse_stations_from(table("-19.00")).unwrap();
    assert_eq!(s[0].monthly_c.unwrap()[..3], [-20.0, -19.0, 1.0]);
    assert_eq!((s[0].soum_code, s[0].winter_c), (None, Some(1.0)));
}

// --- re-derivation from the source (when ../shared is present) ------------------------------
//
// A second implementation of the rules `data/derive.py` documents: the aimag by the boundary
// polygons (checked against the source's aimag name and PRISM id), the soum by normalised names,
// the normals in exact hundredths.

fn shared() -> Option<PathBuf> {
    let p = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/mongolia/wfp-prism-app"
    ));
    p.is_dir().then(|| p.to_path_buf())
}

fn translit(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'э' => "e",
        'ё' => "yo",
        'ж' => "j",
        'з' => "z",
        'и' | 'й' => "i",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' | 'ө' | 'ö' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ү' | 'ü' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' | 'щ' => "sh",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        _ => return None,
    })
}

const TRAILING: [&str; 7] = ["sum", "soum", "khot", "xot", "hot", "region", "bus"];

fn norm(name: &str, truncated: bool) -> String {
    let mut s = String::new();
    for c in name.to_lowercase().chars() {
        match translit(c) {
            Some(t) => s.push_str(t),
            None => s.push(c),
        }
    }
    let s = s.split('/').next().unwrap();
    let mut words: Vec<&str> = s
        .split(|c: char| !(c.is_ascii_lowercase() || c == '\'' || c == '-'))
        .filter(|w| !w.trim_matches(['\'', '-']).is_empty())
        .collect();
    while let [_, .., last] = words[..] {
        let cut =
            TRAILING.contains(&last) || (truncated && TRAILING.iter().any(|t| t.starts_with(last)));
        if !cut {
            break;
        }
        words.pop();
    }
    let mut s = words.concat().replace(['\'', '-'], "");
    for (a, b) in [
        ("sh", "w"),
        ("ch", "q"),
        ("zh", "j"),
        ("kh", "x"),
        ("ts", "c"),
        ("h", "x"),
        ("ye", "e"),
        ("o", "u"),
    ] {
        s = s.replace(a, b);
    }
    let mut out = String::new();
    for c in s.chars() {
        if "aeiou".contains(c) && out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    out
}

#[test]
fn normalising_bridges_the_romanisations() {
    assert_eq!(norm("Xu'reemar", true), norm("Khureemaral", false)[..7]);
    assert_eq!(norm("Cecerleg", false), norm("Tsetserleg", false));
    assert_eq!(norm("CHuluut", false), norm("Чулуут", false));
    assert_eq!(norm("O'lgii", false), norm("Ulgii", false));
    assert_eq!(norm("Mo'nxxaan", false), norm("Мөнххаан", false));
    assert_eq!(norm("Hushaat", false), norm("Khushaat", false));
    assert_eq!(norm("O'lziit s", true), norm("Ölziit", false));
    assert_eq!(norm("Delger /G", true), norm("Delger", false));
    assert_eq!(norm("Manxan 85", true), norm("Mankhan", false));
    assert_eq!(norm("Khangai region", false), norm("Xangai", false));
    // Doubled consonants are kept: these are two soums of Khövsgöl.
    assert_ne!(norm("Tsagaannuur", false), norm("Tsagaan-Üür", false));
    // "sum" is cut only as a word of its own.
    assert_eq!(norm("Sumber", false), "sumber");
}

fn hundredths(v: &Value) -> i64 {
    let h = v.as_f64().unwrap() * 100.0;
    assert!((h - h.round()).abs() < 1e-6, "{v}: more than two decimals");
    h.round() as i64
}

fn div_round(n: i64, d: i64) -> i64 {
    let q = (2 * n.abs() + d) / (2 * d);
    if n >= 0 { q } else { -q }
}

fn inside(lon: f64, lat: f64, polygon: &[Value]) -> bool {
    let mut c = false;
    for ring in polygon {
        let ring = ring.as_array().unwrap();
        let pt = |i: usize| {
            let p = ring[i].as_array().unwrap();
            (p[0].as_f64().unwrap(), p[1].as_f64().unwrap())
        };
        for i in 0..ring.len() {
            let (x1, y1) = pt(i);
            let (x2, y2) = pt((i + ring.len() - 1) % ring.len());
            if (y1 > lat) != (y2 > lat) && lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1 {
                c = !c;
            }
        }
    }
    c
}

#[test]
fn embedded_stations_agree_with_the_source() {
    let Some(dir) = shared() else {
        eprintln!("../shared is absent: skipping the re-derivation");
        return;
    };
    let read = |p: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(p)).unwrap()).unwrap()
    };
    let source = read("groundstations/longterm_data.json");
    let source = source.as_array().unwrap();
    let boundaries = read("mng_adm1_nso_match_1212_mn.json");
    let features = boundaries["features"].as_array().unwrap();
    assert_eq!(source.len(), stations().len());

    // Aimag names in every spelling, normalised.
    let mut by_name: HashMap<String, u8> = HashMap::new();
    for a in aimags() {
        for n in [a.name_en, a.name_mn].iter().chain(&a.alt_names) {
            by_name.insert(norm(n, false), a.code);
        }
    }
    for f in features {
        let p = &f["properties"];
        let code: u8 = p["ADM1_PCODE"].as_str().unwrap()[2..].parse().unwrap();
        by_name.insert(norm(p["ADM1_EN"].as_str().unwrap(), false), code);
    }
    let named = |r: &Value| by_name[&norm(r["aimagname"].as_str().unwrap(), false)];
    // PRISM aimag id -> the aimag most of its stations name (ties: the smaller code).
    let mut votes: BTreeMap<u64, BTreeMap<u8, usize>> = BTreeMap::new();
    for r in source {
        *votes
            .entry(r["aimagid"].as_u64().unwrap())
            .or_default()
            .entry(named(r))
            .or_default() += 1;
    }
    let prism_id: HashMap<u64, u8> = votes
        .iter()
        .map(|(id, v)| {
            let best = v.iter().max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)));
            (*id, *best.unwrap().0)
        })
        .collect();

    // Soum name keys per aimag.
    let mut keys: HashMap<u8, Vec<(u32, String)>> = HashMap::new();
    for s in soums() {
        let k: HashSet<String> = [norm(s.name_en, false), norm(s.name_mn, false)].into();
        for k in k {
            keys.entry(s.aimag_code).or_default().push((s.code, k));
        }
    }
    let soum_of = |aimag: u8, name: &str, truncated: bool| -> Option<u32> {
        let n = norm(name, truncated);
        if n.is_empty() {
            return None;
        }
        let ks = keys.get(&aimag)?;
        let mut found: HashSet<u32> = ks.iter().filter(|(_, k)| *k == n).map(|x| x.0).collect();
        if found.is_empty() && truncated {
            found = ks
                .iter()
                .filter(|(_, k)| k.starts_with(&n))
                .map(|x| x.0)
                .collect();
        }
        (found.len() == 1).then(|| *found.iter().next().unwrap())
    };

    let mut disagreements = 0;
    for r in source {
        let id = r["id"].as_u64().unwrap() as u32;
        let s = &stations()[id as usize - 1];
        assert_eq!(s.id, id);
        assert_eq!(s.name, r["sname"].as_str().unwrap());
        let (lat, lon) = (r["lat"].as_f64().unwrap(), r["lon"].as_f64().unwrap());
        assert!((s.lat - lat).abs() <= 0.5e-5 + 1e-9, "{id}");
        assert!((s.lon - lon).abs() <= 0.5e-5 + 1e-9, "{id}");
        let h = r["rasterheight"].as_f64().unwrap();
        assert!((s.elevation_m - h).abs() <= 0.05 + 1e-9, "{id}");

        let hits: Vec<u8> = features
            .iter()
            .filter(|f| {
                f["geometry"]["coordinates"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| inside(lon, lat, p.as_array().unwrap()))
            })
            .map(|f| {
                f["properties"]["ADM1_PCODE"].as_str().unwrap()[2..]
                    .parse()
                    .unwrap()
            })
            .collect();
        assert_eq!(hits, [s.aimag_code], "station {id}");
        let (name_code, id_code) = (named(r), prism_id[&r["aimagid"].as_u64().unwrap()]);
        assert!(s.aimag_code == name_code || s.aimag_code == id_code, "{id}");
        if s.aimag_code != name_code || s.aimag_code != id_code {
            disagreements += 1;
        }

        let sumname = r["sumname"].as_str().unwrap();
        let want = soum_of(s.aimag_code, sumname, sumname.chars().count() == 9)
            .or_else(|| soum_of(s.aimag_code, r["sname"].as_str().unwrap(), false));
        assert_eq!(s.soum_code, want, "station {id} ({sumname})");

        let months = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        let dekads: Vec<i64> = months
            .iter()
            .flat_map(|m| (1..=3).map(move |d| format!("{m}-0{d}")))
            .map(|k| hundredths(&r[k.as_str()]))
            .collect();
        let got = |v: f64| (v * 100.0).round() as i64;
        if dekads.iter().all(|&h| h == 1_000_000) {
            assert_eq!((s.monthly_c, s.winter_c), (None, None), "{id}");
            continue;
        }
        let monthly = s.monthly_c.unwrap();
        for (i, m) in monthly.iter().enumerate() {
            let sum: i64 = dekads[3 * i..3 * i + 3].iter().sum();
            assert_eq!(got(*m), div_round(sum, 3), "station {id} month {i}");
        }
        let djf: i64 = dekads[33..].iter().chain(&dekads[..6]).sum();
        assert_eq!(got(s.winter_c.unwrap()), div_round(djf, 9), "{id}");
    }
    // Chuluut (PRISM id of Dornogovi) and Ulaantolgoi (named Orkhon, inside Bulgan).
    assert_eq!(disagreements, 2);
}
