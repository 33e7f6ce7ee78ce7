#!/usr/bin/env python3
"""Derive the small tables nooluur-climate embeds, from /work/shared/data/mongolia.

Python 3 standard library only. Run from anywhere:
    python3 crates/climate/data/derive.py [SHARED_DATA_DIR]
Writes TSV files next to this script. Every aimag name is mapped to its 2-digit NSO code
through crates/mongolia/data/aimags.tsv (English name + alt_names); an unmapped name is fatal.
"""
import csv
import json
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../../../shared/data/mongolia")
DZUD = os.path.join(SHARED, "mongolia-dzud-drought")
PRISM = os.path.join(SHARED, "wfp-prism-app")
AIMAGS_TSV = os.path.join(HERE, "../../mongolia/data/aimags.tsv")


def aimag_names():
    names = {}
    with open(AIMAGS_TSV, encoding="utf-8") as f:
        rows = [l.rstrip("\n").split("\t") for l in f if not l.startswith("#")]
    header = rows[0]
    for r in rows[1:]:
        rec = dict(zip(header, r))
        for n in [rec["name_en"], rec["name_mn"]] + [x for x in rec["alt_names"].split("|") if x]:
            names[n.lower()] = rec["code"]
    return names


NAMES = aimag_names()


def code_of(name):
    code = NAMES.get(name.strip().lower())
    if code is None:
        sys.exit(f"derive.py: aimag name {name!r} does not map to an NSO code")
    return code


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def write(name, comment, header, rows):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
        for c in comment:
            f.write(f"# {c}\n")
        f.write("\t".join(header) + "\n")
        for r in rows:
            f.write("\t".join("" if v is None else str(v) for v in r) + "\n")


def rnd(s, places):
    """Round a decimal string to `places` decimals; empty stays empty."""
    if s == "":
        return ""
    v = round(float(s), places)
    out = f"{v:.{places}f}"
    return "0." + "0" * places if out.startswith("-0.") and float(out) == 0 else out


def panel():
    rows = read_csv(os.path.join(DZUD, "mortality_panel.csv"))
    h = rows[0]
    ix = {c: i for i, c in enumerate(h)}
    out = []
    for r in rows[1:]:
        g = lambda c: r[ix[c]]
        all_sfu = float(g("All_SFU"))
        # Rounding must not move any row across the 6 % threshold the model predicts.
        assert abs(all_sfu - 0.06) > 5e-7, r
        out.append([
            code_of(g("Aimag")), g("Aimag"), g("Year"),
            rnd(g("Mort_hor"), 5), rnd(g("Mort_cat"), 5), rnd(g("Mort_cam"), 5),
            rnd(g("Mort_sheep"), 5), rnd(g("Mort_goat"), 5), rnd(g("All_SFU"), 6),
            rnd(g("SPEI_PrevSummer"), 4), rnd(g("Temp_Winter"), 3), rnd(g("Temp_Winter_Z_study"), 4),
        ])
    out.sort(key=lambda r: (int(r[0]), int(r[2])))
    write("panel.tsv", [
        "Aimag x winter panel 1992-2024 (Year = calendar year the winter ends). Derived by derive.py",
        "from mongolia-dzud-drought mortality_panel.csv (NSO mortality; ERA5-Drought SPEI-3; ERA5 DJF",
        "temperature). Mortality fractions to 5-6 decimals, SPEI 4, temperature 3 (degC), z 4.",
        "aimag_code: 2-digit NSO code. Empty cell: no data in the source.",
    ], ["aimag_code", "Aimag", "Year", "Mort_hor", "Mort_cat", "Mort_cam", "Mort_sheep", "Mort_goat",
        "All_SFU", "SPEI_PrevSummer", "Temp_Winter", "Temp_Winter_Z_study"], out)


def national_sfu():
    rows = read_csv(os.path.join(DZUD, "livestock_population_national_species.csv"))
    ix = {c: i for i, c in enumerate(rows[0])}
    out = [[r[ix["Year"]], rnd(r[ix["SFU_units"]], 5)] for r in rows[1:]]
    write("national_sfu.tsv", [
        "National sheep forage units, million SU (SFU_units = 7 horse + 6 cattle + 5 camel + sheep",
        "+ 0.9 goat), from mongolia-dzud-drought livestock_population_national_species.csv (NSO).",
    ], ["Year", "SFU_units"], out)


def aimag_area():
    rows = read_csv(os.path.join(SHARED, "derived", "aimag_reference.csv"))
    ix = {c: i for i, c in enumerate(rows[0])}
    out = []
    for r in rows[1:]:
        code = r[ix["adm1_pcode"]][2:]
        assert code == code_of(r[ix["aimag_en"]]), r
        out.append([code, r[ix["aimag_en"]], str(round(float(r[ix["area_km2"]])))])
    out.sort(key=lambda r: int(r[0]))
    write("aimag_area.tsv", [
        "Aimag area, km2 (whole territory, not pasture only), from shared derived/aimag_reference.csv",
        "(Wikipedia figures via whereig.com), rounded to whole km2.",
    ], ["aimag_code", "Aimag", "area_km2"], out)


def soum_code(v):
    s = str(v).strip()
    s = s[2:] if s.startswith("MN") else s
    assert len(s) == 5 and s.isdigit(), v
    return s


def nso_values(rel):
    data = json.load(open(os.path.join(PRISM, "nso", rel), encoding="utf-8"))["DataList"]
    out = {}
    for r in data:
        v = r["DTVAL_CO"]
        if v is None or v == "":
            continue
        out[soum_code(r["CODE"])] = float(v)
    return out


def num(v, places):
    if v is None:
        return ""
    s = f"{v:.{places}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def soum_hay():
    harvest = nso_values("NSO_Hay_Harvest_Admin2.json")
    fodder = {}
    rows = read_csv(os.path.join(PRISM, "tables", "NSO_Hay_Fodder_Harvest_Admin2.csv"))
    for r in rows[2:]:
        if r[6] == "Fodder crops" and r[7] != "":
            fodder[soum_code(r[0])] = float(r[7])
    hay_res = nso_values("mVAM_Hay_Reserves.json")
    fod_res = nso_values("mVAM_Fodder_Reserves.json")
    price = nso_values("mVAM_Hay_Price.json")
    codes = sorted(set(harvest) | set(fodder) | set(hay_res) | set(fod_res) | set(price))
    out = [[c, num(harvest.get(c), 2), num(fodder.get(c), 2), num(hay_res.get(c), 2),
            num(fod_res.get(c), 2), num(price.get(c), 0)] for c in codes]
    write("soum_hay.tsv", [
        "Soum hay and fodder, 2019. hay_harvest_t / fodder_crops_t: NSO DT_NSO_1001_038V3 (tonnes)",
        "via WFP PRISM NSO_Hay_Harvest_Admin2.json and NSO_Hay_Fodder_Harvest_Admin2.csv.",
        "mvam_*: WFP mVAM household survey 2019 via PRISM mVAM_*.json, only some soums: hay and fodder",
        "reserves (tonnes; the files do not say whether per household or per soum) and hay price",
        "(MNT per bale). Empty: not in the source.",
    ], ["soum_code", "hay_harvest_t", "fodder_crops_t", "mvam_hay_reserve_t",
        "mvam_fodder_reserve_t", "mvam_hay_price_mnt_bale"], out)


MONTHS = {m: i + 1 for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])}


def month_key(label):
    m, y = label.split("-")
    return f"20{y}-{MONTHS[m]:02d}"


def hay_price():
    rows = read_csv(os.path.join(PRISM, "tables", "NSO_Bale_Hay_Price_Monthly_Admin1.csv"))
    months = [month_key(x) for x in rows[1][2:]]
    out = []
    for r in rows[2:]:
        if r[1] in ("Average", "High", "Low"):
            continue  # the national rows are read from the _Avg file below
        code = code_of(r[1])
        for m, v in zip(months, r[2:]):
            if v.strip():
                out.append([code, m, str(round(float(v)))])
    rows = read_csv(os.path.join(PRISM, "tables", "NSO_Bale_Hay_Price_Monthly_Avg.csv"))
    for r in rows[2:]:
        if r[1] == "Average":
            for m, v in zip(months, r[2:]):
                if v.strip():
                    out.append(["00", m, str(round(float(v)))])
    out.sort(key=lambda r: (int(r[0]), r[1]))
    write("aimag_hay_price.tsv", [
        "Price of a bale of hay, MNT, by aimag and month, Dec 2018 - Apr 2020 (NSO via WFP PRISM",
        "NSO_Bale_Hay_Price_Monthly_Admin1.csv). aimag_code 00 = national average",
        "(NSO_Bale_Hay_Price_Monthly_Avg.csv). Months without a figure are omitted.",
    ], ["aimag_code", "month", "mnt_per_bale"], out)


def goat_price():
    rows = read_csv(os.path.join(PRISM, "tables", "2021-02-06", "NSO_Goat_Price_Monthly_2021.csv"))
    months = rows[1][3:]
    autumn = [i for i, m in enumerate(months) if m.split("-")[0] in ("Sep", "Oct", "Nov")]
    by_aimag = {}
    for r in rows[2:]:
        code = soum_code(r[2])[1:3]
        vals = [float(r[3 + i]) for i in autumn if r[3 + i].strip()]
        if vals:
            by_aimag.setdefault(code, []).append(statistics.median(vals))
    out = [[c, str(round(statistics.median(v))), str(len(v))] for c, v in sorted(by_aimag.items())]
    write("aimag_goat_price.tsv", [
        "Adult goat price, autumn (Sep-Nov) 2021: median over soums of each soum's median month, in",
        "thousand MNT per head (the unit is inferred from the values, not confirmed). From NSO via WFP",
        "PRISM NSO_Goat_Price_Monthly_2021.csv. soums: number of soums with a price.",
    ], ["aimag_code", "thousand_mnt_per_head", "soums"], out)


def spei_latest():
    """JJA SPEI-3 of the latest summer, which the panel (prior summer of each winter) lacks:
    the autumn outlook for the next winter needs it."""
    rows = read_csv(os.path.join(DZUD, "spei3_jja_aimag_1950_2024.csv"))
    ix = {c: i for i, c in enumerate(rows[0])}
    last = max(int(r[ix["Year"]]) for r in rows[1:])
    out = [[code_of(r[ix["Aimag"]]), r[ix["Aimag"]], r[ix["Year"]], rnd(r[ix["JJA_Mean_SPEI3"]], 4)]
           for r in rows[1:] if int(r[ix["Year"]]) == last]
    out.sort(key=lambda r: int(r[0]))
    write("spei_latest.tsv", [
        "June-August SPEI-3 of the latest summer in the source (area-weighted aimag mean), from",
        "mongolia-dzud-drought spei3_jja_aimag_1950_2024.csv (ERA5-Drought SPEI-3). Year = summer.",
    ], ["aimag_code", "Aimag", "Year", "JJA_Mean_SPEI3"], out)


if __name__ == "__main__":
    panel()
    spei_latest()
    national_sfu()
    aimag_area()
    soum_hay()
    hay_price()
    goat_price()
