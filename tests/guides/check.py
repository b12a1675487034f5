#!/usr/bin/env python3
"""What the restore tools' own troubleshooting guides say an error means, checked.

usage: check.py LOGANALYZE [--tsv PATH] [--min-right N] [--verbose]

For each row of tests/guides/guides.tsv (one error a guide documents: the futurerestore
READMEs, the guides and GUIs around it, idevicerestore write-ups, Apple's article as
quoted) this makes a short log in the producer's own shape: a few lines of the producer's
normal progress (`shape`), then the error line(s) as the producer prints them (`line`),
last. It runs `loganalyze --format json --deterministic` on it and compares:

  outcome  the row's outcome: "failed" when the line ends the run, "inconclusive" for a
           loop the guide says the user has to stop (the log shows no end);
  cause    a cause id: the top cause is that id and the diagnosis is not "unclear";
           "unclear" (the guide gives several unrelated fixes, or none): the diagnosis is
           not "confident" (a guide that knows no single cause contradicts a sure answer);
           "!ID" (a control: the guide's cause holds only under a condition the log does not
           meet, such as a Windows host): the top cause is not ID, or the diagnosis is unclear.

It prints one line per miss and a summary ("N/M right"), and exits 1 when fewer than
--min-right rows are right (the floor is set from the state the rules reached; see
tests/guides/README.md), 2 on a usage or run error.  docs/style.md §7 (tests can fail).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import tables  # noqa: E402  (tests/tables.py: the table and the runs, shared with dialogs)

HERE = os.path.dirname(os.path.abspath(__file__))

# The producers' normal progress before the error, from samples/ and the issue threads the
# vocabulary packs cite.  Each list is the 2-4 lines a run prints before its failure.
FR_HEAD = [
    "Version: v2.0.0(4b1a9e3f0c7d2e85a6b19f03d4c7e2a58b6f1d90-329)",
    "img4tool version: 0.197-aca6cf005c94caf135023263cbb5c61a0081804f-RELEASE",
    "futurerestore init done",
    "reading signing ticket {blob} is done",
]
FR1_HEAD = [
    "Version: de907d3fa854275b296af0e18818467d72cc59fa - 126",
    "futurerestore init done",
    "reading ticket {blob} done",
]
BLOB_UNIX = "/home/kai/fr/1234567890_iPhone9,3_d101ap_14.3-18C66_1a2b3c.shsh2"
BLOB_WIN = "C:\\Users\\kai\\Desktop\\futurerestore\\1234567890_iPhone9,3_d101ap_14.3-18C66_1a2b3c.shsh2"
SHAPES = {
    "fr": ["kai@thinkpad:~/fr$ ./futurerestore -t {blob} --latest-sep --latest-baseband"
           " iPhone_4.7_P3_14.3_18C66_Restore.ipsw"] + FR_HEAD,
    "fr-win": ["C:\\Users\\kai\\Desktop\\futurerestore>futurerestore.exe -t {blob} --latest-sep"
               " --latest-baseband iPhone_4.7_P3_14.3_18C66_Restore.ipsw"] + FR_HEAD,
    "fr1": ["kai@mac:~/fr$ ./futurerestore_macos -t {blob} --latest-sep --latest-baseband"
            " iPhone_4.7_P3_12.4_16G77_Restore.ipsw"] + FR1_HEAD,
    "fr1-win": ["C:\\Users\\kai\\Desktop\\futurerestore>futurerestore.exe -t {blob} --latest-sep"
                " --latest-baseband iPhone_4.7_P3_12.4_16G77_Restore.ipsw"] + FR1_HEAD,
    "idr": [
        "idevicerestore 1.0.0-270-g405fcd1",
        "Found device in DFU mode",
        "Identified device as j274ap, Macmini9,1",
        "Extracting BuildManifest from IPSW",
    ],
    "itunes": [
        "2012-03-17 14:38:52.657 [1928:644]: restore library built Feb 28 2012 at 19:05:11",
        "2012-03-17 14:38:52.657 [1928:644]: iTunes: iTunes 10.6.0.40",
        "2012-03-17 14:38:52.966 [1928:644]: iBoot build-version = iBoot-1219.62.15",
        "2012-03-17 14:42:51.129 [1928:1b2c]: <Restore Device 0x0d5e7b40>: operation 19 progress -1",
    ],
}
# Lines of a shape whose producer prefixes every line (iTunes' timestamp and thread).
PREFIX = {"itunes": "2012-03-17 14:42:58.074 [1928:1b2c]: "}
COLUMNS = ["id", "shape", "url", "error", "line", "outcome", "cause", "quote"]
OUTCOMES = ("failed", "succeeded", "inconclusive")


def check_row(row):
    if row["shape"] not in SHAPES:
        return f"unknown shape '{row['shape']}'"
    if row["outcome"] not in OUTCOMES:
        return f"unknown outcome '{row['outcome']}'"
    return None


def make_log(row):
    blob = BLOB_WIN if row["shape"].endswith("-win") else BLOB_UNIX
    head = [l.format(blob=blob) for l in SHAPES[row["shape"]]]
    tail = [PREFIX.get(row["shape"], "") + l for l in row["line"].split("\\n")]
    return "\n".join(head + tail) + "\n"


def inputs(row):
    return [(None, make_log(row), ".log")]


if __name__ == "__main__":
    sys.exit(tables.main("guides", __doc__, os.path.join(HERE, "guides.tsv"), COLUMNS,
                         check_row, inputs, "guide says"))
