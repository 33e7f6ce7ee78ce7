//! The machine-readable passport (JSON-LD, schema.org and GS1 Web Vocabulary terms where they
//! fit, `dpp:` terms of this project for the rest) and the GS1 Digital Link linkset
//! (RFC 9264, `application/linkset+json`).
//!
//! The fields follow what the EU Digital Product Passport for textiles is expected to carry
//! (composition, origin, certificates, identifiers; domain-facts §2.5): the delegated act is
//! not adopted yet, so the names are ours and say what they hold.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use super::data::Passport;

pub const GS1_VOC: &str = "https://gs1.org/voc/";

fn pct(bp: u32) -> Value {
    // Exact: hundredths as a decimal with two places.
    serde_json::from_str(&format!("{}.{:02}", bp / 100, bp % 100)).unwrap_or(Value::Null)
}

pub fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

/// The passport's URL on this server (`{base}/01/{gtin}/21/{serial}` or `/10/{lot}`).
pub fn resolver_url(base: &str, p: &Passport) -> String {
    let s = &p.subject;
    match (&s.serial, &s.lot) {
        (Some(serial), _) => format!("{base}/01/{}/21/{}", s.gtin, enc(serial)),
        (None, Some(lot)) => format!("{base}/01/{}/10/{}", s.gtin, enc(lot)),
        (None, None) => format!("{base}/01/{}", s.gtin),
    }
}

pub fn provenance_url(base: &str, p: &Passport) -> String {
    format!("{base}/provenance/{}", enc(&p.subject.dl))
}

pub fn proof_url(base: &str, event_id: &str) -> String {
    format!("{base}/log/proof/{}", enc(event_id))
}

pub fn passport(base: &str, p: &Passport) -> Value {
    let url = resolver_url(base, p);
    let composition: Vec<Value> = p
        .claims
        .iter()
        .map(|c| {
            json!({
                "@type": "dpp:FibreShare",
                "dpp:fibre": c.key,
                "name": c.label,
                "dpp:percentage": pct(c.basis_points),
            })
        })
        .collect();
    let gs1_material: Vec<Value> = p
        .claims
        .iter()
        .map(|c| {
            json!({
                "@type": "gs1:TextileMaterialDetails",
                "gs1:textileMaterialContent": c.label,
                "gs1:textileMaterialPercentage": pct(c.basis_points),
            })
        })
        .collect();
    let colours: Vec<Value> = p
        .colours
        .iter()
        .map(|c| json!({"dpp:colour": c.key, "name": c.label, "dpp:percentage": pct(c.basis_points)}))
        .collect();
    let aimags: Vec<Value> = p
        .aimags
        .iter()
        .map(|a| {
            json!({
                "@type": "AdministrativeArea",
                "identifier": a.code,
                "name": a.name,
                "alternateName": a.name_mn,
                "geo": {"@type": "GeoCoordinates", "latitude": a.lat, "longitude": a.lon},
                "dpp:percentage": pct(a.basis_points),
                "dpp:households": a.households,
                "containsPlace": a.soums.iter().map(|s| json!({
                    "@type": "AdministrativeArea",
                    "identifier": s.code,
                    "name": s.name,
                    "dpp:percentage": pct(s.basis_points),
                    "dpp:households": s.households,
                    "dpp:namedHouseholds": s.named,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let journey: Vec<Value> = p
        .steps
        .iter()
        .map(|s| {
            json!({
                "@type": "dpp:Step",
                "dpp:step": s.step,
                "name": s.label,
                "startDate": s.from,
                "endDate": s.to,
                "dpp:places": s.places,
                "dpp:events": s.events,
            })
        })
        .collect();
    let certifications: Vec<Value> = p
        .credentials
        .iter()
        .map(|c| {
            json!({
                "@type": "Certification",
                "@id": c.id,
                "url": c.id,
                "additionalType": c.kind,
                "certificationStatus": c.status,
                "dateCreated": c.issued,
                "issuedBy": {"@type": "Organization", "@id": c.issuer, "name": c.issuer_name},
                "dpp:verifiedBy": "this resolver: proof (eddsa-jcs-2022), issuer key and status list",
                "dpp:detail": c.detail,
            })
        })
        .collect();
    let lab: Vec<Value> = p
        .lab
        .iter()
        .map(|l| {
            json!({
                "dpp:testDate": l.date,
                "dpp:laboratory": l.place,
                "dpp:meanFibreDiameterMicrometre": l.mean_diameter_um,
                "dpp:fibreLengthMillimetre": l.length_mm,
                "dpp:cleanYieldPercent": l.clean_yield_pct,
            })
        })
        .collect();
    let integrity = p.integrity.as_ref().map(|i| {
        json!({
            "dpp:eventID": i.event_id,
            "dpp:process": i.process,
            "dpp:leafIndex": i.leaf_index,
            "dpp:treeSize": i.tree_size,
            "dpp:inclusionProof": i.proof,
            "dpp:checkpoint": i.checkpoint,
            "dpp:proofURL": proof_url(base, &i.event_id),
            "dpp:checkpointURL": format!("{base}/log/checkpoint"),
            "dpp:verifierKeyURL": format!("{base}/log/vkey"),
        })
    });
    let mut v = json!({
        "@context": {
            "@vocab": "https://schema.org/",
            "gs1": GS1_VOC,
            "dpp": "https://nooluur.org/voc/dpp/",
        },
        "@id": p.subject.dl,
        "@type": ["Product", "gs1:Product"],
        "url": url,
        "gtin": p.subject.gtin,
        "gs1:gtin": p.subject.gtin,
        "dpp:kind": p.kind,
        "name": if p.kind == "garment" { "Cashmere garment" } else { "Cashmere lot" },
        "weight": {"@type": "QuantitativeValue", "value": p.mass_kg, "unitCode": "KGM"},
        "dpp:composition": composition,
        "gs1:textileMaterial": gs1_material,
        "dpp:naturalColour": colours,
        "countryOfOrigin": {"@type": "Country", "name": "Mongolia", "identifier": "MN"},
        "dpp:origin": {"dpp:households": p.households, "dpp:aimags": aimags},
        "dpp:journey": journey,
        "dpp:qualityResults": lab,
        "hasCertification": certifications,
        "dpp:certifiedShare": p.certified.iter().map(|c| json!({
            "dpp:standard": c.standard, "dpp:percentage": pct(c.basis_points)
        })).collect::<Vec<_>>(),
        "dpp:findings": p.findings,
        "dpp:integrity": integrity,
        "dpp:traceability": provenance_url(base, p),
        "dpp:identifiers": {
            "gs1:digitalLink": p.subject.dl,
            "dpp:resolver": url,
        },
        "dpp:truncated": p.truncated,
    });
    if let Some(s) = &p.subject.serial {
        v["serialNumber"] = s.clone().into();
    }
    if let Some(l) = &p.subject.lot {
        v["gs1:hasBatchLotNumber"] = l.clone().into();
    }
    v
}

/// One link of a linkset.
pub struct Link {
    pub rel: &'static str,
    pub href: String,
    pub title: String,
    pub media: &'static str,
}

/// The passport's links by GS1 link type (the `gs1:` suffix).
pub fn links(base: &str, p: &Passport) -> Vec<Link> {
    let url = resolver_url(base, p);
    let mut out = vec![
        Link {
            rel: "pip",
            href: format!("{url}?linkType=gs1:pip"),
            title: "Product passport".into(),
            media: "text/html",
        },
        Link {
            rel: "traceability",
            href: provenance_url(base, p),
            title: "Provenance report (public, soum level)".into(),
            media: "application/json",
        },
    ];
    for c in &p.credentials {
        out.push(Link {
            rel: "certificationInfo",
            href: c.id.clone(),
            title: format!("{} certificate by {} ({})", c.kind, c.issuer_name, c.status),
            media: "application/vc+json",
        });
    }
    out
}

/// The RFC 9264 linkset of all links, with the passport page as the default link.
pub fn linkset(base: &str, p: &Passport) -> Value {
    let anchor = resolver_url(base, p);
    let mut set = serde_json::Map::new();
    set.insert("anchor".into(), anchor.clone().into());
    set.insert(
        format!("{GS1_VOC}defaultLink"),
        json!([{"href": anchor, "title": "Product passport", "type": "text/html"}]),
    );
    for l in links(base, p) {
        let key = format!("{GS1_VOC}{}", l.rel);
        let entry = json!({"href": l.href, "title": l.title, "type": l.media});
        match set.get_mut(&key).and_then(Value::as_array_mut) {
            Some(a) => a.push(entry),
            None => {
                set.insert(key, json!([entry]));
            }
        }
    }
    json!({ "linkset": [Value::Object(set)] })
}
