#!/usr/bin/env python3
"""Benchmark input generator for tests/bench/run.sh (run on demand, not in CI).

Every generated file is built from the lines of the shipped samples (samples/*.log and the
UTF-8 *.txt), so the rule prefilter and the record parsers see the hits and shapes of real
restore logs.  Each copy of a sample is varied: times of day are shifted, dates, pids,
thread ids and long hex numbers are redrawn; error codes and message text are kept.  The
output is deterministic for a given --seed.

    gen.py log    OUT BYTES              one text log made of whole varied sample copies
    gen.py targz  OUT MEMBERS CBYTES     tar.gz of MEMBERS log members, ~CBYTES compressed
    gen.py tiny   OUT MEMBERS SIZE       tar.gz of MEMBERS members of SIZE bytes each
    gen.py line   OUT BYTES              one line of BYTES bytes (log text, no newline
                                         inside) followed by a short normal line
"""
import argparse
import io
import os
import random
import re
import subprocess
import sys
import tarfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, '..', '..', 'samples')

RE_TIME = re.compile(rb'\b([01]\d|2[0-3]):([0-5]\d):([0-5]\d)\b')
RE_DATE = re.compile(rb'\b(20[12]\d)-(0[1-9]|1[0-2])-([0-2]\d|3[01])\b')
RE_HEX = re.compile(rb'\b0x[0-9a-fA-F]{6,}\b')
RE_PIDTID = re.compile(rb'\[(\d{2,6}):([0-9a-f]{1,6})\]')
RE_PID = re.compile(rb'\[(\d{2,6})\]')


def load_samples():
    """The UTF-8 text samples, as (name, bytes)."""
    out = []
    for name in sorted(os.listdir(SAMPLES)):
        if not (name.endswith('.log') or name.endswith('.txt')):
            continue
        data = open(os.path.join(SAMPLES, name), 'rb').read()
        try:
            data.decode('utf-8')
        except UnicodeDecodeError:
            continue                      # the UTF-16 paste: not a line source
        if not data.endswith(b'\n'):
            data += b'\n'
        out.append((name, data))
    if not out:
        sys.exit('gen.py: no samples found in ' + SAMPLES)
    return out


def vary(data, rnd):
    """One varied copy of a sample: same lines, other times, ids and addresses."""
    shift = rnd.randrange(86400)
    year = b'%d' % rnd.randrange(2019, 2027)
    day = b'%02d' % rnd.randrange(1, 29)

    def t(m):
        s = (int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3)) + shift) % 86400
        return b'%02d:%02d:%02d' % (s // 3600, s // 60 % 60, s % 60)

    def hx(m):
        n = len(m.group(0)) - 2
        return b'0x' + (b'%0*x' % (n, rnd.getrandbits(4 * n)))[-n:]

    pid = rnd.randrange(100, 65000)
    data = RE_TIME.sub(t, data)
    data = RE_DATE.sub(lambda m: year + b'-' + m.group(2) + b'-' + day, data)
    data = RE_HEX.sub(hx, data)
    data = RE_PIDTID.sub(lambda m: b'[%d:%x]' % (pid, rnd.randrange(1, 0xffff)), data)
    data = RE_PID.sub(lambda m: b'[%d]' % rnd.randrange(1, 99999), data)
    return data


def pool(rnd, copies):
    """copies varied copies of every sample, as a list of (name, bytes)."""
    base = load_samples()
    return [(name, vary(data, rnd)) for _ in range(copies) for name, data in base]


def gen_log(out, size, rnd):
    blocks = pool(rnd, 24)
    written = 0
    with open(out, 'wb') as f:
        while written < size:
            _, data = blocks[rnd.randrange(len(blocks))]
            data = data[:size - written]
            f.write(data)
            written += len(data)


MEMBER_DIRS = ['logs/MobileDevice', 'logs/Restore', 'logs/AppleSupport', 'logs/system',
               'logs/CrashReporter', 'logs/baseband', 'logs/powerlogs', 'logs/Networking']


def gen_targz(out, members, cbytes, rnd):
    """A sysdiagnose-shaped tar.gz: members are whole varied sample copies (a log member is
    one to a few hundred copies of one sample), sizes log-uniform, compressed by gzip -6."""
    blocks = pool(rnd, 8)
    comp = zlib.compressobj(6)
    probe = b''.join(d for _, d in blocks[:len(blocks) // 8])
    ratio = len(probe) / len(comp.compress(probe) + comp.flush())
    total = int(cbytes * ratio)               # uncompressed bytes to write
    # log-uniform member sizes from 2 KiB up, scaled so they sum to total
    raw = [2.0 ** rnd.uniform(11, 23) for _ in range(members)]
    scale = total / sum(raw)
    sizes = [max(200, int(r * scale)) for r in raw]
    gz = subprocess.Popen(['gzip', '-6', '-n'], stdin=subprocess.PIPE,
                          stdout=open(out, 'wb'))
    root = 'sysdiagnose_2026.03.14_10-22-41-0700_iPhone-OS_iPhone_20H240'
    with tarfile.open(fileobj=gz.stdin, mode='w|', format=tarfile.GNU_FORMAT) as tar:
        for i, size in enumerate(sizes):
            name, data = blocks[rnd.randrange(len(blocks))]
            parts, n = [], 0
            while n < size:
                _, d = blocks[rnd.randrange(len(blocks))] if n else (name, data)
                d = d[:size - n]
                parts.append(d)
                n += len(d)
            body = b''.join(parts)
            info = tarfile.TarInfo('%s/%s/%05d-%s' % (root, MEMBER_DIRS[i % len(MEMBER_DIRS)],
                                                       i, name))
            info.size = len(body)
            info.mtime = 1773500000
            tar.addfile(info, io.BytesIO(body))
    gz.stdin.close()
    if gz.wait() != 0:
        sys.exit('gen.py: gzip failed')


def gen_tiny(out, members, size, rnd):
    line = b'Restore completed, status: 0\n'
    body = (line * (size // len(line) + 1))[:size - 1] + b'\n'
    with tarfile.open(out, mode='w:gz', format=tarfile.GNU_FORMAT, compresslevel=6) as tar:
        for i in range(members):
            info = tarfile.TarInfo('tiny/%03d/m%06d.log' % (i // 1000, i))
            info.size = len(body)
            info.mtime = 1773500000
            tar.addfile(info, io.BytesIO(body))


def gen_line(out, size, rnd):
    blocks = pool(rnd, 1)
    text = b' '.join(d.replace(b'\r', b' ').replace(b'\n', b' ') for _, d in blocks)
    written = 0
    with open(out, 'wb') as f:
        while written < size:
            chunk = text[:size - written]
            f.write(chunk)
            written += len(chunk)
        f.write(b'\nRestore completed, status: 4013\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seed', type=int, default=4013)
    ap.add_argument('kind', choices=['log', 'targz', 'tiny', 'line'])
    ap.add_argument('out')
    ap.add_argument('args', type=int, nargs='+')
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    need = {'log': 1, 'targz': 2, 'tiny': 2, 'line': 1}[a.kind]
    if len(a.args) != need:
        ap.error('%s takes %d number(s)' % (a.kind, need))
    tmp = a.out + '.part'
    {'log': gen_log, 'targz': gen_targz, 'tiny': gen_tiny, 'line': gen_line}[a.kind](
        tmp, *a.args, rnd)
    os.replace(tmp, a.out)


if __name__ == '__main__':
    main()
