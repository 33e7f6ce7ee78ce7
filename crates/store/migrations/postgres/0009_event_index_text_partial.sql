-- `event_index_text (k, text, name)` had an entry for every row of every event. The rows of
-- quantities and sensor values hold their unit as text, which a query only tests beside the
-- number (`EQ_quantity_KGM`, through `event_index_num`); the percentile rank and the sensor
-- times hold no text at all. Their entries cost capture a B-tree insert each and served no
-- query (BENCHMARKS.md, eleventh session). The SQL builder repeats this WHERE word for word
-- (`sql::rows::POSTGRES_TEXT_KINDS`), which is how the planner knows it may use the index.
DROP INDEX event_index_text;
CREATE INDEX event_index_text ON event_index (k, text, name) WHERE k NOT IN (10, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60);
