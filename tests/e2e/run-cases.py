#!/usr/bin/env python3
"""Per-device cases (issue 18): an input holding several devices is split into one report per
device; --each and --join; identities redacted in every output.

Fixtures are generated from the samples (real formats) in a temporary folder:
  two/        two devices' idevicerestore logs (different ECIDs) and a note naming no device
  one/        one device's idevicerestore log cut into three files; only the first and the
              last name the ECID (decimal, then hex): one case, the same report as --join
  shop.zip    two customers' sub-folders (an idevicerestore log each, one with an iTunes log
              beside it that names no device) and a third sub-folder whose device-side log
              names no device but tells a restore story (a case by folder)
  many/       LA_MAX_CASES + 1 devices: the cap and its warning

Usage: run-cases.py LOGANALYZE SAMPLES_DIR
"""
import json
import os
import subprocess
import sys
import tempfile
import zipfile

EXE, SAMPLES = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
MAX_CASES = 256                     # LA_MAX_CASES, src/core/limits.h
ECID_A, ECID_B = 6452184121622574, 232787670871070   # idevicerestore-disconnect-usb / -success
FORMATS = ["json", "ndjson", "text", "markdown", "html", "junit", "sarif", "github"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args, stdin=None):
    p = subprocess.run([EXE, "--deterministic", "--redact-key", "cases", *args],
                       capture_output=True, text=True, input=stdin,
                       env=dict(os.environ, LOGANALYZE_NO_PROGRESS="1"))
    check(p.returncode in (0, 1), "%s: exit %d: %s" % (args, p.returncode, p.stderr[-400:]))
    return p


def reports(*args):
    p = run("--format", "json", *args)
    return json.loads(p.stdout)["reports"], p.stderr


def sample(name):
    return os.path.join(SAMPLES, name)


def raw_forms(ecid):
    return [str(ecid), "%x" % ecid, "%X" % ecid, "%016x" % ecid, "%016X" % ecid]


def warning_codes(rep):
    return [w["code"] for w in rep["warnings"]]


def main():
    tmp = tempfile.mkdtemp(prefix="la-cases-")
    os.chdir(tmp)
    os.mkdir("two")
    a = open(sample("idevicerestore-disconnect-usb.log")).read()
    b = open(sample("idevicerestore-success.log")).read()
    check(("ECID: %d" % ECID_A) in a and ("ECID: %d" % ECID_B) in b, "the samples' ECIDs moved")
    open("two/dev-a.log", "w").write(a)
    open("two/dev-b.log", "w").write(b)
    open("two/notes.txt", "w").write("customer says the phone was dropped last week\n")

    # -- two devices in one folder: two cases, each its own verdict, the note unattributed
    reps, err = reports("two")
    check(len(reps) == 2, "two devices: %d reports" % len(reps))
    if len(reps) == 2:
        ca, cb = reps[0]["case"], reps[1]["case"]
        check([ca["index"], ca["of"], cb["index"], cb["of"]] == [1, 2, 2, 2], "case numbers")
        check(ca["split"] == cb["split"] == "device", "split by device")
        check(ca["device"].startswith("ecid-") and cb["device"].startswith("ecid-") and
              ca["device"] != cb["device"], "device tokens: %s %s" % (ca["device"], cb["device"]))
        check(reps[0]["outcome"] == "failed" and reps[0]["causes"][0]["id"] == "usb-link",
              "device A failed on the USB link")
        check(reps[1]["outcome"] == "succeeded", "device B succeeded")
        check([m["path"] for m in reps[0]["members"]] == ["two/dev-a.log"], "A's members")
        check([m["path"] for m in reps[1]["members"]] == ["two/dev-b.log"], "B's members")
        for r in reps:
            check(r["case"]["unattributed"] == ["two/notes.txt"] and
                  r["case"]["unattributed_count"] == 1, "the note is unattributed")
            check("LA121" in warning_codes(r) and "LA122" in warning_codes(r), "LA121/LA122")
            check(r["input"] == "two", "input stays the path")
    check("note[LA121]" in err, "the split is said on stderr")
    summary = json.loads(run("--format", "json", "two").stdout)["summary"]
    check(summary["inputs"] == 2 and summary["failed"] == 1 and summary["succeeded"] == 1,
          "the summary counts cases: %s" % summary)

    # -- --join: one case, today's report (no case object)
    reps, _ = reports("--join", "two")
    check(len(reps) == 1 and "case" not in reps[0], "--join gives one report")

    # -- --each: every top-level item of the folder, every command-line item
    reps, _ = reports("--each", "two")
    check([r["case"]["unit"] for r in reps] == ["dev-a.log", "dev-b.log", "notes.txt"] and
          all(r["case"]["split"] == "each" for r in reps), "--each on a folder")
    reps, _ = reports("--each", "two/dev-a.log", "two/dev-b.log")
    check(len(reps) == 2 and all("case" not in r for r in reps), "--each on two files")

    # -- no raw identity in any output with redaction on; the values with --no-redact
    for f in FORMATS:
        p = run("--format", f, "two")
        for form in raw_forms(ECID_A) + raw_forms(ECID_B):
            check(form not in p.stdout and form not in p.stderr,
                  "%s output leaks the ECID spelling %s" % (f, form))
    reps, _ = reports("--no-redact", "two")
    check([r["case"]["device"] for r in reps] == ["0x%x" % ECID_A, "0x%x" % ECID_B],
          "--no-redact shows the ECIDs")

    # -- one device's logs over three files: one case, as --join reads it
    os.mkdir("one")
    lines = a.splitlines(True)
    third = len(lines) // 3
    open("one/restore-1.log", "w").writelines(lines[:third])
    open("one/restore-2.log", "w").writelines(
        [l for l in lines[third:2 * third] if "ECID" not in l])
    open("one/restore-3.log", "w").writelines(["ECID: 0x%X\n" % ECID_A] + lines[2 * third:])
    check(any("ECID: %d" % ECID_A in l for l in lines[:third]), "the ECID is in part 1")
    auto = run("--format", "json", "one").stdout
    join = run("--format", "json", "--join", "one").stdout
    reps = json.loads(auto)["reports"]
    check(len(reps) == 1 and "case" not in reps[0], "one device over three files: one case")
    check(auto == join, "one device: the same report as --join")
    check(reps[0]["outcome"] == "failed", "one device: failed")
    reps, _ = reports("--each", "one")
    check(len(reps) == 3, "--each splits the three files")

    # -- a zip holding customers' sub-folders
    with zipfile.ZipFile("shop.zip", "w") as z:
        z.write(sample("idevicerestore-disconnect-usb.log"), "shop/cust-a/restore.log")
        z.write(sample("itunes12-win-4013-usb.log"), "shop/cust-a/iTunes Restore.log")
        z.write(sample("idevicerestore-success.log"), "shop/cust-b/restore.log")
        z.write(sample("restored-bbupdater-baseband.log"), "shop/cust-c/restored.log")
    reps, _ = reports("shop.zip")
    check(len(reps) == 3, "shop.zip: %d cases" % len(reps))
    if len(reps) == 3:
        check([r["case"]["split"] for r in reps] == ["device", "device", "folder"], "splits")
        check([r["case"]["unit"] for r in reps] == ["cust-a", "cust-b", "cust-c"], "units")
        check([m["path"] for m in reps[0]["members"]] ==
              ["shop.zip!/shop/cust-a/restore.log", "shop.zip!/shop/cust-a/iTunes Restore.log"],
              "the iTunes log beside device A joins its case")
        check([r["outcome"] for r in reps] == ["failed", "succeeded", "failed"], "outcomes")
        check(reps[2]["causes"][0]["id"] == "baseband", "cust-c: baseband")
        check(all(r["case"]["unattributed_count"] == 0 for r in reps), "nothing unattributed")
    text = run("shop.zip").stdout
    check("Case:    2 of 3: device ecid-" in text and "Case:    3 of 3: cust-c, split by folder"
          in text, "the text report says the case")
    junit = run("--format", "junit", "shop.zip").stdout
    names = [l.split(' name="', 1)[1].split('"', 1)[0] for l in junit.splitlines()
             if "<testcase " in l]
    check(len(names) == 3 and len(set(names)) == 3 and
          names[2] == "shop.zip (case 3 of 3: cust-c, split by folder)",
          "one JUnit testcase per case, named apart: %s" % names)
    gh = [l for l in run("--format", "github", "shop.zip").stdout.splitlines()
          if l.startswith("loganalyze: shop.zip")]
    check(len(gh) == 3 and gh[2].startswith(
        "loganalyze: shop.zip (case 3 of 3: cust-c, split by folder): FAILED"),
          "one GitHub plain line per case: %s" % gh)
    check("| Case | 1 of 3: device ecid-" in run("--format", "markdown", "shop.zip").stdout,
          "the Markdown report says the case")
    check("<dt>Case</dt><dd>3 of 3: cust-c, split by folder</dd>" in
          run("--format", "html", "shop.zip").stdout, "the HTML report says the case")
    # a folder of customers' archives: a device and a story, named by their archives
    os.mkdir("custs")
    with zipfile.ZipFile("custs/anna.zip", "w") as z:
        z.write(sample("idevicerestore-disconnect-usb.log"), "restore.log")
    with zipfile.ZipFile("custs/ben.zip", "w") as z:
        z.write(sample("restored-bbupdater-baseband.log"), "logs/restored.log")
    reps, _ = reports("custs")
    check([(r["case"]["split"], r["case"]["unit"]) for r in reps] ==
          [("device", "anna.zip"), ("folder", "ben.zip")], "a folder of customers' archives")
    # one device's two attempts in two sub-folders, tied by the ECID of the iBoot serial
    # string in both iTunes logs (fact.iboot-serial-ecid): one case, not two stories
    reps, _ = reports(sample("two-attempts-cables.zip"))
    check(len(reps) == 1 and "case" not in reps[0], "two attempts of one device: one case")
    # stdin cannot be read twice: one case, and a note saying so
    p = subprocess.run([EXE, "--format", "json", "--deterministic", "-"],
                       stdin=open("shop.zip", "rb"), capture_output=True)
    reps = json.loads(p.stdout)["reports"]
    check(len(reps) == 1 and "LA121" in warning_codes(reps[0]), "stdin is one case, with a note")

    # -- the cap: LA_MAX_CASES + 1 devices
    head = "".join(b.splitlines(True)[:12])
    check(("ECID: %d" % ECID_B) in head, "the success sample's ECID is in its first lines")
    os.mkdir("many")
    for i in range(MAX_CASES + 1):
        open("many/d%03d.log" % i, "w").write(head.replace(str(ECID_B), str(ECID_B + i)))
    reps, _ = reports("many")
    check(len(reps) == MAX_CASES, "the cap: %d cases" % len(reps))
    check(all("LA123" in warning_codes(r) for r in reps[:1]), "LA123 when the cap is reached")
    check(reps and reps[0]["case"]["unattributed_count"] == 1, "the device past the cap is "
          "in no case")

    if failures:
        print("%d check(s) failed in %s" % (len(failures), tmp))
        return 1
    print("cases: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
