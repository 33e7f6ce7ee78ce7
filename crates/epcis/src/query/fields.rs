//! Names of user extension fields, as written in events and as named by query parameters.
//!
//! A field is identified by its namespace IRI and local name. Events write it as a compact IRI
//! (`ext1:float`) resolved through the document's namespaces; the standard's query parameters
//! name it by the full form `{namespace}#{local}` (`EQ_http://ns.example.com/epcis#float`) and
//! the REST binding by a compact IRI whose prefix the query declares. All of them reduce to one
//! index key, `{namespace without trailing '#' or '/'}#{local}`, so
//! `http://ns.example.com/epcis/` + `float` and `http://ns.example.com/epcis#float` agree.

use super::{Kind, NameTest};
use crate::Namespaces;

/// Where in an event an extension field sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldScope {
    Event,
    Ilmd,
    ErrorDeclaration,
    SensorElement,
    SensorMetadata,
    SensorReport,
    ReadPoint,
    BizLocation,
}

impl FieldScope {
    /// The index-row kind of fields at the top of this scope (`inner = false`) or nested
    /// inside one of them (`inner = true`).
    pub fn kind(self, inner: bool) -> Kind {
        use Kind::*;
        match (self, inner) {
            (FieldScope::Event, false) => Field,
            (FieldScope::Event, true) => InnerField,
            (FieldScope::Ilmd, false) => IlmdField,
            (FieldScope::Ilmd, true) => InnerIlmdField,
            (FieldScope::ErrorDeclaration, false) => ErrorDeclarationField,
            (FieldScope::ErrorDeclaration, true) => InnerErrorDeclarationField,
            (FieldScope::SensorElement, false) => SensorElementField,
            (FieldScope::SensorElement, true) => InnerSensorElementField,
            (FieldScope::SensorMetadata, false) => SensorMetadataField,
            (FieldScope::SensorMetadata, true) => InnerSensorMetadataField,
            (FieldScope::SensorReport, false) => SensorReportField,
            (FieldScope::SensorReport, true) => InnerSensorReportField,
            (FieldScope::ReadPoint, false) => ReadPointField,
            (FieldScope::ReadPoint, true) => InnerReadPointField,
            (FieldScope::BizLocation, false) => BizLocationField,
            (FieldScope::BizLocation, true) => InnerBizLocationField,
        }
    }
}

/// A field named by a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldName {
    /// Fully known: the index key.
    Key(String),
    /// A compact IRI whose prefix the query did not declare; resolved per event.
    Compact { prefix: String, local: String },
}

impl FieldName {
    /// Parses a field name of a query parameter: `{namespace}#{local}`, an absolute IRI, or a
    /// compact IRI (`prefix:local`, resolved through `ns` when it declares the prefix).
    /// `None` when `s` is no qualified name at all.
    pub fn parse(s: &str, ns: &Namespaces) -> Option<FieldName> {
        if is_absolute(s) {
            let (namespace, local) = split_iri(s)?;
            return Some(FieldName::Key(field_key(namespace, local)));
        }
        let (prefix, local) = split_compact(s)?;
        Some(match ns.get(prefix) {
            Some(namespace) => FieldName::Key(field_key(namespace, local)),
            None => FieldName::Compact {
                prefix: prefix.to_owned(),
                local: local.to_owned(),
            },
        })
    }

    /// The test on index-row names this field makes.
    pub fn name_test(&self) -> NameTest {
        match self {
            FieldName::Key(k) => NameTest::Is(k.clone()),
            FieldName::Compact { prefix, local } => NameTest::Compact {
                prefix: prefix.clone(),
                local: local.clone(),
            },
        }
    }
}

/// The index key of a field: `{namespace}#{local}` with the namespace's trailing `#`/`/` dropped.
pub fn field_key(namespace: &str, local: &str) -> String {
    let ns = namespace.trim_end_matches(['#', '/']);
    let mut key = String::with_capacity(ns.len() + 1 + local.len());
    key.push_str(ns);
    key.push('#');
    key.push_str(local);
    key
}

/// The index key of an extension member name as an event writes it: compact IRIs resolve
/// through the event's namespaces; names that resolve to nothing are kept as written.
pub fn member_key(name: &str, ns: &Namespaces) -> String {
    if is_absolute(name) {
        if let Some((namespace, local)) = split_iri(name) {
            return field_key(namespace, local);
        }
        return name.to_owned();
    }
    match split_compact(name).and_then(|(p, l)| ns.get(p).map(|iri| (iri, l))) {
        Some((iri, local)) => field_key(iri, local),
        None => name.to_owned(),
    }
}

/// Whether a compact name `prefix:local`, unresolved by the query, names `key` for an event with
/// namespaces `ns`.
pub(crate) fn compact_names(prefix: &str, local: &str, key: &str, ns: &Namespaces) -> bool {
    match ns.get(prefix) {
        Some(iri) => field_key(iri, local) == key,
        None => {
            key.len() == prefix.len() + 1 + local.len()
                && key.starts_with(prefix)
                && key[prefix.len()..].starts_with(':')
                && key.ends_with(local)
        }
    }
}

fn is_absolute(s: &str) -> bool {
    s.contains("://")
}

/// `ns#local` or `ns/local` (the last `#`, else the last `/`).
fn split_iri(s: &str) -> Option<(&str, &str)> {
    let at = s.rfind('#').or_else(|| s.rfind('/'))?;
    let (ns, local) = (&s[..at], &s[at + 1..]);
    (!local.is_empty() && !ns.is_empty()).then_some((ns, local))
}

fn split_compact(s: &str) -> Option<(&str, &str)> {
    let (p, l) = s.split_once(':')?;
    let ok_prefix = p
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    (ok_prefix && !l.is_empty() && !l.starts_with("//")).then_some((p, l))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns() -> Namespaces {
        let mut n = Namespaces::new();
        n.insert("ext1", "http://ns.example.com/epcis/");
        n
    }

    #[test]
    fn all_spellings_meet_in_one_key() {
        let key = "http://ns.example.com/epcis#float";
        assert_eq!(member_key("ext1:float", &ns()), key);
        assert_eq!(
            FieldName::parse("ext1:float", &ns()),
            Some(FieldName::Key(key.into()))
        );
        assert_eq!(
            FieldName::parse("http://ns.example.com/epcis#float", &Namespaces::new()),
            Some(FieldName::Key(key.into()))
        );
        assert_eq!(
            FieldName::parse("http://ns.example.com/epcis/float", &Namespaces::new()),
            Some(FieldName::Key(key.into()))
        );
        assert_eq!(member_key("http://ns.example.com/epcis/float", &ns()), key);
    }

    #[test]
    fn undeclared_prefixes_stay_compact() {
        assert_eq!(member_key("zz:a", &ns()), "zz:a");
        let f = FieldName::parse("zz:a", &ns()).unwrap();
        assert_eq!(
            f,
            FieldName::Compact {
                prefix: "zz".into(),
                local: "a".into()
            }
        );
        assert!(compact_names("zz", "a", "zz:a", &Namespaces::new()));
        assert!(!compact_names("zz", "a", "zz:ab", &Namespaces::new()));
        assert!(compact_names(
            "ext1",
            "float",
            "http://ns.example.com/epcis#float",
            &ns()
        ));
    }

    #[test]
    fn plain_names_are_not_fields() {
        assert_eq!(FieldName::parse("action", &ns()), None);
        assert_eq!(FieldName::parse("x:", &ns()), None);
        assert_eq!(FieldName::parse(":x", &ns()), None);
        assert_eq!(FieldName::parse("http://", &ns()), None);
    }
}
