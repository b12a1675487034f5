#!/bin/sh
# Build the binary samples from their sources, byte for byte reproducibly:
#   samples/sysdiagnose_..._20H240.tar.gz  from samples/src/sysdiagnose_..._20H240/
#   samples/two-attempts-cables.zip        from samples/src/two-attempts-cables/
#   samples/pasted-forum-utf16.txt         from samples/src/pasted-forum-utf16/pasted-forum-utf16.txt (UTF-8)
# Needs GNU tar, gzip, Info-ZIP zip, iconv. Run samples/tools/device_samples.py first to (re)write the sources.
set -eu

SAMPLES=$(cd "$(dirname "$0")/.." && pwd)
cd "$SAMPLES"
export TZ=UTC LC_ALL=C

normalize() {   # fixed permissions and mtimes, so the archive does not depend on the checkout
    find "$1" -type d -exec chmod 755 {} +
    find "$1" -type f -exec chmod 644 {} +
    find "$1" -exec touch -h -d @0 {} +
}

# 6. sysdiagnose tar.gz: one top folder with the archive's name
SD=sysdiagnose_2026.03.14_10-22-41-0700_iPhone-OS_iPhone_20H240
normalize "src/$SD"
tar -C src --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu \
    -cf - "$SD" | gzip -n -9 > "$SD.tar.gz"

# 7. repair-shop zip: the folder's content at the root of the zip, no extra attributes
normalize src/two-attempts-cables
rm -f two-attempts-cables.zip
(
    cd src/two-attempts-cables
    find . -type f | sed 's|^\./||' | sort | zip -X -q -D ../../two-attempts-cables.zip -@
)

# 13. Notepad-style UTF-16LE with BOM (the source already has CRLF line ends)
printf '\377\376' > pasted-forum-utf16.txt
iconv -f UTF-8 -t UTF-16LE src/pasted-forum-utf16/pasted-forum-utf16.txt >> pasted-forum-utf16.txt

# 14-15. Hard-wrapped pastes of two logs above: quoted in an e-mail reply, cut at words to
# 72 columns; and copied from an 80-column console window, cut inside words.
fold -s -w 72 configurator-4014-dfu.log | sed 's/^/> /' > wrapped-mail-configurator-4014.txt
fold -w 80 unified-log-4005.log > wrapped-console-unified-4005.txt
