-- Market and registry records (households, herds, memberships, intakes, pools, auctions, bids,
-- settlements, payments, catalogue items, enquiries, sales): typed JSON documents of the app,
-- one table for all kinds. The supply-chain facts themselves are EPCIS events; a record holds
-- what is not an event and points at the events it made. Times are µs since the Unix epoch.

-- `n` is the insertion order. `parent` and `owner` are what records are listed by (a bid's
-- auction, an intake's household; the organisation that owns the record). `version` grows by
-- one on each update, which must name the version it read (compare and swap).
CREATE TABLE records (
    n          INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    parent     TEXT,
    owner      INTEGER,
    body       TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (kind, key)
);
CREATE INDEX records_parent ON records (kind, parent, n);
CREATE INDEX records_owner ON records (kind, owner, n);
