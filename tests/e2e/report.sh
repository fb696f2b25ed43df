#!/usr/bin/env bash
# skon report as an analyst runs it after an assessment: every figure equals what it counts (the
# assessments, `skon evaluate` on the same later cohort), each card's steps add up to the
# probability its record has, no raw id appears, and a report of the wrong rules or model, of a
# CSV run, or without the run's manifest is refused with nothing written.
# usage: report.sh SKON SOURCE_DIR
set -euo pipefail
skon=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$work"
export SKON_ID_KEY="tests-only key, never a real one"
"$skon" -q generate --rows 20000 --seed 11 --years 2015..2019 -o history.csv
"$skon" -q generate --rows 4000 --seed 12 --years 2020..2020 -o later.csv
"$skon" -q generate --rows 3000 --seed 13 --current -o current.csv
"$skon" -q train --rules "$src/rules" --purpose early_warning --data history.csv -o m.json >/dev/null
bash "$src/tests/e2e/approve.sh" "$skon" "$src/rules" m.json audit.sqlite
"$skon" -q assess --rules "$src/rules" --purpose early_warning --model m.json --data current.csv \
  --audit audit.sqlite -o a.jsonl
report=(report --assessments a.jsonl --rules "$src/rules" --model m.json --evaluate-on later.csv
        --by sex,municipality)
"$skon" "${report[@]}" -o r.html || fail "report exit $?"
"$skon" "${report[@]}" -o r.json || fail "report --format json exit $?"
"$skon" "${report[@]}" --history history.csv -o rp.json || fail "report --history exit $?"
"$skon" "${report[@]}" --history history.csv -o rp.html || fail "report --history (html) exit $?"
"$skon" patterns --rules "$src/rules" --purpose early_warning --data history.csv --format json -o p.json
grep -q "Mønstre i historiske data" rp.html || fail "the patterns section is missing"
/usr/bin/python3 -c "
import json
a = json.load(open('rp.json'))['patterns']; b = json.load(open('p.json'))
assert a == b, 'the report\'s patterns differ from skon patterns'" || fail "patterns in the report"
"$skon" "${report[@]}" --lang en --cards 0 -o r.en.html || fail "English report exit $?"
"$skon" evaluate --model m.json --data later.csv --by sex,municipality --json >eval.json

/usr/bin/python3 - "$work" <<'EOF' || fail "figures"
import json, re, sys, html
work = sys.argv[1]
r = json.load(open(f"{work}/r.json"))
e = json.load(open(f"{work}/eval.json"))
records = [json.loads(l) for l in open(f"{work}/a.jsonl")]
c = r["cohort"]
assert c["records"] == len(records) == 3000, c["records"]
levels = {l["level"]: l["count"] for l in c["levels"]}
for name in ("low", "medium", "high"):
    assert levels[name] == sum(x["level"] == name for x in records), name
assert c["review_required"] == sum(x["review"]["required"] for x in records)
assert c["outcomes"].get("insufficient_data", 0) == sum(x["outcome"] == "insufficient_data" for x in records)
assert sum(b["count"] for b in c["histogram"]) == sum(x["probability"] is not None for x in records)
for rule in r["rules"]:
    fired = sum(any(f["rule"] == rule["rule"] for f in x["flags"]) for x in records)
    assert rule["fired"] == fired, (rule["rule"], rule["fired"], fired)
q = r["quality"]
assert q["source"] == "evaluation" and q["rows"] == e["rows"]
for k in ("auc", "pr_auc", "brier", "calibration_error"):
    assert q[k] == e[k], (k, q[k], e[k])
assert q["auc_ci95"] == e["auc_ci95"]
ten = [x for x in q["capacity"] if x["share"] == 0.1][0]
assert abs(ten["precision"] - e["capacity"]["precision"]) < 1e-12
fields = [g["field"] for g in r["fairness"]]
assert fields == ["sex", "municipality"], fields
for g, eg in zip(r["fairness"], e["groups"]):
    assert abs(g["gaps"]["tpr"] - eg["largest_gap"]["tpr"]) < 1e-12
assert any(gate["gate"] == "group_gap on sex" for gate in r["fairness"][0]["gates"])
# Cards: start + steps = the probability shown = the record's, to the tenth of a point.
page = open(f"{work}/r.html").read()
by_id = {x["id"]: x for x in records}
cards = re.findall(r'<article class="card" id="card-([0-9a-f]+)".*?</article>', page, re.S)
bodies = re.findall(r'<article class="card".*?</article>', page, re.S)
assert len(bodies) == r["cards"] > 0, (len(bodies), r["cards"])
for pid, body in zip(cards, bodies):
    x = by_id[pid]
    if x["probability"] is None:
        continue
    shown = re.search(r'class="shown-probability">([0-9]+),([0-9]) %', body)
    assert shown, pid
    shown_t = int(shown.group(1)) * 10 + int(shown.group(2))
    assert shown_t == round(1000 * x["probability"]), (pid, shown_t, x["probability"])
    start = re.search(r'<tr class="start"><td>[^<]*</td><td></td><td>([0-9]+),([0-9]) %', body)
    steps = [int(s) for s in re.findall(r'data-step="(-?[0-9]+)"', body)]
    assert int(start.group(1)) * 10 + int(start.group(2)) + sum(steps) == shown_t, pid
    for gap in x["gaps"]:
        assert "mangler" in body, pid
print("figures ok:", len(bodies), "cards")
EOF

# The professional's text card on the shipped rules: what the risk is of, the changes in
# percentage points adding up to the probability of the person's record, footnoted citations.
person_id=$(awk -F, 'NR > 1 && $15 == "" { print $1; exit }' current.csv)  # wellbeing missing
"$skon" explain --rules "$src/rules" --purpose early_warning --model m.json --data current.csv \
  --id "$person_id" >card.txt || fail "explain exit $?"
/usr/bin/python3 - <<'EOF2' || fail "text card: $(cat card.txt)"
import re
card = open("card.txt").read()
assert "Risiko for ikke at have gennemført en ungdomsuddannelse som 25-årig: " in card
shown = re.search(r"som 25-årig: ([0-9]+),([0-9]) %", card)
start = re.search(r"^  udgangspunkt +([0-9]+),([0-9]) %$", card, re.M)
steps = re.findall(r"  ([+-][0-9]+),([0-9])$", card, re.M)
total = int(start.group(1)) * 10 + int(start.group(2))
for whole, tenth in steps:
    total += (1 if whole[0] == "+" else -1) * (abs(int(whole)) * 10 + int(tenth))
assert total == int(shown.group(1)) * 10 + int(shown.group(2)), (total, shown.group(0))
assert re.search(r"Generel trivsel.*mangler", card), "the missing survey is not shown as missing"
assert "Henvisninger til reglerne:" in card or "[1]" not in card
assert "early_warning.skon:" not in card.split("Henvisninger til reglerne:")[0], "a citation in the text"
assert "skon review record --run" in card
EOF2

# No raw id anywhere in the report; pseudonyms only.
cut -d, -f1 current.csv | tail -n +2 >ids.txt
if grep -F -f ids.txt r.html r.json r.en.html >/dev/null; then fail "a raw id is in the report"; fi
grep -q '<article class="card"' r.en.html && fail "--cards 0 still wrote cards"
grep -q "Explanation cards" r.en.html || fail "the English report is not in English"

# Refusals: the run's rules and model, its format and manifest; nothing written, old output kept.
echo "keep" >kept.html
expect_refusal() {  # NAME REGEX ARGS...
  local name=$1 regex=$2; shift 2
  set +e; "$skon" "$@" -o kept.html >"$name.out" 2>&1; local rc=$?; set -e
  [[ $rc == 3 ]] || fail "$name: exit $rc: $(cat "$name.out")"
  grep -Eq -- "$regex" "$name.out" || fail "$name: $(cat "$name.out")"
  [[ $(cat kept.html) == keep ]] || fail "$name: the old output was touched"
}
cp -r "$src/rules" edited
sed -i '0,/when absence_pct > 10/s//when absence_pct > 15/' edited/early_warning.skon
expect_refusal other_rules "another rule set" report --assessments a.jsonl --rules edited --model m.json
"$skon" -q train --rules "$src/rules" --purpose early_warning --data history.csv --C 0.5 -o m2.json >/dev/null
expect_refusal other_model "another model" report --assessments a.jsonl --rules "$src/rules" --model m2.json
bash "$src/tests/e2e/approve.sh" "$skon" "$src/rules" m.json audit.sqlite
"$skon" -q assess --rules "$src/rules" --purpose early_warning --model m.json --data current.csv \
  --audit audit.sqlite --format csv -o a.csv
expect_refusal csv_run "JSON Lines" report --assessments a.csv --rules "$src/rules" --model m.json
cp a.jsonl orphan.jsonl
expect_refusal no_manifest "manifest" report --assessments orphan.jsonl --rules "$src/rules" --model m.json
printf '{"id":"0101991234","outcome":\n' >>orphan.jsonl
cp a.jsonl.run.json orphan.jsonl.run.json
expect_refusal broken_line "line 3001" report --assessments orphan.jsonl --rules "$src/rules" --model m.json
grep -q 0101991234 broken_line.out && fail "a cell value in the error"
ls | grep -q '\.tmp-' && fail "a temporary file was left behind"
echo "report: figures equal their sources, cards add up, refusals leave nothing"
