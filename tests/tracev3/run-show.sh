#!/bin/sh
# The unified log end to end (docs/internals/tracev3.md): `show` on the dtformats files (text,
# ndjson, filters), a sysdiagnose-shaped tar.gz whose tracev3 members `inspect` and the
# report read (none skipped as binary; per member: records, chunks of each kind, unsupported
# chunks, unresolved entries) and `show` prints with times, processes and subsystems, a
# damaged member (warning LA130, the rest read), and LZBITMAP chunksets (read; of an unknown
# kind, warning LA131).
exe=$1 src=$2
data=$src/tests/tracev3/data
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
pass=0 fail=0
check() { # name command...: passes when the command succeeds
  name=$1; shift
  if "$@" > "$t/out" 2>&1; then pass=$((pass + 1)); else
    echo "FAIL $name"; head -20 "$t/out" | sed 's/^/  /'; fail=$((fail + 1)); fi
}
lines() { # expected-count show-args...
  n=$1; shift
  got=$("$exe" show "$@" 2>/dev/null | wc -l)
  [ "$got" -eq "$n" ] || { echo "expected $n lines, got $got"; return 1; }
}

check show-count lines 1105 "$data"
check show-first sh -c '"$0" show "$1" | head -1 | grep -qxF "2019-01-27 10:18:05.456333+0100 <unresolved>[14225] (com.apple.AssetCache:builtin) <Error> <unresolved> Built-in, Caching Server, 214.2"' "$exe" "$data/0000000000000030.tracev3"
check show-ipados sh -c '"$0" show "$1" | head -1 | grep -q "^2022-04-13 08:14:29.764768-0500 <unresolved>\[49442\] (com.apple.mobileassetd:Notice) <Default> <unresolved> -\[ControlManager respondToCacheDelete:"' "$exe" "$data/0000000000000f85-head.tracev3"
# A long message's arguments come from the oversize chunk it names.
check show-oversize sh -c '"$0" show "$1" | grep -q "(com.apple.amp.AirTraffic:Framework_Oversize) <Default> <unresolved> <ATDeviceDiskUsageProvider: 0x101473ae0>, [0-9]*, {.n    \"CACHE_DELETE_CALLING_PROCESS\" = atc;"' "$exe" "$data/0000000000000f85-head.tracev3"
check show-subsystem lines 5 --subsystem com.apple.AssetCache "$data"
check show-process lines 0 --process launchd "$data"
check show-since lines 928 --since "2022-04-13 08:14:30" "$data"
check show-until lines 5 --until 2019-01-27 "$data"
check show-until-time lines 172 --until "2022-04-13 08:14:30" --since 2022-04-13 "$data"
check show-ndjson sh -c '"$0" show --format ndjson "$1" | jq -e -s "length == 5 and .[0].pid == 14225 and .[0].level == \"Error\" and .[0].subsystem == \"com.apple.AssetCache\" and .[4].message == \"<unresolved> wants\" and .[0].time == \"2019-01-27 10:18:05.456333+0100\""' "$exe" "$data/0000000000000030.tracev3"
check show-bad-date sh -c '! "$0" show --since yesterday "$1" 2>&1 | grep -q . || ! "$0" show --since yesterday "$1"' "$exe" "$data"
check show-no-log sh -c '"$0" show "$1"; [ $? -eq 2 ]' "$exe" "$src/README.md"

# A sysdiagnose-shaped archive: the logarchive's tracev3 files, uuidtext and timesync after.
d=$t/sysdiagnose_2022.04.13_08-20-00-0500_iPadOS_iPad_19D52
la=$d/system_logs.logarchive
mkdir -p "$la/Persist" "$la/Special" "$la/timesync" "$la/dsc" "$la/22"
cp "$data/0000000000000f85-head.tracev3" "$la/Persist/0000000000000f85.tracev3"
cp "$data/0000000000000030.tracev3" "$la/Special/0000000000000030.tracev3"
cp "$data/timesync/0000000000000002.timesync" "$la/timesync/"
cp "$data/uuidtext/dsc/8E21CAB1DCF936B49F85CF860E6F34EC" "$la/dsc/"
cp "$data/uuidtext/22/0D3C2953A33917B333DD8366AC25F2" "$la/22/"
# The macOS file's main executable's uuidtext is not in dtformats' data: one made here (its
# format strings at the offsets the five entries name, its image path) lets the archive's
# strings be checked; tests/unit/test-tracev3.c makes the same.
mkdir -p "$la/10"
python3 - "$la/10/1674443A9A33FCAF11D0ADEBBF5B95" <<'PY'
import struct, sys
start, size = 0x35a700, 0x6000
body = bytearray(size)
for off, fmt in ((0x35a710, b"%{public}@ %{public}@ version %{public}@"),
                 (0x35fcf0, b"Server GUID: %{private}@"), (0x35cd8c, b"%{public}s"),
                 (0x35b610, b"no argument here: %d"), (0x35ba90, b"[%7s] [%.2s]")):
    body[off - start:off - start + len(fmt) + 1] = fmt + b"\0"
open(sys.argv[1], "wb").write(b"\x99\x88\x77\x66" + struct.pack("<III", 2, 1, 1)
                              + struct.pack("<II", start, size) + bytes(body)
                              + b"/System/Library/AssetCache\0")
PY
# Listed so the strings files come after the tracev3 files, as they may in a sysdiagnose.
b=$(basename "$d")/system_logs.logarchive
(cd "$t" && tar -czf sd.tar.gz "$b/Persist" "$b/Special" "$b/timesync" "$b/dsc" "$b/22" "$b/10")
check archive-order sh -c 'tar -tzf "$0" | grep -v "/$" | tail -1 | grep -q "/10/1674443A9A33FCAF11D0ADEBBF5B95$"' "$t/sd.tar.gz"
check archive-inspect sh -c '"$0" inspect --format json "$1" | jq -e "
  [.members[] | select(.path | endswith(\".tracev3\"))] as \$m |
  (\$m | length) == 2 and all(\$m[]; .format == \"unified-log\" and .status == \"ok\") and
  ([\$m[].lines] | add) == 1105"' "$exe" "$t/sd.tar.gz"
# Issue 20's "done when": each tracev3 member read, none skipped as binary, with its records,
# chunks of each kind, unsupported chunks and unresolved entries, in inspect's JSON and table.
check archive-inspect-members sh -c '"$0" inspect --format json "$1" | jq -e "
  [.members[] | select(.path | endswith(\".tracev3\"))] as \$m | (\$m | length) == 2 and
  (\$m[] | select(.path | endswith(\"Persist/0000000000000f85.tracev3\")) |
   .lines == 1100 and .tracev3.records == 1100 and .tracev3.unresolved == 1100 and
   .tracev3.damaged == 0 and .tracev3.chunks == {catalog: 1, chunkset: 4, firehose: 65,
     oversize: 1, statedump: 0, simpledump: 0, unsupported: 0}) and
  (\$m[] | select(.path | endswith(\"Special/0000000000000030.tracev3\")) |
   .lines == 5 and .tracev3.records == 5 and .tracev3.unresolved == 0 and
   .tracev3.damaged == 0 and .tracev3.chunks == {catalog: 1, chunkset: 1, firehose: 1,
     oversize: 0, statedump: 0, simpledump: 0, unsupported: 0}) and
  ([.members[] | select(.status | startswith(\"skipped\")) | .path |
    select(endswith(\".tracev3\"))] | length) == 0"' "$exe" "$t/sd.tar.gz"
check archive-inspect-table sh -c '"$0" inspect "$1" > "$2/table" &&
  grep -q "Persist/0000000000000f85.tracev3 *unified-log *60848 *1100  ok; chunks: 1 catalog, 4 chunkset, 65 firehose, 1 oversize, 0 statedump, 0 simpledump, 0 unsupported; 1100 unresolved, 0 damaged$" "$2/table" &&
  grep -q "Special/0000000000000030.tracev3 *unified-log *944 *5  ok; chunks: 1 catalog, 1 chunkset, 1 firehose, 0 oversize, 0 statedump, 0 simpledump, 0 unsupported; 0 unresolved, 0 damaged$" "$2/table" &&
  ! grep "\.tracev3 .*skipped" "$2/table"' "$exe" "$t/sd.tar.gz" "$t"
# The report's member list: every member of the archive, the tracev3 ones read with their
# counts, the strings files listed too.
check archive-report-members sh -c '"$0" --format json "$1" | jq -e "
  .reports[0].members as \$m | (\$m | length) == 6 and
  ([\$m[] | select(.format == \"unified-log\" and .status == \"ok\") |
    [(.path | split(\"/\") | .[-2:] | join(\"/\")), .lines, .tracev3.records,
     .tracev3.unresolved, .tracev3.chunks.firehose, .tracev3.chunks.unsupported]] | sort) ==
    [[\"Persist/0000000000000f85.tracev3\", 1100, 1100, 1100, 65, 0],
     [\"Special/0000000000000030.tracev3\", 5, 5, 0, 1, 0]] and
  ([\$m[].path | select(test(\"timesync|/dsc/|/22/|/10/\"))] | length) == 4"' "$exe" "$t/sd.tar.gz"
check archive-report sh -c '"$0" --format json "$1" | jq -e "
  [.reports[0].members[] | select(.tracev3)] as \$m | (\$m | length) == 2 and
  ([\$m[].tracev3.records] | add) == 1105 and
  (\$m[] | select(.path | endswith(\"0f85.tracev3\")) | .tracev3.chunks.chunkset == 4 and
   .tracev3.chunks.firehose == 65 and .tracev3.chunks.oversize == 1 and .tracev3.damaged == 0)"' "$exe" "$t/sd.tar.gz"
check archive-show lines 1105 "$t/sd.tar.gz"
# Every line shows: a timestamp with its zone, the process and pid, (subsystem:category), the
# level; the macOS file's process and message resolve through the archive's uuidtext.
line_re='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}[+-][0-9]{4} [^ ]+\[[0-9]+\] \([^: ]+:[^ ]*\) <(Default|Info|Debug|Error|Fault)> '
check archive-show-fields sh -c '[ "$("$0" show "$1" | grep -cE "$2")" -eq 1105 ] &&
  [ "$("$0" show --process AssetCache "$1" | wc -l)" -eq 5 ] &&
  [ "$("$0" show "$1" | grep -c " (com.apple.mobileassetd:")" -gt 100 ]' "$exe" "$t/sd.tar.gz" "$line_re"
# The same tree as a folder: the same entries, read through the folder's strings.
check folder-show lines 1105 "$d"
# Strings after the tracev3 in the tar (Persist, Special sort before 10/): still resolved,
# by show and by the analysis, and the same as from the folder.
resolved='^2019-01-27 10:18:05.456333+0100 AssetCache\[14225\] (com.apple.AssetCache:builtin) <Error> Built-in Caching Server version 214.2$'
check archive-resolved sh -c '"$0" show --process AssetCache "$1" | grep -q "$2"' "$exe" "$t/sd.tar.gz" "$resolved"
check folder-resolved sh -c '"$0" show --process AssetCache "$1" | grep -q "$2"' "$exe" "$d" "$resolved"
mkdir "$t/in" && cp "$t/sd.tar.gz" "$t/in/"
check folder-of-archive-resolved sh -c '"$0" --format json "$1" | jq -e "
  [.reports[0].members[] | select(.tracev3)] | map(.tracev3.unresolved) | sort == [0, 1100]"' "$exe" "$t/in"
check archive-report-resolved sh -c '"$0" --format json "$1" | jq -e "
  [.reports[0].members[] | select(.tracev3)] | map(.tracev3.unresolved) | sort == [0, 1100]"' "$exe" "$t/sd.tar.gz"

# The rules on records of the binary log: a logarchive whose five macOS entries render to the
# messages given (a uuidtext made here holds them as their format strings, with the image
# path of the process), analysed in full.  tv3_messages DIR PROCESS-PATH MESSAGE x5.
tv3_messages() {
  mkdir -p "$1/Special" "$1/timesync" "$1/10"
  cp "$data/0000000000000030.tracev3" "$1/Special/"
  cp "$data/timesync/0000000000000002.timesync" "$1/timesync/"
  python3 - "$@" <<'PY'
import struct, sys
out, image, msgs = sys.argv[1] + "/10/1674443A9A33FCAF11D0ADEBBF5B95", sys.argv[2], sys.argv[3:]
start, size = 0x35a700, 0x6000
body = bytearray(size)
# The offsets the five entries name, in the order of the entries.
for off, m in zip((0x35a710, 0x35fcf0, 0x35cd8c, 0x35b610, 0x35ba90), msgs):
    body[off - start:off - start + len(m.encode()) + 1] = m.encode() + b"\0"
open(out, "wb").write(b"\x99\x88\x77\x66" + struct.pack("<III", 2, 1, 1)
                      + struct.pack("<II", start, size) + bytes(body) + image.encode() + b"\0")
PY
}
# A Finder restore's end on the Mac (the lines of samples/unified-log-4005.log): the rules
# written for `log show` text fire on the same messages read from the binary log.
tv3_messages "$t/finder.logarchive" /System/Library/PrivateFrameworks/AMPDevices.framework/Versions/A/Support/AMPDevicesAgent \
  "Timer fired to timeout transitioning device" "Device isn't booted but USB is up." \
  "Restore completed, status: 4005" \
  "Depth:0 Code:4005 Error:Gave up waiting for device to transition from RestoreOS state to BootedOS State." \
  "AMPDevicesAgent: Restore error 4005"
check rules-binary-show sh -c '"$0" show "$1" | tail -1 | grep -qx "2019-01-27 10:18:05.553228+0100 AMPDevicesAgent\[14225\] (com.apple.AssetCache:builtin) <Default> AMPDevicesAgent: Restore error 4005"' "$exe" "$t/finder.logarchive"
check rules-binary-finder sh -c '"$0" --format json --exit-zero "$1" | jq -e ".reports[0] |
  .outcome == \"failed\" and .attempts[0].result == 4005 and .diagnosis.cause == \"device-software\" and
  ([.. | objects | select(has(\"rule\")) | .rule] | unique) as \$r |
  ([\"device-sw.restoreos-to-bootedos-4005\", \"device-sw.usb-up-not-booted\",
    \"usb.disappeared-during-transition\", \"usb.link-up-at-timeout\"] - \$r) == []"' "$exe" "$t/finder.logarchive"
# A Virtualization-framework install on a host too old for the IPSW (utmapp/UTM#4104):
# result.amrestore-perform-failed ends the attempt with AMRestore error 10.
tv3_messages "$t/vm.logarchive" /System/Library/PrivateFrameworks/MobileDevice.framework/Versions/A/MobileDevice \
  "restore library built Apr 19 2024 at 22:05:51" "requested restore behavior: Erase" \
  "Entering recovery mode, starting command: enter recovery" "Recovery mode succeeded" \
  "AMRestorePerformRestoreModeRestoreWithError failed with error: 10"
check rules-binary-amrestore sh -c '"$0" --format json --exit-zero "$1" | jq -e ".reports[0] |
  .outcome == \"failed\" and .attempts[0].result == 10"' "$exe" "$t/vm.logarchive"

"$exe" show "$data/0000000000000030.tracev3" > "$t/lz4.txt"
# A damaged member: warning LA130 naming it; the entries before the damage are read.
head -c 30000 "$data/0000000000000f85-head.tracev3" > "$t/cut.tracev3"
check damaged-warning sh -c '"$0" inspect "$1" 2>&1 >/dev/null | grep -q "cut.tracev3.*LA130.*ends inside a chunk"' "$exe" "$t/cut.tracev3"
check damaged-show sh -c '"$0" show "$1" 2>/dev/null | wc -l | grep -qv "^0$"' "$exe" "$t/cut.tracev3"

# LZBITMAP chunksets (iOS/macOS 27): read like LZ4 ones; flags of an unknown kind: LA131.
zbm=$src/tests/tracev3/lzbitmap
check lzbitmap-show sh -c '"$0" show "$1" | cmp -s - "$2"' "$exe" "$zbm/0000000000000030-zbm0c.tracev3" "$t/lz4.txt"
python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); i = d.index(b"ZBM")
d[i + 3] = 0x0e; open(sys.argv[2], "wb").write(d)' "$zbm/0000000000000f85-head2-zbm0c.tracev3" "$t/zbm0e.tracev3"
check lzbitmap-unsupported sh -c '"$0" --format json "$1" 2>/dev/null | jq -e "
  .reports[0].members[0].tracev3 | .chunks.unsupported == 1 and .chunks.chunkset == 2 and .damaged == 0" &&
  "$0" "$1" 2>&1 >/dev/null | grep -q "zbm0e.tracev3.*LA131.*unsupported compression (LZBITMAP, flags 0x0e)" &&
  "$0" show "$1" 2>&1 >/dev/null | grep -q "zbm0e.tracev3: warning\[LA131\]"' "$exe" "$t/zbm0e.tracev3"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
