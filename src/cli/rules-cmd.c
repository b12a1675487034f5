/*
 * `loganalyze rules lint|test|export [PATH...]`: validate rule files (positioned
 * diagnostics and a count), run the rules' self-test (rules/selftest.h: samples, not-lines
 * and the annotated fixture logs, `*.log` among the paths) and print its summary or a
 * JUnit document, and export the patterns as regexes for comparison tools.
 *
 * The paths are rule files or folders, added to --rules; `rules lint` with paths checks
 * only those (no default rules).  This file only prints: the checks are made in rules/.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "analyze/analyze.h"
#include "analyze/selftest.h"
#include "cli/cli-internal.h"
#include "core/buf.h"
#include "rules/rules.h"
#include "rules/selftest.h"

/*
 * The paths into --rules (and, for `rules test`, *.log into fixtures, NULL-terminated):
 * 0, or 2 after a usage error naming the cap that was passed.
 */
static int add_paths(struct la_cli *cli, int argc, char **argv, const char **fixtures)
{
    struct la_cli_opts *o = &cli->o;
    int nfix = 0;

    for (int i = 0; i < argc; i++) {
        size_t l = strlen(argv[i]);
        if (fixtures && l > 4 && !strcmp(argv[i] + l - 4, ".log")) {
            if (nfix >= LA_CLI_MAX_FIXTURES) {
                la_cli_err(cli, LA_D_USAGE, NULL, "too many fixture logs: at most %d",
                           LA_CLI_MAX_FIXTURES);
                return 2;
            }
            fixtures[nfix++] = argv[i];
        } else if (o->nrules < LA_CLI_MAX_RULES) {
            o->rules[o->nrules++] = argv[i];
        } else {
            la_cli_err(cli, LA_D_USAGE, NULL, "too many rule paths: at most %d rule files or "
                       "folders (--rules and paths together)", LA_CLI_MAX_RULES);
            return 2;
        }
    }
    if (fixtures)
        fixtures[nfix] = NULL;
    o->rules[o->nrules] = NULL;
    o->eo.rule_paths = o->rules;
    return 0;
}

int la_cli_rules_lint(struct la_cli *cli, int argc, char **argv)
{
    struct la_engine *e = NULL;
    const struct la_ruleset *rs;
    unsigned before = la_cli_errors(cli), n;
    size_t np, nu;

    if (add_paths(cli, argc, argv, NULL))
        return 2;
    if (argc > 0 && cli->o.nrules)
        cli->o.eo.no_default_rules = 1;
    cli->lint = 1;
    if (la_engine_new(&e, &cli->o.eo, &cli->sink) != LA_OK) {
        n = la_cli_errors(cli) - before;
        fprintf(stderr, "%u error%s\n", n, n == 1 ? "" : "s");
        return 2;
    }
    rs = la_engine_ruleset(e);
    la_ruleset_pattern_stats(rs, &np, &nu);
    printf("%zu rules, %zu patterns (%zu without a prefilter literal), no errors\n",
           la_ruleset_count(rs), np, nu);
    la_engine_free(e);
    return 0;
}

int la_cli_rules_export(struct la_cli *cli, int argc, char **argv)
{
    struct la_engine *e = NULL;
    struct la_buf b = LA_BUF_INIT;
    int rc;

    if (add_paths(cli, argc, argv, NULL))
        return 2;
    if (la_engine_new(&e, &cli->o.eo, &cli->sink) != LA_OK)
        return 2;
    rc = la_ruleset_export_patterns(la_engine_ruleset(e), &b) == LA_OK &&
                 la_cli_write_file(cli, "-", "pattern list", &b) == 0
             ? 0 : 2;
    la_buf_release(&b);
    la_engine_free(e);
    return rc;
}

/* One JUnit <testcase> per check. */
static enum la_rc junit_case(void *user, const struct la_selftest_check *c)
{
    struct la_buf *jx = user;
    const char *failure = c->passed ? "" : "<failure message=\"mismatch\"/>";

    if (c->kind == LA_SELFTEST_SAMPLE || c->kind == LA_SELFTEST_NOT)
        return la_buf_addf(jx, "<testcase classname=\"%s\" name=\"%s %zu\">%s</testcase>\n",
                           c->rule, c->kind == LA_SELFTEST_NOT ? "not" : "sample", c->index,
                           failure);
    return la_buf_addf(jx, "<testcase classname=\"fixture\" name=\"%s:%u %s\">%s</testcase>\n",
                       c->file, c->line, c->rule, failure);
}

int la_cli_rules_test(struct la_cli *cli, int argc, char **argv)
{
    struct la_engine *e = NULL;
    const char *fixtures[LA_CLI_MAX_FIXTURES + 1];
    struct la_selftest_counts n = { 0, 0 };
    struct la_buf jx = LA_BUF_INIT;
    int junit = 0, rc;

    if (add_paths(cli, argc, argv, fixtures))
        return 2;
    for (int i = 0; i < cli->o.nouts; i++)
        junit |= !strcmp(cli->o.outs[i].format, "junit");
    if (la_engine_new(&e, &cli->o.eo, &cli->sink) != LA_OK)
        return 2;
    if (la_engine_selftest(e, fixtures, junit ? junit_case : NULL, &jx, &n, &cli->sink) !=
        LA_OK) {
        la_cli_err(cli, LA_D_NO_MEMORY, NULL, "out of memory");
        rc = 2;
        goto out;
    }
    if (junit)
        printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites><testsuite "
               "name=\"loganalyze rules\" tests=\"%u\" failures=\"%u\">\n%s</testsuite>"
               "</testsuites>\n", n.passed + n.failed, n.failed, jx.buf);
    fprintf(junit ? stderr : stdout, "%u passed, %u failed\n", n.passed, n.failed);
    rc = n.failed ? 1 : 0;
out:
    la_buf_release(&jx);
    la_engine_free(e);
    return rc;
}
