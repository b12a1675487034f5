/*
 * csv: one row per case under a fixed header, for a spreadsheet or a script
 * (docs/report.md "csv").  RFC 4180: CRLF line ends, every cell quoted with
 * '"' and a '"' inside doubled, so a comma, a quote or a line break in log text never
 * moves a cell.
 *
 * Spreadsheet formula injection (OWASP "CSV Injection"): a cell that starts with = + - @,
 * a tab or a carriage return gets a leading ' so that Excel, LibreOffice and Google Sheets
 * show it as text instead of running it as a formula.  A cell that is one integer ("-256",
 * an error code) is left as it is: a number cannot be a formula.  Invalid UTF-8 becomes
 * U+FFFD, other bytes are kept (a CSV cell may hold any text).
 *
 * The header (LA_REPORT_CSV_HEADER) is a contract: columns are only ever added at the end.
 * `loganalyze merge --format csv` writes the same header and rows, one report at a time.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "report/report-internal.h"

/* A single integer, optionally negative. */
static int is_integer(const char *s)
{
    if (*s == '-')
        s++;
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* One quoted cell, and the separator before it unless first. */
static enum la_rc cell(struct la_buf *out, const char *s, int first)
{
    size_t len = s ? strlen(s) : 0;

    if (!s)
        s = "";
    if (!first)
        LA_TRY(la_buf_addc(out, ','));
    LA_TRY(la_buf_addc(out, '"'));
    if (len && strchr("=+-@\t\r", s[0]) && !is_integer(s))
        LA_TRY(la_buf_addc(out, '\''));
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = la_utf8_next(s + i, len - i, &cp);
        if (cp == '"')
            LA_TRY(la_buf_adds(out, "\"\""));
        else if (cp == 0xFFFD || n > 1)
            LA_TRY(la_utf8_put(out, cp));
        else
            LA_TRY(la_buf_addc(out, s[i]));
        i += n;
    }
    return la_buf_addc(out, '"');
}

enum la_rc la_report_csv_header(struct la_buf *out)
{
    return la_buf_adds(out, LA_REPORT_CSV_HEADER "\r\n");
}

enum la_rc la_report_csv_row(const json_t *r, struct la_buf *out)
{
    const json_t *c0 = json_array_get(la_report_arr(r, "causes"), 0);
    const json_t *d = la_report_obj(r, "diagnosis"), *dev = la_report_obj(r, "device");
    const json_t *host = la_report_obj(r, "host"), *ints = la_report_arr(r, "error_codes");
    struct la_buf b = LA_BUF_INIT;
    char pct[16];
    enum la_rc rc = LA_OK;
    size_t i;

    LA_TRY(cell(out, la_report_str(r, "input"), 1));
    LA_TRY(cell(out, la_report_str(r, "outcome"), 0));
    LA_TRY(cell(out, la_report_verdict(r), 0));
    LA_TRY(cell(out, la_report_str(d, "level"), 0));
    LA_TRY(cell(out, la_report_str(c0, "id"), 0));
    LA_TRY(cell(out, la_report_str(c0, "title"), 0));
    snprintf(pct, sizeof(pct), "%d", la_report_percent(la_report_real(c0, "confidence")));
    LA_TRY(cell(out, c0 ? pct : "", 0));
    LA_TRY(cell(out, la_report_case_stage(r), 0));
    for (i = 0; i < la_report_len(ints) && rc == LA_OK; i++)
        rc = la_buf_addf(&b, "%s%lld", i ? " " : "",
                         (long long)json_integer_value(json_array_get(ints, i)));
    if (rc == LA_OK)
        rc = cell(out, b.buf, 0);
    la_buf_reset(&b);
    if (rc == LA_OK)
        rc = la_report_codes_line(r, &b);
    if (rc == LA_OK)
        rc = cell(out, b.buf, 0);
    la_buf_release(&b);
    LA_TRY(rc);
    LA_TRY(cell(out, la_report_str(dev, "model"), 0));
    LA_TRY(cell(out, la_report_str(dev, "ios"), 0));
    LA_TRY(cell(out, la_report_str(dev, "ecid"), 0));
    LA_TRY(cell(out, la_report_str(host, "software"), 0));
    return la_buf_adds(out, "\r\n");
}

enum la_rc la_report_csv(const json_t *doc, const struct la_report_opts *opts,
                         struct la_buf *out)
{
    const json_t *reports = la_report_arr(doc, "reports");

    (void)opts;
    LA_TRY(la_report_csv_header(out));
    for (size_t i = 0; i < la_report_len(reports); i++)
        LA_TRY(la_report_csv_row(json_array_get(reports, i), out));
    return LA_OK;
}
