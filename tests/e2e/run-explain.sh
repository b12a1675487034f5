#!/bin/sh
# `loganalyze explain`: exact text for a few codes, the JSON shape for every code in
# rules/data/codes.yaml, names and hex forms, unknown codes, and a broken codes.yaml copy.
exe=$1 src=$2
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

for f in "$src"/tests/e2e/explain/*.expected; do
  name=$(basename "$f" .expected)
  case $name in
    *.md) "$exe" explain --format markdown "${name%.md}" > "$t/out" 2>&1 ;;
    *) "$exe" explain "$name" > "$t/out" 2>&1 ;;
  esac
  if cmp -s "$f" "$t/out"; then ok; else bad "explain $name differs:"; diff "$f" "$t/out" | head -10; fi
done

# Entries on the error-number line (no `space:` line after `code:`); the others are checked
# below with their space prefix.
codes=$(awk '/^  - code: / { if (c != "") print c; c = $3; next }
             /^    space: / { c = "" } END { if (c != "") print c }' "$src/rules/data/codes.yaml")
n=0
for c in $codes; do
  n=$((n + 1))
  "$exe" explain --format json -- "$c" > "$t/j" 2>/dev/null || { bad "explain $c exit status"; continue; }
  jq -e --argjson c "$c" '.schema == "loganalyze.explain/1" and (.codes[0] |
      .known == true and .code == $c and (.meanings | length) > 0 and
      all(.meanings[]; (.source | length) > 0 and (.text | length) > 0 and (.confirmed | type) == "boolean") and
      (.causes | length) > 0 and (.ladder | length) > 0)' "$t/j" > /dev/null \
    && ok || bad "explain $c: JSON shape"
done
[ "$n" -ge 50 ] && ok || bad "only $n codes found in codes.yaml"

# Names, hex and aliases resolve to the code; unknown codes say so and give a family.
check_code() { # query expected-code
  got=$("$exe" explain --format json -- "$1" 2>/dev/null | jq -r '.codes[0].code // "none"')
  [ "$got" = "$2" ] && ok || bad "explain '$1' gave $got, want $2"
}
check_code kAMRestoreErrorASRError 14
check_code kamrestoreerrorasrerror 14
check_code 0xFAD 4013
check_code "Status: Disk Failure" 6
"$exe" explain --format json 1019 | jq -e '.codes[0].known == false and .codes[0].family.id == "baseband"' >/dev/null \
  && ok || bad "explain 1019: unknown code in the baseband family"
"$exe" explain 98765 | grep -q "is not in the error-code catalogue" && ok || bad "explain 98765: not in the catalogue"

# A broken copy of codes.yaml gives positioned diagnostics and exit 2.
mkdir -p "$t/data/data"; cp "$src"/rules/*.yaml "$t/data/"; cp "$src"/rules/data/*.yaml "$t/data/data/"
sed 's/^    meanings:/    meaning:/' "$src/rules/data/codes.yaml" > "$t/data/data/codes.yaml"
"$exe" --data-dir "$t/data" explain 4013 > /dev/null 2> "$t/err"; rc=$?
[ $rc -eq 2 ] && grep -Eq "codes.yaml:[0-9]+:[0-9]+: error\[LA201\]: unknown key 'meaning'" "$t/err" \
  && ok || { bad "broken codes.yaml: exit $rc"; head -3 "$t/err"; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
