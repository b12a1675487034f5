#!/bin/sh
# Privacy: no identifier from the samples (ECID, UDID, serial, IMEI, e-mail, phone) survives in
# any report format.  run-redaction.py checks the spellings of a generated corpus.  The identifiers are collected from the sample sources by pattern, then
# every format is rendered for all samples in one run and searched for each of them.
exe=$1 dir=$2
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
find "$dir" -type f \( -name '*.log' -o -name '*.txt' -o -name '*.ips' \) -exec cat {} + |
  tr -d '\000' | LC_ALL=C grep -aoiE \
    'ecid[^0-9a-z]{1,4}(0x)?[0-9a-f]{10,16}|[0-9A-F]{8}-[0-9A-F]{16}|serial[a-z ]{0,7}[^a-z0-9]{1,4}(is )?[A-Z0-9]{10,12}|udid[^0-9a-z]{1,4}[0-9a-f]{24,40}|(imei|meid)[^0-9a-z]{1,4}[0-9]{14,15}|[a-z0-9._%+-]+@[a-z0-9-]+\.[a-z.]{2,}|\+[1-9][0-9 ()-]{7,16}[0-9]' |
  sed -E 's/^(ecid|serial[a-z ]*|imei|meid|udid)[^0-9a-zA-Z]*(is )?(0x)?//I' |
  grep -v '@[0-9]x\.' | sort -u > "$t/ids"
n=$(wc -l < "$t/ids")
[ "$n" -gt 10 ] || { echo "FAIL: only $n identifiers found in the samples"; exit 1; }
set -- $(ls "$dir"/*.* | grep -v '\.expect\.json$' | grep -v README)
pass=0 fail=0
for fmt in text json ndjson markdown html junit sarif github; do
  "$exe" -q --exit-zero --format "$fmt" "$@" > "$t/out.$fmt" 2>/dev/null
  if LC_ALL=C grep -aiF -f "$t/ids" "$t/out.$fmt" > "$t/leak"; then
    echo "FAIL $fmt: identifiers survive:"; head -5 "$t/leak" | cut -c1-200 | sed 's/^/  /'
    fail=$((fail + 1))
  else
    pass=$((pass + 1))
  fi
done
echo "checked $n identifiers"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
