/*
 * `loganalyze explain CODE...`: what a number or name means in each numbering space, the
 * likely causes ranked with the diagnosis priors, the remediation ladder of those causes
 * (cheapest first, with the ids for --tried), and which logs tell the causes apart.  All of
 * it comes from rules/codes.yaml and rules/causes.yaml.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "analyze/explain.h"
#include "cli/cli-internal.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "formats/formats.h"
#include "report/report.h"
#include "rules/rules.h"

/* ------------------------------------------------------------ explain */

/* Print s wrapped to width: the first line after first, the others after an indent as wide. */
void la_cli_wrap(FILE *f, const char *first, const char *s, unsigned width)
{
    size_t il = strlen(first), col = il;
    int line_start = 1;

    fputs(first, f);
    while (*s) {
        const char *w = s;
        while (*s && *s != ' ')
            s++;
        size_t wl = (size_t)(s - w);
        if (!line_start && col + 1 + wl > width) {
            fprintf(f, "\n%*s", (int)il, "");
            col = il;
            line_start = 1;
        } else if (!line_start) {
            fputc(' ', f);
            col++;
        }
        fwrite(w, 1, wl, f);
        col += wl;
        line_start = 0;
        while (*s == ' ')
            s++;
    }
    fputc('\n', f);
}


static void explain_text(const json_t *o, unsigned width)
{
    const char *q = json_string_value(json_object_get(o, "query"));
    json_t *v;
    size_t i;

    if (!json_is_true(json_object_get(o, "known"))) {
        printf("%s is not in the error-code catalogue.\n", q);
        json_t *fam = json_object_get(o, "family");
        if (fam)
            printf("It falls in the range of: %s.\n",
                   json_string_value(json_object_get(fam, "title")));
    } else {
        printf("Error %lld", (long long)json_integer_value(json_object_get(o, "code")));
        json_t *names = json_object_get(o, "names");
        if (json_array_size(names))
            printf(" (%s)", json_string_value(json_array_get(names, 0)));
        printf("\n\nWhat it means:\n");
        json_array_foreach(json_object_get(o, "meanings"), i, v) {
            struct la_buf b = LA_BUF_INIT;
            const char *txt = json_string_value(json_object_get(v, "text"));
            if (la_buf_addf(&b, "[%s] %s%s", json_string_value(json_object_get(v, "space")), txt,
                            json_is_true(json_object_get(v, "confirmed")) ||
                                    strstr(txt, "unconfirmed")
                                ? "" : " (unconfirmed: no primary source)") == LA_OK)
                la_cli_wrap(stdout, "  - ", b.buf, width);
            la_buf_release(&b);
            la_buf_reset(&b);
            if (la_buf_addf(&b, "source: %s",
                            json_string_value(json_object_get(v, "source"))) == LA_OK)
                la_cli_wrap(stdout, "    ", b.buf, width);
            la_buf_release(&b);
        }
        if (json_object_get(o, "collides")) {
            printf("\nNumbering clash:\n");
            la_cli_wrap(stdout, "  ", json_string_value(json_object_get(o, "collides")), width);
        }
        if (json_object_get(o, "stage")) {
            printf("\nWhen it usually appears:\n");
            la_cli_wrap(stdout, "  ", json_string_value(json_object_get(o, "stage")), width);
        }
    }
    printf("\nLikely causes, most likely first:\n");
    json_array_foreach(json_object_get(o, "causes"), i, v) {
        printf("  %zu. %s (%.0f %%)\n", i + 1, json_string_value(json_object_get(v, "title")),
               json_real_value(json_object_get(v, "prior")) * 100);
        if (i < 3)
            la_cli_wrap(stdout, "     ", json_string_value(json_object_get(v, "next_test")), width);
    }
    printf("\nWhat to try, cheapest first:\n");
    json_array_foreach(json_object_get(o, "ladder"), i, v) {
        la_cli_wrap(stdout, "  [ ] ", json_string_value(json_object_get(v, "text")), width);
        la_cli_wrap(stdout, "      why: ", json_string_value(json_object_get(v, "why")), width);
        la_cli_wrap(stdout, "      if it still fails: ",
             json_string_value(json_object_get(v, "if_still_fails")), width);
        printf("      (done it already? add --tried %s when you analyse the logs)\n",
               json_string_value(json_object_get(v, "id")));
    }
    json_t *col = json_object_get(o, "collect");
    if (json_array_size(col)) {
        printf("\nLogs that tell the causes apart:\n");
        json_array_foreach(col, i, v)
            la_cli_wrap(stdout, "  - ", json_string_value(v), width);
    }
}

/* Markdown for a GitHub comment or a ticket: same content as the text form. */
static void explain_markdown(const json_t *o, struct la_buf *b)
{
    json_t *v;
    size_t i;
    const char *q = json_string_value(json_object_get(o, "query"));
    enum la_rc rc = LA_OK;

#define MD(...) do { if (rc == LA_OK) rc = la_buf_addf(b, __VA_ARGS__); } while (0)
#define MDX(s) do { if (rc == LA_OK) rc = la_escape_markdown(b, (s), strlen(s)); } while (0)
    if (json_is_true(json_object_get(o, "known"))) {
        MD("## Error %lld\n\n", (long long)json_integer_value(json_object_get(o, "code")));
        json_array_foreach(json_object_get(o, "meanings"), i, v) {
            MD("- **%s**: ", json_string_value(json_object_get(v, "space")));
            MDX(json_string_value(json_object_get(v, "text")));
            MD("%s  \n  source: ", json_is_true(json_object_get(v, "confirmed")) ? ""
                                                                               : " *(unconfirmed)*");
            MDX(json_string_value(json_object_get(v, "source")));
            MD("\n");
        }
    } else {
        MD("## ");
        MDX(q);
        MD("\n\nNot in the error-code catalogue.\n");
    }
    MD("\n### Likely causes\n\n| # | cause | prior |\n|---|---|---|\n");
    json_array_foreach(json_object_get(o, "causes"), i, v) {
        MD("| %zu | ", i + 1);
        MDX(json_string_value(json_object_get(v, "title")));
        MD(" | %.0f %% |\n", json_real_value(json_object_get(v, "prior")) * 100);
    }
    MD("\n### What to try, cheapest first\n\n");
    json_array_foreach(json_object_get(o, "ladder"), i, v) {
        MD("- [ ] ");
        MDX(json_string_value(json_object_get(v, "text")));
        MD(" (`%s`)\n", json_string_value(json_object_get(v, "id")));
    }
    if (json_array_size(json_object_get(o, "collect"))) {
        MD("\n### Logs that tell the causes apart\n\n");
        json_array_foreach(json_object_get(o, "collect"), i, v) {
            MD("- ");
            MDX(json_string_value(v));
            MD("\n");
        }
    }
    MD("\n");
#undef MD
#undef MDX
}

int la_cli_explain(struct la_cli_opts *o, int argc, char **argv, struct la_diag_sink *sink)
{
    struct la_kb *kb = NULL;
    struct la_engine *e = NULL;
    int as_json = 0, as_md = 0;
    struct la_buf md = LA_BUF_INIT;

    for (int i = 0; i < o->nouts; i++) {
        as_json |= !strcmp(o->outs[i].format, "json");
        as_md |= !strcmp(o->outs[i].format, "markdown");
    }
    if (argc < 1) {
        fprintf(stderr, "loganalyze: error[LA300]: explain needs an error code, e.g. "
                        "`loganalyze explain 4013`\n");
        return 2;
    }
    o->eo.no_default_rules = 1;
    if (la_engine_new(&e, &o->eo, sink) != LA_OK)
        return 2;
    kb = (struct la_kb *)la_engine_kb(e);
    json_t *all = json_array();
    for (int i = 0; i < argc; i++) {
        json_t *x = la_explain(kb, argv[i]);
        if (as_json) {
            json_array_append_new(all, x);
        } else if (as_md) {
            explain_markdown(x, &md);
            json_decref(x);
        } else {
            if (i)
                printf("\n----------------------------------------\n\n");
            explain_text(x, 88);
            json_decref(x);
        }
    }
    if (as_json) {
        json_t *doc = json_pack("{s:s,s:o}", "schema", "loganalyze.explain/1", "codes", all);
        char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s)
            printf("%s\n", s);
        free(s);
        json_decref(doc);
    } else {
        json_decref(all);
        if (as_md)
            fwrite(md.buf, 1, md.len, stdout);
    }
    la_buf_release(&md);
    la_engine_free(e);
    return 0;
}

