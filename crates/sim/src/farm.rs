//! The herder side of one soum: households comb and deliver, cooperatives pool by colour, a lab
//! tests each pooled lot, and the cooperative sells it to a processor.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::Colour;
use crate::events::{self, Combing, Delivery, Goods, Measurement, Process, Transfer};
use crate::ids;
use crate::manifest::{PlantedFinding, SoumEntry};
use crate::mill::QueuedLot;
use crate::rng::{chance, lognormal_factor, normal, uniform, weighted};
use crate::time::{DAY, Minutes};
use crate::{World, stream};

/// A soum's place in the season: how many simulated households it has and what the census says.
#[derive(Debug, Clone)]
pub(crate) struct SoumPlan {
    pub code: u32,
    pub households: u32,
    /// Index of its first household among all simulated households (for planted findings).
    pub first_index: u32,
    pub real_households: u32,
    pub goats_estimated: u64,
    pub region_digit: u32,
}

/// Spreads `n` households over soums in proportion to their NSO 2020 herder households, by
/// systematic sampling: each soum gets the floor or the ceiling of its quota, and which one
/// depends on the seed (through `r`, drawn in `[0, total)`).
pub(crate) fn allocate(n: u32, weights: &[u32], r: u64) -> Vec<u32> {
    let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    let n64 = u64::from(n);
    // Points k·total + r (k = 0..n) on a line where soum s covers [C_s·n, C_{s+1}·n).
    let below = |c: u64| -> u64 {
        let edge = c * n64;
        if edge <= r || total == 0 {
            0
        } else {
            (edge - r).div_ceil(total).min(n64)
        }
    };
    let mut out = Vec::with_capacity(weights.len());
    let mut c = 0u64;
    for &w in weights {
        let lo = below(c);
        c += u64::from(w);
        out.push((below(c) - lo) as u32);
    }
    out
}

/// A household's bag of one colour from one combing session.
struct Bag {
    lot: String,
    colour: Colour,
    grams: u64,
    delivered: Minutes,
}

const LAB_COUNT: usize = 2;

pub(crate) fn simulate_soum(world: &mut World, plan: &SoumPlan) {
    let season = world.season.clone();
    let k = &season.knobs;
    let base = season.base_uri.as_str();
    let year = season.year;
    let season_str = year.to_string();
    let code = plan.code;
    let soum_str = format!("{code:05}");
    let soum_uri = ids::soum(base, code);
    let mut rng = ChaCha8Rng::seed_from_u64(season.seed);
    rng.set_stream(stream::SOUM + u64::from(code));

    // Herds: skewed around the soum's mean of combed goats per (real) household, capped so that
    // the soum never declares more goats than its census estimate allows.
    let combable = (plan.goats_estimated as f64 * k.combed_goat_share).floor() as u64;
    let mean = combable as f64 / f64::from(plan.real_households.max(1));
    let mut goats: Vec<u64> = (0..plan.households)
        .map(|_| (mean * lognormal_factor(&mut rng, k.herd_size_sigma)).round() as u64)
        .map(|g| g.max(u64::from(combable > 0) * 3))
        .collect();
    let sum: u64 = goats.iter().sum();
    if sum > combable {
        for g in &mut goats {
            *g = *g * combable / sum;
        }
    }

    let coops = plan
        .households
        .div_ceil(k.households_per_cooperative)
        .clamp(1, k.max_cooperatives_per_soum);
    // Bags delivered, by cooperative and colour.
    let mut pools: Vec<[Vec<Bag>; 5]> = (0..coops).map(|_| Default::default()).collect();
    let mut entry = SoumEntry {
        code: soum_str.clone(),
        households: plan.households,
        cooperatives: coops,
        goats_combed: 0,
        raw_g: 0,
    };

    for h in 0..plan.households {
        let n = h + 1;
        let household = ids::household(base, code, n);
        let coop = rng.gen_range(0..coops);
        let coop_uri = ids::cooperative(base, code, coop + 1);
        let herd = goats[h as usize];
        let planted = world.planted.contains(&(plan.first_index + h));
        let rate = if planted {
            k.ceiling_kg_per_goat * uniform(&mut rng, 1.4, 2.2)
        } else {
            (k.mean_kg_per_goat + k.sd_kg_per_goat * normal(&mut rng))
                .clamp(0.4 * k.mean_kg_per_goat, 0.9 * k.ceiling_kg_per_goat)
        };
        // Colours: one by the national mix, sometimes a second one.
        let first = Colour::ALL[weighted(&mut rng, &k.colour_mix_pct)];
        let mut herd_colours = vec![(first, herd)];
        if chance(&mut rng, k.second_colour_probability) {
            let second = Colour::ALL[weighted(&mut rng, &k.colour_mix_pct)];
            let g2 = (herd as f64 * uniform(&mut rng, 0.1, 0.4)).round() as u64;
            if second != first && g2 > 0 && g2 < herd {
                herd_colours = vec![(first, herd - g2), (second, g2)];
            }
        }
        if herd == 0 {
            continue;
        }
        world.manifest().households_combing += 1;
        entry.goats_combed += herd;

        // Sessions: goats of each colour spread over 1..=max sessions on distinct days.
        let sessions = rng.gen_range(1..=u32::from(k.max_combing_sessions));
        let mut days: Vec<u32> = (0..sessions).map(|_| rng.gen_range(0..80)).collect();
        days.sort_unstable();
        for i in 1..days.len() {
            if days[i] <= days[i - 1] {
                days[i] = days[i - 1] + 1;
            }
        }
        let weights: Vec<f64> = (0..sessions).map(|_| uniform(&mut rng, 0.5, 1.5)).collect();
        let wsum: f64 = weights.iter().sum();
        let mut split: Vec<Vec<(Colour, u64)>> = vec![Vec::new(); sessions as usize];
        for &(colour, g) in &herd_colours {
            let mut left = g;
            for (s, w) in weights.iter().enumerate() {
                let take = if s + 1 == weights.len() {
                    left
                } else {
                    ((g as f64 * w / wsum).floor() as u64).min(left)
                };
                left -= take;
                if take > 0 {
                    split[s].push((colour, take));
                }
            }
        }

        let mut bag_no = 0;
        let mut declared = 0u64;
        let mut lots = Vec::new();
        for (s, parts) in split.iter().enumerate() {
            if parts.is_empty() {
                continue;
            }
            let t_comb = days[s] * DAY + 480 + rng.gen_range(0..600);
            let mut delivered = Vec::with_capacity(parts.len());
            for &(colour, g) in parts {
                bag_no += 1;
                let lot = ids::raw_lot(base, year, code, n, bag_no);
                let grams = ((g as f64 * rate * uniform(&mut rng, 0.94, 1.06) * 1000.0).round()
                    as u64)
                    .max(1);
                let e = events::combing(
                    &world.clock,
                    t_comb,
                    &Combing {
                        lot: &lot,
                        grams,
                        soum_uri: &soum_uri,
                        soum_code: &soum_str,
                        household: &household,
                        // The profile's rule: every pass declares the herd combed in the
                        // season (the ledger takes the largest), not the goats of this bag.
                        goats: herd as u32,
                        colour: colour.as_str(),
                        season: &season_str,
                    },
                );
                world.emit(Process::Combing, t_comb, e);
                declared += grams;
                lots.push(lot.clone());
                delivered.push((lot, grams, colour));
            }
            let t_del = (days[s] + rng.gen_range(1..=7)) * DAY + 480 + rng.gen_range(0..600);
            let list: Vec<(String, u64)> =
                delivered.iter().map(|(l, g, _)| (l.clone(), *g)).collect();
            let receipt = ids::transaction(base, "recadv", &format!("{soum_str}-{n:05}-{}", s + 1));
            let e = events::delivery(
                &world.clock,
                t_del,
                &Delivery {
                    lots: &list,
                    household: &household,
                    cooperative: &coop_uri,
                    receipt: &receipt,
                    moisture_permille: rng.gen_range(120..=170),
                    impurity_permille: rng.gen_range(10..=60),
                },
            );
            world.emit(Process::Delivery, t_del, e);
            for (lot, grams, colour) in delivered {
                pools[coop as usize][colour.index()].push(Bag {
                    lot,
                    colour,
                    grams,
                    delivered: t_del,
                });
            }
        }
        entry.raw_g += declared;
        let m = &mut world.manifest().mass_g;
        m.combed += declared;
        m.delivered += declared;
        if planted {
            world.manifest().planted_findings.push(PlantedFinding {
                kind: "household-harvest",
                household: household.clone(),
                soum: soum_str.clone(),
                season: season_str.clone(),
                goats_combed: herd,
                declared_g: declared,
                declared_kg: declared as f64 / 1000.0,
                ceiling_kg: herd as f64 * k.ceiling_kg_per_goat,
                lots,
            });
        }
    }

    for (c, by_colour) in pools.into_iter().enumerate() {
        let c = c as u32 + 1;
        let coop_uri = ids::cooperative(base, code, c);
        for bags in by_colour {
            let Some(colour) = bags.first().map(|b| b.colour) else {
                continue;
            };
            pool_and_sell(world, &mut rng, plan, c, &coop_uri, colour, bags);
        }
    }
    world.manifest().cooperatives += coops;
    let m = world.manifest();
    m.total_raw_kg = m.mass_g.combed as f64 / 1000.0;
    world.manifest().soums.push(entry);
}

/// One cooperative's bags of one colour: pooled into a lot, tested, sold to a processor.
fn pool_and_sell(
    world: &mut World,
    rng: &mut ChaCha8Rng,
    plan: &SoumPlan,
    c: u32,
    coop_uri: &str,
    colour: Colour,
    bags: Vec<Bag>,
) {
    let base = world.season.base_uri.clone();
    let year = world.season.year;
    let last = bags.iter().map(|b| b.delivered).max().unwrap_or(0);
    let t_pool = (last / DAY + rng.gen_range(2..=10)) * DAY + 480 + rng.gen_range(0..600);
    let inputs: Vec<(String, u64)> = bags.into_iter().map(|b| (b.lot, b.grams)).collect();
    let total: u64 = inputs.iter().map(|(_, g)| g).sum();
    let pooled = (ids::pooled_lot(&base, year, plan.code, c, colour), total);
    let mut ilmd = epcis::Extensions::new();
    ilmd.insert("cm:colour".into(), colour.as_str().into());
    ilmd.insert("cm:season".into(), year.to_string().into());
    let e = events::transformation(
        &world.clock,
        t_pool,
        Process::Pooling,
        &inputs,
        std::slice::from_ref(&pooled),
        coop_uri,
        Some(ilmd),
    );
    world.emit(Process::Pooling, t_pool, e);
    let m = &mut world.manifest().mass_g;
    m.pooled_in += total;
    m.pooled_out += total;

    // Lab test: the Western and Eastern aimags send samples to one lab, the others to the other.
    let lab = (plan.region_digit % LAB_COUNT as u32) as usize;
    let lab_party = ids::lab(&base, lab);
    world.lab_reports += 1;
    let report = ids::lab_report(&base, lab, world.lab_reports);
    let t_lab = t_pool + rng.gen_range(1..=4) * DAY;
    let measurements = [
        m_("cm:MeanFibreDiameter", rng.gen_range(1450..=1700), 2, "4H"),
        m_("cm:FibreDiameterCV", rng.gen_range(180..=230), 1, "P1"),
        m_("cm:FibreLength", rng.gen_range(340..=440), 1, "MMT"),
        m_("cm:CleanYield", rng.gen_range(450..=600), 1, "P1"),
        m_("cm:CoarseHairContent", rng.gen_range(150..=300), 1, "P1"),
        m_("cm:OverThirtyMicron", rng.gen_range(5..=25), 1, "P1"),
    ];
    let e = events::lab_test(
        &world.clock,
        t_lab,
        &pooled,
        &lab_party.site,
        &report,
        &measurements,
    );
    world.emit(Process::LabTest, t_lab, e);

    // Sale to a processor, recorded by both sides.
    let k = &world.season.knobs;
    let p = weighted(rng, &ids::PROCESSOR_WEIGHTS[..usize::from(k.processors)]);
    let t_ship = t_lab + rng.gen_range(3..=15) * DAY;
    let t_recv = t_ship + rng.gen_range(1..=3) * DAY;
    let mill = &mut world.mills[p];
    mill.orders += 1;
    let po = ids::transaction(
        &base,
        "po",
        &format!("{}-{:06}", mill.party.gcp, mill.orders),
    );
    let inv = ids::transaction(
        &base,
        "inv",
        &format!("{:05}-c{c}-{}", plan.code, colour.as_str()),
    );
    let buyer = mill.party.id.clone();
    let buyer_site = mill.party.site.clone();
    let lots = std::slice::from_ref(&pooled);
    for (receiving, t, site) in [
        (false, t_ship, coop_uri),
        (true, t_recv, buyer_site.as_str()),
    ] {
        let e = events::transfer(
            &world.clock,
            t,
            &Transfer {
                process: Process::Sale,
                receiving,
                goods: Goods::Lots(lots),
                from: coop_uri,
                to: &buyer,
                site,
                po: &po,
                inv: &inv,
            },
        );
        world.emit(Process::Sale, t, e);
    }
    world.manifest().mass_g.sold_to_processors += total;
    world.mills[p].receive(
        colour,
        QueuedLot {
            lot: pooled.0,
            grams: total,
            available: t_recv,
        },
    );
}

fn m_(kind: &'static str, units: u64, places: u32, uom: &'static str) -> Measurement {
    Measurement {
        kind,
        units,
        places,
        uom,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_is_proportional_and_exact() {
        let w = [5u32, 0, 10, 85];
        for n in [0u32, 1, 3, 10, 99, 1000] {
            for r in [0u64, 1, 50, 99] {
                let a = allocate(n, &w, r);
                assert_eq!(a.iter().sum::<u32>(), n, "n={n} r={r}");
                assert_eq!(a[1], 0);
                for (i, &x) in a.iter().enumerate() {
                    let quota = f64::from(n) * f64::from(w[i]) / 100.0;
                    assert!((f64::from(x) - quota).abs() < 1.0, "{a:?} n={n}");
                }
            }
        }
        let national: Vec<u32> = mongolia::soums()
            .iter()
            .map(|s| s.herder_households_2020)
            .collect();
        assert_eq!(allocate(180_563, &national, 12_345), national);
    }
}
