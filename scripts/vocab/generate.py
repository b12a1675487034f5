#!/usr/bin/env python3
"""Write the producers' vocabulary packs (rules/vocab/<producer>.yaml) and docs/coverage.md.

    generate.py                      regenerate every pack at the commit it records (a new
                                     pack: the newest fetched commit) and docs/coverage.md
    generate.py --latest             move every pack to the newest fetched commit and show
                                     what changed (a new release is an update, not a rewrite)
    generate.py -p idevicerestore --commit C
                                     one producer at a given commit
    generate.py --diff OLD NEW -p P  which messages were added, removed, moved or reclassified
                                     between two commits of P (OLD/NEW default to the pack's
                                     commit and the newest fetched one); for a pack
                                     superseded by newer ones, only the messages it would
                                     hold at each commit
    generate.py --check              the committed packs and docs/coverage.md are exactly what
                                     this script makes (exit 1 if not)
    generate.py --coverage           write docs/coverage.md only

Sources are read from git mirrors: <mirror root>/<owner>+<name>/repo (the layout the fetch tool
leaves under /work/.mirror); --mirror-root or $VOCAB_MIRROR_ROOT point elsewhere, and
--git-dir PRODUCER=DIR names one directly. Standard library only.

A pack lists every message that is evidence of a cause under `messages:` and the ones that are
not (help text, traces, outcome lines, ...) under `ignored:` with their category, so the engine
can also tell that such a line is not the one that ended a run. Ids are stable: derived from
file, function and format (and the occurrence of that triple), never from the line.
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import classify  # noqa: E402
import extract  # noqa: E402
import codes  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
PACK_DIR = os.path.join(ROOT, "rules", "vocab")
COVERAGE = os.path.join(ROOT, "docs", "coverage.md")
DEFAULT_MIRROR_ROOT = "/work/.mirror"

# ignore categories that are not error reports at all (left out of the coverage denominator)
NOT_ERRORS = {"prompt", "usage", "trace", "fragment", "non-fatal", "debug"}


# --------------------------------------------------------------------------------------
# where things are

def repo_url(producer):
    return "https://github.com/" + extract.PRODUCERS[producer]["repo"]


def git_dir_for(producer, args):
    for spec in args.git_dir or []:
        name, _, path = spec.partition("=")
        if name == producer:
            return path
    root = args.mirror_root or os.environ.get("VOCAB_MIRROR_ROOT") or DEFAULT_MIRROR_ROOT
    owner, name = extract.PRODUCERS[producer]["repo"].split("/")
    return os.path.join(root, "%s+%s" % (owner, name), "repo")


def have_git_dir(path):
    return os.path.isdir(path) and os.path.exists(os.path.join(path, "HEAD"))


def newest_commit(producer, git_dir):
    pin = extract.PRODUCERS[producer].get("pin")
    if pin:
        return pin
    return extract.Git(git_dir).resolve("HEAD")


def pack_path(producer):
    return os.path.join(PACK_DIR, producer + ".yaml")


def read_text(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return f.read()


def recorded_commit(producer):
    path = pack_path(producer)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("commit: "):
                return line.split(":", 1)[1].strip()
    return None


# --------------------------------------------------------------------------------------
# building a pack

def id_text(fmt):
    """The message as the id sees it: without a leading level word (classify.bare)."""
    return classify.bare(fmt)


def make_id(producer, rec, occurrence):
    key = "\0".join([rec["file"], rec.get("function", ""), id_text(rec["format"]),
                     str(occurrence)])
    return "%s.%s" % (producer, hashlib.sha1(key.encode("utf-8")).hexdigest()[:8])


def build(producer, git_dir, commit):
    """(commit, entries, skipped, unclassified) for PRODUCER at COMMIT."""
    commit, records, skipped = extract.extract(producer, git_dir, commit)
    seen = {}
    entries, unclassified = [], []
    for rec in records:
        triple = (rec["file"], rec.get("function", ""), id_text(rec["format"]))
        occ = seen.get(triple, 0)
        seen[triple] = occ + 1
        cls = classify.classify(rec)
        entry = dict(rec)
        entry["id"] = make_id(producer, rec, occ)
        if cls is None:
            unclassified.append(entry)
            continue
        cls = dict(cls)
        cls.pop("rule", None)
        entry.update(cls)
        entry.pop("args", None)
        pc = codes.printed_code(rec) if "ignore" not in cls else None
        if pc:
            entry["printed_code"] = pc
        entries.append(entry)
    return commit, entries, skipped, unclassified


def supersede(producer, entries, newer):
    """The entries of PRODUCER (pinned at an older commit) whose text the producers it is
    superseded by (extract.PRODUCERS[...]["superseded_by"]) no longer print: NEWER maps each
    of those to its entries at the commit this run reads. (kept, dropped count)"""
    have = set()
    for other in extract.PRODUCERS[producer].get("superseded_by", ()):
        have.update(id_text(e["format"]) for e in newer[other])
    kept = [e for e in entries if id_text(e["format"]) not in have]
    return kept, len(entries) - len(kept)


def newer_entries(producer, a):
    """For a producer superseded by others: their entries at the commits this run reads (the
    NEWER of supersede()); None for any other producer; False (said on stderr) when a
    mirror it needs is missing."""
    others = extract.PRODUCERS[producer].get("superseded_by")
    if not others:
        return None
    newer = {}
    for other in others:
        ogd = git_dir_for(other, a)
        if not have_git_dir(ogd):
            print("%s: needs %s's git mirror at %s" % (producer, other, ogd), file=sys.stderr)
            return False
        newer[other] = build(other, ogd, commit_for(other, ogd, a))[1]
    return newer


def q(s):
    return json.dumps(s, ensure_ascii=True)


def num(w):
    return ("%.1f" % w) if isinstance(w, float) or isinstance(w, int) else str(w)


def render(producer, commit, entries, unclassified=()):
    url = repo_url(producer)
    out = ["# Generated by scripts/vocab/generate.py from %s at %s; do not edit by hand." % (url, commit),
           "# Every message the tool can print that is evidence of a cause when it ends a restore",
           "# run; `ignored:` lists the ones that are not (see docs/coverage.md and",
           "# rules/vocab/README.md for the fields).",
           "producer: %s" % producer,
           "repository: %s" % url,
           "commit: %s" % commit]
    pin = extract.PRODUCERS[producer].get("pin")
    if pin:
        out.append("pinned: true")
    evidence = [e for e in entries if "ignore" not in e]
    ignored = [e for e in entries if "ignore" in e]
    out.append("messages:" + ("" if evidence else " []"))
    for e in evidence:
        out.append("  - id: %s" % e["id"])
        out.append("    at: %s:%d" % (e["file"], e["line"]))
        if e.get("function"):
            out.append("    function: %s" % q(e["function"]))
        out.append("    level: %s" % e["level"])
        out.append("    format: %s" % q(e["format"]))
        if e.get("exception"):
            out.append("    exception: %s" % e["exception"])
        if e.get("symbol"):
            out.append("    symbol: %s" % e["symbol"])
        out.append("    side: %s" % e["side"])
        out.append("    cause: %s" % e["cause"])
        out.append("    weight: %s" % num(e["weight"]))
        if "code" in e:
            out.append("    code: %d" % e["code"])
        if e.get("codes"):
            out.append("    codes: [%s]" % ", ".join(str(c) for c in e["codes"]))
        if e.get("printed_code"):
            out.append("    printed_code: {conversion: %d, space: %s}"
                       % (e["printed_code"]["conversion"], e["printed_code"]["space"]))
        out.append("    reason: %s" % q(e["reason"]))
        if e.get("variants"):
            out.append("    variants:")
            for v in e["variants"]:
                out.append("      - match: %s" % q(v["match"]))
                out.append("        side: %s" % v["side"])
                out.append("        cause: %s" % v["cause"])
                out.append("        weight: %s" % num(v["weight"]))
                out.append("        reason: %s" % q(v["reason"]))
    out.append("ignored:" + ("" if ignored else " []"))
    for e in ignored:
        out.append("  - id: %s" % e["id"])
        out.append("    at: %s:%d" % (e["file"], e["line"]))
        out.append("    level: %s" % e["level"])
        out.append("    format: %s" % q(e["format"]))
        out.append("    ignore: %s" % e["ignore"])
        out.append("    reason: %s" % q(e["reason"]))
    if unclassified:
        out.append("unclassified:")
        for e in unclassified:
            out.append("  - id: %s" % e["id"])
            out.append("    at: %s:%d" % (e["file"], e["line"]))
            out.append("    level: %s" % e["level"])
            out.append("    format: %s" % q(e["format"]))
    return "\n".join(out) + "\n"


def load_pack(path):
    """Read a pack this script wrote (its own YAML subset) back into dicts."""
    head, messages, ignored = {}, [], []
    cur, section, variant = None, None, None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if not line.startswith(" "):
                key, _, val = line.partition(":")
                val = val.strip()
                if key in ("messages", "ignored", "unclassified"):
                    section = (messages if key == "messages" else ignored if key == "ignored"
                               else head.setdefault("unclassified", []))
                else:
                    head[key] = val
                continue
            stripped = line.strip()
            if line.startswith("  - "):
                cur = {}
                section.append(cur)
                variant = None
                stripped = stripped[2:]
            elif line.startswith("      - "):
                variant = {}
                cur.setdefault("variants", []).append(variant)
                stripped = stripped[2:]
            key, _, val = stripped.partition(": ")
            if key == "variants":
                continue
            val = _scalar(val)
            if line.startswith("        ") or line.startswith("      - "):
                variant[key] = val
            else:
                cur[key] = val
    return head, messages, ignored


def _scalar(val):
    if val.startswith('"'):
        return json.loads(val)
    if val.startswith("["):
        return [int(x) for x in val.strip("[]").split(",") if x.strip()]
    try:
        return int(val)
    except ValueError:
        pass
    try:
        return float(val)
    except ValueError:
        return val


# --------------------------------------------------------------------------------------
# diff between two commits

def diff(producer, git_dir, old, new, out=sys.stdout, newer=None):
    """NEWER (for a producer superseded by others): their entries, as supersede() takes them;
    then only the messages the pack would hold at each commit are compared."""
    c_old, e_old, _, u_old = build(producer, git_dir, old)
    c_new, e_new, _, u_new = build(producer, git_dir, new)
    if newer is not None:
        e_old, e_new = supersede(producer, e_old, newer)[0], supersede(producer, e_new, newer)[0]
    a = {e["id"]: e for e in e_old + u_old}
    b = {e["id"]: e for e in e_new + u_new}
    added = [b[i] for i in b if i not in a]
    removed = [a[i] for i in a if i not in b]
    # a message whose file or function changed keeps its format: call it moved, not new
    renamed = []
    by_fmt = {}
    for e in removed:
        by_fmt.setdefault(id_text(e["format"]), []).append(e)
    for e in list(added):
        cands = by_fmt.get(id_text(e["format"]))
        if cands:
            old_e = cands.pop(0)
            removed.remove(old_e)
            added.remove(e)
            renamed.append((old_e, e))
    moved = [(a[i], b[i]) for i in b if i in a and a[i]["line"] != b[i]["line"]]
    recls = [(a[i], b[i]) for i in b if i in a and _cls(a[i]) != _cls(b[i])]
    reworded = [(a[i], b[i]) for i in b if i in a and a[i]["format"] != b[i]["format"]]

    def at(e):
        return "%s:%d" % (e["file"], e["line"])

    print("%s: %s..%s" % (producer, c_old[:12], c_new[:12]), file=out)
    print("  %d messages -> %d; %d added, %d removed, %d moved, %d renamed, %d reworded, "
          "%d reclassified" % (len(a), len(b), len(added), len(removed), len(moved),
                               len(renamed), len(reworded), len(recls)), file=out)
    for e in sorted(added, key=at):
        print("  + %s %s [%s] %s" % (e["id"], at(e), _cls(e) or "UNCLASSIFIED", q(e["format"])),
              file=out)
    for e in sorted(removed, key=at):
        print("  - %s %s %s" % (e["id"], at(e), q(e["format"])), file=out)
    for o, n in renamed:
        print("  ~ %s -> %s %s -> %s %s" % (o["id"], n["id"], at(o), at(n), q(n["format"])),
              file=out)
    for o, n in reworded:
        print("  * %s %s %s -> %s" % (n["id"], at(n), q(o["format"]), q(n["format"])), file=out)
    for o, n in recls:
        print("  ! %s %s %s -> %s" % (n["id"], at(n), _cls(o), _cls(n)), file=out)
    if moved:
        print("  (%d moved lines: same message, new line number)" % len(moved), file=out)
    return added, removed, moved, renamed, recls, u_new


def _cls(e):
    if "ignore" in e:
        return "ignore:" + e["ignore"]
    if "cause" in e:
        return "%s/%s %s" % (e["side"], e["cause"], num(e["weight"]))
    return None


# --------------------------------------------------------------------------------------
# coverage

def coverage_md(results):
    """results: list of (producer, commit, entries, skipped, files, superseded)"""
    L = ["# Coverage of the producers' error vocabulary",
         "",
         "Generated by `scripts/vocab/generate.py --coverage`; do not edit by hand. The packs are in",
         "`rules/vocab/`, one per producer; how they are made is in `rules/vocab/README.md`.",
         "",
         "Every message site the extractor finds is either **evidence** of a cause (side, cause,",
         "weight, reason) or **ignored** with a category. *Error messages* below are all extracted",
         "messages except those that are not error reports at all (%s);" % ", ".join(
             "`%s`" % c for c in sorted(NOT_ERRORS)),
         "`outcome` lines (\"RESTORE FAILED\") and `no-text` lines (\"ERROR: %s\", whose text comes",
         "from elsewhere) are error messages that name no cause, so they count against the",
         "target: **evidence / error messages >= 95 %** for each restore tool and library. The",
         "wrappers (front ends that run them: %s) are measured the same way but not held to it:"
         % ", ".join(p for p in sorted(extract.PRODUCERS) if extract.PRODUCERS[p].get("wrapper")),
         "their own \"Restore failed\" and \"ERROR..\" lines, printed after the tool they ran",
         "failed, name no cause by design (the tool's lines before them carry it).",
         "",
         "| producer | commit | files | extracted | evidence | ignored | error messages | evidence / error messages | evidence / extracted |",
         "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    details = []
    for producer, commit, entries, skipped, nfiles, dropped in results:
        ev = [e for e in entries if "ignore" not in e]
        ig = [e for e in entries if "ignore" in e]
        errors = len(ev) + sum(1 for e in ig if e["ignore"] not in NOT_ERRORS)
        pct = 100.0 * len(ev) / errors if errors else 100.0
        pct_all = 100.0 * len(ev) / len(entries) if entries else 100.0
        L.append("| %s | [`%s`](%s/tree/%s) | %d | %d | %d | %d | %d | %.1f %% | %.1f %% |"
                 % (producer, commit[:12], repo_url(producer), commit, nfiles, len(entries),
                    len(ev), len(ig), errors, pct, pct_all))
        d = ["", "## %s" % producer, "",
             "Repository %s at `%s`%s." % (repo_url(producer), commit,
                                           " (pinned: %s)" % _pin_note(producer)
                                           if extract.PRODUCERS[producer].get("pin") else ""),
             "Files read: %s (%d files)." % (", ".join("`%s`" % p for p in
                                                     extract.PRODUCERS[producer]["include"]),
                                            nfiles),
             ""]
        by_cause = {}
        for e in ev:
            by_cause.setdefault((e["side"], e["cause"]), []).append(e)
        d.append("| side | cause | messages | weight range |")
        d.append("|---|---|---:|---|")
        for (side, cause), es in sorted(by_cause.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            ws = sorted(x["weight"] for x in es)
            d.append("| %s | %s | %d | %s-%s |" % (side, cause, len(es), num(ws[0]), num(ws[-1])))
        d.append("")
        by_cat = {}
        for e in ig:
            by_cat.setdefault(e["ignore"], []).append(e)
        if by_cat:
            d.append("Ignored, by category:")
            d.append("")
            for cat in sorted(by_cat):
                es = by_cat[cat]
                ex = "; ".join(q(x["format"][:70]) for x in es[:3])
                d.append("- `%s` (%d): %s. E.g. %s" % (cat, len(es),
                                                       classify.IGNORE_CATEGORIES[cat], ex))
            d.append("")
        if dropped:
            d.append("Left out because the packs of %s hold the same text: %d messages."
                     % (", ".join(extract.PRODUCERS[producer]["superseded_by"]), dropped))
        coded = sum(1 for e in entries if "code" in e)
        d.append("Messages with a numeric code from the source: %d." % coded)
        if skipped:
            d.append("Sites not extracted because their text is computed at run time: %d (%s)."
                     % (len(skipped), ", ".join("%s:%d" % (s["file"], s["line"])
                                                 for s in skipped[:6])
                        + (", ..." if len(skipped) > 6 else "")))
        details += d
    L += ["", "Not covered: libusbmuxd (the client library behind \"usbmuxd is not running\" in",
          "libimobiledevice), futurerestore's own forks of idevicerestore and tsschecker (git",
          "submodules, not part of the fetched snapshots; upstream idevicerestore stands in for",
          "the first), libimobiledevice's tools and services a restore does not use (backup,",
          "AFC, debugserver, provisioning, syslog), libusb's backends for hosts nobody restores",
          "from (BSD, Haiku, SunOS, null, WebUSB), and libusb's older releases (a message may",
          "have sat in another function or been worded otherwise there; the function in a",
          "line's brackets is not part of a format, so a moved message is still read)."]
    L += details
    return "\n".join(L) + "\n"


def _pin_note(producer):
    return extract.PRODUCERS[producer]["pin_note"]


# --------------------------------------------------------------------------------------

def commit_for(producer, git_dir, args):
    """The commit this run reads for PRODUCER: the newest with --latest, else the pack's."""
    if args.latest:
        return newest_commit(producer, git_dir)
    return recorded_commit(producer) or newest_commit(producer, git_dir)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("-p", "--producer", action="append", choices=sorted(extract.PRODUCERS))
    ap.add_argument("--commit", help="the commit to read (one producer only)")
    ap.add_argument("--latest", action="store_true", help="use the newest fetched commit")
    ap.add_argument("--diff", nargs="*", metavar="COMMIT",
                    help="OLD NEW (default: the pack's commit and the newest fetched)")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--coverage", action="store_true")
    ap.add_argument("--mirror-root")
    ap.add_argument("--git-dir", action="append", metavar="PRODUCER=DIR")
    ap.add_argument("--allow-unclassified", action="store_true",
                    help="write the pack even if some messages have no class (listed under "
                         "unclassified:)")
    a = ap.parse_args(argv)

    problems = classify.check_table()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    producers = a.producer or sorted(extract.PRODUCERS)
    if a.commit and len(producers) != 1:
        ap.error("--commit needs exactly one --producer")

    if a.diff is not None:
        if len(a.diff) not in (0, 2):
            ap.error("--diff takes OLD NEW or nothing")
        failed = False
        for p in producers:
            gd = git_dir_for(p, a)
            if not have_git_dir(gd):
                print("%s: no git mirror at %s" % (p, gd), file=sys.stderr)
                continue
            old, new = (a.diff if a.diff else (recorded_commit(p) or newest_commit(p, gd),
                                               newest_commit(p, gd)))
            newer = newer_entries(p, a)
            if newer is False:
                failed = True
                continue
            diff(p, gd, old, new, newer=newer)
        return 1 if failed else 0

    results, texts, failed = [], {}, False
    for p in producers:
        gd = git_dir_for(p, a)
        if not have_git_dir(gd):
            if a.check:
                print("%s: no git mirror at %s; cannot re-derive the pack" % (p, gd),
                      file=sys.stderr)
                failed = True
                continue
            print("%s: no git mirror at %s; skipped" % (p, gd), file=sys.stderr)
            continue
        commit = a.commit or commit_for(p, gd, a)
        commit, entries, skipped, unclassified = build(p, gd, commit)
        dropped = 0
        newer = newer_entries(p, a)
        if newer is False:
            failed = True
            continue
        if newer is not None:
            entries, dropped = supersede(p, entries, newer)
        if unclassified:
            print("%s: %d messages have no class; add a rule or an override in classify.py:"
                  % (p, len(unclassified)), file=sys.stderr)
            for e in unclassified:
                print("  %s:%d %s" % (e["file"], e["line"], q(e["format"])), file=sys.stderr)
            if not a.allow_unclassified:
                failed = True
                continue
        nfiles = len(extract.producer_files(p, extract.Git(gd).ls_tree(commit)))
        results.append((p, commit, entries, skipped, nfiles, dropped))
        texts[p] = render(p, commit, entries, unclassified)

    cov = coverage_md(results) if results and set(producers) == set(extract.PRODUCERS) else None

    if a.check:
        stale = []
        for p, text in texts.items():
            path = pack_path(p)
            if read_text(path) != text:
                stale.append(os.path.relpath(path, ROOT))
        if cov is not None and read_text(COVERAGE) != cov:
            stale.append(os.path.relpath(COVERAGE, ROOT))
        for s in stale:
            print("stale: %s (run scripts/vocab/generate.py)" % s, file=sys.stderr)
        if stale or failed:
            return 1
        print("ok: %d packs%s match their sources" % (len(texts), " and coverage.md" if cov else ""))
        return 0

    if failed:
        return 2
    if not a.coverage:
        os.makedirs(PACK_DIR, exist_ok=True)
        for p, text in texts.items():
            old_commit = recorded_commit(p)
            with open(pack_path(p), "w", encoding="utf-8") as f:
                f.write(text)
            new_commit = [r[1] for r in results if r[0] == p][0]
            n = len([r for r in results if r[0] == p][0][2])
            print("%s: %d messages at %s -> %s" % (p, n, new_commit[:12],
                                                   os.path.relpath(pack_path(p), ROOT)))
            if old_commit and old_commit != new_commit:
                diff(p, git_dir_for(p, a), old_commit, new_commit)
    if cov is not None:
        with open(COVERAGE, "w", encoding="utf-8") as f:
            f.write(cov)
        print("wrote %s" % os.path.relpath(COVERAGE, ROOT))
    elif a.coverage:
        print("--coverage needs every producer's mirror", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
