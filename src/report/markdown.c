/*
 * markdown: GitHub-flavoured Markdown, shaped for a GitHub Actions step
 * summary ($GITHUB_STEP_SUMMARY) or a pull-request comment.
 *
 * Per report, the result view of view.c: a heading with the verdict in plain
 * words, the cause and the codes; why (the reasons that decided it); for
 * undiagnosed inputs what to collect next and the checklist (GFM task list);
 * the attempts (their phases and stages); a causes table, and per cause of
 * 5 % or more its explanation, steps and next test, evidence inside a
 * collapsible <details> as a fenced code block; then the facts, members (only
 * those not read), unexplained lines and warnings.
 * Several reports end with a summary table.
 *
 * Escaping: inline text goes through la_escape_markdown() (backslash escapes;
 * line breaks become spaces so table rows hold).  Evidence lines are shown
 * verbatim in fenced blocks whose fence is longer than any backtick run in
 * the block, so no log line can close it; control characters are shown
 * with la_escape_terminal()'s visible forms.  <summary> labels hold only
 * numbers and fixed words.
 *
 * Size: a step summary is limited to 1 MiB, so output is assembled in
 * self-contained units (a table row, a cause block, a section heading) and
 * the first unit that would cross LA_REPORT_MD_MAX, less room for the
 * trailer, ends the report with a note "… report trimmed to fit 1 MiB".
 * Long log lines are shortened and evidence lists capped per cause, so one
 * unit is always far below the limit.
 */
#include "config.h"

#include <string.h>

#include <jansson.h>

#include "report/report-internal.h"

#define MD_MAX_TEXT 500u            /* code points of one log line shown */
#define MD_MAX_EVIDENCE 50u         /* evidence lines shown per list */
#define MD_TRIM_NOTE "\n\n> **Note:** … report trimmed to fit 1 MiB\n"

struct md {
    struct la_buf *out;
    size_t start;                   /* out->len on entry */
    int trimmed;
    struct la_buf u;                /* the unit being built */
    struct la_buf tmp;
};

/* Append the finished unit to the output unless it would cross the limit. */
static enum la_rc commit(struct md *m)
{
    size_t budget = LA_REPORT_MD_MAX - (sizeof(MD_TRIM_NOTE) - 1);

    if (!m->trimmed && m->out->len - m->start + m->u.len > budget)
        m->trimmed = 1;
    if (!m->trimmed)
        LA_TRY(la_buf_add(m->out, m->u.buf, m->u.len));
    la_buf_reset(&m->u);
    return LA_OK;
}

static enum la_rc md(struct md *m, const char *s)
{
    return la_escape_markdown(&m->u, s, strlen(s));
}

static enum la_rc add(struct md *m, const char *s)
{
    return la_buf_adds(&m->u, s);
}

/* A table cell: " text |" */
static enum la_rc cell(struct md *m, const char *s)
{
    LA_TRY(add(m, " "));
    LA_TRY(md(m, s));
    return add(m, " |");
}

/* Longest run of backticks in s. */
static size_t backtick_run(const char *s, size_t len)
{
    size_t best = 0, run = 0;

    for (size_t i = 0; i < len; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

/* An evidence line as shown in a fence: visible controls, shortened. */
static enum la_rc fence_line(struct md *m, struct la_buf *b, const json_t *e)
{
    size_t cut;

    LA_TRY(la_escape_terminal(b, la_report_str(e, "source"),
                              strlen(la_report_str(e, "source"))));
    if (la_report_int(e, "line") > 0)
        LA_TRY(la_buf_addf(b, ":%lld", la_report_int(e, "line")));
    if (la_report_has_str(e, "time")) {
        LA_TRY(la_buf_adds(b, "  "));
        LA_TRY(la_escape_terminal(b, la_report_str(e, "time"), strlen(la_report_str(e, "time"))));
    }
    LA_TRY(la_buf_adds(b, "  "));
    cut = b->len;
    LA_TRY(la_escape_terminal(b, la_report_str(e, "text"), strlen(la_report_str(e, "text"))));
    if (la_report_cols(b->buf + cut, b->len - cut) > MD_MAX_TEXT) {
        la_buf_truncate(b, cut + la_report_prefix(b->buf + cut, b->len - cut, MD_MAX_TEXT - 1));
        LA_TRY(la_buf_adds(b, "…"));
    }
    return la_buf_addc(b, '\n');
}

/* <details> with the evidence list in a fence; part of the current unit. */
static enum la_rc evidence(struct md *m, const json_t *list, const char *label)
{
    size_t n = la_report_len(list), shown = n < MD_MAX_EVIDENCE ? n : MD_MAX_EVIDENCE, fence;

    if (!n)
        return LA_OK;
    la_buf_reset(&m->tmp);
    for (size_t i = 0; i < shown; i++)
        LA_TRY(fence_line(m, &m->tmp, json_array_get(list, i)));
    if (shown < n)
        LA_TRY(la_buf_addf(&m->tmp, "… %zu more lines (see the full report)\n", n - shown));
    fence = backtick_run(m->tmp.buf, m->tmp.len) + 1;
    if (fence < 3)
        fence = 3;
    LA_TRY(la_buf_addf(&m->u, "<details><summary>%s (%zu line%s)</summary>\n\n", label, n,
                       n == 1 ? "" : "s"));
    for (size_t i = 0; i < fence; i++)
        LA_TRY(add(m, "`"));
    LA_TRY(add(m, "text\n"));
    LA_TRY(la_buf_add(&m->u, m->tmp.buf, m->tmp.len));
    for (size_t i = 0; i < fence; i++)
        LA_TRY(add(m, "`"));
    return add(m, "\n\n</details>\n\n");
}

static enum la_rc facts(struct md *m, const json_t *r)
{
    const json_t *d = la_report_obj(r, "device"), *h = la_report_obj(r, "host");
    static const char *const dk[] = { "model", "ios", "build", "ecid" };
    static const char *const dl[] = { "Model", "iOS", "Build", "Device id" };

    LA_TRY(add(m, "| | |\n|---|---|\n| Input |"));
    LA_TRY(cell(m, la_report_str(r, "input")));
    if (la_report_obj(r, "case")) {
        struct la_buf c = LA_BUF_INIT;
        enum la_rc rc = la_report_case_line(r, &c);
        if (rc == LA_OK)
            rc = add(m, "\n| Case |");
        if (rc == LA_OK)
            rc = cell(m, c.buf ? c.buf : "");
        la_buf_release(&c);
        LA_TRY(rc);
    }
    LA_TRY(add(m, "\n| Outcome |"));
    LA_TRY(cell(m, la_report_str(r, "outcome")));
    LA_TRY(add(m, "\n"));
    for (size_t i = 0; i < 4; i++) {
        if (!la_report_has_str(d, dk[i]))
            continue;
        LA_TRY(la_buf_addf(&m->u, "| %s |", dl[i]));
        LA_TRY(cell(m, la_report_str(d, dk[i])));
        LA_TRY(add(m, "\n"));
    }
    if (la_report_has_str(h, "software") || la_report_has_str(h, "os")) {
        la_buf_reset(&m->tmp);
        LA_TRY(la_buf_adds(&m->tmp, la_report_str(h, "software")));
        if (la_report_has_str(h, "software") && la_report_has_str(h, "os"))
            LA_TRY(la_buf_adds(&m->tmp, " on "));
        LA_TRY(la_buf_adds(&m->tmp, la_report_str(h, "os")));
        LA_TRY(add(m, "| Host |"));
        LA_TRY(cell(m, m->tmp.buf));
        LA_TRY(add(m, "\n"));
    }
    la_buf_reset(&m->tmp);
    LA_TRY(la_report_codes_line(r, &m->tmp));
    if (m->tmp.len) {
        LA_TRY(add(m, "| Error codes |"));
        LA_TRY(cell(m, m->tmp.buf));
        LA_TRY(add(m, "\n"));
    }
    LA_TRY(add(m, "\n"));
    return commit(m);
}

static enum la_rc causes(struct md *m, const json_t *r)
{
    const json_t *cs = la_report_arr(r, "causes");

    if (!la_report_len(cs))
        return LA_OK;
    LA_TRY(add(m, "### Likely causes\n\n| # | Cause | Confidence | Level |\n"
                  "|---:|---|---:|---|\n"));
    LA_TRY(commit(m));
    for (size_t i = 0; i < la_report_len(cs); i++) {
        const json_t *c = json_array_get(cs, i);

        LA_TRY(la_buf_addf(&m->u, "| %zu |", i + 1));
        la_buf_reset(&m->tmp);
        LA_TRY(la_buf_addf(&m->tmp, "%s — %s", la_report_str(c, "id"),
                           la_report_str(c, "title")));
        LA_TRY(cell(m, m->tmp.buf));
        LA_TRY(la_buf_addf(&m->u, " %d %% |", la_report_percent(la_report_real(c, "confidence"))));
        LA_TRY(cell(m, la_report_str(c, "level")));
        LA_TRY(add(m, "\n"));
        LA_TRY(commit(m));
    }
    LA_TRY(add(m, "\n"));
    LA_TRY(commit(m));
    for (size_t i = 0; i < la_report_len(cs); i++) {
        const json_t *c = json_array_get(cs, i), *rem = la_report_arr(c, "remediation");

        /* Under 5 %: the table row is all (no advice; the JSON report has the lines). */
        if (la_report_minor_cause(c))
            continue;
        LA_TRY(la_buf_addf(&m->u, "#### %zu. ", i + 1));
        LA_TRY(md(m, la_report_str(c, "title")));
        LA_TRY(la_buf_addf(&m->u, " (%d %%, ", la_report_percent(la_report_real(c, "confidence"))));
        LA_TRY(md(m, la_report_str(c, "level")));
        LA_TRY(add(m, ")\n\n"));
        if (la_report_has_str(c, "summary")) {
            LA_TRY(md(m, la_report_str(c, "summary")));
            LA_TRY(add(m, "\n\n"));
        }
        if (la_report_len(rem)) {
            LA_TRY(add(m, "**What to do**\n\n"));
            for (size_t k = 0; k < la_report_len(rem); k++) {
                LA_TRY(la_buf_addf(&m->u, "%zu. ", k + 1));
                LA_TRY(md(m, la_report_item_str(rem, k)));
                LA_TRY(add(m, "\n"));
            }
            LA_TRY(add(m, "\n"));
        }
        if (la_report_has_str(c, "next_test")) {
            LA_TRY(add(m, "**Next test:** "));
            LA_TRY(md(m, la_report_str(c, "next_test")));
            LA_TRY(add(m, "\n\n"));
        }
        LA_TRY(evidence(m, la_report_arr(c, "evidence"), "Evidence"));
        LA_TRY(evidence(m, la_report_arr(c, "against"), "Evidence against"));
        LA_TRY(commit(m));
    }
    return LA_OK;
}

static enum la_rc attempts(struct md *m, const json_t *r)
{
    const json_t *as = la_report_shown_attempts(r);

    if (!la_report_len(as))
        return LA_OK;
    LA_TRY(add(m, "### Attempts\n\n| # | Started | Ended | Phases | Stages reached | Result |\n"
                  "|---:|---|---|---|---|---|\n"));
    LA_TRY(commit(m));
    for (size_t i = 0; i < la_report_len(as); i++) {
        const json_t *a = json_array_get(as, i), *st = la_report_arr(a, "stages");

        LA_TRY(la_buf_addf(&m->u, "| %lld |", la_report_int(a, "index")));
        LA_TRY(cell(m, la_report_has_str(a, "started") ? la_report_str(a, "started") : "—"));
        LA_TRY(cell(m, la_report_has_str(a, "ended") ? la_report_str(a, "ended") : "—"));
        la_buf_reset(&m->tmp);
        for (size_t k = 0; la_report_arr(a, "phases") && k < la_report_n_phases(a); k++) {
            struct la_report_phase p;

            la_report_phase_at(a, k, &p);
            LA_TRY(la_buf_addf(&m->tmp, "%s%s%s", k ? " › " : "", p.failed ? "✗ " : "",
                               p.label));
        }
        LA_TRY(cell(m, m->tmp.len ? m->tmp.buf : "—"));
        la_buf_reset(&m->tmp);
        for (size_t k = 0; k < la_report_len(st); k++)
            LA_TRY(la_buf_addf(&m->tmp, "%s%s", k ? " → " : "", la_report_item_str(st, k)));
        LA_TRY(cell(m, m->tmp.buf));
        la_buf_reset(&m->tmp);
        LA_TRY(la_buf_adds(&m->tmp, la_report_has_str(a, "outcome") ? la_report_str(a, "outcome")
                                                                   : "unknown"));
        if (la_report_is_int(a, "result"))
            LA_TRY(la_buf_addf(&m->tmp, " %lld", la_report_int(a, "result")));
        if (la_report_has_str(a, "stage"))
            LA_TRY(la_buf_addf(&m->tmp, " at %s", la_report_str(a, "stage")));
        LA_TRY(cell(m, m->tmp.buf));
        LA_TRY(add(m, "\n"));
        LA_TRY(commit(m));
    }
    LA_TRY(add(m, "\n"));
    return commit(m);
}

static enum la_rc members(struct md *m, const json_t *r)
{
    const json_t *ms = la_report_arr(r, "members");
    size_t n = la_report_len(ms), ok = 0, shown = 0;

    if (!n)
        return LA_OK;
    for (size_t i = 0; i < n; i++)
        ok += strcmp(la_report_str(json_array_get(ms, i), "status"), "ok") == 0;
    LA_TRY(la_buf_addf(&m->u, "### Members\n\n%zu of %zu member%s read", ok, n,
                       n == 1 ? "" : "s"));
    for (size_t i = 0; i < n; i++) {
        const json_t *mb = json_array_get(ms, i);
        const char *st = la_report_str(mb, "status");

        if (strcmp(st, "ok") == 0)
            continue;
        if (shown++ == 0) {
            LA_TRY(add(m, "; not read:\n\n| Path | Format | Bytes | Status |\n"
                          "|---|---|---:|---|\n"));
            LA_TRY(commit(m));
        }
        LA_TRY(add(m, "|"));
        LA_TRY(cell(m, la_report_str(mb, "path")));
        LA_TRY(cell(m, la_report_str(mb, "format")));
        LA_TRY(la_buf_addf(&m->u, " %lld |", la_report_int(mb, "bytes")));
        LA_TRY(cell(m, st));
        LA_TRY(add(m, "\n"));
        LA_TRY(commit(m));
    }
    LA_TRY(add(m, shown ? "\n" : ".\n\n"));
    return commit(m);
}

static enum la_rc unexplained(struct md *m, const json_t *r)
{
    const json_t *us = la_report_arr(r, "unexplained");

    if (!la_report_len(us))
        return LA_OK;
    LA_TRY(add(m, "### Unexplained lines\n\n| Count | Template | First example |\n"
                  "|---:|---|---|\n"));
    LA_TRY(commit(m));
    for (size_t i = 0; i < la_report_len(us); i++) {
        const json_t *u = json_array_get(us, i);
        size_t cut;

        LA_TRY(la_buf_addf(&m->u, "| %lld |", la_report_int(u, "count")));
        LA_TRY(cell(m, la_report_str(u, "template")));
        la_buf_reset(&m->tmp);
        LA_TRY(la_buf_adds(&m->tmp, la_report_str(u, "source")));
        if (la_report_int(u, "line") > 0)
            LA_TRY(la_buf_addf(&m->tmp, ":%lld", la_report_int(u, "line")));
        LA_TRY(la_buf_adds(&m->tmp, ": "));
        cut = m->tmp.len;
        LA_TRY(la_buf_adds(&m->tmp, la_report_str(u, "text")));
        if (la_report_cols(m->tmp.buf + cut, m->tmp.len - cut) > MD_MAX_TEXT) {
            la_buf_truncate(&m->tmp, cut + la_report_prefix(m->tmp.buf + cut, m->tmp.len - cut,
                                                            MD_MAX_TEXT - 1));
            LA_TRY(la_buf_adds(&m->tmp, "…"));
        }
        LA_TRY(cell(m, m->tmp.buf));
        LA_TRY(add(m, "\n"));
        LA_TRY(commit(m));
    }
    LA_TRY(add(m, "\n"));
    return commit(m);
}

static enum la_rc warnings(struct md *m, const json_t *r)
{
    const json_t *ws = la_report_arr(r, "warnings");

    if (!la_report_len(ws))
        return LA_OK;
    LA_TRY(add(m, "### Warnings\n\n| Code | Source | Message |\n|---|---|---|\n"));
    LA_TRY(commit(m));
    for (size_t i = 0; i < la_report_len(ws); i++) {
        const json_t *w = json_array_get(ws, i);

        LA_TRY(add(m, "|"));
        LA_TRY(cell(m, la_report_str(w, "code")));
        LA_TRY(cell(m, la_report_str(w, "source")));
        LA_TRY(add(m, " "));
        LA_TRY(add(m, la_report_severity_label(w)));
        LA_TRY(md(m, la_report_str(w, "message")));
        LA_TRY(add(m, " |"));
        LA_TRY(add(m, "\n"));
        LA_TRY(commit(m));
    }
    LA_TRY(add(m, "\n"));
    return commit(m);
}

static enum la_rc bullets(struct md *m, const char *title, const json_t *list)
{
    if (!la_report_len(list))
        return LA_OK;
    LA_TRY(la_buf_addf(&m->u, "### %s\n\n", title));
    LA_TRY(commit(m));
    for (size_t i = 0; i < la_report_len(list); i++) {
        LA_TRY(add(m, "- "));
        LA_TRY(md(m, la_report_item_str(list, i)));
        LA_TRY(add(m, "\n"));
        LA_TRY(commit(m));
    }
    LA_TRY(add(m, "\n"));
    return commit(m);
}

static enum la_rc checklist(struct md *m, const json_t *r)
{
    const json_t *ladder = la_report_arr(r, "ladder");

    if (!la_report_len(ladder))
        return LA_OK;
    LA_TRY(add(m, "### Checklist\n\n"));
    LA_TRY(commit(m));
    for (size_t i = 0; i < la_report_len(ladder); i++) {
        const json_t *s = json_array_get(ladder, i);

        LA_TRY(add(m, la_report_bool(s, "tried") ? "- [x] " : "- [ ] "));
        LA_TRY(md(m, la_report_str(s, "text")));
        if (la_report_has_str(s, "why")) {
            LA_TRY(add(m, " — "));
            LA_TRY(md(m, la_report_str(s, "why")));
        }
        if (la_report_has_str(s, "if_still_fails")) {
            LA_TRY(add(m, " *If it still fails:* "));
            LA_TRY(md(m, la_report_str(s, "if_still_fails")));
        }
        LA_TRY(add(m, "\n"));
        LA_TRY(commit(m));
    }
    LA_TRY(add(m, "\n"));
    return commit(m);
}

/* The reasons that decided the diagnosis, each with its log line folded. */
static enum la_rc why(struct md *m, const json_t *r)
{
    struct la_report_reason rs[LA_REPORT_MAX_REASONS];
    size_t n = 0;
    enum la_rc rc;

    rc = la_report_reasons(r, rs, &n);
    if (rc == LA_OK && n)
        rc = add(m, "### Why\n\n");
    for (size_t i = 0; i < n && rc == LA_OK; i++) {
        rc = la_buf_addf(&m->u, "%zu. ", i + 1);
        if (rc == LA_OK)
            rc = md(m, rs[i].text.buf);
        if (rc == LA_OK && rs[i].line) {
            la_buf_reset(&m->tmp);
            rc = la_buf_addf(&m->tmp, " (%s:%lld)",
                             la_report_member(la_report_str(rs[i].line, "source"),
                                              la_report_str(r, "input")),
                             la_report_int(rs[i].line, "line"));
            if (rc == LA_OK)
                rc = md(m, m->tmp.buf);
        }
        if (rc == LA_OK)
            rc = add(m, "\n");
    }
    if (rc == LA_OK && n)
        rc = add(m, "\n");
    la_report_reasons_release(rs);
    return rc == LA_OK ? commit(m) : rc;
}

static enum la_rc one_report(struct md *m, const json_t *r, size_t n)
{
    LA_TRY(add(m, n > 1 ? "## " : "# "));
    la_buf_reset(&m->tmp);
    LA_TRY(la_report_headline(r, &m->tmp));
    LA_TRY(md(m, m->tmp.buf));
    LA_TRY(add(m, "\n\n"));
    la_buf_reset(&m->tmp);
    LA_TRY(la_report_cause_line(r, &m->tmp));
    if (m->tmp.len) {
        LA_TRY(add(m, "**"));
        LA_TRY(md(m, m->tmp.buf));
        LA_TRY(add(m, "**\n\n"));
    }
    la_buf_reset(&m->tmp);
    LA_TRY(la_report_fine_print(r, &m->tmp));
    if (m->tmp.len) {
        LA_TRY(add(m, "<sub>"));
        LA_TRY(md(m, m->tmp.buf));
        LA_TRY(add(m, "</sub>\n\n"));
    }
    LA_TRY(commit(m));
    LA_TRY(why(m, r));
    if (la_report_needs_help(r)) {
        LA_TRY(bullets(m, "What to collect next", la_report_arr(r, "collect")));
        LA_TRY(checklist(m, r));
    }
    LA_TRY(attempts(m, r));
    LA_TRY(causes(m, r));
    LA_TRY(facts(m, r));
    LA_TRY(members(m, r));
    LA_TRY(unexplained(m, r));
    LA_TRY(warnings(m, r));
    return bullets(m, "Ranking notes", la_report_arr(r, "ranking_notes"));
}

static enum la_rc count_rows(struct md *m, const char *label, const json_t *obj)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)obj, key, v) {
        LA_TRY(la_buf_addf(&m->u, "| %s |", label));
        LA_TRY(cell(m, key));
        LA_TRY(la_buf_addf(&m->u, " %lld |\n",
                           json_is_integer(v) ? (long long)json_integer_value(v) : 0LL));
        LA_TRY(commit(m));
    }
    return LA_OK;
}

static enum la_rc summary(struct md *m, const json_t *doc)
{
    const json_t *s = la_report_obj(doc, "summary"), *reports = la_report_arr(doc, "reports");
    const json_t *p = la_report_arr(s, "patterns");

    /* An overview table first, so a trimmed report still lists every input. */
    LA_TRY(la_buf_addf(&m->u, "# loganalyze: %lld inputs\n\n"
                              "| Outcome | Inputs |\n|---|---:|\n"
                              "| failed | %lld |\n| succeeded | %lld |\n"
                              "| inconclusive | %lld |\n| no restore found | %lld |\n",
                       la_report_int(s, "inputs"), la_report_int(s, "failed"),
                       la_report_int(s, "succeeded"), la_report_int(s, "inconclusive"),
                       la_report_int(s, "no_restore_found")));
    LA_TRY(commit(m));
    if (s) {
        LA_TRY(add(m, "\n| By | Value | Inputs |\n|---|---|---:|\n"));
        LA_TRY(commit(m));
        LA_TRY(count_rows(m, "cause", la_report_obj(s, "by_cause")));
        LA_TRY(count_rows(m, "error code", la_report_obj(s, "by_error_code")));
        LA_TRY(count_rows(m, "model", la_report_obj(s, "by_model")));
    }
    LA_TRY(add(m, "\n"));
    LA_TRY(commit(m));
    if (la_report_len(p)) {
        LA_TRY(add(m, "**Patterns**\n\n"));
        for (size_t i = 0; i < la_report_len(p); i++) {
            LA_TRY(add(m, "- "));
            LA_TRY(md(m, la_report_item_str(p, i)));
            LA_TRY(add(m, "\n"));
        }
        LA_TRY(add(m, "\n"));
        LA_TRY(commit(m));
    }
    LA_TRY(add(m, "| Input | Outcome | Verdict |\n|---|---|---|\n"));
    LA_TRY(commit(m));
    for (size_t i = 0; i < la_report_len(reports); i++) {
        const json_t *r = json_array_get(reports, i);

        LA_TRY(add(m, "|"));
        LA_TRY(cell(m, la_report_str(r, "input")));
        LA_TRY(cell(m, la_report_str(r, "outcome")));
        la_buf_reset(&m->tmp);
        LA_TRY(la_report_headline(r, &m->tmp));
        LA_TRY(cell(m, m->tmp.buf));
        LA_TRY(add(m, "\n"));
        LA_TRY(commit(m));
    }
    LA_TRY(add(m, "\n"));
    return commit(m);
}

static enum la_rc footer(struct md *m, const json_t *doc, const struct la_report_opts *opts)
{
    const json_t *tool = la_report_obj(doc, "tool"), *rs = la_report_obj(doc, "ruleset");

    la_buf_reset(&m->tmp);
    LA_TRY(la_buf_addf(&m->tmp, "%s %s", la_report_has_str(tool, "name")
                                           ? la_report_str(tool, "name") : "loganalyze",
                       la_report_str(tool, "version")));
    if (rs)
        LA_TRY(la_buf_addf(&m->tmp, ", %lld rules", la_report_int(rs, "rules")));
    if (!opts->deterministic && la_report_has_str(doc, "generated"))
        LA_TRY(la_buf_addf(&m->tmp, ", generated %s", la_report_str(doc, "generated")));
    LA_TRY(add(m, "<sub>"));
    LA_TRY(md(m, m->tmp.buf));
    LA_TRY(add(m, "</sub>\n"));
    return commit(m);
}

enum la_rc la_report_markdown(const json_t *doc, const struct la_report_opts *opts,
                              struct la_buf *out)
{
    const json_t *reports = la_report_arr(doc, "reports");
    size_t n = la_report_len(reports);
    struct md m;
    enum la_rc rc = LA_OK;

    m.out = out;
    m.start = out->len;
    m.trimmed = 0;
    la_buf_init(&m.u, 0);
    la_buf_init(&m.tmp, 0);
    if (n > 1)
        rc = summary(&m, doc);
    if (n == 0)
        rc = la_buf_adds(&m.u, "# No inputs were analysed\n\n");
    for (size_t i = 0; i < n && rc == LA_OK; i++)
        rc = one_report(&m, json_array_get(reports, i), n);
    if (rc == LA_OK)
        rc = footer(&m, doc, opts);
    if (rc == LA_OK && m.trimmed)
        rc = la_buf_adds(out, MD_TRIM_NOTE);
    la_buf_release(&m.u);
    la_buf_release(&m.tmp);
    return rc;
}
