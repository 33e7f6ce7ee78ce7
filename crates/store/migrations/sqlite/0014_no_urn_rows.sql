-- GS1 keys captured as EPC URNs had a second index row with the URN spelling (kinds 11–19),
-- so that patterns with wildcards before their last field (`urn:epc:idpat:sgtin:0614141.*.*`)
-- found them. Patterns now find the canonical Digital Links through the Digital Link prefixes
-- of the company prefix (`epcis::query::epc`), which also finds the keys captured as Digital
-- Links, which never had a URN row. The old rows go. Their tokens stay in `event_terms`, which
-- keeps no content to delete them by; no query asks for those kinds any more.
DELETE FROM event_index WHERE k BETWEEN 11 AND 19;
