//! `nooluur quality`: grading a measured result under a published scheme, offline, over the pure
//! `quality` crate.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use quality::{Measurements, Milli, Registry};

#[derive(Debug, Subcommand)]
pub enum QualityCommand {
    /// Grade measurements under a scheme and explain the verdict rule by rule (JSON).
    Grade(GradeArgs),
    /// List the grading schemes (JSON: name, version, kind, status, source).
    Schemes(SchemeFiles),
}

#[derive(Debug, Args)]
pub struct SchemeFiles {
    /// Extra scheme files (TOML) to load; one with the name of a built-in scheme replaces it.
    #[arg(long = "scheme-file", value_name = "PATH")]
    files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
// A negative value is out of range, and saying so beats clap's "unexpected argument".
#[command(allow_negative_numbers = true)]
pub struct GradeArgs {
    /// The scheme's name (see `nooluur quality schemes`), or the path of a scheme file.
    #[arg(long)]
    scheme: String,
    /// Mean fibre diameter, µm.
    #[arg(long, value_name = "UM")]
    mfd: Option<Milli>,
    /// Coefficient of variation of diameter, %.
    #[arg(long, value_name = "PCT")]
    cv: Option<Milli>,
    /// Fibres over 30 µm, % by weight.
    #[arg(long, value_name = "PCT")]
    over30: Option<Milli>,
    /// Mean fibre length, mm.
    #[arg(long, value_name = "MM")]
    length: Option<Milli>,
    /// Standard deviation of diameter, µm.
    #[arg(long, value_name = "UM")]
    sd: Option<Milli>,
    /// Clean yield, %.
    #[arg(long = "yield", value_name = "PCT")]
    clean_yield: Option<Milli>,
    /// Coarse hair, % by weight.
    #[arg(long, value_name = "PCT")]
    coarse_hair: Option<Milli>,
    /// Natural colour class (white, light-grey, grey, red, brown).
    #[arg(long, value_name = "C")]
    colour: Option<String>,
    #[command(flatten)]
    files: SchemeFiles,
}

fn registry(files: &SchemeFiles) -> Result<Registry> {
    let mut r = quality::registry().context("the built-in schemes do not load")?;
    for f in &files.files {
        load(&mut r, f)?;
    }
    Ok(r)
}

fn load(r: &mut Registry, path: &Path) -> Result<String> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let scheme = quality::Scheme::from_toml(&text)
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("scheme file {}", path.display()))?;
    let name = scheme.name.clone();
    r.insert(scheme);
    Ok(name)
}

pub fn run(c: QualityCommand) -> Result<()> {
    match c {
        QualityCommand::Schemes(files) => {
            let r = registry(&files)?;
            println!("{}", serde_json::to_string_pretty(&r.summaries())?);
        }
        QualityCommand::Grade(a) => {
            let mut r = registry(&a.files)?;
            let name = if r.get(&a.scheme).is_none() && Path::new(&a.scheme).is_file() {
                load(&mut r, Path::new(&a.scheme))?
            } else {
                a.scheme.clone()
            };
            let scheme = r.resolve(&name).map_err(anyhow::Error::msg)?;
            let colour = match a.colour.as_deref() {
                None => None,
                Some(c) => match quality::parse_colour(c) {
                    Some(c) => Some(c),
                    None => bail!(
                        "--colour '{c}' is not a colour class (white, light-grey, grey, red, brown)"
                    ),
                },
            };
            let m = Measurements {
                mfd_um: a.mfd,
                cv_pct: a.cv,
                over30_pct: a.over30,
                length_mm: a.length,
                sd_um: a.sd,
                yield_pct: a.clean_yield,
                coarse_hair_pct: a.coarse_hair,
                colour,
                ..Measurements::default()
            };
            m.validate(&quality::Tolerances::default())
                .map_err(anyhow::Error::msg)
                .context("the measurements are not physically possible")?;
            println!(
                "{}",
                serde_json::to_string_pretty(&quality::grade(scheme, &m))?
            );
        }
    }
    Ok(())
}
