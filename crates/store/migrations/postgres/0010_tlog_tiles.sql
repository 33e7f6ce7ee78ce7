-- The log's stored hashes, 32 to a row (see `crate::log`): a row per hash made two rows and
-- two index entries per event. Row `tile` holds hashes 32·tile onwards, 32 bytes each, in
-- index order; every row but the last is full, and a row only ever grows. A full row is
-- 1 KiB, under the TOAST threshold.
CREATE TABLE tlog_tiles (
    tile   BIGINT PRIMARY KEY,
    hashes BYTEA  NOT NULL
);
INSERT INTO tlog_tiles (tile, hashes)
SELECT idx / 32, string_agg(hash, ''::bytea ORDER BY idx)
FROM tlog_hashes
GROUP BY idx / 32;
DROP TABLE tlog_hashes;
