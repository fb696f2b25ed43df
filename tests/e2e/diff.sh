#!/usr/bin/env bash
# skon diff as a legal reviewer and an analyst use it: each kind of change is named in a reviewer's
# terms and classed (exit 1 when anything needs approval, 0 when all is informational); the impact
# on a cohort agrees person by person with two `skon assess` runs of the two versions (levels,
# reviews, precision and recall at capacity), its examples are real pseudonyms of people who
# moved; bad inputs get the messages `skon assess` gives.
# usage: diff.sh SKON SOURCE_DIR
set -euo pipefail
skon=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$work"
export SKON_ID_KEY="tests-only key, never a real one"
cp -r "$src/rules" old

# One change at a time: what the diff says, and its class.
expect_change() {  # NAME EXIT REGEX SED_SCRIPT FILE
  local name=$1 code=$2 regex=$3 script=$4 file=$5
  rm -rf new && cp -r old new
  sed -i "$script" "new/$file"
  cmp -s "old/$file" "new/$file" && fail "$name: the edit changed nothing"
  set +e; "$skon" diff old new --purpose early_warning >"$name.txt" 2>&1; local rc=$?; set -e
  [[ $rc == "$code" ]] || fail "$name: exit $rc, expected $code: $(cat "$name.txt")"
  grep -Eq -- "$regex" "$name.txt" || fail "$name: $(cat "$name.txt")"
}
expect_change threshold 1 "needs approval \(1\):|rule high_absence: threshold moved from 10 to 15" '0,/when absence_pct > 10/s//when absence_pct > 15/' early_warning.skon
expect_change forbid_removed 1 "forbidden field municipality: removed" 's/^  forbid sex, age, municipality/  forbid sex, age/' early_warning.skon
expect_change gate_loosened 1 "gate auc: loosened from >= 0.7 to >= 0.65" 's/^  gate auc >= 0.70/  gate auc >= 0.65/' early_warning.skon
expect_change gate_tightened 0 "informational \(1\):|gate auc: tightened from >= 0.7 to >= 0.75" 's/^  gate auc >= 0.70/  gate auc >= 0.75/' early_warning.skon
expect_change completeness 1 "completeness minimum: lowered from 70 % to 60 %" 's/^  completeness at least 70 %/  completeness at least 60 %/' early_warning.skon
expect_change band 1 "band low: threshold moved from below 0.15 to below 0.2" 's/^  bands low below 0.15,/  bands low below 0.2,/' early_warning.skon
expect_change review_weakened 1 "review trigger high_level: condition changed from .level >= high. to .level >= high and absence_pct > 50." 's/^  review high_level required when level >= high/  review high_level required when level >= high and absence_pct > 50/' early_warning.skon
expect_change review_added 0 "review trigger .absence_pct > 40.: added" 's/^  review high_level required when level >= high/  review required when absence_pct > 40 because "Meget højt fravær"\n&/' early_warning.skon
expect_change guidance 0 "guidance at high: changed from" 's/Tal med den unge først, alene/Tal altid med den unge først, alene/' early_warning.skon
expect_change legal_basis 1 "source absence · legal basis: changed" 's/legal_basis "Folkeskoleloven og bekendtgørelse om elevers fravær fra undervisningen i folkeskolen"/legal_basis "Folkeskoleloven"/' dictionary.skon
expect_change access 1 "source wellbeing · access for mentor: added" '/^source wellbeing/,/^}/s/accessible_to teacher, uu_counsellor$/accessible_to teacher, uu_counsellor, mentor/' dictionary.skon
expect_change approvers 1 "approving role school_head: removed" 's/^  requires approval by dpo, school_head/  requires approval by dpo/' early_warning.skon
"$skon" diff old old >same.txt || fail "identical rule sets differ: $(cat same.txt)"
grep -q "no change a reviewer would see" same.txt || fail "identical: $(cat same.txt)"

# The formats: JSON for tools, Markdown for a case file.
rm -rf new && cp -r old new && sed -i '0,/when absence_pct > 10/s//when absence_pct > 15/' new/early_warning.skon
set +e; "$skon" diff old new --format json >d.json; "$skon" diff old new --format md >d.md; set -e
python3 - d.json <<'PY' || fail "json"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["needs_approval"] is True and j["format"] == "skon-diff"
c = [c for c in j["changes"] if c["kind"] == "threshold_moved"]
assert c and c[0]["from"] == "10" and c[0]["to"] == "15" and c[0]["class"] == "needs approval", c
PY
grep -q "| \*\*needs approval\*\* | purpose early_warning | rule high_absence | threshold moved" d.md || fail "md: $(cat d.md)"

# The impact on a past year, against two assess runs of the two versions.
"$skon" -q generate --rows 20000 --seed 3 -o history.csv
"$skon" -q generate --rows 6000 --seed 4 --years 2020..2020 -o past.csv
"$skon" -q train --rules old --purpose early_warning --data history.csv -o m.json >/dev/null
set +e
"$skon" diff old new --purpose early_warning --cohort past.csv --model m.json --today 2026-11-26 \
  --examples 3 --format json >impact.json
rc=$?
set -e
[[ $rc == 1 ]] || fail "impact: exit $rc"
for v in old new; do
  bash "$src/tests/e2e/approve.sh" "$skon" $v m.json log.sqlite
  "$skon" -q assess --rules $v --purpose early_warning --model m.json --data past.csv --today 2026-11-26 \
    --audit log.sqlite -o $v.jsonl
done
python3 - impact.json old.jsonl new.jsonl past.csv <<'PY' || fail "the impact disagrees with assess"
import csv, json, sys
impact = json.load(open(sys.argv[1]))["impact"]
old = [json.loads(l) for l in open(sys.argv[2])]
new = [json.loads(l) for l in open(sys.argv[3])]
outcome = [r["outcome"] in ("1", "true") for r in csv.DictReader(open(sys.argv[4]))]
lv = lambda r: r["level"] or "insufficient_data"
moves = {}
for a, b, y in zip(old, new, outcome):
    m = moves.setdefault((lv(a), lv(b)), [0, 0, []])
    m[0] += 1; m[1] += y; m[2].append(a["id"])
got = {(m["from"], m["to"]): m for m in impact["moves"]}
assert set(got) == set(moves), (sorted(got), sorted(moves))
for k, (n, d, ids) in moves.items():
    assert got[k]["people"] == n and got[k]["dropped_out"] == d, (k, got[k], n, d)
    if k[0] != k[1]:
        ex = got[k]["examples"]
        assert ex == ids[:3], (k, ex, ids[:3])  # the first in file order, real pseudonyms
gained = sum(1 for a, b in zip(old, new) if b["review"]["required"] and not a["review"]["required"])
lost = sum(1 for a, b in zip(old, new) if a["review"]["required"] and not b["review"]["required"])
assert (impact["review"]["gained"], impact["review"]["lost"]) == (gained, lost), impact["review"]
# Precision and recall at 10 % capacity, ranked by level then probability (bins of 1/4096).
order = {"low": 1, "medium": 2, "high": 3}
def at_capacity(rows):
    key = lambda i: (order.get(rows[i]["level"], 0), int(min(max(rows[i]["probability"] or 0, 0), 1) * 4095) if rows[i]["level"] else 0)
    ranked = sorted(range(len(rows)), key=key, reverse=True)
    k = int(0.1 * len(rows))
    hits = sum(outcome[i] for i in ranked[:k])
    return hits / k, hits / sum(outcome)
for side, (p, r) in enumerate([at_capacity(old), at_capacity(new)]):
    assert abs(impact["precision_at_capacity"][side] - p) < 0.01, (side, impact["precision_at_capacity"], p)
    assert abs(impact["recall_at_capacity"][side] - r) < 0.01, (side, impact["recall_at_capacity"], r)
print("ok")
PY
# A model change alone: --old-model.
"$skon" -q train --rules old --purpose early_warning --data history.csv --calibration none -o m2.json >/dev/null
"$skon" diff old old --purpose early_warning --cohort past.csv --old-model m.json --model m2.json --today 2026-11-26 >model.txt \
  || fail "a model change alone needs no rule approval: $(cat model.txt)"
grep -q "impact on the cohort (6000 people" model.txt || fail "model change: $(cat model.txt)"

# Bad input: other level scales, an unknown purpose, a cohort without a field either version reads.
mkdir scale && cat >scale/rules.skon <<'SKON'
levels low, high
role uu_counsellor "UU-vejleder"
source absence "Fravær" {
  holder school
  category ordinary
  legal_basis "Folkeskoleloven"
  accessible_to uu_counsellor
}
field absence_pct : number in 0..100 unit "%" from absence "Fravær"
purpose early_warning "Tidlig opsporing" {
  owner "UU"
  approved_by "Jurist"
  effective from 2026-01-01 to 2099-12-31
  roles uu_counsellor
  sources absence
}
rule high_absence "Højt fravær" in early_warning {
  when absence_pct > 10
  raise level to high because "Fravær"
}
SKON
set +e; "$skon" diff old scale 2>e.txt; rc=$?; set -e
[[ $rc == 3 ]] && grep -q "different level scales" e.txt || fail "level scales: $rc $(cat e.txt)"
set +e; "$skon" diff old new --purpose early_warnig 2>e.txt; rc=$?; set -e
[[ $rc == 3 ]] && grep -q "no purpose 'early_warnig' in either rule set" e.txt || fail "unknown purpose: $rc $(cat e.txt)"
cut -d, -f1-5 past.csv >narrow.csv
set +e
"$skon" diff old new --purpose early_warning --cohort narrow.csv --model m.json --today 2026-11-26 2>e_diff.txt; rc=$?
"$skon" assess --rules old --purpose early_warning --model m.json --data narrow.csv --today 2026-11-26 --audit log.sqlite -o x.jsonl 2>e_assess.txt
set -e
[[ $rc == 3 ]] || fail "a cohort without a field: exit $rc"
want=$(grep -m1 "column" e_assess.txt | sed 's/^skon assess: //')
[[ -n "$want" ]] && grep -qF "$want" e_diff.txt || fail "not the message assess gives: $(cat e_diff.txt) / $want"
set +e; "$skon" diff old new --model m.json 2>e.txt; rc=$?; set -e
[[ $rc == 2 ]] || fail "--model without --cohort: $rc"
echo "diff: all checks passed"
