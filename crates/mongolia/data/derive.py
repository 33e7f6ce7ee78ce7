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
    data/mongolia/wfp-prism-app/groundstations/longterm_data.json     stations, dekad normals

and writes, next to this script, tab-separated tables that the crate embeds with include_str!:

    aimags.tsv            one row per aimag (21) and Ulaanbaatar
    soums.tsv             one row per soum / UB district (339), with an ESTIMATED goat count
    aimag_livestock.tsv   livestock by aimag, year and species (thousand head, as the source gives it)
    national_livestock.tsv  national livestock by year and species (thousand head, 0.1 precision)
    stations.tsv          one row per weather station (343): aimag, soum, position, monthly normals

The goat estimate of a soum is `round_half_up(livestock_2019 * goats / all_species)`, with `goats`
and `all_species` the aimag's 2019 thousand-head figures of livestock_population_aimag_species.csv:
the NSO soum table we have gives only the total head count, so the soum is assumed to keep the
same species mix as its aimag. It is an estimate, and every name that carries it says so.

Stations (stations.tsv). The source gives each IRIMHE station's position, the height of a terrain
raster at it (`rasterheight`) and 36 long-term dekad (10-day) mean temperatures. The script keeps:

- aimag: the aimag whose boundary polygon (mng_adm1_nso_match_1212_mn.json) contains the station.
  The script checks it against the source's `aimagname` and its PRISM `aimagid` (a PRISM
  numbering, mapped to NSO codes by the aimag most of its stations name) and stops unless it
  agrees with at least one of them; it prints each disagreement.
- soum: the NSO soum of that aimag whose English or Mongolian name (soums.tsv) equals, once
  normalised (see `norm`), the source's `sumname`, else its station name `sname`. `sumname` is
  cut to 9 characters in the source, so a 9-character `sumname` also matches the one soum of the
  aimag whose name starts with it. A name that matches no soum, or several, leaves the soum
  empty: the script never guesses, and never looks outside the station's aimag. It prints how
  many stations it matched.
- lat, lon rounded half up to 5 decimals; elevation_m = `rasterheight` to 1 decimal;
  monthly means = mean of the month's 3 dekads, and winter_djf = mean of the 9 dekads of
  December, January and February, both to 0.01 degC (computed in exact hundredths: the source
  gives 2 decimals, so a mean of 3 or 9 of them is never a tie).
- A station whose 36 dekads are all 10000 (the source's "no data") keeps empty normals; any
  other value outside -50..40 degC stops the script.
- Every source row, duplicates included (the source lists some stations twice under two ids).

The script checks what it can against the sources (national sums, aimag sums, code consistency)
and stops with an error when a check fails. Re-running it on unchanged sources gives identical
files; the crate's tests re-derive the soum and station tables from the sources when they are
present.
"""

import csv
import decimal
import json
import re
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


# --- station names ---------------------------------------------------------------------------
# Romanisations differ between the station file (PRISM: x = kh, c = ts, CH, o' = ö, u' = ü, cut to
# 9 characters), the NSO English soum names (kh, ts, u for both o and ö) and the Mongolian names.
# `norm` maps them all to one skeleton: Cyrillic is transliterated first, then the Latin spelling
# is reduced (sh, ch, kh/h/x, ts/c, o/u/ö/ü, ye/e), apostrophes, hyphens and spaces are dropped,
# and runs of one vowel are collapsed (Ölgii/Olgi). Doubled consonants stay: Tsagaannuur and
# Tsagaan-Üür are two soums of Khövsgöl.
CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "ө": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "ö": "o", "ü": "u",
}
# Trailing words that are not part of a name: "Ölziit sum", "Darkhan khot", "Khangai region".
TRAILING = ("sum", "soum", "khot", "xot", "hot", "region", "bus")
PRISM_CUT = 9  # the source cuts `sumname` to this many characters


def norm(name, truncated=False):
    s = "".join(CYRILLIC.get(ch, ch) for ch in name.lower())
    s = s.split("/")[0]  # "Delger /Guulin/", "Khalkhgol /Su'mber/": the rest is a place in it
    words = [w for w in re.split(r"[^a-z'-]+", s) if w.strip("'-")]
    while len(words) > 1 and (words[-1] in TRAILING or (
            truncated and any(t.startswith(words[-1]) for t in TRAILING))):
        words.pop()
    s = "".join(words).replace("'", "").replace("-", "")
    for a, b in (("sh", "w"), ("ch", "q"), ("zh", "j"), ("kh", "x"), ("ts", "c"), ("h", "x"),
                 ("ye", "e"), ("o", "u")):
        s = s.replace(a, b)
    return re.sub(r"([aeiou])\1+", r"\1", s)


def hundredths(d):
    """An exact Decimal with at most 2 decimals -> integer hundredths."""
    h = d * 100
    if h != h.to_integral_value():
        fail("more than two decimals in %s" % d)
    return int(h)


def div_round(n, d):
    """n / d rounded to the nearest integer, halves away from zero (d > 0)."""
    q = (2 * abs(n) + d) // (2 * d)
    return q if n >= 0 else -q


def fmt_hundredths(h):
    return "%s%d.%02d" % ("-" if h < 0 else "", abs(h) // 100, abs(h) % 100)


def inside(lon, lat, polygon):
    """Even-odd ray casting over the rings (outer and holes) of one GeoJSON polygon."""
    c = False
    for ring in polygon:
        for i in range(len(ring)):
            x1, y1 = ring[i][0], ring[i][1]
            x2, y2 = ring[i - 1][0], ring[i - 1][1]
            if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                c = not c
    return c


# In hundredths: the source writes 10000 degC in all 36 dekads of a station without data.
NO_DATA = 1000000
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def derive_stations(path, features, aimag_rows, soum_rows):
    with open(path, encoding="utf-8") as f:
        source = json.load(f, parse_float=decimal.Decimal)
    keys = {}  # aimag code -> [(soum code, normalised name)]
    for s in soum_rows:
        for n in {norm(s[2]), norm(s[3])}:
            keys.setdefault(s[1], []).append((s[0], n))
    by_name = {}
    for row in aimag_rows:
        for n in [row[4], row[5]] + row[6].split("|"):
            if n:
                by_name[norm(n)] = row[0]
    for ft in features:
        by_name[norm(ft["properties"]["ADM1_EN"])] = ft["properties"]["ADM1_PCODE"][2:]

    def soum_of(code2, name, truncated):
        n = norm(name, truncated)
        if not n:
            return None
        found = {c for c, k in keys.get(code2, []) if k == n}
        if not found and truncated:
            found = {c for c, k in keys.get(code2, []) if k.startswith(n)}
        return found.pop() if len(found) == 1 else None

    named = [by_name.get(norm(r["aimagname"])) for r in source]
    if None in named:
        fail("station aimag names not all known: %r" % sorted(
            {r["aimagname"] for r, c in zip(source, named) if c is None}))
    # PRISM aimag ids -> the NSO code most of their stations name (ties: the smaller code)
    votes = {}
    for r, c in zip(source, named):
        votes.setdefault(r["aimagid"], []).append(c)
    prism_id = {i: min(set(v), key=lambda c: (-v.count(c), c)) for i, v in votes.items()}

    rows, matched, unmatched = [], 0, []
    for r, name_code in sorted(zip(source, named), key=lambda x: x[0]["id"]):
        lat, lon = r["lat"], r["lon"]
        hits = [ft["properties"]["ADM1_PCODE"][2:] for ft in features
                if any(inside(float(lon), float(lat), p) for p in ft["geometry"]["coordinates"])]
        if len(hits) != 1:
            fail("station %s lies in %d aimags" % (r["id"], len(hits)))
        code2 = hits[0]
        id_code = prism_id[r["aimagid"]]
        if code2 not in (name_code, id_code):
            fail("station %s: boundaries %s, name %s, PRISM id %s" % (
                r["id"], code2, name_code, id_code))
        if code2 != name_code or code2 != id_code:
            print("station %s (%s): aimag %s by its boundary; the source names %s (%s), "
                  "its PRISM id %s means %s" % (r["id"], r["sname"], code2, r["aimagname"],
                                                name_code, r["aimagid"], id_code))
        soum = (soum_of(code2, r["sumname"], len(r["sumname"]) == PRISM_CUT)
                or soum_of(code2, r["sname"], False))
        if soum:
            matched += 1
        else:
            unmatched.append("%s %s/%s (%s)" % (r["id"], r["sumname"], r["sname"], code2))
        dekads = [hundredths(r["%s-0%d" % (m, d)]) for m in MONTHS for d in (1, 2, 3)]
        if all(h == NO_DATA for h in dekads):
            normals = [""] * 13
        elif any(not -5000 <= h <= 4000 for h in dekads):
            fail("station %s: a dekad mean outside -50..40 degC" % r["id"])
        else:
            monthly = [div_round(sum(dekads[3 * i:3 * i + 3]), 3) for i in range(12)]
            winter = div_round(sum(dekads[33:36]) + sum(dekads[0:6]), 9)
            normals = [fmt_hundredths(h) for h in monthly + [winter]]
        q5, q1 = decimal.Decimal("0.00001"), decimal.Decimal("0.1")
        rows.append([
            str(r["id"]), soum or "", code2, r["sname"],
            str(lat.quantize(q5, decimal.ROUND_HALF_UP)),
            str(lon.quantize(q5, decimal.ROUND_HALF_UP)),
            str(r["rasterheight"].quantize(q1, decimal.ROUND_HALF_UP)),
        ] + normals)
    print("stations: %d of %d matched to a soum; unmatched: %s" % (
        matched, len(rows), "; ".join(unmatched)))
    if len({row[0] for row in rows}) != len(rows):
        fail("station ids repeat")
    return rows


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

    station_rows = derive_stations(
        os.path.join(prism, "groundstations", "longterm_data.json"), features, aimag_rows,
        soum_rows)

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
        "stations.tsv": (
            ["# IRIMHE weather stations as WFP PRISM lists them (longterm_data.json).",
             "# Derived by derive.py; sources in SOURCES.md. aimag: the aimag whose boundary",
             "# contains the station; soum: the NSO soum of that aimag the station names",
             "# (empty = not matched); elevation_m: the source's rasterheight; jan..dec:",
             "# long-term monthly mean temperature, degC (mean of the month's 3 dekads);",
             "# winter_djf: mean of the 9 dekads of Dec, Jan, Feb; empty: no data in the",
             "# source. Some stations appear twice, under two ids."],
            ["id", "soum", "aimag", "name", "lat", "lon", "elevation_m"] + MONTHS + ["winter_djf"],
            station_rows),
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
