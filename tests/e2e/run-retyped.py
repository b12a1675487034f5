#!/usr/bin/env python3
"""A restore tool's message retyped or re-cased is read as the message itself (issue 15 F).

    tests/e2e/run-retyped.py LOGANALYZE SOURCE_ROOT [--per-pack N] [--min-rate R]

Real pastes are sometimes retyped from a photo or pass through a forum or chat that changes
letter case: "error: unable to send ibec", "Error: Unable To Connect To Restored", an all-caps
line.  For a sample of every vocabulary pack's messages (rules/vocab/*.yaml: every k-th
`messages:` entry, at most --per-pack of each pack, default 40), each message is written alone
in a one-line log as `rules test` fills it in (tests/e2e/run-vocab-e2e.py), and again in lower
case, UPPER CASE and Title Case (each word's first letter upper, the rest lower).  All the logs
go through one batch run (`--format ndjson`), and a re-cased message counts as read when its
outcome and top cause are those of the message as written.  Only messages read as a failure
with a cause as written are sampled (the question is whether case changes the answer, not
whether the message is understood: run-vocab-e2e.py asks that), and a variant identical to
the original (no letter to change) is not counted.

The case-folded reading is tried only on a line that looks like an error (a hint word of
enum la_hint in src/rules/rules.h, HINTS below; a one-line log has no level): a message
without one ("Please attach only one device") is left as it reads.  So two rates are printed
per form, over all packs: of every re-cased message, and of those that look like an error;
exit 1 when the second is below --min-rate (default 0.95) or the first below --min-all
(default 0.75, a guard against the reading being lost).

Then the clean logs (samples/macos-system-clean.log, the successful samples, as written and
in lower and upper case) must not become a failure: the case-folded reading only adds to
what an error line says, it never makes a clean log fail.  Exit 1 when one does.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import vocab_lines  # (tests/e2e/vocab_lines.py)


def title(s):
    """Title Case as a person types it: each word's first letter upper, the rest lower
    (str.title() would also raise the letter after an apostrophe: "Can'T")."""
    return re.sub(r"[A-Za-z][A-Za-z']*", lambda m: m.group(0)[0].upper() + m.group(0)[1:].lower(),
                  s)


# enum la_hint's words (src/rules/rules.h), as the matcher finds them: any case.
HINTS = ("error", "fail", "panic(", "unable to ", "could not ", "cannot ", "fatal", "can't",
         "can\u2019t", "couldn't", "couldn\u2019t", "invalid", "unsupported", "not supported",
         "unexpected", "missing", "out of memory", "did not", "timed out", "denied", "refused",
         "does not match", "doesn't match", "mismatch", "refusing", "not valid", "not loaded",
         "incorrect")


def looks_like_error(line):
    low = line.lower()
    return any(h in low for h in HINTS)


FORMS = (("lower", str.lower), ("UPPER", str.upper), ("Title", title))
CLEAN = ("macos-system-clean.log", "idevicerestore-success.log", "itunes-win-success.log")


def answer(rep):
    return rep.get("outcome"), (rep.get("causes") or [{}])[0].get("id")


def sample(pack, per_pack):
    todo = []
    for ident, fmt, cause, _why in vocab_lines.entries(pack):
        line = vocab_lines.fill(fmt)
        if re.search(r"[A-Za-z]{3}", line):
            todo.append((ident, line))
    step = max(1, -(-len(todo) // per_pack))
    return todo[::step]


def packs_rates(exe, root, per_pack, tmp):
    """{form: [read, counted, read of error-looking, error-looking]} over all packs; prints
    the lines that differ."""
    total = {name: [0, 0, 0, 0] for name, _ in FORMS}
    for pack in sorted(glob.glob(os.path.join(root, "rules", "vocab", "*.yaml"))):
        picked = sample(pack, per_pack)
        lines = []
        for _, line in picked:
            lines.append(line)
            lines.extend(f(line) for _, f in FORMS)
        reps = vocab_lines.analyse_all(exe, tmp, lines)
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        per = {name: [0, 0, 0, 0] for name, _ in FORMS}
        n = len(FORMS) + 1
        for k, (ident, line) in enumerate(picked):
            want = answer(reps[k * n])
            if want[0] != "failed" or want[1] is None:
                continue
            for j, (name, f) in enumerate(FORMS):
                if f(line) == line:
                    continue
                got = answer(reps[k * n + 1 + j])
                err = looks_like_error(line)
                per[name][1] += 1
                per[name][3] += err
                if got == want:
                    per[name][0] += 1
                    per[name][2] += err
                else:
                    print("differs %s %s: %r -> %s/%s, as written %s/%s"
                          % (name, ident, f(line), got[0], got[1], want[0], want[1]))
        print("%s: %s" % (os.path.basename(pack), ", ".join(
            "%s %d/%d (error-looking %d/%d)" % ((name,) + tuple(v)) for name, v in per.items())))
        for name in per:
            for i in range(4):
                total[name][i] += per[name][i]
    return total


def clean_failures(exe, root, tmp):
    """The clean logs, as written and re-cased, that are reported failed."""
    paths = []
    for name in CLEAN:
        with open(os.path.join(root, "samples", name), encoding="utf-8") as f:
            text = f.read()
        for form, f in (("as-written", lambda s: s), ("lower", str.lower), ("upper", str.upper)):
            path = os.path.join(tmp, "%s.%s" % (form, name))
            with open(path, "w", encoding="utf-8") as out:
                out.write(f(text))
            paths.append(path)
    p = subprocess.run([exe, "-q", "--exit-zero", "--format", "ndjson"] + paths,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
                       universal_newlines=True)
    failed, seen = [], 0
    for raw in p.stdout.splitlines():
        rep = json.loads(raw).get("report")
        if rep is None:
            continue
        seen += 1
        print("clean %s: %s" % (os.path.basename(rep["input"]), rep.get("outcome")))
        if rep.get("outcome") == "failed":
            failed.append(rep["input"])
    if seen != len(paths):
        raise SystemExit("no report for some clean logs; exit %d: %s"
                         % (p.returncode, p.stderr[-500:]))
    return failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("exe")
    ap.add_argument("root")
    ap.add_argument("--per-pack", type=int, default=40)
    ap.add_argument("--min-rate", type=float, default=0.95)
    ap.add_argument("--min-all", type=float, default=0.75)
    a = ap.parse_args()
    bad = False
    with tempfile.TemporaryDirectory() as tmp:
        total = packs_rates(a.exe, a.root, a.per_pack, tmp)
        for name, (r, c, re_, ce) in total.items():
            rate, rate_e = (r / c if c else 1.0), (re_ / ce if ce else 1.0)
            low = rate < a.min_all or rate_e < a.min_rate
            bad |= low
            print("%s: %d of %d re-cased messages read as written (%.1f %%); of those that look "
                  "like an error %d of %d (%.1f %%)%s"
                  % (name, r, c, 100.0 * rate, re_, ce, 100.0 * rate_e,
                     ": BELOW %.0f %% / %.0f %%" % (100 * a.min_all, 100 * a.min_rate)
                     if low else ""))
        failed = clean_failures(a.exe, a.root, tmp)
    for path in failed:
        print("clean log reported failed: %s" % os.path.basename(path))
    return 1 if bad or failed else 0


if __name__ == "__main__":
    sys.exit(main())
