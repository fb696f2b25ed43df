#!/usr/bin/env bash
# skon assess and skon explain as a user meets them, on the UCI data with an id column added:
# pseudonymous ids, one record per person, byte-identical reruns, a readable card whose numbers
# are the JSON's, and refusals (no key, failed quality gate) that write nothing.
# usage: assess_explain.sh SKON TEST_DATA_DIR
set -euo pipefail
skon=$1 data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1790000000
fail() { echo "FAIL: $*"; exit 1; }

awk 'BEGIN { FS = OFS = ";" } NR == 1 { print "student_id", $0; next } { print "S" (NR - 1), $0 }' \
  "$data/uci697_dropout_academic_success.csv" >"$work/cohort.csv"
common=(--rules "$data/uci697.skon" --purpose dropout --map "$data/uci697.map.json")
"$skon" train "${common[@]}" --data "$work/cohort.csv" --target Target --positive Dropout -o "$work/m.json" >/dev/null
assess=("${common[@]}" --model "$work/m.json" --data "$work/cohort.csv" --id-column student_id --today 2026-11-26)

# No key: refuse, write nothing.
set +e
SKON_ID_KEY= "$skon" assess "${assess[@]}" -o "$work/a.jsonl" 2>"$work/err.txt"; rc=$?
set -e
[[ $rc -eq 2 ]] || fail "missing key: exit $rc"
grep -q "SKON_ID_KEY" "$work/err.txt" || fail "missing key message"
[[ ! -e "$work/a.jsonl" && ! -e "$work/a.jsonl.run.json" ]] || fail "output written without a key"

export SKON_ID_KEY="tests-only key, never a real one"
"$skon" assess "${assess[@]}" -o "$work/a.jsonl" 2>"$work/summary.txt"
[[ $(wc -l <"$work/a.jsonl") -eq 4424 ]] || fail "expected 4424 assessments"
grep -q "4424 records: 4424 assessed, 0 insufficient data" "$work/summary.txt" || { cat "$work/summary.txt"; fail "summary"; }
! grep -q '"id":"S1"' "$work/a.jsonl" || fail "a raw id leaked"
head -1 "$work/a.jsonl" | grep -Eq '^\{"id":"[0-9a-f]{32}","run":"[0-9a-f]{32}","as_of":"2026-11-26","outcome":"assessed","level":"(low|medium|high)","probability":0\.[0-9]+,"model_level"' || fail "record shape: $(head -c 300 "$work/a.jsonl")"
# The run's manifest beside it names the same run, the purpose and the guidance.
run=$(head -1 "$work/a.jsonl" | sed -E 's/.*"run":"([0-9a-f]+)".*/\1/')
grep -q "\"run\": \"$run\"" "$work/a.jsonl.run.json" || fail "manifest names another run"
grep -q '"purpose": "dropout"' "$work/a.jsonl.run.json" || fail "manifest purpose"
grep -q '"assessment_date": "2026-11-26"' "$work/a.jsonl.run.json" || fail "manifest date"
grep -q '"replay": true' "$work/a.jsonl.run.json" || fail "a --today run is not marked a replay"
# A replay is marked in every record, and a --today later than today is refused.
[[ $(grep -c '"as_of":"2026-11-26"' "$work/a.jsonl") -eq 4424 ]] || fail "a replay record lacks as_of"
set +e
"$skon" assess "${assess[@]/2026-11-26/2999-01-01}" -o "$work/future.jsonl" 2>"$work/err.txt"; rc=$?
set -e
[[ $rc -eq 2 ]] || fail "a future --today: exit $rc"
grep -q "later than today" "$work/err.txt" || fail "future --today message"
grep -q '"rule":"nothing_passed"' "$work/a.jsonl" || fail "no rule fired anywhere"
grep -q '"disagreement":"rules_above_model"' "$work/a.jsonl" || fail "no disagreement marked"

# Deterministic: a second run is byte-identical.
"$skon" -q assess "${assess[@]}" -o "$work/b.jsonl"
cmp -s "$work/a.jsonl" "$work/b.jsonl" || fail "two runs differ"
cmp -s "$work/a.jsonl.run.json" "$work/b.jsonl.run.json" || fail "two runs' manifests differ"

# CSV summary.
"$skon" -q assess "${assess[@]}" --format csv -o "$work/a.csv"
head -1 "$work/a.csv" | grep -q "^id,run,as_of,outcome,level,probability" || fail "csv header"
[[ $(wc -l <"$work/a.csv") -eq 4425 ]] || fail "csv rows"

# explain: the card for S1 carries the probability of S1's JSON record, rounded.
"$skon" -q assess "${assess[@]}" --reveal-ids -o "$work/raw.jsonl"
p=$(grep -m1 '"id":"S1"' "$work/raw.jsonl" | sed -E 's/.*"probability":([0-9.e-]+).*/\1/')
pct=$(awk -v p="$p" 'BEGIN { printf "%.1f %%", 100 * p }' | tr . ,)  # Danish decimal comma
"$skon" explain "${common[@]}" --model "$work/m.json" --data "$work/cohort.csv" --id-column student_id \
  --today 2026-11-26 --id S1 >"$work/card.txt"
grep -q "^Risiko for udfaldet, modellen er trænet på: $pct" "$work/card.txt" || { cat "$work/card.txt"; fail "card probability $pct"; }
grep -q "Vurderingen er vejledende" "$work/card.txt" || fail "card lacks the advisory note"
# The card names the person by pseudonym, as the assessments do: a printed card carries no id.
grep -Eq "^Person: [0-9a-f]{32}$" "$work/card.txt" || fail "the card does not show the pseudonym"
! grep -q "S1" "$work/card.txt" || fail "the card shows the raw id"
"$skon" explain "${common[@]}" --model "$work/m.json" --today 2026-11-26 --lang en \
  --set units_1st_approved=0 --set units_2nd_approved=0 --set tuition_up_to_date=1 --set admission_grade=120 \
  --set age_at_enrollment=19 --set units_1st_grade=0 --set units_2nd_grade=0 --set debtor=0 --set scholarship=0 >"$work/card_en.txt"
grep -q "Level: high" "$work/card_en.txt" || { cat "$work/card_en.txt"; fail "english card level"; }
grep -q "Ingen beståede fag" "$work/card_en.txt" || fail "card lacks the rule's label"

# A quality gate the model cannot meet: refuse before reading the data, write nothing.
sed 's/gate auc >= 0.80/gate auc >= 0.99/' "$data/uci697.skon" >"$work/strict.skon"
set +e
"$skon" assess --rules "$work/strict.skon" --purpose dropout --map "$data/uci697.map.json" --model "$work/m.json" \
  --data "$work/cohort.csv" --id-column student_id -o "$work/c.jsonl" 2>"$work/err.txt"; rc=$?
set -e
[[ $rc -eq 3 ]] || fail "gate: exit $rc"
grep -q "error\[E0310\]: the model's auc is 0\.[0-9]*; the purpose requires >= 0.99" "$work/err.txt" || { cat "$work/err.txt"; fail "gate message"; }
[[ ! -e "$work/c.jsonl" && ! -e "$work/c.jsonl.run.json" ]] || fail "output written despite a failed gate"
echo "assess/explain ok"
