#ifndef LA_RULES_MATCH_INTERNAL_H
#define LA_RULES_MATCH_INTERNAL_H

/* The compiled ruleset's layout, shared by rules.c and match.c only. */

#include <nettle/sha2.h>
#include <pcre2.h>
#include <yaml.h>

#include "rules/rules-internal.h"

enum { OP_CONTAINS, OP_STARTS, OP_ENDS, OP_EQUALS, OP_RE };
enum { FIELD_MESSAGE, FIELD_TEXT, FIELD_COMPONENT, FIELD_LEVEL, FIELD_CONTEXT };
enum { C_SEL, C_AND, C_OR, C_NOT, C_ANY, C_ALL };

struct pat {
    int op, field, cased, has_names;
    const char *src;               /* as written */
    const char *lit;               /* literal ops: lowercased unless cased */
    size_t litlen;
    pcre2_code *re;
    char *atom;                    /* lowercased required literal, or NULL */
    size_t atomlen;
    char **alts;                   /* or: one literal per top-level alternative (NULL-terminated) */
    unsigned rule, sel, mod, line, col;
};

struct sel {
    const char *name;
    unsigned nmods;
};

struct cnode {
    int op, a, b;
    uint64_t mask;
};

struct rule {
    struct la_rule_meta meta;
    struct sel *sels;
    unsigned nsel;
    struct cnode *cond;
    unsigned ncond;
    int root;
    const char *const *formats;
    const char *after_id, *unless_id;
    yaml_node_t *after_node, *unless_node;   /* only during loading */
    unsigned after_line, after_col, unless_line, unless_col;
    size_t first_pat, npat;        /* set by la_match_build */
};

struct la_ac;

struct la_ruleset {
    struct la_limits lim;
    struct pool pool;
    struct rule *rules;
    size_t nrules, caprules;
    struct pat *pats;
    size_t npats, cappats;
    const char *const *causes, *const *formats;
    unsigned errors;
    int compiled;
    struct sha256_ctx sha;
    char sha_hex[2 * SHA256_DIGEST_SIZE + 1];
    pcre2_match_context *mctx;
    struct la_ac *ac;              /* atoms → pattern lists */
    unsigned *always;              /* patterns without atom */
    size_t nalways;
};

int la_cond_eval(const struct rule *r, int node, uint64_t sels);
int la_rule_applies_format(const struct rule *r, const char *format);
enum la_rc la_match_build(struct la_ruleset *rs);
void la_ac_free(struct la_ac *ac);

#endif
