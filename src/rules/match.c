/*
 * The matcher: literal prefilter, then PCRE2.
 *
 * Build (once per ruleset): the distinct atoms of all patterns go into an
 * Aho-Corasick automaton, a DFA over byte classes (only the bytes that
 * occur in atoms get their own class).  The states up to DENSE_DEPTH bytes
 * deep have dense rows, so scanning a record is one table lookup per byte
 * while the text holds no more of an atom; a deeper state (nearly always on
 * the single path of one long vocabulary atom) has a list of its edges and
 * its fail link, and a step from it follows them: the same states as a
 * dense table, which for the shipped rules would be 3.4 MB, written (and
 * faulted in) at every start-up.  The trie is built as lists of children
 * and each dense row written once.  Each state lists the atoms that end
 * there, and each atom the patterns that require it.
 *
 * Scan (per record): run the DFA over the line (case folded by the byte
 * classes), collect the candidate patterns (plus those without an atom),
 * check each candidate on its field (memmem on the line lowercased once,
 * when a literal test first needs it, or pcre2_match), set its modifier
 * bit, and evaluate (cond.c) the condition of every rule that had a hit.
 * Patterns on the 'context' field (and the 'late' ones of vocabulary
 * variants) have no atom in the DFA: they run only for rules another
 * pattern touched.  A rule's named captures are
 * extracted only when the rule matches.  Per-matcher state (match data,
 * stamps, bit sets) keeps the ruleset immutable and shareable by threads.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "rules/rules-internal.h"

#define AC_OUT 0x80000000u          /* an entry's target has outputs */
#define AC_DEEP 0x40000000u         /* an entry's target is a deep state: the rest is its index */
#define AC_IDX 0x3fffffffu
/*
 * States no deeper than this (the root is depth 0) have a dense row; deeper ones, nearly all
 * on the single path of one long atom, a list of their edges and their fail link.
 */
#define DENSE_DEPTH 6

struct la_ac {
    unsigned char cls[256];        /* byte → class */
    unsigned nclass;
    unsigned nstates;              /* numbered breadth-first: dense states first */
    unsigned ndense;
    uint32_t *next;                /* ndense × nclass entries.  An entry is the target's row
                                    * offset (state × nclass), or AC_DEEP and its deep index
                                    * (state - ndense); AC_OUT set when the target has
                                    * outputs: the scan loop then needs no multiply and no
                                    * second table while it stays in dense states */
    uint32_t *deep_first;          /* per deep state + 1: its first edge */
    unsigned char *deep_cls;       /* per deep edge: its class */
    uint32_t *deep_to;             /* per deep edge: the entry of its target */
    uint32_t *deep_fail;           /* per deep state: the entry of its fail link (no AC_OUT) */
    uint32_t *out_first;           /* per state: index into out list, or UINT32_MAX */
    uint32_t *out_next;            /* per output entry: next entry */
    uint32_t *out_atom;            /* per output entry: atom index */
    size_t nout;
    uint32_t *atom_first;          /* per atom: first entry of its pattern chain */
    uint32_t *ent_pat;             /* per (atom, pattern) entry: the pattern */
    uint32_t *ent_next;            /* per entry: next entry with the same atom */
    size_t natoms, nent;
};

void la_ac_free(struct la_ac *ac)
{
    if (!ac)
        return;
    la_free(ac->next);
    la_free(ac->deep_first);
    la_free(ac->deep_cls);
    la_free(ac->deep_to);
    la_free(ac->deep_fail);
    la_free(ac->out_first);
    la_free(ac->out_next);
    la_free(ac->out_atom);
    la_free(ac->atom_first);
    la_free(ac->ent_pat);
    la_free(ac->ent_next);
    la_free(ac);
}

/* Caps of the two parallel output arrays, which grow together. */
struct outcap {
    size_t next, atom;
};

static int add_out(struct la_ac *ac, uint32_t state, uint32_t atom, struct outcap *cap)
{
    if (LA_GROW(ac->out_next, cap->next, ac->nout + 1) != LA_OK ||
        LA_GROW(ac->out_atom, cap->atom, ac->nout + 1) != LA_OK)
        return -1;
    ac->out_atom[ac->nout] = atom;
    ac->out_next[ac->nout] = ac->out_first[state];
    ac->out_first[state] = (uint32_t)ac->nout++;
    return 0;
}

/* Lowercase words the scan reports wherever they occur (enum la_hint order). */
static const char *const hint_words[LA_HINTS] = { "error", "fail", "panic(" };
#define HINT_PAT (UINT32_MAX - LA_HINTS)  /* ent_pat of a hint word: HINT_PAT + hint */

/*
 * The distinct atoms while building: their text, and a hash table of their indexes + 1
 * (0: empty slot), so that finding an atom among thousands is not a scan of all of them.
 */
struct atomset {
    const char **atoms;
    size_t *atomlen;
    uint32_t *slot;
    size_t mask;                   /* slots - 1, a power of two minus one */
};

static size_t atom_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;      /* FNV-1a */

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* One (atom, pattern) entry; the atom is added to the trie's list when new. */
static void add_atom(struct la_ac *ac, struct atomset *as, size_t *atom_of, size_t *maxstates,
                     const char *at, size_t al, uint32_t pat)
{
    const char **atoms = as->atoms;
    size_t *atomlen = as->atomlen;
    size_t a = 0, h = atom_hash(at, al) & as->mask;

    for (; as->slot[h]; h = (h + 1) & as->mask) {
        a = as->slot[h] - 1;
        if (atomlen[a] == al && !memcmp(atoms[a], at, al))
            break;
    }
    if (!as->slot[h]) {
        a = ac->natoms;
        as->slot[h] = (uint32_t)a + 1;
        atoms[a] = at;
        atomlen[a] = al;
        ac->natoms++;
        *maxstates += al;
    }
    atom_of[ac->nent] = a;
    ac->ent_pat[ac->nent] = pat;
    ac->nent++;
    for (size_t k = 0; k < al; k++)
        if (!ac->cls[(unsigned char)at[k]]) {
            unsigned char lc = (unsigned char)at[k];
            ac->cls[lc] = (unsigned char)++ac->nclass;
            /* Atoms are lowercase; the upper case byte shares the class, so the scan needs
             * no case folding. */
            ac->cls[(unsigned char)toupper(lc)] = ac->cls[lc];
        }
}

/*
 * The trie while building: each state's edges as a list of children in class order
 * (first_child, sibling; cls_in: the class of the edge into a state), the root's also in a
 * table by class.  The finished automaton is written once from it: dense rows for the
 * shallow states, edge lists for the deep ones.
 */
struct trie {
    uint32_t *first_child, *sibling;
    unsigned char *cls_in;
    uint32_t *root;                /* per class: the root's child, or NO_EDGE */
    unsigned char *depth;          /* per state, up to 255 */
};

#define NO_EDGE UINT32_MAX

static uint32_t trie_get(const struct trie *t, uint32_t s, unsigned c)
{
    uint32_t k;

    if (!s)
        return t->root[c];
    for (k = t->first_child[s]; k != NO_EDGE && t->cls_in[k] < c; k = t->sibling[k])
        ;
    return k != NO_EDGE && t->cls_in[k] == c ? k : NO_EDGE;
}

/* The child of s by class c, made (as state *nstates) when new. */
static uint32_t trie_step(struct trie *t, uint32_t s, unsigned c, unsigned *nstates)
{
    uint32_t *at = &t->first_child[s], k;

    while (*at != NO_EDGE && t->cls_in[*at] < c)
        at = &t->sibling[*at];
    if (*at != NO_EDGE && t->cls_in[*at] == c)
        return *at;
    k = (uint32_t)(*nstates)++;
    t->cls_in[k] = (unsigned char)c;
    t->first_child[k] = NO_EDGE;
    t->sibling[k] = *at;
    t->depth[k] = t->depth[s] < 255 ? t->depth[s] + 1 : 255;
    *at = k;
    if (!s)
        t->root[c] = k;
    return k;
}

static void trie_release(struct trie *t)
{
    la_free(t->first_child);
    la_free(t->sibling);
    la_free(t->cls_in);
    la_free(t->root);
    la_free(t->depth);
}

/* The automaton's step from f by class c, following fail links where f has no edge. */
static uint32_t delta(const struct trie *t, const uint32_t *fail, uint32_t f, unsigned c)
{
    for (;;) {
        uint32_t g = trie_get(t, f, c);
        if (g != NO_EDGE)
            return g;
        if (!f)
            return 0;
        f = fail[f];
    }
}

/*
 * Breadth-first from the root (children in class order): fail links, and each state's
 * outputs merged with those of its fail link.  queue gets every state but the root, in that
 * order.  -1 when out of memory.
 */
static int link_states(struct la_ac *ac, const struct trie *t, uint32_t *fail, uint32_t *queue,
                       size_t *ret_n, struct outcap *outcap)
{
    size_t qh = 0, qt = 0;

    for (uint32_t k = t->first_child[0]; k != NO_EDGE; k = t->sibling[k]) {
        fail[k] = 0;
        queue[qt++] = k;
    }
    while (qh < qt) {
        uint32_t s = queue[qh++];
        for (uint32_t o = ac->out_first[fail[s]]; o != UINT32_MAX; o = ac->out_next[o])
            if (add_out(ac, s, ac->out_atom[o], outcap) < 0)
                return -1;
        for (uint32_t k = t->first_child[s]; k != NO_EDGE; k = t->sibling[k]) {
            fail[k] = delta(t, fail, fail[s], t->cls_in[k]);
            queue[qt++] = k;
        }
    }
    *ret_n = qt;
    return 0;
}

/* The entry of a transition to state s (numbered perm[s] breadth-first). */
static uint32_t entry_of(const struct la_ac *ac, const uint32_t *perm, uint32_t s)
{
    uint32_t to = perm[s] < ac->ndense ? perm[s] * ac->nclass : (perm[s] - ac->ndense) | AC_DEEP;

    return to | (ac->out_first[s] != UINT32_MAX ? AC_OUT : 0);
}

/* The deep states' edge lists and fail links, in breadth-first order.  -1 on OOM. */
static int fill_deep(struct la_ac *ac, const struct trie *t, const uint32_t *fail,
                     const uint32_t *bfs, const uint32_t *perm)
{
    size_t nd = ac->nstates - ac->ndense, ne = 0;

    ac->deep_first = la_malloc((nd + 1) * sizeof(uint32_t));
    ac->deep_fail = la_malloc((nd + 1) * sizeof(uint32_t));
    ac->deep_cls = la_malloc(nd + 1);
    ac->deep_to = la_malloc((nd + 1) * sizeof(uint32_t));
    if (!ac->deep_first || !ac->deep_fail || !ac->deep_cls || !ac->deep_to)
        return -1;
    for (size_t d = 0; d < nd; d++) {
        uint32_t s = bfs[ac->ndense + d - 1];
        ac->deep_first[d] = (uint32_t)ne;
        ac->deep_fail[d] = entry_of(ac, perm, fail[s]) & ~AC_OUT;
        /* Every child of a deep state is deep, and each state is one edge's target: ne
         * stays below nd. */
        for (uint32_t k = t->first_child[s]; k != NO_EDGE; k = t->sibling[k]) {
            ac->deep_cls[ne] = t->cls_in[k];
            ac->deep_to[ne++] = entry_of(ac, perm, k);
        }
    }
    ac->deep_first[nd] = (uint32_t)ne;
    return 0;
}

/*
 * The dense rows, in breadth-first order (bfs: every state but the root, in that order), so
 * that the shallow states, where the scan spends nearly all its steps, share a few cache
 * lines.  A state's row is its fail link's (which comes earlier in that order) with its own
 * edges written over.  Then the deep states (fill_deep()).  -1 when out of memory.
 */
static int fill_table(struct la_ac *ac, const struct trie *t, const uint32_t *fail,
                      const uint32_t *bfs)
{
    size_t n = ac->nstates, nc = ac->nclass;
    uint32_t *perm = la_malloc(n * sizeof(uint32_t));
    uint32_t *outf = la_malloc(n * sizeof(uint32_t));
    int rc = -1;

    ac->ndense = 1;
    while (ac->ndense < n && t->depth[bfs[ac->ndense - 1]] <= DENSE_DEPTH)
        ac->ndense++;
    /* Row offsets and deep indexes beside the flags (the rule limits keep them far below). */
    if ((uint64_t)ac->ndense * nc > AC_IDX || n - ac->ndense > AC_IDX)
        goto out;
    ac->next = la_malloc((size_t)ac->ndense * nc * sizeof(uint32_t));
    if (!perm || !outf || !ac->next)
        goto out;
    perm[0] = 0;
    for (size_t k = 0; k + 1 < n; k++)
        perm[bfs[k]] = (uint32_t)(k + 1);
    for (size_t c = 0; c < nc; c++)
        ac->next[c] = entry_of(ac, perm, 0);
    for (size_t k = 0; k < ac->ndense; k++) {
        uint32_t s = k ? bfs[k - 1] : 0;
        uint32_t *row = &ac->next[k * nc];
        if (k)
            memcpy(row, &ac->next[(size_t)perm[fail[s]] * nc], nc * sizeof(uint32_t));
        for (uint32_t c = t->first_child[s]; c != NO_EDGE; c = t->sibling[c])
            row[t->cls_in[c]] = entry_of(ac, perm, c);
    }
    if (fill_deep(ac, t, fail, bfs, perm) < 0)
        goto out;
    for (size_t k = 0; k < n; k++)
        outf[k] = ac->out_first[k ? bfs[k - 1] : 0];
    la_free(ac->out_first);
    ac->out_first = outf;
    outf = NULL;
    rc = 0;
out:
    la_free(perm);
    la_free(outf);
    return rc;
}

/* The trie of the distinct atoms, with each atom's output at its last state. */
static int make_trie(struct la_ac *ac, struct trie *t, const char *const *atoms,
                     const size_t *atomlen, size_t maxstates, struct outcap *outcap)
{
    unsigned nstates = 1;

    t->first_child = la_malloc(maxstates * sizeof(*t->first_child));
    t->sibling = la_malloc(maxstates * sizeof(*t->sibling));
    t->cls_in = la_malloc(maxstates);
    t->depth = la_malloc(maxstates);
    t->root = la_malloc(256 * sizeof(*t->root));
    if (!t->first_child || !t->sibling || !t->cls_in || !t->depth || !t->root)
        return -1;
    t->first_child[0] = t->sibling[0] = NO_EDGE;
    t->depth[0] = 0;
    for (size_t c = 0; c < 256; c++)
        t->root[c] = NO_EDGE;
    for (size_t a = 0; a < ac->natoms; a++) {
        uint32_t s = 0;
        for (size_t k = 0; k < atomlen[a]; k++)
            s = trie_step(t, s, ac->cls[(unsigned char)atoms[a][k]], &nstates);
        if (add_out(ac, s, (uint32_t)a, outcap) < 0)
            return -1;
    }
    ac->nstates = nstates;
    return 0;
}

enum la_rc la_match_build(struct la_ruleset *rs)
{
    struct la_ac *ac = la_calloc(1, sizeof(*ac));
    size_t *atom_of = NULL, maxstates = 1, nbfs = 0;
    struct outcap outcap = { 0, 0 };
    uint32_t *fail = NULL, *queue = NULL;
    struct atomset as = { NULL, NULL, NULL, 0 };
    struct trie trie = { 0 };
    const char **atoms;
    size_t *atomlen;
    enum la_rc rc = LA_FATAL;

    if (!ac)
        return LA_FATAL;
    rs->ac = ac;
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
    /* Every (pattern, atom) pair: one atom, or one per alternative; and the hint words. */
    size_t total = LA_HINTS;
    for (size_t i = 0; i < rs->npats; i++) {
        if (rs->pats[i].atom)
            total++;
        for (char **al = rs->pats[i].alts; al && *al; al++)
            total++;
    }
    atom_of = la_calloc(total + 1, sizeof(*atom_of));
    atoms = as.atoms = la_calloc(total + 1, sizeof(*atoms));
    atomlen = as.atomlen = la_calloc(total + 1, sizeof(*atomlen));
    for (as.mask = 15; as.mask < 2 * total; as.mask = as.mask * 2 + 1)
        ;
    as.slot = la_calloc(as.mask + 1, sizeof(*as.slot));
    ac->ent_pat = la_malloc((total + 1) * sizeof(uint32_t));
    ac->ent_next = la_malloc((total + 1) * sizeof(uint32_t));
    rs->always = la_calloc(rs->npats + 1, sizeof(*rs->always));
    if (!atom_of || !atoms || !atomlen || !as.slot || !ac->ent_pat || !ac->ent_next ||
        !rs->always)
        goto out;
    /* Distinct atoms and byte classes. */
    for (size_t i = 0; i < rs->npats; i++) {
        struct pat *p = &rs->pats[i];
        char *one[2] = { p->atom, NULL };
        char **list = p->atom ? one : p->alts;
        if (p->field == FIELD_CONTEXT || p->late) {
            /* Tested only for rules another pattern already touched (see la_matcher_scan). */
            continue;
        }
        if (!list) {
            rs->always[rs->nalways++] = (unsigned)i;
            continue;
        }
        for (; *list; list++)
            add_atom(ac, &as, atom_of, &maxstates, *list,
                     p->atom ? p->atomlen : strlen(*list), (uint32_t)i);
    }
    /* The hint words, reported by the scan for free (la_matcher_hint_at). */
    for (unsigned h = 0; h < LA_HINTS; h++)
        add_atom(ac, &as, atom_of, &maxstates, hint_words[h],
                 strlen(hint_words[h]), HINT_PAT + h);
    ac->nclass++;                          /* class 0: bytes in no atom */
    ac->atom_first = la_malloc((ac->natoms + 1) * sizeof(uint32_t));
    ac->out_first = la_malloc(maxstates * sizeof(uint32_t));
    fail = la_malloc(maxstates * sizeof(uint32_t));
    queue = la_malloc(maxstates * sizeof(uint32_t));
    if (!ac->atom_first || !ac->out_first || !fail || !queue)
        goto out;
    for (size_t a = 0; a < ac->natoms; a++)
        ac->atom_first[a] = UINT32_MAX;
    for (size_t en = ac->nent; en-- > 0;) {
        ac->ent_next[en] = ac->atom_first[atom_of[en]];
        ac->atom_first[atom_of[en]] = (uint32_t)en;
    }
    for (size_t s = 0; s < maxstates; s++)
        ac->out_first[s] = UINT32_MAX;
    if (make_trie(ac, &trie, atoms, atomlen, maxstates, &outcap) < 0 ||
        link_states(ac, &trie, fail, queue, &nbfs, &outcap) < 0)
        goto out;
    if (nbfs + 1 != ac->nstates || fill_table(ac, &trie, fail, queue) < 0)
        goto out;                          /* (the walk reaches every state) */
    rc = LA_OK;
out:
    trie_release(&trie);
    la_free(atom_of);
    la_free(as.atoms);
    la_free(as.atomlen);
    la_free(as.slot);
    la_free(fail);
    la_free(queue);
    return rc;
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
    uint64_t *checks, *hits, *ns;
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
    m->disabled = la_calloc(rs->nrules + 1, 1);
    m->modbits = la_calloc(rs->nsels + 1, sizeof(uint32_t));
    m->checks = la_calloc(rs->nrules + 1, sizeof(uint64_t));
    m->hits = la_calloc(rs->nrules + 1, sizeof(uint64_t));
    m->ns = la_calloc(rs->nrules + 1, sizeof(uint64_t));
    la_buf_init(&m->lower, 0);
    la_buf_init(&m->scratch, 0);
    if (!m->md || !m->pat_stamp || !m->pat_hit || !m->cand || !m->rule_stamp || !m->touched ||
        !m->disabled || !m->modbits || !m->checks || !m->hits || !m->ns) {
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
    la_free(m->pat_stamp);
    la_free(m->pat_hit);
    la_free(m->cand);
    la_free(m->rule_stamp);
    la_free(m->touched);
    la_free(m->disabled);
    la_free(m->modbits);
    la_free(m->checks);
    la_free(m->hits);
    la_free(m->ns);
    la_free(m->caps);
    la_buf_release(&m->lower);
    la_buf_release(&m->scratch);
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

/* 1 match, 0 no match, -1 limit hit, -2 out of memory. */
static int test_pat(struct la_matcher *m, const struct pat *p, const struct la_record *rec)
{
    struct la_sv v = field_of(rec, p->field);
    const char *s = v.p;

    if (!s)
        s = "";
    if (p->op == OP_RE) {
        pcre2_code *re = la_pat_re(p);
        if (!re)
            return -2;
        int r = pcre2_match(re, (PCRE2_SPTR)s, v.len, 0, 0, m->md, m->rs->mctx);
        if (r >= 0)
            return 1;
        if (r == PCRE2_ERROR_MATCHLIMIT || r == PCRE2_ERROR_DEPTHLIMIT ||
            r == PCRE2_ERROR_HEAPLIMIT)
            return -1;
        return 0;
    }
    if (!p->cased && v.len && (s < rec->text.p || s + v.len > rec->text.p + rec->text.len)) {
        /* A field outside the line (the group's context): lowercase it on its own. */
        la_buf_reset(&m->scratch);
        if (la_buf_grow(&m->scratch, v.len) != LA_OK)
            return -2;
        for (size_t i = 0; i < v.len; i++)
            m->scratch.buf[i] = (char)tolower((unsigned char)s[i]);
        m->scratch.len = v.len;
        s = m->scratch.buf;
    } else if (!p->cased) {
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
    switch (p->op) {
    case OP_CONTAINS:
        return find_lit(s, v.len, p->lit, p->litlen) != NULL;
    case OP_STARTS:
        return v.len >= p->litlen && !memcmp(s, p->lit, p->litlen);
    case OP_ENDS:
        return v.len >= p->litlen && !memcmp(s + v.len - p->litlen, p->lit, p->litlen);
    case OP_EQUALS:
        return v.len == p->litlen && !memcmp(s, p->lit, p->litlen);
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
        const pcre2_code *re = la_pat_re(p);   /* the code test_pat() matched with */
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

/* The patterns (and hint words) of the atoms that end in the state of entry v, at byte i. */
static void outputs(struct la_matcher *m, const struct la_ac *ac, uint32_t v, size_t i)
{
    uint32_t s = v & AC_DEEP ? ac->ndense + (v & AC_IDX) : (v & AC_IDX) / ac->nclass;

    for (uint32_t o = ac->out_first[s]; o != UINT32_MAX; o = ac->out_next[o])
        for (uint32_t en = ac->atom_first[ac->out_atom[o]]; en != UINT32_MAX;
             en = ac->ent_next[en])
            if (ac->ent_pat[en] >= HINT_PAT)
                m->hint_at[ac->ent_pat[en] - HINT_PAT] =
                    i + 2 - strlen(hint_words[ac->ent_pat[en] - HINT_PAT]);
            else
                queue_pat(m, ac->ent_pat[en]);
}

/* The entry of the step from deep state d by class c: its edge, else its fail link's step. */
static uint32_t deep_step(const struct la_ac *ac, uint32_t d, unsigned c)
{
    for (;;) {
        for (uint32_t e = ac->deep_first[d]; e < ac->deep_first[d + 1]; e++)
            if (ac->deep_cls[e] == c)
                return ac->deep_to[e];
        uint32_t f = ac->deep_fail[d];
        if (!(f & AC_DEEP))
            return ac->next[f + c];
        d = f & AC_IDX;
    }
}

/*
 * The automaton over a line: one lookup per byte while it stays in the dense states; a deep
 * state (the line holds more than DENSE_DEPTH bytes of an atom) is left by deep_step().
 */
static void walk(struct la_matcher *m, const struct la_ac *ac, const unsigned char *t, size_t n)
{
    const uint32_t *next = ac->next;
    const unsigned char *cls = ac->cls;
    uint32_t s = 0;                        /* row offset of the (dense) state */

    for (size_t i = 0; i < n; i++) {
        uint32_t v = next[s + cls[t[i]]];
        if (!(v & (AC_OUT | AC_DEEP))) {
            s = v;
            continue;
        }
        for (;;) {
            if (v & AC_OUT)
                outputs(m, ac, v, i);
            if (!(v & AC_DEEP))
                break;
            if (++i == n)
                return;
            v = deep_step(ac, v & AC_IDX, cls[t[i]]);
        }
        s = v & ~AC_OUT;
    }
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

enum la_rc la_matcher_scan(struct la_matcher *m, const struct la_record *rec,
                           la_rule_hit_fn *fn, void *user, struct la_diag_sink *sink)
{
    const struct la_ruleset *rs = m->rs;
    const struct la_ac *ac = rs->ac;
    enum la_rc rc = LA_OK;

    if (++m->gen == 0) {
        memset(m->pat_stamp, 0, (rs->npats + 1) * sizeof(uint32_t));
        memset(m->rule_stamp, 0, (rs->nrules + 1) * sizeof(uint32_t));
        m->gen = 1;
    }
    m->ncand = 0;
    m->ntouched = 0;
    /* Run the automaton over the line (case folded by the byte classes). */
    m->lowered = 0;
    memset(m->hint_at, 0, sizeof(m->hint_at));
    walk(m, ac, (const unsigned char *)rec->text.p, rec->text.len);
    for (size_t i = 0; i < rs->nalways; i++)
        queue_pat(m, rs->always[i]);
    /* Check candidates. */
    for (size_t i = 0; i < m->ncand; i++) {
        uint32_t pi = m->cand[i];
        const struct pat *p = &rs->pats[pi];
        const struct rule *r = &rs->rules[p->rule];
        uint64_t t0 = 0;
        int hit;

        if (m->disabled[p->rule] || !applies_format(r, rec->format))
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
        if (collect_caps(m, r, rec) < 0)
            return LA_FATAL;
        rc = fn(user, ri, m->caps, m->ncaps);
    }
    return rc;
}

size_t la_matcher_hint_at(const struct la_matcher *m, enum la_hint h)
{
    return h < LA_HINTS ? m->hint_at[h] : 0;
}
