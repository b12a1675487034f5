#!/bin/sh
# Broken rule files → exact diagnostics.  Each tests/diag/NN-name.yaml is linted (or, for
# *-sample-* files, run with `rules test --no-default-rules`) and its stderr plus "RC=n" must
# equal NN-name.expected.  Run with UPDATE=1 to rewrite the expected files (review the diff).
exe=$1 dir=$2
cd "$dir" || exit 1
pass=0 fail=0
for f in *.yaml; do
  exp=${f%.yaml}.expected
  case $f in
    *-sample-*) out=$("$exe" --no-default-rules rules test "$f" 2>&1 >/dev/null; echo "RC=$?") ;;
    *) out=$("$exe" rules lint "$f" 2>&1 >/dev/null; echo "RC=$?") ;;
  esac
  if [ "${UPDATE:-0}" = 1 ]; then printf '%s\n' "$out" > "$exp"; fi
  if [ "$out" = "$(cat "$exp")" ]; then
    pass=$((pass + 1))
  else
    echo "FAIL $f"; printf '%s\n' "$out" | diff "$exp" - | sed 's/^/  /'; fail=$((fail + 1))
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
