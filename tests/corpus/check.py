#!/usr/bin/env python3
"""Validate the real-log corpus in tests/corpus/real/.

Every <NNN>-<slug>.json must have its <NNN>-<slug>.log beside it and hold:
  url           unique across the corpus (compared normalised, as split.py does)
  kind          non-empty string (github-issue, forum, ...)
  producer      non-empty string (idevicerestore, itunes, finder, futurerestore, ...)
  confirmation  the non-empty sentence of the thread that confirms the fix or cause
  expected      {"outcome": failed|succeeded|inconclusive,
                 "cause": a cause id of rules/data/causes.yaml, "unclear" or "none",
                 "codes": [integers], "stage": optional stage group of rules/data/stages.yaml}
  notes         non-empty string
and nothing else. The log must be non-empty and at most 450 lines. SPLIT.tsv must match
what split.py computes. Exits 1 with one message per problem. Stdlib only.

    tests/corpus/check.py [--exclude FILE]

--exclude FILE: a list of URLs (one a line) that must not be used as sources, e.g. the
project's list of URLs already used elsewhere; an excerpt whose url is in it is an error.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
REAL = os.path.join(HERE, "real")
sys.path.insert(0, HERE)
import split  # noqa: E402

OUTCOMES = {"failed", "succeeded", "inconclusive"}
KEYS = {"url", "kind", "producer", "confirmation", "expected", "notes"}
EXPECTED_KEYS = {"outcome", "cause", "codes", "stage"}
NAME = re.compile(r"^(\d{3})-[a-z0-9][a-z0-9-]*$")
MAX_LINES = 450


def section_values(name, key, value_re):
    """The values value_re captures in the lines under top-level `key:` of rules/data/NAME
    (no YAML library needed: the data files keep one entry a line)."""
    found, inside = [], False
    with open(os.path.join(REPO, "rules", "data", name), encoding="utf-8") as f:
        for line in f:
            if re.match(r"^%s:\s*$" % key, line):
                inside = True
                continue
            if inside and re.match(r"^\S", line) and not line.startswith("#"):
                inside = False
            m = re.match(value_re, line)
            if inside and m:
                found.append(m.group(1))
    return set(found)


def cause_ids():
    """The ids listed under `causes:` in rules/data/causes.yaml."""
    return section_values("causes.yaml", "causes", r"^  - id:\s*([a-z0-9-]+)\s*$")


def stage_groups():
    """The coarse stage groups: the values of `stage_groups:` in rules/data/stages.yaml."""
    return section_values("stages.yaml", "stage_groups", r"^  [^#\s][^:]*:\s*([a-z]+)\s*(#.*)?$")


def main():
    import argparse
    ap = argparse.ArgumentParser(description="validate tests/corpus/real")
    ap.add_argument("--exclude", metavar="FILE",
                    help="file of URLs (one a line) that excerpts must not use")
    args = ap.parse_args()
    excluded = set()
    if args.exclude:
        with open(args.exclude, encoding="utf-8") as f:
            for line in f:
                line = line.strip().rstrip(",;.")
                if line:
                    excluded.add(split.normalise(line))
    errs = []
    causes = cause_ids()
    if len(causes) != 9:
        errs.append("rules/data/causes.yaml: expected 9 cause ids, read %d" % len(causes))
    stages = stage_groups()
    allowed_causes = causes | {"unclear", "none"}
    seen_urls, seen_nums = {}, {}
    names = sorted(os.listdir(REAL))
    jsons = [n[:-5] for n in names if n.endswith(".json")]
    logs = [n[:-4] for n in names if n.endswith(".log")]
    for ident in sorted(set(logs) - set(jsons)):
        errs.append("%s.log: no %s.json beside it" % (ident, ident))
    for ident in jsons:
        where = ident + ".json"
        m = NAME.match(ident)
        if not m:
            errs.append("%s: name is not <NNN>-<slug> (lower-case slug)" % where)
        else:
            num = m.group(1)
            if num in seen_nums:
                errs.append("%s: number %s also used by %s" % (where, num, seen_nums[num]))
            seen_nums[num] = ident
        try:
            with open(os.path.join(REAL, where), encoding="utf-8") as f:
                d = json.load(f)
        except (OSError, ValueError) as e:
            errs.append("%s: unreadable JSON: %s" % (where, e))
            continue
        if not isinstance(d, dict):
            errs.append("%s: not a JSON object" % where)
            continue
        for k in sorted(KEYS - set(d)):
            errs.append("%s: missing key %r" % (where, k))
        for k in sorted(set(d) - KEYS):
            errs.append("%s: unknown key %r" % (where, k))
        for k in ("url", "kind", "producer", "confirmation", "notes"):
            if k in d and (not isinstance(d[k], str) or not d[k].strip()):
                errs.append("%s: %r must be a non-empty string" % (where, k))
        url = d.get("url")
        if isinstance(url, str) and url.strip():
            if not re.match(r"^https?://[^/\s]+/\S*$", url):
                errs.append("%s: url %r is not an http(s) URL" % (where, url))
            norm = split.normalise(url)
            if norm in excluded:
                errs.append("%s: url %s is in the exclude list" % (where, url))
            if norm in seen_urls:
                errs.append("%s: url %s already used by %s" % (where, url, seen_urls[norm]))
            seen_urls[norm] = ident
        e = d.get("expected")
        if not isinstance(e, dict):
            errs.append("%s: 'expected' must be an object" % where)
        else:
            for k in sorted({"outcome", "cause", "codes"} - set(e)):
                errs.append("%s: expected.%s missing" % (where, k))
            for k in sorted(set(e) - EXPECTED_KEYS):
                errs.append("%s: unknown key expected.%s" % (where, k))
            if "outcome" in e and e["outcome"] not in OUTCOMES:
                errs.append("%s: expected.outcome %r not one of %s" % (where, e["outcome"], sorted(OUTCOMES)))
            if "cause" in e and e["cause"] not in allowed_causes:
                errs.append("%s: expected.cause %r is not a cause id of rules/data/causes.yaml, 'unclear' or 'none'" % (where, e["cause"]))
            if e.get("outcome") == "succeeded" and e.get("cause") not in (None, "none"):
                errs.append("%s: a success has cause 'none'" % where)
            if e.get("outcome") == "failed" and e.get("cause") == "none":
                errs.append("%s: a failure needs a cause id or 'unclear'" % where)
            codes = e.get("codes")
            if "codes" in e and (not isinstance(codes, list) or
                                 not all(isinstance(c, int) and not isinstance(c, bool) for c in codes)):
                errs.append("%s: expected.codes must be a list of integers" % where)
            if "stage" in e and e["stage"] not in stages:
                errs.append("%s: expected.stage %r is not a stage group of rules/data/stages.yaml %s" % (where, e["stage"], sorted(stages)))
        logp = os.path.join(REAL, ident + ".log")
        if not os.path.exists(logp):
            errs.append("%s: %s.log is missing" % (where, ident))
        else:
            with open(logp, "rb") as f:
                raw = f.read()
            text = raw.decode("utf-8", errors="replace")
            if not text.strip():
                errs.append("%s.log: empty" % ident)
            n = text.count("\n") + (0 if text.endswith("\n") else 1)
            if n > MAX_LINES:
                errs.append("%s.log: %d lines, more than %d" % (ident, n, MAX_LINES))
    if not os.path.exists(split.SPLIT):
        errs.append("SPLIT.tsv is missing: run tests/corpus/split.py")
    else:
        with open(split.SPLIT, encoding="utf-8") as f:
            if f.read() != split.render(split.rows()):
                errs.append("SPLIT.tsv is out of date: run tests/corpus/split.py (split.py --check lists the lines)")
    for e in errs:
        print("check.py: " + e, file=sys.stderr)
    if errs:
        return 1
    print("check.py: %d excerpts OK" % len(jsons))
    return 0


if __name__ == "__main__":
    sys.exit(main())
