#!/usr/bin/env bash
# skon monitor as a municipality schedules it: a later year like the training years passes (exit
# 0); a shifted field, a field that went missing, or a model that no longer ranks well breaches
# (exit 1, named in words); 300 rows are too few for a PSI to mean anything; a cohort without
# outcomes is monitored for drift alone; a model without training distributions is refused; with
# the audit log, near-complete agreement of the professionals is warned about.
# usage: monitor.sh SKON SOURCE_DIR
set -euo pipefail
skon=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$work"
export SKON_ID_KEY="tests-only key, never a real one"
"$skon" -q generate --rows 40000 --seed 31 --years 2015..2019 -o history.csv
"$skon" -q generate --rows 8000 --seed 32 --years 2020..2020 -o later.csv
"$skon" -q train --rules "$src/rules" --purpose early_warning --data history.csv -o m.json >/dev/null
mon=(monitor --rules "$src/rules" --purpose early_warning --model m.json)

expect() {  # NAME EXIT REGEX ARGS...
  local name=$1 code=$2 regex=$3; shift 3
  set +e; "$skon" "$@" >"$name.out" 2>&1; local rc=$?; set -e
  [[ $rc == "$code" ]] || fail "$name: exit $rc, expected $code: $(cat "$name.out")"
  grep -Eq -- "$regex" "$name.out" || fail "$name: $(cat "$name.out")"
}
expect stable 0 "no drift beyond chance" "${mon[@]}" --data later.csv
grep -q "gate auc >= 0.700: 0.7[0-9]* — holds" stable.out || fail "stable: $(cat stable.out)"

# Absence shifted up by 8 points for everyone: the field and the probabilities drift.
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "absence_pct") c = i; print; next }
  { if ($c != "") $c = ($c + 8 > 100 ? 100 : $c + 8); print }' later.csv >shifted.csv
expect shifted 1 "BREACH: PSI of absence_pct [0-9]+\.[0-9]+" "${mon[@]}" --data shifted.csv
grep -Eq "(BREACH|warning): PSI of the probabilities" shifted.out || fail "shifted: $(cat shifted.out)"
grep -q "calibration in the large" shifted.out || fail "shifted: calibration not named"

# The wellbeing survey missing for a third of the cohort: a data problem, named.
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wellbeing_index") c = i; print; next }
  { if (NR % 3 == 0) $c = ""; print }' later.csv >gaps.csv
expect gaps 1 "BREACH: wellbeing_index missing for 3[0-9]\.[0-9] % \(at training [0-9.]+ %\)" "${mon[@]}" --data gaps.csv

# 300 rows: whatever PSI they give stays under the level chance reaches; nothing breaches.
head -n 301 later.csv >small.csv
expect small 0 "." "${mon[@]}" --data small.csv --format json
/usr/bin/python3 - small.out <<'EOF' || fail "small: $(cat small.out)"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["rows"] == 300 and j["verdict"] != "breach", j["verdict"]
for f in j["fields"] + [j["score"]]:
    assert f["noise_level"] > 0.05, f  # chance alone reaches this at 300 rows
    assert f["psi_signal"] == "ok", f
EOF

# A current cohort (no outcomes): drift alone.
"$skon" -q generate --rows 5000 --seed 33 --current -o current.csv
expect current 0 "no outcomes in the data" "${mon[@]}" --data current.csv

# A model without training distributions (model file 1.0) is refused with what to do.
/usr/bin/python3 -c "
import json; m = json.load(open('m.json')); del m['drift_reference']; m['format_version'] = '1.0'
json.dump(m, open('old.json', 'w'), indent=1)"
expect old_model 3 "retrain it with this skon" monitor --rules "$src/rules" --purpose early_warning --model old.json --data later.csv
# A cohort without one of the model's fields.
cut -d, -f1-5 later.csv >narrow.csv
expect narrow 3 "absence_pct|column" "${mon[@]}" --data narrow.csv

# The human side: every review agreed with — a warning about automation bias.
bash "$src/tests/e2e/approve.sh" "$skon" "$src/rules" m.json audit.sqlite
"$skon" -q assess --rules "$src/rules" --purpose early_warning --model m.json --data current.csv \
  --audit audit.sqlite -o a.jsonl
run=$(/usr/bin/python3 -c "import json; print(json.load(open('a.jsonl.run.json'))['run'])")
/usr/bin/python3 -c "
import json
people = [r['id'] for r in map(json.loads, open('a.jsonl')) if r['review']['required']]
print('\n'.join(people[:40]))" >people.txt
while read -r person; do
  "$skon" -q review record --audit audit.sqlite --run "$run" --person "$person" --decision agree --by "Test UU" 2>/dev/null
done <people.txt
expect human 0 "warning: professionals agreed with 100.0 % of 40 decided reviews" "${mon[@]}" --data current.csv --audit audit.sqlite
expect human_json 0 '"agreement": 1' "${mon[@]}" --data current.csv --audit audit.sqlite --format json
echo "monitor: stable passes, drift and gaps breach, small samples are noise, the human side is watched"
