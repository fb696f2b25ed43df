#!/usr/bin/env bash
# skon patterns as an analyst explores a history: every declared field appears, those of sources
# the purpose may not use and special categories marked; shares missing, outcome rates, Woolf odds
# ratios and the per-SD odds ratio equal a count by hand (pure Python, no libraries); a history
# without outcomes is refused; the report's patterns section is the same figures.
# usage: patterns.sh SKON SOURCE_DIR
set -euo pipefail
skon=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$work"
"$skon" -q generate --rows 20000 --seed 51 --years 2015..2019 -o history.csv
"$skon" patterns --rules "$src/rules" --purpose early_warning --data history.csv --format json -o p.json
"$skon" patterns --rules "$src/rules" --purpose early_warning --data history.csv >p.txt
grep -q "strongest correlations" p.txt || fail "text: $(cat p.txt)"

/usr/bin/python3 - "$src" <<'EOF' || fail "figures"
import csv, json, math, re, sys
src = sys.argv[1]
p = json.load(open("p.json"))
rows = list(csv.DictReader(open("history.csv")))
declared = re.findall(r"^field (\w+) :", open(f"{src}/rules/dictionary.skon", encoding="utf-8").read(), re.M)
names = [f["field"] for f in p["fields"]]
for f in declared:
    assert f in names, f"{f} missing from the patterns"
by = {f["field"]: f for f in p["fields"]}
assert by["ppr_referral"]["category"] == "special" and not by["ppr_referral"]["purpose_may_use"]
assert by["absence_pct"]["used_by_purpose"] and by["absence_pct"]["purpose_may_use"]
assert by["sex"]["forbidden"]
y = [int(r["outcome"]) for r in rows]
# Share missing and outcome rates.
w = [r["wellbeing_index"] for r in rows]
assert by["wellbeing_index"]["missing"] == sum(v == "" for v in w)
# Woolf odds ratio of ppr_referral true against false.
a = sum(1 for r, t in zip(rows, y) if r["ppr_referral"] == "1" and t == 1)
b = sum(1 for r, t in zip(rows, y) if r["ppr_referral"] == "1" and t == 0)
c = sum(1 for r, t in zip(rows, y) if r["ppr_referral"] == "0" and t == 1)
d = sum(1 for r, t in zip(rows, y) if r["ppr_referral"] == "0" and t == 0)
true = [g for g in by["ppr_referral"]["groups"] if g["value"] == "true"][0]
assert abs(true["odds_ratio"]["ratio"] - a * d / (b * c)) < 1e-9, (true, a * d / (b * c))
se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
assert abs(true["odds_ratio"]["ci95"][0] - a * d / (b * c) * math.exp(-1.959963984540054 * se)) < 1e-9
assert abs(true["outcome_rate"] - a / (a + b)) < 1e-12
# The per-SD odds ratio of absence: a one-field logistic regression by Newton's method.
xs = [(float(r["absence_pct"]), t) for r, t in zip(rows, y) if r["absence_pct"] != ""]
n = len(xs); mean = sum(x for x, _ in xs) / n
sd = math.sqrt(sum((x - mean) ** 2 for x, _ in xs) / n)
b0 = b1 = 0.0
for _ in range(30):
    g0 = g1 = h00 = h01 = h11 = 0.0
    for x, t in xs:
        z = (x - mean) / sd
        q = 1 / (1 + math.exp(-(b0 + b1 * z)))
        g0 += t - q; g1 += (t - q) * z
        w2 = q * (1 - q); h00 += w2; h01 += w2 * z; h11 += w2 * z * z
    det = h00 * h11 - h01 * h01
    b0 += (h11 * g0 - h01 * g1) / det
    b1 += (h00 * g1 - h01 * g0) / det
assert abs(by["absence_pct"]["odds_ratio_per_sd"]["ratio"] - math.exp(b1)) < 1e-6, (by["absence_pct"]["odds_ratio_per_sd"], math.exp(b1))
print("patterns figures ok")
EOF

# A history without outcomes is no history.
"$skon" -q generate --rows 500 --seed 52 --current -o current.csv
set +e; "$skon" patterns --rules "$src/rules" --purpose early_warning --data current.csv >no.out 2>&1; rc=$?; set -e
[[ $rc == 3 ]] && grep -q "no column 'outcome'" no.out || fail "no outcomes: exit $rc: $(cat no.out)"
echo "patterns: every field, marked; figures equal a count by hand"
