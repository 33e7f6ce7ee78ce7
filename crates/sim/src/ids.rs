//! Identifiers of the simulated chain.
//!
//! Herders, cooperatives, labs and their lots have no GS1 keys: they get private URIs under the
//! season's base (`{base}/household/18101-00042`, as the profile shows). Processors, brands and
//! buyers are fictional companies with GS1 keys under the company prefixes `952xxxx`: GS1
//! reserves prefix 952 for demonstrations and examples, so no simulated key can name a real
//! product. Keys are written as EPC URNs (which carry no check digit; the GTIN, GLN or SSCC
//! behind each one is valid and gets its check digit on conversion to a Digital Link).

use serde::Serialize;

use crate::config::Colour;

/// Item references (5 digits after a 7-digit company prefix) of the processors' products.
pub mod item {
    pub const SCOURED: u32 = 11;
    pub const DEHAIRED: u32 = 12;
    pub const YARN: u32 = 13;
    pub const DYED_YARN: u32 = 14;
    pub const WOOL: u32 = 15;
    pub const SILK: u32 = 16;
    /// Garment models are `GARMENT + model` (model 1–5).
    pub const GARMENT: u32 = 1_000;
}

/// What a party does in the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Processor,
    Brand,
    Buyer,
    Lab,
}

/// A company or lab of the simulated chain (names are fictional).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Party {
    pub role: Role,
    pub name: String,
    pub city: String,
    /// Owning-party identifier: a PGLN URN, or a private URI for labs.
    pub id: String,
    /// Site (bizLocation): an SGLN URN, or the private URI for labs.
    pub site: String,
    /// GS1 company prefix (empty for labs).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub gcp: String,
}

const PROCESSOR_CITIES: [&str; 10] = [
    "Ulaanbaatar",
    "Ulaanbaatar",
    "Darkhan",
    "Ulaanbaatar",
    "Ulaanbaatar",
    "Darkhan",
    "Ulaanbaatar",
    "Ulaanbaatar",
    "Darkhan",
    "Ulaanbaatar",
];
/// Relative capacity of each processor: a few large mills and a tail of small ones.
pub const PROCESSOR_WEIGHTS: [u32; 10] = [30, 22, 15, 11, 8, 6, 4, 2, 1, 1];
const BRAND_CITIES: [&str; 8] = [
    "Milan",
    "London",
    "Tokyo",
    "New York",
    "Ulaanbaatar",
    "Berlin",
    "Seoul",
    "Paris",
];
const BUYER_CITIES: [&str; 6] = ["Biella", "Shanghai", "Hawick", "Prato", "Tianjin", "Osaka"];

fn gs1_party(role: Role, name: String, city: &str, gcp: String) -> Party {
    Party {
        role,
        id: format!("urn:epc:id:pgln:{gcp}.00000"),
        site: format!("urn:epc:id:sgln:{gcp}.00001.0"),
        name,
        city: city.to_owned(),
        gcp,
    }
}

/// Processor `i` (0-based).
pub fn processor(i: usize) -> Party {
    let n = i + 1;
    gs1_party(
        Role::Processor,
        format!("Processor {n}"),
        PROCESSOR_CITIES[i % 10],
        format!("95201{n:02}"),
    )
}

/// Brand `i` (0-based).
pub fn brand(i: usize) -> Party {
    let n = i + 1;
    gs1_party(
        Role::Brand,
        format!("Brand {}", char::from(b'A' + (i % 26) as u8)),
        BRAND_CITIES[i % 8],
        format!("95209{n:02}"),
    )
}

/// Foreign buyer `i` (0-based) of dehaired fibre and yarn.
pub fn buyer(i: usize) -> Party {
    let n = i + 1;
    gs1_party(
        Role::Buyer,
        format!("Buyer {n}"),
        BUYER_CITIES[i % 6],
        format!("95208{n:02}"),
    )
}

/// Testing lab `i` (0-based): two labs, in Ulaanbaatar and Darkhan.
pub fn lab(base: &str, i: usize) -> Party {
    let uri = format!("{base}/lab/{}", i + 1);
    Party {
        role: Role::Lab,
        name: format!("Fibre lab {}", i + 1),
        city: if i == 0 { "Ulaanbaatar" } else { "Darkhan" }.to_owned(),
        id: uri.clone(),
        site: uri,
        gcp: String::new(),
    }
}

pub fn household(base: &str, soum: u32, n: u32) -> String {
    format!("{base}/household/{soum:05}-{n:05}")
}

pub fn soum(base: &str, soum: u32) -> String {
    format!("{base}/soum/{soum:05}")
}

pub fn cooperative(base: &str, soum: u32, c: u32) -> String {
    format!("{base}/coop/{soum:05}-{c}")
}

/// A household's raw lot: its `k`-th bag of the season (one colour of one combing session).
pub fn raw_lot(base: &str, year: u16, soum: u32, household: u32, k: u32) -> String {
    format!("{base}/lot/{year}-{soum:05}-{household:05}-{k}")
}

/// A cooperative's pooled lot of one colour.
pub fn pooled_lot(base: &str, year: u16, soum: u32, c: u32, colour: Colour) -> String {
    format!("{base}/lot/{year}-{soum:05}-c{c}-{}", colour.as_str())
}

/// A business transaction (receipt, purchase order, invoice) under the base.
pub fn transaction(base: &str, kind: &str, key: &str) -> String {
    format!("{base}/bt/{kind}/{key}")
}

/// A lab report, named in `certificationInfo`.
pub fn lab_report(base: &str, lab: usize, n: u64) -> String {
    format!("{base}/lab/{}/report/{n}", lab + 1)
}

/// An LGTIN (class + lot) of a processor's product.
pub fn lgtin(gcp: &str, item_ref: u32, lot: &str) -> String {
    format!("urn:epc:class:lgtin:{gcp}.0{item_ref:05}.{lot}")
}

/// The lot number of a processor's `n`-th lot of a kind (`SC25-000001`).
pub fn lot_number(kind: &str, year: u16, n: u32) -> String {
    format!("{kind}{:02}-{n:06}", year % 100)
}

/// A serialised garment (SGTIN).
pub fn sgtin(gcp: &str, item_ref: u32, serial: u64) -> String {
    format!("urn:epc:id:sgtin:{gcp}.0{item_ref:05}.{serial}")
}

/// A case (SSCC, extension digit 0).
pub fn sscc(gcp: &str, serial: u64) -> String {
    format!("urn:epc:id:sscc:{gcp}.0{serial:09}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use epcis::id::{IdClass, Scheme, classify, to_digital_link};

    #[test]
    fn gs1_identifiers_are_valid_keys() {
        let p = processor(0);
        let cases = [
            (p.id.clone(), Scheme::Pgln),
            (p.site.clone(), Scheme::Sgln),
            (lgtin(&p.gcp, item::YARN, "YN25-000001"), Scheme::Lgtin),
            (sgtin(&p.gcp, item::GARMENT + 3, 42), Scheme::Sgtin),
            (sscc(&p.gcp, 7), Scheme::Sscc),
            (brand(7).id, Scheme::Pgln),
            (buyer(5).site, Scheme::Sgln),
        ];
        for (id, scheme) in cases {
            assert_eq!(classify(&id), Ok(IdClass::Gs1(scheme)), "{id}");
            let dl = to_digital_link(&id).unwrap();
            assert!(dl.starts_with("https://id.gs1.org/"), "{dl}");
        }
        assert_eq!(
            to_digital_link(&sgtin("9520101", item::GARMENT + 1, 5)).unwrap(),
            format!(
                "https://id.gs1.org/01/{}/21/5",
                epcis::id::with_check_digit("0952010101001").unwrap()
            )
        );
    }

    #[test]
    fn private_identifiers() {
        let b = "https://id.nooluur.org";
        assert_eq!(
            household(b, 18101, 42),
            "https://id.nooluur.org/household/18101-00042"
        );
        assert_eq!(soum(b, 18101), "https://id.nooluur.org/soum/18101");
        assert_eq!(
            classify(&raw_lot(b, 2025, 18101, 42, 3)),
            Ok(IdClass::PrivateHttp)
        );
        assert_eq!(lot_number("SC", 2025, 12), "SC25-000012");
    }
}
