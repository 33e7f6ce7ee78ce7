-- The transparency log (RFC 9162, see the `tlog` crate): leaf n is the event with seq n + 1,
-- appended in the transaction that stores it (under the seq_counter lock, so one sequencer at a
-- time across processes). Stored hashes are numbered as in Go's sumdb/tlog; nothing is updated.
CREATE TABLE tlog_hashes (
    idx  BIGINT PRIMARY KEY,
    hash BYTEA  NOT NULL
);

-- Signed checkpoints (C2SP signed notes), one per tree size that was published.
CREATE TABLE tlog_checkpoints (
    size       BIGINT PRIMARY KEY,
    note       TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);

-- Small settings the deployment keeps in its store (e.g. the log's generated signing key when
-- none is configured), so that every process on one database agrees.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
