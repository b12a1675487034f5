#ifndef LA_LOCATE_LOCATE_H
#define LA_LOCATE_LOCATE_H

/*
 * Finding the logs: where restore and crash logs live on each host (a
 * knowledge table with a source per entry), a scan of those places on the
 * machine loganalyze runs on, and the choice of the files that belong to the
 * newest restore attempt.
 *
 * The module prints nothing.  Unreadable folders and the result cap are
 * reported to the diag sink as warnings; the scan goes on.
 *
 * Common case: la_locate_scan(&f, &n, sink), then la_locate_newest_attempt(f,
 * n, &paths, &np), analyse paths[0..np), la_free(paths), la_locate_free(f, n).
 */

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/*
 * Caps: results kept, folder depth below a place's root, bytes of a path,
 * folder entries examined in one scan (so a huge home folder cannot stall
 * --auto).
 */
#define LA_LOCATE_MAX_FOUND 1000
#define LA_LOCATE_MAX_DEPTH 6
#define LA_LOCATE_MAX_PATH 4096
#define LA_LOCATE_MAX_VISITED 200000
/* Files within this many seconds of the attempt's anchor belong to it. */
#define LA_LOCATE_WINDOW (2 * 3600)

/* One file found by la_locate_scan(). */
struct la_found {
    char *path;          /* owned; joined with '/' */
    uint64_t size;       /* bytes */
    int64_t mtime;       /* seconds since the epoch */
    const char *kind;    /* static string, one of the LA_KIND_* values below */
};

/* Kinds of file (static strings; compare with strcmp). */
#define LA_KIND_UPDATER "itunes-updater-log"       /* iPhoneUpdater N.log */
#define LA_KIND_CRASH "mobiledevice-crash"         /* a synced device crash report */
#define LA_KIND_CONFIGURATOR "configurator-log"    /* Apple Configurator's Logs folder */
#define LA_KIND_APPLEDEVICES "apple-devices-log"   /* Apple Devices app (Windows) logs */
#define LA_KIND_IDEVICERESTORE "idevicerestore-log" /* restore_<ecid>_<time>.log */
#define LA_KIND_TOOL "tool-log"                    /* captured futurerestore/pymobiledevice3 */
#define LA_KIND_PANIC "panic"                      /* panic-full-*.ips and friends */
#define LA_KIND_SYSDIAGNOSE "sysdiagnose"          /* sysdiagnose_*.tar.gz */

/* One entry of the knowledge table: where a host keeps which log. */
struct la_place {
    const char *host;      /* "windows", "macos", "linux", "device" */
    const char *tool;      /* "iTunes", "Apple Devices app", "idevicerestore", ... */
    const char *what;      /* what is there, one line */
    const char *pattern;   /* path pattern (%APPDATA%, ~, <device name>) or command */
    const char *capture;   /* how to produce or collect it; NULL when automatic */
    const char *source;    /* where this was confirmed (URL or repo@commit:path) */
    int confirmed;         /* 0: not confirmed from a public source, say so */
};

/*
 * Scan the standard locations.  Roots come from the environment so tests can
 * fake them:
 *   LOGANALYZE_AUTO_ROOT  overrides everything: a fake home tree holding
 *                         Library/..., AppData/Roaming/..., AppData/Local/...
 *                         and plain folders (the root, Downloads, Desktop);
 *                         neither the other variables nor the working
 *                         directory are read then.
 *   HOME                  macOS places under HOME/Library, plain folders
 *                         (HOME, HOME/Downloads, HOME/Desktop).
 *   APPDATA, LOCALAPPDATA, USERPROFILE
 *                         Windows places, used on any OS when set.
 *   (working directory)   idevicerestore writes restore_*.log there.
 * A missing place is skipped silently; an unreadable one is a warning
 * (LA_D_OPEN_FAILED) and skipped.  Symbolic links to folders are not
 * followed; a file reached twice is listed once.  At most
 * LA_LOCATE_MAX_FOUND files are kept (a warning, LA_D_MEMBER_LIMIT, says
 * when more were seen), LA_LOCATE_MAX_DEPTH folders deep; the scan stops
 * after LA_LOCATE_MAX_VISITED folder entries (a warning, LA_D_MEMBER_LIMIT).
 *
 * Results are sorted newest first (ties by path).  On success *ret is an
 * array of *ret_n entries (NULL when none) owned by the caller, freed with
 * la_locate_free().  Returns LA_OK, LA_WARN when something was skipped, or
 * LA_FATAL on OOM (nothing is returned then).
 */
LA_NODISCARD enum la_rc la_locate_scan(struct la_found **ret, size_t *ret_n,
                                       struct la_diag_sink *sink);

/*
 * la_locate_scan() with max_visited folder entries examined at most instead
 * of LA_LOCATE_MAX_VISITED (0 is taken as 1), so tests can reach the cap
 * without creating 200 000 files.
 */
LA_NODISCARD enum la_rc la_locate_scan_limited(size_t max_visited, struct la_found **ret,
                                               size_t *ret_n, struct la_diag_sink *sink);

/* Free what la_locate_scan() returned (NULL is fine). */
void la_locate_free(struct la_found *f, size_t n);

/*
 * The files of the newest restore attempt, in f's order.  The anchor is the
 * newest host restore log (updater, Configurator, Apple Devices,
 * idevicerestore, captured tool output); with none, the newest sysdiagnose,
 * else the newest panic, else the newest crash report.  Panics, crash
 * reports and sysdiagnose archives whose mtime lies within LA_LOCATE_WINDOW
 * seconds of the anchor's join it; other restore logs do not (they are other
 * attempts).
 *
 * On success *ret_paths is an array of *ret_n pointers borrowed from f (valid
 * while f is), freed with la_free(); NULL and 0 when f is empty.  Returns
 * LA_OK or LA_FATAL on OOM.
 */
LA_NODISCARD enum la_rc la_locate_newest_attempt(const struct la_found *f, size_t n,
                                                 const char ***ret_paths, size_t *ret_n);

/* The knowledge table for `loganalyze logs`. */
size_t la_locate_n_places(void);
/* Entry i, or NULL when i >= la_locate_n_places(). */
const struct la_place *la_locate_place(size_t i);

/* The host loganalyze was built for: "windows", "macos" or "linux". */
const char *la_locate_host(void);

/*
 * How a person names a host of the knowledge table ("windows" → "Windows", "device" → "The
 * iPhone or iPad itself"): a heading for its places.  The string is static.
 */
const char *la_locate_host_title(const char *host);

/* True for kinds that are a host-side restore log (an attempt's anchor). */
int la_locate_kind_is_restore_log(const char *kind);

#endif
