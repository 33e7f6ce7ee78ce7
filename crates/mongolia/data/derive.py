#!/usr/bin/env python3
"""Derive the compact reference tables of crates/mongolia/data/ from the public source files.

Run from anywhere (Python 3.8+, standard library only):

    python3 crates/mongolia/data/derive.py [SHARED_DIR]

SHARED_DIR defaults to the `shared` folder beside the repository (`../shared` from the repository
root). The script reads only these source files (see SOURCES.md for where they come from):

    data/mongolia/wfp-prism-app/mng_adm1_nso_match_1212_mn.json      aimag codes, names, regions
    data/mongolia/derived/aimag_reference.csv                         ISO codes, English names, centres
    data/mongolia/wfp-prism-app/nso/NSO_Herder_HHs_Admin2.json        herder households 2019
    data/mongolia/wfp-prism-app/nso/2022-02-06/NSO_Herder_HHs_Admin2.json   herder households 2020
    data/mongolia/wfp-prism-app/nso/NSO_Livestock_Count_Admin2.json   livestock per soum 2019 (head)
    data/mongolia/wfp-prism-app/nso/2022-02-06/NSO_Livestock_Count_ths_Admin2.json  2020 (thousand head)
    data/mongolia/mongolia-dzud-drought/livestock_population_aimag_species.csv   aimag x species x year
    data/mongolia/mongolia-dzud-drought/livestock_population_national_species.csv  national x species x year

and writes, next to this script, tab-separated tables that the crate embeds with include_str!:

    aimags.tsv            one row per aimag (21) and Ulaanbaatar
    soums.tsv             one row per soum / UB district (339), with an ESTIMATED goat count
    aimag_livestock.tsv   livestock by aimag, year and species (thousand head, as the source gives it)
    national_livestock.tsv  national livestock by year and species (thousand head, 0.1 precision)

The goat estimate of a soum is `round_half_up(livestock_2019 * goats / all_species)`, with `goats`
and `all_species` the aimag's 2019 thousand-head figures of livestock_population_aimag_species.csv:
the NSO soum table we have gives only the total head count, so the soum is assumed to keep the
same species mix as its aimag. It is an estimate, and every name that carries it says so.

The script checks what it can against the sources (national sums, aimag sums, code consistency)
and stops with an error when a check fails. Re-running it on unchanged sources gives identical
files; the crate's tests re-derive the soum table from the sources when they are present.
"""

import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPECIES = ["camel", "cattle", "goat", "horse", "sheep"]

# Spellings of aimag names in the source files, keyed by the 2-digit NSO aimag code. The dzud
# repository and the PRISM boundaries each use their own romanisation; the crate keeps them as
# alternative names so that other tables can be joined by name.
DZUD_NAMES = {
    "65": "Arkhangai", "83": "Bayan-Ulgii", "64": "Bayankhongor", "63": "Bulgan",
    "45": "Darkhan-Uul", "21": "Dornod", "44": "Dornogovi", "48": "Dundgovi",
    "82": "Govi-Altai", "42": "Govisumber", "23": "Khentii", "84": "Khovd",
    "67": "Khuvsgul", "46": "Umnugovi", "61": "Orkhon", "62": "Uvurkhangai",
    "43": "Selenge", "22": "Sukhbaatar", "41": "Tuv", "85": "Uvs", "81": "Zavkhan",
    "11": "Ulaanbaatar",
}
REGIONS = {"1": "Western", "2": "Khangai", "3": "Central", "4": "Eastern", "5": "Ulaanbaatar"}


def fail(msg):
    sys.exit("derive.py: " + msg)


def load_list(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["DataList"]


def soum_code(v):
    s = str(v)
    if s.startswith("MN"):
        s = s[2:]
    if len(s) != 5 or not s.isdigit():
        fail("bad soum code %r" % (v,))
    return s


def tenths(s):
    """'1708.4' -> 17084 (a decimal with at most one fractional digit, exactly)."""
    whole, _, frac = s.partition(".")
    if len(frac) > 1:
        fail("more than one decimal in %r" % s)
    return int(whole) * 10 + (int(frac) if frac else 0)


def fmt_tenths(t):
    return "%d.%d" % (t // 10, t % 10)


def derive(shared):
    mn = os.path.join(shared, "data", "mongolia")
    prism = os.path.join(mn, "wfp-prism-app")

    # --- aimags -------------------------------------------------------------------------------
    with open(os.path.join(prism, "mng_adm1_nso_match_1212_mn.json"), encoding="utf-8") as f:
        features = json.load(f)["features"]
    boundary = {}
    for ft in features:
        p = ft["properties"]
        code2 = p["ADM1_PCODE"][2:]
        if p["NSO_CODE"][1:] != code2:
            fail("NSO_CODE %s does not end in pcode %s" % (p["NSO_CODE"], p["ADM1_PCODE"]))
        boundary[code2] = p
    with open(os.path.join(mn, "derived", "aimag_reference.csv"), encoding="utf-8") as f:
        reference = {r["adm1_pcode"][2:]: r for r in csv.DictReader(f)}
    if set(boundary) != set(reference):
        fail("aimag codes differ between boundaries and aimag_reference.csv")

    aimag_rows = []
    for code2 in sorted(boundary, key=lambda c: boundary[c]["NSO_CODE"]):
        p, r = boundary[code2], reference[code2]
        region = p.get("Region_Code") or r["region_code"]
        if r["nso_aimag_code"] != p["NSO_CODE"] or r["region_code"] != region:
            fail("aimag %s: reference and boundaries disagree" % code2)
        alt = []
        for name in (p["ADM1_EN"], p.get("ADM1_REF"), DZUD_NAMES[code2]):
            if name and name != r["aimag_en"] and name not in alt:
                alt.append(name)
        aimag_rows.append([
            code2, p["NSO_CODE"], r["iso_3166_2"], region, r["aimag_en"], p["ADM1_MN"],
            "|".join(alt), r["centre_en"], r["centre_lat"], r["centre_lon"],
        ])
    aimag_codes = {row[0] for row in aimag_rows}

    # --- aimag and national livestock ------------------------------------------------------
    by_name = {v: k for k, v in DZUD_NAMES.items()}
    livestock = {}  # (code2, year) -> {species: tenths of thousand head}
    with open(os.path.join(mn, "mongolia-dzud-drought", "livestock_population_aimag_species.csv"),
              encoding="utf-8") as f:
        for r in csv.DictReader(f):
            code2 = by_name.get(r["Aimag"])
            if code2 is None:
                continue  # region rows are sums of aimags
            livestock.setdefault((code2, int(r["Year"])), {})[r["Species"].lower()] = tenths(
                r["Thousand_head"])
    if {c for c, _ in livestock} != aimag_codes:
        fail("aimag livestock names do not cover the aimags")
    livestock_rows = []
    for (code2, year) in sorted(livestock, key=lambda k: (k[1], k[0])):
        sp = livestock[(code2, year)]
        livestock_rows.append([code2, str(year)] + [
            fmt_tenths(sp[s]) if s in sp else "" for s in SPECIES])

    national_rows = []
    with open(os.path.join(mn, "mongolia-dzud-drought", "livestock_population_national_species.csv"),
              encoding="utf-8") as f:
        for r in csv.DictReader(f):
            # million head with float noise (27.346700000000002) -> thousand head, 0.1 precision
            national_rows.append([r["Year"]] + [
                fmt_tenths(int(round(float(r[s.capitalize()]) * 10000))) for s in SPECIES])

    # --- soums --------------------------------------------------------------------------------
    hh19 = {soum_code(r["CODE"]): int(r["DTVAL_CO"]) for r in
            load_list(os.path.join(prism, "nso", "NSO_Herder_HHs_Admin2.json"))}
    hh20 = {soum_code(r["CODE"]): int(r["DTVAL_CO"]) for r in
            load_list(os.path.join(prism, "nso", "2022-02-06", "NSO_Herder_HHs_Admin2.json"))}
    ls19_rows = load_list(os.path.join(prism, "nso", "NSO_Livestock_Count_Admin2.json"))
    ls19 = {soum_code(r["CODE"]): int(r["DTVAL_CO"]) for r in ls19_rows}
    names = {soum_code(r["CODE"]): (r["SCR_ENG"], r["SCR_MN"]) for r in ls19_rows}
    ls20 = {}
    for r in load_list(os.path.join(prism, "nso", "2022-02-06",
                                    "NSO_Livestock_Count_ths_Admin2.json")):
        # thousand head with three decimals: whole head, written as a float
        ls20[soum_code(r["CODE"])] = int(round(float(r["DTVAL_CO"]) * 1000))
    if sum(hh19.values()) != 171107 or sum(hh20.values()) != 180563:
        fail("national herder households differ from 171,107 / 180,563")
    if sum(ls19.values()) != 70969315:
        fail("2019 livestock does not sum to 70,969,315")
    if set(hh19) != set(hh20) or not set(hh19) <= set(ls19) or not set(ls20) <= set(ls19):
        fail("soum code sets disagree")

    soum_rows = []
    for code in sorted(ls19):
        code2 = code[1:3]
        if code2 not in aimag_codes or boundary[code2]["NSO_CODE"] != code[:3]:
            fail("soum %s: no aimag %s" % (code, code2))
        sp = livestock[(code2, 2019)]
        goats, total = sp["goat"], sum(sp.values())
        # round half up, in integers, so that the Rust side can recompute it exactly
        goats_est = (2 * ls19[code] * goats + total) // (2 * total)
        en, mnname = names[code]
        soum_rows.append([
            code, code2, en, mnname, str(hh19.get(code, 0)), str(hh20.get(code, 0)),
            str(ls19[code]), str(ls20.get(code, 0)), str(goats_est),
        ])

    # aimag sums of the soum table must agree with the derived aimag file
    with open(os.path.join(mn, "derived", "aimag_livestock_herders_2019_2020.csv"),
              encoding="utf-8") as f:
        for r in csv.DictReader(f):
            code2 = r["adm1_pcode"][2:]
            rows = [s for s in soum_rows if s[1] == code2]
            got = [sum(int(s[i]) for s in rows) for i in (6, 7, 4, 5)]
            want = [int(r[k]) for k in ("livestock_head_2019", "livestock_head_2020",
                                         "herder_households_2019", "herder_households_2020")]
            if got != want:
                fail("aimag %s sums %s differ from %s" % (code2, got, want))

    return {
        "aimags.tsv": (
            ["# Aimags of Mongolia and Ulaanbaatar. Derived by derive.py; sources in SOURCES.md.",
             "# code: 2-digit NSO aimag code (ADM1_PCODE without MN); nso_code: region digit + code;",
             "# region: 1 Western, 2 Khangai, 3 Central, 4 Eastern, 5 Ulaanbaatar;",
             "# alt_names: other romanisations in the sources, |-separated; centre: approximate."],
            ["code", "nso_code", "iso_3166_2", "region", "name_en", "name_mn", "alt_names",
             "centre_en", "centre_lat", "centre_lon"],
            aimag_rows),
        "soums.tsv": (
            ["# Soums and Ulaanbaatar districts (NSO 5-digit codes). Derived by derive.py; sources in",
             "# SOURCES.md. herder_households_*: NSO DT_NSO_1001_027V1 (0 = not listed);",
             "# livestock_*: NSO DT_NSO_1001_021V1 total head; goats_estimated_2019 is an ESTIMATE:",
             "# livestock_2019 x the aimag's 2019 goat share (dzud repository), rounded half up."],
            ["code", "aimag", "name_en", "name_mn", "herder_households_2019",
             "herder_households_2020", "livestock_2019", "livestock_2020", "goats_estimated_2019"],
            soum_rows),
        "aimag_livestock.tsv": (
            ["# Livestock by aimag, year and species, thousand head (empty = no data). Derived by",
             "# derive.py from the dzud repository's livestock_population_aimag_species.csv (NSO).",
             "# Source quirk: the Ulaanbaatar (11) rows are about twice the true value."],
            ["aimag", "year"] + SPECIES,
            livestock_rows),
        "national_livestock.tsv": (
            ["# National livestock by year and species, thousand head (0.1 precision). Derived by",
             "# derive.py from the dzud repository's livestock_population_national_species.csv (NSO)."],
            ["year"] + SPECIES,
            national_rows),
    }


def render(comments, header, rows):
    lines = comments + ["\t".join(header)] + ["\t".join(r) for r in rows]
    for r in rows:
        if any("\t" in c or "\n" in c for c in r):
            fail("a cell contains a tab or newline: %r" % (r,))
    return "\n".join(lines) + "\n"


def main():
    default = os.path.join(HERE, "..", "..", "..", "..", "shared")
    shared = sys.argv[1] if len(sys.argv) > 1 else default
    for name, (comments, header, rows) in derive(shared).items():
        with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(render(comments, header, rows))
        print("wrote %s (%d rows)" % (name, len(rows)))


if __name__ == "__main__":
    main()
