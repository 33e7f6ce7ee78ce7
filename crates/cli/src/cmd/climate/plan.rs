//! `nooluur dzud plan`: a soum's or a household's winter fodder plan with the risk it was
//! made for and its text messages.

use super::*;

/// The risk class a plan is made for: the outlook of the soum's aimag, and what it came from.
#[derive(Debug, Serialize)]
struct Risk {
    mode: Mode,
    train_until: u16,
    /// The year the winter ends.
    year: u16,
    aimag_code: String,
    input_source: InputSource,
    #[serde(flatten)]
    prediction: Prediction,
    basis: String,
}

/// A plan as printed: the library's plan, the risk it was made for and the place's names.
#[derive(Debug, Serialize)]
struct PlanOut {
    #[serde(flatten)]
    plan: Plan,
    risk: Risk,
    soum_name: Option<String>,
    aimag_name: Option<String>,
    /// The text message in the language asked for with `--lang`.
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

fn risk(data: &Dataset, soum: u32, winter: u16, train_until: u16) -> Result<Risk> {
    let model = Model::fit(data, train_until, Mode::Outlook)?;
    let (inputs, source) = Inputs::for_soum(data, soum, winter)?;
    let aimag_code = format!("{:02}", inputs.aimag_code);
    let name = registry::aimag(&aimag_code)
        .ok()
        .and_then(|a| a["name_en"].as_str().map(|n| format!(" ({n})")))
        .unwrap_or_default();
    let own = match source {
        InputSource::Aimag => "; the soum has no inputs of its own",
        InputSource::Soum => "",
    };
    Ok(Risk {
        mode: Mode::Outlook,
        train_until,
        year: winter,
        basis: format!(
            "autumn outlook of aimag {aimag_code}{name} for the winter {}, model fitted on \
             winters up to {}{own}",
            winter_name(winter),
            winter_name(train_until)
        ),
        aimag_code,
        input_source: source,
        prediction: model.predict(&inputs),
    })
}

pub(super) fn plan(a: PlanArgs) -> Result<()> {
    let rt = runtime()?;
    // The store is opened for a household, or when named; then its imports count.
    let app = match (&a.household, &a.db.db) {
        (None, None) => None,
        _ => Some(rt.block_on(a.db.open())?),
    };
    let tables = match &app {
        Some(app) => rt
            .block_on(nooluur_app::climate::dataset(app))
            .map_err(explain)?,
        None => Arc::new(ClimateData::embedded()),
    };
    let data = &tables.data;
    let until = year("--train-until", &a.train_until)?;
    let lang = match a.lang.as_deref().map(str::trim) {
        None => None,
        Some(l @ ("mn" | "en")) => Some(l.to_owned()),
        Some(other) => bail!("--lang '{other}' is not mn or en"),
    };
    let cfg = match &a.config {
        Some(path) => {
            PlanConfig::from_toml(&read(path)?).with_context(|| format!("{}", path.display()))?
        }
        None => PlanConfig::default(),
    };
    let kg = |flag: &str, v: &Option<String>| -> Result<u64> {
        v.as_deref()
            .map_or(Ok(0), |t| parse(flag, t, "a whole number of kilograms"))
    };
    let (hay, fodder) = (kg("--hay-kg", &a.hay_kg)?, kg("--fodder-kg", &a.fodder_kg)?);
    let winter = a.year.as_deref().map(|t| year("--year", t)).transpose()?;
    let next_winter = data.panel_years().map_or(2025, |(_, last)| last + 1);
    let (risk, plan) = match (&a.soum, &a.household) {
        (Some(code), None) => {
            if a.hay_kg.is_some() || a.fodder_kg.is_some() {
                bail!("--hay-kg and --fodder-kg apply to --household plans only");
            }
            let soum: u32 = parse("--soum", code, "an NSO soum code (5 digits, e.g. 18101)")?;
            let r = risk(data, soum, winter.unwrap_or(next_winter), until)?;
            let plan = climate::plan_for_soum(data, soum, r.year, &cfg, Some(r.prediction.class))?;
            (r, plan)
        }
        (None, Some(id)) => {
            let app = app
                .as_ref()
                .ok_or_else(|| anyhow!("no store for --household"))?;
            let (household, winter) =
                rt.block_on(household(app, id, winter, next_winter, hay, fodder))?;
            let r = risk(data, household.soum_code.unwrap_or(0), winter, until)?;
            let plan =
                climate::plan_for_household(data, &household, &cfg, Some(r.prediction.class))?;
            (r, plan)
        }
        _ => bail!("give --soum CODE or --household ID"),
    };
    let place = plan
        .soum_code
        .as_deref()
        .and_then(|c| registry::soum(c).ok());
    let name = |k: &str| {
        place
            .as_ref()
            .and_then(|s| s[k].as_str().map(str::to_owned))
    };
    let message = |l: &str| match l {
        "mn" => plan.message_mn.clone(),
        _ => plan.message_en.clone(),
    };
    let out = PlanOut {
        message: lang.as_deref().map(message),
        soum_name: name("name_en"),
        aimag_name: name("aimag_name_en"),
        risk,
        plan,
    };
    if a.json {
        return write_out(&format!("{}\n", serde_json::to_string_pretty(&out)?));
    }
    let mut text = String::new();
    print_plan(&mut text, &out)?;
    for l in ["en", "mn"] {
        if lang.as_deref().is_none_or(|x| x == l) {
            let m = if l == "mn" {
                &out.plan.message_mn
            } else {
                &out.plan.message_en
            };
            writeln!(text, "SMS ({l}, {} characters): {m}", m.chars().count())?;
        }
    }
    write_out(&text)
}

/// A household from the store, its herd entering the winter (the latest count before the
/// year the winter ends) and the reserves given on the command line.
async fn household(
    app: &App,
    id: &str,
    winter: Option<u16>,
    next_winter: u16,
    hay_kg: u64,
    fodder_kg: u64,
) -> Result<(Household, u16)> {
    let h = registry::household(app, id).await.map_err(explain)?;
    let herds = registry::herds(app, &h.id).await.map_err(explain)?;
    let soum: u32 = h
        .soum
        .parse()
        .map_err(|_| anyhow!("household {} has no valid soum code ({:?})", h.id, h.soum))?;
    // By default, the winter after the latest count (or after the data, if that is later).
    let winter = winter.unwrap_or_else(|| {
        herds
            .last()
            .and_then(|x| u16::try_from(x.year + 1).ok())
            .map_or(next_winter, |w| w.max(next_winter))
    });
    let Some(herd) = herds.iter().rev().find(|x| x.year < i32::from(winter)) else {
        bail!(
            "household {} has no herd count before the winter {}",
            h.id,
            winter_name(winter)
        );
    };
    let head = herd.head;
    let herd = Herd {
        horse: head.horse,
        cattle: head.cattle,
        camel: head.camel,
        sheep: head.sheep,
        goat: head.goat,
    };
    let household = Household {
        id: h.id,
        soum_code: Some(soum),
        herd,
        hay_kg,
        fodder_kg,
    };
    Ok((household, winter))
}

fn tonnes(kg: u64) -> String {
    format!("{}.{} t", kg / 1000, kg % 1000 / 100)
}

fn print_plan(out: &mut String, o: &PlanOut) -> std::fmt::Result {
    use PlanOption as O;
    let (p, r, h) = (&o.plan, &o.risk, &o.plan.herd);
    let soum = o.soum_name.as_deref().unwrap_or("?");
    let aimag = o.aimag_name.as_deref().unwrap_or("?");
    let place = match &p.soum_code {
        Some(code) if !p.subject.starts_with("soum") => format!("{soum} soum {code}, {aimag}"),
        _ => format!("{soum}, {aimag}"),
    };
    let (winter, est) = (
        winter_name(r.year),
        if p.species_estimated {
            " (estimated)"
        } else {
            ""
        },
    );
    writeln!(
        out,
        "Winter fodder plan: {} ({place} aimag), winter {winter}",
        p.subject
    )?;
    writeln!(
        out,
        "Dzud risk: class {}/5 (P(mortality > 6 %) = {:.2}), {}",
        r.prediction.class, r.prediction.probability, r.basis
    )?;
    writeln!(
        out,
        "Herd{est}: {} horse, {} cattle, {} camel, {} sheep, {} goat = {} sheep units",
        h.horse, h.cattle, h.camel, h.sheep, h.goat, p.sheep_units
    )?;
    writeln!(
        out,
        "Need {} ({} days × {} g/SU/day); reserves {}; gap {} costing {} MNT at {} MNT per {} kg \
         bale ({})",
        tonnes(p.need_kg),
        p.winter_days,
        p.ration_g_per_su_day,
        tonnes(p.reserves_kg),
        tonnes(p.gap_kg),
        p.gap_cost_mnt,
        p.hay_price_mnt_per_bale,
        p.bale_kg,
        p.hay_price_source
    )?;
    for option in &p.options {
        let line = match option {
            O::BuyHay {
                kg,
                bales,
                cost_mnt,
            } => {
                format!(
                    "buy hay now: {bales} bales ({}), {cost_mnt} MNT",
                    tonnes(*kg)
                )
            }
            O::SellGoats {
                goats,
                price_mnt_per_head: at,
                proceeds_mnt: cash,
                hay_to_buy_kg: buy,
                remaining_gap_kg: left,
                ..
            } => format!(
                "sell {goats} goats before winter at {at} MNT: {cash} MNT buys the {} of hay \
                 still needed (gap left {})",
                tonnes(*buy),
                tonnes(*left)
            ),
            O::Otor {
                days,
                saved_kg: saved,
                remaining_gap_kg: left,
                cost_mnt,
            } => format!(
                "otor for {days} days: saves {}, gap left {}, {cost_mnt} MNT with the move",
                tonnes(*saved),
                tonnes(*left)
            ),
        };
        writeln!(out, "  option: {line}")?;
    }
    for n in &p.notes {
        writeln!(out, "  note: {n}")?;
    }
    Ok(())
}
