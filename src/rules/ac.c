/*
 * The portable prefilter backend: an Aho-Corasick automaton over the atoms.
 *
 * Build (once per ruleset, from its atom table, prefilter.c): the distinct
 * atoms go into an Aho-Corasick automaton, a DFA over byte classes (only
 * the bytes that occur in atoms get their own class, and a byte and its
 * upper case share one, so the scan needs no case folding).  The states up
 * to DENSE_DEPTH bytes deep have dense rows, so scanning a record is one
 * table lookup per byte while the text holds no more of an atom; a deeper
 * state (nearly always on the single path of one long vocabulary atom) has
 * a list of its edges and its fail link, and a step from it follows them:
 * the same states as a dense table, which for the shipped rules would be
 * 3.4 MB, written (and faulted in) at every start-up.  The trie is built as
 * lists of children and each dense row written once.  Each state lists the
 * atoms that end there.
 *
 * Scan: run the DFA over the text (a line, or a block of many: the same
 * loop) and report every atom that ends at each byte (la_atom_hit_fn), in
 * order of their ends.  The automaton is read-only: the backend needs no
 * scratch space, and any number of threads scan with it at once.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

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
};

static void ac_free(void *db)
{
    struct la_ac *ac = db;

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
                     const size_t *atomlen, size_t natoms, size_t maxstates,
                     struct outcap *outcap)
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
    for (size_t a = 0; a < natoms; a++) {
        uint32_t s = 0;
        for (size_t k = 0; k < atomlen[a]; k++)
            s = trie_step(t, s, ac->cls[(unsigned char)atoms[a][k]], &nstates);
        if (add_out(ac, s, (uint32_t)a, outcap) < 0)
            return -1;
    }
    ac->nstates = nstates;
    return 0;
}

/* Byte classes: one per byte that occurs in an atom, shared with its upper case. */
static void make_classes(struct la_ac *ac, const struct la_atoms *at)
{
    for (size_t a = 0; a < at->natoms; a++)
        for (size_t k = 0; k < at->len[a]; k++) {
            unsigned char lc = (unsigned char)at->text[a][k];
            if (ac->cls[lc])
                continue;
            ac->cls[lc] = (unsigned char)++ac->nclass;
            /* Atoms are lowercase; the upper case byte shares the class, so the scan needs
             * no case folding. */
            ac->cls[(unsigned char)toupper(lc)] = ac->cls[lc];
        }
    ac->nclass++;                          /* class 0: bytes in no atom */
}

static enum la_rc ac_build(const struct la_ruleset *rs, void **ret_db)
{
    const struct la_atoms *at = &rs->atoms;
    struct la_ac *ac = la_calloc(1, sizeof(*ac));
    size_t maxstates = 1, nbfs = 0;
    struct outcap outcap = { 0, 0 };
    uint32_t *fail = NULL, *queue = NULL;
    struct trie trie = { 0 };
    enum la_rc rc = LA_FATAL;

    if (!ac)
        return LA_FATAL;
    make_classes(ac, at);
    for (size_t a = 0; a < at->natoms; a++)
        maxstates += at->len[a];
    ac->out_first = la_malloc(maxstates * sizeof(uint32_t));
    fail = la_malloc(maxstates * sizeof(uint32_t));
    queue = la_malloc(maxstates * sizeof(uint32_t));
    if (!ac->out_first || !fail || !queue)
        goto out;
    for (size_t s = 0; s < maxstates; s++)
        ac->out_first[s] = UINT32_MAX;
    if (make_trie(ac, &trie, at->text, at->len, at->natoms, maxstates, &outcap) < 0 ||
        link_states(ac, &trie, fail, queue, &nbfs, &outcap) < 0)
        goto out;
    if (nbfs + 1 != ac->nstates || fill_table(ac, &trie, fail, queue) < 0)
        goto out;                          /* (the walk reaches every state) */
    rc = LA_OK;
out:
    trie_release(&trie);
    la_free(fail);
    la_free(queue);
    if (rc == LA_OK)
        *ret_db = ac;
    else
        ac_free(ac);
    return rc;
}

/* The atoms that end in the state of entry v, at byte i; nonzero when hit says stop. */
static int outputs(const struct la_ac *ac, uint32_t v, size_t i, la_atom_hit_fn *hit,
                   void *user)
{
    uint32_t s = v & AC_DEEP ? ac->ndense + (v & AC_IDX) : (v & AC_IDX) / ac->nclass;

    for (uint32_t o = ac->out_first[s]; o != UINT32_MAX; o = ac->out_next[o])
        if (hit(user, ac->out_atom[o], i + 1))
            return 1;
    return 0;
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
static int ac_scan(const void *db, void *scratch, const unsigned char *t, size_t n,
                   la_atom_hit_fn *hit, void *user)
{
    const struct la_ac *ac = db;
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
            if ((v & AC_OUT) && outputs(ac, v, i, hit, user))
                return 0;
            if (!(v & AC_DEEP))
                break;
            if (++i == n)
                return 0;
            v = deep_step(ac, v & AC_IDX, cls[t[i]]);
        }
        s = v & ~AC_OUT;
    }
    return 0;
}

static int ac_scratch_new(const void *db, void **ret_scratch)
{
    *ret_scratch = NULL;
    return 0;
}

static void ac_scratch_free(void *scratch)
{
}

const struct la_prefilter la_prefilter_ac = {
    "portable", ac_build, ac_free, ac_scratch_new, ac_scratch_free, ac_scan,
};
