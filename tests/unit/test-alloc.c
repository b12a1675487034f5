/*
 * Allocation-failure torture (curl's -t, dav1d's alloc_fail): every
 * allocation of loganalyze goes through core/alloc.c, and
 * la_alloc_fail_after(n) makes the (n+1)th and every later one fail.  For
 * every n from 0 up to the number of allocations a clean run makes, a sample
 * run must end without a crash, with a clean code (LA_OK, LA_FAILED or
 * LA_FATAL, never anything else), and without a leak; run this test under
 * ASan/LSan (-Db_sanitize=address) or valgrind to check the last part.
 *
 * The run is split where the engine is reusable, so the cost stays linear
 * per phase rather than quadratic over the whole run:
 *   1. la_engine_new() (rule and knowledge loading, compile), for every n;
 *   2. with a good engine: la_engine_analyze() of a sample archive, then
 *      la_engine_document() and la_report_render() in all eight formats,
 *      for every n; the same engine is reused after each failure, so its
 *      state must survive an out-of-memory unwinding;
 *   3. a clean run on that engine still gives the sample's diagnosis.
 * jansson is routed through the same seam (json_set_alloc_funcs), so the
 * document and reporters are covered too.  Set LA_ALLOC_STEP=k to try only
 * every kth n (quick runs under valgrind).
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

#include "analyze/analyze.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "report/report.h"

static struct la_buf sample = LA_BUF_INIT;
static unsigned long step = 1;

static void quiet(void *user, const struct la_diag *d)
{
    unsigned long *n = user;

    /* Touch the message: a dangling pointer shows under ASan/valgrind. */
    if (d->msg)
        *n += strlen(d->msg) ? 1 : 0;
}

static void engine_opts(struct la_engine_opts *o)
{
    static const struct la_limits lim = LA_LIMITS_DEFAULT;

    memset(o, 0, sizeof(*o));
    o->limits = lim;
    o->data_dir = getenv("LOGANALYZE_DATADIR");
    o->redact = 1;
    o->redact_key = "alloc-torture";
    o->deterministic = 1;
}

static int rc_clean(enum la_rc rc)
{
    return rc == LA_OK || rc == LA_FAILED || rc == LA_FATAL;
}

static int setup(void **state)
{
    const char *root = getenv("LA_SOURCE_ROOT");
    const char *s = getenv("LA_ALLOC_STEP");

    (void)state;
    if (s && strtoul(s, NULL, 10) > 0)
        step = strtoul(s, NULL, 10);
    if (la_buf_addf(&sample, "%s/samples/two-attempts-cables.zip", root ? root : ".") != LA_OK)
        return -1;
    json_set_alloc_funcs(la_malloc, la_free);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    la_buf_release(&sample);
    return 0;
}

/* 1: rule loading, knowledge data and compilation. */
static void test_engine_new(void **state)
{
    struct la_engine_opts o;
    unsigned long n, diags = 0, failed = 0, total = 0;
    struct la_diag_sink sink = { quiet, &diags };

    (void)state;
    engine_opts(&o);
    for (n = 0;; n += step) {
        struct la_engine *e = NULL;
        la_alloc_fail_after((long)n);
        enum la_rc rc = la_engine_new(&e, &o, &sink);
        unsigned long used = la_alloc_count();
        la_alloc_fail_after(-1);
        assert_true(rc_clean(rc));
        if (used <= n) {
            /* No allocation failed: this is the clean run, and the end. */
            assert_int_equal(rc, LA_OK);
            assert_non_null(e);
            total = used;
            la_engine_free(e);
            break;
        }
        if (rc == LA_OK) {
            /* An allocation failure that was absorbed: still a usable engine. */
            assert_non_null(e);
            la_engine_free(e);
        } else {
            failed++;
        }
    }
    print_message("la_engine_new: %lu allocations in a clean run, %lu failure points tried, "
                  "%lu ended in LA_FAILED/LA_FATAL\n", total, total / step + 1, failed);
    assert_true(total > 0);
}

/* One pass of phase 2; returns the worst code seen. */
static enum la_rc pipeline(struct la_engine *e, struct la_buf *out, const char **ret_outcome)
{
    json_t *rep = NULL, *reports, *doc;
    unsigned long diags = 0;
    struct la_diag_sink sink = { quiet, &diags };
    struct la_report_opts ro = { 0, 100, 1 };
    enum la_rc rc, worst;

    rc = la_engine_analyze(e, sample.buf, &rep, &sink);
    assert_true(rc_clean(rc));
    if (rc == LA_FATAL) {
        /* On LA_FATAL no report is promised; one handed out anyway must be freed. */
        json_decref(rep);
        return rc;
    }
    if (!rep)
        return LA_FATAL;
    worst = rc;
    reports = json_array();
    if (!reports || json_array_append_new(reports, rep) != 0) {
        if (!reports)
            json_decref(rep);
        json_decref(reports);
        return LA_FATAL;
    }
    doc = la_engine_document(e, reports);      /* steals reports, even on failure */
    if (!doc)
        return LA_FATAL;
    if (ret_outcome) {
        const char *oc = json_string_value(json_object_get(
            json_array_get(json_object_get(doc, "reports"), 0), "outcome"));
        *ret_outcome = oc && !strcmp(oc, "failed") ? "failed" : "other";
    }
    for (size_t k = 0; la_report_format_name(k); k++) {
        size_t before = out->len;
        rc = la_report_render(la_report_format_name(k), doc, &ro, out, NULL);
        assert_true(rc_clean(rc));
        if (rc != LA_OK)
            assert_int_equal(out->len, before);      /* truncated back on failure */
        worst = la_rc_worst(worst, rc);
        la_buf_reset(out);
    }
    json_decref(doc);
    return worst;
}

/* 2 and 3: analysis, document and every reporter, with one engine throughout. */
static void test_analyze_render(void **state)
{
    struct la_engine_opts o;
    struct la_engine *e = NULL;
    unsigned long diags = 0, n, total = 0, failed = 0, absorbed = 0;
    struct la_diag_sink sink = { quiet, &diags };
    const char *outcome = NULL;

    (void)state;
    engine_opts(&o);
    assert_int_equal(la_engine_new(&e, &o, &sink), LA_OK);
    for (n = 0;; n += step) {
        struct la_buf out = LA_BUF_INIT;
        la_alloc_fail_after((long)n);
        enum la_rc rc = pipeline(e, &out, NULL);
        unsigned long used = la_alloc_count();
        la_alloc_fail_after(-1);
        la_buf_release(&out);
        if (used <= n) {
            assert_int_equal(rc, LA_OK);
            total = used;
            break;
        }
        if (rc == LA_OK)
            absorbed++;
        else
            failed++;
    }
    print_message("analyze+document+render: %lu allocations in a clean run, %lu failure points "
                  "tried, %lu ended in LA_FAILED/LA_FATAL, %lu absorbed\n", total,
                  total / step + 1, failed, absorbed);
    assert_true(total > 0);
    /* 3: the engine is intact after all that. */
    struct la_buf out = LA_BUF_INIT;
    assert_int_equal(pipeline(e, &out, &outcome), LA_OK);
    assert_string_equal(outcome, "failed");
    la_buf_release(&out);
    la_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_new),
        cmocka_unit_test(test_analyze_render),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
