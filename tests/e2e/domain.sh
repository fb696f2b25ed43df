#!/usr/bin/env bash
# The dropout domain as a user meets it: the shipped rules check cleanly and their tests pass,
# `skon generate` is deterministic per seed and honest about its options, a dirty export is
# caught row by row, and the README's main job (setup.sh demo-pipeline) writes everything into
# one folder.
# usage: domain.sh SKON SOURCE_DIR
set -euo pipefail
skon=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$src"

# generate: same seed, same bytes; another seed, other people; --current has no outcome.
"$skon" -q generate --rows 3000 --seed 7 -o "$work/a.csv"
"$skon" -q generate --rows 3000 --seed 7 -o "$work/b.csv"
cmp -s "$work/a.csv" "$work/b.csv" || fail "same seed gave different files"
"$skon" -q generate --rows 3000 --seed 8 -o "$work/c.csv"
cmp -s "$work/a.csv" "$work/c.csv" && fail "another seed gave the same file"
[[ $(wc -l <"$work/a.csv") -eq 3001 ]] || fail "expected a header and 3000 rows"
head -1 "$work/a.csv" | grep -q ',outcome$' || fail "historical cohort without outcome column"
"$skon" -q generate --rows 100 --seed 7 --current --years 2026 -o "$work/now.csv"
head -1 "$work/now.csv" | grep -q 'outcome' && fail "--current still has an outcome"
awk -F, 'NR > 1 && $2 != 2026 { bad = 1 } END { exit bad }' "$work/now.csv" || fail "--years 2026 not honoured"
awk -F, 'NR > 1 && ($2 < 2015 || $2 > 2019) { bad = 1 } END { exit bad }' "$work/a.csv" || fail "default years"
set +e
"$skon" generate --rows 10 --years 2019..2015 -o "$work/x.csv" 2>"$work/err.txt"; rc=$?
set -e
[[ $rc -eq 2 ]] || fail "reversed --years: exit $rc"
grep -q "FIRST..LAST" "$work/err.txt" || fail "reversed --years message"
[[ ! -e "$work/x.csv" ]] || fail "written despite a usage error"
set +e
"$skon" generate --rows 10 -o "$work/no/such/folder/x.csv" 2>"$work/err.txt"; rc=$?
set -e
[[ $rc -eq 3 ]] || fail "unwritable output: exit $rc"
grep -q "cannot write '$work/no/such/folder/x.csv'" "$work/err.txt" || { cat "$work/err.txt"; fail "unwritable output message"; }

# --dirty: the clean rows are the same people; the dirty ones are rejected with row and column.
"$skon" -q generate --rows 3000 --seed 7 --dirty -o "$work/dirty.csv"
[[ $(wc -l <"$work/dirty.csv") -gt 3001 ]] || fail "--dirty duplicated no line"
[[ -n $(comm -23 <(sort "$work/a.csv") <(sort -u "$work/dirty.csv")) ]] || fail "--dirty changed nothing"
# (Trained on more rows: on a small test year the group gaps are too noisy to pass the gate.)
"$skon" -q generate --rows 20000 --seed 9 -o "$work/train.csv"
"$skon" -q train --rules rules/ --purpose early_warning --data "$work/train.csv" -o "$work/m.json" >/dev/null
export SKON_ID_KEY="tests-only key, never a real one"
bash tests/e2e/approve.sh "$skon" rules/ "$work/m.json" "$work/audit.sqlite"  # the purpose requires it
assess=(assess --rules rules/ --purpose early_warning --model "$work/m.json" --today 2026-11-26 --audit "$work/audit.sqlite")
set +e
"$skon" "${assess[@]}" --data "$work/dirty.csv" -o "$work/d.jsonl" 2>"$work/err.txt"; rc=$?
set -e
[[ $rc -eq 3 ]] || fail "dirty export accepted: exit $rc"
grep -Eq "row [0-9]+.*column" "$work/err.txt" || { cat "$work/err.txt"; fail "error without row and column"; }
[[ ! -e "$work/d.jsonl" ]] || fail "output written despite a bad row"
# The export's duplicated lines are the same person twice: refused even when bad rows are
# skipped, naming both rows; without them, the bad rows are skipped into the rejects file.
set +e
"$skon" "${assess[@]}" --data "$work/dirty.csv" --missing NA --on-bad-row=skip -o "$work/d.jsonl" \
  2>"$work/err.txt"; rc=$?
set -e
[[ $rc -eq 3 ]] || fail "a duplicated person was accepted: exit $rc"
grep -Eq "rows [0-9]+ \(line [0-9]+\) and [0-9]+ \(line [0-9]+\) have the same id" "$work/err.txt" ||
  { cat "$work/err.txt"; fail "duplicate id message"; }
[[ ! -e "$work/d.jsonl" ]] || fail "output written despite a duplicated id"
awk '!seen[$0]++' "$work/dirty.csv" >"$work/dirty_once.csv"
"$skon" "${assess[@]}" --data "$work/dirty_once.csv" --missing NA --on-bad-row=skip -o "$work/d.jsonl" \
  2>"$work/summary.txt"
grep -Eq "[1-9][0-9]* rejected" "$work/summary.txt" || { cat "$work/summary.txt"; fail "no row rejected"; }
[[ -s "$work/d.jsonl.rejects.csv" ]] || fail "no rejects file"
# Rejected rows are named by line, row, reason and pseudonym: no raw id, no cell value.
! grep -q "S20[0-9][0-9]-" "$work/d.jsonl.rejects.csv" || fail "the rejects file holds raw ids"
! tail -n +2 "$work/d.jsonl.rejects.csv" | grep -Ev ',"[0-9a-f]{32}"$' | grep -q . ||
  fail "a rejected row without its pseudonym: $(sed -n 2p "$work/d.jsonl.rejects.csv")"
[[ $(stat -c %a "$work/d.jsonl.rejects.csv") == 600 ]] || fail "the rejects file is readable by others"
[[ $(stat -c %a "$work/d.jsonl") == 600 ]] || fail "the assessments are readable by others"

# The demo does not break with the calendar: once the shipped purposes' approval has ended it
# assesses as of the last approved day.
[[ $(bash setup.sh demo-date 2027-03-01) == 2027-03-01 ]] || fail "demo date inside the period"
[[ $(bash setup.sh demo-date 2031-01-15) == 2029-07-31 ]] || fail "demo date after the period"

# The README's main job, small.
SKON_TODAY=2026-11-26 bash setup.sh demo-pipeline "$skon" "$work/demo" 4000 1500 >"$work/demo.txt" 2>&1 ||
  { cat "$work/demo.txt"; fail "demo pipeline"; }
for f in history.csv holdout.csv current.csv early_warning.model.json early_warning.model.card.md \
         scenario_extended.model.json evaluation.txt evaluation.json assessments.jsonl assessments.csv \
         explanation.txt explanation.en.txt; do
  [[ -s "$work/demo/$f" ]] || fail "demo did not write $f"
done
[[ $(wc -l <"$work/demo/assessments.jsonl") -eq 1500 ]] || fail "demo: expected 1500 assessments"
grep -q "^assessed 1500 young people: high [0-9]" "$work/demo.txt" || { cat "$work/demo.txt"; fail "demo summary"; }
grep -q "Tidlig opsporing" "$work/demo/explanation.txt" || fail "demo card"
grep -Eq "[0-9]+ passed, 0 failed" "$work/demo.txt" || fail "demo: rule tests"
echo "ok"
