#!/bin/sh
# Build the samples that are made from other files, byte for byte reproducibly:
#   sysdiagnose_..._20H240.tar.gz      from src/sysdiagnose_..._20H240/
#   two-attempts-cables.zip            from src/two-attempts-cables/
#   pasted-forum-utf16.txt             from src/pasted-forum-utf16/pasted-forum-utf16.txt (UTF-8)
#   wrapped-mail-configurator-4014.txt from configurator-4014-dfu.log (host_samples.py)
#   wrapped-console-unified-4005.txt   from unified-log-4005.log (device_samples.py)
# Their expectations (*.expect.json) and the sources are written by the Python generators:
# run device_samples.py and host_samples.py first.
#
#   sh samples/tools/build-archives.sh           rewrite the files in samples/
#   sh samples/tools/build-archives.sh --check   build into a temporary folder and compare
#                                                with the committed files: exit 1 and show
#                                                what differs
#
# Deterministic: the sources are copied to a temporary folder with fixed modes (644/755) and
# mtimes (@0, TZ=UTC), so the checkout's do not matter; tar sorts names and writes owner 0,
# group 0, mtime 0; gzip -n writes no name or time; zip -X writes no extra fields (uid/gid,
# extended timestamps) and gets the names sorted. Needs GNU tar, gzip, Info-ZIP zip, iconv,
# fold.
set -eu

SAMPLES=$(cd "$(dirname "$0")/.." && pwd)
export TZ=UTC LC_ALL=C
umask 022

check=0
case "${1-}" in
    --check) check=1 ;;
    '') ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

SD=sysdiagnose_2026.03.14_10-22-41-0700_iPhone-OS_iPhone_20H240
BUILT="$SD.tar.gz two-attempts-cables.zip pasted-forum-utf16.txt
wrapped-mail-configurator-4014.txt wrapped-console-unified-4005.txt"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
cp -R "$SAMPLES/src" "$work/src"
find "$work/src" -type d -exec chmod 755 {} +
find "$work/src" -type f -exec chmod 644 {} +
find "$work/src" -exec touch -h -d @0 {} +
out=$work/out
mkdir "$out"

# 6. sysdiagnose tar.gz: one top folder with the archive's name
tar -C "$work/src" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu \
    -cf - "$SD" | gzip -n -9 > "$out/$SD.tar.gz"

# 7. repair-shop zip: the folder's content at the root of the zip, no directory entries
(
    cd "$work/src/two-attempts-cables"
    find . -type f | sed 's|^\./||' | sort | zip -X -q -D "$out/two-attempts-cables.zip" -@
)

# 13. Notepad-style UTF-16LE with BOM (the source already has CRLF line ends)
printf '\377\376' > "$out/pasted-forum-utf16.txt"
iconv -f UTF-8 -t UTF-16LE "$work/src/pasted-forum-utf16/pasted-forum-utf16.txt" >> "$out/pasted-forum-utf16.txt"

# 14-15. Hard-wrapped pastes of two logs: quoted in an e-mail reply, cut at words to 72 columns;
# and copied from an 80-column console window, cut inside words.
fold -s -w 72 "$SAMPLES/configurator-4014-dfu.log" | sed 's/^/> /' > "$out/wrapped-mail-configurator-4014.txt"
fold -w 80 "$SAMPLES/unified-log-4005.log" > "$out/wrapped-console-unified-4005.txt"

if [ "$check" = 0 ]; then
    for f in $BUILT; do cp "$out/$f" "$SAMPLES/$f"; done
    exit 0
fi

# --check: every file byte for byte; for an archive that differs, also which members differ.
members() {   # the archive's member names and contents, one "sha256  name" line each
    rm -rf "$work/x"; mkdir "$work/x"
    case "$1" in
        *.tar.gz) tar -C "$work/x" -xzf "$1" ;;
        *.zip) (cd "$work/x" && unzip -q "$1") ;;
    esac
    (cd "$work/x" && find . -type f | sort | sed 's|^\./||' | while IFS= read -r m; do
        printf '%s  %s\n' "$(sha256sum < "$m" | cut -d' ' -f1)" "$m"; done)
}
bad=0
for f in $BUILT; do
    if cmp -s "$SAMPLES/$f" "$out/$f"; then continue; fi
    bad=$((bad + 1))
    echo "$f: differs from the committed file"
    case "$f" in
        *.tar.gz|*.zip)
            members "$SAMPLES/$f" > "$work/want"
            members "$out/$f" > "$work/got"
            if diff -u "$work/want" "$work/got"; then
                echo "$f: same members and contents; only the archive's bytes differ (tar/gzip/zip version?)"
            fi ;;
        *) diff -u "$SAMPLES/$f" "$out/$f" | head -n 200 || true ;;
    esac
done
if [ "$bad" != 0 ]; then
    echo "build-archives.sh --check: $bad of 5 files differ from the committed samples"
    exit 1
fi
echo "build-archives.sh --check: 5 files reproduced byte for byte"
