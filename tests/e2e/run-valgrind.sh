#!/bin/sh
# Memcheck: the analysis of every sample (all inputs in one run, every report format) and of
# damaged inputs, and `show` and `inspect` of the unified log (tracev3, LZBITMAP too), is clean
# under valgrind: no invalid reads or writes, no leaks.
exe=$1 src=$2
command -v valgrind >/dev/null || { echo "SKIP: valgrind not installed"; exit 77; }
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
export LOGANALYZE_NO_JIT=1   # valgrind cannot follow PCRE2's JIT-compiled code
vg() {
  valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect "$@"
}
pass=0 fail=0
run() { # name cmd...
  name=$1; shift
  vg "$@" > /dev/null 2> "$t/err"
  if [ $? -eq 99 ]; then echo "FAIL $name"; head -40 "$t/err"; fail=$((fail + 1)); else pass=$((pass + 1)); fi
}
set -- $(ls "$src"/samples/*.* | grep -v '\.expect\.json$' | grep -v README)
for fmt in text json html sarif; do
  run "samples $fmt" "$exe" -q -j 2 --format "$fmt" "$@"
done
printf '[18:09:01.7655] Restore completed, status: 4013\n' > "$t/a.log"
gzip -c "$src/samples/restored-success.log" | head -c 9000 > "$t/trunc.gz"
run "truncated gzip" "$exe" -q "$t/trunc.gz"
run "missing file" "$exe" -q "$t/nope"
run "explain" "$exe" explain 4013 kAMRestoreErrorASRError 99999
run "rules test" "$exe" rules test "$src"/tests/rules/001*.log
run "inspect" "$exe" inspect "$src/samples/two-attempts-cables.zip"
# The unified log (src/tracev3/): the dtformats files with their uuidtext, dsc and timesync,
# LZBITMAP chunksets, and a member whose LZBITMAP stream is damaged (the rest still read).
tv=$src/tests/tracev3
run "show tracev3" "$exe" show "$tv/data"
run "show tracev3 ndjson" "$exe" show --format ndjson "$tv/data/0000000000000f85-head.tracev3"
run "show lzbitmap" "$exe" show "$tv/lzbitmap"
run "inspect tracev3" "$exe" inspect --format json "$tv/data" "$tv/lzbitmap"
python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); i = d.index(b"ZBM")
d[i + 10] ^= 0xff; open(sys.argv[2], "wb").write(d)' \
  "$tv/lzbitmap/0000000000000f85-head2-zbm0c.tracev3" "$t/damaged.tracev3"
run "show damaged lzbitmap" "$exe" show "$t/damaged.tracev3"
run "inspect damaged lzbitmap" "$exe" inspect "$t/damaged.tracev3"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
