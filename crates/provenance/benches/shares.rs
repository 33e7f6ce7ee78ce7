//! Provenance shares at the scale of the budget: a garment whose fibre came from 5,000
//! households. `cargo bench -p nooluur-provenance --bench shares`.
//!
//! - `pool_5000`: pooling 5,000 combing lots (mixing 5,000 one-source compositions);
//! - `blend_5000`: a spinning blend of that 5,000-source lot with a wool lot, then the
//!   single-input steps after it (what every step downstream of a national pool pays);
//! - `report_5000`: rendering the provenance report and its JSON (what a passport read pays,
//!   after loading the stored composition);
//! - `decode_5000` / `encode_5000`: the stored binary form.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use provenance::shares::ProvenanceReport;
use provenance::{Claim, Colour, Composition, Source};

const HOUSEHOLDS: usize = 5_000;

fn singles() -> Vec<(u64, Composition)> {
    (0..HOUSEHOLDS)
        .map(|i| {
            let soum = format!("1{:02}{:02}", 10 + i % 80, 1 + i % 25);
            let c = Composition::single(Source {
                lot: format!("https://coop{}.example.mn/lot/2024-{i:06}", i % 40),
                household: Some(format!("https://id.nooluur.org/household/{soum}-{i:05}")),
                soum: Some(soum),
                colour: Some(Colour::ALL[i % 5]),
                claim: Claim::MongolianCashmere,
            });
            (2_000 + (i as u64 * 7_919) % 20_000, c)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let singles = singles();
    let parts: Vec<(u64, &Composition)> = singles.iter().map(|(g, c)| (*g, c)).collect();
    let pool = Composition::mix(&parts).unwrap();
    assert_eq!(pool.len(), HOUSEHOLDS);
    let wool = Composition::single(Source {
        lot: "https://mill.example.mn/lot/wool-1".into(),
        household: None,
        soum: None,
        colour: None,
        claim: Claim::Wool,
    });
    let blend = Composition::mix(&[(80_000_000, &pool), (20_000_000, &wool)]).unwrap();
    let bytes = blend.to_bytes();
    eprintln!(
        "5,000-source composition: {} bytes binary, {} bytes JSON",
        bytes.len(),
        serde_json::to_vec(&blend).unwrap().len()
    );

    c.bench_function("pool_5000", |b| {
        b.iter(|| Composition::mix(black_box(&parts)).unwrap())
    });
    c.bench_function("blend_5000", |b| {
        b.iter(|| {
            let yarn =
                Composition::mix(&[(black_box(80_000_000), &pool), (20_000_000, &wool)]).unwrap();
            Composition::mix(&[(3_000, &yarn)]).unwrap()
        })
    });
    c.bench_function("report_5000", |b| {
        b.iter(|| {
            let r = ProvenanceReport::build(
                "https://id.gs1.org/01/04012345543216/21/1",
                300,
                black_box(&blend),
                &[],
            );
            serde_json::to_vec(&r).unwrap()
        })
    });
    c.bench_function("encode_5000", |b| b.iter(|| black_box(&blend).to_bytes()));
    c.bench_function("decode_5000", |b| {
        b.iter(|| Composition::from_bytes(black_box(&bytes)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
