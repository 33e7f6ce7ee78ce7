-- Error declarations (EPCIS 2.0 §7.4.1.2) repeat the eventID of the event they declare
-- erroneous: an eventID is unique per (eventID, declared), so that one plain event and one
-- declaration may share it. SQLite cannot drop an inline UNIQUE: the table is rebuilt, keeping
-- every `seq` (the transparency log and event_index refer to it).

CREATE TABLE events_new (
    seq               INTEGER PRIMARY KEY,
    event_id          TEXT    NOT NULL,
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
    namespaces        TEXT    NOT NULL,
    declared          INTEGER NOT NULL DEFAULT 0
);
INSERT INTO events_new (seq, event_id, event_type, event_time, record_time, action, biz_step,
    disposition, read_point, biz_location, transformation_id, hash_id, captured_by, capture_id,
    body, namespaces, declared)
SELECT seq, event_id, event_type, event_time, record_time, action, biz_step, disposition,
    read_point, biz_location, transformation_id, hash_id, captured_by, capture_id, body,
    namespaces, CASE WHEN json_extract(body, '$.errorDeclaration') IS NULL THEN 0 ELSE 1 END
FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;

CREATE UNIQUE INDEX events_event_id_declared ON events (event_id, declared);
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
