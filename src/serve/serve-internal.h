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

/* Write all n bytes of p to fd, retrying on EINTR and short writes.  0, or -1 (errno set). */
int la_serve_write_all(int fd, const char *p, size_t n);

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
#define MAX_CONNECTIONS 64
#define MULTIPART_SLACK (1u << 20)   /* Content-Length beyond max_upload for part headers */
#define MAX_ERRORS 20                /* messages per upload shown in the page */
#define MAX_CODE_ARG 64

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

/* One running server: read-only after start except what lock guards. */
struct la_server {
    const struct la_engine_opts *eo;
    struct la_engine *engine;        /* validates the rules at start; its kb answers /explain */
    uint64_t max_upload;
    unsigned max_concurrent, timeout_s;
    char token[2 * TOKEN_BYTES + 1];
    char root[PATH_MAX];             /* this run's private temp root, "" when none */
    char host[80], alt_host[80];     /* accepted Host values; alt_host may be "" */
    char origin[96], alt_origin[96];
    char *page;                      /* page.html with the token filled in */
    size_t page_len;
    pthread_mutex_t lock;            /* guards active and reports */
    unsigned active;
    struct la_stored_report reports[MAX_REPORTS];
    unsigned next_report;
};

/* One request, from its first call to la_serve_completed(). */
struct la_request {
    struct la_server *srv;
    int is_upload, has_slot;
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
/* http.c: one of max_concurrent upload slots: 1 taken, 0 none free; and giving it back. */
int la_serve_take_slot(struct la_server *s);
void la_serve_give_slot(struct la_server *s);

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
