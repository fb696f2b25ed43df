#!/usr/bin/env bash
# Runs bench_parse_check with its peer: installs Cedar's wasm build from npm into a temporary
# folder, then prints Skøn's and Cedar's parse+check throughput on the same rules and the ratio.
#   bash tests/bench/parse_check.sh [build/release]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build/release}
peer=$(mktemp -d)
trap 'rm -rf "$peer"' EXIT
if command -v npm >/dev/null && (cd "$peer" && npm install --silent --no-audit --no-fund @cedar-policy/cedar-wasm@4 >/dev/null 2>&1); then
  "$build/tests/bench/bench_parse_check" --peer-cedar "$peer/node_modules/@cedar-policy/cedar-wasm/nodejs" \
    --peer-script "$here/cedar_peer.mjs"
else
  echo "npm or @cedar-policy/cedar-wasm unavailable: running without the peer" >&2
  "$build/tests/bench/bench_parse_check"
fi
