#!/usr/bin/env bash
# Fuzzes every parser of outside input with cargo-fuzz (libFuzzer), a bounded number of
# runs each: bash scripts/fuzz.sh [runs per target, default 10000000] [target ...]
#
# The targets (fuzz/fuzz_targets/): the customer-account number, ZIP code, email, routing
# number, bank account number, card number, expiry, the CSV import rows (accounts, bills,
# FedACH), the NACHA writer read back by the reader, and the bank's return/NOC files
# (ach_answers). A crash stops the script and
# leaves its input in fuzz/artifacts/<target>/.
#
# cargo-fuzz comes from crates.io. libFuzzer's coverage needs only stable flags here
# (no sanitizer); RUSTC_BOOTSTRAP lets the stable toolchain accept the one unstable flag
# cargo-fuzz passes, since no nightly toolchain can be installed on these machines.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${AQUEDUCT_CACHE:-$HOME/.cache/aqueduct}/target}-fuzz"
runs="${1:-10000000}"
shift || true
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
cd "$ROOT/fuzz"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
export RUSTC_BOOTSTRAP=1
for target in "${targets[@]}"; do
  echo "==> $target: $runs runs"
  started=$SECONDS
  log="$CARGO_TARGET_DIR/$target.log"
  mkdir -p "$CARGO_TARGET_DIR"
  status=0
  cargo fuzz run --sanitizer none "$target" -- -runs="$runs" -max_len=4096 -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)|panicked|SUMMARY|deadly signal' "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -40 "$log" >&2
    echo "$target FAILED: the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  echo "    $target: no crash in $((SECONDS - started)) s"
done
