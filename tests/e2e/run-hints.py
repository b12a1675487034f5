#!/usr/bin/env python3
"""How the words of a failure are told from other lines when no rule knows the line.

    tests/e2e/run-hints.py LOGANALYZE SOURCE_ROOT

A line no rule explains is an error line (one that can end a run: docs/internals/analyze.md)
when it holds one of the prefilter's hint words (src/rules/prefilter.c).  The vocabulary
packs (rules/vocab/*.yaml) list, from the producers' sources, every message a restore tool
prints when something fails (`messages:`) and the lines it prints that are not failures
(`ignored:` prompts, traces, usage text).  Each is written after a run's start line, in a
restore tool's output and in a system log, and analysed with one rule only (the start), so
that nothing but the hint words can make the line end the run:

1. in a tool's output, at least 84 % of the failure messages end the run as failed (85 % today; the
   first three words alone, "error", "fail", "panic(", read 45 % of them);
2. at most 45 % of the prompts and traces do (those say nothing failed; 43 % do today,
   25 % with the first three words alone: a prompt can say "invalid choice");
3. in a system log (syslog) only the first three words count: a message without them is no
   failure there ("Couldn't get asset 7 path, skipping to next asset");
4. a few lines of tools no pack knows end a run as failed ("[!] Something went terribly
   wrong", "Terminated"), and lines that only report progress do not.

Stdlib only; exit 1 on a failed check.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

from checks import check, result  # (tests/e2e/checks.py)

import vocab_lines  # (tests/e2e/vocab_lines.py)

START_RULE = """rules:
  - id: t.start
    title: a restore tool starts
    kind: attempt
    match: {s: {contains: "restoretool 1.0 starts"}}
    samples: ["restoretool 1.0 starts"]
    not: ["y"]
"""
BASE = re.compile(r"error|fail|panic\(", re.I)


def pack_lines(root):
    """(kind, line): 'message' for every failure message, the ignore kind for the others."""
    out = []
    for path in sorted(os.listdir(os.path.join(root, "rules", "vocab"))):
        if not path.endswith(".yaml"):
            continue
        section, kind = None, None
        with open(os.path.join(root, "rules", "vocab", path), encoding="utf-8") as f:
            for line in f:
                if not line.startswith(" "):
                    section = line.split(":")[0]
                    continue
                m = re.match(r'^\s+(?:- )?(format|ignore): (.*)$', line)
                if not m:
                    continue
                if m.group(1) == "format":
                    fmt = json.loads(m.group(2)) if m.group(2).startswith('"') else m.group(2)
                    kind = "message" if section == "messages" else None
                    cur = vocab_lines.fill(fmt)
                    if kind and re.search(r"[A-Za-z]{3}", cur):
                        out.append((kind, cur))
                    elif section == "ignored":
                        pending = cur
                elif section == "ignored" and re.search(r"[A-Za-z]{3}", pending):
                    out.append((m.group(2).strip(), pending))
    return out


def outcomes(exe, rules, texts, suffix):
    tmp = tempfile.mkdtemp()
    paths = []
    for i, t in enumerate(texts):
        p = os.path.join(tmp, "%05d%s" % (i, suffix))
        with open(p, "w", encoding="utf-8") as f:
            f.write(t)
        paths.append(p)
    p = subprocess.run([exe, "--no-default-rules", "--rules", rules, "--format", "ndjson",
                        "--deterministic", "--exit-zero", "-q", "-j", "1"] + paths,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if p.returncode != 0:
        raise SystemExit("loganalyze exited %d: %s" % (p.returncode, p.stderr.decode()))
    reps = [json.loads(x)["report"] for x in p.stdout.decode().splitlines() if '"report"' in x]
    by = {r["input"]: r["outcome"] for r in reps}
    return [by.get(x) for x in paths]


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().split("\n")[2].strip(), file=sys.stderr)
        return 2
    exe, root = sys.argv[1], sys.argv[2]
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(START_RULE)
        rules = f.name
    lines = pack_lines(root)
    msgs = [l for k, l in lines if k == "message"]
    quiet = [l for k, l in lines if k in ("prompt", "trace")]
    check(len(msgs) > 2000 and len(quiet) > 50,
          "vocabulary packs: %d failure messages, %d prompts and traces" % (len(msgs), len(quiet)))

    tool = outcomes(exe, rules, ["restoretool 1.0 starts\n%s\n" % l for l in msgs + quiet],
                    ".txt")
    got = sum(o == "failed" for o in tool[:len(msgs)])
    base = sum(bool(BASE.search(l)) for l in msgs)
    check(got >= 0.84 * len(msgs), "in a tool's output %d of %d failure messages (%d %%) end "
          "the run as failed (the first three words alone: %d %%)" %
          (got, len(msgs), 100 * got // len(msgs), 100 * base // len(msgs)))
    fp = sum(o == "failed" for o in tool[len(msgs):])
    check(fp <= 0.45 * len(quiet), "%d of %d prompts and traces (%d %%) do" %
          (fp, len(quiet), 100 * fp // len(quiet)))

    plain = [l for l in msgs if not BASE.search(l)][:300]
    sys_lines = ["Jun  8 16:30:%02d mac restoretool[812]: %s\n" % (i % 60, l)
                 for i, l in enumerate(plain)]
    sysout = outcomes(exe, rules, ["Jun  8 16:30:00 mac restoretool[812]: restoretool 1.0 "
                                   "starts\n" + s for s in sys_lines], ".log")
    wrong = sum(o == "failed" for o in sysout)
    check(len(plain) > 100 and wrong == 0,
          "in a system log none of %d failure messages without the first three words ends "
          "the run as failed (%d do)" % (len(plain), wrong))
    # Lines of tools no pack knows, each the last of a run: the words of a failure end it,
    # a line that only reports progress does not.
    ending = {"[!] Something went terribly wrong": "failed",
              "Exception: the device did not answer": "failed",
              "[x] device not found": "failed",
              "ideviceinfo: No such file or directory": "failed",
              "Unknown component 'iBEC2'": "failed",
              "Unrecognized option --latest-sep": "failed",
              "Device not detected": "failed",
              "iPSW is corrupt": "failed",
              "Terminated": "failed",
              "Sending iBEC now": "inconclusive",
              "Waiting for the device to reconnect": "inconclusive",
              # An instruction is no failure ("must" is no hint word for that reason).
              "You must restore this iPhone before it can be used with iTunes.":
              "inconclusive"}
    got = outcomes(exe, rules, ["restoretool 1.0 starts\n%s\n" % l for l in ending], ".txt")
    for (line, want), o in zip(ending.items(), got):
        check(o == want, "a run ending on %r is %s (%s)" % (line, want, o))
    os.unlink(rules)
    return result()


if __name__ == "__main__":
    sys.exit(main())
