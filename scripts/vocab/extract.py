#!/usr/bin/env python3
"""Extract every error/warning message a restore tool can print, from its sources in git.

    extract.py PRODUCER GIT_DIR COMMIT [--format jsonl|tsv] [--all]

Reads the sources at COMMIT straight from the git object store (`git ls-tree`,
`git cat-file`), so no work tree is needed, and prints one record per message site in a
deterministic order (file, line, column). Standard library only.

What counts as a message site
- C/C++: logger(LL_*, ...), usbmuxd_log(LL_*, ...), error(...), warning(...), info(...),
  debug(...), debug_info(...), fprintf(stderr, ...), printf(...), perror(...), and the
  libgeneral macros of futurerestore: reterror([code,] ...), retassure(cond, ...),
  cretassure(cond, ...), creterror(...), throw tihmstar::exception(...),
  throw std::string/std::runtime_error(...). Adjacent string literals are joined; the
  <inttypes.h> PRI* macros and string #defines of the repository are expanded; anything
  else is a placeholder (%s). libusb's usbi_err/usbi_warn/usbi_info/usbi_dbg(ctx, fmt, ...);
  a producer's "log_prefix" (what its logger prints before a message) is written before a
  message of one plain word, and before every info and debug one.
- the text tables the tools print through "%s": `case X: return "...";` inside a
  *strerror*/*_error_name*/*_error_str* function (irecv_strerror, lockdownd_strerror,
  libusb_error_name, darwin_error_str; a preprocessor line between a case and its return
  skipped), the { "Name", "text", ENUM } rows of lockdownd's error map, and the tables of
  strings an error code indexes ("string_tables": libusb_strerror()'s, one row per language,
  indexed by -code); the code is the enum value from the headers ("headers" names them when
  they are not under include/, src/, common/). A producer's "common_texts" (the C library's
  strerror() words) are left out.
- Python: raise Xxx("..."), logger/self.logger/logging .error/.warning/.critical/
  .exception(...), print(...); f-strings become a format with %s placeholders; module-level
  dicts named *error* with integer keys (pymobiledevice3's known_errors) become one message
  per entry, the key being the code.
- Calls below warning level (info, debug, printf, ...) are kept only when their text reads
  like a failure (ERROR, failed, unable, could not, invalid, timeout, ...).
- Wrappers (PRODUCERS[...]["wrapper"]): Objective-C status lines, NSLog and alert texts
  (lang "objc"), a C producer's logging callbacks called through a struct ("member_calls"),
  a script's own message functions ("sh_calls", `echo` included, single-quoted texts too),
  Python exit("text"); a "[!]", "[-]" or "[x]" mark makes a print an error.

Each record: producer, file, line, commit, function (best effort), level, format, code
(when the site gives one: reterror(-N, ...), `case N:` of a status table, `return -N;`
right after the message, the enum value of a strerror table), call (the printing call)
and, for Python raises, exception (the class raised).
"""

import argparse
import ast
import json
import os
import re
import subprocess
import sys

# --------------------------------------------------------------------------------------
# Producers: where their sources are and which files belong to the tool's vocabulary.

PRODUCERS = {
    "idevicerestore": {
        "repo": "libimobiledevice/idevicerestore",
        "include": [r"^src/[^/]+\.(c|h)$"],
        "exclude": [],
        "lang": "c",
    },
    # ... and its words as of its only release, 1.0.0 (2020-06-15): the messages that builds
    # of that era and older print (the 2020s moved most of them to logger() and reworded many:
    # "ERROR: Unable to find any build identities", "ERROR: Unable to place device in recovery
    # mode"). Only the messages today's idevicerestore and libtatsu (which took its tss.c) no
    # longer print go into this pack ("superseded_by"); its tss.c is classified as libtatsu's.
    "idevicerestore-legacy": {
        "repo": "libimobiledevice/idevicerestore",
        "pin": "a88351d58f9041ae104a794ec9b747d7d0790084",
        "pin_note": ("release 1.0.0, the words of builds of 2020 and older; only the "
                     "messages today's idevicerestore and libtatsu no longer print"),
        "superseded_by": ["idevicerestore", "libtatsu"],
        "include": [r"^src/[^/]+\.(c|h)$"],
        "exclude": [],
        "lang": "c",
    },
    # ... and its words as of 2013-12 (34829cf), the builds people ran in 2012-2015 ("ERROR:
    # Unable to get SHSH blobs for this device" then, too, but many lines worded otherwise
    # since): only what neither today's packs nor the 1.0.0 one hold.
    "idevicerestore-2013": {
        "repo": "libimobiledevice/idevicerestore",
        "pin": "34829cffdc3ee0902dbbef1d99147b11161bbe4f",
        "pin_note": ("2013-12-02, the words of the builds of 2012-2015; only the messages "
                     "today's idevicerestore, libtatsu and the 1.0.0 pack no longer print"),
        "superseded_by": ["idevicerestore", "idevicerestore-legacy", "libtatsu"],
        "include": [r"^src/[^/]+\.(c|h)$"],
        "exclude": [],
        "lang": "c",
    },
    "libimobiledevice": {
        "repo": "libimobiledevice/libimobiledevice",
        # the parts of the library a restore tool uses (idevicerestore: idevice, lockdownd,
        # restored, preboard, property_list_service, reverse_proxy; its -d output shows their
        # debug lines) and the tools people run around a restore.
        "include": [r"^common/[^/]+\.(c|h)$",
                    r"^src/(idevice|lockdown|lockdown-cu|restore|preboard|property_list_service|"
                    r"service|reverse_proxy|diagnostics_relay)\.c$",
                    r"^tools/(idevice_id|ideviceinfo|idevicepair|ideviceenterrecovery|"
                    r"idevicediagnostics)\.c$"],
        "exclude": [],
        "lang": "c",
    },
    # ... and its words in release 1.3.0 (2020-06-15), what most pastes of 2020-2024 ran
    # (distribution packages stayed on it for years): only what today's pack no longer holds.
    "libimobiledevice-1.3": {
        "repo": "libimobiledevice/libimobiledevice",
        "pin": "15f8652126664e3a4b980e5d1c039b9053ce8566",
        "pin_note": ("release 1.3.0 (2020-06-15), the words of the builds of 2020-2024; only "
                     "the messages today's libimobiledevice no longer prints"),
        "superseded_by": ["libimobiledevice"],
        "include": [r"^common/[^/]+\.(c|h)$",
                    r"^src/(idevice|lockdown|restore|preboard|property_list_service|"
                    r"service|reverse_proxy|diagnostics_relay)\.c$",
                    r"^tools/(idevice_id|ideviceinfo|idevicepair|ideviceenterrecovery|"
                    r"idevicediagnostics)\.c$"],
        "exclude": [],
        "lang": "c",
    },
    "libirecovery": {
        "repo": "libimobiledevice/libirecovery",
        "include": [r"^src/[^/]+\.(c|h)$", r"^tools/irecovery\.c$"],
        "exclude": [],
        "lang": "c",
    },
    "libirecovery-1.0": {
        "repo": "libimobiledevice/libirecovery",
        "pin": "1b9d9c3cdd3ef2f38198a21c356352f13641482d",
        "pin_note": ("release 1.0.0 (2020-06-15), the words of the builds of 2020-2024; only "
                     "the messages today's libirecovery no longer prints"),
        "superseded_by": ["libirecovery"],
        "include": [r"^src/[^/]+\.(c|h)$", r"^tools/irecovery\.c$"],
        "exclude": [],
        "lang": "c",
    },
    "usbmuxd": {
        "repo": "libimobiledevice/usbmuxd",
        "include": [r"^src/[^/]+\.(c|h)$"],
        "exclude": [],
        "lang": "c",
    },
    "usbmuxd-1.1": {
        "repo": "libimobiledevice/usbmuxd",
        "pin": "79c8b38d1488a6b07e1e68f39d8caec3f1a45622",
        "pin_note": ("release 1.1.1 (2020-06-15), the daemon most Linux hosts ran in 2020-2024; "
                     "only the messages today's usbmuxd no longer prints"),
        "superseded_by": ["usbmuxd"],
        "include": [r"^src/[^/]+\.(c|h)$"],
        "exclude": [],
        "lang": "c",
    },
    "libtatsu": {
        "repo": "libimobiledevice/libtatsu",
        "include": [r"^src/[^/]+\.(c|h)$"],
        "exclude": [],
        "lang": "c",
    },
    "futurerestore": {
        "repo": "futurerestore/futurerestore",
        "include": [r"^(src|futurerestore)/[^/]+\.(c|cpp|h|hpp)$"],
        "exclude": [],
        "lang": "c",
    },
    # ... and its words before the major refactor of 2022-02 (6406f51): the last commit before
    # it (2022-01-29), whose builds (the 2021 betas, FutureRestore-GUI's downloads of that
    # time) print lines the refactor reworded ("could not download SE", "failed to read
    # Rose"). Only what the futurerestore packs and tsschecker no longer hold goes in.
    "futurerestore-2021": {
        "repo": "futurerestore/futurerestore",
        "pin": "06137f3ba489b5ad89fa0f2a8930305e6ce7ee92",
        "pin_note": ("the last commit before the major refactor of 2022-02, the words "
                     "of the 2021 builds; only the messages the futurerestore and "
                     "tsschecker packs no longer hold"),
        "superseded_by": ["futurerestore", "futurerestore-tihmstar", "futurerestore-legacy",
                          "tsschecker", "tsschecker-legacy"],
        "include": [r"^(src|futurerestore)/[^/]+\.(c|cpp|h|hpp)$"],
        "exclude": [],
        "lang": "c",
    },
    "futurerestore-tihmstar": {
        "repo": "tihmstar/futurerestore",
        "include": [r"^(src|futurerestore)/[^/]+\.(c|cpp|h|hpp)$"],
        "exclude": [],
        "lang": "c",
    },
    # tihmstar's futurerestore before it moved to libgeneral (2019-11): the last commit whose
    # reterror(code, ...) carries the explicit negative codes that builds of that era print
    # as "Failed with errorcode=N" / "[Error] Fail code=N".
    "futurerestore-legacy": {
        "repo": "tihmstar/futurerestore",
        "pin": "c0fd39374b8214525005be57e9a9c1f45e39d899",
        "pin_note": ("the last commit whose reterror(code, ...) carries the "
                     "explicit negative codes builds of that era print"),
        "include": [r"^(src|futurerestore)/[^/]+\.(c|cpp|h|hpp)$"],
        "exclude": [],
        "lang": "c",
    },
    # futurerestore's signing-ticket helper (TSS requests, baseband GoldCertIDs, firmware
    # lists); its messages appear in futurerestore's output. The current C++ rewrite ...
    "tsschecker": {
        "repo": "tihmstar/tsschecker",
        "include": [r"^tsschecker/[^/]+\.(c|cpp|h|hpp)$"],
        "exclude": [],
        "lang": "c",
    },
    # ... and the C tsschecker that futurerestore's first release (tag v90, 2017) bundles as
    # its external/tsschecker submodule: the words of the v1 builds still in use.
    "tsschecker-legacy": {
        "repo": "tihmstar/tsschecker",
        "pin": "d0541a62b75dfe7c37e4d2d6bab60b8c40b9e0b5",
        "pin_note": ("the C tsschecker of futurerestore's first release (v90), "
                     "whose lines v1 builds print"),
        "include": [r"^tsschecker/[^/]+\.(c|cpp|h|hpp)$"],
        "exclude": [],
        "lang": "c",
    },
    # Legacy iOS Kit (bash): a front end that runs idevicerestore/futurerestore and prints its
    # own "[Error] ..." lines (error()/Error(), which exit) and "[WARNING] ..." (warn()).
    "legacy-ios-kit": {
        "repo": "LukeZGD/Legacy-iOS-Kit",
        "include": [r"^restore\.sh$"],
        "exclude": [],
        "lang": "sh",
    },
    # ... and as iOS-OTA-Downgrader, its name until the rewrite of 2023-01: the last commit of
    # that layout (restore.sh + resources/*.sh), whose messages older pastes carry.
    "legacy-ios-kit-ota-downgrader": {
        "repo": "LukeZGD/Legacy-iOS-Kit",
        "pin": "7630fda7c3c41f50292bdbfa6a898af9aa23491e",
        "pin_note": ("the last commit as iOS-OTA-Downgrader, before the 2023 "
                     "rewrite"),
        "include": [r"^restore\.sh$", r"^resources/[^/]+\.sh$"],
        "exclude": [],
        "lang": "sh",
    },
    # libusb: the USB library under libirecovery (DFU and recovery mode), so under
    # idevicerestore, irecovery and futurerestore on every host. Its own log lines
    # ("libusb: error [function] message", printed by log_v() in core.c when the tool or
    # LIBUSB_DEBUG turns its log on) and its error names and texts (libusb_error_name(),
    # libusb_strerror()) that the tools print after their own words. The core and the backends
    # of the hosts people restore from: darwin (macOS), linux (usbfs, udev, netlink), windows
    # (common, WinUSB/libusbK, UsbDk, hotplug) and the event and thread code of POSIX and
    # Windows; not the BSD, Haiku, SunOS, null and WebUSB (emscripten) backends.
    "libusb": {
        "repo": "libusb/libusb",
        "include": [r"^libusb/(core|descriptor|hotplug|io|strerror|sync)\.c$",
                    r"^libusb/os/(darwin_usb|linux_usbfs|linux_udev|linux_netlink|"
                    r"windows_common|windows_winusb|windows_usbdk|windows_hotplug|"
                    r"events_posix|events_windows|threads_posix|threads_windows)\.c$"],
        "exclude": [],
        "lang": "c",
        "headers": r"^libusb/(libusb|libusbi)\.h$",
        # libusb_strerror()'s texts: a table of rows, one per language, indexed by -code
        # (strerror.c usbi_localized_errors); the tools never call libusb_setlocale(), so
        # only the first row (English) is printed.
        "string_tables": {"usbi_localized_errors": {"row": 0, "code": "-index",
                                                    "enum_prefix": "LIBUSB_ERROR_",
                                                    "last_symbol": "LIBUSB_ERROR_OTHER"}},
        # what log_v() (core.c) prints before every message of its logging calls:
        # "libusb: <level> [<function>] " (after "[ secs.usecs] [threadid] " at the debug
        # level). A message of one word ("unsupported", "OVERFLOW!") would be found inside any
        # line; with the words printed before it, it is libusb's. (One word that names an
        # API, "USBDeviceOpen: %s", tells itself apart.) The info and debug lines always get
        # it: they are ignored, and "could not access %s: %s" alone would make any tool's
        # line of those words a known, harmless one.
        "log_prefix": ("libusb: %s [%s] ", ("usbi_err", "usbi_warn", "usbi_info", "usbi_dbg"),
                       ("info", "debug")),
        # Error texts in the words of the C library's strerror() (glibc's EIO "Input/output
        # error", EBUSY "Resource busy" on macOS and iOS, ETIMEDOUT "Operation timed out",
        # EINVAL "Invalid argument"; letter case aside, as the engine's case-folded pass reads
        # them) or of any program ("Overflow", "Other error"): a device log's "unable to open
        # /dev/klog: Resource busy" or a disk's "Input/output error" is no libusb line, so
        # they are left out; the error names (LIBUSB_ERROR_BUSY) say the same and are kept.
        "common_texts": ["Input/Output Error", "Resource busy", "Operation timed out",
                         "invalid argument", "Overflow", "Other error"],
    },
    "pymobiledevice3": {
        "repo": "doronz88/pymobiledevice3",
        "include": [r"^pymobiledevice3/restore/[^/]+\.py$", r"^pymobiledevice3/irecv\.py$",
                    r"^pymobiledevice3/usbmux\.py$", r"^pymobiledevice3/cli/restore\.py$"],
        "exclude": [],
        "lang": "py",
    },
    # ---- wrappers: front ends that run idevicerestore/futurerestore (or their libraries) and
    # print lines of their own. Only their own words are read; what they forward from the tools
    # they run is in those tools' packs, and copies of other producers' sources are left out.
    #
    # LeetDown (macOS app, Objective-C++): status lines in its window behind "[+]  "
    # (updateStatus:color:, the colour gives the level), NSLog/printf lines in its console.log,
    # alert texts. SSZipArchive/ and the copied ideviceactivation.c are not its own.
    "leetdown": {
        "wrapper": True,
        "repo": "rA9stuff/LeetDown",
        "include": [r"^LeetDown_M/[^/]+\.(m|mm)$"],
        "exclude": [],
        "lang": "objc",
    },
    # n1ghtshade: its host library belladonna prints through the context's error_log/debug_log
    # callbacks (shown in the app's log window) and printf; belladonna/idevicerestore/ is a copy
    # of idevicerestore (its pack), the app's own windows hold labels only, and atropine/,
    # hyoscine/, physostigmine/ run on the device.
    "n1ghtshade": {
        "wrapper": True,
        "repo": "synackuk/n1ghtshade",
        "include": [r"^belladonna/[^/]+\.c$", r"^belladonna/exploits/[^/]+/[^/]+\.c$",
                    r"^belladonna/tools/[^/]+\.c$"],
        "exclude": [],
        "lang": "c",
        "member_calls": {"error_log": (0, "error"), "debug_log": (0, "debug")},
    },
    # Inferius (Python): sys.exit("[ERROR] ... Exiting.") and print(); the restore path only
    # (inferius, utils/), not the bundle generator run by bundle authors.
    "inferius": {
        "wrapper": True,
        "repo": "m1stadev/Inferius",
        "include": [r"^inferius$", r"^utils/[^/]+\.py$"],
        "exclude": [],
        "lang": "py",
    },
    # ... and its words before the rewrite of 2021-06 (merged at 26ca9a6; baae112 then changed
    # "Exiting..." to "Exiting."): the last commit of the main line before it (2021-05-10,
    # resources/*.py), whose lines older pastes carry ("[ERROR] This FutureRestore cannot be
    # used with Inferius. Exiting...").
    "inferius-legacy": {
        "wrapper": True,
        "repo": "m1stadev/Inferius",
        "pin": "4e2a44c609529f1315d0a1ea20eced7001e99446",
        "pin_note": ("the last commit of the main line before the 2021-06 "
                     "rewrite, whose words older pastes carry"),
        "include": [r"^inferius$", r"^resources/[^/]+\.py$"],
        "exclude": [],
        "lang": "py",
    },
    # downr1n (bash): printr (red, "[-] ..." errors), printy (yellow warnings), printg/printb
    # (green/blue progress, kept when they read like a failure).
    "downr1n": {
        "wrapper": True,
        "repo": "edwin170/downr1n",
        "include": [r"^downr1n\.sh$"],
        "exclude": [],
        "lang": "sh",
        "sh_calls": {"printr": "error", "printy": "warning", "printg": "info", "printb": "info"},
    },
    # sunst0rm (Python): print("[!] ..."), its prompts and helpers in utils/.
    "sunst0rm": {
        "wrapper": True,
        "repo": "mineek/sunst0rm",
        "include": [r"^sunstorm\.py$", r"^utils/[^/]+\.py$"],
        "exclude": [],
        "lang": "py",
    },
    # surrealra1n (bash): plain echo; "[!] ..." and "ERROR: ..." lines, and the others when
    # they read like a failure.
    "surrealra1n": {
        "wrapper": True,
        "repo": "pwnerblu/surrealra1n",
        "include": [r"^surrealra1n\.sh$"],
        "exclude": [],
        "lang": "sh",
        "sh_calls": {"echo": "print"},
    },
    # Vieux (Python, not Swift): print("ERROR: ...") and exit(N); resources/ holds ipwndfu and
    # the binaries it runs.
    "vieux": {
        "wrapper": True,
        "repo": "MatthewPierson/Vieux",
        "include": [r"^vieux$", r"^(device|ipsw|restore|utils)\.py$"],
        "exclude": [],
        "lang": "py",
    },
}

# Header files read only for enum values and string #defines (never for messages).
HEADER_RE = re.compile(r"\.(h|hpp)$")
ENUM_HEADERS = re.compile(r"^(include|src|common|futurerestore)/.*\.(h|hpp)$")

# Words that make a below-warning message an error report.
ERROR_WORDS = re.compile(
    r"(?i)(\berror|\bfail|\bunable\b|\bcould ?n[o']t\b|\bcan(not|'t)\b|\binvalid\b|"
    r"\bunexpected\b|\bmissing\b|not found|\bno such\b|timed? ?out|\btimeout|\bdenied\b|"
    r"\brefused\b|\babort|\bcorrupt|mismatch|unsupported|not supported|out of memory|"
    r"\bdisconnected\b|\bbroken\b|\bnot (be )?(able|allowed|available|signed|eligible|"
    r"compatible|connected|enough|valid|in (recovery|dfu|restore))|\bdefective\b|"
    r"\bwarning\b|\bunknown\b|\bunhandled\b|\bundefined\b|\bnot ok\b|\bnot running\b|"
    r"\bdoesn't|\bdoes not\b|\bdid not\b|\bdidn't\b|\brejected\b|\bwrong\b|\billegal\b)")

PRI_MACROS = {}
for _t, _c in (("d", "d"), ("i", "i"), ("u", "u"), ("x", "x"), ("X", "X"), ("o", "o")):
    PRI_MACROS["PRI%s64" % _t] = "ll" + _c
    PRI_MACROS["PRI%s32" % _t] = _c
    PRI_MACROS["PRI%s16" % _t] = "h" + _c
    PRI_MACROS["PRI%s8" % _t] = "hh" + _c
    PRI_MACROS["PRI%sPTR" % _t] = "l" + _c
    PRI_MACROS["PRI%sMAX" % _t] = "j" + _c
PRI_MACROS["SIZE_T_FMT"] = "zu"


# --------------------------------------------------------------------------------------
# git access

class Git:
    def __init__(self, git_dir):
        self.git_dir = git_dir

    def run(self, *args, binary=False):
        out = subprocess.run(["git", "--git-dir", self.git_dir] + list(args),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
        return out.stdout if binary else out.stdout.decode("utf-8", "replace")

    def resolve(self, rev):
        return self.run("rev-parse", "--verify", rev + "^{commit}").strip()

    def ls_tree(self, commit):
        out = self.run("ls-tree", "-r", "-z", "--full-tree", commit, binary=True)
        files = []
        for rec in out.split(b"\0"):
            if not rec:
                continue
            meta, path = rec.split(b"\t", 1)
            mode, typ, _obj = meta.split(b" ")
            if typ == b"blob":
                files.append(path.decode("utf-8", "replace"))
        return sorted(files)

    def show(self, commit, path):
        data = self.run("cat-file", "blob", "%s:%s" % (commit, path), binary=True)
        return data.decode("utf-8", "replace")


# --------------------------------------------------------------------------------------
# C/C++ lexing helpers

C_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "b": "\b", "f": "\f",
             "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?", "e": "\x1b"}


def c_unescape(s):
    out = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch != "\\" or i + 1 >= len(s):
            out.append(ch)
            i += 1
            continue
        nx = s[i + 1]
        if nx == "x":
            m = re.match(r"[0-9a-fA-F]{1,2}", s[i + 2:])
            if m:
                out.append(chr(int(m.group(0), 16)))
                i += 2 + len(m.group(0))
                continue
        if nx in "01234567":
            m = re.match(r"[0-7]{1,3}", s[i + 1:])
            out.append(chr(int(m.group(0), 8)))
            i += 1 + len(m.group(0))
            continue
        out.append(C_ESCAPES.get(nx, nx))
        i += 2
    return "".join(out)


def strip_comments(src):
    """Return (code, blank): code has comments replaced by spaces (newlines kept);
    blank additionally has string/char literal contents and preprocessor lines blanked,
    so braces and parentheses in it are real code."""
    n = len(src)
    code = list(src)
    blank = list(src)
    i = 0
    line_start = True
    while i < n:
        ch = src[i]
        if line_start and ch in " \t":
            i += 1
            continue
        if line_start and ch == "#":
            # preprocessor line (with continuations): blank it in `blank` only
            j = i
            while j < n:
                if src[j] == "\n" and src[j - 1] != "\\":
                    break
                j += 1
            for k in range(i, j):
                if blank[k] != "\n":
                    blank[k] = " "
            # comments inside the directive still need stripping in `code`
            k = i
            while k < j:
                if src.startswith("//", k):
                    e = src.find("\n", k)
                    e = j if e < 0 or e > j else e
                    for q in range(k, e):
                        code[q] = " "
                    k = e
                elif src.startswith("/*", k):
                    e = src.find("*/", k + 2)
                    e = n if e < 0 else e + 2
                    for q in range(k, e):
                        if code[q] != "\n":
                            code[q] = " "
                    k = e
                    j = max(j, e)
                elif src[k] == '"':
                    k = _skip_string(src, k, '"')
                else:
                    k += 1
            i = j
            line_start = False
            continue
        line_start = False
        if ch == "\n":
            line_start = True
            i += 1
        elif src.startswith("//", i):
            e = src.find("\n", i)
            e = n if e < 0 else e
            for q in range(i, e):
                code[q] = blank[q] = " "
            i = e
        elif src.startswith("/*", i):
            e = src.find("*/", i + 2)
            e = n if e < 0 else e + 2
            for q in range(i, e):
                if src[q] != "\n":
                    code[q] = blank[q] = " "
            i = e
        elif ch == '"' or ch == "'":
            # C++11 raw strings R"(...)" are not used by these sources; treat as plain.
            e = _skip_string(src, i, ch)
            for q in range(i + 1, e - 1):
                if src[q] != "\n":
                    blank[q] = " "
            i = e
        else:
            i += 1
    return "".join(code), "".join(blank)


def _skip_string(src, i, quote):
    j = i + 1
    n = len(src)
    while j < n:
        c = src[j]
        if c == "\\":
            j += 2
            continue
        if c == quote or c == "\n":
            return j + 1
        j += 1
    return n


class LineIndex:
    def __init__(self, text):
        self.starts = [0]
        for m in re.finditer("\n", text):
            self.starts.append(m.end())

    def line(self, pos):
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1


CONTROL = {"if", "for", "while", "switch", "do", "else", "return", "sizeof", "catch",
           "try", "case", "defined", "__attribute__", "decltype", "alignof", "typeof"}


def first_branches(code, blank):
    """`blank` with the #else/#elif branches of every #if blanked too, so that braces opened
    differently in two branches (`#ifdef WIN32 if (a) { #else if (b) { #endif`) count once."""
    out = list(blank)
    stack = []  # per #if: True while inside a later branch
    pos = 0
    for line in code.split("\n"):
        end = pos + len(line)
        m = re.match(r"\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b", line)
        if m:
            d = m.group(1)
            if d in ("if", "ifdef", "ifndef"):
                stack.append(False)
            elif d in ("elif", "else") and stack:
                stack[-1] = True
            elif d == "endif" and stack:
                stack.pop()
        elif any(stack):
            for q in range(pos, end):
                out[q] = " "
        pos = end + 1
    return "".join(out)


def function_spans(blank):
    """Spans (start, end, name) of function bodies, found on comment/string-blanked code."""
    spans = []
    depth = 0
    fn = None  # (name, body_depth, start)
    stmt_start = 0
    i = 0
    n = len(blank)
    while i < n:
        c = blank[i]
        if c == "{":
            if fn is None:
                head = blank[stmt_start:i]
                name = _function_name(head)
                if name:
                    fn = (name, depth, i)
            depth += 1
            stmt_start = i + 1
        elif c == "}":
            depth -= 1
            if fn is not None and depth == fn[1]:
                spans.append((fn[2], i, fn[0]))
                fn = None
            stmt_start = i + 1
        elif c == ";":
            stmt_start = i + 1
        i += 1
    return spans


FN_HEAD = re.compile(
    r"([A-Za-z_~][\w]*(?:\s*::\s*~?[A-Za-z_]\w*)*)\s*\(([^()]|\([^()]*\))*\)\s*"
    r"(?:const\b\s*)?(?:noexcept\b\s*)?(?:override\b\s*)?(?:->\s*[\w:<>*& ]+)?"
    r"(?::\s*[^{;]*)?\s*$", re.S)


# Clang's thread-safety annotations after a function's parameters (libusb's
# `static int f(...) REQUIRES(ctx->lock)`): all-capital macros, not the function's name.
ANNOTATIONS_RE = re.compile(r"\)\s*(?:[A-Z][A-Z0-9_]*\s*\((?:[^()]|\([^()]*\))*\)\s*)+$")


def _function_name(head):
    head = ANNOTATIONS_RE.sub(")", head.strip())
    if not head or head.endswith("=") or head.endswith(",") or "(" not in head:
        return None
    m = FN_HEAD.search(head)
    if not m:
        return None
    name = re.sub(r"\s+", "", m.group(1))
    if name.split("::")[-1] in CONTROL:
        return None
    # a constructor initializer list leaves the class::ctor before the ':'
    return name


COL0_RE = re.compile(
    r"^(?:\}|(?:[A-Za-z_][\w\s\*&:<>,]*?\b)?((?!(?:if|for|while|switch|return)\b)"
    r"[A-Za-z_]\w*(?:::~?\w+)*)\s*\([^;{}]*\)\s*(?:const\s*)?\{?\s*$)", re.M)


def split_args(code, open_pos):
    """Given the position of '(' in code, return (args, end_pos) where args are
    (start, end) spans of the top-level comma-separated arguments."""
    depth = 0
    i = open_pos
    n = len(code)
    args = []
    start = open_pos + 1
    while i < n:
        c = code[i]
        if c == '"' or c == "'":
            i = _skip_string(code, i, c)
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append((start, i))
                return args, i + 1
        elif c == "," and depth == 1:
            args.append((start, i))
            start = i + 1
        i += 1
    return None, n


STR_OR_ID = re.compile(r'\s*(?:(L|u8|u|U)?"((?:[^"\\\n]|\\.)*)"|([A-Za-z_]\w*))\s*', re.S)


def parse_format(expr, defines):
    """Turn a C format argument (string literals and macro names) into a format string.
    Returns (format, has_literal) or (None, False) when the expression is computed."""
    expr = expr.strip()
    # strip a cast or wrapping parentheses
    while expr.startswith("(") and expr.endswith(")") and _balanced(expr[1:-1]):
        expr = expr[1:-1].strip()
    pos = 0
    parts = []
    has_literal = False
    while pos < len(expr):
        m = STR_OR_ID.match(expr, pos)
        if not m or m.end() == pos:
            return None, False
        if m.group(2) is not None:
            parts.append(c_unescape(m.group(2)))
            has_literal = True
        else:
            ident = m.group(3)
            if ident in PRI_MACROS:
                parts.append(PRI_MACROS[ident])
            elif ident in defines and not BUILD_MACRO.match(ident):
                parts.append(defines[ident])
            else:
                # an unknown macro or a variable: only accepted between literals
                if not parts and m.end() == len(expr):
                    return None, False
                parts.append("%s")
        pos = m.end()
    return "".join(parts), has_literal


def _balanced(s):
    d = 0
    for c in s:
        if c == "(":
            d += 1
        elif c == ")":
            d -= 1
            if d < 0:
                return False
    return d == 0


# set by the build (configure, CMake): what a user's binary prints differs from any default
BUILD_MACRO = re.compile(r"^(VERSION|PACKAGE|BUILD|GIT)_")
DEFINE_RE = re.compile(r'^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+((?:"(?:[^"\\\n]|\\.)*"[ \t]*|[A-Za-z_]\w*[ \t]*)+)$', re.M)
ENUM_RE = re.compile(r"\benum\b[^{;]*\{([^{}]*)\}", re.S)


def collect_defines(text, defines):
    code, _ = strip_comments(text)
    for m in DEFINE_RE.finditer(code):
        name, body = m.group(1), m.group(2).strip()
        if name in defines or name in PRI_MACROS:
            continue
        if '"' not in body:
            continue
        fmt, ok = parse_format(body, defines)
        if fmt is not None and ok:
            defines[name] = fmt


def collect_enums(text, enums):
    code, _ = strip_comments(text)
    for m in ENUM_RE.finditer(code):
        value = -1
        for item in m.group(1).split(","):
            item = item.strip()
            if not item:
                continue
            mm = re.match(r"([A-Za-z_]\w*)\s*(?:=\s*(.+))?$", item, re.S)
            if not mm:
                continue
            name, expr = mm.group(1), mm.group(2)
            if expr is not None:
                expr = expr.strip()
                try:
                    value = int(expr, 0)
                except ValueError:
                    em = re.fullmatch(r"-\s*(0x[0-9a-fA-F]+|\d+)", expr)
                    if em:
                        value = -int(em.group(1), 0)
                    elif expr in enums:
                        value = enums[expr]
                    else:
                        value = None
            else:
                value = None if value is None else value + 1
            if value is not None:
                enums.setdefault(name, value)


LEVELS = {"LL_ERROR": "error", "LL_FATAL": "fatal", "LL_WARNING": "warning",
          "LL_NOTICE": "notice", "LL_INFO": "info", "LL_VERBOSE": "verbose",
          "LL_DEBUG": "debug", "LL_SPEW": "debug", "LL_FLOOD": "debug"}

# call name -> (format arg index or None for "first literal", base level)
C_CALLS = {
    "logger": (1, None),
    "usbmuxd_log": (1, None),
    "error": (0, "error"),
    "warning": (0, "warning"),
    "warn": (0, "warning"),
    "info": (0, "info"),
    "debug": (0, "debug"),
    "debug_info": (0, "debug"),
    "fprintf": (1, None),
    "printf": (0, "print"),
    "perror": (0, "error"),
    "reterror": (None, "exception"),
    "creterror": (None, "exception"),
    "retcustomerror": (1, "exception"),
    "retassure": (1, "exception"),
    "cretassure": (1, "exception"),
    "retcustomassure": (2, "exception"),
    # libusb's logging macros (libusbi.h): usbi_err(ctx, fmt, ...) and its levels
    "usbi_err": (1, "error"),
    "usbi_warn": (1, "warning"),
    "usbi_info": (1, "info"),
    "usbi_dbg": (1, "debug"),
}
C_CALL_RE = re.compile(r"(?<![\w.>:])(" + "|".join(sorted(C_CALLS, key=len, reverse=True)) +
                       r")\s*\(")
THROW_RE = re.compile(r"\bthrow\s+(?:tihmstar::\w+|std::\w+|\w*[Ee]xception)\s*\(")
# the functions that map an error code to its text or name: irecv_strerror,
# lockdownd_strerror, libusb_error_name, libusb's darwin_error_str
STRERROR_FN = re.compile(r"(strerror|_error_string|errstr|_error_name$|_error_str$)", re.I)
CASE_RETURN_RE = re.compile(r'\bcase\s+([A-Za-z_]\w*|-?\d+)\s*:\s*(?:\{\s*)?return\s+((?:"(?:[^"\\\n]|\\.)*"\s*)+);')
MAP_ROW_RE = re.compile(r'\{\s*"((?:[^"\\\n]|\\.)*)"\s*,\s*"((?:[^"\\\n]|\\.)*)"\s*,\s*([A-Z][A-Z0-9]*_E_[A-Z0-9_]+)\s*\}')


FMT_SPEC = re.compile(r"%[-+ #0-9.*]*(hh|h|ll|l|L|q|j|z|t)?[diouxXeEfgGaAcspn%@]")


def level_from_text(fmt, default):
    t = fmt.lstrip()
    if re.match(r"(?i)\[?(error|fatal)\b", t):
        return "error"
    if re.match(r"(?i)\[?warn(ing)?\b", t):
        return "warning"
    if re.match(r"(?i)(note|debug)\b", t):
        return "debug" if default in ("debug",) else default
    return default


# The marks the wrappers' scripts put before an error of their own ("[!] futurerestore not
# found", "[-] Unknown option", "[x] ..."), as the C tools' "ERROR: ".
WRAPPER_ERROR_MARK = re.compile(r"^\s*\[[!x-]\]")


# A wrapper's line whose text, without its level word, is one word ("ERROR: Exiting...") has
# nothing that tells it from another tool's line: the engine would find "Exiting..." inside
# any line and call it this wrapper's. Such a line is no message of its own (as the C
# extractor drops a bare "%s").
LEVEL_WORD_RE = re.compile(r"^\s*(?:\[?(?:ERROR|Error|error|WARNING|Warning|FATAL)\]?:?\s+)+")


def one_word(fmt, bare=False):
    """FMT is one word after its level words (and it has level words, unless BARE)."""
    words = re.findall(r"[A-Za-z]{2,}", FMT_SPEC.sub("", LEVEL_WORD_RE.sub("", fmt.split("\n")[0])))
    return len(words) == 1 and (bare or LEVEL_WORD_RE.match(fmt) is not None)


def wrapper_level(fmt, default):
    """level_from_text(), and a wrapper's error mark makes a print or progress line an error."""
    level = level_from_text(fmt, default)
    if level in ("info", "print") and WRAPPER_ERROR_MARK.match(fmt):
        return "error"
    return level


# Terminal colour sequences the scripts wrap a message in ('\033[91m' + "ERROR: ..." +
# '\033[0m', echo -e "\033[1;31m$1\033[0m"), as the byte or as the escape text: not printed
# text, and a paste keeps none of them.
ANSI_SGR_RE = re.compile(r"(?:\x1b|\\033|\\e|\\x1[bB])\[[0-9;]*m")


def clean_format(fmt):
    # the pack's format is one printed line: drop the newlines that end (or open) it.
    return ANSI_SGR_RE.sub("", fmt).strip("\r\n")


# --------------------------------------------------------------------------------------
# Objective-C (LeetDown): the app's own status and log calls, read on the same comment- and
# string-blanked text as C (so a call in a comment is no site). A status line is
# `[self updateStatus:EXPR color:[NSColor redColor]]`, EXPR a literal @"..." or
# [NSString stringWithFormat:@"...", ...]; the colour is the level the user sees (red an
# error, yellow or orange a warning, the others progress, kept when they read like a
# failure). NSLog(@"...") is a plain print. An alert's title and text (setMessageText:,
# setInformativeText:, showAlert:TITLE content:TEXT) are kept whatever they say: the
# prompts among them are classified as such. `%@` (an object's description) is `%s`.

OBJC_METHOD_RE = re.compile(r"^[-+][ \t]*\((?:[^()]|\([^()]*\))*\)[ \t]*([^{};]*?)\s*\{", re.M)
OBJC_STR_RE = re.compile(r'\s*@?"((?:[^"\\\n]|\\.)*)"')
OBJC_STATUS_RE = re.compile(r"\bupdateStatus:\s*")
OBJC_ALERT_RE = re.compile(r"\b(setMessageText|setInformativeText|showAlert):\s*")
OBJC_NSLOG_RE = re.compile(r"\bNSLog\s*\(")
OBJC_COLOR_RE = re.compile(r"\s*color:\s*\[\s*NSColor\s+(\w+?)Color\s*\]")
OBJC_COLOR_LEVEL = {"red": "error", "yellow": "warning", "orange": "warning"}


def objc_method_spans(blank):
    """Spans (start, end, selector) of Objective-C method bodies: `- (int)exploitDevice {`
    is "exploitDevice", `- (void)updateStatus:(NSString*)t color:(NSColor*)c {` is
    "updateStatus:color:"."""
    spans = []
    for m in OBJC_METHOD_RE.finditer(blank):
        head = re.sub(r"\([^()]*(?:\([^()]*\)[^()]*)*\)", " ", m.group(1))
        parts = re.findall(r"(\w+)\s*:", head)
        name = "".join(p + ":" for p in parts) if parts else head.split()[0] if head.split() else ""
        depth, i = 0, m.end() - 1
        while i < len(blank):
            if blank[i] == "{":
                depth += 1
            elif blank[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        spans.append((m.end() - 1, i, name))
    return spans


def objc_literal(code, pos):
    """Adjacent string literals (@"a" @"b") at pos: (text, end) or (None, pos)."""
    parts, end = [], pos
    while True:
        m = OBJC_STR_RE.match(code, end)
        if not m:
            break
        parts.append(c_unescape(m.group(1)))
        end = m.end()
    return ("".join(parts), end) if parts else (None, pos)


def objc_expr(code, pos):
    """The format of a message argument at pos: a literal, or the literal of
    [NSString stringWithFormat:@"...", ...]. (format or None, end of the argument)."""
    fmt, end = objc_literal(code, pos)
    if fmt is not None:
        return fmt, end
    m = re.compile(r"\s*\[\s*NSString\s+stringWithFormat:\s*").match(code, pos)
    if not m:
        return None, pos
    fmt, _ = objc_literal(code, m.end())
    args, end = split_args(code, m.start() + m.group(0).index("["))
    return fmt, end


def objc_format(fmt):
    return clean_format(fmt.replace("%@", "%s"))


def objc_sites(code, blank):
    """(position, call, level, format) of every status line, NSLog and alert text."""
    out = []
    for m in OBJC_STATUS_RE.finditer(blank):
        fmt, end = objc_expr(code, m.end())
        if fmt is None:
            continue
        cm = OBJC_COLOR_RE.match(code, end)
        level = OBJC_COLOR_LEVEL.get(cm.group(1), "info") if cm else "info"
        fmt = objc_format(fmt)
        level = level_from_text(fmt, level)
        if level == "info" and not ERROR_WORDS.search(fmt):
            continue
        out.append((m.start(), "updateStatus:", level, fmt))
    for m in OBJC_NSLOG_RE.finditer(blank):
        fmt, _ = objc_literal(code, m.end())
        if fmt is None:
            continue
        fmt = objc_format(fmt)
        if not re.search(r"[A-Za-z]{2}", FMT_SPEC.sub("", fmt)) or not ERROR_WORDS.search(fmt):
            continue
        out.append((m.start(), "NSLog", level_from_text(fmt, "print"), fmt))
    for m in OBJC_ALERT_RE.finditer(blank):
        fmt, end = objc_expr(code, m.end())
        texts = [fmt]
        if m.group(1) == "showAlert":
            cm = re.compile(r"\s*content:\s*").match(code, end)
            texts.append(objc_expr(code, cm.end())[0] if cm else None)
        for t in texts:
            if t is not None and re.search(r"[A-Za-z]{2}", FMT_SPEC.sub("", t)):
                out.append((m.start(), "alert", "print", objc_format(t)))
    return out


def extract_c(producer, path, text, commit, defines, enums):
    code, blank = strip_comments(text)
    lines = LineIndex(text)
    spans = function_spans(first_branches(code, blank))
    out = []
    skipped = []

    col0 = [(m.start(), m.group(1)) for m in COL0_RE.finditer(blank)]

    def func_at(pos):
        for s, e, name in spans:
            if s <= pos <= e:
                return name
        # inside a function defined in an #else branch: the last column-0 line before the
        # site, if it is a function head rather than a closing brace
        last = None
        for s, name in col0:
            if s > pos:
                break
            last = name
        return last or ""

    def add(pos, call, level, fmt, code_val=None, extra=None):
        rec = {"producer": producer, "file": path, "line": lines.line(pos), "commit": commit,
               "function": func_at(pos), "level": level, "format": clean_format(fmt),
               "call": call}
        if isinstance(code_val, list):
            rec["code"], rec["codes"] = code_val[0], code_val
        elif code_val is not None:
            rec["code"] = code_val
        if extra:
            rec.update(extra)
        out.append(rec)

    cfg = PRODUCERS.get(producer, {})
    calls = C_CALLS
    sites = [(m, m.group(1)) for m in C_CALL_RE.finditer(blank)]
    if cfg.get("member_calls"):
        # a producer's own logging callbacks, called through a struct (ctx->error_log(...))
        calls = dict(C_CALLS, **cfg["member_calls"])
        member = re.compile(r"(?:->|\.)\s*(" + "|".join(cfg["member_calls"]) + r")\s*\(")
        sites = sorted(sites + [(m, m.group(1)) for m in member.finditer(blank)],
                       key=lambda site: site[0].start())
    objc = cfg.get("lang") == "objc"
    if objc:
        # Objective-C methods first: func_at() takes the first span holding a site
        spans = objc_method_spans(blank) + spans

    for m, name in sites:
        open_pos = m.end() - 1
        args, end = split_args(code, open_pos)
        if not args:
            continue
        # skip declarations/definitions: "void error(const char* fmt, ...)"
        before = blank[max(0, m.start() - 40):m.start()]
        if re.search(r"(\bvoid|\bint|\bchar\s*\*?|\bstatic|\bextern|#\s*define\s*)\s*$", before):
            continue
        fmt_idx, level = calls[name]
        argtexts = [code[s:e] for s, e in args]
        code_val = None
        if name in ("logger", "usbmuxd_log"):
            lvl = argtexts[0].strip()
            if lvl not in LEVELS:
                continue
            level = LEVELS[lvl]
        elif name == "fprintf":
            if argtexts[0].strip() != "stderr":
                continue
            level = "stderr"
        elif name in ("reterror", "creterror"):
            first = argtexts[0].strip()
            if re.fullmatch(r"-?\s*\d+", first) and len(argtexts) > 1:
                code_val = int(first.replace(" ", ""))
                fmt_idx = 1
            else:
                fmt_idx = 0
        if fmt_idx >= len(argtexts):
            continue
        fmt, has_lit = parse_format(argtexts[fmt_idx], defines)
        if fmt is None or not has_lit:
            if '"' in argtexts[fmt_idx]:
                skipped.append({"file": path, "line": lines.line(m.start()),
                                "call": name, "why": "computed format"})
            continue
        if name == "perror":
            fmt = fmt + ": %s"
        if not re.search(r"[A-Za-z]{2}", FMT_SPEC.sub("", fmt)):
            continue  # hex dumps, bare "%s": no text of their own
        if level in ("info", "debug", "print", "stderr", "warning", "error"):
            level = level_from_text(fmt, level)
        if level in ("info", "notice", "verbose", "debug", "print"):
            if not ERROR_WORDS.search(fmt):
                continue
        if code_val is None:
            code_val = _status_case(blank, code, m.start())
        if code_val is None:
            code_val = _return_after(blank, end)
        if cfg.get("log_prefix") and name in cfg["log_prefix"][1] and (
                calls[name][1] in cfg["log_prefix"][2] or
                (one_word(fmt, True) and not re.search(r"[a-z][A-Z]", fmt))):
            fmt = cfg["log_prefix"][0] % (calls[name][1], func_at(m.start())) + fmt
        add(m.start(), name, level, fmt, code_val,
            conv_args(blank, spans, m.start(), argtexts[fmt_idx + 1:]))

    for m in THROW_RE.finditer(blank):
        open_pos = m.end() - 1
        args, end = split_args(code, open_pos)
        if not args:
            continue
        for s, e in args:
            fmt, has_lit = parse_format(code[s:e], defines)
            if fmt is not None and has_lit:
                add(m.start(), "throw", "exception", fmt)
                break

    if objc:
        for pos, call, level, fmt in objc_sites(code, blank):
            add(pos, call, level, fmt)

    # strerror tables: case ENUM: return "text";
    for s, e, fname in spans:
        if not STRERROR_FN.search(fname):
            continue
        # a label the build adds (`#if defined(X)` / `case X:` / `#endif`) between a case and
        # its return: preprocessor lines blanked, positions kept
        body = re.sub(r"(?m)^[ \t]*#.*$", lambda pm: " " * len(pm.group(0)), code[s:e])
        for cm in CASE_RETURN_RE.finditer(body):
            label, lit = cm.group(1), cm.group(2)
            fmt, _ = parse_format(lit, defines)
            val = enums.get(label)
            if val is None and re.fullmatch(r"-?\d+", label):
                val = int(label)
            if val == 0 or fmt is None:
                continue  # the success text is no error
            add(s + cm.start(), "strerror", "error-string", fmt, val, {"symbol": label})
    for pos, fmt, val, sym in string_table_rows(code, cfg.get("string_tables", {}), defines,
                                                enums):
        add(pos, "string_table", "error-string", fmt, val, {"symbol": sym} if sym else None)
    for mm in MAP_ROW_RE.finditer(code):
        # lockdownd_error_str_map: { "DeviceName", "text", LOCKDOWN_E_X }
        add(mm.start(), "error_map", "error-string", c_unescape(mm.group(2)),
            enums.get(mm.group(3)), {"symbol": mm.group(3), "device_name": mm.group(1)})

    return out, skipped


def _brace_items(code, open_pos):
    """The top-level items of the initializer list whose '{' is at open_pos:
    [(start, end)] (a trailing comma leaves no empty item), or None when it does not close."""
    items, _end = split_args(code, open_pos)
    if items is None:
        return None
    return [(a, b) for a, b in items if code[a:b].strip()]


def string_table_rows(code, tables, defines, enums):
    """The texts of a table of strings an error code indexes (PRODUCERS[...]["string_tables"]:
    name -> {row, code, enum_prefix, last_symbol}): `NAME[..][..] = { { "a", "b" }, ... }`, the row ROW
    of a table of rows (one per language) or the table itself; with code "-index" the entry
    at index i is the text of code -i (libusb_strerror: errcode_index = -errcode), and its
    symbol the constant of that value whose name has ENUM_PREFIX; the last entry, the text
    of every code outside the table, is LAST_SYMBOL's. Index 0, success, is no error.
    Yields (position, format, code, symbol)."""
    for name, spec in sorted(tables.items()):
        m = re.search(r"\b" + re.escape(name) + r"\s*(?:\[[^\]]*\]\s*)*=\s*\{", code)
        if not m:
            continue
        items = _brace_items(code, m.end() - 1)
        if items and "row" in spec:
            s, e = items[spec["row"]]
            brace = code.index("{", s)
            items = _brace_items(code, brace) if brace < e else None
        for index, (s, e) in enumerate(items or []):
            fmt, ok = parse_format(code[s:e], defines)
            if fmt is None or not ok or index == 0:
                continue
            val = -index if spec.get("code") == "-index" else index
            sym = sorted(k for k, v in enums.items()
                         if v == val and k.startswith(spec.get("enum_prefix", "")))
            if index == len(items) - 1 and spec.get("last_symbol") in enums:
                # the text of every code outside the table ("Other error")
                sym = [spec["last_symbol"]]
                val = enums[sym[0]]
            yield s + len(code[s:e]) - len(code[s:e].lstrip()), fmt, val, sym[0] if sym else ""


ARG_NAME_RE = re.compile(r"([A-Za-z_]\w*)\s*(?:\(\s*\))?\s*$")


def _decl_type(text, name):
    """The type of the last declaration of NAME in TEXT (`irecv_error_t err = ...`,
    `lockdownd_error_t lerr;`, a parameter `int status,`), or ""."""
    found = ""
    for dm in re.finditer(r"(?:^|[;{}(,]\s*)((?:const\s+|unsigned\s+|signed\s+|enum\s+|struct\s+)*"
                          r"[A-Za-z_][\w:]*)\s*\**\s*\b" + re.escape(name) +
                          r"\s*(?:=|;|,|\)|\[)", text):
        t = dm.group(1).strip()
        if t not in ("return", "else", "case", "sizeof", "goto") and not t.endswith(":"):
            found = t
    return found


def conv_args(blank, spans, pos, args):
    """For a printf site: the arguments its conversions print, as written, each with the
    declared type of the name it prints (searched back in the enclosing function, its
    parameters included, then in the file): what scripts/vocab/codes.py reads to tell a
    printed code and its numbering space."""
    start = 0
    for s, e, _ in spans:
        if s <= pos <= e:
            start = max(0, blank.rfind(";", 0, s) + 1, blank.rfind("}", 0, s) + 1)
            break
    out = []
    for a in args:
        expr = " ".join(a.split())
        m = ARG_NAME_RE.search(expr)
        name = m.group(1) if m else ""
        t = ""
        if name:
            t = _decl_type(blank[start:pos], name) or _decl_type(blank[:pos], name)
        call = ""
        if name:
            calls = re.findall(r"\b" + re.escape(name) + r"\s*=\s*(?:\(\s*\w+\s*\)\s*)?"
                               r"([A-Za-z_]\w*)\s*\(", blank[start:pos])
            call = calls[-1] if calls else ""
        out.append({"expr": expr, "type": t, "from": call})
    return {"args": out}


CASE_LABEL_RE = re.compile(r"\bcase\s+(-?\s*(?:0x[0-9A-Fa-f]+|\d+))(?:LL|ULL|U|L)?\s*:")


def _status_case(blank, code, pos):
    """Integer `case N:` that opens the statement run the message is in (status tables)."""
    head = blank[max(0, pos - 300):pos]
    # the message must follow the case label(s) directly: only labels/whitespace between
    labels = list(CASE_LABEL_RE.finditer(head))
    if not labels or re.search(r"[;{}]", head[labels[-1].end():]):
        return None
    # consecutive labels (`case 50: case 51:`) share the message
    run = [labels[-1]]
    for m in reversed(labels[:-1]):
        if head[m.end():run[0].start()].strip():
            break
        run.insert(0, m)
    values = []
    for m in run:
        try:
            v = int(m.group(1).replace(" ", ""), 0)
        except ValueError:
            return None
        values.append(-1 if v >= 0xFFFFFFFF else v)
    return values[0] if len(values) == 1 else values


RETURN_RE = re.compile(r"\s*(?:return|(?:err|ret|result|res|error)\s*=)\s*\(?\s*(-\s*\d+)\s*\)?\s*;")


def _return_after(blank, end):
    """`return -N;` (or `err = -N;`) as the statement right after the message (N >= 2)."""
    semi = blank.find(";", end - 1)
    if semi < 0:
        return None
    m = RETURN_RE.match(blank, semi + 1)
    if not m:
        return None
    v = int(m.group(1).replace(" ", ""))
    return v if v <= -2 else None


# --------------------------------------------------------------------------------------
# Python

PY_LOG_METHODS = {"error": "error", "warning": "warning", "warn": "warning",
                  "critical": "fatal", "fatal": "fatal", "exception": "error",
                  "info": "info", "debug": "debug"}


def _py_str(node):
    """A format string from a str constant, an f-string, "..." % x or "...".format()."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                parts.append(str(v.value).replace("%", "%%"))
            else:
                parts.append("%s")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _py_str(node.left)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _py_str(node.left), _py_str(node.right)
        if left is None and right is None:
            return None
        return (left if left is not None else "%s") + (right if right is not None else "%s")
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"):
        base = _py_str(node.func.value)
        if base is not None:
            return re.sub(r"\{[^{}]*\}", "%s", base.replace("%", "%%"))
    return None


def _dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return inner + "." + node.attr if inner else node.attr
    return ""


def extract_py(producer, path, text, commit):
    out = []
    skipped = []
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as e:
        skipped.append({"file": path, "line": e.lineno or 0, "call": "parse", "why": str(e)})
        return out, skipped

    def add(node, func, call, level, fmt, code_val=None, extra=None):
        rec = {"producer": producer, "file": path, "line": node.lineno, "commit": commit,
               "function": func, "level": level, "format": clean_format(fmt), "call": call}
        if code_val is not None:
            rec["code"] = code_val
        if extra:
            rec.update(extra)
        out.append(rec)

    def visit(node, scope):
        for child in ast.iter_child_nodes(node):
            sc = scope
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                sc = scope + [child.name]
            handle(child, ".".join(sc))
            visit(child, sc)

    def handle(node, func):
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc
            if isinstance(exc, ast.Call):
                cls = _dotted(exc.func)
                if cls.split(".")[-1] in ("Exit", "Abort") or cls.startswith("typer"):
                    return
                fmt = None
                if exc.args:
                    fmt = _py_str(exc.args[0])
                    if fmt is None:
                        fmt = "%s"
                else:
                    fmt = cls.split(".")[-1]
                add(node, func, "raise", "exception", fmt, None,
                    {"exception": cls.split(".")[-1]})
            else:
                cls = _dotted(exc)
                if cls and cls[0].isupper():
                    add(node, func, "raise", "exception", cls.split(".")[-1], None,
                        {"exception": cls.split(".")[-1]})
        elif isinstance(node, ast.Call):
            fn = node.func
            if isinstance(fn, ast.Attribute) and fn.attr in PY_LOG_METHODS:
                owner = _dotted(fn.value)
                if not (owner.endswith("logger") or owner in ("logging", "log", "self.log")):
                    return
                level = PY_LOG_METHODS[fn.attr]
                if not node.args:
                    return
                fmt = _py_str(node.args[0])
                if fmt is None:
                    # logger.error(known_errors[status]) etc.: the text comes from elsewhere
                    if level in ("info", "debug"):
                        return
                    skipped.append({"file": path, "line": node.lineno, "call": fn.attr,
                                    "why": "computed format"})
                    return
                if level in ("info", "debug") and not ERROR_WORDS.search(fmt):
                    return
                add(node, func, "logger." + fn.attr, level_from_text(fmt, level), fmt)
            elif isinstance(fn, ast.Name) and fn.id == "print" and node.args:
                fmt = _py_str(node.args[0])
                fmt = fmt and ANSI_SGR_RE.sub("", fmt)
                if fmt and PRODUCERS.get(producer, {}).get("wrapper") and one_word(fmt):
                    return
                if fmt and (ERROR_WORDS.search(fmt) or WRAPPER_ERROR_MARK.match(fmt)):
                    add(node, func, "print", wrapper_level(fmt, "print"), fmt)
            elif _dotted(fn) in ("sys.exit", "exit", "quit") and node.args:
                # exit("text") prints the text to stderr and ends the run with status 1
                fmt = _py_str(node.args[0])
                fmt = fmt and ANSI_SGR_RE.sub("", fmt)
                if fmt and re.search(r"[A-Za-z]{2}", fmt):
                    add(node, func, "exit", level_from_text(fmt, "stderr"), fmt)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Dict):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [_dotted(t) for t in targets]
            if not any(re.search(r"(?i)error", n) for n in names):
                return
            for k, v in zip(node.value.keys, node.value.values):
                if (isinstance(k, ast.Constant) and isinstance(k.value, int)
                        and isinstance(v, ast.Constant) and isinstance(v.value, str)):
                    code_val = k.value
                    if code_val >= 0xFFFFFFFF:
                        code_val = -1
                    add(v, func, "table:" + names[0], "status", v.value, code_val)

    visit(tree, [])
    return out, skipped


# --------------------------------------------------------------------------------------
# shell scripts: the message functions of Legacy iOS Kit (error/Error exit with "[Error] $1",
# warn prints "[WARNING] $1"); only the first argument is the message.

SH_CALL_RE = re.compile(r'(?<![\w$-])(error|Error|warn)[ \t]+"((?:[^"\\]|\\.)*)"')
SH_FUNC_RE = re.compile(r'^[ \t]*(?:function[ \t]+)?([A-Za-z_][\w-]*)[ \t]*\(\)[ \t]*\{?')
SH_EXPANSION_RE = re.compile(r'\$\(\([^)]*\)\)|\$\([^)]*\)|\$\{[^}]*\}|\$[A-Za-z_]\w*|\$[0-9*@#?]|`[^`]*`')
SH_LEVELS = {"error": "error", "Error": "error", "warn": "warning"}


def sh_format(body):
    """The printf-style format of a double-quoted shell string: expansions become %s."""
    out, i = [], 0
    while i < len(body):
        m = SH_EXPANSION_RE.match(body, i)
        if m:
            out.append("%s")
            i = m.end()
            continue
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt if nxt in '"\\$`' else "\\" + nxt))
            i += 2
            continue
        out.append("%%" if c == "%" else c)
        i += 1
    return "".join(out)


def sh_calls_re(calls):
    """A producer's message functions (PRODUCERS[...]["sh_calls"]: name -> level), each
    followed by a double- or single-quoted first argument; `echo` may have its -e/-n flags."""
    names = "|".join(re.escape(c) + (r"(?:[ \t]+-[neE]+)*" if c == "echo" else "")
                     for c in sorted(calls, key=len, reverse=True))
    return re.compile(r"(?<![\w$-])(" + names + r")[ \t]+"
                      r"""(?:"((?:[^"\\]|\\.)*)"|'([^'\n]*)')""")


def extract_sh(producer, path, text, commit):
    cfg = PRODUCERS.get(producer, {})
    calls = cfg.get("sh_calls")
    # Legacy iOS Kit's error/Error/warn take a double-quoted text, and its pack keeps the
    # function a message follows (no end of function is tracked); a producer that names its
    # own calls also gets single-quoted texts, the function closed by a `}` line, and its
    # progress calls kept only when they read like a failure or carry an error mark.
    call_re = sh_calls_re(calls) if calls else SH_CALL_RE
    levels = calls or SH_LEVELS
    out, func = [], None
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            continue
        fm = SH_FUNC_RE.match(line)
        if fm and line.rstrip().endswith(("{", "()")):
            func = fm.group(1)
        elif calls and line.rstrip() == "}":
            func = None
            continue
        for m in call_re.finditer(line):
            if func in levels:      # the message function's own body
                continue
            name = m.group(1).split()[0]
            if m.group(2) is not None:
                fmt = clean_format(sh_format(m.group(2)))
            else:
                fmt = clean_format(m.group(3).replace("%", "%%"))
            if not fmt.strip("%s .") or line[:m.start()].rstrip().endswith("()"):
                continue
            level = levels[name]
            if calls and one_word(fmt):
                continue
            if calls:
                level = wrapper_level(fmt, level)
                if level in ("info", "print") and not ERROR_WORDS.search(fmt):
                    continue
            out.append({"producer": producer, "file": path, "line": n, "commit": commit,
                        "function": func or "", "level": level, "format": fmt,
                        "call": name})
    return out, []


# --------------------------------------------------------------------------------------

def producer_files(producer, files):
    cfg = PRODUCERS[producer]
    inc = [re.compile(p) for p in cfg["include"]]
    exc = [re.compile(p) for p in cfg["exclude"]]
    return [f for f in files if any(p.search(f) for p in inc) and not any(p.search(f) for p in exc)]


def extract(producer, git_dir, commit):
    """All message records of PRODUCER at COMMIT, sorted; plus the skipped sites."""
    if producer not in PRODUCERS:
        raise SystemExit("unknown producer %r (known: %s)" % (producer, ", ".join(PRODUCERS)))
    git = Git(git_dir)
    commit = git.resolve(commit)
    cfg = PRODUCERS[producer]
    all_files = git.ls_tree(commit)
    files = producer_files(producer, all_files)
    records, skipped = [], []
    if cfg["lang"] in ("py", "sh"):
        fn = extract_py if cfg["lang"] == "py" else extract_sh
        for f in files:
            r, s = fn(producer, f, git.show(commit, f), commit)
            records += r
            skipped += s
    else:
        defines, enums = {}, {}
        hdr = re.compile(cfg["headers"]) if cfg.get("headers") else ENUM_HEADERS
        headers = [f for f in all_files if HEADER_RE.search(f) and hdr.search(f)]
        texts = {f: git.show(commit, f) for f in sorted(set(headers) | set(files))}
        for f in sorted(texts):
            collect_enums(texts[f], enums)
            collect_defines(texts[f], defines)
        for f in files:
            if HEADER_RE.search(f):
                continue
            r, s = extract_c(producer, f, texts[f], commit, defines, enums)
            records += r
            skipped += s
    common = {t.casefold() for t in cfg.get("common_texts", ())}
    records = [r for r in records
               if not (r["level"] == "error-string" and r["format"].casefold() in common)]
    key = lambda r: (r["file"], r["line"], r["format"])
    records.sort(key=key)
    skipped.sort(key=lambda s: (s["file"], s["line"]))
    return commit, records, skipped


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("producer", choices=sorted(PRODUCERS))
    ap.add_argument("git_dir")
    ap.add_argument("commit")
    ap.add_argument("--format", choices=("jsonl", "tsv"), default="jsonl")
    ap.add_argument("--skipped", action="store_true", help="list the sites not extracted")
    a = ap.parse_args(argv)
    commit, records, skipped = extract(a.producer, a.git_dir, a.commit)
    if a.skipped:
        for s in skipped:
            print(json.dumps(s, sort_keys=True))
        return 0
    if a.format == "jsonl":
        for r in records:
            print(json.dumps(r, sort_keys=True, ensure_ascii=False))
    else:
        cols = ["producer", "file", "line", "function", "level", "code", "format"]
        print("\t".join(cols))
        for r in records:
            print("\t".join(json.dumps(r.get(c, ""), ensure_ascii=False)[1:-1]
                            if isinstance(r.get(c, ""), str) else str(r.get(c, ""))
                            for c in cols))
    return 0


if __name__ == "__main__":
    sys.exit(main())
