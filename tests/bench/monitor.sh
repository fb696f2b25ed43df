#!/usr/bin/env bash
# The monitor's target, printed beside the peer's figure and the ratio:
#   - `skon monitor` on 1,000,000 rows of a newer cohort with outcomes   <= 2 s
#     (read, score every row, PSI of every feature and of the probabilities, missing shares,
#     AUC with DeLong, calibration, group gaps with their bootstrap, the purpose's gates)
#   - peer: pandas reading the same CSV and computing each feature's PSI and share missing
#     against the same training cut points (numpy.digitize) — less than skon does: no scoring,
#     no outcomes
# On the shipped rules (purpose early_warning) and cohorts from `skon generate`.
#   bash tests/bench/monitor.sh [build/release] [ROWS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build/release}
rows=${2:-1000000}
skon=$build/cli/skon
rules=$here/../../rules
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$skon" -q generate --rows 100000 --seed 1 --years 2015..2019 -o history.csv
"$skon" -q generate --rows "$rows" --seed 2 --years 2020..2020 -o later.csv
"$skon" -q train --rules "$rules" --purpose early_warning --data history.csv -o m.json >/dev/null

seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null || true; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
best=999
for _ in 1 2 3; do
  t=$(seconds "$skon" monitor --rules "$rules" --purpose early_warning --model m.json --data later.csv)
  best=$(echo "if ($t < $best) $t else $best" | bc -l)
done
peer=$(/usr/bin/python3 - m.json later.csv <<'EOF'
import json, sys, time
import numpy as np, pandas as pd
model = json.load(open(sys.argv[1]))
t = time.perf_counter()
df = pd.read_csv(sys.argv[2])
for ref in model["drift_reference"]["fields"]:
    x = df[ref["field"]].to_numpy(dtype=float)
    known = x[~np.isnan(x)]
    counts = np.bincount(np.digitize(known, ref["edges"]), minlength=len(ref["edges"]) + 1)
    actual = np.append(counts, np.isnan(x).sum()) / len(x)
    expected = np.append(ref["shares"], ref["missing"])
    a, e = np.maximum(actual, 1e-4), np.maximum(expected, 1e-4)
    psi = float(((a - e) * np.log(a / e)).sum())
print(time.perf_counter() - t)
EOF
)
printf 'newer cohort: %d rows with outcomes\n\n' "$rows"
printf 'skon  monitor               %7.3f s  (best of 3; target <= 2 s: %s)\n' "$best" \
  "$( (( $(echo "$best <= 2" | bc -l) )) && echo met || echo NOT met)"
printf 'peer  pandas PSI only       %7.3f s  ratio %.1fx\n' "$peer" "$(echo "$peer / $best" | bc -l)"
