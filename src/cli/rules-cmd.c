/*
 * `loganalyze rules lint|test|export`: validate rule files (positioned diagnostics), run every
 * rule's samples and not-lines and the annotated fixture logs (`#! format:`, `#! expect:`,
 * `#! ok:`), and export the patterns as regexes for comparison tools.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "cli/cli-internal.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "formats/formats.h"
#include "report/report.h"
#include "rules/rules.h"

/* ------------------------------------------------------------ rules test */

struct rt {
    long want;                     /* rule index to look for */
    int hit;
};

static enum la_rc rt_hit(void *user, size_t rule, const struct la_capture *c, size_t n)
{
    struct rt *t = user;
    if ((long)rule == t->want)
        t->hit = 1;
    return LA_OK;
}

struct rt_line {
    struct la_matcher *m;
    struct rt *t;
};

static enum la_rc rt_record(void *user, const struct la_record *r)
{
    struct rt_line *l = user;
    return la_matcher_scan(l->m, r, rt_hit, l->t, NULL);
}

/* Does rule ri fire on line (parsed as format f)? */
/*
 * Does rule ri fire on the last line of sample?  A sample may hold several lines separated by
 * newlines: the earlier ones are read first, as context (a CHECKPOINT line before its
 * restore-step-* lines), and only a hit on the last line counts.
 */
static int fires(struct la_matcher *m, const struct la_format *f, long ri, const char *sample)
{
    struct la_parser *p = la_parser_new(f, NULL);
    struct rt t = { ri, 0 };
    struct rt_line l = { m, &t };
    const char *s = sample;
    uint64_t no = 1;

    if (!p)
        return -1;
    for (;;) {
        const char *nl = strchr(s, '\n');
        t.hit = 0;
        if (la_parser_line(p, la_sv_make(s, nl ? (size_t)(nl - s) : strlen(s)), no++, rt_record,
                           &l) != LA_OK) {
            t.hit = -1;
            break;
        }
        if (!nl)
            break;
        s = nl + 1;
    }
    if (t.hit >= 0 && la_parser_finish(p, rt_record, &l) != LA_OK)
        t.hit = -1;
    la_parser_free(p);
    return t.hit;
}

static int run_fixture(const char *path, const struct la_ruleset *rs, struct la_matcher *m,
                       unsigned *pass, unsigned *fail, int junit, struct la_buf *jx)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned lineno = 0;
    const struct la_format *fmt = la_format_find("text");
    char expect[1024] = "", ok[1024] = "";

    if (!f) {
        fprintf(stderr, "%s: error[LA101]: cannot open: %s\n", path, strerror(errno));
        (*fail)++;
        return -1;
    }
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (!strncmp(line, "#! format:", 10)) {
            const char *id = line + 10;
            while (*id == ' ')
                id++;
            fmt = la_format_find(id);
            if (!fmt) {
                fprintf(stderr, "%s:%u: error[LA206]: unknown format '%s'\n", path, lineno, id);
                (*fail)++;
                fmt = la_format_find("text");
            }
            continue;
        }
        if (!strncmp(line, "#! expect:", 10)) {
            snprintf(expect, sizeof(expect), "%s", line + 10);
            continue;
        }
        if (!strncmp(line, "#! ok:", 6)) {
            snprintf(ok, sizeof(ok), "%s", line + 6);
            continue;
        }
        if (!strncmp(line, "#!", 2) || !*line)
            continue;
        for (int pass_ok = 0; pass_ok < 2; pass_ok++) {
            char *list = pass_ok ? ok : expect, *save = NULL;
            for (char *id = strtok_r(list, ", ", &save); id; id = strtok_r(NULL, ", ", &save)) {
                long ri = la_ruleset_find(rs, id);
                int h = ri < 0 ? -1 : fires(m, fmt, ri, line);
                int good = ri >= 0 && (pass_ok ? h == 0 : h == 1);
                if (good) {
                    (*pass)++;
                } else {
                    (*fail)++;
                    if (ri < 0)
                        fprintf(stderr, "%s:%u: error[LA211]: unknown rule '%s'\n", path, lineno,
                                id);
                    else
                        fprintf(stderr, "%s:%u: error[LA%u]: rule '%s' %s this line\n", path,
                                lineno, pass_ok ? 219 : 218, id,
                                pass_ok ? "fires on" : "does not fire on");
                }
                if (junit) {
                    if (la_buf_addf(jx, "<testcase classname=\"fixture\" name=\"%s:%u %s\">%s"
                                        "</testcase>\n", path, lineno, id,
                                    good ? "" : "<failure message=\"mismatch\"/>") != LA_OK)
                        return -1;
                }
            }
            list[0] = 0;
        }
    }
    free(line);
    fclose(f);
    return 0;
}

int la_cli_rules(struct la_cli_opts *o, int argc, char **argv, struct la_diag_sink *sink)
{
    const char *sub = argc > 0 ? argv[0] : "";
    struct la_engine *e = NULL;
    const char *fixtures[256];
    int nfix = 0;

    if (strcmp(sub, "lint") && strcmp(sub, "test") && strcmp(sub, "export")) {
        fprintf(stderr, "loganalyze: error[LA300]: usage: loganalyze rules lint|test|export "
                        "[PATH...]\n");
        return 2;
    }
    /* Paths: rule files/folders; for test also fixture logs (*.log). */
    for (int i = 1; i < argc; i++) {
        size_t l = strlen(argv[i]);
        if (!strcmp(sub, "test") && l > 4 && !strcmp(argv[i] + l - 4, ".log")) {
            if (nfix < 256)
                fixtures[nfix++] = argv[i];
        } else if (o->nrules < 63) {
            o->rules[o->nrules++] = argv[i];
        }
    }
    o->rules[o->nrules] = NULL;
    o->eo.rule_paths = o->rules;
    if (argc > 1 && o->nrules && !strcmp(sub, "lint"))
        o->eo.no_default_rules = 1;
    la_cli_diag_errors = 0;
    la_cli_lint_mode = !strcmp(sub, "lint");
    if (la_engine_new(&e, &o->eo, sink) != LA_OK) {
        if (!strcmp(sub, "lint"))
            fprintf(stderr, "%u error%s\n", la_cli_diag_errors, la_cli_diag_errors == 1 ? "" : "s");
        return 2;
    }
    const struct la_ruleset *rs = la_engine_ruleset(e);
    if (!strcmp(sub, "lint")) {
        size_t np, nu;
        la_ruleset_pattern_stats(rs, &np, &nu);
        printf("%zu rules, %zu patterns (%zu without a prefilter literal), no errors\n",
               la_ruleset_count(rs), np, nu);
        la_engine_free(e);
        return 0;
    }
    if (!strcmp(sub, "export")) {
        struct la_buf b = LA_BUF_INIT;
        int rc = la_ruleset_export_patterns(rs, &b) == LA_OK && la_cli_write_file("-", &b) == 0 ? 0 : 2;
        la_buf_release(&b);
        la_engine_free(e);
        return rc;
    }
    struct la_matcher *m = la_matcher_new(rs);
    unsigned pass = 0, fail = 0;
    int junit = 0;
    struct la_buf jx = LA_BUF_INIT;
    for (int i = 0; i < o->nouts; i++)
        junit |= !strcmp(o->outs[i].format, "junit");
    if (!m) {
        la_engine_free(e);
        return 2;
    }
    for (size_t ri = 0; ri < la_ruleset_count(rs); ri++) {
        const struct la_rule_meta *r = la_ruleset_rule(rs, ri);
        for (int pass_not = 0; pass_not < 2; pass_not++) {
            const char *const *lines = pass_not ? r->nots : r->samples;
            for (size_t k = 0; lines && lines[k]; k++) {
                /* Try the rule's formats; a sample passes when any of them fires. */
                int h = 0;
                for (unsigned fi = 0; fi < la_format_count() && !h; fi++) {
                    const struct la_format *cand = la_format_at(fi);
                    if (la_format_is_binary(cand))
                        continue;
                    int hh = fires(m, cand, (long)ri, lines[k]);
                    if (hh > 0)
                        h = 1;
                }
                int good = pass_not ? !h : h;
                if (good)
                    pass++;
                else {
                    fail++;
                    fprintf(stderr, "%s:%u: error[LA%u]: rule '%s': %s: %s\n", r->file,
                            r->line, pass_not ? 213 : 212, r->id,
                            pass_not ? "a not-line matches" : "a sample does not match",
                            lines[k]);
                }
                if (junit && la_buf_addf(&jx, "<testcase classname=\"%s\" name=\"%s %zu\">%s"
                                              "</testcase>\n", r->id,
                                         pass_not ? "not" : "sample", k,
                                         good ? "" : "<failure message=\"mismatch\"/>") != LA_OK)
                    fail++;
            }
        }
    }
    for (int i = 0; i < nfix; i++)
        run_fixture(fixtures[i], rs, m, &pass, &fail, junit, &jx);
    if (junit) {
        printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites><testsuite "
               "name=\"loganalyze rules\" tests=\"%u\" failures=\"%u\">\n%s</testsuite>"
               "</testsuites>\n", pass + fail, fail, jx.buf);
    }
    fprintf(junit ? stderr : stdout, "%u passed, %u failed\n", pass, fail);
    la_buf_release(&jx);
    la_matcher_free(m);
    la_engine_free(e);
    return fail ? 1 : 0;
}

