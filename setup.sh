#!/usr/bin/env bash
# Skøn's one setup script: installs the Debian packages the build needs (only those missing),
# then builds and runs what was asked for.
#
#   bash setup.sh            install dependencies only
#   bash setup.sh build      ... and build the optimised binaries (build/release)
#   bash setup.sh demo       ... and run the main job on the shipped demo (into out/demo/); builds
#                            only skon
#   bash setup.sh test       ... and build + run every test: the optimised build, then one clang
#                            ASan+UBSan build that runs every test again and the libFuzzer targets
#                            for a few seconds each
#
# Idempotent; runs as root on a fresh Debian machine (uses sudo when not root).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

readonly BUILD_PACKAGES=(
  build-essential cmake git pkg-config
  tao-pegtl-dev libeigen3-dev libspdlog-dev nlohmann-json3-dev doctest-dev libcli11-dev
  libssl-dev libfast-float-dev libbenchmark-dev
  libsimdjson-dev  # JSON Lines input (skon assess/explain/train/evaluate --data X.jsonl)
  libsqlite3-dev  # the audit log (skon assess --audit, skon audit, skon review, skon approve)
  clang-format  # the formatting check in the test command
  clang libclang-rt-14-dev  # the sanitizer build and its libFuzzer targets (tests/fuzz)
  ccache  # rebuilds reuse what an earlier build on this machine compiled
)
# What the tests drive besides skon: python3 (reading logs and outputs back in the end-to-end tests)
# and Chromium (the HTML documents in a headless browser, tests/e2e/doc_browser.sh).
readonly TEST_PACKAGES=(python3 chromium)
# Reference peers used by the scripts that regenerate committed reference outputs and by the
# benchmarks.
readonly PEER_PACKAGES=(python3 python3-sklearn python3-pandas python3-statsmodels)

install_missing() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then return 0; fi
  echo "setup: installing ${missing[*]}" >&2
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  # Only refresh the package lists when they are missing or the install fails without a refresh.
  if [[ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ]]; then
    $sudo apt-get update -qq
  fi
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# ccache, where the machine has it, keyed on paths relative to the checkout, so a fresh clone
# in another folder reuses what an earlier build compiled.
use_ccache() {
  if command -v ccache >/dev/null; then
    # (No directory in the hash: the sanitizer build has debug info, which would tie every
    # object to the clone's folder.)
    export CMAKE_CXX_COMPILER_LAUNCHER=ccache CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
  fi
}

# Only what the demo runs: skon itself.
build_release() {
  use_ccache
  cmake --preset release >/dev/null
  cmake --build --preset release --target skon
}

# The main job on the shipped demo, every output in one folder:
#   synthetic history + holdout + current cohort -> check and test the rules -> train the
#   early-warning model (and the extended-data scenario, to weigh it) -> evaluate on a later year
#   -> assess the current cohort -> one explanation card -> a short summary.
# `bash setup.sh demo-pipeline SKON OUT [HISTORY_ROWS CURRENT_ROWS]` runs it with a given binary
# (the end-to-end test does, with small cohorts).
demo_pipeline() {
  local skon="$1" out="$2" history_rows="${3:-100000}" current_rows="${4:-20000}"
  local start=$SECONDS
  mkdir -p "$out"
  # Pseudonyms need a key; the demo makes its own once and keeps it beside the outputs.
  if [[ ! -s "$out/pseudonym.key" ]]; then
    (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$out/pseudonym.key")
  fi
  # SKON_TODAY=YYYY-MM-DD assesses as of that day (the purposes have an approved period). After
  # the shipped purposes' approval has ended, the demo assesses as of its last day: a replay,
  # which the run's manifest records as such.
  if [[ -z "${SKON_TODAY:-}" ]]; then
    local clock approved
    clock=$(date -u +%F)
    approved=$(demo_assessment_date "$clock")
    if [[ "$approved" != "$clock" ]]; then
      echo "note: the shipped purposes are approved until $approved; the demo assesses as of that day" >&2
      SKON_TODAY=$approved
    fi
  fi
  local key=(--id-key-file "$out/pseudonym.key" ${SKON_TODAY:+--today "$SKON_TODAY"})
  echo "== the rules: rules/ (checked as a legal reviewer would, and their tests)"
  "$skon" check --strict rules/
  "$skon" test rules/ | tail -n 1
  echo "== synthetic cohorts (docs/synthetic-data.md)"
  "$skon" generate --rows "$history_rows" --seed 2026 --years 2015..2019 -o "$out/history.csv"
  "$skon" generate --rows "$((history_rows / 5))" --seed 2027 --years 2020..2020 -o "$out/holdout.csv"
  "$skon" generate --rows "$current_rows" --seed 2028 --current -o "$out/current.csv"
  echo "== train: early warning in grades 8-9, and the extended-data scenario beside it"
  "$skon" train --rules rules/ --purpose early_warning --data "$out/history.csv" --by sex,municipality \
    -o "$out/early_warning.model.json" 2>&1 | tee "$out/train.txt"
  "$skon" train --rules rules/ --purpose scenario_extended --data "$out/history.csv" --by sex,municipality \
    -o "$out/scenario_extended.model.json" >"$out/train_scenario.txt" 2>&1
  echo "== evaluate on a later year (2020) the model never saw"
  "$skon" evaluate --model "$out/early_warning.model.json" --data "$out/holdout.csv" --by sex,municipality \
    --capacity 10 >"$out/evaluation.txt"
  "$skon" evaluate --model "$out/early_warning.model.json" --data "$out/holdout.csv" --by sex,municipality \
    --capacity 10 --json >"$out/evaluation.json"
  "$skon" evaluate --model "$out/scenario_extended.model.json" --data "$out/holdout.csv" --by sex,municipality \
    --capacity 10 >"$out/evaluation_scenario.txt"
  echo "== approve: early_warning requires its DPO's and school head's approval of these rules and model"
  # (In a municipality each approves under their own name after reading the rules and the
  # model card; the audit log records the approval of exactly these files' hashes.)
  "$skon" -q approve --rules rules/ --purpose early_warning --model "$out/early_warning.model.json" \
    --audit "$out/skon-audit.sqlite" --by "Demo: databeskyttelsesrådgiver" --role dpo --note "demo"
  "$skon" -q approve --rules rules/ --purpose early_warning --model "$out/early_warning.model.json" \
    --audit "$out/skon-audit.sqlite" --by "Demo: skolechef" --role school_head --note "demo"
  echo "== assess the current cohort"
  "$skon" assess --rules rules/ --purpose early_warning --model "$out/early_warning.model.json" \
    --data "$out/current.csv" "${key[@]}" -o "$out/assessments.jsonl"
  "$skon" -q assess --rules rules/ --purpose early_warning --model "$out/early_warning.model.json" \
    --data "$out/current.csv" "${key[@]}" --format csv -o "$out/assessments.csv"
  # One card, for the first young person in the file with high absence (a professional asks for
  # a person by id; the assessments themselves carry only pseudonyms).
  local id
  id=$(awk -F, 'NR > 1 && $6 != "" && $6 + 0 >= 20 { print $1; exit }' "$out/current.csv")
  "$skon" explain --rules rules/ --purpose early_warning --model "$out/early_warning.model.json" \
    --data "$out/current.csv" --id "$id" "${key[@]}" >"$out/explanation.txt"
  "$skon" explain --rules rules/ --purpose early_warning --model "$out/early_warning.model.json" \
    --data "$out/current.csv" --id "$id" "${key[@]}" --lang en >"$out/explanation.en.txt"

  echo "== the report: the cohort, the model on the later year, group gaps, rules and cards"
  "$skon" report --assessments "$out/assessments.jsonl" --rules rules/ \
    --model "$out/early_warning.model.json" --evaluate-on "$out/holdout.csv" --by sex,municipality \
    --history "$out/history.csv" -o "$out/report.html"
  "$skon" report --assessments "$out/assessments.jsonl" --rules rules/ \
    --model "$out/early_warning.model.json" --evaluate-on "$out/holdout.csv" --by sex,municipality \
    --history "$out/history.csv" -o "$out/report.json"

  echo "== the decision paper: school data only against the extended data, with what each source adds"
  "$skon" compare --rules rules/ --purpose early_warning scenario_extended --data "$out/history.csv" \
    --holdout "$out/holdout.csv" --by sex,municipality --ablate --paper "$out/paper.html" \
    -o "$out/compare.txt"

  echo "== monitor: does the model still fit the later year (2020), and how do the reviews go?"
  "$skon" monitor --rules rules/ --purpose early_warning --model "$out/early_warning.model.json" \
    --data "$out/holdout.csv" --audit "$out/skon-audit.sqlite" -o "$out/monitor.txt" ||
    echo "monitor: a breach (see $out/monitor.txt)"

  echo "== for legal review: the rule set as a document, and what a proposed change would do"
  "$skon" doc --rules rules/ -o "$out/legal.html" --audit "$out/skon-audit.sqlite"
  # A realistic proposal: the absence threshold of early_warning from 10 % to 15 %, shown in a
  # reviewer's terms and by whom it would move in the later year (2020), whose outcomes are known.
  rm -rf "$out/proposal" && cp -r rules "$out/proposal"
  sed -i '0,/when absence_pct > 10/s//when absence_pct > 15/' "$out/proposal/early_warning.skon"
  local diff=(diff rules/ "$out/proposal" --purpose early_warning --cohort "$out/holdout.csv"
              --model "$out/early_warning.model.json" "${key[@]}" --examples 3)
  local rc=0
  "$skon" "${diff[@]}" >"$out/proposal-diff.txt" || rc=$?
  [[ $rc == 1 ]] || { echo "setup: skon diff should find a change needing approval (exit $rc)" >&2; return 1; }
  "$skon" "${diff[@]}" --format md -o "$out/proposal-diff.md" || [[ $? == 1 ]]

  echo
  echo "== summary"
  awk -F, 'NR > 1 { n++; level[$4 == "insufficient_data" ? "insufficient data" : $5]++; if ($10 == "true") review++ }
    END { printf "assessed %d young people: high %d, medium %d, low %d, insufficient data %d; review required %d\n",
                 n, level["high"], level["medium"], level["low"], level["insufficient data"], review }' \
    "$out/assessments.csv"
  printf 'early warning (school data only):  %s\n' "$(grep -m1 'ROC AUC' "$out/evaluation.txt" | tr -s ' ' | sed 's/^ //')"
  printf 'scenario with extended data:       %s\n' "$(grep -m1 'ROC AUC' "$out/evaluation_scenario.txt" | tr -s ' ' | sed 's/^ //')"
  printf 'what the extended data add:        %s\n' "$(grep -m1 'against early_warning' "$out/compare.txt" | sed 's/^ *scenario_extended against early_warning: //')"
  printf 'the model on 2020 (monitor):       %s\n' "$(tail -n 1 "$out/monitor.txt" | sed 's/^verdict: //')"
  echo "the report with plots and cards: $out/report.html; the decision paper: $out/paper.html"
  echo "one explanation card: $out/explanation.txt"
  echo "for legal review: $out/legal.html; a proposed change and whom it moves: $out/proposal-diff.txt"
  # Both runs are in the audit log beside the assessments; it verifies, and lists who awaits a
  # professional's decision (skon review record ... records one).
  "$skon" audit verify --audit "$out/skon-audit.sqlite"
  "$skon" audit pending --audit "$out/skon-audit.sqlite" >"$out/pending.csv"
  echo "everything is in $out/ ($((SECONDS - start)) s):"
  (cd "$out" && ls -1 | sed 's/^/  /')
}

# The day the demo assesses as of, given the clock's date: that date, or the last day of the
# shipped purposes' approval (rules/early_warning.skon `effective ... to`) once it has passed.
demo_assessment_date() {
  local clock="$1" approved_to
  approved_to=$(sed -nE 's/.*effective from [0-9-]+ to ([0-9-]+).*/\1/p' rules/early_warning.skon | head -1)
  if [[ -n "$approved_to" && "$clock" > "$approved_to" ]]; then echo "$approved_to"; else echo "$clock"; fi
}

main() {
  local what="${1:-deps}"
  case "$what" in
    deps) install_missing "${BUILD_PACKAGES[@]}" ;;
    peers) install_missing "${BUILD_PACKAGES[@]}" "${PEER_PACKAGES[@]}" ;;
    build) install_missing "${BUILD_PACKAGES[@]}"; build_release ;;
    demo)
      install_missing "${BUILD_PACKAGES[@]}"
      build_release
      demo_pipeline ./build/release/cli/skon out/demo
      ;;
    demo-pipeline) shift; demo_pipeline "$@" ;;
    demo-date) demo_assessment_date "$2" ;;
    test)
      install_missing "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
      use_ccache
      cmake --workflow --preset release
      cmake --workflow --preset asan
      ;;
    *) echo "usage: bash setup.sh [deps|peers|build|demo|test|demo-pipeline SKON OUT [ROWS ROWS]|demo-date YYYY-MM-DD]" >&2; exit 2 ;;
  esac
}

main "$@"
