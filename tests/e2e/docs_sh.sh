#!/usr/bin/env bash
# The docs are tested: every ```sh block in README.md and docs/*.md runs, as written, with `skon`
# on the PATH, in a folder holding a copy of rules/ and a fresh (small) demo output in out/demo/ —
# what a reader has after the README's first command. Blocks fenced ```sh norun are the build and
# setup commands (this test runs inside them); they are listed, not run.
# usage: docs_sh.sh SKON SOURCE_DIR
set -uo pipefail
skon=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$work/bin" "$work/out"
ln -s "$skon" "$work/bin/skon"
cp -r "$src/rules" "$work/rules"
(cd "$src" && bash setup.sh demo-pipeline "$skon" "$work/out/demo" 4000 1500) >"$work/demo.txt" 2>&1 ||
  { cat "$work/demo.txt"; fail "the demo pipeline"; }
export PATH="$work/bin:$PATH"
unset SKON_ID_KEY  # the docs say where the key comes from

# The shipped purposes are approved until this day; after it, blocks that assess cannot run as
# written (the rules must be renewed first) and are reported, not hidden.
approved_to=$(sed -nE 's/.*effective from [0-9-]+ to ([0-9-]+).*/\1/p' "$src/rules/early_warning.skon" | head -1)
expired=false
[[ "$(date -u +%F)" > "$approved_to" ]] && expired=true

ran=0 skipped=0
for doc in "$src/README.md" "$src"/docs/*.md; do
  name=${doc#"$src/"}
  # Each block as "START_LINE<TAB>norun?" followed by its lines, separated by a NUL.
  while IFS= read -r -d '' block; do
    header=${block%%$'\n'*}
    body=${block#*$'\n'}
    line=${header%%$'\t'*}
    if [[ "$header" == *$'\t'norun ]]; then
      echo "not run (build/setup): $name:$line"
      continue
    fi
    if $expired && grep -Eq "skon (assess|explain)" <<<"$body"; then
      echo "NOT RUN: $name:$line assesses, but the shipped purposes' approval ended $approved_to"
      skipped=$((skipped + 1))
      continue
    fi
    printf '%s\n' "$body" >"$work/block.sh"
    if ! (cd "$work" && bash -eo pipefail "$work/block.sh") >"$work/block.out" 2>&1; then
      cat "$work/block.out"
      fail "the sh block at $name:$line does not run as written"
    fi
    ran=$((ran + 1))
  done < <(awk -v OFS='\t' '
    /^```sh( norun)?$/ { inside = 1; printf "%d\t%s\n", NR, ($2 == "norun" ? "norun" : ""); next }
    inside && /^```/ { inside = 0; printf "%c", 0; next }
    inside { print }' FS=' ' "$doc")
done
((ran >= 8)) || fail "only $ran sh blocks ran; the docs lost their examples?"
echo "$ran sh blocks ran as written${skipped:+, $skipped not run}"
