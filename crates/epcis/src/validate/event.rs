//! JSON Schema rules for one event: which members each event type allows and requires, and
//! the `anyOf` structure of each type (what an event must name at least).

use serde_json::Value;

use super::capture::{self, Set};
use super::fields::{self, extension_name};
use super::formats::{is_offset, is_uri, type_name};
use super::report::Path;
use super::{Ctx, Profile};
use crate::cbv::Vocab;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Object,
    Aggregation,
    Transaction,
    Transformation,
    Association,
    /// A user-defined event type (`Extended-Event`): only the common members are checked.
    Extended,
}

impl Kind {
    pub(crate) fn of(type_name: &str) -> Kind {
        match type_name {
            "ObjectEvent" => Kind::Object,
            "AggregationEvent" => Kind::Aggregation,
            "TransactionEvent" => Kind::Transaction,
            "TransformationEvent" => Kind::Transformation,
            "AssociationEvent" => Kind::Association,
            _ => Kind::Extended,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Object => "an ObjectEvent",
            Kind::Aggregation => "an AggregationEvent",
            Kind::Transaction => "a TransactionEvent",
            Kind::Transformation => "a TransformationEvent",
            Kind::Association => "an AssociationEvent",
            Kind::Extended => "an event",
        }
    }
}

/// What a type-specific member holds.
#[derive(Clone, Copy)]
enum Member {
    /// An array of URIs; `unique` where the schema says `uniqueItems`.
    Uris {
        unique: bool,
    },
    QuantityList,
    Action,
    BizStep,
    Disposition,
    PersistentDisposition,
    Location,
    BizTransactions {
        min_one: bool,
    },
    Sources,
    Destinations,
    SensorElements,
    Ilmd,
    Uri,
}

/// The members each standard event type allows besides the common ones, as in its
/// `propertyNames` list. In the capture profile the XSD's member sets apply where they are
/// wider: `persistentDisposition` in every standard type.
fn member(kind: Kind, key: &str, profile: Profile) -> Option<Member> {
    use Kind::*;
    use Member as M;
    let m = match key {
        "action" if kind != Transformation => M::Action,
        "bizStep" => M::BizStep,
        "disposition" => M::Disposition,
        "readPoint" | "bizLocation" => M::Location,
        "sourceList" => M::Sources,
        "destinationList" => M::Destinations,
        "sensorElementList" => M::SensorElements,
        "bizTransactionList" => M::BizTransactions {
            min_one: kind == Transaction,
        },
        "persistentDisposition"
            if matches!(kind, Object | Transformation) || profile == Profile::Capture =>
        {
            M::PersistentDisposition
        }
        "ilmd" if matches!(kind, Object | Transformation) => M::Ilmd,
        "epcList" if kind == Object => M::Uris { unique: true },
        "epcList" if kind == Transaction => M::Uris { unique: false },
        "quantityList" if matches!(kind, Object | Transaction) => M::QuantityList,
        "parentID" if matches!(kind, Aggregation | Transaction | Association) => M::Uri,
        "childEPCs" if matches!(kind, Aggregation | Association) => M::Uris { unique: false },
        "childQuantityList" if matches!(kind, Aggregation | Association) => M::QuantityList,
        "inputEPCList" | "outputEPCList" if kind == Transformation => M::Uris { unique: true },
        "inputQuantityList" | "outputQuantityList" if kind == Transformation => M::QuantityList,
        "transformationID" if kind == Transformation => M::Uri,
        _ => return None,
    };
    (kind != Extended).then_some(m)
}

fn check_member(ctx: &mut Ctx<'_>, m: Member, v: &Value, path: &Path<'_>) {
    match m {
        Member::Uris { unique } => fields::uri_set(ctx, v, path, unique),
        Member::QuantityList => fields::quantity_list(ctx, v, path),
        Member::Action => match v.as_str() {
            Some("ADD" | "OBSERVE" | "DELETE") => {}
            Some(s) => ctx.add(
                path,
                format!("action '{s}' is not one of ADD, OBSERVE, DELETE"),
            ),
            None => ctx.add(
                path,
                format!(
                    "action must be one of the strings ADD, OBSERVE, DELETE, found {}",
                    type_name(v)
                ),
            ),
        },
        Member::BizStep => fields::vocab(ctx, v, path, Vocab::BizStep),
        Member::Disposition => fields::vocab(ctx, v, path, Vocab::Disposition),
        Member::PersistentDisposition => fields::persistent_disposition(ctx, v, path),
        Member::Location => fields::location(ctx, v, path),
        Member::BizTransactions { min_one } => fields::biz_transaction_list(ctx, v, path, min_one),
        Member::Sources => fields::source_dest_list(ctx, v, path, "source"),
        Member::Destinations => fields::source_dest_list(ctx, v, path, "destination"),
        Member::SensorElements => fields::sensor_element_list(ctx, v, path),
        Member::Ilmd => fields::ilmd(ctx, v, path),
        Member::Uri => fields::uri(ctx, v, path),
    }
}

/// The members every event type shares (the schema's `Event` definition); false if `key`
/// is not one of them.
fn check_common(ctx: &mut Ctx<'_>, key: &str, v: &Value, path: &Path<'_>) -> bool {
    match key {
        "type" => {}
        "@context" => fields::context(ctx, v, path),
        "eventTime" | "recordTime" => fields::time(ctx, v, path),
        "eventTimeZoneOffset" => {
            if let Some(s) = fields::string(ctx, v, path)
                && !is_offset(s.as_bytes())
            {
                ctx.add(path, format!("eventTimeZoneOffset '{s}' is not an offset of the form ±hh:mm between -14:00 and +14:00"));
            }
        }
        "eventID" => fields::uri(ctx, v, path),
        // Tolerance 1 (capture.rs): `id` is JSON-LD's `@id`, as eventID is.
        "id" if ctx.capture() => capture::node_id(ctx, v, path),
        "certificationInfo" => fields::certification_info(ctx, v, path),
        "errorDeclaration" => fields::error_declaration(ctx, v, path),
        _ => return false,
    }
    true
}

/// Checks one event; `require_context` for an event that stands alone as a document.
pub(crate) fn check_event(ctx: &mut Ctx<'_>, v: &Value, require_context: bool) {
    let root = Path::ROOT;
    let Some(o) = fields::object(ctx, v, &root) else {
        return;
    };
    let type_name = match o.get("type") {
        None => {
            ctx.add(&root, "the event has no 'type' (ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent or an extension type URI)");
            return;
        }
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            ctx.add(
                &root.key("type"),
                format!("type must be a string, found {}", self::type_name(other)),
            );
            return;
        }
    };
    let kind = Kind::of(type_name);
    if kind == Kind::Extended && !is_uri(type_name) {
        ctx.add(&root.key("type"), format!("event type '{type_name}' is neither a standard EPCIS event type nor a URI naming a user-defined type"));
    }
    if require_context && !o.contains_key("@context") {
        ctx.add(&root, "an event sent on its own needs an '@context'");
    }
    // Presence is noted while walking the members, so the `required` and `anyOf` rules
    // below need no further map lookups.
    let mut seen = Seen::default();
    for (k, x) in o {
        seen.note(k, x, ctx.profile);
        let p = root.key(k);
        if check_common(ctx, k, x, &p) {
            continue;
        }
        match member(kind, k, ctx.profile) {
            Some(m) => check_member(ctx, m, x, &p),
            None if kind == Kind::Extended => {}
            None => extension_name(ctx, k, &root, kind.name()),
        }
    }
    let owner = kind.name();
    if ctx.capture() && o.contains_key("id") && o.contains_key("eventID") {
        ctx.add(&root.key("id"), "'id' and 'eventID' both give the event's identifier (each is JSON-LD's @id, which an object has once); keep eventID");
    }
    let mut require = |has: bool, key: &str| {
        if !has {
            ctx.add(&root, format!("{owner} lacks the required member '{key}'"));
        }
    };
    require(seen.has(EVENT_TIME), "eventTime");
    require(seen.has(OFFSET), "eventTimeZoneOffset");
    match kind {
        Kind::Object | Kind::Aggregation => require(seen.has(ACTION), "action"),
        Kind::Transaction => {
            require(seen.has(BIZ_TRANSACTIONS), "bizTransactionList");
            require(seen.has(ACTION), "action");
        }
        Kind::Association => {
            require(seen.has(ACTION), "action");
            require(seen.has(PARENT), "parentID");
        }
        Kind::Transformation | Kind::Extended => {}
    }
    what_it_names(ctx, kind, &seen);
}

const EVENT_TIME: u32 = 1;
const OFFSET: u32 = 1 << 1;
const ACTION: u32 = 1 << 2;
const BIZ_TRANSACTIONS: u32 = 1 << 3;
const PARENT: u32 = 1 << 4;
const EPC_LIST: u32 = 1 << 5;
const QUANTITY_LIST: u32 = 1 << 6;
const SENSOR_ELEMENTS: u32 = 1 << 7;
const READ_POINT: u32 = 1 << 8;
const ILMD: u32 = 1 << 9;
const CHILD_EPCS: u32 = 1 << 10;
const CHILD_QUANTITIES: u32 = 1 << 11;
const INPUT_EPCS: u32 = 1 << 12;
const INPUT_QUANTITIES: u32 = 1 << 13;
const OUTPUT_EPCS: u32 = 1 << 14;
const OUTPUT_QUANTITIES: u32 = 1 << 15;
const TRANSFORMATION_ID: u32 = 1 << 16;

/// Which members an event has (`present`), which of them are non-empty arrays
/// (`non_empty`), and its action.
#[derive(Default)]
struct Seen<'v> {
    present: u32,
    non_empty: u32,
    action: Option<&'v Value>,
}

impl<'v> Seen<'v> {
    fn note(&mut self, key: &str, v: &'v Value, profile: Profile) {
        let bit = match key {
            "eventTime" => EVENT_TIME,
            "eventTimeZoneOffset" => OFFSET,
            "action" => {
                self.action = Some(v);
                ACTION
            }
            "bizTransactionList" => BIZ_TRANSACTIONS,
            "parentID" => PARENT,
            "epcList" => EPC_LIST,
            "quantityList" => QUANTITY_LIST,
            "sensorElementList" => SENSOR_ELEMENTS,
            "readPoint" => READ_POINT,
            "ilmd" => ILMD,
            "childEPCs" => CHILD_EPCS,
            "childQuantityList" => CHILD_QUANTITIES,
            "inputEPCList" => INPUT_EPCS,
            "inputQuantityList" => INPUT_QUANTITIES,
            "outputEPCList" => OUTPUT_EPCS,
            "outputQuantityList" => OUTPUT_QUANTITIES,
            "transformationID" => TRANSFORMATION_ID,
            _ => return,
        };
        self.present |= bit;
        if Set::of(profile, v).is_some_and(|s| s.has_items()) {
            self.non_empty |= bit;
        }
    }

    fn has(&self, bits: u32) -> bool {
        self.present & bits != 0
    }

    fn has_items(&self, bits: u32) -> bool {
        self.non_empty & bits != 0
    }
}

/// The `anyOf` parts of each event type: what it must name at least.
fn what_it_names(ctx: &mut Ctx<'_>, kind: Kind, seen: &Seen<'_>) {
    let root = Path::ROOT;
    // The `^DELETE$` branch also holds when action is absent; a missing action is reported
    // by `required` already.
    let action = seen.action;
    let deleting = action.is_none_or(|a| a.as_str() == Some("DELETE"));
    match kind {
        Kind::Object => {
            let names_objects = seen.has(EPC_LIST)
                || seen.has_items(QUANTITY_LIST)
                || (seen.has_items(SENSOR_ELEMENTS) && seen.has(READ_POINT));
            if !names_objects {
                ctx.add(&root, "an ObjectEvent needs an epcList, a non-empty quantityList, or a non-empty sensorElementList with a readPoint");
            }
            if seen.has(ILMD)
                && let Some(a @ ("OBSERVE" | "DELETE")) = action.and_then(Value::as_str)
            {
                ctx.add(
                    &root.key("ilmd"),
                    format!("ilmd is only allowed when action is ADD, not {a}"),
                );
            }
        }
        Kind::Aggregation | Kind::Association => {
            if !deleting && !seen.has_items(CHILD_EPCS | CHILD_QUANTITIES) {
                ctx.add(&root, format!("{} whose action is not DELETE needs a non-empty childEPCs or childQuantityList", kind.name()));
            }
        }
        Kind::Transaction => {
            if !deleting && !seen.has(EPC_LIST) && !seen.has_items(QUANTITY_LIST) {
                ctx.add(&root, "a TransactionEvent whose action is not DELETE needs an epcList or a non-empty quantityList");
            }
        }
        Kind::Transformation => {
            let input = seen.has_items(INPUT_EPCS | INPUT_QUANTITIES);
            let output = seen.has_items(OUTPUT_EPCS | OUTPUT_QUANTITIES);
            let with_id = seen.has(TRANSFORMATION_ID);
            if !(input && output) && !((input || output) && with_id) {
                let msg = if input || output {
                    "a TransformationEvent needs both inputs and outputs, unless it carries a transformationID"
                } else {
                    "a TransformationEvent needs a non-empty input or output list (inputEPCList, inputQuantityList, outputEPCList, outputQuantityList)"
                };
                ctx.add(&root, msg);
            }
        }
        Kind::Extended => {}
    }
}
