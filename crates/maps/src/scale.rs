//! Classes and colours for choropleths.

/// Colours of the classes of a choropleth, lightest or least severe first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette {
    pub colours: Vec<String>,
}

/// ColorBrewer YlOrBr (9 classes): light ochre to dark brown, readable with the common forms of
/// colour blindness and in greyscale because lightness falls monotonically.
const YL_OR_BR: [&str; 9] = [
    "#ffffe5", "#fff7bc", "#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#993404",
    "#662506",
];

/// Risk classes 1–5, green to dark red. Lightness falls monotonically (pale green, yellow,
/// orange, red, dark red), so the order survives red–green colour blindness, where hue alone
/// would not.
const RISK: [&str; 5] = ["#d9f0a3", "#fed976", "#fd8d3c", "#e31a1c", "#800026"];

impl Palette {
    /// `n` sequential classes (1–9 distinct colours; more repeat), light ochre to dark brown.
    pub fn sequential(n: usize) -> Palette {
        let last = YL_OR_BR.len() - 1;
        let colours = (0..n)
            .map(|i| {
                let k = if n <= 1 {
                    last / 2
                } else {
                    (i * last + (n - 1) / 2) / (n - 1)
                };
                YL_OR_BR[k.min(last)].to_string()
            })
            .collect();
        Palette { colours }
    }

    /// The five risk classes; index 0 is risk class 1 (lowest).
    pub fn risk() -> Palette {
        Palette {
            colours: RISK.iter().map(|c| c.to_string()).collect(),
        }
    }

    /// Caller-chosen colours (any SVG paint; escaped when written).
    pub fn custom(colours: impl IntoIterator<Item = impl Into<String>>) -> Palette {
        Palette {
            colours: colours.into_iter().map(Into::into).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.colours.len()
    }

    pub fn is_empty(&self) -> bool {
        self.colours.is_empty()
    }
}

/// The class of a value for ascending `breaks`: the number of breaks ≤ value, so `n` breaks make
/// `n + 1` classes (0 ..= n). `None` for NaN and infinities.
pub fn class_of(value: f64, breaks: &[f64]) -> Option<usize> {
    value
        .is_finite()
        .then(|| breaks.iter().filter(|b| **b <= value).count())
}

/// [`class_of`] for each value.
pub fn classify(values: &[f64], breaks: &[f64]) -> Vec<Option<usize>> {
    values.iter().map(|v| class_of(*v, breaks)).collect()
}

/// Breaks for at most `n` classes holding about equal numbers of the finite values: strictly
/// ascending, each above the minimum (so no class is empty). Ties can make fewer classes:
/// identical values are never split.
pub fn quantile_breaks(values: &[f64], n: usize) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let Some(&min) = v.first() else {
        return Vec::new();
    };
    let mut breaks: Vec<f64> = Vec::new();
    for i in 1..n {
        let b = v[(i * v.len() / n).min(v.len() - 1)];
        if b > min && breaks.last().is_none_or(|last| b > *last) {
            breaks.push(b);
        }
    }
    breaks
}

/// Legend labels for the classes of `breaks`: `< b0`, `b0 – b1`, …, `≥ bn`, numbers formatted by
/// `fmt`. Symbols only, so the labels read the same in Mongolian and English.
pub fn range_labels(breaks: &[f64], fmt: &dyn Fn(f64) -> String) -> Vec<String> {
    let Some((first, last)) = breaks.first().zip(breaks.last()) else {
        return Vec::new();
    };
    let mut out = vec![format!("< {}", fmt(*first))];
    out.extend(
        breaks
            .windows(2)
            .map(|w| format!("{} – {}", fmt(w[0]), fmt(w[1]))),
    );
    out.push(format!("≥ {}", fmt(*last)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_picks_spread_colours() {
        assert_eq!(
            Palette::sequential(5).colours,
            ["#ffffe5", "#fee391", "#fe9929", "#cc4c02", "#662506"]
        );
        assert_eq!(Palette::sequential(1).colours, ["#fe9929"]);
        assert_eq!(Palette::sequential(9).colours, YL_OR_BR);
        assert!(Palette::sequential(0).is_empty());
        assert_eq!(Palette::sequential(12).len(), 12);
        assert_eq!(Palette::risk().len(), 5);
    }

    #[test]
    fn classes() {
        let b = [10.0, 20.0];
        assert_eq!(
            classify(&[5.0, 10.0, 15.0, 25.0, f64::NAN], &b),
            [Some(0), Some(1), Some(1), Some(2), None]
        );
        assert_eq!(class_of(1.0, &[]), Some(0));
    }

    #[test]
    fn quantiles() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile_breaks(&v, 5), [2.0, 3.0, 4.0, 5.0]);
        assert_eq!(quantile_breaks(&[5.0, 1.0, 3.0, 2.0, 4.0], 2), [3.0]);
        assert!(quantile_breaks(&[], 4).is_empty());
        assert!(quantile_breaks(&[7.0; 4], 4).is_empty());
        assert!(quantile_breaks(&v, 0).is_empty());
        let b = quantile_breaks(&[1.0, 1.0, 1.0, 2.0, 9.0], 4);
        assert_eq!(b, [2.0]);
        let classes = classify(&v, &quantile_breaks(&v, 5));
        assert_eq!(classes, [Some(0), Some(1), Some(2), Some(3), Some(4)]);
    }

    #[test]
    fn labels() {
        let f = |v: f64| format!("{v}");
        assert_eq!(range_labels(&[1.0, 2.0], &f), ["< 1", "1 – 2", "≥ 2"]);
        assert!(range_labels(&[], &f).is_empty());
    }
}
