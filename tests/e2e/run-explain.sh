#!/bin/sh
# `loganalyze explain`: exact text for a few codes, the JSON shape for every code in
# rules/data/codes.yaml, names and hex forms, unknown codes, and a broken codes.yaml copy.
exe=$1 src=$2
unset COLUMNS                  # the explain text is wrapped at its default width here
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

# Entries off the error-number line answer SPACE:CODE with the same shape and their space.
awk '/^  - / { c = "" } /^  - code: / { c = $3; next } /^    space: / && c != "" { print $2, c }' \
  "$src/rules/data/codes.yaml" |
while read -r cat c; do
  case $cat in BBUpdater) s=bbu ;; RamrodError) s=ramrod ;; VZError) s=vz ;; *) s=unknown ;; esac
  "$exe" explain --format json -- "$s:$c" > "$t/j" 2>/dev/null || { echo "FAIL explain $s:$c exit status"; continue; }
  jq -e --argjson c "$c" --arg s "$s" '.codes[0] | .known == true and .code == $c and
      .space.id == $s and (.meanings | length) > 0 and (.causes | length) > 0' "$t/j" > /dev/null \
    || echo "FAIL explain $s:$c: JSON shape"
done > "$t/spaced"
[ -s "$t/spaced" ] && bad "$(cat "$t/spaced")" || ok

# The spaces catalogued one entry a line, from their own sources: every entry of SPACE
# (filed under CATALOGUE, codes matching CODE, names matching NAME, WANT of them) answers
# each of the queries QUERY... ("space" is SPACE:CODE, "bare" the number alone, "name" its
# name) with its name and family.
entries() {
  space=$1 catalogue=$2 code=$3 name=$4 want=$5; shift 5
  grep -o "^  - {code: $code, space: $catalogue, family: [a-z-]*, names: \[$name\]" \
    "$src/rules/data/codes.yaml" |
    sed 's/.*code: \([-0-9a-fx]*\),.*family: \([a-z-]*\), names: \[\(.*\)\]/\1 \2 \3/' > "$t/$space"
  [ "$(wc -l < "$t/$space")" -eq "$want" ] && ok || bad "$catalogue: $(wc -l < "$t/$space") entries, want $want"
  while read -r c fam n; do
    for kind in "$@"; do
      case $kind in space) q="$space:$c" ;; bare) q=$c ;; name) q=$n ;; esac
      "$exe" explain --format json -- "$q" | jq -e --arg n "$n" --arg f "$fam" --arg s "$space" '.codes[0] |
          .known and .space.id == $s and .names == [$n] and .family.id == $f and
          (.causes | length) > 0' > /dev/null || echo "FAIL explain $q: not $n of $fam"
    done
  done < "$t/$space" > "$t/${space}fail"
  [ -s "$t/${space}fail" ] && bad "$(head -5 "$t/${space}fail")" || ok
}
# MobileDevice's codes answer the bare hex number too, since no other space knows it.
entries amd MobileDevice '0xe80000[0-9a-f]*' 'kAMD[A-Za-z0-9]*' 156 space bare name
# libusb's: a bare negative number is not read as libusb's (a tool's own return value is as
# likely) but names the space.
entries libusb libusb '-[0-9]*' 'LIBUSB_ERROR_[A-Z_]*' 13 space name
# libcurl's: a bare number is the restore error number; "curl:6" and the name are curl's.
entries curl libcurl '[0-9]*' 'CURLE_[A-Z_]*' 18 space name
"$exe" explain --format json 6 | jq -e '.codes[0] | .known and
    (.family.id | startswith("curl") | not) and (.names | index("CURLE_COULDNT_RESOLVE_HOST") | not)
    and ([.spaces[].space] | index("curl") != null)' >/dev/null \
  && ok || bad "explain 6: read as curl's, not as the restore error naming curl:6"
"$exe" explain --format json -- -3 | jq -e '.codes[0] | (.known | not) and
    ([.spaces[].space] | index("libusb") != null)' >/dev/null && ok || bad "explain -3: not read as libusb's, names it"
"$exe" explain 0xE8000015 > "$t/out" 2>&1 && grep -q "^MobileDevice 0xe8000015: The device's lockdown" "$t/out" \
  && grep -q "kAMDMissingValueError" "$t/out" && ok || bad "explain 0xE8000015: text"
"$exe" explain --format json 10005 | jq -e '.codes[0] | .known and .space.id == "vz" and
    ([.spaces[].space] == ["vz"])' >/dev/null && ok || bad "explain 10005: the VZError entry"
# A hex space's code may be written without 0x after its prefix, as in kio:e00002c0.
"$exe" explain --format json amd:e8000015 | jq -e '.codes[0] | .known and .space.id == "amd" and
    .names == ["kAMDMissingValueError"]' >/dev/null && ok || bad "explain amd:e8000015 (hex without 0x)"
"$exe" explain --format json 0xe8000fff | jq -e '.codes[0] | (.known | not) and
    (has("space") | not)' >/dev/null && ok || bad "explain 0xe8000fff: no space knows it"

# A pasted dialog or line is read as the number it shows in parentheses.
"$exe" explain --format json 'The iPhone "iPhone" could not be restored. An unknown error occurred (4013).' |
  jq -e '.codes[0] | .known and .pasted and .code == 4013' >/dev/null && ok || bad "explain pasted 4013 dialog"
# As a log line is read: the full-width parentheses of a Chinese system's dialog, curly quotes.
"$exe" explain --format json '无法恢复 iPhone“iPhone”。发生未知错误（4013）。' |
  jq -e '.codes[0] | .known and .pasted and .code == 4013' >/dev/null && ok || bad "explain pasted Chinese 4013 dialog"
"$exe" explain --format json 'The iPhone “iPhone” could not be restored. An unknown error occurred (3194).' |
  jq -e '.codes[0] | .known and .pasted and .code == 3194' >/dev/null && ok || bad "explain pasted curly-quoted dialog"
"$exe" explain --format json 'Could not connect to this iPhone. An unknown error occurred (0xe8000013).' |
  jq -e '.codes[0] | .known and .pasted and .space.id == "amd" and .names == ["kAMDInvalidResponseError"]' >/dev/null \
  && ok || bad "explain pasted 0xe8000013 dialog"
"$exe" explain 'Es ist ein unbekannter Fehler aufgetreten (-18).' > "$t/out" 2> "$t/err"
[ $? -eq 2 ] && grep -q "^-18 is not in the error-code catalogue" "$t/out" \
  && grep -q "error\[LA300\]: -18 (read from the text given)" "$t/err" && ok || bad "explain pasted -18"
"$exe" explain 'hello (world) (010)' > /dev/null 2> "$t/err"
[ $? -eq 2 ] && grep -q "unknown error code 'hello (world) (010)'" "$t/err" && ok || bad "explain text without a code"

# A code is read in its numbering space: TSS 94 is error 3194 (the signing server first), a bare
# number lists the spaces it has a meaning in, futurerestore codes have no entry.
"$exe" explain --format json tss:94 | jq -e '.codes[0] | .known and .code == 94 and .number == 3194
    and .space.id == "tss" and .causes[0].id == "signing-server"' >/dev/null \
  && ok || bad "explain tss:94: not the TSS entry 3194"
"$exe" explain --format json 94 | jq -e '.codes[0] | (.known | not) and
    ([.spaces[].space] == ["tss"]) and .spaces[0].number == 3194' >/dev/null \
  && ok || bad "explain 94: TSS status not listed"
"$exe" explain --format json 50 | jq -e '[.codes[0].spaces[].space] == ["dialog", "bbu"]' >/dev/null \
  && ok || bad "explain 50: spaces"
"$exe" explain --format json fr:-10 amr:37 bbu:999 | jq -e '[.codes[] | .known] == [false, false, false]
    and .codes[1].family.id == "amrestore-generic" and .codes[2].family.id == "bbupdater"
    and (.codes[0] | has("family") | not)' >/dev/null \
  && ok || bad "explain fr:-10 amr:37 bbu:999"
"$exe" explain --format json 'nosuch:5' | jq -e '.codes[0] | (.known | not) and (has("code") | not)' >/dev/null \
  && ok || bad "explain nosuch:5: an unknown prefix is not a space"

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
