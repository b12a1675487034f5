/* Unit tests: rule loading diagnostics, conditions, modifiers, captures, match limit. */
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
#include "core/limits.h"
#include "rules/kb.h"
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
    la_buf_reset(&d);
    /* 'advice': one sentence to act on, kept in the rule's metadata; empty is an error. */
    rs = load(RULE("    advice: Use another cable.\n    match:\n      a: {contains: abc}\n"), &d,
              LA_OK);
    assert_string_equal(la_ruleset_rule(rs, 0)->advice, "Use another cable.");
    la_ruleset_free(rs);
    la_buf_reset(&d);
    rs = load(RULE("    advice: ''\n    match:\n      a: {contains: abc}\n"), &d, LA_FAILED);
    assert_non_null(strstr(d.buf, "error[LA"));
    assert_non_null(strstr(d.buf, "'advice' must be 1 to 400 characters"));
    la_ruleset_free(rs);
    la_buf_reset(&d);
    /* 'fallback': a flag of evidence rules only. */
    rs = load(RULE("    fallback: true\n    match:\n      a: {contains: abc}\n"), &d, LA_OK);
    assert_true(la_ruleset_rule(rs, 0)->fallback);
    la_ruleset_free(rs);
    la_buf_reset(&d);
    rs = load(RULE("    kind: fact\n    fallback: true\n    match:\n      a: {contains: abc}\n"),
              &d, LA_FAILED);
    assert_non_null(strstr(d.buf, "'fallback' is for evidence rules only"));
    la_ruleset_free(rs);
    la_buf_reset(&d);
    rs = load(RULE("    fallback: often\n    match:\n      a: {contains: abc}\n"), &d, LA_FAILED);
    assert_non_null(strstr(d.buf, "'fallback' must be true or false"));
    la_ruleset_free(rs);
    la_buf_release(&d);
}

/* Load text built at run time (the caps need more text than a literal holds). */
static void load_built(struct la_buf *yaml, struct la_buf *d, enum la_rc want, const char *diag)
{
    struct la_ruleset *rs = load(yaml->buf, d, want);

    if (diag && !strstr(d->buf, diag))
        fail_msg("expected '%s' in:\n%.400s", diag, d->buf);
    la_ruleset_free(rs);
    la_buf_reset(d);
    la_buf_reset(yaml);
}

/* Aliases that stay within the caps load as before; anchors, aliases and nesting are capped. */
static void yaml_limits(void **state)
{
    struct la_buf d = LA_BUF_INIT, y = LA_BUF_INIT;
    unsigned i;

    (void)state;
    /* An anchored list of patterns used by two rules: both rules load, with its patterns. */
    assert_int_equal(la_buf_addf(&y, "rules:\n%s%s",
        "  - {id: t.a, title: A, cause: usb-link, samples: [xab], not: [y],\n"
        "     match: {a: {contains: &p [xab, xcd]}}}\n",
        "  - {id: t.b, title: B, cause: usb-link, samples: [xcd], not: [y],\n"
        "     match: {a: {contains: *p}}}\n"), LA_OK);
    struct la_ruleset *rs = load(y.buf, &d, LA_OK);
    assert_int_equal(la_ruleset_count(rs), 2);
    la_ruleset_free(rs);
    la_buf_reset(&y);
    assert_string_equal(d.buf, "");
    /* An alias to no anchor. */
    assert_int_equal(la_buf_addf(&y, "rules: [*nope]\n"), LA_OK);
    load_built(&y, &d, LA_FAILED, "t.yaml:1:9: error[LA200]: invalid YAML: found undefined "
                                  "alias 'nope'");
    /* More anchors than LA_YAML_MAX_ANCHORS. */
    assert_int_equal(la_buf_addf(&y, "rules: ["), LA_OK);
    for (i = 0; i <= LA_YAML_MAX_ANCHORS; i++)
        assert_int_equal(la_buf_addf(&y, "&a%u x,", i), LA_OK);
    assert_int_equal(la_buf_addf(&y, "]\n"), LA_OK);
    load_built(&y, &d, LA_FAILED, "error[LA223]: more than 1000 YAML anchors");
    /* More aliases than LA_YAML_MAX_ALIASES. */
    assert_int_equal(la_buf_addf(&y, "rules: [&a x,"), LA_OK);
    for (i = 0; i <= LA_YAML_MAX_ALIASES; i++)
        assert_int_equal(la_buf_addf(&y, "*a,"), LA_OK);
    assert_int_equal(la_buf_addf(&y, "]\n"), LA_OK);
    load_built(&y, &d, LA_FAILED, "t.yaml:1:30014: error[LA223]: more than 10000 YAML aliases");
    /* Exactly LA_YAML_MAX_DEPTH levels load (the rule is then wrong, not the YAML). */
    assert_int_equal(la_buf_addf(&y, "rules: "), LA_OK);
    for (i = 1; i < LA_YAML_MAX_DEPTH; i++)
        assert_int_equal(la_buf_addc(&y, '['), LA_OK);
    for (i = 1; i < LA_YAML_MAX_DEPTH; i++)
        assert_int_equal(la_buf_addc(&y, ']'), LA_OK);
    load_built(&y, &d, LA_FAILED, "error[LA202]: a rule must be a mapping");
    /* A mapping of 20 000 keys is checked in n log n, not n^2 (this took minutes). */
    assert_int_equal(la_buf_addf(&y, "rules:\n  - id: t.w\n"), LA_OK);
    for (i = 0; i < 20000; i++)
        assert_int_equal(la_buf_addf(&y, "    k%u: 1\n", i % 19999), LA_OK);
    load_built(&y, &d, LA_FAILED, "t.yaml:20002:5: error[LA216]: key 'k0' given twice");
    la_buf_release(&y);
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

/* after/unless 'lines': the window between lines without a clock, 1 to 1000. */
static void ref_lines(void **state)
{
    static const struct {
        const char *value, *says;
    } bad[] = { { "0", "'lines' must be between 1 and 1000" },
                { "1001", "'lines' must be between 1 and 1000" },
                { "-3", "'lines' must be between 1 and 1000" },
                { "x", "'lines' must be an integer" } };
    struct la_buf d = LA_BUF_INIT;
    struct la_ruleset *rs;
    char yaml[512];

    (void)state;
    rs = load(RULE("    match: {sel: {contains: x}}\n"
                   "    after: {rule: t.one, within: 1m, lines: 16}\n"
                   "    unless: {rule: t.one, lines: 3}\n"), &d, LA_OK);
    assert_int_equal(la_ruleset_rule(rs, 0)->after_lines, 16);
    assert_int_equal(la_ruleset_rule(rs, 0)->unless_lines, 3);
    la_ruleset_free(rs);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        la_buf_reset(&d);
        snprintf(yaml, sizeof(yaml), RULE("    match: {sel: {contains: x}}\n"
                                          "    unless: {rule: t.one, lines: %s}\n"),
                 bad[i].value);
        la_ruleset_free(load(yaml, &d, LA_FAILED));
        assert_non_null(strstr(d.buf, bad[i].says));
    }
    la_buf_release(&d);
}

/* A gated matcher tests a fallback rule only on a line that may say it failed (a hint word
 * or an error level); ungated (as `rules test` runs it) on every line with its atom. */
static void fallback_gate(void **state)
{
    struct la_buf d = LA_BUF_INIT;
    struct la_ruleset *rs = load(RULE("    fallback: true\n    match:\n"
                                      "      a: {contains: needs dfu mode}\n"), &d, LA_OK);
    struct la_matcher *m = la_matcher_new(rs);
    struct la_record err = { .format = "text", .text = la_sv_cstr("device needs dfu mode"),
                             .message = la_sv_cstr("device needs dfu mode"),
                             .level = la_sv_cstr("Error") };
    struct hits h;

    (void)state;
    assert_int_equal(scan(m, "device needs dfu mode", &h), 1);
    la_matcher_gate_fallback(m, 1);
    assert_int_equal(scan(m, "device needs dfu mode", &h), 0);
    assert_int_equal(scan(m, "unable to go on: device needs dfu mode", &h), 1);
    memset(&h, 0, sizeof(h));
    assert_int_equal(la_matcher_scan(m, &err, on_hit, &h, NULL), LA_OK);
    assert_int_equal(h.n, 1);
    la_matcher_free(m);
    la_ruleset_free(rs);
    la_buf_release(&d);
}

/* Scan line as written, then the folded pass; the hits of each. */
static void scan_both(struct la_matcher *m, const char *line, struct hits *as_written,
                      struct hits *folded)
{
    struct la_record f = { .format = "text", .text = la_sv_cstr(line),
                           .message = la_sv_cstr(line) };
    memset(as_written, 0, sizeof(*as_written));
    memset(folded, 0, sizeof(*folded));
    assert_int_equal(la_matcher_scan(m, &f, on_hit, as_written, NULL), LA_OK);
    assert_int_equal(la_matcher_scan_folded(m, &f, on_hit, folded, NULL), LA_OK);
    /* Once per scan: a second call reports nothing. */
    struct hits again = { 0 };
    assert_int_equal(la_matcher_scan_folded(m, &f, on_hit, &again, NULL), LA_OK);
    assert_int_equal(again.n, 0);
}

/*
 * The case-folded pass (la_matcher_scan_folded): a retyped or re-cased line matches a
 * case-sensitive regex with its letter case ignored, captures included; only on a line that
 * may say it failed; never a rule that fired as written; never a 'cased: true' literal.
 */
static void folded_pass(void **state)
{
    struct la_buf d = LA_BUF_INIT;
    struct la_ruleset *rs = load(
        "rules:\n"
        "  - id: t.send\n    title: T\n    cause: usb-link\n    samples: ['Unable to send iBEC']\n"
        "    not: [y]\n    match: {s: {re: 'Unable to send (?<code>iBEC|iBSS)'}}\n"
        "  - id: t.caps\n    title: C\n    cause: usb-link\n    samples: ['RESTORE FAILED']\n"
        "    not: [y]\n    match: {s: {contains: RESTORE FAILED, cased: true}}\n"
        "  - id: t.sending\n    title: S\n    cause: usb-link\n    samples: ['Sending iBEC']\n"
        "    not: [y]\n    match: {s: {re: 'Sending (?<code>iBEC)'}}\n"
        "  - id: t.any\n    title: A\n    cause: baseband\n    samples: ['x error']\n"
        "    not: [y]\n    match: {s: {contains: 'x error'}}\n",
        &d, LA_OK);
    struct la_matcher *m = la_matcher_new(rs);
    struct hits w, f;
    uint64_t passes, hits;

    (void)state;
    scan_both(m, "ERROR: Unable to send iBEC", &w, &f);
    assert_int_equal(w.n, 1);
    assert_int_equal(f.n, 0);                 /* fired as written: not again */
    static const char *const retyped[] = { "error: unable to send ibec",
                                           "ERROR: UNABLE TO SEND IBEC",
                                           "Error: Unable To Send Ibec" };
    for (size_t i = 0; i < sizeof(retyped) / sizeof(retyped[0]); i++) {
        scan_both(m, retyped[i], &w, &f);
        assert_int_equal(w.n, 0);
        assert_int_equal(f.n, 1);
        assert_true(!strcmp(f.cap, "ibec") || !strcmp(f.cap, "IBEC") || !strcmp(f.cap, "Ibec"));
    }
    /* No hint word, no error level: the pass does not run. */
    scan_both(m, "sending ibec", &w, &f);
    assert_int_equal(w.n + f.n, 0);
    scan_both(m, "sending ibec: error", &w, &f);
    assert_int_equal(w.n, 0);
    assert_int_equal(f.n, 1);
    /* The author's 'cased: true' stands, even on an error line. */
    scan_both(m, "error: restore failed", &w, &f);
    assert_int_equal(w.n + f.n, 0);
    /* A rule that fired as written is not reported again, another one that folds is. */
    scan_both(m, "x error: unable to send ibss", &w, &f);
    assert_int_equal(w.n, 1);
    assert_int_equal(f.n, 1);
    assert_string_equal(f.cap, "ibss");
    /* Only right after the scan of that record. */
    struct la_record other = { .format = "text", .text = la_sv_cstr("error: unable to send ibec"),
                               .message = la_sv_cstr("error: unable to send ibec") };
    memset(&f, 0, sizeof(f));
    assert_int_equal(la_matcher_scan_folded(m, &other, on_hit, &f, NULL), LA_OK);
    assert_int_equal(f.n, 0);
    la_matcher_fold_stats(m, &passes, &hits);
    assert_int_equal(passes, 7);
    assert_int_equal(hits, 5);
    la_matcher_free(m);
    la_ruleset_free(rs);
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
    /* The other ways a tool says something did not work. */
    assert_int_equal(scan(m, "Unable to send iBEC; Could not connect; cannot open x", &h), 0);
    assert_int_equal(la_matcher_hint_at(m, LA_HINT_UNABLE), 1);
    assert_int_equal(la_matcher_hint_at(m, LA_HINT_COULD_NOT), 22);
    assert_int_equal(la_matcher_hint_at(m, LA_HINT_CANNOT), 41);
    assert_int_equal(scan(m, "FATAL: out of memory", &h), 0);
    assert_int_equal(la_matcher_hint_at(m, LA_HINT_FATAL), 1);
    assert_int_equal(scan(m, "Can\xe2\x80\x99t open it; CAN'T READ", &h), 0);
    assert_int_equal(la_matcher_hint_at(m, LA_HINT_CANT_CURLY), 1);
    assert_int_equal(la_matcher_hint_at(m, LA_HINT_CANT), 18);
    assert_int_equal(scan(m, "the cannotation is able to go", &h), 0);
    assert_int_equal(la_matcher_hint_at(m, LA_HINT_CANNOT), 0);
    assert_int_equal(la_matcher_hint_at(m, LA_HINT_UNABLE), 0);
    la_matcher_free(m);
    la_ruleset_free(rs);
    la_buf_release(&d);
}

/* Which rules fired, by index (at most 512 rules). */
struct fired {
    unsigned char rule[512];
};

static enum la_rc on_fired(void *user, size_t rule, const struct la_capture *c, size_t n)
{
    struct fired *f = user;

    (void)c;
    (void)n;
    assert_true(rule < sizeof(f->rule));
    f->rule[rule] = 1;
    return LA_OK;
}

/* line contains lit, ignoring ASCII case. */
static int contains_nocase(const char *line, const char *lit)
{
    size_t n = strlen(line), l = strlen(lit);

    for (size_t i = 0; i + l <= n; i++) {
        size_t k = 0;
        while (k < l && (line[i + k] | 0x20) == lit[k])
            k++;
        if (k == l)
            return 1;
    }
    return 0;
}

/*
 * The prefilter automaton (match.c): with atoms that are prefixes, suffixes and infixes of
 * each other (every string of 'a' and 'b' of 3 to 6 letters, some with a blank, and 200 of
 * 7 to 14 letters, whose deep states have edge lists instead of dense rows), its fail links,
 * merged outputs and case folding must make every rule whose literal a line holds a
 * candidate: each rule fires exactly when a brute-force search finds its literal.
 */
static void automaton(void **state)
{
    struct la_buf yaml = LA_BUF_INIT, d = LA_BUF_INIT;
    const char *lits[400];
    char store[400][16];
    size_t n = 0;
    unsigned seed = 12345;

    (void)state;
    for (size_t len = 3; len <= 6; len++)
        for (unsigned bits = 0; bits < 1u << len && n < 190; bits += len == 6 ? 3 : 1) {
            for (size_t k = 0; k < len; k++)
                store[n][k] = (char)(bits >> k & 1 ? 'b' : 'a');
            if (len == 5 && bits % 4 == 0)
                store[n][2] = ' ';
            store[n][len] = '\0';
            lits[n] = store[n];
            n++;
        }
    while (n < 390) {
        size_t len = 7 + n % 8;
        for (size_t k = 0; k < len; k++) {
            seed = seed * 1103515245u + 12345u;
            store[n][k] = (char)((seed >> 16) % 8 ? 'a' + (seed >> 20) % 2 : ' ');
        }
        store[n][len] = '\0';
        lits[n] = store[n];
        for (size_t i = 0; i < n; i++)
            if (!strcmp(lits[i], lits[n]))
                n--;                               /* a duplicate: draw again */
        n++;
    }
    assert_int_equal(la_buf_adds(&yaml, "rules:\n"), LA_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(la_buf_addf(&yaml, "  - id: t.r%zu\n    title: T\n    cause: usb-link\n"
                                            "    samples: [x]\n    not: [y]\n"
                                            "    match: {sel: {contains: '%s'}}\n", i, lits[i]),
                         LA_OK);
    struct la_ruleset *rs = load(yaml.buf, &d, LA_OK);
    struct la_matcher *m = la_matcher_new(rs);
    assert_non_null(m);
    for (int round = 0; round < 6000; round++) {
        static const char alphabet[] = "abAB x";
        char line[64];
        size_t len = (size_t)(round % 61);
        struct fired f;
        for (size_t k = 0; k < len; k++) {
            seed = seed * 1103515245u + 12345u;
            line[k] = alphabet[(seed >> 16) % 6];
        }
        line[len] = '\0';
        if (round % 2) {
            /* A literal, in mixed case, somewhere in the line: deep states' outputs too. */
            const char *lit = lits[(size_t)round / 2 % n];
            size_t l = strlen(lit), at = len > l ? (size_t)round % (len - l + 1) : 0;
            for (size_t k = 0; k < l && at + k < sizeof(line) - 1; k++)
                line[at + k] = (char)(k % 3 || lit[k] == ' ' ? lit[k] : lit[k] - 'a' + 'A');
            if (at + l > len)
                line[len = at + l < sizeof(line) - 1 ? at + l : sizeof(line) - 1] = '\0';
        }
        struct la_record rec = { .format = "text", .text = la_sv_cstr(line),
                                 .message = la_sv_cstr(line) };
        memset(&f, 0, sizeof(f));
        assert_int_equal(la_matcher_scan(m, &rec, on_fired, &f, NULL), LA_OK);
        for (size_t i = 0; i < n; i++)
            if (f.rule[i] != contains_nocase(line, lits[i]))
                fail_msg("line '%s', literal '%s': fired %d", line, lits[i], f.rule[i]);
    }
    la_matcher_free(m);
    la_ruleset_free(rs);
    la_buf_release(&yaml);
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

/* The catalogue read by numbering space (kb.h): the shipped rules/data files. */
static void kb_lookup_by_space(void **state)
{
    struct la_buf dir = LA_BUF_INIT, d = LA_BUF_INIT;
    struct la_diag_sink sink = { capture, &d };
    struct la_kb *kb = NULL;
    const char *root = getenv("LOGANALYZE_DATADIR");
    int tss = la_space_find("TSS", 3), amr = la_space_find("amr", 3);
    int bbu = la_space_find("bbu", 3), fr = la_space_find("fr", 2);
    int ramrod = la_space_find("ramrod", 6);
    long n = 0;

    (void)state;
    assert_non_null(root);
    assert_int_equal(la_buf_addf(&dir, "%s/data", root), LA_OK);
    assert_int_equal(la_kb_load(&kb, dir.buf, &sink), LA_OK);
    assert_true(tss > 0 && amr > 0 && bbu > 0 && fr > 0 && ramrod > 0);
    assert_int_equal(la_space_find("tss2", 4), -1);
    assert_string_equal(la_space_at(LA_SPACE_DIALOG)->id, "dialog");
    /* TSS 94 is the TSS entry 3194 on the error-number line, never AMRestore 94. */
    assert_int_equal(la_space_number((size_t)tss, 94, &n), 1);
    assert_int_equal(n, 3194);
    assert_int_equal(la_kb_code_in(kb, (size_t)tss, 94)->code, 3194);
    assert_null(la_kb_code_in(kb, (size_t)amr, 3194));
    assert_string_equal(la_kb_family_in(kb, (size_t)tss, 133)->id, "tss-server");
    assert_null(la_kb_code_in(kb, (size_t)tss, 133));
    /* AMR 37 has no entry of its own: the AMRestore family; 4013 is not an AMRestore code. */
    assert_null(la_kb_code_in(kb, (size_t)amr, 37));
    assert_string_equal(la_kb_family_in(kb, (size_t)amr, 37)->id, "amrestore-generic");
    assert_null(la_kb_code_in(kb, (size_t)amr, 4013));
    assert_null(la_kb_family_in(kb, (size_t)amr, 4013));
    assert_int_equal(la_kb_code_in(kb, LA_SPACE_DIALOG, 4013)->code, 4013);
    /* Off the line: BBUpdater 50 is its own entry, not AMRestore 50; bare 50 stays AMRestore. */
    assert_string_equal(la_kb_code_in(kb, (size_t)bbu, 50)->space, "BBUpdater");
    assert_null(la_kb_code(kb, 50)->space);
    assert_string_equal(la_kb_family_in(kb, (size_t)bbu, 47)->id, "bbupdater");
    assert_string_equal(la_kb_family_of(kb, 47)->id, "amrestore-storage");
    assert_int_equal(la_space_number((size_t)bbu, 50, &n), 0);
    assert_null(la_kb_code(kb, 1007));
    assert_int_equal(la_kb_code_in(kb, (size_t)ramrod, 1007)->code, 1007);
    /* Stage groups and their names for a person (stages.yaml group_names). */
    assert_string_equal(la_kb_stage_group(kb, "update_baseband")->id, "baseband");
    assert_string_equal(la_kb_stage_group(kb, "update_baseband")->label, "Modem");
    assert_string_equal(la_kb_stage_group(kb, "update_baseband")->doing,
                        "updating the modem (baseband)");
    assert_string_equal(la_kb_stage_group(kb, "asr_and_invert_image")->label, "System image");
    assert_null(la_kb_stage_group(kb, "no_such_step"));
    assert_null(la_kb_stage_group(kb, NULL));
    /* futurerestore's codes have no catalogue entry and no family. */
    assert_null(la_kb_code_in(kb, (size_t)fr, -10));
    assert_null(la_kb_family_in(kb, (size_t)fr, -10));
    assert_null(la_kb_code_in(kb, 999, 1));
    la_kb_free(kb);
    la_buf_release(&dir);
    la_buf_release(&d);
}

/* Copy file name from folder src to folder dst, with extra appended. */
static void copy_with(const char *src, const char *dst, const char *name, const char *extra)
{
    char p[1024], buf[4096];
    FILE *in, *out;
    size_t n;

    snprintf(p, sizeof(p), "%s/%s", src, name);
    assert_non_null(in = fopen(p, "rb"));
    snprintf(p, sizeof(p), "%s/%s", dst, name);
    assert_non_null(out = fopen(p, "wb"));
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fputs(extra, out);
    fclose(in);
    fclose(out);
}

/* causes.yaml's contexts: the shipped one, what it excludes, and a broken list rejected. */
static void kb_contexts(void **state)
{
    struct la_buf dir = LA_BUF_INIT, d = LA_BUF_INIT;
    struct la_diag_sink sink = { capture, &d };
    struct la_kb *kb = NULL;
    const char *root = getenv("LOGANALYZE_DATADIR");
    char tmp[] = "/tmp/la-test-kb-XXXXXX";
    const struct la_context *vm;

    (void)state;
    assert_non_null(root);
    assert_int_equal(la_buf_addf(&dir, "%s/data", root), LA_OK);
    assert_int_equal(la_kb_load(&kb, dir.buf, &sink), LA_OK);
    assert_int_equal(la_kb_n_contexts(kb), 1);
    assert_non_null(vm = la_kb_context(kb, "virtual-machine", 15));
    assert_ptr_equal(la_kb_context_at(kb, 0), vm);
    assert_null(la_kb_context_at(kb, 1));
    assert_null(la_kb_context(kb, "virtual-machin", 14));
    assert_null(la_kb_context(kb, "virtual-machine-x", 17));
    assert_string_equal(la_kb_context_ids(kb)[0], "virtual-machine");
    assert_null(la_kb_context_ids(kb)[1]);
    assert_true(la_context_excludes(vm, "usb-link"));
    assert_true(la_context_excludes(vm, "logic-board"));
    assert_false(la_context_excludes(vm, "host-software"));
    assert_false(la_context_excludes(NULL, "usb-link"));
    la_kb_free(kb);
    kb = NULL;
    /* An unknown cause and a context without excludes are errors; the kb is not loaded. */
    assert_non_null(mkdtemp(tmp));
    copy_with(dir.buf, tmp, "codes.yaml", "");
    copy_with(dir.buf, tmp, "stages.yaml", "");
    copy_with(dir.buf, tmp, "causes.yaml",
              "  - id: cloud\n    title: t\n    reason: r\n    excludes: [usb-lnk]\n"
              "  - id: empty\n    title: t\n    reason: r\n    excludes: []\n");
    la_buf_reset(&d);
    assert_int_equal(la_kb_load(&kb, tmp, &sink), LA_FAILED);
    assert_null(kb);
    assert_non_null(strstr(d.buf, "unknown cause 'usb-lnk'"));
    assert_non_null(strstr(d.buf, "a context needs id, title, reason and a non-empty excludes"));
    {
        char p[1100];
        const char *const names[] = { "codes.yaml", "stages.yaml", "causes.yaml" };
        for (size_t i = 0; i < 3; i++) {
            snprintf(p, sizeof(p), "%s/%s", tmp, names[i]);
            unlink(p);
        }
        rmdir(tmp);
    }
    la_buf_release(&dir);
    la_buf_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(diagnostics), cmocka_unit_test(yaml_limits), cmocka_unit_test(matching),
        cmocka_unit_test(hint_words),
        cmocka_unit_test(fallback_gate), cmocka_unit_test(folded_pass),
        cmocka_unit_test(durations), cmocka_unit_test(ref_lines),
        cmocka_unit_test(automaton),
        cmocka_unit_test(match_limit_disables_rule), cmocka_unit_test(kb_lookup_by_space),
        cmocka_unit_test(kb_contexts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
