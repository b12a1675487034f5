"""The vocabulary packs' messages as log lines, and their analysis in one batch run: what the
end-to-end checks of the packs share (run-vocab-e2e.py, run-vocab-codes.py, run-hints.py,
run-unseen.py, run-retyped.py); the batch run itself is tests/batch.py's.  Stdlib only.

  entries(PACK)                  a pack's messages (full=True: with their ignored entries)
  fill(FORMAT)                   the format with its conversions filled in, as `rules test`
  printed(PRODUCER, ENTRY, LINE) the line after the header the producer's logger prints
  analyse_all(EXE, TMP, LINES)   the report of each line, each alone in a log of its own
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import batch  # noqa: E402  (tests/batch.py: one run over many logs)


CONV = re.compile(r"%[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?:hh|h|ll|l|j|z|t|L|q)?"
                  r"[diouxXeEfFgGaAcspS@%]")


def sample_value(c):
    """What `rules test` fills a conversion ending in c with ("%%" is a literal %)."""
    if c == "%":
        return "%"
    if c in "diu":
        return "1"
    if c in "xXp":
        return "0x1f"
    if c in "feEgGaA":
        return "1.5"
    if c == "o":
        return "7"
    return "x"


def fill(fmt):
    return CONV.sub(lambda m: sample_value(m.group(0)[-1]), fmt.split("\n")[0])


# What a producer's logger prints before each message of its log calls, so that the line is
# the one a user pastes: libusb's log_v() (core.c) writes "libusb: <level> [<function>] ".
# An entry of another level (an error name or text the tools print in their own lines) is
# written alone, and a format that already holds the header (a one-word message, whose pack
# entry keeps it) is not given it twice.
LOG_HEADER = {"libusb": ("libusb: %s [%s] ", ("error", "warning", "info", "debug"))}


def printed(producer, entry, line):
    header, levels = LOG_HEADER.get(producer, (None, ()))
    if not header or entry.get("level") not in levels or not entry.get("function"):
        return line
    head = header % (entry["level"], entry["function"])
    return line if line.startswith(head) else head + line


def entries(path, full=False):
    """(id, format, cause, reason) of every `messages:` entry (with FULL: and the entry's
    keys, and the pack's producer); the packs are written by scripts/vocab/generate.py with
    one `key: value` per line and JSON-style quoted strings."""
    out, cur, section, producer = [], None, None, ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith(" "):
                section = line.split(":")[0]
                if section == "producer":
                    producer = line.split(":", 1)[1].strip()
                continue
            if section != "messages":
                continue
            if line.startswith("  - id: "):
                cur = {"id": line[8:].strip()}
                out.append(cur)
            elif cur is not None and line.startswith("    format: "):
                cur["format"] = json.loads(line[12:].strip())
            elif cur is not None and line.startswith("    cause: "):
                cur["cause"] = line[11:].strip()
            elif cur is not None and line.startswith("    reason: "):
                cur["reason"] = json.loads(line[12:].strip())
            elif cur is not None and line.startswith("    function: "):
                cur["function"] = json.loads(line[14:].strip())
            elif cur is not None and line.startswith("    level: "):
                cur["level"] = line[11:].strip()
    return [(e["id"], e["format"], e["cause"], e.get("reason", ""))
            + ((producer, e) if full else ())
            for e in out if "format" in e and "cause" in e]


def analyse_all(exe, tmp, lines):
    """The report of each line, each alone in a log of its own, from one batch run."""
    return batch.reports(exe, tmp, [line + "\n" for line in lines], name="m%05d.log")
