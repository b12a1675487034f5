/*
 * Unit tests: the rules' self-test (rules/selftest.h) on a ruleset from memory, with test
 * formats instead of formats/: samples and not-lines, multi-line samples (only the last
 * line counts), formats tried in turn, vocabulary pack entries (made samples), fixture logs
 * and their directives, the diagnostics of failures, and a caller that stops the run.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "rules/rules.h"
#include "rules/selftest.h"

static void capture(void *user, const struct la_diag *d)
{
    struct la_buf *b = user;
    assert_int_equal(la_diag_format(d, b), LA_OK);
    assert_int_equal(la_buf_addc(b, '\n'), LA_OK);
}

static struct la_ruleset *load(const char *yaml)
{
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_ruleset *rs = la_ruleset_new(&lim);
    struct la_buf d = LA_BUF_INIT;
    struct la_diag_sink sink = { capture, &d };

    assert_non_null(rs);
    if (la_ruleset_add_buffer(rs, "t.yaml", yaml, strlen(yaml), &sink) != LA_OK ||
        la_ruleset_compile(rs, &sink) != LA_OK)
        fail_msg("%s", d.buf);
    la_buf_release(&d);
    return rs;
}

/*
 * Test formats: "text" gives each line as a record; "quoted" drops a leading "> " first;
 * "late" gives each line's record one line later (as a parser rejoining cut lines does),
 * the last one at the end.
 */
static enum la_rc parse(void *user, const char *id, const char *text,
                        la_selftest_record_fn *fn, void *fn_user)
{
    char held[256] = "";
    const char *s = text;

    (void)user;
    for (;;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        char line[256];
        struct la_record f = { .format = id, .time = -1, .pid = -1 };
        enum la_rc rc = LA_OK;

        snprintf(line, sizeof line, "%.*s", (int)n, s);
        if (!strcmp(id, "quoted") && !strncmp(line, "> ", 2))
            memmove(line, line + 2, strlen(line + 2) + 1);
        if (!strcmp(id, "late")) {
            if (held[0]) {
                f.text = f.message = la_sv_cstr(held);
                rc = fn(fn_user, &f, !nl);
            }
            snprintf(held, sizeof held, "%s", line);
        } else {
            f.text = f.message = la_sv_cstr(line);
            rc = fn(fn_user, &f, !nl);
        }
        if (rc != LA_OK)
            return rc;
        if (!nl)
            break;
        s = nl + 1;
    }
    if (held[0]) {
        struct la_record f = { .format = id, .time = -1, .pid = -1, .text = la_sv_cstr(held),
                               .message = la_sv_cstr(held) };
        return fn(fn_user, &f, 1);
    }
    return LA_OK;
}

static const char *const all_ids[] = { "text", "quoted", "late", NULL };
static const char *const text_ids[] = { "text", NULL };
static const struct la_selftest_formats text_only = { all_ids, text_ids, parse, NULL };

/* The checks as one line each: "kind rule file:line index passed". */
static enum la_rc record(void *user, const struct la_selftest_check *c)
{
    static const char *const kinds[] = { "sample", "not", "expect", "ok" };
    struct la_buf *b = user;

    return la_buf_addf(b, "%s %s %s:%u %zu %d\n", kinds[c->kind], c->rule, c->file, c->line,
                       c->index, c->passed);
}

#define RULE(id, match, samples, nots)                                                     \
    "  - id: " id "\n    title: T\n    cause: usb-link\n    samples: " samples "\n"        \
    "    not: " nots "\n    match: " match "\n"

static void samples_and_not_lines(void **state)
{
    struct la_ruleset *rs = load("rules:\n" RULE("t.one", "{sel: {contains: abc}}",
                                                 "[x abc y, \"zzz\\nabc\"]", "[zzz]")
                                 RULE("t.two", "{sel: {contains: def}}",
                                      "[nothing, \"def\\nzzz\"]", "[x def]"));
    struct la_buf checks = LA_BUF_INIT, diags = LA_BUF_INIT;
    struct la_diag_sink sink = { capture, &diags };
    struct la_selftest_counts n = { 99, 99 };

    (void)state;
    assert_int_equal(la_selftest_run(rs, &text_only, NULL, record, &checks, &n, &sink), LA_OK);
    assert_int_equal(n.passed, 3);
    assert_int_equal(n.failed, 3);
    assert_string_equal(checks.buf, "sample t.one t.yaml:2 0 1\n"
                                    "sample t.one t.yaml:2 1 1\n"
                                    "not t.one t.yaml:2 0 1\n"
                                    "sample t.two t.yaml:8 0 0\n"
                                    "sample t.two t.yaml:8 1 0\n"
                                    "not t.two t.yaml:8 0 0\n");
    /* A sample of several lines is tested on its last line only ("def\nzzz" fails). */
    assert_string_equal(diags.buf,
                        "t.yaml:8: error[LA212]: rule 't.two': a sample does not match: "
                        "nothing\n"
                        "t.yaml:8: error[LA212]: rule 't.two': a sample does not match: "
                        "def\nzzz\n"
                        "t.yaml:8: error[LA213]: rule 't.two': a not-line matches: x def\n");
    la_buf_release(&checks);
    la_buf_release(&diags);
    la_ruleset_free(rs);
}

/* A sample passes when any sample format fires the rule; a not-line fails when any does. */
static void every_sample_format(void **state)
{
    static const char *const both[] = { "text", "quoted", NULL };
    const struct la_selftest_formats fmts = { all_ids, both, parse, NULL };
    struct la_ruleset *rs = load("rules:\n" RULE("t.one", "{sel: {startswith: abc}}",
                                                 "['> abc']", "['> abd', 'x abc']"));
    struct la_selftest_counts n;

    (void)state;
    assert_int_equal(la_selftest_run(rs, &text_only, NULL, NULL, NULL, &n, NULL), LA_OK);
    assert_int_equal(n.passed, 2);
    assert_int_equal(n.failed, 1);
    assert_int_equal(la_selftest_run(rs, &fmts, NULL, NULL, NULL, &n, NULL), LA_OK);
    assert_int_equal(n.passed, 3);
    assert_int_equal(n.failed, 0);
    la_ruleset_free(rs);
}

/* Records a parser gives late still count when they come with the last line. */
static void late_records(void **state)
{
    static const char *const late[] = { "late", NULL };
    const struct la_selftest_formats fmts = { all_ids, late, parse, NULL };
    struct la_ruleset *rs = load("rules:\n" RULE("t.one", "{sel: {contains: abc}}",
                                                 "[\"abc\\nzzz\", \"zzz\\nabc\"]",
                                                 "[\"abc\\nz\\nz\"]"));
    struct la_selftest_counts n;

    (void)state;
    assert_int_equal(la_selftest_run(rs, &fmts, NULL, NULL, NULL, &n, NULL), LA_OK);
    assert_int_equal(n.passed, 3);
    assert_int_equal(n.failed, 0);
    la_ruleset_free(rs);
}

/*
 * A vocabulary pack's entries have no written samples: each gets its format's sample line
 * (must fire) and the same line altered (must not), read as plain text, reported at the
 * entry's line.  An entry whose variant catches every line of it never fires itself.
 */
static void vocabulary_entries(void **state)
{
    static const char *const quoted[] = { "quoted", NULL };
    const struct la_selftest_formats fmts = { all_ids, quoted, parse, NULL };
    struct la_ruleset *rs = load(
        "producer: tool\nrepository: https://example.org/tool\ncommit: 0123456789abcdef\n"
        "messages:\n"
        "  - id: tool.00000001\n    at: a.c:1\n    level: error\n"
        "    format: \"ERROR: Unable to open %s (%d)\"\n    side: link\n    cause: usb-link\n"
        "    weight: 1\n    reason: r\n"
        "  - id: tool.00000002\n    at: a.c:2\n    level: error\n"
        "    format: \"Cannot reach the server\"\n    side: link\n    cause: usb-link\n"
        "    weight: 1\n    reason: r\n    variants:\n      - match: server\n"
        "        side: link\n        cause: usb-link\n        weight: 2\n        reason: r\n"
        "ignored:\n  - id: tool.00000003\n    at: a.c:3\n    level: error\n"
        "    format: failed\n    ignore: trace\n    reason: r\n");
    struct la_buf checks = LA_BUF_INIT, diags = LA_BUF_INIT;
    struct la_diag_sink sink = { capture, &diags };
    struct la_selftest_counts n;

    (void)state;
    /* Plain text even when the sample formats are others: "text" is known. */
    assert_int_equal(la_selftest_run(rs, &fmts, NULL, record, &checks, &n, &sink), LA_OK);
    assert_int_equal(n.passed, 5);
    assert_int_equal(n.failed, 1);
    assert_string_equal(checks.buf, "sample tool.00000001 t.yaml:5 0 1\n"
                                    "not tool.00000001 t.yaml:5 0 1\n"
                                    "sample tool.00000002 t.yaml:13 0 0\n"
                                    "not tool.00000002 t.yaml:13 0 1\n"
                                    "sample tool.00000003 t.yaml:28 0 1\n"
                                    "not tool.00000003 t.yaml:28 0 1\n");
    assert_string_equal(diags.buf, "t.yaml:13: error[LA212]: rule 'tool.00000002': a sample "
                                   "does not match: Cannot reach the server\n");
    la_buf_release(&checks);
    la_buf_release(&diags);
    la_ruleset_free(rs);
}

static char *write_fixture(const char *text)
{
    char *path = strdup("/tmp/test-selftest-XXXXXX");
    int fd;

    assert_non_null(path);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void fixtures(void **state)
{
    struct la_ruleset *rs = load("rules:\n" RULE("t.one", "{sel: {startswith: abc}}", "[abc]",
                                                 "[zzz]"));
    char *path = write_fixture("# a fixture\n"
                               "#! expect: t.one\n"
                               "abc here\n"                         /* 3: passes */
                               "#! ok: t.one\n"
                               "abc again\n"                        /* 5: fails (LA219) */
                               "plain line, no checks\n"
                               "\n"
                               "#! expect: t.one, nope\n"
                               "zzz\n"                              /* 9: LA218, LA211 */
                               "#! format: bogus\n"                 /* 10: LA206 */
                               "#! format: quoted\n"
                               "#! expect: t.one\n"
                               "> abc quoted\r\n");                 /* 13: passes */
    const char *list[] = { path, "/nonexistent/fixture.log", NULL };
    struct la_buf checks = LA_BUF_INIT, diags = LA_BUF_INIT, want = LA_BUF_INIT;
    struct la_diag_sink sink = { capture, &diags };
    struct la_selftest_counts n;

    (void)state;
    assert_int_equal(la_selftest_run(rs, &text_only, list, record, &checks, &n, &sink), LA_OK);
    assert_int_equal(n.passed, 2 + 2);
    assert_int_equal(n.failed, 3 + 2);
    assert_int_equal(la_buf_addf(&want, "sample t.one t.yaml:2 0 1\nnot t.one t.yaml:2 0 1\n"
                                        "expect t.one %s:3 0 1\nok t.one %s:5 0 0\n"
                                        "expect t.one %s:9 0 0\nexpect nope %s:9 0 0\n"
                                        "expect t.one %s:13 0 1\n",
                                 path, path, path, path, path), LA_OK);
    assert_string_equal(checks.buf, want.buf);
    la_buf_reset(&want);
    assert_int_equal(la_buf_addf(&want,
                                 "%s:5: error[LA219]: rule 't.one' fires on this line\n"
                                 "%s:9: error[LA218]: rule 't.one' does not fire on this line\n"
                                 "%s:9: error[LA211]: unknown rule 'nope'\n"
                                 "%s:10: error[LA206]: unknown format 'bogus'\n"
                                 "/nonexistent/fixture.log: error[LA101]: cannot open: No such "
                                 "file or directory\n", path, path, path, path), LA_OK);
    assert_string_equal(diags.buf, want.buf);
    unlink(path);
    free(path);
    la_buf_release(&checks);
    la_buf_release(&diags);
    la_buf_release(&want);
    la_ruleset_free(rs);
}

static enum la_rc stop_at_second(void *user, const struct la_selftest_check *c)
{
    unsigned *calls = user;

    (void)c;
    return ++*calls == 2 ? LA_FAILED : LA_OK;
}

/* The caller's error stops the run and is returned; bad arguments are LA_FATAL. */
static void stops_and_arguments(void **state)
{
    struct la_ruleset *rs = load("rules:\n" RULE("t.one", "{sel: {contains: abc}}",
                                                 "[abc, abc]", "[zzz]"));
    struct la_selftest_counts n = { 7, 7 };
    const struct la_selftest_formats none = { all_ids, text_ids, NULL, NULL };
    unsigned calls = 0;

    (void)state;
    assert_int_equal(la_selftest_run(rs, &text_only, NULL, stop_at_second, &calls, &n, NULL),
                     LA_FAILED);
    assert_int_equal(calls, 2);
    assert_int_equal(n.passed, 7);                  /* untouched on failure */
    assert_int_equal(la_selftest_run(NULL, &text_only, NULL, NULL, NULL, &n, NULL), LA_FATAL);
    assert_int_equal(la_selftest_run(rs, &none, NULL, NULL, NULL, &n, NULL), LA_FATAL);
    assert_int_equal(la_selftest_run(rs, &text_only, NULL, NULL, NULL, NULL, NULL), LA_FATAL);
    la_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(samples_and_not_lines),
        cmocka_unit_test(every_sample_format),
        cmocka_unit_test(late_records),
        cmocka_unit_test(vocabulary_entries),
        cmocka_unit_test(fixtures),
        cmocka_unit_test(stops_and_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
