#!/usr/bin/env python3
"""Assign every real-log excerpt to the "tuning" or the "blind" half.

The half is decided by the excerpt's SOURCE, never by its content: the sha256 of the
normalised URL of the thread or page it was quoted from (scheme and host lower-cased,
fragment and query dropped, trailing slash dropped). An even first byte puts it in the
tuning half, an odd one in the blind half, so every excerpt quoted from the same thread
lands in the same half, and the split is fixed before any rule is written for it.

    tests/corpus/split.py            write tests/corpus/real/SPLIT.tsv
    tests/corpus/split.py --check    exit 1 when SPLIT.tsv differs from what it should be

Stdlib only.
"""
import argparse
import hashlib
import json
import os
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "real")
SPLIT = os.path.join(REAL, "SPLIT.tsv")


def normalise(url):
    """scheme and host lower-cased, no fragment, no query, no trailing slash."""
    p = urllib.parse.urlsplit(url.strip())
    path = p.path.rstrip("/") or ""
    return urllib.parse.urlunsplit((p.scheme.lower(), p.netloc.lower(), path, "", ""))


def half_of(url):
    digest = hashlib.sha256(normalise(url).encode("utf-8")).digest()
    return "tuning" if digest[0] % 2 == 0 else "blind"


def rows():
    out = []
    for name in sorted(os.listdir(REAL)):
        if not name.endswith(".json"):
            continue
        ident = name[:-5]
        with open(os.path.join(REAL, name), encoding="utf-8") as f:
            url = json.load(f)["url"]
        out.append((ident, half_of(url), url))
    return out


def render(rs):
    lines = ["id\thalf\turl"]
    lines += ["%s\t%s\t%s" % r for r in rs]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="compare SPLIT.tsv with the computed split; exit 1 on a difference")
    args = ap.parse_args()
    want = render(rows())
    if args.check:
        try:
            with open(SPLIT, encoding="utf-8") as f:
                have = f.read()
        except OSError:
            print("split.py: %s is missing; run tests/corpus/split.py" % SPLIT, file=sys.stderr)
            return 1
        if have != want:
            hv = set(have.splitlines())
            for line in want.splitlines():
                if line not in hv:
                    print("split.py: missing or different in SPLIT.tsv: %s" % line, file=sys.stderr)
            wv = set(want.splitlines())
            for line in have.splitlines():
                if line not in wv:
                    print("split.py: stale line in SPLIT.tsv: %s" % line, file=sys.stderr)
            return 1
        return 0
    with open(SPLIT, "w", encoding="utf-8") as f:
        f.write(want)
    rs = rows()
    n_t = sum(1 for r in rs if r[1] == "tuning")
    print("split.py: %d excerpts, %d tuning, %d blind" % (len(rs), n_t, len(rs) - n_t))
    return 0


if __name__ == "__main__":
    sys.exit(main())
