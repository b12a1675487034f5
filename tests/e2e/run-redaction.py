#!/usr/bin/env python3
"""Redaction corpus: identifiers in the spellings real logs use must not survive anywhere.

Usage: run-redaction.py LOGANALYZE

The generator below writes a list of identifier forms (ECID, UDID, serial number, IMEI/MEID,
e-mail, phone number: labels as text, JSON, plists, key=value lists and DFU serial strings
write them, 60+ spellings, realistic values from a fixed seed) into error lines of several
log formats (iTunes, idevicerestore, the device's restored log, syslog, JSON lines), into
input file names and into archive member names (one of them empty, so a warning names it on
stderr).  Then it checks that no identifier value survives in:

  - each of the eight report formats (`--help` lists them), and `inspect` (text and json);
  - stderr (warnings name members);
  - the progress bar (drawn only on a terminal: stderr is a pseudo-terminal here);
  - `serve`: the upload's JSON answer (headlines, messages) and the stored HTML report.

Every check has a positive control: the same run with --no-redact must show identifiers in
that output (so a check cannot pass because the text never reached it).  Lines of ordinary
hex, error codes, build ids, timestamps and step codes must survive redaction unchanged.
"""
import json
import os
import pty
import random
import re
import select
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request

FORMATS = ["text", "json", "ndjson", "markdown", "html", "junit", "sarif", "github"]
rnd = random.Random(16)
failures = []
checks = 0


def check(ok, what):
    global checks
    checks += 1
    if not ok:
        failures.append(what)
        print("FAIL " + what)


# ------------------------------------------------------------------ realistic values

def hexs(n, upper=True):
    s = "".join(rnd.choice("0123456789abcdef") for _ in range(n))
    return s.upper() if upper else s


def ecid_int():
    return rnd.randrange(1 << 44, 1 << 56)      # real ECIDs: 11-14 hex digits


def udid_new(upper=True):
    chip = rnd.choice(["8030", "8101", "8110", "8120", "8020", "8027"])
    v = "0000" + chip + "-" + "00" + hexs(14, upper)
    return v if upper else v.lower()


def serial(n=12):
    alphabet = "0123456789CDFGHJKLMNPQRTVWXY"
    while True:
        s = "".join(rnd.choice(alphabet) for _ in range(n))
        if any(c.isdigit() for c in s) and any(c.isalpha() for c in s):
            return s


def luhn(digits):
    total = 0
    for i, d in enumerate(reversed(digits)):
        d = int(d)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return str((10 - total % 10) % 10)


def imei():
    body = rnd.choice(["35", "01", "86", "99"]) + "".join(rnd.choice("0123456789")
                                                          for _ in range(12))
    return body + luhn(body)


def spaced_imei(v, sep=" "):
    return v[:2] + sep + v[2:8] + sep + v[8:14] + sep + v[14:]


def email():
    user = rnd.choice(["lena.berg", "j.smith", "kim_2019", "marco+apple", "t.nguyen"])
    return "%s%d@%s" % (user, rnd.randrange(10, 99), rnd.choice(
        ["example.com", "mail.example.org", "icloud.example.net"]))


def us_phone():
    return "%03d" % rnd.randrange(201, 989), "555", "01%02d" % rnd.randrange(0, 99)


# ------------------------------------------------------------------ the identifier forms

def forms():
    """(kind, text as it appears in the log, [values that must not survive])."""
    f = []

    def add(kind, fmt, *values):
        f.append((kind, fmt.format(*values), [str(v) for v in values]))

    e = [ecid_int() for _ in range(14)]
    add("ecid", "ECID: 0x{}", "%X" % e[0])
    add("ecid", "ECID: {}", "%d" % e[1])
    add("ecid", "ecid={}", "0x%x" % e[2])
    add("ecid", "ApECID = 0x{}", "%X" % e[3])
    add("ecid", "ApECID: {}", "%d" % e[4])
    add("ecid", "UniqueChipID: {}", "%d" % e[5])
    add("ecid", "UniqueChipID = 0x{}", "%x" % e[6])
    add("ecid", '"ecid" : {}', "%d" % e[7])
    add("ecid", '{{"ECID":"0x{}"}}', "%X" % e[8])
    add("ecid", "<key>ApECID</key><integer>{}</integer>", "%d" % e[9])
    add("ecid", "<key>UniqueChipID</key><integer>{}</integer>", "%d" % e[10])
    add("ecid", "CPID:8030 CPRV:11 CPFM:03 SCEP:01 BDID:0C ECID:{} IBFL:3C SRNM:[{}]",
        "%016X" % e[11], serial())
    add("ecid", "ECID {}", "%020d" % e[12])                 # 17+ decimal digits, padded
    add("ecid", "ECID: 0x{}", "%018X" % e[13])              # 17+ hex digits, padded
    add("ecid", "[ECID:0x{}] DeviceECID={}", "%x" % e[0], "%d" % e[0])
    u = [udid_new() for _ in range(6)]
    add("udid", "UDID: {}", u[0])
    add("udid", "udid: {}", u[1].lower())
    add("udid", "device {} attached", u[2].replace("-", ""))
    add("udid", "device {} attached", u[3].replace("-", "").lower())
    add("udid", "Backup/iPhone_{}_backup/Manifest.plist", u[4])
    add("udid", "<key>UniqueDeviceID</key><string>{}</string>", u[5])
    h40 = [hexs(40, upper=False) for _ in range(3)]
    add("udid", "UniqueDeviceID: {}", h40[0])
    add("udid", '"udid": "{}"', h40[1].upper())
    add("udid", "Lockdown/{}.plist", h40[2])
    s = [serial(12) for _ in range(8)] + [serial(10) for _ in range(6)]
    add("serial", "SerialNumber: {}", s[0])
    add("serial", "Serial Number: {}", s[1])
    add("serial", "Serial No.: {}", s[2])
    add("serial", "Serial No. {}", s[3])
    add("serial", "serial#{}", s[4])
    add("serial", "SrNm:[{}]", s[5])
    add("serial", "S/N: {}", s[6])
    add("serial", '"serialNumber" : "{}"', s[7])
    add("serial", "<key>SerialNumber</key><string>{}</string>", s[8])
    add("serial", "device serial number is {}", s[9])
    add("serial", "serial_number={}", s[10])
    add("serial", "SRNM:[{}]", s[11])
    add("serial", "serial# {}", s[12])
    add("serial", "MLBSerialNumber: {}", s[13] + serial(7))
    m = [imei() for _ in range(9)]
    add("imei", "IMEI: {}", m[0])
    add("imei", "IMEI: {}", spaced_imei(m[1]))
    add("imei", "IMEI:[{}]", m[2])
    add("imei", '"imei" : "{}"', m[3])
    add("imei", "InternationalMobileEquipmentIdentity: {}", m[4])
    add("imei", "<key>InternationalMobileEquipmentIdentity</key><string>{}</string>",
        spaced_imei(m[5]))
    add("imei", "IMEI2={}", m[6])
    add("imei", "IMEI {}", spaced_imei(m[7], "-"))
    add("imei", "MEID: {}", hexs(14))
    add("imei", "<key>MobileEquipmentIdentifier</key><string>{}</string>", hexs(14))
    add("imei", "imei {}", spaced_imei(m[8]))
    for fmt in ["user {}", "AppleID: <{}>", '"appleId":"{}"', "mailto:{}"]:
        add("email", fmt, email())
    p = [us_phone() for _ in range(5)]
    add("phone", "{}", "+1 %s %s %s" % p[0])
    add("phone", "{}", "+44 20 7946 0%03d" % rnd.randrange(0, 999))
    add("phone", "PhoneNumber: {}", "(%s) %s-%s" % p[1])
    add("phone", "PhoneNumber: {}", "07700 900%03d" % rnd.randrange(0, 999))
    add("phone", "<key>PhoneNumber</key><string>{}</string>", "+1 (%s) %s-%s" % p[2])
    add("phone", "phone: {}", "06 12 34 %02d %02d" % (rnd.randrange(10, 99), rnd.randrange(10, 99)))
    add("phone", "MSISDN: {}", "49151%08d" % rnd.randrange(10 ** 7, 10 ** 8))
    add("phone", "tel:{}", "+33612%06d" % rnd.randrange(0, 10 ** 6))
    add("phone", "call {}", "(%s) %s-%s" % p[3])
    add("phone", "call {}", "%s-%s-%s" % p[4])
    return f


# Ordinary text that must survive redaction as it is.
KEEP = [
    "0xe8000015", "21A5248v", "20G75", "10:52:06.056", "2024-03-01", "update_baseband",
    "0x191823f0", "0000025762236D20", "ChipID: 0x8030", "BoardID: 0x0C", "operation 59",
    "3F2504E0-4F89-11D3-9A0C-0305E82C3301", "8f0c3a1b2d4e5f60718293a4b5c6d7e8",
    "iBoot-8422.141.2", "checkpoint 1203",
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
]
KEEP_LINES = [
    "ERROR: keepone AMRestorePerformRestoreModeRestore failed: 0xe8000015 at 10:52:06.056",
    "ERROR: keeptwo build 21A5248v / 20G75 iBoot-8422.141.2 step update_baseband on 2024-03-01",
    "ERROR: keepthree <Restore Device 0x191823f0> <Restore Device 0000025762236D20> operation 59",
    "ERROR: keepfour ChipID: 0x8030 BoardID: 0x0C checkpoint 1203",
    "ERROR: keepfive incident 3F2504E0-4F89-11D3-9A0C-0305E82C3301 image "
    "8f0c3a1b2d4e5f60718293a4b5c6d7e8",
    "ERROR: keepsix digest 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
]

WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
         "november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee "
         "zulu amber blue coral denim ember fern gold hazel iris jade khaki lemon mauve "
         "navy olive pearl quartz ruby sage teal umber violet wheat").split()

# One line shape per log format; {w} makes each line's template distinct, {f} is the form.
SHAPES = [
    "[10:52:0{n}.0565] <Restore Device 0x191823f0>: ERROR: {w} query failed for {f}",
    "ERROR: {w}: unable to read {f}",
    "2024-03-01 10:52:0{n}.123 restored[63] <Error>: {w} failed, {f}",
    "Mar  1 10:52:0{n} MacBook-Pro AMPDevicesAgent[512]: error: {w} lookup {f}",
    '{{"level":"error","msg":"{w} failed","detail":"{f}"}}',
]
END = "[10:52:09.0566] <Restore Device 0x191823f0>: Restore completed, status: 4013"
START = "[10:52:00.0001] <Restore Device 0x191823f0>: restore library built Jan 10 2024"

# Identifier forms that can be a file or member name.
NAME_FORMS = [
    "iPhone_{u}_backup.log", "ECID_0x{e}_restore.log", "serial#{s}.log",
    "IMEI_{m}.log", "{mail}.log", "{u40}.log", "UDID-{ul}.txt", "SrNm_{s2}.log",
]


def write_corpus(root):
    """Write the inputs; return (paths, [(kind, form, values)], [name values])."""
    fs = forms()
    per_file = 10
    paths, names = [], []
    for i in range(0, len(fs), per_file):
        k = i // per_file
        u = udid_new()
        nv = {"u": u, "e": "%X" % ecid_int(), "s": serial(), "m": imei(), "mail": email(),
              "u40": hexs(40, upper=False), "ul": udid_new(False), "s2": serial(10)}
        key = re.findall(r"{(\w+)}", NAME_FORMS[k % len(NAME_FORMS)])[0]
        names.append(nv[key])
        name = NAME_FORMS[k % len(NAME_FORMS)].format(**nv)
        lines = [START]
        for j, (_, text, _) in enumerate(fs[i:i + per_file]):
            shape = SHAPES[(i + j) % len(SHAPES)]
            if shape.startswith("{"):
                text = text.replace('"', '\\"')
            lines.append(shape.format(n=j % 9, w=WORDS[(i + j) % len(WORDS)] + WORDS[k],
                                      f=text))
        if k == 0:
            lines += KEEP_LINES
        lines.append(END + " " + fs[i][1])
        p = os.path.join(root, name)
        with open(p, "w") as out:
            out.write("\n".join(lines) + "\n")
        paths.append(p)
    # A tar whose members are named by identifiers; a line over the cap in one of them makes a
    # warning on stderr that names it.
    mu, ms = udid_new(), serial()
    names += [mu, ms]
    tp = os.path.join(root, "device-logs.tar.gz")
    with tarfile.open(tp, "w:gz") as t:
        for mname, data in [("iPhone_%s_backup/long.log" % mu, b"x" * 70000 + b"\n"),
                            ("SerialNumber_%s/restore.log" % ms,
                             ("\n".join([START, "ERROR: tarline failed", END]) + "\n").encode())]:
            ti = tarfile.TarInfo(mname)
            ti.size = len(data)
            ti.mtime = 1700000000
            import io
            t.addfile(ti, io.BytesIO(data))
    paths.append(tp)
    return paths, fs, names


def survivors(text, values):
    """The values (and the digits of grouped ones) found in text."""
    found = []
    low = text.lower()
    for v in values:
        if v.lower() in low:
            found.append(v)
            continue
        compact = re.sub(r"[ ().-]", "", v)
        if compact != v and len(compact) >= 7 and compact.lower() in low:
            found.append(v)
    return found


def run(exe, args, env=None):
    r = subprocess.run([exe] + args, capture_output=True, env=env)
    return r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def on_tty(exe, args, env):
    """Run with stderr on a pseudo-terminal (the progress line is drawn); return what it drew."""
    master, slave = pty.openpty()
    p = subprocess.Popen([exe] + args, stdout=subprocess.DEVNULL, stderr=slave, env=env)
    os.close(slave)
    out = b""
    while True:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        elif p.poll() is not None:
            break
    p.wait()
    os.close(master)
    return out.decode("utf-8", "replace")


def multipart(files):
    boundary = "----la-redaction-%d" % rnd.randrange(10 ** 9)
    body = b""
    for name, data in files:
        body += ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n" % (boundary, name)).encode()
        body += data + b"\r\n"
    body += ("--%s--\r\n" % boundary).encode()
    return boundary, body


def serve_texts(exe, paths, extra, env, tmp):
    """Upload the inputs to `serve`; return the JSON answer and the stored report's HTML."""
    port_file = os.path.join(tmp, "port-%d" % len(extra))
    p = subprocess.Popen([exe, "serve", "--listen", "127.0.0.1:0", "--port-file", port_file]
                         + extra, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        for _ in range(200):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            if p.poll() is not None:
                return None           # serve not built (no libmicrohttpd) or cannot listen
            time.sleep(0.05)
        port = open(port_file).read().strip()
        base = "http://" + port          # the file holds HOST:PORT
        page = urllib.request.urlopen(base + "/", timeout=30).read().decode()
        token = re.search(r'name="la-token" content="([0-9a-f]{64})"', page).group(1)
        boundary, body = multipart([(os.path.basename(x), open(x, "rb").read())
                                    for x in paths])
        rq = urllib.request.Request(base + "/analyze", data=body, method="POST", headers={
            "Content-Type": "multipart/form-data; boundary=" + boundary, "X-LA-Token": token})
        answer = urllib.request.urlopen(rq, timeout=120).read().decode()
        report = json.loads(answer).get("report", "")
        html = urllib.request.urlopen(base + report, timeout=30).read().decode() \
            if report else ""
        return answer, html
    finally:
        p.terminate()
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        p.stderr.close()


def main():
    exe = os.path.abspath(sys.argv[1])
    env = dict(os.environ)
    env.pop("LOGANALYZE_NO_PROGRESS", None)
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "in")
        os.mkdir(root)
        paths, fs, names = write_corpus(root)
        kinds = {k for k, _, _ in fs}
        check(len(fs) >= 60 and kinds == {"ecid", "udid", "serial", "imei", "email", "phone"},
              "the corpus has %d forms of %d kinds (want 60+ of 6)" % (len(fs), len(kinds)))
        values = [v for _, _, vs in fs for v in vs] + names
        common = ["--exit-zero", "--redact-key", "k"]

        for fmt in FORMATS:
            out, err = run(exe, common + ["--format", fmt] + paths, env)
            raw, _ = run(exe, common + ["--no-redact", "--format", fmt] + paths, env)
            leaked = survivors(out, values)
            check(not leaked, "%s: identifiers survive: %s" % (fmt, leaked[:5]))
            shown = survivors(raw, values)
            check(len(shown) >= 5, "%s with --no-redact shows only %d identifiers "
                  "(the check would prove nothing)" % (fmt, len(shown)))
            leaked = survivors(err, values)
            check(not leaked, "%s: stderr: identifiers survive: %s" % (fmt, leaked[:5]))
            if fmt == "json":
                # Every form reaches the report unredacted, so each is tested.
                missing = [t for _, t, vs in fs if not survivors(raw, vs)]
                check(not missing, "json with --no-redact lacks forms: %s" % missing[:5])
                for k in KEEP:
                    check(k in out, "json: ordinary text '%s' was redacted" % k)
        _, raw_err = run(exe, common + ["--no-redact", "--format", "json"] + paths, env)
        check(survivors(raw_err, names), "stderr with --no-redact names no member by its "
              "identifier (the check would prove nothing)")

        for fmt in ["text", "json"]:
            out, err = run(exe, ["inspect", "--format", fmt] + paths, env)
            leaked = survivors(out + err, values)
            check(not leaked, "inspect %s: identifiers survive: %s" % (fmt, leaked[:5]))
            check("restore.log" in out, "inspect %s lists no member" % fmt)

        drawn = on_tty(exe, common + ["--format", "json", "-o", os.path.join(tmp, "p.json")]
                       + paths, env)
        raw = on_tty(exe, common + ["--no-redact", "--format", "json", "-o",
                                    os.path.join(tmp, "p.json")] + paths, env)
        check("/%d files" % len(paths) in drawn, "no progress bar was drawn on the terminal")
        leaked = survivors(drawn, values)
        check(not leaked, "progress bar: identifiers survive: %s" % leaked[:5])
        # The bar names no input at all (issue 18); with --no-redact it is drawn all the same.
        check("/%d files" % len(paths) in raw, "progress bar with --no-redact: not drawn")

        served = serve_texts(exe, paths, ["--redact-key", "k"], env, tmp)
        if served is None:
            print("note: `serve` did not start (built without libmicrohttpd?); serve not checked")
            served = raw_served = ('"ok": true', "")
        else:
            raw_served = serve_texts(exe, paths, ["--no-redact"], env, tmp)
        (answer, html), (raw_answer, raw_html) = served, raw_served
        check('"ok": true' in answer or '"ok":true' in answer, "serve: the upload failed")
        leaked = survivors(answer, values)
        check(not leaked, "serve answer: identifiers survive: %s" % leaked[:5])
        leaked = survivors(html, values)
        check(not leaked, "serve report: identifiers survive: %s" % leaked[:5])
        check(not raw_html or (survivors(raw_answer, names) and survivors(raw_html, values)),
              "serve with --no-redact shows no identifier (the check would prove nothing)")

    print("checked %d identifier forms (%d values)" % (len(fs), len(values)))
    print("%d passed, %d failed" % (checks - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
