#!/usr/bin/env bash
# The audit log (docs/audit.md) played against: every kind of tampering (change, delete, insert,
# reorder, truncate against a checkpoint) is found and the first broken row named; a run killed
# mid-way leaves a log that verifies with the run incomplete; two assess runs and a review writing
# one log at once keep one valid chain; decisions need an assessment; approvals are required and
# a one-byte change in a rule file voids them; a purge keeps the chain; no raw id is stored.
# usage: audit.sh SKON SOURCE_DIR
set -euo pipefail
skon=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$work"
export SKON_ID_KEY="tests-only key, never a real one"
unset SKON_AUDIT
"$skon" -q generate --rows 6000 --seed 9 -o history.csv
"$skon" -q generate --rows 3000 --seed 10 --current -o current.csv
"$skon" -q train --rules "$src/rules" --purpose early_warning --data history.csv -o m.json >/dev/null
run=(assess --rules "$src/rules" --purpose early_warning --model m.json --data current.csv --today 2026-11-26)
# early_warning requires its DPO's and school head's approval, recorded in each log it runs into.
approve() { bash "$src/tests/e2e/approve.sh" "$skon" "${2:-$src/rules}" m.json "$1"; }
# One or more SQL statements on a log (the last one's rows printed), as an attacker with the file would.
sql() { python3 -c "
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
rows = []
for q in sys.argv[2].split(';'):
    if q.strip(): rows = c.execute(q).fetchall()
c.commit()
print('\n'.join('|'.join(map(str, x)) for x in rows))" "$@"; }

approve skon-audit.sqlite
"$skon" -q "${run[@]}" -o out.jsonl --operator "Anna Jensen (UU)"
[[ -f skon-audit.sqlite ]] || fail "no log beside the output"
[[ $(stat -c %a skon-audit.sqlite) == 600 ]] || fail "the log is readable by others"
# The assessments are stored a batch to a row, one line each (docs/audit.md).
[[ $(sql skon-audit.sqlite "select sum(length(body) - length(replace(body, char(10), ''))) from chain where kind='assessments'") == 3000 ]] || fail "not one line per assessment"
[[ $("$skon" audit export --audit skon-audit.sqlite | grep -c '"kind":"assessment"') == 3000 ]] || fail "export: not one row per assessment"
"$skon" audit verify --audit skon-audit.sqlite >/dev/null || fail "a fresh log does not verify"
# Each assessment row's record hash is the output record's.
python3 - out.jsonl skon-audit.sqlite <<'PY' || fail "record hashes"
import hashlib, json, sqlite3, sys
lines = open(sys.argv[1], 'rb').read().split(b'\n')[:-1]
batches = sqlite3.connect(sys.argv[2]).execute("select body from chain where kind='assessments' order by seq").fetchall()
rows = [l.split('\t') for (b,) in batches for l in b.split('\n')[:-1]]
assert len(rows) == len(lines)
for line, (person, level, review, reasons, record) in zip(lines, rows):
    assert hashlib.sha256(line + b'\n').hexdigest() == record, record
    out = json.loads(line)
    assert person == out['id'] and level == (out['level'] or '') and review == str(int(out['review']['required']))
print('ok')
PY
# No raw id anywhere in the log (ids are like S2026-0000001).
! grep -aq "S2026-000" skon-audit.sqlite* || fail "a raw id is in the log"
"$skon" -q "${run[@]}" --reveal-ids -o raw.jsonl
! grep -aq "S2026-000" skon-audit.sqlite* || fail "a raw id reached the log with --reveal-ids"

# A checkpoint, kept elsewhere.
printf 'checkpoint key: 5c1d0e9f2a7b4c3d' > ck.key
"$skon" audit checkpoint --audit skon-audit.sqlite --key-file ck.key -o cp.json 2>/dev/null
"$skon" audit verify --audit skon-audit.sqlite --checkpoint cp.json --key-file ck.key >/dev/null || fail "checkpoint on an untouched log"

# Tampering: each on a copy; verify exits 1 and names the row.
tamper() {  # NAME EXPECTED_ROW SQL [verify options]
  local name=$1 row=$2 q=$3; shift 3
  cp skon-audit.sqlite "t_$name.sqlite"
  sql "t_$name.sqlite" "$q" >/dev/null
  set +e
  "$skon" audit verify --audit "t_$name.sqlite" "$@" >"t_$name.out" 2>&1
  local rc=$?
  set -e
  [[ $rc == 1 ]] || fail "$name: verify exited $rc: $(cat "t_$name.out")"
  grep -q "$row" "t_$name.out" || fail "$name: $(cat "t_$name.out")"
}
# Rows 1-2 the approvals; then each run: its start, its batches of assessments, its end.
[[ $(sql skon-audit.sqlite "select group_concat(kind) from chain") == approval,approval,run,assessments,assessments,assessments,run_end,run,assessments,assessments,assessments,run_end ]] || fail "unexpected rows"
r=$(sql skon-audit.sqlite "select min(seq) from chain where kind = 'assessments' and review > 0")
# One person's review required turned off: the line's flag and the batch's count.
tamper change "row $r:" "update chain set body = substr(body, 1, instr(body, char(9) || '1' || char(9)) - 1) || char(9) || '0' || char(9) || substr(body, instr(body, char(9) || '1' || char(9)) + 3), review = review - 1 where seq = $r"
l=$(sql skon-audit.sqlite "select min(seq) from chain where body like '%' || char(9) || 'low' || char(9) || '%'")
tamper change_level "row $l:" "update chain set body = replace(body, char(9) || 'low' || char(9), char(9) || 'high' || char(9)) where seq = $l"
tamper column_only "row 5:" "update chain set review = review + 1 where seq = 5"
tamper delete "row 6 is missing" "delete from chain where seq = 6"
tamper insert "row 5:" "update chain set seq = seq + 1000000 where seq > 4; update chain set seq = seq - 999999 where seq > 1000000; insert into chain select 5, kind, time, run, person, review, body, digest, hash from chain where seq = 4"
tamper reorder "row 9" "update chain set seq = -1 where seq = 9; update chain set seq = 9 where seq = 10; update chain set seq = 10 where seq = -1"
tamper truncate "fewer than the" "delete from chain where seq > 8" --checkpoint cp.json --key-file ck.key
# A tail cut and rebuilt with valid hashes (a new run appended) is caught too:
cp skon-audit.sqlite t_forged.sqlite
sql t_forged.sqlite "delete from chain where seq > 8" >/dev/null
"$skon" -q "${run[@]}" -o forged.jsonl --audit t_forged.sqlite  # a valid chain, but not the one checkpointed
"$skon" -q "${run[@]}" --top 2 -o forged2.jsonl --audit t_forged.sqlite  # and longer than it was
set +e; "$skon" audit verify --audit t_forged.sqlite --checkpoint cp.json --key-file ck.key >t_forged.out; rc=$?; set -e
[[ $rc == 1 ]] && grep -q "differs from the checkpoint" t_forged.out || fail "rebuilt tail: $(cat t_forged.out)"
# A forged checkpoint: its signature fails.
sed 's/"rows": [0-9]*/"rows": 1/' cp.json >cp_forged.json
set +e; "$skon" audit verify --audit skon-audit.sqlite --checkpoint cp_forged.json --key-file ck.key >f.out; rc=$?; set -e
[[ $rc == 1 ]] && grep -q "signature" f.out || fail "forged checkpoint: $(cat f.out)"

# Not a log, and a newer schema: exit 3 with a clear message.
echo "hello" >not_a_log.sqlite
set +e; "$skon" audit verify --audit not_a_log.sqlite 2>e.txt; rc=$?; set -e
[[ $rc == 3 ]] && grep -q "not a Skøn audit log" e.txt || fail "not a log: $rc $(cat e.txt)"
cp skon-audit.sqlite newer.sqlite
sql newer.sqlite "update skon_audit_meta set value = '99' where key = 'schema_version'" >/dev/null
set +e; "$skon" audit verify --audit newer.sqlite 2>e.txt; rc=$?; set -e
[[ $rc == 3 ]] && grep -q "newer than this skon" e.txt || fail "newer schema: $rc $(cat e.txt)"

# Decisions.
IFS=, read -r rid person _ < <("$skon" audit pending --audit skon-audit.sqlite 2>/dev/null | sed -n 2p)
[[ ${#person} == 32 ]] || fail "pending lists no pseudonym"
before=$("$skon" audit pending --audit skon-audit.sqlite 2>/dev/null | wc -l)
set +e; "$skon" review record --audit skon-audit.sqlite --run "$rid" --person "$person" --decision disagree --by "Bo (UU)" 2>e.txt; rc=$?; set -e
[[ $rc == 2 ]] && grep -q "needs its reason" e.txt || fail "disagree without a note: $rc"
set +e; "$skon" review record --audit skon-audit.sqlite --run "$rid" --person 0000 --decision agree --by "Bo (UU)" 2>e.txt; rc=$?; set -e
[[ $rc == 3 ]] && grep -q "no assessment of person" e.txt || fail "decision for nobody: $rc"
"$skon" review record --audit skon-audit.sqlite --run "$rid" --person "$person" --decision disagree --by "Bo (UU)" --note "Fraværet skyldes sygdom" 2>/dev/null
"$skon" review record --audit skon-audit.sqlite --run "$rid" --person "$person" --decision agree --by "Eva (leder)" 2>/dev/null
after=$("$skon" audit pending --audit skon-audit.sqlite 2>/dev/null | wc -l)
[[ $after == $((before - 1)) ]] || fail "pending: $before -> $after"
[[ $("$skon" audit show --audit skon-audit.sqlite --person "$person" | grep -c '"kind":"decision"') == 2 ]] || fail "decisions are appended, not overwritten"
"$skon" audit verify --audit skon-audit.sqlite >/dev/null || fail "after decisions"
# The card shows the decisions recorded for the person (asked for by raw id, as a professional does).
raw_id=$(python3 - raw.jsonl skon-audit.sqlite "$person" <<'PY'
import json, sqlite3, sys
ids = [json.loads(l)['id'] for l in open(sys.argv[1])]
c = sqlite3.connect(sys.argv[2])
second = c.execute("select run from chain where kind='run' order by seq").fetchall()[1][0]
people = [l.split('\t')[0] for (b,) in c.execute("select body from chain where kind='assessments' and run=? order by seq", (second,)) for l in b.split('\n')[:-1]]
print(ids[people.index(sys.argv[3])])
PY
)
"$skon" explain --rules "$src/rules" --purpose early_warning --model m.json --data current.csv \
  --today 2026-11-26 --id "$raw_id" --audit skon-audit.sqlite --lang en >card.txt
grep -q "disagree  (Bo (UU), run .*: Fraværet skyldes sygdom" card.txt || fail "card: $(tail -5 card.txt)"
grep -q "agree  (Eva (leder)" card.txt || fail "card, second decision: $(tail -5 card.txt)"

# Killed mid-run: the log verifies and the run has no end.
"$skon" -q generate --rows 300000 --seed 11 --current -o big.csv
approve killed.sqlite
"$skon" -q assess --rules "$src/rules" --purpose early_warning --model m.json --data big.csv --today 2026-11-26 -o big.jsonl --audit killed.sqlite &
pid=$!
for _ in $(seq 100); do
  [[ -f killed.sqlite ]] && [[ $(sql killed.sqlite "select count(*) from chain where kind='assessments'" 2>/dev/null || echo 0) -gt 0 ]] && break
  sleep 0.05
done
kill -9 $pid; wait $pid 2>/dev/null || true
"$skon" audit verify --audit killed.sqlite >/dev/null || fail "a killed run broke the log"
[[ $(sql killed.sqlite "select count(*) from chain where kind='run_end'") == 0 ]] || fail "the killed run looks complete"
[[ ! -e big.jsonl ]] || fail "the killed run left an output"

# Two runs and reviews writing one log at once.
approve shared.sqlite
"$skon" -q "${run[@]}" -o c1.jsonl --audit shared.sqlite &
p1=$!
"$skon" -q "${run[@]}" --top 3 -o c2.jsonl --audit shared.sqlite &
p2=$!
wait $p1 || fail "concurrent run 1"
wait $p2 || fail "concurrent run 2"
"$skon" audit verify --audit shared.sqlite >/dev/null || fail "concurrent writers broke the chain"
[[ $(sql shared.sqlite "select count(*) from chain where kind='run_end'") == 2 ]] || fail "both runs complete"

# Approvals: a purpose that requires them is refused until they are recorded, and a one-byte
# change in a rule file voids them.
cp -r "$src/rules" rules
grep -q "requires approval by dpo, school_head" rules/early_warning.skon || fail "the shipped purpose needs no approval"
arun=(assess --rules rules --purpose early_warning --model m.json --data current.csv --today 2026-11-26 --audit approvals.sqlite)
set +e; "$skon" -q "${arun[@]}" -o ap.jsonl 2>e.txt; rc=$?; set -e
[[ $rc == 3 ]] && grep -q "no approval by dpo" e.txt && grep -q "no approval by school_head" e.txt || fail "unapproved: $rc $(cat e.txt)"
[[ ! -e ap.jsonl ]] || fail "an unapproved run wrote its output"
"$skon" approve --rules rules --purpose early_warning --model m.json --by "DPO Lise Holm" --role dpo --audit approvals.sqlite 2>/dev/null
set +e; "$skon" -q "${arun[@]}" -o ap.jsonl 2>e.txt; rc=$?; set -e
[[ $rc == 3 ]] && ! grep -q "no approval by dpo" e.txt && grep -q "no approval by school_head" e.txt || fail "one role of two: $rc $(cat e.txt)"
set +e; "$skon" approve --rules rules --purpose early_warning --model m.json --by "Bo" --role teacher --audit approvals.sqlite 2>e.txt; rc=$?; set -e
[[ $rc == 2 ]] || fail "a role the purpose does not name approved: $rc $(cat e.txt)"
"$skon" approve --rules rules --purpose early_warning --model m.json --by "Skolechef Ib Lund" --role school_head --audit approvals.sqlite 2>/dev/null
"$skon" -q "${arun[@]}" -o ap.jsonl || fail "approved rules were refused"
# Another model (retrained) is a new version: refused until approved.
"$skon" -q train --rules "$src/rules" --purpose early_warning --data history.csv --calibration none -o m2.json >/dev/null
set +e; "$skon" -q "${arun[@]/m.json/m2.json}" -o ap3.jsonl 2>e.txt; rc=$?; set -e
[[ $rc == 3 ]] && grep -q "the model" e.txt || fail "an unapproved model ran: $rc $(cat e.txt)"
sed -i '0,/Fravær/s/Fravær/Fraver/' rules/early_warning.skon  # one character
set +e; "$skon" -q "${arun[@]}" -o ap2.jsonl 2>e.txt; rc=$?; set -e
[[ $rc == 3 ]] && grep -q "early_warning.skon (changed)" e.txt || fail "a changed rule file ran: $rc $(cat e.txt)"
# ... and the refusal says what changed in a reviewer's terms (the approved texts are in the log).
sed -i '0,/when absence_pct > 10/s//when absence_pct > 15/' rules/early_warning.skon
set +e; "$skon" -q "${arun[@]}" -o ap2.jsonl 2>e.txt; rc=$?; set -e
[[ $rc == 3 ]] && grep -q "rule high_absence: threshold moved from 10 to 15 .* (needs approval)" e.txt || fail "no reviewer's terms: $rc $(cat e.txt)"

# Purge: refused for young rows; a log written a year ago (the clock set back) loses its
# personal data and still verifies, and its purge is itself a row of the chain.
set +e; "$skon" audit purge --audit skon-audit.sqlite --before 2026-11-01 2>e.txt; rc=$?; set -e
[[ $rc == 2 ]] && grep -q "six months" e.txt || fail "young rows purged: $rc"
approve old.sqlite
SOURCE_DATE_EPOCH=1735689600 "$skon" -q "${run[@]}" --today 2025-06-01 -o old.jsonl --audit old.sqlite 2>/dev/null \
  || SOURCE_DATE_EPOCH=1735689600 "$skon" -q assess --rules "$src/rules" --purpose early_warning --model m.json --data current.csv -o old.jsonl --audit old.sqlite
"$skon" -q "${run[@]}" -o new.jsonl --audit old.sqlite
# A purpose that keeps its assessments two years: its year-old run is kept.
cp -r "$src/rules" rules_kept
sed -i 's/^  review high_level required when level >= high/  retention 24 months\n&/' rules_kept/early_warning.skon
approve old.sqlite rules_kept
SOURCE_DATE_EPOCH=1735689600 "$skon" -q assess --rules rules_kept --purpose early_warning --model m.json --data current.csv --today 2026-11-26 --top 4 -o kept.jsonl --audit old.sqlite 2>/dev/null \
  || SOURCE_DATE_EPOCH=1735689600 "$skon" -q assess --rules rules_kept --purpose early_warning --model m.json --data current.csv --top 4 -o kept.jsonl --audit old.sqlite
kept_run=$(sql old.sqlite "select run from chain where kind='run' order by seq desc limit 1")
n_new=$(sql old.sqlite "select count(*) from chain where kind='assessments' and body is not null and (time >= '2026' or run = '$kept_run')")
"$skon" audit purge --audit old.sqlite --before 2026-01-01 2>/dev/null
"$skon" audit verify --audit old.sqlite >/dev/null || fail "a purge broke the chain"
[[ $(sql old.sqlite "select count(*) from chain where time < '2026' and kind='assessments' and (run is null or run != '$kept_run') and (run is not null or body is not null)") == 0 ]] || fail "purged rows keep personal data"
[[ $("$skon" audit show --audit old.sqlite --run "$kept_run" | grep -c '"kind":"assessment"') == 3000 ]] || fail "a run within its purpose's retention was purged"
[[ $(sql old.sqlite "select count(*) from chain where kind='assessments' and body is not null") == "$n_new" ]] || fail "the purge took younger rows"
[[ $(sql old.sqlite "select count(*) from chain where kind='purge'") == 1 ]] || fail "the purge is not in the chain"
echo "audit: all checks passed"
