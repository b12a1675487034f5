/*
 * serve's uploads: POST /analyze, from the first byte to the JSON answer.
 *
 * Data flow: the first call (la_serve_start_upload) checks the token, Origin and
 * Content-Length, takes one of max_concurrent slots (503 when none is free) and makes a
 * private directory with mkdtemp() under the run's own temp root; the body is streamed
 * through MHD_create_post_processor() (la_serve_feed_upload, on_part) straight into files
 * (mode 0600, one subdirectory per file so the user's names survive), never held in
 * memory, and counted against max_upload.  The last call (la_serve_finish_upload) analyses
 * each file with a fresh engine (building one takes milliseconds and keeps requests
 * independent of each other), wraps the reports into one document, replaces the temp
 * paths in it by the uploaded names, renders the HTML report and stores it under a random
 * id (pages.c).  The request's directory is removed by la_serve_release_upload(), called
 * from the completion callback for every request however it ends (success, error,
 * timeout, client gone, daemon stopped); the whole temp root is removed again when the
 * server stops.
 *
 * Invariants: at most MAX_FILES files and max_upload bytes are written per request; past
 * the first failure (too big, too many, I/O error, bad body) the rest of the body is read
 * and dropped, and the answer names the failure.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

#include "analyze/analyze.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/encoding.h"
#include "report/report.h"
#include "serve/serve-internal.h"

/* The user's file name, reduced to one safe path component. */
static char *clean_name(const char *raw)
{
    const char *b = raw;
    char out[121];
    size_t n = 0;
    const char *p;

    for (p = raw; *p; p++)
        if (*p == '/' || *p == '\\')
            b = p + 1;
    for (p = b; *p && n < sizeof out - 1; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch < 0x20 || ch == 0x7f || ch == ':' || ch == '"' || ch == '<' || ch == '>' ||
            ch == '|' || ch == '*' || ch == '?')
            out[n++] = '_';
        else
            out[n++] = (char)ch;
    }
    if (*p)
        n = la_utf8_trim(out, n);   /* cut: never inside a character */
    out[n] = 0;
    /* Keep non-ASCII only when the name is valid UTF-8. */
    if (!la_utf8_valid(out, n)) {
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)out[i] >= 0x80)
                out[i] = '_';
    }
    if (out[0] == '.')
        out[0] = '_';
    return la_strdup(n ? out : "upload");
}

static int open_part(struct la_request *rq, const char *filename)
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
    struct la_request *rq = cls;

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

enum MHD_Result la_serve_start_upload(struct la_server *s, struct la_request *rq,
                                      struct MHD_Connection *c, const char *method)
{
    const char *cl;
    struct la_buf dir = LA_BUF_INIT;

    if (strcmp(method, MHD_HTTP_METHOD_POST))
        return la_serve_send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "Use POST to upload files.");
    if (!la_serve_upload_allowed(s, c))
        return la_serve_send_error(c, MHD_HTTP_FORBIDDEN,
                                   "This upload did not come from the loganalyze page (missing "
                                   "or wrong token). Reload the page and try again.");
    cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
        char *end;
        unsigned long long v;
        errno = 0;
        v = strtoull(cl, &end, 10);
        if (errno || end == cl || *end || v > s->max_upload + MULTIPART_SLACK) {
            return la_serve_send_too_large(c, s);
        }
    }
    if (!la_serve_take_slot(s))
        return la_serve_send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
                                   "loganalyze is busy with other uploads. Try again in a moment.");
    rq->has_slot = 1;
    if (la_buf_addf(&dir, "%s/u-XXXXXX", s->root) != LA_OK || !mkdtemp(dir.buf)) {
        la_buf_release(&dir);
        return la_serve_send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                   "Cannot create a temporary directory for the upload.");
    }
    snprintf(rq->dir, sizeof rq->dir, "%s", dir.buf);
    la_buf_release(&dir);
    rq->pp = MHD_create_post_processor(c, 64 * 1024, on_part, rq);
    if (!rq->pp)
        return la_serve_send_error(c, MHD_HTTP_BAD_REQUEST,
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
    if (la_utf8_add(&b, d->msg ? d->msg : "", d->msg ? strlen(d->msg) : 0) == LA_OK)
        json_array_append_new(arr, json_stringn_nocheck(b.buf, b.len));
    la_buf_release(&b);
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

enum MHD_Result la_serve_finish_upload(struct la_server *s, struct la_request *rq,
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
        ret = la_serve_send_too_large(c, s);
        goto out;
    }
    if (rq->too_many) {
        ret = la_serve_send_errorf(c, MHD_HTTP_CONTENT_TOO_LARGE,
                                   "Too many files: at most %u per upload.", MAX_FILES);
        goto out;
    }
    if (rq->io_error) {
        ret = la_serve_send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                  "The upload could not be saved to a temporary file.");
        goto out;
    }
    if (rq->bad_body || !rq->nfiles) {
        ret = la_serve_send_error(c, MHD_HTTP_BAD_REQUEST, "The upload holds no file.");
        goto out;
    }
    if (!errors || !headlines || !reports || la_engine_new(&e, s->eo, &sink) != LA_OK) {
        ret = la_serve_send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                  "The analysis could not start.");
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
            ret = la_serve_send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "Out of memory.");
            goto out;
        }
        rc = la_engine_analyze(e, path.buf, &rep, &sink);
        if (rc == LA_FATAL || !rep || la_serve_strip_prefix(rep, prefix.buf) < 0) {
            json_decref(rep);
            ret = la_serve_send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "The analysis failed.");
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
        ret = la_serve_send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                  "The report could not be rendered.");
        goto out;
    }
    {
        size_t len;
        char *h = la_buf_detach(&html, &len);
        if (!h || la_serve_store_report(s, h, len, id) < 0) {
            la_free(h);
            ret = la_serve_send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                      "The report could not be kept.");
            goto out;
        }
    }
    snprintf(url, sizeof url, "/report/%s", id);
    json_object_set_new(resp, "report", json_string(url));
    ret = la_serve_send_json(c, MHD_HTTP_OK, resp);
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

void la_serve_feed_upload(struct la_request *rq, const char *data, size_t size)
{
    /* Past a failure the rest is read and dropped. */
    if (!rq->too_big && !rq->too_many && !rq->io_error && !rq->bad_body &&
        MHD_post_process(rq->pp, data, size) != MHD_YES && !rq->too_big && !rq->too_many &&
        !rq->io_error)
        rq->bad_body = 1;
}

void la_serve_release_upload(struct la_request *rq)
{
    if (rq->fd >= 0)
        close(rq->fd);
    if (rq->pp)
        MHD_destroy_post_processor(rq->pp);
    la_serve_rm_tree(rq->dir);
    for (unsigned i = 0; i < rq->nfiles; i++)
        la_free(rq->names[i]);
    la_free(rq->cur_raw);
}
