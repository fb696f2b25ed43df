#!/usr/bin/env bash
# skon train and skon evaluate on real data, as an analyst runs them: model file and card are
# written (atomically, deterministically), evaluate agrees with train's own view of the data, and
# bad input stops with a clear message and exit 3 without leaving files behind.
# usage: train_evaluate.sh SKON TEST_DATA_DIR
set -euo pipefail
skon=$1 data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1790000000
args=(--rules "$data/uci697.skon" --purpose dropout --data "$data/uci697_dropout_academic_success.csv"
      --map "$data/uci697.map.json" --target Target --positive Dropout)
fail() { echo "FAIL: $*"; exit 1; }

"$skon" train "${args[@]}" -o "$work/m.json" >"$work/train.out"
grep -q "trained $work/m.json for purpose dropout on 3539 rows" "$work/train.out" || { cat "$work/train.out"; fail "train summary"; }
grep -q "^validation: 5-fold" "$work/train.out" || fail "validation scheme"
[[ -s "$work/m.card.md" ]] || fail "model card missing"
grep -q "## Must not be used for" "$work/m.card.md" || fail "card lacks its limits"

# Deterministic: the same inputs give a byte-identical model file.
"$skon" train "${args[@]}" -o "$work/m2.json" >/dev/null
cmp -s "$work/m.json" "$work/m2.json" || fail "two trainings differ"

"$skon" evaluate --model "$work/m.json" --data "$data/uci697_dropout_academic_success.csv" \
  --map "$data/uci697.map.json" --target Target --positive Dropout --by Gender --json >"$work/eval.json"
grep -q '^  "rows": 4424,$' "$work/eval.json" || fail "evaluate rows"
grep -Eq '^  "auc": 0\.(8[5-9]|9[0-4])[0-9]*,$' "$work/eval.json" || fail "evaluate auc"
grep -q '"tp": 430' "$work/eval.json" && grep -q '"fp": 13' "$work/eval.json" || fail "capacity confusion"
grep -q '"group": "1"' "$work/eval.json" && grep -q '"group": "0"' "$work/eval.json" || fail "groups by Gender"

# Unknown purpose: exit 3 with a suggestion, nothing written.
set +e
"$skon" train "${args[@]/dropout/dropuot}" -o "$work/x.json" 2>"$work/err.txt"; rc=$?
set -e
[[ $rc -eq 3 ]] || fail "unknown purpose exit $rc"
grep -q "did you mean 'dropout'" "$work/err.txt" || { cat "$work/err.txt"; fail "no suggestion"; }
[[ ! -e "$work/x.json" ]] || fail "a model was written after an error"

# A bad value: exit 3 naming row and column; with skip, a rejects file.
# Row 10 gets an admission grade of 999.5 (field 13; declared 0..200).
head -50 "$data/uci697_dropout_academic_success.csv" |
  awk 'BEGIN { FS = OFS = ";" } NR == 11 { $13 = "999.5" } { print }' >"$work/bad.csv"
set +e
"$skon" train "${args[@]/$data\/uci697_dropout_academic_success.csv/$work/bad.csv}" -o "$work/y.json" 2>"$work/err.txt"; rc=$?
set -e
[[ $rc -eq 3 ]] || fail "bad value exit $rc"
grep -q "row 10 (line 11), column 'Admission grade': expected a number in 0..200" "$work/err.txt" || { cat "$work/err.txt"; fail "bad value message"; }
! grep -q "999" "$work/err.txt" || fail "the error message shows the cell's value"
[[ ! -e "$work/y.json" ]] || fail "a model was written after an error"
"$skon" train "${args[@]/$data\/uci697_dropout_academic_success.csv/$work/bad.csv}" --on-bad-row skip -o "$work/y.json" >"$work/out.txt"
grep -q "1 rows skipped; reasons in $work/y.json.rejects.csv" "$work/out.txt" || { cat "$work/out.txt"; fail "skip summary"; }
grep -q "expected a number in 0..200" "$work/y.json.rejects.csv" || fail "rejects file"
! grep -q "999.5" "$work/y.json.rejects.csv" || fail "the rejects file holds the row's values"
[[ -z "$(ls "$work" | grep tmp)" ]] || fail "temporary files left behind"
echo "train/evaluate ok"
