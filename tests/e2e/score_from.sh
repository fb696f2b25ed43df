#!/usr/bin/env bash
# A purpose that takes its probability from the data (`score from FIELD`, docs/language.md):
# bands apply to the field's value; a missing score is a data gap that requires review (never a
# made-up score); a score outside 0..1 is a data error; no model can be given or trained; and
# `skon evaluate --rules --purpose` measures the score and enforces the purpose's quality gates.
# usage: score_from.sh SKON SOURCE_DIR
set -euo pipefail
skon=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export SKON_ID_KEY="tests-only key, never a real one"
rules="$src/docs/examples/external_score.skon"
today=(--today 2026-06-01)

# 400 people with a calibrated score (the outcome drawn with the score's probability); person
# P0007 has no score.
awk 'BEGIN {
  srand(7); print "id,risk_score,absence_pct,outcome"
  for (i = 1; i <= 400; i++) {
    s = rand() ^ 2
    y = rand() < s ? 1 : 0
    printf "P%04d,%s,%.1f,%d\n", i, i == 7 ? "" : sprintf("%.3f", s), 30 * rand(), y
  }
}' >"$work/cohort.csv"

"$skon" check --strict "$rules" >/dev/null || fail "the example does not pass check --strict"
"$skon" test "$rules" >/dev/null || fail "the example's tests fail"

"$skon" -q assess --rules "$rules" --purpose external_watch --data "$work/cohort.csv" \
  "${today[@]}" --reveal-ids -o "$work/out.jsonl"
python3 - "$work/out.jsonl" "$work/cohort.csv" <<'PY' || fail "records"
import csv, json, sys
records = {r["id"]: r for r in map(json.loads, open(sys.argv[1]))}
rows = {r["id"]: r for r in csv.DictReader(open(sys.argv[2]))}
assert len(records) == 400, len(records)
bands = [(0.15, "low"), (0.4, "medium"), (2, "high")]
for pid, row in rows.items():
    r = records[pid]
    if row["risk_score"] == "":
        assert r["probability"] is None and r["model_level"] is None, r
        assert r["review"]["required"] and any(x["id"] == "missing_score" for x in r["review"]["reasons"]), r
        continue
    s = float(row["risk_score"])
    assert abs(r["probability"] - s) < 1e-12, (pid, r["probability"], s)
    band = next(name for below, name in bands if s < below)
    assert r["model_level"] == band, (pid, r["model_level"], band)
    assert r["trace"][0] == {"to": band, "by": "score"}, r["trace"]
    assert not any(x["id"] == "missing_score" for x in r["review"]["reasons"]), r
print("ok")
PY
python3 -c "import json,sys; m=json.load(open(sys.argv[1])); assert m['score_from']=='risk_score' and m['model'] is None, m" \
  "$work/out.jsonl.run.json" || fail "the manifest does not name the score's field"

# The card says where the score comes from.
"$skon" explain --rules "$rules" --purpose external_watch --data "$work/cohort.csv" "${today[@]}" \
  --id P0001 --lang en >"$work/card.txt"
grep -q "Score from Frafaldsscore fra datavarehuset: " "$work/card.txt" || fail "card: $(cat "$work/card.txt")"

# A score outside 0..1 is a data error named by row and column, never by its value.
sed '3s/^\(P0002\),[^,]*,/\1,1.7,/' "$work/cohort.csv" >"$work/bad.csv"
if "$skon" -q assess --rules "$rules" --purpose external_watch --data "$work/bad.csv" "${today[@]}" \
  -o "$work/bad.jsonl" 2>"$work/bad.err"; then fail "a score of 1.7 was accepted"; fi
grep -q "column 'risk_score'" "$work/bad.err" || fail "bad score: $(cat "$work/bad.err")"
grep -q "1\.7" "$work/bad.err" && fail "the error shows the cell's value"
[[ ! -e "$work/bad.jsonl" ]] || fail "a failed run left its output"

# No model: none can be given, none trained.
"$skon" -q generate --rows 2000 --seed 3 -o "$work/history.csv"
"$skon" -q train --rules "$src/rules" --purpose early_warning --data "$work/history.csv" \
  -o "$work/ew.model.json" >/dev/null
if "$skon" -q assess --rules "$rules" --purpose external_watch --data "$work/cohort.csv" \
  "${today[@]}" --model "$work/ew.model.json" -o "$work/m.jsonl" 2>"$work/m.err"; then
  fail "a model was accepted for a score purpose"
fi
grep -q "E0308" "$work/m.err" || fail "model given: $(cat "$work/m.err")"
if "$skon" -q train --rules "$rules" --purpose external_watch --data "$work/cohort.csv" \
  -o "$work/x.model.json" 2>"$work/t.err"; then fail "a score purpose was trained"; fi
grep -q "no model to train" "$work/t.err" || fail "train: $(cat "$work/t.err")"

# evaluate: the score meets the example's gates; a stricter gate fails with E0310 and exit 1.
"$skon" evaluate --rules "$rules" --purpose external_watch --data "$work/cohort.csv" >"$work/ev.txt" \
  || fail "evaluate: $(cat "$work/ev.txt")"
grep -q "score  field risk_score of purpose external_watch, 1 row with an outcome but no score left out" \
  "$work/ev.txt" || fail "evaluate header: $(head -2 "$work/ev.txt")"
grep -q "quality gates: all 2 met" "$work/ev.txt" || fail "gates: $(tail -2 "$work/ev.txt")"
sed 's/gate auc >= 0.6/gate auc >= 0.99/' "$rules" >"$work/strict.skon"
set +e
"$skon" evaluate --rules "$work/strict.skon" --purpose external_watch --data "$work/cohort.csv" \
  >"$work/ev2.txt" 2>"$work/ev2.err"
rc=$?
set -e
[[ $rc == 1 ]] || fail "a failed gate exits $rc"
grep -q "error\[E0310\]: the score's auc is" "$work/ev2.err" || fail "E0310: $(cat "$work/ev2.err")"
grep -q "1 of 2 not met" "$work/ev2.txt" || fail "summary: $(tail -2 "$work/ev2.txt")"
"$skon" evaluate --rules "$rules" --purpose external_watch --data "$work/cohort.csv" --json \
  | python3 -c "import json,sys; j=json.load(sys.stdin); assert j['score_from']=='risk_score' and j['gates']=={'count':2,'failed':0} and j['rows_without_score']==1, j" \
  || fail "evaluate --json"
if "$skon" evaluate --rules "$src/rules" --purpose early_warning --data "$work/cohort.csv" 2>"$work/ev3.err"; then
  fail "evaluate --purpose accepted a model purpose"
fi
grep -q "evaluate its model with --model" "$work/ev3.err" || fail "model purpose: $(cat "$work/ev3.err")"
echo "score from: all checks passed"
