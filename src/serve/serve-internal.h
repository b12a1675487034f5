#ifndef LA_SERVE_SERVE_INTERNAL_H
#define LA_SERVE_SERVE_INTERNAL_H

/* Shared by the files of serve/; not for other modules. */

#include "config.h"

#include <stddef.h>

#include <jansson.h>

/* The page assets, embedded at build time by embed.py (serve-assets.c). */
extern const char la_serve_page_html[];
extern const size_t la_serve_page_html_len;
extern const char la_serve_page_css[];
extern const size_t la_serve_page_css_len;
extern const char la_serve_page_js[];
extern const size_t la_serve_page_js_len;

/* $TMPDIR when it is an absolute path, else "/tmp". */
const char *la_serve_tmpdir(void);

/*
 * Start the desktop opener (xdg-open; `open` on macOS) on target, detached
 * in its own session so Ctrl-C on the server does not reach the browser.
 * No shell is involved.  Returns 0 when the opener was executed, -1 (errno
 * set) when it could not be started.
 */
int la_serve_spawn_opener(const char *target);

/*
 * Replace every occurrence of prefix in every string of v (recursively) by
 * nothing: turns the private temp paths of uploaded files back into the names
 * the user gave.  Returns 0, or -1 on OOM.
 */
int la_serve_strip_prefix(json_t *v, const char *prefix);

#if HAVE_MICROHTTPD

/* -------- the server (serve.c, http.c, upload.c, pages.c), only with libmicrohttpd -------- */

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include <microhttpd.h>

#include "analyze/analyze.h"
#include "core/buf.h"
#include "core/error.h"

#define TOKEN_BYTES 32
#define ID_BYTES 16
#define MAX_FILES 64                 /* files per upload */
#define MAX_REPORTS 8                /* recent reports kept for /report/ID */
#define MAX_REPORT_HTML (32u << 20)  /* bytes of one rendered report */
#define MAX_CONNECTIONS 256          /* connections at once (a thread each) */
#define MAX_PER_IP 128               /* of them from one client address */
#define IDLE_TIMEOUT_S 30            /* a connection with no byte in or out this long is closed */
#define HEAD_DEADLINE_S 15           /* from connect (or the previous answer) to a whole request
                                        head: a client trickling headers is cut off (reaper) */
#define QUICK_S 2                    /* an analysis running longer leaves the quick lane */
#define QUEUE_WAIT_S 30              /* a stored upload waits this long for an analysis slot */
#define DISK_UPLOADS 4               /* temp bytes reserved at once: this many max_upload */
#define MULTIPART_SLACK (1u << 20)   /* Content-Length beyond max_upload for part headers */
#define LOCK_NAME ".lock"            /* in a run's temp root: flock()ed while the run lives */
#define ROOT_PREFIX "loganalyze-serve-"
#define STALE_UNLOCKED_S 600         /* a root without a lock file this old is stale */
#define MAX_ERRORS 20                /* messages per upload shown in the page */
#define MAX_CODE_ARG 240             /* a code, or the alert that shows it, pasted whole */

#define CSP_PAGE                                                                         \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "   \
    "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; "       \
    "frame-ancestors 'none'"
#define CSP_REPORT                                                                       \
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "   \
    "form-action 'none'; frame-ancestors 'self'; sandbox"
#define CSP_OTHER                                                                        \
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/* The kind of a response: its Content-Security-Policy and framing headers. */
enum la_resp_kind { LA_RESP_PAGE, LA_RESP_REPORT, LA_RESP_OTHER };

/* A rendered report kept for GET /report/ID. */
struct la_stored_report {
    char id[2 * ID_BYTES + 1];
    char *html;
    size_t len;
};

/* What a connection is doing, for the reaper (la_serve_reap). */
enum la_conn_phase {
    CONN_HEAD,                       /* waiting for a whole request head: HEAD_DEADLINE_S */
    CONN_BODY,                       /* receiving an upload: timeout_s since the head */
    CONN_BUSY,                       /* in our hands (analysis, answer): no deadline here */
};

/* One open connection (MHD's socket context), in s->conns; guarded by s->lock. */
struct la_conn {
    int used;
    MHD_socket fd;
    enum la_conn_phase phase;
    struct timespec since;           /* when the phase began */
};

/* The lane an analysis runs in (la_serve_wait_slot, la_serve_upload_stop). */
enum la_lane { LANE_NONE, LANE_QUICK, LANE_SLOW };

/* One running server: read-only after start except what lock guards. */
struct la_server {
    const struct la_engine_opts *eo;
    struct la_engine *engine;        /* built at start (bad rules: exit 2); runs every analysis
                                        (each a run of its own) and its kb answers /explain */
    uint64_t max_upload, upload_read, disk_budget;
    unsigned max_concurrent, timeout_s, upload_timeout_s;
    unsigned idle_s, head_s;         /* IDLE_TIMEOUT_S and HEAD_DEADLINE_S, or timeout_s when
                                        shorter */
    char token[2 * TOKEN_BYTES + 1];
    char root[PATH_MAX];             /* this run's private temp root, "" when none */
    int lock_fd;                     /* root/LOCK_NAME, flock()ed: the root is alive; -1 */
    char host[80], alt_host[80];     /* accepted Host values; alt_host may be "" */
    char origin[96], alt_origin[96];
    char *page;                      /* page.html with the token filled in */
    size_t page_len;
    pthread_mutex_t lock;            /* guards everything below */
    pthread_cond_t cond;             /* a slot or lane freed, a request ended, stopping */
    unsigned quick, slow;            /* analyses running in each lane */
    unsigned inflight;               /* uploads from their slot to their request's end */
    uint64_t disk_used;              /* temp bytes reserved by uploads (la_serve_reserve) */
    int stopping;                    /* a stop signal came: take no new upload */
    struct la_conn conns[MAX_CONNECTIONS];
    struct la_stored_report reports[MAX_REPORTS];
    unsigned next_report;
};

/* One request, from its first call to la_serve_completed(). */
struct la_request {
    struct la_server *srv;
    struct la_conn *conn;            /* its connection's entry, or NULL */
    int is_upload;
    enum la_lane lane;               /* the analysis slot it holds */
    int counted;                     /* counted in srv->inflight */
    uint64_t reserved;               /* temp bytes reserved in srv->disk_used */
    struct timespec astart;          /* the analysis began */
    uint64_t read_done, read_cur;    /* decompressed bytes read: earlier files, this file */
    char stop_why[200];              /* why the analysis was stopped, "" while it runs */
    struct MHD_PostProcessor *pp;
    char dir[PATH_MAX];              /* this upload's directory, "" until made */
    int fd;                          /* file being written, -1 */
    char *cur_raw;                   /* the client's name for it, to see where a part ends */
    uint64_t cur_bytes;
    unsigned nfiles;
    char *names[MAX_FILES];
    uint64_t bytes;
    int too_big, too_many, io_error, bad_body;
    struct timespec start;
};

/* serve.c: nbytes random bytes as hex into out (2 * nbytes + 1 chars).  0, or -1. */
int la_serve_random_hex(char *out, size_t nbytes);
/* serve.c: remove a directory tree without following symlinks ("" does nothing). */
void la_serve_rm_tree(const char *path);
/*
 * stale.c: remove the temp roots (tmpdir/ROOT_PREFIX*) that servers killed before they could
 * clean up left behind: only directories of ours (our uid, mode 0700) whose lock file no live
 * server holds (or, without one, untouched for STALE_UNLOCKED_S).  Returns how many.
 */
unsigned la_serve_clean_stale(const char *tmpdir);
/* stale.c: make root/LOCK_NAME and hold its lock for as long as the server runs.  fd, or -1. */
int la_serve_lock_root(const char *root);

/* http.c: responses.  The body is copied unless persistent (static or owned by s). */
enum MHD_Result la_serve_send_body(struct MHD_Connection *c, unsigned status, const char *ctype,
                                   const char *body, size_t len, enum la_resp_kind kind,
                                   int persistent);
/* o (stolen) as compact JSON. */
enum MHD_Result la_serve_send_json(struct MHD_Connection *c, unsigned status, json_t *o);
/* {"ok":false,"error":msg} */
enum MHD_Result la_serve_send_error(struct MHD_Connection *c, unsigned status, const char *msg);
enum MHD_Result la_serve_send_errorf(struct MHD_Connection *c, unsigned status,
                                     const char *fmt, ...) LA_PRINTF(3, 4);
/* 413 naming the upload limit. */
enum MHD_Result la_serve_send_too_large(struct MHD_Connection *c, const struct la_server *s);
enum MHD_Result la_serve_send_text(struct MHD_Connection *c, unsigned status, const char *msg);
/* "64 KB", "512 MB": a size as the page shows it. */
LA_NODISCARD enum la_rc la_serve_add_size(struct la_buf *b, uint64_t n);

/* http.c: may this request upload?  The token in X-LA-Token, and Origin (when present). */
int la_serve_upload_allowed(const struct la_server *s, struct MHD_Connection *c);
/* lanes.c: temp bytes for an upload being stored: 1 reserved, 0 over the budget or stopping. */
int la_serve_reserve(struct la_server *s, struct la_request *rq, uint64_t n);
/*
 * lanes.c: wait up to QUEUE_WAIT_S for a quick-lane slot (max_concurrent of them): 1 taken
 * (rq->lane, and rq counted in inflight until its end), 0 none came free, -1 stopping.
 */
int la_serve_wait_slot(struct la_server *s, struct la_request *rq);
/*
 * lanes.c: the analysis' budgets, asked by ingest (la_engine_analyze_until, user = rq): NULL
 * to go on, else why it stops (rq->stop_why).  Past QUICK_S it moves to the slow lane
 * (max_concurrent slots) or, when that is full, stops.
 */
const char *la_serve_upload_stop(void *user, uint64_t bytes);
/* lanes.c: the analysis ended: give its slot back. */
void la_serve_end_analysis(struct la_server *s, struct la_request *rq);
/* lanes.c: the request ended: give back its slot, reservation and count. */
void la_serve_end_request(struct la_server *s, struct la_request *rq);
/* lanes.c: the connection callback of MHD (its socket context is a struct la_conn). */
void la_serve_notify_conn(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe);
/* lanes.c: the connection's entry enters phase p (NULL does nothing). */
void la_serve_conn_phase(struct la_server *s, struct la_conn *conn, enum la_conn_phase p);
/* lanes.c: cut off (shutdown) connections past their phase's deadline.  Main thread. */
void la_serve_reap(struct la_server *s);
/* lanes.c: has a stop signal come? */
int la_serve_stopping(struct la_server *s);
/* lanes.c: seconds since t0. */
double la_serve_elapsed(const struct timespec *t0);

/* http.c: libmicrohttpd's access handler (cls is the server) and completion callback. */
enum MHD_Result la_serve_handle(void *cls, struct MHD_Connection *c, const char *url,
                                const char *method, const char *version, const char *data,
                                size_t *data_size, void **con_cls);
void la_serve_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                        enum MHD_RequestTerminationCode toe);

/* upload.c: POST /analyze: its first call, each piece of its body, its last call, and
 * the release of what it made (files, directory, names) when the request ends. */
enum MHD_Result la_serve_start_upload(struct la_server *s, struct la_request *rq,
                                      struct MHD_Connection *c, const char *method);
void la_serve_feed_upload(struct la_request *rq, const char *data, size_t size);
enum MHD_Result la_serve_finish_upload(struct la_server *s, struct la_request *rq,
                                       struct MHD_Connection *c);
void la_serve_release_upload(struct la_request *rq);

/* pages.c: the page with @TOKEN@ and the limits filled in (s->page).  0, or -1 on OOM. */
int la_serve_build_page(struct la_server *s);
/* pages.c: keep html (ownership passes to s) under a new random id.  0, or -1. */
int la_serve_store_report(struct la_server *s, char *html, size_t len, char *ret_id);
/* pages.c: GET /explain?code= and GET /report/ID. */
enum MHD_Result la_serve_explain(struct la_server *s, struct MHD_Connection *c);
enum MHD_Result la_serve_report(struct la_server *s, struct MHD_Connection *c, const char *id);

#endif /* HAVE_MICROHTTPD */

#endif
