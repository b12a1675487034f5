#!/bin/sh
# End-to-end: hard-wrapped pastes give the diagnosis of the log they were cut from.
# Every text sample is cut as a mail client does (at words, `fold -s`) and as a console
# window does (anywhere, `fold -w`) at 60, 72, 80, 100 and 120 columns; one in three is
# also quoted with "> ", one in five saved as UTF-16LE with CRLF; each cut copy must report
# the original's outcome, error codes and top cause.  The originals themselves must not be taken for wrapped (no LA118 note).
# Needs jq and fold (and iconv for the UTF-16 copies).
exe=$1 dir=$2
command -v jq >/dev/null || { echo "jq is missing (apt-get install jq)"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 n=0

verdict() {
  "$exe" --format json --deterministic --exit-zero "$1" 2>"$tmp/err" |
    jq -c '.reports[0] | [.outcome, .error_codes, (.causes[0].id // null)]'
}

for src in "$dir"/*.log; do
  name=$(basename "$src" .log)
  want=$(verdict "$src")
  if grep -q LA118 "$tmp/err"; then
    echo "FAIL $name: the original was taken for a wrapped paste"; fail=$((fail + 1))
  fi
  for w in 60 72 80 100 120; do
    for how in mail console; do
      n=$((n + 1))
      cutf="$tmp/$name.$how$w.txt"
      if [ "$how" = mail ]; then fold -s -w "$w" "$src"; else fold -w "$w" "$src"; fi > "$cutf.0"
      if [ $((n % 3)) -eq 0 ]; then sed 's/^/> /' "$cutf.0" > "$cutf"; else mv "$cutf.0" "$cutf"; fi
      if [ $((n % 5)) -eq 0 ] && command -v iconv >/dev/null; then   # saved by Notepad
        { printf '\377\376'; sed 's/$/\r/' "$cutf" | iconv -f UTF-8 -t UTF-16LE; } > "$cutf.16"
        mv "$cutf.16" "$cutf"
      fi
      got=$(verdict "$cutf")
      if [ "$got" = "$want" ]; then
        pass=$((pass + 1))
      else
        echo "FAIL $name cut by $how at $w: want $want, got $got"; fail=$((fail + 1))
      fi
    done
  done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
