#!/usr/bin/env bash
# The error model as a user meets it: every failure has the exit code the README gives, names the
# path the user gave and says what to do, and leaves no output (or temporary file) behind.
# Also the command-line conventions: global options anywhere, `skon help`, -V, `-o -`.
# usage: errors.sh SKON SOURCE_DIR
set -uo pipefail
skon=$1 src=$2
work=$(mktemp -d)
cleanup() { umount "$work/full" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export SOURCE_DATE_EPOCH=1790000000 SKON_ID_KEY="tests-only key, never a real one"
fail() { echo "FAIL: $*"; exit 1; }
cd "$work"

# expect CODE PATTERN CMD...: runs CMD, checks its exit code and that stderr matches PATTERN.
expect() {
  local code=$1 pattern=$2
  shift 2
  "$@" >out.txt 2>err.txt
  local rc=$?
  [[ $rc -eq $code ]] || { cat err.txt; fail "exit $rc, expected $code: $*"; }
  grep -Eq -- "$pattern" err.txt || { cat err.txt; fail "stderr lacks /$pattern/: $*"; }
}
no_leftovers() {  # nothing but the given files and audit logs in the work folder (no temporary files of data)
  local extra
  extra=$(find . -newer marker -type f ! -name out.txt ! -name err.txt ! -name marker ! -name "*.sqlite*" "$@" | head -5)
  [[ -z "$extra" ]] || fail "left behind: $extra"
}

"$skon" -q generate --rows 200 --seed 1 --current -o cohort.csv || fail "generate"
"$skon" -q generate --rows 3000 --seed 2 -o history.csv || fail "generate history"
"$skon" -q train --rules "$src/rules" --purpose early_warning --data history.csv -o m.json >/dev/null || fail "train"
run=(assess --rules "$src/rules" --purpose early_warning --model m.json --data cohort.csv --today 2026-11-26)
# early_warning requires its DPO's and school head's approval, in the logs these runs write to.
for log in skon-audit.sqlite log.sqlite; do
  bash "$src/tests/e2e/approve.sh" "$skon" "$src/rules" m.json "$log"
done
touch marker

# Outputs that cannot be written: exit 3, the path given, what to do; nothing left behind.
expect 3 "cannot write 'no/such/dir/a.jsonl'.*does not exist: create it first" "$skon" "${run[@]}" -o no/such/dir/a.jsonl
expect 3 "cannot write 'no/such/dir/c.csv'.*create it first" "$skon" generate --rows 5 -o no/such/dir/c.csv
expect 3 "cannot write 'no/such/dir/m.json'.*create it first" "$skon" train --rules "$src/rules" --purpose early_warning --data history.csv -o no/such/dir/m.json
expect 3 "cannot write '/sys/a.jsonl'.*may not write in '/sys'" "$skon" "${run[@]}" -o /sys/a.jsonl
# A full disk: a tiny file system where one can be mounted, else a file-size limit.
mkdir full
if mount -t tmpfs -o size=16k tmpfs full 2>/dev/null; then
  expect 3 "cannot write 'full/a.jsonl'.*disk is full" "$skon" "${run[@]}" --audit log.sqlite -o full/a.jsonl
  [[ -z "$(ls -A full)" ]] || fail "a full disk kept a partial file: $(ls full)"
  # The audit log on the full disk: refused before anything is assessed, and not left half-made.
  expect 3 "audit log full/skon-audit.sqlite: .*free space or give another place" "$skon" "${run[@]}" -o a.jsonl --audit full/skon-audit.sqlite
  [[ -z "$(ls -A full)" ]] || fail "a full disk kept a partial audit log: $(ls full)"
  [[ ! -e a.jsonl ]] || fail "an assessment was written that could not be logged"
else
  (ulimit -f 8; trap '' XFSZ; "$skon" "${run[@]}" --audit log.sqlite -o full/a.jsonl >out.txt 2>err.txt); rc=$?
  [[ $rc -eq 3 ]] || { cat err.txt; fail "file-size limit: exit $rc"; }
  grep -Eq "cannot write 'full/a.jsonl'|audit log .*free space" err.txt || fail "file-size limit message"
  [[ -z "$(ls -A full)" ]] || fail "a failed write kept a partial file"
fi
no_leftovers

# An interrupted run (SIGTERM, SIGINT) leaves neither output nor a temporary file of personal data.
"$skon" -q generate --rows 600000 --seed 3 --current -o big.csv || fail "generate big"
touch marker
for signal in TERM INT; do
  "$skon" "${run[@]/cohort.csv/big.csv}" -o sig.jsonl 2>/dev/null &
  pid=$!
  for _ in $(seq 1 2000); do  # until the output's temporary file exists (then records flow)
    compgen -G "sig.jsonl.tmp-*" >/dev/null && break
    sleep 0.005
  done
  kill -s "$signal" "$pid" 2>/dev/null
  wait "$pid"; rc=$?
  [[ $rc -ne 0 ]] || fail "the run finished before SIG$signal arrived; make big.csv larger"
  [[ ! -e sig.jsonl && ! -e sig.jsonl.run.json ]] || fail "SIG$signal left an output"
  ! compgen -G "*.tmp-*" >/dev/null || fail "SIG$signal left a temporary file: $(ls ./*.tmp-*)"
done
rm -f big.csv
no_leftovers

# Usage errors: exit 2 with what to do.
expect 2 "--today: '2026-13-45' is not a date; give it as YYYY-MM-DD" "$skon" "${run[@]/2026-11-26/2026-13-45}" -o a.jsonl
expect 2 "training reads the cohort more than once" \
  "$skon" train --rules "$src/rules" --purpose early_warning --data - -o t.json
expect 2 "no subcommand 'asess'; did you mean 'assess'" "$skon" help asess
expect 2 "--rules is required" "$skon" compare whatever
# Bad input: exit 3.
expect 3 "cannot open 'nope.csv'" "$skon" "${run[@]/cohort.csv/nope.csv}" -o a.jsonl
expect 3 "no purpose 'early_warnig' in the rule files; did you mean 'early_warning'" "$skon" "${run[@]/early_warning/early_warnig}" -o a.jsonl
[[ ! -e a.jsonl ]] || fail "a refused run wrote its output"
no_leftovers

# Global options are accepted after the subcommand, as before it.
"$skon" "${run[@]}" -o a.jsonl --log-level error -q 2>err.txt || fail "options after the subcommand"
[[ ! -s err.txt ]] || fail "-q after the subcommand still printed: $(cat err.txt)"
"$skon" --log-level warn -q "${run[@]}" -o b.jsonl || fail "options before the subcommand"
cmp -s a.jsonl b.jsonl || fail "the same run gave different records"

# skon help [SUB] and -V.
"$skon" help >out.txt || fail "skon help"
grep -q "^  assess " out.txt || fail "skon help lists no assess"
"$skon" help assess >out.txt || fail "skon help assess"
grep -q -- "--id-key-file" out.txt || fail "skon help assess lacks its options"
"$skon" -V | grep -Eq "^skon [0-9]+\.[0-9]+\.[0-9]+" || fail "-V"
# Every subcommand DESIGN.md names is built: none is listed as planned.
"$skon" --help >out.txt
if grep -q "^Planned" out.txt; then fail "a subcommand is still listed as planned"; fi

# A cohort from standard input or a pipe is read once and hashed while it is read.
"$skon" -q "${run[@]/cohort.csv/-}" -o in.jsonl <cohort.csv || fail "--data -"
grep -q "\"sha256\": \"$(sha256sum cohort.csv | cut -d' ' -f1)\"" in.jsonl.run.json || fail "the manifest lacks the streamed input's hash"
cmp -s <(sed 's/"run":"[0-9a-f]*"//' in.jsonl) <(sed 's/"run":"[0-9a-f]*"//' a.jsonl) || fail "--data - assessed differently"
mkfifo data.pipe
(cat cohort.csv >data.pipe &)
"$skon" -q "${run[@]/cohort.csv/data.pipe}" -o pipe.jsonl || fail "--data FIFO"
[[ $(wc -l <pipe.jsonl) -eq $(($(wc -l <cohort.csv) - 1)) ]] || fail "a FIFO cohort was not read whole"

# -o - writes to standard output, and no file named '-'.
"$skon" -q "${run[@]}" -o - >stdout.jsonl || fail "assess -o -"
[[ ! -e ./- ]] || fail "a file named '-' was created"
cmp -s stdout.jsonl a.jsonl || fail "assess -o - differs from the file output"
"$skon" -q generate --rows 3 --seed 1 -o - | head -1 | grep -q "^id," || fail "generate -o -"
"$skon" -q train --rules "$src/rules" --purpose early_warning --data history.csv -o - | grep -q '"format": "skon.model"' || fail "train -o -"
[[ ! -e ./- ]] || fail "a file named '-' was created"
echo "errors and conventions ok"
