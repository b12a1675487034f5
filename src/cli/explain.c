/*
 * `loganalyze explain CODE...`: what a number or name means in each numbering space (or, for
 * SPACE:CODE such as tss:94 or fr:-10, in that space only), the likely causes ranked with
 * the diagnosis priors, the remediation ladder of those causes (cheapest first, with the
 * ids for --tried), and which logs tell the causes apart.  All of
 * it comes from rules/data/codes.yaml and rules/data/causes.yaml (analyze/explain.c), rendered by
 * report/explain.c: text, or with --format json or markdown those.
 */
#include "config.h"

#include <string.h>

#include <jansson.h>

#include "analyze/analyze.h"
#include "analyze/explain.h"
#include "cli/cli-internal.h"
#include "core/buf.h"
#include "report/report.h"

int la_cli_explain(struct la_cli *cli, int argc, char **argv)
{
    struct la_cli_opts *o = &cli->o;
    struct la_engine *e = NULL;
    const char *format = "text";
    struct la_buf out = LA_BUF_INIT;
    json_t *all;
    int rc = 0;

    /* json wins over markdown, which wins over text; other formats show text. */
    for (int i = 0; i < o->nouts; i++)
        if (!strcmp(o->outs[i].format, "markdown") && strcmp(format, "json"))
            format = "markdown";
        else if (!strcmp(o->outs[i].format, "json"))
            format = "json";
    if (argc < 1) {
        la_cli_err(cli, LA_D_USAGE, NULL, "explain needs an error code, e.g. `loganalyze "
                   "explain 4013`");
        return 2;
    }
    o->eo.no_default_rules = 1;
    if (la_engine_new(&e, &o->eo, &cli->sink) != LA_OK)
        return 2;
    all = json_array();
    for (int i = 0; all && i < argc; i++)
        json_array_append_new(all, la_explain(la_engine_kb(e), argv[i]));
    if (!all || la_report_explain(format, all, NULL, &out) != LA_OK ||
        la_cli_write_file(cli, "-", "explain page", &out) < 0)
        rc = 2;
    json_decref(all);
    la_buf_release(&out);
    la_engine_free(e);
    return rc;
}
