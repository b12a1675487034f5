/*
 * github: GitHub Actions workflow commands.
 *
 * Every evidence line of every cause of a failed report becomes one
 *   ::error file=PATH,line=N,title=TITLE::MESSAGE
 * annotation, its type from the cause level (high -> error, medium ->
 * warning, low -> notice).  GitHub shows at most 10 annotations of each type
 * per step, so after 10 of a type the rest are counted and announced by one
 * "::notice::+N more <type> annotations (see the full report)" line.  A
 * failed report without evidence still gets one error annotation.  Then one
 * plain line per input, starting "loganalyze: " so that no untrusted text
 * can ever open a line; the runner does not decode plain lines, so their
 * text is escaped as for a terminal (no line break, no ANSI sequence).
 *
 * Property values and messages go through la_escape_github(), so a log line
 * holding "::error::", "%0A" or a newline cannot forge or split a command.
 */
#include "config.h"

#include <string.h>

#include <jansson.h>

#include "report/report-internal.h"

enum { T_ERROR, T_WARNING, T_NOTICE, T_COUNT };

static const char *const type_names[T_COUNT] = { "error", "warning", "notice" };

struct gh {
    struct la_buf *out;
    unsigned long shown[T_COUNT];
    unsigned long more[T_COUNT];
};

static int level_type(const char *level)
{
    if (strcmp(level, "high") == 0)
        return T_ERROR;
    if (strcmp(level, "medium") == 0)
        return T_WARNING;
    return T_NOTICE;
}

static enum la_rc esc(struct gh *g, const char *s, int property)
{
    return la_escape_github(g->out, s, strlen(s), property);
}

/* One annotation; file may be "" (no location) and line 0 (no line). */
static enum la_rc annotate(struct gh *g, int type, const char *file, long long line,
                           const char *title, const char *message)
{
    const char *sep = " ";

    if (g->shown[type] >= LA_REPORT_GITHUB_MAX_PER_TYPE) {
        g->more[type]++;
        return LA_OK;
    }
    g->shown[type]++;
    LA_TRY(la_buf_addf(g->out, "::%s", type_names[type]));
    if (*file) {
        LA_TRY(la_buf_adds(g->out, " file="));
        LA_TRY(esc(g, file, 1));
        sep = ",";
        if (line > 0) {
            LA_TRY(la_buf_addf(g->out, ",line=%lld", line));
        }
    }
    if (*title) {
        LA_TRY(la_buf_addf(g->out, "%stitle=", sep));
        LA_TRY(esc(g, title, 1));
    }
    LA_TRY(la_buf_adds(g->out, "::"));
    LA_TRY(esc(g, message, 0));
    return la_buf_addc(g->out, '\n');
}

static enum la_rc report_annotations(struct gh *g, const json_t *r)
{
    const json_t *cs = la_report_arr(r, "causes");
    size_t annotated = 0;
    struct la_buf title = LA_BUF_INIT, msg = LA_BUF_INIT;
    enum la_rc rc = LA_OK;

    for (size_t i = 0; i < la_report_len(cs) && rc == LA_OK; i++) {
        const json_t *c = json_array_get(cs, i), *ev = la_report_arr(c, "evidence");
        int type = level_type(la_report_str(c, "level"));

        la_buf_reset(&title);
        rc = la_buf_addf(&title, "%s (%d %%)", la_report_str(c, "title"),
                         la_report_percent(la_report_real(c, "confidence")));
        for (size_t k = 0; k < la_report_len(ev) && rc == LA_OK; k++) {
            const json_t *e = json_array_get(ev, k);

            la_buf_reset(&msg);
            rc = la_buf_addf(&msg, "%s: %s: %s", la_report_str(r, "input"),
                             la_report_has_str(e, "title") ? la_report_str(e, "title")
                                                           : la_report_str(e, "rule"),
                             la_report_str(e, "text"));
            if (rc == LA_OK)
                rc = annotate(g, type, la_report_str(e, "source"), la_report_int(e, "line"),
                              title.buf, msg.buf);
            annotated++;
        }
    }
    if (rc == LA_OK && annotated == 0) {
        /* No evidence to show (the cause is unclear): the line that says it failed. */
        const json_t *l = la_report_deciding_line(r);

        la_buf_reset(&msg);
        rc = la_buf_addf(&msg, "%s: %s", la_report_str(r, "input"), la_report_verdict(r));
        if (rc == LA_OK && l)
            rc = la_buf_addf(&msg, ": %s", la_report_str(l, "text"));
        if (rc == LA_OK)
            rc = annotate(g, T_ERROR, la_report_str(l, "source"), la_report_int(l, "line"),
                          "loganalyze", msg.buf);
    }
    la_buf_release(&title);
    la_buf_release(&msg);
    return rc;
}

enum la_rc la_report_github(const json_t *doc, const struct la_report_opts *opts,
                            struct la_buf *out)
{
    const json_t *reports = la_report_arr(doc, "reports"), *s = la_report_obj(doc, "summary");
    struct gh g;
    enum la_rc rc = LA_OK;

    memset(&g, 0, sizeof(g));
    g.out = out;
    for (size_t i = 0; i < la_report_len(reports) && rc == LA_OK; i++) {
        const json_t *r = json_array_get(reports, i);

        if (strcmp(la_report_str(r, "outcome"), "failed") == 0)
            rc = report_annotations(&g, r);
    }
    for (int t = 0; t < T_COUNT && rc == LA_OK; t++)
        if (g.more[t])
            rc = la_buf_addf(out, "::notice::+%lu more %s annotations (see the full report)\n",
                             g.more[t], type_names[t]);
    for (size_t i = 0; i < la_report_len(reports) && rc == LA_OK; i++) {
        const json_t *r = json_array_get(reports, i);

        /* Plain lines are not decoded by the runner: terminal escaping suffices. */
        rc = la_buf_adds(out, "loganalyze: ");
        if (rc == LA_OK)
            rc = la_escape_terminal(out, la_report_str(r, "input"),
                                    strlen(la_report_str(r, "input")));
        if (rc == LA_OK && la_report_obj(r, "case")) {
            /* A case of a split input: "shop.zip (case 1 of 2: device ecid-…, …)". */
            struct la_buf c = LA_BUF_INIT;
            rc = la_buf_adds(&c, " (case ");
            if (rc == LA_OK)
                rc = la_report_case_line(r, &c);
            if (rc == LA_OK)
                rc = la_buf_adds(&c, ")");
            if (rc == LA_OK)
                rc = la_escape_terminal(out, c.buf, c.len);
            la_buf_release(&c);
        }
        if (rc == LA_OK)
            rc = la_buf_adds(out, ": ");
        if (rc == LA_OK)
            rc = la_escape_terminal(out, la_report_verdict(r), strlen(la_report_verdict(r)));
        if (rc == LA_OK)
            rc = la_buf_addc(out, '\n');
    }
    if (rc == LA_OK && s && la_report_len(reports) > 1)
        rc = la_buf_addf(out,
                         "loganalyze: %lld inputs: %lld failed, %lld succeeded, "
                         "%lld inconclusive, %lld no restore found\n",
                         la_report_int(s, "inputs"), la_report_int(s, "failed"),
                         la_report_int(s, "succeeded"), la_report_int(s, "inconclusive"),
                         la_report_int(s, "no_restore_found"));
    return rc;
}
