#!/usr/bin/env python3
"""The restore error dialog, pasted: a failed restore with its number, and nobody else's line.

    tests/e2e/run-dialogs.py LOGANALYZE

People who have no log paste what iTunes or Finder showed them, "The iPhone could not be
restored. An unknown error occurred (4013).", often in their own language (issue 15 B: a
failure the log does not explain says so, and the code's priors order the causes):

1. Such a paste, in English and in the languages rules/attempts.yaml reads, is a failed
   restore with that error number, a diagnosis of level `unclear` whose causes come from the
   number's priors, and at least one SARIF result.
2. A dialog about a sync or a backup is not a restore.
3. A producer's message that opens with a lower-case word is not read inside another
   sentence: the English dialog is not libimobiledevice's "ERROR: unknown error occurred"
   (src/rules/printf.c, la_printf_add_message_start()), while that message, printed by its tool,
   still is.

Stdlib only; exit 1 on a failed check.
"""
import json
import os
import subprocess
import sys
import tempfile

from checks import check, result  # (tests/e2e/checks.py)


def run(exe, text, fmt="json"):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(text)
        path = f.name
    try:
        p = subprocess.run([exe, "--format", fmt, "--deterministic", "--exit-zero", "-q", path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        if p.returncode != 0:
            raise SystemExit("loganalyze exited %d: %s" % (p.returncode, p.stderr.decode()))
        return json.loads(p.stdout)
    finally:
        os.unlink(path)


DIALOGS = [
    'The iPhone "iPhone" could not be restored. An unknown error occurred (4013).',
    'The iPad "Lab iPad 7" could not be updated. An unknown error occurred (4013).',
    'Das iPhone „iPhone“ konnte nicht wiederhergestellt werden. Es ist ein unbekannter '
    'Fehler aufgetreten (4013).',
    'No se ha podido restaurar el iPhone “iPhone”. Se ha producido un error desconocido (4013).',
    'Не удалось восстановить iPhone «iPhone». Произошла неизвестная ошибка (4013).',
    '无法恢复 iPhone“iPhone”。发生未知错误（4013）。',
    'iPhone“iPhone”を復元できませんでした。不明なエラーが発生しました(4013)。',
]


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().split("\n")[2].strip(), file=sys.stderr)
        return 2
    exe = sys.argv[1]

    for text in DIALOGS:
        rep = run(exe, text + "\n")["reports"][0]
        d = rep.get("diagnosis") or {}
        causes = [c["id"] for c in rep.get("causes") or []]
        check(rep["outcome"] == "failed" and 4013 in (rep.get("error_codes") or []) and
              d.get("level") == "unclear" and causes[:1] == ["usb-link"],
              "%s...: %s" % (text[:40], [rep["outcome"], rep.get("error_codes"), d.get("level"),
                                        causes[:2]]))
    sarif = run(exe, DIALOGS[0] + "\n", "sarif")
    results = [r for run_ in sarif.get("runs", []) for r in run_.get("results", [])]
    check(len(results) >= 1, "the pasted dialog gives %d SARIF result(s)" % len(results))

    rep = run(exe, 'The iPhone "iPhone" could not be restored. An unknown error occurred '
                   '(3194).\n')["reports"][0]
    causes = [c["id"] for c in rep.get("causes") or []]
    check(rep["outcome"] == "failed" and causes[:1] == ["signing-server"],
          "the 3194 dialog names the signing server: %s" % [rep["outcome"], causes[:1]])

    for text in ('The iPhone "iPhone" could not be synced because an unknown error occurred '
                 '(13019).', 'iTunes could not back up the iPhone because an unknown error '
                 'occurred (-36).'):
        rep = run(exe, text + "\n")["reports"][0]
        check(rep["outcome"] == "no-restore-found", "%s...: %s" % (text[:40], rep["outcome"]))

    rep = run(exe, DIALOGS[0] + "\n")["reports"][0]
    rules = [e.get("rule") for c in rep.get("causes") or [] for e in c.get("evidence") or []]
    check(not any(r and r.startswith("libimobiledevice.") for r in rules),
          "the English dialog is no libimobiledevice message: %s" % rules)
    rep = run(exe, "$ ideviceinfo -u 00008030-001A\nERROR: unknown error occurred\n")
    rep = rep["reports"][0]
    line = (rep.get("diagnosis") or {}).get("line") or {}
    check((line.get("rule") or "").startswith("libimobiledevice."),
          "libimobiledevice's own line still is: %s" % line.get("rule"))

    return result()


if __name__ == "__main__":
    sys.exit(main())
