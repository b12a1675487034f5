/*
 * Rule loading: the YAML tree of a rule file → struct rule and its patterns.
 *
 * Schema (rules/README.md is the user-facing version):
 *
 *   file      := { rules: [ rule, ... ] }
 *   rule      := { id, title, [description], [advice], [kind], [cause], [effect], [weight],
 *                  [level], [formats], [applies], match, [when], [count], [after], [unless],
 *                  [scope], [set], [outcome], samples, not, [references], [fallback] }
 *   match     := { NAME: selection, ..., condition: EXPR }       (EXPR: see cond.c)
 *   selection := { MODIFIER: STRING | [STRING, ...], ..., [field: F], [cased: BOOL] }
 *   MODIFIER  := contains | startswith | endswith | equals | re  (la_pattern_ops, compile.c)
 *   F         := message | text | component | level | context
 *
 * Data flow: la_ruleset_add_buffer() parses the text with libyaml (yaml.c).
 * A producer's vocabulary pack (top-level 'producer:'/'messages:', no
 * 'rules:') goes to vocab.c; la_ruleset_add_vocab_dir() adds every pack of
 * <data>/vocab/.  A rule file's rules are walked here: each rule mapping
 * is checked against rule_keys[], the one key → loader table: a key not in
 * it is an error (LA201, "unknown key 'x'"), a required key that is missing
 * is an error, and each present key's loader fills struct rule.  The
 * 'match' loader walks the selections (each modifier value becomes a
 * pattern, compile.c) and parses the condition (cond.c).
 *
 * Invariants: loaders run in table order, so diagnostics come in that order
 * and a loader may read what the rows above it set ('cause' reads 'kind').
 * A rule with any error is dropped with its patterns, and loading goes on,
 * so one run reports every error.  Loaders return -1 only when out of
 * memory; everything the rule keeps is pooled in the ruleset.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/dir.h"
#include "core/version.h"
#include "rules/rules-internal.h"

#define MAX_DURATION_MS (7 * 24 * 3600000LL)   /* a week: far beyond any restore */
#define BAD_DURATION "bad duration '%s' (use 500ms, 30s, 2m or 1h; at most a week)"

/* "500ms", "30s", "2m", "1h" → ms; 0 when malformed or longer than MAX_DURATION_MS. */
static int parse_duration(const char *s, int64_t *ret)
{
    static const struct {
        const char *unit;
        int64_t ms;
    } units[] = { { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 } };
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (end == s || v < 0 || errno == ERANGE)
        return 0;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (!strcmp(end, units[i].unit)) {
            if (v > MAX_DURATION_MS / units[i].ms)
                return 0;
            *ret = v * units[i].ms;
            return 1;
        }
    return 0;
}

/* Index of s in the NULL-terminated names, or -1. */
static int pick(const char *s, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (!strcmp(s, names[i]))
            return i;
    return -1;
}

/* ---------------------------------------------------------- selections */

static const char *const field_names[] = {
    [FIELD_MESSAGE] = "message",
    [FIELD_TEXT] = "text",
    [FIELD_COMPONENT] = "component",
    [FIELD_LEVEL] = "level",
    [FIELD_CONTEXT] = "context",
    NULL
};

static int selection_key(const char *key)
{
    return pick(key, la_pattern_ops) >= 0 || !strcmp(key, "field") || !strcmp(key, "cased");
}

/* One selection: its options, then a pattern per value of each modifier.  -1 on OOM. */
static int load_selection(struct la_ruleset *rs, struct ydoc *d, struct rule *r, unsigned sel,
                          yaml_node_t *sn)
{
    yaml_node_t *fn = yget(d, sn, "field"), *cn = yget(d, sn, "cased");
    struct pat proto = { .field = FIELD_MESSAGE, .rule = (unsigned)rs->nrules, .sel = sel };

    ycheck_keys_by(d, sn, selection_key);
    if (fn) {
        int field = yone_of(d, fn, "field", field_names);
        if (field >= 0)
            proto.field = field;
    }
    if (cn)
        ybool(d, cn, "cased", &proto.cased);
    for (yaml_node_pair_t *p = sn->data.mapping.pairs.start; p < sn->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = ynode(d, p->key), *v = ynode(d, p->value);
        const char *key = yis_scalar(k) ? (const char *)k->data.scalar.value : "";
        int op = pick(key, la_pattern_ops);

        if (op < 0)
            continue;
        if (proto.mod >= 32) {
            yerr(d, k, LA_D_RULE_LIMIT, "more than 32 modifiers in one selection");
            break;
        }
        yaml_node_item_t single = p->value, *items = &single, *end = &single + 1;
        if (yis_seq(v)) {
            items = v->data.sequence.items.start;
            end = v->data.sequence.items.top;
            if (items == end)
                yerr(d, v, LA_D_RULE_BAD_VALUE, "'%s' has an empty list", key);
        }
        proto.op = op;
        for (yaml_node_item_t *it = items; it < end; it++)
            if (la_compile_pattern(rs, d, &proto, ynode(d, *it)) < 0)
                return -1;
        proto.mod++;
    }
    if (!proto.mod) {
        struct la_buf list = LA_BUF_INIT;
        ylist_names(&list, la_pattern_ops);
        yerr(d, sn, LA_D_RULE_MISSING_KEY, "selection has no test (%s)", list.buf);
        la_buf_release(&list);
    }
    r->sels[sel].nmods = proto.mod;
    return 0;
}

/* -------------------------------------------------------- rule keys */

/* What a loader works on: the rule being built and its YAML mapping. */
struct rload {
    struct la_ruleset *rs;
    struct ydoc *d;
    struct rule *r;
    yaml_node_t *rn;
};

/* Load one key's value n (NULL only for KEY_ABSENT rows); -1 when out of memory. */
typedef int key_loader(struct rload *c, yaml_node_t *n);

static int load_id(struct rload *c, yaml_node_t *n)
{
    struct la_rule_meta *m = &c->r->meta;

    if ((m->id = ystr(c->d, n, "id")) && !yvalid_id(m->id))
        yerr(c->d, n, LA_D_RULE_BAD_VALUE, "rule id '%s' must match [a-z0-9][a-z0-9._-]*",
             m->id);
    return 0;
}

static int load_title(struct rload *c, yaml_node_t *n)
{
    c->r->meta.title = ystr(c->d, n, "title");
    return 0;
}

static int load_description(struct rload *c, yaml_node_t *n)
{
    c->r->meta.description = ystr(c->d, n, "description");
    return 0;
}

/* One sentence a person can act on; longer text belongs in the description. */
#define MAX_ADVICE 400

static int load_advice(struct rload *c, yaml_node_t *n)
{
    const char *a = ystr(c->d, n, "advice");

    if (a && (!*a || strlen(a) > MAX_ADVICE)) {
        yerr(c->d, n, LA_D_RULE_BAD_VALUE, "'advice' must be 1 to %d characters", MAX_ADVICE);
        return 0;
    }
    c->r->meta.advice = a;
    return 0;
}

/* Evidence read from a failing line's own wording: it counts only where no rule explains the
 * run's failure (rules.h, la_rule_meta.fallback). */
static int load_fallback(struct rload *c, yaml_node_t *n)
{
    if (ybool(c->d, n, "fallback", &c->r->meta.fallback) && c->r->meta.fallback &&
        c->r->meta.kind != LA_KIND_EVIDENCE)
        yerr(c->d, n, LA_D_RULE_BAD_VALUE, "'fallback' is for evidence rules only");
    return 0;
}

static int load_kind(struct rload *c, yaml_node_t *n)
{
    static const char *const kinds[] = { "evidence", "fact", "attempt", "result", "stage",
                                         NULL };    /* enum la_rule_kind order */
    int k = yone_of(c->d, n, "kind", kinds);

    if (k >= 0)
        c->r->meta.kind = (enum la_rule_kind)k;
    return 0;
}

/* Runs when 'cause' is absent too: an evidence rule needs one. */
static int load_cause(struct rload *c, yaml_node_t *n)
{
    struct la_rule_meta *m = &c->r->meta;
    char hint[96];

    if (n && (m->cause = ystr(c->d, n, "cause"))) {
        if (c->rs->causes && !in_list(c->rs->causes, m->cause))
            yerr(c->d, n, LA_D_RULE_UNKNOWN_CAUSE, "unknown cause '%s'%s", m->cause,
                 near_hint(c->rs->causes, m->cause, hint, sizeof hint));
    }
    if (m->kind == LA_KIND_EVIDENCE && !m->cause)
        yerr(c->d, c->rn, LA_D_RULE_MISSING_KEY, "evidence rule '%s' has no 'cause'",
             m->id ? m->id : "?");
    return 0;
}

/* A key with one of two words: 0 for a, 1 for b, -1 (with an error unless absent) else. */
static int either(struct rload *c, yaml_node_t *n, const char *key, const char *a,
                  const char *b)
{
    const char *s = ystr(c->d, n, key);

    if (!s)
        return -1;
    if (!strcmp(s, a) || !strcmp(s, b))
        return !strcmp(s, b);
    yerr(c->d, n, LA_D_RULE_BAD_VALUE, "%s must be '%s' or '%s', not '%s'", key, a, b, s);
    return -1;
}

static int load_effect(struct rload *c, yaml_node_t *n)
{
    if (either(c, n, "effect", "for", "against") == 1)
        c->r->meta.against = 1;
    return 0;
}

static int load_weight(struct rload *c, yaml_node_t *n)
{
    struct la_rule_meta *m = &c->r->meta;

    if (ynum(c->d, n, "weight", &m->weight) && (m->weight < 0 || m->weight > 10))
        yerr(c->d, n, LA_D_RULE_BAD_VALUE, "weight must be between 0 and 10");
    return 0;
}

static int load_level(struct rload *c, yaml_node_t *n)
{
    int l = yone_of(c->d, n, "level", la_level_names());

    if (l >= 0)
        c->r->meta.level = (enum la_level)l;
    return 0;
}

static int load_formats(struct rload *c, yaml_node_t *n)
{
    char hint[96];

    c->r->formats = ystrlist(c->d, n, "formats", NULL);
    for (const char *const *f = c->r->formats; f && *f; f++)
        if (c->rs->formats && !in_list(c->rs->formats, *f))
            yerr(c->d, n, LA_D_RULE_UNKNOWN_FORMAT, "unknown format '%s'%s", *f,
                 near_hint(c->rs->formats, *f, hint, sizeof hint));
    return 0;
}

/* An Apple-version range of 'applies' (ios, host), checked here, read by analyze/. */
static void load_range(struct ydoc *d, yaml_node_t *map, const char *key, const char **ret)
{
    yaml_node_t *vn = yget(d, map, key);
    size_t off;

    if (vn && (*ret = ystr(d, vn, key)) && la_version_range_check(*ret, &off))
        yerr(d, vn, LA_D_RULE_BAD_VERSION, "bad version range '%s' at offset %zu", *ret,
             off + 1);
}

static int load_applies(struct rload *c, yaml_node_t *n)
{
    static const char *const keys[] = { "model", "ios", "host", NULL };
    struct la_rule_meta *m = &c->r->meta;

    if (!yis_map(n)) {
        yerr(c->d, n, LA_D_RULE_WRONG_TYPE, "'applies' must be a mapping");
        return 0;
    }
    ycheck_keys(c->d, n, keys);
    m->applies_model = ystrlist(c->d, yget(c->d, n, "model"), "model", NULL);
    load_range(c->d, n, "ios", &m->applies_ios);
    load_range(c->d, n, "host", &m->applies_host);
    return 0;
}

static int load_when(struct rload *c, yaml_node_t *n)
{
    static const char *const keys[] = { "stage", "code", NULL };
    struct la_rule_meta *m = &c->r->meta;
    struct ydoc *d = c->d;
    size_t nc = 0;

    if (!yis_map(n)) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'when' must be a mapping");
        return 0;
    }
    ycheck_keys(d, n, keys);
    m->when_stage = ystrlist(d, yget(d, n, "stage"), "stage", NULL);
    const char *const *codes = ystrlist(d, yget(d, n, "code"), "code", &nc);
    if (!codes)
        return 0;
    long *v = pool_calloc(&c->rs->pool, nc, sizeof(long));
    if (!v)
        return -1;
    for (size_t i = 0; i < nc; i++) {
        char *end;
        v[i] = strtol(codes[i], &end, 0);
        if (*end || end == codes[i])
            yerr(d, yget(d, n, "code"), LA_D_RULE_BAD_VALUE, "code '%s' is not an integer",
                 codes[i]);
    }
    m->when_code = v;
    m->n_when_code = nc;
    return 0;
}

static int load_count(struct rload *c, yaml_node_t *n)
{
    static const char *const keys[] = { "min", "within", NULL };
    struct la_rule_meta *m = &c->r->meta;
    struct ydoc *d = c->d;
    const char *s;
    long v = 0;

    if (!yis_map(n)) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'count' must be a mapping");
        return 0;
    }
    ycheck_keys(d, n, keys);
    yaml_node_t *mn = yget(d, n, "min"), *wn = yget(d, n, "within");
    if (!mn)
        yerr(d, n, LA_D_RULE_MISSING_KEY, "'count' needs 'min'");
    else if (ylong(d, mn, "min", &v) && (v < 1 || v > 1000000))
        yerr(d, mn, LA_D_RULE_BAD_VALUE, "'min' must be between 1 and 1000000");
    else
        m->count_min = (unsigned)v;
    if (wn && (s = ystr(d, wn, "within")) && !parse_duration(s, &m->count_within))
        yerr(d, wn, LA_D_RULE_BAD_VALUE, BAD_DURATION, s);
    return 0;
}

/*
 * 'after' / 'unless': {rule: ID, within: DURATION, lines: N}.  The id is resolved at compile,
 * whose diagnostic points at the key's value (ret_line, ret_col).  'lines' is the window
 * between lines without a clock (1-1000, same member).
 */
static void load_ref(struct ydoc *d, yaml_node_t *n, const char *what, const char **ret_id,
                     int64_t *ret_within, unsigned *ret_lines, unsigned *ret_line,
                     unsigned *ret_col)
{
    static const char *const keys[] = { "rule", "within", "lines", NULL };
    yaml_node_t *ln;
    long v = 0;

    *ret_line = (unsigned)n->start_mark.line + 1;
    *ret_col = (unsigned)n->start_mark.column + 1;

    if (!yis_map(n)) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'%s' must be a mapping with 'rule' and 'within'", what);
        return;
    }
    ycheck_keys(d, n, keys);
    yaml_node_t *rn = yget(d, n, "rule"), *wn = yget(d, n, "within");
    if (!rn)
        yerr(d, n, LA_D_RULE_MISSING_KEY, "'%s' needs 'rule'", what);
    else
        *ret_id = ystr(d, rn, "rule");
    if (wn) {
        const char *w = ystr(d, wn, "within");
        if (w && !parse_duration(w, ret_within))
            yerr(d, wn, LA_D_RULE_BAD_VALUE, BAD_DURATION, w);
    }
    if ((ln = yget(d, n, "lines")) && ylong(d, ln, "lines", &v)) {
        if (v < 1 || v > 1000)
            yerr(d, ln, LA_D_RULE_BAD_VALUE, "'lines' must be between 1 and 1000");
        else
            *ret_lines = (unsigned)v;
    }
}

static int load_after(struct rload *c, yaml_node_t *n)
{
    struct rule *r = c->r;

    load_ref(c->d, n, "after", &r->after_id, &r->meta.after_within, &r->meta.after_lines,
             &r->after_line, &r->after_col);
    return 0;
}

static int load_unless(struct rload *c, yaml_node_t *n)
{
    struct rule *r = c->r;

    load_ref(c->d, n, "unless", &r->unless_id, &r->meta.unless_within, &r->meta.unless_lines,
             &r->unless_line, &r->unless_col);
    return 0;
}

static int load_scope(struct rload *c, yaml_node_t *n)
{
    if (either(c, n, "scope", "attempt", "input") == 1)
        c->r->meta.scope_input = 1;
    return 0;
}

static int load_set(struct rload *c, yaml_node_t *n)
{
    struct la_rule_meta *m = &c->r->meta;
    struct ydoc *d = c->d;

    if (!yis_map(n)) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'set' must be a mapping of fact names to values");
        return 0;
    }
    size_t cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start), i = 0;
    const char **k = pool_calloc(&c->rs->pool, cnt + 1, sizeof(*k));
    const char **v = pool_calloc(&c->rs->pool, cnt + 1, sizeof(*v));
    if (!k || !v)
        return -1;
    ycheck_keys(d, n, NULL);
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        k[i] = ystr(d, ynode(d, p->key), "set key");
        v[i] = ystr(d, ynode(d, p->value), "set value");
        if (k[i] && !yvalid_id(k[i]))
            yerr(d, ynode(d, p->key), LA_D_RULE_BAD_VALUE,
                 "fact name '%s' must match [a-z0-9][a-z0-9._-]*", k[i]);
        if (k[i] && v[i] && !strcmp(k[i], "context") && c->rs->contexts &&
            !in_list(c->rs->contexts, v[i])) {
            char hint[96];
            yerr(d, ynode(d, p->value), LA_D_RULE_BAD_VALUE, "unknown context '%s'%s", v[i],
                 near_hint(c->rs->contexts, v[i], hint, sizeof hint));
        }
        if (k[i] && v[i])
            i++;
    }
    m->set_keys = k;
    m->set_values = v;
    return 0;
}

static int load_outcome(struct rload *c, yaml_node_t *n)
{
    int v = either(c, n, "outcome", "failed", "succeeded");

    if (v >= 0)
        c->r->meta.outcome = v == 0;       /* 1 failed, 0 succeeded */
    return 0;
}

static int load_samples(struct rload *c, yaml_node_t *n)
{
    c->r->meta.samples = ystrlist(c->d, n, "samples", NULL);
    return 0;
}

static int load_not(struct rload *c, yaml_node_t *n)
{
    c->r->meta.nots = ystrlist(c->d, n, "not", NULL);
    return 0;
}

static int load_references(struct rload *c, yaml_node_t *n)
{
    (void)ystrlist(c->d, n, "references", NULL);    /* checked, not kept */
    return 0;
}

/* The selections (at most 64: a set of them is one uint64_t), then the condition. */
static int load_match(struct rload *c, yaml_node_t *n)
{
    struct rule *r = c->r;
    struct ydoc *d = c->d;
    yaml_node_t *cond = NULL;

    if (!yis_map(n)) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'match' must be a mapping of selections");
        return 0;
    }
    size_t cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    r->sels = la_calloc(cnt ? cnt : 1, sizeof(*r->sels));
    if (!r->sels)
        return -1;
    ycheck_keys(d, n, NULL);
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = ynode(d, p->key), *v = ynode(d, p->value);
        const char *name = yis_scalar(k) ? (const char *)k->data.scalar.value : NULL;
        if (!name)
            continue;
        if (!strcmp(name, "condition")) {
            cond = v;
            continue;
        }
        if (r->nsel >= 64) {
            yerr(d, k, LA_D_RULE_LIMIT, "more than 64 selections in one rule");
            break;
        }
        if (!yis_map(v)) {
            yerr(d, v, LA_D_RULE_WRONG_TYPE, "selection '%s' must be a mapping of modifiers",
                 name);
            continue;
        }
        r->sels[r->nsel].name = pool_strdup(&c->rs->pool, name);
        if (load_selection(c->rs, d, r, r->nsel, v) < 0)
            return -1;
        r->nsel++;
    }
    if (!r->nsel)
        yerr(d, n, LA_D_RULE_MISSING_KEY, "'match' has no selection");
    if (!cond && r->nsel == 1)
        la_cond_single(r);
    else if (!cond)
        yerr(d, n, LA_D_RULE_MISSING_KEY, "'match' has several selections but no 'condition'");
    else if (yis_scalar(cond) && r->nsel)
        la_cond_parse(r, d, cond);
    else if (!yis_scalar(cond))
        yerr(d, cond, LA_D_RULE_WRONG_TYPE, "'condition' must be a string");
    return 0;
}

enum { KEY_REQUIRED = 1, KEY_ABSENT = 2 /* the loader runs when the key is absent too */ };

/*
 * The keys of a rule, in the order they are loaded (and their diagnostics given): the one
 * list of allowed keys.  A required key that is missing gives "rule 'ID' <missing>".
 */
static const struct rule_key {
    const char *key;
    key_loader *load;
    unsigned flags;
    const char *missing;
} rule_keys[] = {
    { "id", load_id, KEY_REQUIRED, "has no 'id'" },
    { "title", load_title, KEY_REQUIRED, "has no 'title'" },
    { "description", load_description, 0, NULL },
    { "advice", load_advice, 0, NULL },
    { "kind", load_kind, 0, NULL },
    { "cause", load_cause, KEY_ABSENT, NULL },
    { "effect", load_effect, 0, NULL },
    { "weight", load_weight, 0, NULL },
    { "level", load_level, 0, NULL },
    { "formats", load_formats, 0, NULL },
    { "applies", load_applies, 0, NULL },
    { "when", load_when, 0, NULL },
    { "count", load_count, 0, NULL },
    { "after", load_after, 0, NULL },
    { "unless", load_unless, 0, NULL },
    { "scope", load_scope, 0, NULL },
    { "set", load_set, 0, NULL },
    { "outcome", load_outcome, 0, NULL },
    { "samples", load_samples, KEY_REQUIRED, "has no 'samples' (lines that must match)" },
    { "not", load_not, KEY_REQUIRED, "has no 'not' (lines that must not match)" },
    { "references", load_references, 0, NULL },
    { "fallback", load_fallback, 0, NULL },
    { "match", load_match, KEY_REQUIRED, "has no 'match'" },
};

#define N_RULE_KEYS (sizeof(rule_keys) / sizeof(rule_keys[0]))

static int rule_key(const char *key)
{
    for (size_t i = 0; i < N_RULE_KEYS; i++)
        if (!strcmp(rule_keys[i].key, key))
            return 1;
    return 0;
}

static void missing_key(struct rload *c, const struct rule_key *k)
{
    const char *id = c->r->meta.id;

    if (k->load == load_id)         /* nothing to name the rule by */
        yerr(c->d, c->rn, LA_D_RULE_MISSING_KEY, "rule %s", k->missing);
    else
        yerr(c->d, c->rn, LA_D_RULE_MISSING_KEY, "rule '%s' %s", id ? id : "?", k->missing);
}

/* One rule: kept when it loaded without error, else dropped with its patterns.  -1 on OOM. */
static int load_rule(struct la_ruleset *rs, struct ydoc *d, yaml_node_t *rn)
{
    struct rload c = { rs, d, NULL, rn };
    struct la_rule_meta *m;
    unsigned before = d->errors;
    size_t pats_before = rs->npats;

    if (!yis_map(rn)) {
        yerr(d, rn, LA_D_RULE_WRONG_TYPE, "a rule must be a mapping");
        return 0;
    }
    if (rs->nrules >= rs->lim.max_rules) {
        yerr(d, rn, LA_D_RULE_LIMIT, "more than %u rules", rs->lim.max_rules);
        return 0;
    }
    c.r = la_ruleset_new_rule(rs);
    if (!c.r)
        return -1;
    m = &c.r->meta;
    m->file = d->file;
    m->line = (unsigned)rn->start_mark.line + 1;
    m->weight = 1.0;
    m->level = LA_LEVEL_MEDIUM;
    m->outcome = -1;
    m->after_rule = m->unless_rule = -1;
    ycheck_keys_by(d, rn, rule_key);
    for (const struct rule_key *k = rule_keys; k < rule_keys + N_RULE_KEYS; k++) {
        yaml_node_t *n = yget(d, rn, k->key);
        if (!n && (k->flags & KEY_REQUIRED))
            missing_key(&c, k);
        if ((n || (k->flags & KEY_ABSENT)) && k->load(&c, n) < 0)
            return -1;
    }
    if (d->errors != before) {
        /* Drop the broken rule and its patterns, keep checking the rest. */
        la_ruleset_drop_rule(rs, pats_before);
        return 0;
    }
    rs->nrules++;
    return 0;
}

/* A rule file or pack's text; its YAML nodes in store's array (NULL: an array of its own). */
static enum la_rc add_buffer(struct la_ruleset *rs, const char *name, const char *data,
                             size_t len, struct ystore *store, struct la_diag_sink *sink)
{
    struct ydoc d;
    yaml_node_t *root, *list;
    const char *fname = pool_strdup(&rs->pool, name);
    enum la_rc rc;

    if (!fname)
        return LA_FATAL;
    if (rs->compiled)
        return LA_FATAL;
    sha256_update(&rs->sha, len, (const uint8_t *)data);
    /*
     * The packs of a vocabulary folder (store) go through the parsed-YAML cache, keyed by
     * the ruleset's hash so far (which ends with this text) and the text's length.
     */
    if (store) {
        struct sha256_ctx so_far = rs->sha;
        uint8_t h[SHA256_DIGEST_SIZE];
        sha256_digest(&so_far, sizeof(h), h);
        rc = ydoc_load_cached(&d, fname, data, len, h, rs->lim.max_rule_file, &rs->pool, store,
                              sink);
    } else {
        rc = ydoc_load(&d, fname, data, len, rs->lim.max_rule_file, &rs->pool, NULL, sink);
    }
    if (rc != LA_OK) {
        rs->errors++;
        return rc;
    }
    root = ydoc_root(&d);
    if (!root) {
        yerr(&d, NULL, LA_D_RULE_MISSING_KEY, "empty rule file (expected 'rules:')");
    } else if (!yis_map(root)) {
        yerr(&d, root, LA_D_RULE_WRONG_TYPE, "a rule file must be a mapping with 'rules:'");
    } else if (la_vocab_is_pack(&d, root)) {
        if (la_vocab_load(rs, &d, root) < 0) {
            ydoc_release(&d);
            return LA_FATAL;
        }
    } else {
        static const char *const top[] = { "rules", NULL };
        ycheck_keys(&d, root, top);
        list = yget(&d, root, "rules");
        if (!list)
            yerr(&d, root, LA_D_RULE_MISSING_KEY, "missing 'rules:'");
        else if (!yis_seq(list))
            yerr(&d, list, LA_D_RULE_WRONG_TYPE, "'rules' must be a list");
        else
            for (yaml_node_item_t *it = list->data.sequence.items.start;
                 it < list->data.sequence.items.top; it++)
                if (load_rule(rs, &d, ynode(&d, *it)) < 0) {
                    ydoc_release(&d);
                    return LA_FATAL;
                }
    }
    rs->errors += d.errors;
    rc = d.errors ? LA_FAILED : LA_OK;
    ydoc_release(&d);
    if (rs->pool.oom)
        return LA_FATAL;
    return rc;
}

enum la_rc la_ruleset_add_buffer(struct la_ruleset *rs, const char *name, const char *data,
                                 size_t len, struct la_diag_sink *sink)
{
    return add_buffer(rs, name, data, len, NULL, sink);
}

static enum la_rc add_file(struct la_ruleset *rs, const char *path, struct ystore *store,
                           struct la_diag_sink *sink)
{
    struct la_buf b = LA_BUF_INIT;
    enum la_rc rc = read_small_file(path, rs->lim.max_rule_file, &b, sink);

    if (rc == LA_OK)
        rc = add_buffer(rs, path, b.buf, b.len, store, sink);
    else
        rs->errors++;
    la_buf_release(&b);
    return rc;
}

enum la_rc la_ruleset_add_file(struct la_ruleset *rs, const char *path,
                               struct la_diag_sink *sink)
{
    return add_file(rs, path, NULL, sink);
}

/* A pack's file name: *.yaml, not hidden. */
static int pack_name(const char *name, void *user)
{
    size_t l = strlen(name);

    (void)user;
    return l > 5 && !strcmp(name + l - 5, ".yaml") && name[0] != '.';
}

/*
 * Room for the rules and patterns of every pack at once, from the packs' sizes: an entry
 * takes at least PACK_ENTRY_BYTES of YAML (274 at the least in today's packs), and one
 * reservation spares the doublings' copies of thousands of rules.  The room a pack does
 * not use is never touched (la_grow()).  An estimate only: a denser pack grows the arrays
 * as before.
 */
#define PACK_ENTRY_BYTES 256u

static enum la_rc reserve(struct la_ruleset *rs, const struct la_buf *dir,
                          const struct la_dir_list *l, struct la_buf *path)
{
    uint64_t bytes = 0;
    struct stat st;
    size_t more;

    for (size_t i = 0; i < l->n; i++) {
        la_buf_reset(path);
        if (la_buf_addf(path, "%s/%s", dir->buf, l->names[i]) != LA_OK)
            return LA_FATAL;
        if (stat(path->buf, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
            bytes += (uint64_t)st.st_size < rs->lim.max_rule_file ? (uint64_t)st.st_size
                                                                  : rs->lim.max_rule_file;
    }
    more = (size_t)(bytes / PACK_ENTRY_BYTES);
    if (LA_GROW(rs->rules, rs->caprules, rs->nrules + more + 1) != LA_OK ||
        LA_GROW(rs->pats, rs->cappats, rs->npats + more + 1) != LA_OK)
        return LA_FATAL;
    return LA_OK;
}

enum la_rc la_ruleset_add_vocab_dir(struct la_ruleset *rs, const char *data_dir,
                                    struct la_diag_sink *sink)
{
    struct la_buf dir = LA_BUF_INIT, path = LA_BUF_INIT;
    struct la_dir_list l = { NULL, 0 };
    struct ystore store = { NULL, 0 };
    enum la_rc rc;

    if (la_buf_addf(&dir, "%s/vocab", data_dir) != LA_OK)
        return LA_FATAL;
    rc = la_dir_list(dir.buf, pack_name, NULL, 0, &l, NULL);
    if (rc == LA_FAILED && errno == ENOENT) {
        rc = LA_OK;
    } else if (rc == LA_FAILED) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_OPEN_FAILED, dir.buf, 0, 0, "cannot open: %s",
                 strerror(errno));
        rs->errors++;
    }
    if (rc == LA_OK && reserve(rs, &dir, &l, &path) != LA_OK)
        rc = LA_FATAL;
    for (size_t i = 0; i < l.n && rc != LA_FATAL; i++) {
        la_buf_reset(&path);
        if (la_buf_addf(&path, "%s/%s", dir.buf, l.names[i]) != LA_OK)
            rc = LA_FATAL;
        else
            rc = la_rc_worst(rc, add_file(rs, path.buf, &store, sink));
    }
    ystore_release(&store);
    la_dir_list_release(&l);
    la_buf_release(&dir);
    la_buf_release(&path);
    return rc;
}
