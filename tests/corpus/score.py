#!/usr/bin/env python3
"""Score loganalyze on the real-log corpus (tests/corpus/real/), per half.

    tests/corpus/score.py LOGANALYZE [--half tuning|blind|all] [--details]
                          [--markdown] [--json] [--min-tuning M=RATE ...]

For every excerpt it runs `LOGANALYZE --format json` on the .log and compares the report
with the labels in the .json (which come from the thread, never from the tool):

  outcome  the report's outcome equals the expected one (failed, succeeded, inconclusive);
  cause    expected cause id: the first listed cause is that id and the report does not
           call the diagnosis unclear; expected "unclear": the report says the cause is
           unclear (diagnosis.level "unclear", or, from reports without a diagnosis object,
           an inconclusive outcome or no cause); expected "none": no cause is listed;
  codes    every printed code of the label is among the report's codes (error_codes, or
           the codes[] list with numbering spaces where the report has one); excerpts
           whose label prints no code are not counted.

Per-excerpt lines are printed for the tuning half only: the blind half is reported as
totals, so nobody reads a blind miss and tunes a rule to it (README.md beside this file).
--show-blind lifts that, for the record of a release, never while writing rules.
--min-tuning outcome=0.9 fails (exit 1) when a tuning-half rate drops below the floor: a
regression guard for meson test. Exit 2 on a broken corpus or a loganalyze that fails.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "real")
MEASURES = ("outcome", "cause", "codes")


def load_split():
    halves = {}
    with open(os.path.join(REAL, "SPLIT.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            ident, half, _url = line.rstrip("\n").split("\t")
            halves[ident] = half
    return halves


def run(exe, log):
    p = subprocess.run([exe, "--format", "json", "--deterministic", "--redact-key", "corpus",
                        "--exit-zero", "-q", "-j", "1", log],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if p.returncode != 0:
        raise RuntimeError("%s: loganalyze exited %d: %s" %
                           (log, p.returncode, p.stderr.decode("utf-8", "replace").strip()))
    doc = json.loads(p.stdout)
    return doc["reports"][0]


def reported_codes(rep):
    codes = set()
    for c in rep.get("error_codes") or []:
        codes.add(c)
    for c in rep.get("codes") or []:
        if isinstance(c, dict) and isinstance(c.get("code"), int):
            codes.add(c["code"])
    return codes


def says_unclear(rep):
    diag = rep.get("diagnosis")
    if isinstance(diag, dict) and "level" in diag:
        return diag["level"] == "unclear"
    return rep.get("outcome") == "inconclusive" or not rep.get("causes")


def judge(exp, rep):
    """Per measure: True, False, or None (not counted)."""
    causes = rep.get("causes") or []
    top = causes[0]["id"] if causes else None
    want = exp["cause"]
    if want == "none":
        cause_ok = not causes
    elif want == "unclear":
        cause_ok = says_unclear(rep)
    else:
        cause_ok = top == want and not says_unclear(rep)
    codes = exp.get("codes") or []
    return {
        "outcome": rep.get("outcome") == exp["outcome"],
        "cause": cause_ok,
        "codes": all(c in reported_codes(rep) for c in codes) if codes else None,
    }, top


def rate(n, d):
    return "%d/%d (%d %%)" % (n, d, round(100.0 * n / d)) if d else "—"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("loganalyze")
    ap.add_argument("--half", choices=("tuning", "blind", "all"), default="all")
    ap.add_argument("--details", action="store_true", help="one line per tuning excerpt")
    ap.add_argument("--show-blind", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--markdown", action="store_true", help="totals as a Markdown table")
    ap.add_argument("--json", action="store_true", help="totals as JSON")
    ap.add_argument("--min-tuning", action="append", default=[], metavar="MEASURE=RATE")
    a = ap.parse_args()

    halves = load_split()
    totals = {h: {m: [0, 0] for m in MEASURES} for h in ("tuning", "blind")}
    counts = {"tuning": 0, "blind": 0}
    lines = []
    for ident in sorted(halves):
        half = halves[ident]
        if a.half != "all" and half != a.half:
            continue
        with open(os.path.join(REAL, ident + ".json"), encoding="utf-8") as f:
            meta = json.load(f)
        try:
            rep = run(a.loganalyze, os.path.join(REAL, ident + ".log"))
        except (RuntimeError, ValueError, KeyError, IndexError) as e:
            print("score.py: %s" % e, file=sys.stderr)
            return 2
        verdict, top = judge(meta["expected"], rep)
        counts[half] += 1
        for m in MEASURES:
            if verdict[m] is not None:
                totals[half][m][1] += 1
                totals[half][m][0] += bool(verdict[m])
        if a.details and (half == "tuning" or a.show_blind):
            marks = " ".join("%s:%s" % (m, "-" if verdict[m] is None else
                                         "ok" if verdict[m] else "MISS") for m in MEASURES)
            lines.append("%-6s %-55s %s  expected %s/%s %s, reported %s/%s %s" % (
                half, ident, marks, meta["expected"]["outcome"], meta["expected"]["cause"],
                meta["expected"].get("codes") or [], rep.get("outcome"), top,
                sorted(reported_codes(rep))))

    for l in lines:
        print(l)
    if a.json:
        print(json.dumps({"excerpts": counts, "rates": {
            h: {m: {"right": totals[h][m][0], "counted": totals[h][m][1]} for m in MEASURES}
            for h in totals}}, indent=2, sort_keys=True))
    else:
        shown = ("tuning", "blind") if a.half == "all" else (a.half,)
        if a.markdown:
            print("| half | excerpts | outcome right | top cause right | printed codes found |")
            print("|---|---|---|---|---|")
            for h in reversed(shown):
                print("| %s | %d | %s | %s | %s |" % (h, counts[h], *(rate(*totals[h][m])
                                                                   for m in MEASURES)))
        else:
            for h in reversed(shown):
                print("%s half, %d excerpts: outcome %s, top cause %s, codes %s" % (
                    h, counts[h], *(rate(*totals[h][m]) for m in MEASURES)))
    status = 0
    for floor in a.min_tuning:
        m, _, r = floor.partition("=")
        if m not in MEASURES:
            print("score.py: unknown measure '%s'" % m, file=sys.stderr)
            return 2
        n, d = totals["tuning"][m]
        if d and n / d < float(r):
            print("score.py: tuning-half %s rate %s is below the floor %s" % (m, rate(n, d), r),
                  file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
