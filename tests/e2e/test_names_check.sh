#!/usr/bin/env bash
# Every doctest case is one ctest entry: a name with ';' is split by CMake into two entries that
# run nothing and pass (HOUSE.md). Compares the cases the binary has with what ctest registered.
# usage: test_names_check.sh SKON_TESTS BUILD_DIR
set -euo pipefail
tests=$1 build=$2
cases=$("$tests" --list-test-cases --no-version | grep -v -e '^\[doctest\]' -e '^=*$' || true)
bad=$(grep ';' <<<"$cases" || true)
[[ -z "$bad" ]] || { echo "test names with ';' (rename them): $bad"; exit 1; }
n_cases=$(grep -c . <<<"$cases")
n_ctest=$(cd "$build" && ctest -N -L unit | sed -n 's/^Total Tests: //p')
[[ "$n_cases" -eq "$n_ctest" ]] || { echo "$n_cases doctest cases but $n_ctest ctest unit entries"; exit 1; }
echo "$n_cases test cases, one ctest entry each"
