/*
 * Vocabulary packs: a producer's error vocabulary (rules/vocab/<producer>.yaml, written by
 * scripts/vocab/generate.py, fields in rules/vocab/README.md) → one compiled rule per entry.
 *
 * Schema:
 *
 *   pack     := { producer, repository, commit, [pinned], messages: [message, ...],
 *                 [ignored: [ignored, ...]], [unclassified: [...]] }
 *   message  := { id, at, [function], level, format, [exception], [symbol], side, cause,
 *                 weight, [code], [codes], [printed_code], reason, [variants: [variant, ...]] }
 *   printed_code := { conversion: N (from 1), space: a numbering space of kb.c }
 *   ignored  := { id, at, [function], level, format, [exception], [symbol], ignore, reason }
 *   variant  := { match, side, cause, weight, reason }
 *
 * What an entry becomes:
 *   message  → kind evidence: id, title "<producer>: <format, conversions as …>",
 *              description "<reason> (<at> at <commit, 7 digits>)", cause, weight, level
 *              medium at weight ≥ 1.5 else low, and meta.vocab_producer/_side/_at; meta.hint
 *              when the producer prints it below warning level (notice, info, verbose,
 *              debug) and it weighs < 1: a hint, which never says the run failed on its
 *              line ("... (WARNING, THIS MAY FAIL)" at info level); one at debug level, a
 *              developer's trace rather than a verdict, is also meta.weak: an
 *              error-looking line only it explains may still be a failure line.  Its one
 *              selection tests the message field with the format's pattern (printf.c): a
 *              case-sensitive literal or a regex, with the format's longest literal as the
 *              prefilter atom.  A message with variants becomes one rule more per variant,
 *              id "<id>.v<k>": variant k fires when the format matches and the whole line
 *              matches its 'match' but no earlier variant's, with the variant's cause, weight
 *              and side; the entry's own rule fires when no variant matches.  With a
 *              printed_code, that conversion of the format is the named capture
 *              code_<space> (printf.c), which analyze files as a code of that space.
 *   ignored  → kind fact (kind result, outcome failed, for an entry ignored as "outcome":
 *              the line says the run failed), benign = 1, no cause, weight 0, level info: the line is known and
 *              not a failure; meta.weak for a "fragment" or "debug" entry, which says too
 *              little of its line to make an error-looking one no failure.
 *   A format without literal text ("%s", "ERROR: %s") cannot be told from any other line:
 *   the entry is skipped, and one note (LA221, shown by `rules lint`) per pack counts them
 *   with the 'unclassified:' entries, which are never loaded.
 *
 * Data flow: load.c hands over the document root when la_vocab_is_pack(); the header keys
 * are read first (the producer and commit go into every title and description), then each
 * entry: its keys are checked against entry_keys[] (the one list of the keys an entry may
 * have, for messages and for ignored entries), each present key's loader checks its value
 * in table order, and an entry with no error is built (build()).  `rules test` asks
 * la_vocab_lines() for the sample line of a rule made here.
 *
 * Invariants: as for rule files, every error is reported in one run and an entry with any
 * error adds no rule; diagnostics use the rule files' codes and wording; loaders return -1
 * only when out of memory; what the rules keep is pooled in the ruleset.  Vocabulary
 * patterns are not JIT-compiled (nojit): there are thousands, each tried only on the rare
 * line that holds its atom, and JIT would cost more at start-up than it saves; for the same
 * reason a format's regex is compiled at its first use (compile.c, la_compile_made()), and
 * a variant's rule copies the variant regexes its entry's rule compiled.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "core/alloc.h"
#include "rules/kb.h"
#include "rules/rules-internal.h"

/* The words of the README's 'side', 'level' and 'ignore' fields. */
static const char *const sides[] = { "host-tool", "host-environment", "network-signing",
                                     "link", "device", "image", NULL };
static const char *const pack_levels[] = { "error", "warning", "fatal", "notice", "info",
                                           "verbose", "debug", "exception", "print", "stderr",
                                           "error-string", "status", NULL };
static const char *const ignore_kinds[] = { "prompt", "usage", "trace", "fragment", "outcome",
                                            "non-fatal", "no-text", "debug", NULL };

#define SHORT_COMMIT 7
#define LA_CODE_NAME_MAX 24            /* "code_" and a numbering space's id */
#define MAX_CONVERSION 64              /* printed_code's conversion: a format's line has fewer */
#define MAX_CAUSES 32                  /* distinct cause strings pooled once per pack */
#define MAX_VARIANTS 32                /* a rule's selections are one uint64_t of bits */
/*
 * The prefilter atom is the first MAX_ATOM bytes of the longest literal: as selective in
 * practice (a log line holding them is rare), and it keeps the automaton of the thousands
 * of vocabulary atoms small (match.c: states × byte classes; whole literals would make it
 * 8.8 MB and slow every start-up).  Any part of a required literal is required.
 */
#define MAX_ATOM 16

/* The pack being loaded. */
struct vpack {
    struct la_ruleset *rs;
    struct ydoc *d;
    const char *producer;              /* pooled; "?" until read */
    int named;                         /* producer read */
    char commit[SHORT_COMMIT + 1];
    const char *causes[MAX_CAUSES];    /* pooled cause ids, shared by the pack's rules */
    size_t ncauses;
    size_t skipped;
    int limit_told;
    struct la_buf scratch;             /* titles and descriptions being built */
    struct la_printf_pat fp;           /* the pattern of the entry being built */
};

/* One entry's values, as its key loaders read them. */
struct ventry {
    yaml_node_t *node, *format_node, *variants;
    int ignored;
    int says_failed;                   /* ignored as "outcome": it says the run failed */
    int says_little;                   /* ignored as "fragment" or "debug" */
    int informational;                 /* level notice, info, verbose or debug */
    int debug;                         /* level debug: a developer's trace, not a verdict */
    const char *id, *at, *format;      /* pooled */
    const char *exception, *reason;    /* in the document */
    const char *side, *cause;          /* static, pooled */
    double weight;
    unsigned code_conv;                /* printed_code: its conversion (from 1), 0 none */
    char code_name[LA_CODE_NAME_MAX];  /* printed_code: "code_<space>" */
};

/* ------------------------------------------------------------ values */

/* A scalar's text in the document (valid while it is loaded); NULL with an error if not. */
static const char *sval(struct ydoc *d, yaml_node_t *n, const char *what)
{
    if (!yis_scalar(n)) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'%s' must be a string", what);
        return NULL;
    }
    return (const char *)n->data.scalar.value;
}

static const char *side_of(struct vpack *p, yaml_node_t *n)
{
    int i = yone_of(p->d, n, "side", sides);

    return i >= 0 ? sides[i] : NULL;
}

/* A cause id of causes.yaml, pooled once per pack. */
static const char *cause_of(struct vpack *p, yaml_node_t *n)
{
    const char *s = sval(p->d, n, "cause");

    if (!s)
        return NULL;
    /* The pack's causes so far were checked when first seen: most entries name one of them. */
    for (size_t i = 0; i < p->ncauses; i++)
        if (!strcmp(p->causes[i], s))
            return p->causes[i];
    if (p->rs->causes && !in_list(p->rs->causes, s)) {
        yerr(p->d, n, LA_D_RULE_UNKNOWN_CAUSE, "unknown cause '%s'", s);
        return NULL;
    }
    const char *c = pool_strdup(&p->rs->pool, s);
    if (c && p->ncauses < MAX_CAUSES)
        p->causes[p->ncauses++] = c;
    return c;
}

static int weight_of(struct vpack *p, yaml_node_t *n, double *ret)
{
    if (!ynum(p->d, n, "weight", ret))
        return 0;
    if (*ret < 0 || *ret > 10) {
        yerr(p->d, n, LA_D_RULE_BAD_VALUE, "weight must be between 0 and 10");
        return 0;
    }
    return 1;
}

/* ------------------------------------------------------- entry keys */

typedef int entry_loader(struct vpack *p, struct ventry *e, yaml_node_t *n, const char *key);

static int load_id(struct vpack *p, struct ventry *e, yaml_node_t *n, const char *key)
{
    size_t pl = strlen(p->producer);

    if (!(e->id = ystr(p->d, n, key)))
        return 0;
    if (!yvalid_id(e->id))
        yerr(p->d, n, LA_D_RULE_BAD_VALUE, "rule id '%s' must match [a-z0-9][a-z0-9._-]*",
             e->id);
    else if (p->named && (strncmp(e->id, p->producer, pl) || e->id[pl] != '.'))
        yerr(p->d, n, LA_D_RULE_BAD_VALUE, "id '%s' must start with '%s.'", e->id, p->producer);
    return 0;
}

/* "file:line". */
static int load_at(struct vpack *p, struct ventry *e, yaml_node_t *n, const char *key)
{
    const char *colon;
    size_t digits;

    if (!(e->at = ystr(p->d, n, key)))
        return 0;
    colon = strrchr(e->at, ':');
    digits = colon ? strspn(colon + 1, "0123456789") : 0;
    if (!colon || colon == e->at || !digits || colon[1 + digits])
        yerr(p->d, n, LA_D_RULE_BAD_VALUE, "'at' must be FILE:LINE, not '%s'", e->at);
    return 0;
}

/* A string kept nowhere (function, symbol): only its type is checked. */
static int load_text(struct vpack *p, struct ventry *e, yaml_node_t *n, const char *key)
{
    (void)e;
    (void)sval(p->d, n, key);
    return 0;
}

static int load_level(struct vpack *p, struct ventry *e, yaml_node_t *n, const char *key)
{
    static const char *const below_warning[] = { "notice", "info", "verbose", "debug", NULL };
    int k = yone_of(p->d, n, key, pack_levels);

    /* The producer itself prints it below warning level. */
    e->informational = 0;
    for (const char *const *b = below_warning; k >= 0 && *b; b++)
        e->informational |= !strcmp(pack_levels[k], *b);
    e->debug = k >= 0 && !strcmp(pack_levels[k], "debug");
    return 0;
}

static int load_format(struct vpack *p, struct ventry *e, yaml_node_t *n, const char *key)
{
    e->format_node = n;
    if ((e->format = ystr(p->d, n, key)) && !*e->format)
        yerr(p->d, n, LA_D_RULE_BAD_VALUE, "'format' is empty");
    return 0;
}

static int load_exception(struct vpack *p, struct ventry *e, yaml_node_t *n, const char *key)
{
    e->exception = sval(p->d, n, key);
    return 0;
}

static int load_side(struct vpack *p, struct ventry *e, yaml_node_t *n, const char *key)
{
    (void)key;
    e->side = side_of(p, n);
    return 0;
}

static int load_cause(struct vpack *p, struct ventry *e, yaml_node_t *n, const char *key)
{
    (void)key;
    e->cause = cause_of(p, n);
    return 0;
}

static int load_weight(struct vpack *p, struct ventry *e, yaml_node_t *n, const char *key)
{
    (void)key;
    (void)weight_of(p, n, &e->weight);
    return 0;
}

static int load_code(struct vpack *p, struct ventry *e, yaml_node_t *n, const char *key)
{
    long v;

    (void)e;
    (void)ylong(p->d, n, key, &v);
    return 0;
}

static int load_codes(struct vpack *p, struct ventry *e, yaml_node_t *n, const char *key)
{
    long v;

    (void)e;
    if (!yis_seq(n)) {
        yerr(p->d, n, LA_D_RULE_WRONG_TYPE, "'%s' must be a list of integers", key);
        return 0;
    }
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++)
        (void)ylong(p->d, ynode(p->d, *it), "codes", &v);
    return 0;
}

/* printed_code: {conversion: N, space: S}: conversion N prints a code of numbering space S. */
static int load_printed_code(struct vpack *p, struct ventry *e, yaml_node_t *n, const char *key)
{
    static const char *const keys[] = { "conversion", "space", NULL };
    yaml_node_t *cn, *sn;
    const char *space;
    long conv;

    if (!yis_map(n)) {
        yerr(p->d, n, LA_D_RULE_WRONG_TYPE, "'%s' must be a mapping", key);
        return 0;
    }
    ycheck_keys(p->d, n, keys);
    if (!(cn = yget(p->d, n, "conversion")) || !(sn = yget(p->d, n, "space"))) {
        yerr(p->d, n, LA_D_RULE_MISSING_KEY, "'%s' needs 'conversion' and 'space'", key);
        return 0;
    }
    if (!ylong(p->d, cn, "conversion", &conv) || !(space = sval(p->d, sn, "space")))
        return 0;
    if (conv < 1 || conv > MAX_CONVERSION) {
        yerr(p->d, cn, LA_D_RULE_BAD_VALUE, "conversion must be between 1 and %d",
             MAX_CONVERSION);
        return 0;
    }
    if (la_space_find(space, strlen(space)) < 0) {
        yerr(p->d, sn, LA_D_RULE_BAD_VALUE, "unknown numbering space '%s'", space);
        return 0;
    }
    e->code_conv = (unsigned)conv;
    snprintf(e->code_name, sizeof(e->code_name), "code_%s", space);
    return 0;
}

static int load_reason(struct vpack *p, struct ventry *e, yaml_node_t *n, const char *key)
{
    e->reason = sval(p->d, n, key);
    return 0;
}

static int load_ignore(struct vpack *p, struct ventry *e, yaml_node_t *n, const char *key)
{
    int k = yone_of(p->d, n, key, ignore_kinds);

    e->says_failed = k >= 0 && !strcmp(ignore_kinds[k], "outcome");
    e->says_little = k >= 0 && (!strcmp(ignore_kinds[k], "fragment") ||
                                !strcmp(ignore_kinds[k], "debug"));
    return 0;
}

/* Each variant's keys and values; its 'match' regex is compiled by build(). */
static int load_variants(struct vpack *p, struct ventry *e, yaml_node_t *n, const char *key)
{
    static const char *const keys[] = { "match", "side", "cause", "weight", "reason", NULL };
    struct ydoc *d = p->d;

    if (!yis_seq(n) || n->data.sequence.items.top == n->data.sequence.items.start) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'%s' must be a list of mappings", key);
        return 0;
    }
    if (n->data.sequence.items.top - n->data.sequence.items.start > MAX_VARIANTS) {
        yerr(d, n, LA_D_RULE_LIMIT, "more than %d variants in one entry", MAX_VARIANTS);
        return 0;
    }
    e->variants = n;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *v = ynode(d, *it);
        double w;
        if (!yis_map(v)) {
            yerr(d, v, LA_D_RULE_WRONG_TYPE, "a variant must be a mapping");
            continue;
        }
        ycheck_keys(d, v, keys);
        for (const char *const *k = keys; *k; k++) {
            yaml_node_t *vn = yget(d, v, *k);
            if (!vn)
                yerr(d, v, LA_D_RULE_MISSING_KEY, "variant has no '%s'", *k);
            else if (!strcmp(*k, "match") || !strcmp(*k, "reason"))
                (void)sval(d, vn, *k);
            else if (!strcmp(*k, "side"))
                (void)side_of(p, vn);
            else if (!strcmp(*k, "cause"))
                (void)cause_of(p, vn);
            else
                (void)weight_of(p, vn, &w);
        }
    }
    return 0;
}

enum { IN_MSG = 1, IN_IGN = 2, REQ_MSG = 4, REQ_IGN = 8 };
#define IN_BOTH (IN_MSG | IN_IGN | REQ_MSG | REQ_IGN)

/*
 * The keys of an entry, in the order they are read (and their diagnostics given): the one
 * list of the keys a message (IN_MSG) or an ignored entry (IN_IGN) may have.
 */
static const struct entry_key {
    const char *key;
    unsigned flags;
    entry_loader *load;
} entry_keys[] = {
    { "id", IN_BOTH, load_id },
    { "at", IN_BOTH, load_at },
    { "function", IN_MSG | IN_IGN, load_text },
    { "level", IN_BOTH, load_level },
    { "format", IN_BOTH, load_format },
    { "exception", IN_MSG | IN_IGN, load_exception },
    { "symbol", IN_MSG | IN_IGN, load_text },
    { "side", IN_MSG | REQ_MSG, load_side },
    { "cause", IN_MSG | REQ_MSG, load_cause },
    { "weight", IN_MSG | REQ_MSG, load_weight },
    { "code", IN_MSG, load_code },
    { "codes", IN_MSG, load_codes },
    { "printed_code", IN_MSG, load_printed_code },
    { "reason", IN_BOTH, load_reason },
    { "ignore", IN_IGN | REQ_IGN, load_ignore },
    { "variants", IN_MSG, load_variants },
};

#define N_ENTRY_KEYS (sizeof(entry_keys) / sizeof(entry_keys[0]))

/* ------------------------------------------------------------- build */

/* A pooled copy of b's text; NULL when out of memory. */
static const char *pool_buf(struct la_ruleset *rs, const struct la_buf *b)
{
    return pool_memdup(&rs->pool, b->buf, b->len);
}

/* Title and description of an entry's rules (pooled), and what they share. */
static int describe(struct vpack *p, const struct ventry *e, const char *reason,
                    struct la_rule_meta *m)
{
    struct la_buf *b = &p->scratch;

    la_buf_reset(b);
    if (la_buf_adds(b, p->producer) != LA_OK || la_buf_adds(b, ": ") != LA_OK ||
        la_printf_title(e->format, b) < 0 || !(m->title = pool_buf(p->rs, b)))
        return -1;
    la_buf_reset(b);
    if (la_buf_adds(b, reason ? reason : "") != LA_OK || la_buf_adds(b, " (") != LA_OK ||
        la_buf_adds(b, e->at) != LA_OK || la_buf_adds(b, " at ") != LA_OK ||
        la_buf_adds(b, p->commit) != LA_OK || la_buf_addc(b, ')') != LA_OK ||
        !(m->description = pool_buf(p->rs, b)))
        return -1;
    m->id = e->id;
    m->file = p->d->file;
    m->line = (unsigned)e->node->start_mark.line + 1;
    m->outcome = -1;
    m->after_rule = m->unless_rule = -1;
    m->vocab_producer = p->producer;
    m->vocab_at = e->at;
    m->vocab_meaning_len = reason ? strlen(reason) : 0;
    return 0;
}

/* Variant k's id: "<entry id>.v<k>" (pooled). */
static const char *variant_id(struct vpack *p, const char *id, unsigned k)
{
    la_buf_reset(&p->scratch);
    if (la_buf_addf(&p->scratch, "%s.v%u", id, k) != LA_OK)
        return NULL;
    return pool_buf(p->rs, &p->scratch);
}

/* The condition of rule k of an entry with nvar variants (selection 0 the format). */
static int condition(struct rule *r, unsigned k, unsigned nvar)
{
    uint64_t before = k ? ((1ull << k) - 1) & ~1ull : ((1ull << (nvar + 1)) - 1) & ~1ull;
    int root = la_cond_node(r, C_SEL, 0, -1, 0), x;

    if (root >= 0 && k) {
        x = la_cond_node(r, C_SEL, (int)k, -1, 0);
        root = x < 0 ? -1 : la_cond_node(r, C_AND, root, x, 0);
    }
    if (root >= 0 && before) {
        x = la_cond_node(r, C_ANY, -1, -1, before);
        x = x < 0 ? -1 : la_cond_node(r, C_NOT, x, -1, 0);
        root = x < 0 ? -1 : la_cond_node(r, C_AND, root, x, 0);
    }
    r->root = root;
    return root < 0 ? -1 : 0;
}

/*
 * Rule k of an entry (0: the entry itself, k ≥ 1: its variant k of nvar): 0 added, 1
 * dropped after an error (a variant's regex), -1 out of memory.  The entry's rule holds
 * every variant's regex, so a bad one is reported once, there; its patterns start at index
 * first of rs->pats (selection j's is first + j), and variant k's rule copies the compiled
 * regexes of variants 1..k from there instead of compiling them again.
 */
static int add_rule(struct vpack *p, const struct ventry *e, const struct la_printf_pat *fp,
                    unsigned k, unsigned nvar, size_t first)
{
    struct la_ruleset *rs = p->rs;
    struct ydoc *d = p->d;
    unsigned before = d->errors, nsel = k ? k + 1 : nvar + 1;
    size_t pats_before = rs->npats;
    yaml_node_t *vn = k ? ynode(d, e->variants->data.sequence.items.start[k - 1]) : NULL;
    struct rule *r;

    if (rs->nrules >= rs->lim.max_rules) {
        if (!p->limit_told)
            yerr(d, e->node, LA_D_RULE_LIMIT, "more than %u rules", rs->lim.max_rules);
        p->limit_told = 1;
        return 1;
    }
    if (!(r = la_ruleset_new_rule(rs)))
        return -1;
    struct la_rule_meta *m = &r->meta;
    if (describe(p, e, vn ? sval(d, yget(d, vn, "reason"), "reason") : e->reason, m) < 0)
        return -1;
    if (e->ignored && e->says_failed) {
        /* "Unable to restore device", "Done: restoring failed!": the run failed, no cause. */
        m->kind = LA_KIND_RESULT;
        m->outcome = 1;
        m->level = LA_LEVEL_INFO;
        m->benign = 1;
    } else if (e->ignored) {
        m->kind = LA_KIND_FACT;
        m->level = LA_LEVEL_INFO;
        m->benign = 1;
        m->weak = e->says_little;
    } else {
        m->kind = LA_KIND_EVIDENCE;
        m->cause = vn ? cause_of(p, yget(d, vn, "cause")) : e->cause;
        m->vocab_side = vn ? side_of(p, yget(d, vn, "side")) : e->side;
        m->weight = e->weight;
        if (vn)
            (void)weight_of(p, yget(d, vn, "weight"), &m->weight);
        m->level = m->weight >= 1.5 ? LA_LEVEL_MEDIUM : LA_LEVEL_LOW;
        m->hint = e->informational && m->weight < 1.0;
        m->weak = m->hint && e->debug;
    }
    if (k && !(m->id = variant_id(p, e->id, k)))
        return -1;
    r->vfmt = k ? NULL : e->format;
    /* In the pool: a selection per pattern, and at most 6 condition nodes (condition()). */
    r->pooled = 1;
    r->sels = pool_calloc(&rs->pool, nsel, sizeof(*r->sels));
    r->cond = pool_calloc(&rs->pool, 6, sizeof(*r->cond));
    r->capcond = 6;
    if (!r->sels || !r->cond)
        return -1;
    r->nsel = nsel;
    struct pat proto = { .op = fp->literal ? OP_CONTAINS : OP_RE, .field = FIELD_MESSAGE,
                         .cased = 1, .rule = (unsigned)rs->nrules, .nojit = 1,
                         .has_names = !fp->literal && e->code_conv,
                         .line = (unsigned)e->format_node->start_mark.line + 1,
                         .col = (unsigned)e->format_node->start_mark.column + 1 };
    r->sels[0] = (struct sel){ "format", 1 };
    if (la_compile_made(rs, d, &proto, fp->src.buf, fp->src.len, fp->atom.buf,
                        fp->atom.len < MAX_ATOM ? fp->atom.len : MAX_ATOM) < 0)
        return -1;
    for (unsigned j = 1; j < nsel; j++) {
        yaml_node_t *v = ynode(d, e->variants->data.sequence.items.start[j - 1]);
        struct pat vp = { .op = OP_RE, .field = FIELD_TEXT, .rule = proto.rule, .sel = j,
                          .nojit = 1, .late = 1 };
        r->sels[j] = (struct sel){ "variant", 1 };
        if (k ? la_compile_copy(rs, &vp, first + j) < 0
              : la_compile_pattern(rs, d, &vp, yget(d, v, "match")) < 0)
            return -1;
    }
    if (condition(r, k, nvar) < 0 || rs->pool.oom)
        return -1;
    if (d->errors != before) {
        la_ruleset_drop_rule(rs, pats_before);
        return 1;
    }
    rs->nrules++;
    return 0;
}

/* The rules of an entry that loaded without error.  0, or -1 when out of memory. */
static int build(struct vpack *p, const struct ventry *e)
{
    unsigned nvar = e->variants ? (unsigned)(e->variants->data.sequence.items.top -
                                             e->variants->data.sequence.items.start) : 0;
    size_t first = p->rs->npats;
    int rc;

    p->fp.code_conv = e->code_conv;
    p->fp.code_name = e->code_conv ? e->code_name : NULL;
    rc = la_printf_pattern(e->format, e->exception, &p->fp);

    if (rc > 0) {
        p->skipped++;
        return 0;
    }
    for (unsigned k = 0; k <= nvar && rc == 0; k++)
        rc = add_rule(p, e, &p->fp, k, nvar, first);
    return rc < 0 ? -1 : 0;
}

/*
 * Index of key in entry_keys[] among the keys of an entry of this kind (in), or -1.  The
 * search starts at *from, the row after the previous key's (entries list their keys in the
 * table's order), and goes round.
 */
static int entry_key(const char *key, unsigned in, size_t *from)
{
    for (size_t k = 0; k < N_ENTRY_KEYS; k++) {
        size_t i = (*from + k) % N_ENTRY_KEYS;
        if ((entry_keys[i].flags & in) && !strcmp(entry_keys[i].key, key)) {
            *from = i + 1;
            return (int)i;
        }
    }
    return -1;
}

/* Whether a pair before q of map has the key k (a scalar); *rep is made on first use. */
static int given_before(struct ydoc *d, yaml_node_t *map, yaml_node_pair_t *q, const char *k,
                        unsigned char **rep)
{
    if (map->data.mapping.pairs.top - map->data.mapping.pairs.start > 16) {
        if (!*rep && !(*rep = yrepeated_keys(d, map))) {
            d->pool->oom = 1;
            return 0;
        }
        return (*rep)[q - map->data.mapping.pairs.start];
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < q; p++) {
        yaml_node_t *kn = ynode(d, p->key);
        if (yis_scalar(kn) && !strcmp((const char *)kn->data.scalar.value, k))
            return 1;
    }
    return 0;
}

/*
 * The values of an entry's keys, by entry_keys[] index, in one pass (thousands of entries:
 * ycheck_keys() and a yget() per key would cost more than the rest of the loading);
 * unknown and repeated keys get ycheck_keys()'s diagnostics, in the same order.
 */
static void entry_values(struct ydoc *d, yaml_node_t *n, unsigned in, yaml_node_t **val)
{
    unsigned char *rep = NULL;
    size_t from = 0;

    for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < n->data.mapping.pairs.top;
         q++) {
        yaml_node_t *kn = ynode(d, q->key);
        const char *k;
        int i;
        if (!yis_scalar(kn)) {
            yerr(d, kn, LA_D_RULE_WRONG_TYPE, "a key must be a plain string");
            continue;
        }
        k = (const char *)kn->data.scalar.value;
        i = entry_key(k, in, &from);
        if (i >= 0 && !val[i]) {
            val[i] = ynode(d, q->value);
            continue;
        }
        if (i < 0)
            yerr(d, kn, LA_D_RULE_UNKNOWN_KEY, "unknown key '%s'", k);
        if (i >= 0 || given_before(d, n, q, k, &rep))
            yerr(d, kn, LA_D_RULE_DUPLICATE_KEY, "key '%s' given twice", k);
    }
    la_free(rep);
}

/* One entry of 'messages' or (ignored) of 'ignored'.  -1 when out of memory. */
static int load_entry(struct vpack *p, yaml_node_t *n, int ignored)
{
    struct ventry e = { .node = n, .ignored = ignored };
    struct ydoc *d = p->d;
    unsigned before = d->errors, in = ignored ? IN_IGN : IN_MSG, req = ignored ? REQ_IGN : REQ_MSG;
    yaml_node_t *val[N_ENTRY_KEYS] = { NULL };

    if (!yis_map(n)) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "an entry must be a mapping");
        return 0;
    }
    entry_values(d, n, in, val);
    for (size_t i = 0; i < N_ENTRY_KEYS; i++) {
        const struct entry_key *k = &entry_keys[i];
        if (val[i] && k->load(p, &e, val[i], k->key) < 0)
            return -1;
        if (!val[i] && (k->flags & req) && i == 0)
            yerr(d, n, LA_D_RULE_MISSING_KEY, "entry has no 'id'");
        else if (!val[i] && (k->flags & req))
            yerr(d, n, LA_D_RULE_MISSING_KEY, "entry '%s' has no '%s'", e.id ? e.id : "?",
                 k->key);
    }
    if (p->rs->pool.oom)
        return -1;
    return d->errors == before ? build(p, &e) : 0;
}

/* ---------------------------------------------------------- the pack */

int la_vocab_is_pack(struct ydoc *d, yaml_node_t *root)
{
    return !yget(d, root, "rules") && (yget(d, root, "producer") || yget(d, root, "messages"));
}

/* producer, repository, commit, pinned: the header every entry's rule refers to. */
static void load_header(struct vpack *p, yaml_node_t *root)
{
    struct ydoc *d = p->d;
    yaml_node_t *n;
    const char *s;
    int pinned;

    if (!(n = yget(d, root, "producer"))) {
        yerr(d, root, LA_D_RULE_MISSING_KEY, "missing 'producer:'");
    } else if ((s = ystr(d, n, "producer"))) {
        if (!yvalid_id(s))
            yerr(d, n, LA_D_RULE_BAD_VALUE, "producer '%s' must match [a-z0-9][a-z0-9._-]*", s);
        p->producer = s;
        p->named = 1;
    }
    if (!(n = yget(d, root, "repository")))
        yerr(d, root, LA_D_RULE_MISSING_KEY, "missing 'repository:'");
    else
        (void)sval(d, n, "repository");
    if (!(n = yget(d, root, "commit"))) {
        yerr(d, root, LA_D_RULE_MISSING_KEY, "missing 'commit:'");
    } else if ((s = sval(d, n, "commit"))) {
        size_t l = strlen(s);
        if (l < SHORT_COMMIT || l > 40 || strspn(s, "0123456789abcdef") != l)
            yerr(d, n, LA_D_RULE_BAD_VALUE, "commit '%s' must be a hex commit id", s);
        else
            memcpy(p->commit, s, SHORT_COMMIT);
    }
    if ((n = yget(d, root, "pinned")))
        (void)ybool(d, n, "pinned", &pinned);
}

/* A section's entries (a list), or NULL with an error when it is not a list. */
static yaml_node_t *section(struct ydoc *d, yaml_node_t *root, const char *key, int required)
{
    yaml_node_t *n = yget(d, root, key);

    if (!n && required)
        yerr(d, root, LA_D_RULE_MISSING_KEY, "missing '%s:'", key);
    if (n && !yis_seq(n)) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'%s' must be a list", key);
        return NULL;
    }
    return n;
}

int la_vocab_load(struct la_ruleset *rs, struct ydoc *d, yaml_node_t *root)
{
    static const char *const top[] = { "producer", "repository", "commit", "pinned",
                                       "messages", "ignored", "unclassified", NULL };
    struct vpack p = { .rs = rs, .d = d, .producer = "?", .commit = "?",
                       .scratch = LA_BUF_INIT, .fp = { .src = LA_BUF_INIT, .atom = LA_BUF_INIT } };
    size_t unclassified = 0;
    yaml_node_t *n;
    int rc = 0;

    ycheck_keys(d, root, top);
    load_header(&p, root);
    for (int ign = 0; ign < 2 && rc == 0; ign++) {
        if (!(n = section(d, root, ign ? "ignored" : "messages", !ign)))
            continue;
        /* Room for a rule and a pattern per entry at once, not by doublings of copies. */
        size_t more = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
        if (LA_GROW(rs->rules, rs->caprules, rs->nrules + more + 1) != LA_OK ||
            LA_GROW(rs->pats, rs->cappats, rs->npats + more + 1) != LA_OK)
            rc = -1;
        for (yaml_node_item_t *it = n->data.sequence.items.start;
             it < n->data.sequence.items.top && rc == 0; it++)
            rc = load_entry(&p, ynode(d, *it), ign);
    }
    if ((n = section(d, root, "unclassified", 0)))
        unclassified = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (rc == 0 && p.skipped)
        la_diagf(d->sink, LA_SEV_NOTE, LA_D_VOCAB_SKIPPED, d->file, 0, 0,
                 "pack '%s': %zu entr%s without literal text to match not loaded", p.producer,
                 p.skipped, p.skipped == 1 ? "y" : "ies");
    if (rc == 0 && unclassified)
        la_diagf(d->sink, LA_SEV_NOTE, LA_D_VOCAB_SKIPPED, d->file, 0, 0,
                 "pack '%s': %zu unclassified entr%s not loaded", p.producer, unclassified,
                 unclassified == 1 ? "y" : "ies");
    la_buf_release(&p.scratch);
    la_printf_pat_release(&p.fp);
    return rc < 0 || rs->pool.oom ? -1 : 0;
}

/* ---------------------------------------------------------- rules test */

int la_vocab_lines(const struct la_ruleset *rs, size_t rule, struct la_buf *sample,
                   struct la_buf *altered)
{
    const char *fmt = rule < rs->nrules ? rs->rules[rule].vfmt : NULL;

    if (!fmt)
        return 0;
    return la_printf_sample(fmt, sample, altered) < 0 ? -1 : 1;
}
