#!/usr/bin/env bash
# Lighthouse (npm lighthouse@12.2.3, Debian's Chromium, mobile emulation) for the sign-in
# page (a visitor) and the account overview (the demo customer, signed in), against the
# release build: prints the performance, accessibility and best-practices scores.
# Figures for docs/benchmarks.md. Needs the release build: see scripts/release-server.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/release-server.sh"
if ! command -v chromium >/dev/null; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
export CHROME_PATH="$(command -v chromium)"
export npm_config_cache="${npm_config_cache:-${AQUEDUCT_CACHE:-$HOME/.cache/aqueduct}/npm}"

fresh_database sqlite
start_server "$DB_URL"
sign_in
echo "| page | performance | accessibility | best practices |"
echo "|---|---|---|---|"
for page in /sign-in /account; do
  headers='{}'
  [ "$page" = /account ] && headers="{\"Cookie\": \"$COOKIE\"}"
  npx --yes lighthouse@12.2.3 "$BASE$page" --quiet --output=json --output-path="$work/report.json" \
    --only-categories=performance,accessibility,best-practices --extra-headers="$headers" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null 2>"$work/lighthouse.log" \
    || { cat "$work/lighthouse.log" >&2; exit 1; }
  # LIGHTHOUSE_REPORTS=DIR keeps each page's whole report (its trace's long tasks and so on).
  if [ -n "${LIGHTHOUSE_REPORTS:-}" ]; then
    mkdir -p "$LIGHTHOUSE_REPORTS" && cp "$work/report.json" "$LIGHTHOUSE_REPORTS/${page//\//_}.json"
  fi
  python3 - "$work/report.json" "$page" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
c = report["categories"]
score = lambda k: round(100 * (c[k]["score"] or 0))
print(f"| {sys.argv[2]} | {score('performance')} | {score('accessibility')} | {score('best-practices')} |")
metric = lambda k, unit: f"{k} {report['audits'][k]['numericValue']:.0f}{unit}"
print("    " + ", ".join(metric(k, " ms") for k in
      ["first-contentful-paint", "largest-contentful-paint", "speed-index", "total-blocking-time"])
      + f", cumulative-layout-shift {report['audits']['cumulative-layout-shift']['numericValue']:.3f}")
failing = [a["title"] for a in report["audits"].values()
           if a.get("score") is not None and a["score"] < 0.9 and a.get("scoreDisplayMode") in ("binary", "numeric")]
if failing:
    print("    below 90: " + "; ".join(failing[:8]))
PY
done
