#!/usr/bin/env python3
"""Does the answer survive the way people paste logs?  (issue 15 F: input variants)

    tests/corpus/variants.py LOGANALYZE [--transform NAME ...] [--show N]
                             [--max-changed NAME=N ...] [--jobs N]

For every excerpt of the tuning half of tests/corpus/real/ it runs loganalyze on the log as
posted and on the log passed through each transformation below, a way real pastes differ
from the tool's own output, and counts the excerpts whose outcome or top cause changed:

  tprefix  a wrapper's "[hh:mm:ss.mmm][thread] : " before every line
  quote    Markdown / e-mail quoting ("> ")
  crlf     Windows line ends
  html     HTML-escaped (Python's html.escape: &lt; &gt; &amp; &quot; &#x27;)
  indent   a four-space indented Markdown code block
  fence    a fenced Markdown code block
  wrap80   hard-wrapped at 80 columns (a mail client, a narrow terminal copy)
  box      a wrapper's box-drawn gutter ("  │   ")
  ansi     every line in terminal colours
  dots     a "..." line standing for cut output
  lower    every letter lower-cased (a paste retyped from a photo)
  typo     a word processor's or forum's typography: curly quotes, en and em dashes, "…",
           a no-break space after each colon
  ocr      text read back from a screenshot: the ligatures ﬁ ﬂ ﬀ ﬃ ﬄ, and full-width
           parentheses, colons and commas (an East Asian system's OCR or input method)
  web      copied from a web page or a chat app: indented with no-break spaces, a zero-width
           space after each slash, a byte-order mark in front

Each form is one batch run over all the excerpts (tests/batch.py: `--format ndjson`, one report
per input, each analysed alone), --jobs N of them at a time: one load of the rules per form, not per
excerpt, so the check stays fast under AddressSanitizer.

The blind half is never read (README.md beside this file).  --max-changed NAME=N fails
(exit 1) when more than N excerpts change under NAME: a regression guard for meson test.
Exit 2 on a broken corpus or a loganalyze that fails.  Stdlib only.
"""
import argparse
import concurrent.futures
import html
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "real")
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import batch  # noqa: E402  (tests/batch.py: one run over many logs)
from score import load_split  # noqa: E402  (the halves, as score.py reads SPLIT.tsv)


def _lines(t):
    return t.split("\n")


def _tprefix(t):
    return "\n".join("[%02d:%02d:%02d.%03d][4242] : %s" % (12 + i // 3600, i // 60 % 60, i % 60,
                                                          i * 7 % 1000, l)
                     for i, l in enumerate(_lines(t)))


def _wrap(t, w=80):
    out = []
    for l in _lines(t):
        out.extend([l[i:i + w] for i in range(0, len(l), w)] or [""])
    return "\n".join(out)


def _smart_quotes(l, q, opening, closing):
    out, open_ = [], True
    for i, c in enumerate(l):
        if c != q:
            out.append(c)
            continue
        # An apostrophe inside a word stays a closing mark ("can’t"); otherwise the marks
        # alternate, opening after a blank or the line's start as a word processor does.
        after_word = i > 0 and l[i - 1].isalnum()
        if q == "'" and after_word:
            out.append(closing)
        else:
            out.append(opening if open_ else closing)
            open_ = not open_
    return "".join(out)


def _typo(t):
    out = []
    for l in _lines(t):
        l = _smart_quotes(_smart_quotes(l, '"', "\u201c", "\u201d"), "'", "\u2018", "\u2019")
        l = l.replace("...", "\u2026").replace(" - ", " \u2013 ").replace("--", "\u2014")
        out.append(l.replace(": ", ":\u00a0"))
    return "\n".join(out)


def _ocr(t):
    lig = {"ffi": "\ufb03", "ffl": "\ufb04", "ff": "\ufb00", "fi": "\ufb01", "fl": "\ufb02"}
    full = {"(": "\uff08", ")": "\uff09", ":": "\uff1a", ",": "\uff0c"}
    for k in sorted(lig, key=len, reverse=True):
        t = t.replace(k, lig[k])
    return "".join(full.get(c, c) for c in t)


def _web(t):
    # No-break spaces for the indentation, a zero-width space after each slash (a line-break
    # hint) and a byte-order mark in front, as copying from a web page or a chat app gives.
    return "\ufeff" + "\n".join("\u00a0\u00a0" + l.replace("/", "/\u200b") for l in _lines(t))


def _dots(t):
    ls = _lines(t)
    return "\n".join(ls[:3] + ["..."] + ls[3:])


TRANSFORMS = {
    "tprefix": _tprefix,
    "quote": lambda t: "\n".join("> " + l for l in _lines(t)),
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "html": html.escape,
    "indent": lambda t: "\n".join("    " + l for l in _lines(t)),
    "fence": lambda t: "```\n" + t + "\n```\n",
    "wrap80": _wrap,
    "box": lambda t: "\n".join("  \u2502   " + l for l in _lines(t)),
    "ansi": lambda t: "\n".join("\x1b[0;31m" + l + "\x1b[0m" for l in _lines(t)),
    "dots": _dots,
    "lower": str.lower,
    "typo": _typo,
    "ocr": _ocr,
    "web": _web,
}


def tuning_ids():
    return sorted(i for i, half in load_split().items() if half == "tuning")


def answers(exe, texts, tmp):
    """(outcome, top cause) of each text, each a log of its own, from one batch run."""
    out = []
    for rep in batch.reports(exe, tmp, texts, name="v%05d.log", args=["--deterministic"]):
        causes = rep.get("causes") or []
        out.append((rep.get("outcome"), causes[0]["id"] if causes else None))
    return out


def run_all(exe, ids, names, jobs):
    """{ident: (answer as posted, {transform: answer})}: one batch run per transform."""
    texts = []
    for ident in ids:
        with open(os.path.join(REAL, ident + ".log"), encoding="utf-8", errors="replace") as f:
            texts.append(f.read())
    kinds = [None] + list(names)

    def batch(kind):
        with tempfile.TemporaryDirectory() as tmp:
            return answers(exe, [TRANSFORMS[kind](t) if kind else t for t in texts], tmp)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        got = dict(zip(kinds, pool.map(batch, kinds)))
    return [(ident, got[None][k], {n: got[n][k] for n in names}) for k, ident in enumerate(ids)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("loganalyze")
    ap.add_argument("--transform", action="append", choices=sorted(TRANSFORMS))
    ap.add_argument("--show", type=int, default=5, help="changed excerpts listed per transform")
    ap.add_argument("--max-changed", action="append", default=[], metavar="NAME=N")
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()

    names = a.transform or list(TRANSFORMS)
    limits = {}
    for lim in a.max_changed:
        n, _, v = lim.partition("=")
        if n not in TRANSFORMS or not v.isdigit():
            print("variants.py: bad --max-changed '%s'" % lim, file=sys.stderr)
            return 2
        limits[n] = int(v)
        if n not in names:
            names.append(n)
    try:
        results = run_all(a.loganalyze, tuning_ids(), names, a.jobs)
    except (OSError, RuntimeError, ValueError, KeyError, IndexError) as e:
        print("variants.py: %s" % e, file=sys.stderr)
        return 2
    status = 0
    for n in names:
        changed = [(i, b, v[n]) for i, b, v in results if v[n] != b]
        print("%-8s %2d of %d tuning excerpts change their outcome or top cause" %
              (n, len(changed), len(results)))
        for i, b, v in changed[:a.show]:
            print("         %s: %s/%s -> %s/%s" % (i, b[0], b[1], v[0], v[1]))
        if n in limits and len(changed) > limits[n]:
            print("variants.py: %s changed %d excerpts, more than %d" % (n, len(changed),
                                                                       limits[n]), file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
