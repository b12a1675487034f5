/*
 * serve's HTTP layer: routing, the checks every request passes, and the responses.
 *
 * Routes (everything else is 404, wrong methods 405):
 *   GET  /              the page (page.html with this run's token), /app.css, /app.js,
 *                       /report.css (the report's own rules, la_report_html_css)
 *   POST /analyze       multipart upload of one or more "file" parts → analysis →
 *                       {"ok":true,"report":"/report/ID","html","outcome","headlines",
 *                       "errors"} or {"ok":false,"error":"…"} with 400/403/413/500/503
 *                       (upload.c); "html" is the report as a fragment the page shows in
 *                       itself (la_report_html_fragment: every string escaped, no script)
 *   GET  /report/ID     a stored HTML report (la_report_render "html"), the page's "Save
 *                       the report" link, served with a sandboxing CSP (pages.c)
 *   GET  /explain?code= an HTML fragment: what an error code means, every string escaped
 *                       (pages.c, rendered by report/explain.c)
 *
 * Security model (the page runs in the user's browser next to arbitrary other sites):
 *   - bind to loopback by default; wildcard addresses are refused (serve.c) because the
 *     Host check below needs the one address the page is reached at;
 *   - every request's Host header must be the bound "addr:port" (or "localhost:port" on
 *     loopback): a DNS-rebinding page gets 421;
 *   - uploads need the per-run random token (32 bytes from /dev/urandom) that is embedded
 *     in the page, in the X-LA-Token header: a custom header cannot be sent cross-site
 *     without a CORS preflight, which we never grant, and a present Origin header must be
 *     ours too (la_serve_upload_allowed);
 *   - caps: bytes per upload (413), files per upload, concurrent uploads and analyses
 *     (503, la_serve_take_slot), connections, idle time (MHD_OPTION_CONNECTION_TIMEOUT)
 *     and total time per request (checked here on every call);
 *   - responses carry a strict Content-Security-Policy (the page's script and style are
 *     same-origin files, no inline code; reports get `sandbox` and no scripts at all),
 *     X-Content-Type-Options: nosniff, no-store caching and no referrer;
 *   - log text reaches the browser only inside the HTML report and its fragment (escaped
 *     by the reporter; the page inserts the fragment as markup, and the page's CSP runs
 *     only its own script file, so markup cannot run code), the explain fragment (escaped
 *     by the reporter) and JSON strings that the page sets with textContent.
 *
 * A request's state (struct la_request) is made on its first call and freed in
 * la_serve_completed(), which libmicrohttpd calls for every request however it ends.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "report/report.h"
#include "serve/serve-internal.h"

static int same_secret(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = la != lb;

    for (size_t i = 0; i < la && i < lb; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

/* ------------------------------------------------------------ responses */

enum MHD_Result la_serve_send_body(struct MHD_Connection *c, unsigned status, const char *ctype,
                                   const char *body, size_t len, enum la_resp_kind kind,
                                   int persistent)
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
                            kind == LA_RESP_PAGE     ? CSP_PAGE
                            : kind == LA_RESP_REPORT ? CSP_REPORT
                                                     : CSP_OTHER);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", kind == LA_RESP_REPORT ? "SAMEORIGIN" : "DENY");
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

enum MHD_Result la_serve_send_json(struct MHD_Connection *c, unsigned status, json_t *o)
{
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    enum MHD_Result ret;

    json_decref(o);
    if (!s)
        return MHD_NO;
    ret = la_serve_send_body(c, status, "application/json", s, strlen(s), LA_RESP_OTHER, 0);
    free(s);
    return ret;
}

enum MHD_Result la_serve_send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    return la_serve_send_json(c, status, json_pack("{s:b,s:s}", "ok", 0, "error", msg));
}

enum MHD_Result la_serve_send_errorf(struct MHD_Connection *c, unsigned status,
                                     const char *fmt, ...)
{
    struct la_buf b = LA_BUF_INIT;
    enum MHD_Result ret = MHD_NO;
    va_list ap;

    va_start(ap, fmt);
    if (la_buf_vaddf(&b, fmt, ap) == LA_OK)
        ret = la_serve_send_error(c, status, b.buf);
    va_end(ap);
    la_buf_release(&b);
    return ret;
}

enum la_rc la_serve_add_size(struct la_buf *b, uint64_t n)
{
    if (n >= (1ull << 30) && !(n & ((1ull << 30) - 1)))
        return la_buf_addf(b, "%llu GB", (unsigned long long)(n >> 30));
    if (n >= (1ull << 20))
        return la_buf_addf(b, "%llu MB", (unsigned long long)(n >> 20));
    if (n >= 1024)
        return la_buf_addf(b, "%llu KB", (unsigned long long)(n >> 10));
    return la_buf_addf(b, "%llu bytes", (unsigned long long)n);
}

enum MHD_Result la_serve_send_too_large(struct MHD_Connection *c, const struct la_server *s)
{
    struct la_buf b = LA_BUF_INIT;
    enum MHD_Result ret = MHD_NO;

    if (la_buf_adds(&b, "The upload is too large: loganalyze serve accepts at most ") == LA_OK &&
        la_serve_add_size(&b, s->max_upload) == LA_OK &&
        la_buf_adds(&b, " of files at once (--limit upload=BYTES). "
                        "Send fewer or smaller files.") == LA_OK)
        ret = la_serve_send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, b.buf);
    la_buf_release(&b);
    return ret;
}

enum MHD_Result la_serve_send_text(struct MHD_Connection *c, unsigned status, const char *msg)
{
    return la_serve_send_body(c, status, "text/plain; charset=utf-8", msg, strlen(msg),
                              LA_RESP_OTHER, 0);
}

/* ------------------------------------------------------------ request checks */

static int host_ok(const struct la_server *s, struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);

    if (!h)
        return 0;
    return !strcasecmp(h, s->host) || (s->alt_host[0] && !strcasecmp(h, s->alt_host));
}

/* Absent Origin is fine (the token still guards uploads); a present one must be ours. */
static int origin_ok(const struct la_server *s, struct MHD_Connection *c)
{
    const char *o = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");

    if (!o)
        return 1;
    return !strcasecmp(o, s->origin) || (s->alt_origin[0] && !strcasecmp(o, s->alt_origin));
}

int la_serve_upload_allowed(const struct la_server *s, struct MHD_Connection *c)
{
    const char *tok = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-LA-Token");

    return origin_ok(s, c) && tok && same_secret(tok, s->token);
}

/* ------------------------------------------------------------ dispatch */

enum MHD_Result la_serve_handle(void *cls, struct MHD_Connection *c, const char *url,
                                const char *method, const char *version, const char *data,
                                size_t *data_size, void **con_cls)
{
    struct la_server *s = cls;
    struct la_request *rq = *con_cls;
    int get;

    (void)version;
    if (!rq) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        rq = la_calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        rq->srv = s;
        rq->fd = -1;
        rq->conn = ci ? ci->socket_context : NULL;
        clock_gettime(CLOCK_MONOTONIC, &rq->start);
        *con_cls = rq;
        la_serve_conn_phase(s, rq->conn, CONN_BUSY);   /* the head is in */
        if (!host_ok(s, c))
            return la_serve_send_text(c, 421, "misdirected request: this server answers only "
                                      "to the address it listens on");
        if (!strcmp(url, "/analyze"))
            return la_serve_start_upload(s, rq, c, method);
        get = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
        if (!get)
            return la_serve_send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed");
        if (!strcmp(url, "/") || !strcmp(url, "/index.html"))
            return la_serve_send_body(c, MHD_HTTP_OK, "text/html; charset=utf-8", s->page,
                                      s->page_len, LA_RESP_PAGE, 1);
        if (!strcmp(url, "/app.css"))
            return la_serve_send_body(c, MHD_HTTP_OK, "text/css; charset=utf-8",
                                      la_serve_page_css, la_serve_page_css_len, LA_RESP_OTHER, 1);
        if (!strcmp(url, "/report.css"))
            return la_serve_send_body(c, MHD_HTTP_OK, "text/css; charset=utf-8",
                                      la_report_html_css(), strlen(la_report_html_css()),
                                      LA_RESP_OTHER, 1);
        if (!strcmp(url, "/app.js"))
            return la_serve_send_body(c, MHD_HTTP_OK, "text/javascript; charset=utf-8",
                                      la_serve_page_js, la_serve_page_js_len, LA_RESP_OTHER, 1);
        if (!strcmp(url, "/explain"))
            return la_serve_explain(s, c);
        if (!strncmp(url, "/report/", 8))
            return la_serve_report(s, c, url + 8);
        return la_serve_send_text(c, MHD_HTTP_NOT_FOUND, "not found");
    }
    if (!rq->is_upload) {
        *data_size = 0;            /* a body on a request already answered */
        return MHD_YES;
    }
    if (la_serve_elapsed(&rq->start) > s->timeout_s || la_serve_stopping(s))
        return MHD_NO;             /* total time per request exceeded, or stopping: close */
    if (*data_size) {
        la_serve_feed_upload(rq, data, *data_size);
        *data_size = 0;
        return MHD_YES;
    }
    return la_serve_finish_upload(s, rq, c);
}

void la_serve_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                        enum MHD_RequestTerminationCode toe)
{
    struct la_request *rq = *con_cls;

    (void)cls;
    (void)c;
    (void)toe;
    if (!rq)
        return;
    la_serve_release_upload(rq);
    la_serve_end_request(rq->srv, rq);
    /* Keep-alive: the next request head is due within HEAD_DEADLINE_S. */
    la_serve_conn_phase(rq->srv, rq->conn, CONN_HEAD);
    la_free(rq);
    *con_cls = NULL;
}
