"""The device's own restore log (restored / ramrod), written line by line.

One writer for both sample generators: device_samples.py writes whole device logs with it
(`restored-*.log`, the `restore.log` in the repair-shop zip), host_samples.py the device logs
that iTunes, Finder, idevicerestore and the flash tool relay at a failure.  The line shapes
are those of docs/log-formats.md §1.3:

    [HH:MM:SS.0mmm-GMT]{A>B} CHECKPOINT <KIND>: <DOMAIN>:[0xNNNN] <step name>
    restore-step-ids = {0x1103NNNN:<seq>;...}         (the open steps, outermost first)
    restore-step-names = {0x1103NNNN:<name>;...}
    restore-step-results / -codes / -domains / -error  (after a FAILURE or IMMED_RETRY)
    restore-step-uptime = <s>
    restore-step-user-progress = <n>

plus free text between the checkpoints.  The clock counts microseconds since midnight (GMT)
and moves only forward, by seeded random steps, so a generator that builds the same calls
with the same seed writes the same bytes.  `res` is the resolution of those steps in ticks
per millisecond (1: whole milliseconds, 1000: microseconds); the two generators were written
with different resolutions and keep them, because the samples they wrote are the truth.
"""

US_PER_MS = 1000
US_PER_S = 1000 * US_PER_MS


def us_of_day(h, m, s, us=0):
    """Microseconds since midnight."""
    return ((h * 60 + m) * 60 + s) * US_PER_S + us


def chain_text(chain):
    """An error chain as restored prints it, outermost first: [0]D(text)[1]D(text)...
    A string is taken as already written."""
    if isinstance(chain, str):
        return chain
    return "".join("[%d]D(%s)" % (i, c) for i, c in enumerate(chain))


class RestoreLog:
    """A device restore log being written.

    rng       the sample's seeded random.Random (the only source of variation)
    start     the clock, microseconds since midnight GMT
    ab        the `{A>B}` token of the checkpoint lines (meaning unknown, docs/log-formats.md §1.3)
    uptime    restore-step-uptime at `start`, in seconds
    progress  restore-step-user-progress (callers set .progress as the restore advances)
    seq       the last step sequence number used (begin() counts on from it)
    prefix    the step-key prefix of a step: 0x<prefix><id>, "1103" = 0x11 + domain byte 3
    nvram     write restore-step-* as `executing /usr/sbin/nvram key=value` (old iOS)
    res       ticks per millisecond of the random steps (see the module comment)
    cp_tick   (lo, hi) milliseconds before each checkpoint line
    say_tick  (lo, hi) milliseconds before each free-text line
    """

    def __init__(self, rng, start, ab, uptime=0, progress=-1, seq=0, prefix="1103",
                 nvram=False, res=1, cp_tick=(0, 3), say_tick=(0, 3)):
        self.rng = rng
        self.t = self.t0 = start
        self.ab = ab
        self.uptime0 = uptime
        self.progress = progress
        self.seq = seq
        self.pre = prefix
        self.nvram = nvram
        self.res = res
        self.cp_tick = cp_tick
        self.say_tick = say_tick
        self.lines = []
        self.stack = []          # open steps, outermost first: (id, seq, name, key prefix)
        self.failed = []         # fail(): the failures so far, newest first
        self.first_failure = True

    # clock ---------------------------------------------------------------------------------
    def tick(self, lo, hi):
        """advance a random lo..hi milliseconds, in steps of 1/res ms"""
        self.t += self.rng.randint(int(lo * self.res), int(hi * self.res)) * (US_PER_MS // self.res)

    def wait(self, seconds):
        """advance exactly `seconds` (whole milliseconds)"""
        self.t += int(seconds * 1000) * US_PER_MS

    def clock(self):
        """(hours, minutes, seconds) of the clock"""
        s = self.t // US_PER_S
        return (s // 3600) % 24, (s // 60) % 60, s % 60

    def stamp(self):
        h, m, s = self.clock()
        return "[%02d:%02d:%02d.%04d-GMT]{%s}" % (h, m, s, (self.t // US_PER_MS) % 1000, self.ab)

    def uptime(self):
        return self.uptime0 + (self.t - self.t0) // US_PER_S

    # free text -----------------------------------------------------------------------------
    def out(self, line):
        """a line with no time step"""
        self.lines.append(line)

    def say(self, line, lo=None, hi=None):
        self.tick(self.say_tick[0] if lo is None else lo, self.say_tick[1] if hi is None else hi)
        self.out(line)

    def text(self, lines, lo=None, hi=None):
        for line in lines:
            self.say(line, lo, hi)

    # checkpoints ---------------------------------------------------------------------------
    def cp(self, what):
        """a CHECKPOINT line: what = 'BEGIN: ...', 'NOTICE: ...', 'PROGRESS: ...'"""
        self.tick(*self.cp_tick)
        self.out("%s CHECKPOINT %s" % (self.stamp(), what))

    def notice(self, text):
        self.cp("NOTICE: " + text)

    def kv(self, key, value):
        if self.nvram:
            self.out("executing /usr/sbin/nvram %s=%s" % (key, value))
        else:
            self.out("%s = %s" % (key, value))

    def tail(self):
        self.kv("restore-step-uptime", str(self.uptime()))
        self.kv("restore-step-user-progress", str(self.progress))

    def state(self):
        """the restore-step block after BEGIN and END: the open steps, uptime, progress"""
        self.kv("restore-step-ids", "{%s}" % ";".join(
            "0x%s%04X:%d" % (p, c, q) for c, q, _, p in self.stack))
        self.kv("restore-step-names", "{%s}" % ";".join(
            "0x%s%04X:%s" % (p, c, n) for c, _, n, p in self.stack))
        self.tail()

    def begin(self, dom, cid, name, seq=None, prefix=None):
        """open step `cid`; its sequence number is `seq` or the next one"""
        self.seq = self.seq + 1 if seq is None else seq
        self.stack.append((cid, self.seq, name, prefix or self.pre))
        self.cp("BEGIN: %s:[0x%04X] %s" % (dom, cid, name))
        self.state()

    def end(self, dom, cid, name):
        """close the innermost open step `cid` (a log that starts mid-restore may end a step
        it never began)"""
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == cid:
                del self.stack[i]
                break
        self.cp("END: %s:[0x%04X] %s" % (dom, cid, name))
        self.state()

    def step(self, dom, cid, name, body=(), lo=None, hi=None, secs=0, prefix=None):
        """begin, the body lines, `secs` more seconds, end"""
        self.begin(dom, cid, name, prefix=prefix)
        self.text(body, lo, hi)
        if secs:
            self.wait(secs)
        self.end(dom, cid, name)

    def skip_seq(self, n):
        self.seq += n

    def _failure_line(self, kind, result, dom, cid, name, chain):
        self.cp("%s:(FAILURE:%d) %s:[0x%04X] %s %s" % (kind, result, dom, cid, name, chain))

    def fail(self, kind, result, dom, cid, name, chain, codeval=None,
             domain="AMRestoreErrorDomain", code_prefix=None, raw_chain=None):
        """A FAILURE or IMMED_RETRY whose restore-step-* block is derived: a FAILURE lists
        every failure so far, newest first; an IMMED_RETRY only itself.  result is the
        FAILURE:<n> value, codeval the restore-step-codes value (default: result); the first
        FAILURE is followed by the `(NVRAM set) ... (first failure)` notice."""
        if codeval is None:
            codeval = result
        if code_prefix is None:
            code_prefix = self.pre[:3] + "7"
        chain = chain_text(chain)
        self._failure_line(kind, result, dom, cid, name, chain if raw_chain is None else raw_chain)
        entry = (cid, result, codeval, domain, chain, code_prefix)
        if kind == "IMMED_RETRY":
            entries = [entry]
        else:
            self.failed.insert(0, entry)
            entries = self.failed
        rp = self.pre[:3] + "7"
        self.kv("restore-step-results", "{%s}" % ";".join(
            "0x%s%04X:{0:%d}" % (rp, e[0], e[1]) for e in entries))
        self.kv("restore-step-codes", "{%s}" % ";".join(
            "0x%s%04X:{0:%d}" % (e[5], e[0], e[2]) for e in entries))
        self.kv("restore-step-domains", "{%s}" % ";".join(
            "0x%s%04X:{0:\"%s\"}" % (e[5], e[0], e[3]) for e in entries))
        self.kv("restore-step-error", "{%s}" % ";".join(
            "0x%s%04X:\"%s\"" % (e[5], e[0], e[4]) for e in entries))
        self.tail()
        if kind == "FAILURE" and self.first_failure:
            self.first_failure = False
            self.notice("(NVRAM set) restore-step-user-progress=%d [sync=true] (first failure)"
                        % self.progress)

    def fail_as(self, kind, result, dom, cid, name, chain, prefix="1107", results=None,
                codes=None, domains=None):
        """A FAILURE or IMMED_RETRY whose restore-step-* block the caller writes: results
        (default `<key>:{0:<result>}`), codes and domains (left out when not given); the
        error line names this step only.  No notice follows (the caller places it)."""
        chain = chain_text(chain)
        self._failure_line(kind, result, dom, cid, name, chain)
        key = "0x%s%04X" % (prefix, cid)
        self.kv("restore-step-results", "{%s}" % (results or "%s:{0:%d}" % (key, result)))
        if codes:
            self.kv("restore-step-codes", "{%s}" % codes)
        if domains:
            self.kv("restore-step-domains", "{%s}" % domains)
        self.kv("restore-step-error", '{%s:"%s"}' % (key, chain))
        self.tail()

    def render(self):
        return "\n".join(self.lines) + "\n"
