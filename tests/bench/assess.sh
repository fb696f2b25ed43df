#!/usr/bin/env bash
# Runs bench_assess with both peers: pandas + scikit-learn (system python3) and json-rules-engine
# (installed from npm into a temporary folder).
#   bash tests/bench/assess.sh [build/release]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build/release}
peer=$(mktemp -d)
trap 'rm -rf "$peer"' EXIT
if command -v npm >/dev/null && (cd "$peer" && npm install --silent --no-audit --no-fund json-rules-engine >/dev/null 2>&1); then
  "$build/tests/bench/bench_assess" --skon "$build/cli/skon" --jre "$peer/node_modules"
else
  echo "npm or json-rules-engine unavailable: running without that peer" >&2
  "$build/tests/bench/bench_assess" --skon "$build/cli/skon"
fi
