#!/bin/bash
# The passport load benchmark (BENCHMARKS.md, "Passport page under load"). For each N: one
# 20 s run warms the server's kept passports, a second is measured, a third runs while a
# capture arrives every second. Needs wrk, a server at $BASE, PATHS (see many.lua) and, for
# the captures, TOKEN (see trickle.sh).
#   sqlite3 -readonly DB "SELECT epc FROM prov_garments ORDER BY random() LIMIT 2000" \
#     | sed 's#https://id.gs1.org##' > paths.txt
set -u
: "${BASE:?BASE=http://HOST:PORT}" "${PATHS:?PATHS=file of resolver paths}"
here=$(cd "$(dirname "$0")" && pwd)
load() {
  N=$1 PATHS=$PATHS wrk -t2 -c16 -d20s --latency -s "$here/many.lua" "$BASE" 2>&1 |
    grep -E "^ +(50|99)%|Requests/sec|Non-2xx|Socket errors" | tr -s ' \n' ' '
  echo
}
for n in ${NS:-1 200 1000}; do
  load "$n" > /dev/null
  echo "N=$n: $(load "$n")"
  if [ -n "${TOKEN:-}" ]; then
    "$here/trickle.sh" 20 > /tmp/nooluur-trickle.$$ 2>&1 &
    echo "N=$n, a capture per second: $(load "$n")"
    wait
    echo "  captures: $(cat /tmp/nooluur-trickle.$$)"
    rm -f /tmp/nooluur-trickle.$$
  fi
done
