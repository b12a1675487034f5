/*
 * `loganalyze serve`: the drag-and-drop web page, on libmicrohttpd.
 *
 * Routes (everything else is 404, wrong methods 405):
 *   GET  /              the page (page.html with this run's token), /app.css, /app.js
 *   POST /analyze       multipart upload of one or more "file" parts → analysis →
 *                       {"ok":true,"report":"/report/ID","outcome","headlines","errors"}
 *                       or {"ok":false,"error":"…"} with 400/403/413/500/503
 *   GET  /report/ID     a stored HTML report (la_report_render "html"), shown by the
 *                       page in a sandboxed iframe
 *   GET  /explain?code= an HTML fragment: what an error code means (every string escaped)
 *
 * Data flow of an upload: the first handler call checks Host, Origin, the token
 * and Content-Length, takes one of max_concurrent slots (503 when none is free)
 * and makes a private directory with mkdtemp() under the run's own temp root;
 * the body is streamed through MHD_create_post_processor() straight into files
 * (mode 0600, one subdirectory per file so the user's names survive), never
 * held in memory, and counted against max_upload.  The last call analyses
 * each file with a fresh engine (building one takes milliseconds and keeps
 * requests independent of each other), wraps the reports into one document,
 * replaces the temp paths in it by the uploaded names, renders the HTML report
 * and stores it under a random id (a small ring of recent reports).  The
 * request's directory is removed in the completion callback, which
 * libmicrohttpd calls for every request however it ends (success, error,
 * timeout, client gone, daemon stopped); the whole temp root is removed again
 * when the server stops.
 *
 * Security model (the page runs in the user's browser next to arbitrary other
 * sites):
 *   - bind to loopback by default; wildcard addresses are refused because the
 *     Host check below needs the one address the page is reached at;
 *   - every request's Host header must be the bound "addr:port" (or
 *     "localhost:port" on loopback): a DNS-rebinding page gets 421;
 *   - uploads need the per-run random token (32 bytes from /dev/urandom)
 *     that is embedded in the page, in the X-LA-Token header: a custom
 *     header cannot be sent cross-site without a CORS preflight, which we
 *     never grant, and a present Origin header must be ours too;
 *   - caps: bytes per upload (413), files per upload, concurrent uploads and
 *     analyses (503), connections, idle time (MHD_OPTION_CONNECTION_TIMEOUT)
 *     and total time per request;
 *   - responses carry a strict Content-Security-Policy (the page's script
 *     and style are same-origin files, no inline code; reports get
 *     `sandbox` and no scripts at all), X-Content-Type-Options: nosniff,
 *     no-store caching and no referrer;
 *   - log text reaches the browser only inside the HTML report (escaped by
 *     the reporter), the explain fragment (escaped here) and JSON strings
 *     that the page sets with textContent.
 *
 * Threads: libmicrohttpd runs a thread per connection; the main thread
 * blocks SIGINT/SIGTERM/SIGHUP before the daemon starts (so every thread
 * inherits the mask) and waits for them with sigwait(), then stops the
 * daemon, which completes (and cleans up) every open request.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#if HAVE_MICROHTTPD
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#include <jansson.h>
#include <microhttpd.h>
#endif

#include "analyze/analyze.h"
#include "analyze/explain.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/limits.h"
#include "report/report.h"
#include "rules/rules.h"
#include "serve/serve-internal.h"
#include "serve/serve.h"

#if HAVE_MICROHTTPD

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
#define CSP_OTHER "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

enum kind { K_PAGE, K_REPORT, K_OTHER };

struct stored_report {
    char id[2 * ID_BYTES + 1];
    char *html;
    size_t len;
};

struct server {
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
    struct stored_report reports[MAX_REPORTS];
    unsigned next_report;
};

struct request {
    struct server *srv;
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

/* ------------------------------------------------------------ helpers */

static int random_hex(char *out, size_t nbytes)
{
    unsigned char raw[64];
    size_t got = 0;
    int fd;

    if (nbytes > sizeof raw)
        return -1;
    fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    while (got < nbytes) {
        ssize_t r = read(fd, raw + got, nbytes - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            close(fd);
            return -1;
        }
        got += (size_t)r;
    }
    close(fd);
    for (size_t i = 0; i < nbytes; i++) {
        out[2 * i] = "0123456789abcdef"[raw[i] >> 4];
        out[2 * i + 1] = "0123456789abcdef"[raw[i] & 15];
    }
    out[2 * nbytes] = 0;
    return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* Remove a directory tree without following symlinks. */
static void rm_tree(const char *path)
{
    if (path[0])
        nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static double elapsed_s(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static int same_secret(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = la != lb;

    for (size_t i = 0; i < la && i < lb; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

/* ------------------------------------------------------------ responses */

static enum MHD_Result send_body(struct MHD_Connection *c, unsigned status, const char *ctype,
                                 const char *body, size_t len, enum kind kind, int persistent)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    r = MHD_create_response_from_buffer(len, (void *)body,
                                        persistent ? MHD_RESPMEM_PERSISTENT
                                                   : MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(r, "Content-Security-Policy",
                            kind == K_PAGE ? CSP_PAGE : kind == K_REPORT ? CSP_REPORT : CSP_OTHER);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", kind == K_REPORT ? "SAMEORIGIN" : "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
        MHD_add_response_header(r, "Retry-After", "5");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, "Allow", "GET, HEAD, POST");
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *o)
{
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    enum MHD_Result ret;

    json_decref(o);
    if (!s)
        return MHD_NO;
    ret = send_body(c, status, "application/json", s, strlen(s), K_OTHER, 0);
    free(s);
    return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    return send_json(c, status, json_pack("{s:b,s:s}", "ok", 0, "error", msg));
}

static enum MHD_Result send_errorf(struct MHD_Connection *c, unsigned status,
                                   const char *fmt, ...) LA_PRINTF(3, 4);
static enum MHD_Result send_errorf(struct MHD_Connection *c, unsigned status,
                                   const char *fmt, ...)
{
    struct la_buf b = LA_BUF_INIT;
    enum MHD_Result ret = MHD_NO;
    va_list ap;

    va_start(ap, fmt);
    if (la_buf_vaddf(&b, fmt, ap) == LA_OK)
        ret = send_error(c, status, b.buf);
    va_end(ap);
    la_buf_release(&b);
    return ret;
}

/* "64 KB", "512 MB": sizes as the page shows them. */
static enum la_rc add_size(struct la_buf *b, uint64_t n)
{
    if (n >= (1ull << 30) && !(n & ((1ull << 30) - 1)))
        return la_buf_addf(b, "%llu GB", (unsigned long long)(n >> 30));
    if (n >= (1ull << 20))
        return la_buf_addf(b, "%llu MB", (unsigned long long)(n >> 20));
    if (n >= 1024)
        return la_buf_addf(b, "%llu KB", (unsigned long long)(n >> 10));
    return la_buf_addf(b, "%llu bytes", (unsigned long long)n);
}

static enum MHD_Result send_too_large(struct MHD_Connection *c, const struct server *s)
{
    struct la_buf b = LA_BUF_INIT;
    enum MHD_Result ret = MHD_NO;

    if (la_buf_adds(&b, "The upload is too large: loganalyze serve accepts at most ") == LA_OK &&
        add_size(&b, s->max_upload) == LA_OK &&
        la_buf_adds(&b, " of files at once (--limit upload=BYTES). "
                        "Send fewer or smaller files.") == LA_OK)
        ret = send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, b.buf);
    la_buf_release(&b);
    return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *msg)
{
    return send_body(c, status, "text/plain; charset=utf-8", msg, strlen(msg), K_OTHER, 0);
}

/* ------------------------------------------------------------ request checks */

static int host_ok(const struct server *s, struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);

    if (!h)
        return 0;
    return !strcasecmp(h, s->host) || (s->alt_host[0] && !strcasecmp(h, s->alt_host));
}

/* Absent Origin is fine (the token still guards uploads); a present one must be ours. */
static int origin_ok(const struct server *s, struct MHD_Connection *c)
{
    const char *o = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");

    if (!o)
        return 1;
    return !strcasecmp(o, s->origin) || (s->alt_origin[0] && !strcasecmp(o, s->alt_origin));
}

static int take_slot(struct server *s)
{
    int ok;

    pthread_mutex_lock(&s->lock);
    ok = s->active < s->max_concurrent;
    if (ok)
        s->active++;
    pthread_mutex_unlock(&s->lock);
    return ok;
}

static void give_slot(struct server *s)
{
    pthread_mutex_lock(&s->lock);
    s->active--;
    pthread_mutex_unlock(&s->lock);
}

/* ------------------------------------------------------------ upload */

/* The user's file name, reduced to one safe path component. */
static char *clean_name(const char *raw)
{
    const char *b = raw;
    char out[121];
    size_t n = 0;
    json_t *probe;

    for (const char *p = raw; *p; p++)
        if (*p == '/' || *p == '\\')
            b = p + 1;
    for (const char *p = b; *p && n < sizeof out - 1; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch < 0x20 || ch == 0x7f || ch == ':' || ch == '"' || ch == '<' || ch == '>' ||
            ch == '|' || ch == '*' || ch == '?')
            out[n++] = '_';
        else
            out[n++] = (char)ch;
    }
    out[n] = 0;
    /* Keep non-ASCII only when the (possibly cut) name is valid UTF-8. */
    probe = json_string(out);
    if (!probe) {
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)out[i] >= 0x80)
                out[i] = '_';
    }
    json_decref(probe);
    if (out[0] == '.')
        out[0] = '_';
    return la_strdup(n ? out : "upload");
}

static int open_part(struct request *rq, const char *filename)
{
    struct la_buf path = LA_BUF_INIT;
    char *name;
    int rc = -1;

    if (rq->fd >= 0) {
        close(rq->fd);
        rq->fd = -1;
    }
    if (rq->nfiles >= MAX_FILES) {
        rq->too_many = 1;
        return -1;
    }
    name = clean_name(filename);
    if (!name)
        goto out;
    if (la_buf_addf(&path, "%s/f%u", rq->dir, rq->nfiles + 1) != LA_OK ||
        mkdir(path.buf, 0700) < 0 || la_buf_addf(&path, "/%s", name) != LA_OK)
        goto out;
    rq->fd = open(path.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (rq->fd < 0)
        goto out;
    la_free(rq->cur_raw);
    rq->cur_raw = la_strdup(filename);
    rq->names[rq->nfiles++] = name;
    name = NULL;
    rq->cur_bytes = 0;
    rc = rq->cur_raw ? 0 : -1;
out:
    if (rc < 0 && !rq->too_many)
        rq->io_error = 1;
    la_free(name);
    la_buf_release(&path);
    return rc;
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
    struct request *rq = cls;

    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    if (!key || strcmp(key, "file") || !filename)
        return MHD_YES;            /* other fields are ignored */
    /* A new part starts at offset 0; an empty part may be followed by one of another name. */
    if (off == 0 && (rq->fd < 0 || rq->cur_bytes > 0 || !rq->cur_raw ||
                     strcmp(rq->cur_raw, filename)) && open_part(rq, filename) < 0)
        return MHD_NO;
    if (!size)
        return MHD_YES;
    if (rq->bytes + size > rq->srv->max_upload) {
        rq->too_big = 1;
        return MHD_NO;
    }
    if (rq->fd < 0 || la_serve_write_all(rq->fd, data, size) < 0) {
        rq->io_error = 1;
        return MHD_NO;
    }
    rq->bytes += size;
    rq->cur_bytes += size;
    return MHD_YES;
}

static enum MHD_Result start_upload(struct server *s, struct request *rq,
                                    struct MHD_Connection *c, const char *method)
{
    const char *tok, *cl;
    struct la_buf dir = LA_BUF_INIT;

    if (strcmp(method, MHD_HTTP_METHOD_POST))
        return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "Use POST to upload files.");
    tok = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-LA-Token");
    if (!origin_ok(s, c) || !tok || !same_secret(tok, s->token))
        return send_error(c, MHD_HTTP_FORBIDDEN,
                          "This upload did not come from the loganalyze page (missing or wrong "
                          "token). Reload the page and try again.");
    cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
        char *end;
        unsigned long long v;
        errno = 0;
        v = strtoull(cl, &end, 10);
        if (errno || end == cl || *end || v > s->max_upload + MULTIPART_SLACK) {
            return send_too_large(c, s);
        }
    }
    if (!take_slot(s))
        return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
                          "loganalyze is busy with other uploads. Try again in a moment.");
    rq->has_slot = 1;
    if (la_buf_addf(&dir, "%s/u-XXXXXX", s->root) != LA_OK || !mkdtemp(dir.buf)) {
        la_buf_release(&dir);
        return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                          "Cannot create a temporary directory for the upload.");
    }
    snprintf(rq->dir, sizeof rq->dir, "%s", dir.buf);
    la_buf_release(&dir);
    rq->pp = MHD_create_post_processor(c, 64 * 1024, on_part, rq);
    if (!rq->pp)
        return send_error(c, MHD_HTTP_BAD_REQUEST,
                          "Expected a multipart/form-data upload with \"file\" parts.");
    rq->is_upload = 1;
    return MHD_YES;
}

/* Diagnostics of one upload, kept for the page. */
static void capture_diag(void *user, const struct la_diag *d)
{
    json_t *arr = user;
    struct la_buf b = LA_BUF_INIT;

    if (d->sev != LA_SEV_ERROR || json_array_size(arr) >= MAX_ERRORS)
        return;
    if (la_buf_adds(&b, d->msg ? d->msg : "") == LA_OK)
        json_array_append_new(arr, json_string(b.buf));
    la_buf_release(&b);
}

static int store_report(struct server *s, char *html, size_t len, char *ret_id)
{
    struct stored_report *r;

    if (random_hex(ret_id, ID_BYTES) < 0)
        return -1;
    pthread_mutex_lock(&s->lock);
    r = &s->reports[s->next_report];
    s->next_report = (s->next_report + 1) % MAX_REPORTS;
    la_free(r->html);
    memcpy(r->id, ret_id, sizeof r->id);
    r->html = html;
    r->len = len;
    pthread_mutex_unlock(&s->lock);
    return 0;
}

/* A message for the page when an input gave no diagnosis. */
static void note_outcome(json_t *errors, const char *name, json_t *rep, enum la_rc rc)
{
    const char *outcome = json_string_value(json_object_get(rep, "outcome"));
    json_t *warnings = json_object_get(rep, "warnings"), *w;
    struct la_buf b = LA_BUF_INIT;
    size_t i;
    enum la_rc r = LA_OK;

    if (rc == LA_OK && outcome && strcmp(outcome, "no-restore-found"))
        return;
    if (json_array_size(errors) >= MAX_ERRORS)
        return;
    if (rc != LA_OK)
        r = la_buf_addf(&b, "%s could not be read.", name);
    else
        r = la_buf_addf(&b, "No restore found in %s: it holds no restore or update log that "
                            "loganalyze recognises.", name);
    json_array_foreach(warnings, i, w) {
        const char *m = json_string_value(json_object_get(w, "message"));
        if (m && i < 3 && r == LA_OK)
            r = la_buf_addf(&b, " %s.", m);
    }
    if (r == LA_OK)
        json_array_append_new(errors, json_string(b.buf));
    la_buf_release(&b);
}

static enum MHD_Result finish_upload(struct server *s, struct request *rq,
                                     struct MHD_Connection *c)
{
    struct la_engine *e = NULL;
    json_t *errors = json_array(), *headlines = json_array(), *reports = json_array();
    json_t *doc = NULL, *resp = NULL;
    struct la_diag_sink sink = { capture_diag, errors };
    struct la_report_opts ro = { 0, 0, s->eo->deterministic };
    struct la_buf html = LA_BUF_INIT, path = LA_BUF_INIT, prefix = LA_BUF_INIT;
    const char *outcome = NULL;
    char id[2 * ID_BYTES + 1], url[64];
    enum MHD_Result ret;

    if (rq->fd >= 0) {
        close(rq->fd);
        rq->fd = -1;
    }
    if (rq->too_big) {
        ret = send_too_large(c, s);
        goto out;
    }
    if (rq->too_many) {
        ret = send_errorf(c, MHD_HTTP_CONTENT_TOO_LARGE, "Too many files: at most %u per upload.",
                          MAX_FILES);
        goto out;
    }
    if (rq->io_error) {
        ret = send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                         "The upload could not be saved to a temporary file.");
        goto out;
    }
    if (rq->bad_body || !rq->nfiles) {
        ret = send_error(c, MHD_HTTP_BAD_REQUEST, "The upload holds no file.");
        goto out;
    }
    if (!errors || !headlines || !reports || la_engine_new(&e, s->eo, &sink) != LA_OK) {
        ret = send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "The analysis could not start.");
        goto out;
    }
    html.max = MAX_REPORT_HTML;
    for (unsigned i = 0; i < rq->nfiles; i++) {
        json_t *rep = NULL;
        enum la_rc rc;
        const char *verdict, *oc;

        la_buf_reset(&path);
        la_buf_reset(&prefix);
        if (la_buf_addf(&prefix, "%s/f%u/", rq->dir, i + 1) != LA_OK ||
            la_buf_addf(&path, "%s%s", prefix.buf, rq->names[i]) != LA_OK) {
            ret = send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "Out of memory.");
            goto out;
        }
        rc = la_engine_analyze(e, path.buf, &rep, &sink);
        if (rc == LA_FATAL || !rep || la_serve_strip_prefix(rep, prefix.buf) < 0) {
            json_decref(rep);
            ret = send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "The analysis failed.");
            goto out;
        }
        note_outcome(errors, rq->names[i], rep, rc);
        oc = json_string_value(json_object_get(rep, "outcome"));
        if (oc && (!outcome || !strcmp(oc, "failed")))
            outcome = !outcome || strcmp(outcome, "failed") ? oc : outcome;
        verdict = json_string_value(json_object_get(rep, "verdict"));
        if (verdict) {
            struct la_buf h = LA_BUF_INIT;
            if ((rq->nfiles == 1 ? la_buf_adds(&h, verdict)
                                 : la_buf_addf(&h, "%s: %s", rq->names[i], verdict)) == LA_OK)
                json_array_append_new(headlines, json_string(h.buf));
            la_buf_release(&h);
        }
        /* outcome points into rep, which the reports array keeps alive. */
        json_array_append_new(reports, rep);
    }
    outcome = outcome ? outcome : "inconclusive";
    resp = json_pack("{s:b,s:s,s:s,s:O,s:O}", "ok", 1, "report", "", "outcome", outcome,
                     "headlines", headlines, "errors", errors);
    doc = la_engine_document(e, reports);
    reports = NULL;
    if (!doc || !resp || la_report_render("html", doc, &ro, &html, &sink) != LA_OK) {
        ret = send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "The report could not be rendered.");
        goto out;
    }
    {
        size_t len;
        char *h = la_buf_detach(&html, &len);
        if (!h || store_report(s, h, len, id) < 0) {
            la_free(h);
            ret = send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "The report could not be kept.");
            goto out;
        }
    }
    snprintf(url, sizeof url, "/report/%s", id);
    json_object_set_new(resp, "report", json_string(url));
    ret = send_json(c, MHD_HTTP_OK, resp);
    resp = NULL;
out:
    json_decref(resp);
    json_decref(doc);
    json_decref(reports);
    json_decref(errors);
    json_decref(headlines);
    la_buf_release(&html);
    la_buf_release(&path);
    la_buf_release(&prefix);
    la_engine_free(e);
    return ret;
}

/* ------------------------------------------------------------ explain */

/*
 * The explain fragment: the entry `loganalyze explain` prints, rendered as HTML by the
 * reporter.  A query that is not UTF-8 cannot be stored in the entry; the heading then shows
 * the bytes as received, which the escaper turns into U+FFFD.
 */
static enum la_rc explain_html(const struct la_kb *kb, const char *code, struct la_buf *b)
{
    json_t *x = la_explain(kb, code), *all = json_array();
    enum la_rc rc = LA_FATAL;

    if (x && !json_object_get(x, "query"))
        json_object_set_new(x, "query", json_string_nocheck(code));
    if (x && all && json_array_append(all, x) == 0)
        rc = la_report_explain("html", all, NULL, b);
    json_decref(x);
    json_decref(all);
    return rc;
}

static enum MHD_Result serve_explain(struct server *s, struct MHD_Connection *c)
{
    const char *arg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "code");
    struct la_buf b = LA_BUF_INIT;
    char code[MAX_CODE_ARG + 1];
    size_t n = 0;
    enum MHD_Result ret;

    if (!arg || !*arg)
        return send_text(c, MHD_HTTP_BAD_REQUEST, "give the error number as ?code=N");
    /* Trim blanks; keep it short. */
    while (isspace((unsigned char)*arg))
        arg++;
    while (arg[n] && n < MAX_CODE_ARG)
        n++;
    while (n && isspace((unsigned char)arg[n - 1]))
        n--;
    memcpy(code, arg, n);
    code[n] = 0;
    b.max = 256 * 1024;
    if (explain_html(la_engine_kb(s->engine), code, &b) != LA_OK) {
        la_buf_release(&b);
        return send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "explain failed");
    }
    ret = send_body(c, MHD_HTTP_OK, "text/html; charset=utf-8", b.buf, b.len, K_OTHER, 0);
    la_buf_release(&b);
    return ret;
}

static enum MHD_Result serve_report(struct server *s, struct MHD_Connection *c, const char *id)
{
    enum MHD_Result ret = MHD_NO;
    int found = 0;

    if (strlen(id) != 2 * ID_BYTES || strspn(id, "0123456789abcdef") != 2 * ID_BYTES)
        return send_text(c, MHD_HTTP_NOT_FOUND, "no such report");
    pthread_mutex_lock(&s->lock);
    for (unsigned i = 0; i < MAX_REPORTS; i++) {
        struct stored_report *r = &s->reports[i];
        if (r->html && !strcmp(r->id, id)) {
            ret = send_body(c, MHD_HTTP_OK, "text/html; charset=utf-8", r->html, r->len,
                            K_REPORT, 0);
            found = 1;
            break;
        }
    }
    pthread_mutex_unlock(&s->lock);
    if (!found)
        return send_text(c, MHD_HTTP_NOT_FOUND, "no such report (reports are kept for the "
                                                "last few uploads only)");
    return ret;
}

/* ------------------------------------------------------------ dispatch */

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **con_cls)
{
    struct server *s = cls;
    struct request *rq = *con_cls;
    int get;

    (void)version;
    if (!rq) {
        rq = la_calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        rq->srv = s;
        rq->fd = -1;
        clock_gettime(CLOCK_MONOTONIC, &rq->start);
        *con_cls = rq;
        if (!host_ok(s, c))
            return send_text(c, 421, "misdirected request: this server answers only to the "
                                     "address it listens on");
        if (!strcmp(url, "/analyze"))
            return start_upload(s, rq, c, method);
        get = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
        if (!get)
            return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed");
        if (!strcmp(url, "/") || !strcmp(url, "/index.html"))
            return send_body(c, MHD_HTTP_OK, "text/html; charset=utf-8", s->page, s->page_len,
                             K_PAGE, 1);
        if (!strcmp(url, "/app.css"))
            return send_body(c, MHD_HTTP_OK, "text/css; charset=utf-8", la_serve_page_css,
                             la_serve_page_css_len, K_OTHER, 1);
        if (!strcmp(url, "/app.js"))
            return send_body(c, MHD_HTTP_OK, "text/javascript; charset=utf-8",
                             la_serve_page_js, la_serve_page_js_len, K_OTHER, 1);
        if (!strcmp(url, "/explain"))
            return serve_explain(s, c);
        if (!strncmp(url, "/report/", 8))
            return serve_report(s, c, url + 8);
        return send_text(c, MHD_HTTP_NOT_FOUND, "not found");
    }
    if (!rq->is_upload) {
        *data_size = 0;            /* a body on a request already answered */
        return MHD_YES;
    }
    if (elapsed_s(&rq->start) > s->timeout_s)
        return MHD_NO;             /* total time per request exceeded: close */
    if (*data_size) {
        if (!rq->too_big && !rq->too_many && !rq->io_error && !rq->bad_body &&
            MHD_post_process(rq->pp, data, *data_size) != MHD_YES && !rq->too_big &&
            !rq->too_many && !rq->io_error)
            rq->bad_body = 1;
        *data_size = 0;            /* past a failure the rest is read and dropped */
        return MHD_YES;
    }
    return finish_upload(s, rq, c);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    struct request *rq = *con_cls;

    (void)cls;
    (void)c;
    (void)toe;
    if (!rq)
        return;
    if (rq->fd >= 0)
        close(rq->fd);
    if (rq->pp)
        MHD_destroy_post_processor(rq->pp);
    rm_tree(rq->dir);
    for (unsigned i = 0; i < rq->nfiles; i++)
        la_free(rq->names[i]);
    la_free(rq->cur_raw);
    if (rq->has_slot)
        give_slot(rq->srv);
    la_free(rq);
    *con_cls = NULL;
}

/* ------------------------------------------------------------ setup */

/* Fill in @TOKEN@, @MAX_UPLOAD@, @MAX_UPLOAD_TEXT@, @VERSION@ in the page. */
static int build_page(struct server *s)
{
    struct la_buf b = LA_BUF_INIT;
    const char *p = la_serve_page_html, *end = p + la_serve_page_html_len;
    enum la_rc r = LA_OK;

    while (p < end && r == LA_OK) {
        const char *at = memchr(p, '@', (size_t)(end - p));
        if (!at) {
            r = la_buf_add(&b, p, (size_t)(end - p));
            break;
        }
        r = la_buf_add(&b, p, (size_t)(at - p));
        p = at;
        if (r != LA_OK)
            break;
        if (!strncmp(p, "@TOKEN@", 7)) {
            r = la_buf_adds(&b, s->token);
            p += 7;
        } else if (!strncmp(p, "@MAX_UPLOAD@", 12)) {
            r = la_buf_addf(&b, "%llu", (unsigned long long)s->max_upload);
            p += 12;
        } else if (!strncmp(p, "@MAX_UPLOAD_TEXT@", 17)) {
            r = add_size(&b, s->max_upload);
            p += 17;
        } else if (!strncmp(p, "@VERSION@", 9)) {
            r = la_buf_adds(&b, LA_VERSION);
            p += 9;
        } else {
            r = la_buf_addc(&b, '@');
            p++;
        }
    }
    if (r != LA_OK) {
        la_buf_release(&b);
        return -1;
    }
    s->page = la_buf_detach(&b, &s->page_len);
    return s->page ? 0 : -1;
}

struct listen_addr {
    struct sockaddr_storage ss;
    socklen_t len;
    int v6, loopback;
    char host[72];                   /* as it appears in a Host header: "1.2.3.4", "[::1]" */
};

/* Parse "HOST:PORT" / "[V6]:PORT" / "localhost:PORT"; numeric addresses only. */
static int parse_listen(const char *spec, struct listen_addr *la, const char **ret_why)
{
    char host[64];
    const char *colon, *ps;
    char *end;
    long port;
    size_t hl;

    memset(la, 0, sizeof *la);
    if (spec[0] == '[') {
        const char *rb = strchr(spec, ']');
        if (!rb || rb[1] != ':') {
            *ret_why = "expected [IPV6]:PORT";
            return -1;
        }
        hl = (size_t)(rb - spec - 1);
        if (hl >= sizeof host) {
            *ret_why = "the address is too long";
            return -1;
        }
        memcpy(host, spec + 1, hl);
        host[hl] = 0;
        ps = rb + 2;
        la->v6 = 1;
    } else {
        colon = strrchr(spec, ':');
        if (!colon) {
            *ret_why = "expected HOST:PORT, e.g. 127.0.0.1:8080";
            return -1;
        }
        hl = (size_t)(colon - spec);
        if (hl >= sizeof host) {
            *ret_why = "the address is too long";
            return -1;
        }
        memcpy(host, spec, hl);
        host[hl] = 0;
        ps = colon + 1;
    }
    errno = 0;
    port = strtol(ps, &end, 10);
    if (errno || end == ps || *end || port < 0 || port > 65535) {
        *ret_why = "the port must be a number from 0 to 65535 (0 picks a free one)";
        return -1;
    }
    if (!la->v6 && (!host[0] || !strcasecmp(host, "localhost")))
        snprintf(host, sizeof host, "127.0.0.1");
    if (la->v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&la->ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((unsigned short)port);
        if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) {
            *ret_why = "not a numeric IPv6 address";
            return -1;
        }
        if (IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr)) {
            *ret_why = "listen on one address (the page checks the Host header), not [::]";
            return -1;
        }
        la->loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
        la->len = sizeof *a;
        snprintf(la->host, sizeof la->host, "[%s]", host);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&la->ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((unsigned short)port);
        if (inet_pton(AF_INET, host, &a->sin_addr) != 1) {
            *ret_why = "not a numeric IPv4 address (use 127.0.0.1, localhost or [::1])";
            return -1;
        }
        if (a->sin_addr.s_addr == htonl(INADDR_ANY)) {
            *ret_why = "listen on one address (the page checks the Host header), not 0.0.0.0";
            return -1;
        }
        la->loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
        la->len = sizeof *a;
        snprintf(la->host, sizeof la->host, "%s", host);
    }
    return 0;
}

static int open_listener(struct listen_addr *la, unsigned *ret_port)
{
    int fd, one = 1;
    struct sockaddr_storage got;
    socklen_t gl = sizeof got;

    fd = socket(la->v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (la->v6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&la->ss, la->len) < 0 || listen(fd, 64) < 0 ||
        getsockname(fd, (struct sockaddr *)&got, &gl) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    *ret_port = la->v6 ? ntohs(((struct sockaddr_in6 *)&got)->sin6_port)
                       : ntohs(((struct sockaddr_in *)&got)->sin_port);
    return fd;
}

static int write_port_file(const char *path, const char *hostport)
{
    struct la_buf tmp = LA_BUF_INIT;
    FILE *f = NULL;
    int rc = -1;

    if (la_buf_addf(&tmp, "%s.tmp", path) != LA_OK)
        goto out;
    f = fopen(tmp.buf, "w");
    if (!f)
        goto out;
    if (fprintf(f, "%s\n", hostport) < 0) {
        fclose(f);
        goto out;
    }
    if (fclose(f) != 0 || rename(tmp.buf, path) < 0)
        goto out;
    rc = 0;
out:
    la_buf_release(&tmp);
    return rc;
}

int la_serve_run(const struct la_serve_opts *so, const struct la_engine_opts *eo,
                 struct la_diag_sink *sink)
{
    struct server *s = NULL;
    struct MHD_Daemon *d = NULL;
    struct listen_addr la;
    struct la_buf root = LA_BUF_INIT;
    sigset_t stop, old;
    struct sigaction ign, old_pipe;
    const char *listen_spec = so && so->listen ? so->listen : LA_SERVE_DEFAULT_LISTEN;
    const char *why = NULL;
    unsigned port = 0;
    int fd = -1, code = 2, sig = 0, lock_ok = 0;

    if (parse_listen(listen_spec, &la, &why) < 0) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_USAGE, NULL, 0, 0, "bad --listen '%s': %s",
                 listen_spec, why);
        return 2;
    }
    s = la_calloc(1, sizeof *s);
    if (!s)
        return 2;
    s->eo = eo;
    s->max_upload = so && so->max_upload ? so->max_upload
                    : eo->limits.max_upload ? eo->limits.max_upload : LA_DEFAULT_MAX_UPLOAD;
    s->max_concurrent = so && so->max_concurrent ? so->max_concurrent
                                                 : LA_SERVE_DEFAULT_MAX_CONCURRENT;
    s->timeout_s = so && so->request_timeout_s ? so->request_timeout_s
                                               : LA_SERVE_DEFAULT_TIMEOUT_S;
    if (pthread_mutex_init(&s->lock, NULL) != 0)
        goto out;
    lock_ok = 1;
    /* Rules and data are validated once, up front: a bad rule file is exit 2. */
    if (la_engine_new(&s->engine, eo, sink) != LA_OK)
        goto out;
    if (random_hex(s->token, TOKEN_BYTES) < 0) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_READ_FAILED, "/dev/urandom", 0, 0,
                 "cannot read random bytes: %s", strerror(errno));
        goto out;
    }
    if (build_page(s) < 0)
        goto out;

    /* From here on a signal must not kill us before the temp root is removed. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old_pipe);

    if (la_buf_addf(&root, "%s/loganalyze-serve-XXXXXX", la_serve_tmpdir()) != LA_OK ||
        !mkdtemp(root.buf)) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_OUTPUT_FAILED, la_serve_tmpdir(), 0, 0,
                 "cannot create a private temporary directory: %s", strerror(errno));
        goto restore;
    }
    snprintf(s->root, sizeof s->root, "%s", root.buf);

    fd = open_listener(&la, &port);
    if (fd < 0) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_USAGE, NULL, 0, 0, "cannot listen on %s: %s",
                 listen_spec, strerror(errno));
        goto restore;
    }
    snprintf(s->host, sizeof s->host, "%s:%u", la.host, port);
    snprintf(s->origin, sizeof s->origin, "http://%s", s->host);
    if (la.loopback) {
        snprintf(s->alt_host, sizeof s->alt_host, "localhost:%u", port);
        snprintf(s->alt_origin, sizeof s->alt_origin, "http://%s", s->alt_host);
    }
    d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                             MHD_USE_POLL | (la.v6 ? MHD_USE_IPv6 : 0),
                         0, NULL, NULL, handle, s,
                         MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)s->timeout_s,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
                         MHD_OPTION_NOTIFY_COMPLETED, completed, s,
                         MHD_OPTION_END);
    if (!d) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_USAGE, NULL, 0, 0,
                 "cannot start the web server on %s", s->host);
        close(fd);
        goto restore;
    }
    printf("loganalyze serve: listening on http://%s/ (Ctrl-C stops)\n", s->host);
    fflush(stdout);
    if (so && so->port_file && write_port_file(so->port_file, s->host) < 0) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_OUTPUT_FAILED, so->port_file, 0, 0,
                 "cannot write the port file: %s", strerror(errno));
        goto restore;
    }
    if (so && so->open_browser) {
        struct la_buf url = LA_BUF_INIT;
        if (la_buf_addf(&url, "http://%s/", s->host) == LA_OK &&
            la_serve_spawn_opener(url.buf) < 0)
            la_diagf(sink, LA_SEV_WARNING, LA_D_USAGE, NULL, 0, 0,
                     "cannot open a browser (%s); open %s yourself", strerror(errno), url.buf);
        la_buf_release(&url);
    }
    while (sigwait(&stop, &sig) != 0)
        ;
    printf("loganalyze serve: stopping (%s)\n", sig == SIGINT ? "interrupt" : "terminated");
    fflush(stdout);
    code = 0;
restore:
    if (d)
        MHD_stop_daemon(d);        /* completes every request: their dirs go first */
    rm_tree(s->root);
    sigaction(SIGPIPE, &old_pipe, NULL);
    for (;;) {
        /* Drop a stop signal that arrived meanwhile, then restore the mask. */
        sigset_t pend;
        int any = 0;
        if (sigpending(&pend) == 0)
            any = sigismember(&pend, SIGINT) == 1 || sigismember(&pend, SIGTERM) == 1 ||
                  sigismember(&pend, SIGHUP) == 1;
        if (!any)
            break;
        sigwait(&stop, &sig);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
out:
    la_buf_release(&root);
    if (s) {
        for (unsigned i = 0; i < MAX_REPORTS; i++)
            la_free(s->reports[i].html);
        la_free(s->page);
        la_engine_free(s->engine);
        if (lock_ok)
            pthread_mutex_destroy(&s->lock);
        la_free(s);
    }
    return code;
}

#else /* !HAVE_MICROHTTPD */

int la_serve_run(const struct la_serve_opts *so, const struct la_engine_opts *eo,
                 struct la_diag_sink *sink)
{
    (void)so;
    (void)eo;
    la_diagf(sink, LA_SEV_ERROR, LA_D_USAGE, NULL, 0, 0,
             "this loganalyze was built without libmicrohttpd, so `serve` is not available "
             "(install libmicrohttpd-dev and rebuild); `loganalyze --open FILE` still works");
    return 2;
}

#endif
