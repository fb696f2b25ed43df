#!/usr/bin/env bash
# The legal reviewer's HTML document in a real browser (headless Chromium, no network): it renders
# every purpose's tables, and prints to PDF — several A4 pages — with nothing loaded from outside.
# usage: doc_browser.sh SKON SOURCE_DIR
set -euo pipefail
skon=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
command -v chromium >/dev/null || fail "chromium is missing: bash setup.sh test installs it"
cd "$work"
"$skon" doc --rules "$src/rules" -o legal.html --today 2026-11-29 --lang en
browser() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" "$@" 2>>chromium.log
}
browser --dump-dom "file://$work/legal.html" >dom.html || fail "chromium could not render it: $(tail -3 chromium.log)"
purposes=$(grep -c '^purpose ' "$src"/rules/*.skon | awk -F: '{n += $2} END {print n}')
[[ $(grep -o '<h2>Purpose: ' dom.html | wc -l) == "$purposes" ]] || fail "not every purpose rendered"
(( $(grep -o "<table>" dom.html | wc -l) >= 5 * purposes )) || fail "tables missing from the rendered page"
browser --print-to-pdf="$work/legal.pdf" --no-pdf-header-footer "file://$work/legal.html" >/dev/null
[[ -s legal.pdf ]] || fail "no PDF printed"
pages=$(grep -ac '/Type /Page$\|/Type /Page[^s]' legal.pdf || true)
(( pages >= 3 )) || fail "printed to $pages pages"
echo "doc in a browser: rendered $purposes purposes, printed $pages pages"
