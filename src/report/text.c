/*
 * text: the terminal report.
 *
 * Layout, per report, the result view of view.c: the verdict once, first, in
 * plain words (coloured by outcome when opts->color), the cause and how sure
 * it is, the codes and stage id in small print; why (the reasons that decided
 * it, each with its log line); when nothing was diagnosed (no-restore-found,
 * inconclusive, an unclear cause) what to collect next and the remediation
 * ladder as a checklist; the attempt timeline (per attempt its facts, its
 * phases with times, "✗" where it failed, the line that said so); the facts
 * (input, device, host, error codes); the ranked causes with their evidence,
 * evidence against, remediation and next test (a cause under 5 % on one line);
 * skipped and failed members, unexplained lines, warnings, ranking notes.
 * Several reports are numbered and preceded by a summary block
 * (la_report_text_summary(), which the brief format shares).
 *
 * Every document string goes through la_escape_terminal() first, so no
 * control sequence from a log reaches the terminal; widths are then counted
 * in code points of the escaped text (a fair approximation of terminal
 * columns; wide CJK glyphs count as one).  Prose is word-wrapped at the
 * width, log lines are shortened to it with "…", so output fits the width.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "report/report-internal.h"

#define C_RED "\033[1;31m"
#define C_GREEN "\033[1;32m"
#define C_YELLOW "\033[1;33m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_OFF "\033[0m"

struct txt {
    const char *input;      /* the current report's input: stripped from evidence paths */
    struct la_buf *out;
    const struct la_report_opts *opts;
    size_t width;
    struct la_buf esc;      /* scratch: the escaped form of one string */
};

static enum la_rc spaces(struct txt *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        LA_TRY(la_buf_addc(t->out, ' '));
    return LA_OK;
}

static enum la_rc color(struct txt *t, const char *code)
{
    return t->opts->color ? la_buf_adds(t->out, code) : LA_OK;
}

/* Escape s into t->esc (replacing what it held). */
static enum la_rc escape(struct txt *t, const char *s, size_t len)
{
    la_buf_reset(&t->esc);
    return la_escape_terminal(&t->esc, s, len);
}

/*
 * One line: indent, then s escaped and shortened with "…" to fit the width.
 * pre/post wrap the text in a colour when colours are on.
 */
static enum la_rc clipped(struct txt *t, size_t indent, const char *s, const char *pre)
{
    size_t avail = t->width > indent + 1 ? t->width - indent : 1;

    LA_TRY(escape(t, s, strlen(s)));
    LA_TRY(spaces(t, indent));
    if (pre)
        LA_TRY(color(t, pre));
    if (la_report_cols(t->esc.buf, t->esc.len) <= avail) {
        LA_TRY(la_buf_add(t->out, t->esc.buf, t->esc.len));
    } else {
        LA_TRY(la_buf_add(t->out, t->esc.buf, la_report_prefix(t->esc.buf, t->esc.len,
                                                               avail - 1)));
        LA_TRY(la_buf_adds(t->out, "…"));
    }
    if (pre)
        LA_TRY(color(t, C_OFF));
    return la_buf_addc(t->out, '\n');
}

/*
 * Word-wrap s at the width: the first line starts after first (already
 * written by the caller, first columns wide), later lines are indented by
 * rest.  Paragraphs ('\n' in s) start new lines.  A word longer than a line
 * is broken.
 */
static enum la_rc wrapped(struct txt *t, size_t first, size_t rest, const char *s,
                          const char *pre)
{
    size_t col = first;
    const char *p = s, *nl;
    int line_empty = 1;

    if (pre)
        LA_TRY(color(t, pre));
    for (;;) {
        size_t plen;

        nl = strchr(p, '\n');
        plen = nl ? (size_t)(nl - p) : strlen(p);
        LA_TRY(escape(t, p, plen));
        /* Walk the escaped paragraph word by word. */
        for (size_t i = 0, gap = 0; i < t->esc.len;) {
            size_t j = i, wcols;

            if (t->esc.buf[i] == ' ') {
                gap++;
                i++;
                continue;
            }
            while (j < t->esc.len && t->esc.buf[j] != ' ')
                j++;
            wcols = la_report_cols(t->esc.buf + i, j - i);
            if (!line_empty && col + gap + wcols > t->width) {
                LA_TRY(la_buf_addc(t->out, '\n'));
                LA_TRY(spaces(t, rest));
                col = rest;
                line_empty = 1;
            }
            /* Keep the spacing between words, not at the start of a line. */
            if (!line_empty) {
                LA_TRY(spaces(t, gap));
                col += gap;
            }
            gap = 0;
            /* Break a word that cannot fit on a line of its own. */
            while (col + wcols > t->width && t->width > col && t->width - col < wcols) {
                size_t bytes = la_report_prefix(t->esc.buf + i, j - i, t->width - col);
                uint32_t cp;

                if (!bytes && col > rest)      /* a wide character at the last column */
                    bytes = 0;
                else if (!bytes)               /* no room for one character: take it */
                    bytes = la_utf8_next(t->esc.buf + i, j - i, &cp);
                LA_TRY(la_buf_add(t->out, t->esc.buf + i, bytes));
                LA_TRY(la_buf_addc(t->out, '\n'));
                LA_TRY(spaces(t, rest));
                col = rest;
                wcols -= la_report_cols(t->esc.buf + i, bytes);
                i += bytes;
            }
            LA_TRY(la_buf_add(t->out, t->esc.buf + i, j - i));
            col += wcols;
            line_empty = 0;
            i = j;
        }
        if (!nl)
            break;
        p = nl + 1;
        LA_TRY(la_buf_addc(t->out, '\n'));
        LA_TRY(spaces(t, rest));
        col = rest;
        line_empty = 1;
    }
    if (pre)
        LA_TRY(color(t, C_OFF));
    return la_buf_addc(t->out, '\n');
}

/* "label" then wrapped text, continuation lines aligned under the text. */
static enum la_rc field(struct txt *t, size_t indent, const char *label, const char *s)
{
    size_t lw = strlen(label);

    LA_TRY(spaces(t, indent));
    LA_TRY(la_buf_adds(t->out, label));
    return wrapped(t, indent + lw, indent + lw, s, NULL);
}

static enum la_rc heading(struct txt *t, const char *title)
{
    LA_TRY(la_buf_addc(t->out, '\n'));
    LA_TRY(color(t, C_BOLD));
    LA_TRY(la_buf_adds(t->out, title));
    LA_TRY(color(t, C_OFF));
    return la_buf_addc(t->out, '\n');
}

static const char *outcome_color(const char *outcome)
{
    if (strcmp(outcome, "failed") == 0)
        return C_RED;
    if (strcmp(outcome, "succeeded") == 0)
        return C_GREEN;
    return C_YELLOW;
}

/* --- facts ------------------------------------------------------------ */

/* Join the present string values of obj's keys with sep into b. */
static enum la_rc join_keys(struct la_buf *b, const json_t *obj, const char *const *keys,
                            const char *sep)
{
    for (size_t i = 0; keys[i]; i++) {
        if (!la_report_has_str(obj, keys[i]))
            continue;
        if (b->len)
            LA_TRY(la_buf_adds(b, strcmp(keys[i], "build") == 0 ? " " : sep));
        if (strcmp(keys[i], "ios") == 0)
            LA_TRY(la_buf_adds(b, "iOS "));
        if (strcmp(keys[i], "build") == 0)
            LA_TRY(la_buf_addf(b, "(%s)", la_report_str(obj, keys[i])));
        else
            LA_TRY(la_buf_adds(b, la_report_str(obj, keys[i])));
    }
    return LA_OK;
}

static enum la_rc facts(struct txt *t, const json_t *r, struct la_buf *b)
{
    static const char *const dev_keys[] = { "model", "ios", "build", "ecid", NULL };
    static const char *const host_keys[] = { "software", "os", NULL };

    LA_TRY(field(t, 0, "Input:   ", la_report_str(r, "input")));
    la_buf_reset(b);
    LA_TRY(la_report_case_line(r, b));
    if (b->len)
        LA_TRY(field(t, 0, "Case:    ", b->buf));
    la_buf_reset(b);
    LA_TRY(join_keys(b, la_report_obj(r, "device"), dev_keys, ", "));
    if (b->len)
        LA_TRY(field(t, 0, "Device:  ", b->buf));
    la_buf_reset(b);
    LA_TRY(join_keys(b, la_report_obj(r, "host"), host_keys, " on "));
    if (b->len)
        LA_TRY(field(t, 0, "Host:    ", b->buf));
    la_buf_reset(b);
    LA_TRY(la_report_codes_line(r, b));
    if (b->len)
        LA_TRY(field(t, 0, "Errors:  ", b->buf));
    return LA_OK;
}

/* --- causes ----------------------------------------------------------- */

/*
 * "source:line  time" then the line itself, indented below it, each shortened
 * to the width.  Inside an archive the input's own name is left out of the
 * source ("x.zip!/logs/a.log" shows as "logs/a.log"): it is in the header.
 */
static enum la_rc evidence_line(struct txt *t, size_t indent, const json_t *e,
                                struct la_buf *b)
{
    const char *src = la_report_member(la_report_str(e, "source"), t->input);

    la_buf_reset(b);
    LA_TRY(la_buf_adds(b, src));
    if (la_report_int(e, "line") > 0)
        LA_TRY(la_buf_addf(b, ":%lld", la_report_int(e, "line")));
    if (la_report_has_str(e, "time"))
        LA_TRY(la_buf_addf(b, "  %s", la_report_str(e, "time")));
    LA_TRY(clipped(t, indent, b->buf, NULL));
    return clipped(t, indent + 2, la_report_str(e, "text"), NULL);
}

/* The reasons that decided the diagnosis, numbered, each with its log line. */
static enum la_rc why(struct txt *t, const json_t *r, struct la_buf *b)
{
    struct la_report_reason rs[LA_REPORT_MAX_REASONS];
    size_t n = 0;
    enum la_rc rc;

    rc = la_report_reasons(r, rs, &n);
    if (rc == LA_OK && n)
        rc = heading(t, "Why");
    for (size_t i = 0; i < n && rc == LA_OK; i++) {
        rc = la_buf_addf(t->out, "  %zu. ", i + 1);
        if (rc == LA_OK)
            rc = wrapped(t, 5, 5, rs[i].text.buf, NULL);
        if (rc == LA_OK && rs[i].line)
            rc = evidence_line(t, 7, rs[i].line, b);
    }
    la_report_reasons_release(rs);
    return rc;
}

static enum la_rc evidence_list(struct txt *t, const json_t *c, const char *key,
                                const char *label, struct la_buf *b)
{
    const json_t *ev = la_report_arr(c, key);

    if (!la_report_len(ev))
        return LA_OK;
    LA_TRY(spaces(t, 5));
    LA_TRY(la_buf_adds(t->out, label));
    LA_TRY(la_buf_addc(t->out, '\n'));
    for (size_t i = 0; i < la_report_len(ev); i++)
        LA_TRY(evidence_line(t, 7, json_array_get(ev, i), b));
    return LA_OK;
}

static enum la_rc causes(struct txt *t, const json_t *r, struct la_buf *b)
{
    const json_t *cs = la_report_arr(r, "causes");

    if (!la_report_len(cs))
        return LA_OK;
    LA_TRY(heading(t, "Likely causes"));
    for (size_t i = 0; i < la_report_len(cs); i++) {
        const json_t *c = json_array_get(cs, i), *rem = la_report_arr(c, "remediation");
        int num = (int)(i + 1);

        la_buf_reset(b);
        LA_TRY(la_buf_addf(b, "%s — %s  %d %% %s", la_report_str(c, "id"),
                           la_report_str(c, "title"),
                           la_report_percent(la_report_real(c, "confidence")),
                           la_report_str(c, "level")));
        LA_TRY(la_buf_addf(t->out, "%3d. ", num));
        /* Under 5 %: one line, no evidence and no advice (the JSON report has them). */
        if (la_report_minor_cause(c)) {
            LA_TRY(wrapped(t, 5, 5, b->buf, C_DIM));
            continue;
        }
        LA_TRY(wrapped(t, 5, 5, b->buf, i == 0 ? C_BOLD : NULL));
        if (la_report_has_str(c, "summary")) {
            LA_TRY(spaces(t, 5));
            LA_TRY(wrapped(t, 5, 5, la_report_str(c, "summary"), NULL));
        }
        LA_TRY(evidence_list(t, c, "evidence", "Evidence:", b));
        LA_TRY(evidence_list(t, c, "against", "Evidence against:", b));
        if (la_report_len(rem)) {
            LA_TRY(spaces(t, 5));
            LA_TRY(la_buf_adds(t->out, "What to do:\n"));
            for (size_t k = 0; k < la_report_len(rem); k++) {
                LA_TRY(spaces(t, 7));
                LA_TRY(la_buf_addf(t->out, "%zu. ", k + 1));
                LA_TRY(wrapped(t, 10 + (k >= 9), 10 + (k >= 9), la_report_item_str(rem, k),
                               NULL));
            }
        }
        if (la_report_has_str(c, "next_test"))
            LA_TRY(field(t, 5, "Next test: ", la_report_str(c, "next_test")));
    }
    return LA_OK;
}

/* --- attempts, members, unexplained, warnings -------------------------- */

/* Join the words of b from byte start on with no-break spaces: one phase wraps as a unit. */
static enum la_rc keep_together(struct la_buf *b, size_t start)
{
    struct la_buf u = LA_BUF_INIT;
    enum la_rc rc = la_buf_add(&u, b->buf + start, b->len - start);

    la_buf_truncate(b, start);
    for (size_t i = 0; i < u.len && rc == LA_OK; i++)
        rc = u.buf[i] == ' ' ? la_buf_adds(b, "\xc2\xa0") : la_buf_addc(b, u.buf[i]);
    la_buf_release(&u);
    return rc;
}

/*
 * The attempt timeline in characters: per attempt its result and facts, its logs, its
 * phases in order with the time each was reached ("✗" where it failed, with the code), and
 * the line that said it failed.
 */
static enum la_rc attempt(struct txt *t, const json_t *a, struct la_buf *b)
{
    const json_t *fail = la_report_attempt_failure(a);
    char num[32];
    size_t ind, unit;

    snprintf(num, sizeof(num), "  #%lld  ", la_report_int(a, "index"));
    ind = strlen(num);
    la_buf_reset(b);
    LA_TRY(la_report_attempt_result(a, b));
    if (la_report_has_str(a, "stage"))
        LA_TRY(la_buf_addf(b, " at %s", la_report_str(a, "stage")));
    {
        size_t before = b->len;
        LA_TRY(la_buf_adds(b, "  "));
        LA_TRY(la_report_attempt_facts(a, b));
        if (b->len == before + 2)
            la_buf_truncate(b, before);
    }
    LA_TRY(la_buf_adds(t->out, num));
    LA_TRY(wrapped(t, ind, ind, b->buf, NULL));
    la_buf_reset(b);
    LA_TRY(la_report_attempt_source(a, t->input, b));
    if (b->len)
        LA_TRY(clipped(t, ind, b->buf, NULL));
    la_buf_reset(b);
    for (size_t k = 0; k < la_report_n_phases(a); k++) {
        struct la_report_phase p;

        la_report_phase_at(a, k, &p);
        LA_TRY(la_buf_adds(b, k ? " › " : ""));
        unit = b->len;
        LA_TRY(la_buf_addf(b, "%s%s", p.failed ? "✗ " : p.ok_end ? "✓ " : "", p.label));
        if (p.failed && la_report_is_int(a, "result"))
            LA_TRY(la_buf_addf(b, " %lld", la_report_int(a, "result")));
        if (*p.last) {
            LA_TRY(la_buf_addc(b, ' '));
            LA_TRY(la_report_clock(p.last, b));
        }
        LA_TRY(keep_together(b, unit));
    }
    if (b->len) {
        LA_TRY(spaces(t, ind));
        LA_TRY(wrapped(t, ind, ind, b->buf, NULL));
    }
    if (fail) {
        la_buf_reset(b);
        LA_TRY(la_buf_addf(b, "✗ line %lld of %s", la_report_int(fail, "line"),
                           la_report_member(la_report_str(fail, "source"), t->input)));
        LA_TRY(clipped(t, ind, b->buf, NULL));
        LA_TRY(clipped(t, ind + 2, la_report_str(fail, "text"), NULL));
    }
    return LA_OK;
}

static enum la_rc attempts(struct txt *t, const json_t *r, struct la_buf *b)
{
    const json_t *as = la_report_shown_attempts(r);

    if (!la_report_len(as))
        return LA_OK;
    LA_TRY(heading(t, la_report_len(as) == 1 ? "The attempt" : "The attempts"));
    for (size_t i = 0; i < la_report_len(as); i++)
        LA_TRY(attempt(t, json_array_get(as, i), b));
    return LA_OK;
}

static enum la_rc members(struct txt *t, const json_t *r, struct la_buf *b)
{
    const json_t *ms = la_report_arr(r, "members");
    size_t ok = 0, skipped = 0, errors = 0;

    if (!la_report_len(ms))
        return LA_OK;
    for (size_t i = 0; i < la_report_len(ms); i++) {
        const char *st = la_report_str(json_array_get(ms, i), "status");

        if (strncmp(st, "skipped", 7) == 0)
            skipped++;
        else if (strncmp(st, "error", 5) == 0)
            errors++;
        else
            ok++;
    }
    LA_TRY(heading(t, "Members"));
    LA_TRY(la_buf_addf(t->out, "  %zu read, %zu skipped, %zu failed\n", ok, skipped, errors));
    for (size_t i = 0; i < la_report_len(ms); i++) {
        const json_t *m = json_array_get(ms, i);
        const char *st = la_report_str(m, "status"), *why;
        int is_skip = strncmp(st, "skipped", 7) == 0;

        if (!is_skip && strncmp(st, "error", 5) != 0)
            continue;
        why = st + (is_skip ? 7 : 5);
        if (*why == ':')
            why++;
        while (*why == ' ')
            why++;
        la_buf_reset(b);
        LA_TRY(la_buf_addf(b, "%s  %s", is_skip ? "skipped" : "failed ",
                           la_report_str(m, "path")));
        if (*why)
            LA_TRY(la_buf_addf(b, " — %s", why));
        LA_TRY(clipped(t, 2, b->buf, NULL));
    }
    return LA_OK;
}

static enum la_rc unexplained(struct txt *t, const json_t *r, struct la_buf *b)
{
    const json_t *us = la_report_arr(r, "unexplained");

    if (!la_report_len(us))
        return LA_OK;
    LA_TRY(heading(t, "Unexplained lines"));
    /* The most frequent first (the analysis sorts them); the full list is in the JSON. */
    for (size_t i = 0; i < la_report_len(us) && i < 10; i++) {
        const json_t *u = json_array_get(us, i);

        la_buf_reset(b);
        LA_TRY(la_buf_addf(b, "%5lld×  %s", la_report_int(u, "count"),
                           la_report_str(u, "template")));
        LA_TRY(clipped(t, 0, b->buf, NULL));
        LA_TRY(evidence_line(t, 9, u, b));
    }
    if (la_report_len(us) > 10) {
        la_buf_reset(b);
        LA_TRY(la_buf_addf(b, "… %zu more kinds of line in the JSON report (--format json)",
                           la_report_len(us) - 10));
        LA_TRY(spaces(t, 4));
        LA_TRY(wrapped(t, 4, 6, b->buf, NULL));
    }
    return LA_OK;
}

static enum la_rc warnings(struct txt *t, const json_t *r, struct la_buf *b)
{
    const json_t *ws = la_report_arr(r, "warnings");

    if (!la_report_len(ws))
        return LA_OK;
    LA_TRY(heading(t, "Warnings"));
    for (size_t i = 0; i < la_report_len(ws); i++) {
        const json_t *w = json_array_get(ws, i);

        la_buf_reset(b);
        LA_TRY(la_buf_addf(b, "%s  %s", la_report_str(w, "code"), la_report_severity_label(w)));
        if (la_report_has_str(w, "source"))
            LA_TRY(la_buf_addf(b, "%s: ", la_report_str(w, "source")));
        LA_TRY(la_buf_adds(b, la_report_str(w, "message")));
        LA_TRY(spaces(t, 2));
        LA_TRY(wrapped(t, 2, 9, b->buf, NULL));
    }
    return LA_OK;
}

/* A heading and a "- " list of strings, wrapped; nothing when empty. */
static enum la_rc bullets(struct txt *t, const char *title, const json_t *list)
{
    if (!la_report_len(list))
        return LA_OK;
    LA_TRY(heading(t, title));
    for (size_t i = 0; i < la_report_len(list); i++) {
        LA_TRY(la_buf_adds(t->out, "  - "));
        LA_TRY(wrapped(t, 4, 4, la_report_item_str(list, i), NULL));
    }
    return LA_OK;
}

static enum la_rc checklist(struct txt *t, const json_t *r, struct la_buf *b)
{
    const json_t *ladder = la_report_arr(r, "ladder");

    if (!la_report_len(ladder))
        return LA_OK;
    LA_TRY(heading(t, "Checklist"));
    for (size_t i = 0; i < la_report_len(ladder); i++) {
        const json_t *s = json_array_get(ladder, i);

        la_buf_reset(b);
        LA_TRY(la_buf_adds(b, la_report_str(s, "text")));
        if (la_report_has_str(s, "why"))
            LA_TRY(la_buf_addf(b, " — %s", la_report_str(s, "why")));
        LA_TRY(la_buf_adds(t->out, la_report_bool(s, "tried") ? "  [x] " : "  [ ] "));
        LA_TRY(wrapped(t, 6, 6, b->buf, NULL));
        if (la_report_has_str(s, "if_still_fails"))
            LA_TRY(field(t, 6, "if it still fails: ", la_report_str(s, "if_still_fails")));
    }
    return LA_OK;
}

static enum la_rc one_report(struct txt *t, const json_t *r, size_t idx, size_t n,
                             struct la_buf *b)
{
    const char *outcome = la_report_str(r, "outcome");

    if (n > 1) {
        la_buf_reset(b);
        LA_TRY(la_buf_addf(b, "[%zu/%zu] %s", idx + 1, n, la_report_str(r, "input")));
        if (idx)
            LA_TRY(la_buf_addc(t->out, '\n'));
        LA_TRY(clipped(t, 0, b->buf, C_BOLD));
    }
    t->input = la_report_str(r, "input");
    la_buf_reset(b);
    LA_TRY(la_report_headline(r, b));
    LA_TRY(wrapped(t, 0, 0, b->buf, outcome_color(outcome)));
    la_buf_reset(b);
    LA_TRY(la_report_cause_line(r, b));
    if (b->len)
        LA_TRY(wrapped(t, 0, 0, b->buf, C_BOLD));
    la_buf_reset(b);
    LA_TRY(la_report_fine_print(r, b));
    if (b->len)
        LA_TRY(wrapped(t, 0, 0, b->buf, C_DIM));
    LA_TRY(why(t, r, b));
    if (la_report_needs_help(r)) {
        LA_TRY(bullets(t, "What to collect next", la_report_arr(r, "collect")));
        LA_TRY(checklist(t, r, b));
    }
    LA_TRY(attempts(t, r, b));
    LA_TRY(la_buf_addc(t->out, '\n'));
    LA_TRY(facts(t, r, b));
    LA_TRY(causes(t, r, b));
    LA_TRY(members(t, r, b));
    LA_TRY(unexplained(t, r, b));
    LA_TRY(warnings(t, r, b));
    return bullets(t, "Ranking notes", la_report_arr(r, "ranking_notes"));
}

/* "key count, key count" from an object of counts, in document order. */
static enum la_rc counts(struct txt *t, const char *label, const json_t *obj,
                         struct la_buf *b)
{
    const char *key;
    json_t *v;

    if (!json_is_object(obj) || json_object_size(obj) == 0)
        return LA_OK;
    la_buf_reset(b);
    json_object_foreach((json_t *)obj, key, v) {
        LA_TRY(la_buf_addf(b, "%s%s %lld", b->len ? ", " : "", key,
                           json_is_integer(v) ? (long long)json_integer_value(v) : 0LL));
    }
    return field(t, 2, label, b->buf);
}

static enum la_rc summary(struct txt *t, const json_t *doc, struct la_buf *b)
{
    const json_t *s = la_report_obj(doc, "summary");
    char head[64];

    if (!s)
        return LA_OK;
    LA_TRY(heading(t, "Summary"));
    la_buf_reset(b);
    LA_TRY(la_buf_addf(b, "failed %lld, succeeded %lld, inconclusive %lld, no restore found %lld",
                       la_report_int(s, "failed"), la_report_int(s, "succeeded"),
                       la_report_int(s, "inconclusive"), la_report_int(s, "no_restore_found")));
    snprintf(head, sizeof(head), "  Inputs: %lld — ", la_report_int(s, "inputs"));
    LA_TRY(la_buf_adds(t->out, head));
    LA_TRY(wrapped(t, la_report_cols(head, strlen(head)), 4, b->buf, NULL));
    LA_TRY(counts(t, "By cause: ", la_report_obj(s, "by_cause"), b));
    LA_TRY(counts(t, "By error code: ", la_report_obj(s, "by_error_code"), b));
    LA_TRY(counts(t, "By model: ", la_report_obj(s, "by_model"), b));
    if (la_report_len(la_report_arr(s, "patterns"))) {
        const json_t *p = la_report_arr(s, "patterns");

        LA_TRY(la_buf_adds(t->out, "  Patterns:\n"));
        for (size_t i = 0; i < la_report_len(p); i++) {
            LA_TRY(la_buf_adds(t->out, "    - "));
            LA_TRY(wrapped(t, 6, 6, la_report_item_str(p, i), NULL));
        }
    }
    return LA_OK;
}

static enum la_rc footer(struct txt *t, const json_t *doc, struct la_buf *b)
{
    const json_t *tool = la_report_obj(doc, "tool"), *rs = la_report_obj(doc, "ruleset");

    la_buf_reset(b);
    LA_TRY(la_buf_addf(b, "%s %s", la_report_has_str(tool, "name") ? la_report_str(tool, "name")
                                                                   : "loganalyze",
                       la_report_str(tool, "version")));
    if (rs) {
        LA_TRY(la_buf_addf(b, ", %lld rules", la_report_int(rs, "rules")));
        if (la_report_has_str(rs, "sha256"))
            LA_TRY(la_buf_addf(b, " (sha256 %.12s)", la_report_str(rs, "sha256")));
    }
    if (!t->opts->deterministic && la_report_has_str(doc, "generated"))
        LA_TRY(la_buf_addf(b, ", generated %s", la_report_str(doc, "generated")));
    LA_TRY(la_buf_addc(t->out, '\n'));
    return clipped(t, 0, b->buf, C_DIM);
}

enum la_rc la_report_text(const json_t *doc, const struct la_report_opts *opts,
                          struct la_buf *out)
{
    const json_t *reports = la_report_arr(doc, "reports");
    size_t n = la_report_len(reports);
    struct la_buf b = LA_BUF_INIT;
    struct txt t;
    enum la_rc rc = LA_OK;

    t.out = out;
    t.opts = opts;
    t.width = opts->width ? opts->width : LA_REPORT_DEFAULT_WIDTH;
    if (t.width < LA_REPORT_MIN_WIDTH)
        t.width = LA_REPORT_MIN_WIDTH;
    la_buf_init(&t.esc, 0);
    /* A batch: the summary first, then the cases; `merge` gives a summary without reports. */
    if (n > 1 || (n == 0 && la_report_int(la_report_obj(doc, "summary"), "inputs") > 0))
        rc = summary(&t, doc, &b);
    else if (n == 0)
        rc = la_buf_adds(out, "No inputs were analysed.\n");
    for (size_t i = 0; i < n && rc == LA_OK; i++)
        rc = one_report(&t, json_array_get(reports, i), i, n, &b);
    if (rc == LA_OK)
        rc = footer(&t, doc, &b);
    la_buf_release(&b);
    la_buf_release(&t.esc);
    return rc;
}

enum la_rc la_report_text_summary(const json_t *doc, const struct la_report_opts *opts,
                                  struct la_buf *out)
{
    struct la_buf b = LA_BUF_INIT;
    struct txt t;
    enum la_rc rc;

    t.out = out;
    t.opts = opts;
    t.width = opts->width ? opts->width : LA_REPORT_DEFAULT_WIDTH;
    if (t.width < LA_REPORT_MIN_WIDTH)
        t.width = LA_REPORT_MIN_WIDTH;
    la_buf_init(&t.esc, 0);
    rc = la_report_obj(doc, "summary") ? summary(&t, doc, &b) : LA_OK;
    la_buf_release(&b);
    la_buf_release(&t.esc);
    return rc;
}
