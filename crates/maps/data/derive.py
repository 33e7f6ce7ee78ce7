#!/usr/bin/env python3
"""Derive crates/maps/data/aimags.txt, the simplified aimag boundaries the crate embeds.

Run from anywhere (Python 3.8+, standard library only):

    python3 crates/maps/data/derive.py [SHARED_DIR] [TOLERANCE]

SHARED_DIR defaults to the `shared` folder beside the repository (`../shared` from the repository
root); the only input is data/mongolia/wfp-prism-app/mng_adm1_nso_match_1212_mn.json (SOURCES.md).

Steps:
1. Project every vertex to the plane of the crate's `project` (equirectangular, longitude
   scaled by cos 47°, in viewBox units). The constants below must equal those in src/geo.rs; a
   crate test compares them with the header of the output.
2. Simplify with Douglas-Peucker, once per *arc*: rings are cut where the set of aimags sharing
   a vertex changes, so a border shared by two aimags is simplified once and both sides keep the
   same points (no slivers or gaps between neighbours). A ring without such a cut (an island, an
   enclave's outline) is cut at its first vertex and at the vertex farthest from it.
3. Quantise to integers, drop repeated points and rings that vanish (fewer than 3 points or no
   area), but keep at least the largest ring of every aimag.
4. Orient rings so that outer rings have positive shoelace area in screen coordinates (y down:
   clockwise as drawn) and holes negative, so that the signed sum is the aimag's area and SVG's
   nonzero fill rule draws holes.

Re-running on the same source gives an identical file.
"""

import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = "data/mongolia/wfp-prism-app/mng_adm1_nso_match_1212_mn.json"

# Keep in step with src/geo.rs.
LON0 = 87.5
LAT0 = 52.4
SCALE = 44.0
OFFSET_X = 10.0
OFFSET_Y = 10.0
VIEW_W = 1000
VIEW_H = 496
KX = math.cos(math.radians(47.0))
DEFAULT_TOLERANCE = 0.5


def project(lon, lat):
    return (OFFSET_X + (lon - LON0) * KX * SCALE, OFFSET_Y + (LAT0 - lat) * SCALE)


def seg_dist2(p, a, b):
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    L = dx * dx + dy * dy
    if L == 0.0:
        return (p[0] - ax) ** 2 + (p[1] - ay) ** 2
    t = max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / L))
    return (p[0] - ax - t * dx) ** 2 + (p[1] - ay - t * dy) ** 2


def douglas_peucker(pts, tol):
    """Indices kept (first and last always), iterative so long arcs do not hit the recursion limit."""
    n = len(pts)
    if n <= 2:
        return list(range(n))
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    tol2 = tol * tol
    while stack:
        i, j = stack.pop()
        best, idx = -1.0, -1
        for k in range(i + 1, j):
            d = seg_dist2(pts[k], pts[i], pts[j])
            if d > best:
                best, idx = d, k
        if idx >= 0 and best > tol2:
            keep[idx] = True
            stack.append((i, idx))
            stack.append((idx, j))
    return [k for k in range(n) if keep[k]]


def signed_area(ring):
    s = 0.0
    for i in range(len(ring)):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % len(ring)]
        s += x1 * y2 - x2 * y1
    return s / 2.0


def main():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(repo), "shared")
    tol = float(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_TOLERANCE
    with open(os.path.join(shared, SOURCE), encoding="utf-8") as f:
        gj = json.load(f)

    # rings: (code, is_hole, [(lon, lat), ...]) without the closing repeat
    rings = []
    for feat in gj["features"]:
        pcode = feat["properties"]["ADM1_PCODE"]
        if not (pcode.startswith("MN") and len(pcode) == 4 and pcode[2:].isdigit()):
            sys.exit("derive.py: bad ADM1_PCODE %r" % (pcode,))
        code = pcode[2:]
        geom = feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for poly in polys:
            for k, ring in enumerate(poly):
                pts = [(float(p[0]), float(p[1])) for p in ring]
                if len(pts) > 1 and pts[0] == pts[-1]:
                    pts.pop()
                rings.append((code, k > 0, pts))

    users = {}
    for code, _, pts in rings:
        for p in pts:
            users.setdefault(p, set()).add(code)

    fixed = set()
    for _, _, pts in rings:
        n = len(pts)
        for i in range(n):
            s = users[pts[i]]
            if s != users[pts[i - 1]] or s != users[pts[(i + 1) % n]]:
                fixed.add(pts[i])

    cache = {}

    def simplify_arc(arc):
        # Canonical direction so both neighbours' copies of a border give the same points.
        rev = arc[-1] < arc[0] or (arc[-1] == arc[0] and arc[1:] and arc[-2] < arc[1])
        key = tuple(reversed(arc)) if rev else tuple(arc)
        if key not in cache:
            proj = [project(*p) for p in key]
            cache[key] = [key[i] for i in douglas_peucker(proj, tol)]
        out = cache[key]
        return list(reversed(out)) if rev else list(out)

    out_rings = {}
    for code, hole, pts in rings:
        n = len(pts)
        cuts = [i for i in range(n) if pts[i] in fixed]
        if not cuts:
            far = max(range(n), key=lambda i: (pts[i][0] - pts[0][0]) ** 2 + (pts[i][1] - pts[0][1]) ** 2)
            cuts = sorted({0, far})
        simp = []
        for a, b in zip(cuts, cuts[1:] + [cuts[0] + n]):
            arc = [pts[k % n] for k in range(a, b + 1)]
            simp.extend(simplify_arc(arc)[:-1])
        q = []
        for lon, lat in simp:
            x, y = project(lon, lat)
            p = (int(math.floor(x + 0.5)), int(math.floor(y + 0.5)))
            if not q or q[-1] != p:
                q.append(p)
        while len(q) > 1 and q[0] == q[-1]:
            q.pop()
        full_area = abs(signed_area([project(*p) for p in pts]))
        out_rings.setdefault(code, []).append((hole, q, full_area))

    lines = []
    total_pts = 0
    for code in sorted(out_rings):
        kept = []
        largest = max(out_rings[code], key=lambda r: r[2])
        for ring in out_rings[code]:
            hole, q, _ = ring
            a = signed_area(q) if len(q) >= 3 else 0.0
            if a == 0.0 and ring is not largest:
                continue
            if a == 0.0:
                sys.exit("derive.py: the largest ring of aimag %s vanished; lower the tolerance" % code)
            if (a > 0) == hole:
                q = list(reversed(q))
            kept.append(q)
        for q in kept:
            total_pts += len(q)
            lines.append(code + "\t" + " ".join("%d,%d" % p for p in q))

    header = [
        "# Aimag and Ulaanbaatar boundaries, simplified for SVG maps. Derived by derive.py; see SOURCES.md.",
        "# Source: WFP-VAM/prism-app d60adbde8b76fc12bc3c923834accf1d265f4029, " + SOURCE.split("/")[-1],
        "# (c) 2023 World Food Programme, MIT licence; boundaries of NSO Mongolia (validOn 2020-10-19).",
        "# Projection: x = %g + (lon - %g) * cos(47 deg) * %g, y = %g + (%g - lat) * %g; viewBox 0 0 %d %d."
        % (OFFSET_X, LON0, SCALE, OFFSET_Y, LAT0, SCALE, VIEW_W, VIEW_H),
        "# Simplification: Douglas-Peucker per shared arc, tolerance %g viewBox units; integer vertices." % tol,
        "# One ring per line: 2-digit aimag code, TAB, x,y pairs. Outer rings clockwise on screen",
        "# (positive shoelace area with y down), holes counter-clockwise.",
        "#! projection %g %g %g %g %g %d %d" % (LON0, LAT0, SCALE, OFFSET_X, OFFSET_Y, VIEW_W, VIEW_H),
        "#! tolerance %g" % tol,
    ]
    text = "\n".join(header + lines) + "\n"
    with open(os.path.join(HERE, "aimags.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("aimags.txt: %d rings, %d points, %d bytes" % (len(lines), total_pts, len(text.encode())), file=sys.stderr)


if __name__ == "__main__":
    main()
