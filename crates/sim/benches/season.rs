//! Events generated per second: a season of 5,000 households, generated and written as JSON-LD
//! text (what `nooluur simulate` does before the file write).

#![allow(clippy::unwrap_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn season(c: &mut Criterion) {
    let events = sim::Simulation::new(sim::Season::new(5_000, 1))
        .unwrap()
        .run(|_| Ok::<_, ()>(()))
        .unwrap()
        .events;
    let mut g = c.benchmark_group("simulate");
    g.sample_size(10);
    g.throughput(Throughput::Elements(events));
    g.bench_function("5000_households_generate", |b| {
        b.iter(|| {
            sim::Simulation::new(sim::Season::new(5_000, 1))
                .unwrap()
                .run(|_| Ok::<_, ()>(()))
                .unwrap()
        })
    });
    g.bench_function("5000_households_generate_and_write_jsonld", |b| {
        b.iter(|| {
            let mut bytes = 0;
            sim::Simulation::new(sim::Season::new(5_000, 1))
                .unwrap()
                .run(|chunk| {
                    bytes += chunk.to_json().len();
                    Ok::<_, ()>(())
                })
                .unwrap();
            bytes
        })
    });
    g.finish();
}

criterion_group!(benches, season);
criterion_main!(benches);
