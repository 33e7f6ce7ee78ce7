//! What the events captured lately name, so that a kept passport outlives the captures that
//! have nothing to do with it.
//!
//! A passport changes with an event only if the event names the product, a lot or case on its
//! path, or an event on its path (an error declaration shares the eventID it declares): that
//! is how the ledger and the trace find their way, so an event naming none of them cannot join
//! the path. The journal reads each new event once per process, in seq order (seqs are
//! committed in order on both backends), and keeps the identifiers it names. When too many
//! events arrived at once to read, or the oldest were let go, it says so with `floor`: what
//! was kept before that must be built again.

use std::collections::VecDeque;
use std::hash::{Hash, Hasher};

use serde_json::Value;

/// Most events read to catch up at once; beyond, older passports are built again instead.
const READ_AT_MOST: i64 = 5_000;
/// Events remembered; the oldest are let go first.
const REMEMBER: usize = 20_000;
/// The event fields that name what an event is about (at any depth: quantity lists, error
/// declarations).
const NAMING: [&str; 8] = [
    "eventID",
    "epcList",
    "parentID",
    "childEPCs",
    "inputEPCList",
    "outputEPCList",
    "epcClass",
    "correctiveEventIDs",
];

#[derive(Debug, Default)]
pub struct Journal {
    /// Events up to this seq are read; `None` until the first call.
    seen: Option<i64>,
    /// Nothing is known of events at or below this seq.
    floor: i64,
    /// (seq, the [`name_hash`]es of the identifiers it names), ascending by seq.
    named: VecDeque<(i64, Vec<u64>)>,
}

impl Journal {
    /// Reads the events after the last one read, up to at least `upto`.
    pub async fn catch_up(&mut self, store: &dyn store::Store, upto: i64) -> store::Result<()> {
        let Some(mut seen) = self.seen else {
            self.forget_up_to(upto);
            return Ok(());
        };
        if upto <= seen {
            return Ok(());
        }
        if upto - seen > READ_AT_MOST {
            self.forget_up_to(upto);
            return Ok(());
        }
        while seen < upto {
            let batch = store.events_after(seen, 500).await?;
            let Some(last) = batch.last().map(|e| e.seq) else {
                break;
            };
            for e in batch {
                let names = serde_json::to_value(&e.event)
                    .map(|v| names(&v).iter().map(|n| name_hash(n)).collect())
                    .unwrap_or_default();
                self.named.push_back((e.seq, names));
            }
            seen = last;
        }
        // Only what was read: if the store answered fewer events than its revision promised,
        // `touches` keeps saying "may have" until they are read.
        self.seen = Some(seen);
        while self.named.len() > REMEMBER {
            if let Some((seq, _)) = self.named.pop_front() {
                self.floor = seq;
            }
        }
        Ok(())
    }

    /// Starts reading after `seq` if nothing was read yet: what is kept from now on can be
    /// checked against the events that follow.
    pub fn start(&mut self, seq: i64) {
        if self.seen.is_none() {
            self.forget_up_to(seq);
        }
    }

    fn forget_up_to(&mut self, seq: i64) {
        self.named.clear();
        self.seen = Some(seq);
        self.floor = seq;
    }

    /// Whether an event after `after` and up to `upto` names any of `deps` (sorted
    /// [`name_hash`]es), or may have: true when the journal does not reach back to `after`.
    pub fn touches(&self, after: i64, upto: i64, deps: &[u64]) -> bool {
        if after < self.floor || self.seen.is_none_or(|s| s < upto) {
            return true;
        }
        let from = self.named.partition_point(|(seq, _)| *seq <= after);
        self.named
            .iter()
            .skip(from)
            .take_while(|(seq, _)| *seq <= upto)
            .any(|(_, names)| names.iter().any(|n| deps.binary_search(n).is_ok()))
    }
}

/// An identifier as the journal and the kept passports compare it: 8 bytes instead of a
/// URI (a passport depends on hundreds). Equal names hash equal within the process; a
/// collision only rebuilds a page that did not need it.
pub fn name_hash(name: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    name.hash(&mut h);
    h.finish()
}

/// The sorted hashes of `names`, as [`Journal::touches`] takes them.
pub fn name_hashes(names: &[String]) -> Vec<u64> {
    let mut out: Vec<u64> = names.iter().map(|n| name_hash(n)).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The canonical identifiers an event (as JSON) names in its [`NAMING`] fields.
pub fn names(event: &Value) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if NAMING.contains(&k.as_str()) {
                        match v {
                            Value::String(s) => out.push(epcis::id::canonical(s)),
                            Value::Array(a) => out.extend(
                                a.iter().filter_map(Value::as_str).map(epcis::id::canonical),
                            ),
                            _ => {}
                        }
                    }
                    walk(v, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(event, &mut out);
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_what_an_event_is_about() {
        let e = json!({
            "type": "TransformationEvent", "eventID": "urn:uuid:1",
            "inputEPCList": ["urn:epc:id:sgtin:9520101.001001.7"],
            "inputQuantityList": [{"epcClass": "urn:epc:class:lgtin:9520103.000011.SC25-1",
                                   "quantity": 3.5, "uom": "KGM"}],
            "outputEPCList": ["https://id.gs1.org/01/09520101010018/21/1"],
            "bizLocation": {"id": "urn:epc:id:sgln:9520101.00001.0"},
            "errorDeclaration": {"declarationTime": "2025-01-01T00:00:00Z",
                                 "correctiveEventIDs": ["urn:uuid:2"]}
        });
        let n = names(&e);
        assert!(n.contains(&"urn:uuid:1".to_owned()) && n.contains(&"urn:uuid:2".to_owned()));
        assert!(n.contains(&epcis::id::canonical("urn:epc:id:sgtin:9520101.001001.7")));
        assert!(n.contains(&epcis::id::canonical(
            "urn:epc:class:lgtin:9520103.000011.SC25-1"
        )));
        assert!(n.contains(&"https://id.gs1.org/01/09520101010018/21/1".to_owned()));
        // Where an event happened is not what it is about.
        assert!(!n.iter().any(|x| x.contains("sgln") || x.contains("/414/")));
    }

    #[test]
    fn touches_within_what_it_remembers() {
        let mut j = Journal {
            seen: Some(10),
            floor: 4,
            named: VecDeque::new(),
        };
        j.named.push_back((6, vec![name_hash("a")]));
        j.named.push_back((9, vec![name_hash("b"), name_hash("c")]));
        let deps = |xs: &[&str]| name_hashes(&xs.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert!(j.touches(5, 10, &deps(&["a"])));
        assert!(
            !j.touches(6, 10, &deps(&["a"])),
            "seq 6 is before the passport"
        );
        assert!(j.touches(6, 10, &deps(&["z", "c"])));
        assert!(
            !j.touches(6, 8, &deps(&["c"])),
            "seq 9 is after the reading"
        );
        assert!(
            j.touches(3, 10, &deps(&["z"])),
            "below the floor nothing is known"
        );
        assert!(j.touches(6, 11, &deps(&["z"])), "not read that far");
        j.forget_up_to(20);
        assert!(j.touches(10, 20, &deps(&["z"])));
        assert!(!j.touches(20, 20, &deps(&["z"])));
    }
}
