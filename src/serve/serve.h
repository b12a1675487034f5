#ifndef LA_SERVE_SERVE_H
#define LA_SERVE_SERVE_H

/*
 * serve: the two ways a person who never opens a terminal gets a report.
 *
 *   la_serve_run()    `loganalyze serve`: a local web page (libmicrohttpd) with a
 *                     drop zone; uploads are analysed and the HTML report shown
 *                     in the page.  See docs/serve.md and the design comment in
 *                     serve.c (start, stop, temp files) and http.c (security model,
 *                     limits).
 *   la_open_report()  `loganalyze --open FILE...`: analyse, write the HTML report
 *                     to a private temp file and open it in the browser (for the
 *                     desktop launcher, data/loganalyze.desktop).
 *
 * Like cli/, this module prints (stdout for status lines, the given sink for
 * diagnostics) and returns process exit codes instead of la_rc values.
 */

#include <stddef.h>
#include <stdint.h>

#include "analyze/analyze.h"
#include "core/error.h"

#define LA_SERVE_DEFAULT_LISTEN "127.0.0.1:8080"
#define LA_SERVE_DEFAULT_MAX_CONCURRENT 2u
#define LA_SERVE_DEFAULT_TIMEOUT_S 300u
/* The budgets of one upload's analysis (--upload-timeout, --upload-read) and their caps. */
#define LA_SERVE_DEFAULT_UPLOAD_TIMEOUT_S 60u
#define LA_SERVE_MAX_UPLOAD_TIMEOUT_S 3600u
#define LA_SERVE_DEFAULT_UPLOAD_READ (4ull << 30)
#define LA_SERVE_MAX_UPLOAD_READ (1ull << 40)

struct la_serve_opts {
    const char *listen;          /* "HOST:PORT" or "[V6]:PORT"; NULL = LA_SERVE_DEFAULT_LISTEN;
                                    port 0 picks a free port */
    int open_browser;            /* open the page with xdg-open once listening */
    uint64_t max_upload;         /* bytes of file data per upload; 0 = eo->limits.max_upload,
                                    or LA_DEFAULT_MAX_UPLOAD when that is 0 too */
    unsigned max_concurrent;     /* uploads being received or analysed at once (503 beyond);
                                    0 = LA_SERVE_DEFAULT_MAX_CONCURRENT */
    unsigned request_timeout_s;  /* total time to send one request; 0 = default */
    unsigned upload_timeout_s;   /* seconds one upload's analysis may run (all its files);
                                    0 = LA_SERVE_DEFAULT_UPLOAD_TIMEOUT_S, capped at the MAX */
    uint64_t upload_read;        /* decompressed bytes one upload's analysis may read;
                                    0 = LA_SERVE_DEFAULT_UPLOAD_READ, capped at the MAX */
    const char *port_file;       /* if set, the bound "host:port" is written there once
                                    listening (for tests) */
};

/*
 * Serve the drag-and-drop page until SIGINT, SIGTERM or SIGHUP.  so and eo are
 * only read; eo is used for every analysis (and its rules are validated once at
 * start).  Prints "loganalyze serve: listening on http://HOST:PORT/" on
 * stdout; diagnostics (bad rules, bind errors) go to sink.  At start, the
 * upload folders of servers that were killed are removed; at a stop signal no
 * new upload is taken, the running analyses finish and are answered (further
 * stop signals are ignored meanwhile), then every upload file is removed.
 *
 * Returns the process exit code: 0 after a clean stop, 2 for a usage error
 * (bad --listen), a bind error, invalid rules, or a build without
 * libmicrohttpd.
 */
int la_serve_run(const struct la_serve_opts *so, const struct la_engine_opts *eo,
                 struct la_diag_sink *sink);

/*
 * Analyse paths[0..n) into one HTML report, write it to a new private file
 * ($TMPDIR or /tmp, "loganalyze-report-XXXXXX.html", mode 0600) and open it
 * with xdg-open (`open` on macOS).  The file is left in place for the browser
 * to read; its path is printed on stdout.
 *
 * Returns the process exit code: 0 when the report was written and the
 * opener started, 2 when nothing could be analysed, the report could not be
 * written or the opener could not be run (the report path is still printed
 * when it was written).
 */
int la_open_report(const char *const *paths, size_t n, const struct la_engine_opts *eo,
                   struct la_diag_sink *sink);

#endif
