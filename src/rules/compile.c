/*
 * Compilation: each modifier value becomes a pattern; then the whole set is
 * validated across rules and made immutable.
 *
 * Per value (la_compile_pattern(), called by load.c while it walks a
 * selection): check it (a non-empty string no longer than --limit regex),
 * then make a literal test (the literal kept lowercased unless the
 * selection is 'cased') or a PCRE2 regex (UTF, invalid UTF tolerated; a
 * compile error is LA207, positioned at the offset PCRE2 gives when the
 * scalar is plain or single-quoted), and give it its prefilter atoms
 * (atoms.c).  A pattern with no atom runs on every record: LA208 warning.
 *
 * A loader that makes its patterns (vocab.c: a printf format turned into a
 * literal or a regex, with the atom it knows) uses la_compile_made(), which
 * leaves such a regex to be compiled at its first use (la_pat_re(), match.c),
 * and la_compile_copy() for a pattern another rule already compiled.
 *
 * Per set (la_ruleset_compile(), after the last file): duplicate ids and
 * unknown 'after'/'unless' rules are errors, all reported at once; then
 * every regex but the vocabulary's (nojit) is marked for JIT at its first
 * use (la_pat_re()), the match context gets the PCRE2 limits, the prefilter
 * is built (match.c) and the SHA-256 of the loaded files is fixed.  After it
 * the ruleset is never written again, but for the code la_pat_re() makes at
 * first use (atomically), so any number of matchers (threads) can share it.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "rules/rules-internal.h"

/* The modifier keys of a selection, by op (one place: load.c reads the keys from here). */
const char *const la_pattern_ops[] = {
    [OP_CONTAINS] = "contains",
    [OP_STARTS] = "startswith",
    [OP_ENDS] = "endswith",
    [OP_EQUALS] = "equals",
    [OP_RE] = "re",
    NULL
};

static struct pat *new_pat(struct la_ruleset *rs)
{
    struct pat *p;

    if (LA_GROW(rs->pats, rs->cappats, rs->npats + 1) != LA_OK)
        return NULL;
    p = &rs->pats[rs->npats];
    memset(p, 0, sizeof(*p));
    return p;
}

/*
 * Whether a regex ignores case throughout: it opens with "(?i)" and no option group after it
 * turns an option off ("(?-i)", "(?^)", "(?s-i:"); when unsure, no (the folded pass then
 * tests it again, which costs a match, never a wrong answer).
 */
static int ignores_case(const char *val)
{
    if (strncmp(val, "(?i)", 4))
        return 0;
    for (const char *q = val + 4; (q = strstr(q, "(?")); q++)
        for (const char *o = q + 2; *o == '-' || *o == '^' || isalpha((unsigned char)*o); o++)
            if (*o == '-' || *o == '^')
                return 0;
    return 1;
}

/* pcre2_compile the value into pt, with its atoms: 1 compiled, 0 invalid (LA207), -1 OOM. */
static int compile_regex(struct la_ruleset *rs, struct ydoc *d, struct pat *pt,
                         yaml_node_t *vn)
{
    const char *val = (const char *)vn->data.scalar.value;
    size_t vlen = vn->data.scalar.length;
    uint32_t namecount = 0;
    PCRE2_SIZE erroff;
    int errcode;

    pt->re = pcre2_compile((PCRE2_SPTR)val, vlen, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode,
                           &erroff, NULL);
    if (!pt->re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        int plain = vn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
                    vn->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE;
        la_diagf(d->sink, LA_SEV_ERROR, LA_D_RULE_BAD_REGEX, d->file, pt->line,
                 pt->col + (plain ? (unsigned)erroff +
                                    (vn->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE)
                                  : 0),
                 "invalid regex '%s': %s at offset %zu", val, (const char *)msg, (size_t)erroff);
        d->errors++;
        return 0;
    }
    pcre2_pattern_info(pt->re, PCRE2_INFO_NAMECOUNT, &namecount);
    pt->has_names = namecount > 0;
    pt->caseless = ignores_case(val);
    /* A late pattern is not in the prefilter: it needs no atom. */
    pt->atom = pt->late ? NULL : la_atoms_regex(&rs->pool, val, &pt->atomlen);
    if (!pt->atom && !pt->late && !rs->pool.oom)
        pt->alts = la_atoms_alternatives(&rs->pool, val);
    if (rs->pool.oom) {
        pcre2_code_free(pt->re);           /* not counted yet: free it here */
        pt->re = NULL;
        return -1;
    }
    return 1;
}

/* The literal test and its atom: 0, or -1 when out of memory. */
static int compile_literal(struct la_ruleset *rs, struct pat *pt, const char *val, size_t vlen)
{
    char *l = pool_memdup(&rs->pool, val, vlen);

    if (!l)
        return -1;
    pt->lit = l;
    pt->litlen = vlen;
    pt->atom = la_atoms_literal(&rs->pool, val, vlen);
    if (!pt->atom)
        return -1;
    pt->atomlen = vlen;
    if (!pt->cased)
        memcpy(l, pt->atom, vlen);         /* the atom is the literal lowercased */
    return 0;
}

int la_compile_pattern(struct la_ruleset *rs, struct ydoc *d, const struct pat *proto,
                       yaml_node_t *vn)
{
    const char *key = la_pattern_ops[proto->op];
    struct pat *pt;

    if (!yis_scalar(vn)) {
        yerr(d, vn, LA_D_RULE_WRONG_TYPE, "'%s' values must be strings", key);
        return 0;
    }
    const char *val = (const char *)vn->data.scalar.value;
    size_t vlen = vn->data.scalar.length;
    if (!vlen) {
        yerr(d, vn, LA_D_RULE_BAD_VALUE, "'%s' value is empty", key);
        return 0;
    }
    if (vlen > rs->lim.max_regex) {
        yerr(d, vn, LA_D_RULE_LIMIT, "pattern longer than %u bytes", rs->lim.max_regex);
        return 0;
    }
    pt = new_pat(rs);
    if (!pt)
        return -1;
    *pt = *proto;
    pt->line = (unsigned)vn->start_mark.line + 1;
    pt->col = (unsigned)vn->start_mark.column + 1;
    pt->src = pool_strdup(&rs->pool, val);
    if (!pt->src)
        return -1;
    if (pt->op == OP_RE) {
        int ok = compile_regex(rs, d, pt, vn);
        if (ok <= 0)
            return ok;
    } else if (compile_literal(rs, pt, val, vlen) < 0) {
        return -1;
    }
    if (!pt->atom && !pt->alts && !pt->late)
        ywarn(d, vn, LA_D_RULE_NO_LITERAL,
              "pattern '%s' has no required literal of 3+ characters; it runs on every line",
              val);
    rs->npats++;
    return 0;
}

/*
 * A made regex (vocab.c: a printf format's, valid UTF-8 with every metacharacter of its text
 * escaped, no capture group, nesting of a few levels) of at most this many bytes always
 * compiles: its code is at most about 6.5 bytes per byte of source (a run of "%d", the
 * worst: 25 KB for 4 KB), well under PCRE2's 64 KB.  So it is compiled at its first use
 * (la_pat_re()), not at load: there are about a thousand, each tried only on the rare line
 * holding its atom, and compiling them was a tenth of the start-up.  A longer one is
 * compiled here, so that an error is still reported at load.
 */
#define LAZY_MAX_REGEX 4096

int la_compile_made(struct la_ruleset *rs, struct ydoc *d, const struct pat *proto,
                    const char *src, size_t len, const char *atom, size_t atomlen)
{
    struct pat *pt = new_pat(rs);
    PCRE2_SIZE erroff;
    int errcode;

    if (!pt)
        return -1;
    *pt = *proto;
    pt->src = pool_memdup(&rs->pool, src, len);
    if (!pt->src)
        return -1;
    if (pt->op != OP_RE) {
        char *l = pool_memdup(&rs->pool, src, len);
        if (!l || !(pt->atom = la_atoms_literal(&rs->pool, atom, atomlen)))
            return -1;
        for (size_t i = 0; !pt->cased && i < len; i++)
            l[i] = (char)tolower((unsigned char)l[i]);
        pt->lit = l;
        pt->litlen = len;
        pt->atomlen = atomlen;
        rs->npats++;
        return 0;
    }
    if (len <= LAZY_MAX_REGEX) {
        pt->lazy = 1;                      /* compiled at its first use (la_pat_re) */
    } else {
        pt->re = pcre2_compile((PCRE2_SPTR)src, len, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                               &errcode, &erroff, NULL);
        if (!pt->re) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(errcode, msg, sizeof(msg));
            la_diagf(d->sink, LA_SEV_ERROR, LA_D_RULE_BAD_REGEX, d->file, pt->line, pt->col,
                     "invalid regex '%s': %s at offset %zu", pt->src, (const char *)msg,
                     (size_t)erroff);
            d->errors++;
            return 0;
        }
    }
    pt->atom = la_atoms_literal(&rs->pool, atom, atomlen);
    if (!pt->atom) {
        pcre2_code_free(pt->re);           /* not counted yet: free it here */
        pt->re = NULL;
        return -1;
    }
    pt->atomlen = atomlen;
    rs->npats++;
    return 0;
}

int la_compile_copy(struct la_ruleset *rs, const struct pat *proto, size_t from)
{
    struct pat *pt = new_pat(rs);          /* may move rs->pats: from is an index */

    if (!pt)
        return -1;
    *pt = rs->pats[from];
    pt->rule = proto->rule;
    pt->sel = proto->sel;
    pt->mod = proto->mod;
    if (pt->re && !(pt->re = pcre2_code_copy(pt->re)))
        return -1;
    rs->npats++;
    return 0;
}

static uint32_t id_hash(const char *s)
{
    uint32_t h = 2166136261u;      /* FNV-1a */

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/*
 * Duplicate ids: checked even after load errors, to report all at once, in rule order, each
 * with the first rule of its id.  The ids go into a hash table (the vocabulary packs bring
 * thousands of rules, whose ids share long prefixes).  -1 when out of memory.
 */
static int check_ids(struct la_ruleset *rs, struct la_diag_sink *sink)
{
    size_t mask = 15;
    uint32_t *slot, *hash;

    while (mask < 2 * rs->nrules)
        mask = mask * 2 + 1;
    slot = la_calloc(mask + 1, sizeof(*slot));     /* a rule index + 1, 0 when empty */
    hash = la_malloc((mask + 1) * sizeof(*hash));
    if (!slot || !hash) {
        la_free(slot);
        la_free(hash);
        return -1;
    }
    for (size_t i = 0; i < rs->nrules; i++) {
        const struct rule *r = &rs->rules[i], *f = NULL;
        uint32_t h = id_hash(r->meta.id);
        size_t k = h & mask;
        for (; slot[k]; k = (k + 1) & mask)
            if (hash[k] == h && !strcmp(rs->rules[slot[k] - 1].meta.id, r->meta.id)) {
                f = &rs->rules[slot[k] - 1];
                break;
            }
        if (!f) {
            slot[k] = (uint32_t)i + 1;
            hash[k] = h;
            continue;
        }
        la_diagf(sink, LA_SEV_ERROR, LA_D_RULE_DUPLICATE_ID, r->meta.file, r->meta.line, 0,
                 "duplicate rule id '%s' (first defined at %s:%u)", r->meta.id, f->meta.file,
                 f->meta.line);
        rs->errors++;
    }
    la_free(slot);
    la_free(hash);
    return 0;
}

/* 'after' and 'unless' name rules: their ids become indexes. */
static void resolve_refs(struct la_ruleset *rs, struct la_diag_sink *sink)
{
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
    }
}

enum la_rc la_ruleset_compile(struct la_ruleset *rs, struct la_diag_sink *sink)
{
    uint8_t dig[SHA256_DIGEST_SIZE];
    enum la_rc rc;

    if (rs->compiled)
        return LA_OK;
    if (check_ids(rs, sink) < 0)
        return LA_FATAL;
    resolve_refs(rs, sink);
    if (rs->errors)
        return LA_FAILED;
    /* JIT where available (else the interpreter), at a regex's first use (la_pat_re()): a
     * log needs few of them, and JIT-compiling all was a tenth of the start-up.
     * LOGANALYZE_NO_JIT=1 turns it off for memory checkers, which cannot follow
     * JIT-compiled code.  Vocabulary patterns stay interpreted: thousands of them, each run
     * only on the rare line with its atom. */
    if (!getenv("LOGANALYZE_NO_JIT"))
        for (size_t i = 0; i < rs->npats; i++)
            rs->pats[i].jit = rs->pats[i].re && !rs->pats[i].nojit;
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
    rc = la_prefilter_build(rs, sink);
    if (rc != LA_OK)
        return rc;
    rs->compiled = 1;
    return LA_OK;
}
