#!/usr/bin/env python3
"""A restore tool no rule knows: what the general rules make of its error messages.

    tests/e2e/run-unseen.py LOGANALYZE SOURCE_ROOT [--show N]

The real-log corpus's blind half measures logs nobody tuned on, but it is small. This check
measures the same thing on a large scale: each producer's vocabulary pack (rules/vocab/,
with the other packs of the same tool family) is taken out of a copy of rules/ in turn, and
every message of that pack, filled in as `rules test` fills it, is analysed after a command
line that names an IPSW, as a paste from a tool nobody wrote rules for. What is left to read
it are the general mechanisms: the hint words that make a line an error line, the text that
names a restore, the failing line's own words (rules/wording.yaml) and the other producers'
packs and rules. It checks, over all producers:

1. at least 87 % of the messages end the run as failed (the outcome; 88 % today);
2. the cause is named (a `likely` or `confident` diagnosis) for at least 26 % of them (28 %);
3. where it is named, it is the message's own cause (its pack's classification, from the
   producer's sources) at least 86 % of the time (93 %).
(Without libusb's 537 messages, terse lines of a USB library that name no restore step, the
figures are 90 %, 33 % and 93 %; libusb's own are 80 %, 4 % and 100 %.)
The floors guard the general mechanisms against regressions; the figures are the measure.

Per producer the counts are printed; --show N lists N messages of each kind of miss.
Stdlib only; exit 1 on a failed check.
"""
import argparse
import collections
import os
import re
import shutil
import sys
import tempfile

import vocab_lines  # (tests/e2e/vocab_lines.py)

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import batch  # noqa: E402  (tests/batch.py: one run over many logs)

# A tool and its other packs (older releases, forks) are unseen together.
FAMILIES = {
    "futurerestore": ("futurerestore", "futurerestore-tihmstar", "futurerestore-legacy",
                      "futurerestore-2021"),
    "idevicerestore": ("idevicerestore", "idevicerestore-legacy"),
    "tsschecker": ("tsschecker", "tsschecker-legacy"),
    "inferius": ("inferius", "inferius-legacy"),
    "legacy-ios-kit": ("legacy-ios-kit", "legacy-ios-kit-ota-downgrader"),
}
FLOORS = {"failed": 0.87, "named": 0.26, "right": 0.86}


def family_of(pack):
    for head, members in FAMILIES.items():
        if pack in members:
            return head, members
    return pack, (pack,)


def run(exe, datadir, texts, tmp):
    env = dict(os.environ, LOGANALYZE_DATADIR=datadir,
               XDG_CACHE_HOME=os.path.join(tmp, "cache"))
    return batch.reports(exe, tmp, texts, name="%05d.txt", args=["--deterministic", "-j", "1"],
                         env=env)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("loganalyze")
    ap.add_argument("root")
    ap.add_argument("--show", type=int, default=0)
    a = ap.parse_args()
    vocab = os.path.join(a.root, "rules", "vocab")
    packs = sorted(f[:-5] for f in os.listdir(vocab) if f.endswith(".yaml"))
    families = sorted({family_of(p)[0] for p in packs})
    total = collections.Counter()
    misses = collections.defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        for fam in families:
            members = [p for p in packs if family_of(p)[0] == fam]
            datadir = os.path.join(tmp, "rules-" + fam)
            shutil.copytree(os.path.join(a.root, "rules"), datadir)
            for m in members:
                os.remove(os.path.join(datadir, "vocab", m + ".yaml"))
            cases = []
            for m in members:
                for _id, fmt, cause, _why in vocab_lines.entries(os.path.join(vocab, m + ".yaml")):
                    line = vocab_lines.fill(fmt)
                    if re.search(r"[A-Za-z]{3}", line):
                        cases.append((cause, line))
            texts = ["$ ./%s -i iPhone10,4_16.7.8_20H343_Restore.ipsw\n%s\n" % (fam, line)
                     for _c, line in cases]
            work = os.path.join(tmp, "logs-" + fam)
            os.mkdir(work)
            c = collections.Counter()
            for (cause, line), rep in zip(cases, run(a.loganalyze, datadir, texts, work)):
                level = (rep.get("diagnosis") or {}).get("level")
                top = (rep.get("causes") or [{}])[0].get("id")
                c["messages"] += 1
                if rep.get("outcome") != "failed":
                    misses["not failed"].append("%s: %s" % (fam, line))
                    continue
                c["failed"] += 1
                if level in ("likely", "confident"):
                    c["named"] += 1
                    if top == cause:
                        c["right"] += 1
                    else:
                        misses["named another cause"].append(
                            "%s: %s (%s, the pack says %s)" % (fam, line, top, cause))
            print("%-22s %4d messages: failed %4d, cause named %4d, right %4d" %
                  (fam, c["messages"], c["failed"], c["named"], c["right"]))
            total.update(c)
    n = total["messages"]
    print("%-22s %4d messages: failed %4d (%d %%), cause named %4d (%d %%), right %4d "
          "(%d %% of named)" % ("all", n, total["failed"], 100 * total["failed"] // n,
                                total["named"], 100 * total["named"] // n, total["right"],
                                100 * total["right"] // max(total["named"], 1)))
    for kind, lines in misses.items():
        for l in lines[:a.show]:
            print("  %s: %s" % (kind, l))
    bad = []
    if total["failed"] < FLOORS["failed"] * n:
        bad.append("failed")
    if total["named"] < FLOORS["named"] * n:
        bad.append("named")
    if total["right"] < FLOORS["right"] * total["named"]:
        bad.append("right")
    for b in bad:
        print("FAIL %s is below its floor %.2f" % (b, FLOORS[b]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
