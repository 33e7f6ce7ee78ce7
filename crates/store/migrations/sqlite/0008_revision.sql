-- A counter of every change to what pages show besides events: organisations, credentials
-- (issue, revocation) and records (registry, consents, market, climate imports). Readers
-- pair it with the highest event seq (`Store::revision`) to know, in one cheap query, whether
-- anything a cached page was built from has changed. Triggers keep it, so no write path can
-- forget to; it is bumped inside the writing transaction, so a reader never sees the new
-- value before the change it stands for.
CREATE TABLE store_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO store_revision (id, n) VALUES (1, 0);

CREATE TRIGGER orgs_revision_ins AFTER INSERT ON orgs
BEGIN UPDATE store_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER orgs_revision_upd AFTER UPDATE ON orgs
BEGIN UPDATE store_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER orgs_revision_del AFTER DELETE ON orgs
BEGIN UPDATE store_revision SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER credentials_revision_ins AFTER INSERT ON credentials
BEGIN UPDATE store_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER credentials_revision_upd AFTER UPDATE ON credentials
BEGIN UPDATE store_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER credentials_revision_del AFTER DELETE ON credentials
BEGIN UPDATE store_revision SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER records_revision_ins AFTER INSERT ON records
BEGIN UPDATE store_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER records_revision_upd AFTER UPDATE ON records
BEGIN UPDATE store_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER records_revision_del AFTER DELETE ON records
BEGIN UPDATE store_revision SET n = n + 1 WHERE id = 1; END;
