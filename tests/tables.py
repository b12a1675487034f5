"""What tests/guides/check.py and tests/dialogs/check.py share: a TSV table of documented
errors, read and checked row by row, and one loganalyze run per input.

    read_rows(path, columns, check)  the rows as dicts (with "at": FILE:LINE); a '#' line
                                     or a blank one is skipped; the header must be columns;
                                     check(row) returns an error text for a bad row, or None
    report(exe, text, tmpdir, name, suffix)  the JSON report of text, written to a file

A malformed table or a loganalyze that does not answer ends the check (exit 2 by sys.exit
with a message naming the file and line).  Stdlib only.
"""
import json
import os
import subprocess
import sys


def read_rows(path, columns, check):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = None
        for n, raw in enumerate(f, 1):
            raw = raw.rstrip("\n")
            if not raw or raw.startswith("#"):
                continue
            cells = raw.split("\t")
            if header is None:
                if cells != columns:
                    sys.exit(f"{path}:{n}: header must be {' '.join(columns)}")
                header = cells
                continue
            if len(cells) != len(columns):
                sys.exit(f"{path}:{n}: {len(cells)} cells, want {len(columns)}")
            row = dict(zip(columns, cells))
            bad = check(row)
            if bad:
                sys.exit(f"{path}:{n}: {bad}")
            row["at"] = f"{os.path.basename(path)}:{n}"
            rows.append(row)
    return rows


def report(exe, text, tmpdir, name, suffix):
    path = os.path.join(tmpdir, name + suffix)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    p = subprocess.run([exe, "--format", "json", "--deterministic", "--exit-zero", "-q", path],
                       capture_output=True, text=True)
    try:
        return json.loads(p.stdout)["reports"][0]
    except (ValueError, KeyError, IndexError):
        sys.stderr.write(f"{name}: loganalyze exited {p.returncode}: {p.stderr.strip()}\n")
        sys.exit(2)
