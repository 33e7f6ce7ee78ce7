#!/usr/bin/env bash
# Installs the pinned epcis2.js SDK (package-lock.json) for the client test. Needs Node.js >= 18
# and npm; fetches from the npm registry only.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
