#!/usr/bin/env python3
"""The fallback rules of rules/wording.yaml: precise, and read only where nothing else does.

    tests/e2e/run-wording.py LOGANALYZE SOURCE_ROOT

1. Precision against the vocabulary packs.  Every message of rules/vocab/*.yaml was
   classified one by one from its producer's sources; a wording pattern that matches a
   message's format must name that message's own cause.  The check fails on any
   disagreement and prints how many pack messages each rule reads.
2. The engine's use of them, on small pasted logs: the wording of the line that ended the
   run decides when no rule explains it (diagnosis `likely`, never `confident`); the same
   words on a line before the one that ended the run, or on an ending line a producer's
   message explains, do not count; they never turn a paste into a failed restore.

Stdlib only; exit 1 on a failed check.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

from checks import check, result  # (tests/e2e/checks.py)


def wording_rules(path):
    """(id, cause, [regex, ...]) per rule, read from the file's plain layout."""
    rules, cur = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"  - id: (\S+)$", line)
            if m:
                cur = [m.group(1), None, []]
                rules.append(cur)
                continue
            m = re.match(r"    cause: (\S+)$", line)
            if m and cur:
                cur[1] = m.group(1)
                continue
            m = re.match(r'      \w+: \{re: (".*")\}$', line)
            if m and cur:
                cur[2].append(json.loads(m.group(1)))
    return rules


def pack_messages(root):
    sys.path.insert(0, os.path.join(root, "scripts", "vocab"))
    from generate import load_pack  # noqa: E402  (the packs' own reader)
    out = []
    for p in sorted(glob.glob(os.path.join(root, "rules", "vocab", "*.yaml"))):
        head, messages, _ignored = load_pack(p)
        for m in messages:
            out.append((head.get("producer", os.path.basename(p)), m["format"], m["cause"]))
    return out


def python_regex(pcre):
    # The patterns use (?i) at the start, \b, \S and groups: the same in Python's re.
    return re.compile(pcre)


def precision(root):
    rules = wording_rules(os.path.join(root, "rules", "wording.yaml"))
    msgs = pack_messages(root)
    check(len(rules) >= 5 and all(r[1] and r[2] for r in rules),
          "rules/wording.yaml: %d rules, each with a cause and patterns" % len(rules))
    check(len(msgs) > 1000, "vocabulary packs: %d messages" % len(msgs))
    for rid, cause, pats in rules:
        rx = [python_regex(p) for p in pats]
        hits = [(prod, fmt, c) for prod, fmt, c in msgs if any(r.search(fmt) for r in rx)]
        wrong = [h for h in hits if h[2] != cause]
        for prod, fmt, c in wrong:
            print("     %s reads %s message %r as %s, the pack says %s" %
                  (rid, prod, fmt[:100], cause, c))
        check(not wrong, "%s: %d pack messages read, all as %s" % (rid, len(hits), cause))


def run(exe, text):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        p = subprocess.run([exe, "--format", "json", "--deterministic", "--exit-zero", "-q",
                            path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        if p.returncode != 0:
            raise SystemExit("loganalyze exited %d: %s" % (p.returncode, p.stderr.decode()))
        return json.loads(p.stdout)["reports"][0]
    finally:
        os.unlink(path)


def summary(rep):
    d = rep.get("diagnosis") or {}
    line = d.get("line") or {}
    top = rep["causes"][0]["id"] if rep.get("causes") else None
    return rep["outcome"], d.get("level"), top, line.get("rule")


def engine(exe):
    # A wrapper no pack knows (made up here: a real one's words would be in its pack).
    cmd = "$ ./blobsmith -d iPhone10,4 -i 13.5 -f custom.ipsw -r\n[INFO] Checking device...\n"
    end = "[ERROR] This release of blobsmith cannot be used with your helper. Exiting...\n"

    o, lvl, top, rule = summary(run(exe, cmd + end))
    check((o, lvl, top, rule) == ("failed", "likely", "host-software", "wording.tool-unsupported"),
          "an unknown wrapper's ending line names the tool: %s" % [o, lvl, top, rule])

    o, lvl, top, rule = summary(run(exe, cmd + end + "[ERROR] Exiting with status 1\n"))
    check(o == "failed" and lvl == "unclear" and rule != "wording.tool-unsupported",
          "the same words before the line that ended the run do not count: %s" %
          [o, lvl, top, rule])

    o, lvl, top, rule = summary(run(exe, cmd + "This feature is not implemented yet\n"
                                    "ERROR: Unable to send iBEC to device.\n"))
    check(rule != "wording.tool-unsupported",
          "an ending line a producer's message explains keeps its reading: %s" %
          [o, lvl, top, rule])

    o, lvl, top, rule = summary(run(exe, "notes from the repair bench\n"
                                    "this cable is not compatible with the dock\n"))
    check(o == "no-restore-found", "the words alone make no restore: %s" % o)

    o, lvl, top, rule = summary(run(exe, cmd + "[ERROR] Not enough free space to extract "
                                    "the IPSW. Exiting...\n"))
    check((o, lvl, top) == ("failed", "likely", "host-environment"),
          "disk space on the ending line names the computer: %s" % [o, lvl, top, rule])


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().split("\n")[2].strip(), file=sys.stderr)
        return 2
    exe, root = sys.argv[1], sys.argv[2]
    precision(root)
    engine(exe)
    return result()


if __name__ == "__main__":
    sys.exit(main())
