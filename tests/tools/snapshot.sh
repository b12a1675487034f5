#!/bin/bash
# tests/tools/snapshot.sh BIN SRCROOT OUTDIR — every output of every sample and fixture, for checking
# that a change meant to keep behaviour (a restructuring) keeps every byte: make a snapshot
# before and after, then `diff -r BEFORE AFTER`.  Deterministic: fixed redaction key, no
# wall-clock time, the serve token masked.  Needs curl.
# Compare two snapshots with: diff -r A B
set -u
BIN=$(readlink -f "$1"); SRC=$(readlink -f "$2"); OUT=$3
rm -rf "$OUT"; mkdir -p "$OUT"
export LOGANALYZE_DATADIR="$SRC/rules" LA_SOURCE_ROOT="$SRC"
cd "$SRC"
fmts="text json ndjson markdown html junit sarif github"
run() { local name=$1; shift; "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"; echo "RC=$?" >>"$OUT/$name.out"; }
for s in samples/*; do
  case $s in *.expect.json|*/src|*/tools|*/README.md) continue;; esac
  b=$(basename "$s")
  for f in $fmts; do run "sample-$b.$f" "$BIN" --deterministic --redact-key k --color never -j 1 -f $f "$s"; done
  run "sample-$b.noredact.json" "$BIN" --deterministic --no-redact -j 1 -f json "$s"
  run "inspect-$b.text" "$BIN" inspect "$s"
  run "inspect-$b.json" "$BIN" inspect -f json "$s"
done
for f in $fmts; do run "batch-all.$f" "$BIN" --deterministic --redact-key k --color never -j 1 -f $f samples/*.log samples/*.ips samples/*.zip samples/*.tar.gz; done
run "batch-color.text" "$BIN" --deterministic --redact-key k --color always -j 1 samples/two-attempts-cables.zip
for s in tests/rules/*.log; do b=$(basename "$s"); run "fixture-$b.json" "$BIN" --deterministic --redact-key k -j 1 -f json "$s"; run "fixture-$b.text" "$BIN" --deterministic --redact-key k --color never -j 1 "$s"; done
for y in tests/diag/*.yaml; do b=$(basename "$y"); run "diag-lint-$b" "$BIN" rules lint "$y"; run "diag-test-$b" "$BIN" rules test "$y"; done
run rules-lint "$BIN" rules lint
run rules-test "$BIN" rules test
run rules-export "$BIN" rules export --patterns
run formats "$BIN" formats
run help "$BIN" --help
codes=$(grep -oE '^ *- *code: *-?[0-9]+' rules/data/codes.yaml | grep -oE -- '-?[0-9]+' | sort -u)
for c in $codes 0x1 1234 foo; do
  run "explain-$c.text" "$BIN" explain "$c"
  for f in json markdown html; do run "explain-$c.$f" "$BIN" explain -f $f "$c"; done
done
run explain-multi "$BIN" explain 4013 3194 9
run usage-bad "$BIN" --fromat x
run usage-none "$BIN"
echo "snapshot: $(ls "$OUT" | wc -l) files in $OUT"
# serve: pages, assets, explain fragments and an uploaded report
pf=$(mktemp); "$BIN" serve --listen 127.0.0.1:0 --port-file "$pf" --deterministic --redact-key k >/dev/null 2>&1 & sp=$!
for i in $(seq 50); do [ -s "$pf" ] && break; sleep 0.1; done
hp=$(cat "$pf")
for p in / /app.css /app.js; do curl -s "http://$hp$p" | sed 's/la-token" content="[0-9a-f]*/la-token" content="T/' >"$OUT/serve$(echo $p | tr / _).out"; done
tok=$(curl -s "http://$hp/" | grep -o 'la-token" content="[0-9a-f]*' | sed 's/.*="//')
for c in 4013 3194 1015 foo 9 0x1; do curl -s "http://$hp/explain?code=$c" >"$OUT/serve-explain-$c.out"; done
r=$(curl -s -H "X-LA-Token: $tok" -F "file=@samples/two-attempts-cables.zip" "http://$hp/analyze"); echo "$r" | sed 's#/report/[0-9a-f]*#/report/ID#' >"$OUT/serve-analyze.out"
u=$(echo "$r" | grep -o '/report/[0-9a-f]*'); curl -s "http://$hp$u" | sed 's/la-token" content="[0-9a-f]*/la-token" content="T/' >"$OUT/serve-report.out"
kill $sp; wait $sp 2>/dev/null; rm -f "$pf"
