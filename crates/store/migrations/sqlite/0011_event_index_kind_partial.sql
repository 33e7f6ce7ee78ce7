-- `event_index_kind (k, name)` serves one kind of query alone: `EXISTS_…`, which tests a kind
-- and name without a value (every value test has its own index or the term index). Only the
-- error declaration (30), the sensor element list (40) and the extension fields (70 and up)
-- can be asked that way, yet every row of every event had an entry: EPCs, classes,
-- quantities, transactions, parties and sensor reports, three quarters of the rows of a
-- typical event. Capture paid for those entries and no query read them (BENCHMARKS.md,
-- eleventh session). The SQL builder repeats this WHERE word for word
-- (`sql::rows::SQLITE_EXISTS_KINDS`), which is how SQLite knows it may use the index.
DROP INDEX event_index_kind;
CREATE INDEX event_index_kind ON event_index (k, name) WHERE k = 30 OR k = 40 OR k >= 70;
