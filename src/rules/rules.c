/*
 * Rule loading, validation and compilation.
 *
 * Schema (rules/README.md is the user-facing version):
 *
 *   file      := { rules: [ rule, ... ] }
 *   rule      := { id, title, [description], [kind], [cause], [effect], [weight], [level],
 *                  [formats], [applies], match, [when], [count], [after], [unless], [scope],
 *                  [set], [outcome], samples, not, [references] }
 *   match     := { NAME: selection, ..., condition: EXPR }
 *   selection := { MODIFIER: STRING | [STRING, ...], ..., [field: F], [cased: BOOL] }
 *   EXPR      := term ('or' term)* ; term := factor ('and' factor)*
 *   factor    := 'not' factor | '(' EXPR ')' | ('1'|'all') 'of' (GLOB | 'them') | NAME
 *
 * Compilation turns every modifier value into a pattern: a literal test or
 * a PCRE2 regex (UTF, invalid UTF tolerated, JIT-compiled).  Each pattern
 * also gets an "atom", a literal every match must contain (the literal
 * itself, or the longest literal run at the top level of a regex, YARA's
 * idea), lowercased; a regex of top-level alternatives gets one atom per
 * alternative.  match.c feeds all atoms to one Aho-Corasick automaton
 * so a record runs only the patterns whose atom it contains.  Patterns with
 * no atom run on every record and are reported by lint (LA208).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <nettle/sha2.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/version.h"
#include "rules/match-internal.h"
#include "rules/rules-internal.h"

static const char *const rule_keys[] = {
    "id", "title", "description", "kind", "cause", "effect", "weight", "level", "formats",
    "applies", "match", "when", "count", "after", "unless", "scope", "set", "outcome",
    "samples", "not", "references", NULL
};

struct la_ruleset *la_ruleset_new(const struct la_limits *lim)
{
    struct la_ruleset *rs = la_calloc(1, sizeof(*rs));

    if (!rs)
        return NULL;
    rs->lim = *lim;
    sha256_init(&rs->sha);
    return rs;
}

void la_ruleset_free(struct la_ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->npats; i++) {
        if (rs->pats[i].re)
            pcre2_code_free(rs->pats[i].re);
    }
    la_free(rs->pats);
    /* The slot after the last rule may hold a rule that ran out of memory half-built. */
    for (size_t i = 0; i < rs->nrules + (rs->nrules < rs->caprules); i++) {
        la_free(rs->rules[i].cond);
        la_free(rs->rules[i].sels);
    }
    la_free(rs->rules);
    la_ac_free(rs->ac);
    la_free(rs->always);
    if (rs->mctx)
        pcre2_match_context_free(rs->mctx);
    pool_release(&rs->pool);
    la_free(rs);
}

void la_ruleset_set_vocabulary(struct la_ruleset *rs, const char *const *causes,
                               const char *const *formats)
{
    rs->causes = causes;
    rs->formats = formats;
}

static int in_list(const char *const *l, const char *s)
{
    for (; l && *l; l++)
        if (!strcmp(*l, s))
            return 1;
    return 0;
}

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

static int valid_id(const char *s)
{
    if (!*s || !(islower((unsigned char)*s) || isdigit((unsigned char)*s)))
        return 0;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '.' ||
              *s == '_' || *s == '-'))
            return 0;
    return 1;
}

static struct rule *new_rule(struct la_ruleset *rs)
{
    if (rs->nrules == rs->caprules) {
        size_t nc = rs->caprules ? rs->caprules * 2 : 64;
        struct rule *nr = la_realloc(rs->rules, nc * sizeof(*nr));
        if (!nr)
            return NULL;
        memset(nr + rs->caprules, 0, (nc - rs->caprules) * sizeof(*nr));   /* see la_ruleset_free */
        rs->rules = nr;
        rs->caprules = nc;
    }
    struct rule *r = &rs->rules[rs->nrules];
    memset(r, 0, sizeof(*r));
    return r;
}

static struct pat *new_pat(struct la_ruleset *rs)
{
    if (rs->npats == rs->cappats) {
        size_t nc = rs->cappats ? rs->cappats * 2 : 256;
        struct pat *np = la_realloc(rs->pats, nc * sizeof(*np));
        if (!np)
            return NULL;
        rs->pats = np;
        rs->cappats = nc;
    }
    struct pat *p = &rs->pats[rs->npats];
    memset(p, 0, sizeof(*p));
    return p;
}

/* ------------------------------------------------------------ atoms */

/*
 * Longest literal run at the top level of a regex, lowercased, or NULL.
 * Conservative: any top-level alternation means no atom; groups, classes,
 * escapes like \d and optional characters end a run.
 */
static char *regex_atom(const char *re, size_t *ret_len)
{
    struct la_buf cur = LA_BUF_INIT, best = LA_BUF_INIT;
    size_t i = 0, n = strlen(re);
    int depth = 0;
    char *r = NULL;

    if (n >= 4 && !strncmp(re, "(?i)", 4))
        i = 4;
    for (; i < n; i++) {
        char c = re[i];
        char lit = 0;
        int is_lit = 0;

        if (depth > 0) {
            if (c == '\\' && i + 1 < n)
                i++;
            else if (c == '[') {
                i++;
                if (i < n && re[i] == ']')
                    i++;
                while (i < n && re[i] != ']') {
                    if (re[i] == '\\')
                        i++;
                    i++;
                }
            } else if (c == '(')
                depth++;
            else if (c == ')')
                depth--;
            continue;
        }
        switch (c) {
        case '|':
            goto none;
        case '(':
            depth++;
            break;
        case '[':
            i++;
            if (i < n && re[i] == '^')
                i++;
            if (i < n && re[i] == ']')
                i++;
            while (i < n && re[i] != ']') {
                if (re[i] == '\\')
                    i++;
                i++;
            }
            break;
        case '.': case '^': case '$':
            break;
        case '?': case '*': case '{':
            /* The previous character was optional: drop it from the run. */
            if (cur.len)
                la_buf_truncate(&cur, cur.len - 1);
            if (c == '{')
                while (i < n && re[i] != '}')
                    i++;
            break;
        case '+':
            break;
        case '\\':
            if (i + 1 < n && !isalnum((unsigned char)re[i + 1])) {
                lit = re[++i];
                is_lit = 1;
            } else {
                i++;       /* \d \w \s \b \x.. : not a literal */
                if (i < n && re[i] == 'x')
                    i = n;     /* hex escapes: give up on this run and the rest */
            }
            break;
        default:
            lit = c;
            is_lit = 1;
        }
        if (is_lit) {
            /* A following quantifier makes this char optional (handled next round). */
            if (la_buf_addc(&cur, (char)tolower((unsigned char)lit)) != LA_OK)
                goto none;
            if (cur.len > best.len) {
                la_buf_reset(&best);
                if (la_buf_add(&best, cur.buf, cur.len) != LA_OK)
                    goto none;
            }
            continue;
        }
        /* Non-literal: the run ends; but a quantifier on the last char must shorten best too. */
        if ((c == '?' || c == '*' || c == '{') && best.len == cur.len + 1 && cur.len + 1 > 0) {
            la_buf_truncate(&best, best.len - 1);
        }
        la_buf_reset(&cur);
    }
    if (best.len >= 3) {
        r = la_buf_detach(&best, ret_len);
    }
none:
    la_buf_release(&cur);
    la_buf_release(&best);
    return r;
}

/*
 * When a regex has no single required literal, look for a set of literals
 * one of which every match must contain: one per top-level alternative
 * ("A|B|C"), or, inside a group that every match passes through
 * ("^(?:Creating|Restoring)\\b…", "(?<host>idevicerestore [0-9]…)"), the
 * group's own atoms.  The pattern is then a candidate when any of them
 * occurs.  Returns the number of literals appended to list (0 = none found).
 */
static size_t skip_class(const char *re, size_t n, size_t i)
{
    i++;
    if (i < n && re[i] == '^')
        i++;
    if (i < n && re[i] == ']')
        i++;
    while (i < n && re[i] != ']') {
        if (re[i] == '\\')
            i++;
        i++;
    }
    return i;
}

/* Index of the ')' closing the '(' at i, or n. */
static size_t close_paren(const char *re, size_t n, size_t i)
{
    int depth = 0;

    for (; i < n; i++) {
        if (re[i] == '\\')
            i++;
        else if (re[i] == '[')
            i = skip_class(re, n, i);
        else if (re[i] == '(')
            depth++;
        else if (re[i] == ')' && --depth == 0)
            return i;
    }
    return n;
}

static size_t collect_atoms(struct la_ruleset *rs, const char *re, size_t n, char **list,
                            size_t max, int depth_left)
{
    struct la_buf b = LA_BUF_INIT;
    size_t alen, got = 0;
    char *atom;
    size_t cuts[64], ncut = 0;

    if (!depth_left || max == 0)
        return 0;
    /* A single literal run? */
    if (la_buf_add(&b, re, n) != LA_OK)
        return 0;
    atom = regex_atom(b.buf, &alen);
    la_buf_release(&b);
    if (atom) {
        if (!pool_keep(&rs->pool, atom))
            return 0;
        list[0] = atom;
        return 1;
    }
    /* Top-level alternatives. */
    for (size_t i = 0; i < n; i++) {
        if (re[i] == '\\')
            i++;
        else if (re[i] == '[')
            i = skip_class(re, n, i);
        else if (re[i] == '(')
            i = close_paren(re, n, i);
        else if (re[i] == '|' && ncut < 63)
            cuts[ncut++] = i;
    }
    if (ncut) {
        size_t start = 0;
        cuts[ncut++] = n;
        for (size_t k = 0; k < ncut; k++) {
            size_t m = collect_atoms(rs, re + start, cuts[k] - start, list + got, max - got,
                                     depth_left - 1);
            if (!m)
                return 0;
            got += m;
            start = cuts[k] + 1;
        }
        return got;
    }
    /* A group every match passes through: its atoms. */
    for (size_t i = 0; i < n; i++) {
        if (re[i] == '\\') {
            i++;
            continue;
        }
        if (re[i] == '[') {
            i = skip_class(re, n, i);
            continue;
        }
        if (re[i] != '(')
            continue;
        size_t e = close_paren(re, n, i), in = i + 1;
        if (e >= n)
            return 0;
        char q = e + 1 < n ? re[e + 1] : 0;
        if (q != '?' && q != '*' && q != '{' &&
            !(n - i > 2 && re[i + 1] == '?' && (re[i + 2] == '=' || re[i + 2] == '!' ||
                                               (re[i + 2] == '<' && (re[i + 3] == '=' ||
                                                                     re[i + 3] == '!'))))) {
            /* Skip "?:", "?<name>", "?P<name>", "?i:" … */
            if (in < e && re[in] == '?') {
                while (in < e && re[in] != ':' && re[in] != '>')
                    in++;
                in++;
            }
            if (in < e) {
                size_t m = collect_atoms(rs, re + in, e - in, list, max, depth_left - 1);
                if (m)
                    return m;
            }
        }
        i = e;
    }
    return 0;
}

static char **regex_alt_atoms(struct la_ruleset *rs, const char *re)
{
    size_t n = strlen(re), off = 0;
    char **list = pool_calloc(&rs->pool, n + 2, sizeof(*list));

    if (!list)
        return NULL;
    if (n >= 4 && !strncmp(re, "(?i)", 4))
        off = 4;
    return collect_atoms(rs, re + off, n - off, list, n, 4) ? list : NULL;
}

/* -------------------------------------------------------- condition */

struct cparse {
    const char *s;
    size_t pos, wstart;
    struct rule *r;
    struct ydoc *d;
    yaml_node_t *node;
    int err;
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

static int add_node(struct rule *r, int op, int a, int b, uint64_t mask)
{
    struct cnode *nn = la_realloc(r->cond, (r->ncond + 1) * sizeof(*nn));

    if (!nn)
        return -1;
    r->cond = nn;
    nn[r->ncond].op = op;
    nn[r->ncond].a = a;
    nn[r->ncond].b = b;
    nn[r->ncond].mask = mask;
    return (int)r->ncond++;
}

/* Point at the offending word: its column for a plain scalar, else the scalar's start. */
static void cerr(struct cparse *c, const char *fmt, const char *arg)
{
    struct la_buf b = LA_BUF_INIT;
    unsigned col = (unsigned)c->node->start_mark.column + 1;

    if (c->err)
        return;
    c->err = 1;
    if (c->node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
        col += (unsigned)c->wstart;
    if (la_buf_addf(&b, fmt, arg, (unsigned)c->wstart + 1) != LA_OK)
        la_buf_reset(&b);
    la_diagf(c->d->sink, LA_SEV_ERROR, LA_D_RULE_BAD_CONDITION, c->d->file,
             (unsigned)c->node->start_mark.line + 1, col, "%s", b.len ? b.buf : "bad condition");
    c->d->errors++;
    la_buf_release(&b);
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
    if (!strcmp(w, "not")) {
        int a = parse_factor(c);
        return a < 0 ? -1 : add_node(c->r, C_NOT, a, -1, 0);
    }
    if (!strcmp(w, "(")) {
        int a = parse_or(c);
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
        return add_node(c->r, all ? C_ALL : C_ANY, -1, -1, mask);
    }
    if (!strcmp(w, ")") || !strcmp(w, "and") || !strcmp(w, "or")) {
        cerr(c, "unexpected '%s' at offset %u", w);
        return -1;
    }
    for (unsigned i = 0; i < c->r->nsel; i++)
        if (!strcmp(w, c->r->sels[i].name))
            return add_node(c->r, C_SEL, (int)i, -1, 0);
    cerr(c, "unknown selection '%s' at offset %u", w);
    return -1;
}

static int parse_and(struct cparse *c)
{
    int a = parse_factor(c);
    char w[16];

    while (a >= 0) {
        size_t save = c->pos;
        if (!word(c, w, sizeof(w)) || strcmp(w, "and")) {
            c->pos = save;
            break;
        }
        int b = parse_factor(c);
        a = b < 0 ? -1 : add_node(c->r, C_AND, a, b, 0);
    }
    return a;
}

static int parse_or(struct cparse *c)
{
    int a = parse_and(c);
    char w[16];

    while (a >= 0) {
        size_t save = c->pos;
        if (!word(c, w, sizeof(w)) || strcmp(w, "or")) {
            c->pos = save;
            break;
        }
        int b = parse_and(c);
        a = b < 0 ? -1 : add_node(c->r, C_OR, a, b, 0);
    }
    return a;
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

/* ---------------------------------------------------------- patterns */

static const char *const sel_keys[] = { "contains", "startswith", "endswith", "equals", "re",
                                        "field", "cased", NULL };

static void lower(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        s[i] = (char)tolower((unsigned char)s[i]);
}

static int add_patterns(struct la_ruleset *rs, struct ydoc *d, struct rule *r, unsigned sel,
                        yaml_node_t *sn)
{
    yaml_node_t *fn = yget(d, sn, "field"), *cn = yget(d, sn, "cased");
    int field = FIELD_MESSAGE, cased = 0;
    unsigned mod = 0;

    ycheck_keys(d, sn, sel_keys);
    if (fn) {
        const char *f = ystr(d, fn, "field");
        if (f && !strcmp(f, "message"))
            field = FIELD_MESSAGE;
        else if (f && !strcmp(f, "text"))
            field = FIELD_TEXT;
        else if (f && !strcmp(f, "component"))
            field = FIELD_COMPONENT;
        else if (f && !strcmp(f, "level"))
            field = FIELD_LEVEL;
        else if (f && !strcmp(f, "context"))
            field = FIELD_CONTEXT;
        else if (f)
            yerr(d, fn, LA_D_RULE_BAD_VALUE,
                 "unknown field '%s' (message, text, component, level or context)", f);
    }
    if (cn)
        ybool(d, cn, "cased", &cased);
    for (yaml_node_pair_t *p = sn->data.mapping.pairs.start; p < sn->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = ynode(d, p->key), *v = ynode(d, p->value);
        const char *key = yis_scalar(k) ? (const char *)k->data.scalar.value : "";
        int op;

        if (!strcmp(key, "contains"))
            op = OP_CONTAINS;
        else if (!strcmp(key, "startswith"))
            op = OP_STARTS;
        else if (!strcmp(key, "endswith"))
            op = OP_ENDS;
        else if (!strcmp(key, "equals"))
            op = OP_EQUALS;
        else if (!strcmp(key, "re"))
            op = OP_RE;
        else
            continue;
        if (mod >= 32) {
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
        for (yaml_node_item_t *it = items; it < end; it++) {
            yaml_node_t *vn = ynode(d, *it);
            struct pat *pt;
            if (!yis_scalar(vn)) {
                yerr(d, vn, LA_D_RULE_WRONG_TYPE, "'%s' values must be strings", key);
                continue;
            }
            const char *val = (const char *)vn->data.scalar.value;
            size_t vlen = vn->data.scalar.length;
            if (!vlen) {
                yerr(d, vn, LA_D_RULE_BAD_VALUE, "'%s' value is empty", key);
                continue;
            }
            if (vlen > rs->lim.max_regex) {
                yerr(d, vn, LA_D_RULE_LIMIT, "pattern longer than %u bytes", rs->lim.max_regex);
                continue;
            }
            pt = new_pat(rs);
            if (!pt)
                return -1;
            pt->op = op;
            pt->field = field;
            pt->cased = cased;
            pt->rule = (unsigned)rs->nrules;
            pt->sel = sel;
            pt->mod = mod;
            pt->line = (unsigned)vn->start_mark.line + 1;
            pt->col = (unsigned)vn->start_mark.column + 1;
            pt->src = pool_strdup(&rs->pool, val);
            if (!pt->src)
                return -1;
            if (op == OP_RE) {
                int errcode;
                PCRE2_SIZE erroff;
                pt->re = pcre2_compile((PCRE2_SPTR)val, vlen,
                                       PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &erroff,
                                       NULL);
                if (!pt->re) {
                    PCRE2_UCHAR msg[256];
                    pcre2_get_error_message(errcode, msg, sizeof(msg));
                    int plain = vn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
                                vn->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE;
                    la_diagf(d->sink, LA_SEV_ERROR, LA_D_RULE_BAD_REGEX, d->file, pt->line,
                             pt->col + (plain ? (unsigned)erroff +
                                        (vn->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE)
                                              : 0),
                             "invalid regex '%s': %s at offset %zu", val, (const char *)msg,
                             (size_t)erroff);
                    d->errors++;
                    continue;
                }
                uint32_t namecount = 0;
                pcre2_pattern_info(pt->re, PCRE2_INFO_NAMECOUNT, &namecount);
                pt->has_names = namecount > 0;
                pt->atom = regex_atom(val, &pt->atomlen);
                if (pt->atom && !pool_keep(&rs->pool, pt->atom)) {
                    pcre2_code_free(pt->re);      /* not counted yet: free it here */
                    pt->re = NULL;
                    return -1;
                }
                if (!pt->atom)
                    pt->alts = regex_alt_atoms(rs, val);
                if (rs->pool.oom) {
                    pcre2_code_free(pt->re);
                    pt->re = NULL;
                    return -1;
                }
            } else {
                char *l = pool_keep(&rs->pool, la_memdup(val, vlen));
                if (!l)
                    return -1;
                pt->lit = l;
                pt->litlen = vlen;
                char *a = pool_keep(&rs->pool, la_memdup(val, vlen));
                if (!a)
                    return -1;
                lower(a, vlen);
                if (!cased)
                    lower(l, vlen);
                pt->atom = a;
                pt->atomlen = vlen;
            }
            if (!pt->atom && !pt->alts)
                ywarn(d, vn, LA_D_RULE_NO_LITERAL,
                      "pattern '%s' has no required literal of 3+ characters; it runs on "
                      "every line", val);
            rs->npats++;
        }
        mod++;
    }
    if (!mod)
        yerr(d, sn, LA_D_RULE_MISSING_KEY,
             "selection has no test (contains, startswith, endswith, equals or re)");
    r->sels[sel].nmods = mod;
    return 0;
}

/* -------------------------------------------------------------- rules */

static const char *level_names[] = { "info", "low", "medium", "high", "critical", NULL };

static int pick(const char *s, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (!strcmp(s, names[i]))
            return i;
    return -1;
}

static void load_ref(struct ydoc *d, yaml_node_t *n, const char *what, const char **ret_id,
                     int64_t *ret_within)
{
    static const char *const keys[] = { "rule", "within", NULL };

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
}

static int load_rule(struct la_ruleset *rs, struct ydoc *d, yaml_node_t *rn)
{
    struct rule *r;
    struct la_rule_meta *m;
    yaml_node_t *n;
    const char *s;
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
    r = new_rule(rs);
    if (!r)
        return -1;
    m = &r->meta;
    m->file = d->file;
    m->line = (unsigned)rn->start_mark.line + 1;
    m->weight = 1.0;
    m->level = LA_LEVEL_MEDIUM;
    m->outcome = -1;
    m->after_rule = m->unless_rule = -1;
    ycheck_keys(d, rn, rule_keys);

    n = yget(d, rn, "id");
    if (!n)
        yerr(d, rn, LA_D_RULE_MISSING_KEY, "rule has no 'id'");
    else if ((m->id = ystr(d, n, "id")) && !valid_id(m->id))
        yerr(d, n, LA_D_RULE_BAD_VALUE, "rule id '%s' must match [a-z0-9][a-z0-9._-]*", m->id);
    n = yget(d, rn, "title");
    if (!n)
        yerr(d, rn, LA_D_RULE_MISSING_KEY, "rule '%s' has no 'title'", m->id ? m->id : "?");
    else
        m->title = ystr(d, n, "title");
    m->description = ystr(d, yget(d, rn, "description"), "description");
    if ((n = yget(d, rn, "kind")) && (s = ystr(d, n, "kind"))) {
        static const char *const kinds[] = { "evidence", "fact", "attempt", "result", "stage",
                                             NULL };
        int k = pick(s, kinds);
        if (k < 0)
            yerr(d, n, LA_D_RULE_BAD_VALUE,
                 "unknown kind '%s' (evidence, fact, attempt, result or stage)", s);
        else
            m->kind = (enum la_rule_kind)k;
    }
    if ((n = yget(d, rn, "cause")) && (m->cause = ystr(d, n, "cause"))) {
        if (rs->causes && !in_list(rs->causes, m->cause))
            yerr(d, n, LA_D_RULE_UNKNOWN_CAUSE, "unknown cause '%s'", m->cause);
    }
    if (m->kind == LA_KIND_EVIDENCE && !m->cause)
        yerr(d, rn, LA_D_RULE_MISSING_KEY, "evidence rule '%s' has no 'cause'",
             m->id ? m->id : "?");
    if ((n = yget(d, rn, "effect")) && (s = ystr(d, n, "effect"))) {
        if (!strcmp(s, "against"))
            m->against = 1;
        else if (strcmp(s, "for"))
            yerr(d, n, LA_D_RULE_BAD_VALUE, "effect must be 'for' or 'against', not '%s'", s);
    }
    if ((n = yget(d, rn, "weight")) && ynum(d, n, "weight", &m->weight) &&
        (m->weight < 0 || m->weight > 10))
        yerr(d, n, LA_D_RULE_BAD_VALUE, "weight must be between 0 and 10");
    if ((n = yget(d, rn, "level")) && (s = ystr(d, n, "level"))) {
        int l = pick(s, level_names);
        if (l < 0)
            yerr(d, n, LA_D_RULE_BAD_VALUE,
                 "unknown level '%s' (info, low, medium, high or critical)", s);
        else
            m->level = (enum la_level)l;
    }
    if ((n = yget(d, rn, "formats"))) {
        r->formats = ystrlist(d, n, "formats", NULL);
        for (const char *const *f = r->formats; f && *f; f++)
            if (rs->formats && !in_list(rs->formats, *f))
                yerr(d, n, LA_D_RULE_UNKNOWN_FORMAT, "unknown format '%s'", *f);
    }
    if ((n = yget(d, rn, "applies"))) {
        static const char *const keys[] = { "model", "ios", "host", NULL };
        if (!yis_map(n)) {
            yerr(d, n, LA_D_RULE_WRONG_TYPE, "'applies' must be a mapping");
        } else {
            ycheck_keys(d, n, keys);
            m->applies_model = ystrlist(d, yget(d, n, "model"), "model", NULL);
            yaml_node_t *vn;
            size_t off;
            if ((vn = yget(d, n, "ios")) && (m->applies_ios = ystr(d, vn, "ios")) &&
                la_version_range_check(m->applies_ios, &off))
                yerr(d, vn, LA_D_RULE_BAD_VERSION, "bad version range '%s' at offset %zu",
                     m->applies_ios, off + 1);
            if ((vn = yget(d, n, "host")) && (m->applies_host = ystr(d, vn, "host")) &&
                la_version_range_check(m->applies_host, &off))
                yerr(d, vn, LA_D_RULE_BAD_VERSION, "bad version range '%s' at offset %zu",
                     m->applies_host, off + 1);
        }
    }
    if ((n = yget(d, rn, "when"))) {
        static const char *const keys[] = { "stage", "code", NULL };
        if (!yis_map(n)) {
            yerr(d, n, LA_D_RULE_WRONG_TYPE, "'when' must be a mapping");
        } else {
            ycheck_keys(d, n, keys);
            m->when_stage = ystrlist(d, yget(d, n, "stage"), "stage", NULL);
            size_t nc = 0;
            const char *const *codes = ystrlist(d, yget(d, n, "code"), "code", &nc);
            if (codes) {
                long *c = pool_calloc(&rs->pool, nc, sizeof(long));
                if (!c)
                    return -1;
                for (size_t i = 0; i < nc; i++) {
                    char *end;
                    c[i] = strtol(codes[i], &end, 0);
                    if (*end || end == codes[i])
                        yerr(d, yget(d, n, "code"), LA_D_RULE_BAD_VALUE,
                             "code '%s' is not an integer", codes[i]);
                }
                m->when_code = c;
                m->n_when_code = nc;
            }
        }
    }
    if ((n = yget(d, rn, "count"))) {
        static const char *const keys[] = { "min", "within", NULL };
        if (!yis_map(n)) {
            yerr(d, n, LA_D_RULE_WRONG_TYPE, "'count' must be a mapping");
        } else {
            long v = 0;
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
        }
    }
    if ((n = yget(d, rn, "after")))
        load_ref(d, n, "after", &r->after_id, &m->after_within);
    if ((n = yget(d, rn, "unless")))
        load_ref(d, n, "unless", &r->unless_id, &m->unless_within);
    r->after_node = yget(d, rn, "after");
    r->unless_node = yget(d, rn, "unless");
    if (r->after_node)
        r->after_line = (unsigned)r->after_node->start_mark.line + 1,
        r->after_col = (unsigned)r->after_node->start_mark.column + 1;
    if (r->unless_node)
        r->unless_line = (unsigned)r->unless_node->start_mark.line + 1,
        r->unless_col = (unsigned)r->unless_node->start_mark.column + 1;
    if ((n = yget(d, rn, "scope")) && (s = ystr(d, n, "scope"))) {
        if (!strcmp(s, "input"))
            m->scope_input = 1;
        else if (strcmp(s, "attempt"))
            yerr(d, n, LA_D_RULE_BAD_VALUE, "scope must be 'attempt' or 'input', not '%s'", s);
    }
    if ((n = yget(d, rn, "set"))) {
        if (!yis_map(n)) {
            yerr(d, n, LA_D_RULE_WRONG_TYPE, "'set' must be a mapping of fact names to values");
        } else {
            size_t cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start), i = 0;
            const char **k = pool_calloc(&rs->pool, cnt + 1, sizeof(*k));
            const char **v = pool_calloc(&rs->pool, cnt + 1, sizeof(*v));
            if (!k || !v)
                return -1;
            ycheck_keys(d, n, NULL);
            for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
                 p < n->data.mapping.pairs.top; p++) {
                k[i] = ystr(d, ynode(d, p->key), "set key");
                v[i] = ystr(d, ynode(d, p->value), "set value");
                if (k[i] && !valid_id(k[i]))
                    yerr(d, ynode(d, p->key), LA_D_RULE_BAD_VALUE,
                         "fact name '%s' must match [a-z0-9][a-z0-9._-]*", k[i]);
                if (k[i] && v[i])
                    i++;
            }
            m->set_keys = k;
            m->set_values = v;
        }
    }
    if ((n = yget(d, rn, "outcome")) && (s = ystr(d, n, "outcome"))) {
        if (!strcmp(s, "succeeded"))
            m->outcome = 0;
        else if (!strcmp(s, "failed"))
            m->outcome = 1;
        else
            yerr(d, n, LA_D_RULE_BAD_VALUE, "outcome must be 'failed' or 'succeeded', not '%s'",
                 s);
    }
    n = yget(d, rn, "samples");
    if (!n)
        yerr(d, rn, LA_D_RULE_MISSING_KEY, "rule '%s' has no 'samples' (lines that must match)",
             m->id ? m->id : "?");
    else
        m->samples = ystrlist(d, n, "samples", NULL);
    n = yget(d, rn, "not");
    if (!n)
        yerr(d, rn, LA_D_RULE_MISSING_KEY, "rule '%s' has no 'not' (lines that must not match)",
             m->id ? m->id : "?");
    else
        m->nots = ystrlist(d, n, "not", NULL);
    if ((n = yget(d, rn, "references")))
        (void)ystrlist(d, n, "references", NULL);

    /* match */
    n = yget(d, rn, "match");
    if (!n) {
        yerr(d, rn, LA_D_RULE_MISSING_KEY, "rule '%s' has no 'match'", m->id ? m->id : "?");
    } else if (!yis_map(n)) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'match' must be a mapping of selections");
    } else {
        yaml_node_t *cond = NULL;
        size_t cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
        r->sels = la_calloc(cnt ? cnt : 1, sizeof(*r->sels));
        if (!r->sels)
            return -1;
        ycheck_keys(d, n, NULL);
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
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
                yerr(d, v, LA_D_RULE_WRONG_TYPE,
                     "selection '%s' must be a mapping of modifiers", name);
                continue;
            }
            r->sels[r->nsel].name = pool_strdup(&rs->pool, name);
            if (add_patterns(rs, d, r, r->nsel, v) < 0)
                return -1;
            r->nsel++;
        }
        if (!r->nsel)
            yerr(d, n, LA_D_RULE_MISSING_KEY, "'match' has no selection");
        if (!cond && r->nsel == 1) {
            r->root = add_node(r, C_SEL, 0, -1, 0);
        } else if (!cond) {
            yerr(d, n, LA_D_RULE_MISSING_KEY, "'match' has several selections but no 'condition'");
        } else if (yis_scalar(cond) && r->nsel) {
            struct cparse c = { (const char *)cond->data.scalar.value, 0, 0, r, d, cond, 0 };
            char w[8];
            r->root = parse_or(&c);
            if (!c.err && word(&c, w, sizeof(w)))
                cerr(&c, "unexpected '%s' at offset %u", w);
            if (!c.err && r->root >= 0 && la_cond_eval(r, r->root, 0))
                yerr(d, cond, LA_D_RULE_BAD_CONDITION,
                     "condition is true when no selection holds; add a positive selection");
            if (c.err)
                r->root = -1;
        } else if (!yis_scalar(cond)) {
            yerr(d, cond, LA_D_RULE_WRONG_TYPE, "'condition' must be a string");
        }
    }
    if (d->errors != before) {
        /* Drop the broken rule and its patterns, keep checking the rest. */
        for (size_t i = pats_before; i < rs->npats; i++)
            if (rs->pats[i].re)
                pcre2_code_free(rs->pats[i].re);
        rs->npats = pats_before;
        la_free(r->cond);
        la_free(r->sels);
        r->cond = NULL;
        r->sels = NULL;
        return 0;
    }
    rs->nrules++;
    return 0;
}

enum la_rc la_ruleset_add_buffer(struct la_ruleset *rs, const char *name, const char *data,
                                 size_t len, struct la_diag_sink *sink)
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
    rc = ydoc_load(&d, fname, data, len, &rs->pool, sink);
    if (rc != LA_OK) {
        rs->errors++;
        return rc;
    }
    root = ydoc_root(&d);
    if (!root) {
        yerr(&d, NULL, LA_D_RULE_MISSING_KEY, "empty rule file (expected 'rules:')");
    } else if (!yis_map(root)) {
        yerr(&d, root, LA_D_RULE_WRONG_TYPE, "a rule file must be a mapping with 'rules:'");
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

enum la_rc la_ruleset_add_file(struct la_ruleset *rs, const char *path,
                               struct la_diag_sink *sink)
{
    struct la_buf b = LA_BUF_INIT;
    enum la_rc rc = read_small_file(path, rs->lim.max_rule_file, &b, sink);

    if (rc == LA_OK)
        rc = la_ruleset_add_buffer(rs, path, b.buf, b.len, sink);
    else
        rs->errors++;
    la_buf_release(&b);
    return rc;
}

enum la_rc la_ruleset_compile(struct la_ruleset *rs, struct la_diag_sink *sink)
{
    uint8_t dig[SHA256_DIGEST_SIZE];

    if (rs->compiled)
        return LA_OK;
    /* Duplicate ids and references (checked even after load errors: report all at once). */
    for (size_t i = 0; i < rs->nrules; i++) {
        struct rule *r = &rs->rules[i];
        for (size_t j = 0; j < i; j++)
            if (!strcmp(rs->rules[j].meta.id, r->meta.id)) {
                la_diagf(sink, LA_SEV_ERROR, LA_D_RULE_DUPLICATE_ID, r->meta.file, r->meta.line,
                         0, "duplicate rule id '%s' (first defined at %s:%u)", r->meta.id,
                         rs->rules[j].meta.file, rs->rules[j].meta.line);
                rs->errors++;
                break;
            }
    }
    for (size_t i = 0; i < rs->nrules; i++) {
        struct rule *r = &rs->rules[i];
        if (r->after_id && (r->meta.after_rule = (int)la_ruleset_find(rs, r->after_id)) < 0) {
            la_diagf(sink, LA_SEV_ERROR, LA_D_RULE_UNKNOWN_RULE, r->meta.file, r->after_line,
                     r->after_col, "'after' names unknown rule '%s'", r->after_id);
            rs->errors++;
        }
        if (r->unless_id && (r->meta.unless_rule = (int)la_ruleset_find(rs, r->unless_id)) < 0) {
            la_diagf(sink, LA_SEV_ERROR, LA_D_RULE_UNKNOWN_RULE, r->meta.file, r->unless_line,
                     r->unless_col, "'unless' names unknown rule '%s'", r->unless_id);
            rs->errors++;
        }
        r->meta.applies_model = r->meta.applies_model;
    }
    if (rs->errors)
        return LA_FAILED;
    /* JIT where available (else the interpreter); LOGANALYZE_NO_JIT=1 turns it off for
     * memory checkers, which cannot follow JIT-compiled code. */
    if (!getenv("LOGANALYZE_NO_JIT"))
        for (size_t i = 0; i < rs->npats; i++)
            if (rs->pats[i].re)
                pcre2_jit_compile(rs->pats[i].re, PCRE2_JIT_COMPLETE);
    rs->mctx = pcre2_match_context_create(NULL);
    if (!rs->mctx)
        return LA_FATAL;
    pcre2_set_match_limit(rs->mctx, rs->lim.match_limit);
    pcre2_set_depth_limit(rs->mctx, rs->lim.depth_limit);
    if (la_match_build(rs) != LA_OK)
        return LA_FATAL;
    sha256_digest(&rs->sha, sizeof(dig), dig);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
        static const char hex[] = "0123456789abcdef";
        rs->sha_hex[2 * i] = hex[dig[i] >> 4];
        rs->sha_hex[2 * i + 1] = hex[dig[i] & 15];
    }
    rs->compiled = 1;
    return LA_OK;
}

size_t la_ruleset_count(const struct la_ruleset *rs)
{
    return rs->nrules;
}

const struct la_rule_meta *la_ruleset_rule(const struct la_ruleset *rs, size_t i)
{
    return i < rs->nrules ? &rs->rules[i].meta : NULL;
}

long la_ruleset_find(const struct la_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < rs->nrules; i++)
        if (rs->rules[i].meta.id && !strcmp(rs->rules[i].meta.id, id))
            return (long)i;
    return -1;
}

const char *la_ruleset_sha256(const struct la_ruleset *rs)
{
    return rs->sha_hex;
}

void la_ruleset_pattern_stats(const struct la_ruleset *rs, size_t *ret_patterns,
                              size_t *ret_unfiltered)
{
    size_t u = 0;

    for (size_t i = 0; i < rs->npats; i++)
        u += rs->pats[i].atom == NULL && rs->pats[i].alts == NULL;
    *ret_patterns = rs->npats;
    *ret_unfiltered = u;
}

/*
 * One pattern per line for comparison tools (`rg -P -c -f FILE`): named groups become plain
 * groups (their names repeat across rules), a leading (?i) is scoped to its own pattern, and
 * literals are escaped.  The patterns match what the rules' patterns match.
 */
enum la_rc la_ruleset_export_patterns(const struct la_ruleset *rs, struct la_buf *out)
{
    for (size_t i = 0; i < rs->npats; i++) {
        const struct pat *p = &rs->pats[i];
        enum la_rc rc = LA_OK;
        if (p->op == OP_RE) {
            const char *s = p->src;
            int nocase = !strncmp(s, "(?i)", 4);
            if (nocase)
                s += 4;
            rc = la_buf_adds(out, nocase ? "(?i:" : "(?:");
            while (*s && rc == LA_OK) {
                if (s[0] == '\\' && s[1]) {
                    rc = la_buf_add(out, s, 2);
                    s += 2;
                } else if (!strncmp(s, "(?<", 3) && s[3] != '=' && s[3] != '!') {
                    const char *e = strchr(s, '>');
                    rc = la_buf_adds(out, "(?:");
                    s = e ? e + 1 : s + 3;
                } else if (!strncmp(s, "(?P<", 4)) {
                    const char *e = strchr(s, '>');
                    rc = la_buf_adds(out, "(?:");
                    s = e ? e + 1 : s + 4;
                } else {
                    rc = la_buf_addc(out, *s++);
                }
            }
            if (rc == LA_OK)
                rc = la_buf_adds(out, ")\n");
        } else {
            rc = la_buf_adds(out, p->cased ? "(?:" : "(?i:");
            for (const char *s = p->src; *s && rc == LA_OK; s++) {
                if (strchr("\\^$.|?*+()[]{}", *s))
                    rc = la_buf_addc(out, '\\');
                if (rc == LA_OK)
                    rc = la_buf_addc(out, *s);
            }
            if (rc == LA_OK)
                rc = la_buf_adds(out, ")\n");
        }
        if (rc != LA_OK)
            return rc;
    }
    return LA_OK;
}

/*
 * A rule scoped to formats applies to them, and to plain "text": a short paste that no probe
 * recognised may well be one of them, and the scope only exists to keep a rule off the
 * formats it was not written for.
 */
int la_rule_applies_format(const struct rule *r, const char *format)
{
    if (!r->formats || !strcmp(format, "text"))
        return 1;
    return in_list(r->formats, format);
}
