#!/usr/bin/env bash
# Consent (docs/language.md, "Consent"): a value without its consent is never read — a bad
# value there cannot stop the run — and shows as "not used (no consent)", not as a gap, in the
# JSON Lines record, the CSV and the card; with consent the same bad value is a data error.
# usage: consent.sh SKON SOURCE_DIR
set -euo pipefail
export SKON_ID_KEY="tests-only key, never a real one"
skon=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
rules="$src/docs/examples/consent.skon"
run=(--rules "$rules" --purpose wellbeing_followup --today 2026-11-01 --reveal-ids)

"$skon" test "$rules" >/dev/null || fail "the example's tests fail"
cat >"$work/cohort.csv" <<'CSV'
id,wellbeing_index,consent_wellbeing
refused,99,false
unknown,not a number,
given,1.5,true
gap,,true
CSV
"$skon" -q assess "${run[@]}" --data "$work/cohort.csv" -o "$work/out.jsonl" \
  || fail "values without consent stopped the run"
python3 - "$work/out.jsonl" <<'PY' || fail "records"
import json, sys
r = {x["id"]: x for x in map(json.loads, open(sys.argv[1]))}
for pid in ("refused", "unknown"):
    assert r[pid]["no_consent"] == ["wellbeing_index"], r[pid]
    assert r[pid]["gaps"] == [] and r[pid]["flags"] == [] and not r[pid]["review"]["required"], r[pid]
assert "no_consent" not in r["given"] and r["given"]["flags"][0]["rule"] == "low_wellbeing", r["given"]
assert r["gap"]["gaps"] == ["wellbeing_index"], r["gap"]
assert any(x["id"] == "no_wellbeing_data" for x in r["gap"]["review"]["reasons"]), r["gap"]
print("ok")
PY
"$skon" -q assess "${run[@]}" --data "$work/cohort.csv" --format csv -o "$work/out.csv"
head -1 "$work/out.csv" | grep -q ',gaps,no_consent$' || fail "csv header: $(head -1 "$work/out.csv")"
grep -q '^refused,.*,wellbeing_index$' "$work/out.csv" || fail "csv: $(cat "$work/out.csv")"
"$skon" explain "${run[@]}" --data "$work/cohort.csv" --id refused --lang en >"$work/card.txt"
grep -q "^Not used (no consent): Trivselsindeks$" "$work/card.txt" || fail "card: $(cat "$work/card.txt")"
grep -q "Missing data" "$work/card.txt" && fail "card lists a withheld value as missing"
# With consent, a bad value is a data error named by row and column (never its value).
printf 'id,wellbeing_index,consent_wellbeing\nx,99,true\n' >"$work/bad.csv"
if "$skon" -q assess "${run[@]}" --data "$work/bad.csv" -o "$work/bad.jsonl" 2>"$work/bad.err"; then
  fail "a consented bad value was accepted"
fi
grep -q "column 'wellbeing_index'" "$work/bad.err" || fail "bad: $(cat "$work/bad.err")"
grep -q "99" "$work/bad.err" && fail "the error shows the value"
echo "consent: all checks passed"
