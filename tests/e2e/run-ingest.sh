#!/bin/sh
# Ingest: nested archives (zip → tar.gz → .gz), every compression, folders, stdin and the
# member listing of `inspect --format json` (paths, formats, statuses); reports of gzip
# inputs the same with and without the inflate thread.
exe=$1 src=$2
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
pass=0 fail=0
expect() { # name jq-filter file
  if "$exe" inspect --format json "$3" 2>"$t/err" | jq -e "$2" > /dev/null; then
    pass=$((pass + 1))
  else
    echo "FAIL $1"; "$exe" inspect --format json "$3" 2>&1 | head -30 | sed 's/^/  /'; fail=$((fail + 1))
  fi
}
s=$src/samples
# sysdiagnose-like tree inside a tar.gz inside a zip, with a gzipped log inside.
d=$t/sysdiagnose_2026.01.02_03-04-05-0800_iPhone-OS_iPhone_21A1
mkdir -p "$d/logs/MobileLockdown" "$d/crashes_and_spins/Panics" "$d/system_logs.logarchive"
gzip -c "$s/restored-fdr-53-logicboard.log" > "$d/logs/MobileLockdown/lockdownd.log.0.gz"
cp "$s/panic-full-i2c-logicboard.ips" "$d/crashes_and_spins/Panics/panic-full-2026-01-02.ips"
printf 'SQLite format 3\000junk' > "$d/logs/powerlog.PLSQL"
printf '\000\001\002\003binary' > "$d/system_logs.logarchive/0000000000000001.tracev3"
printf 'Mac OS X        \000\002' > "$d/logs/._x.log"
(cd "$t" && tar -czf sd.tar.gz "$(basename "$d")")
mkdir "$t/z"; mv "$t/sd.tar.gz" "$t/z/"; cp "$s/itunes-win-4013-baseband.log" "$t/z/iPhoneUpdater 3.log"
(cd "$t/z" && zip -q -r ../case.zip .)
expect nested-paths '
  [.members[].path] as $p |
  ($p | index("'"$t"'/case.zip!/iPhoneUpdater 3.log")) and
  ($p | map(test("case\\.zip!/sd\\.tar\\.gz!/sysdiagnose_[^/]+/logs/MobileLockdown/lockdownd\\.log\\.0\\.gz$")) | any) and
  ($p | map(test("Panics/panic-full-2026-01-02\\.ips$")) | any)' "$t/case.zip"
expect nested-formats '
  (.members[] | select(.path | endswith("lockdownd.log.0.gz")) | .format == "restored-device" and .status == "ok" and .lines > 900) and
  (.members[] | select(.path | endswith(".ips")) | .format == "ips-panic") and
  (.members[] | select(.path | endswith("iPhoneUpdater 3.log")) | .format == "itunes-updater")' "$t/case.zip"
expect nested-skipped '
  (.members[] | select(.path | endswith("powerlog.PLSQL")) | .status | startswith("skipped: binary (SQLite")) and
  (.members[] | select(.path | endswith(".tracev3")) | .status | startswith("skipped: binary")) and
  (.members[] | select(.path | endswith("._x.log")) | .status == "skipped: AppleDouble metadata")' "$t/case.zip"
# Every single-file compression, detected by content even under a wrong name.
for c in gzip bzip2 xz zstd; do
  command -v $c >/dev/null || continue
  $c -c "$s/idevicerestore-success.log" > "$t/renamed-$c.txt"
  expect "compressed-$c" '.members | length == 1 and .[0].format == "idevicerestore" and .[0].lines > 100' "$t/renamed-$c.txt"
done
# A folder: deterministic order, recursive.
mkdir -p "$t/dir/b" "$t/dir/a"; cp "$s/restored-success.log" "$t/dir/b/"; cp "$s/ios-crash-app.ips" "$t/dir/a/"
expect folder-order '[.members[].path] == ["'"$t"'/dir/a/ios-crash-app.ips", "'"$t"'/dir/b/restored-success.log"]' "$t/dir"
# Standard input.
if "$exe" inspect --format json - < "$s/restored-success.log" | jq -e '.members[0].path == "<stdin>" and .members[0].format == "restored-device"' >/dev/null; then
  pass=$((pass + 1)); else echo "FAIL stdin"; fail=$((fail + 1)); fi
gzip -c "$s/restored-success.log" | "$exe" --format json - | jq -e '.reports[0].outcome == "succeeded"' >/dev/null \
  && pass=$((pass + 1)) || { echo "FAIL stdin gzip"; fail=$((fail + 1)); }
# A UTF-16 paste and a Markdown-quoted, HTML-escaped paste read as what they are.
expect utf16 '.members[0].format == "itunes-updater"' "$s/pasted-forum-utf16.txt"
expect html-escaped '.members[0].format == "restored-device"' "$s/restored-html-escaped-storage.txt"
# The inflate thread (src/ingest/gzip.c): a single gzip input with --jobs 2 has a spare core
# and is inflated on it; the report is byte-identical to --jobs 1's, for every sample gzipped,
# the samples in one tar.gz, and the sample sysdiagnose.
mkdir "$t/gz"
for f in "$s"/*.log "$s"/*.ips "$s"/*.txt; do gzip -c "$f" > "$t/gz/$(basename "$f").gz"; done
(cd "$s" && tar -czf "$t/gz/samples.tar.gz" *.log *.ips *.txt)
for f in "$t"/gz/*.gz "$s"/*.tar.gz; do
  for j in 1 2; do
    "$exe" --jobs $j -f json --deterministic --redact-key k --exit-zero "$f" > "$t/j$j" 2>&1
  done
  if [ -s "$t/j1" ] && cmp -s "$t/j1" "$t/j2"; then pass=$((pass + 1)); else
    echo "FAIL inflate thread: $(basename "$f"): --jobs 2 differs from --jobs 1"
    diff "$t/j1" "$t/j2" | head -10 | sed 's/^/  /'; fail=$((fail + 1))
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
