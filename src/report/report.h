#ifndef LA_REPORT_REPORT_H
#define LA_REPORT_REPORT_H

/*
 * The reporter: renders a finished report document into one of the output
 * formats of its registry (registry.c), and explain entries (explain.c).
 *
 * The document is a jansson object of schema "loganalyze.report/1" (see
 * docs/design.md and docs/report.md).  The reporter depends only on core/ and
 * jansson; it never sees the analysis internals.  Every string in the
 * document is treated as untrusted text and escaped for the target format.
 *
 * Common case: the caller owns the document and the output buffer; rendering
 * only reads the document and appends to the buffer.  On any failure the
 * buffer is returned to the length it had on entry.
 */

#include <stddef.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/error.h"

struct la_report_opts {
    int color;          /* text: ANSI colours */
    unsigned width;     /* text: terminal width, 0 = 100 */
    int deterministic;  /* no wall-clock time, stable order (golden tests) */
};

/*
 * Render doc as format NAME (a row of the registry, registry.c, which
 * la_report_format_name() lists), appending to out.  opts may be NULL (all
 * defaults).  doc is only read; out stays owned by the caller.
 *
 * Returns LA_OK; LA_FAILED for an unknown format (a diagnostic LA300 goes to
 * sink, which may be NULL) or when out's cap is too small; LA_FATAL on OOM or
 * invalid arguments (NULL format, doc or out, doc not an object).  On failure
 * out is truncated back to its length on entry.
 */
LA_NODISCARD enum la_rc la_report_render(const char *format, const json_t *doc,
                                         const struct la_report_opts *opts,
                                         struct la_buf *out, struct la_diag_sink *sink);

/* 1 if NAME is a report format, else 0 (NULL gives 0). */
int la_report_known(const char *format);

/*
 * The file-name extension (without the dot) for a format ("md" for
 * markdown), NULL for an unknown format.  The string is static.
 */
const char *la_report_extension(const char *format);

/*
 * The name of the Nth format in registry order (0-based), or NULL past the
 * end; for help texts and tests.  The string is static.
 */
const char *la_report_format_name(size_t n);

/*
 * The HTML report of doc as a fragment for a page that shows it inside itself (`loganalyze
 * serve`): the body of the "html" format in one <div class="la-report">, without the
 * document around it and without its CSS, which la_report_html_css() gives (every rule is
 * scoped under .la-report).  No script, no inline style attribute, no external URL; every
 * string escaped.  Appends to out; LA_OK, LA_FAILED when out's cap is too small, LA_FATAL on
 * OOM or invalid arguments; on failure out is back at its entry length.
 */
LA_NODISCARD enum la_rc la_report_html_fragment(const json_t *doc, struct la_buf *out);

/* The CSS of the HTML report's own rules (all under .la-report); a static string. */
const char *la_report_html_css(void);

/*
 * The pieces of the batch formats, for a caller that streams reports it does not keep
 * (`loganalyze merge`).  Each appends to out; on failure out may hold part of a line.
 * la_report_brief_line(): a report's line of the brief format.
 * la_report_csv_header() / la_report_csv_row(): the csv header line and a report's row.
 * la_report_text_summary(): the summary block of the text and brief formats, from doc's
 * "summary" (nothing when doc has none).
 * Return LA_OK, LA_FAILED past out's cap or LA_FATAL on OOM.
 */
#define LA_REPORT_CSV_HEADER                                                                 \
    "input,outcome,verdict,diagnosis,cause,cause_title,confidence_percent,stage,error_codes,"  \
    "codes,model,ios,ecid,host"
LA_NODISCARD enum la_rc la_report_brief_line(const json_t *report, struct la_buf *out);
LA_NODISCARD enum la_rc la_report_csv_header(struct la_buf *out);
LA_NODISCARD enum la_rc la_report_csv_row(const json_t *report, struct la_buf *out);
LA_NODISCARD enum la_rc la_report_text_summary(const json_t *doc,
                                               const struct la_report_opts *opts,
                                               struct la_buf *out);

/*
 * Render explain entries, a JSON array of la_explain() objects (analyze/explain.h), as
 * format "text" (sections wrapped at opts->width columns, 0 = 88; entries separated by a
 * line of dashes), "markdown", "html" (the fragment `loganalyze serve` answers /explain
 * with: every string escaped) or "json" ({"schema": "loganalyze.explain/1", "codes":
 * entries}, indented, with a final newline).  Appends to out; entries is only read, out
 * stays owned by the caller; opts may be NULL.
 *
 * Returns LA_OK; LA_FAILED for another format or when out's cap is too small; LA_FATAL on
 * OOM or invalid arguments (entries not an array, NULL out).  On failure out is truncated
 * back to its length on entry.
 */
LA_NODISCARD enum la_rc la_report_explain(const char *format, const json_t *entries,
                                          const struct la_report_opts *opts,
                                          struct la_buf *out);

/*
 * Escapers, exported for tests and fuzzers.  Each appends the escaped form of
 * s[0..len) to out; s need not be NUL-terminated and may hold any bytes.
 * Invalid UTF-8 becomes U+FFFD in every escaper.  Return LA_OK, LA_FAILED
 * past out's cap or LA_FATAL on OOM; on failure out is left at its entry
 * length.
 */

/*
 * HTML text and attribute values: & < > " ' become entities; control
 * characters (C0 other than \t \n \r, DEL, C1) and noncharacters become
 * U+FFFD; U+2028/U+2029 become character references.  The result is also
 * well-formed XML text.
 */
LA_NODISCARD enum la_rc la_escape_html(struct la_buf *out, const char *s, size_t len);

/*
 * XML 1.0 text and attribute values: & < > " ' become entities (so "]]>" is
 * never emitted raw), \r becomes &#13;; characters illegal in XML 1.0 (C0
 * other than \t \n \r, U+FFFE, U+FFFF) are dropped; C1 controls and
 * U+2028/U+2029 become character references.
 */
LA_NODISCARD enum la_rc la_escape_xml(struct la_buf *out, const char *s, size_t len);

/*
 * A terminal: ESC is shown as ^[ (so no escape sequence reaches it), a tab
 * as a space, other C0 controls (\n and \r included), DEL and C1 controls as
 * \xHH; U+2028/U+2029 and bidirectional formatting characters (U+202A-U+202E,
 * U+2066-U+2069) as <U+XXXX>; bytes that are not UTF-8 as U+FFFD.  The one
 * escaper of every line loganalyze writes to a terminal: the text report,
 * diagnostics and the progress line on stderr, `inspect`'s table, `explain`.
 */
LA_NODISCARD enum la_rc la_escape_terminal(struct la_buf *out, const char *s, size_t len);

/*
 * GitHub Actions workflow commands: % \r \n become %25 %0D %0A; with
 * property != 0 also : and , become %3A %2C.  "::" at the start of s (after
 * any white space) is neutralised as "%3A:", so the result can never start a
 * workflow command even when the caller puts it at the start of a line.
 */
LA_NODISCARD enum la_rc la_escape_github(struct la_buf *out, const char *s, size_t len,
                                         int property);

/*
 * Markdown inline text (paragraphs, headings, list items, table cells): every
 * ASCII punctuation character that Markdown or GFM gives a meaning (` | < >
 * & \ * _ [ ] ~ ! # and more) is backslash-escaped; line breaks, tabs and
 * other control characters become spaces or U+FFFD so a table row stays on
 * one line.
 */
LA_NODISCARD enum la_rc la_escape_markdown(struct la_buf *out, const char *s, size_t len);

#endif
