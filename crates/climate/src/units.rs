//! Sheep units (SU, "bod"), the common measure of grazing pressure: horse 7, cattle 6, camel 5,
//! sheep 1, goat 0.9 (domain-facts §3.1, [V]). Goats weigh 0.9, so SU are kept as integer
//! **tenths** of an SU: sums stay exact and the national check compares like with like.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

pub use mongolia::Species;

/// Tenths of a sheep unit per head of a species.
pub fn su_tenths_per_head(species: Species) -> u64 {
    match species {
        Species::Horse => 70,
        Species::Cattle => 60,
        Species::Camel => 50,
        Species::Sheep => 10,
        Species::Goat => 9,
    }
}

/// An amount of sheep units, exact to a tenth. Serialises as a number (`123.4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SheepUnits {
    tenths: u64,
}

impl SheepUnits {
    pub const ZERO: SheepUnits = SheepUnits { tenths: 0 };

    pub fn from_tenths(tenths: u64) -> SheepUnits {
        SheepUnits { tenths }
    }

    /// The amount in tenths of an SU (exact).
    pub fn tenths(self) -> u64 {
        self.tenths
    }

    /// The amount in SU, for statistics and display.
    pub fn as_f64(self) -> f64 {
        self.tenths as f64 / 10.0
    }

    /// Whole SU, rounded half up.
    pub fn rounded(self) -> u64 {
        (self.tenths + 5) / 10
    }
}

impl std::ops::Add for SheepUnits {
    type Output = SheepUnits;
    fn add(self, o: SheepUnits) -> SheepUnits {
        SheepUnits {
            tenths: self.tenths.saturating_add(o.tenths),
        }
    }
}

impl std::iter::Sum for SheepUnits {
    fn sum<I: Iterator<Item = SheepUnits>>(it: I) -> SheepUnits {
        it.fold(SheepUnits::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for SheepUnits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.tenths / 10, self.tenths % 10)
    }
}

impl Serialize for SheepUnits {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

/// Head counts by species, for a household, a soum, an aimag or the nation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Herd {
    #[serde(default)]
    pub horse: u64,
    #[serde(default)]
    pub cattle: u64,
    #[serde(default)]
    pub camel: u64,
    #[serde(default)]
    pub sheep: u64,
    #[serde(default)]
    pub goat: u64,
}

impl Herd {
    pub fn get(&self, s: Species) -> u64 {
        match s {
            Species::Horse => self.horse,
            Species::Cattle => self.cattle,
            Species::Camel => self.camel,
            Species::Sheep => self.sheep,
            Species::Goat => self.goat,
        }
    }

    pub fn set(&mut self, s: Species, head: u64) {
        match s {
            Species::Horse => self.horse = head,
            Species::Cattle => self.cattle = head,
            Species::Camel => self.camel = head,
            Species::Sheep => self.sheep = head,
            Species::Goat => self.goat = head,
        }
    }

    /// All head, every species.
    pub fn head(&self) -> u64 {
        Species::ALL.iter().map(|&s| self.get(s)).sum()
    }

    /// Σ head × weight, exact (saturating: no real herd comes near u64 tenths).
    pub fn sheep_units(&self) -> SheepUnits {
        let tenths = Species::ALL.iter().fold(0u64, |acc, &s| {
            acc.saturating_add(self.get(s).saturating_mul(su_tenths_per_head(s)))
        });
        SheepUnits::from_tenths(tenths)
    }

    /// Goats as a fraction of all head (0 for an empty herd).
    pub fn goat_share(&self) -> f64 {
        match self.head() {
            0 => 0.0,
            h => self.goat as f64 / h as f64,
        }
    }

    /// The herd plus another, species by species.
    pub fn plus(&self, o: &Herd) -> Herd {
        let mut h = *self;
        for s in Species::ALL {
            h.set(s, self.get(s).saturating_add(o.get(s)));
        }
        h
    }

    /// Splits `total` head in this herd's species proportions, by largest remainder, so the
    /// parts add up to `total` exactly. An empty mix gives an empty herd.
    pub fn split_like(&self, total: u64) -> Herd {
        let head = self.head();
        let mut out = Herd::default();
        if head == 0 {
            return out;
        }
        let mut parts: Vec<(Species, u64, u128)> = Species::ALL
            .iter()
            .map(|&s| {
                let num = u128::from(total) * u128::from(self.get(s));
                let q = (num / u128::from(head)) as u64;
                (s, q, num % u128::from(head))
            })
            .collect();
        let assigned: u64 = parts.iter().map(|p| p.1).sum();
        let mut left = total - assigned;
        // Largest remainder first; ties in a fixed species order so results are deterministic.
        parts.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        for p in parts.iter_mut() {
            if left == 0 {
                break;
            }
            p.1 += 1;
            left -= 1;
        }
        for (s, n, _) in parts {
            out.set(s, n);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn herd() -> impl Strategy<Value = Herd> {
        (
            0..1u64 << 32,
            0..1u64 << 32,
            0..1u64 << 32,
            0..1u64 << 32,
            0..1u64 << 32,
        )
            .prop_map(|(horse, cattle, camel, sheep, goat)| Herd {
                horse,
                cattle,
                camel,
                sheep,
                goat,
            })
    }

    #[test]
    fn weights_are_the_nso_ones() {
        let h = Herd {
            horse: 1,
            cattle: 1,
            camel: 1,
            sheep: 1,
            goat: 1,
        };
        assert_eq!(h.sheep_units().tenths(), 70 + 60 + 50 + 10 + 9);
        assert_eq!(h.sheep_units().to_string(), "19.9");
        let goats = Herd {
            goat: 10,
            ..Herd::default()
        };
        assert_eq!(goats.sheep_units(), SheepUnits::from_tenths(90));
        assert_eq!(goats.sheep_units().rounded(), 9);
    }

    #[test]
    fn split_like_adds_up() {
        let mix = Herd {
            horse: 3,
            cattle: 2,
            camel: 0,
            sheep: 10,
            goat: 9,
        };
        let s = mix.split_like(1001);
        assert_eq!(s.head(), 1001);
        assert_eq!(s.camel, 0);
        assert_eq!(Herd::default().split_like(5), Herd::default());
    }

    proptest! {
        #[test]
        fn su_is_additive(a in herd(), b in herd()) {
            prop_assert_eq!(a.plus(&b).sheep_units(), a.sheep_units() + b.sheep_units());
        }

        #[test]
        fn su_is_monotone_in_each_species(a in herd(), s in 0usize..5, extra in 1u64..1_000_000) {
            let sp = Species::ALL[s];
            let mut b = a;
            b.set(sp, a.get(sp) + extra);
            prop_assert!(b.sheep_units() > a.sheep_units());
            prop_assert_eq!(
                b.sheep_units().tenths() - a.sheep_units().tenths(),
                extra * su_tenths_per_head(sp)
            );
        }

        #[test]
        fn split_preserves_total(a in herd(), total in 0u64..100_000_000) {
            let s = a.split_like(total);
            if a.head() > 0 { prop_assert_eq!(s.head(), total); }
        }
    }
}
