/*
 * serve's pages: the drop page built from its template (with the "Where are my logs?"
 * panel from locate/'s table), the explain fragment, and the ring of recent reports behind
 * /report/ID.
 *
 * The page (page.html, embedded at build time with page.css and page.js) gets this run's
 * token and upload limit filled in once, at start.  /explain renders the entry
 * `loganalyze explain` prints through report/explain.c's HTML form.  Reports rendered by
 * an upload are kept in a ring of MAX_REPORTS under random ids; the oldest is dropped.
 *
 * Invariants: s->reports is read and written under s->lock only; a report's HTML is
 * owned by the ring from la_serve_store_report() on.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "analyze/analyze.h"
#include "analyze/explain.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "locate/locate.h"
#include "report/report.h"
#include "serve/serve-internal.h"


/* An escaped string of the places table (static text, escaped all the same). */
static enum la_rc esc(struct la_buf *b, const char *s)
{
    return la_escape_html(b, s, strlen(s));
}

/* The places of one host as a folded list: what, where, how to capture it, the source. */
static enum la_rc host_places(struct la_buf *b, const char *host)
{
    LA_TRY(la_buf_addf(b, "<details class=\"host\" data-host=\"%s\"><summary>", host));
    LA_TRY(esc(b, la_locate_host_title(host)));
    LA_TRY(la_buf_adds(b, "</summary>\n<ul class=\"places\">\n"));
    for (size_t i = 0; i < la_locate_n_places(); i++) {
        const struct la_place *p = la_locate_place(i);
        if (strcmp(p->host, host))
            continue;
        LA_TRY(la_buf_adds(b, "<li><b>"));
        LA_TRY(esc(b, p->tool));
        LA_TRY(la_buf_adds(b, "</b>: "));
        LA_TRY(esc(b, p->what));
        if (!p->confirmed)
            LA_TRY(la_buf_adds(b, " <span class=\"unconfirmed\">(unconfirmed)</span>"));
        LA_TRY(la_buf_adds(b, "<br>\n<code class=\"where\">"));
        LA_TRY(esc(b, p->pattern));
        LA_TRY(la_buf_adds(b, "</code>"));
        if (p->capture) {
            LA_TRY(la_buf_adds(b, "<br>\nhow: "));
            LA_TRY(esc(b, p->capture));
        }
        LA_TRY(la_buf_adds(b, "<br>\n<span class=\"src\">source: "));
        LA_TRY(esc(b, p->source));
        LA_TRY(la_buf_adds(b, "</span></li>\n"));
    }
    return la_buf_adds(b, "</ul>\n</details>\n");
}

/*
 * The "Where are my logs?" panel: the knowledge table `loganalyze logs` prints (locate/),
 * one folded list per host and one for the device.  page.js opens the visitor's system
 * (from the User-Agent) and moves it first; the others stay one click away.
 */
static enum la_rc logs_panel(struct la_buf *b)
{
    static const char *const hosts[] = { "windows", "macos", "linux", "device" };

    for (size_t i = 0; i < sizeof(hosts) / sizeof(*hosts); i++)
        LA_TRY(host_places(b, hosts[i]));
    return LA_OK;
}

/* Fill in @TOKEN@, @MAX_UPLOAD@, @MAX_UPLOAD_TEXT@, @VERSION@, @LOGS@ in the page. */
int la_serve_build_page(struct la_server *s)
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
            r = la_serve_add_size(&b, s->max_upload);
            p += 17;
        } else if (!strncmp(p, "@VERSION@", 9)) {
            r = la_buf_adds(&b, LA_VERSION);
            p += 9;
        } else if (!strncmp(p, "@LOGS@", 6)) {
            r = logs_panel(&b);
            p += 6;
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

int la_serve_store_report(struct la_server *s, char *html, size_t len, char *ret_id)
{
    struct la_stored_report *r;

    if (la_serve_random_hex(ret_id, ID_BYTES) < 0)
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

/* ------------------------------------------------------------ routes */

/*
 * The explain fragment: the entry `loganalyze explain` prints, rendered as HTML by the
 * reporter (la_explain() stores the query with each byte that is not UTF-8 as U+FFFD).
 */
static enum la_rc explain_html(const struct la_kb *kb, const char *code, struct la_buf *b)
{
    json_t *x = la_explain(kb, code), *all = json_array();
    enum la_rc rc = LA_FATAL;

    if (x && all && json_array_append(all, x) == 0)
        rc = la_report_explain("html", all, NULL, b);
    json_decref(x);
    json_decref(all);
    return rc;
}

enum MHD_Result la_serve_explain(struct la_server *s, struct MHD_Connection *c)
{
    const char *arg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "code");
    struct la_buf b = LA_BUF_INIT;
    char code[MAX_CODE_ARG + 1];
    size_t n = 0;
    enum MHD_Result ret;

    if (!arg || !*arg)
        return la_serve_send_text(c, MHD_HTTP_BAD_REQUEST, "give the error number as ?code=N");
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
        return la_serve_send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "explain failed");
    }
    ret = la_serve_send_body(c, MHD_HTTP_OK, "text/html; charset=utf-8", b.buf, b.len,
                             LA_RESP_OTHER, 0);
    la_buf_release(&b);
    return ret;
}

enum MHD_Result la_serve_report(struct la_server *s, struct MHD_Connection *c, const char *id)
{
    enum MHD_Result ret = MHD_NO;
    int found = 0;

    if (strlen(id) != 2 * ID_BYTES || strspn(id, "0123456789abcdef") != 2 * ID_BYTES)
        return la_serve_send_text(c, MHD_HTTP_NOT_FOUND, "no such report");
    pthread_mutex_lock(&s->lock);
    for (unsigned i = 0; i < MAX_REPORTS; i++) {
        struct la_stored_report *r = &s->reports[i];
        if (r->html && !strcmp(r->id, id)) {
            ret = la_serve_send_body(c, MHD_HTTP_OK, "text/html; charset=utf-8", r->html, r->len,
                                     LA_RESP_REPORT, 0);
            found = 1;
            break;
        }
    }
    pthread_mutex_unlock(&s->lock);
    if (!found)
        return la_serve_send_text(c, MHD_HTTP_NOT_FOUND, "no such report (reports are kept for the "
                                  "last few uploads only)");
    return ret;
}
