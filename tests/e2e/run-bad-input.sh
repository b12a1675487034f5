#!/bin/sh
# Bad input matrix: each case checks the exit code and that the message names the path.
# Fixtures are generated into a temporary folder (needs gzip, tar, python3; zip for the zip cases).
exe=$1
t=$(mktemp -d) || exit 1
trap 'chmod -R u+rwx "$t"; rm -rf "$t"' EXIT
pass=0 fail=0

check() { # name want_rc want_stderr_regex cmd...
  name=$1 want=$2 re=$3; shift 3
  "$@" >"$t/out" 2>"$t/err"; rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL $name: exit $rc, want $want"; sed 's/^/  | /' "$t/err" | head -5; fail=$((fail + 1)); return
  fi
  if [ -n "$re" ] && ! grep -Eq -- "$re" "$t/err"; then
    echo "FAIL $name: stderr lacks /$re/"; sed 's/^/  | /' "$t/err" | head -5; fail=$((fail + 1)); return
  fi
  pass=$((pass + 1))
}

log='[18:09:01.7655] Restore completed, status: 4013'
printf '%s\n' "$log" > "$t/a.log"
check missing-file 2 "$t/nope.log: error\[LA101\]: cannot open" "$exe" "$t/nope.log"
: > "$t/empty.log"
check empty-file 0 "empty.log: warning\[LA112\]" "$exe" --fail-on never "$t/empty.log"
head -c 4096 /dev/urandom > "$t/junk.bin"
check binary-junk 0 "" "$exe" --fail-on never "$t/junk.bin"
"$exe" --format json --fail-on never "$t/junk.bin" 2>/dev/null | grep -q '"status": "skipped: binary' \
  && pass=$((pass + 1)) || { echo "FAIL binary-junk: not listed as skipped"; fail=$((fail + 1)); }
# Truncated gzip: what was read before the damage is still analysed.
seq 1 20000 | sed 's/^/line /' > "$t/big.log"; printf '%s\n' "$log" >> "$t/big.log"
printf '%s\n' "$log" | cat - "$t/big.log" | gzip -c > "$t/full.gz"
head -c 20000 "$t/full.gz" > "$t/trunc.log.gz"
check truncated-gz 1 "trunc.log.gz: warning\[LA104\]" "$exe" "$t/trunc.log.gz"
# Tar corrupted mid-way: the first member still counts.
mkdir "$t/tree"; printf '%s\n' "$log" > "$t/tree/first.log"; head -c 200000 /dev/urandom | base64 > "$t/tree/second.log"
tar -C "$t/tree" -cf "$t/x.tar" first.log second.log
head -c 30000 "$t/x.tar" > "$t/cut.tar"
check tar-cut 1 "cut.tar.*(damaged|LA10[34])" "$exe" "$t/cut.tar"
# Nesting deeper than the cap.
mkdir "$t/nest"; gzip -c "$t/a.log" > "$t/nest/inner.log.gz"; tar -C "$t/nest" -cf "$t/outer.tar" inner.log.gz
check depth-limit 0 "outer.tar!/inner.log.gz: warning\[LA105\]" "$exe" --fail-on never --limit depth=1 "$t/outer.tar"
check depth-ok 1 "" "$exe" "$t/outer.tar"
# Directory loop.
mkdir -p "$t/loop/sub"; ln -s .. "$t/loop/sub/up"; printf '%s\n' "$log" > "$t/loop/sub/x.log"
check dir-loop 1 "warning\[LA110\]" "$exe" "$t/loop"
# Symlinks in a folder lead only inside it: links out of it (a system file, a folder, a
# credentials file beside the folder) are listed as skipped and their text never read; a link
# that resolves inside the folder is read.
mkdir -p "$t/links/sub" "$t/beside"; printf '%s\n' "$log" > "$t/links/a.log"
printf 'aws_secret_access_key = OUTSIDE-SECRET-1234\n' > "$t/beside/credentials"
printf 'not the restore log\n' > "$t/links/sub/real.log"
ln -s /etc/passwd "$t/links/passwd.log"; ln -s /etc "$t/links/etc"
ln -s ../beside/credentials "$t/links/creds.log"; ln -s "$t/beside" "$t/links/sub/out"
ln -s real.log "$t/links/sub/in.log"; ln -s ../links/sub "$t/links/sub2"
check symlink-outside 1 "links/creds.log: warning\[LA120\]: symbolic link to outside the folder" \
  "$exe" --format json -o "$t/links.json" "$t/links"
# status: the status of a member of links.json, by its path under $t/links
status() { python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(m["status"] for m in d["reports"][0]["members"] if m["path"] == sys.argv[2]))' \
  "$t/links.json" "$t/links/$1" 2>/dev/null; }
for link in passwd.log etc creds.log sub/out sub2/out; do
  [ "$(status $link)" = "skipped: symbolic link outside the folder" ] && pass=$((pass + 1)) \
    || { echo "FAIL symlink-outside: $link is '$(status $link)'"; fail=$((fail + 1)); }
done
if [ -s "$t/links.json" ] && ! grep -q 'OUTSIDE-SECRET\|root:x:0:0' "$t/links.json"; then
  pass=$((pass + 1))
else echo "FAIL symlink-outside: no report, or text from outside the folder in it"; fail=$((fail + 1)); fi
for link in sub/in.log sub2/real.log; do
  [ "$(status $link)" = ok ] && pass=$((pass + 1)) \
    || { echo "FAIL symlink-inside: $link is '$(status $link)'"; fail=$((fail + 1)); }
done
# A tar's symlink and hard-link entries are never followed on disk (nothing is extracted).
mkdir "$t/tl"; printf '%s\n' "$log" > "$t/tl/a.log"; ln -s /etc/passwd "$t/tl/pw.log"
ln -s "$t/beside/credentials" "$t/tl/creds.log"
tar -C "$t/tl" -cf "$t/links.tar" a.log pw.log creds.log
check tar-symlink 1 "" "$exe" --format json -o "$t/tar.json" "$t/links.tar"
if [ -s "$t/tar.json" ] && ! grep -q 'OUTSIDE-SECRET\|root:x:0:0' "$t/tar.json"; then
  pass=$((pass + 1))
else echo "FAIL tar-symlink: no report, or a tar's link was followed"; fail=$((fail + 1)); fi
# Unreadable files: one inside a folder is a warning and the rest is analysed; one given
# directly is exit 2.  Root reads everything, so as root the checks run as user nobody.
mkdir "$t/perm"; printf '%s\n' "$log" > "$t/perm/ok.log"; printf 'x\n' > "$t/perm/no.log"; chmod 000 "$t/perm/no.log"
as=""
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  chmod 755 "$t"; chmod 755 "$t/perm"; chmod 644 "$t/perm/ok.log"
  as="setpriv --reuid=65534 --regid=65534 --clear-groups"
  # The checkout may sit where nobody cannot reach the binary or the data: then skip.
  $as "$exe" --version >/dev/null 2>&1 && $as "$exe" -q --exit-zero "$t/perm/ok.log" >/dev/null 2>&1 \
    || { echo "note: user nobody cannot run $exe here; unreadable-file checks skipped"; as=""; }
fi
if [ "$(id -u)" != 0 ] || [ -n "$as" ]; then
  check unreadable 1 "no.log: warning\[LA101\]" $as "$exe" "$t/perm"
  check unreadable-input 2 "no.log: error\[LA101\]: cannot open: Permission denied" $as "$exe" "$t/perm/no.log"
fi
# Invalid rules: exit 2 with a positioned diagnostic.
printf 'rules:\n  - id: Bad Id\n' > "$t/bad.yaml"
check invalid-rules 2 "bad.yaml:2:[0-9]+: error\[LA210\]" "$exe" --rules "$t/bad.yaml" "$t/a.log"
# Zip cases.
if command -v zip >/dev/null; then
  (cd "$t" && zip -q -P secret enc.zip a.log)
  check encrypted-zip 2 "enc.zip!/a.log: warning\[LA111\]" "$exe" "$t/enc.zip"
  (cd "$t" && zip -q plain.zip a.log big.log)
  check zip-ok 1 "" "$exe" "$t/plain.zip"
fi
# 7z (needs seeking: read from the file itself) and a zip whose central directory is cut off.
if command -v 7z >/dev/null; then
  (cd "$t/tree" && 7z a -bd -bso0 ../x.7z first.log second.log)
  check 7z 1 "" "$exe" "$t/x.7z"
  "$exe" inspect --format json "$t/x.7z" 2>/dev/null | grep -q 'x.7z!/first.log' \
    && pass=$((pass + 1)) || { echo "FAIL 7z: member not listed"; fail=$((fail + 1)); }
fi
if command -v zip >/dev/null; then
  (cd "$t" && zip -q cd.zip a.log big.log)
  size=$(wc -c < "$t/cd.zip"); head -c $((size - 30)) "$t/cd.zip" > "$t/cut-cd.zip"
  check zip-bad-central-directory 1 "" "$exe" "$t/cut-cd.zip"
fi
# Overlong line: truncated, counted, reported.
{ head -c 200000 /dev/zero | tr '\0' 'a'; echo; printf '%s\n' "$log"; } > "$t/long.log"
check long-line 1 "long.log: warning\[LA109\]: 1 line longer" "$exe" "$t/long.log"
# Usage errors.
check usage-format 2 "unknown report format" "$exe" --format nope "$t/a.log"
check usage-noinput 2 "no input given" "$exe"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
