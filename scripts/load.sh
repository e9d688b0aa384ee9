#!/usr/bin/env bash
# Load against the release server with wrk (Debian's package), on 127.0.0.1.
#
#   bash scripts/load.sh check [seconds] [connections]
#       A static file fetched on one keep-alive connection must be no slower (p50) than the
#       sign-in page on one connection (a file's answer once waited some 40 ms for the
#       client's delayed ACK). Then mixed traffic of a signed-in customer (pages, server
#       functions that read and one that writes, a static file) for 60 s at 200
#       connections, on SQLite and then on PostgreSQL. Fails on any failed request
#       (connect, read, write, timeout) and any answer that is not 2xx/3xx. scripts/test.sh
#       runs it.
#   bash scripts/load.sh bench
#       nginx (Debian's package) serves the same site beside the server. Throughput and
#       p50/p99 at 50 connections, and p50 on one connection, of nginx's static file, the
#       server's, the sign-in page, the account overview and Bill Settings (signed in),
#       each as a share of nginx's rate; server memory idle and at its peak. Figures for
#       docs/benchmarks.md, not a pass/fail test.
#   bash scripts/load.sh instances [seconds]
#       One, two and four servers on one PostgreSQL database behind nginx's round robin:
#       the mixed traffic for 30 s each, a session made on one used on all, no failed
#       request; the rate and each server's peak memory.
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

# p50 of one address on one keep-alive connection for 3 s: sets p50_ms (and the rest).
one_connection() {
  COOKIE="" ONE_PATH="$1" ACCEPT="$2" run_wrk -t1 -c1 -d3s --timeout 10s
}

# The static file against the sign-in page, both on one connection (a ratio, not a time:
# this machine is shared).
static_file_on_one_connection() {
  one_connection /sign-in text/html
  local page_p50="$p50_ms"
  one_connection "$CSS_PATH" text/css
  echo "one keep-alive connection: $CSS_PATH p50 $p50_ms ms, /sign-in p50 $page_p50 ms"
  if python3 -c "import sys; sys.exit(0 if $p50_ms <= max($page_p50, 1.0) else 1)"; then
    return 0
  fi
  echo "A static file is slower than a rendered page on a reused connection." >&2
  return 1
}

# nginx (Debian's package) with the given `server` block's body (after `listen`) and any
# other `http` blocks: sets NGINX_BASE and NGINX_PID.
start_nginx() {
  if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    echo "==> installing Debian's nginx-light"
    apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null
  fi
  local port
  port="$(free_port)"
  mkdir -p "$work/nginx"
  cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 2;
user root;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  ${2:-}
  server { listen 127.0.0.1:$port; $1 }
}
CONF
  PATH="$PATH:/usr/sbin" nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
  NGINX_PID=$!
  NGINX_BASE="http://127.0.0.1:$port"
  for _ in $(seq 1 50); do curl -fs "$NGINX_BASE/favicon.ico" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "nginx did not start:" >&2
  cat "$work/nginx/error.log" >&2
  exit 1
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
    [ "$backend" = sqlite ] && { static_file_on_one_connection || failed=1; }
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
  # The ceiling for a static file: nginx serving the same site.
  start_nginx "root $SITE_ROOT;"
  trap 'kill "$NGINX_PID" 2>/dev/null; cleanup' EXIT
  idle="$(memory_kib "$SERVER_PID" VmRSS)"
  echo "| address | served by | requests/s (50 connections) | p50 ms | p99 ms | share of nginx's rate | p50 ms on 1 connection |"
  echo "|---|---|---|---|---|---|---|"
  nginx_rps=""
  for target in "nginx $CSS_PATH text/css" "aqueduct $CSS_PATH text/css" "aqueduct /sign-in text/html" \
    "aqueduct /account text/html" "aqueduct /billing/settings text/html"; do
    read -r server path accept <<<"$target"
    base="$BASE"; [ "$server" = nginx ] && base="$NGINX_BASE"
    # The sign-in page as a visitor sees it; the others signed in.
    cookie="$COOKIE"; [ "$path" = /sign-in ] && cookie=""
    BASE="$base" COOKIE="$cookie" ONE_PATH="$path" ACCEPT="$accept" run_wrk -t1 -c1 -d5s --timeout 10s
    single="$p50_ms"
    BASE="$base" COOKIE="$cookie" ONE_PATH="$path" ACCEPT="$accept" run_wrk -t2 -c50 -d10s --timeout 10s
    nginx_rps="${nginx_rps:-$rps}"
    share="$(python3 -c "print(f'{100 * $rps / $nginx_rps:.0f}%')")"
    echo "| $path | $server | $rps | $p50_ms | $p99_ms | $share | $single |"
    [ $((connect + read + write + timeout + status)) -eq 0 ] || echo "  ($path: some requests failed)"
  done
  echo
  echo "Goals (issue 20): the static file at least 50% of nginx's rate, pages at least 10%."
  echo "Server memory: $idle KiB idle (after start and one sign-in), $(memory_kib "$SERVER_PID" VmHWM) KiB at its peak."
elif [ "$mode" = instances ]; then
  # Several servers on one PostgreSQL behind nginx's round robin: nothing may fail, a
  # session made on one must be known to all, and each keeps its memory.
  duration="${2:-30}"
  pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
  instances=()
  trap 'kill "${instances[@]}" "${NGINX_PID:-}" 2>/dev/null; cleanup' EXIT
  echo "| instances | requests | requests/s | p50 ms | p99 ms | failed | panics logged | peak memory of each (MiB) |"
  echo "|---|---|---|---|---|---|---|---|"
  for count in 1 2 4; do
    fresh_database postgres
    upstream=""
    instances=()
    # PostgreSQL takes 100 connections; each server keeps 1.4 × its pool (the sessions'
    # too): four at the default 20 would ask for 112.
    export AQUEDUCT_DATABASE_CONNECTIONS=$((count > 2 ? 15 : 20))
    # One after another: the first migrates the database and loads the demo data.
    for i in $(seq 1 "$count"); do
      start_server "$DB_URL" "server-$i"
      instances+=("$SERVER_PID")
      upstream+="server ${BASE#http://};"
    done
    SERVER_PID=""
    start_nginx "location / { proxy_pass http://aqueduct; proxy_http_version 1.1; \
      proxy_set_header Connection \"\"; proxy_set_header Host \$http_host; }" \
      "upstream aqueduct { $upstream keepalive 64; }"
    BASE="$NGINX_BASE"
    sign_in
    # The session made on one instance, asked of each in turn.
    for _ in $(seq 1 $((2 * count))); do
      code="$(curl -s -o /dev/null -w '%{http_code}' -b "$COOKIE" -H 'accept: text/html' "$BASE/account")"
      [ "$code" = 200 ] || { echo "a signed-in page answered $code through the round robin" >&2; exit 1; }
    done
    run_wrk -t2 -c100 -d"${duration}s" --timeout 10s
    errors=$((connect + read + write + timeout + status))
    memory="$(for pid in "${instances[@]}"; do echo $(($(memory_kib "$pid" VmHWM) / 1024)); done | paste -sd/)"
    panics="$(cat "$work"/server-*.log | grep -c panicked || true)"
    echo "| $count | $requests | $rps | $p50_ms | $p99_ms | $errors | $panics | $memory |"
    [ "$panics" -eq 0 ] || grep -h -A1 panicked "$work"/server-*.log | sort | uniq -c | sort -rn | head -6 >&2
    if [ "$errors" -ne 0 ]; then
      echo "Some requests failed with $count instances: connect $connect, read $read, write $write, timeout $timeout, status $status." >&2
      grep -h -i -E "error|panic" "$work"/server-*.log "$work/nginx/error.log" 2>/dev/null | sort | uniq -c | sort -rn | head -20 >&2
      exit 1
    fi
    kill "${instances[@]}" "$NGINX_PID" 2>/dev/null; wait "${instances[@]}" "$NGINX_PID" 2>/dev/null || true
    NGINX_PID=""
    psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
  done
  echo "Sessions made on one instance were known to every instance; no request failed."
else
  echo "usage: bash scripts/load.sh check [seconds] [connections] | bench | instances [seconds]" >&2
  exit 2
fi
