//! CBV 2.0 vocabularies: the bare terms of the JSON-LD binding, their web-vocabulary IRIs and
//! the legacy `urn:epcglobal:cbv:…` URNs of EPCIS 1.x XML.
//!
//! A CBV value may arrive in three spellings — `receiving`,
//! `urn:epcglobal:cbv:bizstep:receiving`, `https://ref.gs1.org/cbv/BizStep-receiving` — and all
//! three mean the same thing. `Vocab::canonical` maps each to the web IRI, which is what the
//! store indexes and what the query parameters are compared against. Values outside the CBV
//! (a user vocabulary IRI such as `https://example.com/bizstep/combing`) are allowed where the
//! standard allows them and kept as given.

#[path = "cbv_tables.rs"]
mod tables;

/// A CBV vocabulary the codecs, the validator and the hash need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vocab {
    BizStep,
    Disposition,
    BizTransactionType,
    SourceDestType,
    ErrorReason,
    Component,
    MeasurementType,
    SensorAlertType,
}

impl Vocab {
    pub const ALL: [Vocab; 8] = [
        Vocab::BizStep,
        Vocab::Disposition,
        Vocab::BizTransactionType,
        Vocab::SourceDestType,
        Vocab::ErrorReason,
        Vocab::Component,
        Vocab::MeasurementType,
        Vocab::SensorAlertType,
    ];

    /// (bare term, IRI) pairs, in the standard's order.
    pub fn terms(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Vocab::BizStep => tables::BIZ_STEPS,
            Vocab::Disposition => tables::DISPOSITIONS,
            Vocab::BizTransactionType => tables::BIZ_TRANSACTION_TYPES,
            Vocab::SourceDestType => tables::SOURCE_DEST_TYPES,
            Vocab::ErrorReason => tables::ERROR_REASONS,
            Vocab::Component => tables::COMPONENTS,
            Vocab::MeasurementType => tables::MEASUREMENT_TYPES,
            Vocab::SensorAlertType => tables::SENSOR_ALERT_TYPES,
        }
    }

    /// The IRI prefix every term of this vocabulary shares.
    pub fn iri_prefix(self) -> &'static str {
        match self {
            Vocab::BizStep => "https://ref.gs1.org/cbv/BizStep-",
            Vocab::Disposition => "https://ref.gs1.org/cbv/Disp-",
            Vocab::BizTransactionType => "https://ref.gs1.org/cbv/BTT-",
            Vocab::SourceDestType => "https://ref.gs1.org/cbv/SDT-",
            Vocab::ErrorReason => "https://ref.gs1.org/cbv/ER-",
            Vocab::Component => "https://ref.gs1.org/cbv/Comp-",
            Vocab::MeasurementType | Vocab::SensorAlertType => "https://gs1.org/voc/",
        }
    }

    /// The EPCIS 1.x URN prefix, for vocabularies that had one.
    pub fn urn_prefix(self) -> Option<&'static str> {
        match self {
            Vocab::BizStep => Some("urn:epcglobal:cbv:bizstep:"),
            Vocab::Disposition => Some("urn:epcglobal:cbv:disp:"),
            Vocab::BizTransactionType => Some("urn:epcglobal:cbv:btt:"),
            Vocab::SourceDestType => Some("urn:epcglobal:cbv:sdt:"),
            Vocab::ErrorReason => Some("urn:epcglobal:cbv:er:"),
            _ => None,
        }
    }

    /// The compact prefix XML documents use for this vocabulary (`gs1:Temperature`).
    pub fn curie_prefix(self) -> Option<&'static str> {
        match self {
            Vocab::MeasurementType | Vocab::SensorAlertType => Some("gs1:"),
            _ => Some("cbv:"),
        }
    }

    /// The IRI of a bare term, if the term belongs to this vocabulary.
    pub fn iri_of(self, term: &str) -> Option<&'static str> {
        self.terms()
            .iter()
            .find(|(t, _)| *t == term)
            .map(|(_, iri)| *iri)
    }

    /// The bare term of any spelling of a standard value (bare, URN, IRI, `gs1:`/`cbv:` CURIE).
    pub fn term_of(self, value: &str) -> Option<&'static str> {
        let local = self.local_part(value)?;
        self.terms()
            .iter()
            .find(|(t, _)| *t == local)
            .map(|(t, _)| *t)
    }

    fn local_part(self, value: &str) -> Option<&str> {
        if let Some(rest) = value.strip_prefix(self.iri_prefix()) {
            return Some(rest);
        }
        if let Some(rest) = self.urn_prefix().and_then(|p| value.strip_prefix(p)) {
            return Some(rest);
        }
        if let Some(rest) = self.curie_prefix().and_then(|c| value.strip_prefix(c)) {
            let tail = self
                .iri_prefix()
                .trim_start_matches("https://ref.gs1.org/cbv/");
            let tail = tail.trim_start_matches("https://gs1.org/voc/");
            return rest.strip_prefix(tail).or(Some(rest));
        }
        if !value.contains(':') {
            return Some(value);
        }
        None
    }

    /// Whether a value is a standard term of this vocabulary in any spelling.
    pub fn is_standard(self, value: &str) -> bool {
        self.term_of(value).is_some()
    }

    /// The canonical (web IRI) form of a value: standard terms in any spelling become their IRI;
    /// anything else (a user vocabulary IRI, an unknown bare word) is returned unchanged.
    pub fn canonical(self, value: &str) -> String {
        match self.term_of(value) {
            Some(term) => self.iri_of(term).unwrap_or(value).to_owned(),
            None => value.to_owned(),
        }
    }

    /// The EPCIS 1.2 XML spelling of a value (URN), where the vocabulary has one.
    pub fn to_urn(self, value: &str) -> String {
        match (self.term_of(value), self.urn_prefix()) {
            (Some(term), Some(prefix)) => format!("{prefix}{term}"),
            _ => value.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_agree() {
        let v = Vocab::BizStep;
        let iri = "https://ref.gs1.org/cbv/BizStep-receiving";
        assert_eq!(v.canonical("receiving"), iri);
        assert_eq!(v.canonical("urn:epcglobal:cbv:bizstep:receiving"), iri);
        assert_eq!(v.canonical(iri), iri);
        assert_eq!(v.canonical("cbv:BizStep-receiving"), iri);
        assert_eq!(
            v.canonical("https://example.com/combing"),
            "https://example.com/combing"
        );
        assert!(!v.is_standard("combing"));
        assert_eq!(
            Vocab::MeasurementType.canonical("gs1:Temperature"),
            "https://gs1.org/voc/Temperature"
        );
        assert_eq!(v.to_urn("receiving"), "urn:epcglobal:cbv:bizstep:receiving");
    }

    /// The tables were derived from the GS1 context parts; check they still agree with them.
    #[test]
    fn tables_agree_with_gs1_context() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/epcis/context/parts");
        if !dir.exists() {
            eprintln!("skipping: {} not present", dir.display());
            return;
        }
        let files = [
            (Vocab::BizStep, "cbv-context-bizstep.jsonld"),
            (Vocab::Disposition, "cbv-context-disposition.jsonld"),
            (
                Vocab::BizTransactionType,
                "cbv-context-biztransaction-type.jsonld",
            ),
            (Vocab::SourceDestType, "cbv-context-sourcedest-type.jsonld"),
            (Vocab::ErrorReason, "cbv-context-error-reason.jsonld"),
            (Vocab::Component, "cbv-context-component.jsonld"),
            (
                Vocab::MeasurementType,
                "gs1-context-measurement-type.jsonld",
            ),
            (
                Vocab::SensorAlertType,
                "gs1-context-sensor-alert-type.jsonld",
            ),
        ];
        for (vocab, file) in files {
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            let ctx: serde_json::Value = serde_json::from_str(&text).unwrap();
            let ctx = ctx["@context"].as_object().unwrap();
            let mut n = 0;
            for (k, v) in ctx {
                let Some(v) = v.as_str() else { continue };
                if k.starts_with('@') || v.ends_with('/') {
                    continue;
                }
                let (prefix, local) = v.split_once(':').unwrap();
                let base = ctx[prefix].as_str().unwrap();
                assert_eq!(
                    vocab.iri_of(k),
                    Some(format!("{base}{local}").as_str()),
                    "{file}: {k}"
                );
                n += 1;
            }
            assert_eq!(n, vocab.terms().len(), "{file}");
        }
    }
}
