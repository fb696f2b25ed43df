#!/usr/bin/env bash
# Every HTML document Skøn writes, opened in a real browser (headless Chromium, no network): the
# report, the decision paper and the legal reviewer's document. Fails on any console message (the pages log nothing,
# so anything logged is an error) and on anything that would be loaded from outside; checks that
# every plot has its title, axes and data and that every number marked with its JSON path equals
# the JSON it came from (tests/e2e/html_check.py); a report link with #find=PSEUDONYM shows that
# one card. Screenshots are saved in SHOTS for a person to look at.
# usage: html_browser.sh SKON SOURCE_DIR SHOTS
set -euo pipefail
skon=$1 src=$2 shots=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
command -v chromium >/dev/null || fail "chromium is missing: bash setup.sh test installs it"
mkdir -p "$shots"
cd "$work"
export SKON_ID_KEY="tests-only key, never a real one"
"$skon" -q generate --rows 20000 --seed 21 --years 2015..2019 -o history.csv
"$skon" -q generate --rows 4000 --seed 22 --years 2020..2020 -o later.csv
"$skon" -q generate --rows 2000 --seed 23 --current -o current.csv
"$skon" -q train --rules "$src/rules" --purpose early_warning --data history.csv -o m.json >/dev/null
bash "$src/tests/e2e/approve.sh" "$skon" "$src/rules" m.json audit.sqlite
"$skon" -q assess --rules "$src/rules" --purpose early_warning --model m.json --data current.csv \
  --audit audit.sqlite -o a.jsonl
report=(report --assessments a.jsonl --rules "$src/rules" --model m.json --evaluate-on later.csv
        --history history.csv)
"$skon" "${report[@]}" -o report.html
"$skon" "${report[@]}" -o report.json
"$skon" "${report[@]}" --lang en -o report.en.html
"$skon" doc --rules "$src/rules" -o legal.html --audit audit.sqlite --today 2026-11-29
"$skon" compare --rules "$src/rules" --purpose early_warning scenario_extended --data history.csv \
  --holdout later.csv --ablate --paper paper.html --format json -o paper.json

browser() {  # logs console messages to chromium.log
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --enable-logging=stderr --v=0 --virtual-time-budget=3000 \
    "$@" 2>>chromium.log
}
check() {  # PAGE [FIGURES.json]
  local page=$1 figures=${2:-}
  : >chromium.log
  browser --dump-dom "file://$work/$page" >"$page.dom" || fail "$page: chromium could not render it"
  if grep -a "CONSOLE" chromium.log; then fail "$page: the page logged to the console"; fi
  /usr/bin/python3 "$src/tests/e2e/html_check.py" "$page.dom" $figures || fail "$page"
  browser --window-size=1200,2400 --screenshot="$shots/${page%.html}.png" "file://$work/$page" \
    >/dev/null || fail "$page: no screenshot"
  [[ -s "$shots/${page%.html}.png" ]] || fail "$page: empty screenshot"
}
check report.html report.json
check report.en.html report.json
check legal.html
check paper.html paper.json
grep -q '<figure class="plot"' paper.html.dom || fail "the paper has no plot"
grep -q '<figure class="plot"' report.html.dom || fail "the report has no plots"

# A link to one person's card shows that card alone.
person=$(sed -n 's/.*<article class="card" id="card-\([0-9a-f]*\)".*/\1/p' report.html | sed -n 3p)
[[ -n $person ]] || fail "no card to find"
browser --dump-dom "file://$work/report.html#find=$person" >found.dom
visible=$(grep -o '<article class="card"[^>]*>' found.dom | grep -vc ' hidden' || true)
[[ $visible == 1 ]] || fail "#find=$person shows $visible cards"
grep -q "<article class=\"card\" id=\"card-$person\" data-id=\"$person\">" found.dom ||
  fail "#find shows another card"
echo "browser: report (da, en), decision paper and legal document render clean; screenshots in $shots"
