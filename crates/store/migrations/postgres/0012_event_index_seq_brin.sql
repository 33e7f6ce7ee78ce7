-- The primary key (seq, i) of `event_index` put a B-tree entry beside every index row, about
-- seven per event, and no query needs it: the text, number and time indexes find the rows, and
-- an event's rows are only ever looked for by `seq` (a nested-loop probe under other
-- conditions). Capture writes the rows in `seq` order, so the heap is clustered by `seq` and a
-- BRIN summary of 8-page ranges answers such a probe at almost no cost to capture: the store
-- stage went from 53–56 to 48–49 µs per event (BENCHMARKS.md, fifteenth session). Uniqueness
-- of (seq, i) follows from `events`' own key: an event's rows are written once, in the
-- transaction that inserts the event.
ALTER TABLE event_index DROP CONSTRAINT event_index_pkey;
CREATE INDEX event_index_seq ON event_index USING brin (seq) WITH (pages_per_range = 8);
