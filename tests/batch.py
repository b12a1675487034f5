"""One loganalyze run over many texts, each analysed as a log of its own: what the checks that
analyse thousands of short logs share (tests/corpus/variants.py, tests/e2e/vocab_lines.py's
analyse_all, tests/e2e/run-unseen.py).  One load of the rules for all of them, which keeps
the checks fast under AddressSanitizer.  Stdlib only.

    reports(EXE, TMP, TEXTS, name=, args=, env=)
        the report of each text, in order: each is written to TMP/<name % index> and
        `EXE --format ndjson --exit-zero -q ARGS FILES...` analyses every file alone (one
        report line per input).  A loganalyze that fails, or a text without its report,
        raises RuntimeError naming it.
"""
import json
import os
import subprocess


def reports(exe, tmp, texts, name="%05d.log", args=(), env=None):
    paths = []
    for k, text in enumerate(texts):
        path = os.path.join(tmp, name % k)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        paths.append(path)
    p = subprocess.run([exe, "--format", "ndjson", "--exit-zero", "-q"] + list(args) + paths,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, check=False)
    if p.returncode != 0:
        raise RuntimeError("loganalyze exited %d: %s" %
                           (p.returncode, p.stderr.decode("utf-8", "replace").strip()[-500:]))
    by_input = {}
    for raw in p.stdout.splitlines():
        rep = json.loads(raw).get("report")
        if rep is not None:
            by_input[rep["input"]] = rep
    missing = [q for q in paths if q not in by_input]
    if missing:
        raise RuntimeError("no report for %d logs (first: %s)" % (len(missing), missing[0]))
    return [by_input[q] for q in paths]
