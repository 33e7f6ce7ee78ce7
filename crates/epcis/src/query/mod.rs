//! SimpleEventQuery (EPCIS 2.0 §8.2.7.1) as a typed query, from the REST binding's URL query
//! pairs or from the query-language JSON of named queries (`query-schema.json`).
//!
//! A query is a conjunction of [`Condition`]s. Each condition tests either one of the
//! single-valued columns of an event ([`EventColumns`]) or the event's index rows
//! ([`IndexRow`]): the multi-valued facts (EPCs by role, classes, quantities, business
//! transactions, sources and destinations, error declarations, sensor data, extension and ILMD
//! fields) flattened into `(kind, name, text, num, time)` rows by [`index_event`].
//!
//! The same rows are what the store writes into its index table, and [`EventQuery::matches`]
//! evaluates the conditions over them in memory, so SQL results and in-memory results agree by
//! construction; the store's conformance suite checks it with property tests.
//!
//! Identifiers are compared in canonical form (`crate::id::canonical`, so an EPC URN and its
//! GS1 Digital Link match each other), CBV values in their web-IRI form
//! (`crate::cbv::Vocab::canonical`), times as microseconds since the Unix epoch, numbers as
//! `f64`. Master data is not stored, so `WD_readPoint`/`WD_bizLocation` have no descendants to
//! add and behave as `EQ_…`, and `HASATTR_…`/`EQATTR_…` are rejected.

mod epc;
mod eval;
mod fields;
mod index;
mod params;
mod values;

pub use epc::{TextMatch, epc_matchers};
pub use fields::{FieldName, FieldScope};
pub use index::{EventColumns, IndexRow, IndexedEvent, index_event};
pub use params::REST_CONTROLS;
pub use values::{parse_number, time_micros};

use crate::Namespaces;
use crate::model::Event;

/// A SimpleEventQuery parameter that could not be accepted (`QueryParameterException`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("query parameter {param}: {message}")]
pub struct QueryError {
    /// The parameter as the client named it.
    pub param: String,
    pub message: String,
}

impl QueryError {
    pub fn new(param: impl Into<String>, message: impl Into<String>) -> QueryError {
        QueryError {
            param: param.into(),
            message: message.into(),
        }
    }
}

/// A parsed SimpleEventQuery.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventQuery {
    /// The parameters as the client gave them (URL pairs, or JSON members rendered as text),
    /// kept for messages and for echoing the query back.
    pub params: Vec<(String, String)>,
    /// All must hold.
    pub conditions: Vec<Condition>,
    /// `orderBy`; `None` leaves the order to the store (capture order).
    pub order_by: Option<OrderKey>,
    /// `orderDirection` (default `DESC`, as the standard says).
    pub order_direction: Direction,
    /// `eventCountLimit`: return at most the first N events (needs `orderBy`).
    pub event_count_limit: Option<u64>,
    /// `maxEventCount`: a query that would return more is an error (`QueryTooLargeException`).
    pub max_event_count: Option<u64>,
}

/// What `orderBy` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderKey {
    EventTime,
    RecordTime,
    /// A top-level extension field, as the index key [`FieldName::key`] gives it. Events lacking
    /// the field come last.
    Field(FieldName),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    Asc,
    #[default]
    Desc,
}

/// A comparison operator of the `EQ_`/`GT_`/`GE_`/`LT_`/`LE_` parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Cmp {
    /// `a <op> b`.
    pub fn test<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            Cmp::Eq => a == b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
        }
    }

    /// The SQL operator.
    pub fn sql(self) -> &'static str {
        match self {
            Cmp::Eq => "=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
        }
    }
}

/// A single-valued column of an event (see [`EventColumns`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    EventType,
    Action,
    BizStep,
    Disposition,
    ReadPoint,
    BizLocation,
    TransformationId,
    EventId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeColumn {
    EventTime,
    RecordTime,
}

/// One condition of a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The column has one of the values (canonical form); an absent column never matches.
    In(Column, Vec<String>),
    /// `GE_eventTime`, `LT_recordTime`, …: the time (µs since the epoch) compared to a bound.
    Time(TimeColumn, Cmp, i64),
    /// Some index row of the event passes the test.
    Row(RowTest),
}

/// A test on an event's index rows: true when at least one row has one of `kinds`, the given
/// `name` (when `Some`) and satisfies `pred`.
#[derive(Debug, Clone, PartialEq)]
pub struct RowTest {
    pub kinds: Vec<Kind>,
    pub name: Option<NameTest>,
    pub pred: RowPred,
}

/// How a row's `name` must look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameTest {
    /// Exactly this name.
    Is(String),
    /// A field given as a compact IRI whose prefix the query did not declare: matches
    /// `{namespace}#{local}` for whatever namespace the event binds `prefix` to, or the compact
    /// name itself when the event did not declare it either.
    Compact { prefix: String, local: String },
}

/// What a row's values must satisfy.
#[derive(Debug, Clone, PartialEq)]
pub enum RowPred {
    /// The row exists.
    Any,
    /// `text` matches one of these.
    Text(Vec<TextMatch>),
    /// `num <op> value`, and `text = uom` when `uom` is given (sensor values; a quantity's
    /// uom is its class row's name).
    Num {
        cmp: Cmp,
        value: f64,
        uom: Option<String>,
    },
    /// `num` is one of `values`, and `text = uom` when given.
    NumIn {
        values: Vec<f64>,
        uom: Option<String>,
    },
    /// `time <op> value`.
    Time { cmp: Cmp, value: i64 },
    /// Extension-field equality: the row equals one of the values (see [`FieldValue`]).
    Field(Vec<FieldValue>),
    /// Extension-field ordering comparison on the number or the time of the row.
    FieldCmp { cmp: Cmp, bound: Bound },
}

/// The bound of a field comparison: a number or a time, by how the client wrote it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Num(f64),
    Time(i64),
}

/// One value of an `EQ_{field}` parameter. A row equals it when its text equals `text`, or its
/// number equals `num`, or its time equals `time` (each when given): a URL value such as `20`
/// matches a stored number 20.0 and the string "20" alike.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldValue {
    pub text: Option<String>,
    pub num: Option<f64>,
    pub time: Option<i64>,
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $name:ident = $code:expr,)*) => {
        /// The kind of an index row. The codes are stored in the database: never renumber.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind {
            $($(#[$doc])* $name,)*
        }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$name,)*];

            /// The stored code.
            pub fn code(self) -> i16 {
                match self {
                    $(Kind::$name => $code,)*
                }
            }

            pub fn from_code(code: i16) -> Option<Kind> {
                match code {
                    $($code => Some(Kind::$name),)*
                    _ => None,
                }
            }
        }
    };
}

kinds! {
    /// `epcList` member (text: canonical id).
    Epc = 1,
    /// `parentID`.
    Parent = 2,
    /// `childEPCs` member.
    Child = 3,
    /// `inputEPCList` member.
    Input = 4,
    /// `outputEPCList` member.
    Output = 5,
    /// `quantityList` class (text: canonical class; num: the quantity, name: its uom or "",
    /// when the element has a quantity).
    Class = 6,
    ChildClass = 7,
    InputClass = 8,
    OutputClass = 9,
    // 10 was a row of its own for each quantity (num: quantity, text: uom); the class row now
    // carries both (migrations sqlite/0013, postgres/0011).
    // 11–19 were the EPC URN spellings of GS1 keys, per role, for patterns with wildcards
    // before their last field; patterns now find the Digital Links themselves (migrations
    // sqlite/0014, postgres/0013 delete the old rows).
    /// `bizTransactionList` member (name: canonical type or "", text: canonical id).
    BizTransaction = 20,
    /// `sourceList` member (name: canonical type, text: canonical id).
    Source = 21,
    /// `destinationList` member.
    Destination = 22,
    /// `persistentDisposition.set` member (text: canonical disposition).
    PersistentSet = 23,
    PersistentUnset = 24,
    // 25 was a party row (any source or destination); visibility now reads 21 and 22.
    /// The error declaration (time: declarationTime, text: canonical reason or none).
    ErrorDeclaration = 30,
    /// A `correctiveEventIDs` member.
    CorrectiveEventId = 31,
    /// The event has a non-empty `sensorElementList`.
    SensorElements = 40,
    /// Sensor report `type` (canonical measurement type).
    SensorType = 41,
    /// `deviceID` of sensor metadata or report.
    SensorDeviceId = 42,
    SensorDataProcessingMethod = 43,
    SensorMicroorganism = 44,
    SensorChemicalSubstance = 45,
    SensorBizRules = 46,
    SensorStringValue = 47,
    /// "true" / "false".
    SensorBooleanValue = 48,
    /// Upper-case hex.
    SensorHexBinaryValue = 49,
    SensorUriValue = 50,
    /// `value` (num) with its uom (text).
    SensorValue = 51,
    SensorMinValue = 52,
    SensorMaxValue = 53,
    SensorMeanValue = 54,
    SensorSDev = 55,
    SensorPercValue = 56,
    SensorPercRank = 57,
    /// `time` of sensor metadata or report.
    SensorTime = 58,
    SensorStartTime = 59,
    SensorEndTime = 60,
    /// Canonical sensor alert type.
    SensorException = 61,
    SensorComponent = 62,
    SensorUom = 63,
    SensorCoordinateReferenceSystem = 64,
    SensorDeviceMetadata = 65,
    SensorRawData = 66,
    /// Top-level event extension field (name: field key).
    Field = 70,
    /// Extension field nested inside an event extension.
    InnerField = 71,
    IlmdField = 72,
    InnerIlmdField = 73,
    ErrorDeclarationField = 74,
    InnerErrorDeclarationField = 75,
    SensorElementField = 76,
    InnerSensorElementField = 77,
    SensorMetadataField = 78,
    InnerSensorMetadataField = 79,
    SensorReportField = 80,
    InnerSensorReportField = 81,
    ReadPointField = 82,
    InnerReadPointField = 83,
    BizLocationField = 84,
    InnerBizLocationField = 85,
}

impl EventQuery {
    /// Parses URL query pairs (`GET /events?…`). Field names given as compact IRIs resolve
    /// through `namespaces` (e.g. from the `GS1-Extensions` header); the REST paging and
    /// subscription controls ([`REST_CONTROLS`]) are skipped.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<EventQuery, QueryError> {
        params::from_pairs(pairs, &Namespaces::new())
    }

    /// [`EventQuery::from_pairs`] with namespaces for compact field names.
    pub fn from_pairs_with(
        pairs: &[(String, String)],
        namespaces: &Namespaces,
    ) -> Result<EventQuery, QueryError> {
        params::from_pairs(pairs, namespaces)
    }

    /// Parses the query-language JSON of a named query (`{"eventType": […], …}`; an
    /// `@context` member declares the prefixes of field names).
    pub fn from_json(query: &serde_json::Value) -> Result<EventQuery, QueryError> {
        params::from_json(query)
    }

    /// Whether the event satisfies every condition, with no namespaces known for it (compact
    /// extension names are then compared as written).
    pub fn matches(&self, event: &Event) -> bool {
        self.matches_in(event, &Namespaces::new())
    }

    /// Whether the event, whose extension prefixes resolve through `namespaces`, satisfies
    /// every condition.
    pub fn matches_in(&self, event: &Event, namespaces: &Namespaces) -> bool {
        let indexed = index_event(event, namespaces);
        self.matches_indexed(&indexed, namespaces)
    }

    /// [`EventQuery::matches_in`] over an already indexed event.
    pub fn matches_indexed(&self, event: &IndexedEvent, namespaces: &Namespaces) -> bool {
        self.conditions
            .iter()
            .all(|c| eval::condition(c, event, namespaces))
    }

    /// A query with no conditions, no order and no limits.
    pub fn all() -> EventQuery {
        EventQuery::default()
    }
}

#[cfg(test)]
mod tests;
