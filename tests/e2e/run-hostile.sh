#!/bin/sh
# The rest of the bad-input matrix of issue 7 (run-bad-input.sh has the first part): zip with a
# bad central directory, zip bombs, 100 000 members, the bombs and damage of issue 16 (a zip
# directory entry that carries data, AppleDouble floods, gzip in gzip, gzip CRC and length
# errors, damaged tar headers, fifos and devices), a 10 MB line, NUL bytes, invalid UTF-8,
# UTF-16 without BOM, a directory where a file is expected, invalid YAML, a catastrophic regex,
# a 1 MB rule file, .ips with broken JSON, a 200 MB .ips, a hostile log line escaped in
# every report format, text that is not UTF-8 (Latin-1 lines and names, CP437 zip names, CJK
# cut at the evidence cap) in every format, inspect and serve, an output that cannot be
# written, and member names and arguments that would drive a terminal.  Each case checks the exit code, that the message names the path or
# member, and that the other input of the same run was still analysed.
#
# Fixtures are generated into a temporary folder (needs python3, jq, xmllint; zip cases use
# python's zipfile).  Known gaps are checked as "xfail": they print XFAIL (not a failure) while
# the gap is open and XPASS once it is fixed, so the case can become a plain check.
exe=$1
case $exe in /*) ;; *) exe=$PWD/$exe ;; esac
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
cd "$t" || exit 1
pass=0 fail=0 xfail=0
for tool in python3 jq xmllint; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
# run NAME ARGS...: stdout to NAME.out, stderr to NAME.err, exit code to $rc, seconds to $secs
run() {
  name=$1; shift
  s0=$(date +%s)
  "$exe" "$@" >"$name.out" 2>"$name.err"; rc=$?
  secs=$(( $(date +%s) - s0 ))
}
want_rc() { # name want
  [ "$rc" -eq "$2" ] && ok || { bad "$1: exit $rc, want $2"; sed 's/^/  | /' "$1.err" | head -5; }
}
want_err() { # name regex
  grep -Eq -- "$2" "$1.err" && ok ||
    { bad "$1: stderr lacks /$2/"; sed 's/^/  | /' "$1.err" | head -5; }
}
want_jq() { # name file filter: the filter must give true
  [ "$(jq -r "$3" "$2" 2>/dev/null)" = true ] && ok || { bad "$1: jq '$3' is not true"; }
}
xfail() { # name reason command...: a known gap
  name=$1 reason=$2; shift 2
  if "$@" >/dev/null 2>&1; then echo "XPASS $name (fixed? make it a plain check)"; ok
  else echo "XFAIL $name: $reason"; xfail=$((xfail + 1)); fi
}
# Peak RSS in KiB of a command (GNU time), or empty when /usr/bin/time is missing.
peak_rss() {
  [ -x /usr/bin/time ] || return 0
  # Sanitizer builds (LA_SANITIZED=1, set by scripts/test.sh) carry shadow memory: no RSS checks.
  [ "${LA_SANITIZED:-0}" = 1 ] && return 0
  # meson sets MALLOC_PERTURB_, which makes glibc fill every block it hands out or takes back,
  # touching pages the program reserves but never uses: measure the program, not the fill.
  env -u MALLOC_PERTURB_ /usr/bin/time -f '%M' -o rss.txt "$@" >/dev/null 2>&1
  tail -1 rss.txt
}

log='[18:09:01.7655] Restore completed, status: 4013'
printf '%s\n' "$log" > a.log
printf '%s\n' "$log" > b.log

# --- zip with a bad central directory -----------------------------------------------------
python3 - <<'PY'
import zipfile
with zipfile.ZipFile('z.zip', 'w') as z:
    z.write('a.log'); z.write('b.log')
d = bytearray(open('z.zip', 'rb').read())
e = bytearray(d); i = e.rfind(b'PK\x05\x06'); e[i:i + 22] = b'\0' * 22     # no end record
open('nocd.zip', 'wb').write(e)
e = bytearray(d); i = e.find(b'PK\x01\x02'); e[i:i + 4] = b'XXXX'          # bad directory entry
open('badcd.zip', 'wb').write(e)
e = bytearray(d); i = e.rfind(b'PK\x01\x02'); e[i + 42:i + 46] = b'\0\xff\0\0'  # 2nd entry's offset
open('badoff.zip', 'wb').write(e)
PY
# Central directory entry damaged: libarchive gives up on the whole zip (exit 2, named).
run zip-badcd --format json badcd.zip a.log
want_rc zip-badcd 2
want_err zip-badcd "badcd.zip: (warning|error)\[LA10[34]\]"
want_jq zip-badcd zip-badcd.out '.reports[1].input == "a.log" and .reports[1].error_codes == [4013]'
# No end-of-central-directory record at all: the members are still read from their headers.
run zip-nocd --format json nocd.zip
want_rc zip-nocd 1
want_jq zip-nocd zip-nocd.out '(.reports[0].members | length) == 2'
run zip-badoff --format json badoff.zip a.log
want_rc zip-badoff 1
want_err zip-badoff "badoff.zip: warning\[LA103\]"
want_jq zip-badoff zip-badoff.out \
  '(.reports[0].members | map(.path) | index("badoff.zip!/a.log") != null)
   and .reports[1].error_codes == [4013]'

# --- zip bombs: 1 GiB that compresses to ~1 MB ----------------------------------------------
python3 - <<'PY'
import zipfile, zlib
mib = b'0' * (1 << 20)                      # text zeros: a bomb that must be read to be judged
c = zlib.compressobj(9, zlib.DEFLATED, 31)
m = b''.join(c.compress(mib) for _ in range(16)) + c.flush()
with open('bomb.log.gz', 'wb') as f:       # 64 gzip members of 16 MiB = 1 GiB
    for _ in range(64):
        f.write(m)
with zipfile.ZipFile('bomb.zip', 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    with z.open('bomb.log', 'w', force_zip64=True) as w:
        for _ in range(1024):
            w.write(mib)
nul = b'\0' * (1 << 20)                     # binary zeros
c = zlib.compressobj(9, zlib.DEFLATED, 31)
m = b''.join(c.compress(nul) for _ in range(16)) + c.flush()
with open('zeros.bin.gz', 'wb') as f:
    for _ in range(64):
        f.write(m)
PY
run bomb-gz --format json bomb.log.gz a.log
want_rc bomb-gz 1
want_err bomb-gz "bomb.log.gz: warning\[LA108\]"
[ "$secs" -le 30 ] && ok || bad "bomb-gz: took ${secs}s"
want_jq bomb-gz bomb-gz.out '.reports[1].error_codes == [4013]'
run bomb-zip --format json bomb.zip a.log
want_jq bomb-zip bomb-zip.out '.reports[1].error_codes == [4013]'
[ "$secs" -le 60 ] && ok || bad "bomb-zip: took ${secs}s"
want_err bomb-zip "bomb.zip.*LA108"
run zeros-gz --format json zeros.bin.gz a.log
want_rc zeros-gz 1
[ "$secs" -le 30 ] && ok || bad "zeros-gz: took ${secs}s"
want_jq zeros-gz zeros-gz.out '.reports[1].error_codes == [4013]'
# All-zero data reads as an empty tar (512 zero bytes end a tar), but the gzip stream goes on
# to its end (its trailer is checked), and 1 GiB of zeros from 1 MB is a bomb: stopped, named.
want_err zeros-gz "zeros.bin.gz: warning\[LA108\]: .*not read: the rest of zeros.bin.gz"
want_jq zeros-gz-named zeros-gz.out '.reports[0].warnings | map(.code) | index("LA108") != null'
# A little of it is only an empty archive: listed and said so.
head -c 1048576 /dev/zero | gzip -c > zeros-small.bin.gz
run zeros-small --format json zeros-small.bin.gz
want_err zeros-small "zeros-small.bin.gz: warning\[LA112\]: no members"
want_jq zeros-small zeros-small.out '(.reports[0].members | length) > 0'

# --- 100 000 members ------------------------------------------------------------------------
python3 - <<'PY'
import gzip, io, tarfile
with gzip.open('many.tar.gz', 'wb', compresslevel=1) as g:
    with tarfile.open(fileobj=g, mode='w|', format=tarfile.USTAR_FORMAT) as t:
        def add(name, data):
            ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 0
            t.addfile(ti, io.BytesIO(data))
        add('logs/00000-restore.log', b'[18:09:01.7655] Restore completed, status: 4013\n')
        filler = b'[18:09:01.7655] nothing to see here\n'
        for i in range(1, 100000):
            add('logs/%05d.log' % i, filler)
PY
run many --format json many.tar.gz
want_rc many 1
[ "$secs" -le 120 ] && ok || bad "many: took ${secs}s"
# Every member is read (the report may list only the first ones); none is cut by the limit.
want_jq many many.out '.reports[0].error_codes == [4013]'
grep -q 'LA106' many.err && bad "many: members cut by the limit" || ok
run many-limit --format json --limit members=1000 many.tar.gz
want_rc many-limit 1
# The warning names the member it stopped at and what was not read.
want_err many-limit \
  "many.tar.gz!/logs/01000.log: warning\[LA106\]: more than 1000 members.*not read: this member, the rest of many.tar.gz$"
want_jq many-limit many-limit.out '(.reports[0].members | length) == 1000'
# inspect lists all 100 000 members as they are read, in flat memory; so does the analysis.
"$exe" inspect --format json many.tar.gz > many-inspect.out 2>/dev/null
jq -e '(.members | length) == 100000 and .members[99999].path == "many.tar.gz!/logs/99999.log"' \
  many-inspect.out >/dev/null && ok || bad "many-inspect: not every member listed"
for cmd in "inspect -q" "--format json -q"; do
  rss=$(peak_rss "$exe" $cmd many.tar.gz)
  if [ -n "$rss" ]; then
    [ "$rss" -le 65536 ] && ok || bad "many ($cmd): peak RSS ${rss} KiB > 64 MiB"
  fi
done

# --- bytes the caps must see, skipped entries, stacked compressors, damage (issue 16) --------
# Each case is small and quick: bombs of 64 MiB against a lowered bytes cap.
python3 - <<'PY'
import gzip, io, lzma, tarfile, zipfile, zlib
log = b'[18:09:01.7655] Restore completed, status: 4013\n'

class Stream(io.RawIOBase):           # not seekable: zipfile writes each size after the data
    def __init__(self):
        self.b = bytearray()
    def writable(self):
        return True
    def write(self, x):
        self.b += x
        return len(x)

def dirzip(streamed):
    """A zip whose directory entry 'd/' carries 64 MiB, and a log."""
    f = Stream() if streamed else io.BytesIO()
    with zipfile.ZipFile(f, 'w', zipfile.ZIP_DEFLATED) as z:
        zi = zipfile.ZipInfo('d/')
        zi.compress_type = zipfile.ZIP_DEFLATED
        zi.external_attr = (0o40755 << 16) | 0x10
        with z.open(zi, 'w', force_zip64=True) as w:
            for _ in range(64):
                w.write(b'A' * (1 << 20))
        z.writestr('a.log', log)
    return bytes(f.b) if streamed else f.getvalue()

def tar(name, members, mode='w'):
    with tarfile.open(name, mode, format=tarfile.USTAR_FORMAT) as t:
        for n, d in members:
            ti = tarfile.TarInfo(n)
            if isinstance(d, tuple):
                ti.type, ti.linkname = d
                t.addfile(ti)
            else:
                ti.size = len(d)
                t.addfile(ti, io.BytesIO(d))

dd = dirzip(True)                     # length at end: libarchive inflates it to skip it
open('dd.zip', 'wb').write(dd)
with zipfile.ZipFile('dd-in.zip', 'w') as z:
    z.writestr('inner.zip', dd)
tar('dd-in.tar', [('inner.zip', dd)])
open('dd.zip.gz', 'wb').write(gzip.compress(dd))
tar('known-in.tar', [('inner.zip', dirzip(False))])   # sizes known: skipped without inflating
tar('appledouble.tar.gz', [('._big', b'\0' * (64 << 20)), ('a.log', log)], 'w:gz')
with zipfile.ZipFile('flood.zip', 'w') as z:
    z.writestr('a.log', log)
    for i in range(50000):
        z.writestr('__MACOSX/._x%05d' % i, b'')
with zipfile.ZipFile('small.zip', 'w') as z:
    z.writestr('a.log', log)
d = log
for _ in range(20):
    d = gzip.compress(d)
open('deep.log.gz', 'wb').write(d)
d = log
for _ in range(6):
    d = lzma.compress(d)
open('x6.log.xz', 'wb').write(d)

body = log + b''.join(b'[18:09:00.%04d] line %d of the first log\n' % (i % 10000, i)
                      for i in range(3000))
g = gzip.compress(body)
open('badcrc.log.gz', 'wb').write(g[:-8] + bytes([g[-8] ^ 0xff]) + g[-7:])
open('badlen.log.gz', 'wb').write(g[:-4] + bytes([g[-4] ^ 0x01]) + g[-3:])
b = io.BytesIO()
with tarfile.open(fileobj=b, mode='w', format=tarfile.USTAR_FORMAT) as t:
    for n, d in (('one.log', body), ('two.log', log), ('three.log', log)):
        ti = tarfile.TarInfo(n)
        ti.size = len(d)
        t.addfile(ti, io.BytesIO(d))
tb = b.getvalue()
c = zlib.compressobj(0, zlib.DEFLATED, 31)    # stored blocks: a flipped byte stays one byte
g = bytearray(c.compress(tb) + c.flush())
blocks, pos = [], 10
while True:                           # each stored block: a header byte, LEN, NLEN, data
    blocks.append(pos)
    if g[pos] & 1:
        break
    pos += 5 + (g[pos + 1] | g[pos + 2] << 8)
x = bytearray(g); x[blocks[0] + 5 + 2000] ^= 0x20         # one.log's text: only the CRC sees it
open('crc1.tar.gz', 'wb').write(x)
x = bytearray(g); x[blocks[1] + 3] ^= 0xff                 # inflate fails inside one.log
open('mid1.tar.gz', 'wb').write(x)
x = bytearray(tb); x[tb.find(b'two.log')] = ord('X')       # two.log's header checksum
open('hdr.tar.gz', 'wb').write(gzip.compress(bytes(x)))
tar('special.tar', [('ff', (tarfile.FIFOTYPE, '')), ('cc', (tarfile.CHRTYPE, '')),
                    ('ln', (tarfile.SYMTYPE, 'a.log')), ('a.log', log)])
PY
# A zip's directory entry that carries data, read as a stream (zip in zip, in a tar, .zip.gz,
# stdin): every byte libarchive inflates counts, so the bytes cap stops it, naming the entry.
for f in dd-in.zip dd-in.tar dd.zip.gz; do
  run "dirdata-$f" --format json --limit bytes=16777216 "$f" a.log
  want_rc "dirdata-$f" 1
  want_err "dirdata-$f" "^$f(!/inner.zip)?!/d/: warning\[LA107\]: .*not read: the rest of $f"
  want_jq "dirdata-$f" "dirdata-$f.out" '.reports[1].error_codes == [4013]'
  [ "$secs" -le 2 ] && ok || bad "dirdata-$f: took ${secs}s"
done
"$exe" --format json --limit bytes=16777216 - < dd.zip > dirdata-stdin.out 2> dirdata-stdin.err
want_err dirdata-stdin '^<stdin>!/d/: warning\[LA107\]'
# Sizes known: nothing is inflated; the entry is listed and its data named, the log read.
run dirdata-known --format json known-in.tar
want_rc dirdata-known 1
want_err dirdata-known "^known-in.tar!/inner.zip!/d/: warning\[LA113\]: a directory entry that carries 67108864 bytes"
want_jq dirdata-known dirdata-known.out '.reports[0].error_codes == [4013] and
  (.reports[0].members[] | select(.path == "known-in.tar!/inner.zip!/d/") | .status
   == "skipped: a directory that carries data")'
# A skipped AppleDouble file's bytes count too (a tar.gz inflates what libarchive skips).
run appledouble --format json --limit bytes=16777216 appledouble.tar.gz
want_err appledouble '^appledouble.tar.gz!/._big: warning\[LA107\]'
# 50 000 AppleDouble entries: each counts against the member cap, memory stays flat.
run flood --format json --limit members=1000 flood.zip
want_rc flood 1
want_err flood "^flood.zip!/__MACOSX/._x00999: warning\[LA106\]: more than 1000 members.*not read: this member, the rest of flood.zip$"
want_jq flood flood.out '.reports[0].error_codes == [4013] and (.reports[0].members | length) == 1000'
[ "$secs" -le 2 ] && ok || bad "flood: took ${secs}s"
rss0=$(peak_rss "$exe" --format json -q small.zip)
rss=$(peak_rss "$exe" --format json -q --limit members=1000 flood.zip)
if [ -n "$rss" ]; then
  [ "$rss" -le $((rss0 + 4096)) ] && ok || bad "flood: peak RSS ${rss} KiB, ${rss0} KiB for one member"
fi
run flood-all --format json flood.zip
want_jq flood-all flood-all.out '.reports[0].error_codes == [4013] and (.reports[0].members | length) == 5000'
grep -q 'LA106' flood-all.err && bad "flood-all: 50 001 entries hit the default member cap" || ok
# gzip inside gzip, 20 deep: each is a level of nesting, so the depth cap (4) stops it.
run deep --format json deep.log.gz a.log
want_rc deep 1
want_err deep "^deep.log.gz: warning\[LA105\]: .*nested deeper than 4 levels"
want_jq deep deep.out '.reports[0].members[0].status == "skipped: nesting deeper than the limit"
  and .reports[0].error_codes == [] and .reports[1].error_codes == [4013]'
run deep-19 --format json --limit depth=19 deep.log.gz
want_err deep-19 "warning\[LA105\]"
run deep-20 --format json --limit depth=20 deep.log.gz
want_jq deep-20 deep-20.out '.reports[0].error_codes == [4013]'
# Filters libarchive stacks in one handle (xz in xz …) count the same way.
run xz6 --format json x6.log.xz
want_err xz6 "^x6.log.xz: warning\[LA105\]: compressed 6 times over"
run xz6-read --format json --limit depth=6 x6.log.xz
want_jq xz6-read xz6-read.out '.reports[0].error_codes == [4013]'
# A gzip whose CRC or length does not match its trailer: damaged, not ok; its lines are kept.
for f in badcrc badlen; do
  run "$f" --format json "$f.log.gz" a.log
  want_rc "$f" 1
  want_jq "$f" "$f.out" '(.reports[0].members[0].status | startswith("error: damaged"))
    and .reports[0].members[0].lines == 3001 and .reports[0].error_codes == [4013]
    and .reports[1].error_codes == [4013]'
done
want_err badcrc '^badcrc.log.gz: warning\[LA104\]: damaged member: gzip data damaged \(CRC mismatch'
want_err badlen '^badlen.log.gz: warning\[LA104\]: damaged member: gzip data damaged \(length mismatch'
# tar.gz, a byte of one.log changed: only the gzip CRC at the end sees it.  Both members were
# read; the warning says they may hold damaged lines.
run crc1 --format json crc1.tar.gz
want_rc crc1 1
want_err crc1 '^crc1.tar.gz: warning\[LA103\]: gzip data damaged \(CRC mismatch.*the 3 members read from it may hold damaged lines'
want_jq crc1 crc1.out '[.reports[0].members[].status] == ["ok", "ok", "ok"]'
# tar.gz, inflate fails inside one.log: one.log is damaged and read up to the damage; two.log
# and three.log cannot be read (a deflate stream does not resume), and the warning says so.
run mid1 --format json mid1.tar.gz
want_rc mid1 1
want_err mid1 '^mid1.tar.gz!/one.log: warning\[LA104\]: damaged member: gzip data damaged'
want_err mid1 '^mid1.tar.gz: warning\[LA103\]: archive damaged after 1 member .*the rest of the archive could not be'
want_jq mid1 mid1.out '(.reports[0].members | length) == 1 and .reports[0].error_codes == [4013]
  and (.reports[0].members[0].status | startswith("error: damaged"))
  and .reports[0].members[0].lines > 1000'
# tar.gz, two.log's header damaged: libarchive skips to three.log; two.log is listed as lost.
run hdr --format json hdr.tar.gz
want_rc hdr 1
want_err hdr "^hdr.tar.gz: warning\[LA103\]: damaged header after the member 'one.log'.*'three.log'"
want_jq hdr hdr.out '[.reports[0].members[] | .path + " " + .status] == ["hdr.tar.gz!/one.log ok",
  "hdr.tar.gz!/(damaged header after one.log) error: damaged header, member not read",
  "hdr.tar.gz!/three.log ok"]'
# Entries that are not regular files are listed with the reason, never dropped silently.
run special --format json special.tar
want_rc special 1
want_err special '^special.tar!/ff: warning\[LA113\]: not a regular file \(fifo\)'
want_err special '^special.tar!/cc: warning\[LA113\]: not a regular file \(character device\)'
want_jq special special.out '[.reports[0].members[] | .path + " " + .status] == [
  "special.tar!/ff skipped: not a regular file (fifo)",
  "special.tar!/cc skipped: not a regular file (character device)",
  "special.tar!/ln skipped: symbolic link", "special.tar!/a.log ok"]'
# 7z a -si marks its member as a fifo: it holds the log, so it is read, with a note.
if command -v 7z >/dev/null; then
  printf '%s\n' "$log" | 7z a -si si.7z >/dev/null 2>&1
  run si7z --format json si.7z
  want_rc si7z 1
  want_err si7z 'si.7z!/[^:]*: note\[LA113\]: marked as a fifo'
  want_jq si7z si7z.out '.reports[0].error_codes == [4013] and .reports[0].members[0].status == "ok"'
fi

# --- 10 MB single line, NUL bytes, invalid UTF-8, UTF-16 without BOM --------------------------
python3 - <<'PY'
log = b'[18:09:01.7655] Restore completed, status: 4013\n'
open('long.log', 'wb').write(b'a' * (10 << 20) + b'\n' + log)
open('nul-head.log', 'wb').write(b'[18:09:00.0000] start\0\0\0 padding\n' + log)
open('nul-later.log', 'wb').write(b'[18:09:00.0000] start of a log\n' * 200 + b'x\0\0\0y\n' + log)
open('badutf8.log', 'wb').write(b'[18:09:00.0000] Caf\xe9 du p\xe8re \xff\xfe\n'
    b'[18:09:00.0100] \xc3\x28 \xed\xa0\x80 \xf8\x88\x80\x80\x80 bad sequences\n'
    + b'[18:09:00.0200] an ordinary line\n' * 20 + log)
open('utf16.log', 'wb').write(('hello from a pasted log\n' + log.decode()).encode('utf-16-le'))
PY
run long --format json long.log b.log
want_rc long 1
want_err long "long.log: warning\[LA109\]: 1 line longer"
want_jq long long.out '.reports[0].error_codes == [4013] and .reports[1].error_codes == [4013]'
run nul-later --format json nul-later.log
want_rc nul-later 1
want_jq nul-later nul-later.out '.reports[0].error_codes == [4013]'
run nul-head --format json nul-head.log b.log
want_jq nul-head nul-head.out '.reports[1].error_codes == [4013]'
want_jq nul-head-read nul-head.out '.reports[0].error_codes == [4013]'
run badutf8 --format json badutf8.log
want_rc badutf8 1
want_jq badutf8 badutf8.out '.reports[0].error_codes == [4013]'
run utf16 --format json utf16.log
want_rc utf16 1
want_jq utf16 utf16.out \
  '.reports[0].error_codes == [4013] and .reports[0].members[0].format != "binary"'

# --- a directory where a file is expected -----------------------------------------------------
mkdir adir
run dir-o -o adir a.log
want_rc dir-o 2
want_err dir-o "adir: error\[LA301\]"
run dir-format --format text --format json:adir a.log
want_rc dir-format 2
want_err dir-format "adir: error\[LA301\]"
grep -q 4013 dir-format.out && ok || bad "dir-format: the text report on stdout is missing"

# --- rules: invalid YAML, catastrophic regex, 1 MB rule file ----------------------------------
printf 'rules:\n  - id: x\n    title: [unclosed\n' > badyaml.yaml
run badyaml --rules badyaml.yaml a.log
want_rc badyaml 2
want_err badyaml "badyaml.yaml:[0-9]+:[0-9]+: error\[LA200\]"
cat > slow.yaml <<'YAML'
rules:
  - id: test.catastrophic
    title: a pattern with catastrophic backtracking
    cause: usb-link
    match:
      x: {re: 'boom (a+)+$'}
      condition: x
    samples: ["boom aaaa"]
    not: ["boom b"]
YAML
{ printf 'boom %s!\n' aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
  printf '%s\n' "$log"; } > slow.log
run slow --format json --rules slow.yaml slow.log
want_rc slow 1
want_err slow "warning\[LA215\]: rule 'test.catastrophic'"
[ "$secs" -le 30 ] && ok || bad "slow: took ${secs}s"
want_jq slow slow.out '.reports[0].error_codes == [4013]'
python3 - <<'PY'
parts, i = ['rules:\n'], 0
while sum(map(len, parts)) < 1 << 20:
    parts.append(f'''  - id: big.rule-{i}
    title: generated rule {i}
    cause: usb-link
    weight: 0.1
    match:
      x: {{contains: "generated marker {i} "}}
      y: {{re: 'marker {i} (?<n>[0-9]+)'}}
      condition: x or y
    samples: ["generated marker {i} 1"]
    not: ["nothing here"]
''')
    i += 1
open('big.yaml', 'w').write(''.join(parts))
PY
run bigrules --format json --rules big.yaml a.log
want_rc bigrules 1
[ "$secs" -le 60 ] && ok || bad "bigrules: took ${secs}s"
want_jq bigrules bigrules.out '.ruleset.rules > 3000 and .reports[0].error_codes == [4013]'

# --- .ips: broken JSON, 200 MB ----------------------------------------------------------------
python3 - <<'PY'
hdr = ('{"bug_type":"210","timestamp":"2026-02-21 08:17:44.00 +0100",'
       '"os_version":"iPhone OS 17.6.1 (21G93)"}\n')
open('broken.ips', 'w').write(hdr + '{\n  "product" : "iPhone11,6",\n'
    '  "panicString" : "panic(cpu 1 caller 0xfffffff0): unterminated\n{{{\n')
with open('huge.ips', 'w') as f:                 # 200 MB, pretty-printed like a real one
    f.write(hdr + '{\n  "product" : "iPhone11,6",\n  "processByPid" : {\n')
    line = ('    "%d" : {"procname" : "kernel_task", '
            '"threadById" : {"1" : {"kernelFrames" : [[0,1],[0,2],[0,3]]}}},\n')
    n = size = 0
    while size < 200 << 20:
        s = line % n; f.write(s); size += len(s); n += 1
    f.write('    "0" : {}\n  }\n}\n')
PY
run ips-broken --format json broken.ips a.log
want_rc ips-broken 1
want_jq ips-broken ips-broken.out \
  '.reports[0].members[0].format == "ips-panic" and .reports[1].error_codes == [4013]'
want_err ips-broken "broken.ips:1: warning\[LA115\]"
run ips-huge --format json huge.ips
[ "$rc" -le 1 ] && ok || bad "ips-huge: exit $rc"
[ "$secs" -le 120 ] && ok || bad "ips-huge: took ${secs}s"
rss=$(peak_rss "$exe" --format json huge.ips)
if [ -n "$rss" ]; then
  [ "$rss" -le 65536 ] && ok || bad "ips-huge: peak RSS ${rss} KiB > 64 MiB"
fi
rm -f huge.ips
python3 - <<'PY'
hdr = '{"bug_type":"210","timestamp":"2026-02-21 08:17:44.00 +0100"}\n'
with open('huge1.ips', 'w') as f:                # 200 MB on one line: past the .ips cap
    f.write(hdr + '{"product":"iPhone11,6","pad":"')
    blk = 'x' * (1 << 20)
    for _ in range(200):
        f.write(blk)
    f.write('"}\n')
PY
run ips-line --format json huge1.ips a.log
want_rc ips-line 1
want_err ips-line "huge1.ips: warning\[LA1(09|14)\]"
want_jq ips-line ips-line.out '.reports[1].error_codes == [4013]'
rss=$(peak_rss "$exe" --format json huge1.ips)
if [ -n "$rss" ]; then
  [ "$rss" -le 524288 ] && ok || bad "ips-line: peak RSS ${rss} KiB > 512 MiB"
  [ "$rss" -le 65536 ] && ok || bad "ips-line: peak RSS ${rss} KiB > 64 MiB"
fi
rm -f huge1.ips

# --- a hostile log line in every report format --------------------------------------------------
mkdir ev
f='ev/evil<script>]]>::error::name.log'
H=$(printf '<script>alert(1)</script> ]]> \033[31mRED\033[0m ::error::forged %%0A::warning::x')
{ printf '[18:09:00.1000] Device disconnected during transition %s\n' "$H"
  printf '::error file=a,line=1::forged at line start\n'
  printf '[18:09:01.7655] Restore completed, status: 4013 %s\n' "$H"
  printf '<script>alert(2)</script>\n'; } > "$f"
run hostile --format text:o.txt --format json:o.json --format ndjson:o.ndjson \
  --format markdown:o.md --format html:o.html --format junit:o.xml --format sarif:o.sarif \
  --format github:o.gh "$f"
want_rc hostile 1
for o in o.txt o.json o.ndjson o.md o.html o.xml o.sarif o.gh; do
  [ -s $o ] || bad "hostile: $o is empty"
  grep -q "$(printf '\033')" $o && bad "hostile: $o holds an ESC byte"
done
grep -qi '<script' o.html && bad "hostile: html holds a raw <script"
grep -q 'evil&lt;script&gt;' o.html && ok || bad "hostile: html lacks the escaped name"
xmllint --noout o.xml 2>xml.err && ok ||
  { bad "hostile: junit is not well-formed"; head -3 xml.err; }
xmllint --html --noout o.html 2>&1 | grep 'HTML parser error' | grep -v 'Tag [a-z]* invalid' > html.err
[ -s html.err ] && { bad "hostile: html does not parse"; head -3 html.err; } || ok
jq -e . o.json >/dev/null && ok || bad "hostile: json does not parse"
jq -e . o.sarif >/dev/null && ok || bad "hostile: sarif does not parse"
jq -es 'length >= 1' o.ndjson >/dev/null && ok || bad "hostile: ndjson does not parse"
jq -e '.reports[0].error_codes == [4013]' o.json >/dev/null && ok || bad "hostile: no 4013"
# github: only loganalyze's own annotations start a line, none is forged from the log
grep '^::' o.gh | grep -Ev '^::(error|warning|notice) file=ev/evil' > gh.bad
[ -s gh.bad ] && { bad "hostile: github line not from loganalyze"; head -3 gh.bad; } || ok
grep -Eq '^::(error|warning|notice) ' o.gh && ok || bad "hostile: no github annotation"
grep -Eq '^(::error file=a|::warning::x)' o.gh && bad "hostile: forged github command"
grep -q '\]\]>' o.xml && bad "hostile: raw ]]> in junit"
grep -q '^<script' o.md && bad "hostile: raw <script> opens a markdown line"

# --- text that is not UTF-8, cut inside a character, foreign member names ----------------------
# Every output must be valid UTF-8 (bad bytes U+FFFD, cuts on character boundaries, zip names
# without the UTF-8 flag read as CP437), in all eight formats of one run, each valid for its
# validator; inspect lists the members.  (Before: json, ndjson and sarif printed nothing, exit 2.)
python3 - <<'PY'
import io, tarfile, zipfile
log = b'[18:09:01.7655] Restore completed, status: 4013\n'
ev = b'[18:09:00.1000] Device disconnected during transition '
open('u-latin1.log', 'wb').write(ev + b'Caf\xe9 du p\xe8re \xff\n' + log)
# 3-byte characters after a 54-byte prefix: the 400-byte evidence cap falls inside one
# ("、", not the full-width comma "，", which normalisation makes ASCII)
open('u-cjk.log', 'wb').write(ev + '设备连接失败、请检查数据线。'.encode() * 40 + b'\n' + log)
class CP437(zipfile.ZipInfo):            # what Windows Explorer writes: CP437, bit 11 clear
    def _encodeFilenameFlags(self):
        return self.filename.encode('cp437'), self.flag_bits & ~0x800
with zipfile.ZipFile('u-cp437.zip', 'w') as z:
    z.writestr(CP437('Protokoll-Gerät/résumé ½.log'), log)
    z.writestr(CP437('Ünïcödé.txt'), b'nothing here\n')
with zipfile.ZipFile('u-utf8.zip', 'w') as z:   # python sets bit 11 for non-ASCII names
    z.writestr('日志/恢复.log', log)
    z.writestr('Ελληνικά/ρ.txt', b'nothing here\n')
with tarfile.open('u-latin1.tar', 'w', format=tarfile.USTAR_FORMAT, encoding='latin-1') as t:
    ti = tarfile.TarInfo('caf\xe9.log'); ti.size = len(log); t.addfile(ti, io.BytesIO(log))
open(b'u-stray\xff.log', 'wb').write(log)
PY
is_utf8() { python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$1" 2>/dev/null; }
# all_formats NAME INPUT...: the eight formats in one run, each validated, all valid UTF-8
all_formats() {
  n=$1; shift
  run "$n" --format text:$n.txt --format json:$n.json --format ndjson:$n.ndjson \
    --format markdown:$n.md --format html:$n.html --format junit:$n.xml \
    --format sarif:$n.sarif --format github:$n.gh "$@"
  want_rc "$n" 1
  for o in $n.txt $n.json $n.ndjson $n.md $n.html $n.xml $n.sarif $n.gh; do
    [ -s $o ] || bad "$n: $o is empty"
    is_utf8 $o && ok || bad "$n: $o is not valid UTF-8"
  done
  is_utf8 $n.err && ok || bad "$n: stderr is not valid UTF-8"
  jq -e '.reports[0].error_codes == [4013]' $n.json >/dev/null && ok || bad "$n: json"
  jq -es 'length >= 2 and .[0].report.error_codes == [4013]' $n.ndjson >/dev/null && ok ||
    bad "$n: ndjson"
  jq -e '.runs[0].results | length > 0' $n.sarif >/dev/null && ok || bad "$n: sarif"
  xmllint --noout $n.xml 2>/dev/null && ok || bad "$n: junit is not well-formed"
  xmllint --noout $n.html 2>/dev/null && ok || bad "$n: html is not well-formed XML"
}
U=$(printf '\357\277\275')                 # U+FFFD as bytes, for grep
all_formats u-latin1 u-latin1.log
want_jq u-latin1-text u-latin1.json \
  '.reports[0].causes[0].evidence[0].text | endswith("Caf\ufffd du p\ufffdre \ufffd")'
grep -q "Caf${U} du p${U}re" u-latin1.txt && ok || bad "u-latin1: text lacks the line"
all_formats u-cjk u-cjk.log
# the cap (400 bytes) falls inside a character: 54 + 3 * 115 = 399 bytes kept, no piece of one
want_jq u-cjk-cut u-cjk.json '.reports[0].causes[0].evidence[0].text |
  utf8bytelength == 399 and (test("\ufffd") | not) and endswith("设备连")'
all_formats u-cp437 u-cp437.zip
want_jq u-cp437-names u-cp437.json '[.reports[0].members[].path] ==
  ["u-cp437.zip!/Protokoll-Gerät/résumé ½.log", "u-cp437.zip!/Ünïcödé.txt"]'
grep -q 'LA103' u-cp437.err && bad "u-cp437: a damaged warning for CP437 names" || ok
all_formats u-utf8 u-utf8.zip
want_jq u-utf8-names u-utf8.json '[.reports[0].members[].path] ==
  ["u-utf8.zip!/日志/恢复.log", "u-utf8.zip!/Ελληνικά/ρ.txt"]'
# Non-ASCII UTF-8 names are not damage: no warning at all, none in the report.
[ -s u-utf8.err ] && { bad "u-utf8: warnings for UTF-8 names"; head -3 u-utf8.err; } || ok
want_jq u-utf8-warn u-utf8.json '.reports[0].warnings == []'
all_formats u-latin1-tar u-latin1.tar
want_jq u-latin1-tar-name u-latin1-tar.json \
  '.reports[0].members[0].path == "u-latin1.tar!/caf\ufffd.log"'
stray=$(printf 'u-stray\377.log')
all_formats u-stray "$stray"
want_jq u-stray-name u-stray.json '.reports[0].input == "u-stray\ufffd.log"'
# All of them in one run: one report each, every format written.
all_formats u-all u-latin1.log u-cjk.log u-cp437.zip u-utf8.zip u-latin1.tar "$stray"
want_jq u-all-n u-all.json '(.reports | length) == 6'
# inspect --format json lists every member, as valid UTF-8; the table shows the names.
"$exe" inspect --format json u-cp437.zip u-utf8.zip u-latin1.tar "$stray" > u-inspect.json \
  2>u-inspect.err
want_jq u-inspect u-inspect.json '[.members[].path] == [
  "u-cp437.zip!/Protokoll-Gerät/résumé ½.log", "u-cp437.zip!/Ünïcödé.txt",
  "u-utf8.zip!/日志/恢复.log", "u-utf8.zip!/Ελληνικά/ρ.txt", "u-latin1.tar!/caf\ufffd.log",
  "u-stray\ufffd.log"]'
"$exe" inspect u-cp437.zip u-latin1.tar "$stray" > u-inspect.txt 2>&1
is_utf8 u-inspect.txt && ok || bad "u-inspect: the table is not valid UTF-8"
grep -q 'résumé ½.log' u-inspect.txt && ok || bad "u-inspect: table lacks the CP437 name"

# --- one output that cannot be written: said why, and the others are still written -------------
run multi-fail --format json:nodir/x.json --format html:mf.html --format junit:mf.xml \
  --format sarif:mf.sarif u-latin1.log
want_rc multi-fail 2
want_err multi-fail "nodir/x.json: error\[LA301\]: cannot write the json report: No such file"
for o in mf.html mf.xml mf.sarif; do [ -s $o ] && ok || bad "multi-fail: $o not written"; done
jq -e '.runs[0].results | length > 0' mf.sarif >/dev/null 2>&1 && ok || bad "multi-fail: sarif"
xmllint --noout mf.xml 2>/dev/null && ok || bad "multi-fail: junit"
if [ -w /dev/full ]; then
  run multi-full --format json:/dev/full --format sarif:mf2.sarif u-latin1.log
  want_rc multi-full 2
  want_err multi-full "/dev/full: error\[LA301\]: cannot write the json report: No space"
  [ -s mf2.sarif ] && ok || bad "multi-full: sarif not written"
fi

# --- member names and arguments that would drive a terminal or forge lines ---------------------
python3 - <<'PY'
import zipfile
log = b'[18:09:01.7655] Restore completed, status: 4013\n'
with zipfile.ZipFile('esc.zip', 'w') as z:
    z.writestr('a\x1b[31mred\x1b[0m.log', log)
    z.writestr('b\n::error file=x,line=1::forged\nc.log', b'x' * 300 + b'\n' + log)
    z.writestr('d\x9b2J\x7f\x1b]0;title\x07.log', log)
PY
ESC=$(printf '\033')
"$exe" inspect esc.zip > esc-inspect.txt 2>&1
grep -q "$ESC" esc-inspect.txt && bad "esc: inspect prints an ESC byte" || ok
grep -q '^::' esc-inspect.txt && bad "esc: inspect forges a ::error line" || ok
[ "$(wc -l < esc-inspect.txt)" -eq 4 ] && ok || bad "esc: a name forged a row of inspect's table"
grep -Fq 'esc.zip!/a^[[31mred^[[0m.log' esc-inspect.txt && ok || bad "esc: ESC not shown as ^["
grep -Fq 'esc.zip!/b\x0a::error file=x,line=1::forged\x0ac.log' esc-inspect.txt && ok ||
  bad "esc: a newline in a name not shown as \\x0a"
grep -Fq 'esc.zip!/d\x9b2J\x7f^[]0;title\x07.log' esc-inspect.txt && ok ||
  bad "esc: C1, DEL or BEL in a name not escaped"
# a warning that names the member (an over-long line in it), on stderr
run esc-warn --format json --limit line=100 esc.zip
grep -q "$ESC" esc-warn.err && bad "esc: a warning prints an ESC byte" || ok
grep -q '^::' esc-warn.err && bad "esc: a warning forges a ::error line" || ok
grep -Fq 'esc.zip!/b\x0a::error file=x,line=1::forged\x0ac.log: warning[LA109]' esc-warn.err &&
  ok || { bad "esc: the warning does not show the name escaped"; head -3 esc-warn.err; }
[ "$(wc -l < esc-warn.err)" -eq 1 ] && ok || bad "esc: the warning took more than one line"
# the progress bar, on a terminal (script(1) gives one), never prints an input's name: a name
# with ESC and a newline can neither colour the terminal nor forge a ::error line
if command -v script >/dev/null; then
  cp esc.zip "$(printf 'p\033[31mred\n::error::x.zip')"
  LA_EXE=$exe script -qec 'env -u LOGANALYZE_NO_PROGRESS "$LA_EXE" --format json -o /dev/null \
    p*.zip' /dev/null > esc-progress.txt 2>&1
  grep -q "$ESC\[31m" esc-progress.txt && bad "esc: the progress line prints ESC [31m" || ok
  grep -q '::error::x' esc-progress.txt && bad "esc: the progress line prints the name" || ok
  grep -q '1 file, ' esc-progress.txt && ok || bad "esc: no progress bar was drawn"
fi
# explain refuses an unknown code (exit 2, one line) and echoes the argument escaped: no ESC
# byte, no forged ::error line, a Latin-1 byte as U+FFFD
run esc-explain explain "$(printf '\033[31mfoo\n::error::x')"
want_rc esc-explain 2
grep -q "$ESC" esc-explain.err && bad "esc: explain prints an ESC byte" || ok
grep -q '^::' esc-explain.err && bad "esc: explain forges a ::error line" || ok
grep -Fq "unknown error code '^[[31mfoo\x0a::error::x'" esc-explain.err && ok ||
  bad "esc: explain does not show the argument escaped"
run esc-explain-json explain --format json "$(printf 'caf\351 \033x')"
want_rc esc-explain-json 2
python3 -c 'import sys; sys.exit(0 if "caf\ufffd ^[x" in open(sys.argv[1], "rb").read().decode("utf-8") else 1)' \
  esc-explain-json.err && ok || bad "esc: explain's error is not valid UTF-8 with U+FFFD"

# --- serve: the same inputs are analysed, not answered with 500 --------------------------------
if command -v curl >/dev/null; then
  "$exe" serve --listen 127.0.0.1:0 --port-file port.txt >serve.log 2>&1 &
  spid=$!
  for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s port.txt ] && break; sleep 0.5; done
  host=$(cat port.txt 2>/dev/null)
  tok=$(curl -s "http://$host/" | sed -n 's/.*name="la-token" content="\([0-9a-f]*\)".*/\1/p')
  for f in u-latin1.log u-cjk.log u-cp437.zip u-latin1.tar esc.zip; do
    code=$(curl -s -o serve.json -w '%{http_code}' -H "X-LA-Token: $tok" -F "file=@$f" \
      "http://$host/analyze")
    [ "$code" = 200 ] && jq -e '.ok == true and .outcome == "failed"' serve.json >/dev/null &&
      ok || bad "serve $f: HTTP $code $(head -c 200 serve.json)"
  done
  curl -s -o serve.html "http://$host$(jq -r .report serve.json)"
  is_utf8 serve.html && grep -q 'esc.zip' serve.html && ok ||
    bad "serve: the stored report is missing or not valid UTF-8"
  kill "$spid"; wait "$spid" 2>/dev/null
fi

echo "$pass passed, $fail failed, $xfail known gaps (xfail)"
[ "$fail" -eq 0 ]
