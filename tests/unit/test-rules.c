/* Unit tests: rule loading diagnostics, conditions, modifiers, captures, match limit. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "rules/rules.h"

static void capture(void *user, const struct la_diag *d)
{
    struct la_buf *b = user;
    assert_int_equal(la_diag_format(d, b), LA_OK);
    assert_int_equal(la_buf_addc(b, '\n'), LA_OK);
}

static struct la_ruleset *load(const char *yaml, struct la_buf *diags, enum la_rc want)
{
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_ruleset *rs = la_ruleset_new(&lim);
    struct la_diag_sink sink = { capture, diags };
    static const char *const causes[] = { "usb-link", "baseband", NULL };
    static const char *const formats[] = { "text", "itunes-updater", NULL };

    la_ruleset_set_vocabulary(rs, causes, formats);
    enum la_rc rc = la_ruleset_add_buffer(rs, "t.yaml", yaml, strlen(yaml), &sink);
    if (rc == LA_OK)
        rc = la_ruleset_compile(rs, &sink);
    assert_int_equal(rc, want);
    return rs;
}

#define RULE(extra)                                                                       \
    "rules:\n  - id: t.one\n    title: T\n    cause: usb-link\n    samples: [x]\n"          \
    "    not: [y]\n" extra

static void diagnostics(void **state)
{
    struct la_buf d = LA_BUF_INIT;
    struct la_ruleset *rs;

    rs = load(RULE("    match:\n      a: {re: 'panic('}\n"), &d, LA_FAILED);
    assert_string_equal(d.buf, "t.yaml:8:22: error[LA207]: invalid regex 'panic(': missing "
                               "closing parenthesis at offset 6\n");
    la_ruleset_free(rs);
    la_buf_reset(&d);
    rs = load(RULE("    match:\n      a: {contains: abc}\n    colour: red\n"), &d, LA_FAILED);
    assert_string_equal(d.buf, "t.yaml:9:5: error[LA201]: unknown key 'colour'\n");
    la_ruleset_free(rs);
    la_buf_reset(&d);
    rs = load(RULE("    cause: nand\n    match:\n      a: {contains: abc}\n"), &d, LA_FAILED);
    assert_string_equal(d.buf, "t.yaml:7:5: error[LA216]: key 'cause' given twice\n");
    la_ruleset_free(rs);
    la_buf_reset(&d);
    rs = load("rules:\n  - id: t.two\n    title: T\n    cause: nand\n    samples: [x]\n"
              "    not: [y]\n    match:\n      a: {contains: abc}\n", &d, LA_FAILED);
    assert_string_equal(d.buf, "t.yaml:4:12: error[LA205]: unknown cause 'nand'\n");
    la_ruleset_free(rs);
    la_buf_reset(&d);
    rs = load(RULE("    match:\n      a: {contains: abc}\n      condition: not a\n"), &d,
              LA_FAILED);
    assert_non_null(strstr(d.buf, "condition is true when no selection holds"));
    la_ruleset_free(rs);
    la_buf_reset(&d);
    rs = load(RULE("    match:\n      a: {contains: abc}\n      condition: a and b\n"), &d,
              LA_FAILED);
    assert_non_null(strstr(d.buf, "t.yaml:9:24: error[LA209]: unknown selection 'b' at offset 7"));
    la_ruleset_free(rs);
    la_buf_reset(&d);
    rs = load("rules: [\n", &d, LA_FAILED);
    assert_non_null(strstr(d.buf, "error[LA200]: invalid YAML"));
    la_ruleset_free(rs);
    la_buf_release(&d);
}

struct hits {
    int n;
    char cap[64];
};

static enum la_rc on_hit(void *user, size_t rule, const struct la_capture *c, size_t n)
{
    struct hits *h = user;
    h->n++;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(c[i].name, "code"))
            snprintf(h->cap, sizeof(h->cap), "%.*s", (int)c[i].value.len, c[i].value.p);
    return LA_OK;
}

static int scan(struct la_matcher *m, const char *line, struct hits *h)
{
    struct la_record f = { .format = "text", .text = la_sv_cstr(line),
                           .message = la_sv_cstr(line) };
    memset(h, 0, sizeof(*h));
    assert_int_equal(la_matcher_scan(m, &f, on_hit, h, NULL), LA_OK);
    return h->n;
}

static void matching(void **state)
{
    struct la_buf d = LA_BUF_INIT;
    struct la_ruleset *rs = load(
        RULE("    match:\n"
             "      sel_a: {contains: [Device Disconnected, gone away]}\n"
             "      sel_b: {re: 'status: ?(?<code>[0-9]+)'}\n"
             "      noise: {startswith: '[debug]', cased: true}\n"
             "      condition: 1 of sel_* and not noise\n"),
        &d, LA_OK);
    struct la_matcher *m = la_matcher_new(rs);
    struct hits h;

    assert_int_equal(scan(m, "x device disconnected during transition", &h), 1);
    assert_int_equal(scan(m, "Restore completed, status:4013", &h), 1);
    assert_string_equal(h.cap, "4013");
    assert_int_equal(scan(m, "[debug] device disconnected", &h), 0);
    assert_int_equal(scan(m, "[DEBUG] device disconnected", &h), 1);
    assert_int_equal(scan(m, "nothing to see", &h), 0);
    la_matcher_free(m);
    la_ruleset_free(rs);
    la_buf_release(&d);
}

/* Durations: units, and no overflow past a week (found by the rules-load fuzzer). */
static void durations(void **state)
{
    static const char *const bad[] = { "9223372036854775807s", "99999999999999999999ms",
                                       "169h", "10 minutes", "-1s", "5" };
    struct la_buf d = LA_BUF_INIT;
    char yaml[512];

    (void)state;
    la_ruleset_free(load(RULE("    match: {sel: {contains: x}}\n"
                              "    count: {min: 2, within: 168h}\n"), &d, LA_OK));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        la_buf_reset(&d);
        snprintf(yaml, sizeof(yaml), RULE("    match: {sel: {contains: x}}\n"
                                          "    count: {min: 2, within: '%s'}\n"), bad[i]);
        la_ruleset_free(load(yaml, &d, LA_FAILED));
        assert_non_null(strstr(d.buf, "bad duration"));
    }
    la_buf_release(&d);
}

/* The scan reports the hint words wherever they are, in any case, rules or not. */
static void hint_words(void **state)
{
    struct la_buf d = LA_BUF_INIT;
    /* "fail" is also a rule's atom: the hint must still be reported beside the rule. */
    struct la_ruleset *rs = load(RULE("    match:\n      sel: {contains: fail}\n"), &d, LA_OK);
    struct la_matcher *m = la_matcher_new(rs);
    struct hits h;

    (void)state;
    assert_int_equal(scan(m, "x ERROR y Error z", &h), 0);
    assert_int_equal(la_matcher_hint_at(m, LA_HINT_ERROR), 11);      /* the last one */
    assert_int_equal(la_matcher_hint_at(m, LA_HINT_FAIL), 0);
    assert_int_equal(scan(m, "kernel Panic(cpu 0) and FAILED", &h), 1);
    assert_int_equal(la_matcher_hint_at(m, LA_HINT_PANIC), 8);
    assert_int_equal(la_matcher_hint_at(m, LA_HINT_FAIL), 25);
    assert_int_equal(la_matcher_hint_at(m, LA_HINT_ERROR), 0);       /* reset per scan */
    assert_int_equal(scan(m, "panic without a parenthesis", &h), 0);
    assert_int_equal(la_matcher_hint_at(m, LA_HINT_PANIC), 0);
    la_matcher_free(m);
    la_ruleset_free(rs);
    la_buf_release(&d);
}

static void match_limit_disables_rule(void **state)
{
    struct la_buf d = LA_BUF_INIT;
    struct la_ruleset *rs = load(RULE("    match:\n      a: {re: '^(a+)+bad$'}\n"), &d, LA_OK);
    struct la_matcher *m = la_matcher_new(rs);
    struct la_diag_sink sink = { capture, &d };
    char line[64];
    struct hits h = { 0, "" };
    struct la_record f;

    memset(line, 'a', 40);
    memcpy(line + 40, "X bad!", 7);
    f = (struct la_record){ .format = "text", .text = la_sv_cstr(line),
                            .message = la_sv_cstr(line) };
    la_buf_reset(&d);
    assert_int_equal(la_matcher_scan(m, &f, on_hit, &h, &sink), LA_OK);
    assert_non_null(strstr(d.buf, "warning[LA215]"));
    assert_int_equal(h.n, 0);
    la_matcher_free(m);
    la_ruleset_free(rs);
    la_buf_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(diagnostics), cmocka_unit_test(matching),
        cmocka_unit_test(hint_words), cmocka_unit_test(durations),
        cmocka_unit_test(match_limit_disables_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
