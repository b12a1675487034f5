/*
 * brief: one line per case, then the summary, for a shop that diagnoses many devices at once.
 *
 * A line: the input, the outcome (the verdict's first word), the top cause with its
 * confidence and how sure the diagnosis is, the stage the restore ended at, the error codes
 * and the device model, two blanks apart; a missing field is "-".  The summary is the text
 * format's (la_report_text_summary), so both agree.  `loganalyze merge --format brief`
 * writes the same lines one report at a time (la_report_brief_line) and the summary last.
 *
 * Every document string goes through la_escape_terminal(): no log text reaches the
 * terminal as a control sequence, and a line can never be split by what it carries.
 */
#include "config.h"

#include <string.h>

#include <jansson.h>

#include "report/report-internal.h"

/* Append s escaped for a terminal, or "-" when empty. */
static enum la_rc field(struct la_buf *out, const char *s)
{
    if (!s || !*s)
        return la_buf_adds(out, "-");
    return la_escape_terminal(out, s, strlen(s));
}

/* The stage a failed case ended at: the diagnosis', else its first attempt's. */
const char *la_report_case_stage(const json_t *r)
{
    const char *o = la_report_str(r, "outcome");
    const json_t *d = la_report_obj(r, "diagnosis");

    if (la_report_has_str(d, "stage"))
        return la_report_str(d, "stage");
    if (!strcmp(o, "failed") || !strcmp(o, "inconclusive"))
        return la_report_str(json_array_get(la_report_arr(r, "attempts"), 0), "stage");
    return "";
}

enum la_rc la_report_brief_line(const json_t *r, struct la_buf *out)
{
    const json_t *c0 = json_array_get(la_report_arr(r, "causes"), 0);
    const json_t *d = la_report_obj(r, "diagnosis");
    struct la_buf codes = LA_BUF_INIT;
    enum la_rc rc;

    LA_TRY(field(out, la_report_str(r, "input")));
    LA_TRY(la_buf_adds(out, "  "));
    LA_TRY(la_buf_adds(out, la_report_outcome_label(la_report_str(r, "outcome"))));
    LA_TRY(la_buf_adds(out, "  "));
    if (c0) {
        LA_TRY(field(out, la_report_str(c0, "id")));
        LA_TRY(la_buf_addf(out, " %d %%", la_report_percent(la_report_real(c0, "confidence"))));
        if (la_report_has_str(d, "level")) {
            LA_TRY(la_buf_adds(out, " "));
            LA_TRY(field(out, la_report_str(d, "level")));
        }
    } else {
        LA_TRY(la_buf_adds(out, "-"));
    }
    LA_TRY(la_buf_adds(out, "  "));
    LA_TRY(field(out, la_report_case_stage(r)));
    LA_TRY(la_buf_adds(out, "  "));
    rc = la_report_codes_line(r, &codes);
    if (rc == LA_OK)
        rc = field(out, codes.buf);
    la_buf_release(&codes);
    LA_TRY(rc);
    LA_TRY(la_buf_adds(out, "  "));
    LA_TRY(field(out, la_report_str(la_report_obj(r, "device"), "model")));
    return la_buf_addc(out, '\n');
}

enum la_rc la_report_brief(const json_t *doc, const struct la_report_opts *opts,
                           struct la_buf *out)
{
    const json_t *reports = la_report_arr(doc, "reports");

    for (size_t i = 0; i < la_report_len(reports); i++)
        LA_TRY(la_report_brief_line(json_array_get(reports, i), out));
    if (!la_report_obj(doc, "summary"))
        return LA_OK;
    return la_report_text_summary(doc, opts, out);
}
