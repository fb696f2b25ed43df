#!/usr/bin/env bash
# A rule outside its `effective` period never fires — through every door that assesses: skon
# assess (on the clock's day and as a replay with --today), skon explain, and skon diff --cohort.
# (Issue 22: the per-worker assessors of `assess` once forgot the date and fired a rule that had
# ended; the tests of the time went through `explain` only.)
# usage: effective_dates.sh SKON TEST_DATA_DIR
set -euo pipefail
skon=$1 data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SKON_ID_KEY="tests-only key, never a real one"
fail() { echo "FAIL: $*"; exit 1; }

# The UCI cohort with an id and its columns named as the fields (skon diff reads fields by name).
python3 - "$data/uci697_dropout_academic_success.csv" "$data/uci697.map.json" "$work/cohort.csv" <<'PY'
import csv, json, sys
header_of = json.load(open(sys.argv[2]))
field_of = {h: f for f, h in header_of.items()}
rows = list(csv.reader(open(sys.argv[1], newline=""), delimiter=";"))
with open(sys.argv[3], "w", newline="") as out:
    w = csv.writer(out)
    w.writerow(["id"] + [field_of.get(h, h) for h in rows[0]])
    for i, r in enumerate(rows[1:], 1):
        w.writerow(["S%d" % i] + r)
PY
mkdir "$work/old" "$work/new"
cp "$data/uci697.skon" "$work/old/"
cp "$data/uci697.skon" "$work/new/"
# Written for this test: a rule that ended in 2021 and one that starts in 2099, both true for
# everyone whose admission grade is known.
cat >>"$work/new/uci697.skon" <<'SKON'

rule ended_2021 "Et kriterium der udløb i 2021" in dropout {
  effective from 2020-01-01 to 2021-12-31
  when admission_grade >= 0
  flag "udløbet kriterium"
  raise level to high because "udløbet kriterium"
}

rule starts_2099 "Et kriterium der først gælder fra 2099" in dropout {
  effective from 2099-01-01
  when admission_grade >= 0
  flag "fremtidigt kriterium"
}
SKON
"$skon" check "$work/new" >/dev/null || fail "the test's rule set does not check"
common=(--purpose dropout)
"$skon" train --rules "$work/old" "${common[@]}" --data "$work/cohort.csv" --target Target \
  --positive Dropout -o "$work/m.json" >/dev/null
people=$(($(wc -l <"$work/cohort.csv") - 1))
run=(--rules "$work/new" "${common[@]}" --model "$work/m.json" --data "$work/cohort.csv")

fired() { grep -c "\"$1\"" "$2" || true; }

# 1. skon assess on the clock's day: neither fires; the manifest says why.
"$skon" -q assess "${run[@]}" -o "$work/today.jsonl"
[[ $(wc -l <"$work/today.jsonl") -eq $people ]] || fail "assess: expected $people records"
[[ $(fired ended_2021 "$work/today.jsonl") -eq 0 ]] || fail "assess fired a rule that ended in 2021"
[[ $(fired starts_2099 "$work/today.jsonl") -eq 0 ]] || fail "assess fired a rule that starts in 2099"
python3 - "$work/today.jsonl.run.json" <<'PY' || fail "manifest: in_effect"
import json, sys
rules = {r["name"]: r for r in json.load(open(sys.argv[1]))["rules_used"]}
assert rules["ended_2021"]["in_effect"] is False and rules["starts_2099"]["in_effect"] is False
assert rules["nothing_passed"]["in_effect"] is True
PY

# 2. A replay after the end: the same. 3. A replay inside the period: it fires for everyone
# with a known admission grade, and raises them.
"$skon" -q assess "${run[@]}" --today 2026-11-26 -o "$work/later.jsonl"
[[ $(fired ended_2021 "$work/later.jsonl") -eq 0 ]] || fail "a replay of 2026 fired a rule that ended in 2021"
"$skon" -q assess "${run[@]}" --today 2021-06-01 -o "$work/then.jsonl"
[[ $(fired ended_2021 "$work/then.jsonl") -eq $people ]] || fail "a replay of 2021 did not fire the rule in effect then"
[[ $(fired starts_2099 "$work/then.jsonl") -eq 0 ]] || fail "a replay of 2021 fired a rule of 2099"
[[ $(grep -c '"level":"high"' "$work/then.jsonl") -eq $people ]] || fail "the rule of 2021 did not raise everyone in 2021"

# 4. skon explain: the card lists the rule as not in effect, never as fired.
"$skon" explain "${run[@]}" --id S1 --today 2026-11-26 --lang en >"$work/card.txt"
! grep -q "udløbet kriterium" "$work/card.txt" || fail "explain shows the ended rule's flag"

# 5. skon diff --cohort: adding the two rules moves nobody today, and everyone in 2021.
"$skon" diff "$work/old" "$work/new" --purpose dropout --cohort "$work/cohort.csv" \
  --model "$work/m.json" --today 2026-11-26 \
  --format json -o "$work/diff_today.json" || [[ $? == 1 ]]
"$skon" diff "$work/old" "$work/new" --purpose dropout --cohort "$work/cohort.csv" \
  --model "$work/m.json" --today 2021-06-01 \
  --format json -o "$work/diff_then.json" || [[ $? == 1 ]]
python3 - "$work/diff_today.json" "$work/diff_then.json" "$people" <<'PY' || fail "diff --cohort"
import json, sys
today, then, people = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
def fired(d, rule):  # people the rule fired for under the new rules (0 when it never did)
    return d["impact"]["fired"].get(rule, [0, 0])[1]
assert fired(today, "ended_2021") == 0 and fired(today, "starts_2099") == 0, today["impact"]["fired"]
assert fired(then, "ended_2021") == people and fired(then, "starts_2099") == 0, then["impact"]["fired"]
assert then["impact"]["level_up_down"]["gained"] > 0 and today["impact"]["level_up_down"]["gained"] == 0
PY
echo "effective dates hold through assess, a replay, explain and diff --cohort"
