#!/usr/bin/env python3
"""The alerts iTunes, Finder and Apple Configurator show when a restore or update fails, checked.

usage: check.py LOGANALYZE [--tsv PATH] [--min-right N] [--verbose]

Many people have no log: they paste the alert their computer showed (issue 15). For each row
of tests/dialogs/dialogs.tsv (an alert as a public source quotes it, what it says happened, the
cause the source's explanation implies) this feeds the alert alone, as pasted (its lines as
the source prints them), to `loganalyze --format json --deterministic`; for a row whose `log`
names a short log (LOGS below), it also feeds the alert above that log, as people paste the
alert over the log they have. It compares each answer with the row:

  outcome  the row's outcome: "failed" for an alert that says the restore or update failed,
           "no-restore-found" for a control (a backup, sync, progress or prompt alert: no
           restore result at all);
  cause    a cause id: the top cause is that id and the diagnosis is not "unclear";
           "unclear" (the source gives several unrelated causes, or none): the diagnosis is
           not "confident" (an alert whose source names no cause cannot give a sure answer);
           "-" (a control): no cause is ranked at all.

A row is right when every run of it is right. It prints one line per miss and a summary
("N/M right"), and exits 1 when fewer than --min-right rows are right (the floor is set from
the state the rules reached; see tests/dialogs/README.md), 2 on a usage or run error.
docs/style.md §7 (tests can fail).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import tables  # noqa: E402  (tests/tables.py: the table and the runs, shared with guides)

HERE = os.path.dirname(os.path.abspath(__file__))

# Short logs an alert is pasted above: the normal progress of the program that showed it,
# cut before its end (no result line of its own), so the alert is what says how it ended.
LOGS = {
    # iTunes on Windows, as samples/ and the pastes the iTunes rules cite print it.
    "itunes": [
        "2012-03-17 14:38:52.657 [1928:644]: restore library built Feb 28 2012 at 19:05:11",
        "2012-03-17 14:38:52.657 [1928:644]: iTunes: iTunes 10.6.0.40",
        "2012-03-17 14:38:52.966 [1928:644]: iBoot build-version = iBoot-1219.62.15",
        "2012-03-17 14:42:51.129 [1928:1b2c]: <Restore Device 0x0d5e7b40>: operation 19 progress -1",
    ],
}
COLUMNS = ["id", "url", "alert", "outcome", "cause", "log", "quote"]
OUTCOMES = ("failed", "no-restore-found")


def check_row(row):
    if row["outcome"] not in OUTCOMES:
        return f"unknown outcome '{row['outcome']}'"
    if row["log"] != "-" and row["log"] not in LOGS:
        return f"unknown log '{row['log']}'"
    if (row["cause"] == "-") != (row["outcome"] == "no-restore-found"):
        return "cause '-' goes with outcome no-restore-found, and only there"
    return None


def texts(row):
    """The inputs of one row: the alert alone, and above its short log when it names one."""
    alert = row["alert"].split("\\n")
    out = [("alone", "\n".join(alert) + "\n")]
    if row["log"] != "-":
        out.append((row["log"], "\n".join(alert + LOGS[row["log"]]) + "\n"))
    return out


def inputs(row):
    return [(shape, text, ".txt") for shape, text in texts(row)]


if __name__ == "__main__":
    sys.exit(tables.main("dialogs", __doc__, os.path.join(HERE, "dialogs.tsv"), COLUMNS,
                         check_row, inputs, "source says"))
