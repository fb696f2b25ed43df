#!/usr/bin/env bash
# Runs one skon command and checks its exit code and output.
# usage: run_cli.sh EXIT STDOUT_GOLDEN STDERR_GOLDEN STDOUT_REGEX STDERR_REGEX SKON ARGS...
# Empty golden/regex arguments are not checked. With SKON_UPDATE_GOLDEN=1 golden files are
# rewritten from the actual output and the test passes.
set -uo pipefail
expected_exit=$1 stdout_golden=$2 stderr_golden=$3 stdout_regex=$4 stderr_regex=$5
shift 5
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$@" >"$out" 2>"$err" </dev/null
actual_exit=$?
status=0
fail() { echo "FAIL: $*"; status=1; }
if [[ "$actual_exit" != "$expected_exit" ]]; then
  fail "exit code $actual_exit, expected $expected_exit"
fi
check_golden() {  # $1 actual file, $2 golden file, $3 stream name
  [[ -z "$2" ]] && return
  if [[ "${SKON_UPDATE_GOLDEN:-0}" == 1 ]]; then cp "$1" "$2"; return; fi
  if ! diff -u "$2" "$1" >/dev/null; then
    fail "$3 differs from $2:"; diff -u "$2" "$1" | head -60
  fi
}
check_golden "$out" "$stdout_golden" stdout
check_golden "$err" "$stderr_golden" stderr
if [[ -n "$stdout_regex" ]] && ! grep -qE -- "$stdout_regex" "$out"; then fail "stdout lacks /$stdout_regex/"; fi
if [[ -n "$stderr_regex" ]] && ! grep -qE -- "$stderr_regex" "$err"; then fail "stderr lacks /$stderr_regex/"; fi
if [[ $status -ne 0 ]]; then
  echo "--- command: $*"; echo "--- stdout:"; head -40 "$out"; echo "--- stderr:"; head -40 "$err"
fi
exit $status
