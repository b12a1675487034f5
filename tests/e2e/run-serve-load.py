#!/usr/bin/env python3
"""`loganalyze serve` under load (issue 16): slow clients, bombs, many uploads, stop signals.

    run-serve-load.py LOGANALYZE SAMPLES_DIR

Against a server on 127.0.0.1:0 with its own TMPDIR and --upload-timeout 8:

 1. load: 40 clients trickling a request head one byte every 0.5 s (from 127.0.0.2), two
    bombs (a multi-member gzip and a tar.gz of 6000 members, each ~1.5 GB of error lines at a
    ratio under the cap), then 50 concurrent uploads of the samples.  Every sample upload is
    answered 200 within 5 s (15 s under sanitizers) with the sample's outcome; each bomb is
    answered with "Analysis stopped after" its time budget, and its report carries LA119; the
    trickling clients are cut off by the head deadline (15 s) although they keep sending;
    the server's peak RSS (VmHWM) and temp-folder use stay under their bounds;
 2. per-IP limit: of 140 connections from one address (127.0.0.3), no more than 128 stay open;
 3. SIGINT during an analysis (and a second SIGINT 0.5 s later): the analysis is finished
    and answered, the server exits 0, its temp folder is gone;
 4. SIGKILL during an analysis leaves the upload in the temp folder; the next start removes
    it, leaves a live server's folder and foreign files alone, and SIGTERM then exits 0.

Loopback only; every loop is bounded in count and time.  Prints the measured numbers (they go
into docs/serve.md) and "N passed, M failed".
"""
import gzip
import http.client
import io
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import fcntl

EXE, SAMPLES = sys.argv[1], sys.argv[2]
SANITIZED = os.environ.get("LA_SANITIZED") == "1"
UPLOAD_TIMEOUT = 8
NORMAL_BOUND = 15.0 if SANITIZED else 5.0
# ThreadSanitizer's shadow memory counts in RSS: tests/tsan.sh raises the bound.
RSS_BOUND_KB = int(os.environ.get("LA_LOAD_RSS_MB", 1536 if SANITIZED else 512)) * 1024
# Where every server's output goes as well (tests/tsan.sh looks for race reports there).
LOG = os.environ.get("LA_LOAD_LOG")
HEAD_DEADLINE = 15
results = {"pass": 0, "fail": 0}
numbers = {}


def check(name, ok, detail=""):
    if ok:
        results["pass"] += 1
        print("ok   " + name)
    else:
        results["fail"] += 1
        print("FAIL " + name + (": " + detail if detail else ""))


# ------------------------------------------------------------------ the server


class Server:
    started = []

    def __init__(self, tmpdir, extra=()):
        Server.started.append(self)
        self.dir = tempfile.mkdtemp(prefix="la-load-")
        self.port_file = os.path.join(self.dir, "port")
        self.out = open(os.path.join(self.dir, "out"), "w+")
        env = dict(os.environ, TMPDIR=tmpdir)
        self.p = subprocess.Popen(
            [EXE, "serve", "--listen", "127.0.0.1:0", "--port-file", self.port_file,
             "--upload-timeout", str(UPLOAD_TIMEOUT), *extra],
            stdout=self.out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        for _ in range(300):
            if os.path.exists(self.port_file) or self.p.poll() is not None:
                break
            time.sleep(0.05)
        self.hostport = open(self.port_file).read().strip()
        self.host, port = self.hostport.rsplit(":", 1)
        self.port = int(port)
        c = self.conn()
        c.request("GET", "/", headers={"Host": self.hostport})
        page = c.getresponse().read().decode()
        self.token = re.search(r'la-token" content="([0-9a-f]+)"', page).group(1)

    def conn(self, timeout=60):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def upload(self, name, data):
        """POST one file; (status, json, seconds)."""
        boundary = "la-load-boundary-7d3f"
        body = (("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n") % (boundary, name)).encode()
        body += data + ("\r\n--%s--\r\n" % boundary).encode()
        t0 = time.monotonic()
        c = self.conn()
        try:
            c.request("POST", "/analyze", body=body, headers={
                "Host": self.hostport, "X-LA-Token": self.token,
                "Content-Type": "multipart/form-data; boundary=" + boundary})
            r = c.getresponse()
            raw = r.read()
            status = r.status
        except OSError as e:
            return (0, {"error": str(e)}, time.monotonic() - t0)
        finally:
            c.close()
        try:
            js = json.loads(raw)
        except ValueError:
            js = {"raw": raw[:200].decode("latin-1")}
        return (status, js, time.monotonic() - t0)

    def get(self, path):
        c = self.conn()
        c.request("GET", path, headers={"Host": self.hostport})
        r = c.getresponse()
        return r.status, r.read()

    def output(self):
        self.out.flush()
        self.out.seek(0)
        return self.out.read()

    def keep_log(self):
        if LOG:
            with open(LOG, "a") as f:
                f.write(self.output())

    def wait(self, timeout):
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return None


def vm_kb(pid, field):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_bytes(path):
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


def entries(path):
    return sorted(os.listdir(path))


def own_roots(tmpdir):
    """The roots of the servers under test: the planted live one is not theirs."""
    return [e for e in entries(tmpdir)
            if re.fullmatch(r"loganalyze-serve-\w{6}", e) and e != "loganalyze-serve-LIVE01"]


def own_bytes(tmpdir):
    """Bytes in the roots of the servers under test (not the planted live one)."""
    return sum(tree_bytes(os.path.join(tmpdir, e)) for e in own_roots(tmpdir))


# ------------------------------------------------------------------ inputs

def error_lines(n):
    """n error lines that no rule explains, varying slowly: gzip packs them ~250:1."""
    return "".join(
        "2024-01-01 10:00:%02d restored[12] <Error>: AMRestore failed error 4013 usb device "
        "disconnected step %03d\n" % ((i // 64) % 60, (i // 64) % 1000)
        for i in range(n)).encode()


def bomb_gzip():
    """~1.5 GB of lines in ~6 MB: one gzip member repeated (a multi-member gzip)."""
    return gzip.compress(error_lines(80000), 6) * 190


def bomb_tar():
    """A tar.gz of 6000 members of 256 KiB: gzip members for each header and for the data."""
    data = error_lines(2600)[:262144]
    zdata = gzip.compress(data, 6)
    out = io.BytesIO()
    for i in range(6000):
        ti = tarfile.TarInfo("logs/restore-%05d.log" % i)
        ti.size = len(data)
        ti.mtime = 0
        out.write(gzip.compress(ti.tobuf(tarfile.USTAR_FORMAT), 1))
        out.write(zdata)
    out.write(gzip.compress(b"\0" * 1024))
    return out.getvalue()


def samples():
    out = []
    for f in sorted(os.listdir(SAMPLES)):
        if f.endswith(".log"):
            exp = json.load(open(os.path.join(SAMPLES, f[:-4] + ".expect.json")))
            out.append((f, open(os.path.join(SAMPLES, f), "rb").read(), exp["outcome"]))
    return out


# ------------------------------------------------------------------ slow clients

def trickle(hostport, port, n, src, seconds):
    """n connections from src sending a request head one byte per 0.5 s; when each closed."""
    socks, closed = [], {}
    head = ("GET / HTTP/1.1\r\nHost: %s\r\nX-Slow: " % hostport).encode() + b"a" * 4096
    t0 = time.monotonic()
    for _ in range(n):
        s = socket.socket()
        s.bind((src, 0))
        s.connect(("127.0.0.1", port))
        s.setblocking(False)
        socks.append(s)
    pos = 0
    while len(closed) < n and time.monotonic() - t0 < seconds:
        for i, s in enumerate(socks):
            if i in closed:
                continue
            try:
                s.send(head[pos:pos + 1])
            except OSError:
                closed[i] = time.monotonic() - t0
                continue
        pos = min(pos + 1, len(head) - 1)
        r, _, _ = select.select([s for i, s in enumerate(socks) if i not in closed], [], [], 0.5)
        for s in r:
            i = socks.index(s)
            try:
                if s.recv(4096) == b"":
                    closed[i] = time.monotonic() - t0
            except OSError:
                closed[i] = time.monotonic() - t0
    for s in socks:
        s.close()
    return closed


# ------------------------------------------------------------------ phases

def phase_load(tmpdir):
    srv = Server(tmpdir)
    pid = srv.p.pid
    peak = {"hwm": 0, "tmp": 0}
    stop = threading.Event()

    def sample_usage():
        while not stop.is_set():
            peak["tmp"] = max(peak["tmp"], own_bytes(tmpdir))
            peak["hwm"] = max(peak["hwm"], vm_kb(pid, "VmHWM"))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample_usage)
    sampler.start()
    slow = {}
    slow_t = threading.Thread(target=lambda: slow.update(
        trickle(srv.hostport, srv.port, 40, "127.0.0.2", HEAD_DEADLINE + 10)))
    slow_t.start()

    bombs = [("bomb.log.gz", bomb_gzip()), ("bomb.tar.gz", bomb_tar())]
    numbers["bomb sizes"] = [len(b) for _, b in bombs]
    bomb_res = [None, None]

    def run_bomb(i):
        r = srv.upload(*bombs[i])
        # Fetch its report at once: the server keeps only the last few.
        rep = srv.get(r[1]["report"]) if r[0] == 200 and r[1].get("report") else (0, b"")
        bomb_res[i] = r + (rep,)

    bomb_threads = [threading.Thread(target=run_bomb, args=(i,)) for i in range(2)]
    for t in bomb_threads:
        t.start()
    time.sleep(1.0)            # both bombs are being analysed now

    normal = samples()
    jobs = [normal[i % len(normal)] for i in range(50)]
    res = [None] * len(jobs)

    def run_normal(i):
        res[i] = srv.upload(jobs[i][0], jobs[i][1])

    threads = [threading.Thread(target=run_normal, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    lat = sorted(r[2] for r in res if r)
    numbers["normal uploads"] = len(lat)
    numbers["normal latency max s"] = round(lat[-1], 2) if lat else None
    numbers["normal latency median s"] = round(lat[len(lat) // 2], 2) if lat else None
    bad = [(jobs[i][0], r[0], r[1]) for i, r in enumerate(res)
           if not r or r[0] != 200 or not r[1].get("ok")]
    check("50 concurrent uploads beside 2 bombs and 40 slow clients are all answered 200",
          not bad, str(bad[:3]))
    slow_ones = [(jobs[i][0], round(r[2], 2)) for i, r in enumerate(res)
                 if r and r[2] > NORMAL_BOUND]
    check("each within %.0f s (max %.2f s)" % (NORMAL_BOUND, lat[-1] if lat else -1),
          not slow_ones, str(slow_ones[:5]))
    wrong = [(jobs[i][0], r[1].get("outcome"), jobs[i][2]) for i, r in enumerate(res)
             if r and r[0] == 200 and r[1].get("outcome") != jobs[i][2]]
    check("each with its sample's outcome", not wrong, str(wrong[:3]))

    for t in bomb_threads:
        t.join(60)
    for (name, _), r in zip(bombs, bomb_res):
        st, js, secs, (rst, html) = r
        numbers["%s answered after s" % name] = round(secs, 2)
        msg = (js.get("errors") or [""])[0]
        check("%s: answered 200 after its budget (%.1f s)" % (name, secs),
              st == 200 and UPLOAD_TIMEOUT - 0.5 <= secs <= UPLOAD_TIMEOUT + 6,
              "status %s, %r" % (st, js))
        check("%s: the page says it stopped and why" % name,
              msg.startswith("Analysis stopped after ") and
              ("time budget of %d s" % UPLOAD_TIMEOUT) in msg and "what was read" in msg, msg)
        check("%s: its report keeps what was read and carries LA119" % name,
              rst == 200 and b"LA119" in html and b"analysis stopped here" in html)

    slow_t.join(HEAD_DEADLINE + 15)
    cut = sorted(slow.values())
    numbers["slow clients cut off after s"] = [round(cut[0], 1), round(cut[-1], 1)] if cut else []
    check("40 clients trickling a request head are cut off at the head deadline",
          len(cut) == 40 and HEAD_DEADLINE - 1 <= cut[0] and cut[-1] <= HEAD_DEADLINE + 4,
          "closed %d, at %s" % (len(cut), cut[:1] + cut[-1:]))

    stop.set()
    sampler.join()
    numbers["VmHWM MB"] = round(peak["hwm"] / 1024)
    numbers["temp peak KB"] = round(peak["tmp"] / 1024)
    up_total = sum(len(b) for _, b in bombs) + sum(len(j[1]) for j in jobs)
    numbers["uploaded KB"] = round(up_total / 1024)
    check("peak RSS %d MB under %d MB" % (peak["hwm"] // 1024, RSS_BOUND_KB // 1024),
          0 < peak["hwm"] < RSS_BOUND_KB)
    check("temp folder use (peak %d KB) at most what was uploaded" % (peak["tmp"] // 1024),
          peak["tmp"] <= up_total + 65536)
    check("temp folder holds only the server's empty root between uploads",
          own_bytes(tmpdir) == 0 and len(own_roots(tmpdir)) == 1, str(entries(tmpdir)))
    return srv


def phase_per_ip(srv):
    socks = []
    for _ in range(140):
        s = socket.socket()
        s.bind(("127.0.0.3", 0))
        try:
            s.connect(("127.0.0.1", srv.port))
        except OSError:
            s.close()
            continue
        s.setblocking(False)
        socks.append(s)
    closed = set()
    t0 = time.monotonic()
    # The server accepts and refuses them in its own time (slower under sanitizers).
    while len(socks) - len(closed) > 128 and time.monotonic() - t0 < 20:
        time.sleep(0.2)
        for i, s in enumerate(socks):
            if i in closed:
                continue
            try:
                if s.recv(1) == b"":
                    closed.add(i)
            except BlockingIOError:
                pass
            except OSError:
                closed.add(i)
    time.sleep(0.5)                # and no more than those
    for i, s in enumerate(socks):
        try:
            if i not in closed and s.recv(1) == b"":
                closed.add(i)
        except BlockingIOError:
            pass
        except OSError:
            closed.add(i)
        s.close()
    kept = len(socks) - len(closed)
    numbers["connections kept from one address (of 140)"] = kept
    check("at most 128 connections from one address (%d kept)" % kept, 100 <= kept <= 128)


def phase_sigint(srv, tmpdir, keep):
    bomb = bomb_gzip()
    res = []
    t = threading.Thread(target=lambda: res.append(srv.upload("bomb.log.gz", bomb)))
    t0 = time.monotonic()
    t.start()
    time.sleep(2.0)
    srv.p.send_signal(signal.SIGINT)
    time.sleep(0.5)
    srv.p.send_signal(signal.SIGINT)       # ignored: the analysis is not cut short
    rc = srv.wait(UPLOAD_TIMEOUT + 20)
    t.join(30)
    secs = time.monotonic() - t0
    numbers["SIGINT: exit after s"] = round(secs, 2)
    out = srv.output()
    check("SIGINT waits for the running analysis, a second SIGINT is ignored (exit %s)" % rc,
          rc == 0 and "finishing 1 running analysis" in out and secs >= UPLOAD_TIMEOUT - 1, out)
    check("the analysis running at SIGINT is answered",
          res and res[0][0] == 200 and
          (res[0][1].get("errors") or [""])[0].startswith("Analysis stopped after"),
          str(res[:1]))
    check("after SIGINT the temp folder holds nothing of the server",
          entries(tmpdir) == keep, str(entries(tmpdir)))


def phase_sigkill(tmpdir, keep):
    srv = Server(tmpdir)
    bomb = bomb_gzip()
    t = threading.Thread(target=lambda: srv.upload("bomb.log.gz", bomb))
    t.start()
    time.sleep(1.5)
    srv.p.kill()
    srv.wait(10)
    t.join(30)
    left = own_roots(tmpdir)
    check("SIGKILL leaves the upload in the temp folder (%d bytes)" % own_bytes(tmpdir),
          len(left) == 1 and own_bytes(tmpdir) > 0, str(left))
    srv2 = Server(tmpdir)
    out = srv2.output()
    now = own_roots(tmpdir)
    check("the next start removes the killed server's uploads",
          left[0] not in now and "removed the uploads of 1 server" in out, out + str(now))
    srv2.p.send_signal(signal.SIGTERM)
    rc = srv2.wait(20)
    check("SIGTERM stops it (exit %s) and the temp folder is as before" % rc,
          rc == 0 and entries(tmpdir) == keep, str(entries(tmpdir)))


def main():
    base = tempfile.mkdtemp(prefix="la-serve-load-")
    tmpdir = os.path.join(base, "tmp")
    os.mkdir(tmpdir)
    # Things a start must leave alone: a live server's root (its lock held here), a name
    # that is not ours, a file.
    live = os.path.join(tmpdir, "loganalyze-serve-LIVE01")
    os.mkdir(live, 0o700)
    lock = open(os.path.join(live, ".lock"), "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    open(os.path.join(live, "upload.log"), "w").write("a live server's upload\n")
    os.mkdir(os.path.join(tmpdir, "loganalyze-serve-other"), 0o700)
    open(os.path.join(tmpdir, "unrelated.txt"), "w").write("x\n")
    keep = entries(tmpdir)
    t0 = time.monotonic()
    try:
        srv = phase_load(tmpdir)
        phase_per_ip(srv)
        phase_sigint(srv, tmpdir, keep)
        phase_sigkill(tmpdir, keep)
        check("a live server's root and foreign files were left alone",
              os.path.exists(os.path.join(live, "upload.log")) and entries(tmpdir) == keep)
    finally:
        for server in Server.started:
            if server.p.poll() is None:
                server.p.kill()
                server.p.wait()
            server.keep_log()
            if results["fail"]:
                print("server output:\n" + server.output()[-3000:])
        lock.close()
        subprocess.run(["rm", "-rf", base])
    numbers["wall s"] = round(time.monotonic() - t0, 1)
    print("numbers: " + json.dumps(numbers))
    print("%d passed, %d failed" % (results["pass"], results["fail"]))
    return 1 if results["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
