#!/usr/bin/env bash
# Load against the release server with wrk (Debian's package), on 127.0.0.1.
#
#   bash scripts/load.sh check [seconds] [connections]
#       Mixed traffic of a signed-in customer (pages, server functions that read and one
#       that writes, a static file) for 60 s at 200 connections, on SQLite and then on
#       PostgreSQL. Fails on any failed request (connect, read, write, timeout) and any
#       answer that is not 2xx/3xx. scripts/test.sh runs it.
#   bash scripts/load.sh bench
#       Throughput and p50/p99 latency of the sign-in page, the account overview and Bill
#       Settings (signed in) against a static file of the same server; server memory idle
#       and at its peak. Figures for docs/benchmarks.md, not a pass/fail test.
#
# Needs the release build: see scripts/release-server.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/release-server.sh"
mode="${1:-check}"
if ! command -v wrk >/dev/null; then
  echo "==> installing Debian's wrk"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

# wrk's summary line (see scripts/load.lua) as shell variables: requests, rps, p50_ms, ...
run_wrk() {
  local line
  line="$(wrk "$@" -s "$ROOT/scripts/load.lua" "$BASE" | grep '^RESULT')"
  eval "${line#RESULT }"
}

if [ "$mode" = check ]; then
  duration="${2:-60}" connections="${3:-200}" failed=0
  backends="sqlite postgres"
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    [ "${CI:-}" = "true" ] && { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
    echo "!! PostgreSQL is not reachable on 127.0.0.1:5432: SKIPPED its load check" >&2
    backends="sqlite"
  fi
  for backend in $backends; do
    fresh_database "$backend"
    start_server "$DB_URL"
    sign_in
    echo "==> $backend: mixed traffic for ${duration} s at $connections connections"
    run_wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s
    errors=$((connect + read + write + timeout + status))
    panics="$(grep -c 'panicked' "$work/server.log" || true)"
    printf '%s: %s requests (%s/s), p50 %s ms, p99 %s ms; failed: connect %s, read %s, write %s, timeout %s, non-2xx/3xx %s; peak memory %s KiB; panics logged: %s\n' \
      "$backend" "$requests" "$rps" "$p50_ms" "$p99_ms" "$connect" "$read" "$write" "$timeout" "$status" \
      "$(memory_kib "$SERVER_PID" VmHWM)" "$panics"
    [ "$errors" -eq 0 ] || failed=1
    stop_server
  done
  [ "$failed" -eq 0 ] || { echo "Some requests failed under load." >&2; exit 1; }
  echo "No failed request on either database."
elif [ "$mode" = bench ]; then
  fresh_database sqlite
  start_server "$DB_URL"
  sign_in
  idle="$(memory_kib "$SERVER_PID" VmRSS)"
  echo "| address | requests/s | p50 ms | p99 ms | share of the static file's rate |"
  echo "|---|---|---|---|---|"
  static_rps=""
  for target in "/pkg/aqueduct.css text/css" "/sign-in text/html" "/account text/html" "/billing/settings text/html"; do
    path="${target% *}"
    # The sign-in page as a visitor sees it; the others signed in.
    cookie="$COOKIE"; [ "$path" = /sign-in ] && cookie=""
    COOKIE="$cookie" ONE_PATH="$path" ACCEPT="${target#* }" run_wrk -t2 -c50 -d10s --timeout 10s
    static_rps="${static_rps:-$rps}"
    share="$(python3 -c "print(f'{100 * $rps / $static_rps:.0f}%')")"
    echo "| $path | $rps | $p50_ms | $p99_ms | $share |"
    [ $((connect + read + write + timeout + status)) -eq 0 ] || echo "  ($path: some requests failed)"
  done
  echo
  echo "Server memory: $idle KiB idle (after start and one sign-in), $(memory_kib "$SERVER_PID" VmHWM) KiB at its peak."
else
  echo "usage: bash scripts/load.sh check [seconds] [connections] | bench" >&2
  exit 2
fi
