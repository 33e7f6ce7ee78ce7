//! Event hash ID throughput on a generated 10,000-event JSON-LD document (and its XML twin).
//!
//! `cargo bench -p nooluur-epcis --bench hash`. To time the reference generator on the very same
//! document, set `NOOLUUR_BENCH_DOC_OUT=/tmp/doc.jsonld`: the bench writes the document there,
//! then run `shared/tools/epcis-hash-oracle /tmp/doc.jsonld`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const EVENTS: usize = 10_000;

/// A cashmere-chain document: deliveries with GS1 keys, quantities, parties, transactions,
/// sensor readings and ILMD, mixed with transformations and aggregations.
fn document(n: usize) -> String {
    let mut events = Vec::with_capacity(n);
    for i in 0..n {
        let day = 1 + i % 28;
        let sec = i % 60;
        let ev = match i % 4 {
            0 | 1 => format!(
                r#"{{"type":"ObjectEvent","eventTime":"2024-05-{day:02}T10:{min:02}:{sec:02}.{ms:03}+08:00","eventTimeZoneOffset":"+08:00",
"epcList":["urn:epc:id:sgtin:4012345.011111.{i}","urn:epc:id:sgtin:4012345.011111.{j}"],
"action":"OBSERVE","bizStep":"receiving","disposition":"in_progress",
"readPoint":{{"id":"urn:epc:id:sgln:4012345.00005.{i}"}},"bizLocation":{{"id":"urn:epc:id:sgln:4012345.00001.0"}},
"quantityList":[{{"epcClass":"urn:epc:class:lgtin:4012345.011111.LOT{i}","quantity":{q}.5,"uom":"KGM"}}],
"sourceList":[{{"type":"owning_party","source":"https://nooluur.example/id/household/{i}"}}],
"destinationList":[{{"type":"owning_party","destination":"https://nooluur.example/id/coop/7"}}],
"bizTransactionList":[{{"type":"po","bizTransaction":"https://nooluur.example/po/{i}"}}],
"ext:goats":"{goats}","ext:colour":"white","ext:season":"spring"}}"#,
                min = i % 60,
                ms = i % 1000,
                j = i + 1,
                q = 10 + i % 90,
                goats = 20 + i % 300,
            ),
            2 => format!(
                r#"{{"type":"TransformationEvent","eventTime":"2024-06-{day:02}T08:00:{sec:02}Z","eventTimeZoneOffset":"+08:00",
"inputQuantityList":[{{"epcClass":"urn:epc:class:lgtin:4012345.011111.LOT{i}","quantity":100,"uom":"KGM"}},
{{"epcClass":"urn:epc:class:lgtin:4012345.011111.LOT{j}","quantity":80,"uom":"KGM"}}],
"outputQuantityList":[{{"epcClass":"urn:epc:class:lgtin:4012345.022222.D{i}","quantity":93.6,"uom":"KGM"}}],
"bizStep":"commissioning","readPoint":{{"id":"urn:epc:id:sgln:4012345.00009.0"}},
"ilmd":{{"ext:yieldPercent":"52","ext:process":"dehairing"}},
"sensorElementList":[{{"sensorMetadata":{{"time":"2024-06-{day:02}T07:59:00Z"}},
"sensorReport":[{{"type":"Temperature","value":26.0,"uom":"CEL"}},{{"type":"RelativeHumidity","value":41.5,"uom":"P1"}}]}}]}}"#,
                j = i + 1,
            ),
            _ => format!(
                r#"{{"type":"AggregationEvent","eventTime":"2024-07-{day:02}T09:00:{sec:02}.250-05:00","eventTimeZoneOffset":"-05:00",
"parentID":"urn:epc:id:sscc:4012345.{sscc:010}","childEPCs":["urn:epc:id:sgtin:4012345.033333.{i}","urn:epc:id:sgtin:4012345.033333.{j}"],
"action":"ADD","bizStep":"packing","disposition":"container_closed","bizLocation":{{"id":"urn:epc:id:sgln:4012345.00002.0"}}}}"#,
                sscc = i,
                j = i + 1,
            ),
        };
        events.push(ev);
    }
    format!(
        r#"{{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{{"ext":"https://nooluur.example/voc/"}}],
"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-08-01T00:00:00Z",
"epcisBody":{{"eventList":[{}]}}}}"#,
        events.join(",\n")
    )
}

fn bench(c: &mut Criterion) {
    let doc = document(EVENTS);
    if let Ok(path) = std::env::var("NOOLUUR_BENCH_DOC_OUT") {
        std::fs::write(&path, &doc).expect("write the benchmark document");
    }
    let bytes = doc.into_bytes();
    let hashes = epcis::hash::hash_document(&bytes).expect("the document hashes");
    assert_eq!(hashes.len(), EVENTS);

    let mut g = c.benchmark_group("hash");
    g.throughput(Throughput::Elements(EVENTS as u64));
    g.sample_size(20);
    g.bench_function("hash_document_10k_jsonld", |b| {
        b.iter(|| epcis::hash::hash_document(std::hint::black_box(&bytes)).unwrap())
    });
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    g.bench_function("json_event_hashes_10k_parsed", |b| {
        b.iter(|| {
            epcis::hash::json_event_hashes(std::hint::black_box(&value), Default::default())
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
