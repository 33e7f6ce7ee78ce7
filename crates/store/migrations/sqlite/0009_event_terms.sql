-- Text facts are found through a term index, not a B-tree keyed by value (see `crate::terms`):
-- one FTS5 document per event (rowid = seq) holding a token per text row of `event_index`,
-- `t{k}x{hex of the text's first 128 bytes}`. Contentless: the texts stay in `event_index`,
-- which every query still reads to test the event's own rows. A migration that changes
-- `event_index` rows must change their tokens too.
CREATE VIRTUAL TABLE event_terms USING fts5 (
    t,
    content = '',
    columnsize = 0,
    detail = none,
    tokenize = 'ascii'
);
INSERT INTO event_terms (rowid, t)
SELECT seq, group_concat('t' || k || 'x' || lower(hex(substr(CAST(text AS BLOB), 1, 128))), ' ')
FROM event_index
WHERE text IS NOT NULL
GROUP BY seq;

DROP INDEX event_index_text;
-- Field and kind existence (`EXISTS_…`, `orderBy={field}`) seek by kind and name; new rows
-- land at the end of their (k, name) run, not at random.
CREATE INDEX event_index_kind ON event_index (k, name);
-- The `/epcs` resource lists the identifiers in order: the EPC rows alone keep a B-tree.
CREATE INDEX event_index_epc ON event_index (text) WHERE k BETWEEN 1 AND 5 AND name = '';
