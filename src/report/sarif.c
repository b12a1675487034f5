/*
 * sarif: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
 *
 * One run; tool.driver carries name, version, semanticVersion and
 * informationUri (LA_HOMEPAGE: meson's -Dhomepage, else a file: URI of the
 * installed README).  driver.rules has one
 * reporting descriptor per distinct evidence rule id, in order of first
 * appearance: id, a PascalCase name, shortDescription (the evidence title),
 * fullDescription (cause title and summary), help (the remediation steps)
 * and properties.tags (the cause ids it was evidence for).
 *
 * Results: one per evidence line of each cause of each failed or
 * inconclusive report, level from the cause level (high -> error, medium ->
 * warning, low -> note), stably sorted by level and capped at
 * LA_REPORT_SARIF_MAX_RESULTS (run.properties then says how many there
 * were).  Each has one physical location: the member path as a URI
 * reference and region.startLine (at least 1, as GitHub requires), and
 * partialFingerprints.primaryLocationLineHash = FNV-1a-64 of rule, source
 * and text plus ":occurrence", stable across runs.
 *
 * Member path -> URI (documented in docs/report.md): "outer!/inner" keeps
 * its "!/" separators literally (they are legal in a URI path); bytes other
 * than ALPHA DIGIT - . _ ~ / ! are percent-encoded (UTF-8), so spaces, ':',
 * '%', '#', '?', '\' and non-ASCII cannot be misread; a leading "./" is
 * dropped; an absolute POSIX path becomes file:///…, a Windows drive path
 * file:///C:/… with '\' turned into '/'.
 *
 * The log is built as a jansson tree and dumped with keys in insertion
 * order, so it is valid JSON by construction.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/alloc.h"
#include "report/report-internal.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

enum { L_ERROR, L_WARNING, L_NOTE, L_COUNT };

static const char *const level_names[L_COUNT] = { "error", "warning", "note" };

/* Occurrence counts of fingerprint hashes: open addressing, power-of-two size. */
struct fpset {
    uint64_t *keys;
    unsigned *counts;
    size_t size;
};

struct sarif {
    json_t *rules;                  /* driver.rules */
    json_t *by_level[L_COUNT];      /* results, grouped for the stable sort */
    struct fpset fp;
    struct la_buf tmp;
};

static int level_of(const char *level)
{
    if (strcmp(level, "high") == 0)
        return L_ERROR;
    if (strcmp(level, "medium") == 0)
        return L_WARNING;
    return L_NOTE;
}

/* How many times h was seen before, counting this one (1-based). */
static unsigned fp_next(struct fpset *s, uint64_t h)
{
    size_t i = (size_t)h & (s->size - 1);

    while (s->counts[i] && s->keys[i] != h)
        i = (i + 1) & (s->size - 1);
    s->keys[i] = h;
    return ++s->counts[i];
}

static int uri_plain(unsigned char c)
{
    return isalnum(c) ? c < 0x80 : (c == '-' || c == '.' || c == '_' || c == '~' ||
                                    c == '/' || c == '!');
}

static enum la_rc uri(struct la_buf *b, const char *path)
{
    const unsigned char *p = (const unsigned char *)path;
    int windows = 0;

    if (p[0] == '/') {
        LA_TRY(la_buf_adds(b, "file://"));
    } else if (isalpha(p[0]) && p[0] < 0x80 && p[1] == ':' && (p[2] == '\\' || p[2] == '/')) {
        LA_TRY(la_buf_addf(b, "file:///%c:", p[0]));
        p += 2;
        windows = 1;
    } else {
        while (p[0] == '.' && p[1] == '/')
            p += 2;
    }
    if (!*p)
        return la_buf_adds(b, "unknown");
    for (; *p; p++) {
        if (windows && *p == '\\')
            LA_TRY(la_buf_addc(b, '/'));
        else if (uri_plain(*p))
            LA_TRY(la_buf_addc(b, (char)*p));
        else
            LA_TRY(la_buf_addf(b, "%%%02X", *p));
    }
    return LA_OK;
}

/* "baseband.bbupdater-ping" -> "BasebandBbupdaterPing" */
static enum la_rc pascal(struct la_buf *b, const char *id)
{
    int up = 1;

    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        if (!isalnum(*p) || *p >= 0x80) {
            up = 1;
            continue;
        }
        LA_TRY(la_buf_addc(b, (char)(up ? toupper(*p) : *p)));
        up = 0;
    }
    return b->len ? LA_OK : la_buf_adds(b, "Rule");
}

static json_t *text_obj(const char *s)
{
    return json_pack("{s:s}", "text", s);
}

/* Index of rule id in s->rules, adding it (and the cause tag) as needed. */
static enum la_rc rule_index(struct sarif *s, const char *id, const json_t *cause,
                             const json_t *e, size_t *ret_index)
{
    const char *tag = la_report_str(cause, "id");
    const json_t *rem = la_report_arr(cause, "remediation");
    json_t *rule, *tags;
    size_t n = json_array_size(s->rules);

    for (size_t i = 0; i < n; i++) {
        rule = json_array_get(s->rules, i);
        if (strcmp(la_report_str(rule, "id"), id) != 0)
            continue;
        tags = json_object_get(json_object_get(rule, "properties"), "tags");
        for (size_t k = 0; k < json_array_size(tags); k++)
            if (strcmp(la_report_item_str(tags, k), tag) == 0)
                goto found;
        if (json_array_append_new(tags, json_string(tag)) != 0)
            return LA_FATAL;
found:
        *ret_index = i;
        return LA_OK;
    }
    la_buf_reset(&s->tmp);
    LA_TRY(pascal(&s->tmp, id));
    rule = json_pack("{s:s,s:s}", "id", id, "name", s->tmp.buf);
    la_buf_reset(&s->tmp);
    if (rule)
        json_object_set_new(rule, "shortDescription",
                            text_obj(la_report_has_str(e, "title") ? la_report_str(e, "title")
                                                                   : id));
    /* A vocabulary message says first what it means ("the filesystem transfer ... broke"). */
    if ((la_report_has_str(e, "meaning") &&
         la_buf_addf(&s->tmp, "The message means %s. ", la_report_str(e, "meaning")) != LA_OK) ||
        la_buf_addf(&s->tmp, "Evidence for %s", la_report_str(cause, "title")) != LA_OK ||
        (la_report_has_str(cause, "summary") &&
         la_buf_addf(&s->tmp, ": %s", la_report_str(cause, "summary")) != LA_OK))
        goto oom;
    if (rule)
        json_object_set_new(rule, "fullDescription", text_obj(s->tmp.buf));
    la_buf_reset(&s->tmp);
    /* The rule's own first step (its 'advice'), then the cause's remediation. */
    if (la_report_has_str(e, "advice") &&
        la_buf_addf(&s->tmp, "What to do first: %s%s", la_report_str(e, "advice"),
                    la_report_len(rem) ? "\n" : "") != LA_OK)
        goto oom;
    for (size_t k = 0; k < la_report_len(rem); k++)
        if (la_buf_addf(&s->tmp, "%s%zu. %s", k ? "\n" : "", k + 1,
                        la_report_item_str(rem, k)) != LA_OK)
            goto oom;
    if (!s->tmp.len && la_buf_addf(&s->tmp, "See the loganalyze report.") != LA_OK)
        goto oom;
    if (rule) {
        json_object_set_new(rule, "help", text_obj(s->tmp.buf));
        json_object_set_new(rule, "properties", json_pack("{s:[s]}", "tags", tag));
    }
    if (!rule || !json_object_get(rule, "properties") || !json_object_get(rule, "help") ||
        !json_object_get(rule, "shortDescription") || !json_object_get(rule, "fullDescription"))
        goto oom;
    /* json_array_append_new takes rule even when it fails. */
    if (json_array_append_new(s->rules, rule) != 0)
        return LA_FATAL;
    *ret_index = n;
    return LA_OK;
oom:
    json_decref(rule);
    return LA_FATAL;
}

static enum la_rc add_result(struct sarif *s, const json_t *r, const json_t *c,
                             const json_t *e)
{
    const char *rule = la_report_str(e, "rule"), *src = la_report_str(e, "source");
    const char *text = la_report_str(e, "text");
    int level = level_of(la_report_str(c, "level"));
    long long line = la_report_int(e, "line");
    char fp[40];
    size_t idx;
    uint64_t h = LA_FNV_OFFSET;
    json_t *res;

    if (!*rule)
        rule = la_report_has_str(c, "id") ? la_report_str(c, "id") : "loganalyze";
    if (!*src)
        src = la_report_str(r, "input");
    LA_TRY(rule_index(s, rule, c, e, &idx));
    h = la_report_fnv1a(h, rule, strlen(rule) + 1);
    h = la_report_fnv1a(h, src, strlen(src) + 1);
    h = la_report_fnv1a(h, text, strlen(text));
    snprintf(fp, sizeof(fp), "%016llx:%u", (unsigned long long)h, fp_next(&s->fp, h));
    la_buf_reset(&s->tmp);
    LA_TRY(la_buf_addf(&s->tmp, "%s: %s — %s", la_report_str(c, "title"),
                       la_report_has_str(e, "title") ? la_report_str(e, "title") : rule, text));
    res = json_pack("{s:s,s:I,s:s,s:{s:s}}", "ruleId", rule, "ruleIndex", (json_int_t)idx,
                    "level", level_names[level], "message", "text", s->tmp.buf);
    la_buf_reset(&s->tmp);
    if (!res || uri(&s->tmp, src) != LA_OK) {
        json_decref(res);
        return LA_FATAL;
    }
    /* json_pack refuses invalid UTF-8 (NULL): then res is ours to free. */
    if (json_object_set_new(res, "locations",
                            json_pack("[{s:{s:{s:s},s:{s:I}}}]", "physicalLocation",
                                      "artifactLocation", "uri", s->tmp.buf, "region",
                                      "startLine", (json_int_t)(line > 0 ? line : 1))) != 0 ||
        json_object_set_new(res, "partialFingerprints",
                            json_pack("{s:s}", "primaryLocationLineHash", fp)) != 0 ||
        json_object_set_new(res, "properties",
                            json_pack("{s:s,s:s,s:f}", "input", la_report_str(r, "input"),
                                      "cause", la_report_str(c, "id"), "confidence",
                                      la_report_real(c, "confidence"))) != 0) {
        json_decref(res);
        return LA_FATAL;
    }
    /* json_array_append_new takes res even when it fails. */
    if (json_array_append_new(s->by_level[level], res) != 0)
        return LA_FATAL;
    return LA_OK;
}

/* At most how many results the reports give: every evidence line, and one per input (a
 * failed input without evidence gets its restore-failed result). */
static size_t count_results(const json_t *reports)
{
    size_t n = la_report_len(reports);

    for (size_t i = 0; i < la_report_len(reports); i++) {
        const json_t *cs = la_report_arr(json_array_get(reports, i), "causes");

        for (size_t k = 0; k < la_report_len(cs); k++)
            n += la_report_len(la_report_arr(json_array_get(cs, k), "evidence"));
    }
    return n;
}

/*
 * A failed restore whose cause is unclear still gets a result, so a CI gate sees it: rule
 * "restore-failed", anchored at the line that says it failed (the input's first line when
 * there is none), under a cause stand-in that says the cause is unclear.
 */
static enum la_rc add_unclear(struct sarif *s, const json_t *r)
{
    const json_t *l = la_report_deciding_line(r);
    json_t *c = json_pack("{s:s,s:s,s:s,s:s,s:f,s:[s]}", "id", "unclear", "title",
                          "Restore failed, cause unclear", "level", "medium", "summary",
                          "The restore failed, but no line of the log says why; the report "
                          "lists what to collect next.", "confidence", 0.0, "remediation",
                          "Collect the logs the report lists and run loganalyze on them.");
    json_t *e = json_pack("{s:s,s:s,s:s,s:I,s:s}", "rule", "restore-failed", "title",
                          "The restore failed", "source", la_report_str(l, "source"), "line",
                          (json_int_t)la_report_int(l, "line"), "text",
                          l ? la_report_str(l, "text") : la_report_verdict(r));
    enum la_rc rc = c && e ? add_result(s, r, c, e) : LA_FATAL;

    json_decref(c);
    json_decref(e);
    return rc;
}

/* Results collected so far, over every level. */
static size_t n_results(const struct sarif *s)
{
    size_t n = 0;

    for (int l = 0; l < L_COUNT; l++)
        n += json_array_size(s->by_level[l]);
    return n;
}

static enum la_rc collect(struct sarif *s, const json_t *reports)
{
    for (size_t i = 0; i < la_report_len(reports); i++) {
        const json_t *r = json_array_get(reports, i), *cs = la_report_arr(r, "causes");
        const char *o = la_report_str(r, "outcome");
        size_t before = n_results(s);

        if (strcmp(o, "failed") != 0 && strcmp(o, "inconclusive") != 0)
            continue;
        for (size_t k = 0; k < la_report_len(cs); k++) {
            const json_t *c = json_array_get(cs, k), *ev = la_report_arr(c, "evidence");

            for (size_t j = 0; j < la_report_len(ev); j++)
                LA_TRY(add_result(s, r, c, json_array_get(ev, j)));
        }
        if (n_results(s) == before && strcmp(o, "failed") == 0)
            LA_TRY(add_unclear(s, r));
    }
    return LA_OK;
}

static enum la_rc build(struct sarif *s, const json_t *doc, json_t **ret_log)
{
    const json_t *tool = la_report_obj(doc, "tool");
    const char *version = la_report_has_str(tool, "version") ? la_report_str(tool, "version")
                                                             : "0.0.0";
    json_t *log, *run, *results;
    size_t total = 0, kept = 0;

    LA_TRY(collect(s, la_report_arr(doc, "reports")));
    results = json_array();
    if (!results)
        return LA_FATAL;
    total = n_results(s);
    for (int l = 0; l < L_COUNT; l++) {
        for (size_t i = 0; i < json_array_size(s->by_level[l]); i++) {
            if (kept == LA_REPORT_SARIF_MAX_RESULTS)
                break;
            if (json_array_append(results, json_array_get(s->by_level[l], i)) != 0) {
                json_decref(results);
                return LA_FATAL;
            }
            kept++;
        }
    }
    run = json_pack("{s:{s:{s:s,s:s,s:s,s:s,s:O}},s:o}", "tool", "driver", "name", "loganalyze",
                    "version", version, "semanticVersion", version, "informationUri",
                    LA_HOMEPAGE, "rules", s->rules, "results", results);
    if (run && total > kept &&
        json_object_set_new(run, "properties",
                            json_pack("{s:b,s:I}", "resultsTruncated", 1, "resultsTotal",
                                      (json_int_t)total)) != 0) {
        json_decref(run);
        run = NULL;
    }
    log = run ? json_pack("{s:s,s:s,s:[o]}", "$schema", SARIF_SCHEMA, "version", "2.1.0",
                          "runs", run)
              : NULL;
    if (!log)
        return LA_FATAL;
    *ret_log = log;
    return LA_OK;
}

enum la_rc la_report_sarif(const json_t *doc, const struct la_report_opts *opts,
                           struct la_buf *out)
{
    struct sarif s;
    json_t *log = NULL;
    size_t n = count_results(la_report_arr(doc, "reports"));
    enum la_rc rc = LA_FATAL;

    memset(&s, 0, sizeof(s));
    la_buf_init(&s.tmp, 0);
    for (s.fp.size = 16; s.fp.size < 2 * n; s.fp.size *= 2)
        ;
    s.fp.keys = la_calloc(s.fp.size, sizeof(*s.fp.keys));
    s.fp.counts = la_calloc(s.fp.size, sizeof(*s.fp.counts));
    s.rules = json_array();
    for (int l = 0; l < L_COUNT; l++)
        s.by_level[l] = json_array();
    if (s.fp.keys && s.fp.counts && s.rules && s.by_level[0] && s.by_level[1] &&
        s.by_level[2])
        rc = build(&s, doc, &log);
    if (rc == LA_OK)
        rc = la_report_dump(out, log, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (rc == LA_OK)
        rc = la_buf_addc(out, '\n');
    json_decref(log);
    json_decref(s.rules);
    for (int l = 0; l < L_COUNT; l++)
        json_decref(s.by_level[l]);
    la_free(s.fp.keys);
    la_free(s.fp.counts);
    la_buf_release(&s.tmp);
    return rc;
}
