#!/usr/bin/env bash
# The shared fixture of the bad-input catalogue, made once per build (a ctest fixture): the
# shipped rules, a model trained for early_warning, a small current cohort and a key.
#   make_fixture.sh SKON SOURCE_DIR FIXTURE_DIR
set -euo pipefail
skon=$1 src=$2 dir=$3
rm -rf "$dir"
mkdir -p "$dir"
cp -r "$src/rules" "$dir/rules"
"$skon" -q generate --rows 20000 --seed 9 -o "$dir/history.csv"  # enough to pass the gates
"$skon" -q generate --rows 40 --seed 6 --current -o "$dir/cohort.csv"
"$skon" -q generate --rows 40 --seed 6 --current -o "$dir/cohort.jsonl"
SOURCE_DATE_EPOCH=1790000000 "$skon" -q train --rules "$dir/rules" --purpose early_warning \
  --data "$dir/history.csv" -o "$dir/m.json" >/dev/null
SOURCE_DATE_EPOCH=1790000000 "$skon" -q train --rules "$dir/rules" --purpose first_year \
  --data "$dir/history.csv" -o "$dir/m_first_year.json" >/dev/null
rm -f "$dir/history.csv"
# The shipped early_warning requires approval by its DPO and school head: the fixture's log holds
# them for this model, and every case assesses with a copy of it ($SKON_AUDIT, run_case.sh).
bash "$src/tests/e2e/approve.sh" "$skon" "$dir/rules" "$dir/m.json" "$dir/skon-audit.sqlite"
(umask 077 && printf '3f9a1c0b7e2d4a6f8b1c9d0e2f4a6b8c' >"$dir/key.txt")
echo "fixture ready in $dir"
