#!/usr/bin/env python3
"""The index experiment behind the next step for capture throughput (BENCHMARKS.md, sixth
session): how fast can SQLite take a synthetic event's six text facts, as rows of a B-tree
index keyed by value (today's `event_index_text`) or as terms of a contentless FTS5 table
(posting lists written as merged segments, an LSM, so inserts do not land at random pages)?

    python3 bench/index/terms.py btree|fts-hash|fts-hex EVENTS [DIR]

Rows are made before the clock starts; 16 KiB pages, WAL, synchronous=NORMAL, a 256 MiB
cache, one transaction per 10,000 events: the settings of a `nooluur capture` bulk load.
Then times an exact term, a prefix and a common term on the result.
"""
import hashlib
import os
import random
import sqlite3
import sys
import time

mode, events = sys.argv[1], int(sys.argv[2])
path = os.path.join(sys.argv[3] if len(sys.argv) > 3 else "/tmp", "terms-bench.db")
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(path + suffix):
        os.remove(path + suffix)
BATCH = 10_000
random.seed(1)

db = sqlite3.connect(path, isolation_level=None)
for p in ("page_size=16384", "journal_mode=wal", "synchronous=normal", "cache_size=-262144"):
    db.execute("pragma " + p)
if mode == "btree":
    db.execute("create table ix (seq integer not null, i integer not null, k integer not null,"
               " name text not null, text text, primary key (seq, i)) without rowid")
    db.execute("create index ix_text on ix (k, text, name)")
else:
    db.execute("create virtual table ft using fts5(t, content='', columnsize=0, detail=none,"
               " tokenize='ascii')")


def facts():
    """The text facts of one synthetic event: an SGTIN in both spellings, a lot class, a unit,
    a household and a colour (ILMD)."""
    r = random.randrange
    return [(1, "", f"https://id.gs1.org/01/04012345123456/21/{r(10**9)}"),
            (11, "", f"urn:epc:id:sgtin:4012345.012345.{r(10**9)}"),
            (6, "", f"https://nooluur.example.mn/id/lot/raw-{r(10**6)}"),
            (10, "", "KGM"),
            (72, "https://nooluur.example.mn/voc/household",
             f"https://nooluur.example.mn/id/household/{r(200000)}"),
            (72, "https://nooluur.example.mn/voc/colour", "light-grey")]


def token(k, text):
    if mode == "fts-hash":
        return "h" + hashlib.blake2b(f"{k}|{text}".encode(), digest_size=8).hexdigest()
    # Hex keeps byte order and prefixes: a text prefix is a token prefix.
    return f"t{k}x{text.encode()[:128].hex()}"


batches = []
for first in range(0, events, BATCH):
    if mode == "btree":
        batches.append([(s, i, k, n, t) for s in range(first, first + BATCH)
                        for i, (k, n, t) in enumerate(facts())])
    else:
        batches.append([(s, " ".join(token(k, t) for k, _, t in facts()))
                        for s in range(first, first + BATCH)])
start = time.time()
for rows in batches:
    db.execute("begin immediate")
    if mode == "btree":
        db.executemany("insert into ix values (?, ?, ?, ?, ?)", rows)
    else:
        db.executemany("insert into ft (rowid, t) values (?, ?)", rows)
    db.execute("commit")
took = time.time() - start
print(f"{mode}: {events} events in {took:.2f} s = {events / took:,.0f} events/s; "
      f"{os.path.getsize(path) / 2**20:,.0f} MiB")


def timed(what, sql, arg):
    t = time.time()
    for _ in range(20):
        n = len(db.execute(sql, (arg,)).fetchall())
    print(f"  {what}: {n} rows, {(time.time() - t) / 20 * 1000:.2f} ms")


household = "https://nooluur.example.mn/id/household/123"
if mode == "btree":
    timed("exact term", "select seq from ix where k = 72 and text = ? order by seq limit 100",
          household)
    timed("prefix", "select seq from ix where k = 11 and text >= ? and text < "
          "'urn:epc:id:sgtin:4012345.012345.13' order by seq limit 100",
          "urn:epc:id:sgtin:4012345.012345.12")
    timed("common term, count", "select count(*) from ix where k = 10 and text = ?", "KGM")
elif mode == "fts-hex":
    q = "select rowid from ft where ft match ? order by rowid limit 100"
    timed("exact term", q, token(72, household))
    timed("prefix", q, f'"{token(11, "urn:epc:id:sgtin:4012345.012345.12")}" *')
    timed("common term, count", "select count(*) from ft where ft match ?", token(10, "KGM"))
