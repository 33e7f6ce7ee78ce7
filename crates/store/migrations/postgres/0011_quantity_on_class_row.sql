-- Each quantity element had two rows: its class (k 6–9) and, right after it (i + 1), its
-- value and unit (k 10: num, text). The class row now carries both (num, and the unit as
-- name), one row less per quantity element for capture to write (BENCHMARKS.md, fifteenth
-- session). Queries on quantities read the class rows from this migration on.
UPDATE event_index AS c
SET name = coalesce(q.text, ''), num = q.num
FROM event_index AS q
WHERE q.seq = c.seq AND q.i = c.i + 1 AND q.k = 10
  AND c.k BETWEEN 6 AND 9;
DELETE FROM event_index WHERE k = 10;
