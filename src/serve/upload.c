/*
 * serve's uploads: POST /analyze, from the first byte to the JSON answer.
 *
 * Data flow: the first call (la_serve_start_upload) checks the token, Origin and
 * Content-Length, reserves the body's size from the temp budget (503 past it, lanes.c) and
 * makes a private directory with mkdtemp() under the run's own temp root; the body is
 * streamed through MHD_create_post_processor() (la_serve_feed_upload, on_part) straight into
 * files (mode 0600, one subdirectory per file so the user's names survive), never held in
 * memory, and counted against max_upload.  The last call (la_serve_finish_upload) waits for
 * an analysis slot (la_serve_wait_slot; 503 after QUEUE_WAIT_S or at a stop), analyses each
 * file with the server's engine under the upload's time and byte budgets
 * (la_engine_analyze_until + la_serve_upload_stop: a stop keeps what was read and says so
 * first in the page's messages), wraps the reports into one document, replaces the temp
 * paths in it by the uploaded names, renders the HTML report (stored under a random id for
 * the page's "Save the report" link, pages.c) and the same report as a fragment, which the
 * JSON answer carries for the page to show in itself.  The request's directory is removed by
 * la_serve_release_upload(), called from the completion callback for every request however
 * it ends (success, error, timeout, client gone, daemon stopped); the whole temp root is
 * removed again when the
 * server stops, and a killed server's root at the next start (stale.c).
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
#include "core/dir.h"
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
    if (rq->fd < 0 || la_write_all(rq->fd, data, size) < 0) {
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
    uint64_t need = s->max_upload + MULTIPART_SLACK;

    if (strcmp(method, MHD_HTTP_METHOD_POST))
        return la_serve_send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "Use POST to upload files.");
    if (!la_serve_upload_allowed(s, c))
        return la_serve_send_error(c, MHD_HTTP_FORBIDDEN,
                                   "This upload did not come from the loganalyze page (missing "
                                   "or wrong token). Reload the page and try again.");
    cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
        char *end;
        errno = 0;
        need = strtoull(cl, &end, 10);
        if (errno || end == cl || *end || need > s->max_upload + MULTIPART_SLACK) {
            return la_serve_send_too_large(c, s);
        }
    }
    if (la_serve_stopping(s))
        return la_serve_send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
                                   "loganalyze is stopping and takes no new upload.");
    /* The body goes to the temp folder: reserve its size (the most it can be) first. */
    if (!la_serve_reserve(s, rq, need))
        return la_serve_send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
                                   "loganalyze is busy with other uploads. Try again in a moment.");
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
    la_serve_conn_phase(s, rq->conn, CONN_BODY);
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

/* The answer to an upload that failed before its analysis (*refused = 1), if it did. */
static enum MHD_Result refuse(struct la_server *s, struct la_request *rq,
                              struct MHD_Connection *c, int *refused)
{
    *refused = 1;
    if (rq->too_big)
        return la_serve_send_too_large(c, s);
    if (rq->too_many)
        return la_serve_send_errorf(c, MHD_HTTP_CONTENT_TOO_LARGE,
                                    "Too many files: at most %u per upload.", MAX_FILES);
    if (rq->io_error)
        return la_serve_send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                   "The upload could not be saved to a temporary file.");
    if (rq->bad_body || !rq->nfiles)
        return la_serve_send_error(c, MHD_HTTP_BAD_REQUEST, "The upload holds no file.");
    *refused = 0;
    return MHD_NO;
}

/* One upload's analysis: what the page gets back (its JSON, the report kept by id). */
struct outcome {
    unsigned status;                 /* HTTP status of the answer */
    const char *error;               /* its message when not 200 */
    json_t *resp;                    /* the 200 answer */
};

/* "Analysis stopped after 61 s: the time budget ... ran out. The report shows ..." */
static void note_stop(struct la_request *rq, json_t *errors, unsigned done)
{
    struct la_buf b = LA_BUF_INIT;

    if (la_buf_addf(&b, "Analysis stopped after %.0f s: %s. The report shows what was read "
                        "before the stop (", la_serve_elapsed(&rq->astart), rq->stop_why) ==
            LA_OK &&
        la_serve_add_size(&b, rq->read_done + rq->read_cur) == LA_OK &&
        la_buf_addf(&b, " of data in %u of %u file%s).", done, rq->nfiles,
                    rq->nfiles == 1 ? "" : "s") == LA_OK)
        json_array_insert_new(errors, 0, json_string(b.buf));
    la_buf_release(&b);
}

/* Analyse rq's files into one stored HTML report; errors and headlines are filled in. */
static void analyse(struct la_server *s, struct la_request *rq, json_t *errors,
                    json_t *headlines, struct outcome *out)
{
    struct la_engine *e = s->engine;   /* shared: analyses are independent runs of it */
    json_t *reports = json_array(), *doc = NULL;
    struct la_diag_sink sink = { capture_diag, errors };
    struct la_report_opts ro = { 0, 0, s->eo->deterministic };
    struct la_buf html = LA_BUF_INIT, frag = LA_BUF_INIT, path = LA_BUF_INIT;
    struct la_buf prefix = LA_BUF_INIT;
    const char *outcome = NULL;
    char id[2 * ID_BYTES + 1], url[64], *shown = NULL;
    unsigned i, done = 0;

    out->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
    out->error = "The analysis could not start.";
    if (!reports)
        goto out;
    html.max = frag.max = MAX_REPORT_HTML;
    out->error = "Out of memory.";
    for (i = 0; i < rq->nfiles; i++) {
        json_t *rep = NULL;
        enum la_rc rc;
        const char *verdict, *oc;

        rq->read_done += rq->read_cur;
        rq->read_cur = 0;
        done += !rq->stop_why[0];
        la_buf_reset(&path);
        la_buf_reset(&prefix);
        if (la_buf_addf(&prefix, "%s/f%u/", rq->dir, i + 1) != LA_OK ||
            la_buf_addf(&path, "%s%s", prefix.buf, rq->names[i]) != LA_OK)
            goto out;
        /* The budgets are asked while the file is read (la_serve_upload_stop). */
        rc = la_engine_analyze_until(e, path.buf, la_serve_upload_stop, rq, &rep, &sink);
        if (rc == LA_FATAL || !rep || la_serve_strip_prefix(rep, prefix.buf) < 0) {
            json_decref(rep);
            out->error = "The analysis failed.";
            goto out;
        }
        /* The page names the file as the report does: redacted ("iPhone_<UDID>.log"). */
        la_free(shown);
        shown = la_engine_redact(e, rq->names[i], strlen(rq->names[i]));
        if (!shown) {
            json_decref(rep);
            goto out;                  /* out->error: "Out of memory." */
        }
        note_outcome(errors, shown, rep, rc);
        oc = json_string_value(json_object_get(rep, "outcome"));
        if (oc && (!outcome || !strcmp(oc, "failed")))
            outcome = !outcome || strcmp(outcome, "failed") ? oc : outcome;
        verdict = json_string_value(json_object_get(rep, "verdict"));
        if (verdict) {
            struct la_buf h = LA_BUF_INIT;
            if ((rq->nfiles == 1 ? la_buf_adds(&h, verdict)
                                 : la_buf_addf(&h, "%s: %s", shown, verdict)) == LA_OK)
                json_array_append_new(headlines, json_string(h.buf));
            la_buf_release(&h);
        }
        /* outcome points into rep, which the reports array keeps alive. */
        json_array_append_new(reports, rep);
    }
    if (rq->stop_why[0])
        note_stop(rq, errors, done);
    out->resp = json_pack("{s:b,s:s,s:s,s:O,s:O}", "ok", 1, "report", "", "outcome",
                          outcome ? outcome : "inconclusive", "headlines", headlines, "errors",
                          errors);
    doc = la_engine_document(e, reports);
    reports = NULL;
    out->error = "The report could not be rendered.";
    if (!doc || !out->resp || la_report_render("html", doc, &ro, &html, &sink) != LA_OK ||
        la_report_html_fragment(doc, &frag) != LA_OK ||
        json_object_set_new(out->resp, "html", json_stringn(frag.buf, frag.len)) != 0)
        goto out;
    {
        size_t len;
        char *h = la_buf_detach(&html, &len);
        out->error = "The report could not be kept.";
        if (!h || la_serve_store_report(s, h, len, id) < 0) {
            la_free(h);
            goto out;
        }
    }
    snprintf(url, sizeof url, "/report/%s", id);
    json_object_set_new(out->resp, "report", json_string(url));
    out->status = MHD_HTTP_OK;
out:
    if (out->status != MHD_HTTP_OK) {
        json_decref(out->resp);
        out->resp = NULL;
    }
    la_free(shown);
    json_decref(doc);
    json_decref(reports);
    la_buf_release(&html);
    la_buf_release(&frag);
    la_buf_release(&path);
    la_buf_release(&prefix);
}

enum MHD_Result la_serve_finish_upload(struct la_server *s, struct la_request *rq,
                                       struct MHD_Connection *c)
{
    json_t *errors = json_array(), *headlines = json_array();
    struct outcome out = { 0, NULL, NULL };
    enum MHD_Result ret;
    int refused, got;

    if (rq->fd >= 0) {
        close(rq->fd);
        rq->fd = -1;
    }
    la_serve_conn_phase(s, rq->conn, CONN_BUSY);
    ret = refuse(s, rq, c, &refused);
    if (refused || !errors || !headlines) {
        if (!refused)
            ret = la_serve_send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "Out of memory.");
        goto out;
    }
    /* No idle timeout while the upload waits and is analysed; set again after, which also
     * restarts its clock (MHD_set_connection_option from 0), so the answer is sent. */
    MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, 0u);
    got = la_serve_wait_slot(s, rq);
    if (got > 0) {
        clock_gettime(CLOCK_MONOTONIC, &rq->astart);
        analyse(s, rq, errors, headlines, &out);
        la_serve_end_analysis(s, rq);
    }
    MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, s->idle_s);
    if (got < 0)
        ret = la_serve_send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
                                  "loganalyze is stopping and takes no new upload.");
    else if (!got)
        ret = la_serve_send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
                                  "loganalyze is busy with other uploads. Try again in a moment.");
    else if (out.status != MHD_HTTP_OK)
        ret = la_serve_send_error(c, out.status, out.error);
    else
        ret = la_serve_send_json(c, MHD_HTTP_OK, out.resp);
out:
    json_decref(errors);
    json_decref(headlines);
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
