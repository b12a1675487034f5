"""What tests/guides/check.py and tests/dialogs/check.py share: a TSV table of documented
errors, read and checked row by row, and one loganalyze run per input.

    read_rows(path, columns, check)  the rows as dicts (with "at": FILE:LINE); a '#' line
                                     or a blank one is skipped; the header must be columns;
                                     check(row) returns an error text for a bad row, or None
    report(exe, text, tmpdir, name, suffix)  the JSON report of text, written to a file
    judge(row, rep)                  (right, what loganalyze said) for one report of a row
    main(name, tsv, columns, check, inputs, says)  the command line both checkers share

A malformed table or a loganalyze that does not answer ends the check (exit 2 by sys.exit
with a message naming the file and line).  Stdlib only.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


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


def judge(row, rep):
    """Return (right, what loganalyze said) for one report of a row.  The row's cause: an id
    (the top cause, a diagnosis not unclear), "unclear" (not a confident diagnosis), "-" (no
    cause ranked at all), "!ID" (the top cause is not ID, or the diagnosis is unclear)."""
    outcome = rep.get("outcome")
    level = (rep.get("diagnosis") or {}).get("level")
    causes = rep.get("causes") or []
    top = causes[0]["id"] if causes else None
    said = f"outcome={outcome} level={level} top={top}"
    if outcome != row["outcome"]:
        return False, said
    if row["cause"] == "-":
        return not causes, said
    if row["cause"] == "unclear":
        return level != "confident", said
    if row["cause"].startswith("!"):
        return top != row["cause"][1:] or level == "unclear", said
    return top == row["cause"] and level not in (None, "unclear"), said


def main(name, doc, tsv, columns, check, inputs, says):
    """LOGANALYZE [--tsv PATH] [--min-right N] [--verbose]: every row's inputs (inputs(row):
    [(label or None, text, suffix)]) analysed and judged; a row is right when all its runs
    are.  One line per miss (each row with --verbose) naming what the source says ("says"),
    a summary, exit 1 below --min-right."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("loganalyze")
    ap.add_argument("--tsv", default=tsv)
    ap.add_argument("--min-right", type=int, default=0)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    rows = read_rows(a.tsv, columns, check)
    if not rows:
        sys.exit(f"{a.tsv}: no rows")
    right = 0
    with tempfile.TemporaryDirectory(prefix=f"la-{name}-") as tmp:
        for row in rows:
            results = []
            for label, text, suffix in inputs(row):
                run = row["id"] + (f"-{label}" if label else "")
                ok, said = judge(row, report(a.loganalyze, text, tmp, run, suffix))
                results.append((label, ok, said))
            row_ok = all(ok for _, ok, _ in results)
            right += row_ok
            if not row_ok or a.verbose:
                mark = "ok  " if row_ok else "MISS"
                runs = "; ".join(f"{label}: {said}" if label else said
                                 for label, _, said in results)
                print(f"{mark} {row['at']} {row['id']}: {says} {row['outcome']} "
                      f"{row['cause']}; {runs}")
    print(f"{name}: {right}/{len(rows)} right (floor {a.min_right})")
    return 0 if right >= a.min_right else 1
