//! The processor side: scouring in batches (a pooled lot may be split across batches), dehairing,
//! export or spinning (some yarns blended with an outside wool or silk lot), dyeing, knitting
//! serialised garments, packing them into cases and shipping the cases to brands.

use std::collections::VecDeque;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::Colour;
use crate::events::{self, Goods, Process, Transfer};
use crate::ids::{self, Party, item};
use crate::manifest::Blend;
use crate::rng::{chance, uniform};
use crate::time::{DAY, Minutes};
use crate::{World, stream};

/// A lot waiting at a processor: what is left of it and when it arrived.
#[derive(Debug, Clone)]
pub(crate) struct QueuedLot {
    pub lot: String,
    pub grams: u64,
    pub available: Minutes,
}

/// Garment models: item reference offset and fibre mass per garment, grams.
const MODELS: [(u32, u64); 5] = [(1, 300), (2, 380), (3, 180), (4, 90), (5, 250)];

/// Raw lots (and grams taken from each) scoured together, and when the last one arrived.
struct Batch {
    colour: Colour,
    inputs: Vec<(String, u64)>,
    ready: Minutes,
}

/// A processor's state through the season.
pub(crate) struct Mill {
    pub party: Party,
    rng: ChaCha8Rng,
    queues: [VecDeque<QueuedLot>; 5],
    /// Purchase orders issued (for raw lots bought from cooperatives).
    pub orders: u32,
    lots_made: u32,
    sales: u32,
    garment_serial: u64,
    case_serial: u64,
    /// Packed cases waiting for a shipment, with the time they were packed.
    cases: Vec<(String, Minutes)>,
    dehaired_total: u64,
    spun_total: u64,
    yarn_total: u64,
    knit_total: u64,
}

fn after(rng: &mut ChaCha8Rng, t: Minutes, min_days: u32, max_days: u32) -> Minutes {
    (t / DAY + rng.gen_range(min_days..=max_days)) * DAY + 480 + rng.gen_range(0..600)
}

fn frac(rng: &mut ChaCha8Rng, grams: u64, lo: f64, hi: f64) -> u64 {
    (grams as f64 * uniform(rng, lo, hi)).floor() as u64
}

impl Mill {
    pub(crate) fn new(seed: u64, i: usize) -> Mill {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream::MILL + i as u64);
        Mill {
            party: ids::processor(i),
            rng,
            queues: Default::default(),
            orders: 0,
            lots_made: 0,
            sales: 0,
            garment_serial: 0,
            case_serial: 0,
            cases: Vec::new(),
            dehaired_total: 0,
            spun_total: 0,
            yarn_total: 0,
            knit_total: 0,
        }
    }

    pub(crate) fn receive(&mut self, colour: Colour, lot: QueuedLot) {
        self.queues[colour.index()].push_back(lot);
    }

    fn new_lot(&mut self, year: u16, kind: &str, item_ref: u32) -> String {
        self.lots_made += 1;
        let number = ids::lot_number(kind, year, self.lots_made);
        ids::lgtin(&self.party.gcp, item_ref, &number)
    }

    /// Takes the next scouring batch of one colour from the queues: whole lots while they fit,
    /// then the part of the next lot that fills the batch (the rest waits for the next batch).
    fn next_batch(&mut self, batch_g: u64) -> Option<Batch> {
        let ci = self.queues.iter().position(|q| !q.is_empty())?;
        let q = &mut self.queues[ci];
        let mut inputs = Vec::new();
        let mut taken = 0u64;
        let mut ready = 0;
        while taken < batch_g {
            let Some(front) = q.front_mut() else { break };
            let take = front.grams.min(batch_g - taken);
            inputs.push((front.lot.clone(), take));
            ready = ready.max(front.available);
            taken += take;
            front.grams -= take;
            if front.grams == 0 {
                q.pop_front();
            }
        }
        Some(Batch {
            colour: Colour::ALL[ci],
            inputs,
            ready,
        })
    }
}

/// Runs one scouring batch of processor `p` through the chain. Returns `false` when the
/// processor has nothing left to scour (its last cases are then shipped).
pub(crate) fn step(world: &mut World, p: usize) -> bool {
    let batch_g = u64::from(world.season.knobs.scour_batch_kg) * 1000;
    let Some(Batch {
        colour,
        inputs,
        ready,
    }) = world.mills[p].next_batch(batch_g)
    else {
        while !world.mills[p].cases.is_empty() {
            ship_cases(world, p);
        }
        return false;
    };
    let year = world.season.year;
    let k = world.season.knobs.clone();
    let site = world.mills[p].party.site.clone();
    let clock = world.clock.clone();
    let in_g: u64 = inputs.iter().map(|(_, g)| g).sum();

    // Scouring (≈ 30 % of the raw weight is grease, dirt and suint) and dehairing.
    let mill = &mut world.mills[p];
    let t_sc = after(&mut mill.rng, ready, 3, 12);
    let sc = mill.new_lot(year, "SC", item::SCOURED);
    let sc = (sc, frac(&mut mill.rng, in_g, 0.65, 0.76));
    let t_dh = after(&mut mill.rng, t_sc, 2, 8);
    let dh = mill.new_lot(year, "DH", item::DEHAIRED);
    let dh = (dh, frac(&mut mill.rng, sc.1, 0.68, 0.80));
    let e = events::transformation(
        &clock,
        t_sc,
        Process::Scouring,
        &inputs,
        std::slice::from_ref(&sc),
        &site,
        None,
    );
    world.emit(Process::Scouring, t_sc, e);
    let e = events::transformation(
        &clock,
        t_dh,
        Process::Dehairing,
        std::slice::from_ref(&sc),
        std::slice::from_ref(&dh),
        &site,
        None,
    );
    world.emit(Process::Dehairing, t_dh, e);
    let m = &mut world.manifest().mass_g;
    m.scoured_in += in_g;
    m.scoured_out += sc.1;
    m.dehaired_in += sc.1;
    m.dehaired_out += dh.1;

    // Spin a share of the dehaired fibre (by mass, so that even a small season spins some),
    // export the rest as dehaired fibre.
    let mill = &mut world.mills[p];
    mill.dehaired_total += dh.1;
    let spin =
        k.spin_share > 0.0 && mill.spun_total as f64 <= k.spin_share * mill.dehaired_total as f64;
    if !spin || dh.1 == 0 {
        export(world, p, &dh, t_dh, Process::Sale);
        world.manifest().mass_g.dehaired_exported += dh.1;
        return true;
    }
    mill.spun_total += dh.1;

    // Blend: an outside lot of wool or silk, bought in 25 kg bales and partly used.
    let mut spin_inputs = vec![dh.clone()];
    let mut t_ready = t_dh;
    if chance(&mut mill.rng, k.blend_share) {
        let silk = chance(&mut mill.rng, 0.4);
        let share_pct: u64 = if silk || chance(&mut mill.rng, 0.5) {
            30
        } else {
            50
        };
        let other_g = dh.1 * share_pct / (100 - share_pct);
        let (fibre, item_ref, kind, origin) = if silk {
            ("silk", item::SILK, "SK", "CN")
        } else if chance(&mut mill.rng, 0.5) {
            ("wool", item::WOOL, "WL", "MN")
        } else {
            ("wool", item::WOOL, "WL", "AU")
        };
        let intake = (
            mill.new_lot(year, kind, item_ref),
            other_g.div_ceil(25_000).max(1) * 25_000,
        );
        let t_in = after(&mut mill.rng, t_dh, 1, 5);
        t_ready = t_ready.max(t_in);
        let e = events::fibre_intake(&clock, t_in, &intake, fibre, origin, &site);
        world.emit(Process::FibreIntake, t_in, e);
        world.manifest().mass_g.fibre_intake += intake.1;
        world.manifest().mass_g.spun_other_fibre_in += other_g;
        spin_inputs.push((intake.0.clone(), other_g));
        world.manifest().blends.push(Blend {
            yarn_lot: String::new(),
            cashmere_lot: dh.0.clone(),
            cashmere_g: dh.1,
            fibre,
            fibre_lot: intake.0,
            fibre_g: other_g,
        });
    }
    let mill = &mut world.mills[p];
    let spun_in: u64 = spin_inputs.iter().map(|(_, g)| g).sum();
    let t_sp = after(&mut mill.rng, t_ready, 3, 10);
    let yarn = mill.new_lot(year, "YN", item::YARN);
    let yarn = (yarn, frac(&mut mill.rng, spun_in, 0.90, 0.97));
    let e = events::transformation(
        &clock,
        t_sp,
        Process::Spinning,
        &spin_inputs,
        std::slice::from_ref(&yarn),
        &site,
        None,
    );
    world.emit(Process::Spinning, t_sp, e);
    let m = &mut world.manifest();
    m.mass_g.spun_cashmere_in += dh.1;
    m.mass_g.yarn_out += yarn.1;
    if spin_inputs.len() > 1
        && let Some(b) = m.blends.last_mut()
    {
        b.yarn_lot = yarn.0.clone();
    }

    // Dyeing: light colours are dyed more often (white takes any shade).
    let mill = &mut world.mills[p];
    let dye_p = if matches!(colour, Colour::White | Colour::LightGrey) {
        0.6
    } else {
        0.25
    };
    let (mut current, mut t_cur) = (yarn, t_sp);
    if chance(&mut mill.rng, dye_p) {
        let t_dy = after(&mut mill.rng, t_sp, 2, 6);
        let dyed = mill.new_lot(year, "DY", item::DYED_YARN);
        let dyed = (dyed, frac(&mut mill.rng, current.1, 0.97, 1.0));
        let e = events::transformation(
            &clock,
            t_dy,
            Process::Dyeing,
            std::slice::from_ref(&current),
            std::slice::from_ref(&dyed),
            &site,
            None,
        );
        world.emit(Process::Dyeing, t_dy, e);
        let m = &mut world.manifest().mass_g;
        m.dyed_in += current.1;
        m.dyed_out += dyed.1;
        (current, t_cur) = (dyed, t_dy);
    }

    // Knit a share of the yarn into garments, export the rest as yarn.
    let mill = &mut world.mills[p];
    mill.yarn_total += current.1;
    let (model, garment_g) = MODELS[mill.rng.gen_range(0..MODELS.len())];
    let waste_permille = mill.rng.gen_range(20..=60u64);
    let need = (garment_g * (1000 + waste_permille)).div_ceil(1000);
    let knit = k.knit_share > 0.0
        && mill.knit_total as f64 <= k.knit_share * mill.yarn_total as f64
        && current.1 >= need;
    if !knit {
        export(world, p, &current, t_cur, Process::Sale);
        world.manifest().mass_g.yarn_exported += current.1;
        return true;
    }
    mill.knit_total += current.1;
    let mut left = current.1;
    while left >= need {
        let mill = &mut world.mills[p];
        let n = (left / need).min(u64::from(k.garments_per_knitting_event));
        let consumed = n * need;
        left -= consumed;
        t_cur = after(&mut mill.rng, t_cur, 1, 3);
        let garments: Vec<String> = (0..n)
            .map(|_| {
                mill.garment_serial += 1;
                ids::sgtin(&mill.party.gcp, item::GARMENT + model, mill.garment_serial)
            })
            .collect();
        let e = events::knitting(
            &clock,
            t_cur,
            &(current.0.clone(), consumed),
            garments.clone(),
            garment_g,
            &site,
        );
        world.emit(Process::Knitting, t_cur, e);
        let t_pack = t_cur + DAY;
        for chunk in garments.chunks(k.case_size as usize) {
            let mill = &mut world.mills[p];
            mill.case_serial += 1;
            let case = ids::sscc(&mill.party.gcp, mill.case_serial);
            mill.cases.push((case.clone(), t_pack));
            let e = events::packing(&clock, t_pack, &case, chunk, &site);
            world.emit(Process::Packing, t_pack, e);
            world.manifest().cases.push(case);
        }
        let m = world.manifest();
        m.mass_g.knitted_yarn_in += consumed;
        m.mass_g.garments += n * garment_g;
        m.garments.extend(garments);
        while world.mills[p].cases.len() >= k.cases_per_shipment as usize {
            ship_cases(world, p);
        }
    }
    current.1 = left;
    world.manifest().mass_g.yarn_left += current.1;
    true
}

/// Sells a whole lot abroad (dehaired fibre or yarn): the seller's shipping event.
fn export(world: &mut World, p: usize, lot: &(String, u64), t: Minutes, process: Process) {
    let buyers = usize::from(world.season.knobs.buyers);
    let base = world.season.base_uri.clone();
    let mill = &mut world.mills[p];
    let b = ids::buyer(mill.rng.gen_range(0..buyers));
    let t = after(&mut mill.rng, t, 5, 20);
    mill.sales += 1;
    let po = ids::transaction(&base, "po", &format!("{}-{:06}", b.gcp, mill.sales));
    let inv = ids::transaction(
        &base,
        "inv",
        &format!("{}-{:06}", mill.party.gcp, mill.sales),
    );
    let e = events::transfer(
        &world.clock,
        t,
        &Transfer {
            process,
            receiving: false,
            goods: Goods::Lots(std::slice::from_ref(lot)),
            from: &mill.party.id,
            to: &b.id,
            site: &mill.party.site,
            po: &po,
            inv: &inv,
        },
    );
    world.emit(process, t, e);
}

/// Ships up to a shipment's worth of packed cases to a brand; the brand records the receipt.
fn ship_cases(world: &mut World, p: usize) {
    let k = world.season.knobs.clone();
    let base = world.season.base_uri.clone();
    let mill = &mut world.mills[p];
    let n = mill.cases.len().min(k.cases_per_shipment as usize);
    let batch: Vec<(String, Minutes)> = mill.cases.drain(..n).collect();
    let packed = batch.iter().map(|(_, t)| *t).max().unwrap_or(0);
    let cases: Vec<String> = batch.into_iter().map(|(c, _)| c).collect();
    let brand = ids::brand(mill.rng.gen_range(0..usize::from(k.brands)));
    let t_ship = after(&mut mill.rng, packed, 1, 4);
    let t_recv = after(&mut mill.rng, t_ship, 3, 12);
    mill.sales += 1;
    let po = ids::transaction(&base, "po", &format!("{}-{:06}", brand.gcp, mill.sales));
    let inv = ids::transaction(
        &base,
        "inv",
        &format!("{}-{:06}", mill.party.gcp, mill.sales),
    );
    let (from, seller_site) = (mill.party.id.clone(), mill.party.site.clone());
    for (receiving, t, site) in [(false, t_ship, &seller_site), (true, t_recv, &brand.site)] {
        let e = events::transfer(
            &world.clock,
            t,
            &Transfer {
                process: Process::Shipping,
                receiving,
                goods: Goods::Epcs(&cases),
                from: &from,
                to: &brand.id,
                site,
                po: &po,
                inv: &inv,
            },
        );
        world.emit(Process::Shipping, t, e);
    }
}
