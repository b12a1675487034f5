#!/usr/bin/env bash
# Benchmark the unified-log reader (src/tracev3/, issue 20): throughput in MB/s of
# decompressed tracev3 data and peak RSS.  Run on demand; not part of `meson test`.
#
#   tests/bench/run-tracev3.sh [-b LOGANALYZE] [-d DIR] [-r REPS] [-m MIB] [-c CPU]
#
#   -b  the loganalyze binary (default: build-bench/src/loganalyze, else build/src/loganalyze)
#   -d  scratch directory for the generated input (default /tmp/la-bench-tracev3; never the
#       repository); the input is reused when its size matches
#   -r  repetitions per measurement; the fastest wall time, the least CPU time and the largest
#       peak RSS are kept (default 3)
#   -m  MiB of decompressed data in the iPadOS-derived files (default 256; the macOS-derived
#       files add 1/8 of it): see tests/bench/gen-tracev3.py
#   -c  run every command on this one CPU (taskset), so the figures are one core's
#       (default 0; -c '' to not pin)
#
# Needs: GNU time (/usr/bin/time), python3, tar, gzip, jq, taskset (util-linux).
#
# Throughput = decompressed tracev3 bytes (inspect's tracev3.decompressed_bytes, summed over
# the members) / seconds, in MB/s (10^6 bytes); given for wall time and for CPU time
# (user+sys), which a shared machine distorts less.  Measured: `cat` of the tracev3 files and
# `zcat` of the tar.gz (baselines), `loganalyze inspect -q` (reads every entry, renders its
# message, formats no line), `loganalyze show` (every entry as a line, to /dev/null), the full
# analysis with the shipped rules (`--format json`) and without (`--no-default-rules`), on the
# .logarchive folder and on the sysdiagnose-shaped tar.gz (which is read twice: once for the
# strings files, once for the tracev3 members; docs/internals/tracev3.md).
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
LA=${LOGANALYZE:-}
DIR=/tmp/la-bench-tracev3
REPS=3
MIB=256
CPU=0
while getopts b:d:r:m:c:h o; do
    case $o in
    b) LA=$OPTARG ;;
    d) DIR=$OPTARG ;;
    r) REPS=$OPTARG ;;
    m) MIB=$OPTARG ;;
    c) CPU=$OPTARG ;;
    *) sed -n '2,28p' "$0"; exit 2 ;;
    esac
done
if [ -z "$LA" ]; then
    for c in "$repo/build-bench/src/loganalyze" "$repo/build/src/loganalyze"; do
        [ -x "$c" ] && { LA=$c; break; }
    done
fi
[ -n "$LA" ] && [ -x "$LA" ] || { echo "run-tracev3.sh: no loganalyze binary (use -b)" >&2; exit 2; }
LA=$(cd "$(dirname "$LA")" && pwd)/$(basename "$LA")
for t in /usr/bin/time python3 tar gzip zcat jq; do
    command -v "$t" >/dev/null || { echo "run-tracev3.sh: $t is missing" >&2; exit 2; }
done
PIN=()
if [ -n "$CPU" ]; then
    command -v taskset >/dev/null || { echo "run-tracev3.sh: taskset is missing" >&2; exit 2; }
    PIN=(taskset -c "$CPU")
fi
mkdir -p "$DIR" || exit 2
DIR=$(cd "$DIR" && pwd)
case "$DIR/" in
"$repo"/*) echo "run-tracev3.sh: the scratch directory must be outside the repository" >&2; exit 2 ;;
esac

TGZ=$DIR/sysdiagnose-tracev3.tar.gz
if [ ! -f "$TGZ" ] || [ "$(cat "$DIR/args" 2>/dev/null)" != "$MIB" ]; then
    echo "generating $DIR ($MIB MiB)" >&2
    python3 "$here/gen-tracev3.py" "$DIR" --mb "$MIB" --tgz >/dev/null ||
        { echo "run-tracev3.sh: generating the input failed" >&2; exit 2; }
    echo "$MIB" >"$DIR/args"
fi
TOP=$(ls -d "$DIR"/sysdiagnose_*/ | head -1)
TOP=${TOP%/}
LOGARCHIVE=$TOP/system_logs.logarchive
mapfile -t TV3 < <(find "$LOGARCHIVE" -name '*.tracev3' | sort)

# The decompressed bytes, as the reader counts them (and a check that nothing is damaged).
"$LA" inspect --format json "$TOP" >"$DIR/inspect.json" ||
    { echo "run-tracev3.sh: inspect failed" >&2; exit 2; }
DEC=$(jq '[.members[].tracev3 | select(.) | .decompressed_bytes] | add' "$DIR/inspect.json")
ENTRIES=$(jq '[.members[].tracev3 | select(.) | .records] | add' "$DIR/inspect.json")
DAMAGED=$(jq '[.members[].tracev3 | select(.) | .damaged] | add' "$DIR/inspect.json")
[ "$DAMAGED" = 0 ] || { echo "run-tracev3.sh: the input reads as damaged" >&2; exit 2; }

RESULTS=$DIR/results.tsv
printf 'case\ttool\tdecompressed_bytes\twall_s\tMB_per_s_wall\tcpu_s\tMB_per_s_cpu\tpeak_rss_MiB\texit\n' >"$RESULTS"

# measure CASE TOOL CMD...: fastest wall, least CPU, largest peak RSS over REPS runs.
measure() {
    local case=$1 tool=$2; shift 2
    local best='' cpu='' rss=0 rc=0 i e m u s out=$DIR/time.out
    for ((i = 0; i < REPS; i++)); do
        /usr/bin/time -f '%e %M %U %S' -o "$out" "${PIN[@]}" "$@" >/dev/null \
            2>"$DIR/stderr-$case-${tool// /_}.txt"
        rc=$?
        read -r e m u s < <(tail -n 1 "$out")
        u=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
        if [ -z "$best" ] || awk -v a="$e" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$e; fi
        if [ -z "$cpu" ] || awk -v a="$u" -v b="$cpu" 'BEGIN { exit !(a < b) }'; then cpu=$u; fi
        [ "$m" -gt "$rss" ] && rss=$m
    done
    awk -v c="$case" -v t="$tool" -v b="$DEC" -v s="$best" -v u="$cpu" -v r="$rss" -v x="$rc" 'BEGIN {
        printf "%s\t%s\t%d\t%.2f\t%.1f\t%.2f\t%.1f\t%.1f\t%d\n", c, t, b, s,
            (s > 0 ? b / 1e6 / s : 0), u, (u > 0 ? b / 1e6 / u : 0), r / 1024, x }' >>"$RESULTS"
    tail -n 1 "$RESULTS" | awk -F'\t' '{
        printf "  %-8s %-28s %7.2f s %7.1f MB/s   cpu %6.2f s %7.1f MB/s   %6.1f MiB  rc=%s\n",
            $1, $2, $4, $5, $6, $7, $8, $9 }'
}

echo "loganalyze: $LA ($("$LA" --version))"
echo "machine:    $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); pinned: ${CPU:-no}"
echo "input:      $DEC bytes of tracev3 data decompressed ($ENTRIES entries) in ${#TV3[@]} files;"
echo "            $(du -cb "${TV3[@]}" | tail -1 | cut -f1) bytes as stored, tar.gz $(stat -c %s "$TGZ") bytes"
echo "reps:       $REPS (fastest wall time, least CPU time, largest peak RSS)"
echo

cat "${TV3[@]}" "$TGZ" >/dev/null   # page cache warm-up
LAJ=("$LA" --format json --exit-zero -q)
echo "logarchive folder"
measure folder "cat (stored bytes)" cat "${TV3[@]}"
measure folder "loganalyze inspect" "$LA" inspect -q "$TOP"
measure folder "loganalyze show" "$LA" show "$TOP"
measure folder "loganalyze json" "${LAJ[@]}" "$TOP"
measure folder "loganalyze json no-rules" "${LAJ[@]}" --no-default-rules "$TOP"
echo "sysdiagnose tar.gz"
measure targz "zcat" zcat "$TGZ"
measure targz "loganalyze inspect" "$LA" inspect -q "$TGZ"
measure targz "loganalyze show" "$LA" show "$TGZ"
measure targz "loganalyze json" "${LAJ[@]}" "$TGZ"

echo
echo "results: $RESULTS"
