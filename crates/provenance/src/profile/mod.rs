//! The cashmere event profile (`docs/cashmere-profile.md`): recognise the events that claim it,
//! check them against it, and read each into a typed [`Step`] for the ledger.
//!
//! [`read`] is the one entry point: `Ok(None)` for an event that does not claim the profile
//! (it is not checked), `Ok(Some(..))` for a conforming one, `Err(violations)` otherwise, each
//! violation naming the event and the field (`/ilmd/cm:household`).

mod reader;
#[cfg(test)]
mod tests;

use epcis::{Action, Event, EventType, Namespaces, Violation};
use serde::{Deserialize, Serialize};

use crate::lot::{Ident, LotQty};
use crate::quantity::{kg_to_grams, scaled};
use crate::terms::{Claim, Colour, Fibre, Process};
use crate::vocab::{Vocab, scalar_text};
use reader::Reader;

/// The profile version this crate implements (`cm:profile`).
pub const VERSION: &str = "1";

/// An event that follows the profile, read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profiled {
    /// Position of the event in its document.
    pub index: usize,
    /// The eventID (the capture pipeline fills missing ones with the hash ID before this runs);
    /// empty when the event has none.
    pub event_id: String,
    pub process: Process,
    pub step: Step,
}

/// What a profile event says, by step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum Step {
    Combing(Combing),
    FibreIntake(FibreIntake),
    Delivery(Delivery),
    /// Pooling, sorting, scouring, dehairing, spinning, dyeing.
    Transform(Transform),
    Knitting(Knitting),
    /// Sale or shipping.
    Transfer(Transfer),
    LabTest(LabTest),
    Packing(Packing),
}

/// A harvest: creates a raw lot of one household.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Combing {
    pub lot: LotQty,
    pub household: String,
    /// 5-digit NSO soum code.
    pub soum: String,
    pub goats: u64,
    pub colour: Colour,
    /// `YYYY`.
    pub season: String,
}

/// A lot entering the chain from outside (wool for a blend, cashmere of other origin).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FibreIntake {
    pub lot: LotQty,
    pub fibre: Fibre,
    /// ISO 3166-1 alpha-2, upper case.
    pub origin: String,
    pub claim: Claim,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub lots: Vec<LotQty>,
    /// As written (decimal text); informative.
    pub moisture_pct: Option<String>,
    pub impurity_pct: Option<String>,
}

/// A lot-to-lot transformation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transform {
    /// Lots and grams taken from each, as listed (a lot listed twice is taken twice).
    pub inputs: Vec<LotQty>,
    pub outputs: Vec<LotQty>,
    /// What the outputs are declared to be (ILMD `cm:fibre` + `cm:origin`), if declared.
    pub declared: Option<Claim>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Knitting {
    pub inputs: Vec<LotQty>,
    pub garments: Vec<Ident>,
    /// `cm:garmentMassKg` in grams.
    pub garment_g: u64,
}

/// Which side of a transfer an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// bizStep `shipping`: counts against the lots' shippable mass.
    Shipping,
    /// bizStep `receiving`: changes nothing.
    Receiving,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transfer {
    pub side: Side,
    pub lots: Vec<LotQty>,
    /// Cases and garments.
    pub epcs: Vec<Ident>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabTest {
    /// Tested lots, with the sample mass when given.
    pub lots: Vec<(Ident, Option<u64>)>,
    pub measurements: Vec<Measurement>,
}

/// One sensor report of a lab test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// The local name for `cm` types (`MeanFibreDiameter`), the type as written otherwise.
    pub kind: String,
    /// Informative quality data, not mass: a float is fine here.
    pub value: Option<f64>,
    pub uom: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Packing {
    pub parent: Ident,
    pub children: Vec<Ident>,
}

/// The `cm` measurement types of a lab test and the unit each must be in.
pub const MEASUREMENTS: &[(&str, &str)] = &[
    ("MeanFibreDiameter", "4H"),
    ("FibreDiameterCV", "P1"),
    ("FibreLength", "MMT"),
    ("CleanYield", "P1"),
    ("CoarseHairContent", "P1"),
    ("OverThirtyMicron", "P1"),
    ("FibreDiameterSD", "4H"),
    ("ImpurityContent", "P1"),
    ("CashmereContent", "P1"),
    ("YakContent", "P1"),
    ("SheepWoolContent", "P1"),
    ("CamelContent", "P1"),
    ("OtherFibreContent", "P1"),
    // One class of the diameter histogram: % of fibres in [cm:classFromUm, cm:classToUm).
    ("DiameterClass", "P1"),
];

/// The `cm` lab-test types carried as a `stringValue` rather than a number.
pub const STRING_MEASUREMENTS: &[&str] = &["ColourClass"];

/// Whether an event claims the profile (has a `cm:profile` member).
pub fn claims_profile(event: &Event, ns: &Namespaces) -> bool {
    let v = Vocab::new(ns);
    v.find(&event.extensions, "profile").is_some()
        || event
            .ilmd
            .as_ref()
            .is_some_and(|m| v.find(m, "profile").is_some())
}

/// Reads and checks event `index` of a document whose prefixes are `ns`.
pub fn read(
    index: usize,
    event: &Event,
    ns: &Namespaces,
) -> Result<Option<Profiled>, Vec<Violation>> {
    if !claims_profile(event, ns) {
        return Ok(None);
    }
    let mut r = Reader::new(index, event, Vocab::new(ns));
    if let Some((path, version)) = r.required_text("profile", "the profile version")
        && version != VERSION
    {
        r.fail(path, format!("profile version {version} is not supported (this repository implements version {VERSION})"));
    }
    let process = match r.optional_text("process") {
        Some((path, text)) => {
            let term = r.vocab.term(&text).to_owned();
            match Process::parse(&term) {
                Some(p) => Some(p),
                None => {
                    let names: Vec<&str> = Process::ALL.iter().map(|p| p.as_str()).collect();
                    r.fail(
                        path,
                        format!(
                            "'{text}' is not a step of the profile (one of {})",
                            names.join(", ")
                        ),
                    );
                    None
                }
            }
        }
        // An AggregationEvent of the profile can only be packing.
        None if event.event_type == EventType::AggregationEvent => Some(Process::Packing),
        None => {
            let name = r.vocab.name("process");
            r.fail(
                format!("/{}", reader::pointer(&name)),
                format!("a profile event requires {name} naming its step"),
            );
            None
        }
    };
    let Some(process) = process else {
        return Err(r.violations);
    };
    r.what = process.as_str().to_owned();
    let step = match process {
        Process::Combing => combing(&mut r).map(Step::Combing),
        Process::FibreIntake => fibre_intake(&mut r).map(Step::FibreIntake),
        Process::Delivery => Some(Step::Delivery(delivery(&mut r))),
        Process::Knitting => knitting(&mut r).map(Step::Knitting),
        Process::LabTest => Some(Step::LabTest(lab_test(&mut r))),
        Process::Sale | Process::Shipping => transfer(&mut r).map(Step::Transfer),
        Process::Packing => packing(&mut r).map(Step::Packing),
        p => {
            debug_assert!(p.is_lot_transformation());
            transform(&mut r).map(Step::Transform)
        }
    };
    match step {
        Some(step) if r.violations.is_empty() => Ok(Some(Profiled {
            index,
            event_id: event.event_id.clone().unwrap_or_default(),
            process,
            step,
        })),
        _ => Err(r.violations),
    }
}

/// Exactly one quantity element, for steps that create one lot.
fn one_lot(r: &mut Reader) -> Option<LotQty> {
    let lots = r.masses(r.event.quantity_list.as_deref(), "quantityList", 1);
    let n = r.event.quantity_list.as_ref().map_or(0, Vec::len);
    if n > 1 {
        let msg = format!(
            "{} creates one lot: quantityList must have exactly one entry, not {n}",
            r.what
        );
        r.fail("/quantityList", msg);
    }
    lots.into_iter().next()
}

fn combing(r: &mut Reader) -> Option<Combing> {
    r.expect_type(&[EventType::ObjectEvent]);
    r.expect_action(Action::Add);
    r.expect_biz_step(&["commissioning"]);
    let lot = one_lot(r);
    let household = r.required_text("household", "the herder household IRI");
    if let Some((path, h)) = &household
        && epcis::id::validate(h).is_err()
    {
        r.fail(
            path.clone(),
            format!("cm:household must be an absolute IRI, not '{h}'"),
        );
    }
    let soum = r.required_text("soum", "the 5-digit NSO soum code");
    if let Some((path, s)) = &soum
        && crate::terms::aimag_of(s).is_none()
    {
        r.fail(
            path.clone(),
            format!("cm:soum must be a 5-digit NSO soum code, not '{s}'"),
        );
    }
    let goats = r
        .required_text("goatsCombed", "the number of goats combed")
        .and_then(|(path, t)| match t.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                r.fail(
                    path,
                    format!("cm:goatsCombed must be a whole number ≥ 0, not '{t}'"),
                );
                None
            }
        });
    let colour = r
        .required_text("colour", "the colour class of the fibre")
        .and_then(|(path, t)| {
            let term = r.vocab.term(&t).to_owned();
            let c = Colour::parse(&term);
            if c.is_none() {
                let names: Vec<&str> = Colour::ALL.iter().map(|c| c.as_str()).collect();
                r.fail(
                    path,
                    format!(
                        "'{t}' is not a colour class of the profile (one of {})",
                        names.join(", ")
                    ),
                );
            }
            c
        });
    let season = r.required_text("season", "the combing season, YYYY");
    if let Some((path, s)) = &season
        && !(s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
    {
        r.fail(
            path.clone(),
            format!("cm:season must be a year YYYY, not '{s}'"),
        );
    }
    Some(Combing {
        lot: lot?,
        household: household?.1,
        soum: soum?.1,
        goats: goats?,
        colour: colour?,
        season: season?.1,
    })
}

/// `cm:fibre` and `cm:origin`: required for an intake, optional (both or none) on a
/// transformation, where they declare what the outputs are claimed to be.
fn fibre_and_origin(r: &mut Reader, required: bool) -> Option<(Fibre, String)> {
    let fibre = if required {
        r.required_text("fibre", "what fibre the lot is")
    } else {
        r.optional_text("fibre")
    };
    let fibre = fibre.and_then(|(path, t)| {
        let term = r.vocab.term(&t).to_owned();
        let f = Fibre::parse(&term);
        if f.is_none() {
            let names: Vec<&str> = Fibre::ALL.iter().map(|f| f.as_str()).collect();
            r.fail(
                path,
                format!(
                    "'{t}' is not a fibre of the profile (one of {})",
                    names.join(", ")
                ),
            );
        }
        f
    })?;
    let origin = r.required_text("origin", "ISO 3166-1 alpha-2 country of origin");
    let (path, origin) = origin?;
    if !(origin.len() == 2 && origin.bytes().all(|b| b.is_ascii_alphabetic())) {
        r.fail(
            path,
            format!("cm:origin must be an ISO 3166-1 alpha-2 code, not '{origin}'"),
        );
        return None;
    }
    Some((fibre, origin.to_ascii_uppercase()))
}

fn fibre_intake(r: &mut Reader) -> Option<FibreIntake> {
    r.expect_type(&[EventType::ObjectEvent]);
    r.expect_action(Action::Add);
    r.expect_biz_step(&["commissioning"]);
    let lot = one_lot(r);
    let (fibre, origin) = fibre_and_origin(r, true)?;
    Some(FibreIntake {
        lot: lot?,
        fibre,
        claim: Claim::of_fibre(fibre, &origin),
        origin,
    })
}

fn percentage(r: &mut Reader, local: &str) -> Option<String> {
    let (path, t) = r.optional_text(local)?;
    if scaled(&t, 0).is_err() {
        let name = r.vocab.name(local);
        r.fail(
            path,
            format!("{name} must be a decimal percentage, not '{t}'"),
        );
    }
    Some(t)
}

fn delivery(r: &mut Reader) -> Delivery {
    r.expect_type(&[EventType::ObjectEvent]);
    r.expect_action(Action::Observe);
    r.expect_biz_step(&["receiving"]);
    r.expect_owning_parties();
    Delivery {
        lots: r.masses(r.event.quantity_list.as_deref(), "quantityList", 1),
        moisture_pct: percentage(r, "moisturePct"),
        impurity_pct: percentage(r, "impurityPct"),
    }
}

fn transformation_header(r: &mut Reader) -> Vec<LotQty> {
    r.expect_type(&[EventType::TransformationEvent]);
    r.expect_biz_step(&["commissioning"]);
    r.masses(
        r.event.input_quantity_list.as_deref(),
        "inputQuantityList",
        1,
    )
}

fn transform(r: &mut Reader) -> Option<Transform> {
    let inputs = transformation_header(r);
    let outputs = r.masses(
        r.event.output_quantity_list.as_deref(),
        "outputQuantityList",
        1,
    );
    let declared = if r.field("fibre").is_some() {
        Some(fibre_and_origin(r, false).map(|(f, o)| Claim::of_fibre(f, &o))?)
    } else {
        None
    };
    Some(Transform {
        inputs,
        outputs,
        declared,
    })
}

fn knitting(r: &mut Reader) -> Option<Knitting> {
    let inputs = transformation_header(r);
    let garments = r.epcs(r.event.output_epc_list.as_deref(), "outputEPCList", 1);
    let garment_g = r
        .required_text("garmentMassKg", "the fibre mass of each garment in kg")
        .and_then(
            |(path, t)| match kg_to_grams(&serde_json::Value::String(t.clone())) {
                Ok(0) => {
                    r.fail(
                        path,
                        format!("cm:garmentMassKg must be more than 0.0005 kg, not '{t}'"),
                    );
                    None
                }
                Ok(g) => Some(g),
                Err(e) => {
                    r.fail(path, format!("cm:garmentMassKg: {e}"));
                    None
                }
            },
        );
    Some(Knitting {
        inputs,
        garments,
        garment_g: garment_g?,
    })
}

fn transfer(r: &mut Reader) -> Option<Transfer> {
    // DESIGN.md allows a TransactionEvent for an ownership change as well.
    r.expect_type(&[EventType::ObjectEvent, EventType::TransactionEvent]);
    r.expect_action(Action::Observe);
    let side = match r.expect_biz_step(&["shipping", "receiving"]) {
        Some("shipping") => Some(Side::Shipping),
        Some(_) => Some(Side::Receiving),
        None => None,
    };
    r.expect_owning_parties();
    let n_lots = r.event.quantity_list.as_ref().map_or(0, Vec::len);
    let n_epcs = r.event.epc_list.as_ref().map_or(0, Vec::len);
    if n_lots + n_epcs == 0 {
        let msg = format!(
            "{} requires quantityList (lots, kg) or epcList (cases, garments)",
            r.what
        );
        r.fail("/quantityList", msg);
    }
    let lots = r.masses(r.event.quantity_list.as_deref(), "quantityList", 0);
    let epcs = r.epcs(r.event.epc_list.as_deref(), "epcList", 0);
    Some(Transfer {
        side: side?,
        lots,
        epcs,
    })
}

fn lab_test(r: &mut Reader) -> LabTest {
    r.expect_type(&[EventType::ObjectEvent]);
    r.expect_action(Action::Observe);
    r.expect_biz_step(&["inspecting"]);
    let lots = r.quantities(r.event.quantity_list.as_deref(), "quantityList", 1, false);
    let mut measurements = Vec::new();
    let elements = r.event.sensor_element_list.as_deref().unwrap_or(&[]);
    if elements.iter().all(|e| e.sensor_report.is_empty()) {
        r.fail(
            "/sensorElementList",
            "lab-test requires sensorElementList with the measurements",
        );
    }
    for (i, el) in elements.iter().enumerate() {
        for (j, rep) in el.sensor_report.iter().enumerate() {
            let base = format!("/sensorElementList/{i}/sensorReport/{j}");
            let Some(kind) = rep.kind.as_deref() else {
                r.fail(format!("{base}/type"), "a measurement needs a type");
                continue;
            };
            let ours = r.vocab.local(kind).is_some();
            let local = r.vocab.term(kind).to_owned();
            if ours && STRING_MEASUREMENTS.contains(&local.as_str()) {
                if rep.string_value.is_none() {
                    r.fail(
                        format!("{base}/stringValue"),
                        format!("{local} needs a stringValue"),
                    );
                    continue;
                }
            } else if ours {
                match MEASUREMENTS.iter().find(|(t, _)| *t == local) {
                    None => {
                        let names: Vec<&str> = MEASUREMENTS
                            .iter()
                            .map(|(t, _)| *t)
                            .chain(STRING_MEASUREMENTS.iter().copied())
                            .collect();
                        r.fail(
                            format!("{base}/type"),
                            format!(
                                "'{kind}' is not a measurement of the profile (one of {})",
                                names.join(", ")
                            ),
                        );
                        continue;
                    }
                    Some((_, unit)) if rep.uom.as_deref() != Some(*unit) => {
                        let msg = format!(
                            "{local} is measured in {unit}, not {}",
                            rep.uom.as_deref().unwrap_or("no unit")
                        );
                        r.fail(format!("{base}/uom"), msg);
                        continue;
                    }
                    Some(_) => {}
                }
                if rep.value.is_none() {
                    r.fail(format!("{base}/value"), format!("{local} needs a value"));
                    continue;
                }
            }
            measurements.push(Measurement {
                kind: if ours { local } else { kind.to_owned() },
                value: rep.value.as_ref().and_then(|n| n.as_f64()),
                uom: rep.uom.clone(),
            });
        }
    }
    LabTest { lots, measurements }
}

fn packing(r: &mut Reader) -> Option<Packing> {
    r.expect_type(&[EventType::AggregationEvent]);
    r.expect_action(Action::Add);
    r.expect_biz_step(&["packing"]);
    let parent = match r.event.parent_id.as_deref() {
        Some(p) if !p.trim().is_empty() => Some(Ident::new(p)),
        _ => {
            r.fail("/parentID", "packing requires parentID (the case SSCC)");
            None
        }
    };
    let children = r.epcs(r.event.child_epcs.as_deref(), "childEPCs", 1);
    Some(Packing {
        parent: parent?,
        children,
    })
}

/// The text of a `cm` member of a map, for callers that need a field the step does not type.
pub fn member_text(map: &epcis::Extensions, ns: &Namespaces, local: &str) -> Option<String> {
    Vocab::new(ns)
        .find(map, local)
        .and_then(|(_, v)| scalar_text(v))
}
