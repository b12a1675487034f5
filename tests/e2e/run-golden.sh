#!/bin/sh
# Golden reports: a few samples in every format, deterministic (no wall-clock time, fixed
# redaction key), compared byte for byte.  Output changes must be deliberate: rerun with
# UPDATE=1 and review `git diff tests/e2e/golden` (the ruleset hash is in the reports, so a
# rule change updates them too).
exe=$1 src=$2
cd "$src" || exit 1
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
pass=0 fail=0
for s in two-attempts-cables.zip itunes-win-success.log panic-full-i2c-logicboard.ips \
    tart-vm-install-failed.txt; do
  for fmt in text json ndjson markdown html junit sarif github; do
    g=tests/e2e/golden/$s.$fmt
    COLUMNS=100 "$exe" -q --exit-zero --deterministic --redact-key golden --color never \
      --format "$fmt" "samples/$s" > "$t/out" 2>/dev/null
    if [ "${UPDATE:-0}" = 1 ]; then cp "$t/out" "$g"; fi
    if cmp -s "$g" "$t/out"; then
      pass=$((pass + 1))
    else
      echo "FAIL $s $fmt"; diff "$g" "$t/out" | head -10 | sed 's/^/  /'; fail=$((fail + 1))
    fi
  done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
