#!/usr/bin/env bash
# Installs what building Aqueduct needs, once, and is a no-op after that. Sourced by
# scripts/run.sh and scripts/test.sh. Nothing here downloads a prebuilt binary from the
# internet: the tools come from crates.io, npm and Debian's packages.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${AQUEDUCT_CACHE:-$HOME/.cache/aqueduct}"
# Build output and npm's cache live outside the clone, so a fresh clone builds incrementally.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
# Incremental artefacts of the workspace crates take gigabytes; CI does without them.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi
export npm_config_cache="${npm_config_cache:-$CACHE/npm}"
TOOLS="$CACHE/tools"
mkdir -p "$CARGO_TARGET_DIR" "$TOOLS" "$npm_config_cache"
export PATH="$HOME/.cargo/bin:$TOOLS/node_modules/.bin:$PATH"

CARGO_LEPTOS_VERSION=0.3.10   # 0.3.11 needs a newer rustc than the pinned toolchain
BINARYEN_VERSION=132

step() { printf '\n==> %s\n' "$*"; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

# test.sh checks the formatting and runs clippy before the tests.
for component in clippy rustfmt; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    step "adding the $component component"
    rustup component add "$component"
  fi
done

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  step "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')"
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lockfile names a crate version this registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# wasm-opt from npm's binaryen (Debian's is too old for today's wasm features).
if ! wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
  step "installing wasm-opt (binaryen $BINARYEN_VERSION from npm)"
  npm install --prefix "$TOOLS" --no-audit --no-fund "binaryen@$BINARYEN_VERSION" >/dev/null
fi
