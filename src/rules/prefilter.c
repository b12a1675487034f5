/*
 * The prefilter: the atom table and the backends that search for it.
 *
 * Most records match no rule, so a record must not cost one regex per
 * pattern: each pattern has atoms (atoms.c), literals one of which every
 * match contains, and only the patterns whose atom occurs in a record's
 * text are tested (match.c).  Here the atoms of all patterns, with the
 * three hint words the analysis reads for free (error, fail, panic(), are
 * gathered once per ruleset into struct la_atoms: the distinct atoms (a
 * hash table finds an atom among thousands), and per atom the chain of the
 * patterns that need it.
 *
 * A backend (struct la_prefilter) turns that table into a database and
 * reports, per record, which atoms occur and where they end:
 *
 *   portable    ac.c     an Aho-Corasick automaton, built at every start
 *   vectorscan  vscan.c  Vectorscan over the same literals (-Dvectorscan),
 *                        its compiled database cached on disk
 *
 * Both see the same atoms and the matcher makes the same candidates of
 * what they report (tested in pattern order, the last hint kept), so the
 * findings do not depend on the backend.  LOGANALYZE_MATCHER=portable (or
 * =vectorscan) chooses one; unset, the best one built in is used, and a
 * backend that cannot serve (a CPU Vectorscan does not support) leaves the
 * portable one.  docs/internals/rules.md, "The prefilter".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "rules/rules-internal.h"

/*
 * Lowercase words the scan reports wherever they occur (enum la_hint order): the ways a tool
 * says that something did not work.  With them 85 % of the restore tools' error messages
 * (rules/vocab/) end a run no rule explains, against 45 % for the first three alone
 * (tests/e2e/run-hints.py); analyze reads the others in a tool's own output only.  Short
 * words frequent in system logs are left out ("null", "lost"): each occurrence is a
 * prefilter hit, and "null" alone made 100 MB of the system-log mix 1.4x as slow to read.
 */
static const char *const hint_words[LA_HINTS] = {
    "error", "fail", "panic(", "unable to ", "could not ", "cannot ", "fatal", "can't ",
    "can\xe2\x80\x99t ", "couldn't ", "couldn\xe2\x80\x99t ", "invalid", "unsupported",
    "not supported", "unexpected", "missing", "out of memory", "did not ", "timed out",
    "denied", "refused", "does not match", "doesn't match", "mismatch", "refusing",
    "is not valid", "not loaded", "incorrect", "not found", "does not exist",
    "unknown ", "unrecogni", "exception", "wrong", "no such ", "no device", "not detected",
    "too many ", "not recogni", "overflow", "corrupt", "broken", "interrupted",
    "terminated", "requires ", "required ", "not initialized", "not allowed", "expecting",
    "not set", "not compatible",
};

/* The backends, best first. */
static const struct la_prefilter *const backends[] = {
#if HAVE_VECTORSCAN
    &la_prefilter_vscan,
#endif
    &la_prefilter_ac,
};
#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

/*
 * The distinct atoms while building: a hash table of their indexes + 1 (0: empty slot), so
 * that finding an atom among thousands is not a scan of all of them.
 */
struct atomset {
    size_t *atom_of;               /* per entry: its atom */
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

/* One (atom, pattern) entry; the atom is added to the table when new. */
static void add_atom(struct la_atoms *at, struct atomset *as, const char *s, size_t n,
                     uint32_t pat)
{
    size_t a = 0, h = atom_hash(s, n) & as->mask;

    for (; as->slot[h]; h = (h + 1) & as->mask) {
        a = as->slot[h] - 1;
        if (at->len[a] == n && !memcmp(at->text[a], s, n))
            break;
    }
    if (!as->slot[h]) {
        a = at->natoms++;
        as->slot[h] = (uint32_t)a + 1;
        at->text[a] = s;
        at->len[a] = n;
    }
    if (pat >= LA_HINT_PAT)
        at->every[a] = 1;
    as->atom_of[at->nent] = a;
    at->ent_pat[at->nent++] = pat;
}

/* No atom of list is empty (an empty one would be found everywhere: no atom at all). */
static int all_nonempty(const struct pat *p, char *const *list)
{
    if (p->atom)
        return p->atomlen > 0;
    for (; *list; list++)
        if (!**list)
            return 0;
    return 1;
}

/* The atom table of rs's patterns and the hint words; rs->always.  -1 when out of memory. */
static int make_atoms(struct la_ruleset *rs)
{
    struct la_atoms *at = &rs->atoms;
    struct atomset as = { NULL, NULL, 0 };
    size_t total = LA_HINTS;
    int rc = -1;

    /* Every (pattern, atom) pair: one atom, or one per alternative; and the hint words. */
    for (size_t i = 0; i < rs->npats; i++) {
        if (rs->pats[i].atom)
            total++;
        for (char **al = rs->pats[i].alts; al && *al; al++)
            total++;
    }
    for (as.mask = 15; as.mask < 2 * total; as.mask = as.mask * 2 + 1)
        ;
    as.slot = la_calloc(as.mask + 1, sizeof(*as.slot));
    as.atom_of = la_calloc(total + 1, sizeof(*as.atom_of));
    at->text = la_calloc(total + 1, sizeof(*at->text));
    at->len = la_calloc(total + 1, sizeof(*at->len));
    at->every = la_calloc(total + 1, 1);
    at->ent_pat = la_malloc((total + 1) * sizeof(uint32_t));
    at->ent_next = la_malloc((total + 1) * sizeof(uint32_t));
    rs->always = la_calloc(rs->npats + 1, sizeof(*rs->always));
    if (!as.slot || !as.atom_of || !at->text || !at->len || !at->every || !at->ent_pat ||
        !at->ent_next || !rs->always)
        goto out;
    for (size_t i = 0; i < rs->npats; i++) {
        struct pat *p = &rs->pats[i];
        char *one[2] = { p->atom, NULL };
        char **list = p->atom ? one : p->alts;
        if (p->field == FIELD_CONTEXT || p->late)
            continue;          /* tested only for rules another pattern touched (match.c) */
        if (!list || !all_nonempty(p, list)) {
            rs->always[rs->nalways++] = (unsigned)i;
            continue;
        }
        for (; *list; list++)
            add_atom(at, &as, *list, p->atom ? p->atomlen : strlen(*list), (uint32_t)i);
    }
    for (unsigned h = 0; h < LA_HINTS; h++)
        add_atom(at, &as, hint_words[h], strlen(hint_words[h]), LA_HINT_PAT + h);
    /* Each atom's entries chained in entry order. */
    at->first = la_malloc((at->natoms + 1) * sizeof(uint32_t));
    if (!at->first)
        goto out;
    for (size_t a = 0; a < at->natoms; a++)
        at->first[a] = UINT32_MAX;
    for (size_t en = at->nent; en-- > 0;) {
        at->ent_next[en] = at->first[as.atom_of[en]];
        at->first[as.atom_of[en]] = (uint32_t)en;
    }
    rc = 0;
out:
    la_free(as.slot);
    la_free(as.atom_of);
    return rc;
}

enum la_rc la_prefilter_build(struct la_ruleset *rs, struct la_diag_sink *sink)
{
    const char *want = getenv("LOGANALYZE_MATCHER");
    enum la_rc rc = LA_FAILED;

    if (make_atoms(rs) < 0)
        return LA_FATAL;
    if (want && *want) {
        size_t i = 0;
        while (i < NBACKENDS && strcmp(backends[i]->name, want))
            i++;
        if (i == NBACKENDS) {
            la_diagf(sink, LA_SEV_ERROR, LA_D_USAGE, NULL, 0, 0,
                     "LOGANALYZE_MATCHER: no matcher '%s' in this build (%s%s)", want,
                     HAVE_VECTORSCAN ? "vectorscan or " : "", la_prefilter_ac.name);
            return LA_FATAL;
        }
        rs->pf = backends[i];
        rc = rs->pf->build(rs, &rs->pf_db);
    } else {
        for (size_t i = 0; i < NBACKENDS && rc == LA_FAILED; i++) {
            rs->pf = backends[i];
            rc = rs->pf->build(rs, &rs->pf_db);
        }
    }
    if (rc == LA_FAILED) {
        /* A backend that cannot serve here: the portable one always can. */
        rs->pf = &la_prefilter_ac;
        rc = rs->pf->build(rs, &rs->pf_db);
    }
    return rc;
}

void la_prefilter_free(struct la_ruleset *rs)
{
    if (rs->pf)
        rs->pf->free(rs->pf_db);
    la_free(rs->atoms.text);
    la_free(rs->atoms.len);
    la_free(rs->atoms.every);
    la_free(rs->atoms.first);
    la_free(rs->atoms.ent_pat);
    la_free(rs->atoms.ent_next);
}

/* ------------------------------------------------------------ block hits */

struct la_block_hits *la_block_hits_new(const struct la_ruleset *rs, size_t max_hits)
{
    struct la_block_hits *h;

    if (!rs || !rs->compiled)
        return NULL;
    h = la_calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->rs = rs;
    h->cap = max_hits ? max_hits : LA_BLOCK_HITS_MAX;
    h->hit = la_malloc(h->cap * sizeof(*h->hit));
    if (!h->hit || rs->pf->scratch_new(rs->pf_db, &h->scratch) < 0) {
        la_block_hits_free(h);
        return NULL;
    }
    return h;
}

void la_block_hits_free(struct la_block_hits *h)
{
    if (!h)
        return;
    if (h->scratch)
        h->rs->pf->scratch_free(h->scratch);
    la_free(h->hit);
    la_free(h);
}

/* One hit of a block scan: kept, or the scan stopped when there is no more room. */
static int block_hit(void *user, uint32_t atom, size_t end)
{
    struct la_block_hits *h = user;
    uint64_t v = (uint64_t)end << 32 | atom;

    if (h->n == h->cap) {
        h->usable = 0;
        return 1;
    }
    if (h->n && v < h->hit[h->n - 1])
        h->sorted = 0;
    h->hit[h->n++] = v;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

enum la_rc la_block_hits_scan(struct la_block_hits *h, const void *buf, size_t len)
{
    h->base = buf;
    h->len = len;
    h->n = 0;
    h->sorted = 1;
    h->usable = len < UINT32_MAX;      /* ends must fit in 32 bits */
    if (!h->usable || !len)
        return LA_OK;
    if (h->rs->pf->scan(h->rs->pf_db, h->scratch, buf, len, block_hit, h) < 0) {
        h->usable = 0;
        return LA_FATAL;
    }
    if (h->usable && !h->sorted)
        qsort(h->hit, h->n, sizeof(*h->hit), cmp_u64);
    return LA_OK;
}

int la_block_hits_usable(const struct la_block_hits *h)
{
    return h && h->usable;
}

size_t la_block_hits_count(const struct la_block_hits *h)
{
    return h ? h->n : 0;
}

const char *la_ruleset_matcher(const struct la_ruleset *rs)
{
    return rs && rs->pf ? rs->pf->name : NULL;
}
