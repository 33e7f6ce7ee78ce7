//! Logistic regression by iteratively reweighted least squares (Newton's method) with a mild
//! L2 penalty on the slopes, in f64. Small and deterministic: the same rows in the same order
//! give the same bits, so the model card's figures are reproducible.

/// Fits `P(y=1) = σ(b0 + Σ b_j x_j)`; `x` rows are the (already standardised) features.
/// Returns `[b0, b1, …]`, or `None` if the Newton system is singular.
pub(crate) fn fit(x: &[Vec<f64>], y: &[bool], l2: f64) -> Option<Vec<f64>> {
    let k = x.first().map_or(0, Vec::len) + 1;
    let mut b = vec![0.0; k];
    for _ in 0..100 {
        let mut grad = vec![0.0; k];
        let mut hess = vec![vec![0.0; k]; k];
        for (xi, &yi) in x.iter().zip(y) {
            let row: Vec<f64> = std::iter::once(1.0).chain(xi.iter().copied()).collect();
            let p = sigmoid(dot(&b, &row));
            let w = p * (1.0 - p);
            let r = f64::from(u8::from(yi)) - p;
            for j in 0..k {
                grad[j] += r * row[j];
                for m in 0..k {
                    hess[j][m] += w * row[j] * row[m];
                }
            }
        }
        // The intercept is not penalised: the base rate should come from the data.
        for j in 1..k {
            grad[j] -= l2 * b[j];
            hess[j][j] += l2;
        }
        let step = solve(hess, grad)?;
        let mut biggest: f64 = 0.0;
        for (bj, s) in b.iter_mut().zip(&step) {
            *bj += s;
            biggest = biggest.max(s.abs());
        }
        if biggest < 1e-12 {
            break;
        }
    }
    Some(b)
}

pub(crate) fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Solves `a · s = g` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut g: Vec<f64>) -> Option<Vec<f64>> {
    let n = g.len();
    for i in 0..n {
        let piv = (i..n).max_by(|&p, &q| a[p][i].abs().total_cmp(&a[q][i].abs()))?;
        if a[piv][i].abs() < 1e-300 {
            return None;
        }
        a.swap(i, piv);
        g.swap(i, piv);
        let pivot_row = a[i].clone();
        let gi = g[i];
        for (r, (row, gr)) in a.iter_mut().zip(g.iter_mut()).enumerate() {
            if r != i {
                let f = row[i] / pivot_row[i];
                for (x, p) in row[i..].iter_mut().zip(&pivot_row[i..]) {
                    *x -= f * p;
                }
                *gr -= f * gi;
            }
        }
    }
    Some((0..n).map(|i| g[i] / a[i][i]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_separating_direction() {
        let x: Vec<Vec<f64>> = (0..40).map(|i| vec![f64::from(i) / 10.0 - 2.0]).collect();
        let y: Vec<bool> = (0..40).map(|i| (i * 7919) % 40 < i).collect();
        let b = fit(&x, &y, 1.0).expect("fits");
        assert!(b[1] > 0.0, "{b:?}");
    }

    #[test]
    fn no_slope_without_signal() {
        let x: Vec<Vec<f64>> = (0..40).map(|i| vec![f64::from(i % 2)]).collect();
        let y: Vec<bool> = (0..40).map(|i| i % 4 < 2).collect();
        let b = fit(&x, &y, 1.0).expect("fits");
        assert!(b[1].abs() < 1e-9 && b[0].abs() < 1e-9, "{b:?}");
    }
}
