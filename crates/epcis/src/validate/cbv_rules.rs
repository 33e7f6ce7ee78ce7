//! Rules the schemas cannot express: the CBV (known terms in every spelling), GS1 check
//! digits, the EPCIS standard's own conditions, and XSD constraints the JSON Schema lacks.
//!
//! These run on values the schema layer has seen too, so they skip what it already reports
//! (a bare unknown word, a malformed time) and tolerate wrong JSON types silently.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde_json::{Map, Value};

use super::capture::{self, Set};
use super::event::Kind;
use super::fields::vocab_name;
use super::formats::{is_date_time, is_hex, is_uom, is_xsd_date_time_stamp};
use super::gs1_keys::identifier_problem;
use super::report::Path;
use super::{Ctx, Profile};
use crate::cbv::Vocab;
use crate::model::parse_time;

/// Runs the rules on every event of a document (or on the single event it is), and the
/// document-wide ones.
pub(crate) fn check_root<'d>(ctx: &mut Ctx<'d>, v: &'d Value) {
    let Some(o) = v.as_object() else { return };
    let events = match o.get("type").and_then(Value::as_str) {
        Some("EPCISDocument") => v.pointer("/epcisBody/eventList"),
        Some("EPCISQueryDocument") => v.pointer("/epcisBody/queryResults/resultsBody/eventList"),
        Some(_) => {
            ctx.report
                .set_event(Some(0), capture::event_id(ctx.profile, v));
            check_event(ctx, v);
            ctx.report.set_event(None, None);
            return;
        }
        None => return,
    };
    master_data(ctx, v);
    let Some(events) = events.and_then(Value::as_array) else {
        return;
    };
    let mut ids = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        if ctx.report.is_full() {
            return;
        }
        let id = capture::event_id(ctx.profile, e);
        ids.push(id);
        ctx.report.set_event(Some(i), id);
        check_event(ctx, e);
    }
    ctx.report.set_event(None, None);
    unique_event_ids(ctx, ids.into_iter());
}

/// Two events of one document may not share an eventID.
pub(crate) fn unique_event_ids<'d>(ctx: &mut Ctx<'d>, ids: impl Iterator<Item = Option<&'d str>>) {
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(ids.size_hint().0);
    for (i, id) in ids.enumerate() {
        let Some(id) = id else { continue };
        match seen.entry(id) {
            Entry::Occupied(first) => {
                let first = *first.get();
                ctx.report.set_event(Some(i), Some(id));
                ctx.add(
                    &Path::ROOT.key("eventID"),
                    format!("eventID '{id}' is also the eventID of event {}", first + 1),
                );
                ctx.report.set_event(None, None);
            }
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
}

/// XSD: a vocabulary element list holds at least one element.
fn master_data(ctx: &mut Ctx<'_>, v: &Value) {
    let root = Path::ROOT;
    let (header, body) = (root.key("epcisHeader"), root.key("epcisBody"));
    let (md, qr) = (header.key("epcisMasterData"), body.key("queryResults"));
    let rb = qr.key("resultsBody");
    let lists = [
        (
            md.key("vocabularyList"),
            v.pointer("/epcisHeader/epcisMasterData/vocabularyList"),
        ),
        (
            rb.key("vocabularyList"),
            v.pointer("/epcisBody/queryResults/resultsBody/vocabularyList"),
        ),
    ];
    for (path, list) in &lists {
        for (i, voc) in items(*list) {
            if voc
                .get("vocabularyElementList")
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty)
            {
                let p = path.index(i);
                ctx.add(&p.key("vocabularyElementList"), "vocabularyElementList is empty; EPCIS XML requires at least one element (omit the list instead)");
            }
        }
    }
}

/// The rules for one event in its JSON-LD form.
pub(crate) fn check_event(ctx: &mut Ctx<'_>, v: &Value) {
    let Some(o) = v.as_object() else { return };
    let Some(kind) = o.get("type").and_then(Value::as_str).map(Kind::of) else {
        return;
    };
    let root = Path::ROOT;
    let profile = ctx.profile;
    let (mut has_parent, mut action) = (false, None);
    for (k, x) in o {
        let p = root.key(k);
        match k.as_str() {
            "action" => action = x.as_str(),
            "eventTime" | "recordTime" => stamp(ctx, x, &p),
            "eventID" => hash_id_shape(ctx, x, &p),
            // An event's `id` is its eventID in JSON-LD (tolerance 1 in capture.rs).
            "id" if ctx.capture() => hash_id_shape(ctx, x, &p),
            "errorDeclaration" => error_declaration(ctx, x, &p),
            _ if kind == Kind::Extended => {}
            "bizStep" => term(ctx, x, &p, Vocab::BizStep),
            "disposition" => term(ctx, x, &p, Vocab::Disposition),
            "persistentDisposition" => {
                for key in ["set", "unset"] {
                    let pk = p.key(key);
                    let Some(set) = x.get(key).and_then(|v| Set::of(profile, v)) else {
                        continue;
                    };
                    for (i, d) in set.iter() {
                        term(ctx, d, &set.item_path(&pk, i), Vocab::Disposition);
                    }
                }
            }
            "epcList" | "childEPCs" | "inputEPCList" | "outputEPCList" => {
                let Some(set) = Set::of(profile, x) else {
                    continue;
                };
                for (i, e) in set.iter() {
                    identifier(ctx, e, &set.item_path(&p, i));
                }
            }
            "parentID" => {
                has_parent = true;
                identifier(ctx, x, &p);
            }
            "quantityList" | "childQuantityList" | "inputQuantityList" | "outputQuantityList" => {
                let Some(set) = Set::of(profile, x) else {
                    continue;
                };
                for (i, q) in set.iter() {
                    quantity_element(ctx, q, &set.item_path(&p, i));
                }
            }
            "readPoint" | "bizLocation" => {
                if let Some(id) = x.get("id") {
                    identifier(ctx, id, &p.key("id"));
                }
            }
            "bizTransactionList" => {
                not_empty(ctx, x, &p, "business transaction");
                let Some(set) = Set::of(profile, x) else {
                    continue;
                };
                for (i, bt) in set.iter() {
                    let pi = set.item_path(&p, i);
                    if let Some(t) = bt.get("type") {
                        term(ctx, t, &pi.key("type"), Vocab::BizTransactionType);
                    }
                    if let Some(id) = bt.get("bizTransaction") {
                        identifier(ctx, id, &pi.key("bizTransaction"));
                    }
                }
            }
            "sourceList" | "destinationList" => {
                let member = if k == "sourceList" {
                    "source"
                } else {
                    "destination"
                };
                not_empty(ctx, x, &p, member);
                let Some(set) = Set::of(profile, x) else {
                    continue;
                };
                for (i, sd) in set.iter() {
                    let pi = set.item_path(&p, i);
                    if let Some(t) = sd.get("type") {
                        term(ctx, t, &pi.key("type"), Vocab::SourceDestType);
                    }
                    if let Some(id) = sd.get(member) {
                        identifier(ctx, id, &pi.key(member));
                    }
                }
            }
            "sensorElementList" => {
                not_empty(ctx, x, &p, "sensor element");
                let Some(set) = Set::of(profile, x) else {
                    continue;
                };
                for (i, el) in set.iter() {
                    sensor_element(ctx, el, &set.item_path(&p, i));
                }
            }
            _ => {}
        }
    }
    if kind == Kind::Aggregation
        && !has_parent
        && let Some(a @ ("ADD" | "DELETE")) = action
    {
        ctx.add(&root, format!("an AggregationEvent with action {a} needs a parentID (it is optional only for OBSERVE)"));
    }
}

/// The items of an array value, or none when it is absent or not an array.
fn items(v: Option<&Value>) -> impl Iterator<Item = (usize, &Value)> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}

fn not_empty(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>, what: &str) {
    if v.as_array().is_some_and(Vec::is_empty) {
        ctx.add(
            path,
            format!(
                "{} is empty; EPCIS XML requires at least one {what} (omit the list instead)",
                path.label()
            ),
        );
    }
}

/// Event times as EPCIS XML's `DateTimeStamp` (what the schema's `date-time` does not
/// already reject is left to this rule).
fn stamp(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    if let Some(s) = v.as_str()
        && is_date_time(s)
        && !is_xsd_date_time_stamp(s)
    {
        ctx.add(path, format!("{} '{s}' is not an EPCIS timestamp: write an upper-case T, seconds below 60, and Z or an offset within ±14:00", path.label()));
    }
}

/// `ni:///sha-256;…` event IDs are event hash IDs: 64 hex digits, optionally `?ver=…`.
fn hash_id_shape(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    let Some(s) = v.as_str() else { return };
    let Some(rest) = s.strip_prefix("ni:///sha-256;") else {
        return;
    };
    let digest = rest.split('?').next().unwrap_or(rest);
    if digest.len() != 64 || !is_hex(digest) {
        ctx.add(
            path,
            format!(
                "{} '{s}' is not an event hash ID: 64 hexadecimal digits must follow 'sha-256;'",
                path.label()
            ),
        );
    }
}

fn error_declaration(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    if let Some(t) = v.get("declarationTime") {
        stamp(ctx, t, &path.key("declarationTime"));
    }
    if let Some(r) = v.get("reason") {
        term(ctx, r, &path.key("reason"), Vocab::ErrorReason);
    }
    let pc = path.key("correctiveEventIDs");
    if let Some(set) = v
        .get("correctiveEventIDs")
        .and_then(|ids| Set::of(ctx.profile, ids))
    {
        for (i, id) in set.iter() {
            hash_id_shape(ctx, id, &set.item_path(&pc, i));
        }
    }
}

fn identifier(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>) {
    if let Some(s) = v.as_str()
        && let Some(problem) = identifier_problem(s)
    {
        ctx.add(path, format!("{} '{s}': {problem}", path.label()));
    }
}

fn quantity_element(ctx: &mut Ctx<'_>, q: &Value, path: &Path<'_>) {
    if let Some(c) = q.get("epcClass") {
        identifier(ctx, c, &path.key("epcClass"));
    }
    let quantity = q.get("quantity");
    if let Some(n) = quantity.and_then(Value::as_f64)
        && n < 0.0
    {
        ctx.add(
            &path.key("quantity"),
            format!("quantity {} is negative", quantity.unwrap_or(&Value::Null)),
        );
    }
    if quantity.is_none()
        && let Some(u) = q.get("uom")
    {
        ctx.add(
            &path.key("uom"),
            format!("uom {u} is given without a quantity (a unit needs a quantity it measures)"),
        );
    }
}

fn sensor_element(ctx: &mut Ctx<'_>, el: &Value, path: &Path<'_>) {
    if let Some(md) = el.get("sensorMetadata") {
        let pm = path.key("sensorMetadata");
        for key in ["time", "startTime", "endTime"] {
            if let Some(t) = md.get(key) {
                stamp(ctx, t, &pm.key(key));
            }
        }
        time_order(ctx, md, &pm);
    }
    let pr = path.key("sensorReport");
    let Some(set) = el.get("sensorReport").and_then(|r| Set::of(ctx.profile, r)) else {
        return;
    };
    for (i, r) in set.iter() {
        let p = set.item_path(&pr, i);
        let Some(r) = r.as_object() else { continue };
        sensor_report(ctx, r, &p);
    }
}

fn time_order(ctx: &mut Ctx<'_>, md: &Value, path: &Path<'_>) {
    let (Some(start), Some(end)) = (
        md.get("startTime").and_then(Value::as_str),
        md.get("endTime").and_then(Value::as_str),
    ) else {
        return;
    };
    if let (Ok(a), Ok(b)) = (parse_time(start), parse_time(end))
        && a > b
    {
        ctx.add(
            &path.key("startTime"),
            format!("startTime {start} is later than endTime {end}"),
        );
    }
}

fn sensor_report(ctx: &mut Ctx<'_>, r: &Map<String, Value>, path: &Path<'_>) {
    if let Some(t) = r.get("type") {
        term(ctx, t, &path.key("type"), Vocab::MeasurementType);
    }
    if let Some(t) = r.get("exception") {
        term(ctx, t, &path.key("exception"), Vocab::SensorAlertType);
    }
    if let Some(t) = r.get("component") {
        term(ctx, t, &path.key("component"), Vocab::Component);
    }
    if let Some(t) = r.get("time") {
        stamp(ctx, t, &path.key("time"));
    }
    if let Some(u) = r.get("uom").and_then(Value::as_str)
        && !is_uom(u)
    {
        ctx.add(
            &path.key("uom"),
            format!(
                "uom '{u}' is not a UN/CEFACT code (2–3 upper-case letters or digits, such as CEL)"
            ),
        );
    }
    if let (Some(min), Some(max)) = (
        r.get("minValue").and_then(Value::as_f64),
        r.get("maxValue").and_then(Value::as_f64),
    ) && min > max
    {
        ctx.add(
            &path.key("minValue"),
            format!("minValue {min} is greater than maxValue {max}"),
        );
    }
    if let Some(h) = r.get("hexBinaryValue").and_then(Value::as_str)
        && is_hex(h)
        && h.len() % 2 == 1
    {
        ctx.add(&path.key("hexBinaryValue"), format!("hexBinaryValue '{h}' has an odd number of hex digits; hexBinary encodes whole bytes"));
    }
}

/// Tolerance 6 (capture.rs): measurement and sensor alert types are terms of the GS1 Web
/// Vocabulary, open and larger than the EPCIS context's list, so the capture profile takes one
/// the tables lack. The CBV's own namespace is closed and gets no such allowance.
fn open_web_vocabulary_term(profile: Profile, vocab: Vocab, base: &str, local: &str) -> bool {
    profile == Profile::Capture
        && matches!(vocab, Vocab::MeasurementType | Vocab::SensorAlertType)
        && base == "https://gs1.org/voc/"
        && !local.is_empty()
}

/// Spellings that put a value in a GS1 namespace, with the namespace IRI they stand for.
const GS1_NAMESPACES: &[(&str, &str)] = &[
    ("cbv:", "https://ref.gs1.org/cbv/"),
    ("gs1:", "https://gs1.org/voc/"),
    ("https://ref.gs1.org/cbv/", "https://ref.gs1.org/cbv/"),
    ("https://gs1.org/voc/", "https://gs1.org/voc/"),
    ("http://ref.gs1.org/cbv/", ""),
    ("http://gs1.org/voc/", ""),
    ("https://www.gs1.org/voc/", ""),
    ("http://www.gs1.org/voc/", ""),
    ("https://ns.gs1.org/cbv/", ""),
    ("http://ns.gs1.org/cbv/", ""),
];

/// A CBV value in a GS1 namespace (CBV URN, web vocabulary IRI or its `cbv:`/`gs1:` CURIE)
/// must name a known term of the field's vocabulary. Bare words are the schema layer's.
fn term(ctx: &mut Ctx<'_>, v: &Value, path: &Path<'_>, vocab: Vocab) {
    let Some(s) = v.as_str() else { return };
    if !s.contains(':') {
        return;
    }
    let known = if s.starts_with("urn:epcglobal:cbv") {
        if !ctx.capture() {
            return; // the JSON Schema forbids these URNs outright
        }
        vocab
            .urn_prefix()
            .and_then(|p| s.strip_prefix(p))
            .is_some_and(|t| vocab.iri_of(t).is_some())
    } else if let Some(&(prefix, base)) = GS1_NAMESPACES.iter().find(|(p, _)| s.starts_with(p)) {
        let excluded_by_schema = matches!(vocab, Vocab::MeasurementType | Vocab::SensorAlertType)
            && prefix.contains("gs1.org/voc/")
            || !matches!(vocab, Vocab::MeasurementType | Vocab::SensorAlertType)
                && prefix.contains("ns.gs1.org/cbv/");
        if excluded_by_schema && !ctx.capture() {
            return;
        }
        let local = &s[prefix.len()..];
        let known = !base.is_empty()
            && vocab
                .terms()
                .iter()
                .any(|(_, iri)| iri.strip_prefix(base) == Some(local));
        known || open_web_vocabulary_term(ctx.profile, vocab, base, local)
    } else {
        return; // another vocabulary's URI
    };
    if known {
        return;
    }
    let label = path.label();
    let name = vocab_name(vocab);
    let other = Vocab::ALL
        .into_iter()
        .find(|&o| o != vocab && o.iri_prefix() != vocab.iri_prefix() && o.is_standard(s));
    let msg = match other {
        Some(o) => format!("{label} '{s}' names a CBV {}, not a {name}", vocab_name(o)),
        None => {
            format!("{label} '{s}' is in a GS1 vocabulary namespace but is not a known CBV {name}")
        }
    };
    ctx.add(path, msg);
}
