#!/bin/sh
# Lint the shipped rules (no warning allowed: a pattern without a prefilter literal would run
# on every line, LA208), then run `loganalyze rules test` over them and every fixture log.
exe=$1 dir=$2
out=$("$exe" rules lint 2>&1) || { printf '%s\n' "$out"; exit 1; }
if printf '%s\n' "$out" | grep 'warning\['; then
  echo "FAIL: the shipped rules lint with warnings"
  exit 1
fi
set -- "$dir"/*.log
[ -e "$1" ] || set --
exec "$exe" rules test "$@"
