/*
 * The reporter's registry and entry point.
 *
 * Formats are a table of struct la_reporter (dav1d's muxers): adding a format
 * is one render function and one row here.  The table is the one list of the
 * formats: the CLI's --help, its check of --format and the unknown-format
 * diagnostic below all read it (la_report_format_name).  la_report_render() validates its
 * arguments (exported from la-core: bad arguments are LA_FATAL, not asserts),
 * looks the format up, and guarantees the caller's buffer is back at its
 * entry length when a renderer fails, so a partial report is never written.
 *
 * The document contract (schema "loganalyze.report/1") is in docs/design.md and
 * docs/report.md; renderers read it leniently (report-internal.h) so a
 * missing key never crashes a format.
 */
#include "config.h"

#include <string.h>

#include "report/report-internal.h"

static const struct la_reporter reporters[] = {
    { "text", "txt", la_report_text },
    { "json", "json", la_report_json },
    { "ndjson", "ndjson", la_report_ndjson },
    { "markdown", "md", la_report_markdown },
    { "html", "html", la_report_html },
    { "junit", "xml", la_report_junit },
    { "sarif", "sarif", la_report_sarif },
    { "github", "txt", la_report_github },
    { "brief", "txt", la_report_brief },
    { "csv", "csv", la_report_csv },
};

#define N_REPORTERS (sizeof(reporters) / sizeof(reporters[0]))

static const struct la_reporter *find(const char *format)
{
    if (!format)
        return NULL;
    for (size_t i = 0; i < N_REPORTERS; i++)
        if (strcmp(reporters[i].name, format) == 0)
            return &reporters[i];
    return NULL;
}

int la_report_known(const char *format)
{
    return find(format) != NULL;
}

const char *la_report_extension(const char *format)
{
    const struct la_reporter *r = find(format);

    return r ? r->extension : NULL;
}

const char *la_report_format_name(size_t n)
{
    return n < N_REPORTERS ? reporters[n].name : NULL;
}

enum la_rc la_report_render(const char *format, const json_t *doc,
                            const struct la_report_opts *opts, struct la_buf *out,
                            struct la_diag_sink *sink)
{
    static const struct la_report_opts defaults = { 0, 0, 0 };
    const struct la_reporter *r;
    struct la_buf names = LA_BUF_INIT;
    json_t *valid;
    size_t start;
    enum la_rc rc;

    if (!format || !json_is_object(doc) || !out)
        return LA_FATAL;
    r = find(format);
    if (!r) {
        for (size_t i = 0; i < N_REPORTERS; i++)
            if (la_buf_addf(&names, "%s%s", i ? ", " : "", reporters[i].name) != LA_OK)
                la_buf_reset(&names);
        la_diagf(sink, LA_SEV_ERROR, LA_D_USAGE, NULL, 0, 0,
                 "unknown report format '%s' (known: %s)", format, names.buf);
        la_buf_release(&names);
        return LA_FAILED;
    }
    start = out->len;
    valid = la_report_valid(doc);
    rc = valid ? r->render(valid, opts ? opts : &defaults, out) : LA_FATAL;
    json_decref(valid);
    if (rc != LA_OK)
        la_buf_truncate(out, start);
    return rc;
}
