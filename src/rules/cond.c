/*
 * The condition language of a rule's 'match': parser and evaluator.
 *
 *   EXPR   := term ('or' term)*
 *   term   := factor ('and' factor)*
 *   factor := 'not' factor | '(' EXPR ')' | ('1'|'any'|'all') 'of' (GLOB | 'them') | NAME
 *
 * Data flow: load.c hands the 'condition' scalar to la_cond_parse(), which
 * builds the rule's nodes (struct cnode, an array in struct rule; children
 * by index, so the tree is one allocation) and sets its root.  match.c
 * calls la_cond_eval() with the set of selections that held on a record.
 *
 * Invariants: a rule has at most 64 selections, so a set of selections is
 * one uint64_t (bit i = selection i); 'N of GLOB' is resolved to a mask at
 * parse time; node indexes always point at nodes built before them, so
 * evaluation terminates.  A condition that is true when no selection holds
 * is an error: the matcher evaluates a rule only when one of its selections
 * held, so such a rule could not fire as written.
 *
 * Errors (LA209) point at the offending word: its column for a plain
 * scalar, else the scalar's start, and give its offset in the text.  The
 * parser and the evaluator recurse, so nesting (parentheses and 'not') is
 * capped at LA_COND_MAX_DEPTH (LA222) and the nodes of one condition at
 * LA_COND_MAX_NODES (LA214): a chain deepens the tree by one a term.
 */
#include "config.h"

#include <fnmatch.h>
#include <string.h>

#include "core/alloc.h"
#include "core/limits.h"
#include "rules/rules-internal.h"

/* The parser's state: the text, the position, the start of the last word read. */
struct cparse {
    const char *s;
    size_t pos, wstart;
    struct rule *r;
    struct ydoc *d;
    yaml_node_t *node;
    int err;
    unsigned depth;                /* parentheses and 'not' open around the position */
};

static void skip_ws(struct cparse *c)
{
    while (c->s[c->pos] == ' ' || c->s[c->pos] == '\t' || c->s[c->pos] == '\n')
        c->pos++;
}

static int word(struct cparse *c, char *buf, size_t size)
{
    size_t n = 0;

    skip_ws(c);
    c->wstart = c->pos;
    if (c->s[c->pos] == '(' || c->s[c->pos] == ')') {
        buf[0] = c->s[c->pos++];
        buf[1] = 0;
        return 1;
    }
    while (c->s[c->pos] && !strchr(" \t\n()", c->s[c->pos])) {
        if (n + 1 < size)
            buf[n++] = c->s[c->pos];
        c->pos++;
    }
    buf[n] = 0;
    return n > 0;
}

int la_cond_node(struct rule *r, int op, int a, int b, uint64_t mask)
{
    struct cnode *nn;

    if (LA_GROW(r->cond, r->capcond, (size_t)r->ncond + 1) != LA_OK)
        return -1;
    nn = &r->cond[r->ncond];
    nn->op = op;
    nn->a = a;
    nn->b = b;
    nn->mask = mask;
    return (int)r->ncond++;
}

/* Report code at the word just read: its column for a plain scalar, else the scalar's start. */
static void report(struct cparse *c, unsigned code, const char *msg)
{
    unsigned col = (unsigned)c->node->start_mark.column + 1;

    c->err = 1;
    if (c->node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
        col += (unsigned)c->wstart;
    la_diagf(c->d->sink, LA_SEV_ERROR, code, c->d->file, (unsigned)c->node->start_mark.line + 1,
             col, "%s", msg);
    c->d->errors++;
}

/* LA209 at the offending word; fmt takes arg and the word's offset. */
static void cerr(struct cparse *c, const char *fmt, const char *arg)
{
    struct la_buf b = LA_BUF_INIT;

    if (c->err)
        return;
    if (la_buf_addf(&b, fmt, arg, (unsigned)c->wstart + 1) != LA_OK)
        la_buf_reset(&b);
    report(c, LA_D_RULE_BAD_CONDITION, b.len ? b.buf : "bad condition");
    la_buf_release(&b);
}

/* A limit reached at the word just read; fmt takes the limit and the word's offset. */
static void climit(struct cparse *c, unsigned code, const char *fmt, unsigned limit)
{
    struct la_buf b = LA_BUF_INIT;

    if (c->err)
        return;
    if (la_buf_addf(&b, fmt, limit, (unsigned)c->wstart + 1) != LA_OK)
        la_buf_reset(&b);
    report(c, code, b.len ? b.buf : "condition too large");
    la_buf_release(&b);
}

/*
 * A node of the condition being parsed.  The evaluator recurses along the tree, and a chain
 * ('a or b or c ...') grows it one level a term, so the terms are capped too.
 */
static int node(struct cparse *c, int op, int a, int b, uint64_t mask)
{
    if (c->r->ncond >= LA_COND_MAX_NODES) {
        climit(c, LA_D_RULE_LIMIT, "condition has more than %u terms at offset %u",
               LA_COND_MAX_NODES);
        return -1;
    }
    return la_cond_node(c->r, op, a, b, mask);
}

static int parse_or(struct cparse *c);

static int parse_factor(struct cparse *c)
{
    char w[128];
    size_t save;

    if (c->err)
        return -1;
    if (!word(c, w, sizeof(w))) {
        cerr(c, "condition ends early%s at offset %u", "");
        return -1;
    }
    if ((!strcmp(w, "not") || !strcmp(w, "(")) && c->depth >= LA_COND_MAX_DEPTH) {
        climit(c, LA_D_NESTING_LIMIT, "condition nests deeper than %u levels at offset %u",
               LA_COND_MAX_DEPTH);
        return -1;
    }
    if (!strcmp(w, "not")) {
        c->depth++;
        int a = parse_factor(c);
        c->depth--;
        return a < 0 ? -1 : node(c, C_NOT, a, -1, 0);
    }
    if (!strcmp(w, "(")) {
        c->depth++;
        int a = parse_or(c);
        c->depth--;
        if (a < 0)
            return -1;
        if (!word(c, w, sizeof(w)) || strcmp(w, ")")) {
            cerr(c, "missing ')'%s at offset %u", "");
            return -1;
        }
        return a;
    }
    if (!strcmp(w, "1") || !strcmp(w, "all") || !strcmp(w, "any")) {
        int all = !strcmp(w, "all");
        char g[128];
        uint64_t mask = 0;
        save = c->pos;
        if (!word(c, g, sizeof(g)) || strcmp(g, "of")) {
            c->pos = save;
            cerr(c, "expected 'of' after '%s' at offset %u", w);
            return -1;
        }
        if (!word(c, g, sizeof(g))) {
            cerr(c, "expected a selection pattern or 'them'%s at offset %u", "");
            return -1;
        }
        for (unsigned i = 0; i < c->r->nsel; i++)
            if (!strcmp(g, "them") || fnmatch(g, c->r->sels[i].name, 0) == 0)
                mask |= 1ull << i;
        if (!mask) {
            cerr(c, "no selection matches '%s' at offset %u", g);
            return -1;
        }
        return node(c, all ? C_ALL : C_ANY, -1, -1, mask);
    }
    if (!strcmp(w, ")") || !strcmp(w, "and") || !strcmp(w, "or")) {
        cerr(c, "unexpected '%s' at offset %u", w);
        return -1;
    }
    for (unsigned i = 0; i < c->r->nsel; i++)
        if (!strcmp(w, c->r->sels[i].name))
            return node(c, C_SEL, (int)i, -1, 0);
    cerr(c, "unknown selection '%s' at offset %u", w);
    return -1;
}

/* sub (opword sub)*, left-associative: the 'and' and 'or' levels of the grammar. */
static int parse_chain(struct cparse *c, const char *opword, int op,
                       int (*sub)(struct cparse *c))
{
    int a = sub(c);
    char w[16];

    while (a >= 0) {
        size_t save = c->pos;
        if (!word(c, w, sizeof(w)) || strcmp(w, opword)) {
            c->pos = save;
            break;
        }
        int b = sub(c);
        a = b < 0 ? -1 : node(c, op, a, b, 0);
    }
    return a;
}

static int parse_and(struct cparse *c)
{
    return parse_chain(c, "and", C_AND, parse_factor);
}

static int parse_or(struct cparse *c)
{
    return parse_chain(c, "or", C_OR, parse_and);
}

void la_cond_parse(struct rule *r, struct ydoc *d, yaml_node_t *cond)
{
    struct cparse c = { (const char *)cond->data.scalar.value, 0, 0, r, d, cond, 0, 0 };
    char w[8];

    r->root = parse_or(&c);
    if (!c.err && word(&c, w, sizeof(w)))
        cerr(&c, "unexpected '%s' at offset %u", w);
    if (!c.err && r->root >= 0 && la_cond_eval(r, r->root, 0))
        yerr(d, cond, LA_D_RULE_BAD_CONDITION,
             "condition is true when no selection holds; add a positive selection");
    if (c.err)
        r->root = -1;
}

void la_cond_single(struct rule *r)
{
    r->root = la_cond_node(r, C_SEL, 0, -1, 0);
}

int la_cond_eval(const struct rule *r, int node, uint64_t sels)
{
    const struct cnode *n = &r->cond[node];

    switch (n->op) {
    case C_SEL:
        return (int)((sels >> n->a) & 1);
    case C_AND:
        return la_cond_eval(r, n->a, sels) && la_cond_eval(r, n->b, sels);
    case C_OR:
        return la_cond_eval(r, n->a, sels) || la_cond_eval(r, n->b, sels);
    case C_NOT:
        return !la_cond_eval(r, n->a, sels);
    case C_ANY:
        return (sels & n->mask) != 0;
    case C_ALL:
        return (sels & n->mask) == n->mask;
    }
    return 0;
}
