/*
 * Unit tests: block hits (rules/prefilter.c la_block_hits_*, match.c block_atoms).
 *
 * A block is scanned once; a record whose text lies inside it takes its atoms from the
 * block's hits, found by address.  Under each backend:
 *   - every window [start, end) of a made block (lines with and without separators, atoms
 *     at line starts and ends, atoms straddling two lines and the block's edge) gives the
 *     same hits, captures and hint positions from the block hits as from scanning the
 *     window alone; an off-by-one in the lookup changes some window's output;
 *   - a record at the block's start and one ending at its end are served from the hits;
 *     a record that runs past the block's end, or lies in another buffer, is scanned;
 *   - a block over the hit cap serves nothing, and its records are scanned, with the same
 *     output; an empty block serves an empty record.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/limits.h"
#include "rules/rules.h"

static const char rules_yaml[] =
    "rules:\n"
    "  - id: t.lit\n    title: T\n    cause: usb-link\n    samples: [x]\n    not: [y]\n"
    "    match:\n      a: {contains: 'usb timed out'}\n"
    "  - id: t.code\n    title: T\n    cause: usb-link\n    samples: [x]\n    not: [y]\n"
    "    match:\n      a: {re: 'restore failed.*error (?<code>-?\\d+)'}\n"
    "  - id: t.alt\n    title: T\n    cause: usb-link\n    samples: [x]\n    not: [y]\n"
    "    match:\n      a: {re: '(?i)(?:AMRestore|idevicerestore)\\S* (?<what>\\w+)'}\n"
    "  - id: t.both\n    title: T\n    cause: usb-link\n    samples: [x]\n    not: [y]\n"
    "    match:\n      a: {startswith: 'checkpoint'}\n      b: {contains: 'fail'}\n"
    "      condition: a and b\n"
    "  - id: t.overlap\n    title: T\n    cause: usb-link\n    samples: [x]\n    not: [y]\n"
    "    match:\n      a: {contains: 'rror'}\n";

/* Lines with atoms at their starts and ends, one cut across a newline, none separated. */
static const char block_text[] =
    "error at the start\n"
    "usb timed out\n"
    "usb timed\nout, cut\n"
    "x restore failed with ERROR -1 (error 4013) error 9\n"
    "errorfailpanic(error\n"
    "idevicerestore: go\n"
    "checkpoint 12 failed\n"
    "rrrrror err\nor errror\n"
    "ends in error";

static void quiet(void *user, const struct la_diag *d)
{
    (void)user;
    (void)d;
}

static struct la_ruleset *load(const char *matcher)
{
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_ruleset *rs = la_ruleset_new(&lim);
    struct la_diag_sink sink = { quiet, NULL };
    static const char *const causes[] = { "usb-link", NULL };
    static const char *const formats[] = { "text", NULL };

    if (matcher)
        assert_int_equal(setenv("LOGANALYZE_MATCHER", matcher, 1), 0);
    else
        assert_int_equal(unsetenv("LOGANALYZE_MATCHER"), 0);
    assert_non_null(rs);
    la_ruleset_set_vocabulary(rs, causes, formats);
    assert_int_equal(la_ruleset_add_buffer(rs, "t.yaml", rules_yaml, strlen(rules_yaml), &sink),
                     LA_OK);
    assert_int_equal(la_ruleset_compile(rs, &sink), LA_OK);
    unsetenv("LOGANALYZE_MATCHER");
    return rs;
}

static enum la_rc record_hit(void *user, size_t rule, const struct la_capture *c, size_t n)
{
    struct la_buf *b = user;

    assert_int_equal(la_buf_addf(b, "%zu{", rule), LA_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(la_buf_addf(b, "%s=%.*s,", c[i].name, (int)c[i].value.len,
                                     c[i].value.p), LA_OK);
    assert_int_equal(la_buf_add(b, "};", 2), LA_OK);
    return LA_OK;
}

/* What scanning text[0..len) gives: the rules that fired with captures, the hints. */
static void scan(struct la_matcher *m, const char *text, size_t len, struct la_buf *out)
{
    struct la_record rec = { .format = "text" };

    rec.text = rec.message = (struct la_sv){ text, len };
    la_buf_reset(out);
    assert_int_equal(la_buf_addc(out, '>'), LA_OK);
    assert_int_equal(la_matcher_scan(m, &rec, record_hit, out, NULL), LA_OK);
    for (int h = 0; h < LA_HINTS; h++)      /* the hint words found: "|word=position" */
        if (la_matcher_hint_at(m, (enum la_hint)h))
            assert_int_equal(la_buf_addf(out, "|%d=%zu", h,
                                         la_matcher_hint_at(m, (enum la_hint)h)), LA_OK);
}

/* The window [s, e) of the block, from the hits (mh) and on its own (mr): the same. */
static void same_window(struct la_matcher *mh, struct la_matcher *mr, const char *s,
                        const char *e, int served)
{
    struct la_buf a = LA_BUF_INIT, b = LA_BUF_INIT;
    uint64_t before = la_matcher_hits_served(mh);

    scan(mh, s, (size_t)(e - s), &a);
    scan(mr, s, (size_t)(e - s), &b);
    if (strcmp(a.buf, b.buf))
        fail_msg("window \"%.*s\": block hits %s, own scan %s", (int)(e - s), s, a.buf, b.buf);
    assert_int_equal(la_matcher_hits_served(mh) - before, served);
    la_buf_release(&a);
    la_buf_release(&b);
}

static void windows(const char *matcher)
{
    struct la_ruleset *rs = load(matcher);
    struct la_matcher *mh = la_matcher_new(rs), *mr = la_matcher_new(rs);
    struct la_block_hits *h = la_block_hits_new(rs, 0);
    size_t n = strlen(block_text), cut = n - 3;   /* the block ends inside "error" */
    char *copy = malloc(n + 1);
    struct la_buf a = LA_BUF_INIT;

    assert_non_null(mh);
    assert_non_null(mr);
    assert_non_null(h);
    assert_non_null(copy);
    /* Every window of the whole block. */
    assert_int_equal(la_block_hits_scan(h, block_text, n), LA_OK);
    assert_true(la_block_hits_usable(h));
    assert_true(la_block_hits_count(h) > 20);
    la_matcher_use_hits(mh, h);
    for (size_t s = 0; s <= n; s++)
        for (size_t e = s; e <= n; e++)
            same_window(mh, mr, block_text + s, block_text + e, 1);
    /* The first line, and the last (it ends at the block's end): served, with what they
     * hold (the test can fail: these are not empty). */
    scan(mh, block_text, 18, &a);
    assert_string_equal(a.buf, ">4{};|0=1");
    scan(mh, block_text + n - 13, 13, &a);
    assert_string_equal(a.buf, ">4{};|0=9");
    /* A block cut inside an atom: windows inside it are served, those that run past its
     * end are scanned on their own. */
    assert_int_equal(la_block_hits_scan(h, block_text, cut), LA_OK);
    for (size_t s = n - 40; s <= n; s++)
        for (size_t e = s; e <= n; e++)
            same_window(mh, mr, block_text + s, block_text + e, e <= cut);
    /* The same bytes in another buffer are not the block's. */
    memcpy(copy, block_text, n + 1);
    same_window(mh, mr, copy, copy + 18, 0);
    same_window(mh, mr, copy + 5, copy + n, 0);
    /* An empty block serves an empty record at its address, and nothing else. */
    assert_int_equal(la_block_hits_scan(h, block_text, 0), LA_OK);
    assert_true(la_block_hits_usable(h));
    assert_int_equal(la_block_hits_count(h), 0);
    same_window(mh, mr, block_text, block_text, 1);
    same_window(mh, mr, block_text, block_text + 5, 0);
    /* No hits in use: every record is scanned. */
    la_matcher_use_hits(mh, NULL);
    same_window(mh, mr, block_text, block_text + 18, 0);
    la_block_hits_free(h);
    /* A block over the cap serves nothing; its records are scanned, the same. */
    h = la_block_hits_new(rs, 4);
    assert_non_null(h);
    assert_int_equal(la_block_hits_scan(h, block_text, n), LA_OK);
    assert_false(la_block_hits_usable(h));
    la_matcher_use_hits(mh, h);
    for (size_t s = 0; s < n; s += 7)
        same_window(mh, mr, block_text + s, block_text + n, 0);
    /* Within the cap again. */
    assert_int_equal(la_block_hits_scan(h, block_text, 17), LA_OK);
    assert_true(la_block_hits_usable(h));
    same_window(mh, mr, block_text, block_text + 17, 1);
    la_block_hits_free(h);
    la_matcher_free(mh);
    la_matcher_free(mr);
    la_ruleset_free(rs);
    la_buf_release(&a);
    free(copy);
}

static void portable(void **state)
{
    (void)state;
    windows("portable");
}

/* The default backend: Vectorscan when built with it (portable again otherwise). */
static void best(void **state)
{
    (void)state;
    windows(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(portable),
        cmocka_unit_test(best),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
