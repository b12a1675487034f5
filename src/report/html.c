/*
 * html: the report for people (the drag-and-drop path): one self-contained page, or the
 * same report as a fragment the serve page shows inside itself.
 *
 * The page needs nothing but itself: inline CSS, an inline SVG timeline of the attempts
 * (timeline.c), <details> for everything long, no script, no external URL of any kind (a
 * Content-Security-Policy meta tag says default-src 'none').  It is printable: @media print
 * opens the folded parts.  The fragment (la_report_html_fragment) is the page's body
 * without the document around it and without the CSS, which la_report_html_css() gives the
 * host page (every rule is scoped under .la-report, so it styles nothing else).
 *
 * The result view, per report, in this order:
 *   the verdict once, first, in plain words (view.c: headline, the cause with how sure it
 *   is, the codes and the stage id in small print); why (the two or three reasons that
 *   decided it, each with its log line); what to collect and the checklist when the cause
 *   is not known; the timeline (one picture of every attempt, and every step in a folded
 *   table); the causes (from 5 % on with their advice, evidence folded; under 5 % one folded
 *   line each, without advice); then the details: facts, members, unexplained lines,
 *   warnings and the ranking notes.  Several reports get a summary first.
 *
 * Narrow screens (a phone, 390 CSS pixels): nothing is wider than the screen.  Tables stack
 * into one block per row, log lines scroll inside their own <pre>, long words break.
 *
 * The markup is HTML5 that is also well-formed XML (void elements written "<meta … />",
 * only the XML entities, no raw controls), so the test suite can check it with an XML
 * parser as well as an HTML one.  Every document string goes through la_escape_html().
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "report/report-internal.h"

#define HTML_MAX_ROWS 2000u         /* rows per evidence list / member table */

/* The report's own rules, all under .la-report (shared with the serve page). */
static const char report_css[] =
    ".la-report{--fail:#b91c1c;--ok:#15803d;--warn:#a16207;--ink:#1f2328;--muted:#59636e;"
    "--line:#d1d9e0;--soft:#f6f8fa;color:var(--ink);overflow-wrap:anywhere}\n"
    ".la-report *{box-sizing:border-box}\n"
    ".la-report section.report{margin:0 0 2rem}\n"
    ".la-report .verdict{margin:0 0 1rem;padding:.9rem 1rem;border:3px solid var(--warn);"
    "border-radius:10px;background:#fffbeb}\n"
    ".la-report .verdict.failed{border-color:var(--fail);background:#fff5f5}\n"
    ".la-report .verdict.succeeded{border-color:var(--ok);background:#f0fdf4}\n"
    ".la-report .headline{margin:0;font-size:1.5rem;line-height:1.25;color:var(--warn)}\n"
    ".la-report .failed .headline{color:var(--fail)}"
    ".la-report .succeeded .headline{color:var(--ok)}\n"
    ".la-report .cause{margin:.4rem 0 0;font-weight:600;font-size:1.05rem}\n"
    ".la-report .fine{margin:.35rem 0 0;color:var(--muted);font-size:.85rem}\n"
    ".la-report .fine code,.la-report .src{font-family:ui-monospace,monospace}\n"
    ".la-report h2,.la-report h3{margin:1.5rem 0 .5rem;line-height:1.3}\n"
    ".la-report .sect{font-size:1.15rem;border-bottom:2px solid var(--line)}\n"
    ".la-report ol,.la-report ul{padding-left:1.4rem}\n"
    ".la-report li{margin:.2rem 0;min-width:0}\n"
    ".la-report ol.reasons>li{margin:.4rem 0}\n"
    ".la-report pre{margin:.25rem 0;padding:.35rem .5rem;max-width:100%;overflow-x:auto;"
    "white-space:pre;overflow-wrap:normal;background:var(--soft);border:1px solid var(--line);"
    "border-radius:4px;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\n"
    ".la-report .src{color:var(--muted);font-size:.85rem}\n"
    ".la-report ul.lines{list-style:none;padding-left:0}\n"
    ".la-report ul.lines>li{margin:.5rem 0}\n"
    ".la-report svg.timeline{display:block;width:100%;max-width:34rem;height:auto}\n"
    ".la-report ol.causes{padding-left:1.6rem}\n"
    ".la-report ol.causes>li{margin:0 0 .9rem}\n"
    ".la-report .ctitle{font-weight:700}\n"
    ".la-report .cid{color:var(--muted);font-weight:400;font-size:.85rem;"
    "font-family:ui-monospace,monospace}\n"
    ".la-report .pct{font-weight:700}\n"
    ".la-report .level{font-size:.8em;padding:0 .35rem;border-radius:4px;border:1px solid}\n"
    ".la-report .level.high{color:var(--fail)}.la-report .level.medium{color:var(--warn)}"
    ".la-report .level.low{color:var(--muted)}\n"
    ".la-report meter{width:8rem;max-width:40%;vertical-align:middle}\n"
    ".la-report details{margin:.4rem 0}\n"
    ".la-report summary{cursor:pointer}\n"
    ".la-report details.more>summary{font-weight:600}\n"
    ".la-report li.minor{color:var(--muted)}\n"
    ".la-report table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.9rem}\n"
    ".la-report th,.la-report td{border:1px solid var(--line);padding:.2rem .4rem;"
    "text-align:left;vertical-align:top}\n"
    ".la-report th{background:var(--soft)}.la-report td.num{text-align:right}\n"
    ".la-report dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);"
    "gap:.1rem 1rem}\n"
    ".la-report dl.facts dt{font-weight:600}.la-report dl.facts dd{margin:0}\n"
    ".la-report ul.checklist{list-style:none;padding-left:.25rem}\n"
    "@media (max-width:40rem){.la-report .headline{font-size:1.3rem}\n"
    ".la-report table.stack,.la-report table.stack tbody,.la-report table.stack tr,"
    ".la-report table.stack td{display:block;width:auto}\n"
    ".la-report table.stack thead{display:none}\n"
    ".la-report table.stack tr{margin:.4rem 0;border:1px solid var(--line);border-radius:4px}\n"
    ".la-report table.stack td{border:0;text-align:left}\n"
    ".la-report table.stack td[data-label]::before{content:attr(data-label) \": \";"
    "font-weight:600}\n"
    ".la-report dl.facts{grid-template-columns:minmax(0,1fr)}"
    ".la-report dl.facts dd{margin:0 0 .3rem .75rem}}\n"
    "@media print{.la-report .verdict{background:none}\n"
    ".la-report details>*{display:block}.la-report summary{list-style:none}\n"
    ".la-report pre{white-space:pre-wrap;overflow-wrap:anywhere}\n"
    ".la-report tr,.la-report li{break-inside:avoid}}\n"
    "@media print{.la-report details::details-content{content-visibility:visible;"
    "display:block}}\n";

/* The page around a standalone report. */
static const char page_css[] =
    "body{margin:0;font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
    "color:#1f2328;background:#fff}\n"
    "main,footer,.banner{max-width:60rem;margin:0 auto;padding:0 1rem}\n"
    "main{padding-top:1rem}\n"
    ".banner{padding-top:1rem}.banner h1{margin:0;font-size:1.5rem}\n"
    "footer{margin-top:2rem;padding-bottom:2rem;color:#59636e;font-size:.85rem;"
    "overflow-wrap:anywhere}\n";

struct html {
    const char *input;          /* the current report's input: left out of member paths */
    struct la_buf *out;
    struct la_buf tmp;
    size_t section;             /* report number, for ids */
    int hl;                     /* heading level of a report's headline (its sections: +1) */
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

/* A section heading, one level under the report's headline. */
static enum la_rc sect(struct html *h, const char *title)
{
    return la_buf_addf(h->out, "<h%d class=\"sect\">%s</h%d>\n", h->hl + 1, title, h->hl + 1);
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

/* --- the verdict and why --------------------------------------------------- */

static enum la_rc verdict(struct html *h, const json_t *r, size_t n)
{
    la_buf_reset(&h->tmp);
    LA_TRY(la_buf_addf(h->out, "<div class=\"verdict %s\">\n<h%d class=\"headline\">",
                       outcome_class(la_report_str(r, "outcome")), h->hl));
    LA_TRY(la_report_headline(r, &h->tmp));
    LA_TRY(la_escape_html(h->out, h->tmp.buf, h->tmp.len));
    LA_TRY(la_buf_addf(h->out, "</h%d>\n", h->hl));
    la_buf_reset(&h->tmp);
    LA_TRY(la_report_cause_line(r, &h->tmp));
    if (h->tmp.len)
        LA_TRY(elem(h, "p", "cause", h->tmp.buf));
    la_buf_reset(&h->tmp);
    LA_TRY(la_report_fine_print(r, &h->tmp));
    LA_TRY(add(h, "<p class=\"fine\">"));
    if (n > 1 || !h->tmp.len) {
        LA_TRY(esc(h, la_report_str(r, "input")));
        if (h->tmp.len)
            LA_TRY(add(h, " \xc2\xb7 "));
    }
    LA_TRY(la_escape_html(h->out, h->tmp.buf, h->tmp.len));
    return add(h, "</p>\n</div>\n");
}

/* "source:line · time" of a log line, then the line in its own scrolling box. */
static enum la_rc log_line(struct html *h, const json_t *e)
{
    LA_TRY(add(h, "<span class=\"src\">"));
    LA_TRY(esc(h, la_report_member(la_report_str(e, "source"), h->input)));
    if (la_report_int(e, "line") > 0)
        LA_TRY(la_buf_addf(h->out, ":%lld", la_report_int(e, "line")));
    if (la_report_has_str(e, "time")) {
        LA_TRY(add(h, " \xc2\xb7 "));
        LA_TRY(esc(h, la_report_str(e, "time")));
    }
    LA_TRY(add(h, "</span>\n<pre>"));
    LA_TRY(esc(h, la_report_str(e, "text")));
    return add(h, "</pre>\n");
}

static enum la_rc why(struct html *h, const json_t *r)
{
    struct la_report_reason rs[LA_REPORT_MAX_REASONS];
    size_t n = 0;
    enum la_rc rc;

    rc = la_report_reasons(r, rs, &n);
    if (rc == LA_OK && n)
        rc = sect(h, "Why");
    if (rc == LA_OK && n)
        rc = add(h, "<ol class=\"reasons\">\n");
    for (size_t i = 0; i < n && rc == LA_OK; i++) {
        rc = add(h, "<li>");
        if (rc == LA_OK)
            rc = la_escape_html(h->out, rs[i].text.buf, rs[i].text.len);
        if (rc == LA_OK && rs[i].line)
            rc = add(h, "<br/>\n");
        if (rc == LA_OK && rs[i].line)
            rc = log_line(h, rs[i].line);
        if (rc == LA_OK)
            rc = add(h, "</li>\n");
    }
    if (rc == LA_OK && n)
        rc = add(h, "</ol>\n");
    la_report_reasons_release(rs);
    return rc;
}

/* --- timeline --------------------------------------------------------------- */

static enum la_rc cell(struct html *h, const char *label, const char *cls, const char *s)
{
    LA_TRY(la_buf_addf(h->out, "<td data-label=\"%s\"", label));
    if (cls)
        LA_TRY(la_buf_addf(h->out, " class=\"%s\"", cls));
    LA_TRY(add(h, ">"));
    LA_TRY(esc(h, s));
    return add(h, "</td>");
}

/* Every step of every attempt, in a folded table (the picture groups them). */
static enum la_rc steps_table(struct html *h, const json_t *as)
{
    LA_TRY(add(h, "<details><summary>Every step, attempt by attempt</summary>\n"
                  "<table class=\"stack\"><thead><tr><th>#</th><th>Started</th><th>Ended</th>"
                  "<th>Result</th><th>Steps reached</th><th>Logs</th></tr></thead>\n<tbody>\n"));
    for (size_t i = 0; i < la_report_len(as); i++) {
        const json_t *a = json_array_get(as, i), *st = la_report_arr(a, "stages");
        const json_t *src = la_report_arr(a, "sources");

        LA_TRY(la_buf_addf(h->out, "<tr><td data-label=\"Attempt\" class=\"num\">%lld</td>",
                           la_report_int(a, "index")));
        LA_TRY(cell(h, "Started", NULL, la_report_str(a, "started")));
        LA_TRY(cell(h, "Ended", NULL, la_report_str(a, "ended")));
        la_buf_reset(&h->tmp);
        LA_TRY(la_report_attempt_result(a, &h->tmp));
        if (la_report_has_str(a, "stage"))
            LA_TRY(la_buf_addf(&h->tmp, " at %s", la_report_str(a, "stage")));
        LA_TRY(cell(h, "Result", NULL, h->tmp.buf));
        la_buf_reset(&h->tmp);
        for (size_t k = 0; k < la_report_len(st); k++)
            LA_TRY(la_buf_addf(&h->tmp, "%s%s", k ? " \xe2\x86\x92 " : "",
                               la_report_item_str(st, k)));
        LA_TRY(cell(h, "Steps", NULL, h->tmp.buf));
        la_buf_reset(&h->tmp);
        for (size_t k = 0; k < la_report_len(src); k++)
            LA_TRY(la_buf_addf(&h->tmp, "%s%s", k ? "\n" : "",
                               la_report_member(la_report_item_str(src, k), h->input)));
        LA_TRY(cell(h, "Logs", "src", h->tmp.buf));
        LA_TRY(add(h, "</tr>\n"));
    }
    return add(h, "</tbody></table>\n</details>\n");
}

static enum la_rc timeline(struct html *h, const json_t *r)
{
    const json_t *as = la_report_shown_attempts(r);

    if (!la_report_len(as))
        return LA_OK;
    LA_TRY(sect(h, la_report_len(as) == 1 ? "The attempt" : "The attempts"));
    LA_TRY(la_report_timeline_svg(r, h->section, h->out));
    return steps_table(h, as);
}

/* --- causes ------------------------------------------------------------------ */

/* A folded list of evidence lines: "Evidence (13 lines)". */
static enum la_rc lines(struct html *h, const json_t *list, const char *label)
{
    size_t n = la_report_len(list);

    if (!n)
        return LA_OK;
    LA_TRY(la_buf_addf(h->out, "<details><summary>%s (%zu line%s)</summary>\n"
                               "<ul class=\"lines\">\n", label, n, n == 1 ? "" : "s"));
    for (size_t i = 0; i < n && i < HTML_MAX_ROWS; i++) {
        const json_t *e = json_array_get(list, i);

        LA_TRY(add(h, "<li>"));
        if (la_report_has_str(e, "title")) {
            LA_TRY(esc(h, la_report_str(e, "title")));
            LA_TRY(add(h, "<br/>\n"));
        }
        LA_TRY(log_line(h, e));
        LA_TRY(add(h, "</li>\n"));
    }
    if (n > HTML_MAX_ROWS)
        LA_TRY(la_buf_addf(h->out, "<li>\xe2\x80\xa6 %zu more lines (see the JSON report)</li>\n",
                           n - HTML_MAX_ROWS));
    return add(h, "</ul>\n</details>\n");
}

static enum la_rc cause_head(struct html *h, const json_t *c)
{
    int pct = la_report_percent(la_report_real(c, "confidence"));

    LA_TRY(add(h, "<span class=\"ctitle\">"));
    LA_TRY(esc(h, la_report_str(c, "title")));
    LA_TRY(la_buf_addf(h->out, "</span> \xe2\x80\x94 <span class=\"pct\">%d %%</span> "
                               "<span class=\"cid\">", pct));
    LA_TRY(esc(h, la_report_str(c, "id")));
    return add(h, "</span>");
}

/* A cause of 5 % or more: its share, what it is, what to do, its evidence folded. */
static enum la_rc major(struct html *h, const json_t *c)
{
    const json_t *rem = la_report_arr(c, "remediation");
    int pct = la_report_percent(la_report_real(c, "confidence"));

    LA_TRY(add(h, "<li>\n<p>"));
    LA_TRY(cause_head(h, c));
    LA_TRY(la_buf_addf(h->out, "<br/>\n<meter min=\"0\" max=\"100\" value=\"%d\">%d %%</meter> "
                               "<span class=\"level %s\">", pct, pct,
                       level_class(la_report_str(c, "level"))));
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
    LA_TRY(lines(h, la_report_arr(c, "evidence"), "Evidence"));
    LA_TRY(lines(h, la_report_arr(c, "against"), "Evidence against"));
    return add(h, "</li>\n");
}

/* A cause under 5 %: one line; folded inside, what it is and its lines, no advice. */
static enum la_rc minor(struct html *h, const json_t *c)
{
    LA_TRY(add(h, "<li class=\"minor\"><details><summary>"));
    LA_TRY(cause_head(h, c));
    LA_TRY(add(h, "</summary>\n"));
    if (la_report_has_str(c, "summary"))
        LA_TRY(elem(h, "p", NULL, la_report_str(c, "summary")));
    LA_TRY(lines(h, la_report_arr(c, "evidence"), "Evidence"));
    LA_TRY(lines(h, la_report_arr(c, "against"), "Evidence against"));
    return add(h, "</details></li>\n");
}

static enum la_rc causes(struct html *h, const json_t *r)
{
    const json_t *cs = la_report_arr(r, "causes");

    if (!la_report_len(cs))
        return LA_OK;
    LA_TRY(sect(h, "Causes, most likely first"));
    LA_TRY(add(h, "<ol class=\"causes\">\n"));
    for (size_t i = 0; i < la_report_len(cs); i++) {
        const json_t *c = json_array_get(cs, i);

        LA_TRY(la_report_minor_cause(c) ? minor(h, c) : major(h, c));
    }
    return add(h, "</ol>\n");
}

/* --- details: facts, members, unexplained, warnings, lists ------------------ */

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
    return add(h, "</dl>\n");
}

static enum la_rc members(struct html *h, const json_t *r)
{
    const json_t *ms = la_report_arr(r, "members");
    size_t n = la_report_len(ms), ok = 0, rows = 0;

    if (!n)
        return LA_OK;
    for (size_t i = 0; i < n; i++)
        ok += strcmp(la_report_str(json_array_get(ms, i), "status"), "ok") == 0;
    LA_TRY(la_buf_addf(h->out, "<details%s><summary>Files read: %zu of %zu</summary>\n"
                               "<table class=\"stack\"><thead><tr><th>Path</th><th>Format</th>"
                               "<th>Bytes</th><th>Lines</th><th>Status</th></tr></thead>\n"
                               "<tbody>\n", ok < n ? " open=\"open\"" : "", ok, n));
    for (size_t i = 0; i < n; i++) {
        const json_t *m = json_array_get(ms, i);

        /* Members not read always show; the rest up to the row cap. */
        if (strcmp(la_report_str(m, "status"), "ok") == 0 && rows >= HTML_MAX_ROWS)
            continue;
        rows++;
        LA_TRY(add(h, "<tr>"));
        LA_TRY(cell(h, "Path", "src", la_report_str(m, "path")));
        LA_TRY(cell(h, "Format", NULL, la_report_str(m, "format")));
        LA_TRY(la_buf_addf(h->out, "<td data-label=\"Bytes\" class=\"num\">%lld</td>"
                                   "<td data-label=\"Lines\" class=\"num\">%lld</td>",
                           la_report_int(m, "bytes"), la_report_int(m, "lines")));
        LA_TRY(cell(h, "Status", NULL, la_report_str(m, "status")));
        LA_TRY(add(h, "</tr>\n"));
    }
    if (rows < n)
        LA_TRY(la_buf_addf(h->out, "<tr><td colspan=\"5\">\xe2\x80\xa6 %zu more members read "
                                   "(see the JSON report)</td></tr>\n", n - rows));
    return add(h, "</tbody></table>\n</details>\n");
}

static enum la_rc unexplained(struct html *h, const json_t *r)
{
    const json_t *us = la_report_arr(r, "unexplained");
    size_t n = la_report_len(us);

    if (!n)
        return LA_OK;
    LA_TRY(la_buf_addf(h->out, "<details><summary>Error lines no rule explains (%zu kind%s)"
                               "</summary>\n<ul class=\"lines\">\n", n, n == 1 ? "" : "s"));
    for (size_t i = 0; i < n && i < HTML_MAX_ROWS; i++) {
        const json_t *u = json_array_get(us, i);

        LA_TRY(la_buf_addf(h->out, "<li>%lld \xc3\x97 <code>", la_report_int(u, "count")));
        LA_TRY(esc(h, la_report_str(u, "template")));
        LA_TRY(add(h, "</code><br/>\nfirst: "));
        LA_TRY(log_line(h, u));
        LA_TRY(add(h, "</li>\n"));
    }
    return add(h, "</ul>\n</details>\n");
}

static enum la_rc warnings(struct html *h, const json_t *r)
{
    const json_t *ws = la_report_arr(r, "warnings");

    if (!la_report_len(ws))
        return LA_OK;
    LA_TRY(add(h, "<p><strong>Warnings</strong></p>\n<ul>\n"));
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
    LA_TRY(sect(h, title));
    LA_TRY(add(h, "<ul>\n"));
    for (size_t i = 0; i < la_report_len(l); i++)
        LA_TRY(elem(h, "li", NULL, la_report_item_str(l, i)));
    return add(h, "</ul>\n");
}

static enum la_rc checklist(struct html *h, const json_t *r)
{
    const json_t *ladder = la_report_arr(r, "ladder");

    if (!la_report_len(ladder))
        return LA_OK;
    LA_TRY(sect(h, "What to try, cheapest first"));
    LA_TRY(add(h, "<ul class=\"checklist\">\n"));
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

static enum la_rc details(struct html *h, const json_t *r)
{
    const json_t *notes = la_report_arr(r, "ranking_notes");

    LA_TRY(sect(h, "Details"));
    LA_TRY(facts(h, r));
    LA_TRY(members(h, r));
    LA_TRY(unexplained(h, r));
    LA_TRY(warnings(h, r));
    if (!la_report_len(notes))
        return LA_OK;
    LA_TRY(add(h, "<details><summary>How the ranking moved (log-odds)</summary>\n<ul>\n"));
    for (size_t i = 0; i < la_report_len(notes); i++)
        LA_TRY(elem(h, "li", NULL, la_report_item_str(notes, i)));
    return add(h, "</ul>\n</details>\n");
}

static enum la_rc one_report(struct html *h, const json_t *r, size_t n)
{
    h->input = la_report_str(r, "input");
    LA_TRY(la_buf_addf(h->out, "<section class=\"report\" id=\"report-%zu\">\n", h->section));
    LA_TRY(verdict(h, r, n));
    LA_TRY(why(h, r));
    if (la_report_needs_help(r)) {
        LA_TRY(list(h, "What to collect next", la_report_arr(r, "collect")));
        LA_TRY(checklist(h, r));
    }
    LA_TRY(timeline(h, r));
    LA_TRY(causes(h, r));
    LA_TRY(details(h, r));
    return add(h, "</section>\n");
}

/* --- several reports: the summary ------------------------------------------ */

static enum la_rc count_rows(struct html *h, const char *label, const json_t *obj)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)obj, key, v) {
        LA_TRY(la_buf_addf(h->out, "<tr><td data-label=\"By\">%s</td>", label));
        LA_TRY(cell(h, "Value", NULL, key));
        LA_TRY(la_buf_addf(h->out, "<td data-label=\"Inputs\" class=\"num\">%lld</td></tr>\n",
                           json_is_integer(v) ? (long long)json_integer_value(v) : 0LL));
    }
    return LA_OK;
}

static enum la_rc summary(struct html *h, const json_t *doc)
{
    const json_t *s = la_report_obj(doc, "summary"), *reports = la_report_arr(doc, "reports");

    LA_TRY(add(h, "<section class=\"summary\" id=\"summary\">\n<h2 class=\"sect\">Summary</h2>\n"
                  "<table class=\"stack\"><thead><tr><th>Input</th><th>Result</th></tr>"
                  "</thead>\n<tbody>\n"));
    for (size_t i = 0; i < la_report_len(reports); i++) {
        const json_t *r = json_array_get(reports, i);

        LA_TRY(la_buf_addf(h->out, "<tr><td data-label=\"Input\"><a href=\"#report-%zu\">",
                           i + 1));
        LA_TRY(esc(h, la_report_str(r, "input")));
        LA_TRY(add(h, "</a></td>"));
        la_buf_reset(&h->tmp);
        LA_TRY(la_report_headline(r, &h->tmp));
        LA_TRY(cell(h, "Result", NULL, h->tmp.buf));
        LA_TRY(add(h, "</tr>\n"));
    }
    LA_TRY(add(h, "</tbody></table>\n"));
    if (s) {
        LA_TRY(add(h, "<table class=\"stack\"><thead><tr><th>By</th><th>Value</th>"
                      "<th>Inputs</th></tr></thead>\n<tbody>\n"));
        LA_TRY(count_rows(h, "cause", la_report_obj(s, "by_cause")));
        LA_TRY(count_rows(h, "error code", la_report_obj(s, "by_error_code")));
        LA_TRY(count_rows(h, "model", la_report_obj(s, "by_model")));
        LA_TRY(add(h, "</tbody></table>\n"));
        if (la_report_len(la_report_arr(s, "patterns"))) {
            LA_TRY(add(h, "<p><strong>Patterns</strong></p>\n<ul>\n"));
            for (size_t i = 0; i < la_report_len(la_report_arr(s, "patterns")); i++)
                LA_TRY(elem(h, "li", NULL, la_report_item_str(la_report_arr(s, "patterns"), i)));
            LA_TRY(add(h, "</ul>\n"));
        }
    }
    return add(h, "</section>\n");
}

/* "3 inputs: 1 failed, 2 succeeded, 0 inconclusive, 0 no restore found" */
static enum la_rc counts(struct html *h, const json_t *doc, size_t n)
{
    const json_t *s = la_report_obj(doc, "summary");

    return la_buf_addf(h->out, "%zu inputs: %lld failed, %lld succeeded, %lld inconclusive, "
                               "%lld no restore found", n, la_report_int(s, "failed"),
                       la_report_int(s, "succeeded"), la_report_int(s, "inconclusive"),
                       la_report_int(s, "no_restore_found"));
}

/* The reports (and with several, the summary first): the body of both forms. */
static enum la_rc body(struct html *h, const json_t *doc, int standalone)
{
    const json_t *reports = la_report_arr(doc, "reports");
    size_t n = la_report_len(reports);
    enum la_rc rc = LA_OK;

    h->hl = standalone && n == 1 ? 1 : 2;
    if (n == 0)
        return add(h, "<p>No inputs were analysed.</p>\n");
    if (n > 1 && !standalone) {
        LA_TRY(add(h, "<p class=\"cause\">"));
        LA_TRY(counts(h, doc, n));
        LA_TRY(add(h, "</p>\n"));
    }
    if (n > 1)
        LA_TRY(summary(h, doc));
    for (size_t i = 0; i < n && rc == LA_OK; i++) {
        h->section = i + 1;
        rc = one_report(h, json_array_get(reports, i), n);
    }
    return rc;
}

static enum la_rc footer(struct html *h, const json_t *doc, const struct la_report_opts *opts)
{
    const json_t *tool = la_report_obj(doc, "tool"), *rs = la_report_obj(doc, "ruleset");

    LA_TRY(add(h, "<footer>\n<p>"));
    LA_TRY(esc(h, la_report_has_str(tool, "name") ? la_report_str(tool, "name")
                                                    : "loganalyze"));
    LA_TRY(add(h, " "));
    LA_TRY(esc(h, la_report_str(tool, "version")));
    if (rs) {
        LA_TRY(la_buf_addf(h->out, " · %lld rules", la_report_int(rs, "rules")));
        if (la_report_has_str(rs, "sha256")) {
            LA_TRY(add(h, " (sha256 "));
            LA_TRY(esc(h, la_report_str(rs, "sha256")));
            LA_TRY(add(h, ")"));
        }
    }
    if (!opts->deterministic && la_report_has_str(doc, "generated")) {
        LA_TRY(add(h, " · generated "));
        LA_TRY(esc(h, la_report_str(doc, "generated")));
    }
    return add(h, "</p>\n</footer>\n");
}

static enum la_rc page(struct html *h, const json_t *doc, const struct la_report_opts *opts)
{
    const json_t *reports = la_report_arr(doc, "reports");
    size_t n = la_report_len(reports);

    LA_TRY(add(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                  "<meta charset=\"utf-8\" />\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                  "'none'; style-src 'unsafe-inline'; img-src data:\" />\n"
                  "<meta name=\"color-scheme\" content=\"light\" />\n"
                  "<title>loganalyze: "));
    la_buf_reset(&h->tmp);
    if (n == 1)
        LA_TRY(la_report_headline(json_array_get(reports, 0), &h->tmp));
    else
        LA_TRY(la_buf_addf(&h->tmp, "%zu inputs", n));
    LA_TRY(la_escape_html(h->out, h->tmp.buf, h->tmp.len));
    LA_TRY(la_buf_addf(h->out, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n", page_css,
                       report_css));
    if (n > 1) {
        LA_TRY(add(h, "<header class=\"banner\">\n<h1>"));
        LA_TRY(counts(h, doc, n));
        LA_TRY(add(h, "</h1>\n</header>\n"));
    }
    LA_TRY(add(h, "<main class=\"la-report\">\n"));
    LA_TRY(body(h, doc, 1));
    LA_TRY(add(h, "</main>\n"));
    LA_TRY(footer(h, doc, opts));
    return add(h, "</body>\n</html>\n");
}

enum la_rc la_report_html(const json_t *doc, const struct la_report_opts *opts,
                          struct la_buf *out)
{
    struct html h = { NULL, out, LA_BUF_INIT, 0, 1 };
    enum la_rc rc = page(&h, doc, opts);

    la_buf_release(&h.tmp);
    return rc;
}

const char *la_report_html_css(void)
{
    return report_css;
}

enum la_rc la_report_html_fragment(const json_t *doc, struct la_buf *out)
{
    struct html h = { NULL, out, LA_BUF_INIT, 0, 2 };
    size_t start;
    enum la_rc rc;

    if (!json_is_object(doc) || !out)
        return LA_FATAL;
    start = out->len;
    rc = add(&h, "<div class=\"la-report\">\n");
    if (rc == LA_OK)
        rc = body(&h, doc, 0);
    if (rc == LA_OK)
        rc = add(&h, "</div>\n");
    la_buf_release(&h.tmp);
    if (rc != LA_OK)
        la_buf_truncate(out, start);
    return rc;
}
