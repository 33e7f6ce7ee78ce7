#!/usr/bin/env python3
"""Regenerates expected.tsv from the reference generator (shared/tools/epcis-hash-oracle).

Usage: python3 regenerate.py [ORACLE]   (default: ../../../../../../shared/tools/epcis-hash-oracle)
Columns: file, index in the oracle's output list, hash, pre-hash string (JSON-escaped).
Index '-' with ERROR: the oracle fails on the file; with NONE: it prints no hash.
"""
import json, os, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
oracle = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "../../../../../../shared/tools/epcis-hash-oracle")
rows = ["# Expected event hash IDs of these fixtures, printed by the reference generator",
        "# (PyPI epcis-event-hash-generator 1.9.3) via regenerate.py. Do not edit by hand."]
for name in sorted(os.listdir(here)):
    if not (name.endswith(".jsonld") or name.endswith(".xml")):
        continue
    r = subprocess.run([oracle, os.path.join(here, name), "-p"], capture_output=True, text=True)
    if r.returncode != 0:
        rows.append(f"{name}\t-\tERROR")
        continue
    head, _, pre = r.stdout.partition("\nPre-hash strings:\n")
    hashes = [l for l in head.split("\n") if l.startswith("ni:///")]
    if not hashes:
        rows.append(f"{name}\t-\tNONE")
        continue
    prehashes = pre.rstrip("\n").split("\n---\n")
    assert len(prehashes) == len(hashes), name
    for i, (h, p) in enumerate(zip(hashes, prehashes)):
        rows.append(f"{name}\t{i}\t{h}\t{json.dumps(p, ensure_ascii=False)}")
with open(os.path.join(here, "expected.tsv"), "w") as f:
    f.write("\n".join(rows) + "\n")
print(f"{len(rows) - 2} rows")
