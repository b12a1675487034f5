"""Writing the samples and their expectations, and checking that they are reproduced.

Both generators (device_samples.py, host_samples.py) write through an `Output`: every file
goes under one root, so the same code writes samples/ or, with --check, a temporary folder
that is then compared with the committed files byte for byte.

    python3 samples/tools/<generator>.py            rewrite the committed files
    python3 samples/tools/<generator>.py --check    regenerate into a temporary folder and
                                                    compare; exit 1 with a diff on a mismatch
"""

import difflib
import json
import os
import shutil
import sys
import tempfile

SAMPLES = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Output:
    """Files written under `root` (paths relative to samples/)."""

    def __init__(self, root):
        self.root = root
        self.written = []

    def bytes(self, rel, data):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        self.written.append(rel)

    def text(self, rel, text, crlf=False):
        """UTF-8; crlf=True writes every line end as CRLF"""
        if crlf:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        self.bytes(rel, text.encode("utf-8"))

    def expect(self, stem, outcome, error_codes, top_cause, fmt, note, extra=None):
        """<stem>.expect.json: the diagnosis the sample must give (tests/e2e/run-samples.sh);
        extra: optional keys checked too (context, diagnosis_level), written after note"""
        obj = {"outcome": outcome, "error_codes": error_codes, "top_cause": top_cause,
               "format": fmt, "note": note}
        obj.update(extra or {})
        self.text(stem + ".expect.json", json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def _tree(root, sub):
    out = []
    for d, _, files in os.walk(os.path.join(root, sub)):
        for f in files:
            out.append(os.path.relpath(os.path.join(d, f), root))
    return out


def _diff(rel, want, got):
    """print what differs between the committed file (want) and the regenerated one (got)"""
    if want is None:
        print("%s: not in samples/, but the generator writes it" % rel)
        return
    if got is None:
        print("%s: in samples/, but the generator does not write it" % rel)
        return
    try:
        a = want.decode("utf-8").splitlines(keepends=True)
        b = got.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        print("%s: binary files differ (%d bytes committed, %d generated)" % (rel, len(want), len(got)))
        return
    lines = list(difflib.unified_diff(a, b, "committed/" + rel, "generated/" + rel, n=1))
    if not lines:   # same lines, different line ends or final newline
        print("%s: differs in line ends only" % rel)
        return
    for line in lines[:200]:
        sys.stdout.write(line if line.endswith("\n") else line + "\n")
    if len(lines) > 200:
        print("... (%d more diff lines)" % (len(lines) - 200))


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def run(argv, generate, owned_dirs=()):
    """The generators' main: generate(out) writes every file through `out`.

    owned_dirs: folders under samples/ that the generator writes whole (their files that it
    does not write are removed when writing, and are a mismatch with --check)."""
    check = "--check" in argv
    if [a for a in argv if a != "--check"]:
        print("usage: %s [--check]" % os.path.basename(sys.argv[0]), file=sys.stderr)
        return 2
    if not check:
        for d in owned_dirs:
            shutil.rmtree(os.path.join(SAMPLES, d), ignore_errors=True)
        generate(Output(SAMPLES))
        return 0
    tmp = tempfile.mkdtemp(prefix="la-samples-")
    try:
        out = Output(tmp)
        generate(out)
        names = set(out.written)
        for d in owned_dirs:
            names.update(_tree(SAMPLES, d))
        bad = 0
        for rel in sorted(names):
            want = _read(os.path.join(SAMPLES, rel))
            got = _read(os.path.join(tmp, rel))
            if want != got:
                _diff(rel, want, got)
                bad += 1
        name = os.path.basename(sys.argv[0])
        if bad:
            print("%s --check: %d of %d files differ from the committed samples" % (name, bad, len(names)))
            return 1
        print("%s --check: %d files reproduced byte for byte" % (name, len(names)))
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
