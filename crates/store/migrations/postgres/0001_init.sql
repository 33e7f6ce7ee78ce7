-- nooluur store, PostgreSQL dialect. Times are µs since the Unix epoch (sortable integers), the
-- same as on SQLite, so one SQL builder serves both. Text compares bytewise (COLLATE "C") so
-- that prefix ranges and orderings agree with SQLite and with Rust.
-- Which index serves which query parameter: see the doc comment of `crate::sql`.

CREATE TABLE events (
    seq               BIGINT  PRIMARY KEY,
    event_id          TEXT    COLLATE "C" NOT NULL UNIQUE,
    event_type        TEXT    COLLATE "C" NOT NULL,
    event_time        BIGINT  NOT NULL,
    record_time       BIGINT  NOT NULL,
    action            TEXT    COLLATE "C",
    biz_step          TEXT    COLLATE "C",
    disposition       TEXT    COLLATE "C",
    read_point        TEXT    COLLATE "C",
    biz_location      TEXT    COLLATE "C",
    transformation_id TEXT    COLLATE "C",
    hash_id           TEXT    NOT NULL,
    captured_by       BIGINT  NOT NULL,
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

-- Sequence numbers are handed out under this row's lock, held to commit: gap-free, and in
-- commit order, so a reader that has seen seq n has seen every seq below it.
CREATE TABLE seq_counter (
    id    SMALLINT PRIMARY KEY CHECK (id = 1),
    value BIGINT   NOT NULL
);
INSERT INTO seq_counter (id, value) VALUES (1, 0);

CREATE TABLE event_index (
    seq  BIGINT   NOT NULL,
    i    INTEGER  NOT NULL,
    k    SMALLINT NOT NULL,
    name TEXT     COLLATE "C" NOT NULL,
    text TEXT     COLLATE "C",
    num  DOUBLE PRECISION,
    time BIGINT,
    PRIMARY KEY (seq, i)
);
CREATE INDEX event_index_text ON event_index (k, name, text);
CREATE INDEX event_index_num  ON event_index (k, name, num)  WHERE num IS NOT NULL;
CREATE INDEX event_index_time ON event_index (k, name, time) WHERE time IS NOT NULL;

CREATE TABLE ns_prefixes (
    prefix TEXT COLLATE "C" NOT NULL,
    ns     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (prefix, ns)
);

CREATE TABLE orgs (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT   NOT NULL UNIQUE,
    role        TEXT   NOT NULL,
    identifiers TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE tokens (
    token_hash TEXT   PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES orgs (id)
);

CREATE TABLE capture_jobs (
    n            BIGSERIAL PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE,
    org_id       BIGINT  NOT NULL,
    mode         TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    started_at   BIGINT,
    finished_at  BIGINT,
    success      BOOLEAN,
    captured     BIGINT  NOT NULL DEFAULT 0,
    errors       TEXT    NOT NULL DEFAULT '[]',
    content_type TEXT    NOT NULL,
    document     BYTEA   NOT NULL
);
CREATE INDEX capture_jobs_state ON capture_jobs (state, n);
CREATE INDEX capture_jobs_org   ON capture_jobs (org_id, n);

CREATE TABLE named_queries (
    name       TEXT   COLLATE "C" PRIMARY KEY,
    owner      BIGINT NOT NULL,
    definition TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE subscriptions (
    id              TEXT    COLLATE "C" PRIMARY KEY,
    query_name      TEXT    COLLATE "C" NOT NULL REFERENCES named_queries (name) ON DELETE CASCADE,
    owner           BIGINT  NOT NULL,
    dest            TEXT,
    signature_token TEXT,
    schedule        TEXT,
    stream          BOOLEAN NOT NULL,
    report_if_empty BOOLEAN NOT NULL,
    cursor          BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL
);
CREATE INDEX subscriptions_query ON subscriptions (query_name, id);
