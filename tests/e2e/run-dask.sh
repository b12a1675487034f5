#!/bin/sh
# The fleet recipe of docs/fleet.md, on one machine (issue 18): a dask scheduler and two
# dask workers on 127.0.0.1, 200 small inputs made from samples/, contrib/dask/loganalyze-dask
# fans them out; one worker is killed (SIGKILL) while tasks are still running; `loganalyze
# merge` of what the driver wrote must equal the summary of one batch run over the same
# inputs: every input once, nothing lost, nothing counted twice.
# Skips (77) when Debian's python3-distributed is missing (scripts/deps.sh installs it).
# Usage: run-dask.sh LOGANALYZE SOURCE_ROOT
exe=$1 src=$2
case $exe in /*) ;; *) exe=$(pwd)/$exe ;; esac
py=/usr/bin/python3
if ! $py -c 'import distributed' 2>/dev/null; then
  echo "SKIP: $py cannot import distributed (Debian: apt-get install python3-distributed, or sh scripts/deps.sh)"
  exit 77
fi
t=$(mktemp -d) || exit 1
pids=
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null; done
  sleep 0.5
  for p in $pids; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$t"
}
trap cleanup EXIT
fail=0
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# 200 inputs: the text samples in turn, each a file of its own.
mkdir "$t/in"
i=0
set -- "$src"/samples/*.log
while [ $i -lt 200 ]; do
  for f in "$@"; do
    [ $i -lt 200 ] || break
    cp "$f" "$t/in/$(printf %03d $i)-$(basename "$f")"
    i=$((i + 1))
  done
done

export DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=10
$py -m distributed.cli.dask_scheduler --host 127.0.0.1 --port 0 --no-dashboard \
  --scheduler-file "$t/sched.json" > "$t/sched.log" 2>&1 &
pids="$pids $!"
i=0
while [ ! -s "$t/sched.json" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$t/sched.json" ] || { echo "FAIL the scheduler did not start: $(tail -5 "$t/sched.log")"; exit 1; }
addr=$($py -c 'import json,sys; print(json.load(open(sys.argv[1]))["address"])' "$t/sched.json")
for w in 1 2; do
  $py -m distributed.cli.dask_worker "$addr" --host 127.0.0.1 --nthreads 1 --no-nanny \
    --no-dashboard --name "w$w" > "$t/worker$w.log" 2>&1 &
  eval "w${w}_pid=$!"
  pids="$pids $!"
done
$py - "$addr" <<'PY' || { echo "FAIL two workers did not join"; exit 1; }
import sys
from distributed import Client
c = Client(sys.argv[1], timeout=60)
c.wait_for_workers(2, timeout=60)
c.close()
PY

# The driver, in the background; worker 1 is killed once a quarter of the inputs are back.
: > "$t/out.ndjson"
$py "$src/contrib/dask/loganalyze-dask" --binary "$exe" --redact-key fleet-test \
  --deterministic "$addr" "$t"/in/* > "$t/out.ndjson" 2> "$t/driver.err" &
drv=$!
pids="$pids $drv"
i=0
while [ "$(wc -l < "$t/out.ndjson")" -lt 50 ] && [ $i -lt 1200 ] && kill -0 $drv 2>/dev/null; do
  sleep 0.05; i=$((i + 1))
done
got=$(wc -l < "$t/out.ndjson")
kill -9 "$w1_pid" && echo "killed worker 1 after $got of 200 inputs"
wait $drv
rc=$?
[ $rc -eq 0 ] || bad "loganalyze-dask exited $rc: $(tail -5 "$t/driver.err")"
[ "$got" -lt 200 ] || bad "the worker was killed only after the run ended ($got lines)"
grep -q "200/200 inputs" "$t/driver.err" || bad "no final progress line: $(tail -3 "$t/driver.err")"

# Every input exactly once.
$py - "$t/out.ndjson" "$t/in" <<'PY' || fail=$((fail + 1))
import json, os, sys
seen = [json.loads(l)["report"]["input"] for l in open(sys.argv[1])]
want = sorted(os.path.join(sys.argv[2], f) for f in os.listdir(sys.argv[2]))
if sorted(seen) != want:
    dup = len(seen) - len(set(seen))
    print("FAIL inputs: %d lines, %d distinct, %d missing, %d twice"
          % (len(seen), len(set(seen)), len(set(want) - set(seen)), dup))
    sys.exit(1)
PY

summary() { $py -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["summary"], sort_keys=True, indent=1))'; }
"$exe" --format json --deterministic --redact-key fleet-test --exit-zero "$t"/in/* 2>/dev/null | summary > "$t/want"
"$exe" merge -f json "$t/out.ndjson" | summary > "$t/got"
if cmp -s "$t/want" "$t/got"; then :; else bad "merge differs from the batch summary: $(diff "$t/want" "$t/got" | head -20)"; fi
grep -q '"inputs": 200' "$t/got" || bad "the merged summary does not count 200 inputs"
tail -1 "$t/driver.err"
[ $fail -eq 0 ] && echo "pass: 200 inputs on 2 workers, one killed, merge equals the batch summary"
[ $fail -eq 0 ]
