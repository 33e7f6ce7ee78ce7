//! The three certificate kinds.

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::{
    BuildError, CredentialMeta, Party, decimal, envelope, mass, mass_order, non_empty,
    non_empty_list, url, urls,
};

/// `type` of a quality certificate.
pub const QUALITY_CERTIFICATE_TYPE: &str = "CashmereQualityCertificate";
/// `type` of a scope certificate.
pub const SCOPE_CERTIFICATE_TYPE: &str = "CashmereScopeCertificate";
/// `type` of a transaction certificate.
pub const TRANSACTION_CERTIFICATE_TYPE: &str = "CashmereTransactionCertificate";

/// One measured property of a sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measurement {
    /// What was measured, e.g. `meanFibreDiameter`, `coefficientOfVariation`, `meanLength`.
    pub property: String,
    /// The value as a decimal string, e.g. `"15.6"`.
    pub value: String,
    /// UN/CEFACT unit code, e.g. `4H` (micrometre), `MMT` (millimetre), `P1` (percent).
    pub unit: String,
}

/// A lab's quality certificate on a lot: its test results and the verdict of each grading
/// scheme applied to them.
#[derive(Debug, Clone, PartialEq)]
pub struct QualityCertificate {
    /// The lot's URI (the credential subject).
    pub lot: String,
    /// The laboratory that tested it.
    pub laboratory: Party,
    /// The test method, e.g. `IWTO-47` or `GB/T 18267`.
    pub method: String,
    /// The sample's identifier.
    pub sample: String,
    /// The date of the test.
    pub test_date: NaiveDate,
    /// What was measured.
    pub measurements: Vec<Measurement>,
    /// One verdict per grading scheme, as the grading code produces them; each must be a JSON
    /// object (it should name its scheme).
    pub verdicts: Vec<Value>,
}

impl QualityCertificate {
    /// The unsigned credential.
    pub fn to_credential(&self, meta: &CredentialMeta) -> Result<Value, BuildError> {
        url("credentialSubject.id", &self.lot)?;
        non_empty("testMethod", &self.method)?;
        non_empty("sample", &self.sample)?;
        non_empty_list("measurements", &self.measurements)?;
        let mut measurements = Vec::with_capacity(self.measurements.len());
        for (i, m) in self.measurements.iter().enumerate() {
            non_empty(&format!("measurements[{i}].property"), &m.property)?;
            decimal(&format!("measurements[{i}].value"), &m.value, true)?;
            non_empty(&format!("measurements[{i}].unitCode"), &m.unit)?;
            measurements.push(json!({
                "property": m.property,
                "value": m.value,
                "unitCode": m.unit,
            }));
        }
        for (i, v) in self.verdicts.iter().enumerate() {
            if !v.is_object() {
                return Err(BuildError::NotAnObject {
                    field: format!("verdicts[{i}]"),
                });
            }
        }
        let subject = json!({
            "id": self.lot,
            "type": "CashmereLot",
            "laboratory": self.laboratory.to_json("laboratory.id")?,
            "testMethod": self.method,
            "sample": self.sample,
            "testDate": self.test_date.format("%Y-%m-%d").to_string(),
            "measurements": measurements,
            "verdicts": self.verdicts,
        });
        envelope(meta, QUALITY_CERTIFICATE_TYPE, subject)
    }
}

/// A site covered by a scope certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The site's identifier (GLN Digital Link or platform URI), if it has one.
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its postal address.
    pub address: Option<String>,
}

/// A scope certificate: the organisation is certified under a standard for some processes
/// and products at some sites, for a period (`validFrom`/`validUntil` of the metadata, both
/// required).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeCertificate {
    /// The certified organisation (the credential subject).
    pub organisation: Party,
    /// The standard, e.g. `Textile Exchange Content Claim Standard 3.0`.
    pub standard: String,
    /// The certification body's certificate number.
    pub certificate_number: String,
    /// Certified processes, e.g. `scouring`, `dehairing`, `trading`.
    pub processes: Vec<String>,
    /// Certified products, e.g. `dehaired cashmere`.
    pub products: Vec<String>,
    /// Certified sites.
    pub sites: Vec<Site>,
}

impl ScopeCertificate {
    /// The unsigned credential; fails when `meta.valid_until` is missing.
    pub fn to_credential(&self, meta: &CredentialMeta) -> Result<Value, BuildError> {
        if meta.valid_until.is_none() {
            return Err(BuildError::Empty {
                field: "validUntil".into(),
            });
        }
        non_empty("standard", &self.standard)?;
        non_empty("certificateNumber", &self.certificate_number)?;
        non_empty_list("scope.processes", &self.processes)?;
        let mut sites = Vec::with_capacity(self.sites.len());
        for (i, s) in self.sites.iter().enumerate() {
            non_empty(&format!("sites[{i}].name"), &s.name)?;
            let mut site = Map::new();
            if let Some(id) = &s.id {
                url(&format!("sites[{i}].id"), id)?;
                site.insert("id".into(), id.clone().into());
            }
            site.insert("name".into(), s.name.clone().into());
            if let Some(address) = &s.address {
                site.insert("address".into(), address.clone().into());
            }
            sites.push(Value::Object(site));
        }
        let mut subject = Map::new();
        url("credentialSubject.id", &self.organisation.id)?;
        subject.insert("id".into(), self.organisation.id.clone().into());
        subject.insert("type".into(), "CertifiedOrganisation".into());
        if let Some(name) = &self.organisation.name {
            subject.insert("name".into(), name.clone().into());
        }
        subject.insert("standard".into(), self.standard.clone().into());
        subject.insert(
            "certificateNumber".into(),
            self.certificate_number.clone().into(),
        );
        subject.insert(
            "scope".into(),
            json!({ "processes": self.processes, "products": self.products }),
        );
        subject.insert("sites".into(), Value::Array(sites));
        envelope(meta, SCOPE_CERTIFICATE_TYPE, Value::Object(subject))
    }
}

/// A transaction certificate: certified fibre changed hands in one shipment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionCertificate {
    /// The certification body's number for this certificate, if it has one.
    pub certificate_number: Option<String>,
    /// Who sold.
    pub seller: Party,
    /// Who bought.
    pub buyer: Party,
    /// The lots shipped (URIs).
    pub lots: Vec<String>,
    /// Certified mass in kilograms as a decimal string (net mass × certified content).
    pub certified_mass_kg: String,
    /// Gross mass in kilograms as a decimal string.
    pub gross_mass_kg: String,
    /// Net mass in kilograms, if known.
    pub net_mass_kg: Option<String>,
    /// The standard the fibre is certified under.
    pub standard: String,
    /// Ids of the scope certificates the claim relies on (at least the seller's).
    pub scope_certificates: Vec<String>,
    /// Ids of the input transaction certificates (the certified input references), if any.
    pub input_certificates: Vec<String>,
    /// The EPCIS eventID of the shipping event.
    pub shipment_event: String,
}

impl TransactionCertificate {
    /// The unsigned credential.
    pub fn to_credential(&self, meta: &CredentialMeta) -> Result<Value, BuildError> {
        non_empty("standard", &self.standard)?;
        non_empty_list("lots", &self.lots)?;
        non_empty_list("scopeCertificates", &self.scope_certificates)?;
        url("shipmentEvent", &self.shipment_event)?;
        let certified = mass("certifiedMass.value", &self.certified_mass_kg)?;
        let gross = mass("grossMass.value", &self.gross_mass_kg)?;
        match &self.net_mass_kg {
            Some(net) => {
                mass("netMass.value", net)?;
                mass_order("certified", &self.certified_mass_kg, "net", net)?;
                mass_order("net", net, "gross", &self.gross_mass_kg)?;
            }
            None => mass_order(
                "certified",
                &self.certified_mass_kg,
                "gross",
                &self.gross_mass_kg,
            )?,
        }
        let mut subject = Map::new();
        subject.insert("type".into(), "CertifiedTransaction".into());
        if let Some(n) = &self.certificate_number {
            non_empty("certificateNumber", n)?;
            subject.insert("certificateNumber".into(), n.clone().into());
        }
        subject.insert("seller".into(), self.seller.to_json("seller.id")?);
        subject.insert("buyer".into(), self.buyer.to_json("buyer.id")?);
        subject.insert("lots".into(), urls("lots", &self.lots)?);
        subject.insert("certifiedMass".into(), certified);
        if let Some(net) = &self.net_mass_kg {
            subject.insert("netMass".into(), mass("netMass.value", net)?);
        }
        subject.insert("grossMass".into(), gross);
        subject.insert("standard".into(), self.standard.clone().into());
        subject.insert(
            "scopeCertificates".into(),
            urls("scopeCertificates", &self.scope_certificates)?,
        );
        if !self.input_certificates.is_empty() {
            subject.insert(
                "inputCertificates".into(),
                urls("inputCertificates", &self.input_certificates)?,
            );
        }
        subject.insert("shipmentEvent".into(), self.shipment_event.clone().into());
        envelope(meta, TRANSACTION_CERTIFICATE_TYPE, Value::Object(subject))
    }
}
