#!/bin/sh
# Block hits change nothing: every sample and rule fixture, a log made of all of them (many
# blocks, lines cut at block edges), the same gzipped and in a tar.gz, are analysed with the
# prefilter run once per block (the default) and once per record (LOGANALYZE_BLOCKSCAN=0),
# with --jobs 1 and 2 (the inflate thread), and the JSON reports must be byte-identical.
exe=$1 root=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
run() {
  "$exe" --format json --deterministic --redact-key test --exit-zero "$@" 2>&1
}
check() {
  for jobs in 1 2; do
    LOGANALYZE_BLOCKSCAN=0 run --jobs $jobs "$1" >"$tmp/off" || true
    run --jobs $jobs "$1" >"$tmp/on" || true
    if [ ! -s "$tmp/off" ]; then
      echo "FAIL $1: no report"; fail=$((fail + 1))
    elif cmp -s "$tmp/off" "$tmp/on"; then
      pass=$((pass + 1))
    else
      echo "FAIL $1 (--jobs $jobs): reports differ with LOGANALYZE_BLOCKSCAN=0"
      diff "$tmp/off" "$tmp/on" | head -n 20
      fail=$((fail + 1))
    fi
  done
}
mkdir "$tmp/all"
for f in "$root"/samples/* "$root"/tests/rules/*.log; do
  [ -f "$f" ] || continue
  case $f in *.expect.json|*/README.md) continue ;; esac
  check "$f"
  cp "$f" "$tmp/all/"
done
# One log of everything, several times over (> 1 MiB: many blocks, lines across their edges).
for i in 1 2 3; do cat "$root"/samples/*.log "$root"/tests/rules/*.log; done >"$tmp/big.log"
check "$tmp/big.log"
gzip -c "$tmp/big.log" >"$tmp/big.log.gz"
check "$tmp/big.log.gz"
tar -C "$tmp" -czf "$tmp/all.tar.gz" all big.log
check "$tmp/all.tar.gz"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
