//! Synthetic EPCIS documents shaped like the cashmere chain (combings, deliveries, lab tests,
//! transformations), for benchmarks. Deterministic for a given seed.

use std::fmt::Write;

/// A small deterministic generator (SplitMix64): benchmarks must be repeatable without pulling
/// a random-number crate into the binary.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const BASE: &str = "https://nooluur.example.mn";
const COLOURS: [&str; 4] = ["white", "light-grey", "grey", "brown"];

/// A JSON-LD EPCISDocument of `n` events. `offset` shifts lot and household numbers so that
/// several documents can go into one store without eventID clashes (eventIDs are left out and
/// filled by the hash).
pub fn document(n: usize, seed: u64, offset: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut s = String::with_capacity(n * 900 + 512);
    s.push_str(
        r#"{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"nooluur":"https://nooluur.example.mn/voc/"}],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-05-01T00:00:00Z","epcisBody":{"eventList":["#,
    );
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        let k = offset + i as u64;
        let household = rng.below(180_000);
        let soum = rng.below(330);
        let day = 1 + rng.below(28);
        let sec = rng.below(86_400);
        let time = format!(
            "2026-04-{day:02}T{:02}:{:02}:{:02}.{:03}+08:00",
            sec / 3600,
            sec / 60 % 60,
            sec % 60,
            rng.below(1000)
        );
        let grams = 200 + rng.below(600);
        match i % 5 {
            // Combing: a new raw lot of a household's fibre.
            0 | 1 => {
                let colour = COLOURS[rng.below(4) as usize];
                let goats = 20 + rng.below(300);
                let _ = write!(
                    s,
                    r#"{{"type":"ObjectEvent","eventTime":"{time}","eventTimeZoneOffset":"+08:00","action":"ADD","bizStep":"commissioning","disposition":"active","quantityList":[{{"epcClass":"{BASE}/id/lot/raw-{k}","quantity":{}.{:03},"uom":"KGM"}}],"bizLocation":{{"id":"{BASE}/id/soum/{soum}"}},"readPoint":{{"id":"{BASE}/id/household/{household}"}},"ilmd":{{"nooluur:household":"{BASE}/id/household/{household}","nooluur:goatsCombed":{goats},"nooluur:colour":"{colour}","nooluur:season":"2026"}}}}"#,
                    grams / 1000,
                    grams % 1000
                );
            }
            // Delivery to a cooperative.
            2 => {
                let coop = rng.below(400);
                let _ = write!(
                    s,
                    r#"{{"type":"ObjectEvent","eventTime":"{time}","eventTimeZoneOffset":"+08:00","action":"OBSERVE","bizStep":"receiving","disposition":"in_progress","quantityList":[{{"epcClass":"{BASE}/id/lot/raw-{}","quantity":{}.{:03},"uom":"KGM"}}],"bizLocation":{{"id":"{BASE}/id/coop/{coop}"}},"bizTransactionList":[{{"type":"desadv","bizTransaction":"{BASE}/id/receipt/{k}"}}],"sourceList":[{{"type":"owning_party","source":"{BASE}/id/household/{household}"}}],"destinationList":[{{"type":"owning_party","destination":"{BASE}/id/coop/{coop}"}}]}}"#,
                    k - 1,
                    grams / 1000,
                    grams % 1000
                );
            }
            // Garments shipped to a brand: serialised SGTINs.
            4 => {
                let _ = write!(
                    s,
                    r#"{{"type":"ObjectEvent","eventTime":"{time}","eventTimeZoneOffset":"+08:00","action":"OBSERVE","bizStep":"shipping","disposition":"in_transit","epcList":["urn:epc:id:sgtin:4012345.012345.{}","urn:epc:id:sgtin:4012345.012345.{}"],"readPoint":{{"id":"urn:epc:id:sgln:4012345.00002.0"}}}}"#,
                    2 * k,
                    2 * k + 1
                );
            }
            // Lab test on a lot, with fibre measurements as sensor reports.
            _ => {
                let micron = 140 + rng.below(30);
                let _ = write!(
                    s,
                    r#"{{"type":"ObjectEvent","eventTime":"{time}","eventTimeZoneOffset":"+08:00","action":"OBSERVE","bizStep":"inspecting","quantityList":[{{"epcClass":"{BASE}/id/lot/raw-{}","quantity":0.05,"uom":"KGM"}}],"readPoint":{{"id":"urn:epc:id:sgln:4012345.00001.0"}},"sensorElementList":[{{"sensorMetadata":{{"time":"{time}","deviceID":"urn:epc:id:giai:4000001.{k}"}},"sensorReport":[{{"type":"Length","value":{}.{},"uom":"4H"}},{{"type":"Length","value":{},"uom":"MMT"}}]}}]}}"#,
                    k - 3,
                    micron / 10,
                    micron % 10,
                    30 + rng.below(15)
                );
            }
        }
    }
    s.push_str("]}}");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_json_and_deterministic() {
        let a = document(40, 7, 0);
        let v: serde_json::Value = serde_json::from_str(&a).unwrap();
        assert_eq!(v["epcisBody"]["eventList"].as_array().unwrap().len(), 40);
        assert_eq!(a, document(40, 7, 0));
        assert_ne!(a, document(40, 8, 0));
    }
}
