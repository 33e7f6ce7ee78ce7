//! Mass balance: the yield band of each step and the configuration of the ledger.
//!
//! A step's yield is output mass ÷ input mass consumed. It must lie within `[min − tolerance,
//! max + tolerance]`; the comparison is exact (integer grams × parts per million).

use serde::{Deserialize, Serialize};

use crate::quantity::{Kg, Ratio, format_kg, kg_number};
use crate::terms::{Process, Stage};

/// What happens when a yield is outside its band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BandAction {
    /// The capture fails with a problem naming the event, step, masses and band.
    Reject,
    /// The event is accepted and a `mass-balance` finding is stored.
    Flag,
}

/// A yield band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub min: Ratio,
    pub max: Ratio,
    pub action: BandAction,
    /// Overrides [`Config::tolerance`] for this band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<Ratio>,
}

impl Band {
    const fn new(min_ppm: u64, max_ppm: u64, action: BandAction) -> Band {
        Band {
            min: Ratio::ppm(min_ppm),
            max: Ratio::ppm(max_ppm),
            action,
            tolerance: None,
        }
    }
}

/// The yield band of every step (defaults: `docs/cashmere-profile.md`, from
/// `shared/domain-facts.md` §1.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Bands {
    pub pooling: Band,
    pub sorting: Band,
    pub scouring: Band,
    /// Dehairing of scoured fibre.
    pub dehairing_scoured: Band,
    /// Dehairing of raw fibre, scouring folded in.
    pub dehairing_raw: Band,
    pub spinning: Band,
    pub dyeing: Band,
    /// Garments × garment mass ÷ yarn consumed.
    pub knitting: Band,
}

impl Default for Bands {
    fn default() -> Bands {
        use BandAction::{Flag, Reject};
        // Conservation steps reject: mass cannot appear from nothing. Yield steps flag: real
        // yields vary with the clip and the season, and a low one is a loss, not a fraud.
        Bands {
            pooling: Band::new(1_000_000, 1_000_000, Reject),
            sorting: Band::new(1_000_000, 1_000_000, Reject),
            scouring: Band::new(550_000, 900_000, Flag),
            dehairing_scoured: Band::new(550_000, 850_000, Flag),
            dehairing_raw: Band::new(400_000, 650_000, Flag),
            spinning: Band::new(850_000, 1_000_000, Flag),
            dyeing: Band::new(950_000, 1_020_000, Flag),
            knitting: Band {
                tolerance: Some(Ratio(0)),
                ..Band::new(0, 1_000_000, Reject)
            },
        }
    }
}

/// Configuration of the ledger and the plausibility rules. Deserialises from JSON/TOML with
/// every field optional (defaults below).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub bands: Bands,
    /// Widens every band on both sides, for scale error (default 0.005).
    pub tolerance: Ratio,
    /// Most raw cashmere a goat is believed to give in a season (default 0.6 kg; the national
    /// average is ≈ 0.25–0.36 kg).
    pub per_goat_ceiling_kg: Kg,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            bands: Bands::default(),
            tolerance: Ratio(5_000),
            per_goat_ceiling_kg: Kg(600),
        }
    }
}

/// The band that applies to a step, with its name for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AppliedBand {
    pub name: &'static str,
    pub band: Band,
    pub tolerance: Ratio,
}

impl AppliedBand {
    pub fn low(&self) -> Ratio {
        Ratio(self.band.min.0.saturating_sub(self.tolerance.0))
    }

    pub fn high(&self) -> Ratio {
        Ratio(self.band.max.0.saturating_add(self.tolerance.0))
    }

    /// Whether `output_g` from `input_g` lies within the band (exact).
    pub fn admits(&self, input_g: u64, output_g: u64) -> bool {
        if input_g == 0 {
            return output_g == 0;
        }
        let out = u128::from(output_g) * 1_000_000;
        let input = u128::from(input_g);
        out >= input * u128::from(self.low().0) && out <= input * u128::from(self.high().0)
    }

    /// `"0.55–0.85 ± 0.005"`.
    pub fn describe(&self) -> String {
        let mut s = format!("{}–{}", self.band.min, self.band.max);
        if self.tolerance.0 > 0 {
            s.push_str(&format!(" ± {}", self.tolerance));
        }
        s
    }
}

impl Config {
    /// The band of a step whose inputs are in `stages`; `None` for steps without one.
    /// Dehairing takes the raw band when every input is raw (or of unknown stage), the scoured
    /// band when every input is scoured, and the span of both when they are mixed.
    pub fn band_for(&self, process: Process, stages: &[Stage]) -> Option<AppliedBand> {
        let b = &self.bands;
        let (name, band) = match process {
            Process::Pooling => ("pooling", b.pooling),
            Process::Sorting => ("sorting", b.sorting),
            Process::Scouring => ("scouring", b.scouring),
            Process::Spinning => ("spinning", b.spinning),
            Process::Dyeing => ("dyeing", b.dyeing),
            Process::Knitting => ("knitting", b.knitting),
            Process::Dehairing => {
                let scoured = |s: &Stage| *s == Stage::Scoured;
                if !stages.is_empty() && stages.iter().all(scoured) {
                    ("dehairing_scoured", b.dehairing_scoured)
                } else if stages.iter().any(scoured) {
                    let (r, s) = (b.dehairing_raw, b.dehairing_scoured);
                    let action = if r.action == BandAction::Reject && s.action == BandAction::Reject
                    {
                        BandAction::Reject
                    } else {
                        BandAction::Flag
                    };
                    let band = Band {
                        min: r.min.min(s.min),
                        max: r.max.max(s.max),
                        action,
                        tolerance: r.tolerance.max(s.tolerance),
                    };
                    ("dehairing_mixed", band)
                } else {
                    ("dehairing_raw", b.dehairing_raw)
                }
            }
            _ => return None,
        };
        Some(AppliedBand {
            name,
            band,
            tolerance: band.tolerance.unwrap_or(self.tolerance),
        })
    }
}

/// A yield outside its band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    pub process: Process,
    pub band: AppliedBand,
    pub input_g: u64,
    pub output_g: u64,
}

impl Breach {
    /// The yield as a number, for people (the check itself is exact).
    pub fn ratio(&self) -> f64 {
        if self.input_g == 0 {
            f64::INFINITY
        } else {
            self.output_g as f64 / self.input_g as f64
        }
    }

    /// The figures of the breach, for a finding's evidence.
    pub fn evidence(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut m = serde_json::Map::new();
        m.insert("process".into(), self.process.as_str().into());
        m.insert("band".into(), self.band.name.into());
        m.insert("input_g".into(), self.input_g.into());
        m.insert("output_g".into(), self.output_g.into());
        m.insert("input_kg".into(), kg_number(self.input_g).into());
        m.insert("output_kg".into(), kg_number(self.output_g).into());
        if self.input_g > 0 {
            m.insert("yield".into(), self.ratio().into());
        }
        m.insert("min".into(), self.band.band.min.to_f64().into());
        m.insert("max".into(), self.band.band.max.to_f64().into());
        m.insert("tolerance".into(), self.band.tolerance.to_f64().into());
        m
    }

    pub fn describe(&self) -> String {
        format!(
            "{}: {} kg out of {} kg in is a yield of {}, outside the {} band {}",
            self.process,
            format_kg(self.output_g),
            format_kg(self.input_g),
            if self.input_g == 0 {
                "∞".to_owned()
            } else {
                format!("{:.4}", self.ratio())
            },
            self.band.name,
            self.band.describe()
        )
    }
}

/// Checks a step's masses against its band.
pub fn check(
    config: &Config,
    process: Process,
    stages: &[Stage],
    input_g: u64,
    output_g: u64,
) -> Result<(), Breach> {
    match config.band_for(process, stages) {
        Some(band) if !band.admits(input_g, output_g) => Err(Breach {
            process,
            band,
            input_g,
            output_g,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_profile() {
        let c = Config::default();
        let pool = c.band_for(Process::Pooling, &[Stage::Raw]).unwrap();
        assert!(pool.admits(100_000, 100_000));
        assert!(pool.admits(100_000, 100_500));
        assert!(!pool.admits(100_000, 100_501));
        assert!(pool.admits(100_000, 99_500));
        assert!(!pool.admits(100_000, 99_499));
        let raw = c.band_for(Process::Dehairing, &[Stage::Raw]).unwrap();
        assert_eq!(raw.name, "dehairing_raw");
        let scoured = c.band_for(Process::Dehairing, &[Stage::Scoured]).unwrap();
        assert_eq!(scoured.name, "dehairing_scoured");
        let mixed = c
            .band_for(Process::Dehairing, &[Stage::Scoured, Stage::Raw])
            .unwrap();
        assert_eq!(
            (mixed.band.min, mixed.band.max),
            (Ratio(400_000), Ratio(850_000))
        );
        let knit = c.band_for(Process::Knitting, &[Stage::Yarn]).unwrap();
        assert!(knit.admits(1_000, 1_000));
        assert!(!knit.admits(1_000, 1_001));
        assert!(c.band_for(Process::Combing, &[]).is_none());
        assert!(knit.admits(0, 0));
        assert!(!knit.admits(0, 1));
    }

    #[test]
    fn breach_names_the_numbers() {
        let c = Config::default();
        let err = check(&c, Process::Scouring, &[Stage::Raw], 100_000, 95_000).unwrap_err();
        assert_eq!(
            err.describe(),
            "scouring: 95 kg out of 100 kg in is a yield of 0.9500, outside the scouring band 0.55–0.9 ± 0.005"
        );
        assert_eq!(err.evidence()["output_kg"], 95.0);
    }

    #[test]
    fn config_deserialises_partially() {
        let c: Config = serde_json::from_str(
            r#"{"per_goat_ceiling_kg": 0.45, "bands": {"scouring": {"min": 0.5, "max": "0.8", "action": "reject"}}}"#,
        )
        .unwrap();
        assert_eq!(c.per_goat_ceiling_kg, Kg(450));
        assert_eq!(c.bands.scouring.action, BandAction::Reject);
        assert_eq!(c.bands.scouring.min, Ratio(500_000));
        assert_eq!(c.bands.pooling, Bands::default().pooling);
        assert_eq!(c.tolerance, Ratio(5_000));
        assert!(serde_json::from_str::<Config>(r#"{"bandz": {}}"#).is_err());
        let back: Config = serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }
}
