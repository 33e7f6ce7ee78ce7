-- Verifiable credentials (W3C VCs signed by labs and certifiers), stored as signed JSON with
-- what they are looked up by. Times are µs since the Unix epoch.

-- `n` is the insertion order (ties of issued_at). `subjects` is the JSON array as given;
-- credential_subjects indexes it. An issuer's status-list bit belongs to one credential only:
-- two sharing it would be revoked together.
CREATE TABLE credentials (
    n            INTEGER PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE,
    issuer       INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    subjects     TEXT    NOT NULL,
    status_index INTEGER NOT NULL,
    body         TEXT    NOT NULL,
    issued_at    INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE UNIQUE INDEX credentials_status_bit ON credentials (issuer, status_index);
CREATE INDEX credentials_kind ON credentials (kind, issued_at);

-- What each credential is about (lot URIs, organisation ids/DIDs, event ids), once per pair.
CREATE TABLE credential_subjects (
    subject TEXT    NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (subject, n)
) WITHOUT ROWID;

-- Certified mass claimed against lots by transaction certificates; a revoked credential's
-- claims stop counting (joined with credentials.revoked_at).
CREATE TABLE credential_claims (
    n           INTEGER NOT NULL,
    lot         TEXT    NOT NULL,
    standard    TEXT    NOT NULL,
    grams       INTEGER NOT NULL CHECK (grams >= 0),
    limit_grams INTEGER NOT NULL
);
CREATE INDEX credential_claims_lot ON credential_claims (lot, standard);

-- The next free status-list bit of each issuer (handed out by upsert, never twice).
CREATE TABLE credential_status_counters (
    issuer     INTEGER PRIMARY KEY,
    next_index INTEGER NOT NULL
);
