//! The journey of a product from its backward trace: for each step (combing → cooperative →
//! lab → dehairing → spinning → knitting) the first and last date and the places, and the lab
//! tests upstream. Only these are kept from the events, which also carry household
//! identifiers; places are named by soum or organisation, never by household.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use store::Org;

use super::data::{LabLine, Step};

/// The journey's steps, in order, and the `cm:process` values each gathers.
const STEPS: &[(&str, &str, &[&str])] = &[
    ("combing", "Combing", &["combing"]),
    (
        "cooperative",
        "Cooperative",
        &["delivery", "pooling", "sorting"],
    ),
    ("lab", "Laboratory", &["lab-test"]),
    (
        "dehairing",
        "Scouring and dehairing",
        &["scouring", "dehairing"],
    ),
    ("spinning", "Spinning and dyeing", &["spinning", "dyeing"]),
    ("knitting", "Knitting", &["knitting"]),
];

/// A readable place for an event's location: a soum's name, an organisation's name, or the
/// identifier itself. Never a household.
fn place(id: &str, orgs: &[Org]) -> String {
    if let Some(code) = id.rsplit_once("/soum/").map(|(_, c)| c)
        && let Some(s) = code.parse::<u32>().ok().and_then(mongolia::soum)
    {
        let aimag = s.aimag().map(|a| a.name_en).unwrap_or("");
        return format!("{} soum, {aimag}", s.name_en);
    }
    let canonical = epcis::id::canonical(id);
    if let Some(o) = orgs.iter().find(|o| {
        o.identifiers
            .iter()
            .any(|i| *i == canonical || canonical.starts_with(&format!("{i}/")))
    }) {
        return o.name.clone();
    }
    if let Some(rest) = id.rsplit_once("/coop/").map(|(_, c)| c) {
        let soum = rest
            .split('-')
            .next()
            .and_then(|c| c.parse::<u32>().ok())
            .and_then(mongolia::soum);
        return match soum {
            Some(s) => format!("Cooperative in {} soum", s.name_en),
            None => "Cooperative".into(),
        };
    }
    if id.contains("/household/") {
        return "Herder household".into();
    }
    id.to_owned()
}

fn location(event: &Value) -> Option<&str> {
    for field in ["bizLocation", "readPoint"] {
        match &event[field] {
            Value::String(s) => return Some(s),
            Value::Object(o) => {
                if let Some(s) = o.get("id").and_then(Value::as_str) {
                    return Some(s);
                }
            }
            _ => {}
        }
    }
    None
}

fn date(event: &Value) -> String {
    let t = event["eventTime"].as_str().unwrap_or("");
    t.get(..10).unwrap_or(t).to_owned()
}

fn sensor(event: &Value, kind: &str) -> Option<String> {
    event["sensorElementList"]
        .as_array()?
        .iter()
        .flat_map(|e| e["sensorReport"].as_array().into_iter().flatten())
        .find(|r| r["type"].as_str().is_some_and(|t| t.ends_with(kind)))
        .and_then(|r| match &r["value"] {
            Value::Number(n) => Some(n.to_string()),
            Value::String(s) => Some(s.clone()),
            _ => None,
        })
}

pub fn steps(trace: &Value, orgs: &[Org]) -> (Vec<Step>, Vec<LabLine>) {
    let events: Vec<&Value> = trace["events"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| &e["event"])
        .collect();
    let mut out = Vec::new();
    for (step, label, processes) in STEPS {
        let mine: Vec<&&Value> = events
            .iter()
            .filter(|e| {
                e["cm:process"]
                    .as_str()
                    .is_some_and(|p| processes.contains(&p))
            })
            .collect();
        if mine.is_empty() {
            continue;
        }
        let dates: BTreeSet<String> = mine.iter().map(|e| date(e)).collect();
        let mut places: BTreeMap<String, usize> = BTreeMap::new();
        for e in &mine {
            if let Some(l) = location(e) {
                *places.entry(place(l, orgs)).or_default() += 1;
            }
        }
        let mut places: Vec<(String, usize)> = places.into_iter().collect();
        places.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out.push(Step {
            step,
            label,
            from: dates.first().cloned().unwrap_or_default(),
            to: dates.last().cloned().unwrap_or_default(),
            places: places.into_iter().map(|(p, _)| p).collect(),
            events: mine.len(),
        });
    }
    let mut lab: Vec<LabLine> = events
        .iter()
        .filter(|e| e["cm:process"] == "lab-test")
        .map(|e| LabLine {
            date: date(e),
            place: location(e).map(|l| place(l, orgs)).unwrap_or_default(),
            mean_diameter_um: sensor(e, "MeanFibreDiameter"),
            length_mm: sensor(e, "FibreLength"),
            clean_yield_pct: sensor(e, "CleanYield"),
        })
        .collect();
    lab.sort_by(|a, b| a.date.cmp(&b.date));
    (out, lab)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_never_name_households() {
        assert_eq!(
            place("https://id.nooluur.org/household/18101-00001", &[]),
            "Herder household"
        );
        assert!(place("https://id.nooluur.org/soum/18101", &[]).contains("soum"));
    }
}
