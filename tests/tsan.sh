#!/bin/sh
# ThreadSanitizer run of the --jobs workers (docs/internals/core.md, "ThreadSanitizer").
# Not part of `meson test`: it needs a build of its own.  Usage, from anywhere:
#   sh tests/tsan.sh [BUILDDIR]      (default: build-tsan in the source tree)
# Sets BUILDDIR up with -Db_sanitize=thread when it does not exist, builds loganalyze, then
# runs with TSAN_OPTIONS=halt_on_error=1 and tests/tsan.supp:
#   1. every sample (logs, .ips, zip, tar.gz, txt) with --jobs 2, as JSON;
#   2. the same with the zip given twice, so two workers read the same archive at once;
#   3. the same on a terminal (under script(1), when present), so the progress line is drawn;
#   4. rules test;
#   5. the vocabulary unit test, whose threads race to compile one lazy regex (la_pat_re).
#   5b. the inflate thread (src/ingest/gzip.c): one .gz and one .tar.gz of the samples, each
#      alone with --jobs 2 (so a core is spare and the stream is inflated on its thread),
#      and the gzip unit test (valid, truncated and damaged streams on the thread).
#   5c. the read-ahead thread (src/ingest/readahead.c): a plain log of 3 MiB alone with
#      --jobs 2, read and block-scanned ahead; the readahead unit test (both threads).
#   6. serve under load (tests/e2e/run-serve-load.py, when built with libmicrohttpd): 50
#      concurrent uploads sharing one engine beside two bombs and slow clients, SIGINT during
#      an analysis, SIGKILL and restart.
# Prints every run that reports a race (its report), and exits 1 then, 0 when all are clean.
src=$(cd "$(dirname "$0")/.." && pwd) || exit 2
b=${1:-$src/build-tsan}
case $b in /*) ;; *) b=$PWD/$b ;; esac
if [ ! -f "$b/build.ninja" ]; then
  meson setup "$b" "$src" -Db_sanitize=thread || exit 2
fi
if ! grep -q '"name": "b_sanitize", "value": "thread"' "$b/meson-info/intro-buildoptions.json"; then
  echo "tsan.sh: $b is not a ThreadSanitizer build (meson setup $b -Db_sanitize=thread)" >&2
  exit 2
fi
meson compile -C "$b" loganalyze test-vocab test-gzip test-readahead >/dev/null || exit 2
serve=0
if grep -q '"name": "serve-load"' "$b/meson-info/intro-tests.json" 2>/dev/null; then
  serve=1
fi
exe=$b/src/loganalyze
t=$(mktemp -d) || exit 2
trap 'rm -rf "$t"' EXIT
export TSAN_OPTIONS="halt_on_error=1 suppressions=$src/tests/tsan.supp"
cd "$src" || exit 2
pass=0 fail=0

# check NAME RC LOG: a run is clean when no report was printed and its exit code is one
# loganalyze gives (0 nothing, 1 findings, 2 error), not TSan's 66.
check() {
  if [ "$2" -le 2 ] && ! grep -q 'WARNING: ThreadSanitizer' "$3"; then
    pass=$((pass + 1)); echo "ok   $1"
  else
    fail=$((fail + 1)); echo "FAIL $1 (exit $2)"; sed 's/^/  | /' "$3" | head -60
  fi
}

inputs="samples/*.log samples/*.ips samples/*.zip samples/*.tar.gz samples/*.txt"
# The two copies of the zip side by side: the two workers read them at the same time.
twice="samples/*.log samples/*.ips samples/*.zip samples/*.zip samples/*.tar.gz samples/*.txt"
# shellcheck disable=SC2086
"$exe" --jobs 2 -f json $inputs >/dev/null 2>"$t/err"; check "--jobs 2, every sample" $? "$t/err"
# shellcheck disable=SC2086
"$exe" --jobs 2 -f json $twice >/dev/null 2>"$t/err"; check "--jobs 2, the zip twice" $? "$t/err"
if command -v script >/dev/null; then
  script -qec "\"$exe\" --jobs 2 $twice" /dev/null >"$t/err" 2>&1
  check "--jobs 2 on a terminal (progress line)" $? "$t/err"
else
  echo "skip --jobs 2 on a terminal: script(1) is not installed"
fi
"$exe" rules test >/dev/null 2>"$t/err"; check "rules test" $? "$t/err"
LOGANALYZE_DATADIR=$src/rules "$b/tests/test-vocab" >"$t/err" 2>&1
check "unit test vocab (threads compile a lazy regex)" $? "$t/err"
# The inflate thread: a single gzip input with a spare core.
cat samples/*.log > "$t/all.log" && gzip -c "$t/all.log" > "$t/all.log.gz" &&
  tar -C samples -czf "$t/logs.tar.gz" $(cd samples && ls *.log *.ips) || exit 2
for f in "$t/all.log.gz" "$t/logs.tar.gz" samples/*.tar.gz; do
  "$exe" --jobs 2 -f json "$f" >/dev/null 2>"$t/err"; check "--jobs 2, inflate thread: $(basename "$f")" $? "$t/err"
done
"$b/tests/test-gzip" >"$t/err" 2>&1; check "unit test gzip (the inflate thread)" $? "$t/err"
# The read-ahead thread (src/ingest/readahead.c): a plain log over LA_RA_MIN_BYTES alone,
# with a spare core, its blocks read and prefiltered ahead of the records' evaluation.
for i in 1 2 3; do cat "$t/all.log"; done > "$t/big.log" || exit 2
"$exe" --jobs 2 -f json "$t/big.log" >/dev/null 2>"$t/err"
check "--jobs 2, read-ahead thread: big.log" $? "$t/err"
"$b/tests/test-readahead" >"$t/err" 2>&1; check "unit test readahead (read-ahead and inflate threads)" $? "$t/err"
if [ "$serve" = 1 ]; then
  # The server's output (with any race report) goes to $t/serve; the test's own verdict too.
  : >"$t/serve"
  LA_SANITIZED=1 LA_LOAD_RSS_MB=4096 LA_LOAD_LOG="$t/serve" \
    python3 "$src/tests/e2e/run-serve-load.py" "$exe" "$src/samples" >"$t/load" 2>&1
  rc=$?
  cat "$t/load" >>"$t/serve"
  [ "$rc" -eq 0 ] || rc=3
  check "serve under load (50 uploads, bombs, slow clients, SIGINT, SIGKILL)" "$rc" "$t/serve"
else
  echo "skip serve under load: built without libmicrohttpd"
fi

echo "$pass clean, $fail with reports"
[ "$fail" -eq 0 ]
