#!/bin/sh
# The command line's plumbing: each command takes only its own options (a usage error names
# the option and the command), every argument past a cap is an error naming the cap, and the
# lists in --help come from their one source (report formats, levels, --limit names).  Every
# mistake is exit 2 with one line and, where one is near, the nearest spelling.
# Usage: run-cli.sh LOGANALYZE [SAMPLES_DIR]
exe=$1
samples=${2:-${LA_SOURCE_ROOT:-$(dirname "$0")/../..}/samples}
case $exe in /*) ;; *) exe=$(pwd)/$exe ;; esac
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
check limit-cap 2 "bad --limit 'depth=4294967296': N must be a whole number from 0 to 4294967295" \
  "$exe" --limit depth=4294967296 x.log
# Exactly at the caps is fine (the inputs are then missing: exit 2 for that, not usage).
check tried-at-cap 2 "x.log: error\[LA101\]" "$exe" --tried "$(seq -s, 31)" x.log

# Every number goes through one parser: no sign, no blank, nothing past the field's cap.
check limit-negative 2 "bad --limit 'bytes=-1': N must be a whole number from 0 to 18446744073709551615" \
  "$exe" --limit bytes=-1 x.log
check limit-members-negative 2 "bad --limit 'members=-1'" "$exe" --limit members=-1 x.log
check limit-plus 2 "bad --limit 'depth=\+3'" "$exe" --limit depth=+3 x.log
check limit-wrap 2 "bad --limit 'members=18446744073709551616'" "$exe" --limit members=18446744073709551616 x.log
check limit-name 2 "unknown --limit name 'dpeth'; did you mean 'depth'\?" "$exe" --limit dpeth=3 x.log
check jobs-negative 2 "--jobs takes a number from 1 to 64" "$exe" --jobs -1 x.log
check jobs-huge 2 "--jobs takes a number from 1 to 64" "$exe" --jobs 4294967297 x.log

# Mistakes: exit 2, one line, the nearest spelling (issue 17).
onel() { # name: stderr has exactly N lines
  [ "$(wc -l < "$t/err")" -eq "$2" ] && pass=$((pass + 1)) || { echo "FAIL $1: $(wc -l < "$t/err") lines on stderr, want $2"; fail=$((fail + 1)); }
}
check option-typo 2 "^loganalyze: error\[LA300\]: unknown option '--fromat'; did you mean '--format'\?$" \
  "$exe" --fromat json x.log
onel option-typo 2
grep -q "^see 'loganalyze --help'$" "$t/err" && pass=$((pass + 1)) || { echo "FAIL option-typo: no see-help line"; fail=$((fail + 1)); }
check option-typo-eq 2 "unknown option '--tired'; did you mean '--tried'\?" "$exe" --tired=cable x.log
check option-ambiguous 2 "ambiguous option '--f' \(--format, --fail-on\)" "$exe" --f json x.log
check option-no-arg 2 "option '--quiet' takes no argument" "$exe" --quiet=1 x.log
check option-needs-arg 2 "option '--format' needs an argument \(NAME\[:FILE\]\)" "$exe" x.log --format
check option-short 2 "unknown option '-x'" "$exe" -x x.log
check command-typo 2 "unknown command 'explian'; did you mean 'explain'\?" "$exe" explian 4013
onel command-typo 2
check command-typo-rules 2 "unknown command 'rules lnit'; did you mean 'rules lint'\?" "$exe" rules lnit
check command-typo-serve 2 "unknown command 'sevre'; did you mean 'serve'\?" "$exe" sevre
# A file with a command-like name is still an input.
( cd "$t" && printf 'nothing to see\n' > explian && "$exe" -q --exit-zero explian >/dev/null 2>&1 ); rc=$?
[ "$rc" -eq 0 ] && pass=$((pass + 1)) || { echo "FAIL a file named explian: exit $rc, want 0"; fail=$((fail + 1)); }
check tried-typo 2 "error\[LA303\]: unknown --tried step 'cabel'; did you mean 'cable'\?" \
  "$exe" --tried cabel "$samples/itunes-win-4013-baseband.log"
onel tried-typo 1
check tried-unknown 2 "unknown --tried step 'frobnicate' \(" "$exe" --tried cable,frobnicate "$samples/itunes-win-4013-baseband.log"
check input-format-typo 2 "error\[LA302\]: unknown input format 'itunes'; did you mean 'itunes-updater'\?" \
  "$exe" --input-format itunes x.log
check format-typo 2 "unknown report format 'jsno'; did you mean 'json'\?" "$exe" --format jsno x.log
check fail-on-typo 2 "not 'hihg'; did you mean 'high'\?" "$exe" --fail-on hihg x.log
check explain-word 2 "unknown error code 'foo': not a number" "$exe" explain foo
[ ! -s "$t/out" ] && pass=$((pass + 1)) || { echo "FAIL explain foo printed an entry"; fail=$((fail + 1)); }
check explain-space-typo 2 "unknown error code 'tsss:94'; did you mean 'tss:94'\?" "$exe" explain tsss:94
check explain-name-typo 2 "did you mean 'kAMRestoreErrorASRError'\?" "$exe" explain kAMRestoreErrorASRErorr
check explain-unknown-number 2 "4031 is not in the error-code catalogue \(nearby: 4013, " "$exe" explain 4031
grep -q "Nearby codes in the catalogue:" "$t/out" && grep -q "^  4013 " "$t/out" \
  && pass=$((pass + 1)) || { echo "FAIL explain 4031: no nearby codes on stdout"; fail=$((fail + 1)); }
check explain-known 0 "" "$exe" explain 4013
check data-dir-missing 2 "^/nonexistent-la: error\[LA101\]: not a rules data folder: no data/causes.yaml \(--data-dir\)$" \
  "$exe" --data-dir /nonexistent-la "$samples/itunes-win-4013-baseband.log"
onel data-dir-missing 1
[ ! -s "$t/out" ] && pass=$((pass + 1)) || { echo "FAIL data-dir-missing printed a report"; fail=$((fail + 1)); }
check datadir-env-missing 2 "not a rules data folder: no data/causes.yaml \(LOGANALYZE_DATADIR\)" \
  env LOGANALYZE_DATADIR=/nonexistent-la "$exe" "$samples/itunes-win-4013-baseband.log"
check path-missing 2 "^nosuch.log: error\[LA101\]: cannot open: No such file or directory$" "$exe" nosuch.log
onel path-missing 1
[ ! -s "$t/out" ] && pass=$((pass + 1)) || { echo "FAIL path-missing printed a report"; fail=$((fail + 1)); }
check path-missing-one-of-two 2 "nosuch.log: error\[LA101\]" "$exe" nosuch.log "$samples/itunes-win-4013-baseband.log"
grep -q "Failed while updating the modem" "$t/out" && pass=$((pass + 1)) || { echo "FAIL the readable input of two was not analysed"; fail=$((fail + 1)); }
check inspect-missing 2 "nosuch.log: error\[LA101\]" "$exe" inspect nosuch.log
onel inspect-missing 1

# Lists in --help and in errors come from their source.
"$exe" --help >"$t/help" 2>&1
grep -q "report format: text json ndjson markdown html junit sarif$" "$t/help" && pass=$((pass + 1)) || { echo "FAIL help: format list"; fail=$((fail + 1)); }
grep -q "info low medium high critical never (default: low)" "$t/help" && pass=$((pass + 1)) || { echo "FAIL help: level list"; fail=$((fail + 1)); }
check bad-format 2 "unknown report format 'nope' \(text, json, ndjson, markdown, html, junit, sarif, github, brief, csv\)" \
  "$exe" --format nope x.log
check bad-level 2 "--fail-on takes info, low, medium, high, critical or never" "$exe" --fail-on x x.log
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
