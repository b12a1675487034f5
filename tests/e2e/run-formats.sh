#!/bin/sh
# Every report format, for the real analysis of all samples (one document, several inputs),
# checked by the same external validators as the reporter's own tests (tests/report/validate.sh:
# xmllint + JUnit XSD, HTML parse, JSON Schema, SARIF Multitool when installed).
exe=$1 render=$2 src=$3
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
set -- $(ls "$src"/samples/*.* | grep -v '\.expect\.json$' | grep -v README)
"$exe" -q --exit-zero --deterministic --redact-key e2e --format json "$@" > "$t/samples.json" || {
  echo "FAIL: analysis of the samples failed"; exit 1; }
LA_REPORT_DATA=$t exec sh "$src/tests/report/validate.sh" "$render"
