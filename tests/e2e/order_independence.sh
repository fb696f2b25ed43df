#!/usr/bin/env bash
# The order of the rules in a file never changes an outcome (docs/language.md, "Evaluation
# order"): every shipped rule file, with its rules reversed and rotated, gives byte-identical
# assessments (early_warning; the other purposes are suspended or lack data in the generator),
# and its tests still pass.
# usage: order_independence.sh SKON SOURCE_DIR
set -euo pipefail
skon=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export SKON_ID_KEY="tests-only key, never a real one"

# Writes FILE with its rule declarations (from `rule ` at the start of a line to the next `}` at
# the start of a line) put back in another order: reversed, or rotated by one.
permute() {
  awk -v mode="$2" '
    /^rule / { in_rule = 1; n++; body[n] = ""; slots[++parts] = "#RULE" n }
    in_rule { body[n] = body[n] $0 "\n"; if ($0 == "}") in_rule = 0; next }
    { slots[++parts] = $0 }
    END {
      for (i = 1; i <= parts; i++) {
        if (slots[i] ~ /^#RULE[0-9]+$/) {
          k = substr(slots[i], 6) + 0
          j = mode == "reverse" ? n + 1 - k : (k % n) + 1
          printf "%s", body[j]
        } else {
          print slots[i]
        }
      }
    }' "$1"
}

"$skon" -q generate --rows 20000 --seed 9 -o "$work/history.csv"
"$skon" -q generate --rows 3000 --seed 10 --current -o "$work/current.csv"
for purpose in early_warning; do
  "$skon" -q train --rules "$src/rules" --purpose "$purpose" --data "$work/history.csv" \
    -o "$work/$purpose.model.json" >/dev/null
done

assess() {  # RULES_DIR PURPOSE OUT
  # Each permutation is a rule set of its own (other hashes): approved as the purpose requires.
  bash "$src/tests/e2e/approve.sh" "$skon" "$1" "$work/$2.model.json" "$work/audit.sqlite" "$2"
  "$skon" -q assess --rules "$1" --purpose "$2" --model "$work/$2.model.json" \
    --data "$work/current.csv" --today 2026-11-26 --audit "$work/audit.sqlite" -o "$3"
  # The run id names the rule files' hashes, which a permutation changes; the records must not.
  sed -E 's/"run":"[0-9a-f]+",//' "$3" >"$3.records"
}

for purpose in early_warning; do
  assess "$src/rules" "$purpose" "$work/original.$purpose.jsonl"
done
for mode in reverse rotate; do
  mkdir -p "$work/$mode"
  for f in "$src"/rules/*.skon; do permute "$f" "$mode" >"$work/$mode/$(basename "$f")"; done
  for f in "$src"/rules/*.skon; do
    cmp -s "$f" "$work/$mode/$(basename "$f")" && grep -c '^rule ' "$f" | grep -qv '^[01]$' &&
      fail "$mode left $(basename "$f") unchanged"
  done
  "$skon" -q check "$work/$mode" >/dev/null || fail "$mode: the permuted rules do not check"
  "$skon" test "$work/$mode" >"$work/$mode.test.txt" || { cat "$work/$mode.test.txt"; fail "$mode: tests fail"; }
  for purpose in early_warning; do
    assess "$work/$mode" "$purpose" "$work/$mode.$purpose.jsonl"
    cmp -s "$work/original.$purpose.jsonl.records" "$work/$mode.$purpose.jsonl.records" ||
      fail "$mode changed the assessments of $purpose"
  done
done
# The assessments are not trivially equal: rules fired, and the counting rules took part.
grep -q '"by":"several_signs"' "$work/original.early_warning.jsonl" || fail "several_signs never raised a level"
echo "order independence: $(wc -l <"$work/original.early_warning.jsonl") records per purpose, 2 permutations"
