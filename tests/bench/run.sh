#!/usr/bin/env bash
# Benchmark loganalyze against cat, zcat, igzip, ripgrep and ugrep on the same files, in the
# same run.  Run on demand (it takes minutes and writes gigabytes); it is not part of
# `meson test`.  Every line of the output and of results.tsv names its corpus.
#
#   tests/bench/run.sh [-b LOGANALYZE] [-d DIR] [-r REPS] [-s SCALE] [-q] [-m] [-k]
#
#   -b  the loganalyze binary (default: build-bench/src/loganalyze, else build/src/loganalyze,
#       rebuilt with ninja first so that it is the checkout's code)
#   -d  scratch directory for the generated inputs (default /tmp/la-bench; never the repo)
#   -r  repetitions per measurement; the fastest wall time and the largest peak RSS are kept
#       (default 3)
#   -s  scale: 1 = the full sizes of issues 2, 3 and 7 (1 GiB log, ~300 MB tar.gz of 3000
#       members, 100 000 tiny members, 512 MiB of 2-byte lines, a 200 MB line); 0.1 for a
#       quick try (default 1)
#   -q  quick: scale 0.05 and one repetition, so the whole script runs in a few minutes
#       (numbers for a try, not for docs/bench.md)
#   -m  the system-log mix corpora only (mix, mix.gz, mix tar.gz), not the restore-only log
#       and the pathological inputs
#   -k  keep the generated inputs (default: keep; they are reused when the size matches)
#
# Needs: GNU time (/usr/bin/time), ripgrep (rg, with PCRE2), ugrep, igzip (ISA-L), python3,
# gzip, jq.
#   apt-get install -y time ripgrep ugrep isal python3 gzip jq
#
# Corpora (gen.py; deterministic, built from the shipped samples):
#   restore   the 1 GiB log made only of varied sample copies (restore lines throughout:
#             the regex engines' slowest case)
#   mix       400 MiB of ordinary system-log lines (syslog and `log show` shapes) with about
#             2 % restore lines, as in a sysdiagnose or a Mac's system.log; mix.gz is it
#             gzipped (-6), mixtgz a sysdiagnose-shaped tar.gz of 600 members of the mix
#             (400 MiB uncompressed, one restore log in fifty members)
#   restore-targz, tiny-*, short-*, line-*: as before (issues 2, 3, 7)
#
# What is measured (wall time with GNU time's %e, peak RSS with %M; user+sys CPU seconds
# with %U+%S are recorded too, as they suffer less than wall time on a shared machine):
#   cat FILE >/dev/null                      read throughput of the page-cached file
#   zcat FILE >/dev/null                     gzip throughput (tar.gz inputs)
#   loganalyze inspect FILE                  ingest: decompress, walk members, probe, lines
#   loganalyze --format json FILE            full analysis with the shipped rules
#   loganalyze --no-default-rules ...        full analysis without rules (parse cost alone)
#   loganalyze --jobs 1 ...                  the same on one thread (no inflate thread)
#   igzip -dc FILE                           ISA-L's gzip, the limit for inflating
#   rg -c -P -f pcre.txt FILE                the rule files' patterns, PCRE2 JIT (restore only:
#                                            about 4 MB/s on the mix)
#   rg -c -f rust.txt FILE                   the rule files' patterns Rust's regex accepts
#   ugrep -c -f ugrep.txt FILE               the rule files' patterns ugrep's engine accepts
#   (rg -z / ugrep -z on .gz)
# The patterns: `rules export --patterns` of the rule files without the vocabulary packs
# (rules/vocab/: 3 300 printf-format patterns that neither ripgrep nor ugrep can take in one
# set; docs/bench.md says why this set), each tool given the ones its engine accepts (tried
# one by one for ugrep).  Every tool's output goes to a file: ugrep stops at the first
# match when its output is /dev/null.
# Rules load+compile: the median of 25 runs of `loganalyze --format json empty.log` minus the
# median of 25 runs with --no-default-rules (same process start-up, data files and report).
# Linearity: every pathological input is measured at two sizes, 4x apart.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
LA=${LOGANALYZE:-}
DIR=${LA_BENCH_DIR:-/tmp/la-bench}
REPS=3
SCALE=1
MIXONLY=0
while getopts b:d:r:s:qmkh o; do
    case $o in
    b) LA=$OPTARG ;;
    d) DIR=$OPTARG ;;
    r) REPS=$OPTARG ;;
    s) SCALE=$OPTARG ;;
    q) SCALE=0.05 REPS=1 ;;
    m) MIXONLY=1 ;;
    k) ;;
    *) sed -n '2,60p' "$0"; exit 2 ;;
    esac
done
if [ -z "$LA" ]; then
    for c in "$repo/build-bench/src/loganalyze" "$repo/build/src/loganalyze"; do
        [ -x "$c" ] && { LA=$c; break; }
    done
    # A default binary is brought up to date first: a build directory left from an older
    # checkout would measure old code (and may not read today's rules at all).
    if [ -n "$LA" ]; then
        ninja -C "${LA%/src/loganalyze}" >/dev/null ||
            { echo "run.sh: could not bring ${LA%/src/loganalyze} up to date" >&2; exit 2; }
    fi
fi
[ -n "$LA" ] && [ -x "$LA" ] || { echo "run.sh: no loganalyze binary (use -b)" >&2; exit 2; }
LA=$(cd "$(dirname "$LA")" && pwd)/$(basename "$LA")
for t in /usr/bin/time rg ugrep igzip python3 gzip zcat jq; do
    command -v "$t" >/dev/null || { echo "run.sh: $t is missing" >&2; exit 2; }
done
mkdir -p "$DIR" || exit 2
DIR=$(cd "$DIR" && pwd)
case "$DIR/" in
"$repo"/*) echo "run.sh: the scratch directory must be outside the repository" >&2; exit 2 ;;
esac

mb() { awk -v s="$SCALE" -v m="$1" 'BEGIN { printf "%d", s * m * 1048576 }'; }
cnt() { awk -v s="$SCALE" -v n="$1" 'BEGIN { n = int(s * n); printf "%d", n < 1 ? 1 : n }'; }

# gen FILE KIND ARGS...: generate once; a stamp file remembers the arguments.
gen() {
    local f=$1; shift
    if [ -f "$f" ] && [ "$(cat "$f.args" 2>/dev/null)" = "$*" ]; then
        return 0
    fi
    echo "generating $f ($*)" >&2
    case $1 in
    shortlines)
        yes a | head -c "$2" >"$f.part" && mv "$f.part" "$f" ;;
    *)
        python3 "$here/gen.py" "$@" >/dev/null ;;
    esac || { echo "run.sh: generating $f failed" >&2; exit 2; }
    echo "$*" >"$f.args"
}
# gen.py writes to its OUT argument, so pass the file name as OUT
genpy() { local f=$1 kind=$2; shift 2; gen "$f" "$kind" "$f" "$@"; }

LOG=$DIR/restore-1g.log
TGZ=$DIR/sysdiagnose-3000.tar.gz
TINY1=$DIR/tiny-25k.tar.gz TINY2=$DIR/tiny-100k.tar.gz
SHORT1=$DIR/short-128m.log SHORT2=$DIR/short-512m.log
LINE1=$DIR/line-50m.log LINE2=$DIR/line-200m.log
MIX=$DIR/mix-400m.log MIXGZ=$DIR/mix-400m.log.gz MIXTGZ=$DIR/sysdiagnose-mix-600.tar.gz
EMPTY=$DIR/empty.log

genpy "$MIX" mix "$(mb 400)"
if [ ! -f "$MIXGZ" ] || [ "$(cat "$MIXGZ.args" 2>/dev/null)" != "$(cat "$MIX.args")" ]; then
    echo "generating $MIXGZ (gzip -6 -n of $MIX)" >&2
    gzip -6 -n -c "$MIX" >"$MIXGZ.part" && mv "$MIXGZ.part" "$MIXGZ" && cp "$MIX.args" "$MIXGZ.args" ||
        { echo "run.sh: gzip failed" >&2; exit 2; }
fi
genpy "$MIXTGZ" mixtgz "$(cnt 600)" "$(mb 400)"
if [ "$MIXONLY" = 0 ]; then
    genpy "$LOG" log "$(mb 1024)"
    genpy "$TGZ" targz "$(cnt 3000)" "$(awk -v s="$SCALE" 'BEGIN { printf "%d", s * 300e6 }')"
    genpy "$TINY1" tiny "$(cnt 25000)" 20
    genpy "$TINY2" tiny "$(cnt 100000)" 20
    gen "$SHORT1" shortlines "$(mb 128)"
    gen "$SHORT2" shortlines "$(mb 512)"
    genpy "$LINE1" line "$(awk -v s="$SCALE" 'BEGIN { printf "%d", s * 50e6 }')"
    genpy "$LINE2" line "$(awk -v s="$SCALE" 'BEGIN { printf "%d", s * 200e6 }')"
fi
: >"$EMPTY"

# Patterns for ripgrep and ugrep: the rule files' own (a copy of the rules folder without
# vocab/).  Named groups become non-capturing (the exported patterns reuse names, which one
# joined regex rejects) and every pattern is wrapped in (?:...) so an inline (?i) stays
# inside its own alternative.  Neither changes which lines match.
rm -rf "$DIR/rules-novocab" && mkdir -p "$DIR/rules-novocab" &&
    (cd "$repo/rules" && tar cf - --exclude=./vocab .) | tar -C "$DIR/rules-novocab" -xf - ||
    { echo "run.sh: copying the rules failed" >&2; exit 2; }
LOGANALYZE_DATADIR=$DIR/rules-novocab "$LA" rules export --patterns >"$DIR/patterns.txt" ||
    { echo "run.sh: rules export failed" >&2; exit 2; }
nall=$("$LA" rules export --patterns | wc -l)
sed -E 's/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/(?:/g; s/.*/(?:&)/' "$DIR/patterns.txt" >"$DIR/pcre.txt"
grep -vE '\(\?(=|!|<=|<!)|\\[1-9]|\\k<' "$DIR/pcre.txt" >"$DIR/rust.txt"
# ugrep's engine: the patterns it compiles, tried one by one (it rejects some PCRE forms).
: >"$DIR/ugrep.txt"
while IFS= read -r p; do
    printf '%s\n' "$p" >"$DIR/one.txt"
    ugrep -q -f "$DIR/one.txt" "$EMPTY" 2>/dev/null
    [ $? -le 1 ] && printf '%s\n' "$p" >>"$DIR/ugrep.txt"
done <"$DIR/pcre.txt"
npat=$(wc -l <"$DIR/patterns.txt")
nrust=$(wc -l <"$DIR/rust.txt")
nug=$(wc -l <"$DIR/ugrep.txt")

bytes() { stat -c %s "$1"; }
RESULTS=$DIR/results.tsv
printf 'case\ttool\tbytes\tseconds\tMB_per_s\tpeak_rss_MiB\texit\tcpu_seconds\n' >"$RESULTS"

# measure CASE TOOL FILE CMD...: best wall time and worst peak RSS over REPS runs.
measure() {
    local case=$1 tool=$2 file=$3; shift 3
    local best='' cpu='' rss=0 rc=0 i e m u out=$DIR/time.out
    for ((i = 0; i < REPS; i++)); do
        /usr/bin/time -f '%e %M %U %S' -o "$out" "$@" >"$DIR/out-$case-${tool// /_}.txt" \
            2>"$DIR/stderr-$case-${tool// /_}.txt"
        rc=$?
        read -r e m u s < <(tail -n 1 "$out")
        u=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
        if [ -z "$best" ] || awk -v a="$e" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$e; fi
        if [ -z "$cpu" ] || awk -v a="$u" -v b="$cpu" 'BEGIN { exit !(a < b) }'; then cpu=$u; fi
        [ "$m" -gt "$rss" ] && rss=$m
    done
    local b; b=$(bytes "$file")
    awk -v c="$case" -v t="$tool" -v b="$b" -v s="$best" -v r="$rss" -v x="$rc" -v u="$cpu" 'BEGIN {
        printf "%s\t%s\t%d\t%.2f\t%.1f\t%.1f\t%d\t%.2f\n", c, t, b, s, (s > 0 ? b / 1e6 / s : 0),
            r / 1024, x, u }' >>"$RESULTS"
    tail -n 1 "$RESULTS" | awk -F'\t' '{ printf "  %-14s %-26s %8.2f s %9.1f MB/s %7.1f MiB  rc=%s  cpu %.2f s\n",
        $1, $2, $4, $5, $6, $7, $8 }'
}
get() { awk -F'\t' -v c="$1" -v t="$2" -v k="$3" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $1 == c && $2 == t { print $col[k] }' "$RESULTS"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

echo "loganalyze: $LA ($("$LA" --version))"
echo "machine:    $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "patterns:   $npat of the rule files ($nall with the vocabulary packs); $nrust without" \
     "look-around (Rust regex); $nug that ugrep compiles"
echo "reps:       $REPS (fastest wall time, largest peak RSS)"
echo

LAJ=("$LA" --format json --exit-zero -q)
LAJ1=("$LA" --format json --exit-zero -q --jobs 1)
cat "$MIX" "$MIXGZ" "$MIXTGZ" >/dev/null            # page cache warm-up

echo "corpus mix: system-log mix, ~2 % restore lines ($(bytes "$MIX") bytes)"
measure mix cat "$MIX" cat "$MIX"
measure mix "loganalyze inspect" "$MIX" "$LA" inspect -q "$MIX"
measure mix "loganalyze json" "$MIX" "${LAJ[@]}" "$MIX"
measure mix "loganalyze json jobs1" "$MIX" "${LAJ1[@]}" "$MIX"
measure mix "rg -f rust.txt" "$MIX" rg -c -f "$DIR/rust.txt" "$MIX"
measure mix "ugrep -f ugrep.txt" "$MIX" ugrep -c -f "$DIR/ugrep.txt" "$MIX"

echo "corpus mix.gz: the mix, gzip -6 ($(bytes "$MIXGZ") bytes compressed)"
measure mixgz zcat "$MIXGZ" zcat "$MIXGZ"
measure mixgz "igzip -dc" "$MIXGZ" igzip -dc "$MIXGZ"
measure mixgz "loganalyze inspect" "$MIXGZ" "$LA" inspect -q "$MIXGZ"
measure mixgz "loganalyze json" "$MIXGZ" "${LAJ[@]}" "$MIXGZ"
measure mixgz "loganalyze json jobs1" "$MIXGZ" "${LAJ1[@]}" "$MIXGZ"
measure mixgz "rg -z -f rust.txt" "$MIXGZ" rg -z -c -f "$DIR/rust.txt" "$MIXGZ"
measure mixgz "ugrep -z -f ugrep.txt" "$MIXGZ" ugrep -z -c -f "$DIR/ugrep.txt" "$MIXGZ"

echo "corpus mixtgz: sysdiagnose-shaped tar.gz of the mix, $(cnt 600) members ($(bytes "$MIXTGZ") bytes compressed)"
measure mixtgz zcat "$MIXTGZ" zcat "$MIXTGZ"
measure mixtgz "igzip -dc" "$MIXTGZ" igzip -dc "$MIXTGZ"
measure mixtgz "loganalyze inspect" "$MIXTGZ" "$LA" inspect -q "$MIXTGZ"
measure mixtgz "loganalyze json" "$MIXTGZ" "${LAJ[@]}" "$MIXTGZ"
measure mixtgz "loganalyze json jobs1" "$MIXTGZ" "${LAJ1[@]}" "$MIXTGZ"

if [ "$MIXONLY" = 0 ]; then
cat "$LOG" "$TGZ" >/dev/null

echo "corpus restore: 1 GiB restore-only log ($(bytes "$LOG") bytes)"
measure log cat "$LOG" cat "$LOG"
measure log "loganalyze inspect" "$LOG" "$LA" inspect -q "$LOG"
measure log "loganalyze json" "$LOG" "${LAJ[@]}" "$LOG"
measure log "loganalyze json no-rules" "$LOG" "${LAJ[@]}" --no-default-rules "$LOG"
measure log "rg -P (all patterns)" "$LOG" rg -c -P -f "$DIR/pcre.txt" "$LOG"
measure log "rg (no look-around)" "$LOG" rg -c -f "$DIR/rust.txt" "$LOG"
measure log "ugrep -f ugrep.txt" "$LOG" ugrep -c -f "$DIR/ugrep.txt" "$LOG"

echo "corpus restore-targz: tar.gz of the restore log, $(cnt 3000) members ($(bytes "$TGZ") bytes compressed)"
measure targz cat "$TGZ" cat "$TGZ"
measure targz zcat "$TGZ" zcat "$TGZ"
measure targz "igzip -dc" "$TGZ" igzip -dc "$TGZ"
measure targz "loganalyze inspect" "$TGZ" "$LA" inspect -q "$TGZ"
measure targz "loganalyze json" "$TGZ" "${LAJ[@]}" "$TGZ"

echo "pathological inputs (two sizes each, for linearity)"
for f in "$TINY1" "$TINY2"; do
    c=$(basename "$f" .tar.gz)
    measure "$c" zcat "$f" zcat "$f"
    measure "$c" "loganalyze inspect" "$f" "$LA" inspect -q "$f"
    measure "$c" "loganalyze json" "$f" "${LAJ[@]}" "$f"
done
for f in "$SHORT1" "$SHORT2" "$LINE1" "$LINE2"; do
    c=$(basename "$f" .log)
    measure "$c" cat "$f" cat "$f"
    measure "$c" "loganalyze inspect" "$f" "$LA" inspect -q "$f"
    measure "$c" "loganalyze json" "$f" "${LAJ[@]}" "$f"
done
fi

# Rules load+compile: median of N runs on an empty file, with and without the shipped rules.
median_ms() {
    local i t0 t1 n=25
    for ((i = 0; i < n; i++)); do
        t0=$EPOCHREALTIME
        "$@" >/dev/null 2>&1
        t1=$EPOCHREALTIME
        echo "$t0 $t1"
    done | awk '{ print ($2 - $1) * 1000 }' | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] }'
}
t_rules=$(median_ms "${LAJ[@]}" "$EMPTY")
t_none=$(median_ms "${LAJ[@]}" --no-default-rules "$EMPTY")
t_lint=$(median_ms "$LA" rules lint)
load=$(awk -v a="$t_rules" -v b="$t_none" 'BEGIN { printf "%.1f", a - b }')
echo
echo "rules load+compile: empty input ${t_rules} ms with the shipped rules, ${t_none} ms without" \
     "-> ${load} ms; 'rules lint' ${t_lint} ms (medians of 25 runs)"

# Summary against the targets of issue 19 (the mix) and of issues 2, 3 and 7 (the rest).
ok() { awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN {
    r = (op == ">=") ? a >= b : a <= b; printf "%s", r ? "PASS" : "FAIL" }'; }
# rat CASE TOOL_A TOOL_B: throughput of A over B in the same run
rat() { ratio "$(get "$1" "$2" MB_per_s)" "$(get "$1" "$3" MB_per_s)"; }
line() { printf '  %-64s %6sx  %s\n' "$1" "$2" "${3:-}"; }
max_rss=$(awk -F'\t' 'NR > 1 && $2 ~ /^loganalyze/ && $6 > m { m = $6 } END { printf "%.1f", m }' "$RESULTS")
echo
echo "targets of issue 19 (corpus: mix, mix.gz, mixtgz)"
r=$(rat mix 'loganalyze json' 'rg -f rust.txt'); line "mix: full analysis / rg -c -f  >= 2" "$r" "$(ok "$r" '>=' 2)"
r=$(rat mix 'loganalyze json jobs1' 'rg -f rust.txt'); line "mix: full analysis --jobs 1 / rg -c -f  >= 1.2" "$r" "$(ok "$r" '>=' 1.2)"
line "mix: full analysis / ugrep -c -f (information)" "$(rat mix 'loganalyze json' 'ugrep -f ugrep.txt')"
r=$(rat mixgz 'loganalyze json' 'rg -z -f rust.txt'); line "mix.gz: full analysis / rg -z -c -f  >= 2" "$r" "$(ok "$r" '>=' 2)"
line "mix.gz: full analysis / ugrep -z -c -f (information)" "$(rat mixgz 'loganalyze json' 'ugrep -z -f ugrep.txt')"
line "mix.gz: full analysis / --jobs 1 (the inflate thread)" "$(rat mixgz 'loganalyze json' 'loganalyze json jobs1')"
line "mix.gz: inspect / igzip -dc (information)" "$(rat mixgz 'loganalyze inspect' 'igzip -dc')"
r=$(rat mixtgz 'loganalyze json' 'igzip -dc'); line "mixtgz: full analysis / igzip -dc  >= 0.35" "$r" "$(ok "$r" '>=' 0.35)"
r=$(rat mixtgz 'loganalyze json' zcat); line "mixtgz: full analysis / zcat  >= 1.5" "$r" "$(ok "$r" '>=' 1.5)"
line "mixtgz: full analysis / --jobs 1 (the inflate thread)" "$(rat mixtgz 'loganalyze json' 'loganalyze json jobs1')"
line "mixtgz: inspect / igzip -dc (information)" "$(rat mixtgz 'loganalyze inspect' 'igzip -dc')"
printf '  %-64s %6s MiB %s\n' "peak RSS of any loganalyze run  <= 64" "$max_rss" "$(ok "$max_rss" '<=' 64)"
printf '  %-64s %6s ms  %s\n' "rules load+compile  <= 30" "$load" "$(ok "$load" '<=' 30)"

if [ "$MIXONLY" = 0 ]; then
r_ingest=$(ratio "$(get targz 'loganalyze inspect' MB_per_s)" "$(get targz zcat MB_per_s)")
r_full_tgz=$(ratio "$(get targz 'loganalyze json' MB_per_s)" "$(get targz zcat MB_per_s)")
r_scan=$(ratio "$(get log 'loganalyze json' MB_per_s)" "$(get log 'rg -P (all patterns)' MB_per_s)")
r_scan_rust=$(ratio "$(get log 'loganalyze json' MB_per_s)" "$(get log 'rg (no look-around)' MB_per_s)")
r_inspect_cat=$(ratio "$(get log 'loganalyze inspect' MB_per_s)" "$(get log cat MB_per_s)")
cpu_ratio() { awk -v a="$(get "$1" "$2" cpu_seconds)" -v b="$(get "$1" "$3" cpu_seconds)" \
    'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }'; }
r_ingest_cpu=$(cpu_ratio targz 'loganalyze inspect' zcat)
r_scan_cpu=$(cpu_ratio log 'loganalyze json' 'rg -P (all patterns)')
echo
echo "targets of issues 2, 3 and 7 (corpora: restore, restore-targz, tiny, short, line)"
printf '  %-52s %6sx  %s\n' "tar.gz ingest (inspect) / zcat  >= 0.9" "$r_ingest" "$(ok "$r_ingest" '>=' 0.9)"
printf '  %-52s %6sx\n' "  same, by user+sys CPU time" "$r_ingest_cpu"
printf '  %-52s %6sx\n' "tar.gz full analysis / zcat (information)" "$r_full_tgz"
printf '  %-52s %6sx  %s\n' "1 GiB scan (json) / rg -P, same patterns  >= 1.0" "$r_scan" "$(ok "$r_scan" '>=' 1.0)"
printf '  %-52s %6sx\n' "  same, by user+sys CPU time" "$r_scan_cpu"
printf '  %-52s %6sx  %s\n' "1 GiB scan (json) / rg, no-look-around subset  >= 1.0" "$r_scan_rust" "$(ok "$r_scan_rust" '>=' 1.0)"
printf '  %-52s %6sx\n' "1 GiB inspect / cat (information)" "$r_inspect_cat"
echo "  linearity (seconds per MB at the larger size / at the smaller size; 1.0 = linear):"
for p in "tiny-25k tiny-100k" "short-128m short-512m" "line-50m line-200m"; do
    set -- $p
    for t in "loganalyze inspect" "loganalyze json"; do
        s1=$(get "$1" "$t" seconds) b1=$(get "$1" "$t" bytes)
        s2=$(get "$2" "$t" seconds) b2=$(get "$2" "$t" bytes)
        awk -v n="$1 -> $2, $t" -v s1="$s1" -v b1="$b1" -v s2="$s2" -v b2="$b2" 'BEGIN {
            if (s1 <= 0.05) { printf "    %-48s  too fast to judge (%.2f s)\n", n, s1; exit }
            printf "    %-48s %6.2f\n", n, (s2 / b2) / (s1 / b1) }'
    done
done
fi
echo
echo "raw results: $RESULTS"
