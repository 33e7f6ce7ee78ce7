-- nooluur store, SQLite dialect. Times are µs since the Unix epoch (sortable integers).
-- Which index serves which query parameter: see the doc comment of `crate::sql`.

CREATE TABLE events (
    seq               INTEGER PRIMARY KEY,
    event_id          TEXT    NOT NULL UNIQUE,
    event_type        TEXT    NOT NULL,
    event_time        INTEGER NOT NULL,
    record_time       INTEGER NOT NULL,
    action            TEXT,
    biz_step          TEXT,
    disposition       TEXT,
    read_point        TEXT,
    biz_location      TEXT,
    transformation_id TEXT,
    hash_id           TEXT    NOT NULL,
    captured_by       INTEGER NOT NULL,
    capture_id        TEXT,
    body              TEXT    NOT NULL,
    namespaces        TEXT    NOT NULL
);
CREATE INDEX events_event_time   ON events (event_time, seq);
CREATE INDEX events_record_time  ON events (record_time, seq);
CREATE INDEX events_type         ON events (event_type, seq);
CREATE INDEX events_action       ON events (action, seq);
CREATE INDEX events_biz_step     ON events (biz_step, seq) WHERE biz_step IS NOT NULL;
CREATE INDEX events_disposition  ON events (disposition, seq) WHERE disposition IS NOT NULL;
CREATE INDEX events_read_point   ON events (read_point, seq) WHERE read_point IS NOT NULL;
CREATE INDEX events_biz_location ON events (biz_location, seq) WHERE biz_location IS NOT NULL;
CREATE INDEX events_transformation ON events (transformation_id) WHERE transformation_id IS NOT NULL;
CREATE INDEX events_captured_by  ON events (captured_by, seq);

-- The multi-valued facts of each event (epcis::query::IndexRow), clustered by event.
CREATE TABLE event_index (
    seq  INTEGER NOT NULL,
    i    INTEGER NOT NULL,
    k    INTEGER NOT NULL,
    name TEXT    NOT NULL,
    text TEXT,
    num  REAL,
    time INTEGER,
    PRIMARY KEY (seq, i)
) WITHOUT ROWID;
CREATE INDEX event_index_text ON event_index (k, name, text);
CREATE INDEX event_index_num  ON event_index (k, name, num)  WHERE num IS NOT NULL;
CREATE INDEX event_index_time ON event_index (k, name, time) WHERE time IS NOT NULL;

-- Every (prefix, namespace) pair events have used, for compact field names a query leaves
-- undeclared. `ns` is the index-key form: namespace without trailing '#'/'/', then '#'.
CREATE TABLE ns_prefixes (
    prefix TEXT NOT NULL,
    ns     TEXT NOT NULL,
    PRIMARY KEY (prefix, ns)
) WITHOUT ROWID;

CREATE TABLE orgs (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    role        TEXT    NOT NULL,
    identifiers TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE tokens (
    token_hash TEXT    PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs (id)
) WITHOUT ROWID;

CREATE TABLE capture_jobs (
    n            INTEGER PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE,
    org_id       INTEGER NOT NULL,
    mode         TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    started_at   INTEGER,
    finished_at  INTEGER,
    success      INTEGER,
    captured     INTEGER NOT NULL DEFAULT 0,
    errors       TEXT    NOT NULL DEFAULT '[]',
    content_type TEXT    NOT NULL,
    document     BLOB    NOT NULL
);
CREATE INDEX capture_jobs_state ON capture_jobs (state, n);
CREATE INDEX capture_jobs_org   ON capture_jobs (org_id, n);

CREATE TABLE named_queries (
    name       TEXT    PRIMARY KEY,
    owner      INTEGER NOT NULL,
    definition TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE subscriptions (
    id              TEXT    PRIMARY KEY,
    query_name      TEXT    NOT NULL REFERENCES named_queries (name) ON DELETE CASCADE,
    owner           INTEGER NOT NULL,
    dest            TEXT,
    signature_token TEXT,
    schedule        TEXT,
    stream          INTEGER NOT NULL,
    report_if_empty INTEGER NOT NULL,
    cursor          INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX subscriptions_query ON subscriptions (query_name, id);
