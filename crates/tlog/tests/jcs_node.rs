//! Cross-checks JCS number formatting against the ECMAScript reference itself: node's
//! `JSON.stringify`, on random and adversarial doubles. Skipped when `node` is absent.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use rand::{Rng, SeedableRng};

fn doubles() -> Vec<f64> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(8785);
    let mut v = Vec::new();
    for _ in 0..100_000 {
        let f = f64::from_bits(rng.r#gen::<u64>());
        if f.is_finite() {
            v.push(f);
        }
    }
    // Ties between two shortest 17-digit strings: quarter-integers where the ulp is 0.25.
    for _ in 0..20_000 {
        let base = rng.gen_range((1u64 << 50)..(1u64 << 51)) as f64;
        v.push(base + [0.25, 0.75][rng.gen_range(0..2)]);
    }
    // Short decimals as people type them, and values around the format switch points.
    for _ in 0..20_000 {
        let digits = rng.gen_range(0..1_000_000i64) as f64;
        v.push(digits / 10f64.powi(rng.gen_range(0..12)));
    }
    for e in -330..310 {
        let p = 10f64.powi(e);
        v.extend([p, p * 0.9999999999999999, p * 1.0000000000000002, -p]);
    }
    v.extend([
        5e-324,
        f64::MIN_POSITIVE,
        f64::MAX,
        1e21,
        1e-7,
        0.1 + 0.2,
        9007199254740993.0,
    ]);
    v.retain(|f| f.is_finite());
    v
}

#[test]
fn numbers_match_node() {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("skipping: node is not installed");
        return;
    }
    let values = doubles();
    let script = "const lines=require('fs').readFileSync(0,'utf8').trim().split('\\n');\
        const out=lines.map(h=>JSON.stringify(Buffer.from(h,'hex').readDoubleBE(0)));\
        process.stdout.write(out.join('\\n')+'\\n');";
    let mut child = Command::new("node")
        .args(["-e", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input: String = values
        .iter()
        .map(|f| format!("{:016x}\n", f.to_bits()))
        .collect();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let expected = String::from_utf8(out.stdout).unwrap();
    let mut mismatches = Vec::new();
    for (f, want) in values.iter().zip(expected.lines()) {
        let mut got = String::new();
        tlog::jcs::write_f64(*f, &mut got).unwrap();
        if got != want {
            mismatches.push(format!("{:016x}: ours {got}, node {want}", f.to_bits()));
        }
    }
    assert_eq!(expected.lines().count(), values.len());
    assert!(
        mismatches.is_empty(),
        "{} mismatches, first: {:?}",
        mismatches.len(),
        &mismatches[..mismatches.len().min(10)]
    );
}
