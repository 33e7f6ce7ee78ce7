-- The log's stored hashes, 32 to a row (see `crate::log`): a row per hash made two rows per
-- event. Row `tile` holds hashes 32·tile onwards, 32 bytes each, in index order; every row
-- but the last is full, and a row only ever grows.
CREATE TABLE tlog_tiles (
    tile   INTEGER PRIMARY KEY,
    hashes BLOB    NOT NULL
);
-- group_concat joins the bytes as they are (it reads each blob with its length, so zero
-- bytes stay) and returns text; the cast gives the blob back.
INSERT INTO tlog_tiles (tile, hashes)
SELECT idx / 32, CAST(group_concat(hash, x'' ORDER BY idx) AS BLOB)
FROM tlog_hashes
GROUP BY idx / 32;
DROP TABLE tlog_hashes;
