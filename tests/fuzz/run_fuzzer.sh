#!/usr/bin/env bash
# Runs a libFuzzer target for SECONDS over its seed corpora (read-only: new inputs go to a
# temporary folder), prints executions and coverage, and fails on any crash, leak or report.
#   run_fuzzer.sh FUZZER SECONDS [LIBFUZZER_FLAGS...] -- SEED_DIR...
set -euo pipefail
fuzzer=$1 seconds=$2
shift 2
flags=()
while [[ $# -gt 0 && $1 != "--" ]]; do flags+=("$1"); shift; done
shift || true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 "${flags[@]}" "$work" "$@" 2>fuzz.log || { tail -60 fuzz.log; exit 1; }
grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|cov:" fuzz.log | tail -3
