#!/usr/bin/env bash
# The report's targets, printed beside the peer's figure and the ratio:
#   - `skon report` on 1,000,000 assessments        <= 5 s, a file that stays small
#     (aggregates and a sample of cards, not a million cards)
#   - peer: pandas reading the same JSON Lines and computing the cohort's aggregates (levels,
#     reviews, the probability histogram, rule firings) — what an analyst would start a report
#     with, before any plot
# On the shipped rules (purpose early_warning) and cohorts from `skon generate`.
#   bash tests/bench/report.sh [build/release] [ROWS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build/release}
rows=${2:-1000000}
skon=$build/cli/skon
rules=$here/../../rules
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export SKON_ID_KEY="bench key, never a real one"
"$skon" -q generate --rows 100000 --seed 1 --years 2015..2019 -o history.csv
"$skon" -q generate --rows 20000 --seed 2 --years 2020..2020 -o later.csv
"$skon" -q generate --rows "$rows" --seed 3 --current -o current.csv
"$skon" -q train --rules "$rules" --purpose early_warning --data history.csv -o m.json >/dev/null
bash "$here/../e2e/approve.sh" "$skon" "$rules" m.json audit.sqlite
"$skon" -q assess --rules "$rules" --purpose early_warning --model m.json --data current.csv \
  --audit audit.sqlite -o a.jsonl
mb=$(( $(stat -c %s a.jsonl) / 1000000 ))

seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
best=999
for _ in 1 2 3; do
  t=$(seconds "$skon" report --assessments a.jsonl --rules "$rules" --model m.json -o r.html)
  best=$(echo "if ($t < $best) $t else $best" | bc -l)
done
with_eval=$(seconds "$skon" report --assessments a.jsonl --rules "$rules" --model m.json \
  --evaluate-on later.csv -o r2.html)
size=$(stat -c %s r.html)
peer=$(/usr/bin/python3 - a.jsonl <<'EOF'
import sys, time
import numpy as np, pandas as pd
t = time.perf_counter()
df = pd.read_json(sys.argv[1], lines=True)
levels = df["level"].value_counts()
review = df["review"].map(lambda r: r["required"]).sum()
hist = np.histogram(df["probability"].dropna(), bins=50, range=(0, 1))
rules = df["flags"].explode().dropna().map(lambda f: f["rule"]).value_counts()
print(time.perf_counter() - t)
EOF
)
printf 'assessments: %d rows, %d MB of JSON Lines\n\n' "$rows" "$mb"
printf 'skon  report                  %7.3f s  (best of 3; target <= 5 s: %s)\n' "$best" \
  "$( (( $(echo "$best <= 5" | bc -l) )) && echo met || echo NOT met)"
printf 'skon  report --evaluate-on    %7.3f s  (and the model measured on 20,000 later rows)\n' "$with_eval"
printf 'skon  report file             %7d bytes (%d cards)\n' "$size" "$(grep -c '<article class="card"' r.html)"
printf 'peer  pandas aggregates only  %7.3f s  ratio %.1fx\n' "$peer" "$(echo "$peer / $best" | bc -l)"
