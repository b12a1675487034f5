/*
 * Finding the logs.
 *
 * Two tables drive this module.  `places` is the knowledge table printed by
 * `loganalyze logs`: for each host and tool, where the restore or crash log
 * lives, how to capture it, and the public source that confirms it (or
 * confirmed = 0 when no source was found; the text then says what is
 * inferred).  `specs` is what `--auto` scans: a root (HOME, APPDATA,
 * LOCALAPPDATA, USERPROFILE, the working directory), a relative folder (one
 * component may be an fnmatch pattern, e.g. Configurator's group container),
 * a default kind and a depth.
 *
 * Data flow: roots from the environment -> expand each spec's folder ->
 * walk it (la_dir_list, so entries come in byte order; lstat, no symlinked
 * folders, depth-limited) -> classify each file by name (panic-*,
 * sysdiagnose_*, restore_*.log, iPhoneUpdater*.log, *.ips, ...) -> keep it
 * unless the same (dev, inode) is already kept -> sort newest first.
 *
 * Invariants: at most LA_LOCATE_MAX_FOUND results; when more files qualify
 * the oldest are dropped, so the newest are kept whatever the walk order.
 * At most LA_LOCATE_MAX_VISITED directory entries are examined in one
 * scan, so a huge home folder cannot stall --auto; a folder is listed only
 * up to what is left of that budget (la_dir_list's max), so memory stays
 * bounded too.
 * Nothing is printed: unreadable folders and the caps go to the diag sink as
 * warnings.
 *
 * Why LOGANALYZE_AUTO_ROOT: tests (and users with a copied profile) need to
 * point the scan at a fake tree laid out like a Windows, macOS or Linux home,
 * whatever OS the test runs on; it replaces every other root, including the
 * working directory, so the result does not depend on where the test runs.
 *
 * Under WSL the logs iTunes and the Apple Devices app wrote live in the Windows
 * user folders, not in the Linux HOME: every folder of /mnt/c/Users (but the
 * shared ones: Public, Default, ...) is scanned as one more Windows home
 * (HOME, APPDATA and LOCALAPPDATA below it).  LOGANALYZE_WSL_USERS names that
 * folder instead (tests, another drive); with LOGANALYZE_AUTO_ROOT it is the
 * only way the Windows folders are scanned, so tests stay independent of the
 * machine they run on.
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/dir.h"
#include "locate/locate.h"

/* ------------------------------------------------------------ knowledge */

/*
 * Sources are public texts read while writing this table; "@commit" pins the
 * revision that was read.  Apple's own support pages were not reachable, so
 * entries rely on the repositories and pages that quote them.
 */
static const struct la_place places[] = {
    /* Windows ------------------------------------------------------ */
    { "windows", "iTunes",
      "restore / update log, one file per attempt (iPhoneUpdater N.log)",
      "%APPDATA%\\Apple Computer\\iTunes\\iPhone Updater Logs\\ "
      "(also iPad Updater Logs, iPod Updater Logs)",
      "written automatically by every restore or update; copy the newest file",
      "folders: iTunes folder list in https://stealthpuppy.com/sequencing-apple-itunes-10/ "
      "(A. Parker, 2011); file name: MobileDevice.h comment on AMRestoreEnableFileLogging "
      "(github.com/10p-freddo/fruitstrap MobileDevice.h); same name on Windows is inferred",
      1 },
    { "windows", "iTunes",
      "device crash and panic reports (panic-full-*.ips, *.ips), copied at each sync",
      "%APPDATA%\\Apple Computer\\Logs\\CrashReporter\\MobileDevice\\<device name>\\",
      "sync the device in iTunes after the failure (the device must boot)",
      "Apple QA1747 as quoted in public developer guides, e.g. the iOS SDK release notes "
      "and tutorials found by content search (\"Windows Vista, 7+: C:\\Users\\<USERNAME>"
      "\\AppData\\Roaming\\Apple Computer\\Logs\\CrashReporter\\MobileDevice\\<DEVICE_NAME>\")",
      1 },
    { "windows", "iTunes (Microsoft Store edition)",
      "restore / update log, same as desktop iTunes but inside the app package",
      "%LOCALAPPDATA%\\Packages\\AppleInc.iTunes_nzyj5cx40ttqa\\LocalCache\\Roaming\\"
      "Apple Computer\\iTunes\\iPhone Updater Logs\\",
      "written automatically; copy the newest file",
      "unconfirmed: the Store edition keeps %APPDATA%\\Apple Computer under this "
      "LocalCache\\Roaming folder (seen for 'iPhone Software Updates' and Preferences in "
      "public scripts); the Updater Logs subfolder itself was not seen",
      0 },
    { "windows", "Apple Devices app",
      "logs of the Apple Devices app (which replaced iTunes for devices on Windows 11)",
      "%LOCALAPPDATA%\\Packages\\AppleInc.AppleDevices_nzyj5cx40ttqa\\LocalCache\\Roaming\\"
      "Apple Computer\\Logs\\ (also ...\\LocalCache\\Local\\Logs\\ and ...\\LocalState\\Logs\\)",
      "written automatically; zip the three Logs folders",
      "github.com/MoscaDotTo/Winapp2@04b4e8f winapp2ool/modules/uwpbuilder/readme.md "
      "(the 'Apple Devices' cleaner entry lists these Logs folders)",
      1 },
    { "windows", "Apple Devices app",
      "device crash and panic reports copied at sync",
      "%LOCALAPPDATA%\\Packages\\AppleInc.AppleDevices_nzyj5cx40ttqa\\LocalCache\\Roaming\\"
      "Apple Computer\\Logs\\CrashReporter\\MobileDevice\\<device name>\\",
      "sync the device in Apple Devices after the failure",
      "unconfirmed: inferred from the package's Logs folder (above) and iTunes' layout; "
      "which file holds the app's restore log is also unconfirmed",
      0 },
    /* macOS -------------------------------------------------------- */
    { "macos", "iTunes (macOS 10.14 and earlier), MobileDevice",
      "restore / update log, one file per attempt",
      "~/Library/Logs/iPhone Updater Logs/iPhoneUpdater N.log",
      "written automatically by every restore or update",
      "MobileDevice.h comment on AMRestoreEnableFileLogging (github.com/10p-freddo/"
      "fruitstrap MobileDevice.h, and many copies); scripts that grep "
      "~/Library/Logs/iPhone Updater Logs/iPhoneUpdater*",
      1 },
    { "macos", "Finder, iTunes, Xcode",
      "device crash and panic reports (panic-full-*.ips) and synced sysdiagnose archives "
      "(<device name>/DiagnosticLogs/sysdiagnose/)",
      "~/Library/Logs/CrashReporter/MobileDevice/<device name>/",
      "sync the device in Finder after the failure (the device must boot)",
      "Apple QA1747 as quoted in public developer guides and the iOS SDK release notes "
      "(\"Macintosh users can find crash logs in ~/Library/Logs/CrashReporter/MobileDevice/"
      "<iPhone name>\"); the DiagnosticLogs/sysdiagnose subfolder is the device's own "
      "folder name (pymobiledevice3 SYSDIAGNOSE_DIR)",
      1 },
    { "macos", "Apple Configurator 2",
      "Configurator's restore log",
      "~/Library/Group Containers/<team id>.group.com.apple.configurator/Library/Logs/",
      "written automatically; the author notes logging seemed broken in version 2.12.1",
      "MrMacintosh, 'How to Restore BridgeOS on a T2 Mac' (copy found in a public "
      "GitHub repository)",
      1 },
    { "macos", "Finder (AMPDevicesAgent)",
      "Finder's restore messages; no per-restore file on disk was found",
      "log show --last 1h --info --predicate 'process == \"AMPDevicesAgent\"' "
      "> finder-restore.log",
      "run right after the failure; widen --last if it happened earlier",
      "unconfirmed as a recipe: the process name AMPDevicesAgent appears in a real Finder "
      "restore log (ripperdoc.de wiki, 'macbook-update-26-4-1-dfu-4042'); `log show "
      "--predicate` is the standard unified-log query",
      0 },
    /* Linux (and any OS with the open-source tools) ---------------- */
    { "linux", "idevicerestore",
      "full restore log written by idevicerestore itself",
      "./restore_<ECID as 16 hex digits>_<unix time>.log in the working directory "
      "(restore_<UDID>_<time>.log or restore_<time>.log without an ECID)",
      "idevicerestore -d -l (or -e) FIRMWARE.ipsw; choose the file with --logfile=PATH; "
      "builds before June 2025 (1.0.0 and older) write no file: add "
      "2>&1 | tee restore.log",
      "github.com/libimobiledevice/idevicerestore@405fcd1 src/idevicerestore.c "
      "(--logfile, -d/--debug, the snprintf of the default name; added in 8061f08)",
      1 },
    { "linux", "futurerestore",
      "console output only (futurerestore writes no log file)",
      "futurerestore.log where you saved it",
      "futurerestore -d [options] FIRMWARE.ipsw 2>&1 | tee futurerestore.log",
      "github.com/futurerestore/futurerestore@22a5d89 src/main.cpp "
      "(\"-d, --debug  Show all code, use to save a log for debug testing\")",
      1 },
    { "linux", "pymobiledevice3",
      "console output only (Python logging)",
      "pymobiledevice3-restore.log where you saved it",
      "pymobiledevice3 -vv --no-color restore update -i FIRMWARE.ipsw 2>&1 | "
      "tee pymobiledevice3-restore.log (releases before 2025 take -v after the subcommand)",
      "github.com/doronz88/pymobiledevice3@62e2957 pymobiledevice3/__main__.py "
      "(top-level --verbose/-v, count) and docs/guides/troubleshooting.md (-vv); "
      "click-era option in cli/cli_common.py@0c3223c6",
      1 },
    { "linux", "libimobiledevice, pymobiledevice3",
      "device crash and panic reports and sysdiagnose archives pulled over USB",
      "the DIRECTORY you name",
      "idevicecrashreport -k -e DIRECTORY   or   pymobiledevice3 crash sysdiagnose DIRECTORY",
      "libimobiledevice tools/idevicecrashreport.c usage text (-e, -k); "
      "github.com/doronz88/pymobiledevice3@62e2957 pymobiledevice3/cli/crash.py "
      "('crash sysdiagnose')",
      1 },
    /* The device --------------------------------------------------- */
    { "device", "iPhone / iPad (sysdiagnose)",
      "sysdiagnose_<date>_iPhone-OS_iPhone_<build>.tar.gz: unified log, panics, restore "
      "and update logs of the device",
      "Settings > Privacy & Security > Analytics & Improvements > Analytics Data > "
      "sysdiagnose_...",
      "press and release both volume buttons and the side (top) button together for about "
      "1 s (a short vibration), wait about 10 minutes, open Analytics Data, tap the file, "
      "Share: AirDrop, Mail or Files; or sync in Finder/iTunes and take it from "
      "CrashReporter/MobileDevice/<device name>/DiagnosticLogs/sysdiagnose/",
      "github.com/faisalmemon/ios-crash-dump-analysis-book markdown/SystemDiagnostics.md "
      "(chord, Analytics Data, Share); file naming: EC-DIGIT-CSIRC/sysdiagnose-testdata",
      1 },
    { "device", "iPhone / iPad (panic reports)",
      "panic-full-<date>.ips of a device that still boots",
      "Settings > Privacy & Security > Analytics & Improvements > Analytics Data > "
      "panic-full-...",
      "tap the file, Share (AirDrop, Mail); or sync and take it from the CrashReporter "
      "folder of your computer",
      "device-side folder /private/var/mobile/Library/Logs/CrashReporter/ (MVT and "
      "pymobiledevice3 crash-report services); Analytics Data listing as above",
      1 },
};

size_t la_locate_n_places(void)
{
    return sizeof(places) / sizeof(places[0]);
}

const struct la_place *la_locate_place(size_t i)
{
    return i < la_locate_n_places() ? &places[i] : NULL;
}

const char *la_locate_host(void)
{
#if defined(_WIN32)
    return "windows";
#elif defined(__APPLE__)
    return "macos";
#else
    return "linux";
#endif
}

const char *la_locate_host_title(const char *host)
{
    return !strcmp(host, "windows") ? "Windows"
           : !strcmp(host, "macos") ? "macOS"
           : !strcmp(host, "linux") ? "Linux (idevicerestore, futurerestore, pymobiledevice3 "
                                      "also run on macOS and Windows)"
                                    : "The iPhone or iPad itself";
}

int la_locate_kind_is_restore_log(const char *kind)
{
    static const char *const k[] = { LA_KIND_UPDATER, LA_KIND_CONFIGURATOR,
                                      LA_KIND_APPLEDEVICES, LA_KIND_IDEVICERESTORE,
                                      LA_KIND_TOOL };
    if (!kind)
        return 0;
    for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
        if (!strcmp(kind, k[i]))
            return 1;
    return 0;
}

/* ------------------------------------------------------------ scan specs */

enum root { R_HOME, R_APPDATA, R_LOCALAPPDATA, R_USERPROFILE, R_CWD, R_COUNT };

struct spec {
    enum root root;
    const char *rel;      /* '/'-separated; a component may be an fnmatch pattern */
    const char *kind;     /* kind of other .log/.txt files; NULL: known names only */
    unsigned depth;       /* folder levels below rel to descend */
};

#define ITUNES_STORE "Packages/AppleInc.iTunes_nzyj5cx40ttqa/LocalCache/Roaming/Apple Computer"
#define APPLE_DEVICES "Packages/AppleInc.AppleDevices_nzyj5cx40ttqa"

static const struct spec specs[] = {
    /* macOS */
    { R_HOME, "Library/Logs/iPhone Updater Logs", LA_KIND_UPDATER, 0 },
    { R_HOME, "Library/Logs/iPad Updater Logs", LA_KIND_UPDATER, 0 },
    { R_HOME, "Library/Logs/CrashReporter/MobileDevice", LA_KIND_CRASH, 4 },
    { R_HOME, "Library/Group Containers/*.group.com.apple.configurator/Library/Logs",
      LA_KIND_CONFIGURATOR, 2 },
    /* plain folders: idevicerestore logs, captured tool output, AirDropped archives */
    { R_HOME, "", NULL, 0 },
    { R_HOME, "Downloads", NULL, 0 },
    { R_HOME, "Desktop", NULL, 0 },
    { R_CWD, "", NULL, 0 },
    /* Windows, iTunes */
    { R_APPDATA, "Apple Computer/iTunes/iPhone Updater Logs", LA_KIND_UPDATER, 0 },
    { R_APPDATA, "Apple Computer/iTunes/iPad Updater Logs", LA_KIND_UPDATER, 0 },
    { R_APPDATA, "Apple Computer/iTunes/iPod Updater Logs", LA_KIND_UPDATER, 0 },
    { R_APPDATA, "Apple Computer/Logs/CrashReporter/MobileDevice", LA_KIND_CRASH, 4 },
    { R_LOCALAPPDATA, ITUNES_STORE "/iTunes/iPhone Updater Logs", LA_KIND_UPDATER, 0 },
    { R_LOCALAPPDATA, ITUNES_STORE "/iTunes/iPad Updater Logs", LA_KIND_UPDATER, 0 },
    { R_LOCALAPPDATA, ITUNES_STORE "/Logs/CrashReporter/MobileDevice", LA_KIND_CRASH, 4 },
    /* Windows, Apple Devices app */
    { R_LOCALAPPDATA, APPLE_DEVICES "/LocalCache/Roaming/Apple Computer/Logs",
      LA_KIND_APPLEDEVICES, 5 },
    { R_LOCALAPPDATA, APPLE_DEVICES "/LocalCache/Local/Logs", LA_KIND_APPLEDEVICES, 2 },
    { R_LOCALAPPDATA, APPLE_DEVICES "/LocalState/Logs", LA_KIND_APPLEDEVICES, 2 },
    /* Windows plain folders */
    { R_USERPROFILE, "", NULL, 0 },
    { R_USERPROFILE, "Downloads", NULL, 0 },
    { R_USERPROFILE, "Desktop", NULL, 0 },
};

/* ------------------------------------------------------------ the walk */

struct ident {
    dev_t dev;
    ino_t ino;
};

struct scan {
    struct la_found *v;
    struct ident *id;           /* id[i] identifies the file of v[i] */
    size_t n, vcap, idcap;
    size_t dropped;            /* qualifying files beyond LA_LOCATE_MAX_FOUND */
    size_t visited, max_visited;
    int visit_warned;
    struct la_diag_sink *sink;
    enum la_rc rc;
};

static int has_prefix(const char *s, const char *p)
{
    return !strncmp(s, p, strlen(p));
}

static int has_suffix(const char *s, const char *x)
{
    size_t n = strlen(s), m = strlen(x);
    return n >= m && !strcmp(s + n - m, x);
}

/* The kind of a file from its name; def for other .log/.txt files; NULL: not ours. */
static const char *classify(const char *name, const char *def)
{
    if (name[0] == '.')
        return NULL;            /* hidden files, AppleDouble ._* */
    if (has_prefix(name, "panic-")
        && (has_suffix(name, ".ips") || has_suffix(name, ".panic")
            || has_suffix(name, ".ips.synced") || has_suffix(name, ".txt")))
        return LA_KIND_PANIC;
    if (has_prefix(name, "sysdiagnose_")
        && (has_suffix(name, ".tar.gz") || has_suffix(name, ".tgz")
            || has_suffix(name, ".tar")))
        return LA_KIND_SYSDIAGNOSE;
    if (has_prefix(name, "restore_") && has_suffix(name, ".log"))
        return LA_KIND_IDEVICERESTORE;
    if ((has_prefix(name, "iPhoneUpdater") || has_prefix(name, "iPadUpdater")
         || has_prefix(name, "iPodUpdater"))
        && has_suffix(name, ".log"))
        return LA_KIND_UPDATER;
    if (has_suffix(name, ".log") || has_suffix(name, ".txt")) {
        if (has_prefix(name, "futurerestore") || has_prefix(name, "pymobiledevice3")
            || has_prefix(name, "idevicerestore") || !strcmp(name, "restore.log"))
            return def ? def : LA_KIND_TOOL;
        return def;
    }
    if (def && (has_suffix(name, ".ips") || has_suffix(name, ".crash")
                || has_suffix(name, ".ips.synced")))
        return LA_KIND_CRASH;
    return NULL;
}

static void warn_unreadable(struct scan *s, const char *path, int err)
{
    la_diagf(s->sink, LA_SEV_WARNING, LA_D_OPEN_FAILED, path, 0, 0,
             "cannot read folder: %s; skipped", strerror(err));
    s->rc = la_rc_worst(s->rc, LA_WARN);
}

/* Index of the oldest kept entry (the one a newer file replaces at the cap). */
static size_t oldest(const struct scan *s)
{
    size_t o = 0;
    for (size_t i = 1; i < s->n; i++)
        if (s->v[i].mtime < s->v[o].mtime
            || (s->v[i].mtime == s->v[o].mtime && strcmp(s->v[i].path, s->v[o].path) > 0))
            o = i;
    return o;
}

static void add(struct scan *s, const char *path, const struct stat *st, const char *kind)
{
    size_t slot;

    for (size_t i = 0; i < s->n; i++)
        if (s->id[i].dev == st->st_dev && s->id[i].ino == st->st_ino)
            return;             /* reached through two roots */
    if (s->n == LA_LOCATE_MAX_FOUND) {
        slot = oldest(s);
        s->dropped++;
        if (s->v[slot].mtime >= (int64_t)st->st_mtime)
            return;
        la_free(s->v[slot].path);
        s->v[slot].path = NULL;
    } else {
        if (LA_GROW(s->v, s->vcap, s->n + 1) != LA_OK
            || LA_GROW(s->id, s->idcap, s->n + 1) != LA_OK) {
            s->rc = LA_FATAL;
            return;
        }
        slot = s->n;
    }
    char *p = la_strdup(path);
    if (!p) {
        if (slot < s->n) {      /* the replaced slot is empty now: close the gap */
            s->v[slot] = s->v[s->n - 1];
            s->id[slot] = s->id[s->n - 1];
            s->n--;
        }
        s->rc = LA_FATAL;
        return;
    }
    s->v[slot].path = p;
    s->v[slot].size = (uint64_t)st->st_size;
    s->v[slot].mtime = (int64_t)st->st_mtime;
    s->v[slot].kind = kind;
    s->id[slot].dev = st->st_dev;
    s->id[slot].ino = st->st_ino;
    if (slot == s->n)
        s->n++;
}

/*
 * The entries of the folder in path, sorted (la_dir_list); keep filters them
 * (NULL: all), max caps them (0: no cap).  Returns 0 when there is nothing to
 * walk: the folder is missing (silently), unreadable (a warning) or memory
 * ran out (s->rc).
 */
static int list_dir(struct scan *s, const char *path, la_dir_keep_fn *keep, void *user,
                    size_t max, struct la_dir_list *ret)
{
    enum la_rc rc = la_dir_list(path, keep, user, max, ret, NULL);

    if (rc == LA_FATAL)
        s->rc = LA_FATAL;
    else if (rc != LA_OK && errno != ENOENT && errno != ENOTDIR)
        warn_unreadable(s, path, errno);
    return rc == LA_OK;
}

/* Append name to path as one more component. */
static enum la_rc join(struct la_buf *path, const char *name, size_t len)
{
    size_t base = path->len;

    if (base && path->buf[base - 1] != '/' && la_buf_addc(path, '/') != LA_OK)
        return LA_FATAL;
    return la_buf_add(path, name, len) == LA_OK ? LA_OK : LA_FATAL;
}

/* One more entry examined; past the cap, say so (once) and stop the scan. */
static int over_visit_cap(struct scan *s, const char *path)
{
    if (++s->visited <= s->max_visited)
        return 0;
    if (!s->visit_warned)
        la_diagf(s->sink, LA_SEV_WARNING, LA_D_MEMBER_LIMIT, path, 0, 0,
                 "more than %zu folder entries examined; the search stopped here",
                 s->max_visited);
    s->visit_warned = 1;
    s->rc = la_rc_worst(s->rc, LA_WARN);
    return 1;
}

/* Walk the folder in path (a la_buf restored on return), depth levels deep. */
static void walk(struct scan *s, struct la_buf *path, const char *def, unsigned depth)
{
    size_t base = path->len;
    struct la_dir_list l;
    /* List no more entries than the visit budget has left, plus one to trip the cap. */
    size_t left = s->visited < s->max_visited ? s->max_visited - s->visited : 0;

    if (!list_dir(s, path->buf, NULL, NULL, left + 1, &l))
        return;
    for (size_t i = 0; i < l.n && s->rc != LA_FATAL; i++) {
        const char *name = l.names[i];
        struct stat st;

        if (over_visit_cap(s, path->buf))
            break;
        if (base + 1 + strlen(name) >= LA_LOCATE_MAX_PATH)
            continue;
        la_buf_truncate(path, base);
        if (join(path, name, strlen(name)) != LA_OK) {
            s->rc = LA_FATAL;
            break;
        }
        if (lstat(path->buf, &st) != 0)
            continue;           /* vanished meanwhile */
        if (S_ISDIR(st.st_mode)) {
            if (depth > 0)
                walk(s, path, def, depth - 1);
            continue;
        }
        if (S_ISLNK(st.st_mode) && (stat(path->buf, &st) != 0 || !S_ISREG(st.st_mode)))
            continue;           /* links to folders are not followed */
        if (!S_ISREG(st.st_mode))
            continue;
        const char *kind = classify(name, def);
        if (kind)
            add(s, path->buf, &st, kind);
    }
    la_buf_truncate(path, base);
    la_dir_list_release(&l);
}

/* Entries a pattern component matches; hidden ones never do. */
static int matches(const char *name, void *pat)
{
    return name[0] != '.' && fnmatch(pat, name, 0) == 0;
}

/* Resolve rel below path (components may be patterns), then walk each match. */
static void expand(struct scan *s, struct la_buf *path, const char *rel, const struct spec *sp)
{
    size_t base = path->len;
    const char *slash, *comp;
    size_t clen;
    struct la_dir_list l;
    char *pat;

    while (*rel == '/')
        rel++;
    if (!*rel) {
        walk(s, path, sp->kind,
             sp->depth < LA_LOCATE_MAX_DEPTH ? sp->depth : LA_LOCATE_MAX_DEPTH);
        return;
    }
    slash = strchr(rel, '/');
    clen = slash ? (size_t)(slash - rel) : strlen(rel);
    comp = rel;
    if (!memchr(comp, '*', clen)) {
        if (join(path, comp, clen) != LA_OK) {
            s->rc = LA_FATAL;
            return;
        }
        expand(s, path, rel + clen, sp);
        la_buf_truncate(path, base);
        return;
    }
    /* A pattern component: match the entries of this folder. */
    pat = la_strndup(comp, clen);
    if (!pat) {
        s->rc = LA_FATAL;
        return;
    }
    if (list_dir(s, path->buf, matches, pat, 0, &l)) {
        for (size_t i = 0; i < l.n && s->rc != LA_FATAL; i++) {
            struct stat st;

            la_buf_truncate(path, base);
            if (join(path, l.names[i], strlen(l.names[i])) != LA_OK) {
                s->rc = LA_FATAL;
                break;
            }
            if (lstat(path->buf, &st) == 0 && S_ISDIR(st.st_mode))
                expand(s, path, rel + clen, sp);
        }
        la_buf_truncate(path, base);
        la_dir_list_release(&l);
    }
    la_free(pat);
}

static int newest_first(const void *a, const void *b)
{
    const struct la_found *x = a, *y = b;
    if (x->mtime != y->mtime)
        return x->mtime > y->mtime ? -1 : 1;
    return strcmp(x->path, y->path);
}

/* Same folder (by device and inode)?  Plain folders are then scanned once. */
static int same_dir(const char *a, const char *b)
{
    struct stat sa, sb;
    return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev
           && sa.st_ino == sb.st_ino;
}

/* Fill root[] from the environment; roots the scan must skip stay NULL. */
static enum la_rc roots_from_env(struct la_buf r[R_COUNT], const char *root[R_COUNT])
{
    const char *auto_root = getenv("LOGANALYZE_AUTO_ROOT");

    for (int i = 0; i < R_COUNT; i++)
        root[i] = NULL;
    if (auto_root && *auto_root) {
        if (la_buf_adds(&r[R_HOME], auto_root) != LA_OK
            || la_buf_addf(&r[R_APPDATA], "%s/AppData/Roaming", auto_root) != LA_OK
            || la_buf_addf(&r[R_LOCALAPPDATA], "%s/AppData/Local", auto_root) != LA_OK)
            return LA_FATAL;
        root[R_HOME] = r[R_HOME].buf;
        root[R_APPDATA] = r[R_APPDATA].buf;
        root[R_LOCALAPPDATA] = r[R_LOCALAPPDATA].buf;
        return LA_OK;     /* USERPROFILE is the same tree as HOME: its plain folders once */
    }
    root[R_HOME] = getenv("HOME");
    root[R_APPDATA] = getenv("APPDATA");
    root[R_LOCALAPPDATA] = getenv("LOCALAPPDATA");
    root[R_USERPROFILE] = getenv("USERPROFILE");
    root[R_CWD] = ".";
    if (same_dir(root[R_USERPROFILE], root[R_HOME]))
        root[R_USERPROFILE] = NULL;
    if (same_dir(root[R_CWD], root[R_HOME]) || same_dir(root[R_CWD], root[R_USERPROFILE]))
        root[R_CWD] = NULL;
    return LA_OK;
}

/* Scan every spec under the roots given (a NULL or empty root skips its specs). */
static void scan_roots(struct scan *s, const char *const root[R_COUNT], struct la_buf *path)
{
    for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]) && s->rc != LA_FATAL; i++) {
        const struct spec *sp = &specs[i];
        if (!root[sp->root] || !*root[sp->root])
            continue;
        la_buf_reset(path);
        if (la_buf_adds(path, root[sp->root]) != LA_OK) {
            s->rc = LA_FATAL;
            return;
        }
        expand(s, path, sp->rel, sp);
    }
}

/* Whether this Linux runs under WSL (its kernel release names Microsoft). */
static int under_wsl(void)
{
    char rel[256] = "";
    FILE *f;

    if (getenv("WSL_DISTRO_NAME") || getenv("WSL_INTEROP"))
        return 1;
    if (!(f = fopen("/proc/sys/kernel/osrelease", "r")))
        return 0;
    if (!fgets(rel, sizeof(rel), f))
        rel[0] = '\0';
    fclose(f);
    return strstr(rel, "microsoft") || strstr(rel, "Microsoft");
}

/* The folder of the Windows user folders to scan as well, or NULL. */
static const char *windows_users(void)
{
    const char *users = getenv("LOGANALYZE_WSL_USERS");

    if (users)
        return *users ? users : NULL;
    if (getenv("LOGANALYZE_AUTO_ROOT") && *getenv("LOGANALYZE_AUTO_ROOT"))
        return NULL;
    return under_wsl() ? "/mnt/c/Users" : NULL;
}

/* A user's own folder, not one Windows shares between users (or a file such as desktop.ini). */
static int personal_folder(const char *name, void *user)
{
    static const char *const shared[] = { "Public", "Default", "Default User", "All Users",
                                          "WDAGUtilityAccount", "defaultuser0", NULL };
    (void)user;
    for (const char *const *p = shared; *p; p++)
        if (!strcmp(name, *p))
            return 0;
    return !strchr(name, '.');
}

/* Every personal folder under users, scanned as a Windows home. */
static void scan_windows_users(struct scan *s, const char *users, struct la_buf r[R_COUNT],
                               struct la_buf *path)
{
    struct la_dir_list l;
    size_t left = s->max_visited > s->visited ? s->max_visited - s->visited : 0;

    if (!left || !list_dir(s, users, personal_folder, NULL, left, &l))
        return;
    for (size_t i = 0; i < l.n && s->rc != LA_FATAL; i++) {
        const char *root[R_COUNT] = { NULL };
        for (int k = 0; k < R_COUNT; k++)
            la_buf_reset(&r[k]);
        if (la_buf_addf(&r[R_HOME], "%s/%s", users, l.names[i]) != LA_OK
            || la_buf_addf(&r[R_APPDATA], "%s/%s/AppData/Roaming", users, l.names[i]) != LA_OK
            || la_buf_addf(&r[R_LOCALAPPDATA], "%s/%s/AppData/Local", users, l.names[i])
                   != LA_OK) {
            s->rc = LA_FATAL;
            break;
        }
        root[R_HOME] = r[R_HOME].buf;
        root[R_APPDATA] = r[R_APPDATA].buf;
        root[R_LOCALAPPDATA] = r[R_LOCALAPPDATA].buf;
        scan_roots(s, root, path);
    }
    la_dir_list_release(&l);
}

enum la_rc la_locate_scan(struct la_found **ret, size_t *ret_n, struct la_diag_sink *sink)
{
    return la_locate_scan_limited(LA_LOCATE_MAX_VISITED, ret, ret_n, sink);
}

enum la_rc la_locate_scan_limited(size_t max_visited, struct la_found **ret, size_t *ret_n,
                                  struct la_diag_sink *sink)
{
    struct scan s = { .max_visited = max_visited ? max_visited : 1, .sink = sink, .rc = LA_OK };
    struct la_buf r[R_COUNT];
    const char *root[R_COUNT], *users;
    struct la_buf path = LA_BUF_INIT;

    if (!ret || !ret_n)
        return LA_FATAL;
    for (int i = 0; i < R_COUNT; i++)
        la_buf_init(&r[i], LA_LOCATE_MAX_PATH);
    if (roots_from_env(r, root) != LA_OK)
        s.rc = LA_FATAL;
    else
        scan_roots(&s, root, &path);
    if (s.rc != LA_FATAL && (users = windows_users()))
        scan_windows_users(&s, users, r, &path);
    la_buf_release(&path);
    for (int i = 0; i < R_COUNT; i++)
        la_buf_release(&r[i]);
    la_free(s.id);
    if (s.rc == LA_FATAL) {
        la_locate_free(s.v, s.n);
        return LA_FATAL;
    }
    if (s.dropped) {
        la_diagf(sink, LA_SEV_WARNING, LA_D_MEMBER_LIMIT, NULL, 0, 0,
                 "%zu more log files than the limit of %d; only the newest are listed",
                 s.dropped, LA_LOCATE_MAX_FOUND);
        s.rc = la_rc_worst(s.rc, LA_WARN);
    }
    if (s.n)
        qsort(s.v, s.n, sizeof(*s.v), newest_first);
    else {
        la_free(s.v);
        s.v = NULL;
    }
    *ret = s.v;
    *ret_n = s.n;
    return s.rc;
}

void la_locate_free(struct la_found *f, size_t n)
{
    if (!f)
        return;
    for (size_t i = 0; i < n; i++)
        la_free(f[i].path);
    la_free(f);
}

/* ------------------------------------------------------------ attempts */

/* Index of the newest entry whose kind passes want(), or n. */
static size_t newest_of(const struct la_found *f, size_t n, int (*want)(const char *))
{
    size_t best = n;
    for (size_t i = 0; i < n; i++)
        if (want(f[i].kind) && (best == n || f[i].mtime > f[best].mtime))
            best = i;
    return best;
}

static int is_sysdiagnose(const char *k)
{
    return !strcmp(k, LA_KIND_SYSDIAGNOSE);
}

static int is_panic(const char *k)
{
    return !strcmp(k, LA_KIND_PANIC);
}

static int is_crash(const char *k)
{
    return !strcmp(k, LA_KIND_CRASH);
}

enum la_rc la_locate_newest_attempt(const struct la_found *f, size_t n,
                                    const char ***ret_paths, size_t *ret_n)
{
    const char **out;
    size_t a, k = 0;

    if (!ret_paths || !ret_n || (n && !f))
        return LA_FATAL;
    if (!n) {
        *ret_paths = NULL;
        *ret_n = 0;
        return LA_OK;
    }
    a = newest_of(f, n, la_locate_kind_is_restore_log);
    if (a == n)
        a = newest_of(f, n, is_sysdiagnose);
    if (a == n)
        a = newest_of(f, n, is_panic);
    if (a == n)
        a = newest_of(f, n, is_crash);
    if (a == n)
        a = 0;
    out = la_calloc(n, sizeof(*out));
    if (!out)
        return LA_FATAL;
    for (size_t i = 0; i < n; i++) {
        int64_t d = f[i].mtime - f[a].mtime;
        if (i == a)
            out[k++] = f[i].path;
        else if ((is_panic(f[i].kind) || is_crash(f[i].kind) || is_sysdiagnose(f[i].kind))
                 && d <= LA_LOCATE_WINDOW && d >= -LA_LOCATE_WINDOW)
            out[k++] = f[i].path;
    }
    *ret_paths = out;
    *ret_n = k;
    return LA_OK;
}
