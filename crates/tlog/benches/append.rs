//! Batch append throughput: 10,000 leaves onto a 1,000,000-leaf tree held in memory.
//!
//! `cargo bench -p nooluur-tlog --bench append`
#![allow(clippy::unwrap_used)]

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tlog::{Frontier, Hash, MemoryLog, append, append_to, leaf_hash};

const TREE: u64 = 1_000_000;
const BATCH: u64 = 10_000;

fn bench(c: &mut Criterion) {
    let base: Vec<Hash> = (0..TREE).map(|i| leaf_hash(&i.to_be_bytes())).collect();
    let log = MemoryLog::from_leaf_hashes(&base).unwrap();
    let table = log.stored_hashes();
    let batch: Vec<Hash> = (TREE..TREE + BATCH)
        .map(|i| leaf_hash(&i.to_be_bytes()))
        .collect();
    // Entries of the size of a compact event record, for the leaf-hashing variant.
    let entries: Vec<Vec<u8>> = (0..BATCH)
        .map(|i| format!("{i:0>600}").into_bytes())
        .collect();

    let mut g = c.benchmark_group("append");
    g.throughput(Throughput::Elements(BATCH));
    g.bench_function("10k_leaf_hashes_onto_1M_tree_reading_frontier", |b| {
        b.iter(|| append(black_box(TREE), black_box(&batch), table).unwrap())
    });
    g.bench_function("10k_leaf_hashes_onto_1M_tree_cached_frontier", |b| {
        let frontier = Frontier::read(TREE, table).unwrap();
        b.iter_batched(
            || frontier.clone(),
            |mut f| append_to(&mut f, black_box(&batch)).unwrap(),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("10k_600B_entries_hashed_and_appended_onto_1M_tree", |b| {
        b.iter(|| {
            let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
            append(TREE, &leaves, table).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
