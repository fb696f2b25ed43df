#!/usr/bin/env bash
# Runs one case of the bad-input catalogue (cases/NAME.case) as a user would meet it, in a fresh
# folder holding a copy of the shared fixture, and checks what every bad input must give:
#   - the exit code the case names (README: 2 usage, 3 bad input or output);
#   - stderr matching the case's `message` (what was wrong, where, what to do);
#   - no raw value (`secret`) on stdout, stderr or in any file skon wrote;
#   - no output (out.*) and no temporary file left behind — unless the case expects success.
# A case file sets: args=(...) exit_code=N message=REGEX, and optionally secret=TEXT,
# setup() { ...; } (runs in the folder first) and check() { ...; } (runs after).
#   run_case.sh CASE_FILE SKON FIXTURE_DIR
set -uo pipefail
case_file=$1 skon=$2 fixture=$3
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL ($(basename "$case_file")): $*"; exit 1; }
cp -r "$fixture/." "$work/"
cd "$work"
export SOURCE_DATE_EPOCH=1790000000
unset SKON_ID_KEY
export SKON_AUDIT="$work/skon-audit.sqlite"  # the fixture's, with the approvals assess needs
secret="" message="" exit_code=0
setup() { :; }
check() { :; }
# shellcheck disable=SC1090
source "$case_file"
touch .before
setup || fail "the case's setup failed"
touch .started
"$skon" "${args[@]}" >stdout.txt 2>stderr.txt
rc=$?
[[ $rc -eq $exit_code ]] || { cat stderr.txt; fail "exit code $rc, expected $exit_code"; }
if [[ -n "$message" ]]; then
  grep -Eq -- "$message" stderr.txt || { cat stderr.txt; fail "stderr lacks /$message/"; }
fi
if [[ -n "$secret" ]]; then
  ! grep -aqF -- "$secret" stdout.txt stderr.txt || fail "a raw value ($secret) was printed"
  while IFS= read -r -d '' written; do
    ! grep -aqF -- "$secret" "$written" || fail "a raw value ($secret) was written to $written"
  done < <(find . -type f -newer .started ! -name stdout.txt ! -name stderr.txt -print0)
fi
if [[ $exit_code -ne 0 ]]; then
  leftovers=$(find . -newer .started \( -name 'out*' -o -name '*.tmp-*' \) ! -name stdout.txt ! -name stderr.txt)
  [[ -z "$leftovers" ]] || fail "left behind after a failure: $leftovers"
fi
check || fail "the case's own check failed"
leftover_temps=$(find . -name '*.tmp-*')
[[ -z "$leftover_temps" ]] || fail "temporary files left behind: $leftover_temps"
echo "ok: $(head -1 "$case_file" | sed 's/^# //')"
