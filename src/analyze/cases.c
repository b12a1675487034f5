/*
 * Cases: an input that holds several devices is split into one report per device
 * (la_engine_analyze_cases).
 *
 * Data flow: the input is read once as one run, as la_engine_analyze() does; while it is read,
 * every member notes the device identities rules capture in it (ecid, udid, serial: normalised
 * keys, la_case_note_id) and whether it tells a restore story (an attempt or a result line).
 * Then plan_auto() (or plan_each() for --each) decides which case each member belongs to:
 *   - identities seen in one member are one device (union-find), so a device is the members
 *     that share any of its identities;
 *   - a member with no identity goes to the device of the nearest folder or archive above it
 *     that holds exactly one device; a top-level folder or archive with no identity but a
 *     restore story is a case of its own ("folder");
 *   - what is left sits beside no device: with one case it joins it, else it is unattributed
 *     (LA122, listed in every case object).
 * One case: the first reading's report is the answer.  Several: the input is read a second
 * time and each member is routed to its case's own run (route_member); a case's report is
 * written as soon as its last member has been read, so cases that follow one another (a
 * folder per customer) hold one run at a time.  "-" cannot be read twice and is never split.
 *
 * Invariants: at most LA_MAX_CASES cases per input (LA123 for the rest) and
 * LA_MAX_IDS_PER_MEMBER identities per member; raw identities live only in memory, a report
 * shows their tokens (la_redact_token), or the raw spelling with --no-redact.  The second
 * reading prints nothing (its diagnostics were printed by the first) and shows no progress.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze/analyze-internal.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "ingest/ingest.h"

/* ------------------------------------------------------------ identities */

/*
 * The key of an identity: "ecid:<hex value>", "udid:<lower hex, no dash>", "serial:<upper>";
 * 0 when v is none.  An ECID is hex with 0x, with a hex letter or zero-padded to 16 digits
 * (the forms Apple's tools and pymobiledevice3 print), else decimal (idevicerestore's
 * "Found ECID 5829133312740011"): both forms of one device give one key.
 */
static int id_key(const char *name, struct la_sv v, struct la_buf *key, enum la_rc *rc)
{
    char tmp[LA_MAX_FACT + 1];
    size_t n = 0;

    if (!v.len || v.len > LA_MAX_FACT)
        return 0;
    if (!strcmp(name, "ecid")) {
        const char *p = v.p;
        size_t len = v.len;
        int hex = 0;
        char *end;
        if (len > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
            p += 2, len -= 2, hex = 1;
        for (size_t i = 0; i < len; i++)
            hex |= (p[i] >= 'a' && p[i] <= 'f') || (p[i] >= 'A' && p[i] <= 'F');
        hex |= len == 16 && p[0] == '0';
        memcpy(tmp, p, len);
        tmp[len] = 0;
        unsigned long long x = strtoull(tmp, &end, hex ? 16 : 10);
        if (!len || *end || !x)
            return 0;
        *rc = la_buf_addf(key, "ecid:%llx", x);
        return 1;
    }
    if (strcmp(name, "udid") && strcmp(name, "serial"))
        return 0;
    for (size_t i = 0; i < v.len; i++) {
        char c = v.p[i];
        if (c == '-' && name[0] == 'u')
            continue;
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return 0;
        tmp[n++] = name[0] == 'u' ? (char)(c >= 'A' && c <= 'Z' ? c + 32 : c)
                                  : (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    if (n < 8)
        return 0;
    tmp[n] = 0;
    *rc = la_buf_addf(key, "%s:%s", name, tmp);
    return 1;
}

enum la_rc la_case_note_id(struct run *r, const char *name, struct la_sv v)
{
    struct la_buf key = LA_BUF_INIT;
    enum la_rc rc = LA_OK;
    struct member_info *mi;

    if (r->inspect_fn || !r->nmembers)
        return LA_OK;
    mi = &r->members[r->cur_member];
    if (mi->nids >= LA_MAX_IDS_PER_MEMBER || !id_key(name, v, &key, &rc)) {
        la_buf_release(&key);
        return rc;
    }
    for (unsigned i = 0; rc == LA_OK && i < mi->nids; i++)
        if (!strcmp(mi->ids[i], key.buf)) {
            la_buf_release(&key);
            return LA_OK;
        }
    if (rc == LA_OK && !(mi->ids[mi->nids++] = la_buf_detach(&key, NULL))) {
        mi->nids--;
        rc = LA_FATAL;
    }
    la_buf_release(&key);
    return rc;
}

/* ------------------------------------------------------------ a string map */

/* Open addressing, FNV-1a: strings (owned) to ints.  The plan's identities and folders. */
struct strmap {
    char **keys;
    long *vals;
    size_t cap, n;
};

static size_t sm_slot(const struct strmap *m, const char *k, size_t len)
{
    uint64_t h = 1469598103934665603ull;

    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)k[i]) * 1099511628211ull;
    for (size_t i = (size_t)h & (m->cap - 1);; i = (i + 1) & (m->cap - 1))
        if (!m->keys[i] || (strlen(m->keys[i]) == len && !memcmp(m->keys[i], k, len)))
            return i;
}

/* The value of k, or -1 (absent; also with an empty map). */
static long sm_get(const struct strmap *m, const char *k, size_t len)
{
    size_t i;

    if (!m->cap)
        return -1;
    i = sm_slot(m, k, len);
    return m->keys[i] ? m->vals[i] : -1;
}

/* The slot of k, added with value v when absent; -1 on OOM. */
static long sm_add(struct strmap *m, const char *k, size_t len, long v)
{
    size_t i;

    if (2 * (m->n + 1) > m->cap) {
        struct strmap g = { NULL, NULL, m->cap ? 2 * m->cap : 64, 0 };
        g.keys = la_calloc(g.cap, sizeof(*g.keys));
        g.vals = la_calloc(g.cap, sizeof(*g.vals));
        if (!g.keys || !g.vals) {
            la_free(g.keys);
            la_free(g.vals);
            return -1;
        }
        for (size_t j = 0; j < m->cap; j++)
            if (m->keys[j]) {
                size_t s = sm_slot(&g, m->keys[j], strlen(m->keys[j]));
                g.keys[s] = m->keys[j];
                g.vals[s] = m->vals[j];
            }
        g.n = m->n;
        la_free(m->keys);
        la_free(m->vals);
        *m = g;
    }
    i = sm_slot(m, k, len);
    if (!m->keys[i]) {
        if (!(m->keys[i] = la_strndup(k, len)))
            return -1;
        m->vals[i] = v;
        m->n++;
    }
    return (long)i;
}

static void sm_free(struct strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        la_free(m->keys[i]);
    la_free(m->keys);
    la_free(m->vals);
}

/* ------------------------------------------------------------ the plan */

struct case_info {
    size_t first, last;               /* member indices of the first reading */
    const char *split;                /* "device", "folder" or "each" */
    long unit;                        /* the top-level item all its members are in, or -1 */
};

struct plan {
    size_t nm;
    char **paths;                     /* members of the first reading (owned) */
    long *case_of;                    /* per member: its case, or -1 (unattributed) */
    long *unit_of;                    /* per member: its top-level child (a slot of units) */
    struct strmap units;              /* top-level children: name → flags (UNIT_*) */
    size_t cp;                        /* length of the prefix every member path shares */
    struct case_info cases[LA_MAX_CASES];
    size_t ncases, over;              /* cases; groups past LA_MAX_CASES */
    size_t nunattributed;
    unsigned devices;                 /* devices told apart by their identities */
};

enum { UNIT_IDS = 1, UNIT_STORY = 2, UNIT_FOLDER = 4 };

/* The length of the folder prefix (up to a '/') every member path shares. */
static size_t common_prefix(struct run *r)
{
    const char *p0 = r->members[0].path;
    const char *slash = strrchr(p0, '/');
    size_t n = slash ? (size_t)(slash - p0) + 1 : 0;

    for (size_t i = 1; i < r->nmembers && n; i++) {
        const char *p = r->members[i].path;
        size_t k = 0;
        while (k < n && p[k] == p0[k])
            k++;
        if (k < n)
            while (k && p0[k - 1] != '/')
                k--;
        n = k;
    }
    return n;
}

/* The top-level child of every member (after the common prefix) and what the child holds. */
static enum la_rc find_units(struct plan *p, struct run *r)
{
    p->cp = common_prefix(r);
    for (size_t i = 0; i < r->nmembers; i++) {
        const struct member_info *m = &r->members[i];
        const char *u = m->path + p->cp, *end = strchr(u, '/');
        size_t len = end ? (size_t)(end - u) : strlen(u);
        long s = sm_add(&p->units, u, len, 0);
        if (s < 0)
            return LA_FATAL;
        p->units.vals[s] |= (end ? UNIT_FOLDER : 0) | (m->nids ? UNIT_IDS : 0) |
                            (m->story ? UNIT_STORY : 0);
    }
    /* Slots move while the map grows: take them once it is complete. */
    for (size_t i = 0; i < r->nmembers; i++) {
        const char *u = r->members[i].path + p->cp, *end = strchr(u, '/');
        p->unit_of[i] = (long)sm_slot(&p->units, u, end ? (size_t)(end - u) : strlen(u));
    }
    return LA_OK;
}

/* Give group g (an index in groups[]) a case when it has none; -1 past the cap. */
static long case_for(struct plan *p, long *groups, size_t g, size_t member, const char *split,
                     long unit)
{
    if (groups[g] == -1) {
        if (p->ncases >= LA_MAX_CASES) {
            groups[g] = -2;
            p->over++;
        } else {
            p->cases[p->ncases] = (struct case_info){ member, member, split, unit };
            groups[g] = (long)p->ncases++;
        }
    }
    if (groups[g] < 0)
        return -1;
    p->cases[groups[g]].last = member;
    if (p->cases[groups[g]].unit != unit)       /* a device over several top-level items */
        p->cases[groups[g]].unit = -1;
    return groups[g];
}

/* --each: one case per top-level child. */
static enum la_rc plan_each(struct plan *p)
{
    long *groups = la_malloc(p->units.cap * sizeof(*groups));

    if (!groups)
        return LA_FATAL;
    for (size_t i = 0; i < p->units.cap; i++)
        groups[i] = -1;
    for (size_t i = 0; i < p->nm; i++)
        p->case_of[i] = case_for(p, groups, (size_t)p->unit_of[i], i, "each", p->unit_of[i]);
    la_free(groups);
    return LA_OK;
}

static size_t uf_find(size_t *parent, size_t x)
{
    while (parent[x] != x)
        x = parent[x] = parent[parent[x]];
    return x;
}

/* Which device each member names: the union-find root of its identities, or -1. */
static enum la_rc find_devices(struct plan *p, struct run *r, struct strmap *ids, long *dev)
{
    size_t *parent = NULL, cap = 0, n = 0;
    enum la_rc rc = LA_OK;

    for (size_t i = 0; i < r->nmembers && rc == LA_OK; i++) {
        const struct member_info *m = &r->members[i];
        long first = -1;
        for (unsigned k = 0; k < m->nids; k++) {
            long s = sm_add(ids, m->ids[k], strlen(m->ids[k]), (long)n);
            if (s < 0 || LA_GROW(parent, cap, n + 1) != LA_OK) {
                rc = LA_FATAL;
                break;
            }
            if (ids->vals[s] == (long)n)
                parent[n] = n, n++;
            long x = ids->vals[s];
            if (first < 0)
                first = x;
            else
                parent[uf_find(parent, (size_t)x)] = uf_find(parent, (size_t)first);
        }
    }
    for (size_t i = 0; i < r->nmembers && rc == LA_OK; i++) {
        const struct member_info *m = &r->members[i];
        dev[i] = m->nids ? (long)uf_find(parent, (size_t)sm_get(ids, m->ids[0],
                                                                strlen(m->ids[0])))
                         : -1;
    }
    for (size_t i = 0; i < n && rc == LA_OK; i++)
        p->devices += parent[i] == i;
    la_free(parent);
    return rc;
}

/*
 * A member with no identity: the device of the nearest folder or archive above it (within
 * its top-level child) that holds exactly one; -1 when none does.  folders maps each folder
 * prefix of a member with an identity to its device, or -2 when it holds several.
 */
static long beside(const struct plan *p, const struct strmap *folders, const char *path)
{
    for (size_t j = strlen(path); j > p->cp; j--) {
        if (path[j - 1] != '/')
            continue;
        long d = sm_get(folders, path, j - 1);
        if (d != -1)
            return d;
    }
    return -1;
}

static enum la_rc note_folders(const struct plan *p, struct strmap *folders, const char *path,
                               long d)
{
    for (size_t j = p->cp + 1; path[j]; j++) {
        if (path[j] != '/')
            continue;
        long s = sm_add(folders, path, j, d);
        if (s < 0)
            return LA_FATAL;
        if (folders->vals[s] != d)
            folders->vals[s] = -2;
    }
    return LA_OK;
}

/* Devices by identity, folders by story, and what sits beside them (the file comment). */
static enum la_rc plan_auto(struct plan *p, struct run *r)
{
    struct strmap ids = { 0 }, folders = { 0 };
    long *dev = la_malloc(p->nm * sizeof(*dev)), *groups = NULL;
    size_t ngroups = 0, lone = 0;
    enum la_rc rc = dev ? find_devices(p, r, &ids, dev) : LA_FATAL;

    for (size_t i = 0; i < p->nm && rc == LA_OK; i++)
        if (dev[i] >= 0)
            rc = note_folders(p, &folders, p->paths[i], dev[i]);
    /* Groups: a device is its identities' root (< ids.n), a folder n + its unit slot. */
    ngroups = ids.n + p->units.cap;
    if (rc == LA_OK && !(groups = la_malloc((ngroups + 1) * sizeof(*groups))))
        rc = LA_FATAL;
    for (size_t g = 0; rc == LA_OK && g < ngroups; g++)
        groups[g] = -1;
    for (size_t i = 0; rc == LA_OK && i < p->nm; i++) {
        long u = p->unit_of[i], f = p->units.vals[u];
        if (dev[i] < 0)
            dev[i] = beside(p, &folders, p->paths[i]);
        if (dev[i] == -1 && (f & UNIT_FOLDER) && (f & UNIT_STORY) && !(f & UNIT_IDS))
            dev[i] = (long)ids.n + u;           /* a top-level folder with its own story */
        if (dev[i] >= 0 && groups[dev[i]] == -1)
            lone += 1, groups[dev[i]] = -3;     /* counted, numbered below */
    }
    for (size_t g = 0; rc == LA_OK && g < ngroups; g++)
        groups[g] = -1;
    if (rc == LA_OK && lone >= 2) {
        for (size_t i = 0; i < p->nm; i++) {
            long g = dev[i];
            if (g < 0) {
                p->case_of[i] = -1;
                continue;
            }
            int folder = g >= (long)ids.n;
            p->case_of[i] = case_for(p, groups, (size_t)g, i, folder ? "folder" : "device",
                                     p->unit_of[i]);
        }
    }
    la_free(dev);
    la_free(groups);
    sm_free(&ids);
    sm_free(&folders);
    return rc;
}

static void plan_free(struct plan *p)
{
    for (size_t i = 0; i < p->nm; i++)
        la_free(p->paths[i]);
    la_free(p->paths);
    la_free(p->case_of);
    la_free(p->unit_of);
    sm_free(&p->units);
}

/* Decide the cases of run r's members; p->ncases < 2: no split. */
static enum la_rc plan_cases(struct plan *p, struct run *r, enum la_cases mode)
{
    enum la_rc rc;

    memset(p, 0, sizeof(*p));
    if (r->nmembers < 2)
        return LA_OK;
    p->nm = r->nmembers;
    p->paths = la_calloc(p->nm, sizeof(*p->paths));
    p->case_of = la_calloc(p->nm, sizeof(*p->case_of));
    p->unit_of = la_calloc(p->nm, sizeof(*p->unit_of));
    if (!p->paths || !p->case_of || !p->unit_of)
        return LA_FATAL;
    for (size_t i = 0; i < p->nm; i++)
        p->paths[i] = r->members[i].path;       /* borrowed until plan_take_paths() */
    rc = find_units(p, r);
    if (rc == LA_OK)
        rc = mode == LA_CASES_EACH ? plan_each(p) : plan_auto(p, r);
    if (rc == LA_OK && p->ncases >= 2)
        for (size_t i = 0; i < p->nm; i++)
            p->nunattributed += p->case_of[i] < 0;
    return rc;
}

/* ------------------------------------------------------------ the case object */

/*
 * The token of an identity, taken of its normalised value so every spelling of one device
 * gives one token (an ECID as hex: the token the report gives an ECID printed in hex); with
 * --no-redact that value itself (an ECID as 0x…).  Appended to arr once.
 */
static void add_identity(struct la_engine *e, json_t *arr, const char *key)
{
    struct la_buf b = LA_BUF_INIT;
    enum la_rc rc = LA_OK;
    const char *colon = strchr(key, ':');
    char kind[8];
    size_t i;
    json_t *v;

    if (!colon || (size_t)(colon - key) >= sizeof(kind))
        return;
    memcpy(kind, key, (size_t)(colon - key));
    kind[colon - key] = 0;
    if (e->o.redact)
        la_redact_token(e->rd, kind, colon + 1, strlen(colon + 1), &b, &rc);
    else
        rc = la_buf_addf(&b, "%s%s", !strcmp(kind, "ecid") ? "0x" : "", colon + 1);
    if (rc == LA_OK) {
        json_array_foreach(arr, i, v)
            if (!strcmp(json_string_value(v), b.buf)) {
                la_buf_release(&b);
                return;
            }
        if (json_array_size(arr) < LA_MAX_CASE_IDS_LISTED)
            json_array_append_new(arr, json_string(b.buf));
    }
    la_buf_release(&b);
}

/*
 * {"index", "of", "split", "device", "identities", "unit", "unattributed",
 * "unattributed_count"}: which case of the input this report is and how the input was split.
 */
static json_t *case_json(struct la_engine *e, const struct plan *p, size_t k,
                         const struct run *r)
{
    const struct case_info *c = &p->cases[k];
    json_t *o = json_object(), *idsj = json_array(), *un = json_array();

    if (!o || !idsj || !un) {
        json_decref(o);
        json_decref(idsj);
        json_decref(un);
        return NULL;
    }
    for (size_t i = 0; i < r->nmembers; i++)
        for (unsigned j = 0; j < r->members[i].nids; j++)
            add_identity(e, idsj, r->members[i].ids[j]);
    for (size_t i = 0; i < p->nm && json_array_size(un) < LA_MAX_UNATTRIBUTED_LISTED; i++)
        if (p->case_of[i] < 0)
            json_array_append_new(un, la_redact_json(e, p->paths[i], strlen(p->paths[i])));
    json_object_set_new(o, "index", json_integer((json_int_t)k + 1));
    json_object_set_new(o, "of", json_integer((json_int_t)p->ncases));
    json_object_set_new(o, "split", json_string(c->split));
    json_object_set_new(o, "device", json_array_size(idsj) ? json_incref(json_array_get(idsj, 0))
                                                          : json_null());
    json_object_set_new(o, "identities", idsj);
    if (c->unit >= 0) {
        const char *u = p->units.keys[c->unit];
        size_t ul = strlen(u);
        if (ul > 1 && u[ul - 1] == '!')         /* an archive: "cust-a.zip!" → "cust-a.zip" */
            ul--;
        json_object_set_new(o, "unit", la_redact_json(e, u, ul));
    } else {
        json_object_set_new(o, "unit", json_null());
    }
    json_object_set_new(o, "unattributed", un);
    json_object_set_new(o, "unattributed_count", json_integer((json_int_t)p->nunattributed));
    return o;
}

/* ------------------------------------------------------------ the second reading */

struct route {
    struct la_engine *e;
    const char *input;
    struct plan *p;
    struct run **runs;                /* per case, from its first member to its last */
    json_t **reports;                 /* per case, once written */
    size_t seq;                       /* members handed out so far */
    long cur;                         /* the case of the member being read, or -1 */
    int moved, fatal;                 /* the input changed since the first reading; OOM */
};

static struct run *case_run(struct route *rt, long k)
{
    if (!rt->runs[k]) {
        struct run *r = la_calloc(1, sizeof(*r));
        if (!r || la_run_init(r, rt->e, rt->input, NULL) != LA_OK) {
            la_free(r);
            return NULL;
        }
        r->no_progress = 1;
        rt->runs[k] = r;
    }
    return rt->runs[k];
}

/* Case k has been read: its notes, its report with the case object, its run released. */
static void finish_case(struct route *rt, long k)
{
    const struct plan *p = rt->p;
    struct run *r = case_run(rt, k);
    json_t *rep, *cj;

    if (!r) {
        rt->fatal = 1;
        return;
    }
    la_diagf(&r->sink, LA_SEV_NOTE, LA_D_CASE_SPLIT, rt->input, 0, 0,
             "this input holds %zu %s; this report is case %ld of %zu (--join reads the input "
             "as one case)", p->ncases, !strcmp(p->cases[k].split, "device") ? "devices"
             : !strcmp(p->cases[k].split, "each") ? "top-level items" : "devices or folders",
             k + 1, p->ncases);
    if (p->nunattributed)
        la_diagf(&r->sink, LA_SEV_NOTE, LA_D_CASE_UNATTRIBUTED, rt->input, 0, 0,
                 "%zu member%s name no device and sit beside none; they are in no case "
                 "(case.unattributed lists them)", p->nunattributed,
                 p->nunattributed == 1 ? "" : "s");
    if (p->over)
        la_diagf(&r->sink, LA_SEV_WARNING, LA_D_CASE_LIMIT, rt->input, 0, 0,
                 "more than %u cases in this input; the members of %zu more are in no case "
                 "(give them as inputs of their own)", LA_MAX_CASES, p->over);
    if (rt->moved)
        la_diagf(&r->sink, LA_SEV_WARNING, LA_D_CASE_SPLIT, rt->input, 0, 0,
                 "the input changed while it was read; members not seen the first time are "
                 "in no case");
    rep = la_run_report(r);
    cj = rep ? case_json(rt->e, p, (size_t)k, r) : NULL;
    if (!rep || !cj) {
        json_decref(rep);
        rt->fatal = 1;
    } else {
        json_object_set_new(rep, "case", cj);
        rt->reports[k] = rep;
    }
    la_run_release(r);
    la_free(r);
    rt->runs[k] = NULL;
}

/* The case of the next member, or -1 (unattributed, or not seen the first time). */
static long next_case(struct route *rt, const char *path)
{
    size_t i = rt->seq++;

    if (i >= rt->p->nm || strcmp(rt->p->paths[i], path)) {
        rt->moved = 1;
        return rt->cur = -1;
    }
    return rt->cur = rt->p->case_of[i];
}

static void after_member(struct route *rt, long k)
{
    if (k >= 0 && rt->p->cases[k].last == rt->seq - 1 && !rt->reports[k])
        finish_case(rt, k);
}

static enum la_rc route_member(void *user, struct la_member *lm)
{
    struct route *rt = user;
    long k = next_case(rt, la_member_path(lm));
    struct run *r;
    enum la_rc rc;

    if (k < 0 || rt->reports[k])
        return LA_OK;
    if (!(r = case_run(rt, k)))
        return LA_FATAL;
    rc = la_run_member(r, lm);
    if (r->fatal)
        rc = LA_FATAL;
    after_member(rt, k);
    return rt->fatal ? LA_FATAL : rc;
}

static void route_skipped(void *user, const char *path, uint64_t bytes, const char *status)
{
    struct route *rt = user;
    long k = next_case(rt, path);
    struct run *r;

    if (k < 0 || rt->reports[k])
        return;
    if (!(r = case_run(rt, k))) {
        rt->fatal = 1;
        return;
    }
    la_run_skipped(r, path, bytes, status);
    after_member(rt, k);
}

/* Ingest's diagnostics of the second reading go into the report of the member's case. */
static void route_diag(void *user, const struct la_diag *d)
{
    struct route *rt = user;

    if (rt->cur >= 0 && rt->runs[rt->cur])
        rt->runs[rt->cur]->sink.fn(rt->runs[rt->cur], d);
}

/* Read path a second time, each member into its case; the reports into out, case order. */
static enum la_rc read_cases(struct la_engine *e, const char *path, struct plan *p, json_t *out)
{
    struct route rt = { e, path, p, NULL, NULL, 0, -1, 0, 0 };
    struct la_ingest_cb cb = { route_member, route_skipped, &rt, NULL };
    struct la_diag_sink sink = { route_diag, &rt };
    enum la_rc rc = LA_FATAL;

    rt.runs = la_calloc(p->ncases, sizeof(*rt.runs));
    rt.reports = la_calloc(p->ncases, sizeof(*rt.reports));
    if (rt.runs && rt.reports) {
        rc = la_ingest_path(path, &e->o.limits, &cb, NULL, &sink);
        for (size_t k = 0; k < p->ncases && !rt.fatal; k++)
            if (!rt.reports[k])
                finish_case(&rt, (long)k);
    }
    for (size_t k = 0; rt.runs && k < p->ncases; k++)
        if (rt.runs[k]) {
            la_run_release(rt.runs[k]);
            la_free(rt.runs[k]);
        }
    for (size_t k = 0; rt.reports && k < p->ncases; k++)
        if (rt.reports[k] && rc != LA_FATAL && !rt.fatal)
            json_array_append_new(out, rt.reports[k]);
        else
            json_decref(rt.reports[k]);
    la_free(rt.runs);
    la_free(rt.reports);
    return rc == LA_FATAL || rt.fatal ? LA_FATAL : LA_OK;
}

/* ------------------------------------------------------------ the entry point */

enum la_rc la_engine_analyze_cases(struct la_engine *e, const char *path, json_t **ret_reports,
                                   struct la_diag_sink *sink)
{
    struct run r;
    struct la_ingest_cb cb = { la_run_member, la_run_skipped, &r, NULL };
    struct plan p;
    struct stat st;
    enum la_rc rc, prc;
    int stdin_in = !strcmp(path, "-");
    json_t *out = json_array(), *rep;

    *ret_reports = NULL;
    if (!out)
        return LA_FATAL;
    if (e->o.cases == LA_CASES_JOIN) {
        rep = NULL;
        rc = la_engine_analyze(e, path, &rep, sink);
        if (rc == LA_FATAL || !rep) {
            json_decref(rep);
            json_decref(out);
            return LA_FATAL;
        }
        json_array_append_new(out, rep);
        *ret_reports = out;
        return rc;
    }
    if (la_run_init(&r, e, stdin_in ? "<stdin>" : path, sink) != LA_OK) {
        json_decref(out);
        return LA_FATAL;
    }
    if (!stdin_in && stat(path, &st) == 0 && S_ISREG(st.st_mode))
        r.total = (uint64_t)st.st_size;
    rc = la_ingest_path(path, &e->o.limits, &cb, NULL, &r.sink);
    memset(&p, 0, sizeof(p));
    prc = rc == LA_FATAL || r.fatal ? LA_FATAL : plan_cases(&p, &r, e->o.cases);
    if (prc == LA_OK && p.ncases >= 2 && stdin_in)
        la_diagf(&r.sink, LA_SEV_NOTE, LA_D_CASE_SPLIT, r.input, 0, 0,
                 "this input holds %zu devices or folders, but read from stdin it cannot be "
                 "read twice to split it: it is one case (give it as a file)", p.ncases);
    if (prc == LA_OK && p.ncases >= 2 && !stdin_in) {
        la_diagf(&r.sink, LA_SEV_NOTE, LA_D_CASE_SPLIT, r.input, 0, 0,
                 "this input holds %zu %s: one report each (--join reads it as one case)",
                 p.ncases, e->o.cases == LA_CASES_EACH ? "top-level items" : "devices");
        for (size_t i = 0; i < p.nm; i++)
            r.members[i].path = NULL;           /* the plan owns them now */
        la_run_release(&r);
        prc = read_cases(e, path, &p, out);
        plan_free(&p);
        if (prc == LA_FATAL) {
            json_decref(out);
            return LA_FATAL;
        }
        *ret_reports = out;
        return rc == LA_FAILED ? LA_FAILED : LA_OK;
    }
    p.nm = 0;                                   /* the paths are the run's */
    plan_free(&p);
    rep = prc == LA_OK ? la_run_report(&r) : NULL;
    la_run_release(&r);
    if (!rep) {
        json_decref(out);
        return LA_FATAL;
    }
    json_array_append_new(out, rep);
    *ret_reports = out;
    return rc == LA_FAILED ? LA_FAILED : LA_OK;
}
