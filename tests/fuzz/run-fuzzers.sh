#!/bin/sh
# Run every fuzz target under libFuzzer for SECONDS each.
#
#   tests/fuzz/run-fuzzers.sh SECONDS [TARGET...]
#
# Configures and builds a clang libFuzzer build dir if needed (build-fuzz
# at the source root, or $LA_FUZZ_BUILD):
#   CC=clang meson setup build-fuzz -Dfuzzing=libfuzzer \
#     -Db_sanitize=address,undefined -Db_lundef=false
# Each target starts from its seed corpus tests/fuzz/corpus/<t>/ and writes
# the inputs it finds to a scratch dir ($LA_FUZZ_SCRATCH, default a new
# /tmp/la-fuzz.XXXXXX), never into the repository.  A crash, leak, timeout or
# out-of-memory input is copied into tests/fuzz/corpus/<t>/ (so fuzz-regress
# replays it from then on) and makes the script exit 1; a slow input (over
# 10 s, libFuzzer's slow-unit) is only reported.  At most
# $LA_FUZZ_JOBS targets (default 2) run at a time, under nice -n 10;
# $LA_FUZZ_FLAGS adds libFuzzer flags (e.g. -detect_leaks=0 while a known
# leak waits for its fix).
# The last lines print executions and coverage per target (libFuzzer's
# final stats).  Needs clang and libclang-rt-14-dev (Debian).
set -u
secs=${1:?usage: run-fuzzers.sh SECONDS [TARGET...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${LA_FUZZ_BUILD:-$root/build-fuzz}
jobs=${LA_FUZZ_JOBS:-2}
scratch=${LA_FUZZ_SCRATCH:-$(mktemp -d /tmp/la-fuzz.XXXXXX)}
targets=${*:-rules-load formats-probe-parse ips linereader ingest-memory report-escape}

if [ ! -f "$build/build.ninja" ]; then
  (cd "$root" && CC=clang meson setup "$build" -Dfuzzing=libfuzzer \
    -Db_sanitize=address,undefined -Db_lundef=false) || exit 2
fi
# An existing build dir must have fuzzing=libfuzzer (meson's own record of its options).
python3 -c 'import json, sys
o = [x for x in json.load(open(sys.argv[1])) if x["name"] == "fuzzing"]
sys.exit(0 if o and o[0]["value"] == "libfuzzer" else 1)' "$build/meson-info/intro-buildoptions.json" ||
  meson configure "$build" -Dfuzzing=libfuzzer >/dev/null || exit 2
exes=
for t in $targets; do exes="$exes tests/fuzz/fuzz-$t"; done
nice -n 10 ninja -C "$build" $exes || exit 2

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
echo "scratch: $scratch"

run_one() { # target
  t=$1 d="$scratch/$1"
  mkdir -p "$d/corpus" "$d/artifacts"
  nice -n 10 "$build/tests/fuzz/fuzz-$t" -max_total_time="$secs" -print_final_stats=1 \
    -timeout=25 -rss_limit_mb=2560 -max_len=262144 -artifact_prefix="$d/artifacts/" \
    ${LA_FUZZ_FLAGS:-} "$d/corpus" "$here/corpus/$t" >"$d/log" 2>&1
  echo "$?" >"$d/rc"
}

# Two at a time (the machine is shared): a simple job pool over the targets.
running=0
for t in $targets; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait
    running=0
  fi
done
wait

status=0
printf '%-22s %12s %8s %8s %8s %s\n' target execs exec/s cov ft result
for t in $targets; do
  d="$scratch/$t"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$d/log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$d/log" | tail -1)
  cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
  ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  result=ok
  for a in "$d"/artifacts/*; do
    [ -f "$a" ] || continue
    case $(basename "$a") in
    slow-unit-*)                # slow, not wrong: reported, not kept
      [ "$result" = ok ] && result="slow input $a ($(sed -n 's/^Slowest unit: //p' "$d/log"))"
      ;;
    *)
      cp "$a" "$here/corpus/$t/" && result="FOUND $(basename "$a") (copied to tests/fuzz/corpus/$t/)"
      status=1
      ;;
    esac
  done
  if [ "$result" = ok ] && [ "$(cat "$d/rc")" != 0 ]; then
    result="exit $(cat "$d/rc"), see $d/log"
    status=1
  fi
  printf '%-22s %12s %8s %8s %8s %s\n' "$t" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" \
    "$result"
done
exit $status
