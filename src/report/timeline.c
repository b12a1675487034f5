/*
 * timeline: the attempts of one input as a picture (an inline SVG for html.c) and the
 * pieces text.c and markdown.c use for the same timeline in characters.
 *
 * Each attempt is a block of rows: "Attempt 1 · failed 4013", its facts (when it ran, the
 * host software and system, the log it came from: a folder name often says which cable or
 * port was used), then its phases as labelled segments in the order the restore went
 * through them, each with the time it was reached, and for a failed attempt the line that
 * said so.  A phase is a stage group of stages.yaml (attempts[].phases, written by the
 * analysis); a document without phases (an older one) gets one segment per stage.
 *
 * Readable without colour: the failing segment has a dashed border and "✗" before its
 * label and its error code beside its time; the last segment of a restore that succeeded
 * has "✓".  Every segment has a <title> with its stages and times; the picture has a
 * <title>, a <desc> that says in words what it shows, and an aria-label.
 *
 * No script, no external resource, no id that another report's picture would repeat (ids
 * carry the report's number).  Every string from the document goes through la_escape_html,
 * which also makes it well-formed XML.  The drawing is made for a 360-unit-wide viewBox, the
 * width of a phone, and scaled by CSS on wider screens.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "report/report-internal.h"

#define TL_W 360               /* viewBox width */
#define TL_PAD 4
#define TL_PER_ROW 3           /* segments per row */
#define TL_SEG_GAP 8
#define TL_SEG_H 38
#define TL_ROW_GAP 6
#define TL_TEXT_COLS 56        /* code points on a full-width line of 11-unit text */
#define TL_MONO_COLS 56        /* code points on a full-width line of 10-unit monospace */
#define TL_LABEL_COLS 15       /* code points of a segment's label */
#define TL_MAX_ATTEMPTS 20     /* attempts drawn (the analysis lists at most this many) */

/* --- reading an attempt --------------------------------------------------- */

/* The index of the stage the attempt failed at (old documents: no phases), or -1. */
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

size_t la_report_n_phases(const json_t *attempt)
{
    const json_t *ph = la_report_arr(attempt, "phases");

    return ph ? la_report_len(ph) : la_report_len(la_report_arr(attempt, "stages"));
}

void la_report_phase_at(const json_t *attempt, size_t i, struct la_report_phase *ret)
{
    const json_t *ph = la_report_arr(attempt, "phases");

    memset(ret, 0, sizeof(*ret));
    if (ph) {
        const json_t *p = json_array_get(ph, i);

        ret->label = la_report_has_str(p, "label") ? la_report_str(p, "label") : "?";
        ret->first = la_report_str(p, "first");
        ret->last = la_report_str(p, "last");
        ret->stages = la_report_arr(p, "stages");
        ret->failed = la_report_bool(p, "failed");
    } else {
        ret->label = la_report_item_str(la_report_arr(attempt, "stages"), i);
        ret->first = ret->last = "";
        ret->failed = (long)i == failing_stage(attempt);
    }
    ret->ok_end = !strcmp(la_report_str(attempt, "outcome"), "succeeded") &&
                  i + 1 == la_report_n_phases(attempt);
}

enum la_rc la_report_attempt_result(const json_t *a, struct la_buf *out)
{
    LA_TRY(la_buf_adds(out, la_report_has_str(a, "outcome") ? la_report_str(a, "outcome")
                                                            : "unknown"));
    if (la_report_is_int(a, "result"))
        LA_TRY(la_buf_addf(out, " %lld", la_report_int(a, "result")));
    return LA_OK;
}

enum la_rc la_report_attempt_facts(const json_t *a, struct la_buf *out)
{
    const json_t *host = la_report_obj(a, "host");
    size_t start = out->len;

    if (la_report_has_str(a, "started")) {
        LA_TRY(la_report_clock(la_report_str(a, "started"), out));
        if (la_report_has_str(a, "ended")) {
            LA_TRY(la_buf_adds(out, "\xe2\x80\x93"));
            LA_TRY(la_report_clock(la_report_str(a, "ended"), out));
        }
    }
    if (la_report_has_str(host, "software"))
        LA_TRY(la_buf_addf(out, "%s%s", out->len > start ? " \xc2\xb7 " : "",
                           la_report_str(host, "software")));
    if (la_report_has_str(host, "os"))
        LA_TRY(la_buf_addf(out, "%s%s", out->len > start ? " on " : "",
                           la_report_str(host, "os")));
    return LA_OK;
}

enum la_rc la_report_attempt_source(const json_t *a, const char *input, struct la_buf *out)
{
    const json_t *src = la_report_arr(a, "sources");
    size_t n = la_report_len(src);

    if (!n)
        return LA_OK;
    LA_TRY(la_buf_addf(out, "from %s", la_report_member(la_report_item_str(src, 0), input)));
    if (n > 1)
        LA_TRY(la_buf_addf(out, " and %zu more", n - 1));
    return LA_OK;
}

const json_t *la_report_attempt_failure(const json_t *a)
{
    const json_t *f = la_report_obj(a, "failure");
    const char *o = la_report_str(a, "outcome");

    if (!la_report_has_str(f, "text") || (strcmp(o, "failed") && strcmp(o, "inconclusive")))
        return NULL;
    return f;
}

/* --- the SVG --------------------------------------------------------------- */

struct svg {
    struct la_buf *out;
    struct la_buf tmp;
};

/* <text>: s shortened to at most cols code points ("…" marks the cut). */
static enum la_rc text(struct svg *g, int x, int y, const char *attrs, const char *s,
                       size_t cols)
{
    size_t len = strlen(s);

    LA_TRY(la_buf_addf(g->out, "<text x=\"%d\" y=\"%d\" %s>", x, y, attrs));
    if (la_report_cols(s, len) > cols) {
        LA_TRY(la_escape_html(g->out, s, la_report_prefix(s, len, cols - 1)));
        LA_TRY(la_buf_adds(g->out, "\xe2\x80\xa6"));
    } else {
        LA_TRY(la_escape_html(g->out, s, len));
    }
    return la_buf_adds(g->out, "</text>\n");
}

/* The <title> of a segment: its label, what happened there, its stages and times. */
static enum la_rc seg_title(struct svg *g, const json_t *a, const struct la_report_phase *p)
{
    struct la_buf *t = &g->tmp;

    la_buf_reset(t);
    LA_TRY(la_buf_adds(t, p->label));
    if (p->failed) {
        LA_TRY(la_buf_adds(t, " (the attempt failed here"));
        if (la_report_is_int(a, "result"))
            LA_TRY(la_buf_addf(t, ", error %lld", la_report_int(a, "result")));
        LA_TRY(la_buf_adds(t, ")"));
    }
    for (size_t k = 0; k < la_report_len(p->stages); k++)
        LA_TRY(la_buf_addf(t, "%s%s", k ? ", " : ": ", la_report_item_str(p->stages, k)));
    if (*p->first && strcmp(p->first, p->last))
        LA_TRY(la_buf_addf(t, "; reached %s, last step %s", p->first, p->last));
    else if (*p->last)
        LA_TRY(la_buf_addf(t, "; reached %s", p->last));
    LA_TRY(la_buf_adds(g->out, "<g><title>"));
    LA_TRY(la_escape_html(g->out, t->buf, t->len));
    return la_buf_adds(g->out, "</title>\n");
}

static enum la_rc segment(struct svg *g, const json_t *a, size_t i, int x, int y, int w)
{
    struct la_report_phase p;
    const char *mark;

    la_report_phase_at(a, i, &p);
    mark = p.failed ? "\xe2\x9c\x97 " : p.ok_end ? "\xe2\x9c\x93 " : "";
    LA_TRY(seg_title(g, a, &p));
    LA_TRY(la_buf_addf(g->out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" "
                               "fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"%s/>\n",
                       x, y, w, TL_SEG_H,
                       p.failed ? "#fff1f1" : p.ok_end ? "#effaf1" : "#eef4ff",
                       p.failed ? "#b91c1c" : p.ok_end ? "#15803d" : "#6b8fc9",
                       p.failed ? "2.5" : "1", p.failed ? " stroke-dasharray=\"6 3\"" : ""));
    la_buf_reset(&g->tmp);
    LA_TRY(la_buf_addf(&g->tmp, "%s%s", mark, p.label));
    LA_TRY(text(g, x + 6, y + 16, p.failed ? "font-weight=\"700\" fill=\"#b91c1c\""
                                           : "font-weight=\"600\" fill=\"#1f2328\"",
                g->tmp.buf, TL_LABEL_COLS));
    la_buf_reset(&g->tmp);
    if (p.failed && la_report_is_int(a, "result"))
        LA_TRY(la_buf_addf(&g->tmp, "%lld%s", la_report_int(a, "result"),
                           *p.last ? " \xc2\xb7 " : ""));
    LA_TRY(la_report_clock(p.last, &g->tmp));
    if (g->tmp.len)
        LA_TRY(text(g, x + 6, y + 31, "font-size=\"10.5\" fill=\"#59636e\"", g->tmp.buf,
                    TL_LABEL_COLS + 2));
    return la_buf_adds(g->out, "</g>\n");
}

/* One attempt at y; returns the height used in *ret_h. */
static enum la_rc attempt(struct svg *g, const json_t *a, const char *input, int y, int *ret_h)
{
    const json_t *fail = la_report_attempt_failure(a);
    size_t n = la_report_n_phases(a);
    int w = (TL_W - 2 * TL_PAD - (TL_PER_ROW - 1) * TL_SEG_GAP) / TL_PER_ROW, y0 = y;

    la_buf_reset(&g->tmp);
    LA_TRY(la_buf_addf(&g->tmp, "Attempt %lld \xc2\xb7 ", la_report_int(a, "index")));
    LA_TRY(la_report_attempt_result(a, &g->tmp));
    if (la_report_has_str(a, "stage") && !n)
        LA_TRY(la_buf_addf(&g->tmp, " at %s", la_report_str(a, "stage")));
    LA_TRY(text(g, TL_PAD, y + 13, "font-size=\"13\" font-weight=\"700\" fill=\"#1f2328\"",
                g->tmp.buf, TL_TEXT_COLS - 8));
    y += 16;
    la_buf_reset(&g->tmp);
    LA_TRY(la_report_attempt_facts(a, &g->tmp));
    if (g->tmp.len) {
        LA_TRY(text(g, TL_PAD, y + 13, "fill=\"#59636e\"", g->tmp.buf, TL_TEXT_COLS));
        y += 15;
    }
    la_buf_reset(&g->tmp);
    LA_TRY(la_report_attempt_source(a, input, &g->tmp));
    if (g->tmp.len) {
        LA_TRY(text(g, TL_PAD, y + 13, "fill=\"#59636e\"", g->tmp.buf, TL_TEXT_COLS));
        y += 15;
    }
    y += 6;
    for (size_t i = 0; i < n; i++) {
        int col = (int)(i % TL_PER_ROW);

        LA_TRY(segment(g, a, i, TL_PAD + col * (w + TL_SEG_GAP), y, w));
        if (col == TL_PER_ROW - 1 || i + 1 == n)
            y += TL_SEG_H + TL_ROW_GAP;
    }
    if (fail) {
        la_buf_reset(&g->tmp);
        LA_TRY(la_buf_addf(&g->tmp, "\xe2\x9c\x97 line %lld of %s", la_report_int(fail, "line"),
                           la_report_member(la_report_str(fail, "source"), input)));
        LA_TRY(text(g, TL_PAD, y + 12, "fill=\"#59636e\"", g->tmp.buf, TL_TEXT_COLS));
        LA_TRY(text(g, TL_PAD, y + 26,
                    "font-family=\"ui-monospace,monospace\" font-size=\"10\" fill=\"#1f2328\"",
                    la_report_str(fail, "text"), TL_MONO_COLS));
        y += 32;
    }
    *ret_h = y - y0;
    return LA_OK;
}

/* <desc>: the picture in words, one sentence per attempt. */
static enum la_rc desc(struct svg *g, const json_t *as, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const json_t *a = json_array_get(as, i);

        la_buf_reset(&g->tmp);
        LA_TRY(la_buf_addf(&g->tmp, "%sAttempt %lld ", i ? " " : "", la_report_int(a, "index")));
        LA_TRY(la_report_attempt_result(a, &g->tmp));
        for (size_t k = 0; k < la_report_n_phases(a); k++) {
            struct la_report_phase p;

            la_report_phase_at(a, k, &p);
            LA_TRY(la_buf_addf(&g->tmp, "%s%s%s", k ? ", " : ": ", p.label,
                               p.failed ? " (failed here)" : ""));
        }
        LA_TRY(la_buf_adds(&g->tmp, "."));
        LA_TRY(la_escape_html(g->out, g->tmp.buf, g->tmp.len));
    }
    return la_buf_adds(g->out, "</desc>\n");
}

/* The height attempt() will use for a, computed ahead: the <svg> head needs the total. */
static int attempt_height(const json_t *a, const char *input, struct la_buf *scratch)
{
    const json_t *fail = la_report_attempt_failure(a);
    size_t n = la_report_n_phases(a);
    int h = 16 + 6 + (int)((n + TL_PER_ROW - 1) / TL_PER_ROW) * (TL_SEG_H + TL_ROW_GAP);

    la_buf_reset(scratch);
    if (la_report_attempt_facts(a, scratch) == LA_OK && scratch->len)
        h += 15;
    la_buf_reset(scratch);
    if (la_report_attempt_source(a, input, scratch) == LA_OK && scratch->len)
        h += 15;
    if (fail)
        h += 32;
    return h;
}

static enum la_rc draw(struct svg *g, const json_t *report, size_t id)
{
    const json_t *as = la_report_arr(report, "attempts");
    const char *input = la_report_str(report, "input");
    size_t n = la_report_len(as);
    int y = TL_PAD, total = TL_PAD, h;

    if (n > TL_MAX_ATTEMPTS)
        n = TL_MAX_ATTEMPTS;
    for (size_t i = 0; i < n; i++)
        total += attempt_height(json_array_get(as, i), input, &g->tmp) + 14;
    LA_TRY(la_buf_addf(g->out,
                       "<svg class=\"timeline\" "
                       "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
                       "aria-label=\"Timeline of %zu restore attempt%s\" "
                       "aria-describedby=\"tl%zu-desc\" "
                       "font-family=\"system-ui,-apple-system,'Segoe UI',Roboto,sans-serif\" "
                       "font-size=\"11\">\n<title>Timeline: each attempt's phases in order, "
                       "\xe2\x9c\x97 where it failed</title>\n<desc id=\"tl%zu-desc\">",
                       TL_W, total, TL_W, total, n, n == 1 ? "" : "s", id, id));
    LA_TRY(desc(g, as, n));
    for (size_t i = 0; i < n; i++) {
        LA_TRY(attempt(g, json_array_get(as, i), input, y, &h));
        y += h + 14;
    }
    return la_buf_adds(g->out, "</svg>\n");
}

enum la_rc la_report_timeline_svg(const json_t *report, size_t id, struct la_buf *out)
{
    struct svg g = { out, LA_BUF_INIT };
    enum la_rc rc;

    rc = draw(&g, report, id);
    la_buf_release(&g.tmp);
    return rc;
}
