#!/bin/sh
# The unified log end to end (docs/internals/tracev3.md): `show` on the dtformats files (text,
# ndjson, filters), a sysdiagnose-shaped tar.gz whose tracev3 members `inspect` and the
# report read (none skipped as binary), a damaged member (warning LA130, the rest read), and
# LZBITMAP chunksets (read; of an unknown kind, warning LA131).
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
check archive-report sh -c '"$0" --format json "$1" | jq -e "
  [.reports[0].members[] | select(.tracev3)] as \$m | (\$m | length) == 2 and
  ([\$m[].tracev3.records] | add) == 1105 and
  (\$m[] | select(.path | endswith(\"0f85.tracev3\")) | .tracev3.chunks.chunkset == 4 and
   .tracev3.chunks.firehose == 65 and .tracev3.chunks.oversize == 1 and .tracev3.damaged == 0)"' "$exe" "$t/sd.tar.gz"
check archive-show lines 1105 "$t/sd.tar.gz"
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
