/*
 * html: one self-contained page for people (the drag-and-drop path).
 *
 * The page needs nothing but itself: inline CSS, an inline SVG timeline of
 * the attempts (one row per attempt, one segment per stage reached, the
 * failing stage red), <details> for evidence, no script, no external URL of
 * any kind (a Content-Security-Policy meta tag says default-src 'none').
 * It is printable: @media print drops coloured backgrounds and opens the
 * evidence.
 *
 * The markup is HTML5 that is also well-formed XML (void elements written
 * "<meta … />", only the XML entities, no raw controls), so the test suite
 * can check it with an XML parser as well as an HTML one.  Every document
 * string goes through la_escape_html().
 *
 * Layout: a verdict banner; with several reports a summary section first;
 * then per report: verdict, facts, causes (confidence meter, summary,
 * evidence for and against, steps, next test), attempts (SVG and table),
 * members not read, unexplained lines, warnings, and for undiagnosed inputs
 * what to collect next and the checklist.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "report/report-internal.h"

#define HTML_MAX_ROWS 2000u         /* rows per evidence / member table */
#define SVG_W 800
#define SVG_LABEL_W 50
#define SVG_RESULT_W 110
#define SVG_ROW_H 30

static const char css[] =
    ":root{--fail:#b91c1c;--ok:#15803d;--warn:#a16207;--ink:#1f2328;--muted:#59636e;"
    "--line:#d1d9e0;--soft:#f6f8fa}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
    "color:var(--ink);background:#fff}\n"
    "main,footer{max-width:72rem;margin:0 auto;padding:0 1rem}\n"
    ".banner{padding:1.25rem 1rem;color:#fff;background:var(--warn)}\n"
    ".banner.failed{background:var(--fail)}.banner.succeeded{background:var(--ok)}\n"
    ".banner h1{margin:0 auto;max-width:72rem;font-size:1.5rem;overflow-wrap:anywhere}\n"
    ".banner p{margin:.25rem auto 0;max-width:72rem;opacity:.9}\n"
    "h2{margin-top:2rem;border-bottom:2px solid var(--line);overflow-wrap:anywhere}\n"
    "h3{margin-top:1.5rem}h4{margin:.25rem 0}\n"
    ".badge{display:inline-block;padding:0 .5rem;border-radius:1rem;color:#fff;"
    "font-size:.8em;background:var(--warn);vertical-align:middle}\n"
    ".badge.failed{background:var(--fail)}.badge.succeeded{background:var(--ok)}\n"
    ".verdict{font-weight:600;font-size:1.1rem}\n"
    ".verdict.failed{color:var(--fail)}.verdict.succeeded{color:var(--ok)}\n"
    ".verdict.inconclusive,.verdict.no-restore-found{color:var(--warn)}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem}\n"
    "dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}\n"
    "ol.causes>li{margin:0 0 1rem;padding:.5rem .75rem;border:1px solid var(--line);"
    "border-radius:6px}\n"
    ".cid{color:var(--muted);font-weight:400;font-family:ui-monospace,monospace}\n"
    ".level{font-size:.8em;padding:0 .4rem;border-radius:4px;border:1px solid}\n"
    ".level.high{color:var(--fail)}.level.medium{color:var(--warn)}\n"
    ".level.low{color:var(--muted)}\n"
    "meter{width:10rem;vertical-align:middle}\n"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.9rem}\n"
    "th,td{border:1px solid var(--line);padding:.2rem .4rem;text-align:left;"
    "vertical-align:top}\n"
    "th{background:var(--soft)}td.num{text-align:right;white-space:nowrap}\n"
    "td.src,td code{font-family:ui-monospace,monospace;overflow-wrap:anywhere;"
    "white-space:pre-wrap}\n"
    "details{margin:.5rem 0}summary{cursor:pointer;font-weight:600}\n"
    "ul.checklist{list-style:none;padding-left:.5rem}\n"
    "svg.timeline{width:100%;height:auto;max-width:800px;display:block}\n"
    "footer{margin-top:2rem;padding-bottom:2rem;color:var(--muted);font-size:.85rem}\n"
    "@media print{body{background:#fff;color:#000;font-size:11pt}\n"
    ".banner,.banner.failed,.banner.succeeded{background:none;color:#000;"
    "border:3px solid #000;padding:.5rem}\n"
    ".badge{color:#000;background:none;border:1px solid #000}\n"
    "th{background:none}summary{list-style:none}\n"
    "details>*{display:block}\n"
    "tr,li{break-inside:avoid}}\n"
    "@media print{details::details-content{content-visibility:visible;display:block}}\n";

struct html {
    const char *input;          /* the current report's input: left out of member paths */
    struct la_buf *out;
    struct la_buf tmp;
    size_t section;             /* report number, for ids */
};

static enum la_rc add(struct html *h, const char *s)
{
    return la_buf_adds(h->out, s);
}

static enum la_rc esc(struct html *h, const char *s)
{
    return la_escape_html(h->out, s, strlen(s));
}

/* <tag class="cls">escaped text</tag>\n */
static enum la_rc elem(struct html *h, const char *tag, const char *cls, const char *s)
{
    if (cls)
        LA_TRY(la_buf_addf(h->out, "<%s class=\"%s\">", tag, cls));
    else
        LA_TRY(la_buf_addf(h->out, "<%s>", tag));
    LA_TRY(esc(h, s));
    return la_buf_addf(h->out, "</%s>\n", tag);
}

/* A CSS class from an outcome: one of four fixed words, never document text. */
static const char *outcome_class(const char *o)
{
    if (strcmp(o, "failed") == 0)
        return "failed";
    if (strcmp(o, "succeeded") == 0)
        return "succeeded";
    if (strcmp(o, "no-restore-found") == 0)
        return "no-restore-found";
    return "inconclusive";
}

static const char *level_class(const char *l)
{
    if (strcmp(l, "high") == 0)
        return "high";
    if (strcmp(l, "medium") == 0)
        return "medium";
    return "low";
}

/* --- facts and causes ---------------------------------------------------- */

static enum la_rc fact(struct html *h, const char *label, const char *value)
{
    if (!*value)
        return LA_OK;
    LA_TRY(la_buf_addf(h->out, "<dt>%s</dt><dd>", label));
    LA_TRY(esc(h, value));
    return add(h, "</dd>\n");
}

static enum la_rc facts(struct html *h, const json_t *r)
{
    const json_t *d = la_report_obj(r, "device"), *ho = la_report_obj(r, "host");
    struct la_buf codes = LA_BUF_INIT;
    enum la_rc rc;

    h->input = la_report_str(r, "input");
    LA_TRY(add(h, "<dl class=\"facts\">\n"));
    LA_TRY(fact(h, "Input", la_report_str(r, "input")));
    rc = la_report_case_line(r, &codes);
    if (rc == LA_OK && codes.len)
        rc = fact(h, "Case", codes.buf);
    la_buf_reset(&codes);
    if (rc != LA_OK) {
        la_buf_release(&codes);
        return rc;
    }
    LA_TRY(fact(h, "Model", la_report_str(d, "model")));
    LA_TRY(fact(h, "iOS", la_report_str(d, "ios")));
    LA_TRY(fact(h, "Build", la_report_str(d, "build")));
    LA_TRY(fact(h, "Device id", la_report_str(d, "ecid")));
    LA_TRY(fact(h, "Host software", la_report_str(ho, "software")));
    LA_TRY(fact(h, "Host system", la_report_str(ho, "os")));
    rc = la_report_codes_line(r, &codes);
    if (rc == LA_OK && codes.len)
        rc = fact(h, "Error codes", codes.buf);
    la_buf_release(&codes);
    LA_TRY(rc);
    if (la_report_certainty(r))
        LA_TRY(fact(h, "Cause", la_report_certainty(r)));
    if (la_report_deciding_line(r)) {
        const json_t *l = la_report_deciding_line(r);

        LA_TRY(add(h, "<dt>Decided by</dt><dd><span class=\"src\">"));
        LA_TRY(esc(h, la_report_member(la_report_str(l, "source"), h->input)));
        LA_TRY(la_buf_addf(h->out, ":%lld</span> <code>", la_report_int(l, "line")));
        LA_TRY(esc(h, la_report_str(l, "text")));
        LA_TRY(add(h, "</code></dd>\n"));
    }
    return add(h, "</dl>\n");
}

static enum la_rc lines_table(struct html *h, const json_t *list, const char *label,
                              int open)
{
    size_t n = la_report_len(list);

    if (!n)
        return LA_OK;
    LA_TRY(la_buf_addf(h->out, "<details%s><summary>%s (%zu line%s)</summary>\n"
                               "<table class=\"lines\"><thead><tr><th>Source</th>"
                               "<th>Line</th><th>Time</th><th>Text</th></tr></thead>\n<tbody>\n",
                       open ? " open=\"open\"" : "", label, n, n == 1 ? "" : "s"));
    for (size_t i = 0; i < n && i < HTML_MAX_ROWS; i++) {
        const json_t *e = json_array_get(list, i);

        LA_TRY(add(h, "<tr><td class=\"src\">"));
        LA_TRY(esc(h, la_report_member(la_report_str(e, "source"), h->input)));
        if (la_report_int(e, "line") > 0)
            LA_TRY(la_buf_addf(h->out, "</td><td class=\"num\">%lld</td><td>",
                               la_report_int(e, "line")));
        else
            LA_TRY(add(h, "</td><td class=\"num\"></td><td>"));
        LA_TRY(esc(h, la_report_str(e, "time")));
        LA_TRY(add(h, "</td><td><code>"));
        LA_TRY(esc(h, la_report_str(e, "text")));
        LA_TRY(add(h, "</code></td></tr>\n"));
    }
    if (n > HTML_MAX_ROWS)
        LA_TRY(la_buf_addf(h->out, "<tr><td colspan=\"4\">… %zu more lines (see the JSON "
                                   "report)</td></tr>\n", n - HTML_MAX_ROWS));
    return add(h, "</tbody></table>\n</details>\n");
}

static enum la_rc causes(struct html *h, const json_t *r)
{
    const json_t *cs = la_report_arr(r, "causes");

    if (!la_report_len(cs))
        return LA_OK;
    LA_TRY(add(h, "<h3>Likely causes</h3>\n<ol class=\"causes\">\n"));
    for (size_t i = 0; i < la_report_len(cs); i++) {
        const json_t *c = json_array_get(cs, i), *rem = la_report_arr(c, "remediation");
        const char *lc = level_class(la_report_str(c, "level"));
        double conf = la_report_real(c, "confidence");
        int pct = la_report_percent(conf);

        LA_TRY(add(h, "<li>\n<h4>"));
        LA_TRY(esc(h, la_report_str(c, "title")));
        LA_TRY(add(h, " <span class=\"cid\">"));
        LA_TRY(esc(h, la_report_str(c, "id")));
        LA_TRY(la_buf_addf(h->out, "</span></h4>\n<p><meter min=\"0\" max=\"100\" "
                                   "value=\"%d\">%d %%</meter> %d %% "
                                   "<span class=\"level %s\">", pct, pct, pct, lc));
        LA_TRY(esc(h, la_report_str(c, "level")));
        LA_TRY(add(h, "</span></p>\n"));
        if (la_report_has_str(c, "summary"))
            LA_TRY(elem(h, "p", NULL, la_report_str(c, "summary")));
        if (la_report_len(rem)) {
            LA_TRY(add(h, "<p><strong>What to do</strong></p>\n<ol class=\"steps\">\n"));
            for (size_t k = 0; k < la_report_len(rem); k++)
                LA_TRY(elem(h, "li", NULL, la_report_item_str(rem, k)));
            LA_TRY(add(h, "</ol>\n"));
        }
        if (la_report_has_str(c, "next_test")) {
            LA_TRY(add(h, "<p><strong>Next test:</strong> "));
            LA_TRY(esc(h, la_report_str(c, "next_test")));
            LA_TRY(add(h, "</p>\n"));
        }
        LA_TRY(lines_table(h, la_report_arr(c, "evidence"), "Evidence", i == 0));
        LA_TRY(lines_table(h, la_report_arr(c, "against"), "Evidence against", 0));
        LA_TRY(add(h, "</li>\n"));
    }
    return add(h, "</ol>\n");
}

/* --- attempts: SVG timeline and table ------------------------------------ */

/* Index of the failing stage of attempt a, or -1. */
static long failing_stage(const json_t *a)
{
    const json_t *st = la_report_arr(a, "stages");
    const char *o = la_report_str(a, "outcome"), *stage = la_report_str(a, "stage");
    size_t n = la_report_len(st);
    int failed = strcmp(o, "failed") == 0 ||
                 (!*o && la_report_is_int(a, "result") && la_report_int(a, "result") != 0);

    if (!failed || n == 0)
        return -1;
    for (size_t i = n; i-- > 0;)
        if (*stage && strcmp(la_report_item_str(st, i), stage) == 0)
            return (long)i;
    return (long)n - 1;
}

/* An SVG <text>: s shortened to at most cols code points. */
static enum la_rc svg_text(struct html *h, int x, int y, const char *fill, const char *s,
                           size_t cols)
{
    size_t len = strlen(s);

    LA_TRY(la_buf_addf(h->out, "<text x=\"%d\" y=\"%d\" fill=\"%s\">", x, y, fill));
    if (la_report_cols(s, len) > cols && cols > 1) {
        LA_TRY(la_escape_html(h->out, s, la_report_prefix(s, len, cols - 1)));
        LA_TRY(add(h, "…"));
    } else if (cols > 1) {
        LA_TRY(esc(h, s));
    }
    return add(h, "</text>");
}

static enum la_rc timeline(struct html *h, const json_t *as)
{
    size_t n = la_report_len(as), max_stages = 1;
    int height = (int)n * SVG_ROW_H + 10, seg;

    for (size_t i = 0; i < n; i++) {
        size_t k = la_report_len(la_report_arr(json_array_get(as, i), "stages"));

        if (k > max_stages)
            max_stages = k;
    }
    seg = (SVG_W - SVG_LABEL_W - SVG_RESULT_W) / (int)max_stages;
    LA_TRY(la_buf_addf(h->out, "<svg class=\"timeline\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                               "height=\"%d\" role=\"img\" aria-labelledby=\"tl%zu\" "
                               "font-family=\"system-ui,sans-serif\" font-size=\"12\">\n"
                               "<title id=\"tl%zu\">Attempt timeline: stages reached per attempt; "
                               "the failing stage in red</title>\n",
                       SVG_W, height, SVG_W, height, h->section, h->section));
    for (size_t i = 0; i < n; i++) {
        const json_t *a = json_array_get(as, i), *st = la_report_arr(a, "stages");
        long bad = failing_stage(a);
        int y = 5 + (int)i * SVG_ROW_H;
        char label[32];

        snprintf(label, sizeof(label), "#%lld", la_report_int(a, "index"));
        LA_TRY(svg_text(h, 4, y + 17, "#1f2328", label, 8));
        LA_TRY(add(h, "\n"));
        for (size_t k = 0; k < la_report_len(st); k++) {
            int x = SVG_LABEL_W + (int)k * seg, red = (long)k == bad;

            LA_TRY(add(h, "<g><title>"));
            LA_TRY(esc(h, la_report_item_str(st, k)));
            LA_TRY(la_buf_addf(h->out, "%s</title><rect x=\"%d\" y=\"%d\" width=\"%d\" "
                                       "height=\"22\" rx=\"3\" fill=\"%s\" stroke=\"%s\"/>",
                               red ? " (failed here)" : "", x, y, seg - 4,
                               red ? "#dc2626" : "#dbeafe", red ? "#991b1b" : "#93c5fd"));
            LA_TRY(svg_text(h, x + 5, y + 15, red ? "#ffffff" : "#1f2328",
                            la_report_item_str(st, k), (size_t)(seg - 12) / 7));
            LA_TRY(add(h, "</g>\n"));
        }
        la_buf_reset(&h->tmp);
        LA_TRY(la_buf_adds(&h->tmp, la_report_has_str(a, "outcome")
                                        ? la_report_str(a, "outcome") : "unknown"));
        if (la_report_is_int(a, "result"))
            LA_TRY(la_buf_addf(&h->tmp, " %lld", la_report_int(a, "result")));
        LA_TRY(svg_text(h, SVG_W - SVG_RESULT_W + 6, y + 15, bad >= 0 ? "#b91c1c" : "#1f2328",
                        h->tmp.buf, 15));
        LA_TRY(add(h, "\n"));
    }
    return add(h, "</svg>\n");
}

static enum la_rc cell(struct html *h, const char *cls, const char *s)
{
    if (cls)
        LA_TRY(la_buf_addf(h->out, "<td class=\"%s\">", cls));
    else
        LA_TRY(add(h, "<td>"));
    LA_TRY(esc(h, s));
    return add(h, "</td>");
}

static enum la_rc attempts(struct html *h, const json_t *r)
{
    const json_t *as = la_report_arr(r, "attempts");

    if (!la_report_len(as))
        return LA_OK;
    LA_TRY(add(h, "<h3>Attempts</h3>\n"));
    LA_TRY(timeline(h, as));
    LA_TRY(add(h, "<table><thead><tr><th>#</th><th>Started</th><th>Ended</th>"
                  "<th>Stages reached</th><th>Result</th><th>Sources</th></tr></thead>\n"
                  "<tbody>\n"));
    for (size_t i = 0; i < la_report_len(as); i++) {
        const json_t *a = json_array_get(as, i), *st = la_report_arr(a, "stages");
        const json_t *src = la_report_arr(a, "sources");

        LA_TRY(la_buf_addf(h->out, "<tr><td class=\"num\">%lld</td>", la_report_int(a, "index")));
        LA_TRY(cell(h, NULL, la_report_str(a, "started")));
        LA_TRY(cell(h, NULL, la_report_str(a, "ended")));
        la_buf_reset(&h->tmp);
        for (size_t k = 0; k < la_report_len(st); k++)
            LA_TRY(la_buf_addf(&h->tmp, "%s%s", k ? " → " : "", la_report_item_str(st, k)));
        LA_TRY(cell(h, NULL, h->tmp.buf));
        la_buf_reset(&h->tmp);
        LA_TRY(la_buf_adds(&h->tmp, la_report_has_str(a, "outcome")
                                        ? la_report_str(a, "outcome") : "unknown"));
        if (la_report_is_int(a, "result"))
            LA_TRY(la_buf_addf(&h->tmp, " %lld", la_report_int(a, "result")));
        if (la_report_has_str(a, "stage"))
            LA_TRY(la_buf_addf(&h->tmp, " at %s", la_report_str(a, "stage")));
        LA_TRY(cell(h, NULL, h->tmp.buf));
        la_buf_reset(&h->tmp);
        for (size_t k = 0; k < la_report_len(src); k++)
            LA_TRY(la_buf_addf(&h->tmp, "%s%s", k ? "\n" : "", la_report_item_str(src, k)));
        LA_TRY(cell(h, "src", h->tmp.buf));
        LA_TRY(add(h, "</tr>\n"));
    }
    return add(h, "</tbody></table>\n");
}

/* --- members, unexplained, warnings, lists -------------------------------- */

static enum la_rc members(struct html *h, const json_t *r)
{
    const json_t *ms = la_report_arr(r, "members");
    size_t n = la_report_len(ms), ok = 0, rows = 0;

    if (!n)
        return LA_OK;
    for (size_t i = 0; i < n; i++)
        ok += strcmp(la_report_str(json_array_get(ms, i), "status"), "ok") == 0;
    LA_TRY(la_buf_addf(h->out, "<h3>Members</h3>\n<p>%zu of %zu member%s read.</p>\n", ok, n,
                       n == 1 ? "" : "s"));
    LA_TRY(la_buf_addf(h->out, "<details%s><summary>All members</summary>\n"
                               "<table><thead><tr><th>Path</th><th>Format</th><th>Bytes</th>"
                               "<th>Lines</th><th>Status</th></tr></thead>\n<tbody>\n",
                       ok < n ? " open=\"open\"" : ""));
    for (size_t i = 0; i < n; i++) {
        const json_t *m = json_array_get(ms, i);

        /* Members not read always show; the rest up to the row cap. */
        if (strcmp(la_report_str(m, "status"), "ok") == 0 && rows >= HTML_MAX_ROWS)
            continue;
        rows++;
        LA_TRY(add(h, "<tr>"));
        LA_TRY(cell(h, "src", la_report_str(m, "path")));
        LA_TRY(cell(h, NULL, la_report_str(m, "format")));
        LA_TRY(la_buf_addf(h->out, "<td class=\"num\">%lld</td><td class=\"num\">%lld</td>",
                           la_report_int(m, "bytes"), la_report_int(m, "lines")));
        LA_TRY(cell(h, NULL, la_report_str(m, "status")));
        LA_TRY(add(h, "</tr>\n"));
    }
    if (rows < n)
        LA_TRY(la_buf_addf(h->out, "<tr><td colspan=\"5\">… %zu more members read "
                                   "(see the JSON report)</td></tr>\n", n - rows));
    return add(h, "</tbody></table>\n</details>\n");
}

static enum la_rc unexplained(struct html *h, const json_t *r)
{
    const json_t *us = la_report_arr(r, "unexplained");

    if (!la_report_len(us))
        return LA_OK;
    LA_TRY(add(h, "<h3>Unexplained lines</h3>\n<table><thead><tr><th>Count</th>"
                  "<th>Template</th><th>First example</th></tr></thead>\n<tbody>\n"));
    for (size_t i = 0; i < la_report_len(us) && i < HTML_MAX_ROWS; i++) {
        const json_t *u = json_array_get(us, i);

        LA_TRY(la_buf_addf(h->out, "<tr><td class=\"num\">%lld</td><td><code>",
                           la_report_int(u, "count")));
        LA_TRY(esc(h, la_report_str(u, "template")));
        LA_TRY(add(h, "</code></td><td><span class=\"cid\">"));
        LA_TRY(esc(h, la_report_str(u, "source")));
        if (la_report_int(u, "line") > 0)
            LA_TRY(la_buf_addf(h->out, ":%lld", la_report_int(u, "line")));
        LA_TRY(add(h, "</span><br/><code>"));
        LA_TRY(esc(h, la_report_str(u, "text")));
        LA_TRY(add(h, "</code></td></tr>\n"));
    }
    return add(h, "</tbody></table>\n");
}

static enum la_rc warnings(struct html *h, const json_t *r)
{
    const json_t *ws = la_report_arr(r, "warnings");

    if (!la_report_len(ws))
        return LA_OK;
    LA_TRY(add(h, "<h3>Warnings</h3>\n<ul>\n"));
    for (size_t i = 0; i < la_report_len(ws); i++) {
        const json_t *w = json_array_get(ws, i);

        LA_TRY(add(h, "<li><span class=\"cid\">"));
        LA_TRY(esc(h, la_report_str(w, "code")));
        LA_TRY(add(h, "</span> "));
        LA_TRY(add(h, la_report_severity_label(w)));
        if (la_report_has_str(w, "source")) {
            LA_TRY(esc(h, la_report_str(w, "source")));
            LA_TRY(add(h, ": "));
        }
        LA_TRY(esc(h, la_report_str(w, "message")));
        LA_TRY(add(h, "</li>\n"));
    }
    return add(h, "</ul>\n");
}

static enum la_rc list(struct html *h, const char *title, const json_t *l)
{
    if (!la_report_len(l))
        return LA_OK;
    LA_TRY(la_buf_addf(h->out, "<h3>%s</h3>\n<ul>\n", title));
    for (size_t i = 0; i < la_report_len(l); i++)
        LA_TRY(elem(h, "li", NULL, la_report_item_str(l, i)));
    return add(h, "</ul>\n");
}

static enum la_rc checklist(struct html *h, const json_t *r)
{
    const json_t *ladder = la_report_arr(r, "ladder");

    if (!la_report_len(ladder))
        return LA_OK;
    LA_TRY(add(h, "<h3>Checklist</h3>\n<ul class=\"checklist\">\n"));
    for (size_t i = 0; i < la_report_len(ladder); i++) {
        const json_t *s = json_array_get(ladder, i);
        int tried = la_report_bool(s, "tried");

        LA_TRY(la_buf_addf(h->out, "<li>%s <strong>", tried ? "☑" : "☐"));
        LA_TRY(esc(h, la_report_str(s, "text")));
        LA_TRY(add(h, "</strong>"));
        if (tried)
            LA_TRY(add(h, " (tried)"));
        if (la_report_has_str(s, "why")) {
            LA_TRY(add(h, " — "));
            LA_TRY(esc(h, la_report_str(s, "why")));
        }
        if (la_report_has_str(s, "if_still_fails")) {
            LA_TRY(add(h, "<br/><em>If it still fails:</em> "));
            LA_TRY(esc(h, la_report_str(s, "if_still_fails")));
        }
        LA_TRY(add(h, "</li>\n"));
    }
    return add(h, "</ul>\n");
}

static enum la_rc one_report(struct html *h, const json_t *r, size_t n)
{
    const char *o = la_report_str(r, "outcome"), *oc = outcome_class(o);

    LA_TRY(la_buf_addf(h->out, "<section class=\"report\" id=\"report-%zu\">\n", h->section));
    if (n > 1) {
        LA_TRY(la_buf_addf(h->out, "<h2><span class=\"badge %s\">%s</span> ", oc,
                           la_report_outcome_label(o)));
        LA_TRY(esc(h, la_report_str(r, "input")));
        LA_TRY(add(h, "</h2>\n"));
    }
    LA_TRY(la_buf_addf(h->out, "<p class=\"verdict %s\">", oc));
    LA_TRY(esc(h, la_report_verdict(r)));
    LA_TRY(add(h, "</p>\n"));
    LA_TRY(facts(h, r));
    LA_TRY(causes(h, r));
    LA_TRY(attempts(h, r));
    LA_TRY(members(h, r));
    LA_TRY(unexplained(h, r));
    LA_TRY(warnings(h, r));
    if (la_report_needs_help(r)) {
        LA_TRY(list(h, "What to collect next", la_report_arr(r, "collect")));
        LA_TRY(checklist(h, r));
    }
    LA_TRY(list(h, "Ranking notes", la_report_arr(r, "ranking_notes")));
    return add(h, "</section>\n");
}

static enum la_rc count_rows(struct html *h, const char *label, const json_t *obj)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)obj, key, v) {
        LA_TRY(la_buf_addf(h->out, "<tr><td>%s</td>", label));
        LA_TRY(cell(h, NULL, key));
        LA_TRY(la_buf_addf(h->out, "<td class=\"num\">%lld</td></tr>\n",
                           json_is_integer(v) ? (long long)json_integer_value(v) : 0LL));
    }
    return LA_OK;
}

static enum la_rc summary(struct html *h, const json_t *doc)
{
    const json_t *s = la_report_obj(doc, "summary"), *reports = la_report_arr(doc, "reports");

    LA_TRY(add(h, "<section class=\"summary\" id=\"summary\">\n<h2>Summary</h2>\n"
                  "<table><thead><tr><th>Input</th><th>Outcome</th><th>Verdict</th></tr>"
                  "</thead>\n<tbody>\n"));
    for (size_t i = 0; i < la_report_len(reports); i++) {
        const json_t *r = json_array_get(reports, i);
        const char *o = la_report_str(r, "outcome");

        LA_TRY(la_buf_addf(h->out, "<tr><td><a href=\"#report-%zu\">", i + 1));
        LA_TRY(esc(h, la_report_str(r, "input")));
        LA_TRY(la_buf_addf(h->out, "</a></td><td><span class=\"badge %s\">%s</span></td>",
                           outcome_class(o), la_report_outcome_label(o)));
        LA_TRY(cell(h, NULL, la_report_verdict(r)));
        LA_TRY(add(h, "</tr>\n"));
    }
    LA_TRY(add(h, "</tbody></table>\n"));
    if (s) {
        LA_TRY(la_buf_addf(h->out, "<p>%lld inputs: %lld failed, %lld succeeded, %lld "
                                   "inconclusive, %lld no restore found.</p>\n",
                           la_report_int(s, "inputs"), la_report_int(s, "failed"),
                           la_report_int(s, "succeeded"), la_report_int(s, "inconclusive"),
                           la_report_int(s, "no_restore_found")));
        LA_TRY(add(h, "<table><thead><tr><th>By</th><th>Value</th><th>Inputs</th></tr>"
                      "</thead>\n<tbody>\n"));
        LA_TRY(count_rows(h, "cause", la_report_obj(s, "by_cause")));
        LA_TRY(count_rows(h, "error code", la_report_obj(s, "by_error_code")));
        LA_TRY(count_rows(h, "model", la_report_obj(s, "by_model")));
        LA_TRY(add(h, "</tbody></table>\n"));
        LA_TRY(list(h, "Patterns", la_report_arr(s, "patterns")));
    }
    return add(h, "</section>\n");
}

enum la_rc la_report_html(const json_t *doc, const struct la_report_opts *opts,
                          struct la_buf *out)
{
    const json_t *reports = la_report_arr(doc, "reports"), *s = la_report_obj(doc, "summary");
    const json_t *tool = la_report_obj(doc, "tool"), *rs = la_report_obj(doc, "ruleset");
    const json_t *first = json_array_get(reports, 0);
    size_t n = la_report_len(reports);
    const char *bc = n == 1 ? outcome_class(la_report_str(first, "outcome"))
                            : (la_report_int(s, "failed") ? "failed" : "inconclusive");
    struct html h;
    enum la_rc rc = LA_OK;

    if (n > 1 && !la_report_int(s, "failed") && !la_report_int(s, "inconclusive") &&
        !la_report_int(s, "no_restore_found"))
        bc = "succeeded";
    h.out = out;
    h.section = 0;
    la_buf_init(&h.tmp, 0);
    LA_TRY(la_buf_addf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                            "<meta charset=\"utf-8\" />\n"
                            "<meta name=\"viewport\" content=\"width=device-width, "
                            "initial-scale=1\" />\n"
                            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                            "'none'; style-src 'unsafe-inline'; img-src data:\" />\n"
                            "<meta name=\"color-scheme\" content=\"light\" />\n"
                            "<title>loganalyze: "));
    if (n == 1) {
        LA_TRY(esc(&h, la_report_verdict(first)));
    } else {
        LA_TRY(la_buf_addf(out, "%zu inputs", n));
    }
    LA_TRY(la_buf_addf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n"
                            "<header class=\"banner %s\">\n<h1>", css, bc));
    if (n == 1) {
        LA_TRY(esc(&h, la_report_verdict(first)));
        LA_TRY(add(&h, "</h1>\n<p>"));
        LA_TRY(esc(&h, la_report_str(first, "input")));
    } else {
        LA_TRY(la_buf_addf(out, "%zu inputs: %lld failed, %lld succeeded, %lld inconclusive, "
                                "%lld no restore found</h1>\n<p>loganalyze report", n,
                           la_report_int(s, "failed"), la_report_int(s, "succeeded"),
                           la_report_int(s, "inconclusive"),
                           la_report_int(s, "no_restore_found")));
    }
    LA_TRY(add(&h, "</p>\n</header>\n<main>\n"));
    if (n == 0)
        rc = add(&h, "<p>No inputs were analysed.</p>\n");
    if (rc == LA_OK && n > 1)
        rc = summary(&h, doc);
    for (size_t i = 0; i < n && rc == LA_OK; i++) {
        h.section = i + 1;
        rc = one_report(&h, json_array_get(reports, i), n);
    }
    la_buf_release(&h.tmp);
    LA_TRY(rc);
    LA_TRY(add(&h, "</main>\n<footer>\n<p>"));
    LA_TRY(esc(&h, la_report_has_str(tool, "name") ? la_report_str(tool, "name")
                                                     : "loganalyze"));
    LA_TRY(add(&h, " "));
    LA_TRY(esc(&h, la_report_str(tool, "version")));
    if (rs) {
        LA_TRY(la_buf_addf(out, " · %lld rules", la_report_int(rs, "rules")));
        if (la_report_has_str(rs, "sha256")) {
            LA_TRY(add(&h, " (sha256 "));
            LA_TRY(esc(&h, la_report_str(rs, "sha256")));
            LA_TRY(add(&h, ")"));
        }
    }
    if (!opts->deterministic && la_report_has_str(doc, "generated")) {
        LA_TRY(add(&h, " · generated "));
        LA_TRY(esc(&h, la_report_str(doc, "generated")));
    }
    return add(&h, "</p>\n</footer>\n</body>\n</html>\n");
}
