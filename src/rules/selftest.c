/*
 * The rules' self-test (`loganalyze rules test`): rule samples and not-lines, then fixture
 * logs.
 *
 * A check asks whether one rule fires on one line.  The line is parsed by the caller's
 * parse hook (struct la_selftest_formats: rules/ knows no input format) and every record it
 * gives is scanned by one matcher shared by the whole run; only hits on the records of the
 * line's last line count, so a sample of several lines ("CHECKPOINT ...\nrestore-step-...")
 * gives the earlier lines as context and tests the last.  A rule's sample passes when it
 * fires in any of the sample formats (tried in order, stopping at the first that fires); a
 * not-line passes when it fires in none.  A rule made from a producer's vocabulary pack has
 * no written samples: its sample is its format's first line with plausible values, its
 * not-line the same with the longest literal run altered (vocab.c), both read as plain text.
 *
 * A fixture log is read line by line.  `#! format: ID` sets the format of the lines after
 * it, `#! expect: a, b` and `#! ok: c` name the rules the next log line must and must not
 * fire; other `#!` lines and empty lines are skipped.  Each named rule is one check; the
 * lists apply to one line and are then cleared.
 *
 * Data flow: la_selftest_run() → run_rule() per rule → fires() → parse hook → on_record()
 * → la_matcher_scan() → on_hit(); each decided check goes to finish(), which counts it,
 * sends the diagnostic of a failure to the sink and hands the check to the caller.
 *
 * Invariants: the ruleset is only read; nothing is printed; every check is counted exactly
 * once, as passed or failed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "rules/rules-internal.h"
#include "rules/rules.h"
#include "rules/selftest.h"

#define FIXTURE_FORMAT "text"          /* lines before any `#! format:` */

struct run {
    const struct la_ruleset *rs;
    const struct la_selftest_formats *fmts;
    struct la_matcher *m;
    la_selftest_check_fn *fn;
    void *user;
    struct la_selftest_counts n;
    struct la_diag_sink *sink;
    struct la_buf sample, altered;     /* a vocabulary entry's lines */
};

/* One question: does rule want fire on the last line of a sample? */
struct fire {
    struct la_matcher *m;
    size_t want;
    int last;                          /* the record being scanned is of the last line */
    int hit;
};

static enum la_rc on_hit(void *user, size_t rule, const struct la_capture *caps, size_t ncaps)
{
    struct fire *t = user;

    (void)caps;
    (void)ncaps;
    if (rule == t->want && t->last)
        t->hit = 1;
    return LA_OK;
}

static enum la_rc on_record(void *user, const struct la_record *f, int last)
{
    struct fire *t = user;

    t->last = last;
    return la_matcher_scan(t->m, f, on_hit, t, NULL);
}

/* 1 when rule fires on the last line of text read as format id, 0 when not, -1 when the
 * text could not be parsed or scanned. */
static int fires(struct run *r, const char *id, size_t rule, const char *text)
{
    struct fire t = { r->m, rule, 0, 0 };

    if (r->fmts->parse(r->fmts->user, id, text, on_record, &t) != LA_OK)
        return -1;
    return t.hit;
}

/* Count a decided check, report a failure, hand it to the caller. */
static enum la_rc finish(struct run *r, const struct la_selftest_check *c)
{
    if (c->passed) {
        r->n.passed++;
    } else {
        r->n.failed++;
        switch (c->kind) {
        case LA_SELFTEST_SAMPLE:
        case LA_SELFTEST_NOT:
            la_diagf(r->sink, LA_SEV_ERROR,
                     c->kind == LA_SELFTEST_NOT ? LA_D_RULE_NOT_MATCHED
                                                : LA_D_RULE_SAMPLE_NO_MATCH,
                     c->file, c->line, 0, "rule '%s': %s: %s", c->rule,
                     c->kind == LA_SELFTEST_NOT ? "a not-line matches"
                                                : "a sample does not match", c->text);
            break;
        case LA_SELFTEST_EXPECT:
        case LA_SELFTEST_OK:
            if (la_ruleset_find(r->rs, c->rule) < 0)
                la_diagf(r->sink, LA_SEV_ERROR, LA_D_RULE_UNKNOWN_RULE, c->file, c->line, 0,
                         "unknown rule '%s'", c->rule);
            else
                la_diagf(r->sink, LA_SEV_ERROR,
                         c->kind == LA_SELFTEST_OK ? LA_D_FIXTURE_OK_FAILED
                                                   : LA_D_FIXTURE_EXPECT_FAILED,
                         c->file, c->line, 0, "rule '%s' %s this line", c->rule,
                         c->kind == LA_SELFTEST_OK ? "fires on" : "does not fire on");
            break;
        }
    }
    return r->fn ? r->fn(r->user, c) : LA_OK;
}

static int known_format(const struct la_selftest_formats *fmts, const char *id);

/*
 * Whether rule ri fires on line in a sample format: any of them (tried in order), or, for a
 * vocabulary entry (plain), only "text" when the caller knows it: the tools print those
 * lines bare, and a line must not need a format's prefix to be recognised.
 */
static int fires_sample(struct run *r, size_t ri, const char *line, int plain)
{
    int hit = 0;

    if (plain && known_format(r->fmts, FIXTURE_FORMAT))
        return fires(r, FIXTURE_FORMAT, ri, line) > 0;
    for (size_t fi = 0; r->fmts->sample_ids[fi] && !hit; fi++)
        hit = fires(r, r->fmts->sample_ids[fi], ri, line) > 0;
    return hit;
}

/*
 * The samples, then the not-lines, of rule ri.  A vocabulary entry's rule has one of each,
 * made from its format (la_vocab_lines(): the first line with plausible values, and the
 * same with its longest literal run altered), checked and reported like written ones.
 */
static enum la_rc run_rule(struct run *r, size_t ri)
{
    const struct la_rule_meta *meta = la_ruleset_rule(r->rs, ri);
    const char *made[2][2] = { { NULL, NULL }, { NULL, NULL } };
    int vocab = la_vocab_lines(r->rs, ri, &r->sample, &r->altered);
    enum la_rc rc = LA_OK;

    if (vocab < 0)
        return LA_FATAL;
    if (vocab) {
        made[0][0] = r->sample.buf;
        made[1][0] = r->altered.buf;
    }
    for (int is_not = 0; is_not < 2 && rc == LA_OK; is_not++) {
        const char *const *lines = vocab ? made[is_not] : is_not ? meta->nots : meta->samples;
        for (size_t k = 0; lines && lines[k] && rc == LA_OK; k++) {
            struct la_selftest_check c = { is_not ? LA_SELFTEST_NOT : LA_SELFTEST_SAMPLE,
                                           meta->id, meta->file, meta->line, k, lines[k], 0 };
            int hit = fires_sample(r, ri, lines[k], vocab);
            c.passed = is_not ? !hit : hit;
            rc = finish(r, &c);
        }
    }
    return rc;
}

/* ------------------------------------------------------------ fixtures */

struct fixture {
    const char *path;
    unsigned lineno;
    char *format;                      /* of the lines from here on; NULL = FIXTURE_FORMAT */
    char *lists[2];                    /* expect:, ok: of the next line; NULL when none */
};

/* Value of a `#! key:` line, or NULL when line is not one. */
static const char *directive(const char *line, const char *key)
{
    size_t n = strlen(key);

    return !strncmp(line, "#! ", 3) && !strncmp(line + 3, key, n) && line[3 + n] == ':'
               ? line + 4 + n : NULL;
}

static int known_format(const struct la_selftest_formats *fmts, const char *id)
{
    for (size_t i = 0; fmts->ids[i]; i++)
        if (!strcmp(fmts->ids[i], id))
            return 1;
    return 0;
}

/* The checks of one log line: every rule its expect: and ok: lists name. */
static enum la_rc check_line(struct run *r, struct fixture *fx, const char *line)
{
    enum la_rc rc = LA_OK;

    for (int is_ok = 0; is_ok < 2; is_ok++) {
        char *save = NULL;
        for (char *id = fx->lists[is_ok] ? strtok_r(fx->lists[is_ok], ", ", &save) : NULL;
             id && rc == LA_OK; id = strtok_r(NULL, ", ", &save)) {
            long ri = la_ruleset_find(r->rs, id);
            int h = ri < 0 ? -1
                           : fires(r, fx->format ? fx->format : FIXTURE_FORMAT, (size_t)ri,
                                   line);
            struct la_selftest_check c = { is_ok ? LA_SELFTEST_OK : LA_SELFTEST_EXPECT, id,
                                           fx->path, fx->lineno, 0, line,
                                           ri >= 0 && (is_ok ? h == 0 : h == 1) };
            rc = finish(r, &c);
        }
        la_free(fx->lists[is_ok]);
        fx->lists[is_ok] = NULL;
    }
    return rc;
}

/* One line of a fixture: a directive, a line to skip, or a log line to check. */
static enum la_rc fixture_line(struct run *r, struct fixture *fx, const char *line)
{
    const char *v;

    if ((v = directive(line, "format"))) {
        while (*v == ' ')
            v++;
        la_free(fx->format);
        fx->format = NULL;
        if (!known_format(r->fmts, v)) {
            la_diagf(r->sink, LA_SEV_ERROR, LA_D_RULE_UNKNOWN_FORMAT, fx->path, fx->lineno, 0,
                     "unknown format '%s'", v);
            r->n.failed++;
            return LA_OK;
        }
        fx->format = la_strdup(v);
        return fx->format ? LA_OK : LA_FATAL;
    }
    for (int is_ok = 0; is_ok < 2; is_ok++) {
        if ((v = directive(line, is_ok ? "ok" : "expect"))) {
            la_free(fx->lists[is_ok]);
            fx->lists[is_ok] = la_strdup(v);
            return fx->lists[is_ok] ? LA_OK : LA_FATAL;
        }
    }
    if (!strncmp(line, "#!", 2) || !*line)
        return LA_OK;
    return check_line(r, fx, line);
}

static enum la_rc run_fixture(struct run *r, const char *path)
{
    FILE *f = fopen(path, "r");
    struct fixture fx = { path, 0, NULL, { NULL, NULL } };
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    enum la_rc rc = LA_OK;

    if (!f) {
        la_diagf(r->sink, LA_SEV_ERROR, LA_D_OPEN_FAILED, path, 0, 0, "cannot open: %s",
                 strerror(errno));
        r->n.failed++;
        return LA_OK;
    }
    while (rc == LA_OK && (n = getline(&line, &cap, f)) >= 0) {
        fx.lineno++;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        rc = fixture_line(r, &fx, line);
    }
    free(line);
    fclose(f);
    la_free(fx.format);
    la_free(fx.lists[0]);
    la_free(fx.lists[1]);
    return rc;
}

enum la_rc la_selftest_run(const struct la_ruleset *rs, const struct la_selftest_formats *fmts,
                           const char *const *fixtures, la_selftest_check_fn *fn, void *user,
                           struct la_selftest_counts *ret_counts, struct la_diag_sink *sink)
{
    struct run r;
    enum la_rc rc = LA_OK;

    if (!rs || !fmts || !fmts->ids || !fmts->sample_ids || !fmts->parse || !ret_counts)
        return LA_FATAL;
    memset(&r, 0, sizeof r);
    r.rs = rs;
    r.fmts = fmts;
    r.fn = fn;
    r.user = user;
    r.sink = sink;
    la_buf_init(&r.sample, 0);
    la_buf_init(&r.altered, 0);
    r.m = la_matcher_new(rs);
    if (!r.m)
        return LA_FATAL;
    for (size_t ri = 0; ri < la_ruleset_count(rs) && rc == LA_OK; ri++)
        rc = run_rule(&r, ri);
    for (size_t i = 0; fixtures && fixtures[i] && rc == LA_OK; i++)
        rc = run_fixture(&r, fixtures[i]);
    la_matcher_free(r.m);
    la_buf_release(&r.sample);
    la_buf_release(&r.altered);
    if (rc == LA_OK)
        *ret_counts = r.n;
    return rc;
}
