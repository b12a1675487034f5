/*
 * The matcher: prefilter, then PCRE2.
 *
 * Scan (per record): the ruleset's prefilter backend (prefilter.c: the
 * portable automaton of ac.c, or Vectorscan) reports the atoms in the
 * line, case-insensitively (or they are taken from the hits of the block
 * the line lies in, found by one scan of the whole block: block_atoms); their patterns are the candidates (plus those
 * without an atom), tested in pattern order, each on its field (memmem on
 * the line lowercased once, when a literal test first needs it, or
 * pcre2_match); a hit sets its modifier bit, and the condition (cond.c) of
 * every rule that had a hit is evaluated.  Patterns on the 'context' field
 * (and the 'late' ones of vocabulary variants) have no atom: they run only
 * for rules another pattern touched.  A rule's named captures are
 * extracted only when the rule matches.  Per-matcher state (match data,
 * stamps, bit sets, the backend's scratch space) keeps the ruleset
 * immutable and shareable by threads.
 *
 * The case-folded pass (la_matcher_scan_folded): a line retyped from a
 * photo or re-cased by a forum ("error: unable to send ibec") holds the
 * atoms of the rules it was written for, since the prefilter ignores case;
 * only the case-sensitive tests (regexes, a vocabulary pack's literals)
 * miss.  So the pass takes the last scan's candidates again and tests them
 * with letter case ignored, reporting the rules that fire now and did not
 * fire as written.  It runs only when its caller asks (the analysis: on an
 * error-looking line no rule explained, and on every line of a member that
 * lost its case) and only on a record that may say it failed (the fallback
 * gate) or whose member lost its case, so its cost is a few regexes on the
 * rare such line; the case-sensitive result is never replaced, only added
 * to.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/alloc.h"
#include "rules/rules-internal.h"

enum la_rc la_match_build(struct la_ruleset *rs)
{
    /* Rules' selections, in a matcher's modifier bits one after the other. */
    rs->nsels = 0;
    for (size_t i = 0; i < rs->nrules; i++) {
        rs->rules[i].first_sel = rs->nsels;
        rs->nsels += rs->rules[i].nsel;
    }
    /* Rules' pattern ranges (patterns are stored in rule order). */
    for (size_t i = 0; i < rs->npats; i++) {
        struct rule *r = &rs->rules[rs->pats[i].rule];
        if (!r->npat)
            r->first_pat = i;
        r->npat++;
    }
    return LA_OK;
}

/* ---------------------------------------------------------------- matcher */

struct la_matcher {
    const struct la_ruleset *rs;
    pcre2_match_data *md;
    uint32_t gen;
    uint32_t *pat_stamp;           /* per pattern: generation it was queued in */
    uint32_t *rule_stamp;          /* per rule: generation it was touched in */
    uint32_t *cand;                /* candidate patterns */
    size_t ncand;
    uint32_t *touched;             /* rules with a pattern hit */
    size_t ntouched;
    uint32_t *modbits;             /* per selection of each rule (rule.first_sel): satisfied
                                      modifiers */
    unsigned char *pat_hit;        /* per pattern: matched in this generation */
    unsigned char *disabled;       /* per rule */
    struct la_buf lower;           /* the line lowercased, made when a literal test needs it */
    size_t hint_at[LA_HINTS];      /* start of the last occurrence of each hint word, +1 */
    struct la_buf scratch;         /* a field outside the line, lowercased */
    int lowered;
    struct la_capture *caps;
    size_t ncaps, capcaps;
    int profile;
    int gate_fallback;             /* la_matcher_gate_fallback() */
    int fold;                      /* 1 during the case-folded pass */
    uint32_t *fired;               /* per rule: generation it fired in */
    uint32_t scan_gen;             /* the generation of the last la_matcher_scan() */
    const struct la_record *scanned;   /* the record it scanned */
    struct la_buf foldlit;         /* a cased literal lowercased, for the folded pass */
    uint64_t nfolded, nfoldhits;   /* folded passes run, rules they reported */
    uint64_t *checks, *hits, *ns;
    void *pf_scratch;              /* the prefilter backend's scratch space, or NULL */
    const struct la_block_hits *bh;  /* the block hits records may take (la_matcher_use_hits) */
    uint64_t served;               /* records whose candidates came from them */
};

struct la_matcher *la_matcher_new(const struct la_ruleset *rs)
{
    struct la_matcher *m;

    if (!rs || !rs->compiled)
        return NULL;
    m = la_calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->rs = rs;
    m->md = pcre2_match_data_create(32, NULL);
    m->pat_stamp = la_calloc(rs->npats + 1, sizeof(uint32_t));
    m->pat_hit = la_calloc(rs->npats + 1, 1);
    m->cand = la_calloc(rs->npats + 1, sizeof(uint32_t));
    m->rule_stamp = la_calloc(rs->nrules + 1, sizeof(uint32_t));
    m->touched = la_calloc(rs->nrules + 1, sizeof(uint32_t));
    m->fired = la_calloc(rs->nrules + 1, sizeof(uint32_t));
    m->disabled = la_calloc(rs->nrules + 1, 1);
    m->modbits = la_calloc(rs->nsels + 1, sizeof(uint32_t));
    m->checks = la_calloc(rs->nrules + 1, sizeof(uint64_t));
    m->hits = la_calloc(rs->nrules + 1, sizeof(uint64_t));
    m->ns = la_calloc(rs->nrules + 1, sizeof(uint64_t));
    la_buf_init(&m->lower, 0);
    la_buf_init(&m->scratch, 0);
    la_buf_init(&m->foldlit, 0);
    if (!m->md || !m->pat_stamp || !m->pat_hit || !m->cand || !m->rule_stamp || !m->touched ||
        !m->fired || !m->disabled || !m->modbits || !m->checks || !m->hits || !m->ns ||
        rs->pf->scratch_new(rs->pf_db, &m->pf_scratch) < 0) {
        la_matcher_free(m);
        return NULL;
    }
    return m;
}

void la_matcher_free(struct la_matcher *m)
{
    if (!m)
        return;
    if (m->md)
        pcre2_match_data_free(m->md);
    if (m->pf_scratch)
        m->rs->pf->scratch_free(m->pf_scratch);
    la_free(m->pat_stamp);
    la_free(m->pat_hit);
    la_free(m->cand);
    la_free(m->rule_stamp);
    la_free(m->touched);
    la_free(m->fired);
    la_free(m->disabled);
    la_free(m->modbits);
    la_free(m->checks);
    la_free(m->hits);
    la_free(m->ns);
    la_free(m->caps);
    la_buf_release(&m->lower);
    la_buf_release(&m->scratch);
    la_buf_release(&m->foldlit);
    la_free(m);
}

void la_matcher_reset(struct la_matcher *m)
{
    memset(m->disabled, 0, m->rs->nrules + 1);
}

void la_matcher_enable_profile(struct la_matcher *m, int on)
{
    m->profile = on;
}

void la_matcher_gate_fallback(struct la_matcher *m, int on)
{
    m->gate_fallback = on;
}

void la_matcher_profile(const struct la_matcher *m, size_t rule, uint64_t *ret_checks,
                        uint64_t *ret_hits, uint64_t *ret_ns)
{
    *ret_checks = m->checks[rule];
    *ret_hits = m->hits[rule];
    *ret_ns = m->ns[rule];
}

static void queue_pat(struct la_matcher *m, uint32_t p)
{
    if (m->pat_stamp[p] != m->gen) {
        m->pat_stamp[p] = m->gen;
        m->pat_hit[p] = 0;
        m->cand[m->ncand++] = p;
    }
}

static struct la_sv field_of(const struct la_record *rec, int field)
{
    switch (field) {
    case FIELD_TEXT:
        return rec->text;
    case FIELD_COMPONENT:
        return rec->component;
    case FIELD_LEVEL:
        return rec->level;
    case FIELD_CONTEXT:
        return rec->context.p ? rec->context : rec->text;
    default:
        return rec->message;
    }
}

static const char *find_lit(const char *h, size_t hl, const char *n, size_t nl)
{
    if (nl > hl)
        return NULL;
    return memmem(h, hl, n, nl);
}

pcre2_code *la_pat_re(const struct pat *p)
{
    /* The ruleset is shared read-only, but for this one slot, written once from NULL. */
    pcre2_code **slot = (pcre2_code **)(p->jit ? &p->jitted : &p->re);
    pcre2_code *re = __atomic_load_n(slot, __ATOMIC_ACQUIRE), *none = NULL;
    PCRE2_SIZE erroff;
    int errcode;

    if (re || !(p->lazy || p->jit))
        return re;
    if (p->jit) {
        /* A copy: other threads may be running re.  Where PCRE2 has no JIT the copy runs
         * in the interpreter, as re did when it was JIT-compiled at load. */
        if ((re = pcre2_code_copy(p->re)))
            (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    } else {
        re = pcre2_compile((PCRE2_SPTR)p->src, PCRE2_ZERO_TERMINATED,
                           PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &erroff, NULL);
    }
    if (!re)
        return NULL;                       /* out of memory: la_compile_made() tells why */
    if (!__atomic_compare_exchange_n(slot, &none, re, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        pcre2_code_free(re);               /* another thread published it first */
        re = none;
    }
    return re;
}

pcre2_code *la_pat_re_folded(const struct pat *p)
{
    pcre2_code **slot = (pcre2_code **)&p->folded;
    pcre2_code *re = __atomic_load_n(slot, __ATOMIC_ACQUIRE), *none = NULL;
    PCRE2_SIZE erroff;
    int errcode;

    if (re || !p->src)
        return re;
    re = pcre2_compile((PCRE2_SPTR)p->src, PCRE2_ZERO_TERMINATED,
                       PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_CASELESS, &errcode, &erroff,
                       NULL);
    if (!re)
        return NULL;
    if (p->jit)                            /* a rule file's regex runs JIT-compiled as written */
        (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    if (!__atomic_compare_exchange_n(slot, &none, re, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        pcre2_code_free(re);               /* another thread published it first */
        re = none;
    }
    return re;
}

/*
 * Whether the folded pass ignores case in p: every regex (a rule file's is case-sensitive
 * only because regexes are), and a vocabulary pack's literal (cased because a printf format
 * is); not a rule file's literal whose author wrote 'cased: true', which says that case
 * matters there ("RESTORE FAILED", "DONE"), except in a member that lost its case as a whole
 * (rec->case_lost), where no word has the case it was written in.
 */
static int folds(const struct la_matcher *m, const struct pat *p)
{
    if (!m->fold)
        return 0;
    if (p->op == OP_RE)
        return !p->caseless;
    return p->cased && (m->rs->rules[p->rule].meta.vocab_producer || m->scanned->case_lost);
}

/*
 * Whether a producer's message matched with case ignored at byte off of s may start there:
 * one that opens with a word, not inside a word, and not after a word and a blank unless
 * that word is a level word ("ERROR unable to ..."); one that opens otherwise (": failed to
 * load", after a dropped "%s") anywhere.  As written, a pack pattern gets this from its case (a message
 * that opens with a capital, "Unknown Error", "RESTORE FAILED", is not found inside prose or
 * an identifier, "an unknown error occurred", "ModeRestore failed") or from
 * la_printf_add_message_start() (printf.c); ignoring case must not lose it: the level words
 * are the same, la_printf_logger_levels.
 */
static int at_message_start(const char *s, size_t off)
{
    unsigned char c;

    if (!off || !isalpha((unsigned char)s[off]))
        return 1;
    c = (unsigned char)s[off - 1];
    if (isalnum(c) || c == '_')
        return 0;
    if (c != ' ' || off < 2 || !isalpha((unsigned char)s[off - 2]))
        return 1;
    /* s[off - 1] is the blank: the word before it, whole. */
    for (const char *const *w = la_printf_logger_levels; *w; w++) {
        size_t n = strlen(*w) + 1;
        if (off >= n && !strncasecmp(s + off - n, *w, n - 1) &&
            (off == n || !isalnum((unsigned char)s[off - n - 1])))
            return 1;
    }
    return 0;
}

/* A folded pack regex: its first match that starts where a message may (at_message_start). */
static int match_message(struct la_matcher *m, const pcre2_code *re, const char *s, size_t len)
{
    for (PCRE2_SIZE start = 0; start <= len;) {
        int r = pcre2_match(re, (PCRE2_SPTR)s, len, start, 0, m->md, m->rs->mctx);
        if (r < 0)
            return r;
        PCRE2_SIZE at = pcre2_get_ovector_pointer(m->md)[0];
        if (at_message_start(s, at))
            return r;
        for (start = at + 1; start < len && ((unsigned char)s[start] & 0xC0) == 0x80; start++)
            ;
    }
    return PCRE2_ERROR_NOMATCH;
}

/* A folded pack literal in the lowered field: an occurrence where a message may start. */
static int contains_message(const char *s, size_t len, const char *lit, size_t litlen)
{
    for (const char *h = s, *f; (f = find_lit(h, len - (size_t)(h - s), lit, litlen)); h = f + 1)
        if (at_message_start(s, (size_t)(f - s)))
            return 1;
    return 0;
}

/* 1 match, 0 no match, -1 limit hit, -2 out of memory. */
static int test_pat(struct la_matcher *m, const struct pat *p, const struct la_record *rec)
{
    struct la_sv v = field_of(rec, p->field);
    const char *s = v.p;

    if (!s)
        s = "";
    int fold = folds(m, p);
    /* A producer's message read with case ignored: only where a message may start. */
    int pack = fold && m->rs->rules[p->rule].meta.vocab_producer;

    if (p->op == OP_RE) {
        pcre2_code *re = fold ? la_pat_re_folded(p) : la_pat_re(p);
        if (!re)
            return -2;
        int r = pack ? match_message(m, re, s, v.len)
                     : pcre2_match(re, (PCRE2_SPTR)s, v.len, 0, 0, m->md, m->rs->mctx);
        if (r >= 0)
            return 1;
        if (r == PCRE2_ERROR_MATCHLIMIT || r == PCRE2_ERROR_DEPTHLIMIT ||
            r == PCRE2_ERROR_HEAPLIMIT)
            return -1;
        return 0;
    }
    if ((!p->cased || fold) && v.len &&
        (s < rec->text.p || s + v.len > rec->text.p + rec->text.len)) {
        /* A field outside the line (the group's context): lowercase it on its own. */
        la_buf_reset(&m->scratch);
        if (la_buf_grow(&m->scratch, v.len) != LA_OK)
            return -2;
        for (size_t i = 0; i < v.len; i++)
            m->scratch.buf[i] = (char)tolower((unsigned char)s[i]);
        m->scratch.len = v.len;
        s = m->scratch.buf;
    } else if (!p->cased || fold) {
        /* Fields are views into text; use the lowercased copy of text. */
        if (!v.len)
            return 0;
        if (!m->lowered) {
            la_buf_reset(&m->lower);
            if (la_buf_grow(&m->lower, rec->text.len) != LA_OK)
                return -2;
            for (size_t i = 0; i < rec->text.len; i++)
                m->lower.buf[i] = (char)tolower((unsigned char)rec->text.p[i]);
            m->lower.len = rec->text.len;
            m->lower.buf[rec->text.len] = '\0';
            m->lowered = 1;
        }
        s = m->lower.buf + (s - rec->text.p);
    }
    const char *lit = p->lit;
    if (fold && p->cased) {
        /* The line is lowercased above: the literal must be too. */
        la_buf_reset(&m->foldlit);
        if (la_buf_grow(&m->foldlit, p->litlen) != LA_OK)
            return -2;
        for (size_t i = 0; i < p->litlen; i++)
            m->foldlit.buf[i] = (char)tolower((unsigned char)p->lit[i]);
        m->foldlit.len = p->litlen;
        lit = m->foldlit.buf;
    }
    switch (p->op) {
    case OP_CONTAINS:
        if (pack)
            return contains_message(s, v.len, lit, p->litlen);
        return find_lit(s, v.len, lit, p->litlen) != NULL;
    case OP_STARTS:
        return v.len >= p->litlen && !memcmp(s, lit, p->litlen);
    case OP_ENDS:
        return v.len >= p->litlen && !memcmp(s + v.len - p->litlen, lit, p->litlen);
    case OP_EQUALS:
        return v.len == p->litlen && !memcmp(s, lit, p->litlen);
    }
    return 0;
}

static int add_cap(struct la_matcher *m, const char *name, const char *s, size_t len)
{
    if (LA_GROW(m->caps, m->capcaps, m->ncaps + 1) != LA_OK)
        return -1;
    m->caps[m->ncaps].name = name;
    m->caps[m->ncaps].value = la_sv_make(s, len);
    m->ncaps++;
    return 0;
}

/* Named captures of the rule's regexes that matched. */
static int collect_caps(struct la_matcher *m, const struct rule *r, const struct la_record *rec)
{
    m->ncaps = 0;
    for (size_t i = r->first_pat; i < r->first_pat + r->npat; i++) {
        const struct pat *p = &m->rs->pats[i];
        if (!p->has_names || p->op != OP_RE || m->pat_stamp[i] != m->gen || !m->pat_hit[i])
            continue;
        struct la_sv v = field_of(rec, p->field);
        /* the code test_pat() matched with */
        const pcre2_code *re = folds(m, p) ? la_pat_re_folded(p) : la_pat_re(p);
        if (!re)
            return -1;
        if (pcre2_match(re, (PCRE2_SPTR)(v.p ? v.p : ""), v.len, 0, 0, m->md, m->rs->mctx) < 0)
            continue;
        uint32_t count, size;
        PCRE2_SPTR table;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
        uint32_t ovn = pcre2_get_ovector_count(m->md);
        pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &count);
        pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &size);
        pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table);
        for (uint32_t k = 0; k < count; k++) {
            const unsigned char *e = table + (size_t)k * size;
            unsigned grp = (unsigned)(e[0] << 8 | e[1]);
            if (grp >= ovn || ov[2 * grp] == PCRE2_UNSET)
                continue;
            if (add_cap(m, (const char *)e + 2, v.p + ov[2 * grp],
                        ov[2 * grp + 1] - ov[2 * grp]) < 0)
                return -1;
        }
    }
    return 0;
}

/*
 * Whether a fallback rule (rules.h, la_rule_meta.fallback) may read this record when the
 * matcher gates them (la_matcher_gate_fallback): the analysis lets it count only on the line
 * that ended a run, and such a line says that something failed, in a hint word ("error",
 * "fail", "unable to", "invalid" ...: enum la_hint) or its level.  Testing it on every other
 * line that holds one of its atoms ("mode", "file") cost a tenth of the matching time of a
 * large restore archive, for matches that could never count.
 */
static int may_have_failed(const struct la_matcher *m, const struct la_record *rec)
{
    for (int h = 0; h < LA_HINTS; h++)
        if (m->hint_at[h])
            return 1;
    return la_record_error_level(rec);
}

/*
 * A rule scoped to formats applies to them, and to plain "text": a short paste that no probe
 * recognised may well be one of them, and the scope only exists to keep a rule off the
 * formats it was not written for.
 */
static int applies_format(const struct rule *r, const char *format)
{
    if (!r->formats || !strcmp(format, "text"))
        return 1;
    return in_list(r->formats, format);
}

/*
 * An atom the prefilter found, ending at byte end - 1: its patterns become candidates, a
 * hint word's start + 1 is kept (the last one: the largest).
 */
static int atom_hit(void *user, uint32_t atom, size_t end)
{
    struct la_matcher *m = user;
    const struct la_atoms *at = &m->rs->atoms;

    for (uint32_t en = at->first[atom]; en != UINT32_MAX; en = at->ent_next[en]) {
        uint32_t pat = at->ent_pat[en];
        if (pat >= LA_HINT_PAT) {
            size_t pos = end + 1 - at->len[atom];
            if (pos > m->hint_at[pat - LA_HINT_PAT])
                m->hint_at[pat - LA_HINT_PAT] = pos;
        } else {
            queue_pat(m, pat);
        }
    }
    return 0;
}

void la_matcher_use_hits(struct la_matcher *m, const struct la_block_hits *h)
{
    m->bh = h;
}

uint64_t la_matcher_hits_served(const struct la_matcher *m)
{
    return m->served;
}

/*
 * The record's atoms from the block hits, when its text lies wholly inside the block they
 * were found in: the hits whose atom begins and ends inside the text, at their offsets in
 * the text (an atom that straddles the text's start or end is not the text's).  1 when it
 * did, 0 when the record must be scanned on its own.
 */
static int block_atoms(struct la_matcher *m, const struct la_record *rec)
{
    const struct la_block_hits *h = m->bh;
    const size_t *alen = m->rs->atoms.len;
    uintptr_t b, p;
    size_t off, end, lo, hi;

    if (!h || !h->usable || h->rs != m->rs || !rec->text.p)
        return 0;
    b = (uintptr_t)h->base;
    p = (uintptr_t)rec->text.p;
    if (p < b || p - b > h->len || rec->text.len > h->len - (p - b))
        return 0;
    off = p - b;
    end = off + rec->text.len;
    /* The first hit that ends after the text's first byte. */
    for (lo = 0, hi = h->n; lo < hi;) {
        size_t mid = lo + (hi - lo) / 2;
        if ((size_t)(h->hit[mid] >> 32) <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < h->n; lo++) {
        size_t e = (size_t)(h->hit[lo] >> 32);
        uint32_t a = (uint32_t)h->hit[lo];
        if (e > end)
            break;
        if (e - alen[a] >= off)
            (void)atom_hit(m, a, e - off);
    }
    m->served++;
    return 1;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * A new generation of stamps for a scan, with room for the folded pass's after it: the
 * stamps start again from 1 (0 means never) before the counter could wrap.
 */
static void next_gen(struct la_matcher *m)
{
    const struct la_ruleset *rs = m->rs;

    if (m->gen >= UINT32_MAX - 2) {
        memset(m->pat_stamp, 0, (rs->npats + 1) * sizeof(uint32_t));
        memset(m->rule_stamp, 0, (rs->nrules + 1) * sizeof(uint32_t));
        memset(m->fired, 0, (rs->nrules + 1) * sizeof(uint32_t));
        m->gen = 0;
    }
    m->gen++;
}

/*
 * Test the candidates m->cand (in pattern order, stamped with this generation) and report
 * every rule whose condition holds, but for the rules that fired in generation skip (0: none).
 */
static enum la_rc check(struct la_matcher *m, const struct la_record *rec, la_rule_hit_fn *fn,
                        void *user, struct la_diag_sink *sink, uint32_t skip)
{
    const struct la_ruleset *rs = m->rs;
    enum la_rc rc = LA_OK;

    m->ntouched = 0;
    /* Check candidates. */
    for (size_t i = 0; i < m->ncand; i++) {
        uint32_t pi = m->cand[i];
        const struct pat *p = &rs->pats[pi];
        const struct rule *r = &rs->rules[p->rule];
        uint64_t t0 = 0;
        int hit;

        if (m->disabled[p->rule] || (skip && m->fired[p->rule] == skip) ||
            !applies_format(r, rec->format) ||
            (r->meta.fallback && m->gate_fallback && !may_have_failed(m, rec)))
            continue;
        if (m->rule_stamp[p->rule] != m->gen) {
            m->rule_stamp[p->rule] = m->gen;
            memset(&m->modbits[r->first_sel], 0, r->nsel * sizeof(uint32_t));
            m->touched[m->ntouched++] = p->rule;
        }
        if (m->profile) {
            t0 = now_ns();
            m->checks[p->rule]++;
        }
        /* The folded pass tests again only what ignoring case can change: a pattern that
         * folds and did not match as written; the others keep the scan's result. */
        if (m->fold && (m->pat_hit[pi] || !folds(m, p)))
            hit = m->pat_hit[pi];
        else
            hit = test_pat(m, p, rec);
        if (m->profile)
            m->ns[p->rule] += now_ns() - t0;
        if (hit == -2)
            return LA_FATAL;
        if (hit < 0) {
            m->disabled[p->rule] = 1;
            la_diagf(sink, LA_SEV_WARNING, LA_D_RULE_MATCH_LIMIT, r->meta.file, p->line, p->col,
                     "rule '%s': pattern hit the PCRE2 match limit; rule disabled for this input",
                     r->meta.id);
            continue;
        }
        if (hit) {
            m->pat_hit[pi] = 1;
            m->modbits[r->first_sel + p->sel] |= 1u << p->mod;
        }
    }
    if (m->ntouched > 1)
        qsort(m->touched, m->ntouched, sizeof(uint32_t), cmp_u32);
    for (size_t i = 0; i < m->ntouched && rc == LA_OK; i++) {
        uint32_t ri = m->touched[i];
        const struct rule *r = &rs->rules[ri];
        uint64_t sels = 0;

        if (m->disabled[ri] || r->root < 0)
            continue;
        /* Patterns on the group's context line (and late ones) run only here, for rules
         * already touched. */
        for (size_t pi = r->first_pat; pi < r->first_pat + r->npat; pi++) {
            const struct pat *p = &rs->pats[pi];
            int hit;
            if (p->field != FIELD_CONTEXT && !p->late)
                continue;
            if (m->pat_stamp[pi] != m->gen) {
                m->pat_stamp[pi] = m->gen;
                m->pat_hit[pi] = 0;
            }
            hit = test_pat(m, p, rec);
            if (hit == -2)
                return LA_FATAL;
            if (hit > 0) {
                m->pat_hit[pi] = 1;
                m->modbits[r->first_sel + p->sel] |= 1u << p->mod;
            }
        }
        for (unsigned s = 0; s < r->nsel; s++) {
            uint32_t full = r->sels[s].nmods >= 32 ? UINT32_MAX : (1u << r->sels[s].nmods) - 1;
            if (r->sels[s].nmods && m->modbits[r->first_sel + s] == full)
                sels |= 1ull << s;
        }
        if (!sels || !la_cond_eval(r, r->root, sels))
            continue;
        if (m->profile)
            m->hits[ri]++;
        m->fired[ri] = m->gen;
        if (skip)
            m->nfoldhits++;
        if (collect_caps(m, r, rec) < 0)
            return LA_FATAL;
        rc = fn(user, ri, m->caps, m->ncaps);
    }
    return rc;
}

enum la_rc la_matcher_scan(struct la_matcher *m, const struct la_record *rec,
                           la_rule_hit_fn *fn, void *user, struct la_diag_sink *sink)
{
    const struct la_ruleset *rs = m->rs;

    next_gen(m);
    m->ncand = 0;
    m->fold = 0;
    m->scanned = rec;
    m->scan_gen = m->gen;
    /* The prefilter over the line: candidates and hint words. */
    m->lowered = 0;
    memset(m->hint_at, 0, sizeof(m->hint_at));
    if (!block_atoms(m, rec) &&
        rs->pf->scan(rs->pf_db, m->pf_scratch, (const unsigned char *)rec->text.p,
                     rec->text.len, atom_hit, m) < 0)
        return LA_FATAL;
    for (size_t i = 0; i < rs->nalways; i++)
        queue_pat(m, rs->always[i]);
    /* In pattern order, whatever order the backend found them in. */
    if (m->ncand > 1)
        qsort(m->cand, m->ncand, sizeof(uint32_t), cmp_u32);
    return check(m, rec, fn, user, sink, 0);
}

enum la_rc la_matcher_scan_folded(struct la_matcher *m, const struct la_record *rec,
                                  la_rule_hit_fn *fn, void *user, struct la_diag_sink *sink)
{
    enum la_rc rc;

    /* Only right after the scan of this record, and only on a line that may say it failed or
     * of a member that lost its case. */
    if (!rec || rec != m->scanned || m->gen != m->scan_gen ||
        !(rec->case_lost || may_have_failed(m, rec)))
        return LA_OK;
    m->gen++;                              /* next_gen() left room for it */
    /* The same candidates, stamped anew (collect_caps() reads a pattern's hit by its
     * stamp), each with the scan's result, which check() keeps where case cannot change it. */
    for (size_t i = 0; i < m->ncand; i++)
        m->pat_stamp[m->cand[i]] = m->gen;
    m->fold = 1;
    m->nfolded++;
    rc = check(m, rec, fn, user, sink, m->scan_gen);
    m->fold = 0;
    return rc;
}

void la_matcher_fold_stats(const struct la_matcher *m, uint64_t *ret_passes, uint64_t *ret_hits)
{
    *ret_passes = m->nfolded;
    *ret_hits = m->nfoldhits;
}

size_t la_matcher_hint_at(const struct la_matcher *m, enum la_hint h)
{
    return h < LA_HINTS ? m->hint_at[h] : 0;
}
