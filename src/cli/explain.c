/*
 * `loganalyze explain CODE...`: what a number or name means in each numbering space (or, for
 * SPACE:CODE such as tss:94 or fr:-10, in that space only), the likely causes ranked with
 * the diagnosis priors, the remediation ladder of those causes (cheapest first, with the
 * ids for --tried), and which logs tell the causes apart.  All of
 * it comes from rules/data/codes.yaml and rules/data/causes.yaml (analyze/explain.c), rendered by
 * report/explain.c: text, or with --format json or markdown those.
 *
 * Exit 2 when a query is not in the catalogue: a number is still explained (its family, the
 * nearby entries) with one line on stderr; a query that is no number, name or SPACE:CODE
 * is only that line, with the nearest name ("did you mean 'tss:94'?").
 */
#include "config.h"

#include <string.h>

#include <jansson.h>

#include "analyze/analyze.h"
#include "analyze/explain.h"
#include "cli/cli-internal.h"
#include "core/buf.h"
#include "report/report.h"

/* " (nearby: 4013, 4017)" from an unknown number's entry, or nothing. */
static void near_list(struct la_buf *b, const json_t *entry)
{
    const json_t *near = json_object_get(entry, "nearby"), *v;
    size_t i;

    la_buf_reset(b);
    json_array_foreach(near, i, v)
        if (la_buf_addf(b, "%s%lld", i ? ", " : " (nearby: ",
                        (long long)json_integer_value(json_object_get(v, "code"))) != LA_OK)
            la_buf_reset(b);
    if (b->len && la_buf_addc(b, ')') != LA_OK)
        la_buf_reset(b);
}

int la_cli_explain(struct la_cli *cli, int argc, char **argv)
{
    struct la_cli_opts *o = &cli->o;
    struct la_engine *e = NULL;
    const char *format = "text";
    struct la_buf out = LA_BUF_INIT, near = LA_BUF_INIT;
    struct la_report_opts ro = { 0, 0, 0 };
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
    for (int i = 0; all && i < argc; i++) {
        json_t *entry = la_explain(la_engine_kb(e), argv[i]);
        const char *sug = json_string_value(json_object_get(entry, "suggest"));
        if (entry && json_is_false(json_object_get(entry, "known"))) {
            rc = 2;
            if (!json_object_get(entry, "code")) {
                if (sug)
                    la_cli_err(cli, LA_D_USAGE, NULL, "unknown error code '%s'; did you mean "
                               "'%s'?", argv[i], sug);
                else
                    la_cli_err(cli, LA_D_USAGE, NULL, "unknown error code '%s': not a number, "
                               "a code name or SPACE:CODE (such as tss:94)", argv[i]);
                json_decref(entry);
                continue;
            }
            near_list(&near, entry);
            if (json_is_true(json_object_get(entry, "pasted")))
                la_cli_err(cli, LA_D_USAGE, NULL, "%lld (read from the text given) is not in "
                           "the error-code catalogue%s",
                           (long long)json_integer_value(json_object_get(entry, "code")),
                           near.buf);
            else
                la_cli_err(cli, LA_D_USAGE, NULL, "%s is not in the error-code catalogue%s",
                           argv[i], near.buf);
        }
        json_array_append_new(all, entry);
    }
    la_buf_release(&near);
    if (all && !json_array_size(all)) {
        json_decref(all);
        la_engine_free(e);
        return 2;
    }
    ro.width = la_cli_width("-");
    if (!all || la_report_explain(format, all, &ro, &out) != LA_OK ||
        la_cli_write_file(cli, "-", "explain page", &out) < 0)
        rc = 2;
    json_decref(all);
    la_buf_release(&out);
    la_engine_free(e);
    return rc;
}
