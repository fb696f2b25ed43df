#!/usr/bin/env bash
# skon compare as an analyst prepares a decision: each scenario's figures equal `skon train` +
# `skon evaluate` of the same purpose on the same files; the paired difference and the ablation
# are consistent with the AUCs they compare; the ethical and legal cost is read from the rules
# (special categories, access, protected features cited at their lines); the decision paper holds
# every scenario, the impact assessment's six parts with questions for the working group, and the
# files' hashes; bad requests are refused with nothing written.
# usage: compare.sh SKON SOURCE_DIR
set -euo pipefail
skon=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$work"
export SOURCE_DATE_EPOCH=1764000000
"$skon" -q generate --rows 30000 --seed 41 --years 2015..2019 -o history.csv
"$skon" -q generate --rows 6000 --seed 42 --years 2020..2020 -o later.csv
cmp=(compare --rules "$src/rules" --purpose early_warning scenario_extended --data history.csv
     --holdout later.csv --by sex,municipality)
"$skon" "${cmp[@]}" --ablate --format json -o c.json --paper paper.html || fail "compare exit $?"
"$skon" "${cmp[@]}" --ablate --paper paper.en.html --lang en >c.txt || fail "compare (text) exit $?"
grep -q "scenario_extended against early_warning: AUC" c.txt || fail "text: $(cat c.txt)"
for p in early_warning scenario_extended; do
  "$skon" -q train --rules "$src/rules" --purpose $p --data history.csv -o $p.json >/dev/null
  "$skon" evaluate --model $p.json --data later.csv --by sex,municipality --json >$p.eval.json
done

/usr/bin/python3 - "$src" <<'EOF' || fail "figures"
import json, sys, hashlib
src = sys.argv[1]
c = json.load(open("c.json"))
assert c["history_sha256"] == hashlib.sha256(open("history.csv", "rb").read()).hexdigest()
assert [s["purpose"] for s in c["scenarios"]] == ["early_warning", "scenario_extended"]
for s in c["scenarios"]:
    e = json.load(open(s["purpose"] + ".eval.json"))
    for k in ("auc", "pr_auc", "brier", "calibration_error"):
        assert abs(s[k] - e[k]) < 1e-12, (s["purpose"], k, s[k], e[k])
    assert s["auc_ci95"] == e["auc_ci95"]
    assert abs(s["capacity"]["recall"] - e["capacity"]["recall"]) < 1e-12
    lo, hi = s["capacity"]["recall_ci95"]
    assert lo < s["capacity"]["recall"] < hi
    for a in s["ablation"]:
        assert abs(a["auc_difference"] - (a["auc_without"] - s["auc"])) < 1e-9, a
        assert a["auc_difference_ci95"][0] < a["auc_difference"] < a["auc_difference_ci95"][1]
        assert 0 < a["level_changes"] < s["rows"]
ew, ext = c["scenarios"]
d = ext["auc_minus_first"]
assert abs(d["difference"] - (ext["auc"] - ew["auc"])) < 1e-9
assert [a["without"] for a in ew["ablation"]] == ["absence", "grades", "tests", "wellbeing"]
assert all(x["category"] == "ordinary" and not x["roles_without_access"] for x in ew["sources"])
special = sorted(x["source"] for x in ext["sources"] if x["category"] == "special")
assert special == ["health_visitor", "ppr"], special
# Each protected feature's justification is cited at the line that holds it.
lines = open(f"{src}/rules/scenario_extended.skon", encoding="utf-8").read().split("\n")
for pf in ext["protected_features"]:
    file, line = pf["justified_at"].split(":")
    assert file == "scenario_extended.skon", pf
    assert pf["justification"][:30] in lines[int(line) - 1], (pf, lines[int(line) - 1])
print("compare figures ok")
EOF

# The decision paper: every scenario, the six parts, questions, hashes; nothing from outside.
/usr/bin/python3 "$src/tests/e2e/html_check.py" paper.html >/dev/null || fail "paper: $(/usr/bin/python3 "$src/tests/e2e/html_check.py" paper.html)"
for heading in "a) Processen og formålet" "b) Periode og hyppighed" "c) Hvem berøres" \
               "d) Specifikke risici for skade" "e) Menneskeligt tilsyn" "f) Når en risiko indtræffer" \
               "Scenarie 1: " "Scenarie 2: " "Hvad hver kilde bidrager med" "Sporbarhed"; do
  grep -q "$heading" paper.html || fail "paper lacks '$heading'"
done
(( $(grep -o "Spørgsmål til arbejdsgruppen" paper.html | wc -l) >= 6 )) || fail "too few questions for the working group"
grep -q "$(sha256sum history.csv | cut -c1-64)" paper.html || fail "the paper does not name the history's hash"
auc=$(/usr/bin/python3 -c "import json; print(f\"{json.load(open('c.json'))['scenarios'][1]['auc']:.3f}\".replace('.', ','))")
grep -q "$auc" paper.html || fail "the paper does not show the extended scenario's AUC $auc"
grep -q "Fundamental-rights impact assessment" paper.en.html || fail "the English paper"

# Refusals, nothing written.
expect() {  # NAME EXIT REGEX ARGS...
  local name=$1 code=$2 regex=$3; shift 3
  set +e; "$skon" "$@" >"$name.out" 2>&1; local rc=$?; set -e
  [[ $rc == "$code" ]] || fail "$name: exit $rc, expected $code: $(cat "$name.out")"
  grep -Eq -- "$regex" "$name.out" || fail "$name: $(cat "$name.out")"
}
expect no_holdout 2 "give --holdout" compare --rules "$src/rules" --purpose early_warning --data history.csv --ablate --paper none.html
expect unknown 3 "early_warning" compare --rules "$src/rules" --purpose early_warnin --data history.csv --paper none.html
[[ -e none.html ]] && fail "a refused comparison wrote its paper"
ls | grep -q '\.tmp-' && fail "a temporary file was left behind"
echo "compare: figures equal train + evaluate, ablation consistent, costs from the rules, paper complete"
