//! The season to simulate: its size, seed and the knobs that shape it.

use serde::{Deserialize, Serialize};

use crate::SimError;
use crate::time::Date;

/// Natural colour classes of the profile (`cm:colour`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Colour {
    White,
    LightGrey,
    Grey,
    Red,
    Brown,
}

impl Colour {
    pub const ALL: [Colour; 5] = [
        Colour::White,
        Colour::LightGrey,
        Colour::Grey,
        Colour::Red,
        Colour::Brown,
    ];

    /// The profile's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Colour::White => "white",
            Colour::LightGrey => "light-grey",
            Colour::Grey => "grey",
            Colour::Red => "red",
            Colour::Brown => "brown",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// One season of the cluster to simulate. `Season::new(households, seed)` takes the defaults;
/// every field is public so a caller can change any of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Season {
    /// Simulated herder households, spread over soums in proportion to the NSO 2020 count of
    /// herder households (180,563 nationally).
    pub households: u32,
    pub seed: u64,
    /// The combing season (`cm:season`, the spring of that year).
    pub year: u16,
    /// First day of combing, `YYYY-MM-DD`; `None`: 1 March of `year`.
    pub start_date: Option<String>,
    /// Base of the private URIs of households, soums, cooperatives, labs and lots.
    pub base_uri: String,
    /// At most this many events per document (≥ 1).
    pub max_events_per_document: usize,
    pub knobs: Knobs,
}

/// What shapes the simulated chain. Defaults follow `shared/domain-facts.md` §1.5 where it
/// has a figure; the others are plausible round numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Knobs {
    /// Share of a soum's (estimated) goats that are combed; the rest are kids, bucks kept
    /// uncombed and goats lost over winter. Also the cap: a soum's simulated goats never exceed
    /// this share of its estimate.
    pub combed_goat_share: f64,
    /// Skew of the herd size: σ of the log-normal around the soum's mean (0 = all equal).
    pub herd_size_sigma: f64,
    /// Mean raw cashmere per goat combed, kg (MWCA: 0.25; 2016–18 national: ≈ 0.35).
    pub mean_kg_per_goat: f64,
    /// Spread of a household's yield per goat, kg (standard deviation).
    pub sd_kg_per_goat: f64,
    /// The plausibility ceiling per goat, kg (profile default 0.6). Ordinary households stay
    /// below 90 % of it; planted ones declare 1.4–2.2 times it.
    pub ceiling_kg_per_goat: f64,
    /// Share of households that declare an implausible harvest on purpose (rounded up, so any
    /// positive value plants at least one). Listed in the manifest as `planted_findings`.
    pub implausible_fraction: f64,
    /// A household combs in 1 to this many sessions, delivering after each.
    pub max_combing_sessions: u8,
    /// Chance that a household's herd has a second colour.
    pub second_colour_probability: f64,
    /// National colour mix in per cent: white, light-grey, grey, red, brown.
    pub colour_mix_pct: [u32; 5],
    /// One cooperative per this many simulated households in a soum (at least one per soum).
    pub households_per_cooperative: u32,
    pub max_cooperatives_per_soum: u32,
    /// Processors (scouring to knitting), 1–10, in Ulaanbaatar and Darkhan.
    pub processors: u8,
    /// Brands receiving garments, 1–8.
    pub brands: u8,
    /// Foreign buyers of dehaired fibre and yarn, 1–6.
    pub buyers: u8,
    /// Raw kg per scouring batch.
    pub scour_batch_kg: u32,
    /// Share of dehaired fibre spun in Mongolia (the rest is exported as dehaired fibre).
    pub spin_share: f64,
    /// Share of yarn lots blended with an outside wool or silk lot.
    pub blend_share: f64,
    /// Share of yarn knitted into serialised garments here (the rest is exported as yarn).
    pub knit_share: f64,
    /// Garments per knitting event, at most.
    pub garments_per_knitting_event: u32,
    /// Garments per case (SSCC).
    pub case_size: u32,
    /// Cases per shipment to a brand.
    pub cases_per_shipment: u32,
}

impl Default for Knobs {
    fn default() -> Knobs {
        Knobs {
            combed_goat_share: 0.85,
            herd_size_sigma: 0.75,
            mean_kg_per_goat: 0.30,
            sd_kg_per_goat: 0.05,
            ceiling_kg_per_goat: 0.6,
            implausible_fraction: 0.001,
            max_combing_sessions: 3,
            second_colour_probability: 0.35,
            colour_mix_pct: [5, 10, 10, 15, 60],
            households_per_cooperative: 150,
            max_cooperatives_per_soum: 4,
            processors: 6,
            brands: 4,
            buyers: 3,
            scour_batch_kg: 2_000,
            spin_share: 0.2,
            blend_share: 0.15,
            knit_share: 0.1,
            garments_per_knitting_event: 240,
            case_size: 24,
            cases_per_shipment: 40,
        }
    }
}

impl Default for Season {
    fn default() -> Season {
        Season {
            households: 1_000,
            seed: 1,
            year: 2025,
            start_date: None,
            base_uri: "https://id.nooluur.org".to_owned(),
            max_events_per_document: 10_000,
            knobs: Knobs::default(),
        }
    }
}

impl Season {
    /// A season of `households` households from `seed`, every other setting at its default.
    pub fn new(households: u32, seed: u64) -> Season {
        Season {
            households,
            seed,
            ..Season::default()
        }
    }

    /// The first day of combing.
    pub fn start(&self) -> Result<Date, SimError> {
        match &self.start_date {
            Some(s) => Date::parse(s).ok_or_else(|| SimError::BadDate(s.clone())),
            None => Ok(Date::new(i32::from(self.year), 3, 1)),
        }
    }

    /// Checks the settings; `Simulation::new` calls it.
    pub fn check(&self) -> Result<(), SimError> {
        let k = &self.knobs;
        let bad = |what: &str| Err(SimError::BadSetting(what.to_owned()));
        self.start()?;
        let base = self.base_uri.as_str();
        if !(base.starts_with("https://") || base.starts_with("http://"))
            || base.ends_with('/')
            || base.contains(char::is_whitespace)
        {
            return bad("base_uri must be an http(s) URI without a trailing slash");
        }
        if !(1000..=9999).contains(&self.year) {
            return bad("year must have four digits");
        }
        if self.max_events_per_document == 0 {
            return bad("max_events_per_document must be at least 1");
        }
        let unit = |x: f64| (0.0..=1.0).contains(&x);
        if !(unit(k.combed_goat_share) && k.combed_goat_share > 0.0) {
            return bad("combed_goat_share must be in (0, 1]");
        }
        if !(0.0..=2.0).contains(&k.herd_size_sigma) {
            return bad("herd_size_sigma must be in [0, 2]");
        }
        if !(k.ceiling_kg_per_goat > 0.0 && k.ceiling_kg_per_goat <= 5.0) {
            return bad("ceiling_kg_per_goat must be in (0, 5]");
        }
        if !(k.mean_kg_per_goat > 0.0 && k.mean_kg_per_goat < k.ceiling_kg_per_goat) {
            return bad("mean_kg_per_goat must be positive and below the ceiling");
        }
        if !(k.sd_kg_per_goat >= 0.0 && k.sd_kg_per_goat <= k.mean_kg_per_goat) {
            return bad("sd_kg_per_goat must be in [0, mean_kg_per_goat]");
        }
        for (x, name) in [
            (k.implausible_fraction, "implausible_fraction"),
            (k.second_colour_probability, "second_colour_probability"),
            (k.spin_share, "spin_share"),
            (k.blend_share, "blend_share"),
            (k.knit_share, "knit_share"),
        ] {
            if !unit(x) {
                return Err(SimError::BadSetting(format!("{name} must be in [0, 1]")));
            }
        }
        if k.max_combing_sessions == 0 || k.max_combing_sessions > 9 {
            return bad("max_combing_sessions must be 1–9");
        }
        if k.colour_mix_pct.iter().sum::<u32>() == 0 {
            return bad("colour_mix_pct must not be all zero");
        }
        if k.households_per_cooperative == 0 || k.max_cooperatives_per_soum == 0 {
            return bad("households_per_cooperative and max_cooperatives_per_soum must be ≥ 1");
        }
        if !(1..=10).contains(&k.processors) {
            return bad("processors must be 1–10");
        }
        if !(1..=8).contains(&k.brands) || !(1..=6).contains(&k.buyers) {
            return bad("brands must be 1–8 and buyers 1–6");
        }
        if k.scour_batch_kg == 0
            || k.garments_per_knitting_event == 0
            || k.case_size == 0
            || k.cases_per_shipment == 0
        {
            return bad("batch, knitting, case and shipment sizes must be ≥ 1");
        }
        Ok(())
    }
}
