-- Error declarations (EPCIS 2.0 §7.4.1.2) repeat the eventID of the event they declare
-- erroneous: an eventID is unique per (eventID, declared), so that one plain event and one
-- declaration may share it.

ALTER TABLE events ADD COLUMN declared BOOLEAN NOT NULL DEFAULT false;
-- Before this migration no event could share an eventID, so existing declarations are marked
-- from their body; the body is stored as serde_json of the event.
UPDATE events SET declared = true WHERE (body::jsonb) ? 'errorDeclaration';
ALTER TABLE events DROP CONSTRAINT events_event_id_key;
CREATE UNIQUE INDEX events_event_id_declared ON events (event_id, declared);
