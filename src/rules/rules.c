/*
 * The ruleset object: its lifecycle and its read-only queries.
 *
 * A struct la_ruleset is filled by load.c (la_ruleset_add_file/_buffer),
 * made immutable by compile.c (la_ruleset_compile) and then only read: by
 * the matchers (match.c) and by the accessors here, which the analysis, the
 * CLI and `rules export` use.  Its strings live in its pool; its patterns
 * own their pcre2_code; everything goes in la_ruleset_free(), which also
 * takes a ruleset left half-built by an allocation failure.
 */
#include "config.h"

#include <string.h>

#include "core/alloc.h"
#include "rules/rules-internal.h"

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
        if (rs->pats[i].jitted)
            pcre2_code_free(rs->pats[i].jitted);
        if (rs->pats[i].folded)
            pcre2_code_free(rs->pats[i].folded);
    }
    la_free(rs->pats);
    /* The slot after the last rule may hold a rule that ran out of memory half-built. */
    for (size_t i = 0; i < rs->nrules + (rs->nrules < rs->caprules); i++) {
        if (rs->rules[i].pooled)
            continue;
        la_free(rs->rules[i].cond);
        la_free(rs->rules[i].sels);
    }
    la_free(rs->rules);
    la_prefilter_free(rs);
    la_free(rs->always);
    if (rs->mctx)
        pcre2_match_context_free(rs->mctx);
    pool_release(&rs->pool);
    la_free(rs);
}

struct rule *la_ruleset_new_rule(struct la_ruleset *rs)
{
    struct rule *r;

    /* la_grow zeroes the new slots: la_ruleset_free reads the one after the last rule. */
    if (LA_GROW(rs->rules, rs->caprules, rs->nrules + 1) != LA_OK)
        return NULL;
    r = &rs->rules[rs->nrules];
    memset(r, 0, sizeof(*r));
    return r;
}

void la_ruleset_drop_rule(struct la_ruleset *rs, size_t pats_before)
{
    struct rule *r = &rs->rules[rs->nrules];

    for (size_t i = pats_before; i < rs->npats; i++)
        if (rs->pats[i].re)
            pcre2_code_free(rs->pats[i].re);
    rs->npats = pats_before;
    if (!r->pooled) {
        la_free(r->cond);
        la_free(r->sels);
    }
    r->cond = NULL;
    r->sels = NULL;
}

void la_ruleset_set_vocabulary(struct la_ruleset *rs, const char *const *causes,
                               const char *const *formats)
{
    rs->causes = causes;
    rs->formats = formats;
}

void la_ruleset_set_contexts(struct la_ruleset *rs, const char *const *contexts)
{
    rs->contexts = contexts;
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
        u += rs->pats[i].atom == NULL && rs->pats[i].alts == NULL && !rs->pats[i].late;
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
