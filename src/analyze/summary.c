/*
 * The batch summary as a fold: counts and pattern state that add up, so the summary of a
 * batch is the same whether its reports were read in one run, in any order, or in pieces on
 * several machines whose states are merged (`loganalyze merge`, docs/fleet.md).
 *
 * Data flow: la_summary_add_report() reads one report object (the fields the summary needs:
 * outcome, top cause, first error code, device model and ECID token, first attempt's stage,
 * host software); la_summary_add_state() adds a state another fold wrote
 * (la_summary_state()); la_summary_json() derives the summary object of the document
 * (schema loganalyze.report/1, "summary") from the state.
 *
 * State (all values non-negative integers; "summary_state" of docs/report.md):
 *   inputs, failed, succeeded, inconclusive, no_restore_found, dropped
 *   by_cause, by_error_code, by_model                {key: n}
 *   device_stage   {ecid: {stage: n}}   failed or inconclusive reports per device and stage
 *   hosts          {host: {"failed": n, "ok": n, "devices": {ecid: n}}}
 *   model_cause    {model: {cause: n}}  failed reports with a top cause, per model
 *   model_failed   {model: n}           failed reports per model
 * Adding two states adds every number, key by key, so the fold is associative and
 * commutative; the summary derived from it sorts every list (count descending, then key),
 * so it never depends on the order the reports came in.
 *
 * Bounded: the state holds one entry per distinct cause, code, model, device, stage and
 * host, never the reports; at most LA_SUMMARY_MAX_KEYS entries in all.  Past that, a new
 * key is not added and "dropped" counts it (the summary then says "incomplete"); only then
 * can the order of the inputs change the result.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/alloc.h"
#include "core/limits.h"

struct la_summary {
    json_t *st;          /* the state (shape above) */
    size_t keys;         /* entries in the maps of st, against LA_SUMMARY_MAX_KEYS */
};

static const char *const counters[] = { "inputs", "failed", "succeeded", "inconclusive",
                                         "no_restore_found", "dropped" };
static const char *const flat_maps[] = { "by_cause", "by_error_code", "by_model",
                                         "model_failed" };
static const char *const nested_maps[] = { "device_stage", "model_cause" };

#define N(a) (sizeof(a) / sizeof(*(a)))


struct la_summary *la_summary_new(void)
{
    struct la_summary *s = la_calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->st = json_object();
    if (!s->st)
        goto fail;
    for (size_t i = 0; i < N(counters); i++)
        if (json_object_set_new(s->st, counters[i], json_integer(0)) != 0)
            goto fail;
    for (size_t i = 0; i < N(flat_maps); i++)
        if (json_object_set_new(s->st, flat_maps[i], json_object()) != 0)
            goto fail;
    for (size_t i = 0; i < N(nested_maps); i++)
        if (json_object_set_new(s->st, nested_maps[i], json_object()) != 0)
            goto fail;
    if (json_object_set_new(s->st, "hosts", json_object()) != 0)
        goto fail;
    return s;
fail:
    la_summary_free(s);
    return NULL;
}

void la_summary_free(struct la_summary *s)
{
    if (!s)
        return;
    json_decref(s->st);
    la_free(s);
}

static const char *str_at(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* Add n to obj[key] (an integer); LA_FATAL on OOM. */
static enum la_rc add_int(json_t *obj, const char *key, json_int_t n)
{
    json_t *v = json_object_get(obj, key);

    if (v)
        return json_integer_set(v, json_integer_value(v) + n) == 0 ? LA_OK : LA_FATAL;
    return json_object_set_new(obj, key, json_integer(n)) == 0 ? LA_OK : LA_FATAL;
}

/* obj[key], made an empty object when absent and the cap allows; NULL past the cap or OOM. */
static json_t *child(struct la_summary *s, json_t *obj, const char *key, int *ret_oom)
{
    json_t *c = json_object_get(obj, key);

    if (c)
        return c;
    if (s->keys >= LA_SUMMARY_MAX_KEYS) {
        if (add_int(s->st, "dropped", 1) != LA_OK)
            *ret_oom = 1;
        return NULL;
    }
    c = json_object();
    if (!c || json_object_set_new(obj, key, c) != 0) {
        *ret_oom = 1;
        return NULL;
    }
    s->keys++;
    return c;
}

/* Add n to map[key], a counted entry of the state (see the cap). */
static enum la_rc count(struct la_summary *s, json_t *map, const char *key, json_int_t n)
{
    if (!json_object_get(map, key)) {
        if (s->keys >= LA_SUMMARY_MAX_KEYS)
            return add_int(s->st, "dropped", 1);
        s->keys++;
    }
    return add_int(map, key, n);
}

/* map[k1][k2] += n. */
static enum la_rc count2(struct la_summary *s, const char *map, const char *k1, const char *k2,
                         json_int_t n)
{
    int oom = 0;
    json_t *c = child(s, json_object_get(s->st, map), k1, &oom);

    if (!c)
        return oom ? LA_FATAL : LA_OK;
    return count(s, c, k2, n);
}

/* hosts[host] += {failed, ok, devices{dev: n}}. */
static enum la_rc count_host(struct la_summary *s, const char *host, json_int_t failed,
                             json_int_t ok, const char *dev, json_int_t ndev)
{
    int oom = 0;
    json_t *h = child(s, json_object_get(s->st, "hosts"), host, &oom), *d;

    if (!h)
        return oom ? LA_FATAL : LA_OK;
    if (add_int(h, "failed", failed) != LA_OK || add_int(h, "ok", ok) != LA_OK)
        return LA_FATAL;
    d = json_object_get(h, "devices");
    if (!d) {
        d = json_object();
        if (!d || json_object_set_new(h, "devices", d) != 0)
            return LA_FATAL;
    }
    return dev ? count(s, d, dev, ndev) : LA_OK;
}

/*
 * The code a report is counted under in by_error_code: its first restore error number (the
 * number a dialog shows: TSS status 94 counts as 3194, beside which it was printed), else its
 * first printed code.
 */
static json_int_t summary_code(const json_t *rep, const json_t *error_codes)
{
    size_t i;
    const json_t *c;

    json_array_foreach(json_object_get(rep, "codes"), i, c)
        if (!strcmp(str_at(c, "space") ? str_at(c, "space") : "", "dialog"))
            return json_integer_value(json_object_get(c, "code"));
    return json_integer_value(json_array_get(error_codes, 0));
}

enum la_rc la_summary_add_report(struct la_summary *s, const json_t *rep)
{
    const char *o = str_at(rep, "outcome"), *model, *ecid, *stage, *cause, *sw, *os;
    const json_t *c0, *codes, *host;
    int failed, fails_or_not;
    char key[256];

    if (!s || !json_is_object(rep))
        return LA_FATAL;
    if (!o)
        return LA_OK;
    c0 = json_array_get(json_object_get(rep, "causes"), 0);
    codes = json_object_get(rep, "error_codes");
    model = str_at(json_object_get(rep, "device"), "model");
    ecid = str_at(json_object_get(rep, "device"), "ecid");
    stage = str_at(json_array_get(json_object_get(rep, "attempts"), 0), "stage");
    cause = str_at(c0, "id");
    failed = !strcmp(o, "failed");
    fails_or_not = failed || !strcmp(o, "inconclusive");
    LA_TRY(add_int(s->st, "inputs", 1));
    LA_TRY(add_int(s->st, failed ? "failed" : !strcmp(o, "succeeded") ? "succeeded"
                   : !strcmp(o, "inconclusive") ? "inconclusive" : "no_restore_found", 1));
    if (fails_or_not && cause)
        LA_TRY(count(s, json_object_get(s->st, "by_cause"), cause, 1));
    if (json_array_size(codes)) {
        snprintf(key, sizeof(key), "%lld", (long long)summary_code(rep, codes));
        LA_TRY(count(s, json_object_get(s->st, "by_error_code"), key, 1));
    }
    if (model)
        LA_TRY(count(s, json_object_get(s->st, "by_model"), model, 1));
    if (model && failed) {
        LA_TRY(count(s, json_object_get(s->st, "model_failed"), model, 1));
        if (cause)
            LA_TRY(count2(s, "model_cause", model, cause, 1));
    }
    if (fails_or_not && ecid && stage)
        LA_TRY(count2(s, "device_stage", ecid, stage, 1));
    host = json_object_get(rep, "host");
    sw = str_at(host, "software");
    os = str_at(host, "os");
    if (sw) {
        snprintf(key, sizeof(key), "%s%s%s", sw, os ? " on " : "", os ? os : "");
        LA_TRY(count_host(s, key, fails_or_not, !strcmp(o, "succeeded"),
                          fails_or_not ? ecid : NULL, 1));
    }
    return LA_OK;
}

/* ------------------------------------------------------------ merging states */

static int is_count(const json_t *v)
{
    return json_is_integer(v) && json_integer_value(v) >= 0;
}

/* {key: count}. */
static int valid_flat(const json_t *m)
{
    const char *k;
    json_t *v;

    if (!m)
        return 1;
    if (!json_is_object(m))
        return 0;
    json_object_foreach((json_t *)m, k, v)
        if (!is_count(v))
            return 0;
    return 1;
}

/* {key: {key: count}}. */
static int valid_nested(const json_t *m)
{
    const char *k;
    json_t *v;

    if (!m)
        return 1;
    if (!json_is_object(m))
        return 0;
    json_object_foreach((json_t *)m, k, v)
        if (!json_is_object(v) || !valid_flat(v))
            return 0;
    return 1;
}

static int valid_hosts(const json_t *m)
{
    const char *k;
    json_t *v;

    if (!m)
        return 1;
    if (!json_is_object(m))
        return 0;
    json_object_foreach((json_t *)m, k, v) {
        const json_t *f = json_object_get(v, "failed"), *ok = json_object_get(v, "ok");
        if (!json_is_object(v) || (f && !is_count(f)) || (ok && !is_count(ok)) ||
            !valid_flat(json_object_get(v, "devices")))
            return 0;
    }
    return 1;
}

/* Every key the state may have holds the right type; unknown keys are ignored. */
static int valid_state(const json_t *st)
{
    if (!json_is_object(st))
        return 0;
    for (size_t i = 0; i < N(counters); i++) {
        const json_t *v = json_object_get(st, counters[i]);
        if (v && !is_count(v))
            return 0;
    }
    for (size_t i = 0; i < N(flat_maps); i++)
        if (!valid_flat(json_object_get(st, flat_maps[i])))
            return 0;
    for (size_t i = 0; i < N(nested_maps); i++)
        if (!valid_nested(json_object_get(st, nested_maps[i])))
            return 0;
    return valid_hosts(json_object_get(st, "hosts"));
}

enum la_rc la_summary_add_state(struct la_summary *s, const json_t *st)
{
    const char *k, *k2;
    json_t *v, *v2;

    if (!s)
        return LA_FATAL;
    if (!valid_state(st))
        return LA_FAILED;
    for (size_t i = 0; i < N(counters); i++)
        LA_TRY(add_int(s->st, counters[i], json_integer_value(json_object_get(st, counters[i]))));
    for (size_t i = 0; i < N(flat_maps); i++)
        json_object_foreach(json_object_get(st, flat_maps[i]), k, v)
            LA_TRY(count(s, json_object_get(s->st, flat_maps[i]), k, json_integer_value(v)));
    for (size_t i = 0; i < N(nested_maps); i++)
        json_object_foreach(json_object_get(st, nested_maps[i]), k, v)
            json_object_foreach(v, k2, v2)
                LA_TRY(count2(s, nested_maps[i], k, k2, json_integer_value(v2)));
    json_object_foreach(json_object_get(st, "hosts"), k, v) {
        json_t *d = json_object_get(v, "devices");
        LA_TRY(count_host(s, k, json_integer_value(json_object_get(v, "failed")),
                          json_integer_value(json_object_get(v, "ok")), NULL, 0));
        json_object_foreach(d, k2, v2)
            LA_TRY(count_host(s, k, 0, 0, k2, json_integer_value(v2)));
    }
    return LA_OK;
}

json_t *la_summary_state(const struct la_summary *s)
{
    return s ? json_deep_copy(s->st) : NULL;
}

/* ------------------------------------------------------------ the summary */

struct kv {
    const char *key;
    json_int_t n;
};

/* Count descending, then key ascending (byte order). */
static int cmp_kv(const void *x, const void *y)
{
    const struct kv *a = x, *b = y;

    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* The entries of a map, sorted (cmp_kv; by key alone when by_key); caller frees. */
static struct kv *sorted(const json_t *map, int by_key, size_t *ret_n)
{
    size_t n = json_object_size(map), i = 0;
    struct kv *v = la_calloc(n ? n : 1, sizeof(*v));
    const char *k;
    json_t *x;

    if (!v)
        return NULL;
    json_object_foreach((json_t *)map, k, x) {
        v[i].key = k;
        v[i++].n = by_key ? 0 : json_is_integer(x) ? json_integer_value(x) : 0;
    }
    qsort(v, n, sizeof(*v), cmp_kv);
    *ret_n = n;
    return v;
}

/* A copy of a {key: n} map in sorted order. */
static json_t *sorted_map(const json_t *map)
{
    size_t n;
    struct kv *v = sorted(map, 0, &n);
    json_t *out = v ? json_object() : NULL;

    for (size_t i = 0; out && i < n; i++)
        if (json_object_set_new(out, v[i].key, json_integer(v[i].n)) != 0) {
            json_decref(out);
            out = NULL;
        }
    la_free(v);
    return out;
}

static int add_pattern(json_t *pat, const char *text)
{
    return json_array_append_new(pat, json_string(text)) == 0;
}

/* Same ECID token failing at the same stage in several inputs → hardware. */
static int device_patterns(const json_t *st, json_t *pat)
{
    const json_t *ds = json_object_get(st, "device_stage");
    size_t n, m;
    struct kv *dev = sorted(ds, 1, &n), *stg;
    char buf[512];
    int ok = dev != NULL;

    for (size_t i = 0; ok && i < n; i++) {
        stg = sorted(json_object_get(ds, dev[i].key), 1, &m);
        ok = stg != NULL;
        for (size_t j = 0; ok && j < m; j++) {
            json_int_t c = json_integer_value(json_object_get(json_object_get(ds, dev[i].key),
                                                              stg[j].key));
            if (c < 2)
                continue;
            snprintf(buf, sizeof(buf),
                     "the same device (%s) failed at '%s' in %lld inputs: a failure that "
                     "repeats at the same step points at the device's hardware", dev[i].key,
                     stg[j].key, (long long)c);
            ok = add_pattern(pat, buf);
        }
        la_free(stg);
    }
    la_free(dev);
    return ok;
}

/*
 * Failures clustering on one host: several devices failing on the same host software
 * while other hosts succeed points at the host (its software, ports or environment).
 */
static int host_patterns(const json_t *st, json_t *pat)
{
    const json_t *hosts = json_object_get(st, "hosts");
    size_t n, nhosts = json_object_size(hosts);
    struct kv *h = sorted(hosts, 1, &n);
    char buf[512];
    int ok = h != NULL;

    for (size_t i = 0; ok && i < n; i++) {
        const json_t *g = json_object_get(hosts, h[i].key);
        long long f = json_integer_value(json_object_get(g, "failed"));
        long long okn = json_integer_value(json_object_get(g, "ok"));
        size_t nd = json_object_size(json_object_get(g, "devices"));
        if (f >= 3 && nd >= 2 && f > 2 * okn && nhosts > 1) {
            snprintf(buf, sizeof(buf),
                     "%lld failures on the host '%s' across %zu devices, while other hosts "
                     "did better: the host (its software, ports or environment) is the "
                     "common factor", f, h[i].key, nd);
            ok = add_pattern(pat, buf);
        }
    }
    la_free(h);
    return ok;
}

/* One cause behind at least 3 and two thirds of a model's failures. */
static int model_patterns(const json_t *st, json_t *pat)
{
    const json_t *mf = json_object_get(st, "model_failed");
    const json_t *mc = json_object_get(st, "model_cause");
    size_t n, m;
    struct kv *mod = sorted(mf, 1, &n), *c;
    char buf[512];
    int ok = mod != NULL;

    for (size_t i = 0; ok && i < n; i++) {
        json_int_t total = json_integer_value(json_object_get(mf, mod[i].key));
        c = sorted(json_object_get(mc, mod[i].key), 0, &m);
        ok = c != NULL;
        if (ok && m && total >= 3 && c[0].n >= 3 && 3 * c[0].n >= 2 * total) {
            snprintf(buf, sizeof(buf),
                     "%lld of the %lld failures on %s have the cause '%s': one cause "
                     "dominates this model (a batch of devices or a known fault of the model)",
                     (long long)c[0].n, (long long)total, mod[i].key, c[0].key);
            ok = add_pattern(pat, buf);
        }
        la_free(c);
    }
    la_free(mod);
    return ok;
}

json_t *la_summary_json(const struct la_summary *s)
{
    json_t *sum, *pat;
    const json_t *st;

    if (!s)
        return NULL;
    st = s->st;
    sum = json_object();
    pat = json_array();
    if (!sum || !pat)
        goto fail;
    for (size_t i = 0; i < N(counters) - 1; i++)           /* all but "dropped" */
        if (json_object_set(sum, counters[i], json_object_get(st, counters[i])) != 0)
            goto fail;
    if (json_object_set_new(sum, "by_cause", sorted_map(json_object_get(st, "by_cause"))) ||
        json_object_set_new(sum, "by_error_code",
                            sorted_map(json_object_get(st, "by_error_code"))) ||
        json_object_set_new(sum, "by_model", sorted_map(json_object_get(st, "by_model"))))
        goto fail;
    if (!device_patterns(st, pat) || !host_patterns(st, pat) || !model_patterns(st, pat))
        goto fail;
    if (json_object_set_new(sum, "patterns", pat) != 0) {
        json_decref(sum);
        return NULL;
    }
    if (json_integer_value(json_object_get(st, "dropped")) > 0 &&
        json_object_set(sum, "incomplete", json_object_get(st, "dropped")) != 0) {
        json_decref(sum);
        return NULL;
    }
    return sum;
fail:
    json_decref(sum);
    json_decref(pat);
    return NULL;
}
