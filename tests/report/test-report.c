/*
 * Tests of the reporter (src/report/): registry, escapers, golden outputs of
 * every format for hand-written documents, hostile text in every format,
 * the size caps (markdown 1 MiB, SARIF 5000 results, GitHub 10 per type),
 * deterministic mode, lenient reading of odd documents, and unwinding on
 * allocation failure and on a capped output buffer.
 *
 * Golden files live in tests/report/data/<doc>.expected.<format>; run with
 * LA_UPDATE_GOLDEN=1 (tests/report/update-golden.sh) to rewrite them, then
 * review the diff.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/encoding.h"
#include "core/error.h"
#include "report/report.h"

static const char *const formats[] = { "text", "json", "ndjson", "markdown",
                                       "html", "junit", "sarif", "github",
                                       "brief", "csv" };
static const char *const docs[] = { "failed-4013", "succeeded", "batch", "hostile" };
#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))
#define N_DOCS (sizeof(docs) / sizeof(docs[0]))

/* --- helpers ---------------------------------------------------------- */

static char *data_path(const char *name)
{
    const char *root = getenv("LA_SOURCE_ROOT");
    struct la_buf b = LA_BUF_INIT;

    assert_int_equal(la_buf_addf(&b, "%s/tests/report/data/%s", root ? root : LA_SOURCE_ROOT,
                                 name), LA_OK);
    return la_buf_detach(&b, NULL);
}

static json_t *load_doc(const char *name)
{
    struct la_buf b = LA_BUF_INIT;
    json_error_t err;
    json_t *doc;
    char *path;

    assert_int_equal(la_buf_addf(&b, "%s.json", name), LA_OK);
    path = data_path(b.buf);
    doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!doc)
        fail_msg("%s:%d: %s", path, err.line, err.text);
    la_free(path);
    la_buf_release(&b);
    return doc;
}

static char *read_file(const char *path, size_t *ret_len)
{
    struct la_buf b = LA_BUF_INIT;
    char chunk[8192];
    size_t n;
    FILE *f = fopen(path, "rb");

    if (!f)
        return NULL;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        assert_int_equal(la_buf_add(&b, chunk, n), LA_OK);
    fclose(f);
    return la_buf_detach(&b, ret_len);
}

struct capture {
    unsigned code;
    int count;
    char msg[512];
};

static void capture_diag(void *user, const struct la_diag *d)
{
    struct capture *c = user;

    c->code = d->code;
    c->count++;
    snprintf(c->msg, sizeof(c->msg), "%s", d->msg);
}

static enum la_rc render(const char *fmt, const json_t *doc, const struct la_report_opts *o,
                         struct la_buf *out)
{
    return la_report_render(fmt, doc, o, out, NULL);
}

/* Render, asserting success, into a fresh buffer the caller releases. */
static void render_ok(const char *fmt, const json_t *doc, const struct la_report_opts *o,
                      struct la_buf *out)
{
    la_buf_init(out, 0);
    assert_int_equal(render(fmt, doc, o, out), LA_OK);
    assert_int_equal(strlen(out->buf), out->len);    /* no NUL in any output */
}

static int contains(const struct la_buf *b, const char *needle)
{
    return strstr(b->buf, needle) != NULL;
}

/* How many times needle occurs in b (not overlapping). */
static size_t count(const struct la_buf *b, const char *needle)
{
    size_t n = 0;

    for (const char *p = strstr(b->buf, needle); p; p = strstr(p + strlen(needle), needle))
        n++;
    return n;
}

/* Number of code points on the longest line. */
static size_t longest_line(const char *s)
{
    size_t best = 0, cols = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n') {
            cols = 0;
            continue;
        }
        if ((*p & 0xc0) != 0x80 && ++cols > best)
            best = cols;
    }
    return best;
}

/* --- registry ---------------------------------------------------------- */

static void test_registry(void **state)
{
    static const char *const ext[] = { "txt", "json", "ndjson", "md", "html", "xml",
                                       "sarif", "txt", "txt", "csv" };
    (void)state;
    for (size_t i = 0; i < N_FORMATS; i++) {
        assert_true(la_report_known(formats[i]));
        assert_string_equal(la_report_extension(formats[i]), ext[i]);
        assert_string_equal(la_report_format_name(i), formats[i]);
    }
    assert_null(la_report_format_name(N_FORMATS));
    assert_false(la_report_known("pdf"));
    assert_false(la_report_known(""));
    assert_false(la_report_known(NULL));
    assert_false(la_report_known("TEXT"));
    assert_null(la_report_extension("pdf"));
}

static void test_unknown_format(void **state)
{
    struct capture cap = { 0, 0, "" };
    struct la_diag_sink sink = { capture_diag, &cap };
    struct la_buf out = LA_BUF_INIT;
    json_t *doc = load_doc("succeeded");

    (void)state;
    assert_int_equal(la_buf_adds(&out, "keep"), LA_OK);
    assert_int_equal(la_report_render("pdf", doc, NULL, &out, &sink), LA_FAILED);
    assert_int_equal(cap.count, 1);
    assert_int_equal(cap.code, LA_D_USAGE);
    assert_true(cap.code >= 300 && cap.code < 400);
    assert_non_null(strstr(cap.msg, "unknown report format 'pdf'"));
    assert_non_null(strstr(cap.msg, "sarif"));
    assert_string_equal(out.buf, "keep");
    /* A NULL sink is allowed. */
    assert_int_equal(la_report_render("pdf", doc, NULL, &out, NULL), LA_FAILED);
    /* Invalid arguments are LA_FATAL. */
    assert_int_equal(la_report_render(NULL, doc, NULL, &out, NULL), LA_FATAL);
    assert_int_equal(la_report_render("text", NULL, NULL, &out, NULL), LA_FATAL);
    assert_int_equal(la_report_render("text", doc, NULL, NULL, NULL), LA_FATAL);
    {
        json_t *arr = json_array();

        assert_int_equal(la_report_render("text", arr, NULL, &out, NULL), LA_FATAL);
        json_decref(arr);
    }
    assert_string_equal(out.buf, "keep");
    la_buf_release(&out);
    json_decref(doc);
}

/* --- escapers ------------------------------------------------------------ */

typedef enum la_rc esc_fn(struct la_buf *, const char *, size_t);

static void check_esc(esc_fn *fn, const char *in, size_t len, const char *want)
{
    struct la_buf b = LA_BUF_INIT;

    assert_int_equal(la_buf_adds(&b, "[") , LA_OK);
    assert_int_equal(fn(&b, in, len), LA_OK);
    assert_string_equal(b.buf + 1, want);
    la_buf_release(&b);
}

#define ESC(fn, lit, want) check_esc(fn, lit, sizeof(lit) - 1, want)

static enum la_rc gh_data(struct la_buf *b, const char *s, size_t n)
{
    return la_escape_github(b, s, n, 0);
}

static enum la_rc gh_prop(struct la_buf *b, const char *s, size_t n)
{
    return la_escape_github(b, s, n, 1);
}

static void test_escape_html(void **state)
{
    (void)state;
    ESC(la_escape_html, "", "");
    ESC(la_escape_html, "plain text é ✓", "plain text é ✓");
    ESC(la_escape_html, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    ESC(la_escape_html, "a&b\"c'd", "a&amp;b&quot;c&#39;d");
    ESC(la_escape_html, "tab\tnl\ncr\r", "tab\tnl\ncr\r");
    ESC(la_escape_html, "\x1b[31m\x01\x7f", "\xef\xbf\xbd[31m\xef\xbf\xbd\xef\xbf\xbd");
    ESC(la_escape_html, "c1\xc2\x85", "c1\xef\xbf\xbd");
    ESC(la_escape_html, "ls\xe2\x80\xa8ps\xe2\x80\xa9", "ls&#x2028;ps&#x2029;");
    ESC(la_escape_html, "bad\xff\xc3(\xed\xa0\x80", "bad\xef\xbf\xbd\xef\xbf\xbd("
                                                    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    ESC(la_escape_html, "nonchar\xef\xbf\xbe", "nonchar\xef\xbf\xbd");
    ESC(la_escape_html, "nul\0x", "nul\xef\xbf\xbdx");
    ESC(la_escape_html, "overlong\xc0\xaf", "overlong\xef\xbf\xbd\xef\xbf\xbd");
    ESC(la_escape_html, "emoji \xf0\x9f\x98\x80", "emoji \xf0\x9f\x98\x80");
    ESC(la_escape_html, "trunc\xf0\x9f\x98", "trunc\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

static void test_escape_xml(void **state)
{
    (void)state;
    ESC(la_escape_xml, "a]]>b", "a]]&gt;b");
    ESC(la_escape_xml, "<![CDATA[x]]>", "&lt;![CDATA[x]]&gt;");
    ESC(la_escape_xml, "&\"'<>", "&amp;&quot;&apos;&lt;&gt;");
    ESC(la_escape_xml, "ok\t\n\r", "ok\t\n&#13;");
    ESC(la_escape_xml, "\x01\x08\x0b\x0c\x1b[0m", "[0m");
    ESC(la_escape_xml, "x\xef\xbf\xbey\xef\xbf\xbfz", "xyz");
    ESC(la_escape_xml, "c1\xc2\x85 del\x7f", "c1&#x85; del&#x7F;");
    ESC(la_escape_xml, "\xe2\x80\xa8", "&#x2028;");
    ESC(la_escape_xml, "bad\xfe", "bad\xef\xbf\xbd");
    ESC(la_escape_xml, "é€", "é€");
}

static void test_escape_terminal(void **state)
{
    (void)state;
    ESC(la_escape_terminal, "\x1b[31mred\x1b[0m", "^[[31mred^[[0m");
    ESC(la_escape_terminal, "a\nb\tc\rd", "a\\x0ab c\\x0dd");
    ESC(la_escape_terminal, "bel\x07 del\x7f", "bel\\x07 del\\x7f");
    ESC(la_escape_terminal, "c1\xc2\x85\xc2\x9b", "c1\\x85\\x9b");
    ESC(la_escape_terminal, "ls\xe2\x80\xa8", "ls<U+2028>");
    ESC(la_escape_terminal, "rlo\xe2\x80\xae", "rlo<U+202E>");
    ESC(la_escape_terminal, "bad\xff", "bad\xef\xbf\xbd");
    ESC(la_escape_terminal, "ok ✓ <b>", "ok ✓ <b>");
}

static void test_escape_github(void **state)
{
    (void)state;
    ESC(gh_data, "100% done\r\nnext", "100%25 done%0D%0Anext");
    ESC(gh_data, "a:b,c", "a:b,c");
    ESC(gh_prop, "a:b,c%", "a%3Ab%2Cc%25");
    ESC(gh_data, "::error::x", "%3A:error::x");
    ESC(gh_data, "  \t::warning::x", "  \t%3A:warning::x");
    ESC(gh_data, "\xc2\xa0::x", "\xc2\xa0%3A:x");
    ESC(gh_data, "x ::error::y", "x ::error::y");
    ESC(gh_data, "\n::warning::y", "%0A%3A:warning::y");
    ESC(gh_data, "%0A", "%250A");
    ESC(gh_data, "\x1b[31m", "\xef\xbf\xbd[31m");
    ESC(gh_data, "ls\xe2\x80\xa8x\xc2\x85", "ls\xef\xbf\xbdx\xef\xbf\xbd");
    ESC(gh_prop, "::", "%3A%3A");
}

static void test_escape_markdown(void **state)
{
    (void)state;
    ESC(la_escape_markdown, "a|b`c", "a\\|b\\`c");
    ESC(la_escape_markdown, "<b>&amp;", "\\<b\\>\\&amp;");
    ESC(la_escape_markdown, "*x* _y_ [l](u) ~s~ !i #1 $m$ @me",
        "\\*x\\* \\_y\\_ \\[l\\](u) \\~s\\~ \\!i \\#1 \\$m\\$ \\@me");
    ESC(la_escape_markdown, "back\\slash", "back\\\\slash");
    ESC(la_escape_markdown, "line\nbreak\r\ttab", "line break  tab");
    ESC(la_escape_markdown, "1. item", "1\\. item");
    ESC(la_escape_markdown, "12) item", "12\\) item");
    ESC(la_escape_markdown, "- item", "\\- item");
    ESC(la_escape_markdown, "+ item", "\\+ item");
    ESC(la_escape_markdown, "a-b 1.5", "a-b 1.5");
    ESC(la_escape_markdown, "\x1b\xc2\x85", "\xef\xbf\xbd\xef\xbf\xbd");
    ESC(la_escape_markdown, "\xe2\x80\xa8", " ");
}

/* Every escaper leaves a capped buffer unchanged when the result does not fit. */
static void test_escape_cap(void **state)
{
    esc_fn *fns[] = { la_escape_html, la_escape_xml, la_escape_terminal, la_escape_markdown,
                      gh_data, gh_prop };
    const char *in = "<<<<::%%%%\x1b\x1b\x1b";

    (void)state;
    for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
        struct la_buf b;

        la_buf_init(&b, 12);
        assert_int_equal(la_buf_adds(&b, "head"), LA_OK);
        assert_int_equal(fns[i](&b, in, strlen(in)), LA_FAILED);
        assert_int_equal(b.len, 4);
        assert_string_equal(b.buf, "head");
        la_buf_release(&b);
        assert_int_equal(fns[i](NULL, in, 1), LA_FATAL);
    }
}

/* --- golden files -------------------------------------------------------- */

static void golden_one(const char *doc_name, const char *fmt, const char *suffix,
                       const struct la_report_opts *o)
{
    struct la_buf name = LA_BUF_INIT, out;
    json_t *doc = load_doc(doc_name);
    char *path, *want;
    size_t want_len;

    render_ok(fmt, doc, o, &out);
    assert_int_equal(la_buf_addf(&name, "%s.expected.%s%s", doc_name, fmt, suffix), LA_OK);
    path = data_path(name.buf);
    if (getenv("LA_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "wb");

        assert_non_null(f);
        assert_int_equal(fwrite(out.buf, 1, out.len, f), out.len);
        assert_int_equal(fclose(f), 0);
    }
    want = read_file(path, &want_len);
    if (!want)
        fail_msg("missing golden file %s (run tests/report/update-golden.sh)", path);
    if (want_len != out.len || memcmp(want, out.buf, out.len) != 0) {
        size_t i = 0;

        while (i < want_len && i < out.len && want[i] == out.buf[i])
            i++;
        fail_msg("%s differs from the rendered output at byte %zu (expected %zu bytes, "
                 "got %zu)", path, i, want_len, out.len);
    }
    la_free(want);
    la_free(path);
    la_buf_release(&name);
    la_buf_release(&out);
    json_decref(doc);
}

static void test_golden(void **state)
{
    struct la_report_opts det = { 0, 0, 1 };
    struct la_report_opts color = { 1, 60, 1 };

    (void)state;
    for (size_t d = 0; d < N_DOCS; d++)
        for (size_t f = 0; f < N_FORMATS; f++)
            golden_one(docs[d], formats[f], "", &det);
    golden_one("failed-4013", "text", "-color-60", &color);
    golden_one("batch", "text", "-color-60", &color);
}

/* Rendering twice gives the same bytes; a NULL opts equals all-zero opts. */
static void test_stable(void **state)
{
    struct la_report_opts zero = { 0, 0, 0 };

    (void)state;
    for (size_t d = 0; d < N_DOCS; d++) {
        json_t *doc = load_doc(docs[d]);

        for (size_t f = 0; f < N_FORMATS; f++) {
            struct la_buf a, b;

            render_ok(formats[f], doc, NULL, &a);
            render_ok(formats[f], doc, &zero, &b);
            assert_int_equal(a.len, b.len);
            assert_memory_equal(a.buf, b.buf, a.len);
            la_buf_release(&a);
            la_buf_release(&b);
        }
        json_decref(doc);
    }
}

/* --- deterministic mode ----------------------------------------------------- */

static void test_deterministic(void **state)
{
    struct la_report_opts det = { 0, 0, 1 }, live = { 0, 0, 0 };
    json_t *doc = load_doc("failed-4013");

    (void)state;
    for (size_t f = 0; f < N_FORMATS; f++) {
        struct la_buf a, b;

        render_ok(formats[f], doc, &det, &a);
        render_ok(formats[f], doc, &live, &b);
        assert_false(contains(&a, "2026-11-25T13:00:00Z"));
        /* sarif, github, brief and csv carry no time at all. */
        if (strcmp(formats[f], "sarif") != 0 && strcmp(formats[f], "github") != 0 &&
            strcmp(formats[f], "brief") != 0 && strcmp(formats[f], "csv") != 0)
            assert_true(contains(&b, "2026-11-25T13:00:00Z"));
        la_buf_release(&a);
        la_buf_release(&b);
    }
    /* The document itself is not changed by deterministic json. */
    assert_non_null(json_object_get(doc, "generated"));
    json_decref(doc);
}

/* --- text ------------------------------------------------------------------ */

static void test_text_width(void **state)
{
    static const unsigned widths[] = { 40, 60, 80, 100, 132 };

    (void)state;
    for (size_t d = 0; d < N_DOCS; d++) {
        json_t *doc = load_doc(docs[d]);

        for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
            struct la_report_opts o = { 0, widths[w], 1 };
            struct la_buf out;

            render_ok("text", doc, &o, &out);
            if (longest_line(out.buf) > widths[w])
                fail_msg("%s at width %u has a line of %zu columns", docs[d], widths[w],
                         longest_line(out.buf));
            la_buf_release(&out);
        }
        json_decref(doc);
    }
}

/* A warnings[] entry of severity note is labelled as one; warnings are not. */
static void test_warning_severity(void **state)
{
    static const char *const fmts[] = { "text", "html", "markdown" };
    static const char *const want[] = {
        "LA118  note: paste.txt: this paste is hard-wrapped at 72 columns",
        "LA118</span> note: paste.txt: this paste is hard-wrapped at 72 columns",
        "| LA118 | paste.txt | note: this paste is hard-wrapped at 72 columns",
    };
    struct la_report_opts plain = { 0, 200, 1 };
    json_t *doc = load_doc("failed-4013");
    json_t *ws = json_object_get(json_array_get(json_object_get(doc, "reports"), 0), "warnings");
    struct la_buf out;

    (void)state;
    assert_int_equal(json_array_append_new(ws, json_pack("{s:s,s:s,s:s,s:s}", "code", "LA118",
                                                         "severity", "note", "source",
                                                         "paste.txt", "message",
                                                         "this paste is hard-wrapped at 72 "
                                                         "columns; 12 cut lines were rejoined")),
                     0);
    for (size_t i = 0; i < 3; i++) {
        render_ok(fmts[i], doc, &plain, &out);
        assert_true(contains(&out, want[i]));
        assert_false(contains(&out, "note: report.tar.gz"));  /* LA104 is no note */
        la_buf_release(&out);
    }
    json_decref(doc);
}

static void test_text_content(void **state)
{
    struct la_report_opts plain = { 0, 0, 1 }, color = { 1, 0, 1 };
    json_t *failed = load_doc("failed-4013"), *ok = load_doc("succeeded");
    json_t *batch = load_doc("batch");
    struct la_buf out;

    (void)state;
    render_ok("text", failed, &plain, &out);
    /* The verdict once, first, in plain words; the ids in small print below it. */
    assert_true(strncmp(out.buf, "Failed while updating the modem (baseband)\n"
                                 "Most likely baseband hardware (87 %) — confident: the log "
                                 "names the cause\nerror 4013, 2009 · step update_baseband\n",
                        strlen("Failed while updating the modem (baseband)\n"
                               "Most likely baseband hardware (87 %) — confident: the log "
                               "names the cause\nerror 4013, 2009 · step update_baseband\n"))
                == 0);
    assert_true(count(&out, "Failed while updating the modem") == 1);
    /* Why: the deciding line, the analysis' reasons in words, the evidence count. */
    assert_true(contains(&out, "\nWhy\n  1. The log says so: bbupdater could not ping the "
                               "baseband\n       logs/restore.log:812"));
    assert_true(contains(&out, "  2. 'cable' was already tried and the restore still failed"));
    assert_true(contains(&out, "  3. 3 lines of the log point to Baseband (modem) hardware; "
                               "1 speaks against it\n"));
    assert_false(contains(&out, "log-odds\n  1."));
    /* The timeline: phases in order with times, the failing one marked with its code. */
    assert_true(contains(&out, "  #2  failed 4013 at update_baseband  10:22:41–10:31:40 · "
                               "iTunes 12.12.8.2 on Windows 10\n"));
    assert_true(contains(&out, "System\xc2\xa0" "image\xc2\xa0" "10:27:40 › Firmware\xc2\xa0"
                               "10:29:11 › ✗\xc2\xa0" "Modem\xc2\xa0" "4013\xc2\xa0"
                               "10:30:58\n"));
    assert_true(contains(&out, "✗ line 813 of logs/restore.log\n"));
    assert_true(contains(&out, "  1. baseband — Baseband (modem) hardware  87 % high\n"));
    /* Evidence: the member path without the input's own name, then the line below it. */
    assert_true(contains(&out, "       logs/restore.log:812  2026-03-14T10:31:02\n         "));
    assert_true(contains(&out, "Evidence against:"));
    assert_true(contains(&out, "       1. Restore once more in DFU mode"));
    assert_true(contains(&out, "Next test: "));
    /* A cause from 5 % on gets its advice, a cause under 5 % one line. */
    assert_true(contains(&out, "  2. usb-link — Cable, port, hub or USB power  9 % low\n"
                               "     The device disconnected once"));
    assert_true(contains(&out, "skipped  report.tar.gz!/Library/Logs/powerlog.PLSQL — "
                               "binary (SQLite)"));
    assert_true(contains(&out, "failed   report.tar.gz!/logs/old.log.gz — truncated gzip"));
    assert_true(contains(&out, "3×  ERROR: Unable to <*> device <*>"));
    assert_true(contains(&out, "LA104  report.tar.gz!/logs/old.log.gz"));
    assert_false(contains(&out, "Checklist"));      /* failed: remediation, not the ladder */
    assert_false(contains(&out, "Summary"));        /* one report */
    assert_null(memchr(out.buf, 0x1b, out.len));
    la_buf_release(&out);

    render_ok("text", failed, &color, &out);
    assert_true(strncmp(out.buf, "\033[1;31mFailed while updating", 28) == 0);
    la_buf_release(&out);
    render_ok("text", ok, &color, &out);
    assert_true(strncmp(out.buf, "\033[1;32mSucceeded", 16) == 0);
    la_buf_release(&out);

    render_ok("text", batch, &color, &out);
    assert_true(contains(&out, "\033[1;33mNo restore found"));
    assert_true(contains(&out, "\033[1;33mInconclusive"));
    la_buf_release(&out);
    render_ok("text", batch, &plain, &out);
    assert_true(contains(&out, "What to collect next"));
    assert_true(contains(&out, "  [x] Use another Apple or MFi cable — a worn cable"));
    assert_true(contains(&out, "  [ ] Update macOS or iTunes"));
    assert_true(contains(&out, "\nSummary\n"));
    assert_true(contains(&out, "By model: iPhone9,3 3"));
    assert_true(contains(&out, "Patterns:"));
    assert_true(contains(&out, "--tried cable,port"));
    la_buf_release(&out);
    json_decref(failed);
    json_decref(ok);
    json_decref(batch);
}

/* --- json / ndjson ------------------------------------------------------------ */

static void test_json_roundtrip(void **state)
{
    struct la_report_opts live = { 0, 0, 0 };

    (void)state;
    for (size_t d = 0; d < N_DOCS; d++) {
        json_t *doc = load_doc(docs[d]), *back, *reports = json_object_get(doc, "reports");
        struct la_buf out;
        size_t lines = 0;
        char *p, *line;

        render_ok("json", doc, &live, &out);
        assert_int_equal(out.buf[out.len - 1], '\n');
        back = json_loads(out.buf, 0, NULL);
        assert_non_null(back);
        assert_true(json_equal(back, doc));
        json_decref(back);
        la_buf_release(&out);

        render_ok("ndjson", doc, &live, &out);
        for (p = out.buf; (line = strchr(p, '\n')) != NULL; p = line + 1) {
            json_t *obj = json_loadb(p, (size_t)(line - p), 0, NULL);

            assert_non_null(obj);
            assert_string_equal(json_string_value(json_object_get(obj, "schema")),
                                "loganalyze.report/1");
            if (lines < json_array_size(reports)) {
                assert_true(json_equal(json_object_get(obj, "report"),
                                       json_array_get(reports, lines)));
                assert_non_null(json_object_get(obj, "ruleset"));
                assert_non_null(json_object_get(obj, "tool"));
            } else {
                assert_true(json_equal(json_object_get(obj, "summary"),
                                       json_object_get(doc, "summary")));
            }
            json_decref(obj);
            lines++;
        }
        assert_int_equal(*p, '\0');
        assert_int_equal(lines, json_array_size(reports) + 1);
        la_buf_release(&out);
        json_decref(doc);
    }
}

static void test_json_key_order(void **state)
{
    json_t *doc = load_doc("failed-4013");
    struct la_buf out;
    const char *a, *b, *c;

    (void)state;
    render_ok("json", doc, NULL, &out);
    a = strstr(out.buf, "\"schema\"");
    b = strstr(out.buf, "\"tool\"");
    c = strstr(out.buf, "\"reports\"");
    assert_true(a && b && c && a < b && b < c);
    assert_true(strncmp(out.buf, "{\n  \"schema\": ", 14) == 0);
    la_buf_release(&out);
    json_decref(doc);
}

/* --- hostile text ---------------------------------------------------------- */

static int has_bytes(const struct la_buf *b, const char *needle)
{
    return strstr(b->buf, needle) != NULL;
}

static void no_raw_separators(const struct la_buf *b, const char *fmt)
{
    if (has_bytes(b, "\xc2\x85") || has_bytes(b, "\xe2\x80\xa8") || has_bytes(b, "\xe2\x80\xa9"))
        fail_msg("%s output holds a raw U+0085/U+2028/U+2029", fmt);
    if (memchr(b->buf, 0x1b, b->len))
        fail_msg("%s output holds an ESC byte", fmt);
}

static void test_hostile(void **state)
{
    json_t *doc = load_doc("hostile");
    struct la_buf out;

    (void)state;
    /* html: nothing executable, no raw controls */
    render_ok("html", doc, NULL, &out);
    assert_false(contains(&out, "<script"));
    assert_false(contains(&out, "<b>"));
    assert_true(contains(&out, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    no_raw_separators(&out, "html");
    for (size_t i = 0; i < out.len; i++) {
        unsigned char c = (unsigned char)out.buf[i];

        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
            fail_msg("html holds control byte 0x%02x at %zu", c, i);
    }
    la_buf_release(&out);

    /* junit: parses as XML (validate.sh runs xmllint), no raw markup */
    render_ok("junit", doc, NULL, &out);
    assert_false(contains(&out, "<script"));
    assert_false(contains(&out, "]]>"));
    assert_true(contains(&out, "]]&gt;"));
    no_raw_separators(&out, "junit");
    for (size_t i = 0; i < out.len; i++) {
        unsigned char c = (unsigned char)out.buf[i];

        if (c < 0x20 && c != '\n' && c != '\t')
            fail_msg("junit holds control byte 0x%02x at %zu", c, i);
    }
    la_buf_release(&out);

    /* text: no ESC, no CR, nothing a terminal interprets */
    render_ok("text", doc, NULL, &out);
    no_raw_separators(&out, "text");
    assert_null(memchr(out.buf, '\r', out.len));
    assert_false(contains(&out, "\xe2\x80\xae"));
    assert_true(contains(&out, "^[[31mRED"));
    for (size_t i = 0; i < out.len; i++) {
        unsigned char c = (unsigned char)out.buf[i];

        if ((c < 0x20 && c != '\n') || c == 0x7f)
            fail_msg("text holds control byte 0x%02x at %zu", c, i);
    }
    la_buf_release(&out);

    /* github: every line is one of ours */
    render_ok("github", doc, NULL, &out);
    no_raw_separators(&out, "github");
    assert_null(memchr(out.buf, '\r', out.len));
    for (char *p = out.buf, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        assert_non_null(nl);
        if (strncmp(p, "::error ", 8) != 0 && strncmp(p, "::warning ", 10) != 0 &&
            strncmp(p, "::notice ", 9) != 0 && strncmp(p, "::error title=", 14) != 0 &&
            strncmp(p, "::notice::+", 11) != 0 && strncmp(p, "loganalyze: ", 12) != 0)
            fail_msg("github line not ours: %.60s", p);
        /* The message part never holds a raw newline or a second command start
         * other than inside escaped data; the properties hold no ':' or ','. */
        if (p[0] == ':' && p[2] != 'n') {
            const char *props = strchr(p + 2, ' '), *end = strstr(p + 2, "::");

            if (props && end && props < end) {
                for (const char *q = props + 1; q < end; q++)
                    if (*q == ':')
                        fail_msg("raw ':' in properties: %.60s", p);
            }
        }
    }
    assert_true(contains(&out, "%0A%3A:warning::injected") || contains(&out, "%0A::warning::"));
    la_buf_release(&out);

    /* markdown: no raw HTML, fences hold, no table row broken */
    render_ok("markdown", doc, NULL, &out);
    no_raw_separators(&out, "markdown");
    {
        /* The hostile text has a ``` run: fences must be at least 4 long. */
        int open = 0;

        for (char *p = out.buf, *nl; *p; p = nl + 1) {
            nl = strchr(p, '\n');
            assert_non_null(nl);
            if (strncmp(p, "````text", 8) == 0)
                open++;
            else if (strncmp(p, "````", 4) == 0 && (nl - p) == 4)
                open--;
            else if (strncmp(p, "```", 3) == 0 && !open)
                fail_msg("markdown: a fence line outside a block: %.40s", p);
            assert_true(open == 0 || open == 1);
            if (!open && p[0] == '|' && nl[-1] != '|')
                fail_msg("markdown: broken table row: %.60s", p);
            /* Outside code blocks, no raw markup from the logs. */
            if (!open) {
                *nl = '\0';
                for (const char *q = p; (q = strchr(q, '<')) != NULL; q++)
                    if (q == p || q[-1] != '\\')
                        if (strncmp(q, "<script", 7) == 0 || strncmp(q, "<b>", 3) == 0)
                            fail_msg("markdown: raw markup outside a code block: %.60s", p);
                *nl = '\n';
            }
        }
        assert_int_equal(open, 0);
    }
    la_buf_release(&out);

    /* json, ndjson, sarif: valid JSON whose strings survive the round trip */
    render_ok("sarif", doc, NULL, &out);
    {
        json_t *s = json_loads(out.buf, 0, NULL);
        const char *uri;

        assert_non_null(s);
        uri = json_string_value(json_object_get(json_object_get(json_object_get(
            json_array_get(json_object_get(json_array_get(json_object_get(json_array_get(
                json_object_get(s, "runs"), 0), "results"), 0), "locations"), 0),
            "physicalLocation"), "artifactLocation"), "uri"));
        assert_non_null(uri);
        for (const char *q = uri; *q; q++)
            if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/!%:",
                        *q))
                fail_msg("sarif uri holds '%c': %s", *q, uri);
        json_decref(s);
    }
    la_buf_release(&out);
    json_decref(doc);
}

/* --- caps ------------------------------------------------------------------- */

static json_t *big_doc(size_t members, size_t evidence, const char *level)
{
    json_t *doc = load_doc("failed-4013");
    json_t *r = json_array_get(json_object_get(doc, "reports"), 0);
    json_t *ms = json_array(), *ev = json_array();
    json_t *c = json_array_get(json_object_get(r, "causes"), 0);
    char path[128];

    for (size_t i = 0; i < members; i++) {
        snprintf(path, sizeof(path), "big.tar!/var/mobile/Library/Logs/member-%08zu.log", i);
        json_array_append_new(ms, json_pack("{s:s,s:s,s:i,s:i,s:s}", "path", path, "format",
                                            "plain", "bytes", 10, "lines", 1, "status",
                                            "error: damaged member in the middle of the tar"));
    }
    for (size_t i = 0; i < evidence; i++) {
        snprintf(path, sizeof(path), "line %zu ``` with a long text that repeats", i);
        json_array_append_new(ev, json_pack("{s:s,s:s,s:f,s:s,s:i,s:n,s:s}", "rule",
                                            i % 2 ? "r.odd" : "r.even", "title", "t", "weight",
                                            1.0, "source", "big.tar!/x.log", "line",
                                            (int)i + 1, "time", "text", path));
    }
    json_object_set_new(r, "members", ms);
    json_object_set_new(c, "evidence", ev);
    json_object_set_new(c, "level", json_string(level));
    return doc;
}

static void test_markdown_trim(void **state)
{
    json_t *doc = big_doc(30000, 20, "high");
    struct la_buf out;
    static const char note[] = "… report trimmed to fit 1 MiB\n";

    (void)state;
    render_ok("markdown", doc, NULL, &out);
    assert_true(out.len <= 1048576);
    assert_true(out.len > 1000000);
    assert_true(out.len > sizeof(note) &&
                strcmp(out.buf + out.len - (sizeof(note) - 1), note) == 0);
    la_buf_release(&out);
    json_decref(doc);

    /* Below the limit: no note. */
    doc = load_doc("batch");
    render_ok("markdown", doc, NULL, &out);
    assert_false(contains(&out, "trimmed"));
    la_buf_release(&out);
    json_decref(doc);

    /* Many evidence lines: capped per list, well below the limit. */
    doc = big_doc(0, 100000, "high");
    render_ok("markdown", doc, NULL, &out);
    assert_true(out.len < 1048576);
    assert_true(contains(&out, "… 99950 more lines (see the full report)"));
    assert_true(contains(&out, "````text\n"));      /* fence longer than ``` */
    la_buf_release(&out);
    json_decref(doc);
}

/* A failed restore with an unclear cause still reaches a CI gate: a SARIF result and a
 * GitHub annotation anchored at the line that says it failed. */
static void test_unclear_failure_is_reported(void **state)
{
    json_t *doc = load_doc("batch");
    struct la_buf out;

    (void)state;
    render_ok("sarif", doc, NULL, &out);
    assert_true(contains(&out, "\"ruleId\": \"restore-failed\""));
    assert_true(contains(&out, "\"uri\": \"lab/bench-4/finder-2026-03-17.log\""));
    assert_true(contains(&out, "\"startLine\": 4188"));
    la_buf_release(&out);
    render_ok("github", doc, NULL, &out);
    assert_true(contains(&out, "::error file=lab/bench-4/finder-2026-03-17.log,line=4188,"));
    la_buf_release(&out);
    render_ok("text", doc, NULL, &out);
    assert_true(contains(&out, "  1. No line of the log says why it failed, so the causes below "
                               "are ranked by what error 4013"));
    la_buf_release(&out);
    json_decref(doc);
}

/* A deciding line read by a vocabulary pack says what the message means, escaped like every
 * log-derived text, in the reason that quotes it and at the head of SARIF's rule text. */
static void test_vocab_meaning(void **state)
{
    json_t *doc = load_doc("failed-4013");
    json_t *rep = json_array_get(json_object_get(doc, "reports"), 0);
    json_t *line = json_object_get(json_object_get(rep ? rep : doc, "diagnosis"), "line");
    json_t *ev = json_array_get(json_object_get(json_array_get(
        json_object_get(rep ? rep : doc, "causes"), 0), "evidence"), 0);
    struct la_buf out;

    (void)state;
    assert_non_null(line);
    assert_non_null(ev);
    json_object_set_new(line, "meaning", json_string("the modem <b>did not</b> answer & \x1b[31m"));
    json_object_set_new(ev, "meaning", json_string("the modem <b>did not</b> answer & \x1b[31m"));
    render_ok("text", doc, NULL, &out);
    assert_true(contains(&out, "bbupdater could not ping the baseband; that is, the modem <b>did"));
    assert_null(memchr(out.buf, 0x1b, out.len));
    la_buf_release(&out);
    render_ok("markdown", doc, NULL, &out);
    assert_true(contains(&out, "; that is, the modem \\<b\\>did not\\</b\\> answer"));
    la_buf_release(&out);
    render_ok("html", doc, NULL, &out);
    assert_true(contains(&out, "; that is, the modem &lt;b&gt;did not&lt;/b&gt; answer &amp;"));
    la_buf_release(&out);
    render_ok("sarif", doc, NULL, &out);
    assert_true(contains(&out, "\"text\": \"The message means the modem <b>did not</b> answer"));
    la_buf_release(&out);
    json_decref(doc);
}

/* Many failed inputs without evidence: each gets its result (the fingerprint table is
 * sized for them too, so rendering ends). */
static void test_sarif_many_unclear(void **state)
{
    json_t *doc = load_doc("batch"), *reports = json_object_get(doc, "reports");
    json_t *unclear = json_deep_copy(json_array_get(reports, 3));
    struct la_buf out;
    size_t n = 0;

    (void)state;
    json_array_clear(reports);
    for (int i = 0; i < 100; i++) {
        json_t *r = json_deep_copy(unclear);
        char name[64];

        snprintf(name, sizeof(name), "lab/unclear-%d.log", i);
        json_object_set_new(r, "input", json_string(name));
        json_object_set_new(json_object_get(json_object_get(r, "diagnosis"), "line"), "source",
                            json_string(name));
        json_array_append_new(reports, r);
    }
    render_ok("sarif", doc, NULL, &out);
    for (const char *p = out.buf; (p = strstr(p, "\"ruleId\": \"restore-failed\"")); p++)
        n++;
    assert_int_equal(n, 100);
    la_buf_release(&out);
    json_decref(unclear);
    json_decref(doc);
}

static void test_sarif_cap(void **state)
{
    json_t *doc = big_doc(0, 6000, "low"), *s, *run, *results, *rules;
    struct la_buf out;

    (void)state;
    /* Make the second cause high so its results sort first. */
    json_object_set_new(json_array_get(json_object_get(json_array_get(
                            json_object_get(doc, "reports"), 0), "causes"), 1),
                        "level", json_string("high"));
    render_ok("sarif", doc, NULL, &out);
    s = json_loads(out.buf, 0, NULL);
    assert_non_null(s);
    assert_string_equal(json_string_value(json_object_get(s, "version")), "2.1.0");
    assert_string_equal(json_string_value(json_object_get(s, "$schema")),
                        "https://json.schemastore.org/sarif-2.1.0.json");
    run = json_array_get(json_object_get(s, "runs"), 0);
    results = json_object_get(run, "results");
    rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
    assert_int_equal(json_array_size(results), 5000);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(run, "properties"),
                                                        "resultsTotal")), 6001);
    assert_string_equal(json_string_value(json_object_get(json_array_get(results, 0), "level")),
                        "error");
    assert_string_equal(json_string_value(json_object_get(json_array_get(results, 1), "level")),
                        "note");
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(
                            run, "tool"), "driver"), "informationUri")), LA_HOMEPAGE);
    /* ruleIndex points at the rule with that id; fingerprints are unique. */
    for (size_t i = 0; i < json_array_size(results); i++) {
        json_t *r = json_array_get(results, i);
        size_t idx = (size_t)json_integer_value(json_object_get(r, "ruleIndex"));

        assert_string_equal(json_string_value(json_object_get(json_array_get(rules, idx), "id")),
                            json_string_value(json_object_get(r, "ruleId")));
    }
    {
        json_t *seen = json_object();

        for (size_t i = 0; i < json_array_size(results); i++) {
            const char *fp = json_string_value(json_object_get(json_object_get(
                json_array_get(results, i), "partialFingerprints"), "primaryLocationLineHash"));

            assert_non_null(fp);
            assert_null(json_object_get(seen, fp));
            json_object_set_new(seen, fp, json_true());
        }
        json_decref(seen);
    }
    json_decref(s);
    la_buf_release(&out);
    json_decref(doc);
}

static void test_sarif_uri(void **state)
{
    static const char *const cases[][2] = {
        { "report.tar.gz!/logs/x.log", "report.tar.gz!/logs/x.log" },
        { "./a b/c#d?.log", "a%20b/c%23d%3F.log" },
        { "/var/log/x y.log", "file:///var/log/x%20y.log" },
        { "C:\\Users\\me\\iTunes.log", "file:///C:/Users/me/iTunes.log" },
        { "odd:name.log", "odd%3Aname.log" },
        { "caf\xc3\xa9.log", "caf%C3%A9.log" },
        { "100%.log", "100%25.log" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *doc = load_doc("failed-4013"), *s;
        json_t *c = json_array_get(json_object_get(json_array_get(json_object_get(doc, "reports"),
                                                                  0), "causes"), 0);
        struct la_buf out;
        const char *uri;

        json_object_set_new(json_array_get(json_object_get(c, "evidence"), 0), "source",
                            json_string(cases[i][0]));
        render_ok("sarif", doc, NULL, &out);
        s = json_loads(out.buf, 0, NULL);
        uri = json_string_value(json_object_get(json_object_get(json_object_get(json_array_get(
            json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(s,
            "runs"), 0), "results"), 0), "locations"), 0), "physicalLocation"),
            "artifactLocation"), "uri"));
        assert_non_null(uri);
        assert_string_equal(uri, cases[i][1]);
        json_decref(s);
        la_buf_release(&out);
        json_decref(doc);
    }
}

static void test_github_cap(void **state)
{
    json_t *doc = big_doc(0, 25, "high");
    struct la_buf out;
    size_t errors = 0, notices = 0;

    (void)state;
    render_ok("github", doc, NULL, &out);
    for (char *p = out.buf; (p = strstr(p, "\n::error ")) != NULL; p++)
        errors++;
    errors += strncmp(out.buf, "::error ", 8) == 0;
    for (char *p = out.buf; (p = strstr(p, "::notice ")) != NULL; p++)
        notices++;
    assert_int_equal(errors, 10);
    assert_int_equal(notices, 1);           /* the usb-link cause (low) */
    assert_true(contains(&out, "::notice::+15 more error annotations (see the full report)\n"));
    assert_true(contains(&out, "::error file=big.tar!/x.log,line=1,title=Baseband (modem) "
                               "hardware (87 %25)::report.tar.gz: t: line 0"));
    la_buf_release(&out);
    json_decref(doc);
}

static void test_junit_shape(void **state)
{
    json_t *doc = load_doc("batch");
    struct la_buf out;

    (void)state;
    render_ok("junit", doc, NULL, &out);
    assert_true(contains(&out, "<testsuites name=\"loganalyze\" tests=\"4\" failures=\"3\" "
                               "errors=\"0\" skipped=\"1\">"));
    assert_true(contains(&out, "type=\"baseband\">"));
    /* A failed restore whose cause is unclear is a failure of its own type, not its prior. */
    assert_true(contains(&out, "type=\"unclear\">"));
    assert_false(contains(&out, "type=\"usb-link\">"));
    assert_true(contains(&out, "type=\"inconclusive\">"));
    assert_true(contains(&out, "<skipped message=\"NO RESTORE FOUND"));
    assert_true(contains(&out, "<testcase classname=\"loganalyze\" "
                               "name=\"lab/bench-3/report.tar.gz\">"));
    la_buf_release(&out);
    json_decref(doc);
}

static void test_html_shape(void **state)
{
    json_t *doc = load_doc("failed-4013");
    struct la_buf out;

    (void)state;
    render_ok("html", doc, NULL, &out);
    assert_true(strncmp(out.buf, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
    assert_true(contains(&out, "<meta charset=\"utf-8\" />"));
    assert_true(contains(&out, "<meta name=\"viewport\""));
    assert_true(contains(&out, "@media print"));
    /* The verdict once, first; the timeline labelled and readable without colour. */
    assert_true(count(&out, "Failed while updating the modem (baseband)") == 2);  /* + <title> */
    assert_true(contains(&out, "<main class=\"la-report\">\n<section class=\"report\" "
                               "id=\"report-1\">\n<div class=\"verdict failed\">\n"
                               "<h1 class=\"headline\">Failed while updating the modem "
                               "(baseband)</h1>"));
    assert_true(contains(&out, "<svg class=\"timeline\""));
    assert_true(contains(&out, "aria-label=\"Timeline of 2 restore attempts\""));
    assert_true(contains(&out, "<title>Modem (the attempt failed here, error 4013): "
                               "update_baseband; reached 2026-03-14T10:30:58</title>"));
    assert_true(contains(&out, "stroke-dasharray=\"6 3\""));
    assert_true(contains(&out, ">✗ Modem</text>"));
    assert_true(contains(&out, "&lt;&quot;usb&quot; &amp; &#39;gone&#39;&gt;"));
    /* Evidence folded, long lines in their own scrolling box, tables that stack. */
    assert_true(contains(&out, "<details><summary>Evidence (3 lines)"));
    assert_false(contains(&out, "<details open=\"open\"><summary>Evidence"));
    assert_true(contains(&out, ".la-report pre{"));
    assert_true(contains(&out, "overflow-x:auto"));
    assert_true(contains(&out, "<table class=\"stack\">"));
    assert_true(contains(&out, "<td data-label=\"Steps\">"));
    assert_false(contains(&out, "http:"));
    assert_false(contains(&out, "https:"));
    assert_false(contains(&out, "<script"));
    la_buf_release(&out);
    json_decref(doc);
}

/* --- odd documents, failures ------------------------------------------------- */

static void test_lenient(void **state)
{
    static const char *const odd[] = {
        "{}",
        "{\"reports\": \"x\", \"summary\": 3}",
        "{\"reports\": [1, null, \"s\", {}]}",
        "{\"reports\": [{\"causes\": [{\"evidence\": [{}], \"against\": 5}],"
        " \"attempts\": [{\"stages\": [1, 2]}], \"members\": [{\"status\": 1}],"
        " \"outcome\": \"failed\", \"ladder\": [{}], \"collect\": [null]}]}",
        "{\"reports\": [{\"outcome\": \"inconclusive\", \"causes\": [{\"confidence\": 7,"
        " \"level\": \"weird\", \"evidence\": [{\"line\": -4, \"source\": \"\"}]}]}]}",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
        json_t *doc = json_loads(odd[i], 0, NULL);

        assert_non_null(doc);
        for (size_t f = 0; f < N_FORMATS; f++) {
            struct la_buf out;

            render_ok(formats[f], doc, NULL, &out);
            la_buf_release(&out);
        }
        json_decref(doc);
    }
}

/*
 * Strings that are not UTF-8 (a document built with jansson's _nocheck calls, as a producer
 * that skipped la_redact_json() would): every format still renders, as valid UTF-8 with each
 * bad byte as U+FFFD; jansson alone would refuse to dump json, ndjson and sarif at all.
 */
static void test_invalid_utf8(void **state)
{
    json_t *doc = json_loads("{\"schema\": \"loganalyze.report/1\", \"reports\": [{"
                             "\"outcome\": \"failed\", \"causes\": [{\"id\": \"usb-link\","
                             " \"confidence\": 0.8, \"level\": \"high\", \"evidence\": [{}]}],"
                             " \"members\": [{}]}]}", 0, NULL);
    json_t *rep, *ev, *mem;

    (void)state;
    assert_non_null(doc);
    rep = json_array_get(json_object_get(doc, "reports"), 0);
    ev = json_array_get(json_object_get(json_array_get(json_object_get(rep, "causes"), 0),
                                        "evidence"), 0);
    mem = json_array_get(json_object_get(rep, "members"), 0);
    json_object_set_new(rep, "input", json_string_nocheck("caf\xe9.log"));
    json_object_set_new(ev, "source", json_string_nocheck("caf\xe9.log"));
    json_object_set_new(ev, "line", json_integer(1));
    json_object_set_new(ev, "text", json_string_nocheck("Device disconnected p\xe8re \xe8\xae"));
    json_object_set_new(mem, "path", json_string_nocheck("x.tar!/\xff.log"));
    json_object_set_new_nocheck(rep, "key\xe9", json_true());
    for (size_t f = 0; f < N_FORMATS; f++) {
        struct la_buf out;
        uint32_t cp;

        render_ok(formats[f], doc, NULL, &out);
        for (size_t i = 0; i < out.len;) {
            size_t n = la_utf8_next(out.buf + i, out.len - i, &cp);
            if (cp == 0xfffd && n == 1)
                fail_msg("%s: byte 0x%02x at %zu is not UTF-8", formats[f],
                         (unsigned char)out.buf[i], i);
            i += n;
        }
        if (!strcmp(formats[f], "json")) {
            json_t *back = json_loadb(out.buf, out.len, 0, NULL);
            assert_non_null(back);
            assert_string_equal(json_string_value(json_object_get(json_array_get(
                                    json_object_get(back, "reports"), 0), "input")),
                                "caf\xef\xbf\xbd.log");
            json_decref(back);
        }
        la_buf_release(&out);
    }
    json_decref(doc);
}

/* A capped output buffer: LA_FAILED and the buffer untouched. */
static void test_out_cap(void **state)
{
    json_t *doc = load_doc("failed-4013");

    (void)state;
    for (size_t f = 0; f < N_FORMATS; f++) {
        struct la_buf out;

        la_buf_init(&out, 200);
        assert_int_equal(la_buf_adds(&out, "prefix"), LA_OK);
        assert_int_equal(render(formats[f], doc, NULL, &out), LA_FAILED);
        assert_string_equal(out.buf, "prefix");
        la_buf_release(&out);
    }
    json_decref(doc);
}

/* Allocation failure at every point: LA_FATAL (or LA_OK), never a crash or leak. */
static void test_alloc_fail(void **state)
{
    json_t *doc = load_doc("batch");

    (void)state;
    for (size_t f = 0; f < N_FORMATS; f++) {
        for (long n = 0;; n++) {
            struct la_buf out = LA_BUF_INIT;
            enum la_rc rc;

            la_alloc_fail_after(n);
            rc = render(formats[f], doc, NULL, &out);
            la_alloc_fail_after(-1);
            if (rc == LA_OK) {
                la_buf_release(&out);
                break;
            }
            assert_int_equal(rc, LA_FATAL);
            assert_int_equal(out.len, 0);
            la_buf_release(&out);
            assert_true(n < 100000);
        }
    }
    json_decref(doc);
}

/*
 * Explain entries: every form renders, strings are escaped for their target, text wraps at
 * the width asked for, an entry without a query (not UTF-8) renders instead of crashing,
 * and failures leave the buffer as it was.
 */
static void test_explain(void **state)
{
    json_t *known = json_pack("{s:s,s:b,s:i,s:[s],s:[{s:s,s:s,s:b,s:s}],s:s,s:[{s:s,s:s,s:f,"
                              "s:s,s:s}],s:[{s:s,s:s,s:s,s:s}],s:[s]}",
                              "query", "4013", "known", 1, "code", 4013, "names", "<N>",
                              "meanings", "space", "itunes", "text", "a & b <i>", "confirmed", 0,
                              "source", "s", "stage", "late", "causes", "id", "c", "title",
                              "cause *one*", "prior", 0.5, "summary", "", "next_test", "try it",
                              "ladder", "id", "cable", "text", "swap the cable", "why", "w",
                              "if_still_fails", "f", "collect", "<log>");
    json_t *anon = json_pack("{s:b,s:[],s:[]}", "known", 0, "causes", "ladder");
    json_t *all = json_pack("[O,O]", known, anon);
    struct la_report_opts narrow = { 0, 30, 0 };
    struct la_buf b = LA_BUF_INIT;
    json_t *back;

    (void)state;
    assert_non_null(all);
    assert_int_equal(la_report_explain("html", all, NULL, &b), LA_OK);
    assert_non_null(strstr(b.buf, "<h2>Error 4013 <small>(&lt;N&gt;)</small></h2>"));
    assert_non_null(strstr(b.buf, "a &amp; b &lt;i&gt; <span class=\"unconfirmed\">"));
    assert_non_null(strstr(b.buf, "<li>&lt;log&gt;</li>"));
    assert_non_null(strstr(b.buf, "<h2> is not in the error-code catalogue</h2><p>Check"));
    la_buf_reset(&b);
    assert_int_equal(la_report_explain("markdown", all, NULL, &b), LA_OK);
    assert_non_null(strstr(b.buf, "- **itunes**: a \\& b \\<i\\> *(unconfirmed)*  \n"));
    assert_non_null(strstr(b.buf, "| 1 | cause \\*one\\* | 50 % |\n"));
    assert_non_null(strstr(b.buf, "## \n\nNot in the error-code catalogue.\n"));
    la_buf_reset(&b);
    assert_int_equal(la_report_explain("text", all, &narrow, &b), LA_OK);
    assert_non_null(strstr(b.buf, "Error 4013 (<N>)\n\nWhat it means:\n  - [itunes] a & b <i>\n"
                                  "    (unconfirmed: no primary\n    source)\n"));
    assert_non_null(strstr(b.buf, "\n----------------------------------------\n\n"
                                  " is not in the error-code catalogue.\n"));
    la_buf_reset(&b);
    assert_int_equal(la_report_explain("json", all, NULL, &b), LA_OK);
    back = json_loads(b.buf, 0, NULL);
    assert_non_null(back);
    assert_string_equal(json_string_value(json_object_get(back, "schema")),
                        "loganalyze.explain/1");
    assert_true(json_equal(json_object_get(back, "codes"), all));
    json_decref(back);
    /* Failures: another format, not an array, a cap; the buffer is left as it was. */
    la_buf_reset(&b);
    assert_int_equal(la_buf_adds(&b, "keep"), LA_OK);
    assert_int_equal(la_report_explain("sarif", all, NULL, &b), LA_FAILED);
    assert_int_equal(la_report_explain("text", known, NULL, &b), LA_FATAL);
    b.max = 64;
    assert_int_equal(la_report_explain("text", all, NULL, &b), LA_FAILED);
    assert_string_equal(b.buf, "keep");
    la_buf_release(&b);
    json_decref(all);
    json_decref(known);
    json_decref(anon);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_unknown_format),
        cmocka_unit_test(test_escape_html),
        cmocka_unit_test(test_escape_xml),
        cmocka_unit_test(test_escape_terminal),
        cmocka_unit_test(test_escape_github),
        cmocka_unit_test(test_escape_markdown),
        cmocka_unit_test(test_escape_cap),
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_stable),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_text_width),
        cmocka_unit_test(test_warning_severity), cmocka_unit_test(test_text_content),
        cmocka_unit_test(test_json_roundtrip),
        cmocka_unit_test(test_json_key_order),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_markdown_trim),
        cmocka_unit_test(test_unclear_failure_is_reported),
        cmocka_unit_test(test_vocab_meaning),
        cmocka_unit_test(test_sarif_many_unclear), cmocka_unit_test(test_sarif_cap),
        cmocka_unit_test(test_sarif_uri),
        cmocka_unit_test(test_github_cap),
        cmocka_unit_test(test_junit_shape),
        cmocka_unit_test(test_html_shape),
        cmocka_unit_test(test_lenient),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_out_cap),
        cmocka_unit_test(test_alloc_fail),
        cmocka_unit_test(test_explain),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
