//! Identity of lots and serialised items.
//!
//! One lot must be one key everywhere (ledger, compositions, trace), whatever spelling an event
//! used: a GS1 key written as an EPC URN (`urn:epc:class:lgtin:…`, `urn:epc:id:sgtin:…`) or as a
//! Digital Link (any host, convenience alphas, with or without a query) becomes its canonical
//! Digital Link `https://id.gs1.org/01/{gtin}/10/{lot}`; a private URI is kept as written
//! (trimmed).

use serde::{Deserialize, Serialize};

/// The key the ledger uses for an identifier as written in an event.
pub fn identity(written: &str) -> String {
    let t = written.trim();
    epcis::id::to_digital_link(t).unwrap_or_else(|| t.to_owned())
}

/// An identifier as an event wrote it, with its ledger key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ident {
    /// [`identity`] of `written`.
    pub key: String,
    /// As the event wrote it.
    pub written: String,
}

impl Ident {
    pub fn new(written: &str) -> Ident {
        Ident {
            key: identity(written),
            written: written.to_owned(),
        }
    }
}

/// A lot and a mass of it, as a quantity element names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotQty {
    pub lot: Ident,
    /// The quantity in integer grams (kg × 1000, half to even).
    pub grams: u64,
}

impl LotQty {
    pub fn new(written: &str, grams: u64) -> LotQty {
        LotQty {
            lot: Ident::new(written),
            grams,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urn_and_digital_link_of_one_lot_are_one_key() {
        let urn = identity("urn:epc:class:lgtin:4012345.012345.998877");
        let dl = identity("https://id.gs1.org/01/04012345123456/10/998877");
        let other_host = identity("https://brand.example.com/01/04012345123456/10/998877?x=1");
        assert_eq!(urn, dl);
        assert_eq!(urn, other_host);
        assert_eq!(urn, "https://id.gs1.org/01/04012345123456/10/998877");
        let sgtin = identity("urn:epc:id:sgtin:4012345.012345.42");
        assert_eq!(
            sgtin,
            identity("https://id.gs1.org/01/04012345123456/21/42")
        );
    }

    #[test]
    fn private_lots_are_kept() {
        assert_eq!(
            identity(" https://coop.example.mn/lot/2024-0001 "),
            "https://coop.example.mn/lot/2024-0001"
        );
        assert_eq!(identity("urn:uuid:1234"), "urn:uuid:1234");
    }
}
