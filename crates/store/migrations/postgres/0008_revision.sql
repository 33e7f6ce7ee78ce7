-- A counter of every change to what pages show besides events: organisations, credentials
-- (issue, revocation) and records (registry, consents, market, climate imports). Readers
-- pair it with the highest event seq (`Store::revision`) to know, in one cheap query, whether
-- anything a cached page was built from has changed.
--
-- The triggers fire BEFORE each statement, so a writing transaction takes the counter's row
-- lock before any row of the table it writes: two writers queue on the counter instead of
-- each holding a row the other wants (an AFTER trigger could deadlock them). The bump
-- commits with the change, so a reader never sees the new value before the change.
CREATE TABLE store_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT  NOT NULL
);
INSERT INTO store_revision (id, n) VALUES (1, 0);

CREATE FUNCTION bump_store_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE store_revision SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER orgs_revision BEFORE INSERT OR UPDATE OR DELETE ON orgs
    FOR EACH STATEMENT EXECUTE FUNCTION bump_store_revision();
CREATE TRIGGER credentials_revision BEFORE INSERT OR UPDATE OR DELETE ON credentials
    FOR EACH STATEMENT EXECUTE FUNCTION bump_store_revision();
CREATE TRIGGER records_revision BEFORE INSERT OR UPDATE OR DELETE ON records
    FOR EACH STATEMENT EXECUTE FUNCTION bump_store_revision();
