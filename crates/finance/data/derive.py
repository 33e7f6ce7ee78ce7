#!/usr/bin/env python3
"""Derive the mortality tables the insurance hindcast can use, from the shared data.

Usage: python3 crates/finance/data/derive.py [SHARED_DIR]   (default: ../shared relative to the
repository root, i.e. /work/shared)

Inputs (see SOURCES.md):
  SHARED/data/mongolia/mongolia-dzud-drought/mortality_rates_aimag.csv
      Aimag, Year, Mort_hor, Mort_cat, Mort_cam, Mort_sheep, Mort_goat (deaths_t / stock_{t-1})
  SHARED/data/mongolia/mongolia-dzud-drought/livestock_losses_national_annual.csv   (million head)
  SHARED/data/mongolia/mongolia-dzud-drought/livestock_population_national_species.csv (million head)
  crates/mongolia/data/aimags.tsv   (the project's own aimag table: names -> NSO codes)

Outputs (millionths of the prior-year stock, rounded half up; empty = no figure):
  mortality_aimag.tsv     aimag_code, year, camel, cattle, goat, horse, sheep
  mortality_national.tsv  year, camel, cattle, goat, horse, sheep
      national = deaths_t / population_{t-1}, computed here with exact decimals from the two
      national files (the floats they hold, e.g. 0.13340000000000002, are read as written).

Only Python 3 stdlib. Rates are checked to lie in [0, 1]; 21 aimags x 33 years are expected.
"""
import csv
import sys
from decimal import Decimal, ROUND_HALF_UP
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared"
DZUD = SHARED / "data" / "mongolia" / "mongolia-dzud-drought"
SPECIES = ["camel", "cattle", "goat", "horse", "sheep"]
AIMAG_COLS = {"camel": "Mort_cam", "cattle": "Mort_cat", "goat": "Mort_goat",
              "horse": "Mort_hor", "sheep": "Mort_sheep"}


def ppm(d):
    v = (d * 1_000_000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert 0 <= v <= 1_000_000, d
    return int(v)


def aimag_codes():
    codes = {}
    with open(ROOT / "crates" / "mongolia" / "data" / "aimags.tsv", encoding="utf-8") as f:
        rows = [l for l in f if not l.startswith("#")]
    for r in csv.DictReader(rows, delimiter="\t"):
        for name in [r["name_en"], r["name_mn"]] + [n for n in r["alt_names"].split("|") if n]:
            codes[name.lower()] = int(r["code"])
    return codes


def main():
    codes = aimag_codes()
    out = []
    with open(DZUD / "mortality_rates_aimag.csv", newline="") as f:
        for r in csv.DictReader(f):
            code = codes[r["Aimag"].lower()]
            cells = [str(ppm(Decimal(r[AIMAG_COLS[s]]))) if r[AIMAG_COLS[s]] else "" for s in SPECIES]
            out.append((code, int(r["Year"]), cells))
    out.sort()
    assert len(out) == 21 * 33 and len({c for c, _, _ in out}) == 21, len(out)
    with open(HERE / "mortality_aimag.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write("# Livestock mortality by aimag, species and year: deaths / prior-year stock, in millionths.\n")
        f.write("# Derived by derive.py from mongolia-dzud-drought (NSO figures); see SOURCES.md.\n")
        f.write("aimag_code\tyear\t" + "\t".join(SPECIES) + "\n")
        for code, year, cells in out:
            f.write(f"{code:02d}\t{year}\t" + "\t".join(cells) + "\n")

    def read(name):
        with open(DZUD / name, newline="") as f:
            return {int(r["Year"]): {k.lower(): Decimal(v) for k, v in r.items() if k != "Year"}
                    for r in csv.DictReader(f)}
    losses, pop = read("livestock_losses_national_annual.csv"), read("livestock_population_national_species.csv")
    with open(HERE / "mortality_national.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write("# National livestock mortality by species and year: deaths_t / stock_{t-1}, in millionths.\n")
        f.write("# Derived by derive.py from mongolia-dzud-drought (NSO figures); see SOURCES.md.\n")
        f.write("year\t" + "\t".join(SPECIES) + "\n")
        for year in sorted(losses):
            if year - 1 not in pop:
                continue
            cells = [str(ppm(losses[year][s] / pop[year - 1][s])) for s in SPECIES]
            f.write(f"{year}\t" + "\t".join(cells) + "\n")
    # Spot check against domain-facts §4.2: 2010 all-species national mortality 23.3 %.
    tot = sum(losses[2010][s] for s in SPECIES) / sum(pop[2009][s] for s in SPECIES)
    assert abs(tot - Decimal("0.233")) < Decimal("0.001"), tot


if __name__ == "__main__":
    main()
