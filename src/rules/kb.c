/*
 * The knowledge data: causes.yaml (causes and the remediation ladder),
 * codes.yaml (error-code catalogue and families) and stages.yaml (restore
 * operation numbers and checkpoint ids → stage names).
 *
 * One source of truth for `explain`, for the diagnosis priors and for the
 * remediation text.  Loaded with the same YAML helpers as the rules, so a
 * broken data file gives the same positioned diagnostics (LA220 and the
 * LA2xx key/type codes).
 *
 * Numbering spaces are core/codespace.c's table, not data: their ids are part of
 * the rule language and the report.  codes.yaml files meanings, entries
 * and families under catalogue space names (AMRestore, TSS, BBUpdater …); each
 * space reads some of them.  Entries and families of the spaces on the error-
 * number line carry no `space:` key (families name theirs: AMRestore, TSS …),
 * so the bare lookups (la_kb_code, la_kb_family_of) see exactly what they saw
 * before spaces existed; an entry of another space says `space: BBUpdater` and
 * is unique per (space, code).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/limits.h"
#include "rules/kb.h"
#include "rules/rules-internal.h"

struct opmap {
    long op;
    const char *name;
};

struct cpmap {
    long id;
    const char *name;
};

struct stagemap {
    const char *stage;
    const struct la_stage_group *group;
};

struct la_kb {
    struct pool pool;
    struct la_step *steps;
    size_t nsteps;
    struct la_cause *causes;
    size_t ncauses;
    const char **cause_ids;
    struct la_context *contexts;
    size_t ncontexts;
    const char **context_ids;
    struct la_code *codes;
    size_t ncodes;
    struct la_family *families;
    size_t nfamilies;
    struct opmap *ops;
    size_t nops;
    struct cpmap *cps;
    size_t ncps;
    struct la_stage_group *groups;
    size_t ngroups;
    struct stagemap *sgs;
    size_t nsgs;
};

/* A catalogue space name codes.yaml may use: the line's, or another space's. */
static int known_catalogue(const char *name)
{
    for (size_t i = 0; i < la_space_count(); i++)
        if (in_list(la_space_at(i)->catalogue, name))
            return 1;
    return 0;
}

static size_t seq_len(yaml_node_t *n)
{
    return yis_seq(n) ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start) : 0;
}

static const struct la_prior *load_priors(struct ydoc *d, yaml_node_t *n, size_t *ret_n,
                                          const char *const *causes)
{
    struct la_prior *p;
    size_t cnt = 0;
    double sum = 0;

    *ret_n = 0;
    if (!n)
        return NULL;
    if (!yis_map(n)) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'priors' must be a mapping of cause ids to numbers");
        return NULL;
    }
    p = pool_calloc(d->pool, (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start),
                    sizeof(*p));
    if (!p)
        return NULL;
    for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < n->data.mapping.pairs.top; q++) {
        yaml_node_t *k = ynode(d, q->key);
        const char *id = ystr(d, k, "cause id");
        double v;
        int known = 0;
        if (!id || !ynum(d, ynode(d, q->value), "prior", &v))
            continue;
        for (const char *const *c = causes; c && *c; c++)
            known |= !strcmp(*c, id);
        if (causes && !known) {
            yerr(d, k, LA_D_RULE_UNKNOWN_CAUSE, "unknown cause '%s'", id);
            continue;
        }
        if (v < 0 || v > 1) {
            yerr(d, ynode(d, q->value), LA_D_DATA_INVALID, "prior must be between 0 and 1");
            continue;
        }
        sum += v;
        p[cnt].cause = id;
        p[cnt].p = v;
        cnt++;
    }
    if (sum > 1.0001)
        yerr(d, n, LA_D_DATA_INVALID, "priors sum to %.3f, more than 1", sum);
    *ret_n = cnt;
    return p;
}

/* contexts: (optional) what a rule may say the run is, and the causes that rules out. */
static void load_contexts(struct la_kb *kb, struct ydoc *d, yaml_node_t *l)
{
    static const char *const keys[] = { "id", "title", "reason", "excludes", "collect", NULL };

    if (!l)
        return;
    if (!yis_seq(l)) {
        yerr(d, l, LA_D_DATA_INVALID, "'contexts' must be a list");
        return;
    }
    kb->contexts = pool_calloc(&kb->pool, seq_len(l), sizeof(*kb->contexts));
    kb->context_ids = pool_calloc(&kb->pool, seq_len(l) + 1, sizeof(*kb->context_ids));
    if (!kb->contexts || !kb->context_ids)
        return;
    for (yaml_node_item_t *it = l->data.sequence.items.start; it < l->data.sequence.items.top;
         it++) {
        yaml_node_t *n = ynode(d, *it);
        struct la_context *x = &kb->contexts[kb->ncontexts];
        if (!yis_map(n)) {
            yerr(d, n, LA_D_RULE_WRONG_TYPE, "a context must be a mapping");
            continue;
        }
        ycheck_keys(d, n, keys);
        x->id = ystr(d, yget(d, n, "id"), "id");
        x->title = ystr(d, yget(d, n, "title"), "title");
        x->reason = ystr(d, yget(d, n, "reason"), "reason");
        x->excludes = ystrlist(d, yget(d, n, "excludes"), "excludes", NULL);
        x->collect = ystrlist(d, yget(d, n, "collect"), "collect", NULL);
        if (!x->id || !x->title || !x->reason || !x->excludes || !*x->excludes) {
            yerr(d, n, LA_D_RULE_MISSING_KEY,
                 "a context needs id, title, reason and a non-empty excludes list");
            continue;
        }
        for (const char *const *c = x->excludes; *c; c++)
            if (!la_kb_cause(kb, *c))
                yerr(d, yget(d, n, "excludes"), LA_D_RULE_UNKNOWN_CAUSE, "unknown cause '%s'",
                     *c);
        if (la_kb_context(kb, x->id, strlen(x->id))) {
            yerr(d, n, LA_D_DATA_INVALID, "context '%s' is listed twice", x->id);
            continue;
        }
        kb->context_ids[kb->ncontexts++] = x->id;
    }
}

static void load_causes(struct la_kb *kb, struct ydoc *d)
{
    static const char *const top[] = { "ladder", "causes", "contexts", NULL };
    static const char *const step_keys[] = { "id", "text", "why", "if_still_fails", "lowers",
                                             NULL };
    static const char *const cause_keys[] = { "id", "title", "summary", "prior", "remediation",
                                              "next_test", "hardware", NULL };
    yaml_node_t *root = ydoc_root(d), *l, *c;

    if (!yis_map(root)) {
        yerr(d, root, LA_D_DATA_INVALID, "causes.yaml must be a mapping with 'ladder' and 'causes'");
        return;
    }
    ycheck_keys(d, root, top);
    l = yget(d, root, "ladder");
    c = yget(d, root, "causes");
    if (!yis_seq(l) || !yis_seq(c)) {
        yerr(d, root, LA_D_DATA_INVALID, "'ladder' and 'causes' must be lists");
        return;
    }
    kb->steps = pool_calloc(&kb->pool, seq_len(l), sizeof(*kb->steps));
    kb->causes = pool_calloc(&kb->pool, seq_len(c), sizeof(*kb->causes));
    kb->cause_ids = pool_calloc(&kb->pool, seq_len(c) + 1, sizeof(*kb->cause_ids));
    if (!kb->steps || !kb->causes || !kb->cause_ids)
        return;
    for (yaml_node_item_t *it = c->data.sequence.items.start; it < c->data.sequence.items.top;
         it++) {
        yaml_node_t *n = ynode(d, *it);
        struct la_cause *x = &kb->causes[kb->ncauses];
        if (!yis_map(n)) {
            yerr(d, n, LA_D_RULE_WRONG_TYPE, "a cause must be a mapping");
            continue;
        }
        ycheck_keys(d, n, cause_keys);
        x->id = ystr(d, yget(d, n, "id"), "id");
        x->title = ystr(d, yget(d, n, "title"), "title");
        x->summary = ystr(d, yget(d, n, "summary"), "summary");
        x->next_test = ystr(d, yget(d, n, "next_test"), "next_test");
        x->remediation = ystrlist(d, yget(d, n, "remediation"), "remediation", NULL);
        if (!x->id || !x->title || !x->summary || !yget(d, n, "prior")) {
            yerr(d, n, LA_D_RULE_MISSING_KEY, "a cause needs id, title, summary and prior");
            continue;
        }
        if (!ynum(d, yget(d, n, "prior"), "prior", &x->prior))
            continue;
        if (yget(d, n, "hardware"))
            ybool(d, yget(d, n, "hardware"), "hardware", &x->hardware);
        kb->cause_ids[kb->ncauses++] = x->id;
    }
    for (yaml_node_item_t *it = l->data.sequence.items.start; it < l->data.sequence.items.top;
         it++) {
        yaml_node_t *n = ynode(d, *it);
        struct la_step *s = &kb->steps[kb->nsteps];
        if (!yis_map(n)) {
            yerr(d, n, LA_D_RULE_WRONG_TYPE, "a ladder step must be a mapping");
            continue;
        }
        ycheck_keys(d, n, step_keys);
        s->id = ystr(d, yget(d, n, "id"), "id");
        s->text = ystr(d, yget(d, n, "text"), "text");
        s->why = ystr(d, yget(d, n, "why"), "why");
        s->if_still_fails = ystr(d, yget(d, n, "if_still_fails"), "if_still_fails");
        s->lowers = ystrlist(d, yget(d, n, "lowers"), "lowers", NULL);
        if (!s->id || !s->text) {
            yerr(d, n, LA_D_RULE_MISSING_KEY, "a ladder step needs id and text");
            continue;
        }
        for (const char *const *lw = s->lowers; lw && *lw; lw++) {
            int ok = 0;
            for (size_t k = 0; k < kb->ncauses; k++)
                ok |= !strcmp(kb->causes[k].id, *lw);
            if (!ok)
                yerr(d, yget(d, n, "lowers"), LA_D_RULE_UNKNOWN_CAUSE, "unknown cause '%s'", *lw);
        }
        kb->nsteps++;
    }
    for (size_t i = 0; i < kb->ncauses; i++)
        for (const char *const *r = kb->causes[i].remediation; r && *r; r++)
            if (!la_kb_step(kb, *r))
                yerr(d, c, LA_D_DATA_INVALID, "cause '%s' names unknown ladder step '%s'",
                     kb->causes[i].id, *r);
    load_contexts(kb, d, yget(d, root, "contexts"));
}

static void load_codes(struct la_kb *kb, struct ydoc *d)
{
    static const char *const top[] = { "families", "codes", NULL };
    static const char *const fam_keys[] = { "id", "title", "ranges", "space", "priors", "source",
                                            NULL };
    static const char *const code_keys[] = { "code", "space", "names", "aliases", "family",
                                             "meanings", "stage", "priors", "collect",
                                             "collides", NULL };
    static const char *const mean_keys[] = { "space", "text", "confirmed", "source", NULL };
    yaml_node_t *root = ydoc_root(d), *f, *c;

    if (!yis_map(root)) {
        yerr(d, root, LA_D_DATA_INVALID, "codes.yaml must be a mapping with 'families' and 'codes'");
        return;
    }
    ycheck_keys(d, root, top);
    f = yget(d, root, "families");
    c = yget(d, root, "codes");
    if (!yis_seq(f) || !yis_seq(c)) {
        yerr(d, root, LA_D_DATA_INVALID, "'families' and 'codes' must be lists");
        return;
    }
    kb->families = pool_calloc(&kb->pool, seq_len(f), sizeof(*kb->families));
    kb->codes = pool_calloc(&kb->pool, seq_len(c), sizeof(*kb->codes));
    if (!kb->families || !kb->codes)
        return;
    for (yaml_node_item_t *it = f->data.sequence.items.start; it < f->data.sequence.items.top;
         it++) {
        yaml_node_t *n = ynode(d, *it), *rn;
        struct la_family *x = &kb->families[kb->nfamilies];
        if (!yis_map(n)) {
            yerr(d, n, LA_D_RULE_WRONG_TYPE, "a family must be a mapping");
            continue;
        }
        ycheck_keys(d, n, fam_keys);
        x->id = ystr(d, yget(d, n, "id"), "id");
        x->title = ystr(d, yget(d, n, "title"), "title");
        x->space = ystr(d, yget(d, n, "space"), "space");
        if (x->space && !known_catalogue(x->space))
            yerr(d, yget(d, n, "space"), LA_D_DATA_INVALID, "unknown numbering space '%s'",
                 x->space);
        x->source = ystr(d, yget(d, n, "source"), "source");
        x->priors = load_priors(d, yget(d, n, "priors"), &x->n_priors, kb->cause_ids);
        rn = yget(d, n, "ranges");
        if (!x->id || !yis_seq(rn)) {
            yerr(d, n, LA_D_RULE_MISSING_KEY, "a family needs id and a list of ranges");
            continue;
        }
        long *r = pool_calloc(&kb->pool, 2 * seq_len(rn), sizeof(long));
        if (!r)
            return;
        for (yaml_node_item_t *ri = rn->data.sequence.items.start;
             ri < rn->data.sequence.items.top; ri++) {
            yaml_node_t *pair = ynode(d, *ri);
            if (seq_len(pair) != 2) {
                yerr(d, pair, LA_D_DATA_INVALID, "a range must be [low, high]");
                continue;
            }
            if (ylong(d, ynode(d, pair->data.sequence.items.start[0]), "range", &r[2 * x->n_ranges]) &&
                ylong(d, ynode(d, pair->data.sequence.items.start[1]), "range",
                      &r[2 * x->n_ranges + 1]))
                x->n_ranges++;
        }
        x->ranges = r;
        kb->nfamilies++;
    }
    for (yaml_node_item_t *it = c->data.sequence.items.start; it < c->data.sequence.items.top;
         it++) {
        yaml_node_t *n = ynode(d, *it), *mn;
        struct la_code *x = &kb->codes[kb->ncodes];
        if (!yis_map(n)) {
            yerr(d, n, LA_D_RULE_WRONG_TYPE, "a code entry must be a mapping");
            continue;
        }
        ycheck_keys(d, n, code_keys);
        if (!yget(d, n, "code") || !ylong(d, yget(d, n, "code"), "code", &x->code)) {
            if (!yget(d, n, "code"))
                yerr(d, n, LA_D_RULE_MISSING_KEY, "a code entry needs 'code'");
            continue;
        }
        /* An entry without `space:` is on the error-number line; another space's entry
         * names it (an off-line catalogue name), and is unique within it. */
        x->space = ystr(d, yget(d, n, "space"), "space");
        if (x->space && (!known_catalogue(x->space) || in_list(la_space_at(LA_SPACE_DIALOG)->catalogue, x->space))) {
            yerr(d, yget(d, n, "space"), LA_D_DATA_INVALID,
                 "'space' names the numbering space of an entry off the error-number line "
                 "(BBUpdater, RamrodError …), not '%s'", x->space);
            x->space = NULL;
        }
        for (size_t k = 0; k < kb->ncodes; k++)
            if (kb->codes[k].code == x->code &&
                (kb->codes[k].space == x->space ||
                 (kb->codes[k].space && x->space && !strcmp(kb->codes[k].space, x->space))))
                yerr(d, n, LA_D_DATA_INVALID, "code %ld is listed twice", x->code);
        x->names = ystrlist(d, yget(d, n, "names"), "names", NULL);
        x->aliases = ystrlist(d, yget(d, n, "aliases"), "aliases", NULL);
        x->family = ystr(d, yget(d, n, "family"), "family");
        x->stage = ystr(d, yget(d, n, "stage"), "stage");
        x->collides = ystr(d, yget(d, n, "collides"), "collides");
        x->collect = ystrlist(d, yget(d, n, "collect"), "collect", NULL);
        x->priors = load_priors(d, yget(d, n, "priors"), &x->n_priors, kb->cause_ids);
        mn = yget(d, n, "meanings");
        if (!yis_seq(mn) || !seq_len(mn)) {
            yerr(d, n, LA_D_RULE_MISSING_KEY, "code %ld needs a list of meanings", x->code);
            continue;
        }
        struct la_meaning *m = pool_calloc(&kb->pool, seq_len(mn), sizeof(*m));
        if (!m)
            return;
        for (yaml_node_item_t *mi = mn->data.sequence.items.start;
             mi < mn->data.sequence.items.top; mi++) {
            yaml_node_t *e = ynode(d, *mi);
            struct la_meaning *y = &m[x->n_meanings];
            if (!yis_map(e)) {
                yerr(d, e, LA_D_RULE_WRONG_TYPE, "a meaning must be a mapping");
                continue;
            }
            ycheck_keys(d, e, mean_keys);
            y->space = ystr(d, yget(d, e, "space"), "space");
            y->text = ystr(d, yget(d, e, "text"), "text");
            y->source = ystr(d, yget(d, e, "source"), "source");
            if (y->space && !known_catalogue(y->space))
                yerr(d, yget(d, e, "space"), LA_D_DATA_INVALID, "unknown numbering space '%s'",
                     y->space);
            if (yget(d, e, "confirmed"))
                ybool(d, yget(d, e, "confirmed"), "confirmed", &y->confirmed);
            if (!y->space || !y->text || !y->source) {
                yerr(d, e, LA_D_RULE_MISSING_KEY,
                     "a meaning needs space, text and source (every entry names its source)");
                continue;
            }
            x->n_meanings++;
        }
        x->meanings = m;
        kb->ncodes++;
    }
}

static size_t map_len(const yaml_node_t *n)
{
    return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
}

/*
 * group_names (each group's timeline label and "Failed while …" words), then stage_groups
 * (stage name → group).  With group_names present every group named must be in it; without
 * it (an older data folder) a group is known by its id alone.
 */
static void load_stage_groups(struct la_kb *kb, struct ydoc *d, yaml_node_t *names,
                              yaml_node_t *groups)
{
    static const char *const name_keys[] = { "label", "doing", NULL };
    size_t ng = (yis_map(names) ? map_len(names) : 0) + (yis_map(groups) ? map_len(groups) : 0);

    if (!yis_map(groups))
        return;
    kb->groups = pool_calloc(&kb->pool, ng + 1, sizeof(*kb->groups));
    kb->sgs = pool_calloc(&kb->pool, map_len(groups), sizeof(*kb->sgs));
    if (!kb->groups || !kb->sgs)
        return;
    for (yaml_node_pair_t *p = yis_map(names) ? names->data.mapping.pairs.start : NULL;
         p && p < names->data.mapping.pairs.top; p++) {
        yaml_node_t *v = ynode(d, p->value);
        struct la_stage_group *g = &kb->groups[kb->ngroups];
        if (!(g->id = ystr(d, ynode(d, p->key), "stage group")))
            continue;
        if (!yis_map(v)) {
            yerr(d, v, LA_D_RULE_WRONG_TYPE, "a stage group's names must be a mapping");
            continue;
        }
        ycheck_keys(d, v, name_keys);
        g->label = ystr(d, yget(d, v, "label"), "label");
        g->doing = ystr(d, yget(d, v, "doing"), "doing");
        if (g->label && g->doing)
            kb->ngroups++;
    }
    for (yaml_node_pair_t *p = groups->data.mapping.pairs.start; p < groups->data.mapping.pairs.top;
         p++) {
        const char *stage = ystr(d, ynode(d, p->key), "stage");
        const char *gid = ystr(d, ynode(d, p->value), "stage group");
        const struct la_stage_group *g = NULL;
        if (!stage || !gid)
            continue;
        for (size_t i = 0; i < kb->ngroups && !g; i++)
            if (!strcmp(kb->groups[i].id, gid))
                g = &kb->groups[i];
        if (!g && yis_map(names)) {
            yerr(d, ynode(d, p->value), LA_D_DATA_INVALID,
                 "stage group '%s' is not listed under group_names", gid);
            continue;
        }
        if (!g) {
            kb->groups[kb->ngroups].id = kb->groups[kb->ngroups].label = gid;
            g = &kb->groups[kb->ngroups++];
        }
        kb->sgs[kb->nsgs].stage = stage;
        kb->sgs[kb->nsgs++].group = g;
    }
}

static void load_stages(struct la_kb *kb, struct ydoc *d)
{
    static const char *const top[] = { "operations", "checkpoints", "group_names",
                                       "stage_groups", NULL };
    yaml_node_t *root = ydoc_root(d), *o, *c;

    if (!yis_map(root)) {
        yerr(d, root, LA_D_DATA_INVALID, "stages.yaml must be a mapping");
        return;
    }
    ycheck_keys(d, root, top);
    o = yget(d, root, "operations");
    c = yget(d, root, "checkpoints");
    if (yis_map(o)) {
        kb->ops = pool_calloc(&kb->pool, (size_t)(o->data.mapping.pairs.top -
                                                  o->data.mapping.pairs.start), sizeof(*kb->ops));
        if (!kb->ops)
            return;
        for (yaml_node_pair_t *p = o->data.mapping.pairs.start; p < o->data.mapping.pairs.top; p++)
            if (ylong(d, ynode(d, p->key), "operation", &kb->ops[kb->nops].op) &&
                (kb->ops[kb->nops].name = ystr(d, ynode(d, p->value), "stage")))
                kb->nops++;
    }
    if (yis_map(c)) {
        kb->cps = pool_calloc(&kb->pool, (size_t)(c->data.mapping.pairs.top -
                                                  c->data.mapping.pairs.start), sizeof(*kb->cps));
        if (!kb->cps)
            return;
        for (yaml_node_pair_t *p = c->data.mapping.pairs.start; p < c->data.mapping.pairs.top; p++)
            if (ylong(d, ynode(d, p->key), "checkpoint", &kb->cps[kb->ncps].id) &&
                (kb->cps[kb->ncps].name = ystr(d, ynode(d, p->value), "stage")))
                kb->ncps++;
    }
    load_stage_groups(kb, d, yget(d, root, "group_names"), yget(d, root, "stage_groups"));
}

static enum la_rc load_one(struct la_kb *kb, const char *dir, const char *file,
                           void (*fn)(struct la_kb *, struct ydoc *), struct la_diag_sink *sink)
{
    struct la_buf path = LA_BUF_INIT, data = LA_BUF_INIT;
    struct ydoc d;
    enum la_rc rc;

    if (la_buf_addf(&path, "%s/%s", dir, file) != LA_OK)
        return LA_FATAL;
    const char *p = pool_strdup(&kb->pool, path.buf);
    la_buf_release(&path);
    if (!p)
        return LA_FATAL;
    rc = read_small_file(p, LA_DEFAULT_MAX_RULE_FILE, &data, sink);
    if (rc == LA_OK)
        rc = ydoc_load(&d, p, data.buf, data.len, LA_DEFAULT_MAX_RULE_FILE, &kb->pool, NULL,
                       sink);
    la_buf_release(&data);
    if (rc != LA_OK)
        return rc;
    fn(kb, &d);
    rc = d.errors ? LA_FAILED : LA_OK;
    ydoc_release(&d);
    return kb->pool.oom ? LA_FATAL : rc;
}

/* The data files, in load order: the one place their names are written. */
static const struct {
    const char *name;
    void (*load)(struct la_kb *, struct ydoc *);
} kb_files[] = {
    { "causes.yaml", load_causes },
    { "codes.yaml", load_codes },
    { "stages.yaml", load_stages },
};

const char *la_kb_marker(void)
{
    return kb_files[0].name;
}

enum la_rc la_kb_load(struct la_kb **ret_kb, const char *dir, struct la_diag_sink *sink)
{
    struct la_kb *kb = la_calloc(1, sizeof(*kb));
    enum la_rc rc = LA_OK;

    if (!kb)
        return LA_FATAL;
    for (size_t i = 0; i < sizeof(kb_files) / sizeof(*kb_files); i++)
        rc = la_rc_worst(rc, load_one(kb, dir, kb_files[i].name, kb_files[i].load, sink));
    if (rc != LA_OK) {
        la_kb_free(kb);
        return rc;
    }
    *ret_kb = kb;
    return LA_OK;
}

void la_kb_free(struct la_kb *kb)
{
    if (!kb)
        return;
    pool_release(&kb->pool);
    la_free(kb);
}

size_t la_kb_n_causes(const struct la_kb *kb) { return kb->ncauses; }
const struct la_cause *la_kb_cause_at(const struct la_kb *kb, size_t i)
{
    return i < kb->ncauses ? &kb->causes[i] : NULL;
}
size_t la_kb_n_steps(const struct la_kb *kb) { return kb->nsteps; }
const struct la_step *la_kb_step_at(const struct la_kb *kb, size_t i)
{
    return i < kb->nsteps ? &kb->steps[i] : NULL;
}
size_t la_kb_n_codes(const struct la_kb *kb) { return kb->ncodes; }
const struct la_code *la_kb_code_at(const struct la_kb *kb, size_t i)
{
    return i < kb->ncodes ? &kb->codes[i] : NULL;
}
const char *const *la_kb_cause_ids(const struct la_kb *kb) { return kb->cause_ids; }

size_t la_kb_n_contexts(const struct la_kb *kb) { return kb->ncontexts; }
const struct la_context *la_kb_context_at(const struct la_kb *kb, size_t i)
{
    return i < kb->ncontexts ? &kb->contexts[i] : NULL;
}

const struct la_context *la_kb_context(const struct la_kb *kb, const char *s, size_t len)
{
    for (size_t i = 0; i < kb->ncontexts; i++)
        if (strlen(kb->contexts[i].id) == len && !memcmp(kb->contexts[i].id, s, len))
            return &kb->contexts[i];
    return NULL;
}

/* An empty list when there is none, so a ruleset given it knows no context id. */
const char *const *la_kb_context_ids(const struct la_kb *kb)
{
    static const char *const none[] = { NULL };

    return kb->context_ids ? kb->context_ids : none;
}

int la_context_excludes(const struct la_context *x, const char *cause)
{
    for (const char *const *c = x ? x->excludes : NULL; c && *c; c++)
        if (!strcmp(*c, cause))
            return 1;
    return 0;
}

const struct la_cause *la_kb_cause(const struct la_kb *kb, const char *id)
{
    for (size_t i = 0; i < kb->ncauses; i++)
        if (!strcmp(kb->causes[i].id, id))
            return &kb->causes[i];
    return NULL;
}

const struct la_step *la_kb_step(const struct la_kb *kb, const char *id)
{
    for (size_t i = 0; i < kb->nsteps; i++)
        if (!strcmp(kb->steps[i].id, id))
            return &kb->steps[i];
    return NULL;
}

const struct la_code *la_kb_code(const struct la_kb *kb, long code)
{
    for (size_t i = 0; i < kb->ncodes; i++)
        if (kb->codes[i].code == code && !kb->codes[i].space)
            return &kb->codes[i];
    return NULL;
}

const struct la_code *la_kb_code_by_name(const struct la_kb *kb, const char *name)
{
    for (size_t i = 0; i < kb->ncodes; i++) {
        for (const char *const *n = kb->codes[i].names; n && *n; n++)
            if (!strcasecmp(*n, name))
                return &kb->codes[i];
        for (const char *const *n = kb->codes[i].aliases; n && *n; n++)
            if (!strcasecmp(*n, name))
                return &kb->codes[i];
    }
    return NULL;
}

const struct la_family *la_kb_family(const struct la_kb *kb, const char *id)
{
    for (size_t i = 0; i < kb->nfamilies; i++)
        if (!strcmp(kb->families[i].id, id))
            return &kb->families[i];
    return NULL;
}

/* The first family filed under one of the names in spaces (any space: NULL) holding code. */
static const struct la_family *family_among(const struct la_kb *kb, const char *const *names,
                                            long code)
{
    for (size_t i = 0; i < kb->nfamilies; i++) {
        const struct la_family *f = &kb->families[i];
        if (names && !in_list(names, f->space ? f->space : "any"))
            continue;
        for (size_t r = 0; r < f->n_ranges; r++)
            if (code >= f->ranges[2 * r] && code <= f->ranges[2 * r + 1])
                return f;
    }
    return NULL;
}

const struct la_family *la_kb_family_of(const struct la_kb *kb, long code)
{
    return family_among(kb, la_space_at(LA_SPACE_DIALOG)->catalogue, code);
}

const struct la_code *la_kb_code_in(const struct la_kb *kb, size_t space, long code)
{
    const struct la_space *sp = la_space_at(space);
    const struct la_code *c;

    if (!sp)
        return NULL;
    if (!sp->on_line) {
        for (size_t i = 0; i < kb->ncodes; i++)
            if (kb->codes[i].code == code && kb->codes[i].space &&
                in_list(sp->catalogue, kb->codes[i].space))
                return &kb->codes[i];
        return NULL;
    }
    c = la_kb_code(kb, sp->offset + code);
    if (!c || space == LA_SPACE_DIALOG)
        return c;
    for (size_t i = 0; i < c->n_meanings; i++)
        if (in_list(sp->catalogue, c->meanings[i].space))
            return c;
    return NULL;
}

/* Whether the NULL-terminated list holds s[0..len). */
static int in_list_n(const char *const *l, const char *s, size_t len)
{
    for (; l && *l; l++)
        if (strlen(*l) == len && !memcmp(*l, s, len))
            return 1;
    return 0;
}

const struct la_code *la_kb_code_named_in(const struct la_kb *kb, size_t space, const char *name,
                                          size_t len)
{
    for (size_t i = 0; i < kb->ncodes; i++) {
        const struct la_code *c = &kb->codes[i];
        if ((in_list_n(c->names, name, len) || in_list_n(c->aliases, name, len)) &&
            la_kb_code_in(kb, space, c->code) == c)
            return c;
    }
    return NULL;
}

const struct la_family *la_kb_family_in(const struct la_kb *kb, size_t space, long code)
{
    const struct la_space *sp = la_space_at(space);
    const struct la_family *f;

    if (!sp)
        return NULL;
    if (!sp->on_line)
        return family_among(kb, sp->catalogue, code);
    f = la_kb_family_of(kb, sp->offset + code);
    if (!f || space == LA_SPACE_DIALOG || !f->space || !strcmp(f->space, "any") ||
        in_list(sp->catalogue, f->space))
        return f;
    return NULL;
}

const char *la_kb_stage_of_op(const struct la_kb *kb, long op)
{
    for (size_t i = 0; i < kb->nops; i++)
        if (kb->ops[i].op == op)
            return kb->ops[i].name;
    return NULL;
}

const char *la_kb_stage_of_checkpoint(const struct la_kb *kb, const char *id, size_t len)
{
    char buf[24];
    char *end;
    long v;

    if (len >= sizeof(buf))
        return NULL;
    memcpy(buf, id, len);
    buf[len] = 0;
    v = strtol(buf, &end, 0);
    if (*end)
        return NULL;
    for (size_t i = 0; i < kb->ncps; i++)
        if ((kb->cps[i].id & 0xFFFF) == (v & 0xFFFF))
            return kb->cps[i].name;
    return NULL;
}

const struct la_stage_group *la_kb_stage_group(const struct la_kb *kb, const char *stage)
{
    for (size_t i = 0; stage && i < kb->nsgs; i++)
        if (!strcmp(kb->sgs[i].stage, stage))
            return kb->sgs[i].group;
    return NULL;
}
