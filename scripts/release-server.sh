# Sourced by scripts/load.sh and scripts/lighthouse.sh: starts the release server on a
# fresh database with the demo data, signs the demo customer in, and cleans up on exit.
# Needs the release build (`cargo leptos build --release --precompress`, which
# scripts/test.sh makes); AQUEDUCT_SERVER_BIN and AQUEDUCT_SITE_ROOT point elsewhere.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${AQUEDUCT_CACHE:-$HOME/.cache/aqueduct}/target}"
SERVER_BIN="${AQUEDUCT_SERVER_BIN:-$CARGO_TARGET_DIR/release/server}"
SITE_ROOT="${AQUEDUCT_SITE_ROOT:-$ROOT/target/site}"
PG_ADMIN_URL="${AQUEDUCT_TEST_PG:-postgres://postgres@127.0.0.1:5432/test}"

# The build names its css by a hash of its content, in hash.txt beside the binary.
HASH_FILE="$(dirname "$SERVER_BIN")/hash.txt"
CSS_PATH="/pkg/aqueduct.$(awk '$1 == "css:" { print $2 }' "$HASH_FILE" 2>/dev/null).css"
export CSS_PATH
if [ ! -x "$SERVER_BIN" ] || [ ! -f "$SITE_ROOT$CSS_PATH" ]; then
  echo "No release build at $SERVER_BIN / $SITE_ROOT: run cargo leptos build --release --precompress" >&2
  exit 1
fi

work="$(mktemp -d)"
SERVER_PID=""
PG_DB=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [ -n "$PG_DB" ] && psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

memory_kib() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Starts the server on a database URL with the demo data; sets BASE and SERVER_PID. A
# second argument names its log (several servers at once).
start_server() {
  local port
  port="$(free_port)"
  BASE="http://127.0.0.1:$port"
  LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$SITE_ROOT" LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_OUTPUT_NAME=aqueduct LEPTOS_ENV=PROD DATABASE_URL="$1" AQUEDUCT_DEV_MODE=true AQUEDUCT_DEMO_DATA=true RUST_LOG=warn \
    "$SERVER_BIN" >"$work/${2:-server}.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -fs "$BASE/faq" >/dev/null 2>&1 && return; sleep 0.2; done
  echo "the server did not start:" >&2
  cat "$work/${2:-server}.log" >&2
  exit 1
}

stop_server() {
  kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# Registers the demo customer Alex, saves a bank account; sets COOKIE and METHOD_ID.
sign_in() {
  local jar="$work/cookies" api=(curl -fsS -o /dev/null -c "$work/cookies" -b "$work/cookies" -H 'accept: application/json')
  rm -f "$jar"
  "${api[@]}" --data 'number=12345678-1234567&zip=97501' "$BASE/api/find_account"
  "${api[@]}" --data 'email=load@example.com&password=river+stones+at+dawn&password_confirm=river+stones+at+dawn&accept_terms=on' \
    "$BASE/api/create_login"
  "${api[@]}" --data 'kind=echeck&account_type=checking&routing_number=021000021&account_number=11112222&account_number_confirm=11112222&bank_name=First+Test+Bank&holder_name=Alex+Rivera' \
    "$BASE/api/add_payment_method"
  COOKIE="aqueduct_session=$(awk '$6 == "aqueduct_session" { print $7 }' "$jar")"
  METHOD_ID="$(curl -fsS -b "$jar" -X POST -H 'accept: application/json' "$BASE/api/get_wallet" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["methods"][0]["id"])')"
  [ "$COOKIE" != "aqueduct_session=" ] || { echo "signing in failed" >&2; exit 1; }
  export COOKIE METHOD_ID
}

# A fresh database for the server: sets DB_URL (and PG_DB, which cleanup drops).
fresh_database() {
  if [ "$1" = sqlite ]; then
    rm -f "$work"/load.db*
    DB_URL="sqlite://$work/load.db?mode=rwc"
  else
    PG_DB="aqueduct_load_$$"
    psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1
    psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
    DB_URL="${PG_ADMIN_URL%/*}/$PG_DB"
  fi
}
