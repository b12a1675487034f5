"""What run-dialogs.py, run-hints.py and run-wording.py share: one line per check, "ok  " or
"FAIL", and the count of failures at the end (exit status 1 when any failed).  Stdlib only.
"""
FAILED = []


def check(ok, what):
    print("%s %s" % ("ok  " if ok else "FAIL", what))
    if not ok:
        FAILED.append(what)


def result():
    """Print how many checks failed; the exit status: 1 when any did, else 0."""
    print("%d failed" % len(FAILED))
    return 1 if FAILED else 0
