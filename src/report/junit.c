/*
 * junit: JUnit XML for CI test views (GitLab, Jenkins, Azure, GitHub
 * test-report actions).
 *
 * Shape (GitLab-compatible; tests/report/junit.xsd pins it):
 *   <testsuites name="loganalyze" tests failures errors skipped>
 *     <testsuite name="loganalyze" tests failures errors="0" skipped>
 *       <testcase classname="loganalyze" name="INPUT">   one per input
 *         failed        <failure message="VERDICT" type="TOP-CAUSE-ID">details</failure>
 *         inconclusive  <failure message="VERDICT" type="inconclusive">details</failure>
 *                       (a CI gate must notice that nothing could be decided)
 *         no restore    <skipped message="VERDICT"/>
 *         succeeded     (empty: passed)
 * The details text lists the top three causes with their evidence and the
 * next steps.  All text goes through la_escape_xml(), so the file is
 * well-formed XML 1.0 whatever the logs held (no CDATA: "]]>" cannot break
 * out of an escaped text node).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "report/report-internal.h"

#define TOP_CAUSES 3

static enum la_rc xml(struct la_buf *out, const char *s)
{
    return la_escape_xml(out, s, strlen(s));
}

static enum la_rc details(struct la_buf *out, const json_t *r, struct la_buf *b)
{
    const json_t *cs = la_report_arr(r, "causes"), *col = la_report_arr(r, "collect");

    la_buf_reset(b);
    LA_TRY(la_buf_addf(b, "%s\n", la_report_verdict(r)));
    for (size_t i = 0; i < la_report_len(cs) && i < TOP_CAUSES; i++) {
        const json_t *c = json_array_get(cs, i), *ev = la_report_arr(c, "evidence");
        const json_t *rem = la_report_arr(c, "remediation");

        LA_TRY(la_buf_addf(b, "\n%zu. %s — %s (%d %%, %s)\n", i + 1, la_report_str(c, "id"),
                           la_report_str(c, "title"),
                           la_report_percent(la_report_real(c, "confidence")),
                           la_report_str(c, "level")));
        for (size_t k = 0; k < la_report_len(ev); k++) {
            const json_t *e = json_array_get(ev, k);

            LA_TRY(la_buf_addf(b, "   evidence: %s", la_report_str(e, "source")));
            if (la_report_int(e, "line") > 0)
                LA_TRY(la_buf_addf(b, ":%lld", la_report_int(e, "line")));
            LA_TRY(la_buf_addf(b, "  %s\n", la_report_str(e, "text")));
        }
        for (size_t k = 0; k < la_report_len(rem); k++)
            LA_TRY(la_buf_addf(b, "   step %zu: %s\n", k + 1, la_report_item_str(rem, k)));
        if (la_report_has_str(c, "next_test"))
            LA_TRY(la_buf_addf(b, "   next test: %s\n", la_report_str(c, "next_test")));
    }
    if (la_report_len(col)) {
        LA_TRY(la_buf_adds(b, "\nWhat to collect next:\n"));
        for (size_t k = 0; k < la_report_len(col); k++)
            LA_TRY(la_buf_addf(b, "   - %s\n", la_report_item_str(col, k)));
    }
    return xml(out, b->buf);
}

enum la_rc la_report_junit(const json_t *doc, const struct la_report_opts *opts,
                           struct la_buf *out)
{
    const json_t *reports = la_report_arr(doc, "reports");
    size_t n = la_report_len(reports), failures = 0, skipped = 0;
    struct la_buf b = LA_BUF_INIT;
    enum la_rc rc = LA_OK;
    char counts[160];

    for (size_t i = 0; i < n; i++) {
        const char *o = la_report_str(json_array_get(reports, i), "outcome");

        if (strcmp(o, "failed") == 0 || strcmp(o, "inconclusive") == 0)
            failures++;
        else if (strcmp(o, "no-restore-found") == 0)
            skipped++;
    }
    snprintf(counts, sizeof(counts), "tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\"",
             n, failures, skipped);
    LA_TRY(la_buf_addf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                            "<testsuites name=\"loganalyze\" %s>\n"
                            "  <testsuite name=\"loganalyze\" %s", counts, counts));
    if (!opts->deterministic && la_report_has_str(doc, "generated")) {
        LA_TRY(la_buf_adds(out, " timestamp=\""));
        LA_TRY(xml(out, la_report_str(doc, "generated")));
        LA_TRY(la_buf_addc(out, '"'));
    }
    LA_TRY(la_buf_adds(out, ">\n"));
    for (size_t i = 0; i < n && rc == LA_OK; i++) {
        const json_t *r = json_array_get(reports, i), *cs = la_report_arr(r, "causes");
        const char *o = la_report_str(r, "outcome");
        int failed = strcmp(o, "failed") == 0, inconclusive = strcmp(o, "inconclusive") == 0;

        rc = la_buf_adds(out, "    <testcase classname=\"loganalyze\" name=\"");
        if (rc == LA_OK)
            rc = xml(out, la_report_str(r, "input"));
        if (rc == LA_OK && la_report_obj(r, "case")) {
            /* One testcase per case: "shop.zip (case 1 of 2: device ecid-…, …)". */
            struct la_buf c = LA_BUF_INIT;
            rc = la_buf_adds(&c, " (case ");
            if (rc == LA_OK)
                rc = la_report_case_line(r, &c);
            if (rc == LA_OK)
                rc = la_buf_adds(&c, ")");
            if (rc == LA_OK)
                rc = xml(out, c.buf);
            la_buf_release(&c);
        }
        if (rc != LA_OK)
            break;
        if (failed || inconclusive) {
            const char *type = inconclusive ? "inconclusive" : "unclear";

            if (failed && la_report_len(cs) && json_array_size(la_report_arr(
                                                    json_array_get(cs, 0), "evidence")))
                type = la_report_str(json_array_get(cs, 0), "id");
            rc = la_buf_adds(out, "\">\n      <failure message=\"");
            if (rc == LA_OK)
                rc = xml(out, la_report_verdict(r));
            if (rc == LA_OK)
                rc = la_buf_adds(out, "\" type=\"");
            if (rc == LA_OK)
                rc = xml(out, type);
            if (rc == LA_OK)
                rc = la_buf_adds(out, "\">");
            if (rc == LA_OK)
                rc = details(out, r, &b);
            if (rc == LA_OK)
                rc = la_buf_adds(out, "</failure>\n    </testcase>\n");
        } else if (strcmp(o, "no-restore-found") == 0) {
            rc = la_buf_adds(out, "\">\n      <skipped message=\"");
            if (rc == LA_OK)
                rc = xml(out, la_report_verdict(r));
            if (rc == LA_OK)
                rc = la_buf_adds(out, "\"/>\n    </testcase>\n");
        } else {
            rc = la_buf_adds(out, "\"/>\n");
        }
    }
    la_buf_release(&b);
    LA_TRY(rc);
    return la_buf_adds(out, "  </testsuite>\n</testsuites>\n");
}
