#!/usr/bin/env bash
# Prints the raw, gzip and brotli size of each wasm, js and css file the portal serves.
# end2end/tests/first-load.spec.ts measures what a first visit downloads, in Chromium.
set -euo pipefail
dir="${1:-target/site/pkg}"
printf '%-28s %10s %10s %10s\n' file raw gzip brotli
total_raw=0; total_gz=0; total_br=0
for f in "$dir"/*.wasm "$dir"/*.js "$dir"/*.css; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  # `cargo leptos build --precompress` writes the .br file the server sends.
  if [ -f "$f.br" ]; then br=$(stat -c %s "$f.br"); else br=$( (brotli -c -q 11 "$f" 2>/dev/null || true) | wc -c); fi
  printf '%-28s %10d %10d %10d\n' "$(basename "$f")" "$raw" "$gz" "$br"
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
done
printf '%-28s %10d %10d %10d\n' total "$total_raw" "$total_gz" "$total_br"
