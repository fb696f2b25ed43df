#!/usr/bin/env bash
# skon evaluate --predictions: each row's pseudonym, probability and outcome for an analyst who
# continues in R or Python — the same probabilities `skon assess` gives, the AUC recomputed from
# the file equals the one reported, no raw id without --reveal-ids, nothing written on a failure.
# usage: evaluate_predictions.sh SKON SOURCE_DIR
set -euo pipefail
skon=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$work"
export SKON_ID_KEY="tests-only key, never a real one"
"$skon" -q generate --rows 20000 --seed 3 -o history.csv
"$skon" -q generate --rows 4000 --seed 4 --years 2020..2020 -o past.csv
"$skon" -q train --rules "$src/rules" --purpose early_warning --data history.csv -o m.json >/dev/null
"$skon" evaluate --model m.json --data past.csv --json --predictions p.csv >e.json
[[ $(head -1 p.csv) == "id,probability,outcome" ]] || fail "header: $(head -1 p.csv)"
! grep -q "S20" p.csv || fail "a raw id in the predictions"
python3 - p.csv e.json past.csv <<'PY' || fail "predictions"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
e = json.load(open(sys.argv[2]))
past = list(csv.DictReader(open(sys.argv[3])))
assert len(rows) == e["rows"] == len(past), (len(rows), e["rows"])
assert all(len(r["id"]) == 32 for r in rows)
assert [int(r["outcome"]) for r in rows] == [int(p["outcome"] in ("1", "true")) for p in past]
# The AUC from the file (ties counted half) is the one reported.
pairs = sorted((float(r["probability"]), int(r["outcome"])) for r in rows)
pos = sum(y for _, y in pairs); neg = len(pairs) - pos
rank_sum, i = 0.0, 0
while i < len(pairs):
    j = i
    while j < len(pairs) and pairs[j][0] == pairs[i][0]: j += 1
    rank_sum += (i + j + 1) / 2 * sum(y for _, y in pairs[i:j]); i = j
auc = (rank_sum - pos * (pos + 1) / 2) / (pos * neg)
assert abs(auc - e["auc"]) < 1e-9, (auc, e["auc"])
print("ok")
PY
# The same probabilities, to the last digit, as skon assess gives the same people.
bash "$src/tests/e2e/approve.sh" "$skon" "$src/rules" m.json log.sqlite
"$skon" -q assess --rules "$src/rules" --purpose early_warning --model m.json --data past.csv \
  --today 2026-11-26 --audit log.sqlite -o a.jsonl
python3 - p.csv a.jsonl <<'PY' || fail "evaluate and assess disagree"
import csv, json, sys
pred = {r["id"]: float(r["probability"]) for r in csv.DictReader(open(sys.argv[1]))}
n = 0
for line in open(sys.argv[2]):
    a = json.loads(line)
    if a["probability"] is None: continue
    assert pred[a["id"]] == a["probability"], (a["id"], pred[a["id"]], a["probability"])
    n += 1
assert n > 3000, n
PY
"$skon" evaluate --model m.json --data past.csv --predictions raw.csv --reveal-ids >/dev/null
grep -q "^S20" raw.csv || fail "--reveal-ids shows no raw id"
# No key: a usage error, and no file.
set +e; SKON_ID_KEY= "$skon" evaluate --model m.json --data past.csv --predictions nokey.csv 2>err.txt; rc=$?; set -e
[[ $rc == 2 ]] || fail "without a key: exit $rc"
[[ ! -e nokey.csv ]] && [[ -z $(find . -name '*.tmp-*') ]] || fail "a file was left without a key"
# Explicit class weights, as scikit-learn's class_weight={0: 1, 1: 3}; a malformed one is refused.
"$skon" -q train --rules "$src/rules" --purpose early_warning --data history.csv --class-weight 0:1,1:3 -o w.json >/dev/null
python3 -c "import json,sys; w = json.load(open('w.json'))['training']['class_weight']; sys.exit(w != {'negative': 1.0, 'positive': 3.0})" || fail "class weights not recorded"
set +e; "$skon" -q train --rules "$src/rules" --purpose early_warning --data history.csv --class-weight 1:3 -o w2.json 2>err.txt; rc=$?; set -e
[[ $rc == 2 ]] && [[ ! -e w2.json ]] || fail "a weight for one class only: $rc"
echo "evaluate --predictions: all checks passed"
