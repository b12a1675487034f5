#!/usr/bin/env python3
"""Unified-log benchmark input for tests/bench/run-tracev3.sh (run on demand, not in CI).

Writes a .logarchive-shaped folder (and, with --tgz, a sysdiagnose-shaped tar.gz of it) made
from the dtformats tracev3 files in tests/tracev3/data (see the NOTICE there):

  system_logs.logarchive/Persist/NNNN.tracev3   the iPadOS 15.3.1 file's header, then its
                                                catalog and four chunksets (Apple's own LZ4
                                                blocks, 252 920 bytes decompressed, 1100
                                                entries, one oversize chunk) COPIES times
  system_logs.logarchive/Special/NNNN.tracev3   the macOS 10.14 file's header, then its
                                                catalog, then its chunkset (5 entries whose
                                                format strings resolve) repeated
  system_logs.logarchive/timesync, dsc, 22/, 10/  the tree's timesync, dsc and uuidtext
                                                files, and the uuidtext the macOS entries
                                                name (made here, as tests/tracev3/run-show.sh
                                                makes it)

The chunksets are repeated byte for byte, not re-timed: keeping Apple's compressed blocks
keeps the LZ4 work real (re-timing would mean re-compressing them), and the reader's work
does not depend on the times.  So every copy repeats the same times.

    gen-tracev3.py OUT_DIR [--mb 256] [--files 4] [--tgz]

--mb is the decompressed size of the Persist files together, in MiB; the Special files add
about 1/8 of it.  Prints the path of the sysdiagnose folder.
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'tracev3', 'data')
IPADOS = os.path.join(DATA, '0000000000000f85-head.tracev3')
MACOS = os.path.join(DATA, '0000000000000030.tracev3')


def chunks(data, path):
    """The top-level chunks of a tracev3 file, as (tag, bytes including padding)."""
    out, off = [], 0
    while off + 16 <= len(data):
        tag, _sub, size = struct.unpack_from('<IIQ', data, off)
        end = (off + 16 + size + 7) & ~7
        out.append((tag, data[off:end].ljust(end - off, b'\0')))
        off = end
    if off != len(data):
        sys.exit('gen-tracev3.py: %s does not end on a chunk boundary' % path)
    return out


def body(path, catalog=True):
    """(header chunk, the catalog (with catalog) and chunksets after it, their decompressed
    bytes)."""
    cs = chunks(open(path, 'rb').read(), path)
    if cs[0][0] != 0x1000 or cs[1][0] != 0x600b:
        sys.exit('gen-tracev3.py: %s: no header and catalog' % path)
    if not catalog:
        cs[0] = (cs[0][0], cs[0][1] + cs[1][1])
        del cs[1]
    rest = b''.join(c for _, c in cs[1:])
    dec = 0
    for tag, c in cs[1:]:
        if tag != 0x600d:
            continue
        off = 16
        while c[off:off + 4] in (b'bv41', b'bv4-'):
            out = struct.unpack_from('<I', c, off + 4)[0]
            inn = struct.unpack_from('<I', c, off + 8)[0] if c[off:off + 4] == b'bv41' else out
            dec += out
            off += (12 if c[off:off + 4] == b'bv41' else 8) + inn
    return cs[0][1], rest, dec


def macos_uuidtext(path):
    """The uuidtext of the macOS file's main executable (see tests/tracev3/run-show.sh)."""
    start, size = 0x35a700, 0x6000
    text = bytearray(size)
    for off, fmt in ((0x35a710, b"%{public}@ %{public}@ version %{public}@"),
                     (0x35fcf0, b"Server GUID: %{private}@"), (0x35cd8c, b"%{public}s"),
                     (0x35b610, b"no argument here: %d"), (0x35ba90, b"[%7s] [%.2s]")):
        text[off - start:off - start + len(fmt) + 1] = fmt + b"\0"
    with open(path, 'wb') as f:
        f.write(b"\x99\x88\x77\x66" + struct.pack("<III", 2, 1, 1)
                + struct.pack("<II", start, size) + bytes(text)
                + b"/System/Library/AssetCache\0")


def write(path, head, rest, copies):
    with open(path, 'wb') as f:
        f.write(head)
        for _ in range(copies):
            f.write(rest)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--mb', type=int, default=256)
    ap.add_argument('--files', type=int, default=4)
    ap.add_argument('--tgz', action='store_true')
    a = ap.parse_args()
    top = os.path.join(a.out, 'sysdiagnose_2022.04.13_08-20-00-0500_iPadOS_iPad_19D52')
    la = os.path.join(top, 'system_logs.logarchive')
    if os.path.exists(top):
        shutil.rmtree(top)
    for sub in ('Persist', 'Special', 'timesync', 'dsc', '22', '10'):
        os.makedirs(os.path.join(la, sub))
    head, rest, dec = body(IPADOS)
    copies = max(1, a.mb * 1048576 // dec // a.files)
    for i in range(a.files):
        write(os.path.join(la, 'Persist', '%016x.tracev3' % (0xf85 + i)), head, rest, copies)
    mhead, mrest, mdec = body(MACOS, catalog=False)
    mcopies = max(1, a.mb * 1048576 // 8 // mdec // a.files)
    for i in range(a.files):
        write(os.path.join(la, 'Special', '%016x.tracev3' % (0x30 + i)), mhead, mrest, mcopies)
    shutil.copy(os.path.join(DATA, 'timesync', '0000000000000002.timesync'),
                os.path.join(la, 'timesync'))
    shutil.copy(os.path.join(DATA, 'uuidtext', 'dsc', '8E21CAB1DCF936B49F85CF860E6F34EC'),
                os.path.join(la, 'dsc'))
    shutil.copy(os.path.join(DATA, 'uuidtext', '22', '0D3C2953A33917B333DD8366AC25F2'),
                os.path.join(la, '22'))
    macos_uuidtext(os.path.join(la, '10', '1674443A9A33FCAF11D0ADEBBF5B95'))
    total = a.files * (copies * dec + mcopies * mdec)
    with open(os.path.join(a.out, 'tracev3-decompressed-bytes'), 'w') as f:
        f.write('%d\n' % total)
    if a.tgz:
        # The strings files after the tracev3 files, as they may come in a sysdiagnose.
        b = os.path.join(os.path.basename(top), 'system_logs.logarchive')
        subprocess.run(['tar', '-czf', os.path.join(a.out, 'sysdiagnose-tracev3.tar.gz')]
                       + [os.path.join(b, s) for s in
                          ('Persist', 'Special', 'timesync', 'dsc', '22', '10')],
                       cwd=a.out, check=True)
    print(top)


if __name__ == '__main__':
    main()
