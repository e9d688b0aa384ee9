#!/usr/bin/env bash
# Command 2: set up what is missing, then run every test: formatting and clippy, the Rust
# tests on SQLite and on PostgreSQL, the Playwright suite in headless Chromium against a
# release build, a load check on both databases, and a size report of what the browser
# downloads.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
started=$SECONDS

# --- room on disk ------------------------------------------------------------------------
# The shared build cache grows with every build (feature sets, worktrees, incremental state);
# a full disk fails the link step half-way through the run. Below 25 GB free, drop the
# incremental state first and the whole cache if that is not enough.
free_gb() { df -Pk "$CARGO_TARGET_DIR" | awk 'NR==2 { print int($4 / 1048576) }'; }
if [ "$(free_gb)" -lt 25 ]; then
  step "only $(free_gb) GB free: removing the build cache's incremental state"
  rm -rf "$CARGO_TARGET_DIR"/*/incremental "$CARGO_TARGET_DIR"/*/*/incremental
fi
if [ "$(free_gb)" -lt 25 ]; then
  step "still only $(free_gb) GB free: removing the build cache"
  rm -rf "${CARGO_TARGET_DIR:?}"/*
fi

# --- browser and end-to-end tooling --------------------------------------------------
if ! command -v chromium >/dev/null; then
  step "installing Debian's chromium"
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
step "installing the end-to-end test packages"
(cd end2end && npm ci --no-audit --no-fund)

# --- a real SMTP server for the emails (maildev: SMTP on 1025, its API on 1080) ----------
export TEST_SMTP_PORT="${TEST_SMTP_PORT:-1025}" MAILDEV_PORT="${MAILDEV_PORT:-1080}"
export MAILDEV_URL="http://127.0.0.1:$MAILDEV_PORT"
if ! curl -fs "$MAILDEV_URL/email" >/dev/null 2>&1; then
  step "starting the test SMTP server (maildev)"
  (cd end2end && exec npx maildev --ip 127.0.0.1 --smtp "$TEST_SMTP_PORT" --web "$MAILDEV_PORT" --silent) \
    >"${TMPDIR:-/tmp}/aqueduct-maildev.log" 2>&1 &
  maildev_pid=$!
  trap 'kill "$maildev_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 1 30); do curl -fs "$MAILDEV_URL/email" >/dev/null 2>&1 && break; sleep 1; done
  curl -fs "$MAILDEV_URL/email" >/dev/null || { echo "maildev did not start" >&2; exit 1; }
fi

# --- formatting and lints, before anything is run --------------------------------------
step "cargo fmt --check"
cargo fmt --all --check
step "clippy (server and tests, then the browser's wasm)"
cargo clippy -p app -p server --features app/ssr --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# --- Rust tests on SQLite ------------------------------------------------------------
step "Rust tests (SQLite)"
# A hung test fails the run within minutes instead of holding CI for its whole budget.
timeout 25m cargo test -p app -p server --features app/ssr

# --- Rust tests on PostgreSQL --------------------------------------------------------
PG_ADMIN_URL="${AQUEDUCT_TEST_PG:-postgres://postgres@127.0.0.1:5432/test}"
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
if ! pg_up && [ -d /etc/postgresql ]; then
  step "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
if pg_up; then
  step "Rust integration tests (PostgreSQL)"
  # Drop what earlier runs' tests left behind, then run the same tests there.
  psql "$PG_ADMIN_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'aqueduct_test_%'" \
    | while read -r db; do psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null; done
  # The same packages and features as the SQLite run, so its build is reused as it is.
  TEST_DATABASE_URL="$PG_ADMIN_URL" timeout 15m \
    cargo test -p app -p server --features app/ssr --test api --test lockout --test page_queries
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is not reachable on 127.0.0.1:5432: the PostgreSQL suite cannot run." >&2
  exit 1
else
  printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
  printf '!!  PostgreSQL is not reachable on 127.0.0.1:5432: SKIPPED its test suite  !!\n'
  printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n'
fi

# --- release build and Playwright ------------------------------------------------------
step "release build"
cargo leptos build --release --precompress
export AQUEDUCT_SERVER_BIN="$CARGO_TARGET_DIR/release/server"
export AQUEDUCT_SITE_ROOT="$ROOT/target/site"
step "Playwright suite (headless Chromium)"
(cd end2end && timeout 20m npx playwright test)

# --- load: no failed request under 200 connections ------------------------------------
step "load check: 60 s of mixed traffic at 200 connections, SQLite then PostgreSQL"
bash scripts/load.sh check 60 200

# --- what a browser downloads ----------------------------------------------------------
step "release size report"
bash scripts/size-report.sh "$ROOT/target/site/pkg"
printf '\nAll tests passed in %d s.\n' $((SECONDS - started))
