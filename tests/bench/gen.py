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
    gen.py mix    OUT BYTES              the system-log-heavy mix: ordinary system-log
                                         lines (BSD syslog as in a Mac's system.log, and
                                         `log show` lines of the unified log, default and
                                         compact styles) with runs of varied sample lines
                                         making about 2 % of the lines, as in a sysdiagnose
    gen.py mixtgz OUT MEMBERS BYTES      sysdiagnose-shaped tar.gz of MEMBERS members,
                                         BYTES uncompressed in all: system-log members of
                                         the mix, a few restore logs among them, gzip -6

The mix's ordinary lines come from templates of common macOS/iOS daemons' messages with
their numbers, names and identifiers drawn at random; they hold none of the words the
rules look for (no "error", "fail", restore or baseband vocabulary), except for a few
per cent of generic error lines ("xpc error: Connection invalid", "... failed: -1"), which
real system logs are full of and which the analysis has to template.
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


PROCS = ['kernel', 'locationd', 'mDNSResponder', 'WindowServer', 'bluetoothd', 'symptomsd',
         'powerd', 'runningboardd', 'trustd', 'cloudd', 'sharingd', 'apsd', 'wifid',
         'CommCenter', 'SpringBoard', 'backboardd', 'configd', 'distnoted', 'UserEventAgent',
         'timed', 'searchd', 'mediaserverd', 'assistantd', 'nsurlsessiond', 'dasd',
         'contextstored', 'coreduetd', 'rapportd', 'identityservicesd', 'akd']
SUBSYS = ['com.apple.runningboard', 'com.apple.network', 'com.apple.locationd.Core',
          'com.apple.xpc', 'com.apple.bluetooth', 'com.apple.CFNetwork', 'com.apple.powerd',
          'com.apple.SpringBoard', 'com.apple.cloudkit', 'com.apple.duetactivityscheduler']
BUNDLES = ['com.apple.Preferences', 'com.apple.mobilesafari', 'com.apple.weather',
           'com.apple.Maps', 'com.apple.mobilemail', 'com.example.notes', 'com.apple.news']
PATHS = ['/private/var/mobile/Library/Caches', '/System/Library/PrivateFrameworks',
         '/private/var/db/timezone', '/usr/lib/libobjc.A.dylib', '/private/var/mobile/Media']
NORMAL = [
    'Sandbox: {p}({n}) deny(1) file-read-data {path}/{w}.plist',
    '[{bundle}] Connection {n}: received response, status 200 content K',
    'Task <{uuid}>.<{k}> finished successfully',
    'nw_path_evaluator_start [{uuid8} <NULL> generic, interface: en0] path: satisfied (Path is satisfied), interface: en0, ipv4, dns',
    'Acquiring assertion targeting [app<{bundle}({uuid8})>:{n}] from originator [daemon<com.apple.{p}>:{n}]',
    'Assertion {n} (target:[app<{bundle}>:{n}]) will be created as active',
    'PID {n} is now {state}',
    'Battery level {k}%, charging {yn}, temperature {k}.{d} C',
    'AppleUSBHostPort@{hex8}: port {k}, link state U0, speed {speed}',
    'Received configuration update from daemon (initial)',
    'com.apple.xpc.launchd[1] ({bundle}[{n}]): Service exited with abnormal code: 0',
    'Scheduled activity {bundle}.refresh at priority {k} for {n}s',
    'Hit the server for a process handle {hex8} that resolved to: [app<{bundle}>:{n}]',
    'CLLocationManager({hex12}) updating location, accuracy {k}.{d} m',
    'Wi-Fi RSSI {neg} dBm, noise {neg} dBm, channel {k}, tx rate {n} Mbps',
    'Registering for topic {bundle} with token {hex12}',
    'Background task {n} ({bundle}) expiration handler set',
    '[{subsys}] Snapshot of {k} items written to {path}/{w}.db in {k} ms',
    'Frame rate {k} fps, dropped {d}, display {hex8}',
    'Memory pressure level normal, free pages {n}, purgeable {n}',
    'Checking in with {p} for job {uuid8}',
    'Updated timezone to America/Los_Angeles from {path}',
]
ERRORS = [
    'xpc error: Connection invalid',
    'XPC_ERROR_CONNECTION_INTERRUPTED for {bundle}',
    '[{subsys}] request {n} failed: -1001 (timed out)',
    'Error Domain=NSPOSIXErrorDomain Code=2 "No such file or directory" for {path}/{w}',
]
WORDS = ['state', 'index', 'cache', 'store', 'prefs', 'ledger', 'journal', 'shard']
STATES = ['running-active', 'running-suspended', 'suspended', 'running-active-NotVisible']


def mix_line(rnd, fmt, t):
    """One ordinary system-log line at second t of the day."""
    tpl = rnd.choice(ERRORS) if rnd.random() < 0.03 else rnd.choice(NORMAL)
    hx = lambda n: '%0*x' % (n, rnd.getrandbits(4 * n))
    msg = tpl.format(p=rnd.choice(PROCS), n=rnd.randrange(1, 99999), k=rnd.randrange(1, 100),
                     d=rnd.randrange(10), path=rnd.choice(PATHS), w=rnd.choice(WORDS),
                     bundle=rnd.choice(BUNDLES), uuid=hx(8).upper() + '-' + hx(4).upper() +
                     '-' + hx(4).upper() + '-' + hx(12).upper(), uuid8=hx(8), hex8=hx(8),
                     hex12=hx(12), state=rnd.choice(STATES), yn=rnd.choice(['yes', 'no']),
                     speed=rnd.choice(['480 Mbps', '5 Gbps']), neg=-rnd.randrange(30, 95),
                     subsys=rnd.choice(SUBSYS))
    proc = rnd.choice(PROCS)
    hh, mm, ss = t // 3600, t // 60 % 60, t % 60
    if fmt == 0:      # BSD syslog, as in a Mac's system.log
        return 'Mar 14 %02d:%02d:%02d MacBook-Pro %s[%d]: %s\n' % (
            hh, mm, ss, proc, rnd.randrange(1, 9999), msg)
    if fmt == 1:      # log show, default style
        return ('2026-03-14 %02d:%02d:%02d.%06d-0700 0x%-7x %-11s 0x%-18x %-6d %-4d %s: %s\n'
                % (hh, mm, ss, rnd.randrange(10 ** 6), rnd.getrandbits(22),
                   rnd.choice(['Default', 'Info', 'Activity']), rnd.getrandbits(20),
                   rnd.randrange(1, 9999), rnd.randrange(0, 700), proc, msg))
    return '2026-03-14 %02d:%02d:%02d.%03d %s %s[%d:%x] [%s] %s\n' % (  # log show --style compact
        hh, mm, ss, rnd.randrange(1000), rnd.choice(['Df', 'I ', 'Db']), proc,
        rnd.randrange(1, 9999), rnd.getrandbits(20), rnd.choice(SUBSYS), msg)


def mix_chunks(size, rnd, restore_share=0.02, tell=True):
    """Chunks of the mix until size bytes: runs of one line shape, and every so often a run of
    10 to 200 lines of a varied sample, so that about restore_share of the lines are."""
    samples = [d.splitlines(keepends=True) for _, d in pool(rnd, 4)]
    written, t, fmt = 0, 0, 0
    ordinary = restore = 0
    while written < size:
        if ordinary and restore < restore_share * (ordinary + restore):
            lines = rnd.choice(samples)
            a = rnd.randrange(len(lines))
            run = lines[a:a + rnd.randrange(10, 200)]
            restore += len(run)
            chunk = b''.join(run)
        else:
            if rnd.random() < 0.05:
                fmt = rnd.randrange(3)
            run = [mix_line(rnd, fmt, (t + i // 20) % 86400) for i in range(500)]
            t += 25
            ordinary += len(run)
            chunk = ''.join(run).encode()
        chunk = chunk[:size - written]
        written += len(chunk)
        yield chunk
    if tell:
        sys.stderr.write('gen.py mix: %d ordinary lines, %d sample lines (%.2f %%)\n'
                         % (ordinary, restore, 100.0 * restore / max(1, ordinary + restore)))


def gen_mix(out, size, rnd):
    with open(out, 'wb') as f:
        for chunk in mix_chunks(size, rnd):
            f.write(chunk)


SYSDIAG_MEMBERS = ['logs/system.log', 'system_logs.logarchive/log-show.txt',
                   'logs/powerlogs/powerlog.txt', 'logs/Networking/wifi.log',
                   'logs/SystemConfiguration/configd.log', 'logs/Bluetooth/bluetoothd.log',
                   'logs/CrashReporter/jetsam.log', 'logs/MobileActivation/mobactivationd.log']


def gen_mixtgz(out, members, size, rnd):
    """A sysdiagnose-shaped tar.gz of the mix: log-uniform member sizes, one restore log in
    fifty members (a whole varied sample), gzip -6."""
    samples = pool(rnd, 2)
    raw = [2.0 ** rnd.uniform(11, 24) for _ in range(members)]
    scale = size / sum(raw)
    sizes = [max(200, int(r * scale)) for r in raw]
    gz = subprocess.Popen(['gzip', '-6', '-n'], stdin=subprocess.PIPE, stdout=open(out, 'wb'))
    root = 'sysdiagnose_2026.03.14_10-22-41-0700_iPhone-OS_iPhone_20H240'
    with tarfile.open(fileobj=gz.stdin, mode='w|', format=tarfile.GNU_FORMAT) as tar:
        for i, n in enumerate(sizes):
            if i % 50 == 25:
                name, body = samples[rnd.randrange(len(samples))]
                path = 'logs/MobileDevice/%05d-%s' % (i, name)
            else:
                body = b''.join(mix_chunks(n, rnd, restore_share=0.0, tell=False))
                path = '%s.%05d' % (SYSDIAG_MEMBERS[i % len(SYSDIAG_MEMBERS)], i)
            info = tarfile.TarInfo('%s/%s' % (root, path))
            info.size = len(body)
            info.mtime = 1773500000
            tar.addfile(info, io.BytesIO(body))
    gz.stdin.close()
    if gz.wait() != 0:
        sys.exit('gen.py: gzip failed')


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seed', type=int, default=4013)
    ap.add_argument('kind', choices=['log', 'targz', 'tiny', 'line', 'mix', 'mixtgz'])
    ap.add_argument('out')
    ap.add_argument('args', type=int, nargs='+')
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    need = {'log': 1, 'targz': 2, 'tiny': 2, 'line': 1, 'mix': 1, 'mixtgz': 2}[a.kind]
    if len(a.args) != need:
        ap.error('%s takes %d number(s)' % (a.kind, need))
    tmp = a.out + '.part'
    {'log': gen_log, 'targz': gen_targz, 'tiny': gen_tiny, 'line': gen_line, 'mix': gen_mix,
     'mixtgz': gen_mixtgz}[a.kind](
        tmp, *a.args, rnd)
    os.replace(tmp, a.out)


if __name__ == '__main__':
    main()
