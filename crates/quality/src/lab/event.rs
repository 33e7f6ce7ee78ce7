//! A lab result as the profile's `lab-test` event, and back.
//!
//! Every measurement is a `cm:` sensor report type listed in `provenance::profile`
//! (`MEASUREMENTS`, `STRING_MEASUREMENTS`), so the event passes the profile check; the sample and
//! method are `cm:` members of the event, the histogram one `cm:DiameterClass` report per class.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use epcis::{
    Action, CertificationInfo, Document, Event, EventType, Extensions, Location, Namespaces,
    QuantityElement, SensorElement, SensorMetadata, SensorReport,
};
use provenance::Process;
use serde_json::Value as Json;

use super::validate::Tolerances;
use super::{Bin, Histogram, LabError, LabProblem, LabResult, Method};
use crate::decimal::Milli;
use crate::measure::{Measure, Measurements, parse_colour};

/// The types and fields this crate adds: local name, unit (UN/ECE Rec 20) or how the value is
/// carried, meaning. README.md has the same table for the profile document.
pub const EXTRA_TYPES: &[(&str, &str, &str)] = &[
    (
        "FibreDiameterSD",
        "4H",
        "standard deviation of fibre diameter",
    ),
    (
        "ImpurityContent",
        "P1",
        "impurities (dirt, vegetable matter) by weight",
    ),
    (
        "CashmereContent",
        "P1",
        "cashmere fibre by weight (blend analysis)",
    ),
    ("YakContent", "P1", "yak fibre by weight (blend analysis)"),
    (
        "SheepWoolContent",
        "P1",
        "sheep wool by weight (blend analysis)",
    ),
    (
        "CamelContent",
        "P1",
        "camel fibre by weight (blend analysis)",
    ),
    (
        "OtherFibreContent",
        "P1",
        "any other fibre by weight (blend analysis)",
    ),
    (
        "ColourClass",
        "stringValue",
        "natural colour class (cm:colour values)",
    ),
    (
        "DiameterClass",
        "P1",
        "one histogram class: % of fibres (by number) with diameter in [cm:classFromUm, cm:classToUm)",
    ),
];

/// Which namespace a type is written in (one today: the profile's `cm`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ns {
    Cm,
}

/// The numeric measurements and their types.
const NUMERIC: &[(Measure, Ns, &str, &str)] = &[
    (Measure::MfdUm, Ns::Cm, "MeanFibreDiameter", "4H"),
    (Measure::SdUm, Ns::Cm, "FibreDiameterSD", "4H"),
    (Measure::CvPct, Ns::Cm, "FibreDiameterCV", "P1"),
    (Measure::Over30Pct, Ns::Cm, "OverThirtyMicron", "P1"),
    (Measure::LengthMm, Ns::Cm, "FibreLength", "MMT"),
    (Measure::YieldPct, Ns::Cm, "CleanYield", "P1"),
    (Measure::CoarseHairPct, Ns::Cm, "CoarseHairContent", "P1"),
    (Measure::ImpurityPct, Ns::Cm, "ImpurityContent", "P1"),
    (Measure::CashmerePct, Ns::Cm, "CashmereContent", "P1"),
    (Measure::YakPct, Ns::Cm, "YakContent", "P1"),
    (Measure::SheepWoolPct, Ns::Cm, "SheepWoolContent", "P1"),
    (Measure::CamelPct, Ns::Cm, "CamelContent", "P1"),
    (Measure::OtherFibrePct, Ns::Cm, "OtherFibreContent", "P1"),
];

const COLOUR: &str = "ColourClass";
const CLASS: &str = "DiameterClass";
const CLASS_FROM: &str = "classFromUm";
const CLASS_TO: &str = "classToUm";
const SAMPLE_ID: &str = "sampleID";
const METHOD: &str = "testMethod";

/// The prefixes a lab-test event uses: `cm`.
pub fn namespaces() -> Namespaces {
    let mut ns = Namespaces::new();
    ns.insert(provenance::vocab::PREFIX, provenance::NS);
    ns
}

fn name(ns: Ns, local: &str) -> String {
    match ns {
        Ns::Cm => format!("{}:{local}", provenance::vocab::PREFIX),
    }
}

fn number(v: Milli) -> Json {
    Json::Number(v.to_json_number())
}

impl LabResult {
    /// The `lab-test` event (default tolerances); the result is checked first.
    pub fn to_event(&self) -> Result<Event, LabError> {
        self.to_event_with(&Tolerances::default())
    }

    /// The `lab-test` event: ObjectEvent, OBSERVE, bizStep `inspecting`, the lot in
    /// `quantityList`, the lab as readPoint and bizLocation, `cm:profile` 1 and `cm:process`
    /// `lab-test`, one sensor report per measurement. Its prefixes are [`namespaces`]. No
    /// eventID: capture fills in the hash ID.
    pub fn to_event_with(&self, tol: &Tolerances) -> Result<Event, LabError> {
        self.validate_with(tol)?;
        let t = &self.tested_at;
        let mut e = Event::new(
            EventType::ObjectEvent,
            &t.to_rfc3339_opts(SecondsFormat::AutoSi, false),
            &t.offset().to_string(),
        );
        e.action = Some(Action::Observe);
        e.biz_step = Some("inspecting".into());
        let lab = Location {
            id: self.lab.clone(),
            extensions: Extensions::new(),
        };
        e.read_point = Some(lab.clone());
        e.biz_location = Some(lab);
        e.quantity_list = Some(vec![QuantityElement {
            epc_class: self.lot.clone(),
            quantity: self.lot_kg.map(|kg| kg.to_json_number()),
            uom: self.lot_kg.map(|_| "KGM".to_owned()),
        }]);
        e.certification_info = match self.certification.as_slice() {
            [] => None,
            [one] => Some(CertificationInfo::One(one.clone())),
            many => Some(CertificationInfo::Many(many.to_vec())),
        };
        let x = &mut e.extensions;
        x.insert(name(Ns::Cm, "profile"), provenance::profile::VERSION.into());
        x.insert(name(Ns::Cm, "process"), Process::LabTest.as_str().into());
        x.insert(name(Ns::Cm, SAMPLE_ID), self.sample_id.clone().into());
        x.insert(
            name(Ns::Cm, METHOD),
            Json::Array(self.methods.iter().map(|m| m.code().into()).collect()),
        );
        e.sensor_element_list = Some(vec![SensorElement {
            sensor_metadata: self.device.as_ref().map(|d| SensorMetadata {
                device_id: Some(d.clone()),
                ..SensorMetadata::default()
            }),
            sensor_report: reports(&self.measurements, self.histogram.as_ref()),
            extensions: Extensions::new(),
        }]);
        Ok(e)
    }

    /// A capture document holding the event, with `cm` declared. Its
    /// `creationDate` is the test time (the crate reads no clock); set it when sending.
    pub fn to_document(&self) -> Result<Document, LabError> {
        let mut doc = Document::capture(vec![self.to_event()?], namespaces());
        doc.creation_date = Some(self.tested_at.to_rfc3339_opts(SecondsFormat::AutoSi, false));
        Ok(doc)
    }

    /// Reads a `lab-test` event written with the usual prefixes (`cm:`) or expanded
    /// IRIs; default tolerances.
    pub fn from_event(event: &Event) -> Result<LabResult, LabError> {
        LabResult::from_event_with(event, &namespaces(), &Tolerances::default())
    }

    /// Reads a `lab-test` event whose prefixes resolve through `ns` (as the store keeps them).
    /// The event must pass the profile check (`provenance::profile::read`); the result is
    /// then checked like any other.
    pub fn from_event_with(
        event: &Event,
        ns: &Namespaces,
        tol: &Tolerances,
    ) -> Result<LabResult, LabError> {
        let mut r = Reader {
            names: Names { ns },
            problems: Vec::new(),
        };
        let result = r.read(event);
        if !r.problems.is_empty() {
            return Err(LabError {
                problems: r.problems,
            });
        }
        let result = result.ok_or_else(|| LabError {
            problems: vec![invalid("event", "not a lab-test event")],
        })?;
        result.validate_with(tol)?;
        Ok(result)
    }
}

/// The measurement checks alone, for any event that claims the lab-test step: how its sensor
/// reports are read (units, duplicates, colour classes) and whether the values are physically
/// possible and consistent. Capture runs this, so that an impossible result is never stored,
/// while the lab's own metadata (sample, method) is only required to certify the result.
pub fn measurement_problems(event: &Event, ns: &Namespaces, tol: &Tolerances) -> Vec<LabProblem> {
    let mut r = Reader {
        names: Names { ns },
        problems: Vec::new(),
    };
    let (m, h) = r.measurements(event);
    let mut problems = r.problems;
    problems.extend(
        m.validate(tol)
            .err()
            .map(|e| e.problems)
            .unwrap_or_default(),
    );
    if let Some(h) = h {
        problems.extend(super::validate::histogram_problems(&h, m.mfd_um, tol));
    }
    problems
}

fn reports(m: &Measurements, h: Option<&Histogram>) -> Vec<SensorReport> {
    let mut out = Vec::new();
    for (measure, ns, local, uom) in NUMERIC {
        if let Some(crate::measure::Value::Number(v)) = m.get(*measure) {
            out.push(SensorReport {
                kind: Some(name(*ns, local)),
                value: Some(v.to_json_number()),
                uom: Some((*uom).to_owned()),
                ..SensorReport::default()
            });
        }
    }
    if let Some(c) = m.colour {
        out.push(SensorReport {
            kind: Some(name(Ns::Cm, COLOUR)),
            string_value: Some(c.as_str().to_owned()),
            ..SensorReport::default()
        });
    }
    for b in h.map(|h| h.bins.as_slice()).unwrap_or(&[]) {
        let mut extensions = Extensions::new();
        extensions.insert(name(Ns::Cm, CLASS_FROM), number(b.from_um));
        extensions.insert(name(Ns::Cm, CLASS_TO), number(b.to_um));
        out.push(SensorReport {
            kind: Some(name(Ns::Cm, CLASS)),
            value: Some(b.pct.to_json_number()),
            uom: Some("P1".to_owned()),
            extensions,
            ..SensorReport::default()
        });
    }
    out
}

fn invalid(field: &str, message: impl Into<String>) -> LabProblem {
    LabProblem::Invalid {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// Resolves member names and type values in the two namespaces, as `provenance::vocab` does
/// for `cm`: a bound prefix, the usual prefix when unbound, or the expanded IRI.
struct Names<'a> {
    ns: &'a Namespaces,
}

impl Names<'_> {
    fn local<'k>(&self, name: &'k str, ns: Ns) -> Option<&'k str> {
        let (iri, usual) = match ns {
            Ns::Cm => (provenance::NS, provenance::vocab::PREFIX),
        };
        if let Some(local) = name.strip_prefix(iri) {
            return Some(local);
        }
        let (prefix, local) = name.split_once(':')?;
        match self.ns.get(prefix) {
            Some(bound) => (bound == iri).then_some(local),
            None => (prefix == usual).then_some(local),
        }
    }

    /// A type or member this crate added to the profile.
    fn added<'k>(&self, name: &'k str) -> Option<&'k str> {
        self.local(name, Ns::Cm)
    }

    fn member<'m>(&self, map: &'m Extensions, local: &str) -> Option<(&'m str, &'m Json)> {
        map.iter()
            .find(|(k, _)| self.added(k) == Some(local))
            .map(|(k, v)| (k.as_str(), v))
    }
}

struct Reader<'a> {
    names: Names<'a>,
    problems: Vec<LabProblem>,
}

impl Reader<'_> {
    fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(LabProblem::Invalid {
            field: field.into(),
            message: message.into(),
        });
    }

    fn read(&mut self, e: &Event) -> Option<LabResult> {
        match provenance::profile::read(0, e, self.names.ns) {
            Ok(Some(p)) if p.process == Process::LabTest => {}
            Ok(Some(p)) => {
                self.fail(
                    "cm:process",
                    format!("the event is a {} step, not lab-test", p.process),
                );
                return None;
            }
            Ok(None) => {
                self.fail(
                    "cm:profile",
                    "the event does not claim the cashmere profile",
                );
                return None;
            }
            Err(violations) => {
                for v in violations {
                    let field = v.location.field.unwrap_or_else(|| "event".to_owned());
                    self.fail(field, v.message);
                }
                return None;
            }
        }
        let (lot, lot_kg) = self.lot(e);
        let lab = e
            .biz_location
            .as_ref()
            .or(e.read_point.as_ref())
            .map(|l| l.id.clone());
        if lab.is_none() {
            self.fail(
                "/bizLocation",
                "a lab test names the lab as bizLocation (or readPoint)",
            );
        }
        let tested_at = self.time(e);
        let sample_id = self.text_member(e, SAMPLE_ID);
        let methods = self.methods(e);
        let certification = e
            .certification_info
            .as_ref()
            .map(|c| c.iter().map(str::to_owned).collect())
            .unwrap_or_default();
        let device = e
            .sensor_element_list
            .iter()
            .flatten()
            .find_map(|el| el.sensor_metadata.as_ref()?.device_id.clone());
        let (measurements, histogram) = self.measurements(e);
        Some(LabResult {
            lot: lot?,
            lot_kg,
            lab: lab?,
            sample_id: sample_id?,
            methods: methods?,
            tested_at: tested_at?,
            device,
            certification,
            measurements,
            histogram,
        })
    }

    fn lot(&mut self, e: &Event) -> (Option<String>, Option<Milli>) {
        let list = e.quantity_list.as_deref().unwrap_or(&[]);
        let [q] = list else {
            self.fail(
                "/quantityList",
                format!(
                    "a lab result is about one lot; quantityList has {} entries",
                    list.len()
                ),
            );
            return (None, None);
        };
        let kg = q
            .quantity
            .as_ref()
            .and_then(|n| match Milli::from_json_number(n) {
                Ok(kg) => Some(kg),
                Err(err) => {
                    self.fail("/quantityList/0/quantity", err.to_string());
                    None
                }
            });
        if kg.is_some() && q.uom.as_deref() != Some("KGM") {
            self.fail(
                "/quantityList/0/uom",
                format!(
                    "the lot's quantity must be in KGM, not {}",
                    q.uom.as_deref().unwrap_or("no unit")
                ),
            );
        }
        (Some(q.epc_class.clone()), kg)
    }

    fn time(&mut self, e: &Event) -> Option<DateTime<FixedOffset>> {
        let at = epcis::parse_time(&e.event_time);
        let offset = epcis::parse_offset(&e.event_time_zone_offset);
        match (at, offset) {
            (Ok(t), Ok(o)) => Some(t.with_timezone(&o)),
            (Err(err), _) => {
                self.fail("/eventTime", err.to_string());
                None
            }
            (_, Err(err)) => {
                self.fail("/eventTimeZoneOffset", err.to_string());
                None
            }
        }
    }

    fn text_member(&mut self, e: &Event, local: &str) -> Option<String> {
        match self.names.member(&e.extensions, local) {
            Some((_, v)) => match provenance::vocab::scalar_text(v) {
                Some(t) => Some(t),
                None => {
                    self.fail(
                        format!("/{}:{local}", provenance::vocab::PREFIX),
                        "must be text",
                    );
                    None
                }
            },
            None => {
                self.fail(
                    format!("/{}:{local}", provenance::vocab::PREFIX),
                    "is missing",
                );
                None
            }
        }
    }

    fn methods(&mut self, e: &Event) -> Option<Vec<Method>> {
        let field = format!("/{}:{METHOD}", provenance::vocab::PREFIX);
        let Some((_, v)) = self.names.member(&e.extensions, METHOD) else {
            self.fail(field, "is missing: name the test method(s)");
            return None;
        };
        let items: Vec<&Json> = match v {
            Json::Array(a) => a.iter().collect(),
            one => vec![one],
        };
        let mut out = Vec::new();
        for item in items {
            match provenance::vocab::scalar_text(item) {
                Some(t) => out.push(Method::parse(&t)),
                None => {
                    self.fail(field.clone(), format!("{item} is not a method code"));
                    return None;
                }
            }
        }
        Some(out)
    }

    fn measurements(&mut self, e: &Event) -> (Measurements, Option<Histogram>) {
        let mut m = Measurements::default();
        let mut bins = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (i, el) in e.sensor_element_list.iter().flatten().enumerate() {
            for (j, rep) in el.sensor_report.iter().enumerate() {
                let at = format!("/sensorElementList/{i}/sensorReport/{j}");
                let Some(kind) = rep.kind.as_deref() else {
                    continue;
                };
                let cm = self.names.local(kind, Ns::Cm);
                let Some(local) = cm else {
                    continue; // another vocabulary's measurement: not ours to read
                };
                if local != CLASS && !seen.insert(local.to_owned()) {
                    self.fail(format!("{at}/type"), format!("{kind} is reported twice"));
                    continue;
                }
                if let Some((measure, _, _, uom)) = NUMERIC.iter().find(|n| n.2 == local) {
                    if let Some(v) = self.value(rep, &at, uom) {
                        m.set(*measure, Some(v));
                    }
                } else if local == COLOUR {
                    match rep.string_value.as_deref().map(|s| (s, parse_colour(s))) {
                        Some((_, Some(c))) => m.colour = Some(c),
                        Some((s, None)) => self.fail(
                            format!("{at}/stringValue"),
                            format!(
                                "'{s}' is not a colour class (white, light-grey, grey, red, brown)"
                            ),
                        ),
                        None => self.fail(
                            format!("{at}/stringValue"),
                            "a colour class is given as stringValue",
                        ),
                    }
                } else if local == CLASS {
                    let pct = self.value(rep, &at, "P1");
                    let from = self.bound(rep, &at, CLASS_FROM);
                    let to = self.bound(rep, &at, CLASS_TO);
                    if let (Some(pct), Some(from_um), Some(to_um)) = (pct, from, to) {
                        bins.push(Bin {
                            from_um,
                            to_um,
                            pct,
                        });
                    }
                } else {
                    self.fail(
                        format!("{at}/type"),
                        format!(
                            "'{kind}' is not a measurement type of the cashmere profile ({})",
                            provenance::NS
                        ),
                    );
                }
            }
        }
        let histogram = (!bins.is_empty()).then_some(Histogram { bins });
        (m, histogram)
    }

    fn value(&mut self, rep: &SensorReport, at: &str, uom: &str) -> Option<Milli> {
        if rep.uom.as_deref() != Some(uom) {
            self.fail(
                format!("{at}/uom"),
                format!(
                    "must be {uom}, not {}",
                    rep.uom.as_deref().unwrap_or("no unit")
                ),
            );
            return None;
        }
        match rep.value.as_ref().map(Milli::from_json_number) {
            Some(Ok(v)) => Some(v),
            Some(Err(err)) => {
                self.fail(format!("{at}/value"), err.to_string());
                None
            }
            None => {
                self.fail(format!("{at}/value"), "a measurement needs a value");
                None
            }
        }
    }

    fn bound(&mut self, rep: &SensorReport, at: &str, local: &str) -> Option<Milli> {
        let field = format!("{at}/{}:{local}", provenance::vocab::PREFIX);
        let parsed = match self.names.member(&rep.extensions, local) {
            Some((_, Json::Number(n))) => Milli::from_json_number(n).map_err(|e| e.to_string()),
            Some((_, v)) => match provenance::vocab::scalar_text(v) {
                Some(t) => t.parse::<Milli>().map_err(|e| e.to_string()),
                None => Err(format!("{v} is not a number of µm")),
            },
            None => Err("a diameter class needs its bounds in µm".to_owned()),
        };
        parsed.map_err(|msg| self.fail(field, msg)).ok()
    }
}
