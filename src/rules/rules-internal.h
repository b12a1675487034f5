#ifndef LA_RULES_RULES_INTERNAL_H
#define LA_RULES_RULES_INTERNAL_H

/*
 * Declarations shared by the files of the rules module only (see
 * docs/internals/rules.md for the map):
 *
 *   yaml.c     pool of allocations, YAML helpers with positioned diagnostics
 *   load.c     YAML rule tree → struct rule (the key → loader table)
 *   cond.c     the condition language: parser and evaluator
 *   compile.c  validate + pcre2_compile each pattern; la_ruleset_compile()
 *   vocab.c    a producer's vocabulary pack → rules (one per entry)
 *   printf.c   a printf format → pattern, sample line and title
 *   atoms.c    literal atoms of a pattern, for the prefilter
 *   prefilter.c the atom table and the prefilter backends' table
 *   ac.c       the portable backend: an Aho-Corasick automaton over the atoms
 *   vscan.c    the Vectorscan backend and its database cache (-Dvectorscan)
 *   match.c    the matcher
 *   rules.c    the ruleset object: lifecycle and read-only queries
 *   selftest.c the rules' self-test (rules/selftest.h)
 *
 * Calls go one way, with no cycle: load → vocab, compile, cond; vocab →
 * printf, compile, cond, rules; compile → atoms, match, prefilter, rules;
 * rules → match, prefilter; match → cond; prefilter → ac, vscan; selftest →
 * vocab; and all but match.c, prefilter.c, ac.c and vscan.c pool or report
 * through yaml.c.  kb.c (rules/kb.h) uses yaml.c only.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <nettle/sha2.h>
#include <pcre2.h>
#include <yaml.h>

#include "core/buf.h"
#include "core/suggest.h"
#include "rules/rules.h"

/* ---------------------------------------------------------------- yaml.c */

/* A pool of allocations freed together (the ruleset's and the kb's strings). */
struct pool {
    void **items;
    size_t n, cap;
    char *cur;                     /* the free part of the current chunk (pool_alloc) */
    size_t left;
    int oom;
};

/* Keep ptr (NULL or not) in the pool; on failure ptr is freed, oom set, NULL returned. */
void *pool_keep(struct pool *p, void *ptr);
/* n bytes owned by the pool (aligned for any type); NULL (oom set) when out of memory. */
void *pool_alloc(struct pool *p, size_t n);
/* A NUL-terminated copy of n bytes of s. */
char *pool_memdup(struct pool *p, const void *s, size_t n);
char *pool_strdup(struct pool *p, const char *s);
void *pool_calloc(struct pool *p, size_t n, size_t size);
void pool_release(struct pool *p);

/*
 * A node array kept between the documents of many files (the vocabulary packs), so each
 * one does not grow and touch a new one: zero-initialised, freed by ystore_release().
 */
struct ystore {
    yaml_node_t *nodes;
    size_t cap;
};

void ystore_release(struct ystore *s);

/*
 * A loaded YAML document with its file name for diagnostics: libyaml's node type, built
 * by yaml.c from libyaml's events into one array of nodes (node id i is nodes[i - 1], the
 * root node 1) and one arena for the scalars' text and the collections' children.
 */
struct ydoc {
    yaml_node_t *nodes;
    size_t nnodes, capnodes;
    struct pool mem;
    struct ystore *store;          /* where the node array came from and goes back to */
    int aliased;                   /* it has an alias: not a tree (not cached) */
    const char *file;
    struct la_diag_sink *sink;
    struct pool *pool;
    unsigned errors;
    int loaded;
};

/* An empty document of file, taking store's node array (both loaders start with it). */
void ydoc_begin(struct ydoc *d, const char *file, struct pool *pool, struct ystore *store,
                struct la_diag_sink *sink);
/*
 * Load text into d; LA_FAILED with a positioned diagnostic on a syntax error (LA200) or at
 * a limit: nesting (LA222), anchors, aliases and the bytes aliases add, at most cap
 * (LA223), nodes once aliases are expanded (LA224).  LA_FATAL when out of memory.  The
 * node array is taken from store (NULL: none) and given back by ydoc_release().
 */
enum la_rc ydoc_load(struct ydoc *d, const char *file, const char *data, size_t len,
                     size_t cap, struct pool *pool, struct ystore *store,
                     struct la_diag_sink *sink);
void ydoc_release(struct ydoc *d);
/*
 * ydoc_load() through the parsed-YAML cache (ycache.c): the document of this text read
 * back from $XDG_CACHE_HOME/loganalyze when it was saved there, else parsed and saved.
 * The same document, diagnostics and return either way.  text_hash: a SHA-256 of bytes
 * that end with the text (the ruleset's so far), which with len decides the text.
 */
enum la_rc ydoc_load_cached(struct ydoc *d, const char *file, const char *data, size_t len,
                            const uint8_t text_hash[SHA256_DIGEST_SIZE], size_t cap,
                            struct pool *pool, struct ystore *store, struct la_diag_sink *sink);
/* How many documents this process read from the cache (for tests). */
unsigned long ycache_hits(void);
yaml_node_t *ydoc_root(struct ydoc *d);
yaml_node_t *ynode(struct ydoc *d, int id);
void yerr(struct ydoc *d, const yaml_node_t *n, unsigned code, const char *fmt, ...)
    LA_PRINTF(4, 5);
void ywarn(struct ydoc *d, const yaml_node_t *n, unsigned code, const char *fmt, ...)
    LA_PRINTF(4, 5);
/* Check a mapping's keys against allowed (NULL-terminated): unknown or duplicate → error. */
void ycheck_keys(struct ydoc *d, yaml_node_t *map, const char *const *allowed);
/*
 * Per pair of map, 1 when an earlier pair has the same (scalar) key; found by sorting, so a
 * mapping of many keys costs n log n.  Owned by the caller (la_free); NULL when out of memory.
 */
unsigned char *yrepeated_keys(struct ydoc *d, yaml_node_t *map);
/* The same with the allowed keys given by a predicate (a key table's lookup). */
typedef int ykey_known_fn(const char *key);
void ycheck_keys_by(struct ydoc *d, yaml_node_t *map, ykey_known_fn *known);
yaml_node_t *yget(struct ydoc *d, yaml_node_t *map, const char *key);
/* An id of [a-z0-9][a-z0-9._-]* (rule ids, fact names, producers). */
int yvalid_id(const char *s);
/* "a, b or c" into out, for diagnostics that list the allowed words. */
void ylist_names(struct la_buf *out, const char *const *names);
/*
 * A key whose value is one of names: its index; -1 when it is not a string or not one of
 * them (with an LA210 error listing them: "unknown KEY 'x' (a, b or c)").
 */
int yone_of(struct ydoc *d, yaml_node_t *n, const char *key, const char *const *names);
/* A scalar as a pooled string; NULL (with an error unless n is NULL) when not a scalar. */
const char *ystr(struct ydoc *d, yaml_node_t *n, const char *what);
int ynum(struct ydoc *d, yaml_node_t *n, const char *what, double *ret);
int ylong(struct ydoc *d, yaml_node_t *n, const char *what, long *ret);
int ybool(struct ydoc *d, yaml_node_t *n, const char *what, int *ret);
/* A scalar or a sequence of scalars as a pooled NULL-terminated array. */
const char *const *ystrlist(struct ydoc *d, yaml_node_t *n, const char *what, size_t *ret_n);
int yis_map(const yaml_node_t *n);
int yis_seq(const yaml_node_t *n);
int yis_scalar(const yaml_node_t *n);

/* Read a whole (small, capped) file into out. */
enum la_rc read_small_file(const char *path, size_t cap, struct la_buf *out,
                           struct la_diag_sink *sink);

/* ------------------------------------------------ the ruleset's layout */

enum { OP_CONTAINS, OP_STARTS, OP_ENDS, OP_EQUALS, OP_RE };
enum { FIELD_MESSAGE, FIELD_TEXT, FIELD_COMPONENT, FIELD_LEVEL, FIELD_CONTEXT };
enum { C_SEL, C_AND, C_OR, C_NOT, C_ANY, C_ALL };

/* One modifier value of one selection: a literal test or a compiled regex. */
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
    int nojit;                     /* left to the interpreter (vocabulary patterns: many, rare) */
    int late;                      /* tested only for a rule another pattern touched, as the
                                      'context' field is (a vocabulary variant's line test) */
    int lazy;                      /* re is compiled at its first use (la_pat_re(): a made
                                      regex that cannot fail to compile), until then NULL */
    int jit;                       /* JIT-compiled at its first use (la_ruleset_compile sets
                                      it unless nojit or LOGANALYZE_NO_JIT) */
    pcre2_code *jitted;            /* that JIT-compiled copy of re (la_pat_re()), or NULL */
    int caseless;                  /* a rule file's regex that ignores case throughout ('(?i)'
                                      first, no option turned off after it): the folded pass
                                      keeps its result */
    pcre2_code *folded;            /* src compiled caseless at its first use by the matcher's
                                      case-folded pass (la_pat_re_folded()), or NULL */
};

struct sel {
    const char *name;
    unsigned nmods;
};

/* A condition node: C_SEL tests selection a; AND/OR/NOT combine nodes a, b; ANY/ALL a mask. */
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
    size_t capcond;
    int root;                      /* condition root node, -1 when none */
    const char *const *formats;
    const char *after_id, *unless_id;
    unsigned after_line, after_col, unless_line, unless_col;
    size_t first_pat, npat;        /* set by la_match_build */
    size_t first_sel;              /* set by la_match_build: the rule's selections' place in
                                      a matcher's modifier bits (the sum of nsel before it) */
    const char *vfmt;              /* a vocabulary entry's format (vocab.c), for `rules test` */
    int pooled;                    /* sels and cond live in the pool (vocab.c: thousands of
                                      rules, no allocation each) */
};

/*
 * The distinct atoms of a ruleset (prefilter.c), which a prefilter backend finds in a
 * record's text, and per atom the chain of entries that need it: a pattern index, or
 * LA_HINT_PAT + a hint word (enum la_hint).
 */
struct la_atoms {
    size_t natoms;
    const char **text;             /* per atom: lowercase, pooled or static */
    size_t *len;                   /* per atom: its length, at least 1 */
    unsigned char *every;          /* per atom: every occurrence counts (a hint word: the
                                      scan keeps the last); else its first is enough */
    uint32_t *first;               /* per atom: its first entry */
    uint32_t *ent_pat;             /* per entry: the pattern, or LA_HINT_PAT + hint */
    uint32_t *ent_next;            /* per entry: the next entry of the same atom, or UINT32_MAX */
    size_t nent;
};

#define LA_HINT_PAT (UINT32_MAX - LA_HINTS)

struct la_prefilter;

/*
 * Patterns are stored in rule order, each rule's in one run.  Everything
 * below is written while loading and by la_ruleset_compile(), then never
 * again: matchers share the ruleset read-only.
 */
struct la_ruleset {
    struct la_limits lim;
    struct pool pool;
    struct rule *rules;
    size_t nrules, caprules;
    struct pat *pats;
    size_t npats, cappats;
    const char *const *causes, *const *formats;
    const char *const *contexts;      /* known context ids (set: {context: ID}), or NULL */
    unsigned errors;
    int compiled;
    struct sha256_ctx sha;
    char sha_hex[2 * SHA256_DIGEST_SIZE + 1];
    pcre2_match_context *mctx;
    struct la_atoms atoms;         /* atoms → pattern lists (prefilter.c) */
    const struct la_prefilter *pf; /* the backend that finds them (prefilter.c) */
    void *pf_db;                   /* its database, built from atoms */
    unsigned *always;              /* patterns without atom */
    size_t nalways;
    size_t nsels;                  /* the selections of all rules (la_match_build) */
};

/* A new rule in the slot after the last (zeroed; counted when the caller bumps nrules). */
struct rule *la_ruleset_new_rule(struct la_ruleset *rs);
/* Free what the rule in that slot holds, and the patterns from pats_before on. */
void la_ruleset_drop_rule(struct la_ruleset *rs, size_t pats_before);

static inline int in_list(const char *const *l, const char *s)
{
    for (; l && *l; l++)
        if (!strcmp(*l, s))
            return 1;
    return 0;
}

/* "; did you mean 'usb-link'?" when an id of l is near s (core/suggest.h), else "". */
static inline const char *near_hint(const char *const *l, const char *s, char *buf, size_t n)
{
    struct la_suggest sug;

    la_suggest_init(&sug, s);
    for (; l && *l; l++)
        la_suggest_add(&sug, *l);
    if (!sug.best || snprintf(buf, n, "; did you mean '%s'?", sug.best) >= (int)n)
        return "";
    return buf;
}

/* ---------------------------------------------------------------- atoms.c */

/* A literal pattern's atom: a pooled lowercased copy of its n bytes; NULL (pool->oom) on OOM. */
char *la_atoms_literal(struct pool *pool, const char *s, size_t n);
/*
 * The longest literal run of 3+ characters at the top level of regex re, lowercased and
 * pooled; NULL when there is none (or, with pool->oom set, out of memory).
 */
char *la_atoms_regex(struct pool *pool, const char *re, size_t *ret_len);
/*
 * For a regex without a single atom: a pooled NULL-terminated list of literals one of which
 * every match contains (one per top-level alternative, or those of a required group), or
 * NULL when there is no such set (or, with pool->oom set, out of memory).
 */
char **la_atoms_alternatives(struct pool *pool, const char *re);

/* ----------------------------------------------------------------- cond.c */

/*
 * Parse the 'condition' scalar cond over r's selections into r->cond and set r->root
 * (-1 after an error).  Errors are LA209 diagnostics pointing at the offending word.
 */
void la_cond_parse(struct rule *r, struct ydoc *d, yaml_node_t *cond);
/* The condition of a rule with one selection and no 'condition': that selection. */
void la_cond_single(struct rule *r);
/* Append a condition node to r; its index, or -1 when out of memory. */
int la_cond_node(struct rule *r, int op, int a, int b, uint64_t mask);
/* Evaluate node of r's condition with sels the set of selections that hold (bit i = sel i). */
int la_cond_eval(const struct rule *r, int node, uint64_t sels);

/* -------------------------------------------------------------- compile.c */

/* A selection's modifier keys, indexed by OP_*; NULL-terminated. */
extern const char *const la_pattern_ops[];

/*
 * Validate one modifier value vn and compile it into a new pattern of rs: proto gives op,
 * field, cased, rule, sel and mod.  A bad value gets a diagnostic in d and adds nothing.
 * 0, or -1 when out of memory.
 */
int la_compile_pattern(struct la_ruleset *rs, struct ydoc *d, const struct pat *proto,
                       yaml_node_t *vn);
/*
 * A pattern a loader made rather than read (vocab.c): proto gives op (a literal op, or
 * OP_RE), field, cased, rule, sel, mod, line and col; src (len bytes) is the literal or the
 * regex, atom (atomlen bytes, any case) a literal every match contains.  A regex that does
 * not compile is an LA207 error at proto's position.  0, or -1 when out of memory.
 */
int la_compile_made(struct la_ruleset *rs, struct ydoc *d, const struct pat *proto,
                    const char *src, size_t len, const char *atom, size_t atomlen);

/*
 * A new pattern of rs that tests what pattern from (an index of rs->pats, already compiled)
 * tests, for proto's rule, sel and mod: its regex is copied (pcre2_code_copy), not compiled
 * again.  0, or -1 when out of memory.
 */
int la_compile_copy(struct la_ruleset *rs, const struct pat *proto, size_t from);

/* --------------------------------------------------------------- printf.c */

/* An atom shorter than this anchors a format's pattern to the whole message. */
#define LA_PRINTF_MIN_LITERAL 8
/*
 * The level names a logger prints before a message with a blank ("ERROR unknown ..." from a
 * Python logger), NULL-terminated: a message may start after one of them
 * (la_printf_add_message_start(), and match.c's at_message_start() with case ignored).
 */
extern const char *const la_printf_logger_levels[];

/*
 * Append to b where an unanchored vocabulary message that opens with a lower-case word may
 * start: not inside a word, and not after a word and a blank, unless that word is one of
 * la_printf_logger_levels.  "An unknown error occurred (4013)", an iTunes dialog, is not
 * libimobiledevice's "ERROR: unknown error occurred", nor is a sentence of prose that quotes
 * a message.  LA_OK or the buffer's error.
 */
LA_NODISCARD enum la_rc la_printf_add_message_start(struct la_buf *b);

/* What a printf format becomes (la_printf_pattern). */
struct la_printf_pat {
    struct la_buf src;             /* the regex, or the literal of a case-sensitive 'contains' */
    struct la_buf atom;            /* the longest run of literal text, as printed */
    int literal;                   /* src is a literal */
    int anchored;                  /* src is ^…$ over the whole message */
    /* Set by the caller: conversion code_conv (from 1; 0 none) prints a code, captured as
     * the named group code_name ("code_imd"). */
    unsigned code_conv;
    const char *code_name;
};

/*
 * The pattern of a printf format's first line (printf.c tells how); exception, when not
 * NULL, is the Python exception class whose traceback line may lead an anchored match.
 * 0 made; 1 the format has no literal text (no pattern); -1 out of memory.  out's buffers
 * are initialised by the caller and freed with la_printf_pat_release().
 */
int la_printf_pattern(const char *fmt, const char *exception, struct la_printf_pat *out);
void la_printf_pat_release(struct la_printf_pat *p);
/*
 * The sample line of a format (its first line, conversions replaced by plausible values)
 * and the same with one character of its longest literal run changed.  0, or -1 on OOM.
 */
int la_printf_sample(const char *fmt, struct la_buf *sample, struct la_buf *altered);
/* The first line with conversions shown as "…" (and " …" when more lines follow), appended. */
int la_printf_title(const char *fmt, struct la_buf *out);

/* ---------------------------------------------------------------- vocab.c */

/* A document whose root is a vocabulary pack (a 'producer' or 'messages' key, no 'rules'). */
int la_vocab_is_pack(struct ydoc *d, yaml_node_t *root);
/* Load the pack at root into rs (errors go to d).  0, or -1 when out of memory. */
int la_vocab_load(struct la_ruleset *rs, struct ydoc *d, yaml_node_t *root);
/*
 * The lines `rules test` checks rule against: 1 with sample (must fire it) and altered
 * (must not) written, when the rule is a vocabulary entry's; 0 when it is not; -1 on OOM.
 */
int la_vocab_lines(const struct la_ruleset *rs, size_t rule, struct la_buf *sample,
                   struct la_buf *altered);

/* ---------------------------------------------------------------- match.c */

/*
 * The compiled regex of an OP_RE pattern, as every match of it must use: a lazy one is
 * compiled, and a jit one gets its JIT-compiled copy, by the first matcher that needs it,
 * in whichever thread; the first code published (atomically) is the one every thread uses,
 * a loser frees its own.  NULL only when out of memory.
 */
pcre2_code *la_pat_re(const struct pat *p);
/*
 * The same regex compiled from src with PCRE2_CASELESS, for la_matcher_scan_folded(): made
 * at its first use and published as la_pat_re()'s code is, left to the interpreter (it
 * serves only the rare retyped error line).  NULL when out of memory (or, which a pattern
 * that compiled as written cannot do, when it fails to compile).
 */
pcre2_code *la_pat_re_folded(const struct pat *p);

/* Build the prefilter (rule pattern ranges, the atom table, the backend's database). */
enum la_rc la_match_build(struct la_ruleset *rs);

/* ------------------------------------------- prefilter.c, ac.c, vscan.c */

/*
 * An atom found by a backend's scan: atom (an index of rs->atoms) ends at byte end - 1.
 * 0 to go on, nonzero to stop the scan (a block's hits over their cap).
 */
typedef int la_atom_hit_fn(void *user, uint32_t atom, size_t end);

/*
 * A prefilter backend: finds the atoms of rs->atoms in a record's text, or in a block of
 * many lines (a struct la_block_hits), case-insensitively (ASCII), every occurrence of
 * every atom, in order of their ends.
 * Both backends give the matcher the same set of candidates and hint positions, so the
 * findings are identical whichever runs (tests/meson.build runs the suites under each).
 */
struct la_prefilter {
    const char *name;              /* "portable", "vectorscan": LOGANALYZE_MATCHER */
    /*
     * The database for rs's atoms in *ret_db.  LA_OK; LA_FAILED when this backend cannot
     * serve (the portable one is used instead); LA_FATAL when out of memory.
     */
    enum la_rc (*build)(const struct la_ruleset *rs, void **ret_db);
    void (*free)(void *db);
    /* Per-matcher scratch space (NULL: none needed).  0, or -1 when out of memory. */
    int (*scratch_new)(const void *db, void **ret_scratch);
    void (*scratch_free)(void *scratch);
    /* Report the atoms in t[0..n) to hit, every occurrence (the matcher sorts what it
     * needs; a block's hits are sorted by their ends where the backend did not).  0 (also
     * when hit stopped it), or -1 on error. */
    int (*scan)(const void *db, void *scratch, const unsigned char *t, size_t n,
                la_atom_hit_fn *hit, void *user);
};

/*
 * A block's atom hits (prefilter.c; rules.h has the API): each hit is its end offset in
 * the block (bits 63..32) and its atom (31..0), so that sorting the numbers sorts by end.
 */
struct la_block_hits {
    const struct la_ruleset *rs;
    void *scratch;                 /* the backend's, for this object's scans */
    const char *base;              /* the block scanned last */
    size_t len;
    uint64_t *hit;
    size_t n, cap;
    int usable;                    /* the scan finished within the cap */
    int sorted;                    /* while scanning: ends came in order so far */
};

extern const struct la_prefilter la_prefilter_ac;
extern const struct la_prefilter la_prefilter_vscan;  /* built with -Dvectorscan only */

/*
 * Fill rs->atoms from the patterns (patterns on 'context' and late ones get none: they run
 * for rules another pattern touched; patterns without any are listed in rs->always), then
 * build the backend's database: LOGANALYZE_MATCHER names it, else the best one built in.
 * LA_FATAL when out of memory or LOGANALYZE_MATCHER names no backend of this build.
 */
enum la_rc la_prefilter_build(struct la_ruleset *rs, struct la_diag_sink *sink);
void la_prefilter_free(struct la_ruleset *rs);

#endif
