//! What a lab measures on a lot, and the measures a grading rule may name.

use provenance::Colour;
use serde::{Deserialize, Serialize};

use crate::decimal::Milli;

/// Which way a measure gets better: the grading engine needs it to check that tiers are
/// ordered and that a finer fibre never grades worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Better {
    /// Smaller is better (diameter, variation, coarse fibre, contaminants).
    Lower,
    /// Larger is better (length, yield, cashmere content).
    Higher,
    /// A class, not a quantity (colour).
    Unordered,
}

macro_rules! measures {
    ($($var:ident = $name:literal, $label:literal, $unit:literal, $min:expr, $max:expr, $better:ident;)+) => {
        /// A quantity a rule can test, named in scheme files and verdicts as in
        /// [`Measurements`]' JSON (`mfd_um`, `cv_pct`, …).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Measure {
            $(#[serde(rename = $name)] $var),+
        }

        impl Measure {
            /// Every measure, in the order of [`Measurements`].
            pub const ALL: &'static [Measure] = &[$(Measure::$var),+];

            /// The name used in scheme files, JSON and errors.
            pub fn as_str(self) -> &'static str {
                match self { $(Measure::$var => $name),+ }
            }

            /// What it is, in words.
            pub fn label(self) -> &'static str {
                match self { $(Measure::$var => $label),+ }
            }

            /// Its unit as printed (`µm`, `%`, `mm`); empty for colour.
            pub fn unit(self) -> &'static str {
                match self { $(Measure::$var => $unit),+ }
            }

            /// The physically possible range, inclusive; `None` for colour.
            pub fn range(self) -> Option<(Milli, Milli)> {
                match self { $(Measure::$var => range($min, $max)),+ }
            }

            /// Which way it gets better.
            pub fn better(self) -> Better {
                match self { $(Measure::$var => Better::$better),+ }
            }

            /// The measure of a scheme-file name.
            pub fn parse(s: &str) -> Option<Measure> {
                match s { $($name => Some(Measure::$var),)+ _ => None }
            }
        }
    };
}

/// Bounds in thousandths; colour has none (`-1`).
fn range(min: i64, max: i64) -> Option<(Milli, Milli)> {
    (min >= 0).then(|| (Milli::from_thousandths(min), Milli::from_thousandths(max)))
}

// Physical ranges, not quality limits. Diameter: the finest animal fibres are ≈ 10–12 µm and
// coarse yak and camel outer hair reaches ≈ 90–120 µm (domain-facts §1.6), so a sample mean
// outside 5–150 µm is a typing error. Length: camel hair reaches ≈ 370 mm. Shares are 0–100 %.
measures! {
    MfdUm = "mfd_um", "mean fibre diameter", "µm", 5_000, 150_000, Lower;
    SdUm = "sd_um", "standard deviation of fibre diameter", "µm", 0, 75_000, Lower;
    CvPct = "cv_pct", "coefficient of variation of fibre diameter", "%", 0, 100_000, Lower;
    Over30Pct = "over30_pct", "share of fibres over 30 µm by weight", "%", 0, 100_000, Lower;
    LengthMm = "length_mm", "mean fibre length", "mm", 1_000, 400_000, Higher;
    YieldPct = "yield_pct", "clean fibre yield", "%", 0, 100_000, Higher;
    CoarseHairPct = "coarse_hair_pct", "coarse-hair content by weight", "%", 0, 100_000, Lower;
    ImpurityPct = "impurity_pct", "impurity content by weight", "%", 0, 100_000, Lower;
    Colour = "colour", "colour class", "", -1, -1, Unordered;
    CashmerePct = "cashmere_pct", "cashmere content by weight", "%", 0, 100_000, Higher;
    YakPct = "yak_pct", "yak fibre content by weight", "%", 0, 100_000, Lower;
    SheepWoolPct = "sheep_wool_pct", "sheep wool content by weight", "%", 0, 100_000, Lower;
    CamelPct = "camel_pct", "camel fibre content by weight", "%", 0, 100_000, Lower;
    OtherFibrePct = "other_fibre_pct", "other fibre content by weight", "%", 0, 100_000, Lower;
}

impl std::fmt::Display for Measure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The value of one measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Number(Milli),
    Colour(Colour),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Number(n) => n.fmt(f),
            Value::Colour(c) => c.fmt(f),
        }
    }
}

/// Fibre composition of a blend analysis (IWTO-58, ISO 17751), per cent by weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Composition {
    pub cashmere_pct: Milli,
    #[serde(default)]
    pub yak_pct: Milli,
    #[serde(default)]
    pub sheep_wool_pct: Milli,
    #[serde(default)]
    pub camel_pct: Milli,
    #[serde(default)]
    pub other_fibre_pct: Milli,
}

impl Composition {
    /// Each fibre with its measure, in order.
    pub fn parts(&self) -> [(Measure, Milli); 5] {
        [
            (Measure::CashmerePct, self.cashmere_pct),
            (Measure::YakPct, self.yak_pct),
            (Measure::SheepWoolPct, self.sheep_wool_pct),
            (Measure::CamelPct, self.camel_pct),
            (Measure::OtherFibrePct, self.other_fibre_pct),
        ]
    }

    /// The sum of the parts, in thousandths of a per cent (no overflow: i128).
    pub fn total(&self) -> i128 {
        self.parts()
            .iter()
            .map(|(_, v)| i128::from(v.thousandths()))
            .sum()
    }
}

/// What a lab measured on a lot. Every field is optional: a rule whose measure is missing
/// fails with the reason, it does not stop the grading. This is also what the CLI flags give
/// (`--mfd`, `--cv`, `--over30`, `--length`, `--colour`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measurements {
    /// Mean fibre diameter, µm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfd_um: Option<Milli>,
    /// Standard deviation of diameter, µm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd_um: Option<Milli>,
    /// Coefficient of variation of diameter (CVD), %.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cv_pct: Option<Milli>,
    /// Fibres with diameter over 30 µm, % by weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over30_pct: Option<Milli>,
    /// Mean fibre length (hauteur or hand-pull), mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length_mm: Option<Milli>,
    /// Clean (dehaired) fibre yield of a raw sample, %.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yield_pct: Option<Milli>,
    /// Coarse (guard) hair, % by weight (GB 18267 reports ‰: divide by 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coarse_hair_pct: Option<Milli>,
    /// Impurities (dirt, vegetable matter, skin flakes), % by weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impurity_pct: Option<Milli>,
    /// Natural colour class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<Colour>,
    /// Fibre composition, when a blend analysis was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub composition: Option<Composition>,
}

impl Measurements {
    /// The value of a measure, `None` when it was not measured.
    pub fn get(&self, m: Measure) -> Option<Value> {
        let n = |v: Option<Milli>| v.map(Value::Number);
        let part = |f: fn(&Composition) -> Milli| self.composition.as_ref().map(f);
        match m {
            Measure::MfdUm => n(self.mfd_um),
            Measure::SdUm => n(self.sd_um),
            Measure::CvPct => n(self.cv_pct),
            Measure::Over30Pct => n(self.over30_pct),
            Measure::LengthMm => n(self.length_mm),
            Measure::YieldPct => n(self.yield_pct),
            Measure::CoarseHairPct => n(self.coarse_hair_pct),
            Measure::ImpurityPct => n(self.impurity_pct),
            Measure::Colour => self.colour.map(Value::Colour),
            Measure::CashmerePct => n(part(|c| c.cashmere_pct)),
            Measure::YakPct => n(part(|c| c.yak_pct)),
            Measure::SheepWoolPct => n(part(|c| c.sheep_wool_pct)),
            Measure::CamelPct => n(part(|c| c.camel_pct)),
            Measure::OtherFibrePct => n(part(|c| c.other_fibre_pct)),
        }
    }

    /// Sets a numeric measure (a composition part creates a composition of zeros first).
    /// Does nothing for colour: use the field.
    pub fn set(&mut self, m: Measure, v: Option<Milli>) {
        let mut part = |f: fn(&mut Composition) -> &mut Milli| {
            let c = self.composition.get_or_insert_with(Composition::default);
            *f(c) = v.unwrap_or_default();
        };
        match m {
            Measure::MfdUm => self.mfd_um = v,
            Measure::SdUm => self.sd_um = v,
            Measure::CvPct => self.cv_pct = v,
            Measure::Over30Pct => self.over30_pct = v,
            Measure::LengthMm => self.length_mm = v,
            Measure::YieldPct => self.yield_pct = v,
            Measure::CoarseHairPct => self.coarse_hair_pct = v,
            Measure::ImpurityPct => self.impurity_pct = v,
            Measure::Colour => {}
            Measure::CashmerePct => part(|c| &mut c.cashmere_pct),
            Measure::YakPct => part(|c| &mut c.yak_pct),
            Measure::SheepWoolPct => part(|c| &mut c.sheep_wool_pct),
            Measure::CamelPct => part(|c| &mut c.camel_pct),
            Measure::OtherFibrePct => part(|c| &mut c.other_fibre_pct),
        }
    }

    /// Whether nothing was measured.
    pub fn is_empty(&self) -> bool {
        Measure::ALL.iter().all(|m| self.get(*m).is_none())
    }
}

/// A colour class as people write it: the profile's names (`white`, `light-grey`, `grey`,
/// `red`, `brown`), any case, with spaces or underscores, `gray` for `grey`, `dark` for
/// `brown` (domain-facts §1.5: "dark (brown)"), or the `cm:` vocabulary form.
pub fn parse_colour(s: &str) -> Option<Colour> {
    let t = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
    let t = t
        .strip_prefix(provenance::NS)
        .or_else(|| t.strip_prefix("cm:"))
        .unwrap_or(&t);
    let t = t.replace("gray", "grey");
    match t.as_str() {
        "dark" => Some(Colour::Brown),
        "lightgrey" => Some(Colour::LightGrey),
        other => Colour::parse(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_ranges_hold() {
        for m in Measure::ALL {
            assert_eq!(Measure::parse(m.as_str()), Some(*m));
            let json = serde_json::to_value(m).unwrap();
            assert_eq!(json, m.as_str());
            match m.range() {
                Some((lo, hi)) => assert!(lo < hi, "{m}"),
                None => assert_eq!(*m, Measure::Colour),
            }
        }
    }

    #[test]
    fn get_and_set_agree() {
        let mut ms = Measurements::default();
        assert!(ms.is_empty());
        for (i, m) in Measure::ALL.iter().enumerate() {
            if *m == Measure::Colour {
                continue;
            }
            let v = Milli::from_int(i as i32 + 1);
            ms.set(*m, Some(v));
            assert_eq!(ms.get(*m), Some(Value::Number(v)), "{m}");
        }
        assert!(!ms.is_empty());
        ms.set(Measure::MfdUm, None);
        assert_eq!(ms.get(Measure::MfdUm), None);
    }

    #[test]
    fn colours_in_common_spellings() {
        assert_eq!(parse_colour("White"), Some(Colour::White));
        assert_eq!(parse_colour("light grey"), Some(Colour::LightGrey));
        assert_eq!(parse_colour("Light_Gray"), Some(Colour::LightGrey));
        assert_eq!(parse_colour("lightgrey"), Some(Colour::LightGrey));
        assert_eq!(parse_colour("dark"), Some(Colour::Brown));
        assert_eq!(parse_colour("cm:brown"), Some(Colour::Brown));
        assert_eq!(
            parse_colour("https://nooluur.org/voc/cashmere/red"),
            Some(Colour::Red)
        );
        assert_eq!(parse_colour("purple"), None);
    }
}
