/*
 * `loganalyze inspect PATH...`: every member of the inputs with its format, size, line
 * count and status (for a unified-log member, its chunks of each kind, unsupported chunks,
 * unresolved entries and damage too), as a table or (--format json) a JSON document.
 *
 * Members are written while the inputs are read, a table row or an array element each;
 * nothing is collected, so an archive of any number of members lists in constant memory.
 * A member's path is the archive's own name for it: in the table it is escaped for the
 * terminal (la_escape_terminal: no escape sequence, and a newline in a name cannot start a
 * row of its own) and padded by characters, not bytes; in JSON it is valid UTF-8 already.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "cli/cli-internal.h"
#include "core/buf.h"
#include "core/encoding.h"
#include "ingest/ingest.h"
#include "report/report.h"

#define PATH_COLS 60               /* the table's first column, in characters */

struct inspect_out {
    struct la_cli *cli;
    int as_json;
    unsigned long n;               /* members written */
    struct la_buf esc;             /* scratch: one escaped cell */
};

/* s escaped for the terminal into o->esc, padded with spaces to cols characters. */
static enum la_rc cell(struct inspect_out *o, const char *s, size_t cols)
{
    size_t n;

    la_buf_reset(&o->esc);
    if (la_escape_terminal(&o->esc, s ? s : "", s ? strlen(s) : 0) != LA_OK)
        return LA_FATAL;
    for (n = la_utf8_cols(o->esc.buf, o->esc.len); n < cols; n++)
        if (la_buf_addc(&o->esc, ' ') != LA_OK)
            return LA_FATAL;
    return LA_OK;
}

/* A unified-log member's chunks of each kind, unsupported chunks, unresolved entries and
 * damage, after its status in the table (the JSON form has them as members[].tracev3). */
static void tracev3_counts(const json_t *t)
{
    static const char *const kinds[] = { "catalog", "chunkset", "firehose", "oversize",
                                         "statedump", "simpledump", "unsupported" };
    const json_t *c = json_object_get(t, "chunks");

    if (!t)
        return;
    printf("; chunks:");
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        printf("%s %lld %s", i ? "," : "",
               (long long)json_integer_value(json_object_get(c, kinds[i])), kinds[i]);
    printf("; %lld unresolved, %lld damaged",
           (long long)json_integer_value(json_object_get(t, "unresolved")),
           (long long)json_integer_value(json_object_get(t, "damaged")));
}

/* One member, written as soon as it has been read. */
static enum la_rc member(void *user, const json_t *m)
{
    struct inspect_out *o = user;

    if (o->as_json) {
        char *s = json_dumps(m, JSON_PRESERVE_ORDER | JSON_COMPACT);
        if (!s) {
            la_cli_err(o->cli, LA_D_NO_MEMORY, NULL, "out of memory");
            return LA_FATAL;
        }
        printf("%s    %s", o->n ? ",\n" : "\n", s);
        free(s);
    } else {
        const char *f = json_string_value(json_object_get(m, "format"));
        if (cell(o, json_string_value(json_object_get(m, "path")), PATH_COLS) != LA_OK) {
            la_cli_err(o->cli, LA_D_NO_MEMORY, NULL, "out of memory");
            return LA_FATAL;
        }
        printf("%s %-16s %12lld %9lld  %s", o->esc.buf, f ? f : "-",
               (long long)json_integer_value(json_object_get(m, "bytes")),
               (long long)json_integer_value(json_object_get(m, "lines")),
               json_string_value(json_object_get(m, "status")));
        tracev3_counts(json_object_get(m, "tracev3"));
        putchar('\n');
    }
    o->n++;
    return LA_OK;
}

int la_cli_inspect(struct la_cli *cli, int argc, char **argv)
{
    struct la_engine *e = NULL;
    struct inspect_out out = { cli, 0, 0, LA_BUF_INIT };
    int rc = 0, missing, spare;

    for (int i = 0; i < cli->o.nouts; i++)
        if (!strcmp(cli->o.outs[i].format, "json"))
            out.as_json = 1;
    if (argc < 1) {
        la_cli_err(cli, LA_D_USAGE, NULL, "inspect needs a path");
        return 2;
    }
    argc = la_cli_keep_existing(cli, argc, argv, &missing);
    if (argc < 1)
        return 2;
    rc = missing ? 2 : 0;
    if (la_engine_new(&e, &cli->o.eo, &cli->sink) != LA_OK)
        return 2;
    if (out.as_json)
        printf("{\n  \"members\": [");
    else
        printf("%-60s %-16s %12s %9s  %s\n", "MEMBER", "FORMAT", "BYTES", "LINES", "STATUS");
    /* One thread reads the inputs in turn: the other cores (--jobs) may inflate. */
    spare = (int)(cli->o.jobs > 0 ? cli->o.jobs : sysconf(_SC_NPROCESSORS_ONLN)) - 1;
    if (spare > 0)
        la_ingest_spare_threads(spare);
    for (int i = 0; i < argc; i++) {
        enum la_rc r = la_engine_inspect(e, argv[i], member, &out, &cli->sink);
        if (r == LA_FAILED || r == LA_FATAL)
            rc = 2;
        if (r == LA_FATAL)
            break;
    }
    if (out.as_json)
        printf("%s]\n}\n", out.n ? "\n  " : "");
    if (spare > 0)
        la_ingest_spare_threads(-spare);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        la_cli_err(cli, LA_D_OUTPUT_FAILED, NULL, "standard output: %s", strerror(errno));
        rc = 2;
    }
    la_engine_free(e);
    la_buf_release(&out.esc);
    return rc;
}
