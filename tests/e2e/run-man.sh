#!/bin/sh
# The man page and the option table cannot drift: every long option of the table
# (`loganalyze completion options`, the rows --help and the parser use) is in
# docs/loganalyze.1, and every --option the man page names is one of the table's.
# Options of other programs the page names (meson install --destdir) are listed in others.
# A mistyped option shown as an example is written \-\&\- so it is not taken for one.
# Usage: run-man.sh LOGANALYZE SOURCE_ROOT
exe=$1 man=$2/docs/loganalyze.1
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
pass=0 fail=0
"$exe" completion options | sort -u > "$t/table" || { echo "FAIL completion options"; exit 1; }
[ "$(wc -l < "$t/table")" -ge 20 ] && pass=$((pass + 1)) || { echo "FAIL only $(wc -l < "$t/table") options in the table"; fail=$((fail + 1)); }
# The man page writes a dash as \- : take every \-\-name token.
grep -o '\\-\\-[a-z][a-z0-9\\-]*[a-z0-9]' "$man" | sed 's/\\//g' | sort -u > "$t/man"
while read -r o; do
  grep -qx -- "$o" "$t/man" && pass=$((pass + 1)) || { echo "FAIL $o is in the option table but not in the man page"; fail=$((fail + 1)); }
done < "$t/table"
others="--destdir"
while read -r o; do
  case " $others " in *" $o "*) continue ;; esac
  grep -qx -- "$o" "$t/table" && pass=$((pass + 1)) || { echo "FAIL the man page names $o, which is not an option"; fail=$((fail + 1)); }
done < "$t/man"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
