//! Random draws that give the same numbers on every IEEE-754 machine: only uniform draws from
//! ChaCha8 and exactly rounded arithmetic (+ − × ÷), no platform `exp`/`ln`, whose last bit may
//! differ between C libraries.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// A uniform draw in `[lo, hi)`.
pub fn uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.r#gen::<f64>()
}

/// An approximately standard normal draw (Irwin–Hall: twelve uniforms less six), within ±6.
pub fn normal(rng: &mut ChaCha8Rng) -> f64 {
    (0..12).map(|_| rng.r#gen::<f64>()).sum::<f64>() - 6.0
}

/// A log-normal factor with mean 1 and log-scale spread `sigma`: the skew of herd sizes.
pub fn lognormal_factor(rng: &mut ChaCha8Rng, sigma: f64) -> f64 {
    exp(sigma * normal(rng) - sigma * sigma / 2.0)
}

/// `true` with probability `p`.
pub fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    rng.r#gen::<f64>() < p
}

/// An index drawn with probability proportional to `weights` (not all zero).
pub fn weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    let mut x = rng.gen_range(0..total.max(1));
    for (i, &w) in weights.iter().enumerate() {
        if x < u64::from(w) {
            return i;
        }
        x -= u64::from(w);
    }
    weights.len().saturating_sub(1)
}

/// e^x from basic arithmetic only: x = k·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its Taylor
/// series (terms to r^16, far below f64 precision), then k halvings or doublings.
pub fn exp(x: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    let x = x.clamp(-700.0, 700.0);
    let k = (x / LN2).round();
    let r = x - k * LN2;
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..=16 {
        term = term * r / f64::from(n);
        sum += term;
    }
    let mut out = sum;
    let mut k = k as i32;
    while k > 0 {
        out *= 2.0;
        k -= 1;
    }
    while k < 0 {
        out /= 2.0;
        k += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn exp_is_accurate() {
        for i in -200..=200 {
            let x = f64::from(i) / 20.0;
            let rel = (exp(x) / x.exp() - 1.0).abs();
            assert!(rel < 1e-13, "{x}: {rel}");
        }
    }

    #[test]
    fn draws_have_the_intended_moments() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let n = 20_000;
        let z: Vec<f64> = (0..n).map(|_| normal(&mut rng)).collect();
        let mean = z.iter().sum::<f64>() / f64::from(n);
        let var = z.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / f64::from(n);
        assert!(
            mean.abs() < 0.03 && (var - 1.0).abs() < 0.05,
            "{mean} {var}"
        );
        let f: f64 = (0..n)
            .map(|_| lognormal_factor(&mut rng, 0.75))
            .sum::<f64>()
            / f64::from(n);
        assert!((f - 1.0).abs() < 0.05, "{f}");
        let mut hits = [0u32; 3];
        for _ in 0..n {
            hits[weighted(&mut rng, &[1, 0, 3])] += 1;
        }
        assert_eq!(hits[1], 0);
        assert!((f64::from(hits[2]) / f64::from(n) - 0.75).abs() < 0.02);
    }
}
