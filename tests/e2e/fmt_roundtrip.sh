#!/usr/bin/env bash
# skon fmt as a user meets it: --check reports, fmt rewrites atomically, a second run changes
# nothing, and a file with a syntax error is never touched.
# usage: fmt_roundtrip.sh SKON GOLDEN_DIR
set -euo pipefail
skon=$1 golden=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$golden/messy.skon" "$work/messy.skon"
cd "$work"

set +e
"$skon" fmt --check messy.skon >out.txt; rc=$?
set -e
[[ $rc -eq 1 ]] || { echo "fmt --check on a messy file: exit $rc, expected 1"; exit 1; }
grep -q "would reformat messy.skon" out.txt || { echo "fmt --check did not name the file"; cat out.txt; exit 1; }
cmp -s messy.skon "$golden/messy.skon" || { echo "fmt --check changed the file"; exit 1; }

"$skon" fmt messy.skon >out.txt
diff -u "$golden/messy.formatted" messy.skon || { echo "formatted text differs from golden"; exit 1; }
"$skon" fmt --check messy.skon >out.txt || { echo "second fmt --check failed: not idempotent"; exit 1; }
[[ -z "$(ls -A | grep -v -e '^messy.skon$' -e '^out.txt$')" ]] || { echo "temporary files left behind"; ls -A; exit 1; }

printf 'rule r {\n  when x >=\n}\n' >broken.skon
cp broken.skon broken.orig
set +e
"$skon" fmt broken.skon >out.txt 2>err.txt; rc=$?
set -e
[[ $rc -eq 3 ]] || { echo "fmt on a broken file: exit $rc, expected 3"; exit 1; }
cmp -s broken.skon broken.orig || { echo "fmt rewrote a file it could not parse"; exit 1; }
grep -q "error\[E0101\]" err.txt || { echo "no syntax error reported"; cat err.txt; exit 1; }
echo "fmt round trip ok"
