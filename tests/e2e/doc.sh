#!/usr/bin/env bash
# skon doc as a legal reviewer uses it: the document says what the rule files say (every purpose,
# source, protected field with its justification at file:line, trigger and rule), the HTML is one
# self-contained file (nothing fetched from anywhere), the approvals shown are those of exactly
# this version, and bad input loses nothing.
# usage: doc.sh SKON SOURCE_DIR
set -euo pipefail
skon=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$work"
export SKON_ID_KEY="tests-only key, never a real one"
cp -r "$src/rules" rules

"$skon" doc --rules rules -o legal.html --today 2026-11-29
"$skon" doc --rules rules -o legal.md --today 2026-11-29 --lang en
# Self-contained: no script, no link, no remote or local reference of any kind.
! grep -Eiq '<script|<link|<img|<iframe|src=|href=|url\(|@import|https?://' legal.html || fail "the HTML refers to something outside itself"
grep -q '<meta charset="utf-8">' legal.html || fail "no charset"
grep -q '@media print' legal.html || fail "no print layout"
# What the rules say is in it: every purpose, every source, every rule of every purpose.
for p in $(grep -ho '^purpose [a-z_]*' rules/*.skon | cut -d' ' -f2); do
  grep -q "(\`$p\`)" legal.md || fail "purpose $p is missing"
done
for s in $(grep -ho '^source [a-z_]*' rules/*.skon | cut -d' ' -f2); do
  grep -q "| \`$s\` " legal.md || fail "source $s is missing"
done
for r in $(grep -ho '^rule [a-z_0-9]*' rules/*.skon | cut -d' ' -f2); do
  grep -q "| \`$r\` " legal.md || fail "rule $r is missing"
done
# A protected field's justification is quoted with where it is written.
line=$(grep -n '^  justify sex ' rules/scenario_extended.skon | cut -d: -f1)
grep -q "— scenario_extended.skon:$line" legal.md || fail "the justification of sex is not cited at its line ($line)"
grep -q "CPR number (Danish Data Protection Act § 11)" legal.md || fail "GDPR vocabulary"
grep -q "to be confirmed by the municipality's legal team" legal.md || fail "unverifiable references are not marked"
grep -q "Data protection impact assessment (GDPR Art. 35)" legal.md || fail "no DPIA section"

# Approvals: those recorded for exactly this version, and none after a one-character change.
"$skon" -q generate --rows 20000 --seed 9 -o history.csv
"$skon" -q train --rules rules --purpose early_warning --data history.csv -o m.json >/dev/null
"$skon" approve --rules rules --purpose early_warning --model m.json --by "Lise Holm (DPO)" --role dpo --audit log.sqlite 2>/dev/null
"$skon" doc --rules rules -o approved.md --audit log.sqlite --lang en
grep -q "| \`early_warning\` | \`dpo\` | Lise Holm (DPO) |" approved.md || fail "the approval is not shown: $(grep -A4 'Approvals' approved.md)"
sed -i '0,/Fravær/s/Fravær/Fraver/' rules/early_warning.skon
"$skon" doc --rules rules -o changed.md --audit log.sqlite --lang en
grep -q "holds no approval of this rule set" changed.md || fail "an approval of another version is shown"
! grep -q "Lise Holm" changed.md || fail "an approval of another version is shown"

# Bad input: rule files with errors, a folder that does not exist, an unknown language.
printf 'purpose broken {\n' >rules/broken.skon
set +e; "$skon" doc --rules rules -o bad.html 2>e.txt; rc=$?; set -e
[[ $rc == 3 ]] && grep -q "nothing was documented" e.txt || fail "broken rules: $rc $(cat e.txt)"
[[ ! -e bad.html ]] || fail "a document of broken rules was written"
rm rules/broken.skon
set +e; "$skon" doc --rules rules -o no/such/dir/legal.html 2>e.txt; rc=$?; set -e
[[ $rc == 3 ]] && grep -q "create it first" e.txt || fail "missing folder: $rc $(cat e.txt)"
set +e; "$skon" doc --rules rules -o x.html --lang de 2>e.txt; rc=$?; set -e
[[ $rc == 2 ]] || fail "--lang de: $rc"
[[ -z $(find . -name '*.tmp-*') ]] || fail "a temporary file was left behind"
echo "doc: all checks passed"
