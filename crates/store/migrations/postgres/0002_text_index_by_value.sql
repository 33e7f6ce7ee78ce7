-- Text lookups seek by value first: (k, text, name) serves `text IN (…)` and prefix ranges
-- whether or not the row name is known (sources/destinations of any type for visibility), so
-- the separate party rows (kind 25) are no longer written.
DROP INDEX event_index_text;
CREATE INDEX event_index_text ON event_index (k, text, name);
DELETE FROM event_index WHERE k = 25;
