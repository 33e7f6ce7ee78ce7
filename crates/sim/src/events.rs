//! Builders of the profile's events (`docs/cashmere-profile.md`), one per step.
//!
//! Every event carries `cm:profile` "1" and `cm:process`, an `eventTime` in +08:00 and no
//! `recordTime` (the repository sets it). `eventID` is left out on purpose: the repository fills
//! it with the event hash ID, which is then stable for identical content across runs and stores.

use epcis::{
    Action, BizTransaction, CertificationInfo, Destination, Event, EventType, Extensions, Location,
    QuantityElement, SensorElement, SensorReport, Source,
};
use serde::Serialize;
use serde_json::{Number, Value};

use crate::time::{self, Minutes};

/// The project's vocabulary namespace.
pub const CM_PREFIX: &str = "cm";
pub const CM_NAMESPACE: &str = "https://nooluur.org/voc/cashmere/";

/// The profile's steps (`cm:process`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Process {
    Combing,
    Delivery,
    Pooling,
    LabTest,
    Sale,
    Scouring,
    Dehairing,
    FibreIntake,
    Spinning,
    Dyeing,
    Knitting,
    Packing,
    Shipping,
}

impl Process {
    pub const ALL: [Process; 13] = [
        Process::Combing,
        Process::Delivery,
        Process::Pooling,
        Process::LabTest,
        Process::Sale,
        Process::Scouring,
        Process::Dehairing,
        Process::FibreIntake,
        Process::Spinning,
        Process::Dyeing,
        Process::Knitting,
        Process::Packing,
        Process::Shipping,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Process::Combing => "combing",
            Process::Delivery => "delivery",
            Process::Pooling => "pooling",
            Process::LabTest => "lab-test",
            Process::Sale => "sale",
            Process::Scouring => "scouring",
            Process::Dehairing => "dehairing",
            Process::FibreIntake => "fibre-intake",
            Process::Spinning => "spinning",
            Process::Dyeing => "dyeing",
            Process::Knitting => "knitting",
            Process::Packing => "packing",
            Process::Shipping => "shipping",
        }
    }
}

/// Kilograms with three decimals from integer grams. The shortest decimal that reads back as the
/// same double is `g / 1000` exactly, so the ledger's grams (kg × 1000, rounded) are `g` again.
pub fn kg(grams: u64) -> Number {
    Number::from_f64(grams as f64 / 1000.0).unwrap_or_else(|| Number::from(0))
}

/// A decimal with `places` decimals from an integer count of its units (`hundredths(1583)`).
pub fn decimal(units: u64, places: u32) -> Number {
    Number::from_f64(units as f64 / f64::from(10u32.pow(places))).unwrap_or_else(|| Number::from(0))
}

fn qty(epc_class: &str, grams: u64) -> QuantityElement {
    QuantityElement {
        epc_class: epc_class.to_owned(),
        quantity: Some(kg(grams)),
        uom: Some("KGM".to_owned()),
    }
}

fn quantities(lots: &[(String, u64)]) -> Vec<QuantityElement> {
    lots.iter().map(|(l, g)| qty(l, *g)).collect()
}

fn location(id: &str) -> Option<Location> {
    Some(Location {
        id: id.to_owned(),
        extensions: Extensions::new(),
    })
}

/// Writes event times from minutes after the season's start.
#[derive(Debug, Clone)]
pub struct Clock {
    pub start_days: i64,
}

impl Clock {
    fn event(&self, kind: EventType, process: Process, t: Minutes) -> Event {
        let mut e = Event::new(kind, &time::format(self.start_days, t), time::OFFSET);
        e.extensions.insert("cm:profile".into(), "1".into());
        e.extensions
            .insert("cm:process".into(), process.as_str().into());
        e
    }
}

/// Fields of a combing event.
pub struct Combing<'a> {
    pub lot: &'a str,
    pub grams: u64,
    pub soum_uri: &'a str,
    pub soum_code: &'a str,
    pub household: &'a str,
    pub goats: u32,
    pub colour: &'a str,
    pub season: &'a str,
}

pub fn combing(c: &Clock, t: Minutes, f: &Combing<'_>) -> Event {
    let mut e = c.event(EventType::ObjectEvent, Process::Combing, t);
    e.action = Some(Action::Add);
    e.biz_step = Some("commissioning".into());
    e.disposition = Some("active".into());
    e.biz_location = location(f.soum_uri);
    e.quantity_list = Some(vec![qty(f.lot, f.grams)]);
    let mut ilmd = Extensions::new();
    ilmd.insert("cm:household".into(), f.household.into());
    ilmd.insert("cm:soum".into(), f.soum_code.into());
    ilmd.insert("cm:goatsCombed".into(), f.goats.into());
    ilmd.insert("cm:colour".into(), f.colour.into());
    ilmd.insert("cm:season".into(), f.season.into());
    e.ilmd = Some(ilmd);
    e
}

fn parties(e: &mut Event, from: &str, to: &str) {
    e.source_list = Some(vec![Source {
        kind: "owning_party".into(),
        source: from.to_owned(),
    }]);
    e.destination_list = Some(vec![Destination {
        kind: "owning_party".into(),
        destination: to.to_owned(),
    }]);
}

fn transactions(e: &mut Event, list: &[(&str, &str)]) {
    e.biz_transaction_list = Some(
        list.iter()
            .map(|(kind, id)| BizTransaction {
                kind: Some((*kind).to_owned()),
                biz_transaction: (*id).to_owned(),
            })
            .collect(),
    );
}

/// A household's bags handed to its cooperative, with the receipt (`recadv`).
pub struct Delivery<'a> {
    pub lots: &'a [(String, u64)],
    pub household: &'a str,
    pub cooperative: &'a str,
    pub receipt: &'a str,
    /// Tenths of a per cent.
    pub moisture_permille: u64,
    pub impurity_permille: u64,
}

pub fn delivery(c: &Clock, t: Minutes, f: &Delivery<'_>) -> Event {
    let mut e = c.event(EventType::ObjectEvent, Process::Delivery, t);
    e.action = Some(Action::Observe);
    e.biz_step = Some("receiving".into());
    e.disposition = Some("in_progress".into());
    e.biz_location = location(f.cooperative);
    e.quantity_list = Some(quantities(f.lots));
    transactions(&mut e, &[("recadv", f.receipt)]);
    parties(&mut e, f.household, f.cooperative);
    e.extensions.insert(
        "cm:moisturePct".into(),
        decimal(f.moisture_permille, 1).into(),
    );
    e.extensions.insert(
        "cm:impurityPct".into(),
        decimal(f.impurity_permille, 1).into(),
    );
    e
}

/// A TransformationEvent of `process`: lots and grams taken in, lots and grams made.
pub fn transformation(
    c: &Clock,
    t: Minutes,
    process: Process,
    inputs: &[(String, u64)],
    outputs: &[(String, u64)],
    site: &str,
    ilmd: Option<Extensions>,
) -> Event {
    let mut e = c.event(EventType::TransformationEvent, process, t);
    e.biz_step = Some("commissioning".into());
    e.disposition = Some("active".into());
    e.biz_location = location(site);
    e.input_quantity_list = Some(quantities(inputs));
    e.output_quantity_list = Some(quantities(outputs));
    e.ilmd = ilmd;
    e
}

/// One lab measurement: its `cm:` type, value (in units of 10^-places) and UN/ECE unit code.
pub struct Measurement {
    pub kind: &'static str,
    pub units: u64,
    pub places: u32,
    pub uom: &'static str,
}

pub fn lab_test(
    c: &Clock,
    t: Minutes,
    lot: &(String, u64),
    lab_site: &str,
    report: &str,
    measurements: &[Measurement],
) -> Event {
    let mut e = c.event(EventType::ObjectEvent, Process::LabTest, t);
    e.action = Some(Action::Observe);
    e.biz_step = Some("inspecting".into());
    e.biz_location = location(lab_site);
    e.read_point = location(lab_site);
    e.quantity_list = Some(vec![qty(&lot.0, lot.1)]);
    e.certification_info = Some(CertificationInfo::One(report.to_owned()));
    e.sensor_element_list = Some(vec![SensorElement {
        sensor_metadata: None,
        sensor_report: measurements
            .iter()
            .map(|m| SensorReport {
                kind: Some(m.kind.to_owned()),
                value: Some(decimal(m.units, m.places)),
                uom: Some(m.uom.to_owned()),
                ..SensorReport::default()
            })
            .collect(),
        extensions: Extensions::new(),
    }]);
    e
}

/// What a shipment or its receipt moves: lots by mass, or serialised objects (cases).
pub enum Goods<'a> {
    Lots(&'a [(String, u64)]),
    Epcs(&'a [String]),
}

/// A change of ownership as the seller (`shipping`) or the buyer (`receiving`) records it.
pub struct Transfer<'a> {
    pub process: Process,
    pub receiving: bool,
    pub goods: Goods<'a>,
    pub from: &'a str,
    pub to: &'a str,
    /// Where it happens: the seller's site when shipping, the buyer's when receiving.
    pub site: &'a str,
    pub po: &'a str,
    pub inv: &'a str,
}

pub fn transfer(c: &Clock, t: Minutes, f: &Transfer<'_>) -> Event {
    let mut e = c.event(EventType::ObjectEvent, f.process, t);
    e.action = Some(Action::Observe);
    if f.receiving {
        e.biz_step = Some("receiving".into());
        e.disposition = Some("in_progress".into());
    } else {
        e.biz_step = Some("shipping".into());
        e.disposition = Some("in_transit".into());
    }
    e.read_point = location(f.site);
    match f.goods {
        Goods::Lots(lots) => e.quantity_list = Some(quantities(lots)),
        Goods::Epcs(epcs) => e.epc_list = Some(epcs.to_vec()),
    }
    transactions(&mut e, &[("po", f.po), ("inv", f.inv)]);
    parties(&mut e, f.from, f.to);
    e
}

/// An outside lot entering the chain (wool or silk for a blend).
pub fn fibre_intake(
    c: &Clock,
    t: Minutes,
    lot: &(String, u64),
    fibre: &str,
    origin: &str,
    site: &str,
) -> Event {
    let mut e = c.event(EventType::ObjectEvent, Process::FibreIntake, t);
    e.action = Some(Action::Add);
    e.biz_step = Some("commissioning".into());
    e.disposition = Some("active".into());
    e.biz_location = location(site);
    e.quantity_list = Some(vec![qty(&lot.0, lot.1)]);
    let mut ilmd = Extensions::new();
    ilmd.insert("cm:fibre".into(), fibre.into());
    ilmd.insert("cm:origin".into(), origin.into());
    e.ilmd = Some(ilmd);
    e
}

pub fn knitting(
    c: &Clock,
    t: Minutes,
    yarn: &(String, u64),
    garments: Vec<String>,
    garment_grams: u64,
    site: &str,
) -> Event {
    let mut e = c.event(EventType::TransformationEvent, Process::Knitting, t);
    e.biz_step = Some("commissioning".into());
    e.disposition = Some("active".into());
    e.biz_location = location(site);
    e.input_quantity_list = Some(vec![qty(&yarn.0, yarn.1)]);
    e.output_epc_list = Some(garments);
    let mut ilmd = Extensions::new();
    ilmd.insert("cm:garmentMassKg".into(), Value::Number(kg(garment_grams)));
    e.ilmd = Some(ilmd);
    e
}

pub fn packing(c: &Clock, t: Minutes, case: &str, garments: &[String], site: &str) -> Event {
    let mut e = c.event(EventType::AggregationEvent, Process::Packing, t);
    e.action = Some(Action::Add);
    e.biz_step = Some("packing".into());
    e.disposition = Some("in_progress".into());
    e.biz_location = location(site);
    e.parent_id = Some(case.to_owned());
    e.child_epcs = Some(garments.to_vec());
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kilograms_keep_their_grams() {
        for g in [
            0u64,
            1,
            5,
            999,
            1000,
            12_345,
            123_456_789,
            9_007_199_254_740,
        ] {
            let n = kg(g);
            let back = (n.as_f64().unwrap() * 1000.0).round() as u64;
            assert_eq!(back, g);
            let text = n.to_string();
            let (_, frac) = text.split_once('.').unwrap_or((&text, ""));
            assert!(frac.len() <= 3, "{text}");
        }
        assert_eq!(kg(12_345).to_string(), "12.345");
        assert_eq!(decimal(1583, 2).to_string(), "15.83");
    }
}
