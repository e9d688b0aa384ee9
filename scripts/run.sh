#!/usr/bin/env bash
# Command 1: set up what is missing and serve the portal with demo data at
# http://127.0.0.1:3000, rebuilding on every change.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
mkdir -p data
export DATABASE_URL="${DATABASE_URL:-sqlite://data/aqueduct.db?mode=rwc}"
# The server migrates the database and loads the demo data (idempotent) as it starts,
# then prints the URL and the demo account numbers and ZIP codes to try. Development mode
# (off by default) allows the demo data, the sandbox gateway, the demo payment key and the
# outbox, on 127.0.0.1 only.
export AQUEDUCT_DEV_MODE="${AQUEDUCT_DEV_MODE:-true}"
export AQUEDUCT_DEMO_DATA=true
# Texts go to the development outbox (the text_dev_outbox table).
export AQUEDUCT_TEXTS__SENDER="${AQUEDUCT_TEXTS__SENDER:-outbox}"
# Names without hashes while developing: watch's rebuilds write the css and wasm under
# their plain names (only a full build hashes them), and the page must link what was built.
export LEPTOS_HASH_FILES=false
step "serving the portal at http://127.0.0.1:3000 (first build: a few minutes)"
exec cargo leptos watch
