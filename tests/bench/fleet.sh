#!/bin/sh
# Fleet benchmarks for docs/bench.md (issue 18), on demand, not part of meson test:
#  1. loganalyze-dask on the same 200 inputs (the text samples in turn, as in the dask test)
#     with 1 worker, then 2 workers (one thread each) on 127.0.0.1; wall time of the driver.
#  2. `loganalyze merge` over 100 000 report lines (the 200 inputs' lines repeated 500 times):
#     wall time, peak RSS (GNU time), lines per second, for --format json and --brief.
# Usage: tests/bench/fleet.sh [BINARY]   (default build/src/loganalyze; needs python3-distributed)
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
exe=${1:-$src/build/src/loganalyze}
case $exe in /*) ;; *) exe=$(pwd)/$exe ;; esac
py=/usr/bin/python3
t=$(mktemp -d) || exit 1
pids=
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$t"' EXIT
mkdir "$t/in"
i=0
set -- "$src"/samples/*.log
while [ $i -lt 200 ]; do
  for f in "$@"; do
    [ $i -lt 200 ] || break
    cp "$f" "$t/in/$(printf %03d $i)-$(basename "$f")"; i=$((i + 1))
  done
done
echo "inputs: 200 files, $(cat "$t"/in/* | wc -c) bytes; $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

$py -m distributed.cli.dask_scheduler --host 127.0.0.1 --port 0 --no-dashboard \
  --scheduler-file "$t/sched.json" > "$t/sched.log" 2>&1 &
pids="$pids $!"
while [ ! -s "$t/sched.json" ]; do sleep 0.1; done
addr=$($py -c 'import json,sys; print(json.load(open(sys.argv[1]))["address"])' "$t/sched.json")
for n in 1 2; do
  $py -m distributed.cli.dask_worker "$addr" --host 127.0.0.1 --nthreads 1 --no-nanny \
    --no-dashboard --name "w$n" > "$t/w$n.log" 2>&1 &
  pids="$pids $!"
  $py -c 'import sys; from distributed import Client; c = Client(sys.argv[1]); c.wait_for_workers(int(sys.argv[2])); c.close()' "$addr" $n
  s=$(date +%s.%N)
  $py "$src/contrib/dask/loganalyze-dask" --binary "$exe" --redact-key bench --deterministic \
    "$addr" "$t"/in/* > "$t/out$n.ndjson" 2> "$t/drv$n.err"
  e=$(date +%s.%N)
  echo "workers=$n: $(wc -l < "$t/out$n.ndjson") report lines in $(echo "$e - $s" | bc) s ($(tail -1 "$t/drv$n.err"))"
done
s=$(date +%s.%N)
"$exe" --jobs 1 --format ndjson --deterministic --redact-key bench --exit-zero "$t"/in/* > /dev/null 2>&1
e=$(date +%s.%N)
echo "one process, --jobs 1, no dask: $(echo "$e - $s" | bc) s"

grep '"report"' "$t/out2.ndjson" > "$t/lines"
: > "$t/100k.ndjson"
i=0
while [ $i -lt 500 ]; do cat "$t/lines" >> "$t/100k.ndjson"; i=$((i + 1)); done
echo "merge input: $(wc -l < "$t/100k.ndjson") lines, $(wc -c < "$t/100k.ndjson") bytes"
for f in json brief; do
  /usr/bin/time -f "%e s wall, %U s user, %M KiB peak RSS" "$exe" merge -f $f "$t/100k.ndjson" \
    > "$t/merge.$f" 2> "$t/time.$f"
  w=$(cut -d' ' -f1 "$t/time.$f")
  echo "merge -f $f: $(cat "$t/time.$f"); $(echo "100000 / $w" | bc) lines/s"
done
