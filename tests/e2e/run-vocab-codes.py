#!/usr/bin/env python3
"""A code a producer's message prints is kept in the report, in its numbering space.

    tests/e2e/run-vocab-codes.py LOGANALYZE PACK... [--codes-only PACK...]

Two checks over the `messages:` entries of the vocabulary packs (issue 15 E, "error_codes
keeps what was printed"):

1. Every entry with a `printed_code: {conversion: N, space: S}` (rules/vocab/README.md),
   its format's first line filled in with a distinctive number in conversion N (the other
   conversions as `rules test` fills them), alone in a one-line log, reports that number in
   space S (`codes[]`) and in `error_codes`.  Each failure is listed; exit 1 if any.
2. The share of the code-printing messages that keep their code: a message prints a code when
   a code word stands right before an integer conversion ("error %d", "status=%d", "returned
   %d", "error code %d", "err=%d"; CODE_BEFORE here, independent of the generator's own
   decision in scripts/vocab/codes.py; "fread returned %d" is a byte count); filled with the distinctive number in every integer
   conversion, its report must hold it.  The share is printed, exit 1 below 95 %.

The packs after --codes-only get the first check only: a library whose own numbers have no
numbering space in the report (libusb's LIBUSB_ERROR_* and transfer statuses, a Windows
GetLastError(): scripts/vocab/codes.py keeps none of them) would only lower the share, while
the codes it prints in a space (an errno, an IOReturn) are still checked one by one.
"""
import json
import os
import re
import sys
import tempfile

import vocab_lines  # (tests/e2e/vocab_lines.py)

CONV = vocab_lines.CONV
NUMBER = 4711                      # in no pack's text, and no prior of any space
CODE_BEFORE = re.compile(r"\b(?:error|err|errno|error code|code|status|result|ret|returned|"
                         r"reason)\s*[:=]?\s*\(?\s*$", re.I)
# ... but a byte count a read or write "returned" is none.
COUNT_BEFORE = re.compile(r"\b(?:f?read|f?write|send|recv)\(?\)?\s+returned\s*$", re.I)
PRINTED = re.compile(r"^    printed_code: \{conversion: (\d+), space: (\w+)\}$")


def coded_entries(path):
    """(id, format, conversion or None, space or None) of every `messages:` entry."""
    out, cur, section = [], None, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.startswith(" "):
                section = line.split(":")[0]
                continue
            if section != "messages":
                continue
            if line.startswith("  - id: "):
                cur = {"id": line[8:].strip(), "conv": None, "space": None}
                out.append(cur)
            elif cur is not None and line.startswith("    format: "):
                cur["format"] = json.loads(line[12:].strip())
            elif cur is not None and PRINTED.match(line):
                m = PRINTED.match(line)
                cur["conv"], cur["space"] = int(m.group(1)), m.group(2)
    return out


def fill(fmt, code_conv):
    """The first line with conversion code_conv (0: every integer one) NUMBER, the others as
    `rules test` fills them; None when the code conversion is not an integer one."""
    k = [0]
    hit = [False]

    def rep(m):
        c = m.group(0)[-1]
        if c == "%":
            return "%"
        k[0] += 1
        if c in "diuxX" and (code_conv == 0 or k[0] == code_conv):
            hit[0] = True
            if c in "xX":
                return ("%x" if "#" not in m.group(0) else "%#x") % NUMBER
            return str(NUMBER)
        return vocab_lines.sample_value(c)
    line = CONV.sub(rep, fmt.split("\n")[0])
    return line if hit[0] else None


def prints_code(fmt):
    first = fmt.split("\n")[0]
    for m in CONV.finditer(first):
        if m.group(0)[-1] in "diuxX" and CODE_BEFORE.search(first[:m.start()]) and \
                not COUNT_BEFORE.search(first[:m.start()]):
            return True
    return False


def has(rep, space):
    if space is None:
        nums = {str(c) for c in rep.get("error_codes") or []}
        nums |= {str(c.get("code")) for c in rep.get("codes") or []}
        return str(NUMBER) in nums
    return any(c.get("code") == NUMBER and c.get("space") == space
               for c in rep.get("codes") or []) and NUMBER in (rep.get("error_codes") or [])


def main():
    exe, packs = sys.argv[1], sys.argv[2:]
    codes_only = set()
    if "--codes-only" in packs:
        k = packs.index("--codes-only")
        codes_only = set(packs[k + 1:])
        packs = packs[:k] + packs[k + 1:]
    bad = 0
    n_printing = kept = n_coded = 0
    with tempfile.TemporaryDirectory() as tmp:
        for pack in packs:
            ents = coded_entries(pack)
            jobs = []                          # (kind, entry, line, space)
            for e in ents:
                if e["conv"]:
                    line = fill(e["format"], e["conv"])
                    if line is None:
                        print("FAIL %s: printed_code conversion %d of %r is not an integer one"
                              % (e["id"], e["conv"], e["format"]))
                        bad += 1
                    else:
                        jobs.append(("coded", e, line, e["space"]))
                if prints_code(e["format"]) and pack not in codes_only:
                    jobs.append(("share", e, fill(e["format"], 0), None))
            reps = vocab_lines.analyse_all(exe, tmp, [j[2] for j in jobs]) if jobs else []
            for (kind, e, line, space), rep in zip(jobs, reps):
                ok = has(rep, space)
                if kind == "coded":
                    n_coded += 1
                    if not ok:
                        bad += 1
                        print("FAIL %s: %r does not report %d in space %s: %s"
                              % (e["id"], line, NUMBER, space, rep.get("codes")))
                else:
                    n_printing += 1
                    kept += ok
                    if not ok:
                        print("not kept %s: %r (no printed_code)" % (e["id"], line)
                              if not e["conv"] else "not kept %s: %r" % (e["id"], line))
            for name in os.listdir(tmp):
                os.unlink(os.path.join(tmp, name))
    share = 100.0 * kept / n_printing if n_printing else 100.0
    print("%d entries with printed_code, %d do not report their code in its space"
          % (n_coded, bad))
    print("code-printing messages keeping their code: %d of %d (%.1f %%; target 95 %%)"
          % (kept, n_printing, share))
    return 1 if bad or share < 95.0 or not n_coded else 0


if __name__ == "__main__":
    sys.exit(main())
