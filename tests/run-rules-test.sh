#!/bin/sh
# Run `loganalyze rules test` over the shipped rules and every fixture log.
exe=$1 dir=$2
set -- "$dir"/*.log
[ -e "$1" ] || set --
exec "$exe" rules test "$@"
