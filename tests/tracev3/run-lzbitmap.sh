#!/bin/sh
# LZBITMAP round trip (docs/internals/tracev3.md, "LZBITMAP"): tests/tools/lzbitmap.py, an
# encoder written from the format's description, recompresses the dtformats files' chunksets
# in each flags mode; `show` must print exactly what it prints for their LZ4 form.
exe=$1 src=$2
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
data=$src/tests/tracev3/data
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
pass=0 fail=0
for f in 0000000000000030 0000000000000f85-head; do
  "$exe" show "$data/$f.tracev3" > "$t/$f.lz4" || { echo "FAIL show $f"; exit 1; }
  for flags in 0x08 0x09 0x0c 0x0d; do
    python3 "$src/tests/tools/lzbitmap.py" tracev3 "$flags" "$data/$f.tracev3" "$t/z.tracev3" &&
      grep -q "ZBM" "$t/z.tracev3" && ! grep -q "bv41" "$t/z.tracev3" &&
      "$exe" show "$t/z.tracev3" > "$t/out" 2> "$t/err" && ! [ -s "$t/err" ] &&
      cmp -s "$t/out" "$t/$f.lz4"
    if [ $? -eq 0 ]; then pass=$((pass + 1)); else
      echo "FAIL $f flags $flags"; head -5 "$t/err"; fail=$((fail + 1)); fi
  done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -eq 8 ]
