#!/bin/sh
# The command line's plumbing: each command takes only its own options (a usage error names
# the option and the command), every argument past a cap is an error naming the cap, and the
# lists in --help come from their one source (report formats, levels, --limit names).
exe=$1
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
pass=0 fail=0

check() { # name want_rc want_stderr_regex cmd...
  name=$1 want=$2 re=$3; shift 3
  "$@" >"$t/out" 2>"$t/err" </dev/null; rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL $name: exit $rc, want $want"; sed 's/^/  | /' "$t/err" | head -5; fail=$((fail + 1)); return
  fi
  if [ -n "$re" ] && ! grep -Eq -- "$re" "$t/err"; then
    echo "FAIL $name: stderr lacks /$re/"; sed 's/^/  | /' "$t/err" | head -5; fail=$((fail + 1)); return
  fi
  pass=$((pass + 1))
}

# Options of one command are usage errors elsewhere, with the command's usage line.
check explain-listen 2 "error\[LA300\]: --listen is not an option of \`loganalyze explain\`" \
  "$exe" explain --listen 127.0.0.1:0 4013
grep -q "^usage: loganalyze explain CODE" "$t/err" && pass=$((pass + 1)) || { echo "FAIL explain-listen: no usage line"; fail=$((fail + 1)); }
check formats-format 2 "-f is not an option of \`loganalyze formats\`" "$exe" formats -f json
check lint-format 2 "--format is not an option of \`loganalyze rules lint\`" "$exe" rules lint --format junit
check analyse-listen 2 "--listen is not an option of \`loganalyze\`" "$exe" --listen 127.0.0.1:0 x.log
check auto-open 2 "--open is not an option of \`loganalyze --auto\`" "$exe" --auto --open
check serve-jobs 2 "--jobs is not an option of \`loganalyze serve\`" "$exe" serve --jobs 2
check inspect-tried 2 "--tried is not an option of \`loganalyze inspect\`" "$exe" inspect --tried cable x.log
check rules-sub 2 "usage: loganalyze rules lint\|test\|export" "$exe" rules frobnicate

# Caps: one argument more than each cap is an error naming it.
set --; i=0; while [ $i -lt 17 ]; do set -- "$@" -f text; i=$((i + 1)); done
check format-cap 2 "too many --format options: at most 16" "$exe" "$@" x.log
set --; i=0; while [ $i -lt 64 ]; do set -- "$@" --rules "r$i.yaml"; i=$((i + 1)); done
check rules-cap 2 "too many --rules: at most 63" "$exe" "$@" x.log
set --; i=0; while [ $i -lt 64 ]; do set -- "$@" "r$i.yaml"; i=$((i + 1)); done
check rule-paths-cap 2 "too many rule paths: at most 63" "$exe" rules lint "$@"
set --; i=0; while [ $i -lt 257 ]; do set -- "$@" "f$i.log"; i=$((i + 1)); done
check fixtures-cap 2 "too many fixture logs: at most 256" "$exe" rules test "$@"
check tried-cap 2 "too many --tried steps: at most 31" \
  "$exe" --tried "$(seq -s, 32)" x.log
check jobs-cap 2 "--jobs takes a number from 1 to 64" "$exe" --jobs 65 x.log
check limit-cap 2 "bad --limit 'depth=4294967296' \(at most 4294967295\)" \
  "$exe" --limit depth=4294967296 x.log
# Exactly at the caps is fine (the inputs are then missing: exit 2 for that, not usage).
check tried-at-cap 2 "x.log: error\[LA101\]" "$exe" --tried "$(seq -s, 31)" x.log

# Lists in --help and in errors come from their source.
"$exe" --help >"$t/help" 2>&1
grep -q "report format: text json ndjson markdown html junit sarif$" "$t/help" && pass=$((pass + 1)) || { echo "FAIL help: format list"; fail=$((fail + 1)); }
grep -q "info low medium high critical never (default: low)" "$t/help" && pass=$((pass + 1)) || { echo "FAIL help: level list"; fail=$((fail + 1)); }
check bad-format 2 "unknown report format 'nope' \(text, json, ndjson, markdown, html, junit, sarif, github\)" \
  "$exe" --format nope x.log
check bad-level 2 "--fail-on takes info, low, medium, high, critical or never" "$exe" --fail-on x x.log
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
