/*
 * view: the result in words, shared by the reports people read (text, html, markdown).
 *
 * The result view says the verdict once, first, in plain words, then the two or three
 * reasons that decided it, then the attempt timeline, then the causes.  This file builds
 * the words; each format lays them out and escapes them:
 *
 *   headline     "Failed while updating the modem (baseband)": the outcome, and for a
 *                failure the stage in words (diagnosis.stage_name, from stages.yaml's
 *                group_names), else the stage id, else nothing more
 *   cause line   what the verdict says of the cause ("Most likely Baseband … (98 %)"), with
 *                how sure it is for a named cause ("confident: the log names the cause")
 *   fine print   the error codes and the stage id ("error 4013, BBUpdater 3 · step
 *                update_baseband"): the ids stay, in small print
 *   reasons      the line that decided the diagnosis, the analysis' reasons in words
 *                (diagnosis.reasons: a failure repeated at the same step, a step already
 *                tried), then the evidence count for the top cause and the runner-up, up
 *                to LA_REPORT_MAX_REASONS
 *
 * Everything is read from the document leniently: a document without these keys (an older
 * analysis) still gets a headline from its outcome and its verdict line.
 */
#include "config.h"

#include <string.h>

#include <jansson.h>

#include "report/report-internal.h"

#define EM_DASH " \xe2\x80\x94 "          /* " — ": between the verdict's halves */

/* s with its first letter upper-cased (ASCII only; the rest as it is). */
static enum la_rc add_capitalised(struct la_buf *out, const char *s)
{
    if (*s >= 'a' && *s <= 'z') {
        LA_TRY(la_buf_addc(out, (char)(*s - 'a' + 'A')));
        s++;
    }
    return la_buf_adds(out, s);
}

enum la_rc la_report_headline(const json_t *report, struct la_buf *out)
{
    const char *o = la_report_str(report, "outcome");
    const json_t *d = la_report_obj(report, "diagnosis");

    if (!strcmp(o, "failed")) {
        LA_TRY(la_buf_adds(out, "Failed"));
        if (la_report_has_str(d, "stage_name"))
            return la_buf_addf(out, " while %s", la_report_str(d, "stage_name"));
        if (la_report_has_str(d, "stage"))
            return la_buf_addf(out, " at step %s", la_report_str(d, "stage"));
        return LA_OK;
    }
    if (!strcmp(o, "succeeded"))
        return la_buf_adds(out, "Succeeded");
    if (!strcmp(o, "no-restore-found"))
        return la_buf_adds(out, "No restore found");
    if (!strcmp(o, "inconclusive"))
        return la_buf_adds(out, "Inconclusive");
    return la_buf_adds(out, la_report_verdict(report));
}

enum la_rc la_report_cause_line(const json_t *report, struct la_buf *out)
{
    const char *v = la_report_str(report, "verdict"), *tail = strstr(v, EM_DASH);
    const char *l = la_report_str(la_report_obj(report, "diagnosis"), "level");

    if (!tail)
        return LA_OK;
    LA_TRY(add_capitalised(out, tail + strlen(EM_DASH)));
    if (!strcmp(l, "confident") || !strcmp(l, "likely"))
        return la_buf_addf(out, EM_DASH "%s", la_report_certainty(report));
    return LA_OK;
}

enum la_rc la_report_fine_print(const json_t *report, struct la_buf *out)
{
    const json_t *d = la_report_obj(report, "diagnosis");
    size_t start = out->len;

    LA_TRY(la_buf_adds(out, "error "));
    LA_TRY(la_report_codes_line(report, out));
    if (out->len == start + 6)
        la_buf_truncate(out, start);
    if (la_report_has_str(d, "stage"))
        LA_TRY(la_buf_addf(out, "%sstep %s", out->len > start ? " \xc2\xb7 " : "",
                           la_report_str(d, "stage")));
    return LA_OK;
}

/* Start the next reason: its text buffer, or NULL when all slots are used. */
static struct la_buf *next(struct la_report_reason *r, size_t *n)
{
    if (*n >= LA_REPORT_MAX_REASONS)
        return NULL;
    r[*n].line = NULL;
    la_buf_reset(&r[*n].text);
    return &r[(*n)++].text;
}

/* The deciding line (or, for an unclear cause, the line that says it failed) as a reason. */
static enum la_rc line_reason(const json_t *report, struct la_report_reason *r, size_t *n)
{
    const json_t *d = la_report_obj(report, "diagnosis");
    const json_t *line = la_report_deciding_line(report);
    const json_t *codes = la_report_arr(report, "error_codes");
    struct la_buf *b;

    if (!d)
        return LA_OK;
    if (!strcmp(la_report_str(d, "level"), "unclear") && line &&
        la_report_has_reason(report, "ambiguous")) {
        b = next(r, n);
        LA_TRY(la_buf_adds(b, "The line that ended the run says what failed, not why:"));
        r[*n - 1].line = line;
        return LA_OK;
    }
    if (!strcmp(la_report_str(d, "level"), "unclear")) {
        b = next(r, n);
        LA_TRY(la_buf_adds(b, "No line of the log says why it failed, so the causes below are "
                              "ranked by what "));
        if (la_report_len(codes) && json_is_integer(json_array_get(codes, 0)))
            LA_TRY(la_buf_addf(b, "error %lld usually means",
                               (long long)json_integer_value(json_array_get(codes, 0))));
        else
            LA_TRY(la_buf_adds(b, "such failures usually mean"));
        if (line) {
            LA_TRY(la_buf_adds(b, "; the line that says it failed:"));
            r[*n - 1].line = line;
        }
        return LA_OK;
    }
    if (!line)
        return LA_OK;
    b = next(r, n);
    if (la_report_has_str(line, "meaning"))
        LA_TRY(la_buf_addf(b, "The log says so: %s; that is, %s", la_report_str(line, "title"),
                           la_report_str(line, "meaning")));
    else if (la_report_has_str(line, "title"))
        LA_TRY(la_buf_addf(b, "The log says so: %s", la_report_str(line, "title")));
    else
        LA_TRY(la_buf_adds(b, "The line that ended the restore:"));
    /* What the rule that read the line says to do first (its 'advice'): in the same reason,
     * so that it takes no place from the others. */
    if (la_report_has_str(line, "advice"))
        LA_TRY(la_buf_addf(b, ". What to do first: %s", la_report_str(line, "advice")));
    r[*n - 1].line = line;
    return LA_OK;
}

/* How many lines back the top cause and speak against it; the runner-up's share. */
static enum la_rc count_reasons(const json_t *report, struct la_report_reason *r, size_t *n)
{
    const json_t *cs = la_report_arr(report, "causes"), *top = json_array_get(cs, 0);
    const json_t *second = json_array_get(cs, 1);
    const json_t *d = la_report_obj(report, "diagnosis");
    size_t nev = la_report_len(la_report_arr(top, "evidence"));
    size_t nag = la_report_len(la_report_arr(top, "against"));
    struct la_buf *b;

    if (!d || !la_report_has_str(d, "cause") || !nev)
        return LA_OK;
    if ((b = next(r, n))) {
        LA_TRY(la_buf_addf(b, "%zu line%s of the log point%s to %s", nev, nev == 1 ? "" : "s",
                           nev == 1 ? "s" : "", la_report_str(top, "title")));
        if (nag)
            LA_TRY(la_buf_addf(b, "; %zu speak%s against it", nag, nag == 1 ? "s" : ""));
        else
            LA_TRY(la_buf_adds(b, "; none speaks against it"));
    }
    if (second && (b = next(r, n)))
        LA_TRY(la_buf_addf(b, "The next most likely cause, %s, is at %d %%",
                           la_report_str(second, "title"),
                           la_report_percent(la_report_real(second, "confidence"))));
    return LA_OK;
}

void la_report_reasons_release(struct la_report_reason *r)
{
    for (size_t i = 0; i < LA_REPORT_MAX_REASONS; i++)
        la_buf_release(&r[i].text);
}

enum la_rc la_report_reasons(const json_t *report, struct la_report_reason *r, size_t *ret_n)
{
    const json_t *rs = la_report_arr(la_report_obj(report, "diagnosis"), "reasons");
    struct la_buf *b;
    size_t n = 0;

    *ret_n = 0;
    for (size_t i = 0; i < LA_REPORT_MAX_REASONS; i++)
        la_buf_init(&r[i].text, 0);
    LA_TRY(line_reason(report, r, &n));
    for (size_t i = 0; i < la_report_len(rs) && (b = next(r, &n)); i++)
        LA_TRY(add_capitalised(b, la_report_str(json_array_get(rs, i), "text")));
    LA_TRY(count_reasons(report, r, &n));
    *ret_n = n;
    return LA_OK;
}

int la_report_minor_cause(const json_t *cause)
{
    return la_report_percent(la_report_real(cause, "confidence")) < LA_REPORT_MINOR_PERCENT;
}

enum la_rc la_report_clock(const char *time, struct la_buf *out)
{
    const char *t = strchr(time, 'T'), *dot;

    t = t ? t + 1 : time;
    dot = strchr(t, '.');
    return la_buf_add(out, t, dot ? (size_t)(dot - t) : strlen(t));
}
