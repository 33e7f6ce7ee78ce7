#!/bin/bash
# Captures one small event per second for $1 seconds into the server at $BASE with $TOKEN (a
# processor's): OBSERVE events of serials no list garment has, so each capture moves the store's
# revision without naming a passport under load. Prints each answer's status.
set -u
: "${BASE:?BASE=http://HOST:PORT}" "${TOKEN:?TOKEN=a processor token}"
for i in $(seq 1 "$1"); do
  doc=$(printf '{"@context":["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2025-11-01T10:00:00+08:00","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2025-11-01T10:00:%02d+08:00","eventTimeZoneOffset":"+08:00","action":"OBSERVE","bizStep":"inspecting","epcList":["https://id.gs1.org/01/09520101010018/21/trickle-%s-%d"]}]}}' $((i % 60)) "$$" "$i")
  curl -s -o /dev/null -w "%{http_code} " -X POST "$BASE/events" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/ld+json' --data "$doc"
  sleep 1
done
echo
