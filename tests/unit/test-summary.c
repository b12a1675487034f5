/*
 * Tests of the batch summary as a fold (src/analyze/summary.c): the same summary whatever
 * the order of the reports and however they are grouped into merged states (associative,
 * commutative); the three patterns; lists sorted by count then key; a bad state refused
 * whole (LA_FAILED, nothing added).  Reports are small JSON objects written here: the
 * summary reads only outcome, causes[0].id, error_codes[0], device.model, device.ecid,
 * attempts[0].stage and host.software/os.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "analyze/analyze.h"

#define NREP 9

static json_t *report(const char *outcome, const char *cause, int code, const char *model,
                      const char *ecid, const char *stage, const char *host)
{
    json_t *r = json_pack("{s:s,s:[],s:[],s:{},s:[],s:{}}", "outcome", outcome, "error_codes",
                          "causes", "device", "attempts", "host");

    assert_non_null(r);
    if (cause)
        json_array_append_new(json_object_get(r, "causes"), json_pack("{s:s}", "id", cause));
    if (code)
        json_array_append_new(json_object_get(r, "error_codes"), json_integer(code));
    if (model)
        json_object_set_new(json_object_get(r, "device"), "model", json_string(model));
    if (ecid)
        json_object_set_new(json_object_get(r, "device"), "ecid", json_string(ecid));
    if (stage)
        json_array_append_new(json_object_get(r, "attempts"), json_pack("{s:s}", "stage", stage));
    if (host)
        json_object_set_new(json_object_get(r, "host"), "software", json_string(host));
    return r;
}

/* Device ecid-1 fails twice at update_baseband; host A fails on 3 devices while B succeeds;
 * iPhone9,3 fails 3 times of baseband out of 4. */
static json_t **reports(void)
{
    static json_t *r[NREP];

    r[0] = report("failed", "baseband", 4013, "iPhone9,3", "ecid-1", "update_baseband", "A");
    r[1] = report("failed", "baseband", 4013, "iPhone9,3", "ecid-1", "update_baseband", "A");
    r[2] = report("failed", "baseband", 1004, "iPhone9,3", "ecid-2", "update_baseband", "A");
    r[3] = report("failed", "storage", 4014, "iPhone9,3", "ecid-3", "restore_image", "A");
    r[4] = report("succeeded", NULL, 0, "iPhone12,1", "ecid-4", "done", "B");
    r[5] = report("succeeded", NULL, 0, "iPhone12,1", "ecid-5", "done", "B");
    r[6] = report("inconclusive", "usb-link", 0, NULL, NULL, NULL, NULL);
    r[7] = report("no-restore-found", NULL, 0, "iPhone12,1", NULL, NULL, NULL);
    r[8] = report("failed", "usb-link", 2009, NULL, "ecid-6", "restore_image", "B");
    return r;
}

static void free_reports(json_t **r)
{
    for (size_t i = 0; i < NREP; i++)
        json_decref(r[i]);
}

/* The summary of the reports in the order given by idx. */
static json_t *fold(json_t **r, const size_t *idx, size_t n)
{
    struct la_summary *s = la_summary_new();
    json_t *j;

    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(la_summary_add_report(s, r[idx[i]]), LA_OK);
    j = la_summary_json(s);
    la_summary_free(s);
    assert_non_null(j);
    return j;
}

static void order_and_grouping(void **state)
{
    static const size_t fwd[NREP] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
    static const size_t rev[NREP] = { 8, 7, 6, 5, 4, 3, 2, 1, 0 };
    static const size_t mix[NREP] = { 4, 0, 8, 2, 6, 1, 7, 3, 5 };
    json_t **r = reports(), *a, *b, *c, *st1, *st2, *st3, *m;
    struct la_summary *p1, *p2, *p3, *all, *left;

    (void)state;
    a = fold(r, fwd, NREP);
    b = fold(r, rev, NREP);
    c = fold(r, mix, NREP);
    assert_true(json_equal(a, b));
    assert_true(json_equal(a, c));
    /* Key order too: the summary never depends on arrival order. */
    {
        char *sa = json_dumps(a, JSON_PRESERVE_ORDER), *sb = json_dumps(b, JSON_PRESERVE_ORDER);
        assert_string_equal(sa, sb);
        free(sa);
        free(sb);
    }
    /* Three parts, merged as (p1 + p2) + p3 and as p3 + (p2 + p1), states through JSON. */
    p1 = la_summary_new(); p2 = la_summary_new(); p3 = la_summary_new();
    for (size_t i = 0; i < NREP; i++)
        assert_int_equal(la_summary_add_report(i < 3 ? p1 : i < 6 ? p2 : p3, r[i]), LA_OK);
    st1 = la_summary_state(p1); st2 = la_summary_state(p2); st3 = la_summary_state(p3);
    left = la_summary_new();
    assert_int_equal(la_summary_add_state(left, st1), LA_OK);
    assert_int_equal(la_summary_add_state(left, st2), LA_OK);
    {
        json_t *st12 = la_summary_state(left);
        all = la_summary_new();
        assert_int_equal(la_summary_add_state(all, st12), LA_OK);
        assert_int_equal(la_summary_add_state(all, st3), LA_OK);
        json_decref(st12);
    }
    m = la_summary_json(all);
    assert_true(json_equal(a, m));
    json_decref(m);
    la_summary_free(all);
    all = la_summary_new();
    assert_int_equal(la_summary_add_state(all, st3), LA_OK);
    assert_int_equal(la_summary_add_state(all, st2), LA_OK);
    assert_int_equal(la_summary_add_state(all, st1), LA_OK);
    m = la_summary_json(all);
    assert_true(json_equal(a, m));
    json_decref(m);
    la_summary_free(all);
    la_summary_free(left);
    la_summary_free(p1); la_summary_free(p2); la_summary_free(p3);
    json_decref(st1); json_decref(st2); json_decref(st3);
    json_decref(a); json_decref(b); json_decref(c);
    free_reports(r);
}

static void counts_sorted_and_patterns(void **state)
{
    static const size_t fwd[NREP] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
    json_t **r = reports(), *s = fold(r, fwd, NREP), *pat;
    const char *k;
    json_t *v;
    const char *want_cause[] = { "baseband", "usb-link", "storage" };
    size_t i = 0;

    (void)state;
    assert_int_equal(json_integer_value(json_object_get(s, "inputs")), 9);
    assert_int_equal(json_integer_value(json_object_get(s, "failed")), 5);
    assert_int_equal(json_integer_value(json_object_get(s, "succeeded")), 2);
    assert_int_equal(json_integer_value(json_object_get(s, "inconclusive")), 1);
    assert_int_equal(json_integer_value(json_object_get(s, "no_restore_found")), 1);
    json_object_foreach(json_object_get(s, "by_cause"), k, v) {
        assert_true(i < 3);
        assert_string_equal(k, want_cause[i++]);
    }
    assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "by_cause"),
                                                        "baseband")), 3);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "by_error_code"),
                                                        "4013")), 2);
    pat = json_object_get(s, "patterns");
    assert_int_equal(json_array_size(pat), 3);
    assert_non_null(strstr(json_string_value(json_array_get(pat, 0)),
                           "the same device (ecid-1) failed at 'update_baseband' in 2 inputs"));
    assert_non_null(strstr(json_string_value(json_array_get(pat, 1)),
                           "4 failures on the host 'A' across 3 devices"));
    assert_non_null(strstr(json_string_value(json_array_get(pat, 2)),
                           "3 of the 4 failures on iPhone9,3 have the cause 'baseband'"));
    assert_null(json_object_get(s, "incomplete"));
    json_decref(s);
    free_reports(r);
}

static void bad_state_refused_whole(void **state)
{
    static const char *const bad[] = {
        "{\"failed\": -1}",
        "{\"inputs\": 2, \"by_cause\": {\"x\": \"1\"}}",
        "{\"inputs\": 1, \"device_stage\": {\"e\": 3}}",
        "{\"inputs\": 1, \"hosts\": {\"h\": {\"devices\": [1]}}}",
        "[1]",
    };
    struct la_summary *s = la_summary_new();
    json_t *before, *after;

    (void)state;
    assert_non_null(s);
    before = la_summary_json(s);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        json_t *st = json_loads(bad[i], 0, NULL);
        assert_non_null(st);
        assert_int_equal(la_summary_add_state(s, st), LA_FAILED);
        json_decref(st);
    }
    after = la_summary_json(s);
    assert_true(json_equal(before, after));
    assert_int_equal(la_summary_add_report(s, NULL), LA_FATAL);
    json_decref(before);
    json_decref(after);
    la_summary_free(s);
    la_summary_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(order_and_grouping),
        cmocka_unit_test(counts_sorted_and_patterns),
        cmocka_unit_test(bad_state_refused_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
