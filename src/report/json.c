/*
 * json and ndjson: the document itself.
 *
 * json is the document as given, keys in their order, indented by 2, with a
 * trailing newline.  ndjson is the map/reduce shape of docs/design.md: one
 * self-contained line per report,
 *   {"schema":…,"tool":…,"ruleset":…,"report":{…}}
 * and a last line {"schema":…,"summary":{…}}.  `loganalyze merge` folds the
 * report lines of many runs into one fleet summary (it skips the summary line,
 * which only restates the reports above it; docs/fleet.md).  "generated" (wall-clock time)
 * is dropped in deterministic mode and otherwise copied to every line.
 *
 * jansson escapes control characters in strings, so no line of ndjson output
 * can be split by the text it carries.
 */
#include "config.h"

#include <jansson.h>

#include "report/report-internal.h"

enum la_rc la_report_json(const json_t *doc, const struct la_report_opts *opts,
                          struct la_buf *out)
{
    enum la_rc rc;
    json_t *copy;

    if (!opts->deterministic || !json_object_get(doc, "generated")) {
        LA_TRY(la_report_dump(out, doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER));
        return la_buf_addc(out, '\n');
    }
    copy = json_copy((json_t *)doc);    /* shallow: values are shared, not changed */
    if (!copy)
        return LA_FATAL;
    if (json_object_del(copy, "generated") != 0) {
        json_decref(copy);
        return LA_FATAL;
    }
    rc = la_report_dump(out, copy, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(copy);
    return rc == LA_OK ? la_buf_addc(out, '\n') : rc;
}

/* Add key to line when doc has it. */
static int copy_key(json_t *line, const json_t *doc, const char *key)
{
    json_t *v = json_object_get(doc, key);

    return !v || json_object_set(line, key, v) == 0;
}

static enum la_rc put_line(struct la_buf *out, json_t *line)
{
    enum la_rc rc;

    if (!line)
        return LA_FATAL;
    rc = la_report_dump(out, line, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(line);
    return rc == LA_OK ? la_buf_addc(out, '\n') : rc;
}

/* A line starting {"schema":…,"tool":…,["generated":…]}. */
static json_t *line_head(const json_t *doc, const struct la_report_opts *opts)
{
    json_t *line = json_object();

    if (!line)
        return NULL;
    if (!copy_key(line, doc, "schema") || !copy_key(line, doc, "tool") ||
        (!opts->deterministic && !copy_key(line, doc, "generated"))) {
        json_decref(line);
        return NULL;
    }
    return line;
}

enum la_rc la_report_ndjson(const json_t *doc, const struct la_report_opts *opts,
                            struct la_buf *out)
{
    const json_t *reports = la_report_arr(doc, "reports");
    json_t *line, *summary;

    for (size_t i = 0; i < la_report_len(reports); i++) {
        line = line_head(doc, opts);
        if (line && (!copy_key(line, doc, "ruleset") ||
                     json_object_set(line, "report", json_array_get(reports, i)) != 0)) {
            json_decref(line);
            line = NULL;
        }
        LA_TRY(put_line(out, line));
    }
    line = json_object();
    if (line && (!copy_key(line, doc, "schema") ||
                 (!opts->deterministic && !copy_key(line, doc, "generated")))) {
        json_decref(line);
        line = NULL;
    }
    summary = json_object_get(doc, "summary");
    if (line && (summary ? json_object_set(line, "summary", summary)
                         : json_object_set_new(line, "summary", json_object())) != 0) {
        json_decref(line);
        line = NULL;
    }
    return put_line(out, line);
}
