/*
 * `loganalyze merge [FILE...|-]`: the reduce step of a fleet (docs/fleet.md).  Folds the
 * ndjson lines of `loganalyze --format ndjson` runs, and the summary states earlier merges
 * wrote, into the summary one batch run over all their inputs would print.
 *
 * Flow: each file (or stdin) is read line by line into one bounded buffer
 * (LA_MERGE_MAX_LINE); a line is parsed with jansson and classified:
 *   {"schema":"loganalyze.report/1", "report":{...}}        added to the fold (summary.c)
 *   {"schema":"loganalyze.report/1", "summary_state":{...}} its state added to the fold
 *   {"schema":"loganalyze.report/1", "summary":{...}}       a batch's own summary line: it
 *                                                           only restates the report lines
 *                                                           above it, so it is skipped
 * Anything else (not JSON, another schema, a bad state) is a warning LA310 naming the file
 * and line, and is skipped; nothing else is lost.  Blank lines are ignored.
 *
 * Output (one --format): text, the summary block; brief, a line per report as it is read,
 * then the summary; csv, the header and a row per report as it is read; json, the document
 * head with "summary" and "summary_state"; ndjson, that as one line, which merge reads
 * back: merging merged outputs gives the same summary (the fold is associative and
 * commutative).  Memory: one line and the fold's state, never the reports.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "analyze/analyze.h"
#include "cli/cli-internal.h"
#include "core/buf.h"
#include "core/limits.h"
#include "report/report.h"

#define SCHEMA "loganalyze.report/1"

struct merge {
    struct la_cli *cli;
    struct la_summary *sum;
    const char *format;
    FILE *out;
    struct la_buf row;
    unsigned long long reports, states, skipped;
    int failed;              /* a write or allocation failed */
};

static void skip(struct merge *m, const char *file, unsigned long long line, const char *why)
{
    struct la_diag d = { LA_SEV_WARNING, LA_D_MERGE_SKIPPED, file,
                         line > 0xffffffffu ? 0 : (unsigned)line, 1, why };

    la_cli_diag(m->cli, &d);
    m->skipped++;
}

/* The streamed part of brief and csv: the report's row, written at once. */
static void put_row(struct merge *m, const json_t *rep)
{
    enum la_rc rc = LA_OK;

    la_buf_reset(&m->row);
    if (!strcmp(m->format, "brief"))
        rc = la_report_brief_line(rep, &m->row);
    else if (!strcmp(m->format, "csv"))
        rc = la_report_csv_row(rep, &m->row);
    if (rc != LA_OK || fwrite(m->row.buf, 1, m->row.len, m->out) != m->row.len)
        m->failed = 1;
}

static void one_line(struct merge *m, const char *file, unsigned long long n, const char *s,
                     size_t len)
{
    json_error_t err;
    json_t *j, *rep, *st;
    const char *schema;
    char why[300];

    while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (!len)
        return;
    j = json_loadb(s, len, JSON_REJECT_DUPLICATES, &err);
    if (!j || !json_is_object(j)) {
        snprintf(why, sizeof why, "not a JSON object (%s); line skipped",
                 j ? "another JSON value" : err.text);
        skip(m, file, n, why);
        json_decref(j);
        return;
    }
    schema = json_string_value(json_object_get(j, "schema"));
    rep = json_object_get(j, "report");
    st = json_object_get(j, "summary_state");
    if (!schema || strcmp(schema, SCHEMA)) {
        snprintf(why, sizeof why, "schema '%.80s' is not '" SCHEMA "'; line skipped",
                 schema ? schema : "(none)");
        skip(m, file, n, why);
    } else if (json_is_object(rep)) {
        if (la_summary_add_report(m->sum, rep) != LA_OK)
            m->failed = 1;
        m->reports++;
        put_row(m, rep);
    } else if (st) {
        enum la_rc rc = la_summary_add_state(m->sum, st);
        if (rc == LA_FAILED)
            skip(m, file, n, "'summary_state' is not a valid summary state; line skipped");
        else if (rc != LA_OK)
            m->failed = 1;
        else
            m->states++;
    } else if (!json_object_get(j, "summary")) {
        skip(m, file, n, "neither a report line nor a summary state; line skipped");
    }
    json_decref(j);
}

/* Every line of f; a line over LA_MERGE_MAX_LINE is skipped whole. */
static void read_lines(struct merge *m, const char *file, FILE *f)
{
    struct la_buf line;
    char chunk[65536];
    unsigned long long n = 1;
    int toolong = 0;

    la_buf_init(&line, LA_MERGE_MAX_LINE);
    while (fgets(chunk, sizeof chunk, f)) {
        size_t len = strlen(chunk);
        int end = len && chunk[len - 1] == '\n';
        if (end)
            len--;
        if (!toolong && la_buf_add(&line, chunk, len) != LA_OK)
            toolong = 1;
        if (!end && !feof(f))
            continue;
        if (toolong)
            skip(m, file, n, "line longer than the merge limit (" LA_MERGE_MAX_LINE_TEXT
                 "); line skipped");
        else
            one_line(m, file, n, line.buf, line.len);
        la_buf_reset(&line);
        toolong = 0;
        n++;
    }
    if (ferror(f))
        la_cli_err(m->cli, LA_D_READ_FAILED, file, "read error: %s", strerror(errno));
    la_buf_release(&line);
}

/* The head, the summary and its state: the document `merge` writes as json and ndjson. */
static json_t *merged_doc(struct merge *m)
{
    json_t *doc = json_pack("{s:s,s:{s:s,s:s}}", "schema", SCHEMA, "tool", "name",
                            "loganalyze", "version", LA_VERSION);

    if (!doc || json_object_set_new(doc, "reports", json_array()) != 0 ||
        json_object_set_new(doc, "summary", la_summary_json(m->sum)) != 0 ||
        json_object_set_new(doc, "summary_state", la_summary_state(m->sum)) != 0) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/* What comes after the streamed rows. */
static int finish(struct merge *m, const struct la_report_opts *ro)
{
    struct la_buf b = LA_BUF_INIT;
    json_t *doc = merged_doc(m);
    enum la_rc rc = doc ? LA_OK : LA_FATAL;

    if (rc == LA_OK && (!strcmp(m->format, "json") || !strcmp(m->format, "ndjson"))) {
        json_object_del(doc, "reports");
        rc = la_buf_adds(&b, "");
        if (rc == LA_OK) {
            char *s = json_dumps(doc, JSON_PRESERVE_ORDER |
                                 (!strcmp(m->format, "json") ? JSON_INDENT(2) : JSON_COMPACT));
            rc = s ? la_buf_adds(&b, s) : LA_FATAL;
            if (rc == LA_OK)
                rc = la_buf_addc(&b, '\n');
            free(s);
        }
    } else if (rc == LA_OK && strcmp(m->format, "csv")) {
        rc = la_report_text_summary(doc, ro, &b);
    }
    json_decref(doc);
    if (rc != LA_OK || fwrite(b.buf, 1, b.len, m->out) != b.len)
        m->failed = 1;
    la_buf_release(&b);
    return m->failed ? -1 : 0;
}

static const char *const merge_formats[] = { "text", "brief", "csv", "json", "ndjson" };

int la_cli_merge(struct la_cli *cli, int argc, char **argv)
{
    const struct la_cli_opts *o = &cli->o;
    struct merge m;
    struct la_report_opts ro = { 0, 0, 1 };
    const char *file = o->output ? o->output : "-";
    static char stdin_name[] = "-";
    char *stdin_argv[1] = { stdin_name };
    int known = 0, rc = 0;

    memset(&m, 0, sizeof m);
    m.cli = cli;
    m.format = o->nouts ? o->outs[0].format : "text";
    if (o->nouts == 1 && o->outs[0].file)
        file = o->outs[0].file;
    for (size_t i = 0; i < sizeof merge_formats / sizeof *merge_formats; i++)
        known |= !strcmp(m.format, merge_formats[i]);
    if (o->nouts > 1 || !known) {
        la_cli_err(cli, LA_D_USAGE, NULL, "merge writes one format of text, brief, csv, json "
                   "and ndjson");
        return 2;
    }
    ro.width = la_cli_width(file);
    m.out = strcmp(file, "-") ? fopen(file, "w") : stdout;
    m.sum = la_summary_new();
    la_buf_init(&m.row, 0);
    if (!m.out) {
        la_cli_err(cli, LA_D_OUTPUT_FAILED, file, "cannot write: %s", strerror(errno));
        rc = 2;
        goto out;
    }
    if (!m.sum) {
        la_cli_err(cli, LA_D_NO_MEMORY, NULL, "out of memory");
        rc = 2;
        goto out;
    }
    if (!strcmp(m.format, "csv") && (la_report_csv_header(&m.row) != LA_OK ||
                                     fwrite(m.row.buf, 1, m.row.len, m.out) != m.row.len))
        m.failed = 1;
    if (argc == 0) {
        argc = 1;
        argv = stdin_argv;
    }
    for (int i = 0; i < argc; i++) {
        FILE *f = strcmp(argv[i], "-") ? fopen(argv[i], "r") : stdin;
        if (!f) {
            la_cli_err(cli, LA_D_OPEN_FAILED, argv[i], "cannot open: %s", strerror(errno));
            rc = 2;
            continue;
        }
        read_lines(&m, argv[i], f);
        if (f != stdin)
            fclose(f);
    }
    if (finish(&m, &ro) < 0 || (m.out != stdout && fclose(m.out) != 0) ||
        (m.out == stdout && fflush(stdout) != 0)) {
        la_cli_err(cli, LA_D_OUTPUT_FAILED, file, "cannot write the merged report");
        rc = 2;
    }
    m.out = NULL;
out:
    if (m.out && m.out != stdout)
        fclose(m.out);
    la_buf_release(&m.row);
    la_summary_free(m.sum);
    return rc;
}
